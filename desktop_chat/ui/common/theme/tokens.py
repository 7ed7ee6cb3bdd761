"""Design tokens: the one place that says which colours, spacings, radii and type sizes the window uses.

Everything that draws in its own colours reads them here (`tokens()` for the theme in force, or
`for_palette(palette)`), and the application's style sheet (stylesheet.py) is written from them, so
a colour changes in one line and light and dark stay a pair. One accent colour; every other colour
is a neutral grey of the window's own temperature, or a state (danger, success) used sparingly.

Plain Python (no Qt import): the values are strings Qt's style sheets and QColor both read.
Immutable NamedTuples (README, Layout: why not frozen dataclasses).
"""

from __future__ import annotations

from typing import NamedTuple


class Colors(NamedTuple):
    window: str  # the message pane's background
    sidebar: str  # the conversation list's panel, a shade away from the window
    surface: str  # raised things on the window: the composer, cards, code blocks
    surface_alt: str  # a second level (the user's bubble, chips)
    border: str  # hairlines: the composer's outline, separators
    border_strong: str  # the composer's outline while it has focus is the accent; this is hover
    text: str
    text_muted: str  # secondary lines: times, counts, group headers
    text_faint: str  # placeholders, disabled
    accent: str  # the one accent: selection, focus, the send button, links
    accent_hover: str
    accent_text: str  # text and icons on the accent
    accent_soft: str  # a tinted background: the selected conversation, the drop hint
    hover: str  # a row or icon button under the mouse
    pressed: str
    danger: str
    success: str
    scrollbar: str  # the thin scrollbar's handle
    scrollbar_hover: str
    tooltip: str
    tooltip_text: str


LIGHT = Colors(
    window="#ffffff",
    sidebar="#f7f7f8",
    surface="#ffffff",
    surface_alt="#f2f3f5",
    border="#e3e4e8",
    border_strong="#c9cbd1",
    text="#1f2328",
    text_muted="#656d76",
    text_faint="#9198a1",
    accent="#2563eb",
    accent_hover="#1d4ed8",
    accent_text="#ffffff",
    accent_soft="#e8effd",
    hover="#ececef",
    pressed="#e1e2e6",
    danger="#d92d20",
    success="#16a34a",
    scrollbar="#c4c7cc",
    scrollbar_hover="#9ea3aa",
    tooltip="#1f2328",
    tooltip_text="#ffffff",
)

DARK = Colors(
    window="#1e1f22",
    sidebar="#17181a",
    surface="#2a2b2f",
    surface_alt="#2f3136",
    border="#3a3c42",
    border_strong="#50535a",
    text="#e6e7e9",
    text_muted="#a0a4ab",
    text_faint="#71757d",
    accent="#4c8bf5",
    accent_hover="#6a9ff7",
    accent_text="#ffffff",
    accent_soft="#253552",
    hover="#2c2e33",
    pressed="#35373d",
    danger="#f97066",
    success="#4ade80",
    scrollbar="#4a4d54",
    scrollbar_hover="#656973",
    tooltip="#3a3c42",
    tooltip_text="#f2f2f3",
)


class Space(NamedTuple):
    """A 4-pixel grid: xs 4, s 8, m 12, l 16, xl 24."""

    xs: int = 4
    s: int = 8
    m: int = 12
    l: int = 16  # noqa: E741 - the scale's own name
    xl: int = 24


class Radius(NamedTuple):
    s: int = 6  # icon buttons, chips' close buttons
    m: int = 8  # rows in the sidebar, chips, tooltips
    l: int = 14  # the composer, cards
    pill: int = 999


class Type(NamedTuple):
    """Sizes in pixels. Body text 15 px with a line height of 1.6: what reads well on long answers."""

    small: int = 12  # times, group headers, counts
    ui: int = 14  # controls, the sidebar's titles
    body: int = 15  # messages and the composer
    title: int = 18
    display: int = 24  # the empty state's greeting
    line_height: float = 1.6


class Tokens(NamedTuple):
    dark: bool
    colors: Colors
    space: Space = Space()
    radius: Radius = Radius()
    type: Type = Type()
    icon: int = 18  # an icon's size in an icon button
    icon_button: int = 32  # an icon button's square


LIGHT_TOKENS = Tokens(dark=False, colors=LIGHT)
DARK_TOKENS = Tokens(dark=True, colors=DARK)


def for_dark(dark: bool) -> Tokens:
    return DARK_TOKENS if dark else LIGHT_TOKENS
