"""The guard that keeps every test on loopback really does refuse the outside world."""

from __future__ import annotations

import socket

import pytest

from tests import network_guard


def test_connecting_to_a_public_address_is_refused_and_recorded():
    before = len(network_guard.violations)
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="not a loopback"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: documentation-only, never routed
    assert network_guard.violations[before:] == ["connect to '192.0.2.1'"]
    del network_guard.violations[before:]  # this test provoked it on purpose


def test_resolving_a_public_name_is_refused_and_invalid_names_just_fail():
    before = len(network_guard.violations)
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("api.anthropic.com", 443)
    assert network_guard.violations[before:] == ["resolve 'api.anthropic.com'"]
    del network_guard.violations[before:]
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("no-such-host.invalid", 443)
    assert network_guard.violations[before:] == []


def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
