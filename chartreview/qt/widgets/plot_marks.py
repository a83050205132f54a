"""What the analyst marks on a trajectory plot: the campaign range and a week cursor.

:class:`PlotMarks` attaches to a :class:`~chartreview.qt.widgets.trajectory_plot.
TrajectoryPlot` without changing it: a shaded region for the campaign (the weeks the
analyst said it ran), a solid line for the week cursor that ``[``, ``]`` and ``O`` act on,
a drag along the time axis (below the plot, or Shift+drag inside it) to mark a range,
and a click on the plot to open that chart week. Dates are ISO days; the plot's x axis
is seconds since 1970 (UTC).

The marks only show and report; the window writes (through the review session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent

DAY_S = 86400.0
CAMPAIGN = QColor(196, 160, 20)  # a yellow apart from the signals' orange (the report's)
DRAG_MIN_PX = 4  # a press that moves less than this is a click


def to_epoch(day: str) -> float:
    return datetime.fromisoformat(day[:10]).replace(tzinfo=UTC).timestamp()


def epochs(rows: Sequence[dict[str, Any]]) -> np.ndarray:
    """``to_epoch`` of each row's date, parsed by numpy (a case holds hundreds)."""
    days = np.array([r["date"][:10] for r in rows], dtype="datetime64[D]")
    return days.astype(np.int64) * DAY_S


