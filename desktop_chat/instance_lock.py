"""Advisory file locks that say who else is using a data folder. Standard library only, no Qt.

Two questions need an answer that survives crashes, so both are file locks, which the operating
system drops the moment a process dies (SIGKILL included) — never a pid file that goes stale:

- Is a window already open on this data folder? :class:`InstanceLock` (``desktop-chat.lock`` in
  the data folder), held exclusively by the window for its whole life. A second window start
  finds it taken and, instead of running beside the first, hands its files to it
  (desktop_chat/ui/runtime/single_instance.py).
- Is any other process (a window, ``desktop-chat ask``) using the database right now?
  :class:`SharedLock` on ``<database>.lock``: every process that opens the store holds it
  shared, and takes it exclusively only while opening. The process that gets it exclusively is
  alone, and only then may it repair things that belong to nobody: answers left "streaming" by a
  crash are marked interrupted, a damaged file is moved aside. While a window streams an answer,
  ``ask`` in a terminal therefore never marks that live answer as interrupted (nor the other way
  round).

POSIX uses ``fcntl.flock`` (shared and exclusive locks, per open file, so two opens in one
process also exclude each other, as two processes would). Windows has no shared flock; there
``msvcrt.locking`` emulates it with byte ranges: a shared holder locks one of ``_SLOTS`` bytes, an
exclusive holder needs all of them. The lock files themselves stay behind; they hold no state.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

__all__ = ["InstanceLock", "SharedLock", "WINDOW_LOCK_NAME"]

WINDOW_LOCK_NAME = "desktop-chat.lock"
_SLOTS = 64  # Windows only: how many processes can hold a SharedLock at once
_POLL_S = 0.02


class _LockFile:
    """One open lock file, exclusive or shared, every call non-blocking."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.mode: str | None = None  # None | "exclusive" | "shared"
        self._slot: int | None = None  # Windows: the byte a shared holder locked

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def try_exclusive(self) -> bool:
        if self.mode == "exclusive":
            return True
        fd = self._open()
        if sys.platform == "win32":
            self._unlock_windows()
            if _win_lock(fd, 0, _SLOTS + 1):
                self.mode = "exclusive"
                return True
            if self.mode == "shared":  # keep what we had
                self._reclaim_slot_windows()
            return False
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        self.mode = "exclusive"
        return True

    def try_shared(self) -> bool:
        """Take (or turn an exclusive lock into) a shared one."""
        if self.mode == "shared":
            return True
        fd = self._open()
        if sys.platform == "win32":
            self._unlock_windows()
            return self._reclaim_slot_windows()
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return False
        self.mode = "shared"
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if sys.platform == "win32":
                self._unlock_windows()
            else:
                import fcntl

                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None
            self.mode = None

    # -- Windows emulation ---------------------------------------------------------------------

    def _reclaim_slot_windows(self) -> bool:
        assert self._fd is not None
        for slot in range(1, _SLOTS + 1):
            if _win_lock(self._fd, slot, 1):
                self._slot, self.mode = slot, "shared"
                return True
        self.mode = None
        return False

    def _unlock_windows(self) -> None:
        if self._fd is None or self.mode is None:
            return
        if self.mode == "exclusive":
            _win_unlock(self._fd, 0, _SLOTS + 1)
        elif self._slot is not None:
            _win_unlock(self._fd, self._slot, 1)
        self.mode, self._slot = None, None


def _win_lock(fd: int, offset: int, length: int) -> bool:  # pragma: no cover - Windows only
    import msvcrt

    os.lseek(fd, offset, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, length)  # type: ignore[attr-defined]
    except OSError:
        return False
    return True


def _win_unlock(fd: int, offset: int, length: int) -> None:  # pragma: no cover - Windows only
    import msvcrt

    os.lseek(fd, offset, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, length)  # type: ignore[attr-defined]
    except OSError:
        pass


class InstanceLock:
    """The window's "one window per data folder" lock. ``acquire()`` is False if one is open."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / WINDOW_LOCK_NAME
        self._file = _LockFile(self.path)

    def acquire(self) -> bool:
        try:
            return self._file.try_exclusive()
        except OSError:
            # A folder we cannot even create a file in: the store will say why, in words; a lock
            # that cannot exist must not be what stops the app.
            return True

    def release(self) -> None:
        self._file.release()

    def held_elsewhere(self) -> bool:
        """True while another process (or another InstanceLock in this one) holds the lock."""
        probe = _LockFile(self.path)
        try:
            if probe.try_exclusive():
                return False
            return True
        except OSError:
            return False
        finally:
            probe.release()


class SharedLock:
    """Presence of the processes using one database (see the module docstring).

    ``enter()`` returns True when this process is alone; it then holds the lock exclusively
    until ``share()``, so that nobody else opens the database half-way through a repair.
    Otherwise it waits (up to *timeout*) for a shared hold and returns False.
    """

    def __init__(self, path: Path, *, timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._file = _LockFile(self.path)

    @property
    def exclusive(self) -> bool:
        return self._file.mode == "exclusive"

    def enter(self) -> bool:
        if self._file.try_exclusive():
            return True
        deadline = time.monotonic() + self.timeout
        while not self._file.try_shared():
            if time.monotonic() >= deadline:
                break  # someone holds it exclusively for far too long: go on without it
            time.sleep(_POLL_S)  # another process is opening (repairing) the database
        return False

    def share(self) -> None:
        if self._file.mode == "exclusive":
            self._file.try_shared()

    def last_one_out(self) -> bool:
        """Before leaving: True if no other process holds the lock (so we were the last)."""
        return self._file.try_exclusive()

    def leave(self) -> None:
        self._file.release()
