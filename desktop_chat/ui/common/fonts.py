"""Fonts that draw Chinese as Chinese, whatever the system locale.

One Han code point has different glyph forms in Simplified Chinese, Traditional Chinese, Japanese
and Korean (骨, 今, 直 differ visibly). A font that covers all of them (Noto Sans CJK, Source Han
Sans) picks one set per *family*: "Noto Sans CJK SC" draws the Simplified forms, "… JP" the
Japanese ones. With no CJK family named, Qt asks the system for a fallback, and fontconfig answers
by the locale: under en_US it returns Noto Sans CJK **JP**, so Chinese looked Japanese even with
the interface set to 简体中文.

So the application font is given a family *list*: the platform's own UI family first (it draws
the Latin text, as before), then the installed CJK families in the preferred order. Qt takes each
character from the first family in the list that has it, so Han goes to the first CJK family.
The order: Simplified Chinese first — the interface ships in English and Simplified Chinese, and
Chinese is the CJK language its users write — except when the interface is not Chinese and the
system locale is Japanese, Korean or Traditional Chinese, whose users get their own forms first.

Code keeps a monospace family for Latin, with the same CJK order behind it (`code_font_css`, used
by the markdown renderer's style sheet); the CJK fonts' monospaced cuts come first there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

__all__ = ["apply_app_font", "cjk_families", "code_families", "code_font_css", "preferred_cjk", "remove_app_font",
           "text_families"]

# Per written form, the families that draw it, most common first across Linux, macOS and Windows.
_CJK: dict[str, tuple[str, ...]] = {
    "SC": ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", "PingFang SC",
           "Microsoft YaHei UI", "Microsoft YaHei", "Hiragino Sans GB", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
           "Sarasa Gothic SC", "Droid Sans Fallback"),
    "TC": ("Noto Sans CJK TC", "Source Han Sans TC", "Source Han Sans TW", "Noto Sans TC", "PingFang TC",
           "Microsoft JhengHei UI", "Microsoft JhengHei"),
    "HK": ("Noto Sans CJK HK", "Source Han Sans HK", "Noto Sans HK", "PingFang HK"),
    "JP": ("Noto Sans CJK JP", "Source Han Sans JP", "Source Han Sans", "Noto Sans JP", "Hiragino Sans",
           "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Yu Gothic", "Meiryo UI", "Meiryo"),
    "KR": ("Noto Sans CJK KR", "Source Han Sans KR", "Source Han Sans K", "Noto Sans KR", "Apple SD Gothic Neo",
           "Malgun Gothic"),
}
_CJK_MONO: dict[str, tuple[str, ...]] = {
    "SC": ("Noto Sans Mono CJK SC", "Sarasa Mono SC"),
    "TC": ("Noto Sans Mono CJK TC", "Sarasa Mono TC"),
    "HK": ("Noto Sans Mono CJK HK",),
    "JP": ("Noto Sans Mono CJK JP", "Sarasa Mono J"),
    "KR": ("Noto Sans Mono CJK KR", "Sarasa Mono K"),
}
_ORDER = ("SC", "TC", "HK", "JP", "KR")
# The widget classes a platform theme can give their own font (QApplicationPrivate::initializeWidgetFontHash).
THEMED_CLASSES = ("QMenu", "QMenuBar", "QMenuItem", "QMessageBox", "QLabel", "QTipLabel", "QStatusBar",
                   "QMdiSubWindowTitleBar", "QDockWidgetTitle", "QPushButton", "QCheckBox", "QRadioButton",
                   "QToolButton", "QAbstractItemView", "QListView", "QHeaderView", "QListBox", "QComboMenuItem",
                   "QComboLineEdit", "QSmallFont", "QMiniFont")

_state: dict[str, object] = {"original": None, "themed": {}, "latin": None, "mono": None, "families": None,
                             "code_css": None, "code": None, "listening": False}


def preferred_cjk(ui_language: str, system_locale: str) -> str:
    """"SC", "TC", "HK", "JP" or "KR": whose glyph forms Han characters get first.

    `ui_language` is the installed interface language ("en", "zh_CN"); `system_locale` a locale
    name such as "en_US", "ja_JP", "zh_TW" (QLocale.system().name())."""
    if ui_language.startswith("zh"):
        return "SC"  # the interface ships Simplified Chinese only
    locale = QLocale(system_locale)
    language = locale.language()
    if language == QLocale.Language.Japanese:
        return "JP"
    if language == QLocale.Language.Korean:
        return "KR"
    if language == QLocale.Language.Chinese:
        if locale.territory() in (QLocale.Country.HongKong, QLocale.Country.Macao):
            return "HK"
        if locale.script() == QLocale.Script.TraditionalChineseScript or locale.territory() == QLocale.Country.Taiwan:
            return "TC"
    return "SC"


def cjk_families(first: str, installed: Iterable[str] | None = None, *, mono: bool = False) -> list[str]:
    """The CJK families in preference order, `first`'s forms leading; only `installed` ones if given."""
    order = [first, *(form for form in _ORDER if form != first)]
    names: list[str] = []
    for form in order:
        if mono:
            names.extend(_CJK_MONO[form])
        names.extend(_CJK[form])
    return _only_installed(names, installed)


