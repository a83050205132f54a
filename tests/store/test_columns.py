"""The scorer's packed copy of the positions: written by imports, rebuilt when missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from chartreview.ingest import import_file
from chartreview.store import columns


def table_columns(project) -> dict[str, np.ndarray]:
    rows = project.conn.execute(
        "SELECT entry_id, date, rank, streams, sales FROM positions "
        "ORDER BY entry_id, date").fetchall()
    entry, dates, rank, streams, sales = zip(*rows, strict=True)
    return {"entry_id": np.asarray(entry), "day": columns.iso_days(dates),
            "rank": np.asarray(rank),
            "streams": np.asarray([np.nan if v is None else v for v in streams], float),
            "sales": np.asarray([np.nan if v is None else v for v in sales], float)}


def sorted_copy(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    order = np.lexsort((cols["day"], cols["entry_id"]))
    return {k: v[order] for k, v in cols.items()}


def assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert set(a) == set(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_imports_write_the_packed_copy_of_what_they_stored(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_2017_2018.csv")  # rank-only values
    import_file(project, shared / "spotify/regional-global-weekly-2017-02-23.csv")  # streams
    import_file(project, shared / "spotify/regional-global-weekly-2017-02-23.csv")  # again
    blocks = project.conn.execute(
        "SELECT import_id, SUM(rows) FROM position_blocks GROUP BY import_id").fetchall()
    assert blocks == [(1, 10_400), (2, 200)]  # in the imports' own transactions
    packed = columns.load(project)
    assert len(packed["entry_id"]) == 10_400 + 200  # the second copy added nothing
    assert np.isnan(packed["streams"]).sum() == 10_400  # the Hot 100 rows carry none
    assert_same(sorted_copy(packed), table_columns(project))


def test_a_project_without_the_copy_gets_it_rebuilt_from_the_table(project, shared) -> None:
    import_file(project, shared / "spotify/regional-global-weekly-2017-02-23.csv")
    import_file(project, shared / "spotify/regional-global-weekly-2017-03-16.csv")
    before = sorted_copy(columns.load(project))
    # as in a project made before the copy existed, or after a chunk lost a race
    project.conn.execute("DELETE FROM position_blocks WHERE import_id = 2")
    project.conn.commit()
    assert_same(sorted_copy(columns.load(project)), before)
    blocks = project.conn.execute(
        "SELECT import_id, SUM(rows) FROM position_blocks GROUP BY import_id").fetchall()
    assert blocks == [(1, 200), (2, 200)]  # written back: the next read is fast again
