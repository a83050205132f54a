"""Import chart files: detected format, a preview, a column mapping, then a worker.

The import and the re-scoring after it run in one background worker with its own
project connection; the window stays usable and Cancel rolls the current file back.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chartreview import config
from chartreview.domain import METRICS, Cancelled, ChangeSet, ChartreviewError, Progress
from chartreview.ingest import ImportOptions, detect_format, import_file
from chartreview.ingest.chart_match import ChartClash
from chartreview.ingest.formats.mapped import Mapped
from chartreview.ingest.normalize import MAPPABLE, REQUIRED
from chartreview.ingest.registry import BY_NAME
from chartreview.ingest.roles import SHOWN, column_roles
from chartreview.ingest.source import Source, open_source
from chartreview.qt.workers.ops import Worker
from chartreview.store.db import open_project

PREVIEW_ROWS = 8
NOT_MAPPED = "(not in this file)"
FILE_FILTER = "Chart files (*.csv *.tsv *.txt *.json *.xlsx);;All files (*)"


def preview(src: Source, n: int = PREVIEW_ROWS) -> tuple[list[str], list[list[str]]]:
    """The first rows of a file as text cells, straight from the file (before mapping)."""
    if src.kind == "csv":
        lines = src.head.splitlines()[src.skip_lines:]
        reader = csv.reader(lines[: n + 1], delimiter=src.delimiter)
        rows = [[c.lstrip("\ufeff") for c in r] for r in reader]
        return (rows[0], rows[1:]) if rows else ([], [])
    if src.kind == "json":
        try:
            data: Any = json.loads(src.head)
        except ValueError:
            return ["(start of the file)"], [[line] for line in src.head.splitlines()[:n]]
        if isinstance(data, dict):
            data = next((v for v in data.values() if isinstance(v, list)), [data])
        records = [r for r in data[:n] if isinstance(r, dict)] if isinstance(data, list) else []
        header = list(dict.fromkeys(k for r in records for k in r))
        return header, [[str(r.get(k, "")) for k in header] for r in records]
    from chartreview.ingest.xlsx import preview as xlsx_preview

    return xlsx_preview(src.path, n)


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Field -> column where a column is plainly named for the field."""
    hints = {"rank": ("rank", "position", "pos", "this_week", "#"),
             "title": ("title", "song", "track", "track name", "track_name"),
             "artist": ("artist", "artists", "performer", "artist_names", "artist_name"),
             "date": ("date", "week", "chart_date", "chart_week"),
             "streams": ("streams", "stream_count"), "sales": ("sales", "units"),
             "last_rank": ("last_week", "previous_rank", "last"),
             "peak": ("peak", "peak_rank", "peak_position"), "weeks": ("weeks", "weeks_on_chart")}
    out: dict[str, str] = {}
    lower = {c.strip().lower(): c for c in columns}
    for field_name, names in hints.items():
        for name in names:
            if name in lower:
                out[field_name] = lower[name]
                break
    return out


