"""TrajectoryPlot: an entry's rank over time, its volume, and the same track elsewhere.

Every item is built once in ``__init__``; :meth:`show_entry` only calls ``setData``,
``setValue`` and ``setVisible``, so walking the queue with J/K does not rebuild the scene.
Rank 1 is at the top (the y axis is inverted). Streams or sales, when the chart has them,
sit on a second axis at the right, in their own ViewBox.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from pyqtgraph.Qt import internals
from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPicture,
    QPixmap,
    QTransform,
)

from chartreview.domain import plural, visible
from chartreview.qt.models.entry_table import signal_label
from chartreview.qt.widgets.plot_legend import PlotLegend

MAX_OVERLAYS = 7  # with the entry's own chart: eight curves, eight colours
DAY_S = 86400.0
MIN_SPAN_S = 56 * DAY_S  # show at least eight weeks of dates
# A qualitative palette (Tableau 10 without its yellow and grey, which vanish on a white
# plot): eight hues far enough apart that two charts of one kind never look alike.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f",
           "#ff9da7")
# What a chart measures decides how its curve is drawn, so the colour can name the chart
METRIC_STYLE = {
    "streams": Qt.PenStyle.SolidLine, "sales": Qt.PenStyle.DashLine,
    "airplay": Qt.PenStyle.DotLine, "composite": Qt.PenStyle.DashDotLine,
    "viral": Qt.PenStyle.DashDotDotLine,
}
_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
# Signals about how a run began: they fired in its first week, though their reason names
# no date (the others without a date describe the whole run)
DEBUT_SIGNALS = frozenset({"debut_crash", "flood"})


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


def chart_colors(chart_ids: Sequence[int | None]) -> list[int]:
    """A colour (an index into ``PALETTE``) per chart, the same for a chart from entry to
    entry where it can be.

    A chart's colour is the palette's (id - 1)th; a chart whose colour is already taken in
    this plot (more than eight charts in the project), or without an id, gets the next
    free one.
    """
    taken: set[int] = set()
    out = []
    for n, cid in enumerate(chart_ids):
        i = (int(cid) - 1 if cid is not None else n) % len(PALETTE)
        while i in taken and len(taken) < len(PALETTE):
            i = (i + 1) % len(PALETTE)
        taken.add(i)
        out.append(i)
    return out


def fired_on(signals: Sequence[dict[str, Any]], days: Sequence[str], period_days: int
             ) -> list[list[str]]:
    """The fired signals (contribution > 0) to name at each of ``days`` (ISO dates, sorted).

    A signal whose reason names a date fired in the chart period holding that date (a week
    on a weekly chart); one about how the run began (``DEBUT_SIGNALS``) in its first
    period; any other describes the whole run and is named at every period.
    """
    out: list[list[str]] = [[] for _ in days]
    if not days:
        return out
    epochs = np.array([to_epoch(d) for d in days])
    for s in signals:
        if (s.get("contribution") or 0) <= 0:
            continue
        name = signal_label(s["signal"])
        named = [to_epoch(d) for d in _ISO_DAY.findall(s.get("reason") or "")]
        if named:
            for t in named:
                hit = np.flatnonzero((epochs <= t) & (t < epochs + period_days * DAY_S))
                if not len(hit):  # a date between two periods: the one before it
                    hit = np.flatnonzero(np.abs(epochs - t) < period_days * DAY_S)[:1]
                for i in hit.tolist():
                    if name not in out[i]:
                        out[i].append(name)
        elif s["signal"] in DEBUT_SIGNALS:
            out[0].append(name)
        else:
            for names in out:
                names.append(f"{name} (whole run)")
    return out


def movement(rows: Sequence[dict[str, Any]], i: int, period_days: int) -> str:
    """How the i-th position moved: from the source's last-week rank, else the position
    one period before; a first position is a debut, one after a gap a re-entry."""
    p = rows[i]
    before = p.get("last_rank")
    if not before and i > 0:
        gap = to_epoch(p["date"]) - to_epoch(rows[i - 1]["date"])
        if gap <= period_days * DAY_S * 1.5:
            before = rows[i - 1]["rank"]
    if not before or before <= 0:
        return "debut" if i == 0 else "re-entry"
    step = int(before) - int(p["rank"])
    if step > 0:
        return f"up {step} from No. {before}"
    if step < 0:
        return f"down {-step} from No. {before}"
    return f"unchanged from No. {before}"


NO_SYMBOL_PEN = pg.mkPen(None)  # symbols have no outline

_SHIFTS = (QTransform.TransformationType.TxNone, QTransform.TransformationType.TxTranslate)


class RankMarks(pg.GraphicsObject):
    """The symbols on a rank curve: one picture of the symbol, stamped at every point.

    pyqtgraph's ScatterPlotItem keeps a record per point (pen, brush, size, symbol, its
    place in an atlas) and rebuilds them on every ``setData``: for the nine curves of a
    case that was 7 ms of switching case, and its paint another 4. Every point of a curve
    here has the same symbol, size and colour, so the picture is rendered once per colour
    (and screen scale) and the paint is one ``drawPixmapFragments`` call. A child of its
    curve, it is drawn over the line and shown and hidden with it.
    """

    # (symbol, size, colour, device pixel ratio) -> the symbol's picture, shared by every
    # plot (a few per colour of the palette)
    pictures: dict[tuple[str, float, int, float], QPixmap] = {}

    def __init__(self, parent: pg.GraphicsObject, symbol: str, size: float) -> None:
        super().__init__(parent)
        self.symbol, self.size = symbol, size
        self.color = QColor()
        self._x = self._y = np.array([])
        self._rect: QRectF | None = None
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def set_color(self, color: QColor) -> None:
        if color != self.color:
            self.color = QColor(color)
            self.update()

    def set_points(self, x: Any, y: Any) -> None:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        keep = np.isfinite(x) & np.isfinite(y)
        self.prepareGeometryChange()
        self._x, self._y = x[keep], y[keep]
        self._rect = None
        self.update()

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def picture(self, dpr: float) -> QPixmap:
        key = (self.symbol, self.size, self.color.rgba(), dpr)
        pixmap = self.pictures.get(key)
        if pixmap is None:  # as pyqtgraph renders a symbol: antialiased, centred
            side = math.ceil(dpr * (self.size + 1))
            pixmap = QPixmap(side, side)
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            try:
                p.setRenderHint(QPainter.RenderHint.Antialiasing)
                p.translate(side / dpr / 2, side / dpr / 2)
                drawSymbol(p, self.symbol, self.size, NO_SYMBOL_PEN, pg.mkBrush(self.color))
            finally:
                p.end()
            self.pictures[key] = pixmap
        return pixmap

    # --- pyqtgraph and Qt overrides ---
    def viewTransformChanged(self) -> None:
        # the symbols' size is in pixels: their bounds in data units follow the view
        self.prepareGeometryChange()
        self._rect = None
        super().viewTransformChanged()

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            if not len(self._x):
                self._rect = QRectF()
            else:
                x0, x1 = float(self._x.min()), float(self._x.max())
                y0, y1 = float(self._y.min()), float(self._y.max())
                px, py = self.pixelVectors()
                pad = self.size * 0.7072 + 1  # a symbol's half diagonal, and a pixel
                w = 0.0 if px is None else px.length() * pad
                h = 0.0 if py is None else py.length() * pad
                self._rect = QRectF(x0 - w, y0 - h, x1 - x0 + 2 * w, y1 - y0 + 2 * h)
        return self._rect

    def paint(self, p: QPainter, *_: Any) -> None:
        if not len(self._x):
            return
        t = p.transform()  # data to device pixels: the symbols are drawn at pixel size
        x = t.m11() * self._x + t.m21() * self._y + t.dx()
        y = t.m12() * self._x + t.m22() * self._y + t.dy()
        dpr = p.device().devicePixelRatioF()
        pixmap = self.picture(dpr)
        self._fragments.resize(len(x))
        frags = self._fragments.ndarray()
        frags[:, 0] = np.clip(x, -2 ** 30, 2 ** 30)  # the centre of each stamp
        frags[:, 1] = np.clip(y, -2 ** 30, 2 ** 30)
        frags[:, 2:6] = [0, 0, pixmap.width(), pixmap.height()]  # all of the picture
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]  # scale, rotation, opacity
        p.save()
        p.resetTransform()
        p.drawPixmapFragments(*self._fragments.drawargs(), pixmap)
        p.restore()


class RankCurve(pg.PlotCurveItem):
    """A chart's rank line with a symbol (:class:`RankMarks`) on every position.

    ``opts`` carries ``symbol`` and ``symbolBrush`` as a PlotDataItem's does, for the
    legend's swatch.
    """

    def __init__(self, symbol: str, size: float, brush: Any) -> None:
        super().__init__(connect="finite")
        self.marks = RankMarks(self, symbol, size)
        self.opts["symbol"] = symbol
        self.set_symbol_brush(brush)

    def set_symbol_brush(self, brush: Any) -> None:
        self.opts["symbolBrush"] = brush
        self.marks.set_color(pg.mkBrush(brush).color())

    def setData(self, *args: Any, **kwargs: Any) -> None:
        super().setData(*args, **kwargs)
        if not hasattr(self, "marks"):  # PlotCurveItem's __init__ sets no data yet
            return
        x, y = self.getData()
        self.marks.set_points([] if x is None else x, [] if y is None else y)


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


class RankAxis(ValueAxis):
    """The rank axis: whole ranks from 1 down, and No. 1 labelled whenever it is in view."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        levels = [(spacing, [v for v in values if v >= 1 and float(v).is_integer()])
                  for spacing, values in super().tickValues(minVal, maxVal, size)]
        lo, hi = sorted((minVal, maxVal))
        if levels and lo <= 1 <= hi:  # on the major level: minor ones are often unlabelled
            levels = [(spacing, [v for v in values if v != 1]) for spacing, values in levels]
            spacing, values = levels[0]
            levels[0] = (spacing, [1.0, *values])
        return levels


