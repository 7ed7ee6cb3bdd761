"""Menus (a message's, the conversation list's) and the model picker's popup: rounded, with a soft border, in both themes (issue 18).

The menu windows are translucent (theme.round_menu, where each menu is made) so that the style sheet's rounded border
is their edge: the corner pixels of a grab are see-through, the middle is the theme's surface,
never black. Pictures: test-artifacts/menu-*.png.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QImage
from PySide6.QtWidgets import QMenu, QWidget

from desktop_chat.ui.common.theme import current_tokens, rounded_menus_possible
from desktop_chat.ui.messages.message_body import MessageBody
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import ARTIFACTS, send, wait_done


def _check(widget: QWidget, name: str) -> None:
    assert widget.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground), name
    image: QImage = widget.grab().toImage()
    ARTIFACTS.mkdir(exist_ok=True)
    assert image.save(str(ARTIFACTS / f"{name}.png"))
    corner = image.pixelColor(0, 0)
    assert corner.alpha() < 40, f"{name}: a square corner"
    middle = image.pixelColor(image.width() // 2, 3)  # the border's inside, above the first item
    surface = QColor(current_tokens().colors.surface)
    assert middle.alpha() > 200 and abs(middle.lightness() - surface.lightness()) < 40, (name, middle.name())


def test_menus_are_rounded_in_both_themes(windows, qtbot, fakes):  # noqa: ANN001
    assert rounded_menus_possible()  # offscreen: see-through corners need no compositor
    fake = fakes("openai", Scenario(chunks=["A short answer."]))
    settings = configure("openai", fake)
    window = windows.new(settings)
    window.resize(1000, 700)
    send(qtbot, window, "Hello")
    wait_done(qtbot, window)
    for theme in ("light", "dark"):
        settings.theme = theme
        window.apply_settings()
        qtbot.wait(20)

        body = window.findChildren(MessageBody)[-1]
        menu = body.createStandardContextMenu(QPoint(4, 4))
        menu.popup(body.mapToGlobal(QPoint(4, 4)))
        qtbot.waitUntil(menu.isVisible)
        _check(menu, f"menu-message-{theme}")
        menu.close()
        menu.deleteLater()

        listing = next(w for w in window.findChildren(QWidget) if w.objectName() == "conversationList")
        panel = listing.parentWidget()
        while panel is not None and not hasattr(panel, "menu"):
            panel = panel.parentWidget()
        assert panel is not None and isinstance(panel.menu, QMenu)
        panel.menu.popup(listing.mapToGlobal(QPoint(20, 20)))
        qtbot.waitUntil(panel.menu.isVisible)
        _check(panel.menu, f"menu-conversation-{theme}")
        panel.menu.close()

        composer = window.composer  # Qt's own Cut / Copy / Paste menu, made by our handler
        window.composer.contextMenuEvent(QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, QPoint(5, 5), composer.mapToGlobal(QPoint(5, 5))))
        qtbot.waitUntil(lambda: any(m.isVisible() for m in composer.findChildren(QMenu)))
        edit_menu = next(m for m in composer.findChildren(QMenu) if m.isVisible())
        _check(edit_menu, f"menu-composer-{theme}")
        edit_menu.close()

        picker = window.top_bar.model_picker  # not a QMenu: a popup frame, rounded the same way
        picker.popup.open_below(picker, picker.currentText())
        qtbot.waitUntil(picker.popup.isVisible)
        _check(picker.popup, f"menu-model-picker-{theme}")
        picker.popup.close()
    settings.theme = "system"
    window.apply_settings()
