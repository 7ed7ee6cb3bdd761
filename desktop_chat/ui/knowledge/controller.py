"""Knowledge bases in the window: the picker in the top bar, indexing above the composer.

The conversation's choice is kept in its options (``knowledge_base``, chat/knowledge.py), so the
engine searches the collection for every turn and a reopened conversation shows it again; before
the first message of a new conversation the choice waits here (apply_pending). Listing
collections happens in a worker thread; creating and indexing in a process of its own
(IndexingPanel). Nothing here is imported before the window's first frame matters: the
collections are first read when the picker is clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop_chat.ui.knowledge.picker import KnowledgePicker

if TYPE_CHECKING:
    from desktop_chat.ui.knowledge.indexing_panel import IndexingPanel

__all__ = ["KnowledgeController"]

KB_OPTION = "knowledge_base"  # chat/knowledge.py's; not imported at start-up for one string


class KnowledgeController(QObject):
    message = Signal(str, int)  # for the status bar: text, milliseconds

    def __init__(self, window: Any, *, add_picker: Callable[[QWidget], None],
                 place_panel: Callable[[QWidget], None]) -> None:
        super().__init__(window)
        self.window = window  # .conversations, .runner, ._current: the conversation on screen
        self.picker = KnowledgePicker(window)
        add_picker(self.picker)
        self._place_panel = place_panel
        self._panel: IndexingPanel | None = None  # built at the first indexing (start-up: not needed)
        self.pending: str | None = None  # chosen before the conversation exists
        self.picker.menuWanted.connect(self._list_then_show)
        self.picker.chosen.connect(self.choose)
        self.picker.createRequested.connect(self._ask_folder)
        self.picker.folderDropped.connect(self.create_from)
        self.picker.updateRequested.connect(self.update)

    @property
    def panel(self) -> IndexingPanel:
        if self._panel is None:
            from desktop_chat.ui.knowledge.indexing_panel import IndexingPanel

            self._panel = IndexingPanel(self.window)
            self._place_panel(self._panel)
            self._panel.finished.connect(self._indexed)
        return self._panel

    @classmethod
    def install(cls, window: Any) -> KnowledgeController:
        """Put the picker beside Attach in the composer (the top bar has no room to spare at
        800 px), and the indexing strip above the composer."""
        column = window._column  # the chat pane's column: top bar, messages, composer
        tools = window.composer_bar.side_tools
        controller = cls(window, add_picker=tools.addWidget,
                         place_panel=lambda panel: column.insertWidget(column.indexOf(window.composer_bar), panel))
        controller.message.connect(window.statusBar().showMessage)
        controller.show_for(window._current)
        return controller

    # -- the conversation's choice --

    def show_for(self, conversation_id: str | None) -> None:
        """The conversation on screen changed: show its knowledge base (a new one starts with none)."""
        if conversation_id is None:
            self.pending = None
            self.picker.set_current(None)
            return
        conversation = self.window.conversations.get(conversation_id)
        name = conversation.options.get(KB_OPTION) if conversation is not None else None
        self.picker.set_current(name if isinstance(name, str) and name else None)

    def choose(self, name: str | None) -> None:
        conversation_id = self.window._current
        if conversation_id is None:
            self.pending = name
        else:
            self._store_choice(conversation_id, name)
        self.picker.set_current(name)

    def apply_pending(self, conversation_id: str) -> None:
        """A new conversation was just created for its first message: give it the choice made before."""
        if self.pending is not None:
            self._store_choice(conversation_id, self.pending)
            self.pending = None

    def _store_choice(self, conversation_id: str, name: str | None) -> None:
        self.window.conversations.set_option(conversation_id, KB_OPTION, name or None)

    # -- collections --

    def _list_then_show(self) -> None:
        from desktop_chat.chat.knowledge import list_collections

        runner = self.window.runner
        runner.start(runner.in_thread(list_collections), on_done=self.picker.show_menu,
                     on_error=lambda exc: self.message.emit(
                         self.tr("The knowledge bases could not be read: %1").replace("%1", str(exc)), 10_000))

    def _ask_folder(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # (its classes load with the first dialog)

        folder = QFileDialog.getExistingDirectory(self.window, self.tr("New knowledge base from a folder"))
        if folder:
            self.create_from(Path(folder))

    def create_from(self, folder: Path) -> None:
        """Make a knowledge base of *folder*, named after it, index it, then attach it here."""
        if self._panel is not None and self._panel.running:
            self.message.emit(self.tr("Wait until “%1” is indexed, or cancel it.").replace("%1", self._panel.name), 8000)
            return
        from desktop_chat.chat.knowledge import list_collections

        runner = self.window.runner
        runner.start(runner.in_thread(list_collections),
                     on_done=lambda existing: self._create(folder, {name for name, _, _ in existing}))

    def _create(self, folder: Path, taken: set[str]) -> None:
        from desktop_chat.chat.knowledge import kb_command

        name, number = folder.name or str(folder), 2
        base = name
        while name in taken:
            name, number = f"{base} {number}", number + 1
        self.panel.start(name, kb_command("create", name, str(folder), "--progress", "json"))

    def update(self, name: str) -> None:
        if self._panel is not None and self._panel.running:
            self.message.emit(self.tr("Wait until “%1” is indexed, or cancel it.").replace("%1", self._panel.name), 8000)
            return
        from desktop_chat.chat.knowledge import kb_command

        self.panel.start(name, kb_command("update", name, "--progress", "json"))

    def _indexed(self, name: str, report: dict[str, Any]) -> None:
        if not report:
            self.message.emit(self.tr("Indexing “%1” stopped. What was done is kept; “Update” in the knowledge "
                                      "base menu continues.").replace("%1", name), 10_000)
            return
        failed = int(report.get("failed", 0))
        files = int(report.get("added", 0)) + int(report.get("updated", 0)) + int(report.get("unchanged", 0)) \
            + int(report.get("resumed", 0))
        text = self.tr("“%1” is ready: %2 files, %3 new pages.").replace("%1", name) \
            .replace("%2", f"{files:,}").replace("%3", f"{int(report.get('pages', 0)):,}")
        if failed:
            skipped = "; ".join(Path(path).name for path, _ in report.get("failures", [])[:3])
            text += " " + self.tr("%1 skipped (%2).").replace("%1", str(failed)).replace("%2", skipped)
        self.message.emit(text, 15_000)
        if files:
            self.choose(name)
