"""The window's review loop over cases: the adapter between the Qt-free
:class:`~chartreview.review.session.QueueSession` and the widgets.

A case is a song's runs on every loaded chart (Shift+A: an act's songs). The table lists
one row per case (its strongest run) in the order the queue walks them; ``R`` shows the
runs instead, as before. The queue bar says how far the queue got and why a case is
here; ``M`` lays the cases like this one over the table as a temporary queue; the plot
takes a campaign range (drag on the time axis, or ``[``/``]`` on the week cursor moved
with the arrow keys) and opens a chart week on a click (or ``O``).

Every write goes through the session, which commits before it returns; only then does
the status bar say "saved".
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox

from chartreview.domain import ChangeSet, ChartreviewError, plural, visible
from chartreview.qt.models.entry_table import VERDICT_TEXT
from chartreview.qt.views.chart_week import ChartWeekDialog
from chartreview.qt.views.queue_bar import QueueBar
from chartreview.qt.views.summary_dialog import QueueSummaryDialog
from chartreview.qt.views.temp_queue import TempQueuePanel
from chartreview.qt.widgets.elided_label import ElidedLabel
from chartreview.qt.widgets.plot_marks import PlotMarks
from chartreview.review import queue as queue_mod
from chartreview.review import similar
from chartreview.review.session import QueueSession
from chartreview.store import cases as store_cases
from chartreview.store import queries
from chartreview.store.cases import CaseRow
from chartreview.store.db import Project

if TYPE_CHECKING:
    from chartreview.qt.main_window import MainWindow

MAX_SIGNAL_ROWS = 12  # the strongest run's signals, then the others' that fired
# After a case is drawn, the next one is read this much later (if no key came first)
READ_AHEAD_MS = 40
# A case's runs' rows, positions, signals by run and history events, as render draws them
CaseData = tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, list[dict[str, Any]]],
                 list[dict[str, Any]]]


def queue_def(flt: queries.EntryFilter, grouping: str = "song") -> queue_mod.QueueDef:
    """The filter bar's filter as a queue definition."""
    return queue_mod.QueueDef(
        text=flt.text, chart_ids=list(flt.chart_ids), verdict=flt.verdict,
        min_score=flt.min_score, max_score=flt.max_score, signal=flt.signal,
        date_from=flt.date_from, date_to=flt.date_to, artist_id=flt.artist_id,
        analyst=flt.analyst, grouping=grouping)


