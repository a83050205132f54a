"""A team's standing on one entry, folded from every analyst's events.

Each analyst's events are folded on their own, with the very fold ``store.reviews`` uses
for one analyst's project (``fold_event``), undos taking events out of effect whoever
made them. The entry's standing is then:

- the lead's latest decision, if there is one (a decision is final until the next one);
- else the verdict every analyst who judged it gave;
- else ``disputed``: analysts disagree and nobody has decided yet.

Note, tags, confidence, campaign range and watch are this laptop's analyst's own: a
colleague's note is in the history, never in the editor where it could be saved as ours.
Where this analyst marked no campaign range, the row shows the latest range of an analyst
whose verdict is the standing one, so a lead's report still says when the campaign ran.
For a project with one analyst the row is exactly what ``store.reviews`` folds alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from sqlite3 import Connection
from typing import Any

from chartreview.store.db import select_in
from chartreview.store.reviews import finish, fold_event, undone_ids

DISPUTED = "disputed"


@dataclass(frozen=True)
class Judgement:
    """One analyst's verdict in effect on an entry."""

    analyst: str
    verdict: str
    confidence: int | None
    note: str | None
    at: str
    range_from: str | None = None
    range_to: str | None = None


@dataclass(frozen=True)
class Decision:
    """A lead's final verdict on an entry, with the reason."""

    verdict: str
    reason: str
    decided_by: str
    at: str


def per_analyst(rows: Iterable[tuple[Any, ...]]) -> dict[str, tuple[dict[str, Any], Any]]:
    """analyst -> (their state, their last event id in effect), for one entry's events.

    ``rows`` are rows of ``store.reviews.EVENT_FIELDS``, oldest first; ids may be local
    ids or UUIDs, as long as ``undoes`` uses the same.
    """
    rows = list(rows)
    undone = undone_ids(rows)
    states: dict[str, dict[str, Any]] = {}
    last: dict[str, Any] = {}
    for row in rows:
        if row[1] == "undo" or row[0] in undone:
            continue
        analyst = row[6]
        states[analyst] = fold_event(states.get(analyst, {}), row)
        last[analyst] = row[0]
    return {a: (finish(states[a]), last[a]) for a in states}


def _judgement(analyst: str, s: dict[str, Any]) -> Judgement:
    return Judgement(analyst, s["verdict"], s.get("confidence"), s.get("note"),
                     s["updated_at"], s.get("range_from"), s.get("range_to"))


def judgements(rows: Iterable[tuple[Any, ...]]) -> list[Judgement]:
    """Every analyst's verdict in effect on one entry, by analyst name."""
    return [_judgement(a, s) for a, (s, _) in sorted(per_analyst(rows).items())
            if s.get("verdict")]


def decisions_for(conn: Connection, entry_ids: list[int]) -> dict[int, Decision]:
    """The latest decision on each of these entries (entries without one left out)."""
    out: dict[int, Decision] = {}
    for entry_id, *row in select_in(
            conn, "SELECT entry_id, verdict, reason, decided_by, at FROM team_decisions "
            "WHERE entry_id IN ({marks}) ORDER BY id", entry_ids):
        out[entry_id] = Decision(*row)
    return out


def standing(judged: list[Judgement], decided: Decision | None) -> tuple[str | None, str, str]:
    """(verdict, who, when) of an entry: decided, agreed or ``disputed``."""
    if decided is not None:
        return decided.verdict, decided.decided_by, decided.at
    if not judged:
        return None, "", ""
    verdicts = {j.verdict for j in judged}
    verdict = verdicts.pop() if len(verdicts) == 1 else DISPUTED
    return verdict, ", ".join(j.analyst for j in judged), max(j.at for j in judged)


OWN = ("note", "tags", "confidence", "range_from", "range_to", "watch", "baseline")


def team_state(rows: list[tuple[Any, ...]], decided: Decision | None,
               me: str) -> tuple[dict[str, Any], int | None]:
    """The row ``verdicts`` holds for an entry of a team project, and its last event id."""
    analysts = per_analyst(rows)
    judged = [_judgement(a, s) for a, (s, _) in sorted(analysts.items()) if s.get("verdict")]
    verdict, who, when = standing(judged, decided)
    mine = analysts.get(me, ({}, None))[0]
    state: dict[str, Any] = {k: mine.get(k) for k in OWN}
    if verdict is not None:
        state.update(verdict=verdict, analyst=who, updated_at=when)
        if state["range_from"] is None and state["range_to"] is None:
            ranged = [j for j in judged if j.verdict == verdict
                      and (j.range_from is not None or j.range_to is not None)]
            if ranged:
                latest = max(ranged, key=lambda j: j.at)
                state["range_from"], state["range_to"] = latest.range_from, latest.range_to
    elif mine:
        state.update(analyst=me, updated_at=mine.get("updated_at"))
    last = [ev_id for _, ev_id in analysts.values() if isinstance(ev_id, int)]
    return state, max(last) if last else None
