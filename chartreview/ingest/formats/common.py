"""Helpers the format readers share: options, chunked CSV reading, hints from file names."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chartreview.domain import IngestError
from chartreview.ingest.source import ByteCounter, Source

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 100_000


@dataclass
class ImportOptions:
    """What the user told us about a file (CLI flags or the import dialog)."""

    format: str | None = None
    chart: str | None = None
    region: str | None = None
    date: str | None = None
    metric: str | None = None
    frequency: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    chunk_rows: int = CHUNK_ROWS
    # Refuse the whole file when any row is rejected (chartreview import --strict). Not
    # part of key(): a strict import that succeeds stores exactly what a lenient one does
    strict: bool = False
    # Add to a chart of the same name even when it looks unrelated (no track of the file
    # on it within two chart periods); without it such an import is refused. It decides
    # nothing about what is stored, so it is not part of ``key()``.
    merge: bool = False

    def key(self) -> dict[str, object]:
        """The options that change what an import stores (for the re-import check)."""
        return {
            "format": self.format, "chart": self.chart, "region": self.region,
            "date": self.date, "metric": self.metric, "frequency": self.frequency,
            "mapping": dict(sorted(self.mapping.items())), "encoding": self.encoding,
        }


@dataclass(frozen=True)
class ChartDefaults:
    """The chart a file is about, as far as the file (or its name) tells."""

    name: str | None
    region: str | None
    frequency: str | None
    platform: str


_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:--(\d{4}-\d{2}-\d{2}))?")


def date_from_name(name: str) -> str | None:
    """``regional-global-weekly-2017-02-23.csv`` -> ``2017-02-23``; a range gives its end."""
    matches = list(_DATE.finditer(name))
    if len(matches) != 1:
        return None
    m = matches[0]
    return m.group(2) or m.group(1)


def frequency_from_name(name: str) -> str | None:
    n = name.lower()
    if "daily" in n:
        return "daily"
    if "weekly" in n:
        return "weekly"
    return None


def region_from_name(name: str) -> str | None:
    m = re.search(r"(?:regional|viral)-([a-z]{2}|global)-(?:daily|weekly)", name.lower())
    if m:
        return m.group(1)
    m = re.search(r"__(?:daily|weekly)__([a-z]+)__", name.lower())
    return m.group(1) if m else None


def csv_chunks(
    src: Source, opts: ImportOptions, counter: ByteCounter, *, usecols: list[str] | None = None
) -> Iterator[pd.DataFrame]:
    """Read a delimited file in chunks of strings, with a ``line`` column (1-based).

    Rows with more fields than the header are not fatal: they are counted and yielded
    as a frame attribute ``attrs['bad_lines']`` for the report.
    """
    import pandas as pd

    first_data_line = src.skip_lines + 2
    stream = src.open_text(counter)
    try:
        reader = pd.read_csv(
            stream, sep=src.delimiter, dtype=str, keep_default_na=False, na_values=[""],
            chunksize=opts.chunk_rows, engine="c", on_bad_lines="warn", skipinitialspace=True,
            encoding_errors="strict", usecols=usecols,
        )
        offset = 0
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    chunk = next(reader)
                except StopIteration:
                    break
            bad = []
            for w in caught:
                bad.extend(int(x) for x in re.findall(r"[Ll]ine (\d+)", str(w.message)))
            chunk.columns = [str(c).strip().lstrip("\ufeff") for c in chunk.columns]
            chunk["line"] = range(first_data_line + offset, first_data_line + offset + len(chunk))
            chunk.attrs["bad_lines"] = bad
            offset += len(chunk)
            yield chunk
    except UnicodeDecodeError as e:
        raise IngestError(
            f"{src.path.name} is not valid {src.encoding} further down the file ({e.reason} "
            f"near byte {counter.read:,}); pass --encoding with the file's real encoding."
        ) from e
    except pd.errors.ParserError as e:
        msg = str(e).strip()
        if "EOF inside string" in msg or "EOF" in msg:
            raise IngestError(
                f"{src.path.name} ends inside a quoted field: the file looks truncated "
                f"({msg})."
            ) from e
        raise IngestError(f"{src.path.name} cannot be parsed as a table: {msg}") from e
    finally:
        stream.close()


def rename(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Map source columns to canonical names, matching case-insensitively."""
    lower = {c.lower().strip(): c for c in frame.columns}
    mapping = {lower[src]: dst for src, dst in columns.items() if src in lower}
    return frame.rename(columns=mapping)


def spotify_id(values: pd.Series) -> pd.Series:
    """``spotify:track:ID`` or ``https://open.spotify.com/track/ID`` -> ``ID``."""
    from chartreview.ingest.normalize import per_unique

    return per_unique(values, lambda s: s.str.extract(r"track[:/]([0-9A-Za-z]{22})",
                                                      expand=False))


def require_columns(src: Source, expected: list[str], found: list[str]) -> None:
    raise IngestError(
        f"{src.path.name} has no usable rows: columns found {', '.join(found) or 'none'}; "
        f"expected {', '.join(expected)}."
    )
