"""What scoring needs from one entry's own positions, computed for many entries at once.

Everything here depends on an entry's positions and nothing else, so the result can be
kept between runs and recomputed only for the entries a new import added positions to
(:func:`update`). The comparisons with other entries (cohorts, chart medians, other
charts) are made later, in the signals, from these figures.

Days are integers (days since 1970-01-01) and the work is done on sorted numpy arrays:
per-entry groupby in pandas costs about ten times more at a million positions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Bump when what is computed here changes: cached rows of another version are redone.
STATS_VERSION = 2
COLUMNS = ["n", "first", "last", "debut_rank", "peak", "max_rank", "peak_day",
           "peak_streams", "peak_sales", "amp", "noise", "spike_ratio", "spike_day",
           "rank2", "rank3", "exit_rank", "n_returns", "ret_day", "ret_rank", "run_months",
           "ret_months", "mid_rank", "late_rank", "mid_volume", "late_volume"]
RETURN_DAYS = 28  # away this long, then back: a return (re-entry)
SEASON_DAYS = 200  # away this long: the next run is another season's
EPOCH = np.datetime64("1970-01-01", "D")
MONDAY_OFFSET = 3  # 1970-01-01 was a Thursday; Monday is day 0 of the week


def day_numbers(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def to_dates(days: pd.Series | np.ndarray) -> pd.Series | pd.DatetimeIndex:
    values = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")
    if isinstance(days, pd.Series):
        return pd.Series(values, index=days.index)
    return pd.DatetimeIndex(values)


def _entry_kind(positions: pd.DataFrame, charts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per position: whether its chart counts sales, and whether it is daily."""
    by_chart = charts.set_index("chart_id")
    cid = positions["chart_id"].to_numpy()
    sales = by_chart["metric"].eq("sales").reindex(cid, fill_value=False).to_numpy(bool)
    daily = by_chart["frequency"].eq("daily").reindex(cid, fill_value=False).to_numpy(bool)
    return sales, daily


def entry_stats(positions: pd.DataFrame, charts: pd.DataFrame) -> pd.DataFrame:
    """One row per entry of ``positions`` (indexed by entry_id, sorted) with ``COLUMNS``.

    n, first, last (days), debut_rank, peak (best rank), max_rank, peak_day (first day
    at the peak) with the streams and sales then; amp and noise of a daily entry's
    day-to-day changes in log streams (see ``signals.smooth``); spike_ratio and
    spike_day, its biggest jump above the median of its three previous values (see
    ``signals.spike``).
    """
    if positions.empty:
        return pd.DataFrame(columns=COLUMNS, dtype=float).rename_axis("entry_id")
    e = positions["entry_id"].to_numpy(np.int64)
    d = day_numbers(positions["date"])
    r = positions["rank"].to_numpy(np.int64)
    order = np.lexsort((d, e))
    e, d, r = e[order], d[order], r[order]
    if ((e[1:] == e[:-1]) & (d[1:] == d[:-1])).any():  # rare: sort those by rank too
        again = np.lexsort((r, d, e))
        order, e, d, r = order[again], e[again], d[again], r[again]
    # One position per entry and day, the best: a song under two Spotify URIs charted
    # twice on one date before the URIs were joined (and may in a merged project)
    first_of_day = np.r_[True, (e[1:] != e[:-1]) | (d[1:] != d[:-1])]
    order, e, d, r = order[first_of_day], e[first_of_day], d[first_of_day], r[first_of_day]
    is_sales, is_daily = (a[order] for a in _entry_kind(positions, charts))
    streams = positions["streams"].to_numpy(np.float64)[order]
    sales = positions["sales"].to_numpy(np.float64)[order]
    starts = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
    n = np.diff(np.r_[starts, len(e)])
    group = np.repeat(np.arange(len(starts)), n)
    peak = np.minimum.reduceat(r, starts)
    at_peak = np.minimum.reduceat(np.where(r == peak[group], np.arange(len(e)), len(e)), starts)
    out = pd.DataFrame({
        "n": n, "first": d[starts], "last": d[starts + n - 1], "debut_rank": r[starts],
        "peak": peak, "max_rank": np.maximum.reduceat(r, starts), "peak_day": d[at_peak],
        "peak_streams": streams[at_peak], "peak_sales": sales[at_peak],
    }, index=pd.Index(e[starts], name="entry_id"))
    amp, noise = _rhythm(e, d, streams, is_daily)
    out["amp"] = amp.reindex(out.index).to_numpy(np.float64)
    out["noise"] = noise.reindex(out.index).to_numpy(np.float64)
    ratio, day = _spike(e, d, np.where(is_sales, sales, streams))
    out["spike_ratio"] = ratio.reindex(out.index).to_numpy(np.float64)
    out["spike_day"] = day.reindex(out.index)
    for col, values in _shape(e, d, r, starts, n, is_daily[starts]).items():
        out[col] = values
    volume = np.where(is_sales, sales, streams)
    for col, values in _levels(r, volume, starts, n).items():
        out[col] = values
    return out


