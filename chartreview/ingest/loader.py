"""Import one file into a project: one transaction, idempotent, chunked, cancellable.

The rows of a file that pass the checks are stored in one transaction: all of them, or
none when the import fails or is cancelled. A row that fails a check (no rank, a rank
another track holds that date...) is left out and reported with its line and reason;
with ``ImportOptions.strict`` one such row refuses the whole file.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from chartreview.domain import (
    CancelToken,
    ChangeSet,
    IngestError,
    Progress,
    ProgressFn,
    infer_metric,
    visible,
)
from chartreview.ingest import chart_match
from chartreview.ingest.entry_figures import EntryFigures
from chartreview.ingest.formats.common import ChartDefaults, ImportOptions
from chartreview.ingest.normalize import (
    FACT_FIELDS,
    ImportReport,
    validate,
    without_surrogates,
)
from chartreview.ingest.prefetch import prefetch
from chartreview.ingest.registry import ChartFormat, detect_format
from chartreview.ingest.seen_ranks import SeenRanks
from chartreview.ingest.source import ByteCounter, Source, open_source
from chartreview.names import credit_style, credited_acts, track_key
from chartreview.store import columns as store_columns
from chartreview.store import writer as store_writer
from chartreview.store.backup import rolling_backup
from chartreview.store.db import Project, translate_errors

LARGE_IMPORT_ROWS = 100_000
MAX_NAME = 200  # a chart or region name (they are shown in every table and plot legend)

if TYPE_CHECKING:
    import pandas as pd


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _estimate_rows(src: Source) -> int:
    """Rows in the file, guessed from the size of its first lines."""
    lines = src.head.count("\n")
    if not lines or not src.head:
        return 0
    return int(src.size / (len(src.head.encode("utf-8", "replace")) / lines))


def _infer_frequency(dates: pd.Series) -> str:
    import pandas as pd

    days = pd.to_datetime(pd.Series(dates.dropna().unique())).sort_values()
    if len(days) >= 2 and days.diff().dt.days.min() == 1:
        return "daily"
    return "weekly"


def import_file(
    project: Project,
    path: str | Path,
    opts: ImportOptions | None = None,
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import one chart file; return its report, or raise with the project unchanged.

    Raises
    ------
    IngestError
        The file cannot be read or holds no usable row (its ``report`` says why).
    Cancelled
        ``cancel`` was set; the transaction was rolled back.
    """
    opts = opts or ImportOptions()
    path = Path(path)
    started = time.perf_counter()
    src = open_source(path, encoding=opts.encoding)
    fmt = detect_format(src, opts)
    report = ImportReport(file=path.name, format=fmt.LABEL, encoding=src.encoding)
    if src.encoding_note:
        report.notes.append(src.encoding_note)
    options = json.dumps(opts.key(), sort_keys=True)
    if src.size in store_writer.import_sizes(project):
        previous = store_writer.find_import(project, file_sha256(path), options)
        if previous is not None:
            report.already_imported = True
            report.import_id = previous
            return report
    defaults = fmt.defaults(src, opts)
    expected = _estimate_rows(src)
    if expected > LARGE_IMPORT_ROWS and store_writer.position_count(project) > 0:
        rolling_backup(project, "before-import")  # a big change: keep a way back
    with translate_errors(project.path):
        return _import(project, path, opts, src, fmt, report, options, defaults, expected,
                       started, on_progress, cancel)


