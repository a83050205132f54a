"""A small scored demo project with a few verdicts, copied fresh for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chartreview.demo import build_demo
from chartreview.review.audit import set_verdict
from chartreview.scoring.run import score_project
from chartreview.store import Project, open_project, queries

SCRIPT_TITLE = "<script>alert(1)</script>"
LONG_NOTE = ("Sales spike with no streams behind it; the label's own store sold bundles. "
             + "See https://example.org/" + "x" * 150 + " and the distributor statement. " * 8)


def _template(path: Path) -> Path:
    with open_project(path, create=True) as p:
        build_demo(p, seed=3, weeks=12)
        score_project(p)
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory.mktemp("tpl") / "demo.sqlite")


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, target)
    return target


def add_verdicts(p: Project) -> dict[str, int]:
    """Five verdicts by two analysts on top-scored entries; returns their entry ids."""
    top = queries.list_entries(p, limit=8)
    ids = {"sus": top[0]["entry_id"], "ai": top[1]["entry_id"], "human": top[2]["entry_id"],
           "script": top[3]["entry_id"], "bob": top[4]["entry_id"]}
    set_verdict(p, ids["sus"], "suspicious", analyst="ana", note=LONG_NOTE,
                tags=["bulk sales"], confidence=3)
    set_verdict(p, ids["ai"], "ai", analyst="ana", note="Four titles a week, same cover art.")
    set_verdict(p, ids["human"], "human", analyst="ana", note="Album week of a known act.")
    set_verdict(p, ids["script"], "suspicious", analyst="ana", note="<b>not bold</b> & more")
    set_verdict(p, ids["bob"], "ai", analyst="bob", confidence=2)
    # a dataset string that is markup: the report must show it as text
    track = queries.entry(p, ids["script"])["track_id"]
    p.conn.execute("UPDATE tracks SET title = ? WHERE id = ?", (SCRIPT_TITLE, track))
    return ids


@pytest.fixture
def reviewed(demo_path: Path) -> tuple[Project, dict[str, int]]:
    p = open_project(demo_path)
    ids = add_verdicts(p)
    yield p, ids
    p.close()
