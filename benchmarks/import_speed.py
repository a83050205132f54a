"""Import throughput on a generated Spotify-style file, against a bare-SQLite floor.

Run by hand: ``.venv/bin/python benchmarks/import_speed.py [--rows 1000000]``.
The file has the Kaggle layout ``title,rank,date,artist,url,region,chart,trend,streams``
(200 ranks per day and region); it goes through ``import_file``, the code the CLI runs,
including track matching, entries and indexes. The floor, measured in the same run, is
``csv.reader`` plus one ``executemany`` into one indexless table in one transaction.

Each timed step starts after ``os.sync()``, so neither pays for writing back the pages
the step before it left dirty (the generated file, the other database), and the two
alternate ``--repeat`` times; the figures are the medians.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from chartreview.ingest import import_file
from chartreview.store import open_project


def write_file(path: Path, rows: int) -> None:
    regions = ["global", "us", "de", "fr", "br", "jp", "mx", "gb"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["title", "rank", "date", "artist", "url", "region", "chart", "trend",
                    "streams"])
        n = 0
        day = date(2017, 1, 1)
        while n < rows:
            for region in regions:
                for rank in range(1, 201):
                    t = (rank * 7 + day.toordinal() // 9 + len(region)) % 5000
                    w.writerow([f"Song {t}", rank, day.isoformat(), f"Artist {t % 1300}",
                                f"https://open.spotify.com/track/{t:022d}", region, "top200",
                                "SAME_POSITION", 1_000_000 // rank])
                    n += 1
                    if n >= rows:
                        return
            day += timedelta(days=1)


def floor(path: Path, db: Path) -> float:
    os.sync()
    started = time.perf_counter()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (title, rank, date, artist, url, region, chart, trend, streams)")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", reader)
        conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "spotify_kaggle_layout.csv"
        write_file(src, args.rows)
        mb = src.stat().st_size / 1e6
        bases, ours_runs = [], []
        for run in range(args.repeat):
            db = Path(tmp) / f"floor{run}.sqlite"
            bases.append(floor(src, db))
            db.unlink()
            project = open_project(Path(tmp) / f"p{run}.sqlite", create=True)
            os.sync()
            started = time.perf_counter()
            report = import_file(project, src)
            ours_runs.append(time.perf_counter() - started)
            project.close()
            for f in Path(tmp).glob(f"p{run}.sqlite*"):
                f.unlink()
        base, ours = statistics.median(bases), statistics.median(ours_runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {args.rows:,} rows, {mb:.0f} MB; median of {args.repeat} runs each "
          f"(floor {', '.join(f'{b:.1f}' for b in bases)} s; ours "
          f"{', '.join(f'{o:.1f}' for o in ours_runs)} s)")
    print(f"floor  csv.reader + executemany: {base:6.1f} s  {args.rows / base:>10,.0f} rows/s")
    print(f"chartreview import_file:         {ours:6.1f} s  {args.rows / ours:>10,.0f} rows/s"
          f"  ({report.rows_imported:,} imported)")
    print(f"ratio ours/floor: {ours / base:.2f}x (goal <= 2x); peak memory {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
