"""A million positions: import, score, re-score one new day, and the window on top.

Run by hand: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/scale.py [--rows N]``.
Prints each figure beside its goal (issue: speed at real scale).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_speed import write_file

from chartreview.ingest import import_file
from chartreview.scoring.run import score_project
from chartreview.store import open_project, queries

COLD_START = """
import time, sys
t0 = time.perf_counter()
from chartreview.qt.app import application
from chartreview.qt.main_window import MainWindow
from chartreview import config
app = application()
w = MainWindow(config.Settings(analyst="bench"))
w.show()
w.open_path(sys.argv[1])
app.processEvents()
print(f"{time.perf_counter() - t0:.2f} {w.model.rowCount()}")
w.close()
"""


SELECTIONS = 60
READING_PAUSE = 0.3  # seconds an analyst looks at a case before J, in the second walk


def next_day(p: Any, src: Path, out: Path) -> Path:
    """One more day of the same charts: the rows of the project's last date in ``src``,
    moved on a day (a day and a half, rounded down by strftime), written to ``out``."""
    last = p.conn.execute("SELECT MAX(date) FROM positions").fetchone()[0]
    lines = src.read_text().splitlines()
    header, rows = lines[0], [x for x in lines[1:] if f",{last}," in x]
    nxt = time.strftime("%Y-%m-%d", time.gmtime(
        time.mktime(time.strptime(last, "%Y-%m-%d")) + 86400 * 1.5))
    out.write_text("\n".join([header, *(x.replace(last, nxt) for x in rows)]) + "\n")
    return out


def paint_times(app: Any, w: Any, steps: list[Any],
                cpu: list[float] | None = None, pause: float = 0.0) -> list[float]:
    """Seconds from each step (a callable that changes what the plot shows) until the
    plot has been painted with it, sorted; with ``cpu``, each step's CPU seconds are
    appended to it (in step order). With ``pause``, the window runs idle that many
    seconds before each step, untimed, as while an analyst reads what is shown.

    Qt paints on a later turn of the event loop, and not necessarily on the first
    ``processEvents`` on every platform, so the loop runs until the plot's viewport
    has had its paint event, then once more for anything that paint queued (a second
    paint is part of what the user waits for).
    """
    from PySide6.QtCore import QEvent, QEventLoop, QObject

    class PaintWatch(QObject):
        painted = False

        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watch = PaintWatch()
    w.detail.plot.viewport().installEventFilter(watch)
    times = []
    for step in steps:
        idle = time.perf_counter() + pause
        while time.perf_counter() < idle:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        watch.painted = False
        t, c = time.perf_counter(), time.process_time()
        step()
        while not watch.painted and time.perf_counter() - t < 1:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        app.processEvents()
        times.append(time.perf_counter() - t)
        if cpu is not None:
            cpu.append(time.process_time() - c)
    w.detail.plot.viewport().removeEventFilter(watch)
    return sorted(times)


def select_times(app: Any, w: Any, ids: list[int]) -> list[float]:
    """Making each entry the table's current row, as J/K or a click does (one row per
    run); an entry already shown is skipped (selecting it again paints nothing)."""
    return paint_times(app, w, [lambda e=e: w.select(e) for e in ids
                                if e != w.current_id()])


def case_times(app: Any, w: Any, n: int, pause: float = 0.0) -> list[float]:
    """J: the next case of the queue, every run of it plotted, signals, history (with
    ``pause``, after that many seconds on each case, as an analyst reads it)."""
    return paint_times(app, w, [w.next_entry] * n, pause=pause)


def more_like_this(p: Any) -> None:
    """M on a case: the nearest cases by signals and rank path (first: builds the vectors
    of every case from the packed positions; then as the window asks again)."""
    from chartreview.review import similar
    from chartreview.store import cases as store_cases

    rows = store_cases.cases(p)
    t = time.perf_counter()
    found = similar.more_like_this(p, rows[0])
    line(f"more like this, first ({len(rows):,} cases, {len(found)} found)",
         time.perf_counter() - t, "< 1 s")
    times = []
    for case in rows[1:40:4]:
        t = time.perf_counter()
        similar.neighbours(p, case)
        times.append(time.perf_counter() - t)
    line("  (then: all three neighbourhoods, median of 10)", statistics.median(times), "< 1 s")


def line(what: str, took: float, goal: str) -> None:
    print(f"{what:<58} {took * 1000:>9.0f} ms   goal {goal}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CHARTREVIEW_HOME"] = tmp
        src = Path(tmp) / "big.csv"
        write_file(src, args.rows)
        db = Path(tmp) / "big.sqlite"
        with open_project(db, create=True) as p:
            t = time.perf_counter()
            import_file(p, src)
            line(f"import {args.rows:,} rows", time.perf_counter() - t, "within 2x the floor")
            t = time.perf_counter()
            r = score_project(p)
            took = time.perf_counter() - t
            line(f"score {r.positions:,} positions ({r.positions / took:,.0f}/s)", took,
                 "< 2 s per million")
            import_file(p, next_day(p, src, Path(tmp) / "next_day.csv"))
            t = time.perf_counter()
            r2 = score_project(p)
            line(f"re-score after one new day ({r2.changed:,} of {r2.entries:,} rewritten)",
                 time.perf_counter() - t, "touch only what changed")
            entries = queries.summary(p)["entries"]
            more_like_this(p)
        from chartreview import config
        from chartreview.qt.app import application
        from chartreview.qt.main_window import MainWindow

        app = application()
        t = time.perf_counter()
        w = MainWindow(config.Settings(analyst="bench"))
        w.show()
        w.open_path(db)
        app.processEvents()
        line(f"open the project, table shown ({entries:,} entries, one row per case)",
             time.perf_counter() - t, "< 500 ms")
        times = case_times(app, w, SELECTIONS)
        line(f"switch case with J: every run plotted, signals, history, painted "
             f"(median of {len(times)})", statistics.median(times), "< 50 ms")
        line("  (same, 90th percentile)", times[int(0.9 * len(times)) - 1], "-")
        times = case_times(app, w, SELECTIONS, pause=READING_PAUSE)
        line(f"  (same, after {READING_PAUSE:g} s on each case: the next one is read "
             "meanwhile)", statistics.median(times), "< 50 ms")
        line("  (same, 90th percentile)", times[int(0.9 * len(times)) - 1], "-")
        w.loop.toggle_runs()  # one row per run, as before cases: the table sorts
        app.processEvents()
        for key in ("score", "title", "artist", "weeks", "debut"):
            t = time.perf_counter()
            w.model.set_sort(key, True)
            w.model.data(w.model.index(0, 0))
            app.processEvents()
            line(f"sort by {key} and paint", time.perf_counter() - t, "< 300 ms")
        times = select_times(app, w, w.model.ids[:SELECTIONS])
        line(f"select a run (R): plot and signals painted (median of {len(times)})",
             statistics.median(times), "< 50 ms")
        line("  (same, 90th percentile)", times[int(0.9 * len(times)) - 1], "-")
        t = time.perf_counter()
        w.filter_bar.search.setText("Song 42")
        w.filter_bar.emit_filter()
        app.processEvents()
        line("search 'Song 42' (query + repaint, after the debounce)",
             time.perf_counter() - t, "never blocks typing (debounced)")
        w.close()
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", COLD_START, str(db)], capture_output=True,
                             text=True, check=True, env={**os.environ}).stdout.split()
        line("cold start: new process, imports, window with the table", float(out[0]),
             "< 2 s")
        line("  (same, counting interpreter start)", time.perf_counter() - t, "< 2 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
