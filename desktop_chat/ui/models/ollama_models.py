"""The Ollama model manager: what the host holds, each model's details and options; unload, delete.

    the models      /api/tags: size, parameters, quantisation, family; /api/ps: in memory, until when
    the details     /api/show for the selected model: context length, capabilities, architecture
    the options     num_ctx, temperature, keep_alive for that model, kept in Settings and sent with
                    every request to it (chat/ollama_admin.py, providers/ollama_wire.py)
    unload          keep_alive 0; delete after a confirmation

Requests run as tasks owned by the dialog (cancelled when it closes). The list of models is
ollama_model_table.py and the options form ollama_model_options.py; the dialog ties them to the
host, the details of the selected model and the actions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat.ollama_admin import ModelOptions, OllamaStatus
from desktop_chat.domain import errors
from desktop_chat.providers import ModelInfo
from desktop_chat.ui.common.error_text import localized, localized_error
from desktop_chat.ui.common.labels import plain_label, set_tone
from desktop_chat.ui.models.ollama_common import DialogTasks
from desktop_chat.ui.models.ollama_model_options import ModelOptionsBox
from desktop_chat.ui.models.ollama_model_table import ModelTable, memory_text
from desktop_chat.ui.common.units import format_bytes, format_local_time, parse_iso_time

if TYPE_CHECKING:
    from desktop_chat.ui.models.ollama_panel import OllamaController


class ModelManagerDialog(QDialog):
    def __init__(self, controller: OllamaController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ollamaModelsDialog")
        self.controller = controller
        self.admin = controller.admin
        self.tasks = DialogTasks(controller.runner)
        self._status: OllamaStatus | None = None
        self._models: list[ModelInfo] = []
        self._loaded: dict[str, Any] = {}  # name -> LoadedModel
        self._details: dict[str, ModelInfo | BaseException] = {}
        self._busy = False
        self._refresh_task: asyncio.Task[Any] | None = None

        self.status_label = plain_label("ollamaManagerStatus", self)
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("ollamaCheckButton")

        self.table = ModelTable(self)

        self.details_box = QGroupBox(self)
        self.details_box.setObjectName("ollamaDetailsGroup")
        self.context_label = plain_label("ollamaContextLength", self.details_box)
        self.capabilities_label = plain_label("ollamaCapabilities", self.details_box)
        self.architecture_label = plain_label("ollamaArchitecture", self.details_box)
        self.modified_label = plain_label("ollamaModified", self.details_box)
        self.memory_label = plain_label("ollamaInMemory", self.details_box)
        self.details_form = QFormLayout(self.details_box)
        self.details_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._detail_captions = [QLabel(self.details_box) for _ in range(5)]
        for caption, field in zip(self._detail_captions, (self.context_label, self.capabilities_label,
                                                           self.architecture_label, self.modified_label,
                                                           self.memory_label)):
            self.details_form.addRow(caption, field)

        self.options_box = ModelOptionsBox(self)
        # Its controls, reached from here by the dialog (and its tests) as before.
        self.num_ctx, self.temperature, self.keep_alive = (self.options_box.num_ctx, self.options_box.temperature,
                                                           self.options_box.keep_alive)
        self.save_options_button = self.options_box.save_options_button
        self.options_status = self.options_box.options_status

        self.get_button = QPushButton(self)
        self.get_button.setObjectName("ollamaGetModelButton")
        self.unload_button = QPushButton(self)
        self.unload_button.setObjectName("ollamaUnloadButton")
        self.delete_button = QPushButton(self)
        self.delete_button.setObjectName("ollamaDeleteButton")
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("ollamaRefreshButton")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.status_label, 1)
        top.addWidget(self.check_button)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.details_box)
        side_layout.addWidget(self.options_box)
        side_layout.addStretch(1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        actions = QHBoxLayout()
        for button in (self.get_button, self.unload_button, self.delete_button, self.refresh_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(actions)

        self.check_button.clicked.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.get_button.clicked.connect(lambda: self.controller.open_pull_dialog())
        self.unload_button.clicked.connect(self._unload)
        self.delete_button.clicked.connect(self._ask_delete)
        self.save_options_button.clicked.connect(self._save_options)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        controller.modelsChanged.connect(self.refresh)
        self.retranslate()
        self._show_selected()
        self.resize(1040, 560)
        self.splitter.setSizes([640, 400])

    # -- loading --

    def refresh(self) -> None:
        if self._refresh_task is not None and not self._refresh_task.done():
            return
        self._busy = True
        self._update_buttons()
        self.status_label.setText(self.tr("Asking Ollama at {host}…").format(host=self.admin.host))
        set_tone(self.status_label, "")
        self._refresh_task = self.tasks.start(self._refresh(), name="ollama-manager-refresh")

    async def _refresh(self) -> None:
        try:
            await self._refresh_now()
        finally:
            if shiboken6.isValid(self):  # a cancelled refresh of a closed dialog touches nothing
                self._busy = False
                self._update_buttons()

    async def _refresh_now(self) -> None:
        status = await self.admin.status()
        self._status = status
        models: list[ModelInfo] = []
        loaded: dict[str, Any] = {}
        problem: BaseException | None = None
        if status.running:
            try:
                models, running = await asyncio.gather(self.admin.models(), self.admin.loaded())
                loaded = {m.name: m for m in running}
            except errors.ChatError as exc:
                problem = exc
        self._models, self._loaded = models, loaded
        self._details = {k: v for k, v in self._details.items() if any(m.id == k for m in models)}
        self._fill_table()
        self._show_status(problem)
        self.controller.show_status(status)

    def _show_status(self, problem: BaseException | None = None) -> None:
        status = self._status
        if status is None:
            return
        if problem is not None:
            self.status_label.setText(localized_error(problem))
            set_tone(self.status_label, "error")
        elif status.running:
            count = len(self._models)
            in_memory = len(self._loaded)
            first = localized(status.text, str(status.text))
            second = self.tr("{n} model(s) on that computer, {m} in memory.").format(n=count, m=in_memory)
            self.status_label.setText(first + ("" if first.endswith(("。", "！", "？")) else " ") + second)
            set_tone(self.status_label, "")
        else:
            self.status_label.setText(localized(status.text, str(status.text)))
            set_tone(self.status_label, "error")

    def _fill_table(self) -> None:
        self.table.fill(self._models, self._loaded)
        self._show_selected()

    def selected_model(self) -> str | None:
        return self.table.selected_model()

    # -- the selected model --

    def _selection_changed(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        model = self.selected_model()
        self.details_box.setTitle(model or self.tr("No model selected"))
        self.options_box.setEnabled(model is not None)
        self.options_status.clear()
        if model is None:
            for label in (self.context_label, self.capabilities_label, self.architecture_label,
                          self.modified_label, self.memory_label):
                label.setText("—")
            self._load_options(None)
            self._update_buttons()
            return
        info = next((m for m in self._models if m.id == model), None)
        modified = parse_iso_time(info.details.get("modified_at")) if info else None
        self.modified_label.setText(format_local_time(modified) if modified else "—")
        self.memory_label.setText(memory_text(self._loaded.get(model), short=False))
        self._show_details(model)
        self._load_options(model)
        self._update_buttons()
        if model not in self._details:
            self.tasks.start(self._fetch_details(model), name=f"ollama-show-{model}")

    async def _fetch_details(self, model: str) -> None:
        try:
            self._details[model] = await self.admin.details(model)
        except errors.ChatError as exc:
            self._details[model] = exc
        if self.selected_model() == model:
            self._show_details(model)

    def _show_details(self, model: str) -> None:
        found = self._details.get(model)
        if found is None:
            for label in (self.context_label, self.capabilities_label, self.architecture_label):
                label.setText(self.tr("Loading…"))
            return
        if isinstance(found, BaseException):
            self.context_label.setText(localized_error(found))
            self.capabilities_label.setText("—")
            self.architecture_label.setText("—")
            return
        self.context_label.setText(self.tr("{n} tokens").format(n=f"{found.context_length:,}")
                                   if found.context_length else self.tr("unknown"))
        capabilities = found.details.get("capabilities") or []
        separator = self.tr(", ", "between items of a list")
        self.capabilities_label.setText(separator.join(self._capability(c) for c in capabilities) or "—")
        parts = [str(found.details.get(k)) for k in ("architecture", "format") if found.details.get(k)]
        self.architecture_label.setText(" · ".join(parts) or "—")

    def _capability(self, name: str) -> str:
        names = {
            "completion": self.tr("chat"),
            "vision": self.tr("images (vision)"),
            "tools": self.tr("tools"),
            "thinking": self.tr("thinking"),
            "embedding": self.tr("embeddings"),
            "insert": self.tr("fill in the middle"),
        }
        return names.get(name, name)

    # -- per-model options --

    def _load_options(self, model: str | None) -> None:
        self.options_box.show_options(self.admin.model_options(model) if model else ModelOptions())

    def form_options(self) -> ModelOptions:
        return self.options_box.form_options()

    def _save_options(self) -> None:
        model = self.selected_model()
        if model is None:
            return
        try:
            self.admin.set_model_options(model, self.form_options())
        except ValueError as exc:
            self.options_status.setText(localized_error(exc))
            set_tone(self.options_status, "error")
            return
        if self.controller.save_settings():
            self.options_status.setText(self.tr("Saved. Sent with every message to {model} from now on.").format(
                model=model))
            set_tone(self.options_status, "ok")

    # -- unload and delete --

    def _unload(self) -> None:
        model = self.selected_model()
        if model is None or model not in self._loaded:
            return
        self._busy = True
        self._update_buttons()
        self.tasks.start(self._do(self.admin.unload(model), self.tr("“{model}” was unloaded from memory.")
                                  .format(model=model)), name=f"ollama-unload-{model}")

    def _ask_delete(self) -> None:
        model = self.selected_model()
        if model is None:
            return
        info = next((m for m in self._models if m.id == model), None)
        box = QMessageBox(self)
        box.setObjectName("ollamaDeleteQuestion")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Delete the model?"))
        box.setText(self.tr("Delete “{model}” from Ollama at {host}?").format(model=model, host=self.admin.host))
        box.setInformativeText(self.tr("Its files ({size}) are removed from that computer. You can download it "
                                       "again later.").format(size=format_bytes(info.details.get("size") if info
                                                                                else None)))
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        delete.setObjectName("ollamaConfirmDelete")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setObjectName("ollamaCancelDelete")
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)

        def answered(button: Any) -> None:
            if button is delete:
                self._busy = True
                self._update_buttons()
                self.tasks.start(self._do(self.admin.delete(model), self.tr("“{model}” was deleted.").format(
                    model=model), models_changed=True), name=f"ollama-delete-{model}")

        box.buttonClicked.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    async def _do(self, action: Coroutine[Any, Any, Any], success: str, *, models_changed: bool = False) -> None:
        try:
            await action
        except errors.ChatError as exc:
            self._busy = False
            self._update_buttons()
            self.status_label.setText(localized_error(exc))
            set_tone(self.status_label, "error")
            return
        self._busy = False
        if models_changed:
            self.controller.modelsChanged.emit()  # refreshes this dialog too
        else:
            self.refresh()
        self.controller.statusMessage.emit(success, 8000)

    # -- the rest --

    def _update_buttons(self) -> None:
        running = self._status is not None and self._status.running
        model = self.selected_model()
        self.check_button.setEnabled(not self._busy)
        self.refresh_button.setEnabled(not self._busy)
        self.get_button.setEnabled(running)
        self.delete_button.setEnabled(running and model is not None and not self._busy)
        self.unload_button.setEnabled(running and model is not None and model in self._loaded and not self._busy)
        self.save_options_button.setEnabled(model is not None)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Ollama models"))
        self.check_button.setText(self.tr("Check again"))
        self.check_button.setAccessibleName(self.tr("Check Ollama again"))
        self.table.retranslate()
        for caption, text in zip(self._detail_captions, (self.tr("Context length:"), self.tr("Can handle:"),
                                                         self.tr("Architecture:"), self.tr("Downloaded:"),
                                                         self.tr("In memory:"))):
            caption.setText(text)
        self.options_box.retranslate()
        self.get_button.setText(self.tr("Get a model…"))
        self.get_button.setAccessibleName(self.tr("Download a new model"))
        self.unload_button.setText(self.tr("Unload"))
        self.unload_button.setAccessibleName(self.tr("Unload the model from memory"))
        self.unload_button.setToolTip(self.tr("Free the memory this model holds; it loads again when next used"))
        self.delete_button.setText(self.tr("Delete…"))
        self.delete_button.setAccessibleName(self.tr("Delete the model"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the list of models"))
        if self.selected_model() is None:
            self.details_box.setTitle(self.tr("No model selected"))
        self._show_status()
        if self._models:
            self.table.show_memory(self._loaded)
            model = self.selected_model()
            if model:
                self.memory_label.setText(memory_text(self._loaded.get(model), short=False))
                self._show_details(model)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def done(self, result: int) -> None:
        self.tasks.cancel()
        super().done(result)


__all__ = ["ModelManagerDialog"]
