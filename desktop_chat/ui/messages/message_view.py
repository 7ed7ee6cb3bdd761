"""MessageView: one conversation's messages, newest at the bottom (contract: docs/ui-contracts.md).

Design
- One MessageWidget per message in a QScrollArea. The caller hands over one page of messages at a
  time (set_messages / prepend_messages), so the number of live widgets stays bounded; widgets keep
  selection, inline editing and per-message buttons simple, which a delegate-painted list view
  would not.
- Opening a conversation builds widgets for the newest INITIAL_WIDGETS messages of the page only
  (a screenful or more); the older ones of the page are held as data and built HELD_BATCH at a
  time as the user scrolls towards them, or at once while the view is not full. A widget with its
  rendered markdown costs ≈ 2.5 ms, and reopening the last conversation is part of every start.
- Streaming never re-renders on the token: append_text only appends to the message's buffer and
  arms one single-shot timer. Each frame renders what arrived for the streaming message(s) only:
  finished markdown blocks once, then the unfinished tail (message_body.py). A frame that had to
  render a large burst spends at most FRAME_BUDGET_S on finished blocks and then yields to the
  event loop; the period between frames grows with the time a frame took (at most half of the
  time is spent rendering), so even an expensive tail (a huge open code block) cannot freeze input.
- Scrolling: while the user is at the bottom the view follows the stream; scrolling up stops
  following until they come back to the bottom (or click the floating "scroll to the newest"
  button, newest_button.py, shown meanwhile). Prepending keeps the message the user was looking
  at at the same place on screen. Reaching the top while older messages exist asks for them once.
- A conversation without messages shows the greeting and starting points (empty_state.py) instead.
- Relative times ("5 min ago") are refreshed every relative_time.REFRESH_MS while the view shows.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QHideEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QVBoxLayout, QWidget

from desktop_chat.domain.messages import Delivery, Message, MessageStatus
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer, is_openable_link, theme_from_palette
from desktop_chat.ui.messages import thinking_block
from desktop_chat.ui.messages.message_widget import MessageWidget
from desktop_chat.ui.messages.relative_time import REFRESH_MS
from desktop_chat.ui.messages.render_snapshot import RenderedBody, message_key, renderer_key

if TYPE_CHECKING:
    from desktop_chat.chat.versions import Versions
    from desktop_chat.ui.messages.empty_state import EmptyState
    from desktop_chat.ui.messages.newest_button import NewestButton

__all__ = ["MessageView"]

log = logging.getLogger(__name__)

FRAME_MS = 16  # at most one render per frame at 60 Hz
# While text pours in faster than anyone reads (BURST_CHARS_PER_S: a fast local model, a backlog
# after a stall), frames come at most every BURST_FRAME_MS. A frame costs about the same however
# much text it adds (≈ 10 ms here: the view repaints the visible text, the other widgets and the
# scroll bar), so fewer frames leave more time to read the stream.
BURST_CHARS_PER_S = 3000  # ≈ 750 tokens a second; a model's usual 20-200 get every frame
BURST_FRAME_MS = 50
MAX_FRAME_GAP_MS = 250
FRAME_BUDGET_S = 0.008  # finished blocks rendered per frame before yielding to the event loop
BOTTOM_SLACK_PX = 24  # "at the bottom" tolerance, so a one-pixel rounding does not stop following
MAX_CONTENT_WIDTH = 960  # long lines are hard to read on wide windows
INITIAL_WIDGETS = 8  # messages built when a conversation opens (the rest of the page is held)
HELD_BATCH = 10  # held messages built at a time, when the user scrolls near them
_SIDE_MARGIN = 16


class MessageView(QWidget):
    """Shows one conversation; see the module docstring and docs/ui-contracts.md."""

    regenerateRequested = Signal(str)
    editResendRequested = Signal(str, str)
    deleteRequested = Signal(str)
    forkRequested = Signal(str)  # a message id: continue in a new conversation from there
    retryRequested = Signal(str)
    continueRequested = Signal(str)
    errorActionRequested = Signal(str, str)  # message id, ErrorAction value (an error card's fix)
    versionRequested = Signal(str)  # the id of a message's other version, to show its branch
    olderMessagesWanted = Signal()
    sourceActivated = Signal(object)  # SourceRef: a source (or an attached document) was clicked
    starterChosen = Signal(str)  # a new conversation's starting point: text for the composer
    attachRequested = Signal()  # "Ask about a PDF" on a new conversation: the file dialog

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.setAccessibleName(self.tr("Messages"))
        self._open_url = open_url or QDesktopServices.openUrl
        self._widgets: dict[str, MessageWidget] = {}
        self._held: list[Message] = []  # older messages of the page, oldest first, not built yet
        self._versions: dict[str, Versions] = {}  # messages with versions: "‹ 2/3 ›", also for held ones
        self._snapshot: dict[str, RenderedBody] = {}  # bodies rendered at the last shutdown (use_snapshot)
        self._has_older = False
        self._older_requested = False
        self._follow = True
        self._anchor: tuple[MessageWidget, int] | None = None
        self._adjusting = False
        self._dirty: dict[str, MessageWidget] = {}
        self._next_frame_at = 0.0
        self._arrived = 0  # characters appended since the last frame
        self._last_frame_at = 0.0
        self.render_count = 0  # streaming frames rendered (all messages together)
        self._empty: EmptyState | None = None  # built when a conversation without messages shows
        self._newest: NewestButton | None = None  # built when the user first scrolls up

        self._theme = theme_from_palette(self.palette())
        self._renderer = MarkdownRenderer(self._theme)

        self._scroll = QScrollArea(self)
        self._scroll.setObjectName("messageScrollArea")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always on: a scroll bar that comes and goes changes the width, which re-wraps the text,
        # which changes the height, which may make the bar go again.
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # Our own viewport, as Qt makes it (Base, filled): PySide's first wrapper of a widget that
        # Qt made itself, as viewport() would return, builds every widget class of QtWidgets to
        # find its type (≈ 10 ms of the start-up).
        self._viewport = QWidget(self._scroll)
        self._viewport.setBackgroundRole(QPalette.ColorRole.Base)
        self._viewport.setAutoFillBackground(True)
        self._scroll.setViewport(self._viewport)
        self._container = QWidget()
        self._container.setObjectName("messageContainer")
        self._list = QVBoxLayout(self._container)
        self._list.setContentsMargins(_SIDE_MARGIN, 12, _SIDE_MARGIN, 16)
        self._list.setSpacing(12)
        self._list.addStretch(1)
        self._scroll.setWidget(self._container)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._scroll)
        self._outer = outer
        # The conversation reads like a document: Base, not Window, behind it.
        self._container.setBackgroundRole(QPalette.ColorRole.Base)
        self._container.setAutoFillBackground(True)

        bar = self._scroll.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_value_changed)
        self._viewport.installEventFilter(self)

        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.timeout.connect(self._render_frame)
        self._clock = QTimer(self)  # "just now" → "1 min ago"
        self._clock.setInterval(REFRESH_MS)
        self._clock.timeout.connect(self.refresh_times)

    # -- the contract ----------------------------------------------------------------------------

    def set_messages(self, messages: list[Message], *, has_older: bool) -> None:
        """Replace everything (another conversation); scroll to the bottom. The newest
        INITIAL_WIDGETS messages are built now, the others when the user scrolls up to them."""
        self._remove_widgets(list(self._widgets.values()))
        self._versions = {}
        split = max(0, len(messages) - INITIAL_WIDGETS)
        self._held = list(messages[:split])
        for message in messages[split:]:
            self._insert(self._count(), message)
        self._snapshot = {}  # for the first conversation shown only
        if self._held:
            QTimer.singleShot(0, self, self._fill_viewport)
        self._has_older = has_older
        self._older_requested = False
        self._anchor = None
        self._follow = True
        self._scroll_to_bottom()
        QTimer.singleShot(0, self, self._scroll_to_bottom_if_following)
        self._update_empty()

    def use_snapshot(self, bodies: dict[str, RenderedBody]) -> None:
        """Bodies rendered earlier (render_snapshot.py), by message_key: the next set_messages shows
        an unchanged answer from them instead of rendering it again."""
        self._snapshot = dict(bodies)

    def snapshot_key(self) -> str:
        """What this view's rendering depends on besides the text (render_snapshot.renderer_key)."""
        return renderer_key(self._renderer.theme, QCoreApplication.translate("MarkdownRenderer", "Copy"))

    @property
    def renderer(self) -> MarkdownRenderer:
        return self._renderer

    def snapshot_messages(self) -> list[Message]:
        """The answers a reopening would build first, for render_snapshot (rendered elsewhere)."""
        messages = [self._widgets[i].message for i in self.message_ids()[-INITIAL_WIDGETS:]]
        return [m for m in messages
                if m.role != "user" and m.status != MessageStatus.STREAMING and m.text.strip()]

    def prepend_messages(self, messages: list[Message], *, has_older: bool) -> None:
        """Insert an older page above; what the user was reading stays where it is on screen."""
        older, self._held = list(messages) + self._held, []  # (the window asks only once none are held)
        self._prepend(older)
        self._has_older = has_older
        self._older_requested = False

    def _prepend(self, messages: list[Message]) -> None:
        bar = self._scroll.verticalScrollBar()
        anchor = self._top_visible_widget()
        if anchor is not None and not self._follow:
            self._anchor = (anchor, anchor.y() - bar.value())
        for index, message in enumerate(m for m in messages if m.id not in self._widgets):
            self._insert(index, message)
        self._apply_anchor()

    def _build_held(self, count: int | None = None) -> None:
        """Build the newest `count` held messages (all of them by default) above the others."""
        if not self._held:
            return
        split = 0 if count is None else max(0, len(self._held) - count)
        batch, self._held = self._held[split:], self._held[:split]
        self._prepend(batch)

    def _held_index(self, message_id: str) -> int | None:
        return next((i for i, m in enumerate(self._held) if m.id == message_id), None)

    def _build_held_through(self, message_id: str) -> MessageWidget | None:
        """The widget of `message_id`, building it (and the held messages after it) if it is held."""
        index = self._held_index(message_id)
        if index is not None:
            self._build_held(len(self._held) - index)
        return self._widgets.get(message_id)

    def _fill_viewport(self) -> None:
        """Build held messages while the view has nothing to scroll (short messages), so that
        the older ones are there to scroll to. Runs once the view is on screen and laid out."""
        if not self._held or not self.isVisible():
            return
        bar = self._scroll.verticalScrollBar()
        while self._held:
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the range as it will be painted
            if bar.maximum() > bar.minimum():
                break
            self._build_held(HELD_BATCH)

    def add_message(self, message: Message) -> None:
        """Append a message (the user's, or a new streaming answer)."""
        if message.id in self._widgets:
            self.update_message(message)
            return
        widget = self._insert(self._count(), message)
        self._update_empty()
        if message.role == "user":  # the user just sent it: show it, and follow the answer
            self._follow = True
            self._anchor = None
            self._scroll_to_bottom()
        if widget.body.needs_frame():
            self._schedule(widget)

    def append_text(self, message_id: str, text: str) -> None:
        """A streaming delta: buffered, rendered at the next frame."""
        widget = self._widgets.get(message_id)
        if widget is None or not text:
            return
        widget.append_text(text)
        self._arrived += len(text)
        self._schedule(widget)

    def append_thinking(self, message_id: str, text: str) -> None:
        """Streaming reasoning: shown above the answer, once per frame (ui/messages/thinking_block.py)."""
        widget = self._widgets.get(message_id)
        if widget is not None and text:
            thinking_block.append(widget, text)

    def update_message(self, message: Message) -> None:
        """New state of a message: status, metrics, error, final text (rendered once, in full)."""
        widget = self._widgets.get(message.id)
        if widget is None:
            held = self._held_index(message.id)
            if held is not None:
                self._held[held] = message  # built with this state when the user gets there
            else:
                log.debug("update for a message not shown: %s", message.id)
            return
        widget.update_message(message)
        self._show_documents(widget, message)
        if widget.body.needs_frame():
            self._schedule(widget)
        else:
            self._dirty.pop(message.id, None)

    def remove_messages_from(self, seq: int) -> None:
        """Drop every message whose seq is >= seq (regenerate, edit)."""
        self._held = [m for m in self._held if m.seq < seq]
        self._remove_widgets([w for w in self._widgets.values() if w.message.seq >= seq])
        self._update_empty()

    def remove_messages_after(self, message_id: str | None) -> bool:
        """Drop every message after *message_id* (None: all of them), e.g. the rest of the old
        branch when an edit starts a new one; False (and nothing dropped) if it is not shown."""
        if message_id is None:
            self.remove_messages_from(0)
            return True
        widget = self._widgets.get(message_id)
        message = widget.message if widget is not None else next(
            (m for m in self._held if m.id == message_id), None)
        if message is None:
            return False
        self.remove_messages_from(message.seq + 1)
        return True

    def remove_message(self, message_id: str) -> None:
        self._held = [m for m in self._held if m.id != message_id]
        widget = self._widgets.get(message_id)
        if widget is not None:
            self._remove_widgets([widget])
        self._update_empty()

    def show_delivery(self, message_id: str, delivery: Delivery) -> None:
        """How the documents are being sent for an answer, and its sources (before its text)."""
        widget = self._build_held_through(message_id)
        if widget is not None:
            from desktop_chat.ui.messages.sources_view import show_delivery

            show_delivery(widget, delivery, self.sourceActivated.emit)

    def set_versions(self, versions: Mapping[str, Versions | None]) -> None:
        """Where messages stand among their versions (None: no other version); messages not
        built yet get it when they are."""
        for message_id, where in versions.items():
            if where is None:
                self._versions.pop(message_id, None)
            else:
                self._versions[message_id] = where
            widget = self._widgets.get(message_id)
            if widget is not None:
                widget.set_versions(where)

    def set_notice(self, message_id: str, text: str | None) -> None:
        widget = self._build_held_through(message_id)
        if widget is not None:
            widget.set_notice(text)

    def clear(self) -> None:
        self._remove_widgets(list(self._widgets.values()))
        self._held = []
        self._versions = {}
        self._has_older = False
        self._older_requested = False
        self._anchor = None
        self._follow = True
        self._update_empty()

    # -- for the window and for tests --------------------------------------------------------------

    def message_ids(self) -> list[str]:
        """Ids of the messages built, in display order, oldest first (see held_ids)."""
        ids = []
        for index in range(self._count()):
            item = self._list.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, MessageWidget):
                ids.append(widget.message_id)
        return ids

    def held_ids(self) -> list[str]:
        """Ids of the page's older messages not built yet (they come as the user scrolls up)."""
        return [m.id for m in self._held]

    def message_widget(self, message_id: str) -> MessageWidget | None:
        """The message's widget (built now if the message was held); None if it is not in the view."""
        return self._build_held_through(message_id)

    def scroll_bar(self) -> Any:
        return self._scroll.verticalScrollBar()

    @property
    def empty_state(self) -> EmptyState | None:
        """The greeting and starting points (None until a conversation without messages showed)."""
        return self._empty

    @property
    def newest_button(self) -> NewestButton | None:
        """The floating "scroll to the newest message" button (None until first needed)."""
        return self._newest

    def refresh_times(self, now: QDateTime | None = None) -> None:
        """Say again how long ago each message shown was written."""
        now = now or QDateTime.currentDateTime()
        for widget in self._widgets.values():
            widget.refresh_time(now)

    def scroll_to_newest(self) -> None:
        """Back to the bottom, following the answer again."""
        self._follow = True
        self._anchor = None
        self._scroll_to_bottom()
        self._update_newest()

    # -- empty state and the floating button -------------------------------------------------------

    def _update_empty(self) -> None:
        empty = not self._widgets and not self._held
        if empty and self._empty is None:
            if not self.isVisible():
                return  # built when shown (showEvent): not before the window's first frame
            from desktop_chat.ui.messages.empty_state import EmptyState

            self._empty = EmptyState(self)
            self._empty.starterChosen.connect(self.starterChosen)
            self._empty.attachRequested.connect(self.attachRequested)
            self._outer.addWidget(self._empty)
        if self._empty is not None:
            if empty:
                self._empty.show()
            else:  # gone, not hidden: a conversation's widgets are all there is to read
                self._outer.removeWidget(self._empty)
                self._empty.hide()
                self._empty.deleteLater()
                self._empty = None
        self._scroll.setVisible(not empty)
        if empty:
            self._update_newest()

    def _update_newest(self) -> None:
        bar = self._scroll.verticalScrollBar()
        wanted = (not self._follow and self._scroll.isVisible()
                  and bar.maximum() - bar.value() > BOTTOM_SLACK_PX)
        if wanted and self._newest is None:
            from desktop_chat.ui.messages.newest_button import NewestButton

            self._newest = NewestButton(self)
            self._newest.clicked.connect(self.scroll_to_newest)
        if self._newest is None:
            return
        if wanted and self._newest.isHidden():
            self._newest.show_icon()
            self._newest.place(self._scroll)
            self._newest.show()
        elif not wanted and not self._newest.isHidden():
            self._newest.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._newest is not None:
            self._newest.place(self._scroll)

    @property
    def following(self) -> bool:
        """True while the view sticks to the bottom (the user has not scrolled up)."""
        return self._follow

    def has_pending_render(self) -> bool:
        return bool(self._dirty) or self._frame_timer.isActive()

    def handle_link(self, url: QUrl) -> bool:
        """Open a clicked link in the system browser if it is http(s)/mailto; ignore anything else."""
        if not is_openable_link(url):
            log.info("ignored a link with scheme %r", url.scheme())
            return False
        self._open_url(url)
        return True

    # -- widgets -----------------------------------------------------------------------------------

    def _count(self) -> int:
        return self._list.count() - 1  # the trailing stretch

    def _insert(self, index: int, message: Message) -> MessageWidget:
        rendered = self._snapshot.pop(message_key(message), None) if self._snapshot else None
        widget = MessageWidget(message, self._renderer, self._container, rendered=rendered)
        widget.regenerateClicked.connect(self.regenerateRequested)
        widget.editResendClicked.connect(self.editResendRequested)
        widget.deleteClicked.connect(self.deleteRequested)
        widget.forkClicked.connect(self.forkRequested)
        widget.retryClicked.connect(self.retryRequested)
        widget.continueClicked.connect(self.continueRequested)
        widget.errorActionClicked.connect(self.errorActionRequested)
        widget.versionChosen.connect(self.versionRequested)
        if message.id in self._versions:
            widget.set_versions(self._versions[message.id])
        widget.linkActivated.connect(self.handle_link)
        widget.body.renderWanted.connect(functools.partial(self._frame_wanted, message.id))
        self._show_documents(widget, message)
        self._list.insertWidget(index, widget)
        if self._container.isVisible():
            widget.show()  # now, not at the layout's next turn: callers may ask isVisible()
        self._widgets[message.id] = widget
        if widget.body.needs_frame():
            self._schedule(widget)
        return widget

    def _show_documents(self, widget: MessageWidget, message: Message) -> None:
        if message.attachments:  # (the sources' widgets are imported on first use: start-up)
            from desktop_chat.ui.messages.sources_view import show_documents

            show_documents(widget, message, self.sourceActivated.emit)

    def _remove_widgets(self, widgets: Iterable[MessageWidget]) -> None:
        for widget in widgets:
            self._widgets.pop(widget.message_id, None)
            self._dirty.pop(widget.message_id, None)
            if self._anchor is not None and self._anchor[0] is widget:
                self._anchor = None
            self._list.removeWidget(widget)
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()

    # -- frames ------------------------------------------------------------------------------------

    def _schedule(self, widget: MessageWidget) -> None:
        self._dirty[widget.message_id] = widget
        if not self._frame_timer.isActive():
            wait_ms = max(0.0, (self._next_frame_at - time.perf_counter()) * 1000.0)
            self._frame_timer.start(int(wait_ms))

    def _frame_wanted(self, message_id: str) -> None:
        widget = self._widgets.get(message_id)
        if widget is not None and widget.body.needs_frame():
            self._schedule(widget)

    def _render_frame(self) -> None:
        if not self._dirty:
            return
        started = time.perf_counter()
        deadline = started + FRAME_BUDGET_S
        dirty, self._dirty = self._dirty, {}
        for message_id, widget in dirty.items():
            if widget.body.render_frame(deadline):
                self._dirty[message_id] = widget  # more finished blocks wait: next frame
        self.render_count += 1
        took_ms = (time.perf_counter() - started) * 1000.0
        since = max(0.001, started - self._last_frame_at)
        least_ms = BURST_FRAME_MS if self._arrived / since > BURST_CHARS_PER_S else FRAME_MS
        self._arrived = 0
        self._last_frame_at = started
        gap_ms = min(MAX_FRAME_GAP_MS, max(least_ms, 2.0 * took_ms))
        self._next_frame_at = started + gap_ms / 1000.0
        if self._dirty:
            self._frame_timer.start(int(max(1.0, gap_ms - took_ms)))

    # -- scrolling ---------------------------------------------------------------------------------

    def _top_visible_widget(self) -> MessageWidget | None:
        top = self._scroll.verticalScrollBar().value()
        for message_id in self.message_ids():
            widget = self._widgets[message_id]
            if widget.y() + widget.height() > top:
                return widget
        return None

    def _set_scroll(self, value: int) -> None:
        self._adjusting = True
        try:
            self._scroll.verticalScrollBar().setValue(value)
        finally:
            self._adjusting = False

    def _scroll_to_bottom(self) -> None:
        self._set_scroll(self._scroll.verticalScrollBar().maximum())

    def _scroll_to_bottom_if_following(self) -> None:
        if self._follow:
            self._scroll_to_bottom()

    def _apply_anchor(self) -> None:
        if self._anchor is None:
            return
        widget, offset = self._anchor
        layout = self._container.layout()
        if layout is not None:
            layout.activate()
        self._set_scroll(widget.y() - offset)

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._anchor is not None:
            self._apply_anchor()
        elif self._follow:
            self._set_scroll(maximum)
        self._update_newest()

    def _on_value_changed(self, value: int) -> None:
        if self._adjusting:
            return
        bar = self._scroll.verticalScrollBar()
        self._anchor = None  # the user moved: stop holding the old position
        self._follow = value >= bar.maximum() - BOTTOM_SLACK_PX
        self._update_newest()
        if self._held and value - bar.minimum() < self._viewport.height():
            self._build_held(HELD_BATCH)  # a screen before the top: built before the user gets there
        elif value <= bar.minimum():
            self._want_older()

    def _want_older(self) -> None:
        if self._held:
            self._build_held(HELD_BATCH)
        elif self._has_older and not self._older_requested:
            self._older_requested = True
            self.olderMessagesWanted.emit()

    def _center_column(self) -> None:
        # Side margins instead of a maximum width: an aligned layout item would shrink to its
        # size hint, and the text column should fill the width up to MAX_CONTENT_WIDTH.
        width = self._viewport.width()
        side = max(_SIDE_MARGIN, (width - MAX_CONTENT_WIDTH) // 2)
        margins = self._list.contentsMargins()
        if margins.left() != side:
            self._list.setContentsMargins(side, margins.top(), side, margins.bottom())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self._center_column()
        # Scrolling up at the top (or with nothing to scroll) still asks for older messages.
        if event.type() == QEvent.Type.Wheel and watched is self._viewport:
            bar = self._scroll.verticalScrollBar()
            if event.angleDelta().y() > 0 and bar.value() <= bar.minimum():  # type: ignore[attr-defined]
                self._want_older()
        return super().eventFilter(watched, event)

    # -- theme -------------------------------------------------------------------------------------

    def showEvent(self, event: QEvent) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._held:
            QTimer.singleShot(0, self, self._fill_viewport)
        self._update_empty()
        self.refresh_times()
        self._clock.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._clock.stop()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        elif event.type() == QEvent.Type.LanguageChange:
            self.setAccessibleName(self.tr("Messages"))
            if self._newest is not None:
                self._newest.retranslate()
            self._rerender_all()  # the "Copy" links inside code blocks are part of the HTML

    def _apply_palette(self) -> None:
        theme = theme_from_palette(self.palette())
        if theme == self._theme:
            return
        self._theme = theme
        self._renderer = MarkdownRenderer(theme)
        self._rerender_all()

    def _rerender_all(self) -> None:
        for widget in self._widgets.values():
            widget.set_renderer(self._renderer)
            if widget.body.needs_frame():
                self._schedule(widget)
