"""One message in the conversation: role, rendered text, actions, status, error card, metrics.

The rarely used parts (the inline editor, the error card, the Continue button, the notice) are
built the first time they are needed: reopening a conversation builds a widget per message, and
building them all up front was most of the cost of a widget (≈ 3 ms each here). Each has a slot
(an empty layout) at its place in the widget, so it appears where it always did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QEvent, QLocale, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.domain.errors import ErrorAction, stored_action
from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.common import error_card as card_text
from desktop_chat.ui.common.error_text import localized_message_error
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer
from desktop_chat.ui.messages.message_body import MessageBody
from desktop_chat.ui.messages.render_snapshot import RenderedBody

if TYPE_CHECKING:
    from desktop_chat.chat.versions import Versions
    from desktop_chat.ui.messages.version_switcher import VersionSwitcher

__all__ = ["MessageWidget"]

_CONTINUABLE = (MessageStatus.STOPPED, MessageStatus.INTERRUPTED, MessageStatus.ERROR)


_RED = QColor(220, 53, 69)
_AMBER = QColor(230, 150, 20)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """a blended towards b by t (0..1)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def card_colors(palette: QPalette, kind: str) -> tuple[QColor | None, QColor | None]:
    """(fill, border) for a rounded card or badge of `kind`, derived from the palette.

    No style sheets: a style sheet on an ancestor makes Qt take the application palette instead
    of the inherited one, and the colours below must follow whatever palette the widget has.
    """
    base = palette.color(QPalette.ColorRole.Base)
    highlight = palette.color(QPalette.ColorRole.Highlight)
    dark = _is_dark(palette)
    if kind == "user":
        return mix(base, highlight, 0.16 if dark else 0.09), None
    if kind == "error":
        return mix(base, _RED, 0.18 if dark else 0.08), mix(base, _RED, 0.7 if dark else 0.55)
    if kind == "badge-error":
        return mix(base, _RED, 0.35 if dark else 0.18), None
    if kind == "badge-stopped":
        return mix(base, _AMBER, 0.35 if dark else 0.22), None
    if kind == "badge-streaming":
        return mix(base, highlight, 0.3 if dark else 0.15), None
    return None, None


def _paint_card(widget: QWidget, kind: str, radius: float) -> None:
    fill, border = card_colors(widget.palette(), kind)
    if fill is None:
        return
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(border, 1) if border is not None else Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.end()


