"""Per-entry features from positions: pure pandas, DataFrame in, DataFrame out.

``positions`` columns: entry_id, chart_id, track_id, artist_id, date (datetime64), rank,
streams, sales (floats, NaN where the source has none). ``charts`` columns: chart_id,
label, region, frequency, metric. ``credits`` columns: track_id, artist_id, one row per
act a track credits (the lead act when not given).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from chartreview.scoring.stats import entry_stats, to_dates

PERIOD_DAYS = {"daily": 1, "weekly": 7}
# Album charts rank albums, not songs: "Billboard 200", "Top Country Albums"
ALBUM_CHART = re.compile(r"\bbillboard 200\b|\balbums?\b", re.IGNORECASE)
EPOCH = pd.Timestamp("1970-01-01")
VALUE_COLUMN = {"sales": "sales", "streams": "streams", "viral": "streams",
                "airplay": "streams", "composite": None}


def entry_meta(positions: pd.DataFrame) -> pd.DataFrame:
    """chart_id, track_id and artist_id of each entry (from its first position)."""
    e = positions["entry_id"].to_numpy(np.int64)
    first = np.full(int(e.max()) + 1 if len(e) else 0, -1, dtype=np.int64)
    first[e[::-1]] = np.arange(len(e) - 1, -1, -1)  # the last write is the first row
    rows = first[first >= 0]
    meta = positions[["chart_id", "track_id", "artist_id"]].iloc[rows]
    return meta.set_axis(pd.Index(e[rows], name="entry_id"))


def entry_features(positions: pd.DataFrame, charts: pd.DataFrame,
                   stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per entry: run, debut, peak, chart context and first appearances.

    ``stats`` are :func:`chartreview.scoring.stats.entry_stats` of ``positions``
    (computed here when not given, e.g. kept from an earlier run).
    """
    if stats is None:
        stats = entry_stats(positions, charts)
    feat = entry_meta(positions).join(stats, how="inner").sort_index()
    for day, col in (("first", "first"), ("last", "last"), ("peak_day", "peak_date")):
        feat[col] = to_dates(feat[day])
    feat["spike_date"] = to_dates(feat["spike_day"].fillna(0).astype(np.int64)).where(
        feat["spike_day"].notna())
    feat = feat.drop(columns=["peak_day", "spike_day"])
    for col in ("n", "debut_rank", "peak", "max_rank"):
        feat[col] = feat[col].astype(np.int64)
    chart_ctx = charts.set_index("chart_id")[["label", "region", "frequency", "metric"]]
    bounds = feat.groupby("chart_id").agg(
        size=("max_rank", "max"), chart_first=("first", "min"), chart_last=("last", "max"))
    feat = feat.join(chart_ctx, on="chart_id").join(bounds, on="chart_id")
    feat["period_days"] = feat["frequency"].map(PERIOD_DAYS).fillna(7).astype(int)
    feat["days"] = feat["n"] * feat["period_days"]
    feat["height"] = 1.0 - (feat["peak"] - 1) / feat["size"].clip(lower=1)
    feat["debut_height"] = 1.0 - (feat["debut_rank"] - 1) / feat["size"].clip(lower=1)
    feat["track_first"] = feat.groupby("track_id")["first"].transform("min")
    feat["artist_first"] = feat.groupby("artist_id")["first"].transform("min")
    feat["data_start"] = feat["first"].min()
    # the same dates as day numbers (since 1970), for the vectorised comparisons
    feat["first_day"] = stats_days(feat["first"])
    feat["last_day"] = stats_days(feat["last"])
    feat["chart_first_day"] = stats_days(feat["chart_first"])
    feat["chart_last_day"] = stats_days(feat["chart_last"])
    album_charts = {c for c, lab in zip(charts["chart_id"], charts["label"], strict=True)
                    if ALBUM_CHART.search(str(lab))}
    feat["album"] = feat["chart_id"].isin(album_charts)
    # on a 100-place scale (No. 1 is 1), so a 50-place chart's No. 10 compares with the
    # Hot 100's No. 19 and the Billboard 200's No. 37
    feat["scaled_debut"] = 1 + (feat["debut_rank"] - 1) * 100.0 / feat["size"].clip(lower=1)
    return feat


