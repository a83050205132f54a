"""What each signal and organic pattern is called on screen (filter bar, scoring progress).

Kept apart from the scoring code so the window can name the signals without importing
pandas at start-up.
"""

from __future__ import annotations

SIGNAL_LABELS = {
    "cross_chart": "Sales without streams", "regional": "One region only",
    "smooth_streams": "Bot-smooth streams", "debut_crash": "Debut high, then crash",
    "low_volume": "Low-volume top spot", "spike": "Spike above own trend",
    "viral_only": "Viral without volume", "new_artist": "New act",
    "flood": "Release flood", "cliff_exit": "Gone from high up",
    "album_alone": "Album without its songs", "new_wave": "Wave of new acts",
    "event": "Event week (organic)", "buyers": "Buying audience (organic)",
    "album_week": "Album week (organic)", "catalogue": "Catalogue surge (organic)",
    "broad": "On many charts (organic)", "seasonal": "Seasonal return (organic)",
    "slow_climb": "Slow climber (organic)", "heard": "Streamed as it sold (organic)",
    "steady": "Sold for months (organic)",
}
