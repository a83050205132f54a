"""Hand-made charts for the scoring tests: positions frames built row by row."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd


class Charts:
    def __init__(self) -> None:
        self.charts: list[dict] = []
        self.rows: list[dict] = []
        self.tracks: dict[tuple[str, str], int] = {}
        self.artists: dict[str, int] = {}
        self.entries: dict[tuple[int, int], int] = {}
        self.credits: dict[int, list[int]] = {}  # track -> every credited act

    def chart(self, name: str, region: str = "us", frequency: str = "weekly",
              metric: str = "sales") -> int:
        cid = len(self.charts) + 1
        self.charts.append({"chart_id": cid, "label": f"{name} ({region}, {frequency})",
                            "region": region, "frequency": frequency, "metric": metric})
        return cid

    def run(self, chart: int, title: str, artist: str, start: date, ranks: list[int],
            values: list[float] | None = None, *, featuring: tuple[str, ...] = (),
            step_days: int | None = None) -> int:
        """A track's run: consecutive periods (days or weeks) from ``start``.

        ``artist`` is the lead act, ``featuring`` the other credited acts.
        """
        c = self.charts[chart - 1]
        step = step_days or (1 if c["frequency"] == "daily" else 7)
        aid = self.artists.setdefault(artist, len(self.artists) + 1)
        tid = self.tracks.setdefault((title, artist), len(self.tracks) + 1)
        self.credits[tid] = [aid] + [self.artists.setdefault(a, len(self.artists) + 1)
                                     for a in featuring]
        eid = self.entries.setdefault((chart, tid), len(self.entries) + 1)
        col = "sales" if c["metric"] == "sales" else "streams"
        for i, rank in enumerate(ranks):
            row = {"entry_id": eid, "chart_id": chart, "track_id": tid, "artist_id": aid,
                   "date": pd.Timestamp(start + timedelta(days=step * i)), "rank": rank,
                   "streams": np.nan, "sales": np.nan}
            if values is not None:
                row[col] = float(values[i])
            self.rows.append(row)
        return eid

    def fill(self, chart: int, start: date, periods: int, size: int, *, prefix: str = "bg",
             run: int = 8, value_at_1: float = 10_000, rng_seed: int = 0,
             acts: int = 37) -> None:
        """Background entries: every ``run`` periods a new cohort fills the chart."""
        rng = np.random.default_rng(rng_seed)
        c = self.charts[chart - 1]
        step = 1 if c["frequency"] == "daily" else 7
        n = 0
        for p0 in range(0, periods, run):
            for r in range(1, size + 1):
                length = min(run, periods - p0)
                vals = [value_at_1 / r * rng.uniform(0.95, 1.05) for _ in range(length)]
                self.run(chart, f"{prefix} {n}", f"{prefix} act {n % acts}",
                         start + timedelta(days=step * p0), [r] * length, vals)
                n += 1

    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        pos = pd.DataFrame(self.rows)
        # a rank can be held once per chart date: later rows win (hand-made overrides)
        pos = pos.drop_duplicates(["chart_id", "date", "rank"], keep="last")
        names = pd.DataFrame({"artist_id": list(self.artists.values()),
                              "artist": list(self.artists.keys())})
        return pos.reset_index(drop=True), pd.DataFrame(self.charts), names

    def credit_frame(self) -> pd.DataFrame:
        return pd.DataFrame([(t, a) for t, acts in self.credits.items() for a in acts],
                            columns=["track_id", "artist_id"])
