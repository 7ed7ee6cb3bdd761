"""Extraction: what a user gets for each real PDF (shared/pdfs/README.md), errors, cancellation."""

from __future__ import annotations

import threading
import zipfile
from io import BytesIO

import pytest

from desktop_chat.documents import (
    Cancelled,
    DamagedPdf,
    EmptyFile,
    FileMissing,
    NoReadablePages,
    NotAPdf,
    PasswordRequired,
    TextQuality,
    WrongPassword,
    describe_content,
    extract,
    extract_bytes,
)
from tests.documents import make_pdf, numbered_pages, sample


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- the README's table, row by row ----------------------------------------------------------------

def test_minimal_document_gives_its_text():
    doc = extract(sample("minimal-document.pdf"))
    assert (doc.kind, doc.page_count, doc.quality, doc.warnings) == ("pdf", 1, TextQuality.OK, ())
    assert 500 <= doc.char_count <= 700
    assert doc.pages[0].startswith("Lorem ipsum dolor sit amet")
    assert doc.file_name == "minimal-document.pdf"
    assert doc.size_bytes == sample("minimal-document.pdf").stat().st_size
    assert len(doc.sha256) == 64
    assert doc.estimated_tokens == pytest.approx(doc.char_count / 4, rel=0.05)


def test_pdflatex_four_pages_gives_all_pages():
    doc = extract(sample("pdflatex-4-pages.pdf"))
    assert doc.page_count == 4 and doc.quality is TextQuality.OK and doc.warnings == ()
    assert 13_500 <= doc.char_count <= 15_500
    assert all(page.strip() for page in doc.pages)


def test_multicolumn_keeps_reading_order():
    doc = extract(sample("multicolumn.pdf"))
    assert doc.page_count == 3 and doc.quality is TextQuality.OK
    text = _flat(doc.pages[0])
    # The left column's first paragraph is read down the column (a line-by-line reading across
    # both columns would put a right-column line after "adip-"), and hyphenation is undone.
    assert "Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Ut purus elit" in text
    assert text.index("Abstract") < text.index("Lorem ipsum dolor sit amet")


def test_geotopo_gives_all_text_with_ligatures_expanded():
    doc = extract(sample("GeoTopo-komprimiert.pdf"))
    assert doc.page_count == 117 and doc.quality is TextQuality.OK and doc.warnings == ()
    assert 130_000 <= doc.char_count <= 150_000
    assert not any(lig in doc.text for lig in "ﬀﬁﬂﬃﬄ")
    assert "Kugeloberfläche" in doc.page_text(2)
    assert "Jordanscher Kurvensatz" in doc.page_text(23)
    # "too long for a small context window": ≈ 35,000 tokens (see test_plan for the decision)
    assert doc.whole_text_tokens > 30_000


def test_rotated_arabic_gives_a_little_text():
    doc = extract(sample("habibi-rotated-arabic.pdf"))
    assert doc.page_count == 4
    assert all("habibi" in page and "حَبيبي" in page for page in doc.pages)
    assert doc.quality is TextQuality.LOW
    assert doc.warnings == (f"Only a little text could be read ({sum(len(p.replace(' ', '')) for p in doc.pages)} "
                            "characters on 4 pages).",)


def test_form_with_almost_no_text_says_so():
    doc = extract(sample("pdflatex-forms.pdf"))
    assert doc.page_count == 1 and doc.form_fields == 3
    assert doc.quality is TextQuality.LOW
    assert len(doc.warnings) == 1 and "Almost no text could be read" in doc.warnings[0]
    assert "it is a form with 3 fields" in doc.warnings[0]
    assert doc.char_count < 50


def test_pdf_with_attachment_gives_its_page_text_and_mentions_the_attachment():
    doc = extract(sample("with-attachment.pdf"))
    assert doc.page_count == 1 and doc.quality is TextQuality.OK
    assert doc.pages[0].startswith("Lorem ipsum")
    assert doc.warnings == ("It carries 1 embedded file, which is not included.",)


