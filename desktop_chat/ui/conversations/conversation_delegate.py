"""Paints the conversation list's rows: a group header above the first row of each group, a
rounded row with hover and selection states, the title elided to one line, the answering dot, and
a "more" button (rename, pin, delete) on the row under the mouse or selected.

Every row is one line of text, so its height depends only on the font and on whether it starts a
group: both heights are measured once (from font metrics, not from the style: asking the style
from Python builds PySide's QStyle type, ≈ 8 ms before the first frame) and reused until the
view's font or style changes (`forget_sizes`). The width hint is zero: rows are as wide as the
list. The colours are the design tokens' (theme/tokens.py), read as each row paints.

Selection, hover and focus are asked of the view, not read from `option.state`: the first read of
that flag builds PySide's QStyle type too (≈ 12 ms, in the first frame). The view tells which row
is under the mouse (`hovered_row`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QMouseEvent, QPainter
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop_chat.ui.common import icons
from desktop_chat.ui.common.theme import current_tokens
from desktop_chat.ui.conversations.conversation_model import (ConversationListModel, GroupRole, GroupStartRole,
                                                              StreamingRole)

ROW_INSET = 6  # the rounded row's margin inside the list
ROW_PADDING = 10  # text from the row's edge
HEADER_GAP = 14  # space above a group's title, between groups
MORE_SIZE = 22  # the "more" button's square


class ConversationDelegate(QStyledItemDelegate):
    menuRequested = Signal(QModelIndex, QPoint)  # the "more" button of a row was clicked (global position)

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._heights: tuple[int, int, int] | None = None  # (row, header, header of the first row)
        self._more_icon: QIcon | None = None

    def forget_sizes(self) -> None:
        self._heights = None

    # -- sizes -----------------------------------------------------------------------------------

    @staticmethod
    def _header_font(option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setPixelSize(current_tokens().type.small)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _sizes(self, option: QStyleOptionViewItem) -> tuple[int, int, int]:
        heights = self._heights
        if heights is None:
            row = QFontMetrics(option.font).height() + 2 * 8 + 2  # 8 px of padding, 1 px between rows
            header = QFontMetrics(self._header_font(option)).height() + 8
            heights = self._heights = (row, header + HEADER_GAP, header + 4)
        return heights

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        row, header, first_header = self._sizes(option)
        if not self._starts_group(index):
            return QSize(0, row)
        return QSize(0, row + (first_header if index.row() == 0 else header))

    @staticmethod
    def _starts_group(index: QModelIndex | QPersistentModelIndex) -> bool:
        model = index.model()
        if isinstance(model, ConversationListModel):
            return model.group_start(index.row())
        return bool(index.data(GroupStartRole))

    def _item_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                   starts_group: bool | None = None) -> QRect:
        """The rounded row itself, below its group's header if it has one."""
        rect = QRect(option.rect)
        if self._starts_group(index) if starts_group is None else starts_group:
            row, header, first_header = self._sizes(option)
            rect.setTop(rect.top() + (first_header if index.row() == 0 else header))
        return rect.adjusted(ROW_INSET, 1, -ROW_INSET, -1)

    def more_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QRect:
        item = self._item_rect(option, index)
        return QRect(item.right() - MORE_SIZE - 4, item.center().y() - MORE_SIZE // 2 + 1, MORE_SIZE, MORE_SIZE)

    # -- painting ----------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        c = current_tokens().colors
        radius = current_tokens().radius.m
        starts_group = self._starts_group(index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if starts_group:
            header = QRect(option.rect)
            header.setBottom(self._item_rect(option, index, True).top() - 2)
            painter.setFont(self._header_font(option))
            painter.setPen(QColor(c.text_muted))
            painter.drawText(header.adjusted(ROW_INSET + ROW_PADDING, 0, -ROW_INSET, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, str(index.data(GroupRole)))
        item = self._item_rect(option, index, starts_group)
        selected = self._view.selectionModel().isRowSelected(index.row(), QModelIndex())
        hovered = getattr(self._view, "hovered_row", -1) == index.row()
        if selected or hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(c.pressed if selected else c.hover))
            painter.drawRoundedRect(item, radius, radius)
        if selected and self._view.hasFocus() and self._view.currentIndex().row() == index.row() \
                and getattr(self._view, "keyboard_focus", False):  # a ring for keyboard users only
            painter.setPen(QColor(c.accent))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(item.adjusted(0, 0, -1, -1), radius, radius)
        right = item.right() - ROW_PADDING
        if hovered or selected:
            more = self.more_rect(option, index)
            self._more().paint(painter, more.adjusted(3, 3, -3, -3))
            right = more.left() - 4
        if index.data(StreamingRole):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(c.accent))
            painter.drawEllipse(QPoint(right - 4, item.center().y() + 1), 4, 4)
            right -= 14
        painter.setFont(option.font)
        painter.setPen(QColor(c.text))
        text_rect = QRect(item.left() + ROW_PADDING, item.top(), right - item.left() - ROW_PADDING, item.height())
        title = QFontMetrics(option.font).elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight,
                                                     text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.restore()

    def _more(self) -> QIcon:
        if self._more_icon is None:
            self._more_icon = icons.icon("more", "muted")
        return self._more_icon

    # -- the "more" button and the inline rename ---------------------------------------------------

    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent) \
                and event.button() == Qt.MouseButton.LeftButton \
                and self.more_rect(option, index).contains(event.position().toPoint()):
            at = self._view.viewport().mapToGlobal(self.more_rect(option, index).bottomLeft())
            self.menuRequested.emit(self._view.model().index(index.row(), 0), at)
            return True
        return super().editorEvent(event, model, option, index)  # type: ignore[arg-type]

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("conversationRename")
        editor.setAccessibleName(self.tr("Conversation title"))
        editor.setFrame(False)
        return editor

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        editor.setGeometry(self._item_rect(option, index))

