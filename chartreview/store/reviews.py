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


EVENT_FIELDS = ("id", "kind", "verdict", "tags", "confidence", "note", "analyst", "at",
                "undoes", "range_from", "range_to", "watch", "baseline")
STATE_FIELDS = ("verdict", "tags", "confidence", "note", "range_from", "range_to", "watch",
                "baseline")


def _replay(rows: list[tuple[Any, ...]]) -> tuple[dict[str, Any], int | None]:
    """Fold an entry's events (rows of ``EVENT_FIELDS``) into its current state.

    Undone events are skipped (an undo of an undo brings its event back). A verdict may
    carry a campaign range and a watch flag; ``range`` and ``watch`` events set them
    alone. The baseline of the latest event that recorded one stays while watched.
    """
    undone: set[int] = set()
    for ev_id, kind, *_rest in reversed(rows):
        undoes = _rest[6]
        if kind == "undo" and ev_id not in undone and undoes is not None:
            undone.add(undoes)
    state: dict[str, Any] = {}
    last_id = None
    for row in rows:
        ev = dict(zip(EVENT_FIELDS, row, strict=True))
        ev_id, kind = ev["id"], ev["kind"]
        if kind == "undo" or ev_id in undone:
            continue
        if kind == "verdict":
            state["verdict"] = ev["verdict"]
            for k in ("tags", "confidence", "note"):
                if ev[k] is not None:
                    state[k] = ev[k]
            if ev["range_from"] is not None or ev["range_to"] is not None:
                state["range_from"], state["range_to"] = ev["range_from"], ev["range_to"]
            if ev["watch"] is not None:
                state["watch"] = ev["watch"]
        elif kind == "note":
            state["note"] = ev["note"]
        elif kind == "tags":
            state["tags"] = ev["tags"]
            if ev["confidence"] is not None:
                state["confidence"] = ev["confidence"]
        elif kind == "range":
            state["range_from"], state["range_to"] = ev["range_from"], ev["range_to"]
        elif kind == "watch":
            state["watch"] = ev["watch"]
        elif kind == "clear":
            state = {}
        if ev["baseline"] is not None:
            state["baseline"] = ev["baseline"]
        state["analyst"], state["updated_at"] = ev["analyst"], ev["at"]
        last_id = ev_id
    if not state.get("watch"):
        state.pop("baseline", None)
    return state, last_id


def _events(conn: sqlite3.Connection, entry_id: int) -> list[tuple[Any, ...]]:
    """An entry's events as rows of ``EVENT_FIELDS``, oldest first.

    A project being migrated may not have the review loop's columns yet (m0004 merges
    entries and refolds their events before m0007 adds them): they read as NULL then.
    """
    have = {r[1] for r in conn.execute("PRAGMA table_info(review_events)")}
    cols = [c if c in have else f"NULL AS {c}" for c in EVENT_FIELDS]
    return conn.execute(
        f"SELECT {', '.join(cols)} FROM review_events WHERE entry_id = ? ORDER BY id",
        (entry_id,),
    ).fetchall()


def materialise(conn: sqlite3.Connection, entry_id: int) -> None:
    """Rewrite an entry's row in ``verdicts`` from its events (inside the caller's
    transaction); also after two entries' events were merged into one."""
    state, last_id = _replay(_events(conn, entry_id))
    if not any(state.get(k) for k in ("verdict", "note", "tags", "range_from", "range_to",
                                      "watch")):
        conn.execute("DELETE FROM verdicts WHERE entry_id = ?", (entry_id,))
        return
    have = {r[1] for r in conn.execute("PRAGMA table_info(verdicts)")}
    fields = [k for k in STATE_FIELDS if k in have]  # before m0007: the first four
    cols = ("entry_id", *fields, "analyst", "updated_at", "event_id")
    values = (entry_id, *(state.get(k) for k in fields), state.get("analyst"),
              state.get("updated_at"), last_id)
    conn.execute(
        f"INSERT INTO verdicts ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
        "ON CONFLICT(entry_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in cols[1:]),
        values,
    )


