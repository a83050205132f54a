"""Scoring settings: every weight and threshold, with defaults shown to the user."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

SCORING_VERSION = "1.0"


@dataclass(frozen=True)
class ScoringParams:
    # --- weights: how much a fully-fired signal adds (noisy-OR of weight x value) -------
    w_cross_chart: float = 0.92  # top of a sales chart, absent from streaming charts
    w_regional: float = 0.35  # streamed in one region only (alone it never flags: many
    # organic songs chart in one country; with flat streams it points to bots)
    w_smooth: float = 0.9  # daily streams with no weekly rhythm ("bots don't sleep")
    w_debut_crash: float = 0.35  # debuts high, gone much sooner than its cohort
    w_low_volume: float = 0.35  # a top position with far less volume than usual there
    w_spike: float = 0.3  # a jump far above the entry's own recent level
    w_viral_only: float = 0.4  # weeks on a viral chart, never on the volume chart
    w_new_artist: float = 0.15  # the act's first appearance anywhere in the data
    w_flood: float = 0.88  # a new act's many titles within weeks, with sales-only evidence
    w_flood_alone: float = 0.35  # the same flood with nothing else odd (stars do it too)
    # --- organic patterns: how strongly each pulls manipulation signals down ----------
    d_album_week: float = 0.75  # an established act's many tracks debut together everywhere
    d_broad: float = 0.7  # the track is on several charts of different kinds at once
    d_seasonal: float = 0.7  # the track comes back in the same season a year later
    d_slow_climb: float = 0.7  # it climbed for weeks before peaking
    # --- thresholds -----------------------------------------------------------------------
    new_artist_history_days: float = 56  # data needed before a debut to call an act new
    flood_window_days: float = 28
    flood_min_titles: float = 4
    smooth_min_days: float = 14
    viral_min_days: float = 14
    cohort_bins: float = 10  # debut-rank bins per chart for the cohort comparison

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> ScoringParams:
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in (values or {}).items() if k in known})


DESCRIPTIONS = {f.name: (f.default, "") for f in fields(ScoringParams)}
