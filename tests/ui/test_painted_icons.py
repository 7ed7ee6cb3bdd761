"""Icons painted at run time: the right colour where it should be, clear elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QPalette

from desktop_chat.ui.common.painted_icons import dot, refresh_icon
from desktop_chat.ui.models.top_bar import TopBar


def test_a_dot_is_its_colour_in_the_middle_and_clear_in_the_corners(qapp):
    image = dot("#2e9e4f", 12).toImage()
    assert image.pixelColor(6, 6) == QColor("#2e9e4f")
    assert image.pixelColor(0, 0).alpha() == 0


def test_the_refresh_icon_comes_in_every_size_and_in_the_colour_asked_for(qapp):
    icon = refresh_icon(QColor("#123456"))
    for size in (16, 32):
        image = icon.pixmap(QSize(size, size)).toImage()
        opaque = [image.pixelColor(x, y) for x in range(size) for y in range(size)
                  if image.pixelColor(x, y).alpha() == 255]
        assert opaque, size  # something is drawn
        assert all(c.rgb() == QColor("#123456").rgb() for c in opaque)
        assert image.pixelColor(size // 2, size // 2).alpha() == 0  # an open circle: the middle is clear


def test_the_refresh_button_follows_the_palette(qtbot):
    bar = TopBar()
    qtbot.addWidget(bar)
    palette = QPalette(bar.palette())
    palette.setColor(QPalette.ColorRole.ButtonText, QColor("#ff0000"))
    bar.setPalette(palette)
    image = bar.refresh_button.icon().pixmap(QSize(32, 32)).toImage()
    opaque = {image.pixelColor(x, y).rgb() for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() == 255}
    assert opaque == {QColor("#ff0000").rgb()}
