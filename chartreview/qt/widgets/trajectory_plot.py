"""TrajectoryPlot: an entry's rank over time, its volume, and the same track elsewhere.

Every item is built once in ``__init__``; :meth:`show_entry` only calls ``setData``,
``setValue`` and ``setVisible``, so walking the queue with J/K does not rebuild the scene.
Rank 1 is at the top (the y axis is inverted). Streams or sales, when the chart has them,
sit on a second axis at the right, in their own ViewBox.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen, QPicture, QTransform
from PySide6.QtWidgets import QToolTip

MAX_OVERLAYS = 8
DAY_S = 86400.0
MIN_SPAN_S = 56 * DAY_S  # show at least eight weeks of dates


def to_epoch(day: str) -> float:
    return datetime.fromisoformat(day[:10]).replace(tzinfo=UTC).timestamp()


def from_epoch(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d")


def _epochs(rows: Sequence[dict[str, Any]]) -> np.ndarray:
    """``to_epoch`` of each row's date, parsed by numpy (a tenth of the time)."""
    days = np.array([r["date"][:10] for r in rows], dtype="datetime64[D]")
    return days.astype(np.int64) * DAY_S


def _floats(values: Sequence[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


_SHIFTS = (QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate)


def _curve(**opts: Any) -> pg.PlotDataItem:
    """A PlotDataItem that is not redone when the view's y range changes.

    pyqtgraph's default ``dynamicRangeLimit`` re-derives every curve and its symbols on
    each y range change, to keep values a million view-heights away from overflowing
    Qt. Ranks and volumes never get there, and setting the range after ``setData``
    doubled the work of showing an entry.
    """
    return pg.PlotDataItem(dynamicRangeLimit=None, **opts)


def _line_pixels(t: QTransform, pen: QPen, a: QPointF, b: QPointF) -> QRect | None:
    """The device pixels a thin level or upright line covers; None if it is not one.

    Qt's cosmetic stroker covers the floor of each end, both ends included.
    """
    if pen.widthF() > 1 or not pen.isCosmetic() or pen.style() != Qt.PenStyle.SolidLine:
        return None
    da, db = t.map(a), t.map(b)
    if da.y() == db.y():
        x0, x1 = sorted((math.floor(da.x()), math.floor(db.x())))
        return QRect(x0, math.floor(da.y()), x1 - x0 + 1, 1)
    if da.x() == db.x():
        y0, y1 = sorted((math.floor(da.y()), math.floor(db.y())))
        return QRect(math.floor(da.x()), y0, 1, y1 - y0 + 1)
    return None


def _paint_grid(p: QPainter, ticks: Sequence[tuple[QPen, QPointF, QPointF]]) -> None:
    """Draw ticks and grid lines as pixel fills, as the stroker would have drawn them.

    The grid is thin level or upright lines in translucent pens, and Qt's cosmetic line
    stroker blends those pixel by pixel: 53 lines took 4.6 ms, the same pixels as
    rectangles 0.15 ms. Upright lines of one colour and height go in one stroke, as a
    one-pixel-high image of their columns stretched down (a rectangle per line still
    costs a span per row). The pixels are the stroker's, so the grid looks the same.
    """
    t = p.deviceTransform()
    if t.type() not in _SHIFTS:  # scaled (a high-DPI screen, an export): Qt's lines
        for pen, a, b in ticks:
            p.setPen(pen)
            p.drawLine(a, b)
        return
    shift = QPointF(-t.dx(), -t.dy())  # device pixels back to the painter's coordinates
    columns: dict[tuple[int, int, int], tuple[QColor, list[int]]] = {}
    for pen, a, b in ticks:
        r = _line_pixels(t, pen, a, b)
        if r is None:
            p.setPen(pen)
            p.drawLine(a, b)
        elif r.width() == 1 and r.height() > 1:
            color = pen.color()
            columns.setdefault((color.rgba(), r.top(), r.height()), (color, []))[1].append(
                r.left())
        else:
            p.fillRect(QRectF(r).translated(shift), pen.color())
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    for (_, top, height), (color, xs) in columns.items():
        left = min(xs)
        row = QImage(max(xs) - left + 1, 1, QImage.Format.Format_ARGB32_Premultiplied)
        row.fill(Qt.GlobalColor.transparent)
        for x in xs:
            row.setPixelColor(x - left, 0, color)
        p.drawImage(QRectF(left, top, row.width(), height).translated(shift), row,
                    QRectF(0, 0, row.width(), 1))


def _axis_specs(axis: Any) -> Any:
    """The axis' draw specs (line, ticks, labels), computed when pyqtgraph cleared them.

    pyqtgraph computes them in the paint, on a QPicture painter, and sizes the axis to
    the labels then, which lays the plot out again after the paint and paints it a
    second time. :meth:`TrajectoryPlot._settle` asks for them before the paint instead
    (the same computation, on the same kind of painter); pyqtgraph sets ``picture`` to
    None whenever the ticks change.
    """
    if axis.picture is None:
        picture = QPicture()  # kept alive until the painter ends
        painter = QPainter(picture)
        try:
            if axis.style["tickFont"] is not None:
                painter.setFont(axis.style["tickFont"])
            specs = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        if specs is not None:
            specs = (*specs[:2], _apart(specs[2]))
        axis._draw_specs = specs
        axis.picture = True  # pyqtgraph only tests it against None
    return axis._draw_specs


def _apart(texts: list[Any]) -> list[Any]:
    """The tick labels without those that would overprint one before them.

    pyqtgraph lists the labels level by level, the coarsest first (months before days on
    the date axis), and places each level without regard to the others: a month's name
    landed on the day next to it ("31Aug"). A later label touching an earlier one is left
    out, so the month stays and the day beside it goes.
    """
    kept: list[Any] = []
    for spec in texts:
        room = spec[0].adjusted(-3, 0, 3, 0)
        if not any(room.intersects(k[0]) for k in kept):
            kept.append(spec)
    return kept


def _paint_axis(axis: Any, p: QPainter) -> None:
    """Draw an axis' line, ticks (and grid) and labels straight onto the view's painter.

    pyqtgraph records each axis into a QPicture and replays that. The first replay of a
    fresh picture costs 2-8 ms an axis here (the labels' fonts are resolved again), and
    every entry brings a new range, so each selection paid it three times.
    """
    specs = _axis_specs(axis)
    if specs is None:
        return
    (pen, p1, p2), ticks, texts = specs
    p.save()
    # As AxisItem.drawPicture, but the labels' clip intersects the exposed region
    # instead of replacing it.
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    p.setPen(pen)
    p.drawLine(p1, p2)
    _paint_grid(p, ticks)
    if axis.style["tickFont"] is not None:
        p.setFont(axis.style["tickFont"])
    p.setPen(axis.textPen())
    p.setClipRect(axis.boundingRect().toAlignedRect(), Qt.ClipOperation.IntersectClip)
    for rect, flags, text in texts:
        p.drawText(rect, int(flags), text)
    p.restore()


class ValueAxis(pg.AxisItem):
    """An axis painted without a QPicture (see :func:`_paint_axis`)."""

    _draw_specs: Any = None

    # --- Qt overrides ---
    def paint(self, p: QPainter, *_: Any) -> None:
        _paint_axis(self, p)


class DateAxis(pg.DateAxisItem):
    """The date axis, painted without a QPicture (see :func:`_paint_axis`)."""

    _draw_specs: Any = None

    # --- Qt overrides ---
    def paint(self, p: QPainter, *_: Any) -> None:
        _paint_axis(self, p)


class TrajectoryPlot(pg.PlotWidget):
    """Rank trajectory of one entry with overlays, volume, signal marks and a crosshair."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent=parent, axisItems={
            "bottom": DateAxis(utcOffset=0), "left": ValueAxis("left"),
            "right": ValueAxis("right")})
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        accent = pal.color(QPalette.ColorRole.Highlight)
        self.setBackground(pal.color(QPalette.ColorRole.Base))
        item = self.getPlotItem()
        item.invertY(True)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("left", "Rank")
        for name in ("left", "bottom", "right"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
        # Bottom right: rank 1 is at the top, where trajectories spend their best weeks.
        # Translucent, so a curve passing under it stays visible.
        self.legend = item.addLegend(offset=(-10, -10), labelTextColor=text)
        legend_bg = QColor(pal.color(QPalette.ColorRole.Base))
        legend_bg.setAlpha(170)
        self.legend.setBrush(pg.mkBrush(legend_bg))
        self._legend_pool: list[tuple[Any, Any]] = []  # (ItemSample, LabelItem), reused
        self._legend_resized = False
        # The same track on other charts (drawn under the main curve)
        self.overlays: list[pg.PlotDataItem] = []
        for i in range(MAX_OVERLAYS):
            color = pg.intColor(i, hues=MAX_OVERLAYS, values=1, maxValue=230, minValue=150)
            curve = _curve(pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine),
                           symbol="t", symbolSize=5, symbolBrush=color, symbolPen=None)
            curve.setVisible(False)
            item.addItem(curve)
            self.overlays.append(curve)
        # The cohort's typical path: quartile band and median since the same debut
        band_color = QColor(accent)  # a tint of the entry's colour, apart from the grey volume
        band_color.setAlpha(22)
        self.cohort_low = _curve(pen=pg.mkPen(None))
        self.cohort_high = _curve(pen=pg.mkPen(None))
        self.cohort_band = pg.FillBetweenItem(self.cohort_low, self.cohort_high,
                                              brush=pg.mkBrush(band_color))
        median_color = QColor(text)
        median_color.setAlpha(120)
        self.cohort_median = _curve(
            pen=pg.mkPen(median_color, width=1, style=Qt.PenStyle.DotLine))
        for part in (self.cohort_low, self.cohort_high, self.cohort_band, self.cohort_median):
            part.setZValue(-20)
            item.addItem(part)
        self.cohort_band.setVisible(False)
        self.rank_curve = _curve(
            pen=pg.mkPen(accent, width=2.5), symbol="o", symbolSize=6,
            symbolBrush=accent, symbolPen=None)
        item.addItem(self.rank_curve)
        # Volume on a second ViewBox tied to the right axis
        self.volume_box = pg.ViewBox()
        item.scene().addItem(self.volume_box)
        item.getAxis("right").linkToView(self.volume_box)
        self.volume_box.setXLink(item)
        volume_color = QColor(text)
        volume_color.setAlpha(110)
        self.volume_curve = _curve(
            pen=pg.mkPen(volume_color, width=1.5), fillLevel=0,
            brush=pg.mkBrush(volume_color.red(), volume_color.green(), volume_color.blue(), 18))
        self.volume_box.addItem(self.volume_curve)
        item.getViewBox().sigResized.connect(self._sync_volume_box)
        # Where the signals fired: a region over the steepest climb, a line at the peak
        warn = QColor(220, 120, 30)
        self.spike_region = pg.LinearRegionItem(
            movable=False, brush=pg.mkBrush(warn.red(), warn.green(), warn.blue(), 45),
            pen=pg.mkPen(None))
        self.spike_region.setZValue(-10)
        self.peak_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(warn, width=1.5, style=Qt.PenStyle.DotLine),
            label="", labelOpts={"position": 0.95, "color": warn, "movable": False})
        for mark in (self.spike_region, self.peak_line):
            mark.setVisible(False)
            item.addItem(mark, ignoreBounds=True)
        # Crosshair snapped to the entry's chart dates
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False,
                                           pen=pg.mkPen(text, width=1, style=Qt.PenStyle.DashLine))
        self.cursor_line.setVisible(False)
        item.addItem(self.cursor_line, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._mouse_moved)
        self._x = np.array([])
        self._rows: list[dict[str, Any]] = []
        self._volume_name = ""
        self._cohort_shown: tuple[Any, int, str] | None = None  # (path, period, debut)
        self.show_entry(None, [], [], [])

    # --- public API ---
    def show_entry(self, entry: dict[str, Any] | None, positions: Sequence[dict[str, Any]],
                   others: Sequence[dict[str, Any]], signals: Sequence[dict[str, Any]],
                   cohort: Any = None) -> None:
        """Show one entry: its positions, the track's positions on other charts
        (``queries.track_positions`` rows of other entries) and its signals."""
        item = self.getPlotItem()
        self._rows = list(positions)
        self._x = _epochs(positions)
        ranks = _floats([p["rank"] for p in positions])
        self._legend_rows: list[tuple[Any, str]] = []
        self.rank_curve.setData(self._x, ranks)
        if entry is not None:
            self._legend_rows.append((self.rank_curve, self._short(entry.get("chart", ""))))
        self._show_volume(positions)
        self._show_overlays(entry, others)
        self._show_cohort(entry, cohort)
        self._update_legend()
        self._show_marks(positions, ranks, signals)
        self.cursor_line.setVisible(False)
        item.setTitle(None)
        if entry is None or not positions:
            item.setTitle("No entry selected" if entry is None else "No positions")
        self._fit(ranks)
        self._sync_volume_box()
        self._settle()

    def _show_cohort(self, entry: dict[str, Any] | None, cohort: Any) -> None:
        """Lay the cohort's typical path (``features.typical_path``) under the entry.

        ``cohort`` is (path frame, period in days, legend label). The band spans the
        middle half of the cohort's ranks each period after the same debut; the dotted
        line is their median.
        """
        parts = (self.cohort_low, self.cohort_high, self.cohort_median)
        if cohort is None or entry is None or len(cohort[0]) < 2:
            if self._cohort_shown is not None:
                for p in parts:
                    p.setData([], [])
                self.cohort_band.setVisible(False)
                self._cohort_shown = None
            return
        path, period_days, label = cohort
        # The window keeps one path per chart tenth, and neighbours in the queue often
        # share it and their debut: then the band is already drawn.
        was = self._cohort_shown
        if was is None or was[0] is not path or was[1:] != (period_days, entry["first_date"]):
            x = (to_epoch(entry["first_date"])
                 + path.step.astype(float) * period_days * DAY_S)
            self.cohort_low.setData(x, path.p25)
            self.cohort_high.setData(x, path.p75)
            self.cohort_median.setData(x, path.p50)
            self.cohort_band.setVisible(True)
            self._cohort_shown = (path, period_days, entry["first_date"])
        self._legend_rows.append((self.cohort_median, label))

    # --- internals ---
    def _settle(self) -> None:
        """Lay out and place everything now, so that the next paint is the only one.

        pyqtgraph leaves two things to paint time: a legend or axis whose size changed
        posts a LayoutRequest, and a ViewBox applies a new range only when the scene
        emits ``sigPrepareForPaint``, which is when lines, regions and their labels
        move. Moved inside the paint, each of them marks the scene dirty again and Qt
        paints the plot a second time: half the time of showing an entry. The axes
        measure their labels here too (:func:`_axis_specs`).
        """
        if self._legend_resized:
            self._fit_legend()
            self._legend_resized = False
        item = self.getPlotItem()
        for name in ("left", "bottom", "right"):
            axis = item.getAxis(name)
            if self.isVisible() and axis.isVisible():  # measured at its real size
                _axis_specs(axis)
        self.legend.layout.activate()
        item.layout.activate()
        self.scene().prepareForPaint()
        self._clear_of_legend()

    def _clear_of_legend(self) -> None:
        """Put the signal's name at the foot of its line, or at the top where the legend
        (bottom right, over the usual tail of a run) would cover it."""
        if not self.peak_line.isVisible():
            return
        label = self.peak_line.label
        for position in (0.95, 0.05):
            label.setPosition(position)
            if not label.sceneBoundingRect().intersects(self.legend.sceneBoundingRect()):
                return

    def _update_legend(self) -> None:
        """Point the legend's rows at this entry's curves, building a row only once.

        A pyqtgraph legend row (a sample and a label) costs a few milliseconds to build,
        and a new one is polished in the next paint, which lays the legend out again
        and paints the plot a second time. Rows are kept in ``_legend_pool`` instead:
        a sample draws whatever curve it points at, a label is renamed only when its
        text changes, and rows are taken out of the layout when fewer are needed.
        """
        legend, pool, rows = self.legend, self._legend_pool, self._legend_rows
        shown = len(legend.items)  # pool[:shown] are in the legend's layout
        while len(pool) < len(rows):  # as LegendItem.addItem builds a row, not laid out
            curve, name = rows[len(pool)]
            sample = legend.sampleType(curve)
            sample.sigClicked.connect(legend.sigSampleClicked)
            pool.append((sample, pg.LabelItem(
                name, color=legend.opts["labelTextColor"], justify="left",
                size=legend.opts["labelTextSize"])))
        for (sample, label), (curve, name) in zip(pool, rows, strict=False):
            if sample.item is not curve:
                sample.item = curve
                sample.update()
            if label.text != name:
                label.setText(name)
                self._legend_resized = True
        if shown == len(rows):
            return
        for sample, label in pool[len(rows):shown]:
            for part in (sample, label):
                legend.layout.removeItem(part)
                part.setVisible(False)
        for i, (sample, label) in enumerate(pool[shown:len(rows)], start=shown):
            legend.layout.addItem(sample, i, 0, alignment=Qt.AlignmentFlag.AlignVCenter)
            legend.layout.addItem(label, i, 1)
            sample.setVisible(True)
            label.setVisible(True)
        legend.items = pool[:len(rows)]
        self._legend_resized = True

    def _fit_legend(self) -> None:
        """Size the legend to its rows, as ``LegendItem.updateSize`` does.

        updateSize adds up the rows' current geometry, which is their natural size only
        for rows built a moment before; a reused row may still be stretched to the box
        it had, so the natural sizes are asked for instead.
        """
        width = height = 0.0
        for sample, label in self.legend.items:
            a = sample.effectiveSizeHint(Qt.SizeHint.PreferredSize)
            b = label.effectiveSizeHint(Qt.SizeHint.PreferredSize)
            width = max(width, a.width() + 3 + b.width() + 3)
            height += max(a.height(), b.height())
        self.legend.setGeometry(0, 0, width, height)

    @staticmethod
    def _short(chart: str) -> str:
        return chart if len(chart) <= 40 else chart[:39] + "…"

    def _fit(self, ranks: np.ndarray) -> None:
        """Frame the data with some air: a one-week entry still gets a readable date axis."""
        xs = [self._x] + [c.getData()[0] for c in self.overlays if c.isVisible()]
        ys = [ranks] + [c.getData()[1] for c in self.overlays if c.isVisible()]
        x = np.concatenate([a for a in xs if a is not None and len(a)] or [np.array([])])
        y = np.concatenate([a for a in ys if a is not None and len(a)] or [np.array([])])
        y = y[np.isfinite(y)]
        if not len(x) or not len(y):
            self.getPlotItem().enableAutoRange()
            return
        lo, hi = float(x.min()), float(x.max())
        if hi - lo < MIN_SPAN_S:
            mid = (lo + hi) / 2
            lo, hi = mid - MIN_SPAN_S / 2, mid + MIN_SPAN_S / 2
        pad = max(3 * DAY_S, 0.04 * (hi - lo))
        self.setXRange(lo - pad, hi + pad, padding=0)
        top, bottom = max(0.0, float(y.min()) - 1), float(y.max()) + 1
        if bottom - top < 10:
            bottom = top + 10
        self.setYRange(top, bottom + 0.04 * (bottom - top), padding=0)

    def _show_volume(self, positions: Sequence[dict[str, Any]]) -> None:
        item = self.getPlotItem()
        for name in ("streams", "sales"):
            values = _floats([p.get(name) for p in positions])
            if positions and np.isfinite(values).any():
                self.volume_curve.setData(self._x, np.nan_to_num(values, nan=0.0))
                self.volume_curve.setVisible(True)
                item.showAxis("right")
                item.setLabel("right", name.capitalize())
                self._legend_rows.append((self.volume_curve, name.capitalize()))
                top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
                # Volume fills the lower part; the rank curve stays readable above it
                self.volume_box.setYRange(0, max(top, 1.0) * 1.6, padding=0)
                self._volume_name = name
                return
        self._volume_name = ""
        self.volume_curve.setData([], [])
        self.volume_curve.setVisible(False)
        item.hideAxis("right")

    def _show_overlays(self, entry: dict[str, Any] | None,
                       others: Sequence[dict[str, Any]]) -> None:
        by_chart: dict[str, list[dict[str, Any]]] = {}
        own = entry.get("entry_id") if entry else None
        for r in others:
            if r["entry_id"] != own:
                by_chart.setdefault(r["chart"], []).append(r)
        charts = list(by_chart.items())[:MAX_OVERLAYS]
        for curve, (chart, rows) in zip(self.overlays, charts, strict=False):
            curve.setData(_epochs(rows), _floats([r["rank"] for r in rows]))
            curve.setVisible(True)
            self._legend_rows.append((curve, self._short(chart)))
        for curve in self.overlays[len(charts):]:
            if curve.isVisible():  # a hidden one is already empty
                curve.setData([], [])
                curve.setVisible(False)

    def _show_marks(self, positions: Sequence[dict[str, Any]], ranks: np.ndarray,
                    signals: Sequence[dict[str, Any]]) -> None:
        fired = [s for s in signals if (s.get("contribution") or 0) > 0]
        if not fired or len(positions) == 0:
            self.spike_region.setVisible(False)
            self.peak_line.setVisible(False)
            return
        peak_i = int(np.nanargmin(ranks))
        self.peak_line.setValue(self._x[peak_i])
        # setFormat alone renders the text only on the next move of a visible line: the
        # first entry's mark had no name, and later ones the name of the entry before
        name = fired[0]["signal"].replace("_", " ")
        self.peak_line.label.setFormat(name)
        self.peak_line.label.setText(name)
        self.peak_line.setVisible(True)
        # Where the strongest signal looked: a debut's fall (its two periods after), a
        # run's exit, else the steepest climb in one step (or the debut week when it
        # debuted at its peak)
        climbs = -np.diff(ranks) if len(ranks) > 1 else np.array([])
        last = len(self._x) - 1
        if fired[0]["signal"] == "debut_crash" and last > 0:
            lo, hi = self._x[0], self._x[min(2, last)]
        elif fired[0]["signal"] == "cliff_exit" and last > 0:
            lo, hi = self._x[last - 1], self._x[last]
        elif climbs.size and np.nanmax(climbs) > 0:
            i = int(np.nanargmax(climbs))
            lo, hi = self._x[i], self._x[i + 1]
        else:
            lo = self._x[0] - 3.5 * 86400
            hi = self._x[0] + 3.5 * 86400
        self.spike_region.setRegion((lo, hi))
        self.spike_region.setVisible(True)

    def _sync_volume_box(self, *_: Any) -> None:
        vb = self.getPlotItem().getViewBox()
        self.volume_box.setGeometry(vb.sceneBoundingRect())
        self.volume_box.linkedViewChanged(vb, self.volume_box.XAxis)

    def _mouse_moved(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        vb = self.getPlotItem().getViewBox()
        if not self._rows or not vb.sceneBoundingRect().contains(pos):
            self.cursor_line.setVisible(False)
            return
        x = vb.mapSceneToView(pos).x()
        i = int(np.argmin(np.abs(self._x - x)))
        self.cursor_line.setValue(self._x[i])
        self.cursor_line.setVisible(True)
        QToolTip.showText(self.mapToGlobal(self.mapFromScene(pos).toPoint()),
                          self.position_text(i), self)

    def position_text(self, i: int) -> str:
        """The tooltip for the i-th position: date, rank, last week, volume."""
        p = self._rows[i]
        parts = [f"{p['date']}: No. {p['rank']}"]
        if p.get("last_rank"):
            parts.append(f"last week {p['last_rank']}")
        if p.get("weeks_on_chart"):
            parts.append(f"{p['weeks_on_chart']} weeks on chart")
        for name in ("streams", "sales"):
            if p.get(name) is not None:
                parts.append(f"{name} {p[name]:,.0f}")
        return " · ".join(parts)
