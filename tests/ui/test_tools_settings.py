"""Settings › Tools: the MCP servers of mcp.json edited in the dialog (issue 21), saved at Save,
secret environment values into the keyring; screenshots light and dark under test-artifacts/."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from desktop_chat import secrets
from desktop_chat.chat.tool_rounds import mcp_path, secret_account
from desktop_chat.config import load_settings
from desktop_chat.tools import servers
from desktop_chat.ui.settings.tools_settings import ToolsPage
from tests.tools.helpers import configure as configure_servers
from tests.tools.helpers import stdio_server
from tests.ui.test_screenshot_xvfb import save
from tests.ui.test_settings_dialog import open_dialog  # noqa: F401 - the fixture


def _page(dialog) -> ToolsPage:  # noqa: ANN001
    page = dialog.findChild(ToolsPage, "toolsPage")
    assert page is not None
    return page


def test_tools_page_edits_imports_revokes_and_saves(open_dialog, qtbot, tmp_path):  # noqa: F811
    configure_servers(stdio_server(always_allow=("add", "echo")))
    dialog = open_dialog()
    page = _page(dialog)
    qtbot.waitUntil(lambda: page.server_list.count() == 1)
    dialog.pages.setCurrentIndex(4)
    assert page.name_edit.text() == "calc" and page.allowed_list.count() == 2

    # the tools of the server, as it starts
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.tool_list.count() >= 5, timeout=30_000)
    assert page.check_status.text().startswith("Starts;")
    assert any(page.tool_list.item(i).text() == "add — Add two whole numbers." for i in range(page.tool_list.count()))

    # revoke one always-allowed tool
    page.allowed_list.setCurrentRow(0)
    qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    assert [page.allowed_list.item(i).text() for i in range(page.allowed_list.count())] == ["echo"]

    # import a Claude Desktop file, then give the imported server a secret variable
    other = tmp_path / "claude_desktop_config.json"
    other.write_text(json.dumps({"mcpServers": {"notes": {"command": "npx", "args": ["-y", "notes-mcp", "~/My Notes"],
                                                          "env": {"LEVEL": "2"}}}}), encoding="utf-8")
    assert "Imported: notes" in page.import_file(other)
    assert page.server_list.currentItem().text() == "notes"
    assert page.args_edit.text() == "-y notes-mcp '~/My Notes'"
    qtbot.mouseClick(page.env_add, Qt.MouseButton.LeftButton)  # as a user: a row, its name, value, Secret
    row = page.env_table.rowCount() - 1
    page.env_table.item(row, 0).setText("API_TOKEN")
    page.env_table.item(row, 1).setText("tok en-123")
    page.env_table.item(row, 2).setCheckState(Qt.CheckState.Checked)
    assert page.env_table.item(row, 1).text() == "••••••••"  # masked once marked secret
    save(dialog, "tools-settings-light.png")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    saved = servers.load(mcp_path())
    assert [s.name for s in saved.servers] == ["calc", "notes"]
    assert saved.get("calc").always_allow == ("echo",)
    notes = saved.get("notes")
    assert notes.env == {"LEVEL": "2"} and notes.secret_env == ("API_TOKEN",)
    assert notes.args == ("-y", "notes-mcp", "~/My Notes")
    assert "tok en-123" not in mcp_path().read_text()  # never in the file…
    assert secrets.get_secret(secret_account("notes", "API_TOKEN")) == "tok en-123"  # …but in the keyring
    assert load_settings().tool_round_limit == 10


def test_tools_page_dark_and_the_round_limit(open_dialog, qtbot, qapp):  # noqa: F811
    from desktop_chat.ui.common.theme import apply_theme

    configure_servers(stdio_server(), stdio_server("broken", mode="crash", enabled=False))
    apply_theme(qapp, "dark")
    try:
        dialog = open_dialog()
        page = _page(dialog)
        qtbot.waitUntil(lambda: page.server_list.count() == 2)
        dialog.pages.setCurrentIndex(4)
        assert page.server_list.item(1).text() == "broken (off)"
        page.server_list.setCurrentRow(1)
        qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Its last words" in page.check_status.text(), timeout=30_000)
        page.round_spin.setValue(4)
        qtbot.wait(50)
        save(dialog, "tools-settings-dark.png")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    finally:
        apply_theme(qapp, "light")
    assert load_settings().tool_round_limit == 4
