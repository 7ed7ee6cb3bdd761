"""Refuse, and fail the test for, any connection to a non-loopback address.

Installed for the whole session from conftest. Names under the reserved `.invalid` top-level
domain (RFC 2606) fail to resolve without counting as a violation: tests use them to simulate a
DNS failure without ever asking a real resolver.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

violations: list[str] = []

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback_host(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(address: Any) -> None:
    if isinstance(address, (str, bytes)):  # AF_UNIX path (D-Bus, keyring): local by nature
        return
    host = address[0]
    if not _is_loopback_host(host):
        violations.append(f"connect to {host!r}")
        raise ConnectionRefusedError(f"test network guard: {host!r} is not a loopback address")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_address(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_address(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name is None or _is_loopback_host(name):
        return _real_getaddrinfo(host, *args, **kwargs)
    if isinstance(name, str) and name.rstrip(".").lower().endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    violations.append(f"resolve {name!r}")
    raise socket.gaierror(socket.EAI_NONAME, f"test network guard: {name!r} is not a loopback name")


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
