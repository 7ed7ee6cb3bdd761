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
- retries follow RetryPolicy and happen only before the first token;
- cancelling the task that runs a turn closes the HTTP stream at once and keeps what arrived,
  marked stopped (the CancelledError is re-raised, as asyncio expects);
- a burst of deltas is handed over without starving the event loop: the engine yields to the
  loop on a time budget (a buffered HTTP stream does not yield by itself);
- attached documents (see chat/attachments.py) are stored with the user message by hash, and
  every later turn of the conversation sends them again, planned afresh for its question and
  the model's context budget (chat/context.py); a ``SourcesFound`` event says how, before the
  answer streams, and the same is stored with the answer. Reading documents happens in a
  worker thread, never on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_chat import config
from desktop_chat.chat.attachments import (
    WRAPPER_TOKENS,
    PreparedDocuments,
    check_available,
    conversation_documents,
    estimate_tokens,
    prepare_documents,
    validate_attachment,
)
from desktop_chat.chat.context import ContextLookup, ContextWindow, context_window
from desktop_chat.chat.events import SaveFailed, SaveResumed, SourcesFound, TurnEvent, TurnResult, TurnStarted
from desktop_chat.chat.pool import ProviderPool
from desktop_chat.chat.reasoning import ReasoningAccumulator, applicable
from desktop_chat.chat.retry import RetryPolicy
from desktop_chat.config import DEFAULT_MODELS, Endpoint, Settings
from desktop_chat.domain import errors
from desktop_chat.domain.events import Finished, Retrying, Started, TextDelta, ThinkingDelta, Usage
from desktop_chat.domain.messages import (
    Attachment,
    ChatMessage,
    Conversation,
    Message,
    MessageStatus,
)
from desktop_chat.domain.parts import RequestPart, TextPart, parts_to_list
from desktop_chat.domain.texts import QT_TRANSLATE_NOOP, Text
from desktop_chat.providers import ChatRequest, ModelInfo, capabilities
from desktop_chat.providers.think_tags import split_think_tags
from desktop_chat.store import Store, StoreError

if TYPE_CHECKING:
    from desktop_chat.documents import DocumentLibrary

log = logging.getLogger(__name__)

EventSink = Callable[[TurnEvent], None]

DEFAULT_TITLE = "New conversation"
YIELD_BUDGET = 0.008  # seconds of delta handling before handing the loop back to input and painting
# Options that steer the engine and are not passed on to the provider.
ENGINE_OPTIONS = ("max_tokens", "temperature", "context_tokens")
_EMPTY = Text.of(QT_TRANSLATE_NOOP("engine", "The message is empty."))
SAVE_RETRY_INTERVAL = 2.0  # seconds between attempts to save an answer while saving fails


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


