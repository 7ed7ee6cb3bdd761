"""Pictures of an answer with maths and of an answer about a PDF with its references, to look
at: 1400×900 and 800×600, light and dark, English and Chinese, under test-artifacts/ (offscreen
grabs of the real window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop_chat.ui.composer.page_preview import PagePreviewDialog
from desktop_chat.ui.messages.message_body import MessageBody
from desktop_chat.ui.messages.sources_view import SourcesPanel
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_attachments_ui import QUESTION, chips, long_pdf, send, wait_answer
from tests.ui.test_screenshot_xvfb import save
from tests.ui.window_actions import drop

MATHS = r"""## The quadratic formula

The roots of $ax^2 + bx + c = 0$ (with $a \neq 0$) are

$$
x = \frac{-b \pm \sqrt{b^2 - 4ac}}{2a}
$$

where $\Delta = b^2 - 4ac$ decides how many there are. A sum and an integral:

\[
\sum_{k=1}^{n} k^2 = \frac{n(n+1)(2n+1)}{6}, \qquad \int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}
\]

A matrix $A = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$ has $\det A = -2$, and in steps:

$$
\begin{aligned} (a+b)^2 &= a^2 + 2ab + b^2 \\ (a-b)^2 &= a^2 - 2ab + b^2 \end{aligned}
$$

中文里也一样：$\text{面积} = \pi r^2$，其中 $r$ 是半径；速度 $v = \frac{\text{距离}}{t}$。
Prices stay text: it costs $5 and $10.
"""

CITED = ("The lighthouse keeper of Port Elwin is **Marguerite Osei** [1]. The handbook lists her with "
         "the harbour staff [1][2].")


def _settled(qtbot, window) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.waitUntil(lambda: all(b._formulas is None or not b._formulas.pending
                                for b in window.findChildren(MessageBody)), timeout=30_000)
    qtbot.wait(80)


def _pictures(qtbot, window, settings, stem: str) -> None:  # noqa: ANN001
    for language in ("en", "zh_CN"):
        for theme in ("light", "dark"):
            settings.theme, settings.language = theme, language
            window.apply_settings()
            for width, height in ((1400, 900), (800, 600)):
                window.resize(width, height)
                _settled(qtbot, window)
                window.view.scroll_bar().setValue(0)  # the answer from its start
                qtbot.wait(50)
                save(window, f"{stem}-{width}x{height}-{theme}-{'zh' if language == 'zh_CN' else 'en'}.png")
    settings.theme, settings.language = "light", "en"
    window.apply_settings()


def test_screenshots_of_maths_and_references(windows, qtbot, fakes, tmp_path: Path):  # noqa: ANN001
    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.theme = "light"
    window = windows.new(settings)

    fake.enqueue(Scenario(chunks=[MATHS[i:i + 9] for i in range(0, len(MATHS), 9)]))
    send(qtbot, window, "Show me some maths.")
    wait_answer(qtbot, window)
    _settled(qtbot, window)
    # Chinese inside \text{} within a fraction is typeset, not shown as its source.
    shown = "".join(body.plain_text() for body in window.findChildren(MessageBody))
    assert "面积" in shown and "\\text{距离}" not in shown and "\\frac" not in shown
    _pictures(qtbot, window, settings, "maths")

    window.new_conversation()
    fake.enqueue(Scenario(chunks=[CITED[i:i + 12] for i in range(0, len(CITED), 12)]))
    drop(window, long_pdf(tmp_path))
    qtbot.waitUntil(lambda: len(chips(window)) == 1 and chips(window)[0].state.name == "READY", timeout=30_000)
    send(qtbot, window, QUESTION)
    answer = wait_answer(qtbot, window)
    widget = window.view.message_widget(answer.id)
    panel = widget.findChild(SourcesPanel, "sourcesPanel")
    assert panel is not None
    qtbot.waitUntil(lambda: panel.shown_references() == [1, 2], timeout=5_000)  # the cited ones
    _pictures(qtbot, window, settings, "references")
    window.resize(1400, 900)
    panel.delivery_toggle.click()
    assert panel.explanation.isVisible()
    _settled(qtbot, window)
    save(window, "references-details-open-1400x900-light-en.png")

    qtbot.mouseClick(panel.source_buttons()[0], Qt.MouseButton.LeftButton)
    dialog = window.findChild(PagePreviewDialog, "pagePreviewDialog")
    qtbot.waitUntil(lambda: dialog is not None and not dialog.image.pixmap().isNull(), timeout=20_000)
    qtbot.wait(50)
    save(dialog, "references-page-preview-highlight.png")
    dialog.close()
