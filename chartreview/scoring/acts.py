"""The AI-act signals: who is new, and a new act's flood of titles.

An act is the artists a credit names ("Future & Metro Boomin" is Future and Metro
Boomin): a credit is new only when none of its acts charted before. Newness is judged
only after enough loaded data, and weighed by how much there is: with eight weeks of
history before an act's first appearance nothing can be said, with a year all of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chartreview.scoring.features import covered_weeks
from chartreview.scoring.organic import Names
from chartreview.scoring.params import ScoringParams
from chartreview.scoring.signals import COLUMNS, _empty

FRESH_DAYS = 90  # an act's titles count as its first ones this long after it appeared


def _d(day: int) -> str:
    return str(np.datetime64(int(day), "D"))


def newness(feat: pd.DataFrame, acts: pd.DataFrame, pos: pd.DataFrame,
            p: ScoringParams) -> pd.DataFrame:
    """Per entry: ``new`` (0..1, the history weight when every credited act is new),
    ``weeks`` of its chart's loaded data in the year before the acts' first appearance,
    ``since`` that day."""
    per = acts.groupby("entry_id").agg(since=("act_first_day", "min"),
                                       first_day=("first_day", "first"),
                                       chart_id=("chart_id", "first"))
    fresh = (per["first_day"] - per["since"]) <= FRESH_DAYS
    # the history that counts is the entry's own chart's: a year of the Hot 100 says
    # nothing about who is new on the French Spotify chart
    weeks = covered_weeks(pos, per["chart_id"].to_numpy(), per["since"].to_numpy(),
                          p.new_artist_history_days)
    full = p.new_artist_history_days / 7
    weight = np.clip((weeks - 8) / max(1.0, full * 0.75 - 8), 0, 1)
    return pd.DataFrame({"new": np.where(fresh, weight, 0.0), "weeks": weeks,
                         "since": per["since"]}, index=per.index)


def new_artist(feat: pd.DataFrame, acts: pd.DataFrame, new: pd.DataFrame,
               p: ScoringParams, names: Names) -> pd.DataFrame:
    """The credit's first appearance on any loaded chart (none of its acts charted before).

    Compared with: every chart loaded in the ``new_artist_history_days`` before; the
    value is the share of that span the loaded data covers (none under eight weeks).
    """
    hit = new[new["new"] > 0]
    if hit.empty:
        return _empty()
    lead = feat["artist_id"].reindex(hit.index)
    reason = [f"first appearance of {names.act(a)} on any loaded chart ({_d(s)}); "
              f"{w} weeks of this chart loaded in the year before" for a, s, w in
              zip(lead, hit["since"], hit["weeks"], strict=True)]
    ref = [f"all loaded charts; this chart's {p.new_artist_history_days:.0f} days before "
           f"{_d(s)}" for s in hit["since"]]
    return pd.DataFrame({"value": hit["new"].to_numpy(), "reason": reason, "reference": ref},
                        index=hit.index)[COLUMNS]


def flood(feat: pd.DataFrame, acts: pd.DataFrame, new: pd.DataFrame,
          p: ScoringParams, names: Names) -> pd.DataFrame:
    """An act's many titles within weeks, spread over several weeks, that do not last.

    Compared with: the act's other tracks on all loaded charts. The frame's ``new``
    column is the act's newness (:func:`newness`): a flood weighs by it when nothing
    else is odd (stars release albums too, and an album week is the organic look-alike),
    fully when the titles also sell without streams (the pipeline combines the two). A
    hit that holds a chart for months is no farm: the value fades for runs past eight
    periods and is gone at 26.
    """
    track_first = feat.groupby("track_id")["first_day"].min()
    t = acts[["act", "track_id"]].drop_duplicates()
    busy = t.groupby("act")["track_id"].transform("size") >= p.flood_min_titles
    t = t[busy.to_numpy()]
    if t.empty:
        return _empty()
    t = t.assign(first=t["track_id"].map(track_first).to_numpy())
    m = t.merge(t, on="act", suffixes=("", "_o"))
    m = m[(m["first_o"] - m["first"]).abs() <= p.flood_window_days]
    m["week_o"] = m["first_o"] // 7
    per = m.groupby(["act", "track_id"]).agg(k=("track_id_o", "nunique"),
                                             weeks=("week_o", "nunique")).reset_index()
    per["v"] = ((per["k"] - (p.flood_min_titles - 1)) / 3).clip(0, 1) * np.where(
        per["weeks"] >= 2, 1.0, 0.35)
    per = per.sort_values("v", ascending=False, kind="stable").drop_duplicates("track_id")
    per = per[per["v"] > 0].set_index("track_id")
    ent = acts.drop_duplicates("entry_id").set_index("entry_id")
    ent = ent[ent["track_id"].isin(per.index)]
    if ent.empty:
        return _empty()
    f = feat.loc[ent.index]
    lasting = np.clip((26 - f["n"].to_numpy()) / 18, 0, 1)
    row = per.loc[ent["track_id"]]
    value = row["v"].to_numpy() * lasting
    newness_of = new["new"].reindex(ent.index).fillna(0.0).to_numpy()
    wk = f.assign(week=f["first_day"] // 7).groupby(["chart_id", "artist_id", "week"])
    same_week = wk["track_id"].transform("nunique")
    reason = [f"{names.act(act)}: {k} titles within {p.flood_window_days:.0f} days over "
              f"{w} weeks{', a new act' if nv > 0 else ''}; {s} on this chart in one week"
              for act, k, w, s, nv in zip(row["act"], row["k"], row["weeks"], same_week,
                                          newness_of, strict=True)]
    out = pd.DataFrame({"value": value, "reason": reason,
                        "reference": "the act's other tracks on all loaded charts",
                        "new": newness_of}, index=ent.index)
    return out[out["value"] > 0]


def new_wave(feat: pd.DataFrame, acts: pd.DataFrame, new: pd.DataFrame,
             p: ScoringParams, names: Names) -> pd.DataFrame:
    """Many new acts debuting on one sales or streaming chart within weeks: a catalogue
    spread over "acts".

    An AI catalogue need not flood under one name: a dozen acts of a title or two each
    debut on one chart within weeks. Compared with: the chart's own rate of new acts
    over its loaded span; the value grows with how far the count of new acts debuting
    within three weeks either side exceeds it (in standard deviations, from 2.5).
    """
    nw = new[new["new"] > 0].join(feat[["chart_id", "first_day", "artist_id", "metric", "n"]])
    # where a farm sells or streams; not a viral chart (new acts are what it is for) nor a
    # composite one, whose waves of new names come from its own rules (the Hot 100 let
    # album cuts in at the end of 1998: thirty "new" acts in a month) and from TV shows
    nw = nw[nw["metric"].isin(("sales", "streams"))]
    if len(nw) < 3:
        return _empty()
    first = nw.sort_values("first_day").drop_duplicates(["chart_id", "artist_id"])
    key = first["chart_id"].to_numpy(np.int64) * 1_000_000 + first["first_day"].to_numpy()
    order = np.sort(key)
    k = nw["chart_id"].to_numpy(np.int64) * 1_000_000 + nw["first_day"].to_numpy()
    def within(days: int) -> np.ndarray:
        return np.searchsorted(order, k + days, side="right") - np.searchsorted(order, k - days)

    count = within(28) - 1
    # the chart's usual rate, from the half year either side (the window left out): a
    # local baseline follows a chart's own drift, and the many "new" acts of the first
    # months of loaded data
    expected = (within(182) - within(28)) / (365 - 57) * 57
    z = (count - expected) / np.sqrt(expected + 1)
    # a farm's titles come and go; a new act that stays for weeks is being listened to
    brief = 0.5 + 0.5 * np.clip((8 - nw["n"].to_numpy()) / 6, 0, 1)
    # the local baseline already absorbs the many "new" acts of a short history: a third
    # of the history newness asks for is enough here
    value = np.clip((z - 2.5) / 3, 0, 1) * np.clip(nw["new"].to_numpy() * 3, 0, 1) * brief
    keep = value > 0
    f = nw[keep]
    if f.empty:
        return _empty()
    labels = feat["label"].reindex(f.index)
    reason = [f"one of {c + 1} new acts debuting on {lab} within four weeks of {_d(d)}; "
              f"about {e:.0f} is usual there" for c, lab, d, e in
              zip(count[keep], labels, f["first_day"], expected[keep], strict=True)]
    return pd.DataFrame({"value": value[keep], "reason": reason,
                         "reference": "new acts debuting on the same chart, at its usual rate"},
                        index=f.index)
