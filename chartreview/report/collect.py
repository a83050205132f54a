"""What an export or report holds: the options a user chose and the rows they select.

Both faces (CLI and the export dialog) fill an :class:`ExportOptions`; every writer reads
a :class:`ReportData` built here, so the formats always agree on what was exported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from chartreview.domain import CancelToken, ChartreviewError, Progress, ProgressFn
from chartreview.report.safe import check_targets
from chartreview.review.agreement import PairAgreement, pairwise
from chartreview.store import queries, reviews
from chartreview.store import scores as store_scores
from chartreview.store.db import Project, now_iso
from chartreview.store.migrations import APPLICATION_ID
from chartreview.store.reviews import decode_tags
from chartreview.store.team import local as team_local
from chartreview.store.team.replay import Judgement

FORMATS = ("csv", "xlsx", "json", "html", "pdf")
PAPERS = ("a4", "letter")
VERDICT_CHOICES = ("reviewed", "suspicious", "ai", "human", "disputed", "unreviewed", "all")
# disputed: analysts of a team disagree and no lead has decided yet (review.team)
FLAGGED_VERDICTS = ("suspicious", "ai", "disputed")
TOP_SIGNALS = 3


@dataclass
class ExportOptions:
    """The choices behind one export (the same in the CLI and the dialog).

    ``verdict`` None means the format's default: entries with a verdict for the data
    formats, every entry for the findings report (whose summary counts them all and
    whose sections are the flagged ones).
    """

    fmt: str
    out: Path
    verdict: str | None = None
    chart: str = ""
    min_score: float | None = None
    max_score: float | None = None
    date_from: str = ""
    date_to: str = ""
    analyst: str = ""
    paper: str = "a4"
    flag_score: float | None = None
    prepared_by: str = ""
    force: bool = False  # replace existing files (never a project or a database)

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        if self.fmt not in FORMATS:
            raise ChartreviewError(f"Unknown format {self.fmt!r}; use {', '.join(FORMATS)}.")
        if self.paper not in PAPERS:
            raise ChartreviewError(f"Unknown paper {self.paper!r}; use a4 or letter.")
        for name in ("date_from", "date_to"):
            value = getattr(self, name) or ""
            try:
                if value:
                    date.fromisoformat(value)
            except ValueError:
                raise ChartreviewError(
                    f"{name.replace('_', ' ')} {value!r} is not a date like 2025-03-01.") from None
        if self.verdict is not None and self.verdict not in VERDICT_CHOICES:
            raise ChartreviewError(
                f"Unknown verdict filter {self.verdict!r}; use {', '.join(VERDICT_CHOICES)}.")

    @property
    def effective_verdict(self) -> str:
        if self.verdict is None:
            return "" if self.fmt in ("html", "pdf") else "reviewed"
        return "" if self.verdict == "all" else self.verdict

    def describe(self) -> dict[str, Any]:
        """The filters as shown in exports (empty ones left out)."""
        d = asdict(self)
        d["verdict"] = self.effective_verdict or "all"
        for k in ("fmt", "out", "paper", "prepared_by", "force"):
            d.pop(k)
        return {k: v for k, v in d.items() if v not in (None, "")}

    @property
    def targets(self) -> list[Path]:
        """Every file this export may write (CSV: the entries and the events file, and
        for a team the agreement file)."""
        if self.fmt != "csv":
            return [self.out]
        return [self.out, events_csv_path(self.out), agreement_csv_path(self.out)]


def events_csv_path(out: Path) -> Path:
    """Where the CSV export puts its second table (one row per verdict event)."""
    return out.with_name(f"{out.stem}.events.csv")


def agreement_csv_path(out: Path) -> Path:
    """Where a team's CSV export puts Cohen's kappa per analyst pair."""
    return out.with_name(f"{out.stem}.agreement.csv")


def check_export(project_path: Path, opts: ExportOptions) -> None:
    """Refuse, before reading anything, an export that would overwrite the project, its
    side files or backups, another project or database, or (without ``force``) any file.

    Raises
    ------
    ChartreviewError
        ``chartreview.report.safe.TargetExists`` when only ``force`` is missing.
    """
    check_targets(opts.targets, project_path, force=opts.force,
                  application_id=APPLICATION_ID)


@dataclass
class ReportData:
    """Everything one export shows, read from the project in one go."""

    project: str
    generated_at: str
    options: ExportOptions
    entries: list[dict[str, Any]]
    events: list[dict[str, Any]]
    scoring: dict[str, Any] | None
    analysts: list[str]
    charts: list[dict[str, Any]] = field(default_factory=list)
    # entry id -> the track's runs on every chart: [(chart label, entry id, [(date, rank)])]
    trajectories: dict[int, list[tuple[str, int, list[tuple[str, int]]]]] = field(
        default_factory=dict)
    # team review: the project syncs with a team server, or several analysts judged
    team: bool = False
    agreement: list[PairAgreement] = field(default_factory=list)

    def flagged(self) -> list[dict[str, Any]]:
        """Entries that get a section: verdict suspicious/ai, or score >= flag_score."""
        t = self.options.flag_score
        return [e for e in self.entries
                if e["verdict"] in FLAGGED_VERDICTS
                or (t is not None and e["score"] is not None and e["score"] >= t)]


def entry_filter(project: Project, opts: ExportOptions) -> queries.EntryFilter:
    """Turn the options into the store's filter (chart names match by substring)."""
    chart_ids = queries.charts_matching(project, opts.chart)
    return queries.EntryFilter(
        chart_ids=chart_ids, verdict=opts.effective_verdict, min_score=opts.min_score,
        max_score=opts.max_score, date_from=opts.date_from, date_to=opts.date_to,
        analyst=opts.analyst)


