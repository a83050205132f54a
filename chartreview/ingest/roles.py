"""Which column of a file becomes the rank, the title, the artist, the date, the volume.

The import dialog shows this before anything is imported, so a file whose columns were
read the wrong way round is caught in the preview rather than in the review queue.
"""

from __future__ import annotations

from chartreview.ingest.formats.billboard import JSON_FIELDS, LAYOUTS, BillboardCSV, BillboardJSON
from chartreview.ingest.formats.common import ImportOptions, date_from_name
from chartreview.ingest.formats.mapped import Mapped
from chartreview.ingest.formats.spotify import DatedRows, SpotifyCharts, SpotifyLegacy
from chartreview.ingest.registry import ChartFormat
from chartreview.ingest.source import Source

SHOWN = ("rank", "title", "artist", "date", "volume")  # what an analyst checks first
VOLUMES = ("streams", "sales")


def _by_field(layout: dict[str, str], src: Source) -> dict[str, str]:
    """A format's source-column -> field layout, turned round, with the file's own
    spelling of each column."""
    spelled = {h.strip().lower(): h.strip() for h in src.header}
    return {field: spelled.get(column, column) for column, field in layout.items()
            if column in spelled or src.kind == "json"}


def column_roles(fmt: ChartFormat, src: Source, opts: ImportOptions) -> dict[str, str]:
    """Field -> where it comes from: a column of the file (as the file spells it) or a
    few words ("the file name (2017-02-23)"). Fields the file does not give are absent;
    ``volume`` names the streams or sales column when there is one."""
    layout: dict[str, str]
    if fmt is BillboardCSV:
        cols = set(src.columns)
        layout = next((v for v in LAYOUTS.values() if set(v) <= cols), {})
    elif fmt is BillboardJSON:
        layout = dict(JSON_FIELDS)
    elif fmt is SpotifyCharts or fmt is SpotifyLegacy:
        layout = dict(fmt.COLUMNS)  # type: ignore[attr-defined]
    elif fmt is DatedRows:
        layout = DatedRows._layout(src) or {}
    elif fmt is Mapped:
        layout = {column.strip().lower(): field for field, column in opts.mapping.items()}
    else:
        layout = {}
    roles = _by_field(layout, src)
    if "date" not in roles:
        if opts.date:
            roles["date"] = f"the date given ({opts.date})"
        elif fmt is BillboardJSON:
            roles["date"] = "each chart's \"date\""
        elif (named := date_from_name(src.path.name)) is not None:
            roles["date"] = f"the file name ({named})"
    for volume in VOLUMES:
        if volume in roles:
            column = roles[volume]
            roles["volume"] = column if column.lower() == volume else f"{column} ({volume})"
            break
    return roles
