"""What a review queue is: a saved filter over cases, its progress and pace, the watchlist.

A queue is defined by a :class:`QueueDef` ("score ≥ 60, unreviewed, Country charts"),
saved in the project under a name. Its *scope* is the same filter without the
"unreviewed" condition, so that "37 of 200 done" counts the cases the analyst has
decided among all those the filter is about. The pace is the analyst's own: the median
seconds per decision over their latest decisions, each recorded with its verdict.

Watched cases come back to the top of every queue when later data changes them (new
weeks, a new chart, or a score moved by at least a set amount), with what changed.

A team (issue 12) has two more queues, of cases as every other: *My queue* (the cases
with a run a lead assigned to this analyst; done when the analyst has judged each run
assigned to them, whatever colleagues said) and *Disputed* (the cases with a run the
analysts disagree on or a lead has decided; done once no run is disputed any more).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from chartreview.domain import ChartreviewError, plural
from chartreview.store import cases as store_cases
from chartreview.store import queries
from chartreview.store.cases import CaseRow, Grouping
from chartreview.store.db import Project
from chartreview.store.team import local as team_local

PACE_DECISIONS = 50  # the pace is the median of this many latest decisions
PACE_CAP_S = 300.0  # a decision left open over lunch counts as five minutes, not two hours
DEFAULT_SCORE_CHANGE = 10.0  # points a watched case's score must move to come back
MAX_NAME = 80
REVIEW_VERDICTS = ("", "unreviewed")  # filters whose cases are done once decided


@dataclass
class QueueDef:
    """A queue's filter, as saved: empty fields do not filter.

    ``charts`` holds chart names (or parts of them) separated by commas, matched against
    the charts loaded when the queue is opened, so a chart imported later joins it.
    """

    text: str = ""
    charts: str = ""
    verdict: str = "unreviewed"
    min_score: float | None = None
    max_score: float | None = None
    signal: str = ""
    date_from: str = ""
    date_to: str = ""
    analyst: str = ""
    grouping: str = "song"
    chart_ids: list[int] = field(default_factory=list)
    artist_id: int | None = None
    assigned_to: str = ""  # a team's "My queue": cases with a run assigned to this analyst
    disputes: bool = False  # a team's "Disputed" queue

    def __post_init__(self) -> None:
        if self.grouping not in ("song", "act"):
            raise ChartreviewError(f"Unknown grouping {self.grouping!r}; use song or act.")
        if self.verdict not in ("", "unreviewed", "reviewed", "suspicious", "ai", "human",
                                "disputed"):
            raise ChartreviewError(f"Unknown verdict filter {self.verdict!r}.")

    @property
    def team(self) -> bool:
        """A team queue: done is this analyst's judging (My queue) or no dispute left."""
        return bool(self.assigned_to) or self.disputes

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> QueueDef:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", [])
                or k == "verdict"}

    @property
    def review_mode(self) -> bool:
        """True when deciding a case takes it out of the queue (not a re-review)."""
        return self.verdict in REVIEW_VERDICTS

    def filter(self, project: Project, *, scope: bool = False) -> queries.EntryFilter:
        """The store's filter; with ``scope``, without the "unreviewed" condition."""
        chart_ids = list(self.chart_ids) + queries.charts_matching(project, self.charts)
        # a team queue's "unreviewed" is not judged by me, or still disputed: read from
        # the events (settle), not from the team's standing in verdicts
        verdict = "" if (scope or self.team) and self.verdict == "unreviewed" else self.verdict
        return queries.EntryFilter(
            text=self.text, chart_ids=chart_ids, verdict=verdict, min_score=self.min_score,
            max_score=self.max_score, signal=self.signal, date_from=self.date_from,
            date_to=self.date_to, artist_id=self.artist_id, analyst=self.analyst,
            assigned_to=self.assigned_to, disputes=self.disputes)

    def describe(self) -> str:
        """The filter in words: ``score ≥ 60, unreviewed, Country charts``."""
        parts: list[str] = []
        if self.min_score is not None and self.max_score is not None:
            parts.append(f"score {self.min_score:g}–{self.max_score:g}")
        elif self.min_score is not None:
            parts.append(f"score ≥ {self.min_score:g}")
        elif self.max_score is not None:
            parts.append(f"score ≤ {self.max_score:g}")
        if self.assigned_to:
            parts.append(f"assigned to {self.assigned_to}"
                         + (", not yet judged by them" if self.review_mode else ""))
        if self.disputes:
            parts.append("analysts disagree or a lead decided")
        if not self.team or not self.review_mode:
            parts.append(self.verdict or "any verdict")
        if self.charts:
            parts.append(f"{self.charts} charts")
        elif self.chart_ids:
            parts.append(plural(len(self.chart_ids), "chart"))
        if self.text:
            parts.append(f"matching '{self.text}'")
        if self.signal:
            parts.append(f"{self.signal.replace('_', ' ')} fired")
        if self.date_from or self.date_to:
            parts.append(f"on the chart {self.date_from or '…'} to {self.date_to or '…'}")
        if self.analyst:
            parts.append(f"judged by {self.analyst}")
        if self.grouping == "act":
            parts.append("by act")
        return ", ".join(parts)


