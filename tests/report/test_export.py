"""CSV, XLSX and JSON exports read back and compared with the project."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from chartreview.cli import cli
from chartreview.domain import Cancelled, CancelToken, ChartreviewError
from chartreview.report.collect import ExportOptions
from chartreview.report.export import export
from chartreview.review.audit import set_note, set_verdict
from chartreview.scoring.params import SCORING_VERSION
from chartreview.store import queries

INJECTIONS = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
              "\tTAB", "'quoted"]


def _db_reviewed(p) -> dict[int, dict]:
    return {r["entry_id"]: r for r in queries.list_entries(p, queries.EntryFilter(
        verdict="reviewed"))}


def test_csv_one_row_per_reviewed_entry_matching_the_project(reviewed, tmp_path: Path):
    p, ids = reviewed
    out = tmp_path / "verdicts.csv"
    result = export(p, ExportOptions("csv", out))
    entries = pd.read_csv(out, encoding="utf-8-sig")
    events = pd.read_csv(tmp_path / "verdicts.events.csv", encoding="utf-8-sig")
    db = _db_reviewed(p)
    assert result.entries == 5 and len(entries) == 5
    assert entries["entry_id"].is_unique and set(entries["entry_id"]) == set(db)
    for row in entries.to_dict("records"):
        want = db[row["entry_id"]]
        assert row["title"] == want["title"] and row["artist"] == want["artist"]
        assert row["verdict"] == want["verdict"] and row["analyst"] == want["analyst"]
        assert row["score"] == pytest.approx(want["score"])
        assert row["signal_1"] == queries.signals(p, row["entry_id"])[0]["signal"]
        assert str(row["event_ids"]) == str(want["event_id"])
    assert entries.set_index("entry_id").loc[ids["sus"], "tags"] == "bulk sales"
    assert len(events) == len(queries.events(p)) == 5
    assert set(events["analyst"]) == {"ana", "bob"}
    assert entries.set_index("entry_id").loc[ids["sus"], "note"].startswith("Sales spike")


def test_xlsx_has_entries_events_and_scoring_sheets(reviewed, tmp_path: Path):
    p, ids = reviewed
    set_note(p, ids["ai"], "Second thoughts: check the distributor.", analyst="bob")
    out = tmp_path / "verdicts.xlsx"
    export(p, ExportOptions("xlsx", out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["entries", "events", "scoring"]
    entries = pd.read_excel(out, sheet_name="entries")
    events = pd.read_excel(out, sheet_name="events")
    scoring = dict(pd.read_excel(out, sheet_name="scoring").values.tolist())
    db = _db_reviewed(p)
    assert sorted(entries["entry_id"]) == sorted(db)
    ai_row = entries.set_index("entry_id").loc[ids["ai"]]
    assert ai_row["note"] == "Second thoughts: check the distributor."
    history = [ev["event_id"] for ev in queries.events(p, ids["ai"])]
    assert ai_row["event_ids"] == " ".join(map(str, history)) and len(history) == 2
    assert ai_row["event_id"] == history[-1]
    assert len(events) == 6 and list(events["kind"]).count("note") == 1
    assert scoring["scoring_version"] == SCORING_VERSION and float(scoring["w_cross_chart"]) > 0


def test_json_nests_signals_and_lists_events(reviewed, tmp_path: Path):
    p, ids = reviewed
    out = tmp_path / "verdicts.json"
    export(p, ExportOptions("json", out, verdict="suspicious"))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {e["entry_id"] for e in doc["entries"]} == {ids["sus"], ids["script"]}
    sus = next(e for e in doc["entries"] if e["entry_id"] == ids["sus"])
    assert sus["tags"] == ["bulk sales"] and sus["confidence"] == 3
    assert sus["signals"] == queries.signals(p, ids["sus"])
    assert doc["filters"] == {"verdict": "suspicious"}
    assert doc["scoring"]["settings"]["w_flood"] > 0
    assert [e["event_id"] for e in doc["events"]] == sorted(
        ev["event_id"] for ev in queries.events(p) if ev["entry_id"] in (ids["sus"], ids["script"]))


def test_filters_by_analyst_chart_score_and_date(reviewed, tmp_path: Path):
    p, ids = reviewed
    out = tmp_path / "f.json"

    def got(**kw) -> set[int]:
        export(p, ExportOptions("json", out, force=True, **kw))  # one file, rewritten
        return {e["entry_id"] for e in json.loads(out.read_text())["entries"]}

    assert got(analyst="bob") == {ids["bob"]}
    chart = queries.entry(p, ids["bob"])["chart"]
    assert got(chart=chart.split(" (")[0]) == {
        i for i in ids.values() if queries.entry(p, i)["chart"].startswith(chart.split(" (")[0])}
    scores = {i: queries.entry(p, i)["score"] for i in ids.values()}
    cut = sorted(scores.values())[2]
    assert got(min_score=cut) == {i for i, s in scores.items() if s >= cut}
    assert got(date_to="1999-01-01") == set()
    assert len(got(verdict="all")) == queries.summary(p)["entries"]


def test_formula_injection_is_text_and_negative_numbers_stay_numbers(reviewed, tmp_path):
    p, ids = reviewed
    targets = [ids["sus"], ids["ai"], ids["human"], ids["script"], ids["bob"]]
    for entry_id, text in zip(targets, INJECTIONS, strict=False):
        set_verdict(p, entry_id, "suspicious", analyst="ana", note=text, tags=[text])
    # a real negative number: a damping signal's contribution
    p.conn.execute("DELETE FROM signals WHERE entry_id = ?", (ids["ai"],))
    p.conn.execute("INSERT INTO signals VALUES (?, 'album_week', 0.8, -3.0, 'damped', 'x')",
                   (ids["ai"],))
    export(p, ExportOptions("csv", tmp_path / "x.csv"))
    export(p, ExportOptions("xlsx", tmp_path / "x.xlsx"))
    csv_rows = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig", keep_default_na=False)
    ws = load_workbook(tmp_path / "x.xlsx")["entries"]
    head = [c.value for c in ws[1]]
    xl_rows = {r[0].value: {h: c for h, c in zip(head, r, strict=True)}
               for r in ws.iter_rows(min_row=2)}
    for entry_id, text in zip(targets, INJECTIONS, strict=False):
        csv_note = csv_rows.set_index("entry_id").loc[entry_id, "note"]
        assert csv_note == "'" + text
        cell = xl_rows[entry_id]["note"]
        assert cell.data_type == "s" and cell.value == "'" + text
    neg = xl_rows[ids["ai"]]["signal_1_contribution"]
    assert neg.value == -3 and neg.data_type == "n"
    assert csv_rows.set_index("entry_id").loc[ids["ai"], "signal_1_contribution"] == -3.0
    assert csv_rows["signal_1_contribution"].dtype.kind == "f"


def test_a_failed_export_leaves_the_existing_file_intact(reviewed, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch):
    p, _ = reviewed
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    calls = {"n": 0}

    def broken_cell(value):  # fails after some rows were written
        calls["n"] += 1
        if calls["n"] > 40:
            raise RuntimeError("disk went away")
        return value

    def half_write(self: Path, text: str, **kw) -> int:  # a disk that fills up
        with self.open("w", encoding="utf-8") as f:
            f.write(text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("chartreview.report.export.escape_cell", broken_cell)  # csv
    monkeypatch.setattr("chartreview.report.export.xlsx_cell", broken_cell)
    for fmt in ("csv", "xlsx", "json", "html"):
        out = out_dir / f"keep.{fmt}"
        out.write_text("the previous export")
        with monkeypatch.context() as m:
            if fmt in ("json", "html"):
                m.setattr(Path, "write_text", half_write)
            calls["n"] = 0
            with pytest.raises((RuntimeError, ChartreviewError)) as err:
                export(p, ExportOptions(fmt, out, verdict="all", force=True))
        assert out.read_text() == "the previous export", fmt
        if fmt in ("json", "html"):
            assert "No space left" in str(err.value)
    assert sorted(f.name for f in out_dir.iterdir()) == sorted(
        f"keep.{f}" for f in ("csv", "xlsx", "json", "html"))
    # cancelling behaves the same: nothing written
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export(p, ExportOptions("csv", out_dir / "keep.csv", force=True), cancel=token)
    assert (out_dir / "keep.csv").read_text() == "the previous export"


def test_cli_export_and_errors(reviewed, tmp_path: Path):
    p, ids = reviewed
    p.close()
    db = str(p.path)
    out = tmp_path / "cli.csv"
    r = CliRunner().invoke(cli, ["export", "--format", "csv", "--out", str(out), "--db", db,
                                 "--verdict", "ai"])
    assert r.exit_code == 0, r.output
    assert "Exported 2 entries" in r.output
    assert set(pd.read_csv(out, encoding="utf-8-sig")["entry_id"]) == {ids["ai"], ids["bob"]}
    bad = CliRunner().invoke(cli, ["export", "--format", "json", "--out", str(out), "--db", db,
                                   "--chart", "No Such Chart", "--force"])
    assert bad.exit_code == 1 and "No chart matches" in bad.output