class ImportDialog(QDialog):
    imported = Signal(object)  # ChangeSet, after the import and the re-scoring
    import_started = Signal(object)  # Worker

    def __init__(self, project_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import chart files")
        self.project_path = Path(project_path)
        self.worker: Worker | None = None
        self.sources: dict[str, Source] = {}
        self.detected: dict[str, str] = {}
        # file -> what the analyst chose for it after a chart clash: {"chart": name} or
        # {"merge": True}; and the clashes still waiting for a choice
        self.overrides: dict[str, dict[str, Any]] = {}
        self.pending: list[tuple[str, ChartClash]] = []
        self.resize(980, 720)

        self.files = QListWidget()
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.files.currentTextChanged.connect(self._show_file)
        self.files.setMaximumHeight(110)
        add = QPushButton("Add files…")
        add.clicked.connect(self.choose_files)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_current)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(add)
        file_buttons.addWidget(remove)
        file_buttons.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)

        self.format_label = QLabel("Add one or more chart files (CSV, JSON, XLSX).")
        self.format_label.setWordWrap(True)
        self.format_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_table = QTableWidget(0, 0)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.setMinimumHeight(150)
        # What each column becomes, in words and in the preview's header
        self.roles_label = QLabel("")
        self.roles_label.setObjectName("roles_label")
        self.roles_label.setWordWrap(True)

        self.custom_mapping = QCheckBox("Map the columns myself")
        self.custom_mapping.toggled.connect(self._mapping_toggled)
        self.mapping_box = QGroupBox("Column mapping (which column holds each field)")
        grid = QGridLayout(self.mapping_box)
        self.mapping: dict[str, QComboBox] = {}
        for i, name in enumerate(MAPPABLE):
            combo = QComboBox()
            combo.setMinimumContentsLength(14)
            self.mapping[name] = combo
            label = QLabel(f"{name}{' *' if name in REQUIRED else ''}")
            grid.addWidget(label, i // 4, (i % 4) * 2)
            grid.addWidget(combo, i // 4, (i % 4) * 2 + 1)
        self.mapping_box.setVisible(False)
        for combo in self.mapping.values():
            combo.currentTextChanged.connect(self._show_roles)

        self.chart_edit = QLineEdit()
        self.chart_edit.setPlaceholderText("from the file, e.g. Hot 100")
        self.region_edit = QLineEdit()
        self.region_edit.setPlaceholderText("from the file, e.g. us, de, global")
        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText("YYYY-MM-DD, for files without a date")
        self.metric_combo = QComboBox()
        self.metric_combo.addItem("from the chart name", None)
        for m in METRICS:
            self.metric_combo.addItem(m, m)
        form = QFormLayout()
        form.addRow("Chart name", self.chart_edit)
        form.addRow("Region", self.region_edit)
        form.addRow("Chart date", self.date_edit)
        form.addRow("Metric", self.metric_combo)
        self.date_edit.textChanged.connect(self._show_roles)

        # Asked when a file looks unrelated to the project's chart of the same name
        self.clash_box = QGroupBox("A chart of the same name is already in the project")
        self.clash_text = QLabel()
        self.clash_text.setWordWrap(True)
        self.as_new = QRadioButton("Import it as a new chart named")
        self.new_name = QLineEdit()
        self.merge_into = QRadioButton()
        choice = QButtonGroup(self.clash_box)
        choice.addButton(self.as_new)
        choice.addButton(self.merge_into)
        self.continue_button = QPushButton("Continue the import")
        self.continue_button.clicked.connect(self.resolve_clash)
        self.skip_button = QPushButton("Skip this file")
        self.skip_button.clicked.connect(self.skip_clash)
        self.new_name.textChanged.connect(self._clash_choice_changed)
        self.as_new.toggled.connect(self._clash_choice_changed)
        new_row = QHBoxLayout()
        new_row.addWidget(self.as_new)
        new_row.addWidget(self.new_name, 1)
        clash_buttons = QHBoxLayout()
        clash_buttons.addStretch(1)
        clash_buttons.addWidget(self.skip_button)
        clash_buttons.addWidget(self.continue_button)
        cv = QVBoxLayout(self.clash_box)
        cv.addWidget(self.clash_text)
        cv.addLayout(new_row)
        cv.addWidget(self.merge_into)
        cv.addLayout(clash_buttons)
        self.clash_box.setVisible(False)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.results = QPlainTextEdit()
        self.results.setReadOnly(True)
        self.results.setPlaceholderText("The import report appears here.")
        self.results.setMaximumHeight(110)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.run_import())
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.format_label)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(self.roles_label)
        layout.addWidget(self.custom_mapping)
        layout.addWidget(self.mapping_box)
        layout.addLayout(form)
        layout.addWidget(self.clash_box)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        layout.addLayout(buttons)

    # --- files ---
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import chart files", "", FILE_FILTER)
        self.add_files(paths)

    def add_files(self, paths: list[str | Path]) -> None:
        for p in paths:
            key = str(Path(p))
            if key not in self.sources:
                try:
                    self.sources[key] = open_source(Path(p))
                except ChartreviewError as e:
                    QMessageBox.warning(self, "Cannot read file", str(e))
                    continue
                self.files.addItem(key)
        if self.files.currentRow() < 0 and self.files.count():
            self.files.setCurrentRow(0)
        self.import_button.setEnabled(bool(self.sources) and self.worker is None)

    def _remove_current(self) -> None:
        row = self.files.currentRow()
        if row >= 0:
            item = self.files.takeItem(row)
            self.sources.pop(item.text(), None)
        self.import_button.setEnabled(bool(self.sources) and self.worker is None)

    def _show_file(self, key: str) -> None:
        src = self.sources.get(key)
        if src is None:
            self.preview_table.clear()
            return
        header, rows = preview(src)
        if src.kind == "xlsx" and not src.header:
            src.header = header
        t = self.preview_table
        t.clear()
        t.setColumnCount(len(header))
        t.setHorizontalHeaderLabels(header)
        t.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, cell in enumerate(row[: len(header)]):
                t.setItem(i, j, QTableWidgetItem(cell))
        t.resizeColumnsToContents()
        for combo in self.mapping.values():
            combo.clear()
            combo.addItems([NOT_MAPPED, *header])
        saved = config.load().column_maps.get("|".join(src.columns), {})
        for name, column in (saved or guess_mapping(header)).items():
            if name in self.mapping and column in header:
                self.mapping[name].setCurrentText(column)
        try:
            fmt = detect_format(src, ImportOptions(mapping=dict(saved)))
        except ChartreviewError as e:
            self.detected[key] = ""
            self.format_label.setText(f"<b>Unknown layout.</b> Map the columns below. "
                                      f"<br><small>{e}</small>")
            self.custom_mapping.setChecked(True)
            self._show_roles()
            return
        self.detected[key] = fmt.NAME
        needs_map = fmt.NAME == "mapped"
        self.format_label.setText(
            f"Detected format: <b>{fmt.LABEL}</b> · encoding {src.encoding} · "
            f"{src.size:,} bytes" + (" · map the columns below" if needs_map else ""))
        self.custom_mapping.setChecked(needs_map)
        self._show_roles()

    def _mapping_toggled(self, on: bool) -> None:
        self.mapping_box.setVisible(on)
        self._show_roles()

    def roles(self) -> dict[str, str]:
        """Field -> source of the shown file, as it would be imported now."""
        current = self.files.currentItem()
        src = self.sources.get(current.text()) if current is not None else None
        if src is None:
            return {}
        if self.custom_mapping.isChecked():
            fmt: Any = Mapped
            mapping = self.current_mapping()
        elif self.detected.get(current.text()):
            fmt = BY_NAME[self.detected[current.text()]]
            mapping = dict(config.load().column_maps.get("|".join(src.columns), {}))
        else:
            return {}
        opts = ImportOptions(mapping=mapping, date=self.date_edit.text().strip() or None)
        return column_roles(fmt, src, opts)

    def _show_roles(self, *_: Any) -> None:
        """Say which column becomes rank, title, artist, date and volume, and mark each
        column of the preview with the field it becomes."""
        roles = self.roles()
        if not roles and not self.files.currentItem():
            self.roles_label.setText("")
            return
        missing = {"date": "not in the file: give the chart date below",
                   "volume": "none in this file (ranks only)"}
        parts = [f"{field} ← <b>{roles[field]}</b>" if field in roles
                 else f"{field}: <i>{missing.get(field, 'not mapped')}</i>" for field in SHOWN]
        self.roles_label.setText("Read as: " + " · ".join(parts))
        t = self.preview_table
        becomes = {column: field for field, column in roles.items() if field != "volume"}
        for j in range(t.columnCount()):
            item = t.horizontalHeaderItem(j)
            if item is None:
                continue
            column = item.data(Qt.ItemDataRole.UserRole) or item.text()
            item.setData(Qt.ItemDataRole.UserRole, column)
            field = becomes.get(column)
            item.setText(f"{column}\n→ {field}" if field else column)

    def current_mapping(self) -> dict[str, str]:
        return {name: combo.currentText() for name, combo in self.mapping.items()
                if combo.currentText() and combo.currentText() != NOT_MAPPED}

    def options_for(self, key: str) -> ImportOptions:
        current = self.files.currentItem()
        if current is not None and current.text() == key:
            mapping = self.current_mapping() if self.custom_mapping.isChecked() else {}
        else:  # other files: the mapping saved for their layout, if any
            columns = "|".join(self.sources[key].columns)
            mapping = dict(config.load().column_maps.get(columns, {}))
        opts = ImportOptions(
            chart=self.chart_edit.text().strip() or None,
            region=self.region_edit.text().strip() or None,
            date=self.date_edit.text().strip() or None,
            metric=self.metric_combo.currentData(), mapping=mapping)
        for name, value in self.overrides.get(key, {}).items():
            setattr(opts, name, value)
        return opts

    # --- the import ---
    def run_import(self, keys: list[str] | None = None) -> Worker | None:
        """Import the files (or only ``keys``) in a worker, then re-score."""
        if self.worker is not None or not self.sources:
            return None
        if keys is None:  # a fresh start: earlier choices and questions no longer hold
            self.overrides.clear()
            self.pending.clear()
            self.clash_box.setVisible(False)
        mapping = self.current_mapping() if self.custom_mapping.isChecked() else {}
        current = self.files.currentItem()
        if mapping and current is not None:
            settings = config.load()  # reuse this mapping for files of the same layout
            settings.column_maps["|".join(self.sources[current.text()].columns)] = mapping
            config.save(settings)
        jobs = [(Path(k), self.options_for(k)) for k in (keys or list(self.sources))]
        path = self.project_path

        def job(on_progress: Any, cancel: Any) -> tuple[list[str], list[str], str, list[Any]]:
            done: list[str] = []
            failed: list[str] = []
            clashes: list[tuple[str, ChartClash]] = []
            with open_project(path) as project:
                for i, (file, opts) in enumerate(jobs):
                    def step(p: Progress, i: int = i, file: Path = file) -> None:
                        on_progress(Progress(p.done, p.total,
                                             f"Importing {file.name} ({i + 1}/{len(jobs)})"))
                    try:
                        done.append(import_file(project, file, opts, on_progress=step,
                                                cancel=cancel).summary())
                    except Cancelled:
                        raise
                    except ChartClash as e:  # the analyst decides: merge, or a new chart
                        clashes.append((str(file), e))
                    except ChartreviewError as e:
                        report = getattr(e, "report", None)
                        failed.append(f"{e}\n{report.summary() if report else ''}".strip())
                scored = score(project, on_progress, cancel) if done else ""
            return done, failed, scored, clashes

        self.worker = Worker(job)
        self.worker.signals.progressed.connect(self._progressed)
        self.worker.signals.returned.connect(self._returned)
        self.worker.signals.errored.connect(self._errored)
        self.worker.signals.finished.connect(self._finished)
        self.import_button.setEnabled(False)
        self.cancel_button.setText("Cancel")
        self.status.setText("Importing…")
        self.import_started.emit(self.worker)
        return self.worker.start()

    def _progressed(self, p: Progress) -> None:
        self.progress.setValue(int(p.fraction * 1000))
        if p.message:
            self.status.setText(p.message)

    def _returned(self, result: tuple[list[str], list[str], str, list[Any]]) -> None:
        done, failed, scored, clashes = result
        self.results.setPlainText("\n\n".join([*done, *failed, scored]).strip())
        total = len(done) + len(failed) + len(clashes)
        self.status.setText(f"Imported {len(done)} of {total} file(s)."
                            + (f" {scored}" if scored else ""))
        if done:
            self.imported.emit(ChangeSet(data=True, scores=bool(scored)))
        self.pending.extend(clashes)
        self._ask_next()
        if failed:
            QMessageBox.warning(self, "Import problems", "\n\n".join(failed))

    # --- a file whose chart looks unrelated to the project's chart of that name ---
    def _ask_next(self) -> None:
        if not self.pending:
            self.clash_box.setVisible(False)
            return
        file, clash = self.pending[0]
        charts = "; ".join(f"{c.chart} ({c.first_date} to {c.last_date}, {c.entries:,} "
                           "entries)" for c in clash.clashes)
        self.clash_text.setText(
            f"{Path(file).name} names its chart like the project's {charts}, but none of "
            f"its {clash.clashes[0].tracks:,} tracks has ever been on it: it looks like a "
            "different chart. Nothing of this file was imported yet.")
        names = ", ".join(c.chart for c in clash.clashes)
        self.merge_into.setText(f"Add it to {names} (merge)")
        self.new_name.setText(clash.suggestion or "")
        self.as_new.setChecked(True)
        self.clash_box.setVisible(True)
        self.status.setText(self.status.text() + f" {Path(file).name}: choose below.")
        self._clash_choice_changed()

    def _clash_choice_changed(self, *_: Any) -> None:
        self.new_name.setEnabled(self.as_new.isChecked())
        self.continue_button.setEnabled(
            self.worker is None and (not self.as_new.isChecked()
                                     or bool(self.new_name.text().strip())))

    def resolve_clash(self) -> Worker | None:
        """Import the file waiting for a choice as the analyst chose."""
        if not self.pending or self.worker is not None:
            return None
        file, _ = self.pending.pop(0)
        if self.as_new.isChecked():
            self.overrides[file] = {"chart": self.new_name.text().strip()}
        else:
            self.overrides[file] = {"merge": True}
        self.clash_box.setVisible(False)
        return self.run_import([file])

    def skip_clash(self) -> None:
        if self.pending:
            file, _ = self.pending.pop(0)
            self.status.setText(f"{Path(file).name} skipped: nothing of it was imported.")
        self._ask_next()

    def _errored(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self.status.setText("Cancelled; the file being imported was not changed.")
            return
        report = getattr(error, "report", None)
        text = str(error) + (f"\n\n{report.summary()}" if report is not None else "")
        self.status.setText("The import failed.")
        self.results.setPlainText(text)
        QMessageBox.critical(self, "Import failed", text)

    def _finished(self) -> None:
        self.worker = None
        self.progress.setValue(self.progress.maximum())
        self.cancel_button.setText("Close")
        self.import_button.setEnabled(bool(self.sources))
        self._clash_choice_changed()

    def _cancel_or_close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText("Cancelling…")
        else:
            self.close()


def score(project: Any, on_progress: Any, cancel: Any) -> str:
    """Re-score after an import, its progress labelled as scoring."""
    from chartreview.qt.app import score_quietly

    def step(p: Progress) -> None:
        on_progress(Progress(p.done, p.total, f"Scoring: {p.message}"))

    return score_quietly(project, step, cancel)
