"""File > Export report…: the CLI's export options in a dialog, run in a worker thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chartreview.domain import Cancelled, ChartreviewError, Progress
from chartreview.qt.workers.ops import Worker
from chartreview.report.collect import FORMATS, VERDICT_CHOICES, ExportOptions, check_export
from chartreview.report.safe import TargetExists
from chartreview.store import open_project, queries, reviews

FORMAT_NAMES = {"csv": "CSV (entries + events files)", "xlsx": "Excel workbook",
                "json": "JSON", "html": "Findings report (HTML)",
                "pdf": "Findings report (PDF)"}


def run_export(project_path: Path, opts: ExportOptions, *, on_progress: Any = None,
               cancel: Any = None) -> Any:
    """Open the project on this (worker) thread and run the export the options ask for."""
    with open_project(project_path) as project:
        if opts.fmt == "pdf":
            from chartreview.qt.report_pdf import export_pdf

            return export_pdf(project, opts, on_progress=on_progress, cancel=cancel)
        from chartreview.report.export import export

        return export(project, opts, on_progress=on_progress, cancel=cancel)


class ExportDialog(QDialog):
    """Choose a format, a file and filters; export with a progress bar and Cancel."""

    def __init__(self, project_path: Path, parent: QWidget | None = None,
                 analyst: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Export report")
        self.project_path = Path(project_path)
        if not analyst:
            from chartreview import config

            analyst = config.load().analyst or ""
        self.analyst = analyst  # named as "prepared by" on the report's cover
        self.worker: Worker | None = None
        self.result: Any = None
        with open_project(self.project_path) as project:
            charts = [c["label"] for c in queries.charts(project)]
            analysts = reviews.analysts(project)
        self.format = QComboBox()
        for f in FORMATS:
            self.format.addItem(FORMAT_NAMES[f], f)
        self.out = QLineEdit(str(self.project_path.with_name(
            f"{self.project_path.stem}-findings.html")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        self.verdict = QComboBox()
        self.verdict.addItem("default (reviewed; all for reports)", None)
        for v in VERDICT_CHOICES:
            self.verdict.addItem(v, v)
        self.chart = QComboBox()
        self.chart.addItem("all charts", "")
        for label in charts:
            self.chart.addItem(label, label)
        self.min_score = self._score_box()
        self.flag_score = self._score_box()
        self.date_from = QLineEdit(placeholderText="YYYY-MM-DD")
        self.date_to = QLineEdit(placeholderText="YYYY-MM-DD")
        self.analyst_box = QComboBox()
        self.analyst_box.addItem("any analyst", "")
        for a in analysts:
            self.analyst_box.addItem(a, a)
        self.paper = QComboBox()
        self.paper.addItem("A4", "a4")
        self.paper.addItem("US Letter", "letter")
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("File", row)
        form.addRow("Verdict", self.verdict)
        form.addRow("Chart", self.chart)
        form.addRow("Minimum score", self.min_score)
        form.addRow("Section for scores from", self.flag_score)
        form.addRow("On the chart from", self.date_from)
        form.addRow("On the chart until", self.date_to)
        form.addRow("Analyst", self.analyst_box)
        form.addRow("Paper (PDF)", self.paper)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def _score_box(self) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(-1, 100)
        box.setSpecialValueText("any")  # -1 shows as "any": no filter
        box.setValue(-1)
        return box

    def _format_changed(self) -> None:
        fmt = self.format.currentData()
        self.paper.setEnabled(fmt == "pdf")
        self.flag_score.setEnabled(fmt in ("html", "pdf"))
        path = Path(self.out.text() or "export")
        self.out.setText(str(path.with_suffix("." + fmt)))

    def _browse(self) -> None:
        fmt = self.format.currentData()
        # Replacing is asked once, by _confirm_targets, which also refuses projects
        name, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.out.text(), f"{fmt.upper()} (*.{fmt})",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            self.out.setText(name)

    def options(self) -> ExportOptions:
        """The options as chosen (raises ChartreviewError for a bad date or file)."""
        if not self.out.text().strip():
            raise ChartreviewError("Choose a file to export to.")

        def score(box: QDoubleSpinBox) -> float | None:
            return None if box.value() < 0 else box.value()

        return ExportOptions(
            self.format.currentData(), Path(self.out.text().strip()),
            verdict=self.verdict.currentData(), chart=self.chart.currentData(),
            min_score=score(self.min_score), flag_score=score(self.flag_score),
            date_from=self.date_from.text().strip(), date_to=self.date_to.text().strip(),
            analyst=self.analyst_box.currentData(), paper=self.paper.currentData(),
            prepared_by=self.analyst)

    def start(self) -> None:
        """Run the export in a worker; the dialog stays responsive and can cancel."""
        try:
            opts = self.options()
            if not self._confirm_targets(opts):
                self.status.setText("Not exported; choose another file name.")
                return
        except ChartreviewError as e:
            self.status.setText(str(e))
            return
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("Exporting…")
        path = self.project_path
        self.worker = Worker(lambda on_progress, cancel: run_export(
            path, opts, on_progress=on_progress, cancel=cancel))
        self.worker.signals.progressed.connect(self._progressed)
        self.worker.signals.returned.connect(self._done)
        self.worker.signals.errored.connect(self._failed)
        self.worker.start()

    def _confirm_targets(self, opts: ExportOptions) -> bool:
        """The CLI's guard (raises for a project or database); an existing file is
        replaced only when the user says so. False: the user said no."""
        try:
            check_export(self.project_path, opts)
            return True
        except TargetExists as e:
            answer = QMessageBox.question(
                self, "Replace file?", f"{e.path.name} exists in {e.path.parent}.\n"
                "Replace it with this export?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
            opts.force = True
            check_export(self.project_path, opts)  # anything else refused still is
            return True

    def _progressed(self, p: Progress) -> None:
        if p.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(p.fraction * 1000))
        if p.message:
            self.status.setText(p.message + "…")

    def _done(self, result: Any) -> None:
        self.result = result
        self.worker = None
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        self.status.setText(result.summary())
        self.export_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")

    def _failed(self, error: BaseException) -> None:
        self.worker = None
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.status.setText("Cancelled; no file was written.")
        elif isinstance(error, ChartreviewError):
            self.status.setText(str(error))
        else:
            self.status.setText(f"The export failed: {error}")

    def _cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()  # the worker reports back through _failed
        else:
            self.reject()
