"""Numbered schema migrations, each a named function run in its own transaction.

Never edit a migration that has shipped: add a new one. ``SCHEMA_VERSION`` is the
number of migrations; it is written to ``PRAGMA user_version`` so that a project made
by a newer chartreview is recognised and refused before anything touches it.
"""

from __future__ import annotations

from chartreview.store.sqlite_utils_lazy import Database, Migrations

# "CRVW": marks a SQLite file as a chartreview project (PRAGMA application_id)
APPLICATION_ID = 0x43525657

migrations = Migrations("chartreview")


@migrations()
def m0001_initial(db: Database) -> None:
    db["imports"].create(
        {
            "id": int,
            "file_name": str,
            "path": str,
            "size": int,
            "sha256": str,
            "format": str,
            "encoding": str,
            "options": str,  # JSON: chart, region, date, metric, mapping given by the user
            "rows_read": int,
            "rows_imported": int,
            "rows_existing": int,
            "rows_rejected": int,
            "report": str,  # JSON ImportReport
            "imported_at": str,
        },
        pk="id",
        not_null={"file_name", "sha256", "format", "imported_at"},
    )
    db["imports"].create_index(["sha256"])
    db["charts"].create(
        {
            "id": int,
            "name": str,
            "region": str,
            "frequency": str,
            "platform": str,
            "metric": str,
        },
        pk="id",
        not_null={"name", "region", "frequency", "metric"},
    )
    db["charts"].create_index(["name", "region", "frequency"], unique=True)
    db["artists"].create({"id": int, "name": str, "norm": str}, pk="id", not_null={"name", "norm"})
    db["artists"].create_index(["norm"], unique=True)
    db["tracks"].create(
        {
            "id": int,
            "title": str,
            "artist_credit": str,
            "artist_id": int,
            "norm_key": str,
            "spotify_id": str,
            "isrc": str,
        },
        pk="id",
        foreign_keys=[("artist_id", "artists", "id")],
        not_null={"title", "artist_credit", "artist_id", "norm_key"},
    )
    db["tracks"].create_index(["norm_key"])
    db["tracks"].create_index(["artist_id"])
    db.execute(
        "CREATE UNIQUE INDEX idx_tracks_spotify_id ON tracks(spotify_id) "
        "WHERE spotify_id IS NOT NULL"
    )
    db["entries"].create(
        {
            "id": int,
            "chart_id": int,
            "track_id": int,
            "first_date": str,
            "last_date": str,
            "debut_rank": int,
            "peak_rank": int,
            "weeks": int,  # positions held (chart weeks, or days on a daily chart)
        },
        pk="id",
        foreign_keys=[("chart_id", "charts", "id"), ("track_id", "tracks", "id")],
        not_null={"chart_id", "track_id"},
    )
    db["entries"].create_index(["chart_id", "track_id"], unique=True)
    db["entries"].create_index(["track_id"])
    db["entries"].create_index(["first_date"])
    db["entries"].create_index(["peak_rank"])
    db["positions"].create(
        {
            "id": int,
            "chart_id": int,
            "date": str,  # ISO yyyy-mm-dd
            "rank": int,
            "entry_id": int,
            "last_rank": int,
            "peak": int,
            "weeks_on_chart": int,
            "streams": int,
            "sales": int,
            "extra": str,  # JSON of whatever else the source row carried
            "import_id": int,
        },
        pk="id",
        foreign_keys=[
            ("chart_id", "charts", "id"),
            ("entry_id", "entries", "id"),
            ("import_id", "imports", "id"),
        ],
        not_null={"chart_id", "date", "rank", "entry_id"},
    )
    db["positions"].create_index(["chart_id", "date", "rank"], unique=True)
    db["positions"].create_index(["entry_id", "date"])
    # Scores: one run records its settings and version; per entry, per signal.
    db["score_runs"].create(
        {"id": int, "created_at": str, "version": str, "settings": str, "entries": int},
        pk="id",
    )
    db["scores"].create(
        {
            "entry_id": int,
            "run_id": int,
            "score": float,
            "manipulation": float,
            "ai": float,
            "top_signal": str,
            "reason": str,
        },
        pk="entry_id",
        foreign_keys=[("entry_id", "entries", "id"), ("run_id", "score_runs", "id")],
    )
    db["scores"].create_index(["score"])
    db["signals"].create(
        {
            "entry_id": int,
            "signal": str,
            "value": float,
            "contribution": float,
            "reason": str,
            "reference": str,
        },
        pk=("entry_id", "signal"),
        foreign_keys=[("entry_id", "entries", "id")],
    )
    # Review: the event log is append-only; verdicts holds the current state of each entry,
    # written in the same transaction as the event that produced it.
    db["review_events"].create(
        {
            "id": int,
            "entry_id": int,
            "kind": str,  # verdict | note | undo | import
            "verdict": str,
            "tags": str,
            "confidence": int,
            "note": str,
            "analyst": str,
            "at": str,
            "undoes": int,
        },
        pk="id",
        foreign_keys=[("entry_id", "entries", "id")],
        not_null={"entry_id", "kind", "at"},
    )
    db["review_events"].create_index(["entry_id", "id"])
    db["verdicts"].create(
        {
            "entry_id": int,
            "verdict": str,
            "tags": str,
            "confidence": int,
            "note": str,
            "analyst": str,
            "updated_at": str,
            "event_id": int,
        },
        pk="entry_id",
        foreign_keys=[("entry_id", "entries", "id"), ("event_id", "review_events", "id")],
    )
    db["verdicts"].create_index(["verdict"])
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")



