"""Knowledge bases in the real window: a folder dropped on the picker becomes a collection,
indexed by a process of its own with progress and Cancel above the composer; the conversation
searches it for every question (the request carries the passage; the sources say how each was
found). Screenshots, light, dark and Chinese, under test-artifacts/knowledge-*.png."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMenu

from desktop_chat.documents.kb import KnowledgeBases
from desktop_chat import config
from tests.documents import make_pdf
from tests.documents.kb.corpus import FACTS, distractor_page, write_corpus
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import save, send, wait_done

ANSWER = "Passengers may bring **one bag of up to 8 kg** on board (report-5.pdf, p. 2)."


def _ready(qtbot, window):  # noqa: ANN001, ANN202
    qtbot.waitUntil(lambda: window.knowledge is not None, timeout=10_000)
    return window.knowledge


def _drop_folder(picker, folder: Path) -> None:  # noqa: ANN001
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    picker.dropEvent(event)


def _big_folder(tmp_path: Path, files: int = 24) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir()
    for n in range(files):
        (folder / f"minutes-{n:02}.pdf").write_bytes(make_pdf([distractor_page(n * 6 + p) for p in range(6)]))
    return folder


def test_drop_a_folder_index_it_and_ask_it(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai", Scenario(chunks=[ANSWER]))
    settings = configure("openai", fake)
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1180, 760)
    knowledge = _ready(qtbot, window)
    picker, panel = knowledge.picker, knowledge.panel
    assert picker.objectName() == "knowledgePicker" and panel.isHidden()
    # An icon button: the books icon alone (a square beside Attach) until a collection is chosen.
    assert picker.text() == "" and not picker.icon().isNull()
    assert picker.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert picker.width() == picker.height() == knowledge.window.composer_bar.attach_button.height()
    assert picker.accessibleName() == "Knowledge base for this conversation"
    assert picker.toolTip().startswith("Search your own documents by meaning")

    write_corpus(tmp_path / "Company handbook")
    _drop_folder(picker, tmp_path / "Company handbook")
    qtbot.waitUntil(lambda: panel.running and bool(panel.last.get("files_total")), timeout=30_000)
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    assert picker.current == "Company handbook"  # attached to the (new) conversation once ready
    # Chosen: its name beside the icon, the tooltip saying what every question searches.
    assert picker.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert picker.text() == "Company handbook" and "“Company handbook”" in picker.toolTip()
    assert "is ready: 12 files" in window.statusBar().currentMessage()

    fact = FACTS[21]  # hand luggage
    send(qtbot, window, fact.question_zh)
    wait_done(qtbot, window)
    (request,) = fake.requests_to("/chat/completions")
    sent = " ".join(request.json["messages"][-1]["content"].split())
    assert "Passages from the user's knowledge base “Company handbook”" in sent and fact.text in sent
    conversation = window.store.get_conversation(window.current_conversation_id)
    assert conversation.options["knowledge_base"] == "Company handbook"
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.wait(50)
    save(window, "knowledge-answer-light.png")

    # The menu lists the collections; choosing none detaches it from this conversation.
    picker.click()
    menu = picker.findChild(QMenu, "knowledgeMenu")
    qtbot.waitUntil(lambda: menu.isVisible(), timeout=10_000)
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels[0] == "No knowledge base" and labels[1].startswith("Company handbook (12 files, ")
    assert "New knowledge base from a folder…" in labels
    path = Path(save.__globals__["ARTIFACTS"]) / "knowledge-menu-light.png"  # a small popup: no size floor
    assert menu.grab().save(str(path)) and path.stat().st_size > 2_000
    menu.actions()[0].trigger()
    menu.hide()
    assert window.store.get_conversation(window.current_conversation_id).options.get("knowledge_base") is None
    assert picker.text() == "" and picker.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    window.new_conversation()
    window.open_conversation(conversation.id)
    assert picker.current is None


def test_indexing_progress_and_cancel_then_update_finishes(windows, qtbot, fakes, tmp_path):
    settings = configure("openai", fakes("openai"))
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1180, 760)
    knowledge = _ready(qtbot, window)
    panel = knowledge.panel
    folder = _big_folder(tmp_path)
    knowledge.create_from(folder)
    qtbot.waitUntil(lambda: panel.running and panel.last.get("files_done", 0) >= 2
                    and bool(panel.last.get("eta")), timeout=60_000)
    text = panel.label.text()
    assert text.startswith("Indexing “archive”: ") and " of 24 files · " in text and "left" in text
    assert panel.bar.maximum() == 24 and panel.bar.value() >= 2
    save(window, "knowledge-indexing-light.png")
    settings.theme = "dark"
    window.apply_settings()
    qtbot.wait(50)
    save(window, "knowledge-indexing-dark.png")

    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)
    assert panel.isHidden() and "stopped" in window.statusBar().currentMessage()
    with _bases() as bases:
        info = next(i for i in bases.infos() if i.name == "archive")
        assert info.files < 24  # stopped part-way: what was done is kept
    assert knowledge.picker.current is None  # not attached while unfinished

    knowledge.update("archive")  # the menu's "Update “archive”"
    qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
    assert "“archive” is ready: 24 files" in window.statusBar().currentMessage()
    with _bases() as bases:
        info = next(i for i in bases.infos() if i.name == "archive")
        assert (info.files, info.pending) == (24, 0)

    # Chinese.
    settings.language = "zh_CN"
    settings.theme = "light"
    window.apply_settings()
    try:
        qtbot.wait(50)
        assert QCoreApplication.translate("KnowledgePicker", "Knowledge base for this conversation") != (
            "Knowledge base for this conversation")
        (tmp_path / "more").mkdir()
        for n in range(12):
            (tmp_path / "more" / f"m{n}.pdf").write_bytes(make_pdf([distractor_page(500 + n * 6 + p)
                                                                   for p in range(6)]))
        knowledge.create_from(tmp_path / "more")
        qtbot.waitUntil(lambda: panel.running and panel.last.get("files_done", 0) >= 1
                        and bool(panel.last.get("eta")), timeout=60_000)
        save(window, "knowledge-indexing-zh.png")
        qtbot.waitUntil(lambda: not panel.running, timeout=120_000)
        qtbot.wait(50)
        save(window, "knowledge-ready-zh.png")
    finally:
        settings.language = "en"
        window.apply_settings()


class _bases:  # noqa: N801 - a context manager read as a phrase
    def __enter__(self) -> KnowledgeBases:
        self.bases = KnowledgeBases.in_data_dir(config.data_dir())
        return self.bases

    def __exit__(self, *exc: object) -> None:
        self.bases.close()
