"""Verdicts, notes and tags on entries, each change an event kept for ever (no SQL here).

Every way in (the window, ``chartreview label``, ``merge-verdicts``, team sync) checks an
event's fields with the same functions here, so no path can store what another refuses.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chartreview.domain import ChangeSet, ChartreviewError, Verdict
from chartreview.store import reviews
from chartreview.store.db import Project

MAX_NOTE = 20_000
MAX_ANALYST = 100
MAX_TAG = 60
MAX_TAGS = 20
KINDS = ("verdict", "note", "tags", "undo", "clear", "range", "watch")
MAX_SECONDS = 24 * 3600.0  # a time spent beyond a day is a clock fault
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


def check_range(start: Any, end: Any) -> tuple[str | None, str | None]:
    """A campaign range as two ISO dates (either may be open), first not after last."""
    out: list[str | None] = []
    for what, value in (("first week", start), ("last week", end)):
        if value in (None, ""):
            out.append(None)
            continue
        if not isinstance(value, str):
            raise ChartreviewError(f"The campaign's {what} must be a date like 2025-07-26.")
        try:
            out.append(date.fromisoformat(value.strip()[:10]).isoformat())
        except ValueError:
            raise ChartreviewError(f"The campaign's {what} {value!r} is not a date like "
                                   "2025-07-26.") from None
    if out[0] and out[1] and out[0] > out[1]:
        raise ChartreviewError(f"The campaign range ends ({out[1]}) before it starts "
                               f"({out[0]}).")
    return out[0], out[1]


def check_seconds(seconds: Any) -> float | None:
    """Time spent on a decision, in seconds (None when not measured)."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not (
            math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS):
        raise ChartreviewError("The time spent must be a number of seconds from 0 to a day.")
    return round(float(seconds), 3)


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


def _append(project: Project, entry_ids: list[int], kind: str, **fields: Any) -> list[int]:
    if not entry_ids:
        raise ChartreviewError("There is nothing to record this on (no entry).")
    try:
        return reviews.append_events(project, list(entry_ids), kind, **fields)
    except KeyError as e:
        raise ChartreviewError(f"There is no entry {e.args[0]}.") from None


def decide(
    project: Project, entry_ids: list[int], verdict: Verdict | str, *, analyst: str,
    note: str | None = None, tags: list[str] | None = None, confidence: int | None = None,
    seconds: float | None = None, campaign: tuple[Any, Any] | None = None,
    watch: bool | None = None,
) -> tuple[list[int], ChangeSet]:
    """One verdict on a case: one event per run (entry), in one transaction and one batch.

    ``seconds`` is the time the analyst spent (from the case shown to the key), recorded
    on each event; ``campaign`` a (first, last) week range and ``watch`` the watch flag,
    both kept with the verdict (None leaves them as they are). Everything is committed
    before this returns.
    """
    ev = check_event("verdict", analyst=analyst, verdict=verdict, tags=tags or None,
                     confidence=confidence, note=note)
    extra: dict[str, Any] = {"seconds": check_seconds(seconds)}
    if campaign is not None:
        extra["range_from"], extra["range_to"] = check_range(*campaign)
    if watch is not None:
        extra["watch"] = int(bool(watch))
    ids = _append(project, entry_ids, "verdict", **ev, **extra)
    return ids, ChangeSet(verdicts=True, notes=note is not None,
                          entry_ids=frozenset(entry_ids))


def set_verdict(
    project: Project, entry_id: int, verdict: Verdict | str, *, analyst: str,
    note: str | None = None, tags: list[str] | None = None, confidence: int | None = None,
    seconds: float | None = None,
) -> tuple[int, ChangeSet]:
    """Record a verdict (with optional note, tags, confidence 1-4); return its event id.

    The event and the entry's current verdict are committed before this returns.
    """
    ids, changes = decide(project, [entry_id], verdict, analyst=analyst, note=note,
                          tags=tags, confidence=confidence, seconds=seconds)
    return ids[0], changes


def set_range(project: Project, entry_ids: list[int], start: Any, end: Any, *,
              analyst: str) -> tuple[list[int], ChangeSet]:
    """Mark (or with two Nones clear) the weeks a campaign ran, on every run of a case."""
    first, last = check_range(start, end)
    ev = check_event("range", analyst=analyst)
    ids = _append(project, entry_ids, "range", analyst=ev["analyst"], range_from=first,
                  range_to=last)
    return ids, ChangeSet(verdicts=True, entry_ids=frozenset(entry_ids))


def set_watch(project: Project, entry_ids: list[int], on: bool, *,
              analyst: str) -> tuple[list[int], ChangeSet]:
    """Watch a case (or stop): a watched case comes back when later data changes it."""
    ev = check_event("watch", analyst=analyst)
    ids = _append(project, entry_ids, "watch", analyst=ev["analyst"], watch=int(bool(on)))
    return ids, ChangeSet(verdicts=True, entry_ids=frozenset(entry_ids))


def _ids(entry_id: int | Sequence[int]) -> list[int]:
    return [entry_id] if isinstance(entry_id, int) else list(entry_id)


def set_note(project: Project, entry_id: int | Sequence[int], note: str, *,
             analyst: str) -> tuple[int, ChangeSet]:
    """A note on an entry, or on every run of a case (one event each, one undo)."""
    ids = _ids(entry_id)
    ev = check_event("note", analyst=analyst, note=note)
    events = _append(project, ids, "note", analyst=ev["analyst"], note=ev["note"],
                     batch=len(ids) > 1)
    return events[0], ChangeSet(notes=True, entry_ids=frozenset(ids))


def set_tags(project: Project, entry_id: int | Sequence[int], tags: list[str], *,
             analyst: str, confidence: int | None = None) -> tuple[int, ChangeSet]:
    """Tags (and confidence) on an entry, or on every run of a case."""
    ids = _ids(entry_id)
    ev = check_event("tags", analyst=analyst, tags=list(tags), confidence=confidence)
    events = _append(project, ids, "tags", analyst=ev["analyst"], tags=ev["tags"],
                     confidence=ev["confidence"], batch=len(ids) > 1)
    return events[0], ChangeSet(verdicts=True, entry_ids=frozenset(ids))


def undo(project: Project, event_id: int, *, analyst: str) -> tuple[int, ChangeSet]:
    """Reverse one decision by appending ``undo`` events (undoing an undo redoes).

    The events decided together with ``event_id`` (a verdict on every run of a case) are
    reversed together, as one batch; returns the first undo event's id.
    """
    ev = reviews.event(project, event_id)
    if ev is None:
        raise ChartreviewError(f"There is no review event {event_id}.")
    who = check_analyst(analyst)
    batch = reviews.batch_of(project, event_id)
    events = [e for e in (reviews.event(project, i) for i in batch) if e is not None]
    ids = reviews.append_events(project, [e["entry_id"] for e in events], "undo",
                                analyst=who, undoes=[e["id"] for e in events],
                                batch=len(events) > 1)
    return ids[0], ChangeSet(verdicts=True, notes=True,
                             entry_ids=frozenset(e["entry_id"] for e in events))


def undo_last(project: Project, *, analyst: str) -> tuple[int, ChangeSet] | None:
    """Undo this analyst's latest change still in effect; None when there is none."""
    candidates = reviews.undoable_events(project, check_analyst(analyst), limit=1)
    if not candidates:
        return None
    return undo(project, candidates[0], analyst=analyst)
