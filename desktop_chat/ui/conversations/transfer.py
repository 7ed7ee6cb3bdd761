"""Import… and Export… from the app menu: store/exchange.py's formats through the conversation
service (chat/conversations.py), run in a worker thread.

Import reads a JSON export (the file made by Export or `desktop-chat export`, or the
conversations.json of a ChatGPT or Claude data export: store/importers tells them apart by their
content and ends in exchange.import_json), validates the whole document before writing anything,
and says how many conversations came in, how many were already there and what could not come. Export asks which conversations (the one on screen or
all), which format (JSON, which imports again, or Markdown, for reading) and a file name, then
builds the document and writes it off the GUI thread. Reading, parsing, building and writing
never run on the GUI thread: a history of thousands of answers takes a while.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat.conversations import ConversationService
from desktop_chat.store import importers
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.ui.common.error_text import localized, localized_error

__all__ = ["ExportChoice", "Transfer"]

log = logging.getLogger(__name__)


class ExportChoice(QDialog):
    """Which conversations, in which format."""

    def __init__(self, has_current: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportChoiceDialog")
        self.setWindowTitle(self.tr("Export conversations"))
        scope = QGroupBox(self.tr("Conversations"), self)
        self.current_radio = QRadioButton(self.tr("The conversation on screen"), scope)
        self.current_radio.setObjectName("exportCurrentRadio")
        self.current_radio.setEnabled(has_current)
        self.all_radio = QRadioButton(self.tr("All conversations"), scope)
        self.all_radio.setObjectName("exportAllRadio")
        (self.current_radio if has_current else self.all_radio).setChecked(True)
        scope_column = QVBoxLayout(scope)
        scope_column.addWidget(self.current_radio)
        scope_column.addWidget(self.all_radio)
        kind = QGroupBox(self.tr("Format"), self)
        self.json_radio = QRadioButton(self.tr("JSON: everything, and Desktop Chat can import it again"), kind)
        self.json_radio.setObjectName("exportJsonRadio")
        self.markdown_radio = QRadioButton(self.tr("Markdown: to read or share"), kind)
        self.markdown_radio.setObjectName("exportMarkdownRadio")
        self.json_radio.setChecked(True)
        kind_column = QVBoxLayout(kind)
        kind_column.addWidget(self.json_radio)
        kind_column.addWidget(self.markdown_radio)
        for group_buttons in ((self.current_radio, self.all_radio), (self.json_radio, self.markdown_radio)):
            group = QButtonGroup(self)
            for button in group_buttons:
                group.addButton(button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.next_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.next_button.setObjectName("exportNextButton")
        self.next_button.setText(self.tr("Choose file…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scope)
        layout.addWidget(kind)
        layout.addWidget(buttons)

    @property
    def markdown(self) -> bool:
        return self.markdown_radio.isChecked()

    @property
    def only_current(self) -> bool:
        return self.current_radio.isChecked()


class Transfer(QObject):
    """Runs imports and exports for the window and reports how they went."""

    imported = Signal(int, int)  # conversations added, conversations already there
    exported = Signal(str, int)  # file, conversations written
    failed = Signal(str)  # what went wrong, in words

    def __init__(self, conversations: ConversationService, runner: AsyncRunner, parent_widget: QWidget,
                 current: Callable[[], str | None]) -> None:
        super().__init__(parent_widget)
        self._conversations = conversations
        self._runner = runner
        self._parent = parent_widget
        self._current = current  # the conversation on screen, or None
        self.last_dialog: QDialog | None = None  # the dialog now open (tests drive it)

    # -- import --------------------------------------------------------------------------------

    def choose_import(self) -> None:
        dialog = QFileDialog(self._parent, self.tr("Import conversations"))
        dialog.setObjectName("importFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([self.tr("Conversation exports (*.json)"), self.tr("All files (*)")])
        dialog.setDirectory(str(Path.home()))
        dialog.fileSelected.connect(self.import_file)
        self._show(dialog)

    def import_file(self, path: str) -> None:
        self._runner.start(self._import(Path(path)), name="import-conversations")

    async def _import(self, path: Path) -> None:
        def work() -> importers.ImportReport:  # worker thread: read, parse, validate, write
            data = json.loads(path.read_text(encoding="utf-8"))
            return self._conversations.import_document(data)

        try:
            result = await self._runner.in_thread(work)
        except FileNotFoundError:
            self._fail(self.tr("“{path}” does not exist.").format(path=path))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._fail(self.tr("“{name}” is not a JSON export from Desktop Chat: it could not be read as "
                               "JSON. Nothing was imported.").format(name=path.name))
        except ValueError as exc:  # not an export we read (NotAnExport), or what is wrong and where
            self._fail(self.tr("“{name}” could not be imported: {reason} Nothing was imported.").format(
                name=path.name, reason=localized_error(exc)))
        except OSError as exc:
            self._fail(self.tr("“{name}” could not be read: {reason}").format(
                name=path.name, reason=exc.strerror or exc))
        else:
            self.imported.emit(result.imported, result.already_present)
            lines = [self.import_summary(result.imported, result.already_present)]
            # What another app's export held that has no place here ("Not imported: 3 images in …").
            lines += [localized(line, line.english()) for line in result.lines()[2:]]
            self._inform(self.tr("Import"), "\n".join(lines))

    def import_summary(self, imported: int, skipped: int) -> str:
        if imported == 0:
            first = self.tr("No new conversations were imported.")
        elif imported == 1:
            first = self.tr("Imported 1 conversation.")
        else:
            first = self.tr("Imported {count} conversations.").format(count=imported)
        if skipped == 1:
            return first + " " + self.tr("1 was already here and was skipped.")
        if skipped > 1:
            return first + " " + self.tr("{count} were already here and were skipped.").format(count=skipped)
        return first

    # -- export --------------------------------------------------------------------------------

    def choose_export(self) -> None:
        choice = ExportChoice(self._current() is not None, self._parent)
        choice.accepted.connect(lambda: self._choose_export_file(choice.markdown, choice.only_current))
        self._show(choice)

    def _choose_export_file(self, markdown: bool, only_current: bool) -> None:
        current = self._current()
        ids = [current] if only_current and current else None
        dialog = QFileDialog(self._parent, self.tr("Export conversations"))
        dialog.setObjectName("exportFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([self.tr("Markdown (*.md)") if markdown else self.tr("JSON (*.json)")])
        dialog.setDefaultSuffix("md" if markdown else "json")
        dialog.setDirectory(str(Path.home()))
        dialog.selectFile("desktop-chat-export." + ("md" if markdown else "json"))
        dialog.fileSelected.connect(lambda path: self.export_to(path, markdown=markdown, conversation_ids=ids))
        self._show(dialog)

    def export_to(self, path: str, *, markdown: bool, conversation_ids: Sequence[str] | None = None) -> None:
        self._runner.start(self._export(Path(path), markdown, conversation_ids), name="export-conversations")

    async def _export(self, path: Path, markdown: bool, ids: Sequence[str] | None) -> None:
        def work() -> int:  # worker thread: read the history, build the document, write it
            if markdown:
                text, count = self._conversations.export_markdown(ids)
            else:
                document = self._conversations.export_json(ids)
                count = len(document.get("conversations", []))
                text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            path.write_text(text, encoding="utf-8")  # UTF-8 whatever the locale (Chinese, emoji)
            return count

        try:
            count = await self._runner.in_thread(work)
        except OSError as exc:
            self._fail(self.tr("Could not write “{path}”: {reason}").format(path=path, reason=exc.strerror or exc))
        except Exception as exc:  # noqa: BLE001 - a failed export must say so, never vanish
            log.exception("export failed")
            self._fail(self.tr("The export failed ({name}).").format(name=type(exc).__name__))
        else:
            self.exported.emit(str(path), count)

    # -- reporting -----------------------------------------------------------------------------

    def _show(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()

    def _fail(self, text: str) -> None:
        log.info("import/export failed: %s", text)
        self.failed.emit(text)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Import or export failed"), text,
                          QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName("transferProblem")
        self._show(box)

    def _inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self._parent)
        box.setObjectName("transferResult")
        self._show(box)
