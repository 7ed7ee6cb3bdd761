"""What an import read, added, and could not carry over, worded for the person who asked for it.

Parts of another app's conversations that Desktop Chat cannot hold (images, tool output, the
model's hidden reasoning…) are never dropped silently: each is counted by kind, with the titles
of the conversations it was in, and reported ("3 images in “Trip plan”").
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

__all__ = ["Conversion", "ImportReport", "SkipLog"]

TITLES_SHOWN = 5  # more conversations than this are summed up as "and N more"

# Kinds a converter records, worded in plain language. Any other kind (a content type we have
# never seen) is reported with the generic template and its own name.
_TEMPLATES = {
    "image": QT_TRANSLATE_NOOP("engine", "{count} image(s) in {where}"),
    "file": QT_TRANSLATE_NOOP("engine", "{count} attached file(s) without readable text in {where}"),
    "tool message": QT_TRANSLATE_NOOP("engine", "{count} tool message(s) (a tool's output) in {where}"),
    "tool_use": QT_TRANSLATE_NOOP("engine", "{count} tool call(s) in {where}"),
    "tool_result": QT_TRANSLATE_NOOP("engine", "{count} tool result(s) in {where}"),
    "execution_output": QT_TRANSLATE_NOOP("engine", "{count} code execution result(s) in {where}"),
    "thinking": QT_TRANSLATE_NOOP("engine", "{count} part(s) of the model's reasoning (“{kind}”) in {where}"),
    "tether_quote": QT_TRANSLATE_NOOP("engine", "{count} quoted web page(s) in {where}"),
    "empty conversation": QT_TRANSLATE_NOOP("engine", "{count} empty conversation(s): {where}"),
}
_REASONING = frozenset({"thinking", "thoughts", "reasoning_recap", "redacted_thinking"})
_ROLE = QT_TRANSLATE_NOOP("engine", "{count} message(s) from “{kind}” in {where}")
_OTHER = QT_TRANSLATE_NOOP("engine", "{count} part(s) of type “{kind}” in {where}")
ROLE_PREFIX = "role:"  # a kind "role:system" is a message from that author, skipped whole


@dataclass(frozen=True)
class _Place:
    conversation_id: str  # our id for it, so that a report can leave out conversations not imported
    title: str


class SkipLog:
    """Counts of what could not be imported, by kind and by conversation, in the order met."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[_Place, int]] = {}

    def add(self, kind: str, conversation_id: str, title: str, count: int = 1) -> None:
        places = self._counts.setdefault(kind, {})
        place = _Place(conversation_id, title)
        places[place] = places.get(place, 0) + count

    def totals(self) -> dict[str, int]:
        """Kind → how many, over every conversation."""
        return {kind: sum(places.values()) for kind, places in self._counts.items()}

    def in_conversation(self, conversation_id: str) -> dict[str, int]:
        """Kind → how many, in one conversation (by our id)."""
        return {
            kind: n for kind, places in self._counts.items()
            for place, n in places.items() if place.conversation_id == conversation_id
        }

    def lines(self, leave_out: Collection[str] = ()) -> list[Text]:
        """One sentence per kind, without the conversations (by our id) in *leave_out*: those
        already in the history, whose parts this import did not fail to bring."""
        out: list[Text] = []
        for kind, places in self._counts.items():
            kept = [(p, n) for p, n in places.items() if p.conversation_id not in leave_out]
            if kept:
                out.append(_sentence(kind, kept))
        return out


def _sentence(kind: str, places: list[tuple[_Place, int]]) -> Text:
    count = sum(n for _, n in places)
    where = _where(places)
    if kind.startswith(ROLE_PREFIX):
        return Text.of(_ROLE, count=count, kind=kind[len(ROLE_PREFIX):], where=where)
    if kind in _REASONING:
        return Text.of(_TEMPLATES["thinking"], count=count, kind=kind, where=where)
    template = _TEMPLATES.get(kind, _OTHER)
    return Text.of(template, count=count, kind=kind, where=where)


def _where(places: list[tuple[_Place, int]]) -> str | Text:
    """“Trip plan”, or “Trip plan” (3), “Logo” (2) when the count is spread over several."""
    if len(places) == 1:
        return f"“{places[0][0].title}”"
    shown = ", ".join(f"“{p.title}” ({n})" for p, n in places[:TITLES_SHOWN])
    if len(places) <= TITLES_SHOWN:
        return shown
    return Text.of(QT_TRANSLATE_NOOP("engine", "{titles} and {count} more conversation(s)"),
                   titles=shown, count=len(places) - TITLES_SHOWN)


@dataclass
class Conversion:
    """Another app's export turned into our version-2 document, and what did not fit in it."""

    source: str  # "chatgpt" | "claude"
    document: dict[str, Any]
    conversations_read: int  # in the file, including empty ones that were left out
    messages_read: int  # messages (nodes with a message) in the file, kept or not
    skipped: SkipLog = field(default_factory=SkipLog)


APP_NAMES = {"desktop-chat": "Desktop Chat", "chatgpt": "ChatGPT", "claude": "Claude"}


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import, for the CLI and the window."""

    source: str  # "desktop-chat" | "chatgpt" | "claude"
    conversations_read: int
    messages_read: int
    imported: int  # conversations added
    messages_imported: int
    already_present: int  # conversations skipped because their id is already in the history
    not_imported: list[Text] = field(default_factory=list)  # one sentence per kind of skipped part

    def lines(self) -> list[Text]:
        app = APP_NAMES.get(self.source, self.source)
        out = [
            Text.of(QT_TRANSLATE_NOOP("engine", "Read {conversations} conversation(s) with {messages} "
                                                "message(s) from a {app} export."),
                    conversations=self.conversations_read, messages=self.messages_read, app=app),
            Text.of(QT_TRANSLATE_NOOP("engine", "Imported {conversations} conversation(s) with {messages} "
                                                "message(s); skipped {present} already present."),
                    conversations=self.imported, messages=self.messages_imported, present=self.already_present),
        ]
        out += [Text.of(QT_TRANSLATE_NOOP("engine", "Not imported: {what}"), what=line)
                for line in self.not_imported]
        return out


ConvertOne = Callable[[Any, int, SkipLog], "tuple[dict[str, Any] | None, int]"]


def convert_each(app: str, data: list[Any], one: ConvertOne) -> Conversion:
    """Convert every conversation of a parsed ``conversations.json`` with *one* (an app's converter
    of one conversation: its record or None, and how many messages it read)."""
    from desktop_chat.store.importers.document import document

    skipped = SkipLog()
    conversations: list[dict[str, Any]] = []
    messages_read = 0
    for index, raw in enumerate(data):
        converted, read = one(raw, index, skipped)
        messages_read += read
        if converted is not None:
            conversations.append(converted)
    return Conversion(app, document(conversations), conversations_read=len(data),
                      messages_read=messages_read, skipped=skipped)
