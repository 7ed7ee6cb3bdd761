"""The quiet line under a message: an answer's model and figures, a question's attachments.

Its words keep the message widget's translation context, where they have always been.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from desktop_chat.domain.messages import Message

__all__ = ["meta_text", "tokens_per_second"]



def meta_text(message: Message) -> str:
    """"model · first token 0.41 s · 52.0 tok/s · 1,830 in · 312 out", or a question's attachments."""
    locale = QLocale()
    parts: list[str] = []
    if message.role == "user":
        names = [
            str(a.get("name") or a.get("filename") or a.get("path") or "")
            for a in message.attachments
            if a.get("type") != "document"  # documents show as chips above the text
        ]
        names = [n for n in names if n]
        if names:
            attached = QCoreApplication.translate("MessageWidget", "Attached: {names}")
            parts.append(attached.format(names=", ".join(names)))
        return " · ".join(parts)
    if message.model:
        parts.append(message.model)
    if message.ttft_ms is not None:
        seconds = locale.toString(message.ttft_ms / 1000.0, "f", 2)
        first = QCoreApplication.translate("MessageWidget", "first token {seconds} s")
        parts.append(first.format(seconds=seconds))
    rate = tokens_per_second(message)
    if rate is not None:
        per_second = QCoreApplication.translate("MessageWidget", "{rate} tok/s")
        parts.append(per_second.format(rate=locale.toString(rate, "f", 1)))
    if message.input_tokens is not None:
        sent = QCoreApplication.translate("MessageWidget", "{count} in")
        parts.append(sent.format(count=locale.toString(message.input_tokens)))
    if message.output_tokens is not None:
        received = QCoreApplication.translate("MessageWidget", "{count} out")
        parts.append(received.format(count=locale.toString(message.output_tokens)))
    return " · ".join(parts)


def tokens_per_second(message: Message) -> float | None:
    """Output tokens over generation time (duration minus time to first token)."""
    if not message.output_tokens or message.duration_ms is None:
        return None
    generating_ms = message.duration_ms - (message.ttft_ms or 0.0)
    if generating_ms <= 0:
        return None
    return message.output_tokens / (generating_ms / 1000.0)
