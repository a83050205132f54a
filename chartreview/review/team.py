"""Team review: connect a project to the team server, sync it, assign and adjudicate.

Offline first: verdicts are committed to the project file as always (``review.audit``);
a sync sends this analyst's new events to the server, then takes everyone's events,
assignments and decisions from it. Whatever comes from the server is checked with the
rules ``label`` and ``merge-verdicts`` apply (``review.audit``) before it is stored; what
fails them is refused with a sentence and never stored. Entries meet across laptops by natural key
(``store.keys``). The server enforces who may do what; the client's checks only
give a clearer sentence first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chartreview.domain import CancelToken, ChartreviewError, Progress, ProgressFn, visible
from chartreview.review import audit
from chartreview.review.agreement import PairAgreement, pairwise
from chartreview.store import queries
from chartreview.store.db import Project
from chartreview.store.keys import entries_by_key, natural_keys
from chartreview.store.team import local
from chartreview.store.team.server import (
    Address,
    NeedsPassword,
    Server,
    TeamError,
    parse_address,
)

PUSH_BATCH = 1000
PULL_BATCH = 5000  # one short SQLite transaction each: a window's verdict never waits long
PasswordPrompt = Callable[[Address], str | None]

__all__ = ["NeedsPassword", "TeamError"]


def _open(address: Address, sslmode: str, password: str | None,
          prompt: PasswordPrompt | None) -> Server:
    try:
        return Server.connect(address, sslmode=sslmode, password=password)
    except NeedsPassword:
        typed = prompt(address) if prompt is not None else None
        if not typed:
            raise
        return Server.connect(address, sslmode=sslmode, password=typed)


def linked(project: Project) -> local.Link:
    """The project's active team link.

    Raises
    ------
    TeamError
        When the project is not connected to a team server.
    """
    ln = local.link(project)
    if ln is None or not ln.active:
        raise TeamError(f"{project.path.name} is not connected to a team server: "
                        "run 'chartreview team connect postgresql://you@host/db' first.")
    return ln


def open_server(project: Project, *, password: str | None = None,
                prompt: PasswordPrompt | None = None) -> tuple[Server, str]:
    """A checked connection to the project's team server and the user's role there."""
    ln = linked(project)
    server = _open(parse_address(ln.address), ln.sslmode, password, prompt)
    try:
        role = server.check()
    except BaseException:
        server.close()
        raise
    return server, role


# --- setting up ----------------------------------------------------------------------------
def init_server(address_text: str, *, sslmode: str = "prefer", password: str | None = None,
                prompt: PasswordPrompt | None = None) -> tuple[int, int]:
    """Create or upgrade the team schema and roles on the server (run by its admin)."""
    address = parse_address(address_text)
    with _open(address, sslmode, password, prompt) as server:
        return server.init()


@dataclass(frozen=True)
class Connected:
    """What ``connect`` found: who we are there and what waits to be sent."""

    address: Address
    role: str
    tls: bool
    waiting: int
    other_names: dict[str, int]


def connect(project: Project, address_text: str, *, sslmode: str = "prefer",
            password: str | None = None, prompt: PasswordPrompt | None = None) -> Connected:
    """Check the server, then link the project to it as the address's user.

    Nothing in the project changes unless the server is a chartreview team database of
    this version and the user is in the team.
    """
    address = parse_address(address_text)
    with _open(address, sslmode, password, prompt) as server:
        role = server.check()
        tls = server.tls
    local.save_link(project, address.url(), address.user, sslmode, role)
    return Connected(address, role, tls, local.waiting(project, address.user),
                     local.unshared_other_names(project, address.user))


def disconnect(project: Project) -> bool:
    """Stop syncing; verdicts, colleagues' events and assignments stay in the project."""
    return local.deactivate(project)


# --- syncing -------------------------------------------------------------------------------
@dataclass
class SyncReport:
    """What one sync did."""

    sent: int = 0
    new_on_server: int = 0
    received: int = 0
    waiting_entries: int = 0
    applied_waiting: int = 0
    assignments: int = 0
    decisions: int = 0
    entry_ids: set[int] = field(default_factory=set)
    seconds: float = 0.0
    refused: list[str] = field(default_factory=list)  # a sentence per refused item

    def summary(self) -> str:
        text = (f"Synced in {self.seconds:.1f} s: sent {self.sent:,} events, received "
                f"{self.received:,} from colleagues")
        if self.assignments or self.decisions:
            text += f", {self.assignments:,} assignments and {self.decisions:,} decisions"
        if self.applied_waiting:
            text += (f"; {self.applied_waiting:,} waiting events applied to entries imported "
                     "since")
        if self.refused:
            text += (f"; refused {len(self.refused):,} that break the rules of 'chartreview "
                     "label' (not stored)")
        return text + "."


