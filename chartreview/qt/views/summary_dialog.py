"""The end of a queue: what was decided, how long it took, what is disputed; Export report."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chartreview.review.session import QueueSummary

VERDICT_WORDS = {"suspicious": "Suspicious", "ai": "AI act", "human": "Human"}


class QueueSummaryDialog(QDialog):
    export_clicked = Signal()

    def __init__(self, summary: QueueSummary, disputed: list[str], *, finished: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queue_summary")
        self.setWindowTitle("Queue finished" if finished else "Queue so far")
        head = QLabel(f"<h3 style='margin:0'>{html.escape(summary.title)}: "
                      f"{'finished' if finished else 'so far'}</h3>")
        counts = "".join(
            f"<tr><td>{VERDICT_WORDS.get(v, v)}</td><td align='right'><b>{n}</b></td></tr>"
            for v, n in summary.by_verdict.items())
        body = QLabel(
            f"<table cellspacing='0' cellpadding='2'>{counts}</table>"
            + "".join(f"<p style='margin:2px 0'>{html.escape(line)}</p>"
                      for line in summary.lines()))
        body.setObjectName("summary_text")
        body.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(body)
        self.disputed = QListWidget()
        self.disputed.setObjectName("disputed")
        self.disputed.addItems(disputed)
        if disputed:
            layout.addWidget(QLabel("Disputed cases:"))
            layout.addWidget(self.disputed)
        buttons = QDialogButtonBox()
        self.export_button = QPushButton("Export report…")
        self.export_button.setDefault(True)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        self.export_button.clicked.connect(self._export)
        layout.addWidget(buttons)
        self.text = body.text()

    def _export(self) -> None:
        self.accept()
        self.export_clicked.emit()
