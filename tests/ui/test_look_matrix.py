"""The look of the whole window, as a matrix of pictures to look at (issue: a window people enjoy).

Screens: a new conversation (the empty state), a long answer with headings, a table, code, maths
and Chinese (its top and its end), the versions switcher, an answer about a PDF with its
references, and Settings — each at 1400×900 and 800×600, light and dark, English and Chinese.
Saved under test-artifacts/look-*.png (offscreen grabs of the real window, the real fakes behind).

Besides the pictures, each grab checks what a user would notice at once: the composer and its
send button are inside the window at every size, and nothing scrolls sideways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QScrollBar, QWidget

from desktop_chat.config import Settings
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_attachments_ui import QUESTION, chips, long_pdf, send, wait_answer
from tests.ui.test_screenshot_xvfb import ARTIFACTS

LONG_ANSWER = """# Choosing a sorting algorithm

Sorting is a solved problem, but the **right** choice still depends on the data.

## When each one wins

| Algorithm | Average | Worst | Stable | Notes |
|---|---|---|---|---|
| Quicksort | O(n log n) | O(n²) | no | fastest in practice on arrays |
| Merge sort | O(n log n) | O(n log n) | yes | good for linked lists |
| Timsort | O(n log n) | O(n log n) | yes | Python's `sorted()` |

## The maths

The number of comparisons of merge sort satisfies $T(n) = 2T(n/2) + n$, so
$$T(n) = n \\log_2 n + O(n).$$
A price like $5 and $10 stays text.

## Code

```python
def merge_sort(items: list[int]) -> list[int]:
    if len(items) <= 1:
        return items
    middle = len(items) // 2
    left, right = merge_sort(items[:middle]), merge_sort(items[middle:])
    return [*left, *right] if not left or not right or left[-1] <= right[0] else sorted(left + right)  # a long line that must scroll, not wrap
```

## 中文小结

归并排序稳定，最坏情况也是 $O(n \\log n)$；快速排序在数组上通常更快，但最坏情况是 $O(n^2)$。
"""

PDF_ANSWER = ("The lighthouse keeper of Port Elwin is **Marguerite Osei** [1]. The handbook lists her "
              "among the harbour staff [1].")
SIZES = {"1400": (1400, 900), "800": (800, 600)}


def _chunks(text: str, size: int = 40) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def _settle(qtbot, window) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=20_000)
    QApplication.processEvents()
    qtbot.wait(80)


def _check_and_save(qtbot, widget: QWidget, name: str) -> Path:  # noqa: ANN001
    window = widget.window()
    composer_bar = getattr(window, "composer_bar", None)
    if composer_bar is not None and widget is window:
        send_button = window.findChild(QWidget, "sendButton")
        assert send_button is not None
        corner = send_button.mapTo(window, QPoint(send_button.width(), send_button.height()))
        assert 0 < corner.x() <= window.width() and 0 < corner.y() <= window.height(), f"{name}: send is off-window"
        sideways = [bar for bar in window.view.findChildren(QScrollBar)
                    if bar.orientation().name == "Horizontal" and bar.isVisible() and bar.maximum() > 0
                    and bar.parent() is window.view]
        assert not sideways, f"{name}: the message pane scrolls sideways"
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 8_000, f"{name}: an empty picture"
    return path


def _conversations(qtbot, window, fake, tmp_path: Path) -> dict[str, str]:  # noqa: ANN001
    """The conversations the screens show, made through the window like a user would."""
    ids: dict[str, str] = {}
    window.new_conversation()
    fake.enqueue(Scenario(chunks=_chunks(LONG_ANSWER), output_tokens=412))
    send(qtbot, window, "How should I choose a sorting algorithm? 用中文总结一下。")
    wait_answer(qtbot, window)
    ids["long"] = window.current_conversation_id

    window.new_conversation()
    fake.enqueue(Scenario(chunks=_chunks("Kyoto in three days: temples on day one, Arashiyama on day two.")))
    send(qtbot, window, "Plan a 3-day trip to Kyoto")
    first = wait_answer(qtbot, window)
    fake.enqueue(Scenario(chunks=_chunks("Day 1: Fushimi Inari at dawn. Day 2: Arashiyama. Day 3: Nara.")))
    window.message_actions.regenerate(first.id)
    qtbot.waitUntil(lambda: window.conversations.version_count(first.id) == 2, timeout=10_000)
    wait_answer(qtbot, window)
    ids["versions"] = window.current_conversation_id

    window.new_conversation()
    fake.enqueue(Scenario(chunks=_chunks(PDF_ANSWER)))
    window.open_files([long_pdf(tmp_path)])
    qtbot.waitUntil(lambda: len(chips(window)) == 1 and chips(window)[0].state.name == "READY", timeout=30_000)
    send(qtbot, window, QUESTION)
    wait_answer(qtbot, window)
    ids["pdf"] = window.current_conversation_id
    return ids


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_window_in_every_look(windows, qtbot, fakes, tmp_path, look: str, language: str) -> None:  # noqa: ANN001
    fake = fakes("openai")
    settings: Settings = configure("openai", fake)
    window = windows.new(settings)
    window.resize(*SIZES["1400"])
    ids = _conversations(qtbot, window, fake, tmp_path)
    settings.theme, settings.language = look, language
    window.apply_settings()
    tag = f"{look}-{'zh' if language == 'zh_CN' else 'en'}"
    try:
        for size_name, size in SIZES.items():
            window.resize(*size)
            window.new_conversation()
            _settle(qtbot, window)
            _check_and_save(qtbot, window, f"look-empty-{size_name}-{tag}.png")
            window.open_conversation(ids["long"])
            _settle(qtbot, window)
            window.view.scroll_bar().setValue(0)
            _settle(qtbot, window)
            _check_and_save(qtbot, window, f"look-long-top-{size_name}-{tag}.png")
            bar = window.view.scroll_bar()
            bar.setValue(bar.maximum())
            _settle(qtbot, window)
            _check_and_save(qtbot, window, f"look-long-end-{size_name}-{tag}.png")
            window.open_conversation(ids["versions"])
            _settle(qtbot, window)
            _check_and_save(qtbot, window, f"look-versions-{size_name}-{tag}.png")
            window.open_conversation(ids["pdf"])
            _settle(qtbot, window)
            _check_and_save(qtbot, window, f"look-pdf-{size_name}-{tag}.png")
        window.open_settings()
        dialog = window.settings_door.dialog
        assert dialog is not None
        qtbot.waitUntil(dialog.isVisible)
        for size_name, size in (("1400", (860, 640)), ("800", (680, 520))):
            dialog.resize(*size)
            qtbot.wait(80)
            _check_and_save(qtbot, dialog, f"look-settings-{size_name}-{tag}.png")
        dialog.reject()
    finally:
        settings.theme, settings.language = "system", "en"
        window.apply_settings()
