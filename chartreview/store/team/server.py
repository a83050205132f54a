"""Talking to the team's PostgreSQL server (psycopg 3): every server statement is here.

Connections are short-lived (one per sync or command) except the listener's, which a
window keeps open for LISTEN. Failures become :class:`TeamError` sentences a user can act
on; whatever a failed call was doing on the server is rolled back by then.
"""

from __future__ import annotations

import threading
import uuid as uuidlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chartreview.domain import ChartreviewError
from chartreview.store.team import schema

CONNECT_TIMEOUT_S = 5
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


class TeamError(ChartreviewError):
    """A team operation failed; nothing local was changed by the failed step."""


class NeedsPassword(TeamError):
    """The server asked for a password that PGPASSWORD or ~/.pgpass did not give."""


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise TeamError("Team review needs the PostgreSQL driver: install it with "
                        "pip install 'chartreview[team]'.") from None
    return psycopg


@dataclass(frozen=True)
class Address:
    """A server address as typed, without any password."""

    host: str
    port: int
    dbname: str
    user: str

    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}/{self.dbname}"


def parse_address(text: str, user: str | None = None) -> Address:
    """Read ``postgresql://user@host:port/db`` (or ``host=... dbname=...``).

    Raises
    ------
    TeamError
        For an address with a password in it (passwords come from PGPASSWORD, ~/.pgpass
        or a prompt, and are never stored), or without a user or database.
    """
    psycopg = _psycopg()
    try:
        parts = psycopg.conninfo.conninfo_to_dict(text.strip())
    except psycopg.ProgrammingError as e:
        raise TeamError(f"{text!r} is not a server address like "
                        f"postgresql://analyst1@host:5432/desk ({_message(e)}).") from None
    if parts.get("password"):
        raise TeamError("Leave the password out of the address: chartreview reads it from "
                        "PGPASSWORD or ~/.pgpass, or asks for it, and never stores it.")
    who = user or parts.get("user")
    if not who or not parts.get("dbname"):
        raise TeamError("The address needs a user and a database, like "
                        "postgresql://analyst1@host:5432/desk.")
    return Address(str(parts.get("host") or "localhost"), int(parts.get("port") or 5432),
                   str(parts["dbname"]), str(who))


