"""Tidy exports: CSV, Excel and JSON of the reviewed entries and their verdict events.

One row per entry (with its top signals and current verdict) and a separate table with
one row per verdict event, so every verdict can be traced to the events behind it.
Files are written atomically and spreadsheet cells are formula-safe (see ``safe``).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chartreview.domain import CancelToken, ChartreviewError, Progress, ProgressFn
from chartreview.report.collect import (
    TOP_SIGNALS,
    ExportOptions,
    ReportData,
    agreement_csv_path,
    collect,
    events_csv_path,
    judged_text,
)
from chartreview.report.safe import atomic_path, atomic_paths, escape_cell, json_text, xlsx_cell
from chartreview.store.db import Project

ENTRY_COLUMNS = (
    "entry_id", "chart", "metric", "title", "artist", "first_date", "last_date", "debut_rank",
    "peak", "weeks", "score", "manipulation", "ai", "top_signal", "reason",
    *[f"signal_{i}{part}" for i in range(1, TOP_SIGNALS + 1)
      for part in ("", "_contribution", "_reason")],
    "verdict", "tags", "confidence", "note", "from", "to", "watch", "analyst", "reviewed_at",
    "event_id", "event_ids", "judged_by", "decided_by", "decision_reason", "decided_at",
)
# "from" and "to": the weeks a campaign ran, as the analyst marked them (issue 13);
# judged_by ... decided_at: who judged what in a team and who decided (issue 12)
TEAM_COLUMNS = ("judged_by", "decided_by", "decision_reason", "decided_at")
AGREEMENT_COLUMNS = ("analyst_a", "analyst_b", "entries_both_judged", "agreed", "kappa")
EVENT_COLUMNS = ("event_id", "entry_id", "chart", "title", "artist", "first_date", "kind",
                 "verdict", "tags", "confidence", "note", "from", "to", "watch", "seconds",
                 "analyst", "at", "undoes")
RENAMED = {"from": "range_from", "to": "range_to"}  # column -> field in the store
TAG_SEP = "; "


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files, how many entries and events, how long it took."""

    paths: tuple[Path, ...]
    entries: int
    events: int
    seconds: float
    pages: int = 0

    def summary(self) -> str:
        files = ", ".join(str(p) for p in self.paths)
        pages = f", {self.pages} pages" if self.pages else ""
        return (f"Exported {self.entries:,} entries and {self.events:,} verdict events"
                f"{pages} to {files} in {self.seconds:.1f} s.")


def entry_record(e: dict[str, Any]) -> dict[str, Any]:
    """One entry as a flat row (top signals spread over numbered columns)."""
    row = {k: e.get(RENAMED.get(k, k)) for k in ENTRY_COLUMNS}
    for i in range(1, TOP_SIGNALS + 1):
        s = e["signals"][i - 1] if len(e["signals"]) >= i else {}
        row[f"signal_{i}"] = s.get("signal")
        row[f"signal_{i}_contribution"] = s.get("contribution")
        row[f"signal_{i}_reason"] = s.get("reason")
    row["tags"] = TAG_SEP.join(e["tags"]) or None
    row["event_ids"] = " ".join(str(i) for i in e["event_ids"]) or None
    row["judged_by"] = judged_text(e) or None
    d = e.get("decision") or {}
    row["decided_by"], row["decision_reason"], row["decided_at"] = (
        d.get("decided_by"), d.get("reason"), d.get("at"))
    return row


def agreement_rows(data: ReportData) -> list[dict[str, Any]]:
    """Cohen's kappa per analyst pair, over the entries of this export both judged."""
    return [{"analyst_a": p.a, "analyst_b": p.b, "entries_both_judged": p.entries,
             "agreed": p.agreed, "kappa": None if p.kappa is None else round(p.kappa, 4)}
            for p in data.agreement]


def event_record(ev: dict[str, Any]) -> dict[str, Any]:
    """One verdict event as a flat row."""
    row = {k: ev.get(RENAMED.get(k, k)) for k in EVENT_COLUMNS}
    row["tags"] = TAG_SEP.join(ev["tags"]) or None
    return row


def _write_csv_table(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]],
                     cancel: CancelToken | None) -> None:
    # utf-8-sig: Excel reads the BOM as "this is UTF-8" (accents in titles survive)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for n, row in enumerate(rows):
            if cancel is not None and n % 500 == 0:
                cancel.check()
            w.writerow(["" if row[c] is None else escape_cell(row[c]) for c in columns])


def write_csv(data: ReportData, out: Path, *, cancel: CancelToken | None = None) -> list[Path]:
    """Write the entries to ``out`` and the events to ``<out stem>.events.csv``.

    A team's export also gets ``<out stem>.agreement.csv`` (Cohen's kappa per pair).

    Returns
    -------
    list of Path
        The files written.
    """
    files = [out, events_csv_path(out)] + ([agreement_csv_path(out)] if data.team else [])
    with atomic_paths(files) as tmp:  # replaced together
        _write_csv_table(tmp[0], ENTRY_COLUMNS, [entry_record(e) for e in data.entries],
                         cancel)
        _write_csv_table(tmp[1], EVENT_COLUMNS, [event_record(e) for e in data.events],
                         cancel)
        if data.team:
            _write_csv_table(tmp[2], AGREEMENT_COLUMNS, agreement_rows(data), cancel)
    return files


