"""A knowledge base attached to a conversation, through the engine and the loopback fakes: every
turn searches it and the passages are in the request (never left to a tool call), beside the
conversation's attached documents; Ollama gets a num_ctx big enough for them."""

from __future__ import annotations

import pytest

from desktop_chat import config
from desktop_chat.chat.context import OLLAMA_AUTO_CONTEXT_CAP
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import SourcesFound
from desktop_chat.documents import DocumentLibrary
from desktop_chat.documents.kb import KnowledgeBases
from desktop_chat.domain.messages import Attachment
from desktop_chat.store import Store
from tests.documents import make_pdf
from tests.documents.kb.corpus import FACTS, write_corpus
from tests.wiring import fake_for, settings_for


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


@pytest.fixture
def company(tmp_path):
    where = write_corpus(tmp_path / "docs")
    with _Bases() as bases:
        bases.create("company", [tmp_path / "docs"])
        bases.sync("company")
    return where


class _Bases:
    def __enter__(self) -> KnowledgeBases:
        self.bases = KnowledgeBases.in_data_dir(config.data_dir())
        return self.bases

    def __exit__(self, *exc: object) -> None:
        self.bases.close()


async def _no_sleep(_seconds: float) -> None:
    pass


async def test_every_turn_sends_the_passages_beside_an_attached_document(store, company, tmp_path):
    events: list[object] = []
    pdf = tmp_path / "atlantis.pdf"
    pdf.write_bytes(make_pdf(["The capital of Atlantis is Poseidonia."]))
    with DocumentLibrary(config.data_dir()) as library, fake_for("openai") as fake:
        engine = ChatEngine(store, settings_for("openai", fake), documents=library, sleep=_no_sleep)
        attachment = Attachment.from_document(library.attach(pdf))
        first = await engine.send(None, FACTS[12].question, attachments=[attachment], on_event=events.append,
                                  options={"knowledge_base": "company", "kb_top_k": 3})
        second = await engine.send(first.message.conversation_id, FACTS[13].question_zh, on_event=events.append)
        await engine.aclose()
        requests = [r.json for r in fake.requests_to("/chat/completions")]
    assert first.ok and second.ok
    for request, fact in zip(requests, (FACTS[12], FACTS[13])):
        sent = " ".join(str(m["content"]) for m in request["messages"])
        assert "The capital of Atlantis is Poseidonia." in sent  # the attached document, every turn
        assert fact.text in " ".join(sent.split())  # the knowledge base's passage for this question
        assert sent.count("[passage ") == 3
    found = [e for e in events if isinstance(e, SourcesFound)]
    assert len(found) == 2  # once per turn, documents and knowledge base together
    said = found[0].plan_explanation.english()
    assert said.startswith("Sending the whole document") and "from the knowledge base “company”" in said
    assert len(found[0].sources) == 3 and all(s.found_by for s in found[0].sources)
    stored = store.list_messages(first.message.conversation_id)[-1]
    assert stored.delivery is not None and [s.found_by for s in stored.delivery.sources] == \
        [s.found_by for s in found[1].sources]


async def test_ollama_gets_a_num_ctx_for_the_passages_alone(store, company):
    async def lookup(endpoint_id, model):
        return 131_072

    with fake_for("ollama") as fake:
        engine = ChatEngine(store, settings_for("ollama", fake), sleep=_no_sleep, context_lookup=lookup)
        result = await engine.send(None, FACTS[3].question, options={"knowledge_base": "company"})
        await engine.aclose()
        (request,) = [r.json for r in fake.requests_to("/api/chat")]
    assert result.ok
    assert request["options"]["num_ctx"] == OLLAMA_AUTO_CONTEXT_CAP  # else Ollama cuts the prompt at its default
    assert "knowledge_base" not in request["options"]
    assert request["messages"][-1]["content"].count("[passage ") == 6  # the default top-k
