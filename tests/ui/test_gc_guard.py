"""The GUI-thread collector keeps what a large import brings out of later collections."""

from __future__ import annotations

import gc
import sys
import types

from desktop_chat.ui import gc_guard
from desktop_chat.ui.gc_guard import GuiThreadCollector


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
