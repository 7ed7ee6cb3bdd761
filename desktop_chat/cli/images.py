"""``ask --attach IMG``: images among the attached files, cleaned and stored as the window does.

A file named like an image is one (a text file named .png is refused with the sentence the window
shows); a file named like a document (.pdf, .txt, .md) goes to the documents, which say what it
really is; any other name is an image when its first bytes say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from desktop_chat.documents import DocumentLibrary
from desktop_chat.domain.parts import ImagePart

__all__ = ["IMAGE_SUFFIXES", "split_images"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".webp", ".gif"})
DOCUMENT_SUFFIXES = frozenset({".pdf", ".txt", ".text", ".md", ".markdown"})


def split_images(library: DocumentLibrary, paths: Sequence[Path],
                 stderr: TextIO) -> tuple[list[ImagePart], list[Path]]:
    """(the images among *paths*, prepared and stored; the other paths). Raises ImageError."""
    from desktop_chat.documents.extraction import read_file
    from desktop_chat.documents.images import image_kind

    images: list[ImagePart] = []
    others: list[Path] = []
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in DOCUMENT_SUFFIXES:
            others.append(path)
            continue
        data = read_file(path)
        if suffix not in IMAGE_SUFFIXES and image_kind(data[:16]) is None:
            others.append(path)
            continue
        prepared = library.attach_image(data, path.name)
        images.append(ImagePart(prepared.sha256, prepared.media_type, prepared.width, prepared.height, path.name))
        resized = "" if (prepared.width, prepared.height) == (prepared.original_width, prepared.original_height) \
            else f", from {prepared.original_width} × {prepared.original_height}"
        print(f"Attached “{path.name}”: image, {prepared.width} × {prepared.height}{resized}, "
              "without its metadata.", file=stderr)
        for warning in prepared.warnings:
            print(f"  {warning.english()}", file=stderr)
    return images, others
