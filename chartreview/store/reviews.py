"""Review writes: an append-only event log, and each entry's current verdict kept in step.

Every change is one transaction that appends an event and rewrites the entry's row in
``verdicts`` from the log, so the current state can never disagree with the history.
Undo appends an ``undo`` event naming the event it reverses; nothing is ever deleted.
"""

from __future__ import annotations

import json
import sqlite3
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


def _replay(rows: list[tuple[Any, ...]]) -> tuple[dict[str, Any], int | None]:
    """Fold an entry's events into its current state (undone events skipped)."""
    undone: set[int] = set()
    for ev_id, kind, *_rest, undoes in reversed(rows):
        if kind == "undo" and ev_id not in undone and undoes is not None:
            undone.add(undoes)
    state: dict[str, Any] = {}
    last_id = None
    for ev_id, kind, verdict, tags, confidence, note, analyst, at, _undoes in rows:
        if kind == "undo" or ev_id in undone:
            continue
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
        state["analyst"], state["updated_at"] = analyst, at
        last_id = ev_id
    return state, last_id


def _events(conn: sqlite3.Connection, entry_id: int) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT id, kind, verdict, tags, confidence, note, analyst, at, undoes "
        "FROM review_events WHERE entry_id = ? ORDER BY id",
        (entry_id,),
    ).fetchall()


def materialise(conn: sqlite3.Connection, entry_id: int) -> None:
    """Rewrite an entry's row in ``verdicts`` from its events (inside the caller's
    transaction); also after two entries' events were merged into one."""
    state, last_id = _replay(_events(conn, entry_id))
    if not state.get("verdict") and not state.get("note") and not state.get("tags"):
        conn.execute("DELETE FROM verdicts WHERE entry_id = ?", (entry_id,))
        return
    conn.execute(
        "INSERT INTO verdicts (entry_id, verdict, tags, confidence, note, analyst, updated_at, "
        "event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(entry_id) DO UPDATE SET "
        "verdict = excluded.verdict, tags = excluded.tags, confidence = excluded.confidence, "
        "note = excluded.note, analyst = excluded.analyst, updated_at = excluded.updated_at, "
        "event_id = excluded.event_id",
        (entry_id, state.get("verdict"), state.get("tags"), state.get("confidence"),
         state.get("note"), state.get("analyst"), state.get("updated_at"), last_id),
    )


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
            "analyst, at, undoes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, kind, verdict, json.dumps(tags) if tags is not None else None,
             confidence, note, analyst, at or now_iso(), undoes),
        )
        event_id = int(cur.lastrowid or 0)
        materialise(project.conn, entry_id)
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
