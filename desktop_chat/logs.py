"""The log file: ``logs/desktop-chat.log`` in the data folder, rotated, shared by the window and the CLI.

What goes in it (see chat/engine.py): one line per request to a provider — provider, model,
attempt, status, time to first token, total time, tokens — and the app's own warnings and
errors with their tracebacks. Never a key; never the text of a message unless the user turned
on Settings.debug_log_content. The HTTP stack and the SDKs are kept at WARNING: at INFO/DEBUG
they log request lines and can log headers, which is where keys travel.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["LOG_FILE_NAME", "setup_logging"]

LOG_FILE_NAME = "desktop-chat.log"
MAX_BYTES = 2_000_000  # then the file becomes desktop-chat.log.1 …
BACKUPS = 3  # … keeping .1, .2 and .3 (≈ 8 MB at most in all)
# The SDKs' own HTTP stacks log every request line at INFO (anthropic and openai use httpx2/httpcore2).
_QUIET = ("httpx", "httpcore", "httpx2", "httpcore2", "anthropic", "openai", "qasync", "urllib3", "keyring",
          "secretstorage")


class _LogFile(logging.FileHandler):
    """The log file, rolled over by size as logging.handlers.RotatingFileHandler does it: a line
    that would take the file past `max_bytes` first renames it to .1 (.1 to .2, … the oldest
    dropped). A few lines of our own because that module (with pickle, for its socket handlers)
    was ≈ 2.5 ms of every start of the window.

    When the file cannot be written (a full disk), it says so once on stderr and then keeps quiet,
    instead of printing a traceback for every line it drops."""

    _failed = False

    def __init__(self, path: str, *, max_bytes: int, backups: int) -> None:
        if backups < 1:  # (RotatingFileHandler's 0, "never roll over", is not a case this app has)
            raise ValueError(f"a rolled-over log keeps at least one backup, not {backups}")
        super().__init__(path, mode="a", encoding="utf-8")
        self._max_bytes = max_bytes
        self._backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        """As StreamHandler.emit, with the size check between formatting and writing (the line is
        formatted once, where RotatingFileHandler formats it twice)."""
        try:
            line = self.format(record) + self.terminator
            stream = self._open_stream()
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            if size > 0 and size + len(line) > self._max_bytes:
                stream = self._roll_over()
            stream.write(line)
            self.flush()
        except RecursionError:  # logging's own rule: never swallowed
            raise
        except Exception:  # noqa: BLE001 - logging's rule: a failing handler never raises
            self.handleError(record)

    def _open_stream(self) -> TextIO:
        if self.stream is None:
            self.stream = self._open()
        return self.stream

    def _roll_over(self) -> TextIO:
        """desktop-chat.log becomes .1 (.1 becomes .2, … the oldest is dropped); a new file is opened."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for older in range(self._backups - 1, 0, -1):
            if os.path.exists(f"{base}.{older}"):
                os.replace(f"{base}.{older}", f"{base}.{older + 1}")
        os.replace(base, f"{base}.1")
        return self._open_stream()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        if not self._failed:
            self._failed = True
            error = sys.exc_info()[1]
            print(f"desktop-chat: cannot write the log file {self.baseFilename} ({error}); "
                  "log lines are dropped", file=sys.stderr)


def setup_logging(log_dir: Path) -> logging.Handler:
    """Send the app's log to *log_dir*/desktop-chat.log (once per process and folder)."""
    root = logging.getLogger()
    target = str(Path(log_dir) / LOG_FILE_NAME)
    for existing in list(root.handlers):
        if getattr(existing, "_desktop_chat", False):
            if getattr(existing, "baseFilename", None) == str(Path(target).resolve()) or \
                    getattr(existing, "baseFilename", None) == target:
                return existing
            root.removeHandler(existing)  # another data folder (tests, --data-dir): follow it
            existing.close()
    handler = _LogFile(target, max_bytes=MAX_BYTES, backups=BACKUPS)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._desktop_chat = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
