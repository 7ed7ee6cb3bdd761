"""Small windows work: a minimum size from the layout (800×600 fits), a conversation list that
hides (button, Ctrl+B) and stays hidden at the next start, and a top bar whose title elides
before any control is squeezed. Screenshots at 800×600 (and of a Chinese answer with the app's
font list under an English locale) are saved to test-artifacts/ to look at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop_chat.ui.common import fonts
from desktop_chat.ui.window.small_window import LIST_MIN_WIDTH
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import CHINESE_ANSWER, CHINESE_QUESTION, chunks, save, seed_history, send, wait_done

LONG_TITLE = "Quarterly planning for the harbour museum's winter exhibition and its volunteers"


def settle(qtbot, window, size=(800, 600)) -> None:  # noqa: ANN001
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == max(size[0], window.minimumSizeHint().width()))
    qtbot.wait(30)  # layouts and elision follow the resize


def controls(window) -> list[QWidget]:  # noqa: ANN001
    bar = window.top_bar
    candidates = [window.sidebar.button, window.sidebar.new_button, bar.provider_picker, bar.model_picker,
                  bar.refresh_button, bar.ollama_button, bar.system_prompt_button]
    return [w for w in candidates if w.isVisible()]


def assert_top_bar_fits(window) -> None:  # noqa: ANN001
    """Every control at its full size, inside the bar, none overlapping; the title elided instead."""
    bar = window.top_bar
    shown = controls(window)
    for widget in shown:
        assert widget.width() >= widget.sizeHint().width() or widget.width() >= widget.minimumSizeHint().width(), \
            widget.objectName()
        assert QRect(0, 0, bar.width(), bar.height()).contains(widget.geometry()), widget.objectName()
    boxes = [w.geometry() for w in [*shown, bar.title]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.intersects(b), (a, b)


def test_the_window_has_a_usable_minimum_that_800_by_600_satisfies(windows, qtbot):
    window = windows.new()
    window.top_bar.set_totals(123_456, 78_901)
    window.top_bar.set_ollama_tools(True)  # the widest top bar: Ollama's models button as well
    minimum = window.minimumSizeHint()
    assert 640 <= minimum.width() <= 800 and 360 <= minimum.height() <= 600, minimum
    window.resize(400, 300)
    qtbot.waitUntil(lambda: window.width() >= minimum.width())
    assert window.height() >= minimum.height()
    assert window.panel.width() >= LIST_MIN_WIDTH and window.view.height() >= 200

    settle(qtbot, window)
    assert window.size().toTuple() == (800, 600)
    assert window.panel.width() >= LIST_MIN_WIDTH
    assert_top_bar_fits(window)


def test_the_title_elides_before_the_pickers_give_way(windows, qtbot):
    window = windows.new()
    window.top_bar.set_title(LONG_TITLE)
    window.top_bar.set_totals(12_345, 67_890)
    settle(qtbot, window)
    title = window.top_bar.title
    assert title.text().endswith("…") and title.text() != LONG_TITLE
    assert title.accessibleName() == LONG_TITLE
    assert_top_bar_fits(window)
    assert window.top_bar.totals.isHidden()  # the token totals give their room to the title first
    assert title.toolTip() == f"{LONG_TITLE}\nTokens used by this conversation: 12,345 sent, 67,890 received"
    window.sidebar.set_visible(False)
    qtbot.waitUntil(lambda: not window.top_bar.totals.isHidden())  # room enough for both now
    assert window.top_bar.totals.width() >= window.top_bar.totals.sizeHint().width()
    assert title.width() >= title.fontMetrics().averageCharWidth() * 16
    assert title.toolTip() == LONG_TITLE
    assert_top_bar_fits(window)
    settle(qtbot, window, (1400, 800))
    assert title.text() == LONG_TITLE  # room again: the whole title


def test_the_conversation_list_hides_with_ctrl_b_and_the_button(windows, qtbot):
    window = windows.new()
    toggle = window.sidebar
    assert window.panel.isVisible() and not toggle.new_button.isVisible()
    window.panel.search.setFocus()
    qtbot.waitUntil(window.panel.search.hasFocus)

    qtbot.keyClick(window.panel.search, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert not window.panel.isVisible() and toggle.new_button.isVisible()
    assert window.composer.hasFocus()  # not left in the hidden list
    assert "Show the conversation list" in toggle.button.toolTip()

    qtbot.keyClick(window.composer, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.isVisible() and not toggle.new_button.isVisible()
    qtbot.mouseClick(toggle.button, Qt.MouseButton.LeftButton)
    assert not window.panel.isVisible()
    assert window.composer.toPlainText() == ""  # Ctrl+B typed nothing

    # Ctrl+K searches: the list comes back for it.
    qtbot.keyClick(window.composer, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.isVisible()
    qtbot.waitUntil(window.panel.search.hasFocus)


def test_the_top_new_button_starts_a_conversation_while_the_list_is_hidden(windows, qtbot):
    window = windows.new()
    conversation = window.store.create_conversation(title="Older")
    window.open_conversation(conversation.id)
    window.sidebar.set_visible(False)
    qtbot.mouseClick(window.sidebar.new_button, Qt.MouseButton.LeftButton)
    assert window.current_conversation_id is None


def test_a_hidden_list_stays_hidden_at_the_next_start(windows, qtbot):
    window = windows.new()
    settle(qtbot, window, (1000, 700))
    window.sidebar.set_visible(False)
    windows.close(window)

    again = windows.new()
    assert not again.panel.isVisible() and not again.sidebar.action.isChecked()
    qtbot.keyClick(again.composer, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert again.panel.isVisible()
    qtbot.waitUntil(lambda: again.panel.width() >= LIST_MIN_WIDTH)
    windows.close(again)
    assert windows.settings().ui_state["sidebar_visible"] is True


@pytest.fixture
def app_fonts(qapp):  # noqa: ANN001
    """The application's font list as a real start sets it, removed again afterwards."""
    fonts.apply_app_font(qapp, "en")
    yield
    fonts.remove_app_font(qapp)


