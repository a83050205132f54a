"""Is an import about the chart of the same name in the project, or a different one?

A file names its chart ("Hot 100"), and the project may already hold a chart by that
name that is something else: the demo's synthetic Hot 100, another source's series under
the same name. Adding the file to it would mix two series without a word. So before an
import commits, each chart it added to that held entries before is checked: the file
belongs to it when one of the file's tracks was on that chart already (an overlapping
download, the next weeks, a re-export all share songs). When none was, and each side
has enough tracks for that to mean something, the import is refused with
:class:`ChartClash`, naming a free chart name to import it as instead;
``ImportOptions.merge`` says to add it anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from chartreview.domain import IngestError
from chartreview.ingest.formats.common import ImportOptions
from chartreview.ingest.normalize import ImportReport
from chartreview.store.writer import ImportWriter

MIN_TRACKS = 10  # fewer tracks on the chart or in the file: too few to call it unrelated


@dataclass(frozen=True)
class Clash:
    """A chart of the project the import added to without a track in common."""

    chart: str  # "Hot 100 (us, weekly)"
    first_date: str  # what it held before the import
    last_date: str
    entries: int
    tracks: int  # how many tracks the file has on it


class ChartClash(IngestError):
    """The file looks unrelated to the project's chart of the same name; nothing imported.

    ``suggestion`` is a free chart name to import the file as (None when the file holds
    several charts, which one name would merge).
    """

    def __init__(self, file_name: str, clashes: list[Clash], suggestion: str | None,
                 report: ImportReport) -> None:
        charts = "; ".join(f"{c.chart} ({c.first_date} to {c.last_date}, "
                           f"{c.entries:,} entries)" for c in clashes)
        which = "that chart" if len(clashes) == 1 else "those charts"
        instead = (f"Import it as a chart of its own with --chart '{suggestion}', or add it "
                   f"to {which} with --merge." if suggestion else
                   f"Name its chart with --chart, or add it to {which} with --merge.")
        super().__init__(
            f"{file_name} looks unrelated to the project's "
            f"{'chart' if len(clashes) == 1 else 'charts'} of the same name, {charts}: "
            f"none of its {clashes[0].tracks:,} tracks there has ever been on {which}. "
            f"Nothing was imported. {instead}", report)
        self.file_name = file_name
        self.clashes = clashes
        self.suggestion = suggestion


def check(writer: ImportWriter, report: ImportReport, opts: ImportOptions,
          touched: set[int]) -> None:
    """Raise :class:`ChartClash` when the import adds to a chart it looks unrelated to.

    ``touched`` are the entries the import wrote positions to. Called inside the import's
    transaction, after its positions are written: raising rolls the whole file back.
    """
    if opts.merge or not writer.existing_charts or not touched:
        return
    clashes = []
    for (name, region, frequency), cid in writer.charts.items():
        if cid not in writer.existing_charts:
            continue
        entries = writer.chart_entries(cid)
        before = entries - writer.created_entries
        added = touched & entries
        # Shared tracks: the same song's run goes on. A few tracks on either side are no
        # evidence either way.
        if touched & before or len(before) < MIN_TRACKS or len(added) < MIN_TRACKS:
            continue
        span = writer.chart_before(cid)
        if span is not None:
            clashes.append(Clash(f"{name} ({region}, {frequency})", *span, len(added)))
    if clashes:
        raise ChartClash(report.file, clashes, suggest_name(writer, report), report)


def suggest_name(writer: ImportWriter, report: ImportReport) -> str | None:
    """The chart's name with the file's years ("Hot 100 2017-2018"), free in every
    region the file holds; None when the file holds more than one chart."""
    names = {name for name, _, _ in writer.charts}
    if len(names) != 1:
        return None
    name = names.pop()
    years = sorted({report.first_date[:4], report.last_date[:4]})
    base = f"{name} {'-'.join(years)}"
    places = [(region, frequency) for _, region, frequency in writer.charts]
    candidate, n = base, 1
    while any(writer.chart_exists(candidate, r, f) for r, f in places):
        n += 1
        candidate = f"{base} ({n})"
    return candidate
