"""Several conversations answering at once: events are routed by conversation, never mixed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.window.turn_events import AnswerText, TurnEnded
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure, shown_text, view_text

A = [f"alpha{i} " for i in range(40)]
B = [f"bravo{i} " for i in range(40)]


def send(qtbot, window, text: str) -> str:  # noqa: ANN001
    window.composer.setFocus()
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_conversation_id is not None
                    and window.controller.live_answer(window.current_conversation_id) is not None)
    return window.current_conversation_id


def send_second(qtbot, window, fake, text: str) -> str:  # noqa: ANN001
    """Start a second conversation once the first request is on the wire (the fake answers in order)."""
    qtbot.waitUntil(lambda: len(fake.requests) == 1, timeout=10_000)
    window.new_conversation()
    return send(qtbot, window, text)


def answer_of(window, cid: str):  # noqa: ANN001, ANN201
    return [m for m in window.store.list_messages(cid) if m.role == "assistant"][-1]


def test_two_conversations_stream_at_once_and_switching_never_mixes_tokens(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=A, chunk_delay=0.03), Scenario(chunks=B, chunk_delay=0.03))
    window = windows.new(configure("anthropic", fake))

    # Every delta the view receives must belong to the conversation on screen at that moment.
    misrouted: list = []
    real_append = window.view.append_text

    def checked_append(message_id: str, text: str) -> None:
        shown = window.current_conversation_id
        message = window.store.get_message(message_id)
        if message is None or message.conversation_id != shown:
            misrouted.append((message_id, text))
        real_append(message_id, text)

    window.view.append_text = checked_append

    first = send(qtbot, window, "conversation one")
    second = send_second(qtbot, window, fake, "conversation two")
    assert first != second
    assert window.controller.is_streaming(first) and window.controller.is_streaming(second)
    assert window.panel.model.data(window.panel.model.index(window.panel.model.row_of(first)),
                                   Qt.ItemDataRole.UserRole + 4)  # the list marks both as answering

    # Switch back and forth while both stream.
    for _ in range(3):
        window.open_conversation(first)
        qtbot.waitUntil(lambda: "alpha" in shown_text(window.view), timeout=5000)
        assert "bravo" not in shown_text(window.view)
        assert window.composer_bar.stop_button.isVisible()
        window.open_conversation(second)
        qtbot.waitUntil(lambda: "bravo" in shown_text(window.view), timeout=5000)
        assert "alpha" not in shown_text(window.view)

    # Back to the first while it is still answering: the text so far is shown, then it continues.
    window.open_conversation(first)
    live_id, live_text = window.controller.live_answer(first)
    assert view_text(window.view, live_id) == live_text
    qtbot.waitUntil(lambda: not window.controller.streaming_ids(), timeout=20_000)

    assert answer_of(window, first).text == "".join(A)
    assert answer_of(window, second).text == "".join(B)
    assert answer_of(window, first).status == answer_of(window, second).status == MessageStatus.COMPLETE
    assert view_text(window.view, answer_of(window, first).id) == "".join(A)
    assert misrouted == []
    # The two requests really overlapped on the wire.
    one, two = fake.requests_to("/v1/messages")
    assert two.received_at < one.received_at + 0.03 * len(A)


def test_stopping_one_conversation_leaves_the_other_answering(windows, qtbot, fakes):
    fake = fakes("openai")
    fake.enqueue(Scenario(chunks=A, chunk_delay=0.03), Scenario(chunks=B, chunk_delay=0.03))
    window = windows.new(configure("openai", fake))
    first = send(qtbot, window, "one")
    second = send_second(qtbot, window, fake, "two")
    qtbot.waitUntil(lambda: "bravo1" in (window.controller.live_answer(second) or ("", ""))[1], timeout=5000)
    window.stop()  # the shown conversation: the second
    qtbot.waitUntil(lambda: not window.controller.is_streaming(second))
    assert window.controller.is_streaming(first)
    qtbot.waitUntil(lambda: not window.controller.is_streaming(first), timeout=20_000)
    assert answer_of(window, second).status == MessageStatus.STOPPED
    assert answer_of(window, first).status == MessageStatus.COMPLETE
    assert answer_of(window, first).text == "".join(A)
    assert fake.requests[1].disconnected.wait(5)


def test_a_conversation_cannot_start_a_second_answer_while_it_streams(windows, qtbot, fakes):
    fake = fakes("anthropic", Scenario(chunks=A, chunk_delay=0.03))
    window = windows.new(configure("anthropic", fake))
    cid = send(qtbot, window, "one")
    assert not window.composer_bar.send_button.isVisible()
    qtbot.keyClicks(window.composer, "impatient")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.composer.toPlainText() == "impatient"  # kept, not sent
    assert window.controller.send(cid, "again", endpoint_id=None, model=None) is False
    qtbot.waitUntil(lambda: not window.controller.is_streaming(cid), timeout=20_000)
    assert len(fake.requests_to("/v1/messages")) == 1


def test_an_error_in_a_background_conversation_is_reported_with_its_title(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=A, chunk_delay=0.02, drop_after=20))
    window = windows.new(configure("anthropic", fake))
    first = send(qtbot, window, "the background one")
    window.new_conversation()
    qtbot.waitUntil(lambda: not window.controller.is_streaming(first), timeout=10_000)
    assert answer_of(window, first).status == MessageStatus.ERROR
    assert "the background one" in window.statusBar().currentMessage()
    assert window.view.message_ids() == []  # the draft on screen got nothing


def test_a_burst_of_deltas_is_announced_once_per_pass_of_the_loop_and_before_the_end(windows, qtbot, fakes):
    """The controller hands the window what arrived since the loop last ran, not every token."""
    fake = fakes("anthropic")
    tokens = [f"t{i} " for i in range(400)]
    fake.enqueue(Scenario(chunks=tokens))  # as fast as the server can send them
    window = windows.new(configure("anthropic", fake))
    announced: list[str] = []
    order: list[str] = []

    def seen(_cid: str, event: object) -> None:
        match event:
            case AnswerText(text=text):
                announced.append(text)
                order.append("text")
            case TurnEnded():
                order.append("ended")

    window.controller.turnEvent.connect(seen)
    cid = send(qtbot, window, "burst")
    qtbot.waitUntil(lambda: not window.controller.streaming_ids(), timeout=20_000)
    assert "".join(announced) == "".join(tokens) == answer_of(window, cid).text
    assert len(announced) < len(tokens)
    assert order[-1] == "ended" and order.count("ended") == 1


def test_a_turn_reaches_the_window_through_one_signal_in_the_order_it_happened(windows, qtbot, fakes):
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["Hello, ", "world!"]))
    window = windows.new(configure("anthropic", fake))
    kinds: list[str] = []
    conversations: set[str] = set()

    def seen(cid: str, event: object) -> None:
        conversations.add(cid)
        kinds.append(type(event).__name__)

    window.controller.turnEvent.connect(seen)
    cid = send(qtbot, window, "hi")
    qtbot.waitUntil(lambda: "TurnEnded" in kinds, timeout=20_000)

    assert conversations == {cid}
    assert kinds[0] == "StreamingChanged" and kinds[1:3] == ["TurnStarted", "Started"]
    assert "AnswerText" in kinds
    assert kinds[-3:] == ["MessageChanged", "StreamingChanged", "TurnEnded"]
    assert answer_of(window, cid).text == "Hello, world!"
