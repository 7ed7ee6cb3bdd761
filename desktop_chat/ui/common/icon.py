"""The application icon: the PNGs rendered from desktop_chat/resources/icons/desktop-chat.svg.

Looked for like the translations (i18n.py): the PyInstaller bundle (`sys._MEIPASS/resources/icons`),
then the package (`desktop_chat/resources/icons`, package data). PNGs, not the SVG: Qt reads PNG without any plugin, and
QIcon only decodes the size a window manager asks for, when it asks.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from desktop_chat.ui.runtime.resources import resource_dirs

ICON_NAME = "desktop-chat"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def icons_dir() -> Path | None:
    for candidate in _candidates():
        if (candidate / f"{ICON_NAME}-{SIZES[0]}.png").is_file():
            return candidate
    return None


def app_icon() -> QIcon:
    """Every size found; a null QIcon when the files are missing (the platform's default shows)."""
    icon = QIcon()
    directory = icons_dir()
    if directory is not None:
        for size in SIZES:
            path = directory / f"{ICON_NAME}-{size}.png"
            if path.is_file():
                icon.addFile(str(path), QSize(size, size))  # the size given: no file read now
    return icon


def _candidates() -> list[Path]:
    return resource_dirs("icons")