class _Card(QFrame):
    """A frame with a rounded, palette-derived background."""

    def __init__(self, kind: str, radius: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._radius = radius

    def paintEvent(self, event: QPaintEvent) -> None:
        _paint_card(self, self.kind, self._radius)
        super().paintEvent(event)


class _Badge(QLabel):
    """A small rounded status label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        self.setContentsMargins(7, 1, 7, 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        _paint_card(self, "badge-" + self.kind, 6)
        super().paintEvent(event)


class _TimeLabel(QLabel):
    """When the message was written, with the long form (date, time and zone) as its tooltip.
    The long form is made when the tooltip is first wanted: QLocale's LongFormat costs ≈ 0.3 ms
    (the time zone's name), once per message shown and again at every update of an answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._when: QDateTime | None = None

    def show_time(self, when: QDateTime, text: str) -> None:
        self._when = when
        self.setText(text)
        self.setToolTip("")

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._when is not None and not self.toolTip():
            self.setToolTip(QLocale().toString(self._when, QLocale.FormatType.LongFormat))
        return super().event(event)


class MessageWidget(_Card):
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

    def __init__(self, message: Message, renderer: MarkdownRenderer, parent: QWidget | None = None, *,
                 rendered: RenderedBody | None = None):
        """`rendered`: the body's HTML made earlier for this very message (render_snapshot.py)."""
        super().__init__("user" if message.role == "user" else "", 10, parent)
        self._message = message
        self._prerendered = rendered
        self._rendered: tuple[str, MessageStatus] | None = None  # what the body shows, when final
        self._continue_in_card = False
        self._editor_box: QWidget | None = None
        self._error_card: _Card | None = None
        self._continue_button: QPushButton | None = None
        self._notice_label: QLabel | None = None
        self._error_action = ErrorAction.NONE
        self._switcher: VersionSwitcher | None = None
        self.setObjectName(f"message-{message.id}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._build(renderer)
        self.update_message(message)

    # -- construction ----------------------------------------------------------------------------

    def _build(self, renderer: MarkdownRenderer) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)

        header = QHBoxLayout()
        header.setSpacing(8)
        self.role_label = QLabel(self)
        self.role_label.setObjectName("roleLabel")
        font = self.role_label.font()
        font.setBold(True)
        self.role_label.setFont(font)
        self.time_label = _TimeLabel(self)
        self.time_label.setObjectName("timeLabel")
        self.status_badge = _Badge(self)
        self.status_badge.setObjectName("statusBadge")
        self.status_badge.hide()
        header.addWidget(self.role_label)
        header.addWidget(self.time_label)
        header.addWidget(self.status_badge)
        header.addStretch(1)
        self._header = header

        self.copy_button = self._tool_button("copyButton")
        self.copy_button.clicked.connect(self._copy)
        self.edit_button = self._tool_button("editButton")
        self.edit_button.clicked.connect(self.start_edit)
        self.regenerate_button = self._tool_button("regenerateButton")
        self.regenerate_button.clicked.connect(lambda: self.regenerateClicked.emit(self.message_id))
        self.delete_button = self._tool_button("deleteButton")
        self.delete_button.clicked.connect(lambda: self.deleteClicked.emit(self.message_id))
        self.fork_button = self._tool_button("forkButton")
        self.fork_button.clicked.connect(lambda: self.forkClicked.emit(self.message_id))
        for button in (self.copy_button, self.edit_button, self.regenerate_button, self.fork_button,
                       self.delete_button):
            header.addWidget(button)
        layout.addLayout(header)

        # Documents on a question, how they were sent and the sources on an answer (sources_view.py).
        self.extras = QVBoxLayout()
        self.extras.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.extras)

        self.body = MessageBody(renderer, self)
        self.body.linkActivated.connect(self.linkActivated)
        layout.addWidget(self.body)
        # An answer's references and how its documents were sent, under its text (sources_view.py).
        self.references = QVBoxLayout()
        self.references.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.references)

        # Slots for the parts built on first use, in the order they appear.
        self._layout = layout
        self._editor_slot = self._slot(layout)
        self._notice_slot = self._slot(layout)
        self._error_slot = self._slot(layout)
        # Continue sits in the error card for errors, in this row for stopped/interrupted answers.
        self.continue_row = QHBoxLayout()
        self.continue_row.addStretch(1)
        layout.addLayout(self.continue_row)

        self.footer_label = QLabel(self)
        self.footer_label.setObjectName("footerLabel")
        self.footer_label.setWordWrap(True)
        self.footer_label.hide()
        layout.addWidget(self.footer_label)
        self._translate_texts()  # the chrome follows in update_message
        self._apply_palette()

    @staticmethod
    def _slot(layout: QVBoxLayout) -> QVBoxLayout:
        slot = QVBoxLayout()
        slot.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(slot)
        return slot

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
            from desktop_chat.ui.messages.version_switcher import VersionSwitcher  # only messages with versions need it

            self._switcher = VersionSwitcher(self)
            self._switcher.versionChosen.connect(self.versionChosen)
            self._header.insertWidget(self._header.indexOf(self.status_badge) + 1, self._switcher)
        self._switcher.set_versions(versions)
        self._switcher.show()

    @property
    def editor_box(self) -> QWidget:
        if self._editor_box is None:
            self._build_editor()
        assert self._editor_box is not None
        return self._editor_box

    @property
    def editor(self) -> QPlainTextEdit:
        self.editor_box  # noqa: B018 - built on first use
        return self._editor

    @property
    def cancel_edit_button(self) -> QPushButton:
        self.editor_box  # noqa: B018
        return self._cancel_edit_button

    @property
    def resend_button(self) -> QPushButton:
        self.editor_box  # noqa: B018
        return self._resend_button

    def _build_editor(self) -> None:
        box = QWidget(self)
        box.setObjectName("editorBox")
        editor_layout = QVBoxLayout(box)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor = QPlainTextEdit(box)
        editor.setObjectName("messageEditor")
        editor.setMinimumHeight(90)
        editor.textChanged.connect(self._update_resend_enabled)
        editor_buttons = QHBoxLayout()
        editor_buttons.addStretch(1)
        cancel = QPushButton(box)
        cancel.setObjectName("cancelEditButton")
        cancel.clicked.connect(self.cancel_edit)
        resend = QPushButton(box)
        resend.setObjectName("resendButton")
        resend.setDefault(True)
        resend.clicked.connect(self._resend)
        editor_buttons.addWidget(cancel)
        editor_buttons.addWidget(resend)
        self._editor, self._cancel_edit_button, self._resend_button = editor, cancel, resend
        editor_layout.addWidget(editor)
        editor_layout.addLayout(editor_buttons)
        resend_shortcut = QShortcut(QKeySequence("Ctrl+Return"), editor)
        resend_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        resend_shortcut.activated.connect(self._resend)
        cancel_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), editor)
        cancel_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        cancel_shortcut.activated.connect(self.cancel_edit)
        box.hide()
        self._editor_slot.addWidget(box)
        self._editor_box = box
        self._retranslate_editor()

    @property
    def notice_label(self) -> QLabel:
        if self._notice_label is None:
            self._notice_label = label = QLabel(self)
            label.setObjectName("noticeLabel")
            label.setWordWrap(True)
            notice_font = label.font()
            notice_font.setItalic(True)
            label.setFont(notice_font)
            label.hide()
            self._notice_slot.addWidget(label)
            self._retranslate_notice()
            self._apply_palette()
        return self._notice_label

    @property
    def error_card(self) -> QWidget:
        if self._error_card is None:
            self._build_error_card()
        assert self._error_card is not None
        return self._error_card

    @property
    def error_label(self) -> QLabel:
        self.error_card  # noqa: B018 - built on first use
        return self._error_label

    @property
    def retry_button(self) -> QPushButton:
        self.error_card  # noqa: B018
        return self._retry_button

    @property
    def error_action_button(self) -> QPushButton:
        self.error_card  # noqa: B018
        return self._error_action_button

    @property
    def error_action(self) -> ErrorAction:
        """The fix offered on the error card (stored with the answer)."""
        return self._error_action

    @property
    def card_buttons(self) -> QHBoxLayout:
        self.error_card  # noqa: B018 - built on first use
        return self._card_buttons

    def _build_error_card(self) -> None:
        card = _Card("error", 8, self)
        card.setObjectName("errorCard")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(12, 10, 12, 10)
        card_layout.setSpacing(8)
        error_label = card_text.error_label("errorLabel", card)
        error_label.linkActivated.connect(lambda url: self.linkActivated.emit(QUrl(url)))
        card_layout.addWidget(error_label)
        hint = card_text.error_label("errorHint", card)
        hint.linkActivated.connect(lambda url: self.linkActivated.emit(QUrl(url)))
        hint.hide()
        card_layout.addWidget(hint)
        self._card_buttons = QHBoxLayout()
        self._card_buttons.addStretch(1)
        # The fix the engine chose for this error (error_card.py words it); Retry stays beside it.
        action = QPushButton(card)
        action.setObjectName("errorActionButton")
        action.clicked.connect(lambda: self.errorActionClicked.emit(self.message_id, self._error_action.value))
        action.hide()
        self._card_buttons.addWidget(action)
        retry = QPushButton(card)
        retry.setObjectName("retryButton")
        retry.clicked.connect(lambda: self.retryClicked.emit(self.message_id))
        self._card_buttons.addWidget(retry)
        card_layout.addLayout(self._card_buttons)
        card.hide()
        self._error_slot.addWidget(card)
        self._error_card, self._error_label, self._retry_button = card, error_label, retry
        self._error_hint, self._error_action_button = hint, action
        self._retranslate_error_card()

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
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = mix(text, palette.color(QPalette.ColorRole.Base), 0.4)
        for label in (self.time_label, self.footer_label, self._notice_label):
            if label is None:
                continue
            label_palette = QPalette(palette)
            # the foreground role follows the container's Base background: Text, not WindowText
            label_palette.setColor(QPalette.ColorRole.WindowText, muted)
            label_palette.setColor(QPalette.ColorRole.Text, muted)
            label.setPalette(label_palette)

    def _tool_button(self, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

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
            self._retranslate_editor()
        if self._error_card is not None:
            self._retranslate_error_card()
        if self._continue_button is not None:
            self._retranslate_continue()
        if self._notice_label is not None:
            self._retranslate_notice()
        self.footer_label.setAccessibleName(self.tr("Answer details"))

    def _retranslate_editor(self) -> None:
        self.editor.setAccessibleName(self.tr("Edit message"))
        self.resend_button.setText(self.tr("Resend"))
        self.resend_button.setAccessibleName(self.tr("Resend edited message"))
        self.resend_button.setToolTip(self.tr("Resend edited message (Ctrl+Enter)"))
        self.cancel_edit_button.setText(self.tr("Cancel"))
        self.cancel_edit_button.setAccessibleName(self.tr("Cancel editing"))
        self.cancel_edit_button.setToolTip(self.tr("Cancel editing (Esc)"))

    def _retranslate_error_card(self) -> None:
        self.retry_button.setText(self.tr("Retry"))
        self.retry_button.setAccessibleName(self.tr("Retry"))
        self.retry_button.setToolTip(self.tr("Send the request again"))
        self.error_card.setAccessibleName(self.tr("Error"))
        self._show_error_action()

    def _show_error_action(self) -> None:
        """The action button and hint for the error shown (their words follow the language)."""
        action = self._error_action
        params = (self._message.error_text or {}).get("params")
        provider = params.get("provider") if isinstance(params, dict) else None
        text, tip = card_text.action_button_text(action, provider if isinstance(provider, str) else "")
        button = self._error_action_button
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text or self.tr("Fix the problem"))
        button.setVisible(card_text.has_button(action))
        hint = card_text.action_hint(action)
        self._error_hint.setText(hint)
        self._error_hint.setVisible(bool(hint))

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
            if self._prerendered is not None and not self.body.streaming:
                self.body.set_rendered(self._prerendered)  # the same text, rendered at the last shutdown
            else:
                self.body.set_markdown(message.text)  # final text differs from the stream: render in full
            self._rendered = (message.text, message.status)
        self._prerendered = None  # only ever for the first state shown
        self._update_chrome()

    def append_text(self, text: str) -> None:
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
            self.error_label.setText(card_text.error_html(
                localized_message_error(message) or self.tr("The request failed.")))
            self._error_action = stored_action(message.error_text)
            self._show_error_action()
        if self._error_card is not None:
            self._error_card.setVisible(is_error)
        self.body.setVisible(not self.editing and (has_text or streaming or self.is_user))

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
        footer = self._footer_text()
        self.footer_label.setText(footer)
        self.footer_label.setVisible(bool(footer))

    def _update_time(self) -> None:
        if self._message.created_at <= 0:
            self.time_label.hide()
            return
        when = QDateTime.fromMSecsSinceEpoch(int(self._message.created_at * 1000))
        locale = QLocale()
        if locale.language() == QLocale.Language.C:  # no real locale (CI): ISO is readable
            shown = when.toString("yyyy-MM-dd HH:mm")
        elif when.date() == QDateTime.currentDateTime().date():
            shown = locale.toString(when.time(), QLocale.FormatType.ShortFormat)
        else:
            shown = locale.toString(when, QLocale.FormatType.ShortFormat)
        self.time_label.show_time(when, shown)
        self.time_label.show()

    def _footer_text(self) -> str:
        message = self._message
        locale = QLocale()
        parts: list[str] = []
        if self.is_user:
            names = [
                str(a.get("name") or a.get("filename") or a.get("path") or "")
                for a in message.attachments
                if a.get("type") != "document"  # documents show as chips above the text
            ]
            names = [n for n in names if n]
            if names:
                parts.append(self.tr("Attached: {names}").format(names=", ".join(names)))
            return " · ".join(parts)
        if message.model:
            parts.append(message.model)
        if message.ttft_ms is not None:
            seconds = locale.toString(message.ttft_ms / 1000.0, "f", 2)
            parts.append(self.tr("first token {seconds} s").format(seconds=seconds))
        rate = _tokens_per_second(message)
        if rate is not None:
            parts.append(self.tr("{rate} tok/s").format(rate=locale.toString(rate, "f", 1)))
        if message.input_tokens is not None:
            parts.append(self.tr("{count} in").format(count=locale.toString(message.input_tokens)))
        if message.output_tokens is not None:
            parts.append(self.tr("{count} out").format(count=locale.toString(message.output_tokens)))
        return " · ".join(parts)

    # -- actions -----------------------------------------------------------------------------------

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.current_text())
        self.copy_button.setText(self.tr("Copied"))
        QTimer.singleShot(1500, self, lambda: self.copy_button.setText(self.tr("Copy")))

    def start_edit(self) -> None:
        if not self.is_user:
            return
        self.editor.setPlainText(self._message.text)
        self.body.hide()
        self.editor_box.show()
        self._update_chrome()
        self.editor.setFocus()
        self.editor.moveCursor(QTextCursor.MoveOperation.End)

    def cancel_edit(self) -> None:
        if self._editor_box is not None:
            self._editor_box.hide()
        self.body.show()
        self._update_chrome()

    def _update_resend_enabled(self) -> None:
        self.resend_button.setEnabled(bool(self.editor.toPlainText().strip()))

    def _resend(self) -> None:
        text = self.editor.toPlainText()
        if not text.strip() or not self.editing:
            return
        self.cancel_edit()
        self.editResendClicked.emit(self.message_id, text)


def _tokens_per_second(message: Message) -> float | None:
    """Output tokens over generation time (duration minus time to first token)."""
    if not message.output_tokens or message.duration_ms is None:
        return None
    generating_ms = message.duration_ms - (message.ttft_ms or 0.0)
    if generating_ms <= 0:
        return None
    return message.output_tokens / (generating_ms / 1000.0)
