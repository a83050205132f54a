from __future__ import annotations

import hashlib
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
