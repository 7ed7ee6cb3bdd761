"""One turn of conversation: build the request, stream it, persist it, retry, cancel.

The engine is the one place for policy. Providers only speak their wire format; the engine
decides when to retry, times the answer, saves it while it streams and marks how it ended:

- the user message is stored before the request goes out;
- the answer is stored as it streams, at least every `save_interval` seconds, then finally, with
  a status (complete, stopped, error; a crash leaves "streaming", which the store turns into
  "interrupted" on the next start);
- a save that fails (the disk is full, the folder became read-only) never ends the turn: the
  text stays in memory, a SaveFailed event says so, the save is tried again on the next delta
  and, after the turn, every `save_retry_interval` seconds until it works (SaveResumed) or the
  engine closes;
- every request is logged on one line (provider, model, attempt, status, time to first token,
  total time, tokens), never a key, and message text only when Settings.debug_log_content is on;
- retries follow RetryPolicy and happen only before the first token (the send-retry loop and
  its log line are chat/attempts.py);
- cancelling the task that runs a turn closes the HTTP stream at once and keeps what arrived,
  marked stopped (the CancelledError is re-raised, as asyncio expects);
- a burst of deltas is handed over without starving the event loop: the engine yields to the
  loop on a time budget (a buffered HTTP stream does not yield by itself);
- a turn without an explicit model goes to the settings' default or the endpoint's first
  listed model (chat/model_choice.py);
- attached documents (see chat/attachments.py) are stored with the user message by hash, and
  every later turn of the conversation sends them again, planned afresh for its question and
  the model's context budget (chat/context.py); a ``SourcesFound`` event says how, before the
  answer streams, and the same is stored with the answer. Reading documents happens in a
  worker thread, never on the loop (the request's planning is chat/turn_request.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from desktop_chat import config
from desktop_chat.chat import attempts, tool_rounds
from desktop_chat.chat.answer_in_progress import (
    SAVE_RETRY_INTERVAL,
    AnswerInProgress,
    EventSink,
    UnstoredAnswerInProgress,
    ignore_event,
)
from desktop_chat.chat.attachments import check_available, validate_attachment
from desktop_chat.chat.context import ContextLookup
from desktop_chat.chat.events import TurnResult, TurnStarted
from desktop_chat.chat.images import ImageSender, message_images
from desktop_chat.chat.knowledge import KnowledgeAccess
from desktop_chat.chat.model_choice import resolve_model
from desktop_chat.chat.pool import ProviderPool
from desktop_chat.chat.retry import RetryPolicy
from desktop_chat.chat.turn_request import build_request
from desktop_chat.config import Endpoint, Settings
from desktop_chat.domain import errors
from desktop_chat.domain.events import Usage
from desktop_chat.domain.messages import Attachment, Conversation, Message, MessageStatus
from desktop_chat.domain.parts import ImagePart
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import ChatRequest, ModelInfo
from desktop_chat.store import Store

if TYPE_CHECKING:
    from desktop_chat.documents import DocumentLibrary
    from desktop_chat.tools.approval import ApprovalPolicy
    from desktop_chat.tools.sessions import ToolBox

log = logging.getLogger(__name__)

DEFAULT_TITLE = "New conversation"
_EMPTY = Text.of(QT_TRANSLATE_NOOP("engine", "The message is empty."))


class ChatEngine:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        pool: ProviderPool | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        save_interval: float = 0.5,
        documents: DocumentLibrary | None = None,
        context_lookup: ContextLookup | None = None,
        save_retry_interval: float = SAVE_RETRY_INTERVAL,
        tools: ToolBox | None = None,
        approval: ApprovalPolicy | None = None,
    ) -> None:
        """*documents* is the library the front end attaches files with (one is opened in the
        data dir on first use if not given). *context_lookup(endpoint_id, model)* answers how many
        tokens of context a model runs with, or None (see chat/context.py)."""
        self.store = store
        self.settings = settings
        self.pool = pool or ProviderPool(settings)
        self.policy = policy or RetryPolicy(max_attempts=settings.max_attempts)
        self._sleep = sleep
        self.save_interval = save_interval
        self.save_retry_interval = save_retry_interval
        self.context_lookup = context_lookup
        self._unsaved: dict[str, AnswerInProgress] = {}  # answer id -> a finished turn whose last save failed
        self._save_retry: asyncio.Task[None] | None = None
        self._documents = documents
        self._owns_documents = documents is None
        self._documents_lock = threading.Lock()
        self.knowledge = KnowledgeAccess()  # knowledge bases, opened on a turn's first use
        # MCP tools (chat/tool_rounds.py): the servers, and the front end's policy that decides
        # whether a call runs (the window asks; `ask` takes flags; None: nothing runs unasked).
        self.tools = tools
        self.approval = approval
        self.images = ImageSender(settings, self.pool, self.documents)

    # -- the turns a user can start ------------------------------------------------------------

    async def send(
        self,
        conversation_id: str | None,
        text: str,
        *,
        endpoint_id: str | None = None,
        model: str | None = None,
        system_prompt: str | None = None,
        on_event: EventSink | None = None,
        attachments: Sequence[Attachment] = (),
        options: Mapping[str, Any] | None = None,
        images: Sequence[ImagePart] = (),
    ) -> TurnResult:
        """Store `text` as a new user message in the conversation (a new one if None) and answer it.

        *attachments* are documents the front end extracted with the same DocumentLibrary
        (``Attachment.from_document(doc)``); they are stored with the message and go with every
        later turn of the conversation. AttachmentError, before anything is stored, if one's
        text and original are not in the data dir. *options* are merged into the conversation's
        options and kept (a None value removes one), e.g. ``{"context_tokens": 32768}``.
        *images* were stored with ``documents().attach_image``; a model that cannot see them
        stops the turn before anything is stored (chat/images.py NoVisionError).
        """
        if not text.strip() and not images:
            raise ValueError(_EMPTY)
        attachments = await self._accept(attachments)
        conversation = self._conversation_for(conversation_id, text or images[0].file_name, system_prompt)
        if options:
            conversation = self._merge_options(conversation, options)
        endpoint, model_name = await self._choose(conversation, endpoint_id, model)
        if images:  # the branch's images and these go together: check before storing anything
            earlier = sum(len(message_images(m)) for m in self.store.list_messages(conversation.id))
            try:
                await self.images.check(endpoint, model_name, earlier + len(images))
            except errors.ChatError:
                if conversation_id is None:  # made for this message: leave no empty conversation behind
                    self.store.delete_conversation(conversation.id)
                raise
        user = self.store.add_message(conversation.id, "user", text,
                                      attachments=[a.to_dict() for a in attachments],
                                      parts=[image.to_dict() for image in images])
        return await self._answer(conversation, endpoint, model_name, user, on_event or ignore_event)

    async def regenerate(self, conversation_id: str, *, endpoint_id: str | None = None,
                         model: str | None = None, on_event: EventSink | None = None) -> TurnResult:
        """Answer the last question of the current branch again, as a new version of its answer.

        The earlier answer stays (a sibling: ``store.versions`` lists both); the new one becomes
        the current branch.
        """
        conversation = self._require_conversation(conversation_id)
        messages = self.store.list_messages(conversation_id)
        last_user = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_user is None:
            raise ValueError(Text.of(QT_TRANSLATE_NOOP(
                "engine", "There is no question to answer again in this conversation.")))
        endpoint, model_name = await self._choose(conversation, endpoint_id, model)
        return await self._answer(conversation, endpoint, model_name, last_user, on_event or ignore_event)

    async def edit_and_resend(self, message_id: str, text: str, *, on_event: EventSink | None = None,
                              attachments: Sequence[Attachment] | None = None, endpoint_id: str | None = None,
                              model: str | None = None) -> TurnResult:
        """Ask an edited version of a user message and answer it.

        The edit is a new message beside the original (same parent), so the original and every
        turn after it stay as the other branch. It carries the original's attachments unless
        *attachments* replaces them (``[]`` removes them).
        """
        if not text.strip():
            raise ValueError(_EMPTY)
        original = self.store.get_message(message_id)
        if original is None or original.role != "user":
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "Only your own messages can be edited.")))
        if attachments is not None:
            attachments = await self._accept(attachments, already=original.documents)
        conversation = self._require_conversation(original.conversation_id)
        endpoint, model_name = await self._choose(conversation, endpoint_id, model)
        carried = [a.to_dict() for a in attachments] if attachments is not None else original.attachments
        edited = self.store.add_message(conversation.id, "user", text, attachments=carried,
                                        parts=[i.to_dict() for i in message_images(original)],
                                        parent_id=original.parent_id)
        return await self._answer(conversation, endpoint, model_name, edited, on_event or ignore_event)

    async def continue_answer(self, message_id: str, *, on_event: EventSink | None = None) -> TurnResult:
        """Ask the model to carry on from a stopped, interrupted or failed answer, appending to it."""
        answer = self.store.get_message(message_id)
        if answer is None or answer.role != "assistant" or not answer.text.strip():
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "Only an answer with some text can be continued.")))
        conversation = self._require_conversation(answer.conversation_id)
        endpoint, model_name = await self._choose(conversation, answer.provider, answer.model)
        history = self.store.branch_to(answer.id)
        return await self._stream_into(conversation, endpoint, model_name, history, answer,
                                       on_event or ignore_event, prefix=answer.text)

    async def answer_unstored(self, history: Sequence[Message], *, endpoint_id: str | None = None,
                              model: str | None = None, system_prompt: str | None = None,
                              options: Mapping[str, Any] | None = None,
                              on_event: EventSink | None = None) -> UnstoredAnswer:
        """Answer *history* (messages built in memory, oldest first, ending with the question) and
        store nothing: for a front end that keeps its own history (the local API server).

        The same model choice, document planning (attachments on the messages), retry policy,
        per-endpoint limit and request log as a stored turn. Raises ChatError when it fails;
        cancelling the task closes the stream at once.
        """
        endpoint, model_name = await resolve_model(self.pool, self.settings, endpoint_id, model)
        sink = on_event or ignore_event
        conversation = Conversation("", "", 0.0, 0.0, system_prompt=system_prompt, options=dict(options or {}))
        answer = Message("", "", "assistant", "", MessageStatus.STREAMING, provider=endpoint.id, model=model_name)
        turn = UnstoredAnswerInProgress(self.store, answer, "", math.inf, sink)
        request = await build_request(self, conversation, endpoint, model_name, history, answer, sink)
        self._log_content("request", endpoint, model_name, request.messages, request.system)
        await self._attempts(endpoint, request, turn, sink)
        self._log_content("answer", endpoint, model_name, turn.text)
        return UnstoredAnswer(endpoint.id, model_name, turn.text, turn.usage, turn.stop_reason)

    async def list_models(self, endpoint_id: str) -> list[ModelInfo]:
        return await self.pool.list_models(endpoint_id)

    async def aclose(self) -> None:
        if self._save_retry is not None:
            self._save_retry.cancel()
            self._save_retry = None
        for turn in list(self._unsaved.values()):  # one last try; what still fails is logged
            if turn.save_final():
                self._unsaved.pop(turn.message_id, None)
        for message_id in self._unsaved:
            log.error("answer %s could not be saved before closing", message_id)
        await self.pool.aclose()
        self.knowledge.close()
        if self.tools is not None:
            await self.tools.aclose()  # the servers stop with the app
        if self._owns_documents and self._documents is not None:
            self._documents.close()
            self._documents = None

    # -- documents -------------------------------------------------------------------------------

    def documents(self) -> DocumentLibrary:
        """The document library (opened in the data dir on first use). Blocking: a worker thread's call."""
        with self._documents_lock:
            if self._documents is None:
                from desktop_chat.documents import DocumentLibrary

                self._documents = DocumentLibrary(config.data_dir())
            return self._documents

    async def _accept(self, attachments: Sequence[Attachment], already: Sequence[Attachment] = ()) -> list[Attachment]:
        """Validate attachments and check (off the loop) that the new ones' text or original is here."""
        accepted = list(attachments)
        for attachment in accepted:
            validate_attachment(attachment)
        known = {a.sha256 for a in already}
        new = [a for a in accepted if a.sha256 not in known]
        if new:
            await asyncio.to_thread(self._check_available, new)
        return accepted

    def _check_available(self, attachments: Sequence[Attachment]) -> None:
        library = self.documents()
        for attachment in attachments:
            check_available(library, attachment)

    def _merge_options(self, conversation: Conversation, options: Mapping[str, Any]) -> Conversation:
        merged = dict(conversation.options)
        for key, value in options.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        if merged != conversation.options:
            self.store.update_conversation(conversation.id, options=merged)
        return self._require_conversation(conversation.id)

    # -- choosing where a turn goes --------------------------------------------------------------

    def _conversation_for(self, conversation_id: str | None, text: str, system_prompt: str | None) -> Conversation:
        if conversation_id is None:
            return self.store.create_conversation(
                title=_title_from(text),
                system_prompt=system_prompt if system_prompt is not None else (self.settings.system_prompt or None),
            )
        conversation = self._require_conversation(conversation_id)
        if conversation.title == DEFAULT_TITLE and self.store.count_messages(conversation_id) == 0:
            self.store.update_conversation(conversation_id, title=_title_from(text))
        if system_prompt is not None and system_prompt != conversation.system_prompt:
            self.store.update_conversation(conversation_id, system_prompt=system_prompt)
        return self._require_conversation(conversation_id)

    def _require_conversation(self, conversation_id: str) -> Conversation:
        conversation = self.store.get_conversation(conversation_id)
        if conversation is None:
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "There is no conversation with id {id}."),
                                     id=conversation_id))
        return conversation

    async def _choose(self, conversation: Conversation, endpoint_id: str | None,
                      model: str | None) -> tuple[Endpoint, str]:
        """Explicit choice, else the conversation's, else the defaults; remembered on the conversation."""
        endpoint_id = endpoint_id or conversation.provider or self.settings.default_endpoint
        # The conversation's model only means something for the provider it was chosen with.
        fallback = conversation.model if endpoint_id == conversation.provider else None
        endpoint, model = await resolve_model(self.pool, self.settings, endpoint_id, model or fallback)
        if (endpoint.id, model) != (conversation.provider, conversation.model):
            self.store.update_conversation(conversation.id, provider=endpoint.id, model=model)
        return endpoint, model

    # -- one answer ------------------------------------------------------------------------------

    async def _answer(self, conversation: Conversation, endpoint: Endpoint, model: str, user: Message,
                      on_event: EventSink) -> TurnResult:
        # The request carries the branch that leads to this question and nothing beside it.
        history = self.store.branch_to(user.id)
        answer = self.store.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING,
                                        provider=endpoint.id, model=model, parent_id=user.id)
        on_event(TurnStarted(conversation.id, user, answer))
        return await self._stream_into(conversation, endpoint, model, history, answer, on_event)

    async def _stream_into(self, conversation: Conversation, endpoint: Endpoint, model: str,
                           history: Sequence[Message], answer: Message, on_event: EventSink,
                           prefix: str = "") -> TurnResult:
        self._unsaved.pop(answer.id, None)  # this turn saves the answer from now on
        turn = AnswerInProgress(self.store, answer, prefix, self.save_interval, on_event, self.save_retry_interval)
        if (answer.status, answer.provider, answer.model) != (MessageStatus.STREAMING, endpoint.id, model):
            # A continued answer changes status (and maybe model); a new one was just stored so:
            # a second write before the request goes out would only delay it.
            turn.save(status=MessageStatus.STREAMING, provider=endpoint.id, model=model)
        try:
            request = await build_request(self, conversation, endpoint, model, history, answer, on_event)
            request = await tool_rounds.offer(self, request, endpoint, turn, on_event)
            self._log_content("request", endpoint, model, request.messages, request.system)
            await self._attempts(endpoint, request, turn, on_event)
            await tool_rounds.run_rounds(self, endpoint, request, turn, on_event)
        except asyncio.CancelledError:
            self._finish(turn, MessageStatus.STOPPED)
            raise
        except errors.ChatError as exc:
            log.info("turn failed on %s/%s: %s", endpoint.id, model, type(exc).__name__)
            return TurnResult(self._finish(turn, MessageStatus.ERROR, error=exc), exc)
        except Exception as exc:  # a bug, not a provider failure: keep the text, say so, log it
            log.exception("unexpected failure during a turn")
            error = errors.ChatError(Text.of(
                QT_TRANSLATE_NOOP("engine", "Something went wrong inside Desktop Chat ({kind}). "
                                            "The text received so far is kept; see the log for details."),
                kind=type(exc).__name__,
            ))
            return TurnResult(self._finish(turn, MessageStatus.ERROR, error=error), error)
        self._log_content("answer", endpoint, model, turn.text)
        return TurnResult(self._finish(turn, MessageStatus.COMPLETE))

    # -- saving ---------------------------------------------------------------------------------

    def _finish(self, turn: AnswerInProgress, status: MessageStatus, error: errors.ChatError | None = None) -> Message:
        """Save the turn's final state; if that fails, keep trying in the background."""
        if not turn.finish(status, error):
            self._unsaved[turn.message_id] = turn
            self._ensure_save_retry()
        return turn.message()

    def _ensure_save_retry(self) -> None:
        if self._save_retry is None or self._save_retry.done():
            self._save_retry = asyncio.get_running_loop().create_task(self._retry_saves(), name="retry-saves")

    async def _retry_saves(self) -> None:
        while self._unsaved:
            await asyncio.sleep(self.save_retry_interval)
            for message_id, turn in list(self._unsaved.items()):
                if turn.save_final():
                    self._unsaved.pop(message_id, None)

    def unsaved(self, messages: Sequence[Message]) -> list[Message]:
        """*messages* as loaded from the store, with answers whose last save failed as they really are."""
        if not self._unsaved:
            return list(messages)
        return [self._unsaved[m.id].message() if m.id in self._unsaved else m for m in messages]

    # -- the log ----------------------------------------------------------------------------------

    def _log_content(self, what: str, endpoint: Endpoint, model: str, content: Any, system: str | None = None) -> None:
        """Message text, only when the user turned on Settings.debug_log_content (off by default)."""
        if not getattr(self.settings, "debug_log_content", False):
            return
        if what == "request":
            data: Any = {"system": system, "messages": [{"role": m.role, "text": m.text} for m in content]}
        else:
            data = {"text": content}
        log.info("debug content of the %s (%s, %s): %s", what, endpoint.id, json.dumps(model),
                 json.dumps(data, ensure_ascii=False))

    async def _attempts(self, endpoint: Endpoint, request: ChatRequest, turn: AnswerInProgress,
                        on_event: EventSink) -> None:
        """Send *request* until it streams to the end or the retry policy in force gives up."""
        await attempts.send(self.pool, self.policy, self._sleep, endpoint, request, turn, on_event)


@dataclasses.dataclass(frozen=True)
class UnstoredAnswer:
    """How answer_unstored ended: where it went, the text, what the provider counted and said."""

    endpoint_id: str
    model: str
    text: str
    usage: Usage | None
    stop_reason: str | None


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return (line[:60] + "…") if len(line) > 60 else (line or DEFAULT_TITLE)
