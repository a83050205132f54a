"""Generate a realistic, deterministic chart world and import it like any other file.

Organic tracks rise and decay with a weekly listening rhythm; stars release albums whose
tracks debut high everywhere at once; a viral hit climbs every chart together; a holiday
song returns each December; a slow climber takes months. Planted beside them:

* ``bulk_sales``: a track with little streaming bought to the top of the sales chart for a
  week or two, then gone;
* ``bot_streams``: a track streamed in one region only, flat, with no weekly rhythm;
* ``ai_flood``: a new act releasing many titles within weeks, several on the sales chart
  in one week with small sales and no streams.

Every chart is written to a CSV and imported with :func:`chartreview.ingest.import_file`
through a column mapping, the same path a user's file takes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chartreview.domain import CancelToken, Progress, ProgressFn
from chartreview.ingest import ImportOptions, ImportReport, import_file

if TYPE_CHECKING:
    import pandas as pd

    from chartreview.store.db import Project

PLANTED = ("bulk_sales", "bot_streams", "ai_flood")
ORGANIC = ("album_week", "viral_hit", "holiday", "slow_climber")

_FIRST = ("Luna", "Cody", "Maya", "Jesse", "Nova", "Ray", "Ivy", "Dean", "Skye", "Wes", "Remy",
          "Tess", "Jade", "Cole", "Faye", "Milo", "Rosa", "Kai", "Ada", "Otis", "Lila", "Hank",
          "Zora", "Finn", "Elle", "Gus", "Nina", "Jett", "Cleo", "Abe")
_LAST = ("Rivers", "Hart", "Vale", "Stone", "Park", "Lane", "Cruz", "Fox", "Wilde", "Gray",
         "Moss", "Reyes", "Banks", "Shaw", "Holt", "Quinn", "Marsh", "Frost", "Kade", "Bloom")
_BANDS = ("The {} {}", "{} {}", "{} & The {}")
_NOUNS = ("Lights", "Heart", "Summer", "Road", "Fire", "River", "Night", "Rain", "Gold", "Echo",
          "Dream", "Wild", "Stars", "Ocean", "Dust", "Neon", "Honey", "Thunder", "Glass",
          "Roses", "Midnight", "Highway", "Paper", "Silver", "Canyon", "Velvet", "Sugar")
_WORDS = ("Back", "Home", "Run", "Fall", "Hold", "Burn", "Ride", "Lose", "Chase", "Call",
          "Dance", "Break", "Walk", "Wait", "Shine", "Drive", "Fly", "Stay", "Move", "Feel")


@dataclass(frozen=True)
class Case:
    """A track the benchmark knows the truth about."""

    title: str
    artist: str
    pattern: str
    planted: bool
    charts: tuple[str, ...]  # chart names where the pattern shows (planted: where it was done)


@dataclass
class World:
    start: date
    days: int
    titles: list[str] = field(default_factory=list)
    artists: list[str] = field(default_factory=list)
    streams_us: np.ndarray | None = None  # (tracks, days)
    streams_de: np.ndarray | None = None
    sales: np.ndarray | None = None  # daily sales
    cases: list[Case] = field(default_factory=list)
    charts: dict[str, pd.DataFrame] = field(default_factory=dict)


CHARTS = {
    # name: (region, frequency, metric, size, value column)
    "Digital Song Sales": ("us", "weekly", "sales", 50, "sales"),
    "Streaming Songs": ("us", "weekly", "streams", 50, "streams"),
    "Hot 100": ("us", "weekly", "composite", 100, None),
    "Spotify Daily 100": (None, "daily", "streams", 100, "streams"),
}


class _Names:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used_artists: set[str] = set()
        self.used_titles: set[str] = set()
        self._space_left: int | None = None  # titles of the word lists not yet used

    def artist(self) -> str:
        for _ in range(1000):
            r = self.rng.random()
            if r < 0.6:
                name = f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"
            else:
                pattern = _BANDS[int(self.rng.integers(len(_BANDS)))]
                name = pattern.format(self.rng.choice(_NOUNS), self.rng.choice(_NOUNS))
            if name not in self.used_artists:
                self.used_artists.add(name)
                return name
        raise RuntimeError("ran out of artist names")

    def title(self) -> str:
        # Once every title the word lists make is taken (a world of more than about 90
        # weeks), drawing for a free one cannot succeed: number them at once. Worlds that
        # do not use them all draw exactly as before.
        if self._space_left is None:
            self._space_left = len(
                {f"{a} {b}" for a in _WORDS for b in _NOUNS}
                | {f"{a} {b}" for a in _NOUNS for b in _NOUNS}
                | {f"{a} Me {b}" for a in _WORDS for b in _WORDS})
        for _ in range(10_000 if self._space_left > 0 else 0):
            r = self.rng.random()
            if r < 0.4:
                t = f"{self.rng.choice(_WORDS)} {self.rng.choice(_NOUNS)}"
            elif r < 0.7:
                t = f"{self.rng.choice(_NOUNS)} {self.rng.choice(_NOUNS)}"
            else:
                t = f"{self.rng.choice(_WORDS)} Me {self.rng.choice(_WORDS)}"
            if t not in self.used_titles:
                self.used_titles.add(t)
                self._space_left -= 1
                return t
        t = f"{self.rng.choice(_NOUNS)} No. {len(self.used_titles)}"
        self.used_titles.add(t)
        return t


def _lifecycle(days: np.ndarray, release: int, rise: float, half_life: float) -> np.ndarray:
    t = days - release
    up = np.clip(t / max(rise, 1.0), 0.0, 1.0) ** 1.5
    down = np.where(t > rise, 0.5 ** ((t - rise) / half_life), 1.0)
    return np.where(t >= 0, up * down, 0.0)


def generate(seed: int = 7, *, weeks: int = 64, tracks_per_week: int = 16) -> World:
    """Build the world in memory: daily streams (us, de), daily sales, and the charts."""
    rng = np.random.default_rng(seed)
    names = _Names(rng)
    start = date(2024, 10, 6)  # a Sunday: weeks end on Saturdays, as Billboard dates them;
    # 64 weeks cover two Decembers
    n_days = weeks * 7
    d = np.arange(n_days)
    weekday = np.array([(start + timedelta(days=int(i))).weekday() for i in d])
    rhythm = np.array([0.94, 0.93, 0.95, 0.97, 1.08, 1.10, 1.03])[weekday]  # Fri/Sat peak
    world = World(start, n_days)
    us: list[np.ndarray] = []
    de: list[np.ndarray] = []
    sales: list[np.ndarray] = []

    def add(title: str, artist: str, curve: np.ndarray, scale: float, *, de_share: float,
            sales_ratio: float, organic_rhythm: bool = True) -> int:
        noise = rng.lognormal(0.0, 0.06, n_days)
        base = curve * scale * noise * (rhythm if organic_rhythm else 1.0)
        us.append(base)
        de.append(base * de_share * rng.lognormal(0, 0.05, n_days))
        sales.append(curve * scale * sales_ratio * rng.lognormal(0, 0.15, n_days))
        world.titles.append(title)
        world.artists.append(artist)
        return len(world.titles) - 1

    # Organic population: artists with a popularity, releasing over time (and a catalogue
    # already charting when the window opens)
    n_artists = max(60, weeks * tracks_per_week // 5)
    pop = rng.lognormal(0.0, 0.8, n_artists)
    artist_names = [names.artist() for _ in range(n_artists)]
    for _ in range(weeks * tracks_per_week + 250):
        a = int(rng.choice(n_artists, p=pop / pop.sum()))
        release = int(rng.integers(-120, n_days - 3))
        curve = _lifecycle(d, release, rng.uniform(2, 25), rng.uniform(15, 90))
        scale = 220_000 * pop[a] * rng.lognormal(0, 0.6)
        add(names.title(), artist_names[a], curve, scale, de_share=rng.uniform(0.08, 0.3),
            sales_ratio=rng.uniform(0.0005, 0.0016))

    def between(lo: int, hi: int) -> int:
        """A day in [lo, hi), squeezed into short worlds."""
        hi = min(hi, n_days - 7)
        lo = min(max(0, lo), hi - 1)
        return int(rng.integers(lo, max(hi, lo + 1)))

    def case(idx: list[int], pattern: str, planted: bool, charts: tuple[str, ...]) -> None:
        for i in idx:
            world.cases.append(Case(world.titles[i], world.artists[i], pattern, planted, charts))

    # --- organic look-alikes -------------------------------------------------------------
    for k in range(2):  # a star's album week: many tracks debut high on every chart at once
        star = artist_names[int(np.argmax(pop))] if k == 0 else names.artist()
        release = between(30, n_days - 60)
        album = [add(names.title(), star, _lifecycle(d, release, 1, rng.uniform(8, 20)),
                     rng.uniform(0.5, 1.3) * 1_400_000, de_share=0.25, sales_ratio=0.0012)
                 for _ in range(10)]
        case(album, "album_week", False, ())
    for _ in range(2):  # a viral hit by a new act, rising on every chart together
        release = between(40, n_days - 90)
        i = add(names.title(), names.artist(), _lifecycle(d, release, 35, 70), 2_600_000,
                de_share=0.35, sales_ratio=0.0015)
        case([i], "viral_hit", False, ())
    holiday_curve = np.zeros(n_days)  # back every December
    for i, day in enumerate(d):
        when = start + timedelta(days=int(day))
        if when.month == 12 and when.day <= 26:
            holiday_curve[i] = (when.day / 26) ** 2
    i = add("Snow On Main Street", names.artist(), holiday_curve, 2_400_000, de_share=0.3,
            sales_ratio=0.0015)
    case([i], "holiday", False, ())
    for _ in range(2):  # slow climbers
        release = between(10, n_days // 2)
        i = add(names.title(), names.artist(), _lifecycle(d, release, 110, 120), 1_100_000,
                de_share=0.2, sales_ratio=0.0012)
        case([i], "slow_climber", False, ())

    # --- planted manipulation ------------------------------------------------------------
    for _ in range(3):  # bulk-bought sales
        release = between(20, n_days - 40)
        i = add(names.title(), names.artist(), _lifecycle(d, release, 5, 30), 25_000,
                de_share=0.1, sales_ratio=0.0008)
        buy = release + int(rng.integers(3, 10))
        bought = rng.uniform(25_000, 60_000)  # a week of bulk purchases
        sales[i][buy:buy + 7] += bought / 7 * rng.uniform(0.9, 1.1, 7)[: len(sales[i][buy:buy + 7])]
        case([i], "bulk_sales", True, ("Digital Song Sales",))
    for _ in range(3):  # bot streams in one region, flat, no weekly rhythm
        release = between(20, n_days - 80)
        i = add(names.title(), names.artist(), _lifecycle(d, release, 3, 25), 8_000,
                de_share=0.2, sales_ratio=0.0004)
        span = int(rng.integers(35, 70))
        level = rng.uniform(90_000, 160_000)
        ramp = np.minimum(1.0, np.arange(span) / 4.0 + 0.25)
        de[i][release:release + span] += (level * ramp * rng.normal(1, 0.004, span))[
            : len(de[i][release:release + span])]
        case([i], "bot_streams", True, ("Spotify Daily 100",))
    ai_act = names.artist()
    flood_start = between(60, n_days - 60)
    ai_tracks = []
    for _ in range(8):  # an AI act floods the sales chart: many titles within three weeks
        release = flood_start + int(rng.integers(0, 21))
        i = add(names.title(), ai_act, _lifecycle(d, release, 1, 10), 4_000,
                de_share=0.05, sales_ratio=0.0003)
        wk = release + int(rng.integers(0, 3))
        sales[i][wk:wk + 7] += rng.uniform(9_000, 22_000) / 7
        ai_tracks.append(i)
    case(ai_tracks, "ai_flood", True, ("Digital Song Sales",))

    world.streams_us = np.vstack(us)
    world.streams_de = np.vstack(de)
    world.sales = np.vstack(sales)
    world.charts = _publish(world)
    return world


def _rank_periods(values: np.ndarray, size: int) -> list[np.ndarray]:
    """Top ``size`` track indices per period (column), best first."""
    out = []
    for p in range(values.shape[1]):
        col = values[:, p]
        top = np.argpartition(-col, size)[:size]
        top = top[np.argsort(-col[top], kind="stable")]
        out.append(top[col[top] > 0])
    return out


def _frame(world: World, dates: list[date], tops: list[np.ndarray],
           values: np.ndarray | None, value_col: str | None) -> pd.DataFrame:
    import pandas as pd

    rows = []
    last: dict[int, int] = {}
    peak: dict[int, int] = {}
    weeks: dict[int, int] = {}
    for p, (when, top) in enumerate(zip(dates, tops, strict=True)):
        now: dict[int, int] = {}
        for r, t in enumerate(top.tolist(), start=1):
            peak[t] = min(peak.get(t, r), r)
            weeks[t] = weeks.get(t, 0) + 1
            row = {"date": when.isoformat(), "rank": r, "title": world.titles[t],
                   "artist": world.artists[t], "last_rank": last.get(t), "peak": peak[t],
                   "weeks": weeks[t]}
            if value_col and values is not None:
                row[value_col] = round(float(values[t, p]))
            rows.append(row)
            now[t] = r
        last = now
    df = pd.DataFrame(rows)
    df["last_rank"] = df["last_rank"].astype("Int64")
    return df


def _publish(world: World) -> dict[str, pd.DataFrame]:
    assert world.streams_us is not None and world.streams_de is not None
    assert world.sales is not None
    n_weeks = world.days // 7
    week_end = [world.start + timedelta(days=7 * w + 6) for w in range(n_weeks)]

    def weekly(daily: np.ndarray) -> np.ndarray:
        return daily[:, : n_weeks * 7].reshape(daily.shape[0], n_weeks, 7).sum(axis=2)

    sales_w = weekly(world.sales)
    us_w = weekly(world.streams_us)
    composite = us_w / 1500.0 + sales_w * 1.0  # streams and sales on one points scale
    charts = {
        "Digital Song Sales": _frame(world, week_end, _rank_periods(sales_w, 50), sales_w,
                                     "sales"),
        "Streaming Songs": _frame(world, week_end, _rank_periods(us_w, 50), us_w, "streams"),
        "Hot 100": _frame(world, week_end, _rank_periods(composite, 100), None, None),
    }
    days = [world.start + timedelta(days=i) for i in range(world.days)]
    for region, daily in (("us", world.streams_us), ("de", world.streams_de)):
        charts[f"Spotify Daily 100|{region}"] = _frame(
            world, days, _rank_periods(daily, 100), daily, "streams")
    return charts


def build_demo(
    project: Project, *, seed: int = 7, weeks: int = 64,
    on_progress: ProgressFn | None = None, cancel: CancelToken | None = None,
) -> tuple[World, list[ImportReport]]:
    """Generate a world and import its charts into ``project`` through the import path."""
    world = generate(seed, weeks=weeks)
    reports = []
    with tempfile.TemporaryDirectory(prefix="chartreview-demo-") as tmp:
        items = list(world.charts.items())
        for n, (key, frame) in enumerate(items):
            name, _, region = key.partition("|")
            reg, freq, metric, _size, value = CHARTS[name]
            path = Path(tmp) / f"{name.lower().replace(' ', '_')}_{region or reg}.csv"
            frame.to_csv(path, index=False)
            mapping = {c: c for c in ("date", "rank", "title", "artist", "last_rank", "peak",
                                      "weeks")}
            if value:
                mapping[value] = value
            opts = ImportOptions(format="mapped", chart=name, region=region or reg,
                                 frequency=freq, metric=metric, mapping=mapping)
            if on_progress:
                on_progress(Progress(n, len(items), f"Importing {name} ({region or reg})"))
            reports.append(import_file(project, path, opts, cancel=cancel))
    if on_progress:
        on_progress(Progress(len(items), len(items), "Demo project ready"))
    return world, reports
