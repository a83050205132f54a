"""More like this: the documented distance, and the neighbours an analyst is shown."""

from __future__ import annotations

import numpy as np
import pytest

from chartreview.ingest import ImportOptions, import_file
from chartreview.review import similar
from chartreview.scoring import similar as sim
from chartreview.store import cases as store_cases
from chartreview.store import queries


def test_rank_paths_scale_ranks_to_the_chart_and_mark_weeks_off_it() -> None:
    # entry 0 on a 100-deep chart: No. 1, No. 100, then gone; entry 1 daily, No. 51 twice
    row = np.array([0, 0, 1, 1])
    day = np.array([0, 7, 10, 11])
    rank = np.array([1, 100, 51, 60])
    paths = sim.rank_paths(row, day, rank, np.array([0, 10]), np.array([100, 101]), steps=3)
    assert paths[0].tolist() == [0.0, 1.0, sim.OFF]
    assert paths[1].tolist() == [0.5, sim.OFF, sim.OFF]  # the week's best rank


def test_distance_is_zero_for_a_twin_and_grows_with_signals_and_path() -> None:
    signals = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    paths = np.array([[0.0, 1.25], [0.0, 1.25], [0.0, 1.25], [1.0, 1.0]])
    near = sim.nearest(signals, paths, 0, k=3)
    assert near.rows.tolist() == [1, 3, 2]
    assert near.distance[0] == 0.0
    # by the documented formula: sqrt(0.5 * mean sq signal diff + 0.5 * mean sq path diff)
    assert near.distance[2] == pytest.approx(np.sqrt(0.5 * 1.0))
    assert near.distance[1] == pytest.approx(np.sqrt(0.5 * ((1 / 1.25) ** 2 + (0.25 / 1.25)
                                                            ** 2) / 2))
    assert 0 <= near.distance.max() <= 1
    assert sim.nearest(signals, paths, 0, k=3, exclude=np.array([0, 1, 0, 0], bool)
                       ).rows.tolist() == [3, 2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from chartreview.demo import build_demo
    from chartreview.scoring.run import score_project
    from chartreview.store import open_project

    path = tmp_path_factory.mktemp("similar") / "demo.sqlite"
    with open_project(path, create=True) as p:
        build_demo(p, weeks=20)
        score_project(p)
    return path


def test_more_like_this_finds_the_planted_farm_from_one_of_its_songs(demo) -> None:
    from chartreview.store import open_project

    with open_project(demo) as p:
        top = queries.list_entries(p, sort="score", limit=1)[0]
        case = store_cases.case_of(p, top["entry_id"])
        found = similar.more_like_this(p, case, k=5)
        assert len(found) == 5 and case.group_id not in [f.case.group_id for f in found]
        acts = [queries.entry(p, f.case.top_entry)["artist"] for f in found]
        assert acts.count(top["artist"]) >= 4  # the same AI act's other songs
        assert all("alike" in f.reason and "rank path within" in f.reason for f in found)
        sims = [f.similarity for f in found]
        assert sims == sorted(sims, reverse=True)
        # built once per project state: the second ask does not rebuild
        assert similar.index(p) is similar.index(p)
        week = similar.same_debut_week(p, case)
        assert week and all(w.reason.startswith("same debut week: debuted on ")
                            for w in week)
        assert similar.same_label(p, case) == []  # the demo's files name no label


def test_same_label_when_the_file_names_one(project, tmp_path) -> None:
    csv = tmp_path / "chart.csv"
    csv.write_text("Week,Pos,Song,Performer,Label\n"
                   "2025-01-04,1,Alpha,Kay,Farm Records\n"
                   "2025-01-04,2,Beta,Lou,Farm Records\n"
                   "2025-01-04,3,Gamma,Mo,Big Label\n", encoding="utf-8")
    import_file(project, csv, ImportOptions(chart="Country Digital Song Sales", mapping={
        "date": "Week", "rank": "Pos", "title": "Song", "artist": "Performer",
        "label": "Label"}))
    alpha = store_cases.case_of(project, queries.entry_ids(project, sort="entry")[0])
    found = similar.same_label(project, alpha)
    assert [(queries.entry(project, f.case.top_entry)["title"], f.reason) for f in found] == [
        ("Beta", "same label: Farm Records")]
    assert "same label" in similar.neighbours(project, alpha)
