"""What the Settings dialog edits before Save: one draft per endpoint, and the keyring work a
save plans (written in a worker thread: the GUI thread never holds a saved key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_chat import secrets
from desktop_chat.chat import credentials
from desktop_chat.config import (
    CUSTOM_ENDPOINT_KIND,
    Endpoint,
    Settings,
    normalize_ollama_host,
    url_host,
    validate_base_url,
)
from desktop_chat.providers import Capabilities, capabilities

__all__ = ["BRAND", "BUILT_IN", "EndpointDraft", "KeyOp", "SavePlan", "read_masks", "write_keys"]

BUILT_IN = ("anthropic", "openai", "ollama")
BRAND = {"anthropic": "Anthropic", "openai": "OpenAI", "ollama": "Ollama"}  # names, not translated


@dataclass(eq=False)  # identity semantics: drafts are dict keys and combo item data
class EndpointDraft:
    """Unsaved edits to one endpoint, and what is known about its saved key."""

    kind: str  # a built-in endpoint's id ("anthropic" | "openai" | "ollama"), or "custom"
    endpoint_id: str | None  # None: a custom endpoint that has not been saved yet
    # What its provider declares (the form shows a key field, a host or a base URL accordingly).
    caps: Capabilities = field(default_factory=lambda: capabilities(CUSTOM_ENDPOINT_KIND))
    name: str = ""  # custom endpoints only; built-ins use their brand name
    url: str = ""  # as typed; "" means the default (built-ins)
    saved_name: str = ""
    saved_url: str = ""
    default_url: str = ""  # shown as the placeholder
    key_env: str | None = None
    new_key: str = ""  # typed, not yet stored
    clear_key: bool = False
    key_state: str = "checking"  # checking | none | saved | unknown | session (memory only, until quit)
    keyring: bool = True  # False once the system keyring is known to be missing: keys are then session keys
    key_mask: str = ""
    bound_host: str | None = None  # the host the saved key is bound to
    test: tuple[str, Any] | None = None  # ("running", None) | ("ok", count) | ("error", message)
    models: list[str] = field(default_factory=list)
    name_error: str = ""
    url_error: str = ""
    key_error: str = ""

    @property
    def has_key(self) -> bool:
        return not self.caps.keyless

    @property
    def label(self) -> str:
        return BRAND.get(self.kind) or self.name.strip()

    @property
    def dirty(self) -> bool:
        return (
            self.endpoint_id is None
            or bool(self.new_key.strip())
            or self.clear_key
            or self.url.strip() != self.saved_url.strip()
            or self.name.strip() != self.saved_name.strip()
        )

    def typed_host(self) -> str | None:
        """The host the typed URL points to, or None while it is not a valid URL."""
        text = self.url.strip() or self.default_url
        try:
            if self.caps.host_address:
                text = normalize_ollama_host(text)
            return url_host(validate_base_url(text))
        except ValueError:
            return None


@dataclass
class KeyOp:
    action: str  # "save" | "forget" | "confirm" | "session"
    endpoint: Endpoint
    key: str = ""


@dataclass
class SavePlan:
    """A validated save: the new settings (keys not yet written) and the keyring operations."""

    new: Settings
    ops: list[KeyOp]
    drafts: list[EndpointDraft]
    ids: dict[EndpointDraft, str]
    general: bool  # the whole dialog (Save) rather than one provider (Save and test)


def write_keys(settings: Settings, ops: list[KeyOp], done: dict[str, str | None]) -> None:
    """Runs in a worker thread. Records each finished key change in `done` (id -> mask or None).

    A failed operation leaves `settings.key_hosts` as it was before it, so the bindings saved
    afterwards always match what the keyring holds.
    """
    for op in sorted(ops, key=lambda op: ("forget", "confirm", "save", "session").index(op.action)):
        before = dict(settings.key_hosts)
        try:
            if op.action == "session":  # no keyring: in memory until the app quits, written nowhere
                credentials.use_for_session(op.endpoint, op.key)
                done[op.endpoint.id] = secrets.mask(op.key.strip())
            elif op.action == "save":
                credentials.save_key(op.endpoint, settings, op.key)
                done[op.endpoint.id] = secrets.mask(op.key.strip())
            elif op.action == "forget":
                credentials.forget_key(op.endpoint, settings)
                done[op.endpoint.id] = None
            else:
                credentials.confirm_key_host(op.endpoint, settings)
        except BaseException:
            settings.key_hosts.clear()
            settings.key_hosts.update(before)
            raise


def read_masks(endpoint_ids: list[str]) -> dict[str, str | None]:
    """Runs in a worker thread: which endpoints have a saved key, as masks (the key stays here)."""
    out: dict[str, str | None] = {}
    for endpoint_id in endpoint_ids:
        key = secrets.get_key(endpoint_id)
        out[endpoint_id] = secrets.mask(key) if key else None
    return out