class ReviewLoop(QObject):
    """Owns the case session and the queue bar, temporary queue panel and plot marks."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.session: QueueSession | None = None
        self.case_mode = True
        self.queue_name = ""  # a saved queue, or "" for the filter bar's
        self.finished_shown = False
        self.bar = QueueBar()
        self.temp = TempQueuePanel()
        self.temp.setVisible(False)
        # one line, whatever the case: a label that wrapped would resize the plot under
        # it on every J (a layout pass and a second paint of the plot)
        self.case_line = ElidedLabel()
        self.case_line.setObjectName("case_line")
        self.marks = PlotMarks(window.detail.plot)
        self.marks.range_dragged.connect(self.set_campaign)
        self.marks.week_clicked.connect(self.open_week)
        self.bar.queue_chosen.connect(self.choose_queue)
        self.bar.save_clicked.connect(self.save_queue)
        self.bar.back_clicked.connect(self.back)
        self.temp.case_clicked.connect(self._temp_clicked)
        self._temp_rows: list[dict[str, Any]] = []
        self.selecting = False  # the loop itself moves the table's row: not a pick
        self.summary_dialog: QueueSummaryDialog | None = None
        self.sort: tuple[str, bool] | None = None  # a column clicked: the walk follows it
        window.model.sort_requested.connect(self.sort_cases)
        # the next case, read while this one is looked at: (the project, the case's runs,
        # the project's _stamp() when read, what _read_case gave)
        self._ahead: tuple[Project, tuple[int, ...], tuple[int, int], CaseData | None
                           ] | None = None
        self._ahead_timer = QTimer(self)
        self._ahead_timer.setSingleShot(True)
        self._ahead_timer.setInterval(READ_AHEAD_MS)
        self._ahead_timer.timeout.connect(self._read_ahead)

    # --- the project and the queue ---
    @property
    def project(self) -> Project | None:
        return self.w.project

    @property
    def active(self) -> bool:
        """One row per case (the default); R switches to one per run."""
        return self.case_mode

    def start(self, project: Project) -> None:
        """A project was opened: the filter bar's queue, from its first case."""
        self.queue_name = ""
        self.session = None
        self.bar.set_queues(list(store_cases.saved_queues(project)), "")
        self.reload()

    def definition(self) -> queue_mod.QueueDef:
        assert self.project is not None
        if self.queue_name:
            return queue_mod.load(self.project, self.queue_name)
        base = queue_def(self.w.filter_bar.current())
        user = self.w.team.user()
        if self.team_queue and user:
            return queue_mod.team_queue(self.team_queue, user, base)
        return base

    @property
    def team_queue(self) -> str:
        """The team's queue chosen over the filter bar's: "mine", "disputed" or ""."""
        return "" if self.w.team.queue == "all" else self.w.team.queue

    @property
    def title(self) -> str:
        """The queue's name as its bar and summary say it."""
        return self.queue_name or (queue_mod.TEAM_QUEUES.get(self.team_queue, "Queue")
                                   if self.w.team.user() else "Queue")

    def reload(self, keep: int | None = None) -> None:
        """Read the queue again (a filter, a queue chosen, new data) and show its case."""
        if self.project is None:
            return
        if not self.case_mode:
            self.w.model.set_fixed(None)
            return
        if keep is None and self.session is not None and self.session.current is not None:
            keep = self.session.stack[0].cases[self.session.stack[0].index].group_id
        old = self.session
        try:
            definition = self.definition()
        except ChartreviewError as e:
            self.w.statusBar().showMessage(str(e), 8000)
            return
        self.session = QueueSession(
            self.project, definition, analyst=self.w.settings.analyst,
            title=self.title,
            auto_advance=self.w.auto_advance_action.isChecked(),
            score_change=self.w.settings.requeue_score_change)
        if old is not None and old.definition == definition:  # the same queue, refreshed
            self.session.decided_here = old.decided_here
            self.session.deferred = old.deferred
            self.session.seconds_here = old.seconds_here
            self.session.undo_stack = old.undo_stack
        self.session.load(keep)
        if self.sort is not None:
            self._apply_sort()
        # the summary comes when the analyst finishes a queue, not on opening a done one
        self.finished_shown = self.session.state == "finished" and (
            old is None or old.state == "finished")
        self.temp.setVisible(False)
        self._fill_table()
        self.show_current()

    def sort_cases(self, key: str, descending: bool) -> None:
        """A header clicked: the cases in that column's order (of their strongest run)."""
        self.sort = (key, descending)
        if self.session is None:
            return
        self._apply_sort()
        if not self.session.queue.temporary:
            self._fill_table()
        self.show_current()

    def _apply_sort(self) -> None:
        assert self.session is not None and self.project is not None and self.sort
        order = queries.entry_ids(self.project, None, sort=self.sort[0],
                                  descending=self.sort[1])
        self.session.reorder({e: i for i, e in enumerate(order)})

    def _fill_table(self) -> None:
        assert self.session is not None
        cases = self.session.stack[0].cases
        self.w.model.set_fixed([c.top_entry for c in cases],
                               {c.top_entry: self._case_overrides(c) for c in cases})

    def _case_overrides(self, c: CaseRow) -> dict[str, Any]:
        runs = len(c.entry_ids)
        return {} if runs == 1 else {"runs": runs}

    # --- showing a case ---
    def show_current(self) -> None:
        """Select the shown case's row, draw it, and update the queue bar."""
        s = self.session
        if s is None:
            return
        case = s.current
        self.update_bar()
        if case is None:
            self.w.show_nothing()
            return
        q = s.queue
        if q.temporary:
            self.temp.set_current(q.index)
        else:
            self.selecting = True
            try:
                self.w.select(case.top_entry)
            finally:
                self.selecting = False
        self.render(case)
        if s.state == "finished" and not q.temporary and not self.finished_shown:
            self.finished_shown = True
            self.show_summary(finished=True)

    def render(self, case: CaseRow) -> None:
        """Draw a case: its strongest run, every other run overlaid, all its history."""
        data = self._case_data(case)
        if data is None:
            self.w.show_nothing()
            return
        rows, positions, by_entry, raw_events = data
        top = rows[0]
        act = case.grouping == "act"
        for r in positions:  # an act's songs apart on the same chart
            if act and r["entry_id"] != top["entry_id"]:
                r["chart"] = f"{r['title']} · {r['chart']}"
                r["chart_id"] = -r["entry_id"]
        own = [r for r in positions if r["entry_id"] == top["entry_id"]]
        signals = self._signals(case, rows, by_entry)
        events = self._events(raw_events)
        self.w.detail.show_entry(top, own, positions, signals, events, self.w._cohort(top))
        self.marks.show_case(positions, own, (top.get("range_from"), top.get("range_to")))
        self.case_line.setText(self._case_text(case, rows))
        self._ahead_timer.start()  # read the next case while the analyst looks at this one

    # --- reading a case, and the next one ahead ---
    def _read_case(self, case: CaseRow) -> CaseData | None:
        """What drawing ``case`` reads from the project: its runs' rows (the strongest
        first), every position, signals by run and history events; None if it has none."""
        p = self.project
        assert p is not None
        ids = list(case.entry_ids)
        rows = store_cases.case_entries(p, ids)
        if not rows:
            return None
        return (rows, store_cases.case_positions(p, ids), queries.signals_for(p, ids),
                queries.events_for(p, ids))

    def _stamp(self) -> tuple[int, int]:
        """Changes since the project was opened, by this window and by anyone else."""
        p = self.project
        assert p is not None
        return p.conn.total_changes, p.conn.execute("PRAGMA data_version").fetchone()[0]

    def _case_data(self, case: CaseRow) -> CaseData | None:
        """The case as read ahead, if nothing was written since; else read now."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[:3] == (self.project, case.entry_ids, self._stamp()):
            return ahead[3]
        return self._read_case(case)

    def _read_ahead(self) -> None:
        """Read the case J shows next (and its cohort's typical path), so that J only
        draws: while the analyst looks at a case, the window is idle."""
        s = self.session
        if s is None or self.project is None or s.current is None:
            return
        q = s.queue
        if q.index + 1 >= len(q.cases):
            return
        case = q.cases[q.index + 1]
        stamp = self._stamp()
        data = self._read_case(case)
        if data is not None:
            self.w._cohort(data[0][0])
        self._ahead = (self.project, case.entry_ids, stamp, data)

    def _signals(self, case: CaseRow, rows: list[dict[str, Any]],
                 by_entry: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        out = list(by_entry.get(rows[0]["entry_id"], []))
        for r in rows[1:]:  # the other runs' signals that fired, strongest runs first
            if len(out) >= MAX_SIGNAL_ROWS:
                break
            where = r["chart"] if case.grouping == "song" else f"{r['title']}, {r['chart']}"
            out += [{**s, "reason": f"{where}: {s['reason']}", "other_run": True}
                    for s in by_entry.get(r["entry_id"], []) if (s["contribution"] or 0) > 0]
        return out[:max(MAX_SIGNAL_ROWS, len(by_entry.get(rows[0]["entry_id"], [])))]

    @staticmethod
    def _events(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The case's history, one line per decision (a batch over its runs)."""
        seen: dict[Any, dict[str, Any]] = {}
        for ev in raw:
            key = ev["batch"] if ev["batch"] is not None else -ev["event_id"]
            if key in seen:
                seen[key]["runs"] = seen[key].get("runs", 1) + 1
            else:
                seen[key] = dict(ev)
        return sorted(seen.values(), key=lambda e: e["event_id"])

    def _case_text(self, case: CaseRow, rows: list[dict[str, Any]]) -> str:
        def one(r: dict[str, Any]) -> str:
            score = "–" if r["score"] is None else f"{r['score']:.0f}"
            where = r["chart"] if case.grouping == "song" else f"{r['title']}, {r['chart']}"
            return f"{where} ({score})"

        charts = ", ".join(one(r) for r in rows[:4])
        more = f" and {len(rows) - 4} more" if len(rows) > 4 else ""
        kind = "act" if case.grouping == "act" else "song"
        text = f"Case ({kind}): {plural(len(rows), 'run')} — {charts}{more}"
        top = rows[0]
        marks = []
        if top.get("range_from") or top.get("range_to"):
            marks.append(f"campaign {top.get('range_from') or '…'} to "
                         f"{top.get('range_to') or '…'}")
        if top.get("watch"):
            marks.append("watched")
        if marks:
            text += " · " + " · ".join(marks)
        return visible(text)

    def update_bar(self) -> None:
        s = self.session
        if s is None:
            self.bar.show_progress(None, "")
            return
        self.bar.show_progress(s.progress(), s.definition.describe(),  # "My queue: ..."
                               "Queue" if self.queue_name else self.title)
        q = s.queue
        if q.temporary:
            reason = s.reason
            self.bar.show_banner(f"{q.title} ({q.index + 1} of {len(q.cases)})"
                                 + (f": {reason}" if reason else ""), temporary=True)
        else:
            reason = s.reason
            self.bar.show_banner(f"Back on the watchlist: {reason}" if reason else "")

    # --- walking ---
    def next(self) -> None:
        if self.session is not None:
            self.session.next()
            self.show_current()

    def previous(self) -> None:
        if self.session is not None:
            self.session.previous()
            self.show_current()

    def go_entry(self, entry_id: int) -> None:
        """The analyst picked a row (or a chart week's entry): show its case."""
        s = self.session
        if s is None:
            return
        for i, c in enumerate(s.queue.cases):
            if entry_id in c.entry_ids:
                if i != s.queue.index or s.state != "showing":
                    s.show(i)
                self.update_bar()
                self.render(c)
                return
        case = store_cases.case_of(self.project, entry_id, s.grouping) if self.project else None
        if case is not None:  # not in this queue: on its own, as a temporary queue
            s.push("Opened from the chart week", [case], {})
            self._show_temp()

    def defer(self) -> None:
        s = self.session
        if s is None or s.current is None:
            return
        name = self._name(s.current)
        s.defer()
        if not s.queue.temporary:
            self._fill_table()
        self.show_current()
        self.w.statusBar().showMessage(f"Deferred to the end of the queue: {name}.", 4000)

    # --- writes ---
    def decide(self, verdict: str) -> None:
        s = self.session
        if s is None or s.current is None or s.state != "showing" or not self.w.ask_analyst():
            return
        s.analyst = self.w.settings.analyst
        self.w.save_edits()
        case = s.current
        started = time.perf_counter()
        try:
            changes = s.decide(verdict)
        except ChartreviewError as e:
            QMessageBox.warning(self.w, "Verdict not recorded", str(e))
            self.w.back_to_queue()
            return
        if changes is None:
            return
        ms = (time.perf_counter() - started) * 1000
        runs = len(case.entry_ids)
        self.w.statusBar().showMessage(
            f"{VERDICT_TEXT.get(verdict, verdict)}: {self._name(case)}"
            + (f" ({runs} runs)" if runs > 1 else "") + f" — saved ({ms:.0f} ms)", 4000)
        self._after_write(changes)

    def _after_write(self, changes: ChangeSet) -> None:
        self.w.model.apply_changes(changes)
        self.w._update_counts()
        if self.session is not None and self.session.queue.temporary:
            self._refresh_temp()
        self.show_current()
        self.w.changes_applied.emit(changes, self.w)

    def undo(self) -> bool:
        """Undo this session's latest change; False when the session has none."""
        s = self.session
        if s is None or not s.undo_stack:
            return False
        case_id = s.undo_stack[-1][1]
        try:
            changes = s.undo()
        except ChartreviewError as e:
            QMessageBox.warning(self.w, "Nothing undone", str(e))
            self.w.back_to_queue()
            return True
        if changes is not None:
            self.finished_shown = False
            case = next((c for q in s.stack for c in q.cases if c.group_id == case_id), None)
            if case is not None:
                self.w.statusBar().showMessage(
                    f"Undone on {self._name(case)}: {self.w._undone_what(case.top_entry)}.",
                    4000)
            self._after_write(changes)
        return True

    def set_campaign(self, start: str | None, end: str | None) -> None:
        s = self.session
        if s is None or s.current is None or not self.w.ask_analyst():
            return
        s.analyst = self.w.settings.analyst
        try:
            changes = s.set_campaign(start, end)
        except ChartreviewError as e:
            self.w.statusBar().showMessage(str(e), 8000)
            return
        if changes is None:
            return
        what = (f"Campaign {start or '…'} to {end or '…'}" if start or end
                else "Campaign cleared")
        self.w.statusBar().showMessage(f"{what} on {self._name(s.current)} — saved.", 5000)
        self._after_write(changes)

    def campaign_start(self) -> None:
        row = self.marks.cursor_row()
        if row is None:
            return
        end = self.marks.range[1]
        start = row["date"][:10]
        self.set_campaign(start, end if end and end >= start else start)

    def campaign_end(self) -> None:
        row = self.marks.cursor_row()
        if row is None:
            return
        start = self.marks.range[0]
        end = row["date"][:10]
        self.set_campaign(start if start and start <= end else end, end)

    def campaign_clear(self) -> None:
        if any(self.marks.range):
            self.set_campaign(None, None)

    def toggle_watch(self) -> None:
        s = self.session
        if s is None or s.current is None or not self.w.ask_analyst():
            return
        s.analyst = self.w.settings.analyst
        top = queries.entry(self.project, s.current.top_entry) if self.project else None
        on = not (top or {}).get("watch")
        changes = s.set_watch(on)
        if changes is None:
            return
        self.w.statusBar().showMessage(
            ("Watching " if on else "No longer watching ") + f"{self._name(s.current)} — "
            "saved." + (" It comes back when new weeks or a score change arrive." if on
                        else ""), 6000)
        self._after_write(changes)

    def week(self, step: int) -> None:
        row = self.marks.move_cursor(step)
        if row is not None:
            self.w.statusBar().showMessage(
                f"Week of {row['date'][:10]}: No. {row['rank']} on {visible(row['chart'])} "
                "([ and ] mark the campaign, O opens the chart week)", 6000)

    # --- temporary queues ---
    def more_like_this(self) -> None:
        s = self.session
        if s is None or s.current is None or self.project is None:
            return
        case = s.current
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            started = time.perf_counter()
            found = similar.neighbours(self.project, case, k=20)
            took = time.perf_counter() - started
        finally:
            QGuiApplication.restoreOverrideCursor()
        cases: list[CaseRow] = []
        reasons: dict[int, str] = {}
        for items in found.values():
            for item in items:
                if item.case.group_id not in reasons:
                    cases.append(item.case)
                    reasons[item.case.group_id] = item.reason
        if not cases:
            self.w.statusBar().showMessage("No case like this one.", 4000)
            return
        s.push(f"More like this: {plural(len(cases), 'case')} like {self._name(case)}",
               cases, reasons)
        self._show_temp()
        self.w.statusBar().showMessage(
            f"{plural(len(cases), 'case')} like {self._name(case)} ({took * 1000:.0f} ms).",
            5000)

    def act(self) -> None:
        """Shift+A: the act's songs as one case (again: back to the queue)."""
        s = self.session
        if s is None or s.current is None or self.project is None:
            return
        if s.queue.temporary and s.queue.title.startswith("Act:"):
            self.back()
            return
        case = store_cases.case_of(self.project, s.current.top_entry, "act")
        if case is None:
            return
        name = queries.entry(self.project, case.top_entry)["lead_artist"]
        name = visible(name)
        s.push(f"Act: {name}", [case], {case.group_id: (
            f"every song of {name}: {plural(len(case.entry_ids), 'run')}; a verdict applies "
            "to all of them")})
        self._show_temp()

    def _show_temp(self) -> None:
        assert self.session is not None and self.project is not None
        q = self.session.queue
        self._temp_rows = queue_mod.case_dicts(self.project, q.cases, q.reasons)
        self.temp.show_cases(q.title, self._temp_rows)
        self.temp.setVisible(True)
        self.show_current()

    def _refresh_temp(self) -> None:
        assert self.session is not None and self.project is not None
        q = self.session.queue
        rows = queue_mod.case_dicts(self.project, q.cases, q.reasons)
        for i, r in enumerate(rows):
            self.temp.update_verdicts(i, r["verdicts"])

    def _temp_clicked(self, row: int) -> None:
        if self.session is not None and self.session.queue.temporary:
            self.session.show(row)
            self.show_current()
            self.w.back_to_queue()

    def back(self) -> bool:
        """Leave the temporary queue; False when on the main queue already."""
        s = self.session
        if s is None or not s.pop():
            return False
        if not s.queue.temporary:
            self.temp.setVisible(False)
            self._fill_table()
        else:
            self._show_temp()
        self.show_current()
        return True

    # --- the chart week ---
    def open_week(self, row: dict[str, Any] | None = None) -> None:
        row = row or self.marks.cursor_row()
        if row is None or self.project is None:
            return
        rows = store_cases.chart_week(self.project, int(row["chart_id"]), row["date"][:10],
                                      int(row["rank"]))
        dialog = ChartWeekDialog(row["chart"], row["date"][:10], rows, row.get("entry_id"),
                                 self.w)
        dialog.entry_chosen.connect(self.go_entry)
        dialog.exec()
        self.w.back_to_queue()

    # --- queues ---
    def choose_queue(self, name: str) -> None:
        if name and self.team_queue:  # a saved queue instead of the team's
            self.w.team.show_queue("all")
        self.queue_name = name
        self.finished_shown = False
        self.reload()
        self.w.back_to_queue()

    def ask_queue(self) -> None:
        if self.project is None:
            return
        names = ["", *store_cases.saved_queues(self.project)]
        labels = ["Filter bar (not saved)", *names[1:]]
        current = names.index(self.queue_name) if self.queue_name in names else 0
        label, ok = QInputDialog.getItem(self.w, "Open a queue", "Queue:", labels, current,
                                         False)
        self.w.back_to_queue()
        if ok:
            chosen = names[labels.index(label)]
            self.bar.set_queues(names[1:], chosen)
            self.choose_queue(chosen)

    def save_queue(self) -> None:
        if self.project is None:
            return
        definition = queue_def(self.w.filter_bar.current())
        name, ok = QInputDialog.getText(
            self.w, "Save the queue", f"A name for the queue “{definition.describe()}”:")
        self.w.back_to_queue()
        if not ok or not name.strip():
            return
        try:
            saved = queue_mod.save(self.project, name, definition)
        except ChartreviewError as e:
            QMessageBox.warning(self.w, "Queue not saved", str(e))
            self.w.back_to_queue()
            return
        self.queue_name = saved
        self.bar.set_queues(list(store_cases.saved_queues(self.project)), saved)
        self.w.statusBar().showMessage(f"Saved the queue “{saved}”.", 4000)
        self.reload()

    def show_summary(self, *, finished: bool = False) -> None:
        """The queue's summary (at its end, or Ctrl+Shift+R): counts, time, disputes."""
        s = self.session
        if s is None or self.project is None:
            return
        summary = s.summary()
        names = queue_mod.labels(self.project, summary.disputed)
        if self.summary_dialog is not None:
            self.summary_dialog.close()
        dialog = QueueSummaryDialog(summary, [visible(names.get(c.group_id, c.key))
                                              for c in summary.disputed],
                                    finished=finished, parent=self.w)
        dialog.export_clicked.connect(self.w.show_export)
        dialog.finished.connect(lambda _r: self.w.back_to_queue())
        self.summary_dialog = dialog
        dialog.open()  # window-modal, without blocking the loop that showed it

    def toggle_runs(self) -> None:
        """R: one row per run (as before cases), or one per case."""
        self.case_mode = not self.case_mode
        self.bar.setVisible(self.case_mode)
        self.temp.setVisible(False)
        self.case_line.setVisible(self.case_mode)
        self.w.table.setSortingEnabled(not self.case_mode)
        if self.case_mode:
            self.reload()
        else:
            self.w.model.set_fixed(None)
        self.w.statusBar().showMessage(
            "One row per case (a song on every chart)" if self.case_mode
            else "One row per run (a song on one chart); R goes back to cases", 5000)

    def decided_elsewhere(self, entry_ids: list[int], verdict: str) -> None:
        """A decision written outside the loop (a lead's, through the team server) on
        these runs: when they are the shown case, it counts as decided and the walk goes
        on as after a key."""
        s = self.session
        if not self.active or s is None or s.current is None or \
                not set(entry_ids) & set(s.current.entry_ids):
            return
        s.decided_elsewhere(s.current.group_id, verdict)
        self.show_current()

    # --- helpers ---
    def runs_of(self, entry_id: int) -> list[int]:
        """Every run of the shown case when ``entry_id`` is one of them, else itself."""
        s = self.session
        if self.active and s is not None and s.current is not None and \
                entry_id in s.current.entry_ids:
            return list(s.current.entry_ids)
        return [entry_id]

    def refresh_shown(self) -> None:
        """Draw the shown case again from the project (after a write or new data)."""
        s = self.session
        if s is not None and s.current is not None:
            s.refresh_case(s.current.group_id)
            self.render(s.current)
            self.update_bar()

    def bar_names(self) -> list[str]:
        return list(store_cases.saved_queues(self.project)) if self.project else []

    def _name(self, case: CaseRow | None) -> str:
        """How messages name a case: its song as the window names an entry, or the act
        (controls shown as visible marks)."""
        if case is None or self.project is None:
            return "this case"
        if case.grouping != "act":
            return self.w._name(case.top_entry)
        e = queries.entry(self.project, case.top_entry)
        return visible(e["lead_artist"]) if e else "this case"

    def after_import(self, entries_before: int = 0) -> None:
        """New data: read the queue again, stay on the case shown (else show the first new
        one), and say so, with the watched cases now back at the top of the queue."""
        s = self.session
        if not self.active or self.project is None or s is None:
            return
        shown = s.current if not s.queue.temporary else None
        before = set(s.requeued)
        self.w.filter_bar.set_charts(queries.charts(self.project))
        self.reload(keep=shown.group_id if shown is not None else None)
        s = self.session
        assert s is not None
        new = store_cases.entries_since(self.project, entries_before)
        words = f"Imported: {new:,} new entries"
        current = s.current
        back = [g for g in s.requeued if g not in before]
        if current is not None and shown is not None and current.group_id == shown.group_id \
                and not back:
            words += f"; still on {self._name(current)}"
        elif current is not None and not back and new:
            first = next((i for i, c in enumerate(s.queue.cases)
                          if max(c.entry_ids) > entries_before), None)
            if first is not None:
                s.show(first)
                self.show_current()
                words += f"; showing the first new one, {self._name(s.current)}"
        if back:
            words += (f"; {plural(len(back), 'watched case')} back at the top of the queue: "
                      + "; ".join(s.requeued[g] for g in back[:2]))
        self.w._update_counts()
        self.w.statusBar().showMessage(words + ".", 10000)
