"""ziamath in a process of its own: LaTeX in, SVG out, one JSON line each way.

ziamath is pure Python (≈ 10-20 ms a formula). Run in a thread of the app, it held the GIL while
it worked, and the GUI thread waited for it at every call into Python (each formula object Qt
lays out or paints is one): frames took more than twice as long while formulas were being typeset
(measured here: worst frame 55 → 124 ms with 80 formulas on screen). In a process of its own it
costs the GUI nothing, and uses a second core where there is one. The process starts with the
first formula (≈ 0.3 s to import ziamath, off the GUI thread) and ends when the app closes its
pipe, or dies with it. It runs at a lower priority: where the CPU is scarce, the answer's text is
drawn first and its formulas follow. Should it fail to start or die, math_render typesets in its thread again.

The bundle's entry script runs `main()` when WORKER_ENV is set (packaging/pyinstaller/launch.py):
a frozen app has no `python -c`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

__all__ = ["WORKER_ENV", "SvgProcess", "main", "typeset_svg"]

WORKER_ENV = "DESKTOP_CHAT_MATHS_WORKER"
PRIORITY_DROP = 10  # a lower scheduling priority (nice): an answer streaming fast keeps the CPU


def typeset_svg(latex: str, display: bool, size: float, colour: str) -> str:
    """The formula as SVG that QtSvg draws (SVG 1.1). Raises whatever ziamath raises."""
    import ziamath

    ziamath.config.svg2 = False  # with SVG 2 QtSvg draws only the fraction bars
    return str(ziamath.Latex(latex, size=size, color=colour, inline=not display).svg())


def main() -> int:
    """The process's loop: one request per line on stdin, one answer per line on stdout."""
    if hasattr(os, "nice"):
        os.nice(PRIORITY_DROP)  # text first: formulas take the CPU the window and the stream leave
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    for line in stdin:
        try:
            request = json.loads(line)
            answer: dict[str, Any] = {"svg": typeset_svg(str(request["latex"]), bool(request["display"]),
                                                        float(request["size"]), str(request["colour"]))}
        except Exception as exc:  # noqa: BLE001 - any formula that does not typeset: its source shows
            answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        stdout.write(json.dumps(answer).encode("utf-8") + b"\n")
        stdout.flush()
    return 0


def _command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-c", "from desktop_chat.ui.messages.math_process import main; raise SystemExit(main())"]


def _environment() -> dict[str, str]:
    env = dict(os.environ, **{WORKER_ENV: "1"})
    package_root = str(Path(__file__).resolve().parents[3])  # the folder holding desktop_chat/
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    return env


class SvgProcess:
    """The typesetting process, seen from the one thread that uses it (not thread-safe)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None

    def svg(self, latex: str, display: bool, size: float, colour: str) -> str | None:
        """SVG, or None when ziamath cannot typeset it. OSError when the process cannot be used."""
        process = self._started()
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None and stdout is not None
        request = {"latex": latex, "display": display, "size": size, "colour": colour}
        try:
            stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            stdin.flush()
            line = stdout.readline()
        except (OSError, ValueError) as exc:
            self.close()
            raise OSError(f"the maths process is gone: {exc}") from exc
        if not line:
            self.close()
            raise OSError("the maths process ended")
        answer = json.loads(line)
        svg = answer.get("svg")
        return svg if isinstance(svg, str) else None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            flags = (getattr(subprocess, "CREATE_NO_WINDOW", 0) | getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)
                     if sys.platform == "win32" else 0)
            self._process = subprocess.Popen(
                _command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=_environment(), creationflags=flags)
        return self._process

    def close(self, timeout_s: float = 2.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        pipes: tuple[IO[bytes] | None, ...] = (process.stdin, process.stdout)
        for pipe in pipes:
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        try:
            process.wait(timeout_s)  # it ends at the end of its input
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout_s)
