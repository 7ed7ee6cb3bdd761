"""Hybrid retrieval: the keyword ranking (FTS5/BM25, as for attachments) and the vector ranking,
fused by reciprocal rank fusion.

RRF (Cormack, Clarke & Büttcher 2009) adds ``1 / (60 + rank)`` over the rankings a passage
appears in. It needs no calibration between BM25 scores and cosines, which live on unrelated
scales; a passage both rankings like comes first, an exact name or number that only the
keywords find still ranks high, and a paraphrase or a question in another language that only
the vectors find gets in too. Each passage says which ranking found it ("words", "meaning",
"both") for the sources list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from desktop_chat.documents import _text
from desktop_chat.documents.kb.embedders import Embedder
from desktop_chat.documents.kb.store import KbStore, StoredChunk
from desktop_chat.documents.kb.vectors import VectorBackend
from desktop_chat.documents.retrieval import Source, _locate, _opening

__all__ = ["CANDIDATES", "MODES", "RRF_K", "hybrid_search", "rrf"]

RRF_K = 60
CANDIDATES = 40  # from each ranking, before fusion
MODES = ("hybrid", "words", "meaning")
# The words a question is made of rather than what it is about. The attachment search ORs every
# word of three letters or more (as a prefix), so "how*", "did*", "the*" rank passages full of
# them; beside the vectors, which carry the meaning, the keyword half should be names, numbers
# and content words. Measured on the generated corpus (tests/documents/kb): paraphrased English
# questions found 16 of 24 with every word, 21 of 24 without these.
_STOP = frozenset(
    "a about after all also an and any are as at be been before being but by can could did do does doing "
    "for from get gets got had has have having he her here his how i if in into is it its just last let "
    "many may me might more most much must my next no not now of on once only or other our out over own "
    "same she should so some such than that the their them then there these they this those through to "
    "too under until up very was we were what when where which while who whom why will with would you "
    "your".split())
_WORD = re.compile(r"\w+|[^\w\s]+")


def content_query(question: str) -> str | None:
    """The FTS5 query for the keyword half: the question without its grammar words."""
    kept = " ".join(w for w in _WORD.findall(question) if w.lower() not in _STOP)
    return _text.question_query(kept) or _text.question_query(question)


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def hybrid_search(store: KbStore, collection_id: int, embedder: Embedder | None, backend: VectorBackend | None,
                  question: str, k: int, *, mode: str = "hybrid") -> list[Source]:
    """The *k* passages that best answer *question*, best first. Blocking (embeds the question)."""
    if k <= 0 or not question.strip():
        return []
    keywords: list[tuple[int, float, str]] = []
    meaning: list[tuple[int, float]] = []
    # "words" alone is the attachment search as it is (the baseline the quality test compares with).
    query = _text.question_query(question) if mode == "words" else content_query(question)
    if mode in ("hybrid", "words") and query is not None:
        keywords = store.keyword_search(collection_id, query, CANDIDATES)
    if mode in ("hybrid", "meaning") and embedder is not None and backend is not None:
        vector = embedder.embed([question])[0]
        meaning = backend.search(vector, CANDIDATES)
    word_ids = [i for i, _, _ in keywords]
    meaning_ids = [i for i, _ in meaning]
    fused = rrf([word_ids, meaning_ids])
    chunks = store.chunks_by_id(i for i, _ in fused[: k * 2])  # a server may know ids deleted here
    snippets = {i: snippet for i, _, snippet in keywords}
    in_words, in_meaning = set(word_ids), set(meaning_ids)
    out: list[Source] = []
    for chunk_id, score in fused:
        chunk = chunks.get(chunk_id)
        if chunk is None:
            continue
        found_by = "both" if chunk_id in in_words and chunk_id in in_meaning else (
            "words" if chunk_id in in_words else "meaning")
        out.append(_source(chunk, score, snippets.get(chunk_id), found_by))
        if len(out) == k:
            break
    return out


def _source(chunk: StoredChunk, score: float, snippet: str | None, found_by: str) -> Source:
    plain = chunk.as_chunk()
    if snippet:
        excerpt, page = _locate(plain, snippet)
    else:
        excerpt, page = _opening(chunk.text), plain.first_page
    return Source(
        file_name=Path(chunk.path).name,
        doc_hash=chunk.sha256,
        page=page,
        excerpt=excerpt,
        score=score,
        text=chunk.text,
        first_page=plain.first_page,
        last_page=plain.last_page,
        chunk_index=chunk.seq,
        tokens=chunk.tokens,
        found_by=found_by,
    )
