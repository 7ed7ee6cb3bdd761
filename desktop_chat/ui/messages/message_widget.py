"""One message in the conversation: the user's question as a bubble, the answer as open text.

Layout (top to bottom; each slot is an empty QVBoxLayout until someone fills it, so a feature's
hook is one line: `widget.<slot>.addWidget(part)`):

    header          the assistant's name, the relative time, a status badge (answers only)
    reasoning_slot  the model's thinking (thinking_block.py)
    extras          documents on a question; how they were sent and the sources (sources_view.py)
    body            the text (message_body.py); a user's sits in a rounded bubble on the right
    tools_slot      tool calls and their results
    images_slot     images in or of the message
    references_slot the references list under a document answer
    editor / notice / error card / Continue (built the first time they are needed)
    action row      icon buttons shown on hover and keyboard focus, "‹ 2/3 ›", the quiet figures

Building the parts and placing them is message_layout.py's job; this widget keeps the state.
The rarely used parts (the inline editor, the error card, the Continue button, the notice) are
built the first time they are needed: reopening a conversation builds a widget per message, and
building them all up front was most of the cost of a widget (≈ 3 ms each here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QEvent, QUrl, Signal
from PySide6.QtGui import QEnterEvent, QGuiApplication, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from desktop_chat.domain.errors import ErrorAction
from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.common import error_card as card_text
from desktop_chat.ui.messages.cards import Badge, Card, card_colors, mix, muted_text
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer
from desktop_chat.ui.messages.message_actions import ActionBar, ActionButton
from desktop_chat.ui.messages.message_body import MessageBody
from desktop_chat.ui.messages.message_layout import (
    BUBBLE_SHARE, build_parts, bubble_width, footer_beside, natural_width, notice_label,
)
from desktop_chat.ui.messages import thinking_hooks
from desktop_chat.ui.messages.message_meta import meta_text
from desktop_chat.ui.messages.relative_time import TimeLabel
from desktop_chat.ui.messages.render_snapshot import RenderedBody

if TYPE_CHECKING:
    from desktop_chat.chat.versions import Versions
    from desktop_chat.ui.messages.answer_error import AnswerError
    from desktop_chat.ui.messages.inline_editor import InlineEditor
    from desktop_chat.ui.messages.version_switcher import VersionSwitcher

__all__ = ["BUBBLE_SHARE", "MessageWidget", "card_colors", "mix"]

_CONTINUABLE = (MessageStatus.STOPPED, MessageStatus.INTERRUPTED, MessageStatus.ERROR)


class MessageWidget(QFrame):
    """Shows one Message. Emits requests with the message id; it changes nothing by itself."""

    regenerateClicked = Signal(str)
    editResendClicked = Signal(str, str)
    deleteClicked = Signal(str)
    forkClicked = Signal(str)  # "Continue in a new conversation" from this message
    retryClicked = Signal(str)
    continueClicked = Signal(str)
    errorActionClicked = Signal(str, str)  # message id, ErrorAction value: the error card's fix
    versionChosen = Signal(str)  # the id of another version of this message, to show instead
    linkActivated = Signal(QUrl)

    # The parts, built by message_layout.build_parts (public: features and tests reach them).
    role_label: QLabel
    time_label: TimeLabel
    status_badge: Badge
    body: MessageBody
    extras: QVBoxLayout  # documents on a question; how they were sent and the sources on an answer
    reasoning_slot: QVBoxLayout
    tools_slot: QVBoxLayout
    images_slot: QVBoxLayout
    references_slot: QVBoxLayout
    continue_row: QHBoxLayout
    footer_label: QLabel
    action_bar: ActionBar
    copy_button: ActionButton
    edit_button: ActionButton
    regenerate_button: ActionButton
    fork_button: ActionButton
    delete_button: ActionButton
    action_row: QHBoxLayout
    footer_row: QHBoxLayout  # answers only

    def __init__(self, message: Message, renderer: MarkdownRenderer, parent: QWidget | None = None, *,
                 rendered: RenderedBody | None = None):
        """`rendered`: the body's HTML made earlier for this very message (render_snapshot.py)."""
        super().__init__(parent)
        self._message = message
        self._prerendered = rendered
        self._rendered: tuple[str, MessageStatus] | None = None  # what the body shows, when final
        self._continue_in_card = False
        self._editor_box: InlineEditor | None = None
        self._error_card: AnswerError | None = None
        self._continue_button: QPushButton | None = None
        self._notice_label: QLabel | None = None
        self._switcher: VersionSwitcher | None = None
        self._natural_width: tuple[str, int] | None = None  # (text, px) of the user's bubble
        self._bubble: Card | None = None
        self.setObjectName(f"message-{message.id}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._build(renderer)
        self.update_message(message)

    # -- construction ----------------------------------------------------------------------------

    def _build(self, renderer: MarkdownRenderer) -> None:
        """The parts and where they sit (message_layout.py); their signals and texts."""
        self._bubble, self._editor_slot, self._notice_slot, self._error_slot = build_parts(self, renderer)
        self.body.linkActivated.connect(self.linkActivated)
        self.copy_button.clicked.connect(self._copy)
        self.edit_button.clicked.connect(self.start_edit)
        self.regenerate_button.clicked.connect(lambda: self.regenerateClicked.emit(self.message_id))
        self.fork_button.clicked.connect(lambda: self.forkClicked.emit(self.message_id))
        self.delete_button.clicked.connect(lambda: self.deleteClicked.emit(self.message_id))
        if not self.is_user:
            self._footer_beside: bool | None = None
            self._place_footer()
        self._translate_texts()  # the chrome follows in update_message
        self._apply_palette()

    # -- parts built on first use ------------------------------------------------------------------

    @property
    def version_switcher(self) -> VersionSwitcher | None:
        """The "‹ 2/3 ›" control; None until the message is known to have versions."""
        return self._switcher

    def set_versions(self, versions: Versions | None) -> None:
        """Show where this message stands among its versions (None: it has no other)."""
        if versions is None:
            if self._switcher is not None:
                self._switcher.hide()
            return
        if self._switcher is None:
            from desktop_chat.ui.messages.version_switcher import add_switcher  # only messages with versions need it

            self._switcher = add_switcher(self)
        self._switcher.set_versions(versions)
        self._switcher.show()

    @property
    def editor_box(self) -> InlineEditor:
        """The inline editor of a question (built on first use: inline_editor.py)."""
        if self._editor_box is None:
            from desktop_chat.ui.messages.inline_editor import InlineEditor  # only edits need it

            box = InlineEditor(self)
            box.hide()
            box.cancelled.connect(self.cancel_edit)
            box.resendRequested.connect(self._resend)
            self._editor_slot.addWidget(box)
            self._editor_box = box
        return self._editor_box

    @property
    def editor(self) -> QPlainTextEdit:
        return self.editor_box.editor

    @property
    def cancel_edit_button(self) -> QPushButton:
        return self.editor_box.cancel_button

    @property
    def resend_button(self) -> QPushButton:
        return self.editor_box.resend_button

    @property
    def notice_label(self) -> QLabel:
        if self._notice_label is None:
            self._notice_label = notice_label(self, self._notice_slot)
            self._retranslate_notice()
            self._apply_palette()
        return self._notice_label

    @property
    def error_card(self) -> AnswerError:
        """A failed answer's card (built on first use: answer_error.py)."""
        if self._error_card is None:
            from desktop_chat.ui.messages.answer_error import AnswerError  # only failed answers need it

            card = AnswerError(self)
            card.hide()
            card.linkActivated.connect(self.linkActivated)
            card.retryClicked.connect(lambda: self.retryClicked.emit(self.message_id))
            card.actionClicked.connect(lambda action: self.errorActionClicked.emit(self.message_id, action))
            self._error_slot.addWidget(card)
            self._error_card = card
        return self._error_card

    @property
    def error_label(self) -> QLabel:
        return self.error_card.label

    @property
    def retry_button(self) -> QPushButton:
        return self.error_card.retry_button

    @property
    def error_action_button(self) -> QPushButton:
        return self.error_card.action_button

    @property
    def error_action(self) -> ErrorAction:
        """The fix offered on the error card (stored with the answer)."""
        return self._error_card.action if self._error_card is not None else ErrorAction.NONE

    @property
    def card_buttons(self) -> QHBoxLayout:
        return self.error_card.buttons

    @property
    def continue_button(self) -> QPushButton:
        if self._continue_button is None:
            self._continue_button = button = QPushButton(self)
            button.setObjectName("continueButton")
            button.clicked.connect(lambda: self.continueClicked.emit(self.message_id))
            button.hide()
            self.continue_row.insertWidget(0, button)
            self._continue_in_card = False
            self._retranslate_continue()
        return self._continue_button

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        elif event.type() == QEvent.Type.LanguageChange:
            self.retranslate()

    def _apply_palette(self) -> None:
        """Muted text for secondary labels, from this widget's (inherited) palette."""
        palette = self.palette()
        muted = muted_text(palette)
        for label in (self.time_label, self.footer_label, self._notice_label):
            if label is None:
                continue
            label_palette = QPalette(palette)
            # the foreground role follows the container's Base background: Text, not WindowText
            label_palette.setColor(QPalette.ColorRole.WindowText, muted)
            label_palette.setColor(QPalette.ColorRole.Text, muted)
            label.setPalette(label_palette)

    # -- hover and size --------------------------------------------------------------------------

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self.action_bar.set_hovered(True)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self.action_bar.set_hovered(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_bubble()
        if not self.is_user:
            self._place_footer()

    def _place_footer(self) -> None:
        self._footer_beside = footer_beside(self, self._footer_beside)

    def _fit_bubble(self) -> None:
        """A question's bubble is as wide as its longest line, at most BUBBLE_SHARE of the column."""
        if self._bubble is None or self.width() <= 0:
            return
        text = self._message.text
        if self._natural_width is None or self._natural_width[0] != text:
            margin = int(self.body.document().documentMargin())
            widest = natural_width(text, self.body.fontMetrics(), int(self.width() * BUBBLE_SHARE), margin)
            self._natural_width = (text, widest)
        width = bubble_width(self.width(), self._natural_width[1])
        if self._bubble.width() != width or self._bubble.minimumWidth() != width:
            self._bubble.setFixedWidth(width)

    def retranslate(self) -> None:
        self._translate_texts()
        self._update_chrome()

    def _translate_texts(self) -> None:
        self.role_label.setText(self.tr("You") if self.is_user else self.tr("Assistant"))
        self.setAccessibleName(
            self.tr("Your message") if self.is_user else self.tr("Answer from the assistant")
        )
        for button, text, name in (
            (self.copy_button, self.tr("Copy"), self.tr("Copy message")),
            (self.edit_button, self.tr("Edit"), self.tr("Edit and resend")),
            (self.regenerate_button, self.tr("Regenerate"), self.tr("Regenerate answer")),
            (self.fork_button, self.tr("Fork"), self.tr("Continue in a new conversation")),
            (self.delete_button, self.tr("Delete"), self.tr("Delete message")),
        ):
            button.setText(text)
            button.setAccessibleName(name)
            button.setToolTip(name)
        if self._editor_box is not None:
            self._editor_box.retranslate()
        if self._error_card is not None:
            self._error_card.retranslate()
        if self._continue_button is not None:
            self._retranslate_continue()
        if self._notice_label is not None:
            self._retranslate_notice()
        self.footer_label.setAccessibleName(self.tr("Answer details"))
        self.action_bar.setAccessibleName(self.tr("Message actions"))
        self.time_label.setAccessibleName(self.tr("Sent"))

    def _retranslate_continue(self) -> None:
        self.continue_button.setText(self.tr("Continue"))
        self.continue_button.setAccessibleName(self.tr("Continue answer"))
        self.continue_button.setToolTip(self.tr("Ask the model to continue from where it stopped"))

    def _retranslate_notice(self) -> None:
        self.notice_label.setAccessibleName(self.tr("Notice"))

    # -- state -------------------------------------------------------------------------------------

    @property
    def message(self) -> Message:
        return self._message

    @property
    def message_id(self) -> str:
        return self._message.id

    @property
    def is_user(self) -> bool:
        return self._message.role == "user"

    @property
    def editing(self) -> bool:
        return self._editor_box is not None and not self._editor_box.isHidden()

    def current_text(self) -> str:
        """The message text including what has streamed in since the last update."""
        streamed = self.body.stream_text
        return streamed if streamed is not None else self._message.text

    def update_message(self, message: Message) -> None:
        """Show a new state of the message; re-render the text only when it changed."""
        self._message = message
        if message.attachments and not self.is_user:  # its "[n]" link to its references (sources_view.py)
            delivery = message.delivery
            self.body.citations = len(delivery.sources) if delivery is not None else 0
        if self.is_user:
            if self._rendered != (message.text, message.status):
                self.body.set_plain(message.text)
                self._rendered = (message.text, message.status)
        elif message.status == MessageStatus.STREAMING:
            self._rendered = None
            streamed = self.body.stream_text
            if streamed is None or not (
                streamed.startswith(message.text) or message.text.startswith(streamed)
            ):
                self.body.begin_stream(message.text)
            elif len(message.text) > len(streamed):
                self.body.append(message.text[len(streamed):])
            # else: we already have more than the update carries (it was saved a moment ago)
        elif self.body.streaming and self.body.stream_text == message.text:
            self.body.finish_stream()  # what streamed is the answer: no second full render
            self._rendered = (message.text, message.status)
        elif self._rendered != (message.text, message.status) or self.body.streaming:
            if self._prerendered is not None and not self.body.streaming and not self.body.citations:
                # (a snapshot is rendered without the answer's citation links: those render anew)
                self.body.set_rendered(self._prerendered)  # the same text, rendered at the last shutdown
            else:
                self.body.set_markdown(message.text)  # final text differs from the stream: render in full
            self._rendered = (message.text, message.status)
        self._prerendered = None  # only ever for the first state shown
        thinking_hooks.show_stored(self, message)  # the reasoning above the answer, if any
        self._update_chrome()
        self._fit_bubble()

    def append_text(self, text: str) -> None:
        thinking_hooks.answer_started(self)  # the reasoning folds when the answer starts
        if not self.body.streaming:
            self._rendered = None
            self.body.begin_stream(self._message.text)
        self.body.append(text)

    def set_renderer(self, renderer: MarkdownRenderer) -> None:
        """A new theme: render again with it."""
        self.body.set_renderer(renderer)
        streamed = self.body.stream_text
        if streamed is not None:
            self.body.begin_stream(streamed)
        else:
            self._rendered = None
            self.update_message(self._message)

    def set_notice(self, text: str | None) -> None:
        if not text and self._notice_label is None:
            return
        self.notice_label.setText(card_text.plain(text or ""))  # plain text: `code` without its backticks
        self.notice_label.setVisible(bool(text))

    # -- chrome ------------------------------------------------------------------------------------

    def _update_chrome(self) -> None:
        message = self._message
        status = message.status
        streaming = status == MessageStatus.STREAMING
        has_text = bool(self.current_text().strip())
        self.edit_button.setVisible(self.is_user and not self.editing)
        self.regenerate_button.setVisible(not self.is_user)
        self.regenerate_button.setEnabled(not streaming)
        self.delete_button.setEnabled(not streaming)
        self.fork_button.setEnabled(not streaming)
        self.copy_button.setEnabled(has_text or streaming)

        badge = {
            MessageStatus.STOPPED: ("stopped", self.tr("Stopped")),
            MessageStatus.INTERRUPTED: ("stopped", self.tr("Interrupted")),
            MessageStatus.ERROR: ("error", self.tr("Error")),
            MessageStatus.STREAMING: ("streaming", self.tr("Generating…")),
        }.get(status) if not self.is_user else None
        if badge:
            self.status_badge.kind = badge[0]
            self.status_badge.setText(badge[1])
            self.status_badge.setAccessibleName(self.tr("Status: {status}").format(status=badge[1]))
            self.status_badge.update()

        self.status_badge.setVisible(badge is not None)
        is_error = status == MessageStatus.ERROR and not self.is_user
        if is_error:
            self.error_card.show_error(message)
        if self._error_card is not None:
            self._error_card.setVisible(is_error)
        self.body.setVisible(not self.editing and (has_text or streaming or self.is_user))
        if self._bubble is not None:
            self._bubble.setVisible(not self.editing)
        self.action_bar.setVisible(not self.editing)

        can_continue = not self.is_user and status in _CONTINUABLE and has_text
        if self._continue_button is not None or can_continue:  # else: built when first needed
            if is_error != self._continue_in_card:
                source, target, index = (
                    (self.continue_row, self.card_buttons, 1) if is_error
                    else (self.card_buttons, self.continue_row, 0)
                )
                source.removeWidget(self.continue_button)
                target.insertWidget(index, self.continue_button)
                self._continue_in_card = is_error
            self.continue_button.setVisible(can_continue)

        self._update_time()
        footer = meta_text(self._message)
        self.footer_label.setText(footer)
        self.footer_label.setVisible(bool(footer))

    def _update_time(self) -> None:
        if self._message.created_at <= 0:
            self.time_label.hide()
            return
        self.time_label.show_time(QDateTime.fromMSecsSinceEpoch(int(self._message.created_at * 1000)))
        self.time_label.show()

    def refresh_time(self, now: QDateTime | None = None) -> None:
        """Say again how long ago the message was written ("just now" → "1 min ago")."""
        self.time_label.refresh(now)

    # -- actions -----------------------------------------------------------------------------------

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.current_text())
        self.action_bar.flash(self.copy_button, "copied", self.tr("Copied"), self.tr("Copy message"))

    def start_edit(self) -> None:
        if not self.is_user:
            return
        self.body.hide()
        if self._bubble is not None:
            self._bubble.hide()
        self.editor_box.start(self._message.text)
        self._update_chrome()

    def cancel_edit(self) -> None:
        if self._editor_box is not None:
            self._editor_box.hide()
        self.body.show()
        if self._bubble is not None:
            self._bubble.show()
        self._update_chrome()

    def _resend(self, text: str) -> None:
        if not self.editing:
            return
        self.cancel_edit()
        self.editResendClicked.emit(self.message_id, text)