# --- what comes from the server -----------------------------------------------------------
def _check_event(ev: dict[str, Any]) -> dict[str, Any]:
    """A pulled event checked as ``label`` and ``merge-verdicts`` check one (the same
    ``review.audit`` functions), with its tags cleaned as they would be stored.

    Raises
    ------
    ChartreviewError
        Naming the first field that is not acceptable.
    """
    tags = ev["tags"]
    if tags is not None:
        try:
            tags = json.loads(tags) if isinstance(tags, str) else tags
        except ValueError:
            raise ChartreviewError("Its tags are not a list of words.") from None
        if not isinstance(tags, list):
            raise ChartreviewError("Tags must be a list of words.")
    checked = audit.check_event(ev["kind"], analyst=ev["author"], verdict=ev["verdict"],
                                tags=tags, confidence=ev["confidence"], note=ev["note"])
    audit.check_time(ev["at"])
    audit.check_range(ev["range_from"], ev["range_to"])
    audit.check_seconds(ev["seconds"])
    if ev["watch"] not in (None, 0, 1):
        raise ChartreviewError(f"Its watch flag is {ev['watch']!r}, neither 0 nor 1.")
    if ev["kind"] == "undo" and ev["undoes"] is None:
        raise ChartreviewError("It is an undo that names no event.")
    if checked["tags"] != tags:  # stored as label would store them: sorted, once each
        ev = {**ev, "tags": None if checked["tags"] is None else json.dumps(checked["tags"])}
    return ev


def _check_decision(d: dict[str, Any]) -> dict[str, Any]:
    audit.check_verdict(d["verdict"])
    audit.check_analyst(d["decided_by"])
    if not audit.check_note(d["reason"]) or not d["reason"].strip():
        raise ChartreviewError("It gives no reason.")
    audit.check_time(d["at"])
    return d


def _accepted(rows: list[dict[str, Any]], check: Callable[[dict[str, Any]], dict[str, Any]],
              what: Callable[[dict[str, Any]], str], refused: list[str]) -> list[dict[str, Any]]:
    """The rows that pass ``check`` (cleaned); a sentence in ``refused`` for each other."""
    out = []
    for row in rows:
        try:
            out.append(check(row))
        except ChartreviewError as e:
            reason = str(e).rstrip(".")
            refused.append(visible(f"Refused {what(row)}: {reason[0].lower()}{reason[1:]}; "
                                   "it was not stored."))
    return out


def _event_name(ev: dict[str, Any]) -> str:
    return f"{ev['author']}'s {ev['kind']} event {ev['uuid']} on {ev['natural_key']}"


def _decision_name(d: dict[str, Any]) -> str:
    return f"{d['decided_by']}'s decision {d['uuid']} on {d['natural_key']}"


def _assignment_name(a: dict[str, Any]) -> str:
    return f"the assignment of {a['natural_key']} to {a['analyst']} by {a['assigned_by']}"


def _check_assignment(a: dict[str, Any]) -> dict[str, Any]:
    audit.check_analyst(a["analyst"])
    audit.check_analyst(a["assigned_by"])
    return a


