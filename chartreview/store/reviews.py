"""Review writes: an append-only event log, and each entry's current verdict kept in step.

Every change is one transaction that appends an event and rewrites the entry's row in
``verdicts`` from the log, so the current state can never disagree with the history.
Undo appends an ``undo`` event naming the event it reverses; nothing is ever deleted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from chartreview.store.db import Project, now_iso, translate_errors


def decode_tags(raw: Any) -> list[str]:
    """The tags as stored by :func:`append_event` (a JSON list), as a list of strings.

    Also takes a list as is, and a plain comma-separated string from older data.
    """
    if not raw:
        return []
    if isinstance(raw, list):
        return [str(t) for t in raw]
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return [t.strip() for t in str(raw).split(",") if t.strip()]
    return [str(t) for t in value] if isinstance(value, list) else [str(value)]


def undone_ids(rows: list[tuple[Any, ...]]) -> set[Any]:
    """Ids of the events an undo takes out of effect (an undo of an undo restores)."""
    undone: set[Any] = set()
    for ev_id, kind, *_rest, undoes in reversed(rows):
        if kind == "undo" and ev_id not in undone and undoes is not None:
            undone.add(undoes)
    return undone


def fold_event(state: dict[str, Any], kind: str, verdict: Any, tags: Any, confidence: Any,
               note: Any) -> dict[str, Any]:
    """One event applied to an entry's state (``verdict``, ``tags``, ``confidence``, ``note``)."""
    values = {"verdict": verdict, "tags": tags, "confidence": confidence, "note": note}
    if kind == "verdict":
        state["verdict"] = verdict
        for k in ("tags", "confidence", "note"):
            if values[k] is not None:
                state[k] = values[k]
    elif kind == "note":
        state["note"] = note
    elif kind == "tags":
        state["tags"] = tags
        if confidence is not None:
            state["confidence"] = confidence
    elif kind == "clear":
        state = {}
    return state


def _replay(rows: list[tuple[Any, ...]]) -> tuple[dict[str, Any], int | None]:
    """Fold an entry's events into its current state (undone events skipped)."""
    undone = undone_ids(rows)
    state: dict[str, Any] = {}
    last_id = None
    for ev_id, kind, verdict, tags, confidence, note, analyst, at, _undoes in rows:
        if kind == "undo" or ev_id in undone:
            continue
        state = fold_event(state, kind, verdict, tags, confidence, note)
        state["analyst"], state["updated_at"] = analyst, at
        last_id = ev_id
    return state, last_id


def _events(project: Project, entry_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """Each entry's events, oldest first."""
    out: dict[int, list[tuple[Any, ...]]] = {}
    for start in range(0, len(entry_ids), 500):
        part = entry_ids[start:start + 500]
        for row in project.conn.execute(
                "SELECT entry_id, id, kind, verdict, tags, confidence, note, analyst, at, undoes "
                f"FROM review_events WHERE entry_id IN ({', '.join('?' for _ in part)}) "
                "ORDER BY entry_id, id", part):
            out.setdefault(row[0], []).append(row[1:])
    return out


def team_user(project: Project) -> str | None:
    """The team name this project records and shares under (None: not in a team)."""
    row = project.conn.execute("SELECT user FROM team_link WHERE id = 1").fetchone()
    return row[0] if row else None


_NO_TEAM = object()
_UPSERT = (
    "INSERT INTO verdicts (entry_id, verdict, tags, confidence, note, analyst, updated_at, "
    "event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(entry_id) DO UPDATE SET "
    "verdict = excluded.verdict, tags = excluded.tags, confidence = excluded.confidence, "
    "note = excluded.note, analyst = excluded.analyst, updated_at = excluded.updated_at, "
    "event_id = excluded.event_id")


def materialise(project: Project, entry_id: int, team: Any = _NO_TEAM) -> None:
    """Rewrite the entry's row in ``verdicts`` from its events (inside the caller's write).

    In a project that belongs to a team, the row holds the team's standing: the lead's
    decision, else the analysts' shared verdict, else ``disputed``; note, tags and
    confidence are this analyst's own (see ``store.team.replay``).
    """
    materialise_many(project, [entry_id], team)


def materialise_many(project: Project, entry_ids: Iterable[int], team: Any = _NO_TEAM) -> None:
    """:func:`materialise` for many entries at once (a few statements, not a few each)."""
    ids = sorted(set(entry_ids))
    user = team_user(project) if team is _NO_TEAM else team
    events = _events(project, ids)
    decided: dict[int, Any] = {}
    if user is not None:
        from chartreview.store.team.replay import decisions_for, team_state

        decided = decisions_for(project, ids)
    upserts, deletes = [], []
    for entry_id in ids:
        rows = events.get(entry_id, [])
        if user is None:
            state, last_id = _replay(rows)
        else:
            state, last_id = team_state(rows, decided.get(entry_id), user)
        if not state.get("verdict") and not state.get("note") and not state.get("tags"):
            deletes.append((entry_id,))
            continue
        upserts.append((entry_id, state.get("verdict"), state.get("tags"),
                        state.get("confidence"), state.get("note"), state.get("analyst"),
                        state.get("updated_at"), last_id))
    project.conn.executemany("DELETE FROM verdicts WHERE entry_id = ?", deletes)
    project.conn.executemany(_UPSERT, upserts)


def append_event(
    project: Project, entry_id: int, kind: str, *, analyst: str, verdict: str | None = None,
    tags: list[str] | None = None, confidence: int | None = None, note: str | None = None,
    undoes: int | None = None, at: str | None = None,
) -> int:
    """Append one event and update the entry's current state, in one committed transaction."""
    with translate_errors(project.path), project.db.atomic():
        exists = project.conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,))
        if exists.fetchone() is None:
            raise KeyError(entry_id)
        cur = project.conn.execute(
            "INSERT INTO review_events (entry_id, kind, verdict, tags, confidence, note, "
            "analyst, at, undoes, uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, kind, verdict, json.dumps(tags) if tags is not None else None,
             confidence, note, analyst, at or now_iso(), undoes, str(uuid.uuid4())),
        )
        event_id = int(cur.lastrowid or 0)
        materialise(project, entry_id)
    return event_id


def event(project: Project, event_id: int) -> dict[str, Any] | None:
    cur = project.conn.execute(
        "SELECT id, entry_id, kind, verdict, tags, confidence, note, analyst, at, undoes "
        "FROM review_events WHERE id = ?",
        (event_id,),
    )
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def undoable_events(project: Project, analyst: str, limit: int = 50) -> list[int]:
    """This analyst's latest events that are still in effect, newest first."""
    rows = project.conn.execute(
        "SELECT ev.id FROM review_events ev WHERE ev.analyst = ? AND ev.kind != 'undo' "
        "AND NOT EXISTS (SELECT 1 FROM review_events u WHERE u.kind = 'undo' "
        "AND u.undoes = ev.id AND NOT EXISTS (SELECT 1 FROM review_events r "
        "WHERE r.kind = 'undo' AND r.undoes = u.id)) ORDER BY ev.id DESC LIMIT ?",
        (analyst, limit),
    )
    return [r[0] for r in rows]


def analysts(project: Project) -> list[str]:
    return [r[0] for r in project.conn.execute(
        "SELECT DISTINCT analyst FROM review_events WHERE analyst IS NOT NULL ORDER BY 1")]


def transaction(project: Project) -> Any:
    """One transaction around several review writes (nested writes become savepoints).

    Used by merges, so that a file of events is taken whole or not at all.
    """
    return project.db.atomic()
