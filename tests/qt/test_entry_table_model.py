"""EntryTableModel: a valid Qt model over SQL-ordered ids with a lazy page cache."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from chartreview.qt.models.entry_table import COLUMN_BY_KEY, PAGE, EntryTableModel, IdRole
from chartreview.store import queries
from chartreview.store.db import open_project

pytestmark = pytest.mark.gui


@pytest.fixture
def project(demo_path):
    p = open_project(demo_path)
    yield p
    p.close()


def test_model_passes_qt_model_tester(qtmodeltester, project) -> None:
    model = EntryTableModel(project)
    assert model.rowCount() > PAGE  # more than one page, so paging is exercised
    qtmodeltester.check(model)


def test_rows_are_fetched_a_page_at_a_time(project) -> None:
    model = EntryTableModel(project)
    assert model._pages == {}  # nothing read before the view asks
    far = PAGE + 5
    title = model.data(model.index(far, COLUMN_BY_KEY["title"]))
    assert list(model._pages) == [1]
    entry_id = model.data(model.index(far, 0), IdRole)
    assert title == queries.entry(project, entry_id)["title"]


def test_sort_runs_in_sql_and_matches_the_query(project) -> None:
    model = EntryTableModel(project)
    model.sort(COLUMN_BY_KEY["title"], Qt.SortOrder.AscendingOrder)
    assert model.ids == queries.entry_ids(project, sort="title", descending=False)
    titles = [model.data(model.index(r, COLUMN_BY_KEY["title"])) for r in range(50)]
    assert titles == sorted(titles, key=str.lower)


def test_filter_narrows_rows(project) -> None:
    model = EntryTableModel(project)
    total = model.rowCount()
    model.set_filter(queries.EntryFilter(min_score=90))
    scores = [float(model.data(model.index(r, COLUMN_BY_KEY["score"])))
              for r in range(model.rowCount())]
    assert 0 < len(scores) < total
    assert min(scores) >= 90
