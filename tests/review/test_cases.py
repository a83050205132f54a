"""Cases: one verdict on a song applies to every run, one event each, undone as one."""

from __future__ import annotations

import pytest

from chartreview.domain import ChartreviewError
from chartreview.review import audit
from chartreview.store import cases as store_cases
from chartreview.store import queries
from chartreview.store.queries import EntryFilter
from tests.conftest import ONE_ENTRY_SQL, count, project_before
from tests.review.charts import SONGS, fake_scores, two_charts


@pytest.fixture
def loaded(project, tmp_path):
    two_charts(project, tmp_path)
    fake_scores(project)
    return project


def _case(project, title: str, grouping="song"):
    eid = next(r["entry_id"] for r in queries.list_entries(project, sort="entry")
               if r["title"] == title)
    return store_cases.case_of(project, eid, grouping)


def test_a_song_is_one_case_with_its_runs_on_every_chart(loaded) -> None:
    rows = store_cases.cases(loaded)
    assert len(rows) == len(SONGS)  # 24 songs, 36 runs
    assert sum(len(c.entry_ids) for c in rows) == count(loaded, "entries") == 36
    both = _case(loaded, "Song 03")
    charts = {r["chart"] for r in store_cases.case_entries(loaded, both.entry_ids)}
    assert charts == {"Hot 100 (us, weekly)", "Digital Song Sales (us, weekly)"}
    # walked by the highest score of its runs, its strongest run first
    scores = [c.score for c in rows]
    assert scores == sorted(scores, reverse=True)
    runs = queries.rows_for(loaded, list(both.entry_ids))
    assert both.score == max(r["score"] for r in runs.values())
    assert runs[both.top_entry]["score"] == both.score


def test_a_case_is_in_a_filter_when_any_run_matches_and_holds_all_its_runs(loaded) -> None:
    sales = [c["id"] for c in queries.charts(loaded) if "Sales" in c["name"]]
    rows = store_cases.cases(loaded, EntryFilter(chart_ids=sales))
    assert len(rows) == 12 and all(len(c.entry_ids) == 2 for c in rows)


def test_an_act_case_holds_the_acts_songs(loaded) -> None:
    act = _case(loaded, "Song 02", "act")  # Act 01 sings Song 02 and Song 03
    titles = {r["title"] for r in store_cases.case_entries(loaded, act.entry_ids)}
    assert titles == {"Song 02", "Song 03"} and len(act.entry_ids) == 4
    assert act.key == "act 01"


def test_natural_key_of_an_entry(loaded) -> None:
    case = _case(loaded, "Song 03")
    keys = store_cases.natural_keys(loaded, case.entry_ids)
    assert sorted(keys.values()) == [f"digital song sales|us|weekly|{case.key}",
                                     f"hot 100|us|weekly|{case.key}"]


def test_one_verdict_on_a_case_is_one_event_per_run_and_one_undo(loaded) -> None:
    case = _case(loaded, "Song 05")
    ids, changes = audit.decide(loaded, list(case.entry_ids), "suspicious", analyst="ana",
                                note="bundles", seconds=7.25, campaign=("2025-01-11", None),
                                watch=True)
    assert changes.entry_ids == set(case.entry_ids) and len(ids) == 2
    evs = [e for e in queries.events(loaded) if e["event_id"] in ids]
    assert {e["batch"] for e in evs} == {ids[0]}
    assert [e["seconds"] for e in evs] == [7.25, 7.25]
    for eid in case.entry_ids:
        e = queries.entry(loaded, eid)
        assert (e["verdict"], e["note"], e["range_from"], e["range_to"], e["watch"]) == (
            "suspicious", "bundles", "2025-01-11", None, 1)
    assert store_cases.case_of(loaded, case.top_entry).done
    undo_id, _ = audit.undo_last(loaded, analyst="ana")
    assert all(queries.entry(loaded, e)["verdict"] is None for e in case.entry_ids)
    assert count(loaded, "review_events") == 4  # two verdicts, two undos: nothing deleted
    assert count(loaded, "verdicts") == 0
    audit.undo(loaded, undo_id, analyst="ana")  # undoing the undo brings both back
    assert all(queries.entry(loaded, e)["verdict"] == "suspicious" for e in case.entry_ids)


def test_range_and_watch_events_stand_alone_and_are_checked(loaded) -> None:
    case = _case(loaded, "Song 01")
    runs = list(case.entry_ids)
    audit.set_range(loaded, runs, "2025-01-11", "2025-01-18", analyst="ana")
    audit.set_watch(loaded, runs, True, analyst="ana")
    e = queries.entry(loaded, runs[0])
    assert (e["verdict"], e["range_from"], e["range_to"], e["watch"]) == (
        None, "2025-01-11", "2025-01-18", 1)
    baseline = loaded.conn.execute(
        "SELECT baseline FROM verdicts WHERE entry_id = ?", (runs[0],)).fetchone()[0]
    assert '"weeks": 4' in baseline and '"fired": [' in baseline
    for bad, message in ((("2025-02-01", "2025-01-01"), "ends"),
                         (("yesterday", None), "not a date")):
        with pytest.raises(ChartreviewError, match=message):
            audit.set_range(loaded, runs, *bad, analyst="ana")
    with pytest.raises(ChartreviewError, match="seconds"):
        audit.decide(loaded, runs, "ai", analyst="ana", seconds=-3)
    with pytest.raises(ChartreviewError, match="no entry"):
        audit.decide(loaded, [runs[0], 10**9], "ai", analyst="ana")
    assert queries.entry(loaded, runs[0])["verdict"] is None  # nothing of the batch stored
    audit.set_range(loaded, runs, None, None, analyst="ana")
    audit.set_watch(loaded, runs, False, analyst="ana")
    assert count(loaded, "verdicts") == 0


