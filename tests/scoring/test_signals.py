"""Each signal on a hand-made chart where it must fire, and one where it must not."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from chartreview.scoring import signals as sig
from chartreview.scoring.features import entry_features
from chartreview.scoring.params import ScoringParams
from chartreview.scoring.pipeline import organic_patterns, score
from tests.scoring.builder import Charts

P = ScoringParams()
START = date(2024, 1, 6)


def run_signal(fn, c: Charts, *extra):
    pos, charts, names = c.frames()
    feat = entry_features(pos, charts)
    if extra:
        return fn(feat, pos, charts, P, names.set_index("artist_id")["artist"])
    return fn(feat, pos, charts, P)


def value(result, eid) -> float:
    return float(result["value"].get(eid, 0.0))


def test_cross_chart_fires_for_sales_without_streams() -> None:
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.fill(streams, START, 10, 10, prefix="s")
    bought = c.run(sales, "Bought", "Nobody", START + timedelta(weeks=4), [1, 19])
    organic = c.run(sales, "Loved", "Somebody", START + timedelta(weeks=4), [2, 3])
    c.run(streams, "Loved", "Somebody", START + timedelta(weeks=4), [1, 1])
    res = run_signal(sig.cross_chart, c)
    assert value(res, bought) == pytest.approx(1.0)
    assert "not on Streaming Songs (us, weekly) that week" in res.loc[bought, "reason"]
    assert value(res, organic) == 0.0


def test_cross_chart_not_judged_without_a_streaming_chart_that_week() -> None:
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.run(streams, "Old", "Act", START, [1])
    late = c.run(sales, "Late", "Act", START + timedelta(weeks=20), [1])
    assert late not in run_signal(sig.cross_chart, c).index


def _daily(c: Charts, chart: int, title: str, artist: str, days: int, level: float,
           rhythm: bool, seed: int, rank: int) -> int:
    rng = np.random.default_rng(seed)
    weekday = np.array([(START + timedelta(days=i)).weekday() for i in range(days)])
    factor = np.array([0.94, 0.93, 0.95, 0.97, 1.08, 1.10, 1.03])[weekday] if rhythm else 1.0
    noise = rng.lognormal(0, 0.06 if rhythm else 0.003, days)
    return c.run(chart, title, artist, START, [rank] * days, list(level * factor * noise))


def test_smooth_streams_fires_for_flat_bot_streams_only() -> None:
    c = Charts()
    de = c.chart("Spotify Daily", region="de", frequency="daily", metric="streams")
    organic = [_daily(c, de, f"Song {i}", f"Act {i}", 30, 100_000 / (i + 1), True, i, i + 1)
               for i in range(8)]
    bot = _daily(c, de, "Flat", "Bot", 30, 20_000, False, 99, 9)
    res = run_signal(sig.smooth, c)
    assert value(res, bot) > 0.8
    assert "weekly rhythm" in res.loc[bot, "reason"]
    assert max(value(res, e) for e in organic) < 0.2


def test_regional_fires_for_one_region_only() -> None:
    c = Charts()
    de = c.chart("Spotify Daily", region="de", frequency="daily", metric="streams")
    us = c.chart("Spotify Daily", region="us", frequency="daily", metric="streams")
    c.fill(de, START, 20, 20, prefix="f")
    c.fill(us, START, 20, 20, prefix="f")
    local = c.run(de, "Only Here", "Local", START, [1] * 20)
    shared = c.run(de, "Everywhere", "Global Act", START, [2] * 20)
    c.run(us, "Everywhere", "Global Act", START, [1] * 20)
    res = run_signal(sig.regional, c)
    assert value(res, local) > 0.9
    assert "on no other region's chart" in res.loc[local, "reason"]
    assert value(res, shared) == 0.0


def test_debut_crash_against_the_cohort() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    for i in range(15):  # top debuts that stay ten weeks
        c.run(hot, f"Stayer {i}", f"Act {i}", START + timedelta(weeks=i + 2),
              [1 + i % 3] + [10 + i] * 9)
    crash = c.run(hot, "Crash", "Bought Act", START + timedelta(weeks=30), [1, 90])
    stayer = c.entries[(hot, c.tracks[("Stayer 3", "Act 3")])]
    c.run(hot, "Late filler", "Z", START + timedelta(weeks=40), [50])  # data runs on
    res = run_signal(sig.debut_crash, c)
    assert value(res, crash) > 0.8
    assert "stayed longer" in res.loc[crash, "reason"]
    assert value(res, stayer) == 0.0


def test_low_volume_top_spot() -> None:
    c = Charts()
    sales = c.chart("Country Digital Song Sales", metric="sales")
    c.fill(sales, START, 12, 10, value_at_1=10_000)
    cheap = c.run(sales, "Cheap", "Farm", START + timedelta(weeks=12), [1], [2_000])
    real = c.run(sales, "Real", "Star", START + timedelta(weeks=13), [1], [11_000])
    res = run_signal(sig.low_volume, c)
    assert value(res, cheap) > 0.5
    assert "2,000 sales at No. 1" in res.loc[cheap, "reason"]
    assert value(res, real) == 0.0


def test_spike_above_own_trend() -> None:
    c = Charts()
    sales = c.chart("Sales", metric="sales")
    spiky = c.run(sales, "Spiky", "A", START, [40, 40, 40, 1], [100, 100, 100, 1000])
    steady = c.run(sales, "Steady", "B", START, [30, 29, 28, 27], [100, 110, 120, 130])
    res = run_signal(sig.spike, c)
    assert value(res, spiky) > 0.9 and "10.0x" in res.loc[spiky, "reason"]
    assert value(res, steady) == 0.0


def test_viral_without_volume() -> None:
    c = Charts()
    viral = c.chart("Viral 50", region="fr", frequency="daily", metric="viral")
    top = c.chart("Top 200", region="fr", frequency="daily", metric="streams")
    only_viral = c.run(viral, "Buzz", "Nobody", START, [3] * 28)
    both = c.run(viral, "Hit", "Star", START, [1] * 28)
    c.run(top, "Hit", "Star", START, [10] * 28)
    res = run_signal(sig.viral_only, c)
    assert value(res, only_viral) == pytest.approx(1.0)
    assert value(res, both) == 0.0


def test_new_artist_needs_covered_history() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 20, 5)
    newcomer = c.run(hot, "Debut", "Newcomer", START + timedelta(weeks=12), [7])
    old_hand = c.run(hot, "Again", "bg act 1", START + timedelta(weeks=12), [8])
    # a slice two years later: nobody there is "new", the weeks before were not loaded
    late = c.run(hot, "Later", "Someone", START + timedelta(weeks=120), [9])
    res = run_signal(sig.new_artist, c, True)
    assert value(res, newcomer) == 1.0 and "first appearance of Newcomer" in res.loc[
        newcomer, "reason"]
    assert value(res, old_hand) == 0.0
    assert late not in res.index


def test_flood_of_a_new_act() -> None:
    c = Charts()
    sales = c.chart("Sales", metric="sales")
    c.fill(sales, START, 30, 5)
    farm = [c.run(sales, f"Farm {i}", "Farm Act", START + timedelta(weeks=12 + i // 2),
                  [6 + i]) for i in range(6)]
    single = c.run(sales, "One Song", "New Singer", START + timedelta(weeks=12), [20])
    res = run_signal(sig.flood, c, True)
    assert value(res, farm[0]) == pytest.approx(1.0)
    assert "6 titles within 28 days over 3 weeks" in res.loc[farm[0], "reason"]
    assert value(res, single) == 0.0


def test_organic_patterns() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 70, 5)
    c.run(hot, "Old Hit", "Star", START, [30] * 3)  # the star charted before
    album = [c.run(hot, f"Album {i}", "Star", START + timedelta(weeks=10), [10 + i, 40])
             for i in range(5)]
    holiday = c.run(hot, "Sleigh", "Carol", START + timedelta(weeks=48), [20, 10, 5])
    c.run(hot, "Sleigh", "Carol", START + timedelta(weeks=48 + 52), [1])  # a year later
    climber = c.run(hot, "Climber", "Patient", START + timedelta(weeks=20),
                    [90, 80, 70, 60, 50, 40, 30, 20])
    pos, charts, _ = c.frames()
    org = organic_patterns(entry_features(pos, charts), pos)
    assert org.loc[album[0], "album_week"] == 1.0
    assert org.loc[climber, "slow_climb"] == 1.0 and org.loc[album[0], "slow_climb"] == 0.0
    assert org.loc[holiday, "seasonal"] == 1.0 and org.loc[climber, "seasonal"] == 0.0


def test_score_combines_and_explains() -> None:
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.fill(sales, START, 20, 10, prefix="x")
    c.fill(streams, START, 20, 10, prefix="x")
    bought = c.run(sales, "Bought", "Nobody", START + timedelta(weeks=8), [1, 30])
    scores, signals = score(*c.frames())
    assert scores.loc[bought, "score"] > 80
    assert scores.loc[bought, "top_signal"] == "cross_chart"
    assert scores.loc[bought, "reason"].startswith("No. 1 on Digital Song Sales")
    fired = signals[signals["entry_id"] == bought]
    assert fired["contribution"].sum() == pytest.approx(scores.loc[bought, "score"], abs=0.5)
    others = scores.drop(index=bought)
    assert others["score"].max() < 50  # the organic background is never flagged
