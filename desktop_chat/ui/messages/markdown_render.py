"""Markdown from a model → HTML in the subset Qt's rich text (QTextDocument) understands.

Model output is untrusted, so the renderer is strict:

- raw HTML is never passed through: markdown-it runs with `html` off and every text run is escaped;
- no image is ever emitted (`![alt](src)` becomes a link labelled "[Image: alt]"), so nothing is
  fetched while rendering; the widgets showing the HTML also refuse every resource (see
  message_widget.py);
- only http, https and mailto links become links (`is_openable_link` is the one place that decides
  which links may be opened); any other target stays visible as the literal markdown.

Fenced code is highlighted by pygments with inline styles and gets a "Copy" link whose target
comes from a caller-supplied `register_code` callback, so the caller maps it back to the raw code.

Building a pygments lexer the first time compiles its regular expressions (≈ 40-70 ms for
Python): on the GUI thread that froze the window at start-up (reopening a conversation with
code) and at the first code block of a session. A caller that passes `cold=set()` to `render`
gets code in a language whose lexer is not built yet as plain text (the same box, uncoloured),
the language added to that set, and the lexer built in a worker thread; `lexers.ready` (a Qt
signal) says when to render again. markdown-it and pygments themselves are imported on first use,
after the window's first paint when nothing needs them before.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QCoreApplication, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QPalette

from desktop_chat.ui.common.fonts import code_font_css
from desktop_chat.ui.common.html_text import escape_html
from desktop_chat.ui.runtime.serial_worker import SerialWorker

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = [
    "OPENABLE_SCHEMES",
    "MarkdownRenderer",
    "RenderTheme",
    "code_languages",
    "is_openable_link",
    "lexer_ready",
    "lexers",
    "theme_from_palette",
]

log = logging.getLogger(__name__)

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})
RegisterCode = Callable[[str], str]  # raw code -> href of its "Copy" link


def is_openable_link(url: QUrl | str) -> bool:
    """True only for http(s) links with a host and mailto links: the only ones we hand to the OS."""
    qurl = url if isinstance(url, QUrl) else QUrl(url.strip())
    if not qurl.isValid():
        return False
    scheme = qurl.scheme().lower()
    if scheme in ("http", "https"):
        return bool(qurl.host())
    return scheme == "mailto" and bool(qurl.path())


def _validate_link(url: str) -> bool:
    scheme, sep, _ = url.strip().partition(":")
    return bool(sep) and scheme.lower() in OPENABLE_SCHEMES


# -- colours -------------------------------------------------------------------------------------


class RenderTheme(NamedTuple):
    """Colours (as #rrggbb) for rendered markdown; derive them with `theme_from_palette`."""

    dark: bool = False
    text: str = "#1f2328"
    muted: str = "#59636e"
    link: str = "#0969da"
    border: str = "#d1d9e0"
    inline_code_bg: str = "#eff1f3"
    table_header_bg: str = "#f6f8fa"
    quote_bar: str = "#d1d9e0"
    pygments_style: str = "default"
    code_bg: str = "#f8f8f8"
    code_fg: str = "#1f2328"
    code_header_bg: str = "#eeeeee"
    code_header_fg: str = "#59636e"


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """a blended towards b by t (0..1)."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


# Code highlighting keeps its own colours; the style is chosen by the palette's lightness.
_LIGHT_CODE_STYLE = "default"
_DARK_CODE_STYLE = "one-dark"
# Each style's background and text colour (None: pygments sets none), as pygments defines them;
# a test checks that they still match. Asking pygments would import it before the first frame.
CODE_STYLE_COLOURS: dict[str, tuple[str, str | None]] = {
    _LIGHT_CODE_STYLE: ("#f8f8f8", None),
    _DARK_CODE_STYLE: ("#282C34", "#ABB2BF"),
}


def theme_from_palette(palette: QPalette) -> RenderTheme:
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = base.lightnessF() < 0.5
    style_name = _DARK_CODE_STYLE if dark else _LIGHT_CODE_STYLE
    background, foreground = CODE_STYLE_COLOURS[style_name]
    code_bg = QColor(background)
    code_fg_color = QColor(foreground or ("#1f2328" if not dark else "#d0d0d0"))
    link = palette.color(QPalette.ColorRole.Link)
    if dark and link.lightnessF() < 0.55:  # some dark palettes keep the light theme's deep blue
        link = link.lighter(170)
    return RenderTheme(
        dark=dark,
        text=text.name(),
        muted=_mix(text, base, 0.35).name(),
        link=link.name(),
        border=_mix(base, text, 0.25).name(),
        inline_code_bg=_mix(base, text, 0.09).name(),
        table_header_bg=_mix(base, text, 0.06).name(),
        quote_bar=_mix(base, text, 0.3).name(),
        pygments_style=style_name,
        code_bg=code_bg.name(),
        code_fg=code_fg_color.name(),
        code_header_bg=_mix(code_bg, code_fg_color, 0.08).name(),
        code_header_fg=_mix(code_fg_color, code_bg, 0.3).name(),
    )


# -- highlighting --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_aliases() -> frozenset[str]:
    from pygments.lexers import get_all_lexers

    return frozenset(a for _, aliases, _, _ in get_all_lexers(plugins=False) for a in aliases)


@lru_cache(maxsize=64)
def _lexer(language: str) -> Any:
    # Only look up names pygments ships: an unknown name makes pygments scan the installed
    # packages' entry points (≈ 75 ms), and a streaming fence passes through "p", "py", "pyt"…
    if not language or language not in _known_aliases():
        return None
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


_built: dict[str, bool] = {}  # language (lower case) -> its lexer is built (or it has none)


def lexer_ready(language: str) -> bool:
    """True when highlighting `language` costs no lexer build (built already, or no such lexer)."""
    return not language or _built.get(language.lower(), False)


def _build_lexer(language: str) -> None:
    _lexer(language)
    _built[language] = True


class _LexerWarmup(QObject):
    """Builds pygments lexers in one worker thread; `ready(language)` fires on the GUI thread."""

    ready = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._asked: set[str] = set()
        self._worker: SerialWorker[str, None] = SerialWorker("pygments-lexers", self._build, self._built)

    def pause(self, longest_ms: int = 3000) -> None:
        """Hold requests until `resume`, or `longest_ms` at most (the window's start-up: a worker
        holding the GIL would slow the first frame down)."""
        self._worker.pause()
        QTimer.singleShot(longest_ms, self, self.resume)

    def resume(self) -> None:
        self._worker.resume()

    def close(self, timeout_s: float = 2.0) -> None:
        """No more builds; wait for the one in progress (see runtime/serial_worker.py)."""
        self._worker.close(timeout_s)

    def request(self, languages: Iterable[str]) -> None:
        self._worker.put((language.lower() for language in languages), self._wanted)

    def _wanted(self, language: str) -> bool:
        if not language or language in self._asked or lexer_ready(language):
            return False
        self._asked.add(language)
        return True

    @staticmethod
    def _build(language: str) -> None:
        try:
            _build_lexer(language)
        except Exception:  # noqa: BLE001 - a broken lexer must not kill the worker: code stays plain
            log.exception("building the pygments lexer for %r failed", language)
            _built[language] = True

    def _built(self, language: str, _result: None, _last: bool) -> None:
        self.ready.emit(language)


lexers = _LexerWarmup()
"""The one lexer builder: `lexers.request([...])`, `lexers.ready.connect(...)`."""


@lru_cache(maxsize=4)
def _formatter(style_name: str) -> Any:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style=style_name, noclasses=True, nowrap=True)


@lru_cache(maxsize=256)  # a finished answer's final render reuses what streaming highlighted
def _highlight(code: str, language: str, style_name: str) -> str:
    lexer = _lexer(language.lower())
    _built[language.lower()] = True
    if lexer is None:
        return escape_html(code, quote=False)
    from pygments import highlight

    out = highlight(code, lexer, _formatter(style_name))
    # pygments ends with a newline that <pre> would show as an empty last line.
    return out[:-1] if out.endswith("\n") and not code.endswith("\n") else out


# The info string of an opening fence, also inside list items and quotes (as stream_buffer sees them).
_FENCE_INFO = re.compile(r"^[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)*(?:`{3,}|~{3,})[ \t]*([^\s`]+)", re.MULTILINE)


def code_languages(markdown: str) -> set[str]:
    """The languages named by the code fences in `markdown` (lower case; a quick scan, no parse)."""
    if "```" not in markdown and "~~~" not in markdown:
        return set()
    return {m.group(1).lower() for m in _FENCE_INFO.finditer(markdown)}


# -- markdown → Qt HTML --------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _renderer_class() -> type:
    from markdown_it.renderer import RendererHTML

    return type("_QtHtmlRenderer", (_QtHtmlRules, RendererHTML), {})


class _QtHtmlRules:
    """markdown-it's HTML renderer, adjusted to Qt's rich-text subset and to untrusted input
    (mixed into markdown-it's RendererHTML by `_renderer_class`, so that markdown-it is imported
    only when something is rendered).

    It emits no whitespace between block tags: when a fragment is appended to an existing
    QTextDocument, Qt would keep such whitespace as a stray space.
    """

    def renderToken(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return super().renderToken(tokens, idx, options, env).strip("\n")  # type: ignore[misc]

    def softbreak(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return " "

    def hardbreak(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "<br />"

    # html is disabled in the parser; escape anyway so a configuration slip cannot inject markup.
    def html_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "<p>" + escape_html(tokens[idx].content) + "</p>"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return escape_html(tokens[idx].content)

    def image(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)  # type: ignore[attr-defined]
        if alt:
            label = QCoreApplication.translate("MarkdownRenderer", "[Image: {alt}]").format(alt=alt)
        else:
            label = QCoreApplication.translate("MarkdownRenderer", "[Image]")
        src = str(token.attrGet("src") or "")
        if is_openable_link(src):
            return f'<a href="{escape_html(src)}">{escape_html(label)}</a>'
        return escape_html(label)

    def code_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "<code>" + escape_html(tokens[idx].content, quote=False) + "</code>"

    def table_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        theme: RenderTheme = env["theme"]
        return (
            '<table border="1" cellspacing="0" cellpadding="7" '
            f'style="border-collapse: collapse; border-style: solid; border-color: {theme.border};'
            ' margin-top: 6px; margin-bottom: 6px;">'
        )

    def blockquote_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        # Qt draws no left border on blocks: a two-cell table gives the quote its bar. Qt lays out
        # nested tables in exponential time (quotes 12 deep ≈ 0.3 s, 20 deep ≈ a minute), so only
        # the outer quotes get a bar; deeper ones are indented.
        depth = env["quote_depth"] = env.get("quote_depth", 0) + 1
        if depth > _QUOTE_BARS:
            return '<blockquote style="margin-left: 12px; margin-right: 0px;">'
        theme: RenderTheme = env["theme"]
        return (
            '<table width="100%" cellspacing="0" cellpadding="0" border="0" '
            'style="margin-top: 6px; margin-bottom: 6px;"><tr>'
            f'<td width="3" bgcolor="{theme.quote_bar}"></td>'
            f'<td style="padding-left: 12px; color: {theme.muted};">'
        )

    def blockquote_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        depth = env.get("quote_depth", 1)
        env["quote_depth"] = depth - 1
        return "</blockquote>" if depth > _QUOTE_BARS else "</td></tr></table>"

    def fence(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        return _code_block_html(token.content, language, env)

    def code_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return _code_block_html(tokens[idx].content, "", env)

    # Maths (math_syntax.py makes the tokens, math_html.py their HTML).
    def math_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        from desktop_chat.ui.messages.math_html import formula_html

        token = tokens[idx]
        return formula_html(token.type, token.content, token.markup, env["theme"].text)

    math_inline_display = math_inline
    math_block = math_inline

    def citation(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        number = tokens[idx].meta["n"]
        return f'<a href="dc-cite:{number}" style="text-decoration: none;"><sup>[{number}]</sup></a>'


def _code_block_html(content: str, language: str, env: Mapping[str, Any]) -> str:
    theme: RenderTheme = env["theme"]
    code = content[:-1] if content.endswith("\n") else content
    cold: set[str] | None = env.get("cold")
    if cold is not None and not lexer_ready(language):
        cold.add(language.lower())  # plain for now: the caller renders again once it is built
        body = escape_html(code, quote=False)
    else:
        body = _highlight(code, language, theme.pygments_style)
    register: RegisterCode | None = env.get("register_code")
    copy = ""
    if register is not None:
        href = escape_html(register(code))
        label = escape_html(QCoreApplication.translate("MarkdownRenderer", "Copy"))
        copy = (
            f'<a href="{href}" style="color: {theme.code_header_fg}; text-decoration: none;">'
            f"{label}</a>"  # the words change to "Copied ✓" for a moment (message_body.py)
        )
    language_label = escape_html(language) if language else "&nbsp;"
    # Two tables: the header (language, Copy) keeps to the text's width while the code below
    # grows as wide as its longest line, which then scrolls sideways (message_body.py) instead of
    # wrapping mid-token; so Copy stays in view. Qt puts no gap between two adjacent tables.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="0" bgcolor="{theme.code_header_bg}"'
        ' style="margin-top: 8px; margin-bottom: 0px;">'
        f'<tr><td style="color: {theme.code_header_fg}; padding-left: 12px;">'
        f'<span style="font-size: small;">{language_label}</span></td>'
        '<td align="right" style="padding-right: 12px;">'
        f'<span style="font-size: small;">{copy}</span></td></tr></table>'
        f'<table width="100%" cellspacing="0" cellpadding="12" border="0" bgcolor="{theme.code_bg}"'
        ' style="margin-top: 0px; margin-bottom: 8px;">'
        f'<tr><td style="padding-bottom: {CODE_BOTTOM_PADDING}px;">'
        f'<pre style="white-space: pre; margin: 0px; color: {theme.code_fg};">{body}</pre>'
        '</td></tr></table>'
    )


CODE_BOTTOM_PADDING = 18  # room under the code's last line for its own scroll bar (code_scroll.py)
LINE_HEIGHT = 130  # per cent of the font's line spacing: long answers read easier with air

_QUOTE_BARS = 3  # nested quotes drawn with a bar (a table each); see blockquote_open


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt(
        "commonmark",
        {"html": False, "typographer": False, "linkify": False},
        renderer_cls=_renderer_class(),
    )
    md.enable(["table", "strikethrough"])
    from desktop_chat.ui.messages.math_syntax import math_plugin

    md.use(math_plugin)
    from desktop_chat.ui.messages.citation_syntax import citation_plugin

    md.use(citation_plugin)
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


class MarkdownRenderer:
    """Renders markdown to Qt rich-text HTML for one theme."""

    def __init__(self, theme: RenderTheme | None = None) -> None:
        self.theme = theme or RenderTheme()

    def render(self, text: str, register_code: RegisterCode | None = None, *,
               cold: set[str] | None = None, citations: int = 0) -> str:
        """HTML for `text`. With `cold` (a set), code in a language whose lexer is not built yet
        is left plain, its language added to `cold` and its lexer built in the background
        (`lexers.ready` tells when); without, such a lexer is built now, on this thread.
        With `citations` (an answer about documents), "[1]"…"[citations]" become links "dc-cite:n"."""
        env: MutableMapping[str, Any] = {"theme": self.theme, "register_code": register_code, "cold": cold,
                                         "citations": citations}
        out = _parser().render(text, env).strip()
        if cold:
            lexers.request(cold)
        return out

    def style_sheet(self) -> str:
        """The default style sheet for a QTextDocument that shows this renderer's HTML."""
        t = self.theme
        return (
            f"a {{ color: {t.link}; text-decoration: underline; }}\n"
            f"code {{ font-family: {code_font_css()}; background-color: {t.inline_code_bg}; }}\n"
            f"pre {{ font-family: {code_font_css()}; line-height: 115%; }}\n"
            f"th {{ background-color: {t.table_header_bg}; font-weight: bold; }}\n"
            # Headings stand apart from the text above them; paragraphs get air between lines.
            "h1 { font-size: x-large; margin-top: 18px; margin-bottom: 8px; }\n"
            "h2 { font-size: large; margin-top: 16px; margin-bottom: 6px; }\n"
            "h3 { font-size: medium; margin-top: 12px; margin-bottom: 4px; }\n"
            "h4, h5, h6 { font-size: medium; margin-top: 10px; margin-bottom: 4px; }\n"
            f"p {{ margin-top: 4px; margin-bottom: 10px; line-height: {LINE_HEIGHT}%; }}\n"
            f"li {{ margin-top: 2px; margin-bottom: 2px; line-height: {LINE_HEIGHT}%; }}\n"
        )

