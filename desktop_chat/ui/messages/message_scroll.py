"""MessageScroll: the scroll area of a MessageView, its centred column, and where it stands.

Why a class of its own: the scrolling rules are one job apart from which messages are shown.
While the user is at the bottom the view follows the stream; scrolling up stops following until
they come back to the bottom (or click the floating "scroll to the newest" button). Prepending
keeps the message the user was looking at at the same place on screen (an anchor). The column of
messages is centred and at most MAX_CONTENT_WIDTH wide. MessageView decides what to build; this
tells it when the user moved (userScrolled), when the position may have changed (positionChanged,
for the floating button) and when the wheel turned up at the top (wheelUpAtTop: older messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop_chat.ui.messages.message_widget import MessageWidget

__all__ = ["MessageScroll", "BOTTOM_SLACK_PX"]

BOTTOM_SLACK_PX = 24  # "at the bottom" tolerance, so a one-pixel rounding does not stop following
MAX_CONTENT_WIDTH = 960  # long lines are hard to read on wide windows
SIDE_MARGIN = 16


class MessageScroll(QObject):
    """The scroll area (area), its viewport, the column (container, its layout: column)."""

    positionChanged = Signal()  # the range or the value moved: the floating button may change
    userScrolled = Signal(int)  # the user moved the bar to this value (following updated already)
    wheelUpAtTop = Signal()  # scrolling up at the top, or with nothing to scroll

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.follow = True
        self._anchor: tuple[MessageWidget, int] | None = None
        self._adjusting = False
        self.area = QScrollArea(parent)
        self.area.setObjectName("messageScrollArea")
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always on: a scroll bar that comes and goes changes the width, which re-wraps the text,
        # which changes the height, which may make the bar go again.
        self.area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # Our own viewport, as Qt makes it (Base, filled): PySide's first wrapper of a widget that
        # Qt made itself, as viewport() would return, builds every widget class of QtWidgets to
        # find its type (≈ 10 ms of the start-up).
        self.viewport = QWidget(self.area)
        self.viewport.setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport.setAutoFillBackground(True)
        self.area.setViewport(self.viewport)
        self.container = QWidget()
        self.container.setObjectName("messageContainer")
        self.column = QVBoxLayout(self.container)
        self.column.setContentsMargins(SIDE_MARGIN, 12, SIDE_MARGIN, 16)
        self.column.setSpacing(12)
        self.column.addStretch(1)
        self.area.setWidget(self.container)
        # The conversation reads like a document: Base, not Window, behind it.
        self.container.setBackgroundRole(QPalette.ColorRole.Base)
        self.container.setAutoFillBackground(True)

        bar = self.area.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_value_changed)
        self.viewport.installEventFilter(self)

    def bar(self) -> Any:
        return self.area.verticalScrollBar()

    def far_from_bottom(self) -> bool:
        """The user has scrolled up by more than the slack (the floating button is useful)."""
        bar = self.bar()
        return (not self.follow and self.area.isVisible()
                and bar.maximum() - bar.value() > BOTTOM_SLACK_PX)

    def stick_to_bottom(self) -> None:
        """Follow the stream again, from the bottom."""
        self.reset()
        self.scroll_to_bottom()

    def reset(self) -> None:
        self.follow = True
        self._anchor = None

    def hold(self, widget: MessageWidget | None) -> None:
        """Keep `widget` where it is on screen while messages are inserted above it."""
        if widget is not None and not self.follow:
            self._anchor = (widget, widget.y() - self.bar().value())

    def forget(self, widget: MessageWidget) -> None:
        if self._anchor is not None and self._anchor[0] is widget:
            self._anchor = None

    def top_visible(self, widgets: Iterable[MessageWidget]) -> MessageWidget | None:
        """The first of `widgets` (in display order) that reaches into the visible part."""
        top = self.bar().value()
        return next((w for w in widgets if w.y() + w.height() > top), None)

    def scroll_to_bottom(self) -> None:
        self._set_scroll(self.bar().maximum())

    def scroll_to_bottom_if_following(self) -> None:
        if self.follow:
            self.scroll_to_bottom()

    def apply_anchor(self) -> None:
        if self._anchor is None:
            return
        widget, offset = self._anchor
        layout = self.container.layout()
        if layout is not None:
            layout.activate()
        self._set_scroll(widget.y() - offset)

    def _set_scroll(self, value: int) -> None:
        self._adjusting = True
        try:
            self.bar().setValue(value)
        finally:
            self._adjusting = False

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._anchor is not None:
            self.apply_anchor()
        elif self.follow:
            self._set_scroll(maximum)
        self.positionChanged.emit()

    def _on_value_changed(self, value: int) -> None:
        if self._adjusting:
            return
        self._anchor = None  # the user moved: stop holding the old position
        self.follow = value >= self.bar().maximum() - BOTTOM_SLACK_PX
        self.positionChanged.emit()
        self.userScrolled.emit(value)

    def _center_column(self) -> None:
        # Side margins instead of a maximum width: an aligned layout item would shrink to its
        # size hint, and the text column should fill the width up to MAX_CONTENT_WIDTH.
        side = max(SIDE_MARGIN, (self.viewport.width() - MAX_CONTENT_WIDTH) // 2)
        margins = self.column.contentsMargins()
        if margins.left() != side:
            self.column.setContentsMargins(side, margins.top(), side, margins.bottom())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.viewport:
            self._center_column()
        if event.type() == QEvent.Type.Wheel and watched is self.viewport:
            bar = self.bar()
            if event.angleDelta().y() > 0 and bar.value() <= bar.minimum():  # type: ignore[attr-defined]
                self.wheelUpAtTop.emit()
        return super().eventFilter(watched, event)
