"""Pictures of the frame (issue 18): the sidebar with pinned and dated groups, the composer box with
attachment chips and the drop hint, the empty list; light and dark, English and Chinese, at
1400×900 and 800×600. Saved under test-artifacts/frame-*.png to look at; each scene also checks
what it shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from desktop_chat.ui.conversations.conversation_list import GroupRole
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import ARTIFACTS, chunks, save, seed_history
from tests.ui.window_actions import type_and_send, wait_answer

ANSWER = """Here is a plan for **three days in Lisbon**:

1. *Day 1* — Alfama and the castle, a fado evening.
2. *Day 2* — Belém: the tower, the monastery, pastéis de nata.
3. *Day 3* — Sintra by train.
"""


def _settle(qtbot, window) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.wait(60)


def _with_popup(window: QWidget, popup: QWidget, name: str) -> None:
    picture = window.grab()
    painter = QPainter(picture)
    painter.drawPixmap(window.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0))), popup.grab())
    painter.end()
    ARTIFACTS.mkdir(exist_ok=True)
    assert picture.save(str(ARTIFACTS / name))


def _drag_over(window, path: Path) -> QMimeData:  # noqa: ANN001
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    return mime


@pytest.mark.parametrize(("theme", "language"), [("light", "en"), ("dark", "en"), ("light", "zh_CN"),
                                                 ("dark", "zh_CN")])
def test_screenshots_of_the_sidebar_and_the_composer(windows, qtbot, fakes, tmp_path, theme, language):
    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.theme, settings.language = theme, language
    window = windows.new(settings)
    window.apply_settings()  # the theme and the language, as at start-up
    seed_history(window.store)
    window.panel.reload()
    pinned = window.panel.model.conversation_at(3)
    assert pinned is not None
    window.panel.model.set_pinned(pinned.id, True)
    fake.enqueue(Scenario(chunks=chunks(ANSWER)))
    type_and_send(qtbot, window, "Plan three days in Lisbon")
    wait_answer(qtbot, window)
    model = window.panel.model
    assert model.data(model.index(0), GroupRole) == ("Pinned" if language == "en" else model.data(model.index(0), GroupRole))
    tag = f"{theme}-{language.split('_')[0]}"

    window.resize(1400, 900)
    window.composer.setPlainText("What should I pack for Sintra?")
    window.composer.setFocus()
    _settle(qtbot, window)
    window.panel.view.hovered_row = 2  # as if the mouse were over the third row: its hover state
    save(window, f"frame-window-1400-{tag}.png")
    window.panel.view.hovered_row = -1

    window.resize(800, 600)
    _settle(qtbot, window)
    save(window, f"frame-window-800-{tag}.png")

    # The composer while a file is dragged over the window: the drop hint.
    window.resize(1400, 900)
    window.composer.setPlainText("")
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    mime = _drag_over(window, tmp_path / "notes.md")
    qtbot.waitUntil(window.composer_bar.drop_hint.isVisible)
    save(window.composer_bar, f"frame-composer-drop-{tag}.png")
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not window.composer_bar.drop_hint.isVisible()
    del mime

    # A long message: the box grows to its limit, then scrolls.
    window.composer.setPlainText("\n".join(f"line {n} of a long message" for n in range(20)))
    _settle(qtbot, window)
    save(window.composer_bar, f"frame-composer-long-{tag}.png")
    window.composer.clear()

    # The row's menu (rename, pin, delete) from its "more" button.
    window.panel.select(pinned.id)
    window.panel._open_menu(model.index(model.row_of(pinned.id)), window.panel.view.mapToGlobal(QPoint(200, 60)))
    qtbot.waitUntil(window.panel.menu.isVisible)
    qtbot.wait(50)
    _with_popup(window, window.panel.menu, f"frame-row-menu-{tag}.png")
    window.panel.menu.hide()


def test_screenshot_of_the_empty_list(windows, qtbot):
    settings = windows.settings()
    settings.theme = "light"
    window = windows.new(settings)
    window.apply_settings()
    window.resize(800, 600)
    qtbot.waitUntil(window.panel.view.empty.isVisible)
    assert "No conversations yet" in window.panel.view.empty.text()
    _settle(qtbot, window)
    save(window, "frame-empty-list-light-en.png")


@pytest.fixture(autouse=True)
def _back_to_the_default_look(qapp):  # noqa: ANN001
    yield
    from desktop_chat.ui.common import theme
    from desktop_chat.ui.runtime import i18n

    theme.apply_theme(qapp, "system")
    i18n.install_translator(qapp, "en")
