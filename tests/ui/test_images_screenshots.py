"""Pictures of the image chips in the composer and of a sent message with images, light and dark
(and the chips in Chinese), saved under test-artifacts/ to look at (offscreen grabs of the real window)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop_chat.ui.composer.image_chip import ImageChipState
from desktop_chat.ui.messages.image_strip import ImageStrip
from tests import image_samples as samples
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.test_images_ui import image_chips, send, wait_answer
from tests.ui.test_screenshot_xvfb import save
from tests.ui.window_actions import drop

ANSWER = ("The first photo shows a lake below green hills at sunset; the screenshot shows a "
          "**connection refused** error for `127.0.0.1:11434`, which is Ollama's address: Ollama is not running. "
          "Start it with `ollama serve` and try again.")


def _fill(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    files = []
    for name, data in (("IMG_2041.jpg", samples.scenery()), ("Screenshot 2026-12-05.png", samples.screenshot()),
                       ("notes.png", b"not a picture\n")):
        path = tmp_path / name
        path.write_bytes(data)
        files.append(path)
    drop(window, *files)
    qtbot.waitUntil(lambda: len(image_chips(window)) == 3 and not any(c.busy for c in image_chips(window)),
                    timeout=20_000)


def test_screenshots_of_image_chips_and_a_sent_message(windows, qtbot, fakes, tmp_path):
    fake = fakes("openai")
    settings = configure("openai", fake)
    settings.default_models["openai"] = "gpt-4o"
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1180, 760)
    _fill(qtbot, window, tmp_path)
    window.composer.setPlainText("What is wrong here, and where was the photo taken?")
    qtbot.wait(50)
    save(window, "images-chips-light.png")
    save(window.composer_bar, "images-composer-light.png")
    settings.theme = "dark"
    window.apply_settings()
    qtbot.wait(50)
    save(window, "images-chips-dark.png")

    # Send the two good ones (the failed chip stays behind, with its sentence).
    (failed,) = [c for c in image_chips(window) if c.state is ImageChipState.FAILED]
    window.attachments.images.remove(failed.key)
    fake.enqueue(Scenario(chunks=[ANSWER[i:i + 14] for i in range(0, len(ANSWER), 14)]))
    send(qtbot, window, "What is wrong here, and where was the photo taken?")
    messages = wait_answer(qtbot, window)
    strip = window.view.message_widget(messages[0].id).findChild(ImageStrip, "messageImages")
    qtbot.waitUntil(lambda: all(t.pixmap is not None for t in strip.thumbs), timeout=10_000)
    qtbot.waitUntil(lambda: not window.view.has_pending_render(), timeout=10_000)
    qtbot.wait(50)
    save(window, "images-message-dark.png")
    settings.theme = "light"
    window.apply_settings()
    qtbot.wait(100)
    save(window, "images-message-light.png")

    settings.language = "zh_CN"
    window.apply_settings()
    try:
        qtbot.wait(100)
        assert QCoreApplication.translate("Composer", "Ask anything… (Enter to send, Shift+Enter for a new line)") \
            != "" 
        window.new_conversation()
        _fill(qtbot, window, tmp_path)
        save(window, "images-chips-zh.png")
    finally:
        settings.language = "en"
        window.apply_settings()


def test_screenshots_of_a_model_that_cannot_see(windows, qtbot, fakes, tmp_path):
    """The refusal: the sentence with its fix, the images kept, and the offer to send their text."""
    from desktop_chat.documents import ocr

    fake = fakes("ollama")
    settings = configure("ollama", fake)  # llama3.2: no "vision"
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(1180, 760)
    for language, name in (("en", "images-no-vision-light.png"), ("zh_CN", "images-no-vision-zh.png")):
        settings.language = language
        window.apply_settings()
        window.new_conversation()
        shot = tmp_path / "Screenshot 2026-12-05.png"
        shot.write_bytes(samples.screenshot())
        drop(window, shot)
        qtbot.waitUntil(lambda: len(image_chips(window)) == 1 and not image_chips(window)[0].busy, timeout=20_000)
        send(qtbot, window, "What does this error mean?")
        if ocr.available():
            qtbot.waitUntil(window.attachments.images.ocr_button.isVisible, timeout=10_000)
        qtbot.waitUntil(lambda: len(image_chips(window)) == 1, timeout=10_000)
        qtbot.wait(100)
        save(window, name)
        window.attachments.images.clear()
        window.composer.clear()
    settings.language = "en"
    window.apply_settings()


def test_screenshots_of_many_images_in_a_narrow_window_and_the_full_size_view(windows, qtbot, fakes, tmp_path):
    from desktop_chat.ui.common.image_viewer import ImageViewer
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QScrollBar

    fake = fakes("anthropic", Scenario(chunks=["Six pictures: four landscapes and two screenshots."]))
    settings = configure("anthropic", fake)
    settings.theme = "light"
    window = windows.new(settings)
    window.resize(820, 700)
    files = []
    for i in range(6):
        path = tmp_path / f"picture-{i}.{'png' if i % 3 == 2 else 'jpg'}"
        path.write_bytes(samples.screenshot() if i % 3 == 2 else samples.scenery(1600 - 200 * i, 1200))
        files.append(path)
    drop(window, *files)
    qtbot.waitUntil(lambda: len(image_chips(window)) == 6 and not any(c.busy for c in image_chips(window)),
                    timeout=30_000)
    send(qtbot, window, "What do these have in common?")
    messages = wait_answer(qtbot, window)
    widget = window.view.message_widget(messages[0].id)
    strip = widget.findChild(ImageStrip, "messageImages")
    qtbot.waitUntil(lambda: all(t.pixmap is not None for t in strip.thumbs), timeout=10_000)
    qtbot.wait(100)
    save(window, "images-many-narrow.png")
    # Wrapped onto rows inside the message: nothing sticks out or scrolls sideways.
    assert strip.height() > 132 and max(t.geometry().right() for t in strip.thumbs) <= strip.width()
    assert all(not bar.isVisible() for bar in window.view.findChildren(QScrollBar)
               if bar.orientation() == Qt.Orientation.Horizontal)
    qtbot.mouseClick(strip.thumbs[0], Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    viewer = window.findChild(ImageViewer, "imageViewer")
    with qtbot.waitSignal(viewer.shown, timeout=10_000):
        pass
    qtbot.wait(50)
    save(viewer, "images-full-size.png")  # whole, scaled to the window
    shown = viewer.label.pixmap().size()
    assert shown.width() <= viewer.area.viewport().width() and shown.height() <= viewer.area.viewport().height()
    qtbot.mouseClick(viewer.label, Qt.MouseButton.LeftButton)  # actual size
    assert viewer.label.pixmap().size().toTuple() == (1600, 1200)
    viewer.close()
