"""`desktop-chat serve [--port N] [--host H --allow-remote] [--show-token]`: the local API server.

Runs desktop_chat.server in this process until Ctrl+C, on 127.0.0.1 unless told otherwise
(another interface needs --allow-remote and gets a warning). The terminal shows one line per
request and any warning, never a traceback (those go to the log file). ``--show-token`` prints
the token (kept in the keyring, created on first use; $DESKTOP_CHAT_SERVER_TOKEN overrides it)
and exits, for scripts: ``TOKEN=$(desktop-chat serve --show-token)``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any, TextIO

from desktop_chat import config, secrets
from desktop_chat.domain.errors import KeyringUnavailableError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def add_parser(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve every configured model as an OpenAI- and Anthropic-compatible "
                                              "API on this machine (Ctrl+C stops it)")
    serve.add_argument("--port", type=int, help="the port (default: Settings › Local server, 8765)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the interface to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--allow-remote", action="store_true",
                       help="allow --host to be another interface than this machine's own (0.0.0.0, a LAN address)")
    serve.add_argument("--show-token", action="store_true", help="print the token clients must send, and exit")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from desktop_chat.cli import EXIT_ERROR, EXIT_OK, UsageError

    if args.port is not None and not 0 <= args.port <= 65535:
        raise UsageError("desktop-chat serve: --port must be between 0 and 65535")
    if args.host not in LOOPBACK_NAMES and not args.allow_remote:
        raise UsageError(f"desktop-chat serve: --host {args.host} lets other machines connect; "
                         "add --allow-remote if that is what you want")
    try:
        token = secrets.server_token()
    except KeyringUnavailableError as exc:
        print(f"error: {exc} For the server, set {secrets.SERVER_TOKEN_ENV} to a token of your choice.", file=stderr)
        return EXIT_ERROR
    if args.show_token:
        print(token, file=stdout)
        return EXIT_OK
    from desktop_chat.logs import setup_logging

    setup_logging(config.log_dir())
    _show_on_terminal(stderr)
    settings = config.load_settings()
    if args.host not in LOOPBACK_NAMES:
        print(f"WARNING: listening on {args.host}: other machines that can reach this one can call every model "
              "configured here, with your keys, if they have the token. Keep the token secret.", file=stderr)
    from desktop_chat.cli import _open_store

    with _open_store(stderr) as store:
        try:
            return asyncio.run(_serve(store, settings, token, args, stdout, stderr))
        except KeyboardInterrupt:  # uvicorn hands Ctrl+C back once it has stopped
            print("Stopped.", file=stderr)
            return EXIT_OK


async def _serve(store: Any, settings: config.Settings, token: str, args: argparse.Namespace,
                 stdout: TextIO, stderr: TextIO) -> int:
    from desktop_chat.chat.app_services import AppServices
    from desktop_chat.cli import EXIT_ERROR, EXIT_OK
    from desktop_chat.server import LocalServer, ServerOptions

    services = AppServices(store, settings)
    options = ServerOptions.from_settings(settings, token, host=args.host, port=args.port)
    server = LocalServer(services, options, own_signals=True)
    try:
        try:
            await server.start()
        except OSError as exc:
            print(f"error: cannot listen on {args.host}:{options.port} ({exc.strerror or exc}). Is another server "
                  "(or the window's Local server) using it? Choose another with --port N.", file=stderr)
            return EXIT_ERROR
        _banner(server.url, stdout)
        await server.wait()
        print("Stopped.", file=stderr)
        return EXIT_OK
    finally:
        await server.stop()
        await services.aclose()


def _banner(url: str, out: TextIO) -> None:
    print(f"Desktop Chat local API server on {url}\n"
          f"  OpenAI-compatible:    base URL {url}/v1     (POST /chat/completions, GET /models)\n"
          f"  Anthropic-compatible: base URL {url}        (POST /v1/messages)\n"
          f"  Simple API:           POST /ai/chat/stream, /ai/conversation, /analyze/pdf; GET /health\n"
          f"  API docs:             {url}/docs\n"
          f"  Models are named endpoint/model, e.g. openai/gpt-4o (GET /v1/models lists them).\n"
          f"  Token: `desktop-chat serve --show-token` prints it; send it as "
          f"'Authorization: Bearer TOKEN' or 'x-api-key: TOKEN'.\n"
          f"Press Ctrl+C to stop.", file=out, flush=True)


class _Plain(logging.Formatter):
    """Time and message: never a traceback on the terminal (the log file has it)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{self.formatTime(record, '%H:%M:%S')} {record.getMessage()}"


def _show_on_terminal(stream: TextIO) -> None:
    from desktop_chat.server.options import ACCESS_LOGGER

    access = logging.StreamHandler(stream)
    access.setFormatter(_Plain())
    logging.getLogger(ACCESS_LOGGER).addHandler(access)
    warnings = logging.StreamHandler(stream)  # what went wrong, in one line
    warnings.setLevel(logging.WARNING)
    warnings.setFormatter(_Plain())
    warnings.addFilter(lambda record: not record.name.startswith(ACCESS_LOGGER))
    logging.getLogger("desktop_chat").addHandler(warnings)
    logging.getLogger("uvicorn").setLevel(logging.WARNING)
