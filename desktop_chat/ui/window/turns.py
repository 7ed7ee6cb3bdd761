"""Runs engine turns, one asyncio task per conversation, and routes their events by conversation.

Each turn's event sink is a closure bound to the conversation it was started for, so an event
can only ever be announced for that conversation: the window shows it when that conversation
is on screen and ignores it otherwise. The controller keeps the text received so far for every
streaming answer (the store only has it as of the last throttled save), so that switching back
to a conversation that is still answering shows exactly what arrived, and then continues.

Stopping cancels the task; the engine keeps the partial text as STOPPED and re-raises the
CancelledError, after which the controller announces the stored message.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_chat.chat.events import SaveFailed, SaveResumed, SourcesFound, TurnEvent, TurnResult, TurnStarted
from desktop_chat.domain import errors
from desktop_chat.domain.events import Retrying, Started, TextDelta, ThinkingDelta
from desktop_chat.domain.messages import Attachment, Delivery, Message, MessageStatus
from desktop_chat.ui.runtime.async_runner import AsyncRunner
from desktop_chat.store import StoreError
from desktop_chat.ui.common.error_text import localized, localized_error, localized_retry_reason
from desktop_chat.ui.window.turn_events import (
    AnswerText,
    AnswerThinking,
    MessageChanged,
    Notice,
    SaveProblem,
    StreamingChanged,
    TurnEnded,
    TurnFailed,
    WindowTurnEvent,
)

if TYPE_CHECKING:
    from desktop_chat.chat.engine import ChatEngine

log = logging.getLogger(__name__)


@dataclass
class _Retry:
    """A retry the engine announced, and when it will be made."""

    event: Retrying
    deadline: float


@dataclass
class ActiveTurn:
    """What the controller knows of one running turn."""

    conversation_id: str
    kind: str  # send | regenerate | edit | continue
    task: asyncio.Task[Any] | None = None
    answer_id: str | None = None
    parts: list[str] = field(default_factory=list)
    retry: _Retry | None = None
    provider: str | None = None
    model: str | None = None
    unsent: list[str] = field(default_factory=list)  # text not announced yet (see _on_event)
    unsent_thinking: list[str] = field(default_factory=list)  # reasoning not announced yet, the same way
    sending: bool = False
    text_announced: bool = False  # some of this turn's text went out (the first goes at once)

    @property
    def text(self) -> str:
        return "".join(self.parts)


class TurnController(QObject):
    """Starts, stops and reports turns: every event of a turn goes out through ``turnEvent``."""

    # conversation id, a WindowTurnEvent (ui/window/turn_events.py): one signal, dispatched with `match`
    turnEvent = Signal(str, object)

    def __init__(self, engine: Callable[[], ChatEngine], runner: AsyncRunner, parent: QObject | None = None) -> None:
        """`engine()`: the chat engine, asked for when a turn starts (the window builds it on first use)."""
        super().__init__(parent)
        self._engine = engine
        self.runner = runner
        self._turns: dict[str, ActiveTurn] = {}
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)

    @property
    def engine(self) -> ChatEngine:
        return self._engine()

    # -- queries -------------------------------------------------------------------------------

    def is_streaming(self, conversation_id: str | None) -> bool:
        return conversation_id is not None and conversation_id in self._turns

    def streaming_ids(self) -> list[str]:
        return list(self._turns)

    def live_answer(self, conversation_id: str) -> tuple[str, str] | None:
        """(answer id, text received so far) of the conversation's streaming answer."""
        turn = self._turns.get(conversation_id)
        if turn is None or turn.answer_id is None:
            return None
        return turn.answer_id, turn.text

    def notice(self, conversation_id: str) -> tuple[str, str] | None:
        turn = self._turns.get(conversation_id)
        if turn is None or turn.answer_id is None or turn.retry is None:
            return None
        return turn.answer_id, self._retry_text(turn.retry)

    # -- starting turns ------------------------------------------------------------------------

    def send(self, conversation_id: str, text: str, *, endpoint_id: str | None, model: str | None,
             attachments: Sequence[Attachment] = ()) -> bool:
        return self._start(conversation_id, "send", lambda sink: self.engine.send(
            conversation_id, text, endpoint_id=endpoint_id, model=model, on_event=sink,
            attachments=list(attachments)))

    def regenerate(self, conversation_id: str, *, endpoint_id: str | None = None, model: str | None = None) -> bool:
        return self._start(conversation_id, "regenerate", lambda sink: self.engine.regenerate(
            conversation_id, endpoint_id=endpoint_id, model=model, on_event=sink))

    def edit_and_resend(self, conversation_id: str, message_id: str, text: str) -> bool:
        return self._start(conversation_id, "edit", lambda sink: self.engine.edit_and_resend(
            message_id, text, on_event=sink))

    def continue_answer(self, conversation_id: str, answer: Message) -> bool:
        started = self._start(conversation_id, "continue", lambda sink: self.engine.continue_answer(
            answer.id, on_event=sink), answer=answer)
        if started:
            self._emit(conversation_id, MessageChanged(dataclasses.replace(
                answer, status=MessageStatus.STREAMING, error=None)))
        return started

    def _start(self, conversation_id: str, kind: str,
               make: Callable[[Callable[[TurnEvent], None]], Coroutine[Any, Any, TurnResult]],
               answer: Message | None = None) -> bool:
        if conversation_id in self._turns:
            return False  # one answer at a time per conversation
        turn = ActiveTurn(conversation_id, kind)
        if answer is not None:  # continuing: the answer exists and its text is the prefix
            turn.answer_id = answer.id
            turn.parts = [answer.text]
        self._turns[conversation_id] = turn
        turn.task = self.runner.start(self._run(turn, make), name=f"turn-{kind}-{conversation_id[:8]}")
        # A task cancelled before its first step never enters _run's handlers: finish it here.
        turn.task.add_done_callback(lambda _task: self._finish(turn, None) if self._turns.get(
            conversation_id) is turn else None)
        self._emit(conversation_id, StreamingChanged(True))
        return True

    async def _run(self, turn: ActiveTurn,
                   make: Callable[[Callable[[TurnEvent], None]], Coroutine[Any, Any, TurnResult]]) -> None:
        result: TurnResult | None = None
        try:
            result = await make(lambda event: self._on_event(turn, event))
        except asyncio.CancelledError:
            self._finish(turn, None)
            raise
        except (errors.ChatError, ValueError, KeyError) as exc:
            # Raised before anything was stored (unknown provider, no model to choose, empty text).
            log.info("turn could not start: %s", type(exc).__name__)
            self._finish(turn, None, failed=localized_error(exc), error=exc)
            return
        except StoreError as exc:  # the question itself could not be stored: the window keeps its text
            log.warning("turn could not be stored (%s): %s", exc.kind, exc)
            self._finish(turn, None, failed=self.store_failure(exc))
            return
        except Exception as exc:  # a bug: say so rather than leave the conversation spinning
            log.exception("turn crashed")
            self._finish(turn, None, failed=self.tr("Something went wrong inside Desktop Chat ({name}). "
                                                    "See the log for details.").format(name=type(exc).__name__))
            return
        self._finish(turn, result)

    # -- stopping ------------------------------------------------------------------------------

    def stop(self, conversation_id: str | None) -> bool:
        turn = self._turns.get(conversation_id or "")
        if turn is None or turn.task is None or turn.task.done():
            return False
        turn.task.cancel()
        return True

    async def stop_and_wait(self, conversation_id: str, timeout: float = 5.0) -> None:
        turn = self._turns.get(conversation_id)
        if turn is None or turn.task is None:
            return
        turn.task.cancel()
        await asyncio.wait([turn.task], timeout=timeout)

    async def stop_all(self, timeout: float = 5.0) -> None:
        tasks = [t.task for t in self._turns.values() if t.task is not None and not t.task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    # -- events --------------------------------------------------------------------------------

    def _emit(self, conversation_id: str, event: WindowTurnEvent) -> None:
        self.turnEvent.emit(conversation_id, event)

    def _on_event(self, turn: ActiveTurn, event: TurnEvent) -> None:
        cid = turn.conversation_id
        if not isinstance(event, (TextDelta, ThinkingDelta)):
            self._send_text(turn)  # text that arrived before this event is announced before it
        match event:
            case TextDelta(text=text):
                self._take_text(turn, text)
            case ThinkingDelta(text=text, redacted=False) if text and turn.answer_id is not None:
                turn.unsent_thinking.append(text)  # announced with the text, once per pass of the loop
                if not turn.sending:
                    turn.sending = True
                    asyncio.get_running_loop().call_soon(self._send_text, turn)
            case TurnStarted():
                turn.answer_id = event.assistant_message.id
                turn.parts = []
                self._emit(cid, event)
            case SourcesFound():
                if turn.answer_id is not None:
                    delivery = event.delivery or Delivery(event.plan_explanation)
                    self._emit(cid, dataclasses.replace(event, message_id=event.message_id or turn.answer_id,
                                                        delivery=delivery))
            case Started():
                turn.provider, turn.model = event.provider, event.model
                self._clear_retry(turn)
                self._emit(cid, event)
            case SaveFailed(reason=reason):  # also after the turn ended: the engine keeps trying
                self._emit(cid, SaveProblem(event.message_id, localized(reason, reason.english())))
            case SaveResumed():
                self._emit(cid, SaveProblem(event.message_id, None))
            case Retrying():
                turn.retry = _Retry(event, time.monotonic() + max(0.0, event.delay))
                self._announce_retry(turn)
                if not self._ticker.isActive():
                    self._ticker.start()
            case _:
                # Usage and Finished reach the window with the stored answer (MessageChanged);
                # tool calls are not shown yet (issue 16).
                pass

    def _take_text(self, turn: ActiveTurn, text: str) -> None:
        if not text or turn.answer_id is None:
            return
        turn.parts.append(text)
        turn.unsent.append(text)
        if not turn.text_announced:
            # The first text is announced at once (the window paints it straight away): it
            # ends the wait users notice most, and waiting for the loop's next pass cost
            # milliseconds while the engine read on.
            turn.text_announced = True
            self._send_text(turn)
            return
        # Later text is announced once per pass of the event loop rather than per token: a
        # fast stream delivers hundreds of deltas between two frames, and each announcement
        # went through a signal, the window and the view (≈ 10 % of the GUI thread's time).
        if not turn.sending:
            turn.sending = True
            asyncio.get_running_loop().call_soon(self._send_text, turn)

    def _send_text(self, turn: ActiveTurn) -> None:
        turn.sending = False
        if turn.unsent_thinking and turn.answer_id is not None:  # reasoning comes before the answer's text
            thinking = "".join(turn.unsent_thinking)
            turn.unsent_thinking.clear()
            self._emit(turn.conversation_id, AnswerThinking(turn.answer_id, thinking))
        if turn.unsent and turn.answer_id is not None:
            text = "".join(turn.unsent)
            turn.unsent.clear()
            self._emit(turn.conversation_id, AnswerText(turn.answer_id, text))

    def _finish(self, turn: ActiveTurn, result: TurnResult | None, failed: str | None = None,
                error: BaseException | None = None) -> None:
        self._send_text(turn)
        cid = turn.conversation_id
        if self._turns.get(cid) is turn:
            del self._turns[cid]
        self._clear_retry(turn)
        if result is not None:
            self._emit(cid, MessageChanged(result.message))
        elif turn.answer_id is not None:
            stored = self.engine.store.get_message(turn.answer_id)
            if stored is not None:
                self._emit(cid, MessageChanged(stored))
        self._emit(cid, StreamingChanged(False))
        if failed is not None:
            self._emit(cid, TurnFailed(turn.kind, failed, error))
        else:
            self._emit(cid, TurnEnded(result))
        if not any(t.retry for t in self._turns.values()):
            self._ticker.stop()

    def store_failure(self, error: StoreError) -> str:
        """Why a question could not be stored, for the status bar."""
        if error.kind == "full":
            return self.tr("Your message could not be saved: the disk is full. Free some space and send it again.")
        if error.kind == "readonly":
            return self.tr("Your message could not be saved: the data folder cannot be written to. "
                           "Send it again once it can.")
        return self.tr("Your message could not be saved ({error}). Send it again in a moment.").format(
            error=error.detail or str(error))

    # -- the retry countdown ---------------------------------------------------------------------

    def _retry_text(self, retry: _Retry) -> str:
        seconds = max(0, round(retry.deadline - time.monotonic()))
        return self.tr("{reason} Retrying in {seconds} s (attempt {attempt} of {total}).").format(
            reason=localized_retry_reason(retry.event), seconds=seconds, attempt=retry.event.attempt,
            total=retry.event.max_attempts)

    def _announce_retry(self, turn: ActiveTurn) -> None:
        if turn.retry is not None and turn.answer_id is not None:
            self._emit(turn.conversation_id, Notice(turn.answer_id, self._retry_text(turn.retry)))

    def _clear_retry(self, turn: ActiveTurn) -> None:
        if turn.retry is not None:
            turn.retry = None
            if turn.answer_id is not None:
                self._emit(turn.conversation_id, Notice(turn.answer_id, None))

    def _tick(self) -> None:
        ticking = False
        for turn in list(self._turns.values()):
            if turn.retry is not None:
                ticking = True
                self._announce_retry(turn)
        if not ticking:
            self._ticker.stop()
