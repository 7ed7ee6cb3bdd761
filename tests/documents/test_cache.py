"""The extraction cache and the blob store, in the test's own data dir."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil

import pytest

from desktop_chat.config import data_dir
from desktop_chat.documents import BlobStore, DocumentLibrary, ExtractionCache, FileMissing, extract
from desktop_chat.documents import library as library_module
from tests.documents import sample


@pytest.fixture
def library():
    with DocumentLibrary(data_dir()) as lib:
        yield lib


def test_the_same_bytes_under_another_name_come_from_the_cache(library, tmp_path, monkeypatch):
    first = library.attach(sample("pdflatex-4-pages.pdf"))
    entry = data_dir() / "cache" / "extracted" / f"{first.sha256}.json.gz"
    assert entry.is_file()

    moved = tmp_path / "elsewhere" / "renamed copy.pdf"
    moved.parent.mkdir()
    shutil.copyfile(sample("pdflatex-4-pages.pdf"), moved)

    def no_extraction(*args, **kwargs):
        raise AssertionError("the cached text should have been used")

    monkeypatch.setattr(library_module, "extract_bytes", no_extraction)
    progress = []
    again = library.attach(moved, progress=lambda done, total: progress.append((done, total)))
    assert again.file_name == "renamed copy.pdf"
    assert again.pages == first.pages and again.sha256 == first.sha256
    assert again.renamed(first.file_name) == first
    assert progress == [(4, 4)]


def test_cache_round_trip_and_what_is_stored(tmp_path):
    cache = ExtractionCache(tmp_path / "cache")
    doc = extract(sample("pdflatex-forms.pdf"))
    assert cache.get(doc.sha256) is None
    cache.put(doc)
    assert cache.get(doc.sha256) == doc
    assert cache.get(doc.sha256, "other.pdf") == doc.renamed("other.pdf")
    raw = json.loads(gzip.decompress((tmp_path / "cache" / f"{doc.sha256}.json.gz").read_bytes()))
    assert raw["pages"] == list(doc.pages) and raw["quality"] == "low" and raw["form_fields"] == 3
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [f"{doc.sha256}.json.gz"]  # no temp files left


def test_a_damaged_or_outdated_entry_is_a_miss(tmp_path):
    cache = ExtractionCache(tmp_path)
    doc = extract(sample("minimal-document.pdf"))
    path = tmp_path / f"{doc.sha256}.json.gz"
    path.write_bytes(b"not gzip at all")
    assert cache.get(doc.sha256) is None
    assert not path.exists()  # deleted, so the next put rebuilds it

    stale = doc.to_dict() | {"version": -1}
    path.write_bytes(gzip.compress(json.dumps(stale).encode()))
    assert cache.get(doc.sha256) is None


def test_cache_keys_must_be_digests(tmp_path):
    with pytest.raises(ValueError):
        ExtractionCache(tmp_path).get("../../etc/passwd")
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path("0" * 63 + "/")


def test_blob_store_round_trip(tmp_path):
    blobs = BlobStore.in_data_dir(tmp_path)
    data = sample("GeoTopo-komprimiert.pdf").read_bytes()
    digest = blobs.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert blobs.path(digest) == tmp_path / "attachments" / digest[:2] / digest
    assert blobs.contains(digest) and blobs.get(digest, verify=True) == data
    assert blobs.put(data) == digest  # idempotent
    assert sorted(p.name for p in blobs.path(digest).parent.iterdir()) == [digest]  # no temp files left
    blobs.delete(digest)
    with pytest.raises(FileMissing, match="attach it again"):
        blobs.get(digest)


def test_a_damaged_blob_is_caught_when_verified(tmp_path):
    blobs = BlobStore(tmp_path)
    digest = blobs.put(b"%PDF-1.4 original")
    blobs.path(digest).write_bytes(b"%PDF-1.4 tampered")
    assert blobs.get(digest) == b"%PDF-1.4 tampered"
    with pytest.raises(FileMissing, match="damaged"):
        blobs.get(digest, verify=True)


def test_resending_works_after_the_original_file_is_gone(library, tmp_path):
    path = tmp_path / "paper.pdf"
    shutil.copyfile(sample("minimal-document.pdf"), path)
    doc = library.attach(path)
    path.unlink()
    assert library.original(doc.sha256) == sample("minimal-document.pdf").read_bytes()

    # Even with the text cache emptied, the text comes back from the stored bytes.
    shutil.rmtree(data_dir() / "cache")
    again = library.document(doc.sha256, "paper.pdf")
    assert again == doc
