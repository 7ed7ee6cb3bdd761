"""Between the saved Settings and the Settings dialog's drafts: making the drafts, planning the
keyring operations of a save, and bringing a finished save back into the settings and the drafts.

Why apart from SettingsDialog: this is the bookkeeping of a save, without widgets or texts (the
dialog asks the user and says what happened); kept apart, the dialog reads as its pages and its
buttons.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from desktop_chat import secrets
from desktop_chat.config import CUSTOM_ENDPOINT_KIND, Endpoint, Settings
from desktop_chat.providers import capabilities
from desktop_chat.ui.settings.draft_checks import URL_FIELDS
from desktop_chat.ui.settings.endpoint_draft import BUILT_IN, EndpointDraft, KeyOp, SavePlan

__all__ = ["OWNED_FIELDS", "commit_plan", "key_ops", "make_drafts", "mark_session_keys", "record_key_states"]

# The Settings fields the dialog edits; nothing else is written back (ui_state, timeouts… stay).
OWNED_FIELDS = (
    "default_endpoint", "default_models", "temperature", "max_tokens", "system_prompt", "theme",
    "language", "anthropic_base_url", "openai_base_url", "ollama_host", "custom_endpoints", "key_hosts",
    "local_model_paths", "local_idle_unload_minutes", "local_threads",  # the Built-in models group
    "debug_log_content",
    "tool_round_limit",  # the Tools page (tools_settings.py)
)

# (provider's label, the host its key is bound to, the new host) -> True: send the key there,
# False: forget it, None: do not save (draft_checks.ask_key_host).
AskKeyHost = Callable[[str, str, str], "bool | None"]


def make_drafts(s: Settings) -> tuple[dict[str, EndpointDraft], list[EndpointDraft], dict[EndpointDraft, str]]:
    """The built-in endpoints' drafts (by id), the custom ones', and each one's default model."""
    builtin: dict[str, EndpointDraft] = {}
    custom: list[EndpointDraft] = []
    defaults = Settings().endpoints()  # what an empty field means (environment, then default)
    default_url = {e.id: e.base_url for e in defaults}
    for endpoint in s.endpoints():
        if endpoint.id in BUILT_IN:
            url = getattr(s, URL_FIELDS[endpoint.id]) or ""
            draft = EndpointDraft(endpoint.id, endpoint.id, caps=capabilities(endpoint.kind),
                                  url=url, saved_url=url,
                                  default_url=default_url[endpoint.id], key_env=endpoint.key_env)
            draft.key_state = "checking" if draft.has_key else "none"
            builtin[endpoint.id] = draft
    for saved in s.custom_endpoints:
        custom.append(EndpointDraft("custom", saved.id, name=saved.name, url=saved.base_url,
                                    saved_name=saved.name, saved_url=saved.base_url))
    models: dict[EndpointDraft, str] = {}
    for draft in [*builtin.values(), *custom]:
        draft.bound_host = s.key_hosts.get(draft.endpoint_id or "")
        models[draft] = s.default_models.get(draft.endpoint_id or "", "")
    return builtin, custom, models


def mark_session_keys(drafts: list[EndpointDraft]) -> None:
    """Keys given "until Desktop Chat quits" earlier in this run (memory only; just their masks)."""
    for draft in drafts:
        session = secrets.session_key(draft.endpoint_id or "")
        if session is not None and draft.key_state != "saved":
            draft.key_state, draft.key_mask = "session", secrets.mask(session[0])


def _may_have_key(settings: Settings, draft: EndpointDraft) -> bool:
    if draft.key_state in ("checking", "unknown"):  # not known yet: the binding says a key was saved
        return (draft.endpoint_id or "") in settings.key_hosts
    return draft.key_state == "saved"


def key_ops(settings: Settings, new: Settings, drafts: list[EndpointDraft], ids: dict[EndpointDraft, str],
            removed_ids: list[str], ask: AskKeyHost) -> list[KeyOp] | None:
    """The keyring work of a save: forget removed endpoints' keys, save, forget or (asking the
    user, when the host a saved key is bound to changes) confirm. None: the user said don't save."""
    # forget_key needs only the id; the removed endpoint's URL no longer matters.
    ops = [KeyOp("forget", Endpoint(endpoint_id, CUSTOM_ENDPOINT_KIND, endpoint_id, ""))
           for endpoint_id in removed_ids]
    for draft in drafts:
        if not draft.has_key:
            continue
        endpoint = new.endpoint(ids[draft])
        if draft.new_key.strip():
            ops.append(KeyOp("save" if draft.keyring else "session", endpoint, draft.new_key))
        elif draft.clear_key:
            ops.append(KeyOp("forget", endpoint))
        elif draft.endpoint_id is not None and _may_have_key(settings, draft):
            bound = settings.key_hosts.get(draft.endpoint_id) or settings.endpoint(draft.endpoint_id).host
            if bound != endpoint.host:
                answer = ask(draft.label, bound, endpoint.host)
                if answer is None:
                    return None
                ops.append(KeyOp("confirm" if answer else "forget", endpoint))
    return ops


def commit_plan(settings: Settings, plan: SavePlan, removed: list[EndpointDraft]) -> None:
    """A save went through: the settings take the plan's values, the drafts are saved ones now."""
    for name in OWNED_FIELDS:
        setattr(settings, name, copy.deepcopy(getattr(plan.new, name)))
    for draft in plan.drafts:
        draft.endpoint_id = plan.ids[draft]
        draft.saved_url, draft.saved_name = draft.url, draft.name
    if plan.general:
        removed.clear()


def record_key_states(settings: Settings, plan: SavePlan, done: dict[str, str | None]) -> None:
    """What the keyring now holds (done: id -> mask or None), and forget the typed keys stored."""
    for draft in plan.drafts:
        endpoint_id = plan.ids.get(draft)
        if endpoint_id in done:
            mask = done[endpoint_id]
            session = any(op.action == "session" and op.endpoint.id == endpoint_id for op in plan.ops)
            draft.key_state, draft.key_mask = ("session" if session else "saved", mask) if mask else ("none", "")
            draft.new_key, draft.clear_key = "", False
        if endpoint_id is not None:
            draft.bound_host = settings.key_hosts.get(endpoint_id)
