"""The window's keyboard shortcuts, each with the words Keyboard shortcuts shows for it
(shortcuts_dialog.py reads them from the QShortcut objects: one list, no copy to keep in step)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence, QShortcut

from desktop_chat.ui.common.shortcut_words import describe

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["bind_shortcuts"]


def bind_shortcuts(window: MainWindow) -> QShortcut:
    """Bind every shortcut of *window*; return Esc's (stop the answer), disabled for now."""
    def bind(keys: Sequence[QKeySequence | QKeySequence.StandardKey | str], slot: Any,
             words: object = "") -> QShortcut:
        """*words*: what it does, for Keyboard shortcuts (shortcuts_dialog.py reads them here)."""
        shortcut = None
        for key in keys:
            shortcut = describe(QShortcut(QKeySequence(key), window), words, "MainWindow")
            shortcut.activated.connect(slot)
        assert shortcut is not None
        return shortcut

    bind(["Ctrl+N"], window.new_conversation, QT_TRANSLATE_NOOP("MainWindow", "New conversation"))
    bind(["Ctrl+K", QKeySequence.StandardKey.Find], lambda: window.sidebar.focus_search(),  # shows a hidden list
         QT_TRANSLATE_NOOP("MainWindow", "Search conversations"))
    bind(["Ctrl+,", QKeySequence.StandardKey.Preferences], window.open_settings,
         QT_TRANSLATE_NOOP("MainWindow", "Settings"))
    bind(["Ctrl+Shift+C"], window.message_actions.copy_last_answer, QT_TRANSLATE_NOOP("MainWindow", "Copy the last answer"))
    bind(["Ctrl+Up"], lambda: window.panel.step(-1), QT_TRANSLATE_NOOP("MainWindow", "Previous conversation"))
    bind(["Ctrl+Down"], lambda: window.panel.step(+1), QT_TRANSLATE_NOOP("MainWindow", "Next conversation"))
    bind(["F2"], window.panel.rename_current, QT_TRANSLATE_NOOP("MainWindow", "Rename the conversation"))
    # Esc stops only while the shown conversation answers, so it does not steal Esc from
    # editors (rename, search) the rest of the time.
    stop = bind(["Esc"], window.stop, QT_TRANSLATE_NOOP("MainWindow", "Stop the answer"))
    stop.setEnabled(False)
    return stop