def _message(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[0].rstrip(".") if text else type(e).__name__


@contextmanager
def translate(address: Address) -> Iterator[None]:
    """PostgreSQL failures as one sentence each."""
    psycopg = _psycopg()
    try:
        yield
    except TeamError:
        raise
    except psycopg.errors.InsufficientPrivilege as e:
        raise TeamError(f"The team server refused this for {address.user}: "
                        f"{_message(e)}.") from None
    except psycopg.OperationalError as e:
        raise TeamError(f"The team server at {address.where} cannot be reached or went away "
                        f"({_message(e)}). Nothing was lost: your verdicts stay on this "
                        "laptop until the next sync.") from None
    except psycopg.Error as e:
        raise TeamError(f"The team server at {address.where} refused this "
                        f"({_message(e)}).") from None


class Server:
    """One open connection to the team server, checked to be a chartreview schema."""

    def __init__(self, conn: Any, address: Address) -> None:
        self.conn = conn
        self.address = address

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def connect(cls, address: Address, *, sslmode: str = "prefer",
                password: str | None = None, autocommit: bool = False) -> Server:
        """Open a connection (TLS when the server offers it, with sslmode=prefer).

        Raises
        ------
        NeedsPassword
            When the server wants a password and none was found.
        TeamError
            When the server cannot be reached or refuses the login.
        """
        psycopg = _psycopg()
        if sslmode not in SSLMODES:
            raise TeamError(f"Unknown sslmode {sslmode!r}; use one of {', '.join(SSLMODES)}.")
        kwargs: dict[str, Any] = dict(
            host=address.host, port=address.port, dbname=address.dbname, user=address.user,
            sslmode=sslmode, connect_timeout=CONNECT_TIMEOUT_S,
            application_name="chartreview", autocommit=autocommit)
        if password is not None:
            kwargs["password"] = password
        try:
            conn = psycopg.connect(**kwargs)
        except psycopg.OperationalError as e:
            text = str(e)
            if "no password supplied" in text:
                raise NeedsPassword(
                    f"The team server at {address.where} wants a password for "
                    f"{address.user}: set PGPASSWORD or add it to ~/.pgpass.") from None
            if "password authentication failed" in text:
                raise TeamError(f"The team server at {address.where} refused the password "
                                f"for {address.user}.") from None
            if "does not exist" in text:
                raise TeamError(f"The team server at {address.where} says: "
                                f"{_message(e)}.") from None
            raise TeamError(f"The team server at {address.where} cannot be reached "
                            f"({_message(e)}). Nothing was changed; verdicts stay on this "
                            "laptop until the next sync.") from None
        return cls(conn, address)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def tls(self) -> bool:
        return bool(self.conn.pgconn.ssl_in_use)

    # --- what the server is ----------------------------------------------------------------
    def schema_version(self) -> int | None:
        """The server's chartreview schema version; None when there is no chartreview schema.

        Raises
        ------
        TeamError
            When a ``chartreview`` schema exists but is not ours, or cannot be read.
        """
        with translate(self.address), self.conn.transaction():
            has = self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)",
                (schema.SCHEMA,)).fetchone()[0]
            if not has:
                return None
            usable = self.conn.execute(
                "SELECT has_schema_privilege(%s, 'USAGE')", (schema.SCHEMA,)).fetchone()[0]
            if not usable:
                raise TeamError(
                    f"{self.address.user} may not use the chartreview schema on "
                    f"{self.address.where}: ask its admin to GRANT {schema.ANALYST_ROLE} TO "
                    f"{self.address.user}. Nothing was changed.")
            table = self.conn.execute("SELECT to_regclass('chartreview.meta')").fetchone()[0]
        meta: dict[str, str] = {}
        if table is not None:
            psycopg = _psycopg()
            try:
                with self.conn.transaction():
                    meta = dict(self.conn.execute(
                        "SELECT key, value FROM chartreview.meta").fetchall())
            except psycopg.ProgrammingError:
                meta = {}  # a table of that name, not ours (other columns, no access)
        if meta.get("application") != schema.APPLICATION or "schema_version" not in meta:
            raise TeamError(f"{self.address.where} has a 'chartreview' schema that chartreview "
                            "did not make; nothing was changed.")
        try:
            return int(meta["schema_version"])
        except ValueError:
            raise TeamError(f"{self.address.where} has a damaged chartreview schema version "
                            f"({meta['schema_version']!r}); nothing was changed.") from None

    def check(self) -> str:
        """Refuse a server that is not a chartreview team database of this version.

        Returns
        -------
        str
            The user's role: ``lead`` or ``analyst``.
        """
        version = self.schema_version()
        if version is None:
            raise TeamError(
                f"{self.address.where} is not a chartreview team database (it has no "
                "chartreview schema): its admin sets it up with 'chartreview team init'. "
                "Nothing was changed.")
        if version < schema.SERVER_SCHEMA_VERSION:
            raise TeamError(
                f"The team server's schema is version {version} and this chartreview needs "
                f"{schema.SERVER_SCHEMA_VERSION}: ask its admin to run 'chartreview team "
                "init' to upgrade it. Nothing was changed.")
        if version > schema.SERVER_SCHEMA_VERSION:
            raise TeamError(
                f"The team server was set up by a newer chartreview (schema {version}; this "
                f"one knows up to {schema.SERVER_SCHEMA_VERSION}): update chartreview. "
                "Nothing was changed.")
        return self.role()

    def role(self) -> str:
        with translate(self.address), self.conn.transaction():
            lead, analyst = self.conn.execute(
                "SELECT pg_has_role(current_user, %s, 'MEMBER'), "
                "pg_has_role(current_user, %s, 'MEMBER')",
                (schema.LEAD_ROLE, schema.ANALYST_ROLE)).fetchone()
        if lead:
            return "lead"
        if analyst:
            return "analyst"
        raise TeamError(f"{self.address.user} is not in the team on {self.address.where}: ask "
                        f"its admin to GRANT {schema.ANALYST_ROLE} TO {self.address.user}. "
                        "Nothing was changed.")

    # --- setting the server up ---------------------------------------------------------------
    def init(self) -> tuple[int, int]:
        """Create or upgrade the chartreview schema; return (version before, version now)."""
        with translate(self.address):
            with self.conn.transaction():
                # Two admins running init at once: the second waits, then finds it done
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('chartreview init'))")
                before = self.schema_version() or 0
            if before > schema.SERVER_SCHEMA_VERSION:
                raise TeamError(
                    f"The team server was set up by a newer chartreview (schema {before}); "
                    "update chartreview. Nothing was changed.")
            for version in range(before + 1, schema.SERVER_SCHEMA_VERSION + 1):
                with self.conn.transaction():
                    self.conn.execute(
                        "SELECT pg_advisory_xact_lock(hashtext('chartreview init'))")
                    if (self.schema_version() or 0) >= version:
                        continue
                    for stmt in schema.MIGRATIONS[version - 1]:
                        self.conn.execute(stmt)
                    self.conn.execute(
                        "INSERT INTO chartreview.meta (key, value) VALUES "
                        "('application', %s), ('schema_version', %s) ON CONFLICT (key) DO "
                        "UPDATE SET value = excluded.value",
                        (schema.APPLICATION, str(version)))
        return before, schema.SERVER_SCHEMA_VERSION

    # --- events ------------------------------------------------------------------------------
    def push(self, events: list[dict[str, Any]]) -> int:
        """Insert events in one transaction; those the server has (same UUID) are skipped.

        One statement per batch: the columns go as arrays and ``unnest`` makes the rows
        (a round trip per event would cost more than the inserts).

        Returns
        -------
        int
            How many were new to the server.
        """
        cols: list[list[Any]] = [[] for _ in range(len(_PUSHED))]
        for e in events:
            for i, name in enumerate(_PUSHED):
                cols[i].append(_timestamp(e["at"]) if name == "at" else e[name])
        with translate(self.address), self.conn.transaction():
            cur = self.conn.execute(
                f"INSERT INTO chartreview.events ({', '.join(_PUSHED)}) "
                f"SELECT {', '.join(_PUSHED_EXPR)} FROM unnest("
                + ", ".join(f"%s::{t}[]" for t in _PUSHED.values())
                + f") AS e({', '.join(f'c{i}' for i in range(len(_PUSHED)))}) "
                "ON CONFLICT (uuid) DO NOTHING", cols)
            return int(cur.rowcount if cur.rowcount >= 0 else 0)

    def _pull(self, table: str, after: tuple[int, int], limit: int
              ) -> tuple[list[dict[str, Any]], tuple[int, int]]:
        """Rows of ``table`` after the cursor ``after`` = (tx, id), oldest first.

        Only rows of transactions older than every transaction still running are taken:
        one that commits later can then never land behind the returned cursor.
        """
        key, columns = _PULLS[table]
        with translate(self.address), self.conn.transaction():
            cur = self.conn.execute(
                f"SELECT tx, {key}, {', '.join(columns.values())} FROM chartreview.{table} "
                f"WHERE (tx, {key}) > (%s, %s) "
                "AND tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint "
                f"ORDER BY tx, {key} LIMIT %s", (*after, limit))
            rows = cur.fetchall()
        names = [key, *columns]
        out = [dict(zip(names, r[1:], strict=True)) for r in rows]
        return out, ((rows[-1][0], rows[-1][1]) if rows else after)

    def pull_events(self, after: tuple[int, int], limit: int
                    ) -> tuple[list[dict[str, Any]], tuple[int, int]]:
        """The next events after ``after`` = (tx, seq), oldest first, and the new cursor."""
        return self._pull("events", after, limit)

    def event_count(self) -> int:
        with translate(self.address), self.conn.transaction():
            return int(self.conn.execute("SELECT COUNT(*) FROM chartreview.events").fetchone()[0])

    # --- assignments and decisions -------------------------------------------------------------
    def assign(self, pairs: list[tuple[str, str]]) -> int:
        """Assign (natural key, analyst) pairs (a lead only; pairs already there are kept)."""
        with translate(self.address), self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO chartreview.assignments (natural_key, analyst) VALUES (%s, %s) "
                "ON CONFLICT (natural_key, analyst) DO NOTHING", pairs)
            return int(cur.rowcount if cur.rowcount >= 0 else 0)

    def members(self) -> dict[str, str]:
        """Login roles in the team: name -> ``lead`` or ``analyst``."""
        with translate(self.address), self.conn.transaction():
            rows = self.conn.execute(
                "SELECT r.rolname, pg_has_role(r.oid, %s, 'MEMBER') FROM pg_roles r "
                "WHERE r.rolcanlogin AND pg_has_role(r.oid, %s, 'MEMBER') ORDER BY 1",
                (schema.LEAD_ROLE, schema.ANALYST_ROLE)).fetchall()
        return {name: "lead" if lead else "analyst" for name, lead in rows}

    def decide(self, natural_keys: list[str], verdict: str, reason: str) -> list[str]:
        """Record a lead's final verdict on these entries (one transaction); their UUIDs."""
        made = [str(uuidlib.uuid4()) for _ in natural_keys]
        with translate(self.address), self.conn.transaction(), self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO chartreview.decisions (uuid, natural_key, verdict, reason) "
                "VALUES (%s, %s, %s, %s)",
                [(u, k, verdict, reason) for u, k in zip(made, natural_keys, strict=True)])
        return made

    def pull_assignments(self, after: tuple[int, int], limit: int
                         ) -> tuple[list[dict[str, Any]], tuple[int, int]]:
        return self._pull("assignments", after, limit)

    def pull_decisions(self, after: tuple[int, int], limit: int
                       ) -> tuple[list[dict[str, Any]], tuple[int, int]]:
        return self._pull("decisions", after, limit)


