"""The benchmark runner's own helpers (the figures themselves run in `python -m benchmarks`)."""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks._common import killed_after


def test_a_child_that_hangs_is_killed_and_its_output_so_far_kept():
    hang = "import time; print('shown', flush=True); time.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", hang], stdout=subprocess.PIPE, text=True)
    started = time.monotonic()
    with killed_after(proc, 1.0):
        lines = list(proc.stdout or ())
        code = proc.wait()
    assert lines == ["shown\n"]
    assert code != 0
    assert time.monotonic() - started < 30


def test_a_child_that_ends_in_time_is_left_alone():
    proc = subprocess.Popen([sys.executable, "-c", "print('done')"], stdout=subprocess.PIPE, text=True)
    with killed_after(proc, 30.0):
        lines = list(proc.stdout or ())
        code = proc.wait()
    assert (lines, code) == (["done\n"], 0)