def _import(
    project: Project, path: Path, opts: ImportOptions, src: Source, fmt: ChartFormat,
    report: ImportReport, options: str, defaults: ChartDefaults, expected: int,
    started: float, on_progress: ProgressFn | None, cancel: CancelToken | None,
) -> ImportReport:
    counter = ByteCounter(hashlib.sha256())
    writer = store_writer.ImportWriter(project)
    writer.begin({
        "file_name": path.name, "path": str(path.resolve()), "size": src.size,
        "sha256": "", "format": fmt.NAME, "encoding": src.encoding, "options": options,
    }, expected_rows=expected)
    report.import_id = writer.import_id
    # The next chunk is parsed in a reader thread while this one is written (8% of a 1M-row
    # load, measured); closed below, whatever happens, so the file is never left open
    chunks = prefetch(fmt.read(src, opts, counter))
    try:
        stats = EntryFigures()
        touched = _load(writer, src, chunks, opts, defaults, report, counter, stats,
                        on_progress, cancel)
        if report.rows_imported == 0 and report.rows_existing == 0:
            found = ", ".join(src.header) or "(JSON)"
            reasons = "; ".join(f"{n:,} {r}" for r, n in report.rejected.most_common(3))
            raise IngestError(
                f"{path.name} has no usable rows ({report.rows_read:,} read"
                f"{': ' + reasons if reasons else ''}). Columns found: {found}. Each row needs "
                "a rank, a title, an artist and a date (in the row, the file name or --date).",
                report,
            )
        if opts.strict and report.rows_rejected:
            reasons = "; ".join(f"{n:,} {r}" for r, n in report.rejected.most_common(3))
            raise IngestError(
                f"{path.name} was not imported: {report.rows_rejected:,} of its "
                f"{report.rows_read:,} rows were rejected ({reasons}) and --strict refuses a "
                "file with any rejected row. Nothing was imported.", report)
        if cancel is not None:
            cancel.check()
        chart_match.check(writer, report, opts, touched)  # a same-named, unrelated chart
        if on_progress:
            on_progress(Progress(src.size, src.size, "Updating entries"))
        # The entries this import made hold only its rows, counted on the way in; the others
        # are read back. Entries made for rows rejected afterwards (conflicts) are not in
        # touched: refreshing them too drops the ones left without a position
        counted = writer.write_entry_stats(stats.rows(writer.created_entries))
        writer.refresh_entries((touched | writer.created_entries) - counted)
        # Readers that stream the file hashed all of it on the way; others (XLSX) did not
        sha = counter.hasher.hexdigest() if counter.hashed == src.size else file_sha256(path)
        if store_writer.find_import(project, sha, options) is not None:
            # Same content and options, seen under another size check: nothing to add
            writer.rollback()
            report.already_imported = True
            return report
        report.seconds = time.perf_counter() - started
        writer.finish_import({
            "sha256": sha, "rows_read": report.rows_read, "rows_imported": report.rows_imported,
            "rows_existing": report.rows_existing, "rows_rejected": report.rows_rejected,
            "report": store_writer.report_json(report.to_dict()),
        })
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        chunks.close()
    report.changes = ChangeSet(data=True)  # type: ignore[attr-defined]
    return report