def _shape(e: np.ndarray, d: np.ndarray, r: np.ndarray, starts: np.ndarray, n: np.ndarray,
           daily: np.ndarray) -> dict[str, np.ndarray]:
    """The run's shape from ranks and dates alone (``e``, ``d`` sorted, one row a day).

    rank2, rank3: the rank one and two periods after the debut (0: not on the chart);
    exit_rank: the rank of the last position; n_returns: comebacks after RETURN_DAYS or
    more away, ret_day and ret_rank the best-placed of them (0: none); run_months and
    ret_months: bit masks (bit 0 January) of the months of the first season's positions
    and of the comebacks after SEASON_DAYS away (holiday songs).
    """
    period = np.where(daily, 1, 7)
    first = d[starts]
    key = e * 100_000 + d  # days since 1970 stay below 100,000 until the 23rd century
    out: dict[str, np.ndarray] = {}
    for k, col in ((1, "rank2"), (2, "rank3")):
        want = e[starts] * 100_000 + first + k * period
        at = np.minimum(np.searchsorted(key, want), len(key) - 1)
        out[col] = np.where(key[at] == want, r[at], 0)
    out["exit_rank"] = r[starts + n - 1]
    gap = np.r_[0, np.diff(d)]
    gap[starts] = 0
    back = gap >= RETURN_DAYS
    out["n_returns"] = np.add.reduceat(back.astype(np.int64), starts)
    best = np.where(back, r, np.iinfo(np.int64).max)  # per entry the best-placed return
    at = np.minimum.reduceat(np.where(best == np.minimum.reduceat(best, starts)[
        np.repeat(np.arange(len(starts)), n)], np.arange(len(e)), len(e)), starts)
    has = out["n_returns"] > 0
    out["ret_day"] = np.where(has, d[np.minimum(at, len(e) - 1)], 0)
    out["ret_rank"] = np.where(has, r[np.minimum(at, len(e) - 1)], 0)
    month = (d.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12)
    bit = np.left_shift(1, month)
    season = gap >= SEASON_DAYS
    later = np.cumsum(season) - np.repeat(np.cumsum(season)[starts] - season[starts], n)
    out["run_months"] = np.bitwise_or.reduceat(np.where(later == 0, bit, 0), starts)
    out["ret_months"] = np.bitwise_or.reduceat(np.where(season, bit, 0), starts)
    return out


