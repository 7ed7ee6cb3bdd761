"""Entry point: `desktop-chat [FILE…]` opens the window; sub-commands run headless."""

from __future__ import annotations

import gc
import os
import sys
from types import ModuleType

from desktop_chat.commands import CLI_COMMANDS


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    argv = _take_data_dir(argv)
    if argv and argv[0] in ("--version", "-V"):
        from desktop_chat import __version__

        print(f"desktop-chat {__version__}")
        return 0
    if argv and argv[0] == "--smoke":  # start the window once, check the installation, exit (CI, the bundle)
        from desktop_chat.ui.smoke import run as run_smoke

        return run_smoke(argv[1:])
    if argv and argv[0] in CLI_COMMANDS:
        from desktop_chat.cli import run

        return run(argv)
    if argv and argv[0] in ("-h", "--help"):
        print(_USAGE)
        return 0
    return load_gui().run_gui(argv)


def load_gui() -> ModuleType:
    """desktop_chat.ui.app, imported as the window's start-up wants it (the benchmarks import it
    this way too, to start the window exactly as this entry point does)."""
    # Start-up makes only what lives as long as the window (modules, classes, widgets): the
    # collector's ≈ 80 automatic passes over it freed nothing and took ≈ 15 ms before the first
    # frame. The window's own collector takes over once it is up (ui/runtime/gc_guard.py).
    gc.disable()
    from desktop_chat.ui import app

    return app


def _take_data_dir(argv: list[str]) -> list[str]:
    """`--data-dir DIR` anywhere before the command sets DESKTOP_CHAT_HOME for everything after."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--data-dir" and i + 1 < len(argv):
            os.environ["DESKTOP_CHAT_HOME"] = os.path.abspath(argv[i + 1])
            i += 2
            continue
        if arg.startswith("--data-dir="):
            os.environ["DESKTOP_CHAT_HOME"] = os.path.abspath(arg.split("=", 1)[1])
            i += 1
            continue
        out.append(arg)
        i += 1
    return out


_USAGE = """usage: desktop-chat [--data-dir DIR] [FILE ...]        open the window (files attached to a new conversation)
       desktop-chat [--data-dir DIR] ask [--provider NAME] [--model M] [--system TEXT] [--conversation ID] PROMPT
       desktop-chat [--data-dir DIR] export [--format json|markdown] [--conversation ID ...]
       desktop-chat [--data-dir DIR] import FILE
       desktop-chat [--data-dir DIR] keys set|delete|list [PROVIDER]
       desktop-chat [--data-dir DIR] models list|install smollm2|add FILE|remove NAME   the built-in engine's models
       desktop-chat [--data-dir DIR] serve [--port N] [--host H --allow-remote] [--show-token]
                                                        the local API server (OpenAI and Anthropic wire formats)
       desktop-chat [--data-dir DIR] --smoke [--expect-language en|zh_CN] [--require-keyring]
                                                        check the installation (or bundle) and exit
       desktop-chat --version"""

if __name__ == "__main__":
    sys.exit(main())