def from_epoch(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d")


class PlotMarks(QObject):
    """The campaign shade, the week cursor, the range drag and the week click of a plot."""

    range_dragged = Signal(str, str)  # first and last week (ISO), in order
    week_clicked = Signal(object)  # the position row nearest the click
    cursor_moved = Signal(object)  # the position row under the week cursor

    def __init__(self, plot: pg.PlotWidget) -> None:
        super().__init__(plot)
        self.plot = plot
        item = plot.getPlotItem()
        fill = QColor(CAMPAIGN)
        fill.setAlpha(50)
        self.campaign = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(fill),
                                            pen=pg.mkPen(CAMPAIGN, width=1))
        self.campaign.setZValue(-20)
        self.campaign.setVisible(False)
        item.addItem(self.campaign, ignoreBounds=True)
        self.campaign_label = pg.TextItem("campaign", color=CAMPAIGN, anchor=(0, 0))
        self.campaign_label.setVisible(False)
        item.addItem(self.campaign_label, ignoreBounds=True)
        preview = QColor(CAMPAIGN)
        preview.setAlpha(90)
        self.preview = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(preview),
                                           pen=pg.mkPen(None))
        self.preview.setVisible(False)
        item.addItem(self.preview, ignoreBounds=True)
        self.cursor = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(CAMPAIGN.darker(130), width=1.5))
        self.cursor.setVisible(False)
        item.addItem(self.cursor, ignoreBounds=True)
        self.rows: list[dict[str, Any]] = []  # every position of the case (chart_id, date...)
        self.main: list[dict[str, Any]] = []  # the shown run's positions (the cursor's)
        self.cursor_index: int | None = None
        self.range: tuple[str | None, str | None] = (None, None)
        self._press: QPointF | None = None
        self._dragging = False
        self._x = np.array([])
        self._y = np.array([])
        plot.viewport().installEventFilter(self)
        item.getViewBox().sigRangeChanged.connect(self._place_label)

    # --- public API ---
    def show_case(self, rows: Sequence[dict[str, Any]], main: Sequence[dict[str, Any]],
                  campaign: tuple[str | None, str | None], cursor: int | None = None) -> None:
        """The case's positions (for clicks), its shown run (for the cursor) and range.

        The same run shown again (after a write) keeps its cursor week.
        """
        same = bool(main) and bool(self.main) and \
            main[0].get("entry_id") == self.main[0].get("entry_id")
        if same and cursor is None and self.cursor_index is not None:
            cursor = self.cursor_index
        self.rows = list(rows)
        self.main = list(main)
        self._x = epochs(self.rows)
        self._y = np.array([float(r["rank"]) for r in self.rows])
        self.set_campaign(*campaign)
        if cursor is None or not self.main:
            self.cursor_index = None
            self.cursor.setVisible(False)
        else:
            self.move_cursor_to(cursor)

    def set_campaign(self, start: str | None, end: str | None) -> None:
        """Shade the weeks from ``start`` to ``end`` (an open end reaches the run's edge)."""
        self.range = (start, end)
        if not start and not end:
            self.campaign.setVisible(False)
            self.campaign_label.setVisible(False)
            return
        days = list(epochs(self.main)) or [to_epoch(start or end or "")]
        half = self._half_period()
        lo = to_epoch(start) - half if start else min(days) - half
        hi = to_epoch(end) + half if end else max(days) + half
        self.campaign.setRegion((lo, hi))
        self.campaign.setVisible(True)
        self.campaign_label.setVisible(True)
        self._place_label()

    def move_cursor(self, step: int) -> dict[str, Any] | None:
        """Move the week cursor ``step`` positions along the shown run."""
        if not self.main:
            return None
        start = self.cursor_index if self.cursor_index is not None else self._peak_index()
        return self.move_cursor_to(start + step if self.cursor_index is not None else start)

    def move_cursor_to(self, index: int) -> dict[str, Any] | None:
        if not self.main:
            return None
        self.cursor_index = max(0, min(index, len(self.main) - 1))
        row = self.main[self.cursor_index]
        self.cursor.setValue(to_epoch(row["date"]))
        self.cursor.setVisible(True)
        self.cursor_moved.emit(row)
        return row

    def cursor_row(self) -> dict[str, Any] | None:
        """The shown run's position under the cursor (its peak week until moved)."""
        if not self.main:
            return None
        i = self.cursor_index if self.cursor_index is not None else self._peak_index()
        return self.main[i]

    def nearest(self, x: float, y: float) -> dict[str, Any] | None:
        """The position nearest a point of the plot (in weeks across, in ranks up)."""
        if not len(self._x):
            return None
        vb = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        dx = (self._x - x) / max(x1 - x0, 1.0)
        dy = (self._y - y) / max(abs(y1 - y0), 1.0)
        return self.rows[int(np.argmin(dx * dx + dy * dy))]

    # --- internals ---
    def _peak_index(self) -> int:
        ranks = [r["rank"] for r in self.main]
        return int(np.argmin(ranks)) if ranks else 0

    def _half_period(self) -> float:
        days = np.unique(epochs(self.main))
        gaps = np.diff(days) if len(days) > 1 else np.array([7 * DAY_S])
        return float(np.median(gaps)) / 2

    def _place_label(self, *_: Any) -> None:
        if not self.campaign_label.isVisible():
            return
        (lo, _hi) = self.campaign.getRegion()
        vb = self.plot.getPlotItem().getViewBox()
        (x0, _x1), (y0, y1) = vb.viewRange()
        top = min(y0, y1) if vb.yInverted() else max(y0, y1)
        self.campaign_label.setPos(max(lo, x0), top)

    def _in_axis(self, scene_pos: QPointF) -> bool:
        """On the date axis's strip under the plot (its bounding rect, with the grid on,
        covers the whole plot: its own geometry does not)."""
        axis = self.plot.getPlotItem().getAxis("bottom")
        return axis.isVisible() and axis.mapRectToScene(axis.rect()).contains(scene_pos) \
            and not self._in_plot(scene_pos)

    def _in_plot(self, scene_pos: QPointF) -> bool:
        return self.plot.getPlotItem().getViewBox().sceneBoundingRect().contains(scene_pos)

    def _view_x(self, scene_pos: QPointF) -> float:
        vb = self.plot.getPlotItem().getViewBox()
        return float(vb.mapSceneToView(QPointF(scene_pos.x(), vb.sceneBoundingRect().center()
                                               .y())).x())

    def _snap(self, x: float) -> str:
        """The run's chart date nearest ``x`` (any date when the run has none)."""
        if self.main:
            days = epochs(self.main)
            return self.main[int(np.argmin(np.abs(days - x)))]["date"][:10]
        return from_epoch(x)

    # --- Qt overrides ---
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                        QEvent.Type.MouseButtonRelease):
            return False
        assert isinstance(event, QMouseEvent)
        scene_pos = self.plot.mapToScene(event.position().toPoint())
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            drag_here = self._in_axis(scene_pos) or (
                self._in_plot(scene_pos)
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if drag_here:
                self._press, self._dragging = scene_pos, False
                return True  # the axis would pan the plot; this drag marks a range
            if self._in_plot(scene_pos):
                self._press, self._dragging = None, False
                self._click_at = scene_pos
            return False
        if kind == QEvent.Type.MouseMove and self._press is not None:
            if abs(scene_pos.x() - self._press.x()) >= DRAG_MIN_PX:
                self._dragging = True
            if self._dragging:
                a, b = sorted((self._view_x(self._press), self._view_x(scene_pos)))
                self.preview.setRegion((a, b))
                self.preview.setVisible(True)
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            if self._press is not None:
                press, self._press = self._press, None
                self.preview.setVisible(False)
                if self._dragging:
                    a, b = sorted((self._view_x(press), self._view_x(scene_pos)))
                    self.range_dragged.emit(self._snap(a), self._snap(b))
                self._dragging = False
                return True
            click = getattr(self, "_click_at", None)
            self._click_at = None
            if click is not None and (abs(click.x() - scene_pos.x()) < DRAG_MIN_PX
                                      and abs(click.y() - scene_pos.y()) < DRAG_MIN_PX):
                point = self.plot.getPlotItem().getViewBox().mapSceneToView(scene_pos)
                row = self.nearest(point.x(), point.y())
                if row is not None:
                    self.week_clicked.emit(row)
        return False
