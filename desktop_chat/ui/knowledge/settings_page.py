"""Settings › Knowledge bases (issue 23): the collections with their counts, where their vectors
live and their embedder; for one kept on a Chroma or Qdrant server its address, its key (into the
keyring under knowledge-server:NAME) and a Check connection that says in words whether the server
answered; Remove (asks first). Every SQLite, keyring and network call runs in a worker thread
(runner.in_thread): the engine's calls block."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.ui.common.labels import plain_label, set_tone

if TYPE_CHECKING:
    from desktop_chat.chat.knowledge import CollectionRow

__all__ = ["KnowledgeSettingsPage"]


class KnowledgeSettingsPage(QWidget):
    def __init__(self, runner: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("knowledgeSettingsPage")
        self.runner = runner  # the window's AsyncRunner: start(coro, name=…), in_thread(fn, …)
        self.rows: list[CollectionRow] = []
        self.loaded = False
        # Asks before Remove; a test gives its own answer instead of a modal box.
        self.confirm: Callable[[str], bool] = self._ask_remove
        self._build()
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.save_key_button.clicked.connect(self._save_key)
        self.check_button.clicked.connect(self._check)
        self.remove_button.clicked.connect(self._remove)
        self._retranslate()
        self.reload()

    def _build(self) -> None:
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setObjectName("knowledgeCollections")
        self.table.setColumnCount(4)
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long URL keeps its port in sight
        header = self.table.header()
        header.setStretchLastSection(False)
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        self.empty = plain_label("knowledgeEmpty")
        set_tone(self.empty, "muted")
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("knowledgeServerUrl")
        self.url_edit.setReadOnly(True)  # the engine keeps a collection's store as it was made
        self.url_note = plain_label("knowledgeServerUrlNote")
        self.url_note.setWordWrap(True)
        set_tone(self.url_note, "muted")
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("knowledgeServerKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_key_button = QPushButton()
        self.save_key_button.setObjectName("knowledgeSaveKeyButton")
        self.check_button = QPushButton()
        self.check_button.setObjectName("knowledgeCheckButton")
        self.check_status = plain_label("knowledgeCheckStatus")
        self.check_status.setWordWrap(True)
        self.check_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("knowledgeRemoveButton")
        self.status = plain_label("knowledgeStatus")
        self.status.setWordWrap(True)

        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.save_key_button)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.check_status, 1)
        self.labels = [QLabel() for _ in range(2)]
        self.server_box = QWidget()
        self.server_box.setObjectName("knowledgeServerBox")
        form = QFormLayout(self.server_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in zip(self.labels, (self.url_edit, self.key_edit)):
            label.setBuddy(field)
        form.addRow(self.labels[0], self.url_edit)
        form.addRow("", self.url_note)
        form.addRow(self.labels[1], key_row)
        form.addRow("", check_row)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        page = QVBoxLayout(self)
        page.addWidget(self.intro)
        page.addWidget(self.table, 1)
        page.addWidget(self.empty)
        page.addWidget(self.server_box)
        page.addLayout(remove_row)
        page.addWidget(self.status)

    # -- loading --

    def reload(self) -> None:
        self.runner.start(self._load(), name="knowledge-settings")

    async def _load(self) -> None:
        from desktop_chat.chat.knowledge import collection_rows

        try:
            rows = await self.runner.in_thread(collection_rows)
        except Exception as exc:  # noqa: BLE001 - a broken database is shown, not raised
            self._say(self.tr("Could not read the knowledge bases: {error}").format(error=exc), "error")
            rows = []
        self.rows = rows
        self.loaded = True
        self._fill()

    def _fill(self) -> None:
        chosen = self.selected()
        self.table.clear()
        for row in self.rows:
            item = QTreeWidgetItem([row.name, self._counts(row), self._where(row), row.embedder])
            item.setData(0, Qt.ItemDataRole.UserRole, row.name)
            item.setToolTip(2, item.text(2))
            item.setToolTip(3, row.embedder)
            self.table.addTopLevelItem(item)
            if chosen is not None and row.name == chosen.name:
                self.table.setCurrentItem(item)
        first = self.table.topLevelItem(0)
        if self.table.currentItem() is None and first is not None:
            self.table.setCurrentItem(first)
        self.empty.setVisible(self.loaded and not self.rows)
        self._show_selected()

    def selected(self) -> CollectionRow | None:
        item = self.table.currentItem()
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return next((row for row in self.rows if row.name == name), None)

    def _show_selected(self) -> None:
        row = self.selected()
        on_server = row is not None and row.store != "sqlite"
        self.server_box.setVisible(on_server)
        self.remove_button.setEnabled(row is not None)
        self.check_status.clear()
        self.key_edit.clear()
        if row is not None and on_server:
            self.url_edit.setText(row.url)
            self.url_edit.setCursorPosition(0)

    # -- what the user does --

    def _save_key(self) -> None:
        row = self.selected()
        if row is not None:
            self.runner.start(self._store_key(row.name, self.key_edit.text()), name="knowledge-key")

    async def _store_key(self, name: str, key: str) -> None:
        from desktop_chat.chat.knowledge import save_server_key

        try:
            await self.runner.in_thread(save_server_key, name, key)
        except Exception as exc:  # noqa: BLE001 - no keyring: said, not raised
            self._say(self.tr("The key was not saved: {error}").format(error=exc), "error")
            return
        self.key_edit.clear()
        self._say(self.tr("Key saved in the system keyring.") if key.strip()
                  else self.tr("Key removed from the system keyring."), "ok")

    def _check(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.check_button.setEnabled(False)
        self.check_status.setText(self.tr("Asking {url}…").format(url=row.url))
        set_tone(self.check_status, "muted")
        self.runner.start(self._ask(row), name="knowledge-check")

    async def _ask(self, row: CollectionRow) -> None:
        from desktop_chat.chat.knowledge import check_server

        try:
            problem = await self.runner.in_thread(check_server, row.name)
        except Exception as exc:  # noqa: BLE001 - e.g. the client library is missing
            problem = str(exc)
        self.check_button.setEnabled(True)
        if problem is None:
            self.check_status.setText(self.tr("The server at {url} answered.").format(url=row.url))
            set_tone(self.check_status, "ok")
        else:
            self.check_status.setText(problem)
            set_tone(self.check_status, "error")

    def _ask_remove(self, name: str) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Remove knowledge base"),
            self.tr("Remove “{name}”? Its index is deleted (on its server too); your files stay where "
                    "they are.").format(name=name))
        return answer == QMessageBox.StandardButton.Yes

    def _remove(self) -> None:
        row = self.selected()
        if row is not None and self.confirm(row.name):
            self.remove_button.setEnabled(False)
            self.runner.start(self._drop(row.name), name="knowledge-remove")

    async def _drop(self, name: str) -> None:
        from desktop_chat.chat.knowledge import remove_collection

        try:
            await self.runner.in_thread(remove_collection, name)
        except Exception as exc:  # noqa: BLE001 - e.g. its server is unreachable
            self._say(self.tr("“{name}” was not removed: {error}").format(name=name, error=exc), "error")
            self._show_selected()
            return
        self._say(self.tr("“{name}” removed.").format(name=name), "ok")
        await self._load()

    # -- words --

    def _say(self, text: str, tone: str) -> None:
        self.status.setText(text)
        set_tone(self.status, tone)

    def _counts(self, row: CollectionRow) -> str:
        return self.tr("{files} files · {pages} pages · {passages} passages").format(
            files=row.files, pages=row.pages, passages=row.passages)

    def _where(self, row: CollectionRow) -> str:
        if row.store == "chroma":
            return self.tr("Chroma at {url}").format(url=row.url)
        if row.store == "qdrant":
            return self.tr("Qdrant at {url}").format(url=row.url)
        return self.tr("This computer")

    def _retranslate(self) -> None:
        self.intro.setText(self.tr(
            "Your knowledge bases and where their vectors live. To make one, use the knowledge picker "
            "above the message box, or `desktop-chat kb create`."))
        self.table.setHeaderLabels([self.tr("Name"), self.tr("Contents"), self.tr("Vectors"), self.tr("Embedder")])
        self.table.setAccessibleName(self.tr("Knowledge bases"))
        self.empty.setText(self.tr("No knowledge bases yet."))
        self.labels[0].setText(self.tr("Server:"))
        self.labels[1].setText(self.tr("API key:"))
        self.url_edit.setAccessibleName(self.tr("Vector server address"))
        self.url_note.setText(self.tr(
            "A knowledge base stays on the server it was made with. To move it, make it again with "
            "`desktop-chat kb create --store-url`."))
        self.key_edit.setAccessibleName(self.tr("Vector server API key"))
        self.key_edit.setPlaceholderText(self.tr("Kept in the system keyring; empty removes it"))
        self.save_key_button.setText(self.tr("Save key"))
        self.save_key_button.setAccessibleName(self.tr("Save the server key"))
        self.check_button.setText(self.tr("Check connection"))
        self.check_button.setAccessibleName(self.tr("Check the connection to the vector server"))
        self.check_status.setAccessibleName(self.tr("Connection result"))
        self.remove_button.setText(self.tr("Remove…"))
        self.remove_button.setAccessibleName(self.tr("Remove the knowledge base"))
        self.status.setAccessibleName(self.tr("Status"))
        if self.rows:
            self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
