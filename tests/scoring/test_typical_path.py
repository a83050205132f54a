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


def test_quartiles_are_numpys_on_an_uneven_cohort() -> None:
    """Each period's quartiles are np.percentile's of the ranks charting in it, counting
    an entry once a period however often it charts in it."""
    import numpy as np

    rng = np.random.default_rng(5)
    rows = [(e, int(d), int(rng.integers(1, 200))) for e in range(40)
            for d in sorted(set(rng.integers(0, 120, size=int(rng.integers(1, 60))).tolist()))]
    path = typical_path(rows, 7)
    assert len(path) > 5
    for i, step in enumerate(path.step.tolist()):
        ranks = [r for _, d, r in rows if d // 7 == step]
        entries = {e for e, d, _ in rows if d // 7 == step}
        assert path.n[i] == len(entries) >= max(5, 40 / 4)
        assert [path.p25[i], path.p50[i], path.p75[i]] == np.percentile(
            ranks, (25, 50, 75)).tolist()
