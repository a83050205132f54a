"""The bulk write path of an import: one transaction, raw ``executemany``, cached ids.

sqlite-utils builds the schema; bulk rows go through the raw connection because
``insert_all`` is about 4x slower than one ``executemany`` in one transaction (measured,
see benchmarks/README.md). Nothing here commits until :meth:`ImportWriter.commit`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from chartreview.domain import IngestError
from chartreview.store.db import Project, now_iso

# A load of more rows than this (and than the project holds) drops the positions indexes
# and builds them again at commit; read at call time, so tests can lower it
BULK_LOAD_ROWS = 50_000
RANK_INDEX = "idx_positions_chart_id_date_rank"  # UNIQUE (chart_id, date, rank)
# (entry_id, date) with the columns a plot reads, so a case's positions come from the
# index alone (m0008)
ENTRY_DATE_INDEX = "idx_positions_entry_cover"
ENTRY_DATE_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {ENTRY_DATE_INDEX} ON positions "
    "(entry_id, date, rank, last_rank, peak, weeks_on_chart, streams, sales)"
)
POSITION_COLUMNS = (
    "chart_id", "date", "rank", "entry_id", "last_rank", "peak", "weeks_on_chart", "streams",
    "sales", "extra", "import_id",
)


def find_import(project: Project, sha256: str, options: str) -> int | None:
    row = project.conn.execute(
        "SELECT id FROM imports WHERE sha256 = ? AND options = ? LIMIT 1", (sha256, options)
    ).fetchone()
    return int(row[0]) if row else None


def position_count(project: Project) -> int:
    return int(project.conn.execute("SELECT COALESCE(MAX(id), 0) FROM positions").fetchone()[0])


def import_sizes(project: Project) -> set[int]:
    return {int(r[0]) for r in project.conn.execute("SELECT DISTINCT size FROM imports")}


class ImportWriter:
    """Writes one import inside one ``BEGIN IMMEDIATE`` transaction."""

    def __init__(self, project: Project) -> None:
        self.conn = project.conn
        self.import_id = 0
        self._charts: dict[tuple[str, str, str], int] = {}
        self.existing_charts: set[int] = set()  # in the project before this import
        self._artists: dict[str, int] | None = None
        self._tracks_by_key: dict[str, int] | None = None
        self._tracks_by_spotify: dict[str, int] | None = None
        self._entries: dict[int, dict[int, int]] = {}
        self.created_entries: set[int] = set()  # made by this import, maybe left empty
        self._dropped: dict[str, str] = {}  # index name -> its CREATE statement

    # --- transaction -------------------------------------------------------------------
    def begin(self, meta: dict[str, Any], *, expected_rows: int = 0) -> int:
        """Open the import's transaction and record it.

        Foreign-key checks are off while the rows go in: every id this writer stores was
        created or read inside the same transaction, and the checks cost a third of the
        load. A load larger than the stored positions also drops the secondary positions
        index and builds it again at commit (an index built after a bulk load costs a
        quarter of one kept up during it); DDL is transactional, so a rollback restores it.

        Into an empty positions table, such a load drops the unique (chart_id, date, rank)
        index as well (a fifth of a million-row load, measured) and builds it at commit.
        Every stored row is then this import's own, so the caller tells a duplicate rank
        from the ranks it inserted, without querying (:attr:`rank_index_dropped`); should
        one slip through, building the index fails and nothing is stored.
        """
        self.conn.execute("PRAGMA foreign_keys = OFF")
        self.conn.execute("BEGIN IMMEDIATE")
        stored = self.conn.execute("SELECT MAX(id) FROM positions").fetchone()[0] or 0
        if expected_rows > max(BULK_LOAD_ROWS, stored):
            self._drop_index(ENTRY_DATE_INDEX)
            if stored == 0:
                self._drop_index(RANK_INDEX)
        cols = ", ".join(meta)
        marks = ", ".join("?" for _ in meta)
        cur = self.conn.execute(
            f"INSERT INTO imports ({cols}, imported_at) VALUES ({marks}, ?)",
            [*meta.values(), now_iso()],
        )
        self.import_id = int(cur.lastrowid or 0)
        return self.import_id

    @property
    def rank_index_dropped(self) -> bool:
        """True during a bulk load into an empty project: no unique index on the ranks."""
        return RANK_INDEX in self._dropped

    def _drop_index(self, name: str) -> None:
        row = self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).fetchone()
        if row and row[0]:  # rebuilt at commit with the schema's own statement
            self._dropped[name] = str(row[0])
            self.conn.execute(f"DROP INDEX {name}")

    def _restore_indexes(self) -> None:
        if RANK_INDEX in self._dropped:
            try:
                self.conn.execute(self._dropped[RANK_INDEX])
            except sqlite3.IntegrityError as e:  # the caller's duplicate check missed one
                raise IngestError(
                    "Two rows of this file hold the same rank on one chart date and the import "
                    f"did not catch it ({e}); nothing was imported.") from e
        for name, sql in self._dropped.items():
            if name != RANK_INDEX:
                self.conn.execute(sql)
        self._dropped.clear()
        self.conn.execute(ENTRY_DATE_INDEX_SQL)  # no-op: it exists (made by m0008)

    def commit(self) -> None:
        self._restore_indexes()  # no-op unless a bulk load dropped them
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def finish_import(self, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(
            f"UPDATE imports SET {sets} WHERE id = ?", [*values.values(), self.import_id]
        )

    # --- ids -----------------------------------------------------------------------------
    def chart_id(self, name: str, region: str, frequency: str, platform: str, metric: str) -> int:
        key = (name, region, frequency)
        if key in self._charts:
            return self._charts[key]
        row = self.conn.execute(
            "SELECT id FROM charts WHERE name = ? AND region = ? AND frequency = ?", key
        ).fetchone()
        if row:
            cid = int(row[0])
            self.existing_charts.add(cid)
        else:
            cur = self.conn.execute(
                "INSERT INTO charts (name, region, frequency, platform, metric) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, region, frequency, platform, metric),
            )
            cid = int(cur.lastrowid or 0)
        self._charts[key] = cid
        return cid

    @property
    def charts(self) -> dict[tuple[str, str, str], int]:
        """(name, region, frequency) -> id of every chart this import wrote to."""
        return dict(self._charts)

    # --- does this import belong to the chart it adds to? ------------------------------
    def chart_entries(self, chart_id: int) -> set[int]:
        """The chart's entries as this import knows them: those it held before (read when
        the import first wrote to it) and those the import made."""
        return set(self._entries.get(chart_id, {}).values())

    def chart_before(self, chart_id: int) -> tuple[str, str, int] | None:
        """(first date, last date, entries) of what the chart held before this import;
        None when it held nothing."""
        row = self.conn.execute(
            "SELECT MIN(date), MAX(date), COUNT(DISTINCT entry_id) FROM positions "
            "WHERE chart_id = ? AND import_id IS NOT ?", (chart_id, self.import_id)
        ).fetchone()
        return None if row is None or row[0] is None else (str(row[0]), str(row[1]), int(row[2]))

    def chart_exists(self, name: str, region: str, frequency: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM charts WHERE name = ? AND region = ? AND frequency = ?",
            (name, region, frequency)).fetchone() is not None

    def _load_tracks(self) -> None:
        self._artists = dict(self.conn.execute("SELECT norm, id FROM artists"))
        self._tracks_by_key = dict(self.conn.execute("SELECT norm_key, id FROM tracks"))
        self._tracks_by_spotify = dict(self.conn.execute(
            "SELECT spotify_id, track_id FROM track_uris"))

    def _artist_id(self, name: str, norm: str) -> int:
        assert self._artists is not None
        aid = self._artists.get(norm)
        if aid is None:
            cur = self.conn.execute("INSERT INTO artists (name, norm) VALUES (?, ?)",
                                    (name, norm))
            aid = self._artists[norm] = int(cur.lastrowid or 0)
        return aid

    def track_id(self, title: str, credit: str, key: str,
                 acts: Sequence[tuple[str, str, str]], sid: str | None) -> int:
        """Find or create a track: a known Spotify URI, else the normalised title+artists.

        One song is one track across URIs (a re-release, a clean version): a new URI of a
        known key is kept beside the others in ``track_uris``. ``acts`` are the credit's
        (name, folded name, role), the first the lead; a new track records them all.
        """
        if self._tracks_by_key is None:
            self._load_tracks()
        assert self._tracks_by_key is not None and self._tracks_by_spotify is not None
        if sid and sid in self._tracks_by_spotify:
            return self._tracks_by_spotify[sid]
        tid = self._tracks_by_key.get(key)
        if tid is None:
            ids = [self._artist_id(name, norm) for name, norm, _ in acts]
            cur = self.conn.execute(
                "INSERT INTO tracks (title, artist_credit, artist_id, norm_key, spotify_id) "
                "VALUES (?, ?, ?, ?, ?)", (title, credit, ids[0], key, sid))
            tid = self._tracks_by_key[key] = int(cur.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO track_artists (track_id, position, artist_id, role) "
                "VALUES (?, ?, ?, ?)",
                [(tid, i, aid, role) for i, (aid, (_, _, role)) in
                 enumerate(zip(ids, acts, strict=True))])
        elif sid:  # the first URI seen stays on the track itself, for display
            self.conn.execute(
                "UPDATE tracks SET spotify_id = ? WHERE id = ? AND spotify_id IS NULL",
                (sid, tid))
        if sid:
            self.conn.execute("INSERT INTO track_uris (spotify_id, track_id) VALUES (?, ?)",
                              (sid, tid))
            self._tracks_by_spotify[sid] = tid
        return tid

    def entry_ids(self, chart_id: int, track_ids: Iterable[int]) -> dict[int, int]:
        """Entry id per track on one chart, creating the missing entries."""
        known = self._entries.get(chart_id)
        if known is None:
            known = self._entries[chart_id] = dict(
                self.conn.execute("SELECT track_id, id FROM entries WHERE chart_id = ?",
                                  (chart_id,))
            )
        missing = [t for t in dict.fromkeys(track_ids) if t not in known]
        if missing:  # one statement for all new entries, then read their ids back
            self.conn.executemany("INSERT INTO entries (chart_id, track_id) VALUES (?, ?)",
                                  [(chart_id, t) for t in missing])
            for start in range(0, len(missing), 500):
                part = missing[start:start + 500]
                new = dict(self.conn.execute(
                    f"SELECT track_id, id FROM entries WHERE chart_id = ? AND track_id IN "
                    f"({', '.join('?' for _ in part)})", [chart_id, *part]))
                known.update(new)
                self.created_entries.update(new.values())
        return {t: known[t] for t in track_ids}

    def add_track_facts(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Remember what a source said about tracks: (track id, "label", "XYZ Records")."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO track_facts (track_id, name, value) VALUES (?, ?, ?)",
            rows)

    # --- positions -----------------------------------------------------------------------
    def existing_positions(
        self, chart_id: int, dates: Iterable[str]
    ) -> dict[tuple[str, int], tuple[int, int]]:
        """(date, rank) -> (entry_id, import_id) already stored on those chart dates."""
        # Without the rank index each query would scan the table
        assert not self.rank_index_dropped, "the caller tracks ranks during a bulk load"
        out: dict[tuple[str, int], tuple[int, int]] = {}
        for date in dates:
            for rank, eid, iid in self.conn.execute(
                "SELECT rank, entry_id, import_id FROM positions WHERE chart_id = ? AND date = ?",
                (chart_id, date),
            ):
                out[(date, rank)] = (eid, iid)
        return out

    def insert_positions(
        self, rows: Iterable[tuple[Any, ...]], columns: Sequence[str] = POSITION_COLUMNS
    ) -> int:
        """Insert rows of ``columns`` (a subset of POSITION_COLUMNS; the others are NULL)."""
        unknown = set(columns) - set(POSITION_COLUMNS)
        if unknown:
            raise ValueError(f"not position columns: {sorted(unknown)}")
        before = self.conn.total_changes
        self.conn.executemany(
            f"INSERT OR IGNORE INTO positions ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            rows,
        )
        return self.conn.total_changes - before

    def write_entry_stats(self, rows: Iterable[tuple[str, str, int, int, int, int]]) -> set[int]:
        """Store (first_date, last_date, peak, positions, debut_rank, entry_id) as given.

        For entries this import created, whose figures the loader counted on the way in;
        returns their ids.
        """
        done: set[int] = set()

        def ids() -> Iterable[tuple[str, str, int, int, int, int]]:
            for row in rows:
                done.add(row[5])
                yield row

        self.conn.executemany(
            "UPDATE entries SET first_date = ?, last_date = ?, peak_rank = ?, weeks = ?, "
            "debut_rank = ? WHERE id = ?", ids())
        return done

    def refresh_entries(self, entry_ids: Iterable[int]) -> None:
        """Recompute first/last date, debut and peak rank and length of the given entries."""
        self._restore_indexes()  # the queries below need the entry index, once rows are in
        update_entry_figures(self.conn, entry_ids)


def update_entry_figures(conn: sqlite3.Connection, entry_ids: Iterable[int]) -> None:
    """Work out first/last date, debut and peak rank and positions of entries from their
    positions (inside the caller's transaction); entries left without one are dropped."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _touched (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM _touched")
    conn.executemany("INSERT OR IGNORE INTO _touched VALUES (?)", ((e,) for e in entry_ids))
    conn.execute(
        """
        UPDATE entries SET first_date = s.first, last_date = s.last, peak_rank = s.peak,
               weeks = s.n,
               debut_rank = (SELECT p.rank FROM positions p WHERE p.entry_id = entries.id
                             ORDER BY p.date LIMIT 1)
        FROM (SELECT entry_id, MIN(date) AS first, MAX(date) AS last, MIN(rank) AS peak,
                     COUNT(*) AS n
              FROM positions WHERE entry_id IN (SELECT id FROM _touched)
              GROUP BY entry_id) AS s
        WHERE entries.id = s.entry_id
        """
    )
    # Entries created for rows that were all rejected later hold no position: drop them
    conn.execute("DELETE FROM entries WHERE id IN (SELECT id FROM _touched) AND weeks IS NULL")
    conn.execute("DELETE FROM _touched")


def report_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, default=str)
