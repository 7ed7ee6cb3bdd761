"""The request one turn sends: the branch's messages with the conversation's documents, knowledge
base passages and images planned into the model's context budget, and the conversation's options
that the provider takes (the engine's own options are not passed on).

Reading documents and knowledge bases happens in a worker thread, never on the loop. When
documents go with the turn, a SourcesFound event says how, before the answer streams, and the
same is stored with the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from desktop_chat.chat.answer_in_progress import EventSink
from desktop_chat.chat.attachments import PreparedDocuments, conversation_documents, prepare_documents
from desktop_chat.chat.context import context_window
from desktop_chat.chat.events import SourcesFound
from desktop_chat.chat.knowledge import knowledge_request, with_knowledge
from desktop_chat.chat.reasoning import applicable
from desktop_chat.chat.request_messages import request_messages, reserved_tokens
from desktop_chat.config import Endpoint
from desktop_chat.domain.messages import Conversation, Message
from desktop_chat.providers import ChatRequest, capabilities

if TYPE_CHECKING:
    from desktop_chat.chat.engine import ChatEngine

# Options that steer the engine and are not passed on to the provider.
ENGINE_OPTIONS = ("max_tokens", "temperature", "context_tokens", "knowledge_base", "kb_top_k")


async def build_request(engine: ChatEngine, conversation: Conversation, endpoint: Endpoint, model: str,
                        history: Sequence[Message], answer: Message, on_event: EventSink) -> ChatRequest:
    """The request for this turn, with the conversation's documents planned into it."""
    settings = engine.settings
    max_tokens = int(conversation.options.get("max_tokens", settings.max_tokens))
    options = {k: v for k, v in conversation.options.items() if k not in ENGINE_OPTIONS}
    options = applicable(options, capabilities(endpoint.kind, model))  # the reasoning setting it takes
    prepared: PreparedDocuments | None = None
    in_play = conversation_documents(history)
    kb = knowledge_request(conversation.options)  # an attached knowledge base (chat/knowledge.py)
    if in_play or kb:
        window = await context_window(endpoint.kind, endpoint.id, model, conversation.options,
                                      engine.context_lookup)
        reserved = reserved_tokens(conversation, history, max_tokens, window, endpoint.kind, len(in_play))
        reserved += kb.tokens if kb else 0
        question = next((m.text for m in reversed(history) if m.role == "user"), "")
        native_pdf = capabilities(endpoint.kind, model).native_pdf
        prepared = await asyncio.to_thread(
            lambda: prepare_documents(engine.documents(), in_play, question, native_pdf=native_pdf,
                                      context_tokens=window.tokens, reserved_tokens=reserved)) if in_play else None
        if kb:
            prepared = await asyncio.to_thread(
                lambda: with_knowledge(prepared, engine.knowledge.get(), kb, question, window.tokens))
        assert prepared is not None
        if answer.id:  # an unstored answer (answer_unstored) has no row to keep it in
            engine.store.update_message(answer.id, attachments=[prepared.delivery.to_dict()])
        on_event(SourcesFound(conversation.id, answer.id, prepared.delivery.explanation,
                              list(prepared.sources), prepared.delivery))
        if window.send_num_ctx is not None and (prepared.sends_content or prepared.passages):
            options["num_ctx"] = window.send_num_ctx  # else Ollama cuts the prompt to its default
    images = await engine.images.request_images(history, endpoint, model)
    return ChatRequest(
        model=model,
        messages=request_messages(history, prepared, images),
        system=conversation.system_prompt or None,
        max_tokens=max_tokens,
        temperature=conversation.options.get("temperature", settings.temperature),
        options=options,
    )
