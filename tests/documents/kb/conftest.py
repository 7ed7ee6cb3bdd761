"""Knowledge-base fixtures: a generated corpus indexed once per module (the embedder loads once)."""

from __future__ import annotations

import pytest

from desktop_chat.documents.kb import KnowledgeBases
from tests.documents.kb.corpus import write_corpus


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory):
    """(KnowledgeBases with collection "corpus", fact index → (file, page), folder)."""
    root = tmp_path_factory.mktemp("kb-corpus")
    where = write_corpus(root / "docs")
    bases = KnowledgeBases.in_data_dir(root / "data")
    bases.create("corpus", [root / "docs"])
    report = bases.sync("corpus")
    assert not report.failed and report.chunks > len(where)
    yield bases, where, root / "docs"
    bases.close()
