"""The review loop as an explicit state machine over a queue of entry ids (no Qt).

States: ``ready`` (an entry is shown), ``saving`` (a write is under way: further verdict
keys are ignored, so key auto-repeat cannot label twice) and ``empty`` (nothing to show).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from chartreview.domain import ChangeSet, Verdict
from chartreview.review import audit
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
