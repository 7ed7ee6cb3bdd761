"""The interface language: English (the source text) or Simplified Chinese, switchable live.

`install_translator` removes whatever it installed before, so switching while the app runs
works: Qt then sends QEvent.LanguageChange to every widget, and widgets that set their texts in
one `retranslate()` method redo them there. `notifier().languageChanged` is emitted as well, for
code that is not a widget.

Translation files are looked for in, first to last: `$DESKTOP_CHAT_TRANSLATIONS`, the
PyInstaller bundle (`sys._MEIPASS/resources/translations`, see chat.spec) and the package
(`desktop_chat/resources/translations`: package data, so a checkout and a wheel both have it).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.runtime.resources import resource_dirs

log = logging.getLogger(__name__)

LANGUAGES = ("en", "zh_CN")  # what ships; "en" is the source text and needs no file
CATALOG = "desktop_chat"
TRANSLATIONS_ENV = "DESKTOP_CHAT_TRANSLATIONS"


class _LanguageNotifier(QObject):
    languageChanged = Signal(str)


_installed: list[QTranslator] = []
_current = {"language": "en"}
_notifier: _LanguageNotifier | None = None


def notifier() -> _LanguageNotifier:
    global _notifier
    if _notifier is None:
        _notifier = _LanguageNotifier()
    return _notifier


def current_language() -> str:
    return _current["language"]


def install_translator(app: QApplication, language: str) -> str:
    """Install "system" | "en" | "zh_CN"; return the language actually installed ("en" if none)."""
    wanted = resolve_language(language)
    if wanted == _current["language"] and (wanted == "en" or _installed):
        return wanted  # already in force: no needless LanguageChange storm through every widget
    _remove_installed(app)
    installed = "en"
    if wanted != "en":
        ours = _load(app, translations_dir(), f"{CATALOG}_{wanted}")
        if ours is None:
            log.warning("no translation for %s found (looked in %s); using English", wanted, _candidates())
        else:
            _installed.append(ours)
            installed = wanted
            for directory in _qt_translation_dirs():  # Qt's own strings: standard buttons, context menus
                qt = _load(app, directory, f"qtbase_{wanted}")
                if qt is not None:
                    _installed.append(qt)
                    break
    for translator in _installed:
        app.installTranslator(translator)
    changed = installed != _current["language"]
    _current["language"] = installed
    if changed:
        notifier().languageChanged.emit(installed)
    return installed


def resolve_language(language: str, locale: QLocale | None = None) -> str:
    """Map a setting ("system", "en", "zh_CN", "zh-CN") to a language that ships."""
    language = (language or "system").replace("-", "_")
    if language != "system":
        return language if language in LANGUAGES else "en"
    for tag in (locale or QLocale.system()).uiLanguages():
        parts = tag.replace("-", "_").split("_")
        if parts[0] == "en":
            return "en"
        if parts[0] == "zh":
            # Only Simplified Chinese ships; a Traditional Chinese reader gets English instead of
            # being switched to a script they did not ask for. An explicit script decides; else the region.
            if "Hans" in parts or "Hant" in parts:
                return "zh_CN" if "Hans" in parts else "en"
            return "en" if any(p in ("TW", "HK", "MO") for p in parts) else "zh_CN"
    return "en"


def translations_dir() -> Path | None:
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    return None


def _candidates() -> list[Path]:
    out = []
    if os.environ.get(TRANSLATIONS_ENV):
        out.append(Path(os.environ[TRANSLATIONS_ENV]))
    out.extend(resource_dirs("translations"))
    return out


def _qt_translation_dirs() -> list[Path]:
    out = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # PyInstaller's PySide6 hook puts them here
        out += [Path(bundle) / "PySide6" / "Qt" / "translations", Path(bundle) / "PySide6" / "translations"]
    return out


def _load(app: QApplication, directory: Path | None, name: str) -> QTranslator | None:
    if directory is None:
        return None
    translator = QTranslator(app)
    if translator.load(name, str(directory)):
        return translator
    translator.deleteLater()
    return None


def _remove_installed(app: QApplication) -> None:
    while _installed:
        translator = _installed.pop()
        app.removeTranslator(translator)
        translator.deleteLater()
