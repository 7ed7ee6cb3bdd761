"""API keys in the operating system's keyring: the only module that imports keyring.

There is deliberately no plaintext fallback. When no keyring backend works, the error says so
and points at the environment variables, which are the user's own choice of where to keep a key.
Beside the keyring there are session keys: a key the user chose to use "until Desktop Chat
quits" (Settings offers it when there is no keyring). They live in this process's memory only,
bound to the host they were given for, and are never written anywhere: not to the keyring, the
settings file, the log or the database. They are gone when the process ends.
keyring is imported lazily: it probes D-Bus and its plugins, which must not delay start-up.
These calls can block (an unlock prompt), so the window calls them off the GUI thread.
The ValueErrors of set_key carry a Text (domain/texts.py) as their argument, for the UI to translate.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.domain.errors import KeyringUnavailableError
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

SERVICE = "desktop-chat"

_NO_KEYRING = QT_TRANSLATE_NOOP(
    "engine",
    "No system keyring is available. Desktop Chat stores API keys only in the system keyring "
    "(GNOME Keyring / KWallet on Linux, Keychain on macOS, Credential Manager on Windows). "
    "Start or unlock one, or set the key in an environment variable (ANTHROPIC_API_KEY, OPENAI_API_KEY) instead.",
)
_NO_KEYRING_BECAUSE = QT_TRANSLATE_NOOP(
    "engine",
    "No system keyring is available ({why}). Desktop Chat stores API keys only in the system keyring "
    "(GNOME Keyring / KWallet on Linux, Keychain on macOS, Credential Manager on Windows). "
    "Start or unlock one, or set the key in an environment variable (ANTHROPIC_API_KEY, OPENAI_API_KEY) instead.",
)


def _no_keyring(why: str | None = None) -> KeyringUnavailableError:
    """*why*: the backend's own words (an exception's type and text), shown as they are."""
    if why is None:
        return KeyringUnavailableError(Text.of(_NO_KEYRING))
    return KeyringUnavailableError(Text.of(_NO_KEYRING_BECAUSE, why=why))


def _backend() -> Any:  # a keyring.backend.KeyringBackend (keyring is imported lazily)
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or _is_null(backend):
        raise _no_keyring()
    return backend


def _is_null(backend: object) -> bool:
    from keyring.backends import chainer

    return isinstance(backend, chainer.ChainerBackend) and not chainer.ChainerBackend.backends


def _call(action: str, *args: str) -> Any:
    import keyring.errors

    backend = _backend()
    try:
        return getattr(backend, action)(SERVICE, *args)
    except keyring.errors.PasswordDeleteError:
        raise
    except (keyring.errors.KeyringError, OSError) as exc:
        raise _no_keyring(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # D-Bus errors from secretstorage/jeepney are not KeyringErrors
        if type(exc).__module__.split(".")[0] in {"secretstorage", "jeepney", "dbus"}:
            raise _no_keyring(type(exc).__name__) from None
        raise


def get_key(endpoint_id: str) -> str | None:
    return _call("get_password", endpoint_id) or None


def _checked(key: str) -> str:
    key = key.strip()
    if not key:
        raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "The key is empty.")))
    if any(ch.isspace() for ch in key):
        raise ValueError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The key contains spaces or line breaks; paste only the key itself.")))
    return key


def set_key(endpoint_id: str, key: str) -> None:
    _call("set_password", endpoint_id, _checked(key))


# -- session keys: memory only ---------------------------------------------------------------------

_session: dict[str, tuple[str, str]] = {}  # endpoint id -> (key, the host it may be sent to)


def set_session_key(endpoint_id: str, key: str, host: str) -> None:
    """Use *key* for *endpoint_id* (sent only to *host*) until the process ends; never stored."""
    _session[endpoint_id] = (_checked(key), host)


def session_key(endpoint_id: str) -> tuple[str, str] | None:
    """(key, host) of the endpoint's session key, or None."""
    return _session.get(endpoint_id)


def rebind_session_key(endpoint_id: str, host: str) -> None:
    """The user agreed to send the session key to *host* (the endpoint's address changed)."""
    if endpoint_id in _session:
        _session[endpoint_id] = (_session[endpoint_id][0], host)


def forget_session_key(endpoint_id: str) -> bool:
    """Drop the endpoint's session key; False when there was none."""
    return _session.pop(endpoint_id, None) is not None


def delete_key(endpoint_id: str) -> bool:
    """Remove a key; False when there was none."""
    import keyring.errors

    try:
        _call("delete_password", endpoint_id)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


# -- the local API server's token ---------------------------------------------------------------------

SERVER_TOKEN_ENV = "DESKTOP_CHAT_SERVER_TOKEN"  # headless use: a container, a machine without a keyring
_SERVER_TOKEN_ENTRY = "server:token"  # no endpoint id has a colon (they are slugs)


def server_token(*, regenerate: bool = False) -> str:
    """The token every request to the local API server must carry.

    $DESKTOP_CHAT_SERVER_TOKEN when set (then *regenerate* changes nothing); else the keyring's,
    created on first use, or replaced by a new one with *regenerate*. KeyringUnavailableError
    when neither exists: the caller says to set the variable.
    """
    import os
    import secrets as random_source  # the standard library's (this module shares its name)

    from_env = os.environ.get(SERVER_TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    token = None if regenerate else _call("get_password", _SERVER_TOKEN_ENTRY)
    if not token:
        token = "dc-" + random_source.token_urlsafe(32)
        _call("set_password", _SERVER_TOKEN_ENTRY, token)
    return str(token)


def backend_name() -> str:
    """Human name of the keyring in use (for Settings, `keys list` and the bundle's smoke check)."""
    try:
        backend = _backend()
    except KeyringUnavailableError:
        return "none"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def mask(key: str) -> str:
    """What may be shown of a key: enough to recognise it, never enough to use it."""
    return "•" * 8 if len(key) < 12 else f"{key[:3]}…{key[-4:]}"
