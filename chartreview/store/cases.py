"""Cases: a song's runs on every loaded chart (or an act's songs), read for the review loop.

A *case* is the unit the review queue walks. Grouped by song, it holds every entry that
shares ``tracks.id`` (one song by one credited act, the same across charts); grouped by
act, every entry whose track's lead act is the same ``artists.id``. A case is in a queue
when any of its runs matches the queue's filter; it is *done* when every run has a
verdict. Its score is the highest of its runs.

The natural key of an entry, stable across laptops and re-imports, is
``"<chart name lower>|<region>|<frequency>|<tracks.norm_key>"``; a song case's key is
its ``norm_key``, an act case's the act's normalised name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from chartreview.store.db import Project, now_iso, select_in, translate_errors
from chartreview.store.keys import natural_key as natural_key  # one key for cases and teams
from chartreview.store.keys import natural_keys as natural_keys
from chartreview.store.queries import CHART_LABEL, ENTRY_FROM, EntryFilter, select_dicts

Grouping = Literal["song", "act"]
GROUP_COLUMN: dict[str, str] = {"song": "e.track_id", "act": "t.artist_id"}


@dataclass(frozen=True)
class CaseRow:
    """One case as the queue sees it."""

    grouping: str
    group_id: int  # tracks.id (song) or artists.id (act)
    key: str  # the natural key: norm_key of the song, or the act's normalised name
    score: float | None  # the highest score of its runs
    entry_ids: tuple[int, ...]  # every run, highest score first
    decided: int  # runs with a verdict

    @property
    def done(self) -> bool:
        return self.decided == len(self.entry_ids)

    @property
    def top_entry(self) -> int:
        return self.entry_ids[0]


def _case_sql(grouping: Grouping, where: str) -> str:
    group = GROUP_COLUMN[grouping]
    key = "t.norm_key" if grouping == "song" else "a.norm"
    return (
        f"WITH m AS (SELECT DISTINCT {group} AS gid {ENTRY_FROM} {where}) "
        f"SELECT {group} AS gid, MIN({key}), MAX(s.score), COUNT(v.verdict), "
        "json_group_array(json_array(e.id, s.score)) FROM entries e "
        "JOIN tracks t ON t.id = e.track_id JOIN artists a ON a.id = t.artist_id "
        "LEFT JOIN scores s ON s.entry_id = e.id LEFT JOIN verdicts v ON v.entry_id = e.id "
        f"WHERE {group} IN (SELECT gid FROM m) GROUP BY {group} "
        f"ORDER BY COALESCE(MAX(s.score), -1) DESC, {group}"
    )


def _row(grouping: str, row: tuple[Any, ...]) -> CaseRow:
    gid, key, score, decided, runs = row
    ordered = sorted(json.loads(runs), key=lambda r: (-(r[1] if r[1] is not None else -1),
                                                      r[0]))
    return CaseRow(grouping, gid, key, score, tuple(r[0] for r in ordered), decided)


def cases(project: Project, flt: EntryFilter | None = None,
          grouping: Grouping = "song") -> list[CaseRow]:
    """The cases with a run matching ``flt``, highest score first (then by id)."""
    where, params = (flt or EntryFilter()).where()
    return [_row(grouping, r) for r in
            project.conn.execute(_case_sql(grouping, where), params)]


def case_of(project: Project, entry_id: int, grouping: Grouping = "song") -> CaseRow | None:
    """The case an entry belongs to (all the song's, or the act's, runs)."""
    found = cases_of(project, [entry_id], grouping)
    return found[0] if found else None


def cases_of(project: Project, entry_ids: Sequence[int],
             grouping: Grouping = "song") -> list[CaseRow]:
    """The cases of the given entries (each once), in the order of their first entry."""
    ids = list(dict.fromkeys(entry_ids))
    if not ids:
        return []
    col = GROUP_COLUMN[grouping]
    gids = dict(select_in(project.conn, f"SELECT e.id, {col} FROM entries e JOIN tracks t "
                                        "ON t.id = e.track_id WHERE e.id IN ({marks})", ids))
    wanted = list(dict.fromkeys(gids[e] for e in ids if e in gids))
    found = {row[0]: _row(grouping, row) for row in select_in(
        project.conn, _case_sql(grouping, f" WHERE {col} IN " + "({marks})"), wanted)}
    return [found[g] for g in wanted if g in found]


def case_entries(project: Project, entry_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Display rows of a case's runs, in the order given."""
    from chartreview.store.queries import rows_for

    rows = rows_for(project, list(entry_ids))
    return [rows[e] for e in entry_ids if e in rows]


