"""The review loop as explicit state machines (no Qt).

:class:`ReviewSession` walks a queue of entry ids (one run at a time). States: ``ready``
(an entry is shown), ``saving`` (a write is under way: further verdict keys are ignored,
so key auto-repeat cannot label twice) and ``empty`` (nothing to show).

:class:`QueueSession` walks *cases* (a song's runs on every chart, or an act's songs)
with a queue that has an end, the time spent per decision, deferral, the watchlist and
temporary queues ("more like this"); see its docstring.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from chartreview.domain import ChangeSet, Verdict, plural
from chartreview.review import audit
from chartreview.review import queue as queue_mod
from chartreview.store import reviews
from chartreview.store.cases import CaseRow, Grouping
from chartreview.store.db import Project

State = Literal["ready", "saving", "empty"]


class ReviewSession:
    def __init__(self, project: Project, queue: Sequence[int], *, analyst: str,
                 auto_advance: bool = True) -> None:
        self.project = project
        self.queue = list(queue)
        self.analyst = analyst
        self.auto_advance = auto_advance
        self.index = 0
        self.state: State = "ready" if self.queue else "empty"
        self.undo_stack: list[int] = []

    @property
    def current(self) -> int | None:
        return self.queue[self.index] if self.queue else None

    def set_queue(self, queue: Sequence[int], keep: int | None = None) -> None:
        self.queue = list(queue)
        self.index = self.queue.index(keep) if keep in self.queue else 0
        self.state = "ready" if self.queue else "empty"

    def go(self, entry_id: int) -> None:
        if entry_id in self.queue:
            self.index = self.queue.index(entry_id)

    def next(self) -> int | None:
        if self.queue and self.index < len(self.queue) - 1:
            self.index += 1
        return self.current

    def previous(self) -> int | None:
        if self.queue and self.index > 0:
            self.index -= 1
        return self.current

    def label(self, verdict: Verdict | str, *, note: str | None = None,
              tags: list[str] | None = None, confidence: int | None = None) -> ChangeSet | None:
        """Record a verdict on the current entry; committed before this returns."""
        if self.state != "ready" or self.current is None:
            return None
        self.state = "saving"
        try:
            event_id, changes = audit.set_verdict(
                self.project, self.current, verdict, analyst=self.analyst, note=note,
                tags=tags, confidence=confidence)
            self.undo_stack.append(event_id)
            if self.auto_advance:
                self.next()
            return changes
        finally:
            self.state = "ready"

    def note(self, text: str) -> ChangeSet | None:
        if self.current is None:
            return None
        event_id, changes = audit.set_note(self.project, self.current, text,
                                           analyst=self.analyst)
        self.undo_stack.append(event_id)
        return changes

    def undo(self) -> ChangeSet | None:
        """Undo this session's latest change and go back to its entry."""
        if not self.undo_stack or self.state != "ready":
            return None
        event_id = self.undo_stack.pop()
        _, changes = audit.undo(self.project, event_id, analyst=self.analyst)
        for entry_id in changes.entry_ids:
            self.go(entry_id)
        return changes


# --- the case queue ---------------------------------------------------------------------------
QueueState = Literal["idle", "showing", "saving", "finished"]


@dataclass
class _Queue:
    """One queue on the session's stack: the main one, or a temporary one on top of it
    ("more like this", an act's songs) that Escape leaves."""

    title: str
    cases: list[CaseRow]
    reasons: dict[int, str] = field(default_factory=dict)  # group id -> why it is here
    index: int = 0
    temporary: bool = False


@dataclass(frozen=True)
class QueueSummary:
    """What an ended queue shows: counts per verdict, time spent, disputed cases."""

    title: str
    decided: int
    by_verdict: dict[str, int]
    seconds: float
    deferred: int
    disputed: tuple[CaseRow, ...]
    progress: queue_mod.QueueProgress

    def lines(self) -> list[str]:
        counts = ", ".join(f"{n} {v}" for v, n in self.by_verdict.items() if n) or "none"
        return [f"{plural(self.decided, 'case')} decided: {counts}.",
                f"Time spent: {queue_mod.duration_text(self.seconds).lstrip('~')}"
                + (f" ({self.seconds / self.decided:.0f} s a case)" if self.decided else "")
                + ".",
                f"Deferred with Space: {self.deferred}.",
                f"Disputed (runs or analysts disagree): {len(self.disputed)}.",
                self.progress.text() + "."]


