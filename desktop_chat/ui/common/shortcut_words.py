"""What a shortcut does, in words, kept on the QShortcut itself where it is bound.

The Keyboard shortcuts dialog (shortcuts_dialog.py) lists them from there, so there is no second,
hand-written list to fall out of date. Its own small module: binding happens at start-up, and the
dialog itself is only imported when someone opens it.
"""

from __future__ import annotations

from PySide6.QtGui import QShortcut

DESCRIPTION = "description"  # the QShortcut property holding the English words
CONTEXT = "translationContext"  # the QShortcut property naming the class the words were marked in


def describe(shortcut: QShortcut, words: object, context: str) -> QShortcut:
    """Give *shortcut* its words (marked with QT_TRANSLATE_NOOP(*context*, …), which PySide types
    as returning object: it returns the string it was given)."""
    shortcut.setProperty(DESCRIPTION, str(words) if words else "")
    shortcut.setProperty(CONTEXT, context)
    return shortcut
