"""Every real sample in shared/data imports with exact counts, dates, ranks and values."""

from __future__ import annotations

from pathlib import Path

import pytest

from chartreview.domain import IngestError
from chartreview.ingest import ImportOptions, import_file
from tests.conftest import count


def position(project, chart: str, date: str, rank: int) -> dict:
    row = project.conn.execute(
        "SELECT t.title, t.artist_credit, t.spotify_id, p.last_rank, p.peak, p.weeks_on_chart,"
        " p.streams, p.extra, c.metric FROM positions p JOIN entries e ON e.id = p.entry_id "
        "JOIN tracks t ON t.id = e.track_id JOIN charts c ON c.id = p.chart_id "
        "WHERE c.name || ' (' || c.region || ', ' || c.frequency || ')' = ? "
        "AND p.date = ? AND p.rank = ?",
        (chart, date, rank),
    ).fetchone()
    assert row is not None, f"no position {chart} {date} #{rank}"
    keys = ("title", "artist", "spotify_id", "last_rank", "peak", "weeks", "streams", "extra",
            "metric")
    return dict(zip(keys, row, strict=True))


@pytest.mark.parametrize(
    ("name", "rows", "chart", "first", "last"),
    [
        ("billboard/hot100_2017_2018.csv", 10_400, "Hot 100 (us, weekly)", "2017-01-07",
         "2018-12-29"),
        ("billboard/hot100_1976_1977.csv", 10_487, "Hot 100 (us, weekly)", "1976-01-03",
         "1977-12-31"),
        ("billboard/billboard200_2017h2_2018h1.csv", 10_800, "Billboard 200 (us, weekly)",
         "2017-07-01", "2018-06-30"),
        ("billboard/hot100_recent.json", 100, "Hot 100 (us, weekly)", "2026-08-08",
         "2026-08-08"),
        ("spotify/regional-global-weekly-2017-02-23.csv", 200,
         "Spotify Top 200 (global, weekly)", "2017-02-23", "2017-02-23"),
        ("spotify/hipstervizninja_top200__daily__global__top200_daily_charts_from_2019-12-30"
         "_to_2020-01-08.csv", 2_000, "Spotify Top 200 (global, daily)", "2019-12-30",
         "2020-01-08"),
        ("spotify/hipstervizninja_viral50__weekly__germany__viral50_weekly_charts_from_"
         "2019-12-30_to_2020-01-05.csv", 50, "Spotify Viral 50 (germany, weekly)",
         "2020-01-02", "2020-01-02"),
        ("spotify/hipstervizninja_viral50__daily__france__viral50_daily_charts_from_2019-12-30"
         "_to_2020-01-05.csv", 350, "Spotify Viral 50 (france, daily)", "2019-12-30",
         "2020-01-05"),
    ],
)
def test_sample_imports_exactly(project, shared: Path, name, rows, chart, first, last) -> None:
    report = import_file(project, shared / name)
    assert report.rows_read == rows
    assert report.rows_imported == rows
    assert report.rows_rejected == 0
    assert report.charts == [chart]
    assert (report.first_date, report.last_date) == (first, last)
    assert count(project, "positions") == rows


def test_every_sample_file_imports(project, shared: Path) -> None:
    files = sorted(p for p in shared.rglob("*") if p.suffix in (".csv", ".json"))
    assert len(files) == 23
    for path in files:
        opts = ImportOptions(date="2019-12-29") if "latest" in path.name else None
        report = import_file(project, path, opts)
        assert report.rows_imported + report.rows_existing > 0, path.name
        if path.name == "hot100_1958_2019.csv":
            # 1990: "Unchained Melody" by The Righteous Brothers held two ranks at once
            # (the 1965 original and a re-recording); the second of each pair is reported
            assert dict(report.rejected) == {"same track twice on one chart date": 13}
        else:
            assert report.rows_rejected == 0, (path.name, report.summary())
    # the files' data rows; the whole 1958-2019 Hot 100 holds both Hot 100 slices
    assert count(project, "positions") == 339_224


