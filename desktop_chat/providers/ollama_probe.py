"""Is a local Ollama running? One `GET /api/version` over a bare asyncio connection.

The window asks at every start. Through OllamaProvider that meant importing httpx, httpcore,
anyio and certifi and building an SSL context (≈ 180 modules, +15 MB of resident memory) to
learn, most often, that nothing listens on 127.0.0.1:11434. This module answers the two plain
cases without them, for an http:// base URL on this machine (where the provider itself uses no
proxy): Ollama answered with its version, or the connection was refused. Anything else (https,
another host, a status other than 200, a body that is not Ollama's JSON, any other socket error)
is `None`: "cannot tell", and the caller asks through the provider, which words every failure.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from desktop_chat.domain import errors
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text

__all__ = ["ProbeResult", "is_local_http", "not_running", "probe_version"]

_MAX_RESPONSE = 64 * 1024
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


@dataclass(frozen=True)
class ProbeResult:
    running: bool
    version: str | None = None  # when running


def not_running(label: str, base_url: str) -> errors.CannotConnectError:
    """Nothing listens at `base_url`: Ollama's own advice (also OllamaProvider's wording)."""
    return errors.CannotConnectError(
        Text.of(QT_TRANSLATE_NOOP("engine", "{provider} is not running at {url}; start it with `ollama serve`."),
                provider=label, url=base_url.rstrip("/")),
        provider=label,
        detail="the connection was refused",
        action=errors.ErrorAction.START_OLLAMA,  # the fix is to start it, not to wait and retry
    )


def is_local_http(base_url: str) -> bool:
    """A plain http:// URL whose host is this machine (a loopback address or localhost)."""
    try:
        parts = urlsplit(base_url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    if parts.scheme.lower() != "http" or not host:
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def probe_version(base_url: str) -> ProbeResult | None:
    """Ask a local http Ollama for its version; None when the answer is not one of the plain cases.

    The caller bounds the time (asyncio.wait_for): a connection that stays silent is its timeout.
    """
    if not is_local_http(base_url):
        return None
    parts = urlsplit(base_url.strip())
    host = parts.hostname or ""
    port = parts.port or 80
    path = parts.path.rstrip("/") + "/api/version"
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except ConnectionRefusedError:
        return ProbeResult(False)
    except OSError:
        return None
    try:
        authority = f"[{host}]" if ":" in host else host
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {authority}:{port}\r\nAccept: application/json\r\n"
                      "User-Agent: desktop-chat\r\nConnection: close\r\n\r\n").encode("ascii"))
        await writer.drain()
        data = await reader.read(_MAX_RESPONSE)
        while data and len(data) < _MAX_RESPONSE:
            more = await reader.read(_MAX_RESPONSE - len(data))
            if not more:
                break
            data += more
    except OSError:
        return None
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
    return _parse(data)


def _parse(data: bytes) -> ProbeResult | None:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)
    if len(status) < 2 or not status[0].startswith("HTTP/1.") or status[1] != "200":
        return None
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "identity").lower() != "identity":
        return None  # chunked: leave it to the real client
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or len(body) < int(length):
            return None
        body = body[:int(length)]
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or "version" not in payload:
        return None
    return ProbeResult(True, str(payload.get("version") or "") or None)
