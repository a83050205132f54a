"""The project file's side of team review: the link, the outbox, pulled events, queues.

Every write here is one SQLite transaction that also moves the sync cursor it belongs
to, so a sync killed at any point leaves either the whole batch and its cursor, or
neither: the next sync asks the server again from where the file says, and events
already here (same UUID) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chartreview.store import reviews
from chartreview.store.db import Project, now_iso, select_in, translate_errors
from chartreview.store.keys import natural_keys
from chartreview.store.team.replay import Decision, Judgement, decisions_for, judgements

# Kinds of review events the server takes (review.audit makes only these)
SHARED_KINDS = ("verdict", "note", "tags", "undo", "clear", "range", "watch")
_KIND_LIST = ", ".join(f"'{k}'" for k in SHARED_KINDS)
CURSORS = ("events", "assignments", "decisions")


@dataclass(frozen=True)
class Link:
    """The team server a project syncs with (the password is never stored)."""

    address: str
    user: str
    sslmode: str
    role: str
    active: bool
    connected_at: str
    last_sync_at: str | None
    cursors: dict[str, tuple[int, int]]


def link(project: Project) -> Link | None:
    row = project.conn.execute(
        "SELECT address, user, sslmode, role, active, connected_at, last_sync_at, "
        "events_tx, events_seq, assignments_tx, assignments_id, decisions_tx, decisions_id "
        "FROM team_link WHERE id = 1").fetchone()
    if row is None:
        return None
    c = [v or 0 for v in row[7:]]
    cursors = {"events": (c[0], c[1]), "assignments": (c[2], c[3]),
               "decisions": (c[4], c[5])}
    return Link(row[0], row[1], row[2], row[3] or "analyst", bool(row[4]), row[5], row[6],
                cursors)


def save_link(project: Project, address: str, user: str, sslmode: str, role: str) -> None:
    """Link the project to a server as ``user`` and give its verdicts the team's meaning.

    Another server or another name than before starts over: cursors from zero, and this
    analyst's events to be sent again (the server keeps each UUID once).
    """
    old = link(project)
    with translate_errors(project.path), project.db.atomic():
        same = old is not None and old.address == address and old.user == user
        if not same:
            project.conn.execute("DELETE FROM team_link")
            project.conn.execute(
                "INSERT INTO team_link (id, address, user, sslmode, role, active, "
                "connected_at) VALUES (1, ?, ?, ?, ?, 1, ?)",
                (address, user, sslmode, role, now_iso()))
            project.conn.execute(
                "UPDATE review_events SET shared_at = NULL WHERE analyst = ?", (user,))
        else:
            project.conn.execute(
                "UPDATE team_link SET sslmode = ?, role = ?, active = 1, connected_at = ? "
                "WHERE id = 1", (sslmode, role, now_iso()))
        reviews.materialise_many(project.conn, [r[0] for r in project.conn.execute(
            "SELECT DISTINCT entry_id FROM review_events")], team=user)


def deactivate(project: Project) -> bool:
    """Stop syncing (the link, events and cursors stay for a later reconnect)."""
    with translate_errors(project.path), project.db.atomic():
        cur = project.conn.execute("UPDATE team_link SET active = 0 WHERE id = 1 AND active = 1")
    return cur.rowcount > 0


def record_sync(project: Project) -> None:
    """Remember when a sync last went through (a failed one changes nothing here)."""
    with translate_errors(project.path), project.db.atomic():
        project.conn.execute("UPDATE team_link SET last_sync_at = ? WHERE id = 1", (now_iso(),))


# --- the outbox --------------------------------------------------------------------------
def outbox(project: Project, user: str, limit: int) -> list[dict[str, Any]]:
    """This analyst's oldest events the server has not confirmed, ready to send.

    ``batch`` is the UUID of the first event of the decision the event belongs to (a
    verdict on every run of a case): the same on every laptop, where a local batch
    number is not. Tags go as the JSON text the project stores.
    """
    rows = project.conn.execute(
        "SELECT ev.id, ev.uuid, ev.entry_id, ev.kind, ev.verdict, ev.tags, ev.confidence, "
        "ev.note, ev.at, u.uuid, ev.seconds, ev.range_from, ev.range_to, ev.watch, "
        "(SELECT b.uuid FROM review_events b WHERE b.batch = ev.batch ORDER BY b.id LIMIT 1) "
        "FROM review_events ev LEFT JOIN review_events u ON u.id = ev.undoes "
        f"WHERE ev.shared_at IS NULL AND ev.analyst = ? AND ev.kind IN ({_KIND_LIST}) "
        "ORDER BY ev.id LIMIT ?", (user, limit)).fetchall()
    keys = natural_keys(project, [r[2] for r in rows])
    return [{"uuid": r[1], "natural_key": keys[r[2]], "kind": r[3], "verdict": r[4],
             "tags": r[5], "confidence": r[6], "note": r[7], "at": r[8], "undoes": r[9],
             "seconds": r[10], "range_from": r[11], "range_to": r[12], "watch": r[13],
             "batch": r[14]} for r in rows]


def mark_shared(project: Project, uuids: Iterable[str]) -> None:
    """The server holds these events now."""
    when = now_iso()
    with translate_errors(project.path), project.db.atomic():
        project.conn.executemany("UPDATE review_events SET shared_at = ? WHERE uuid = ?",
                                 [(when, u) for u in uuids])


def waiting(project: Project, user: str) -> int:
    """How many of this analyst's events wait for the server."""
    return int(project.conn.execute(
        "SELECT COUNT(*) FROM review_events WHERE shared_at IS NULL AND analyst = ? "
        f"AND kind IN ({_KIND_LIST})", (user,)).fetchone()[0])


