"""Counts for the report's summary: by verdict, by chart and verdict, score distribution."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

VERDICT_ORDER = ("suspicious", "ai", "human", "unreviewed")
# a team's entries may also be disputed: analysts disagree, no lead has decided yet
TEAM_ORDER = ("suspicious", "ai", "human", "disputed", "unreviewed")
SCORE_BINS = tuple(range(0, 100, 10))


@dataclass(frozen=True)
class Summary:
    """What the summary page shows."""

    entries: int
    by_verdict: dict[str, int]
    by_chart: dict[str, dict[str, int]]
    score_bins: list[tuple[str, int]]
    unscored: int
    analysts: dict[str, int]
    order: tuple[str, ...] = VERDICT_ORDER


def verdict_of(entry: dict[str, Any]) -> str:
    return entry.get("verdict") or "unreviewed"


def summarise(entries: list[dict[str, Any]]) -> Summary:
    """Count entries by verdict, by chart and verdict, and by score decile.

    Parameters
    ----------
    entries
        Entry rows as returned by ``store.queries.list_entries``.
    """
    order = TEAM_ORDER if any(e.get("verdict") == "disputed" for e in entries) else VERDICT_ORDER
    by_verdict = {v: 0 for v in order}
    by_chart: dict[str, dict[str, int]] = {}
    bins = Counter()
    unscored = 0
    analysts: Counter[str] = Counter()
    for e in entries:
        v = verdict_of(e)
        by_verdict[v] = by_verdict.get(v, 0) + 1
        row = by_chart.setdefault(e["chart"], {k: 0 for k in order})
        row[v] = row.get(v, 0) + 1
        if e.get("score") is None:
            unscored += 1
        else:
            bins[min(90, int(e["score"] // 10) * 10)] += 1
        if e.get("judgements"):  # a team: each analyst's own verdicts
            analysts.update(j["analyst"] for j in e["judgements"])
        elif e.get("verdict") and e.get("analyst"):
            analysts[e["analyst"]] += 1
    score_bins = [(f"{b}–{b + 10}", bins[b]) for b in SCORE_BINS]
    return Summary(len(entries), by_verdict, dict(sorted(by_chart.items())), score_bins,
                   unscored, dict(analysts.most_common()), order)
