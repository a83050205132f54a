"""Canonical rows, text normalisation for matching, validation and the import report.

Every format reader yields pandas frames with (a subset of) :data:`CANONICAL` columns;
:func:`validate` turns them into clean rows and counts every rejected row by reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from chartreview.domain import plural

# Text normalisation for matching one track across charts lives in chartreview.names,
# below every layer: the migration that re-keys an older project uses the same rules
from chartreview.names import fold, track_key  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

TEXT_FIELDS = ("title", "artist")
INT_FIELDS = ("rank", "last_rank", "peak", "weeks", "streams", "sales")
CANONICAL = (
    "chart", "region", "frequency", "date", "rank", "title", "artist", "last_rank", "peak",
    "weeks", "streams", "sales", "spotify_id", "isrc", "extra", "line",
)
# What a user can map with --map FIELD=COLUMN
# What a source may say about a track beyond its title and artist, kept per track
FACT_FIELDS = ("label", "distributor")
MAPPABLE = (
    "date", "rank", "title", "artist", "last_rank", "peak", "weeks", "streams", "sales",
    "spotify_id", "isrc", "region", "chart", *FACT_FIELDS,
)
REQUIRED = ("rank", "title", "artist")
MAX_TEXT = 1000
MAX_RANK = 100_000
MAX_EXAMPLES = 25


@dataclass
class ImportReport:
    """What an import did, row by row, for the user to read."""

    file: str
    format: str = ""
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_imported: int = 0
    rows_existing: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[int, str]] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    first_date: str = ""
    last_date: str = ""
    already_imported: bool = False
    import_id: int | None = None
    seconds: float = 0.0

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())

    def reject(self, reason: str, lines: list[int] | None = None, count: int | None = None) -> None:
        n = count if count is not None else len(lines or [])
        if n <= 0:
            return
        self.rejected[reason] += n
        for line in (lines or [])[: max(0, MAX_EXAMPLES - len(self.examples))]:
            self.examples.append((int(line), reason))

    def note_dates(self, first: str, last: str) -> None:
        if first and (not self.first_date or first < self.first_date):
            self.first_date = first
        if last and last > self.last_date:
            self.last_date = last

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rejected"] = dict(self.rejected)
        d["rows_rejected"] = self.rows_rejected
        return d

    def summary(self) -> str:
        """A few lines a person reads after an import."""
        if self.already_imported:
            return f"{self.file}: already imported (same content and options); nothing changed."
        lines = [
            f"{self.file}: {self.format}, {self.rows_read:,} rows read, "
            f"{self.rows_imported:,} imported, {self.rows_existing:,} already in the project, "
            f"{self.rows_rejected:,} rejected."
        ]
        if self.charts:
            span = f" from {self.first_date} to {self.last_date}" if self.first_date else ""
            lines.append(f"  charts: {', '.join(self.charts)}{span}")
        lines.extend(f"  note: {n}" for n in self.notes)
        for reason, n in self.rejected.most_common():
            lines.append(f"  rejected {n:,}: {reason}")
        for line, reason in self.examples[:5]:
            lines.append(f"    line {line}: {reason}")
        return "\n".join(lines)


# --- validation ----------------------------------------------------------------------------


def unique_codes(
    values: pd.Series, fn: Callable[[pd.Series], pd.Series]
) -> tuple[np.ndarray, pd.Series]:
    """``fn`` applied once per distinct value: each row's code (-1 = missing) and the results.

    Chart files repeat the same titles, artists and URLs on every chart date, so a
    200-row daily chart over a year holds a few thousand distinct strings in 73,000 rows;
    checks made on the results (empty? too long?) are made once per distinct value too.
    """
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, fn(pd.Series(uniques, dtype="string")).reset_index(drop=True)


def per_row(codes: np.ndarray, done: np.ndarray, missing: Any) -> np.ndarray:
    """Spread one value per distinct value back to the rows; ``missing`` where code is -1."""
    import numpy as np

    if len(done) == 0:
        return np.full(len(codes), missing, dtype=done.dtype)
    out = done[np.maximum(codes, 0)]
    out[codes < 0] = missing
    return out


def per_unique(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a slow per-element string function once per distinct value."""
    import pandas as pd

    codes, done = unique_codes(values, fn)
    return pd.Series(per_row(codes, done.to_numpy(dtype=object), pd.NA), index=values.index,
                     dtype="string")


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse dates as ISO first, then any common layout; return ``YYYY-MM-DD`` or NA."""
    import pandas as pd

    text = values.astype("string")
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")  # the fast, common case
    retry = parsed.isna() & text.notna() & (text != "")
    if retry.any():
        # A weekly range "2019-12-27--2020-01-03" is dated by its last day
        text = text.copy()
        text.loc[retry] = text.loc[retry].str.strip().str.replace(
            r"^\d{4}-\d{2}-\d{2}--(\d{4}-\d{2}-\d{2})$", r"\1", regex=True)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed.loc[retry] = pd.to_datetime(text[retry], errors="coerce", format="mixed")
    ok = parsed.notna() & (parsed.dt.year >= 1900) & (parsed.dt.year <= 2100)
    out = parsed.dt.strftime("%Y-%m-%d").where(ok)
    return out.astype("object")


def _plain_ints(values: pd.Series) -> pd.Series | None:
    """The common case fast: every value a string of ASCII digits that fits int64.

    numpy's conversion calls ``int()`` per value, a third of ``to_numeric``'s time; it
    also reads ``1_000`` and non-ASCII digits, which ``to_numeric`` refuses, so those
    (and missing values, decimals, overflow) go the general way.
    """
    import numpy as np
    import pandas as pd

    text = values.to_numpy(dtype=object)
    try:
        joined = "".join(text)  # TypeError on a missing (NaN) or non-text value
        if not joined.isascii() or "_" in joined:
            return None
        return pd.Series(text.astype(np.int64), index=values.index)
    except (TypeError, ValueError, OverflowError):
        return None


def to_int(values: pd.Series) -> pd.Series:
    """Numbers as they come in chart files (``"1,234"``, ``"53050188"``, ``12.0``) -> Int64."""
    import pandas as pd

    if values.dtype.kind in "iuf":
        num = values
    elif (plain := _plain_ints(values)) is not None:
        num = plain
    else:
        # On a plain object array: to_numeric and isna take three times as long on
        # pandas' string arrays (measured, pandas 3.1)
        text = values.to_numpy(dtype=object)
        num = pd.Series(pd.to_numeric(text, errors="coerce"), index=values.index)
        messy = num.isna().to_numpy() & ~pd.isna(text)
        if messy.any():  # "1,234,567", " 12 ", non-breaking spaces
            text = values.loc[messy].astype("string").str.replace(r"[,\s\u00a0]", "",
                                                                   regex=True)
            num = num.astype("float64")
            num.loc[messy] = pd.to_numeric(text, errors="coerce").astype("float64")
    whole = num.where((num % 1 == 0) & (num.abs() < 2**62))
    return whole.astype("Int64")


def to_int_per_unique(values: pd.Series) -> pd.Series:
    """:func:`to_int` once per distinct value: for ranks and weeks, a few hundred in a file."""
    import pandas as pd

    if values.dtype.kind in "iuf":
        return to_int(values)
    codes, done = unique_codes(values, to_int)
    return pd.Series(done.array.take(codes, allow_fill=True), index=values.index,
                     dtype="Int64")


_LONE_SURROGATE = "[\ud800-\udfff]"


def without_surrogates(text: str) -> str:
    """``text`` storable as UTF-8: a valid surrogate pair joined, a lone one as U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _repair_surrogates(text: pd.Series, col: str, codes: np.ndarray,
                       report: ImportReport) -> pd.Series:
    """Text that cannot be stored as UTF-8 (a lone surrogate, from a JSON ``\\ud800``
    escape) with U+FFFD in place of each bad code point, said in the report."""
    import numpy as np

    bad = text.str.contains(_LONE_SURROGATE, regex=True, na=False).to_numpy(dtype=bool)
    if not bad.any():
        return text
    text = text.copy()
    text[bad] = [without_surrogates(t) for t in text[bad]]
    rows = int(np.isin(codes, np.flatnonzero(bad)).sum())
    report.notes.append(f"{plural(f'{rows:,}', col)} held text that is not valid Unicode "
                        "(a lone surrogate); each bad character is stored as \ufffd")
    return text


