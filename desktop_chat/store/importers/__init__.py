"""Importing conversations from our own JSON export and from ChatGPT's and Claude's data exports.

:func:`import_data` takes a parsed JSON file, recognises which app made it by its content,
converts another app's export into our export format (version 2: message trees), hands it to
:func:`desktop_chat.store.exchange.import_json`, and reports what was read, what was added, what
was already there and which parts could not be imported. Qt-free, standard library only.
"""

from __future__ import annotations

from typing import Any

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.store import exchange
from desktop_chat.store.database import Store
from desktop_chat.store.importers import chatgpt, claude
from desktop_chat.store.importers.detect import Source, detect
from desktop_chat.store.importers.report import Conversion, ImportReport, SkipLog

__all__ = ["Conversion", "ImportReport", "NotAnExport", "SkipLog", "Source", "convert", "detect", "import_data"]


class NotAnExport(ValueError):
    """The file is none of the exports this version can read."""


NOT_AN_EXPORT = QT_TRANSLATE_NOOP(
    "engine", "This file is not a conversation export Desktop Chat can read: expected a Desktop Chat "
              "JSON export, or conversations.json from a ChatGPT or Claude data export.")


def convert(data: Any) -> tuple[Source, Conversion | None]:
    """Which app made *data*, and (for another app's export) its conversion to our format.

    Raises NotAnExport if it is none of them, ValueError if it is damaged.
    """
    source = detect(data)
    if source is None:
        raise NotAnExport(Text.of(NOT_AN_EXPORT))
    if source == "chatgpt":
        return source, chatgpt.convert(data)
    if source == "claude":
        return source, claude.convert(data)
    return source, None


def import_data(store: Store, data: Any) -> ImportReport:
    """Import a parsed export file into *store*; nothing is written if anything in it is invalid."""
    source, conversion = convert(data)
    doc = data if conversion is None else conversion.document
    conversations = [c for c in (doc.get("conversations") or []) if isinstance(c, dict)] \
        if isinstance(doc, dict) else []
    present = {c["id"] for c in conversations
               if isinstance(c.get("id"), str) and store.get_conversation(c["id"]) is not None}
    result = exchange.import_json(store, doc)
    added = [c for c in conversations if c.get("id") not in present]
    messages_read = sum(len(c.get("messages") or []) for c in conversations)
    return ImportReport(
        source=source,
        conversations_read=conversion.conversations_read if conversion else len(conversations),
        messages_read=conversion.messages_read if conversion else messages_read,
        imported=result.imported,
        messages_imported=sum(len(c.get("messages") or []) for c in added),
        already_present=result.skipped,
        not_imported=conversion.skipped.lines(leave_out=present) if conversion else [],
    )
