"""Combine signals into one score per entry, with each signal's contribution kept.

manipulation = noisy-OR of weight x value over the manipulation signals, each damped by
the organic patterns that explain it (:data:`chartreview.scoring.organic.EXPLAINS`);
ai = noisy-OR of the AI-act signals; score = 100 x noisy-OR(manipulation, ai). A
signal's contribution is its share of the score (by its -log(1 - weight x value)); an
organic pattern's is the points it removed.

What a score means: every signal is a comparison with a reference group (the chart's
debuts at that height in that era, the median volume at that rank, the other regions'
charts...), worth at most its weight when the entry is as extreme as the reference
allows. No signal read from ranks alone reaches 80; a score of 80 or more needs
evidence that rank data cannot give or two signals together (README, "What a score
means", with the measured rates on real charts).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from chartreview.domain import CancelToken, Progress, ProgressFn
from chartreview.scoring import acts as act_signals
from chartreview.scoring import organic as org
from chartreview.scoring import signals as sig
from chartreview.scoring.features import entry_acts, entry_features
from chartreview.scoring.labels import SIGNAL_LABELS
from chartreview.scoring.params import ScoringParams

MANIPULATION: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {
    "cross_chart": (sig.cross_chart, "w_cross_chart"),
    "regional": (sig.regional, "w_regional"),
    "smooth_streams": (sig.smooth, "w_smooth"),
    "debut_crash": (sig.debut_crash, "w_debut_crash"),
    "cliff_exit": (sig.cliff_exit, "w_cliff_exit"),
    "low_volume": (sig.low_volume, "w_low_volume"),
    "spike": (sig.spike, "w_spike"),
    "viral_only": (sig.viral_only, "w_viral_only"),
    "album_alone": (sig.album_alone, "w_album_alone"),
}
AI: dict[str, tuple[Callable[..., pd.DataFrame], str]] = {
    "new_artist": (act_signals.new_artist, "w_new_artist"),
    "flood": (act_signals.flood, "w_flood"),
    "new_wave": (act_signals.new_wave, "w_new_wave"),
}
NEEDS_ORGANIC = {"debut_crash", "cliff_exit"}  # compared with debuts outside album weeks
EVIDENCE = ("cross_chart", "low_volume", "regional")  # what makes a new act's flood a farm


def _noisy_or(terms: dict[str, np.ndarray], names: list[str], n: int) -> np.ndarray:
    keep = np.ones(n)
    for name in names:
        keep *= 1 - np.clip(terms[name], 0, 0.999)
    return 1 - keep


def score(
    positions: pd.DataFrame, charts: pd.DataFrame, names: pd.DataFrame,
    params: ScoringParams | None = None, *, stats: pd.DataFrame | None = None,
    credits: pd.DataFrame | None = None,
    on_progress: ProgressFn | None = None, cancel: CancelToken | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every entry.

    Parameters
    ----------
    positions, charts
        See :mod:`chartreview.scoring.features`.
    names
        ``artist_id`` -> ``artist`` (every act's name) as a frame with those columns.
    stats
        :func:`chartreview.scoring.stats.entry_stats` of ``positions`` when already
        known (kept from an earlier run and updated); computed here otherwise.
    credits
        ``track_id``, ``artist_id``: every act a track credits; the lead artist only
        when not given.

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
    acts = entry_acts(feat, credits)
    display = org.Names(dict(zip(names["artist_id"].astype(int), names["artist"],
                                 strict=True)) if len(names) else {})
    step(1, "Looking for organic patterns")
    organic = org.patterns(feat, acts, positions, p, display)
    new = act_signals.newness(feat, acts, positions, p)
    results: dict[str, pd.DataFrame] = {}
    for i, (name, (fn, _)) in enumerate(MANIPULATION.items(), start=2):
        step(i, f"Signal: {SIGNAL_LABELS[name]}")
        extra: dict[str, pd.DataFrame] = (
            {"organic": organic} if name in NEEDS_ORGANIC else
            {"acts": acts} if name == "album_alone" else {})
        results[name] = fn(feat, positions, charts, p, **extra)
    for i, (name, (fn, _)) in enumerate(AI.items(), start=2 + len(MANIPULATION)):
        step(i, f"Signal: {SIGNAL_LABELS[name]}")
        results[name] = fn(feat, acts, new, p, display)
    index = feat.index
    # The combination works on plain arrays aligned with ``index``: a few hundred small
    # pandas operations cost a fifth of a million-position run (measured)
    raw: dict[str, np.ndarray] = {}
    value: dict[str, np.ndarray] = {}  # before weighting: what the evidence below reads
    for name, (_, weight) in {**MANIPULATION, **AI}.items():
        res = results[name] = results[name][~results[name].index.duplicated()]
        value[name] = _aligned(res["value"], index).clip(0, 1)
        raw[name] = getattr(p, weight) * value[name]
    strength = {pat: organic[pat].to_numpy(np.float64) * getattr(p, org.DAMPING[pat])
                for pat in org.PATTERNS}
    terms: dict[str, np.ndarray] = {}
    kept: dict[str, np.ndarray] = {}  # each signal's value left after the organic patterns
    for name in MANIPULATION:
        explaining = [strength[pat] for pat, sigs in org.EXPLAINS.items() if name in sigs]
        kept[name] = value[name] * (1 - (np.max(explaining, axis=0) if explaining else 0.0))
        terms[name] = getattr(p, MANIPULATION[name][1]) * kept[name]
    terms["new_artist"] = raw["new_artist"]
    terms["new_wave"] = raw["new_wave"]
    # A flood alone is how stars release albums too; it points to an AI farm when the
    # titles also sell without streams, top a chart on little volume, or live in one region
    # (what an organic pattern explains is no evidence here either: an act whose audience
    # buys sells without streams whether it releases one song or five)
    each = np.vstack([kept[n] for n in EVIDENCE])
    evidence = each.max(axis=0)
    # ... and only a new act's flood counts with nothing else odd
    flood_new = (_aligned(results["flood"]["new"], index) if "new" in results["flood"]
                 else np.zeros(len(index)))
    flood = value["flood"] * (1 - strength["broad"])  # a new act's album charts everywhere
    # a new act's titles, not only this one: a farm's lowest title sells no more than it
    # must (an established act's other songs say nothing of this one)
    by_act = pd.Series(evidence).groupby(feat["artist_id"].to_numpy()).transform("max")
    act_evidence = np.where(flood_new > 0, by_act.to_numpy(), evidence)
    terms["flood"] = flood * (p.w_flood_alone * (1 - act_evidence) * flood_new
                              + p.w_flood * act_evidence)
    terms["cross_chart_ai"] = 0.5 * evidence * _aligned(results["new_artist"]["value"], index)
    step(steps - 1, "Combining")

    man_names = list(MANIPULATION)
    ai_names = [*AI, "cross_chart_ai"]
    manipulation = _noisy_or(terms, man_names, len(index))
    ai = _noisy_or(terms, ai_names, len(index))
    total = 1 - (1 - manipulation) * (1 - ai)
    undamped = 1 - (1 - _noisy_or(raw, man_names, len(index))) * (1 - ai)
    logs = {n: -np.log1p(-np.clip(terms[n], 0, 0.999)) for n in man_names + ai_names}
    log_sum = np.sum(list(logs.values()), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(log_sum > 0, total * 100 / log_sum, 0.0)
    share = {n: logs[n] * scale for n in logs}
    # the new act's sales-only evidence counts for the signal that gave it
    src = each.argmax(axis=0)
    via = share.pop("cross_chart_ai")
    for k, n in enumerate(EVIDENCE):
        share[n] = share[n] + np.where(src == k, via, 0.0)
    contrib = pd.DataFrame(share, index=index)
    names_ = np.array(list(share))
    best = np.vstack(list(share.values()))
    top = pd.Series(np.where(best.max(axis=0) > 0.5, names_[best.argmax(axis=0)], None),
                    index=index, dtype=object)
    reasons = np.full(len(index), "", dtype=object)
    for name, res in results.items():
        mine = top.to_numpy() == name
        if mine.any():
            reasons[mine] = res["reason"].reindex(index[mine]).fillna("").to_numpy()
    scores = pd.DataFrame({"score": (total * 100).round(2),
                           "manipulation": (manipulation * 100).round(2),
                           "ai": (ai * 100).round(2), "top_signal": top, "reason": reasons},
                          index=index)
    signals = _fired(results, contrib, organic, strength, raw, (undamped - total) * 100)
    if on_progress:
        on_progress(Progress(steps, steps, "Scored"))
    return scores, signals


def _aligned(values: pd.Series, index: pd.Index) -> np.ndarray:
    """``values`` (by entry_id) as an array in ``index`` order, 0 where absent."""
    return values.astype(float).reindex(index).fillna(0.0).to_numpy(np.float64)


def _fired(results: dict[str, pd.DataFrame], contrib: pd.DataFrame, organic: pd.DataFrame,
           strength: dict[str, np.ndarray], raw: dict[str, np.ndarray],
           removed: np.ndarray) -> pd.DataFrame:
    """The long table of what fired, and of the organic patterns with the points each
    removed (the removal shared among the patterns by what each explains)."""
    parts = []
    for name, res in results.items():
        c = contrib[name].reindex(res.index)
        keep = (res["value"].astype(float) > 0.01) & (c > 0.05)
        r = res[keep]
        parts.append(pd.DataFrame({
            "entry_id": r.index.to_numpy(), "signal": name,
            "value": r["value"].astype(float).to_numpy(), "contribution": c[keep].round(2),
            "reason": r["reason"].to_numpy(), "reference": r["reference"].to_numpy()}))
    pull = {pat: strength[pat] * np.sum([raw[s] for s in sigs], axis=0)
            for pat, sigs in org.EXPLAINS.items()}
    pull_sum = np.sum(list(pull.values()), axis=0)
    index = contrib.index
    for pat in org.PATTERNS:
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(pull_sum > 0, removed * pull[pat] / pull_sum, 0.0)
        hit = (strength[pat] > 0) & (part > 0.5)
        if hit.any():
            ids = index[hit]
            parts.append(pd.DataFrame({
                "entry_id": ids.to_numpy(), "signal": pat,
                "value": organic.loc[ids, pat].to_numpy(),
                "contribution": -np.round(part[hit], 2),
                "reason": organic.loc[ids, f"{pat}_reason"].to_numpy(),
                "reference": "organic pattern: pulls down the signals it explains"}))
    columns = ["entry_id", "signal", "value", "contribution", "reason", "reference"]
    parts = [x for x in parts if len(x)]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)[columns]
    out["contribution"] = out["contribution"].astype(float)
    return out.sort_values(["entry_id", "signal"], kind="stable").reset_index(drop=True)