def _ignore(_event: TurnEvent) -> None:
    pass


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
        self._unsaved: dict[str, _Turn] = {}  # answer id -> a finished turn whose last save failed
        self._save_retry: asyncio.Task[None] | None = None
        self._documents = documents
        self._owns_documents = documents is None
        self._documents_lock = threading.Lock()

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
    ) -> TurnResult:
        """Store `text` as a new user message in the conversation (a new one if None) and answer it.

        *attachments* are documents the front end extracted with the same DocumentLibrary
        (``Attachment.from_document(doc)``); they are stored with the message and go with every
        later turn of the conversation. AttachmentError, before anything is stored, if one's
        text and original are not in the data dir. *options* are merged into the conversation's
        options and kept (a None value removes one), e.g. ``{"context_tokens": 32768}``.
        """
        if not text.strip():
            raise ValueError(_EMPTY)
        attachments = await self._accept(attachments)
        conversation = self._conversation_for(conversation_id, text, system_prompt)
        if options:
            conversation = self._merge_options(conversation, options)
        endpoint, model_name = await self._choose(conversation, endpoint_id, model)
        user = self.store.add_message(conversation.id, "user", text,
                                      attachments=[a.to_dict() for a in attachments])
        return await self._answer(conversation, endpoint, model_name, user, on_event or _ignore)

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
        return await self._answer(conversation, endpoint, model_name, last_user, on_event or _ignore)

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
                                        parent_id=original.parent_id)
        return await self._answer(conversation, endpoint, model_name, edited, on_event or _ignore)

    async def continue_answer(self, message_id: str, *, on_event: EventSink | None = None) -> TurnResult:
        """Ask the model to carry on from a stopped, interrupted or failed answer, appending to it."""
        answer = self.store.get_message(message_id)
        if answer is None or answer.role != "assistant" or not answer.text.strip():
            raise ValueError(Text.of(QT_TRANSLATE_NOOP("engine", "Only an answer with some text can be continued.")))
        conversation = self._require_conversation(answer.conversation_id)
        endpoint, model_name = await self._choose(conversation, answer.provider, answer.model)
        history = self.store.branch_to(answer.id)
        return await self._stream_into(conversation, endpoint, model_name, history, answer,
                                       on_event or _ignore, prefix=answer.text)

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
        endpoint, model_name = await self.resolve_model(endpoint_id, model)
        sink = on_event or _ignore
        conversation = Conversation("", "", 0.0, 0.0, system_prompt=system_prompt, options=dict(options or {}))
        answer = Message("", "", "assistant", "", MessageStatus.STREAMING, provider=endpoint.id, model=model_name)
        turn = _UnstoredTurn(self.store, answer, "", math.inf, sink)
        request = await self._request(conversation, endpoint, model_name, history, answer, sink)
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
        endpoint, model = await self.resolve_model(endpoint_id, model or fallback)
        if (endpoint.id, model) != (conversation.provider, conversation.model):
            self.store.update_conversation(conversation.id, provider=endpoint.id, model=model)
        return endpoint, model

    async def resolve_model(self, endpoint_id: str | None, model: str | None) -> tuple[Endpoint, str]:
        """The endpoint and model a turn goes to: as given, else the settings' defaults, else the
        endpoint's first listed model. ConfigurationError for an unknown endpoint."""
        try:
            endpoint = self.pool.endpoint(endpoint_id or self.settings.default_endpoint)
        except KeyError as exc:
            raise errors.ConfigurationError(exc.args[0]) from None  # a Text from Settings.endpoint
        model = model or self.settings.default_models.get(endpoint.id) or DEFAULT_MODELS.get(endpoint.kind)
        if not model:
            model = await self._first_listed_model(endpoint)
        return endpoint, model

    async def _first_listed_model(self, endpoint: Endpoint) -> str:
        try:
            models = await self.pool.list_models(endpoint.id)
        except errors.ChatError as exc:
            raise errors.ConfigurationError(
                Text.of(QT_TRANSLATE_NOOP("engine", "No model chosen for {provider}, and its models could not be "
                                                    "listed: {error}"),
                        provider=endpoint.label, error=exc.text),
                provider=endpoint.label,
                action=exc.action,  # what fixes the listing fixes this (start Ollama, the key…)
            ) from None
        if not models:
            source = capabilities(endpoint.kind).model_source
            if source == "pulled":
                text = Text.of(QT_TRANSLATE_NOOP("engine", "{provider} has no models to choose from. "
                                                           "Pull one with `ollama pull NAME`."),
                               provider=endpoint.label)
                raise errors.ConfigurationError(text, provider=endpoint.label, action=errors.ErrorAction.NONE)
            if source == "files":
                text = Text.of(QT_TRANSLATE_NOOP("engine", "There is no built-in model yet. Install the default one "
                                                           "with `desktop-chat models install smollm2`, or add a "
                                                           "GGUF file in Settings."))
            else:
                text = Text.of(QT_TRANSLATE_NOOP("engine", "{provider} has no models to choose from."),
                               provider=endpoint.label)
            raise errors.ConfigurationError(text, provider=endpoint.label)
        return models[0].id

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
        turn = _Turn(self.store, answer, prefix, self.save_interval, on_event, self.save_retry_interval)
        if (answer.status, answer.provider, answer.model) != (MessageStatus.STREAMING, endpoint.id, model):
            # A continued answer changes status (and maybe model); a new one was just stored so:
            # a second write before the request goes out would only delay it.
            turn.save(status=MessageStatus.STREAMING, provider=endpoint.id, model=model)
        try:
            request = await self._request(conversation, endpoint, model, history, answer, on_event)
            self._log_content("request", endpoint, model, request.messages, request.system)
            await self._attempts(endpoint, request, turn, on_event)
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

    def _finish(self, turn: _Turn, status: MessageStatus, error: errors.ChatError | None = None) -> Message:
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

    def _log_request(self, endpoint: Endpoint, model: str, attempt: int, turn: _Turn, status: str,
                     error: BaseException | None = None) -> None:
        """One line per request: what went where, how it ended and how long it took. Never a key,
        never message text (see _log_content)."""
        end = time.monotonic()
        fields = [f"provider={endpoint.id}", f"kind={endpoint.kind}", f"model={json.dumps(model)}",
                  f"attempt={attempt}", f"status={status}"]
        if error is not None:
            fields.append(f"error={type(error).__name__}")
            http_status = getattr(error, "status", None)
            if http_status is not None:
                fields.append(f"http_status={http_status}")
        if turn.first_token is not None and turn.first_token >= turn.started:
            fields.append(f"ttft_ms={(turn.first_token - turn.started) * 1000:.0f}")
        fields.append(f"total_ms={(end - turn.started) * 1000:.0f}")
        if status == "complete" and turn.usage is not None:
            fields += [f"input_tokens={turn.usage.input_tokens}", f"output_tokens={turn.usage.output_tokens}"]
        if turn.stop_reason:
            fields.append(f"stop_reason={turn.stop_reason}")
        log.info("request %s", " ".join(fields))

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

    async def _request(self, conversation: Conversation, endpoint: Endpoint, model: str,
                       history: Sequence[Message], answer: Message, on_event: EventSink) -> ChatRequest:
        """The request for this turn, with the conversation's documents planned into it."""
        max_tokens = int(conversation.options.get("max_tokens", self.settings.max_tokens))
        options = {k: v for k, v in conversation.options.items() if k not in ENGINE_OPTIONS}
        options = applicable(options, capabilities(endpoint.kind, model))  # the reasoning setting it takes
        prepared: PreparedDocuments | None = None
        in_play = conversation_documents(history)
        if in_play:
            window = await context_window(endpoint.kind, endpoint.id, model, conversation.options,
                                          self.context_lookup)
            reserved = _reserved_tokens(conversation, history, max_tokens, window, endpoint.kind, len(in_play))
            question = next((m.text for m in reversed(history) if m.role == "user"), "")
            native_pdf = capabilities(endpoint.kind, model).native_pdf
            prepared = await asyncio.to_thread(
                lambda: prepare_documents(self.documents(), in_play, question, native_pdf=native_pdf,
                                          context_tokens=window.tokens, reserved_tokens=reserved))
            if answer.id:  # an unstored answer (answer_unstored) has no row to keep it in
                self.store.update_message(answer.id, attachments=[prepared.delivery.to_dict()])
            on_event(SourcesFound(conversation.id, answer.id, prepared.delivery.explanation,
                                  list(prepared.sources), prepared.delivery))
            if window.send_num_ctx is not None and prepared.sends_content:
                options["num_ctx"] = window.send_num_ctx  # else Ollama cuts the prompt to its default
        return ChatRequest(
            model=model,
            messages=_request_messages(history, prepared),
            system=conversation.system_prompt or None,
            max_tokens=max_tokens,
            temperature=conversation.options.get("temperature", self.settings.temperature),
            options=options,
        )

    async def _attempts(self, endpoint: Endpoint, request: ChatRequest, turn: "_Turn", on_event: EventSink) -> None:
        attempt = 1
        while True:
            try:
                async with self.pool.limit(endpoint.id):
                    provider = await self.pool.provider(endpoint)
                    on_event(Started(endpoint.id, request.model, attempt))
                    turn.attempt_started()
                    try:
                        stream = provider.stream(request)
                        if capabilities(endpoint.kind).think_tags:  # reasoning may come as <think> text
                            stream = split_think_tags(stream)
                        await self._consume(stream, turn, on_event)
                    except asyncio.CancelledError:
                        self._log_request(endpoint, request.model, attempt, turn, "stopped")
                        raise
                    except Exception as exc:
                        self._log_request(endpoint, request.model, attempt, turn, "error", exc)
                        raise
                    self._log_request(endpoint, request.model, attempt, turn, "complete")
                return
            except errors.ChatError as exc:
                if isinstance(exc, errors.AuthenticationError):
                    self.pool.forget_keys(endpoint.id)  # read the keyring again: the key may be replaced by now
                if not self.policy.should_retry(exc, attempt, turn.received_text):
                    raise
                delay = self.policy.delay(exc, attempt)
                attempt += 1
                on_event(Retrying(attempt, self.policy.max_attempts, delay, exc.text.first()))
                await self._sleep(delay)

    async def _consume(self, stream: Any, turn: "_Turn", on_event: EventSink) -> None:
        last_yield = time.monotonic()
        async with contextlib.aclosing(stream):
            async for event in stream:
                match event:
                    case TextDelta(text=text):
                        turn.add_text(text)
                    case ThinkingDelta():
                        turn.add_thinking(event)
                    case Usage():
                        turn.usage = event
                    case Finished(stop_reason=stop_reason):
                        turn.stop_reason = stop_reason
                on_event(event)
                now = time.monotonic()
                if now - last_yield >= YIELD_BUDGET:
                    await asyncio.sleep(0)
                    last_yield = time.monotonic()



