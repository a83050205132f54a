"""The server's own rules, tried against the real server: permissions enforced by
PostgreSQL (grants, row-level security, append-only triggers), schema versions,
foreign databases, unreachable servers, TLS and passwords."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from chartreview import config
from chartreview.ingest import import_file
from chartreview.review import audit
from chartreview.review import team as rt
from chartreview.store import open_project
from chartreview.store.db import Project
from chartreview.store.team.server import Server, TeamError, parse_address
from tests.conftest import snapshot
from tests.team.conftest import WEEKS, Desk, chartreview
from tests.team.pgcluster import PgCluster, free_port

pytestmark = pytest.mark.slow


def as_user(desk: Desk, user: str) -> psycopg.Connection:
    """A raw connection as a team member: what a client that skips chartreview could do."""
    return psycopg.connect(host="127.0.0.1", port=desk.pg.port, dbname=desk.db, user=user,
                           autocommit=True)


@pytest.fixture
def seeded(desk: Desk, tmp_path: Path) -> Desk:
    """One event by analyst2 on the server."""
    p = open_project(tmp_path / "a2.sqlite", create=True)
    import_file(p, WEEKS[0])
    rt.connect(p, desk.url("analyst2"))
    audit.set_verdict(p, 1, "ai", analyst="analyst2")
    rt.sync(p)
    p.close()
    return desk


EVENT = ("INSERT INTO chartreview.events (uuid, natural_key, kind, verdict, at, author) "
         "VALUES (%s, 'hot 100|us|weekly|x|y', 'verdict', 'ai', now(), %s)")


def test_an_analyst_reads_all_and_inserts_only_their_own(seeded: Desk) -> None:
    with as_user(seeded, "analyst1") as conn:
        assert conn.execute("SELECT COUNT(*) FROM chartreview.events").fetchone()[0] == 1
        conn.execute(EVENT, (str(uuid.uuid4()), "analyst1"))  # their own: taken
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(EVENT, (str(uuid.uuid4()), "analyst2"))  # in someone else's name
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("UPDATE chartreview.events SET verdict = 'human'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("DELETE FROM chartreview.events")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("TRUNCATE chartreview.events")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            # the transaction stamp readers page by is the server's alone
            conn.execute("INSERT INTO chartreview.events (tx, uuid, natural_key, kind, at) "
                         "VALUES (1, gen_random_uuid(), 'k|k|k', 'note', now())")
    assert seeded.count() == 2
    assert {r[0] for r in seeded.sql("SELECT verdict FROM chartreview.events")} == {"ai"}


def test_only_a_lead_assigns_and_decides(seeded: Desk) -> None:
    with as_user(seeded, "analyst1") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("INSERT INTO chartreview.decisions (uuid, natural_key, verdict, reason) "
                         "VALUES (gen_random_uuid(), 'a|b|c', 'ai', 'mine')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("INSERT INTO chartreview.assignments (natural_key, analyst) "
                         "VALUES ('a|b|c', 'analyst1')")
    with as_user(seeded, "lead1") as conn:
        conn.execute("INSERT INTO chartreview.decisions (uuid, natural_key, verdict, reason) "
                     "VALUES (gen_random_uuid(), 'a|b|c', 'ai', 'flat streams')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO chartreview.decisions (uuid, natural_key, verdict, reason, "
                         "decided_by) VALUES (gen_random_uuid(), 'a|b|c', 'ai', 'x', 'lead2')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("UPDATE chartreview.decisions SET verdict = 'human'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("DELETE FROM chartreview.events")  # a lead cannot rewrite history
    # Not even the owner of the tables: history is append-only
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        seeded.sql("UPDATE chartreview.events SET verdict = 'human'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        seeded.sql("DELETE FROM chartreview.decisions")
    assert seeded.count("decisions") == 1


def test_the_server_refuses_an_analyst_who_skips_the_client_check(seeded: Desk) -> None:
    with Server.connect(parse_address(seeded.url("analyst1"))) as server:
        with pytest.raises(TeamError, match="refused this for analyst1: permission denied"):
            server.decide(["a|b|c"], "ai", "I decide")
        with pytest.raises(TeamError, match="refused this for analyst1: permission denied"):
            server.assign([("a|b|c", "analyst1")])
    assert seeded.count("decisions") == 0 and seeded.count("assignments") == 0


def test_cli_adjudicate_as_an_analyst_is_one_sentence(seeded: Desk, tmp_path: Path,
                                                      laptop_template: Path) -> None:
    home = tmp_path / "home"
    db = tmp_path / "a1.sqlite"
    db.write_bytes(laptop_template.read_bytes())
    chartreview("team", "connect", seeded.url("analyst1"), "--db", str(db), home=home)
    done = chartreview("team", "adjudicate", "1", "--verdict", "ai", "--reason", "mine",
                       "--db", str(db), home=home, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: Only a lead adjudicates; analyst1 is an analyst."
    assert seeded.count("decisions") == 0


def _project(tmp_path: Path) -> Project:
    p = open_project(tmp_path / "p.sqlite", create=True)
    import_file(p, WEEKS[0])
    audit.set_verdict(p, 2, "suspicious", analyst="me")
    return p


@pytest.mark.parametrize("version, says", [
    ("0", "schema is version 0 and this chartreview needs 2: ask its admin to run "
          "'chartreview team init'"),
    ("1", "schema is version 1 and this chartreview needs 2: ask its admin to run "
          "'chartreview team init'"),
    ("99", "set up by a newer chartreview (schema 99; this one knows up to 2): update"),
])
def test_a_server_of_another_version_changes_nothing(desk: Desk, tmp_path: Path, version: str,
                                                     says: str) -> None:
    p = _project(tmp_path)
    rt.connect(p, desk.url("analyst1"))
    audit.set_verdict(p, 3, "ai", analyst="analyst1")
    desk.sql(f"ALTER TABLE chartreview.meta DISABLE TRIGGER ALL; UPDATE chartreview.meta "
             f"SET value = '{version}' WHERE key = 'schema_version'")
    before = snapshot(p)
    for attempt in (lambda: rt.sync(p), lambda: rt.connect(p, desk.url("analyst1"))):
        with pytest.raises(TeamError, match=says.replace("(", r"\(").replace(")", r"\)")):
            attempt()
        assert snapshot(p) == before
    assert desk.count() == 0


def test_a_database_that_is_not_a_team_database_is_refused(desk: Desk, tmp_path: Path) -> None:
    p = _project(tmp_path)
    before = snapshot(p)
    desk.pg.create_database(f"{desk.db}_other")
    with pytest.raises(TeamError, match="is not a chartreview team database"):
        rt.connect(p, desk.pg.url("analyst1", f"{desk.db}_other"))
    desk.pg.admin_sql("CREATE SCHEMA chartreview; CREATE TABLE chartreview.meta (k text); "
                      "GRANT USAGE ON SCHEMA chartreview TO PUBLIC", f"{desk.db}_other")
    with pytest.raises(TeamError, match="has a 'chartreview' schema that chartreview did not "
                                        "make; nothing was changed"):
        rt.connect(p, desk.pg.url("analyst1", f"{desk.db}_other"))
    assert snapshot(p) == before


def test_an_unreachable_server_is_one_sentence(tmp_path: Path) -> None:
    p = _project(tmp_path)
    before = snapshot(p)
    home = tmp_path / "home"
    port = free_port()
    done = chartreview("team", "connect", f"postgresql://analyst1@127.0.0.1:{port}/desk",
                       "--db", str(p.path), home=home, check=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be reached" in lines[0] and "Traceback" not in done.stderr
    assert snapshot(p) == before


def test_outsiders_and_wrong_passwords_are_refused(desk: Desk, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    p = _project(tmp_path)
    before = snapshot(p)
    with pytest.raises(TeamError, match=r"outsider may not use the chartreview schema.*GRANT "
                                        r"chartreview_analyst TO outsider"):
        rt.connect(p, desk.url("outsider"))
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", "wrong")
    with pytest.raises(TeamError, match="refused the password for analyst1"):
        rt.connect(p, desk.url("analyst1"))
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(rt.NeedsPassword, match=r"set PGPASSWORD or add it to ~/\.pgpass"):
        rt.connect(p, desk.url("analyst1"))
    # A prompt answers for the terminal; the password is used, never stored
    done = rt.connect(p, desk.url("analyst1"), prompt=lambda address: "pw-analyst1")
    assert done.role == "analyst"
    assert snapshot(p) != before
    raw = p.path.read_bytes() + Path(f"{p.path}-wal").read_bytes()
    assert b"pw-analyst1" not in raw
    assert "pw-analyst1" not in json.dumps(config.load().__dict__)
    with pytest.raises(TeamError, match="Leave the password out of the address"):
        rt.connect(p, "postgresql://analyst1:secret@127.0.0.1/desk")


def test_tls_when_the_server_offers_it(desk: Desk, tmp_path: Path) -> None:
    if not desk.pg.tls:
        pytest.skip("openssl is not installed: the test server has no certificate")
    p = _project(tmp_path)
    assert rt.connect(p, desk.url("analyst1")).tls is True  # sslmode=prefer, the default
    assert rt.status(p).tls is True
    assert rt.connect(p, desk.url("analyst1"), sslmode="disable").tls is False
    assert rt.status(p).tls is False  # the project keeps the mode it was given
    with pytest.raises(TeamError, match="Unknown sslmode 'maybe'"):
        rt.connect(p, desk.url("analyst1"), sslmode="maybe")


def test_init_is_idempotent_and_versioned(pg: PgCluster) -> None:
    pg.create_database("initcheck")
    url = pg.url("crtest_admin", "initcheck")
    assert rt.init_server(url, password=pg.password) == (0, 2)
    assert rt.init_server(url, password=pg.password) == (2, 2)
    meta = dict(pg.admin_sql("SELECT key, value FROM chartreview.meta", "initcheck"))
    assert meta == {"application": "chartreview", "schema_version": "2"}


def test_init_upgrades_a_version_1_server_and_keeps_its_events(
        pg: PgCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chartreview.store.keys import natural_keys
    from chartreview.store.team import schema

    pg.create_database("upgrade")
    desk = Desk(pg, "upgrade")
    url = pg.url("crtest_admin", "upgrade")
    with monkeypatch.context() as m:  # the server as the first team release left it
        m.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(schema, "SERVER_SCHEMA_VERSION", 1)
        assert rt.init_server(url, password=pg.password) == (0, 1)
    p = open_project(tmp_path / "a.sqlite", create=True)
    import_file(p, WEEKS[0])
    key = natural_keys(p, [1])[1]
    old = str(uuid.uuid4())
    with as_user(desk, "analyst1") as conn:  # a verdict sent by a version-1 laptop
        conn.execute("INSERT INTO chartreview.events (uuid, natural_key, kind, verdict, at) "
                     "VALUES (%s, %s, 'verdict', 'ai', now())", (old, key))
    with pytest.raises(TeamError, match="schema is version 1 and this chartreview needs 2"):
        rt.connect(p, desk.url("analyst2"))

    assert rt.init_server(url, password=pg.password) == (1, 2)
    rt.connect(p, desk.url("analyst2"))
    audit.set_range(p, [1], "2020-01-04", "2020-02-01", analyst="analyst2")
    rt.sync(p)
    assert p.conn.execute("SELECT analyst, verdict FROM review_events WHERE uuid = ?",
                          (old,)).fetchone() == ("analyst1", "ai")
    assert desk.sql("SELECT kind, range_from::text, range_to::text FROM chartreview.events "
                    "WHERE author = 'analyst2'") == [("range", "2020-01-04", "2020-02-01")]
