"""An in-memory keyring backend for tests that are not about the keyring itself.

Selected with PYTHON_KEYRING_BACKEND=tests.fakes.memory_keyring.MemoryKeyring, keyring's own
switch. The real Secret Service is exercised by the tests marked `keyring`.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend

_store: dict[tuple[str, str], str] = {}


class MemoryKeyring(KeyringBackend):
    # 0: never chosen by keyring's own discovery, only when a test names it. Imported while pytest
    # collects, a viable backend of higher priority would join the real Secret Service in keyring's
    # chainer, and the real-keyring tests would no longer talk to the Secret Service alone.
    priority = 0  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return _store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        _store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in _store:
            raise PasswordDeleteError("not found")
        del _store[(service, username)]


def clear() -> None:
    _store.clear()
