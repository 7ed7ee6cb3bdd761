"""The vector servers behind the one interface: a real Chroma server (``chroma run`` from its own
venv, which scripts/test.sh makes), and Qdrant through its client's embedded mode (no Qdrant
server can be installed from the registries). Each must give the same passages as the
embedded default, and say clearly when the server is not there."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from desktop_chat.documents.kb import KbError, KnowledgeBases, ServerUnreachable
from tests.documents.kb.corpus import FACTS, recall_at, write_corpus

ROOT = Path(__file__).parents[3]


def chroma_binary() -> str:
    """$DESKTOP_CHAT_CHROMA, else .venv-chroma/bin/chroma in the checkout (scripts/test.sh makes it)."""
    candidate = os.environ.get("DESKTOP_CHAT_CHROMA") or str(ROOT / ".venv-chroma" / "bin" / "chroma")
    if not Path(candidate).is_file():
        message = f"no Chroma server here ({candidate}); scripts/test.sh installs one in .venv-chroma"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return candidate


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    binary = chroma_binary()
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma")
    log = (folder / "server.log").open("w")
    process = subprocess.Popen([binary, "run", "--path", str(folder / "db"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:  # a server start: poll its heartbeat
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (folder / "server.log").read_text()
            assert time.monotonic() < deadline, "the Chroma server did not start in 60 s"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("kb-backends")
    return root, write_corpus(root / "docs")


def _same_as_sqlite(bases: KnowledgeBases, name: str, where) -> None:
    bases.create("local", [bases.get(name).roots[0]])
    bases.sync("local")
    for fact in FACTS[:8]:
        for question in (fact.question, fact.question_zh):
            local = [(s.file_name, s.first_page, s.found_by) for s in bases.search("local", question, 5)]
            remote = [(s.file_name, s.first_page, s.found_by) for s in bases.search(name, question, 5)]
            assert remote == local, question
    assert recall_at(lambda q, k: bases.search(name, q, k), where, zh=True) >= 18


def test_qdrant_embedded_mode_gives_the_same_passages(corpus, tmp_path):
    root, where = corpus
    bases = KnowledgeBases.in_data_dir(tmp_path / "data")
    try:
        bases.create("q", [root / "docs"], backend={"kind": "qdrant", "path": str(tmp_path / "qdrant")})
        report = bases.sync("q")
        assert report.chunks > 0 and not report.failed
        collection = bases.get("q")
        counts = bases.store.counts(collection.id)
        assert counts["embedded"] == counts["chunks"]
        assert bases.store.vectors(collection.id) == ([], b"")  # the vectors live in Qdrant only
        _same_as_sqlite(bases, "q", where)
        # A deleted file's vectors leave the server too.
        (root / "docs" / "notes-2.md").rename(root / "notes-2.md.away")
        try:
            assert len(bases.sync("q").removed) == 1
            assert all(s.file_name != "notes-2.md" for s in bases.search("q", "Wind turbines island", 10))
        finally:
            (root / "notes-2.md.away").rename(root / "docs" / "notes-2.md")
        bases.remove("q")
    finally:
        bases.close()


def test_a_real_chroma_server_gives_the_same_passages(corpus, chroma_url, tmp_path):
    root, where = corpus
    bases = KnowledgeBases.in_data_dir(tmp_path / "data")
    try:
        bases.create("c", [root / "docs"], backend={"kind": "chroma", "url": chroma_url})
        report = bases.sync("c")
        assert report.chunks > 0 and not report.failed
        collection = bases.get("c")
        assert bases.store.vectors(collection.id) == ([], b"")
        listed = httpx.get(f"{chroma_url}/api/v2/tenants/default_tenant/databases/default_database/collections").json()
        (remote,) = [c for c in listed if c["name"].startswith(f"desktop-chat-{collection.id}-c")]
        count = httpx.get(f"{chroma_url}/api/v2/tenants/default_tenant/databases/default_database/collections/"
                          f"{remote['id']}/count").json()
        assert count == report.chunks
        _same_as_sqlite(bases, "c", where)
        bases.remove("c")
        listed = httpx.get(f"{chroma_url}/api/v2/tenants/default_tenant/databases/default_database/collections").json()
        assert all(c["id"] != remote["id"] for c in listed)
    finally:
        bases.close()


def test_an_unreachable_server_is_a_clear_message(tmp_path):
    (tmp_path / "a.md").write_text("Some text about harbours and ships.", encoding="utf-8")
    bases = KnowledgeBases.in_data_dir(tmp_path / "data")
    try:
        dead = f"http://127.0.0.1:{free_port()}"
        bases.create("c", [tmp_path / "a.md"], backend={"kind": "chroma", "url": dead})
        with pytest.raises(ServerUnreachable, match=f"Could not reach the Chroma server at {dead}"):
            bases.sync("c")
        with pytest.raises(ServerUnreachable):
            bases.search("c", "ships", 3)
        bases.create("q", [tmp_path / "a.md"], backend={"kind": "qdrant", "url": dead})
        with pytest.raises(KbError, match="Qdrant server"):
            bases.sync("q")
    finally:
        bases.close()
