"""The answers on screen when the window closed, as rendered HTML, for the next start.

Every start reopens the last conversation, and rendering its answers needs markdown-it, whose
import alone costs ≈ 25 ms (compiling its regular expressions), plus a parse per answer. At
shutdown the window renders the answers it shows once more (a few milliseconds, off the user's
way) and writes them here; at the next start an answer whose text and renderer are unchanged is
shown from this file, and markdown-it is imported later, when something new needs it.

An entry is used only when everything that shapes the HTML is the same: the message (id, update
time, text), and the renderer (this app's version, markdown_render.py's file, the theme's
colours, the translated "Copy" label). Anything else, a damaged file included, means "render as
usual": the snapshot can make a start faster, never show something wrong or stale.
"""

from __future__ import annotations

import json
import logging
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from desktop_chat import __version__
from desktop_chat.atomic_file import atomic_write
from desktop_chat.domain.messages import Message

__all__ = ["FILE_NAME", "RenderedBody", "load", "message_key", "renderer_key", "save"]

log = logging.getLogger(__name__)

FILE_NAME = "last-screen.json"
FORMAT = 1
MAX_BYTES = 4_000_000  # a few screens of answers; a larger file is not worth reading at start


class RenderedBody(NamedTuple):
    """A message body's HTML as the renderer made it, with its copy links' code and nonce."""

    html: str
    codes: dict[str, str]
    nonce: str


def renderer_key(theme: Any, copy_label: str) -> str:
    """What the HTML depends on besides the message text (see the module docstring)."""
    from desktop_chat.ui.messages import markdown_render

    try:
        # The renderer and the rules it takes from its neighbours (maths, citations).
        folder = Path(markdown_render.__file__).parent
        stats = [(folder / name).stat() for name in ("markdown_render.py", "math_syntax.py", "math_html.py",
                                                     "citation_syntax.py")]
        source = ",".join(f"{stat.st_size}:{stat.st_mtime_ns}" for stat in stats)
    except (OSError, TypeError):  # a bundle: its version says it all
        source = "-"
    return f"{FORMAT}|{__version__}|{source}|{theme!r}|{copy_label}"


def message_key(message: Message) -> str:
    # The update time changes with every edit already; the checksum is a second guard (zlib is
    # loaded by then, hashlib would be one more import before the first frame).
    text = message.text.encode("utf-8", "surrogatepass")
    return f"{message.id}|{message.updated_at!r}|{len(text)}:{zlib.crc32(text):08x}"


def load(path: Path, renderer: str) -> dict[str, RenderedBody]:
    """The entries of `path` made by `renderer`, by message_key; {} when there are none."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("renderer") != renderer:
            return {}
        bodies = {}
        for entry in data.get("bodies", []):
            codes = entry["codes"]
            if not (isinstance(codes, dict) and all(isinstance(v, str) for v in codes.values())):
                raise ValueError("codes")
            bodies[str(entry["key"])] = RenderedBody(str(entry["html"]), {str(k): v for k, v in codes.items()},
                                                     str(entry["nonce"]))
        return bodies
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("not using the last screen's snapshot (%s)", exc)
        return {}


def save(path: Path, renderer: str, bodies: dict[str, RenderedBody]) -> None:
    """Write the snapshot (replacing the old one atomically); blocking: a worker thread's call."""
    data = {"renderer": renderer,
            "bodies": [{"key": key, "html": b.html, "codes": b.codes, "nonce": b.nonce} for key, b in bodies.items()]}
    atomic_write(path, json.dumps(data).encode("ascii"))  # (ASCII escapes: lone surrogates survive too)