def test_pace_counts_a_case_once_and_caps_a_long_pause(loaded) -> None:
    from chartreview.review.queue import pace

    assert pace(loaded, "ana") is None
    for title, seconds in (("Song 00", 4.0), ("Song 01", 6.0), ("Song 02", 3600.0)):
        audit.decide(loaded, list(_case(loaded, title).entry_ids), "human",
                     analyst="ana", seconds=seconds)
    assert store_cases.recent_decision_seconds(loaded, "ana") == [3600.0, 6.0, 4.0]
    assert pace(loaded, "ana") == 6.0
    assert pace(loaded, "bo") is None


def test_chart_week_shows_the_ten_around_a_rank(loaded) -> None:
    hot = next(c["id"] for c in queries.charts(loaded) if c["name"] == "Hot 100")
    day = loaded.conn.execute("SELECT MIN(date) FROM positions").fetchone()[0]
    assert [r["rank"] for r in store_cases.chart_week(loaded, hot, day, 12)] == list(
        range(7, 17))
    assert [r["rank"] for r in store_cases.chart_week(loaded, hot, day, 2)] == list(
        range(1, 11))
    assert [r["rank"] for r in store_cases.chart_week(loaded, hot, day, 24)] == list(
        range(15, 25))
    assert store_cases.chart_week(loaded, hot, day, 3)[2]["title"] == "Song 02"


def test_a_project_from_before_the_review_loop_keeps_its_verdicts(tmp_path) -> None:
    from chartreview.store import open_project
    from chartreview.store.migrations import SCHEMA_VERSION

    db = tmp_path / "old.sqlite"
    project_before(db, "m0007_review_loop", ONE_ENTRY_SQL + (
        "INSERT INTO review_events (id, entry_id, kind, verdict, analyst, at) VALUES "
        "(1, 1, 'verdict', 'ai', 'ana', '2025-02-01T10:00:00+00:00');"
        "INSERT INTO verdicts (entry_id, verdict, analyst, updated_at, event_id) VALUES "
        "(1, 'ai', 'ana', '2025-02-01T10:00:00+00:00', 1);"))
    with open_project(db) as p:
        assert p.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        e = queries.entry(p, 1)
        assert (e["verdict"], e["range_from"], e["watch"]) == ("ai", None, None)
        audit.set_range(p, [1], "2025-01-04", "2025-01-04", analyst="ana")
        e = queries.entry(p, 1)
        assert (e["verdict"], e["range_from"], e["range_to"]) == ("ai", "2025-01-04",
                                                                  "2025-01-04")
        assert store_cases.case_of(p, 1).done


def test_an_older_project_gets_the_index_a_case_reads_its_positions_from(tmp_path) -> None:
    """m0008: a project from before it opens with the positions index by entry that holds
    what a case's plot reads (so the table rows are not visited), and reads the same."""
    from chartreview.store import open_project

    db = tmp_path / "old.sqlite"
    project_before(db, "m0008_positions_by_entry_covering", ONE_ENTRY_SQL + (
        "INSERT INTO positions (chart_id, date, rank, entry_id, last_rank, streams, extra) "
        "VALUES (1, '2025-01-11', 3, 1, 9, 500, '{}'), (1, '2025-01-04', 9, 1, NULL, 200, "
        "'{}');"))
    with open_project(db) as p:
        indexes = {r[1] for r in p.conn.execute("PRAGMA index_list(positions)")}
        assert "idx_positions_entry_cover" in indexes
        assert "idx_positions_entry_id_date" not in indexes  # the new one begins with it
        plan = " ".join(r[3] for r in p.conn.execute(
            "EXPLAIN QUERY PLAN SELECT entry_id, date, rank, last_rank, peak, "
            "weeks_on_chart, streams, sales FROM positions WHERE entry_id IN (1, 2) "
            "ORDER BY entry_id, date"))
        assert "COVERING INDEX idx_positions_entry_cover" in plan
        rows = store_cases.case_positions(p, [1])
        assert [(r["date"], r["rank"], r["last_rank"], r["streams"], r["chart"])
                for r in rows] == [("2025-01-04", 9, None, 200, "Hot 100 (us, weekly)"),
                                   ("2025-01-11", 3, 9, 500, "Hot 100 (us, weekly)")]