def check_queue_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ChartreviewError("Give the queue a name.")
    name = name.strip()
    if len(name) > MAX_NAME or not name.isprintable():
        raise ChartreviewError(f"A queue name is one line of at most {MAX_NAME} characters.")
    return name


def save(project: Project, name: str, definition: QueueDef) -> str:
    definition.filter(project)  # a chart name that matches nothing is refused now
    name = check_queue_name(name)
    store_cases.save_queue(project, name, definition.to_dict())
    return name


def load(project: Project, name: str) -> QueueDef:
    saved = store_cases.saved_queues(project)
    if name not in saved:
        known = ", ".join(saved) or "none yet"
        raise ChartreviewError(f"There is no saved queue {name!r} (saved: {known}).")
    return QueueDef.from_dict(saved[name])


def saved(project: Project) -> dict[str, QueueDef]:
    return {n: QueueDef.from_dict(d) for n, d in store_cases.saved_queues(project).items()}


# --- team queues ------------------------------------------------------------------------
TEAM_QUEUES = {"mine": "My queue", "disputed": "Disputed"}


def team_queue(kind: str, analyst: str, base: QueueDef | None = None) -> QueueDef:
    """A team's queue over ``base`` (the filter bar's): ``mine`` or ``disputed``."""
    base = base or QueueDef()
    if kind == "mine":
        return replace(base, verdict="unreviewed", assigned_to=analyst, disputes=False)
    if kind == "disputed":
        return replace(base, verdict="unreviewed", disputes=True, assigned_to="")
    raise ChartreviewError(f"Unknown team queue {kind!r}; use mine or disputed.")


def settle(project: Project, definition: QueueDef,
           cases: Sequence[CaseRow]) -> list[CaseRow]:
    """The cases with ``decided`` as the queue counts it: in My queue a run is open while
    assigned to the analyst and not judged by them; in Disputed while disputed."""
    if not definition.team or not cases:
        return list(cases)
    runs = [e for c in cases for e in c.entry_ids]
    open_runs = open_team_runs(project, definition, runs)
    return [replace(c, decided=len(c.entry_ids) - sum(e in open_runs for e in c.entry_ids))
            for c in cases]


def open_team_runs(project: Project, definition: QueueDef, entry_ids: Sequence[int]) -> set[int]:
    """The runs (entries) a team queue still has to do."""
    if definition.assigned_to:  # assigned to the analyst, not yet judged by them
        return {i for i, judged in team_local.queue(project, definition.assigned_to)
                if not judged}.intersection(entry_ids)
    if definition.disputes:
        return set(team_local.disputed(project)).intersection(entry_ids)
    return set()


def queue_cases(project: Project, definition: QueueDef, grouping: Grouping, *,
                scope: bool = False) -> list[CaseRow]:
    """The queue's cases (``scope``: without the "unreviewed" condition), settled."""
    return settle(project, definition,
                  store_cases.cases(project, definition.filter(project, scope=scope), grouping))


def queue_cases_of(project: Project, definition: QueueDef, entry_ids: Sequence[int],
                   grouping: Grouping) -> list[CaseRow]:
    """The cases of these entries, settled for the queue."""
    return settle(project, definition, store_cases.cases_of(project, entry_ids, grouping))


def run_progress(project: Project, definition: QueueDef, entry_ids: Sequence[int],
                 analyst: str) -> QueueProgress:
    """A team queue's progress over runs (the table showing one row per run)."""
    left = open_team_runs(project, definition, entry_ids)
    return QueueProgress(len(entry_ids) - len(left), len(entry_ids), pace(project, analyst))


