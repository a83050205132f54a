"""A team's standing on one entry, folded from every analyst's events.

Each analyst's events are folded on their own (as ``store.reviews`` folds one analyst's),
undos taking events out of effect whoever made them. The entry's standing is then:

- the lead's latest decision, if there is one (a decision is final until the next one);
- else the verdict every analyst who judged it gave;
- else ``disputed``: analysts disagree and nobody has decided yet.

Note, tags and confidence are this laptop's analyst's own: a colleague's note is in the
history, never in the editor where it could be saved as ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chartreview.store.db import Project
from chartreview.store.reviews import fold_event, undone_ids

DISPUTED = "disputed"


@dataclass(frozen=True)
class Judgement:
    """One analyst's verdict in effect on an entry."""

    analyst: str
    verdict: str
    confidence: int | None
    note: str | None
    at: str


@dataclass(frozen=True)
class Decision:
    """A lead's final verdict on an entry, with the reason."""

    verdict: str
    reason: str
    decided_by: str
    at: str


def per_analyst(rows: Iterable[tuple[Any, ...]]) -> dict[str, tuple[dict[str, Any], Any]]:
    """analyst -> (their state, their last event id in effect), for one entry's events.

    ``rows`` are ``(id, kind, verdict, tags, confidence, note, analyst, at, undoes)``
    oldest first; ids may be local ids or UUIDs, as long as ``undoes`` uses the same.
    """
    rows = list(rows)
    undone = undone_ids(rows)
    states: dict[str, dict[str, Any]] = {}
    last: dict[str, Any] = {}
    for ev_id, kind, verdict, tags, confidence, note, analyst, at, _undoes in rows:
        if kind == "undo" or ev_id in undone:
            continue
        state = fold_event(states.get(analyst, {}), kind, verdict, tags, confidence, note)
        state["updated_at"] = at
        states[analyst], last[analyst] = state, ev_id
    return {a: (states[a], last[a]) for a in states}


def judgements(rows: Iterable[tuple[Any, ...]]) -> list[Judgement]:
    """Every analyst's verdict in effect on one entry, by analyst name."""
    return [Judgement(a, s["verdict"], s.get("confidence"), s.get("note"), s["updated_at"])
            for a, (s, _) in sorted(per_analyst(rows).items()) if s.get("verdict")]


def decisions_for(project: Project, entry_ids: list[int]) -> dict[int, Decision]:
    """The latest decision on each of these entries (entries without one left out)."""
    out: dict[int, Decision] = {}
    for start in range(0, len(entry_ids), 500):
        part = entry_ids[start:start + 500]
        for entry_id, *row in project.conn.execute(
                "SELECT entry_id, verdict, reason, decided_by, at FROM team_decisions "
                f"WHERE entry_id IN ({', '.join('?' for _ in part)}) ORDER BY id", part):
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


def team_state(rows: list[tuple[Any, ...]], decided: Decision | None,
               me: str) -> tuple[dict[str, Any], int | None]:
    """The row ``verdicts`` holds for an entry of a team project, and its last event id."""
    analysts = per_analyst(rows)
    judged = [Judgement(a, s["verdict"], s.get("confidence"), s.get("note"), s["updated_at"])
              for a, (s, _) in sorted(analysts.items()) if s.get("verdict")]
    verdict, who, when = standing(judged, decided)
    mine = analysts.get(me, ({}, None))[0]
    state: dict[str, Any] = {k: mine.get(k) for k in ("note", "tags", "confidence")}
    if verdict is not None:
        state.update(verdict=verdict, analyst=who, updated_at=when)
    elif mine:
        state.update(analyst=me, updated_at=mine.get("updated_at"))
    last = [ev_id for _, ev_id in analysts.values() if isinstance(ev_id, int)]
    return state, max(last) if last else None
