"""A second chart world, built from another view of the market than ``generator``.

``generator`` draws each song's daily streams from a rise-and-decay curve. Here a song's
*demand* is a gamma-shaped wave over weeks; four regions listen with rhythms of their
own (Brazil peaks on Sunday, Germany on Friday) and AR(1) noise; downloads, radio
(which follows streaming with a lag) and album units are read off the same demand, by
genre. Charts: four daily Spotify charts, a US weekly streaming, download and country
download chart, radio, a composite Hot 100, a daily Viral 50 ranked by growth, and an
album chart.

Planted, of kinds ``generator`` does not make:

* ``stream_farm``: a farm streams a track in one region with a copied weekly rhythm and
  noise (so "bots don't sleep" sees nothing), at a level held for four to eight weeks;
* ``slow_bulk``: downloads bought steadily for four to eight weeks, the song barely
  streamed;
* ``ai_catalogue``: many small new "acts" of one or two titles each on the country
  download chart, one of them No. 1 there, modest streams, no radio;
* ``playlist_spike``: a paid playlist lifts an unknown act in one region for a week or
  two;
* ``bundle_debut``: a single whose first week of downloads is bought in bulk (a
  bundle): a top-three debut that collapses;
* ``album_bulk``: an album sold in bulk (merch bundles) in its first week, gone after.

Organic look-alikes: album drops, TikTok-driven viral climbs, catalogue revivals after
a death or a film, festival weeks (one region's local acts up for a week together),
holiday songs, radio-driven slow climbers.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chartreview.demo.generator import Case
from chartreview.ingest import ImportOptions, ImportReport, import_file

if TYPE_CHECKING:
    import pandas as pd

    from chartreview.store.db import Project

PLANTED = ("stream_farm", "slow_bulk", "ai_catalogue", "playlist_spike", "bundle_debut",
           "album_bulk")
ORGANIC = ("album_drop", "tiktok_viral", "catalogue_revival", "festival_week", "holiday",
           "radio_climber")
REGIONS = ("us", "gb", "de", "br")
# weekday rhythm (Monday first) per region
RHYTHM = {"us": (0.95, 0.94, 0.95, 0.97, 1.07, 1.09, 1.03),
          "gb": (0.96, 0.95, 0.96, 0.98, 1.08, 1.05, 1.02),
          "de": (0.97, 0.96, 0.97, 1.00, 1.12, 1.03, 0.95),
          "br": (0.93, 0.92, 0.94, 0.95, 1.02, 1.08, 1.16)}
AR = 0.6 ** np.arange(25)
GENRES = ("pop", "hiphop", "country", "latin", "rock")
# where each genre is listened to, and how much of it is bought as downloads
REACH = {"pop": (1.0, 0.6, 0.45, 0.3), "hiphop": (1.0, 0.4, 0.35, 0.25),
         "country": (1.0, 0.08, 0.03, 0.02), "latin": (0.45, 0.1, 0.12, 1.0),
         "rock": (0.8, 0.5, 0.6, 0.15)}
BUY = {"pop": 1.0, "hiphop": 0.6, "country": 3.2, "latin": 0.5, "rock": 1.6}
CHARTS = {
    # name: (region, frequency, metric, size)
    "Spotify Daily|us": ("us", "daily", "streams", 100),
    "Spotify Daily|gb": ("gb", "daily", "streams", 100),
    "Spotify Daily|de": ("de", "daily", "streams", 100),
    "Spotify Daily|br": ("br", "daily", "streams", 100),
    "Streaming Songs": ("us", "weekly", "streams", 50),
    "Digital Song Sales": ("us", "weekly", "sales", 50),
    "Country Digital Song Sales": ("us", "weekly", "sales", 25),
    "Radio Songs": ("us", "weekly", "airplay", 40),
    "Hot 100": ("us", "weekly", "composite", 100),
    "Viral 50": ("us", "daily", "viral", 50),
    "Top Albums": ("us", "weekly", "composite", 50),
}

_SYL = ("ka", "lo", "mi", "ra", "ven", "to", "sa", "del", "ro", "ni", "bel", "ta", "mar",
        "co", "zu", "len", "fi", "ory", "an", "el", "jo", "val", "ki", "ma")
_WORDS = ("Blue", "Fever", "Slow", "Gravity", "Mirror", "Sunday", "Static", "Harbor", "Ghost",
          "Tender", "Wire", "Ember", "Violet", "Orbit", "Salt", "Lantern", "Arrow", "Cinder",
          "Meadow", "Copper", "Signal", "Hollow", "Kite", "Marble", "Ribbon", "Shadow")


@dataclass
class Market:
    start: date
    days: int
    titles: list[str] = field(default_factory=list)
    artists: list[str] = field(default_factory=list)
    genre: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    charts: dict[str, pd.DataFrame] = field(default_factory=dict)


class _Namer:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def _word(self, parts: int) -> str:
        return "".join(self.rng.choice(_SYL) for _ in range(parts)).capitalize()

    def act(self) -> str:
        while True:
            r = self.rng.random()
            if r < 0.5:
                name = f"{self._word(2)} {self._word(int(self.rng.integers(2, 4)))}"
            elif r < 0.8:
                name = self._word(int(self.rng.integers(2, 4))).upper()
            else:
                name = f"The {self.rng.choice(_WORDS)} {self._word(2)}s"
            if name not in self.taken:
                self.taken.add(name)
                return name

    def title(self) -> str:
        while True:
            r = self.rng.random()
            if r < 0.45:
                t = f"{self.rng.choice(_WORDS)} {self.rng.choice(_WORDS)}"
            elif r < 0.75:
                t = f"{self.rng.choice(_WORDS)} {self._word(2)}"
            else:
                t = f"{self._word(2)} {self.rng.choice(_WORDS)} {self._word(1)}"
            if t not in self.taken:
                self.taken.add(t)
                return t


def _wave(days: np.ndarray, release: int, shape: float, scale: float) -> np.ndarray:
    """A gamma-shaped wave of demand from ``release``: peak after (shape - 1) x scale days."""
    t = np.maximum(days - release, 0) / scale
    mode = max(shape - 1, 1e-6)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(days >= release, (t / mode) ** (shape - 1) * np.exp(mode - t), 0.0)
    return np.nan_to_num(w)


def generate_market(seed: int = 17, *, weeks: int = 80, songs_per_week: int = 14) -> Market:
    """Build the world in memory: daily streams per region, downloads, radio, albums."""
    rng = np.random.default_rng(seed)
    namer = _Namer(rng)
    start = date(2023, 9, 4)  # a Monday; 80 weeks cover two Decembers
    n_days = weeks * 7
    d = np.arange(n_days)
    weekday = np.array([(start + timedelta(days=int(i))).weekday() for i in d])
    m = Market(start, n_days)
    streams: list[np.ndarray] = []  # (regions, days) per song
    buys: list[np.ndarray] = []  # daily downloads
    album_of: list[int] = []  # album id per song, -1 for none

    def song(title: str, act: str, genre: str, demand: np.ndarray, *, home: int | None = None,
             buy: float | None = None, album: int = -1, reach: tuple[float, ...] | None = None
             ) -> int:
        r = np.array(reach or REACH[genre], dtype=float)
        if home is not None:
            r = r * 0.35
            r[home] = 1.0
        out = np.empty((len(REGIONS), n_days))
        for k, reg in enumerate(REGIONS):
            # AR(1) in logs (0.6 a day): listening drifts, it does not jitter
            noise = np.convolve(rng.normal(0, 0.045, n_days + len(AR)), AR)[len(AR):][:n_days]
            out[k] = demand * r[k] * np.array(RHYTHM[reg])[weekday] * np.exp(noise)
        streams.append(out)
        rate = (buy if buy is not None else BUY[genre]) * 0.0011 * r[0]  # US downloads
        buys.append(demand * rate * rng.lognormal(0, 0.18, n_days))
        m.titles.append(title)
        m.artists.append(act)
        m.genre.append(genre)
        album_of.append(album)
        return len(m.titles) - 1

    def case(idx: list[int], pattern: str, planted: bool, charts: tuple[str, ...]) -> None:
        m.cases.extend(Case(m.titles[i], m.artists[i], pattern, planted, charts) for i in idx)

    def when(lo: int, hi: int) -> int:
        hi = min(hi, n_days - 10)
        lo = min(max(0, lo), hi - 1)
        return int(rng.integers(lo, hi))

    # --- the organic market ---------------------------------------------------------------
    n_acts = max(80, weeks * songs_per_week // 6)
    fans = rng.pareto(1.6, n_acts) + 0.3
    acts = [namer.act() for _ in range(n_acts)]
    genres = [str(rng.choice(GENRES, p=(0.34, 0.26, 0.16, 0.12, 0.12))) for _ in acts]
    homes = [None if rng.random() < 0.7 else int(rng.integers(1, 4)) for _ in acts]
    for _ in range(weeks * songs_per_week + 200):
        a = int(rng.choice(n_acts, p=fans / fans.sum()))
        release = int(rng.integers(-150, n_days - 5))
        demand = _wave(d, release, rng.uniform(1.3, 3.0), rng.uniform(6, 40))
        song(namer.title(), acts[a], genres[a], demand * 160_000 * fans[a] * rng.lognormal(0, 0.7),
             home=homes[a])

    albums: list[tuple[str, str, int, list[int], float]] = []  # title, act, release, songs, bulk
    stars = np.argsort(-fans)[:6]
    for k in range(3):  # album drops: a star's album, every track out the same day
        a = int(stars[k])
        release = when(40, n_days - 70)
        tracks = [song(namer.title(), acts[a], genres[a],
                       _wave(d, release, 1.15, rng.uniform(6, 16)) * rng.uniform(0.4, 1.4)
                       * 1_900_000, album=len(albums)) for _ in range(int(rng.integers(9, 15)))]
        albums.append((namer.title(), acts[a], release, tracks, 0.0))
        case(tracks, "album_drop", False, ())
    for _ in range(2):  # TikTok: a new act crawls, then everything at once, everywhere
        release = when(30, n_days - 120)
        demand = _wave(d, release, 6.0, rng.uniform(9, 14)) * 2_600_000
        case([song(namer.title(), namer.act(), "pop", demand)], "tiktok_viral", False, ())
    # a catalogue revival: an older act's hits charted early on, faded, and all come back
    # for a few weeks after a death or a film
    a_old = namer.act()
    revival = when(n_days // 2, n_days - 40)
    old = []
    for _ in range(5):
        first = int(rng.integers(-20, 60))
        demand = _wave(d, first, 1.6, rng.uniform(10, 25)) * rng.uniform(0.8, 1.5) * 1_100_000
        demand += _wave(d, revival, 1.2, rng.uniform(5, 9)) * rng.uniform(0.5, 1.2) * 1_300_000
        old.append(song(namer.title(), a_old, "rock", demand))
    case(old, "catalogue_revival", False, ())
    # a festival week: Germany's local acts all up for a few days
    fest = when(60, n_days - 30)
    local = []
    for _ in range(6):
        base = _wave(d, int(rng.integers(-100, fest - 30)), 1.4, 60) * 150_000
        bump = np.where((d >= fest) & (d < fest + 6), rng.uniform(3.0, 5.0), 1.0)
        local.append(song(namer.title(), namer.act(), "rock", base * bump, home=2,
                          reach=(0.02, 0.05, 1.0, 0.01)))
    case(local, "festival_week", False, ())
    december = np.array([(start + timedelta(days=int(i))).month == 12
                         and (start + timedelta(days=int(i))).day <= 27 for i in d], float)
    ramp = np.array([((start + timedelta(days=int(i))).day / 27) ** 1.5 for i in d])
    for _ in range(2):  # holiday songs: back every December
        demand = december * ramp * rng.uniform(1.5, 2.6) * 1_000_000
        case([song(namer.title(), namer.act(), "pop", demand)], "holiday", False, ())
    for _ in range(2):  # radio-driven slow climbers
        release = when(10, n_days // 2)
        demand = _wave(d, release, 4.5, 30) * 900_000
        case([song(namer.title(), namer.act(), "country", demand)], "radio_climber", False,
             ())

    # --- planted: each aimed at a place on its chart, as a campaign is ----------------
    organic = np.stack(streams)
    organic_buys = np.vstack(buys)

    def daily_at(k: int, rank: int) -> float:
        """The typical daily streams at ``rank`` of region ``k``'s chart."""
        col = np.sort(organic[:, k, :], axis=0)[::-1]
        return float(np.median(col[rank - 1]))

    def weekly_sales_at(rank: int, only: np.ndarray | None = None, q: float = 50) -> float:
        """The weekly downloads at ``rank`` (the ``q``-th percentile over the weeks)."""
        n_w = n_days // 7
        w = organic_buys[:, : n_w * 7].reshape(len(organic_buys), n_w, 7).sum(axis=2)
        if only is not None:
            w = w[only]
        return float(np.percentile(np.sort(w, axis=0)[::-1][rank - 1], q))

    farm_region = {"stream_farm": 3, "playlist_spike": 1}  # br, gb
    for _ in range(3):  # stream farms: copied rhythm, fake noise, a level held, then off
        k = farm_region["stream_farm"]
        release = when(30, n_days - 90)
        i = song(namer.title(), namer.act(), "latin",
                 _wave(d, release, 1.5, 12) * 20_000, home=k)
        span = int(rng.integers(28, 57))
        level = daily_at(k, int(rng.integers(15, 40))) * rng.uniform(1.0, 1.3)
        on = (d >= release) & (d < release + span)
        fake = level * np.array(RHYTHM[REGIONS[k]])[weekday] * rng.normal(1, 0.05, n_days)
        streams[i][k] += np.where(on, fake, 0.0)
        case([i], "stream_farm", True, (f"Spotify Daily|{REGIONS[k]}",))
    for _ in range(3):  # slow bulk buying: downloads for four to eight weeks
        release = when(20, n_days - 80)
        i = song(namer.title(), namer.act(), "pop", _wave(d, release, 1.6, 14) * 35_000)
        span = int(rng.integers(28, 57))
        on = (d >= release + 3) & (d < release + 3 + span)
        per_day = weekly_sales_at(int(rng.integers(6, 16))) / 7
        buys[i] += np.where(on, per_day * rng.uniform(0.9, 1.1, n_days), 0)
        case([i], "slow_bulk", True, ("Digital Song Sales",))
    wave_start = when(60, n_days - 60)
    country_songs = np.array([g == "country" for g in m.genre[: len(organic_buys)]])
    ai = []
    for j in range(12):  # an AI catalogue spread over many small "acts"
        act = namer.act()
        target = (weekly_sales_at(1, country_songs, q=100) * 1.1 if j == 0 else
                  weekly_sales_at(int(rng.integers(4, 16)), country_songs))
        for _ in range(1 if j % 3 else 2):
            release = wave_start + int(rng.integers(0, 35))
            if j == 0:  # the one meant for No. 1 sells its whole week inside a chart week
                release = release // 7 * 7
            i = song(namer.title(), act, "country", _wave(d, release, 1.2, 6) * 9_000,
                     buy=0.0)
            buys[i] += np.where((d >= release) & (d < release + 7),
                                target / 7 * rng.uniform(1.0, 1.3), 0.0)
            ai.append(i)
    case(ai, "ai_catalogue", True, ("Country Digital Song Sales",))
    for _ in range(3):  # paid playlisting: real listeners, one region, a week or two
        k = farm_region["playlist_spike"]
        release = when(30, n_days - 60)
        i = song(namer.title(), namer.act(), "pop", _wave(d, release, 1.5, 20) * 25_000,
                 home=k)
        lift = (d >= release + 10) & (d < release + 10 + int(rng.integers(7, 15)))
        level = daily_at(k, int(rng.integers(10, 35)))
        listeners = level * np.array(RHYTHM[REGIONS[k]])[weekday] * rng.lognormal(0, 0.06,
                                                                                   n_days)
        streams[i][k] += np.where(lift, listeners, 0.0)
        case([i], "playlist_spike", True, (f"Spotify Daily|{REGIONS[k]}",))
    for _ in range(3):  # a bundle: the first chart week's downloads bought in bulk
        a = int(rng.choice(n_acts))
        release = when(30, n_days - 40) // 7 * 7  # out on the first day of a chart week
        i = song(namer.title(), acts[a], genres[a], _wave(d, release, 1.4, 10) * 120_000)
        bought = weekly_sales_at(1) * rng.uniform(1.3, 2.2)
        buys[i] += np.where((d >= release) & (d < release + 7), bought / 7, 0)
        case([i], "bundle_debut", True, ("Digital Song Sales", "Hot 100"))
    bulk_albums = []
    for _ in range(2):  # albums sold in bulk in their first week
        act = namer.act()
        release = when(30, n_days - 40)
        tracks = [song(namer.title(), act, "rock", _wave(d, release, 1.3, 8) * 20_000,
                       album=len(albums)) for _ in range(8)]
        title = namer.title()
        albums.append((title, act, release, tracks, rng.uniform(90_000, 150_000)))
        bulk_albums.append(len(albums) - 1)
    m.cases.extend(Case(albums[b][0], albums[b][1], "album_bulk", True, ("Top Albums",))
                   for b in bulk_albums)
    # every act's songs make albums: the songs out within half a year of each other
    by_act: dict[str, list[tuple[int, int]]] = {}
    planted = {(c.title, c.artist) for c in m.cases if c.planted}
    for i, a in enumerate(m.artists):
        if album_of[i] < 0 and (m.titles[i], a) not in planted:
            by_act.setdefault(a, []).append((int(np.argmax(streams[i][0] > 0)), i))
    for a, items in by_act.items():
        items.sort()
        group = [items[0]]
        for item in [*items[1:], None]:
            if item is not None and item[0] - group[0][0] <= 180:
                group.append(item)
                continue
            if len(group) >= 2:
                albums.append((namer.title(), a, group[0][0], [i for _, i in group], 0.0))
            if item is not None:
                group = [item]
    m.charts = _publish(m, np.stack(streams), np.vstack(buys), albums, weekday)
    return m


