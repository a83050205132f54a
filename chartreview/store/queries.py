"""The read side: every query the CLI, the window and the reports make.

Sorting and filtering happen here, in indexed SQL, never over a frame in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chartreview.domain import ChartreviewError
from chartreview.store.db import Project

# Sort keys a user may ask for -> SQL expression (a whitelist: never interpolate input)
SORTS: dict[str, tuple[str, ...]] = {
    "entry": ("e.id",),
    "chart": ("c.name", "c.region", "c.frequency",),
    "title": ("t.title COLLATE NOCASE",),
    "artist": ("t.artist_credit COLLATE NOCASE",),
    "debut": ("e.first_date",),
    "first_date": ("e.first_date",),
    "last_date": ("e.last_date",),
    "debut_rank": ("e.debut_rank",),
    "peak": ("e.peak_rank",),
    "weeks": ("e.weeks",),
    "score": ("COALESCE(s.score, -1)",),
    "manipulation": ("COALESCE(s.manipulation, -1)",),
    "ai": ("COALESCE(s.ai, -1)",),
    "top_signal": ("s.top_signal",),
    "verdict": ("v.verdict",),
    "analyst": ("v.analyst",),
}
DESCENDING_BY_DEFAULT = {"score", "manipulation", "ai", "weeks", "debut", "first_date",
                         "last_date"}

# How every listing names a chart: "Hot 100 (us, weekly)"
CHART_LABEL = "c.name || ' (' || c.region || ', ' || c.frequency || ')'"

ENTRY_COLUMNS = f"""
    e.id AS entry_id, c.id AS chart_id,
    {CHART_LABEL} AS chart,
    c.metric AS metric, c.frequency AS frequency, t.title AS title,
    t.artist_credit AS artist, a.name AS lead_artist,
    a.id AS artist_id, e.track_id AS track_id, e.first_date AS first_date,
    e.last_date AS last_date, e.debut_rank AS debut_rank, e.peak_rank AS peak, e.weeks AS weeks,
    s.score AS score, s.manipulation AS manipulation, s.ai AS ai, s.top_signal AS top_signal,
    s.reason AS reason, v.verdict AS verdict, v.analyst AS analyst, v.note AS note,
    v.tags AS tags, v.confidence AS confidence, v.updated_at AS reviewed_at,
    v.event_id AS event_id, v.range_from AS range_from, v.range_to AS range_to,
    v.watch AS watch
"""
ENTRY_FROM = """
    FROM entries e
    JOIN charts c ON c.id = e.chart_id
    JOIN tracks t ON t.id = e.track_id
    JOIN artists a ON a.id = t.artist_id
    LEFT JOIN scores s ON s.entry_id = e.id
    LEFT JOIN verdicts v ON v.entry_id = e.id
"""


@dataclass
class EntryFilter:
    """What the user narrowed the entries to; empty fields do not filter."""

    text: str = ""
    chart_ids: list[int] = field(default_factory=list)
    verdict: str = ""  # suspicious | ai | human | disputed | unreviewed | reviewed | ""
    min_score: float | None = None
    max_score: float | None = None
    signal: str = ""
    date_from: str = ""
    date_to: str = ""
    artist_id: int | None = None
    analyst: str = ""
    assigned_to: str = ""  # team review: only entries assigned to this analyst
    disputes: bool = False  # team review: entries analysts disagree on, or a lead decided

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.text.strip():
            like = f"%{self.text.strip()}%"
            clauses.append("(t.title LIKE ? OR t.artist_credit LIKE ?)")
            params += [like, like]
        if self.chart_ids:
            clauses.append(f"e.chart_id IN ({', '.join('?' for _ in self.chart_ids)})")
            params += list(self.chart_ids)
        if self.verdict == "unreviewed":
            clauses.append("v.verdict IS NULL")
        elif self.verdict == "reviewed":
            clauses.append("v.verdict IS NOT NULL")
        elif self.verdict:
            clauses.append("v.verdict = ?")
            params.append(self.verdict)
        if self.min_score is not None:
            clauses.append("s.score >= ?")
            params.append(self.min_score)
        if self.max_score is not None:
            clauses.append("s.score <= ?")
            params.append(self.max_score)
        if self.signal:
            clauses.append(
                "EXISTS (SELECT 1 FROM signals g WHERE g.entry_id = e.id AND g.signal = ? "
                "AND g.contribution > 0)"
            )
            params.append(self.signal)
        if self.date_from:
            clauses.append("e.last_date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("e.first_date <= ?")
            params.append(self.date_to)
        if self.artist_id is not None:
            clauses.append("t.artist_id = ?")
            params.append(self.artist_id)
        if self.analyst:
            clauses.append("v.analyst = ?")
            params.append(self.analyst)
        if self.assigned_to:
            clauses.append("e.id IN (SELECT entry_id FROM team_assignments WHERE analyst = ?)")
            params.append(self.assigned_to)
        if self.disputes:
            clauses.append("(v.verdict = 'disputed' OR e.id IN (SELECT entry_id FROM "
                           "team_decisions))")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _order(sort: str, descending: bool | None) -> str:
    if sort not in SORTS:
        raise ValueError(f"Unknown sort {sort!r}; choose from {', '.join(SORTS)}.")
    desc = sort in DESCENDING_BY_DEFAULT if descending is None else descending
    direction = "DESC" if desc else "ASC"
    exprs = [f"{part} {direction}" for part in SORTS[sort]]
    return " ORDER BY " + ", ".join(exprs) + f", e.id {direction}"


def _rows(project: Project, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = project.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def select_dicts(project: Project, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of a read query as dicts by column name (for the store's other read modules)."""
    return _rows(project, sql, list(params))


