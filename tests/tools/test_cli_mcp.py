"""`desktop-chat mcp import | list | remove` and the tool flags of `ask`, as a user runs them."""

from __future__ import annotations

import io
import json

from desktop_chat import config
from desktop_chat.chat.tool_rounds import mcp_path
from desktop_chat.cli import run
from desktop_chat.tools import servers
from tests.fakes.loopback import FakeToolCall, Scenario
from tests.tools.helpers import TEST_SERVER, configure, stdio_server
from tests.wiring import fake_for, settings_for


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def cli(*argv: str, stdin: io.StringIO | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdin=stdin if stdin is not None else io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def claude_desktop_file(tmp_path, **extra):
    import sys

    data = {"mcpServers": {
        "calc": {"command": sys.executable, "args": [TEST_SERVER, "stdio"], "env": {"LEVEL": "1"}},
        "remote": {"url": "http://127.0.0.1:9/mcp", "type": "http"},
        "gone": {"command": "no-such-mcp-command-xyz", "disabled": True},
        **extra}}
    path = tmp_path / "claude_desktop_config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_import_takes_the_claude_desktop_file_as_it_is_and_remove_takes_one_out(tmp_path):
    code, out, err = cli("mcp", "import", str(claude_desktop_file(tmp_path)))
    assert code == 0, err
    assert "Imported 3 servers: calc, remote, gone" in out
    saved = servers.load(mcp_path())
    assert [(s.name, s.transport, s.enabled) for s in saved.servers] == [
        ("calc", "stdio", True), ("remote", "http", True), ("gone", "stdio", False)]
    assert saved.get("calc").env == {"LEVEL": "1"}
    # the file is still the mcpServers shape other clients read
    assert set(json.loads(mcp_path().read_text())["mcpServers"]) == {"calc", "remote", "gone"}

    assert cli("mcp", "remove", "remote")[0] == 0
    assert [s.name for s in servers.load(mcp_path()).servers] == ["calc", "gone"]
    code, _, err = cli("mcp", "remove", "remote")
    assert code == 1 and "no MCP server called “remote”. Known: calc, gone." in err


def test_import_refuses_a_file_without_servers(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"other": 1}', encoding="utf-8")
    code, _, err = cli("mcp", "import", str(bad))
    assert code == 1 and "has no “mcpServers” object of servers" in err
    bad.write_text('{not json', encoding="utf-8")
    code, _, err = cli("mcp", "import", str(bad))
    assert code == 1 and "is not valid JSON" in err


def test_list_starts_each_server_and_names_its_tools_or_why_not(tmp_path):
    configure(stdio_server(), stdio_server("broken", mode="crash"),
              servers.ServerConfig("missing", command="no-such-mcp-command-xyz"))
    code, out, _ = cli("mcp", "list")
    assert code == 1  # one server does not start
    assert "calc  [stdio, starts]" in out and "  - add: Add two whole numbers." in out
    assert "broken  [stdio, does not start]" in out and "cannot open database" in out
    assert "the command “no-such-mcp-command-xyz” was not found. Looked in:" in out


def _ask_with_a_tool_call(*argv: str, stdin: io.StringIO | None = None):
    configure(stdio_server())
    with fake_for("anthropic") as fake:
        fake.enqueue(Scenario(chunks=["Adding."], tool_calls=[FakeToolCall("calc__add", {"a": 20, "b": 22},
                                                                           call_id="k1")]),
                     Scenario(chunks=[" 42."]))
        config.save_settings(settings_for("anthropic", fake))
        code, out, err = cli("ask", *argv, "add 20 and 22", stdin=stdin)
        second = fake.requests_to("/v1/messages")[1].json
    result = second["messages"][2]["content"][0]
    return code, out, err, (result["content"], result.get("is_error", False))


def test_ask_allow_tool_flag_runs_it():
    code, out, err, result = _ask_with_a_tool_call("--allow-tool", "calc/add")
    assert code == 0 and out == "Adding.\n\n 42.\n"
    assert result == ("42", False)
    assert "[tool] calc/add done in" in err


def test_ask_allow_all_tools_runs_them():
    assert _ask_with_a_tool_call("--allow-all-tools")[3] == ("42", False)


def test_ask_without_a_terminal_denies_and_says_how_to_allow():
    code, _, err, result = _ask_with_a_tool_call()
    assert code == 0
    assert result == ("The user denied this tool call.", True)
    assert "no terminal to ask on (allow it with --allow-tool calc/add or --allow-all-tools)" in err


def test_ask_on_a_terminal_asks_and_always_is_remembered():
    code, _, err, result = _ask_with_a_tool_call(stdin=Tty("a\n"))
    assert result == ("42", False)
    assert "The model wants to run calc/add with:" in err and '"a": 20' in err
    assert servers.load(mcp_path()).get("calc").always_allow == ("add",)


def test_ask_on_a_terminal_no_denies():
    assert _ask_with_a_tool_call(stdin=Tty("n\n"))[3] == ("The user denied this tool call.", True)
