"""The GUI-thread collector keeps what a large import brings out of later collections."""

from __future__ import annotations

import gc
import sys
import types

from desktop_chat.ui.runtime import gc_guard
from desktop_chat.ui.runtime.gc_guard import GuiThreadCollector


def test_a_large_import_is_frozen_at_the_next_check_instead_of_collected(qapp, monkeypatch):
    collector = GuiThreadCollector()
    names = [f"_fake_sdk_module_{i}" for i in range(gc_guard.FREEZE_AFTER_MODULES)]
    collected: list[int] = []
    try:
        for name in names:
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
        sdk_objects = [[i] for i in range(1000)]  # what the import left behind, alive for good
        monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
        frozen_before = gc.get_freeze_count()
        collector.check()
        assert gc.get_freeze_count() >= frozen_before + len(sdk_objects)
        assert collected == []  # no walk over the new objects on the GUI thread
        collector.check()  # nothing new imported since: back to the thresholds
        assert gc.get_freeze_count() >= frozen_before
    finally:
        monkeypatch.undo()
        collector.stop()
        gc.unfreeze()  # the test session's objects are collectable again


def test_a_collector_made_for_the_start_up_waits_for_the_freeze(qapp, qtbot, monkeypatch):
    """The app's start-up: nothing collected (automatically or by checks) until the start-up
    objects are frozen; from then on the checks run."""
    collector = GuiThreadCollector(interval_ms=10, checking=False)
    collected: list[int] = []
    try:
        assert not gc.isenabled()
        monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
        monkeypatch.setattr(gc, "get_count", lambda: (10**6, 10**6, 10**6))  # every threshold crossed
        qtbot.wait(50)
        assert collected == []
        collector.freeze_startup_objects()
        assert collected == [2]  # the freeze's own full collection
        qtbot.waitUntil(lambda: len(collected) > 1, timeout=1000)  # the checks have begun
    finally:
        monkeypatch.undo()
        collector.stop()
        gc.unfreeze()
