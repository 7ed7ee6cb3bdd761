"""The conversation list: newest first, grouped by day, paged, renamed inline, searched (Chinese too)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import shiboken6
from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from desktop_chat.config import database_path
from desktop_chat.domain.messages import Conversation, Message, MessageStatus, linked
from desktop_chat.store import Store
from desktop_chat.ui.conversations import conversation_list
from desktop_chat.ui.conversations.conversation_list import (
    PAGE_SIZE,
    ConversationListModel,
    GroupRole,
    GroupStartRole,
    IdRole,
    PinnedRole,
    day_group,
)
from desktop_chat.ui.conversations import date_groups


def conversation_at(when: float, title: str, texts: list[str]) -> tuple[Conversation, list[Message]]:
    cid = uuid.uuid4().hex
    conversation = Conversation(id=cid, title=title, created_at=when, updated_at=when)
    messages = [Message(id=uuid.uuid4().hex, conversation_id=cid, role="user" if i % 2 == 0 else "assistant",
                        text=text, status=MessageStatus.COMPLETE, seq=i + 1, created_at=when, updated_at=when)
                for i, text in enumerate(texts)]
    return conversation, linked(messages)


def commit_text(widget, text: str) -> None:  # noqa: ANN001
    """Type `text` the way an input method (Chinese pinyin…) delivers it: one committed string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def days_ago(days: int, hour: int = 12) -> float:
    day = dt.date.today() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0)).timestamp()


@pytest.fixture
def store():
    with Store(database_path()) as s:
        yield s


def test_day_groups():
    today = dt.date(2025, 3, 10)
    at = lambda d, h=9: dt.datetime.combine(d, dt.time(h)).timestamp()  # noqa: E731
    assert day_group(at(today), today) == date_groups.TODAY
    assert day_group(at(today - dt.timedelta(days=1), 23), today) == date_groups.YESTERDAY
    assert day_group(at(today - dt.timedelta(days=2)), today) == date_groups.PREVIOUS_7_DAYS
    assert day_group(at(today - dt.timedelta(days=7)), today) == date_groups.PREVIOUS_7_DAYS
    february = day_group(at(dt.date(2025, 2, 27)), today)
    assert february == day_group(at(dt.date(2025, 2, 1)), today) != day_group(at(dt.date(2025, 1, 31)), today)
    assert date_groups.label(february, today) == "February"  # this year's months by name
    assert date_groups.label(day_group(at(dt.date(2024, 10, 3)), today), today) == "October 2024"


def test_newest_first_with_today_yesterday_previous_days_and_month_headers(qapp, store):
    store.import_conversations([
        conversation_at(days_ago(0, 0), "this morning", ["a"]),
        conversation_at(days_ago(1), "yesterday noon", ["b"]),
        conversation_at(days_ago(3), "this week", ["c"]),
        conversation_at(days_ago(6), "earlier this week", ["c"]),
        conversation_at(days_ago(400), "long ago", ["d"]),
    ])
    fresh = store.create_conversation(title="just now")
    model = ConversationListModel(store)
    model.reload()
    rows = [(model.data(model.index(r)), model.data(model.index(r), GroupRole), model.data(model.index(r), GroupStartRole))
            for r in range(model.rowCount())]
    long_ago = dt.date.today() - dt.timedelta(days=400)
    assert rows == [
        ("just now", "Today", True), ("this morning", "Today", False), ("yesterday noon", "Yesterday", True),
        ("this week", "Previous 7 days", True), ("earlier this week", "Previous 7 days", False),
        ("long ago", QLocale().toString(QDate(long_ago.year, long_ago.month, 1), "MMMM yyyy"), True),
    ]
    assert model.data(model.index(0), IdRole) == fresh.id


def test_pinned_conversations_come_first_under_their_own_header(qapp, store):
    store.import_conversations([conversation_at(days_ago(d), f"c{d}", ["x"]) for d in (0, 1, 3)])
    model = ConversationListModel(store)
    model.reload()
    old = model.conversation_at(2)
    model.set_pinned(old.id, True)
    rows = [(model.data(model.index(r)), model.data(model.index(r), GroupRole), model.data(model.index(r), GroupStartRole))
            for r in range(model.rowCount())]
    assert rows == [("c3", "Pinned", True), ("c0", "Today", True), ("c1", "Yesterday", True)]
    assert model.data(model.index(0), PinnedRole) and not model.data(model.index(1), PinnedRole)
    assert model.data(model.index(0), Qt.ItemDataRole.AccessibleTextRole) == "c3 (pinned)"
    model.refresh(model.conversation_at(2).id, to_top=True)  # an answer in c1: to the top of the unpinned
    assert [model.data(model.index(r)) for r in range(3)] == ["c3", "c1", "c0"]
    model.set_pinned(old.id, False)  # back to its place by date (the store's times did not change)
    assert [model.data(model.index(r)) for r in range(3)] == ["c0", "c1", "c3"]
    assert ConversationListModel(store).rowCount() == 0  # (loads on reload only)


