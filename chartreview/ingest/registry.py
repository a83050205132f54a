"""The known formats, detected from the file's content (never its name alone)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from chartreview.domain import IngestError
from chartreview.ingest.formats.billboard import BillboardCSV, BillboardJSON
from chartreview.ingest.formats.common import ChartDefaults, ImportOptions
from chartreview.ingest.formats.mapped import Mapped
from chartreview.ingest.formats.spotify import DatedRows, SpotifyCharts, SpotifyLegacy
from chartreview.ingest.source import ByteCounter, Source

if TYPE_CHECKING:
    import pandas as pd


class ChartFormat(Protocol):
    NAME: str
    LABEL: str

    @staticmethod
    def sniff(src: Source) -> bool: ...

    @staticmethod
    def defaults(src: Source, opts: ImportOptions) -> ChartDefaults: ...

    @staticmethod
    def read(src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]: ...


FORMATS: tuple[ChartFormat, ...] = (
    BillboardCSV, BillboardJSON, SpotifyCharts, SpotifyLegacy, DatedRows, Mapped,
)
BY_NAME = {f.NAME: f for f in FORMATS}
KNOWN_LAYOUTS = (
    "Billboard CSV (chart_date,this_week,song,artist,... or chart_week,current_week,title,"
    "performer,...), Billboard JSON, charts.spotify.com CSV (rank,uri,artist_names,"
    "track_name,...), spotifycharts.com CSV (Position,Track Name,Artist,Streams,URL), "
    "dated Spotify exports (track_position,track_name,artist_name,...,date or title,rank,"
    "date,artist,url,region,chart,...)"
)


def detect_format(src: Source, opts: ImportOptions) -> ChartFormat:
    """The format named by the user, else Mapped when a mapping is given, else sniffed."""
    if opts.format:
        try:
            return BY_NAME[opts.format]
        except KeyError:
            raise IngestError(
                f"Unknown format {opts.format!r}; known: {', '.join(BY_NAME)}."
            ) from None
    if opts.mapping or src.kind == "xlsx":
        return Mapped
    for fmt in FORMATS:
        if fmt.sniff(src):
            return fmt
    found = ", ".join(src.header) if src.header else "none (not a table)"
    raise IngestError(
        f"{src.path.name}: unknown layout. Columns found: {found}. Known layouts: "
        f"{KNOWN_LAYOUTS}. For another layout give a column mapping, e.g. "
        "--map rank=Pos --map title=Song --map artist=Artist --map date=Week --chart NAME."
    )