# What a push sends: column -> the array type it goes as (tags as the project's JSON text)
_PUSHED = {"uuid": "uuid", "natural_key": "text", "kind": "text", "verdict": "text",
           "tags": "text", "confidence": "smallint", "note": "text", "undoes": "uuid",
           "at": "timestamptz", "batch": "uuid", "range_from": "date", "range_to": "date",
           "watch": "smallint", "seconds": "float8"}
_PUSHED_EXPR = [f"c{i}::jsonb" if name == "tags" else f"c{i}" for i, name in enumerate(_PUSHED)]
# Times as chartreview writes them (UTC, ISO 8601, seconds unless there are fractions),
# formatted by the server: a hundred thousand rows converted in Python took seconds
_AT = ("CASE WHEN date_trunc('second', at) = at "
       "THEN to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"') "
       "ELSE to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') END")
# What a pull reads from each table: its key after tx, and name -> column expression
# (tags as the JSON text the project stores, not parsed and written again)
_PULLS: dict[str, tuple[str, dict[str, str]]] = {
    "events": ("seq", {"uuid": "uuid::text", "natural_key": "natural_key", "kind": "kind",
                       "verdict": "verdict", "tags": "tags::text", "confidence": "confidence",
                       "note": "note", "undoes": "undoes::text", "at": _AT,
                       "author": "author::text", "batch": "batch::text",
                       "range_from": "to_char(range_from, 'YYYY-MM-DD')",
                       "range_to": "to_char(range_to, 'YYYY-MM-DD')", "watch": "watch",
                       "seconds": "seconds"}),
    "assignments": ("id", {"natural_key": "natural_key", "analyst": "analyst::text",
                           "assigned_by": "assigned_by::text", "at": _AT}),
    "decisions": ("id", {"uuid": "uuid::text", "natural_key": "natural_key",
                         "verdict": "verdict", "reason": "reason",
                         "decided_by": "decided_by::text", "at": _AT}),
}


