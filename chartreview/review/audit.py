"""Verdicts, notes and tags on entries, each change an event kept for ever (no SQL here).

Every way in (the window, ``chartreview label``, ``merge-verdicts``, team sync) checks an
event's fields with the same functions here, so no path can store what another refuses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chartreview.domain import ChangeSet, ChartreviewError, Verdict
from chartreview.store import reviews
from chartreview.store.db import Project

MAX_NOTE = 20_000
MAX_ANALYST = 100
MAX_TAG = 60
MAX_TAGS = 20
KINDS = ("verdict", "note", "tags", "undo", "clear")
FUTURE_SLACK = timedelta(days=1)  # clocks disagree; a year 2999 does not
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ChartreviewError(f"The {what} must be text, not {type(value).__name__}.")
    if _SURROGATE.search(value):
        raise ChartreviewError(f"The {what} holds bytes that are not valid text (UTF-8); "
                               "check the terminal's or the file's encoding.")
    if len(value) > limit:
        raise ChartreviewError(f"The {what} holds {len(value):,} characters; at most "
                               f"{limit:,} are kept.")
    return value


def _name(value: Any, what: str, limit: int) -> str:
    """A name (analyst, tag): text on one line, no control or direction characters."""
    name = _text(value, what, limit).strip()
    if _CONTROL.search(name):
        raise ChartreviewError(f"The {what} {name!r} holds control or text-direction "
                               "characters; use plain letters, digits and punctuation.")
    return name


def check_analyst(analyst: Any) -> str:
    name = _name(analyst if analyst is not None else "", "analyst name", MAX_ANALYST)
    if not name:
        raise ChartreviewError("Say who you are: an analyst name is needed to record verdicts.")
    return name


def check_note(note: Any) -> str | None:
    return None if note is None else _text(note, "note", MAX_NOTE)


def check_tags(tags: Any) -> list[str] | None:
    """Tags stripped, de-duplicated and sorted; None when none were given."""
    if tags is None:
        return None
    if isinstance(tags, str) or not isinstance(tags, list | tuple):
        raise ChartreviewError("Tags must be a list of words.")
    clean = sorted({_name(t, "tag", MAX_TAG) for t in tags} - {""})
    if len(clean) > MAX_TAGS:
        raise ChartreviewError(f"{len(clean)} tags; at most {MAX_TAGS} fit on one entry.")
    return clean


def check_confidence(confidence: Any) -> int | None:
    if confidence is None:
        return None
    if isinstance(confidence, bool) or not isinstance(confidence, int) or not (
            1 <= confidence <= 4):
        raise ChartreviewError("Confidence goes from 1 (a hunch) to 4 (certain).")
    return confidence


def check_verdict(verdict: Any) -> Verdict:
    try:
        return Verdict(verdict)
    except ValueError:
        raise ChartreviewError(
            f"Unknown verdict {verdict!r}; use suspicious, ai or human.") from None


def check_time(at: Any, *, now: datetime | None = None) -> str:
    """An event's time as ISO text; refused when unreadable or in the future."""
    if not isinstance(at, str):
        raise ChartreviewError("The event's time must be text like 2025-11-08T14:03:00+00:00.")
    try:
        when = datetime.fromisoformat(at.strip())
    except ValueError:
        raise ChartreviewError(f"The event's time {at!r} is not a date and time.") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when > (now or datetime.now(UTC)) + FUTURE_SLACK:
        raise ChartreviewError(f"The event is dated {at}, in the future; its clock or file "
                               "is wrong.")
    return at.strip()


def check_event(kind: Any, *, analyst: Any, verdict: Any = None, tags: Any = None,
                confidence: Any = None, note: Any = None) -> dict[str, Any]:
    """Every field of one review event checked as ``label`` checks it; returns them clean.

    Raises
    ------
    ChartreviewError
        Naming the first field that is not acceptable.
    """
    if kind not in KINDS:
        raise ChartreviewError(f"Unknown kind of event {kind!r}; one of {', '.join(KINDS)}.")
    out = {"analyst": check_analyst(analyst), "note": check_note(note),
           "tags": check_tags(tags), "confidence": check_confidence(confidence),
           "verdict": None}
    if kind == "verdict":
        out["verdict"] = check_verdict(verdict).value
        # A verdict's tags add to it; none given and none left after cleaning are the
        # same (a "tags" event with an empty list is the way to clear them)
        out["tags"] = out["tags"] or None
    elif verdict is not None:
        raise ChartreviewError(f"A {kind} event carries no verdict (it has {verdict!r}).")
    return out


def set_verdict(
    project: Project, entry_id: int, verdict: Verdict | str, *, analyst: str,
    note: str | None = None, tags: list[str] | None = None, confidence: int | None = None,
) -> tuple[int, ChangeSet]:
    """Record a verdict (with optional note, tags, confidence 1-4); return its event id.

    The event and the entry's current verdict are committed before this returns.
    """
    ev = check_event("verdict", analyst=analyst, verdict=verdict, tags=tags or None,
                     confidence=confidence, note=note)
    try:
        event_id = reviews.append_event(project, entry_id, "verdict", **ev)
    except KeyError:
        raise ChartreviewError(f"There is no entry {entry_id}.") from None
    return event_id, ChangeSet(verdicts=True, notes=note is not None,
                               entry_ids=frozenset({entry_id}))


def set_note(project: Project, entry_id: int, note: str, *, analyst: str) -> tuple[int, ChangeSet]:
    ev = check_event("note", analyst=analyst, note=note)
    try:
        event_id = reviews.append_event(project, entry_id, "note", analyst=ev["analyst"],
                                        note=ev["note"])
    except KeyError:
        raise ChartreviewError(f"There is no entry {entry_id}.") from None
    return event_id, ChangeSet(notes=True, entry_ids=frozenset({entry_id}))


def set_tags(project: Project, entry_id: int, tags: list[str], *, analyst: str,
             confidence: int | None = None) -> tuple[int, ChangeSet]:
    ev = check_event("tags", analyst=analyst, tags=list(tags), confidence=confidence)
    try:
        event_id = reviews.append_event(project, entry_id, "tags", analyst=ev["analyst"],
                                        tags=ev["tags"], confidence=ev["confidence"])
    except KeyError:
        raise ChartreviewError(f"There is no entry {entry_id}.") from None
    return event_id, ChangeSet(verdicts=True, entry_ids=frozenset({entry_id}))


def undo(project: Project, event_id: int, *, analyst: str) -> tuple[int, ChangeSet]:
    """Reverse one event by appending an ``undo`` event (undoing an undo redoes)."""
    ev = reviews.event(project, event_id)
    if ev is None:
        raise ChartreviewError(f"There is no review event {event_id}.")
    new_id = reviews.append_event(project, ev["entry_id"], "undo", analyst=check_analyst(analyst),
                                  undoes=event_id)
    return new_id, ChangeSet(verdicts=True, notes=True, entry_ids=frozenset({ev["entry_id"]}))


def undo_last(project: Project, *, analyst: str) -> tuple[int, ChangeSet] | None:
    """Undo this analyst's latest change still in effect; None when there is none."""
    candidates = reviews.undoable_events(project, check_analyst(analyst), limit=1)
    if not candidates:
        return None
    return undo(project, candidates[0], analyst=analyst)
