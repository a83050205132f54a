"""The review loop's widgets driven as an analyst does: a range dragged on the time axis,
a click that opens the chart week, M for more like this, Esc back, every key in Help."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtWidgets import QApplication

from chartreview.review.keymap import DEFAULT_KEYMAP
from chartreview.store import open_project, queries

pytestmark = pytest.mark.gui


def view_point(window, x: float, y: float) -> QPoint:
    """Where a point of the plot's data (x: seconds, y: rank) is on its viewport."""
    plot = window.detail.plot
    vb = plot.getPlotItem().getViewBox()
    return plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def test_drag_on_the_time_axis_marks_the_campaign(qtbot, story_window, story_path) -> None:
    w = story_window
    plot = w.detail.plot
    marks = w.loop.marks
    main = marks.main
    from chartreview.qt.widgets.plot_marks import to_epoch

    a, b = to_epoch(main[1]["date"]), to_epoch(main[3]["date"])
    axis = plot.getPlotItem().getAxis("bottom")
    y = plot.mapFromScene(axis.mapRectToScene(axis.rect()).center()).y()
    start = QPoint(view_point(w, a, 1).x(), y)
    end = QPoint(view_point(w, b, 1).x(), y)
    qtbot.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(plot.viewport(), QPoint(start.x() + (end.x() - start.x()) * step // 5,
                                                y))
    qtbot.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=end)
    runs = w.loop.session.current.entry_ids
    with open_project(story_path) as p:
        got = {(queries.entry(p, r)["range_from"], queries.entry(p, r)["range_to"])
               for r in runs}
    assert got == {(main[1]["date"], main[3]["date"])}
    assert marks.campaign.isVisible()
    assert "Campaign" in w.statusBar().currentMessage() and "saved" in \
        w.statusBar().currentMessage()
    qtbot.keyClick(w.table, Qt.Key.Key_Delete)  # Del clears it
    with open_project(story_path) as p:
        assert queries.entry(p, runs[0])["range_from"] is None
    assert not marks.campaign.isVisible()


def test_click_on_a_week_opens_that_chart_week(qtbot, story_window) -> None:
    from chartreview.qt.widgets.plot_marks import to_epoch

    w = story_window
    row = w.loop.marks.main[2]
    seen: dict = {}

    def read_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        seen["title"] = dialog.windowTitle()
        table = dialog.table
        seen["ranks"] = [int(table.item(r, 0).text()) for r in range(table.rowCount())]
        seen["selected"] = table.currentRow()
        qtbot.keyClick(table, Qt.Key.Key_Escape)

    QTimer.singleShot(0, read_dialog)
    qtbot.mouseClick(w.detail.plot.viewport(), Qt.MouseButton.LeftButton,
                     pos=view_point(w, to_epoch(row["date"]), row["rank"]))
    assert seen["title"] == f"{row['chart']} — {row['date']}"
    assert len(seen["ranks"]) == 10 and row["rank"] in seen["ranks"]
    assert seen["ranks"] == sorted(seen["ranks"])
    assert seen["ranks"][seen["selected"]] == row["rank"]  # the entry itself, highlighted


def test_o_opens_the_cursor_week_and_enter_goes_to_a_case(qtbot, story_window) -> None:
    w = story_window
    first = w.loop.session.current
    qtbot.keyClick(w.table, Qt.Key.Key_Right)
    cursor = w.loop.marks.cursor_row()

    def pick_neighbour() -> None:
        dialog = QApplication.activeModalWidget()
        row = next(i for i, r in enumerate(dialog.rows) if r["entry_id"] not in
                   first.entry_ids)
        dialog.table.selectRow(row)
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)

    QTimer.singleShot(0, pick_neighbour)
    qtbot.keyClick(w.table, Qt.Key.Key_O)
    assert cursor is not None
    assert w.loop.session.current.group_id != first.group_id


def test_m_lays_more_like_this_over_the_table_and_esc_goes_back(qtbot, story_window) -> None:
    w = story_window
    home = w.loop.session.current
    qtbot.keyClick(w.table, Qt.Key.Key_M)
    panel = w.loop.temp
    assert panel.isVisible() and panel.table.rowCount() >= 5
    assert "More like this" in panel.title.text()
    assert all("alike" in panel.table.item(r, 3).text() or "same debut week" in
               panel.table.item(r, 3).text() for r in range(panel.table.rowCount()))
    assert w.loop.bar.back_button.isVisible()
    first = w.loop.session.current
    assert first.group_id != home.group_id
    assert w.detail.entry["entry_id"] == first.top_entry
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    assert w.loop.session.current == w.loop.session.queue.cases[1]
    assert panel.table.currentRow() == 1
    qtbot.keyClick(w.table, Qt.Key.Key_H)  # a verdict inside the temporary queue
    assert "human" in panel.table.item(1, 2).text()
    qtbot.keyClick(w.table, Qt.Key.Key_Escape)
    assert not panel.isVisible()
    assert w.loop.session.current.group_id == home.group_id
    qtbot.keyClick(w.table, Qt.Key.Key_Escape)  # on the main queue: nothing to leave
    assert w.loop.session.current.group_id == home.group_id


def test_escape_leaves_the_search_field_before_the_queue(qtbot, story_window) -> None:
    w = story_window
    qtbot.keyClick(w.table, Qt.Key.Key_Slash)
    assert w.filter_bar.search.hasFocus()
    qtbot.keyClick(w.filter_bar.search, Qt.Key.Key_Escape)
    assert not w.filter_bar.search.hasFocus()