class QueueSession:
    """The review loop over cases, as Anki's reviewer: explicit states, a clock per case.

    States: ``idle`` (no queue loaded), ``showing`` (a case is shown and its time runs),
    ``saving`` (a decision is being written: further verdict keys are ignored) and
    ``finished`` (every case of the queue is decided: the summary is due).

    The walk order is: watched cases that later data changed (with the reason), then
    the queue's cases by their highest score; Space (:meth:`defer`) moves the shown case
    to the end. A verdict (:meth:`decide`) applies to every run of the case, one event
    per run in one transaction, undone together (:meth:`undo`), with the seconds from
    the case being shown to the key. ``clock`` is injectable for tests.
    """

    def __init__(self, project: Project, definition: queue_mod.QueueDef | None = None, *,
                 analyst: str, title: str = "Queue", auto_advance: bool = True,
                 score_change: float = queue_mod.DEFAULT_SCORE_CHANGE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.project = project
        self.definition = definition or queue_mod.QueueDef()
        self.analyst = analyst
        self.title = title
        self.auto_advance = auto_advance
        self.score_change = score_change
        self.clock = clock
        self.state: QueueState = "idle"
        self.stack: list[_Queue] = []
        self.scope: dict[int, CaseRow] = {}
        self.requeued: dict[int, str] = {}  # group id -> what changed, until decided again
        self.decided_here: dict[int, str] = {}  # group id -> verdict given in this session
        self.seconds_here = 0.0
        self.deferred: set[int] = set()
        self.undo_stack: list[tuple[int, int]] = []  # (first event id of a batch, group id)
        self.shown_at: float | None = None
        self.pace_s: float | None = None
        self._version = 0  # bumped by every change to a case held, for progress()
        self._progress: tuple[Any, queue_mod.QueueProgress] | None = None

    # --- loading ---
    @property
    def grouping(self) -> Grouping:
        return "act" if self.definition.grouping == "act" else "song"

    def load(self, keep: int | None = None) -> None:
        """(Re)read the queue from the project: its scope, what is left, the watchlist.

        ``keep`` (a group id) stays the shown case while it is still to decide; a decided
        one gives way to the first case to decide (a watched case back on top, say).
        """
        d, p = self.definition, self.project
        self.scope = {c.group_id: c for c in queue_mod.queue_cases(p, d, self.grouping,
                                                                    scope=True)}
        changes = queue_mod.watch_changes(p, score_change=self.score_change,
                                          grouping=self.grouping)
        self.requeued = {c.group_id: c.reason() for c in changes}
        back = queue_mod.queue_cases_of(p, d, [c.entry_ids[0] for c in changes
                                               if c.group_id in self.requeued], self.grouping)
        if d.verdict == "unreviewed":  # what is left: decided cases are out of it
            left = [c for c in self.scope.values()
                    if not c.done or c.group_id in self.decided_here]
        elif d.review_mode:  # any verdict: every case, the walk skips the decided ones
            left = list(self.scope.values())
        else:
            left = queue_mod.queue_cases(p, d, self.grouping)
        seen = {c.group_id for c in back}
        ordered = back + [c for c in left if c.group_id not in seen]
        ordered.sort(key=lambda c: c.group_id in self.deferred)  # stable: deferred last
        for c in back:
            self.scope.setdefault(c.group_id, c)
        main = _Queue(self.title, ordered, dict(self.requeued))
        self.stack = [main]
        self._version += 1
        self.pace_s = queue_mod.pace(p, self.analyst)
        ids = [c.group_id for c in ordered]
        first = next((i for i, c in enumerate(ordered) if self.pending(c)), None)
        if keep in ids and (first is None or self.pending(ordered[ids.index(keep)])):
            self.show(ids.index(keep))  # still to decide (or nothing is): it stays shown
            return
        if first is None:  # nothing left to decide (the cases stay in view)
            main.index = 0
            self.state = "finished"
            self.shown_at = None
            return
        self.show(first)

    # --- the shown case ---
    @property
    def queue(self) -> _Queue:
        return self.stack[-1]

    @property
    def current(self) -> CaseRow | None:
        q = self.queue if self.stack else None
        if q is None or not q.cases:
            return None
        return q.cases[q.index]

    @property
    def reason(self) -> str:
        """Why the shown case is here (what changed, or why it is like the other)."""
        c = self.current
        return "" if c is None else self.queue.reasons.get(c.group_id, "")

    def pending(self, case: CaseRow) -> bool:
        """Still to decide: re-queued by the watchlist, or not decided in this session and
        not done."""
        if case.group_id in self.requeued:
            return True
        if case.group_id in self.decided_here:
            return False
        if self.queue.temporary or not self.definition.review_mode:
            return True
        return case.group_id in self.requeued or not case.done

    def show(self, index: int) -> CaseRow | None:
        q = self.queue
        if not q.cases:
            return None
        q.index = max(0, min(index, len(q.cases) - 1))
        self.state = "showing"
        self.shown_at = self.clock()
        return self.current

    def go(self, group_id: int) -> CaseRow | None:
        for i, c in enumerate(self.queue.cases):
            if c.group_id == group_id:
                return self.show(i)
        return None

    def next(self) -> CaseRow | None:
        return self.show(self.queue.index + 1)

    def previous(self) -> CaseRow | None:
        return self.show(self.queue.index - 1)

    def _next_pending(self) -> CaseRow | None:
        """Show the next case still to decide after this one (wrapping to the deferred
        ones at the end); ``finished`` when none is left."""
        q = self.queue
        n = len(q.cases)
        for step in range(1, n + 1):
            i = (q.index + step) % n
            if self.pending(q.cases[i]):
                return self.show(i)
        if q.temporary:
            return self.show(q.index)
        self.state = "finished"
        self.shown_at = None
        return None

    # --- decisions ---
    def decide(self, verdict: Verdict | str, *, note: str | None = None,
               tags: list[str] | None = None, confidence: int | None = None,
               campaign: tuple[Any, Any] | None = None,
               watch: bool | None = None) -> ChangeSet | None:
        """A verdict on every run of the shown case; committed before this returns."""
        case = self.current
        if self.state != "showing" or case is None:
            return None
        self.state = "saving"
        now = self.clock()
        seconds = 0.0 if self.shown_at is None else max(0.0, now - self.shown_at)
        try:
            ids, changes = audit.decide(
                self.project, list(case.entry_ids), verdict, analyst=self.analyst,
                note=note, tags=tags, confidence=confidence, seconds=seconds,
                campaign=campaign, watch=watch)
        finally:
            self.state = "showing"
        self.undo_stack.append((ids[0], case.group_id))
        self.decided_here[case.group_id] = str(Verdict(verdict).value)
        self.seconds_here += seconds
        self.requeued.pop(case.group_id, None)
        self.refresh_case(case.group_id)
        self.pace_s = queue_mod.pace(self.project, self.analyst)
        if self.auto_advance:
            self._next_pending()
        else:
            self.shown_at = self.clock()
        return changes

    def decided_elsewhere(self, group_id: int, verdict: str) -> None:
        """A decision on a case written outside this session (a lead's, on the team
        server): the case counts as decided here and the walk moves on, as after
        :meth:`decide`."""
        self.decided_here[group_id] = str(Verdict(verdict).value)
        self.requeued.pop(group_id, None)
        self.refresh_case(group_id)
        case = self.current
        if self.auto_advance and case is not None and case.group_id == group_id:
            self._next_pending()

    def defer(self) -> CaseRow | None:
        """Space: move the shown case to the end of the queue and show the next one."""
        q = self.queue
        case = self.current
        if case is None or self.state not in ("showing",):
            return None
        self.deferred.add(case.group_id)
        q.cases.append(q.cases.pop(q.index))
        q.index -= 1
        return self._next_pending() if any(self.pending(c) for c in q.cases) else \
            self.show(min(q.index + 1, len(q.cases) - 1))

    def set_campaign(self, start: Any, end: Any) -> ChangeSet | None:
        """Mark (or with two Nones clear) the weeks the campaign ran, on every run."""
        case = self.current
        if case is None or self.state == "saving":
            return None
        ids, changes = audit.set_range(self.project, list(case.entry_ids), start, end,
                                       analyst=self.analyst)
        self.undo_stack.append((ids[0], case.group_id))
        return changes

    def set_watch(self, on: bool) -> ChangeSet | None:
        case = self.current
        if case is None or self.state == "saving":
            return None
        ids, changes = audit.set_watch(self.project, list(case.entry_ids), on,
                                       analyst=self.analyst)
        self.undo_stack.append((ids[0], case.group_id))
        return changes

    def undo(self) -> ChangeSet | None:
        """Undo this session's latest decision (every run of it) and show its case."""
        if not self.undo_stack or self.state == "saving":
            return None
        event_id, group_id = self.undo_stack.pop()
        _, changes = audit.undo(self.project, event_id, analyst=self.analyst)
        event = reviews.event(self.project, event_id)
        if event is not None and event["kind"] == "verdict":
            self.decided_here.pop(group_id, None)
        self.refresh_case(group_id)
        if self.state == "finished":
            self.state = "showing"
        if self.go(group_id) is None and self.stack:
            self.show(self.queue.index)
        return changes

    def refresh_case(self, group_id: int) -> None:
        """Re-read one case (its runs and how many are decided) everywhere it is held."""
        case = next((c for q in self.stack for c in q.cases if c.group_id == group_id), None)
        if case is None:
            return
        fresh = queue_mod.queue_cases_of(self.project, self.definition, [case.top_entry],
                                         self.grouping)
        if not fresh:
            return
        self._version += 1
        for q in self.stack:
            q.cases = [fresh[0] if c.group_id == group_id else c for c in q.cases]
        if group_id in self.scope:
            self.scope[group_id] = fresh[0]

    def reorder(self, rank_of: dict[int, int]) -> None:
        """Walk the main queue in another order (a column the analyst sorted by):
        ``rank_of`` gives each case's strongest run its place; the shown case stays."""
        main = self.stack[0]
        shown = main.cases[main.index] if main.cases else None
        last = len(rank_of)
        main.cases.sort(key=lambda c: rank_of.get(c.top_entry, last))
        if shown is not None:
            main.index = main.cases.index(shown)

    # --- temporary queues ---
    def push(self, title: str, cases: Sequence[CaseRow], reasons: dict[int, str]) -> None:
        """Walk ``cases`` (more like this, an act's songs) until :meth:`pop`."""
        if not cases:
            return
        self.stack.append(_Queue(title, list(cases), dict(reasons), temporary=True))
        self.show(0)

    def pop(self) -> bool:
        """Leave a temporary queue for the one below; False when on the main queue."""
        if len(self.stack) < 2:
            return False
        self.stack.pop()
        self.show(self.queue.index)
        if not any(self.pending(c) for c in self.queue.cases):
            self.state = "finished"
        return True

    # --- progress ---
    def progress(self) -> queue_mod.QueueProgress:
        """Done of total in the main queue's scope (re-queued cases count as not done).

        Counted again only after a change (a decision, an undo, a reload): walking the
        queue asks for it on every case.
        """
        key = (len(self.decided_here), len(self.requeued), len(self.scope), self._version,
               self.pace_s)
        if self._progress is None or self._progress[0] != key:
            self._progress = (key, self._count_progress())
        return self._progress[1]

    def _count_progress(self) -> queue_mod.QueueProgress:
        total = len(self.scope)
        if self.definition.review_mode:
            done = sum(1 for g, c in self.scope.items() if g not in self.requeued
                       and (c.done or g in self.decided_here))
        else:
            main = self.stack[0].cases if self.stack else []
            total = len(main)
            done = sum(1 for c in main if c.group_id in self.decided_here)
        return queue_mod.QueueProgress(done, total, self.pace_s)

    def summary(self) -> QueueSummary:
        counts = {v.value: 0 for v in Verdict}
        for v in self.decided_here.values():
            counts[v] = counts.get(v, 0) + 1
        decided = [c for c in self.scope.values() if c.group_id in self.decided_here]
        decided += [c for q in self.stack[1:] for c in q.cases
                    if c.group_id in self.decided_here and c.group_id not in self.scope]
        return QueueSummary(
            self.title, len(self.decided_here), counts, self.seconds_here,
            len(self.deferred), tuple(queue_mod.disputed(self.project, decided)),
            self.progress())
