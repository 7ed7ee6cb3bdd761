"""Attaching a 12-megapixel JPEG, through the window (issue 19).

A 4000 × 3000 JPEG of the kind a phone writes (≈ 4 MB, noise that compresses like a photo, EXIF
with a GPS position) is attached the way a dropped file is: `window.attachments.open_files([path])`,
i.e. the image tray, which shows a chip at once and prepares the image in a worker thread (read,
decode at half scale, orientation, metadata stripped, stored by hash, thumbnail), while the
qasync loop runs a 1 ms heartbeat. Each run attaches a file of its own (no store hit).

chip      open_files → the chip is in the tray (synchronous: what "at once" means)
value     open_files → the chip is ready to send
baseline  documents.images.prepare_image alone on the same bytes (the Pillow work)
stall     the worst lateness of the heartbeat during the value's run
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks._common import Row, median, rounded, run_child

READY_BUDGET_MS = 500.0
STALL_BUDGET_MS = 50.0
CHIP_BUDGET_MS = 16.0  # one frame
WIDTH, HEIGHT = 4000, 3000


def run(quick: bool) -> list[Row]:
    data = run_child("images", quick, timeout=300)
    ready, chips, stalls, baselines = data["values"], data["chips"], data["stalls"], data["baselines"]
    return [
        Row("images: 12-MP JPEG ready to send (window)", median(ready), "ms", median(baselines),
            median(ready) / median(baselines) if median(baselines) else None,
            f"≤ {READY_BUDGET_MS:.0f} ms", median(ready) <= READY_BUDGET_MS,
            note="baseline: prepare_image alone (Pillow)",
            details={"window_ms": rounded(ready), "prepare_ms": rounded(baselines), "bytes": data["bytes"]}),
        Row("images: chip shown after the drop", median(chips), "ms", budget=f"≤ {CHIP_BUDGET_MS:.0f} ms",
            ok=median(chips) <= CHIP_BUDGET_MS, details={"per_run_ms": rounded(chips, 2)}),
        Row("images: worst loop stall while preparing", median(stalls), "ms", budget=f"≤ {STALL_BUDGET_MS:.0f} ms",
            ok=median(stalls) <= STALL_BUDGET_MS, note=f"median of per-run worst; max {max(stalls):.1f} ms",
            details={"per_run_ms": rounded(stalls, 1), "top_gaps_ms": data["top_gaps"]}),
    ]


def child(quick: bool) -> dict[str, Any]:
    from desktop_chat.config import data_dir

    from benchmarks._gui import idle, run_in_app
    from tests.image_samples import noisy_photo

    runs = 3 if quick else 9
    folder = data_dir() / "bench-images"
    folder.mkdir()
    paths = []
    for variant in range(runs + 1):  # one file per run (+ the warm-up): nothing is found stored
        paths.append(folder / f"IMG_{variant:04d}.jpg")
        paths[-1].write_bytes(noisy_photo(WIDTH, HEIGHT))

    async def body(window: Any) -> dict[str, Any]:
        from desktop_chat.documents.images import prepare_image

        await through_window(window, paths[0])  # warm: Pillow imported, the tray built
        values, chips, stalls, gaps, baselines = [], [], [], [], []
        for path in paths[1:]:
            data = path.read_bytes()
            started = time.perf_counter()
            prepare_image(data, path.name)
            baselines.append((time.perf_counter() - started) * 1000)
            await idle(0.2)
            took, chip, stall, top = await through_window(window, path)
            values.append(took)
            chips.append(chip)
            stalls.append(stall)
            gaps.append(top)
        return {"values": values, "chips": chips, "stalls": stalls, "top_gaps": gaps, "baselines": baselines,
                "bytes": paths[1].stat().st_size}

    return run_in_app(body)


async def through_window(window: Any, path: Path) -> tuple[float, float, float, list[float]]:
    """Drop-equivalent attach of `path`; (ms to ready, ms to the chip, worst stall, gaps)."""
    from benchmarks._common import BenchmarkCrash
    from benchmarks._gui import Heartbeat, until
    from desktop_chat.ui.composer.image_chip import ImageChipState

    controller = window.attachments
    heartbeat = Heartbeat()
    heartbeat.start()
    started = time.perf_counter()
    controller.open_files([path])
    chips = controller.images.chips()
    chip_ms = (time.perf_counter() - started) * 1000
    if len(chips) != 1:
        raise BenchmarkCrash(f"{len(chips)} chips after attaching {path.name}")
    await until(lambda: not chips[0].busy, timeout=60, interval=0.001)
    took = (time.perf_counter() - started) * 1000
    stall = heartbeat.stop()
    if chips[0].state is not ImageChipState.READY:
        raise BenchmarkCrash(f"{path.name}: {chips[0].error_text}")
    controller.images.clear()
    return took, chip_ms, stall, heartbeat.top()
