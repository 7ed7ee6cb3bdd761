"""Page images for the source preview."""

from __future__ import annotations

import struct
import threading

import pytest

from desktop_chat.documents import NotAPdf, PasswordRequired, WrongPassword, render_page_png
from desktop_chat.documents.render import MAX_PIXELS
from tests.documents import sample

PNG = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG)
    return struct.unpack(">II", png[16:24])  # IHDR width, height


def test_renders_a_page_from_a_path_and_from_bytes():
    path = sample("GeoTopo-komprimiert.pdf")
    from_path = render_page_png(path, 23, 1.0)
    from_bytes = render_page_png(path.read_bytes(), 23, 1.0)
    assert from_path == from_bytes
    width, height = _size(from_path)
    double = _size(render_page_png(path, 23, 2.0))
    assert double == pytest.approx((2 * width, 2 * height), abs=2)


def test_page_numbers_are_one_based_and_checked():
    path = sample("pdflatex-4-pages.pdf")
    assert render_page_png(path, 4) != render_page_png(path, 1)
    for page in (0, 5):
        with pytest.raises(ValueError, match="does not exist"):
            render_page_png(path, page)


def test_encrypted_pages_need_the_password():
    path = sample("libreoffice-writer-password.pdf")
    with pytest.raises(PasswordRequired):
        render_page_png(path, 1)
    with pytest.raises(WrongPassword):
        render_page_png(path, 1, password="nope")
    assert render_page_png(path, 1, password="openpassword").startswith(PNG)


def test_huge_zoom_is_reduced():
    width, height = _size(render_page_png(sample("minimal-document.pdf"), 1, 100.0))
    assert width * height <= MAX_PIXELS * 1.01


def test_rendering_while_another_thread_extracts():
    # PyMuPDF must not run in two threads at once; the package serialises it.
    from desktop_chat.documents import extract

    errors: list[BaseException] = []

    def extract_loop() -> None:
        try:
            for _ in range(3):
                extract(sample("GeoTopo-komprimiert.pdf"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    worker = threading.Thread(target=extract_loop)
    worker.start()
    images = [render_page_png(sample("GeoTopo-komprimiert.pdf"), n, 0.5) for n in range(1, 30)]
    worker.join(60)
    assert not errors and all(image.startswith(PNG) for image in images)


def test_only_pdfs_are_rendered():
    with pytest.raises(NotAPdf, match="it is a web page"):
        render_page_png(b"<html><body>not a pdf</body></html>", 1)


def _yellow_pixels(png: bytes) -> int:
    """Pixels a highlighter would leave: strongly yellow (red and green high, blue low)."""
    import pymupdf

    pixmap = pymupdf.Pixmap(png)
    samples, n = pixmap.samples, pixmap.n
    return sum(1 for i in range(0, len(samples), n)
               if samples[i] > 200 and samples[i + 1] > 200 and samples[i + 2] < 150)


def test_the_cited_passage_is_highlighted_on_its_page():
    from tests.documents import make_pdf

    text = ("The lighthouse keeper of Port Elwin is Marguerite Osei, who has kept the lamp since the "
            "winter storms of the old harbour. Nothing else on this page matters much at all.")
    data = make_pdf([text, "Another page about other things entirely."])
    plain = render_page_png(data, 1, 1.0)
    marked = render_page_png(data, 1, 1.0, highlight="“keeper of Port Elwin is Marguerite Osei, who has kept the lamp …”")
    assert _size(plain) == _size(marked)
    assert _yellow_pixels(plain) == 0 and _yellow_pixels(marked) > 200
    # Words that are not on the page mark nothing, and break nothing.
    assert render_page_png(data, 2, 1.0, highlight="keeper of Port Elwin is Marguerite Osei") == \
        render_page_png(data, 2, 1.0)


def test_only_the_passage_is_marked_where_its_words_repeat():
    import pymupdf

    from desktop_chat.documents.render import find_passage
    from tests.documents import make_pdf

    filler = "alpha beta gamma delta epsilon " * 12
    data = make_pdf([f"{filler} The keeper is Marguerite Osei of Port Elwin. {filler}"])
    document = pymupdf.open(stream=data, filetype="pdf")
    page = document.load_page(0)
    rects = find_passage(page, "… gamma delta epsilon The keeper is Marguerite Osei of Port Elwin. alpha beta …")
    marked = " ".join(page.get_textbox(r).strip() for r in rects)
    assert "Marguerite Osei" in marked and marked.count("alpha") <= 2
    assert find_passage(page, "words that are nowhere") == [] and find_passage(page, "") == []
    document.close()