def charts_matching(project: Project, text: str) -> list[int]:
    """Ids of the charts whose label holds one of the comma-separated names in ``text``
    (any case); every chart for an empty text.

    Raises
    ------
    ChartreviewError
        When names are given and no chart matches them.
    """
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        return []
    found = [c["id"] for c in charts(project) if any(n in c["label"].lower() for n in names)]
    if not found:
        raise ChartreviewError(f"No chart matches {text.strip()!r}.")
    return found


def list_entries(
    project: Project, flt: EntryFilter | None = None, *, sort: str = "score",
    descending: bool | None = None, limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    where, params = (flt or EntryFilter()).where()
    sql = f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} {where} {_order(sort, descending)}"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return _rows(project, sql, params)


def entry_ids(
    project: Project, flt: EntryFilter | None = None, *, sort: str = "score",
    descending: bool | None = None,
) -> list[int]:
    """The ordered ids of all matching entries (the review queue, the table's rows)."""
    where, params = (flt or EntryFilter()).where()
    sql = f"SELECT e.id {ENTRY_FROM} {where} {_order(sort, descending)}"
    return [r[0] for r in project.conn.execute(sql, params)]


def rows_for(project: Project, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Display rows for the given entry ids (one page of the table)."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = _rows(project, f"SELECT {ENTRY_COLUMNS} {ENTRY_FROM} WHERE e.id IN ({marks})",
                 list(ids))
    return {r["entry_id"]: r for r in rows}


def last_entry_id(project: Project) -> int:
    """The newest entry's id (0 in an empty project): entries above it are new."""
    return int(project.conn.execute("SELECT COALESCE(MAX(id), 0) FROM entries").fetchone()[0])


def entry(project: Project, entry_id: int) -> dict[str, Any] | None:
    return rows_for(project, [entry_id]).get(entry_id)


def positions(project: Project, entry_id: int) -> list[dict[str, Any]]:
    return _rows(
        project,
        "SELECT date, rank, last_rank, peak, weeks_on_chart, streams, sales, extra "
        "FROM positions WHERE entry_id = ? ORDER BY date",
        [entry_id],
    )


def track_positions(project: Project, track_id: int) -> list[dict[str, Any]]:
    """The same track on every loaded chart (for overlays and cross-chart signals)."""
    return _rows(
        project,
        "SELECT e.id AS entry_id, c.id AS chart_id, "
        f"{CHART_LABEL} AS chart, c.metric AS metric, "
        "p.date, p.rank, p.streams, p.sales FROM positions p "
        "JOIN entries e ON e.id = p.entry_id JOIN charts c ON c.id = e.chart_id "
        "WHERE e.track_id = ? ORDER BY c.id, p.date",
        [track_id],
    )


def signals(project: Project, entry_id: int) -> list[dict[str, Any]]:
    """One entry's signals, strongest first."""
    return signals_for(project, [entry_id]).get(entry_id, [])


def events(project: Project, entry_id: int | None = None) -> list[dict[str, Any]]:
    base = (
        "SELECT ev.id AS event_id, ev.entry_id, ev.kind, ev.verdict, ev.tags, ev.confidence, "
        "ev.note, ev.analyst, ev.at, ev.undoes, ev.seconds, ev.batch, ev.range_from, "
        "ev.range_to, ev.watch FROM review_events ev"
    )
    if entry_id is None:
        return _rows(project, base + " ORDER BY ev.id", [])
    return _rows(project, base + " WHERE ev.entry_id = ? ORDER BY ev.id", [entry_id])


