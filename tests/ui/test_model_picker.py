"""The model picker against a real-sized OpenAI list, the provider marks, and where a new
conversation starts (loopback fakes; screenshots of the open picker in test-artifacts/)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap

from desktop_chat.chat.readiness import Readiness
from desktop_chat.config import Settings, load_settings
from desktop_chat.ui.models.model_picker import ID_ROLE, KIND_ROLE, STAR_WIDTH, TAGS_ROLE
from desktop_chat.ui.models.provider_marks import STATE_ROLE
from tests.fakes.ollama_server import FakeModel
from tests.fakes.openai_server import FakeOpenAI
from tests.providers.openai_model_list import OPENAI_CHAT_MODELS, OPENAI_MODELS
from tests.ui.conftest import configure
from tests.ui.test_screenshot_xvfb import ARTIFACTS
from tests.ui.window_actions import type_and_send, wait_answer


def openai_window(windows, fakes, settings: Settings | None = None):  # noqa: ANN001, ANN201
    fake = fakes("openai")
    fake.models = list(OPENAI_MODELS)
    window = windows.new(configure("openai", fake, settings))
    return window, fake


def open_picker(qtbot, window):  # noqa: ANN001, ANN201
    picker = window.top_bar.model_picker
    picker.showPopup()
    popup = picker.popup
    qtbot.waitUntil(popup.isVisible)
    qtbot.waitUntil(lambda: len(rows(popup)) > 3, timeout=10_000)
    return popup


def rows(popup) -> list[str]:  # noqa: ANN001
    """The model names the popup offers, in order (headings and notes left out)."""
    return [popup.rows.item(r).data(ID_ROLE) for r in range(popup.rows.rowCount())
            if popup.rows.item(r).data(KIND_ROLE) == "model"]


def headings(popup) -> list[str]:  # noqa: ANN001
    return [popup.rows.item(r).text() for r in range(popup.rows.rowCount())
            if popup.rows.item(r).data(KIND_ROLE) == "header"]


def highlighted(popup) -> str:  # noqa: ANN001
    return popup.list.currentIndex().data(ID_ROLE)


def shot(window, popup, name: str) -> None:  # noqa: ANN001
    """The window with the open popup drawn where it is (offscreen, each top-level grabs alone)."""
    ARTIFACTS.mkdir(exist_ok=True)
    picture = QPixmap(window.size())
    picture.fill(Qt.GlobalColor.transparent)
    painter = QPainter(picture)
    painter.drawPixmap(0, 0, window.grab())
    painter.drawPixmap(window.mapFromGlobal(popup.mapToGlobal(QPoint(0, 0))), popup.grab())
    painter.end()
    assert picture.save(str(ARTIFACTS / name))


def test_the_picker_offers_only_chat_models_and_finds_one_by_part_of_its_name(windows, qtbot, fakes):
    window, _fake = openai_window(windows, fakes)
    popup = open_picker(qtbot, window)
    assert set(rows(popup)) == OPENAI_CHAT_MODELS
    assert rows(popup)[:4] == ["gpt-3.5-turbo", "gpt-3.5-turbo-0125", "gpt-3.5-turbo-1106", "gpt-4"]  # natural order
    picker = window.top_bar.model_picker
    assert [picker.itemText(i) for i in range(picker.count())] == rows(popup)  # the combo's own list agrees
    assert "Chat models: 17" in popup.footer.text() and "hidden (embedding, speech, image…): 24" in popup.footer.text()
    assert popup.width() >= popup.fontMetrics().horizontalAdvance("gpt-4-turbo-2024-04-09") + STAR_WIDTH
    assert popup.search.hasFocus()
    assert highlighted(popup) is None  # the model in use ("gpt-test") is not listed: Enter changes nothing
    shot(window, popup, "model-picker-light.png")

    qtbot.keyClicks(popup.search, "4o mini")  # every word, anywhere in the name
    assert rows(popup) == ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"]
    assert popup.rows.rowCount() == 2  # no "use as typed" row: a model name has no spaces
    assert highlighted(popup) == "gpt-4o-mini"
    shot(window, popup, "model-picker-search.png")
    qtbot.keyClick(popup.search, Qt.Key.Key_Down)
    assert highlighted(popup) == "gpt-4o-mini-2024-07-18"
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert window.top_bar.current_model() == "gpt-4o-mini-2024-07-18"
    assert window.settings.default_models["openai"] == "gpt-4o-mini-2024-07-18"

    # Any name can still be used, as typed; Esc closes without changing anything.
    popup = open_picker(qtbot, window)
    assert highlighted(popup) == "gpt-4o-mini-2024-07-18"  # reopened on the model in use
    qtbot.keyClicks(popup.search, "whisper")
    assert rows(popup) == []  # hidden: not a chat model
    popup.search.clear()
    qtbot.keyClicks(popup.search, "gpt-5-preview")
    assert rows(popup) == [] and "gpt-5-preview" in popup.rows.item(0).text()
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    assert not popup.isVisible() and window.top_bar.current_model() == "gpt-4o-mini-2024-07-18"
    popup = open_picker(qtbot, window)
    qtbot.keyClicks(popup.search, "gpt-5-preview")
    qtbot.keyClick(popup.search, Qt.Key.Key_Enter)
    assert window.top_bar.current_model() == "gpt-5-preview"


def test_favourites_come_first_then_recently_used_then_the_rest(windows, qtbot, fakes):
    window, fake = openai_window(windows, fakes)
    popup = open_picker(qtbot, window)
    qtbot.keyClicks(popup.search, "o3")
    qtbot.keyClick(popup.search, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # star the highlighted row
    qtbot.waitUntil(lambda: window.settings.favourite_models.get("openai") == ["o3-mini"])
    popup.search.clear()
    # Star another one with the mouse, on its star.
    row = rows(popup).index("gpt-4-turbo") + len(headings(popup))
    rect = popup.list.visualRect(popup.rows.index(row, 0))
    popup.list.scrollTo(popup.rows.index(row, 0))
    rect = popup.list.visualRect(popup.rows.index(row, 0))
    qtbot.mouseClick(popup.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 8, rect.center().y()))
    qtbot.waitUntil(lambda: window.settings.favourite_models.get("openai") == ["o3-mini", "gpt-4-turbo"])
    assert popup.isVisible()  # the star does not pick the model
    assert rows(popup)[:2] == ["gpt-4-turbo", "o3-mini"]
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)

    window.choice.choose_model("openai", "gpt-4o")
    type_and_send(qtbot, window, "hello")
    wait_answer(qtbot, window)
    assert window.settings.recent_models["openai"] == ["gpt-4o"]
    popup = open_picker(qtbot, window)
    assert rows(popup)[:3] == ["gpt-4-turbo", "o3-mini", "gpt-4o"]
    assert headings(popup) == ["Favourites", "Recently used", "All models"]
    shot(window, popup, "model-picker-favourites.png")
    qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    window.choice.save_settings()
    saved = load_settings()
    assert saved.favourite_models == {"openai": ["o3-mini", "gpt-4-turbo"]}
    assert (saved.recent_models, saved.last_answered_endpoint) == ({"openai": ["gpt-4o"]}, "openai")


def test_dark_picker_screenshot(windows, qtbot, fakes):
    settings = load_settings()
    settings.theme = "dark"
    settings.favourite_models = {"openai": ["gpt-4o"]}
    window, _fake = openai_window(windows, fakes, settings)
    window.apply_settings()  # the theme, as the app applies it at start
    try:
        popup = open_picker(qtbot, window)
        assert rows(popup)[0] == "gpt-4o"
        shot(window, popup, "model-picker-dark.png")
        qtbot.keyClick(popup.search, Qt.Key.Key_Escape)
    finally:
        window.settings.theme = "light"
        window.apply_settings()


def test_each_provider_is_marked_ready_needs_a_key_or_not_running(windows, qtbot, fakes):
    window, _fake = openai_window(windows, fakes)
    combo = window.top_bar.provider_picker

    def state(endpoint_id: str) -> str | None:
        return combo.itemData(combo.findData(endpoint_id), STATE_ROLE)

    unknown = Readiness.UNKNOWN.value
    qtbot.waitUntil(lambda: state("ollama") != unknown and state("anthropic") != unknown, timeout=10_000)
    assert state("openai") == Readiness.READY.value
    assert state("anthropic") == Readiness.NEEDS_KEY.value
    assert state("ollama") == Readiness.NOT_RUNNING.value  # the autouse fixture points it at port 9
    assert state("builtin") in (Readiness.READY.value, Readiness.NOT_INSTALLED.value)
    tip = combo.itemData(combo.findData("anthropic"), Qt.ItemDataRole.ToolTipRole)
    assert "needs a key" in tip and "Settings" in tip
    combo.showPopup()
    qtbot.waitUntil(combo.view().window().isVisible)
    shot(window, combo.view().window(), "provider-picker-marks.png")
    combo.hidePopup()


def test_with_only_an_openai_key_in_the_environment_the_first_message_is_answered_by_openai(
        windows, qtbot, monkeypatch):  # noqa: ANN001
    with FakeOpenAI() as fake:
        fake.expected_key = "sk-env-only"
        monkeypatch.setenv("OPENAI_API_KEY", "sk-env-only")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url + "/v1")
        settings = Settings()  # a fresh install: the default provider is still Anthropic
        settings.read_timeout, settings.connect_timeout = 5.0, 2.0
        window = windows.new(settings)
        qtbot.waitUntil(lambda: window.top_bar.current_endpoint() == "openai", timeout=10_000)
        type_and_send(qtbot, window, "hello")
        answer = wait_answer(qtbot, window)
        assert answer.provider == "openai" and answer.text == "Hello, world!"
        assert answer.error is None
        assert any(r.path.endswith("/chat/completions") for r in fake.requests)
        window.new_conversation()  # and the next one starts there too
        assert window.top_bar.current_endpoint() == "openai"
        window.choice.save_settings()
        assert load_settings().last_answered_endpoint == "openai"


def test_an_answer_from_a_model_the_field_did_not_name_shows_it_there(windows, qtbot, fakes):
    """A draft the start moved to a provider whose models are not listed (the built-in engine with
    no default model): the engine picks the model, and the field and the status line then name it."""
    window = windows.new(configure("openai", fakes("openai")))
    window.top_bar.set_models([], "")  # nothing listed, nothing named
    assert window.top_bar.current_model() == ""
    window.choice.note_answered("openai", "gpt-picked-by-engine")
    assert window.top_bar.current_model() == "gpt-picked-by-engine"
    assert "gpt-picked-by-engine" in window.status_endpoint.text()


def test_ollama_models_are_sorted_out_by_what_ollama_says_they_can_do(windows, qtbot, fakes):
    fake = fakes("ollama")
    fake.models += [FakeModel("granite-small:latest", capabilities=["embedding"]),  # only /api/show tells
                    FakeModel("nomic-embed-text:latest", capabilities=["embedding"])]
    window = windows.new(configure("ollama", fake))
    popup = open_picker(qtbot, window)

    def tags(name: str) -> str:
        row = next(r for r in range(popup.rows.rowCount()) if popup.rows.item(r).data(ID_ROLE) == name)
        return popup.rows.item(row).data(TAGS_ROLE)

    qtbot.waitUntil(lambda: rows(popup) == ["llama3.2:latest", "llava:13b", "qwen2.5:7b"], timeout=10_000)
    qtbot.waitUntil(lambda: tags("llava:13b") == "4k  images", timeout=10_000)
    assert tags("llama3.2:latest") == "128k  tools"
    assert "image…): 2" in popup.footer.text()
    shot(window, popup, "model-picker-ollama.png")


def test_context_windows_are_named_the_way_people_say_them() -> None:
    from desktop_chat.ui.models.top_bar import _context_tag

    assert [_context_tag(n) for n in (4096, 8192, 131_072, 128_000, 200_000, 1_048_576, 2_000_000, 512)] == [
        "4k", "8k", "128k", "128k", "200k", "1M", "2M", "512"]


def test_without_a_key_a_running_ollama_is_where_a_new_conversation_starts(windows, qtbot, fakes):
    ollama = fakes("ollama")
    settings = load_settings()
    settings.ollama_host = ollama.base_url
    window = windows.new(settings)
    # Anthropic (the old default) needs a key; Ollama runs: the new conversation moves there by itself,
    # without making it the default (nothing was chosen: the first-start offer still stands).
    qtbot.waitUntil(lambda: window.top_bar.current_endpoint() == "ollama" and bool(window.top_bar.current_model()),
                    timeout=10_000)
    assert window.settings.default_endpoint == "anthropic"
    type_and_send(qtbot, window, "hello ollama")
    answer = wait_answer(qtbot, window)
    assert (answer.provider, answer.text) == ("ollama", "Hello, world!")
    assert window.settings.default_endpoint == "ollama"  # it answered: new conversations start there
