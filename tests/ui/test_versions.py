"""The "‹ 2/3 ›" switcher through the real window: regenerate, edit, switch, and what is sent after."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_chat.domain.messages import MessageStatus
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure, shown_text
from tests.ui.window_actions import last_answer, type_and_send, wait_answer


def switcher(window, message_id: str):  # noqa: ANN001, ANN201
    widget = window.view.message_widget(message_id)
    return None if widget is None else widget.version_switcher


def test_regenerate_shows_2_of_2_and_the_previous_version_can_be_shown_and_continued(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["alpha"]), Scenario(chunks=["bravo"]), Scenario(chunks=["charlie"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "hello")
    first = wait_answer(qtbot, window)
    assert switcher(window, first.id) is None  # one version: no switcher at all
    window.view.regenerateRequested.emit(first.id)
    qtbot.waitUntil(lambda: last_answer(window).id != first.id)
    second = wait_answer(qtbot, window)

    control = switcher(window, second.id)
    assert control is not None and control.isVisible()
    assert control.label.text() == "2/2"
    assert control.previous_button.isEnabled() and not control.next_button.isEnabled()
    assert control.previous_button.accessibleName() == "Previous version"

    qtbot.mouseClick(control.previous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view.message_ids()[-1] == first.id)
    assert switcher(window, first.id).label.text() == "1/2"
    text = shown_text(window.view)
    assert "alpha" in text and "bravo" not in text
    assert [m.text for m in window.store.list_messages(window.current_conversation_id)] == ["hello", "alpha"]

    # the next question goes on from the version shown, and the request carries that branch only
    type_and_send(qtbot, window, "and then?")
    wait_answer(qtbot, window)
    body = fake.requests_to("/v1/messages")[-1].json
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("user", "hello"), ("assistant", "alpha"), ("user", "and then?")]

    qtbot.mouseClick(switcher(window, first.id).next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.view.message_ids()[-1] == second.id)
    assert "charlie" not in shown_text(window.view)


def test_an_edited_question_has_versions_and_the_old_branch_comes_back_whole(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["one"]), Scenario(chunks=["two"]), Scenario(chunks=["edited answer"]))
    window = windows.new(configure("anthropic", fake))
    type_and_send(qtbot, window, "first question")
    wait_answer(qtbot, window)
    type_and_send(qtbot, window, "second question")
    qtbot.waitUntil(lambda: len(window.view.message_ids()) == 4)
    wait_answer(qtbot, window)
    cid = window.current_conversation_id
    original = window.store.list_messages(cid)[0]
    window.view.editResendRequested.emit(original.id, "first question, edited")
    qtbot.waitUntil(lambda: [m.text for m in window.store.list_messages(cid)]
                    == ["first question, edited", "edited answer"], timeout=10_000)
    wait_answer(qtbot, window, MessageStatus.COMPLETE)
    edited = window.store.list_messages(cid)[0]
    control = switcher(window, edited.id)
    assert control is not None and control.label.text() == "2/2"

    qtbot.mouseClick(control.previous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.view.message_ids()) == 4)
    text = shown_text(window.view)
    assert "second question" in text and "edited answer" not in text
    assert switcher(window, original.id).label.text() == "1/2"


def test_versions_are_shown_when_a_conversation_is_opened(windows, qtbot):
    window = windows.new()
    store = window.store
    conversation = store.create_conversation("Kept versions")
    question = store.add_message(conversation.id, "user", "q")
    for text in ("v1", "v2", "v3"):
        store.add_message(conversation.id, "assistant", text, parent_id=question.id)
    window.panel.reload()
    window.open_conversation(conversation.id)
    newest = store.list_messages(conversation.id)[-1]
    control = switcher(window, newest.id)
    assert control is not None and control.label.text() == "3/3"
    assert control.label.accessibleName() == "Version 3 of 3"
    assert switcher(window, question.id) is None


def test_a_search_result_opens_on_the_branch_where_the_words_are(windows, qtbot):
    window = windows.new()
    store = window.store
    conversation = store.create_conversation("Versions of a recipe")
    question = store.add_message(conversation.id, "user", "a soup for tonight?")
    kept = store.add_message(conversation.id, "assistant", "Try a gazpacho.")
    shown = store.add_message(conversation.id, "assistant", "Try a minestrone.", parent_id=question.id)
    window.panel.reload()
    qtbot.keyClicks(window.panel.search, "gazpacho")
    qtbot.waitUntil(lambda: window.panel.model.query == "gazpacho" and window.panel.model.rowCount() == 1)
    window.panel.view.setFocus()
    qtbot.keyClick(window.panel.view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.current_conversation_id == conversation.id)
    qtbot.waitUntil(lambda: kept.id in window.view.message_ids())
    assert shown.id not in window.view.message_ids()
    assert switcher(window, kept.id).label.text() == "1/2"
