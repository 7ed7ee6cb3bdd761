"""Figure 11: the PyInstaller bundle: its size on disk, its archive's size, its start-up.

value     folder   dist/desktop-chat/, every file's size added up (MB = 10^6 bytes)
          archive  the newest dist/desktop-chat-*.tar.xz / .tar.gz (budget: under 90 MB)
          start    process start → main window painted, the bundled executable timed by this
                   process (it prints "startup-ms" at the first Paint, DESKTOP_CHAT_REPORT_STARTUP),
                   offscreen, with the same home as figure 1 (one conversation of 20 messages);
                   median of the runs after one warm-up
Reported as "not built" when there is no bundle: `python build/build_bundle.py` makes one.
build/build_bundle.py uses the helpers here to print the same figures after a build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, BenchmarkCrash, Row, child_env, killed_after, median, rounded, throwaway_home

DIST = ROOT / "dist"
BUNDLE = DIST / "desktop-chat"
ARCHIVE_BUDGET_MB = 90.0


def executable(bundle: Path = BUNDLE) -> Path:
    return bundle / ("desktop-chat.exe" if sys.platform == "win32" else "desktop-chat")


def folder_bytes(folder: Path) -> int:
    """Every file's own size (symbolic links count as links, not as what they point at)."""
    total = 0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            total += os.lstat(os.path.join(base, name)).st_size
    return total


def latest_archive(dist: Path = DIST) -> Path | None:
    archives = [p for p in dist.glob("desktop-chat-*.tar.*") if p.is_file()]
    return max(archives, key=lambda p: p.stat().st_mtime) if archives else None


def bundle_env(home: Path) -> dict[str, str]:
    """As figure 1's children, less what only a source checkout has (tests.fakes on PYTHONPATH)."""
    env = child_env(home)
    env.pop("PYTHONPATH", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # never a real keyring prompt
    # A start-up dialog (a database from a newer build than this bundle: the bundle in dist/ is
    # older than the checkout) is printed and the app exits, instead of waiting for a click that
    # never comes while this process reads its output.
    env["DESKTOP_CHAT_TEST_NO_DIALOGS"] = "1"  # desktop_chat.ui.app.NO_DIALOGS_ENV
    return env


def start_ms(exe: Path, home: Path, timeout: float = 60) -> float:
    """Launch the bundle once; ms from just before the launch to its "startup-ms" line."""
    env = bundle_env(home)
    env["DESKTOP_CHAT_REPORT_STARTUP"] = "1"
    with tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen([str(exe)], env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        assert proc.stdout is not None
        shown: float | None = None
        with killed_after(proc, timeout):
            for line in proc.stdout:
                if line.startswith("startup-ms") and shown is None:
                    shown = (time.perf_counter() - started) * 1000
            code = proc.wait()
        if code != 0 or shown is None:
            errors.seek(0)
            tail = "\n".join(errors.read().splitlines()[-20:])
            raise BenchmarkCrash(f"the bundle exited with {code} before its window was painted\n{tail}")
    return shown


def start_times(exe: Path, runs: int) -> list[float]:
    """One warm-up (cold disk cache), then `runs` timed starts against figure 1's home."""
    from benchmarks.start import prepare

    with throwaway_home() as home:
        prepare(home)
        start_ms(exe, home)
        return [start_ms(exe, home) for _ in range(runs)]


def run(quick: bool) -> list[Row]:
    exe = executable()
    if not exe.is_file():
        return [Row("bundle", None, "", note="not built (python build/build_bundle.py)")]
    rows = [Row("bundle: folder size", folder_bytes(BUNDLE) / 1e6, "MB", note=str(BUNDLE.relative_to(ROOT)))]
    archive = latest_archive()
    if archive is None:
        rows.append(Row("bundle: archive size", None, "", note="no archive in dist/"))
    else:
        size = archive.stat().st_size / 1e6
        rows.append(Row("bundle: archive size", size, "MB", budget=f"< {ARCHIVE_BUDGET_MB:.0f} MB",
                        ok=size < ARCHIVE_BUDGET_MB, note=archive.name))
    values = start_times(exe, 3 if quick else 7)
    rows.append(Row("bundle: start, window painted", median(values), "ms", note="bundled executable, offscreen",
                    details={"start_ms": rounded(values)}))
    return rows
