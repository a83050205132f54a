"""One transaction per file, idempotent, merging imports; bad files refused, project unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from chartreview.domain import Cancelled, CancelToken, IngestError, Progress
from chartreview.ingest import ImportOptions, import_file
from chartreview.ingest.normalize import track_key
from tests.conftest import count, snapshot

HEADER = "chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"


def hot100(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def test_reimport_changes_nothing(project, shared: Path) -> None:
    path = shared / "billboard/hot100_2017_2018.csv"
    first = import_file(project, path)
    before = snapshot(project)
    again = import_file(project, path)
    assert again.already_imported and not first.already_imported
    assert "already imported" in again.summary()
    assert snapshot(project) == before


def test_overlapping_files_merge_without_duplicates(project, shared: Path, tmp_path) -> None:
    lines = (shared / "billboard/hot100_2017_2018.csv").read_text().splitlines()
    header, rows = lines[0], lines[1:]
    a = tmp_path / "hot100_a.csv"
    b = tmp_path / "hot100_b.csv"
    a.write_text("\n".join([header, *rows[:3000]]) + "\n")
    b.write_text("\n".join([header, *rows[2000:5000]]) + "\n")
    import_file(project, a)
    report = import_file(project, b)
    assert report.rows_existing == 1000
    assert report.rows_imported == 2000
    assert count(project, "positions") == 5000


def test_duplicate_ranks_and_bad_rows_are_counted_by_reason(project, tmp_path) -> None:
    path = hot100(tmp_path, "hot100_bad_rows.csv", (
        "2020-01-04,1,Song A,Artist A,,1,1\n"
        "2020-01-04,1,Song B,Artist B,,1,1\n"     # duplicate rank
        "2020-01-04,,Song C,Artist C,,1,1\n"      # missing rank
        "2020-01-04,x,Song D,Artist D,,1,1\n"     # non-numeric rank
        "2020-01-04,-3,Song E,Artist E,,1,1\n"    # absurd rank
        "01/99/2020,4,Song F,Artist F,,1,1\n"     # unparseable date
        "2020-01-04,5,,Artist G,,1,1\n"           # missing title
        "2020-01-04,6,Song H,Artist H,,1,1,extra\n"  # more fields than the header
        "2020-01-04,7,Song I,Artist I,,1,1\n"
    ))
    report = import_file(project, path)
    assert report.rows_read == 9
    assert report.rows_imported == 2
    assert report.rejected == {
        "duplicate rank on the same chart date": 1,
        "missing or non-numeric rank": 2,
        "rank outside 1..100,000": 1,
        "unparseable date (or outside 1900-2100)": 1,
        "missing title": 1,
        "more fields than the header": 1,
    }
    assert (3, "duplicate rank on the same chart date") in report.examples
    assert "rejected 2: missing or non-numeric rank" in report.summary()


BAD_FILES = {
    "empty.csv": (b"", "empty"),
    "binary.csv": (bytes(range(256)) * 20, "binary"),
    "wrong_columns.csv": (b"a,b,c\n1,2,3\n", "Columns found: a, b, c"),
    "only_header.csv": (HEADER.encode(), "no usable rows"),
    "quote_truncated.csv": (HEADER.encode() + b'2020-01-04,1,"Song A,Art', "truncated"),
    "all_rejected.csv": (HEADER.encode() + b"2020-01-04,,A,B,,1,1\n", "no usable rows"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_a_clear_error_and_change_nothing(project, shared, tmp_path, name) -> None:
    import_file(project, shared / "billboard/hot100_recent.json")
    before = snapshot(project)
    content, message = BAD_FILES[name]
    path = tmp_path / f"hot100_{name}"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        import_file(project, path)
    assert snapshot(project) == before


def test_truncated_mid_row_keeps_the_whole_rows(project, tmp_path) -> None:
    path = hot100(tmp_path, "hot100_cut.csv", "2020-01-04,1,Song A,Artist A,,1,1\n2020-01-04,2,So")
    report = import_file(project, path)
    assert report.rows_imported == 1
    assert report.rejected == {"missing artist": 1}


def test_invalid_utf8_far_down_fails_whole_file(project, shared, tmp_path) -> None:
    import_file(project, shared / "billboard/hot100_recent.json")
    before = snapshot(project)
    good = "".join(f"2020-01-04,{r},Song {r},Artist {r},,{r},1\n" for r in range(1, 100))
    path = tmp_path / "hot100_late_garbage.csv"
    path.write_bytes(HEADER.encode() + good.encode() * 400 + b"2020-01-11,1,Caf\xe9,X,,1,1\n")
    with pytest.raises(IngestError, match="not valid utf-8 further down"):
        import_file(project, path, ImportOptions(chunk_rows=5_000))
    assert snapshot(project) == before


def test_utf16_file_is_read(project, tmp_path) -> None:
    path = tmp_path / "hot100_utf16.csv"
    path.write_bytes((HEADER + "2020-01-04,1,Beyoncé Song,Beyoncé,,1,1\n").encode("utf-16"))
    report = import_file(project, path)
    assert report.rows_imported == 1
    assert "UTF-16" in " ".join(report.notes)


def test_cancel_rolls_back(project, shared) -> None:
    before = snapshot(project)
    token = CancelToken()
    seen: list[Progress] = []

    def progress(p: Progress) -> None:
        seen.append(p)
        token.cancel()

    with pytest.raises(Cancelled):
        import_file(project, shared / "billboard/hot100_1976_1977.csv",
                    ImportOptions(chunk_rows=2000), on_progress=progress, cancel=token)
    assert seen and snapshot(project) == before


def test_progress_reaches_the_file_size(project, shared) -> None:
    seen: list[Progress] = []
    path = shared / "billboard/hot100_1976_1977.csv"
    import_file(project, path, ImportOptions(chunk_rows=1000), on_progress=seen.append)
    assert len(seen) > 5
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].done == seen[-1].total == path.stat().st_size


def test_same_track_matches_across_sources() -> None:
    assert track_key("Starboy", "The Weeknd Featuring Daft Punk") == track_key(
        "Starboy", "The Weeknd, Daft Punk")
    assert track_key("I Can't Love You Anymore", "Ella Langley & Morgan Wallen") == track_key(
        "I Can’t Love You Anymore", "Ella Langley, Morgan Wallen")
    assert track_key("Señorita", "Shawn Mendes & Camila Cabello") == track_key(
        "Senorita (feat. Someone)", "Camila Cabello, Shawn Mendes")
    assert track_key("Old Town Road", "Lil Nas X") != track_key("Old Town Road", "Lil Nas")


def test_entries_span_charts_and_keep_stats(project, shared) -> None:
    import_file(project, shared / "billboard/hot100_2017_2018.csv")
    row = project.conn.execute(
        "SELECT e.first_date, e.last_date, e.debut_rank, e.peak_rank, e.weeks FROM entries e "
        "JOIN tracks t ON t.id = e.track_id WHERE t.title = 'Despacito'").fetchone()
    assert row == ("2017-02-04", "2018-01-20", 88, 1, 51)  # checked against the CSV


def test_two_different_workbooks_with_the_same_options_both_import(project, tmp_path) -> None:
    import openpyxl

    mapping = {"rank": "Pos", "title": "Song", "artist": "Act", "date": "Week"}
    for week, song in (("2021-03-06", "First"), ("2021-03-13", "Second")):
        wb = openpyxl.Workbook()
        wb.active.append(["Pos", "Song", "Act", "Week"])
        wb.active.append([1, song, "Someone", week])
        wb.save(tmp_path / f"{song}.xlsx")
        report = import_file(project, tmp_path / f"{song}.xlsx",
                             ImportOptions(chart="Radio", mapping=mapping))
        assert not report.already_imported and report.rows_imported == 1
    again = import_file(project, tmp_path / "First.xlsx",
                        ImportOptions(chart="Radio", mapping=mapping))
    assert again.already_imported
    assert count(project, "positions") == 2


def test_a_track_whose_rows_all_conflict_leaves_no_empty_entry(project, tmp_path) -> None:
    import_file(project, hot100(tmp_path, "hot100_a.csv", "2020-01-04,1,Song A,Artist A,,1,1\n"))
    report = import_file(project, hot100(tmp_path, "hot100_b.csv", (
        "2020-01-04,1,Song B,Artist B,,1,1\n"     # rank 1 is Song A's: a conflict
        "2020-01-04,2,Song C,Artist C,,2,1\n"
    )))
    assert report.rows_imported == 1
    assert report.rejected == {
        "conflicts with the project: another track already holds this rank": 1}
    empty = project.conn.execute(
        "SELECT COUNT(*) FROM entries e WHERE NOT EXISTS "
        "(SELECT 1 FROM positions p WHERE p.entry_id = e.id)").fetchone()[0]
    assert empty == 0
    assert count(project, "entries") == 2


def test_entry_figures_counted_during_the_load_match_the_table(project, shared, tmp_path) -> None:
    from chartreview.store.writer import ImportWriter

    body = "".join(f"2020-01-{d:02d},{r},Song {(r + d) % 7},Artist,,1,1\n"
                   for d in (11, 4, 18) for r in range(1, 6))
    body += "2020-01-04,9,Song 0,Artist,,1,1\n"  # Song 0 twice on one date, chunks apart
    import_file(project, hot100(tmp_path, "hot100_small_chunks.csv", body),
                ImportOptions(chunk_rows=4))
    import_file(project, shared / "billboard/hot100_2017_2018.csv", ImportOptions(chunk_rows=999))
    query = "SELECT * FROM entries ORDER BY id"
    counted = project.conn.execute(query).fetchall()
    writer = ImportWriter(project)
    project.conn.execute("BEGIN")
    writer.refresh_entries(row[0] for row in counted)  # the same figures, read back by SQL
    assert project.conn.execute(query).fetchall() == counted
    project.conn.execute("ROLLBACK")


def _tables(project) -> list[list[tuple]]:
    return [project.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("tracks", "entries", "positions", "position_blocks")] + [
        project.conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()]


def _ranks_repeated_chunks_apart(tmp_path: Path) -> Path:
    body = "".join(f"2020-01-{d:02d},{r},Song {r + d},Artist {r},,1,1\n"
                   for d in (4, 11, 18) for r in range(1, 31))
    body += "2020-01-04,7,Song X,Artist X,,1,1\n2020-01-11,30,Song Y,Artist Y,,1,1\n"
    return hot100(tmp_path, "hot100_repeats.csv", body)


def test_bulk_load_without_the_rank_index_refuses_the_same_duplicates(
    tmp_path, monkeypatch
) -> None:
    from chartreview.store import open_project
    from chartreview.store import writer as store_writer

    dropped: list[str] = []
    real_drop = store_writer.ImportWriter._drop_index
    monkeypatch.setattr(store_writer.ImportWriter, "_drop_index",
                        lambda self, name: (dropped.append(name), real_drop(self, name))[1])
    path = _ranks_repeated_chunks_apart(tmp_path)
    results = []
    for bulk_rows in (50_000, 0):  # queries per chunk, then the bulk path (a lower threshold)
        monkeypatch.setattr(store_writer, "BULK_LOAD_ROWS", bulk_rows)
        with open_project(tmp_path / f"p{bulk_rows}.sqlite", create=True) as p:
            report = import_file(p, path, ImportOptions(chunk_rows=8))
            results.append((report.rejected, report.examples, _tables(p)))
    assert dropped == [store_writer.ENTRY_DATE_INDEX, store_writer.RANK_INDEX]
    assert results[0] == results[1]  # same rows, figures, blocks and schema (indexes back)
    rejected, examples, _ = results[1]
    assert rejected == {"duplicate rank on the same chart date": 2}
    assert [line for line, _ in examples] == [92, 93]


def test_bulk_load_a_duplicate_missed_fails_whole(project, tmp_path, monkeypatch) -> None:
    from chartreview.ingest.seen_ranks import SeenRanks
    from chartreview.store import writer as store_writer

    monkeypatch.setattr(store_writer, "BULK_LOAD_ROWS", 0)
    monkeypatch.setattr(SeenRanks, "taken", lambda self, chart, days, ranks: ranks < 0)
    before = snapshot(project)
    with pytest.raises(IngestError, match="same rank on one chart date"):
        import_file(project, _ranks_repeated_chunks_apart(tmp_path), ImportOptions(chunk_rows=8))
    assert snapshot(project) == before


def test_strict_refuses_a_file_with_a_rejected_row_and_leaves_the_project(
        project, tmp_path) -> None:
    import_file(project, hot100(tmp_path, "hot100_a.csv", "2020-01-04,1,Song A,Artist A,,1,1\n"))
    before = snapshot(project)
    path = hot100(tmp_path, "hot100_b.csv", "2020-01-11,1,Song A,Artist A,1,1,2\n"
                                            "2020-01-11,2,,Artist B,,2,1\n")  # no title
    with pytest.raises(IngestError, match="1 missing title") as info:
        import_file(project, path, ImportOptions(strict=True))
    assert info.value.report.examples == [(3, "missing title")]
    assert snapshot(project) == before
    assert import_file(project, path).rows_imported == 1  # leniently: the good row
