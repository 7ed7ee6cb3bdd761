"""ui/runtime/pyside_import_check.py: every module gets "no feature" from PySide's per-import
question, at no cost, and a module that selects a feature still keeps its own selection."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import desktop_chat.ui.app  # noqa: F401 - installs the check, as the app's start does
from desktop_chat.ui.runtime import pyside_import_check

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_installs_it_in_place_of_pysides_own():
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is pyside_import_check.no_feature
    assert pyside_import_check.original_check() is not None
    assert pyside_import_check.install()  # a second install changes nothing
    assert pyside_import_check.original_check() is not pyside_import_check.no_feature


def test_a_module_imported_after_it_is_recorded_as_using_no_feature(tmp_path, monkeypatch):
    feature = sys.modules["shibokensupport.feature"]
    (tmp_path / "plain_module_for_the_check.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import plain_module_for_the_check  # noqa: F401 - does not name PySide: PySide's own check said -1

    assert feature.pyside_feature_dict["plain_module_for_the_check"] == 0


def _run(tmp_path: Path, which: str) -> str:
    """A module that selects snake_case, then an ordinary one that does not name PySide6 and
    calls Qt's own method name on the object it is given; prints what each returned."""
    (tmp_path / "snake.py").write_text(textwrap.dedent("""
        from __feature__ import snake_case  # noqa: F401
        def name_of(obj):
            return obj.object_name()
    """), encoding="utf-8")
    (tmp_path / "helper.py").write_text(textwrap.dedent("""
        def name_of(obj):
            return obj.objectName()
    """), encoding="utf-8")
    (tmp_path / "drive.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        if {which!r} == "ours":
            import desktop_chat.ui.app  # noqa: F401
        from PySide6.QtCore import QObject
        import snake, helper
        obj = QObject()
        obj.setObjectName("named")
        answers = [snake.name_of(obj)]
        try:
            answers.append(helper.name_of(obj))
        except AttributeError:
            answers.append("AttributeError")
        print(" ".join(answers))
    """), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(tmp_path / "drive.py")], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_module_that_selects_a_feature_keeps_it_and_the_others_keep_qts_names(tmp_path):
    assert _run(tmp_path, "ours") == "named named"


def test_pysides_own_answer_lets_the_selection_leak_into_a_module_that_does_not_name_pyside(tmp_path):
    # Why "no feature" for everyone is the better answer, not only the cheaper one.
    assert _run(tmp_path, "pyside") == "named AttributeError"
