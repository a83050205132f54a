"""One song, one track: re-key an older project's tracks and merge what now coincides.

Before schema 4 a song whose Spotify URI changed (a re-release, a clean version) became
a second track with the same key, and each of its runs a second entry: a fragment that
looked like a one-week crash. Artist credits were cut at every comma ("Tyler, The
Creator" was the act "Tyler"). :func:`rekey` applies today's rules
(:mod:`chartreview.names`) to every track and merges the tracks that now share a key:

* the absorbed track's URIs move to the survivor (``track_uris`` keeps every one);
* its entries move to the survivor; where both had a run on the same chart the two
  entries become one: positions, review events and so verdicts point at the survivor,
  and the entry's figures are worked out again from its positions;
* a team's assignments and decisions on it (``team_*`` tables, when team review came
  first) point at the survivor too;
* the caches derived from positions (``position_blocks``, ``entry_stats``) and the
  scores of every merged entry are dropped, to be rebuilt by the next read and run.

Runs inside the caller's transaction (a migration's).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

from chartreview.names import credited_acts, track_key
from chartreview.store.writer import update_entry_figures

# A credit written the Billboard way, not a Spotify comma list
_WRITTEN = (" & ", " Featuring ", " Feat. ", " With ", " x ", " X ", " + ", " Duet ")


@dataclass
class RekeyReport:
    tracks: int = 0
    rekeyed: int = 0  # tracks whose key changed
    merged_tracks: int = 0  # tracks absorbed into another
    merged_entries: int = 0  # entries absorbed into another entry on the same chart
    moved_events: int = 0  # review events that now point at the surviving entry
    survivors: set[int] = field(default_factory=set)  # entries whose figures were redone


def _style(credit: str, on_spotify: bool) -> str:
    return "list" if on_spotify and not any(s in credit for s in _WRITTEN) else "credit"


def rekey(conn: sqlite3.Connection) -> RekeyReport:
    report = RekeyReport()
    spotify_tracks = {r[0] for r in conn.execute(
        "SELECT DISTINCT e.track_id FROM entries e JOIN charts c ON c.id = e.chart_id "
        "WHERE c.platform = 'spotify'")}
    tracks = conn.execute(
        "SELECT id, title, artist_credit, norm_key FROM tracks ORDER BY id").fetchall()
    report.tracks = len(tracks)
    by_key: dict[str, list[int]] = defaultdict(list)
    acts: dict[int, tuple[tuple[str, str, str], ...]] = {}
    new_key: dict[int, str] = {}
    for tid, title, credit, old in tracks:
        key = track_key(title, credit)
        new_key[tid] = key
        report.rekeyed += key != old
        by_key[key].append(tid)
        acts[tid] = credited_acts(credit, _style(credit, tid in spotify_tracks))
    for ids in by_key.values():
        if len(ids) > 1:
            _merge_tracks(conn, ids[0], ids[1:], report)
    kept = {ids[0] for ids in by_key.values()}  # the lowest id of each key survives
    conn.executemany("UPDATE tracks SET norm_key = ? WHERE id = ? AND norm_key != ?",
                     [(k, t, k) for t, k in new_key.items() if t in kept])
    _credit_acts(conn, {t: a for t, a in acts.items() if t in kept})
    return report


def _credit_acts(conn: sqlite3.Connection,
                 acts: dict[int, tuple[tuple[str, str, str], ...]]) -> None:
    """Every track's credited acts in ``track_artists``; its lead act as ``artist_id``."""
    artists = dict(conn.execute("SELECT norm, id FROM artists"))
    rows, leads = [], []
    for tid, credited in acts.items():
        for pos, (name, norm, role) in enumerate(credited):
            aid = artists.get(norm)
            if aid is None:
                cur = conn.execute("INSERT INTO artists (name, norm) VALUES (?, ?)",
                                   (name, norm))
                aid = artists[norm] = int(cur.lastrowid or 0)
            rows.append((tid, pos, aid, role))
            if pos == 0:
                leads.append((aid, tid))
    conn.execute("DELETE FROM track_artists")
    conn.executemany("INSERT INTO track_artists (track_id, position, artist_id, role) "
                     "VALUES (?, ?, ?, ?)", rows)
    conn.executemany("UPDATE tracks SET artist_id = ? WHERE id = ?", leads)
    # Names no track credits any more (the old "Tyler" of "Tyler, The Creator")
    conn.execute("DELETE FROM artists WHERE id NOT IN (SELECT artist_id FROM track_artists) "
                 "AND id NOT IN (SELECT artist_id FROM tracks)")


