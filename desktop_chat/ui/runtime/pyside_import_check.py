"""A free answer to the question PySide6 asks about every module imported after it.

Once PySide6.QtCore is imported, shiboken replaces `builtins.__import__` (for the opt-in
`from __feature__ import snake_case`), and after every import it asks
`shibokensupport.feature._mod_uses_pyside(module)`: "does this module's source mention
PySide6?". It records the answer as the module's feature selection: 0, "uses PySide, no feature",
or -1, "ignore it" — code in such a module then runs with whatever selection the last PySide
module in use had. PySide answers with `inspect.getsource(module)`, and `inspect.getmodule`
walks all of `sys.modules` on each call: 53–84 ms over this app's ≈ 270 modules at start.
Reading each file for the word instead still cost ≈ 4 ms at start (≈ 160 files).

The answer only matters once some module selects a feature. Such a module records its own
selection while it is being imported (the `from __feature__` line runs first), before it is
asked, and keeps it. Every other module is best off with 0 — Qt's own names, whatever the module
that ran before it chose — which is also what every module gets when nothing selects a feature,
as in this app. So `install()` answers 0 ("no feature") for every module without looking at it.
A test (tests/ui/test_pyside_import_check.py) runs a module that selects snake_case beside
ordinary ones and checks that each keeps its own names.

If PySide6 changes its internals, `install()` finds no such function and leaves everything as it is.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_FEATURE_MODULE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def no_feature(module: ModuleType) -> bool:  # noqa: ARG001 - PySide's signature
    """True: "a PySide module with no feature selected" (recorded as 0), for every module."""
    return True


def original_check() -> Callable[[ModuleType], bool] | None:
    """PySide's own check, if this PySide6 has one (None otherwise)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    check = getattr(feature, _CHECK, None)
    if check is no_feature:
        return getattr(feature, "_desktop_chat_original_check", None)
    return check if callable(check) else None


def install() -> bool:
    """Use `no_feature` for PySide's per-import check; False when there is nothing to replace
    (PySide6 not imported yet, or a version without this check)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    check = getattr(feature, _CHECK, None)
    if feature is None or not callable(check):
        return False
    if check is not no_feature:
        feature._desktop_chat_original_check = check  # type: ignore[attr-defined]  # kept for the test
        setattr(feature, _CHECK, no_feature)
    return True
