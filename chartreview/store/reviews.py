"""Review writes: an append-only event log, and each entry's current verdict kept in step.

Every change is one transaction that appends an event and rewrites the entry's row in
``verdicts`` from the log, so the current state can never disagree with the history.
Undo appends an ``undo`` event naming the event it reverses; nothing is ever deleted.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable
from typing import Any

from chartreview.store.db import Project, now_iso, select_in, translate_errors


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


def undone_ids(rows: Iterable[tuple[Any, ...]]) -> set[Any]:
    """Ids of the events an undo takes out of effect (an undo of an undo restores).

    ``rows`` are rows of ``EVENT_FIELDS``, oldest first; ids may be local ids or UUIDs, as
    long as ``undoes`` uses the same.
    """
    undone: set[Any] = set()
    for row in reversed(list(rows)):
        if row[1] == "undo" and row[0] not in undone and row[8] is not None:
            undone.add(row[8])
    return undone


def fold_event(state: dict[str, Any], row: tuple[Any, ...]) -> dict[str, Any]:
    """One event (a row of ``EVENT_FIELDS``) applied to an entry's state.

    A verdict may carry a campaign range and a watch flag; ``range`` and ``watch`` events
    set them alone; ``clear`` empties the state. The baseline of the latest event that
    recorded one stays while watched (see :func:`finish`). The same fold serves one
    analyst's project and each analyst of a team (``store.team.replay``).
    """
    kind = row[1]
    if kind == "verdict":
        state["verdict"] = row[2]
        for k, i in (("tags", 3), ("confidence", 4), ("note", 5)):
            if row[i] is not None:
                state[k] = row[i]
        if row[9] is not None or row[10] is not None:
            state["range_from"], state["range_to"] = row[9], row[10]
        if row[11] is not None:
            state["watch"] = row[11]
    elif kind == "note":
        state["note"] = row[5]
    elif kind == "tags":
        state["tags"] = row[3]
        if row[4] is not None:
            state["confidence"] = row[4]
    elif kind == "range":
        state["range_from"], state["range_to"] = row[9], row[10]
    elif kind == "watch":
        state["watch"] = row[11]
    elif kind == "clear":
        state = {}
    if row[12] is not None:
        state["baseline"] = row[12]
    state["analyst"], state["updated_at"] = row[6], row[7]
    return state


def finish(state: dict[str, Any]) -> dict[str, Any]:
    """The folded state as kept: a baseline only while the entry is watched."""
    if not state.get("watch"):
        state.pop("baseline", None)
    return state


def _replay(rows: list[tuple[Any, ...]]) -> tuple[dict[str, Any], int | None]:
    """Fold an entry's events (rows of ``EVENT_FIELDS``) into its current state.

    Undone events are skipped (an undo of an undo brings its event back).
    """
    undone = undone_ids(rows)
    state: dict[str, Any] = {}
    last_id = None
    for row in rows:
        if row[1] == "undo" or row[0] in undone:
            continue
        state = fold_event(state, row)
        last_id = row[0]
    return finish(state), last_id


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _events(conn: sqlite3.Connection, entry_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """Each entry's events as rows of ``EVENT_FIELDS``, oldest first.

    A project being migrated may not have the review loop's columns yet (m0004 merges
    entries and refolds their events before m0007 adds them): they read as NULL then.
    """
    have = _columns(conn, "review_events")
    cols = ", ".join(c if c in have else f"NULL AS {c}" for c in EVENT_FIELDS)
    out: dict[int, list[tuple[Any, ...]]] = {}
    for row in select_in(conn, f"SELECT entry_id, {cols} FROM review_events "
                         "WHERE entry_id IN ({marks}) ORDER BY entry_id, id", entry_ids):
        out.setdefault(row[0], []).append(row[1:])
    return out


def team_user(conn: sqlite3.Connection) -> str | None:
    """The team name this project records and shares under (None: not in a team).

    Also None while a project is migrated to the schema that brings team review.
    """
    try:
        row = conn.execute("SELECT user FROM team_link WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # no team_link table yet (before m0006)
        return None
    return row[0] if row else None


_NO_TEAM = object()


def materialise(conn: sqlite3.Connection, entry_id: int, team: Any = _NO_TEAM) -> None:
    """Rewrite an entry's row in ``verdicts`` from its events (inside the caller's
    transaction); also after two entries' events were merged into one.

    In a project that belongs to a team, the row holds the team's standing: the lead's
    decision, else the analysts' shared verdict, else ``disputed``; the rest is this
    analyst's own (see ``store.team.replay``).
    """
    materialise_many(conn, [entry_id], team)


def materialise_many(conn: sqlite3.Connection, entry_ids: Iterable[int],
                     team: Any = _NO_TEAM) -> None:
    """:func:`materialise` for many entries at once (a few statements, not a few each)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return
    user = team_user(conn) if team is _NO_TEAM else team
    events = _events(conn, ids)
    decided: dict[int, Any] = {}
    if user is not None:
        from chartreview.store.team.replay import decisions_for, team_state

        decided = decisions_for(conn, ids)
    have = _columns(conn, "verdicts")
    fields = [k for k in STATE_FIELDS if k in have]  # before m0007: the first four
    cols = ("entry_id", *fields, "analyst", "updated_at", "event_id")
    upserts, deletes = [], []
    for entry_id in ids:
        rows = events.get(entry_id, [])
        if user is None:
            state, last_id = _replay(rows)
        else:
            state, last_id = team_state(rows, decided.get(entry_id), user)
        if not any(state.get(k) for k in ("verdict", "note", "tags", "range_from", "range_to",
                                          "watch")):
            deletes.append((entry_id,))
            continue
        upserts.append((entry_id, *(state.get(k) for k in fields), state.get("analyst"),
                        state.get("updated_at"), last_id))
    conn.executemany("DELETE FROM verdicts WHERE entry_id = ?", deletes)
    conn.executemany(
        f"INSERT INTO verdicts ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
        "ON CONFLICT(entry_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in cols[1:]), upserts)


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
    watch events. Every event gets a UUID, its name on the team server and on every
    colleague's laptop. Every entry's row in ``verdicts`` is rewritten from its events
    before the commit.

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
                state, _ = _replay(_events(conn, [entry_id]).get(entry_id, []))
                if (watch if watch is not None else state.get("watch")):
                    baseline = snapshot(project, entry_id)
            cur = conn.execute(
                "INSERT INTO review_events (entry_id, kind, verdict, tags, confidence, note, "
                "analyst, at, undoes, seconds, batch, range_from, range_to, watch, baseline, "
                "uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry_id, kind, verdict, json.dumps(tags) if tags is not None else None,
                 confidence, note, analyst, when, (undoes or [None] * len(entry_ids))[n],
                 seconds, number, range_from, range_to, watch, baseline, str(uuid.uuid4())),
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
