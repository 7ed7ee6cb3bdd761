"""The engine's sentences reach the user in the interface language, now and when shown again later.

- every template the engine marks is in the zh_CN catalog, translated, with the same placeholders;
- every ChatError http_errors can make is built from such templates (nested causes included);
- the UI's localized() gives Chinese under the zh_CN translator, English without, and English
  again when a translation lost a placeholder;
- a failed turn stores its error as template + parameters (migration 0003), old rows keep
  working, and export/import carries it.
"""

from __future__ import annotations

import ast
import contextlib
import sqlite3
import string
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

from desktop_chat import config
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.domain import errors
from desktop_chat.domain.events import Retrying
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text, first_sentence, render
from desktop_chat.providers import http_errors
from desktop_chat.store import MIGRATIONS, Store, applied_migrations, export_json, import_json, migrate
from desktop_chat.ui.runtime import i18n
from desktop_chat.ui.common.error_text import (
    localized,
    localized_error,
    localized_message_error,
    localized_retry_reason,
)
from tests.fakes.loopback import Scenario
from tests.wiring import fake_for, settings_for

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "desktop_chat" / "resources" / "translations" / "desktop_chat_zh_CN.ts"
ENGINE_SOURCES = [
    *sorted((ROOT / "desktop_chat" / "domain").rglob("*.py")),
    *sorted((ROOT / "desktop_chat" / "providers").rglob("*.py")),
    *sorted((ROOT / "desktop_chat" / "chat").rglob("*.py")),
    ROOT / "desktop_chat" / "documents" / "plan.py",  # words how each document is sent
    ROOT / "desktop_chat" / "documents" / "images.py",  # words what is wrong with an image
    ROOT / "desktop_chat" / "documents" / "ocr.py",  # words why no text was read
    *sorted((ROOT / "desktop_chat" / "store" / "importers").rglob("*.py")),  # what an import did
    ROOT / "desktop_chat" / "config.py",
    ROOT / "desktop_chat" / "secrets.py",
]


REFUSED = http_errors.describe_transport_failure(ConnectionRefusedError())


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def catalog() -> dict[str, str]:
    """Source → finished translation of the "engine" context."""
    out: dict[str, str] = {}
    for context in ET.parse(CATALOG).getroot().iter("context"):
        if context.findtext("name") != "engine":
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") is None and (translation.text or "").strip():
                out[message.findtext("source", "")] = translation.text or ""
    return out


def templates(text: Text) -> Iterator[str]:
    yield text.template
    for value in text.params.values():
        if isinstance(value, Text):
            yield from templates(value)


@pytest.fixture
def chinese(qapp) -> Iterator[None]:
    assert i18n.install_translator(qapp, "zh_CN") == "zh_CN"
    try:
        yield
    finally:
        i18n.install_translator(qapp, "en")


# -- the catalog and the code agree ------------------------------------------------------------------


def marked_templates() -> list[tuple[str, int, str]]:
    """(file, line, template) of every QT_TRANSLATE_NOOP call in the engine, checked for lupdate."""
    found = []
    for path in ENGINE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) \
                    == "QT_TRANSLATE_NOOP" and path.name != "texts.py":
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert len(node.args) == 2 and all(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args
                ), f"{where}: lupdate needs two string literals (no f-string, no variable)"
                assert node.args[0].value == "engine", where
                found.append((str(path.relative_to(ROOT)), node.lineno, node.args[1].value))
    return found


def test_every_marked_template_is_translated_with_the_same_placeholders() -> None:
    translations = catalog()
    marked = marked_templates()
    assert len(marked) > 60
    for where, line, template in marked:
        assert template in translations, f"{where}:{line} not translated (run build/update_translations.py)"
        assert fields(translations[template]) == fields(template), template


def test_chat_errors_in_the_engine_are_raised_with_a_text_not_a_bare_string() -> None:
    names = {name for name, value in vars(errors).items()
             if isinstance(value, type) and issubclass(value, errors.ChatError)}
    for path in ENGINE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0]
                is_string = isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.Constant) and isinstance(first.value, str))
                assert not (name in names and is_string), f"{path.relative_to(ROOT)}:{node.lineno}: {name}(str)"


