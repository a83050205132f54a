"""Per-entry figures (first/last date, debut and peak rank, positions) gathered during a load.

An entry created by an import holds only the positions that import inserted, so its
figures follow from the rows on their way in. Computing them per chunk in pandas is a
few milliseconds; reading them back from SQLite after a bulk load is not (the rows of
one entry lie all over the table: 27 s of a 10M-row import, measured).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# Merge the per-chunk figures every so many chunks, to hold one row per entry, not per chunk
_MERGE_EVERY = 16


class EntryFigures:
    """Accumulates the figures of the positions inserted, chunk by chunk, in file order."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []
        self._spoiled: set[int] = set()

    def add(self, entry_ids: pd.Series, days: np.ndarray, ranks: pd.Series) -> None:
        """Count inserted rows: days since 1970-01-01, ranks without missing values."""
        import pandas as pd

        day = np.asarray(days, dtype="int64")
        rows = pd.DataFrame({
            "entry": entry_ids.to_numpy(dtype="int64"), "first": day, "last": day,
            "peak": ranks.to_numpy(dtype="int64"), "n": 1,
            "debut": ranks.to_numpy(dtype="int64"),
        })
        self._parts.append(_combine(rows))
        if len(self._parts) >= _MERGE_EVERY:
            self._parts = [_combine(pd.concat(self._parts, ignore_index=True))]

    def spoil(self, entry_ids: list[int]) -> None:
        """Leave these entries to the database: some of their rows were not inserted."""
        self._spoiled.update(entry_ids)

    def rows(self, entry_ids: set[int]) -> Iterator[tuple[str, str, int, int, int, int]]:
        """(first_date, last_date, peak, positions, debut_rank, entry_id) of these entries."""
        import pandas as pd

        if not self._parts:
            return
        total = _combine(pd.concat(self._parts, ignore_index=True))
        total = total[total["entry"].isin(list(entry_ids - self._spoiled))]
        yield from zip(
            _iso(total["first"]), _iso(total["last"]), total["peak"].tolist(),
            total["n"].tolist(), total["debut"].tolist(), total["entry"].tolist(), strict=True)


def _combine(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per entry. The debut is the rank of the earliest date's first row in file
    order, as SQLite's ``ORDER BY date LIMIT 1`` over the (entry_id, date) index gives it.
    """
    rows = rows.sort_values(["entry", "first"], kind="stable")
    g = rows.groupby("entry", sort=False)
    out = g.agg(first=("first", "first"), last=("last", "max"), peak=("peak", "min"),
                n=("n", "sum"), debut=("debut", "first"))
    return out.reset_index()


def _iso(days: pd.Series) -> list[str]:
    return days.to_numpy(dtype="int64").astype("datetime64[D]").astype(str).tolist()