def test_every_review_key_is_an_action_and_in_help(qtbot, story_window) -> None:
    from chartreview.qt.views.shortcuts_dialog import ShortcutsDialog

    w = story_window
    assert set(w.review_actions) == {a.name for a in DEFAULT_KEYMAP}
    dialog = ShortcutsDialog(w.settings, w.review_actions, w)
    qtbot.addWidget(dialog)
    listed = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    for spec in DEFAULT_KEYMAP:
        assert spec.description in listed
        action = w.review_actions[spec.name]
        assert [k.toString() for k in action.shortcuts()] == list(spec.keys)
        assert any(action in m.menu().actions() for m in w.menuBar().actions()
                   if m.menu() is not None) or spec.name in ("note", "search"), spec.name


def test_runs_toggle_and_the_queue_bar(qtbot, story_window) -> None:
    w = story_window
    qtbot.keyClick(w.table, Qt.Key.Key_R)
    assert not w.loop.bar.isVisible()
    assert w.model.rowCount() == 28  # 20 songs, 8 of them on two charts
    qtbot.keyClick(w.table, Qt.Key.Key_R)
    assert w.loop.bar.isVisible() and w.model.rowCount() == 20


def test_hover_reads_out_the_shown_runs_week_and_only_its_signals(qtbot, story_window) -> None:
    from PySide6.QtCore import QPointF

    w = story_window
    loop = w.loop
    # a case on two charts whose runs fired different signals
    while True:
        case = loop.session.current
        sigs = queries.signals_for(w.project, list(case.entry_ids))
        names = [{s["signal"] for s in sigs.get(e, [])} for e in case.entry_ids]
        if len(case.entry_ids) == 2 and names[0] != names[1]:
            break
        qtbot.keyClick(w.table, Qt.Key.Key_J)
    own, other = (n.pop().replace("_", " ") for n in names)
    assert any(other in w.detail.signals_table.item(r, 0).text()
               for r in range(w.detail.signals_table.rowCount()))  # listed in the table
    plot, readout = w.detail.plot, w.detail.readout
    p = loop.marks.main[2]
    scene = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(plot._x[2], p["rank"]))
    qtbot.mouseMove(plot.viewport(), plot.mapFromScene(scene))
    qtbot.waitUntil(lambda: p["date"] in readout.text(), timeout=2000)
    text = readout.text()
    assert text.startswith(f"Week of {p['date']}: No. {p['rank']}")
    assert own in text and other not in text  # the other chart's signal is not this week's


def test_a_hostile_title_is_shown_as_text_in_the_loop(qtbot, story_window) -> None:
    w = story_window
    case = w.loop.session.current
    track = queries.entry(w.project, case.top_entry)["track_id"]
    w.project.conn.execute("UPDATE tracks SET title = ? WHERE id = ?",
                           ("<b>Red</b>\x1b[31m \u202egnos", track))
    qtbot.keyClick(w.table, Qt.Key.Key_F5)
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    qtbot.keyClick(w.table, Qt.Key.Key_M)  # the first case is like the second
    panel = w.loop.temp
    shown = [panel.table.item(r, 1).text() for r in range(panel.table.rowCount())]
    assert any("<b>Red</b>␛[31m [U+202E]gnos" in t for t in shown)
    assert all("\x1b" not in t and "\u202e" not in t for t in shown)
    qtbot.keyClick(w.table, Qt.Key.Key_Escape)
    qtbot.keyClick(w.table, Qt.Key.Key_K)
    qtbot.keyClick(w.table, Qt.Key.Key_H)
    message = w.statusBar().currentMessage()
    assert "<b>Red</b>␛[31m [U+202E]gnos" in message and "\x1b" not in message


def test_the_next_case_is_read_ahead_and_never_shown_stale(qtbot, story_window,
                                                            story_path, monkeypatch) -> None:
    """While a case is looked at, the window reads the next one, so J only draws it; a
    verdict written meanwhile (here by another program on the same project) is shown."""
    from chartreview.qt import review_loop
    from chartreview.review import audit
    from chartreview.store import cases as store_cases

    w = story_window
    reads: list[tuple[int, ...]] = []
    real = store_cases.case_positions
    monkeypatch.setattr(store_cases, "case_positions",
                        lambda p, ids: reads.append(tuple(ids)) or real(p, ids))
    qtbot.wait(review_loop.READ_AHEAD_MS * 3)  # the analyst looks at the first case
    ahead = w.loop.session.queue.cases[1]
    assert reads == [ahead.entry_ids]  # read while idle
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    assert w.loop.session.current is ahead and reads == [ahead.entry_ids]  # J only drew it
    shown = [(p["entry_id"], p["date"], p["rank"]) for p in w.loop.marks.main]
    with open_project(story_path) as other:
        assert shown == [(ahead.top_entry, p["date"], p["rank"])
                         for p in queries.positions(other, ahead.top_entry)]
    qtbot.wait(review_loop.READ_AHEAD_MS * 3)
    third = w.loop.session.queue.cases[2]
    assert reads[-1] == third.entry_ids
    with open_project(story_path) as other:  # another program decides the next case
        audit.set_verdict(other, third.top_entry, "suspicious", analyst="bo")
    qtbot.keyClick(w.table, Qt.Key.Key_J)
    assert w.loop.session.current is third and reads[-2:] == [third.entry_ids] * 2
    assert "verdict: Suspicious by bo" in w.detail.figures.text()