def _levels(r: np.ndarray, volume: np.ndarray, starts: np.ndarray,
            n: np.ndarray) -> dict[str, np.ndarray]:
    """Mean rank and mean log volume (as volume) over the middle and the last third of each
    run: a run that fades has a late level well below its middle; a campaign holds its
    level, then stops. The thirds of a run lie together in the sorted rows: sums over
    blocks, no group-by (a tenth of the time of a pandas median at a million rows)."""
    third = (3 * (np.arange(len(r)) - np.repeat(starts, n))) // np.repeat(n, n)
    block = np.repeat(np.arange(len(starts)), n) * 3 + third
    cut = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    which = block[cut]
    out: dict[str, np.ndarray] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        logv = np.log(volume)
    for name, values in (("rank", r.astype(np.float64)), ("volume", logv)):
        ok = np.isfinite(values)
        total = np.add.reduceat(np.where(ok, values, 0.0), cut)
        count = np.add.reduceat(ok.astype(np.int64), cut)
        full = np.full(len(starts) * 3, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            full[which] = np.where(count > 0, total / count, np.nan)
        if name == "volume":
            full = np.exp(full)
        out[f"mid_{name}"] = full[1::3]
        out[f"late_{name}"] = full[2::3]
    return out


def _shifted(values: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """``values`` k places back within the same group, NaN where there is none."""
    out = np.full(len(values), np.nan)
    if len(values) > k:
        out[k:] = values[:-k]
        out[k:][groups[k:] != groups[:-k]] = np.nan
    out[:k] = np.nan
    return out


def _rhythm(e: np.ndarray, d: np.ndarray, streams: np.ndarray,
            daily: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Weekly rhythm (spread of the weekday medians of the day-to-day change in log
    streams) and the noise left after it (1.4826 x median absolute residual)."""
    keep = daily & (streams > 0)
    e, d = e[keep], d[keep]
    log = np.log(streams[keep])
    prev_log, prev_day = _shifted(log, e, 1), _shifted(d.astype(np.float64), e, 1)
    ok = d - prev_day == 1  # consecutive days (NaN compares False)
    if not ok.any():
        empty = pd.Series(dtype=np.float64)
        return empty, empty
    step, ent, dow = (log - prev_log)[ok], e[ok], (d[ok] + MONDAY_OFFSET) % 7
    key = ent * 7 + dow
    dow_med = pd.Series(step).groupby(key).median()
    med_ent = dow_med.index.to_numpy() // 7
    amp = pd.Series(dow_med.to_numpy()).groupby(med_ent).std()
    resid = np.abs(step - dow_med.reindex(key).to_numpy())
    noise = pd.Series(resid).groupby(ent).median() * 1.4826
    return amp.dropna(), noise


def _spike(e: np.ndarray, d: np.ndarray, v: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Per entry the biggest ratio of a value to the median of its three previous ones
    (the latest day among equal ratios)."""
    keep = ~np.isnan(v)
    e, d, v = e[keep], d[keep], v[keep]
    a, b, c = (_shifted(v, e, k) for k in (1, 2, 3))
    median = a + b + c - np.fmax(np.fmax(a, b), c) - np.fmin(np.fmin(a, b), c)
    median[np.isnan(a) | np.isnan(b) | np.isnan(c)] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = v / median
    ok = ~np.isnan(ratio)
    if not ok.any():
        empty = pd.Series(dtype=np.float64)
        return empty, pd.Series(dtype="Int64")
    e, d, ratio = e[ok], d[ok], ratio[ok]
    order = np.lexsort((d, ratio, e))  # per entry ascending ratio, then day: last wins
    e, d, ratio = e[order], d[order], ratio[order]
    last = np.flatnonzero(np.r_[e[1:] != e[:-1], True])
    return (pd.Series(ratio[last], index=e[last]),
            pd.Series(d[last], index=e[last], dtype="Int64"))


def update(positions: pd.DataFrame, charts: pd.DataFrame,
           cached: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.Index]:
    """Stats for every entry in ``positions``, reusing ``cached`` rows still true.

    Positions are only ever added, so a cached row is still true when its entry holds as
    many positions as when it was computed. Returns (stats, entries recomputed).
    """
    e = positions["entry_id"].to_numpy(np.int64)
    counts = np.bincount(e) if len(e) else np.zeros(0, dtype=np.int64)
    present = np.flatnonzero(counts)
    if cached is not None and len(cached):
        cached = cached[cached.index.isin(present)]
        still = cached[cached["n"].to_numpy() == counts[cached.index.to_numpy()]]
    else:
        still = pd.DataFrame(columns=COLUMNS).rename_axis("entry_id")
    redo = pd.Index(present[~np.isin(present, still.index.to_numpy())], name="entry_id")
    if len(redo) == 0:
        return still.sort_index(), redo
    part = positions if len(redo) == len(present) else positions[
        np.isin(e, redo.to_numpy())]
    fresh = entry_stats(part, charts)
    stats = fresh if still.empty else pd.concat([still, fresh]).sort_index()
    return stats, redo
