"""The plot: its legend, its axes, its colours, and the readout under the pointer."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from chartreview.qt.widgets.trajectory_plot import TrajectoryPlot, to_epoch

pytestmark = pytest.mark.gui


def _pos(dates: list[str], ranks: list[int], streams: bool = False) -> list[dict]:
    return [{"date": d, "rank": r, "streams": 1000 * r if streams else None, "sales": None}
            for d, r in zip(dates, ranks, strict=True)]


def _other(entry_id: int, chart: str, dates: list[str]) -> list[dict]:
    return [{"entry_id": entry_id, "chart": chart, "date": d, "rank": 5} for d in dates]


def legend(plot: TrajectoryPlot) -> list[str]:
    return plot.legend.texts()


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

    def starts() -> list[float]:  # where each part of the band begins, in the plot's dates
        return [part.mapToParent(part.boundingRect().topLeft()).x() for part in (
            plot.cohort_low, plot.cohort_high, plot.cohort_median, plot.cohort_band)]

    assert starts() == [to_epoch(days[0])] * 4
    later = {**entry, "entry_id": 2, "first_date": days[1]}  # the same cohort, a week on
    plot.show_entry(later, _pos(days[1:], [9, 8]), [], [], cohort)
    assert starts() == [to_epoch(days[1])] * 4
    assert list(plot.cohort_median.getData()[1]) == [22.5, 27.5, 32.5]
    plot.show_entry(entry, _pos(days, [15, 5, 1]), [], [], None)
    assert not plot.cohort_band.isVisible() and len(legend(plot)) == 1


def test_legend_rows_are_kept_when_their_number_changes(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    qtbot.addWidget(plot.legend)
    days = ["2024-01-06", "2024-01-13", "2024-01-20"]
    a = {"entry_id": 1, "chart": "Hot 100 (us, weekly)"}
    radio = _other(2, "Radio Songs (us, weekly)", days)
    plot.show_entry(a, _pos(days, [3, 2, 1]), radio, [])
    built = plot.legend.findChildren(QLabel)
    plot.show_entry(a, _pos(days, [3, 2, 1]), [], [])
    assert legend(plot) == ["Hot 100 (us, weekly)"]
    # more rows than were ever built: the two kept rows come back, two are new
    sales = _other(3, "Digital Song Sales (us, weekly)", days)
    plot.show_entry(a, _pos(days, [3, 2, 1], streams=True), radio + sales, [])
    assert legend(plot) == ["Hot 100 (us, weekly)", "Streams", "Radio Songs (us, weekly)",
                            "Digital Song Sales (us, weekly)"]
    assert plot.legend.findChildren(QLabel)[:len(built)] == built


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


def test_the_signal_is_named_at_once_and_the_legend_is_outside_the_plot(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.resize(560, 320)
    plot.show()
    days = _days("2024-11-17", 40)
    ranks = [48 - i for i in range(36)] + [13, 12, 11, 12]  # peak late: where legends sat
    entry = {"entry_id": 1, "chart": "Spotify Daily 100 (de, daily)"}
    signals = [{"signal": "smooth_streams", "contribution": 60.0}]
    plot.show_entry(entry, _pos(days, ranks, streams=True), [], signals)
    qtbot.wait(1)
    label = plot.peak_line.label
    assert label.isVisible() and label.toPlainText() == "smooth streams"  # named at once
    assert plot.legend.parent() is None  # not drawn in the plot: the view puts it below
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


def test_rank_one_is_labelled_and_not_against_the_edge(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 320)
    plot.show()
    for ranks in ([1], [1, 3, 2, 9, 40, 77]):
        plot.show_entry({"entry_id": 1, "chart": "Hot 100 (us, weekly)"},
                        _pos(_weeks("2024-01-06", len(ranks)), ranks), [], [])
        qtbot.wait(1)
        texts = [t for *_, t in _labels(plot, "left")]
        assert "1" in texts and "0" not in texts, texts
        top, _bottom = plot.getPlotItem().getViewBox().viewRange()[1]
        assert top < 1 - 0.4  # room above No. 1 for its marker and label


def _weeks(first: str, n: int) -> list[str]:
    from datetime import date, timedelta

    start = date.fromisoformat(first)
    return [(start + timedelta(weeks=i)).isoformat() for i in range(n)]


def test_the_date_axis_names_the_year(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.resize(640, 300)
    plot.show()
    entry = {"entry_id": 1, "chart": "Hot 100 (us, weekly)"}
    plot.show_entry(entry, _pos(_weeks("2024-10-05", 16), list(range(40, 24, -1))), [], [])
    qtbot.wait(1)
    texts = [t for *_, t in _labels(plot, "bottom")]
    assert "Nov 2024" in texts, texts  # on the first month
    assert "2025" in texts, texts  # and where the year turns
    daily = {"entry_id": 2, "chart": "Spotify Daily 100 (us, daily)", "frequency": "daily"}
    plot.show_entry(daily, _pos(_days("2024-12-10", 40), [50 - i for i in range(40)]), [], [])
    qtbot.wait(1)
    texts = [t for *_, t in _labels(plot, "bottom")]
    assert "Jan 2025" in texts, texts
    plot.show_entry(entry, _pos(_weeks("2025-03-01", 20), [5] * 20), [], [])
    qtbot.wait(1)
    texts = [t for *_, t in _labels(plot, "bottom")]
    assert sum("2025" in t for t in texts) == 1, texts  # no year boundary: named once


def test_charts_get_colours_apart_and_metrics_their_line_style(qtbot) -> None:
    from PySide6.QtCore import Qt

    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    days = _weeks("2024-01-06", 4)
    entry = {"entry_id": 1, "chart_id": 1, "chart": "Digital Song Sales (us, weekly)",
             "metric": "sales"}
    others = [{"entry_id": 10 + cid, "chart_id": cid, "chart": name, "metric": metric,
               "date": d, "rank": 5 + cid} for cid, name, metric in (
                   (4, "Spotify Daily 100 (us, daily)", "streams"),
                   (5, "Spotify Daily 100 (de, daily)", "streams"),
                   (3, "Hot 100 (us, weekly)", "composite")) for d in days]
    plot.show_entry(entry, _pos(days, [3, 2, 1, 2]), others, [])
    curves = [plot.rank_curve, *plot.shown_overlays]
    assert len(curves) == 4
    pens = [c.opts["pen"] for c in curves]
    colors = [p.color() for p in pens]
    for i, a in enumerate(colors):  # every pair far apart, the two Spotify charts too
        for b in colors[i + 1:]:
            gap = sum((x - y) ** 2 for x, y in zip(a.getRgb()[:3], b.getRgb()[:3],
                                                   strict=True)) ** 0.5
            assert gap > 80, (a.name(), b.name())
    assert [p.style() for p in pens] == [Qt.PenStyle.DashLine, Qt.PenStyle.SolidLine,
                                         Qt.PenStyle.SolidLine, Qt.PenStyle.DashDotLine]
    # a chart keeps its colour from entry to entry
    plot.show_entry({**entry, "entry_id": 2}, _pos(days, [9, 9, 9, 9]),
                    [r for r in others if r["chart_id"] == 5], [])
    assert plot.shown_overlays[0].opts["pen"].color() == colors[2]


def test_the_readout_names_the_signals_of_that_week(qtbot) -> None:
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    days = _weeks("2025-07-05", 4)
    entry = {"entry_id": 1, "chart": "Digital Song Sales (us, weekly)", "frequency": "weekly"}
    positions = [{"date": d, "rank": r, "last_rank": None, "weeks_on_chart": i + 1,
                  "streams": None, "sales": 1000.0 * (i + 1)}
                 for i, (d, r) in enumerate(zip(days, [9, 2, 2, 30], strict=True))]
    signals = [
        {"signal": "cross_chart", "contribution": 50.0,
         "reason": f"No. 2 on Digital Song Sales (us, weekly) ({days[1]}); not on ..."},
        {"signal": "debut_crash", "contribution": 10.0, "reason": "debuted at No. 9 ..."},
        {"signal": "smooth_streams", "contribution": 5.0, "reason": "flat"},
        {"signal": "spike", "contribution": 0.0, "reason": f"on {days[2]}"},  # did not fire
    ]
    plot.show_entry(entry, positions, [], signals)
    texts = [plot.position_text(i) for i in range(4)]
    assert texts[0] == (f"Week of {days[0]}: No. 9, debut · sales 1,000 · 1 week on chart · "
                        "signals: debut crash, smooth streams (whole run)")
    assert texts[1].startswith(f"Week of {days[1]}: No. 2, up 7 from No. 9 · sales 2,000")
    assert texts[1].endswith("signals: cross chart, smooth streams (whole run)")
    assert "unchanged from No. 2" in texts[2] and "spike" not in texts[2]
    assert "down 28 from No. 2" in texts[3]


def test_walking_entries_draws_each_symbol_once(qtbot) -> None:
    """Walking the queue renders each curve's symbol once per colour, however many
    entries are shown, and every position gets its symbol."""
    from chartreview.qt.widgets.trajectory_plot import RankMarks

    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.show()
    days = ["2024-01-06", "2024-01-13", "2024-01-20"]
    charts = ["Hot 100 (us, weekly)", "Digital Song Sales (us, weekly)",
              "Streaming Songs (us, weekly)"]

    def symbols() -> int:
        plot.grab()  # the pictures are rendered when painted
        return len(RankMarks.pictures)

    for n in range(30):
        entry = {"entry_id": n * 10, "chart": charts[n % 3], "chart_id": n % 3 + 1,
                 "metric": "streams"}
        others = [r for k in (1, 2) for r in _other(n * 10 + k, charts[(n + k) % 3], days)]
        for r in others:
            r["chart_id"] = charts.index(r["chart"]) + 1
        plot.show_entry(entry, _pos(days, [n % 7 + 1, 3, 2]), others, [])
        assert [len(c.marks.points()[0]) for c in (plot.rank_curve, *plot.shown_overlays)
                ] == [3, 3, 3]
        if n == 5:
            after_a_few = symbols()
    assert symbols() == after_a_few  # the three charts' colours, drawn once each
