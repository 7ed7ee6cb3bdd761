"""The system prompt dialog as the window opens it: the conversation's own prompt, or for a new
conversation the draft chosen before its first message (the window's draft_prompt, falling back
on the default from Settings).

Why apart from MainWindow: it is one button's job; the window only keeps the draft, which the
first message of a new conversation takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["edit_system_prompt"]


def edit_system_prompt(window: MainWindow) -> None:
    """Open the dialog (non-modal); what it saves goes to the conversation it was opened for."""
    target = window.current_conversation_id
    if target is not None:
        conversation = window.conversations.get(target)
        text = conversation.system_prompt or "" if conversation else ""
    else:
        text = window.draft_prompt if window.draft_prompt is not None else window.settings.system_prompt
    from desktop_chat.ui.models.system_prompt_dialog import SystemPromptDialog  # (QDialog's classes: with the first)

    dialog = SystemPromptDialog(text, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def save() -> None:
        prompt = dialog.text()
        if target is None:
            window.draft_prompt = prompt
        else:
            window.conversations.set_system_prompt(target, prompt)
        if target == window.current_conversation_id:
            window.top_bar.set_has_system_prompt(bool(prompt))

    dialog.accepted.connect(save)
    dialog.open()