def test_encrypted_pdf_asks_for_the_password():
    path = sample("libreoffice-writer-password.pdf")
    with pytest.raises(PasswordRequired) as missing:
        extract(path)
    assert type(missing.value) is PasswordRequired
    assert str(missing.value) == "“libreoffice-writer-password.pdf” is protected by a password."
    with pytest.raises(WrongPassword) as wrong:
        extract(path, password="permission")
    assert isinstance(wrong.value, PasswordRequired)  # one except clause prompts in both cases
    assert "not correct" in str(wrong.value)
    doc = extract(path, password="openpassword")
    assert doc.encrypted and doc.page_count == 1 and doc.quality is TextQuality.OK
    assert "Lorem ipsum" in doc.text


def test_damaged_page_tree_has_no_readable_pages():
    with pytest.raises(NoReadablePages) as info:
        extract(sample("unreadablemetadata.pdf"))
    assert str(info.value) == "“unreadablemetadata.pdf” has no readable pages: its page structure is damaged."
    assert info.value.code == "no_readable_pages" and info.value.file_name == "unreadablemetadata.pdf"


# -- other errors ----------------------------------------------------------------------------------

def test_missing_and_empty_files(tmp_path):
    with pytest.raises(FileMissing) as missing:
        extract(tmp_path / "gone.pdf")
    assert "“gone.pdf” was not found" in str(missing.value)
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(EmptyFile, match="is empty"):
        extract(tmp_path / "empty.pdf")
    with pytest.raises(FileMissing, match="is a folder"):
        extract(tmp_path)


def _png() -> bytes:
    import pymupdf

    return pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 4, 4), False).tobytes("png")


def _zip(member: str) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "detected", "phrase"),
    [
        (_png(), "png", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), "jpeg", "a JPEG image"),
        (b"GIF89a" + bytes(64), "gif", "a GIF image"),
        (_zip("notes.txt"), "zip", "a ZIP archive"),
        (_zip("word/document.xml"), "docx", "a Word document (.docx)"),
        (b"<!DOCTYPE html>\n<html><body>Download failed</body></html>", "html", "a web page (HTML)"),
        ("Just some notes, renamed.\n".encode(), "text", "a plain-text file"),
    ],
)
def test_renamed_files_are_named_for_what_they_are(tmp_path, content, detected, phrase):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(NotAPdf) as info:
        extract(path)
    assert info.value.detected == detected
    assert str(info.value) == f"“report.pdf” is not really a PDF: it is {phrase} with a .pdf name."


def test_unrecognisable_bytes_are_not_a_pdf(tmp_path):
    path = tmp_path / "noise.pdf"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(NotAPdf) as info:
        extract(path)
    assert info.value.detected is None and "is not a PDF" in str(info.value)


