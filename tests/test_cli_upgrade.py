"""The command line and an older history: one line on stderr says it is being upgraded, then the command runs."""

from __future__ import annotations

import contextlib
import io
import sqlite3

from desktop_chat import config
from desktop_chat.cli import run
from desktop_chat.store import MIGRATIONS, applied_migrations
from tests.store.v4_history import make_v4_history

LINE = "Updating your conversation history… (one time)"


def export_markdown() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["export", "--format", "markdown"], stdin=io.StringIO(""), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_an_older_history_is_upgraded_with_one_line_on_stderr_and_only_once():
    path = config.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    make_v4_history(path, conversations=2, messages_each=2)

    code, out, err = export_markdown()
    assert code == 0, err
    assert err.splitlines() == [LINE]
    assert "Message 2 of conversation 1" in out
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert applied_migrations(conn) == [m.name for m in MIGRATIONS]

    code, _out, err = export_markdown()  # upgraded: nothing more to say
    assert code == 0 and err == ""
