"""The simple API of the original service, with a plain httpx client."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.fakes.loopback import Scenario
from tests.server.conftest import TOKEN, Running

PDFS = Path(__file__).resolve().parents[3] / "shared" / "pdfs"
if not PDFS.exists():
    PDFS = Path("/work/shared/pdfs")
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def events(response: httpx.Response) -> list[dict]:
    return [json.loads(line[len("data: "):]) for line in response.text.splitlines() if line.startswith("data: ")]


async def test_chat_stream_answers_text_then_done_and_stores_nothing(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["Hello", " you"]))
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        response = await http.post("/ai/chat/stream", json={"message": "Hi", "system_prompt": "Be kind.",
                                                             "model": "openai/gpt-4o", "max_tokens": 50})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    got = events(response)
    assert "".join(e.get("text", "") for e in got) == "Hello you"
    assert got[-1]["done"] is True and got[-1]["model"] == "openai/gpt-4o"
    assert running.services.conversations.count() == 0
    upstream = running.openai.requests_to("/chat/completions")[-1].json
    assert upstream["max_tokens"] == 50 and upstream["messages"][0]["content"] == "Be kind."


async def test_conversation_continues_by_session_and_deletes(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["First"]), Scenario(chunks=["Second"]))
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        one = events(await http.post("/ai/conversation", json={"session_id": "s1", "message": "Question one"}))
        two = events(await http.post("/ai/conversation", json={"session_id": "s1", "message": "Question two"}))
        assert one[-1]["conversation_id"] == two[-1]["conversation_id"]
        conversation_id = one[-1]["conversation_id"]
        texts = [m.text for m in running.services.conversations.branch(conversation_id)]
        assert texts == ["Question one", "First", "Question two", "Second"]
        second_request = running.openai.requests_to("/chat/completions")[-1].json
        assert [m["content"] for m in second_request["messages"]] == ["Question one", "First", "Question two"]
        deleted = await http.delete("/ai/conversation/s1")
        assert deleted.status_code == 200
        assert not running.services.conversations.exists(conversation_id)
        again = await http.delete("/ai/conversation/s1")
    assert again.status_code == 404 and "s1" in again.json()["detail"]


async def test_analyze_pdf_sends_the_document_and_says_how_first(running: Running) -> None:
    running.openai.enqueue(Scenario(chunks=["It is ", "Lorem ipsum."]))
    data = (PDFS / "minimal-document.pdf").read_bytes()
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH, timeout=30) as http:
        response = await http.post("/analyze/pdf", data={"question": "What is this text?"},
                                   files={"file": ("minimal-document.pdf", data, "application/pdf")})
    assert response.status_code == 200, response.text
    got = events(response)
    assert "plan" in got[0] and "sources" in got[0]
    assert "".join(e.get("text", "") for e in got) == "It is Lorem ipsum."
    upstream = json.dumps(running.openai.requests_to("/chat/completions")[-1].json)
    assert "minimal-document.pdf" in upstream or "Lorem" in upstream


async def test_analyze_pdf_with_an_unreadable_file_is_a_400(running: Running) -> None:
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH, timeout=30) as http:
        response = await http.post("/analyze/pdf", data={"question": "What?"},
                                   files={"file": ("broken.pdf", b"%PDF-1.4 not really", "application/pdf")})
        missing = await http.post("/analyze/pdf", data={"question": "What?"})
    assert response.status_code == 400 and response.json()["detail"].startswith("file:")
    assert missing.status_code == 400 and "file" in missing.json()["detail"]
    assert running.openai.requests_to("/chat/completions") == []


async def test_health_needs_no_token(running: Running) -> None:
    async with httpx.AsyncClient(base_url=running.url) as http:
        response = await http.get("/health")
        docs = await http.get("/openapi.json")
    assert response.json()["status"] == "ok"
    assert "/v1/chat/completions" in docs.json()["paths"]


async def test_bad_body_names_the_field(running: Running) -> None:
    async with httpx.AsyncClient(base_url=running.url, headers=AUTH) as http:
        response = await http.post("/ai/chat/stream", json={"message": "Hi", "max_tokens": "many"})
        broken = await http.post("/ai/chat/stream", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["detail"].startswith("max_tokens:")
    assert broken.status_code == 400