def _timestamp(text: str) -> datetime:
    """A local event time for the server (times without a zone are UTC, as chartreview
    writes them; an unreadable one becomes now: the event matters more than its clock)."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Listener:
    """LISTEN on the team channel in a thread; call ``notified()`` on every NOTIFY.

    Reconnects after a lost connection (every ``retry_s``); ``stop()`` ends it within a
    second. ``notified`` runs on the listener's thread: it must only hand over the news.
    """

    def __init__(self, address: Address, sslmode: str, notified: Callable[[], None], *,
                 password: str | None = None, retry_s: float = 5.0,
                 connected: Callable[[bool], None] | None = None) -> None:
        self.address = address
        self.sslmode = sslmode
        self.password = password
        self.notified = notified
        self.connected = connected
        self.retry_s = retry_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chartreview-listen",
                                        daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                server = Server.connect(self.address, sslmode=self.sslmode,
                                        password=self.password, autocommit=True)
            except TeamError:
                self._report(False)
                self._stop.wait(self.retry_s)
                continue
            try:
                server.conn.execute(f"LISTEN {schema.CHANNEL}")
                self._report(True)
                self.notified()  # anything missed while not listening
                while not self._stop.is_set():
                    for _ in server.conn.notifies(timeout=1.0):
                        self.notified()
            except Exception:  # the connection went away: listen again after a pause
                self._report(False)
                self._stop.wait(self.retry_s)
            finally:
                with suppress(Exception):
                    server.close()

    def _report(self, ok: bool) -> None:
        if self.connected is not None:
            self.connected(ok)
