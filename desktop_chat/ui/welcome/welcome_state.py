"""What each card of the welcome shows: plain values the controller sets and the panel draws.

Their own module so that the window can hold a WelcomeController (it decides whether the welcome
is needed) without importing the welcome's widgets, which most starts never build.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BuiltinState", "OllamaState", "ServiceState"]


class ServiceState(NamedTuple):
    """The online-service card: what the last Test or Save said."""

    phase: str = ""  # "" | testing | ok | error | saving
    models: int = 0
    message: str = ""  # the error, in the user's language
    no_keyring: bool = False  # the error is that no system keyring exists: offer a session-only key


class OllamaState(NamedTuple):
    """The Ollama card: what the last check found."""

    phase: str = "checking"  # checking | running | no_models | not_running | unreachable
    version: str = ""
    models: int = 0
    host: str = ""
    message: str = ""


class BuiltinState(NamedTuple):
    """The built-in model card: what can be done with the built-in engine here."""

    phase: str = "checking"  # checking | missing | ready | download | downloading | failed | tested | broken
    model: str = ""
    size: int = 0  # bytes to download
    done: int = 0
    total: int | None = None
    message: str = ""
