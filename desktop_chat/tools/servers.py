"""The user's MCP servers, in the ``mcpServers`` JSON shape Claude Desktop, Cursor and Cline use.

The file is ``mcp.json`` in the config folder (beside settings.json); the window and
``desktop-chat mcp`` edit the same one. Its shape, as other clients write it, plus two keys that
Cline already uses::

    {"mcpServers": {
        "files":  {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                   "env": {"LOG": "1"}, "secretEnv": ["API_TOKEN"],
                   "disabled": false, "alwaysAllow": ["read_file"]},
        "remote": {"url": "https://example.com/mcp", "type": "http", "headers": {…}}}}

``type`` is "stdio" (a command), "http" / "streamable-http" or "sse" (a URL; Streamable HTTP
unless it says sse or the URL ends in /sse). ``secretEnv`` names environment variables whose
values live in the keyring (account ``mcp:SERVER:NAME``), never in the file: importing a file
keeps every env value as it came (the user's own file), and the window moves a value marked
secret into the keyring. ``alwaysAllow`` lists the tools the user allowed for good.

Loading never raises on an entry it cannot use: it is skipped and named in ``problems``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

Transport = Literal["stdio", "http", "sse"]
FILE_NAME = "mcp.json"


@dataclass(frozen=True)
class ServerConfig:
    name: str
    transport: Transport = "stdio"
    command: str = ""
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)  # plain values (secret ones are not here)
    secret_env: tuple[str, ...] = ()  # names whose values are in the keyring
    url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    cwd: str | None = None
    enabled: bool = True
    always_allow: tuple[str, ...] = ()  # tool names the user allowed for good

    @property
    def target(self) -> str:
        """What it runs or where it is, in one line: ``npx -y pkg /tmp`` or the URL."""
        if self.transport == "stdio":
            return " ".join([self.command, *self.args])
        return self.url

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any]
        if self.transport == "stdio":
            data = {"command": self.command, "args": list(self.args)}
            if self.env:
                data["env"] = dict(self.env)
            if self.cwd:
                data["cwd"] = self.cwd
        else:
            data = {"type": self.transport, "url": self.url}
            if self.headers:
                data["headers"] = dict(self.headers)
        if self.secret_env:
            data["secretEnv"] = list(self.secret_env)
        if not self.enabled:
            data["disabled"] = True
        if self.always_allow:
            data["alwaysAllow"] = list(self.always_allow)
        return data


@dataclass
class ServerList:
    """The servers of one mcp.json, in its order, and what could not be read from it."""

    servers: list[ServerConfig] = field(default_factory=list)
    problems: list[Text] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # other top-level keys, kept as they were

    def get(self, name: str) -> ServerConfig | None:
        return next((s for s in self.servers if s.name == name), None)

    def put(self, server: ServerConfig) -> None:
        """Add *server*, or replace the one of the same name in its place."""
        for i, existing in enumerate(self.servers):
            if existing.name == server.name:
                self.servers[i] = server
                return
        self.servers.append(server)

    def remove(self, name: str) -> bool:
        before = len(self.servers)
        self.servers = [s for s in self.servers if s.name != name]
        return len(self.servers) != before

    def allow_always(self, server: str, tool: str) -> None:
        found = self.get(server)
        if found is not None and tool not in found.always_allow:
            self.put(replace(found, always_allow=(*found.always_allow, tool)))

    def revoke(self, server: str, tool: str) -> bool:
        found = self.get(server)
        if found is None or tool not in found.always_allow:
            return False
        self.put(replace(found, always_allow=tuple(t for t in found.always_allow if t != tool)))
        return True

    def to_dict(self) -> dict[str, Any]:
        return {**self.extra, "mcpServers": {s.name: s.to_dict() for s in self.servers}}


def load(path: Path) -> ServerList:
    """The servers in *path* (mcp.json in the config folder: chat/tool_rounds.py mcp_path); none when
    it does not exist."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ServerList()
    except OSError as exc:
        return ServerList(problems=[Text.of(QT_TRANSLATE_NOOP(
            "engine", "Could not read the MCP servers file {path}: {error}"), path=str(path), error=str(exc))])
    return parse(raw, source=str(path))


