"""The composition root (chat/app_services.py): one wiring of the engine for every front end."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from desktop_chat.chat.app_services import AppServices
from desktop_chat.config import Settings
from desktop_chat.store import Store


def test_the_engine_is_built_once_on_first_use_with_the_shared_pool_and_library(tmp_path: Path) -> None:
    with Store(tmp_path / "chat.sqlite3") as store:
        asked: list[tuple[str, str]] = []

        async def lookup(endpoint_id: str, model: str) -> int | None:
            asked.append((endpoint_id, model))
            return 4096

        services = AppServices(store, Settings(), data_dir=tmp_path / "data", context_lookups=lambda: [None, lookup])
        assert services.conversations.store is store
        assert not services.engine_built
        engine = services.engine
        assert services.engine_built and services.engine is engine
        assert engine.pool is services.pool and engine.store is store
        assert engine.context_lookup is not None
        assert asyncio.run(engine.context_lookup("ollama", "m")) == 4096 and asked == [("ollama", "m")]
        asyncio.run(services.aclose())


def test_default_lookups_ask_ollama_and_the_builtin_engine_which_know_nothing_of_other_endpoints(
        tmp_path: Path) -> None:
    with Store(tmp_path / "chat.sqlite3") as store:
        services = AppServices(store, Settings(), data_dir=tmp_path / "data")
        engine = services.engine
        assert engine.context_lookup is not None
        assert asyncio.run(engine.context_lookup("anthropic", "claude")) is None
        asyncio.run(services.aclose())


def test_a_library_it_opened_is_closed_and_a_given_one_is_left_to_its_owner(tmp_path: Path) -> None:
    class Library:
        closed = False

        def close(self) -> None:
            self.closed = True

    with Store(tmp_path / "chat.sqlite3") as store:
        given = Library()
        services = AppServices(store, Settings(), documents=given)
        assert services.documents is given
        asyncio.run(services.aclose())
        assert not given.closed

        own = AppServices(store, Settings(), data_dir=tmp_path / "data")
        library = own.documents
        assert type(library).__name__ == "LazyDocumentLibrary"
        asyncio.run(own.aclose())
        assert library._closed  # noqa: SLF001 - closed without ever opening the real library


def test_building_the_services_imports_no_engine_module(tmp_path: Path) -> None:
    import subprocess

    code = ("import sys; from pathlib import Path; from desktop_chat.chat.app_services import AppServices; "
            "from desktop_chat.config import Settings; from desktop_chat.store import Store; "
            f"s = AppServices(Store(Path({str(tmp_path / 'c.sqlite3')!r})), Settings()); "
            "s.conversations.newest(); "
            "print(sorted(m for m in ('desktop_chat.chat.engine', 'desktop_chat.chat.pool', "
            "'desktop_chat.providers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_is_built_in_one_place_and_the_window_writes_nothing_to_the_store() -> None:
    sources = [*(ROOT / "desktop_chat").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    builders = sorted(str(p.relative_to(ROOT)) for p in sources if "ChatEngine(" in p.read_text(encoding="utf-8"))
    assert builders == ["desktop_chat/chat/app_services.py"]
    ui_files = sorted((ROOT / "desktop_chat" / "ui").rglob("*.py"))
    assert any(p.name == "main_window.py" for p in ui_files)  # (the rooms of ui/ are all read)
    for path in ui_files:
        found = re.findall(r"\.(?:_)?store\.(\w+)\(", path.read_text(encoding="utf-8"))
        # Closing it at shutdown is the window's job; reading one message back is harmless.
        assert set(found) <= {"close", "get_message"}, (path.name, found)
