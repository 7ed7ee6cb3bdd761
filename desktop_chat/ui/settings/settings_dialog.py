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
    QDialog, QDialogButtonBox, QFrame, QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget,
)

from desktop_chat.config import Settings, save_settings
from desktop_chat.domain.errors import ChatError, KeyringUnavailableError
from desktop_chat.providers.base import ModelInfo
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.settings.builtin_settings import BuiltinModelsBox
from desktop_chat.ui.settings.custom_endpoints_page import CustomEndpointsPage
from desktop_chat.ui.settings.default_model_choice import DefaultModelChoice
from desktop_chat.ui.settings.draft_checks import apply_draft, ask_key_host
from desktop_chat.ui.settings.endpoint_draft import BRAND, BUILT_IN, EndpointDraft, SavePlan, read_masks, write_keys
from desktop_chat.ui.settings.endpoint_editor import EndpointEditor, show_text
from desktop_chat.ui.settings.general_pages import AppearancePage, DefaultsPage
from desktop_chat.ui.settings.pages import SettingsPages
from desktop_chat.ui.settings.settings_drafts import commit_plan, key_ops, make_drafts, mark_session_keys, record_key_states
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.common.labels import plain_label, set_tone

log = logging.getLogger(__name__)

TestConnection = Callable[[str], Awaitable[list[ModelInfo]]]

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
        # The drafts (settings_drafts.py): built-in endpoints by id, custom ones, default models.
        self._builtin, self._custom, self._models = make_drafts(settings)
        self._removed: list[EndpointDraft] = []
        self._extra_titles: dict[int, Callable[[], str]] = {}  # add_page's sections
        self._build()
        self._load_general()
        self._retranslate()
        self._start(self._load_key_states())
        self._start(self.tools_page.load())

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
        self.pages.add_page(self.custom_page)
        self.defaults = DefaultsPage()
        self.provider_combo, self.model_combo = self.defaults.provider_combo, self.defaults.model_combo
        self.default_choice = DefaultModelChoice(self.defaults, self._all_drafts, self._models)
        self.custom_page.added.connect(self.default_choice.added)
        self.custom_page.removed.connect(self.default_choice.removed)
        self.custom_page.renamed.connect(self.default_choice.rename_all)
        self.pages.add_page(self.defaults)
        self.appearance = AppearancePage()
        self.pages.add_page(self.appearance)
        from desktop_chat.ui.settings.tools_settings import ToolsPage

        self.tools_page = ToolsPage(self._settings, self._runner)  # MCP servers (issue 21)
        self.pages.add_page(self.tools_page)
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
        self.default_choice.load(s.default_endpoint)  # default_model_choice.py
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
                                      self.tr("Defaults"), self.tr("Appearance"), self.tr("Tools"))):
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
        mark_session_keys(drafts)
        self._refresh_all()

    def _keyring_unavailable(self, exc: KeyringUnavailableError, drafts: list[EndpointDraft]) -> None:
        log.info("no system keyring: %s", exc.message)
        self._keyring_error = self._no_keyring_text()
        for draft in self._all_drafts():
            draft.keyring = False
        for draft in drafts:
            if draft.key_state == "checking":
                draft.key_state = "unknown"
        mark_session_keys(drafts)
        self._render_banner()
        self._refresh_all()

    def _no_keyring_text(self) -> str:
        return self.tr(
            "No system keyring is available on this computer, so API keys cannot be saved. To save them, "
            "install and start one (on Linux: GNOME Keyring, e.g. sudo apt install gnome-keyring, or KWallet), "
            "or set ANTHROPIC_API_KEY / OPENAI_API_KEY in your environment. Meanwhile a key you paste here "
            "can be used until Desktop Chat quits; it is never written to disk.")

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
                if plan.general:  # the MCP servers file, secrets to the keyring (tools_settings.py)
                    await self._runner.in_thread(self.tools_page.write)
            except (OSError, ChatError) as exc:
                error = error or exc
                log.warning("could not write the settings or the MCP servers file: %s", exc)
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
        commit_plan(self._settings, plan, self._removed)

    def _record_keys(self, plan: SavePlan, done: dict[str, str | None]) -> None:
        """Show what the keyring now holds, and forget the typed keys that were stored."""
        record_key_states(self._settings, plan, done)
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

        ops = key_ops(self._settings, new, drafts, ids, removed_ids,
                      lambda label, old, host: ask_key_host(self, label, old, host))
        if ops is None:
            self._set_status(self.tr("Not saved."))
            return None
        return SavePlan(new, ops, list(drafts), ids, general)

    def _apply_general(self, new: Settings, ids: dict[EndpointDraft, str]) -> None:
        self.default_choice.apply(new, ids)
        self.builtin_box.apply(new)
        self.defaults.write(new)
        self.appearance.write(new)
        self.tools_page.apply(new)

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
            self.default_choice.models_listed(draft)
        self._refresh_draft(draft)


