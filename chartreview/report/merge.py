"""Merging verdicts exported from another copy of a project (JSON, CSV or XLSX export).

Entries are matched by chart, title and artist (and first date when it matches too).
The other copy's events are appended with their own analyst and time; events already
here (same entry, kind, verdict, tags, confidence, note, analyst and time) are skipped,
so merging the same file twice adds nothing. Where both copies changed an entry and now
disagree on its verdict, ours stays current: their events are kept in the history and
a ``hold`` undo event (a note says why) takes them out of effect. Undoing that event
takes their verdict. Conflicts are listed, never resolved silently.

Every event is checked exactly as ``chartreview label`` checks one (``review.audit``):
a file with a bad event is refused whole, naming the first, unless the user asks to
skip the bad ones. Events are appended in the file's own order (its event ids) and take
effect in the order this project receives them; their times are shown, never trusted
for ordering, and a time in the future is refused.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chartreview.domain import ChartreviewError
from chartreview.report.export import EVENT_COLUMNS, TAG_SEP, events_csv_path
from chartreview.report.safe import unescape_cell
from chartreview.review import audit
from chartreview.store import queries, reviews
from chartreview.store.db import Project
from chartreview.store.reviews import decode_tags

EventKey = tuple[Any, ...]


@dataclass(frozen=True)
class Conflict:
    """An entry the two copies disagree on: what stays (ours) and what was held back."""

    entry_id: int
    label: str
    ours: str
    our_analyst: str
    theirs: str
    their_analyst: str
    hold_event_ids: tuple[int, ...]

    def line(self) -> str:
        holds = ", ".join(f"#{i}" for i in self.hold_event_ids)
        return (f"Conflict on entry {self.entry_id} ({self.label}): here {self.ours} "
                f"({self.our_analyst}), theirs {self.theirs} ({self.their_analyst}). Kept "
                f"{self.ours}; both histories are kept. Undo event {holds} to take theirs.")


@dataclass
class MergeReport:
    """What a merge did."""

    read: int = 0
    added: int = 0
    present: int = 0
    invalid: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"Read {self.read:,} verdict events: {self.added:,} added, {self.present:,} "
                f"already here, {len(self.unmatched):,} for entries not in this project"
                + (f", {len(self.invalid):,} invalid and skipped" if self.invalid else "")
                + f". {len(self.updated):,} entries changed verdict, "
                f"{len(self.conflicts):,} conflicts.")
        return text

    def lines(self) -> list[str]:
        out = [c.line() for c in self.conflicts]
        out += [f"Skipped: {why}" for why in self.invalid[:20]]
        out += [f"Not in this project: {u}" for u in self.unmatched[:20]]
        if len(self.unmatched) > 20:
            out.append(f"... and {len(self.unmatched) - 20:,} more not in this project.")
        return out


class InvalidEvent(ChartreviewError):
    """One event of a merge file is not acceptable (the message names it and why)."""


def _int(v: Any, what: str) -> int | None:
    if v in (None, ""):
        return None
    if isinstance(v, bool):
        raise ValueError(f"{what} is not a whole number")
    try:
        number = float(v) if not isinstance(v, int) else v
    except (TypeError, ValueError):
        raise ValueError(f"{what} {v!r} is not a whole number") from None
    if isinstance(number, float) and not number.is_integer():
        raise ValueError(f"{what} {v!r} is not a whole number")
    if not -(2**63) < int(number) < 2**63:
        raise ValueError(f"{what} {v!r} is out of range")
    return int(number)


def _number(v: Any, what: str) -> float | None:
    if v in (None, ""):
        return None
    if isinstance(v, bool):
        raise ValueError(f"{what} is not a number")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {v!r} is not a number") from None


def _tags(v: Any) -> tuple[str, ...]:
    if v in (None, ""):
        return ()
    if isinstance(v, list | tuple) or (isinstance(v, str) and v.startswith("[")):
        if isinstance(v, list | tuple) and not all(isinstance(t, str) for t in v):
            raise ValueError("tags must be a list of words")
        return tuple(sorted(decode_tags(list(v) if isinstance(v, tuple) else v)))
    if not isinstance(v, str):
        raise ValueError(f"tags must be text or a list of words, not {type(v).__name__}")
    return tuple(sorted(t.strip() for t in v.split(TAG_SEP.strip()) if t.strip()))


def _text(r: dict[str, Any], key: str) -> None:
    v = r[key]
    if v is not None and not isinstance(v, str):
        if isinstance(v, int | float) and not isinstance(v, bool) and key != "note":
            r[key] = str(v)  # a spreadsheet may have made a title or date a number
        else:
            raise ValueError(f"{key} is {type(v).__name__}, not text")


def _clean(row: Any, n: int, *, typed: bool = False) -> dict[str, Any]:
    """One event row checked as ``label`` checks an event (raises InvalidEvent).

    ``typed``: the row comes from JSON, where an empty note ("" clears the note) and
    no note (None) differ; in a CSV or workbook an empty cell is no value.
    """
    label = f"event {n:,}"
    try:
        if not isinstance(row, dict):
            raise ValueError(f"it is {type(row).__name__}, not an object of fields")
        r = {k: row.get(k) if typed else unescape_cell(row.get(k)) for k in EVENT_COLUMNS}
        r = {k: (None if v == "" and not (typed and k == "note") else v)
             for k, v in r.items()}
        if r["event_id"] is not None:
            label += f" (#{r['event_id']})"
        missing = [k for k in ("event_id", "chart", "title", "artist", "kind", "at")
                   if r[k] is None]
        if missing:
            raise ValueError(f"it lacks {', '.join(missing)}; is this an export of "
                             "verdict events?")
        for k in ("event_id", "entry_id", "confidence", "undoes", "watch"):
            r[k] = _int(r[k], k)
        if r["watch"] not in (None, 0, 1):
            raise ValueError(f"watch {r['watch']!r} is neither 0 nor 1")
        r["from"], r["to"] = audit.check_range(r["from"], r["to"])
        r["seconds"] = audit.check_seconds(_number(r["seconds"], "seconds"))
        for k in ("chart", "title", "artist", "first_date", "kind", "verdict", "analyst",
                  "note", "at"):
            _text(r, k)
        r["tags"] = _tags(r["tags"])
        checked = audit.check_event(r["kind"], analyst=r["analyst"], verdict=r["verdict"],
                                    tags=list(r["tags"]) or None,
                                    confidence=r["confidence"], note=r["note"])
        r.update(checked)
        r["tags"] = tuple(checked["tags"] or ())
        r["at"] = audit.check_time(r["at"])
        if r["kind"] == "undo" and r["undoes"] is None:
            raise ValueError("it is an undo that names no event")
    except (ValueError, ChartreviewError) as e:
        reason = str(e).rstrip(".")
        raise InvalidEvent(f"{label}: {reason[0].lower() + reason[1:]}") from None
    return r


def read_events(path: Path, *, invalid: list[str] | None = None) -> list[dict[str, Any]]:
    """Read the verdict events of a chartreview export (JSON, entries or events CSV, XLSX).

    Parameters
    ----------
    invalid
        Where to list the events that fail the checks (they are left out); when None,
        the first one refuses the whole file.

    Raises
    ------
    ChartreviewError
        When the file is not a chartreview export of verdict events, or (without
        ``invalid``) holds an event that is not acceptable.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict) or doc.get("format") != "chartreview-export":
                raise ChartreviewError(f"{path.name} is not a chartreview JSON export.")
            rows = doc.get("events", [])
            if not isinstance(rows, list):
                raise ChartreviewError(f"{path.name}: \"events\" is not a list of events.")
        elif suffix == ".csv":
            rows = _read_csv(path)
        elif suffix == ".xlsx":
            rows = _read_xlsx(path)
        else:
            raise ChartreviewError(f"{path.name}: merge takes a .json, .csv or .xlsx export.")
    except (OSError, ValueError, KeyError, RecursionError) as e:
        raise ChartreviewError(f"Could not read {path.name}: {e}.") from e
    events = []
    for n, row in enumerate(rows, start=1):
        try:
            events.append(_clean(row, n, typed=suffix == ".json"))
        except InvalidEvent as e:
            if invalid is None:
                raise ChartreviewError(
                    f"{path.name}: {e}. Nothing was merged; fix the file, or merge the "
                    "other events with --skip-invalid.") from None
            invalid.append(str(e))
    return sorted(events, key=lambda r: r["event_id"])


