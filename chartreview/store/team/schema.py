"""The team server's schema: numbered migrations of PostgreSQL statements.

Like the project file's migrations, never edit one that has shipped: append a new one.
``chartreview.meta`` holds ``application = chartreview`` and ``schema_version``; a client
works only with a server at exactly its ``SERVER_SCHEMA_VERSION`` and says which side to
update otherwise.

Permissions are the server's, not the client's:

- ``chartreview_analyst`` (a group role; each analyst's login role is a member) may read
  every event, assignment and decision and insert events in its own name only
  (row-level security: ``author = current_user``); it may never update or delete.
- ``chartreview_lead`` (a member of the analyst role) may also insert assignments and
  decisions, in its own name only.
- Every table is append-only for everyone, its owner included (a trigger refuses
  UPDATE, DELETE and TRUNCATE).
- A trigger stamps each row with the id of the transaction that inserted it (``tx``):
  readers page by ``(tx, seq)`` and take only rows of transactions older than any still
  running, so a row committed late can never fall behind a reader's cursor.
- Each insert notifies channel ``chartreview`` (LISTEN): open windows pull at once.

Versions: V1 the tables, roles, policies and triggers; V2 the review loop's fields on
events (batch, campaign range, watch, seconds) and the kinds ``range`` and ``watch``.
"""

from __future__ import annotations

APPLICATION = "chartreview"
SCHEMA = "chartreview"
ANALYST_ROLE = "chartreview_analyst"
LEAD_ROLE = "chartreview_lead"
CHANNEL = "chartreview"

