"""Which files the window takes, from a drop, a paste, the Attach dialog or the command line.

`route_file` is the one place that decides what a file is for, by its name alone (no disk
access: it runs on the GUI thread): documents become attachment chips, images thumbnail chips
(a text file named .png is told apart by its bytes, in the worker), ``.gguf`` model files are
added to the built-in models, anything else is explained.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

__all__ = ["DOCUMENT_SUFFIXES", "IMAGE_SUFFIXES", "MODEL_SUFFIXES", "FileRoute", "local_files", "paths_from_arguments", "route_file"]

DOCUMENT_SUFFIXES = frozenset({".pdf", ".txt", ".text", ".md", ".markdown"})
MODEL_SUFFIXES = frozenset({".gguf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".webp", ".gif"})


class FileRoute(enum.Enum):
    DOCUMENT = "document"  # a PDF or a text file: an attachment chip in the composer
    MODEL = "model"  # a GGUF file: added to the built-in models and picked
    IMAGE = "image"  # PNG, JPEG, WebP, GIF: a thumbnail chip, sent to models that see images
    UNSUPPORTED = "unsupported"  # anything else, folders included: the window says what it is


def route_file(path: Path) -> FileRoute:
    """What to do with *path*, decided by its name (folders and odd names end up UNSUPPORTED and
    are told apart off the GUI thread; a .gguf that is not one is refused by the registry)."""
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        return FileRoute.DOCUMENT
    if path.suffix.lower() in MODEL_SUFFIXES:
        return FileRoute.MODEL
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return FileRoute.IMAGE
    return FileRoute.UNSUPPORTED


def local_files(mime: QMimeData | None) -> list[Path]:
    """The local files a drop or paste carries (file:// URLs); [] for anything else."""
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def paths_from_arguments(arguments: Sequence[str] | Iterable[str], cwd: Path | None = None) -> list[Path]:
    """Command-line arguments as absolute paths: plain paths (relative to *cwd*) or file:// URLs
    (a desktop entry's %U). No disk access."""
    base = cwd or Path.cwd()
    paths = []
    for argument in arguments:
        if not argument:
            continue
        if argument.startswith("file:"):
            local = QUrl(argument).toLocalFile()
            if not local:
                continue
            path = Path(local)
        else:
            path = Path(argument).expanduser()
        paths.append(path if path.is_absolute() else base / path)
    return paths
