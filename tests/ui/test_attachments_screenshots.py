"""Pictures of the attachment chips, the sources under an answer and the page preview, to look at:
light, dark and Chinese, saved under test-artifacts/ (offscreen grabs of the real window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt

from desktop_chat.ui.composer.attachment_chips import ChipState
from desktop_chat.ui.composer.page_preview import PagePreviewDialog
from desktop_chat.ui.messages.sources_view import SourcesPanel
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_attachments_ui import (
    QUESTION,
    chips,
    long_pdf,
    pdf,
    repeated_pages_pdf,
    send,
    wait_answer,
    watch,
)
from tests.ui.test_screenshot_xvfb import save
from tests.ui.window_actions import drop

ANSWER = ("The lighthouse keeper of Port Elwin is **Marguerite Osei** (handbook.pdf, p. 37). "
          "The handbook mentions her in the section on the harbour staff.")


def _fill_composer(qtbot, window, tmp_path: Path) -> object:  # noqa: ANN001
    """Chips in every state: ready, ready with a warning, reading (held), failed."""
    watched = watch(window, hold_at=200)  # only the 400-page file gets that far
    drop(window, long_pdf(tmp_path))
    drop(window, pdf(tmp_path, "Quarterly report 2025 — final version for the board (v3).pdf",
                     ["Revenue grew by 12 percent.", "Costs fell.", "Outlook: stable."]))
    photo = tmp_path / "photo.pdf"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    drop(window, photo)
    qtbot.waitUntil(lambda: sum(c.state in (ChipState.READY, ChipState.FAILED) for c in chips(window)) == 3,
                    timeout=30_000)
    drop(window, repeated_pages_pdf(tmp_path / "annual-archive.pdf", 400))
    qtbot.waitUntil(watched.reached.is_set, timeout=30_000)
    qtbot.waitUntil(lambda: any(c.state == ChipState.READING and c._total for c in chips(window)), timeout=10_000)
    window.composer.setPlainText("Compare the handbook with the quarterly report.")
    qtbot.wait(50)
    return watched


def _answer_with_sources(qtbot, window, fake, tmp_path: Path):  # noqa: ANN001, ANN202
    fake.enqueue(Scenario(chunks=[ANSWER[i:i + 12] for i in range(0, len(ANSWER), 12)]))
    drop(window, long_pdf(tmp_path))
    qtbot.waitUntil(lambda: [c.state for c in chips(window)] == [ChipState.READY], timeout=30_000)
    send(qtbot, window, QUESTION)
    answer = wait_answer(qtbot, window)
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.wait(50)
    return window.view.message_widget(answer.id).findChild(SourcesPanel, "sourcesPanel")


def test_screenshots_of_chips_sources_and_preview(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1180, 760)

    watched = _fill_composer(qtbot, window, tmp_path)
    save(window, "attachments-chips-light.png")
    save(window.composer_bar, "attachments-composer-light.png")
    settings.theme = "dark"
    window.apply_settings()
    qtbot.wait(50)
    save(window, "attachments-chips-dark.png")
    watched.release.set()
    window.attachments.tray.clear()
    window.composer.clear()

    settings.theme = "light"
    window.apply_settings()
    panel = _answer_with_sources(qtbot, window, fake, tmp_path)
    assert panel is not None
    save(window, "attachments-sources-light.png")

    qtbot.mouseClick(panel.source_buttons()[0], Qt.MouseButton.LeftButton)
    dialog = window.findChild(PagePreviewDialog, "pagePreviewDialog")
    qtbot.waitUntil(lambda: not dialog.image.pixmap().isNull(), timeout=20_000)
    qtbot.wait(50)
    save(dialog, "attachments-page-preview.png")
    dialog.close()

    settings.theme = "dark"
    window.apply_settings()
    qtbot.wait(100)
    save(window, "attachments-sources-dark.png")

    # Chinese, from the catalogue.
    settings.language = "zh_CN"
    settings.theme = "light"
    window.apply_settings()
    try:
        qtbot.wait(100)
        assert QCoreApplication.translate("SourcesPanel", "p. {page}") == "第 {page} 页"
        save(window, "attachments-sources-zh.png")
        window.new_conversation()
        watched = _fill_composer(qtbot, window, tmp_path)
        save(window, "attachments-chips-zh.png")
        watched.release.set()
        window.attachments.tray.clear()
    finally:
        settings.language = "en"
        window.apply_settings()
