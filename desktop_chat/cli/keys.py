"""`desktop-chat keys set|delete|list [PROVIDER]`: API keys in the system keyring. A key is read from
stdin or a hidden prompt, never from the command line (it would land in the shell's history)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import TextIO

from desktop_chat import config, secrets
from desktop_chat.chat import credentials
from desktop_chat.cli.exits import EXIT_OK, UsageError
from desktop_chat.domain.errors import KeyringUnavailableError

__all__ = ["run_keys"]


def run_keys(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    settings = config.load_settings()
    if args.action == "list":
        return _list_keys(settings, args.provider, stdout)
    if not args.provider:
        raise UsageError(f"desktop-chat keys {args.action}: name the provider, e.g. `anthropic`")
    try:
        endpoint = settings.endpoint(args.provider)
    except KeyError as exc:
        raise UsageError(f"desktop-chat keys: {exc.args[0]}") from None
    if args.action == "delete":
        removed = credentials.forget_key(endpoint, settings)
        config.save_settings(settings)
        print(f"Deleted the {endpoint.label} key." if removed else f"There was no {endpoint.label} key.", file=stdout)
        return EXIT_OK
    key = _read_key(endpoint.label, stdin, stderr)
    credentials.save_key(endpoint, settings, key)
    config.save_settings(settings)
    print(f"Saved the {endpoint.label} key ({secrets.mask(key)}) in the system keyring, for {endpoint.host}.",
          file=stdout)
    return EXIT_OK


def _read_key(label: str, stdin: TextIO, stderr: TextIO) -> str:
    """From a hidden prompt on a terminal, else the first line of stdin; never from argv."""
    if stdin.isatty():
        key = getpass.getpass(f"{label} API key (input hidden): ", stream=stderr)
    else:
        key = stdin.readline()
    key = key.strip()
    if not key:
        raise UsageError("desktop-chat keys set: no key was given (type it at the prompt or pipe it on stdin)")
    return key


def _list_keys(settings: config.Settings, only: str | None, stdout: TextIO) -> int:
    endpoints = settings.endpoints()
    if only:
        endpoints = [e for e in endpoints if e.id == only]
        if not endpoints:
            raise UsageError(f"desktop-chat keys list: there is no provider called “{only}”")
    print(f"Keyring: {secrets.backend_name()}", file=stdout)
    for endpoint in endpoints:
        print(f"{endpoint.id:<14} {endpoint.base_url:<40} {_key_state(endpoint)}", file=stdout)
    return EXIT_OK


def _key_state(endpoint: config.Endpoint) -> str:
    import os

    try:
        stored = secrets.get_key(endpoint.id)
    except KeyringUnavailableError:
        stored = None
    if stored:
        return f"key in keyring ({secrets.mask(stored)})"
    if endpoint.key_env and os.environ.get(endpoint.key_env):
        return f"key from ${endpoint.key_env}"
    return "no key needed" if not endpoint.needs_key else "no key"


# -- models (the built-in engine) --------------------------------------------------------------------
