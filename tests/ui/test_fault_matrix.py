"""Every network fault, through the real window, against the loopback fakes: one table, one test.

For each fault and provider family the test sends a question in the real MainWindow (pytest-qt,
offscreen; the real engine, SDKs and store) and checks that

- the conversation ends with the right, specific sentence in the answer's error card, and the
  partial text (if any arrived) is kept on screen;
- the window stays responsive throughout: a 10 ms QTimer never waits more than 200 ms between two
  ticks, and the composer takes typing while the fault plays out;
- history is consistent: reopened from the store, the conversation holds the question once and
  one answer, in the error state, with exactly the text that arrived;
- a retryable fault before the first token is retried with a countdown on the answer, and the
  Retry button then succeeds once the fake recovers (no duplicate messages).

How faults are made without the internet: the fakes (tests/fakes) inject status codes, events and
stalls; "connection refused" is a loopback port nobody listens on; "DNS failure" is a host under
the reserved `.invalid` top-level domain (RFC 2606: it never resolves), which the session's network
guard (tests/network_guard.py) fails locally with the resolver's own EAI_NONAME error, so no
resolver is ever asked; "TLS failure" is a fake serving HTTPS with a self-signed certificate made
on the spot (tests/fakes/tls.py). Timeouts and retry delays are shortened through the same
settings and RetryPolicy a user's configuration goes through.
"""

from __future__ import annotations

import gc
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import anthropic  # noqa: F401 - imported up front: the first import (≈ 0.7 s) is not what is measured
import openai  # noqa: F401
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication

from desktop_chat.chat.retry import RetryPolicy
from desktop_chat.ui.common.error_card import plain
from desktop_chat.config import load_settings
from desktop_chat.domain.messages import MessageStatus
from desktop_chat.ui.window.turn_events import Notice
from tests import wiring
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.loopback import FakeServer, Scenario, free_port
from tests.fakes.ollama_server import FakeOllama
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.tls import self_signed_server_context
from tests.ui.conftest import view_text
from tests.ui.window_actions import last_answer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ARTIFACTS", ROOT / "test-artifacts"))

FAMILIES = ("anthropic", "openai", "ollama")
LABEL = {"anthropic": "Anthropic", "openai": "OpenAI", "ollama": "Ollama"}
MODEL = {"anthropic": "claude-test", "openai": "gpt-test", "ollama": "llama3.2:latest"}
CHUNKS = ["The first ", "half of ", "an answer", " that never ends."]
KEPT = "".join(CHUNKS[:2])  # what mid-answer faults leave: they strike after two chunks
READ_TIMEOUT = 0.5  # seconds of silence before a request times out (the app's default is 60)
MAX_STALL = 0.2  # the longest the event loop may go without running a 10 ms timer
HEALTHY = "Hello, world!"  # what a fake answers once it recovers


# -- the table -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    """One row: how to cause the fault, and what the user must be told (per family)."""

    name: str
    scenario: Callable[[str], Scenario] | None  # family -> what the fake does; None: the base URL is the fault
    expect: dict[str, list[str]]  # family ("*" for all) -> phrases the card must contain ({label} {model} {url})
    kept: str = ""  # the partial text that stays
    retryable: bool = False  # retried (with a countdown) before the first token
    recovers: bool = False  # then Retry succeeds once the fake answers normally again
    families: tuple[str, ...] = FAMILIES
    url: str | None = None  # "refused" | "dns" | "tls": the base URL is what fails
    countdown: str = "Retrying in 0 s"  # the notice shown while waiting to retry

    def phrases(self, family: str) -> list[str]:
        return self.expect.get(family, self.expect.get("*", []))


def status(code: int, messages: dict[str, str] | str | None = None, **kw: object) -> Callable[[str], Scenario]:
    """An HTTP error status with each provider's own wording of it."""
    def make(family: str) -> Scenario:
        message = messages.get(family) if isinstance(messages, dict) else messages
        return Scenario(status=code, **({"error_message": message} if message else {}), **kw)  # type: ignore[arg-type]
    return make


def mid_stream(**kw: object) -> Callable[[str], Scenario]:
    return lambda family: Scenario(chunks=list(CHUNKS), **kw)  # type: ignore[arg-type]


