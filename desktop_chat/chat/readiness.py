"""Can a provider answer right now, as far as the app knows without asking it — and so where a new
conversation starts.

`key_readiness` reads the keyring (slow, may block on a desktop prompt): callers run it off the
GUI thread. With `recorded_only` it answers from the app's own records instead, by the same key
rules (credentials.resolve_key), which is what a start needs when something is set up already
(ui/models/provider_readiness.py). Ollama's state comes from the Ollama probe and the built-in
engine's from its model registry; both are passed in by the caller, which already has them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from desktop_chat.chat.credentials import resolve_key
from desktop_chat.config import Endpoint, Settings
from desktop_chat.domain import errors
from desktop_chat.providers import capabilities


class Readiness(enum.Enum):
    READY = "ready"  # a key is there (or none is needed), the server runs, a model is installed
    NEEDS_KEY = "needs-key"  # a provider that needs a key, without one
    NOT_RUNNING = "not-running"  # Ollama did not answer at its host
    NOT_INSTALLED = "not-installed"  # the built-in engine, or any model for it, is missing
    UNKNOWN = "unknown"  # not checked yet


def key_readiness(endpoint: Endpoint, settings: Settings, *, recorded_only: bool = False) -> Readiness:
    """For a key-holding endpoint: READY when a key would be sent (the keyring or the environment).
    `recorded_only`: from the app's own records, without opening the keyring — a key saved through
    the app (its host binding in settings.key_hosts) counts as there, any other as not."""
    recorded = (lambda endpoint_id: _RECORDED if endpoint_id in settings.key_hosts else None) if recorded_only else None
    try:
        resolve_key(endpoint, settings, stored_key=recorded)
    except errors.KeyHostMismatchError:
        return Readiness.READY  # a key is set; the first answer explains the host problem
    except errors.ChatError:
        return Readiness.NEEDS_KEY
    return Readiness.READY


_RECORDED = "(a key saved through the app)"  # what stands for it when the keyring is not opened


def check_recorded_keys(settings: Settings) -> dict[str, Readiness]:
    """key_readiness from the app's own records for every endpoint that may take a key (no keyring:
    quick). NEEDS_KEY there may still be a key some other tool put in the keyring."""
    return {e.id: key_readiness(e, settings, recorded_only=True) for e in settings.endpoints()
            if not capabilities(e.kind).keyless}


def check_keys(settings: Settings) -> dict[str, Readiness]:
    """Readiness of every endpoint that may take a key, i.e. neither Ollama nor the built-in engine
    (keyring: off the GUI thread)."""
    return {e.id: key_readiness(e, settings) for e in settings.endpoints() if not capabilities(e.kind).keyless}


def starting_endpoint(settings: Settings, readiness: Mapping[str, Readiness]) -> str:
    """Where a new conversation starts.

    The provider last picked (or last answered: see Settings.note_model_used) when it can answer,
    else the one that last answered, else the first that can answer, else the picked default as
    it always was. UNKNOWN counts as able: a check not yet finished must not move the user away
    from a provider that may well be fine.
    """
    ids = [e.id for e in settings.endpoints()]

    def able(endpoint_id: str | None) -> bool:
        return endpoint_id in ids and readiness.get(endpoint_id or "", Readiness.UNKNOWN) in (
            Readiness.READY, Readiness.UNKNOWN)

    for candidate in (settings.default_endpoint, settings.last_answered_endpoint):
        if able(candidate):
            return str(candidate)
    for endpoint_id in ids:
        if readiness.get(endpoint_id) is Readiness.READY:
            return endpoint_id
    return settings.default_endpoint if settings.default_endpoint in ids else ids[0]