def collect(
    project: Project, opts: ExportOptions, *, on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ReportData:
    """Read the entries, their signals and every verdict event the options select.

    Returns
    -------
    ReportData
        Entries sorted by score (highest first), each with ``signals`` (strongest
        first), ``tags`` as a list and ``event_ids`` (all its review events); events
        oldest first, each with its entry's chart, title, artist and first date.
    """
    check_export(project.path, opts)
    rows = queries.list_entries(project, entry_filter(project, opts), sort="score")
    ids = [r["entry_id"] for r in rows]
    total = len(ids) + 1
    sigs: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        if cancel is not None:
            cancel.check()
        sigs.update(queries.signals_for(project, ids[start: start + 500]))
        if on_progress:
            on_progress(Progress(min(start + 500, len(ids)), total, "Reading entries"))
    events = queries.events_for(project, ids)
    for ev in events:
        ev["tags"] = decode_tags(ev["tags"])
    by_entry: dict[int, list[int]] = {}
    for ev in events:
        by_entry.setdefault(ev["entry_id"], []).append(ev["event_id"])
    for r in rows:
        r["tags"] = decode_tags(r["tags"])
        r["signals"] = sigs.get(r["entry_id"], [])
        r["event_ids"] = by_entry.get(r["entry_id"], [])
    judged = team_local.judgements_of(project, ids)
    decided = team_local.decisions_of(project, ids)
    for r in rows:
        r["judgements"] = [_judgement(j) for j in judged.get(r["entry_id"], [])]
        d = decided.get(r["entry_id"])
        r["decision"] = None if d is None else {
            "verdict": d.verdict, "reason": d.reason, "decided_by": d.decided_by, "at": d.at}
    run = store_scores.last_run(project)
    data = ReportData(
        project=project.name, generated_at=now_iso(), options=opts, entries=rows,
        events=events, scoring=run, analysts=reviews.analysts(project),
        charts=queries.charts(project),
        team=(reviews.team_user(project.conn) is not None
              or any(len(j) > 1 for j in judged.values())),
        agreement=pairwise(judged.values()))
    if opts.fmt in ("html", "pdf"):
        flagged = data.flagged()
        for n, e in enumerate(flagged):
            if cancel is not None:
                cancel.check()
            data.trajectories[e["entry_id"]] = _runs(project, e["track_id"])
            if on_progress and n % 20 == 0:
                on_progress(Progress(n, len(flagged), "Reading trajectories"))
    return data


def _judgement(j: Judgement) -> dict[str, Any]:
    return {"analyst": j.analyst, "verdict": j.verdict, "confidence": j.confidence,
            "at": j.at}


def judged_text(e: dict[str, Any]) -> str:
    """Who judged what: ``analyst1: suspicious (confidence 3); analyst2: human``."""
    return "; ".join(f"{j['analyst']}: {j['verdict']}"
                     + (f" (confidence {j['confidence']})" if j["confidence"] else "")
                     for j in e.get("judgements") or [])


def _runs(project: Project, track_id: int) -> list[tuple[str, int, list[tuple[str, int]]]]:
    runs: dict[int, tuple[str, int, list[tuple[str, int]]]] = {}
    for p in queries.track_positions(project, track_id):
        runs.setdefault(p["entry_id"], (p["chart"], p["entry_id"], []))[2].append(
            (p["date"], p["rank"]))
    return list(runs.values())