def stats_days(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def entry_acts(feat: pd.DataFrame, credits: pd.DataFrame | None) -> pd.DataFrame:
    """One row per entry and credited act: entry_id, act, chart_id, first_day, album.

    ``act_first_day`` is the act's first appearance on any loaded chart, in any role.
    Without ``credits`` each entry's act is its lead artist.
    """
    base = feat[["track_id", "artist_id", "chart_id", "first_day", "last_day", "album"]]
    if credits is None or credits.empty:
        out = base.rename(columns={"artist_id": "act"}).reset_index()
    else:
        cr = credits[credits["track_id"].isin(base["track_id"].unique())]
        out = base.drop(columns="artist_id").reset_index().merge(
            cr.rename(columns={"artist_id": "act"})[["track_id", "act"]], on="track_id")
        # a track without recorded credits keeps its lead artist
        missing = ~base["track_id"].isin(cr["track_id"])
        if missing.any():
            out = pd.concat([out, base[missing].rename(columns={"artist_id": "act"})
                             .reset_index()], ignore_index=True)
    out["act_first_day"] = out.groupby("act")["first_day"].transform("min")
    return out


def covered_weeks(positions: pd.DataFrame, chart_ids: np.ndarray, days: np.ndarray,
                  span_days: float) -> np.ndarray:
    """For each (chart, day): how many weeks of the ``span_days`` before that day the
    chart holds data for (what could have shown an act there before it appeared)."""
    from chartreview.scoring.stats import day_numbers

    chart = positions["chart_id"].to_numpy(np.int64)
    week = day_numbers(positions["date"]) // 7
    if not len(week):
        return np.zeros(len(days), dtype=np.int64)
    lo = int(week.min())
    span = int(week.max()) - lo + 2
    have = np.unique(chart * span + (week - lo))  # sorted: (chart, week) once each
    c = np.asarray(chart_ids, dtype=np.int64)
    w = np.asarray(days, dtype=np.int64) // 7 - lo
    top = np.searchsorted(have, c * span + np.clip(w, 0, span - 1))
    bottom = np.searchsorted(have, c * span + np.clip(w - int(span_days // 7), 0, span - 1))
    return np.where(w > 0, top - bottom, 0)
def presence(positions: pd.DataFrame, feat: pd.DataFrame, entry_ids: pd.Index,
             chart_ids: set[int] | None, start: pd.Series, end: pd.Series) -> pd.DataFrame:
    """For each entry, the track's best rank share on other charts within [start, end].

    Returns a frame indexed by entry_id with ``charts`` (how many other charts) and
    ``best_pct`` (best rank / chart size there); entries with no presence are absent.
    """
    want = pd.DataFrame({"entry_id": entry_ids, "track_id": feat.loc[entry_ids, "track_id"].values,
                         "own_chart": feat.loc[entry_ids, "chart_id"].values,
                         "start": start.loc[entry_ids].values, "end": end.loc[entry_ids].values})
    others = positions[positions["track_id"].isin(want["track_id"])]
    if chart_ids is not None:
        others = others[others["chart_id"].isin(chart_ids)]
    m = want.merge(others[["track_id", "chart_id", "date", "rank"]], on="track_id")
    m = m[(m["chart_id"] != m["own_chart"]) & (m["date"] >= m["start"]) & (m["date"] <= m["end"])]
    if m.empty:
        return pd.DataFrame(columns=["charts", "best_pct"]).rename_axis("entry_id")
    size = feat.groupby("chart_id")["size"].first()
    m = m.assign(pct=m["rank"] / m["chart_id"].map(size))
    return m.groupby("entry_id").agg(charts=("chart_id", "nunique"), best_pct=("pct", "min"))


def covering_charts(charts: pd.DataFrame, feat: pd.DataFrame) -> pd.DataFrame:
    """Each chart's span of dates (to know whether it could have shown a track then)."""
    span = feat.groupby("chart_id").agg(min=("chart_first", "first"),
                                        max=("chart_last", "first"))
    return charts.join(span, on="chart_id")
