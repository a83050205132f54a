"""Opening projects: what is not ours, damaged or too new is refused and left untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chartreview.domain import ProjectError
from chartreview.store import open_project
from chartreview.store.migrations import SCHEMA_VERSION
from tests.conftest import file_digest


def test_new_project_has_schema_wal_and_foreign_keys(tmp_path) -> None:
    with open_project(tmp_path / "p.sqlite", create=True) as p:
        assert {"imports", "charts", "artists", "tracks", "entries", "positions", "scores",
                "signals", "review_events", "verdicts"} <= set(p.db.table_names())
        assert p.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert p.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with open_project(tmp_path / "p.sqlite") as p:  # reopening applies nothing new
        assert len(p.conn.execute("SELECT * FROM _sqlite_migrations").fetchall()) == (
            SCHEMA_VERSION)


def test_missing_project_is_not_created_unless_asked(tmp_path) -> None:
    with pytest.raises(ProjectError, match="no project"):
        open_project(tmp_path / "nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.commit()
    conn.close()


def _random(path: Path) -> None:
    path.write_bytes(bytes((i * 97 + 13) % 256 for i in range(50_000)))


def _truncated(path: Path) -> None:
    with open_project(path, create=True) as p:
        p.conn.execute("INSERT INTO charts (name, region, frequency, metric) "
                       "VALUES ('x', 'us', 'weekly', 'sales')")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage_inside(path: Path) -> None:
    with open_project(path, create=True) as p:
        p.conn.executemany("INSERT INTO charts (name, region, frequency, metric) "
                           "VALUES (?, 'us', 'weekly', 'sales')",
                           [(f"chart {i} " + "x" * 200,) for i in range(400)])
        p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = p.conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[page * 3: page * 5] = b"\xff" * (2 * page)  # a disk sector gone bad inside
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    with open_project(path, create=True) as p:
        p.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")


@pytest.mark.parametrize(
    ("make", "message"),
    [(_foreign, "another application"), (_random, "not a SQLite database"),
     (_truncated, "damaged"), (_garbage_inside, "damaged"), (_newer, "newer chartreview")],
)
def test_refused_and_left_untouched(tmp_path, make, message) -> None:
    path = tmp_path / "project.sqlite"
    make(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    digest = file_digest(path)
    for create in (False, True):
        with pytest.raises(ProjectError, match=message):
            open_project(path, create=create)
    assert file_digest(path) == digest
    assert not Path(f"{path}-wal").exists()


def test_folder_is_refused(tmp_path) -> None:
    with pytest.raises(ProjectError, match="folder"):
        open_project(tmp_path, create=True)
