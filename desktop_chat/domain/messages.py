"""Messages and conversations as the engine and the store see them.

Immutable records (a message's documents, sources and delivery note; a turn as sent to a provider)
are NamedTuples, mutable ones dataclasses (README, Layout: why)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from desktop_chat.domain.texts import Text

if TYPE_CHECKING:
    from desktop_chat.domain.parts import RequestPart

Role = Literal["user", "assistant"]


class MessageStatus(str, enum.Enum):
    """Where an assistant answer stands. User messages are always COMPLETE."""

    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"  # the user pressed Stop; text so far is kept
    ERROR = "error"  # the provider failed; text so far (if any) is kept
    INTERRUPTED = "interrupted"  # the app died while streaming; found at the next start


class DocumentPart(NamedTuple):
    """A file sent to the model as it is (a PDF, base64-encoded), beside a turn's text.

    Only providers that read documents natively get these (AnthropicProvider encodes them as
    "document" content blocks); the engine's delivery plan never gives them to any other.
    """

    file_name: str
    data_base64: str
    media_type: str = "application/pdf"


class ChatMessage(NamedTuple):
    """One turn as sent to a provider: a role and its parts in order, no ids, no bookkeeping.

    Parts are domain/parts.py's RequestPart: text, documents (DocumentPart, as they are), images
    (InlineImage), thinking with its signature, tool calls and tool results. Each provider maps
    them to its wire format and refuses, with a ChatError, a kind it cannot send.
    """

    role: Role
    parts: tuple[RequestPart, ...] = ()

    @classmethod
    def of(cls, role: Role, text: str, documents: Sequence[DocumentPart] = ()) -> ChatMessage:
        """A turn of *text*, after its *documents* (documents go before the question)."""
        from desktop_chat.domain.parts import TextPart  # parts imports this module

        return cls(role, (*documents, TextPart(text)) if text else tuple(documents))

    @property
    def text(self) -> str:
        """The text parts, joined as one text (blank-line separated)."""
        from desktop_chat.domain.parts import TextPart

        return "\n\n".join(p.text for p in self.parts if isinstance(p, TextPart))

    @property
    def documents(self) -> tuple[DocumentPart, ...]:
        return tuple(p for p in self.parts if isinstance(p, DocumentPart))


@dataclass
class Message:
    """One stored message."""

    id: str
    conversation_id: str
    role: Role
    text: str
    status: MessageStatus = MessageStatus.COMPLETE
    seq: int = 0  # position in its conversation; increases with each message
    created_at: float = 0.0
    updated_at: float = 0.0
    provider: str | None = None
    model: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    ttft_ms: float | None = None  # time to first token
    duration_ms: float | None = None
    stop_reason: str | None = None
    error: str | None = None  # the user-facing error message when status is ERROR, in English
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # The same error as a Text's to_dict() (template + parameters, see domain/texts.py), so that it
    # can be shown translated; None for answers stored before it existed, or without an error.
    error_text: dict[str, Any] | None = None
    # The message this one answers or follows (None for the first of a conversation): messages
    # form a tree, and regenerate / edit add siblings instead of replacing anything.
    parent_id: str | None = None
    # Typed non-text parts (thinking, tool calls and results, images) as their to_dict() values;
    # see domain/parts.py. Text stays in `text`, documents in `attachments`.
    parts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def typed_parts(self) -> list[Any]:
        """``parts`` as domain/parts.py objects, skipping what cannot be read."""
        from desktop_chat.domain.parts import parts_from_list  # parts imports this module

        return parts_from_list(self.parts)

    @property
    def documents(self) -> list[Attachment]:
        """The documents attached to this (user) message (parsed from ``attachments``)."""
        return message_documents(self)

    @property
    def delivery(self) -> Delivery | None:
        """How documents reached the model for this (assistant) message, with its sources."""
        return message_delivery(self)


@dataclass
class Conversation:
    """A conversation's header; its messages are loaded separately."""

    id: str
    title: str
    created_at: float
    updated_at: float
    provider: str | None = None
    model: str | None = None
    system_prompt: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # The last message of the branch the user is on (None when there are no messages).
    current_leaf: str | None = None


