"""Helpers for the documents tests: the shared real PDFs, and PDFs built on the spot."""

from __future__ import annotations

from pathlib import Path

import os

import pytest

# ../shared/pdfs next to the repository (see its README): real files written by others.
SAMPLES = Path(__file__).parents[2].parent / "shared" / "pdfs"


def sample(name: str) -> Path:
    """A file from the shared folder.

    Outside CI a checkout without ../shared skips these tests with the reason; in CI (CI=true),
    where shared/ is always beside the clone, a missing folder is a failure, never a silent skip.
    """
    if not SAMPLES.is_dir():
        message = f"the shared sample PDFs are not here: {SAMPLES} does not exist"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = SAMPLES / name
    assert path.is_file(), f"{name} is missing from {SAMPLES}"
    return path


def make_pdf(pages: list[str], *, fontname: str = "helv", fontsize: float = 10) -> bytes:
    """A PDF whose page N holds pages[N-1], wrapped into the page's text box."""
    import pymupdf

    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        rect = page.rect + (50, 50, -50, -50)
        room = page.insert_textbox(rect, text, fontname=fontname, fontsize=fontsize)
        assert room >= 0, "the test text does not fit on a page"  # else MuPDF inserts nothing
    data = doc.tobytes()
    doc.close()
    return data


def numbered_pages(count: int, *, words_per_page: int = 300) -> list[str]:
    """Pages of filler prose, each holding the unmistakable marker "pagemarker<N>"."""
    filler = ("alpha beta gamma delta epsilon zeta theta iota kappa lambda " * (words_per_page // 10)).strip()
    return [f"pagemarker{n} {filler} pagemarker{n}" for n in range(1, count + 1)]