def _only_installed(names: Sequence[str], installed: Iterable[str] | None) -> list[str]:
    if installed is None:
        return list(dict.fromkeys(names))
    have = {name.casefold() for name in installed}
    return [name for name in dict.fromkeys(names) if name.casefold() in have]


def apply_app_font(app: QApplication, ui_language: str, system_locale: str | None = None) -> list[str]:
    """Give the application font its family list for `ui_language`; return the list.

    Idempotent (nothing changes, so no FontChange goes through every widget, when the list is the
    same) and follows later language switches (i18n's languageChanged)."""
    if _state["latin"] is None:
        _state["original"] = QFont(app.font())
        # Desktop themes (KDE, GNOME, Windows, macOS) may give menus, tooltips, buttons… fonts of
        # their own: those need the CJK families too, after their own Latin one.
        # PySide6 takes the class name as a str; its stub says bytes, which it refuses at run time.
        _state["themed"] = {name: QFont(app.font(name)) for name in THEMED_CLASSES  # type: ignore[call-overload]
                           if app.font(name) != app.font()}  # type: ignore[call-overload]
        # The platform's UI and fixed-pitch families as Qt resolved them (a name like "Sans Serif"
        # is an alias Qt's font list does not know: a family list starting with it skips it).
        _state["latin"] = QFontInfo(app.font()).family()
        _state["mono"] = QFontInfo(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)).family()
    locale = system_locale if system_locale is not None else QLocale.system().name()
    first = preferred_cjk(ui_language, locale)
    installed = QFontDatabase.families()
    latin, mono = str(_state["latin"]), str(_state["mono"])
    families = [latin, *(f for f in cjk_families(first, installed) if f != latin)]
    code = [mono, *(f for f in cjk_families(first, installed, mono=True) if f != mono)]
    _state["code_css"] = ", ".join([*(_css_quote(f) for f in code), "monospace"])
    _state["code"] = code
    if families != _state["families"]:
        _state["families"] = families
        font = QFont(app.font())
        font.setFamilies(families)
        app.setFont(font)  # (this drops every class's own font: they are set again next)
        for name, themed in dict(_state["themed"]).items():  # type: ignore[call-overload]
            font = QFont(themed)
            font.setFamilies([QFontInfo(themed).family(), *families[1:]])
            app.setFont(font, name)
    _follow_language(app)
    return families


def text_families() -> list[str]:
    """The application font's family list, Latin first, then CJK (after `apply_app_font`; before
    it, none). Safe from any thread (a worker must not read the app's QFont while the GUI thread
    may be setting it)."""
    return list(_state.get("families") or [])  # type: ignore[call-overload]


def code_families() -> list[str]:
    """The monospace family list for code (after `apply_app_font`; before it, only "monospace")."""
    return list(_state.get("code") or ["monospace"])  # type: ignore[call-overload]


def code_font_css() -> str:
    """`code_families` as a CSS font-family value, for Qt's rich text. Safe from any thread: it is
    worked out on the GUI thread by `apply_app_font`."""
    return str(_state["code_css"] or "monospace")


def _css_quote(family: str) -> str:
    return '"' + family.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _follow_language(app: QApplication) -> None:
    if _state["listening"]:
        return
    from desktop_chat.ui.runtime import i18n

    def follow(language: str) -> None:
        apply_app_font(app, language)

    _state["listening"] = follow
    i18n.notifier().languageChanged.connect(follow)


def remove_app_font(app: QApplication) -> None:
    """Undo `apply_app_font`: the platform's font again, language switches no longer followed
    (tests that photograph Chinese text use it to leave the application as they found it)."""
    follow = _state["listening"]
    if follow:
        from desktop_chat.ui.runtime import i18n

        i18n.notifier().languageChanged.disconnect(follow)
    original = _state.get("original")
    if _state["families"] is not None and isinstance(original, QFont):
        app.setFont(original)
        for name, themed in dict(_state["themed"]).items():  # type: ignore[call-overload]
            app.setFont(themed, name)
    _state.update(original=None, themed={}, latin=None, mono=None, families=None, code_css=None, code=None, listening=False)
