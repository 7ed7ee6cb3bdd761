"""Figure 11: the PyInstaller bundle (size, start-up from the bundle). Not yet: the bundle issue
comes later; until then the figure is reported as not measured."""

from __future__ import annotations

from benchmarks._common import Row


def run(quick: bool) -> list[Row]:
    return [Row("bundle", None, "", note="n/a (no bundle yet)")]
