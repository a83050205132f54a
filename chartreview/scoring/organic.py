"""The organic look-alikes: shapes that resemble manipulation and are not, each explained.

Each pattern is a documented signal of its own: a 0/1 flag per entry with a reason that
names what it saw, and the manipulation signals it explains (:data:`EXPLAINS`), which it
pulls down. A lone high debut that collapses is the bundle or bulk-buy shape; the same
fall is ordinary for a deep cut of an album week, a holiday song's comeback or an old
title back for a week after its artist died.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from chartreview.scoring.params import ScoringParams

# pattern -> the manipulation signals it explains (and so damps)
EXPLAINS: dict[str, tuple[str, ...]] = {
    "album_week": ("debut_crash", "cliff_exit", "spike", "low_volume"),
    "catalogue": ("debut_crash", "cliff_exit", "spike", "regional"),
    "event": ("spike", "regional", "cliff_exit"),
    "seasonal": ("debut_crash", "cliff_exit", "spike"),
    "slow_climb": ("debut_crash", "cliff_exit", "spike", "cross_chart"),
    "buyers": ("cross_chart",),
    "broad": ("regional", "spike", "low_volume", "viral_only", "cliff_exit"),
    "heard": ("debut_crash",),
    "steady": ("cross_chart", "low_volume"),
}
PATTERNS = tuple(EXPLAINS)
NEEDS_POSITIONS = {"buyers", "heard"}
HEARD_SHARE = 0.25  # the top quarter of a streaming chart: listened to by many
STEADY_DAYS = 91  # a quarter of a year on a sales chart: bought by an audience
DAMPING = {"album_week": "d_album_week", "catalogue": "d_catalogue", "event": "d_event",
           "seasonal": "d_seasonal", "slow_climb": "d_slow_climb", "broad": "d_broad",
           "buyers": "d_buyers", "heard": "d_heard", "steady": "d_steady"}


@dataclass(frozen=True)
class Names:
    """Display names: artist_id -> name."""

    artists: dict[int, str]

    def act(self, act_id: int) -> str:
        return str(self.artists.get(int(act_id), "the act"))


def _d(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def patterns(feat: pd.DataFrame, acts: pd.DataFrame, pos: pd.DataFrame,
             p: ScoringParams, names: Names) -> pd.DataFrame:
    """Per entry: a column per pattern (0/1) and ``<pattern>_reason``."""
    out = pd.DataFrame(index=feat.index)
    for name, fn in (("album_week", album_week), ("catalogue", catalogue), ("event", event),
                     ("seasonal", seasonal), ("slow_climb", slow_climb), ("broad", broad),
                     ("buyers", buyers), ("heard", heard), ("steady", steady)):
        flag, reason = (fn(feat, acts, p, names, pos) if name in NEEDS_POSITIONS
                        else fn(feat, acts, p, names))
        out[name] = flag.reindex(feat.index).fillna(0.0).astype(float)
        out[f"{name}_reason"] = reason.reindex(feat.index).fillna("").astype(object)
    return out


def album_week(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
               names: Names) -> tuple[pd.Series, pd.Series]:
    """An album's tracks debuting together: organic, however far they fall after.

    Fires when one of the entry's credited acts (lead or featured: an album week is an
    album week whoever is featured) has ``album_min_titles`` or more titles debuting on
    this chart on the entry's debut date; or when the act's album debuts on a loaded
    album chart within ``album_window_days`` of the track's debut (track and album
    consistent). It explains falls and jumps, not sales without streams nor a new act's
    flood: a farm's titles debut together too.
    """
    tr = acts[~acts["album"]]
    deb = tr
    n = deb.groupby(["chart_id", "act", "first_day"])["entry_id"].transform("size")
    deb = deb.assign(n=n.to_numpy()).sort_values("n", ascending=False, kind="stable")
    best = deb.drop_duplicates("entry_id").set_index("entry_id")
    hit = best[best["n"] >= p.album_min_titles]
    flag = pd.Series(1.0, index=hit.index)
    reason = pd.Series([f"one of {k} {names.act(a)} titles that debuted {_d(d)}: album week"
                        for k, a, d in zip(hit["n"], hit["act"], hit["first_day"],
                                           strict=True)], index=hit.index, dtype=object)
    # the act's album on an album chart, debuting within the window of the track
    albums = acts[acts["album"]]
    if len(albums) and len(tr):
        m = tr[["entry_id", "act", "first_day"]].merge(
            albums[["entry_id", "act", "first_day"]].rename(
                columns={"entry_id": "album_entry", "first_day": "album_day"}), on="act")
        m = m[(m["album_day"] - m["first_day"]).abs() <= p.album_window_days]
        m = m[~m["entry_id"].isin(flag.index)].drop_duplicates("entry_id")
        if len(m):
            sub = feat.loc[m["album_entry"]]
            flag = pd.concat([flag, pd.Series(1.0, index=pd.Index(m["entry_id"]))])
            reason = pd.concat([reason, pd.Series(
                [f"{names.act(a)}'s album debuted at No. {r} on {lab} ({_d(d)}), "
                 "the week this track debuted: album week"
                 for a, r, lab, d in zip(m["act"], sub["debut_rank"], sub["label"],
                                         m["album_day"], strict=True)],
                index=pd.Index(m["entry_id"]), dtype=object)])
    return flag, reason


def catalogue(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
              names: Names) -> tuple[pd.Series, pd.Series]:
    """An act's old titles back together: a death, an award show, a film.

    Fires when, on one chart date, ``catalogue_min_titles`` or more titles of one of the
    entry's acts arrive (debut or come back after 28+ days away) and at least two of them
    are comebacks; for the entry whose debut or best comeback is that date.
    """
    cols = ["entry_id", "chart_id", "act"]
    ret = feat.loc[feat["n_returns"] > 0, ["ret_day"]].rename(columns={"ret_day": "day"})
    arrivals = pd.concat([
        acts[cols].assign(day=acts["first_day"].to_numpy(), back=0),
        acts[cols].merge(ret, left_on="entry_id", right_index=True).assign(back=1)],
        ignore_index=True)
    if arrivals.empty:
        return pd.Series(dtype=float), pd.Series(dtype=object)
    g = arrivals.groupby(["chart_id", "act", "day"])
    arrivals["n"] = g["entry_id"].transform("nunique")
    arrivals["backs"] = g["back"].transform("sum")
    hit = arrivals[(arrivals["n"] >= p.catalogue_min_titles) & (arrivals["backs"] >= 2)]
    hit = hit.sort_values("n", ascending=False, kind="stable").drop_duplicates("entry_id")
    hit = hit.set_index("entry_id")
    lab = feat["label"].reindex(hit.index)
    reason = pd.Series(
        [f"one of {n} {names.act(a)} titles arriving on {c} on {_d(d)}, {b} of them back after "
         "weeks away: a catalogue surge (a death, an award show, a film)"
         for n, a, c, d, b in zip(hit["n"], hit["act"], lab, hit["day"], hit["backs"],
                                  strict=True)], index=hit.index, dtype=object)
    return pd.Series(1.0, index=hit.index), reason


def event(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
          names: Names) -> tuple[pd.Series, pd.Series]:
    """Many entries of one chart jumping at once: a festival, a TV show, a holiday.

    Fires for an entry whose biggest jump (the ``spike`` signal's) falls within three
    days of the jumps of ``event_min_entries`` - 1 or more other entries of its chart,
    by different acts. One song lifted alone (a paid playlist) is not an event.
    """
    f = feat[(feat["spike_ratio"] > 2.5) & feat["spike_date"].notna()]
    if f.empty:
        return pd.Series(dtype=float), pd.Series(dtype=object)
    day = (f["spike_date"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    key = f["chart_id"].to_numpy(np.int64) * 1_000_000 + day
    order = np.sort(key)
    near = np.searchsorted(order, key + 3, side="right") - np.searchsorted(order, key - 3)
    hit = near >= p.event_min_entries
    idx = f.index[hit]
    reason = [f"one of {n} entries on {lab} jumping within three days of {_d(dd)}: an event "
              "(a festival, a TV show), not one song lifted"
              for n, lab, dd in zip(near[hit], f.loc[idx, "label"], day[hit], strict=True)]
    return pd.Series(1.0, index=idx), pd.Series(reason, index=idx, dtype=object)


def seasonal(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
             names: Names) -> tuple[pd.Series, pd.Series]:
    """Back in the same season after months away (holiday songs each December).

    From the months of the first season's positions and of the comebacks after 200+
    days (``stats``): a comeback within a month of the first season's months.
    """
    run = feat["run_months"].fillna(0).astype(np.int64).to_numpy()
    back = feat["ret_months"].fillna(0).astype(np.int64).to_numpy()
    near = run | ((run << 1) & 0xFFF) | (run >> 1) | ((run & 1) << 11) | ((run >> 11) & 1)
    hit = (back & near) != 0
    idx = feat.index[hit]
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    reason = [f"back in {months[int(np.log2(b & -b))]} after months away, as in its first "
              "season: a seasonal song" for b in (back[hit] & near[hit])]
    return pd.Series(1.0, index=idx), pd.Series(reason, index=idx, dtype=object)


def slow_climb(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
               names: Names) -> tuple[pd.Series, pd.Series]:
    """Climbed a third of the chart over five or more periods before its peak.

    Explains a fall after the peak and a spike, and sales without streams too: a song
    bought more week after week is found by buyers, not pushed by one.
    """
    periods = (feat["peak_date"] - feat["first"]).dt.days / feat["period_days"]
    hit = (periods >= 5) & ((feat["debut_rank"] - feat["peak"]) >= 0.3 * feat["size"])
    f = feat[hit]
    reason = [f"climbed from No. {d} to No. {pk} over {n:.0f} periods: a slow climber"
              for d, pk, n in zip(f["debut_rank"], f["peak"], periods[hit], strict=True)]
    return pd.Series(1.0, index=f.index), pd.Series(reason, index=f.index, dtype=object)


def broad(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
          names: Names) -> tuple[pd.Series, pd.Series]:
    """On charts of two or more kinds (sales, streams, airplay...) during the run."""
    # a composite chart mixes the kinds; a viral chart ranks growth, not listening
    fam = feat.loc[~feat["metric"].isin(("composite", "viral")),
                   ["track_id", "metric", "first_day", "last_day"]]
    fam = fam[fam["track_id"].duplicated(keep=False)]  # tracks on one chart have one kind
    m = feat.loc[feat["track_id"].isin(fam["track_id"]),
                 ["track_id", "first_day", "last_day"]].reset_index().merge(
        fam.rename(columns={"first_day": "f2", "last_day": "l2"}), on="track_id")
    m = m[(m["f2"] <= m["last_day"] + 7) & (m["l2"] >= m["first_day"] - 7)]
    pairs = m[["entry_id", "metric"]].drop_duplicates().sort_values(["entry_id", "metric"])
    n = pairs.groupby("entry_id")["metric"].transform("size")
    pairs = pairs[(n >= 2).to_numpy()]
    if pairs.empty:
        return pd.Series(dtype=float), pd.Series(dtype=object)
    ids = pairs["entry_id"].to_numpy()
    cut = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1], True])
    metrics = pairs["metric"].to_numpy(dtype=object)
    index = pd.Index(ids[cut[:-1]], name="entry_id")
    reason = pd.Series(["also on " + ", ".join(metrics[a:b]) + " charts during its run"
                        for a, b in pairwise(cut)], index=index,
                       dtype=object)
    return pd.Series(1.0, index=index), reason


def buyers(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams, names: Names,
           pos: pd.DataFrame | None = None) -> tuple[pd.Series, pd.Series]:
    """An act whose earlier songs also sold without being streamed: its audience buys.

    Some audiences buy downloads and stream little (country, older listeners): a song of
    such an act high on a sales chart and on no streaming chart is that audience's habit,
    not a buyer's push. Fires for a sales-chart entry when an earlier song of one of its
    acts (on a sales chart, 60 days or more before) was on no streaming or airplay chart
    in the weeks of its peak. A new act has no such history.
    """
    from chartreview.scoring.features import presence

    if pos is None:
        return pd.Series(dtype=float), pd.Series(dtype=object)
    sales = feat[feat["metric"] == "sales"]
    listened = feat[feat["metric"].isin(("streams", "airplay"))]
    if sales.empty or listened.empty:
        return pd.Series(dtype=float), pd.Series(dtype=object)
    pres = presence(pos, feat, sales.index, set(listened["chart_id"]),
                    sales["peak_date"] - pd.Timedelta(days=7),
                    sales["peak_date"] + pd.Timedelta(days=7))
    unheard = sales.index[~sales.index.isin(pres.index)]
    mine = acts[acts["entry_id"].isin(sales.index)][["entry_id", "act", "first_day"]]
    before = mine[mine["entry_id"].isin(unheard)].rename(
        columns={"entry_id": "earlier", "first_day": "earlier_day"})
    m = mine.merge(before, on="act")
    m = m[m["earlier_day"] <= m["first_day"] - 60]
    if m.empty:
        return pd.Series(dtype=float), pd.Series(dtype=object)
    n = m.groupby("entry_id").agg(k=("earlier", "nunique"), act=("act", "first"))
    reason = [f"{k} earlier song{'s' if k > 1 else ''} of {names.act(a)} sold without a place "
              "on the streaming and airplay charts too: an audience that buys"
              for k, a in zip(n["k"], n["act"], strict=True)]
    return pd.Series(1.0, index=n.index), pd.Series(reason, index=n.index, dtype=object)


def steady(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams,
           names: Names) -> tuple[pd.Series, pd.Series]:
    """On a sales or composite chart for a quarter of a year or more.

    A bulk buy lasts as long as someone pays for it: a week of bundles, a campaign of
    a few weeks. A song that sells well enough to chart for 13 weeks or more is bought
    by an audience, week after week, whether or not that audience streams (country and
    older listeners buy downloads). Explains sales without streams and a top spot on
    little volume; not a new act's flood or wave (a farm's titles can linger low).
    """
    f = feat[feat["metric"].isin(("sales", "composite")) & ~feat["album"]
             & (feat["days"] >= STEADY_DAYS)]
    unit = np.where(f["period_days"] == 1, "days", "weeks")
    reason = [f"on {lab} for {n} {u}: bought week after week by an audience, which a bulk "
              "buy is not" for lab, n, u in zip(f["label"], f["n"], unit, strict=True)]
    return pd.Series(1.0, index=f.index), pd.Series(reason, index=f.index, dtype=object)


def heard(feat: pd.DataFrame, acts: pd.DataFrame, p: ScoringParams, names: Names,
          pos: pd.DataFrame | None = None) -> tuple[pd.Series, pd.Series]:
    """High on a streaming chart the week it debuted high on a sales or composite chart.

    A bundle or a bulk buy lifts the sales of one week; its listeners stay as few as they
    were. A song in the top quarter of a streaming chart of its region (or a global one)
    within a week of its debut is listened to by many, and when such a song falls fast,
    its audience moved on: a short-lived hit, not a bought week. Judged for debuts in
    the top 30% (those :func:`~chartreview.scoring.signals.debut_crash` judges). It
    explains the crash only: sales without streams at the peak, a flat bot level and
    the rest are judged on their own. Without a streaming chart loaded for that week
    nothing is said.
    """
    none = pd.Series(dtype=float), pd.Series(dtype=object)
    if pos is None:
        return none
    ent = feat[feat["metric"].isin(("sales", "composite")) & ~feat["album"]
               & (feat["scaled_debut"] < 31)]
    streams = feat[feat["metric"] == "streams"].groupby("chart_id").agg(
        region=("region", "first"), label=("label", "first"))
    if ent.empty or streams.empty:
        return none
    week = pd.Timedelta(days=7)
    best: list[pd.DataFrame] = []
    for region in ent["region"].unique():
        mine = ent[ent["region"] == region]
        ids = set(streams.index[(streams["region"] == region)
                               | (streams["region"] == "global")])
        if ids:
            best.append(_best_on(pos, feat, mine, ids, week))
    if not best:
        return none
    b = pd.concat(best)
    b = b[b["pct"] <= HEARD_SHARE]
    if b.empty:
        return none
    lab = streams["label"].reindex(b["chart_id"]).to_numpy()
    reason = pd.Series(
        [f"No. {r} on {c} the week it debuted: listened to by many, so its fall is its "
         "audience moving on, not a bought week" for r, c in zip(b["rank"], lab,
                                                                  strict=True)],
        index=b.index, dtype=object)
    return pd.Series(1.0, index=b.index), reason


def _best_on(pos: pd.DataFrame, feat: pd.DataFrame, ent: pd.DataFrame, chart_ids: set[int],
             week: pd.Timedelta) -> pd.DataFrame:
    """Each of ``ent``'s best place (rank, chart, share of the chart's size) on
    ``chart_ids`` within a week of its debut."""
    want = pd.DataFrame({"entry_id": ent.index, "track_id": ent["track_id"].to_numpy(),
                         "start": (ent["first"] - week).to_numpy(),
                         "end": (ent["first"] + week).to_numpy()})
    others = pos.loc[pos["track_id"].isin(want["track_id"]) & pos["chart_id"].isin(chart_ids),
                     ["track_id", "chart_id", "date", "rank"]]
    m = want.merge(others, on="track_id")
    m = m[(m["date"] >= m["start"]) & (m["date"] <= m["end"])]
    if m.empty:
        return pd.DataFrame(columns=["rank", "chart_id", "pct"])
    size = feat.groupby("chart_id")["size"].first()
    m = m.assign(pct=m["rank"] / m["chart_id"].map(size).to_numpy())
    m = m.sort_values("pct", kind="stable").drop_duplicates("entry_id")
    return m.set_index("entry_id")[["rank", "chart_id", "pct"]]
