"""ui/runtime/pyside_import_check.py answers PySide's per-import question exactly as PySide does."""

from __future__ import annotations

import importlib
import sys
import types

import pytest

import desktop_chat.ui.app  # noqa: F401 - installs the check, as the app's start does
from desktop_chat.ui.runtime import pyside_import_check

# Modules that mention PySide6 and modules that do not; ours, the standard library's, a
# package's __init__, a built-in and an extension module.
MODULES = [
    "desktop_chat.ui.messages.message_view", "desktop_chat.ui.common.theme", "desktop_chat.chat.engine",
    "desktop_chat.documents", "desktop_chat.store.database", "json", "asyncio.base_events",
    "qasync", "sys", "_sqlite3",
]


def test_the_app_installs_it_in_place_of_pysides_own():
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is pyside_import_check.mentions_pyside
    assert pyside_import_check.original_check() is not None
    assert pyside_import_check.install()  # a second install changes nothing
    assert pyside_import_check.original_check() is not pyside_import_check.mentions_pyside


@pytest.mark.parametrize("name", MODULES)
def test_same_answer_as_pyside(name):
    original = pyside_import_check.original_check()
    assert original is not None
    module = importlib.import_module(name)
    assert pyside_import_check.mentions_pyside(module) == original(module)


def test_the_answers_include_both_kinds():
    answers = {pyside_import_check.mentions_pyside(importlib.import_module(n)) for n in MODULES}
    assert answers == {True, False}


def test_a_module_without_a_readable_source_does_not_use_pyside(tmp_path):
    gone = types.ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")  # no such file
    sourceless = types.ModuleType("sourceless")
    sourceless.__file__ = str(tmp_path / "sourceless.pyc")
    assert not pyside_import_check.mentions_pyside(gone)
    assert not pyside_import_check.mentions_pyside(sourceless)
    assert not pyside_import_check.mentions_pyside(types.ModuleType("no_file"))
