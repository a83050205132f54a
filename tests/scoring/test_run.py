"""Scoring a project: persisted per entry and signal, skipped when nothing changed,
and the planted cases of the demo on top with readable reasons."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from chartreview.cli import cli
from chartreview.demo import generate
from chartreview.ingest import ImportOptions, import_file
from chartreview.scoring.params import ScoringParams
from chartreview.scoring.run import score_project
from chartreview.store import queries
from tests.conftest import count


def test_scores_persist_and_rescoring_touches_only_changes(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_2017_2018.csv")
    first = score_project(project)
    assert first.entries == count(project, "entries") == count(project, "scores")
    run = project.conn.execute("SELECT version, settings, data_version FROM score_runs").fetchone()
    assert run[0] and json.loads(run[1])["w_cross_chart"] == ScoringParams().w_cross_chart
    assert score_project(project).skipped  # nothing new: nothing recomputed
    # 2026 shares no song with 2017-18: the chart's later weeks are added knowingly
    import_file(project, shared / "billboard/hot100_recent.json", ImportOptions(merge=True))
    again = score_project(project)
    assert not again.skipped
    assert 0 < again.changed < again.entries  # only what the new week moved is rewritten
    changed_settings = score_project(project, ScoringParams(w_new_artist=0.5))
    assert not changed_settings.skipped


def test_demo_planted_cases_on_top_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite")
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--db", db])
    assert result.exit_code == 0, result.stderr
    assert "Scored" in result.stdout
    result = runner.invoke(cli, ["score", "--db", db])
    assert "up to date" in result.stdout
    result = runner.invoke(cli, ["entries", "--db", db, "--sort", "score", "--limit", "20",
                                 "--format", "json"])
    rows = json.loads(result.stdout)
    world = generate(7)
    planted = {(c.title, c.artist) for c in world.cases if c.planted}
    top = [(r["title"], r["artist"]) for r in rows]
    assert sum(t in planted for t in top) >= 18  # 14 planted runs plus the AI act's Hot 100
    assert all(r["reason"] for r in rows)
    show = runner.invoke(cli, ["show", str(rows[0]["entry_id"]), "--db", db]).stdout
    assert "Signals:" in show and "compared with:" in show
    table = runner.invoke(cli, ["entries", "--db", db, "--limit", "3"]).stdout
    assert "not on Streaming Songs" in table or "titles within" in table


def test_score_settings_are_shown_and_saved(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["score", "--show-settings"]).stdout
    assert "w_cross_chart" in out and "(default" not in out
    runner.invoke(cli, ["score", "--set", "w_spike=0.1", "--show-settings"])
    out = runner.invoke(cli, ["score", "--show-settings"]).stdout
    assert "w_spike                    0.1      (default 0.3)    a number from 0 to 1" in out
    bad = runner.invoke(cli, ["score", "--set", "nonsense=1"])
    assert bad.exit_code == 1 and "Unknown setting" in bad.stderr


def test_scoring_an_empty_project(project) -> None:
    assert score_project(project).entries == 0
    assert queries.summary(project)["scored"] == 0


def dump(project) -> list[tuple]:
    return project.conn.execute(
        "SELECT s.entry_id, s.score, s.manipulation, s.ai, s.top_signal, s.reason, "
        "g.signal, g.value, g.contribution, g.reason FROM scores s "
        "LEFT JOIN signals g ON g.entry_id = s.entry_id ORDER BY s.entry_id, g.signal"
    ).fetchall()


def test_a_new_week_recomputes_only_its_entries_and_agrees_with_a_full_run(
        project, shared: Path) -> None:
    import_file(project, shared / "spotify/regional-global-weekly-2017-02-23.csv")
    import_file(project, shared / "spotify/regional-global-weekly-2017-03-16.csv")
    first = score_project(project)
    assert first.recomputed == first.entries
    import_file(project, shared / "spotify/regional-global-weekly-2018-04-26.csv")
    touched = project.conn.execute(
        "SELECT COUNT(DISTINCT entry_id) FROM positions WHERE import_id = 3").fetchone()[0]
    again = score_project(project)
    assert again.recomputed == touched == 200 < again.entries  # one week's 200 entries
    assert "(200 with new positions)" in again.summary()
    incremental = dump(project)
    # the same project scored from nothing kept gives the same scores and signals
    project.conn.execute("DELETE FROM entry_stats")
    project.conn.commit()
    full = score_project(project, force=True)
    assert full.recomputed == full.entries and full.changed == 0
    assert dump(project) == incremental


def test_every_setting_has_a_range_holding_its_default() -> None:
    """A setting added without a range could not be checked by 'score --set'."""
    from chartreview.scoring.params import ScoringParams, check

    for name, value in ScoringParams().to_dict().items():
        assert check(name, value) == value, name
