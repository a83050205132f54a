"""The queue bar above the table: which queue, how far ("37 of 200 done · ~4 min left"),
and why the shown case is here (back on the watchlist, like another case).

It only shows; the window owns the :class:`~chartreview.review.session.QueueSession`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from chartreview.domain import visible
from chartreview.review.queue import QueueProgress

FILTER_BAR = "Filter bar (not saved)"


class QueueBar(QWidget):
    queue_chosen = Signal(str)  # a saved queue's name, or "" for the filter bar
    save_clicked = Signal()
    back_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queue_bar")
        self.choice = QComboBox()
        self.choice.setObjectName("queue_choice")
        self.choice.setToolTip("The queue you walk: the filter bar's, or a saved one "
                               "(Ctrl+Shift+O)")
        self.choice.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.choice.activated.connect(self._chosen)
        self.save_button = QPushButton("Save queue…")
        self.save_button.setToolTip("Save the filter as a named queue (Ctrl+Shift+S)")
        self.save_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.save_button.clicked.connect(self.save_clicked.emit)
        self.described = QLabel()
        self.described.setObjectName("queue_described")
        self.described.setTextFormat(Qt.TextFormat.PlainText)
        self.described.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.progress = QProgressBar()
        self.progress.setObjectName("queue_progress")
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.progress.setMinimumWidth(120)
        self.banner = QLabel()
        self.banner.setObjectName("queue_banner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # titles are text, not markup
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fdf1e2; color: #6b3d0c; "
                                  "padding: 3px 6px; border-radius: 3px; }")
        self.banner.setVisible(False)
        self.back_button = QPushButton("Back to the queue (Esc)")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.back_clicked.emit)
        self.back_button.setVisible(False)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Queue"))
        top.addWidget(self.choice, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.progress, 2)
        low = QHBoxLayout()
        low.setContentsMargins(0, 0, 0, 0)
        low.addWidget(self.banner, 1)
        low.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.described)
        layout.addLayout(low)
        self.set_queues([], "")

    # --- public API ---
    def set_queues(self, names: list[str], current: str) -> None:
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(FILTER_BAR, "")
        for name in names:
            self.choice.addItem(name, name)
        i = self.choice.findData(current)
        self.choice.setCurrentIndex(max(0, i))
        self.choice.blockSignals(False)

    def show_progress(self, progress: QueueProgress | None, described: str,
                      name: str = "Queue") -> None:
        self.described.setText(f"Cases: {visible(described)}" if described else "")
        if progress is None:
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.progress.setFormat("No queue")
            return
        self.progress.setRange(0, max(1, progress.total))
        self.progress.setValue(progress.done)
        self.progress.setFormat(progress.text(name))
        self.progress.setToolTip(
            progress.text(name) + ("" if progress.pace_s is None else
                               f" (your pace: {progress.pace_s:.0f} s a decision)"))

    def show_banner(self, text: str, *, temporary: bool = False) -> None:
        """Why the shown case is here; ``temporary`` adds the way back to the queue."""
        self.banner.setText(visible(text))
        self.banner.setVisible(bool(text))
        self.back_button.setVisible(temporary)

    def text(self) -> str:
        return self.progress.format()

    def _chosen(self, index: int) -> None:
        self.queue_chosen.emit(self.choice.itemData(index) or "")