def case_positions(project: Project, entry_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every position of a case's runs, by run then date (the plot's curves; a run's
    own rows hold what ``queries.positions`` gives but the source's extra columns, so one
    query serves both).

    The runs' chart and title are read once per run and added to their rows: joined on
    every position, the three lookups per row were a third of the query. The columns read
    are those of the positions index by entry (``writer.ENTRY_DATE_INDEX``), so the rows
    come from the index alone.
    """
    if not entry_ids:
        return []
    marks = ", ".join("?" for _ in entry_ids)
    heads = {r[0]: dict(zip(("entry_id", "chart_id", "chart", "metric", "title"), r,
                            strict=True)) for r in project.conn.execute(
        f"SELECT e.id, c.id, {CHART_LABEL}, "
        "c.metric, t.title FROM entries e JOIN charts c ON c.id = e.chart_id "
        f"JOIN tracks t ON t.id = e.track_id WHERE e.id IN ({marks})", list(entry_ids))}
    return [{**heads[e], "date": day, "rank": rank, "last_rank": last, "peak": peak,
             "weeks_on_chart": weeks, "streams": streams, "sales": sales}
            for e, day, rank, last, peak, weeks, streams, sales in project.conn.execute(
                "SELECT entry_id, date, rank, last_rank, peak, weeks_on_chart, streams, "
                f"sales FROM positions WHERE entry_id IN ({marks}) "
                "ORDER BY entry_id, date", list(entry_ids))]


# --- the time an analyst takes ------------------------------------------------------------
def recent_decision_seconds(project: Project, analyst: str, limit: int = 50) -> list[float]:
    """Seconds per decision of the analyst's latest verdicts (a case's runs count once)."""
    return [float(r[0]) for r in project.conn.execute(
        "SELECT MAX(seconds) FROM review_events WHERE analyst = ? AND kind = 'verdict' "
        "AND seconds IS NOT NULL GROUP BY COALESCE(batch, -id) ORDER BY MAX(id) DESC LIMIT ?",
        (analyst, limit))]


# --- watched cases ------------------------------------------------------------------------
def watched(project: Project) -> list[dict[str, Any]]:
    """Every watched entry with its baseline and what it holds now."""
    out = select_dicts(
        project,
        "SELECT v.entry_id, e.track_id, t.artist_id, v.baseline, v.event_id, v.updated_at, "
        "v.verdict, e.weeks, e.last_date, s.score, "
        f"{CHART_LABEL} AS chart, "
        "(SELECT json_group_array(g.signal) FROM (SELECT signal FROM signals "
        "WHERE entry_id = e.id AND contribution > 0 ORDER BY signal) g) AS fired "
        "FROM verdicts v JOIN entries e ON e.id = v.entry_id "
        "JOIN charts c ON c.id = e.chart_id JOIN tracks t ON t.id = e.track_id "
        "LEFT JOIN scores s ON s.entry_id = e.id WHERE v.watch = 1 ORDER BY v.entry_id")
    for row in out:
        row["baseline"] = json.loads(row["baseline"] or "{}")
        row["fired"] = json.loads(row["fired"] or "[]")
    return out


def runs_of_tracks(project: Project, track_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every run of the given songs with its weeks, last date, score and chart."""
    if not track_ids:
        return []
    marks = ", ".join("?" for _ in track_ids)
    return select_dicts(
        project,
        "SELECT e.id AS entry_id, e.track_id, e.weeks, e.last_date, s.score, "
        f"{CHART_LABEL} AS chart "
        "FROM entries e JOIN charts c ON c.id = e.chart_id "
        f"LEFT JOIN scores s ON s.entry_id = e.id WHERE e.track_id IN ({marks})", track_ids)


def imported_since(project: Project, entry_ids: Sequence[int], since: str) -> set[int]:
    """Which of the entries got positions from an import made on or after ``since``."""
    if not entry_ids:
        return set()
    marks = ", ".join("?" for _ in entry_ids)
    return {r[0] for r in project.conn.execute(
        "SELECT DISTINCT p.entry_id FROM positions p JOIN imports i ON i.id = p.import_id "
        f"WHERE p.entry_id IN ({marks}) AND i.imported_at >= ?", [*entry_ids, since])}


def last_score_run_at(project: Project) -> str | None:
    row = project.conn.execute("SELECT MAX(created_at) FROM score_runs").fetchone()
    return row[0] if row else None


