"""Which key, if any, goes with a request to an endpoint — and the rule that a key only ever
travels to the host it was saved for.

Keys saved through the app are bound to the host of the endpoint's base URL at the time they
were saved (Settings.key_hosts). If the base URL later points elsewhere, the key is withheld
until the user confirms (re-saving the key, or `confirm_key_host`). An environment key belongs
to the environment's own base URL (or the public default), never to a URL set in Settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from desktop_chat import secrets
from desktop_chat.config import ANTHROPIC_DEFAULT_URL, OPENAI_DEFAULT_URL, Endpoint, Settings, url_host
from desktop_chat.domain.errors import KeyHostMismatchError, KeyringUnavailableError, MissingKeyError
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

_DEFAULT_URLS = {"anthropic": ANTHROPIC_DEFAULT_URL, "openai": OPENAI_DEFAULT_URL}


def _host_mismatch(endpoint: Endpoint, saved_for: str) -> KeyHostMismatchError:
    """The key (in the keyring, or for this session) was given for another host than the endpoint's."""
    return KeyHostMismatchError(
        Text.of(QT_TRANSLATE_NOOP("engine", "The {provider} key was saved for {saved_for}, but {provider} "
                                            "now points to {host}. Open Settings and confirm sending the "
                                            "key there, or save a new key."),
                provider=endpoint.label, saved_for=saved_for, host=endpoint.host),
        provider=endpoint.label,
    )


def resolve_key(endpoint: Endpoint, settings: Settings, environ: Mapping[str, str] | None = None, *,
                stored_key: Callable[[str], str | None] | None = None) -> str | None:
    """The key to send to `endpoint`, None for a key-less endpoint, or a ConfigurationError.
    `stored_key(endpoint id)` stands for the keyring (secrets.get_key) when given."""
    env = os.environ if environ is None else environ
    session = secrets.session_key(endpoint.id)  # chosen in Settings for this run: it comes first
    if session is not None:
        key, host = session
        if host != endpoint.host:
            raise _host_mismatch(endpoint, host)
        return key
    keyring_problem: KeyringUnavailableError | None = None
    try:
        stored = (stored_key or secrets.get_key)(endpoint.id)
    except KeyringUnavailableError as exc:
        stored, keyring_problem = None, exc
    if stored:
        # A key with no recorded binding (put in the keyring by another tool) is taken to be for
        # the provider's public host, never for whatever the base URL happens to say.
        saved_for = settings.key_hosts.get(endpoint.id) or url_host(_DEFAULT_URLS.get(endpoint.kind, endpoint.base_url))
        if saved_for != endpoint.host:
            raise _host_mismatch(endpoint, saved_for)
        return stored

    env_key = env.get(endpoint.key_env) if endpoint.key_env else None
    if env_key:
        env_host = url_host(env.get(endpoint.base_url_env or "", "") or _DEFAULT_URLS.get(endpoint.kind, ""))
        if env_host and env_host != endpoint.host:
            raise KeyHostMismatchError(
                Text.of(QT_TRANSLATE_NOOP("engine", "{variable} is meant for {env_host}, but {provider} points to "
                                                    "{host} in Settings. Save a key for that host in Settings, or "
                                                    "clear the base URL."),
                        variable=endpoint.key_env, env_host=env_host, provider=endpoint.label, host=endpoint.host),
                provider=endpoint.label,
            )
        return env_key

    if not endpoint.needs_key:
        return None
    if keyring_problem is not None:
        raise MissingKeyError(
            Text.of(QT_TRANSLATE_NOOP("engine", "No API key for {provider}: {problem}"),
                    provider=endpoint.label, problem=keyring_problem.text),
            provider=endpoint.label,
        )
    if endpoint.key_env:
        text = Text.of(QT_TRANSLATE_NOOP("engine", "No API key for {provider}: add one in Settings (or run "
                                                   "`desktop-chat keys set {endpoint}`) or set {variable}."),
                       provider=endpoint.label, endpoint=endpoint.id, variable=endpoint.key_env)
    else:
        text = Text.of(QT_TRANSLATE_NOOP("engine", "No API key for {provider}: add one in Settings (or run "
                                                   "`desktop-chat keys set {endpoint}`)."),
                       provider=endpoint.label, endpoint=endpoint.id)
    raise MissingKeyError(text, provider=endpoint.label)


def save_key(endpoint: Endpoint, settings: Settings, key: str) -> None:
    """Store a key in the keyring and bind it to the endpoint's current host.

    The caller saves `settings` afterwards (the binding is not secret; the key never goes there).
    """
    secrets.set_key(endpoint.id, key)
    settings.key_hosts[endpoint.id] = endpoint.host
    secrets.forget_session_key(endpoint.id)  # the saved key is the one to use now


def use_for_session(endpoint: Endpoint, key: str) -> None:
    """Use *key* for *endpoint* until Desktop Chat quits: in memory only (secrets.py), bound to the
    endpoint's current host. Nothing is written: not the keyring, not `settings.key_hosts`."""
    secrets.set_session_key(endpoint.id, key, endpoint.host)


def forget_key(endpoint: Endpoint, settings: Settings) -> bool:
    session = secrets.forget_session_key(endpoint.id)
    if session and endpoint.id not in settings.key_hosts:
        return True  # only a session key (maybe there is no keyring at all): nothing else to ask
    # Delete first: if the keyring fails, the key keeps its host binding and stays fenced in.
    removed = secrets.delete_key(endpoint.id)
    settings.key_hosts.pop(endpoint.id, None)
    return removed or session


def confirm_key_host(endpoint: Endpoint, settings: Settings) -> None:
    """The user agreed to send the saved (or session) key to the endpoint's new host."""
    settings.key_hosts[endpoint.id] = endpoint.host
    secrets.rebind_session_key(endpoint.id, endpoint.host)
