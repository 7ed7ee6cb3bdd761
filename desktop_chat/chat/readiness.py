"""Can a provider answer right now, as far as the app knows without asking it — and so where a new
conversation starts.

`key_readiness` reads the keyring (slow, may block on a desktop prompt): callers run it off the
GUI thread. `recorded_key_readiness` answers from the app's own records without it, which is
what a start needs when something is set up already (ui/models/provider_readiness.py). Ollama's state comes from the Ollama probe and the built-in engine's from its model
registry; both are passed in by the caller, which already has them.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping

from desktop_chat import secrets
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


def key_readiness(endpoint: Endpoint, settings: Settings) -> Readiness:
    """For a key-holding endpoint: READY when a key would be sent (the keyring or the environment)."""
    try:
        resolve_key(endpoint, settings)
    except errors.KeyHostMismatchError:
        return Readiness.READY  # a key is set; the first answer explains the host problem
    except errors.ChatError:
        return Readiness.NEEDS_KEY
    return Readiness.READY


def recorded_key_readiness(endpoint: Endpoint, settings: Settings,
                           environ: Mapping[str, str] | None = None) -> Readiness | None:
    """For a key-holding endpoint, what the app's own records say without opening the keyring:
    READY for a key chosen for this session, a key saved through the app (its host binding in
    settings.key_hosts), one in the environment, or an endpoint that needs none; None when only
    the keyring can tell (a key some other tool put there, or none at all)."""
    env = os.environ if environ is None else environ
    if secrets.session_key(endpoint.id) is not None or endpoint.id in settings.key_hosts:
        return Readiness.READY
    if (endpoint.key_env and env.get(endpoint.key_env)) or not endpoint.needs_key:
        return Readiness.READY
    return None


def check_recorded_keys(settings: Settings) -> dict[str, Readiness | None]:
    """recorded_key_readiness for every endpoint that may take a key (no keyring: quick)."""
    return {e.id: recorded_key_readiness(e, settings) for e in settings.endpoints()
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
