"""DocumentLibrary: attach → cache, blob, index; and the package's import hygiene."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from desktop_chat.config import data_dir
from desktop_chat.documents import Cancelled, DocumentLibrary, PasswordRequired, TextQuality
from desktop_chat.documents.extraction import sha256_of
from tests.documents import make_pdf, numbered_pages, sample


def test_attach_then_ask(tmp_path):
    with DocumentLibrary(data_dir()) as library:
        doc = library.attach(sample("GeoTopo-komprimiert.pdf"))
        assert library.index.is_indexed(doc.sha256) and library.blobs.contains(doc.sha256)
        [top] = library.search([doc.sha256], "Jordanscher Kurvensatz", 1)
        assert top.page == 23


def test_a_document_without_text_is_kept_but_not_indexed():
    with DocumentLibrary(data_dir()) as library:
        data = make_pdf([""])  # one blank page
        doc = library.attach_bytes(data, "blank.pdf")
        assert doc.quality is TextQuality.NONE and doc.warnings == ("No text could be read from this file.",)
        assert not library.index.is_indexed(doc.sha256) and library.blobs.contains(doc.sha256)


def test_password_flow_through_the_library():
    with DocumentLibrary(data_dir()) as library:
        with pytest.raises(PasswordRequired):
            library.attach(sample("libreoffice-writer-password.pdf"))
        doc = library.attach(sample("libreoffice-writer-password.pdf"), password="openpassword")
        assert doc.encrypted and library.index.is_indexed(doc.sha256)


def test_cancel_during_attach_leaves_nothing_half_done():
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 3:
            cancel.set()

    with DocumentLibrary(data_dir()) as library:
        data = make_pdf(numbered_pages(50))
        with pytest.raises(Cancelled):
            library.attach_bytes(data, "long.pdf", cancel=cancel, progress=progress)
        for folder in (data_dir() / "cache" / "extracted", data_dir() / "attachments"):
            assert not folder.exists() or not any(folder.rglob("*")), folder
        assert library.index.search([sha256_of(data)], "pagemarker3", 3) == []


def test_importing_the_package_does_not_import_pymupdf_or_qt():
    code = ("import sys, desktop_chat.documents; "
            "print(sorted(m for m in ('pymupdf', 'fitz', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_full_disk_does_not_stop_an_attachment(monkeypatch, caplog):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with DocumentLibrary(data_dir()) as library:
        monkeypatch.setattr(library.cache, "put", disk_full)
        monkeypatch.setattr(library.blobs, "put", disk_full)
        doc = library.attach(sample("minimal-document.pdf"))
        assert doc.pages[0].startswith("Lorem ipsum") and library.index.is_indexed(doc.sha256)
    assert "No space left on device" in caplog.text
