"""Indexing a folder: sync by content hash, bad files skipped with a reason, cancel, and resume
after the indexing process is killed (a real subprocess, SIGKILL)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop_chat.documents.kb import KnowledgeBases
from tests.documents import make_pdf, sample
from tests.documents.kb.corpus import distractor_page, page_text


@pytest.fixture
def bases(tmp_path):
    bases = KnowledgeBases.in_data_dir(tmp_path / "data")
    yield bases
    bases.close()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "alpha.pdf").write_bytes(make_pdf([page_text(0), page_text(1)]))
    (folder / "beta.md").write_text(page_text(2), encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "gamma.txt").write_text(page_text(3), encoding="utf-8")
    (folder / "sub" / "ignored.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # not a document type
    (folder / ".hidden.md").write_text("a hidden file is not indexed", encoding="utf-8")
    return folder


def _names(bases: KnowledgeBases, name: str) -> dict[str, str]:
    collection = bases.get(name)
    return {Path(row.path).name: row.state for row in bases.store.files(collection.id)}


def test_a_folder_stays_in_sync_changed_added_and_deleted_files(bases, tmp_path):
    folder = _folder(tmp_path)
    bases.create("kb", [folder])
    first = bases.sync("kb")
    assert sorted(Path(p).name for p in first.added) == ["alpha.pdf", "beta.md", "gamma.txt"]
    assert _names(bases, "kb") == {"alpha.pdf": "indexed", "beta.md": "indexed", "gamma.txt": "indexed"}
    assert bases.search("kb", "Halvorsen turnover", 1)[0].file_name == "alpha.pdf"

    again = bases.sync("kb")  # nothing changed: nothing is read
    assert (again.unchanged, again.added, again.updated, again.chunks) == (3, [], [], 0)

    (folder / "beta.md").write_text(page_text(7), encoding="utf-8")  # changed
    (folder / "sub" / "gamma.txt").unlink()  # deleted
    (folder / "delta.txt").write_text(page_text(10), encoding="utf-8")  # added
    os.utime(folder / "alpha.pdf", ns=(1, 1))  # touched, same bytes: re-dated, not re-indexed
    report = bases.sync("kb")
    assert [Path(p).name for p in report.updated] == ["beta.md"]
    assert [Path(p).name for p in report.added] == ["delta.txt"]
    assert [Path(p).name for p in report.removed] == ["gamma.txt"]
    assert report.unchanged == 1 and report.pages == 2  # alpha.pdf was hashed, not extracted
    assert set(_names(bases, "kb")) == {"alpha.pdf", "beta.md", "delta.txt"}
    assert bases.search("kb", "ceramic bowl 6000 BC", 1)[0].file_name == "beta.md"
    assert all(s.file_name != "gamma.txt" for s in bases.search("kb", "vacation days carried over", 10))
    assert "Maren Tolvik" in bases.search("kb", "Maren Tolvik", 1)[0].text


def test_a_damaged_or_password_protected_file_is_reported_and_skipped_the_rest_indexed(bases, tmp_path):
    folder = _folder(tmp_path)
    shutil.copy(sample("libreoffice-writer-password.pdf"), folder / "locked.pdf")
    good = make_pdf([page_text(5)])
    (folder / "cut-off.pdf").write_bytes(good[: len(good) // 3])
    (folder / "fake.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    bases.create("kb", [folder])
    report = bases.sync("kb")
    failed = {Path(path).name: reason for path, reason in report.failed}
    assert set(failed) >= {"locked.pdf", "fake.pdf"}
    assert "password" in failed["locked.pdf"]
    assert "PNG" in failed["fake.pdf"]
    assert sorted(Path(p).name for p in report.added) == ["alpha.pdf", "beta.md", "gamma.txt"] + (
        ["cut-off.pdf"] if "cut-off.pdf" not in failed else [])
    states = _names(bases, "kb")
    assert states["locked.pdf"] == "failed" and states["alpha.pdf"] == "indexed"
    info = next(i for i in bases.infos() if i.name == "kb")
    assert info.failed >= 2 and info.files >= 3
    # A failed file is not retried until it changes.
    assert bases.sync("kb").failed == []


def test_cancel_stops_between_steps_and_the_next_pass_finishes(bases, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(6):
        (folder / f"doc-{n}.pdf").write_bytes(make_pdf([distractor_page(n * 5 + p) for p in range(5)]))
    bases.create("kb", [folder])
    cancel = threading.Event()
    seen = []

    def progress(p):
        seen.append(p)
        if p.files_done >= 2:
            cancel.set()

    report = bases.sync("kb", cancel=cancel, progress=progress)
    assert report.cancelled and 2 <= len(report.added) < 6
    assert any(p.eta is not None and p.eta > 0 for p in seen)
    assert {p.phase for p in seen} >= {"reading", "embedding"}
    assert seen[-1].phase == "done"
    rest = bases.sync("kb")
    assert not rest.cancelled and len(rest.added) + len(rest.resumed) == 6 - len(report.added)
    assert rest.unchanged == len(report.added)
    info = next(i for i in bases.infos() if i.name == "kb")
    assert (info.files, info.pending) == (6, 0)


def test_indexing_resumes_after_the_process_is_killed(tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    files = 16
    for n in range(files):
        (folder / f"part-{n:02}.pdf").write_bytes(make_pdf([distractor_page(n * 8 + p) for p in range(8)]))
    env = {**os.environ, "DESKTOP_CHAT_HOME": str(tmp_path / "home"), "PYTHONPATH": os.getcwd()}
    command = [sys.executable, "-m", "desktop_chat", "kb", "create", "big", str(folder), "--progress", "json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    killed_after = None
    for line in process.stdout:
        event = json.loads(line)
        if event.get("phase") == "embedding" and event["files_done"] >= 2:
            process.send_signal(signal.SIGKILL)  # no clean-up of any kind
            killed_after = event["files_done"]
            break
    process.wait(timeout=60)
    assert killed_after is not None and process.returncode == -signal.SIGKILL, process.stderr.read()

    bases = KnowledgeBases.in_data_dir(tmp_path / "home")
    try:
        done_before = next(i for i in bases.infos() if i.name == "big").files
        assert killed_after <= done_before < files
    finally:
        bases.close()
    update = subprocess.run([sys.executable, "-m", "desktop_chat", "kb", "update", "big", "--progress", "json"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert update.returncode == 0, update.stderr
    report = json.loads(update.stdout.splitlines()[-1])
    assert report["phase"] == "report" and report["unchanged"] == done_before  # not read again
    assert report["added"] + report["resumed"] == files - done_before
    bases = KnowledgeBases.in_data_dir(tmp_path / "home")
    try:
        info = next(i for i in bases.infos() if i.name == "big")
        assert (info.files, info.pending, info.failed) == (files, 0, 0)
        counts = bases.store.counts(info.collection.id)
        assert counts["embedded"] == counts["chunks"]
    finally:
        bases.close()
