"""Light, dark or the platform's own look, switchable while the app runs.

"light" and "dark" use the Fusion style with a palette of our own, so they look the same on
every platform (several native styles, e.g. Windows' "windowsvista", ignore a dark palette).
"system" gives back the style and palette the platform chose at start-up and follows the
operating system's colour scheme as it changes (QStyleHints.colorScheme, Qt >= 6.5): when the
system is dark it uses the same Fusion dark palette, because the native style may not be.

Widgets that draw with their own colours should use palette roles, or re-read them on
QEvent.PaletteChange, which Qt sends to every widget when the theme changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")

_state: dict[str, object] = {"theme": None, "look": "platform", "platform_style": None, "listening": False}


def apply_theme(app: QApplication, theme: str) -> None:
    """Switch the whole application to "system", "light" or "dark" (anything else: "system")."""
    if theme not in THEMES:
        theme = "system"
    _state["theme"] = theme
    hints = app.styleHints()
    if theme == "system":
        if hasattr(hints, "unsetColorScheme"):  # Qt >= 6.8
            hints.unsetColorScheme()
        _listen_for_system_changes(app)
    elif hasattr(hints, "setColorScheme"):  # lets the platform draw title bars and menus to match
        hints.setColorScheme(Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light)
    _apply_look(app, _effective(app, theme))


def _effective(app: QApplication, theme: str) -> str:
    """"light", "dark" or "platform" (the style and palette the platform chose)."""
    if theme != "system":
        return theme
    return "dark" if system_color_scheme(app) == Qt.ColorScheme.Dark else "platform"


def _apply_look(app: QApplication, look: str) -> None:
    if look == _state["look"]:
        return  # already in force: spare every widget a PaletteChange (and a re-render)
    _state["look"] = look
    if look == "platform":
        _set_style(app, str(_state["platform_style"] or "Fusion"))
        app.setPalette(QPalette())  # an empty palette: every role comes from the platform theme again
    else:
        _remember_platform(app)  # before the first switch away from it (not earlier: QStyle costs ≈ 7 ms)
        _set_style(app, "Fusion")
        app.setPalette(dark_palette() if look == "dark" else light_palette())


def current_theme() -> str:
    return str(_state["theme"] or "system")


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether a palette (by default the application's) has a dark window background."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def system_color_scheme(app: QApplication) -> Qt.ColorScheme:
    hints = app.styleHints()
    return hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown


def _remember_platform(app: QApplication) -> None:
    if _state["platform_style"] is None:
        _state["platform_style"] = app.style().name()


def _set_style(app: QApplication, name: str) -> None:
    if app.style().name().lower() != name.lower():
        style = QStyleFactory.create(name)
        if style is not None:
            app.setStyle(style)


def _listen_for_system_changes(app: QApplication) -> None:
    hints = app.styleHints()
    if _state["listening"] or not hasattr(hints, "colorSchemeChanged"):
        return
    _state["listening"] = True

    def follow(_scheme: Qt.ColorScheme) -> None:
        if _state["theme"] == "system":
            _apply_look(app, _effective(app, "system"))

    hints.colorSchemeChanged.connect(follow)


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    palette = QPalette(style.standardPalette())
    _set_accent(palette, QColor(0x1F, 0x6F, 0xD0), link=QColor(0x1A, 0x5F, 0xB4))
    return palette


def dark_palette() -> QPalette:
    """Fusion's colour roles for a dark window, with readable disabled and placeholder text."""
    window, base, text = QColor(0x2B, 0x2D, 0x30), QColor(0x1E, 0x1F, 0x22), QColor(0xE6, 0xE6, 0xE6)
    disabled_text = QColor(0x80, 0x80, 0x80)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(0x26, 0x28, 0x2B),
        QPalette.ColorRole.ToolTipBase: QColor(0x3C, 0x3F, 0x41),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(0x9A, 0x9A, 0x9A),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(0x35, 0x37, 0x3B),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(0xFF, 0x6B, 0x6B),
        # Fusion draws bevels and frames from these five.
        QPalette.ColorRole.Light: QColor(0x4A, 0x4D, 0x52),
        QPalette.ColorRole.Midlight: QColor(0x3E, 0x41, 0x45),
        QPalette.ColorRole.Mid: QColor(0x2A, 0x2C, 0x2F),
        QPalette.ColorRole.Dark: QColor(0x1A, 0x1B, 0x1D),
        QPalette.ColorRole.Shadow: QColor(0x0F, 0x10, 0x11),
        QPalette.ColorRole.HighlightedText: QColor(0xFF, 0xFF, 0xFF),
    }
    for role, colour in roles.items():
        palette.setColor(role, colour)
    _set_accent(palette, QColor(0x35, 0x74, 0xF0), link=QColor(0x6C, 0xA6, 0xFF))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled_text)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(0x50, 0x50, 0x50))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.HighlightedText, disabled_text)
    return palette


def _set_accent(palette: QPalette, accent: QColor, *, link: QColor) -> None:
    palette.setColor(QPalette.ColorRole.Highlight, accent)
    palette.setColor(QPalette.ColorRole.Link, link)
    palette.setColor(QPalette.ColorRole.LinkVisited, link.darker(115) if link.lightness() > 128 else link.lighter(115))
    if hasattr(QPalette.ColorRole, "Accent"):  # Qt >= 6.6
        palette.setColor(QPalette.ColorRole.Accent, accent)
