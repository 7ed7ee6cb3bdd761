"""`python -m benchmarks._child MODULE --out PATH [--quick]`: one figure's measurements, in this process.

With DESKTOP_CHAT_BENCH_PROFILE=FILE (set by `python -m benchmarks --profile`), the measurements
run under pyinstrument and its call tree (GUI thread) is written to FILE.

Started by `_common.run_child` with the benchmark environment (offscreen, throwaway home,
in-memory keyring). The tests' network guard is installed first: a connection to anything
but loopback fails the benchmark instead of reaching the network.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from benchmarks._common import PROFILE_ENV


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module")
    parser.add_argument("--out", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    from tests import network_guard

    network_guard.install()
    module = importlib.import_module(f"benchmarks.{args.module}")
    profile_to = os.environ.get(PROFILE_ENV)
    if profile_to:
        from pyinstrument import Profiler  # the "bench" extra

        profiler = Profiler(interval=0.0005)
        profiler.start()
        try:
            result = module.child(args.quick)
        finally:
            profiler.stop()
            Path(profile_to).write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    else:
        result = module.child(args.quick)
    if network_guard.violations:
        print("benchmark tried to reach the network: " + ", ".join(network_guard.violations), file=sys.stderr)
        return 3
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
