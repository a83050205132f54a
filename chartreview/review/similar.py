"""More like this (M): the cases nearest to one case, and why each is like it.

Three neighbourhoods, each a temporary queue in the window and a list in the CLI:

* by signal profile and trajectory shape (:func:`more_like_this`; the distance is
  documented in :mod:`chartreview.scoring.similar`);
* the same label or distributor, when the imported files named one
  (:func:`same_label`);
* the same debut week on the same chart (:func:`same_debut_week`).

The case vectors are built once per project state (the last import and score run) and
kept, so a second M in a session costs only the distance (milliseconds).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from chartreview.domain import plural
from chartreview.scoring import similar as sim
from chartreview.scoring.labels import SIGNAL_LABELS
from chartreview.store import cases as store_cases
from chartreview.store.cases import CaseRow, Grouping
from chartreview.store.db import Project

SHARED_SIGNAL = 0.2  # a signal both cases fired at least this strongly is named as shared
_cache: dict[tuple[str, int, int, str], SimilarityIndex] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Similar:
    """One case like the one asked about, with why."""

    case: CaseRow
    reason: str
    similarity: float | None = None  # 1 - distance, for the signal-and-shape neighbours


@dataclass
class SimilarityIndex:
    """Every case's vector: group ids, strongest run, signal values, rank path."""

    grouping: str
    group_ids: np.ndarray
    top_entry: np.ndarray
    debut_rank: np.ndarray
    weeks: np.ndarray
    signal_names: list[str]
    signals: np.ndarray
    paths: np.ndarray
    row_of: dict[int, int]


def build_index(project: Project, grouping: Grouping = "song") -> SimilarityIndex:
    """Read the project and compute every case's vector (see ``scoring.similar``)."""
    raw = store_cases.similarity_inputs(project)
    entry_ids = raw["entry_id"]
    n = len(entry_ids)
    row = {int(e): i for i, e in enumerate(entry_ids)}
    # each chart's deepest rank, from the positions themselves
    pos = raw["positions"]
    lookup = np.full(int(max(entry_ids.max(initial=0), pos["entry_id"].max(initial=0))) + 1,
                     -1, dtype=np.int64)
    lookup[entry_ids] = np.arange(n)
    prow = lookup[pos["entry_id"].astype(np.int64)]
    ok = prow >= 0
    prow, day, rank = prow[ok], pos["day"][ok].astype(np.int64), pos["rank"][ok]
    charts = raw["chart_id"]
    depth_by_chart = np.zeros(int(charts.max(initial=0)) + 1, dtype=np.int64)
    np.maximum.at(depth_by_chart, charts[prow], rank.astype(np.int64))
    paths = sim.rank_paths(prow, day, rank, raw["first_day"], depth_by_chart[charts])
    names = sorted({s for _, s, _ in raw["signals"]})
    col = {s: j for j, s in enumerate(names)}
    values = np.zeros((n, len(names)))
    for eid, s, v in raw["signals"]:
        i = row.get(eid)
        if i is not None:
            values[i, col[s]] = max(values[i, col[s]], min(1.0, max(0.0, float(v))))
    # cases: the signals' highest value over the runs, the strongest run's path
    group = raw["track_id"] if grouping == "song" else raw["artist_id"]
    gids, inverse = np.unique(group, return_inverse=True)
    case_signals = np.zeros((len(gids), len(names)))
    np.maximum.at(case_signals, inverse, values)
    order = np.lexsort((entry_ids, -raw["score"], inverse))  # per case: best score first
    first = order[np.unique(inverse[order], return_index=True)[1]]
    return SimilarityIndex(
        grouping, gids, entry_ids[first], raw["debut_rank"][first], raw["weeks"][first],
        names, case_signals, paths[first], {int(g): i for i, g in enumerate(gids)})


def index(project: Project, grouping: Grouping = "song") -> SimilarityIndex:
    """The project's index, built on first use and kept until an import or a score run."""
    key = (str(project.path), *store_cases.similarity_version(project), grouping)
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = build_index(project, grouping)
        with _lock:
            for old in [k for k in _cache if k[0] == key[0] and k[3] == grouping]:
                del _cache[old]
            _cache[key] = found
    return found


