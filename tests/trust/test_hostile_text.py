"""Any text in any field never breaks an export or shows a traceback (issue 16).

A property test: hypothesis puts arbitrary Unicode (every C0/C1 control, lone surrogates
through JSON escapes, direction overrides, 1 MB strings, formula signs after spaces, tabs
or in full width) into every text field a user or a dataset can fill: title, artist,
chart name (by import), tag, note and analyst name (by label). Then every format is
exported and checked as its reader would see it.

CI runs a few examples per test (``CHARTREVIEW_FUZZ`` raises it: run by hand with
``CHARTREVIEW_FUZZ=1000``).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from chartreview.domain import ChartreviewError, visible
from chartreview.ingest import ImportOptions, import_file
from chartreview.report.collect import ExportOptions
from chartreview.report.export import export
from chartreview.report.merge import merge_file
from chartreview.report.safe import _risky, escape_cell, json_text
from chartreview.review import audit
from chartreview.store import open_project, queries

pytestmark = [
    pytest.mark.gui,  # the PDF is laid out by Qt (offscreen)
    # hypothesis warns before showing a failing example that holds a 1 MB string
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

CONTROLS = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]]
DIRECTION = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029"]
FORMULAS = ["=1+1", "\t=1+1", " =1+1", "\n=1+1", "＝1+1", "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")", "'=1", "\u00a0＠x"]
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><b>x</b>",
          "&amp;", "]]><!--", "${body}", "$css"]

piece = st.one_of(
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None,
                          exclude_categories=()), max_size=12),  # surrogates included
    st.sampled_from(CONTROLS), st.sampled_from(DIRECTION), st.sampled_from(FORMULAS),
    st.sampled_from(MARKUP), st.just("\ud800"), st.just("\udfff"), st.just("A" * 1_000_000),
    st.just("Beyoncé 😀 ÷"))
hostile = st.lists(piece, min_size=1, max_size=4).map("".join)

FUZZ = settings(max_examples=int(os.environ.get("CHARTREVIEW_FUZZ", "12")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture,
                                       HealthCheck.large_base_example])


def chart_file(path: Path, title: str, artist: str) -> Path:
    """A Billboard JSON chart of three weeks: the hostile row and two plain ones. JSON
    escapes carry every code point, lone surrogates and NUL among them."""
    weeks = []
    for n, date in enumerate(("2025-11-01", "2025-11-08", "2025-11-15")):
        weeks.append({"date": date, "data": [
            {"song": title, "artist": artist, "this_week": 1 + n, "last_week": None},
            {"song": "Plain Song", "artist": "Plain Act", "this_week": 10},
            {"song": "Other Song", "artist": "Other Act", "this_week": 11}]})
    path.write_text(json.dumps(weeks, ensure_ascii=True), encoding="ascii")
    return path


class Structure(HTMLParser):
    """(tag, attribute) pairs of a document, and whether any raw control got through."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: set[tuple[str, str]] = set()
        self.raw_controls = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pairs.add((tag, ""))
        self.pairs.update((tag, name) for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        if visible(data, keep_newlines=True) != data.replace("\t", "␉"):
            self.raw_controls |= any(
                visible(c) != c for c in data if c not in "\n\t")


def structure(html: str) -> Structure:
    s = Structure()
    s.feed(html)
    return s


def build(tmp: Path, title: str, artist: str, chart: str) -> tuple[Path, int]:
    """Import the chart; a name the importer refuses falls back to a plain one (and the
    refusal must be a sentence). Returns the project and the entry to label."""
    project = tmp / "p.sqlite"
    with open_project(project, create=True) as p:
        path = chart_file(tmp / "hot100_hostile.json", title, artist)
        # the format named: a 1 MB first title pushes the keys past what is sniffed
        fmt = "billboard-json"
        try:
            import_file(p, path, ImportOptions(chart=chart, format=fmt))
        except ChartreviewError as e:
            assert str(e) and "Traceback" not in str(e)
            assert queries.summary(p)["entries"] == 0  # refused whole: nothing stored
            import_file(p, path, ImportOptions(chart="Hot 100", format=fmt))
        rows = queries.list_entries(p, sort="peak", descending=False)
        hostile_rows = [r for r in rows if r["title"] not in ("Plain Song", "Other Song")]
        target = (hostile_rows or rows)[0]["entry_id"]
    return project, target


def label(project: Path, entry: int, tag: str, note: str, analyst: str) -> None:
    with open_project(project) as p:
        try:
            audit.set_verdict(p, entry, "ai", analyst=analyst, note=note, tags=[tag],
                              confidence=3)
        except ChartreviewError as e:  # a name or note beyond the rules: a sentence
            assert str(e) and "\n" not in str(e)
            safe_note = note if len(note) <= audit.MAX_NOTE else note[:100]
            try:
                audit.set_verdict(p, entry, "ai", analyst="ana", note=safe_note,
                                  tags=["farm"])
            except ChartreviewError:
                audit.set_verdict(p, entry, "ai", analyst="ana", note="plain note",
                                  tags=["farm"])


def export_all(project: Path, out: Path) -> dict[str, Path]:
    from chartreview.qt.report_pdf import export_pdf

    files = {}
    with open_project(project) as p:
        for fmt in ("csv", "xlsx", "json", "html", "pdf"):
            target = out / f"report.{fmt}"
            opts = ExportOptions(fmt, target, verdict="all", prepared_by="ana")
            (export_pdf if fmt == "pdf" else export)(p, opts)
            files[fmt] = target
    return files


@pytest.fixture(scope="module")
def plain_structure(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    """The HTML elements and attributes of the same report built from plain text."""
    tmp = tmp_path_factory.mktemp("plain")
    project, entry = build(tmp, "A Song", "An Artist", "Country Digital Song Sales")
    label(project, entry, "farm", "a note", "ana")
    out = tmp / "out"
    out.mkdir()
    with open_project(project) as p:
        export(p, ExportOptions("html", out / "r.html", verdict="all", prepared_by="ana"))
    return structure((out / "r.html").read_text(encoding="utf-8")).pairs


@FUZZ
@given(title=hostile, artist=hostile, chart=hostile, tag=hostile, note=hostile,
       analyst=hostile)
def test_any_text_in_any_field_exports_every_format(
        tmp_path_factory: pytest.TempPathFactory, plain_structure: set[tuple[str, str]],
        title: str, artist: str, chart: str, tag: str, note: str, analyst: str) -> None:
    tmp = tmp_path_factory.mktemp("hostile")
    project, entry = build(tmp, title, artist, chart)
    pristine = tmp / "pristine.sqlite"
    shutil.copy(project, pristine)  # the same data, before any verdict
    label(project, entry, tag, note, analyst)
    out = tmp / "out"
    out.mkdir()
    files = export_all(project, out)
    with open_project(project) as p:
        stored = queries.entry(p, entry)

    # XLSX: opens, and no cell is a formula
    wb = load_workbook(files["xlsx"])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and _risky(cell.value)
                            and not cell.value.startswith("'"))

    # CSV: every cell a spreadsheet would run is neutralised
    for path in (files["csv"], out / "report.events.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not _risky(cell) or cell.startswith("'"), cell

    # HTML: no element or attribute the plain report lacks; controls shown, not raw
    html = files["html"].read_text(encoding="utf-8")
    found = structure(html)
    assert found.pairs <= plain_structure, found.pairs - plain_structure
    assert not found.raw_controls
    assert not any(c in html for c in DIRECTION)

    # PDF: written
    assert files["pdf"].read_bytes().startswith(b"%PDF")

    # JSON: parses, keeps the stored values exactly, and merges back into the same data
    doc = json.loads(files["json"].read_text(encoding="utf-8"))
    exported = next(e for e in doc["entries"] if e["entry_id"] == entry)
    assert (exported["title"], exported["note"]) == (stored["title"], stored["note"])
    with open_project(pristine) as p:
        report = merge_file(p, files["json"], analyst="merger")
        assert report.added == len(doc["events"]) and not report.invalid
        merged = queries.entry(p, entry)
        assert (merged["verdict"], merged["note"], merged["tags"], merged["analyst"]) == (
            stored["verdict"], stored["note"], stored["tags"], stored["analyst"])


@FUZZ
@given(text=hostile)
def test_the_terminal_never_gets_a_raw_control(tmp_path_factory: pytest.TempPathFactory,
                                               text: str) -> None:
    from click.testing import CliRunner

    from chartreview.cli import cli

    tmp = tmp_path_factory.mktemp("term")
    project, entry = build(tmp, text, text, "Hot 100")
    for args in (("entries",), ("entries", "--format", "csv"), ("entries", "--format", "json"),
                 ("show", str(entry))):
        result = CliRunner().invoke(cli, [*args, "--db", str(project)])
        assert result.exit_code == 0, result.output
        printed = result.stdout
        assert "\x1b" not in printed and not any(c in printed for c in DIRECTION)
        assert all(visible(c) == c for c in printed if c not in "\n\t"), args


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_signs_after_spaces_or_in_full_width_are_text(value: str) -> None:
    assert escape_cell(value).startswith("'")
    assert json.loads(json_text({"v": value}))["v"] == value


def test_the_import_keeps_controls_and_says_how_many(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from chartreview.cli import cli

    path = tmp_path / "hot100_controls.csv"
    path.write_text("chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"
                    '2020-01-04,1,"Red\x1b[31mX",A,,1,1\n2020-01-11,1,"Red\x1b[31mX",A,,1,2\n'
                    "2020-01-04,2,Ok\u202eko,B\x01,,2,1\n", encoding="utf-8")
    db = tmp_path / "p.sqlite"
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "3 titles held control or text-direction characters; kept" in result.stdout
    assert "1 artist held control" in result.stdout
    with open_project(db) as p:  # stored exactly as the file has it
        titles = {r["title"] for r in queries.list_entries(p)}
    assert titles == {"Red\x1b[31mX", "Ok\u202eko"}
