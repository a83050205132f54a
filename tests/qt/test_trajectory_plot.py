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
    from chartreview.scoring.cohort import typical_path

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


def _days(first: str, n: int) -> list[str]:
    from datetime import date, timedelta

    start = date.fromisoformat(first)
    return [(start + timedelta(days=i)).isoformat() for i in range(n)]


def _labels(plot: TrajectoryPlot, side: str) -> list:
    from chartreview.qt.widgets.trajectory_plot import _axis_specs

    return _axis_specs(plot.getPlotItem().getAxis(side))[2]


def test_date_labels_never_print_over_each_other(qtbot) -> None:
    # A month's name used to land on the day beside it ("31Aug") at some widths
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.show()
    days = _days("2025-06-26", 61)
    entry = {"entry_id": 1, "chart": "Spotify Daily 100 (us, daily)"}
    months = 0
    for width in range(420, 820, 40):
        plot.resize(width, 300)
        qtbot.wait(1)
        plot.show_entry(entry, _pos(days, [50 - i % 40 for i in range(61)]), [], [])
        qtbot.wait(1)
        texts = _labels(plot, "bottom")
        assert len(texts) >= 2, width
        rects = [rect for rect, _flags, _text in texts]
        for i, a in enumerate(rects):
            assert not any(a.intersects(b) for b in rects[i + 1:]), (
                width, [t for *_, t in texts])
        months += sum(t in ("Jul", "Aug") for *_, t in texts)
        days_shown = [t for *_, t in texts if t.isdigit()]
        assert width < 580 or len(days_shown) >= 8, (width, days_shown)
    assert months > 0  # the coarser level (months) is what stays


def test_the_signal_name_is_not_drawn_under_the_legend(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.resize(560, 320)
    plot.show()
    days = _days("2024-11-17", 40)
    ranks = [48 - i for i in range(36)] + [13, 12, 11, 12]  # peak late: under the legend
    entry = {"entry_id": 1, "chart": "Spotify Daily 100 (de, daily)"}
    signals = [{"signal": "smooth_streams", "contribution": 60.0}]
    plot.show_entry(entry, _pos(days, ranks, streams=True), [], signals)
    qtbot.wait(1)
    label = plot.peak_line.label
    assert label.isVisible() and label.toPlainText() == "smooth streams"  # named at once
    assert not label.sceneBoundingRect().intersects(plot.legend.sceneBoundingRect())
    plot.show_entry(entry, _pos(days, ranks), [], [{"signal": "flood", "contribution": 9.0}])
    assert label.toPlainText() == "flood"  # this entry's signal, not the one before


def test_the_marked_weeks_are_where_the_signal_looked(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.resize(560, 320)
    plot.show()
    days = _days("2024-11-17", 8)
    ranks = [4, 19, 53, 71, 92, 60, 30, 95]  # a debut's fall, then a climb back later
    entry = {"entry_id": 1, "chart": "Hot 100 (us, weekly)"}
    plot.show_entry(entry, _pos(days, ranks), [], [{"signal": "debut_crash",
                                                    "contribution": 60.0}])
    assert plot.spike_region.getRegion() == (plot._x[0], plot._x[2])  # debut and fall
    plot.show_entry(entry, _pos(days, ranks), [], [{"signal": "spike", "contribution": 9.0}])
    assert plot.spike_region.getRegion() == (plot._x[4], plot._x[5])  # steepest: 92 -> 60