def test_pages_of_conversations_are_fetched_as_the_list_scrolls(qapp, store):
    base = days_ago(3)
    store.import_conversations([conversation_at(base + i, f"c{i}", ["x"]) for i in range(PAGE_SIZE * 2 + 30)])
    model = ConversationListModel(store)
    model.reload()
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 30 and not model.canFetchMore()
    titles = [model.data(model.index(r)) for r in range(model.rowCount())]
    assert titles[0] == f"c{PAGE_SIZE * 2 + 29}" and titles[-1] == "c0"


def test_search_finds_a_chinese_word_and_clearing_it_shows_everything(windows, qtbot):
    window = windows.new()
    store = window.store
    store.import_conversations([
        conversation_at(days_ago(2), "物理", ["请解释一下量子纠缠是什么", "量子纠缠是一种关联……"]),
        conversation_at(days_ago(1), "cooking", ["How long do I boil an egg?", "About nine minutes."]),
        conversation_at(days_ago(0), "历史", ["唐朝的首都在哪里？", "长安。"]),
    ])
    window.panel.reload()
    assert window.panel.model.rowCount() == 3
    timings: list[float] = []
    window.panel.searchTimed.connect(timings.append)

    commit_text(window.panel.search, "量子")
    qtbot.waitUntil(lambda: window.panel.model.searching and window.panel.model.rowCount() == 1)
    assert window.panel.model.conversation_at(0).title == "物理"

    window.panel.search.clear()
    qtbot.keyClicks(window.panel.search, "nine")  # any word of any message, not only titles
    qtbot.waitUntil(lambda: window.panel.model.rowCount() == 1
                    and window.panel.model.conversation_at(0).title == "cooking")

    window.panel.search.clear()
    qtbot.waitUntil(lambda: not window.panel.model.searching and window.panel.model.rowCount() == 3)
    assert timings and max(timings) < 50


def test_selecting_a_search_result_opens_it(windows, qtbot):
    window = windows.new()
    window.store.import_conversations([
        conversation_at(days_ago(1), "needle", ["find the unusualword here"]),
        conversation_at(days_ago(0), "hay", ["nothing"]),
    ])
    window.panel.reload()
    qtbot.keyClicks(window.panel.search, "unusualword")
    qtbot.waitUntil(lambda: window.panel.model.rowCount() == 1)
    window.panel.view.setFocus()
    qtbot.keyClick(window.panel.view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.current_conversation_id == window.panel.model.conversation_at(0).id)
    assert window.top_bar.title.full_text() == "needle"


def test_search_covers_a_large_history_in_english_and_chinese(windows, qtbot):
    """≈ 2,000 conversations, 20,000 messages: the right conversations come back (speed is a benchmark figure)."""
    window = windows.new()
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
    items = []
    for i in range(2000):
        texts = [f"{words[i % 12]} {words[(i * 7) % 12]} message {i}-{j} 人工智能与机器学习 第{j}段" for j in range(10)]
        items.append(conversation_at(days_ago(i % 30) + i, f"conversation {i}", texts))
    window.store.import_conversations(items)
    store = window.store
    kilo = store.search_conversations("kilo", conversation_list.SEARCH_LIMIT)
    assert kilo and all("kilo" in " ".join(m.text for m in store.list_messages(c.id)) for c in kilo)
    (exact,) = store.search_conversations("message 1999-3", conversation_list.SEARCH_LIMIT)
    assert exact.title == "conversation 1999"
    assert store.search_conversations("机器学习", conversation_list.SEARCH_LIMIT)
    timings: list[float] = []
    window.panel.searchTimed.connect(timings.append)
    commit_text(window.panel.search, "人工智能")
    qtbot.waitUntil(lambda: window.panel.model.searching and window.panel.model.rowCount() > 0, timeout=10_000)
    assert timings


def test_rename_inline_with_f2(windows, qtbot):
    window = windows.new()
    conversation = window.store.create_conversation(title="old title")
    window.panel.reload()
    window.open_conversation(conversation.id)
    qtbot.keyClick(window.composer, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not window.composer
    editor.selectAll()
    commit_text(editor, "新的标题")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.store.get_conversation(conversation.id).title == "新的标题")
    assert window.panel.model.conversation_at(0).title == "新的标题"
    assert "新的标题" in window.windowTitle()


