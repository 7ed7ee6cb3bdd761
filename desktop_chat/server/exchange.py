"""One request's question, as the engine takes it, and running it without storing it.

The OpenAI, Anthropic and simple routes each turn their body into an :class:`Exchange` (the
messages in memory, the system prompt, where it goes, the limits) and run it here; when the
user's setting keeps server requests in the history, the finished exchange is stored as a new
conversation (history.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_chat.chat.app_services import AppServices
from desktop_chat.chat.engine import UnstoredAnswer
from desktop_chat.domain.messages import Message, MessageStatus, Role
from desktop_chat.server.errors import ApiError
from desktop_chat.server.models import split_model
from desktop_chat.server.turns import Turn


def joined_text(content: str | list[dict[str, Any]] | None, where: str, noun: str) -> str:
    """A message's content as one text: a string as it is, a list of text *noun* ("blocks" in
    Anthropic's wire, "parts" in OpenAI's) joined by blank lines; any other kind is a 400 naming
    the field *where* (this server takes text only)."""
    if content is None or isinstance(content, str):
        return content or ""
    texts = []
    for j, piece in enumerate(content):
        if piece.get("type") != "text" or not isinstance(piece.get("text"), str):
            raise ApiError(400, f"{where}[{j}]: only text {noun} are supported by this server "
                                f"(got type {json.dumps(piece.get('type'))}).", param=f"{where}[{j}]")
        texts.append(piece["text"])
    return "\n\n".join(texts)


@dataclass
class Exchange:
    history: list[Message]
    system: str | None = None
    endpoint_id: str | None = None
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # max_tokens, temperature

    @classmethod
    def of(cls, services: AppServices, turns: Sequence[tuple[Role, str]], *, system: str | None,
           model: str | None, max_tokens: int | None = None, temperature: float | None = None,
           attachments: Sequence[dict[str, Any]] = ()) -> Exchange:
        """*turns* oldest first; the last must be the user's question, which carries *attachments*
        (``Attachment.to_dict()`` of documents in the app's library)."""
        if not turns or turns[-1][0] != "user":
            raise ApiError(400, "The last message must be the user's.", param="messages")
        endpoint_id, model_name = split_model(services, model)
        options: dict[str, Any] = {}
        if max_tokens is not None:
            options["max_tokens"] = max_tokens
        if temperature is not None:
            options["temperature"] = temperature
        return cls(in_memory(turns, attachments), system or None, endpoint_id, model_name, options)

    def run(self, services: AppServices) -> Turn[UnstoredAnswer]:
        engine = services.engine
        return Turn(lambda sink: engine.answer_unstored(
            self.history, endpoint_id=self.endpoint_id, model=self.model, system_prompt=self.system,
            options=self.options, on_event=sink))


def in_memory(turns: Sequence[tuple[Role, str]], attachments: Sequence[dict[str, Any]] = ()) -> list[Message]:
    """Messages that live only in this request (ids are positions); *attachments* go with the last."""
    out: list[Message] = []
    for i, (role, text) in enumerate(turns):
        last = i == len(turns) - 1
        out.append(Message(f"api-{i}", "", role, text, MessageStatus.COMPLETE, seq=i,
                           parent_id=out[-1].id if out else None,
                           attachments=list(attachments) if last else []))
    return out
