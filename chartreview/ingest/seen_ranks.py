"""The ranks a bulk load has stored per chart date, standing in for the dropped unique index.

A bulk load into an empty project runs without the UNIQUE (chart_id, date, rank) index
(see :meth:`ImportWriter.begin`). A chunk's own duplicates are found in the chunk; this
remembers what earlier chunks stored, so a rank repeated chunks apart (a chart date cut
by a chunk boundary, or a file that is not sorted by date) is refused as before.
Memory: four bytes per stored row (40 MB for ten million).
"""

from __future__ import annotations

import numpy as np

# A chart date as one integer: days since 1970 (1900-2100 fit in +-50,000) and the chart
_DAY_OFFSET = 100_000
_DAYS = 1_000_000


class SeenRanks:
    """Ranks stored so far, per (chart_id, day)."""

    def __init__(self) -> None:
        self._ranks: dict[int, np.ndarray] = {}

    @staticmethod
    def _groups(chart_ids: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, list[int],
                                                                  np.ndarray, np.ndarray]:
        """Row order sorted by chart date, each chart date once, and where its rows start."""
        keys = np.asarray(chart_ids, dtype=np.int64) * _DAYS + (
            np.asarray(days, dtype=np.int64) + _DAY_OFFSET)
        order = np.argsort(keys, kind="stable")
        uniques, starts = np.unique(keys[order], return_index=True)
        ends = np.append(starts[1:], len(keys))
        return order, uniques.tolist(), starts, ends

    def taken(self, chart_ids: np.ndarray, days: np.ndarray, ranks: np.ndarray) -> np.ndarray:
        """Mask of the rows whose rank on their chart date an earlier chunk stored."""
        out = np.zeros(len(ranks), dtype=bool)
        if not self._ranks or not len(ranks):
            return out
        order, keys, starts, ends = self._groups(chart_ids, days)
        ranks = np.asarray(ranks, dtype=np.int64)
        for key, start, end in zip(keys, starts.tolist(), ends.tolist(), strict=True):
            stored = self._ranks.get(key)
            if stored is not None:
                rows = order[start:end]
                out[rows] = np.isin(ranks[rows], stored)
        return out

    def add(self, chart_ids: np.ndarray, days: np.ndarray, ranks: np.ndarray) -> None:
        """Remember rows just stored."""
        if not len(ranks):
            return
        order, keys, starts, ends = self._groups(chart_ids, days)
        ranks = np.asarray(ranks, dtype=np.int32)[order]
        for key, start, end in zip(keys, starts.tolist(), ends.tolist(), strict=True):
            new = ranks[start:end]
            old = self._ranks.get(key)
            self._ranks[key] = new.copy() if old is None else np.concatenate([old, new])
