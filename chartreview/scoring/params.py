"""Scoring settings: every weight and threshold, with defaults shown to the user."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

SCORING_VERSION = "2.1"


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
    d_heard: float = 0.8  # high on a streaming chart the week it debuted: its fall is real
    d_steady: float = 0.7  # on a sales chart for a quarter of a year: bought by an audience
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
    def from_dict(cls, values: dict[str, Any] | None,
                  problems: list[str] | None = None) -> ScoringParams:
        """Defaults overridden by ``values``; unknown names are ignored and a value out of
        its range (see :func:`check`) keeps the default, its reason added to ``problems``.
        """
        known = {f.name for f in fields(cls)}
        good: dict[str, float] = {}
        for name, value in (values or {}).items():
            if name not in known:
                continue
            try:
                good[name] = check(name, value)
            except ValueError as e:
                if problems is not None:
                    problems.append(str(e))
        return cls(**good)


# Each setting's range (low, high, whole numbers only). Weights (w_) and organic damping
# (d_) are strengths between 0 (off) and 1 (full); thresholds have ranges of their own.
STRENGTH = (0.0, 1.0, False)
RANGES: dict[str, tuple[float, float, bool]] = {
    "new_artist_history_days": (7, 3650, False),
    "flood_window_days": (1, 365, False),
    "flood_min_titles": (2, 50, True),
    "smooth_min_days": (7, 365, True),
    "viral_min_days": (1, 365, True),
    "album_min_titles": (2, 50, True),
    "album_window_days": (0, 60, False),
    "catalogue_min_titles": (2, 50, True),
    "event_min_entries": (2, 100, True),
    "era_years": (1, 100, False),
    "min_reference": (2, 1000, True),
}


def limits(name: str) -> tuple[float, float, bool]:
    """(low, high, whole numbers only) for a setting; KeyError for an unknown name."""
    if name in RANGES:
        return RANGES[name]
    if name.startswith(("w_", "d_")) and name in ScoringParams.__dataclass_fields__:
        return STRENGTH
    raise KeyError(name)


def describe_range(name: str) -> str:
    low, high, whole = limits(name)
    kind = "a whole number" if whole else "a number"
    return f"{kind} from {low:g} to {high:g}"


def check(name: str, value: Any) -> float:
    """``value`` as the float a setting takes, or ValueError with a sentence.

    Refuses NaN, infinities, text that is no number and anything outside the setting's
    range (:data:`RANGES`; weights 0 to 1).
    """
    low, high, whole = limits(name)
    try:
        number = float(str(value).strip()) if not isinstance(value, int | float) else float(
            value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} needs {describe_range(name)}, not {value!r}.") from None
    if not math.isfinite(number) or not low <= number <= high or (
            whole and not number.is_integer()):
        raise ValueError(f"{name} needs {describe_range(name)}, not {value!r}.")
    return number


DESCRIPTIONS = {f.name: (f.default, "") for f in fields(ScoringParams)}