def unshared_other_names(project: Project, user: str) -> dict[str, int]:
    """Events recorded here under other names: they stay on this laptop."""
    return dict(project.conn.execute(
        "SELECT analyst, COUNT(*) FROM review_events WHERE shared_at IS NULL "
        "AND analyst IS NOT NULL AND analyst != ? GROUP BY analyst ORDER BY 2 DESC",
        (user,)).fetchall())


# --- pulled events -----------------------------------------------------------------------
def _local_id(project: Project, uuid: str | None) -> int | None:
    if uuid is None:
        return None
    row = project.conn.execute("SELECT id FROM review_events WHERE uuid = ?", (uuid,)).fetchone()
    return int(row[0]) if row else None


def local_batch(batch_uuid: str | None) -> int | None:
    """The batch number a pulled decision's events share here: a negative number made
    from the UUID of its first event, the same whichever of its events arrives first
    (a local decision's batch is its first event's id, always positive)."""
    if batch_uuid is None:
        return None
    return -(int(batch_uuid.replace("-", ""), 16) >> 66) - 1


def _row(ev: dict[str, Any], entry_id: int, undoes: int | None, when: str,
         baseline: str | None) -> tuple[Any, ...]:
    return (entry_id, ev["kind"], ev["verdict"], ev["tags"], ev["confidence"], ev["note"],
            ev["author"], ev["at"], undoes, ev["uuid"], when, ev["seconds"],
            local_batch(ev["batch"]), ev["range_from"], ev["range_to"], ev["watch"], baseline)


_INSERT = ("INSERT INTO review_events (entry_id, kind, verdict, tags, confidence, note, "
           "analyst, at, undoes, uuid, shared_at, seconds, batch, range_from, range_to, "
           "watch, baseline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def _known(project: Project, uuids: list[str]) -> set[str]:
    """Which of these events this project holds already."""
    return {r[0] for r in select_in(
        project.conn, "SELECT uuid FROM review_events WHERE uuid IN ({marks})", uuids)}


def _park(project: Project, ev: dict[str, Any]) -> bool:
    cur = project.conn.execute(
        "INSERT OR IGNORE INTO team_pending (uuid, seq, natural_key, kind, verdict, tags, "
        "confidence, note, analyst, at, undoes_uuid, seconds, batch, range_from, range_to, "
        "watch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ev["uuid"], ev["seq"], ev["natural_key"], ev["kind"], ev["verdict"], ev["tags"],
         ev["confidence"], ev["note"], ev["author"], ev["at"], ev["undoes"], ev["seconds"],
         ev["batch"], ev["range_from"], ev["range_to"], ev["watch"]))
    return cur.rowcount > 0


