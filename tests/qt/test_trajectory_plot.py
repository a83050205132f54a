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


def test_cohort_band_under_the_entry(qtbot) -> None:
    from chartreview.scoring.features import typical_path

    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    days = ["2024-01-06", "2024-01-13", "2024-01-20"]
    rows = [(e, 7 * w, 20 + w * 5 + e) for e in range(6) for w in range(3)]
    cohort = (typical_path(rows, 7), 7, "Typical path: 6 debuts at No. 11-20")
    entry = {"entry_id": 1, "chart": "Hot 100 (us, weekly)", "first_date": days[0]}
    plot.show_entry(entry, _pos(days, [15, 5, 1]), [], [], cohort)
    assert plot.cohort_band.isVisible()
    assert legend(plot) == ["Hot 100 (us, weekly)", "Typical path: 6 debuts at No. 11-20"]
    _x, median = plot.cohort_median.getData()
    assert list(median) == [22.5, 27.5, 32.5]  # the cohort fell while this one climbed
    plot.show_entry(entry, _pos(days, [15, 5, 1]), [], [], None)
    assert not plot.cohort_band.isVisible() and len(legend(plot)) == 1


def test_legend_rows_are_kept_when_their_number_changes(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    days = ["2024-01-06", "2024-01-13", "2024-01-20"]
    a = {"entry_id": 1, "chart": "Hot 100 (us, weekly)"}
    radio = _other(2, "Radio Songs (us, weekly)", days)
    plot.show_entry(a, _pos(days, [3, 2, 1]), radio, [])
    built = [label for _, label in plot.legend.items]
    plot.show_entry(a, _pos(days, [3, 2, 1]), [], [])
    assert legend(plot) == ["Hot 100 (us, weekly)"]
    # more rows than were ever built: the two kept rows come back, two are new
    sales = _other(3, "Digital Song Sales (us, weekly)", days)
    plot.show_entry(a, _pos(days, [3, 2, 1], streams=True), radio + sales, [])
    assert legend(plot) == ["Hot 100 (us, weekly)", "Streams", "Radio Songs (us, weekly)",
                            "Digital Song Sales (us, weekly)"]
    assert [label for _, label in plot.legend.items][:2] == built
    assert [sample.item for sample, _ in plot.legend.items] == [
        plot.rank_curve, plot.volume_curve, *plot.overlays[:2]]
    assert plot.legend.layout.count() == 8  # a sample and a label per row
    assert all(s.isVisibleTo(plot.legend) and lb.isVisibleTo(plot.legend)
               for s, lb in plot.legend.items)
