"""Careless commands and malformed files get one sentence and change nothing (issue 17,
cases 3 to 6). Each test types the command a user typed and checks the files after.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from chartreview import config, paths
from chartreview.cli import cli
from chartreview.ingest import ImportOptions, import_file
from chartreview.review import audit
from chartreview.store import open_project, queries
from tests.conftest import file_digest
from tests.trust.conftest import run

# --- case 3: settings ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["w_spike=nan", "w_spike=inf", "w_spike=1e309",
                                   "w_spike=-0.5", "w_spike=1e308", "event_min_entries=0",
                                   "event_min_entries=2.5", "w_spike=", "w_spike=lots"])
def test_a_bad_setting_is_refused_and_not_saved(project_file: Path, value: str) -> None:
    assert run("score", "--set", "w_spike=0.4", "--db", str(project_file))[0] == 0
    settings, project = file_digest(paths.settings_file()), file_digest(project_file)
    code, _, err = run("score", "--set", value, "--db", str(project_file))
    assert code == 1 and "Nothing was saved" in err and "Traceback" not in err, err
    name = value.split("=")[0]
    assert ("from 0 to 1" if name.startswith("w_") else "a whole number from 2 to 100") in err
    assert file_digest(paths.settings_file()) == settings
    assert file_digest(project_file) == project
    code, _, err = run("score", "--db", str(project_file))  # the next run still works
    assert code == 0 and "Traceback" not in err


def test_all_settings_are_checked_before_any_is_saved(project_file: Path) -> None:
    code, _, err = run("score", "--set", "w_spike=0.2", "--set", "w_flood=2",
                       "--db", str(project_file))
    assert code == 1 and "w_flood" in err
    assert "w_spike" not in config.load().scoring


def test_a_bad_value_saved_by_hand_is_not_used_and_can_be_reset(project_file: Path) -> None:
    settings = config.load()
    settings.scoring.update({"w_spike": float("nan"), "event_min_entries": 0.0, "w_flood": 0.5})
    config.save(settings)  # as an older version or a hand edit left it
    code, out, err = run("score", "--db", str(project_file))
    assert code == 0 and "Scored" in out, err
    assert "saved setting w_spike" in err and "--reset w_spike" in err
    assert "saved setting event_min_entries" in err
    code, out, _ = run("score", "--show-settings")
    assert "w_spike                    0.3" in out  # the default stands in
    assert run("score", "--reset", "w_spike", "--reset", "event_min_entries",
               "--show-settings")[0] == 0
    assert set(config.load().scoring) == {"w_flood"}
    code, out, err = run("score", "--reset", "all", "--db", str(project_file))
    assert code == 0 and "Warning" not in err
    assert config.load().scoring == {}
    code, _, err = run("score", "--reset", "w_nonsense")
    assert code == 1 and "Unknown setting 'w_nonsense'" in err


# --- case 4: merges ------------------------------------------------------------------------

def _export(project_file: Path, tmp_path: Path) -> dict:
    out = tmp_path / "theirs.json"
    code, _, err = run("export", "--format", "json", "--out", str(out), "--verdict", "all",
                       "--db", str(project_file))
    assert code == 0, err
    return json.loads(out.read_text())


def _good_event(doc: dict, n: int) -> dict:
    ev = dict(doc["events"][0])
    ev.update(event_id=100 + n, analyst="bob", verdict="human", note=f"looked {n}",
              at="2025-11-08T10:00:00+00:00")
    return ev


@pytest.mark.parametrize("field, value, why", [
    ("verdict", "bought", "unknown verdict 'bought'"),
    ("confidence", 99, "confidence goes from 1"),
    ("note", ["a", "list"], "note is list, not text"),
    ("at", "2999-01-01T00:00:00+00:00",
     "the event is dated 2999-01-01T00:00:00+00:00, in the future"),
    ("entry_id", "abc", "entry_id 'abc' is not a whole number"),
    ("analyst", "x" * 100_000, "the analyst name holds 100,000 characters"),
    ("tags", ["ok", "t" * 500], "the tag holds 500 characters"),
    ("kind", "delete", "unknown kind of event 'delete'"),
])
def test_a_merge_checks_each_event_as_label_does(project_file: Path, tmp_path: Path,
                                                 field: str, value: object, why: str) -> None:
    doc = _export(project_file, tmp_path)
    bad = _good_event(doc, 2)
    bad[field] = value
    doc["events"] = [_good_event(doc, 1), bad, _good_event(doc, 3)]
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps(doc))
    before = file_digest(project_file)
    code, _, err = run("merge-verdicts", str(path), "--db", str(project_file))
    assert code == 1 and "Traceback" not in err
    assert f"event 2 (#102): {why}" in err, err
    assert "Nothing was merged" in err and "--skip-invalid" in err
    assert file_digest(project_file) == before
    # or merge the others, counting the one left out
    code, out, err = run("merge-verdicts", str(path), "--db", str(project_file),
                         "--skip-invalid")
    assert code == 0, err
    assert "Read 3 verdict events: 2 added" in out and "1 invalid and skipped" in out
    assert f"Skipped: event 2 (#102): {why}" in out


@pytest.mark.parametrize("events", [{}, "events", [1, 2], [None]])
def test_a_merge_file_of_the_wrong_shape_is_one_sentence(project_file: Path, tmp_path: Path,
                                                         events: object) -> None:
    doc = _export(project_file, tmp_path)
    doc["events"] = events
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(doc))
    before = file_digest(project_file)
    code, _, err = run("merge-verdicts", str(path), "--db", str(project_file))
    assert code == 1 and "Traceback" not in err and err.startswith("Error: odd.json")
    assert len(err.strip().splitlines()) == 1
    assert file_digest(project_file) == before


def test_a_future_time_cannot_win_the_latest_verdict(project_file: Path,
                                                       tmp_path: Path) -> None:
    """Receive order decides what is current, whatever the file's clocks say."""
    doc = _export(project_file, tmp_path)
    entry = doc["events"][0]["entry_id"]
    theirs = _good_event(doc, 1)
    theirs.update(at="2025-01-01T00:00:00+00:00", verdict="human")
    doc["events"] = [theirs]
    path = tmp_path / "old-clock.json"
    path.write_text(json.dumps(doc))
    assert run("merge-verdicts", str(path), "--db", str(project_file))[0] == 0
    with open_project(project_file) as p:
        audit.set_verdict(p, entry, "ai", analyst="ana")  # received last: current
        assert queries.entry(p, entry)["verdict"] == "ai"


