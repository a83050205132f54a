"""Drive the real window: sort, filter, label with keys, undo, notes, artist view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from chartreview import config
from chartreview.qt.models.entry_table import COLUMN_BY_KEY
from chartreview.store import queries

pytestmark = pytest.mark.gui


def cell(window, row: int, key: str) -> str:
    m = window.model
    return m.data(m.index(row, COLUMN_BY_KEY[key]))


def click_header(qtbot, window, key: str) -> None:
    header = window.table.horizontalHeader()
    col = COLUMN_BY_KEY[key]
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def stored(window, entry_id: int) -> dict:
    return queries.entry(window.project, entry_id)


def test_opens_on_highest_score_with_plot_and_signals(window) -> None:
    from chartreview.store import cases

    # one row per case (a song on every chart), by the highest score of its runs
    assert window.model.rowCount() == len(cases.cases(window.project))
    scores = [float(cell(window, r, "score")) for r in range(30)]
    assert scores == sorted(scores, reverse=True)
    shown = window.detail.entry
    assert shown is not None and shown["entry_id"] == window.model.entry_id(0)
    assert shown["title"] in window.detail.header.text()
    x, y = window.detail.plot.rank_curve.getData()
    ranks = [p["rank"] for p in queries.positions(window.project, shown["entry_id"])]
    assert len(x) == len(ranks) > 0 and list(y) == ranks
    assert window.detail.plot.getPlotItem().getViewBox().yInverted()  # rank 1 on top
    assert window.detail.signals_table.rowCount() >= 1
    assert window.count_label.text().startswith(f"{window.model.rowCount():,} cases (")
    assert window.project_label.text() == "Project: demo"


def test_sort_by_clicking_headers(qtbot, window) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_R)  # one row per run: the table sorts
    assert window.model.rowCount() == queries.summary(window.project)["entries"]
    header = window.table.horizontalHeader()
    n = window.model.rowCount()
    for _ in range(2):  # the second click reverses the order
        click_header(qtbot, window, "title")
        assert header.sortIndicatorSection() == COLUMN_BY_KEY["title"]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        titles = [cell(window, r, "title") for r in range(n)]
        assert titles == sorted(titles, key=str.lower, reverse=descending)
        assert titles[0] != titles[-1]
    click_header(qtbot, window, "weeks")
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    weeks = [int(cell(window, r, "weeks")) for r in range(n)]
    assert weeks == sorted(weeks, reverse=descending) and weeks[0] != weeks[-1]


def test_search_filters_the_table_and_the_queue(qtbot, window) -> None:
    total = window.model.rowCount()
    word = cell(window, 0, "title").split()[0]
    qtbot.keyClicks(window.filter_bar.search, word)
    qtbot.waitUntil(lambda: window.model.rowCount() < total, timeout=3000)
    rows = window.model.rowCount()
    assert rows > 0
    for r in range(rows):
        assert word.lower() in (cell(window, r, "title") + cell(window, r, "artist")).lower()
    assert [c.top_entry for c in window.loop.session.queue.cases] == window.model.ids
    entries = queries.summary(window.project)["entries"]
    assert window.count_label.text() == f"{rows:,} cases ({entries:,} entries)"


def test_s_key_records_verdict_advances_and_backspace_undoes(qtbot, window) -> None:
    first = window.model.entry_id(0)
    second = window.model.entry_id(1)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    e = stored(window, first)
    assert (e["verdict"], e["analyst"]) == ("suspicious", "tester")
    events = queries.events(window.project, first)
    assert [(ev["kind"], ev["verdict"], ev["analyst"]) for ev in events] == [
        ("verdict", "suspicious", "tester")]
    assert cell(window, 0, "verdict") == "Suspicious"  # the row shows it at once
    assert window.detail.entry["entry_id"] == second  # auto-advance
    runs = window.loop.session.stack[0].cases[0].entry_ids  # the verdict is on every run
    assert window.reviewed_label.text() == f"{len(runs)} reviewed"
    assert all(stored(window, r)["verdict"] == "suspicious" for r in runs)

    qtbot.keyClick(window.table, Qt.Key.Key_Backspace)
    assert stored(window, first)["verdict"] is None
    assert [ev["kind"] for ev in queries.events(window.project, first)] == ["verdict", "undo"]
    assert cell(window, 0, "verdict") == "—"
    assert window.detail.entry["entry_id"] == first  # undo goes back to the entry


def test_verdict_keys_do_not_auto_repeat_and_show_in_menus(window) -> None:
    actions = window.review_actions
    for name in ("suspicious", "ai", "human", "undo"):
        assert not actions[name].autoRepeat()
    assert actions["next"].autoRepeat()
    assert actions["suspicious"].shortcut().toString() == "S"
    review_menu = next(a.menu() for a in window.menuBar().actions() if "Review" in a.text())
    assert actions["suspicious"] in review_menu.actions()


def test_key_ignored_while_a_write_is_under_way(qtbot, window) -> None:
    first = window.model.entry_id(0)
    window.loop.session.state = "saving"
    qtbot.keyClick(window.table, Qt.Key.Key_H)
    assert stored(window, first)["verdict"] is None
    window.loop.session.state = "showing"
    qtbot.keyClick(window.table, Qt.Key.Key_H)
    assert stored(window, first)["verdict"] == "human"


def test_without_auto_advance_the_entry_stays(qtbot, window) -> None:
    window.auto_advance_action.setChecked(False)
    first = window.model.entry_id(0)
    qtbot.keyClick(window.table, Qt.Key.Key_A)
    assert stored(window, first)["verdict"] == "ai"
    assert window.detail.entry["entry_id"] == first
    assert window.detail.verdict_buttons["ai"].isChecked()
    assert config.load().auto_advance is True  # saved only when the window closes


def test_j_and_k_walk_the_queue(qtbot, window) -> None:
    ids = window.model.ids
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert window.detail.entry["entry_id"] == ids[2]
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert window.detail.entry["entry_id"] == ids[1]
    assert window.table.currentIndex().row() == 1


def test_note_saved_on_save_and_on_leaving(qtbot, window) -> None:
    first = window.model.entry_id(0)
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    assert window.detail.note_edit.hasFocus()
    qtbot.keyClicks(window.detail.note_edit, "streams flat all week")
    assert "Unsaved" in window.detail.saved_label.text()  # typed, not yet stored
    assert stored(window, first)["note"] is None
    qtbot.mouseClick(window.detail.save_button, Qt.MouseButton.LeftButton)
    assert stored(window, first)["note"] == "streams flat all week"
    assert window.detail.saved_label.text().startswith("Saved")
    kinds = [ev["kind"] for ev in queries.events(window.project, first)]
    assert kinds == ["note"]

    # A note typed and left unsaved is saved when the analyst moves on
    window.focus_note()  # the cursor goes to the end of the note
    qtbot.keyClicks(window.detail.note_edit, " (checked twice)")
    window.detail.tags_edit.setText("bot farm, playlist")
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    e = stored(window, first)
    assert e["note"] == "streams flat all week (checked twice)"
    assert "bot farm" in e["tags"] and "playlist" in e["tags"]
    assert window.detail.entry["entry_id"] == window.model.entry_id(1)


def test_act_case_with_shift_a(qtbot, window) -> None:
    from chartreview.store import cases

    first = window.detail.entry
    act = cases.case_of(window.project, first["entry_id"], "act")
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert window.loop.temp.isVisible()
    assert first["lead_artist"] in window.loop.temp.title.text()
    assert f"{len(act.entry_ids)} runs" in window.loop.case_line.text()
    shown = {r["entry_id"] for r in window.loop.marks.rows}
    assert shown == set(act.entry_ids)  # every song of the act, on every chart, plotted
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert not window.loop.temp.isVisible()
    assert window.detail.entry["entry_id"] == first["entry_id"]


def test_artist_view_and_chip(qtbot, window) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_R)  # runs: Shift+A filters to the artist
    total = window.model.rowCount()
    artist = window.detail.entry["lead_artist"]
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    chip = window.filter_bar.artist_chip
    assert chip.isVisible() and artist in chip.text()
    rows = window.model.rowCount()
    assert 0 < rows < total
    assert all(artist in cell(window, r, "artist") for r in range(rows))
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert not chip.isVisible()
    assert window.model.rowCount() == total


def test_verdict_filter_shows_only_unreviewed(qtbot, window) -> None:
    first = window.model.entry_id(0)
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    combo = window.filter_bar.verdict
    combo.setCurrentIndex(combo.findData("unreviewed"))
    assert first not in window.model.ids
    assert all(cell(window, r, "verdict") == "—" for r in range(window.model.rowCount()))


def test_bad_project_file_is_refused_with_its_reason(window, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database at all")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a: shown.append(text))
    assert not window.open_path(bad)
    assert shown and "not a chartreview project" in shown[0]
    assert window.project.name == "demo"  # the open project stays
    assert bad.read_text() == "not a database at all"


def test_layout_and_recent_projects_persist(qtbot, window, demo_path: Path, settings) -> None:
    from chartreview.qt.main_window import MainWindow

    window.resize(700, 660)
    window.move(30, 40)
    window.splitter.setSizes([400, 300])
    sizes = window.splitter.sizes()
    window.table.setColumnWidth(COLUMN_BY_KEY["title"], 333)
    geometry = window.geometry()
    window.close()
    saved = config.load()
    assert str(demo_path.resolve()) == saved.recent_projects[0]
    assert {"geometry", "main_splitter", "columns"} <= set(saved.window)
    again = MainWindow(saved)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.geometry() == geometry  # the last size and place, not the first start's
    got = again.splitter.sizes()
    assert abs(got[0] / sum(got) - sizes[0] / sum(sizes)) < 0.02
    # A narrow window shrinks the dragged Title to keep Score and Verdict in view; it
    # gets its width back when there is room
    assert again.table.columnWidth(COLUMN_BY_KEY["title"]) < 333
    again.resize(1600, 660)
    qtbot.waitUntil(lambda: again.table.columnWidth(COLUMN_BY_KEY["title"]) == 333)


def test_shortcuts_can_be_remapped_and_are_saved(window, qtbot) -> None:
    from PySide6.QtGui import QKeySequence

    from chartreview import config
    from chartreview.qt.views.shortcuts_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(window.settings, window.review_actions, window)
    qtbot.addWidget(dialog)
    dialog.edits["suspicious"].setKeySequence(QKeySequence("X"))
    dialog.edits["human"].setKeySequence(QKeySequence("X"))
    dialog.accept()  # refused: X would do two things
    assert "used by both" in dialog.problem.text()
    dialog.edits["human"].setKeySequence(QKeySequence("H"))
    dialog.accept()
    assert config.load().keymap == {"suspicious": "X"}
    assert window.review_actions["suspicious"].shortcut().toString() == "X"
    assert window.review_actions["next"].shortcuts()[1].toString() == "Down"
    dialog = ShortcutsDialog(window.settings, window.review_actions, window)
    qtbot.addWidget(dialog)
    assert dialog.edits["suspicious"].keySequence().toString() == "X"
    dialog.restore_defaults()
    dialog.accept()
    assert config.load().keymap == {}
    assert window.review_actions["suspicious"].shortcut().toString() == "S"


START_AND_BROWSE = """
import sys
from chartreview import config
from chartreview.qt.app import application
from chartreview.qt.main_window import MainWindow
app = application()
w = MainWindow(config.Settings(analyst="tester"))
w.show()
w.open_path(sys.argv[1])
for _ in range(5):
    w.next_entry()
    app.processEvents()
