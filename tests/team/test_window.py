"""The review window in a team: live updates from a colleague's process within 2 s,
the status bar's sync state, My queue and Disputed, and a lead's adjudication."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPlainTextEdit

from chartreview import config
from chartreview.review import audit
from chartreview.review import team as rt
from chartreview.store import open_project, queries
from chartreview.store.keys import entries_by_key, natural_keys
from tests.team.conftest import Desk, chartreview

pytestmark = [pytest.mark.gui, pytest.mark.slow]
LIVE_S = 2.0


def laptop(template: Path, tmp_path: Path, desk: Desk, name: str) -> Path:
    path = tmp_path / f"{name}.sqlite"
    shutil.copy(template, path)
    with open_project(path) as p:
        rt.connect(p, desk.url(name))
    return path


@pytest.fixture
def team_window(qtbot, desk: Desk, tmp_path: Path, laptop_template: Path):  # type: ignore[no-untyped-def]
    from chartreview.qt.main_window import MainWindow

    path = laptop(laptop_template, tmp_path, desk, "analyst1")
    settings = config.Settings(analyst="someone else")
    config.save(settings)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.open_path(path)
    qtbot.waitUntil(lambda: w.team.status_text().startswith("Team: synced"), timeout=10_000)
    qtbot.waitUntil(lambda: w.team.live, timeout=10_000)
    yield w
    w.close()


def verdict_cell(w, entry_id: int) -> str:  # type: ignore[no-untyped-def]
    from chartreview.qt.models.entry_table import COLUMN_BY_KEY

    row = w.model.row_of(entry_id)
    return str(w.model.index(row, COLUMN_BY_KEY["verdict"]).data())


def test_a_colleagues_verdict_appears_live_and_the_selection_stays(
        qtbot, team_window, desk: Desk, tmp_path: Path, laptop_template: Path) -> None:  # type: ignore[no-untyped-def]
    w = team_window
    assert w.team.status_label.isVisible() and w.settings.analyst == "analyst1"
    colleague = laptop(laptop_template, tmp_path, desk, "analyst2")
    home = tmp_path / "home2"
    # Select the 4th row; type a note there without saving it
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=w.table.visualRect(w.model.index(3, 1)).center())
    selected = w.current_id()
    assert selected == w.model.entry_id(3)
    w.detail.note_edit.setFocus()
    qtbot.keyClicks(w.detail.note_edit, "half-typed")
    other = w.model.entry_id(6)
    assert other is not None and selected is not None
    with open_project(colleague) as p:
        by_key = entries_by_key(p)
        mine = natural_keys(w.project, [selected, other])
        theirs = [by_key[mine[selected]], by_key[mine[other]]]
    for entry_id in theirs:  # the colleague, in their own process and project
        chartreview("label", str(entry_id), "--verdict", "ai", "--db", str(colleague),
                    home=home)
    chartreview("team", "sync", "--db", str(colleague), home=home)
    sent = time.monotonic()
    qtbot.waitUntil(lambda: verdict_cell(w, other) == "AI" and verdict_cell(w, selected) == "AI",
                    timeout=int(LIVE_S * 1000))
    assert time.monotonic() - sent < LIVE_S
    assert w.current_id() == selected and w.table.currentIndex().row() == 3
    assert w.detail.note_text() == "half-typed"  # never overwritten by a colleague
    assert w.team.status_text().startswith("Team: synced")


def test_offline_says_what_waits_and_catches_up(qtbot, team_window, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    w = team_window
    desk.pg.stop("fast")
    try:
        w.select(w.model.entry_id(0))
        qtbot.keyClick(w.table, Qt.Key.Key_S)  # suspicious, as an analyst does
        qtbot.waitUntil(lambda: w.team.status_text() == "Team: offline: 1 verdict waiting",
                        timeout=15_000)
    finally:
        desk.pg.start()
    w.team.request_sync()
    qtbot.waitUntil(lambda: w.team.status_text().startswith("Team: synced"), timeout=15_000)
    assert w.team.waiting() == 0 and desk.count() == 1


def test_my_queue_disputed_and_a_leads_decision(qtbot, desk: Desk, tmp_path: Path,
                                                laptop_template: Path) -> None:  # type: ignore[no-untyped-def]
    from chartreview.qt.main_window import MainWindow

    lead_path = laptop(laptop_template, tmp_path, desk, "lead1")
    a2_path = laptop(laptop_template, tmp_path, desk, "analyst2")
    with open_project(lead_path) as lead:
        rt.assign(lead, top=5, to=["lead1", "analyst2"], overlap=2)
        ids = [i for i, _ in rt.local.queue(lead, "lead1")]
    with open_project(a2_path) as a2:
        rt.sync(a2)
        for i in ids:
            audit.set_verdict(a2, i, "human", analyst="analyst2")
        rt.sync(a2)
    settings = config.Settings(analyst="lead1")
    config.save(settings)
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(lead_path)
    qtbot.waitUntil(lambda: w.team.status_text().startswith("Team: synced"), timeout=10_000)
    w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)  # My queue
    # the queue is of cases, as the loop walks them: one run each on this one chart
    assert w.team.queue == "mine" and sorted(w.model.ids) == sorted(ids)
    assert w.team.progress_label.text().strip() == "0 of 5 done"
    assert w.loop.bar.text().startswith(
        "My queue: 0 of 5 done")
    # Searching within My queue finds only queue entries, though others match the text too
    artist = w.model.row_data(1)["lead_artist"]  # type: ignore[index]
    everywhere = set(queries.entry_ids(w.project, queries.EntryFilter(text=artist)))
    expected = [i for i in ids if i in everywhere]
    assert expected and len(everywhere) > len(expected)
    qtbot.keyClicks(w.filter_bar.search, artist)
    qtbot.waitUntil(lambda: sorted(w.model.ids) == sorted(expected), timeout=3000)
    w.filter_bar.search.clear()
    qtbot.waitUntil(lambda: sorted(w.model.ids) == sorted(ids), timeout=3000)
    w.select(ids[0])
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_S)  # the lead judges the first: suspicious
    qtbot.waitUntil(lambda: w.team.progress_label.text().strip() == "1 of 5 done")
    assert w.loop.bar.text().startswith(
        "My queue: 1 of 5 done")
    qtbot.keyClick(w, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)  # Disputed
    assert w.model.ids == [ids[0]]
    assert verdict_cell(w, ids[0]) == "Disputed"
    w.select(ids[0])

    def decide() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        assert "analyst2: <b>human</b>" in dialog.findChild(object, "judgements").text()
        reason = dialog.findChild(QPlainTextEdit)
        qtbot.keyClicks(reason, "bought downloads, no streams")
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(200, decide)
    qtbot.keyClick(w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # Team > Adjudicate…
    qtbot.waitUntil(lambda: verdict_cell(w, ids[0]) == "Suspicious", timeout=10_000)
    assert desk.count("decisions") == 1
    w.close()
