"""The conversation list's model: conversation headers over the store, pinned ones first, paged.

It holds headers only (no messages) and loads them a page at a time (`canFetchMore`/`fetchMore`),
so a store with thousands of conversations opens instantly. The pinned conversations (a handful)
come first, then the others newest first; each row knows its group (date_groups.py), and the
group header is painted by the delegate above the first row of each group rather than being a row
of its own, so that row numbers, keyboard navigation and selection stay one-to-one with
conversations. Search results are one flat list grouped by date, pinned or not.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIcon, QPalette

from desktop_chat.chat.conversations import ConversationService
from desktop_chat.domain.messages import Conversation
from desktop_chat.store import Store
from desktop_chat.ui.common.icons import dot
from desktop_chat.ui.conversations import date_groups

PAGE_SIZE = 200

IdRole = Qt.ItemDataRole.UserRole + 1
GroupRole = Qt.ItemDataRole.UserRole + 2  # translated group label
GroupStartRole = Qt.ItemDataRole.UserRole + 3  # True on the first row of a group
StreamingRole = Qt.ItemDataRole.UserRole + 4
ConversationRole = Qt.ItemDataRole.UserRole + 5
PinnedRole = Qt.ItemDataRole.UserRole + 6

# The roles ConversationListModel.data answers (as ints: what the view passes in).
_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.DecorationRole,
    IdRole, ConversationRole, GroupRole, GroupStartRole, StreamingRole, PinnedRole,
))

_DOTS: dict[int, QIcon] = {}


def activity_dot() -> QIcon:
    """A small dot in the accent colour for a conversation that is answering (the delegate paints
    its own; this is what the model offers other views, and accessibility tools)."""
    accent = QGuiApplication.palette().color(QPalette.ColorRole.Highlight)
    icon = _DOTS.get(accent.rgba())
    if icon is None:
        icon = _DOTS[accent.rgba()] = QIcon(dot(accent, 10))
    return icon


class ConversationListModel(QAbstractListModel):
    """Pinned conversations, then the others newest first; or the results of a search."""

    renamed = Signal(str, str)  # conversation id, new title

    def __init__(self, conversations: ConversationService | Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._conversations = service(conversations)
        self._rows: list[Conversation] = []
        self._pinned = 0  # the first rows are the pinned conversations (none while searching)
        self._pinned_ids: set[str] = set()
        self._total = 0
        self._query: str | None = None  # set while showing search results
        self._streaming: set[str] = set()
        self._today = _dt.date.today()
        self._groups: dict[float, int] = {}  # updated_at -> date group, for self._today

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """All conversations again (pinned, then the first page), leaving search mode."""
        self.beginResetModel()
        self._query = None
        self._set_today()
        pinned = self._conversations.pinned()
        self._pinned = len(pinned)
        self._pinned_ids = {c.id for c in pinned}
        self._rows = pinned + self._conversations.newest_unpinned(limit=PAGE_SIZE)
        self._total = self._pinned + self._conversations.count_unpinned()
        self.endResetModel()

    def show_results(self, query: str, conversations: list[Conversation]) -> None:
        self.beginResetModel()
        self._query = query
        self._set_today()
        self._rows = list(conversations)
        self._pinned = 0
        self._pinned_ids = self._conversations.pinned_ids()
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
        more = self._conversations.newest_unpinned(limit=PAGE_SIZE, offset=len(self._rows) - self._pinned)
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
            if conversation.id in self._pinned_ids:
                return self.tr("{title} (pinned)").format(title=conversation.title)
            return conversation.title
        if role == IdRole:
            return conversation.id
        if role == ConversationRole:
            return conversation
        if role == GroupRole:
            return date_groups.label(self._group(row), self._today)
        if role == GroupStartRole:
            return self.group_start(row)
        if role == StreamingRole:
            return conversation.id in self._streaming
        if role == PinnedRole:
            return conversation.id in self._pinned_ids
        if role == Qt.ItemDataRole.DecorationRole and conversation.id in self._streaming:
            return activity_dot()
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

    def is_pinned(self, conversation_id: str) -> bool:
        return conversation_id in self._pinned_ids

    def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        """Pin or unpin, and list the conversations again (it moves to or from the top)."""
        if self._conversations.set_pinned(conversation_id, pinned):
            if self._query is None:
                self.reload()
            else:
                self._pinned_ids = self._conversations.pinned_ids()
                row = self.row_of(conversation_id)
                if row >= 0:
                    self.dataChanged.emit(self.index(row), self.index(row), [PinnedRole])

    def refresh(self, conversation_id: str, *, to_top: bool = False) -> None:
        """Re-read one conversation (title, time); with `to_top`, move or add it at the top of
        the conversations not pinned (a pinned one keeps its place)."""
        conversation = self._conversations.get(conversation_id)
        row = self.row_of(conversation_id)
        if conversation is None:
            if row >= 0:
                self.remove(conversation_id)
            return
        top = self._pinned
        if row < 0:
            if to_top and self._query is None:
                self.beginInsertRows(QModelIndex(), top, top)
                self._rows.insert(top, conversation)
                self._total += 1
                self.endInsertRows()
                self._regroup()
            return
        before = self._rows[row]
        self._rows[row] = conversation
        if to_top and row > top and self._query is None:
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), top)
            self._rows.insert(top, self._rows.pop(row))
            self.endMoveRows()
            self._regroup()
        elif row >= self._pinned and self._group(row) != date_groups.day_group(before.updated_at, self._today):
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
        if row < self._pinned:
            self._pinned -= 1
        self._pinned_ids.discard(conversation_id)
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
        if row < self._pinned:
            return date_groups.PINNED
        updated_at = self._rows[row].updated_at
        group = self._groups.get(updated_at)
        if group is None:
            if len(self._groups) > 50_000:
                self._groups.clear()
            group = self._groups[updated_at] = date_groups.day_group(updated_at, self._today)
        return group

    def _regroup(self) -> None:
        """Group headers depend on neighbours: repaint everything (cheap; the view is virtual)."""
        if self._rows:
            # The row heights change with the headers, so the view must lay the rows out again.
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()


def _one_line(title: str) -> str:
    return " ".join(title.split()) if "\n" in title or "\r" in title or "\u2028" in title else title


def service(conversations: ConversationService | Store) -> ConversationService:
    """The window passes its conversation service; a bare Store (tests of the list alone) is wrapped."""
    return conversations if isinstance(conversations, ConversationService) else ConversationService(conversations)
