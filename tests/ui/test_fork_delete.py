"""Fork ("Continue in a new conversation") and the Delete that asks, through the real window."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from desktop_chat.ui.conversations.delete_dialog import DeleteMessageDialog
from tests.ui.conftest import shown_text


def planets(window):  # noqa: ANN001, ANN201
    """q1 → a1, a1b (regenerated, current); a1b → q2 → a2, shown in the window."""
    store = window.store
    cid = store.create_conversation("Planets").id
    q1 = store.add_message(cid, "user", "Name a planet.")
    a1 = store.add_message(cid, "assistant", "Mars.")
    a1b = store.add_message(cid, "assistant", "Venus.", parent_id=q1.id)
    q2 = store.add_message(cid, "user", "Another one?")
    a2 = store.add_message(cid, "assistant", "Jupiter.")
    window.panel.reload()
    window.open_conversation(cid)
    return cid, {"q1": q1.id, "a1": a1.id, "a1b": a1b.id, "q2": q2.id, "a2": a2.id}


def open_delete_dialog(window, qtbot, message_id: str) -> DeleteMessageDialog:  # noqa: ANN001
    qtbot.mouseClick(window.view.message_widget(message_id).delete_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(DeleteMessageDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_fork_opens_a_copy_of_the_branch_up_to_the_message_with_a_link_to_the_original(windows, qtbot):
    window = windows.new()
    cid, ids = planets(window)
    assert window.fork_origin.isHidden()
    button = window.view.message_widget(ids["q2"]).fork_button
    assert button.isVisible() and button.accessibleName() == "Continue in a new conversation"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.current_conversation_id not in (None, cid))
    fork_id = window.current_conversation_id
    shown = [window.store.get_message(mid).text for mid in window.view.message_ids()]
    assert shown == ["Name a planet.", "Venus.", "Another one?"]  # that branch only, up to the message
    assert "Jupiter." not in shown_text(window.view) and "Mars." not in shown_text(window.view)
    assert window.panel.current_id() == fork_id and window.panel.model.row_of(fork_id) == 0
    assert window.top_bar.title.full_text() == "Planets (fork)"

    link = window.fork_origin
    assert link.isVisible() and link.accessibleName() == "Forked from “Planets”"
    href = re.search(r'href="([^"]+)"', link.text())
    assert href is not None and href.group(1) == cid
    link.linkActivated.emit(href.group(1))  # what a click on the title does
    assert window.current_conversation_id == cid
    assert window.fork_origin.isHidden()
    assert [window.store.get_message(mid).text for mid in window.view.message_ids()][-1] == "Jupiter."


def test_a_fork_whose_original_is_deleted_says_so_and_undo_brings_the_link_back(windows, qtbot):
    window = windows.new()
    cid, ids = planets(window)
    fork = window.conversations.fork(ids["a1b"])
    window.delete_conversation(cid)
    qtbot.waitUntil(lambda: window.store.get_conversation(cid) is None)
    window.open_conversation(fork.id)
    assert window.fork_origin.text() == "Forked from a conversation that has been deleted"
    assert window.undo_button.isVisible()
    window.undo_delete()
    assert window.current_conversation_id == cid  # the restored conversation opens
    assert [m.text for m in window.store.list_messages(cid)][-1] == "Jupiter."
    window.open_conversation(fork.id)
    assert window.fork_origin.accessibleName() == "Forked from “Planets”"


def test_delete_asks_and_this_version_only_keeps_the_other_version(windows, qtbot):
    window = windows.new()
    cid, ids = planets(window)
    dialog = open_delete_dialog(window, qtbot, ids["a1b"])
    assert dialog.version_button.text() == "Delete this version only"
    assert dialog.after_button.isVisible()
    assert dialog.after_button.text() == "Delete this message and everything after it"
    assert "2 versions" in dialog.question.text()
    qtbot.mouseClick(dialog.version_button, Qt.MouseButton.LeftButton)

    assert [m.text for m in window.store.list_messages(cid)] == ["Name a planet.", "Mars."]
    assert window.view.message_ids() == [ids["q1"], ids["a1"]]
    assert window.view.message_widget(ids["a1"]).version_switcher is None  # one version left
    assert window.store.get_message(ids["q2"]) is None


def test_delete_this_message_and_everything_after_it_takes_every_version(windows, qtbot):
    window = windows.new()
    cid, ids = planets(window)
    dialog = open_delete_dialog(window, qtbot, ids["a1b"])
    qtbot.mouseClick(dialog.after_button, Qt.MouseButton.LeftButton)
    assert [m.text for m in window.store.list_messages(cid)] == ["Name a planet."]
    assert window.store.count_all_messages(cid) == 1
    assert window.view.message_ids() == [ids["q1"]]


def test_a_message_with_one_version_offers_one_truthful_choice_and_cancel_deletes_nothing(windows, qtbot):
    window = windows.new()
    cid, ids = planets(window)
    dialog = open_delete_dialog(window, qtbot, ids["q2"])
    assert dialog.version_button.text() == "Delete this message and what follows"
    assert not dialog.after_button.isVisible()  # it would delete the very same messages
    assert dialog.cancel_button.isDefault()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(DeleteMessageDialog) is None)  # closed and deleted
    assert window.store.count_all_messages(cid) == 5

    dialog = open_delete_dialog(window, qtbot, ids["q2"])
    qtbot.mouseClick(dialog.version_button, Qt.MouseButton.LeftButton)
    assert [m.text for m in window.store.list_messages(cid)] == ["Name a planet.", "Venus."]
    assert "Jupiter." not in shown_text(window.view)


def test_a_fork_made_from_a_search_result_shows_in_the_whole_list(windows, qtbot):
    window = windows.new()
    cid, ids = planets(window)
    window.store.create_conversation("Something else")
    window.panel.reload()
    qtbot.keyClicks(window.panel.search, "Jupiter")
    qtbot.waitUntil(lambda: window.panel.model.query == "Jupiter" and window.panel.model.rowCount() == 1)
    window.open_conversation(cid)
    qtbot.mouseClick(window.view.message_widget(ids["a2"]).fork_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_conversation_id not in (None, cid))
    fork_id = window.current_conversation_id
    assert window.panel.search.text() == "" and not window.panel.model.searching
    assert window.panel.model.rowCount() == 3 and window.panel.model.row_of(fork_id) == 0
    assert window.panel.current_id() == fork_id
    assert window.statusBar().currentMessage() == "Continued in a new conversation: “Planets (fork)”."
