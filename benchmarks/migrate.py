"""Figure: upgrading a 100,000-message history from the release before message trees (0004 → 0005 and the migrations after it).

The history is made as that release left it (tests/store/v4_history.py: rows written at schema
0001, then 0002–0004 applied as upgrades, search index included): 1,000 conversations of 100
messages. Each run copies it and times ``Store(path)`` opening the copy, which backs it up and
applies 0005_message_tree (every message's parent, each conversation's current branch, the
children index). The window shows a progress window meanwhile (ui/window/migration_progress.py); with
a progress callback, as the window passes one, the figure is measured the same way.

value     Store() on the v4 file → open (the backup included), median of the runs.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks._common import Row, median, rounded, throwaway_home

CONVERSATIONS = 1_000
MESSAGES_EACH = 100


def run(quick: bool) -> list[Row]:
    from desktop_chat.store import MIGRATIONS, Store, applied_migrations, pending_upgrade
    from tests.store.v4_history import make_v4_history

    runs = 2 if quick else 5
    with throwaway_home() as home:
        original = home / "v4.sqlite3"
        total = make_v4_history(original, conversations=CONVERSATIONS, messages_each=MESSAGES_EACH)
        size_mb = original.stat().st_size / 1e6
        pending = pending_upgrade(original)
        assert pending[0] == "0005_message_tree", pending  # and the migrations after it
        values: list[float] = []
        told: list[int] = []
        for i in range(runs):
            path = home / f"run{i}.sqlite3"
            shutil.copyfile(original, path)
            heard: list[float] = []
            started = time.perf_counter()
            store = Store(path, progress=heard.append)
            values.append((time.perf_counter() - started) * 1000)
            told.append(len(heard))
            assert store._conn is not None and applied_migrations(store._conn) == [m.name for m in MIGRATIONS]
            store.close()
            _remove(path)
    value = median(values)
    return [Row(f"migrate a {total:,}-message database (0004 → {MIGRATIONS[-1].name[:4]})", value, "ms",
                note=f"Store() opening it, backup included; {size_mb:.0f} MB file; progress told {told[0]} times",
                details={"per_run_ms": rounded(values), "messages": total, "file_mb": round(size_mb, 1)})]


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm", ".lock", ".in-use", ".before-0005_message_tree.bak"):
        Path(f"{path}{extra}").unlink(missing_ok=True)

