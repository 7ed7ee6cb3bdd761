"""The answer being received in one turn: its text and reasoning as they stream, the tool rounds'
parts, timings, and saving to the store at most every `save_interval` (a crash loses at most the
last moment of text). The engine (engine.py) owns the turn; this owns what the turn has received.

Saving never raises: a failed save is announced (SaveFailed) and tried again on a later delta, no
sooner than `retry_interval`; the first save that works again says so (SaveResumed).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop_chat.chat import tool_rounds
from desktop_chat.chat.events import SaveFailed, SaveResumed, TurnEvent
from desktop_chat.chat.reasoning import ReasoningAccumulator
from desktop_chat.domain import errors
from desktop_chat.domain.events import ThinkingDelta, Usage
from desktop_chat.domain.messages import Message, MessageStatus
from desktop_chat.domain.parts import Part, ThinkingPart, parts_to_list
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.store import Store, StoreError

__all__ = ["AnswerInProgress", "EventSink", "SAVE_RETRY_INTERVAL", "UnstoredAnswerInProgress", "ignore_event",
           "save_failure_text"]

log = logging.getLogger("desktop_chat.chat.engine")  # (its lines were always the engine's)

EventSink = Callable[[TurnEvent], None]
SAVE_RETRY_INTERVAL = 2.0  # seconds between attempts to save an answer while saving fails


def ignore_event(_event: TurnEvent) -> None:
    pass


def save_failure_text(error: StoreError) -> Text:
    """What to tell the user when an answer cannot be saved, by what went wrong."""
    if error.kind == "full":
        return Text.of(QT_TRANSLATE_NOOP(
            "engine", "Could not save this answer: the disk is full. It stays on screen, and Desktop Chat "
                      "keeps trying to save it; free some space."))
    if error.kind == "readonly":
        return Text.of(QT_TRANSLATE_NOOP(
            "engine", "Could not save this answer: the data folder cannot be written to ({path}). It stays "
                      "on screen, and Desktop Chat keeps trying to save it."),
            path=str(Path(error.path).parent) if error.path else "")
    return Text.of(QT_TRANSLATE_NOOP(
        "engine", "Could not save this answer ({error}). It stays on screen, and Desktop Chat keeps trying "
                  "to save it."),
        error=error.detail or str(error))


class AnswerInProgress:
    """The answer being received: its text, timings and throttled saving.

    Saving never raises: a failed save is announced (SaveFailed) and tried again on a later
    delta, no sooner than `retry_interval`; the first save that works again says so (SaveResumed).
    """

    def __init__(self, store: Store, answer: Message, prefix: str, save_interval: float,
                 on_event: EventSink = ignore_event, retry_interval: float = SAVE_RETRY_INTERVAL) -> None:
        self.store = store
        self.answer = answer
        self.message_id = answer.id
        self.on_event = on_event
        self.parts: list[str] = [prefix] if prefix else []
        self.save_interval = save_interval
        self.retry_interval = retry_interval
        self.received_text = False
        self.usage: Usage | None = None
        self.stop_reason: str | None = None
        self.started = time.monotonic()
        self.first_token: float | None = None
        self.last_save = self.started
        self.failure: Text | None = None  # why the last save failed; None while saving works
        self.final: dict[str, Any] | None = None  # the fields of the last save, once finished
        self.reasoning = ReasoningAccumulator()  # this turn's reasoning (chat/reasoning.py)
        self.kept_parts = list(answer.parts)  # a continued answer keeps the parts it had
        self.tool_calls = tool_rounds.ToolCalls()  # the calls of the answer streaming now
        self.tool_parts: list[Part] = []  # every tool round so far: its text, calls and results
        self._round_start = len(prefix)  # where the text of the round streaming now begins
        self._reasoning_taken = 0  # reasoning blocks already sent back with a tool round

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def attempt_started(self) -> None:
        if self.first_token is None:  # a retry restarts the clock; a later tool round does not
            self.started = time.monotonic()

    def add_text(self, text: str) -> None:
        if not text:
            return
        now = time.monotonic()
        if self.first_token is None:
            self.first_token = now
        self.received_text = True
        self.reasoning.answer_started()
        self.parts.append(text)
        interval = self.save_interval if self.failure is None else max(self.save_interval, self.retry_interval)
        if now - self.last_save >= interval:
            self.last_save = now
            self.save(text=self.text)

    def add_thinking(self, delta: ThinkingDelta) -> None:
        """Reasoning counts as shown (no retry after it) and is saved with the streaming answer."""
        now = time.monotonic()
        if self.first_token is None:
            self.first_token = now
        self.received_text = True
        self.reasoning.add(delta)
        if now - self.last_save >= max(self.save_interval, self.retry_interval if self.failure else 0.0):
            self.last_save = now
            self.save(text=self.text, parts=self._parts())

    def _parts(self) -> list[dict[str, Any]]:
        reasoning_tokens = self.usage.reasoning_tokens if self.usage is not None else None
        # Reasoning first, then the tool rounds' calls and results (a continued answer: what it had).
        return (self.kept_parts + parts_to_list(list(self.reasoning.parts(reasoning_tokens)))
                + parts_to_list(self.tool_parts))

    def take_round_reasoning(self) -> list[ThinkingPart]:
        """The reasoning blocks streamed since the last tool round (they go back with its calls)."""
        parts = self.reasoning.parts()
        new, self._reasoning_taken = parts[self._reasoning_taken:], len(parts)
        return new

    def take_round_text(self) -> str:
        """The text of the round that just ended (the next round's text starts after it)."""
        text = self.text
        round_text, self._round_start = text[self._round_start:], len(text)
        return round_text

    def separate_round(self) -> None:
        """A blank line between one round's words and the next (dropped if nothing follows)."""
        self.add_text(tool_rounds.ROUND_SEPARATOR)
        self._round_start = len(self.text)

    def add_tool_parts(self, parts: Sequence[Any]) -> None:
        self.tool_parts += parts

    def save_tool_parts(self) -> None:
        """Save the rounds so far with the text (a crash keeps the calls and results)."""
        self.save(text=self.text, parts=self._parts())

    def save(self, **fields: Any) -> bool:
        try:
            self.store.update_message(self.message_id, **fields)
        except StoreError as exc:
            reason = save_failure_text(exc)
            if reason != self.failure:
                log.warning("could not save answer %s (%s): %s", self.message_id, exc.kind, exc.detail or exc)
                self.failure = reason
                self.on_event(SaveFailed(self.answer.conversation_id, self.message_id, reason))
            return False
        if self.failure is not None:
            log.info("saving answer %s works again", self.message_id)
            self.failure = None
            self.on_event(SaveResumed(self.answer.conversation_id, self.message_id))
        return True

    def save_final(self) -> bool:
        """(Re)try the final save; True once it is stored (or the answer was deleted meanwhile)."""
        assert self.final is not None
        return self.save(**self.final)

    def message(self) -> Message:
        """The answer as it ends, whether or not the store has it yet."""
        try:
            stored = self.store.get_message(self.message_id)
        except StoreError:
            stored = None
        base = stored or self.answer
        if self.final is None or (stored is not None and self.failure is None):
            return base
        return dataclasses.replace(base, **self.final)

    def finish(self, status: MessageStatus, error: errors.ChatError | None = None) -> bool:
        """Save the final state; False if that failed (the caller keeps trying)."""
        end = time.monotonic()
        text = "".join(self.parts)
        if self.tool_parts and len(text) == self._round_start and text.endswith(tool_rounds.ROUND_SEPARATOR):
            text = text[:-len(tool_rounds.ROUND_SEPARATOR)]  # stopped before the next round said anything
        fields: dict[str, Any] = dict(
            status=status,
            text=text,
            duration_ms=(end - self.started) * 1000,
            stop_reason=self.stop_reason,
            # The English sentence, and its template + parameters for showing it translated later.
            error=error.message if error is not None else None,
            error_text=errors.error_record(error) if error is not None else None,  # with its action
        )
        if self.first_token is not None:
            fields["ttft_ms"] = (self.first_token - self.started) * 1000
        if self.reasoning.any or self.tool_parts:
            fields["parts"] = self._parts()
        if self.usage is not None:
            fields["input_tokens"] = self.usage.input_tokens
            fields["output_tokens"] = self.usage.output_tokens
        self.final = fields
        return self.save(**fields)


class UnstoredAnswerInProgress(AnswerInProgress):
    """An answer kept in memory only (answer_unstored): counted and timed as any, never saved."""

    def save(self, **fields: Any) -> bool:
        return True
