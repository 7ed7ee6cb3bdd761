"""A visible door to everything: the Settings button and the app menu, at the foot of the sidebar.

    [⚙ Settings]                [⋯]      ← the conversation list's last row (ChatGPT, Cherry Studio)

The ⋯ menu holds Settings…, Import…, Export…, Keyboard shortcuts and About. Neither depends on
the sidebar being shown: F10 opens the menu from anywhere, Ctrl+, opens Settings, and while the
sidebar is hidden (or dragged shut) a ⋯ button takes its place at the left of the status bar,
the same corner of the window. Import and export run in worker threads (transfer.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QMenu, QSplitter, QToolButton, QWidget

from desktop_chat.ui.common.icons import icon
from desktop_chat.ui.common.shortcut_words import describe
from desktop_chat.ui.common.theme import round_menu

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow
    from desktop_chat.ui.conversations.transfer import Transfer

__all__ = ["AppMenu", "MENU_KEY"]

MENU_KEY = "F10"  # the menu key of Windows and most Linux desktops


class AppMenu(QObject):
    """Builds the sidebar's foot (`footer`), the menu, and the stand-in button for a hidden sidebar."""

    _transfer: Transfer | None

    @property
    def transfer(self) -> Transfer:
        """Import and export (transfer.py), imported and built on first use: not on the start-up path."""
        if self._transfer is None:
            from desktop_chat.ui.conversations.transfer import Transfer

            window = self._window
            transfer = Transfer(window.conversations, window.runner, window, lambda: window.current_conversation_id)
            transfer.imported.connect(lambda *_: window.panel.reload())
            transfer.exported.connect(self._exported)
            transfer.failed.connect(lambda text: window.statusBar().showMessage(text, 15_000))
            self._transfer = transfer
        return self._transfer

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._transfer = None  # built when Import… or Export… is first chosen
        self._dialogs: dict[str, QWidget] = {}

        self.footer = QWidget(window)
        self.footer.setObjectName("sidebarFooter")
        self.footer.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the sidebar's shade (style sheet)
        self.settings_button = self._tool_button("settingsButton", self.footer)
        self.settings_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.settings_button.clicked.connect(lambda: window.open_settings())
        self.menu_button = self._tool_button("appMenuButton", self.footer)
        row = QHBoxLayout(self.footer)
        row.setContentsMargins(0, 4, 4, 0)
        row.addWidget(self.settings_button)
        row.addStretch(1)
        row.addWidget(self.menu_button)
        panel_column = window.panel.layout()
        if panel_column is not None:  # the list's column: the footer is its last row
            panel_column.addWidget(self.footer)

        # Stands in for the footer while the sidebar is hidden: same corner, same menu.
        self.compact_button = self._tool_button("appMenuCompactButton", window)
        self.compact_button.hide()

        self.menu = round_menu(QMenu(window))
        self.menu.setObjectName("appMenu")
        self.settings_action = self._action("settingsAction", lambda: window.open_settings())
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))  # shown in the menu; bound by the window
        self.settings_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.import_action = self._action("importAction", lambda: self.transfer.choose_import())
        self.export_action = self._action("exportAction", lambda: self.transfer.choose_export())
        self.menu.addSeparator()
        self.shortcuts_action = self._action("shortcutsAction", self.show_shortcuts)
        self.about_action = self._action("aboutAction", self.show_about)
        self.menu_button.clicked.connect(lambda: self.popup(self.menu_button))
        self.compact_button.clicked.connect(lambda: self.popup(self.compact_button))

        shortcut = QShortcut(QKeySequence(MENU_KEY), window)
        shortcut.activated.connect(self.popup)
        describe(shortcut, QT_TRANSLATE_NOOP("AppMenu", "Open the app menu"), "AppMenu")
        window.panel.installEventFilter(self)
        self._paint_icons()
        self.retranslate()

    # -- building ------------------------------------------------------------------------------

    @staticmethod
    def _tool_button(name: str, parent: QWidget) -> QToolButton:
        button = QToolButton(parent)
        button.setObjectName(name)
        button.setAutoRaise(True)
        button.setProperty("iconButton", True)  # flat, with the theme's hover state (style sheet)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    def _action(self, name: str, slot: object) -> QAction:
        action = QAction(self.menu)
        action.setObjectName(name)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    def _paint_icons(self) -> None:
        # Glyphs from the one icon family; they take the theme's colours as they paint.
        self.settings_button.setIcon(icon("settings"))
        self.menu_button.setIcon(icon("more"))
        self.compact_button.setIcon(icon("more"))

    def retranslate(self) -> None:
        self.settings_button.setText(self.tr("Settings"))
        self.settings_button.setToolTip(self.tr("Settings (Ctrl+,)"))
        self.settings_button.setAccessibleName(self.tr("Settings"))
        for button in (self.menu_button, self.compact_button):
            button.setToolTip(self.tr("Menu ({key})").format(key=MENU_KEY))
            button.setAccessibleName(self.tr("App menu"))
        self.menu.setAccessibleName(self.tr("App menu"))
        self.settings_action.setText(self.tr("Settings…"))
        self.import_action.setText(self.tr("Import…"))
        self.export_action.setText(self.tr("Export…"))
        self.shortcuts_action.setText(self.tr("Keyboard shortcuts"))
        self.about_action.setText(self.tr("About Desktop Chat"))

    # -- showing -------------------------------------------------------------------------------

    def popup(self, anchor: QWidget | None = None) -> None:
        """Open the menu above *anchor*, else above whichever menu button is shown, else at the
        top-left corner of the window."""
        if anchor is None:
            anchor = next((b for b in (self.menu_button, self.compact_button) if b.isVisible()), None)
        if anchor is not None:
            size = self.menu.sizeHint()
            point = anchor.mapToGlobal(QPoint(anchor.width() - size.width(), -size.height()))
            if anchor is self.compact_button:
                point = anchor.mapToGlobal(QPoint(0, -size.height()))
        else:
            point = self._window.mapToGlobal(QPoint(8, 8))
        self.menu.popup(point)

    def show_shortcuts(self) -> None:
        from desktop_chat.ui.window.shortcuts_dialog import ShortcutsDialog

        self._open("shortcuts", lambda: ShortcutsDialog(self._window))

    def show_about(self) -> None:
        from desktop_chat.ui.window.about_dialog import AboutDialog

        self._open("about", lambda: AboutDialog(self._window))

    def _open(self, key: str, make: object) -> None:
        dialog = self._dialogs.get(key)
        if dialog is None:
            dialog = make()  # type: ignore[operator]
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda *_: self._dialogs.pop(key, None))
            self._dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def dialog(self, key: str) -> QWidget | None:
        """The About ("about") or shortcuts ("shortcuts") dialog, while it is open."""
        return self._dialogs.get(key)

    def _exported(self, path: str, count: int) -> None:
        text = (self.tr("Exported 1 conversation to {path}.") if count == 1
                else self.tr("Exported {count} conversations to {path}.")).format(count=count, path=path)
        self._window.statusBar().showMessage(text, 15_000)

    # -- the sidebar hidden or shown -------------------------------------------------------------

    def sync(self) -> None:
        """Show the stand-in ⋯ in the status bar exactly while the sidebar cannot be seen."""
        panel = self._window.panel
        splitter = panel.parentWidget()
        # A splitter collapses a child by moving it out of view at its full width: ask the splitter.
        collapsed = isinstance(splitter, QSplitter) and splitter.sizes()[splitter.indexOf(panel)] == 0
        hidden = not panel.isVisible() or collapsed
        if hidden and self.compact_button.parent() is not self._window.statusBar():
            self._window.statusBar().insertWidget(0, self.compact_button)
        self.compact_button.setVisible(hidden)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window.panel and event.type() in (QEvent.Type.Show, QEvent.Type.Hide,
                                                               QEvent.Type.Resize, QEvent.Type.Move):
            self.sync()
        elif watched is self._window.panel and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False
