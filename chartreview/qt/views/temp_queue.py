"""A temporary queue over the table: "more like this" (M) or an act's songs (Shift+A).

It lists the cases with why each is here; J/K walk it as they walk the queue, Esc goes
back. The panel only shows; the window's review session holds the queue.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chartreview.domain import visible

HEADERS = ("Score", "Case", "Verdict", "Why")


class TempQueuePanel(QWidget):
    case_clicked = Signal(int)  # row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("temp_queue")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("temp_queue_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the queue
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        self.table.setColumnWidth(1, 220)
        self.table.cellClicked.connect(lambda row, _col: self.case_clicked.emit(row))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)

    def show_cases(self, title: str, rows: list[dict[str, Any]]) -> None:
        """``rows``: ``review.queue.case_dicts`` of the cases, in order, with reasons."""
        self.title.setText(f"<b>{html.escape(title)}</b> — J/K walk them, Esc goes back to "
                           "the queue")
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            name = visible(str(r["title"])) if r["grouping"] == "act" else \
                visible(f"{r['title']} — {r['artist']}")
            cells = ["" if r["score"] is None else f"{r['score']:.0f}",
                     f"{name} ({len(r['entry_ids'])} runs)" if len(r["entry_ids"]) > 1
                     else name,
                     ", ".join(r["verdicts"]) or "—", visible(r["reason"])]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if j == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)

    def set_current(self, row: int) -> None:
        if 0 <= row < self.table.rowCount():
            self.table.selectRow(row)
            self.table.scrollToItem(self.table.item(row, 0))

    def update_verdicts(self, row: int, verdicts: list[str]) -> None:
        item = self.table.item(row, 2)
        if item is not None:
            item.setText(", ".join(verdicts) or "—")
