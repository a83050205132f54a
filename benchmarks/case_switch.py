"""Switching case with J on the 1M-position project, for A/B runs of two versions of the code.

Run by hand: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/case_switch.py PROJECT``.
The first run builds PROJECT as ``scale.py`` does (a 1M-row import, scored, one new day,
scored again) and keeps it, so later runs time only the window. Each run opens the project
in a fresh window and times ``J`` on the first ``--n`` cases (first visits), then walks
back and times the same cases again (warm), as ``scale.py``'s ``case_times`` does. These
are J held down: each J right after the last case was painted. A third walk, over the next
``--n`` cases, stays ``--pause`` seconds on each case before J, as an analyst does (the
window reads the next case while idle). Each prints the median and 90th percentile of the
wall time and the median CPU time.

To compare two versions on a busy machine, alternate them run by run, choosing the code
with ``PYTHONPATH`` (e.g. a ``git archive`` of main unpacked in a temporary folder):
``PYTHONPATH=/tmp/main .venv/bin/python benchmarks/case_switch.py PROJECT`` then the same
without ``PYTHONPATH``, several times over.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build(db: Path, rows: int) -> None:
    """The project ``scale.py`` builds: import, score, one more day, score again."""
    from import_speed import write_file
    from scale import next_day

    from chartreview.ingest import import_file
    from chartreview.scoring.run import score_project
    from chartreview.store import open_project

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.csv"
        write_file(src, rows)
        with open_project(db, create=True) as p:
            import_file(p, src)
            score_project(p)
            import_file(p, next_day(p, src, Path(tmp) / "next_day.csv"))
            score_project(p)


def times(app: Any, w: Any, step: Any, n: int, pause: float = 0.0
          ) -> tuple[list[float], list[float]]:
    """Wall (sorted) and CPU seconds of ``n`` steps, each until the plot has been painted
    (``scale.paint_times``), with ``pause`` seconds idle before each."""
    from scale import paint_times

    cpu: list[float] = []
    return paint_times(app, w, [step] * n, cpu, pause), cpu


def figures(label: str, wall: list[float], cpu: list[float]) -> str:
    p90 = wall[int(0.9 * len(wall)) - 1]
    return (f"{label}: median {statistics.median(wall) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms, "
            f"CPU median {statistics.median(cpu) * 1000:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("project", type=Path)
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pause", type=float, default=0.3,
                    help="seconds on each case before J in the third walk (0: none)")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as home:
        os.environ["CHARTREVIEW_HOME"] = home
        if not args.project.exists():
            build(args.project, args.rows)
        import chartreview
        from chartreview import config
        from chartreview.qt.app import application
        from chartreview.qt.main_window import MainWindow

        app = application()
        w = MainWindow(config.Settings(analyst="bench"))
        w.show()
        w.open_path(args.project)
        app.processEvents()
        first = times(app, w, w.next_entry, args.n)
        for _ in range(args.n):
            w.previous_entry()
            app.processEvents()
        warm = times(app, w, w.next_entry, args.n)
        # as an analyst walks: a look at each case before the next J (the window reads
        # the next case meanwhile); cases not shown yet
        read = times(app, w, w.next_entry, args.n, pause=args.pause) if args.pause else None
        print(f"{Path(chartreview.__file__).parent} (load {os.getloadavg()[0]:.2f}): "
              f"{figures('J held, first visits', *first)}; {figures('again', *warm)}"
              + (f"; {figures(f'J after {args.pause:g} s on each case', *read)}"
                 if read else ""))
        w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