class _Turn:
    """The answer being received: its text, timings and throttled saving.

    Saving never raises: a failed save is announced (SaveFailed) and tried again on a later
    delta, no sooner than `retry_interval`; the first save that works again says so (SaveResumed).
    """

    def __init__(self, store: Store, answer: Message, prefix: str, save_interval: float,
                 on_event: EventSink = _ignore, retry_interval: float = SAVE_RETRY_INTERVAL) -> None:
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

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def attempt_started(self) -> None:
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
        return self.kept_parts + parts_to_list(list(self.reasoning.parts(reasoning_tokens)))

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
        fields: dict[str, Any] = dict(
            status=status,
            text="".join(self.parts),
            duration_ms=(end - self.started) * 1000,
            stop_reason=self.stop_reason,
            # The English sentence, and its template + parameters for showing it translated later.
            error=error.message if error is not None else None,
            error_text=errors.error_record(error) if error is not None else None,  # with its action
        )
        if self.first_token is not None:
            fields["ttft_ms"] = (self.first_token - self.started) * 1000
        if self.reasoning.any:
            fields["parts"] = self._parts()
        if self.usage is not None:
            fields["input_tokens"] = self.usage.input_tokens
            fields["output_tokens"] = self.usage.output_tokens
        self.final = fields
        return self.save(**fields)


