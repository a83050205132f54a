"""The command line as scripts use it: exit codes, JSON, and errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chartreview.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_entries_show(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    code, out, err = run("import", str(shared / "billboard/hot100_recent.json"), "--db", db)
    assert code == 0, err
    assert "100 imported" in out
    code, out, _ = run("entries", "--db", db, "--format", "json", "--sort", "peak", "--asc",
                       "--limit", "3")
    rows = json.loads(out)
    assert [r["peak"] for r in rows] == [1, 1, 2] or rows[0]["peak"] == 1
    assert {"entry_id", "chart", "title", "artist", "score", "verdict"} <= set(rows[0])
    assert rows[0]["chart"] == "Hot 100 (us, weekly)"
    code, out, _ = run("show", str(rows[0]["entry_id"]), "--db", db)
    assert code == 0 and rows[0]["title"] in out and "Positions:" in out
    code, out, _ = run("entries", "--db", db, "--format", "csv", "--search", "Texas")
    assert out.splitlines()[0].startswith("entry_id,chart,title")
    assert "Choosin' Texas" in out


def test_import_errors_are_one_sentence(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    code, out, err = run("import", str(shared / "spotify/drucilal_regional-global-daily-latest"
                                            ".csv"), "--db", db)
    assert code == 1
    assert "pass --date" in err and "Traceback" not in err + out
    code, out, err = run("import", str(shared / "spotify/drucilal_regional-global-daily-latest"
                                            ".csv"), "--db", db, "--date", "2019-12-29")
    assert code == 0 and "mac_roman" in out


def test_map_option_both_ways_and_saved_for_reuse(tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    first = tmp_path / "a.csv"
    first.write_text("Pos,Song,Who,Week\n1,A,X,2021-01-02\n")
    code, out, err = run("import", str(first), "--db", db, "--chart", "Radio",
                         "--map", "rank=Pos", "--map", "Song=title", "--map", "artist=Who",
                         "--map", "date=Week")
    assert code == 0, err
    second = tmp_path / "b.csv"
    second.write_text("Pos,Song,Who,Week\n1,A,X,2021-01-09\n")
    code, out, err = run("import", str(second), "--db", db, "--chart", "Radio")
    assert code == 0, err  # the mapping saved for this header was reused
    code, out, _ = run("entries", "--db", db, "--format", "json")
    assert json.loads(out)[0]["weeks"] == 2


def test_missing_and_foreign_projects(tmp_path: Path) -> None:
    code, _, err = run("entries", "--db", str(tmp_path / "none.sqlite"))
    assert code == 1 and "no project" in err
    code, _, err = run("entries")
    assert code == 1 and "chartreview demo" in err
    other = tmp_path / "other.sqlite"
    other.write_bytes(b"hello world, not a database" * 10)
    code, _, err = run("entries", "--db", str(other))
    assert code == 1 and "not a SQLite database" in err


def test_unknown_entry_and_bad_sort(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    run("import", str(shared / "billboard/hot100_recent.json"), "--db", db)
    code, _, err = run("show", "99999", "--db", db)
    assert code == 1 and "no entry 99999" in err
    code, _, err = run("entries", "--db", db, "--sort", "nonsense")
    assert code == 1 and "Unknown sort" in err


def test_demo_builds_and_refuses_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    code, out, err = run("demo", "--db", str(db), "--weeks", "20")
    assert code == 0, err
    assert "positions" in out
    code, _, err = run("demo", "--db", str(db))
    assert code == 1 and "--force" in err
    code, out, _ = run("entries", "--format", "json", "--limit", "1")  # demo is now the default
    assert json.loads(out)


def test_label_and_undo(shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    run("import", str(shared / "billboard/hot100_recent.json"), "--db", db)
    code, out, err = run("label", "1", "--db", db, "--verdict", "suspicious", "--note",
                         "=HYPERLINK(\"x\")", "--tag", "bulk", "--analyst", "ana")
    assert code == 0, err
    assert "suspicious by ana, saved" in out
    code, out, _ = run("show", "1", "--db", db)
    assert "verdict: suspicious by ana" in out and "History:" in out
    code, out, _ = run("label", "1", "--db", db, "--undo", "--analyst", "ana")
    assert code == 0 and "unreviewed" in out
    code, _, err = run("label", "1", "--db", db, "--undo", "--analyst", "ana")
    assert code == 1 and "nothing left to undo" in err


def test_entries_csv_neutralises_formulas(tmp_path: Path) -> None:
    src = tmp_path / "hot100_formula.csv"
    src.write_text("chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"
                   '2020-01-04,1,"=HYPERLINK(""http://x"",""click"")",@Act,,1,1\n')
    db = str(tmp_path / "p.sqlite")
    assert run("import", str(src), "--db", db)[0] == 0
    code, out, _ = run("entries", "--db", db, "--format", "csv")
    assert code == 0
    row = out.splitlines()[1]
    assert "'=HYPERLINK" in row and ",'@Act," in row
    assert ",=HYPERLINK" not in row


def test_import_reports_every_rejected_row_and_strict_refuses_the_file(tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    path = tmp_path / "hot100_week.csv"
    path.write_text("chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"
                    "2020-01-04,1,Song A,Artist A,,1,1\n"
                    "2020-01-04,,Song B,Artist B,,2,1\n"        # line 3: no rank
                    "2020-01-04,3,Song C,Artist C,,3,1\n"
                    "2020-01-04,3,Song D,Artist D,,3,1\n")      # line 5: rank 3 again
    code, out, err = run("import", str(path), "--db", db, "--strict")
    assert code == 1 and "Traceback" not in err
    assert "hot100_week.csv was not imported: 2 of its 4 rows were rejected" in err
    assert "line 3: missing or non-numeric rank" in err
    assert "line 5: duplicate rank on the same chart date" in err
    code, out, _ = run("entries", "--db", db, "--format", "json")
    assert json.loads(out) == []  # nothing of the file was stored
    code, out, err = run("import", str(path), "--db", db)  # without --strict: the rest
    assert code == 0, err
    assert "4 rows read, 2 imported, 0 already in the project, 2 rejected" in out
    assert "line 3: missing or non-numeric rank" in out
    code, out, _ = run("entries", "--db", db, "--format", "json")
    assert sorted(r["title"] for r in json.loads(out)) == ["Song A", "Song C"]


def test_import_into_an_unrelated_chart_of_the_same_name_is_refused(
        shared: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "p.sqlite")
    code, _, err = run("demo", "--db", db, "--weeks", "8")
    assert code == 0, err
    real = str(shared / "billboard/hot100_2017_2018.csv")
    code, out, err = run("import", real, "--db", db)
    assert code == 1
    assert "Traceback" not in err + out
    line = next(x for x in err.splitlines() if x.startswith("Error:"))
    assert "looks unrelated to the project's chart of the same name, Hot 100 (us, weekly)" in line
    assert "--chart 'Hot 100 2017-2018'" in line and "--merge" in line
    code, out, err = run("import", real, "--db", db, "--chart", "Hot 100 2017-2018")
    assert code == 0, err
    assert "charts: Hot 100 2017-2018 (us, weekly)" in out
    code, out, err = run("import", real, "--db", db, "--merge")
    assert code == 0, err
    assert "10,400 imported" in out and "charts: Hot 100 (us, weekly)" in out
