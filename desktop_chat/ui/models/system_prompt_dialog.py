"""The system prompt's editor: the words the model reads before every message of a conversation
(opened from the top bar's button by ui/window/system_prompt_door.py, with its first use)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

__all__ = ["SystemPromptDialog"]


class SystemPromptDialog(QDialog):
    """Edit one conversation's system prompt (or the one a new conversation will start with)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("systemPromptDialog")
        self.setWindowTitle(self.tr("System prompt"))
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("systemPromptEdit")
        self.editor.setAccessibleName(self.tr("System prompt"))
        self.editor.setPlaceholderText(self.tr("For example: You are a concise assistant. Answer in English."))
        self.editor.setPlainText(text)
        self.editor.setTabChangesFocus(True)
        hint = QLabel(self.tr("The model reads this before every message of this conversation."), self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)
        self.resize(520, 320)

    def text(self) -> str:
        return self.editor.toPlainText().strip()