def every_http_error() -> Iterator[errors.ChatError]:
    causes = [ConnectionRefusedError(), OSError("Name or service not known"), OSError("certificate verify failed"),
              ConnectionResetError("reset"), Exception("???")]
    whys = [http_errors.describe_transport_failure(c) for c in causes] + ["the provider's own words"]
    web_page = Text.of(QT_TRANSLATE_NOOP("engine", "a web page came back instead of an API answer "
                                                   "(a proxy or gateway may be in the way)."))
    for status in (400, 401, 402, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504, 529):
        for detail in (None, "", "Too many requests", "Bad key.", web_page):
            for model in (None, "gpt-x"):
                yield http_errors.error_for_status(status, provider="P", detail=detail, model=model)
    for error_type in ("overloaded_error", "rate_limit_error", "invalid_request_error"):
        yield http_errors.error_for_status(200, provider="P", error_type=error_type)
    for why in whys:
        yield http_errors.cannot_connect("P", "http://h", why)
        yield http_errors.broken_stream("P", why)
    for answering in (False, True):
        yield http_errors.timed_out("P", 60.0, answering=answering)
        yield http_errors.timed_out("P", None, answering=answering)
    yield http_errors.web_page_instead_of_api("P", "http://h", "Login")
    yield http_errors.web_page_instead_of_api("P", "http://h", None)


def test_every_error_http_errors_makes_has_translated_templates() -> None:
    translations = catalog()
    for error in every_http_error():
        for template in templates(error.text):
            assert template in translations, template
        assert error.message == error.text.english() == str(error)


def test_english_wording_is_unchanged() -> None:
    """The English sentences are exactly what they were before they became templates."""
    rate = http_errors.error_for_status(429, provider="Anthropic", detail="slow down")
    assert rate.message == "Rate limited by Anthropic (429): slow down."
    assert http_errors.error_for_status(401, provider="OpenAI").message == \
        "OpenAI rejected the API key (401). Check the key in Settings."
    assert http_errors.error_for_status(404, provider="Ollama", model="m", detail="nope!").message == \
        "The model “m” was not found at Ollama (404): nope! Pick another model or check the base URL."
    refused = http_errors.cannot_connect("X", "http://h:1", REFUSED)
    assert refused.message == ("Cannot connect to X at http://h:1: the connection was refused. "
                               "Check your network connection and the base URL.")
    assert refused.detail == "the connection was refused"
    assert http_errors.timed_out("X", 60.0).message.startswith("X did not answer within 60 s, so the request timed out.")
    retry = Retrying(2, 4, 3.0, rate.text.first())
    assert retry.describe() == "Rate limited by Anthropic (429): slow down. Retrying in 3 s (attempt 2 of 4)."


# -- Text itself ------------------------------------------------------------------------------------


def test_text_round_trips_through_its_dict_form_with_nested_texts() -> None:
    error = http_errors.cannot_connect("X", "http://h", REFUSED)
    data = error.text.to_dict()
    assert data["params"]["why"] == {"template": "the connection was refused", "params": {}}
    again = Text.from_dict(data)
    assert again == error.text and again.english() == error.message
    assert Text.from_dict(error.text.first().to_dict()).first_sentence
    for junk in (None, "x", {}, {"template": 3}, {"template": "t", "params": []},
                 {"template": "t", "params": {"a": [1]}}, {"template": "t", "params": {"a": {"x": 1}}}):
        assert Text.from_dict(junk) is None


def test_render_refuses_a_translation_that_lost_or_invented_a_placeholder() -> None:
    text = Text.of("Rate limited by {provider} (429).", provider="P")
    assert render(text, lambda t: "{provider} 限流。") == "P 限流。"
    assert render(text, lambda t: "限流。") == "Rate limited by P (429)."  # {provider} dropped
    assert render(text, lambda t: "{who} 限流。") == "Rate limited by P (429)."  # renamed
    assert render(text, lambda t: "{provider 限流") == "Rate limited by P (429)."  # not a format string
    assert render(Text.of("{seconds:g} s", seconds=2.0), lambda t: "{seconds:q} 秒") == "2 s"  # bad spec
    assert Text.of("{a} {b}", a=1).english() == "{a} {b}"  # a bug in our own template: shown, never raised


def test_first_sentence_in_both_scripts() -> None:
    assert first_sentence("Rate limited by P (429): a. b. Try again.") == "Rate limited by P (429): a."
    assert first_sentence("P 服务器出错（500）。请稍后再试。") == "P 服务器出错（500）。"
    assert first_sentence("No stop") == "No stop."


