"""What every figure shares: result rows, statistics, child processes, throwaway homes, test data.

Nothing here imports Qt: the parent process (the command) stays light, and the figures that need
a window import it in their child process only.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Provider variables a developer may have set: a child must never see them (as in tests/conftest.py).
_PROVIDER_ENV = (
    "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_PROFILE",
    "ANTHROPIC_CONFIG_DIR", "ANTHROPIC_CUSTOM_HEADERS", "OPENAI_API_KEY", "OPENAI_BASE_URL",
    "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS", "OLLAMA_HOST",
)
NOBODY = "http://127.0.0.1:9"  # a loopback port nobody listens on (the discard port)
RESULTS = ROOT / "benchmarks" / "results"
PROFILE_ENV = "DESKTOP_CHAT_BENCH_PROFILE"
_profiling = False


def profile_children(on: bool) -> None:
    """Run each figure's child under pyinstrument, its call tree in benchmarks/results/profile-NAME.txt."""
    global _profiling
    _profiling = on


class BenchmarkCrash(RuntimeError):
    """A benchmark itself failed (as opposed to a figure missing its budget)."""


@dataclass
class Row:
    """One line of the table."""

    figure: str
    value: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    budget: str = ""
    ok: bool | None = None  # None: no budget, or not measured
    note: str = ""
    ratio_text: str = ""  # shown instead of the ratio (e.g. "+27 ms" for a budget of baseline + N ms)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def paired_ratio(values: Sequence[float], baselines: Sequence[float]) -> float:
    """Median of the per-run ratios: runs are interleaved, so a burst of load elsewhere on the
    machine lands on one pair and is voted out, instead of skewing one side's median."""
    return median([v / b for v, b in zip(values, baselines) if b > 0])


def rounded(values: Sequence[float], digits: int = 2) -> list[float]:
    return [round(v, digits) for v in values]


# -- child processes ------------------------------------------------------------------------------

def child_env(home: Path) -> dict[str, str]:
    """The environment of every measured process: offscreen, throwaway home, no real keyring,
    no provider configuration inherited from the developer, no local Ollama."""
    env = {k: v for k, v in os.environ.items() if k not in _PROVIDER_ENV}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["DESKTOP_CHAT_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "tests.fakes.memory_keyring.MemoryKeyring"
    env["ANTHROPIC_CONFIG_DIR"] = str(home.parent / "no-anthropic-config")
    env["OLLAMA_HOST"] = NOBODY
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    # A user's second start runs from cached bytecode; without it every figure would include
    # compiling the app's sources (≈ 60 ms of the start figure on a machine that sets this).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("DESKTOP_CHAT_REPORT_STARTUP", None)
    env.pop("DESKTOP_CHAT_TEST_PROMPT", None)
    env.pop("DESKTOP_CHAT_SCREENSHOT", None)
    return env


@contextmanager
def killed_after(proc: subprocess.Popen[str], seconds: float) -> Iterator[None]:
    """Kill `proc` if it is still running `seconds` from now: reading a child's output line by
    line would otherwise wait forever for a child that hangs (a dialog nobody clicks)."""
    timer = threading.Timer(seconds, proc.kill)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@contextmanager
def throwaway_home() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="desktop-chat-bench-"))
    home = root / "home"
    home.mkdir()
    try:
        yield home
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_child(module: str, quick: bool, *, timeout: float, home: Path | None = None) -> dict[str, Any]:
    """Run `child(quick)` of benchmarks.<module> in a fresh process; return what it returned.

    With `home`, that folder (prepared by the caller) is the child's DESKTOP_CHAT_HOME; otherwise
    an empty throwaway one is used.
    """
    if home is None:
        with throwaway_home() as fresh:
            return _run_child(module, quick, timeout, fresh)
    return _run_child(module, quick, timeout, home)


def _run_child(module: str, quick: bool, timeout: float, home: Path) -> dict[str, Any]:
    out = home.parent / f"{module}-result.json"
    command = [sys.executable, "-m", "benchmarks._child", module, "--out", str(out)]
    if quick:
        command.append("--quick")
    env = child_env(home)
    if _profiling:
        RESULTS.mkdir(parents=True, exist_ok=True)
        env[PROFILE_ENV] = str(RESULTS / f"profile-{module}.txt")
        timeout *= 3
    try:
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise BenchmarkCrash(f"{module}: no result after {timeout:.0f} s\n{_tail(exc.stderr)}") from None
    if proc.returncode != 0 or not out.exists():
        raise BenchmarkCrash(f"{module}: child exited with {proc.returncode}\n{_tail(proc.stderr)}")
    return json.loads(out.read_text(encoding="utf-8"))


def _tail(text: str | bytes | None, lines: int = 25) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


