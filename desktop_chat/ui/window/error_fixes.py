"""What an error's fix does in the window, and the notice for a turn that could not start.

The engine chose the fix (domain/errors.py: ErrorAction); an error card (message_widget.py,
error_card.py) or the notice below offers it as a button, and this module carries it out:

    OPEN_SETTINGS  Settings, opened at the provider the failed answer was sent to
    CHOOSE_MODEL   the top bar's model picker, opened (whatever widget is named "modelPicker")
    START_OLLAMA   "ollama serve" copied to the clipboard (the card says where to run it)
    RETRY          the card's own Retry button (the window's retry), nothing here

A turn refused before anything was stored (no model could be chosen because Ollama is not
running, an unknown provider…) has no answer to carry a card, and the status bar alone is easy
to miss: the same sentence, with its fix, shows in a notice just above the composer until the
next turn starts or another conversation opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer, QUrl
from PySide6.QtGui import QGuiApplication, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QVBoxLayout, QWidget

from desktop_chat.domain import errors
from desktop_chat.domain.errors import ErrorAction
from desktop_chat.ui.common import error_card
from desktop_chat.ui.common.error_text import localized_error
from desktop_chat.ui.messages.message_widget import card_colors

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["ErrorFixes", "RefusalNotice"]


class RefusalNotice(QFrame):
    """A turn's refusal, above the composer: its sentence, its fix, and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refusalNotice")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.action = ErrorAction.NONE
        self.label = error_card.error_label("refusalText", self)
        self.hint = error_card.error_label("refusalHint", self)
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("refusalActionButton")
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("refusalCloseButton")
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.clicked.connect(self.hide)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.label)
        text.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 8, 8)
        row.addLayout(text, 1)
        row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._sentence = ""
        self._provider = ""
        self.hide()

    def show_problem(self, sentence: str, action: ErrorAction, provider: str) -> None:
        self._sentence, self.action, self._provider = sentence, action, provider
        self._render()
        self.show()

    def _render(self) -> None:
        self.label.clear()
        self.hint.clear()
        self.label.setText(error_card.error_html(self._sentence))
        hint = error_card.action_hint(self.action, refused=True)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        text, tip = error_card.action_button_text(self.action, self._provider)
        self.action_button.setText(text)
        self.action_button.setToolTip(tip)
        self.action_button.setAccessibleName(text or self.tr("Fix the problem"))
        self.action_button.setVisible(error_card.has_button(self.action))
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.setAccessibleName(self.tr("Dismiss"))
        self.setAccessibleName(self.tr("Why the message was not sent"))

    def paintEvent(self, event: QPaintEvent) -> None:
        """The error cards' colours (message_widget.card_colors), so both read as the same thing."""
        fill, border = card_colors(self.palette(), "error")
        if fill is not None:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(border, 1) if border is not None else Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(4.5, 2.5, -4.5, -2.5), 8, 8)
            painter.end()
        super().paintEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Words in the new language; links in the new theme's colour (rich text keeps the old one).
        # (after the labels have their new palette, and through clear(): setText of the same text
        # does nothing).
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.PaletteChange) and self._sentence:
            QTimer.singleShot(0, self, self._render)


class ErrorFixes(QObject):
    """Carries out an error's fix for the window; shows refusals where the user is looking."""

    def __init__(self, window: MainWindow, place: Callable[[QWidget], None]) -> None:
        super().__init__(window)
        self._window = window
        self._place = place  # puts the notice in the window's column, above the composer
        self._notice: RefusalNotice | None = None
        self._refused_endpoint: str | None = None

    @property
    def notice(self) -> RefusalNotice:
        if self._notice is None:
            self._notice = RefusalNotice(self._window)
            self._notice.action_button.clicked.connect(
                lambda: self.carry_out(self._notice.action if self._notice else ErrorAction.NONE,
                                       self._refused_endpoint))
            self._notice.label.linkActivated.connect(lambda url: self._window.view.handle_link(QUrl(url)))
            self._notice.hint.linkActivated.connect(lambda url: self._window.view.handle_link(QUrl(url)))
            self._place(self._notice)
        return self._notice

    # -- an error card's button --------------------------------------------------------------------

    def act(self, message_id: str, action: str) -> None:
        """The fix on the card of the answer *message_id* was clicked."""
        message = self._window.conversations.get_message(message_id)
        self.carry_out(ErrorAction(action), message.provider if message is not None else None)

    def carry_out(self, action: ErrorAction, endpoint_id: str | None) -> None:
        window = self._window
        if action is ErrorAction.OPEN_SETTINGS:
            window.open_settings(endpoint_id)
        elif action is ErrorAction.CHOOSE_MODEL:
            self.open_model_picker()
        elif action is ErrorAction.START_OLLAMA:
            QGuiApplication.clipboard().setText(error_card.OLLAMA_START_COMMAND)
            window.statusBar().showMessage(self.tr("Copied “{command}”: run it in a terminal, then press Retry.")
                                           .format(command=error_card.OLLAMA_START_COMMAND), 10_000)

    def open_model_picker(self) -> None:
        """Open the top bar's model list through its public showPopup (the picker's popup lists
        the provider's models, asking for them if it has not yet, and takes the keyboard)."""
        picker = self._window.findChild(QWidget, "modelPicker")
        show = getattr(picker, "showPopup", None)
        if picker is not None and callable(show):
            picker.setFocus(Qt.FocusReason.OtherFocusReason)
            show()

    # -- turns refused before anything was stored --------------------------------------------------

    def refused(self, conversation_id: str, error: BaseException) -> None:
        """A refused turn: say why beside the composer, with the fix (attachments speak on their chip)."""
        if isinstance(error, errors.AttachmentError):
            return
        action = error.action if isinstance(error, errors.ChatError) else ErrorAction.NONE
        provider = error.provider if isinstance(error, errors.ChatError) and error.provider else ""
        self._refused_endpoint = self._window.choice.endpoint_id
        self.notice.show_problem(localized_error(error), action, provider)

    def clear(self) -> None:
        """A turn started, or another conversation opened: an old refusal says nothing about it."""
        if self._notice is not None:
            self._notice.hide()