def save(servers: ServerList, path: Path) -> None:
    """Write *servers* atomically (a crash leaves the old file or the new one, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(servers.to_dict(), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".mcp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def parse(raw: str, *, source: str = "") -> ServerList:
    """Servers from JSON text in the ``mcpServers`` shape. Also takes VS Code's ``servers`` key
    and a bare mapping of names to servers. ValueError (a Text) when it is not JSON or has no servers."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "{source} is not valid JSON: {error}"),
                                 source=source or "The file", error=str(exc))) from None
    if not isinstance(data, dict):
        raise ValueError(_no_servers(source))
    if isinstance(data.get("mcpServers"), dict):
        entries, extra = data["mcpServers"], {k: v for k, v in data.items() if k != "mcpServers"}
    elif isinstance(data.get("servers"), dict):
        entries, extra = data["servers"], {k: v for k, v in data.items() if k != "servers"}
    elif data and all(isinstance(v, dict) and ("command" in v or "url" in v) for v in data.values()):
        entries, extra = data, {}
    elif not data:
        return ServerList()
    else:
        raise ValueError(_no_servers(source))
    out = ServerList(extra=extra)
    for name, entry in entries.items():
        server = _server(str(name), entry)
        if isinstance(server, Text):
            out.problems.append(server)
        else:
            out.servers.append(server)
    return out


def merge(into: ServerList, imported: ServerList) -> list[str]:
    """Add or replace *imported*'s servers in *into*, keeping decisions the user already made
    for a server of the same name; the names added or replaced."""
    for server in imported.servers:
        existing = into.get(server.name)
        if existing is not None:
            kept = tuple(dict.fromkeys((*existing.always_allow, *server.always_allow)))
            server = replace(server, always_allow=kept)
        into.put(server)
    into.problems += imported.problems
    return [s.name for s in imported.servers]


def _no_servers(source: str) -> Text:
    return Text.of(QT_TRANSLATE_NOOP("engine", "{source} has no “mcpServers” object of servers."),
                   source=source or "The file")


def _server(name: str, entry: Any) -> ServerConfig | Text:
    if not name.strip():
        return Text.of(QT_TRANSLATE_NOOP("engine", "A server without a name was skipped."))
    if not isinstance(entry, dict):
        return _skipped(name)
    kind = str(entry.get("type") or entry.get("transport") or "").lower().replace("_", "-")
    common: dict[str, Any] = dict(
        name=name,
        enabled=not bool(entry.get("disabled", False)) and entry.get("enabled", True) is not False,
        always_allow=_strings(entry.get("alwaysAllow")),
        secret_env=_strings(entry.get("secretEnv")),
    )
    url = entry.get("url") or entry.get("serverUrl")
    if isinstance(url, str) and url.strip() and kind in ("", "http", "streamable-http", "streamablehttp", "sse"):
        transport: Transport = "sse" if kind == "sse" or (not kind and url.rstrip("/").endswith("/sse")) else "http"
        return ServerConfig(transport=transport, url=url.strip(), headers=_mapping(entry.get("headers")), **common)
    command = entry.get("command")
    if isinstance(command, str) and command.strip():
        return ServerConfig(transport="stdio", command=command.strip(), args=_strings(entry.get("args")),
                            env=_mapping(entry.get("env")), cwd=entry.get("cwd") if isinstance(entry.get("cwd"), str)
                            else None, **common)
    return _skipped(name)


def _skipped(name: str) -> Text:
    return Text.of(QT_TRANSLATE_NOOP("engine", "Server “{name}” was skipped: it has neither a command nor a URL."),
                   name=name)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _mapping(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
