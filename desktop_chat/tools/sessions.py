"""MCP server sessions: started when first needed, kept running, stopped with the app.

One ServerSession per configured server. Its transport and ClientSession live in a task of their
own (anyio wants a context entered and left in the same task); calls from turns go through the
session object. A server that does not start is explained (errors.py): the command that was not
found and where the app looked, the last lines of its stderr, or a timeout.

ToolBox is what the engine holds: it reads mcp.json again on every use (the window and the
command line edit it), starts the enabled servers it needs, restarts one whose configuration
changed, and maps the names the model calls back to server and tool.

The ``mcp`` SDK is imported here only, inside functions: importing this module costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from desktop_chat.domain.tool_specs import ToolSpec
from desktop_chat.tools import errors, naming, results, servers, shell_path
from desktop_chat.tools.servers import ServerConfig, ServerList

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0  # seconds for a server to start and list its tools (npx may download first)
CALL_TIMEOUT = 300.0  # seconds for one tool call
SecretLookup = Callable[[str, str], "str | None"]  # (server, variable) -> value from the keyring


@dataclass(frozen=True)
class ToolInfo:
    """One tool of one server, as the server listed it."""

    server: str
    name: str
    description: str = ""
    input_schema: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})

    @property
    def model_name(self) -> str:
        return naming.model_name(self.server, self.name)

    def spec(self) -> ToolSpec:
        return ToolSpec(self.model_name, self.description, self.input_schema)


@dataclass(frozen=True)
class CallOutcome:
    text: str
    is_error: bool
    duration_ms: float


class ServerSession:
    def __init__(self, config: ServerConfig, *, secret_lookup: SecretLookup | None = None,
                 start_timeout: float = START_TIMEOUT, call_timeout: float = CALL_TIMEOUT) -> None:
        self.config = config
        self.secret_lookup = secret_lookup
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self.tools: list[ToolInfo] = []
        self._session: Any = None
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Future[list[ToolInfo]] | None = None
        self._stop = asyncio.Event()
        self._stderr: IO[str] | None = None
        self.started_in_ms: float | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and self._session is not None

    async def start(self) -> list[ToolInfo]:
        """Start the server (once; concurrent callers share the start) and return its tools."""
        ended = self._ready is not None and self._ready.done() and (self._task is None or self._task.done())
        if self._ready is None or ended:  # first use, or the server went away since: (re)start it
            self._stop = asyncio.Event()
            self._ready = asyncio.get_running_loop().create_future()
            # A start that failed after its caller gave up (timed out, stopped) is not an error to log.
            self._ready.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"mcp-{self.config.name}")
        began = time.monotonic()
        try:
            tools = await asyncio.wait_for(asyncio.shield(self._ready), self.start_timeout)
        except asyncio.TimeoutError:
            await self.aclose()
            raise errors.start_timed_out(self.config.name, self.start_timeout, self._stderr_tail()) from None
        if self.started_in_ms is None:
            self.started_in_ms = (time.monotonic() - began) * 1000
        return tools

    async def call(self, tool: str, arguments: dict[str, Any]) -> CallOutcome:
        """Run *tool*; a failure of the tool itself comes back as an error outcome, not an exception.
        Cancelling the awaiting task cancels the call (the SDK tells the server)."""
        began = time.monotonic()
        if not self.running:
            await self.start()
        try:
            result = await asyncio.wait_for(self._session.call_tool(tool, arguments), self.call_timeout)
        except asyncio.TimeoutError:
            return CallOutcome(str(errors.call_timed_out(self.config.name, tool, self.call_timeout)), True,
                               _since(began))
        except Exception as exc:  # a protocol error (unknown tool, bad arguments) or a dead server
            if not self.running:
                text = str(errors.failed(self.config.name, self._stderr_tail() or type(exc).__name__))
            else:
                text = str(getattr(exc, "message", None) or exc) or type(exc).__name__
            return CallOutcome(text, True, _since(began))
        text, is_error = results.result_text(result)
        return CallOutcome(text, is_error, _since(began))

    async def aclose(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        if task is not None and not task.done():
            if self._session is None:  # still starting: nothing to wind down politely
                task.cancel()
            # asyncio.wait never raises the task's own outcome (a cancelled task included).
            await asyncio.wait({task}, timeout=5.0)
            if not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=2.0)
        self._session = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- the session's own task ------------------------------------------------------------------

    async def _run(self) -> None:
        assert self._ready is not None
        try:
            async with contextlib.AsyncExitStack() as stack:
                transport = await self._transport()
                read, write = await stack.enter_async_context(transport)
                from mcp import ClientSession

                session = await stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
                self.tools = await self._list_tools(session)
                self._session = session
                if not self._ready.done():
                    self._ready.set_result(self.tools)
                await self._stop.wait()
        except errors.ToolServerError as exc:
            self._fail(exc)
        except asyncio.CancelledError:
            self._fail(errors.failed(self.config.name, "stopped"))
            raise
        except BaseException as exc:  # noqa: BLE001 - an SDK or transport failure of any kind
            log.info("MCP server %s ended: %r", self.config.name, exc)
            self._fail(self._explain(exc))
        finally:
            self._session = None

    def _fail(self, error: errors.ToolServerError) -> None:
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(error)

    def _explain(self, exc: BaseException) -> errors.ToolServerError:
        if self.config.transport != "stdio":
            return errors.cannot_reach(self.config.name, self.config.url, _describe(exc))
        return errors.exited(self.config.name, self._stderr_tail())

    async def _transport(self) -> Any:
        config = self.config
        if config.transport == "stdio":
            from mcp.client.stdio import StdioServerParameters, stdio_client

            folders = await asyncio.to_thread(shell_path.search_path)
            command = await asyncio.to_thread(shell_path.resolve, config.command, folders)
            if command is None:
                raise errors.command_not_found(config.name, config.command, folders)
            env = {"PATH": os.pathsep.join(folders), **config.env, **await asyncio.to_thread(self._secrets)}
            # Append mode: the server writes at the end while its last lines are read from the start.
            self._stderr = tempfile.TemporaryFile(mode="a+", encoding="utf-8", errors="replace")
            params = StdioServerParameters(command=command, args=list(config.args), env=env, cwd=config.cwd)
            return stdio_client(params, errlog=self._stderr)
        if config.transport == "sse":
            from mcp.client.sse import sse_client

            return sse_client(config.url, headers=dict(config.headers) or None)
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        return streamable_http_client(config.url, http_client=create_mcp_http_client(headers=dict(config.headers)))

    def _secrets(self) -> dict[str, str]:
        if self.secret_lookup is None:
            return {}
        found = {name: self.secret_lookup(self.config.name, name) for name in self.config.secret_env}
        return {name: value for name, value in found.items() if value is not None}

    async def _list_tools(self, session: Any) -> list[ToolInfo]:
        tools: list[ToolInfo] = []
        cursor: str | None = None
        for _page in range(100):  # a server that repeats its cursor must not page forever
            if cursor is None:
                listed = await session.list_tools()
            else:
                from mcp import types

                listed = await session.list_tools(params=types.PaginatedRequestParams(cursor=cursor))
            tools += [ToolInfo(self.config.name, t.name, t.description or "",
                               dict(t.input_schema or {"type": "object", "properties": {}})) for t in listed.tools]
            cursor = getattr(listed, "next_cursor", None)
            if not cursor:
                break
        return tools

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            return errors.tail(self._stderr.read()[-20_000:])
        except (OSError, ValueError):
            return ""


class ToolBox:
    """The servers a turn may use. Reads mcp.json on every use through *load*."""

    def __init__(self, path: Path, *, secret_lookup: SecretLookup | None = None,
                 start_timeout: float = START_TIMEOUT, call_timeout: float = CALL_TIMEOUT) -> None:
        self.path = path  # mcp.json (chat/tool_rounds.py mcp_path), read again at each use
        self.secret_lookup = secret_lookup
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self.sessions: dict[str, ServerSession] = {}
        self._offered: dict[str, ToolInfo] = {}

    def _load(self) -> ServerList:
        return servers.load(self.path)

    def configured(self) -> ServerList:
        """The servers as configured now (blocking: a small file read)."""
        return self._load()

    def has_servers(self) -> bool:
        return any(s.enabled for s in self._load().servers)

    def remember(self, server: str, tool: str) -> None:
        """The user said "always allow" for *server*'s *tool*: kept in mcp.json. Blocking."""
        configured = self._load()
        configured.allow_always(server, tool)
        servers.save(configured, self.path)
        session = self.sessions.get(server)
        if session is not None and tool not in session.config.always_allow:
            session.config = replace(session.config, always_allow=(*session.config.always_allow, tool))

    def revoke(self, server: str, tool: str) -> bool:
        """Ask again before *server*'s *tool* runs; False if it was not always allowed. Blocking."""
        configured = self._load()
        if not configured.revoke(server, tool):
            return False
        servers.save(configured, self.path)
        return True

    async def tools(self) -> tuple[list[ToolInfo], list[errors.ToolServerError]]:
        """Every enabled server's tools (servers started as needed, at the same time), and why
        any server could not start."""
        enabled = [s for s in (await asyncio.to_thread(self._load)).servers if s.enabled]
        await self._retire({s.name: s for s in enabled})
        outcomes = await asyncio.gather(*(self._session(s).start() for s in enabled), return_exceptions=True)
        found: list[ToolInfo] = []
        failures: list[errors.ToolServerError] = []
        for server, outcome in zip(enabled, outcomes):
            if isinstance(outcome, errors.ToolServerError):
                failures.append(outcome)
                await self._drop(server.name)
            elif isinstance(outcome, BaseException):
                if isinstance(outcome, asyncio.CancelledError):
                    raise outcome
                failures.append(errors.failed(server.name, _describe(outcome)))
                await self._drop(server.name)
            else:
                found += outcome
        self._offered = {t.model_name: t for t in found}
        return found, failures

    def find(self, model_name: str) -> ToolInfo | None:
        """The tool a model called by *model_name*, among those last offered."""
        return self._offered.get(model_name)

    def always_allowed(self, server: str, tool: str) -> bool:
        """From the configuration read at this turn's start (and "always" answers since)."""
        session = self.sessions.get(server)
        return session is not None and tool in session.config.always_allow

    async def call(self, tool: ToolInfo, arguments: dict[str, Any]) -> CallOutcome:
        session = self.sessions.get(tool.server)
        if session is None:
            return CallOutcome(str(errors.failed(tool.server, "not running")), True, 0.0)
        return await session.call(tool.name, arguments)

    async def aclose(self) -> None:
        for name in list(self.sessions):
            await self._drop(name)

    def _session(self, config: ServerConfig) -> ServerSession:
        session = self.sessions.get(config.name)
        if session is None:
            session = ServerSession(config, secret_lookup=self.secret_lookup, start_timeout=self.start_timeout,
                                    call_timeout=self.call_timeout)
            self.sessions[config.name] = session
        return session

    async def _retire(self, wanted: dict[str, ServerConfig]) -> None:
        """Stop sessions of servers removed, disabled or changed (a changed one starts afresh)."""
        for name, session in list(self.sessions.items()):
            config = wanted.get(name)
            if config is None or _launch_fields(config) != _launch_fields(session.config):
                await self._drop(name)
            else:
                session.config = config  # e.g. a new alwaysAllow list

    async def _drop(self, name: str) -> None:
        session = self.sessions.pop(name, None)
        if session is not None:
            await session.aclose()


def _launch_fields(config: ServerConfig) -> tuple[Any, ...]:
    return (config.transport, config.command, config.args, dict(config.env), config.secret_env, config.url,
            dict(config.headers), config.cwd)


def _since(began: float) -> float:
    return (time.monotonic() - began) * 1000


def _describe(exc: BaseException) -> str:
    """A transport failure in a few words (an ExceptionGroup's first real cause)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
