"""OCR through Tesseract (documents/ocr.py): the text of a picture, and of a scanned PDF that has no
text layer, in English and Chinese. Needs `tesseract-ocr` + `tesseract-ocr-chi-sim` (scripts/test.sh
installs them); outside CI a machine without them skips, in CI that is a failure."""

from __future__ import annotations

import glob
import io
import os

import pytest
from PIL import Image, ImageDraw, ImageFont

from desktop_chat.documents import DocumentLibrary, TextQuality
from desktop_chat.documents import ocr
from desktop_chat.documents.ocr import OcrFailed


def _need_tesseract() -> None:
    if not ocr.available() or "chi_sim" not in ocr.languages():
        message = "Tesseract with English and Simplified Chinese is not installed (apt-get install " \
                  "tesseract-ocr tesseract-ocr-chi-sim)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _font(size: int) -> ImageFont.FreeTypeFont:
    found = sorted(glob.glob("/usr/share/fonts/**/NotoSansCJK-Regular.tt*", recursive=True))
    if not found:
        pytest.skip("the Noto CJK font is not installed (fonts-noto-cjk)")
    return ImageFont.truetype(found[0], size)


def text_picture(lines: list[str], *, fmt: str = "PNG", size: int = 40) -> bytes:
    image = Image.new("RGB", (1400, 90 + 80 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 80 * i), line, fill="black", font=_font(size))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def test_a_screenshot_s_english_and_chinese_text_is_read():
    _need_tesseract()
    text = ocr.read_image_text(text_picture(["Invoice 2041: total 1,250.00 EUR", "今天天气很好，我们去公园散步。"],
                                            size=48), "invoice.png")
    assert [line for line in text.splitlines() if line] == ["Invoice 2041: total 1,250.00 EUR",
                                                            "今天天气很好，我们去公园散步。"]


def test_a_picture_without_text_says_so():
    _need_tesseract()
    blank = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(blank, "PNG")
    with pytest.raises(OcrFailed) as caught:
        ocr.read_image_text(blank.getvalue(), "blank.png")
    assert caught.value.text.english() == "No text could be read from “blank.png”: OCR found none."


def test_a_scanned_pdf_gets_its_text_by_ocr(tmp_path):
    _need_tesseract()
    import pymupdf

    pdf = pymupdf.open()
    for lines in (["The harbour master is Elena Marsh."], ["The ferry leaves at 7:45 every morning."]):
        page = pdf.new_page()
        page.insert_image(page.rect, stream=text_picture(lines, size=44))
    data = pdf.tobytes()
    with DocumentLibrary(tmp_path) as library:
        document = library.attach_bytes(data, "scan.pdf")
        again = library.attach_bytes(data, "scan-copy.pdf")  # from the cache: not read twice
    assert document.quality is TextQuality.OK and document.page_count == 2
    assert "Elena Marsh" in document.page_text(1) and "7:45" in document.page_text(2)
    assert document.warnings == (ocr.OCR_WARNING,)
    assert again.pages == document.pages and again.file_name == "scan-copy.pdf"