# --- one chart week -----------------------------------------------------------------------
def chart_week(project: Project, chart_id: int, day: str, rank: int,
               size: int = 10) -> list[dict[str, Any]]:
    """The ``size`` entries around ``rank`` on one chart date (as the side panel shows):
    the rank itself and its neighbours, fewer above it near No. 1 and more below."""
    rows = select_dicts(
        project,
        "SELECT p.rank, p.last_rank, p.streams, p.sales, e.id AS entry_id, e.first_date, "
        "t.title, t.artist_credit AS artist, s.score, v.verdict FROM positions p "
        "JOIN entries e ON e.id = p.entry_id JOIN tracks t ON t.id = e.track_id "
        "LEFT JOIN scores s ON s.entry_id = e.id LEFT JOIN verdicts v ON v.entry_id = e.id "
        "WHERE p.chart_id = ? AND p.date = ? AND p.rank BETWEEN ? AND ? ORDER BY p.rank",
        (chart_id, day, rank - size, rank + size))
    at = next((i for i, r in enumerate(rows) if r["rank"] >= rank), len(rows))
    start = max(0, min(at - size // 2, len(rows) - size))
    return rows[start:start + size]


# --- neighbours ---------------------------------------------------------------------------
def same_debut_week(project: Project, entry_ids: Sequence[int],
                    limit: int = 200) -> list[dict[str, Any]]:
    """Entries that debuted on the same chart within the week of one of these runs' debut."""
    if not entry_ids:
        return []
    marks = ", ".join("?" for _ in entry_ids)
    return select_dicts(
        project,
        "SELECT o.id AS entry_id, me.id AS near, me.first_date AS debut, "
        f"{CHART_LABEL} AS chart "
        f"FROM entries me JOIN entries o ON o.chart_id = me.chart_id AND o.id != me.id "
        "AND o.track_id != me.track_id "
        "AND o.first_date BETWEEN date(me.first_date, '-3 days') "
        "AND date(me.first_date, '+3 days') JOIN charts c ON c.id = me.chart_id "
        f"LEFT JOIN scores s ON s.entry_id = o.id WHERE me.id IN ({marks}) "
        "ORDER BY COALESCE(s.score, -1) DESC, o.id LIMIT ?", [*entry_ids, limit])


def track_facts(project: Project, track_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(track id, name, value) of what the sources said about these tracks (label...)."""
    if not track_ids:
        return []
    marks = ", ".join("?" for _ in track_ids)
    return [tuple(r) for r in project.conn.execute(  # type: ignore[misc]
        f"SELECT track_id, name, value FROM track_facts WHERE track_id IN ({marks}) "
        "ORDER BY name, value", list(track_ids))]


def tracks_with_fact(project: Project, name: str, value: str,
                     limit: int = 200) -> list[int]:
    return [r[0] for r in project.conn.execute(
        "SELECT track_id FROM track_facts WHERE name = ? AND value = ? ORDER BY track_id "
        "LIMIT ?", (name, value, limit))]


def entries_since(project: Project, last_id: int) -> int:
    """How many entries an import made (ids above the last one before it)."""
    return int(project.conn.execute("SELECT COUNT(*) FROM entries WHERE id > ?",
                                    (last_id,)).fetchone()[0])


def entries_of_tracks(project: Project, track_ids: Sequence[int]) -> list[int]:
    if not track_ids:
        return []
    marks = ", ".join("?" for _ in track_ids)
    return [r[0] for r in project.conn.execute(
        f"SELECT id FROM entries WHERE track_id IN ({marks}) ORDER BY id", list(track_ids))]


def similarity_inputs(project: Project) -> dict[str, Any]:
    """What "more like this" compares, as arrays: every entry (id, track, act, chart,
    debut day, score, debut rank, positions), each chart's deepest rank, every signal's
    value, and every position (entry, day, rank) from the packed columns."""
    import numpy as np

    from chartreview.store.columns import load

    cols = load(project)
    rows = project.conn.execute(
        "SELECT e.id, e.track_id, t.artist_id, e.chart_id, e.first_date, "
        "COALESCE(s.score, -1), COALESCE(e.debut_rank, 0), COALESCE(e.weeks, 0) "
        "FROM entries e JOIN tracks t ON t.id = e.track_id "
        "LEFT JOIN scores s ON s.entry_id = e.id WHERE e.first_date IS NOT NULL "
        "ORDER BY e.id").fetchall()
    ids, tracks, acts, charts, firsts, scores, debuts, weeks = (
        list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 8
    signals = project.conn.execute(
        "SELECT entry_id, signal, value FROM signals WHERE value IS NOT NULL").fetchall()
    return {
        "entry_id": np.asarray(ids, dtype=np.int64),
        "track_id": np.asarray(tracks, dtype=np.int64),
        "artist_id": np.asarray(acts, dtype=np.int64),
        "chart_id": np.asarray(charts, dtype=np.int64),
        "first_day": np.asarray(firsts, dtype="datetime64[D]").astype(np.int64),
        "score": np.asarray(scores, dtype=np.float64),
        "debut_rank": np.asarray(debuts, dtype=np.int64),
        "weeks": np.asarray(weeks, dtype=np.int64),
        "signals": signals,
        "positions": {k: cols[k] for k in ("entry_id", "day", "rank")},
    }


def similarity_version(project: Project) -> tuple[int, int]:
    """Changes when what "more like this" compares changes: (last import, last score run)."""
    row = project.conn.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM imports), "
        "(SELECT COALESCE(MAX(id), 0) FROM score_runs)").fetchone()
    return int(row[0]), int(row[1])


# --- saved queues -------------------------------------------------------------------------
def saved_queues(project: Project) -> dict[str, dict[str, Any]]:
    return {name: json.loads(definition) for name, definition in project.conn.execute(
        "SELECT name, definition FROM saved_queues ORDER BY name")}


def save_queue(project: Project, name: str, definition: dict[str, Any]) -> None:
    with translate_errors(project.path), project.db.atomic():
        project.conn.execute(
            "INSERT INTO saved_queues (name, definition, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET definition = excluded.definition",
            (name, json.dumps(definition, sort_keys=True), now_iso()))


def delete_queue(project: Project, name: str) -> bool:
    with translate_errors(project.path), project.db.atomic():
        cur = project.conn.execute("DELETE FROM saved_queues WHERE name = ?", (name,))
    return cur.rowcount > 0