def settings_rows(data: ReportData) -> list[tuple[str, Any]]:
    """The scoring run behind the scores as (name, value) pairs, filters included."""
    rows: list[tuple[str, Any]] = [("project", data.project), ("exported_at", data.generated_at)]
    rows += [(f"filter_{k}", v) for k, v in data.options.describe().items()]
    run = data.scoring
    if run is None:
        return [*rows, ("score_run", "none: the project has not been scored")]
    rows += [("score_run", run["id"]), ("scored_at", run["created_at"]),
             ("scoring_version", run["version"]), ("entries_scored", run["entries"])]
    rows += sorted(run["settings"].items())
    return rows


def write_xlsx(data: ReportData, out: Path, *, cancel: CancelToken | None = None) -> list[Path]:
    """Write a workbook: ``entries``, ``events`` and ``scoring`` sheets.

    Returns
    -------
    list of Path
        The workbook written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    # Every value is prepared (escaped, cancellable) before the workbook exists: a
    # write-only workbook abandoned halfway leaves openpyxl's row writer dangling
    tables: list[tuple[str, tuple[str, ...], list[list[Any]]]] = []
    settings = [{"setting": k, "value": v} for k, v in settings_rows(data)]
    sheets: list[tuple[str, tuple[str, ...], list[dict[str, Any]]]] = [
        ("entries", ENTRY_COLUMNS, [entry_record(e) for e in data.entries]),
        ("events", EVENT_COLUMNS, [event_record(e) for e in data.events]),
        ("scoring", ("setting", "value"), settings),
    ]
    if data.team:
        sheets.append(("agreement", AGREEMENT_COLUMNS, agreement_rows(data)))
    for name, columns, rows in sheets:
        values = []
        for n, row in enumerate(rows):
            if cancel is not None and n % 500 == 0:
                cancel.check()
            values.append([xlsx_cell(row[c]) for c in columns])
        tables.append((name, columns, values))
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    widths = {"title": 30, "artist": 24, "chart": 30, "reason": 60, "note": 50,
              "signal_1_reason": 50, "at": 22, "reviewed_at": 22, "setting": 26}
    for name, columns, values in tables:
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        for i, c in enumerate(columns):
            ws.column_dimensions[_letter(i)].width = widths.get(c, 12)
        head = []
        for c in columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in values:
            ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in row])
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return [out]


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _text_cell(ws: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    # openpyxl stores any string starting with "=" as a formula: say "text" explicitly too
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


def json_document(data: ReportData) -> dict[str, Any]:
    """The JSON export as a dict (entries nested with their signals; events flat)."""
    run = data.scoring
    return {
        "format": "chartreview-export",
        "version": 1,
        "project": data.project,
        "exported_at": data.generated_at,
        "filters": data.options.describe(),
        "scoring": None if run is None else {
            "run_id": run["id"], "created_at": run["created_at"], "version": run["version"],
            "settings": run["settings"]},
        "entries": [{**{k: e.get(RENAMED.get(k, k)) for k in ENTRY_COLUMNS
                        if not k.startswith("signal_") and k not in TEAM_COLUMNS},
                     "signals": e["signals"], "judgements": e.get("judgements") or [],
                     "decision": e.get("decision")} for e in data.entries],
        "events": [{k: ev.get(RENAMED.get(k, k)) for k in EVENT_COLUMNS}
                   for ev in data.events],
        "agreement": agreement_rows(data),
    }


def write_json(data: ReportData, out: Path, *, cancel: CancelToken | None = None) -> list[Path]:
    """Write the JSON export (see :func:`json_document`).

    Returns
    -------
    list of Path
        The file written.
    """
    text = json_text(json_document(data), indent=2)
    if cancel is not None:
        cancel.check()
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return [out]


def export(
    project: Project, opts: ExportOptions, *, on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Export the entries ``opts`` selects as CSV, XLSX, JSON or the HTML findings report.

    PDF needs Qt: use ``chartreview.qt.report_pdf.export_pdf`` (same options).

    Raises
    ------
    ChartreviewError
        For a PDF request, an unknown chart, or a file that cannot be written.
    chartreview.domain.Cancelled
        When ``cancel`` fires; nothing is written then.
    """
    started = time.perf_counter()
    if opts.fmt == "pdf":
        raise ChartreviewError("PDF export needs chartreview.qt.report_pdf.export_pdf.")
    data = collect(project, opts, on_progress=on_progress, cancel=cancel)
    try:
        if opts.fmt == "html":
            from chartreview.report.html import write_html

            paths = write_html(data, opts.out, on_progress=on_progress, cancel=cancel)
        else:
            writer = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}[opts.fmt]
            paths = writer(data, opts.out, cancel=cancel)
    except OSError as e:
        raise ChartreviewError(f"Could not write {opts.out}: {e.strerror or e}.") from e
    if on_progress:
        on_progress(Progress(1, 1, "Done"))
    return ExportResult(tuple(paths), len(data.entries), len(data.events),
                        time.perf_counter() - started)
