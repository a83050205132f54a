"""Verdicts exported from one copy of a project merged into another."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from chartreview.cli import cli
from chartreview.report.collect import ExportOptions
from chartreview.report.export import export
from chartreview.report.merge import merge_file
from chartreview.review.audit import set_verdict, undo
from chartreview.store import open_project, queries


def _two_copies(demo_path: Path, tmp_path: Path) -> tuple[Path, Path, list[int]]:
    """Copy A and B share one verdict, then each analyst works on their own copy."""
    with open_project(demo_path) as p:
        top = [r["entry_id"] for r in queries.list_entries(p, limit=6)]
        set_verdict(p, top[0], "suspicious", analyst="ana", note="shared before the copy")
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    shutil.copy(demo_path, a)
    shutil.copy(demo_path, b)
    with open_project(a) as pa:
        set_verdict(pa, top[1], "suspicious", analyst="ana", note="ana thinks bought")
    with open_project(b) as pb:
        set_verdict(pb, top[1], "human", analyst="bob", note="bob: a real fan base")  # conflict
        set_verdict(pb, top[2], "ai", analyst="bob", tags=["voice clone"], confidence=4)
        set_verdict(pb, top[3], "ai", analyst="bob")
        undo(pb, queries.entry(pb, top[3])["event_id"], analyst="bob")  # changed his mind
        set_verdict(pb, top[0], "ai", analyst="bob")  # moves the shared verdict on
    return a, b, top


def test_merge_round_trip_with_a_conflict(demo_path: Path, tmp_path: Path):
    a, b, top = _two_copies(demo_path, tmp_path)
    with open_project(b) as pb:
        export(pb, ExportOptions("json", tmp_path / "bob.json", verdict="all"))
        bob_events = {(e["analyst"], e["at"], e["kind"]) for e in queries.events(pb)}
    with open_project(a) as pa:
        report = merge_file(pa, tmp_path / "bob.json", analyst="ana")
        assert report.present == 1  # the shared verdict is not duplicated
        assert report.added == 5 and not report.unmatched
        [conflict] = report.conflicts
        assert (conflict.entry_id, conflict.ours, conflict.theirs) == (top[1], "suspicious",
                                                                        "human")
        assert "Conflict on entry" in report.lines()[0]
        # ours stays current; theirs is in the history with bob's name and time
        assert queries.entry(pa, top[1])["verdict"] == "suspicious"
        assert queries.entry(pa, top[1])["analyst"] == "ana"
        history = queries.events(pa, top[1])
        assert [(e["analyst"], e["verdict"]) for e in history if e["kind"] == "verdict"] == [
            ("ana", "suspicious"), ("bob", "human")]
        assert bob_events <= {(e["analyst"], e["at"], e["kind"]) for e in queries.events(pa)}
        # no conflict: entries only bob touched (or moved on from shared state) take his
        assert queries.entry(pa, top[2])["verdict"] == "ai"
        assert queries.entry(pa, top[2])["tags"] == '["voice clone"]'
        assert queries.entry(pa, top[3])["verdict"] is None  # his undo came along too
        assert queries.entry(pa, top[0])["verdict"] == "ai"
        # undoing the hold event takes theirs
        undo(pa, conflict.hold_event_ids[0], analyst="ana")
        assert queries.entry(pa, top[1])["verdict"] == "human"
        before = len(queries.events(pa))
        again = merge_file(pa, tmp_path / "bob.json", analyst="ana")
        assert again.added == 0 and not again.conflicts
        assert len(queries.events(pa)) == before


def test_merge_from_csv_through_the_cli(demo_path: Path, tmp_path: Path):
    a, b, top = _two_copies(demo_path, tmp_path)
    run = CliRunner().invoke
    r = run(cli, ["export", "--format", "csv", "--out", str(tmp_path / "bob.csv"), "--db",
                  str(b), "--verdict", "all"])
    assert r.exit_code == 0, r.output
    r = run(cli, ["merge-verdicts", str(tmp_path / "bob.csv"), "--db", str(a)])
    assert r.exit_code == 0, r.output
    assert "5 added" in r.output and "1 conflicts" in r.output
    assert f"Conflict on entry {top[1]}" in r.output and "here suspicious (ana)" in r.output
    r = run(cli, ["merge-verdicts", str(tmp_path / "bob.events.csv"), "--db", str(a)])
    assert "0 added" in r.output and "Conflict" not in r.output
    with open_project(a) as pa:
        assert queries.entry(pa, top[1])["verdict"] == "suspicious"
        assert queries.entry(pa, top[2])["verdict"] == "ai"


def test_merge_refuses_a_file_that_is_not_an_export(tmp_path: Path, demo_path: Path):
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    r = CliRunner().invoke(cli, ["merge-verdicts", str(bad), "--db", str(demo_path)])
    assert r.exit_code == 1 and "not a chartreview JSON export" in r.output


def test_merge_brings_campaign_ranges_watch_and_time_spent(demo_path: Path, tmp_path: Path):
    from chartreview.review.audit import decide, set_range

    b = tmp_path / "b.sqlite"
    shutil.copy(demo_path, b)
    with open_project(b) as pb:
        top = [r["entry_id"] for r in queries.list_entries(pb, limit=2)]
        decide(pb, top, "suspicious", analyst="bob", seconds=12.5,
               campaign=("2025-01-04", "2025-01-18"), watch=True)
        set_range(pb, [top[1]], "2025-01-11", None, analyst="bob")
        for fmt in ("json", "csv"):
            export(pb, ExportOptions(fmt, tmp_path / f"bob.{fmt}", verdict="all"))
    for fmt in ("json", "csv"):
        a = tmp_path / f"a-{fmt}.sqlite"
        shutil.copy(demo_path, a)
        with open_project(a) as pa:
            report = merge_file(pa, tmp_path / f"bob.{fmt}", analyst="ana")
            assert report.added == 3 and not report.invalid, fmt
            first, second = (queries.entry(pa, e) for e in top)
            assert (first["range_from"], first["range_to"], first["watch"]) == (
                "2025-01-04", "2025-01-18", 1)
            assert (second["range_from"], second["range_to"]) == ("2025-01-11", None)
            assert {e["seconds"] for e in queries.events(pa) if e["kind"] == "verdict"} == {
                12.5}
            assert merge_file(pa, tmp_path / f"bob.{fmt}", analyst="ana").added == 0