def sync(project: Project, *, password: str | None = None,
         prompt: PasswordPrompt | None = None, push_batch: int = PUSH_BATCH,
         pull_batch: int = PULL_BATCH, on_progress: ProgressFn | None = None,
         cancel: CancelToken | None = None) -> SyncReport:
    """Push this analyst's new events, then pull everyone's events, assignments, decisions.

    Each pushed batch is one server transaction, marked sent here only after it
    committed; each pulled batch and the cursor after it are one SQLite transaction.
    Interrupted anywhere, the next sync sends and takes what is left, and every event is
    stored once on both sides (by UUID).

    Raises
    ------
    TeamError
        When the server cannot be reached, refuses, or is of another schema version;
        whatever was confirmed before stays confirmed.
    """
    started = time.perf_counter()
    report = SyncReport()
    ln = linked(project)
    me = ln.user
    server, _role = open_server(project, password=password, prompt=prompt)
    with server:
        report.entry_ids |= local.flush(project, me)  # what a killed sync left to refold
        by_key = entries_by_key(project)  # natural key -> entry id, once per sync
        applied = local.apply_pending(project, by_key)
        report.applied_waiting = applied.added
        report.entry_ids |= applied.entry_ids or set()
        report.entry_ids |= local.resolve(project, by_key)
        total = local.waiting(project, me)
        while batch := local.outbox(project, me, push_batch):
            if cancel is not None:
                cancel.check()
            report.new_on_server += server.push(batch)
            local.mark_shared(project, [e["uuid"] for e in batch])
            report.sent += len(batch)
            if on_progress:
                on_progress(Progress(report.sent, total, "Sending"))
        cursor = ln.cursors["events"]
        while True:
            if cancel is not None:
                cancel.check()
            rows, cursor = server.pull_events(cursor, pull_batch)
            if not rows:
                break
            got = local.apply_pulled(
                project, _accepted(rows, _check_event, _event_name, report.refused),
                cursor, by_key)
            report.received += got.added + got.parked
            report.entry_ids |= got.entry_ids or set()
            if on_progress:
                on_progress(Progress(report.received, 0, "Receiving"))
            if len(rows) < pull_batch:
                break
        cursor = ln.cursors["assignments"]
        while True:
            rows, cursor = server.pull_assignments(cursor, pull_batch)
            if not rows:
                break
            report.assignments += local.save_assignments(
                project, _accepted(rows, _check_assignment, _assignment_name, report.refused),
                cursor, by_key)
        cursor = ln.cursors["decisions"]
        while True:
            rows, cursor = server.pull_decisions(cursor, pull_batch)
            if not rows:
                break
            rows = _accepted(rows, _check_decision, _decision_name, report.refused)
            report.entry_ids |= local.save_decisions(project, rows, cursor, by_key)
            report.decisions += len(rows)
        report.entry_ids |= local.flush(project, me)
    local.record_sync(project)
    report.waiting_entries = local.pending_entries(project)
    report.seconds = time.perf_counter() - started
    return report


# --- assigning -----------------------------------------------------------------------------
def plan_assignments(keys: Sequence[str], analysts: Sequence[str], overlap: int,
                     existing: dict[str, list[str]], load: dict[str, int]
                     ) -> list[tuple[str, str]]:
    """Give each key to ``overlap`` analysts, always the least loaded first (balanced).

    Analysts a key already has count towards its overlap; ties go to the earlier name
    in ``analysts``, so the same inputs always give the same plan.
    """
    if not analysts:
        raise ChartreviewError("Name at least one analyst with --to.")
    if not 1 <= overlap <= len(analysts):
        raise ChartreviewError(f"--overlap must be between 1 and the number of analysts "
                               f"({len(analysts)}).")
    counts = {a: load.get(a, 0) for a in analysts}
    order = {a: i for i, a in enumerate(analysts)}
    pairs = []
    for key in keys:
        have = [a for a in existing.get(key, []) if a in counts]
        free = sorted((a for a in analysts if a not in have), key=lambda a: (counts[a], order[a]))
        for a in free[:max(0, overlap - len(have))]:
            pairs.append((key, a))
            counts[a] += 1
    return pairs


@dataclass(frozen=True)
class Assigned:
    entries: int
    pairs: int
    per_analyst: dict[str, int]

    def summary(self) -> str:
        each = ", ".join(f"{a} {n:,}" for a, n in self.per_analyst.items())
        return (f"Assigned {self.pairs:,} reviews on {self.entries:,} entries ({each}).")


def assign(project: Project, *, top: int, to: Sequence[str], overlap: int,
           password: str | None = None, prompt: PasswordPrompt | None = None) -> Assigned:
    """Assign the project's ``top`` entries by score to analysts (a lead's command)."""
    names = list(dict.fromkeys(n.strip() for n in to if n.strip()))
    if top < 1:
        raise ChartreviewError("--top must be at least 1.")
    sync(project, password=password, prompt=prompt)  # the assignments the server has
    server, role = open_server(project, password=password, prompt=prompt)
    with server:
        if role != "lead":
            raise TeamError(f"Only a lead assigns work; {server.address.user} is an analyst.")
        members = server.members()
        unknown = [n for n in names if n not in members]
        if unknown:
            raise TeamError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                            f"in the team on {server.address.where} (members: "
                            f"{', '.join(members) or 'none'}).")
        ids = queries.entry_ids(project, sort="score")[:top]
        keys = natural_keys(project, ids)
        plan = plan_assignments([keys[i] for i in ids], names, overlap,
                                local.assigned(project), local.assignment_load(project))
        server.assign(plan)
    sync(project, password=password, prompt=prompt)
    per = {n: sum(1 for _, a in plan if a == n) for n in names}
    return Assigned(len({k for k, _ in plan}), len(plan), per)


