"""The error card of a failed answer: what went wrong, the fix the engine chose, and Retry.

Built the first time an answer fails (message_widget.py); a stopped answer's Continue button moves
into its row of buttons (`buttons`) while it shows. Its words keep the message widget's
translation context, where they have always been.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop_chat.domain.errors import ErrorAction, stored_action
from desktop_chat.domain.messages import Message
from desktop_chat.ui.common import error_card as card_text
from desktop_chat.ui.common.error_text import localized_message_error
from desktop_chat.ui.messages.cards import CARD_RADIUS, Card

__all__ = ["AnswerError"]



class AnswerError(Card):
    """`retryClicked`; `actionClicked(ErrorAction value)`; `linkActivated(url)` from the texts."""

    retryClicked = Signal()
    actionClicked = Signal(str)
    linkActivated = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("error", CARD_RADIUS, parent)
        self.setObjectName("errorCard")
        self.action = ErrorAction.NONE
        self._message: Message | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        self.label = card_text.error_label("errorLabel", self)
        self.label.linkActivated.connect(lambda url: self.linkActivated.emit(QUrl(url)))
        layout.addWidget(self.label)
        self.hint = card_text.error_label("errorHint", self)
        self.hint.linkActivated.connect(lambda url: self.linkActivated.emit(QUrl(url)))
        self.hint.hide()
        layout.addWidget(self.hint)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        # The fix the engine chose for this error (error_card.py words it); Retry stays beside it.
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("errorActionButton")
        self.action_button.clicked.connect(lambda: self.actionClicked.emit(self.action.value))
        self.action_button.hide()
        self.buttons.addWidget(self.action_button)
        self.retry_button = QPushButton(self)
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self.retryClicked)
        self.buttons.addWidget(self.retry_button)
        layout.addLayout(self.buttons)
        self.retranslate()

    def show_error(self, message: Message) -> None:
        self._message = message
        failed = QCoreApplication.translate("MessageWidget", "The request failed.")
        self.label.setText(card_text.error_html(localized_message_error(message) or failed))
        self.action = stored_action(message.error_text)
        self._show_action()

    def retranslate(self) -> None:
        self.retry_button.setText(QCoreApplication.translate("MessageWidget", "Retry"))
        self.retry_button.setAccessibleName(QCoreApplication.translate("MessageWidget", "Retry"))
        self.retry_button.setToolTip(QCoreApplication.translate("MessageWidget", "Send the request again"))
        self.setAccessibleName(QCoreApplication.translate("MessageWidget", "Error"))
        if self._message is not None:
            self.show_error(self._message)  # the error's words follow the language too

    def _show_action(self) -> None:
        """The action button and hint for the error shown (their words follow the language)."""
        action = self.action
        params = ((self._message.error_text if self._message else None) or {}).get("params")
        provider = params.get("provider") if isinstance(params, dict) else None
        text, tip = card_text.action_button_text(action, provider if isinstance(provider, str) else "")
        self.action_button.setText(text)
        self.action_button.setToolTip(tip)
        self.action_button.setAccessibleName(text or QCoreApplication.translate("MessageWidget", "Fix the problem"))
        self.action_button.setVisible(card_text.has_button(action))
        hint = card_text.action_hint(action)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
