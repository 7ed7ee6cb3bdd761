"""The embedders a user may choose instead of the built-in one, against a loopback server, and
what changing the embedder does (every vector recomputed, never two models mixed)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_chat.documents.kb import EmbedderSpec, KbError, KnowledgeBases
from desktop_chat.documents.kb.embedders import HttpEmbedder, Usem3Embedder
from tests.documents.kb.fake_embeddings import DIMENSIONS, FakeEmbeddings
from tests.documents.kb.corpus import page_text


def test_ollama_api_embed_wire_format():
    with FakeEmbeddings() as server:
        embedder = HttpEmbedder(EmbedderSpec("ollama", "nomic-embed-text", server.url))
        vectors = embedder.embed(["penguins cannot fly", "penguins cannot swim"])
        path, headers, body = server.requests[0]
    assert path == "/api/embed" and body == {"model": "nomic-embed-text", "input": ["penguins cannot fly",
                                                                                   "penguins cannot swim"]}
    assert "Authorization" not in headers
    assert vectors.shape == (2, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_openai_compatible_embeddings_wire_format_with_key_and_order_by_index():
    with FakeEmbeddings() as server:
        embedder = HttpEmbedder(EmbedderSpec("openai", "text-embedding-3-small", f"{server.url}/v1"), api_key="sk-test")
        vectors = embedder.embed(["alpha beta", "gamma delta", "alpha beta"])
        path, headers, body = server.requests[0]
    assert path == "/v1/embeddings" and body["model"] == "text-embedding-3-small"
    assert headers["Authorization"] == "Bearer sk-test"
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])  # rows in input order


def test_server_errors_are_sentences():
    with FakeEmbeddings(status=404) as server:
        with pytest.raises(KbError, match=r"answered 404: .*model not found"):
            HttpEmbedder(EmbedderSpec("ollama", "missing", server.url)).embed(["x"])
    with pytest.raises(KbError, match="Could not reach the embeddings server at http://127.0.0.1:9"):
        HttpEmbedder(EmbedderSpec("ollama", "m", "http://127.0.0.1:9")).embed(["x"])
    with pytest.raises(ValueError, match="needs a model and a URL"):
        EmbedderSpec("openai")


def test_the_built_in_embedder_is_multilingual_and_unit_length():
    vectors = Usem3Embedder().embed(["The cat sleeps on the sofa.", "猫在沙发上睡觉。", "Interest rates rose."])
    assert vectors.shape == (3, 512)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2


def test_changing_the_embedder_recomputes_every_vector(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.md").write_text(page_text(n), encoding="utf-8")
    bases = KnowledgeBases.in_data_dir(tmp_path / "data")
    try:
        bases.create("kb", [folder])
        bases.sync("kb")
        collection = bases.get("kb")
        ids, blob = bases.store.vectors(collection.id)
        assert len(blob) == len(ids) * 512 * 4
        with FakeEmbeddings() as server:
            bases.set_embedder("kb", EmbedderSpec("ollama", "nomic-embed-text", server.url))
            assert bases.store.vectors(collection.id) == ([], b"")  # old vectors gone at once
            report = bases.sync("kb")
            assert len(report.resumed) == 3 and report.pages == 0  # re-embedded, not re-read
            ids, blob = bases.store.vectors(collection.id)
            assert len(blob) == len(ids) * DIMENSIONS * 4
            assert bases.search("kb", "Brackenridge observatory", 1)[0].file_name == "1.md"
    finally:
        bases.close()
