"""Light, dark or the platform's own look, switchable while the app runs.

"light" and "dark" use the Fusion style with a palette of our own, so they look the same on
every platform (several native styles, e.g. Windows' "windowsvista", ignore a dark palette).
"system" follows the operating system's colour scheme as it changes (QStyleHints.colorScheme,
Qt >= 6.5): when the system is light it keeps the platform's style (switching styles costs
≈ 7 ms at start-up) in our light palette; when it is dark it uses the Fusion dark palette,
because the native style may not be. Either way the colours are the design tokens'.

The colours, spacings, radii and type sizes come from the design tokens (tokens.py); the
palettes below and the application's style sheet (stylesheet.py) are written from them. Widgets
that draw with their own colours read `current_tokens()` (or palette roles), and re-read them on
QEvent.PaletteChange, which Qt sends to every widget when the theme changes.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from desktop_chat.ui.common.fonts import THEMED_CLASSES
from desktop_chat.ui.common.theme.stylesheet import stylesheet
from desktop_chat.ui.common.theme.tokens import Tokens, for_dark

THEMES = ("system", "light", "dark")

_Popup = TypeVar("_Popup", bound=QWidget)  # a QMenu, or a popup frame (round_menu)

_state: dict[str, object] = {"theme": None, "look": None, "platform_style": None, "style": None,
                             "sheet": None, "listening": False}


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
    """"light", "dark" or "platform" (the platform's style, in the light palette)."""
    if theme != "system":
        return theme
    return "dark" if system_color_scheme(app) == Qt.ColorScheme.Dark else "platform"


def _apply_look(app: QApplication, look: str) -> None:
    if look != _state["look"]:  # else already in force: spare every widget a PaletteChange (and a re-render)
        _state["look"] = look
        if look == "platform":
            if _state["style"] is not None:  # Fusion was put in force earlier: the platform's style again
                _set_style(app, str(_state["platform_style"] or "Fusion"))
            app.setPalette(light_palette())  # the platform's style in the tokens' light colours
        else:
            _remember_platform(app)  # before the first switch away from it (not earlier: QStyle costs ≈ 7 ms)
            _set_style(app, "Fusion")
            app.setPalette(dark_palette() if look == "dark" else light_palette())
    tokens = current_tokens()
    if _state["sheet"] is not tokens:  # the tokens' style sheet, light or dark, once per change
        _state["sheet"] = tokens
        _set_style_sheet(app, stylesheet(tokens))


def _set_style_sheet(app: QApplication, sheet: str) -> None:
    _keeping_class_fonts(app, lambda: app.setStyleSheet(sheet))


def _keeping_class_fonts(app: QApplication, change: Callable[[], None]) -> None:
    """Setting the application's style sheet or style drops the fonts a desktop theme gave some
    classes (menus, tooltips…: QApplication.setFont(font, class)); they are put back."""
    default = app.font()
    kept = {name: QFont(app.font(name)) for name in THEMED_CLASSES  # type: ignore[call-overload]
            if app.font(name) != default}  # type: ignore[call-overload]
    change()
    for name, font in kept.items():
        QApplication.setFont(font, name)  # type: ignore[arg-type]  # a str at run time (see fonts.py)


def current_theme() -> str:
    return str(_state["theme"] or "system")


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether a palette (by default the application's) has a dark window background."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def current_tokens(palette: QPalette | None = None) -> Tokens:
    """The design tokens for the theme in force (light or dark, following the palette: the
    platform's own look may be either)."""
    return for_dark(is_dark(palette))


def system_color_scheme(app: QApplication) -> Qt.ColorScheme:
    hints = app.styleHints()
    return hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown


def _remember_platform(app: QApplication) -> None:
    if _state["platform_style"] is None:
        # Under a style sheet app.style() is Qt's style-sheet wrapper, whose name is empty: ask
        # the style underneath, once, with the sheet off for a moment.
        sheet = app.styleSheet()
        if sheet:
            app.setStyleSheet("")
        _state["platform_style"] = app.style().name()
        if sheet:
            app.setStyleSheet(sheet)


def style_name() -> str:
    """The name of the style in force ("fusion", or the platform's); app.style().name() is empty
    while a style sheet applies."""
    return str(_state["style"] or _state["platform_style"] or "").lower()


def _set_style(app: QApplication, name: str) -> None:
    current = _state["style"] or _state["platform_style"]
    # The platform's look ("system", light) keeps its style: making another instance of a native
    # style costs ≈ 7 ms of the start-up. Menus are round under our style only (round_menu).
    if str(current or "").lower() != name.lower():
        style = QStyleFactory.create(name)
        if style is not None:
            _keeping_class_fonts(app, lambda: app.setStyle(style))
            _state["style"] = name.lower()
    rounded = name.lower() == "fusion" and rounded_menus_possible()
    if rounded != bool(_state.get("rounded")):
        _state["rounded"] = rounded
        _restyle_menus()


def rounded_menus_possible() -> bool:
    """Whether a menu's window can have see-through corners. X11 needs a compositor for that
    (a translucent window without one shows black corners: plain Xvfb, bare window managers);
    a desktop session (XDG_CURRENT_DESKTOP: GNOME, KDE… composite) is taken to have one."""
    platform = QGuiApplication.platformName()
    if platform == "xcb":
        return bool(os.environ.get("XDG_CURRENT_DESKTOP"))
    return platform in ("windows", "cocoa", "wayland", "offscreen")


def round_menu(menu: _Popup) -> _Popup:
    """Give a menu's window (or a popup's that paints its box with `paint_popup_box`) see-through
    corners and no rectangular system shadow, so that the style sheet's rounded border is its real
    edge; where that works (rounded_menus_possible) and under our own style (the platform's keeps
    its menus). Each menu is made round where it is made, before its window exists — a QProxyStyle
    doing it for every menu costs PySide's QStyle type and its ≈ 600 enum members at every start
    (≈ 6-8 ms measured) — and is made again when the look changes (_restyle_menus). Returns `menu`."""
    _apply_round(menu)
    _round_menus.add(menu)
    return menu


_round_menus: weakref.WeakSet[QWidget] = weakref.WeakSet()  # what round_menu was given


def _apply_round(menu: QWidget) -> None:
    rounded = bool(_state.get("rounded"))
    if menu.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground) != rounded:
        menu.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, rounded)
        menu.setWindowFlag(Qt.WindowType.FramelessWindowHint, rounded)
        menu.setWindowFlag(Qt.WindowType.NoDropShadowWindowHint, rounded)


