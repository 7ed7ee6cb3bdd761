"""Which group of the conversation list a conversation falls in, and the group's title.

Pinned first, then by the day it was last used: Today, Yesterday, Previous 7 days, then one
group per month ("November", "October 2025"), the way ChatGPT's and Cherry Studio's lists read.
A group is an int key (cheap to compare for every row the view paints); `label` turns it into
words in the user's language.
"""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QCoreApplication, QDate, QLocale

PINNED = -1
TODAY = 0
YESTERDAY = 1
PREVIOUS_7_DAYS = 2
_MONTHS = 100  # months are _MONTHS + year * 12 + month - 1: after every named group


def day_group(updated_at: float, today: _dt.date | None = None) -> int:
    """The group of a conversation last used at `updated_at` (local time), seen on `today`."""
    today = today or _dt.date.today()
    day = _dt.datetime.fromtimestamp(updated_at).date()
    delta = (today - day).days
    if delta <= 0:
        return TODAY
    if delta == 1:
        return YESTERDAY
    if delta <= 7:
        return PREVIOUS_7_DAYS
    return _MONTHS + day.year * 12 + day.month - 1


def label(group: int, today: _dt.date | None = None) -> str:
    """The group's title, translated ("Today", "November", "October 2025")."""
    if group == PINNED:
        return QCoreApplication.translate("ConversationListModel", "Pinned")
    if group == TODAY:
        return QCoreApplication.translate("ConversationListModel", "Today")
    if group == YESTERDAY:
        return QCoreApplication.translate("ConversationListModel", "Yesterday")
    if group == PREVIOUS_7_DAYS:
        return QCoreApplication.translate("ConversationListModel", "Previous 7 days")
    year, month = divmod(group - _MONTHS, 12)
    today = today or _dt.date.today()
    # A date format, so that each language orders month and year its own way (Chinese: 2025年10月).
    if year == today.year:
        form = QCoreApplication.translate("ConversationListModel", "MMMM")
    else:
        form = QCoreApplication.translate("ConversationListModel", "MMMM yyyy")
    return QLocale().toString(QDate(year, month + 1, 1), form)
