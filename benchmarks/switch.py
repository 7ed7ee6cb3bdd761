"""Figure: switching a version in the window, to the new branch's first screen painted.

The home is tree.py's: a conversation whose current branch has 5,000 messages, with three
versions of every answer, and a small one. In the real window (run_gui, offscreen) the big
conversation is open; each run asks for another version of an answer half-way up the branch the
way its ‹ › switcher does (MessageView.versionRequested), alternating between the first and the
newest version as tree.py's store-level figure does, so the branch is half or all of the
conversation in turn.

value     the switch requested → the new branch's newest message painted (its body's first
          Paint, and the event loop back after it): what the window shows after the switch.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks._common import Row, conversation_items, fill_store, median, rounded, run_child, throwaway_home, \
    write_settings
from benchmarks.tree import BIG, MESSAGES, SWITCH_BUDGET_MS, VERSIONS, versioned_items


def run(quick: bool) -> list[Row]:
    with throwaway_home() as home:
        small = conversation_items(2, 4, seed=6)[1:]
        fill_store(home, versioned_items() + small)
        write_settings(home)
        data = run_child("switch", quick, timeout=180, home=home)
    value = median(data["values"])
    return [Row("switch a version: new branch's first screen painted", value, "ms",
                budget=f"≤ {SWITCH_BUDGET_MS:.0f} ms", ok=value <= SWITCH_BUDGET_MS,
                note=f"window; {MESSAGES:,}-message branch, {VERSIONS} versions of every answer; "
                     f"{data['shown']} messages loaded in the view",
                details={"per_run_ms": rounded(data["values"])})]


def child(quick: bool) -> dict[str, Any]:
    from benchmarks._gui import run_in_app

    return run_in_app(lambda window: switch_timings(window, 5 if quick else 15))


async def switch_timings(window: Any, runs: int) -> dict[str, Any]:
    from benchmarks._gui import PaintWatch, idle
    from benchmarks._common import BenchmarkCrash

    window.open_conversation(BIG)
    await idle(0.4)
    branch = window.store.list_messages(BIG)
    middle = next(m for m in branch[len(branch) // 2:] if m.role == "assistant")
    first, *_, newest = window.store.versions(middle.id)
    values = []
    for i in range(runs + 1):  # the first is a warm-up
        target, leaf = (first.id, first.id) if i % 2 == 0 else (newest.id, branch[-1].id)
        await idle(0.4)
        started = time.perf_counter()
        window.view.versionRequested.emit(target)
        shown = window.view.message_ids()
        if not shown or shown[-1] != leaf:
            raise BenchmarkCrash(f"after switching to {target} the window shows {shown[-1:]}, not {leaf}")
        watch = PaintWatch(window.view.message_widget(leaf).body.viewport())
        values.append((await watch.future - started) * 1000)
    return {"values": values[1:], "shown": len(window.view.message_ids())}