def _utc_level(level: Any) -> Any:
    """A copy of a pyqtgraph date zoom level for an axis in UTC.

    pyqtgraph moves each tick to local time through two QDateTime conversions, which at a
    UTC offset of 0 move nothing: half of measuring the date axis (2.5 -> 1.2 ms a case).
    """
    mine = copy.copy(level)
    if hasattr(mine, "moveTicksToLocalTimeCoords"):
        mine.moveTicksToLocalTimeCoords = lambda ticks, spacing, skip_factor: ticks
    return mine


class DateAxis(pg.DateAxisItem):
    """The date axis, painted without a QPicture (see :func:`_paint_axis`).

    Month names carry their year on the first label in view and on every January, so a
    run is never read against the wrong year.
    """

    _draw_specs: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.utcOffset == 0:  # UTC: zoom levels of its own whose ticks stay put
            self.zoomLevels = type(self.zoomLevels)(
                (density, _utc_level(level)) for density, level in self.zoomLevels.items())

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().tickStrings(values, scale, spacing)
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        if spec is None or spec.format != "%b":
            return strings
        # The values run past the view on both sides, and a label too close to the left
        # edge to fit is not drawn: the year goes on the first one clear of it
        lo, hi = sorted(self.range)
        fm = QFontMetrics(self.style["tickFont"] or self.font())
        room = fm.horizontalAdvance("Sep 2025") / 2 + 2  # half a label with its year
        lo += (hi - lo) * room / max(self.geometry().width(), 1.0)
        first = True
        out = []
        for v, text in zip(values, strings, strict=True):
            day = datetime.fromtimestamp(v, tz=UTC)
            in_view = v >= lo
            if text and in_view and (first or day.month == 1):
                text = f"{text} {day.year}"
            first = first and not in_view
            out.append(text)
        return out

    # --- Qt overrides ---
    def paint(self, p: QPainter, *_: Any) -> None:
        _paint_axis(self, p)


