"""Attached documents in a turn: which ones apply, how each is sent, and the words that say so.

A turn uses every document attached to the user messages of its history (attaching once is
enough for the follow-up questions, regenerate, edit-and-resend and continue). For each turn:

1. ``conversation_documents(history)`` lists them, each once, with the user message that
   carried it first (its whole text or PDF goes into that turn, so the start of the request
   stays the same from one question to the next and providers can reuse their prompt cache);
2. ``prepare_documents(...)`` — in a worker thread: it reads the cache, the blob store and the
   index — loads each one's text by hash, lets ``documents.plan_delivery`` decide between the
   PDF itself, the whole page-marked text and passages (the plan words its decision as a
   translatable :class:`Text`), and finds the passages for *this* question;
3. the engine puts these parts into the request (see ``ChatEngine._request_messages``) and tells
   the caller with a ``SourcesFound`` event, and stores the :class:`Delivery` with the answer.

Failures become :class:`AttachmentError`, with a sentence naming the file and what to do.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# The package, not its names: each is imported when first used (a turn with documents, in a
# worker thread), so the engine's start-up does not load extraction and retrieval.
from desktop_chat import documents
# One token estimate for the documents and the rest of the request (≈ 4 characters, 1 per CJK character).
from desktop_chat.documents._text import estimate_tokens
from desktop_chat.domain.errors import AttachmentError
from desktop_chat.domain.messages import (
    Attachment,
    Delivery,
    DocumentNote,
    DocumentPart,
    Message,
    SourceRef,
)
from desktop_chat.domain.parts import RequestPart, TextPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

if TYPE_CHECKING:
    from desktop_chat.documents import DeliveryPlan, DocumentLibrary, ExtractedDocument, Source

__all__ = [
    "ConversationDocument",
    "PreparedDocuments",
    "check_available",
    "conversation_documents",
    "delivery_summary",
    "estimate_tokens",
    "explain",
    "prepare_documents",
    "validate_attachment",
]

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")
# What wrapping a document in the request costs beyond its text: the heading, the instruction.
WRAPPER_TOKENS = 80


@dataclass(frozen=True)
class ConversationDocument:
    """A document in play in a turn: the latest description of it, and the message that carried it first."""

    attachment: Attachment
    message_id: str


@dataclass(frozen=True)
class PreparedDocuments:
    """Everything the request needs from the documents for one turn."""

    delivery: Delivery
    sources: list[Source]  # the passages sent (with their text), best first
    # User message id -> the parts to put before its words: its PDFs (as they are), then one text
    # part per document sent as text or only named (whole text, "sent as a PDF", "not sent").
    parts: Mapping[str, tuple[RequestPart, ...]] = field(default_factory=dict)
    passages: TextPart | None = None  # the passages found for the last user turn

    @property
    def sends_content(self) -> bool:
        return any(n.mode != "not_sent" for n in self.delivery.documents)


def validate_attachment(attachment: Attachment) -> None:
    """ValueError for an attachment value no front end should build (a programming error)."""
    if not isinstance(attachment, Attachment):
        raise ValueError(f"attachments must be Attachment values, not {type(attachment).__name__}")
    if not _SHA256.fullmatch(attachment.sha256):
        raise ValueError(f"not a SHA-256 hex digest: {attachment.sha256!r}")
    if attachment.override not in (None, "whole", "retrieval"):
        raise ValueError(f"override must be None, 'whole' or 'retrieval', not {attachment.override!r}")


def check_available(library: DocumentLibrary, attachment: Attachment) -> None:
    """AttachmentError unless the document's text or its original bytes are in the data dir."""
    if library.blobs.contains(attachment.sha256):  # a stat; the cache would read the whole text
        return
    if library.cache.get(attachment.sha256) is None:
        raise _gone(attachment.file_name)


def conversation_documents(history: Sequence[Message]) -> list[ConversationDocument]:
    """Every document attached to a user message of *history*, once each, in order of first
    attachment; the latest attachment of the same bytes gives the name and the override."""
    first: dict[str, str] = {}
    latest: dict[str, Attachment] = {}
    for message in history:
        if message.role != "user":
            continue
        for attachment in message.documents:
            first.setdefault(attachment.sha256, message.id)
            latest[attachment.sha256] = attachment
    return [ConversationDocument(latest[sha], message_id) for sha, message_id in first.items()]


# -- preparing a turn (worker thread) -----------------------------------------------------------