@dataclass
class Applied:
    """What one batch of pulled events did here."""

    added: int = 0
    parked: int = 0
    present: int = 0
    entry_ids: set[int] | None = None


def _place(project: Project, events: list[dict[str, Any]], by_key: dict[str, int],
           out: Applied) -> list[dict[str, Any]]:
    """Insert the events whose entry is here, in the server's order; return those that
    must wait (entry not imported, or the event an undo names not here yet).

    A watched verdict or watch event gets this project's baseline of its entry (what a
    later import is compared with), as one recorded here does.
    """
    when = now_iso()
    left = []
    assert out.entry_ids is not None
    known = _known(project, [ev["uuid"] for ev in events])
    run: list[tuple[Any, ...]] = []
    for ev in events:
        if ev["uuid"] in known:
            out.present += 1
            continue
        entry_id = by_key.get(ev["natural_key"])
        if entry_id is None:
            left.append(ev)
            continue
        baseline = (reviews.snapshot(project, entry_id) if ev["watch"] == 1
                    and ev["kind"] in ("verdict", "watch") else None)
        if ev["undoes"] is None:
            run.append(_row(ev, entry_id, None, when, baseline))
        else:  # an undo needs the local id of its event: store what came before first
            project.conn.executemany(_INSERT, run)
            run = []
            undoes = _local_id(project, ev["undoes"])
            if undoes is None:
                left.append(ev)
                continue
            project.conn.execute(_INSERT, _row(ev, entry_id, undoes, when, baseline))
        known.add(ev["uuid"])
        out.added += 1
        out.entry_ids.add(entry_id)
    project.conn.executemany(_INSERT, run)
    return left


def apply_pulled(project: Project, events: list[dict[str, Any]], cursor: tuple[int, int],
                 by_key: dict[str, int]) -> Applied:
    """Store one batch of the server's events and the cursor after it, in one transaction.

    Events already here (ours, or pulled before) are skipped; events on entries this
    project has not imported wait in ``team_pending``. The entries they touch are marked
    for :func:`flush` (each refolded once per sync, not once per batch).
    """
    out = Applied(entry_ids=set())
    with translate_errors(project.path), project.db.atomic():
        for ev in _place(project, events, by_key, out):
            if _local_id(project, ev["uuid"]) is None and _park(project, ev):
                out.parked += 1
            else:
                out.present += 1
        project.conn.execute("UPDATE team_link SET events_tx = ?, events_seq = ? WHERE id = 1",
                             cursor)
        assert out.entry_ids is not None
        _dirty(project, out.entry_ids)
    return out


_PENDING_COLS = ("uuid", "seq", "natural_key", "kind", "verdict", "tags", "confidence", "note",
                 "author", "at", "undoes", "seconds", "batch", "range_from", "range_to",
                 "watch")


def apply_pending(project: Project, by_key: dict[str, int]) -> Applied:
    """Apply the waiting events whose entry has been imported since (oldest first)."""
    out = Applied(entry_ids=set())
    rows = project.conn.execute(
        "SELECT uuid, seq, natural_key, kind, verdict, tags, confidence, note, analyst, at, "
        "undoes_uuid, seconds, batch, range_from, range_to, watch FROM team_pending "
        "ORDER BY seq").fetchall()
    ready = [dict(zip(_PENDING_COLS, r, strict=True)) for r in rows if r[2] in by_key]
    if not ready:
        return out
    with translate_errors(project.path), project.db.atomic():
        left = {ev["uuid"] for ev in _place(project, ready, by_key, out)}
        project.conn.executemany("DELETE FROM team_pending WHERE uuid = ?",
                                 [(ev["uuid"],) for ev in ready if ev["uuid"] not in left])
        assert out.entry_ids is not None
        _dirty(project, out.entry_ids)
    return out


def pending(project: Project) -> dict[str, int]:
    """Colleagues' events waiting for entries this project has not imported, by kind."""
    return dict(project.conn.execute(
        "SELECT kind, COUNT(*) FROM team_pending GROUP BY kind").fetchall())


