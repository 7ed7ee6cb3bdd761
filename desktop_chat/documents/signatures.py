"""What a file is by its first bytes alone: images, archives, older office files. One table for the
document checks (extraction.describe_content: "it is a PNG image, not a PDF") and the image
checks (images.image_kind). Free of imports, so either can use it at no cost."""

from __future__ import annotations

__all__ = ["signature"]

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", "a PNG image"),
    (b"\xff\xd8\xff", "jpeg", "a JPEG image"),
    (b"GIF87a", "gif", "a GIF image"),
    (b"GIF89a", "gif", "a GIF image"),
    (b"II*\x00", "tiff", "a TIFF image"),
    (b"MM\x00*", "tiff", "a TIFF image"),
    (b"BM", "bmp", "a BMP image"),
    (b"\x1f\x8b", "gzip", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "rar", "a RAR archive"),
    (b"{\\rtf", "rtf", "an RTF document"),
    (b"%!PS", "postscript", "a PostScript file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole", "an older Microsoft Office document (.doc, .xls or .ppt)"),
)


def signature(data: bytes) -> tuple[str, str] | None:
    """(code, phrase) of the file type *data* starts with, e.g. ("png", "a PNG image"); None when
    its first bytes do not tell (text, PDF, ZIP-based formats are told elsewhere)."""
    for magic, code, phrase in _SIGNATURES:
        if data.startswith(magic):
            if code == "bmp" and len(data) < 26:
                continue
            return code, phrase
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp", "a WebP image"
    return None