def prepare_documents(
    library: DocumentLibrary,
    in_play: Sequence[ConversationDocument],
    question: str,
    *,
    native_pdf: bool,
    context_tokens: int,
    reserved_tokens: int,
) -> PreparedDocuments:
    """Plan and load what the request carries. Blocking: run it in a worker thread."""
    loaded = [_load(library, item.attachment) for item in in_play]
    has_original = {d.sha256: library.blobs.contains(d.sha256) for d in loaded}
    plannable = [d if has_original[d.sha256] else _WithoutOriginal(d) for d in loaded]
    overrides = {item.attachment.sha256: item.attachment.override for item in in_play if item.attachment.override}
    plan = documents.plan_delivery(
        plannable, native_pdf=native_pdf, context_tokens=context_tokens,
        reserved_tokens=reserved_tokens, override=overrides or None,
    )
    by_hash = {d.sha256: d for d in loaded}
    carrier = {item.attachment.sha256: item.message_id for item in in_play}

    blocks: dict[str, list[TextPart]] = {}
    pdfs: dict[str, list[DocumentPart]] = {}
    for planned in plan.deliveries:
        doc = by_hash[planned.doc_hash]
        message_id = carrier[planned.doc_hash]
        if planned.mode == "native_pdf":
            pdfs.setdefault(message_id, []).append(_native_part(library, doc))
            blocks.setdefault(message_id, []).append(TextPart(_native_note(doc)))
        elif planned.mode == "whole_text":
            blocks.setdefault(message_id, []).append(TextPart(_whole_text_block(doc)))
        elif planned.mode == "not_sent":
            blocks.setdefault(message_id, []).append(TextPart(_not_sent_note(doc)))

    sources: list[Source] = []
    passages: TextPart | None = None
    if plan.retrieval_hashes and plan.passages:
        for doc_hash in plan.retrieval_hashes:
            if not library.index.is_indexed(doc_hash):
                library.index.add(by_hash[doc_hash])
        names = {d.sha256: d.file_name for d in loaded}
        sources = library.search(plan.retrieval_hashes, question, plan.passages, names=names)
        passages = TextPart(_passages_block(sources))

    explanation, notes = explain(plan)
    delivery = Delivery(
        explanation=explanation,
        documents=notes,
        sources=tuple(_source_ref(s) for s in sources),
        context_tokens=context_tokens,
    )
    return PreparedDocuments(
        delivery=delivery,
        sources=sources,
        parts={k: (*pdfs.get(k, ()), *blocks[k]) for k in blocks},
        passages=passages,
    )


def _load(library: DocumentLibrary, attachment: Attachment) -> ExtractedDocument:
    name = attachment.file_name
    try:
        return library.document(attachment.sha256, name)
    except documents.FileMissing:
        raise _gone(name) from None
    except documents.PasswordRequired:
        raise AttachmentError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” is password-protected and its text is no longer kept. "
                      "Attach it again and enter its password."), name=name), file_name=name) from None
    except documents.DocumentError as exc:
        raise AttachmentError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” could not be read again: {reason}"), name=name, reason=exc.message),
            file_name=name) from None
    except OSError as exc:
        raise AttachmentError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” could not be read from the data folder ({reason}). Attach it again."),
            name=name, reason=exc.strerror or str(exc)), file_name=name) from None


def _gone(name: str) -> AttachmentError:
    return AttachmentError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "“{name}” is no longer available: neither its text nor the file itself is kept in "
                  "the data folder any more. Attach it again."), name=name), file_name=name)


class _WithoutOriginal:
    """A document whose original bytes are gone (the disk was full when it was attached): it
    can still be sent as text, but not as a PDF, so the plan must not choose that."""

    kind = "text"

    def __init__(self, doc: ExtractedDocument) -> None:
        self.file_name = doc.file_name
        self.sha256 = doc.sha256
        self.page_count = doc.page_count
        self.size_bytes = doc.size_bytes
        self.whole_text_tokens = doc.whole_text_tokens
        self.quality = doc.quality
        self.encrypted = doc.encrypted


def _native_part(library: DocumentLibrary, doc: ExtractedDocument) -> DocumentPart:
    try:
        data = library.original(doc.sha256)
    except documents.FileMissing:
        raise _gone(doc.file_name) from None
    except OSError as exc:
        raise AttachmentError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "“{name}” could not be read from the data folder ({reason}). Attach it again."),
            name=doc.file_name, reason=exc.strerror or str(exc)), file_name=doc.file_name) from None
    return DocumentPart(doc.file_name, base64.b64encode(data).decode("ascii"))


