"""Qt test fixtures: an offscreen platform, a small demo project with known scores."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import pytest

from chartreview import config
from chartreview.store.db import open_project
from tests.review.charts import SONGS, fake_scores, load, write_weeks


def _fake_scores(project) -> None:  # type: ignore[no-untyped-def]
    """Known scores and signals, so tests do not depend on the scoring engine's weights."""
    ids = [r[0] for r in project.conn.execute("SELECT id FROM entries ORDER BY id")]
    with project.db.atomic():
        for n, entry_id in enumerate(ids):
            score = float((n * 37) % 101)
            signal = "spike" if n % 3 else "cross_chart"
            project.conn.execute(
                "INSERT INTO scores (entry_id, score, manipulation, ai, top_signal, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry_id, score, score, score / 2, signal, f"test reason {n}"))
            project.conn.execute(
                "INSERT INTO signals (entry_id, signal, value, contribution, reason, reference) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry_id, signal, 0.5, score, f"{signal} fired on entry {entry_id}",
                 "entries of the same chart"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chartreview.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_project(path, create=True) as project:
        build_demo(project, weeks=12)
        _fake_scores(project)
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
def settings() -> config.Settings:
    s = config.Settings(analyst="tester")
    config.save(s)
    return s


@pytest.fixture
def window(qtbot, demo_path: Path, settings: config.Settings):  # type: ignore[no-untyped-def]
    from chartreview.qt.main_window import MainWindow

    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_path(demo_path)
    return w


# --- the review loop's story project: 20 cases ---------------------------------------------
TWENTY = SONGS[:20]


@pytest.fixture
def story_path(tmp_path: Path) -> Path:
    """20 songs on a Hot 100 for 6 weeks, the first 8 also on a sales chart: 20 cases."""
    db = tmp_path / "story.sqlite"
    with open_project(db, create=True) as p:
        load(p, write_weeks(tmp_path / "hot.csv", range(6), TWENTY,
                            lambda i, w: 1 + (i + w) % 20), "Hot 100")
        load(p, write_weeks(tmp_path / "sales.csv", range(6), TWENTY[:8],
                            lambda i, w: 8 - i), "Digital Song Sales")
        fake_scores(p)
    return db


@pytest.fixture
def story_window(qtbot, story_path: Path):
    from chartreview.qt.main_window import MainWindow

    config.save(config.Settings(analyst="ana"))
    w = MainWindow(config.load())
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_path(story_path)
    w.table.setFocus()
    return w


