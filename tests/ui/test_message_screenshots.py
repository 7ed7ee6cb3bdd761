"""Pictures of the message pane in the real window, to look at (issue 18): a new conversation's
greeting and starting points, a long answer (headings, a table, code with a long line, Chinese)
with an answer's actions shown and its versions "‹ 2/3 ›", and the floating "scroll to the newest"
button, at 1400×900 and 800×600, light and dark, English and Chinese.

The Chinese pictures read the shipped catalogue.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QApplication

from desktop_chat.chat.versions import Versions
from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.common import theme
from desktop_chat.ui.runtime import i18n
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import save

SIZES = {"1400x900": (1400, 900), "800x600": (800, 600)}


LONG_ANSWER = (
    "# Python vs Go for a small CLI\n\nBoth work well. The short version:\n\n"
    "| Aspect | Python | Go |\n|---|---|---|\n| Start-up | ~50 ms | ~5 ms |\n"
    "| Distribution | needs an interpreter | one static binary |\n| Typing | optional | static |\n\n"
    "## A Python example\n\nThe standard library's `argparse` is all you need:\n\n"
    "```python\nimport argparse\n\n\ndef main() -> None:\n"
    "    parser = argparse.ArgumentParser(description=\"Greet someone, politely and at length, with options\")\n"
    "    parser.add_argument(\"name\")\n    args = parser.parse_args()\n"
    "    print(f\"Hello, {args.name}!\")  # a friendly greeting\n\n\n"
    "if __name__ == \"__main__\":\n    main()\n```\n\n"
    "### Things to keep in mind\n\n"
    "1. **Start-up time** matters when the tool runs in a loop; otherwise nobody notices 50 ms.\n"
    "2. **Distribution** is where Go shines: copy one file and it runs.\n"
    "3. **Your team** matters most — pick the language people already know.\n\n"
    "> Pick the language your team already knows: that matters more than start-up time.\n\n"
    "### 中文小结\n\n两种语言都适合写命令行工具。Python 开发更快，Go 发布更简单；团队熟悉哪种就用哪种。\n\n"
    "See the [argparse docs](https://docs.python.org/3/library/argparse.html) and run it with `--help`."
)


def _conversation(now: float) -> list[Message]:
    def message(mid: str, role: str, text: str, seq: int, ago_s: float, **fields) -> Message:  # noqa: ANN003
        return Message(id=mid, conversation_id="c", role=role, text=text, seq=seq,
                       status=fields.pop("status", MessageStatus.COMPLETE), created_at=now - ago_s, **fields)

    return [
        message("u1", "user", "Compare Python and Go for a small command-line tool, with an example.", 1,
                3 * 3600),
        message("a1", "assistant", LONG_ANSWER, 2, 3 * 3600 - 20, model="claude-sonnet-4-5", ttft_ms=412.0,
                duration_ms=6412.0, input_tokens=1830, output_tokens=612),
        message("u2", "user", "And in one sentence?", 3, 300),
        message("a2", "assistant", "Python if you want to write it fast, Go if you want to ship it easily.", 4, 120,
                model="gpt-4o", ttft_ms=380.0, duration_ms=1380.0, input_tokens=2410, output_tokens=19),
    ]


def _settle(qtbot, window) -> None:  # noqa: ANN001
    QApplication.sendPostedEvents()
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.wait(60)


@pytest.fixture
def pending_language(qapp):  # noqa: ANN001, ANN201
    def use(language: str) -> None:
        i18n.install_translator(qapp, language)

    yield use
    i18n.install_translator(qapp, "en")
    theme.apply_theme(qapp, "system")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("look", ["light", "dark"])
def test_screenshots_of_the_message_pane(windows, qtbot, fakes, pending_language, look, language):
    settings = configure("openai", fakes("openai"))
    settings.theme = look
    window = windows.new(settings)
    theme.apply_theme(QApplication.instance(), look)
    pending_language(language)
    tag = f"{look}-{'zh' if language != 'en' else 'en'}"
    for size_name, (width, height) in SIZES.items():
        window.resize(width, height)
        window.new_conversation()
        _settle(qtbot, window)
        empty = window.view.empty_state
        assert empty is not None and empty.isVisible()
        assert all(card.icon_label.isVisible() for card in empty.cards)
        save(window, f"messages-empty-{size_name}-{tag}.png")

        view = window.view
        view.set_messages(_conversation(time.time()), has_older=False)
        view.set_versions({"a2": Versions(("a2-old", "a2", "a2-new"), 1)})
        _settle(qtbot, window)
        answer = view.message_widget("a2")
        answer.action_bar.set_hovered(True)  # as under the mouse
        assert answer.version_switcher is not None and answer.version_switcher.label.text() == "2/3"
        _settle(qtbot, window)
        save(window, f"messages-answer-{size_name}-{tag}.png")

        bar = view.scroll_bar()
        bar.setValue(bar.maximum() // 3)  # the user scrolled up to read
        qtbot.waitUntil(lambda: view.newest_button is not None and view.newest_button.isVisible())
        _settle(qtbot, window)
        save(window, f"messages-scrolled-up-{size_name}-{tag}.png")
        view.newest_button.click()
        qtbot.waitUntil(lambda: bar.value() == bar.maximum() and not view.newest_button.isVisible())
