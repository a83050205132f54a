"""Export speed on a generated project: every format, and the PDF of 200+ flagged entries.

Run by hand: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/exports.py``.
Builds the demo world (seed 7) over ``--weeks`` weeks, scores it, records a verdict on the
``--reviewed`` highest-scoring entries, then times each export through the same functions
the CLI calls. The defaults are the issue's goal: 240 weeks hold 10,215 entries, so 10,000
of them are reviewed (building that world takes about five minutes; ``--weeks 64
--reviewed 3000`` is the quick run).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from chartreview.demo import build_demo
from chartreview.report.collect import ExportOptions
from chartreview.report.export import export
from chartreview.scoring.run import score_project
from chartreview.store import open_project, queries
from chartreview.store.reviews import append_event


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--weeks", type=int, default=240)
    ap.add_argument("--reviewed", type=int, default=10_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = open_project(Path(tmp) / "p.sqlite", create=True)
        build_demo(project, weeks=args.weeks)
        score_project(project)
        ids = queries.entry_ids(project, sort="score")[: args.reviewed]
        if len(ids) < args.reviewed:
            print(f"only {len(ids):,} entries in {args.weeks} weeks: give more --weeks")
        started = time.perf_counter()
        for i, eid in enumerate(ids):
            append_event(project, eid, "verdict", analyst="bench",
                         verdict=("suspicious", "ai", "human")[i % 3], note=f"note {i}")
        print(f"{len(ids):,} verdicts recorded in {time.perf_counter() - started:.1f} s "
              f"({1000 * (time.perf_counter() - started) / max(1, len(ids)):.1f} ms each)")
        for fmt in ("csv", "xlsx", "json", "html"):
            out = Path(tmp) / f"out.{fmt}"
            started = time.perf_counter()
            export(project, ExportOptions(fmt, out))
            print(f"{fmt:<5} {len(ids):,} reviewed entries: {time.perf_counter() - started:5.1f} s")
        from chartreview.qt.report_pdf import export_pdf

        cut = queries.list_entries(project, sort="score", limit=200)[-1]["score"]
        flagged = len(queries.list_entries(project, queries.EntryFilter(min_score=cut)))
        started = time.perf_counter()
        result = export_pdf(project, ExportOptions("pdf", Path(tmp) / "out.pdf", verdict="all",
                                                   min_score=cut, flag_score=cut))
        print(f"pdf   {flagged} flagged sections: {time.perf_counter() - started:5.1f} s, "
              f"{result.pages} pages (goal: 200 sections under 60 s)")
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
