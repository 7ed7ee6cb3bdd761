"""An answer about documents: its "[n]" link to the references under it, the quiet line that
says how the documents were sent, and the file dialog that remembers its folder."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QWidget

from desktop_chat.domain.messages import Delivery, DocumentNote, Message, SourceRef
from desktop_chat.domain.texts import Text
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer
from desktop_chat.ui.messages.message_widget import MessageWidget
from desktop_chat.ui.messages.sources_view import SourcesPanel, show_documents

PLAN = Text.verbatim("Document too long for this model's context (≈ 52,000 tokens of 32,000): "
                     "sending the 5 most relevant passages.")


def delivery(count: int = 5) -> Delivery:
    sources = tuple(SourceRef("handbook.pdf", "h" * 64, 10 + n, f"Passage {n} says something about the harbour.",
                              10 + n, 10 + n, 5.0 - n) for n in range(1, count + 1))
    note = DocumentNote("h" * 64, "handbook.pdf", "retrieval", "too_long", 0, PLAN)
    return Delivery(PLAN, (note,), sources, 32_000)


def answer(text: str, sent: Delivery | None = None) -> Message:
    return Message("a1", "c1", "assistant", text, attachments=[(sent or delivery()).to_dict()])


def _widget(qtbot, text: str):  # noqa: ANN001, ANN202
    opened: list[SourceRef] = []
    message = answer(text)
    widget = MessageWidget(message, MarkdownRenderer())
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    show_documents(widget, message, opened.append)
    widget.show()
    panel = widget.findChild(SourcesPanel, "sourcesPanel")
    assert isinstance(panel, SourcesPanel)
    return widget, panel, opened


def _citation_links(widget: MessageWidget) -> list[str]:
    out = []
    block = widget.body.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fmt = iterator.fragment().charFormat()
            if fmt.isAnchor() and fmt.anchorHref().startswith("dc-cite:"):
                out.append(fmt.anchorHref())
            iterator += 1
        block = block.next()
    return out


def test_citations_link_to_the_references_under_the_answer(qtbot):  # noqa: ANN001
    widget, panel, opened = _widget(qtbot, "The keeper is Marguerite Osei [2][4]. Costs were [9] unknown.")
    assert _citation_links(widget) == ["dc-cite:2", "dc-cite:4"]  # [9]: there is no reference 9
    assert panel.mapTo(widget, panel.rect().topLeft()).y() > widget.body.y()  # under the text
    # Listed: the cited passages; the others behind "Show 3 more".
    assert panel.shown_references() == [2, 4]
    assert panel.more_button.isVisible() and "3" in panel.more_button.text()
    assert panel.references_label.isVisible() and panel.references_label.text() == "References"
    assert panel.source_buttons()[1].text() == "[2] handbook.pdf · p. 12"
    panel.more_button.click()
    assert panel.shown_references() == [1, 2, 3, 4, 5]

    # Clicking a marker opens its passage's page; hovering says which passage it is.
    widget.body.anchorClicked.emit(QUrl("dc-cite:4"))
    assert [ref.page for ref in opened] == [14]
    widget.body.highlighted.emit(QUrl("dc-cite:2"))
    assert widget.body.viewport().toolTip().startswith("handbook.pdf · p. 12\n“Passage 2")
    widget.body.anchorClicked.emit(QUrl("dc-cite:77"))
    assert len(opened) == 1


def test_the_quiet_line_opens_to_the_plans_sentences(qtbot):  # noqa: ANN001
    _, panel, _ = _widget(qtbot, "No citations here.")
    assert panel.delivery_toggle.text() == "5 passages from “handbook.pdf”"
    assert panel.delivery_toggle.accessibleName() == "How the documents were sent"
    assert not panel.explanation.isVisible()
    assert panel.explanation.text().startswith("Document too long for this model's context")
    panel.delivery_toggle.click()
    assert panel.explanation.isVisible()
    # Nothing cited: the best three are listed.
    assert panel.shown_references() == [1, 2, 3]


def test_citations_found_while_the_answer_streams(qtbot):  # noqa: ANN001
    widget, panel, _ = _widget(qtbot, "")
    widget.body.citations = 5
    widget.body.begin_stream()
    widget.append_text("First point [5].")
    qtbot.waitUntil(lambda: panel.shown_references() == [5], timeout=5_000)


def test_brackets_in_an_answer_without_documents_stay_text(qtbot):  # noqa: ANN001
    message = Message("a2", "c1", "assistant", "The list is [1] and [2].")
    widget = MessageWidget(message, MarkdownRenderer())
    qtbot.addWidget(widget)
    assert _citation_links(widget) == [] and "[1] and [2]" in widget.body.plain_text()


# -- the file dialog ---------------------------------------------------------------------------------


class _Window(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.settings = SimpleNamespace(ui_state={"sidebar_visible": True})


def test_the_file_dialog_opens_where_files_were_last_attached_from(qtbot, qloop, tmp_path: Path):  # noqa: ANN001
    from desktop_chat.documents import DocumentLibrary
    from desktop_chat.ui.composer.attachment_controller import FOLDER_KEY, AttachmentController
    from desktop_chat.ui.runtime.async_runner import AsyncRunner

    window = _Window()
    qtbot.addWidget(window)
    controller = AttachmentController(DocumentLibrary(tmp_path / "data"), AsyncRunner(), window,
                                      place_tray=lambda tray: None)
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "a.txt").write_text("hello")
    dialog = controller.choose_files()
    assert not dialog.testOption(dialog.Option.DontUseNativeDialog)  # the platform's own, where there is one
    dialog.filesSelected.emit([str(folder / "a.txt")])
    dialog.reject()
    qtbot.waitUntil(lambda: len(controller.tray.chips()) == 1, timeout=10_000)  # and the file is attached
    assert window.settings.ui_state == {"sidebar_visible": True, FOLDER_KEY: str(folder)}
    again = controller.choose_files()
    assert Path(again.directory().absolutePath()) == folder
    again.reject()


def test_references_follow_a_switch_to_the_dark_palette(qtbot, qapp):  # noqa: ANN001
    from PySide6.QtGui import QPalette

    from desktop_chat.ui.common import theme
    from desktop_chat.ui.common.theme import dark_palette

    # The panel alone, under Qt's own palette and no style sheet, whatever an earlier test applied
    # (the whole window's switch is in the look matrix's dark pictures).
    theme.apply_theme(qapp, "system")
    qapp.setStyleSheet("")
    qapp.setPalette(qapp.style().standardPalette())
    widget, panel, _ = _widget(qtbot, "Cited [1].")
    widget.setPalette(dark_palette())
    link = panel.source_buttons()[0].palette().color(QPalette.ColorRole.ButtonText)
    excerpt = panel.findChildren(type(panel.references_label), "sourceExcerpt")[0]
    assert link.lightnessF() > 0.6  # a light link on the dark background, not the light theme's blue
    assert excerpt.palette().color(QPalette.ColorRole.WindowText).lightnessF() > 0.6
    theme.apply_theme(qapp, "system")
