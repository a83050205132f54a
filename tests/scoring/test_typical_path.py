from __future__ import annotations

from chartreview.scoring.cohort import typical_path


def test_quartiles_per_period_while_a_quarter_of_the_cohort_remains() -> None:
    rows = []
    for e in range(8):  # eight entries debut at 10 and climb one rank a week
        weeks = 3 if e < 6 else 10  # six leave after three weeks
        rows += [(e, 7 * w, 10 - w + (e % 2)) for w in range(weeks)]
    path = typical_path(rows, 7)
    assert path.step.tolist() == [0, 1, 2]  # from week 3 two remain: too few to be typical
    assert path.p50.tolist() == [10.5, 9.5, 8.5]
    assert path.n.tolist() == [8, 8, 8]
    assert typical_path(rows, 7, max_step=1).step.tolist() == [0, 1]
    assert len(typical_path([], 7)) == 0
