"""Figure 2: memory, RSS with the window idle and one conversation open.

value     VmRSS of the real app (started as in the start figure, reopening a conversation of 20
          messages), once its start-up work is done (set-up check, the collector's freeze of the
          start-up objects) and it has been idle 2.5 s
baseline  the same for a bare PySide6 QMainWindow (for reference: the budget is absolute)
"""

from __future__ import annotations

from benchmarks._common import Row, median, rounded, throwaway_home
from benchmarks.start import launch, prepare

BUDGET_MB = 100.0  # issue 18: idle memory ≤ 100 MB


def run(quick: bool) -> list[Row]:
    runs = 1 if quick else 3
    with throwaway_home() as home:
        prepare(home)
        launch("app", "start", home)  # first start: settings and geometry written, as for a user
        values, baselines = [], []
        for _ in range(runs):
            baselines.append(launch("bare", "memory", home)[1])
            values.append(launch("app", "memory", home)[1])
    value, baseline = median(values), median(baselines)
    return [Row("memory: RSS, idle, 1 conversation open", value, "MB", baseline, value / baseline,
                f"≤ {BUDGET_MB:.0f} MB", value <= BUDGET_MB, note="baseline: bare QMainWindow (reference)",
                details={"app_mb": rounded(values, 1), "bare_mb": rounded(baselines, 1)})]
