"""CJK words in a formula, drawn by Qt where the typesetter left room for them (math_cjk.py).

Measured first (each run's width in the maths font's em, at the text's size), then found again
in the SVG as placeholder rectangles told apart by their widths, removed from it, and drawn on
the typeset image at their places in the app's CJK font and the formula's colour. Runs in the
maths worker thread (math_render.py): the font comes from the app's family list, never QFont(),
which reads the app font the GUI thread may be setting.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from desktop_chat.ui.common.fonts import cjk_families, text_families
from desktop_chat.ui.messages.math_cjk import PLACEHOLDER_HEIGHT_EM, placeholder_width_em

__all__ = ["CjkWords"]

_RECT = re.compile(r'<rect x="(-?[\d.]+)" y="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*/>')


class CjkWords:
    """A formula's CJK runs: measured for their placeholders, then drawn where those were."""

    def __init__(self, runs: list[str], colour: str, text_em: float) -> None:
        self.runs = runs
        self.colour = colour
        self._text_em = text_em  # the text's pixel size as a fraction of the maths em
        # The app's families (a CJK one behind the Latin one), not QFont(): that reads the app's
        # font, which the GUI thread may be setting meanwhile (a crash in this worker thread).
        self._font = QFont(text_families() or ["sans-serif", *cjk_families("SC")])
        self._font.setPixelSize(100)
        self.boxes: list[tuple[str, QRectF]] = []  # each run and its placeholder's rectangle in the SVG

    def widths_em(self) -> list[float]:
        metrics = QFontMetricsF(self._font)
        return [metrics.horizontalAdvance(run) / 100 * self._text_em for run in self.runs]

    def take_placeholders(self, svg: str) -> str | None:
        """The SVG without the placeholders, their places noted; None when one is missing. Each is
        told apart by its width in its own em (the rule's height is PLACEHOLDER_HEIGHT_EM of it:
        a rule in a fraction's numerator is typeset smaller)."""
        wanted = {round(placeholder_width_em(width, i), 3): run
                  for i, (width, run) in enumerate(zip(self.widths_em(), self.runs))}
        kept: list[str] = []
        last = 0
        for match in _RECT.finditer(svg):
            x, y, width, height = (float(match.group(n)) for n in range(1, 5))
            if height <= 0:
                continue
            em = round(width / height * PLACEHOLDER_HEIGHT_EM, 3)
            run = next((run for w, run in wanted.items() if abs(w - em) < 0.0015), None)
            if run is None:
                continue  # a fraction bar, a rule of the formula's own
            self.boxes.append((run, QRectF(x, y, width, height)))
            kept.append(svg[last:match.start()])
            last = match.end()
        kept.append(svg[last:])
        return "".join(kept) if len(self.boxes) == len(self.runs) else None

    def extent(self) -> tuple[float, float]:
        """How far the words reach above and below the baseline (y = 0 in the SVG)."""
        ascent = descent = 0.0
        for _run, box in self.boxes:
            metrics = QFontMetricsF(self._sized(box))
            baseline = box.bottom()
            ascent, descent = max(ascent, metrics.ascent() - baseline), max(descent, baseline + metrics.descent())
        return ascent, descent

    def _sized(self, box: QRectF) -> QFont:
        font = QFont(self._font)
        font.setPixelSize(max(1, round(box.height() / PLACEHOLDER_HEIGHT_EM * self._text_em)))
        return font

    def draw(self, painter: QPainter, origin: QPointF) -> None:
        """Draw each run on its placeholder's baseline; `origin`: where the SVG's (0, 0) is."""
        painter.setPen(QColor(self.colour))
        for run, box in self.boxes:
            font = self._sized(box)
            painter.setFont(font)
            # The run fills the placeholder's width (measured at 100 px, drawn at another size).
            painter.drawText(QPointF(origin.x() + box.left(), origin.y() + box.bottom()), run)
