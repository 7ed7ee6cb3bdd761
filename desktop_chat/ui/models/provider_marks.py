"""Marks on the provider picker's entries: ready, needs a key, not running, not installed.

The state comes from chat/readiness.py (worked out off the GUI thread); this module only shows it:
a coloured dot on each entry (also in the closed picker), the state in words at the right of each
row of the open list, and the same words in the tooltip and the accessible description.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from desktop_chat.chat.readiness import Readiness
from desktop_chat.ui.common import theme
from desktop_chat.ui.common.icons import dot

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionViewItem

STATE_ROLE = Qt.ItemDataRole.UserRole + 10  # the entry's Readiness.value
_COLOURS = {Readiness.READY: "#2e9e4f", Readiness.NEEDS_KEY: "#d08a1e", Readiness.NOT_RUNNING: "#d0443e",
            Readiness.NOT_INSTALLED: "#9e9e9e"}


def state_text(state: Readiness) -> str:
    return {  # written out in full: lupdate reads only QCoreApplication.translate("context", "text")
        Readiness.READY: QCoreApplication.translate("ProviderMarks", "ready"),
        Readiness.NEEDS_KEY: QCoreApplication.translate("ProviderMarks", "needs a key"),
        Readiness.NOT_RUNNING: QCoreApplication.translate("ProviderMarks", "not running"),
        Readiness.NOT_INSTALLED: QCoreApplication.translate("ProviderMarks", "not installed"),
    }.get(state, "")


def mark(combo: QComboBox, states: dict[str, Readiness], tips: dict[str, str]) -> None:
    """Put each endpoint's state on its entry in `combo` (entries carry the endpoint id as data)."""
    if not isinstance(combo.view().itemDelegate(), _StateDelegate):
        combo.view().setItemDelegate(_StateDelegate(combo.view()))
    metrics = QFontMetrics(combo.view().font())
    widest = max((metrics.horizontalAdvance(combo.itemText(row)) + metrics.horizontalAdvance(
        state_text(states.get(str(combo.itemData(row)), Readiness.UNKNOWN))) for row in range(combo.count())),
        default=0)
    combo.view().setMinimumWidth(widest + 70)  # the dot, the gap between name and state, the margins
    for row in range(combo.count()):
        endpoint_id = str(combo.itemData(row))
        state = states.get(endpoint_id, Readiness.UNKNOWN)
        words = state_text(state)
        combo.setItemData(row, state.value, STATE_ROLE)
        # Unknown yet: an empty dot of the same size, so the picker does not change width when the check ends.
        combo.setItemIcon(row, QIcon(dot(_COLOURS.get(state, QColor(0, 0, 0, 0)), 10, 1)))
        tip = tips.get(endpoint_id, "")
        heading = combo.itemText(row) + (f": {words}" if words else "")
        combo.setItemData(row, " — ".join(t for t in (heading, tip) if t), Qt.ItemDataRole.ToolTipRole)
        combo.setItemData(row, words, Qt.ItemDataRole.AccessibleDescriptionRole)


class _StateDelegate(QStyledItemDelegate):
    """The combo's list rows, with the state in words, muted, at the right."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        value = index.data(STATE_ROLE)
        words = state_text(Readiness(value)) if value else ""
        if not words:
            return
        painter.save()
        small = option.font
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        from PySide6.QtWidgets import QStyle  # at the first paint, not at start-up (see model_picker)

        if option.state & QStyle.StateFlag.State_Selected:  # on the highlight: its text colour, readable
            painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText))
        else:
            painter.setPen(QColor("#a0a0a0" if theme.is_dark(option.palette) else "#6b6b6b"))
        rect: QRect = option.rect.adjusted(0, 0, -8, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, words)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        value = index.data(STATE_ROLE)
        words = state_text(Readiness(value)) if value else ""
        if words:
            size.setWidth(size.width() + QFontMetrics(option.font).horizontalAdvance(words) + 24)
        return size
