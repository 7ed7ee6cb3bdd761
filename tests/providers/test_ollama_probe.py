"""The start-up Ollama probe: plain answers over a bare socket, "cannot tell" for everything else."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from desktop_chat.providers.ollama_probe import ProbeResult, is_local_http, probe_version
from tests.fakes.loopback import free_port
from tests.fakes.ollama_server import FakeOllama




async def test_a_running_ollama_answers_with_its_version():
    with FakeOllama() as fake:
        fake.version = "0.13.1"
        assert await probe_version(fake.base_url) == ProbeResult(True, "0.13.1")
        assert await probe_version(fake.base_url + "/") == ProbeResult(True, "0.13.1")


async def test_nothing_listening_is_not_running():
    assert await probe_version(f"http://127.0.0.1:{free_port()}") == ProbeResult(False)


@pytest.mark.parametrize("url, local", [
    ("http://127.0.0.1:11434", True), ("http://localhost:11434", True), ("http://[::1]:11434", True),
    ("HTTP://127.0.0.2", True), ("https://127.0.0.1:11434", False), ("http://gpu-box.lan:11434", False),
    ("http://10.0.0.5:11434", False), ("http://127.0.0.1:notaport", False), ("", False),
])
def test_only_plain_http_on_this_machine_is_probed(url, local):
    assert is_local_http(url) is local


async def _serve_once(response: bytes) -> tuple[asyncio.AbstractServer, str]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(response)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("response", [
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 18\r\n\r\n404 page not found",
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\n<html>hi</html>",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n13\r\n{\"version\":\"0.1.0\"}\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"version\":\"0.1.0\"}",  # cut short
    b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",  # a proxy that wants the key
    b"garbage",
])
async def test_anything_unusual_is_left_to_the_real_client(response):
    server, url = await _serve_once(response)
    async with server:
        assert await probe_version(url) is None


def test_the_status_check_of_a_local_ollama_imports_no_http_client():
    """The point of the probe: the window's start-up check stays off httpx and ssl contexts."""
    code = (
        "import asyncio, sys\n"
        "from desktop_chat.chat.ollama_admin import OllamaAdmin\n"
        "from desktop_chat.chat.pool import ProviderPool\n"
        "from desktop_chat.config import Settings\n"
        f"settings = Settings(ollama_host='http://127.0.0.1:{free_port()}')\n"
        "status = asyncio.run(OllamaAdmin(ProviderPool(settings), settings).status())\n"
        "assert not status.running\n"
        "print(sorted(m for m in ('httpx', 'httpcore', 'anyio', 'certifi') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