FAULTS = [
    Fault("401", status(401, {"anthropic": "invalid x-api-key", "ollama": "unauthorized",
                              "openai": "Incorrect API key provided: sk-open***0002."}),
          {"*": ["{label} rejected the API key (401)", "Check the key in Settings."]}),
    Fault("403", status(403, {"anthropic": "Your API key does not have permission to use the specified resource.",
                              "openai": "Project `proj_x` does not have access to model `gpt-test`"}),
          {"*": ["{label} refused access (403)", "The key may lack permission for this model."]},
          families=("anthropic", "openai")),
    Fault("404 model not found", status(404, {"anthropic": "model: claude-test",
                                              "openai": "The model `gpt-test` does not exist or you do not have "
                                                        "access to it."}),
          {"*": ["The model “{model}” was not found at {label} (404)", "Pick another model"],
           "ollama": ["The model “{model}” was not found at Ollama (404)", "try pulling it first"]}),
    Fault("429 with Retry-After", status(429, "Number of request tokens has exceeded your per-minute rate limit",
                                         retry_after="1"),
          {"*": ["Rate limited by {label} (429)", "per-minute rate limit"]},
          retryable=True, recovers=True, families=("anthropic", "openai"), countdown="Retrying in 1 s"),
    Fault("429 without Retry-After", status(429, "Rate limit reached for requests"),
          {"*": ["Rate limited by {label} (429)", "Rate limit reached"]},
          retryable=True, recovers=True, families=("anthropic", "openai")),
    Fault("500", status(500, "Internal server error"),
          {"*": ["{label} had a server error (500)", "Try again later."]}, retryable=True, recovers=True),
    Fault("503", status(503, {"anthropic": "Service unavailable", "openai": "The server is overloaded or not ready yet.",
                              "ollama": "server busy, please try again.  maximum pending requests exceeded"}),
          {"*": ["{label} had a server error (503)", "Try again later."]}, retryable=True, recovers=True),
    Fault("529 overloaded", status(529, "Overloaded", error_type="overloaded_error"),
          {"*": ["{label} is overloaded right now. Try again in a moment."]},
          retryable=True, recovers=True, families=("anthropic", "openai")),
    Fault("error event mid-stream",
          lambda family: Scenario(chunks=list(CHUNKS), error_event_after=2, **{
              "anthropic": {"error_type": "overloaded_error", "error_message": "Overloaded"},
              "openai": {"error_type": "server_error",
                         "error_message": "The server had an error while processing your request."},
              "ollama": {"error_message": "an error was encountered while running the model: CUDA out of memory"},
          }[family]),
          {"anthropic": ["Anthropic is overloaded right now."],
           "openai": ["OpenAI had a server error (500): The server had an error while processing your request."],
           "ollama": ["The answer from Ollama broke off: the server reported “an error was encountered while "
                      "running the model: CUDA out of memory”.", "The text received so far is kept."]},
          kept=KEPT),
    Fault("connection refused", None,
          {"*": ["Cannot connect to {label} at {url}: the connection was refused."],
           "ollama": ["Ollama is not running at {url}; start it with ollama serve."]},
          retryable=True, url="refused"),
    Fault("DNS failure", None,
          {"*": ["Cannot connect to {label} at http://api.example.invalid", "the host name could not be resolved."]},
          retryable=True, url="dns"),
    Fault("TLS failure (self-signed)", None,
          {"*": ["Cannot connect to {label} at {url}", "the secure connection failed (certificate not trusted)"]},
          retryable=True, url="tls"),
    Fault("connection dropped mid-answer", mid_stream(drop_after=2),
          {"*": ["The answer from {label} broke off: the connection was closed",
                 "The text received so far is kept."]}, kept=KEPT),
    Fault("stream ends with no stop reason", mid_stream(no_stop_after=2),
          {"anthropic": ["The answer from Anthropic broke off: the stream ended without a stop reason."],
           "openai": ["The answer from OpenAI broke off: the server ended the answer without saying it was "
                      "complete (no finish_reason)."],
           "ollama": ["The answer from Ollama broke off: the stream ended without its final “done” message."]},
          kept=KEPT),
    Fault("malformed JSON in a chunk", mid_stream(malformed_after=2),
          {"*": ["The answer from {label} broke off", "not valid JSON"]}, kept=KEPT),
    Fault("accepts and never answers", lambda family: Scenario(hang_before_headers=True),
          {"*": ["{label} did not answer within 0.5 s, so the request timed out. Try again in a moment."]},
          retryable=True, recovers=True),
    Fault("stalls mid-answer", mid_stream(stall_after=2),
          {"*": ["{label} stopped responding: nothing arrived for 0.5 s, so the request timed out.",
                 "The text received so far is kept."]}, kept=KEPT),
    Fault("HTML error page (502)", lambda family: Scenario(html_error_page=True, html_status=502),
          {"*": ["{label} had a server error (502)", "web page", "502 Bad Gateway"],
           "ollama": ["Ollama had a server error (502)", "web page instead of Ollama's API"]},
          retryable=True, recovers=True),
    Fault("HTML page with status 200", lambda family: Scenario(html_error_page=True, html_status=200),
          {"*": ["{label} at {url} answered with a web page (“502 Bad Gateway”) instead of its API: a proxy or "
                 "login page may be in the way, or the base URL is wrong."]},
          retryable=True),
]

