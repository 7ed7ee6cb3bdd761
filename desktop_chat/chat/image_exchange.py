"""Images in exports and imports: the bytes travel inside our JSON, the Markdown links them.

The store's exchange format (store/exchange.py) names an image by hash; its bytes live in the
data dir (documents/cache.py BlobStore), which store/ does not reach. So here, around it:

- JSON export: every image part gets ``"data"``, its stored (clean) bytes in base64, so the file
  alone restores the conversation elsewhere. An image no longer stored keeps only its reference.
- JSON import: each ``"data"`` is stored by its hash again and dropped from the part (the history
  keeps only the reference); a part whose data does not match its ``sha256`` is named by the
  data's own hash, so a hand-edited file cannot point a part at another image.
- Markdown: an image is a Markdown image whose address is the stored copy's file URL.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from pathlib import Path
from typing import Any

from desktop_chat import config

__all__ = ["embed_images", "image_link", "restore_images"]


def _blobs() -> Any:
    from desktop_chat.documents import BlobStore

    return BlobStore.in_data_dir(config.data_dir())


def _image_parts(document: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    conversations = document.get("conversations") if isinstance(document, dict) else None
    for conversation in conversations if isinstance(conversations, list) else []:
        messages = conversation.get("messages") if isinstance(conversation, dict) else None
        for message in messages if isinstance(messages, list) else []:
            parts = message.get("parts") if isinstance(message, dict) else None
            found += [p for p in parts if isinstance(p, dict) and p.get("type") == "image"] \
                if isinstance(parts, list) else []
    return found


def embed_images(document: dict[str, Any]) -> dict[str, Any]:
    """*document* (export_json's) with each stored image's bytes in its part's "data"."""
    from desktop_chat.documents import DocumentError

    blobs = _blobs()
    for part in _image_parts(document):
        try:
            part["data"] = base64.b64encode(blobs.get(str(part.get("sha256", "")))).decode("ascii")
        except (DocumentError, ValueError, OSError):
            pass  # no longer stored: the reference alone
    return document


def restore_images(document: Any) -> Any:
    """*document* (a file being imported) with its images stored and their "data" taken out.
    A copy when there is anything to change; other documents come back as they are."""
    if not any("data" in part for part in _image_parts(document)):
        return document
    document = copy.deepcopy(document)
    blobs = _blobs()
    for part in _image_parts(document):
        data = part.pop("data", None)
        if not isinstance(data, str):
            continue
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"the image “{part.get('file_name') or '?'}” in the file is not valid base64.") from None
        part["sha256"] = blobs.put(raw, sha256=hashlib.sha256(raw).hexdigest())
    return document


def image_link(part: dict[str, Any]) -> str | None:
    """The file URL of an image part's stored copy (for Markdown), or None if it is not stored."""
    try:
        path: Path = _blobs().path(str(part.get("sha256", "")))
    except ValueError:
        return None
    return path.as_uri() if path.is_file() else None
