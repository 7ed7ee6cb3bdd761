"""`python -m benchmarks._serve_child FAKE_URL PORT`: `desktop-chat serve` as a user runs it, in a process
of its own, with its OpenAI endpoint at the benchmark's fake (benchmarks/_server.py).

The benchmark environment's keyring lives in memory, per process, so the fake's key is saved here,
in the serving process, before `serve` starts. Stops on SIGINT (Ctrl+C), as in a terminal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass
class _Fake:
    base_url: str


def main() -> int:
    from tests import network_guard, wiring

    network_guard.install()
    from desktop_chat import cli
    from desktop_chat.config import load_settings, save_settings

    settings = wiring.settings_for("openai", _Fake(sys.argv[1]), load_settings())  # type: ignore[arg-type]
    settings.server_rate_limit = 0  # the figures send far more than a minute's worth
    save_settings(settings)
    return cli.run(["serve", "--port", sys.argv[2]])


if __name__ == "__main__":
    sys.exit(main())
