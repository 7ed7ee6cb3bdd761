"""A cheaper answer to the question PySide6 asks about every module imported after it.

Once PySide6.QtCore is imported, shiboken replaces `builtins.__import__` (to support the opt-in
`from __feature__ import snake_case`), and after every import it asks
`shibokensupport.feature._mod_uses_pyside(module)`: "does this module's source mention
PySide6?". It answers with `inspect.getsource(module)`, and `inspect.getmodule` walks all of
`sys.modules` on each call, so the cost grows with every module already loaded. Measured on
this app's start: 53–84 ms over ≈ 270 modules, about a fifth of everything the app adds to a
bare Qt window (README, Benchmarks).

`install()` swaps in a check with the same answer, reading the module's own file once. We use
no `__feature__` switches, so a wrong answer could at worst change how snake_case features
would apply to a module: none do here. If PySide6 changes its internals, `install()` finds no
such function and leaves everything as it is (tests/ui/test_pyside_import_check.py compares the
answers of both checks, so a change in meaning shows up there).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"
_MARK = b"PySide6"  # what PySide's check searches the source for


def mentions_pyside(module: ModuleType) -> bool:
    """True when `module` comes from a .py file whose text contains "PySide6".

    inspect.getsource fails (and PySide answers False) for built-in, extension and sourceless
    modules; so do we: they have no .py file to read.
    """
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return _MARK in source.read()
    except OSError:
        return False


def original_check() -> Callable[[ModuleType], bool] | None:
    """PySide's own check, if this PySide6 has one (None otherwise)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    check = getattr(feature, _CHECK, None)
    if check is mentions_pyside:
        return getattr(feature, "_desktop_chat_original_check", None)
    return check if callable(check) else None


def install() -> bool:
    """Use `mentions_pyside` for PySide's per-import check; False when there is nothing to replace
    (PySide6 not imported yet, or a version without this check)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    check = getattr(feature, _CHECK, None)
    if feature is None or not callable(check):
        return False
    if check is not mentions_pyside:
        feature._desktop_chat_original_check = check  # type: ignore[attr-defined]  # kept for the test
        setattr(feature, _CHECK, mentions_pyside)
    return True
