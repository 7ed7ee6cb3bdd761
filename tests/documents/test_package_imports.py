"""The documents package loads its modules on first use (start-up time), and every public name
still means what it says."""

from __future__ import annotations

import subprocess
import sys
import types

import desktop_chat.documents as documents


def test_every_public_name_resolves_to_its_object_not_a_module():
    for name in documents.__all__:
        value = getattr(documents, name)
        assert not isinstance(value, types.ModuleType), name
        assert name in dir(documents)


def test_no_submodule_shares_a_public_name():
    """Importing a submodule binds its name on the package, which would hide a public name."""
    import pkgutil

    submodules = {info.name for info in pkgutil.iter_modules(documents.__path__)}
    assert submodules and not submodules & set(documents.__all__)


def test_an_unknown_name_is_an_attribute_error():
    try:
        documents.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_engine_loads_no_extraction_or_retrieval():
    code = ("import sys, desktop_chat.chat.engine, desktop_chat.chat.attachments; "
            "print(sorted(m for m in sys.modules if m.startswith('desktop_chat.documents.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for heavy in ("library", "retrieval", "plan", "cache", "chunking", "render", "extraction"):
        assert f"desktop_chat.documents.{heavy}'" not in loaded, loaded


def test_the_lazy_library_opens_on_first_use_and_not_after_close(tmp_path):
    library = documents.LazyDocumentLibrary(tmp_path)
    assert not library.opened
    assert library.cache is not None  # any attribute of the real library opens it
    assert library.opened
    library.close()
    closed = documents.LazyDocumentLibrary(tmp_path)
    closed.close()
    try:
        closed.cache  # noqa: B018
    except RuntimeError as exc:
        assert "closed" in str(exc)
    else:
        raise AssertionError("a closed library opened again")