_V1 = [
    "CREATE SCHEMA IF NOT EXISTS chartreview",
    "REVOKE ALL ON SCHEMA chartreview FROM PUBLIC",
    """CREATE TABLE chartreview.meta (
        key text PRIMARY KEY,
        value text NOT NULL
    )""",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chartreview_analyst') THEN
            CREATE ROLE chartreview_analyst NOLOGIN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chartreview_lead') THEN
            CREATE ROLE chartreview_lead NOLOGIN;
        END IF;
    END $$""",
    "GRANT chartreview_analyst TO chartreview_lead",
    """CREATE TABLE chartreview.events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx bigint NOT NULL,
        uuid uuid NOT NULL UNIQUE,
        natural_key text NOT NULL CHECK (length(natural_key) BETWEEN 3 AND 4000),
        kind text NOT NULL CHECK (kind IN ('verdict', 'note', 'tags', 'undo', 'clear')),
        verdict text CHECK (verdict IN ('suspicious', 'ai', 'human')),
        tags jsonb CHECK (tags IS NULL OR jsonb_typeof(tags) = 'array'),
        confidence smallint CHECK (confidence BETWEEN 1 AND 4),
        note text CHECK (length(note) <= 20000),
        undoes uuid,
        at timestamptz NOT NULL,
        author name NOT NULL DEFAULT current_user,
        received_at timestamptz NOT NULL DEFAULT now()
    )""",
    "CREATE INDEX events_tx_seq ON chartreview.events (tx, seq)",
    "CREATE INDEX events_natural_key ON chartreview.events (natural_key)",
    """CREATE TABLE chartreview.assignments (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx bigint NOT NULL,
        natural_key text NOT NULL CHECK (length(natural_key) BETWEEN 3 AND 4000),
        analyst name NOT NULL,
        assigned_by name NOT NULL DEFAULT current_user,
        at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (natural_key, analyst)
    )""",
    "CREATE INDEX assignments_tx_id ON chartreview.assignments (tx, id)",
    """CREATE TABLE chartreview.decisions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx bigint NOT NULL,
        uuid uuid NOT NULL UNIQUE,
        natural_key text NOT NULL CHECK (length(natural_key) BETWEEN 3 AND 4000),
        verdict text NOT NULL CHECK (verdict IN ('suspicious', 'ai', 'human')),
        reason text NOT NULL CHECK (length(btrim(reason)) > 0 AND length(reason) <= 20000),
        decided_by name NOT NULL DEFAULT current_user,
        at timestamptz NOT NULL DEFAULT now()
    )""",
    "CREATE INDEX decisions_tx_id ON chartreview.decisions (tx, id)",
    # Stamps: the inserting transaction, and the server's clock (never the client's)
    """CREATE FUNCTION chartreview.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.tx := pg_current_xact_id()::text::bigint;
        IF TG_TABLE_NAME = 'events' THEN
            NEW.received_at := now();
        ELSE
            NEW.at := now();
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE FUNCTION chartreview.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'chartreview.% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE FUNCTION chartreview.announce() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('chartreview', TG_TABLE_NAME);
        RETURN NULL;
    END $$""",
    *[stmt.format(t=t) for t in ("events", "assignments", "decisions") for stmt in (
        "CREATE TRIGGER {t}_stamp BEFORE INSERT ON chartreview.{t} "
        "FOR EACH ROW EXECUTE FUNCTION chartreview.stamp()",
        "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON chartreview.{t} "
        "FOR EACH ROW EXECUTE FUNCTION chartreview.append_only()",
        "CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON chartreview.{t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION chartreview.append_only()",
        "CREATE TRIGGER {t}_announce AFTER INSERT ON chartreview.{t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION chartreview.announce()",
        "ALTER TABLE chartreview.{t} ENABLE ROW LEVEL SECURITY",
        "REVOKE ALL ON chartreview.{t} FROM PUBLIC",
        "CREATE POLICY {t}_read ON chartreview.{t} FOR SELECT TO chartreview_analyst "
        "USING (true)",
    )],
    "GRANT USAGE ON SCHEMA chartreview TO chartreview_analyst",
    "GRANT SELECT ON chartreview.meta TO chartreview_analyst",
    "GRANT SELECT ON chartreview.events, chartreview.assignments, chartreview.decisions "
    "TO chartreview_analyst",
    # Analysts insert events; what an event says is theirs alone
    "GRANT INSERT (uuid, natural_key, kind, verdict, tags, confidence, note, undoes, at, "
    "author) ON chartreview.events TO chartreview_analyst",
    "CREATE POLICY events_own ON chartreview.events FOR INSERT TO chartreview_analyst "
    "WITH CHECK (author = current_user)",
    # Only a lead assigns and decides, in its own name
    "GRANT INSERT (natural_key, analyst, assigned_by) ON chartreview.assignments "
    "TO chartreview_lead",
    "CREATE POLICY assignments_lead ON chartreview.assignments FOR INSERT "
    "TO chartreview_lead WITH CHECK (assigned_by = current_user)",
    "GRANT INSERT (uuid, natural_key, verdict, reason, decided_by) ON chartreview.decisions "
    "TO chartreview_lead",
    "CREATE POLICY decisions_lead ON chartreview.decisions FOR INSERT TO chartreview_lead "
    "WITH CHECK (decided_by = current_user)",
]

# V2, the review loop's events (issue 13): a decision on a case is one event per run,
# sharing ``batch`` (the UUID of its first event), so a colleague's laptop shows it as one
# decision and one undo reverts every run; ``range``/``watch`` events and the campaign
# range (first and last week), watch flag and time spent (seconds) a verdict may carry
_V2 = [
    "ALTER TABLE chartreview.events "
    "ADD COLUMN batch uuid, "
    "ADD COLUMN range_from date, "
    "ADD COLUMN range_to date, "
    "ADD COLUMN watch smallint CHECK (watch IN (0, 1)), "
    "ADD COLUMN seconds double precision CHECK (seconds >= 0 AND seconds <= 86400), "
    "ADD CONSTRAINT events_range_order CHECK (range_from <= range_to)",
    "ALTER TABLE chartreview.events DROP CONSTRAINT events_kind_check",
    "ALTER TABLE chartreview.events ADD CONSTRAINT events_kind_check CHECK (kind IN "
    "('verdict', 'note', 'tags', 'undo', 'clear', 'range', 'watch'))",
    "GRANT INSERT (batch, range_from, range_to, watch, seconds) ON chartreview.events "
    "TO chartreview_analyst",
]

# One list of statements per version; each runs in its own transaction
MIGRATIONS: list[list[str]] = [_V1, _V2]
SERVER_SCHEMA_VERSION = len(MIGRATIONS)
