"""Settings › Other services: the OpenAI-compatible services the user added (DeepSeek, OpenRouter,
a local vLLM…), a list beside one service's fields, with Add, Remove and the preset menu.

The page edits the dialog's list of drafts in place (nothing is saved from here) and says what
changed, so that the dialog keeps its default-model choices and provider combo in step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.settings.endpoint_draft import EndpointDraft
from desktop_chat.ui.settings.endpoint_editor import EndpointEditor
from desktop_chat.ui.settings.preset_menu import PresetButton, PresetHint

__all__ = ["CustomEndpointsPage"]


class CustomEndpointsPage(QWidget):
    added = Signal(object, str)  # the new draft, its default model ("" or the preset's)
    removed = Signal(object)  # the draft taken out of the list
    renamed = Signal()

    def __init__(self, custom: list[EndpointDraft], removed: list[EndpointDraft],
                 parent: QWidget | None = None) -> None:
        """*custom*: the dialog's drafts of these services, edited in place; *removed*: where a
        saved one goes when removed (Save forgets its key)."""
        super().__init__(parent)
        self.setObjectName("customEndpointsPage")
        self._custom = custom
        self._removed = removed
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("customEndpointList")
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.list.setMaximumWidth(200)
        self.list.currentRowChanged.connect(self._selected)
        self.add_button = QPushButton()
        self.add_button.setObjectName("addEndpointButton")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeEndpointButton")
        self.remove_button.clicked.connect(self.remove_selected)
        self.editor = EndpointEditor("custom", "custom")
        self.editor.nameEdited.connect(self._name_edited)
        self.preset_button = PresetButton()  # DeepSeek, Qwen, … with their address filled in (preset_menu.py)
        self.preset_button.presetChosen.connect(self.add_preset)
        self.preset_hint = PresetHint()
        self.editor.url_edit.textChanged.connect(self.preset_hint.show_for)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        left.addWidget(self.preset_button)
        row = QHBoxLayout()
        row.addLayout(left)
        right = QVBoxLayout()
        right.addWidget(self.editor)
        right.addWidget(self.preset_hint)
        right.addStretch(1)
        row.addLayout(right, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addLayout(row, 1)
        for _draft in self._custom:
            self.list.addItem(QListWidgetItem())
        QWidget.setTabOrder(self.list, self.add_button)
        QWidget.setTabOrder(self.add_button, self.remove_button)
        QWidget.setTabOrder(self.remove_button, self.editor.name_edit)
        self.list.setCurrentRow(0 if self._custom else -1)
        self._selected(self.list.currentRow())
        self.retranslate()

    def show_draft(self, draft: EndpointDraft) -> None:
        self.list.setCurrentRow(self._custom.index(draft))

    def refresh(self) -> None:
        for row, draft in enumerate(self._custom):
            item = self.list.item(row)
            if item is not None:
                item.setText(draft.name.strip() or self.tr("(unnamed)"))
        self.remove_button.setEnabled(self.list.currentRow() >= 0)

    def _name_edited(self, _draft: EndpointDraft) -> None:
        self.refresh()
        self.renamed.emit()

    def _selected(self, row: int) -> None:
        draft = self._custom[row] if 0 <= row < len(self._custom) else None
        self.editor.bind(draft)
        self.remove_button.setEnabled(draft is not None)

    def add(self, default_model: str = "") -> EndpointDraft:
        draft = EndpointDraft("custom", None, key_state="none")
        self._custom.append(draft)
        self.list.addItem(QListWidgetItem())
        self.added.emit(draft, default_model)
        self.refresh()
        self.list.setCurrentRow(len(self._custom) - 1)
        self.editor.name_edit.setFocus()
        return draft

    def add_preset(self, preset: Any) -> None:
        """A service from the list: a new one with its name (made unique), base URL and model, to test."""
        names = {d.name.strip().lower() for d in self._custom}
        name, number = preset.name, 2
        while name.lower() in names:
            name, number = f"{preset.name} {number}", number + 1
        draft = self.add(preset.default_model)
        draft.name, draft.url = name, preset.base_url
        self.editor.bind(draft)
        self.refresh()
        self.renamed.emit()
        (self.editor.key_edit if preset.needs_key else self.editor.test_button).setFocus()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._custom):
            return
        draft = self._custom.pop(row)
        if draft.endpoint_id is not None:
            self._removed.append(draft)
        self.list.takeItem(row)
        self.removed.emit(draft)
        self.refresh()
        self._selected(self.list.currentRow())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "Any service that speaks the OpenAI API: DeepSeek, OpenRouter, vLLM, LM Studio, "
            "a llama.cpp server… A key saved here is sent only to the host of its base URL."))
        self.list.setAccessibleName(self.tr("Other services"))
        self.add_button.setText(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add a service"))
        self.remove_button.setText(self.tr("Remove"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected service"))
        self.refresh()
