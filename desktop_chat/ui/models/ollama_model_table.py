"""The model manager's list of an Ollama host's models: a row a model (name, size, parameters,
quantisation, family, memory), sortable (the size by bytes, not by its text), one selected at a
time; and how a loaded model's memory reads, short in its row and long in the details.

Its words were the dialog's (ollama_models.py) and keep that translation context.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from desktop_chat.providers import ModelInfo
from desktop_chat.ui.common.units import format_bytes, format_local_time, parse_iso_time

__all__ = ["ModelTable", "memory_text"]

_COLUMNS = ("name", "size", "parameters", "quantisation", "family", "memory")


class ModelTable(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ollamaModelTable")
        self.setColumnCount(len(_COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        for column in range(len(_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def fill(self, models: Sequence[ModelInfo], loaded: Mapping[str, Any]) -> None:
        """One row a model; the selection stays on the same model, else goes to the first by name.
        *loaded*: model name -> LoadedModel, for those in memory."""
        selected = self.selected_model()
        self.setSortingEnabled(False)
        self.clear()
        for info in models:
            item = _SortableItem()
            details = info.details
            item.setText(0, info.id)
            item.setData(0, Qt.ItemDataRole.UserRole, info.id)
            item.setText(1, format_bytes(details.get("size")))
            item.setData(1, Qt.ItemDataRole.UserRole, details.get("size") or 0)
            item.setText(2, str(details.get("parameter_size") or "—"))
            item.setText(3, str(details.get("quantization_level") or "—"))
            item.setText(4, str(details.get("family") or "—"))
            item.setText(5, memory_text(loaded.get(info.id), short=True))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)
        self.setSortingEnabled(True)
        if selected is None and models:
            selected = sorted(m.id for m in models)[0]
        self.select(selected)

    def show_memory(self, loaded: Mapping[str, Any]) -> None:
        """Word the memory column again (after a language change)."""
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is not None:  # never None below topLevelItemCount(); Qt's signature allows it
                item.setText(5, memory_text(loaded.get(item.data(0, Qt.ItemDataRole.UserRole)), short=True))

    def select(self, model: str | None) -> None:
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == model:
                self.setCurrentItem(item)
                return

    def selected_model(self) -> str | None:
        item = self.currentItem()
        if item is None or not item.isSelected():
            return None
        return item.data(0, Qt.ItemDataRole.UserRole)

    def retranslate(self) -> None:
        self.setHeaderLabels([QCoreApplication.translate("ModelManagerDialog", "Model"),
                              QCoreApplication.translate("ModelManagerDialog", "Size"),
                              QCoreApplication.translate("ModelManagerDialog", "Parameters"),
                              QCoreApplication.translate("ModelManagerDialog", "Quantisation"),
                              QCoreApplication.translate("ModelManagerDialog", "Family"),
                              QCoreApplication.translate("ModelManagerDialog", "In memory")])
        self.setAccessibleName(QCoreApplication.translate("ModelManagerDialog", "Models on this Ollama"))


def memory_text(loaded: Any | None, *, short: bool) -> str:
    """A model's memory: *loaded* is its LoadedModel (/api/ps), None when it is not in memory."""
    if loaded is None:
        return "" if short else QCoreApplication.translate("ModelManagerDialog", "not loaded")
    size = format_bytes(loaded.size_vram or loaded.size)
    until = parse_iso_time(loaded.expires_at)
    if until is None:
        return size if short else QCoreApplication.translate("ModelManagerDialog", "loaded, {size}").format(size=size)
    if until - _dt.datetime.now(_dt.timezone.utc) > _dt.timedelta(days=365):
        kept = (QCoreApplication.translate("ModelManagerDialog", "{size}, kept") if short
                else QCoreApplication.translate("ModelManagerDialog", "loaded, {size}, kept loaded"))
        return kept.format(size=size)
    time_text = format_local_time(until)
    if short:
        return QCoreApplication.translate("ModelManagerDialog", "{size} until {time}").format(size=size, time=time_text)
    return QCoreApplication.translate("ModelManagerDialog", "loaded, {size}, until {time}").format(
        size=size, time=time_text)


class _SortableItem(QTreeWidgetItem):
    """Sorts the size column by bytes, not by its text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        column = tree.sortColumn() if tree is not None else 0
        if column == 1:
            return (self.data(1, Qt.ItemDataRole.UserRole) or 0) < (other.data(1, Qt.ItemDataRole.UserRole) or 0)
        return self.text(column).lower() < other.text(column).lower()
