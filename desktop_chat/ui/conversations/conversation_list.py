"""The conversation list on the left: the search box, the New button and the list of conversations.

The model (conversation_model.py) holds conversation headers, pinned first, loaded a page at a
time; the delegate (conversation_delegate.py) paints each row with its group's header (Pinned,
Today, Yesterday, Previous 7 days, then by month). A change of a row's data (its title, its
answering dot) repaints that row without laying out the list again: QListView otherwise lays out
every loaded row on each dataChanged (a turn changes the model several times).

A row is renamed inline (double-click, F2 or its menu), pinned to the top or deleted from its
menu: the "more" button on the row under the mouse, or a right click. An empty list says how to
start instead of showing a blank panel.

Searching asks the store's full-text index (which handles Chinese) in a worker thread, a
moment after the user stops typing; a result that arrives after a newer query is dropped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFocusEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat.conversations import ConversationService
from desktop_chat.domain.messages import Conversation
from desktop_chat.store import Store
from desktop_chat.ui.common import icons
from desktop_chat.ui.common.theme import round_menu
from desktop_chat.ui.runtime.python_viewport import python_viewport
from desktop_chat.ui.conversations.conversation_delegate import ConversationDelegate
from desktop_chat.ui.conversations.conversation_model import (PAGE_SIZE, ConversationListModel, ConversationRole,
                                                              GroupRole, GroupStartRole, IdRole, PinnedRole,
                                                              StreamingRole, service)
from desktop_chat.ui.conversations.date_groups import day_group

__all__ = [
    "PAGE_SIZE", "ConversationDelegate", "ConversationListModel", "ConversationListView", "ConversationPanel",
    "ConversationRole", "GroupRole", "GroupStartRole", "IdRole", "PinnedRole", "StreamingRole", "day_group",
]

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 500


class ConversationListView(QListView):
    """The list itself: single selection, inline rename, Delete key, hover and keyboard-focus states."""

    deletePressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        python_viewport(self)  # no type lookup for Qt's own viewport (≈ 8 ms at start, see there)
        self.setObjectName("conversationList")
        self.hovered_row = -1  # the row under the mouse (the delegate paints its hover state)
        self.keyboard_focus = False  # focus came by keyboard: the current row shows a focus ring
        self.setItemDelegate(ConversationDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)  # the panel's round menu
        self.setMouseTracking(True)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.empty = QLabel(self.viewport())  # the friendly empty state, over the blank list
        self.empty.setObjectName("conversationListEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.empty_icon = icons.GlyphLabel("chats", "muted", self.viewport())
        self.empty_icon.setObjectName("conversationListEmptyIcon")  # a picture: the words say it all
        self.empty_icon.hide()

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

    # -- hover and focus states --------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover(self.indexAt(event.position().toPoint()).row())
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover(-1)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.keyboard_focus = False
        super().mousePressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.keyboard_focus = event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                                                 Qt.FocusReason.ShortcutFocusReason)
        super().focusInEvent(event)

    def _hover(self, row: int) -> None:
        if row != self.hovered_row:
            self.hovered_row = row
            self.viewport().update()  # two rows change; the view is virtual, so this is cheap

    # -- the empty state -------------------------------------------------------------------------

    def show_empty(self, text: str | None) -> None:
        """Say `text` over the blank list (None: the list has rows)."""
        if text is None:
            self.empty.hide()
            self.empty_icon.hide()
            return
        self.empty.setText(text)
        self._place_empty()
        self.empty.show()
        self.empty_icon.show()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place_empty()

    def _place_empty(self) -> None:
        """The icon and the words a little above the middle of the list."""
        area = self.viewport().rect()
        middle = area.height() * 2 // 5
        self.empty_icon.setGeometry(area.center().x() - 20, middle - 52, 40, 40)
        self.empty.setGeometry(area.left() + 20, middle, area.width() - 40, max(60, area.height() // 4))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)


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
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the sidebar's own shade (style sheet)
        conversations = service(conversations)
        self._conversations = conversations
        self._run_in_thread = run_in_thread  # AsyncRunner.in_thread
        self._start = start  # AsyncRunner.start
        self._search_generation = 0
        self._selecting = False

        self.model = ConversationListModel(conversations, self)
        self.search = QLineEdit(self)
        self.search.setObjectName("conversationSearch")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icons.icon("search", "muted"), QLineEdit.ActionPosition.LeadingPosition)
        self.new_button = icons.icon_button(self, "new-chat", "newConversationButton")
        self.view = ConversationListView(self)
        self.view.setModel(self.model)
        self.rename_action = QAction(self)
        self.rename_action.setObjectName("renameConversationAction")
        self.rename_action.triggered.connect(self.rename_current)
        self.pin_action = QAction(self)
        self.pin_action.setObjectName("pinConversationAction")
        self.pin_action.triggered.connect(self.toggle_pin_current)
        self.delete_action = QAction(self)
        self.delete_action.setObjectName("deleteConversationAction")
        self.delete_action.triggered.connect(self._delete_current)
        self.view.addAction(self.rename_action)
        self.view.addAction(self.pin_action)
        self.view.addAction(self.delete_action)
        self.menu = round_menu(QMenu(self))  # the rows' "more" button opens the same three actions
        self.menu.setObjectName("conversationMenu")
        self.menu.addActions([self.rename_action, self.pin_action, self.delete_action])
        delegate = self.view.itemDelegate()
        if isinstance(delegate, ConversationDelegate):
            delegate.menuRequested.connect(self._open_menu)
        # A right-click opens the same menu (Qt's own actions menu would be square: theme.round_menu).
        self.view.customContextMenuRequested.connect(self._right_clicked)
        self.search.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.search.customContextMenuRequested.connect(self._search_menu)

        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        top.setSpacing(6)
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 4)
        layout.setSpacing(6)
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
        for change in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            change.connect(self._show_empty_state)
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

    def toggle_pin_current(self) -> None:
        """Pin the selected conversation to the top of the list, or unpin it."""
        conversation_id = self.current_id()
        if conversation_id:
            self.model.set_pinned(conversation_id, not self.model.is_pinned(conversation_id))
            self.select(conversation_id)  # it moved; keep it selected (the window shows it already)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search conversations"))
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setToolTip(self.tr("Finds conversations containing every word you type (Ctrl+K)"))
        self.new_button.setAccessibleName(self.tr("New conversation"))
        self.new_button.setToolTip(self.tr("New conversation (Ctrl+N)"))
        self.view.setAccessibleName(self.tr("Conversations"))
        self.rename_action.setText(self.tr("Rename\tF2"))
        self.rename_action.setIcon(icons.icon("edit"))
        self.delete_action.setText(self.tr("Delete\tDel"))
        self.delete_action.setIcon(icons.icon("delete"))
        self.menu.setAccessibleName(self.tr("Conversation actions"))
        self._label_pin_action()
        self.model.retranslate()
        self._show_empty_state()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- internals -----------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._label_pin_action()
        if self._selecting or not current.isValid():
            return
        self.conversationActivated.emit(current.data(IdRole))

    def _label_pin_action(self) -> None:
        conversation_id = self.current_id()
        pinned = conversation_id is not None and self.model.is_pinned(conversation_id)
        self.pin_action.setText(self.tr("Unpin") if pinned else self.tr("Pin to top"))
        self.pin_action.setIcon(icons.icon("unpin" if pinned else "pin"))
        self.pin_action.setEnabled(conversation_id is not None)

    def _open_menu(self, index: QModelIndex, at: QPoint) -> None:
        self.view.setCurrentIndex(index)  # the actions act on the current conversation
        self._label_pin_action()
        self.menu.popup(at)

    def _right_clicked(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self._open_menu(index, self.view.viewport().mapToGlobal(pos))

    def _search_menu(self, pos: QPoint) -> None:
        """The search field's Cut / Copy / Paste menu, round like the others."""
        menu = round_menu(self.search.createStandardContextMenu())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.search.mapToGlobal(pos))

    def _show_empty_state(self) -> None:
        if self.model.rowCount() > 0:
            self.view.show_empty(None)
        elif self.model.searching:
            self.view.show_empty(self.tr("No conversation contains “{query}”.").format(query=self.model.query))
        else:
            self.view.show_empty(self.tr("No conversations yet.\nAsk something below and it will be kept here."))

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
