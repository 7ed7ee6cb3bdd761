"""When a message was written, as people say it: "just now", "5 min ago", "Yesterday 14:05".

The words are short forms ("min", "h") so that no plural rules are needed in any language. The
full date, time and zone is the label's tooltip. MessageView refreshes the shown words every
REFRESH_MS, so "just now" becomes "1 min ago" without anything else happening.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QLocale
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["REFRESH_MS", "TimeLabel", "relative_time"]

REFRESH_MS = 30_000



def relative_time(when: QDateTime, now: QDateTime, locale: QLocale | None = None) -> str:
    """`when` as a short phrase relative to `now` (both local times)."""
    locale = locale or QLocale()
    seconds = when.secsTo(now)
    if seconds < 60:  # also a clock a little behind the message's
        return QCoreApplication.translate("RelativeTime", "just now")
    if seconds < 3600:
        return QCoreApplication.translate("RelativeTime", "{count} min ago").format(count=seconds // 60)
    days = when.date().daysTo(now.date())
    clock = _clock(when, locale)
    if days == 0:
        return QCoreApplication.translate("RelativeTime", "{count} h ago").format(count=seconds // 3600)
    if days == 1:
        return QCoreApplication.translate("RelativeTime", "Yesterday {time}").format(time=clock)
    if days < 7:
        return f"{locale.dayName(when.date().dayOfWeek(), QLocale.FormatType.ShortFormat)} {clock}"
    if locale.language() == QLocale.Language.C:  # no real locale (CI): ISO is readable
        return when.toString("yyyy-MM-dd")
    if when.date().year() == now.date().year():
        return locale.toString(when.date(), _without_year(locale))
    return locale.toString(when.date(), QLocale.FormatType.ShortFormat)


def _clock(when: QDateTime, locale: QLocale) -> str:
    if locale.language() == QLocale.Language.C:
        return when.toString("HH:mm")
    return locale.toString(when.time(), QLocale.FormatType.ShortFormat)


def _without_year(locale: QLocale) -> str:
    """The locale's short date without its year ("9 Mar", "3月9日")."""
    if locale.language() == QLocale.Language.Chinese:
        return "M月d日"
    pattern = locale.dateFormat(QLocale.FormatType.LongFormat)
    for cut in (", yyyy", " yyyy", "yyyy", ", y", " y"):
        pattern = pattern.replace(cut, "")
    for day in ("dddd, ", "dddd "):  # no weekday
        pattern = pattern.replace(day, "")
    return pattern.replace("MMMM", "MMM").strip(" ,.")


class TimeLabel(QLabel):
    """The relative time of a message, with the long form (date, time and zone) as its tooltip.
    The long form is made when the tooltip is first wanted: QLocale's LongFormat costs ≈ 0.3 ms
    (the time zone's name), once per message shown and again at every update of an answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._when: QDateTime | None = None

    def show_time(self, when: QDateTime, now: QDateTime | None = None) -> None:
        if self._when != when:
            self.setToolTip("")
        self._when = when
        self.refresh(now)

    def refresh(self, now: QDateTime | None = None) -> None:
        if self._when is None:
            return
        text = relative_time(self._when, now or QDateTime.currentDateTime())
        if text != self.text():
            self.setText(text)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._when is not None and not self.toolTip():
            self.setToolTip(QLocale().toString(self._when, QLocale.FormatType.LongFormat))
        return super().event(event)