def snapshot(project: Project, entry_id: int) -> str:
    """What a watched entry looks like now, as JSON: its positions, last date, score and
    the signals that fired (the baseline a later import is compared with)."""
    row = project.conn.execute(
        "SELECT e.weeks, e.last_date, s.score, (SELECT json_group_array(g.signal) FROM "
        "(SELECT signal FROM signals WHERE entry_id = e.id AND contribution > 0 "
        "ORDER BY signal) g) FROM entries e LEFT JOIN scores s ON s.entry_id = e.id "
        "WHERE e.id = ?", (entry_id,)).fetchone()
    weeks, last_date, score, fired = row
    return json.dumps({"weeks": weeks, "last_date": last_date,
                       "score": None if score is None else round(float(score), 1),
                       "fired": json.loads(fired or "[]")}, sort_keys=True)


def append_event(
    project: Project, entry_id: int, kind: str, *, analyst: str, verdict: str | None = None,
    tags: list[str] | None = None, confidence: int | None = None, note: str | None = None,
    undoes: int | None = None, at: str | None = None, **loop: Any,
) -> int:
    """Append one event and update the entry's current state, in one committed transaction.

    ``loop`` holds the review loop's fields (``seconds``, ``batch``, ``range_from``,
    ``range_to``, ``watch``); see :func:`append_events`.
    """
    return append_events(project, [entry_id], kind, analyst=analyst, verdict=verdict,
                         tags=tags, confidence=confidence, note=note, undoes=[undoes],
                         at=at, batch=loop.pop("batch", False), **loop)[0]


LOOP_FIELDS = ("seconds", "range_from", "range_to", "watch")


def append_events(
    project: Project, entry_ids: list[int], kind: str, *, analyst: str,
    verdict: str | None = None, tags: list[str] | None = None,
    confidence: int | None = None, note: str | None = None,
    undoes: list[int | None] | None = None, at: str | None = None, batch: bool = True,
    seconds: float | None = None, range_from: str | None = None, range_to: str | None = None,
    watch: int | None = None,
) -> list[int]:
    """Append one event per entry (one decision on a case), all in one transaction.

    With ``batch`` the events share a batch number (the first event's id), so they are
    undone together. ``undoes`` names, per entry, the event an ``undo`` reverses. An
    entry watched after the event gets a baseline (:func:`snapshot`) on its verdict and
    watch events. Every entry's row in ``verdicts`` is rewritten from its events before
    the commit.

    Raises
    ------
    KeyError
        An entry does not exist; nothing is written then.
    """
    with translate_errors(project.path), project.db.atomic():
        conn = project.conn
        number = None
        if batch:
            number = int(conn.execute(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM review_events").fetchone()[0])
        ids = []
        when = at or now_iso()
        for n, entry_id in enumerate(entry_ids):
            exists = conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,))
            if exists.fetchone() is None:
                raise KeyError(entry_id)
            baseline = None
            if kind in ("verdict", "watch"):
                state, _ = _replay(_events(conn, entry_id))
                if (watch if watch is not None else state.get("watch")):
                    baseline = snapshot(project, entry_id)
            cur = conn.execute(
                "INSERT INTO review_events (entry_id, kind, verdict, tags, confidence, note, "
                "analyst, at, undoes, seconds, batch, range_from, range_to, watch, baseline) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry_id, kind, verdict, json.dumps(tags) if tags is not None else None,
                 confidence, note, analyst, when, (undoes or [None] * len(entry_ids))[n],
                 seconds, number, range_from, range_to, watch, baseline),
            )
            ids.append(int(cur.lastrowid or 0))
            materialise(conn, entry_id)
    return ids


def batch_of(project: Project, event_id: int) -> list[int]:
    """The events decided together with ``event_id`` (itself alone when it has no batch)."""
    rows = project.conn.execute(
        "SELECT b.id FROM review_events e JOIN review_events b ON b.batch = e.batch "
        "WHERE e.id = ? ORDER BY b.id", (event_id,)).fetchall()
    return [r[0] for r in rows] or [event_id]


def event(project: Project, event_id: int) -> dict[str, Any] | None:
    cur = project.conn.execute(
        "SELECT id, entry_id, kind, verdict, tags, confidence, note, analyst, at, undoes, "
        "seconds, batch, range_from, range_to, watch FROM review_events WHERE id = ?",
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
