"""Figures of the history tree: a conversation with versions, opened and switched.

The home holds a conversation whose current branch has 5,000 messages, with three versions of
every answer (10,000 messages in all), and a small one.

open      open_conversation called → the newest message painted, as open_conversation.py
          measures it for a conversation without versions (budget ≤ 300 ms; ≈ 36 ms without
          versions on the reference machine).
switch    store-level: switch_to(the first version of an answer half-way up the branch), then
          the window's first page of the new branch (list_messages with its page size); the
          painting of that page is not included.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks._common import (Row, conversation_items, fill_store, median, rounded, run_child, throwaway_home,
                                write_settings)

MESSAGES = 5_000  # on the current branch
VERSIONS = 3  # of every answer
BUDGET_MS = 300.0
SWITCH_BUDGET_MS = 50.0
BIG = "bench-c000000"
SMALL = "bench-c000001"


def versioned_items(seed: int = 5) -> list[tuple[Any, list[Any]]]:
    """The big conversation: each answer has VERSIONS - 1 older siblings; the newest is current."""
    import dataclasses

    ((conversation, linear),) = conversation_items(1, MESSAGES, seed=seed)
    messages: list[Any] = []
    seq = 0
    parent = None
    for message in linear:
        versions = [] if message.role == "user" else [
            dataclasses.replace(message, id=f"{message.id}-v{v}", text=f"Version {v}. {message.text}")
            for v in range(1, VERSIONS)]
        for version in [*versions, message]:
            seq += 1
            messages.append(dataclasses.replace(version, seq=seq, parent_id=parent))
        parent = message.id
    conversation.current_leaf = parent
    return [(conversation, messages)]


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        small = conversation_items(2, 4, seed=6)[1:]
        big = versioned_items()
        total = len(big[0][1])
        fill_store(home, big + small)
        write_settings(home)
        switch = switch_timings(home / "chat.sqlite3", 5 if quick else 15)
        data = run_child("tree", quick, timeout=180, home=home)
    opened = median(data["values"])
    switched = median(switch["values"])
    return [
        Row(f"open a {MESSAGES:,}-message branch, {VERSIONS} versions of every answer", opened, "ms",
            budget=f"≤ {BUDGET_MS:.0f} ms", ok=opened <= BUDGET_MS,
            note=f"newest painted; {data['shown']} loaded; {total:,} messages in all",
            details={"per_run_ms": rounded(data["values"])}),
        Row("switch a version (store: switch_to + first page)", switched, "ms",
            budget=f"≤ {SWITCH_BUDGET_MS:.0f} ms", ok=switched <= SWITCH_BUDGET_MS,
            note=f"{switch['page']} messages in the page; painting not included",
            details={"per_run_ms": rounded(switch["values"])}),
    ]


def switch_timings(path: Path, runs: int) -> dict[str, Any]:
    """Alternate between the first and the newest version of an answer half-way up the branch."""
    from desktop_chat.store import Store
    from desktop_chat.ui.window.main_window import PAGE_SIZE

    with Store(path) as store:
        branch = store.list_messages(BIG)
        middle = next(m for m in branch[len(branch) // 2:] if m.role == "assistant")
        first, *_, newest = store.versions(middle.id)
        values = []
        page: list[Any] = []
        for i in range(runs + 1):  # the first is a warm-up
            target = first if i % 2 == 0 else newest
            started = time.perf_counter()
            store.switch_to(target.id)
            page = store.list_messages(BIG, limit=PAGE_SIZE)
            values.append((time.perf_counter() - started) * 1000)
        return {"values": values[1:], "page": len(page)}


def child(quick: bool) -> dict[str, Any]:
    from benchmarks._gui import run_in_app
    from benchmarks.open_conversation import open_timings

    return run_in_app(lambda window: open_timings(window, BIG, SMALL, 3 if quick else 7))
