"""PlotLegend: the trajectory plot's legend, as widgets under the plot (never over a curve).

Each row is a swatch drawn from the curve itself (its pen, line style, symbol and fill)
and the curve's name; rows flow side by side and wrap in a narrow window. Rows are built
once and reused entry after entry: walking the queue only renames them.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from chartreview.domain import visible
from chartreview.qt.widgets.flow_layout import FlowLayout

SWATCH = (28, 14)


def _key(curve: Any) -> tuple[Any, ...]:
    o = curve.opts
    pen = pg.mkPen(o.get("pen"))
    fill = o.get("fillBrush") if o.get("fillLevel") is not None else None
    return (pen.color().rgba(), pen.style(), pen.widthF(), o.get("symbol"),
            pg.mkBrush(o.get("symbolBrush")).color().rgba(),
            None if fill is None else pg.mkBrush(fill).color().rgba())


def swatch(curve: Any) -> QPixmap:
    """A small picture of how ``curve`` is drawn: its fill, its line, its symbol."""
    o = curve.opts
    w, h = SWATCH
    pixmap = QPixmap(w, h)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    mid = h / 2
    if o.get("fillLevel") is not None and o.get("fillBrush") is not None:
        p.fillRect(QRectF(1, mid, w - 2, h - mid - 1), pg.mkBrush(o["fillBrush"]))
    pen = pg.mkPen(o.get("pen"))
    pen.setCosmetic(True)
    p.setPen(pen)
    p.drawLine(QPointF(1, mid), QPointF(w - 1, mid))
    if o.get("symbol"):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(pg.mkBrush(o.get("symbolBrush")))
        c, r = QPointF(w / 2, mid), 3.5
        if o["symbol"] == "t":  # pyqtgraph's "t" points down
            p.drawPolygon(QPolygonF([c + QPointF(-r, -r), c + QPointF(r, -r), c + QPointF(0, r)]))
        else:
            p.drawEllipse(c, r, r)
    p.end()
    return pixmap


class PlotLegend(QWidget):
    """Rows of (swatch, name), flowing and wrapping; see :meth:`set_rows`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plot_legend")
        self._flow = FlowLayout(self, spacing=12, line_spacing=2)
        self._rows: list[tuple[QWidget, QLabel, QLabel]] = []  # (row, swatch, name)
        self._drawn: list[tuple[Any, ...] | None] = []
        self._pixmaps: dict[tuple[Any, ...], QPixmap] = {}
        self._shown = 0
        self._sticky = (0, 0)  # (width, the most height needed at that width)

    # --- public API ---
    def set_rows(self, rows: list[tuple[Any, str]]) -> None:
        """Show one row per (curve, name), in order; rows beyond them are hidden."""
        while len(self._rows) < len(rows):
            row = QWidget(self)
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(4)
            sample, name = QLabel(row), QLabel(row)
            box.addWidget(sample)
            box.addWidget(name)
            self._flow.addWidget(row)
            row.setVisible(False)
            self._rows.append((row, sample, name))
            self._drawn.append(None)
        for i, ((_row, sample, name), (curve, text)) in enumerate(
                zip(self._rows, rows, strict=False)):
            key = _key(curve)
            if self._drawn[i] != key:
                if key not in self._pixmaps:
                    self._pixmaps[key] = swatch(curve)
                sample.setPixmap(self._pixmaps[key])
                self._drawn[i] = key
            text = visible(text)  # a chart name's controls as visible marks
            if name.text() != text:
                name.setText(text)
                name.setToolTip(text)
        if self._shown != len(rows):
            for i, (row, _, _) in enumerate(self._rows):
                row.setVisible(i < len(rows))
            self._shown = len(rows)
        self._fit_height()

    def texts(self) -> list[str]:
        """The names shown, in order."""
        return [name.text() for _, _, name in self._rows[:self._shown]]

    def samples(self) -> list[QPixmap]:
        return [sample.pixmap() for _, sample, _ in self._rows[:self._shown]]

    # --- Qt overrides ---
    def resizeEvent(self, event: QResizeEvent) -> None:
        # As many lines as the rows take at this width, asked of the layout around it (a
        # splitter does not ask for a height for a width, and would draw it over the plot)
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        # At least two lines, and at a given width never fewer than it has needed: walking
        # from an entry with a two-line legend to one with three, and back, would resize
        # the plot each time (a layout and a repaint of its axes, and a jumping plot)
        width = max(self.width(), 1)
        if width != self._sticky[0]:
            self._sticky = (width, 0)
        two = 2 * self.fontMetrics().height() + self._flow.spacing_between_lines()
        height = max(self._flow.heightForWidth(width), two, self._sticky[1])
        self._sticky = (width, height)
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
