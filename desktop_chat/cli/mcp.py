"""``desktop-chat mcp import FILE | list | remove NAME``, and the tool approval of ``ask``.

The servers live in mcp.json in the config folder (chat/tool_rounds.py mcp_path): the window's
Settings › Tools edits the same file. ``import`` takes the ``mcpServers`` JSON other clients
write (Claude Desktop, Cursor…) as it is. ``list`` starts each enabled server and prints its
tools, or in words why it did not start.

``ask`` runs tools only as the user says: ``--allow-tool SERVER/TOOL`` (repeatable; SERVER/*
for all of a server's tools), ``--allow-all-tools``, tools the user always allows (Settings or
an earlier "always" answer), or a question on the terminal; with no terminal a call is denied,
and the model is told so.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

from desktop_chat.chat import tool_rounds
from desktop_chat.chat.events import ToolCallFinished, ToolCallStarted, ToolNotice
from desktop_chat.tools import servers
from desktop_chat.tools.approval import AllowAll, AllowListed, ApprovalPolicy, Decision, DenyAll, ToolRequest
from desktop_chat.tools.results import arguments_text

LIST_START_TIMEOUT = 30.0
RESULT_PREVIEW = 300  # characters of a result shown on stderr by ask


def add_parsers(commands: Any) -> None:
    """Register ``mcp`` (with the other sub-commands)."""
    mcp = commands.add_parser("mcp", help="MCP tool servers: import a mcpServers JSON file, list, remove")
    mcp.add_argument("action", choices=["import", "list", "remove"])
    mcp.add_argument("target", nargs="?", help="import: the JSON file; remove: the server's name")


def add_ask_flags(ask: argparse.ArgumentParser) -> None:
    ask.add_argument("--allow-tool", action="append", default=[], metavar="SERVER/TOOL",
                     help="let the model run this MCP tool without asking (repeatable; SERVER/* for all of a "
                          "server's tools)")
    ask.add_argument("--allow-all-tools", action="store_true",
                     help="let the model run every MCP tool without asking")


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    path = tool_rounds.mcp_path()
    if args.action == "import":
        return _import(args.target, path, stdout, stderr)
    if args.action == "remove":
        return _remove(args.target, path, stdout, stderr)
    return asyncio.run(_list(path, stdout, stderr))


def _import(target: str | None, path: Path, stdout: TextIO, stderr: TextIO) -> int:
    if not target:
        print("desktop-chat mcp import: give the JSON file (the mcpServers format)", file=stderr)
        return 2
    source = Path(target).expanduser()
    try:
        raw = source.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot read {source}: {exc.strerror or exc}", file=stderr)
        return 1
    try:
        imported = servers.parse(raw, source=str(source))
    except ValueError as exc:
        print(f"error: {exc}", file=stderr)
        return 1
    configured = servers.load(path)
    names = servers.merge(configured, imported)
    servers.save(configured, path)
    for problem in imported.problems:
        print(f"warning: {problem}", file=stderr)
    print(f"Imported {len(names)} server{'s' if len(names) != 1 else ''}: {', '.join(names) or '(none)'} "
          f"(into {path}).", file=stdout)
    return 0 if names else 1


def _remove(name: str | None, path: Path, stdout: TextIO, stderr: TextIO) -> int:
    if not name:
        print("desktop-chat mcp remove: give the server's name (see `desktop-chat mcp list`)", file=stderr)
        return 2
    configured = servers.load(path)
    removed = configured.get(name)
    if removed is None or not configured.remove(name):
        known = ", ".join(s.name for s in configured.servers) or "none"
        print(f"error: there is no MCP server called “{name}”. Known: {known}.", file=stderr)
        return 1
    servers.save(configured, path)
    _forget_secrets(removed)
    print(f"Removed MCP server “{name}”.", file=stdout)
    return 0


def _forget_secrets(server: servers.ServerConfig) -> None:
    from desktop_chat import secrets
    from desktop_chat.domain.errors import ChatError

    for name in server.secret_env:
        try:
            secrets.delete_secret(tool_rounds.secret_account(server.name, name))
        except ChatError:
            pass  # no keyring: nothing was stored there


async def _list(path: Path, stdout: TextIO, stderr: TextIO) -> int:
    configured = servers.load(path)
    for problem in configured.problems:
        print(f"warning: {problem}", file=stderr)
    if not configured.servers:
        print(f"No MCP servers configured ({path}). Add some with `desktop-chat mcp import FILE`.", file=stdout)
        return 0
    box = tool_rounds.tool_box()
    box.start_timeout = LIST_START_TIMEOUT
    try:
        tools, failures = await box.tools()
    finally:
        await box.aclose()
    failed = {f.server: f for f in failures}
    for server in configured.servers:
        state = "disabled" if not server.enabled else ("does not start" if server.name in failed else "starts")
        print(f"{server.name}  [{server.transport}, {state}]  {server.target}", file=stdout)
        if server.name in failed:
            for line in str(failed[server.name]).splitlines():
                print(f"    {line}", file=stdout)
        for tool in (t for t in tools if t.server == server.name):
            always = "  (always allowed)" if tool.name in server.always_allow else ""
            summary = (tool.description or "").strip().splitlines()[0:1]
            print(f"  - {tool.name}{always}: {summary[0] if summary else ''}".rstrip(": "), file=stdout)
    return 1 if failures else 0


# -- ask -------------------------------------------------------------------------------------------

class TerminalAsker:
    """Asks on the terminal before a tool runs: [y]es once, [a]lways, [n]o (the default)."""

    def __init__(self, stdin: TextIO, stderr: TextIO) -> None:
        self.stdin = stdin
        self.stderr = stderr

    async def decide(self, request: ToolRequest) -> Decision:
        print(f"\nThe model wants to run {request.server}/{request.tool} with:", file=self.stderr)
        for line in arguments_text(request.arguments).splitlines():
            print(f"    {line}", file=self.stderr)
        self.stderr.write("Allow? [y]es once, [a]lways, [N]o: ")
        self.stderr.flush()
        answer = (await asyncio.to_thread(self.stdin.readline)).strip().lower()
        if answer in ("a", "always"):
            return Decision.ALWAYS
        return Decision.ALLOW_ONCE if answer in ("y", "yes") else Decision.DENY


class _NoTerminal(DenyAll):
    def __init__(self, stderr: TextIO) -> None:
        self.stderr = stderr

    async def decide(self, request: ToolRequest) -> Decision:
        print(f"Denied {request.server}/{request.tool}: there is no terminal to ask on (allow it with "
              f"--allow-tool {request.server}/{request.tool} or --allow-all-tools).", file=self.stderr)
        return Decision.DENY


def approval_for_ask(args: argparse.Namespace, stdin: TextIO, stderr: TextIO, *, prompt_from_stdin: bool) -> ApprovalPolicy:
    """The policy of one ``ask``: its flags, else the terminal (when stdin is one and is not the
    prompt's source), else deny."""
    if getattr(args, "allow_all_tools", False):
        return AllowAll()
    interactive = not prompt_from_stdin and _isatty(stdin)
    fallback: ApprovalPolicy = TerminalAsker(stdin, stderr) if interactive else _NoTerminal(stderr)
    return AllowListed(getattr(args, "allow_tool", []) or [], fallback)


def show_tool_event(event: object, stderr: TextIO) -> None:
    """One line on stderr per tool call (stdout stays the answer alone)."""
    match event:
        case ToolCallStarted(server=server, tool=tool):
            print(f"[tool] {server}/{tool} …", file=stderr)
        case ToolCallFinished(server=server, tool=tool, result=result):
            took = f" in {result.duration_ms:.0f} ms" if result.duration_ms is not None else ""
            preview = " ".join(result.content.split())
            preview = preview if len(preview) <= RESULT_PREVIEW else preview[:RESULT_PREVIEW] + "…"
            state = "error" if result.is_error else "done"
            print(f"[tool] {server}/{tool} {state}{took}: {preview}", file=stderr)
        case ToolNotice(text=text):
            print(text.english(), file=stderr)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty() and (stream is not sys.stdin or sys.stdin.isatty())
    except (AttributeError, ValueError):
        return False
