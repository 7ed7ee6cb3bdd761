"""Send: the composer's text and attachments become a question, and its turn starts.

Why apart from MainWindow: deciding whether Send can go (empty text, an answer still arriving,
a file still being read), storing a new conversation for a draft and handing everything to the
turn controller is one job; the window keeps only which conversation is on screen (adopt_draft).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_chat.store import StoreError

if TYPE_CHECKING:
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["send_from_composer"]


def send_from_composer(w: MainWindow) -> None:
    text = w.composer.toPlainText()
    current = w.current_conversation_id
    if (not text.strip() and not w.attachments.has_images()) or w.is_streaming(current):
        return
    waiting = w.attachments.busy_text()
    if waiting is not None:  # a file is still being read: Send waits, the text stays
        w.statusBar().showMessage(waiting, 5000)
        return
    endpoint_id = w.choice.endpoint_id
    model = w.choice.model or None
    if current is None:
        prompt = w.draft_prompt if w.draft_prompt is not None else (w.settings.system_prompt or None)
        try:
            conversation = w.conversations.create(provider=endpoint_id, model=model,
                                                  system_prompt=prompt, provisional=True)
        except StoreError as exc:  # the disk is full, the folder read-only: the text stays in the composer
            w.presenter.show_problem(None, w.controller.store_failure(exc))
            return
        current = conversation.id
        w.adopt_draft(current)
        w.reasoning.apply_pending(current)
        # The list shows it once the turn has started (_turn_started): its repaint then runs
        # while the request is on its way, not before it leaves; a refused turn never shows.
    w.composer_bar.take_text()
    w.presenter.pending_text[current] = text
    attachments = w.attachments.take_for_send(current)
    if w.knowledge is not None:
        w.knowledge.apply_pending(current)  # a knowledge base chosen before the first message
    images = w.attachments.take_images_for_send(current)
    w.controller.send(current, text, endpoint_id=endpoint_id, model=model, attachments=attachments, images=images)