class _UnstoredTurn(_Turn):
    """An answer kept in memory only (answer_unstored): counted and timed as any, never saved."""

    def save(self, **fields: Any) -> bool:
        return True


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


def _reserved_tokens(conversation: Conversation, history: Sequence[Message], max_tokens: int,
                     window: ContextWindow, kind: str, documents: int) -> int:
    """Room the rest of the request needs beside the documents: the system prompt, the
    conversation, the wrapping of each document, and the answer.

    A cloud API refuses a request whose input and max_tokens together exceed the context, so the
    whole max_tokens is reserved there; Ollama just stops early, so a quarter of a small context
    is enough for it.
    """
    answer = max_tokens if capabilities(kind).answer_counts_against_context else min(max_tokens, window.tokens // 4)
    conversation_tokens = estimate_tokens(conversation.system_prompt or "") + sum(
        estimate_tokens(m.text) + 8 for m in history)
    return answer + conversation_tokens + WRAPPER_TOKENS * (documents + 1)


def _request_messages(history: Sequence[Message], documents: PreparedDocuments | None = None) -> list[ChatMessage]:
    """The conversation as providers want it: user first, roles alternating, no empty turns.

    Failed answers with no text are dropped; consecutive messages of one role (a question that
    failed, then asked again) are joined, since some APIs reject two user turns in a row.

    With *documents*, each user turn that carried attachments gets their parts (PDFs as they are,
    whole texts and notes as text parts) before its words, and the last user turn gets the
    passages found for it. Joined turns keep every part in order; a provider joins adjacent text
    parts into one text (domain/parts.py text_runs).
    """
    last_user = next((m.id for m in reversed(history) if m.role == "user"), None)
    out: list[ChatMessage] = []
    for message in history:
        if not message.text.strip():
            continue
        if not out and message.role != "user":
            continue
        parts: list[RequestPart] = []
        if documents is not None and message.role == "user":
            parts += documents.parts.get(message.id, ())
            if message.id == last_user and documents.passages is not None:
                parts.append(documents.passages)
        parts.append(TextPart(message.text))
        if out and out[-1].role == message.role:
            out[-1] = ChatMessage(message.role, (*out[-1].parts, *parts))
        else:
            out.append(ChatMessage(message.role, tuple(parts)))
    if out and out[-1].role == "assistant":
        # Continuing an answer: a trailing assistant turn is a prefill, which must not end in whitespace.
        out[-1] = ChatMessage.of("assistant", out[-1].text.rstrip())
    return out
