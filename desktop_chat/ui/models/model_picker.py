"""The model picker's popup: a search field over the provider's chat models, favourites first.

What it shows is decided elsewhere (providers/model_kinds.py: which models chat, their order and
capabilities; ModelChoice: favourites and recently used ones from the settings). This module only
draws the list and reports what the user did:

- typing filters (every word must appear in the name, in any case); arrows, Page Up/Down move,
  Enter picks; Esc closes; a name that is not listed can still be picked as typed;
- a star before each name marks a favourite (click it, or Ctrl+D on the highlighted row);
- names are drawn whole (the popup is as wide as the longest name needs, within the screen) and
  elided only at their end; capability tags ("128k", "images", "tools", "reasoning") sit quietly
  at the right.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.common import theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the model name a row picks
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "model" | "header" | "typed" | "note"
TAGS_ROLE = Qt.ItemDataRole.UserRole + 3  # the capability tags, one string
FAVOURITE_ROLE = Qt.ItemDataRole.UserRole + 4

STAR_WIDTH = 26
MAX_ROWS = 14


class Entry(NamedTuple):
    """One model as the popup shows it."""

    name: str
    tags: tuple[str, ...] = ()
    favourite: bool = False
    recent: bool = False
    tooltip: str = ""


class ModelPopup(QFrame):
    """A popup below the model field. `picked(name)` when the user chooses; `favouriteToggled(name)`."""

    picked = Signal(str)
    favouriteToggled = Signal(str)
    closed = Signal()
    menuWanted = Signal(str, QPoint)  # a row's model and where its right-click menu goes (vision_menu.py)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("modelPickerPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        theme.round_menu(self)  # rounded like the menus (its box: theme.paint_popup_box)
        self.search = QLineEdit(self)
        self.search.setObjectName("modelSearch")
        self.search.setClearButtonEnabled(True)
        self.list = QListView(self)
        self.list.setObjectName("modelList")
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the search field keeps the keyboard
        self.list.setMouseTracking(True)
        self.rows = QStandardItemModel(self)
        self.list.setModel(self.rows)
        self.delegate = _RowDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.footer = QLabel(self)
        self.footer.setObjectName("modelPickerFooter")
        self.footer.setTextFormat(Qt.TextFormat.PlainText)
        self.footer.setWordWrap(True)
        self.footer.setEnabled(False)  # the muted colour: a hint, not a control
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.footer)

        self._entries: list[Entry] = []
        self._current = ""
        self._hidden = 0
        self._listing = False
        self._anchor: QWidget | None = None
        self._wanted_width = 0
        self.search.textChanged.connect(self._refill)
        self.search.installEventFilter(self)
        self.list.clicked.connect(self._clicked)
        self.delegate.starClicked.connect(self._star_clicked)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._row_menu)
        self.retranslate()

    # -- filling -------------------------------------------------------------------------------

    def set_entries(self, entries: Sequence[Entry], current: str, *, hidden: int = 0, listing: bool = False) -> None:
        """The models to offer (already ordered), the one in use, how many non-chat ones were left out."""
        self._entries = list(entries)
        self._current = current
        self._hidden = hidden
        self._listing = listing
        self._refill()

    def _refill(self) -> None:
        query = self.search.text().strip()
        words = query.lower().split()
        keep = self.rows.item(self.list.currentIndex().row()) if self.list.currentIndex().isValid() else None
        keep_name = keep.data(ID_ROLE) if keep is not None else None
        self.rows.clear()
        matches = [e for e in self._entries if all(w in e.name.lower() for w in words)]
        if not words:  # sections: favourites, recently used, everything else
            groups = [(self.tr("Favourites"), [e for e in matches if e.favourite]),
                      (self.tr("Recently used"), [e for e in matches if e.recent and not e.favourite]),
                      (self.tr("All models"), [e for e in matches if not e.recent and not e.favourite])]
            several = sum(1 for _, group in groups if group) > 1
            for title, group in groups:
                if group and several:
                    self._add_header(title)
                for entry in group:
                    self._add_entry(entry)
        else:
            for entry in matches:
                self._add_entry(entry)
        if query and len(words) == 1 and not any(e.name == query for e in self._entries):  # names have no spaces
            self._add_typed(query)
        if not self._entries:
            self._add_note(self.tr("Listing models…") if self._listing else
                           self.tr("No models listed. Type a model name and press Enter."))
        # Searching: the best match is highlighted, so Enter takes it. Just opened: the model in use,
        # or nothing when it is not listed (Enter then changes nothing).
        self._select(keep_name if words and keep_name else (None if words else self._current), fallback=bool(words))
        self._say_footer(len(matches))
        self._fit()
        if self.isVisible():
            self._place()

    def _add_entry(self, entry: Entry) -> None:
        item = QStandardItem(entry.name)
        item.setData(entry.name, ID_ROLE)
        item.setData("model", KIND_ROLE)
        item.setData("  ".join(entry.tags), TAGS_ROLE)
        item.setData(entry.favourite, FAVOURITE_ROLE)
        item.setToolTip(entry.tooltip or entry.name)
        spoken = [entry.name]
        if entry.favourite:
            spoken.append(self.tr("favourite"))
        spoken += entry.tags
        item.setData(", ".join(spoken), Qt.ItemDataRole.AccessibleTextRole)
        item.setEditable(False)
        self.rows.appendRow(item)

    def _add_header(self, title: str) -> None:
        item = QStandardItem(title)
        item.setData("header", KIND_ROLE)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.rows.appendRow(item)

    def _add_typed(self, name: str) -> None:
        item = QStandardItem(self.tr("Use “{name}” as typed").format(name=name))
        item.setData(name, ID_ROLE)
        item.setData("typed", KIND_ROLE)
        item.setToolTip(self.tr("Send to a model of this name, even though the provider did not list it"))
        item.setEditable(False)
        self.rows.appendRow(item)

    def _add_note(self, text: str) -> None:
        item = QStandardItem(text)
        item.setData("note", KIND_ROLE)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.rows.appendRow(item)

    def _say_footer(self, matching: int) -> None:
        parts = []
        if self._entries:
            # Worded as "label: number", which needs no plural forms.
            parts.append(self.tr("Chat models: {n} of {total}").format(n=matching, total=len(self._entries))
                         if self.search.text().strip() else self.tr("Chat models: {n}").format(n=len(self._entries)))
        if self._hidden:
            parts.append(self.tr("hidden (embedding, speech, image…): {n}").format(n=self._hidden))
        parts.append(self.tr("☆ or Ctrl+D: favourite"))
        self.footer.setText(" · ".join(parts))

    def _select(self, name: str | None, *, fallback: bool) -> None:
        row = next((r for r in range(self.rows.rowCount()) if name and self.rows.item(r).data(ID_ROLE) == name), None)
        if row is None and not fallback:
            self.list.setCurrentIndex(QModelIndex())
            self.list.scrollToTop()
            return
        if row is None:
            row = next((r for r in range(self.rows.rowCount()) if _pickable(self.rows.item(r))), None)
        if row is not None:
            index = self.rows.index(row, 0)
            self.list.setCurrentIndex(index)
            if row < MAX_ROWS - 1:
                self.list.scrollToTop()  # the favourites and recent ones are at the top: keep them in sight
            self.list.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    # -- size and place ------------------------------------------------------------------------

    def _fit(self) -> None:
        metrics = QFontMetrics(self.list.font())
        small = QFontMetrics(self.delegate.tag_font(self.list.font()))
        widest = 0
        for row in range(self.rows.rowCount()):
            item = self.rows.item(row)
            tags = str(item.data(TAGS_ROLE) or "")
            tag_width = small.horizontalAdvance(tags) + 24 if tags else 0
            widest = max(widest, metrics.horizontalAdvance(item.text()) + tag_width)
        self._wanted_width = STAR_WIDTH + widest + 48  # margins, scroll bar
        rows = min(max(self.rows.rowCount(), 3), MAX_ROWS)
        self.list.setFixedHeight(rows * self.delegate.row_height(self.list.font()) + 4)

    def open_below(self, anchor: QWidget, current: str) -> None:
        """Show under `anchor` (at least as wide), within the screen, `current` (the model in use)
        highlighted; the search field gets the keyboard."""
        self._anchor = anchor
        self._current = current
        self.search.clear()
        self._refill()
        self._place()
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def _place(self) -> None:
        """Size for the rows shown now (a listing may arrive while open), under the anchor."""
        anchor = self._anchor
        if anchor is None:
            return
        screen = anchor.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        width = min(max(anchor.width(), self._wanted_width, 380), int(area.width() * 0.9), 720)
        # Added up by hand: the footer wraps, so its height depends on the width the popup gets.
        layout = self.layout()
        assert layout is not None  # built in __init__
        margins = layout.contentsMargins()
        inner = width - margins.left() - margins.right() - 2 * self.frameWidth()
        spacing = layout.spacing()
        height = (margins.top() + margins.bottom() + 2 * self.frameWidth() + self.search.sizeHint().height()
                  + spacing + self.list.height() + spacing + self.footer.heightForWidth(inner))
        below = anchor.mapToGlobal(QPoint(0, anchor.height()))
        x = min(max(area.left(), below.x() + anchor.width() - width), area.right() - width)  # right-aligned
        y = below.y() if below.y() + height <= area.bottom() else max(area.top(), below.y() - anchor.height() - height)
        self.setGeometry(QRect(x, y, width, height))

    # -- what the user does --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._pick(self.list.currentIndex())
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -(MAX_ROWS - 1),
                    Qt.Key.Key_PageDown: MAX_ROWS - 1}[Qt.Key(key)]
            self._move(step)
            return True
        if key == Qt.Key.Key_D and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            index = self.list.currentIndex()
            if index.isValid() and index.data(KIND_ROLE) == "model":
                self._star_clicked(QPersistentModelIndex(index))
            return True
        return False

    def _move(self, step: int) -> None:
        """Move the highlight by `step` pickable rows' worth, skipping section headings."""
        rows = [r for r in range(self.rows.rowCount()) if _pickable(self.rows.item(r))]
        if not rows:
            return
        current = self.list.currentIndex().row()
        position = rows.index(current) if current in rows else (-1 if step > 0 else len(rows))
        target = rows[max(0, min(len(rows) - 1, position + step))]
        index = self.rows.index(target, 0)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def _clicked(self, index: QModelIndex) -> None:
        if self.delegate.consumed_click:
            self.delegate.consumed_click = False
            return
        self._pick(index)

    def _pick(self, index: QModelIndex) -> None:
        name = index.data(ID_ROLE) if index.isValid() else None
        if not name:
            name = self.search.text().strip()
        if not name:
            return
        self.close()
        self.picked.emit(str(name))

    def _star_clicked(self, index: QPersistentModelIndex) -> None:
        name = index.data(ID_ROLE)
        if name:
            self.favouriteToggled.emit(str(name))  # the owner re-fills the list with the new order

    def _row_menu(self, pos: QPoint) -> None:
        name = self.list.indexAt(pos).data(ID_ROLE)
        if name:
            self.menuWanted.emit(str(name), self.list.viewport().mapToGlobal(pos))

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self.closed.emit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme.paint_popup_box(self)  # its rounded box and border, instead of the square frame

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search models, or type any model name"))
        self.search.setAccessibleName(self.tr("Search models"))
        self.list.setAccessibleName(self.tr("Models"))
        self.setAccessibleName(self.tr("Choose a model"))
        self.footer.setAccessibleName(self.tr("About this list"))