def _merge_tracks(conn: sqlite3.Connection, survivor: int, absorbed: list[int],
                  report: RekeyReport) -> None:
    mine = dict(conn.execute("SELECT chart_id, id FROM entries WHERE track_id = ?",
                             (survivor,)))
    for tid in absorbed:
        for eid, chart in conn.execute("SELECT id, chart_id FROM entries WHERE track_id = ?",
                                       (tid,)).fetchall():
            target = mine.get(chart)
            if target is None:  # the survivor had no run there: the entry simply moves
                conn.execute("UPDATE entries SET track_id = ? WHERE id = ?", (survivor, eid))
                mine[chart] = eid
            else:
                _merge_entry(conn, target, eid, report)
        conn.execute("UPDATE track_uris SET track_id = ? WHERE track_id = ?", (survivor, tid))
        conn.execute("DELETE FROM track_artists WHERE track_id = ?", (tid,))
        conn.execute("DELETE FROM tracks WHERE id = ?", (tid,))
        report.merged_tracks += 1


def _merge_entry(conn: sqlite3.Connection, target: int, eid: int, report: RekeyReport) -> None:
    # The blocks of every import that stored a position of either entry hold their old
    # entry ids: dropped, they are rebuilt from the positions on the next read
    conn.execute("DELETE FROM position_blocks WHERE import_id IN (SELECT DISTINCT import_id "
                 "FROM positions WHERE entry_id IN (?, ?))", (target, eid))
    conn.execute("UPDATE positions SET entry_id = ? WHERE entry_id = ?", (target, eid))
    moved = conn.execute("UPDATE review_events SET entry_id = ? WHERE entry_id = ?",
                         (target, eid)).rowcount
    report.moved_events += moved
    moved += _repoint_team(conn, target, eid)
    for table in ("verdicts", "signals", "scores", "entry_stats"):
        conn.execute(f"DELETE FROM {table} WHERE entry_id IN (?, ?)",
                     (eid, target) if table != "verdicts" else (eid, eid))
    conn.execute("DELETE FROM entries WHERE id = ?", (eid,))
    update_entry_figures(conn, [target])
    if moved:
        from chartreview.store.reviews import materialise

        materialise(conn, target)
    report.merged_entries += 1
    report.survivors.add(target)


# Team review's tables that name entries (m0006). A project that synced with a team
# before it had this identity (m0006 ran, m0004 runs after it) has them; a project
# migrated in the registered order does not yet, and has nothing to re-point.
_TEAM_TABLES = ("team_assignments", "team_decisions", "team_dirty")


def _repoint_team(conn: sqlite3.Connection, target: int, eid: int) -> int:
    """Point the team's assignments, decisions and refold marks of ``eid`` at ``target``;
    return how many decisions moved (they change the entry's standing)."""
    have = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'team_%'")}
    if not set(_TEAM_TABLES) <= have:
        return 0
    conn.execute("UPDATE team_assignments SET entry_id = ? WHERE entry_id = ?", (target, eid))
    decided = conn.execute("UPDATE team_decisions SET entry_id = ? WHERE entry_id = ?",
                           (target, eid)).rowcount
    conn.execute("DELETE FROM team_dirty WHERE entry_id = ?", (eid,))
    return decided
