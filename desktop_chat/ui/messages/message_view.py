"""MessageView: one conversation's messages, newest at the bottom (contract: docs/ui-contracts.md).

Design
- One MessageWidget per message in a QScrollArea. The caller hands over one page of messages at a
  time (set_messages / prepend_messages), so the number of live widgets stays bounded; widgets keep
  selection, inline editing and per-message buttons simple, which a delegate-painted list view
  would not.
- Opening a conversation builds widgets for the newest messages of the page that fill the window
  (screenful.py, at most INITIAL_WIDGETS); the older ones of the page are held as data and built
  HELD_BATCH at a time as the user scrolls towards them, or FILL_STEP at a time while the view is
  not full. A widget with its
  rendered markdown costs ≈ 2.5 ms, and reopening the last conversation is part of every start.
- Streaming never re-renders on the token: append_text only appends to the message's buffer and
  asks for a frame (frame_pacer.py: at most one render per frame, within a time budget).
- Scrolling (message_scroll.py): the view follows the stream while the user is at the bottom;
  scrolled up, the floating "scroll to the newest" button shows (newest_button.py). Prepending
  keeps what the user was reading in place. Reaching the top while older messages exist asks for
  them once.
- A conversation without messages shows the greeting and starting points (empty_state.py) instead.
- Relative times ("5 min ago") are refreshed every relative_time.REFRESH_MS while the view shows.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QHideEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from desktop_chat.domain.messages import Delivery, Message, MessageStatus
from desktop_chat.ui.messages.frame_pacer import FramePacer
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer, is_openable_link, theme_from_palette
from desktop_chat.ui.messages import thinking_hooks
from desktop_chat.ui.messages.message_extras import show_extras
from desktop_chat.ui.messages.message_scroll import MessageScroll
from desktop_chat.ui.messages.message_widget import MessageWidget
from desktop_chat.ui.messages.relative_time import REFRESH_MS
from desktop_chat.ui.messages.screenful import first_screenful
from desktop_chat.ui.messages.view_overlays import ViewOverlays
from desktop_chat.ui.messages.render_snapshot import RenderedBody, message_key, renderer_key

if TYPE_CHECKING:
    from desktop_chat.chat.versions import Versions
    from desktop_chat.ui.messages.empty_state import EmptyState
    from desktop_chat.ui.messages.newest_button import NewestButton

__all__ = ["MessageView"]

log = logging.getLogger(__name__)

INITIAL_WIDGETS = 8  # messages built when a conversation opens (the rest of the page is held)
HELD_BATCH = 10  # held messages built at a time, when the user scrolls near them
FILL_STEP = 2  # held messages built at a time while the view is not full yet (_fill_viewport)


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
    imageActivated = Signal(object)  # ImagePart: a message's image was clicked (image_strip.py)
    emptyChanged = Signal(bool)  # the greeting shows (no messages) or went (the window centres its composer)

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
        self._frames = FramePacer(self)
        self._frame_timer = self._frames.timer  # (benchmarks/render.py drives frames by hand)

        self._theme = theme_from_palette(self.palette())
        self._renderer = MarkdownRenderer(self._theme)

        self._scrolling = MessageScroll(self)
        self._scroll = self._scrolling.area
        self._viewport = self._scrolling.viewport
        self._container = self._scrolling.container
        self._list = self._scrolling.column
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._scroll)
        self._overlays = ViewOverlays(self, outer, self._scrolling, self.starterChosen, self.attachRequested,
                                      self.emptyChanged)
        self._scrolling.positionChanged.connect(self._update_newest)
        self._scrolling.userScrolled.connect(self._on_user_scrolled)
        self._scrolling.wheelUpAtTop.connect(self._want_older)

        self._clock = QTimer(self)  # "just now" → "1 min ago"
        self._clock.setInterval(REFRESH_MS)
        self._clock.timeout.connect(self.refresh_times)

    # -- the contract ----------------------------------------------------------------------------

    def set_messages(self, messages: list[Message], *, has_older: bool) -> None:
        """Replace everything (another conversation); scroll to the bottom. The newest
        INITIAL_WIDGETS messages are built now, the others when the user scrolls up to them."""
        self._remove_widgets(list(self._widgets.values()))
        self._versions = {}
        window = self.window()  # (nothing is laid out yet: the window's size stands for the view's)
        shown = first_screenful([m.text for m in messages], window.width(), window.height(), most=INITIAL_WIDGETS)
        split = max(0, len(messages) - shown)
        self._held = list(messages[:split])
        for message in messages[split:]:
            self._insert(self._count(), message)
        self._snapshot = {}  # for the first conversation shown only
        if self._held:
            QTimer.singleShot(0, self, self._fill_viewport)
        self._has_older = has_older
        self._older_requested = False
        self._scrolling.stick_to_bottom()
        QTimer.singleShot(0, self, self._scrolling.scroll_to_bottom_if_following)
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
        self._scrolling.hold(self._scrolling.top_visible(self._widgets[i] for i in self.message_ids()))
        for index, message in enumerate(m for m in messages if m.id not in self._widgets):
            self._insert(index, message)
        self._scrolling.apply_anchor()

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
            self._build_held(FILL_STEP)

    def add_message(self, message: Message) -> None:
        """Append a message (the user's, or a new streaming answer)."""
        if message.id in self._widgets:
            self.update_message(message)
            return
        widget = self._insert(self._count(), message)
        self._update_empty()
        if message.role == "user":  # the user just sent it: show it, and follow the answer
            self._scrolling.stick_to_bottom()
        if widget.body.needs_frame():
            self._schedule(widget)

    def append_text(self, message_id: str, text: str) -> None:
        """A streaming delta: buffered, rendered at the next frame."""
        widget = self._widgets.get(message_id)
        if widget is None or not text:
            return
        widget.append_text(text)
        self._frames.arrived(len(text))
        self._schedule(widget)

    def append_thinking(self, message_id: str, text: str) -> None:
        """Streaming reasoning: shown above the answer, once per frame (ui/messages/thinking_block.py)."""
        widget = self._widgets.get(message_id)
        if widget is not None and text:
            thinking_hooks.append(widget, text)

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
        show_extras(widget, message, self, on_image=self.imageActivated.emit, on_source=self.sourceActivated.emit)
        if widget.body.needs_frame():
            self._schedule(widget)
        else:
            self._frames.forget(message.id)

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
        self._scrolling.reset()
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
        return self._overlays.empty

    @property
    def newest_button(self) -> NewestButton | None:
        """The floating "scroll to the newest message" button (None until first needed)."""
        return self._overlays.newest

    def refresh_times(self, now: QDateTime | None = None) -> None:
        """Say again how long ago each message shown was written."""
        now = now or QDateTime.currentDateTime()
        for widget in self._widgets.values():
            widget.refresh_time(now)

    def scroll_to_newest(self) -> None:
        """Back to the bottom, following the answer again."""
        self._scrolling.stick_to_bottom()
        self._update_newest()

    # -- empty state and the floating button -------------------------------------------------------

    def _update_empty(self) -> None:
        self._overlays.update_empty(not self._widgets and not self._held)

    def _update_newest(self) -> None:
        self._overlays.update_newest()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._overlays.place()

    @property
    def following(self) -> bool:
        """True while the view sticks to the bottom (the user has not scrolled up)."""
        return self._scrolling.follow

    def has_pending_render(self) -> bool:
        return self._frames.has_pending()

    @property
    def render_count(self) -> int:
        """Streaming frames rendered (all messages together)."""
        return self._frames.render_count

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
        show_extras(widget, message, self, on_image=self.imageActivated.emit, on_source=self.sourceActivated.emit)
        self._list.insertWidget(index, widget)
        if self._container.isVisible():
            widget.show()  # now, not at the layout's next turn: callers may ask isVisible()
        self._widgets[message.id] = widget
        if widget.body.needs_frame():
            self._schedule(widget)
        return widget

    def tool_event(self, message_id: str, event: Any) -> None:
        """A tool call of a streaming answer started or finished: its card (tool_cards.py)."""
        widget = self._build_held_through(message_id)
        if widget is not None:
            from desktop_chat.ui.messages.tool_cards import tool_event

            tool_event(widget, event)

    def _remove_widgets(self, widgets: Iterable[MessageWidget]) -> None:
        for widget in widgets:
            self._widgets.pop(widget.message_id, None)
            self._frames.forget(widget.message_id)
            self._scrolling.forget(widget)
            self._list.removeWidget(widget)
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()

    # -- frames ------------------------------------------------------------------------------------

    def _schedule(self, widget: MessageWidget) -> None:
        self._frames.schedule(widget)

    def _frame_wanted(self, message_id: str) -> None:
        widget = self._widgets.get(message_id)
        if widget is not None and widget.body.needs_frame():
            self._schedule(widget)

    def _render_frame(self) -> None:
        self._frames.render_frame()

    # -- scrolling ---------------------------------------------------------------------------------

    def _on_user_scrolled(self, value: int) -> None:
        bar = self._scroll.verticalScrollBar()
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
            self._overlays.retranslate()
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