def test_an_image_under_its_own_name_is_refused_with_what_can_be_read(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(_png())
    expected = r"“photo.png” cannot be attached: it is a PNG image\. Only PDF and plain-text"
    with pytest.raises(NotAPdf, match=expected):
        extract(path)


def test_a_pdf_that_mupdf_cannot_open_is_damaged(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with pytest.raises(DamagedPdf) as info:
        extract(path)
    assert info.value.truncated  # no %%EOF at the end
    assert "cannot be opened" in str(info.value) or "no readable pages" in str(info.value)


def test_detection_of_a_real_pdf():
    assert describe_content(sample("minimal-document.pdf").read_bytes()) == ("pdf", "a PDF")


# -- truncated files -------------------------------------------------------------------------------

def test_a_cut_off_pdf_reports_that_pages_may_be_missing():
    data = make_pdf(numbered_pages(20))
    doc = extract_bytes(data[: len(data) // 2], "cut.pdf")
    assert doc.page_count == 20  # MuPDF "repairs" it silently ...
    empty = sum(1 for page in doc.pages if not page)
    assert 0 < empty < 20  # ... with part of its text
    assert doc.warnings[0].startswith("The file seems to be cut off")
    assert f"{empty} of its 20 pages came out empty." in doc.warnings


def test_a_barely_cut_real_pdf_still_warns():
    data = sample("GeoTopo-komprimiert.pdf").read_bytes()
    doc = extract_bytes(data[: int(len(data) * 0.9)], "GeoTopo.pdf")
    assert doc.page_count == 117
    assert doc.warnings == ("The file seems to be cut off (an incomplete download or copy?): "
                            "some pages or text may be missing.",)


def test_a_pdf_cut_before_its_pages_has_no_readable_pages():
    data = make_pdf(numbered_pages(20))
    with pytest.raises(DamagedPdf) as info:  # NoReadablePages is a DamagedPdf
        extract_bytes(data[: len(data) // 10], "cut.pdf")
    assert info.value.truncated and "cut off" in str(info.value)


# -- text files ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("notes.txt", "Grüße aus Köln\n\nZweiter Absatz".encode(), "Grüße aus Köln\n\nZweiter Absatz"),
        ("notes.md", "\ufeff# Titel\r\nText".encode(), "# Titel\nText"),
        ("legacy.txt", "Grüße aus Köln".encode("cp1252"), "Grüße aus Köln"),
        ("chinese.txt", "机器学习是人工智能的一个分支，研究计算机怎样模拟人类的学习行为。".encode("gb18030"),
         "机器学习是人工智能的一个分支，研究计算机怎样模拟人类的学习行为。"),
        ("wide.txt", "UTF-16 text".encode("utf-16"), "UTF-16 text"),
        ("README", b"no suffix, plain text", "no suffix, plain text"),
    ],
)
def test_text_files_are_one_page(tmp_path, name, raw, expected):
    path = tmp_path / name
    path.write_bytes(raw)
    progress = []
    doc = extract(path, progress=lambda done, total: progress.append((done, total)))
    assert (doc.kind, doc.pages, doc.quality, progress) == ("text", (expected,), TextQuality.OK, [(1, 1)])
    assert doc.page_marked_text() == expected  # no page markers for a text file


def test_a_binary_file_named_txt_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(_png())
    with pytest.raises(NotAPdf, match="“image.txt” is not a text file: it is a PNG image"):
        extract(path)


def test_estimated_tokens_count_chinese_per_character(tmp_path):
    path = tmp_path / "zh.txt"
    path.write_text("机器学习" * 100 + " " + "abcd" * 100, encoding="utf-8")
    doc = extract(path)
    assert doc.estimated_tokens == 400 + 101  # 400 characters; 401 others / 4, rounded up


# -- progress and cancellation ---------------------------------------------------------------------

def test_progress_counts_pages():
    calls = []
    extract(sample("pdflatex-4-pages.pdf"), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_cancel_from_another_thread_stops_a_long_extraction_promptly():
    data = make_pdf(numbered_pages(300, words_per_page=60))
    cancel = threading.Event()
    reached = threading.Event()
    resume = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 5:
            reached.set()
            resume.wait(10)  # hold the worker here until the other thread has cancelled

    outcome: list[BaseException | object] = []

    def work() -> None:
        try:
            outcome.append(extract_bytes(data, "long.pdf", cancel=cancel, progress=progress))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    assert reached.wait(30)
    cancel.set()  # from this thread, while the worker is mid-document
    resume.set()
    worker.join(30)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert seen == [1, 2, 3, 4, 5]  # it stopped before the next page


def test_a_cancel_set_before_the_start_stops_at_once():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        extract(sample("GeoTopo-komprimiert.pdf"), cancel=cancel)


def test_extraction_prints_nothing(capfd):
    data = make_pdf(numbered_pages(5))
    for blob in (data[: len(data) // 2], data[: len(data) // 10]):
        try:
            extract_bytes(blob, "cut.pdf")
        except DamagedPdf:
            pass
    with pytest.raises(NoReadablePages):
        extract(sample("unreadablemetadata.pdf"))
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_scanned_pages_inside_a_text_document_are_named():
    import pymupdf

    doc = pymupdf.open(stream=make_pdf(numbered_pages(4)), filetype="pdf")
    scan = doc.new_page(pno=2)  # becomes page 3
    scan.insert_image(scan.rect, stream=_png())
    data = doc.tobytes()
    result = extract_bytes(data, "mixed.pdf")
    assert result.quality is TextQuality.OK and result.page_text(3) == ""
    assert result.warnings == ("Page 3 appears to be scanned, with no text to read.",)
