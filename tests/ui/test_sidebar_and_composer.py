"""The sidebar's pins, row menu, hover and keyboard states, inline rename and empty state; the
composer box's growth, icon buttons and drop hint (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QToolButton

from desktop_chat.config import database_path
from desktop_chat.store import Store
from desktop_chat.ui.composer.composer import MAX_VISIBLE_LINES, ComposerBar
from desktop_chat.ui.conversations import conversation_list
from desktop_chat.ui.conversations.conversation_delegate import ConversationDelegate
from desktop_chat.ui.conversations.conversation_list import GroupRole
from tests.ui.test_conversation_list import commit_text, conversation_at, days_ago


@pytest.fixture
def store():
    with Store(database_path()) as s:
        yield s


def _panel(qtbot, store):  # noqa: ANN001, ANN202
    panel = conversation_list.ConversationPanel(store, None, None)
    qtbot.addWidget(panel)
    panel.resize(280, 500)
    panel.show()
    qtbot.waitExposed(panel)
    _activate(qtbot, panel)
    panel.reload()
    return panel


def _activate(qtbot, widget) -> None:  # noqa: ANN001
    """Keyboard focus only goes to the active window."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


def _row_centre(panel, row: int) -> QPoint:  # noqa: ANN001
    return panel.view.visualRect(panel.model.index(row)).center()


# -- the sidebar ----------------------------------------------------------------------------------

def test_the_pin_action_moves_a_conversation_to_the_top_and_back(qtbot, store):
    store.import_conversations([conversation_at(days_ago(d), f"c{d}", ["x"]) for d in (0, 2, 9)])
    panel = _panel(qtbot, store)
    oldest = panel.model.conversation_at(2)
    panel.select(oldest.id)
    assert panel.pin_action.text() == "Pin to top" and panel.pin_action.isEnabled()
    panel.pin_action.trigger()
    assert panel.model.conversation_at(0).id == oldest.id and panel.current_id() == oldest.id  # still selected
    assert panel.model.data(panel.model.index(0), GroupRole) == "Pinned"
    assert store.pinned_ids() == {oldest.id}
    assert panel.pin_action.text() == "Unpin"
    panel.pin_action.trigger()
    assert panel.model.conversation_at(2).id == oldest.id and store.pinned_ids() == set()


def test_the_more_button_of_the_row_under_the_mouse_opens_its_menu(qtbot, store):
    store.import_conversations([conversation_at(days_ago(d), f"c{d}", ["x"]) for d in (0, 1)])
    panel = _panel(qtbot, store)
    view = panel.view
    qtbot.mouseMove(view.viewport(), _row_centre(panel, 1))
    qtbot.waitUntil(lambda: view.hovered_row == 1)
    delegate = view.itemDelegate()
    assert isinstance(delegate, ConversationDelegate)
    more = _more_rect(view, 1)
    assert view.viewport().rect().contains(more)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=more.center())
    qtbot.waitUntil(panel.menu.isVisible)
    assert panel.current_id() == panel.model.conversation_at(1).id  # the menu acts on the clicked row
    assert [a.text().split("\t")[0] for a in panel.menu.actions()] == ["Rename", "Pin to top", "Delete"]
    panel.menu.hide()
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))  # the mouse leaves the list: no row is hovered
    assert view.hovered_row == -1


