"""The plot's legend names what is drawn, entry after entry (labels are reused)."""

from __future__ import annotations

import pytest

from chartreview.qt.widgets.trajectory_plot import TrajectoryPlot

pytestmark = pytest.mark.gui


def _pos(dates: list[str], ranks: list[int], streams: bool = False) -> list[dict]:
    return [{"date": d, "rank": r, "streams": 1000 * r if streams else None, "sales": None}
            for d, r in zip(dates, ranks, strict=True)]


def _other(entry_id: int, chart: str, dates: list[str]) -> list[dict]:
    return [{"entry_id": entry_id, "chart": chart, "date": d, "rank": 5} for d in dates]


def legend(plot: TrajectoryPlot) -> list[str]:
    return [label.text for _, label in plot.legend.items]


def test_legend_follows_the_entry(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    days = ["2024-01-06", "2024-01-13", "2024-01-20"]
    a = {"entry_id": 1, "chart": "Hot 100 (us, weekly)"}
    plot.show_entry(a, _pos(days, [3, 2, 1]), _other(2, "Digital Song Sales (us, weekly)",
                                                     days), [])
    assert legend(plot) == ["Hot 100 (us, weekly)", "Digital Song Sales (us, weekly)"]
    b = {"entry_id": 3, "chart": "Streaming Songs (us, weekly)"}
    plot.show_entry(b, _pos(days, [9, 8, 7]), _other(4, "Hot 100 (us, weekly)", days), [])
    assert legend(plot) == ["Streaming Songs (us, weekly)", "Hot 100 (us, weekly)"]
    c = {"entry_id": 5, "chart": "Spotify Daily 100 (de, daily)"}
    plot.show_entry(c, _pos(days, [4, 4, 4], streams=True), [], [])
    assert legend(plot) == ["Spotify Daily 100 (de, daily)", "Streams"]
    _x, y = plot.rank_curve.getData()
    assert list(y) == [4, 4, 4]
    plot.show_entry(None, [], [], [])
    assert legend(plot) == []
