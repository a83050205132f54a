"""Any other table (CSV, TSV, XLSX) read through an explicit column mapping.

``--map rank=Pos --map title=Song --map artist=Performer --map date=Week``: every
canonical field names the source column that holds it. ``rank``, ``title`` and
``artist`` are required; ``date`` may come from ``--date`` instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from chartreview.domain import IngestError
from chartreview.ingest.formats.common import (
    ChartDefaults,
    ImportOptions,
    csv_chunks,
    frequency_from_name,
    spotify_id,
)
from chartreview.ingest.normalize import MAPPABLE, REQUIRED
from chartreview.ingest.source import ByteCounter, Source

if TYPE_CHECKING:
    import pandas as pd


def check_mapping(mapping: dict[str, str], columns: list[str], file_name: str) -> None:
    unknown = [f for f in mapping if f not in MAPPABLE]
    if unknown:
        raise IngestError(
            f"Unknown field(s) in --map: {', '.join(unknown)}; fields are {', '.join(MAPPABLE)}."
        )
    missing_fields = [f for f in REQUIRED if f not in mapping]
    if missing_fields:
        raise IngestError(
            f"--map must name a column for {', '.join(missing_fields)} "
            f"(columns in {file_name}: {', '.join(columns)})."
        )
    lower = {c.strip().lower() for c in columns}
    absent = [c for c in mapping.values() if c.strip().lower() not in lower]
    if absent:
        raise IngestError(
            f"{file_name} has no column {', '.join(repr(a) for a in absent)}; "
            f"its columns are {', '.join(columns)}."
        )


def _apply(chunk: pd.DataFrame, mapping: dict[str, str], opts: ImportOptions) -> pd.DataFrame:
    import pandas as pd

    lower = {str(c).strip().lower(): c for c in chunk.columns}
    out = pd.DataFrame(index=chunk.index)
    for field, column in mapping.items():
        out[field] = chunk[lower[column.strip().lower()]]
    if "spotify_id" in out:
        ids = spotify_id(out["spotify_id"])
        out["spotify_id"] = ids.fillna(out["spotify_id"].astype("string"))
    if "date" not in out and opts.date:
        out["date"] = opts.date
    if "line" in chunk:
        out["line"] = chunk["line"]
    return out


class Mapped:
    NAME = "mapped"
    LABEL = "Table with a column mapping (CSV, TSV, XLSX)"

    @staticmethod
    def sniff(src: Source) -> bool:
        return False  # only chosen explicitly, by --map or --format mapped

    @staticmethod
    def defaults(src: Source, opts: ImportOptions) -> ChartDefaults:
        if not opts.chart and "chart" not in opts.mapping:
            raise IngestError(f"Name the chart of {src.path.name} with --chart NAME.")
        return ChartDefaults(
            opts.chart, opts.region or "global",
            opts.frequency or frequency_from_name(src.path.name), "other",
        )

    @staticmethod
    def read(src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
        if src.kind == "xlsx":
            yield from _xlsx_chunks(src, opts, counter)
            return
        check_mapping(opts.mapping, src.header, src.path.name)
        for chunk in csv_chunks(src, opts, counter):
            yield _apply(chunk, opts.mapping, opts)


def _xlsx_chunks(src: Source, opts: ImportOptions, counter: ByteCounter) -> Iterator[pd.DataFrame]:
    """The first sheet in chunks of ``opts.chunk_rows`` rows, streamed (see ``ingest.xlsx``);
    progress is the share of the sheet parsed, scaled to the file's size."""
    import pandas as pd

    from chartreview.ingest.xlsx import open_workbook

    with open_workbook(src.path) as book:
        total = max(1, book.sheet_bytes)

        def parsed(n: int) -> None:
            counter.read = int(src.size * min(1.0, n / total))

        rows = book.rows(on_bytes=parsed)
        first = next(rows, None)
        header = [] if first is None else ["" if v is None else str(v) for v in first[1]]
        check_mapping(opts.mapping, header, src.path.name)
        width = len(header)
        batch: list[list[object]] = []
        lines: list[int] = []

        def frame() -> pd.DataFrame:
            df = pd.DataFrame([r[:width] + [None] * (width - len(r)) for r in batch],
                              columns=header, dtype=object)
            df["line"] = lines
            return _apply(df, opts.mapping, opts)

        for line, values in rows:
            batch.append(values)
            lines.append(line)
            if len(batch) >= opts.chunk_rows:
                yield frame()
                batch, lines = [], []
        if batch:
            yield frame()
        counter.read = src.size