@migrations()
def m0002_score_run_data_version(db: Database) -> None:
    # Which data a score run saw (the last import id), so re-scoring can be skipped when
    # neither the data nor the settings changed since.
    db["score_runs"].add_column("data_version", int)
    db["score_runs"].add_column("changed", int)


@migrations()
def m0003_scoring_cache(db: Database) -> None:
    # The scorer's two caches, both derived from positions and rebuilt when missing:
    # position_blocks holds each import's positions as packed columns (a million rows
    # read in milliseconds instead of seconds through sqlite3's row objects);
    # entry_stats holds what scoring computes from one entry's own positions, so a new
    # week recomputes only the entries it added positions to.
    db["position_blocks"].create(
        {"id": int, "import_id": int, "rows": int, "entry_id": bytes, "day": bytes,
         "rank": bytes, "streams": bytes, "sales": bytes},
        pk="id",
        foreign_keys=[("import_id", "imports", "id")],
        not_null={"import_id", "rows"},
    )
    db["position_blocks"].create_index(["import_id"])
    db["entry_stats"].create(
        {"entry_id": int, "version": int, "n": int, "first": int, "last": int,
         "debut_rank": int, "peak": int, "max_rank": int, "peak_day": int,
         "peak_streams": float, "peak_sales": float, "amp": float, "noise": float,
         "spike_ratio": float, "spike_day": int},
        pk="entry_id",
        foreign_keys=[("entry_id", "entries", "id")],
    )

@migrations()
def m0004_track_identity(db: Database) -> None:
    # One song is one track across Spotify URIs and sources (tracks.norm_key, now unique,
    # is its identity; every URI is kept in track_uris), and a track's credit is cut into
    # the acts it names (track_artists; tracks.artist_id stays the lead act). An older
    # project is re-keyed and the tracks and entries that now coincide are merged, with
    # their positions, review events and verdicts (chartreview.store.identity).
    # (One number for this wave's scoring work too: the new entry_stats columns below.)
    from chartreview.store.identity import rekey

    db["track_uris"].create(
        {"spotify_id": str, "track_id": int}, pk="spotify_id",
        foreign_keys=[("track_id", "tracks", "id")], not_null={"track_id"})
    db["track_uris"].create_index(["track_id"])
    db["track_artists"].create(
        {"track_id": int, "position": int, "artist_id": int, "role": str},
        pk=("track_id", "position"),
        foreign_keys=[("track_id", "tracks", "id"), ("artist_id", "artists", "id")],
        not_null={"artist_id", "role"})
    db["track_artists"].create_index(["artist_id"])
    db.execute("INSERT INTO track_uris (spotify_id, track_id) "
               "SELECT spotify_id, id FROM tracks WHERE spotify_id IS NOT NULL")
    rekey(db.conn)
    db.execute("DROP INDEX IF EXISTS idx_tracks_norm_key")
    db.execute("CREATE UNIQUE INDEX idx_tracks_norm_key ON tracks (norm_key)")
    # What scoring keeps of a run's shape (scoring.stats, version 2): the ranks one and two
    # periods after the debut, the exit, comebacks and their months, the run's levels
    for col in ("rank2", "rank3", "exit_rank", "n_returns", "ret_day", "ret_rank",
                "run_months", "ret_months"):
        db["entry_stats"].add_column(col, int)
    for col in ("mid_rank", "late_rank", "mid_volume", "late_volume"):
        db["entry_stats"].add_column(col, float)


