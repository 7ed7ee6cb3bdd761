"""A full disk or a read-only data folder while an answer streams: nothing is lost, saving resumes.

How the failures are made real, without mocks:

- a full disk: SQLite's own ``PRAGMA max_page_count``, capped at the database's current size, so
  every write that needs one more page fails inside SQLite with SQLITE_FULL ("database or disk is
  full"), exactly what a full disk returns; lifting the cap is the disk getting space again. One
  test also puts the data folder on a real 4 MB tmpfs and fills it (runs where `mount` is allowed);
- a read-only folder: ``PRAGMA query_only``, which makes every write fail with SQLITE_READONLY.

Both go through the real Store, the real engine, the real SDK and the loopback fakes.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import SaveFailed, SaveResumed, TurnStarted
from desktop_chat.domain.events import TextDelta
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import Store
from tests.fakes.loopback import Scenario
from tests.tiny_disk import fill, tiny_disk
from tests.wiring import fake_for, settings_for

CHUNKS = [f"{i:03d}" + "x" * 396 + "\n" for i in range(40)]  # 16 kB: the text needs new pages as it grows
FULL_TEXT = "".join(CHUNKS)


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []
        self.on_delta: dict[int, object] = {}  # after this many deltas, call this

    def __call__(self, event: object) -> None:
        self.events.append(event)
        if isinstance(event, TextDelta):
            action = self.on_delta.get(len(self.of(TextDelta)))
            if action is not None:
                action()

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


def pragma(store: Store, sql: str) -> int | None:
    with store._lock:
        assert store._conn is not None
        row = store._conn.execute(sql).fetchone()
    return row[0] if row else None


def disk_full(store: Store) -> None:
    pragma(store, f"PRAGMA max_page_count = {pragma(store, 'PRAGMA page_count')}")


def disk_has_room(store: Store) -> None:
    pragma(store, "PRAGMA max_page_count = 1073741823")


async def until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.fixture
def store():
    with Store(config.database_path()) as store:
        yield store


def engine_for(store: Store, fake) -> ChatEngine:  # noqa: ANN001
    # Save at every delta, and retry a failed save at every delta / every 20 ms after the turn.
    return ChatEngine(store, settings_for("local", fake), save_interval=0.0, save_retry_interval=0.02)


async def test_a_full_disk_mid_answer_is_announced_and_saving_resumes_with_the_whole_text(store):
    with fake_for("local", Scenario(chunks=CHUNKS, chunk_delay=0.005)) as fake:
        rec = Recorder()
        rec.on_delta = {5: lambda: disk_full(store), 25: lambda: disk_has_room(store)}
        engine = engine_for(store, fake)
        seen_while_full: list[str] = []
        rec.on_delta[20] = lambda: seen_while_full.append(
            store.get_message(rec.of(TurnStarted)[0].assistant_message.id).text)
        result = await engine.send(None, "write a lot", on_event=rec)
        await engine.aclose()

    assert result.ok and result.message.text == FULL_TEXT  # the answer went on streaming
    (failed,) = rec.of(SaveFailed)
    assert failed.message_id == result.message.id
    assert failed.reason.english().startswith("Could not save this answer: the disk is full.")
    assert len(rec.of(SaveResumed)) == 1
    assert rec.events.index(failed) < rec.events.index(rec.of(SaveResumed)[0])
    assert len(seen_while_full[0]) < len("".join(CHUNKS[:20]))  # the store really fell behind
    stored = store.get_message(result.message.id)
    assert (stored.status, stored.text) == (MessageStatus.COMPLETE, FULL_TEXT)


async def test_a_read_only_folder_at_the_end_keeps_the_answer_in_memory_and_saves_it_when_it_can(store):
    with fake_for("local", Scenario(chunks=CHUNKS[:10], chunk_delay=0.005)) as fake:
        rec = Recorder()
        rec.on_delta = {3: lambda: pragma(store, "PRAGMA query_only = 1")}
        engine = engine_for(store, fake)
        result = await engine.send(None, "write", on_event=rec)
        expected = "".join(CHUNKS[:10])

        # The turn ended: what it returns is the whole answer, though the store has less.
        assert result.ok and (result.message.status, result.message.text) == (MessageStatus.COMPLETE, expected)
        (failed,) = rec.of(SaveFailed)
        assert "the data folder cannot be written to" in failed.reason.english()
        behind = store.get_message(result.message.id)
        assert behind.status is MessageStatus.STREAMING and len(behind.text) < len(expected)
        # A window reopening the conversation meanwhile shows the answer as it is, not as stored.
        (shown,) = engine.unsaved([behind])
        assert (shown.text, shown.status) == (expected, MessageStatus.COMPLETE)

        pragma(store, "PRAGMA query_only = 0")  # the folder can be written again
        await until(lambda: rec.of(SaveResumed))
        await engine.aclose()
    stored = store.get_message(result.message.id)
    assert (stored.status, stored.text) == (MessageStatus.COMPLETE, expected)
    assert stored.duration_ms is not None and stored.ttft_ms is not None
    assert engine.unsaved([stored]) == [stored]


async def test_closing_the_engine_tries_the_pending_save_once_more(store):
    with fake_for("local", Scenario(chunks=["one ", "two"], chunk_delay=0.005)) as fake:
        rec = Recorder()
        rec.on_delta = {1: lambda: pragma(store, "PRAGMA query_only = 1")}
        engine = ChatEngine(store, settings_for("local", fake), save_interval=0.0, save_retry_interval=3600)
        result = await engine.send(None, "hi", on_event=rec)
        assert rec.of(SaveFailed) and store.get_message(result.message.id).text != "one two"
        pragma(store, "PRAGMA query_only = 0")
        await engine.aclose()  # no retry was due yet: closing flushes it
    assert store.get_message(result.message.id).text == "one two"
    assert rec.of(SaveResumed)


# -- a real full disk -------------------------------------------------------------------------------

async def test_a_really_full_disk_then_freed(tmp_path):
    with tiny_disk(tmp_path / "disk") as disk, Store(disk / "chat.sqlite3") as store:
        with fake_for("local", Scenario(chunks=CHUNKS, chunk_delay=0.005)) as fake:
            rec = Recorder()
            filler: list[Path] = []
            rec.on_delta = {5: lambda: filler.append(fill(disk)), 25: lambda: os.unlink(filler[0])}
            engine = engine_for(store, fake)
            result = await engine.send(None, "write a lot", on_event=rec)
            await engine.aclose()
        assert result.ok and result.message.text == FULL_TEXT
        (failed,) = rec.of(SaveFailed)
        assert "the disk is full" in failed.reason.english()
        assert rec.of(SaveResumed)
        stored = store.get_message(result.message.id)
        assert (stored.status, stored.text) == (MessageStatus.COMPLETE, FULL_TEXT)