# --- pace and progress --------------------------------------------------------------------
def pace(project: Project, analyst: str) -> float | None:
    """The analyst's median seconds per decision (None before their first timed one)."""
    seconds = store_cases.recent_decision_seconds(project, analyst, PACE_DECISIONS)
    if not seconds:
        return None
    return statistics.median(min(s, PACE_CAP_S) for s in seconds)


def duration_text(seconds: float) -> str:
    """``<1 min``, ``~4 min``, ``~2 h 10 min``."""
    minutes = round(seconds / 60)
    if seconds < 60:
        return "<1 min"
    if minutes < 60:
        return f"~{minutes} min"
    return f"~{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"~{minutes // 60} h"


@dataclass(frozen=True)
class QueueProgress:
    """How far a queue got: done of total cases, and the time left at the analyst's pace."""

    done: int
    total: int
    pace_s: float | None

    @property
    def left(self) -> int:
        return max(0, self.total - self.done)

    @property
    def seconds_left(self) -> float | None:
        return None if self.pace_s is None else self.left * self.pace_s

    def text(self, name: str = "Queue") -> str:
        """``Queue: 37 of 200 done · ~4 min left`` (``name``: ``My queue``...)."""
        out = f"{name}: {self.done:,} of {self.total:,} done"
        if self.left == 0:
            return out + " · finished"
        if self.seconds_left is not None:
            out += f" · {duration_text(self.seconds_left)} left"
        return out


# --- the watchlist ------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """What changed in a watched case since the analyst's last verdict on it."""

    group_id: int
    entry_ids: tuple[int, ...]
    new_weeks: int
    new_charts: tuple[str, ...]
    score_before: float | None
    score_now: float | None
    fired: tuple[str, ...]  # signals that fire now and did not then

    def reason(self) -> str:
        """``3 new weeks; score 41 → 78: smooth streams fired``."""
        parts: list[str] = []
        if self.new_weeks:
            parts.append(plural(self.new_weeks, "new week"))
        if self.new_charts:
            parts.append("now also on " + ", ".join(self.new_charts))
        if self.score_before is not None or self.score_now is not None:
            before = "–" if self.score_before is None else f"{self.score_before:.0f}"
            now = "–" if self.score_now is None else f"{self.score_now:.0f}"
            if before != now:
                text = f"score {before} → {now}"
                if self.fired:
                    text += ": " + ", ".join(s.replace("_", " ") for s in self.fired) + \
                        " fired"
                parts.append(text)
        if not parts and self.fired:
            parts.append(", ".join(s.replace("_", " ") for s in self.fired) + " fired")
        return "; ".join(parts) or "changed"


def watch_changes(
    project: Project, *, score_change: float = DEFAULT_SCORE_CHANGE,
    since: str | None = None, grouping: Grouping = "song",
) -> list[Change]:
    """Watched cases that later data changed: new weeks, a new chart, or a score moved by
    ``score_change`` points or more, compared with the baseline kept at the analyst's
    last verdict (or watch) on it. Highest score first.

    ``since`` (an ISO date or time) keeps only changes brought by imports made since
    then (or, for a score, a scoring run since then).
    """
    rows = store_cases.watched(project)
    if not rows:
        return []
    key = "track_id" if grouping == "song" else "artist_id"
    by_case: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_case.setdefault(r[key], []).append(r)
    tracks = sorted({r["track_id"] for r in rows})
    all_runs = store_cases.runs_of_tracks(project, tracks)
    imported = (store_cases.imported_since(project, [r["entry_id"] for r in rows], since)
                if since else set())
    scored_since = since is None or (store_cases.last_score_run_at(project) or "") >= since
    out: list[Change] = []
    for gid, runs in by_case.items():
        watched_ids = {r["entry_id"] for r in runs}
        group_tracks = {r["track_id"] for r in runs}
        new_weeks = 0
        for r in runs:
            before = r["baseline"].get("weeks")
            if (before is not None and r["weeks"] is not None and r["weeks"] > before
                    and (since is None or r["entry_id"] in imported)):
                new_weeks += r["weeks"] - before
        extra = [x for x in all_runs if x["track_id"] in group_tracks
                 and x["entry_id"] not in watched_ids]
        if since is not None:
            fresh = store_cases.imported_since(project, [x["entry_id"] for x in extra], since)
            extra = [x for x in extra if x["entry_id"] in fresh]
        before_scores = [r["baseline"].get("score") for r in runs
                         if r["baseline"].get("score") is not None]
        now_scores = [r["score"] for r in runs if r["score"] is not None]
        now_scores += [x["score"] for x in extra if x["score"] is not None]
        s_before = max(before_scores) if before_scores else None
        s_now = max(now_scores) if now_scores else None
        moved = (s_before is not None and s_now is not None
                 and abs(s_now - s_before) >= score_change and scored_since)
        if s_before is None and s_now is not None and s_now >= score_change and scored_since:
            moved = True
        fired_then = {s for r in runs for s in r["baseline"].get("fired", [])}
        fired_now = {s for r in runs for s in r["fired"]}
        if not (new_weeks or extra or moved):
            continue
        out.append(Change(
            gid, tuple(sorted(watched_ids | {x["entry_id"] for x in extra})), new_weeks,
            tuple(sorted({x["chart"] for x in extra})),
            s_before if moved else None, s_now if moved else None,
            tuple(sorted(fired_now - fired_then)) if moved else ()))
    out.sort(key=lambda c: (-(c.score_now if c.score_now is not None else -1), c.group_id))
    return out


# --- disputes -----------------------------------------------------------------------------
def _in_effect(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events an undo has not taken out of effect (an undo of an undo restores)."""
    undone: set[int] = set()
    for ev in reversed(events):
        if ev["kind"] == "undo" and ev["event_id"] not in undone and ev["undoes"] is not None:
            undone.add(ev["undoes"])
    return [ev for ev in events if ev["kind"] != "undo" and ev["event_id"] not in undone]


def disputed(project: Project, cases: Sequence[CaseRow]) -> list[CaseRow]:
    """Cases whose runs' verdicts disagree, or whose analysts' latest verdicts differ."""
    ids = [e for c in cases for e in c.entry_ids]
    events = queries.events_for(project, ids)
    by_entry: dict[int, list[dict[str, Any]]] = {}
    for ev in events:
        by_entry.setdefault(ev["entry_id"], []).append(ev)
    rows = queries.rows_for(project, ids)
    out = []
    for c in cases:
        current = {rows[e]["verdict"] for e in c.entry_ids if e in rows and rows[e]["verdict"]}
        latest: dict[str, str] = {}
        for e in c.entry_ids:
            for ev in _in_effect(by_entry.get(e, [])):
                if ev["kind"] == "verdict" and ev["verdict"]:
                    latest[ev["analyst"] or ""] = ev["verdict"]
        if len(current) > 1 or len(set(latest.values())) > 1:
            out.append(c)
    return out


def labels(project: Project, cases: Iterable[CaseRow]) -> dict[int, str]:
    """A line per case: ``Title — Artist`` (a song) or the act's name, by group id."""
    cases = list(cases)
    rows = queries.rows_for(project, [c.top_entry for c in cases])
    out = {}
    for c in cases:
        r = rows.get(c.top_entry)
        if r is None:
            continue
        out[c.group_id] = r["lead_artist"] if c.grouping == "act" else \
            f"{r['title']} — {r['artist']}"
    return out


# --- what the CLI prints ------------------------------------------------------------------
def parse_since(value: str) -> str | None:
    """``last`` (since the analyst's last verdict on each watched case: None) or a date."""
    from datetime import date, datetime

    text = value.strip()
    if text.lower() == "last":
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise ChartreviewError(f"--changed-since takes 'last' or a date like 2025-11-08, "
                               f"not {value!r}.") from None


def case_dicts(project: Project, cases: Sequence[CaseRow],
               reasons: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Cases as rows for a table or JSON: title, artist, charts, score, runs, reason."""
    rows = queries.rows_for(project, [e for c in cases for e in c.entry_ids])
    out = []
    for c in cases:
        top = rows.get(c.top_entry, {})
        runs = [rows[e] for e in c.entry_ids if e in rows]
        out.append({
            "case": c.key, "grouping": c.grouping, "group_id": c.group_id,
            "title": top.get("lead_artist") if c.grouping == "act" else top.get("title"),
            "artist": top.get("lead_artist") if c.grouping == "act" else top.get("artist"),
            "score": c.score, "done": c.done, "entry_ids": list(c.entry_ids),
            "charts": sorted({r["chart"] for r in runs}),
            "verdicts": sorted({r["verdict"] for r in runs if r["verdict"]}),
            "reason": (reasons or {}).get(c.group_id) or top.get("reason") or "",
        })
    return out
