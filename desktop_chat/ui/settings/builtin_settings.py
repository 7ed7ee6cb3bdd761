"""The Settings dialog's "Built-in models" group: add GGUF files, and how models run.

Like everything in the dialog, changes stay here until Save (`apply(new_settings)`); Cancel
drops them. An added file is checked (GGUF header) when it is picked, in a worker thread, and is
kept by reference: the file stays where it is.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat.local_models import LocalModel, LocalModels
from desktop_chat.config import Settings
from desktop_chat.providers.llamacpp_runtime import default_threads, engine_available
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.common.units import format_bytes

log = logging.getLogger(__name__)


class BuiltinModelsBox(QGroupBox):
    def __init__(self, settings: Settings, runner: AsyncRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("builtinGroup")
        self._runner = runner
        # A copy: nothing reaches the real settings before Save.
        self._draft = Settings(local_model_paths=list(settings.local_model_paths))
        self._models: list[LocalModel] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.model_list = QListWidget()
        self.model_list.setObjectName("builtinModelList")
        self.model_list.setMaximumHeight(110)
        self.add_button = QPushButton()
        self.add_button.setObjectName("addGgufButton")
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeGgufButton")
        self.status = QLabel()
        self.status.setObjectName("builtinStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("builtinIdleSpin")
        self.idle_spin.setRange(0, 24 * 60)
        self.idle_spin.setValue(round(settings.local_idle_unload_minutes))
        self.threads_spin = QSpinBox()
        self.threads_spin.setObjectName("builtinThreadsSpin")
        self.threads_spin.setRange(0, max(64, default_threads() + 1))
        self.threads_spin.setValue(max(0, int(settings.local_threads or 0)))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        form = QFormLayout()
        self.idle_label, self.threads_label = QLabel(), QLabel()
        self.idle_label.setBuddy(self.idle_spin)
        self.threads_label.setBuddy(self.threads_spin)
        form.addRow(self.idle_label, self.idle_spin)
        form.addRow(self.threads_label, self.threads_spin)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addWidget(self.model_list)
        column.addLayout(buttons)
        column.addWidget(self.status)
        column.addLayout(form)
        self.add_button.clicked.connect(self._choose_file)
        self.remove_button.clicked.connect(self._remove_selected)
        self.model_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.retranslate()
        self._reload()

    # -- the dialog's side -----------------------------------------------------------------------

    def apply(self, new: Settings) -> None:
        """Write this group's edits into the settings the dialog is about to save."""
        new.local_model_paths = list(self._draft.local_model_paths)
        new.local_idle_unload_minutes = float(self.idle_spin.value())
        new.local_threads = self.threads_spin.value()

    def add_file(self, path: str | Path) -> None:
        """Check and add a GGUF file (what the button does after the file dialog)."""
        self._set_status(self.tr("Reading {file}…").format(file=Path(path).name))
        self._runner.start(self._add(Path(path)), name="add-gguf")

    # -- inside ----------------------------------------------------------------------------------

    def _registry(self) -> LocalModels:
        return LocalModels(self._draft)

    def _reload(self) -> None:
        self._runner.start(self._list(), name="list-gguf")

    async def _list(self) -> None:
        models = await self._runner.in_thread(lambda: self._registry().list(include_unusable=True))
        self._show(models)

    async def _add(self, path: Path) -> None:
        try:
            model = await self._runner.in_thread(self._registry().add, path)
        except ValueError as exc:  # LocalModelError: not a GGUF, no such file
            self._set_status(localized_error(exc), error=True)
            return
        self._set_status(self.tr("Added {model}: the file stays where it is. Save to keep it.").format(
            model=model.name))
        await self._list()
        for row, listed in enumerate(self._models):
            if listed.path == model.path:
                self.model_list.setCurrentRow(row)

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Add a GGUF model"), str(Path.home()),
            self.tr("GGUF models (*.gguf);;All files (*)"))
        if path:
            self.add_file(path)

    def _remove_selected(self) -> None:
        row = self.model_list.currentRow()
        if not 0 <= row < len(self._models) or self._models[row].installed:
            return
        gone = self._models[row]
        self._draft.local_model_paths = [p for p in self._draft.local_model_paths if Path(p) != gone.path]
        self._set_status(self.tr("{model} will be removed from the list when you save (the file stays).").format(
            model=gone.name))
        self._reload()

    def _show(self, models: list[LocalModel]) -> None:
        self._models = models
        self.model_list.clear()
        for model in models:
            facts = [format_bytes(model.size_bytes)]
            if model.info and model.info.quantization:
                facts.append(model.info.quantization)
            where = self.tr("installed") if model.installed else str(model.path)
            text = f"{model.name} · {' · '.join(facts)} · {where}"
            if model.problem:
                text += " · " + self.tr("cannot be used: {problem}").format(problem=model.problem)
            item = QListWidgetItem(text)
            item.setToolTip(str(model.path))
            self.model_list.addItem(item)
        if not models:
            self.model_list.addItem(self.tr("No models yet: add a GGUF file, or download the default one from the "
                                            "welcome screen (shown while no provider is set up)."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.model_list.currentRow()
        removable = 0 <= row < len(self._models) and not self._models[row].installed
        self.remove_button.setEnabled(removable)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", "error" if error else "")

    def retranslate(self) -> None:
        self.setTitle(self.tr("Built-in models"))
        intro = self.tr("GGUF models that Desktop Chat runs itself, on this computer, offline (llama.cpp).")
        if not engine_available():
            from desktop_chat.providers.engine_install import engine_install_command  # (small: no engine loaded)

            intro += " " + self.tr("The built-in engine is not installed. Install it with one command: {command}, "
                                   "then start Desktop Chat again.").format(command=engine_install_command())
        self.intro.setText(intro)
        self.model_list.setAccessibleName(self.tr("Built-in models"))
        self.add_button.setText(self.tr("Add a GGUF file…"))
        self.add_button.setAccessibleName(self.tr("Add a GGUF model file"))
        self.remove_button.setText(self.tr("Remove from the list"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected model from the list"))
        self.idle_label.setText(self.tr("Unload a model after it is idle for:"))
        self.idle_spin.setSuffix(self.tr(" min"))
        self.idle_spin.setSpecialValueText(self.tr("right after each answer"))
        self.idle_spin.setAccessibleName(self.tr("Minutes before an idle built-in model is unloaded"))
        self.threads_label.setText(self.tr("CPU threads:"))
        self.threads_spin.setSpecialValueText(self.tr("automatic ({n})").format(n=default_threads()))
        self.threads_spin.setAccessibleName(self.tr("CPU threads for the built-in engine"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