def test_exceptions_carrying_a_text_still_print_english() -> None:
    with pytest.raises(ValueError, match="is not a web address") as caught:
        config.validate_base_url("ftp://x")
    assert str(caught.value) == "“ftp://x” is not a web address: it must start with http:// or https://."
    with pytest.raises(KeyError) as missing:
        config.Settings().endpoint("nope")
    assert f"{missing.value.args[0]}".startswith("There is no provider called “nope”.")
    plain = errors.ChatError("kept as it is {braces}")
    assert plain.message == str(plain) == "kept as it is {braces}"
    assert plain.text.english() == "kept as it is {braces}"


# -- the UI side --------------------------------------------------------------------------------------


def test_localized_is_english_without_a_translator(qapp) -> None:
    error = http_errors.error_for_status(429, provider="Anthropic", detail="slow down")
    assert localized(error.text, "fallback") == error.message
    assert localized_error(error) == error.message
    assert localized(None, "fallback") == "fallback"
    assert localized({"not": "a text"}, "fallback") == "fallback"


def test_localized_is_chinese_under_the_zh_cn_translator(chinese) -> None:
    rate = http_errors.error_for_status(429, provider="Anthropic", detail="slow down")
    assert localized(rate.text, rate.message) == "Anthropic 限制了请求频率（429）：slow down."
    assert localized(rate.text.to_dict(), rate.message) == localized_error(rate)
    refused = http_errors.cannot_connect("OpenAI", "http://h:1", REFUSED)
    assert localized_error(refused) == "无法连接到位于 http://h:1 的 OpenAI：连接被拒绝。请检查网络连接和 API 地址。"
    server = http_errors.error_for_status(500, provider="P")
    notice = Retrying(2, 4, 3.0, server.text.first())
    assert localized_retry_reason(notice) == "P 服务器出错（500）。"
    assert localized(notice.text, notice.describe()) == \
        "P 服务器出错（500）。 3 秒后重试（第 2 次尝试，共 4 次）。"
    with pytest.raises(ValueError) as caught:
        config.validate_base_url("example.com")
    assert localized_error(caught.value) == "“example.com”不是网址：必须以 http:// 或 https:// 开头。"
    assert localized_error(RuntimeError("plain")) == "plain"


def test_the_built_in_engine_is_named_in_the_readers_language(chinese) -> None:
    """Its label is "Built-in", which the picker shows translated: its messages say the same."""
    from desktop_chat.domain.messages import ChatMessage
    from desktop_chat.domain.parts import InlineImage, TextPart
    from desktop_chat.providers.base import ChatRequest
    from desktop_chat.providers.llamacpp import _generation_error, _messages

    full = _generation_error(RuntimeError("llama_decode returned 1"), "Built-in")
    assert localized_error(full) == "来自 内置 的回答中断了：模型的上下文已满，放不下下一个词；新对话会重新有空间。已收到的文字会保留。"
    assert full.provider == "Built-in" and full.message.startswith("The answer from Built-in broke off")
    named = _generation_error(RuntimeError("llama_decode returned 1"), "My engine")  # a name of its own stays
    assert localized_error(named).startswith("来自 My engine 的回答中断了")
    photo = ChatRequest(model="m", messages=[ChatMessage("user", (InlineImage("image/png", "cG5n"), TextPart("What is it?")))])
    with pytest.raises(errors.RequestRejectedError) as refused:
        _messages(photo, "Built-in")
    assert localized_error(refused.value).startswith("内置 ") and "Built-in" not in localized_error(refused.value)


