"""The conversation list on the left: a model over the store, a grouped view, a search box.

The model holds conversation headers only (no messages) and loads them a page at a time
(`canFetchMore`/`fetchMore`), so a store with thousands of conversations opens instantly. Rows
are grouped by when they were last used (Today / Yesterday / Earlier); the group header is
painted by the delegate above the first row of each group rather than being a row of its own,
so that row numbers, keyboard navigation and selection stay one-to-one with conversations.

Rows have one of two heights (with or without a group header), measured once by the delegate,
and a change of a row's data (its title, its answering dot) repaints that row without laying
out the list again: QListView otherwise lays out every loaded row on each dataChanged (a turn
changes the model several times), and with a Python size hint that measured each title this
cost tens of milliseconds per change. Titles are elided to the width of the list, never wider.

Searching asks the store's full-text index (which handles Chinese) in a worker thread, a
moment after the user stops typing; a result that arrives after a newer query is dropped.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat.conversations import ConversationService
from desktop_chat.domain.messages import Conversation
from desktop_chat.store import Store
from desktop_chat.ui.common.icons import dot

log = logging.getLogger(__name__)

PAGE_SIZE = 200
SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 500

IdRole = Qt.ItemDataRole.UserRole + 1
GroupRole = Qt.ItemDataRole.UserRole + 2  # translated group label
GroupStartRole = Qt.ItemDataRole.UserRole + 3  # True on the first row of a group
StreamingRole = Qt.ItemDataRole.UserRole + 4
ConversationRole = Qt.ItemDataRole.UserRole + 5


def day_group(updated_at: float, today: _dt.date | None = None) -> int:
    """0 today, 1 yesterday, 2 earlier (local time)."""
    today = today or _dt.date.today()
    day = _dt.datetime.fromtimestamp(updated_at).date()
    delta = (today - day).days
    if delta <= 0:
        return 0
    if delta == 1:
        return 1
    return 2


# The roles ConversationListModel.data answers (as ints: what the view passes in).
_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.DecorationRole,
    IdRole, ConversationRole, GroupRole, GroupStartRole, StreamingRole,
))

_DOTS: dict[tuple[int, int], QIcon] = {}


def _activity_dot() -> QIcon:
    """A small dot shown on conversations that are answering: accent colour, or the selected
    text colour on a selected row (where the accent is the background)."""
    palette = QGuiApplication.palette()
    normal = palette.color(QPalette.ColorRole.Highlight)
    selected = palette.color(QPalette.ColorRole.HighlightedText)
    key = (normal.rgba(), selected.rgba())
    icon = _DOTS.get(key)
    if icon is None:
        icon = QIcon()
        icon.addPixmap(dot(normal, 10), QIcon.Mode.Normal)
        icon.addPixmap(dot(selected, 10), QIcon.Mode.Selected)
        _DOTS[key] = icon
    return icon


class ConversationListModel(QAbstractListModel):
    """Conversations newest first, or the results of a search."""

    renamed = Signal(str, str)  # conversation id, new title

    def __init__(self, conversations: ConversationService | Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._conversations = _service(conversations)
        self._rows: list[Conversation] = []
        self._total = 0
        self._query: str | None = None  # set while showing search results
        self._streaming: set[str] = set()
        self._today = _dt.date.today()
        self._groups: dict[float, int] = {}  # updated_at -> day group, for self._today

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """All conversations again (first page), leaving search mode."""
        self.beginResetModel()
        self._query = None
        self._set_today()
        self._rows = self._conversations.newest(limit=PAGE_SIZE)
        self._total = self._conversations.count()
        self.endResetModel()

    def show_results(self, query: str, conversations: list[Conversation]) -> None:
        self.beginResetModel()
        self._query = query
        self._set_today()
        self._rows = list(conversations)
        self._total = len(self._rows)
        self.endResetModel()

    @property
    def searching(self) -> bool:
        return self._query is not None

    @property
    def query(self) -> str | None:
        """The search whose results are listed; None while the list shows every conversation."""
        return self._query

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and self._query is None and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        more = self._conversations.newest(limit=PAGE_SIZE, offset=len(self._rows))
        known = {c.id for c in self._rows}
        more = [c for c in more if c.id not in known]
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:
            return None  # the view asks for a dozen roles per painted row: font, colours, check state…
        row = index.row()
        if not 0 <= row < len(self._rows) or not index.isValid():
            return None
        conversation = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return _one_line(conversation.title)  # rows are one line high (see the delegate)
        if role == Qt.ItemDataRole.EditRole:
            return conversation.title
        if role == Qt.ItemDataRole.ToolTipRole:
            when = _dt.datetime.fromtimestamp(conversation.updated_at).strftime("%Y-%m-%d %H:%M")
            model = f" · {conversation.model}" if conversation.model else ""
            return f"{conversation.title}\n{when}{model}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return conversation.title
        if role == IdRole:
            return conversation.id
        if role == ConversationRole:
            return conversation
        if role == GroupRole:
            return self._group_label(self._group(row))
        if role == GroupStartRole:
            return self.group_start(row)
        if role == StreamingRole:
            return conversation.id in self._streaming
        if role == Qt.ItemDataRole.DecorationRole and conversation.id in self._streaming:
            return _activity_dot()
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        conversation = self._rows[index.row()]
        updated = self._conversations.rename(conversation.id, str(value))  # None: empty or unchanged
        if updated is None:
            return False
        self._rows[index.row()] = updated
        self.dataChanged.emit(index, index)
        self.renamed.emit(conversation.id, updated.title)
        return True

    # -- lookups and updates -------------------------------------------------------------------

    def row_of(self, conversation_id: str | None) -> int:
        if conversation_id is None:
            return -1
        for row, conversation in enumerate(self._rows):
            if conversation.id == conversation_id:
                return row
        return -1

    def conversation_at(self, row: int) -> Conversation | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def refresh(self, conversation_id: str, *, to_top: bool = False) -> None:
        """Re-read one conversation (title, time); with `to_top`, move or add it at the top."""
        conversation = self._conversations.get(conversation_id)
        row = self.row_of(conversation_id)
        if conversation is None:
            if row >= 0:
                self.remove(conversation_id)
            return
        if row < 0:
            if to_top and self._query is None:
                self.beginInsertRows(QModelIndex(), 0, 0)
                self._rows.insert(0, conversation)
                self._total += 1
                self.endInsertRows()
                self._regroup()
            return
        before = self._rows[row]
        self._rows[row] = conversation
        if to_top and row > 0 and self._query is None:
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), 0)
            self._rows.insert(0, self._rows.pop(row))
            self.endMoveRows()
            self._regroup()
        elif self._group(row) != day_group(before.updated_at, self._today):
            self._regroup()  # its header (and maybe its neighbour's) moves
        elif conversation.title != before.title:  # else nothing shown changed: no repaint
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def remove(self, conversation_id: str) -> None:
        row = self.row_of(conversation_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._total = max(0, self._total - 1)
        self.endRemoveRows()
        self._regroup()

    def set_streaming(self, conversation_id: str, streaming: bool) -> None:
        if streaming:
            self._streaming.add(conversation_id)
        else:
            self._streaming.discard(conversation_id)
        row = self.row_of(conversation_id)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [StreamingRole, Qt.ItemDataRole.DecorationRole])

    def retranslate(self) -> None:
        self._regroup()

    # -- grouping --------------------------------------------------------------------------------

    def group_start(self, row: int) -> bool:
        """True when `row` is the first of its group (its header is painted above it)."""
        return row == 0 or self._group(row) != self._group(row - 1)

    def _set_today(self) -> None:
        today = _dt.date.today()
        if today != self._today:
            self._today = today
            self._groups.clear()

    def _group(self, row: int) -> int:
        updated_at = self._rows[row].updated_at
        group = self._groups.get(updated_at)
        if group is None:
            if len(self._groups) > 50_000:
                self._groups.clear()
            group = self._groups[updated_at] = day_group(updated_at, self._today)
        return group

    def _group_label(self, group: int) -> str:
        return (self.tr("Today"), self.tr("Yesterday"), self.tr("Earlier"))[group]

    def _regroup(self) -> None:
        """Group headers depend on neighbours: repaint everything (cheap; the view is virtual)."""
        if self._rows:
            # The row heights change with the headers, so the view must lay the rows out again.
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()


def _one_line(title: str) -> str:
    return " ".join(title.split()) if "\n" in title or "\r" in title or "\u2028" in title else title


class ConversationDelegate(QStyledItemDelegate):
    """Paints a row, with its group's header above it when it starts a group.

    Every row is one line of text, so its height depends only on the font and on whether it
    starts a group: both heights are measured once and reused until the view's font or style
    changes (`forget_sizes`). The width hint is zero: rows are as wide as the list, titles elided
    to it. (A relayout asks for every loaded row's size: even QFont.key() per call showed.)
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._heights: tuple[int, int] | None = None  # (plain row, row with header)
        self._measuring = False

    def forget_sizes(self) -> None:
        self._heights = None

    def _header_height(self, option: QStyleOptionViewItem) -> int:
        return QFontMetrics(self._header_font(option)).height() + 12

    @staticmethod
    def _header_font(option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        return font

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        # The activity dot goes after the title, so titles stay aligned whether or not a row answers.
        option.decorationPosition = QStyleOptionViewItem.Position.Right
        option.decorationSize = QSize(10, 10)
        if self._measuring:  # the tallest a row gets: one line of text, with the answering dot
            option.text = "Ag"
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
            option.icon = _activity_dot()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        heights = self._heights
        if heights is None:
            heights = self._heights = self._measure(option, index)
        return QSize(0, heights[1] if self._starts_group(index) else heights[0])

    def _measure(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> tuple[int, int]:
        # Qt's own sizeHint asks the style (in C++) about the sample that initStyleOption makes
        # while measuring. (Asking the style from Python would build PySide's QStyle type and its
        # ≈ 600 enum members, ≈ 8 ms before the first frame.)
        self._measuring = True
        try:
            size = super().sizeHint(option, index)
        finally:
            self._measuring = False
        plain = max(size.height(), QFontMetrics(option.font).height()) + 10
        return plain, plain + self._header_height(option)

    @staticmethod
    def _starts_group(index: QModelIndex | QPersistentModelIndex) -> bool:
        model = index.model()
        if isinstance(model, ConversationListModel):
            return model.group_start(index.row())
        return bool(index.data(GroupStartRole))

    def _item_rect(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                   starts_group: bool | None = None) -> QRect:
        rect = QRect(option.rect)
        if self._starts_group(index) if starts_group is None else starts_group:
            rect.setTop(rect.top() + self._header_height(option))
        return rect

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        starts_group = self._starts_group(index)
        if starts_group:
            header = QRect(option.rect)
            header.setHeight(self._header_height(option))
            painter.save()
            painter.setFont(self._header_font(option))
            painter.setPen(option.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(header.adjusted(8, 4, -8, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             str(index.data(GroupRole)))
            painter.restore()
        item = QStyleOptionViewItem(option)
        item.rect = self._item_rect(option, index, starts_group)
        item.textElideMode = Qt.TextElideMode.ElideRight
        super().paint(painter, item, index)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem,
                             index: QModelIndex | QPersistentModelIndex) -> None:
        editor.setGeometry(self._item_rect(option, index).adjusted(2, 2, -2, -2))


class ConversationListView(QListView):
    """The list itself: single selection, inline rename (F2 or the context menu), Delete key."""

    deletePressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.setItemDelegate(ConversationDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def dataChanged(self, top_left: QModelIndex | QPersistentModelIndex,
                    bottom_right: QModelIndex | QPersistentModelIndex, roles: Any = ()) -> None:
        # A row's height depends only on whether it starts a group, and a change of that comes
        # as a layout change (_regroup): a change of data needs a repaint of its rows. QListView's
        # own dataChanged would lay out every loaded row again first.
        QAbstractItemView.dataChanged(self, top_left, bottom_right, roles)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            delegate = self.itemDelegate()
            if isinstance(delegate, ConversationDelegate):
                delegate.forget_sizes()
        super().changeEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) and self.state() != QAbstractItemView.State.EditingState:
            self.deletePressed.emit()
            return
        super().keyPressEvent(event)


class ConversationPanel(QWidget):
    """Search box, New button and the list; tells the window which conversation the user picked."""

    conversationActivated = Signal(str)  # the user selected a conversation
    newRequested = Signal()
    deleteRequested = Signal(str)
    searchTimed = Signal(float)  # milliseconds the last search took in the store (for the log and tests)

    def __init__(self, conversations: ConversationService | Store, run_in_thread: Callable[..., Any],
                 start: Callable[..., Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationPanel")
        conversations = _service(conversations)
        self._conversations = conversations
        self._run_in_thread = run_in_thread  # AsyncRunner.in_thread
        self._start = start  # AsyncRunner.start
        self._search_generation = 0
        self._selecting = False

        self.model = ConversationListModel(conversations, self)
        self.search = QLineEdit(self)
        self.search.setObjectName("conversationSearch")
        self.search.setClearButtonEnabled(True)
        self.new_button = QToolButton(self)
        self.new_button.setObjectName("newConversationButton")
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.view = ConversationListView(self)
        self.view.setModel(self.model)
        self.rename_action = QAction(self)
        self.rename_action.setObjectName("renameConversationAction")
        self.rename_action.triggered.connect(self.rename_current)
        self.delete_action = QAction(self)
        self.delete_action.setObjectName("deleteConversationAction")
        self.delete_action.triggered.connect(self._delete_current)
        self.view.addAction(self.rename_action)
        self.view.addAction(self.delete_action)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.new_button.clicked.connect(self.newRequested)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.deletePressed.connect(self._delete_current)
        self.retranslate()

    # -- public --------------------------------------------------------------------------------

    def reload(self) -> None:
        if self.search.text().strip():
            self._search_now()
        else:
            self.model.reload()

    def select(self, conversation_id: str | None) -> None:
        """Show `conversation_id` as selected without announcing it (the window already knows)."""
        self._selecting = True
        try:
            row = self.model.row_of(conversation_id)
            while row < 0 and conversation_id is not None and self.model.canFetchMore():
                self.model.fetchMore()
                row = self.model.row_of(conversation_id)
            selection = self.view.selectionModel()
            if row < 0:
                selection.clearSelection()
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
            else:
                index = self.model.index(row)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.view.scrollTo(index)
        finally:
            self._selecting = False

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(IdRole) if index.isValid() else None

    def step(self, delta: int) -> None:
        """Select the previous (-1) or next (+1) conversation, as Ctrl+Up / Ctrl+Down do."""
        count = self.model.rowCount()
        if count == 0:
            return
        row = self.view.currentIndex().row()
        row = (0 if delta > 0 else count - 1) if row < 0 else max(0, min(count - 1, row + delta))
        if row == count - 1 and delta > 0 and self.model.canFetchMore():
            self.model.fetchMore()
        self.view.setCurrentIndex(self.model.index(row))

    def rename_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.setFocus()
            self.view.edit(index)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setToolTip(self.tr("Finds conversations containing every word you type (Ctrl+K)"))
        self.new_button.setText(self.tr("New"))
        self.new_button.setAccessibleName(self.tr("New conversation"))
        self.new_button.setToolTip(self.tr("New conversation (Ctrl+N)"))
        self.view.setAccessibleName(self.tr("Conversations"))
        self.rename_action.setText(self.tr("Rename\tF2"))
        self.delete_action.setText(self.tr("Delete\tDel"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- internals -----------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting or not current.isValid():
            return
        self.conversationActivated.emit(current.data(IdRole))

    def _delete_current(self) -> None:
        conversation_id = self.current_id()
        if conversation_id:
            self.deleteRequested.emit(conversation_id)

    def _search_now(self) -> None:
        self._search_timer.stop()
        self._run_search()

    def _run_search(self) -> None:
        query = self.search.text().strip()
        self._search_generation += 1
        generation = self._search_generation
        if not query:
            self.model.reload()
            return
        self._start(self._search(query, generation), name="conversation-search")

    async def _search(self, query: str, generation: int) -> None:
        def timed() -> tuple[list[Conversation], float]:
            began = time.perf_counter()
            found = self._conversations.search(query, SEARCH_LIMIT)
            return found, (time.perf_counter() - began) * 1000

        found, elapsed_ms = await self._run_in_thread(timed)
        log.debug("search took %.1f ms for %d result(s)", elapsed_ms, len(found))
        if generation != self._search_generation:
            return  # the user has typed more since
        self.model.show_results(query, found)
        self.searchTimed.emit(elapsed_ms)


def _service(conversations: ConversationService | Store) -> ConversationService:
    """The window passes its conversation service; a bare Store (tests of the list alone) is wrapped."""
    return conversations if isinstance(conversations, ConversationService) else ConversationService(conversations)