band = w.detail.plot.cohort_band.isVisible()
print(w.model.rowCount(), w.detail.entry["entry_id"], band, "pandas" in sys.modules)
import pandas  # still importable once something needs it
print(pandas.__name__)
"""


def test_window_starts_and_browses_without_loading_pandas(demo_path: Path) -> None:
    # pandas costs a third of the cold start; the window needs it only to import, score
    # or export, so opening a project and stepping through entries must not load it
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", START_AND_BROWSE, str(demo_path)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows, entry, band, pandas_loaded = out.stdout.split("\n")[0].split()
    assert int(rows) > 100 and int(entry) > 0
    assert band == "True"  # the cohort band was drawn (numpy only)
    assert pandas_loaded == "False"
    assert out.stdout.split("\n")[1] == "pandas"


def test_walking_the_queue_keeps_the_next_cases_in_view(qtbot, window) -> None:
    """J keeps two cases past the current one in view; the table moves a screenful at a
    time (the current row near the top), not a row on every key; K does the same upward."""
    from chartreview.qt.main_window import CONTEXT_ROWS

    t = window.table
    window.resize(1200, 700)
    qtbot.wait(10)
    height = t.viewport().height()

    def in_view(row: int) -> bool:
        rect = t.visualRect(window.model.index(row, 0))
        return rect.top() >= 0 and rect.bottom() < height

    assert window.model.rowCount() > 60
    moves, top = 0, t.rowAt(0)
    for _ in range(60):
        qtbot.keyClick(t, Qt.Key.Key_J)
        row = t.currentIndex().row()
        assert all(in_view(r) for r in range(row, row + CONTEXT_ROWS + 1)), row
        if t.rowAt(0) != top:
            moves, top = moves + 1, t.rowAt(0)
            assert row - top == CONTEXT_ROWS  # the current case near the top
    shown = height // t.rowHeight(0)
    assert 1 <= moves <= 60 // (shown - 2 * CONTEXT_ROWS - 2) + 1
    for _ in range(40):
        qtbot.keyClick(t, Qt.Key.Key_K)
        row = t.currentIndex().row()
        assert all(in_view(r) for r in range(max(row - CONTEXT_ROWS, 0), row + 1)), row


def test_an_open_project_keeps_what_it_loaded_out_of_full_collections(window) -> None:
    """The modules, widgets and caches loaded to show a project are not walked by every
    full pass of Python's cycle collector (each was a J's time)."""
    import gc

    assert gc.get_freeze_count() > 10_000
