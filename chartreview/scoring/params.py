"""Scoring settings: every weight and threshold, with defaults shown to the user."""

from __future__ import annotations

import math
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
    "cohort_bins": (2, 100, True),
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