def _frame(m: Market, dates: list[date], values: np.ndarray, size: int,
           names: list[tuple[str, str]], value_col: str | None,
           floor: float = 1.0) -> pd.DataFrame:
    """A chart from per-period values (items x periods): top ``size`` with value >= floor."""
    import pandas as pd

    rows = []
    for p, when in enumerate(dates):
        col = values[:, p]
        top = np.argpartition(-col, min(size, len(col) - 1))[:size]
        top = top[np.argsort(-col[top], kind="stable")]
        for r, t in enumerate(top[col[top] >= floor].tolist(), start=1):
            row = {"date": when.isoformat(), "rank": r, "title": names[t][0],
                   "artist": names[t][1]}
            if value_col:
                row[value_col] = round(float(col[t]))
            rows.append(row)
    return pd.DataFrame(rows)


def _publish(m: Market, streams: np.ndarray, buys: np.ndarray,
             albums: list[tuple[str, str, int, list[int], float]],
             weekday: np.ndarray) -> dict[str, pd.DataFrame]:
    n_weeks = m.days // 7
    days = [m.start + timedelta(days=i) for i in range(m.days)]
    week_end = [m.start + timedelta(days=7 * w + 6) for w in range(n_weeks)]

    def weekly(daily: np.ndarray) -> np.ndarray:
        return daily[:, : n_weeks * 7].reshape(daily.shape[0], n_weeks, 7).sum(axis=2)

    names = list(zip(m.titles, m.artists, strict=True))
    charts: dict[str, pd.DataFrame] = {}
    for k, reg in enumerate(REGIONS):
        charts[f"Spotify Daily|{reg}"] = _frame(m, days, streams[:, k, :], 100, names,
                                                "streams", floor=2_000)
    us = weekly(streams[:, 0, :])
    sales = weekly(buys)
    # radio follows streaming: three weeks behind, smoothed, only for songs it plays
    radio = np.zeros_like(us)
    for w in range(n_weeks):
        lag = us[:, max(0, w - 5): max(1, w - 2)].mean(axis=1)
        radio[:, w] = np.where(lag > 250_000, lag / 40.0, 0.0)
    country = np.array([g == "country" for g in m.genre])
    charts["Streaming Songs"] = _frame(m, week_end, us, 50, names, "streams")
    charts["Digital Song Sales"] = _frame(m, week_end, sales, 50, names, "sales", floor=50)
    charts["Country Digital Song Sales"] = _frame(m, week_end, np.where(country[:, None], sales,
                                                                        0.0), 25, names,
                                                  "sales", floor=20)
    charts["Radio Songs"] = _frame(m, week_end, radio, 40, names, "streams", floor=1_000)
    charts["Hot 100"] = _frame(m, week_end, us / 1250.0 + sales + radio / 60.0, 100, names,
                               None)
    # Viral 50: growth over a week, among songs with some following
    daily_us = streams[:, 0, :]
    growth = np.zeros_like(daily_us)
    growth[:, 7:] = daily_us[:, 7:] / np.maximum(daily_us[:, :-7], 1.0)
    growth = np.where(daily_us > 8_000, growth, 0.0)
    charts["Viral 50"] = _frame(m, days, growth, 50, names, None, floor=1.15)
    units = np.zeros((len(albums), n_weeks))
    for j, (_, _, release, idx, bulk) in enumerate(albums):
        units[j] = us[idx].sum(axis=0) / 1250.0 + sales[idx].sum(axis=0) * 0.1
        w0 = min(release // 7, n_weeks - 1) if release >= 0 else None
        if w0 is not None:
            units[j, w0] += bulk + (sales[idx, w0].sum() * 2.0)
    album_names = [(t, a) for t, a, _, _, _ in albums]
    charts["Top Albums"] = _frame(m, week_end, units, 50, album_names, None, floor=200)
    return charts


def build_market(project: Project, *, seed: int = 17, weeks: int = 80) -> tuple[
        Market, list[ImportReport]]:
    """Generate the market and import its charts through the import path."""
    m = generate_market(seed, weeks=weeks)
    reports = []
    with tempfile.TemporaryDirectory(prefix="chartreview-market-") as tmp:
        for key, frame in m.charts.items():
            name = key.partition("|")[0]
            reg, freq, metric, _size = CHARTS[key]
            path = Path(tmp) / f"{name.lower().replace(' ', '_')}_{reg}.csv"
            frame.to_csv(path, index=False)
            mapping = {c: c for c in ("date", "rank", "title", "artist")}
            for col in ("streams", "sales"):
                if col in frame:
                    mapping[col] = col
            opts = ImportOptions(format="mapped", chart=name, region=reg, frequency=freq,
                                 metric=metric, mapping=mapping)
            reports.append(import_file(project, path, opts))
    return m, reports
