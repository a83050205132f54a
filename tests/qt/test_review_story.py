"""The review loop as an analyst walks it, by keyboard, on a queue of 20 cases.

Walk, defer one, flag one with a campaign range and a watch, finish the queue and read
its summary, import new weeks that change the flagged case, see it come back with the
reason, export a report that shows the range. Each step is checked on what the window
shows and on what the project file holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from chartreview.ingest import ImportOptions, import_file
from chartreview.report.svg import CAMPAIGN
from chartreview.store import open_project, queries
from tests.qt.conftest import TWENTY
from tests.review.charts import week, write_weeks

pytestmark = pytest.mark.gui


def key(qtbot, window, k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.table, k, mods)


def shown(window) -> dict:
    return window.detail.entry


def stored(db: Path, entry_id: int) -> dict:
    with open_project(db) as p:
        return queries.entry(p, entry_id)


def test_walk_defer_flag_finish_requeue_export(qtbot, story_window, story_path,
                                              tmp_path) -> None:
    window = story_window
    loop = window.loop
    # --- a queue of 20 cases, with an end --------------------------------------------------
    assert window.model.rowCount() == 20
    assert loop.bar.text() == "Queue: 0 of 20 done"
    order = list(window.model.ids)
    assert shown(window)["entry_id"] == order[0]
    key(qtbot, window, Qt.Key.Key_J)
    key(qtbot, window, Qt.Key.Key_J)
    assert shown(window)["entry_id"] == order[2]
    key(qtbot, window, Qt.Key.Key_K)
    key(qtbot, window, Qt.Key.Key_K)
    assert shown(window)["entry_id"] == order[0]

    # --- Space defers the first case to the end ------------------------------------------
    deferred = order[0]
    key(qtbot, window, Qt.Key.Key_Space)
    assert shown(window)["entry_id"] == order[1]
    assert window.model.ids[-1] == deferred
    assert "Deferred" in window.statusBar().currentMessage()

    # --- a verdict on a case lands on every run, with the time spent ---------------------
    case = loop.session.current
    key(qtbot, window, Qt.Key.Key_H)
    assert loop.bar.text().startswith("Queue: 1 of 20 done")
    with open_project(story_path) as p:
        events = [e for r in case.entry_ids for e in queries.events(p, r)]
    assert [(e["kind"], e["verdict"]) for e in events] == [("verdict", "human")] * len(
        case.entry_ids)
    assert all(e["seconds"] is not None and e["seconds"] >= 0 for e in events)
    assert len({e["batch"] for e in events}) == 1

    # --- flag one with a campaign range (week cursor, [ and ]) and a watch ---------------
    flagged = loop.session.current
    main = list(loop.marks.main)
    key(qtbot, window, Qt.Key.Key_Left)  # the cursor starts at the peak week
    at = loop.marks.cursor_index
    key(qtbot, window, Qt.Key.Key_BracketLeft)
    key(qtbot, window, Qt.Key.Key_Right)
    key(qtbot, window, Qt.Key.Key_BracketRight)
    start, end = main[at]["date"], main[at + 1]["date"]
    key(qtbot, window, Qt.Key.Key_W)
    assert loop.marks.campaign.isVisible()
    assert f"campaign {start} to {end}" in loop.case_line.text()
    assert "watched" in loop.case_line.text()
    key(qtbot, window, Qt.Key.Key_S)
    for run in flagged.entry_ids:
        e = stored(story_path, run)
        assert (e["verdict"], e["range_from"], e["range_to"], e["watch"]) == (
            "suspicious", start, end, 1)

    # --- walk the rest: the deferred case comes last, then the summary --------------------
    while loop.session.state != "finished":
        before = loop.session.current.group_id
        key(qtbot, window, Qt.Key.Key_H)
        if loop.session.state != "finished":
            assert loop.session.current.group_id != before
    assert before == next(c.group_id for c in loop.session.stack[0].cases
                      if c.top_entry == deferred)
    assert loop.bar.text() == "Queue: 20 of 20 done · finished"
    summary = loop.summary_dialog
    assert summary is not None and summary.isVisible()
    assert "20 cases decided: 1 suspicious, 19 human." in summary.text
    assert "Deferred with Space: 1." in summary.text
    summary.close()

    # --- a later import brings three new weeks of the flagged song ------------------------
    title = stored(story_path, flagged.top_entry)["title"]
    song = next(s for s in TWENTY if s[0] == title)
    with open_project(story_path) as p:  # as a colleague's or a scheduled import would
        import_file(p, write_weeks(tmp_path / "later.csv", range(6, 9), [song],
                                   lambda i, w: 3), ImportOptions(chart="Hot 100",
                                                                  region="us"))
    key(qtbot, window, Qt.Key.Key_F5)  # View > Refresh
    assert loop.session.current.group_id == flagged.group_id
    assert loop.bar.banner.isVisible()
    assert loop.bar.banner.text() == "Back on the watchlist: 3 new weeks"
    assert loop.bar.text().startswith("Queue: 19 of 20 done")
    assert window.model.ids[0] == flagged.top_entry
    key(qtbot, window, Qt.Key.Key_S)  # judged again: off the watchlist's changes
    assert loop.bar.text() == "Queue: 20 of 20 done · finished"

    # --- Export report from the summary: the range is in it -------------------------------
    out = tmp_path / "findings.html"

    def export() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() != "queue_summary"
        dialog.format.setCurrentIndex(dialog.format.findData("html"))
        dialog.out.setText(str(out))
        dialog.start()
        qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
        dialog.close()

    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.ShiftModifier)
    QTimer.singleShot(0, export)
    qtbot.mouseClick(loop.summary_dialog.export_button, Qt.MouseButton.LeftButton)
    text = out.read_text(encoding="utf-8")
    assert f"<th>Campaign</th><td>{start} to {end}</td>" in text
    assert f'fill="{CAMPAIGN}"' in text
    assert week(0) <= start <= end <= week(5)
