"""A keyring backend that is there but fails, as a locked or broken Secret Service does (WSL,
minimal installs, a D-Bus session with no keyring daemon): every call raises keyring's own error.

Unlike keyring's `fail.Keyring` (no backend at all), this one is found and chosen, and fails only
when asked, so the app meets the failure where a user does: reading or saving a key.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked


class FailingKeyring(KeyringBackend):
    # 0: never chosen by keyring's own discovery, only when a test names it. Imported while pytest
    # collects, a viable backend of higher priority would join the real Secret Service in keyring's
    # chainer, and the real-keyring tests would no longer talk to the Secret Service alone.
    priority = 0  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection")
