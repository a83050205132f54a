"""Two analysts and a lead, each on their own laptop (project file, settings, process),
through one real server: assignment, verdicts, a disagreement, adjudication, and a
report that says who judged what and who decided. The README's "Team review" steps."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.team.conftest import WEEKS, Desk, chartreview

pytestmark = pytest.mark.slow


def as_json(done: subprocess.CompletedProcess[str]) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(done.stdout)


def test_two_analysts_and_a_lead(desk: Desk, tmp_path: Path) -> None:
    homes = {n: tmp_path / n for n in ("lead1", "analyst1", "analyst2")}
    dbs = {n: str(tmp_path / f"{n}.sqlite") for n in homes}
    files = {"lead1": WEEKS, "analyst1": WEEKS[1:], "analyst2": WEEKS}  # overlapping imports

    def run(who: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return chartreview(*args, "--db", dbs[who], home=homes[who], check=check)

    for who in homes:
        chartreview("import", *map(str, files[who]), "--db", dbs[who], home=homes[who])
        run(who, "score")
        out = run(who, "team", "connect", desk.url(who)).stdout
        assert f"as {who}" in out and "TLS on" in out

    out = run("lead1", "team", "assign", "--top", "4", "--to", "analyst1,analyst2",
              "--overlap", "2").stdout
    assert out.strip() == "Assigned 8 reviews on 4 entries (analyst1 4, analyst2 4)."
    # Again: nothing new (each entry already has its two analysts)
    out = run("lead1", "team", "assign", "--top", "4", "--to", "analyst1,analyst2",
              "--overlap", "2").stdout
    assert out.strip() == "Assigned 0 reviews on 0 entries (analyst1 0, analyst2 0)."

    queues = {}
    for who in ("analyst1", "analyst2"):
        run(who, "team", "sync")
        queues[who] = as_json(run(who, "team", "queue", "--format", "json"))
        assert [q["done"] for q in queues[who]] == [False] * len(queues[who])
        scores = [q["score"] for q in queues[who]]
        assert scores == sorted(scores, reverse=True)  # score order
    assert len(queues["analyst2"]) == 4
    mine = run("analyst1", "team", "status", "--offline").stdout
    missing = 4 - len(queues["analyst1"])
    assert f"My queue: 0 of {len(queues['analyst1'])} done" in mine
    if missing:
        assert f"({missing} more assigned on entries not imported here)" in mine

    # analyst1 calls everything suspicious; analyst2 agrees except on one entry
    for q in queues["analyst1"]:
        run("analyst1", "label", str(q["entry_id"]), "--verdict", "suspicious",
            "--confidence", "3", "--note", "flat streams")
    same = {(q["chart"], q["title"], q["artist"]) for q in queues["analyst1"]}
    split = next(q for q in queues["analyst2"] if (q["chart"], q["title"], q["artist"]) in same)
    for q in queues["analyst2"]:
        verdict = "human" if q is split else "suspicious"
        run("analyst2", "label", str(q["entry_id"]), "--verdict", verdict)
    assert "4 of 4 done" in run("analyst2", "team", "status", "--offline").stdout
    for who in ("analyst1", "analyst2", "analyst1", "lead1"):
        run(who, "team", "sync")

    disputed = as_json(run("lead1", "team", "queue", "--disputed", "--format", "json"))
    assert [(d["title"], d["judgements"]) for d in disputed] == [
        (split["title"], {"analyst1": "suspicious", "analyst2": "human"})]
    status = run("lead1", "team", "status").stdout
    both = len(queues["analyst1"])
    assert f"analyst1 / analyst2: kappa 0.00 over {both} entries both judged " \
           f"({both - 1} agreed)" in status
    assert "Disputed: 1 entries wait for a lead's decision" in status

    # The lead decides, with a reason; an analyst may not
    refused = run("analyst2", "team", "adjudicate", str(split["entry_id"]), "--verdict", "human",
                  "--reason", "mine", check=False)
    assert refused.returncode == 1 and "Only a lead adjudicates" in refused.stderr
    decided = disputed[0]["entry_id"]
    out = run("lead1", "team", "adjudicate", str(decided), "--verdict", "suspicious",
              "--reason", "streams flat through the night").stdout
    assert "suspicious, decided by lead1" in out
    for who in ("analyst1", "analyst2"):
        run(who, "team", "sync")
        rows = as_json(run(who, "entries", "--format", "json", "--verdict", "disputed"))
        assert rows == []
    row = next(r for r in as_json(run("analyst2", "entries", "--format", "json"))
               if r["entry_id"] == split["entry_id"])
    assert (row["verdict"], row["analyst"]) == ("suspicious", "lead1")

    # The reports say, per entry, who judged what and who decided
    report = tmp_path / "report.json"
    run("lead1", "export", "--format", "json", "--out", str(report))
    doc = json.loads(report.read_text())
    entry = next(e for e in doc["entries"] if e["entry_id"] == decided)
    assert [(j["analyst"], j["verdict"]) for j in entry["judgements"]] == [
        ("analyst1", "suspicious"), ("analyst2", "human")]
    assert entry["decision"]["decided_by"] == "lead1"
    assert entry["decision"]["reason"] == "streams flat through the night"
    assert doc["agreement"][0]["analyst_a"] == "analyst1"
    table = tmp_path / "report.csv"
    run("lead1", "export", "--format", "csv", "--out", str(table))
    with table.open(encoding="utf-8-sig") as f:
        line = next(r for r in csv.DictReader(f) if r["entry_id"] == str(decided))
    assert line["judged_by"] == "analyst1: suspicious (confidence 3); analyst2: human"
    assert (line["decided_by"], line["verdict"]) == ("lead1", "suspicious")
    assert (tmp_path / "report.agreement.csv").exists()
    page = tmp_path / "report.html"
    run("lead1", "export", "--format", "html", "--out", str(page))
    html = page.read_text()
    assert "Agreement between analysts" in html and "Decided</th>" in html
    assert "by lead1" in html and "streams flat through the night" in html


def test_without_team_connect_nothing_loads_postgresql(tmp_path: Path) -> None:
    """The command line and the window on a project that is not in a team."""
    code = ("import sys\n"
            "from chartreview.cli import main\n"
            "try:\n    main(['demo', '--db', sys.argv[1], '--weeks', '4'])\n"
            "except SystemExit:\n    pass\n"
            "from chartreview.qt.app import application\n"
            "from chartreview.qt.main_window import MainWindow\n"
            "app = application()\n"
            "w = MainWindow()\n"
            "assert w.open_path(sys.argv[1]) and not w.team.toolbar.isVisibleTo(w)\n"
            "w.close()\n"
            "print(sorted(m for m in sys.modules if 'psycopg' in m or 'team' in m))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "d.sqlite")],
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "CHARTREVIEW_HOME": str(tmp_path),
                               "PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip().splitlines()[-1]
    assert "psycopg" not in loaded and "team_cli" not in loaded
