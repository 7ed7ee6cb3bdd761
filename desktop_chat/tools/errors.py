"""Why an MCP server did not start or answer, in words a user can act on.

Never "connection closed": the command that was not found and where the app looked, or the last
lines the server wrote to stderr before it exited, or how long the app waited.
"""

from __future__ import annotations

from desktop_chat.domain.errors import ChatError
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

STDERR_LINES = 8  # the last lines of a crashed server's stderr worth showing


class ToolServerError(ChatError):
    """A server could not be started, or stopped answering."""

    def __init__(self, message: Text, *, server: str) -> None:
        super().__init__(message)
        self.server = server


def command_not_found(server: str, command: str, folders: list[str]) -> ToolServerError:
    return ToolServerError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "MCP server “{server}” did not start: the command “{command}” was not found. Looked in: "
                  "{folders}. Install it, or give its full path in Settings › Tools."),
        server=server, command=command, folders=", ".join(folders) or "(no folders)"), server=server)


def exited(server: str, stderr_tail: str) -> ToolServerError:
    if stderr_tail:
        return ToolServerError(Text.of(QT_TRANSLATE_NOOP(
            "engine", "MCP server “{server}” stopped while starting. Its last words:\n{stderr}"),
            server=server, stderr=stderr_tail), server=server)
    return ToolServerError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "MCP server “{server}” stopped while starting and wrote nothing to stderr."),
        server=server), server=server)


def start_timed_out(server: str, seconds: float, stderr_tail: str) -> ToolServerError:
    text = Text.of(QT_TRANSLATE_NOOP(
        "engine", "MCP server “{server}” did not answer within {seconds:.0f} s of starting, so it was stopped."),
        server=server, seconds=seconds)
    if stderr_tail:
        text = Text.of(QT_TRANSLATE_NOOP("engine", "{reason} Its last words:\n{stderr}"), reason=text, stderr=stderr_tail)
    return ToolServerError(text, server=server)


def cannot_reach(server: str, url: str, detail: str) -> ToolServerError:
    return ToolServerError(Text.of(QT_TRANSLATE_NOOP(
        "engine", "MCP server “{server}” at {url} could not be reached: {detail}"),
        server=server, url=url, detail=detail), server=server)


def failed(server: str, detail: str) -> ToolServerError:
    return ToolServerError(Text.of(QT_TRANSLATE_NOOP("engine", "MCP server “{server}” failed: {detail}"),
                                   server=server, detail=detail), server=server)


def call_timed_out(server: str, tool: str, seconds: float) -> Text:
    return Text.of(QT_TRANSLATE_NOOP("engine", "The tool {server}/{tool} gave no answer within {seconds:.0f} s."),
                   server=server, tool=tool, seconds=seconds)


def tail(text: str, lines: int = STDERR_LINES) -> str:
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
