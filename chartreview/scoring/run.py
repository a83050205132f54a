"""Score a project: the adapter that feeds the pure pipeline from the store and saves it.

This is the one module of ``chartreview.scoring`` that touches the store; everything it
calls in the scoring package is pure (DataFrames in, DataFrames out).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from chartreview.domain import CancelToken, ChangeSet, ProgressFn
from chartreview.scoring.params import SCORING_VERSION, ScoringParams
from chartreview.store import scores as store_scores
from chartreview.store.db import Project


@dataclass(frozen=True)
class ScoreReport:
    entries: int
    changed: int
    positions: int
    seconds: float
    skipped: bool = False
    run_id: int | None = None
    recomputed: int = 0  # entries whose own statistics were computed (not kept)

    @property
    def changes(self) -> ChangeSet:
        return ChangeSet(scores=self.changed > 0)

    def summary(self) -> str:
        if self.skipped:
            return "Scores are up to date (no new data or settings since the last run)."
        rate = self.positions / self.seconds if self.seconds else 0
        fresh = (f" ({self.recomputed:,} with new positions)"
                 if self.recomputed < self.entries else "")
        return (f"Scored {self.entries:,} entries{fresh} from {self.positions:,} positions in "
                f"{self.seconds:.1f} s ({rate:,.0f} positions/s); {self.changed:,} changed.")


def score_project(
    project: Project, params: ScoringParams | None = None, *, force: bool = False,
    on_progress: ProgressFn | None = None, cancel: CancelToken | None = None,
) -> ScoreReport:
    """Score every entry of ``project`` and persist what changed.

    Skipped when neither the data (imports) nor the settings changed since the last run,
    unless ``force``. ``params`` default to the last run's settings when it was made by
    this scoring version, else the defaults (an older version's weights mean other things).
    """
    from chartreview.scoring import stats as entry_stats
    from chartreview.scoring.pipeline import score

    started = time.perf_counter()
    last = store_scores.last_run(project)
    if params is None:  # the last run's settings, unless they were another version's
        params = (ScoringParams.from_dict(last["settings"])
                  if last and last["version"] == SCORING_VERSION else ScoringParams())
    settings = params.to_dict()
    version = store_scores.data_version(project)
    if (not force and last is not None and last["settings"] == settings
            and last["data_version"] == version and last["version"] == SCORING_VERSION):
        return ScoreReport(last["entries"], 0, 0, 0.0, skipped=True, run_id=last["id"])
    positions, charts, names, credits = store_scores.scoring_frames(project)
    if positions.empty:
        return ScoreReport(0, 0, 0, time.perf_counter() - started)
    # What each entry's own positions say is kept between runs: only the entries that
    # gained positions since are computed again; the comparisons are all made afresh.
    cached = store_scores.entry_stats(project, entry_stats.STATS_VERSION)
    stats, redone = entry_stats.update(positions, charts, cached)
    scores, signals = score(positions, charts, names, params, stats=stats, credits=credits,
                            on_progress=on_progress, cancel=cancel)
    if cancel is not None:
        cancel.check()
    run_id, changed = store_scores.save_scores(
        project, scores, signals, settings=settings, version=SCORING_VERSION, data_ver=version,
        stats=stats.loc[redone], stats_version=entry_stats.STATS_VERSION)
    return ScoreReport(len(scores), changed, len(positions), time.perf_counter() - started,
                       run_id=run_id, recomputed=len(redone))
