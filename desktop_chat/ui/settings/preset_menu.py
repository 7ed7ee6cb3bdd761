"""Settings' "Other services" page: add a service from the preset list (presets.py), and the
"Get a key" link for a service that came from one.

- PresetButton: "Add from list ▾", a menu of the online services, then the local servers; the
  dialog fills a new service's name, base URL and default model from the preset picked.
- PresetHint: under the service's fields, a link to where its key is made (or, for a local
  server, that it needs none), found by the service's base URL.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget

from desktop_chat.presets import PRESETS, Preset
from desktop_chat.ui.common.html_text import escape_html
from desktop_chat.ui.common.theme import round_menu

__all__ = ["PresetButton", "PresetHint", "preset_for_url"]


def preset_for_url(url: str) -> Preset | None:
    wanted = url.strip().rstrip("/")
    return next((p for p in PRESETS if p.base_url == wanted), None) if wanted else None


class PresetButton(QToolButton):
    presetChosen = Signal(object)  # a Preset

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addPresetButton")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = round_menu(QMenu(self))
        menu.setObjectName("presetMenu")
        self._local_section = None
        for preset in PRESETS:
            if preset.local and self._local_section is None:
                self._local_section = menu.addSection("")
            action = menu.addAction(preset.name)
            action.setObjectName(f"preset-{preset.id}")
            action.setData(preset.id)
            action.triggered.connect(lambda _checked=False, p=preset: self.presetChosen.emit(p))
        self.setMenu(menu)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(self.tr("Add from list"))
        self.setAccessibleName(self.tr("Add a service from the list of known services"))
        self.setToolTip(self.tr("DeepSeek, Qwen, Kimi, GLM, SiliconFlow, OpenRouter, Groq, Mistral, Gemini, xAI, "
                                "Together, and servers on this computer: the address and model are filled in."))
        if self._local_section is not None:
            self._local_section.setText(self.tr("On this computer (no key)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class PresetHint(QLabel):
    """Where to get the key for the service shown (empty when its address is not a preset's)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetKeyHint")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(True)
        self.setWordWrap(True)
        self._url = ""
        self.hide()

    def show_for(self, base_url: str) -> None:
        self._url = base_url
        self.retranslate()

    def retranslate(self) -> None:
        preset = preset_for_url(self._url)
        if preset is None:
            self.clear()
            self.hide()
            return
        if preset.local:
            text = escape_html(self.tr("{name} runs on this computer and needs no key: start its server, then "
                                       "press Test connection.").format(name=preset.name))
        else:
            colour = self.palette().color(QPalette.ColorRole.Link).name()
            words = self.tr("Get a {name} key").format(name=preset.name)
            link = f'<a href="{escape_html(preset.key_url)}" style="color: {colour};">{escape_html(words)}</a>'
            text = escape_html(self.tr("No key yet? {link} (opens in your browser).")).replace("{link}", link)
        self.setText(text)
        self.setAccessibleName(self.tr("Where to get a key"))
        self.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.PaletteChange):
            self.retranslate()
        super().changeEvent(event)