def pending_entries(project: Project) -> int:
    return int(project.conn.execute(
        "SELECT COUNT(DISTINCT natural_key) FROM team_pending").fetchone()[0])


# --- entries to refold ---------------------------------------------------------------------
def _dirty(project: Project, entry_ids: Iterable[int]) -> None:
    """Mark entries whose team standing must be refolded (in the caller's transaction)."""
    project.conn.executemany("INSERT OR IGNORE INTO team_dirty (entry_id) VALUES (?)",
                             [(e,) for e in entry_ids])


def flush(project: Project, user: str, chunk: int = 500) -> set[int]:
    """Refold the marked entries into ``verdicts``, a few hundred per short transaction.

    A sync ends with this (and starts with it, for what a killed one left marked): the
    events are stored in large batches that hold the file's write lock briefly, and
    each entry's history is read once however many batches touched it. Until then
    the entry's row may lag its events by the length of the sync, never more.
    """
    done: set[int] = set()
    while True:
        ids = [r[0] for r in project.conn.execute(
            "SELECT entry_id FROM team_dirty ORDER BY entry_id LIMIT ?", (chunk,))]
        if not ids:
            return done
        with translate_errors(project.path), project.db.atomic():
            reviews.materialise_many(project.conn, ids, team=user)
            project.conn.executemany("DELETE FROM team_dirty WHERE entry_id = ?",
                                     [(e,) for e in ids])
        done.update(ids)


# --- assignments and decisions -----------------------------------------------------------
def save_assignments(project: Project, rows: list[dict[str, Any]], cursor: tuple[int, int],
                     by_key: dict[str, int]) -> int:
    with translate_errors(project.path), project.db.atomic():
        cur = project.conn.executemany(
            "INSERT OR IGNORE INTO team_assignments (id, natural_key, entry_id, analyst, "
            "assigned_by, at) VALUES (?, ?, ?, ?, ?, ?)",
            [(r["id"], r["natural_key"], by_key.get(r["natural_key"]), r["analyst"],
              r["assigned_by"], r["at"]) for r in rows])
        project.conn.execute(
            "UPDATE team_link SET assignments_tx = ?, assignments_id = ? WHERE id = 1", cursor)
    return cur.rowcount


def save_decisions(project: Project, rows: list[dict[str, Any]], cursor: tuple[int, int],
                   by_key: dict[str, int]) -> set[int]:
    """Store the lead's decisions; return the entries whose standing they changed."""
    touched: set[int] = set()
    with translate_errors(project.path), project.db.atomic():
        for r in rows:
            entry_id = by_key.get(r["natural_key"])
            cur = project.conn.execute(
                "INSERT OR IGNORE INTO team_decisions (id, uuid, natural_key, entry_id, verdict, "
                "reason, decided_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (r["id"], r["uuid"], r["natural_key"], entry_id, r["verdict"], r["reason"],
                 r["decided_by"], r["at"]))
            if cur.rowcount and entry_id is not None:
                touched.add(entry_id)
        project.conn.execute(
            "UPDATE team_link SET decisions_tx = ?, decisions_id = ? WHERE id = 1", cursor)
        _dirty(project, touched)
    return touched


def resolve(project: Project, by_key: dict[str, int]) -> set[int]:
    """Point assignments and decisions at entries imported since they arrived."""
    touched: set[int] = set()
    open_a = project.conn.execute(
        "SELECT id, natural_key FROM team_assignments WHERE entry_id IS NULL").fetchall()
    open_d = project.conn.execute(
        "SELECT id, natural_key FROM team_decisions WHERE entry_id IS NULL").fetchall()
    found_a = [(by_key[k], i) for i, k in open_a if k in by_key]
    found_d = [(by_key[k], i) for i, k in open_d if k in by_key]
    if not found_a and not found_d:
        return touched
    with translate_errors(project.path), project.db.atomic():
        project.conn.executemany("UPDATE team_assignments SET entry_id = ? WHERE id = ?",
                                 found_a)
        project.conn.executemany("UPDATE team_decisions SET entry_id = ? WHERE id = ?",
                                 found_d)
        touched = {e for e, _ in found_d}
        _dirty(project, touched)
    return touched