def _restyle_menus() -> None:
    """The look changed whether menus can be round: the closed ones made so far follow."""
    for menu in list(_round_menus):
        if shiboken6.isValid(menu) and not menu.isVisible():
            _apply_round(menu)


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
    return _palette(for_dark(False))


def dark_palette() -> QPalette:
    return _palette(for_dark(True))


def _palette(tokens: Tokens) -> QPalette:
    """Fusion's colour roles from the tokens, with readable disabled and placeholder text."""
    c = tokens.colors
    window, text, faint = QColor(c.window), QColor(c.text), QColor(c.text_faint)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: window,  # text areas (the messages, fields) sit on the window's own colour
        QPalette.ColorRole.AlternateBase: QColor(c.surface_alt),
        QPalette.ColorRole.ToolTipBase: QColor(c.tooltip),
        QPalette.ColorRole.ToolTipText: QColor(c.tooltip_text),
        QPalette.ColorRole.PlaceholderText: faint,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(c.surface_alt),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(c.danger),
        QPalette.ColorRole.HighlightedText: QColor(c.accent_text),
    }
    # Fusion draws bevels and frames from these five: a ramp around the window's own colour.
    ramp = QColor(c.border)
    if tokens.dark:
        bevels = (ramp.lighter(130), ramp.lighter(110), ramp.darker(120), window.darker(140), window.darker(200))
    else:
        bevels = (QColor("#ffffff"), QColor(c.surface_alt), ramp, ramp.darker(130), ramp.darker(200))
    for role, colour in zip(
        (QPalette.ColorRole.Light, QPalette.ColorRole.Midlight, QPalette.ColorRole.Mid,
         QPalette.ColorRole.Dark, QPalette.ColorRole.Shadow),
        bevels,
    ):
        roles[role] = colour
    for role, colour in roles.items():
        palette.setColor(role, colour)
    _set_accent(palette, QColor(c.accent), link=QColor(c.accent_hover if tokens.dark else c.accent))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, faint)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, window)
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(c.border_strong))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.HighlightedText, faint)
    return palette


def _set_accent(palette: QPalette, accent: QColor, *, link: QColor) -> None:
    palette.setColor(QPalette.ColorRole.Highlight, accent)
    palette.setColor(QPalette.ColorRole.Link, link)
    palette.setColor(QPalette.ColorRole.LinkVisited, link.darker(115) if link.lightness() > 128 else link.lighter(115))
    if hasattr(QPalette.ColorRole, "Accent"):  # Qt >= 6.6
        palette.setColor(QPalette.ColorRole.Accent, accent)


def paint_popup_box(widget: QWidget) -> None:
    """Paint a popup's box (one made round by `round_menu`) like the menus' (rounded, the surface
    colour, a soft border). A translucent window paints no background of its own, and a style-sheet
    rule does not reach a popup whose parent is a combo box (the model picker's): drawn from the tokens."""
    tokens = current_tokens(widget.palette())
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(tokens.colors.border))
    painter.setBrush(QColor(tokens.colors.surface))
    painter.drawRoundedRect(QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5), tokens.radius.m, tokens.radius.m)
    painter.end()
