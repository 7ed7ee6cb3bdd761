"""The visible door: the Settings button and the app menu at the foot of the sidebar."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QWidget

from desktop_chat import __version__
from desktop_chat.config import data_dir
from desktop_chat.ui.common.shortcut_words import describe
from desktop_chat.ui.window.shortcuts_dialog import listed_shortcuts
from tests.ui.conftest import configure
from tests.ui.window_actions import type_and_send, wait_answer


def _settings_open(window) -> bool:  # noqa: ANN001
    return window.settings_door.dialog is not None and window.settings_door.dialog.isVisible()


def test_the_settings_button_sits_at_the_foot_of_the_sidebar_and_opens_settings(windows, qtbot):
    window = windows.new()
    button = window.findChild(QWidget, "settingsButton")
    assert button.isVisible() and button.text() == "Settings" and not button.icon().isNull()
    panel = window.panel
    assert panel.isAncestorOf(button)
    assert button.mapTo(panel, button.rect().bottomLeft()).y() > panel.height() - 40  # at its foot
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _settings_open(window))
    window.settings_door.dialog.reject()


def test_the_menu_holds_every_door_and_f10_opens_it(windows, qtbot):
    window = windows.new()
    menu = window.app_menu.menu
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Settings…", "Import…", "Export…", "Keyboard shortcuts", "About Desktop Chat"]
    qtbot.mouseClick(window.findChild(QWidget, "appMenuButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(menu.isVisible)
    menu.hide()
    qtbot.keyClick(window, Qt.Key.Key_F10)
    qtbot.waitUntil(menu.isVisible)
    menu.actions()[0].trigger()
    menu.hide()
    qtbot.waitUntil(lambda: _settings_open(window))
    window.settings_door.dialog.reject()


def test_with_the_sidebar_hidden_the_menu_is_still_one_click_away(windows, qtbot):
    window = windows.new()
    compact = window.findChild(QWidget, "appMenuCompactButton")
    assert not compact.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # the sidebar toggle (Ctrl+B)
    assert window.panel.isHidden()
    qtbot.waitUntil(compact.isVisible)
    assert compact.parent() is window.statusBar()
    qtbot.mouseClick(compact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.app_menu.menu.isVisible)
    window.app_menu.menu.hide()
    window.sidebar.toggle()
    qtbot.waitUntil(lambda: not compact.isVisible())
    window.splitter.setSizes([0, 1100])  # dragged shut
    qtbot.waitUntil(compact.isVisible)
    window.splitter.setSizes([260, 840])
    qtbot.waitUntil(lambda: not compact.isVisible())


class _FolderOpener(QObject):
    """Stands in for the desktop's file manager: records what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


def test_about_shows_the_version_and_data_folder_and_opens_it(windows, qtbot):
    window = windows.new()
    window.app_menu.about_action.trigger()
    about = window.app_menu.dialog("about")
    qtbot.waitUntil(about.isVisible)
    text = "\n".join(label.text() for label in about.findChildren(QLabel))
    assert f"Version {__version__}" in text and str(data_dir()) in text
    opener = _FolderOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    try:
        qtbot.mouseClick(about.findChild(QWidget, "openDataFolderButton"), Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in opener.opened] == [str(data_dir())]
    about.reject()


def test_keyboard_shortcuts_are_read_from_where_they_are_bound(windows, qtbot):
    window = windows.new()
    rows = dict(listed_shortcuts(window))
    assert rows["New conversation"] == [QKeySequence("Ctrl+N").toString(QKeySequence.SequenceFormat.NativeText)]
    assert "Ctrl+K" in rows["Search conversations"] and "F10" in rows["Open the app menu"]
    # A shortcut bound later shows too: there is no second list to keep in step.
    later = describe(QShortcut(QKeySequence("Ctrl+Shift+L"), window), "Toggle something new", "MainWindow")
    window.app_menu.shortcuts_action.trigger()
    dialog = window.app_menu.dialog("shortcuts")
    qtbot.waitUntil(dialog.isVisible)
    shown = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert "Toggle something new" in shown and "Stop the answer" in shown
    later.setParent(None)
    dialog.reject()


def _accept_file(qtbot, window, name: str, path: Path) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: isinstance(window.app_menu.transfer.last_dialog, QFileDialog)
                    and window.app_menu.transfer.last_dialog.objectName() == name
                    and window.app_menu.transfer.last_dialog.isVisible())
    dialog = window.app_menu.transfer.last_dialog
    dialog.selectFile(str(path))
    dialog.accept()


def test_export_then_import_through_the_menu(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    for question in ("first question", "second question"):
        window.new_conversation()
        type_and_send(qtbot, window, question)
        wait_answer(qtbot, window)
    transfer = window.app_menu.transfer
    target = tmp_path / "all.json"
    window.app_menu.export_action.trigger()
    choice = transfer.last_dialog
    qtbot.waitUntil(choice.isVisible)
    choice.findChild(QWidget, "exportAllRadio").setChecked(True)
    qtbot.mouseClick(choice.findChild(QWidget, "exportNextButton"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(transfer.exported, timeout=10_000):
        _accept_file(qtbot, window, "exportFileDialog", target)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert len(document["conversations"]) == 2
    assert "Exported 2 conversations" in window.statusBar().currentMessage()

    # One conversation is deleted; importing the file brings it back and skips the other.
    gone = window.current_conversation_id
    window.store.delete_conversation(gone)
    window.panel.reload()
    window.app_menu.import_action.trigger()
    with qtbot.waitSignal(transfer.imported, timeout=10_000) as imported:
        _accept_file(qtbot, window, "importFileDialog", target)
    assert imported.args == [1, 1]
    result = transfer.last_dialog
    assert isinstance(result, QMessageBox)
    assert result.text() == "Imported 1 conversation. 1 was already here and was skipped."
    qtbot.waitUntil(lambda: window.panel.model.row_of(gone) >= 0)  # the list shows it again
    result.accept()


def test_a_bad_import_says_what_is_wrong_and_imports_nothing(windows, qtbot, tmp_path):
    window = windows.new()
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with qtbot.waitSignal(window.app_menu.transfer.failed, timeout=10_000) as failed:
        window.app_menu.transfer.import_file(str(bad))
    assert "Nothing was imported" in failed.args[0] and "notes.json" in failed.args[0]
    box = window.app_menu.transfer.last_dialog
    assert isinstance(box, QMessageBox) and box.isVisible() and box.text() == failed.args[0]
    box.accept()
    assert window.store.count_conversations() == 0
    assert QApplication.activeModalWidget() is None


def test_import_reads_a_chatgpt_export_or_says_plainly_why_not(windows, qtbot):
    from desktop_chat.store import exchange

    window = windows.new()
    transfer = window.app_menu.transfer
    export = Path(__file__).resolve().parents[1] / "store" / "fixtures" / "chatgpt_conversations.json"
    if exchange.VERSION >= 2:  # the history holds message trees: every branch comes in
        with qtbot.waitSignal(transfer.imported, timeout=10_000) as imported:
            transfer.import_file(str(export))
        assert imported.args[0] > 0 and window.store.count_conversations() == imported.args[0]
    else:  # until then the importer refuses, and the window says so in its words
        with qtbot.waitSignal(transfer.failed, timeout=10_000) as failed:
            transfer.import_file(str(export))
        assert "ChatGPT" in failed.args[0] and "Nothing was imported" in failed.args[0]
        assert window.store.count_conversations() == 0
    transfer.last_dialog.accept()