def test_billboard_values(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_2017_2018.csv")
    p = position(project, "Hot 100 (us, weekly)", "2017-01-07", 1)
    assert (p["title"], p["artist"]) == ("Starboy", "The Weeknd Featuring Daft Punk")
    assert (p["last_rank"], p["peak"], p["weeks"], p["metric"]) == (2, 1, 14, "composite")


def test_billboard_1976_short_weeks_and_empty_last_week(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_1976_1977.csv")
    n = project.conn.execute(
        "SELECT COUNT(*) FROM positions WHERE date = '1976-12-04'").fetchone()[0]
    assert n == 99
    debuts = project.conn.execute(
        "SELECT COUNT(*) FROM positions WHERE last_rank IS NULL").fetchone()[0]
    assert debuts > 0  # an empty last_week stays empty: a debut or a re-entry


def test_billboard_200_odd_extra_chart_date(project, shared: Path) -> None:
    import_file(project, shared / "billboard/billboard200_2017h2_2018h1.csv")
    dates = [r[0] for r in project.conn.execute("SELECT DISTINCT date FROM positions")]
    assert "2018-01-03" in dates and len(dates) == 54


def test_billboard_json(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_recent.json")
    p = position(project, "Hot 100 (us, weekly)", "2026-08-08", 1)
    assert (p["title"], p["artist"], p["last_rank"], p["peak"], p["weeks"]) == (
        "Choosin' Texas", "Ella Langley", 1, 1, 41)
    assert position(project, "Hot 100 (us, weekly)", "2026-08-08", 2)["last_rank"] is None


def test_billboard_json_list_of_charts(project, tmp_path: Path) -> None:
    doc = ('[{"date": "2020-01-04", "data": [{"song": "A", "artist": "X", "this_week": 1, '
           '"last_week": null, "peak_position": 1, "weeks_on_chart": 1}]}, {"date": '
           '"2020-01-11", "data": [{"song": "A", "artist": "X", "this_week": 2, "last_week": 1,'
           ' "peak_position": 1, "weeks_on_chart": 2}]}]')
    path = tmp_path / "hot100_two_weeks.json"
    path.write_text(doc)
    report = import_file(project, path)
    assert report.rows_imported == 2 and count(project, "entries") == 1


def test_spotify_charts_download(project, shared: Path) -> None:
    import_file(project, shared / "spotify/regional-global-weekly-2017-02-23.csv")
    p = position(project, "Spotify Top 200 (global, weekly)", "2017-02-23", 1)
    assert (p["title"], p["artist"], p["streams"]) == ("Shape of You", "Ed Sheeran", 53_050_188)
    assert p["spotify_id"] == "7qiZfU4dY1lWllzX7mPBI3"
    assert p["metric"] == "streams"
    assert '"source":"Atlantic Records UK"' in p["extra"]
    new = project.conn.execute("SELECT COUNT(*) FROM positions WHERE last_rank IS NULL")
    assert new.fetchone()[0] > 0  # previous_rank -1 means new: stored as no last rank


def test_legacy_download_not_utf8_is_detected_and_repaired(project, shared: Path) -> None:
    path = shared / "spotify/drucilal_regional-global-daily-latest.csv"
    with pytest.raises(IngestError, match="--date"):
        import_file(project, path)
    report = import_file(project, path, ImportOptions(date="2019-12-29"))
    assert report.rows_imported == 200
    assert any("not valid UTF-8" in n and "mac_roman" in n for n in report.notes)
    assert report.charts == ["Spotify Top 200 (global, daily)"]
    p = position(project, "Spotify Top 200 (global, daily)", "2019-12-29", 6)
    assert (p["title"], p["artist"], p["streams"]) == ("Señorita", "Shawn Mendes", 3_505_357)
    assert position(project, "Spotify Top 200 (global, daily)", "2019-12-29", 30)["title"] == (
        "LA CANCIÓN")


def test_legacy_note_line_and_weekly_range_in_name(project, tmp_path: Path) -> None:
    path = tmp_path / "regional-de-weekly-2019-12-27--2020-01-03.csv"
    path.write_text(
        ",,,Note that these figures are generated using a formula that protects against any "
        "artificial inflation of chart positions.,\n"
        "Position,Track Name,Artist,Streams,URL\n"
        '1,"Dance Monkey",Tones and I,"1,234,567",https://open.spotify.com/track/'
        "1rgnBhdG2JDFTbYkYRZAku\n"
        "2,Roxanne,Arizona Zervas,999,https://open.spotify.com/track/696DnlkuDOXcMAnKlTgXXK\n"
    )
    report = import_file(project, path)
    assert report.rows_imported == 2
    assert report.charts == ["Spotify Top 200 (de, weekly)"]
    assert report.first_date == "2020-01-03"
    assert position(project, "Spotify Top 200 (de, weekly)", "2020-01-03", 1)["streams"] == (
        1_234_567)


def test_kaggle_layout_with_two_charts(project, tmp_path: Path) -> None:
    path = tmp_path / "charts.csv"
    path.write_text(
        "title,rank,date,artist,url,region,chart,trend,streams\n"
        "Chantaje,1,2017-01-01,Shakira,https://open.spotify.com/track/6mICuAdrwEjh6Y6lroV2Kg,"
        "Argentina,top200,SAME_POSITION,253019\n"
        "Chantaje,1,2017-01-02,Shakira,https://open.spotify.com/track/6mICuAdrwEjh6Y6lroV2Kg,"
        "Argentina,top200,SAME_POSITION,223988\n"
        "Ahora Dice,2,2017-01-01,Chris Jeday,https://open.spotify.com/track/7ABLbnD53cQK00mhcaO"
        "UVG,Argentina,viral50,MOVE_UP,\n"
    )
    report = import_file(project, path)
    assert report.rows_imported == 3
    assert sorted(report.charts) == ["Spotify Top 200 (argentina, daily)",
                                     "Spotify Viral 50 (argentina, daily)"]
    viral = project.conn.execute(
        "SELECT metric FROM charts WHERE name = 'Spotify Viral 50'").fetchone()[0]
    assert viral == "viral"


def test_one_chunk_of_many_charts_regions_and_ids_lands_on_the_right_entries(
        project, tmp_path: Path) -> None:
    # Rows of 2 charts x 2 regions interleaved in one chunk; songs with and without a track
    # id, one title by two artists: each position must land on its own chart and on the
    # entry of its own (chart, track).
    url = "https://open.spotify.com/track/6mICuAdrwEjh6Y6lroV2Kg"
    rows = []
    for day in ("2017-01-01", "2017-01-02"):
        for n, region in enumerate(("us", "Argentina")):
            rows += [f"Chantaje,1,{day},Shakira,{url},{region},top200,SAME_POSITION,{9000 + n}",
                     f"Vente Pa' Ca,2,{day},Shakira,,{region},top200,SAME_POSITION,{8000 + n}",
                     f"Chantaje,3,{day},Maluma,,{region},top200,MOVE_UP,{700 + n}",
                     f"Chantaje,1,{day},Shakira,{url},{region},viral50,MOVE_UP,"]
    path = tmp_path / "charts.csv"
    path.write_text("title,rank,date,artist,url,region,chart,trend,streams\n"
                    + "\n".join(rows) + "\n")
    report = import_file(project, path, ImportOptions(chunk_rows=100_000))
    assert report.rows_imported == 16
    assert sorted(report.charts) == [
        "Spotify Top 200 (argentina, daily)", "Spotify Top 200 (us, daily)",
        "Spotify Viral 50 (argentina, daily)", "Spotify Viral 50 (us, daily)"]
    for n, region in enumerate(("us", "argentina")):
        chart = f"Spotify Top 200 ({region}, daily)"
        first = position(project, chart, "2017-01-02", 1)
        assert (first["title"], first["artist"], first["spotify_id"], first["streams"]) == (
            "Chantaje", "Shakira", "6mICuAdrwEjh6Y6lroV2Kg", 9000 + n)
        second = position(project, chart, "2017-01-02", 2)
        assert (second["title"], second["artist"], second["spotify_id"], second["streams"]) == (
            "Vente Pa' Ca", "Shakira", None, 8000 + n)
        third = position(project, chart, "2017-01-02", 3)
        assert (third["title"], third["artist"], third["streams"]) == ("Chantaje", "Maluma",
                                                                       700 + n)
    # One entry per (chart, track), each holding its chart's two days
    entries = project.conn.execute(
        "SELECT e.id, (SELECT COUNT(*) FROM positions p WHERE p.entry_id = e.id "
        "AND p.chart_id = e.chart_id) FROM entries e").fetchall()
    assert len(entries) == 2 * 3 + 2 * 1  # 3 songs on each top 200, 1 on each viral 50
    assert {n for _, n in entries} == {2}


def test_mapped_csv_and_xlsx(project, tmp_path: Path) -> None:
    import openpyxl

    csv_path = tmp_path / "radio.tsv"
    csv_path.write_text("Pos\tSong\tPerformer\tWeek\tPlays\n1\tA Song\tAn Act\t2021-03-06\t900\n"
                        "2\tB Song\tB Act\t2021-03-06\t800\n")
    mapping = {"rank": "Pos", "title": "Song", "artist": "Performer", "date": "Week",
               "streams": "Plays"}
    report = import_file(project, csv_path, ImportOptions(chart="Country Airplay",
                                                           mapping=mapping))
    assert report.rows_imported == 2
    assert report.charts == ["Country Airplay (global, weekly)"]
    assert project.conn.execute("SELECT metric FROM charts").fetchone()[0] == "airplay"

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Pos", "Song", "Performer", "Week"])
    ws.append([1, "A Song", "An Act", "2021-03-13"])
    ws.append([2, "C Song", "C Act", "2021-03-13"])
    xlsx = tmp_path / "radio.xlsx"
    wb.save(xlsx)
    del mapping["streams"]
    report = import_file(project, xlsx, ImportOptions(chart="Country Airplay", mapping=mapping))
    assert report.rows_imported == 2
    assert count(project, "entries") == 3  # "A Song" continued its run


def test_mapping_names_missing_column(project, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Pos,Song\n1,A\n")
    with pytest.raises(IngestError, match="artist"):
        import_file(project, path, ImportOptions(chart="X", mapping={"rank": "Pos",
                                                                     "title": "Song"}))


def test_spellings_that_differ_only_in_spaces_or_case_are_one_track_and_one_chart(
        project, tmp_path: Path) -> None:
    # Title, artist and region are worked out once per distinct spelling in a chunk; the
    # spellings that clean up to the same text must still meet on one track, one chart
    long_title = "L" * 1001
    rows = ["Chantaje,1,2017-01-01,Shakira,,US,top200,SAME_POSITION,900",
            " Chantaje ,1,2017-01-02,Shakira  ,,us,top200,SAME_POSITION,800",
            "Chantaje,1,2017-01-03, Shakira,, Us ,top200,SAME_POSITION,700",
            f"{long_title},2,2017-01-03,Shakira,,us,top200,SAME_POSITION,600",
            "   ,3,2017-01-03,Shakira,,us,top200,SAME_POSITION,500",
            "Otra,4,2017-01-03,,,us,top200,SAME_POSITION,400"]
    path = tmp_path / "charts.csv"
    path.write_text("title,rank,date,artist,url,region,chart,trend,streams\n"
                    + "\n".join(rows) + "\n")
    report = import_file(project, path)
    assert report.rows_imported == 3
    assert report.rejected == {"title longer than 1000 characters": 1, "missing title": 1,
                               "missing artist": 1}
    assert report.charts == ["Spotify Top 200 (us, daily)"]
    assert count(project, "tracks") == 1 and count(project, "entries") == 1
    assert [position(project, "Spotify Top 200 (us, daily)", f"2017-01-0{d}", 1)["streams"]
            for d in (1, 2, 3)] == [900, 800, 700]