class _DroppingTranslator(QTranslator):
    """A translation that forgot the {provider} placeholder, and one that forgot {why}."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ANN001 - Qt's signature
        if context == "engine" and source.startswith("Rate limited by {provider} (429)."):
            return "被限流了（429）。"
        if context == "engine" and source.startswith("Cannot connect to"):
            return "无法连接到 {provider}（{base_url}）。"
        return None


def test_a_translation_that_dropped_a_placeholder_falls_back_to_english(qapp) -> None:
    translator = _DroppingTranslator()
    qapp.installTranslator(translator)
    try:
        rate = http_errors.error_for_status(429, provider="Anthropic")
        assert localized(rate.text, "fallback") == "Rate limited by Anthropic (429)."
        cannot = http_errors.cannot_connect("X", "http://h", http_errors.describe_transport_failure(OSError()))
        assert localized_error(cannot) == cannot.message
    finally:
        qapp.removeTranslator(translator)


# -- storage --------------------------------------------------------------------------------------------


def test_migration_0003_keeps_old_rows_and_adds_error_text(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, MIGRATIONS[:2])
        now = time.time()
        with conn:
            conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) "
                         "VALUES ('c', 'Old', ?, ?)", (now, now))
            conn.execute(
                "INSERT INTO messages (id, conversation_id, seq, role, text, status, error, created_at, updated_at) "
                "VALUES ('m', 'c', 1, 'assistant', 'partial', 'error', 'Rate limited by X (429).', ?, ?)", (now, now))
    with Store(path) as store:
        assert "0003_message_error_text" in applied_migrations(store._conn)  # type: ignore[arg-type]
        old = store.get_message("m")
        assert old is not None and old.text == "partial" and old.error_text is None
        assert old.error == "Rate limited by X (429)."
        assert localized_message_error(old) == "Rate limited by X (429)."
        text = Text.of("Rate limited by {provider} (429).", provider="X")
        updated = store.update_message("m", error=text.english(), error_text=text.to_dict())
        assert updated is not None and Text.from_dict(updated.error_text) == text
        # Setting the English alone forgets a translation of the old error.
        assert store.update_message("m", error="Another problem.").error_text is None  # type: ignore[union-attr]
    assert (tmp_path / "chat.sqlite3.before-0003_message_error_text.bak").exists()


def test_a_damaged_error_text_reads_as_none(tmp_path: Path) -> None:
    with Store(tmp_path / "chat.sqlite3") as store:
        conversation = store.create_conversation()
        message = store.add_message(conversation.id, "assistant", "x", status=MessageStatus.ERROR)
        store._db.execute("UPDATE messages SET error = 'E', error_text = '{not json' WHERE id = ?", (message.id,))
        again = store.get_message(message.id)
        assert again is not None and again.error_text is None and localized_message_error(again) == "E"


async def test_a_failed_turn_stores_its_error_as_a_template(tmp_path: Path, qapp) -> None:
    with Store(config.database_path()) as store:
        with fake_for("openai", Scenario(status=401, error_message="Incorrect API key provided")) as fake:
            engine = ChatEngine(store, settings_for("openai", fake))
            result = await engine.send(None, "hi")
            await engine.aclose()
        assert isinstance(result.error, errors.AuthenticationError)
        stored = store.get_message(result.message.id)
        assert stored is not None and stored.status is MessageStatus.ERROR
        assert stored.error == result.error.message
        # its Text, and beside it the fix the card offers (domain/errors.py: error_record)
        assert stored.error_text == {**result.error.text.to_dict(), "action": "open_settings"}
        assert errors.stored_action(stored.error_text) is errors.ErrorAction.OPEN_SETTINGS
        assert stored.error_text["template"] == \
            "{provider} rejected the API key (401): {detail} Check the key in Settings."
        assert Text.from_dict(stored.error_text).english() == stored.error  # type: ignore[union-attr]

        # Export and import carry it.
        document = export_json(store)
        (message,) = [m for c in document["conversations"] for m in c["messages"] if m["role"] == "assistant"]
        assert message["error_text"] == stored.error_text
        with Store(tmp_path / "other.sqlite3") as other:
            assert import_json(other, document).imported == 1
            assert other.get_message(stored.id).error_text == stored.error_text  # type: ignore[union-attr]
        document["conversations"][0]["messages"][1]["error_text"] = {"params": {}}
        with Store(tmp_path / "third.sqlite3") as third, pytest.raises(ValueError, match="error_text"):
            import_json(third, document)

    i18n.install_translator(qapp, "zh_CN")
    try:
        assert localized_message_error(stored) == \
            "OpenAI 拒绝了 API 密钥（401）：Incorrect API key provided. 请在设置中检查密钥。"
    finally:
        i18n.install_translator(qapp, "en")


async def test_a_retry_notice_carries_its_translatable_reason(qapp) -> None:
    events: list[object] = []

    async def no_sleep(_seconds: float) -> None:
        pass

    with Store(config.database_path()) as store:
        with fake_for("ollama") as fake:
            fake.enqueue(Scenario(status=503, error_message="busy"))
            engine = ChatEngine(store, settings_for("ollama", fake), sleep=no_sleep)
            result = await engine.send(None, "hi", on_event=events.append)
            await engine.aclose()
    assert result.ok
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert retry.reason == "Ollama had a server error (503): busy."
    assert retry.reason_text is not None and retry.reason_text.english() == retry.reason
    i18n.install_translator(qapp, "zh_CN")
    try:
        assert localized_retry_reason(retry) == "Ollama 服务器出错（503）：busy."
    finally:
        i18n.install_translator(qapp, "en")
