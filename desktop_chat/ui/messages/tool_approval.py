"""The question before a tool runs: server, tool, its arguments; Allow once / Always allow / Deny.

WindowApproval is the window's approval policy (tools/approval.py): the engine awaits it before
every call the user does not always allow. It shows a ToolApprovalPrompt (window-modal, so the
rest of the app keeps painting and Stop still works) and resolves with the user's choice;
closing the prompt denies. If the turn is stopped while the prompt is open, the prompt closes.
The arguments are shown as plain text: they come from the model.
"""

from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase, QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop_chat.tools.approval import Decision, ToolRequest

__all__ = ["ToolApprovalPrompt", "WindowApproval"]


class ToolApprovalPrompt(QDialog):
    decided = Signal(str)  # a Decision's value

    def __init__(self, request: ToolRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolApprovalPrompt")
        self.request = request
        self._done = False
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)

        self.heading = QLabel(self)
        self.heading.setObjectName("toolApprovalHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.what = QLabel(self)
        self.what.setObjectName("toolApprovalTool")
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        self.description = QLabel(self)
        self.description.setObjectName("toolApprovalDescription")
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setWordWrap(True)
        self.arguments_caption = QLabel(self)
        self.arguments = QPlainTextEdit(self)
        self.arguments.setObjectName("toolApprovalArguments")
        self.arguments.setReadOnly(True)
        self.arguments.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.arguments.setPlainText(json.dumps(request.arguments, ensure_ascii=False, indent=2))
        lines = min(12, max(2, self.arguments.toPlainText().count("\n") + 1))
        self.arguments.setFixedHeight(self.arguments.fontMetrics().lineSpacing() * lines + 16)
        for widget in (self.heading, self.what, self.description, self.arguments_caption, self.arguments):
            layout.addWidget(widget)

        buttons = QHBoxLayout()
        self.deny_button = QPushButton(self)
        self.deny_button.setObjectName("toolDenyButton")
        self.always_button = QPushButton(self)
        self.always_button.setObjectName("toolAlwaysButton")
        self.once_button = QPushButton(self)
        self.once_button.setObjectName("toolAllowOnceButton")
        self.once_button.setDefault(True)
        self.deny_button.clicked.connect(lambda: self._decide(Decision.DENY))
        self.always_button.clicked.connect(lambda: self._decide(Decision.ALWAYS))
        self.once_button.clicked.connect(lambda: self._decide(Decision.ALLOW_ONCE))
        buttons.addWidget(self.deny_button)
        buttons.addStretch(1)
        buttons.addWidget(self.always_button)
        buttons.addWidget(self.once_button)
        layout.addLayout(buttons)
        self.retranslate()

    @property
    def answered(self) -> bool:
        return self._done

    def retranslate(self) -> None:
        request = self.request
        self.setWindowTitle(self.tr("Run a tool?"))
        self.setAccessibleName(self.tr("Run a tool?"))
        self.heading.setText(self.tr("The model wants to run a tool"))
        self.what.setText(self.tr("Server: {server} · Tool: {tool}").format(server=request.server, tool=request.tool))
        self.description.setText(request.description.strip())
        self.description.setVisible(bool(request.description.strip()))
        self.arguments_caption.setText(self.tr("Arguments"))
        self.arguments.setAccessibleName(self.tr("Arguments"))
        self.deny_button.setText(self.tr("Deny"))
        self.always_button.setText(self.tr("Always allow this tool"))
        self.always_button.setToolTip(self.tr("Run {server} · {tool} from now on without asking (revoke it in "
                                              "Settings › Tools)").format(server=request.server, tool=request.tool))
        self.once_button.setText(self.tr("Allow once"))
        for button in (self.deny_button, self.always_button, self.once_button):
            button.setAccessibleName(button.text())

    def _decide(self, decision: Decision) -> None:
        if not self._done:
            self._done = True
            self.decided.emit(decision.value)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._done:  # closed with the title bar's button: nothing runs unasked
            self._done = True
            self.decided.emit(Decision.DENY.value)
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._decide(Decision.DENY)
            return
        super().keyPressEvent(event)


class WindowApproval:
    """The window's approval policy: one prompt per call, over *parent*."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.open_prompts: list[ToolApprovalPrompt] = []  # for tests and for closing on Stop

    async def decide(self, request: ToolRequest) -> Decision:
        future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        prompt = ToolApprovalPrompt(request, self.parent)

        def answered(value: str) -> None:
            if not future.done():
                future.set_result(Decision(value))

        prompt.decided.connect(answered)
        self.open_prompts.append(prompt)
        prompt.open()
        try:
            return await future
        finally:  # answered, or the turn was stopped while asking
            self.open_prompts.remove(prompt)
            prompt._done = True
            prompt.close()
            prompt.deleteLater()