def test_delete_key_deletes_the_selected_conversation_with_undo(windows, qtbot):
    window = windows.new()
    a = window.store.create_conversation(title="a")
    b = window.store.create_conversation(title="b")
    window.panel.reload()
    window.open_conversation(b.id)
    window.panel.view.setFocus()
    qtbot.keyClick(window.panel.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.store.get_conversation(b.id) is None)
    assert window.current_conversation_id == a.id  # the neighbour opens
    assert window.undo_button.isVisible()
    window.undo_delete()
    assert window.store.get_conversation(b.id) is not None
    assert window.panel.model.rowCount() == 2


def test_new_conversation_button_starts_a_draft(windows, qtbot):
    window = windows.new()
    c = window.store.create_conversation(title="existing")
    window.panel.reload()
    window.open_conversation(c.id)
    qtbot.mouseClick(window.panel.new_button, Qt.MouseButton.LeftButton)
    assert window.current_conversation_id is None
    assert window.panel.current_id() is None
    assert QApplication.focusWidget() is window.composer


# -- cost of a turn: what the view has to lay out and paint ---------------------------------------

def _panel(qtbot, store):  # noqa: ANN001, ANN202
    panel = conversation_list.ConversationPanel(store, None, None)
    qtbot.addWidget(panel)
    panel.resize(260, 500)
    panel.show()
    qtbot.waitExposed(panel)
    panel.reload()
    return panel


def test_rows_are_as_wide_as_the_list_and_one_line_high(qtbot, store):
    store.import_conversations([
        conversation_at(days_ago(0), "a title far too long to fit into the list " * 4, ["a"]),
        conversation_at(days_ago(0, 9), "two\nlines", ["b"]),
        conversation_at(days_ago(0, 8), "short", ["c"]),
    ])
    panel = _panel(qtbot, store)
    view, model = panel.view, panel.model
    width = view.viewport().width()
    rects = [view.visualRect(model.index(row)) for row in range(3)]
    assert all(rect.width() <= width for rect in rects)  # elided at the list's edge, not beyond it
    assert rects[1].height() == rects[2].height() < rects[0].height()  # the first row carries "Today"
    assert model.data(model.index(1)) == "two lines"  # shown on one line
    assert model.data(model.index(1), Qt.ItemDataRole.EditRole) == "two\nlines"


def test_a_turn_repaints_rows_without_laying_the_list_out_again(qtbot, store, monkeypatch):
    """QListView lays every loaded row out again on a dataChanged: the list's view does not (its
    row heights do not depend on the data), and a refresh that changes nothing shown emits nothing."""
    store.import_conversations([conversation_at(days_ago(0, 23) - m * 60, f"chat {m}", ["x"]) for m in range(60)])
    panel = _panel(qtbot, store)
    view, model = panel.view, panel.model
    cid = model.conversation_at(0).id
    changes: list[str] = []
    model.dataChanged.connect(lambda *_: changes.append("data"))
    model.layoutChanged.connect(lambda *_: changes.append("layout"))
    sizes: list[int] = []
    measure = conversation_list.ConversationDelegate.sizeHint
    monkeypatch.setattr(conversation_list.ConversationDelegate, "sizeHint",
                        lambda *args: sizes.append(1) or measure(*args))

    QApplication.processEvents()
    sizes.clear()
    model.set_streaming(cid, True)
    assert model.data(model.index(0), Qt.ItemDataRole.DecorationRole) is not None
    model.set_streaming(cid, False)
    store.update_conversation(cid, provider="other")  # nothing the list shows
    model.refresh(cid)
    assert changes == ["data", "data"]

    store.update_conversation(cid, title="renamed")
    model.refresh(cid)
    assert changes == ["data", "data", "data"] and model.data(model.index(0)) == "renamed"
    QApplication.processEvents()
    assert len(sizes) < 20  # three rows repainted, not the 60 rows laid out again
    sizes.clear()
    view.doItemsLayout()
    assert len(sizes) >= 60  # (what a relayout costs: a size hint per row)
    # Gone before monkeypatch puts sizeHint back: a delegate left alive with its class's Qt
    # override swapped under it crashed a later test's style sheet change (test_theme_i18n).
    shiboken6.delete(panel)


def test_rows_follow_a_font_change(qtbot, store):
    store.import_conversations([conversation_at(days_ago(0, h), f"chat {h}", ["x"]) for h in (9, 10)])
    panel = _panel(qtbot, store)
    view, model = panel.view, panel.model
    before = view.visualRect(model.index(1)).height()
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    qtbot.waitUntil(lambda: view.visualRect(model.index(1)).height() > before)
