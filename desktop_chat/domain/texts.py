"""User-facing sentences that the engine words in English and the UI can show translated.

The engine must not import Qt, yet its messages (errors above all) have to reach a Chinese user
in Chinese, now and later, when a stored answer's error is shown again. So the engine never
bakes a sentence: it builds a :class:`Text`, an English template plus its parameters, and keeps
the English rendering for logs, the CLI and tests. The UI translates the template through Qt
(context ``"engine"``) and formats it with the same parameters.

Templates are marked for Qt's tools with :func:`QT_TRANSLATE_NOOP`, which does nothing at run
time. ``pyside6-lupdate`` is a parser: it finds ``QT_TRANSLATE_NOOP("engine", "…")`` calls by
name in any .py file it is given (build/update_translations.py gives it the engine modules).
Rules that follow from that:

- spell the call ``QT_TRANSLATE_NOOP(...)`` itself (an alias is not found), with a literal
  context and a literal template (adjacent literals may be split over lines; never an f-string,
  which lupdate would extract with its braces while the program looks up something else);
- placeholders are ``str.format`` fields with names (``{provider}``, ``{seconds:g}``);
- words that come from elsewhere (a provider's error message, a URL, an exception's text) go in
  as parameters and stay as they are; a parameter may itself be a Text (our own words nested in
  a sentence, e.g. the cause in "Cannot connect to X: {why}"), which is translated in turn.

A translation that loses or invents a placeholder, or does not format, is not used: the English
is shown instead (see :func:`render`).

A Text survives storage as a small JSON object, ``{"template": …, "params": {…}}`` (nested
Texts as nested objects), see :meth:`Text.to_dict` / :meth:`Text.from_dict`.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

__all__ = ["CONTEXT", "QT_TRANSLATE_NOOP", "Param", "Text", "first_sentence", "render"]

CONTEXT = "engine"
"""The translation context of every engine template (the <context> in the .ts file)."""


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark *text* for translation in *context*; returns it unchanged."""
    return text


Param = Union[str, int, float, bool, None, "Text"]


@dataclass(frozen=True)
class Text:
    """An English template with ``str.format`` fields, and the values for them.

    Build one with :meth:`of`. ``str(text)`` is the English sentence, so a Text can also be the
    argument of an ordinary exception (``ValueError(text)``) without changing what it prints.
    """

    template: str
    params: Mapping[str, Param] = field(default_factory=dict)
    first_sentence: bool = False  # render only the first sentence (a retry notice's reason)

    @classmethod
    def of(cls, template: str, /, **params: Any) -> Text:
        """A Text for *template*; parameter values that are not plain data become strings.

        Parameters the template does not name are dropped (they could never be shown, and a
        Text is stored with its answer).
        """
        names = _fields(template)
        return cls(template, {
            name: _param(value) for name, value in params.items() if names is None or name in names
        })

    @classmethod
    def verbatim(cls, sentence: str) -> Text:
        """A sentence that has no template of ours (a third party's words): shown as it is."""
        return cls("{text}", {"text": sentence})

    def first(self) -> Text:
        """This text cut to its first sentence, in whatever language it is shown."""
        return Text(self.template, self.params, first_sentence=True)

    def english(self) -> str:
        return render(self, lambda template: template)

    def __str__(self) -> str:
        return self.english()

    def __format__(self, spec: str) -> str:
        return format(self.english(), spec)

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self.params.items())), self.first_sentence))

    # -- storage --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "template": self.template,
            "params": {k: v.to_dict() if isinstance(v, Text) else v for k, v in self.params.items()},
        }
        if self.first_sentence:
            data["first_sentence"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Text | None:
        """The Text stored by :meth:`to_dict`, or None if *data* is not one (never raises)."""
        if not isinstance(data, Mapping) or not isinstance(data.get("template"), str):
            return None
        raw = data.get("params", {})
        if not isinstance(raw, Mapping):
            return None
        params: dict[str, Param] = {}
        for name, value in raw.items():
            if not isinstance(name, str):
                return None
            if isinstance(value, Mapping):
                value = cls.from_dict(value)
                if value is None:
                    return None
            elif not (value is None or isinstance(value, (str, int, float, bool))):
                return None
            params[name] = value
        return cls(data["template"], params, first_sentence=data.get("first_sentence") is True)


def _param(value: Any) -> Param:
    if value is None or isinstance(value, (str, int, float, bool, Text)):
        return value
    return str(value)


def render(text: Text, translate: Callable[[str], str]) -> str:
    """*text* with its template (and every nested Text's) passed through *translate*.

    A translation is used only if it has exactly the template's fields and formats; otherwise
    that template is rendered in English. Never raises for a bad translation.
    """
    values = {name: render(v, translate) if isinstance(v, Text) else v for name, v in text.params.items()}
    translated = translate(text.template)
    out: str | None = None
    if translated and translated != text.template and _fields(translated) == _fields(text.template):
        out = _format(translated, values)
    if out is None:
        out = _format(text.template, values)
    if out is None:  # a template that does not match its own parameters: a bug, but not a crash
        out = text.template
    return first_sentence(out) if text.first_sentence else out


def _format(template: str, values: Mapping[str, Any]) -> str | None:
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None


@lru_cache(maxsize=1024)
def _fields(template: str) -> frozenset[str] | None:
    """The names of the fields in a format string, or None if it is not a valid one."""
    try:
        return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)
    except ValueError:
        return None


def first_sentence(sentence: str) -> str:
    """The first sentence, with its full stop: up to the first ". " or the first "。"."""
    cut, stop = len(sentence), "."
    latin = sentence.find(". ")
    if latin >= 0:
        cut = latin
    cjk = sentence.find("。")
    if 0 <= cjk < cut:
        cut, stop = cjk, "。"
    head = sentence[:cut].rstrip(".。")
    if stop == "." and head.endswith(("。", "！", "？")):
        return head
    return head + stop
