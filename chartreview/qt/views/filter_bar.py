"""The filters above the entries table; they define the queue the review keys walk."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from chartreview.qt.widgets.flow_layout import FlowLayout
from chartreview.scoring.labels import SIGNAL_LABELS
from chartreview.store import queries

SEARCH_DEBOUNCE_MS = 250
NO_DATE = QDate(1900, 1, 1)
VERDICT_CHOICES = (("", "Any verdict"), ("unreviewed", "Unreviewed"),
                   ("reviewed", "Reviewed"), ("suspicious", "Suspicious"), ("ai", "AI act"),
                   ("human", "Human"))


def signal_labels() -> dict[str, str]:
    """Signal name -> readable label, as the scoring engine names them."""
    return dict(SIGNAL_LABELS)


def _date_edit(text: str) -> QDateEdit:
    d = QDateEdit()
    d.setCalendarPopup(True)
    d.setDisplayFormat("yyyy-MM-dd")
    d.setMinimumDate(NO_DATE)
    d.setSpecialValueText(text)  # shown at the minimum date, which means "no bound"
    d.setDate(NO_DATE)
    return d


class FilterBar(QWidget):
    filter_changed = Signal(object)  # queries.EntryFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.artist_id: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and artists  (/)")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.emit_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.emit_filter)

        self.chart = QComboBox()
        self.chart.setMinimumContentsLength(18)
        self.chart.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.verdict = QComboBox()
        for value, text in VERDICT_CHOICES:
            self.verdict.addItem(text, value)
        self.signal = QComboBox()
        self.signal.addItem("Any signal", "")
        for name, text in signal_labels().items():
            self.signal.addItem(text, name)
        self.min_score = QSpinBox()
        self.max_score = QSpinBox()
        for box, value in ((self.min_score, 0), (self.max_score, 100)):
            box.setRange(0, 100)
            box.setValue(value)
            box.setKeyboardTracking(False)
        self.date_from = _date_edit("from any date")
        self.date_to = _date_edit("to any date")
        self.artist_chip = QPushButton()
        self.artist_chip.setToolTip("Showing one artist's entries across charts; click to clear")
        self.artist_chip.setVisible(False)
        self.artist_chip.clicked.connect(self.clear_artist)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.clicked.connect(self.clear)
        for w in (self.chart, self.verdict, self.signal):
            w.currentIndexChanged.connect(self.emit_filter)
        for w in (self.min_score, self.max_score):
            w.valueChanged.connect(self.emit_filter)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(self.emit_filter)

        # The search and the chart on the first line; the other controls at their natural
        # width, wrapping onto another line in a narrow window rather than being squashed
        score = QWidget()
        score_row = QHBoxLayout(score)
        score_row.setContentsMargins(0, 0, 0, 0)
        score_row.addWidget(QLabel("Score"))
        score_row.addWidget(self.min_score)
        score_row.addWidget(QLabel("–"))
        score_row.addWidget(self.max_score)
        controls = QWidget()
        controls.setObjectName("filter_controls")
        flow = FlowLayout(controls)
        for w in (self.verdict, self.signal, score, self.date_from, self.date_to,
                  self.clear_button):
            flow.addWidget(w)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.chart)
        chip_row = QHBoxLayout()
        chip_row.addWidget(self.artist_chip)
        chip_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(controls)
        layout.addLayout(chip_row)
        self.controls = controls

    # --- public API ---
    def set_charts(self, charts: list[dict[str, Any]]) -> None:
        self.chart.blockSignals(True)
        self.chart.clear()
        self.chart.addItem("All charts", None)
        for c in charts:
            self.chart.addItem(f"{c['label']}  [{c['entries']:,}]", c["id"])
        self.chart.blockSignals(False)

    def current(self) -> queries.EntryFilter:
        lo, hi = self.min_score.value(), self.max_score.value()
        chart_id = self.chart.currentData()
        return queries.EntryFilter(
            text=self.search.text().strip(),
            chart_ids=[chart_id] if chart_id is not None else [],
            verdict=self.verdict.currentData() or "",
            min_score=float(lo) if lo > 0 else None,
            max_score=float(hi) if hi < 100 else None,
            signal=self.signal.currentData() or "",
            date_from="" if self.date_from.date() == NO_DATE
            else self.date_from.date().toString(Qt.DateFormat.ISODate),
            date_to="" if self.date_to.date() == NO_DATE
            else self.date_to.date().toString(Qt.DateFormat.ISODate),
            artist_id=self.artist_id,
        )

    def set_artist(self, artist_id: int | None, name: str = "") -> None:
        self.artist_id = artist_id
        self.artist_chip.setText(f"Artist: {name}   ✕")
        self.artist_chip.setVisible(artist_id is not None)
        self.emit_filter()

    def clear_artist(self) -> None:
        self.set_artist(None)

    def clear(self) -> None:
        widgets = (self.search, self.chart, self.verdict, self.signal, self.min_score,
                   self.max_score, self.date_from, self.date_to)
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        self.chart.setCurrentIndex(0)
        self.verdict.setCurrentIndex(0)
        self.signal.setCurrentIndex(0)
        self.min_score.setValue(0)
        self.max_score.setValue(100)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        for w in widgets:
            w.blockSignals(False)
        self.artist_id = None
        self.artist_chip.setVisible(False)
        self.emit_filter()

    def emit_filter(self) -> None:
        self._debounce.stop()
        self.filter_changed.emit(self.current())
