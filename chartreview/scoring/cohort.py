"""The typical path of a debut cohort, for the band drawn under an entry's trajectory.

numpy only: the window draws the band for the first entry it shows, so this runs during
start-up, where importing pandas would add 0.13-0.5 s (benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

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
    # flat, then shaped: half the time of np.asarray on a list of tuples
    arr = np.fromiter(chain.from_iterable(rows), dtype=np.int64,
                      count=3 * len(rows)).reshape(-1, 3)
    steps = arr[:, 1] // max(1, period_days)
    keep = steps >= 0
    if max_step is not None:
        keep &= steps <= max_step
    arr, steps = arr[keep], steps[keep]
    if not len(arr):
        return TypicalPath(*(np.zeros(0, dtype=t) for t in (np.int64, float, float, float,
                                                              np.int64)))
    cohort = len(np.unique(arr[:, 0]))
    ranks, ents = arr[:, 2], arr[:, 0]
    order = np.lexsort((ranks, steps))  # by period, then rank
    steps, ranks = steps[order], ranks[order].astype(np.float64)
    uniq, starts, counts = np.unique(steps, return_index=True, return_counts=True)
    # distinct entries per period (an entry may chart twice in a period longer than its
    # chart's)
    span = int(ents.max()) - int(ents.min()) + 1
    pairs = np.unique(steps * span + (ents[order] - ents.min()))  # (period, entry) once
    n = np.bincount(np.searchsorted(uniq, pairs // span), minlength=len(uniq))
    keep = n >= max(5, cohort / 4)
    uniq, starts, counts, n = uniq[keep], starts[keep], counts[keep], n[keep]
    # np.percentile's linear method on each period's sorted ranks, all periods at once
    # (a loop over the periods cost 8 ms for a year of a daily chart)
    q25, q50, q75 = (_quantile(ranks, starts, counts, q) for q in (0.25, 0.5, 0.75))
    return TypicalPath(uniq.astype(np.int64), q25, q50, q75, n.astype(np.int64))


def _quantile(values: np.ndarray, starts: np.ndarray, counts: np.ndarray,
              q: float) -> np.ndarray:
    """The q-quantile of each run ``values[start:start + count]`` (each sorted), as
    ``np.percentile`` computes it: linear between the two values around q * (count - 1)."""
    pos = q * (counts - 1)
    below = np.floor(pos).astype(np.int64)
    t = pos - below
    a = values[starts + below]
    b = values[starts + np.minimum(below + 1, counts - 1)]
    diff = b - a
    # numpy's lerp: from the upper value when t >= 0.5, for the same rounding
    return np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
