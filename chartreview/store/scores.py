"""Feeding the scorer frames and persisting what it returns (only what changed)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from chartreview.store.db import Project, now_iso, translate_errors

if TYPE_CHECKING:
    import pandas as pd


def scoring_frames(
    project: Project,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """positions (entry, chart, track, artist, date, rank, streams, sales), charts, names
    (every act's name), credits (track_id, artist_id: every act a track credits).

    Positions come from the packed column cache (:mod:`chartreview.store.columns`).
    """
    import numpy as np
    import pandas as pd

    from chartreview.store.columns import positions_frame

    conn = project.conn
    positions = positions_frame(project)
    charts = pd.read_sql_query(
        "SELECT id AS chart_id, name || ' (' || region || ', ' || frequency || ')' AS label, "
        "region, frequency, metric FROM charts", conn)
    names = pd.read_sql_query("SELECT id AS artist_id, name AS artist FROM artists", conn)
    credits = pd.DataFrame(np.asarray(conn.execute(
        "SELECT track_id, artist_id FROM track_artists").fetchall(), dtype=np.int64).reshape(
        -1, 2), columns=["track_id", "artist_id"])
    return positions, charts, names, credits


STAT_COLUMNS = ("n", "first", "last", "debut_rank", "peak", "max_rank", "peak_day",
                "peak_streams", "peak_sales", "amp", "noise", "spike_ratio", "spike_day",
                "rank2", "rank3", "exit_rank", "n_returns", "ret_day", "ret_rank",
                "run_months", "ret_months", "mid_rank", "late_rank", "mid_volume",
                "late_volume")


def entry_stats(project: Project, version: int) -> pd.DataFrame:
    """The per-entry statistics kept by the last run (of this ``version``), by entry_id."""
    import pandas as pd

    return pd.read_sql_query(
        f"SELECT entry_id, {', '.join(STAT_COLUMNS)} FROM entry_stats WHERE version = ?",
        project.conn, params=(version,), index_col="entry_id",
        dtype={"spike_day": "Int64", "peak_streams": "float64", "peak_sales": "float64",
               "amp": "float64", "noise": "float64", "spike_ratio": "float64",
               "mid_rank": "float64", "late_rank": "float64", "mid_volume": "float64",
               "late_volume": "float64"})


def _stat_rows(stats: pd.DataFrame, version: int) -> list[tuple[Any, ...]]:
    import pandas as pd

    cols = [stats[c].astype(object).where(stats[c].notna(), None).tolist()
            for c in STAT_COLUMNS]
    return [(int(e), version, *(None if v is None or v is pd.NA else v for v in row))
            for e, *row in zip(stats.index, *cols, strict=True)]


def data_version(project: Project) -> int:
    return int(project.conn.execute("SELECT COALESCE(MAX(id), 0) FROM imports").fetchone()[0])


def last_run(project: Project) -> dict[str, Any] | None:
    cur = project.conn.execute(
        "SELECT id, created_at, version, settings, entries, data_version, changed "
        "FROM score_runs ORDER BY id DESC LIMIT 1")
    row = cur.fetchone()
    if row is None:
        return None
    run = dict(zip([d[0] for d in cur.description], row, strict=True))
    run["settings"] = json.loads(run["settings"] or "{}")
    return run


def _digest(rows: Any) -> dict[int, str]:
    out: dict[int, list[str]] = {}
    for row in rows:
        out.setdefault(int(row[0]), []).append(repr(tuple(row[1:])))
    return {k: hashlib.sha1("|".join(sorted(v)).encode()).hexdigest() for k, v in out.items()}


def save_scores(project: Project, scores: pd.DataFrame, signals: pd.DataFrame, *,
                settings: dict[str, Any], version: str, data_ver: int,
                stats: pd.DataFrame | None = None, stats_version: int = 0) -> tuple[int, int]:
    """Write a score run; rewrite only entries whose score or signals changed.

    ``stats`` are the per-entry statistics recomputed by this run, kept (in the same
    transaction) for the next one.

    Returns (run id, number of entries changed).
    """
    conn = project.conn
    new_scores = [
        (int(e), float(r.score), float(r.manipulation), float(r.ai),
         r.top_signal if isinstance(r.top_signal, str) else None, r.reason or None)
        for e, r in zip(scores.index, scores.itertuples(index=False), strict=True)
    ]
    new_sig = [(int(r.entry_id), r.signal, round(float(r.value), 4), float(r.contribution),
                r.reason, r.reference) for r in signals.itertuples(index=False)]
    with translate_errors(project.path), project.db.atomic():
        old = {r[0]: r for r in conn.execute(
            "SELECT entry_id, score, manipulation, ai, top_signal, reason FROM scores")}
        old_sig = _digest(conn.execute(
            "SELECT entry_id, signal, round(value, 4), contribution, reason, reference "
            "FROM signals"))
        new_sig_digest = _digest(new_sig)
        changed = {row[0] for row in new_scores
                   if old.get(row[0]) is None or tuple(old[row[0]][1:]) != row[1:]}
        changed |= {e for e in set(new_sig_digest) | set(old_sig)
                    if new_sig_digest.get(e) != old_sig.get(e)}
        gone = set(old) - {row[0] for row in new_scores}
        cur = conn.execute(
            "INSERT INTO score_runs (created_at, version, settings, entries, data_version, "
            "changed) VALUES (?, ?, ?, ?, ?, ?)",
            (now_iso(), version, json.dumps(settings, sort_keys=True), len(new_scores),
             data_ver, len(changed)))
        run_id = int(cur.lastrowid or 0)
        touched = changed | gone
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _rescored (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM _rescored")
        conn.executemany("INSERT INTO _rescored VALUES (?)", ((e,) for e in touched))
        conn.execute("DELETE FROM signals WHERE entry_id IN (SELECT id FROM _rescored)")
        conn.execute("DELETE FROM scores WHERE entry_id IN (SELECT id FROM _rescored)")
        conn.executemany(
            "INSERT INTO scores (entry_id, run_id, score, manipulation, ai, top_signal, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r[0], run_id, *r[1:]) for r in new_scores if r[0] in changed])
        conn.executemany(
            "INSERT INTO signals (entry_id, signal, value, contribution, reason, reference) "
            "VALUES (?, ?, ?, ?, ?, ?)", [r for r in new_sig if r[0] in changed])
        conn.execute("DELETE FROM _rescored")
        if stats is not None and len(stats):
            marks = ", ".join("?" for _ in range(len(STAT_COLUMNS) + 2))
            conn.executemany(
                f"INSERT OR REPLACE INTO entry_stats (entry_id, version, "
                f"{', '.join(STAT_COLUMNS)}) VALUES ({marks})", _stat_rows(stats, stats_version))
    return run_id, len(changed)
