"""`python -m benchmarks [--quick] [--json PATH] [--only NAME ...]`: run the figures, print one table,
write the results as JSON (default benchmarks/results/latest.json, git-ignored).

Exit status: 0 when every benchmark ran, whether or not its budget was met (the table says which
were missed: this is a report, not a gate); 1 when a benchmark itself crashed.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tests.fakes` and `desktop_chat` import from the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks._common import BenchmarkCrash, Row  # noqa: E402

FIGURES = ("start", "memory", "stream", "reasoning", "render", "first_token", "open_conversation", "tree", "switch", "migrate",
           "conversation_list",
           "search", "pdf", "stop", "bundle", "local_model", "server", "server_window")
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run Desktop Chat's speed and memory figures, print one table, write JSON. "
                    "Exits 0 when every benchmark ran (budgets missed or not), 1 when one crashed.")
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller sizes (for CI: under 2 minutes)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON,
                        help=f"where to write results (default {DEFAULT_JSON.relative_to(ROOT)})")
    parser.add_argument("--only", nargs="+", choices=FIGURES, metavar="NAME",
                        help="run only these figures: " + ", ".join(FIGURES))
    parser.add_argument("--profile", action="store_true",
                        help="profile each figure's child process with pyinstrument (pip install -e '.[bench]'); "
                             "call trees in benchmarks/results/profile-NAME.txt (figures are slower, not comparable)")
    args = parser.parse_args(argv)
    if args.profile:
        from benchmarks._common import profile_children

        profile_children(True)

    started = time.perf_counter()
    rows: list[Row] = []
    crashed: list[str] = []
    for name in args.only or FIGURES:
        began = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            new = module.run(args.quick)
        except Exception as exc:  # noqa: BLE001 - one crashed figure must not hide the others
            crashed.append(name)
            detail = str(exc) if isinstance(exc, BenchmarkCrash) else traceback.format_exc()
            print(f"!! {name} crashed:\n{detail}", file=sys.stderr, flush=True)
            new = [Row(name, None, "", note="CRASHED (see stderr)", details={"error": detail[-4000:]})]
        for row in new:
            row.details.setdefault("seconds", round(time.perf_counter() - began, 1))
        rows += new

    print(table(rows))
    total = time.perf_counter() - started
    missed = [r.figure for r in rows if r.ok is False]
    print(f"\n{len(rows)} figures in {total:.0f} s ({'quick' if args.quick else 'full'} run); "
          f"{len(missed)} over budget; {len(crashed)} crashed.")
    write_json(args.json, rows, quick=args.quick, seconds=total)
    print(f"results: {args.json}")
    return 1 if crashed else 0


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(rows: list[Row]) -> str:
    header = ["figure", "value", "baseline", "ratio", "budget", "ok?"]
    lines = []
    for r in rows:
        ok = "—" if r.ok is None else "ok" if r.ok else "MISSED"
        value = r.note if r.value is None else fmt(r.value, r.unit)
        ratio = r.ratio_text or ("—" if r.ratio is None else f"{r.ratio:.2f}×")
        lines.append([r.figure, value, fmt(r.baseline, r.unit), ratio,
                      r.budget or "—", ok])
    widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(l) for l in lines]
    return "\n".join(out)


def write_json(path: Path, rows: list[Row], *, quick: bool, seconds: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "seconds": round(seconds, 1),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine()},
        "figures": [r.as_dict() for r in rows],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