def linked(messages: Sequence[Message]) -> list[Message]:
    """*messages* (oldest first) as one branch: each one's parent is the one before it.

    For building a linear history to import (old exports, generated test data).
    """
    return [dataclasses.replace(m, parent_id=messages[i - 1].id if i else None) for i, m in enumerate(messages)]


def branch_of(messages: Sequence[Message], leaf_id: str | None) -> list[Message]:
    """The branch ending at *leaf_id* (root first), walking parents through *messages*.

    For whole conversations already in memory (export, undo); the store answers the same
    question for one conversation with a query. A loop in damaged data ends the walk.
    """
    by_id = {m.id: m for m in messages}
    branch: list[Message] = []
    seen: set[str] = set()
    current = by_id.get(leaf_id) if leaf_id is not None else None
    while current is not None and current.id not in seen:
        seen.add(current.id)
        branch.append(current)
        current = by_id.get(current.parent_id) if current.parent_id is not None else None
    branch.reverse()
    return branch


# -- attached documents and how they were sent ---------------------------------------------------
#
# Both live in a message's `attachments` JSON list (a column since the first migration), each
# entry tagged with a "type":
#
#   user message       {"type": "document", "name", "sha256", "kind", "pages", "size", "tokens",
#                       "override", "encrypted", "quality"}        one per attached file
#   assistant message  {"type": "delivery", "context_tokens", "explanation", "documents": [...],
#                       "sources": [...]}                          at most one: how the documents
#                                                                  reached the model for this answer
#
# Only the description is stored: the extracted text lives in the documents cache and the
# original bytes in the blob store of the data dir, both keyed by sha256, so a long conversation
# about a 30 MB PDF does not copy it into the database with every message.

Override = Literal["whole", "retrieval"]
DOCUMENT_ENTRY = "document"
DELIVERY_ENTRY = "delivery"


