"""One song is one track across Spotify URIs; an older project is migrated to that.

``tests/data/project_v3.sqlite.gz`` was made by chartreview at commit f8bf7c5 (schema 3):
the five weekly global Spotify files and the 2017-2018 Hot 100 imported, then "Delicate"
by Taylor Swift, split there into two entries on the Spotify chart by its two URIs,
labelled: suspicious by ana on one entry, human (tags, confidence, a note) by bo on the
other.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from chartreview.ingest import import_file
from chartreview.names import credited_acts, track_key
from chartreview.scoring.run import score_project
from chartreview.store import open_project, queries
from chartreview.store.columns import positions_frame
from tests.conftest import DATA, count

SPOTIFY = "Spotify Top 200 (global, weekly)"


def _old_project(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite"
    with gzip.open(DATA / "project_v3.sqlite.gz") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def _delicate(project) -> list[dict]:
    return [r for r in queries.list_entries(project, sort="entry")
            if r["title"] == "Delicate"]


def test_spotify_uris_of_one_song_are_one_track_and_one_entry(project, shared: Path) -> None:
    for path in sorted((shared / "spotify").glob("regional-global-weekly-*.csv")):
        import_file(project, path)
    delicate = _delicate(project)
    assert len(delicate) == 1  # before: two entries, one per URI
    assert delicate[0]["weeks"] == 3  # 2018-04-26, 05-17, 05-24: one run, not a fragment
    uris = project.conn.execute(
        "SELECT spotify_id FROM track_uris WHERE track_id = ? ORDER BY spotify_id",
        (delicate[0]["track_id"],)).fetchall()
    assert [u[0] for u in uris] == ["6NFyWDv5CjfwuzoCkw47Xf", "7CneiDesUKFJO3Ix01dnfr"]
    # 18 songs of these files changed URI; none is split any more
    assert count(project, "tracks") == len({
        r[0] for r in project.conn.execute("SELECT norm_key FROM tracks")}) == 498


def test_an_older_project_is_migrated_and_no_verdict_is_lost(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    with open_project(path) as project:
        assert list(tmp_path.glob("old.before-migration-v3-*.bak.sqlite"))  # a way back
        delicate = {r["chart"]: r for r in _delicate(project)}
        assert sorted(delicate) == ["Hot 100 (us, weekly)", SPOTIFY]  # one entry per chart
        spotify = delicate[SPOTIFY]
        # positions of both old entries on the merged one; its figures worked out again
        assert (spotify["first_date"], spotify["last_date"], spotify["weeks"]) == (
            "2018-04-26", "2018-05-24", 3)
        pos = queries.positions(project, spotify["entry_id"])
        assert [p["date"] for p in pos] == ["2018-04-26", "2018-05-17", "2018-05-24"]
        # every review event kept, on the merged entry; its current state is the latest
        events = queries.events(project, spotify["entry_id"])
        assert [(e["kind"], e["analyst"]) for e in events] == [
            ("verdict", "ana"), ("verdict", "bo"), ("note", "bo")]
        assert (spotify["verdict"], spotify["analyst"], spotify["note"]) == (
            "human", "bo", "same song, new URI")
        assert count(project, "review_events") == 3 and count(project, "verdicts") == 1
        # the scorer's packed copy of the positions follows the merge
        frame = positions_frame(project)
        assert (frame["entry_id"] == spotify["entry_id"]).sum() == 3
        assert set(frame["entry_id"]) <= {r[0] for r in project.conn.execute(
            "SELECT id FROM entries")}
        # one track per key now, every URI kept; the key is unique from here on
        assert project.conn.execute(
            "SELECT COUNT(*) - COUNT(DISTINCT norm_key) FROM tracks").fetchone()[0] == 0
        assert count(project, "track_uris") == 517
        # "Tyler, The Creator" is one act, no longer "Tyler"
        tyler = project.conn.execute(
            "SELECT DISTINCT a.name FROM tracks t JOIN artists a ON a.id = t.artist_id "
            "WHERE t.artist_credit LIKE 'Tyler, The Creator%'").fetchall()
        assert tyler == [("Tyler, The Creator",)]
        assert project.conn.execute(
            "SELECT COUNT(*) FROM artists WHERE name = 'Tyler'").fetchone()[0] == 0
        # scoring runs on the migrated project, every entry scored once
        report = score_project(project)
        assert report.entries == count(project, "entries") == count(project, "scores")
        # a new week under either URI continues the merged entry
        before = count(project, "entries")
        week = tmp_path / "regional-global-weekly-2018-05-31.csv"
        week.write_text("rank,uri,artist_names,track_name,source,peak_rank,previous_rank,"
                        "weeks_on_chart,streams\n101,spotify:track:7CneiDesUKFJO3Ix01dnfr,"
                        "Taylor Swift,Delicate,Taylor Swift,26,110,14,5000000\n")
        import_file(project, week)
        assert count(project, "entries") == before
        assert queries.entry(project, spotify["entry_id"])["weeks"] == 4


def test_credits_are_cut_only_where_the_source_separates_acts() -> None:
    def acts(credit: str, style: str = "credit") -> list[str]:
        return [name for name, _, _ in credited_acts(credit, style)]

    # names holding a comma, an "&" or an "x" stay whole
    assert acts("Tyler, The Creator Featuring Kali Uchis") == ["Tyler, The Creator",
                                                                "Kali Uchis"]
    assert acts("Tyler, The Creator, Kali Uchis", "list") == ["Tyler, The Creator",
                                                               "Kali Uchis"]
    assert acts("Earth, Wind & Fire") == ["Earth, Wind & Fire"]
    assert acts("Crosby, Stills, Nash & Young") == ["Crosby, Stills, Nash & Young"]
    assert acts("Ramsey Lewis And Earth, Wind & Fire") == ["Ramsey Lewis And Earth, Wind & Fire"]
    assert acts("Lil Nas X Featuring Billy Ray Cyrus") == ["Lil Nas X", "Billy Ray Cyrus"]
    assert acts("Sammy Davis, Jr. with The Mike Curb Congregation") == [
        "Sammy Davis, Jr.", "The Mike Curb Congregation"]
    # Billboard's separators; Spotify separates with commas only
    assert acts("Future & Metro Boomin") == ["Future", "Metro Boomin"]
    assert acts("Jay-Z & T.I. Featuring Kanye West & Lil Wayne") == [
        "Jay-Z", "T.I.", "Kanye West", "Lil Wayne"]
    assert acts("Kygo x Selena Gomez") == ["Kygo", "Selena Gomez"]
    assert acts("Simon & Garfunkel", "list") == ["Simon & Garfunkel"]
    assert acts("Chase & Status", "list") == ["Chase & Status"]
    roles = [r for _, _, r in credited_acts("Drake Featuring Rihanna & Future")]
    assert roles == ["main", "featured", "featured"]
    # "Kool And The Gang" and "Kool & The Gang" are one act
    assert credited_acts("Kool And The Gang")[0][1] == credited_acts("Kool & The Gang")[0][1]


def test_track_key_meets_across_sources_and_keeps_a_final_x() -> None:
    assert track_key("Old Town Road (Remix)", "Lil Nas X Featuring Billy Ray Cyrus") != (
        track_key("Old Town Road (Remix)", "Lil Nas, Billy Ray Cyrus"))
    assert track_key("Old Town Road", "Lil Nas X Featuring Billy Ray Cyrus") == track_key(
        "Old Town Road (feat. Billy Ray Cyrus)", "Lil Nas X, Billy Ray Cyrus")
    assert track_key("Who Dat Boy", "Tyler, The Creator Featuring A$AP Rocky") == track_key(
        "Who Dat Boy", "Tyler, The Creator, A$AP Rocky")
