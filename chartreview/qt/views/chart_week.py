"""One chart week around an entry: the ten entries around its rank that week.

Opened by a click on the plot (or ``O`` on the week cursor), as Soundcharts' side panel
shows the chart around a position. Enter (or a double click) goes to the chosen entry's
case; Escape closes.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chartreview.domain import visible

HEADERS = ("Rank", "Last", "Title", "Artist", "Score", "Verdict")


def _last(row: dict[str, Any]) -> str:
    last = row.get("last_rank")
    return "new" if not last else str(last)


class ChartWeekDialog(QDialog):
    entry_chosen = Signal(int)

    def __init__(self, chart: str, day: str, rows: list[dict[str, Any]],
                 highlight: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chart_week")
        self.setWindowTitle(f"{visible(chart)} — {day}")
        self.rows = rows
        title = QLabel(f"<b>{html.escape(visible(chart))}</b>, week of {day}: the entries "
                       "around it")
        self.table = QTableWidget(len(rows), len(HEADERS))
        self.table.setObjectName("chart_week_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        bold = QFont(self.font())
        bold.setBold(True)
        for i, r in enumerate(rows):
            cells = [str(r["rank"]), _last(r), visible(r["title"]), visible(r["artist"]),
                     "" if r["score"] is None else f"{r['score']:.0f}", r["verdict"] or "—"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if j in (0, 1, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if r["entry_id"] == highlight:
                    item.setFont(bold)
                    item.setBackground(QColor("#fdf1e2"))
                self.table.setItem(i, j, item)
        hh = self.table.horizontalHeader()
        for j in (0, 1, 4, 5):
            hh.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        at = next((i for i, r in enumerate(rows) if r["entry_id"] == highlight), 0)
        if rows:
            self.table.selectRow(at)
        self.table.doubleClicked.connect(lambda _i: self._choose())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        go = buttons.addButton("Go to its case", QDialogButtonBox.ButtonRole.AcceptRole)
        go.clicked.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 120 + 28 * max(len(rows), 3))
        self.table.setFocus()

    def _choose(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.entry_chosen.emit(int(self.rows[row]["entry_id"]))
        self.accept()

    # --- Qt overrides ---
    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._choose()
            return
        super().keyPressEvent(event)