# --- deciding ------------------------------------------------------------------------------
def adjudicate(project: Project, entry_ids: int | Sequence[int], verdict: str, reason: str,
               *, password: str | None = None,
               prompt: PasswordPrompt | None = None) -> SyncReport:
    """Record the lead's final verdict, with the reason, on an entry or on every run of a
    case (one decision per run, in one server transaction), and sync."""
    v = audit.check_verdict(verdict)
    reason = audit.check_note(reason) or ""
    if not reason.strip():
        raise ChartreviewError("Give the reason for the decision (--reason).")
    ids = [entry_ids] if isinstance(entry_ids, int) else list(dict.fromkeys(entry_ids))
    keys = natural_keys(project, ids)
    missing = [i for i in ids if i not in keys]
    if missing or not ids:
        raise ChartreviewError(f"There is no entry {missing[0] if missing else ''}.")
    server, role = open_server(project, password=password, prompt=prompt)
    with server:
        if role != "lead":
            raise TeamError(f"Only a lead adjudicates; {server.address.user} is an analyst.")
        server.decide([keys[i] for i in ids], v.value, reason.strip())
    return sync(project, password=password, prompt=prompt)


# --- where things stand --------------------------------------------------------------------
@dataclass
class Status:
    """Everything ``team status`` and the window's status bar say."""

    address: str
    user: str
    role: str
    active: bool
    last_sync_at: str | None
    waiting: int
    other_names: dict[str, int]
    pending: dict[str, int]
    pending_entries: int
    queue_done: int
    queue_total: int
    queue_elsewhere: int
    disputed: int
    agreement: list[PairAgreement]
    online: bool | None = None  # None: not asked
    tls: bool | None = None
    server_events: int | None = None
    error: str | None = None

    def lines(self) -> list[str]:
        out = [f"Team server: {self.address} as {self.user} ({self.role})"
               + ("" if self.active else " - disconnected")]
        if self.online is not None:
            out.append(f"Server: reachable, TLS {'on' if self.tls else 'off'}, "
                       f"{self.server_events:,} events" if self.online
                       else f"Server: offline ({self.error})")
        out.append(f"Last sync: {_when(self.last_sync_at)}; "
                   f"{self.waiting:,} of your events waiting to be sent")
        for name, n in self.other_names.items():
            out.append(f"{n:,} events recorded here as {name!r} stay on this laptop "
                       f"(only {self.user}'s are shared)")
        if self.pending:
            verdicts = self.pending.get("verdict", 0)
            others = sum(self.pending.values()) - verdicts
            out.append(f"{verdicts:,} verdicts on entries you have not imported"
                       + (f" (and {others:,} other events)" if others else "")
                       + f", on {self.pending_entries:,} entries; they apply once you import "
                       "them")
        out.append(f"My queue: {self.queue_done:,} of {self.queue_total:,} done"
                   + (f" ({self.queue_elsewhere:,} more assigned on entries not imported here)"
                      if self.queue_elsewhere else ""))
        out.append(f"Disputed: {self.disputed:,} entries wait for a lead's decision")
        if self.agreement:
            out.append("Agreement (Cohen's kappa):")
            out += [f"  {p.line()}" for p in self.agreement]
        else:
            out.append("Agreement: no entry has verdicts from two analysts yet")
        return out


def _when(iso: str | None) -> str:
    """``2026-12-03 10:02 UTC (3 min ago)``, or ``never``."""
    if not iso:
        return "never"
    try:
        then = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    seconds = max(0, int((datetime.now(UTC) - then).total_seconds()))
    ago = (f"{seconds} s" if seconds < 60 else f"{seconds // 60} min" if seconds < 3600
           else f"{seconds // 3600} h" if seconds < 172_800 else f"{seconds // 86400} days")
    return f"{then.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({ago} ago)"


def status(project: Project, *, online: bool = True, password: str | None = None,
           prompt: PasswordPrompt | None = None) -> Status:
    """Where the project stands in its team; with ``online``, also ask the server."""
    ln = local.link(project)
    if ln is None:
        raise TeamError(f"{project.path.name} has never been connected to a team server: "
                        "run 'chartreview team connect postgresql://you@host/db'.")
    q = local.queue(project, ln.user)
    st = Status(
        address=ln.address, user=ln.user, role=ln.role, active=ln.active,
        last_sync_at=ln.last_sync_at, waiting=local.waiting(project, ln.user),
        other_names=local.unshared_other_names(project, ln.user),
        pending=local.pending(project), pending_entries=local.pending_entries(project),
        queue_done=sum(1 for _, done in q if done), queue_total=len(q),
        queue_elsewhere=local.assigned_elsewhere(project, ln.user),
        disputed=len(local.disputed(project)),
        agreement=pairwise(local.all_judgements(project).values()))
    if online and ln.active:
        try:
            server, role = open_server(project, password=password, prompt=prompt)
            with server:
                st.online, st.tls, st.role = True, server.tls, role
                st.server_events = server.event_count()
        except TeamError as e:
            st.online, st.error = False, str(e)
    return st
