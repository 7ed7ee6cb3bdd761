"""The application's one style sheet, written from the design tokens.

Only what the palette cannot say is here: thin scrollbars without arrows, flat icon buttons with a
hover and a pressed state, the composer's rounded box, the sidebar's panel and search field, chips,
tooltips. Everything else keeps Fusion's drawing in the palette's colours (theme.palette_for), so
dialogs and Settings look native to the app without rules of their own.

Widgets opt in by objectName or by a dynamic property, never by class alone (a rule for every
QToolButton would restyle the Settings dialog's and the model picker's too):

- `iconButton="true"`: a square, flat button showing one icon (see icons.IconButton);
- `accentButton="true"`: the round, accent-filled send button;
- `#composerBox`: only the editor's text inside it (the box paints its own outline and states).
"""

from __future__ import annotations

from desktop_chat.ui.common.theme.tokens import Tokens


def stylesheet(t: Tokens) -> str:
    c, r, s, ty = t.colors, t.radius, t.space, t.type
    return f"""
QToolTip {{
    color: {c.tooltip_text}; background: {c.tooltip}; border: 1px solid {c.tooltip};
    border-radius: {r.s}px; padding: 4px 8px;
}}

/* Thin scrollbars, no arrows, a track that stays out of sight: what every current chat app does. */
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px 2px 2px 0; border: none; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 0 2px 2px 2px; border: none; }}
QScrollBar::handle:vertical {{ background: {c.scrollbar}; border-radius: 3px; min-height: 32px; margin: 0 2px; }}
QScrollBar::handle:horizontal {{ background: {c.scrollbar}; border-radius: 3px; min-width: 32px; margin: 2px 0; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {c.scrollbar_hover}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}

QToolButton[iconButton="true"] {{
    background: transparent; border: none; border-radius: {r.s}px; padding: 2px;
}}
QToolButton[iconButton="true"]:hover {{ background: {c.hover}; }}
QToolButton[iconButton="true"]:pressed, QToolButton[iconButton="true"]:checked {{ background: {c.pressed}; }}
QToolButton[iconButton="true"]:focus {{ border: 1px solid {c.accent}; }}
QToolButton[iconButton="true"]::menu-indicator {{ image: none; width: 0; }}
/* The knowledge picker with a collection chosen: its name beside the books icon. */
QToolButton#knowledgePicker[chosen="true"] {{ padding: 2px 8px 2px 6px; color: {c.text_muted}; font-size: {ty.small}px; }}

QToolButton[accentButton="true"] {{
    background: {c.accent}; border: none; border-radius: {t.icon_button // 2}px; padding: {s.xs}px;
}}
QToolButton[accentButton="true"]:hover {{ background: {c.accent_hover}; }}
QToolButton[accentButton="true"]:disabled {{ background: {c.border}; }}
QToolButton[accentButton="true"]:focus {{ border: 2px solid {c.accent_soft}; }}

#composerBox QPlainTextEdit {{
    background: transparent; border: none; color: {c.text}; font-size: {ty.body}px;
    selection-background-color: {c.accent}; selection-color: {c.accent_text};
}}
#composerDropHint {{ color: {c.accent}; font-size: {ty.ui}px; }}

/* No group-box chrome: a group is its title, a heading over its controls (the Ollama models
   dialog, Export's choices); spacing, not frames, separates groups. */
QGroupBox {{ border: none; margin-top: {ty.ui + 12}px; padding-top: 4px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; subcontrol-position: top left; left: 0; padding: 0 0 4px 0;
    color: {c.text}; }}

/* Dialog buttons are words: a desktop theme that asks for icons on them (the generic X11 one does)
   gave Save a floppy disk and Cancel a red cross, in every dialog and message box. */
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}

/* Menus everywhere: rounded (their windows are translucent: theme.round_menu), a little air around
   the items, the hover colour for the one under the mouse. */
QMenu {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border}; border-radius: {r.m}px;
    padding: 4px; }}
QMenu::item {{ padding: 6px 28px 6px 8px; border-radius: {r.s}px; background: transparent; }}
QMenu::item:selected {{ background: {c.hover}; color: {c.text}; }}
QMenu::item:disabled {{ color: {c.text_faint}; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 6px; }}
QMenu::icon {{ padding-left: 8px; }}

#conversationPanel, #conversationList, #sidebarFooter {{ background: {c.sidebar}; }}
#conversationList {{ border: none; }}
#conversationSearch {{
    background: {c.window}; border: 1px solid {c.border}; border-radius: {r.m}px;
    padding: 5px 8px; color: {c.text}; font-size: {ty.ui}px;
}}
#conversationSearch:focus {{ border: 1px solid {c.accent}; }}
#conversationListEmpty {{ color: {c.text_muted}; font-size: {ty.ui}px; }}
/* Settings: its sections as a quiet list of places, like the sidebar's rows; fields with a visible edge. */
#settingsNav {{ background: {c.sidebar}; border: none; border-radius: {r.m}px; padding: 6px; outline: 0;
    font-size: {ty.ui}px; }}
#settingsNav::item {{ padding: 7px 10px; border-radius: {r.s}px; color: {c.text}; }}
#settingsNav::item:hover {{ background: {c.hover}; }}
#settingsNav::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}
#settingsDialog QLineEdit {{ border: 1px solid {c.border}; border-radius: {r.s}px; padding: 4px 6px;
    background: {c.surface}; color: {c.text}; }}
#settingsDialog QLineEdit:focus {{ border: 1px solid {c.accent}; }}

#conversationRename {{
    background: {c.window}; border: 1px solid {c.accent}; border-radius: {r.s}px;
    padding: 2px 6px; color: {c.text}; font-size: {ty.ui}px;
}}
"""
