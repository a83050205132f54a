"""Combine signals into one score per entry, with each signal's contribution kept.

manipulation = noisy-OR of weight x value over the manipulation signals, each damped by
the organic patterns found for the entry; ai = noisy-OR of the AI-act signals;
score = 100 x noisy-OR(manipulation, ai). A signal's contribution is its share of the
score (by its -log(1 - weight x value)); an organic pattern's is the points it removed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from chartreview.domain import CancelToken, Progress, ProgressFn
from chartreview.scoring import signals as sig
from chartreview.scoring.features import entry_features
from chartreview.scoring.labels import SIGNAL_LABELS
from chartreview.scoring.params import ScoringParams

MANIPULATION: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {
    "cross_chart": (sig.cross_chart, "w_cross_chart"),
    "regional": (sig.regional, "w_regional"),
    "smooth_streams": (sig.smooth, "w_smooth"),
    "debut_crash": (sig.debut_crash, "w_debut_crash"),
    "low_volume": (sig.low_volume, "w_low_volume"),
    "spike": (sig.spike, "w_spike"),
    "viral_only": (sig.viral_only, "w_viral_only"),
}
AI: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {
    "new_artist": (sig.new_artist, "w_new_artist"),
    "flood": (sig.flood, "w_flood"),
}
UNDAMPED = {"smooth_streams"}  # no organic pattern explains bot-flat streams


def organic_patterns(feat: pd.DataFrame, pos: pd.DataFrame) -> pd.DataFrame:
    """Flags (0/1) for the organic look-alikes, with reasons, per entry."""
    out = pd.DataFrame(index=feat.index)
    fam = feat[["track_id", "metric", "first", "last"]].copy()
    fam = fam[fam["metric"] != "composite"]
    # broad: the track is on charts of two or more kinds during this entry's run
    m = feat[["track_id", "first", "last"]].reset_index().merge(
        fam.rename(columns={"first": "f2", "last": "l2"}), on="track_id")
    m = m[(m["f2"] <= m["last"] + pd.Timedelta(days=7)) & (m["l2"] >= m["first"] -
                                                            pd.Timedelta(days=7))]
    n_kinds = m.groupby("entry_id")["metric"].nunique()
    out["broad"] = n_kinds.reindex(feat.index).fillna(0).ge(2).astype(float)
    kinds = m[m["entry_id"].isin(n_kinds.index[n_kinds >= 2])].groupby("entry_id")["metric"]
    reason = kinds.agg(lambda s: "also on " + ", ".join(sorted(set(s))) + " charts during its run")
    out["broad_reason"] = reason.reindex(feat.index).astype(object).where(
        out["broad"] > 0, "")
    # album week: an established act with four or more tracks debuting within three days
    tr = feat.groupby("track_id").agg(artist_id=("artist_id", "first"),
                                      first=("track_first", "first"),
                                      artist_first=("artist_first", "first"))
    est = tr[(tr["first"] - tr["artist_first"]).dt.days >= 28]
    pair = est.reset_index().merge(est.reset_index(), on="artist_id", suffixes=("", "_o"))
    pair = pair[(pair["first_o"] - pair["first"]).abs() <= pd.Timedelta(days=3)]
    together = pair.groupby("track_id")["track_id_o"].nunique()
    out["album_week"] = (feat["track_id"].map(together).fillna(0) >= 4).astype(float)
    out["album_week_reason"] = [
        f"{int(n)} tracks by an established act debuted within three days" if a else ""
        for n, a in zip(feat["track_id"].map(together).fillna(0), out["album_week"], strict=True)]
    # seasonal: back after 200+ days in the same months
    dates = pos[["track_id", "date"]].drop_duplicates().sort_values(["track_id", "date"])
    gaps = dates.groupby("track_id")["date"].diff().dt.days
    long_gap = dates.loc[gaps >= 200, "track_id"].unique()
    seasonal_tracks = set()
    for t in long_gap:
        d = dates.loc[dates["track_id"] == t, "date"]
        g = d.diff().dt.days
        cut = g.idxmax()
        before, after = set(d.loc[:cut].iloc[:-1].dt.month), set(d.loc[cut:].dt.month)
        near = {(m + k - 1) % 12 + 1 for m in before for k in (-1, 0, 1)}
        if after & near:
            seasonal_tracks.add(t)
    out["seasonal"] = feat["track_id"].isin(seasonal_tracks).astype(float)
    out["seasonal_reason"] = np.where(out["seasonal"] > 0,
                                      "came back in the same season after months away", "")
    # slow climber: climbed a third of the chart over five or more periods
    periods = (feat["peak_date"] - feat["first"]).dt.days / feat["period_days"]
    climb = (feat["debut_rank"] - feat["peak"]) >= 0.3 * feat["size"]
    out["slow_climb"] = ((periods >= 5) & climb).astype(float)
    out["slow_climb_reason"] = [
        f"climbed from No. {d} to No. {p} over {n:.0f} periods" if s else ""
        for d, p, n, s in zip(feat["debut_rank"], feat["peak"], periods, out["slow_climb"],
                              strict=True)]
    return out


def score(
    positions: pd.DataFrame, charts: pd.DataFrame, names: pd.DataFrame,
    params: ScoringParams | None = None, *, stats: pd.DataFrame | None = None,
    on_progress: ProgressFn | None = None, cancel: CancelToken | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every entry.

    Parameters
    ----------
    positions, charts
        See :mod:`chartreview.scoring.features`.
    names
        ``artist_id`` -> ``artist`` (the lead artist's name) as a frame with those columns.
    stats
        :func:`chartreview.scoring.stats.entry_stats` of ``positions`` when already
        known (kept from an earlier run and updated); computed here otherwise.

    Returns
    -------
    scores
        Indexed by entry_id: score, manipulation, ai (0-100), top_signal, reason.
    signals
        One row per entry and signal that fired (or organic pattern that damped):
        entry_id, signal, value, contribution, reason, reference.
    """
    p = params or ScoringParams()
    steps = len(MANIPULATION) + len(AI) + 3

    def step(i: int, message: str) -> None:
        if cancel is not None:
            cancel.check()
        if on_progress:
            on_progress(Progress(i, steps, message))

    step(0, "Computing entry features")
    feat = entry_features(positions, charts, stats)
    artists = names.set_index("artist_id")["artist"] if len(names) else pd.Series(dtype=str)
    step(1, "Looking for organic patterns")
    organic = organic_patterns(feat, positions)
    damp = pd.concat([organic["album_week"] * p.d_album_week, organic["broad"] * p.d_broad,
                      organic["seasonal"] * p.d_seasonal, organic["slow_climb"] * p.d_slow_climb],
                     axis=1).max(axis=1)
    results: dict[str, pd.DataFrame] = {}
    terms: dict[str, pd.Series] = {}
    raw: dict[str, pd.Series] = {}
    for i, (name, (fn, weight)) in enumerate({**MANIPULATION, **AI}.items(), start=2):
        step(i, f"Signal: {SIGNAL_LABELS[name]}")
        extra = (artists,) if name in AI else ()
        res = fn(feat, positions, charts, p, *extra)
        res = res[~res.index.duplicated()]
        results[name] = res
        v = res["value"].astype(float).reindex(feat.index).fillna(0.0).clip(0, 1)
        t = getattr(p, weight) * v
        raw[name] = t
        if name == "flood":  # a new act's debut album charts everywhere: organic
            t = t * (1 - organic["broad"] * p.d_broad)
        terms[name] = t if (name in AI or name in UNDAMPED) else t * (1 - damp)
    # A flood alone is how stars release albums too; it points to an AI farm when the
    # titles also sell without streams, top a chart on little volume, or live in one region
    evidence = pd.concat([raw[n] / getattr(p, MANIPULATION[n][1])
                          for n in ("cross_chart", "low_volume", "regional")], axis=1).max(axis=1)
    terms["flood"] = terms["flood"] * (p.w_flood_alone / p.w_flood) * (1 - evidence) + \
        terms["flood"] * evidence
    terms["cross_chart_ai"] = 0.5 * evidence * results_value(results, "new_artist", feat.index)
    step(steps - 1, "Combining")

    def noisy_or(names_: list[str], use: dict[str, pd.Series]) -> pd.Series:
        keep = pd.Series(1.0, index=feat.index)
        for n in names_:
            keep *= 1 - use[n].clip(0, 0.999)
        return 1 - keep

    man_names = list(MANIPULATION)
    ai_names = [*AI, "cross_chart_ai"]
    manipulation = noisy_or(man_names, terms)
    ai = noisy_or(ai_names, terms)
    total = 1 - (1 - manipulation) * (1 - ai)
    undamped = 1 - (1 - noisy_or(man_names, raw)) * (1 - ai)
    logs = {n: -np.log1p(-terms[n].clip(0, 0.999)) for n in man_names + ai_names}
    log_sum = sum(logs.values())
    share = {n: (logs[n] / log_sum.replace(0, np.nan)).fillna(0) * total * 100 for n in logs}
    share["cross_chart"] = share["cross_chart"] + share.pop("cross_chart_ai")
    contrib = pd.DataFrame(share)
    top = contrib.idxmax(axis=1).where(contrib.max(axis=1) > 0.5)
    reason_of = {n: results[n]["reason"] for n in results}
    reasons = [reason_of[t].get(e, "") if isinstance(t, str) else "" for e, t in
               zip(feat.index, top, strict=True)]
    scores = pd.DataFrame({"score": (total * 100).round(2),
                           "manipulation": (manipulation * 100).round(2),
                           "ai": (ai * 100).round(2), "top_signal": top, "reason": reasons},
                          index=feat.index)
    # long table of what fired
    rows = []
    for name, res in results.items():
        c = contrib[name].reindex(res.index)
        fired = res[(res["value"].astype(float) > 0.01) & (c > 0.05)]
        for eid, r in fired.iterrows():
            rows.append((eid, name, float(r["value"]), round(float(c[eid]), 2), r["reason"],
                         r["reference"]))
    removed = (undamped - total) * 100
    for pattern in ("album_week", "broad", "seasonal", "slow_climb"):
        strength = organic[pattern] * getattr(p, {"album_week": "d_album_week",
                                                  "broad": "d_broad", "seasonal": "d_seasonal",
                                                  "slow_climb": "d_slow_climb"}[pattern])
        hit = (strength > 0) & (strength >= damp - 1e-9) & (removed > 0.5)
        for eid in feat.index[hit]:
            rows.append((eid, pattern, float(organic.at[eid, pattern]),
                         -round(float(removed[eid]), 2), organic.at[eid, f"{pattern}_reason"],
                         "organic pattern: pulls the manipulation signals down"))
    signals = pd.DataFrame(rows, columns=["entry_id", "signal", "value", "contribution",
                                          "reason", "reference"])
    if on_progress:
        on_progress(Progress(steps, steps, "Scored"))
    return scores, signals


def results_value(results: dict[str, pd.DataFrame], name: str, index: pd.Index) -> pd.Series:
    return results[name]["value"].astype(float).reindex(index).fillna(0.0)
