"""Server sessions against real MCP servers: the SDK test server over stdio and Streamable HTTP,
the npm reference servers, and servers that do not start (missing, crashing, hanging)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_chat.chat.tool_rounds import mcp_path
from desktop_chat.tools import servers, shell_path
from desktop_chat.tools.servers import ServerConfig
from desktop_chat.tools.sessions import ToolBox
from tests.tools.helpers import TEST_SERVER, configure, stdio_server

REPO = Path(__file__).resolve().parents[2]


def _box(*configs: ServerConfig, **kw) -> ToolBox:
    configure(*configs)
    return ToolBox(mcp_path(), **kw)


async def test_stdio_server_starts_once_and_answers_calls():
    box = _box(stdio_server())
    try:
        tools, failures = await box.tools()
        assert failures == []
        assert {t.model_name for t in tools} >= {"calc__add", "calc__echo", "calc__slow"}
        add = box.find("calc__add")
        assert add.input_schema["properties"].keys() == {"a", "b"}
        first = await box.call(add, {"a": 2, "b": 3})
        assert (first.text, first.is_error) == ("5", False)
        await box.tools()  # a second turn: the same process answers (started once per session)
        counted = await box.call(box.find("calc__count_calls"), {})
        assert counted.text == "2"
    finally:
        await box.aclose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _wait_listening(port: int, process: subprocess.Popen) -> None:
    for _ in range(400):
        assert process.poll() is None, "the HTTP test server exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return
        except OSError:
            await asyncio.sleep(0.025)
    raise AssertionError("the HTTP test server did not listen")


@pytest.mark.parametrize("transport,path", [("http", "/mcp"), ("sse", "/sse")])
async def test_http_servers_streamable_and_sse(transport, path):
    port = _free_port()
    process = subprocess.Popen([sys.executable, TEST_SERVER, transport, str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        await _wait_listening(port, process)
        box = _box(ServerConfig("web", transport=transport, url=f"http://127.0.0.1:{port}{path}"))
        try:
            tools, failures = await box.tools()
            assert failures == [] and "web__echo" in {t.model_name for t in tools}
            result = await box.call(box.find("web__echo"), {"text": "über HTTP"})
            assert (result.text, result.is_error) == ("über HTTP", False)
        finally:
            await box.aclose()
    finally:
        process.terminate()
        process.wait(10)


async def test_an_unreachable_http_server_is_explained():
    box = _box(ServerConfig("web", transport="http", url=f"http://127.0.0.1:{_free_port()}/mcp"), start_timeout=10)
    try:
        _, failures = await box.tools()
    finally:
        await box.aclose()
    assert "MCP server “web” at http://127.0.0.1:" in str(failures[0]) and "could not be reached" in str(failures[0])


async def test_a_missing_command_names_it_and_where_the_app_looked():
    box = _box(ServerConfig("gone", command="no-such-mcp-command-xyz"))
    _, failures = await box.tools()
    message = str(failures[0])
    assert "the command “no-such-mcp-command-xyz” was not found" in message
    assert "Looked in: " in message and "/usr/bin" in message


async def test_a_server_crashing_at_start_shows_its_last_stderr_lines():
    box = _box(stdio_server("db", mode="crash"))
    _, failures = await box.tools()
    message = str(failures[0])
    assert "MCP server “db” stopped while starting. Its last words:" in message
    assert "Error: cannot open database /nonexistent/db.sqlite\nfatal: giving up" in message


async def test_a_hanging_server_times_out_in_words():
    box = _box(stdio_server("stuck", mode="hang"), start_timeout=1.0)
    began = time.monotonic()
    _, failures = await box.tools()
    assert "MCP server “stuck” did not answer within 1 s of starting, so it was stopped." in str(failures[0])
    assert time.monotonic() - began < 8


async def test_a_command_found_only_through_the_login_shell_path(tmp_path, monkeypatch):
    """A desktop launch's bare PATH: the command is in a folder only the login shell adds."""
    folder = tmp_path / "bin"
    folder.mkdir()
    tool = folder / "my-mcp-server"
    tool.write_text(f"#!/bin/sh\nexec {sys.executable} {TEST_SERVER} stdio\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr(shell_path, "_cached", [str(folder)])  # what `$SHELL -ilc` printed
    box = _box(ServerConfig("mine", command="my-mcp-server"))
    try:
        tools, failures = await box.tools()
    finally:
        await box.aclose()
    assert failures == [] and "mine__add" in {t.model_name for t in tools}


def test_login_shell_path_reads_the_shells_path(tmp_path, monkeypatch):
    shell = tmp_path / "fakeshell"
    shell.write_text('#!/bin/sh\necho "welcome banner"\nPATH=/opt/from-profile/bin:/usr/bin\neval "$2"\n')
    shell.chmod(0o755)
    monkeypatch.setenv("SHELL", str(shell))
    assert shell_path.login_shell_path() == ["/opt/from-profile/bin", "/usr/bin"]


# -- the npm reference servers (scripts/install_mcp_servers.sh) ----------------------------------------

def _reference_server(package: str) -> Path:
    folder = Path(os.environ.get("MCP_TEST_SERVERS") or REPO / ".test-cache/mcp-servers")
    entry = folder / "node_modules" / package / "dist" / "index.js"
    if not entry.is_file() or shutil.which("node") is None:
        message = f"{package} is not installed: run scripts/install_mcp_servers.sh (needs node and npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return entry


async def test_reference_filesystem_server(tmp_path):
    entry = _reference_server("@modelcontextprotocol/server-filesystem")
    (tmp_path / "note.txt").write_text("hello from a file 你好", encoding="utf-8")
    box = _box(ServerConfig("fs", command="node", args=(str(entry), str(tmp_path))))
    try:
        tools, failures = await box.tools()
        assert failures == []
        names = {t.name for t in tools}
        assert {"read_text_file", "list_directory"} <= names or {"read_file", "list_directory"} <= names
        read = box.find("fs__read_text_file") or box.find("fs__read_file")
        result = await box.call(read, {"path": str(tmp_path / "note.txt")})
        assert not result.is_error and "hello from a file 你好" in result.text
        outside = await box.call(read, {"path": "/etc/passwd"})
        assert outside.is_error  # the server's own sandbox, reported as a tool error
    finally:
        await box.aclose()


async def test_reference_memory_and_everything_servers(tmp_path):
    memory = _reference_server("@modelcontextprotocol/server-memory")
    everything = _reference_server("@modelcontextprotocol/server-everything")
    box = _box(ServerConfig("memory", command="node", args=(str(memory),),
                            env={"MEMORY_FILE_PATH": str(tmp_path / "memory.jsonl")}),
               ServerConfig("everything", command="node", args=(str(everything), "stdio")))
    try:
        tools, failures = await box.tools()
        assert failures == [], [str(f) for f in failures]
        created = await box.call(box.find("memory__create_entities"), {"entities": [
            {"name": "Ada", "entityType": "person", "observations": ["wrote the first program"]}]})
        assert not created.is_error and "Ada" in created.text
        echoed = await box.call(box.find("everything__echo"), {"message": "ping"})
        assert not echoed.is_error and "ping" in echoed.text
    finally:
        await box.aclose()


def test_mcp_json_round_trips_with_decisions():
    listed = servers.ServerList([stdio_server(always_allow=("add",)),
                                 ServerConfig("r", transport="sse", url="http://127.0.0.1:1/sse")])
    servers.save(listed, mcp_path())
    again = servers.load(mcp_path())
    assert again.servers == listed.servers
    assert servers.parse('{"mcpServers": {"s": {"url": "http://x/sse"}}}').servers[0].transport == "sse"


async def test_a_server_that_went_away_is_started_again_on_the_next_call():
    box = _box(stdio_server())
    try:
        await box.tools()
        session = box.sessions["calc"]
        await session.aclose()  # as if the process had died
        again = await box.call(box.find("calc__add"), {"a": 1, "b": 1})
        assert (again.text, again.is_error) == ("2", False)
    finally:
        await box.aclose()
