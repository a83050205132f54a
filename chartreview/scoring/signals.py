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
from chartreview.scoring.stats import day_numbers

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
    """High on a sales chart while absent from the streaming/airplay charts that week.

    Compared with: the streaming and airplay charts of the same region (or global) that
    were loaded for the week of the entry's peak. Value: height of the peak (1 at No. 1)
    to the power 1.5, times 1 when absent everywhere, 0.35 when only low elsewhere.
    """
    cov = covering_charts(charts, feat)
    sales = feat[feat["metric"] == "sales"]
    others = cov[cov["metric"].isin(("streams", "airplay"))]
    if sales.empty or others.empty:
        return _empty()
    peak = sales["peak_date"]
    region = others["region"].to_numpy()[None, :]
    covers = (((region == sales["region"].to_numpy()[:, None]) | (region == "global"))
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
    value = sales["height"].clip(0, 1) ** 1.5 * absent
    out = pd.DataFrame({"value": value, "reason": "also on the streaming charts that week",
                        "reference": ""})
    fired = (value > 0).to_numpy()
    labels = others["label"].to_numpy()
    f = sales[fired]
    names = [", ".join(labels[row]) for row in covers[fired]]
    out.loc[fired, "reason"] = [
        f"No. {pk} on {lab} ({_d(when)}); {'not on' if np.isnan(b) else 'only low on'} "
        f"{n} that week" for pk, lab, when, b, n in
        zip(f["peak"], f["label"], f["peak_date"], best[fired], names, strict=True)]
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


def debut_crash(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
                p: ScoringParams) -> pd.DataFrame:
    """Debuted high and left far sooner than entries that debuted at similar ranks.

    Compared with: entries on the same chart whose debut rank falls in the same tenth
    of the chart, with runs that started and ended inside the loaded data.
    """
    f = feat.copy()
    inside = (f["first"] > f["chart_first"] + f["period_days"] * DAY) & (
        f["last"] < f["chart_last"] - f["period_days"] * DAY)
    f = f[inside]
    if f.empty:
        return _empty()
    f["bin"] = ((f["debut_rank"] - 1) / f["size"] * p.cohort_bins).astype(int)
    grp = f.groupby(["chart_id", "bin"])["n"]
    f["cohort"] = grp.transform("size")
    # share of the cohort that stayed longer: (entries with a longer run) / cohort
    f["longer"] = (grp.rank(method="min", ascending=False) - 1) / f["cohort"]
    f["median_n"] = grp.transform("median")
    f = f[f["cohort"] >= 10]
    value = ((f["longer"] - 0.5) / 0.5).clip(0, 1) * f["debut_height"].clip(0, 1)
    out = pd.DataFrame({"value": value, "reason": "", "reference": ""}, index=f.index)
    r = f[value > 0]
    unit = np.where(r["frequency"] == "daily", "days", "weeks")
    out.loc[r.index, "reason"] = [
        f"debuted at No. {d} and was gone after {n} {u}; {lo * 100:.0f}% of its cohort "
        f"stayed longer (median {med:.0f})" for d, n, u, lo, med in
        zip(r["debut_rank"], r["n"], unit, r["longer"], r["median_n"], strict=True)]
    out.loc[r.index, "reference"] = [
        f"{c} entries that debuted in the same tenth of {lab}"
        for c, lab in zip(r["cohort"], r["label"], strict=True)]
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


def history_covered(feat: pd.DataFrame, pos: pd.DataFrame, p: ScoringParams) -> pd.Series:
    """Whether the loaded data covers the weeks before each act's first appearance.

    Disjoint slices (1976-77 beside 2017-18) must not make every act of the later slice
    look new: at least three quarters of the weeks in ``new_artist_history_days`` before
    the act's first date must hold some chart data.
    """
    week = day_numbers(pos["date"]) // 7
    start = int(week.min()) if len(week) else 0
    weeks = np.flatnonzero(np.bincount(week - start)) + start  # sorted, each once
    first_week = ((feat["artist_first"] - pd.Timestamp("1970-01-01")).dt.days // 7).to_numpy()
    span = int(p.new_artist_history_days // 7)
    lo = np.searchsorted(weeks, first_week - span)
    hi = np.searchsorted(weeks, first_week)
    return pd.Series((hi - lo) >= 0.75 * span, index=feat.index)


def new_acts(feat: pd.DataFrame, pos: pd.DataFrame, p: ScoringParams) -> pd.Series:
    """Per entry: the act is new (covered history, none of it theirs) and this is early."""
    fresh = (feat["first"] - feat["artist_first"]).dt.days <= 90
    return history_covered(feat, pos, p) & fresh


def new_artist(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
               p: ScoringParams, artists: pd.Series) -> pd.DataFrame:
    """The act's first appearance on any loaded chart, after enough history to know.

    Compared with: every chart loaded in the ``new_artist_history_days`` before.
    """
    covered = history_covered(feat, pos, p)
    f = feat[covered]
    fresh = (f["first"] - f["artist_first"]).dt.days <= 90
    reason = [f"first appearance of {artists.get(a, 'this act')} on any loaded chart "
              f"({_d(t)})" if fr else "the act charted before" for a, t, fr in
              zip(f["artist_id"], f["artist_first"], fresh, strict=True)]
    since = (f["artist_first"] - pd.Timedelta(days=p.new_artist_history_days))
    ref = "all charts loaded since " + since.dt.strftime("%Y-%m-%d")
    return pd.DataFrame({"value": fresh.astype(float), "reason": reason, "reference": ref})


def flood(feat: pd.DataFrame, pos: pd.DataFrame, charts: pd.DataFrame,
          p: ScoringParams, artists: pd.Series) -> pd.DataFrame:
    """A new act with many titles debuting within weeks, spread over several weeks.

    Compared with: the act's other tracks on all loaded charts. An established act's
    album (many tracks on one day) is the organic look-alike, handled by ``album_week``.
    """
    early = feat[new_acts(feat, pos, p)]  # a new act's first 90 days only
    tracks = early.groupby("track_id").agg(artist_id=("artist_id", "first"),
                                           first=("track_first", "first"))
    if tracks.empty:
        return _empty()
    m = tracks.reset_index().merge(tracks.reset_index(), on="artist_id", suffixes=("", "_o"))
    m = m[(m["first_o"] - m["first"]).abs() <= pd.Timedelta(days=p.flood_window_days)]
    m["week_o"] = (m["first_o"] - pd.Timestamp("1970-01-01")).dt.days // 7
    per = m.groupby("track_id").agg(k=("track_id_o", "nunique"), weeks=("week_o", "nunique"))
    per = per.join(tracks["artist_id"])
    value = ((per["k"] - (p.flood_min_titles - 1)) / 3).clip(0, 1) * np.where(
        per["weeks"] >= 2, 1.0, 0.35)
    per["value"] = value
    f = feat[feat["track_id"].isin(per.index)]
    same_week = f.assign(week=(f["first"] - pd.Timestamp("1970-01-01")).dt.days // 7).groupby(
        ["chart_id", "artist_id", "week"])["track_id"].transform("nunique")
    out = f[[]].copy()
    out["value"] = f["track_id"].map(per["value"]).values
    out["reason"] = [
        f"{artists.get(a, 'the act')}: {per.loc[t, 'k']} titles within "
        f"{p.flood_window_days:.0f} days over {per.loc[t, 'weeks']} weeks; {s} on this chart "
        f"in one week" for t, a, s in zip(f["track_id"], f["artist_id"], same_week, strict=True)]
    out["reference"] = "the act's other tracks on all loaded charts"
    return out