def _signal_words(names: list[str], a: np.ndarray, b: np.ndarray) -> str:
    both = [(min(a[j], b[j]), names[j]) for j in range(len(names))
            if a[j] >= SHARED_SIGNAL and b[j] >= SHARED_SIGNAL]
    if both:
        both.sort(reverse=True)
        return "both: " + ", ".join(
            f"{SIGNAL_LABELS.get(n, n)} ({b[names.index(n)]:.2f} vs {a[names.index(n)]:.2f})"
            for _, n in both[:2])
    if not (a >= SHARED_SIGNAL).any() and not (b >= SHARED_SIGNAL).any():
        return "neither fired a signal"
    only = [names[j] for j in np.argsort(-b) if b[j] >= SHARED_SIGNAL][:1]
    return ("its strongest: " + SIGNAL_LABELS.get(only[0], only[0])) if only else \
        "no shared signal"


def more_like_this(project: Project, case: CaseRow, k: int = 20) -> list[Similar]:
    """The ``k`` cases nearest to ``case`` by signal profile and rank path, nearest first,
    each with why (the signals both fired, how close the paths run)."""
    idx = index(project, case.grouping)  # type: ignore[arg-type]
    i = idx.row_of.get(case.group_id)
    if i is None:
        return []
    near = sim.nearest(idx.signals, idx.paths, i, k)
    rows = {c.group_id: c for c in store_cases.cases_of(
        project, [int(idx.top_entry[j]) for j in near.rows], case.grouping)}  # type: ignore[arg-type]
    out = []
    for j, d, gap in zip(near.rows.tolist(), near.distance.tolist(), near.path_gap.tolist(),
                         strict=True):
        c = rows.get(int(idx.group_ids[j]))
        if c is None:
            continue
        shape = (f"debuted No. {idx.debut_rank[j]}, {plural(int(idx.weeks[j]), 'position')} "
                 f"(this: No. {idx.debut_rank[i]}, {int(idx.weeks[i])})")
        signals = _signal_words(idx.signal_names, idx.signals[i], idx.signals[j])
        words = (f"{(1 - d):.0%} alike: {signals}; "
                 f"rank path within {gap:.0%} of the chart over {sim.STEPS} weeks; {shape}")
        out.append(Similar(c, words, 1 - d))
    return out


def same_debut_week(project: Project, case: CaseRow, limit: int = 50) -> list[Similar]:
    """Cases with a run that debuted on one of this case's charts within three days."""
    rows = store_cases.same_debut_week(project, list(case.entry_ids), limit=limit * 4)
    why: dict[int, str] = {}
    order: list[int] = []
    for r in rows:
        if r["entry_id"] not in why:
            why[r["entry_id"]] = f"debuted on {r['chart']} the week of {r['debut']}"
            order.append(r["entry_id"])
    found = store_cases.cases_of(project, order, case.grouping)  # type: ignore[arg-type]
    out = []
    for c in found:
        if c.group_id == case.group_id:
            continue
        entry = next(e for e in order if e in c.entry_ids)
        out.append(Similar(c, "same debut week: " + why[entry]))
    return out[:limit]


def same_label(project: Project, case: CaseRow, limit: int = 50) -> list[Similar]:
    """Cases whose songs the sources credit to the same label or distributor.

    Empty when the imported files named none (most chart files do not).
    """
    tracks = _tracks_of(project, case)
    facts = store_cases.track_facts(project, tracks)
    out: list[Similar] = []
    seen = {case.group_id}
    for _, name, value in facts:
        others = [t for t in store_cases.tracks_with_fact(project, name, value, limit * 4)
                  if t not in tracks]
        entries = store_cases.entries_of_tracks(project, others)
        for c in store_cases.cases_of(project, entries, case.grouping):  # type: ignore[arg-type]
            if c.group_id not in seen:
                seen.add(c.group_id)
                out.append(Similar(c, f"same {name}: {value}"))
    out.sort(key=lambda s: -(s.case.score if s.case.score is not None else -1))
    return out[:limit]


def _tracks_of(project: Project, case: CaseRow) -> list[int]:
    rows = store_cases.case_entries(project, list(case.entry_ids))
    return sorted({int(r["track_id"]) for r in rows})


def neighbours(project: Project, case: CaseRow, k: int = 20) -> dict[str, list[Similar]]:
    """All three neighbourhoods of a case, by name (empty ones left out)."""
    found: dict[str, Any] = {
        "like this": more_like_this(project, case, k),
        "same label": same_label(project, case, k),
        "same debut week": same_debut_week(project, case, k),
    }
    return {name: items for name, items in found.items() if items}
