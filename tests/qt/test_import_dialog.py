"""Import through the dialog: detection, preview, a worker, then the table shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

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
    assert "song" in headers and "artist" in headers
    qtbot.mouseClick(d.import_button, Qt.MouseButton.LeftButton)
    assert d.worker is not None and not d.import_button.isEnabled()
    with qtbot.waitSignal(d.worker.signals.finished, timeout=60_000):
        pass
    assert "Imported 1 of 1" in d.status.text()
    assert "100" in d.results.toPlainText()
    assert w.model.rowCount() == 100  # the window refreshed itself
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
