"""A small MCP server written with the official SDK, for the tests.

    python mcp_test_server.py stdio              serve over stdio
    python mcp_test_server.py http PORT          serve Streamable HTTP on 127.0.0.1:PORT/mcp
    python mcp_test_server.py sse PORT           serve the older SSE transport on 127.0.0.1:PORT/sse
    python mcp_test_server.py crash              write to stderr and exit 3 before speaking
    python mcp_test_server.py hang               start and never answer

Tools: add(a, b), echo(text), shout(text) (returns an error result), slow(seconds) (sleeps,
then answers: for Stop and timeouts), count_calls() (how many calls this process served).
"""

from __future__ import annotations

import asyncio
import sys
import time

from mcp.server.mcpserver import MCPServer

server = MCPServer("test-server")
_calls = 0


def _count() -> None:
    global _calls
    _calls += 1


@server.tool()
def add(a: int, b: int) -> str:
    """Add two whole numbers."""
    _count()
    return str(a + b)


@server.tool()
def echo(text: str) -> str:
    """Say the text back."""
    _count()
    return text


@server.tool()
def shout(text: str) -> str:
    """Fails on purpose: shouting is not allowed."""
    _count()
    raise ValueError(f"no shouting: {text}")


@server.tool()
async def slow(seconds: float) -> str:
    """Wait, then answer."""
    _count()
    await asyncio.sleep(seconds)
    return f"waited {seconds}"


@server.tool()
def count_calls() -> str:
    """How many calls this server process has served."""
    _count()
    return str(_calls)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "crash":
        print("Error: cannot open database /nonexistent/db.sqlite", file=sys.stderr)
        print("fatal: giving up", file=sys.stderr)
        sys.exit(3)
    if mode == "hang":
        time.sleep(3600)
    if mode == "http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    elif mode == "sse":
        server.run("sse", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("stdio")


if __name__ == "__main__":
    main()
