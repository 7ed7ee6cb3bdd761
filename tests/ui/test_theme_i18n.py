"""Theme switching, language switching, and the shipped Chinese catalog."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desktop_chat.config import Settings
from desktop_chat.ui.runtime import i18n
from desktop_chat.ui.common import theme
from desktop_chat.ui.runtime.async_runner import AsyncRunner

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "desktop_chat" / "resources" / "translations" / "desktop_chat_zh_CN.ts"
QM = TS.with_suffix(".qm")
MY_FILES = ["desktop_chat/ui/settings/settings_dialog.py", "desktop_chat/ui/common/theme.py", "desktop_chat/ui/runtime/i18n.py"]
MY_CONTEXTS = {"SettingsDialog", "EndpointEditor"}


@pytest.fixture
def app(qapp: QApplication):  # noqa: ANN201
    yield qapp
    theme.apply_theme(qapp, "system")
    i18n.install_translator(qapp, "en")


def window_colour(app: QApplication):  # noqa: ANN001, ANN201
    return app.palette().color(QPalette.ColorRole.Window)


# -- theme -----------------------------------------------------------------------------------------

def test_dark_and_light_change_the_window_colour(app) -> None:  # noqa: ANN001
    theme.apply_theme(app, "dark")
    assert window_colour(app).lightness() < 80
    assert app.palette().color(QPalette.ColorRole.WindowText).lightness() > 180
    assert app.style().name().lower() == "fusion"
    assert theme.is_dark()

    theme.apply_theme(app, "light")
    assert window_colour(app).lightness() > 200
    assert app.palette().color(QPalette.ColorRole.WindowText).lightness() < 60
    assert not theme.is_dark()


def test_system_gives_back_the_platform_palette(app) -> None:  # noqa: ANN001
    theme.apply_theme(app, "system")
    platform = window_colour(app)
    theme.apply_theme(app, "dark")
    assert window_colour(app) != platform
    theme.apply_theme(app, "system")
    assert window_colour(app) == platform
    assert theme.current_theme() == "system"


def test_an_unknown_theme_means_system(app) -> None:  # noqa: ANN001
    theme.apply_theme(app, "dark")
    theme.apply_theme(app, "solarized")
    assert theme.current_theme() == "system" and not theme.is_dark()


def test_the_dark_palette_keeps_disabled_text_readable() -> None:
    palette = theme.dark_palette()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    window = palette.color(QPalette.ColorRole.Window)
    assert window.lightness() < disabled.lightness() < normal.lightness()


# -- language -------------------------------------------------------------------------------------

def test_zh_cn_translates_and_english_comes_back(app) -> None:  # noqa: ANN001
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Settings"
    assert i18n.install_translator(app, "zh_CN") == "zh_CN"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "设置"
    assert QCoreApplication.translate("EndpointEditor", "Test connection") == "测试连接"
    assert i18n.current_language() == "zh_CN"

    assert i18n.install_translator(app, "en") == "en"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Settings"
    assert i18n.current_language() == "en"


def test_qt_own_strings_follow_the_language(app) -> None:  # noqa: ANN001
    qt_dir = Path(i18n._qt_translation_dirs()[0])
    if not (qt_dir / "qtbase_zh_CN.qm").exists():
        pytest.skip("this Qt has no qtbase_zh_CN.qm")
    i18n.install_translator(app, "zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_the_language_change_is_announced(app, qtbot) -> None:  # noqa: ANN001
    with qtbot.waitSignal(i18n.notifier().languageChanged) as signal:
        i18n.install_translator(app, "zh_CN")
    assert signal.args == ["zh_CN"]


@pytest.mark.parametrize(("locale", "expected"), [
    ("zh_CN", "zh_CN"), ("zh_SG", "zh_CN"), ("zh_Hans_HK", "zh_CN"),
    ("zh_TW", "en"), ("zh_Hant_HK", "en"), ("en_GB", "en"), ("de_DE", "en"), ("C", "en"),
])
def test_system_language_is_taken_from_the_locale(locale: str, expected: str) -> None:
    assert i18n.resolve_language("system", QLocale(locale)) == expected


def test_an_unshipped_language_falls_back_to_english(app) -> None:  # noqa: ANN001
    assert i18n.install_translator(app, "fr") == "en"
    assert i18n.resolve_language("zh-CN") == "zh_CN"


def test_a_missing_catalog_falls_back_to_english(app, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setattr(i18n, "_candidates", lambda: [tmp_path])
    assert i18n.install_translator(app, "zh_CN") == "en"
    assert QCoreApplication.translate("SettingsDialog", "Settings") == "Settings"


def test_a_bundle_is_searched_first(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    bundled = tmp_path / "resources" / "translations"
    bundled.mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert i18n.translations_dir() == bundled


def test_an_open_dialog_retranslates_live(app, qtbot, qloop) -> None:  # noqa: ANN001
    from desktop_chat.ui.settings.settings_dialog import SettingsDialog

    async def no_models(_endpoint_id: str) -> list:
        return []

    dialog = SettingsDialog(Settings(), AsyncRunner(), no_models)
    qtbot.addWidget(dialog)
    pages = dialog.pages
    i18n.install_translator(app, "zh_CN")
    qtbot.waitUntil(lambda: dialog.windowTitle() == "设置")
    assert pages.title(0) == "服务商"
    i18n.install_translator(app, "en")
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Settings")
    assert pages.title(0) == "Providers"


# -- the catalog ----------------------------------------------------------------------------------

def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            out.append((name, message.findtext("source", ""), message.find("translation")))
    return out


def _finished(translation: ET.Element | None) -> bool:
    return translation is not None and translation.get("type") is None and bool((translation.text or "").strip())


def test_every_string_of_the_settings_dialog_is_translated() -> None:
    mine = [(c, s) for c, s, t in _messages(TS) if c in MY_CONTEXTS and not _finished(t)]
    assert mine == []


def test_the_catalog_is_up_to_date_with_the_code(tmp_path) -> None:  # noqa: ANN001
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists() and shutil.which("pyside6-lupdate") is None:
        pytest.skip("pyside6-lupdate not installed")
    fresh = tmp_path / "fresh_zh_CN.ts"
    subprocess.run([str(lupdate) if lupdate.exists() else "pyside6-lupdate", *MY_FILES, "-ts", str(fresh),
                    "-silent", "-locations", "none"], cwd=ROOT, check=True)
    shipped = {(c, s) for c, s, t in _messages(TS) if _finished(t)}
    missing = [(c, s) for c, s, _ in _messages(fresh) if (c, s) not in shipped]
    assert missing == [], "run `python build/update_translations.py` and translate these"


def test_translations_keep_every_placeholder() -> None:
    wrong = []
    for context, source, translation in _messages(TS):
        if _finished(translation):
            if sorted(re.findall(r"\{\w*\}", source)) != sorted(re.findall(r"\{\w*\}", translation.text or "")):
                wrong.append((context, source, translation.text))
    assert wrong == []


def test_the_compiled_catalog_matches_the_source() -> None:
    translator = QTranslator()
    assert translator.load(str(QM))
    stale = [(c, s) for c, s, t in _messages(TS)
             if _finished(t) and translator.translate(c, s) != (t.text or "")]
    assert stale == [], "run `python build/update_translations.py`"
