"""Text preparation for FTS5: CJK characters become tokens, user input becomes a safe query."""

from __future__ import annotations

import sqlite3

import pytest

from desktop_chat.store.search_text import clean_snippet, index_text, match_query


def test_index_text_leaves_text_without_cjk_unchanged() -> None:
    assert index_text("Hello, world — naïve café") == "Hello, world — naïve café"


@pytest.mark.parametrize(
    "text",
    ["我喜欢机器学习和自然语言处理", "GPT模型很好", "ひらがなとカタカナ", "한국어 텍스트", "混合 text 和 “引号”", ""],
)
def test_index_text_is_invisible_once_cleaned(text: str) -> None:
    assert clean_snippet(index_text(text)) == text


def test_index_text_makes_each_cjk_character_a_token() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5 (x)")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab (t, 'row')")
    conn.execute("INSERT INTO t (x) VALUES (?)", (index_text("GPT模型好"),))
    assert sorted(term for (term,) in conn.execute("SELECT term FROM v")) == sorted(["gpt", "模", "型", "好"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hello", '"hello"*'),
        ("Hello World", '"Hello"* "World"*'),
        ("机器学习", '"机 器 学 习"'),
        ("GPT模型", '"GPT"* "模 型"'),
        ("e-mail", '"e mail"*'),
        ('foo AND bar', '"foo"* "AND"* "bar"*'),
        ('NOT', '"NOT"*'),
        ('"unbalanced', '"unbalanced"*'),
        ("a*b", '"a b"'),
        ("a", '"a"'),
        ("x 7", '"x" "7"'),
        ("ab", '"ab"*'),
        ("what's (this)?", '"what s" "this"*'),
    ],
)
def test_match_query(query: str, expected: str) -> None:
    assert match_query(query) == expected


@pytest.mark.parametrize("query", ["", "   ", "\t\n", '"', "*", "()", "-", "!!! ???", "“”"])
def test_match_query_with_nothing_to_find(query: str) -> None:
    assert match_query(query) is None


@pytest.mark.parametrize(
    "query",
    ['"', '""', 'AND', 'OR', 'NOT', 'NEAR(a b)', 'a OR', '*', 'a*', '"a" "b', "col:value", "^start",
     "a + b", "{x y}", "'; DROP TABLE messages; --", "\x00", "\\", "学习\"", "(((", "a AND NOT b"],
)
def test_match_query_is_always_valid_fts5(query: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5 (x)")
    conn.execute("INSERT INTO t (x) VALUES ('a b and or not near col value start x y drop table')")
    match = match_query(query)
    if match is not None:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (match,)).fetchall()
