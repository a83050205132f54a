"""Per-entry features from positions: pure pandas, DataFrame in, DataFrame out.

``positions`` columns: entry_id, chart_id, track_id, artist_id, date (datetime64), rank,
streams, sales (floats, NaN where the source has none). ``charts`` columns: chart_id,
label, region, frequency, metric. ``names`` columns: entry_id, title, artist.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chartreview.scoring.stats import entry_stats, to_dates

PERIOD_DAYS = {"daily": 1, "weekly": 7}
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
    return feat


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
