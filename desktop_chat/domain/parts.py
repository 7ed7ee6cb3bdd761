"""Typed message parts: what a message holds besides its text.

A message's ``text`` stays where it always was, and attached documents stay described by
:class:`~desktop_chat.domain.messages.Attachment` in its ``attachments``. Everything else a
message can carry (model reasoning, tool calls and their results, images) is a part, stored in
the message's ``parts`` as a JSON list of ``to_dict()`` values, each tagged with a ``"type"``.

:func:`part_from_dict` never raises: a part a newer version wrote, or damaged data, comes back as
None and is skipped, so that a conversation always opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from desktop_chat.domain.messages import Attachment, DocumentPart

__all__ = [
    "DocumentPart",
    "DocumentRef",
    "ImagePart",
    "InlineImage",
    "Part",
    "RequestPart",
    "TextPart",
    "ThinkingPart",
    "ToolCallPart",
    "ToolResultPart",
    "part_from_dict",
    "parts_from_list",
    "parts_to_list",
    "text_runs",
]

DocumentRef = Attachment
"""A document in a message is described by the existing Attachment (its ``to_dict`` is tagged
``"document"``); its text and original bytes live in the data dir, keyed by sha256."""


@dataclass(frozen=True)
class TextPart:
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}

    @classmethod
    def from_dict(cls, data: Any) -> TextPart | None:
        if not _tagged(data, "text") or not isinstance(data.get("text"), str):
            return None
        return cls(data["text"])


@dataclass(frozen=True)
class ImagePart:
    """An image, stored by hash in the data dir like a document's original."""

    sha256: str
    media_type: str
    width: int = 0
    height: int = 0
    file_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"type": "image", "sha256": self.sha256, "media_type": self.media_type,
                "width": self.width, "height": self.height, "file_name": self.file_name}

    @classmethod
    def from_dict(cls, data: Any) -> ImagePart | None:
        if not _tagged(data, "image") or not isinstance(data.get("sha256"), str) \
                or not isinstance(data.get("media_type"), str):
            return None
        return cls(sha256=data["sha256"], media_type=data["media_type"], width=_int(data.get("width")),
                   height=_int(data.get("height")), file_name=_str(data.get("file_name")))


@dataclass(frozen=True)
class ThinkingPart:
    """The model's reasoning. ``signature`` is the provider's proof of it, sent back unchanged;
    a ``redacted`` block holds the provider's opaque data in ``text``."""

    text: str
    signature: str | None = None
    redacted: bool = False
    duration_ms: float | None = None  # time spent thinking (the first part of an answer holds it)
    tokens: int | None = None  # reasoning tokens, where the provider reports them

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "thinking", "text": self.text, "signature": self.signature,
                                "redacted": self.redacted}
        if self.duration_ms is not None:
            data["duration_ms"] = self.duration_ms
        if self.tokens is not None:
            data["tokens"] = self.tokens
        return data

    @classmethod
    def from_dict(cls, data: Any) -> ThinkingPart | None:
        if not _tagged(data, "thinking") or not isinstance(data.get("text"), str):
            return None
        signature = data.get("signature")
        duration, tokens = data.get("duration_ms"), data.get("tokens")
        return cls(text=data["text"], signature=signature if isinstance(signature, str) else None,
                   redacted=data.get("redacted") is True,
                   duration_ms=float(duration) if isinstance(duration, (int, float))
                   and not isinstance(duration, bool) else None,
                   tokens=_int(tokens) if isinstance(tokens, int) and not isinstance(tokens, bool) else None)


@dataclass(frozen=True)
class ToolCallPart:
    call_id: str
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": "tool_call", "call_id": self.call_id, "name": self.name, "arguments": self.arguments}

    @classmethod
    def from_dict(cls, data: Any) -> ToolCallPart | None:
        if not _tagged(data, "tool_call") or not isinstance(data.get("call_id"), str) \
                or not isinstance(data.get("name"), str):
            return None
        arguments = data.get("arguments")
        return cls(call_id=data["call_id"], name=data["name"],
                   arguments=arguments if isinstance(arguments, dict) else {})


@dataclass(frozen=True)
class ToolResultPart:
    call_id: str
    content: str
    is_error: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"type": "tool_result", "call_id": self.call_id, "content": self.content, "is_error": self.is_error}

    @classmethod
    def from_dict(cls, data: Any) -> ToolResultPart | None:
        if not _tagged(data, "tool_result") or not isinstance(data.get("call_id"), str):
            return None
        return cls(call_id=data["call_id"], content=_str(data.get("content")), is_error=data.get("is_error") is True)


@dataclass(frozen=True)
class InlineImage:
    """An image as a provider receives it: its bytes, base64-encoded (an ImagePart only names them)."""

    media_type: str  # image/png, image/jpeg, image/gif, image/webp
    data_base64: str


Part = Union[TextPart, Attachment, ImagePart, ThinkingPart, ToolCallPart, ToolResultPart]

RequestPart = Union[TextPart, DocumentPart, InlineImage, ThinkingPart, ToolCallPart, ToolResultPart]
"""What a ChatMessage (a turn sent to a provider) is made of. Documents and images carry their
bytes here, where the stored Part only names them by hash."""

_KINDS: dict[str, Any] = {
    "text": TextPart, "document": Attachment, "image": ImagePart, "thinking": ThinkingPart,
    "tool_call": ToolCallPart, "tool_result": ToolResultPart,
}


def part_from_dict(data: Any) -> Part | None:
    """The part stored by its ``to_dict()``, or None if *data* is not one we know (never raises)."""
    if not isinstance(data, dict):
        return None
    kind = _KINDS.get(data.get("type"))  # type: ignore[arg-type]
    if kind is None:
        return None
    try:
        part: Part | None = kind.from_dict(data)
        return part
    except (TypeError, ValueError):
        return None


def parts_from_list(data: Any) -> list[Part]:
    """The parts in a stored list, skipping what cannot be read (never raises)."""
    if not isinstance(data, list):
        return []
    return [part for part in map(part_from_dict, data) if part is not None]


def parts_to_list(parts: list[Part]) -> list[dict[str, Any]]:
    return [part.to_dict() for part in parts]


def text_runs(parts: Sequence[RequestPart]) -> list[RequestPart]:
    """*parts* with each run of adjacent text parts joined into one (blank-line separated), the
    way a turn's document blocks, passages and question were always sent: one text."""
    out: list[RequestPart] = []
    for part in parts:
        previous = out[-1] if out else None
        if isinstance(part, TextPart) and isinstance(previous, TextPart):
            out[-1] = TextPart(previous.text + "\n\n" + part.text)
        else:
            out.append(part)
    return out


def _tagged(data: Any, kind: str) -> bool:
    return isinstance(data, dict) and data.get("type") == kind


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
