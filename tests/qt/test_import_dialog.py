"""Import through the dialog: detection, preview, a worker, then the table shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from chartreview.qt.main_window import MainWindow
from chartreview.qt.models.entry_table import COLUMN_BY_KEY
from chartreview.store import queries
from chartreview.store.db import open_project

pytestmark = pytest.mark.gui


@pytest.fixture
def empty_window(qtbot, tmp_path, settings):
    path = tmp_path / "new.sqlite"
    open_project(path, create=True).close()
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    assert w.open_path(path)
    assert w.model.rowCount() == 0
    return w


def test_import_json_in_a_worker_then_table_shows_it(qtbot, empty_window, shared) -> None:
    w = empty_window
    w.show_import()
    d = w.import_dialog
    qtbot.addWidget(d)
    d.add_files([shared / "billboard" / "hot100_recent.json"])
    assert "Billboard" in d.format_label.text()
    assert d.preview_table.rowCount() == 8
    headers = [d.preview_table.horizontalHeaderItem(i).text()
               for i in range(d.preview_table.columnCount())]
    assert "song\n→ title" in headers and "artist\n→ artist" in headers
    qtbot.mouseClick(d.import_button, Qt.MouseButton.LeftButton)
    assert d.worker is not None and not d.import_button.isEnabled()
    with qtbot.waitSignal(d.worker.signals.finished, timeout=60_000):
        pass
    assert "Imported 1 of 1" in d.status.text()
    assert "100" in d.results.toPlainText()
    assert w.model.rowCount() == 100  # the window refreshed itself
    first = w.model.entry_id(0)  # nothing was shown before: the first new entry is
    assert w.detail.entry["entry_id"] == first
    e = queries.entry(w.project, first)
    assert w.statusBar().currentMessage() == (
        f"Imported: 100 new entries; showing the first new one, “{e['title']}” — "
        f"{e['artist']}.")
    assert "Hot 100" in w.filter_bar.chart.itemText(1)
    assert queries.summary(w.project)["entries"] == 100


def test_unknown_layout_asks_for_a_mapping(qtbot, empty_window, tmp_path) -> None:
    odd = tmp_path / "odd_chart.csv"
    odd.write_text("Pos,Song,Who,Week\n1,Alpha,Band A,2024-01-06\n2,Beta,Band B,2024-01-06\n")
    empty_window.show_import()
    d = empty_window.import_dialog
    qtbot.addWidget(d)
    d.add_files([odd])
    assert "Unknown layout" in d.format_label.text()
    assert d.mapping_box.isVisibleTo(d)
    assert d.mapping["rank"].currentText() == "Pos"  # guessed from the column name
    d.mapping["title"].setCurrentText("Song")
    d.mapping["artist"].setCurrentText("Who")
    d.mapping["date"].setCurrentText("Week")
    d.chart_edit.setText("Odd Chart")
    d.region_edit.setText("us")
    d.run_import()
    with qtbot.waitSignal(d.worker.signals.finished, timeout=60_000):
        pass
    assert empty_window.model.rowCount() == 2
    titles = {empty_window.model.data(empty_window.model.index(r, COLUMN_BY_KEY["title"]))
              for r in range(2)}
    assert titles == {"Alpha", "Beta"}


def test_failed_import_shows_the_report(qtbot, empty_window, tmp_path, monkeypatch) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"
                   "2024-01-06,x,A,B,,,\n2024-01-06,y,C,D,,,\n")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    empty_window.show_import()
    d = empty_window.import_dialog
    qtbot.addWidget(d)
    d.add_files([bad])
    d.chart_edit.setText("Hot 100")
    d.run_import()
    with qtbot.waitSignal(d.worker.signals.finished, timeout=60_000):
        pass
    assert shown and "no usable rows" in shown[0]
    assert "line 2: missing or non-numeric rank" in shown[0]  # the import report
    assert "Imported 0 of 1" in d.status.text()
    assert empty_window.model.rowCount() == 0


def test_self_test_exits_zero(capsys) -> None:
    from chartreview.qt.app import main

    assert main(["--self-test"]) == 0
    assert "self-test ok" in capsys.readouterr().out


def _click_file(qtbot, d, row: int) -> None:  # type: ignore[no-untyped-def]
    rect = d.files.visualItemRect(d.files.item(row))
    qtbot.mouseClick(d.files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert d.files.currentRow() == row


def test_the_preview_says_which_column_becomes_each_field(qtbot, empty_window, shared,
                                                         tmp_path) -> None:
    empty_window.show_import()
    d = empty_window.import_dialog
    qtbot.addWidget(d)
    d.add_files([shared / "billboard" / "hot100_2017_2018.csv"])
    text = d.roles_label.text()
    for part in ("rank ← <b>this_week</b>", "title ← <b>song</b>", "artist ← <b>artist</b>",
                 "date ← <b>chart_date</b>", "volume: <i>none in this file (ranks only)</i>"):
        assert part in text, text
    headers = [d.preview_table.horizontalHeaderItem(i).text()
               for i in range(d.preview_table.columnCount())]
    assert headers[:4] == ["chart_date\n→ date", "this_week\n→ rank", "song\n→ title",
                           "artist\n→ artist"]
    d.add_files([shared / "spotify" / "regional-global-weekly-2017-02-23.csv"])
    _click_file(qtbot, d, 1)
    text = d.roles_label.text()
    assert "volume ← <b>streams</b>" in text and "title ← <b>track_name</b>" in text
    assert "date ← <b>the file name (2017-02-23)</b>" in text
    # a layout of its own: the mapping the analyst picks is what the preview says
    odd = tmp_path / "odd_chart.csv"
    odd.write_text("Pos,Song,Who,Week,Plays\n1,Alpha,Band A,2024-01-06,900\n")
    d.add_files([odd])
    _click_file(qtbot, d, 2)
    qtbot.keyClicks(d.mapping["artist"], "Who")
    qtbot.keyClicks(d.mapping["streams"], "Plays")
    text = d.roles_label.text()
    assert "artist ← <b>Who</b>" in text and "volume ← <b>Plays (streams)</b>" in text
    assert "Who\n→ artist" in [d.preview_table.horizontalHeaderItem(i).text()
                               for i in range(d.preview_table.columnCount())]


def _open_import(qtbot, window):  # type: ignore[no-untyped-def]
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    d = window.import_dialog
    qtbot.addWidget(d)
    return d


def _click_and_wait(qtbot, d, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert d.worker is not None
    with qtbot.waitSignal(d.worker.signals.finished, timeout=120_000):
        pass


def _hot100(window) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    row = next(c for c in queries.charts(window.project) if c["label"] == "Hot 100 (us, weekly)")
    return row["id"], row["entries"]


def test_an_unrelated_chart_of_the_same_name_is_asked_about(qtbot, window, shared) -> None:
    index = window.model.index(3, COLUMN_BY_KEY["title"])
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.table.visualRect(index).center())
    kept = window.detail.entry
    hot100 = _hot100(window)
    d = _open_import(qtbot, window)
    d.add_files([shared / "billboard" / "hot100_2017_2018.csv"])
    _click_and_wait(qtbot, d, d.import_button)
    assert d.clash_box.isVisible()
    assert "Hot 100 (us, weekly)" in d.clash_text.text()
    assert "none of its 1,166 tracks has ever been on it" in d.clash_text.text()
    assert d.as_new.isChecked() and d.new_name.text() == "Hot 100 2017-2018"
    assert "choose below" in d.status.text()
    assert _hot100(window) == hot100  # nothing merged while it asks
    _click_and_wait(qtbot, d, d.continue_button)
    assert not d.clash_box.isVisible() and "Imported 1 of 1" in d.status.text()
    labels = {c["label"]: c["entries"] for c in queries.charts(window.project)}
    assert labels["Hot 100 2017-2018 (us, weekly)"] == 1166
    assert _hot100(window) == hot100
    assert any("Hot 100 2017-2018" in window.filter_bar.chart.itemText(i)
               for i in range(window.filter_bar.chart.count()))
    # the analyst is where they were (the same case: the song; the re-score after the
    # import may make another of its runs the strongest, shown first), and told so
    case = window.loop.session.current
    assert kept["entry_id"] in case.entry_ids
    assert window.detail.entry["entry_id"] == case.top_entry
    assert window.table.currentIndex().row() == window.model.row_of(case.top_entry)
    message = window.statusBar().currentMessage()
    assert message == (f"Imported: 1,166 new entries; still on “{kept['title']}” — "
                       f"{kept['artist']}.")


def test_merge_is_the_analysts_other_answer(qtbot, window, shared) -> None:
    chart_id, entries = _hot100(window)
    d = _open_import(qtbot, window)
    d.add_files([shared / "billboard" / "hot100_2017_2018.csv"])
    _click_and_wait(qtbot, d, d.import_button)
    qtbot.mouseClick(d.merge_into, Qt.MouseButton.LeftButton,
                     pos=QPoint(8, d.merge_into.height() // 2))  # on its round button
    assert d.merge_into.isChecked() and not d.new_name.isEnabled()
    assert d.merge_into.text() == "Add it to Hot 100 (us, weekly) (merge)"
    _click_and_wait(qtbot, d, d.continue_button)
    assert _hot100(window) == (chart_id, entries + 1166)
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)  # Close
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table)
