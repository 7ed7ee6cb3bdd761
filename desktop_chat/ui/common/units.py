"""Sizes, speeds and durations as people read them (Ollama's own style: "4.7 GB", "815 MB")."""

from __future__ import annotations

import datetime as _dt
import re

from PySide6.QtCore import QCoreApplication

_UNITS = ("B", "KB", "MB", "GB", "TB")


def format_bytes(n: int | float | None) -> str:
    """Decimal units, as Ollama and disk makers count: one decimal below 10, none above."""
    if n is None:
        return "—"
    value = float(max(0, n))
    unit = 0
    while value >= 1000 and unit < len(_UNITS) - 1:
        value /= 1000
        unit += 1
    if unit == 0:
        return f"{int(value)} B"
    return f"{value:.1f} {_UNITS[unit]}" if value < 10 else f"{value:.0f} {_UNITS[unit]}"


def format_speed(bytes_per_second: float | None) -> str:
    if not bytes_per_second:
        return ""
    return QCoreApplication.translate("Units", "{size}/s").format(size=format_bytes(bytes_per_second))


def format_time_left(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    if seconds < 60:
        return QCoreApplication.translate("Units", "{n} s left").format(n=max(1, seconds))
    if seconds < 3600:
        return QCoreApplication.translate("Units", "{n} min left").format(n=(seconds + 30) // 60)
    return QCoreApplication.translate("Units", "{h} h {m} min left").format(h=seconds // 3600, m=(seconds % 3600) // 60)


def format_count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def parse_iso_time(text: str | None) -> _dt.datetime | None:
    """An ISO time from Ollama (nanosecond fractions, any offset) as an aware datetime, or None."""
    if not text:
        return None
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", text.strip()).replace("Z", "+00:00")
    try:
        value = _dt.datetime.fromisoformat(trimmed)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)


def format_local_time(when: _dt.datetime) -> str:
    """Hours and minutes in the local time zone (today), or the date as well."""
    local = when.astimezone()
    if local.date() == _dt.datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
