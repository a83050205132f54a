"""Positions as packed columns, for the scorer: blocks of numpy arrays kept in SQLite.

Stepping a million positions out of Python's sqlite3 takes one to five seconds (a row
object per position); the same columns packed as arrays read in milliseconds. An
import writes one block per chunk in its own transaction (:func:`write_block`), so the
blocks commit or roll back with the rows they copy. They are a cache: an import whose
blocks do not add up to the rows it stored (a project from before the cache, a chunk
that lost a race with another writer) gets them rebuilt from ``positions`` on the next
read, and the blocks are never the only copy of anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chartreview.store.db import Project, translate_errors

if TYPE_CHECKING:
    import pandas as pd

DTYPES = {"entry_id": "<i4", "day": "<i4", "rank": "<i4", "streams": "<f8", "sales": "<f8"}
EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def iso_days(dates: Sequence[str] | Any) -> np.ndarray:
    """Days since 1970-01-01 of ISO dates, parsing each distinct date once."""
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(dates), sort=False)
    days = np.asarray(pd.to_datetime(pd.Series(uniques), format="%Y-%m-%d").to_numpy()
                      .astype("datetime64[D]").astype(np.int64))
    return days[codes]


def write_block(conn: sqlite3.Connection, import_id: int, columns: dict[str, Any]) -> None:
    """Store one chunk of an import's positions (entry_id, day, rank, streams, sales).

    ``day`` is days since 1970-01-01; missing streams or sales are NaN.
    """
    packed = {k: np.ascontiguousarray(np.asarray(columns[k], dtype=np.float64 if
                                                 DTYPES[k] == "<f8" else np.int64)
                                      .astype(DTYPES[k])).tobytes() for k in DTYPES}
    rows = len(columns["entry_id"])
    conn.execute(
        "INSERT INTO position_blocks (import_id, rows, entry_id, day, rank, streams, sales) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", (import_id, rows, *packed.values()))


def _stale_imports(conn: sqlite3.Connection) -> list[int]:
    """Imports whose blocks do not hold exactly the rows they stored."""
    return [int(r[0]) for r in conn.execute(
        "SELECT i.id FROM imports i LEFT JOIN (SELECT import_id, SUM(rows) AS n "
        "FROM position_blocks GROUP BY import_id) b ON b.import_id = i.id "
        "WHERE COALESCE(i.rows_imported, 0) != COALESCE(b.n, 0)")]


def _rebuild(project: Project, stale: list[int], chunk: int = 200_000) -> None:
    """Write the blocks of ``stale`` imports again from the positions table.

    One pass over the table, a chunk of rows at a time (memory stays bounded on a
    project of ten million positions).
    """
    conn = project.conn
    with translate_errors(project.path), project.db.atomic():
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _stale (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM _stale")
        conn.executemany("INSERT INTO _stale VALUES (?)", ((i,) for i in stale))
        conn.execute("DELETE FROM position_blocks WHERE import_id IN (SELECT id FROM _stale)")
        cur = conn.execute(
            "SELECT import_id, entry_id, date, rank, streams, sales FROM positions "
            "WHERE import_id IN (SELECT id FROM _stale)")
        while rows := cur.fetchmany(chunk):
            iid, entry, dates, rank, streams, sales = (np.asarray(c, dtype=object) for c in
                                                       zip(*rows, strict=True))
            iid = iid.astype(np.int64)
            streams[streams == None] = np.nan  # noqa: E711 (elementwise)
            sales[sales == None] = np.nan  # noqa: E711
            days = iso_days(dates)
            for one in np.unique(iid):
                sel = iid == one
                write_block(conn, int(one), {
                    "entry_id": entry[sel], "day": days[sel], "rank": rank[sel],
                    "streams": streams[sel], "sales": sales[sel]})
        conn.execute("DELETE FROM _stale")


def load(project: Project) -> dict[str, np.ndarray]:
    """Every stored position as columns (entry_id, day, rank, streams, sales)."""
    stale = _stale_imports(project.conn)
    if stale:
        _rebuild(project, stale)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in DTYPES}
    for row in project.conn.execute(
            "SELECT entry_id, day, rank, streams, sales FROM position_blocks ORDER BY id"):
        for key, blob in zip(DTYPES, row, strict=True):
            parts[key].append(np.frombuffer(blob, dtype=DTYPES[key]))
    return {k: (np.concatenate(v) if v else np.zeros(0, dtype=DTYPES[k]))
            for k, v in parts.items()}


def positions_frame(project: Project) -> pd.DataFrame:
    """positions with entry, chart, track and lead artist ids, date, rank, streams, sales."""
    import pandas as pd

    cols = load(project)
    meta = np.asarray(project.conn.execute(
        "SELECT e.id, e.chart_id, e.track_id, t.artist_id FROM entries e "
        "JOIN tracks t ON t.id = e.track_id").fetchall(), dtype=np.int64).reshape(-1, 4)
    size = int(max(meta[:, 0].max(initial=0), cols["entry_id"].max(initial=0))) + 1
    lookup = np.zeros((size, 3), dtype=np.int64)
    lookup[meta[:, 0]] = meta[:, 1:]
    entry = cols["entry_id"].astype(np.int64)
    return pd.DataFrame({
        "entry_id": entry, "chart_id": lookup[entry, 0], "track_id": lookup[entry, 1],
        "artist_id": lookup[entry, 2],
        "date": cols["day"].astype("datetime64[D]").astype("datetime64[ns]"),
        "rank": cols["rank"].astype(np.int64), "streams": cols["streams"],
        "sales": cols["sales"]})
