"""Chinese looks Chinese: Han characters are drawn with a Simplified-Chinese family on an English
system locale, in the interface, in answers and in code (checked on the glyphs Qt laid out)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat.ui.common.fonts import cjk_families, preferred_cjk

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("ui", "system", "first"), [
    ("en", "en_US", "SC"), ("en", "C", "SC"), ("en", "de_DE", "SC"), ("en", "zh_CN", "SC"),
    ("zh_CN", "en_US", "SC"), ("zh_CN", "ja_JP", "SC"),  # the interface is Simplified Chinese: its forms
    ("en", "ja_JP", "JP"), ("en", "ko_KR", "KR"), ("en", "zh_TW", "TC"), ("en", "zh_HK", "HK"),
])
def test_simplified_chinese_forms_come_first_unless_the_user_reads_another_cjk_language(ui, system, first):
    assert preferred_cjk(ui, system) == first


def test_the_family_list_keeps_the_installed_fonts_in_order():
    installed = ["DejaVu Sans", "noto sans cjk jp", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans Mono CJK SC"]
    assert cjk_families("SC", installed) == ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans CJK JP"]
    assert cjk_families("JP", installed)[:2] == ["Noto Sans CJK JP", "Noto Sans CJK SC"]
    assert cjk_families("SC", installed, mono=True)[:2] == ["Noto Sans Mono CJK SC", "Noto Sans CJK SC"]
    everything = cjk_families("SC")
    assert everything[0] == "Noto Sans CJK SC" and "Microsoft YaHei" in everything and "PingFang SC" in everything
    assert len(everything) == len(set(everything))


# What a fresh process does: the real start-up's apply_look, then text laid out three ways.
PROBE = r"""
import json, sys
from PySide6.QtGui import QFontDatabase, QImage, QTextLayout
from PySide6.QtWidgets import QApplication, QTextEdit
app = QApplication([])
from desktop_chat.config import Settings
from desktop_chat.ui.app import apply_look
from desktop_chat.ui.messages.markdown_render import MarkdownRenderer

def han_families(layout, text):
    found = set()
    for i in range(layout.lineCount()):
        for run in layout.lineAt(i).glyphRuns():
            found.add(run.rawFont().familyName())
    return sorted(found)

before = QTextLayout("骨今直", app.font()); before.beginLayout(); before.createLine(); before.endLayout()
out = {"installed_sc": "Noto Sans CJK SC" in QFontDatabase.families(),
       "before": han_families(before, "")}
from PySide6.QtGui import QFont
QApplication.setFont(QFont("DejaVu Serif", 11), "QMenu")  # as a desktop theme gives menus their own font
settings = Settings(); settings.language = "en"; settings.theme = "light"
out["language"] = apply_look(app, settings)
menu = app.font("QMenu")
out["menu"] = [menu.families()[:2], menu.pointSize()]
ui = QTextLayout("骨今直", app.font()); ui.beginLayout(); ui.createLine(); ui.endLayout()
out["ui"] = han_families(ui, "")
renderer = MarkdownRenderer()
edit = QTextEdit()  # as an answer is shown: the widget's font, the renderer's style sheet
edit.document().setDefaultStyleSheet(renderer.style_sheet())
edit.setHtml(renderer.render("骨今直\n\n```\n骨今直\n```\n"))
edit.resize(500, 300); edit.show()
image = QImage(500, 300, QImage.Format.Format_ARGB32); edit.render(image)
block, blocks = edit.document().begin(), []
while block.isValid():
    if block.text() == "骨今直":
        blocks.append(han_families(block.layout(), block.text()))
    block = block.next()
out["answer"], out["code"] = blocks
# To look at: the same characters with the platform's font (fontconfig's choice for the locale)
# and with the application's font list.
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QPainter
picture = QImage(560, 150, QImage.Format.Format_RGB32); picture.fill(Qt.GlobalColor.white)
painter = QPainter(picture)
for row, (label, font) in enumerate([("before", QFont(before.font())), ("after", QFont(app.font()))]):
    font.setPixelSize(48); painter.setFont(font); painter.drawText(QPoint(10, 60 + row * 70), "骨今直 说明书 " + label)
painter.end()
picture.save(sys.argv[1])
print(json.dumps(out))
"""


def test_han_is_drawn_with_a_simplified_chinese_family_under_an_english_locale():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="en_US.UTF-8", LANGUAGE="en_US", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    picture = ROOT / "test-artifacts" / "chinese-glyphs-en-locale.png"
    done = subprocess.run([sys.executable, "-c", PROBE, str(picture)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    if not out["installed_sc"]:
        pytest.skip("no Simplified Chinese font installed here (fonts-noto-cjk)")
    assert out["language"] == "en"
    assert out["ui"] == ["Noto Sans CJK SC"], out
    assert out["answer"] == ["Noto Sans CJK SC"], out
    assert out["code"] == ["Noto Sans Mono CJK SC"], out  # code keeps a monospaced cut
    assert picture.stat().st_size > 2000
    assert out["menu"] == [["DejaVu Serif", "Noto Sans CJK SC"], 11]  # a theme's own fonts keep theirs, plus CJK
    # (out["before"]: what fontconfig chose by the locale without the list; Noto Sans CJK JP on
    # the machine this was written on, which is the bug fixed here.)