def _more_rect(view, row: int):  # noqa: ANN001, ANN202
    """Where the delegate draws a row's "more" button (as it computes it for a click)."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(view.model().index(row))
    option.font = view.font()
    return view.itemDelegate().more_rect(option, view.model().index(row))


def test_double_click_renames_inline_in_a_named_field(qtbot, store):
    store.create_conversation(title="old title")
    panel = _panel(qtbot, store)
    centre = _row_centre(panel, 0)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a double-click's first press
    qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: panel.view.findChild(QLineEdit, "conversationRename") is not None)
    editor = panel.view.findChild(QLineEdit, "conversationRename")
    assert editor.accessibleName() == "Conversation title" and editor.text() == "old title"
    editor.selectAll()
    commit_text(editor, "新的标题")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.list_conversations()[0].title == "新的标题")


def test_the_empty_list_says_how_to_start_and_a_fruitless_search_says_so(qtbot, store):
    panel = _panel(qtbot, store)
    assert panel.view.empty.isVisible() and "No conversations yet" in panel.view.empty.text()
    store.create_conversation(title="first")
    panel.reload()
    assert not panel.view.empty.isVisible()
    panel.model.show_results("zebra", [])
    assert panel.view.empty.isVisible() and "zebra" in panel.view.empty.text()
    panel.model.reload()
    assert not panel.view.empty.isVisible()


def test_keyboard_focus_shows_a_ring_and_a_mouse_click_does_not(qtbot, store):
    store.import_conversations([conversation_at(days_ago(0), "a", ["x"])])
    panel = _panel(qtbot, store)
    panel.search.setFocus()
    qtbot.keyClick(panel.search, Qt.Key.Key_Tab)  # the New button
    qtbot.keyClick(panel.new_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(panel.view.hasFocus)
    assert panel.view.keyboard_focus
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=_row_centre(panel, 0))
    assert not panel.view.keyboard_focus


def test_the_sidebar_controls_are_icons_with_names(qtbot, store):
    panel = _panel(qtbot, store)
    assert isinstance(panel.new_button, QToolButton) and panel.new_button.text() == ""
    assert not panel.new_button.icon().isNull()
    assert panel.new_button.accessibleName() == "New conversation" and "Ctrl+N" in panel.new_button.toolTip()
    assert isinstance(panel.menu, QMenu) and panel.menu.accessibleName() == "Conversation actions"


# -- the composer ---------------------------------------------------------------------------------

def _bar(qtbot) -> ComposerBar:  # noqa: ANN001
    bar = ComposerBar()
    qtbot.addWidget(bar)
    bar.resize(700, 300)
    bar.show()
    qtbot.waitExposed(bar)
    _activate(qtbot, bar)
    return bar


def test_the_box_grows_with_the_text_up_to_its_limit(qtbot):
    bar = _bar(qtbot)
    editor = bar.composer
    one_line = editor.height()
    editor.setPlainText("one\ntwo\nthree")
    three_lines = editor.height()
    assert three_lines > one_line
    editor.setPlainText("\n".join(str(n) for n in range(40)))
    tallest = editor.height()
    assert tallest > three_lines
    editor.setPlainText("\n".join(str(n) for n in range(80)))
    assert editor.height() == tallest  # the limit: MAX_VISIBLE_LINES, then it scrolls
    assert tallest < (MAX_VISIBLE_LINES + 2) * editor.fontMetrics().lineSpacing() + 40
    editor.clear()
    assert editor.height() == one_line


def test_attach_send_and_stop_are_named_icons_inside_the_box(qtbot):
    bar = _bar(qtbot)
    for button, name in ((bar.attach_button, "Attach files"), (bar.send_button, "Send message"),
                         (bar.stop_button, "Stop answering")):
        assert button.text() == "" and not button.icon().isNull()
        assert button.accessibleName() == name and button.toolTip()
        assert bar.box.isAncestorOf(button)
    assert not bar.send_button.isEnabled()  # nothing to send yet
    bar.composer.setPlainText("hello")
    assert bar.send_button.isEnabled() and bar.send_button.isVisible() and not bar.stop_button.isVisible()
    bar.set_streaming(True)
    assert bar.stop_button.isVisible() and not bar.send_button.isVisible()
    assert bar.stop_button.geometry() == bar.send_button.geometry() or bar.stop_button.size() == bar.send_button.size()


def test_the_outline_follows_the_editor_focus(qtbot):
    bar = _bar(qtbot)
    other = QLineEdit(bar)
    other.show()
    bar.composer.setFocus()
    qtbot.waitUntil(lambda: bar.box.focused)
    other.setFocus()
    qtbot.waitUntil(lambda: not bar.box.focused)


def _drag(path: Path) -> QDragEnterEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    event._mime = mime  # type: ignore[attr-defined]  # the event only points at it
    return event


def test_the_drop_hint_shows_while_files_are_dragged_over_the_window(windows, qtbot, tmp_path):
    window = windows.new()
    bar = window.composer_bar
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    QApplication.sendEvent(window, _drag(pdf))
    assert bar.drop_hint.isVisible() and bar.box.dropping
    assert bar.drop_hint.text() == "Drop to attach: PDFs, text files and images"
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not bar.drop_hint.isVisible() and not bar.box.dropping

    text = QMimeData()
    text.setText("just words")
    QApplication.sendEvent(window, QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, text,
                                                   Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    assert not bar.drop_hint.isVisible()  # only files are offered to attach
