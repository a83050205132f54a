"""Scoring settings: every weight and threshold, with defaults shown to the user."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

SCORING_VERSION = "2.0"


@dataclass(frozen=True)
class ScoringParams:
    # --- weights: how much a fully-fired signal adds (noisy-OR of weight x value) -------
    # A signal from ranks alone tops out below 80: a score of 80 needs evidence that rank
    # data cannot give (sales without streams, bot-flat streams) or two signals together
    w_cross_chart: float = 0.92  # top of a sales chart, absent from streaming charts
    w_regional: float = 0.35  # streamed in one region only (alone it never flags: many
    # organic songs chart in one country; with flat streams it points to bots)
    w_smooth: float = 0.9  # daily streams with no weekly rhythm ("bots don't sleep")
    w_debut_crash: float = 0.7  # a high debut that collapses, against its era's debuts
    w_cliff_exit: float = 0.45  # gone for good from high up, against the chart's exits
    w_low_volume: float = 0.35  # a top position with far less volume than usual there
    w_spike: float = 0.3  # a jump far above the entry's own recent level
    w_viral_only: float = 0.25  # weeks on a viral chart, never on the volume chart
    w_album_alone: float = 0.4  # an album debuting high with none of its act's songs charting
    w_new_artist: float = 0.15  # none of the credited acts charted before
    w_flood: float = 0.88  # a new act's many titles within weeks, with sales-only evidence
    w_flood_alone: float = 0.2  # the same flood with nothing else odd (stars do it too)
    w_new_wave: float = 0.75  # far more new acts debuting on one chart than it usually sees
    # --- organic patterns: how strongly each pulls the signals it explains down --------
    d_album_week: float = 0.9  # an album's tracks debut together (deep cuts fall together)
    d_catalogue: float = 0.9  # an act's old titles back together (a death, an award show)
    d_event: float = 0.85  # many entries of one chart jump together (a festival week)
    d_buyers: float = 0.7  # the act's earlier songs sold without streams too
    d_broad: float = 0.7  # the track is on several charts of different kinds at once
    d_seasonal: float = 0.8  # the track comes back in the same season a year later
    d_slow_climb: float = 0.7  # it climbed for weeks before peaking
    # --- thresholds -----------------------------------------------------------------------
    new_artist_history_days: float = 365  # loaded data before a debut to judge newness
    flood_window_days: float = 28
    flood_min_titles: float = 4
    album_min_titles: float = 3  # an act's debuts on one chart date that make an album week
    album_window_days: float = 7  # an album chart debut this close to a track's is its album
    catalogue_min_titles: float = 3  # an act's titles arriving together, two coming back
    event_min_entries: float = 4  # entries of one chart jumping within three days
    era_years: float = 5  # a debut is compared with the chart's debuts this close in time
    min_reference: float = 10  # fewer comparable debuts or exits than this: not judged
    smooth_min_days: float = 14
    viral_min_days: float = 14

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> ScoringParams:
        known = {f.name for f in fields(cls)}
        return cls(**{k: float(v) for k, v in (values or {}).items() if k in known})


DESCRIPTIONS = {f.name: (f.default, "") for f in fields(ScoringParams)}
