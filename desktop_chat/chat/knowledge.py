"""A knowledge base attached to a conversation: every turn searches it and sends what it found.

The conversation's options name the collection (``knowledge_base``) and how many passages to send
(``kb_top_k``); the window's picker and ``ask --kb NAME --top-k N`` set them. Retrieval is not a
tool the model may skip: for each turn the engine searches the collection for the question (in a
worker thread: SQLite, the embedder) and puts the passages into the request, beside the
attached documents' own passages, and the sources list says which were found by meaning and
which by words (``SourceRef.found_by``).

Keys for an OpenAI-compatible embedder or a Qdrant/Chroma server are read from the keyring here
(``documents`` never imports ``secrets``), under ``knowledge-embedder:NAME`` and
``knowledge-server:NAME`` (``desktop-chat keys set knowledge-server:NAME``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat import config, secrets
from desktop_chat.chat.attachments import PreparedDocuments
from desktop_chat.domain.errors import AttachmentError, KeyringUnavailableError
from desktop_chat.domain.messages import Delivery, SourceRef
from desktop_chat.domain.parts import TextPart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

if TYPE_CHECKING:
    from desktop_chat.documents import Source
    from desktop_chat.documents.kb import Collection, KnowledgeBases

__all__ = ["DEFAULT_TOP_K", "KB_OPTION", "CollectionRow", "KnowledgeAccess", "KnowledgeRequest", "TOP_K_OPTION",
           "check_server", "collection_rows", "kb_command", "knowledge_request", "list_collections",
           "remove_collection", "save_server_key", "server_key_account", "with_knowledge"]

KB_OPTION = "knowledge_base"
TOP_K_OPTION = "kb_top_k"
DEFAULT_TOP_K = 6
PASSAGE_TOKENS = 330  # a knowledge-base chunk (≤ 300 tokens, indexing.CHUNKING) and its heading


@dataclass(frozen=True)
class KnowledgeRequest:
    name: str
    top_k: int

    @property
    def tokens(self) -> int:
        """Room to keep for the passages when planning the attached documents."""
        return self.top_k * PASSAGE_TOKENS


def knowledge_request(options: Mapping[str, Any]) -> KnowledgeRequest | None:
    name = options.get(KB_OPTION)
    if not isinstance(name, str) or not name.strip():
        return None
    top_k = options.get(TOP_K_OPTION, DEFAULT_TOP_K)
    return KnowledgeRequest(name.strip(), max(1, min(50, int(top_k) if isinstance(top_k, int) else DEFAULT_TOP_K)))


def key_for(collection: Collection, purpose: str) -> str | None:
    try:
        return secrets.get_key(f"knowledge-{purpose}:{collection.name}")
    except KeyringUnavailableError:
        return None


class KnowledgeAccess:
    """The knowledge bases, opened in the data dir on first use (from a worker thread)."""

    def __init__(self, bases: KnowledgeBases | None = None) -> None:
        self._bases = bases
        self._owned = bases is None
        self._lock = threading.Lock()

    def get(self) -> KnowledgeBases:
        with self._lock:
            if self._bases is None:
                from desktop_chat.documents.kb import KnowledgeBases

                self._bases = KnowledgeBases.in_data_dir(config.data_dir(), key_for=key_for)
            return self._bases

    def close(self) -> None:
        with self._lock:
            if self._owned and self._bases is not None:
                self._bases.close()
                self._bases = None


def with_knowledge(prepared: PreparedDocuments | None, bases: KnowledgeBases, request: KnowledgeRequest,
                   question: str, context_tokens: int) -> PreparedDocuments:
    """*prepared* (the attached documents' part of the request, or None) plus the passages the
    collection holds for *question*. Blocking: run it in a worker thread."""
    from desktop_chat.documents.kb import KbError

    try:
        sources = bases.search(request.name, question, request.top_k)
    except KbError as exc:
        raise AttachmentError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "The knowledge base “{name}” could not be searched: {reason}"),
            name=request.name, reason=exc.message), file_name=request.name) from None
    said = _explanation(request.name, sources)
    refs = tuple(_ref(s) for s in sources)
    block = _passages_block(request.name, sources) if sources else None
    if prepared is None:
        return PreparedDocuments(
            delivery=Delivery(explanation=said, sources=refs, context_tokens=context_tokens),
            sources=list(sources),
            passages=TextPart(block) if block else None,
        )
    explanation = Text.of(QT_TRANSLATE_NOOP("engine", "{first} {rest}"), first=prepared.delivery.explanation, rest=said)
    passages = prepared.passages
    if block:
        passages = TextPart(f"{passages.text}\n\n{block}" if passages is not None else block)
    return replace(
        prepared,
        delivery=prepared.delivery._replace(explanation=explanation, sources=(*prepared.delivery.sources, *refs)),
        sources=[*prepared.sources, *sources],
        passages=passages,
    )


def _explanation(name: str, sources: list[Source]) -> Text:
    if not sources:
        return Text.of(QT_TRANSLATE_NOOP("engine", "Nothing in the knowledge base “{name}” matches this question."),
                       name=name)
    meaning = sum(1 for s in sources if s.found_by in ("meaning", "both"))
    words = sum(1 for s in sources if s.found_by in ("words", "both"))
    return Text.of(QT_TRANSLATE_NOOP("engine", "Sending {count} passages from the knowledge base “{name}” "
                                               "({meaning} found by meaning, {words} by words)."),
                   count=len(sources), name=name, meaning=meaning, words=words)


def _passages_block(name: str, sources: list[Source]) -> str:
    from desktop_chat.documents import format_sources

    head = (f"Passages from the user's knowledge base “{name}” that may answer the question below, "
            "found by searching it for the question. Base your answer on them where they are relevant, "
            "cite the file and page of what you use, e.g. (report.pdf, p. 3), and say so if they do "
            "not contain the answer.")
    return f"{head}\n<knowledge_base name=\"{name}\">\n{format_sources(sources)}\n</knowledge_base>"


def _ref(source: Source) -> SourceRef:
    return SourceRef(file_name=source.file_name, sha256=source.doc_hash, page=source.page, excerpt=source.excerpt,
                     first_page=source.first_page or source.page, last_page=source.last_page or source.page,
                     score=source.score, found_by=source.found_by)


# -- for the window: listing (in a worker thread) and the indexing process's command line -----------


def list_collections(data_dir: Path | None = None) -> list[tuple[str, int, int]]:
    """(name, files, pages) of every knowledge base, by name. Blocking (SQLite): a worker thread's call."""
    from desktop_chat.documents.kb import KnowledgeBases

    bases = KnowledgeBases.in_data_dir(data_dir or config.data_dir())
    try:
        return [(info.name, info.files, info.pages) for info in bases.infos()]
    finally:
        bases.close()


def kb_command(*args: str, data_dir: Path | None = None) -> list[str]:
    """The command that runs `desktop-chat kb ARGS…` in a process of its own, for the window:
    indexing there keeps the GUI process's memory and GIL free, and a crash or a Cancel (the
    process is killed) loses at most one batch, which the next `kb update` redoes."""
    where = ["--data-dir", str(data_dir or config.data_dir())]
    if getattr(sys, "frozen", False):  # the bundle's executable is the app itself
        return [sys.executable, *where, "kb", *args]
    return [sys.executable, "-m", "desktop_chat", *where, "kb", *args]


# -- for Settings › Knowledge bases: each a blocking call for a worker thread -------------------------


@dataclass(frozen=True)
class CollectionRow:
    name: str
    files: int
    pages: int
    passages: int
    store: str  # "sqlite" (this computer), "chroma" or "qdrant"
    url: str  # the server's address (or embedded Qdrant's folder); "" on this computer
    embedder: str  # the model's identity, e.g. "usem3" or "openai:text-embedding-3-small@https://…"


def collection_rows(data_dir: Path | None = None) -> list[CollectionRow]:
    from desktop_chat.documents.kb import EmbedderSpec, KnowledgeBases

    bases = KnowledgeBases.in_data_dir(data_dir or config.data_dir())
    try:
        return [CollectionRow(info.name, info.files, info.pages, info.chunks,
                              info.collection.backend.get("kind", "sqlite"),
                              info.collection.backend.get("url", "") or info.collection.backend.get("path", ""),
                              EmbedderSpec.from_dict(info.collection.embedder).identity)
                for info in bases.infos()]
    finally:
        bases.close()


def server_key_account(name: str) -> str:
    return f"knowledge-server:{name}"


def save_server_key(name: str, key: str) -> None:
    """The collection's vector-server key into the keyring (never a file); an empty *key* forgets it."""
    if key.strip():
        secrets.set_key(server_key_account(name), key.strip())
    else:
        secrets.delete_key(server_key_account(name))


def check_server(name: str, data_dir: Path | None = None) -> str | None:
    """None when *name*'s vector server answered, else the reason in words (ServerUnreachable's)."""
    from desktop_chat.documents.kb import KbError, KnowledgeBases

    bases = KnowledgeBases.in_data_dir(data_dir or config.data_dir(), key_for=key_for)
    try:
        bases.check_server(name)
        return None
    except KbError as exc:
        return str(exc)
    finally:
        bases.close()


def remove_collection(name: str, data_dir: Path | None = None) -> None:
    """The collection, its vectors (on its server too) and its keys."""
    from desktop_chat.documents.kb import KnowledgeBases

    bases = KnowledgeBases.in_data_dir(data_dir or config.data_dir(), key_for=key_for)
    try:
        bases.remove(name)
    finally:
        bases.close()
    for purpose in ("server", "embedder"):
        try:
            secrets.delete_key(f"knowledge-{purpose}:{name}")
        except KeyringUnavailableError:
            pass
