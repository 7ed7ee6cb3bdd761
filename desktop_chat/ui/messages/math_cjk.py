"""Chinese (Japanese, Korean) words inside a formula: typeset around, drawn by Qt.

ziamath draws `\\text{距离}` with its maths font (STIX Two), which has no Han letters, and it
cannot take them from another font: ziafont reads no font collection (.ttc), and no CID-keyed
CFF font (Noto Sans CJK, Source Han Sans are both), so even a CJK font handed to it fails. So a
formula's CJK runs are typeset as placeholders: each run becomes a `\\rule` as wide as the run
will be in the app's font (measured by the caller) and of a width no other placeholder has;
math_render finds those rectangles in the SVG by their width, removes them, and draws the words
there with Qt's text engine, in the app's CJK font and the formula's colour.

A run must sit in the maths itself or directly in a `\\text{…}` group (then the group is closed
around the rule: `\\text{每}` → `\\text{}\\rule{…}{…}\\text{}`); anywhere else (`\\mathrm{…}`,
`\\mbox{…}`, a group inside `\\text`) `with_placeholders` gives None and the source shows.
Qt-free: the pieces that need Qt (measuring, drawing) are in math_render.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["PLACEHOLDER_HEIGHT_EM", "cjk_runs", "has_cjk", "placeholder_width_em", "with_placeholders"]

_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_RUN = re.compile(f"[{_CJK}]+")
_TEXT_COMMANDS = re.compile(r"\\(text|textrm|textbf|textit|textsf|texttt|mathrm|mathbf|mathit|mathsf|mbox|operatorname)"
                            r"\s*\{")
PLACEHOLDER_HEIGHT_EM = 0.6  # above the baseline: CJK letters' height at the text's size (≈ 0.65 of the maths em)
_STEP_EM = 0.004  # what sets one placeholder's width apart from the others' (invisible at any size)


def has_cjk(text: str) -> bool:
    """True when `text` holds Chinese, Japanese or Korean letters (the maths fonts have none)."""
    return _RUN.search(text) is not None


def cjk_runs(latex: str) -> list[str]:
    """The CJK runs of `latex`, in order (what the caller measures)."""
    return _RUN.findall(latex)


def placeholder_width_em(width_em: float, index: int) -> float:
    """The width the `index`-th placeholder gets: the run's, plus a step no other one has."""
    return round(width_em + index * _STEP_EM, 4)


def with_placeholders(latex: str, widths_em: Sequence[float]) -> str | None:
    """`latex` with its CJK runs (`cjk_runs`, measured as `widths_em`) replaced by rules; None
    when a run sits where a rule cannot stand in for it (see the module docstring)."""
    out: list[str] = []
    stack: list[str] = []  # the open groups: "text" for \text{, "other" for another text command, "group"
    i = run = 0
    while i < len(latex):
        char = latex[i]
        if char == "\\":
            command = _TEXT_COMMANDS.match(latex, i)
            if command is not None:
                stack.append("text" if command.group(1) == "text" else "other")
                out.append(command.group(0))
                i = command.end()
                continue
            out.append(latex[i:i + 2])  # an escaped character (\{, \\) or a command's first letter
            i += 2
            continue
        if char == "{":
            stack.append("group")
        elif char == "}":
            if stack:
                stack.pop()
        match = _RUN.match(latex, i)
        if match is None:
            out.append(char)
            i += 1
            continue
        if run >= len(widths_em):
            return None
        rule = f"\\rule{{{placeholder_width_em(widths_em[run], run)}em}}{{{PLACEHOLDER_HEIGHT_EM}em}}"
        inside = stack[-1] if stack else None
        if inside == "text":
            out.append("}" + rule + "\\text{")
        elif inside == "other" or "text" in stack or "other" in stack:
            return None
        else:
            out.append(rule)
        run += 1
        i = match.end()
    # A run that filled its \text{…} leaves an empty one, which ziamath cannot typeset.
    return "".join(out).replace("\\text{}", "") if run == len(widths_em) else None
