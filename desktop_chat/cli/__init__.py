"""Headless sub-commands on top of the engine and the store: ask, export, import, keys, models,
fork, delete. New command families live in their own modules in this package (`cli/NAME.py`),
registered in build_parser. The engine and the conversation service come from chat/app_services.py, as the
window's do.

Exit codes: 0 success, 1 a provider or storage error, 2 bad usage, 130 interrupted (Ctrl+C;
what arrived is kept). Errors are one plain line on stderr, never a traceback.

``ask --attach FILE`` attaches PDFs and text files as the window does (extracted into the data
dir's document cache, the original kept by hash). A password-protected PDF's password is read
from ``$DESKTOP_CHAT_PDF_PASSWORD`` or, on a terminal, asked for with the input hidden; never
from the command line, where it would land in the shell's history and the process list.
Everything about the documents (what was attached, how it is sent, the passages found) goes to
stderr, so that stdout is the answer alone.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from desktop_chat import config
from desktop_chat.cli import kb as kb_cli
from desktop_chat.cli import keys as keys_cli
from desktop_chat.cli import models as models_cli
from desktop_chat.cli import mcp as cli_mcp
from desktop_chat.chat.app_services import AppServices
from desktop_chat.chat.conversations import ConversationService
from desktop_chat.chat.engine import ChatEngine
from desktop_chat.chat.events import (SaveFailed, SaveResumed, SourcesFound, ToolCallFinished, ToolCallStarted, ToolNotice,
                                     TurnEvent, TurnResult)
from desktop_chat.documents import DocumentError, DocumentLibrary, ExtractedDocument, PasswordRequired, WrongPassword
from desktop_chat.domain.errors import ChatError
from desktop_chat.cli import reasoning as reasoning_flags
from desktop_chat.domain.events import Retrying, Started, TextDelta, ThinkingDelta
from desktop_chat.domain.parts import ImagePart
from desktop_chat.domain.messages import Attachment, Override
from desktop_chat.store import Store, StoreError, pending_upgrade

from desktop_chat.cli.exits import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
PASSWORD_ENV = "DESKTOP_CHAT_PDF_PASSWORD"
PASSWORD_PROMPTS = 3
EXCERPT_CHARS = 120


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 by itself; keep control and one line
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="desktop-chat")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ask = commands.add_parser("ask", help="run one turn and stream the answer to stdout")
    ask.add_argument("--provider", help="endpoint id: anthropic, openai, ollama, or a custom endpoint's id")
    ask.add_argument("--model")
    ask.add_argument("--system", help="system prompt")
    ask.add_argument("--conversation", help="continue the conversation with this id")
    ask.add_argument("--max-tokens", type=int)
    ask.add_argument("--temperature", type=float)
    ask.add_argument("--attach", action="append", default=[], metavar="FILE",
                     help="attach a PDF, text file or image (PNG, JPEG, WebP, GIF; repeatable); a PDF's "
                          f"password is read from ${PASSWORD_ENV} or asked for on a terminal")
    ask.add_argument("--attach-as", choices=["whole", "passages"],
                     help="send the attached files whole, or only the passages relevant to the question "
                          "(default: whole when they fit the model's context)")
    ask.add_argument("--context-tokens", type=int, metavar="N",
                     help="the model's context window, for deciding how documents are sent (kept for the conversation)")
    again = ask.add_mutually_exclusive_group()
    again.add_argument("--regenerate", action="store_true",
                       help="answer the last question of --conversation again, as a new version (the old answer stays)")
    again.add_argument("--edit", metavar="NEW_TEXT",
                       help="ask a new version of the last question of --conversation and answer it (the old one stays)")
    reasoning_flags.add_arguments(ask)
    ask.add_argument("--kb", metavar="NAME", help="search this knowledge base for every turn and send what it finds")
    ask.add_argument("--top-k", type=int, metavar="N", help="passages to send from the knowledge base (default 6)")
    ask.add_argument("prompt", nargs="*", help="the message; `-` or nothing reads it from stdin")
    cli_mcp.add_ask_flags(ask)
    cli_mcp.add_parsers(commands)

    kb_cli.add_parser(commands)

    export = commands.add_parser("export", help="write conversations to stdout")
    export.add_argument("--format", choices=["json", "markdown"], default="json")
    export.add_argument("--conversation", action="append", help="only this conversation (repeatable)")
    export.add_argument("--with-thinking", action="store_true",
                        help="Markdown: include the model's reasoning (JSON always keeps it)")

    importer = commands.add_parser(
        "import", help="read conversations from our JSON export, or from conversations.json of a "
                       "ChatGPT or Claude data export")
    importer.add_argument("file")

    keys = commands.add_parser("keys", help="manage API keys in the system keyring")
    keys.add_argument("action", choices=["set", "delete", "list"])
    keys.add_argument("provider", nargs="?")

    models = commands.add_parser("models", help="the built-in engine's GGUF models: list, install, add, remove")
    models.add_argument("action", choices=["list", "install", "add", "remove"])
    models.add_argument("target", nargs="?",
                        help="install: a known model (smollm2, the default); add: a .gguf file; remove: a model's name")

    fork = commands.add_parser("fork", help="copy the branch up to a message into a new conversation; "
                                            "prints the new conversation's id")
    fork.add_argument("message_id")

    switch = commands.add_parser("switch", help="make the branch through this version of a message the "
                                                "conversation's current one (what the next ask continues)")
    switch.add_argument("message_id")

    delete = commands.add_parser("delete", help="delete a message: this version only, or the message in "
                                                "every version and everything after it")
    delete.add_argument("message_id")
    scope = delete.add_mutually_exclusive_group(required=True)
    scope.add_argument("--version-only", action="store_true",
                       help="this version and the messages that follow it; other versions stay")
    scope.add_argument("--and-after", action="store_true",
                       help="every version of the message and everything after it")

    from desktop_chat.cli import serve  # its own module: the local API server

    serve.add_parser(commands)
    return parser


def run(argv: list[str], *, stdin: TextIO | None = None, stdout: TextIO | None = None,
        stderr: TextIO | None = None) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        handler = {"ask": _ask, "export": _export, "import": _import, "keys": keys_cli.run_keys,
                   "models": models_cli.run_models,
                   "fork": _fork, "switch": _switch, "delete": _delete, "kb": kb_cli.run_kb, "serve": _serve,
                   "mcp": cli_mcp.run}[args.command]
        return handler(args, stdin, stdout, stderr)
    except UsageError as exc:
        print(exc, file=stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nInterrupted.", file=stderr)
        return EXIT_INTERRUPTED
    except ChatError as exc:
        print(f"error: {exc.message}", file=stderr)
        return EXIT_ERROR
    except DocumentError as exc:
        print(f"error: {exc.message}", file=stderr)
        return EXIT_ERROR
    except StoreError as exc:  # a locked, unreadable or unwritable history: one line, as the window says it
        print(f"error: {exc}", file=stderr)
        return EXIT_ERROR
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return EXIT_ERROR


def _serve(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    from desktop_chat.cli import serve

    return serve.run(args, stdout, stderr)


def _open_store(stderr: TextIO) -> Store:
    """The history database, checked as the window checks it: a damaged file is moved aside (kept,
    never deleted), a fresh one is started, and one line on stderr says where the old file is. An
    upgrade of an older history says so first (it takes ≈ 0.4 s per 100,000 messages)."""
    if pending_upgrade(config.database_path()):
        print("Updating your conversation history… (one time)", file=stderr, flush=True)
    store = Store(config.database_path(), check_integrity=True)
    if store.moved_aside is not None:
        back = store.salvaged
        if back is not None and back.conversation_count:
            print(f"Your conversation history file was damaged, so a new one was started with what could still "
                  f"be read: {back.conversation_count} conversation(s) with {back.message_count} message(s) came "
                  f"back. The old file is kept, not deleted, at {store.moved_aside}.", file=stderr)
        else:
            print(f"Your conversation history file was damaged, so a new, empty one was started (nothing in it "
                  f"could be read). The old file is kept, not deleted, at {store.moved_aside}.", file=stderr)
    return store


# -- ask -------------------------------------------------------------------------------------------

def _ask(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    prompt = " ".join(args.prompt)
    if args.regenerate or args.edit is not None:
        prompt = _check_new_version(args, prompt)
    elif not prompt or prompt == "-":
        if stdin.isatty():
            raise UsageError("desktop-chat ask: give a prompt, or pipe one on stdin")
        prompt = stdin.read()
    if not prompt.strip() and not args.regenerate:
        raise UsageError("desktop-chat ask: the prompt is empty")
    if args.top_k is not None and (not args.kb or args.top_k < 1):
        raise UsageError("desktop-chat ask: --top-k needs --kb NAME and a positive number of passages")
    if args.context_tokens is not None and args.context_tokens < 1:
        raise UsageError("desktop-chat ask: --context-tokens must be a positive number of tokens")
    if (problem := reasoning_flags.check(args)) is not None:
        raise UsageError(f"desktop-chat ask: {problem}")
    paths = [Path(name) for name in args.attach]
    for path in paths:
        if not path.exists():
            raise UsageError(f"desktop-chat ask: --attach {path}: no such file")
    from desktop_chat.logs import setup_logging

    setup_logging(config.log_dir())  # one line per request, as the window logs them
    settings = config.load_settings()
    if args.provider:
        try:
            settings.endpoint(args.provider)
        except KeyError as exc:
            raise UsageError(f"desktop-chat ask: {exc.args[0]}") from None
    with _open_store(stderr) as store:
        if args.conversation and store.get_conversation(args.conversation) is None:
            raise UsageError(f"desktop-chat ask: there is no conversation with id {args.conversation}")
        try:
            result = asyncio.run(_ask_async(store, settings, args, prompt, paths, stdin, stdout, stderr))
        except (KeyboardInterrupt, asyncio.CancelledError):
            stdout.flush()
            print("\nStopped; the text received so far is kept in history.", file=stderr)
            return EXIT_INTERRUPTED
    if not result.ok:
        assert result.error is not None
        print(f"error: {result.error.message}", file=stderr)
        return EXIT_ERROR
    return EXIT_OK


def _check_new_version(args: argparse.Namespace, prompt: str) -> str:
    """The usage rules of --regenerate and --edit; the text to send (the edit's)."""
    option = "--regenerate" if args.regenerate else "--edit"
    if not args.conversation:
        raise UsageError(f"desktop-chat ask: {option} needs --conversation ID (the conversation to go back to)")
    if prompt:
        raise UsageError(f"desktop-chat ask: {option} takes no prompt"
                         + (" (it answers the last question again)" if args.regenerate
                            else "; the new text is the value of --edit"))
    for given, flag in ((args.system is not None, "--system"), (args.context_tokens is not None, "--context-tokens"),
                        (args.thinking_budget is not None, "--thinking-budget"),
                        (args.reasoning_effort is not None, "--reasoning-effort")):
        if given:
            raise UsageError(f"desktop-chat ask: {flag} cannot be combined with {option}; "
                             "set it with a normal ask in that conversation")
    if args.regenerate and args.attach:
        raise UsageError("desktop-chat ask: --regenerate cannot attach files (use --edit to change the question)")
    if args.regenerate:
        return ""
    if not args.edit.strip():
        raise UsageError("desktop-chat ask: the new text for --edit is empty")
    return str(args.edit)


async def _ask_async(store: Store, settings: config.Settings, args: argparse.Namespace, prompt: str,
                     paths: Sequence[Path], stdin: TextIO, stdout: TextIO, stderr: TextIO) -> TurnResult:
    if args.max_tokens is not None:
        settings.max_tokens = args.max_tokens
    if args.temperature is not None:
        settings.temperature = args.temperature
    library = DocumentLibrary(config.data_dir())
    try:
        choices: dict[str, Override] = {"whole": "whole", "passages": "retrieval"}
        override = choices.get(args.attach_as or "")
        from desktop_chat.cli.images import split_images

        images, paths = split_images(library, paths, stderr)
        attachments = [Attachment.from_document(_extract(library, path, stdin, stderr), override=override)
                       for path in paths]
        options: dict[str, Any] | None = {"context_tokens": args.context_tokens} if args.context_tokens else None
        options = {**(options or {}), **reasoning_flags.options(args)} or None
        if args.kb:  # kept on the conversation: its next turns search the knowledge base too
            options = {**(options or {}), "knowledge_base": args.kb, "kb_top_k": args.top_k or 6}
        # Ollama's own context length (and the user's num_ctx) decide how documents are sent.
        engine = AppServices(store, settings, documents=library).engine
        engine.approval = cli_mcp.approval_for_ask(args, stdin, stderr, prompt_from_stdin=not args.prompt
                                                   or args.prompt == ["-"])
        return await _stream_answer(engine, args, prompt, attachments, options, stdout, stderr, images)
    finally:
        library.close()


async def _stream_answer(engine: ChatEngine, args: argparse.Namespace, prompt: str, attachments: list[Attachment],
                         options: dict[str, Any] | None, stdout: TextIO, stderr: TextIO,
                         images: Sequence[ImagePart] = ()) -> TurnResult:
    ended_with_newline = True
    thinking = reasoning_flags.ThinkingPrinter(args, stderr, engine.pool.endpoint)

    def show(event: TurnEvent) -> None:
        nonlocal ended_with_newline
        match event:
            case ThinkingDelta():
                thinking.thinking(event)
            case Started():
                thinking.started(event)
            case TextDelta(text=text):
                thinking.answer_starts()
                stdout.write(text)
                stdout.flush()
                ended_with_newline = text.endswith("\n")
            case Retrying():
                print(event.describe(), file=stderr)
            case SourcesFound():
                _show_sources(event, stderr)
            case SaveFailed(reason=reason):  # the answer still streams to stdout
                print(reason.english(), file=stderr)
            case SaveResumed():
                print("Saving works again: the whole answer is stored.", file=stderr)
            case ToolCallStarted() | ToolCallFinished() | ToolNotice():
                cli_mcp.show_tool_event(event, stderr)
            case _:  # the turn's other events (Started, Usage, Finished…) print nothing
                pass

    try:
        if args.regenerate:
            result = await engine.regenerate(args.conversation, endpoint_id=args.provider, model=args.model,
                                             on_event=show)
        elif args.edit is not None:
            question = next((m for m in reversed(engine.store.list_messages(args.conversation))
                             if m.role == "user"), None)
            if question is None:
                raise UsageError("desktop-chat ask: --edit: this conversation has no question to edit yet")
            result = await engine.edit_and_resend(question.id, prompt, endpoint_id=args.provider, model=args.model,
                                                  on_event=show, attachments=attachments or None)
        else:
            result = await engine.send(args.conversation, prompt, endpoint_id=args.provider, model=args.model,
                                       system_prompt=args.system, on_event=show, attachments=attachments,
                                       options=options, images=images)
    finally:
        thinking.answer_starts()  # a turn that ended while thinking: close the reasoning's line
        await engine.aclose()
    if not ended_with_newline:
        stdout.write("\n")
    return result


def _extract(library: DocumentLibrary, path: Path, stdin: TextIO, stderr: TextIO) -> ExtractedDocument:
    """Extract *path* into the library, asking for a password if it needs one (see the module docstring)."""
    from_env = os.environ.get(PASSWORD_ENV) or None
    password: str | None = None
    asked = 0
    while True:
        try:
            document = library.attach(path, password=password)
            break
        except PasswordRequired as exc:  # WrongPassword too
            if password is None and from_env is not None:
                password = from_env
                continue
            if password is not None and password == from_env and asked == 0:
                raise WrongPassword(f"{exc.message} (It was read from ${PASSWORD_ENV}.)",
                                    file_name=exc.file_name) from None
            if not stdin.isatty():
                raise PasswordRequired(f"{exc.message} Put its password in ${PASSWORD_ENV}, or run the command "
                                       "in a terminal to be asked for it.", file_name=exc.file_name) from None
            if asked == PASSWORD_PROMPTS:
                raise
            if isinstance(exc, WrongPassword):
                print(exc.message, file=stderr)
            password = getpass.getpass(f"Password for “{path.name}” (input hidden): ", stream=stderr)
            asked += 1
    print(f"Attached “{path.name}”: {_describe(document)}.", file=stderr)
    for warning in document.warnings:
        print(f"  {warning}", file=stderr)
    return document


def _describe(document: ExtractedDocument) -> str:
    pages = "" if document.kind == "text" else f"{document.page_count} page{'s' if document.page_count != 1 else ''}, "
    size = document.size_bytes
    shown = f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} KB"
    return f"{pages}{shown}, ≈ {document.whole_text_tokens:,} tokens"


