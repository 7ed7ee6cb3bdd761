"""The reasoning block in the real window: it streams live ("Thinking…"), folds to "Thought for
N s" when the answer starts, opens again on a click, copies on its own; the message's Copy copies
the answer only; history shows it folded. The thinking-level control follows the model and
writes the conversation's option. Screenshots light and dark, English and Chinese, under
test-artifacts/ (Chinese from the shipped catalogue)."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.messages.thinking_block import ThinkingBlock
from desktop_chat.ui.models.reasoning_control import ReasoningControl
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_attachments_ui import send, wait_answer
from tests.ui.test_screenshot_xvfb import save

REASONING = ("The user wants to know why the sky is blue. Rayleigh scattering: shorter wavelengths "
             "scatter more strongly (∝ 1/λ⁴), so blue light is scattered across the sky. Violet scatters "
             "even more, but the sun emits less of it and our eyes are less sensitive to it. "
             "Keep the answer short and mention sunsets.")
ANSWER = ("The sky looks blue because air molecules scatter **short wavelengths** of sunlight much more "
          "than long ones (Rayleigh scattering). At sunset the light crosses more air, so the blue is "
          "scattered away and reds and oranges remain.")


def _pieces(text: str, size: int = 9) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def _block(window, answer_id: str) -> ThinkingBlock | None:  # noqa: ANN001
    widget = window.view.message_widget(answer_id)
    return None if widget is None else widget.findChild(ThinkingBlock, "thinkingBlock")


def _answer_id(window) -> str | None:  # noqa: ANN001
    cid = window.current_conversation_id
    answers = [m for m in window.store.list_messages(cid) if m.role == "assistant"] if cid else []
    return answers[-1].id if answers else None


def test_the_block_streams_folds_opens_and_copies_on_its_own(windows, qtbot, fakes):
    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.default_models["openai"] = "o4-mini"  # a model that takes a reasoning effort
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1100, 760)

    control = window.top_bar.findChild(ReasoningControl, "reasoningControl")
    qtbot.waitUntil(lambda: control.isVisible(), timeout=5_000)
    assert control.control == "effort" and control.text() == "Reasoning: Model default"
    control.choose("high")  # before the conversation exists: given to it with the first message

    # The answer waits 0.4 s per piece: time to look at the block while the model "thinks".
    fake.enqueue(Scenario(thinking=_pieces(REASONING), chunks=_pieces(ANSWER, 60), chunk_delay=0.4))
    send(qtbot, window, "Why is the sky blue?")
    qtbot.waitUntil(lambda: _answer_id(window) is not None, timeout=10_000)
    answer_id = _answer_id(window)
    qtbot.waitUntil(lambda: _block(window, answer_id) is not None and _block(window, answer_id).text == REASONING,
                    timeout=10_000)
    block = _block(window, answer_id)
    assert block.thinking and block.is_open and block.text_view.isVisible()
    assert block.toggle_button.text().startswith("Thinking…")  # "Thinking… 2 s" once a second passed
    qtbot.waitUntil(lambda: block.text_view.toPlainText() == REASONING, timeout=5_000)  # drawn at the next frame
    save(window, "thinking-streaming-light.png")

    answer = wait_answer(qtbot, window)
    assert fake.requests_to("/chat/completions")[0].json["reasoning_effort"] == "high"
    assert window.store.get_conversation(window.current_conversation_id).options["reasoning_effort"] == "high"
    assert answer.text == ANSWER.replace("**", "**")  # the answer only: no reasoning in its text
    assert not block.is_open and not block.text_view.isVisible()
    assert block.toggle_button.text().startswith("Thought for ") and block.toggle_button.text().endswith(" s")
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    save(window, "thinking-folded-light.png")

    # The message's Copy: the answer only. The block's Copy (shown while it is open): the reasoning.
    widget = window.view.message_widget(answer_id)
    assert block.copy_button.isHidden()
    qtbot.mouseClick(widget.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == ANSWER

    qtbot.mouseClick(block.toggle_button, Qt.MouseButton.LeftButton)
    assert block.is_open and block.text_view.isVisible()
    qtbot.mouseClick(block.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == REASONING
    qtbot.wait(50)
    save(window, "thinking-open-light.png")

    settings.theme = "dark"
    window.apply_settings()
    qtbot.wait(100)
    save(window, "thinking-open-dark.png")
    qtbot.mouseClick(block.toggle_button, Qt.MouseButton.LeftButton)
    assert not block.is_open
    qtbot.wait(50)
    save(window, "thinking-folded-dark.png")

    # From history: folded, with the stored reasoning and the time it took.
    cid = window.current_conversation_id
    window.new_conversation()
    window.open_conversation(cid)
    stored = _block(window, answer_id)
    assert stored is not None and stored.text == REASONING and not stored.is_open
    assert stored.toggle_button.text().startswith("Thought for ")
    assert control.text() == "Reasoning: High"

    # Chinese.
    settings.theme = "light"
    settings.language = "zh_CN"
    window.apply_settings()
    try:
        qtbot.wait(100)
        stored = _block(window, answer_id)
        assert stored.toggle_button.text().startswith("已思考 ")
        assert control.text() == "推理：高"
        qtbot.mouseClick(stored.toggle_button, Qt.MouseButton.LeftButton)
        qtbot.wait(50)
        save(window, "thinking-open-zh.png")
    finally:
        settings.language = "en"
        window.apply_settings()


def test_a_claude_model_offers_a_thinking_budget_and_a_plain_model_nothing(windows, qtbot, fakes):
    fake = fakes("anthropic")
    settings = configure("anthropic", fake)
    settings.default_models["anthropic"] = "claude-sonnet-4-5"
    window = windows.new(settings)
    control = window.top_bar.findChild(ReasoningControl, "reasoningControl")
    qtbot.waitUntil(lambda: control.isVisible(), timeout=5_000)
    assert control.control == "budget" and control.text() == "Thinking: Off"
    fake.enqueue(Scenario(thinking=["Short thought."], chunks=["Hi!"]))
    send(qtbot, window, "Hello")
    wait_answer(qtbot, window)
    control.choose(16_384)
    assert window.store.get_conversation(window.current_conversation_id).options["thinking_budget"] == 16_384
    assert control.text() == "Thinking: Medium"
    fake.enqueue(Scenario(thinking=["Longer thought."], chunks=["Hi again!"]))
    send(qtbot, window, "Again")
    answer = wait_answer(qtbot, window)
    assert fake.requests_to("/v1/messages")[-1].json["thinking"] == {"type": "enabled", "budget_tokens": 16_384}
    assert answer.status is MessageStatus.COMPLETE
    assert [p.signature for p in answer.typed_parts] == ["fake-signature=="]

    window.choice.show("anthropic", "claude-3-5-haiku-latest")  # no extended thinking
    assert not control.isVisible()


def test_pieces_are_appended_once_per_frame_never_re_rendered(qtbot):
    block = ThinkingBlock()
    qtbot.addWidget(block)
    block.show()
    inserts: list[int] = []
    block.text_view.document().contentsChange.connect(lambda _pos, _removed, added: inserts.append(added))
    for _ in range(2_000):  # a burst: thousands of deltas between two frames
        block.append("word ")
    assert inserts == [] and block.thinking and block.is_open
    qtbot.waitUntil(lambda: block.text_view.toPlainText() == "word " * 2_000, timeout=5_000)
    assert len(inserts) == 1  # one insertion for the whole burst
    block.append("more")
    qtbot.waitUntil(lambda: block.text_view.toPlainText().endswith("more"), timeout=5_000)
    assert inserts[-1] == len("more")  # only the new piece: nothing shown before is laid out again
    block.answer_started()
    assert not block.is_open and block.toggle_button.text().startswith("Thought for ")


def test_only_redacted_reasoning_says_so_and_offers_nothing_to_open(qtbot):
    from desktop_chat.domain.parts import ThinkingPart

    block = ThinkingBlock()
    qtbot.addWidget(block)
    block.show_parts([ThinkingPart("opaque==", redacted=True)], streaming=False)
    assert block.toggle_button.text() == "Reasoning (encrypted by the provider, not shown)"
    assert not block.toggle_button.isEnabled() and block.copy_button.isHidden()
    assert "opaque" not in block.text