# --- case 5: malformed input, huge ids ---------------------------------------------------

def test_a_json_chart_with_lists_objects_and_lone_surrogates(project_file: Path,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "hot100_odd.json"
    path.write_text('{"date": "2020-01-04", "data": ['
                    '{"song": ["x"], "artist": "A", "this_week": 1},'
                    '{"song": "\\ud800 Bad", "artist": "B", "this_week": 2},'
                    '{"song": "Ok", "artist": {"a": 1}, "this_week": 3},'
                    '{"song": "Fine", "artist": "C", "this_week": 4}]}')
    code, out, err = run("import", str(path), "--db", str(project_file))
    assert code == 0 and "Traceback" not in err, err
    assert "4 rows read, 2 imported" in out
    assert "rejected 2: a field holds a list or an object where a value belongs" in out
    assert "1 title held text that is not valid Unicode" in out
    with open_project(project_file) as p:
        assert queries.list_entries(p, queries.EntryFilter(text="Bad"))[0]["title"] == \
            "\ufffd Bad"


def test_an_entry_id_beyond_any_integer_is_a_sentence(project_file: Path) -> None:
    for cmd in (("label", "99999999999999999999999", "--verdict", "ai"),
                ("show", "99999999999999999999999")):
        code, _, err = run(*cmd, "--db", str(project_file))
        assert code == 2 and "is not in the range" in err and "Traceback" not in err


def test_an_unexpected_failure_is_one_line_and_logged(project_file: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from chartreview.store import queries as q

    def broken(*a: object, **k: object) -> None:
        raise RuntimeError("the disk said \x1b[31mno\x1b[0m")

    monkeypatch.setattr(q, "list_entries", broken)
    code, _, err = run("entries", "--db", str(project_file))
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "failed unexpectedly (RuntimeError: the disk said ␛[31mno␛[0m)" in err
    assert "\x1b" not in err
    log = paths.log_file()
    assert str(log) in err and "RuntimeError" in log.read_text()
    result = CliRunner().invoke(cli, ["--debug", "entries", "--db", str(project_file)])
    assert isinstance(result.exception, RuntimeError)  # --debug lets it through


# --- case 6: names, tags, punctuation titles, direction overrides ------------------------

def test_names_and_tags_have_limits(project_file: Path) -> None:
    before = file_digest(project_file)
    for args, why in (
            (("--analyst", "a" * 100_000), "analyst name holds 100,000 characters"),
            (("--tag", "t" * 100_000), "tag holds 100,000 characters"),
            (("--analyst", "eve\x1b[2J"), "control or text-direction characters"),
            (("--analyst", "   "), "an analyst name is needed"),
            (("--tag", "x", *[a for i in range(21) for a in ("--tag", f"t{i}")]),
             "at most 20 fit")):
        code, _, err = run("label", "1", "--verdict", "ai", *args, "--db", str(project_file))
        assert code == 1 and why in err and "Traceback" not in err, err
    assert file_digest(project_file) == before


def test_titles_of_only_symbols_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "hot100_symbols.csv"
    path.write_text("chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"
                    '2020-01-04,1,"\t=1+1",Someone,,1,1\n'
                    "2020-01-04,2,＝1+1,Someone,,2,1\n"
                    "2020-01-04,3,+,Ed Sheeran,,3,1\n"
                    "2020-01-04,4,÷,Ed Sheeran,,4,1\n", encoding="utf-8")
    with open_project(tmp_path / "s.sqlite", create=True) as p:
        report = import_file(p, path, ImportOptions())
        assert report.rows_imported == 4 and report.rows_rejected == 0, report.summary()
        assert len(queries.list_entries(p)) == 4


def test_direction_overrides_are_shown_not_obeyed(project_file: Path, tmp_path: Path) -> None:
    spoof = "Innocent \u202eeulav\u202c"
    with open_project(project_file) as p:
        entry = queries.list_entries(p, limit=1)[0]["entry_id"]
        audit.set_verdict(p, entry, "ai", analyst="ana", note=spoof)
    html = tmp_path / "r.html"
    jsn = tmp_path / "r.json"
    assert run("export", "--format", "html", "--out", str(html), "--db",
               str(project_file))[0] == 0
    assert run("export", "--format", "json", "--out", str(jsn), "--db",
               str(project_file))[0] == 0
    text = html.read_text(encoding="utf-8")
    assert "\u202e" not in text and "Innocent [U+202E]eulav[U+202C]" in text
    raw = jsn.read_text(encoding="utf-8")
    assert "\u202e" not in raw and "\\u202e" in raw
    notes = [e["note"] for e in json.loads(raw)["entries"]]
    assert spoof in notes  # the value itself is kept exactly
    _, out, _ = run("show", str(entry), "--db", str(project_file))
    assert "\u202e" not in out and "[U+202E]" in out