class Attachment(NamedTuple):
    """A document attached to a user message: what the window shows on its chip, and the key
    (``sha256``) under which its text and original bytes are kept in the data dir.

    ``override`` is the user's choice for this document: None (automatic), "whole" or
    "retrieval" (only the passages relevant to each question).
    """

    file_name: str
    sha256: str
    kind: str  # "pdf" | "text"
    page_count: int
    size_bytes: int
    estimated_tokens: int  # of the whole page-marked text
    override: Override | None = None
    encrypted: bool = False
    quality: str = "ok"  # "ok" | "low" | "none" (documents.TextQuality values)

    @classmethod
    def from_document(cls, document: Any, *, override: Override | None = None) -> Attachment:
        """The attachment for an extracted document (a ``documents.ExtractedDocument``)."""
        quality = getattr(document, "quality", "ok")
        return cls(
            file_name=document.file_name,
            sha256=document.sha256,
            kind=document.kind,
            page_count=document.page_count,
            size_bytes=document.size_bytes,
            estimated_tokens=document.whole_text_tokens,
            override=override,
            encrypted=bool(getattr(document, "encrypted", False)),
            quality=str(getattr(quality, "value", quality)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": DOCUMENT_ENTRY, "name": self.file_name, "sha256": self.sha256, "kind": self.kind,
            "pages": self.page_count, "size": self.size_bytes, "tokens": self.estimated_tokens,
            "override": self.override, "encrypted": self.encrypted, "quality": self.quality,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Attachment | None:
        """The attachment stored by :meth:`to_dict`, or None if *data* is not one (never raises)."""
        if not isinstance(data, dict) or data.get("type") != DOCUMENT_ENTRY:
            return None
        name, sha256 = data.get("name"), data.get("sha256")
        if not isinstance(name, str) or not isinstance(sha256, str):
            return None
        override = data.get("override")
        return cls(
            file_name=name, sha256=sha256, kind=str(data.get("kind") or "pdf"),
            page_count=_int(data.get("pages")), size_bytes=_int(data.get("size")),
            estimated_tokens=_int(data.get("tokens")),
            override=override if override in ("whole", "retrieval") else None,
            encrypted=data.get("encrypted") is True, quality=str(data.get("quality") or "ok"),
        )


class SourceRef(NamedTuple):
    """A passage that was sent to the model: where it is (``page`` is the page of the best
    match, the one to preview) and a short excerpt to show. The passage itself is not kept."""

    file_name: str
    sha256: str
    page: int
    excerpt: str
    first_page: int = 0
    last_page: int = 0
    score: float = 0.0
    found_by: str = ""  # a knowledge base's passage: "words", "meaning" or "both"

    def to_dict(self) -> dict[str, Any]:
        data = {"name": self.file_name, "sha256": self.sha256, "page": self.page, "excerpt": self.excerpt,
                "first_page": self.first_page, "last_page": self.last_page, "score": self.score}
        return {**data, "found_by": self.found_by} if self.found_by else data

    @classmethod
    def from_dict(cls, data: Any) -> SourceRef | None:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str) \
                or not isinstance(data.get("sha256"), str):
            return None
        score = data.get("score")
        return cls(file_name=data["name"], sha256=data["sha256"], page=_int(data.get("page")),
                   excerpt=str(data.get("excerpt") or ""), first_page=_int(data.get("first_page")),
                   last_page=_int(data.get("last_page")),
                   score=float(score) if isinstance(score, (int, float)) else 0.0,
                   found_by=str(data.get("found_by") or ""))


class DocumentNote(NamedTuple):
    """How one document was sent: ``mode`` is "native_pdf", "whole_text", "retrieval" or
    "not_sent"; ``reason`` the plan's code (documents/plan.py); ``tokens`` what it added."""

    sha256: str
    file_name: str
    mode: str
    reason: str
    tokens: int
    explanation: Text

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.file_name, "mode": self.mode, "reason": self.reason,
                "tokens": self.tokens, "explanation": self.explanation.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> DocumentNote | None:
        if not isinstance(data, dict):
            return None
        explanation = Text.from_dict(data.get("explanation"))
        if explanation is None or not isinstance(data.get("sha256"), str):
            return None
        return cls(sha256=data["sha256"], file_name=str(data.get("name") or ""), mode=str(data.get("mode") or ""),
                   reason=str(data.get("reason") or ""), tokens=_int(data.get("tokens")), explanation=explanation)


class Delivery(NamedTuple):
    """How the conversation's documents reached the model for one answer, kept with the answer.

    ``explanation`` is always there (one sentence per document: "Sending the whole document
    (12,400 tokens of 128,000)."); ``sources`` only when passages were sent.
    """

    explanation: Text
    documents: tuple[DocumentNote, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    context_tokens: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"type": DELIVERY_ENTRY, "context_tokens": self.context_tokens,
                "explanation": self.explanation.to_dict(),
                "documents": [d.to_dict() for d in self.documents],
                "sources": [s.to_dict() for s in self.sources]}

    @classmethod
    def from_dict(cls, data: Any) -> Delivery | None:
        """The delivery stored by :meth:`to_dict`, or None if *data* is not one (never raises)."""
        if not isinstance(data, dict) or data.get("type") != DELIVERY_ENTRY:
            return None
        explanation = Text.from_dict(data.get("explanation"))
        if explanation is None:
            return None
        documents = _list(data.get("documents"))
        sources = _list(data.get("sources"))
        return cls(
            explanation=explanation,
            documents=tuple(n for n in map(DocumentNote.from_dict, documents) if n is not None),
            sources=tuple(s for s in map(SourceRef.from_dict, sources) if s is not None),
            context_tokens=_int(data.get("context_tokens")),
        )


def message_documents(message: Message) -> list[Attachment]:
    """The documents attached to a (user) message, in the order they were attached."""
    return [a for a in map(Attachment.from_dict, message.attachments) if a is not None]


def message_delivery(message: Message) -> Delivery | None:
    """How documents were sent for an (assistant) message, if any were."""
    for entry in message.attachments:
        delivery = Delivery.from_dict(entry)
        if delivery is not None:
            return delivery
    return None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