def _load(
    writer: store_writer.ImportWriter, src: Source, chunks: Iterator[pd.DataFrame],
    opts: ImportOptions, defaults: ChartDefaults, report: ImportReport, counter: ByteCounter,
    stats: EntryFigures,
    on_progress: ProgressFn | None, cancel: CancelToken | None,
) -> set[int]:
    import pandas as pd

    touched: set[int] = set()
    frequency: str | None = None
    track_cache: dict[tuple[str, str, str | None], int] = {}
    seen = SeenRanks() if writer.rank_index_dropped else None
    style = credit_style(defaults.platform)  # where the source cuts a credit into acts
    for raw in chunks:
        if cancel is not None:
            cancel.check()
        # Rows a reader could not turn into values: (reason, line numbers) in attrs
        refused = [("more fields than the header", raw.attrs.get("bad_lines", [])),
                   *raw.attrs.get("rejected", [])]
        for reason, lines in refused:
            report.rows_read += len(lines)
            report.reject(reason, lines)
        report.rows_read += len(raw)
        if on_progress:  # here, so a chunk whose rows are all rejected moves the bar too
            on_progress(Progress(counter.read, src.size, f"{report.rows_read:,} rows read"))
        frame = validate(raw, report)
        if frame.empty:
            continue
        # Which chart each row belongs to: the user's word, else the row's, else the file's
        chart_codes, charts = _names(frame, "chart", opts.chart, defaults.name)
        if charts is None:
            raise IngestError(f"Name the chart of {src.path.name} with --chart NAME.")
        region_codes, regions = _names(frame, "region", opts.region, defaults.region or "global",
                                       str.lower)
        assert regions is not None  # its fallback is never missing
        # The file's frequency: given, named, else read from its dates (once per file)
        frequency = frequency or opts.frequency or defaults.frequency
        frequency = frequency or _infer_frequency(frame["date"])
        # Each (chart, region) once, in sorted order: charts are created in that order
        pairs, pair_codes = np.unique(chart_codes.astype(np.int64) * len(regions) + region_codes,
                                      return_inverse=True)
        chart_ids = []
        for pair in pairs.tolist():
            chart, region = charts[pair // len(regions)], regions[pair % len(regions)]
            freq = frequency
            chart_ids.append(writer.chart_id(
                str(chart), str(region), freq, defaults.platform,
                opts.metric or infer_metric(str(chart)),
            ))
            label = f"{chart} ({region}, {freq})"
            if label not in report.charts:
                report.charts.append(label)
        frame["chart_id"] = np.asarray(chart_ids, dtype=np.int64)[pair_codes]
        # Tracks: normalise each distinct (title, artist, spotify id) once
        if "spotify_id" not in frame:
            frame["spotify_id"] = None
        codes, firsts = _groups(frame, ["title", "artist", "spotify_id"])
        resolved = []
        for title, artist, sid in zip(frame["title"].to_numpy(object)[firsts],
                                      frame["artist"].to_numpy(object)[firsts],
                                      frame["spotify_id"].to_numpy(object)[firsts], strict=True):
            sid = None if pd.isna(sid) else str(sid)
            k = (title, artist, sid)
            tid = track_cache.get(k)
            if tid is None:
                tid = writer.track_id(title, artist, track_key(title, artist),
                                      credited_acts(artist, style), sid)
                track_cache[k] = tid
            resolved.append(tid)
        frame["track_id"] = np.asarray(resolved, dtype="int64")[codes]
        frame["entry_id"] = _entry_ids(writer, frame["chart_id"].to_numpy(np.int64),
                                       frame["track_id"].to_numpy(np.int64))
        frame = _drop_duplicates(frame, writer, report, seen)
        if frame.empty:
            continue
        if "extra" not in frame:
            frame["extra"] = None
        out = frame.reindex(columns=["chart_id", "date", "rank", "entry_id", "last_rank", "peak",
                                     "weeks", "streams", "sales", "extra"])
        out["import_id"] = writer.import_id
        # column by column to Python values (None for missing), then rows: far faster than
        # itertuples over a frame of nullable integers. A column missing throughout is left
        # out: sqlite3 binds each None through its adapter lookup, which costs three times
        # an integer (four such columns were a third of the insert, measured)
        values = {name: _python_values(c)
                  for name, (_, c) in zip(store_writer.POSITION_COLUMNS, out.items(), strict=True)}
        given = {name: v for name, v in values.items() if v is not None}
        inserted = writer.insert_positions(zip(*given.values(), strict=True), list(given))
        report.rows_imported += inserted
        if inserted < len(out):  # a race with another writer; counted, never fatal
            report.reject("duplicate rank on the same chart date", count=len(out) - inserted)
            stats.spoil(frame["entry_id"].tolist())
        else:  # the scorer's packed copy (rebuilt from the table when a chunk has none)
            days = store_columns.iso_days(out["date"])
            stats.add(out["entry_id"], days, out["rank"])
            if seen is not None:
                seen.add(out["chart_id"].to_numpy(np.int64), days, out["rank"].to_numpy(np.int64))
            store_columns.write_block(writer.conn, writer.import_id, {
                "entry_id": out["entry_id"].to_numpy(np.int64),
                "day": days,
                "rank": out["rank"].to_numpy(np.int64),
                **{c: out[c].to_numpy(np.float64, na_value=np.nan) for c in ("streams", "sales")},
            })
        touched.update(frame["entry_id"].tolist())
        _track_facts(writer, frame)
        dates = frame["date"].unique()  # a few distinct dates: min and max of those
        report.note_dates(str(dates.min()), str(dates.max()))
    return touched


def _track_facts(writer: store_writer.ImportWriter, frame: pd.DataFrame) -> None:
    """Keep the label or distributor a file names for a track (for "more like this")."""
    import pandas as pd

    for name in FACT_FIELDS:
        if name not in frame:
            continue
        pairs = frame[["track_id", name]].dropna().drop_duplicates()
        values = [(int(t), name, without_surrogates(str(v).strip())[:MAX_NAME])
                  for t, v in zip(pairs["track_id"], pairs[name], strict=True)
                  if not pd.isna(v) and str(v).strip()]
        if values:
            writer.add_track_facts(values)


def _names(
    frame: pd.DataFrame, col: str, given: str | None, fallback: str | None,
    fold: Callable[[str], str] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Each row's code into the sorted distinct names of ``col``: ``given``, else the row's
    value, else ``fallback``; worked out once per distinct value. None if a name is missing.
    """
    import pandas as pd

    if given or col not in frame:
        codes, raw = np.zeros(len(frame), dtype=np.int64), [given or fallback]
    else:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)  # missing: a value
        raw = [fallback if pd.isna(u) else u for u in uniques]
    raw = [None if name is None or not str(name).strip() else str(name).strip()
           for name in raw]
    if any(name is None for name in raw):
        return codes, None
    too_long = next((name for name in raw if len(name) > MAX_NAME), None)
    if too_long is not None:
        raise IngestError(f"A {col} name of {len(too_long):,} characters was given "
                          f"({visible(too_long[:40])}…); names hold at most {MAX_NAME}.")
    # A name SQLite can store (a lone surrogate from a JSON escape or a mangled argument
    # becomes U+FFFD, as in titles)
    done = [without_surrogates(fold(name) if fold else name) for name in raw]
    names, inverse = np.unique(np.asarray(done, dtype=object), return_inverse=True)
    return inverse.astype(np.int64)[codes], names


def _groups(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row and the first row of each group, groups numbered in order
    of first appearance (as ``groupby(sort=False, dropna=False).ngroup()``; missing is a
    value of its own), from integer codes rather than a pandas groupby. A column's
    ``<col>_code`` (equal codes for equal values, none missing) stands in for it."""
    import pandas as pd

    key = np.zeros(len(frame), dtype=np.int64)
    for col in columns:
        if f"{col}_code" in frame:  # validate's codes for the text fields
            codes = frame[f"{col}_code"].to_numpy(np.int64)
            distinct = int(codes.max()) + 1 if len(codes) else 0
        else:
            codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
            distinct = len(uniques)
        key, _ = pd.factorize(key * distinct + codes)  # renumbered: stays below len(frame)
    return key, np.unique(key, return_index=True)[1]


def _entry_ids(writer: store_writer.ImportWriter, chart_ids: np.ndarray,
               track_ids: np.ndarray) -> np.ndarray:
    """Entry id of each row, chart by chart (ascending), tracks in order of appearance."""
    import pandas as pd

    out = np.zeros(len(chart_ids), dtype=np.int64)
    order = np.argsort(chart_ids, kind="stable")
    charts, starts = np.unique(chart_ids[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    for cid, start, end in zip(charts.tolist(), starts.tolist(), ends.tolist(), strict=True):
        rows = order[start:end]
        codes, tracks = pd.factorize(track_ids[rows])
        mapping = writer.entry_ids(cid, tracks.tolist())
        out[rows] = np.asarray([mapping[t] for t in tracks.tolist()], dtype=np.int64)[codes]
    return out


def _python_values(column: pd.Series) -> list[Any] | None:
    """A column as Python values, None for missing, or None when every value is missing."""
    missing = column.isna().to_numpy()
    if missing.all():
        return None
    if not missing.any():
        if column.dtype == "Int64":
            return column.to_numpy(dtype=np.int64).tolist()
        if column.dtype.kind in "iO":
            return column.tolist()
    return column.astype(object).where(~missing, None).tolist()


def _drop_duplicates(
    frame: pd.DataFrame, writer: store_writer.ImportWriter, report: ImportReport,
    seen: SeenRanks | None,
) -> pd.DataFrame:
    """Sort rows that are already stored, duplicated, or in conflict out of ``frame``.

    ``seen`` stands in for the stored rows during a bulk load into an empty project: all
    of them are this import's, so a rank found there is a duplicate, never a conflict.
    """
    if seen is None:
        frame = _drop_stored(frame, writer, report)
    else:
        chart = frame["chart_id"].to_numpy(np.int64)
        taken = seen.taken(chart, store_columns.iso_days(frame["date"]),
                           frame["rank"].to_numpy(np.int64))
        if taken.any():  # reported chart by chart, in file order, as _drop_stored does
            lines = frame["line"].to_numpy()[taken][np.argsort(chart[taken], kind="stable")]
            report.reject("duplicate rank on the same chart date", lines.tolist())
            frame = frame[~taken]
    dup_rank = frame.duplicated(["chart_id", "date", "rank"])
    report.reject("duplicate rank on the same chart date", frame.loc[dup_rank, "line"].tolist())
    frame = frame[~dup_rank]
    dup_track = frame.duplicated(["chart_id", "date", "entry_id"])
    report.reject("same track twice on one chart date", frame.loc[dup_track, "line"].tolist())
    return frame[~dup_track]


def _drop_stored(
    frame: pd.DataFrame, writer: store_writer.ImportWriter, report: ImportReport
) -> pd.DataFrame:
    """Rows whose chart date and rank the project holds: existing, in conflict, or repeated."""
    import pandas as pd

    keep = pd.Series(True, index=frame.index)
    for cid, idx in frame.groupby("chart_id").groups.items():
        sub = frame.loc[idx]
        stored = writer.existing_positions(int(cid), sub["date"].unique().tolist())
        if not stored:
            continue
        status = [
            None if (d, r) not in stored else
            ("existing" if stored[(d, r)][1] != writer.import_id and stored[(d, r)][0] == e
             else "conflict" if stored[(d, r)][1] != writer.import_id else "dup")
            for d, r, e in zip(sub["date"], sub["rank"], sub["entry_id"], strict=True)
        ]
        status_s = pd.Series(status, index=sub.index)
        report.rows_existing += int((status_s == "existing").sum())
        report.reject("conflicts with the project: another track already holds this rank",
                      sub.loc[status_s == "conflict", "line"].tolist())
        report.reject("duplicate rank on the same chart date",
                      sub.loc[status_s == "dup", "line"].tolist())
        keep.loc[sub.index] = status_s.isna()
    return frame[keep]