@migrations()
def m0006_team_sync(db: Database) -> None:
    # Team review (chartreview team ...): every review event gets a UUID made here, the
    # identity it keeps on the team server and on every colleague's laptop, so pushing
    # or pulling it twice stores it once. shared_at says when the server confirmed it
    # (NULL: not on the server yet); an event pulled from the server has it set.
    import uuid

    db["review_events"].add_column("uuid", str)
    db["review_events"].add_column("shared_at", str)
    ids = [r[0] for r in db.execute("SELECT id FROM review_events WHERE uuid IS NULL")]
    db.conn.executemany("UPDATE review_events SET uuid = ? WHERE id = ?",
                        [(str(uuid.uuid4()), i) for i in ids])
    db.execute("CREATE UNIQUE INDEX idx_review_events_uuid ON review_events(uuid)")
    # The outbox: this analyst's events the server has not confirmed yet
    db.execute("CREATE INDEX idx_review_events_unshared ON review_events(analyst, id) "
               "WHERE shared_at IS NULL")
    # The server this project syncs with (one row; never a password) and how far it got
    db["team_link"].create(
        {"id": int, "address": str, "user": str, "sslmode": str, "role": str,
         "active": int, "connected_at": str, "events_tx": int, "events_seq": int,
         "assignments_tx": int, "assignments_id": int, "decisions_tx": int,
         "decisions_id": int, "last_sync_at": str},
        pk="id", not_null={"address", "user", "sslmode"},
    )
    # Colleagues' events on entries this project has not imported: kept, listed, and
    # applied once the entry is imported
    # (with the review loop's fields, batch being the UUID of the decision's first event)
    db["team_pending"].create(
        {"uuid": str, "seq": int, "natural_key": str, "kind": str, "verdict": str,
         "tags": str, "confidence": int, "note": str, "analyst": str, "at": str,
         "undoes_uuid": str, "seconds": float, "batch": str, "range_from": str,
         "range_to": str, "watch": int},
        pk="uuid", not_null={"natural_key", "kind", "analyst", "at"},
    )
    db["team_pending"].create_index(["natural_key"])
    # What the lead decided: assignments and adjudications, as the server has them;
    # entry_id is this project's entry of the natural key (NULL: not imported here)
    db["team_assignments"].create(
        {"id": int, "natural_key": str, "entry_id": int, "analyst": str,
         "assigned_by": str, "at": str},
        pk="id", not_null={"natural_key", "analyst"},
    )
    db["team_assignments"].create_index(["analyst", "entry_id"])
    db["team_assignments"].create_index(["entry_id"])
    db["team_decisions"].create(
        {"id": int, "uuid": str, "natural_key": str, "entry_id": int, "verdict": str,
         "reason": str, "decided_by": str, "at": str},
        pk="id", not_null={"natural_key", "verdict", "reason", "decided_by"},
    )
    db["team_decisions"].create_index(["entry_id", "id"])
    # Entries whose verdicts row waits to be refolded from newly pulled events
    db["team_dirty"].create({"entry_id": int}, pk="entry_id")


@migrations()
def m0007_review_loop(db: Database) -> None:
    # The review loop (issue 13). review_events stays append-only; each event may now say
    # how long the analyst looked (seconds, from the case shown to the key), which other
    # events it was decided with (batch: one verdict on a case is one event per run, undone
    # together), the campaign range it marks (range_from/range_to, ISO dates), whether the
    # case is watched, and for a watched case what the entry looked like then (baseline,
    # JSON: weeks, last date, score, signals fired), so a later import can bring it back
    # with what changed. verdicts holds the current range, watch and baseline, written in
    # the same transaction as the event, as before.
    for col, kind in (("seconds", float), ("batch", int), ("range_from", str),
                      ("range_to", str), ("watch", int), ("baseline", str)):
        db["review_events"].add_column(col, kind)
    for col, kind in (("range_from", str), ("range_to", str), ("watch", int),
                      ("baseline", str)):
        db["verdicts"].add_column(col, kind)
    db.execute("CREATE INDEX idx_review_events_batch ON review_events(batch) "
               "WHERE batch IS NOT NULL")
    db.execute("CREATE INDEX idx_verdicts_watch ON verdicts(entry_id) WHERE watch = 1")
    # Queues an analyst saved: a filter (JSON of review.queue.QueueDef) under a name
    db["saved_queues"].create(
        {"id": int, "name": str, "definition": str, "created_at": str},
        pk="id", not_null={"name", "definition", "created_at"},
    )
    db["saved_queues"].create_index(["name"], unique=True)
    # What a source says about a track beyond title and artist (label, distributor), for
    # "more like this: same label"; filled by imports whose files carry such a column
    db["track_facts"].create(
        {"track_id": int, "name": str, "value": str},
        pk=("track_id", "name", "value"),
        foreign_keys=[("track_id", "tracks", "id")],
    )
    db["track_facts"].create_index(["name", "value"])


@migrations()
def m0008_positions_by_entry_covering(db: Database) -> None:
    # Switching case reads every position of a case's runs by entry: on a 1M-position
    # project some 720 rows, each on its own table page (3.7 ms). An index that also holds
    # the columns a plot reads answers from the index alone (1.4 ms), for 7% more file. It
    # replaces the (entry_id, date) index, which it begins with.
    db.execute("DROP INDEX IF EXISTS idx_positions_entry_id_date")
    db.execute("CREATE INDEX IF NOT EXISTS idx_positions_entry_cover ON positions "
               "(entry_id, date, rank, last_rank, peak, weeks_on_chart, streams, sales)")



SCHEMA_VERSION = len(migrations._migrations)
