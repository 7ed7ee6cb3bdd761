"""Which conversation of the history a client's ``session_id`` continues (``/ai/conversation``).

A small JSON file in the data dir, so that a script's session survives a restart of the app;
a session whose conversation was deleted in the window starts a new one.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from desktop_chat.atomic_file import atomic_write

log = logging.getLogger(__name__)
FILE_NAME = "server_sessions.json"


class Sessions:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME
        self._lock = threading.Lock()
        self._map: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._map is None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._map = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
            except FileNotFoundError:
                self._map = {}
            except (OSError, ValueError) as exc:
                log.warning("server sessions file unreadable (%s); starting afresh", exc)
                self._map = {}
        return self._map

    def get(self, session_id: str) -> str | None:
        with self._lock:
            return self._load().get(session_id)

    def set(self, session_id: str, conversation_id: str) -> None:
        with self._lock:
            self._load()[session_id] = conversation_id
            self._save()

    def pop(self, session_id: str) -> str | None:
        with self._lock:
            found = self._load().pop(session_id, None)
            if found is not None:
                self._save()
            return found

    def _save(self) -> None:
        try:
            atomic_write(self.path, json.dumps(self._map, indent=1).encode("utf-8"))
        except OSError as exc:  # the session still works while the app runs
            log.warning("could not save the server sessions: %s", exc)
