"""The typical path of a debut cohort, for the band drawn under an entry's trajectory.

numpy only: the window draws the band for the first entry it shows, so this runs during
start-up, where importing pandas would add 0.13-0.5 s (benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)  # compared by identity: the plot's "already drawn" check
class TypicalPath:
    """Rank quartiles per period since debut, and how many of the cohort chart in it."""

    step: np.ndarray
    p25: np.ndarray
    p50: np.ndarray
    p75: np.ndarray
    n: np.ndarray

    def __len__(self) -> int:
        return len(self.step)


def typical_path(rows: list[tuple[int, int, int]], period_days: int,
                 max_step: int | None = None) -> TypicalPath:
    """The cohort's typical trajectory: rank quartiles per period since debut.

    ``rows`` are (entry_id, days since debut, rank). A period is kept while at least a
    quarter of the cohort (and five entries) still chart in it, so the band does not
    end in the few long-stayers' ranks; ``max_step`` stops it where the plot ends.
    """
    arr = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
    steps = arr[:, 1] // max(1, period_days)
    keep = steps >= 0
    if max_step is not None:
        keep &= steps <= max_step
    arr, steps = arr[keep], steps[keep]
    if not len(arr):
        return TypicalPath(*(np.zeros(0, dtype=t) for t in (np.int64, float, float, float,
                                                              np.int64)))
    cohort = len(np.unique(arr[:, 0]))
    order = np.argsort(steps, kind="stable")
    steps, ranks, ents = steps[order], arr[order, 2], arr[order, 0]
    uniq, starts = np.unique(steps, return_index=True)
    out = []
    for step, r, e in zip(uniq, np.split(ranks, starts[1:]), np.split(ents, starts[1:]),
                          strict=True):
        n = len(np.unique(e))
        if n >= max(5, cohort / 4):
            q25, q50, q75 = np.percentile(r, (25, 50, 75))
            out.append((int(step), q25, q50, q75, n))
    cols = np.ascontiguousarray(np.asarray(out, dtype=np.float64).reshape(-1, 5).T)
    return TypicalPath(cols[0].astype(np.int64), cols[1], cols[2], cols[3],
                       cols[4].astype(np.int64))