class TrajectoryPlot(pg.PlotWidget):
    """Rank trajectory of one entry with overlays, volume, signal marks and a crosshair.

    Pointing at the plot snaps a crosshair to the nearest chart date and emits
    ``hovered`` with that period's figures (see :meth:`position_text`); leaving the data
    emits an empty string.
    """

    hovered = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent=parent, axisItems={
            "bottom": DateAxis(utcOffset=0), "left": RankAxis("left"),
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
        # The legend is widgets for under the plot, outside the data: no curve is ever
        # hidden behind it, and its rows wrap in a narrow window (the view places it)
        self.legend = PlotLegend()
        # The same track on other charts (drawn under the main curve): a curve per colour
        # of the palette, so a chart keeps its curve from entry to entry and its pen and
        # symbols are not redone (re-rendering symbols cost a tenth of a selection)
        self.overlays: list[RankCurve] = []
        self._symbol_brushes = {color: pg.mkBrush(color) for color in PALETTE}
        for color in PALETTE:
            curve = RankCurve("t", 5, self._symbol_brushes[color])
            curve.setVisible(False)
            item.addItem(curve)
            self.overlays.append(curve)
        self.shown_overlays: list[RankCurve] = []  # in legend order
        self._styles: dict[int, tuple[str, str]] = {}  # id(curve) -> (colour, metric) drawn
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
        self.rank_curve = RankCurve("o", 6, self._symbol_brushes[PALETTE[0]])
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
        self._fired: list[list[str]] = []
        self._period_days = 7
        self.readout = ""
        self._axes_shown = True
        self._volume_name = ""
        self._volume_axis: str | None = None  # the right axis as last set (None: not yet)
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
        self._period_days = 1 if (entry or {}).get("frequency") == "daily" else 7
        self._fired = fired_on(signals, [p["date"][:10] for p in positions], self._period_days)
        ranks = _floats([p["rank"] for p in positions])
        self._legend_rows: list[tuple[Any, str]] = []
        self.rank_curve.setData(self._x, ranks)
        charts = self._overlay_charts(entry, others)
        colors = chart_colors([(entry or {}).get("chart_id"),
                               *(rows[0].get("chart_id") for _, rows in charts)])
        if entry is not None:
            self._style(self.rank_curve, colors[0], entry.get("metric"), width=2.5,
                        symbols=True)
            self._legend_rows.append((self.rank_curve, self._short(entry.get("chart", ""))))
        self._show_volume(positions)
        self._show_overlays(charts, colors[1:])
        self._show_cohort(entry, cohort)
        self._update_legend()
        self._show_marks(positions, ranks, signals)
        self.cursor_line.setVisible(False)
        self._set_readout("")
        item.setTitle(None)
        empty = entry is None or not positions
        if self._axes_shown == empty:  # no axes of an entry no longer shown; showAxis
            for name in ("left", "bottom"):  # lays the axis out again: only on a change
                item.showAxis(name, not empty)
            self._axes_shown = not empty
        if empty:
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
        # share it: then the band is already drawn, and an entry that debuted on another
        # day only moves it there (the curves hold periods since the debut; building the
        # band's outline again was a tenth of the plot's work)
        was = self._cohort_shown
        if was is None or was[0] is not path or was[1] != period_days:
            x = path.step.astype(float) * period_days * DAY_S
            self.cohort_low.setData(x, path.p25)
            self.cohort_high.setData(x, path.p75)
            self.cohort_median.setData(x, path.p50)
            self.cohort_band.setVisible(True)
        if was is None or was[2] != entry["first_date"]:
            start = to_epoch(entry["first_date"])
            for part in (*parts, self.cohort_band):
                part.setPos(start, 0)
        self._cohort_shown = (path, period_days, entry["first_date"])
        self._legend_rows.append((self.cohort_median, label))

    # --- internals ---
    def _settle(self) -> None:
        """Lay out and place everything now, so that the next paint is the only one.

        pyqtgraph leaves two things to paint time: an axis whose size changed posts a
        LayoutRequest, and a ViewBox applies a new range only when the scene
        emits ``sigPrepareForPaint``, which is when lines, regions and their labels
        move. Moved inside the paint, each of them marks the scene dirty again and Qt
        paints the plot a second time: half the time of showing an entry. The axes
        measure their labels here too (:func:`_axis_specs`).
        """
        item = self.getPlotItem()
        for name in ("left", "bottom", "right"):
            axis = item.getAxis(name)
            if self.isVisible() and axis.isVisible():  # measured at its real size
                _axis_specs(axis)
        item.layout.activate()
        self.scene().prepareForPaint()

    def _update_legend(self) -> None:
        self.legend.set_rows(self._legend_rows)

    def _style(self, curve: pg.PlotCurveItem, color: int, metric: str | None,
               width: float = 1.5, symbols: bool = False) -> None:
        """Draw a rank curve in its chart's colour (its symbols too, if asked: the
        overlays' are set once) and its metric's line style."""
        key = (PALETTE[color], metric or "")
        if self._styles.get(id(curve)) == key:
            return
        self._styles[id(curve)] = key
        style = METRIC_STYLE.get(metric or "", Qt.PenStyle.SolidLine)
        curve.setPen(pg.mkPen(PALETTE[color], width=width, style=style))
        if symbols:
            curve.set_symbol_brush(self._symbol_brushes[PALETTE[color]])

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
        best, worst = float(y.min()), float(y.max()) + 1
        if worst - best < 10:
            worst = best + 10
        # Room above the best rank for its marker and its axis label (a label cut by the
        # plot's edge is not drawn at all): a twentieth of the span, at least half a rank
        air = max(0.5, 0.05 * (worst - best))
        # both at once: the view and everything placed in it are updated once
        self.getPlotItem().getViewBox().setRange(
            xRange=(lo - pad, hi + pad), yRange=(best - air, worst + 0.04 * (worst - best)),
            padding=0)

    def _show_volume(self, positions: Sequence[dict[str, Any]]) -> None:
        item = self.getPlotItem()
        for name in ("streams", "sales"):
            values = _floats([p.get(name) for p in positions])
            if positions and np.isfinite(values).any():
                self.volume_curve.setData(self._x, np.nan_to_num(values, nan=0.0))
                self.volume_curve.setVisible(True)
                if self._volume_axis != name:  # pyqtgraph sets the label's HTML and
                    item.showAxis("right")  # sizes the axis again even when unchanged
                    item.setLabel("right", name.capitalize())
                    self._volume_axis = name
                self._legend_rows.append((self.volume_curve, name.capitalize()))
                top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
                # Volume fills the lower part; the rank curve stays readable above it
                self.volume_box.setYRange(0, max(top, 1.0) * 1.6, padding=0)
                self._volume_name = name
                return
        self._volume_name = ""
        self.volume_curve.setData([], [])
        self.volume_curve.setVisible(False)
        if self._volume_axis != "":
            item.hideAxis("right")
            self._volume_axis = ""

    @staticmethod
    def _overlay_charts(entry: dict[str, Any] | None, others: Sequence[dict[str, Any]]
                        ) -> list[tuple[str, list[dict[str, Any]]]]:
        """The track's rows on other charts, chart by chart (at most ``MAX_OVERLAYS``)."""
        by_chart: dict[str, list[dict[str, Any]]] = {}
        own = entry.get("entry_id") if entry else None
        for r in others:
            if r["entry_id"] != own:
                by_chart.setdefault(r["chart"], []).append(r)
        return list(by_chart.items())[:MAX_OVERLAYS]

    def _show_overlays(self, charts: list[tuple[str, list[dict[str, Any]]]],
                       colors: list[int]) -> None:
        self.shown_overlays = []
        for (chart, rows), color in zip(charts, colors, strict=True):
            curve = self.overlays[color]
            self._style(curve, color, rows[0].get("metric"))
            curve.setData(_epochs(rows), _floats([r["rank"] for r in rows]))
            curve.setVisible(True)
            self.shown_overlays.append(curve)
            self._legend_rows.append((curve, self._short(chart)))
        for curve in self.overlays:
            if curve.isVisible() and curve not in self.shown_overlays:
                curve.setData([], [])  # a hidden one is kept empty
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
            self._set_readout("")
            return
        x = vb.mapSceneToView(pos).x()
        i = int(np.argmin(np.abs(self._x - x)))
        self.cursor_line.setValue(self._x[i])
        self.cursor_line.setVisible(True)
        self._set_readout(self.position_text(i))

    def _set_readout(self, text: str) -> None:
        text = visible(text)  # signal reasons quote titles and names
        if text != self.readout:
            self.readout = text
            self.hovered.emit(text)

    def position_text(self, i: int) -> str:
        """The readout of the i-th position: the week (or day), rank and how it moved,
        volume, weeks on chart, and the signals that fired then."""
        p = self._rows[i]
        when = "Day" if self._period_days == 1 else "Week of"
        parts = [f"{when} {p['date'][:10]}: No. {p['rank']}, "
                 f"{movement(self._rows, i, self._period_days)}"]
        for name in ("streams", "sales"):
            if p.get(name) is not None:
                parts.append(f"{name} {p[name]:,.0f}")
        if p.get("weeks_on_chart") and self._period_days == 7:  # weeks, on a weekly chart
            parts.append(f"{plural(int(p['weeks_on_chart']), 'week')} on chart")
        fired = self._fired[i] if i < len(self._fired) else []
        parts.append("signals: " + ", ".join(fired) if fired else "no signal fired")
        return " · ".join(parts)
