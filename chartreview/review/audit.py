"""Verdicts, notes and tags on entries, each change an event kept for ever (no SQL here)."""

from __future__ import annotations

from chartreview.domain import ChangeSet, ChartreviewError, Verdict
from chartreview.store import reviews
from chartreview.store.db import Project

MAX_NOTE = 20_000


def _check(analyst: str) -> str:
    name = (analyst or "").strip()
    if not name:
        raise ChartreviewError("Say who you are: an analyst name is needed to record verdicts.")
    return name


def set_verdict(
    project: Project, entry_id: int, verdict: Verdict | str, *, analyst: str,
    note: str | None = None, tags: list[str] | None = None, confidence: int | None = None,
) -> tuple[int, ChangeSet]:
    """Record a verdict (with optional note, tags, confidence 1-4); return its event id.

    The event and the entry's current verdict are committed before this returns.
    """
    try:
        v = Verdict(verdict)
    except ValueError:
        raise ChartreviewError(
            f"Unknown verdict {verdict!r}; use suspicious, ai or human.") from None
    if confidence is not None and not 1 <= confidence <= 4:
        raise ChartreviewError("Confidence goes from 1 (a hunch) to 4 (certain).")
    if note is not None and len(note) > MAX_NOTE:
        raise ChartreviewError(f"A note holds at most {MAX_NOTE:,} characters.")
    clean_tags = sorted({t.strip() for t in tags if t.strip()}) if tags else None
    try:
        event_id = reviews.append_event(
            project, entry_id, "verdict", analyst=_check(analyst), verdict=v.value,
            tags=clean_tags, confidence=confidence, note=note)
    except KeyError:
        raise ChartreviewError(f"There is no entry {entry_id}.") from None
    return event_id, ChangeSet(verdicts=True, notes=note is not None,
                               entry_ids=frozenset({entry_id}))


def set_note(project: Project, entry_id: int, note: str, *, analyst: str) -> tuple[int, ChangeSet]:
    if len(note) > MAX_NOTE:
        raise ChartreviewError(f"A note holds at most {MAX_NOTE:,} characters.")
    try:
        event_id = reviews.append_event(project, entry_id, "note", analyst=_check(analyst),
                                        note=note)
    except KeyError:
        raise ChartreviewError(f"There is no entry {entry_id}.") from None
    return event_id, ChangeSet(notes=True, entry_ids=frozenset({entry_id}))


def set_tags(project: Project, entry_id: int, tags: list[str], *, analyst: str,
             confidence: int | None = None) -> tuple[int, ChangeSet]:
    clean = sorted({t.strip() for t in tags if t.strip()})
    try:
        event_id = reviews.append_event(project, entry_id, "tags", analyst=_check(analyst),
                                        tags=clean, confidence=confidence)
    except KeyError:
        raise ChartreviewError(f"There is no entry {entry_id}.") from None
    return event_id, ChangeSet(verdicts=True, entry_ids=frozenset({entry_id}))


def undo(project: Project, event_id: int, *, analyst: str) -> tuple[int, ChangeSet]:
    """Reverse one event by appending an ``undo`` event (undoing an undo redoes)."""
    ev = reviews.event(project, event_id)
    if ev is None:
        raise ChartreviewError(f"There is no review event {event_id}.")
    new_id = reviews.append_event(project, ev["entry_id"], "undo", analyst=_check(analyst),
                                  undoes=event_id)
    return new_id, ChangeSet(verdicts=True, notes=True, entry_ids=frozenset({ev["entry_id"]}))


def undo_last(project: Project, *, analyst: str) -> tuple[int, ChangeSet] | None:
    """Undo this analyst's latest change still in effect; None when there is none."""
    candidates = reviews.undoable_events(project, _check(analyst), limit=1)
    if not candidates:
        return None
    return undo(project, candidates[0], analyst=analyst)
