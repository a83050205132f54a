"""Hand-made weekly chart files for the review-loop tests (Billboard CSV layout)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from chartreview.ingest import ImportOptions, import_file
from chartreview.store import Project

HEADER = "chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart\n"
START = date(2025, 1, 4)


def week(n: int) -> str:
    return (START + timedelta(days=7 * n)).isoformat()


def write_weeks(path: Path, weeks: range, songs: list[tuple[str, str]],
                rank_of=None) -> Path:  # type: ignore[no-untyped-def]
    """One row per song and week; ``rank_of(song index, week) -> rank or None``."""
    lines = [HEADER]
    for w in weeks:
        for i, (title, artist) in enumerate(songs):
            rank = (i + 1) if rank_of is None else rank_of(i, w)
            if rank is not None:
                lines.append(f"{week(w)},{rank},{title},{artist},,,\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def load(project: Project, path: Path, chart: str) -> None:
    import_file(project, path, ImportOptions(chart=chart, region="us"))


SONGS = [(f"Song {n:02d}", f"Act {n // 2:02d}") for n in range(24)]


def two_charts(project: Project, tmp: Path, weeks: range = range(4)) -> None:
    """24 songs by 12 acts on a Hot 100 and a sales chart (the first 12 on both)."""
    load(project, write_weeks(tmp / "hot.csv", weeks, SONGS), "Hot 100")
    load(project, write_weeks(tmp / "sales.csv", weeks, SONGS[:12],
                              lambda i, w: 12 - i), "Digital Song Sales")


def fake_scores(project: Project, scores: dict[int, float] | None = None) -> None:
    """Scores by entry id (default: a spread), each with one fired signal."""
    ids = [r[0] for r in project.conn.execute("SELECT id FROM entries ORDER BY id")]
    with project.db.atomic():
        project.conn.execute("DELETE FROM signals")
        project.conn.execute("DELETE FROM scores")
        for n, entry_id in enumerate(ids):
            score = (scores or {}).get(entry_id, float((n * 37) % 97))
            signal = "spike" if n % 3 else "cross_chart"
            project.conn.execute(
                "INSERT INTO scores (entry_id, score, manipulation, ai, top_signal, reason) "
                "VALUES (?, ?, ?, 0, ?, ?)", (entry_id, score, score, signal, f"reason {n}"))
            project.conn.execute(
                "INSERT INTO signals (entry_id, signal, value, contribution, reason, "
                "reference) VALUES (?, ?, ?, ?, ?, ?)",
                (entry_id, signal, score / 100, score, f"{signal} fired", "the chart"))