def _pickable(item: QStandardItem | None) -> bool:
    return item is not None and item.data(KIND_ROLE) in ("model", "typed")


class _RowDelegate(QStyledItemDelegate):
    """Star, full name (elided only at its end), and muted tags on the right."""

    starClicked = Signal(QPersistentModelIndex)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.consumed_click = False

    @staticmethod
    def tag_font(font: Any) -> Any:
        small = type(font)(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return small

    def row_height(self, font: Any) -> int:
        return QFontMetrics(font).height() + 10

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(200, self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        kind = index.data(KIND_ROLE)
        palette = option.palette
        muted = QColor("#a0a0a0" if theme.is_dark(palette) else "#6b6b6b")
        rect = option.rect
        painter.save()
        # Imported here, at the first paint of a row: PySide builds QStyle's types on first use, ≈ 10 ms
        # that the start-up must not pay (the popup opens long after the first frame).
        from PySide6.QtWidgets import QStyle

        selected = bool(option.state & QStyle.StateFlag.State_Selected) and kind in ("model", "typed")
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif option.state & QStyle.StateFlag.State_MouseOver and kind in ("model", "typed"):
            hover = QColor(palette.color(QPalette.ColorRole.Highlight))
            hover.setAlpha(40)
            painter.fillRect(rect, hover)
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        font = option.font
        if kind in ("header", "note"):
            small = self.tag_font(font)
            small.setBold(kind == "header")
            painter.setFont(small)
            painter.setPen(muted)
            painter.drawText(rect.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
            painter.restore()
            return
        if kind == "model":
            favourite = bool(index.data(FAVOURITE_ROLE))
            painter.setPen(QColor("#e0a000") if favourite and not selected else (text_colour if selected else muted))
            painter.setFont(font)
            painter.drawText(QRect(rect.left(), rect.top(), STAR_WIDTH, rect.height()),
                             Qt.AlignmentFlag.AlignCenter, "★" if favourite else "☆")
        left = rect.left() + STAR_WIDTH
        right = rect.right() - 8
        tags = str(index.data(TAGS_ROLE) or "")
        if tags:
            small = self.tag_font(font)
            painter.setFont(small)
            painter.setPen(palette.color(QPalette.ColorRole.HighlightedText) if selected else muted)
            width = QFontMetrics(small).horizontalAdvance(tags)
            painter.drawText(QRect(right - width, rect.top(), width, rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, tags)
            right -= width + 16
        painter.setFont(font)
        painter.setPen(text_colour)
        name = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        shown = QFontMetrics(font).elidedText(name, Qt.TextElideMode.ElideRight, max(0, right - left))
        painter.drawText(QRect(left, rect.top(), max(0, right - left), rect.height()),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
        painter.restore()

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self.consumed_click = False
        if (event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent)
                and index.data(KIND_ROLE) == "model"
                and event.position().x() < option.rect.left() + STAR_WIDTH):
            # The view's clicked() follows this release: it must not pick the model. The list is
            # re-filled after it (the star changes the order), not under the view's feet.
            self.consumed_click = True
            star = QPersistentModelIndex(index)
            QTimer.singleShot(0, lambda: self.starClicked.emit(star))
            return True
        return super().editorEvent(event, model, option, index)