def read_rss_mb(pid: int | str = "self") -> float:
    """Resident set size in MB (Linux /proc; ru_maxrss is a peak, not the current size)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise BenchmarkCrash("VmRSS not found in /proc")


# -- test data ------------------------------------------------------------------------------------

_WORDS = (
    "the model answer stream token window render latency python qt widget layout document paragraph "
    "signal event loop thread memory cache index search query result store message conversation "
    "provider request response server client socket buffer frame paint update scroll cursor block "
    "format style theme language translation keyring settings endpoint retry timeout cancel error"
).split()


def answer_tokens(count: int, seed: int = 7) -> list[str]:
    """`count` streaming deltas that read like a model's markdown answer: paragraphs of words
    (one token each, with their leading space), bullet lists, inline code and bold, inline maths,
    and a fenced code block or a display formula now and then (each formula a few tokens, so that
    it arrives unclosed first). Deterministic for a given seed."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        kind = rng.random()
        if kind < 0.12:  # a fenced code block
            out.append("```python\n")
            for _ in range(rng.randint(3, 8)):
                name = rng.choice(_WORDS)
                out += ["def ", f"{name}_{rng.randint(1, 99)}", "(x):", "\n    return ",
                        f"x + {rng.randint(1, 9)}", "\n"]
            out.append("```\n\n")
        elif 0.3 <= kind < 0.35:  # a display formula
            n, k = rng.randint(2, 99), rng.randint(2, 9)
            out += ["$$\n\\sum_{i=1}^{", f"{n}", "} \\frac{i^2}{", f"{k}", "} = \\int_0^{", f"{n}", "} f(x)\\,dx",
                    "\n$$\n\n"]
        elif kind < 0.3:  # a bullet list
            for _ in range(rng.randint(2, 5)):
                out.append("- ")
                for i in range(rng.randint(4, 12)):
                    word = rng.choice(_WORDS)
                    out.append(word if i == 0 else " " + word)
                out.append("\n")
            out.append("\n")
        else:  # a paragraph
            for i in range(rng.randint(30, 90)):
                word = rng.choice(_WORDS)
                roll = rng.random()
                if roll < 0.03:
                    word = f"`{word}()`"
                elif roll < 0.05:
                    word = f"**{word}**"
                elif roll < 0.06:  # inline maths, in three tokens
                    out += [" $x_{", f"{rng.randint(1, 99)}", "}^2 + \\alpha$"]
                    continue
                out.append(word if i == 0 else " " + word)
            out.append(".\n\n")
    return out[:count]


def answer_text(words: int, rng: random.Random) -> str:
    """A stored answer of about `words` words with a little markdown."""
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        roll = rng.random()
        if roll < 0.15:
            parts.append("```python\nfor item in items:\n    print(item)\n```")
        elif roll < 0.3:
            parts.append("\n".join("- " + " ".join(rng.choices(_WORDS, k=8)) for _ in range(3)))
        else:
            parts.append(" ".join(rng.choices(_WORDS, k=rng.randint(20, 60))) + ".")
    return "\n\n".join(parts)


def conversation_items(count: int, messages_each: int, *, seed: int = 11, start: float | None = None,
                       words: tuple[int, int] = (20, 120), extra_words: dict[str, float] | None = None,
                       ) -> list[tuple[Any, list[Any]]]:
    """(Conversation, [Message…]) pairs for Store.import_conversations, newest conversation first.

    `extra_words` maps a word to the fraction of messages that contain it (for search figures).
    """
    from desktop_chat.domain.messages import Conversation, Message, MessageStatus, linked

    rng = random.Random(seed)
    now = start if start is not None else time.time()
    items = []
    for c in range(count):
        updated = now - c * 60
        cid = f"bench-c{c:06d}"
        conversation = Conversation(id=cid, title=f"Benchmark conversation {c}: " + " ".join(rng.choices(_WORDS, k=4)),
                                    created_at=updated - 3600, updated_at=updated, provider="local",
                                    model="local-model")
        messages = []
        for s in range(1, messages_each + 1):
            role = "user" if s % 2 else "assistant"
            if role == "user":
                text = " ".join(rng.choices(_WORDS, k=rng.randint(5, 25))) + "?"
            else:
                text = answer_text(rng.randint(*words), rng)
            for word, fraction in (extra_words or {}).items():
                if rng.random() < fraction:
                    text += f" {word}"
            at = updated - 3600 + s
            messages.append(Message(id=f"{cid}-m{s:05d}", conversation_id=cid, role=role, text=text,
                                    status=MessageStatus.COMPLETE, seq=s, created_at=at, updated_at=at,
                                    provider="local" if role == "assistant" else None,
                                    model="local-model" if role == "assistant" else None,
                                    input_tokens=120 if role == "assistant" else None,
                                    output_tokens=300 if role == "assistant" else None))
        items.append((conversation, linked(messages)))
    return items


def fill_store(home: Path, items: list[tuple[Any, list[Any]]], batch: int = 200) -> None:
    """Import `items` into the home's database, in a few large transactions."""
    from desktop_chat.store import Store

    with Store(home / "chat.sqlite3") as store:
        for i in range(0, len(items), batch):
            store.import_conversations(items[i:i + batch])


HISTORY = 200  # conversations in the home of the figures that send turns: a user with some history


def home_with_history(home: Path, conversations: int = HISTORY) -> Path:
    """`home` with `conversations` past conversations of two messages each (the list's first page
    is full, as for anyone who has used the app for a while)."""
    fill_store(home, conversation_items(conversations, 2, seed=17, words=(10, 40)))
    return home


def write_settings(home: Path, *, last_conversation: str | None = None, **changes: Any) -> None:
    """settings.json in `home`: a key-less OpenAI-compatible endpoint nobody listens on, unless
    `changes` say otherwise, so that the window needs no keyring entry and reaches nothing."""
    from desktop_chat.config import Settings, save_settings

    settings = Settings()
    settings.add_custom_endpoint("Local", NOBODY + "/v1")
    settings.default_endpoint = "local"
    settings.default_models["local"] = "local-model"
    for name, value in changes.items():
        setattr(settings, name, value)
    if last_conversation is not None:
        settings.ui_state = {"last_conversation": last_conversation}
    save_settings(settings, home / "settings.json")
