"""The signals: small documented functions, each returning value in [0, 1], reason, reference.

Every function takes the entry features (``features.entry_features``), the positions
and the charts, and returns a frame indexed by entry_id with columns ``value``,
``reason`` and ``reference`` for the entries it can judge (the others are absent:
a rank-only chart has no stream rhythm to measure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chartreview.scoring.features import VALUE_COLUMN, covering_charts, presence
from chartreview.scoring.params import ScoringParams

COLUMNS = ["value", "reason", "reference"]
DAY = pd.Timedelta(days=1)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS).rename_axis("entry_id")


def _d(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d")


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def _charts_in_region(cov: pd.DataFrame, metrics: tuple[str, ...], region: str) -> pd.DataFrame:
    sel = cov[cov["metric"].isin(metrics)]
    return sel[(sel["region"] == region) | (sel["region"] == "global")]


def cross_chart(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
                p: ScoringParams) -> pd.DataFrame:
    """High on a sales (or composite) chart while absent from the streaming and airplay
    charts that week: sold, not listened to.

    Compared with: the streaming and airplay charts of the same region (or global) that
    were loaded for the week of the entry's peak, and the chart's own entries that peaked
    as high (top 10%, 30%, 60%, below): how many of them were on those charts. Value:
    height of the peak (1 at No. 1) to the power 1.5, times 1 when absent everywhere, 0.35
    when only low elsewhere, times how usual presence is there (full from 90% present,
    none at 50%: an absence one in ten of its peers share is telling, one that one in two
    share is the chart's habit, as on a country sales chart whose buyers stream little).
    """
    cov = covering_charts(charts, feat)
    sales = feat[feat["metric"].isin(("sales", "composite")) & ~feat["album"]]
    others = cov[cov["metric"].isin(("streams", "airplay"))]
    if sales.empty or others.empty:
        return _empty()
    peak = sales["peak_date"]
    region = others["region"].to_numpy()[None, :]
    # a global streaming chart speaks for a sales chart's region, not for a composite
    # chart's: a US radio hit high on the Hot 100 may be nowhere on Spotify's global 200
    is_sales = (sales["metric"] == "sales").to_numpy()[:, None]
    covers = (((region == sales["region"].to_numpy()[:, None])
               | ((region == "global") & is_sales))
              & (others["min"].to_numpy()[None, :] <= (peak + 7 * DAY).to_numpy()[:, None])
              & (others["max"].to_numpy()[None, :] >= (peak - 7 * DAY).to_numpy()[:, None]))
    has = covers.any(axis=1)
    if not has.any():
        return _empty()
    sales, covers, peak = sales[has], covers[has], peak[has]
    pres = presence(pos, feat, sales.index, set(others["chart_id"]), peak - 7 * DAY,
                    peak + 7 * DAY)
    best = pres["best_pct"].reindex(sales.index).astype(float)
    absent = np.where(best.isna(), 1.0, np.where(best > 0.6, 0.35, 0.0))
    # How unusual is it on this chart? The share of its other entries that peaked about
    # as high and were on those charts then: most songs at the top of an all-genre sales
    # chart stream too (90-95%); on a genre's sales chart fewer may (70-80% on B's country
    # chart, where a quarter of the organic top sells without streaming)
    band = np.searchsorted([10.5, 30.5, 60.5], (1 - sales["height"]) * 100)
    key = sales["chart_id"].to_numpy(np.int64) * 4 + band
    present = best.notna().to_numpy()
    n_band = pd.Series(1, index=key).groupby(level=0).transform("sum").to_numpy()
    n_present = pd.Series(present.astype(int), index=key).groupby(level=0).transform(
        "sum").to_numpy()
    peers = np.maximum(n_band - 1, 1)
    share = (n_present - present) / peers
    usual = np.where(n_band - 1 >= 5, np.clip((share - 0.5) / 0.4, 0, 1), 1.0)
    value = sales["height"].clip(0, 1) ** 1.5 * absent * usual
    out = pd.DataFrame({"value": value, "reason": "also on the streaming charts that week",
                        "reference": ""})
    fired = (value > 0).to_numpy()
    labels = others["label"].to_numpy()
    f = sales[fired]
    names = [", ".join(labels[row]) for row in covers[fired]]
    out.loc[fired, "reason"] = [
        f"No. {pk} on {lab} ({_d(when)}); {'not on' if np.isnan(b) else 'only low on'} "
        f"{n} that week" + (f"; {sh * 100:.0f}% of the {k} entries that peaked as high here "
                            "were on them" if k >= 5 else "")
        for pk, lab, when, b, n, sh, k in
        zip(f["peak"], f["label"], f["peak_date"], best[fired], names, share[fired],
            n_band[fired] - 1, strict=True)]
    out.loc[fired, "reference"] = [f"streaming/airplay charts loaded for that week: {n}"
                                   for n in names]
    return out


def regional(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
             p: ScoringParams) -> pd.DataFrame:
    """On one region's streaming chart for weeks, on no other region's chart at the time.

    Compared with: the streaming charts of the other regions (and global) loaded for the
    entry's run. A global chart has no region to be concentrated in. Value: peak
    height^1.5, times the run length up to 14 days, when the track is in no other region.
    """
    cov = covering_charts(charts, feat)
    ent = feat[(feat["metric"] == "streams") & (feat["region"] != "global")]
    streams = cov[cov["metric"] == "streams"]
    if ent.empty or streams["region"].nunique() < 2:
        return _empty()
    start, end = ent["first"] - 7 * DAY, ent["last"] + 7 * DAY
    # entries x streaming charts: which other-region charts were loaded during each run
    covers = ((streams["region"].to_numpy()[None, :] != ent["region"].to_numpy()[:, None])
              & (streams["min"].to_numpy()[None, :] <= end.to_numpy()[:, None])
              & (streams["max"].to_numpy()[None, :] >= start.to_numpy()[:, None]))
    has = covers.any(axis=1)
    if not has.any():
        return _empty()
    ent, covers = ent[has], covers[has]
    start, end = start[has], end[has]
    # the track's span on each streaming chart; present if a span in another region
    # overlaps the run (generous to presence: fewer false alarms)
    sp = feat.loc[feat["chart_id"].isin(streams["chart_id"]),  # an entry is (track, chart)
                  ["track_id", "chart_id", "first", "last"]].rename(
        columns={"first": "min", "last": "max"})
    sp["region"] = sp["chart_id"].map(streams.set_index("chart_id")["region"])
    m = pd.DataFrame({"entry_id": ent.index, "track_id": ent["track_id"].to_numpy(),
                      "region": ent["region"].to_numpy(), "start": start.to_numpy(),
                      "end": end.to_numpy()}).merge(sp, on="track_id", suffixes=("", "_o"))
    m = m[(m["region_o"] != m["region"]) & (m["min"] <= m["end"]) & (m["max"] >= m["start"])]
    absent = ~ent.index.isin(m["entry_id"])
    chart_labels = streams["label"].to_numpy()
    value = ent["height"].clip(0, 1) ** 1.5 * (ent["days"] / 14).clip(upper=1) * absent
    fired = value > 0
    out = pd.DataFrame({"value": value, "reason": "also charted in other regions",
                        "reference": ""})
    f = ent[fired]
    out.loc[fired, "reason"] = [
        f"{d} days on {lab} (peak No. {pk}); on no other region's chart at the time"
        for d, lab, pk in zip(f["days"], f["label"], f["peak"], strict=True)]
    out.loc[fired, "reference"] = [
        "other regions' streaming charts for the same days: "
        + ", ".join(chart_labels[row]) for row in covers[fired.to_numpy()]]
    return out


def smooth(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
           p: ScoringParams) -> pd.DataFrame:
    """Daily streams with no weekly rhythm and no day-to-day noise ("bots don't sleep").

    Compared with: the median rhythm amplitude and noise of entries on the same daily
    chart with at least ``smooth_min_days`` days. Value: the geometric mean of how far
    below 60% of the cohort median both the rhythm and the noise are.
    """
    daily = feat[(feat["frequency"] == "daily") & (feat["n"] >= p.smooth_min_days)]
    if daily.empty:
        return _empty()
    # Day-to-day changes in log streams: a trend shifts every weekday alike, so the spread
    # of the weekday medians is the weekly rhythm; what is left over is the noise. Medians
    # and MAD keep the launch ramp and the last days from hiding a flat bot plateau.
    # Both are computed per entry in ``stats.entry_stats`` (amp, noise).
    stats = daily[["amp", "noise"]].dropna()
    if stats.empty:
        return _empty()
    stats = stats.join(daily["chart_id"])
    med = stats.groupby("chart_id")[["amp", "noise"]].transform("median")
    v_amp = ((0.6 * med["amp"] - stats["amp"]) / (0.6 * med["amp"])).clip(0, 1)
    v_noise = ((0.6 * med["noise"] - stats["noise"]) / (0.6 * med["noise"])).clip(0, 1)
    value = np.sqrt(v_amp * v_noise)
    reason = [f"weekly rhythm {a * 100:.1f}% and day-to-day noise {n * 100:.1f}% vs "
              f"{ma * 100:.1f}% and {mn * 100:.1f}% typical on this chart"
              for a, n, ma, mn in zip(stats["amp"], stats["noise"], med["amp"], med["noise"],
                                      strict=True)]
    ref = "entries with 14+ days on " + daily.loc[stats.index, "label"]
    return pd.DataFrame({"value": value, "reason": reason, "reference": ref})


# Debut heights compared with each other, on a 100-place scale: No. 1, 2-3, 4-5, 6-10,
# 11-20, 21-30; lower debuts falling off is what most debuts do
HEIGHT_EDGES = np.array([1, 2, 4, 6, 11, 21, 31])
EDGE_SETS = (HEIGHT_EDGES, np.array([1, 6, 31]), np.array([1, 31]))
YEAR = 365.25


def _share_better(groups: np.ndarray, days: np.ndarray, measure: np.ndarray,
                  is_ref: np.ndarray, years: float) -> tuple[np.ndarray, np.ndarray]:
    """For each row: how many reference rows of its group lie within ``years`` of it
    (in whole calendar years each way), and what share of them has a lower ``measure``
    (ties count half; a row is never compared with itself).

    One sorted key (group, year, measure) and a binary search per row and year: about
    a second per million rows, where comparing every pair took minutes.
    """
    n = len(groups)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    year = np.floor(days / YEAR).astype(np.int64)
    base = (groups.astype(np.int64) - groups.min()) * 10_000 + (year - year.min() + 100)
    lo_m, hi_m = float(measure.min()), float(measure.max())
    span = hi_m - lo_m + 1.0

    def key(b: np.ndarray, m: np.ndarray | float) -> np.ndarray:
        return b * (2 * span) + (np.asarray(m) - lo_m)

    ref_keys = np.sort(key(base[is_ref], measure[is_ref]))
    count = np.zeros(n, dtype=np.int64)
    below = np.zeros(n)
    w = round(years)
    for k in range(-w, w + 1):
        b = base + k
        start = np.searchsorted(ref_keys, key(b, lo_m - 0.5))
        end = np.searchsorted(ref_keys, key(b, hi_m + 0.5))
        lt = np.searchsorted(ref_keys, key(b, measure), side="left")
        le = np.searchsorted(ref_keys, key(b, measure), side="right")
        count += end - start
        below += (lt - start) + 0.5 * (le - lt)
    count -= is_ref  # itself: in its own year, a tie
    below -= 0.5 * is_ref
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(count > 0, below / np.maximum(count, 1), np.nan)
    return count, share


def _median_of(groups: np.ndarray, days: np.ndarray, measure: np.ndarray, is_ref: np.ndarray,
               rows: np.ndarray, years: float) -> np.ndarray:
    """The median ``measure`` of each of ``rows``' references (for the reasons: few rows)."""
    year = np.floor(days / YEAR)
    out = np.full(len(rows), np.nan)
    for i, r in enumerate(rows):
        near = is_ref & (groups == groups[r]) & (np.abs(year - year[r]) <= round(years))
        near[r] = False
        if near.any():
            out[i] = float(np.median(measure[near]))
    return out


def _rank_text(rank: int, size: int) -> str:
    return "off the chart" if rank > size else f"No. {rank}"


def _places(n: float) -> str:
    """The median fall of a reason: ``median 7 places``, ``the median did not fall``."""
    return ("the median did not fall" if round(n) <= 0 else "median 1 place" if round(n) == 1
            else f"median {n:.0f} places")


def _fall_text(week2: int, week3: int, size: int) -> str:
    """``No. 19 and No. 53``, ``No. 23 and off the chart``; ``off the chart`` said once."""
    if week2 > size:
        return "off the chart"
    return f"{_rank_text(week2, size)} and {_rank_text(week3, size)}"


def debut_crash(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
                p: ScoringParams, organic: pd.DataFrame | None = None) -> pd.DataFrame:
    """A high debut that collapses within two periods: the bundle / bulk-buy shape.

    Measure: the fall, from the debut to the entry's worst rank in the two periods after
    it (off the chart counts as one below the last place), on a 100-place scale.
    Compared with: the same chart's debuts at the same height (No. 1, 2-3, 4-5, 6-10,
    11-20, 21-30 on a 100-place scale) within ``era_years`` of it, leaving out album
    weeks (their deep cuts fall together); the value grows with the share of them that
    fell less far, with the size of the fall and with the height of the debut. Needs
    ``min_reference`` such debuts. The fall, not the rank it fell to: where a chart's
    history is short the heights are wider (No. 1-30 in one group), and a No. 1 debut
    gone the next week must not be weighed against the ranks of No. 25 debuts, half of
    which leave the chart as fast.
    """
    f = feat
    period = f["period_days"].to_numpy()
    size = f["size"].to_numpy()
    scaled = f["scaled_debut"].to_numpy()
    first, chart_first, chart_last = (f[c].to_numpy() for c in ("first_day", "chart_first_day",
                                                                 "chart_last_day"))
    # (a viral chart ranks growth: its songs fall when the growth ends)
    judged = ((scaled < HEIGHT_EDGES[-1]) & (first > chart_first)
              & (first + period <= chart_last) & (f["metric"] != "viral").to_numpy())
    if not judged.any():
        return _empty()
    r2 = f["rank2"].fillna(0).to_numpy(np.int64)
    r3 = f["rank3"].fillna(0).to_numpy(np.int64)
    r2 = np.where(r2 > 0, r2, size + 1)
    r3 = np.where(first + 2 * period > chart_last, r2, np.where(r3 > 0, r3, size + 1))
    worst = np.maximum(r2, r3)
    measure = 1 + (worst - 1) * 100.0 / size - scaled  # the fall, in 100ths of the chart
    album = (organic["album_week"].reindex(f.index).fillna(0).to_numpy() > 0
             if organic is not None else np.zeros(len(f), dtype=bool))
    sel = np.flatnonzero(judged)
    chart = f["chart_id"].to_numpy(np.int64)
    # Heights as fine as the chart's history allows: where a height has too few debuts in
    # the era (a No. 1 debut on a young chart), those of the top 5 or top 30 stand in
    count = np.zeros(len(sel), dtype=np.int64)
    share = np.full(len(sel), np.nan)
    used = np.zeros(len(sel), dtype=np.int64)
    for u, edges in enumerate(EDGE_SETS):
        b = np.searchsorted(edges, scaled[sel], side="right")
        c, sh = _share_better(chart[sel] * 10 + b, first[sel].astype(float), measure[sel],
                              ~album[sel], p.era_years)
        redo = (count < p.min_reference) & (c >= p.min_reference) if u else c >= 0
        count, share = np.where(redo, c, count), np.where(redo, sh, share)
        used = np.where(redo, u, used)
    fall = measure[sel]
    # a share from few debuts is less sure: half a debut more on either side
    sure = (share * count + 0.5) / (count + 1)
    value = (np.clip((sure - 0.75) / 0.25, 0, 1) * np.clip((fall - 10) / 30, 0, 1)
             * np.clip(1.2 - scaled[sel] / 30, 0.4, 1))
    value = np.where(count >= p.min_reference, np.nan_to_num(value), 0.0)
    idx = f.index[sel]
    out = pd.DataFrame({"value": value, "reason": "", "reference": ""}, index=idx)
    fired = value > 0
    if fired.any():
        fs = f.loc[idx[fired]]
        median = np.full(len(sel), np.nan)
        year = np.floor(first[sel] / YEAR)
        for i in np.flatnonzero(fired):
            edges = EDGE_SETS[used[i]]
            b = np.searchsorted(edges, scaled[sel], side="right")
            near = ((chart[sel] == chart[sel][i]) & (b == b[i]) & ~album[sel]
                    & (np.abs(year - year[i]) <= round(p.era_years)))
            near[i] = False
            median[i] = float(np.median(measure[sel][near])) if near.any() else np.nan
        e_day = fs["first_day"].to_numpy()
        lo_year = [str(np.datetime64(int(d - p.era_years * YEAR), "D"))[:4] for d in e_day]
        hi_year = [str(min(np.datetime64(int(d + p.era_years * YEAR), "D"),
                           np.datetime64(int(c), "D")))[:4]
                   for d, c in zip(e_day, fs["chart_last_day"], strict=True)]
        z = fs["size"].to_numpy()
        lo_e, hi_e = [], []
        for u, sc in zip(used[fired], scaled[sel][fired], strict=True):
            edges = EDGE_SETS[u]
            k = int(np.searchsorted(edges, sc, side="right"))
            lo_e.append(edges[k - 1])
            hi_e.append(edges[k])
        lo_r = np.ceil((np.array(lo_e) - 1) * z / 100 + 1).astype(int)
        hi_r = np.maximum(lo_r, np.ceil((np.array(hi_e) - 1) * z / 100 + 1).astype(int) - 1)
        heights = [f"No. {a}" if a == b else f"No. {a}-{b}" for a, b in zip(lo_r, hi_r,
                                                                         strict=True)]
        sz = fs["size"].to_numpy()
        out.loc[idx[fired], "reason"] = [
            f"debuted at No. {d}, then {_fall_text(a, b, z)}; "
            f"{sh * 100:.0f}% of {k} {h} debuts on this chart {y0}-{y1} outside album weeks "
            f"fell less far ({_places(m * z / 100)})"
            for d, a, b, z, sh, k, h, y0, y1, m in zip(
                fs["debut_rank"], r2[sel][fired], r3[sel][fired], sz, share[fired],
                count[fired], heights, lo_year, hi_year, median[fired], strict=True)]
        out.loc[idx[fired], "reference"] = [
            f"{k} debuts at {h} on {lab} {y0}-{y1}, album weeks left out"
            for k, h, lab, y0, y1 in zip(count[fired], heights, fs["label"], lo_year, hi_year,
                                         strict=True)]
    return out


def cliff_exit(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
               p: ScoringParams, organic: pd.DataFrame | None = None) -> pd.DataFrame:
    """A level held, then gone for good from high up: a campaign switched off.

    Songs fade: their last third sits well below their middle one, and they leave a
    chart near its bottom. A bought or streamed-up run holds its level (its volume within
    a quarter from the middle third of the run to the last) and then stops. For entries
    of five or more positions on charts with volumes that left before the data ends.
    Compared with: the same chart's exits within ``era_years``; the value grows with the
    share of them that left from lower down and with the height of the exit.
    """
    f = feat
    period = f["period_days"].to_numpy()
    size = f["size"].to_numpy()
    last, chart_last = f["last_day"].to_numpy(), f["chart_last_day"].to_numpy()
    # Only where the chart carries volumes: from ranks alone a held level and a high exit
    # are as often the chart's own doing (a double A-side retitled, a rule that retires
    # old songs: 1960s Hot 100 hits left it from No. 20 by the dozen)
    judged = ((f["n"].to_numpy() >= 5) & (last + 2 * period <= chart_last)
              & np.isfinite(f["mid_volume"].to_numpy(np.float64))
              & (f["metric"] != "viral").to_numpy())
    if not judged.any():
        return _empty()
    measure = f["exit_rank"].fillna(0).to_numpy(np.float64) * 100.0 / size
    groups = f["chart_id"].to_numpy(np.int64)
    sel = np.flatnonzero(judged)
    ones = np.ones(len(sel), dtype=bool)
    count, share = _share_better(groups[sel], last[sel].astype(float), -measure[sel], ones,
                                 p.era_years)
    mid_v, late_v = (f[c].to_numpy(np.float64)[sel] for c in ("mid_volume", "late_volume"))
    with np.errstate(invalid="ignore", divide="ignore"):
        held = (np.abs(np.log(late_v / mid_v)) <= np.log(1.25)) & (mid_v > 0)
    value = (np.clip((share - 0.85) / 0.13, 0, 1) * np.clip((60 - measure[sel]) / 30, 0, 1)
             * held)
    value = np.where(count >= p.min_reference, np.nan_to_num(value), 0.0)
    idx = f.index[sel]
    out = pd.DataFrame({"value": value, "reason": "", "reference": ""}, index=idx)
    fired = value > 0
    if fired.any():
        fs = f.loc[idx[fired]]
        median = _median_of(groups[sel], last[sel].astype(float), -measure[sel], ones,
                            np.flatnonzero(fired), p.era_years)
        unit = np.where(fs["frequency"] == "daily", "days", "weeks")
        out.loc[idx[fired], "reason"] = [
            f"held its level for {n} {u}, then left the chart from No. {x} for good; "
            f"{sh * 100:.0f}% of {k} exits from this chart in its era were from lower down "
            f"(median No. {-m * z / 100:.0f})" for x, n, u, sh, k, m, z in zip(
                fs["exit_rank"], fs["n"], unit, share[fired], count[fired], median,
                fs["size"], strict=True)]
        out.loc[idx[fired], "reference"] = [f"{k} exits from {lab} within {p.era_years:.0f} "
                                            "years" for k, lab in zip(count[fired],
                                                                      fs["label"], strict=True)]
    return out


def low_volume(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
               p: ScoringParams) -> pd.DataFrame:
    """A top position reached with far less volume than that rank usually needs.

    Compared with: the median sales or streams at the same rank on the same chart over
    all loaded dates. Fires for peaks in the top 10% (at least the top 3).
    """
    out = []
    for metric, col in VALUE_COLUMN.items():
        if col is None:
            continue
        ent = feat[(feat["metric"] == metric) & feat[f"peak_{col}"].notna()]
        ent = ent[ent["peak"] <= np.maximum(3, ent["size"] * 0.1)]
        if ent.empty:
            continue
        sel = pos.loc[pos["chart_id"].isin(ent["chart_id"].unique()), ["chart_id", "rank", col]]
        size = int(sel["rank"].max()) + 1
        typical = sel[col].groupby(sel["chart_id"].to_numpy(np.int64) * size
                                   + sel["rank"].to_numpy(np.int64)).median()
        med = pd.Series(typical.reindex(ent["chart_id"].to_numpy(np.int64) * size
                                        + ent["peak"].to_numpy(np.int64)).to_numpy(),
                        index=ent.index)
        ent, med = ent[med.notna()], med[med.notna()]
        value = ((0.6 - ent[f"peak_{col}"] / med) / 0.6).clip(0, 1)
        out.append(pd.DataFrame({
            "value": value.astype(float),
            "reason": [f"{_fmt(v)} {col} at No. {pk}; that rank usually takes {_fmt(m)}"
                       for v, pk, m in zip(ent[f"peak_{col}"], ent["peak"], med, strict=True)],
            "reference": [f"median {col} at No. {pk} on {lab}"
                          for pk, lab in zip(ent["peak"], ent["label"], strict=True)],
        }, index=ent.index))
    return pd.concat(out) if out else _empty()


def spike(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
          p: ScoringParams) -> pd.DataFrame:
    """A jump far above the entry's own level in the three positions before it.

    Compared with: the entry itself (median of its previous three values).
    """
    top = feat[["spike_ratio", "spike_date"]].dropna()  # see stats.entry_stats
    if top.empty:
        return _empty()
    value = ((top["spike_ratio"] - 2.5) / 5).clip(0, 1)
    reason = [f"jumped to {r:.1f}x its previous level on {_d(t)}" if v > 0 else ""
              for r, t, v in zip(top["spike_ratio"], top["spike_date"], value, strict=True)]
    return pd.DataFrame({"value": value, "reason": reason,
                         "reference": "the entry's own previous three positions"})


def viral_only(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
               p: ScoringParams) -> pd.DataFrame:
    """Weeks on a viral chart, never on the same region's volume (Top 200) chart.

    Compared with: the streaming charts of the same region loaded for the same days.
    """
    cov = covering_charts(charts, feat)
    ent = feat[(feat["metric"] == "viral") & (feat["days"] >= p.viral_min_days)]
    streams = cov[cov["metric"] == "streams"]
    if ent.empty or streams.empty:
        return _empty()
    covers = ((streams["region"].to_numpy()[None, :] == ent["region"].to_numpy()[:, None])
              & (streams["min"].to_numpy()[None, :] <= ent["last"].to_numpy()[:, None])
              & (streams["max"].to_numpy()[None, :] >= ent["first"].to_numpy()[:, None]))
    has = covers.any(axis=1)
    if not has.any():
        return _empty()
    ent, covers = ent[has], covers[has]
    pres = presence(pos, feat, ent.index, set(streams["chart_id"]), ent["first"], ent["last"])
    absent = ~ent.index.isin(pres.index)
    value = (ent["days"] / 28).clip(upper=1) * absent
    labels = streams["label"].to_numpy()
    names = [", ".join(labels[row]) for row in covers]
    reason = [f"{d} days on {lab}, never on {n}" if a else "also on the volume chart"
              for d, lab, n, a in zip(ent["days"], ent["label"], names, absent, strict=True)]
    return pd.DataFrame({"value": value, "reason": reason, "reference": names},
                        index=ent.index)


def album_alone(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
                p: ScoringParams, acts: pd.DataFrame | None = None) -> pd.DataFrame:
    """An album debuting high with none of its act's songs on the song charts that week.

    Track and album consistent is the rule: a star's album week puts its songs on the
    Hot 100 the same week. Judged when a song chart of the region (or global) was loaded
    for the album's debut week, for debuts in the top 40%. Compared with: the same album
    chart's debuts that high within ``era_years`` (at least half ``min_reference``):
    how many had a song of their act on a song chart (not a viral one) then.
    """
    if acts is None:
        return _empty()
    alb = feat[feat["album"] & (feat["first_day"] > feat["chart_first_day"])
               & (feat["scaled_debut"] <= 41)]
    songs = feat[~feat["album"] & (feat["metric"] != "viral")]  # a viral chart is no sign
    if alb.empty or songs.empty:
        return _empty()
    spans = songs.groupby("chart_id").agg(lo=("chart_first_day", "first"),
                                         hi=("chart_last_day", "first"),
                                         region=("region", "first"), label=("label", "first"))
    d = alb["first_day"].to_numpy()[:, None]
    covers = (((spans["region"].to_numpy()[None, :] == alb["region"].to_numpy()[:, None])
               | (spans["region"].to_numpy()[None, :] == "global"))
              & (spans["lo"].to_numpy()[None, :] <= d + 7)
              & (spans["hi"].to_numpy()[None, :] >= d - 7))
    judged = covers.any(axis=1)
    alb, covers = alb[judged], covers[judged]
    if alb.empty:
        return _empty()
    a_acts = acts[acts["entry_id"].isin(alb.index)][["entry_id", "act", "first_day"]]
    t_acts = acts[acts["entry_id"].isin(songs.index)][["act", "first_day", "last_day"]].rename(
        columns={"first_day": "t0", "last_day": "t1"})
    m = a_acts.merge(t_acts, on="act")
    m = m[(m["t0"] <= m["first_day"] + 7) & (m["t1"] >= m["first_day"] - 7)]
    has = alb.index.isin(m["entry_id"])
    count, share = _share_better(alb["chart_id"].to_numpy(np.int64),
                                 alb["first_day"].to_numpy(float), -has.astype(float),
                                 np.ones(len(alb), dtype=bool), p.era_years)
    with_song = 2 * np.nan_to_num(share) - 1  # a tie (no song either) counted half
    with_song = np.where(has, np.nan, with_song)
    scaled = alb["scaled_debut"].to_numpy()
    value = (~has) * np.clip((np.nan_to_num(with_song) - 0.4) / 0.4, 0, 1) * np.clip(
        1.3 - scaled / 30, 0.2, 1)
    value = np.where(count >= p.min_reference / 2, value, 0.0)  # album charts are thin
    out = pd.DataFrame({"value": value, "reason": "", "reference": ""}, index=alb.index)
    fired = value > 0
    if fired.any():
        labels = spans["label"].to_numpy()
        names = [", ".join(labels[row]) for row in covers[fired]]
        f = alb[fired]
        out.loc[fired, "reason"] = [
            f"debuted at No. {d} with no song of its act on {n} that week; {w * 100:.0f}% of "
            f"{k} albums debuting that high on this chart in its era had one there"
            for d, n, w, k in zip(f["debut_rank"], names, with_song[fired], count[fired],
                                  strict=True)]
        out.loc[fired, "reference"] = [f"{k} album debuts in the top 40% of {lab}, "
                                       f"within {p.era_years:.0f} years" for k, lab in
                                       zip(count[fired], f["label"], strict=True)]
    return out
