"""Who gets in: the token in both header styles, each wire format's 401, the rate limit, binding, CORS."""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest

from desktop_chat.server.guard import RateLimiter
from tests.server.conftest import TOKEN, Running, serving


@pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {TOKEN}"}, {"x-api-key": TOKEN}],
                         ids=["bearer", "x-api-key"])
async def test_both_header_styles_get_in(running: Running, headers: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=running.url, headers=headers) as http:
        response = await http.post("/v1/chat/completions",
                                   json={"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "Hi"}]})
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "Hello, world!"


@pytest.mark.parametrize("token", [None, "dc-wrong"], ids=["missing", "wrong"])
async def test_openai_wire_401(running: Running, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=running.url, headers=headers) as http:
        response = await http.post("/v1/chat/completions", json={"model": "x", "messages": []})
        listing = await http.get("/v1/models")
    assert response.status_code == listing.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "invalid_api_key" and "token" in error["message"]
    assert running.openai.requests == []  # nothing reached upstream, not even the model list


async def test_openai_sdk_with_a_wrong_token(running: Running) -> None:
    async with openai.AsyncOpenAI(base_url=running.url + "/v1", api_key="dc-wrong", max_retries=0) as sdk:
        with pytest.raises(openai.AuthenticationError):
            await sdk.chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "Hi"}])


@pytest.mark.parametrize("token", [None, "dc-wrong"], ids=["missing", "wrong"])
async def test_anthropic_wire_401(running: Running, token: str | None) -> None:
    headers = {"x-api-key": token} if token else {}
    async with httpx.AsyncClient(base_url=running.url, headers=headers) as http:
        response = await http.post("/v1/messages", json={"model": "x", "max_tokens": 1, "messages": []})
    assert response.status_code == 401
    assert response.json() == {"type": "error", "error": {"type": "authentication_error",
                                                         "message": response.json()["error"]["message"]}}


async def test_anthropic_sdk_with_a_wrong_token(running: Running) -> None:
    async with anthropic.AsyncAnthropic(base_url=running.url, api_key="dc-wrong", max_retries=0) as sdk:
        with pytest.raises(anthropic.AuthenticationError):
            await sdk.messages.create(model="openai/gpt-4o", max_tokens=8, messages=[{"role": "user", "content": "Hi"}])


@pytest.mark.parametrize("token", [None, "dc-wrong"], ids=["missing", "wrong"])
async def test_simple_wire_401(running: Running, token: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=running.url, headers=headers) as http:
        response = await http.post("/ai/chat/stream", json={"message": "Hi"})
        deleting = await http.delete("/ai/conversation/anything")
    assert response.status_code == deleting.status_code == 401
    assert "token" in response.json()["detail"]


async def test_rate_limit_answers_429_with_retry_after(tmp_path, upstreams) -> None:
    async with serving(tmp_path, *upstreams, rate_limit=2) as run:
        async with httpx.AsyncClient(base_url=run.url, headers={"x-api-key": TOKEN}) as http:
            codes = [(await http.get("/v1/models")).status_code for _ in range(2)]
            third = await http.get("/v1/models")
            health = await http.get("/health")
    assert codes == [200, 200]
    assert third.status_code == 429
    assert 1 <= int(third.headers["retry-after"]) <= 60
    assert third.json()["error"]["type"] == "requests"
    assert health.status_code == 200  # /health is never limited


def test_rate_limiter_slides_over_the_minute() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.wait("t") is None and limiter.wait("t") is None
    now[0] = 10.0
    assert limiter.wait("t") == pytest.approx(50.0)
    assert limiter.wait("other") is None  # per token
    now[0] = 60.5
    assert limiter.wait("t") is None


async def test_binds_loopback_only_by_default(running: Running) -> None:
    assert running.server.options.host == "127.0.0.1"
    assert running.server._socket is not None
    assert running.server._socket.getsockname()[0] == "127.0.0.1"


async def test_no_cors_by_default(running: Running) -> None:
    async with httpx.AsyncClient(base_url=running.url) as http:
        preflight = await http.options("/v1/chat/completions", headers={
            "Origin": "https://example.com", "Access-Control-Request-Method": "POST"})
        simple = await http.get("/health", headers={"Origin": "https://example.com"})
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_cors_for_allowed_origins_only(tmp_path, upstreams) -> None:
    async with serving(tmp_path, *upstreams, cors_origins=("http://localhost:3000",)) as run:
        async with httpx.AsyncClient(base_url=run.url) as http:
            allowed = await http.options("/v1/chat/completions", headers={
                "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"})
            other = await http.options("/v1/chat/completions", headers={
                "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "access-control-allow-origin" not in other.headers


async def test_port_in_use_is_an_oserror(running: Running) -> None:
    from desktop_chat.server import LocalServer, ServerOptions

    second = LocalServer(running.services, ServerOptions(token=TOKEN, port=running.server.port))
    with pytest.raises(OSError):
        await second.start()
    assert not second.running
