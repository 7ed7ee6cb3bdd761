"""Settings › Tools: the user's MCP servers (mcp.json), their tools, and what is always allowed.

Like the rest of the dialog, edits stay here until Save: ``load()`` reads mcp.json in a worker
thread when the dialog opens, ``write()`` (a worker thread, at Save) writes it back and moves
environment values marked secret into the keyring (account ``mcp:SERVER:NAME``), so that they
never reach the file. ``apply(settings)`` sets the round limit. "Check" starts one server as it
is drafted and lists its tools, or says in words why it does not start. `desktop-chat mcp`
edits the same file.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import replace
from pathlib import Path
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.chat import tool_rounds
from desktop_chat.config import Settings
from desktop_chat.tools import servers
from desktop_chat.tools.servers import ServerConfig, ServerList
from desktop_chat.ui.runtime.async_runner import AsyncRunner

log = logging.getLogger(__name__)

__all__ = ["ToolsPage"]
_KINDS = ("stdio", "http", "sse")
SECRET_MASK = "••••••••"  # a secret value as the table shows it (the value goes to the keyring)


class ToolsPage(QWidget):
    def __init__(self, settings: Settings, runner: AsyncRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolsPage")
        self._runner = runner
        self.path = tool_rounds.mcp_path()
        self.draft = ServerList()
        self.secret_values: dict[tuple[str, str], str] = {}  # typed this time, written to the keyring at Save
        self.removed_secrets: list[tuple[str, str]] = []
        self._current: int = -1
        self._loading = False

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.server_list = QListWidget(self)
        self.server_list.setObjectName("mcpServerList")
        self.server_list.currentRowChanged.connect(self._select)
        self.server_list.setMaximumWidth(190)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("mcpAddButton")
        self.add_button.clicked.connect(self.add_server)
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("mcpRemoveButton")
        self.remove_button.clicked.connect(self.remove_server)
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("mcpImportButton")
        self.import_button.clicked.connect(self._pick_import)
        list_buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            list_buttons.addWidget(button)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("mcpName")
        self.enabled_check = QCheckBox(self)
        self.enabled_check.setObjectName("mcpEnabled")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("mcpTransport")
        for kind in _KINDS:
            self.kind_combo.addItem(kind, kind)
        self.command_edit = QLineEdit(self)
        self.command_edit.setObjectName("mcpCommand")
        self.args_edit = QLineEdit(self)
        self.args_edit.setObjectName("mcpArguments")
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("mcpUrl")
        self.env_table = QTableWidget(0, 3, self)
        self.env_table.setObjectName("mcpEnvironment")
        header = self.env_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.env_table.verticalHeader().hide()
        self.env_table.setMaximumHeight(120)
        self.env_add = QPushButton(self)
        self.env_add.setObjectName("mcpEnvAdd")
        self.env_add.clicked.connect(lambda: self._add_env_row("", "", False))
        self.check_button = QPushButton(self)
        self.check_button.setObjectName("mcpCheckButton")
        self.check_button.clicked.connect(self._check)
        self.check_status = QLabel(self)
        self.check_status.setObjectName("mcpCheckStatus")
        self.check_status.setWordWrap(True)
        self.check_status.setTextFormat(Qt.TextFormat.PlainText)
        self.tool_list = QListWidget(self)
        self.tool_list.setObjectName("mcpToolList")
        self.tool_list.setMaximumHeight(110)
        self.allowed_list = QListWidget(self)
        self.allowed_list.setObjectName("mcpAlwaysAllowed")
        self.allowed_list.setMaximumHeight(80)
        self.allowed_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.revoke_button = QPushButton(self)
        self.revoke_button.setObjectName("mcpRevokeButton")
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.round_spin = QSpinBox(self)
        self.round_spin.setObjectName("toolRoundLimit")
        self.round_spin.setRange(1, 100)
        self.round_spin.setValue(settings.tool_round_limit)

        self.form = QFormLayout()
        # Labels made here: QFormLayout makes none for an empty text, and retranslate fills them.
        self.row_labels = [QLabel(self) for _ in range(10)]
        self.form.addRow(self.row_labels[0], self.name_edit)
        self.form.addRow(self.row_labels[1], self.enabled_check)
        self.form.addRow(self.row_labels[2], self.kind_combo)
        self.form.addRow(self.row_labels[3], self.command_edit)
        self.form.addRow(self.row_labels[4], self.args_edit)
        self.form.addRow(self.row_labels[5], self.url_edit)
        self.env_box = QVBoxLayout()
        self.env_box.addWidget(self.env_table)
        self.env_box.addWidget(self.env_add, 0, Qt.AlignmentFlag.AlignLeft)
        self.form.addRow(self.row_labels[6], self.env_box)
        check_row = QVBoxLayout()  # the reason a server does not start can take a few lines
        check_row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)
        check_row.addWidget(self.check_status)
        self.form.addRow(self.row_labels[7], check_row)
        self.form.addRow(self.row_labels[8], self.tool_list)
        allowed = QHBoxLayout()
        allowed.addWidget(self.allowed_list, 1)
        allowed.addWidget(self.revoke_button, 0, Qt.AlignmentFlag.AlignTop)
        self.form.addRow(self.row_labels[9], allowed)
        self.editor = QWidget(self)
        self.editor.setLayout(self.form)
        self.check_status.setMinimumHeight(self.check_status.fontMetrics().lineSpacing())

        left = QVBoxLayout()
        left.addWidget(self.server_list, 1)
        left.addLayout(list_buttons)
        left.addWidget(self.import_button)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        scroll = QScrollArea(self)  # a long reason or many variables scroll, never squeeze
        scroll.setObjectName("mcpEditorScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.editor)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # fit the width
        columns.addWidget(scroll, 2)
        limit = QFormLayout()
        self.limit_label = QLabel(self)
        limit.addRow(self.limit_label, self.round_spin)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(columns, 1)
        layout.addLayout(limit)
        for widget in (self.name_edit, self.command_edit, self.args_edit, self.url_edit):
            widget.editingFinished.connect(self._store_current)
        self.enabled_check.toggled.connect(lambda _on: self._store_current())
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.env_table.itemChanged.connect(lambda _item: self._store_current())
        self.retranslate()
        self._refresh_list()

    # -- loading and saving ---------------------------------------------------------------------

    async def load(self) -> None:
        """Read mcp.json (a worker thread); shown once read."""
        self.draft = await self._runner.in_thread(servers.load, self.path)
        self._refresh_list()

    def write(self) -> None:
        """Write mcp.json and the secret values (blocking: the dialog's worker thread, at Save)."""
        from desktop_chat import secrets

        for server, name in self.removed_secrets:
            secrets.delete_secret(tool_rounds.secret_account(server, name))
        for (server, name), value in self.secret_values.items():
            secrets.set_secret(tool_rounds.secret_account(server, name), value)
        servers.save(self.draft, self.path)
        self.secret_values.clear()
        self.removed_secrets.clear()

    def apply(self, settings: Settings) -> None:
        """At Save, on the GUI thread: the fields being edited into the draft, and the round limit."""
        self._store_current()
        settings.tool_round_limit = self.round_spin.value()

    # -- the list ---------------------------------------------------------------------------------

    def add_server(self) -> None:
        self._store_current()
        taken = {s.name for s in self.draft.servers}
        name = next(f"server-{i}" for i in range(1, 1000) if f"server-{i}" not in taken)
        self.draft.servers.append(ServerConfig(name, command="npx", args=("-y", "")))
        self._refresh_list(len(self.draft.servers) - 1)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_server(self) -> None:
        row = self.server_list.currentRow()
        if 0 <= row < len(self.draft.servers):
            removed = self.draft.servers.pop(row)
            self.removed_secrets += [(removed.name, n) for n in removed.secret_env]
            self._current = -1
            self._refresh_list(min(row, len(self.draft.servers) - 1))

    def import_file(self, path: Path) -> str:
        """Merge a ``mcpServers`` JSON file into the draft; what happened, in words."""
        self._store_current()
        try:
            imported = servers.parse(path.read_text(encoding="utf-8"), source=path.name)
        except (OSError, ValueError) as exc:
            return str(exc)
        names = servers.merge(self.draft, imported)
        self._refresh_list(len(self.draft.servers) - 1 if names else self._current)
        skipped = "".join(f"\n{p}" for p in imported.problems)
        return self.tr("Imported: {names}").format(names=", ".join(names) or "—") + skipped

    def revoke_selected(self) -> None:
        item = self.allowed_list.currentItem()
        server = self._server()
        if item is None or server is None:
            return
        self.draft.revoke(server.name, item.text())
        self._show(self.draft.get(server.name))

    def _pick_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import MCP servers"), str(Path.home()),
                                              self.tr("JSON files (*.json);;All files (*)"))
        if path:
            self.check_status.setText(self.import_file(Path(path)))

    def _refresh_list(self, select: int | None = None) -> None:
        self._loading = True
        self.server_list.clear()
        for server in self.draft.servers:
            item = QListWidgetItem(server.name if server.enabled else self.tr("{name} (off)").format(name=server.name))
            self.server_list.addItem(item)
        self._loading = False
        row = select if select is not None else (0 if self.draft.servers else -1)
        self._current = -1
        self.server_list.setCurrentRow(row)
        self._select(row)

    def _server(self) -> ServerConfig | None:
        return self.draft.servers[self._current] if 0 <= self._current < len(self.draft.servers) else None

    def _select(self, row: int) -> None:
        if self._loading:
            return
        if row != self._current:
            self._store_current()
        self._current = row
        self.editor.setEnabled(self._server() is not None)
        self.remove_button.setEnabled(self._server() is not None)
        self._show(self._server())

    # -- the editor -------------------------------------------------------------------------------

    def _show(self, server: ServerConfig | None) -> None:
        self._loading = True
        server = server or ServerConfig("")
        self.name_edit.setText(server.name)
        self.enabled_check.setChecked(server.enabled)
        self.kind_combo.setCurrentIndex(_KINDS.index(server.transport))
        self.command_edit.setText(server.command)
        self.args_edit.setText(shlex.join(server.args))
        self.url_edit.setText(server.url)
        self.env_table.setRowCount(0)
        for name, value in server.env.items():
            self._add_env_row(name, value, False)
        for name in server.secret_env:
            self._add_env_row(name, self.secret_values.get((server.name, name), ""), True)
        self.tool_list.clear()
        self.allowed_list.clear()
        self.allowed_list.addItems(list(server.always_allow))
        self.revoke_button.setEnabled(bool(server.always_allow))
        self.check_status.clear()
        self._loading = False
        self._show_fields()

    def _kind_changed(self, _index: int) -> None:
        self._store_current()
        self._show_fields()

    def _show_fields(self) -> None:
        stdio = self.kind_combo.currentData() == "stdio"
        for widget in (self.command_edit, self.args_edit, self.env_table, self.env_add):
            widget.setVisible(stdio)
        for field in (self.command_edit, self.args_edit, self.env_box):
            label = self.form.labelForField(field)
            if label is not None:
                label.setVisible(stdio)
        self.url_edit.setVisible(not stdio)
        label = self.form.labelForField(self.url_edit)
        if label is not None:
            label.setVisible(not stdio)

    def _add_env_row(self, name: str, value: str, secret: bool) -> None:
        was_loading, self._loading = self._loading, True
        row = self.env_table.rowCount()
        self.env_table.insertRow(row)
        self.env_table.setItem(row, 0, QTableWidgetItem(name))
        value_item = QTableWidgetItem(SECRET_MASK if secret and value else value)
        if secret and not value:
            value_item.setToolTip(self.tr("Kept in the system keyring; type a new value to replace it"))
        self.env_table.setItem(row, 1, value_item)
        mark = QTableWidgetItem()
        mark.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        mark.setCheckState(Qt.CheckState.Checked if secret else Qt.CheckState.Unchecked)
        self.env_table.setItem(row, 2, mark)
        self._loading = was_loading

    def _store_current(self) -> None:
        """The editor's fields into the draft (called on every edit)."""
        server = self._server()
        if server is None or self._loading:
            return
        name = self.name_edit.text().strip() or server.name
        env: dict[str, str] = {}
        secret: list[str] = []
        for row in range(self.env_table.rowCount()):
            key = (self.env_table.item(row, 0) or QTableWidgetItem()).text().strip()
            value = (self.env_table.item(row, 1) or QTableWidgetItem()).text()
            mark = self.env_table.item(row, 2)
            if not key:
                continue
            if mark is not None and mark.checkState() == Qt.CheckState.Checked:
                secret.append(key)
                if value and value != SECRET_MASK:  # typed now: kept for the keyring, shown masked
                    self.secret_values[(name, key)] = value
                    self._mask(row)
            else:
                env[key] = value
        try:
            args = tuple(shlex.split(self.args_edit.text()))
        except ValueError:  # an unfinished quote: keep the words as typed
            args = tuple(self.args_edit.text().split())
        updated = replace(server, name=name, enabled=self.enabled_check.isChecked(),
                          transport=self.kind_combo.currentData(), command=self.command_edit.text().strip(),
                          args=args, url=self.url_edit.text().strip(), env=env, secret_env=tuple(secret))
        self.draft.servers[self._current] = updated
        item = self.server_list.item(self._current)
        if item is not None:
            item.setText(updated.name if updated.enabled else self.tr("{name} (off)").format(name=updated.name))

    def _mask(self, row: int) -> None:
        was_loading, self._loading = self._loading, True
        item = self.env_table.item(row, 1)
        if item is not None:
            item.setText(SECRET_MASK)
        self._loading = was_loading

    def _check(self) -> None:
        self._store_current()
        server = self._server()
        if server is None:
            return
        self.check_status.setText(self.tr("Starting {name}…").format(name=server.name))
        self.tool_list.clear()
        self._runner.start(self._check_server(server), on_error=lambda exc: log.warning("check failed: %r", exc))

    async def _check_server(self, server: ServerConfig) -> None:
        """Start *server* as drafted (a scratch copy of the file), list its tools, stop it."""
        from desktop_chat.tools.sessions import ToolBox

        scratch = self.path.with_name(".mcp-check.json")
        await self._runner.in_thread(servers.save, ServerList([replace(server, enabled=True)]), scratch)
        box = ToolBox(scratch, secret_lookup=self._secret_for_check)
        try:
            tools, failures = await box.tools()
        finally:
            await box.aclose()
            await self._runner.in_thread(scratch.unlink, True)
        if self._server() is None or self._server() != server:
            return  # the user moved on to another server
        if failures:
            self.check_status.setText(str(failures[0]))
            return
        self.check_status.setText(self.tr("Starts; {count} tools.").format(count=len(tools)))
        for tool in tools:
            summary = (tool.description or "").strip().splitlines()
            item = QListWidgetItem(f"{tool.name} — {summary[0]}" if summary else tool.name)
            item.setToolTip(tool.description)
            self.tool_list.addItem(item)

    def _secret_for_check(self, server: str, name: str) -> str | None:
        typed = self.secret_values.get((server, name))
        return typed if typed is not None else tool_rounds.secret_value(server, name)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.intro.setText(self.tr(
            "MCP servers give the model tools: files, databases, search, your own scripts. You are asked "
            "before a tool runs unless you always allow it. Import the mcpServers JSON file of Claude "
            "Desktop, Cursor or another client as it is."))
        self.add_button.setText(self.tr("Add"))
        self.remove_button.setText(self.tr("Remove"))
        self.import_button.setText(self.tr("Import JSON…"))
        self.server_list.setAccessibleName(self.tr("MCP servers"))
        self.env_add.setText(self.tr("Add variable"))
        self.check_button.setText(self.tr("Check"))
        self.check_button.setToolTip(self.tr("Start the server and list its tools"))
        self.revoke_button.setText(self.tr("Revoke"))
        self.round_spin.setAccessibleName(self.tr("Tool rounds per answer"))
        self.limit_label.setText(self.tr("Tool rounds per answer (at most):"))
        self.env_table.setHorizontalHeaderLabels([self.tr("Variable"), self.tr("Value"), self.tr("Secret")])
        labels = (self.tr("Name:"), "", self.tr("Type:"), self.tr("Command:"), self.tr("Arguments:"),
                  self.tr("URL:"), self.tr("Environment:"), "", self.tr("Tools:"), self.tr("Always allowed:"))
        for label, text in zip(self.row_labels, labels):
            label.setText(text)
        self.enabled_check.setText(self.tr("Enabled"))
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.command_edit.setAccessibleName(self.tr("Command"))
        self.args_edit.setAccessibleName(self.tr("Arguments"))
        self.url_edit.setAccessibleName(self.tr("URL"))
        self.tool_list.setAccessibleName(self.tr("Tools"))
        self.allowed_list.setAccessibleName(self.tr("Always allowed"))
        self.add_button.setAccessibleName(self.tr("Add an MCP server"))
        self.remove_button.setAccessibleName(self.tr("Remove the MCP server"))
        self.import_button.setAccessibleName(self.tr("Import MCP servers"))
        self.env_add.setAccessibleName(self.tr("Add an environment variable"))
        self.check_button.setAccessibleName(self.tr("Start the server and list its tools"))
        self.revoke_button.setAccessibleName(self.tr("Ask again before this tool runs"))
        self.enabled_check.setAccessibleName(self.tr("Enabled"))
        self.kind_combo.setAccessibleName(self.tr("Transport"))
        self.env_table.setAccessibleName(self.tr("Environment"))
