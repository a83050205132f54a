"""The review loop from a terminal: queue with progress, a verdict on a whole case with a
campaign range and watch, re-queue after an import, more like this, reports with ranges."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from chartreview.cli import cli
from chartreview.report.svg import CAMPAIGN
from chartreview.store import open_project
from tests.review.charts import SONGS, fake_scores, two_charts, write_weeks


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _project(tmp_path: Path) -> str:
    db = tmp_path / "p.sqlite"
    with open_project(db, create=True) as p:
        two_charts(p, tmp_path)
        fake_scores(p)
    return str(db)


def test_queue_label_case_requeue_and_report(tmp_path: Path) -> None:
    db = _project(tmp_path)
    code, out, err = run("queue", "--db", db, "--min-score", "50", "--chart", "Sales",
                         "--save", "sales50", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["described"] == "score ≥ 50, unreviewed, Sales charts"
    total = doc["progress"]["total"]
    top = doc["cases"][0]
    assert doc["progress"]["text"] == f"Queue: 0 of {total} done"
    assert len(top["entry_ids"]) == 2 and len(top["charts"]) == 2
    entry = str(top["entry_ids"][0])
    code, out, err = run("label", entry, "--db", db, "--case", "--verdict", "suspicious",
                         "--from", "2025-01-11", "--to", "2025-01-18", "--watch",
                         "--analyst", "ana")
    assert code == 0, err
    assert "and 1 other run" in out and "campaign 2025-01-11 to 2025-01-18, watched" in out
    code, out, _ = run("queue", "sales50", "--db", db)
    assert f"Queue: 1 of {total} done" in out and top["title"] not in out
    code, out, _ = run("show", entry, "--db", db)
    assert "  campaign 2025-01-11 to 2025-01-18 · watched" in out.splitlines()
    assert "case: the same song on 1 other chart: Hot 100 (us, weekly) (entry " in out
    code, out, _ = run("queue", "--db", db, "--changed-since", "last")
    assert out.strip() == "0 watched cases changed since your last verdict on each."
    # two more weeks of the Hot 100 for that song
    song = next(s for s in SONGS if s[0] == top["title"])
    later = write_weeks(tmp_path / "hot100_later.csv", range(4, 6), [song], lambda i, w: 40)
    code, _, err = run("import", str(later), "--db", db, "--chart", "Hot 100",
                       "--region", "us")
    assert code == 0, err
    code, out, _ = run("queue", "--db", db, "--changed-since", "last")
    assert out.splitlines()[0] == "1 watched case changed since your last verdict on each:"
    assert f"{top['title']} — {top['artist']}" in out and "2 new weeks" in out
    code, out, _ = run("queue", "--db", db, "--changed-since", "2999-01-01")
    assert out.startswith("0 watched cases")
    code, out, _ = run("queue", "sales50", "--db", db)
    assert "2 new weeks" in out.splitlines()[4]  # back on top, with the reason
    # the reports carry the range
    out_csv = tmp_path / "r.csv"
    code, _, err = run("export", "--format", "csv", "--out", str(out_csv), "--db", db)
    assert code == 0, err
    rows = _read(out_csv)
    assert {(r["from"], r["to"], r["watch"]) for r in rows} == {("2025-01-11", "2025-01-18",
                                                                 "1")}
    events = _read(out_csv.with_name("r.events.csv"))
    assert {e["from"] for e in events} == {"2025-01-11"}
    html = tmp_path / "r.html"
    code, _, err = run("export", "--format", "html", "--out", str(html), "--db", db)
    assert code == 0, err
    text = html.read_text(encoding="utf-8")
    assert "<th>Campaign</th><td>2025-01-11 to 2025-01-18</td>" in text
    assert f'fill="{CAMPAIGN}"' in text  # the shaded weeks on the plot


def test_queue_errors_and_similar(tmp_path: Path) -> None:
    db = _project(tmp_path)
    for args, message in ((("queue", "nope"), "no saved queue 'nope'"),
                          (("queue", "--chart", "Country"), "No chart matches 'Country'"),
                          (("queue", "--changed-since", "Tuesday"), "--changed-since takes"),
                          (("label", "1", "--verdict", "ai", "--from", "2025-02-01", "--to",
                            "2025-01-01"), "ends (2025-01-01) before it starts"),
                          (("similar", "999"), "no entry 999")):
        code, out, err = run(*args, "--db", db)
        assert code == 1 and message in err and "Traceback" not in err, (args, err)
    code, out, err = run("similar", "1", "--db", db, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["case"]["entry_ids"] and doc["similar"]["like this"]
    assert all("alike" in c["reason"] for c in doc["similar"]["like this"])
    code, out, _ = run("queue", "--db", db, "--by", "act", "--limit", "1")
    assert out.splitlines()[3].endswith("Act 05 (4 runs: Digital Song Sales (us, weekly), "
                                        "Hot 100 (us, weekly))")
