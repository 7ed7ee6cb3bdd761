"""Images in the real window: drop, paste (a clipboard picture, a browser's image bytes), the command
line, Attach; the chips; what the loopback fakes receive; the sent message's thumbnails and the
full-size view; a model that cannot see; bad files. Real engine, real library, real SDKs."""

from __future__ import annotations

import base64
import io

from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage
from PySide6.QtWidgets import QMenu

from desktop_chat import config
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.domain.parts import ImagePart
from desktop_chat.ui.common.image_viewer import ImageViewer
from desktop_chat.ui.composer.image_chip import ImageChipState
from desktop_chat.ui.messages.image_strip import ImageStrip
from tests import image_samples as samples
from tests.fakes.loopback import Scenario
from tests.ui.conftest import configure
from tests.ui.window_actions import drop


def image_chips(window):  # noqa: ANN001, ANN201
    return window.attachments.images.chips() if window.attachments._images is not None else []


def wait_images(qtbot, window, count: int = 1, state: ImageChipState = ImageChipState.READY):  # noqa: ANN001, ANN201
    qtbot.waitUntil(lambda: len(image_chips(window)) == count
                    and all(c.state is state for c in image_chips(window)), timeout=20_000)
    return image_chips(window)


def send(qtbot, window, text: str) -> None:  # noqa: ANN001
    window.composer.setFocus()
    window.composer.setPlainText(text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


def wait_answer(qtbot, window):  # noqa: ANN001, ANN201
    def done() -> bool:
        cid = window.current_conversation_id
        if cid is None or window.controller.is_streaming(cid):
            return False
        answers = [m for m in window.store.list_messages(cid) if m.role == "assistant"]
        return bool(answers) and answers[-1].status == MessageStatus.COMPLETE

    qtbot.waitUntil(done, timeout=20_000)
    return window.store.list_messages(window.current_conversation_id)


def decode(data: str) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(data, validate=True)))
    image.load()
    return image