def assigned(project: Project) -> dict[str, list[str]]:
    """natural key -> analysts it is assigned to (as far as this project has pulled)."""
    out: dict[str, list[str]] = {}
    for key, analyst in project.conn.execute(
            "SELECT natural_key, analyst FROM team_assignments ORDER BY id"):
        out.setdefault(key, []).append(analyst)
    return out


def assignment_load(project: Project) -> dict[str, int]:
    return dict(project.conn.execute(
        "SELECT analyst, COUNT(*) FROM team_assignments GROUP BY analyst").fetchall())


# --- who judged what ---------------------------------------------------------------------
_EVENT_COLS = ", ".join(reviews.EVENT_FIELDS)


def _events_by_entry(project: Project, entry_ids: list[int] | None) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    if entry_ids is None:
        rows: Iterable[Any] = project.conn.execute(
            f"SELECT entry_id, {_EVENT_COLS} FROM review_events ORDER BY id")
        for r in rows:
            out.setdefault(r[0], []).append(r[1:])
        return out
    for r in select_in(project.conn, f"SELECT entry_id, {_EVENT_COLS} FROM review_events "
                       "WHERE entry_id IN ({marks}) ORDER BY id", entry_ids):
        out.setdefault(r[0], []).append(r[1:])
    return out


def judgements_of(project: Project, entry_ids: list[int]) -> dict[int, list[Judgement]]:
    """Each analyst's verdict in effect on the given entries (entries nobody judged left out)."""
    out = {}
    for entry_id, rows in _events_by_entry(project, list(entry_ids)).items():
        judged = judgements(rows)
        if judged:
            out[entry_id] = judged
    return out


def decisions_of(project: Project, entry_ids: list[int]) -> dict[int, Decision]:
    """The lead's latest decision on each of these entries."""
    return decisions_for(project.conn, list(entry_ids))


def all_judgements(project: Project) -> dict[str, list[Judgement]]:
    """natural key -> judgements, over imported entries and the ones waiting here."""
    keys = natural_keys(project)
    out = {keys[e]: j for e, rows in _events_by_entry(project, None).items()
           if (j := judgements(rows))}
    waiting_rows: dict[str, list[Any]] = {}
    for r in project.conn.execute(
            "SELECT natural_key, uuid, kind, verdict, tags, confidence, note, analyst, at, "
            "undoes_uuid, range_from, range_to, watch, NULL FROM team_pending ORDER BY seq"):
        waiting_rows.setdefault(r[0], []).append(r[1:])
    for key, rows in waiting_rows.items():
        if j := judgements(rows):
            out[key] = sorted({x.analyst: x for x in [*out.get(key, []), *j]}.values(),
                              key=lambda x: x.analyst)
    return out


def queue(project: Project, analyst: str) -> list[tuple[int, bool]]:
    """The entries assigned to ``analyst`` that are imported here, in score order, and
    whether the analyst has a verdict in effect on each."""
    ids = [r[0] for r in project.conn.execute(
        "SELECT DISTINCT a.entry_id FROM team_assignments a LEFT JOIN scores s "
        "ON s.entry_id = a.entry_id WHERE a.analyst = ? AND a.entry_id IS NOT NULL "
        "ORDER BY COALESCE(s.score, -1) DESC, a.entry_id DESC", (analyst,))]
    judged = judgements_of(project, ids)
    return [(i, any(j.analyst == analyst for j in judged.get(i, []))) for i in ids]


def assigned_elsewhere(project: Project, analyst: str) -> int:
    """Assignments of ``analyst`` on entries this project has not imported."""
    return int(project.conn.execute(
        "SELECT COUNT(*) FROM team_assignments WHERE analyst = ? AND entry_id IS NULL",
        (analyst,)).fetchone()[0])


def disputed(project: Project) -> list[int]:
    """Entries whose analysts disagree and nobody has decided, highest score first."""
    return [r[0] for r in project.conn.execute(
        "SELECT v.entry_id FROM verdicts v LEFT JOIN scores s ON s.entry_id = v.entry_id "
        "WHERE v.verdict = 'disputed' ORDER BY COALESCE(s.score, -1) DESC, v.entry_id DESC")]
