"""Full-text search through the Store: English, Chinese, mixed, hostile input, re-indexing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.domain.messages import MessageStatus
from desktop_chat.store import HIGHLIGHT_END, HIGHLIGHT_START, Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "chat.sqlite3") as s:
        yield s


@pytest.fixture
def corpus(store: Store) -> dict[str, str]:
    """A few conversations; returns message text -> message id."""
    ids: dict[str, str] = {}

    def say(conversation_id: str, role: str, text: str) -> None:
        ids[text] = store.add_message(conversation_id, role, text).id

    en = store.create_conversation("Python questions")
    say(en.id, "user", "How do I read a file in Python?")
    say(en.id, "assistant", "Use open() with a context manager; pathlib's read_text is shorter.")
    zh = store.create_conversation("中文对话")
    say(zh.id, "user", "我喜欢机器学习和自然语言处理")
    say(zh.id, "assistant", "深度学习是机器学习的一个分支。")
    mixed = store.create_conversation("Mixed")
    say(mixed.id, "user", "用Python写一个GPT模型的tokenizer")
    say(mixed.id, "assistant", "Tokenizers split text into tokens; 分词器 handles 中文 too.")
    ja = store.create_conversation("日本語")
    say(ja.id, "user", "東京の天気はどうですか")
    ko = store.create_conversation("한국어")
    say(ko.id, "user", "학교에서 공부했어요")
    return ids


def texts(store: Store, query: str) -> set[str]:
    return {store.get_message(h.message_id).text for h in store.search(query)}  # type: ignore[union-attr]


def test_english_words_and_prefixes(store: Store, corpus: dict[str, str]) -> None:
    assert texts(store, "python") == {
        "How do I read a file in Python?", "用Python写一个GPT模型的tokenizer"}
    assert texts(store, "context manager") == {
        "Use open() with a context manager; pathlib's read_text is shorter."}
    assert texts(store, "PATHL") == texts(store, "pathlib")  # prefix, case-insensitive
    assert texts(store, "token") == {
        "用Python写一个GPT模型的tokenizer", "Tokenizers split text into tokens; 分词器 handles 中文 too."}
    assert texts(store, "python shorter") == set()  # every term must occur in the message


def test_chinese_words_inside_sentences(store: Store, corpus: dict[str, str]) -> None:
    assert texts(store, "机器学习") == {"我喜欢机器学习和自然语言处理", "深度学习是机器学习的一个分支。"}
    assert texts(store, "学习") == {"我喜欢机器学习和自然语言处理", "深度学习是机器学习的一个分支。"}
    assert texts(store, "自然语言") == {"我喜欢机器学习和自然语言处理"}
    assert texts(store, "深度") == {"深度学习是机器学习的一个分支。"}
    assert texts(store, "语言学习") == set()  # characters must be adjacent and in order
    assert texts(store, "习学") == set()


def test_chinese_terms_are_anded(store: Store, corpus: dict[str, str]) -> None:
    assert texts(store, "机器 分支") == {"深度学习是机器学习的一个分支。"}


def test_mixed_scripts(store: Store, corpus: dict[str, str]) -> None:
    assert texts(store, "GPT模型") == {"用Python写一个GPT模型的tokenizer"}
    assert texts(store, "python 写") == {"用Python写一个GPT模型的tokenizer"}
    assert texts(store, "分词器 tokens") == {"Tokenizers split text into tokens; 分词器 handles 中文 too."}
    assert texts(store, "中文") == {"Tokenizers split text into tokens; 分词器 handles 中文 too."}


def test_japanese_and_korean(store: Store, corpus: dict[str, str]) -> None:
    assert texts(store, "天気") == {"東京の天気はどうですか"}
    assert texts(store, "どう") == {"東京の天気はどうですか"}
    assert texts(store, "학교") == {"학교에서 공부했어요"}
    assert texts(store, "공부") == {"학교에서 공부했어요"}


@pytest.mark.parametrize(
    "query",
    ['"', '"python', 'python"', "AND", "OR", "NOT", "python AND", "NOT python", "*", "python*", "**",
     "NEAR(python file)", "(python", "python)", "content:python", "^python", "-python", "+",
     "'; DROP TABLE messages; --", "\\", "“机器”", "机器\"学习", "{python}", ":", "\x00"],
)
def test_hostile_queries_never_raise(store: Store, corpus: dict[str, str], query: str) -> None:
    store.search(query)
    store.search_conversations(query)


def test_operators_are_searched_as_words(store: Store, corpus: dict[str, str]) -> None:
    c = store.create_conversation()
    store.add_message(c.id, "user", "cats and dogs, not birds")
    assert texts(store, "AND") == {"cats and dogs, not birds"}
    assert texts(store, "NOT birds") == {"cats and dogs, not birds"}
    assert texts(store, '"python') == texts(store, "python")
    assert texts(store, "python*") == texts(store, "python")


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "*", '"', "()", "?!"])
def test_blank_queries_find_nothing(store: Store, corpus: dict[str, str], query: str) -> None:
    assert store.search(query) == []
    assert store.search_conversations(query) == []


def test_hits_carry_conversation_and_highlighted_snippet(store: Store, corpus: dict[str, str]) -> None:
    [hit] = store.search("自然语言")
    assert hit.conversation_title == "中文对话"
    assert hit.message_id == corpus["我喜欢机器学习和自然语言处理"]
    assert f"{HIGHLIGHT_START}自然语言{HIGHLIGHT_END}" in hit.snippet
    assert hit.plain_snippet == "我喜欢机器学习和自然语言处理"
    assert "\u200b" not in hit.snippet


def test_best_match_first(store: Store) -> None:
    c = store.create_conversation()
    weak = store.add_message(c.id, "user", "otter " + "filler words here " * 30)
    strong = store.add_message(c.id, "user", "otter otter otter")
    assert [h.message_id for h in store.search("otter")] == [strong.id, weak.id]
    assert len(store.search("otter", limit=1)) == 1
    assert store.search("otter", limit=0) == []


def test_search_conversations_distinct_newest_first(store: Store) -> None:
    old = store.create_conversation("old")
    new = store.create_conversation("new")
    none = store.create_conversation("none")
    store.add_message(old.id, "user", "kiwi one")
    store.add_message(old.id, "user", "kiwi two")
    store.add_message(new.id, "user", "kiwi three")
    store.add_message(none.id, "user", "banana")
    assert [c.title for c in store.search_conversations("kiwi")] == ["new", "old"]
    store.add_message(old.id, "user", "bump")
    assert [c.title for c in store.search_conversations("kiwi")] == ["old", "new"]
    assert [c.title for c in store.search_conversations("kiwi", limit=1)] == ["old"]


def test_search_conversations_maps_hits_through_the_narrow_index(store: Store) -> None:
    """Hits become conversations through messages_conversation_by_num (migration 0004), not
    through the message rows themselves (≈ 30 of 47 ms for a word in half of 100,000 messages)."""
    conn = store._conn
    assert conn is not None
    store.add_message(store.create_conversation("c").id, "user", "kiwi")
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        assert [c.title for c in store.search_conversations("kiwi")] == ["c"]
    finally:
        conn.set_trace_callback(None)
    query = next(s for s in statements if "messages_fts" in s)
    plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + query))
    assert "COVERING INDEX messages_conversation_by_num" in plan


def test_reindexed_when_text_changes(store: Store) -> None:
    c = store.create_conversation()
    m = store.add_message(c.id, "user", "original wording")
    store.update_message(m.id, text="edited phrasing 修改")
    assert store.search("original") == []
    assert [h.message_id for h in store.search("phrasing")] == [m.id]
    assert [h.message_id for h in store.search("修改")] == [m.id]


def test_streaming_is_indexed_when_it_ends(store: Store) -> None:
    c = store.create_conversation()
    m = store.add_message(c.id, "assistant", "", status=MessageStatus.STREAMING)
    for text in ("The", "The quick", "The quick brown fox"):
        store.update_message(m.id, text=text)
        assert store.search("quick") == []
    store.update_message(m.id, status=MessageStatus.STOPPED)  # no text given: indexed as it stands
    assert [h.message_id for h in store.search("fox")] == [m.id]


def test_continued_answer_leaves_and_rejoins_the_index(store: Store) -> None:
    c = store.create_conversation()
    m = store.add_message(c.id, "assistant", "first half")
    store.update_message(m.id, status=MessageStatus.STREAMING)
    assert store.search("half") == []
    store.update_message(m.id, text="first half and second half", status=MessageStatus.COMPLETE)
    assert [h.message_id for h in store.search("second")] == [m.id]


def test_rowid_reuse_after_deleting_the_newest_message(store: Store) -> None:
    c = store.create_conversation()
    store.add_message(c.id, "user", "first")
    last = store.add_message(c.id, "user", "second")
    store.delete_message(last.id)
    again = store.add_message(c.id, "user", "third")
    assert [h.message_id for h in store.search("third")] == [again.id]
    assert store.search("second") == []


def test_single_letters_match_whole_words(store: Store) -> None:
    c = store.create_conversation()
    store.add_message(c.id, "user", "plan a trip")
    store.add_message(c.id, "user", "apples and bananas")
    assert texts(store, "a") == {"plan a trip"}
    assert texts(store, "ap") == {"apples and bananas"}


def test_many_matches_still_return_the_best_recent_ones(store: Store) -> None:
    c = store.create_conversation()
    for i in range(1100):
        store.add_message(c.id, "user", f"common filler number {i} " + "padding words " * 5)
    best = store.add_message(c.id, "user", "common common common")
    hits = store.search("common", limit=20)
    assert len(hits) == 20
    assert hits[0].message_id == best.id
    assert len({h.message_id for h in hits}) == 20
    assert len(store.search_conversations("common")) == 1
