"""A file whose chart shares a name with an unrelated chart of the project is not merged
silently: it is refused with a free name to use instead, or merged when asked to."""

from __future__ import annotations

from pathlib import Path

import pytest

from chartreview.ingest import ImportOptions, import_file
from chartreview.ingest.chart_match import ChartClash
from chartreview.store import queries
from tests.conftest import count, snapshot

HEADER = "chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"


def synthetic_hot100(tmp_path: Path, weeks: int = 4, tracks: int = 20) -> Path:
    """A made-up "Hot 100" of 2025, as the demo has: songs no real chart ever held."""
    path = tmp_path / "hot100_synthetic.csv"
    days = [f"2025-0{3 + w // 4}-{1 + 7 * (w % 4):02d}" for w in range(weeks)]
    path.write_text(HEADER + "".join(f"{d},{r},Made Up {r},Studio Act {r},,{r},1\n"
                                     for d in days for r in range(1, tracks + 1)))
    return path


def test_an_unrelated_file_is_refused_with_a_name_to_use(project, shared, tmp_path) -> None:
    import_file(project, synthetic_hot100(tmp_path))
    before = snapshot(project)
    real = shared / "billboard/hot100_2017_2018.csv"
    with pytest.raises(ChartClash) as caught:
        import_file(project, real)
    e = caught.value
    assert snapshot(project) == before  # nothing of it was written
    assert e.suggestion == "Hot 100 2017-2018"
    [clash] = e.clashes
    assert clash.chart == "Hot 100 (us, weekly)" and clash.entries == 20
    assert (clash.first_date, clash.last_date) == ("2025-03-01", "2025-03-22")
    assert str(e).startswith("hot100_2017_2018.csv looks unrelated to the project's chart")
    assert "--chart 'Hot 100 2017-2018'" in str(e) and "--merge" in str(e)
    # as a chart of its own
    report = import_file(project, real, ImportOptions(chart=e.suggestion))
    assert report.charts == ["Hot 100 2017-2018 (us, weekly)"]
    names = {c["label"] for c in queries.charts(project)}
    assert names == {"Hot 100 (us, weekly)", "Hot 100 2017-2018 (us, weekly)"}


def test_merge_adds_it_to_the_chart_of_that_name(project, shared, tmp_path) -> None:
    import_file(project, synthetic_hot100(tmp_path))
    report = import_file(project, shared / "billboard/hot100_2017_2018.csv",
                         ImportOptions(merge=True))
    assert report.rows_imported == 10_400 and report.charts == ["Hot 100 (us, weekly)"]
    assert count(project, "charts") == 1


def test_the_suggested_name_is_a_free_one(project, shared, tmp_path) -> None:
    import_file(project, synthetic_hot100(tmp_path))
    taken = synthetic_hot100(tmp_path)
    import_file(project, taken, ImportOptions(chart="Hot 100 2017-2018"))
    with pytest.raises(ChartClash) as caught:
        import_file(project, shared / "billboard/hot100_2017_2018.csv")
    assert caught.value.suggestion == "Hot 100 2017-2018 (2)"


def test_files_sharing_songs_with_the_chart_merge_without_a_question(
        project, shared) -> None:
    # weeks apart, with a gap: the same songs go on charting
    import_file(project, shared / "spotify/regional-global-weekly-2017-02-23.csv")
    report = import_file(project, shared / "spotify/regional-global-weekly-2017-03-16.csv")
    assert report.rows_imported == 200 and count(project, "charts") == 1
    # the next years of the real Hot 100 carry on the songs of the years before
    lines = (shared / "billboard/hot100_2017_2018.csv").read_text().splitlines()
    first, second = project.path.parent / "hot100_a.csv", project.path.parent / "hot100_b.csv"
    first.write_text("\n".join(lines[:5201]) + "\n")
    second.write_text("\n".join([lines[0], *lines[5201:]]) + "\n")
    import_file(project, first)
    assert import_file(project, second).rows_imported == 5_200


def test_a_few_tracks_are_no_evidence_either_way(project, shared, tmp_path) -> None:
    import_file(project, synthetic_hot100(tmp_path, tracks=5))
    report = import_file(project, shared / "billboard/hot100_2017_2018.csv")
    assert report.rows_imported == 10_400  # a five-song chart says nothing of relation
