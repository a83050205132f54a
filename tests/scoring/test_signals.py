"""Each signal on a hand-made chart where it must fire, and one where it must not."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from chartreview.scoring import acts as act_signals
from chartreview.scoring import organic as org
from chartreview.scoring import signals as sig
from chartreview.scoring.features import entry_acts, entry_features
from chartreview.scoring.params import ScoringParams
from chartreview.scoring.pipeline import score
from tests.scoring.builder import Charts

P = ScoringParams()
START = date(2024, 1, 6)


def prepared(c: Charts):
    pos, charts, names = c.frames()
    feat = entry_features(pos, charts)
    acts = entry_acts(feat, c.credit_frame())
    return pos, charts, names, feat, acts, org.Names(dict(zip(names["artist_id"],
                                                                names["artist"], strict=True)))


def run_signal(fn, c: Charts, **extra):
    pos, charts, _, feat, acts, _ = prepared(c)
    if extra.pop("with_organic", False):
        extra["organic"] = organic(c)
    if extra.pop("with_acts", False):
        extra["acts"] = acts
    return fn(feat, pos, charts, P, **extra)


def run_act_signal(fn, c: Charts):
    pos, _, _, feat, acts, names = prepared(c)
    return fn(feat, acts, act_signals.newness(feat, acts, pos, P), P, names)


def organic(c: Charts):
    pos, _, _, feat, acts, names = prepared(c)
    return org.patterns(feat, acts, pos, P, names)


def scored(c: Charts):
    pos, charts, names = c.frames()
    return score(pos, charts, names, P, credits=c.credit_frame())


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


def _genre_chart(heard_share: float) -> tuple[Charts, int]:
    """A sales chart whose top entries peak one a week, ``heard_share`` of them also on
    the streaming chart that week; a song bought to No. 2 without streams in week 30."""
    c = Charts()
    sales = c.chart("Country Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.fill(streams, START, 40, 10, prefix="s", acts=7)
    for i in range(20):
        day = START + timedelta(weeks=1 + i)
        c.run(sales, f"Song {i}", f"Act {i}", day, [2])
        if i < heard_share * 20:
            c.run(streams, f"Song {i}", f"Act {i}", day, [3])
    c.run(sales, "Filler", "Z", START + timedelta(weeks=39), [25])
    return c, c.run(sales, "Unheard", "Someone", START + timedelta(weeks=30), [2])


def test_cross_chart_weighs_how_rare_an_unheard_top_song_is_on_its_chart() -> None:
    all_genre, odd = _genre_chart(0.95)  # one in twenty unheard: telling
    res = run_signal(sig.cross_chart, all_genre)
    assert value(res, odd) > 0.8
    assert "95% of the 20 entries that peaked as high here were on them" in res.loc[odd,
                                                                                    "reason"]
    country, usual = _genre_chart(0.7)  # three in ten unheard: the chart's buyers' habit
    assert value(run_signal(sig.cross_chart, country), usual) < 0.5


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


def _hot_history(c: Charts, hot: int, weeks: int = 60) -> None:
    """Twenty top debuts that hold (No. 1-5, then 3-12) and a chart that runs on."""
    for i in range(20):
        c.run(hot, f"Stayer {i}", f"Act {i}", START + timedelta(weeks=i * 2 + 2),
              [1 + i % 5, 3 + i % 10, 4 + i % 9] + [20 + i] * 6)
    c.run(hot, "Late filler", "Z", START + timedelta(weeks=weeks), [90])  # data runs on


def test_debut_crash_a_lone_high_debut_that_collapses_against_its_era() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    _hot_history(c, hot)
    crash = c.run(hot, "Crash", "Bought Act", START + timedelta(weeks=45), [1, 34, 60])
    holds = c.run(hot, "Holds", "Star", START + timedelta(weeks=46), [2, 6, 9])
    res = run_signal(sig.debut_crash, c, with_organic=True)
    assert value(res, crash) > 0.8
    assert res.loc[crash, "reason"].startswith("debuted at No. 1, then No. 34 and No. 60; 100% "
                                               "of 20 No. 1-5 debuts on this chart")
    assert "outside album weeks fell less far (median 7 places)" in res.loc[crash, "reason"]
    assert value(res, holds) == 0.0


def test_debut_crash_on_a_short_history_weighs_the_fall_not_the_rank() -> None:
    """Too few No. 1 debuts to compare with: the top 30 stand in, and a No. 1 debut gone
    the next week is weighed against how far they fell, not against the ranks of the
    No. 25 debuts that left as fast (half of them do)."""
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    for i in range(16):  # a young chart: debuts at No. 6-29, the lower half gone at once
        deep = i % 2
        c.run(sales, f"Debut {i}", f"Act {i}", START + timedelta(weeks=1 + i),
              [22 + i // 2, 90] if deep else [6 + i, 8 + i, 12 + i])
    c.run(sales, "Filler", "Z", START + timedelta(weeks=30), [99])
    bundle = c.run(sales, "Bundled", "Merch Act", START + timedelta(weeks=20), [1])
    deep_cut = c.run(sales, "Deep", "Another Act", START + timedelta(weeks=21), [26])
    res = run_signal(sig.debut_crash, c, with_organic=True)
    assert value(res, bundle) > 0.8
    assert res.loc[bundle, "reason"].startswith("debuted at No. 1, then off the chart; 100% of "
                                                "16 No. 1-30 debuts on this chart")
    assert value(res, deep_cut) < 0.3  # a No. 26 debut leaving at once is what half do


def test_debut_crash_stays_quiet_for_an_album_weeks_deep_cuts() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    _hot_history(c, hot)
    c.run(hot, "Old Hit", "Star", START, [30] * 3)
    album = [c.run(hot, f"Cut {i}", "Star", START + timedelta(weeks=45), [2 + i, 40 + i])
             for i in range(4)]
    guest = c.run(hot, "Guest Spot", "Other", START + timedelta(weeks=45), [9, 70],
                  featuring=("Star",))  # an album week whoever is featured
    scores, signals = scored(c)
    for eid in [*album, guest]:
        assert scores.loc[eid, "score"] < 15, eid
    why = signals[(signals["entry_id"] == album[0]) & (signals["signal"] == "album_week")]
    assert why["reason"].iloc[0] == "one of 5 Star titles that debuted 2024-11-16: album week"
    assert why["contribution"].iloc[0] < 0


def test_cliff_exit_a_level_held_then_gone_from_high_up() -> None:
    c = Charts()
    de = c.chart("Spotify Daily", region="de", frequency="daily", metric="streams")
    for i in range(30):  # songs that fade out through the bottom of the chart
        c.run(de, f"Fade {i}", f"Act {i}", START + timedelta(days=3 * i),
              [10 + k * 3 for k in range(12)], [50_000 * 0.85 ** k for k in range(12)])
    c.run(de, "Filler", "Z", START + timedelta(days=150), [99])
    farm = c.run(de, "Farm", "Nobody", START + timedelta(days=40), [12] * 20, [40_000] * 20)
    fading = c.run(de, "Fading", "Someone", START + timedelta(days=41),
                   [13 + k for k in range(20)], [40_000 * 0.9 ** k for k in range(20)])
    res = run_signal(sig.cliff_exit, c)
    assert value(res, farm) > 0.9
    assert res.loc[farm, "reason"].startswith("held its level for 20 days, then left the "
                                              "chart from No. 12 for good")
    assert value(res, fading) == 0.0


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


def test_new_artist_needs_history_and_is_weighed_by_it() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 70, 5)
    early = c.run(hot, "Early", "Early Bird", START + timedelta(weeks=6), [7])
    newcomer = c.run(hot, "Debut", "Newcomer", START + timedelta(weeks=60), [7])
    old_hand = c.run(hot, "Again", "bg act 1", START + timedelta(weeks=60), [8])
    # a slice two years later: nobody there is "new", the weeks before were not loaded
    late = c.run(hot, "Later", "Someone", START + timedelta(weeks=170), [9])
    res = run_act_signal(act_signals.new_artist, c)
    assert value(res, newcomer) == 1.0 and "first appearance of Newcomer" in res.loc[
        newcomer, "reason"]
    assert value(res, early) == 0.0  # six weeks of history say nothing
    assert value(res, old_hand) == 0.0 and value(res, late) == 0.0


def test_a_credit_of_known_acts_is_not_new() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 70, 5)
    c.run(hot, "Solo", "Future", START + timedelta(weeks=2), [40, 41])
    c.run(hot, "Beats", "Metro Boomin", START + timedelta(weeks=3), [60])
    collab = c.run(hot, "Together", "Future & Metro Boomin", START + timedelta(weeks=60), [5],
                   featuring=("Future", "Metro Boomin"))
    half = c.run(hot, "Intro", "Fresh Face", START + timedelta(weeks=60), [6],
                 featuring=("Future",))
    fresh = c.run(hot, "Hello", "Fresh Face Two", START + timedelta(weeks=60), [7])
    res = run_act_signal(act_signals.new_artist, c)
    assert value(res, collab) == 0.0
    assert value(res, half) == 0.0  # one of its acts charted before
    assert value(res, fresh) == 1.0


def test_flood_of_a_new_act() -> None:
    c = Charts()
    sales = c.chart("Sales", metric="sales")
    c.fill(sales, START, 80, 5)
    farm = [c.run(sales, f"Farm {i}", "Farm Act", START + timedelta(weeks=60 + i // 2),
                  [6 + i]) for i in range(6)]
    single = c.run(sales, "One Song", "New Singer", START + timedelta(weeks=60), [20])
    res = run_act_signal(act_signals.flood, c)
    assert value(res, farm[0]) == pytest.approx(1.0)
    assert "6 titles within 28 days over 3 weeks, a new act" in res.loc[farm[0], "reason"]
    assert res.loc[farm[0], "new"] == 1.0
    assert value(res, single) == 0.0


def test_new_wave_many_new_acts_on_one_sales_chart() -> None:
    c = Charts()
    sales = c.chart("Country Digital Song Sales", metric="sales")
    c.fill(sales, START, 110, 5, run=4)  # the background: a few new acts a month
    wave = [c.run(sales, f"Song {i}", f"Fresh Act {i}", START + timedelta(weeks=70 + i % 4),
                  [6 + i % 10]) for i in range(14)]
    quiet = c.run(sales, "Alone", "Lone Newcomer", START + timedelta(weeks=95), [8])
    res = run_act_signal(act_signals.new_wave, c)
    assert value(res, wave[0]) > 0.8
    assert res.loc[wave[0], "reason"].startswith("one of 14 new acts debuting on Country "
                                                 "Digital Song Sales (us, weekly)")
    assert value(res, quiet) == 0.0


def test_album_alone_an_album_high_with_none_of_its_songs_charting() -> None:
    c = Charts()
    albums = c.chart("Billboard 200", metric="composite")
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 60, 30, run=6)
    for i in range(12):  # albums debuting high the week their act has songs on the Hot 100
        week = START + timedelta(weeks=3 + i * 4)
        c.run(albums, f"Album {i}", f"Star {i}", week, [1 + i % 8, 20, 40])
        c.run(hot, f"Single {i}", f"Star {i}", week, [5 + i, 30])
    c.run(albums, "Filler", "Z", START + timedelta(weeks=59), [150])
    alone = c.run(albums, "Bundled", "Merch Band", START + timedelta(weeks=52), [2])
    star = c.run(albums, "Big Album", "Star 3", START + timedelta(weeks=53), [3, 8])
    c.run(hot, "Big Single", "Star 3", START + timedelta(weeks=53), [4])
    res = run_signal(sig.album_alone, c, with_acts=True)
    assert value(res, alone) > 0.8
    assert res.loc[alone, "reason"].startswith("debuted at No. 2 with no song of its act on "
                                               "Hot 100 (us, weekly) that week")
    assert value(res, star) == 0.0


def test_organic_patterns() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 70, 5)
    c.run(hot, "Old Hit", "Star", START, [30] * 3)  # the star charted before
    album = [c.run(hot, f"Album {i}", "Star", START + timedelta(weeks=10), [10 + i, 40])
             for i in range(3)]
    pair = [c.run(hot, f"Pair {i}", "Duo", START + timedelta(weeks=10), [20 + i, 50])
            for i in range(2)]  # two debuts together: no album week
    holiday = c.run(hot, "Sleigh", "Carol", START + timedelta(weeks=48), [20, 10, 5])
    c.run(hot, "Sleigh", "Carol", START + timedelta(weeks=48 + 52), [1])  # a year later
    climber = c.run(hot, "Climber", "Patient", START + timedelta(weeks=20),
                    [90, 80, 70, 60, 50, 40, 30, 20])
    org_ = organic(c)
    assert org_.loc[album[0], "album_week"] == 1.0 and org_.loc[pair[0], "album_week"] == 0.0
    assert org_.loc[climber, "slow_climb"] == 1.0 and org_.loc[album[0], "slow_climb"] == 0.0
    assert org_.loc[holiday, "seasonal"] == 1.0 and org_.loc[climber, "seasonal"] == 0.0
    assert org_.loc[holiday, "seasonal_reason"].startswith("back in December after months")


def test_catalogue_surge_old_titles_back_together() -> None:
    c = Charts()
    hot = c.chart("Hot 100", metric="composite")
    c.fill(hot, START, 80, 5)
    old = [c.run(hot, f"Classic {i}", "Legend", START + timedelta(weeks=2 + i), [20 + i] * 4)
           for i in range(4)]
    for i in range(3):  # three of them back the same week, a year later
        c.run(hot, f"Classic {i}", "Legend", START + timedelta(weeks=60), [3 + i, 40])
    lone = c.run(hot, "Comeback", "Single Act", START + timedelta(weeks=2), [30] * 4)
    c.run(hot, "Comeback", "Single Act", START + timedelta(weeks=60), [8, 50])
    org_ = organic(c)
    assert org_.loc[old[0], "catalogue"] == 1.0
    assert "one of 3 Legend titles arriving" in org_.loc[old[0], "catalogue_reason"]
    assert org_.loc[old[3], "catalogue"] == 0.0 and org_.loc[lone, "catalogue"] == 0.0


def test_event_many_entries_jumping_at_once_and_one_alone() -> None:
    c = Charts()
    de = c.chart("Spotify Daily", region="de", frequency="daily", metric="streams")
    festival = [c.run(de, f"Local {i}", f"Band {i}", START, [40 + i] * 10,
                      [1000.0] * 6 + [6000.0] * 4) for i in range(5)]
    alone = c.run(de, "Playlisted", "Lucky", START + timedelta(days=30), [60] * 10,
                  [1000.0] * 6 + [6000.0] * 4)
    org_ = organic(c)
    assert org_.loc[festival[0], "event"] == 1.0
    assert org_.loc[alone, "event"] == 0.0


def test_buyers_an_act_whose_earlier_songs_sold_without_streams() -> None:
    c = Charts()
    sales = c.chart("Country Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.fill(streams, START, 60, 10, prefix="s")
    c.run(sales, "First", "Old Timer", START + timedelta(weeks=5), [4, 5])
    again = c.run(sales, "Second", "Old Timer", START + timedelta(weeks=30), [2, 3])
    new_act = c.run(sales, "Only", "Brand New", START + timedelta(weeks=30), [1, 2])
    org_ = organic(c)
    assert org_.loc[again, "buyers"] == 1.0
    assert org_.loc[again, "buyers_reason"].startswith("1 earlier song of Old Timer sold")
    assert org_.loc[new_act, "buyers"] == 0.0


def _sales_and_streams(weeks: int = 40) -> tuple[Charts, int, int]:
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.fill(sales, START, weeks, 10, prefix="x", acts=7)
    c.fill(streams, START, weeks, 10, prefix="x", acts=7)
    return c, sales, streams


def test_heard_a_fast_hit_high_on_the_streaming_chart_the_week_it_debuted() -> None:
    c, sales, streams = _sales_and_streams()
    day = START + timedelta(weeks=20)
    hit = c.run(sales, "Summer Flash", "Hitmaker", day, [2, 9, 30])
    c.run(streams, "Summer Flash", "Hitmaker", day, [1, 6, 20])  # heard as much as bought
    bundle = c.run(sales, "Bundled", "Merch Act", day, [1, 40])
    c.run(streams, "Bundled", "Merch Act", day, [9])  # streamed, but at the bottom
    org_ = organic(c)
    assert org_.loc[hit, "heard"] == 1.0
    assert org_.loc[hit, "heard_reason"].startswith(
        "No. 1 on Streaming Songs (us, weekly) the week it debuted: listened to by many")
    assert org_.loc[bundle, "heard"] == 0.0


def test_heard_pulls_down_the_crash_of_a_listened_hit_only() -> None:
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    c.fill(streams, START, 40, 10, prefix="s", acts=7)
    for i in range(20):  # debuts at the top that hold
        c.run(sales, f"Stayer {i}", f"Act {i}", START + timedelta(weeks=1 + i),
              [1 + i % 5, 3 + i % 5, 5 + i % 5])
        c.run(streams, f"Stayer {i}", f"Act {i}", START + timedelta(weeks=1 + i), [2, 2, 3])
    c.run(sales, "Filler", "Z", START + timedelta(weeks=40), [99])
    day = START + timedelta(weeks=30)
    hit = c.run(sales, "Summer Flash", "Hitmaker", day, [2, 45, 80])
    c.run(streams, "Summer Flash", "Hitmaker", day, [1, 8])
    bundle = c.run(sales, "Bundled", "Merch Act", day + timedelta(weeks=2), [1, 60])
    c.run(streams, "Bundled", "Merch Act", day + timedelta(weeks=2), [10])
    scores, signals = scored(c)
    crash = signals[signals["signal"] == "debut_crash"].set_index("entry_id")["value"]
    assert crash[hit] > 0.6 and crash[bundle] > 0.8  # both fell as few top debuts do
    assert scores.loc[bundle, "score"] > 60
    assert scores.loc[hit, "score"] < 25  # its listeners fell away with its sales
    why = signals[(signals["entry_id"] == hit) & (signals["signal"] == "heard")]
    assert why["contribution"].iloc[0] < -20


def test_steady_a_song_sold_for_months_without_streams_is_its_audiences() -> None:
    c, sales, _streams = _sales_and_streams(weeks=60)
    day = START + timedelta(weeks=20)
    seller = c.run(sales, "Porch Light", "First Timer", day, [5, 4, 2] + [4] * 15)
    bought = c.run(sales, "Bought", "Nobody", day, [1, 3, 6])
    org_ = organic(c)
    assert org_.loc[seller, "steady"] == 1.0
    assert org_.loc[seller, "steady_reason"].startswith(
        "on Digital Song Sales (us, weekly) for 18 weeks: bought week after week")
    assert org_.loc[bought, "steady"] == 0.0
    scores, signals = scored(c)
    cross = signals[signals["signal"] == "cross_chart"].set_index("entry_id")["value"]
    assert cross[seller] > 0.8 and cross[bought] > 0.8  # neither on the streaming chart
    assert scores.loc[bought, "score"] > 80
    assert scores.loc[seller, "score"] < 50


def test_a_flood_by_an_act_whose_audience_buys_is_no_farm() -> None:
    """Sales without streams explained by the act's buying audience (``buyers``) is no
    evidence that its flood of titles is a farm's; a new act's same flood is."""
    c, sales, _streams = _sales_and_streams(weeks=80)
    c.run(sales, "Old Favourite", "Old Timer", START + timedelta(weeks=5), [4, 5])
    known = [c.run(sales, f"Set {i}", "Old Timer", START + timedelta(weeks=60 + i // 2),
                   [3 + i] * 4) for i in range(5)]
    farm = [c.run(sales, f"Farm {i}", "Farm Act", START + timedelta(weeks=70 + i // 2),
                  [3 + i] * 4) for i in range(5)]
    scores, signals = scored(c)
    assert organic(c).loc[known[0], "buyers"] == 1.0
    assert scores.loc[farm[0], "score"] > 80
    assert scores.loc[known[0], "score"] < 40  # (53 when the flood took the sales as evidence)
    flood = signals[(signals["signal"] == "flood")].set_index("entry_id")["contribution"]
    assert flood.get(known[0], 0.0) < 15 < 20 < flood[farm[0]]


def test_score_combines_and_explains() -> None:
    c = Charts()
    sales = c.chart("Digital Song Sales", metric="sales")
    streams = c.chart("Streaming Songs", metric="streams")
    # a background of acts that keep coming back (a chart whose whole top ten turns over
    # to ten never-seen acts in one week would be a wave of new acts: new_wave)
    c.fill(sales, START, 20, 10, prefix="x", acts=7)
    c.fill(streams, START, 20, 10, prefix="x", acts=7)
    bought = c.run(sales, "Bought", "Nobody", START + timedelta(weeks=8), [1, 30])
    scores, signals = score(*c.frames())
    assert scores.loc[bought, "score"] > 80
    assert scores.loc[bought, "top_signal"] == "cross_chart"
    assert scores.loc[bought, "reason"].startswith("No. 1 on Digital Song Sales")
    fired = signals[signals["entry_id"] == bought]
    assert fired["contribution"].sum() == pytest.approx(scores.loc[bought, "score"], abs=0.5)
    others = scores.drop(index=bought)
    assert others["score"].max() < 50  # the organic background is never flagged
