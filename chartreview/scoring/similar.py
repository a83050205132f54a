"""More like this: how near two cases are, by their signals and the shape of their run.

Pure numpy (no SQLite, no pandas). Each case is a vector of two parts:

* **signals** ``s``: one value per signal name found in the project (the value each
  signal computed, 0 to 1; organic patterns included), the highest over the case's runs;
  0 where a signal did not fire;
* **rank path** ``p``: the weeks since the debut of the case's strongest run (its
  highest-scored), ``STEPS`` of them; each week's best rank scaled to the chart, so that
  No. 1 is 0 and the chart's deepest rank is 1, and ``OFF`` (1.25) for a week off the
  chart. Daily charts are read week by week too, so a daily and a weekly run compare.

The distance between cases ``a`` and ``b`` is::

    d(a, b) = sqrt( W_SIGNALS * mean_k (s_a,k - s_b,k)^2
                  + (1 - W_SIGNALS) * mean_t ((p_a,t - p_b,t) / OFF)^2 )

Both means lie in [0, 1], so d does too; the similarity shown is ``1 - d``. With
``W_SIGNALS = 0.5`` a case that fired the same signals as strongly and ran the same
course is at 0; one that fired none of them and held No. 1 while the other fell off the
chart is near 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STEPS = 16  # weeks of a run compared (a bulk-bought debut is over well within them)
OFF = 1.25  # a week off the chart: a quarter of the chart below its deepest rank
W_SIGNALS = 0.5
DAYS_PER_STEP = 7


def rank_paths(entry_row: np.ndarray, day: np.ndarray, rank: np.ndarray,
               first_day: np.ndarray, depth: np.ndarray, steps: int = STEPS) -> np.ndarray:
    """The normalised rank path of every entry, one row each.

    Parameters
    ----------
    entry_row
        For each position, the row of its entry (0 to n - 1).
    day, rank
        Each position's day (days since 1970-01-01) and rank.
    first_day, depth
        Per entry: the day of its debut, and the deepest rank of its chart.

    Returns
    -------
    numpy.ndarray
        ``(n, steps)``: the best rank of each week since the debut scaled to [0, 1],
        ``OFF`` for a week without a position.
    """
    n = len(first_day)
    paths = np.full((n, steps), OFF, dtype=np.float64)
    if not len(entry_row):
        return paths
    week = (day - first_day[entry_row]) // DAYS_PER_STEP
    keep = (week >= 0) & (week < steps)
    span = np.maximum(depth.astype(np.float64) - 1, 1)[entry_row[keep]]
    norm = np.clip((rank[keep].astype(np.float64) - 1) / span, 0, 1)
    np.minimum.at(paths, (entry_row[keep], week[keep]), norm)
    return paths


@dataclass(frozen=True)
class Nearest:
    """The nearest cases to one case, nearest first."""

    rows: np.ndarray  # case rows
    distance: np.ndarray  # d, in [0, 1]
    signal_part: np.ndarray  # mean squared signal difference
    path_part: np.ndarray  # mean squared (path difference / OFF)
    path_gap: np.ndarray  # mean absolute path difference (share of the chart)


def nearest(signals: np.ndarray, paths: np.ndarray, i: int, k: int = 20,
            exclude: np.ndarray | None = None) -> Nearest:
    """The ``k`` cases nearest to case ``i`` by the distance in the module docstring.

    ``signals`` is ``(n, S)``, ``paths`` ``(n, STEPS)``; ``exclude`` a boolean mask of
    cases never returned (case ``i`` itself is always left out).
    """
    n = len(paths)
    ds = np.mean((signals - signals[i]) ** 2, axis=1) if signals.shape[1] else np.zeros(n)
    diff = paths - paths[i]
    dp = np.mean((diff / OFF) ** 2, axis=1)
    d = np.sqrt(W_SIGNALS * ds + (1 - W_SIGNALS) * dp)
    d[i] = np.inf
    if exclude is not None:
        d[exclude] = np.inf
    k = min(k, int(np.isfinite(d).sum()))
    if k <= 0:
        empty = np.zeros(0)
        return Nearest(np.zeros(0, dtype=np.int64), empty, empty, empty, empty)
    top = np.argpartition(d, k - 1)[:k] if k < n else np.arange(n)
    top = top[np.lexsort((top, d[top]))][:k]
    gap = np.mean(np.abs(diff[top]), axis=1)
    return Nearest(top, d[top], ds[top], dp[top], gap)