def test_a_dropped_photo_is_a_chip_at_once_and_goes_to_claude_clean_and_upright(windows, qtbot, fakes, tmp_path):
    fake = fakes("anthropic", Scenario(chunks=["A red and blue photo."]))
    window = windows.new(configure("anthropic", fake))
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(samples.photo(4000, 3000, orientation=6))
    assert drop(window, photo)
    (chip,) = image_chips(window)  # at once, while it is being prepared in a worker
    assert chip.title == "IMG_0042.jpg" and chip.busy and not window.composer_bar.send_button.isEnabled()
    wait_images(qtbot, window)
    assert window.composer_bar.send_button.isEnabled()  # ready: an image alone may go
    send(qtbot, window, "What is in this photo?")
    messages = wait_answer(qtbot, window)
    (request,) = fake.requests_to("/v1/messages")
    image, text = request.json["messages"][0]["content"]
    assert image["source"]["media_type"] == "image/jpeg"
    sent = decode(image["source"]["data"])
    assert sent.size == (1176, 1568) and not sent.getexif()
    assert text == {"type": "text", "text": "What is in this photo?"}
    assert image_chips(window) == [] and not window.attachments.images.isVisible()
    # The sent message shows the image; a click opens it at full size.
    user = messages[0]
    strip = window.view.message_widget(user.id).findChild(ImageStrip, "messageImages")
    assert strip is not None and len(strip.thumbs) == 1
    qtbot.waitUntil(lambda: strip.thumbs[0].pixmap is not None, timeout=10_000)
    qtbot.mouseClick(strip.thumbs[0], Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    viewer = window.findChild(ImageViewer, "imageViewer")
    assert viewer is not None
    with qtbot.waitSignal(viewer.shown, timeout=10_000) as shown:
        pass
    assert shown.args == [True] and viewer.pixmap.size().toTuple() == (1500, 2000)  # shown scaled to fit
    viewer.close()


def test_a_screenshot_pasted_from_the_clipboard_goes_to_openai_as_png(windows, qtbot, fakes):
    fake = fakes("openai", Scenario(chunks=["A screenshot."]))
    settings = configure("openai", fake)
    settings.default_models["openai"] = "gpt-4o"
    window = windows.new(settings)
    picture = QImage(640, 360, QImage.Format.Format_RGB32)
    picture.fill(0x3366CC)
    QGuiApplication.clipboard().setImage(picture)
    window.composer.setFocus()
    window.composer.paste()
    (chip,) = wait_images(qtbot, window)
    assert chip.title == "pasted-image.png" and window.composer.toPlainText() == ""
    assert window.composer_bar.send_button.isEnabled()  # an image alone is a message
    qtbot.mouseClick(window.composer_bar.send_button, Qt.MouseButton.LeftButton)
    wait_answer(qtbot, window)
    body = fake.requests_to("/chat/completions")[-1].json
    (user,) = [m for m in body["messages"] if m["role"] == "user"]
    (part,) = user["content"]
    assert part["image_url"]["url"].startswith("data:image/png;base64,")
    sent = decode(part["image_url"]["url"].split(",", 1)[1])
    assert sent.size == (640, 360) and sent.getpixel((5, 5)) == (0x33, 0x66, 0xCC)


def test_an_image_copied_from_a_browser_is_taken_as_its_bytes(windows, qtbot):
    window = windows.new()
    mime = QMimeData()
    mime.setData("image/png", samples.png(120, 80))
    mime.setHtml('<img src="https://example.com/cat.png">')
    QGuiApplication.clipboard().setMimeData(mime)
    window.composer.paste()
    (chip,) = wait_images(qtbot, window)
    assert chip.title == "pasted-image.png" and chip.size_text == "120 × 80"


def test_a_model_that_cannot_see_stops_the_turn_with_the_sentence_and_keeps_the_image(windows, qtbot, fakes, tmp_path):
    fake = fakes("ollama")
    window = windows.new(configure("ollama", fake))  # llama3.2:latest: no "vision"
    shot = tmp_path / "screen.png"
    shot.write_bytes(samples.png())
    drop(window, shot)
    wait_images(qtbot, window)
    send(qtbot, window, "What does it say?")
    qtbot.waitUntil(lambda: "cannot see images" in window.statusBar().currentMessage()
                    or bool(image_chips(window)), timeout=10_000)
    qtbot.waitUntil(lambda: len(image_chips(window)) == 1, timeout=10_000)
    assert fake.requests_to("/api/chat") == []
    assert window.composer.toPlainText() == "What does it say?"  # the message stays to send again
    assert image_chips(window)[0].state is ImageChipState.READY
    assert any("llama3.2:latest cannot see images, so nothing was sent" in text
               for text in _visible_texts(window))
    # The user says it sees images (right-click on it in the model list): then it goes.
    window.top_bar.model_picker.popup.menuWanted.emit("llama3.2:latest", QPoint(100, 100))
    menu = window.top_bar.findChild(QMenu, "modelVisionMenu")
    assert [a.text() for a in menu.actions() if a.isCheckable()] == [
        "As the provider says", "Sees images", "Does not see images"]
    menu.findChild(QAction, "visionYes").trigger()
    menu.close()
    assert window.settings.vision_models == {"ollama": {"llama3.2:latest": True}}
    qtbot.waitUntil(lambda: config.load_settings().vision_models == {"ollama": {"llama3.2:latest": True}},
                    timeout=5_000)  # saved
    fake.enqueue(Scenario(chunks=["It says hello."]))
    qtbot.mouseClick(window.composer_bar.send_button, Qt.MouseButton.LeftButton)
    wait_answer(qtbot, window)
    (user,) = [m for m in fake.requests_to("/api/chat")[-1].json["messages"] if m["role"] == "user"]
    assert len(user["images"]) == 1 and decode(user["images"][0]).size == (300, 200)


def _visible_texts(window) -> list[str]:  # noqa: ANN001
    from PySide6.QtWidgets import QLabel

    texts = [window.statusBar().currentMessage()]
    texts += [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    return texts


def test_bad_images_get_words_on_their_chips(windows, qtbot, tmp_path):
    window = windows.new()
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture at all\n")
    bomb = tmp_path / "huge.png"
    bomb.write_bytes(samples.bomb_png())
    cut = tmp_path / "cut.png"
    cut.write_bytes(samples.truncated_png())
    drop(window, notes, bomb, cut)
    chips = wait_images(qtbot, window, 3, ImageChipState.FAILED)
    texts = {chip.title: chip.error_text for chip in chips}
    assert texts["notes.png"] == ("“notes.png” is not an image that can be sent: only PNG, JPEG, WebP and GIF "
                                  "images are.")
    assert texts["huge.png"].startswith("“huge.png” is too large to attach: ")
    assert texts["cut.png"].startswith("“cut.png” cannot be read: the image is damaged or cut off")
    assert not window.composer_bar.send_button.isEnabled()


def test_an_animated_gif_says_only_its_first_frame_goes(windows, qtbot, tmp_path):
    window = windows.new()
    gif = tmp_path / "dance.gif"
    gif.write_bytes(samples.animated_gif())
    drop(window, gif)
    (chip,) = wait_images(qtbot, window)
    assert chip.warning_text == "“dance.gif” is animated: only its first frame is sent."
    assert "only its first frame is sent" in window.statusBar().currentMessage()


def test_desktop_chat_file_png_opens_the_window_with_it_attached(windows, qtbot, tmp_path):
    shot = tmp_path / "Screenshot 2026-12-05.png"
    shot.write_bytes(samples.png(800, 500))
    window = windows.new(files=(str(shot),))
    (chip,) = wait_images(qtbot, window)
    assert chip.title == "Screenshot 2026-12-05.png" and chip.size_text == "800 × 500"
    part: ImagePart = window.attachments.images.parts()[0]
    assert (part.width, part.height, part.media_type) == (800, 500, "image/png")


def test_removing_a_chip_removes_the_image(windows, qtbot, tmp_path):
    window = windows.new()
    shot = tmp_path / "a.png"
    shot.write_bytes(samples.png())
    drop(window, shot)
    (chip,) = wait_images(qtbot, window)
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert image_chips(window) == [] and window.attachments.images.parts() == []


def test_for_a_model_that_cannot_see_the_text_in_the_image_can_go_instead(windows, qtbot, fakes, tmp_path):
    from tests.documents.test_ocr import _need_tesseract, text_picture

    _need_tesseract()
    fake = fakes("ollama", Scenario(chunks=["The total is 1,250.00 EUR."]))
    window = windows.new(configure("ollama", fake))  # llama3.2: cannot see
    shot = tmp_path / "invoice.png"
    shot.write_bytes(text_picture(["Invoice 2041: total 1,250.00 EUR"], size=48))
    drop(window, shot)
    wait_images(qtbot, window)
    send(qtbot, window, "What is the total?")
    button = window.attachments.images.ocr_button
    qtbot.waitUntil(button.isVisible, timeout=10_000)  # offered after the refusal
    assert button.text() == "Send their text instead"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: image_chips(window) == [] and any(
        c.title == "invoice (text).txt" and c.attachment is not None for c in window.attachments.tray.chips()),
        timeout=20_000)
    qtbot.mouseClick(window.composer_bar.send_button, Qt.MouseButton.LeftButton)
    wait_answer(qtbot, window)
    (user,) = [m for m in fake.requests_to("/api/chat")[-1].json["messages"] if m["role"] == "user"]
    assert "Invoice 2041: total 1,250.00 EUR" in user["content"] and "images" not in user


def test_an_image_dragged_from_a_browser_is_attached(windows, qtbot):
    from PySide6.QtCore import QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    window = windows.new()
    mime = QMimeData()  # what a browser's drag carries: the address and the image's bytes, no local file
    mime.setUrls([QUrl("https://example.com/photos/cat.jpg")])
    mime.setData("image/jpeg", samples.photo(320, 240))
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter.setAccepted(False)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    (chip,) = wait_images(qtbot, window)
    assert chip.title == "dropped-image.jpeg" and chip.size_text == "320 × 240"
