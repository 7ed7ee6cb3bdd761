"""What the turn controller reports, shown: the message pane, the list, the status bar.

The TurnController (turns.py) announces every event of every turn with its conversation id; the
presenter passes on to the MessageView only the events of the conversation on screen, keeps the
list's order and streaming marks current, restores what a refused turn was given (its text, its
attachments) and says a turn's failure in the status bar until the user moves on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desktop_chat.chat.events import SourcesFound, TurnStarted
from desktop_chat.domain.events import Started
from desktop_chat.domain.messages import Message
from desktop_chat.ui.common.error_card import plain as plain_error
from desktop_chat.ui.common.error_text import localized_error
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
    from desktop_chat.chat.events import TurnResult
    from desktop_chat.ui.window.main_window import MainWindow

__all__ = ["TurnPresenter"]


class TurnPresenter(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._w = window
        self.pending_text: dict[str, str] = {}  # sent text, until the turn has stored it
        self.save_problems: dict[str, tuple[str, str]] = {}  # answer id -> (conversation id, text)
        self._refusals: dict[str, BaseException] = {}  # why a turn could not start (TurnFailed.error)
        self._status_owner: str | None = None  # the conversation the status bar's message is about

    def on_event(self, cid: str, event: WindowTurnEvent) -> None:
        """Every event of every turn, for conversation *cid* (ui/window/turn_events.py)."""
        match event:
            case TurnStarted(user_message=user, assistant_message=answer):
                self._turn_started(cid, user, answer)
                self._w.fixes.clear()
            case SourcesFound(message_id=answer_id, delivery=delivery):
                self._sources_found(cid, answer_id, delivery)
            case AnswerText(answer_id=answer_id, text=text):
                self._text_received(cid, answer_id, text)
            case AnswerThinking(answer_id=answer_id, text=text):
                if cid == self._w.current_conversation_id:
                    self._w.view.append_thinking(answer_id, text)
            case MessageChanged(message=message):
                self._message_changed(cid, message)
            case Notice(answer_id=answer_id, text=notice):
                self._notice_changed(cid, answer_id, notice)
            case Started(provider=endpoint_id, model=model):
                self._request_started(cid, endpoint_id, model)
            case StreamingChanged(streaming=streaming):
                self._streaming_changed(cid, streaming)
            case TurnEnded(result=result):
                self._turn_ended(cid, result)
            case TurnFailed(kind=kind, message=message, error=error):
                if error is not None:
                    self._refusals[cid] = error  # read by _turn_failed
                    self._w.fixes.refused(cid, error)
                self._turn_failed(cid, kind, message)
            case SaveProblem(answer_id=answer_id, text=problem):
                self._save_problem_changed(cid, answer_id, problem)

    def _turn_started(self, cid: str, user: Message, answer: Message) -> None:
        self.pending_text.pop(cid, None)
        self._w.attachments.sent(cid)
        self._w.conversations.turn_started(cid)
        self._w.panel.model.refresh(cid, to_top=True)
        if cid != self._w.current_conversation_id:
            return
        if self._w.panel.current_id() != cid:
            self._w.panel.select(cid)  # a new conversation (see send)
        # What followed the question's parent belongs to the branch being left (a regenerated
        # answer, the turns after an edited question): the view shows the new branch only.
        if not self._w.view.remove_messages_after(user.parent_id):
            self._w.view.remove_messages_from(user.seq)
        self._w.view.add_message(user)
        self._w.view.add_message(answer)
        self._w.view.set_versions(self._w.conversations.versions_of([user, answer]))
        if self._w.oldest_seq is None or user.parent_id is None:
            self._w.oldest_seq = user.seq
        conversation = self._w.conversations.get(cid)
        if conversation is not None:
            self._w.top_bar.set_title(conversation.title)
            self._w.update_title()

    def _sources_found(self, cid: str, answer_id: str, delivery: Any) -> None:
        if cid == self._w.current_conversation_id:
            self._w.view.show_delivery(answer_id, delivery)

    def _text_received(self, cid: str, answer_id: str, text: str) -> None:
        if cid == self._w.current_conversation_id:
            self._w.view.append_text(answer_id, text)

    def _message_changed(self, cid: str, message: Message) -> None:
        if cid == self._w.current_conversation_id:
            self._w.view.update_message(message)

    def _notice_changed(self, cid: str, answer_id: str, text: str | None) -> None:
        if cid == self._w.current_conversation_id:
            self._w.view.set_notice(answer_id, text)

    def _request_started(self, cid: str, _endpoint_id: str, _model: str) -> None:
        if self._status_owner == cid:
            self._drop_problem()  # the conversation is trying again: its last failure is stale
        if cid == self._w.current_conversation_id:
            self._w.show_endpoint_status(answering=True)

    def _streaming_changed(self, cid: str, streaming: bool) -> None:
        self._w.panel.model.set_streaming(cid, streaming)
        if cid == self._w.current_conversation_id:
            self._w.composer_bar.set_streaming(streaming)
            self._w.stop_shortcut.setEnabled(streaming)
            if not streaming:
                self._w.show_endpoint_status()

    def _turn_ended(self, cid: str, result: TurnResult | None) -> None:
        self._w.panel.model.refresh(cid)
        if cid == self._w.current_conversation_id:
            self._w.show_totals()
        if result is not None and result.ok and result.message.provider:
            self._w.choice.note_answered(result.message.provider, result.message.model or "")
        if result is not None and result.error is not None:
            prefix = "" if cid == self._w.current_conversation_id else self._title_prefix(cid)
            self.show_problem(cid, prefix + localized_error(result.error))
        if self._w.reset_pool_pending and not self._w.controller.streaming_ids():
            self._w.reset_pool_pending = False
            self._w.runner.start(self._w.engine.pool.reset(), name="reset-providers")
        self._w.turnFinished.emit(cid)

    def _turn_failed(self, cid: str, kind: str, message: str) -> None:
        text = self.pending_text.pop(cid, None)
        if self._w.conversations.discard_unused(cid):  # made for this turn, which never started
            self._w.panel.model.remove(cid)
            if cid == self._w.current_conversation_id:
                self._w.new_conversation()
        if text is not None and (self._w.current_conversation_id in (cid, None)):
            self._w.composer_bar.restore_text(text)
        self._w.attachments.restore(cid, self._refusals.pop(cid, None), message)
        self.show_problem(self._w.current_conversation_id, message)
        self._w.turnFinished.emit(cid)

    def _save_problem_changed(self, cid: str, answer_id: str, text: str | None) -> None:
        """An answer could not be saved (text), or can be again (None): say so on it and above."""
        if text is None:
            if self.save_problems.pop(answer_id, None) is None:
                return
            self._w.statusBar().showMessage(self.tr("Saving works again: the whole answer is stored."), 10000)
        else:
            self.save_problems[answer_id] = (cid, text)
        if cid == self._w.current_conversation_id:
            self._w.view.set_notice(answer_id, text)
        latest = next(reversed(self.save_problems.values()), None)
        if latest is not None or self._w.has_storage_notice:
            self._w.storage_notice.set_save_problem(latest[1] if latest is not None else None)

    def show_problem(self, cid: str | None, message: str) -> None:
        """A turn's failure in the status bar, until the user moves to another conversation."""
        self._w.statusBar().showMessage(plain_error(message), 60000)  # (the card shows `code` as code)
        self._status_owner = cid

    def leave_conversation(self) -> None:
        if self._status_owner is not None and self._status_owner != self._w.current_conversation_id:
            self._drop_problem()

    def _drop_problem(self) -> None:
        self._w.statusBar().clearMessage()
        self._status_owner = None

    def _title_prefix(self, cid: str) -> str:
        conversation = self._w.conversations.get(cid)
        return self.tr("“{title}”: ").format(title=conversation.title) if conversation else ""