def _read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        if {"kind", "at"} <= set(header):
            return list(reader)
    if "event_ids" in header and events_csv_path(path).exists():
        return _read_csv(events_csv_path(path))
    raise ChartreviewError(f"{path.name} holds no verdict events (export them with "
                           "'chartreview export --format csv'; use its .events.csv).")


def _read_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        if "events" not in wb.sheetnames:
            raise ChartreviewError(f"{path.name} has no 'events' sheet.")
        rows = list(wb["events"].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return []
    head = [str(h) for h in rows[0]]
    return [dict(zip(head, r, strict=False)) for r in rows[1:]]


def _key(entry_id: int, ev: dict[str, Any], undoes: int | None) -> EventKey:
    return (entry_id, ev["kind"], ev["verdict"], _tags(ev["tags"]), ev["confidence"],
            ev["note"], ev["analyst"], ev["at"], undoes, ev.get("from"), ev.get("to"),
            ev.get("watch"))


def merge_events(project: Project, events: list[dict[str, Any]], *,
                 analyst: str) -> MergeReport:
    """Append another copy's verdict events to ``project`` (one transaction).

    Parameters
    ----------
    events
        Rows from :func:`read_events`, oldest first.
    analyst
        Who merges: named on the events that hold back a conflicting verdict.
    """
    report = MergeReport(read=len(events))
    entries = queries.list_entries(project, sort="entry")
    exact = {(e["chart"], e["title"], e["artist"], e["first_date"]): e for e in entries}
    loose: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for e in entries:
        loose.setdefault((e["chart"], e["title"], e["artist"]), []).append(e)
    existing: dict[EventKey, int] = {}
    local: dict[int, set[int]] = {}
    for ev in queries.events(project):
        ev["tags"] = _tags(ev["tags"])
        ev["from"], ev["to"] = ev.pop("range_from"), ev.pop("range_to")
        existing[_key(ev["entry_id"], ev, ev["undoes"])] = ev["event_id"]
        local.setdefault(ev["entry_id"], set()).add(ev["event_id"])
    idmap: dict[int, int] = {}
    added: dict[int, list[tuple[int, str, int | None]]] = {}
    with reviews.transaction(project):
        for ev in events:
            e = exact.get((ev["chart"], ev["title"], ev["artist"], ev["first_date"]))
            if e is None and len(loose.get((ev["chart"], ev["title"], ev["artist"]), [])) == 1:
                e = loose[(ev["chart"], ev["title"], ev["artist"])][0]
            undoes = idmap.get(ev["undoes"]) if ev["undoes"] is not None else None
            if e is None or (ev["undoes"] is not None and undoes is None):
                report.unmatched.append(f"#{ev['event_id']} {ev['title']} — {ev['artist']} "
                                        f"({ev['chart']}, {ev['first_date']})")
                continue
            key = _key(e["entry_id"], ev, undoes)
            if key in existing:
                idmap[ev["event_id"]] = existing[key]
                report.present += 1
                continue
            new_id = reviews.append_event(
                project, e["entry_id"], ev["kind"], analyst=ev["analyst"] or "unknown",
                verdict=ev["verdict"], tags=list(ev["tags"]) if ev["tags"] else None,
                confidence=ev["confidence"], note=ev["note"], undoes=undoes, at=ev["at"],
                range_from=ev["from"], range_to=ev["to"], watch=ev["watch"],
                seconds=ev["seconds"])
            existing[key] = idmap[ev["event_id"]] = new_id
            added.setdefault(e["entry_id"], []).append((new_id, ev["kind"], undoes))
            report.added += 1
        matched = set(idmap.values())
        for entry_id, new in added.items():
            before = next(e for e in entries if e["entry_id"] == entry_id)
            after = queries.entry(project, entry_id) or {}
            if after.get("verdict") == before["verdict"]:
                continue
            ours_only = local.get(entry_id, set()) - matched
            if before["verdict"] is None or not ours_only:
                report.updated.append(entry_id)  # nothing of ours to lose: take theirs
                continue
            report.conflicts.append(_hold(project, before, after, new, analyst))
    return report


def _hold(project: Project, before: dict[str, Any], after: dict[str, Any],
          new: list[tuple[int, str, int | None]], analyst: str) -> Conflict:
    """Take their events out of effect (kept in the history) so our verdict stays."""
    undone = {undoes for _, _, undoes in new if undoes is not None}
    note = (f"merge: kept {before['verdict']} by {before['analyst']} over "
            f"{after.get('verdict') or 'no verdict'} by {after.get('analyst')}")
    holds = [reviews.append_event(project, before["entry_id"], "undo", analyst=analyst,
                                  undoes=ev_id, note=note)
             for ev_id, kind, _ in reversed(new) if ev_id not in undone and kind != "undo"]
    label = f"{before['title']} — {before['artist']}, {before['chart']}"
    return Conflict(before["entry_id"], label, before["verdict"], before["analyst"] or "",
                    after.get("verdict") or "no verdict", after.get("analyst") or "",
                    tuple(holds))


def merge_file(project: Project, path: Path, *, analyst: str,
               skip_invalid: bool = False) -> MergeReport:
    """Read an export with :func:`read_events` and merge it with :func:`merge_events`.

    With ``skip_invalid`` the events that fail the checks are left out and counted;
    otherwise the first refuses the file and nothing is merged.
    """
    invalid: list[str] | None = [] if skip_invalid else None
    events = read_events(path, invalid=invalid)
    report = merge_events(project, events, analyst=audit.check_analyst(analyst))
    report.invalid = invalid or []
    report.read += len(report.invalid)
    return report
