"""Settings' "Other services": add a service from the preset list, test it, save it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pathlib import Path

from desktop_chat import secrets
from desktop_chat.config import Settings, load_settings
from desktop_chat.presets import find_preset
from tests.ui.test_settings_dialog import FakeModels, open_dialog  # noqa: F401 - the fixture

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def choose(dialog, preset_id: str) -> None:  # noqa: ANN001
    action = next(a for a in dialog.custom_page.preset_button.menu().actions() if a.data() == preset_id)
    action.trigger()


def test_a_preset_fills_name_address_and_model_then_saves_with_its_key(qtbot, open_dialog):  # noqa: F811
    settings = Settings()
    models = FakeModels(count=2)
    dialog = open_dialog(settings, models)
    dialog.pages.setCurrentIndex(1)
    choose(dialog, "siliconflow")
    editor = dialog.custom_editor
    assert editor.name_edit.text() == "SiliconFlow"
    assert editor.url_edit.text() == "https://api.siliconflow.cn/v1"
    hint = dialog.custom_page.preset_hint
    assert hint.isVisible() and 'href="https://cloud.siliconflow.cn/account/ak"' in hint.text()
    qtbot.keyClicks(editor.key_edit, "sk-silicon-0004")
    qtbot.mouseClick(editor.test_button, Qt.MouseButton.LeftButton)  # "Save and test", as for any service
    qtbot.waitUntil(lambda: models.calls == ["siliconflow"])
    assert models.keys_at_call == ["sk-silicon-0004"]
    qtbot.waitUntil(lambda: "Connected: 2 models" in editor.test_result.text())
    ARTIFACTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / "welcome-settings-preset.png"))

    choose(dialog, "siliconflow")  # a second one gets its own name
    assert editor.name_edit.text() == "SiliconFlow 2"
    choose(dialog, "lm-studio")
    assert editor.url_edit.text() == "http://127.0.0.1:1234/v1" and "needs no key" in hint.text()
    dialog.custom_page.remove_selected()
    dialog.custom_page.list.setCurrentRow(1)
    dialog.custom_page.remove_selected()
    with qtbot.waitSignal(dialog.settingsChanged, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = load_settings()
    assert [(c.id, c.base_url) for c in saved.custom_endpoints] == [("siliconflow", "https://api.siliconflow.cn/v1")]
    assert saved.default_models["siliconflow"] == find_preset("siliconflow").default_model
    assert secrets.get_key("siliconflow") == "sk-silicon-0004"
