"""The start's readiness check opens the keyring only when the app's own records say nothing can
answer (ui/models/provider_readiness.py): a start with a key saved through the app imports no
keyring and asks no desktop keyring to unlock."""

from __future__ import annotations

import keyring

from desktop_chat.chat.readiness import Readiness
from desktop_chat.config import Settings
from desktop_chat.ui.models.provider_readiness import ProviderReadiness
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from tests.fakes.failing_keyring import FailingKeyring


class CountingKeyring(FailingKeyring):
    """Fails like a locked keyring, and counts how often it was asked."""

    asked = 0

    def get_password(self, service: str, username: str) -> str | None:
        type(self).asked += 1
        return super().get_password(service, username)


def checked(qtbot, settings: Settings) -> dict[str, Readiness]:  # noqa: ANN001
    readiness = ProviderReadiness(settings, AsyncRunner())
    with qtbot.waitSignal(readiness.changed, timeout=10_000):
        readiness.check()
    return dict(readiness.states)


def test_a_key_saved_through_the_app_is_ready_without_opening_the_keyring(qtbot, qloop, monkeypatch):  # noqa: ANN001
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(CountingKeyring())
    CountingKeyring.asked = 0
    try:
        settings = Settings()
        settings.key_hosts["openai"] = "api.openai.com"
        states = checked(qtbot, settings)
        assert states["openai"] is Readiness.READY
        assert states["anthropic"] is Readiness.NEEDS_KEY  # no record of a key: the mark says add one
        assert CountingKeyring.asked == 0
        # Nothing recorded (a first start, or a key another tool put in the keyring): it is asked.
        states = checked(qtbot, Settings())
        assert CountingKeyring.asked >= 2 and states["openai"] is Readiness.NEEDS_KEY
    finally:
        keyring.set_keyring(previous)