def _show_sources(event: SourcesFound, stderr: TextIO) -> None:
    print(event.plan_explanation.english(), file=stderr)
    if event.sources:
        print("Sources:", file=stderr)
    for number, source in enumerate(event.sources, 1):
        excerpt = " ".join(source.excerpt.split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
        found = f" (found by {source.found_by})" if source.found_by else ""
        print(f"  [{number}] {source.file_name}, page {source.page}{found}: “{excerpt}”", file=stderr)  # as cited
    stderr.flush()


# -- export / import ---------------------------------------------------------------------------------

def _export(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    with _open_store(stderr) as store:
        for conversation_id in args.conversation or []:
            if store.get_conversation(conversation_id) is None:
                raise UsageError(f"desktop-chat export: there is no conversation with id {conversation_id}")
        if args.format == "json":
            document = ConversationService(store).export_json(args.conversation)
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        else:
            text, _count = ConversationService(store).export_markdown(args.conversation,
                                                                      with_thinking=args.with_thinking)
    _write_utf8(stdout, text)
    return EXIT_OK


def _write_utf8(stdout: TextIO, text: str) -> None:
    """Exports are UTF-8 whatever the locale: redirected to a file on Windows, stdout's encoding
    is the ANSI code page, which cannot write Chinese or emoji (and import reads UTF-8)."""
    buffer = getattr(stdout, "buffer", None)
    if buffer is None:  # a StringIO in tests, or a stream that only takes text
        stdout.write(text)
        return
    stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _import(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Our JSON export, or a ChatGPT or Claude data export's conversations.json (told by content)."""
    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"desktop-chat import: {path} does not exist") from None
    except UnicodeDecodeError:
        print(f"error: {path} is not a JSON file (it is not UTF-8 text).", file=stderr)
        return EXIT_ERROR
    except json.JSONDecodeError as exc:
        print(f"error: {path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).",
              file=stderr)
        return EXIT_ERROR
    with _open_store(stderr) as store:
        report = ConversationService(store).import_document(data)  # NotAnExport / ValueError: one line, exit 1 (run)
    for line in report.lines():
        print(line, file=stdout)
    return EXIT_OK


# -- fork and delete -------------------------------------------------------------------------------

def _fork(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """A new conversation with a copy of the branch up to MESSAGE_ID; its id on stdout."""
    with _open_store(stderr) as store:
        try:
            conversation = ConversationService(store).fork(args.message_id)
        except KeyError:
            print(f"error: there is no message with id {args.message_id}", file=stderr)
            return EXIT_ERROR
    print(conversation.id, file=stdout)
    print(f"Forked into “{conversation.title}”.", file=stderr)
    return EXIT_OK


def _switch(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Make the branch through the version MESSAGE_ID current; say which version of how many."""
    with _open_store(stderr) as store:
        service = ConversationService(store)
        message = service.get_message(args.message_id)
        if message is None:
            print(f"error: there is no message with id {args.message_id}", file=stderr)
            return EXIT_ERROR
        service.switch_version(message.id)
        versions = service.versions_of([message]).get(message.id)
        branch = service.branch(message.conversation_id)
    number, count = (versions.position + 1, len(versions.ids)) if versions else (1, 1)
    print(f"Now on version {number} of {count} of that {message.role} message; "
          f"the conversation's branch has {len(branch)} message{'' if len(branch) == 1 else 's'}.", file=stdout)
    return EXIT_OK


def _delete(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Delete MESSAGE_ID's version (--version-only) or every version and what follows (--and-after)."""
    with _open_store(stderr) as store:
        service = ConversationService(store)
        if service.get_message(args.message_id) is None:
            print(f"error: there is no message with id {args.message_id}", file=stderr)
            return EXIT_ERROR
        count = service.delete_message(args.message_id, "after" if args.and_after else "version")
    print(f"Deleted {count} message{'' if count == 1 else 's'}.", file=stdout)
    return EXIT_OK


# -- keys ----------------------------------------------------------------------------------------------