def charts(project: Project) -> list[dict[str, Any]]:
    return _rows(
        project,
        "SELECT c.id, c.name, c.region, c.frequency, c.platform, c.metric, "
        f"{CHART_LABEL} AS label, "
        "(SELECT COUNT(*) FROM entries e WHERE e.chart_id = c.id) AS entries, "
        "(SELECT MIN(first_date) FROM entries e WHERE e.chart_id = c.id) AS first_date, "
        "(SELECT MAX(last_date) FROM entries e WHERE e.chart_id = c.id) AS last_date "
        "FROM charts c ORDER BY c.name, c.region, c.frequency",
        [],
    )


def imports(project: Project) -> list[dict[str, Any]]:
    return _rows(project, "SELECT * FROM imports ORDER BY id", [])


def summary(project: Project) -> dict[str, int]:
    one = project.conn.execute
    return {
        "charts": one("SELECT COUNT(*) FROM charts").fetchone()[0],
        "entries": one("SELECT COUNT(*) FROM entries").fetchone()[0],
        "positions": one("SELECT COUNT(*) FROM positions").fetchone()[0],
        "tracks": one("SELECT COUNT(*) FROM tracks").fetchone()[0],
        "scored": one("SELECT COUNT(*) FROM scores").fetchone()[0],
        "reviewed": one("SELECT COUNT(*) FROM verdicts WHERE verdict IS NOT NULL").fetchone()[0],
    }


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i: i + size] for i in range(0, len(ids), size)]


def signals_for(project: Project, entry_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Signals of many entries at once, strongest first (for exports and reports)."""
    out: dict[int, list[dict[str, Any]]] = {}
    for chunk in _chunks(list(entry_ids)):
        marks = ", ".join("?" for _ in chunk)
        for r in _rows(project, "SELECT entry_id, signal, value, contribution, reason, "
                       f"reference FROM signals WHERE entry_id IN ({marks}) "
                       "ORDER BY entry_id, contribution DESC, signal", chunk):
            out.setdefault(r.pop("entry_id"), []).append(r)
    return out


def events_for(project: Project, entry_ids: list[int]) -> list[dict[str, Any]]:
    """Every review event of the given entries, oldest first, with the entry's keys."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(list(entry_ids)):
        marks = ", ".join("?" for _ in chunk)
        out += _rows(
            project,
            "SELECT ev.id AS event_id, ev.entry_id, "
            f"{CHART_LABEL} AS chart, "
            "t.title AS title, t.artist_credit AS artist, e.first_date AS first_date, "
            "ev.kind, ev.verdict, ev.tags, ev.confidence, ev.note, ev.analyst, ev.at, "
            "ev.undoes, ev.seconds, ev.batch, ev.range_from, ev.range_to, ev.watch "
            "FROM review_events ev JOIN entries e ON e.id = ev.entry_id "
            "JOIN charts c ON c.id = e.chart_id JOIN tracks t ON t.id = e.track_id "
            f"WHERE ev.entry_id IN ({marks})", chunk)
    return sorted(out, key=lambda r: r["event_id"])


def cohort_of(project: Project, entry_id: int) -> tuple[int, int, int] | None:
    """(chart id, lowest, highest debut rank) of the tenth of its chart the entry debuted in."""
    me = project.conn.execute(
        "SELECT chart_id, debut_rank FROM entries WHERE id = ?", (entry_id,)).fetchone()
    if me is None or me[1] is None:
        return None
    chart_id, debut = me
    size = project.conn.execute(
        "SELECT MAX(peak_rank), MAX(debut_rank) FROM entries WHERE chart_id = ?", (chart_id,)
    ).fetchone()
    tenth = max(1, (max(v or 0 for v in size) or debut) // 10)
    lo = (debut - 1) // tenth * tenth + 1
    return chart_id, lo, lo + tenth - 1


def cohort_positions(
    project: Project, chart_id: int, lo: int, hi: int, *, limit: int = 200,
    max_days: int = 3650,
) -> list[tuple[int, int, int]]:
    """``(entry_id, days since its debut, rank)`` of the ``limit`` most recent entries
    of a chart that debuted between ranks ``lo`` and ``hi``, up to ``max_days`` in."""
    return project.conn.execute(
        "WITH cohort AS (SELECT id, first_date FROM entries WHERE chart_id = ? "
        "AND debut_rank BETWEEN ? AND ? ORDER BY first_date DESC LIMIT ?) "
        "SELECT p.entry_id, CAST(julianday(p.date) - julianday(c.first_date) AS INTEGER), "
        "p.rank FROM positions p JOIN cohort c ON c.id = p.entry_id "
        "WHERE p.date <= date(c.first_date, '+' || ? || ' days')",
        (chart_id, lo, hi, limit, max_days)).fetchall()
