"""The window's side of MCP tools (issue 21): the approval prompt before a call, the tool cards in
the answer (live and reopened), and screenshots of both, light and dark, under test-artifacts/."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt

from desktop_chat.chat.tool_rounds import mcp_path
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.tools import servers
from desktop_chat.ui.messages.tool_cards import ToolCard
from tests.fakes.loopback import FakeToolCall, Scenario
from tests.tools.helpers import configure as configure_servers
from tests.tools.helpers import stdio_server
from tests.ui.conftest import configure
from tests.ui.test_attachments_ui import send
from tests.ui.test_screenshot_xvfb import save

LONG = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 14


def _prompt(qtbot, window):  # noqa: ANN001, ANN202
    def waiting() -> list:
        return [p for p in getattr(window.engine.approval, "open_prompts", []) if not p.answered]

    qtbot.waitUntil(lambda: bool(waiting()), timeout=30_000)
    prompt = waiting()[0]
    qtbot.waitExposed(prompt)
    qtbot.wait(50)
    return prompt


def _answer_done(qtbot, window) -> None:  # noqa: ANN001
    def done() -> bool:
        cid = window.current_conversation_id
        if cid is None or window.controller.is_streaming(cid):
            return False
        answers = [m for m in window.store.list_messages(cid) if m.role == "assistant"]
        return bool(answers) and answers[-1].status != MessageStatus.STREAMING
    qtbot.waitUntil(done, timeout=30_000)
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)


def _cards(window) -> list[ToolCard]:  # noqa: ANN001
    return window.view.findChildren(ToolCard)


def test_approval_prompt_and_tool_cards(windows, qtbot, fakes):
    configure_servers(stdio_server())
    fake = fakes("anthropic")
    fake.enqueue(
        Scenario(chunks=["Let me add those and ", "repeat the text."], tool_calls=[
            FakeToolCall("calc__add", {"a": 20, "b": 22}, call_id="w1"),
            FakeToolCall("calc__echo", {"text": LONG}, call_id="w2")]),
        Scenario(chunks=["The sum is **42**, and the text came back unchanged."]),
        Scenario(chunks=["Trying again."], tool_calls=[FakeToolCall("calc__shout", {"text": "hello"}, call_id="w3")]),
        Scenario(chunks=["That tool refused."]),
    )
    settings = configure("anthropic", fake)
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1100, 760)

    send(qtbot, window, "What is 20 + 22? And repeat the lorem ipsum.")
    prompt = _prompt(qtbot, window)
    assert (prompt.request.server, prompt.request.tool, prompt.request.arguments) == ("calc", "add", {"a": 20, "b": 22})
    assert '"a": 20' in prompt.arguments.toPlainText()
    save(prompt, "tools-approval-light.png")
    save(window, "tools-approval-window-light.png")
    qtbot.mouseClick(prompt.once_button, Qt.MouseButton.LeftButton)

    prompt = _prompt(qtbot, window)
    assert prompt.request.tool == "echo"
    qtbot.mouseClick(prompt.always_button, Qt.MouseButton.LeftButton)
    _answer_done(qtbot, window)

    cards = _cards(window)
    assert [(c.server, c.tool) for c in cards] == [("calc", "add"), ("calc", "echo")]
    assert cards[0].result.content == "42" and cards[0].state.text().startswith("done")
    cards[0].toggle_expanded()
    cards[1].toggle_expanded()
    assert cards[1].show_all_button.isVisible() and cards[1].result_label.text().endswith("…")
    qtbot.wait(50)
    save(window, "tools-cards-light.png")
    qtbot.mouseClick(cards[1].show_all_button, Qt.MouseButton.LeftButton)
    assert cards[1].result_label.text() == LONG and not cards[1].show_all_button.isVisible()
    assert servers.load(mcp_path()).get("calc").always_allow == ("echo",)

    # dark: a second turn whose tool fails; the prompt and the cards as they look there
    settings.theme = "dark"
    window.apply_settings()
    send(qtbot, window, "Shout hello.")
    prompt = _prompt(qtbot, window)
    save(prompt, "tools-approval-dark.png")
    qtbot.mouseClick(prompt.once_button, Qt.MouseButton.LeftButton)
    _answer_done(qtbot, window)
    cards = _cards(window)
    error_card = next(c for c in cards if c.tool == "shout")
    assert error_card.result.is_error and error_card.state.text().startswith("error")
    error_card.toggle_expanded()
    qtbot.wait(50)
    save(window, "tools-cards-dark.png")


def test_deny_in_the_window_and_cards_of_a_reopened_answer(windows, qtbot, fakes):
    configure_servers(stdio_server())
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["Checking."], tool_calls=[FakeToolCall("calc__count_calls", {}, call_id="x1")]),
                 Scenario(chunks=["You said no."]))
    window = windows.new(configure("anthropic", fake))
    send(qtbot, window, "count")
    prompt = _prompt(qtbot, window)
    qtbot.keyClick(prompt, Qt.Key.Key_Escape)  # Escape denies
    _answer_done(qtbot, window)
    sent = fake.requests_to("/v1/messages")[1].json["messages"][2]["content"][0]
    assert (sent["content"], sent["is_error"]) == ("The user denied this tool call.", True)
    assert _cards(window)[0].state.text() == "denied"

    cid = window.current_conversation_id
    window.new_conversation()
    qtbot.waitUntil(lambda: _cards(window) == [])
    window.open_conversation(cid)
    qtbot.waitUntil(lambda: len(_cards(window)) == 1, timeout=10_000)  # built from the stored parts
    assert _cards(window)[0].tool == "count_calls" and _cards(window)[0].state.text() == "denied"


def test_stop_while_the_prompt_is_open_closes_it(windows, qtbot, fakes):
    configure_servers(stdio_server())
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["Hm."], tool_calls=[FakeToolCall("calc__add", {"a": 1, "b": 2})]))
    window = windows.new(configure("anthropic", fake))
    send(qtbot, window, "add")
    prompt = _prompt(qtbot, window)
    window.controller.stop(window.current_conversation_id)
    qtbot.waitUntil(lambda: not shiboken6.isValid(prompt) or not prompt.isVisible(), timeout=10_000)
    _answer_done(qtbot, window)
    answer = [m for m in window.store.list_messages(window.current_conversation_id) if m.role == "assistant"][-1]
    assert answer.status == MessageStatus.STOPPED


def test_a_server_that_does_not_start_is_named_beside_the_answer(windows, qtbot, fakes):
    configure_servers(stdio_server("broken", mode="crash"))
    fake = fakes("anthropic")
    fake.enqueue(Scenario(chunks=["Answering without tools."]))
    window = windows.new(configure("anthropic", fake))
    send(qtbot, window, "hello")
    _answer_done(qtbot, window)
    answer = [m for m in window.store.list_messages(window.current_conversation_id) if m.role == "assistant"][-1]
    widget = window.view.message_widget(answer.id)
    qtbot.waitUntil(lambda: widget._notice_label is not None and widget.notice_label.isVisible(), timeout=10_000)
    assert "MCP server “broken” stopped while starting" in widget.notice_label.text()
    assert "cannot open database" in widget.notice_label.text()
