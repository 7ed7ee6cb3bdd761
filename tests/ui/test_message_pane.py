"""The message pane's look and feel (issue 18): actions on hover and keyboard focus, relative
times, the user's bubble, code blocks that scroll sideways and say "Copied ✓", the empty state
and the floating "scroll to the newest" button (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, QPoint, QPointF, Qt, QTime
from PySide6.QtGui import QEnterEvent, QGuiApplication, QWheelEvent
from PySide6.QtWidgets import QApplication

from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.ui.messages.message_view import MessageView
from desktop_chat.ui.messages.message_widget import BUBBLE_SHARE
from desktop_chat.ui.messages.relative_time import relative_time


def msg(message_id: str, role: str = "assistant", text: str = "", seq: int = 0, **fields) -> Message:  # noqa: ANN003
    return Message(id=message_id, conversation_id="c1", role=role, text=text, seq=seq,
                   status=fields.pop("status", MessageStatus.COMPLETE), **fields)


@pytest.fixture
def view(qtbot) -> MessageView:
    widget = MessageView()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot, view: MessageView) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not view.has_pending_render(), timeout=10_000)


# -- relative times --------------------------------------------------------------------------------

NOW = QDateTime(QDate(2026, 3, 12), QTime(15, 30))  # a Thursday
C = QLocale(QLocale.Language.C)


@pytest.mark.parametrize(("when", "expected"), [
    (NOW.addSecs(-20), "just now"),
    (NOW.addSecs(30), "just now"),  # a clock a little behind the message's
    (NOW.addSecs(-5 * 60 - 10), "5 min ago"),
    (NOW.addSecs(-59 * 60), "59 min ago"),
    (NOW.addSecs(-3 * 3600), "3 h ago"),
    (QDateTime(QDate(2026, 3, 11), QTime(23, 50)), "Yesterday 23:50"),  # 16 hours, but yesterday
    (QDateTime(QDate(2026, 3, 9), QTime(9, 5)), "Mon 09:05"),
    (QDateTime(QDate(2025, 12, 1), QTime(9, 5)), "2025-12-01"),
])
def test_relative_time_in_words(when, expected):
    assert relative_time(when, NOW, C) == expected


def test_relative_time_in_a_real_locale_drops_this_years_year():
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    shown = relative_time(QDateTime(QDate(2026, 1, 20), QTime(9, 0)), NOW, english)
    assert "20" in shown and "Jan" in shown and "2026" not in shown
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    assert relative_time(QDateTime(QDate(2026, 1, 20), QTime(9, 0)), NOW, chinese) == "1月20日"
    assert "2024" in relative_time(QDateTime(QDate(2024, 1, 20), QTime(9, 0)), NOW, english)


def test_times_are_refreshed_as_they_age(view):
    written = QDateTime.currentDateTime()
    view.set_messages([msg("a", text="ok", created_at=written.toMSecsSinceEpoch() / 1000)], has_older=False)
    label = view.message_widget("a").time_label
    assert label.text() == "just now"
    view.refresh_times(written.addSecs(5 * 60 + 1))
    assert label.text() == "5 min ago"
    assert view._clock.isActive()  # noqa: SLF001 - the refresh runs while the view shows


# -- actions ---------------------------------------------------------------------------------------


def _hover(widget, inside: bool) -> None:  # noqa: ANN001
    if inside:
        point = QPointF(5, 5)
        QApplication.sendEvent(widget, QEnterEvent(point, point, QPointF(widget.mapToGlobal(point.toPoint()))))
    else:
        QApplication.sendEvent(widget, QEvent(QEvent.Type.Leave))


def test_actions_show_on_hover_with_icons_tooltips_and_names(view):
    view.set_messages([msg("u", "user", "question"), msg("a", text="answer")], has_older=False)
    answer = view.message_widget("a")
    bar = answer.action_bar
    buttons = [answer.copy_button, answer.regenerate_button, answer.fork_button, answer.delete_button]
    assert not bar.revealed
    assert all(b.icon().isNull() for b in buttons)  # made when first shown: most never are
    _hover(answer, True)
    assert bar.revealed
    for button in buttons:
        assert not button.icon().isNull(), button.objectName()
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        assert button.toolTip() and button.accessibleName()
    _hover(answer, False)
    assert not bar.revealed
    assert answer.edit_button.isHidden() and not view.message_widget("u").edit_button.isHidden()


def test_actions_show_on_keyboard_focus(view, qtbot):
    view.set_messages([msg("a", text="answer")], has_older=False)
    answer = view.message_widget("a")
    view.activateWindow()
    answer.copy_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(answer.copy_button.hasFocus)
    assert answer.action_bar.revealed and not answer.copy_button.icon().isNull()
    answer.copy_button.clearFocus()
    qtbot.waitUntil(lambda: not answer.action_bar.revealed)


def test_copy_says_copied_for_a_moment(view, qtbot):
    view.set_messages([msg("a", text="**raw** answer")], has_older=False)
    answer = view.message_widget("a")
    qtbot.mouseClick(answer.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "**raw** answer"
    assert answer.copy_button.toolTip() == "Copied" and answer.copy_button.icon_name == "copied"
    qtbot.waitUntil(lambda: answer.copy_button.toolTip() == "Copy message", timeout=3000)
    assert answer.copy_button.icon_name == "copy"


def test_versions_sit_in_the_action_row(view):
    from desktop_chat.chat.versions import Versions

    view.set_messages([msg("a", text="answer")], has_older=False)
    view.set_versions({"a": Versions(("x", "a", "y"), 1)})
    answer = view.message_widget("a")
    assert answer.action_row.indexOf(answer.version_switcher) == answer.action_row.indexOf(answer.action_bar) - 1
    assert answer.version_switcher.label.text() == "2/3"


# -- the user's bubble -----------------------------------------------------------------------------


def test_a_short_question_gets_a_small_bubble_and_a_long_one_wraps(view, qtbot):
    view.set_messages([msg("u", "user", "Hi!"), msg("v", "user", "word " * 200, seq=1)], has_older=False)
    short, long = view.message_widget("u"), view.message_widget("v")
    qtbot.waitUntil(lambda: short.width() > 500)
    short_bubble = short.findChild(type(short._bubble), "userBubble")  # noqa: SLF001
    long_bubble = long.findChild(type(long._bubble), "userBubble")  # noqa: SLF001
    assert short_bubble.width() < 150
    assert short_bubble.geometry().right() > short.width() - 30  # on the right
    assert long_bubble.width() == int(long.width() * BUBBLE_SHARE)
    assert long.body.document().size().height() > 3 * long.body.fontMetrics().height()  # wrapped


# -- code blocks -----------------------------------------------------------------------------------

LONG_LINE = "result = compute(" + ", ".join(f"argument_{i}" for i in range(30)) + ")"


def test_a_long_code_line_scrolls_sideways_inside_its_own_block(view, qtbot):
    view.set_messages([msg("a", text=f"Some text.\n\n```python\n{LONG_LINE}\nprint(result)\n```\n\n"
                                     "After the code.\n\n```sh\nls\n```\n")], has_older=False)
    body = view.message_widget("a").body
    qtbot.waitUntil(lambda: len(body.code_scroll_bars) == 1)
    block = body.document().find(LONG_LINE[:20]).block()
    assert block.layout().lineCount() == 1  # one line, however long
    paragraph = body.document().find("Some text.").block()
    assert paragraph.layout().boundingRect().width() <= body.viewport().width()
    # The body itself never scrolls sideways; the wide block has its own bar (the short one none),
    # inside the block's box, under its last line and above the prose after it.
    assert body.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    (bar,) = body.code_scroll_bars
    assert bar.isVisible() and bar.maximum() > 0 and bar.parent() is body.viewport()
    layout = body.document().documentLayout()
    last_line = layout.blockBoundingRect(body.document().find("print(result)").block())
    after = layout.blockBoundingRect(body.document().find("After the code.").block())
    assert last_line.bottom() <= bar.geometry().top() and bar.geometry().bottom() < after.top()
    assert bar.width() <= body.viewport().width()
    # Scrolled, the block draws further along its line while the prose stays; a click inside the
    # scrolled block lands on the character drawn under it.
    before = body.grab().toImage()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: body.grab().toImage() != before)
    after_image = body.grab().toImage()
    text_row = int(layout.blockBoundingRect(paragraph).center().y())
    assert all(before.pixel(x, text_row) == after_image.pixel(x, text_row) for x in range(0, 200, 3))
    line = layout.blockBoundingRect(block)
    point = QPoint(body.viewport().width() - 30, int(line.center().y()))
    qtbot.mouseClick(body.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert body.textCursor().position() - block.position() > len(LONG_LINE) - 10  # near the line's end
    assert body.horizontalScrollBar().value() == 0
    assert bar.accessibleName() == "Scroll the code sideways"
    # A sideways swipe (trackpad pixels) over the block scrolls that block.
    bar.setValue(0)
    swipe = QWheelEvent(QPointF(point), QPointF(body.viewport().mapToGlobal(point)), QPoint(-40, 0), QPoint(-120, 0),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(body.viewport(), swipe)
    assert bar.value() == 40


def test_code_copy_link_says_copied_then_copy_again(view, qtbot):
    view.set_messages([msg("a", text="```sh\nls -la\n```\n")], has_older=False)
    body = view.message_widget("a").body
    link = body.copy_links()[0]
    body.anchorClicked.emit(link)
    assert QGuiApplication.clipboard().text() == "ls -la"
    assert "Copied ✓" in body.plain_text()
    assert body.copy_links() == [link]  # still the same link
    qtbot.waitUntil(lambda: "Copied ✓" not in body.plain_text(), timeout=3000)
    assert body.plain_text().count("Copy") == 1


def test_copied_while_streaming_keeps_the_tail_in_place(view, qtbot):
    view.set_messages([msg("s", status=MessageStatus.STREAMING)], has_older=False)
    view.append_text("s", "```sh\nls -la\n```\n\nThen more")
    settle(qtbot, view)
    body = view.message_widget("s").body
    body.anchorClicked.emit(body.copy_links()[0])
    view.append_text("s", " text arrives.")
    settle(qtbot, view)
    text = body.plain_text()
    assert text.count("Then more text arrives.") == 1 and "Copied ✓" in text


# -- the empty state and the floating button ----------------------------------------------------------


def test_a_conversation_without_messages_shows_the_starting_points(view, qtbot):
    empty = view.empty_state
    assert empty is not None and empty.isVisible()
    assert empty.greeting.text() and all(card.accessibleName() for card in empty.cards)
    with qtbot.waitSignal(view.starterChosen) as chosen:
        qtbot.mouseClick(empty.explain, Qt.MouseButton.LeftButton)
    assert chosen.args[0].startswith("Explain")
    with qtbot.waitSignal(view.attachRequested):
        qtbot.mouseClick(empty.pdf, Qt.MouseButton.LeftButton)
    assert "PDF" in empty.pdf.accessibleDescription()
    view.add_message(msg("u", "user", "hello"))
    assert view.empty_state is None and empty.isHidden()  # gone: its words are not the conversation's
    view.clear()
    assert view.empty_state is not None and view.empty_state.isVisible()


def test_the_empty_state_is_not_built_before_the_view_shows(qtbot):
    hidden = MessageView()
    qtbot.addWidget(hidden)
    hidden.set_messages([], has_older=False)
    assert hidden.empty_state is None  # (the window's first frame comes first)


def test_scroll_to_newest_button_appears_when_scrolled_up(view, qtbot):
    page = [msg(f"m{i}", "user" if i % 2 == 0 else "assistant", "line\n\n" * 6 + str(i), seq=i) for i in range(30)]
    view.set_messages(page, has_older=False)
    bar = view.scroll_bar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    assert view.newest_button is None or view.newest_button.isHidden()
    bar.setValue(bar.minimum())  # well up from the newest
    button = view.newest_button
    assert button is not None and button.isVisible() and not view.following
    assert button.accessibleName() and button.toolTip()
    assert view.rect().contains(button.geometry())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    assert view.following and button.isHidden()


def test_the_figures_go_under_the_buttons_in_a_narrow_column(view, qtbot):
    view.set_messages([msg("a", text="ok", model="gpt-4o", input_tokens=2410, output_tokens=19)], has_older=False)
    answer = view.message_widget("a")
    qtbot.waitUntil(lambda: answer.width() > 700)
    assert answer.action_row.indexOf(answer.footer_label) >= 0  # beside the buttons
    view.resize(520, 600)
    qtbot.waitUntil(lambda: answer.width() < 500)
    assert answer.action_row.indexOf(answer.footer_label) < 0
    assert answer.footer_row.indexOf(answer.footer_label) >= 0 and answer.footer_label.isVisible()


def test_a_starting_point_fills_the_windows_composer(windows, qtbot, fakes):
    from tests.ui.conftest import configure

    window = windows.new(configure("openai", fakes("openai")))
    window.new_conversation()
    empty = window.view.empty_state
    assert empty is not None and empty.isVisible()
    qtbot.mouseClick(empty.code, Qt.MouseButton.LeftButton)
    assert window.composer.toPlainText().startswith("Review this code")
    assert window.composer.textCursor().atEnd()


def test_the_composer_sits_under_the_greeting_until_the_first_message(windows, qtbot, fakes):
    """A new conversation: the composer in the middle, just below the greeting and its starting
    points (ui/window/composer_place.py); with messages, at the bottom of the window."""
    from tests.ui.conftest import configure
    from tests.ui.window_actions import type_and_send, wait_answer

    window = windows.new(configure("openai", fakes("openai")))
    window.resize(1100, 800)
    window.new_conversation()
    qtbot.waitUntil(lambda: window.composer_place.centred)
    empty = window.view.empty_state
    assert empty is not None
    box = window.composer_bar
    qtbot.waitUntil(lambda: box.geometry().bottom() < window.centralWidget().height() * 0.8)
    cards_bottom = max(card.mapTo(window, card.rect().bottomLeft()).y() for card in empty.cards)
    assert 0 < box.mapTo(window, box.rect().topLeft()).y() - cards_bottom < 120  # right below them
    type_and_send(qtbot, window, "hello")
    wait_answer(qtbot, window)
    qtbot.waitUntil(lambda: not window.composer_place.centred)
    pane = box.parentWidget()
    qtbot.waitUntil(lambda: pane.height() - box.geometry().bottom() < 20)  # at the bottom again
