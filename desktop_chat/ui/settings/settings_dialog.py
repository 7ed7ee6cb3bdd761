"""Settings: providers and their keys, defaults for new conversations, theme and language.

Edits stay in the dialog until Save; Cancel throws every one of them away, keys included.

Keys: only `chat.credentials.save_key/forget_key/confirm_key_host` touch them, always off the GUI
thread (`runner.in_thread`), and the GUI thread never even holds a saved key: the worker thread
reads it and hands back only its masked form (`secrets.mask`). A key is bound to the host of
its endpoint's base URL; when that host changes, Save asks whether to send the saved key to the
new host (confirm_key_host) or to forget it (forget_key).

Test connection tests what is typed: if the provider has unsaved changes, its button reads
"Save and test", and it saves that provider's key and address (only those; the rest stays
pending) before asking the service for its models. Its tooltip says so.

After a save the dialog emits settingsChanged; the window applies theme and language then
(theme.apply_theme, i18n.install_translator: both live, no restart).
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import secrets
from desktop_chat.config import (
    CUSTOM_ENDPOINT_KIND,
    Endpoint,
    Settings,
    save_settings,
)
from desktop_chat.domain.errors import ChatError, KeyringUnavailableError
from desktop_chat.providers import capabilities
from desktop_chat.providers.base import ModelInfo
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.settings.builtin_settings import BuiltinModelsBox
from desktop_chat.ui.settings.custom_endpoints_page import CustomEndpointsPage
from desktop_chat.ui.settings.draft_checks import URL_FIELDS, apply_draft, ask_key_host
from desktop_chat.ui.settings.endpoint_draft import BRAND, BUILT_IN, EndpointDraft, KeyOp, SavePlan, read_masks, write_keys
from desktop_chat.ui.settings.endpoint_editor import EndpointEditor, show_text
from desktop_chat.ui.settings.general_pages import AppearancePage, DefaultsPage
from desktop_chat.ui.settings.pages import SettingsPages
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.common.labels import plain_label, set_tone

log = logging.getLogger(__name__)

TestConnection = Callable[[str], Awaitable[list[ModelInfo]]]

# The Settings fields this dialog edits; nothing else is written back (ui_state, timeouts… stay).
_OWNED_FIELDS = (
    "default_endpoint", "default_models", "temperature", "max_tokens", "system_prompt", "theme",
    "language", "anthropic_base_url", "openai_base_url", "ollama_host", "custom_endpoints", "key_hosts",
    "local_model_paths", "local_idle_unload_minutes", "local_threads",  # the Built-in models group
    "debug_log_content",
)


# -- the dialog ---------------------------------------------------------------------------------

class SettingsDialog(QDialog):
    """See the module docstring. `settingsChanged` is emitted after settings were saved."""

    settingsChanged = Signal()

    def __init__(self, settings: Settings, runner: AsyncRunner, test_connection: TestConnection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._settings = settings
        self._runner = runner
        self._test_connection = test_connection
        self._tasks: set[asyncio.Task[Any]] = set()
        self._busy = False
        self._keyring_error = ""
        self._status: tuple[str, str] = ("", "")
        self._builtin: dict[str, EndpointDraft] = {}
        self._custom: list[EndpointDraft] = []
        self._removed: list[EndpointDraft] = []
        self._models: dict[EndpointDraft, str] = {}
        self._model_draft: EndpointDraft | None = None
        self._extra_titles: dict[int, Callable[[], str]] = {}  # add_page's sections
        self._make_drafts()
        self._build()
        self._load_general()
        self._retranslate()
        self._start(self._load_key_states())

    # -- public --------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """True while keys or settings are being written (Cancel is disabled then)."""
        return self._busy

    def reject(self) -> None:
        if self._busy:  # a half-written save would leave a key without its host binding
            return
        super().reject()

    def done(self, result: int) -> None:
        for task in list(self._tasks):
            task.cancel()
        super().done(result)

    def add_page(self, page: QWidget, title: Callable[[], str]) -> int:
        """Another room's section (the local server, tools, knowledge bases): *title* is called again
        whenever the language changes. Such a page saves its own settings; Save and Cancel here
        concern the pages above."""
        index = self.pages.add_page(page, title())
        self._extra_titles[index] = title
        return index

    def show_endpoint(self, endpoint_id: str) -> bool:
        """Turn to *endpoint_id*'s fields and put the cursor in its key (an error card's fix).
        False when no such provider is listed (the dialog stays where it was)."""
        if endpoint_id in self._builtin:
            self.pages.setCurrentIndex(0)
            box = self.provider_boxes[endpoint_id]
            scroll = self.pages.widget(0)
            if isinstance(scroll, QScrollArea):
                scroll.ensureWidgetVisible(box)
            editor = self.editors[endpoint_id]
        else:
            row = next((i for i, d in enumerate(self._custom) if d.endpoint_id == endpoint_id), None)
            if row is None:
                return False
            self.pages.setCurrentIndex(1)
            self.custom_page.list.setCurrentRow(row)
            editor = self.custom_editor
        field = editor.url_edit if editor.caps.keyless else editor.key_edit  # a key-less one: its address
        field.setFocus()
        return True

    # -- drafts --------------------------------------------------------------------------------

    def _make_drafts(self) -> None:
        s = self._settings
        defaults = Settings().endpoints()  # what an empty field means (environment, then default)
        default_url = {e.id: e.base_url for e in defaults}
        for endpoint in s.endpoints():
            if endpoint.id in BUILT_IN:
                url = getattr(s, URL_FIELDS[endpoint.id]) or ""
                draft = EndpointDraft(endpoint.id, endpoint.id, caps=capabilities(endpoint.kind),
                                       url=url, saved_url=url,
                                       default_url=default_url[endpoint.id], key_env=endpoint.key_env)
                draft.key_state = "checking" if draft.has_key else "none"
                self._builtin[endpoint.id] = draft
        for custom in s.custom_endpoints:
            self._custom.append(EndpointDraft("custom", custom.id, name=custom.name, url=custom.base_url,
                                               saved_name=custom.name, saved_url=custom.base_url))
        for draft in self._all_drafts():
            draft.bound_host = s.key_hosts.get(draft.endpoint_id or "")
            self._models[draft] = s.default_models.get(draft.endpoint_id or "", "")

    def _all_drafts(self) -> list[EndpointDraft]:
        return [*self._builtin.values(), *self._custom]

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setMinimumSize(600, 520)
        self.resize(680, 640)
        self.keyring_status = plain_label("keyringStatus")
        self.keyring_status.hide()
        self.pages = SettingsPages()
        self.pages.add_page(self._build_providers())
        self.custom_page = CustomEndpointsPage(self._custom, self._removed)
        self.custom_editor = self.custom_page.editor
        self.custom_editor.testRequested.connect(self._test_requested)
        self.custom_editor.sessionRequested.connect(self._session_requested)
        self.editors["custom"] = self.custom_editor
        self.custom_page.added.connect(self._custom_added)
        self.custom_page.removed.connect(self._custom_removed)
        self.custom_page.renamed.connect(self._refresh_custom_list)
        self.pages.add_page(self.custom_page)
        self.defaults = DefaultsPage()
        self.provider_combo, self.model_combo = self.defaults.provider_combo, self.defaults.model_combo
        self.provider_combo.currentIndexChanged.connect(self._default_provider_changed)
        self.provider_combo.activated.connect(lambda _i: setattr(self, "_default_chosen", True))
        self.pages.add_page(self.defaults)
        self.appearance = AppearancePage()
        self.pages.add_page(self.appearance)
        self.save_status = plain_label("saveStatus")
        self.save_status.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("settingsButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._save_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keyring_status)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.save_status)
        layout.addWidget(self.buttons)

    def _build_providers(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.provider_boxes: dict[str, QGroupBox] = {}
        self.editors: dict[str, EndpointEditor] = {}
        for kind in BUILT_IN:
            box = QGroupBox(BRAND[kind])
            box.setObjectName(f"{kind}Group")
            editor = EndpointEditor(kind, kind, caps=self._builtin[kind].caps)
            editor.testRequested.connect(self._test_requested)
            editor.sessionRequested.connect(self._session_requested)
            editor.bind(self._builtin[kind])
            inner = QVBoxLayout(box)
            inner.addWidget(editor)
            column.addWidget(box)
            self.provider_boxes[kind] = box
            self.editors[kind] = editor
        self.builtin_box = BuiltinModelsBox(self._settings, self._runner)  # GGUF files, idle unload, threads
        column.addWidget(self.builtin_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("providersPage")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _load_general(self) -> None:
        s = self._settings
        self._rebuild_provider_combo(select_id=s.default_endpoint)
        # The combo lists no Built-in row: when that (or an endpoint gone from the list) is the
        # default, row 0 shows, and saving must not make it the default unless the user chose it.
        self._default_shown, self._default_chosen = self.provider_combo.currentData(), False
        self.defaults.load(s)
        self.appearance.load(s)

    # -- texts ---------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            for label in self.findChildren(QLabel):
                if label.property("tone"):
                    set_tone(label, str(label.property("tone")))
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        for index, text in enumerate((self.tr("Providers"), self.tr("Other services"),
                                      self.tr("Defaults"), self.tr("Appearance"))):
            self.pages.set_title(index, text)
        for index, title in self._extra_titles.items():
            self.pages.set_title(index, title())
        self.pages.nav.setAccessibleName(self.tr("Settings sections"))
        self.keyring_status.setAccessibleName(self.tr("Keyring problem"))
        self.save_status.setAccessibleName(self.tr("Save status"))
        self.save_button.setText(self.tr("Save"))
        self.save_button.setAccessibleName(self.tr("Save settings"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Discard changes"))
        for editor in self.editors.values():
            editor.retranslate()
        self._align_provider_labels()
        self._render_banner()
        self._render_status()

    def _align_provider_labels(self) -> None:
        """One label column for the three provider boxes, whatever the language's label widths."""
        labels = [label for kind in BUILT_IN for label in (self.editors[kind].key_label, self.editors[kind].url_label)
                  if not label.isHidden()]
        for label in labels:
            label.setMinimumWidth(0)
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)

    def _render_banner(self) -> None:
        if self._keyring_error and any(not d.keyring for d in self._all_drafts()):
            self._keyring_error = self._no_keyring_text()  # (again in the language now shown)
        show_text(self.keyring_status, self._keyring_error, "")

    def _render_status(self) -> None:
        text, tone = self._status
        show_text(self.save_status, text, tone)

    def _set_status(self, text: str, tone: str = "") -> None:
        self._status = (text, tone)
        self._render_status()

    # -- custom endpoints ----------------------------------------------------------------------

    def _refresh_custom_list(self) -> None:
        """A service's name changed (or came, or went): the default-provider combo says it too."""
        for index in range(self.provider_combo.count()):
            draft = self.provider_combo.itemData(index)
            self.provider_combo.setItemText(index, draft.label or self.tr("(unnamed)"))

    def _custom_added(self, draft: EndpointDraft, default_model: str) -> None:
        self._models[draft] = default_model
        self._rebuild_provider_combo()

    def _custom_removed(self, draft: EndpointDraft) -> None:
        self._models.pop(draft, None)
        self._rebuild_provider_combo()

    # -- defaults ------------------------------------------------------------------------------

    def _rebuild_provider_combo(self, select_id: str | None = None) -> None:
        current = self.provider_combo.currentData()
        self.provider_combo.blockSignals(True)
        self.provider_combo.clear()
        for draft in self._all_drafts():
            self.provider_combo.addItem(draft.label or self.tr("(unnamed)"), draft)
        index = 0
        for i in range(self.provider_combo.count()):
            draft = self.provider_combo.itemData(i)
            if (select_id is not None and draft.endpoint_id == select_id) or (select_id is None and draft is current):
                index = i
        self.provider_combo.setCurrentIndex(index)
        self.provider_combo.blockSignals(False)
        self._default_provider_changed(index)

    def _default_provider_changed(self, _index: int) -> None:
        if self._model_draft is not None and self._model_draft in self._models:
            self._models[self._model_draft] = self.model_combo.currentText()
        draft = self.provider_combo.currentData()
        self._model_draft = draft
        self._fill_models(draft)

    def _fill_models(self, draft: EndpointDraft | None) -> None:
        text = self._models.get(draft, "") if draft is not None else ""
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        if draft is not None:
            self.model_combo.addItems(draft.models)
        self.model_combo.setEditText(text)
        self.model_combo.blockSignals(False)

    # -- keyring state -------------------------------------------------------------------------

    def _start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = self._runner.start(coro, on_error=lambda exc: log.error("settings task failed", exc_info=exc))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _load_key_states(self) -> None:
        drafts = [d for d in self._all_drafts() if d.has_key and d.endpoint_id]
        try:
            masks = await self._runner.in_thread(read_masks, [d.endpoint_id for d in drafts])
        except KeyringUnavailableError as exc:
            self._keyring_unavailable(exc, drafts)
            return
        for draft in drafts:
            if draft.key_state == "checking":
                mask = masks.get(draft.endpoint_id or "")
                draft.key_state, draft.key_mask = ("saved", mask) if mask else ("none", "")
        self._mark_session_keys(drafts)
        self._refresh_all()

    def _keyring_unavailable(self, exc: KeyringUnavailableError, drafts: list[EndpointDraft]) -> None:
        log.info("no system keyring: %s", exc.message)
        self._keyring_error = self._no_keyring_text()
        for draft in self._all_drafts():
            draft.keyring = False
        for draft in drafts:
            if draft.key_state == "checking":
                draft.key_state = "unknown"
        self._mark_session_keys(drafts)
        self._render_banner()
        self._refresh_all()

    def _no_keyring_text(self) -> str:
        return self.tr(
            "No system keyring is available on this computer, so API keys cannot be saved. To save them, "
            "install and start one (on Linux: GNOME Keyring, e.g. sudo apt install gnome-keyring, or KWallet), "
            "or set ANTHROPIC_API_KEY / OPENAI_API_KEY in your environment. Meanwhile a key you paste here "
            "can be used until Desktop Chat quits; it is never written to disk.")

    @staticmethod
    def _mark_session_keys(drafts: list[EndpointDraft]) -> None:
        """Keys given "until Desktop Chat quits" earlier in this run (memory only; just their masks)."""
        for draft in drafts:
            session = secrets.session_key(draft.endpoint_id or "")
            if session is not None and draft.key_state != "saved":
                draft.key_state, draft.key_mask = "session", secrets.mask(session[0])

    def _session_requested(self, draft: EndpointDraft) -> None:
        """"Use this key until Desktop Chat quits": this provider's key and address, as Save would."""
        if self._busy:
            return
        plan = self._prepare([draft], general=False)
        if plan is not None:
            self._start(self._save(plan))

    def _refresh_all(self) -> None:
        for editor in self.editors.values():
            editor.refresh()

    def _refresh_draft(self, draft: EndpointDraft) -> None:
        for editor in self.editors.values():
            if editor.draft is draft:
                editor.refresh()

    # -- saving --------------------------------------------------------------------------------

    def _save_clicked(self) -> None:
        if self._busy:
            return
        plan = self._prepare(self._all_drafts(), general=True)
        if plan is not None:
            self._start(self._save(plan))

    async def _save(self, plan: SavePlan) -> bool:
        """Write keys, then settings; on success close (Save) or report (Save and test)."""
        self._set_busy(True)
        self._set_status(self.tr("Saving…"))
        done: dict[str, str | None] = {}
        error: BaseException | None = None
        try:
            if plan.ops:
                await self._runner.in_thread(write_keys, plan.new, plan.ops, done)
        except (ChatError, ValueError) as exc:
            error = exc
        except Exception as exc:  # never leave the dialog stuck in "Saving…"
            log.exception("writing keys failed")
            error = exc
        changed = error is None or bool(done)
        if error is None:
            self._commit(plan)
        elif done:  # keep the bindings of the keys that did change, so they match the keyring
            self._settings.key_hosts = dict(plan.new.key_hosts)
        self._record_keys(plan, done)
        if changed:
            try:
                await self._runner.in_thread(save_settings, copy.deepcopy(self._settings))
            except OSError as exc:
                error = error or exc
                log.warning("could not write the settings file: %s", exc)
        self._set_busy(False)
        if changed:
            self.settingsChanged.emit()
        if error is not None:
            self._report_save_error(error)
            return False
        if plan.general:
            self._set_status("")
            self.accept()
        elif any(op.action == "session" for op in plan.ops):  # "saved" would contradict the key's own line
            self._set_status(self.tr("The {provider} key is in use until Desktop Chat quits.").format(
                provider=plan.drafts[0].label), "ok")
        else:
            self._set_status(self.tr("Saved the {provider} settings.").format(provider=plan.drafts[0].label), "ok")
        return True

    def _report_save_error(self, error: BaseException) -> None:
        if isinstance(error, KeyringUnavailableError):
            # Found only now (the first look worked): from here on a pasted key is a session key.
            log.info("the keyring failed on save: %s", error.message)
            for draft in self._all_drafts():
                draft.keyring = False
            self._keyring_error = self._no_keyring_text()
            self._render_banner()
            self._refresh_all()
            self._set_status(self.tr("The key was not saved: there is no system keyring. "
                                     "Press Save again to use it until Desktop Chat quits."), "error")
        elif isinstance(error, ChatError):
            self._set_status(localized_error(error), "error")
        elif isinstance(error, OSError):
            self._set_status(self.tr("Could not write the settings file: {error}").format(
                error=error.strerror or error), "error")
        else:
            self._set_status(localized_error(error), "error")

    def _commit(self, plan: SavePlan) -> None:
        for name in _OWNED_FIELDS:
            setattr(self._settings, name, copy.deepcopy(getattr(plan.new, name)))
        for draft in plan.drafts:
            draft.endpoint_id = plan.ids[draft]
            draft.saved_url, draft.saved_name = draft.url, draft.name
        if plan.general:
            self._removed.clear()

    def _record_keys(self, plan: SavePlan, done: dict[str, str | None]) -> None:
        """Show what the keyring now holds, and forget the typed keys that were stored."""
        for draft in plan.drafts:
            endpoint_id = plan.ids.get(draft)
            if endpoint_id in done:
                mask = done[endpoint_id]
                session = any(op.action == "session" and op.endpoint.id == endpoint_id for op in plan.ops)
                draft.key_state, draft.key_mask = ("session" if session else "saved", mask) if mask else ("none", "")
                draft.new_key, draft.clear_key = "", False
            if endpoint_id is not None:
                draft.bound_host = self._settings.key_hosts.get(endpoint_id)
        for editor in self.editors.values():
            if editor.draft is not None and editor.draft in plan.drafts:
                editor.key_edit.setText(editor.draft.new_key)
        self._refresh_all()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        for editor in self.editors.values():
            editor.test_button.setEnabled(not busy and not (editor.draft and editor.draft.test
                                                             and editor.draft.test[0] == "running"))

    # -- validation and the key-host question ----------------------------------------------------

    def _prepare(self, drafts: list[EndpointDraft], *, general: bool) -> SavePlan | None:
        """Validate, ask about keys whose host changes, and plan the save; None if not possible."""
        new = copy.deepcopy(self._settings)
        ids: dict[EndpointDraft, str] = {}
        removed_ids = [d.endpoint_id for d in self._removed if d.endpoint_id] if general else []
        if removed_ids:
            new.custom_endpoints = [c for c in new.custom_endpoints if c.id not in removed_ids]
            for removed_id in removed_ids:
                new.default_models.pop(removed_id, None)
        first_bad: EndpointDraft | None = None
        for draft in drafts:
            endpoint_id = apply_draft(new, draft)
            if endpoint_id is None:
                first_bad = first_bad or draft
            else:
                ids[draft] = endpoint_id
        if first_bad is not None:
            self._refresh_all()
            self._show_problem(first_bad)
            return None
        if general:
            self._apply_general(new, ids)

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
            elif draft.endpoint_id is not None and self._may_have_key(draft):
                bound = self._settings.key_hosts.get(draft.endpoint_id) or \
                    self._settings.endpoint(draft.endpoint_id).host
                if bound != endpoint.host:
                    answer = ask_key_host(self, draft.label, bound, endpoint.host)
                    if answer is None:
                        self._set_status(self.tr("Not saved."))
                        return None
                    ops.append(KeyOp("confirm" if answer else "forget", endpoint))
        return SavePlan(new, ops, list(drafts), ids, general)

    def _apply_general(self, new: Settings, ids: dict[EndpointDraft, str]) -> None:
        if self._model_draft is not None and self._model_draft in self._models:
            self._models[self._model_draft] = self.model_combo.currentText()
        selected = self.provider_combo.currentData()
        chosen = self._default_chosen or selected is not self._default_shown
        if selected is not None and selected in ids and chosen:
            new.default_endpoint = ids[selected]
        for draft, model in self._models.items():
            endpoint_id = ids.get(draft)
            if endpoint_id is None:
                continue
            if model.strip():
                new.default_models[endpoint_id] = model.strip()
            else:
                new.default_models.pop(endpoint_id, None)
        self.builtin_box.apply(new)
        self.defaults.write(new)
        self.appearance.write(new)

    def _may_have_key(self, draft: EndpointDraft) -> bool:
        if draft.key_state in ("checking", "unknown"):  # not known yet: the binding says a key was saved
            return (draft.endpoint_id or "") in self._settings.key_hosts
        return draft.key_state == "saved"

    def _show_problem(self, draft: EndpointDraft) -> None:
        if draft.kind == "custom":
            self.pages.setCurrentIndex(1)
            self.custom_page.show_draft(draft)
        else:
            self.pages.setCurrentIndex(0)
        editor = self.editors[draft.kind]
        editor.refresh()
        widget = (editor.name_edit if draft.name_error else editor.url_edit if draft.url_error else editor.key_edit)
        widget.setFocus()
        self._set_status(self.tr("Not saved: correct the marked field first."), "error")

    # -- test connection ------------------------------------------------------------------------

    def _test_requested(self, draft: EndpointDraft) -> None:
        if self._busy or (draft.test is not None and draft.test[0] == "running"):
            return
        plan = None
        if draft.dirty:
            plan = self._prepare([draft], general=False)
            if plan is None:
                return
        self._start(self._save_and_test(draft, plan))

    async def _save_and_test(self, draft: EndpointDraft, plan: SavePlan | None) -> None:
        if plan is not None and not await self._save(plan):
            return
        endpoint_id = draft.endpoint_id
        if endpoint_id is None:
            return
        draft.test = ("running", None)
        self._refresh_draft(draft)
        try:
            models = await self._test_connection(endpoint_id)
        except ChatError as exc:
            draft.test = ("error", localized_error(exc))
        except Exception as exc:  # an unexpected failure is still an answer to "does it work?"
            log.warning("test connection to %s failed", endpoint_id, exc_info=True)
            draft.test = ("error", localized_error(exc))
        else:
            draft.test = ("ok", len(models))
            draft.models = sorted(m.id for m in models)
            if draft is self._model_draft:
                self._models[draft] = self.model_combo.currentText()
                self._fill_models(draft)
        self._refresh_draft(draft)


