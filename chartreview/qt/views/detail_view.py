"""The right-hand panel: one entry's trajectory, signals, verdict controls, note and history.

The panel only shows and collects; it never writes. The window owns the writes (through
the review session) and calls :meth:`DetailView.show_entry` again with what is stored,
so what the analyst sees is always what the database holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from chartreview.domain import plural, visible
from chartreview.qt.models.entry_table import VERDICT_TEXT, signal_label
from chartreview.qt.widgets.elided_label import ElidedLabel
from chartreview.qt.widgets.flow_layout import FlowLayout
from chartreview.qt.widgets.trajectory_plot import TrajectoryPlot
from chartreview.store.reviews import decode_tags

CONFIDENCE = ("–", "1 · a hunch", "2 · likely", "3 · very likely", "4 · certain")
VERDICTS = (("suspicious", "Suspicious", "S"), ("ai", "AI act", "A"), ("human", "Human", "H"))
UNSAVED = "● Unsaved — Ctrl+Enter saves"
HOVER_HINT = "Point at the plot: a week's rank, movement, volume and signals."


def _weeks(ev: dict[str, Any]) -> str:
    """A campaign range as ``2025-07-19 to 2025-08-02`` (an open end as …), or ""."""
    start, end = ev.get("range_from"), ev.get("range_to")
    return f"{start or '…'} to {end or '…'}" if start or end else ""


@contextmanager
def _filling(t: QTableWidget) -> Iterator[None]:
    """Fill ``t`` with its columns sized to their contents once, at the end.

    A column sized to its contents measures every cell of the column again on each
    ``setItem``: eight signals with their sentences took 9 ms to set, 2.4 ms so.
    """
    hh = t.horizontalHeader()
    fitted = [c for c in range(hh.count())
              if hh.sectionResizeMode(c) == QHeaderView.ResizeMode.ResizeToContents]
    for c in fitted:
        hh.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
    try:
        yield
    finally:
        for c in fitted:
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)


def _fill(t: QTableWidget, rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
    """Show ``rows`` of texts in ``t`` (each cell's whole text in its tooltip, the
    columns in ``right`` aligned right), rows as tall as their wrapped text."""
    with _filling(t):
        t.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(visible(text))
                item.setToolTip(visible(text))
                if j in right:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(i, j, item)
    t.resizeRowsToContents()
    t.doItemsLayout()  # its scroll bar decided now, not after the paint


def _history_cells(ev: dict[str, Any]) -> list[str]:
    """When, who and what of one line of the history."""
    kind = ev["kind"]
    if kind == "verdict":
        what = f"verdict {VERDICT_TEXT.get(ev['verdict'], ev['verdict'])}"
        if ev.get("note"):
            what += f" – {ev['note']}"
    elif kind == "note":
        what = f"note: {ev.get('note') or '(cleared)'}"
    elif kind == "tags":
        what = "tags: " + (", ".join(decode_tags(ev.get("tags"))) or "(none)")
        if ev.get("confidence"):
            what += f", confidence {ev['confidence']}"
    elif kind == "undo":
        what = f"undo of #{ev.get('undoes')}"
    elif kind == "watch":
        what = "watch on" if ev.get("watch") else "watch off"
    elif kind == "range":
        what = "campaign " + (_weeks(ev) or "cleared")
    else:
        what = kind
    if kind == "verdict" and _weeks(ev):
        what += f" – campaign {_weeks(ev)}"
    runs = f"({ev['runs']} runs) " if ev.get("runs", 1) > 1 else ""  # a case's
    return [str(ev.get("at") or "").replace("T", " ")[:16], ev.get("analyst") or "",
            f"#{ev['event_id']} {runs}{what}"]


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setWordWrap(True)
    t.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the review keys on the window
    t.horizontalHeader().setStretchLastSection(True)
    return t


class DetailView(QWidget):
    verdict_clicked = Signal(str)
    save_clicked = Signal()
    artist_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry: dict[str, Any] | None = None
        self._loaded: tuple[str, list[str], int | None] = ("", [], None)

        # One line each, cut with "…" (the whole line in its tooltip): wrapped lines
        # grew in a narrow window and were drawn over the plot
        self.header = ElidedLabel()
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.header.setFont(font)
        self.info = ElidedLabel()
        self.figures = ElidedLabel()
        self.reason = ElidedLabel()
        self.plot = TrajectoryPlot()
        self.plot.setMinimumHeight(150)
        # What the pointer is over: one line under the plot, never a tooltip over the data
        self.readout = QLabel(HOVER_HINT)
        self.readout.setObjectName("plot_readout")
        self.readout.setWordWrap(True)
        self.readout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # two lines, always: the panel does not jump as the pointer moves
        self.readout.setFixedHeight(2 * self.readout.fontMetrics().lineSpacing() + 2)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plot.hovered.connect(lambda text: self.readout.setText(text or HOVER_HINT))

        self.signals_table = _table(["Signal", "Contribution", "Value", "Reason", "Compared with"])
        hh = self.signals_table.horizontalHeader()
        hh.setStretchLastSection(False)
        for col in (0, 1, 2):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for col in (3, 4):  # the sentences share what is left
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)

        self.verdict_buttons: dict[str, QPushButton] = {}
        button_row = QWidget()
        buttons = FlowLayout(button_row)  # wraps in a narrow window instead of cutting
        for value, text, key in VERDICTS:
            b = QPushButton(f"{text}  ({key})")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setToolTip(f"Record the verdict '{text}' (key {key})")
            b.clicked.connect(lambda _=False, v=value: self.verdict_clicked.emit(v))
            buttons.addWidget(b)
            self.verdict_buttons[value] = b
        self.artist_button = QPushButton("Artist (Shift+A)")
        self.artist_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.artist_button.clicked.connect(self.artist_clicked.emit)
        buttons.addWidget(self.artist_button)

        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("Tags, comma separated (e.g. bot farm, label push)")
        self.confidence = QComboBox()
        self.confidence.addItems(list(CONFIDENCE))
        self.confidence.setToolTip("How sure you are: 1 (a hunch) to 4 (certain)")
        tag_row = QHBoxLayout()
        tag_row.addWidget(QLabel("Tags"))
        tag_row.addWidget(self.tags_edit, 1)
        tag_row.addWidget(QLabel("Confidence"))
        tag_row.addWidget(self.confidence)

        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText(
            "Note: what you checked and why (N). Ctrl+Enter saves, Esc goes back to the queue")
        self.note_edit.setTabChangesFocus(True)
        self.save_button = QPushButton("Save note && tags")
        self.save_button.setToolTip("Save the note, tags and confidence (Ctrl+Enter in the note)")
        self.save_button.clicked.connect(self.save_clicked.emit)
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("saved_label")
        # Edited since the last save: say so until it is saved
        self.note_edit.textChanged.connect(self._edited)
        self.tags_edit.textChanged.connect(self._edited)
        self.confidence.currentIndexChanged.connect(self._edited)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.saved_label, 1)

        review = QWidget()
        rv = QVBoxLayout(review)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(button_row)
        rv.addLayout(tag_row)
        rv.addWidget(self.note_edit, 1)
        rv.addLayout(save_row)

        # The history shares the signals' place, a tab each: both get the panel's whole
        # width, so no column is cut however narrow the window
        self.history_table = _table(["When", "Who", "What"])
        hh = self.history_table.horizontalHeader()
        hh.setStretchLastSection(False)
        for col in (0, 1):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for t in (self.signals_table, self.history_table):
            t.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the review keys on the window
        self.tabs.addTab(self.signals_table, "Signals")
        self.tabs.addTab(self.history_table, "History")

        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.setSpacing(2)
        for label in (self.header, self.info, self.figures, self.reason):
            tv.addWidget(label)
        tv.addWidget(self.plot, 1)
        tv.addWidget(self.plot.legend)
        tv.addWidget(self.readout)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("detail_splitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(review)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.show_entry(None, [], [], [], [])

    # --- public API ---
    def show_entry(self, entry: dict[str, Any] | None, positions: list[dict[str, Any]],
                   others: list[dict[str, Any]], signals: list[dict[str, Any]],
                   events: list[dict[str, Any]], cohort: Any = None) -> None:
        self.entry = entry
        # the plot marks and reads out the shown run's own signals; a case's other runs'
        # (rows marked other_run) are listed in the table only
        self.plot.show_entry(entry, positions, others,
                             [s for s in signals if not s.get("other_run")], cohort)
        self._show_header(entry)
        self._show_signals(signals)
        self._show_history(events)
        enabled = entry is not None
        for w in (*self.verdict_buttons.values(), self.tags_edit, self.confidence,
                  self.note_edit, self.save_button, self.artist_button):
            w.setEnabled(enabled)
        verdict = entry.get("verdict") if entry else None
        for value, b in self.verdict_buttons.items():
            b.setChecked(value == verdict)
        note = (entry or {}).get("note") or ""
        tags = decode_tags((entry or {}).get("tags"))
        confidence = (entry or {}).get("confidence")
        self._loaded = (note, tags, confidence)
        self.note_edit.setPlainText(note)
        self.tags_edit.setText(", ".join(tags))
        self.confidence.setCurrentIndex(int(confidence or 0))
        self.saved_label.setText("")
        self._lay_out_now()

    def note_text(self) -> str:
        return self.note_edit.toPlainText()

    def tags(self) -> list[str]:
        return sorted({t.strip() for t in self.tags_edit.text().split(",") if t.strip()})

    def confidence_value(self) -> int | None:
        return self.confidence.currentIndex() or None

    def note_changed(self) -> bool:
        return self.entry is not None and self.note_text() != self._loaded[0]

    def tags_changed(self) -> bool:
        return self.entry is not None and (
            self.tags() != sorted(self._loaded[1]) or self.confidence_value() != self._loaded[2])

    def set_saved(self, text: str) -> None:
        self.saved_label.setText(text)

    def unsaved(self) -> bool:
        return self.note_changed() or self.tags_changed()

    def _edited(self, *_: Any) -> None:
        if self.unsaved():
            self.saved_label.setText(UNSAVED)
        elif self.saved_label.text() == UNSAVED:  # typed back to what is stored
            self.saved_label.setText("")

    # --- internals ---
    def _lay_out_now(self) -> None:
        """Do the layouts the new texts asked for before the window is painted.

        Each label, legend row and table changed above posts a layout request, and a
        table with more or fewer rows a call to show or hide its scroll bar; they queue
        behind the repaint the first change asked for. Qt painted the panel, then laid
        the legend's new names out (up through the splitters to the window), showed or
        hid a scroll bar, and painted it again, once or twice: 4-5 ms of switching a
        case. Done here, one paint shows it all.
        """
        for t in (self.signals_table, self.history_table):
            QCoreApplication.sendPostedEvents(t, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _show_header(self, e: dict[str, Any] | None) -> None:
        if e is None:
            self.header.setText("No entry selected")
            self.info.setText("Pick an entry on the left, or press J.")
            self.figures.setText("")
            self.reason.setText("")
            return
        score = "not scored" if e.get("score") is None else f"score {e['score']:.0f}"
        parts = [score]
        if e.get("manipulation") is not None:
            parts.append(f"manipulation {e['manipulation']:.0f}")
        if e.get("ai") is not None:
            parts.append(f"AI act {e['ai']:.0f}")
        verdict = VERDICT_TEXT.get(e.get("verdict") or "", "unreviewed")
        if e.get("analyst"):
            marked = e.get("range_from") or e.get("range_to") or e.get("watch")
            by = " by " if e.get("verdict") else " (marked by " if marked else " (note by "
            verdict += f"{by}{e['analyst']}" + ("" if e.get("verdict") else ")")
        # dataset and analyst text shown with its controls as visible marks (␛, [U+202E])
        self.header.setText(visible(f"{e['title']} — {e['artist']}"))
        self.info.setText(visible(
            f"{e['chart']} · {e.get('metric') or ''} · debut {e['first_date']} "
            f"at No. {e['debut_rank']} · peak No. {e['peak']} · "
            f"{plural(e['weeks'], 'position')}"))
        self.figures.setText(visible(f"{' · '.join(parts)} · verdict: {verdict}"))
        self.reason.setText(visible(e.get("reason") or ""))

    def _show_signals(self, signals: list[dict[str, Any]]) -> None:
        _fill(self.signals_table, [
            [signal_label(s["signal"]), f"{(s.get('contribution') or 0):.1f}",
             "" if s.get("value") is None else f"{s['value']:.3g}",
             s.get("reason") or "", s.get("reference") or ""] for s in signals],
            right=(1, 2))

    def _show_history(self, events: list[dict[str, Any]]) -> None:
        rows = list(reversed(events))  # newest first
        self.tabs.setTabText(1, f"History ({len(rows)})" if rows else "History")
        _fill(self.history_table, [_history_cells(ev) for ev in rows])
