"""Keeping what the server answered in the history, when the user's setting asks for it.

Off by default: tools and scripts send many requests, and each would clutter the conversation
list. On, each finished exchange becomes a conversation of its own (the request's messages and
the answer), titled by its question, so that it can be read and searched like any other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_chat.chat.app_services import AppServices
from desktop_chat.chat.engine import UnstoredAnswer
from desktop_chat.server.exchange import Exchange
from desktop_chat.store import StoreError

if TYPE_CHECKING:
    from desktop_chat.server.state import ServerContext

log = logging.getLogger(__name__)
TITLE_CHARS = 60


def after_answer(ctx: ServerContext, exchange: Exchange) -> Callable[[UnstoredAnswer], None]:
    """What a route does once *exchange* is answered: keep it, if the user's setting says so."""

    def after(answer: UnstoredAnswer) -> None:
        if ctx.options.store_history:
            keep(ctx.services, exchange, answer)

    return after


def keep(services: AppServices, exchange: Exchange, answer: UnstoredAnswer) -> None:
    question = " ".join(exchange.history[-1].text.split())
    title = question[:TITLE_CHARS] + ("…" if len(question) > TITLE_CHARS else "")
    try:
        store = services.store
        conversation = store.create_conversation(title=title or "API request", provider=answer.endpoint_id,
                                                 model=answer.model, system_prompt=exchange.system)
        parent: str | None = None
        for message in exchange.history:
            parent = store.add_message(conversation.id, message.role, message.text,
                                       attachments=message.attachments, parent_id=parent).id
        reply = store.add_message(conversation.id, "assistant", answer.text, provider=answer.endpoint_id,
                                  model=answer.model, parent_id=parent)
        usage = answer.usage
        store.update_message(reply.id, stop_reason=answer.stop_reason,
                             input_tokens=usage.input_tokens if usage else None,
                             output_tokens=usage.output_tokens if usage else None)
    except StoreError as exc:  # the answer went out already; the history is a courtesy
        log.warning("could not keep a server exchange in the history: %s", exc)
