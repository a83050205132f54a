"""A real PostgreSQL server for the team tests: one throw-away cluster per session.

The cluster is started once (``initdb`` as an unprivileged user, 127.0.0.1, a free port,
TLS on); each test gets its own database set up by ``chartreview team init`` (the
product's code) and the logins below, whose passwords sit in a ``.pgpass`` file that
``PGPASSFILE`` names, as an analyst's laptop would have them. In CI (``CI=true``) a
server that cannot start fails the tests; elsewhere it skips them with the reason.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from chartreview.store import open_project
from tests.conftest import ROOT, SHARED
from tests.team.pgcluster import ADMIN, ClusterError, PgCluster

LOGINS = {"lead1": "lead", "analyst1": "analyst", "analyst2": "analyst",
          "analyst3": "analyst", "outsider": None}
SPOTIFY = SHARED / "spotify"
WEEKS = [SPOTIFY / f"regional-global-weekly-{d}.csv"
         for d in ("2017-02-23", "2017-03-16", "2018-04-26")]
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgCluster]:
    cluster = None
    try:
        cluster = PgCluster()
        cluster.start()
    except (ClusterError, OSError, subprocess.SubprocessError) as e:
        if cluster is not None:
            cluster.destroy()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not start for the team tests: {e}")
        pytest.skip(f"no PostgreSQL server for the team tests: {e}")
    try:
        from chartreview.review.team import init_server

        cluster.create_database("roles")
        init_server(cluster.url(ADMIN, "roles"), password=cluster.password)  # group roles
        pgpass = cluster.base / "pgpass"
        lines = []
        for name, role in LOGINS.items():
            cluster.create_login(name, f"pw-{name}")
            if role:
                cluster.admin_sql(f"GRANT chartreview_{role} TO {name}")
            lines.append(f"127.0.0.1:{cluster.port}:*:{name}:pw-{name}")
        pgpass.write_text("\n".join(lines) + "\n")
        pgpass.chmod(0o600)
        old = os.environ.get("PGPASSFILE")
        os.environ["PGPASSFILE"] = str(pgpass)
        yield cluster
    finally:
        if "old" in locals():
            if old is None:
                os.environ.pop("PGPASSFILE", None)
            else:
                os.environ["PGPASSFILE"] = old
        cluster.destroy()


@dataclass
class Desk:
    """One team database on the test server."""

    pg: PgCluster
    db: str

    def url(self, user: str) -> str:
        return self.pg.url(user, self.db)

    def sql(self, statement: str) -> list[tuple[object, ...]]:
        return self.pg.admin_sql(statement, self.db)

    def count(self, table: str = "events") -> int:
        return int(self.sql(f"SELECT COUNT(*) FROM chartreview.{table}")[0][0])  # type: ignore[arg-type]


@pytest.fixture
def desk(pg: PgCluster) -> Desk:
    """A fresh database with the chartreview schema, made by ``team init`` as its admin."""
    from chartreview.review.team import init_server

    name = f"desk{next(_numbers)}"
    pg.create_database(name)
    init_server(pg.url(ADMIN, name), password=pg.password)
    return Desk(pg, name)


@pytest.fixture(scope="session")
def laptop_template(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    """A scored project of three real Spotify global weekly charts."""
    from chartreview.ingest import import_file
    from chartreview.scoring.params import ScoringParams
    from chartreview.scoring.run import score_project

    path = tmp_path_factory.mktemp("laptop") / "weeks.sqlite"
    with open_project(path, create=True) as p:
        for f in WEEKS:
            import_file(p, f)
        score_project(p, ScoringParams())
        p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the real chart samples are missing: expected {SHARED}")
    return SHARED


def chartreview(*args: str, home: Path, check: bool = True,
                timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real command line in its own process, as an analyst on their laptop."""
    env = {**os.environ, "CHARTREVIEW_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("PGPASSWORD", None)
    done = subprocess.run([sys.executable, "-m", "chartreview", *args], env=env, text=True,
                          capture_output=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"chartreview {' '.join(args)} failed ({done.returncode}):\n"
                             f"{done.stdout}\n{done.stderr}")
    return done
