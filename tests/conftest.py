from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from chartreview.store import Project, open_project

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own settings and data folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("CHARTREVIEW_HOME", str(home))
    return home


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the real chart samples are missing: expected {SHARED}")
    return SHARED


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = open_project(tmp_path / "project.sqlite", create=True)
    yield p
    p.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(project: Project) -> str:
    """A digest of every row of every table: equal means the project is unchanged."""
    h = hashlib.sha256()
    for line in project.conn.iterdump():
        h.update(line.encode())
    return h.hexdigest()


def count(project: Project, table: str) -> int:
    return project.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# One Hot 100 entry (ids 1: 'Alpha' by Kay, two weeks from 2025-01-04), in the schema of
# any project from m0004 (track identity) on
ONE_ENTRY_SQL = (
    "INSERT INTO charts (id, name, region, frequency, metric) VALUES "
    "(1, 'Hot 100', 'us', 'weekly', 'composite');"
    "INSERT INTO artists (id, name, norm) VALUES (1, 'Kay', 'kay');"
    "INSERT INTO tracks (id, title, artist_credit, artist_id, norm_key) VALUES "
    "(1, 'Alpha', 'Kay', 1, 'alpha|kay');"
    "INSERT INTO entries (id, chart_id, track_id, first_date, last_date, weeks) VALUES "
    "(1, 1, 1, '2025-01-04', '2025-01-11', 2);")


def project_before(path: Path, migration: str, sql: str = "") -> None:
    """Write a project file as an older chartreview left it: the schema up to
    ``migration`` (not applied), marked with its version, holding what ``sql`` inserts."""
    from chartreview.store.migrations import APPLICATION_ID, migrations
    from chartreview.store.sqlite_utils_lazy import Database

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        db = Database(conn, execute_plugins=False)
        migrations.apply(db, stop_before=migration)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")
        conn.executescript(sql)
    finally:
        conn.close()
