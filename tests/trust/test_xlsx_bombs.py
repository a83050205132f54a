"""Hostile workbooks are refused before they are read (issue 17, case 2).

The bombs are real files (tests/trust/bombs.py). Peak memory and time of each are
measured by ``benchmarks/faults.py``; here the behaviour a user sees is asserted: one
sentence, nothing changed, and an ordinary workbook still imports.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from chartreview.domain import Cancelled, CancelToken, ChartreviewError, Progress
from chartreview.ingest import ImportOptions, import_file
from chartreview.ingest import xlsx as xlsx_module
from chartreview.store import open_project, queries
from tests.conftest import file_digest, snapshot
from tests.trust import bombs
from tests.trust.conftest import run

MAP = ("--map", "rank=Pos", "--map", "title=Song", "--map", "artist=Performer",
       "--map", "date=Week", "--chart", "Country Digital Song Sales")
MAPPING = {"rank": "Pos", "title": "Song", "artist": "Performer", "date": "Week"}


@pytest.fixture(scope="module")
def bomb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    bombs.zip_bomb(folder / "zip-bomb.xlsx")
    bombs.row_bomb(folder / "row-bomb.xlsx")
    return folder





def test_the_bombs_are_what_the_issue_describes(bomb_dir: Path) -> None:
    for name, (most, least) in {"zip-bomb.xlsx": (1.4e6, 1.3e9),
                                "row-bomb.xlsx": (2.6e6, 3.0e8)}.items():
        path = bomb_dir / name
        sheet = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
        assert path.stat().st_size < most and sheet.file_size > least


@pytest.mark.parametrize("name, why", [("zip-bomb.xlsx", "expands to 1,278 MiB"),
                                       ("row-bomb.xlsx", "expands 258 times")])
def test_a_bomb_is_refused_before_reading_and_nothing_changes(
        bomb_dir: Path, project_file: Path, name: str, why: str) -> None:
    digest = file_digest(project_file)
    code, _, err = run("import", str(bomb_dir / name), "--db", str(project_file), *MAP)
    assert code == 1
    assert "was refused before reading" in err and why in err, err
    assert "Save the sheet as CSV" in err and "Traceback" not in err
    assert file_digest(project_file) == digest


def test_a_sheet_taller_than_excel_allows_is_refused_and_rolled_back(
        tmp_path: Path, project_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit is Excel's 1,048,576 rows (benchmarks/faults.py runs that file);
    # the same check on a small limit keeps this test quick
    monkeypatch.setattr(xlsx_module, "MAX_ROWS", 50)
    path = bombs.tall_workbook(tmp_path / "tall.xlsx", rows=60)
    with open_project(project_file) as p:
        before = snapshot(p)
        with pytest.raises(ChartreviewError, match="more than 50 rows, Excel's own limit"):
            import_file(p, path, ImportOptions(chart="Tall", mapping=MAPPING,
                                               chunk_rows=10))
        assert snapshot(p) == before
    # Excel states a sheet's size first: such a sheet is refused before its rows are read
    stated = bombs.tall_workbook(tmp_path / "stated.xlsx", rows=60, dimension=True)
    with open_project(project_file) as p, pytest.raises(
            ChartreviewError, match="its sheet says it has 61 rows, more than Excel's"):
        import_file(p, stated, ImportOptions(chart="Tall", mapping=MAPPING))


def test_a_value_far_to_the_right_is_refused(tmp_path: Path, project_file: Path) -> None:
    path = tmp_path / "wide.xlsx"
    sheet = (bombs.SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>Pos</t></is></c>'
             '<c r="XFD1" t="inlineStr"><is><t>far</t></is></c></row>' + bombs.SHEET_TAIL)
    bombs._workbook(path, iter([sheet]))
    digest = file_digest(project_file)
    code, _, err = run("import", str(path), "--db", str(project_file), *MAP)
    assert code == 1 and "has a value in column 16,384" in err, err
    assert file_digest(project_file) == digest


def test_a_workbook_with_a_dtd_is_refused(tmp_path: Path, project_file: Path) -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    path = tmp_path / "dtd.xlsx"
    bombs._workbook(path, iter([laughs + bombs.SHEET_HEAD.split("?>", 1)[1]
                                + "<row><c t=\"inlineStr\"><is><t>&lol2;</t></is></c></row>"
                                + bombs.SHEET_TAIL]))
    code, _, err = run("import", str(path), "--db", str(project_file), *MAP)
    assert code == 1 and "declares a DTD" in err, err


def test_progress_moves_and_cancel_works_inside_one_sheet(tmp_path: Path,
                                                          project_file: Path) -> None:
    path = bombs.tall_workbook(tmp_path / "t.xlsx", rows=20_000)  # 4.5 MiB of sheet
    seen: list[float] = []
    token = CancelToken()

    def progress(p: Progress) -> None:
        seen.append(p.fraction)
        if len(seen) == 2:
            token.cancel()

    with open_project(project_file) as p:
        before = snapshot(p)
        with pytest.raises(Cancelled):
            import_file(p, path, ImportOptions(chart="Tall", mapping=MAPPING, chunk_rows=5000),
                        on_progress=progress, cancel=token)
        assert snapshot(p) == before
    # the bar moved inside the one sheet, and the cancel came before its end
    assert len(seen) == 2 and 0 < seen[0] < seen[1] < 1


def test_an_ordinary_workbook_imports_with_dates_numbers_and_shared_strings(
        tmp_path: Path, project_file: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Pos", "Song", "Performer", "Week", "Units"])
    ws.append([1, "Walk My Walk", "Breaking Rust", dt.date(2025, 11, 8), 3000])
    ws.append([2.0, "Tyler, The Creator Song", "Tyler, The Creator", dt.datetime(
        2025, 11, 8, 0, 0), "1,200"])
    ws.append([])  # a blank row is skipped, as in a CSV file
    ws.append([3, "@SUM(A1)", "Someone", "2025-11-08", None])
    wb.save(tmp_path / "sales.xlsx")
    with open_project(project_file) as p:
        report = import_file(p, tmp_path / "sales.xlsx", ImportOptions(
            chart="Country Digital Song Sales", mapping={**MAPPING, "sales": "Units"}))
        assert report.rows_imported == 3 and report.rows_rejected == 0, report.summary()
        rows = queries.list_entries(p, queries.EntryFilter(text="Walk My Walk"))
        assert rows[0]["first_date"] == "2025-11-08" and rows[0]["artist"] == "Breaking Rust"
        sales = p.conn.execute("SELECT sales FROM positions WHERE rank = 1 AND date = "
                               "'2025-11-08' AND sales IS NOT NULL").fetchone()
        assert sales == (3000,)
        titles = {r[0] for r in p.conn.execute("SELECT title FROM tracks")}
        assert {"@SUM(A1)", "Tyler, The Creator Song"} <= titles


@pytest.mark.gui
def test_the_import_dialog_shows_the_refusal(bomb_dir: Path, project_file: Path, qtbot,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from chartreview.qt.views.import_dialog import ImportDialog

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: said.append(text))
    dialog = ImportDialog(project_file)
    qtbot.addWidget(dialog)
    dialog.add_files([bomb_dir / "zip-bomb.xlsx", bomb_dir / "row-bomb.xlsx"])
    assert dialog.files.count() == 0  # neither added, and each said why
    assert len(said) == 2 and all("was refused before reading" in t for t in said)
