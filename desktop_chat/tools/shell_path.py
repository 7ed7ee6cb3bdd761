"""Finding ``npx``, ``uvx``, ``node``… the way the user's terminal would.

Started from a desktop entry or the macOS Dock, the app inherits a bare PATH (/usr/bin:/bin),
not the one the user's shell profile builds (nvm, Homebrew, ~/.local/bin, volta, cargo): the
"spawn npx ENOENT" every MCP client's users meet. So on Linux and macOS the login shell is asked
once for its PATH (``$SHELL -ilc``, bounded by a timeout), and the usual tool folders are added
after it. Blocking: the session manager calls it in a worker thread, once per process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

SHELL_TIMEOUT = 3.0  # seconds: a profile that waits for input must not hold a server's start
_MARK = "__DESKTOP_CHAT_PATH__"
_lock = threading.Lock()
_cached: list[str] | None = None


def _usual_folders() -> list[str]:
    home = Path.home()
    folders = [home / ".local/bin", home / ".cargo/bin", home / ".volta/bin", home / ".bun/bin",
               home / ".deno/bin", Path("/usr/local/bin"), Path("/opt/homebrew/bin"), Path("/opt/local/bin")]
    nvm = home / ".nvm/versions/node"
    if nvm.is_dir():  # the newest node nvm installed
        folders += sorted((p / "bin" for p in nvm.iterdir()), reverse=True)[:1]
    return [str(f) for f in folders]


def login_shell_path() -> list[str]:
    """The PATH folders of the user's login shell ([] on Windows, or when it cannot be asked)."""
    if sys.platform == "win32":
        return []
    shell = os.environ.get("SHELL") or ("/bin/zsh" if sys.platform == "darwin" else "/bin/sh")
    try:
        done = subprocess.run(
            [shell, "-ilc", f'printf "%s%s%s" "{_MARK}" "$PATH" "{_MARK}"'],
            capture_output=True, text=True, timeout=SHELL_TIMEOUT, stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    parts = done.stdout.split(_MARK)  # profiles may print banners around it
    return [p for p in parts[1].split(os.pathsep) if p] if len(parts) >= 3 else []


def search_path(environ_path: str | None = None, *, refresh: bool = False) -> list[str]:
    """The folders searched for a server's command, in order: the app's own PATH, then the login
    shell's, then the usual tool folders; each once. The shell is asked once per process."""
    global _cached
    with _lock:
        if _cached is None or refresh:
            _cached = login_shell_path()
        shell = list(_cached)
    own = (environ_path if environ_path is not None else os.environ.get("PATH", "")).split(os.pathsep)
    return list(dict.fromkeys(p for p in [*own, *shell, *_usual_folders()] if p))


def resolve(command: str, folders: list[str]) -> str | None:
    """The full path of *command* in *folders* (a path with a separator is taken as it is)."""
    if os.sep in command or (os.altsep and os.altsep in command):
        return command if os.access(command, os.X_OK) and Path(command).is_file() else None
    return shutil.which(command, path=os.pathsep.join(folders))
