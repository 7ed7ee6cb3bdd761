"""The knowledge-base picker of the top bar: which collection this conversation searches.

An icon button (books) beside Attach; once a collection is attached its name shows beside the
icon (elided), so the composer says what every question searches. The tooltip says the rest. It
opens a menu: None, each collection with its size, then "New from a folder…". A folder
dropped on it becomes a new collection. It holds no data itself: the controller fills the menu
(from a worker thread) and acts on its signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDragEnterEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolButton, QWidget

from desktop_chat.ui.common import icons
from desktop_chat.ui.common.theme import current_tokens, round_menu

__all__ = ["KnowledgePicker"]


class KnowledgePicker(QToolButton):
    chosen = Signal(object)  # a collection's name, or None
    createRequested = Signal()  # "New from a folder…"
    updateRequested = Signal(str)  # "Update “NAME”": index what changed in its folders
    folderDropped = Signal(object)  # a Path
    menuWanted = Signal()  # clicked: the controller lists the collections, then calls show_menu

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("knowledgePicker")
        self.setAcceptDrops(True)
        tokens = current_tokens()
        self.setProperty("iconButton", True)  # flat, with the hover of the composer's other icons
        self.setIcon(icons.icon("knowledge", "muted"))
        self.setIconSize(QSize(tokens.icon, tokens.icon))
        self.setFixedHeight(tokens.icon_button)
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # May shrink (the label elides): the top bar must not raise the window's minimum width.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMaximumWidth(170)  # beside the editor: a long name elides rather than narrowing it
        self.current: str | None = None
        self._full = ""  # the whole label; the button shows it elided when the top bar is narrow
        self.collections: list[tuple[str, int, int]] = []
        self._menu = round_menu(QMenu(self))
        self._menu.setObjectName("knowledgeMenu")
        self.clicked.connect(self.menuWanted)
        self.retranslate()

    # -- what it shows --

    def set_current(self, name: str | None) -> None:
        self.current = name
        self.retranslate()

    def show_menu(self, collections: list[tuple[str, int, int]]) -> None:
        """Fill the menu with *collections* ((name, files, pages)) and open it under the button."""
        self.collections = collections
        self._fill()
        self._menu.popup(self.mapToGlobal(self.rect().bottomLeft()))

    def _fill(self) -> None:
        menu = self._menu
        menu.clear()
        group = QActionGroup(menu)
        none = QAction(self.tr("No knowledge base"), menu)
        none.setCheckable(True)
        none.setChecked(self.current is None)
        none.triggered.connect(lambda: self.chosen.emit(None))
        group.addAction(none)
        menu.addAction(none)
        if self.collections:
            menu.addSeparator()
        for name, files, pages in self.collections:
            action = QAction(self.tr("%1 (%2 files, %3 pages)").replace("%1", name)
                             .replace("%2", f"{files:,}").replace("%3", f"{pages:,}"), menu)
            action.setCheckable(True)
            action.setChecked(name == self.current)
            action.triggered.connect(lambda _checked=False, chosen=name: self.chosen.emit(chosen))
            group.addAction(action)
            menu.addAction(action)
        menu.addSeparator()
        if self.current:
            update = menu.addAction(self.tr("Update “%1” (index changed files)").replace("%1", self.current))
            update.triggered.connect(lambda _checked=False, name=self.current: self.updateRequested.emit(name))
        create = menu.addAction(self.tr("New knowledge base from a folder…"))
        create.triggered.connect(self.createRequested)

    def retranslate(self) -> None:
        chosen = bool(self.current)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon if chosen
                                else Qt.ToolButtonStyle.ToolButtonIconOnly)
        if self.property("chosen") != chosen:  # the style sheet gives the name room beside the icon
            polished = self.property("chosen") is not None  # (the first time, before any polish: no style asked)
            self.setProperty("chosen", chosen)
            if polished:
                self.style().unpolish(self)
                self.style().polish(self)
        if self.current:
            self._set_label(self.current)
            self.setToolTip(self.tr("Every question in this conversation searches “%1” and sends what it "
                                    "finds with the question. Click to change; drop a folder here to make "
                                    "a new knowledge base.").replace("%1", self.current))
        else:
            self._set_label("")  # the icon alone: its tooltip and accessible name say what it is
            self.setToolTip(self.tr("Search your own documents by meaning with every question: choose a "
                                    "knowledge base, or drop a folder here to make one."))
        self.setAccessibleName(self.tr("Knowledge base for this conversation"))

    # -- a label that gives way in a narrow window (the top bar must not widen the window's minimum) --

    def _set_label(self, text: str) -> None:
        self._full = text
        # The frame and margins around the text, measured with the whole text (a short elided text
        # would count the style's minimum button width as padding).
        self.setText(text)
        self._pad = max(0, super().sizeHint().width() - self.fontMetrics().horizontalAdvance(text))
        self._elide()
        self.updateGeometry()

    def _padding(self) -> int:
        return getattr(self, "_pad", 0)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.fontMetrics().horizontalAdvance(self._full) + self._padding()
        return QSize(max(width, current_tokens().icon_button), hint.height())  # the icon alone: a square

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("Kn…") + self._padding()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.width() - self._padding() + 4) if self.isVisible() else 1 << 20  # + rounding
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        if shown != self.text():
            self.setText(shown)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- a dropped folder --

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _folder(event.mimeData().urls()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        folder = _folder(event.mimeData().urls())
        if folder is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.folderDropped.emit(folder)


def _folder(urls: Sequence[QUrl]) -> Path | None:
    for url in urls:
        local = url.toLocalFile()
        # A stat of a local path the user is dragging: instant, and Qt asks for it on the GUI thread.
        if local and Path(local).is_dir():
            return Path(local)
    return None