CASES = [pytest.param(fault, family, id=f"{fault.name}-{family}") for fault in FAULTS for family in fault.families]
SCREENSHOTS = {("TLS failure (self-signed)", "openai"), ("HTML page with status 200", "anthropic"),
               ("stalls mid-answer", "ollama"), ("HTML error page (502)", "openai")}


# -- helpers -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def _frozen_heap():
    """Leave the SDKs' long-lived objects out of the full collection each window test ends with
    (tests/ui/conftest.py's qloop): ≈ 0.45 s a test otherwise, for nothing this module makes."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


class Ticker:
    """A 10 ms QTimer; `worst` is the longest gap between two of its ticks (the event loop's worst stall)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.ticks = 0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now
        self.ticks += 1

    def __enter__(self) -> Ticker:
        self.last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


@dataclass
class Rig:
    """The fake (if any) and the base URL the family's endpoint points at."""

    server: FakeServer | None
    url: str  # what the provider's messages name ({url})




def make_server(family: str) -> FakeServer:
    if family == "anthropic":
        return FakeAnthropic(expected_key=wiring.ANTHROPIC_KEY)
    if family == "openai":
        server = FakeOpenAI()
        server.expected_key = wiring.OPENAI_KEY
        return server
    return FakeOllama()


def shown_url(family: str, base: str) -> str:
    return base + "/v1" if family == "openai" else base


def start_rig(fault: Fault, family: str, tmp_path: Path) -> Rig:
    if fault.url == "refused":
        base = f"http://127.0.0.1:{free_port()}"
        return Rig(None, shown_url(family, base))
    if fault.url == "dns":
        return Rig(None, shown_url(family, "http://api.example.invalid"))
    server = make_server(family)
    server.faults_only_on = wiring.chat_path(family)
    if fault.url == "tls":
        server.ssl_context = self_signed_server_context(tmp_path)
    else:
        assert fault.scenario is not None
        server.default = fault.scenario(family)
    server.__enter__()
    return Rig(server, shown_url(family, server.base_url))


def configure(family: str, base_url: str):  # noqa: ANN201
    """Settings pointing `family` at base_url, with its key saved for that host (as a user would)."""
    settings = wiring.settings_for(family, SimpleNamespace(base_url=base_url.removesuffix("/v1")),
                                   load_settings())
    settings.default_models[family] = MODEL[family]
    settings.read_timeout = READ_TIMEOUT
    settings.connect_timeout = 2.0
    return settings


def settled(window, wanted: MessageStatus) -> bool:  # noqa: ANN001
    answer = last_answer(window)
    return (answer is not None and answer.status == wanted
            and not window.controller.is_streaming(window.current_conversation_id))


def fast_retries(window, attempts: int) -> None:  # noqa: ANN001
    """What a user's max_attempts does, with test-sized backoff (Retry-After still wins)."""
    window.engine.policy = RetryPolicy(max_attempts=attempts, base_delay=0.05, max_delay=0.1, rng=random.Random(7))


def chat_requests(rig: Rig, family: str) -> int:
    return len(rig.server.requests_to(wiring.chat_path(family))) if rig.server is not None else 0


# -- the test ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fault", "family"), CASES)
def test_fault_ends_with_its_message_and_the_window_stays_usable(fault: Fault, family: str, windows, qtbot,
                                                                 tmp_path) -> None:
    rig = start_rig(fault, family, tmp_path)
    try:
        run_fault(fault, family, rig, windows, qtbot)
    finally:
        if rig.server is not None:
            rig.server.__exit__(None, None, None)


def run_fault(fault: Fault, family: str, rig: Rig, windows, qtbot) -> None:  # noqa: ANN001
    window = windows.new(configure(family, rig.url))
    # A fault that recovers shows its countdown on the way to success (below); one that does not
    # shows it here, before the retries run out.
    attempts = 2 if fault.retryable and not fault.recovers else 1
    fast_retries(window, attempts)
    notices: list[str] = []
    window.controller.turnEvent.connect(
        lambda _cid, event: notices.append(event.text) if isinstance(event, Notice) and event.text else None)
    question = f"What happens on {fault.name}?"

    # -- the fault plays out while the user keeps typing ---------------------------------------------
    with Ticker() as ticker:
        window.composer.setFocus()
        qtbot.keyClicks(window.composer, question)
        qtbot.keyClick(window.composer, Qt.Key.Key_Return)
        qtbot.keyClicks(window.composer, "typed meanwhile")
        qtbot.waitUntil(lambda: settled(window, MessageStatus.ERROR), timeout=15_000)
    assert ticker.ticks > 0 and ticker.worst < MAX_STALL, f"the event loop stalled for {ticker.worst:.3f} s"
    assert window.composer.toPlainText() == "typed meanwhile"

    answer = last_answer(window)
    card = window.view.message_widget(answer.id).error_label
    shown = QTextDocumentFragment.fromHtml(card.text()).toPlainText()  # the card is rich text (links, code)
    for phrase in fault.phrases(family):
        expected = phrase.format(label=LABEL[family], model=MODEL[family], url=rig.url)
        assert expected in shown, f"{expected!r} not in the card: {shown!r}"
    assert "<html" not in shown.lower() and "Traceback" not in shown
    assert window.view.message_widget(answer.id).error_card.isVisible()
    assert answer.text == fault.kept
    assert view_text(window.view, answer.id) == fault.kept
    if rig.server is not None and fault.url is None:
        assert chat_requests(rig, family) == attempts  # never retried after the first token
    if attempts > 1:
        reason = shown.split(". ")[0].split(": ")[0]
        # (the notice line shows `code` as the card does: without backticks, error_card.plain)
        assert any(fault.countdown in n and "(attempt 2 of 2)" in n and reason in plain(n) for n in notices), notices
    if (fault.name, family) in SCREENSHOTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = fault.name.split(" (")[0].replace(" ", "-").lower()
        QApplication.sendPostedEvents()  # the layout's pending pass: the card as the user sees it
        window.view.message_widget(answer.id).grab().save(str(ARTIFACTS / f"faults-{slug}-{family}.png"))

    # -- history: reopened from the store, the same conversation -------------------------------------
    cid = window.current_conversation_id
    window.new_conversation()
    window.open_conversation(cid)
    stored = window.store.list_messages(cid)
    assert [(m.role, m.text, m.status) for m in stored] == [
        ("user", question, MessageStatus.COMPLETE), ("assistant", fault.kept, MessageStatus.ERROR)]
    assert window.view.message_ids() == [m.id for m in stored]
    reopened = window.view.message_widget(answer.id).error_label.text()
    assert QTextDocumentFragment.fromHtml(reopened).toPlainText() == shown
    assert view_text(window.view, answer.id) == fault.kept

    # -- retryable: the countdown, then Retry succeeds once the fake recovers ------------------------
    if fault.recovers:
        assert rig.server is not None
        notices.clear()
        rig.server.enqueue(fault.scenario(family))
        rig.server.default = Scenario(chunks=[HEALTHY])
        fast_retries(window, attempts=3)
        with Ticker() as ticker:
            qtbot.mouseClick(window.view.message_widget(answer.id).retry_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: settled(window, MessageStatus.COMPLETE), timeout=15_000)
        assert ticker.worst < MAX_STALL, f"the event loop stalled for {ticker.worst:.3f} s"
        assert any(fault.countdown in n and "(attempt 2 of 3)" in n for n in notices), notices
        stored = window.store.list_messages(cid)
        assert [(m.role, m.text, m.status) for m in stored] == [
            ("user", question, MessageStatus.COMPLETE), ("assistant", HEALTHY, MessageStatus.COMPLETE)]
        assert window.view.message_ids() == [m.id for m in stored]
        widget = window.view.message_widget(stored[1].id)
        assert widget.error_card.isHidden() and widget.notice_label.isHidden()
        assert view_text(window.view, stored[1].id) == HEALTHY
    assert window.composer.toPlainText() == "typed meanwhile"
    assert QApplication.activeWindow() is window