# -- what the model reads (English: it is for the model, not shown to the user) -------------------


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _whole_text_block(doc: ExtractedDocument) -> str:
    name = _attribute(doc.file_name)
    if doc.kind == "text":
        head = (f"The user attached the file “{doc.file_name}”; its text follows. "
                "Base your answer on it where it is relevant.")
        return f'{head}\n<document name="{name}">\n{doc.page_marked_text()}\n</document>'
    head = (f"The user attached the document “{doc.file_name}” ({doc.page_count} pages); its text follows, "
            "each page headed by a “[page N]” line. Base your answer on it where it is relevant, "
            "and cite the page numbers you use, e.g. (p. 3).")
    return f'{head}\n<document name="{name}" pages="{doc.page_count}">\n{doc.page_marked_text()}\n</document>'


def _native_note(doc: ExtractedDocument) -> str:
    return (f"The user attached the PDF “{doc.file_name}” ({doc.page_count} pages), included above. "
            "Base your answer on it where it is relevant, and cite the page numbers you use, e.g. (p. 3).")


def _not_sent_note(doc: ExtractedDocument) -> str:
    why = "no text could be read from it" if not doc.quality.usable else "there was no room for it"
    return (f"[The user attached “{doc.file_name}”, but its content could not be sent ({why}). "
            "Say so if the question needs it.]")


def _passages_block(sources: Sequence[Source]) -> str:
    # The window links a "[n]" in the answer to passage n in the references under it (the CLI
    # lists the passages with the same numbers): ask for exactly that form.
    head = ("Passages from the attached documents that may answer the question below, each headed "
            "by its number. Only these passages were sent, not the whole documents. Base your answer "
            "on them where they are relevant; cite each passage you use by its number in square "
            "brackets right after what it supports, e.g. [1] or [2][3] (no other citation form), "
            "and say so if they do not contain the answer.")
    return f"{head}\n<passages>\n{documents.format_sources(sources)}\n</passages>"


def _source_ref(source: Source) -> SourceRef:
    return SourceRef(
        file_name=source.file_name, sha256=source.doc_hash, page=source.page, excerpt=source.excerpt,
        first_page=source.first_page or source.page, last_page=source.last_page or source.page,
        score=source.score,
    )


# -- what the user reads: the plan's own sentences ---------------------------------------------------


def delivery_summary(delivery: Delivery) -> Text:
    """A few words for how the documents went, for the quiet line under an answer ("8 passages
    from “report.pdf”", "2 documents, whole text"); the plan's sentences are its details."""
    by_mode: dict[str, list[DocumentNote]] = {}
    for note in delivery.documents:
        by_mode.setdefault(note.mode, []).append(note)
    parts: list[Text] = []
    for mode in ("retrieval", "whole_text", "native_pdf", "not_sent"):
        notes = by_mode.get(mode)
        if notes:
            parts.append(_mode_summary(mode, notes, len(delivery.sources)))
    if not parts:
        return delivery.explanation
    combined = parts[-1]
    for part in reversed(parts[:-1]):
        combined = Text.of(QT_TRANSLATE_NOOP("engine", "{first} · {rest}"), first=part, rest=combined)
    return combined


def _mode_summary(mode: str, notes: Sequence[DocumentNote], passages: int) -> Text:
    one = len(notes) == 1
    file_name, count = notes[0].file_name, len(notes)
    if mode == "retrieval":
        if one:
            if passages == 1:
                return Text.of(QT_TRANSLATE_NOOP("engine", "1 passage from “{file}”"), file=file_name)
            return Text.of(QT_TRANSLATE_NOOP("engine", "{count} passages from “{file}”"), count=passages,
                           file=file_name)
        return Text.of(QT_TRANSLATE_NOOP("engine", "{count} passages from {documents} documents"), count=passages,
                       documents=count)
    if mode == "whole_text":
        if one:
            return Text.of(QT_TRANSLATE_NOOP("engine", "“{file}”, whole text"), file=file_name)
        return Text.of(QT_TRANSLATE_NOOP("engine", "{count} documents, whole text"), count=count)
    if mode == "native_pdf":
        if one:
            return Text.of(QT_TRANSLATE_NOOP("engine", "“{file}”, as a PDF"), file=file_name)
        return Text.of(QT_TRANSLATE_NOOP("engine", "{count} documents, as PDFs"), count=count)
    if one:
        return Text.of(QT_TRANSLATE_NOOP("engine", "“{file}” not sent"), file=file_name)
    return Text.of(QT_TRANSLATE_NOOP("engine", "{count} documents not sent"), count=count)


def explain(plan: DeliveryPlan) -> tuple[Text, tuple[DocumentNote, ...]]:
    """The plan's explanation (a translatable Text, worded by documents/plan.py) and one note
    per document, as stored with the answer."""
    notes = tuple(DocumentNote(d.doc_hash, d.file_name, d.mode, d.reason, d.tokens, d.text)
                  for d in plan.deliveries)
    return plan.text, notes
