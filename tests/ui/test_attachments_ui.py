"""Attachments in the real window: drops, chips, bad files, sending, sources and the page preview,
through the real engine, the real DocumentLibrary and the real SDKs against the loopback fakes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel

from desktop_chat import config
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.composer.attachment_chips import AttachmentChip, ChipState
from desktop_chat.ui.composer.attachment_loader import CONCURRENCY
from desktop_chat.ui.composer.composer import LARGE_PASTE_CHARS
from desktop_chat.ui.composer.page_preview import PagePreviewDialog
from desktop_chat.ui.messages.sources_view import DocumentChips, SourcesPanel
from tests.documents import make_pdf, numbered_pages, sample
from tests.fakes import anthropic_server
from tests.ui.conftest import configure
from tests.ui.window_actions import drop

FACT = "The lighthouse keeper of Port Elwin is named Marguerite Osei."
QUESTION = "Who is the lighthouse keeper of Port Elwin?"
FACT_PAGE = 37


# -- helpers ---------------------------------------------------------------------------------------

def chips(window) -> list[AttachmentChip]:  # noqa: ANN001
    return window.attachments.tray.chips()


def wait_chips(qtbot, window, count: int = 1, state: ChipState = ChipState.READY, timeout: int = 30_000):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: len(chips(window)) == count and all(c.state == state for c in chips(window)),
                    timeout=timeout)
    return chips(window)


def send(qtbot, window, text: str) -> None:  # noqa: ANN001
    window.composer.setFocus()
    window.composer.setPlainText(text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


def wait_answer(qtbot, window, timeout: int = 20_000):  # noqa: ANN001, ANN201
    def done() -> bool:
        cid = window.current_conversation_id
        if cid is None or window.controller.is_streaming(cid):
            return False
        answers = [m for m in window.store.list_messages(cid) if m.role == "assistant"]
        return bool(answers) and answers[-1].status == MessageStatus.COMPLETE

    qtbot.waitUntil(done, timeout=timeout)
    return [m for m in window.store.list_messages(window.current_conversation_id) if m.role == "assistant"][-1]


def user_texts(fake, request: int = -1) -> list[str]:  # noqa: ANN001
    body = fake.requests_to("/chat/completions")[request].json
    return [m["content"] if isinstance(m["content"], str) else str(m["content"])
            for m in body["messages"] if m["role"] == "user"]


def pdf(tmp_path: Path, name: str, pages: list[str]) -> Path:
    path = tmp_path / name
    path.write_bytes(make_pdf(pages))
    return path


def long_pdf(tmp_path: Path, pages: int = 60) -> Path:
    texts = numbered_pages(pages)
    texts[FACT_PAGE - 1] = f"pagemarker{FACT_PAGE} {FACT} " + texts[FACT_PAGE - 1].split(" ", 1)[1]
    return pdf(tmp_path, "handbook.pdf", texts)


def repeated_pages_pdf(path: Path, count: int) -> Path:
    """A PDF of *count* pages, quickly: ten pages of text copied over and over."""
    import pymupdf

    source = pymupdf.open(stream=make_pdf(numbered_pages(10, words_per_page=60)), filetype="pdf")
    out = pymupdf.open()
    while out.page_count < count:
        out.insert_pdf(source, to_page=min(9, count - out.page_count - 1))
    path.write_bytes(out.tobytes())
    return path


class WatchedLibrary:
    """The window's real DocumentLibrary, watched from the worker threads: how many attach at
    once, every progress call, each outcome; with `hold_at`, the worker waits at that page until
    the test sets `release`."""

    def __init__(self, real, hold_at: int | None = None) -> None:  # noqa: ANN001
        self.real = real
        self.hold_at = hold_at
        self.reached = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.progress: list[list[tuple[int, int]]] = []
        self.outcomes: list[object] = []

    def attach(self, path, **kw):  # noqa: ANN001, ANN201
        return self._run(self.real.attach, path, **kw)

    def attach_bytes(self, data, name, **kw):  # noqa: ANN001, ANN201
        return self._run(self.real.attach_bytes, data, name, **kw)

    def _run(self, fn, *args, progress=None, **kw):  # noqa: ANN001, ANN201
        calls: list[tuple[int, int]] = []

        def watch(done: int, total: int) -> None:
            calls.append((done, total))
            if progress is not None:
                progress(done, total)
            if self.hold_at is not None and done == self.hold_at:
                self.reached.set()
                self.release.wait(30)

        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            result = fn(*args, progress=watch, **kw)
            self.outcomes.append(result)
            return result
        except BaseException as exc:
            self.outcomes.append(exc)
            raise
        finally:
            with self.lock:
                self.active -= 1
            self.progress.append(calls)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.real, name)


def watch(window, **kw) -> WatchedLibrary:  # noqa: ANN001
    watched = WatchedLibrary(window.documents, **kw)
    window.attachments.loader.library = watched
    return watched


# -- drop, ask, see the sources, open the page -----------------------------------------------------

def test_a_dropped_long_pdf_is_answered_from_its_passages_with_the_page_shown(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))  # "gpt-test": unknown, so an 8,192-token context
    path = long_pdf(tmp_path)
    assert drop(window, path)
    (chip,) = chips(window)
    assert chip.title == "handbook.pdf"  # at once, before anything was read
    wait_chips(qtbot, window)
    assert "60 pages" in chip.detail_label.text() and "tokens" in chip.detail_label.text()

    send(qtbot, window, QUESTION)
    answer = wait_answer(qtbot, window)
    assert answer.text == "Hello, world!"
    assert chips(window) == []  # sent: the chips are gone, the document is on the question
    (question,) = user_texts(fake)
    assert FACT in question and "<passages>" in question
    assert "pagemarker59" not in question  # passages, not the whole document

    widget = window.view.message_widget(answer.id)
    panel = widget.findChild(SourcesPanel, "sourcesPanel")
    assert panel is not None and panel.isVisible()
    assert panel.explanation.text().startswith("Document too long for this model's context")
    assert panel.delivery.sources[0].page == FACT_PAGE
    first = panel.source_buttons()[0]
    assert f"p. {FACT_PAGE}" in first.text() or f"pp. {FACT_PAGE}" in first.text()
    assert panel.mapTo(widget, panel.rect().topLeft()).y() > widget.body.y()  # references under the text

    user_widget = window.view.message_widget(window.store.list_messages(answer.conversation_id)[0].id)
    documents = user_widget.findChild(DocumentChips, "messageDocuments")
    assert [b.text() for b in documents.buttons()] == ["handbook.pdf · 60 pages"]

    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    dialog = window.findChild(PagePreviewDialog, "pagePreviewDialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.image.pixmap().isNull(), timeout=20_000)
    assert dialog.page == FACT_PAGE and dialog.image.pixmap().width() > 0 and dialog.image.pixmap().height() > 0
    assert dialog.page_count == 60
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.page == FACT_PAGE + 1, timeout=20_000)
    dialog.close()

    # A follow-up needs no attaching: the document goes again, planned for the new question.
    send(qtbot, window, "What does pagemarker12 say?")
    wait_answer(qtbot, window)
    assert "pagemarker12" in user_texts(fake)[-1] and "<passages>" in user_texts(fake)[-1]

    # Reopened, the answers show the same sources, from history.
    cid = window.current_conversation_id
    window.new_conversation()
    window.open_conversation(cid)
    reopened = window.view.message_widget(answer.id).findChild(SourcesPanel, "sourcesPanel")
    assert reopened is not None and reopened.delivery.sources[0].page == FACT_PAGE


def test_claude_gets_the_pdf_itself_and_the_answer_says_so(windows, qtbot, fakes):
    fake = fakes("anthropic")
    window = windows.new(configure("anthropic", fake))
    path = sample("pdflatex-4-pages.pdf")
    drop(window, path)
    wait_chips(qtbot, window)
    send(qtbot, window, "What is this about?")
    answer = wait_answer(qtbot, window)
    (request,) = fake.requests_to("/v1/messages")
    assert anthropic_server.documents(request) == [path.read_bytes()]
    panel = window.view.message_widget(answer.id).findChild(SourcesPanel, "sourcesPanel")
    assert panel.explanation.text().startswith("Sending the PDF itself (4 pages")
    assert panel.source_buttons() == [] and not panel.more_button.isVisible()


def test_edit_and_resend_keeps_the_documents(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    drop(window, pdf(tmp_path, "atlantis.pdf", ["The capital of Atlantis is Poseidonia."]))
    wait_chips(qtbot, window)
    send(qtbot, window, "What is the capital?")
    wait_answer(qtbot, window)
    question = window.store.list_messages(window.current_conversation_id)[0]
    window.message_actions.edit_resend(question.id, "Which city is the capital?")
    qtbot.waitUntil(lambda: len(fake.requests_to("/chat/completions")) == 2, timeout=10_000)
    wait_answer(qtbot, window)
    assert "Poseidonia" in user_texts(fake)[-1] and "Which city" in user_texts(fake)[-1]


# -- chips: reading, cancelling, passwords, bad files -----------------------------------------------

def test_removing_a_chip_mid_extraction_cancels_it(windows, qtbot, tmp_path):
    window = windows.new()
    watched = watch(window, hold_at=5)
    drop(window, repeated_pages_pdf(tmp_path / "big.pdf", 400))
    qtbot.waitUntil(watched.reached.is_set, timeout=20_000)
    (chip,) = chips(window)
    qtbot.waitUntil(lambda: chip.state == ChipState.READING and "of 400" in chip.detail_label.text(), timeout=5_000)
    send_button = window.composer_bar.send_button
    window.composer.setPlainText("a question")
    assert not send_button.isEnabled() and "stays here" in send_button.toolTip()

    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    watched.release.set()
    qtbot.waitUntil(lambda: bool(watched.outcomes), timeout=20_000)
    assert type(watched.outcomes[0]).__name__ == "Cancelled"
    assert max(done for done, _ in watched.progress[0]) < 400  # it stopped, it did not read on
    assert chips(window) == [] and not window.attachments.tray.isVisible()
    assert send_button.isEnabled() and window.composer.toPlainText() == "a question"
    assert window.statusBar().currentMessage() == ""  # cancelling is not an error


def test_while_a_file_is_read_enter_waits_and_keeps_the_text(windows, qtbot, tmp_path):
    window = windows.new()
    watched = watch(window, hold_at=2)
    drop(window, pdf(tmp_path, "slow.pdf", ["one", "two", "three"]))
    qtbot.waitUntil(watched.reached.is_set, timeout=20_000)
    send(qtbot, window, "Summarise it")
    assert window.composer.toPlainText() == "Summarise it"
    assert "Still reading “slow.pdf”" in window.statusBar().currentMessage()
    assert window.current_conversation_id is None  # nothing was sent or stored
    watched.release.set()
    wait_chips(qtbot, window)
    assert window.composer_bar.send_button.isEnabled()


def test_a_password_protected_pdf_asks_again_after_a_wrong_password(windows, qtbot):
    window = windows.new()
    drop(window, sample("libreoffice-writer-password.pdf"))

    def dialog() -> QInputDialog | None:
        found = [d for d in window.findChildren(QInputDialog, "pdfPasswordDialog") if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: dialog() is not None, timeout=20_000)
    first = dialog()
    assert "protected by a password" in first.labelText()
    assert first.textEchoMode().name == "Password"
    assert chips(window)[0].state == ChipState.PASSWORD and window.attachments.tray.busy()
    first.setTextValue("permissionpassword-not")
    first.accept()
    qtbot.waitUntil(lambda: dialog() is not None and dialog() is not first, timeout=20_000)
    second = dialog()
    assert "not correct" in second.labelText()
    second.setTextValue("openpassword")
    second.accept()
    (chip,) = wait_chips(qtbot, window)
    assert chip.attachment.encrypted and chip.attachment.page_count == 1


def test_cancelling_the_password_removes_the_chip(windows, qtbot):
    window = windows.new()
    drop(window, sample("libreoffice-writer-password.pdf"))
    qtbot.waitUntil(lambda: window.findChild(QInputDialog, "pdfPasswordDialog") is not None, timeout=20_000)
    window.findChild(QInputDialog, "pdfPasswordDialog").reject()
    qtbot.waitUntil(lambda: chips(window) == [])
    assert not window.attachments.tray.busy()


@pytest.mark.parametrize("name, content, expected", [
    ("photo.pdf", "png", "“photo.pdf” is a PNG image, not a PDF."),
    ("empty.pdf", b"", "“empty.pdf” is empty (0 bytes): there is nothing to read."),
    ("notes.txt", b"\x00\x01\x02\x03binary\x00" * 50, "“notes.txt” is not a text file: it holds binary data."),
    ("cut.pdf", "truncated", "“cut.pdf” cannot be opened: the file seems to be cut off"),
    ("tree.pdf", "damaged tree", "“tree.pdf” has no readable pages: its page structure is damaged."),
])
def test_a_file_that_cannot_be_read_says_why_on_its_chip(windows, qtbot, tmp_path, name, content, expected):
    if content == "png":
        import pymupdf

        pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), 0)
        content = pixmap.tobytes("png")
    elif content == "truncated":
        content = make_pdf(["some text"])[:200]
    elif content == "damaged tree":
        content = sample("unreadablemetadata.pdf").read_bytes()
    path = tmp_path / name
    path.write_bytes(content)
    window = windows.new()
    drop(window, path)
    (chip,) = wait_chips(qtbot, window, state=ChipState.FAILED)
    assert chip.error_text.startswith(expected)
    assert window.statusBar().currentMessage().startswith(expected)
    assert expected in chip.toolTip()
    assert not window.attachments.tray.busy() and window.attachments.tray.attachments() == []


def test_a_cut_off_pdf_that_opens_carries_its_warnings_on_the_chip(windows, qtbot, tmp_path):
    path = tmp_path / "partial.pdf"
    path.write_bytes(make_pdf(["some text on the only page"])[:600])
    window = windows.new()
    drop(window, path)
    (chip,) = wait_chips(qtbot, window)
    assert "The file seems to be cut off" in chip.toolTip()
    assert chip.icon.pixmap().toImage() != window.style().standardIcon(
        window.style().StandardPixmap.SP_FileIcon).pixmap(16, 16).toImage()  # a warning sign instead


def test_a_scan_says_it_has_no_text(windows, qtbot, tmp_path):
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    picture = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 60), 0)
    picture.clear_with(200)
    page.insert_image(page.rect, pixmap=picture)
    path = tmp_path / "scan.pdf"
    path.write_bytes(doc.tobytes())
    window = windows.new()
    drop(window, path)
    (chip,) = wait_chips(qtbot, window)
    assert "no extractable text" in chip.detail_label.text()
    assert "Claude can still read it as a PDF" in chip.toolTip()
    assert chip.attachment.quality == "none"


def test_a_missing_file_a_folder_and_other_types_are_named(windows, qtbot, tmp_path):
    window = windows.new()
    drop(window, tmp_path / "gone.pdf")
    (chip,) = wait_chips(qtbot, window, state=ChipState.FAILED)
    assert chip.error_text == "“gone.pdf” was not found: it may have been moved or deleted."

    folder = tmp_path / "reports"
    folder.mkdir()
    picture = tmp_path / "holiday.tiff"
    picture.write_bytes(b"II*\x00" + b"\x00" * 100)
    drop(window, folder, picture)
    qtbot.waitUntil(lambda: "folder" in window.statusBar().currentMessage(), timeout=10_000)
    message = window.statusBar().currentMessage()
    assert "“reports” is a folder: drop the files inside it instead." in message
    assert ("“holiday.tiff” cannot be attached: it is a TIFF image. Only PDF, .txt and .md files and PNG, JPEG, "
            "WebP and GIF images can be read.") in message
    assert len(chips(window)) == 1  # only the missing PDF's chip


def test_many_files_at_once_queue_behind_a_small_limit(windows, qtbot, tmp_path):
    window = windows.new()
    watched = watch(window, hold_at=1)
    paths = [pdf(tmp_path, f"file{n:02}.pdf", [f"document number {n}"]) for n in range(12)]
    drop(window, *paths)
    assert [c.title for c in chips(window)] == [p.name for p in paths]
    qtbot.waitUntil(lambda: sum(c.state == ChipState.READING for c in chips(window)) == CONCURRENCY, timeout=10_000)
    assert sum(c.state == ChipState.QUEUED for c in chips(window)) == 12 - CONCURRENCY
    watched.release.set()
    wait_chips(qtbot, window, 12)
    assert watched.max_active <= CONCURRENCY
    assert len({a.sha256 for a in window.attachments.tray.attachments()}) == 12


def test_the_same_file_again_comes_from_the_cache_and_once(windows, qtbot, tmp_path):
    window = windows.new()
    watched = watch(window)
    path = pdf(tmp_path, "twice.pdf", [f"page {n} text" for n in range(1, 9)])
    drop(window, path)
    (chip,) = wait_chips(qtbot, window)
    assert watched.progress[0] == [(n, 8) for n in range(1, 9)]  # read page by page
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    drop(window, path)
    wait_chips(qtbot, window)
    assert watched.progress[1] == [(8, 8)]  # from the cache: no page read again
    drop(window, path)  # while it is attached: one chip, and a word about it
    qtbot.waitUntil(lambda: "already attached" in window.statusBar().currentMessage(), timeout=10_000)
    assert len(chips(window)) == 1


def test_the_chips_choice_of_whole_or_passages_reaches_the_request(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    path = pdf(tmp_path, "short.pdf", numbered_pages(4, words_per_page=100))

    drop(window, path)
    (chip,) = wait_chips(qtbot, window)
    assert chip.mode_button.text() == "Auto ▾"
    send(qtbot, window, "What does pagemarker3 say?")
    wait_answer(qtbot, window)
    whole = user_texts(fake)[-1]

    window.new_conversation()
    drop(window, path)
    (chip,) = wait_chips(qtbot, window)
    chip.mode_actions["retrieval"].trigger()  # the chip's menu: "Only the passages that match the question"
    assert chip.attachment.override == "retrieval" and chip.mode_button.text() == "Passages ▾"
    send(qtbot, window, "What does pagemarker3 say?")
    wait_answer(qtbot, window)
    passages = user_texts(fake)[-1]

    assert "[page 1]" in whole and "[page 4]" in whole and "<passages>" not in whole
    assert "<passages>" in passages and "[page 1]\n" not in passages and whole != passages
    stored = window.store.list_messages(window.current_conversation_id)[0].documents
    assert [d.override for d in stored] == ["retrieval"]


def test_a_document_whose_stored_copies_vanished_keeps_the_text_and_the_chip(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    path = pdf(tmp_path, "vanishing.pdf", ["This document will vanish from the data folder."])
    drop(window, path, pdf(tmp_path, "staying.pdf", ["This one stays."]))
    chip, other = wait_chips(qtbot, window, 2)
    other.set_override("whole")
    sha = chip.attachment.sha256
    path.unlink()  # the original is gone…
    library = window.documents  # …and so are the copies the library kept (a cleaned data dir)
    library.blobs.path(sha).unlink()
    library.cache._path(sha).unlink()

    send(qtbot, window, "What does it say?")
    qtbot.waitUntil(lambda: "no longer available" in window.statusBar().currentMessage(), timeout=10_000)
    assert window.composer.toPlainText() == "What does it say?"
    kept, stayed = chips(window)  # both back, in their order
    assert kept.state == ChipState.FAILED and "vanishing.pdf" in kept.error_text
    assert stayed.state == ChipState.READY and stayed.attachment.override == "whole"
    assert window.current_conversation_id is None and window.store.list_conversations() == []
    assert fake.requests_to("/chat/completions") == []


def test_a_source_whose_stored_copy_is_gone_says_so_in_the_preview(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    drop(window, long_pdf(tmp_path))
    wait_chips(qtbot, window)
    send(qtbot, window, QUESTION)
    answer = wait_answer(qtbot, window)
    panel = window.view.message_widget(answer.id).findChild(SourcesPanel, "sourcesPanel")
    window.documents.blobs.path(panel.delivery.sources[0].sha256).unlink()
    qtbot.mouseClick(panel.source_buttons()[0], Qt.MouseButton.LeftButton)
    dialog = window.findChild(PagePreviewDialog, "pagePreviewDialog")
    qtbot.waitUntil(lambda: "stored copy" in dialog.status.text(), timeout=20_000)
    assert "Attach the file again" in dialog.status.text() and dialog.image.pixmap().isNull()
    dialog.close()


# -- pastes, big files, the command line ----------------------------------------------------------

def test_a_10_mb_paste_becomes_a_text_attachment_and_the_window_keeps_running(windows, qtbot):
    window = windows.new()
    text = ("A long pasted log line with some words in it, number 1234567890.\n" * 160_000)[:10_000_000]
    assert len(text) == 10_000_000 > LARGE_PASTE_CHARS
    mime = QMimeData()
    mime.setText(text)
    QGuiApplication.clipboard().setMimeData(mime)
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    window.composer.setFocus()
    window.composer.paste()
    assert window.composer.toPlainText() == ""  # not into the editor
    (chip,) = chips(window)
    assert chip.title == "Pasted text"
    assert "attached as a file" in window.statusBar().currentMessage()
    assert "10 MB" in window.statusBar().currentMessage()
    wait_chips(qtbot, window, timeout=120_000)
    heartbeat.stop()
    assert chip.attachment.kind == "text" and chip.attachment.size_bytes == 10_000_000
    assert chip.attachment.file_name == "pasted-text.txt"
    assert len(ticks) > 3  # the loop kept turning while the text was read and indexed


def test_a_short_paste_goes_into_the_editor_and_a_pasted_pdf_is_attached(windows, qtbot):
    window = windows.new()
    mime = QMimeData()
    mime.setText("just a few words")
    QGuiApplication.clipboard().setMimeData(mime)
    window.composer.paste()
    assert window.composer.toPlainText() == "just a few words"
    mime = QMimeData()
    mime.setData("application/pdf", make_pdf(["pasted pdf page"]))
    QGuiApplication.clipboard().setMimeData(mime)
    window.composer.paste()
    (chip,) = wait_chips(qtbot, window)
    assert chip.title == "Pasted PDF" and chip.attachment.kind == "pdf"
    assert window.composer.toPlainText() == "just a few words"


def test_pasted_files_are_attached_and_a_pasted_picture_becomes_an_image(windows, qtbot, tmp_path):
    from PySide6.QtGui import QImage

    window = windows.new()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf(tmp_path, "copied.pdf", ["copied in a file manager"])))])
    mime.setText(str(tmp_path / "copied.pdf"))  # file managers put the path as text too
    QGuiApplication.clipboard().setMimeData(mime)
    window.composer.paste()
    (chip,) = wait_chips(qtbot, window)
    assert chip.title == "copied.pdf" and window.composer.toPlainText() == ""
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(0xFF8800)
    QGuiApplication.clipboard().setImage(image)
    window.composer.paste()  # a picture: an image chip (tests/ui/test_images_ui.py), not text, not a document
    qtbot.waitUntil(lambda: window.attachments.images.has_ready(), timeout=10_000)
    assert window.composer.toPlainText() == "" and len(chips(window)) == 1


def test_files_dropped_on_the_editor_are_attached_not_typed(windows, qtbot, tmp_path):
    window = windows.new()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf(tmp_path, "into-editor.pdf", ["text"])))])
    assert window.composer.canInsertFromMimeData(mime)
    window.composer.insertFromMimeData(mime)
    wait_chips(qtbot, window)
    assert window.composer.toPlainText() == ""


def test_a_drag_over_the_conversation_reaches_the_window(windows, qtbot, tmp_path):
    window = windows.new()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "any.pdf"))])
    event = QDragEnterEvent(window.view.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    event.setAccepted(False)
    QApplication.sendEvent(window.view, event)  # the message view does not take drops: its window does
    assert event.isAccepted()
    del event, mime  # the event first: it points at the mime data


def test_a_2000_page_pdf_reports_progress_sparingly(windows, qtbot, tmp_path):
    window = windows.new()
    path = repeated_pages_pdf(tmp_path / "huge.pdf", 2000)
    reports: list[tuple[int, int]] = []
    window.attachments.loader.progressed.connect(lambda _key, done, total: reports.append((done, total)))
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(10)
    drop(window, path)
    (chip,) = wait_chips(qtbot, window, timeout=120_000)
    heartbeat.stop()
    assert chip.attachment.page_count == 2000
    assert reports[-1] == (2000, 2000)
    assert len(reports) < 200  # ≤ 10 a second, not one per page
    assert len(ticks) > 3


def test_files_on_the_command_line_are_attached_to_a_new_conversation(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    settings = configure("openai", fake)
    first = windows.new(settings)
    send(qtbot, first, "An earlier conversation")
    wait_answer(qtbot, first)
    windows.close(first)

    report = pdf(tmp_path, "report.pdf", ["Quarterly numbers: revenue grew by 12 percent."])
    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")  # cut off after the magic: the built-in models refuse it
    window = windows.new(config.load_settings(), files=(str(report), str(model)))
    assert window.current_conversation_id is None  # a new conversation, not the last one
    (chip,) = wait_chips(qtbot, window)
    assert chip.title == "report.pdf"
    qtbot.waitUntil(lambda: "tiny.gguf" in window.statusBar().currentMessage(), timeout=10_000)
    assert "“tiny.gguf” is not a GGUF model file" in window.statusBar().currentMessage()
    send(qtbot, window, "How much did revenue grow?")
    wait_answer(qtbot, window)
    assert "12 percent" in user_texts(fake)[-1]


def test_the_chip_and_sources_are_named_for_screen_readers(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    window = windows.new(configure("openai", fake))
    assert window.composer_bar.attach_button.accessibleName() == "Attach files"
    drop(window, long_pdf(tmp_path))
    (chip,) = wait_chips(qtbot, window)
    assert chip.remove_button.accessibleName() == "Remove handbook.pdf"
    assert chip.mode_button.accessibleName() == "How to send handbook.pdf"
    assert chip.accessibleName().startswith("handbook.pdf: 60 pages")
    send(qtbot, window, QUESTION)
    answer = wait_answer(qtbot, window)
    panel = window.view.message_widget(answer.id).findChild(SourcesPanel, "sourcesPanel")
    assert panel.source_buttons()[0].accessibleName() == f"Source: handbook.pdf, page {FACT_PAGE}"
    assert all(isinstance(label, QLabel) for label in panel.findChildren(QLabel, "sourceExcerpt"))
