"""Figure 8: full-text search over 100,000 messages.

The home holds 2,000 conversations of 50 messages (100,000 messages, markdown answers of 20-120
words). Queries: a rare word (≈ 0.1 % of messages), a medium one (≈ 10 %), a word of the answers'
own vocabulary (most messages) and a Chinese word (≈ 1 %, matched as characters).

value     the slowest query's median, for Store.search (top 50 hits with snippets, as the
          search results want) and for Store.search_conversations (as the conversation list
          asks: up to 500 conversations).
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._common import Row, conversation_items, fill_store, median, run_child, throwaway_home

CONVERSATIONS = 2_000
PER_CONVERSATION = 50
BUDGET_MS = 50.0
QUERIES = {"rare": "zephyr", "medium": "quasar", "common": "render", "chinese": "学习"}
EXTRA_WORDS = {"zephyr": 0.001, "quasar": 0.1, "机器学习": 0.01}


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        fill_store(home, conversation_items(CONVERSATIONS, PER_CONVERSATION, seed=13, extra_words=EXTRA_WORDS),
                   batch=100)
        data = run_child("search", quick, timeout=300, home=home)
    rows = []
    for name, label in (("search", "store.search"), ("search_conversations", "search_conversations")):
        per_query = data[name]
        worst = max(per_query, key=lambda q: per_query[q]["median_ms"])
        value = per_query[worst]["median_ms"]
        rows.append(Row(f"search {data['messages']:,} messages: {label}", value, "ms", budget=f"≤ {BUDGET_MS:.0f} ms",
                        ok=value <= BUDGET_MS, note=f"slowest query: {worst} “{QUERIES[worst]}”",
                        details=per_query))
    return rows


def child(quick: bool) -> dict[str, Any]:
    import sqlite3

    from desktop_chat.config import database_path
    from desktop_chat.store import Store

    runs = 5 if quick else 15
    with sqlite3.connect(database_path()) as db:
        messages = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    with Store(database_path()) as store:
        out: dict[str, Any] = {"messages": messages}
        for name, call in (("search", lambda q: store.search(q)),
                           ("search_conversations", lambda q: store.search_conversations(q, 500))):
            per_query = {}
            for kind, query in QUERIES.items():
                found = call(query)  # warm: the pages in the OS cache, statements compiled
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    call(query)
                    times.append((time.perf_counter() - started) * 1000)
                per_query[kind] = {"median_ms": round(median(times), 2), "worst_ms": round(max(times), 2),
                                   "results": len(found)}
            out[name] = per_query
    return out
