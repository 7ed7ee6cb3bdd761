"""Shared set-up for the tool tests: the SDK test server as a configured MCP server, an engine
with tools, and approval policies that record what they were asked."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_chat.tools import servers
from desktop_chat.tools.approval import Decision, ToolRequest
from desktop_chat.tools.servers import ServerConfig, ServerList

TEST_SERVER = str(Path(__file__).with_name("mcp_test_server.py"))


def stdio_server(name: str = "calc", mode: str = "stdio", **kw) -> ServerConfig:
    return ServerConfig(name, command=sys.executable, args=(TEST_SERVER, mode), **kw)


def configure(*configs: ServerConfig) -> ServerList:
    """Write mcp.json (in the test's DESKTOP_CHAT_HOME) with *configs*."""
    from desktop_chat.chat.tool_rounds import mcp_path

    listed = ServerList(list(configs))
    servers.save(listed, mcp_path())
    return listed


class Asker:
    """An approval policy answering from a script, recording each question."""

    def __init__(self, *answers: Decision) -> None:
        self.answers = list(answers)
        self.asked: list[ToolRequest] = []

    async def decide(self, request: ToolRequest) -> Decision:
        self.asked.append(request)
        return self.answers.pop(0) if self.answers else Decision.DENY