def test_screenshots_at_800_by_600_and_of_chinese_under_an_english_locale(windows, qtbot, fakes, app_fonts):
    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.theme = "light"
    window = windows.new(settings)
    seed_history(window.store)
    window.panel.reload()
    fake.enqueue(Scenario(chunks=chunks(CHINESE_ANSWER + "\n```python\nprint('骨今直')  # 注释：直\n```\n"),
                          input_tokens=1234, output_tokens=5678))
    send(qtbot, window, CHINESE_QUESTION)
    wait_done(qtbot, window)
    window.top_bar.set_title(LONG_TITLE)
    settle(qtbot, window)
    assert_top_bar_fits(window)
    save(window, "window-800x600-list.png")
    window.sidebar.set_visible(False)
    qtbot.wait(30)
    assert_top_bar_fits(window)
    save(window, "window-800x600-no-list.png")
    # The same at the smallest size the window allows, and in Chinese.
    window.sidebar.set_visible(True)
    settle(qtbot, window, (1, 1))
    assert_top_bar_fits(window)
    save(window, "window-minimum.png")
    # The interface in Chinese, at 800×600 again.
    settings.language = "zh_CN"
    window.apply_settings()
    try:
        settle(qtbot, window)
        qtbot.waitUntil(lambda: window.top_bar.provider_picker.toolTip() != "Where your messages are sent")
        assert_top_bar_fits(window)
        save(window, "window-800x600-zh.png")
    finally:
        settings.language = "en"
        window.apply_settings()
    QApplication.processEvents()
    assert fonts.code_font_css().startswith('"')  # the font list was in force for these pictures


def test_the_first_start_fits_a_small_screen(windows, qtbot):
    from desktop_chat.ui.app import _fit_to_screen

    window = windows.new(show=False)
    window.resize(1100, 720)  # the first start's size
    available = window.screen().availableGeometry()  # offscreen: 800×800
    _fit_to_screen(window)
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.width() >= window.minimumSizeHint().width()
    assert available.contains(window.frameGeometry().topLeft())
