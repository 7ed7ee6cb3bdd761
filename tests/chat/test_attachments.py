"""Attached documents through the engine: real providers and SDKs against the loopback fakes,
real PDFs (the shared samples and PDFs built here), a real store and document library."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest

from desktop_chat import config
from desktop_chat.chat.attachments import explain
from desktop_chat.chat.context import (
    DEFAULT_CONTEXT_TOKENS,
    OLLAMA_AUTO_CONTEXT_CAP,
    ModelContext,
    context_window,
    known_context_tokens,
)
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import SourcesFound, TurnStarted
from desktop_chat.documents import DocumentLibrary, TextQuality, plan_delivery
from desktop_chat.domain import errors
from desktop_chat.domain.events import Started, TextDelta
from desktop_chat.domain.messages import Attachment, Delivery, MessageStatus
from desktop_chat.domain.texts import Text
from desktop_chat.store import Store
from tests.documents import make_pdf, numbered_pages, sample
from tests.fakes import anthropic_server
from tests.fakes.loopback import Scenario
from tests.wiring import chat_path, fake_for, settings_for

QUESTION = "Was besagt der Jordansche Kurvensatz?"  # answered on page 23 of GeoTopo-komprimiert.pdf


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


@pytest.fixture
def library():
    with DocumentLibrary(config.data_dir()) as library:
        yield library


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def __call__(self, event: object) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def found(self) -> SourcesFound:
        (event,) = self.of(SourcesFound)
        return event


async def _no_sleep(_seconds: float) -> None:
    pass


def engine_for(store, library, family, fake, **kw) -> ChatEngine:
    return ChatEngine(store, settings_for(family, fake), documents=library, sleep=_no_sleep, **kw)


def attach(library, path, **kw) -> Attachment:
    return Attachment.from_document(library.attach(path), **kw)


def pdf_file(tmp_path, name: str, pages: list[str]):
    path = tmp_path / name
    path.write_bytes(make_pdf(pages))
    return path


def user_contents(fake, family: str, request: int = -1) -> list:
    body = fake.requests_to(chat_path(family))[request].json
    return [m["content"] for m in body["messages"] if m["role"] == "user"]


ATLANTIS = ["The capital of Atlantis is Poseidonia, founded in the year 9600 BC.",
            "The tides of Atlantis rise twice a day, with the great wave in spring."]


# -- the three ways a document reaches the model ---------------------------------------------------

async def test_a_pdf_goes_to_claude_as_a_document_block_with_the_exact_bytes(store, library):
    path = sample("pdflatex-4-pages.pdf")
    with fake_for("anthropic", Scenario(chunks=["It is ", "about Lorem."])) as fake:
        rec = Recorder()
        engine = engine_for(store, library, "anthropic", fake)
        result = await engine.send(None, "What is this about?", attachments=[attach(library, path)], on_event=rec)
        await engine.aclose()
        (request,) = fake.requests_to("/v1/messages")
    assert result.ok, result.error
    (content,) = [m["content"] for m in request.json["messages"]]
    document, text = content
    assert document == {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf",
                   "data": base64.b64encode(path.read_bytes()).decode()},
        "title": "pdflatex-4-pages.pdf",
    }
    assert anthropic_server.documents(request) == [path.read_bytes()]
    assert text["type"] == "text" and text["text"].endswith("\n\nWhat is this about?")
    assert "cite the page numbers" in text["text"]
    found = rec.found
    assert found.sources == [] and found.message_id == result.message.id
    assert str(found.plan_explanation).startswith("Sending the PDF itself (4 pages, ≈ ")
    assert [type(e) for e in rec.events[:3]] == [TurnStarted, SourcesFound, Started]


async def test_the_whole_text_with_page_markers_for_another_provider(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("openai", Scenario(chunks=["Poseidonia (p. 1)."])) as fake:
        rec = Recorder()
        engine = engine_for(store, library, "openai", fake)
        result = await engine.send(None, "What is the capital?", attachments=[attach(library, path)], on_event=rec)
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    assert result.ok, result.error
    assert isinstance(content, str)  # text only: no document parts for OpenAI
    assert '<document name="atlantis.pdf" pages="2">\n[page 1]\nThe capital of Atlantis' in content
    assert "\n\n[page 2]\nThe tides of Atlantis" in content
    assert content.endswith("</document>\n\nWhat is the capital?")
    explanation = str(rec.found.plan_explanation)
    assert explanation.startswith("Sending the whole document (") and explanation.endswith(
        f"tokens of {DEFAULT_CONTEXT_TOKENS:,}).")  # "gpt-test" is no known model: the small default
    assert rec.found.sources == []


async def test_a_long_document_sends_the_passages_for_this_question_with_their_pages(store, library):
    with fake_for("openai", Scenario(chunks=["Eine geschlossene Kurve ", "teilt die Ebene (S. 23)."])) as fake:
        rec = Recorder()
        first_delta_after_sources: list[bool] = []

        def watch(event):
            if isinstance(event, TextDelta) and not first_delta_after_sources:
                first_delta_after_sources.append(bool(rec.of(SourcesFound)))
            rec(event)

        engine = engine_for(store, library, "openai", fake)
        result = await engine.send(None, QUESTION, attachments=[attach(library, sample("GeoTopo-komprimiert.pdf"))],
                                   options={"context_tokens": 8192}, on_event=watch)
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    assert result.ok, result.error
    assert first_delta_after_sources == [True]
    found = rec.found
    assert str(found.plan_explanation).startswith(
        "Document too long for this model's context (≈ 36,100 tokens of 8,192): sending the ")
    assert found.sources and found.sources[0].page == 23
    assert found.sources[0].file_name == "GeoTopo-komprimiert.pdf"
    assert "Kurvensatz" in found.sources[0].text
    # Only passages went out, headed with their file and pages, then the question.
    assert "<document" not in content and len(content) < 40_000
    assert "[passage 1: “GeoTopo-komprimiert.pdf”, page" in content
    assert content.endswith("</passages>\n\n" + QUESTION)
    assert store.get_conversation(result.message.conversation_id).options == {"context_tokens": 8192}


async def test_the_users_choice_wins(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("anthropic") as fake:
        rec = Recorder()
        engine = engine_for(store, library, "anthropic", fake)
        await engine.send(None, "When did the tides rise?", on_event=rec,
                          attachments=[attach(library, path, override="retrieval")])
        await engine.aclose()
        (request,) = fake.requests_to("/v1/messages")
    (content,) = [m["content"] for m in request.json["messages"]]
    assert isinstance(content, str) and anthropic_server.documents(request) == []  # not the PDF: passages
    assert "<passages>" in content and "[passage 1: “atlantis.pdf”, page" in content
    assert "as chosen" in str(rec.found.plan_explanation)
    assert {s.page for s in rec.found.sources} <= {1, 2} and rec.found.sources


async def test_whole_was_asked_for_but_does_not_fit_and_the_sentence_says_so(store, library):
    with fake_for("openai") as fake:
        rec = Recorder()
        engine = engine_for(store, library, "openai", fake)
        await engine.send(None, QUESTION, on_event=rec,
                          attachments=[attach(library, sample("GeoTopo-komprimiert.pdf"), override="whole")])
        await engine.aclose()
    assert str(rec.found.plan_explanation).startswith("The whole document does not fit this model's context")
    assert rec.found.sources[0].page == 23


# -- later turns keep the documents ---------------------------------------------------------------

async def test_a_follow_up_question_still_gets_the_document(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("anthropic", Scenario(chunks=["Poseidonia."])) as fake:
        rec = Recorder()
        engine = engine_for(store, library, "anthropic", fake)
        first = await engine.send(None, "What is the capital?", attachments=[attach(library, path)])
        await engine.send(first.message.conversation_id, "And the tides?", on_event=rec)
        await engine.aclose()
        request = fake.requests_to("/v1/messages")[-1]
    first_turn, answer, second_turn = request.json["messages"]
    assert anthropic_server.documents(request) == [path.read_bytes()]
    assert first_turn["content"][0]["type"] == "document"  # where it was attached
    assert first_turn["content"][-1]["text"].endswith("What is the capital?")
    assert answer == {"role": "assistant", "content": "Poseidonia."}
    assert second_turn == {"role": "user", "content": "And the tides?"}
    assert str(rec.found.plan_explanation).startswith("Sending the PDF itself (2 pages")
    assert store.list_messages(first.message.conversation_id)[2].documents == []  # attached once only


async def test_retrieval_follow_ups_search_again_for_each_question(store, library):
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        rec1, rec2 = Recorder(), Recorder()
        first = await engine.send(None, QUESTION, options={"context_tokens": 8192}, on_event=rec1,
                                  attachments=[attach(library, sample("GeoTopo-komprimiert.pdf"))])
        await engine.send(first.message.conversation_id, "Was ist eine Würfeloberfläche?", on_event=rec2)
        await engine.aclose()
        contents = user_contents(fake, "openai")
    assert rec1.found.sources[0].page == 23
    assert 2 in {s.page for s in rec2.found.sources}
    assert "<passages>" not in contents[0]  # the first question's passages are not sent again
    assert "<passages>" in contents[1] and contents[1].endswith("Was ist eine Würfeloberfläche?")


async def test_regenerate_edit_and_continue_keep_the_documents(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    pdf = path.read_bytes()
    with fake_for("anthropic", Scenario(chunks=["Posei", "donia"], drop_after=1)) as fake:
        engine = engine_for(store, library, "anthropic", fake)
        broken = await engine.send(None, "What is the capital?", attachments=[attach(library, path)])
        assert broken.message.status is MessageStatus.ERROR
        fake.default = Scenario(chunks=["donia."])
        rec_continue = Recorder()
        continued = await engine.continue_answer(broken.message.id, on_event=rec_continue)
        regenerated = await engine.regenerate(broken.message.conversation_id)
        user = store.list_messages(broken.message.conversation_id)[0]
        edited = await engine.edit_and_resend(user.id, "What was the capital called?")
        await engine.aclose()
        requests = fake.requests_to("/v1/messages")
    assert continued.ok and continued.message.text == "Poseidonia."
    assert rec_continue.found.message_id == broken.message.id
    assert regenerated.ok and edited.ok
    assert [anthropic_server.documents(r) for r in requests] == [[pdf]] * 4
    assert requests[-1].json["messages"][0]["content"][-1]["text"].endswith("What was the capital called?")
    assert store.get_message(user.id).documents[0].file_name == "atlantis.pdf"
    assert edited.message.delivery is not None


async def test_edit_can_replace_the_attachments(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        first = await engine.send(None, "What is the capital?", attachments=[attach(library, path)])
        user = store.list_messages(first.message.conversation_id)[0]
        rec = Recorder()
        await engine.edit_and_resend(user.id, "Just say hi.", attachments=[], on_event=rec)
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    assert content == "Just say hi." and rec.of(SourcesFound) == []
    edited = store.list_messages(first.message.conversation_id)[0]
    assert edited.text == "Just say hi." and edited.documents == []
    # the edit is a new version: the original question keeps its document
    assert [d.file_name for d in store.get_message(user.id).documents] == ["atlantis.pdf"]


# -- history ------------------------------------------------------------------------------------

async def test_attachments_and_sources_are_kept_and_survive_reopening(library):
    with Store(config.database_path()) as store, fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        rec = Recorder()
        result = await engine.send(None, QUESTION, options={"context_tokens": 8192}, on_event=rec,
                                   attachments=[attach(library, sample("GeoTopo-komprimiert.pdf"))])
        await engine.aclose()
    with Store(config.database_path()) as store:  # the next start
        question, answer = store.list_messages(result.message.conversation_id)
    (document,) = question.documents
    assert (document.file_name, document.kind, document.page_count) == ("GeoTopo-komprimiert.pdf", "pdf", 117)
    assert len(document.sha256) == 64 and document.size_bytes == sample("GeoTopo-komprimiert.pdf").stat().st_size
    assert question.delivery is None and answer.documents == []
    delivery = answer.delivery
    assert isinstance(delivery, Delivery) and delivery == rec.found.delivery
    assert delivery.explanation == rec.found.plan_explanation
    assert delivery.context_tokens == 8192
    assert [(s.file_name, s.page, s.excerpt) for s in delivery.sources] == [
        (s.file_name, s.page, s.excerpt) for s in rec.found.sources]
    assert delivery.documents[0].mode == "retrieval" and delivery.documents[0].reason == "too_long"
    # Only the description is in the database: the text lives in the cache, the bytes in the blob store.
    assert len(str(question.attachments)) < 1000


def test_attachment_records_round_trip_and_bad_ones_are_ignored():
    attachment = Attachment("a.pdf", "f" * 64, "pdf", 3, 1234, 900, override="retrieval", encrypted=True,
                            quality="low")
    assert Attachment.from_dict(attachment.to_dict()) == attachment
    for junk in (None, [], {"name": "a.pdf"}, {"type": "delivery"}, {"type": "document", "sha256": 5}):
        assert Attachment.from_dict(junk) is None
    assert Delivery.from_dict({"type": "delivery", "explanation": "not a text"}) is None


# -- bad input at send time -------------------------------------------------------------------------

async def test_a_document_that_is_gone_is_refused_before_anything_is_stored(store, library):
    gone = Attachment("lost.pdf", "0" * 64, "pdf", 1, 100, 10)
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        with pytest.raises(errors.AttachmentError) as caught:
            await engine.send(None, "hi", attachments=[gone])
        with pytest.raises(ValueError):
            await engine.send(None, "hi", attachments=[Attachment("x.pdf", "../etc", "pdf", 1, 1, 1)])
        await engine.aclose()
        assert fake.requests == []
    assert "“lost.pdf” is no longer available" in caught.value.message
    assert "Attach it again" in caught.value.message and caught.value.file_name == "lost.pdf"
    assert store.list_conversations() == []


async def test_a_document_removed_from_the_data_dir_later_fails_the_turn_and_keeps_the_question(
        store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        attachment = attach(library, path)
        first = await engine.send(None, "What is the capital?", attachments=[attachment])
        library.cache.discard(attachment.sha256)
        library.blobs.delete(attachment.sha256)
        rec = Recorder()
        result = await engine.send(first.message.conversation_id, "And the tides?", on_event=rec)
        await engine.aclose()
        assert len(fake.requests_to("/chat/completions")) == 1  # the second turn sent nothing
    assert isinstance(result.error, errors.AttachmentError)
    assert result.message.status is MessageStatus.ERROR
    assert "“atlantis.pdf” is no longer available" in result.message.error
    assert result.message.error_text["template"].startswith("“{name}” is no longer available")
    assert [m.text for m in store.list_messages(first.message.conversation_id)][2] == "And the tides?"


async def test_without_its_cached_text_a_document_is_read_again_from_the_stored_copy(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        attachment = attach(library, path)
        library.cache.discard(attachment.sha256)
        path.unlink()  # the original file moved away too
        result = await engine.send(None, "What is the capital?", attachments=[attachment])
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    assert result.ok and "[page 1]\nThe capital of Atlantis" in content


async def test_without_its_stored_copy_a_pdf_goes_to_claude_as_text(store, library, tmp_path):
    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("anthropic") as fake:
        engine = engine_for(store, library, "anthropic", fake)
        attachment = attach(library, path)
        library.blobs.delete(attachment.sha256)
        rec = Recorder()
        result = await engine.send(None, "What is the capital?", attachments=[attachment], on_event=rec)
        await engine.aclose()
        (request,) = fake.requests_to("/v1/messages")
    assert result.ok and anthropic_server.documents(request) == []
    assert "[page 1]\nThe capital of Atlantis" in request.json["messages"][0]["content"]
    assert str(rec.found.plan_explanation).startswith("Sending the whole document (")


async def test_a_scan_without_text_is_not_sent_to_a_text_model_and_the_user_is_told(store, library, tmp_path):
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(page.rect + (50, 50, -50, -50), fill=(0.2, 0.4, 0.6))
    path = tmp_path / "scan.pdf"
    path.write_bytes(doc.tobytes())
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        attachment = attach(library, path)
        assert attachment.quality == TextQuality.NONE.value
        rec = Recorder()
        result = await engine.send(None, "What does it show?", attachments=[attachment], on_event=rec)
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    assert result.ok
    assert str(rec.found.plan_explanation) == ("Not sent: no text could be read from it, and this model "
                                              "cannot read the PDF itself.")
    assert "[The user attached “scan.pdf”, but its content could not be sent" in content


# -- several documents ----------------------------------------------------------------------------

async def test_several_documents_each_get_a_sentence(store, library, tmp_path):
    small = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        rec = Recorder()
        await engine.send(None, QUESTION, on_event=rec, options={"context_tokens": 16_000}, attachments=[
            attach(library, small), attach(library, sample("GeoTopo-komprimiert.pdf"))])
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    first, second = rec.found.delivery.documents
    assert (first.mode, second.mode) == ("whole_text", "retrieval")
    assert str(first.explanation).startswith("“atlantis.pdf”: Sending the whole document (")
    assert str(second.explanation).startswith("“GeoTopo-komprimiert.pdf”: Document too long for this model")
    assert str(rec.found.plan_explanation) == f"{first.explanation} {second.explanation}"
    assert '<document name="atlantis.pdf"' in content and "<passages>" in content


# -- the context budget -------------------------------------------------------------------------------

def test_known_model_families():
    assert known_context_tokens("claude-sonnet-4-5") == 200_000
    assert known_context_tokens("gpt-4o-mini") == 128_000
    assert known_context_tokens("openai/gpt-4o") == 128_000  # a router's prefix
    assert known_context_tokens("gpt-4") == 8_192
    assert known_context_tokens("GPT-4.1-mini") == 1_000_000
    assert known_context_tokens("my-local-model") is None


async def test_the_context_budget_comes_from_the_conversation_then_the_lookup_then_the_table():
    async def lookup(endpoint_id, model):
        return {"big": 131_072, "small": 4_096}.get(model)

    assert (await context_window("openai", "openai", "gpt-4o", {})).tokens == 128_000
    assert (await context_window("openai", "openai", "gpt-4o", {"context_tokens": 9000})).tokens == 9000
    assert (await context_window("openai", "x", "weird", {})).tokens == DEFAULT_CONTEXT_TOKENS
    ollama = await context_window("ollama", "ollama", "big", {}, lookup)
    assert (ollama.tokens, ollama.send_num_ctx) == (OLLAMA_AUTO_CONTEXT_CAP, OLLAMA_AUTO_CONTEXT_CAP)
    small = await context_window("ollama", "ollama", "small", {}, lookup)
    assert (small.tokens, small.send_num_ctx) == (4_096, 4_096)
    own = await context_window("ollama", "ollama", "big", {"num_ctx": 65_536}, lookup)
    assert (own.tokens, own.send_num_ctx) == (65_536, None)  # already in the request's options

    async def configured(endpoint_id, model):
        return ModelContext(length=131_072, configured=32_768)

    set_by_user = await context_window("ollama", "ollama", "big", {}, configured)
    assert (set_by_user.tokens, set_by_user.send_num_ctx) == (32_768, None)  # the provider sends it
    assert (await context_window("openai", "x", "weird", {}, configured)).tokens == 131_072

    async def broken(endpoint_id, model):
        raise RuntimeError("Ollama is down")

    assert (await context_window("anthropic", "anthropic", "claude-x", {}, broken)).tokens == 200_000


async def test_ollama_gets_the_num_ctx_the_documents_were_planned_with(store, library, tmp_path):
    asked: list[tuple[str, str]] = []

    async def lookup(endpoint_id, model):
        asked.append((endpoint_id, model))
        return 131_072

    path = pdf_file(tmp_path, "atlantis.pdf", ATLANTIS)
    with fake_for("ollama") as fake:
        engine = engine_for(store, library, "ollama", fake, context_lookup=lookup)
        rec = Recorder()
        first = await engine.send(None, "What is the capital?", attachments=[attach(library, path)], on_event=rec)
        await engine.send(None, "No documents here.")
        await engine.aclose()
        with_document, without = [r.json for r in fake.requests_to("/api/chat")]
    assert first.ok and asked == [("ollama", "llama3.2:latest")]
    assert with_document["options"]["num_ctx"] == OLLAMA_AUTO_CONTEXT_CAP
    assert "num_ctx" not in without["options"]
    assert f"tokens of {OLLAMA_AUTO_CONTEXT_CAP:,})" in str(rec.found.plan_explanation)
    assert "[page 2]\nThe tides" in with_document["messages"][0]["content"]


# -- the sentences ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    whole_text_tokens: int
    page_count: int = 10
    size_bytes: int = 500_000
    file_name: str = "report.pdf"
    sha256: str = "a" * 64
    kind: str = "pdf"
    quality: TextQuality = TextQuality.OK
    encrypted: bool = False


@pytest.mark.parametrize("doc, kwargs", [
    (Doc(12_437), dict(context_tokens=128_000)),
    (Doc(140_000), dict(context_tokens=8_192, reserved_tokens=500)),
    (Doc(6_000, page_count=1), dict(native_pdf=True, context_tokens=200_000)),
    (Doc(6_000, page_count=12), dict(native_pdf=True, context_tokens=200_000)),
    (Doc(35_000, page_count=117), dict(native_pdf=True, context_tokens=200_000)),
    (Doc(5_000, size_bytes=25_000_000), dict(native_pdf=True, context_tokens=60_000)),
    (Doc(5_000, encrypted=True), dict(native_pdf=True, context_tokens=60_000)),
    (Doc(5_000, page_count=50), dict(native_pdf=True, context_tokens=60_000)),
    (Doc(12_400), dict(context_tokens=128_000, override="retrieval")),
    (Doc(140_000), dict(context_tokens=8_192, reserved_tokens=500, override="whole")),
    (Doc(0, quality=TextQuality.NONE), dict(context_tokens=128_000)),
    (Doc(5_000), dict(context_tokens=8_192, reserved_tokens=8_000)),
    (Doc(900), dict(context_tokens=900 + 2 * 530, override="retrieval")),
])
def test_every_sentence_is_a_translatable_template_with_the_plans_english(doc, kwargs):
    kwargs.setdefault("reserved_tokens", 0)
    plan = plan_delivery([doc], **kwargs)
    text, (note,) = explain(plan)
    assert str(text) == plan.explanation == str(note.explanation)
    assert (note.mode, note.reason) == (plan.deliveries[0].mode, plan.deliveries[0].reason)
    # Every template (nested ones too) is in the Chinese catalogue: the plan's wording is the key.
    assert _templates(text) <= _catalogue_sources("engine")
    assert Text.from_dict(text.to_dict()) == text


def _templates(text: Text) -> set[str]:
    found = {text.template}
    for value in text.params.values():
        if isinstance(value, Text):
            found |= _templates(value)
    return found


def _catalogue_sources(context: str) -> set[str]:
    import xml.etree.ElementTree as ET
    from pathlib import Path

    ts = Path(__file__).parents[2] / "desktop_chat" / "resources" / "translations" / "desktop_chat_zh_CN.ts"
    return {m.findtext("source", "") for c in ET.parse(ts).getroot().iter("context")
            if c.findtext("name") == context for m in c.iter("message")}


def test_several_long_documents_share_the_passages_sentence():
    a = Doc(300_000, sha256="1" * 64, file_name="a.pdf")
    b = Doc(300_000, sha256="2" * 64, file_name="b.pdf")
    plan = plan_delivery([a, b], context_tokens=32_000, reserved_tokens=0)
    text, notes = explain(plan)
    assert str(text) == plan.explanation
    assert str(notes[0].explanation).startswith("“a.pdf”: Document too long")
    assert str(notes[0].explanation).endswith("(from this and the other long documents).")


async def test_page_numbers_in_the_request_point_at_the_right_pages(store, library, tmp_path):
    path = tmp_path / "numbered.pdf"
    path.write_bytes(make_pdf(numbered_pages(30)))
    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        rec = Recorder()
        await engine.send(None, "What does pagemarker17 say?", attachments=[attach(library, path)],
                          options={"context_tokens": 8_192}, on_event=rec)
        await engine.aclose()
        (content,) = user_contents(fake, "openai")
    best = rec.found.sources[0]
    assert best.page == best.first_page == 17
    heading = "page 17]" if best.last_page == 17 else f"pages 17–{best.last_page}]"
    assert f"[passage 1: “numbered.pdf”, {heading}\npagemarker17 alpha" in content


# -- the wire format and the history's way out and back in ----------------------------------------

async def test_anthropic_provider_encodes_documents_and_a_bad_one_is_rejected_in_words():
    from desktop_chat.domain.messages import ChatMessage, DocumentPart
    from desktop_chat.providers import ChatRequest, ProviderConfig, create_provider
    from tests.fakes.anthropic_server import FakeAnthropic

    pdf = make_pdf(["one page"])
    good = ChatMessage.of("user", "Summarise.", (DocumentPart("a.pdf", base64.b64encode(pdf).decode()),))
    bad = ChatMessage.of("user", "Summarise.", (DocumentPart("b.pdf", base64.b64encode(b"GIF89a").decode()),))
    with FakeAnthropic() as fake:
        provider = create_provider("anthropic", ProviderConfig("anthropic", "Anthropic", fake.base_url, "k"))
        events = [e async for e in provider.stream(ChatRequest(model="claude-x", messages=[good]))]
        with pytest.raises(errors.RequestRejectedError) as caught:
            [e async for e in provider.stream(ChatRequest(model="claude-x", messages=[bad]))]
        await provider.aclose()
        first = fake.requests_to("/v1/messages")[0]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello, world!"
    assert anthropic_server.documents(first) == [pdf]
    assert first.json["messages"][0]["content"][1] == {"type": "text", "text": "Summarise."}
    assert "The PDF specified was not valid" in caught.value.message


async def test_export_and_import_carry_attachments_and_sources(store, library, tmp_path):
    from desktop_chat.store import export_json, import_json

    with fake_for("openai") as fake:
        engine = engine_for(store, library, "openai", fake)
        result = await engine.send(None, QUESTION, options={"context_tokens": 8192},
                                   attachments=[attach(library, sample("GeoTopo-komprimiert.pdf"))])
        await engine.aclose()
    exported = export_json(store)
    with Store(tmp_path / "other.sqlite3") as other:
        import_json(other, exported)
        question, answer = other.list_messages(result.message.conversation_id)
    assert question.documents == store.list_messages(result.message.conversation_id)[0].documents
    assert answer.delivery == result.message.delivery and answer.delivery.sources


def test_the_sentence_reaches_a_chinese_reader_in_chinese(qapp):
    from desktop_chat.ui.runtime import i18n
    from desktop_chat.ui.common.error_text import localized

    plan = plan_delivery([Doc(140_000)], context_tokens=8_192, reserved_tokens=500)
    text, _ = explain(plan)
    assert i18n.install_translator(qapp, "zh_CN") == "zh_CN"
    try:
        shown = localized(text, "")
    finally:
        i18n.install_translator(qapp, "en")
    assert shown == "文档太长，超出此模型的上下文（约 140,000 个 token，上下文共 8,192）：发送最相关的 6 个段落。"