# Control characters (C0, DEL, C1) and text-direction controls: kept as the file has them,
# counted in the report, and shown as visible stand-ins wherever they are displayed
_HIDDEN = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


def _count_hidden(text: pd.Series, col: str, codes: np.ndarray,
                  report: ImportReport) -> None:
    import numpy as np

    hit = text.str.contains(_HIDDEN, regex=True, na=False).to_numpy(dtype=bool)
    if hit.any():
        rows = int(np.isin(codes, np.flatnonzero(hit)).sum())
        report.notes.append(f"{plural(f'{rows:,}', col)} held control or text-direction "
                            "characters; kept as they are, and shown as visible marks "
                            "(␛, [U+202E]) in the window, the terminal and reports")


def validate(frame: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Return the rows fit to store (canonical dtypes); count the others in ``report``.

    Each text field also comes with ``<field>_code``: equal codes for equal text.
    """
    import numpy as np
    import pandas as pd

    n = len(frame)
    lines = frame["line"] if "line" in frame else pd.Series(range(1, n + 1), index=frame.index)
    keep = pd.Series(True, index=frame.index)

    def drop(mask: pd.Series, reason: str) -> None:
        nonlocal keep
        hit = mask & keep
        if hit.any():
            report.reject(reason, lines[hit].tolist(), int(hit.sum()))
            keep &= ~hit

    out = pd.DataFrame(index=frame.index)
    for col in TEXT_FIELDS:
        if col not in frame:
            drop(pd.Series(True, index=frame.index), f"missing {col}")
            out[col] = None
            continue
        codes, text = unique_codes(frame[col], lambda s: s.str.strip())
        text = _repair_surrogates(text, col, codes, report)
        _count_hidden(text, col, codes, report)
        empty = (text.isna() | (text == "")).to_numpy(dtype=bool)
        long = (text.str.len() > MAX_TEXT).to_numpy(dtype=bool, na_value=False)
        out[col] = pd.Series(per_row(codes, text.to_numpy(dtype=object), None),
                             index=frame.index, dtype=object)
        # Rows with the same text share a code (kept for the loader's track grouping)
        out[f"{col}_code"] = per_row(codes, pd.factorize(text)[0].astype(np.int64), -1)
        drop(pd.Series(per_row(codes, empty, True), index=frame.index), f"missing {col}")
        drop(pd.Series(per_row(codes, long, False), index=frame.index),
             f"{col} longer than {MAX_TEXT} characters")
    rank = (to_int_per_unique(frame["rank"]) if "rank" in frame
            else pd.Series(pd.NA, index=frame.index, dtype="Int64"))
    drop(rank.isna(), "missing or non-numeric rank")
    drop((rank < 1) | (rank > MAX_RANK), f"rank outside 1..{MAX_RANK:,}")
    out["rank"] = rank
    if "date" in frame:
        # A file holds few distinct dates: parse each once
        codes, raw = unique_codes(frame["date"], lambda s: s.str.strip())
        missing = per_row(codes, (raw.isna() | (raw == "")).to_numpy(dtype=bool), True)
        dates = per_row(codes, parse_dates(raw).to_numpy(dtype=object), None)
        drop(pd.Series(missing, index=frame.index), "missing date")
        drop(pd.Series(pd.isna(dates), index=frame.index),
             "unparseable date (or outside 1900-2100)")
        out["date"] = pd.Series(dates, index=frame.index, dtype=object)
    else:
        drop(pd.Series(True, index=frame.index), "no date in the row or file (use --date)")
    for col in INT_FIELDS[1:]:
        if col in frame:  # ranks and weeks repeat; streams and sales mostly do not
            v = to_int(frame[col]) if col in ("streams", "sales") else to_int_per_unique(
                frame[col])
            out[col] = v.where(v >= 0)  # -1 marks "new" in Spotify files; negatives mean none
    for col in ("chart", "region", "frequency", "spotify_id", "isrc", "extra", *FACT_FIELDS):
        if col in frame:
            out[col] = frame[col]
    out["line"] = lines
    return out[keep]
