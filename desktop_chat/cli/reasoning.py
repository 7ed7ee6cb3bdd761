"""`ask`'s reasoning flags: --show-thinking, --thinking-budget N, --reasoning-effort LEVEL.

stdout is the answer only, always; --show-thinking writes the model's reasoning to stderr as it
streams, dimmed when stderr is a terminal. A setting the model does not take is not sent, and
stderr says so in words (the turn goes ahead without it).
"""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from desktop_chat.chat.reasoning import EFFORTS, MIN_BUDGET, REASONING_EFFORT, THINKING_BUDGET, unsupported_for
from desktop_chat.domain.events import Started, ThinkingDelta

DIM, RESET = "\x1b[2m", "\x1b[0m"


def add_arguments(ask: argparse.ArgumentParser) -> None:
    ask.add_argument("--show-thinking", action="store_true",
                     help="write the model's reasoning to stderr as it streams (stdout stays the answer only)")
    ask.add_argument("--thinking-budget", type=int, metavar="N",
                     help=f"let the model think for up to N tokens (Claude; N ≥ {MIN_BUDGET}, 0 turns it "
                          "off; kept for the conversation)")
    ask.add_argument("--reasoning-effort", choices=EFFORTS,
                     help="how hard the model reasons (OpenAI o-series and gpt-5, gpt-oss; kept for the conversation)")


def check(args: argparse.Namespace) -> str | None:
    """What is wrong with the flags' values (None: nothing)."""
    budget = args.thinking_budget
    if budget is not None and budget != 0 and budget < MIN_BUDGET:
        return f"--thinking-budget must be 0 (off) or at least {MIN_BUDGET} tokens"
    return None


def options(args: argparse.Namespace) -> dict[str, Any]:
    """The conversation options the flags set (a budget of 0 removes the conversation's one)."""
    chosen: dict[str, Any] = {}
    if args.thinking_budget is not None:
        chosen[THINKING_BUDGET] = args.thinking_budget or None
    if args.reasoning_effort is not None:
        chosen[REASONING_EFFORT] = args.reasoning_effort
    return chosen


class ThinkingPrinter:
    """Shows a turn's reasoning on stderr (if asked to) and says when a setting is not taken."""

    def __init__(self, args: argparse.Namespace, stderr: TextIO, endpoint: Any) -> None:
        self.show = bool(args.show_thinking)
        self.asked = options(args)
        self.stderr = stderr
        self.endpoint = endpoint  # endpoint id -> its Endpoint (kind and label)
        self.dim = self.show and _is_tty(stderr)
        self.open = False  # reasoning was written and not yet closed with a newline
        self.warned = False

    def started(self, event: Started) -> None:
        if self.warned or not any(v is not None for v in self.asked.values()):
            return
        self.warned = True
        endpoint = self.endpoint(event.provider)
        why = unsupported_for(endpoint.kind, event.model, endpoint.label, self.asked)
        if why is not None:
            print(f"note: {why.english()}", file=self.stderr)

    def thinking(self, event: ThinkingDelta) -> None:
        if not self.show or event.redacted or not event.text:
            return
        if self.dim and not self.open:
            self.stderr.write(DIM)
        self.open = True
        self.stderr.write(event.text)
        self.stderr.flush()

    def answer_starts(self) -> None:
        """The answer streams to stdout: end the reasoning's line (and its dimming) first."""
        if self.open:
            self.stderr.write((RESET if self.dim else "") + "\n")
            self.stderr.flush()
            self.open = False


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
