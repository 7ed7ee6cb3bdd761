"""The log file: ``logs/desktop-chat.log`` in the data folder, rotated, shared by the window and the CLI.

What goes in it (see chat/engine.py): one line per request to a provider — provider, model,
attempt, status, time to first token, total time, tokens — and the app's own warnings and
errors with their tracebacks. Never a key; never the text of a message unless the user turned
on Settings.debug_log_content. The HTTP stack and the SDKs are kept at WARNING: at INFO/DEBUG
they log request lines and can log headers, which is where keys travel.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

__all__ = ["LOG_FILE_NAME", "setup_logging"]

LOG_FILE_NAME = "desktop-chat.log"
# The SDKs' own HTTP stacks log every request line at INFO (anthropic and openai use httpx2/httpcore2).
_QUIET = ("httpx", "httpcore", "httpx2", "httpcore2", "anthropic", "openai", "qasync", "urllib3", "keyring",
          "secretstorage")


class _LogFile(logging.handlers.RotatingFileHandler):
    """A log file that, when it cannot be written (a full disk), says so once on stderr and then
    keeps quiet, instead of printing a traceback for every line it drops."""

    _failed = False

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
    handler = _LogFile(target, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._desktop_chat = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler
