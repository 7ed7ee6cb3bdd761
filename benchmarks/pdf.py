"""Figure 9: attaching a 300-page PDF, through the window.

A 300-page PDF of prose (≈ 300 words a page, generated with pymupdf) is attached the way a
dropped file is: `window.attachments.open_files([path])`, i.e. the composer's chip tray and its
AttachmentLoader, which runs `DocumentLibrary.attach` (read, hash, extract, cache the text, keep
the original, chunk and index for retrieval) in a worker thread through the window's AsyncRunner
and passes throttled page progress to the chip, while the qasync loop runs a 1 ms heartbeat.
Each run attaches a file of its own (page 1 differs), so nothing comes from the extraction cache.

value     open_files → the loader's `finished` signal, in the real window (chip shown, progress
          painted)
baseline  pymupdf alone: open the same file and get each page's text blocks
stall     the worst lateness of the heartbeat during the value's run (the extraction's worst
          stall of the event loop)
details   `attach_ms`: DocumentLibrary.attach called directly on a quiet thread, same file
retrieval `DocumentLibrary.search` over the indexed 300 pages for a question whose answer is on
          one page (the best passages for a turn that cannot send the whole text); the page found
          is checked
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._common import Row, median, paired_ratio, rounded, run_child

PAGES = 300
RATIO_BUDGET = 3.0
STALL_BUDGET_MS = 50.0
RETRIEVAL_BUDGET_MS = 50.0  # the issue sets none; a turn should not wait visibly for its passages
NEEDLE_PAGE = 137
NEEDLE = "The lighthouse keeper of Port Elwin is Marguerite Osei."
QUESTION = "Who is the lighthouse keeper of Port Elwin?"


def run(quick: bool) -> list[Row]:
    data = run_child("pdf", quick, timeout=300)
    values, baselines, stalls = data["values"], data["baselines"], data["stalls"]
    ratio = paired_ratio(values, baselines)
    stall = median(stalls)
    return [
        Row(f"pdf: attach {PAGES} pages (window)", median(values), "ms", median(baselines), ratio,
            f"≤ {RATIO_BUDGET:.0f}× baseline", ratio <= RATIO_BUDGET, note="baseline: pymupdf get_text alone",
            details={"window_ms": rounded(values), "pymupdf_ms": rounded(baselines), "chars": data["chars"],
                     "attach_ms": rounded(data["direct"])}),
        Row("pdf: worst loop stall during extraction", stall, "ms", budget=f"≤ {STALL_BUDGET_MS:.0f} ms",
            ok=stall <= STALL_BUDGET_MS, note=f"median of per-run worst; max {max(stalls):.1f} ms",
            details={"per_run_ms": rounded(stalls, 1), "top_gaps_ms": data["top_gaps"]}),
        Row(f"pdf: retrieval over {PAGES} pages", median(data["retrieval"]), "ms",
            budget=f"≤ {RETRIEVAL_BUDGET_MS:.0f} ms", ok=median(data["retrieval"]) <= RETRIEVAL_BUDGET_MS,
            note=f"best passages for a question answered on page {NEEDLE_PAGE}",
            details={"per_run_ms": rounded(data["retrieval"], 2)}),
    ]


def make_pdf(path: Path, pages: int = PAGES, variant: int = 0) -> None:
    import pymupdf

    words = ("alpha beta gamma delta epsilon zeta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
             "upsilon phi chi psi omega").split()
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        text = f"Page {n}{f' (copy {variant})' if variant and n == 1 else ''}. "
        if n == NEEDLE_PAGE:
            text += NEEDLE + " "
        text += " ".join(words[(n + i) % len(words)] for i in range(300))
        page = doc.new_page()
        room = page.insert_textbox(page.rect + (50, 50, -50, -50), text, fontname="helv", fontsize=10)
        assert room >= 0, "the text does not fit on a page"
    doc.save(path)
    doc.close()


def pymupdf_alone(path: Path) -> float:
    import pymupdf

    started = time.perf_counter()
    doc = pymupdf.open(path)
    for page in doc:
        page.get_text("blocks")
    doc.close()
    return (time.perf_counter() - started) * 1000


def attach(path: Path, folder: Path) -> tuple[float, int]:
    from desktop_chat.documents import DocumentLibrary

    with tempfile.TemporaryDirectory(dir=folder) as data_dir:
        library = DocumentLibrary(Path(data_dir))
        try:
            started = time.perf_counter()
            document = library.attach(path)
            took = (time.perf_counter() - started) * 1000
        finally:
            library.close()
    if document.page_count != PAGES:
        raise RuntimeError(f"{document.page_count} pages extracted")
    return took, sum(len(p) for p in document.pages)


def retrieval(path: Path, folder: Path, runs: int) -> list[float]:
    """ms per `DocumentLibrary.search` for QUESTION over the attached `path` (indexed once)."""
    from desktop_chat.documents import DocumentLibrary

    with tempfile.TemporaryDirectory(dir=folder) as data_dir:
        library = DocumentLibrary(Path(data_dir))
        try:
            document = library.attach(path)
            library.search([document.sha256], QUESTION)  # warm: the index's connection and statements
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                sources = library.search([document.sha256], QUESTION)
                times.append((time.perf_counter() - started) * 1000)
        finally:
            library.close()
    if not sources or sources[0].page != NEEDLE_PAGE:
        raise RuntimeError(f"retrieval found page {sources[0].page if sources else None}, not {NEEDLE_PAGE}")
    return times


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import data_dir

    from benchmarks._gui import idle, run_in_app

    runs = 3 if quick else 7
    folder = data_dir() / "bench-pdf"
    folder.mkdir()
    paths = []
    for variant in range(runs + 1):  # one file per window run (+ the warm-up): no cache hits
        paths.append(folder / f"300-pages-{variant}.pdf")
        make_pdf(paths[-1], variant=variant)

    async def body(window: Any) -> dict[str, Any]:
        pymupdf_alone(paths[0])  # warm: pymupdf imported, the file in the OS cache
        await through_window(window, paths[0])  # the library opened, the chip machinery imported
        values, baselines, stalls, direct, gaps = [], [], [], [], []
        chars = 0
        for path in paths[1:]:
            baselines.append(pymupdf_alone(path))
            await idle(0.2)
            took, stall, top = await through_window(window, path)
            values.append(took)
            stalls.append(stall)
            gaps.append(top)
            took, chars = attach(path, folder)  # the same file again, outside the window: its own folder
            direct.append(took)
        searches = await asyncio.to_thread(retrieval, paths[0], folder, 5 if quick else 21)
        return {"values": values, "baselines": baselines, "stalls": stalls, "direct": direct,
                "top_gaps": gaps, "chars": chars, "retrieval": searches}

    return run_in_app(body)


async def through_window(window: Any, path: Path) -> tuple[float, float, list[float]]:
    """Drop-equivalent attach of `path` in the window; (ms to the loader's `finished`, worst stall, gaps)."""
    from benchmarks._common import BenchmarkCrash
    from benchmarks._gui import Heartbeat, signal_future

    controller = window.attachments
    finished = signal_future(controller.loader.finished)
    failed = signal_future(controller.loader.failed)
    heartbeat = Heartbeat()
    heartbeat.start()
    started = time.perf_counter()
    controller.open_files([path])
    done, _ = await asyncio.wait({finished, failed}, timeout=120, return_when=asyncio.FIRST_COMPLETED)
    took = (time.perf_counter() - started) * 1000
    stall = heartbeat.stop()
    if finished not in done:
        raise BenchmarkCrash(f"attaching {path.name} in the window did not finish: {failed.result() if failed in done else 'timeout'}")
    (_key, document) = finished.result()
    if document.page_count != PAGES:
        raise BenchmarkCrash(f"{document.page_count} pages extracted")
    controller.tray.clear()
    return took, stall, heartbeat.top()
