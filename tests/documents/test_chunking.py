"""Page-aware chunks: sizes, paragraph cuts, page numbers, overlap."""

from __future__ import annotations

import re

import pytest

from desktop_chat.documents import chunk_pages, extract_bytes
from desktop_chat.documents._text import estimate_tokens
from desktop_chat.documents.chunking import MAX_TOKENS, MIN_TOKENS
from tests.documents import make_pdf, numbered_pages, sample

MARKER = re.compile(r"pagemarker(\d+)")


def _paragraphs(page: int, count: int, words: int = 60) -> str:
    return "\n\n".join(
        f"p{page}para{i} " + " ".join(f"word{page}x{i}x{w}" for w in range(words)) for i in range(count)
    )


def test_chunks_of_a_built_pdf_carry_the_right_pages():
    pages = numbered_pages(40, words_per_page=180)  # ≈ 300 tokens a page: chunks span pages
    doc = extract_bytes(make_pdf(pages), "numbered.pdf")
    chunks = chunk_pages(doc.pages)
    assert len(chunks) > 5
    covered = set()
    for chunk in chunks:
        assert chunk.tokens <= MAX_TOKENS
        for match in MARKER.finditer(chunk.text):
            page = int(match.group(1))
            assert chunk.first_page <= page <= chunk.last_page
            assert chunk.page_at(match.start()) == page  # each page's text is where it says
            covered.add(page)
        assert {p for p, _ in chunk.page_segments()} == set(range(chunk.first_page, chunk.last_page + 1))
    assert covered == set(range(1, 41))
    assert [c.index for c in chunks] == list(range(len(chunks)))
    # Not the last one, each chunk that ends at a page end reached the minimum first.
    assert all(c.tokens >= MIN_TOKENS for c in chunks[:-1])


def test_long_pages_are_cut_at_paragraphs_with_overlap_inside_a_page():
    pages = [_paragraphs(1, 30), _paragraphs(2, 30)]
    chunks = chunk_pages(pages)
    assert all(c.first_page == c.last_page for c in chunks)  # each page is long enough alone
    assert [c.first_page for c in chunks] == sorted(c.first_page for c in chunks)
    for chunk in chunks:
        assert chunk.tokens <= MAX_TOKENS
        # Every paragraph inside is whole, except an overlap tail at the very start.
        for block in chunk.text.split("\n\n")[1:]:
            assert block.startswith(f"p{chunk.first_page}para")
    same_page = [(a, b) for a, b in zip(chunks, chunks[1:]) if a.first_page == b.first_page]
    assert same_page
    for previous, following in same_page:
        head = following.text.split("\n\n")[0]
        assert previous.text.endswith(head) and estimate_tokens(head) <= 120  # a small overlap
    first_of_page_2 = next(c for c in chunks if c.first_page == 2)
    assert first_of_page_2.text.startswith("p2para0 ")  # no overlap across the page boundary


def test_an_unbroken_chinese_page_is_cut_to_size():
    text = "机器学习是人工智能的一个分支" * 300  # 4,200 characters without a space or full stop
    chunks = chunk_pages([text])
    assert len(chunks) >= 4
    assert all(c.tokens <= MAX_TOKENS for c in chunks)
    for previous, following in zip(chunks, chunks[1:]):  # overlapping by a little
        assert following.text[:50] in previous.text[-150:]
    exact = chunk_pages([text], overlap_tokens=0)
    assert "".join(c.text for c in exact) == text  # nothing lost, nothing added


def test_short_pages_are_merged_and_record_both_pages():
    chunks = chunk_pages(["Title page", "", "Contents: one, two", "Short preface."])
    assert len(chunks) == 1
    chunk = chunks[0]
    assert (chunk.first_page, chunk.last_page) == (1, 4)
    assert chunk.page_starts == ((0, 1), (12, 3), (32, 4))  # the empty page 2 adds no text
    assert chunk.page_at(chunk.text.index("Short")) == 4


def test_real_document_chunks_cover_every_page():
    from desktop_chat.documents import extract

    doc = extract(sample("GeoTopo-komprimiert.pdf"))
    chunks = chunk_pages(doc.pages)
    pages = {page for c in chunks for page, _ in c.page_segments()}
    assert pages == {n for n, text in enumerate(doc.pages, 1) if text.strip()}
    assert all(c.tokens <= MAX_TOKENS for c in chunks)
    # Chunks close at paragraph ends, so a few stop short of the minimum; most reach it.
    assert sum(c.tokens >= MIN_TOKENS for c in chunks) >= 0.9 * len(chunks)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        chunk_pages(["x"], min_tokens=900, max_tokens=800)
