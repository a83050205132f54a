"""Team review in the window: the sync state, the queues, background sync, live updates.

A :class:`TeamController` is installed on every main window and stays out of sight for a
project that is not connected to a team server. For one that is, it:

- shows the state in the status bar ("Team: synced 4 s ago", "Team: offline: 12 verdicts
  waiting") and a Team toolbar with the queue (All entries, My queue, Disputed) and the
  progress of my queue ("12 of 100 done");
- syncs in the background (a worker thread with its own connection to the project
  file): soon after each local change, every 30 s, and at once when the server
  announces a colleague's change (LISTEN/NOTIFY);
- applies colleagues' changes to the rows they touch, without a reload and without
  moving the selection; a note being typed on the shown entry is never overwritten;
- lets a lead adjudicate the shown entry (Team > Adjudicate…).

Every server call runs in a worker; the window never waits for the network.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from chartreview.domain import ChangeSet, ChartreviewError, plural
from chartreview.qt.workers.ops import Worker
from chartreview.report.safe import html_text
from chartreview.store import queries
from chartreview.store.db import Project, open_project
from chartreview.store.team import local

QUEUES = (("all", "All entries"), ("mine", "My queue"), ("disputed", "Disputed"))
Job = Callable[[Project, Any], Any]  # (the workers' project connection, cancel token)
PERIODIC_SYNC_MS = 30_000
AFTER_CHANGE_MS = 300  # a burst of verdicts goes out as one push


def ago(seconds: float) -> str:
    """``4 s``, ``3 min``, ``2 h``."""
    if seconds < 60:
        return f"{max(0, int(seconds))} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    return f"{int(seconds // 3600)} h"


class TeamController(QObject):
    """The window's side of team review (see the module docstring)."""

    synced = Signal(object)  # review.team.SyncReport, after it was applied to the window
    sync_failed = Signal(str)  # the sentence
    notified = Signal()  # the server announced a change (emitted on the listener's thread)
    listening = Signal(bool)  # the listener is connected (emitted on its thread)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.link: local.Link | None = None
        self.password: str | None = None  # typed once, kept in memory only
        self.queue = "all"
        self.online: bool | None = None
        self.error: str | None = None
        self.last_ok: float | None = None
        self.live = False
        self._project: Project | None = None  # the workers' own connection
        self._listener: Any = None
        self._jobs: deque[tuple[Job, Callable[[Any], None]]] = deque()
        self._sync_wanted = False
        self._worker: Worker | None = None
        self._ended = threading.Event()
        self._generation = 0
        self._build()
        window.project_opened.connect(self._project_opened)
        window.changes_applied.connect(self._changes_applied)
        self.notified.connect(self.request_sync)
        self.listening.connect(self._listening)
        window.installEventFilter(self)
        # The window restores its saved toolbar state after this: hide ours again then
        QTimer.singleShot(0, self, lambda: self._show(self.active))

    # --- building ---
    def _build(self) -> None:
        w: QMainWindow = self.window
        self.status_label = QLabel()
        self.status_label.setObjectName("team_status")
        w.statusBar().addPermanentWidget(self.status_label)
        self.toolbar = QToolBar("Team")
        self.toolbar.setObjectName("team_toolbar")
        w.addToolBar(self.toolbar)
        self.queue_box = QComboBox()
        self.queue_box.setObjectName("team_queue")
        for key, text in QUEUES:
            self.queue_box.addItem(text, key)
        self.queue_box.currentIndexChanged.connect(
            lambda i: self.set_queue(self.queue_box.itemData(i)))
        self.progress_label = QLabel()
        self.progress_label.setObjectName("team_progress")
        self.toolbar.addWidget(QLabel(" Queue: "))
        self.toolbar.addWidget(self.queue_box)
        self.toolbar.addWidget(self.progress_label)

        self.menu = w.menuBar().addMenu("&Team")
        help_action = next((a for a in w.menuBar().actions() if a.text() == "&Help"), None)
        if help_action is not None:  # Team before Help
            w.menuBar().insertMenu(help_action, self.menu)
        self.sync_action = self.menu.addAction("&Sync now", self.request_sync)
        self.sync_action.setShortcut(QKeySequence("Ctrl+Shift+Y"))
        self.menu.addSeparator()
        group = QActionGroup(self)
        self.queue_actions: dict[str, QAction] = {}
        for n, (key, text) in enumerate(QUEUES):
            action = self.menu.addAction(f"&{text}", lambda k=key: self.set_queue(k))
            action.setCheckable(True)
            action.setShortcut(QKeySequence(f"Ctrl+{n + 7}"))
            group.addAction(action)
            self.queue_actions[key] = action
        self.queue_actions["all"].setChecked(True)
        self.menu.addSeparator()
        self.adjudicate_action = self.menu.addAction("&Adjudicate…", self.adjudicate)
        self.adjudicate_action.setShortcut(QKeySequence("Ctrl+Shift+D"))  # a lead decides
        self.password_action = self.menu.addAction("Server &password…", self.ask_password)
        self.tick = QTimer(self)
        self.tick.timeout.connect(self.refresh_status)
        self.periodic = QTimer(self)
        self.periodic.timeout.connect(self.request_sync)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.timeout.connect(self.request_sync)
        self._show(False)

    def _show(self, on: bool) -> None:
        self.status_label.setVisible(on)
        self.toolbar.setVisible(on)
        self.menu.menuAction().setVisible(on)

    @property
    def active(self) -> bool:
        return self.link is not None and self.link.active

    # --- projects ---
    def _project_opened(self, project: Project) -> None:
        self.shutdown()
        link = local.link(project)
        self.link = link if link is not None and link.active else None
        self.online, self.error, self.last_ok, self.live = None, None, None, False
        if self.link is None:
            self._show(False)
            if self.queue != "all":
                self.set_queue("all")
            return
        w = self.window
        # Verdicts in a team project are recorded (and shared) under the team login
        w.settings.analyst = self.link.user
        if w.session is not None:
            w.session.analyst = self.link.user
        self._project = open_project(project.path)
        self._show(True)
        self.adjudicate_action.setEnabled(self.link.role == "lead")
        self.status_label.setToolTip(f"{self.link.address} as {self.link.user} "
                                     f"({self.link.role}), sslmode {self.link.sslmode}")
        if self.queue != "all":
            self._apply_queue()
        self._start_listener()
        self.tick.start(1000)
        self.periodic.start(PERIODIC_SYNC_MS)
        self.refresh_progress()
        self.request_sync()

    def _start_listener(self) -> None:
        from chartreview.store.team.server import Listener, parse_address

        assert self.link is not None
        try:
            address = parse_address(self.link.address)
        except ChartreviewError as e:  # no driver installed: say so, stay offline
            self._failed(e)
            return
        self._listener = Listener(address, self.link.sslmode, self.notified.emit,
                                  password=self.password, connected=self.listening.emit).start()

    def shutdown(self) -> None:
        """Stop listening and syncing, and close the workers' connection."""
        self.tick.stop()
        self.periodic.stop()
        self.debounce.stop()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self._jobs.clear()
        self._sync_wanted = False
        self._generation += 1  # results still on their way are for a closed project
        if self._worker is not None:
            self._worker.cancel()  # a sync stops at its next batch; nothing half-done
            self._ended.wait(10)
            self._worker = None
        if self._project is not None:
            self._project.close()
            self._project = None

    # --- syncing ---
    def request_sync(self) -> None:
        """Sync soon: now when idle, else right after the running job."""
        if not self.active:
            return
        self._sync_wanted = True
        self._next()

    def _run(self, job: Job, done: Callable[[Any], None]) -> None:
        self._jobs.append((job, done))
        self._next()

    def _next(self) -> None:
        if self._worker is not None or self._project is None:
            return
        if self._jobs:
            job, done = self._jobs.popleft()
        elif self._sync_wanted:
            self._sync_wanted = False
            job, done = self._sync_job, self._synced
        else:
            return
        project, generation, ended = self._project, self._generation, threading.Event()

        def run(on_progress: Any, cancel: Any) -> Any:
            try:
                return job(project, cancel)
            finally:
                ended.set()

        def returned(result: Any) -> None:
            if generation == self._generation:  # not from a project closed since
                done(result)

        def errored(error: BaseException) -> None:
            if generation == self._generation:
                self._failed(error)

        worker = Worker(run)
        worker.signals.returned.connect(returned)
        worker.signals.errored.connect(errored)
        worker.signals.finished.connect(self._finished)
        self._worker, self._ended = worker.start(), ended
        self.refresh_status()

    def _sync_job(self, project: Project, cancel: Any) -> Any:
        from chartreview.review import team as rt

        return rt.sync(project, password=self.password, cancel=cancel)

    def _finished(self) -> None:
        self._worker = None
        self._next()

    def _synced(self, report: Any) -> None:
        self.online, self.error, self.last_ok = True, None, time.monotonic()
        if report.entry_ids:
            self.apply_remote(report.entry_ids)
        self.refresh_progress()
        self.refresh_status()
        self.synced.emit(report)

    def _failed(self, error: BaseException) -> None:
        self.online = False
        self.error = str(error) if isinstance(error, ChartreviewError) else repr(error)
        self.refresh_status()
        self.sync_failed.emit(self.error)

    def _listening(self, on: bool) -> None:
        self.live = on
        self.refresh_status()

    def _changes_applied(self, changes: ChangeSet, initiator: object) -> None:
        if initiator is self or not self.active:
            return
        if changes.verdicts or changes.notes or changes.data:
            # data: an import may bring entries colleagues' waiting events are for
            self.debounce.start(AFTER_CHANGE_MS)
            self.refresh_progress()
            self.refresh_status()

    def apply_remote(self, entry_ids: set[int]) -> None:
        """Show colleagues' changes on these entries; the selection stays where it is.

        The shown entry's note and tags editors are left alone while they hold unsaved
        typing: only its row in the table is refreshed then.
        """
        w = self.window
        ids = set(entry_ids)
        current = w.current_id()
        if current in ids and (w.detail.note_changed() or w.detail.tags_changed()):
            w.apply_changes(ChangeSet(verdicts=True, notes=True,
                                      entry_ids=frozenset(ids - {current})), initiator=self)
            w.model.apply_changes(ChangeSet(verdicts=True, entry_ids=frozenset({current})))
        else:
            w.apply_changes(ChangeSet(verdicts=True, notes=True, entry_ids=frozenset(ids)),
                            initiator=self)

    # --- what the window says ---
    def waiting(self) -> int:
        project = self.window.project
        if project is None or self.link is None:
            return 0
        return local.waiting(project, self.link.user)

    def status_text(self) -> str:
        if not self.active:
            return ""
        waiting = self.waiting()
        if self.online is False:
            reason = " (needs a password: Team > Server password…)" if (
                self.error and "password" in self.error) else ""
            return f"Team: offline: {plural(f'{waiting:,}', 'verdict')} waiting{reason}"
        if self.last_ok is None:
            return "Team: syncing…"
        text = f"Team: synced {ago(time.monotonic() - self.last_ok)} ago"
        if waiting:
            text += f", {waiting:,} waiting"
        return text + ("" if self.live else " (not live)")

    def refresh_status(self) -> None:
        self.status_label.setText(self.status_text())
        if self.error and self.online is False:
            self.status_label.setToolTip(self.error)

    def refresh_progress(self) -> None:
        project = self.window.project
        if project is None or self.link is None:
            self.progress_label.setText("")
            return
        q = local.queue(project, self.link.user)
        done = sum(1 for _, d in q if d)
        self.progress_label.setText(f"  {done:,} of {len(q):,} done  ")
        self.progress_label.setToolTip("Entries assigned to you that you have judged")

    # --- queues ---
    def set_queue(self, key: str) -> None:
        if key not in dict(QUEUES):
            raise ValueError(f"unknown queue {key!r}")
        self.queue = key
        index = self.queue_box.findData(key)
        if self.queue_box.currentIndex() != index:
            self.queue_box.setCurrentIndex(index)  # comes back here, once
            return
        self.queue_actions[key].setChecked(True)
        self._apply_queue()

    def show_queue(self, key: str) -> None:
        """Show ``key`` as the chosen queue without applying it (the window chose)."""
        self.queue = key
        with QSignalBlocker(self.queue_box):
            self.queue_box.setCurrentIndex(self.queue_box.findData(key))
        self.queue_actions[key].setChecked(True)

    def user(self) -> str:
        """The team login of this laptop ("" outside a team)."""
        return self.link.user if self.link is not None else ""

    def scoped(self, flt: queries.EntryFilter) -> queries.EntryFilter:
        """The filter bar's filter narrowed to the chosen queue (the table of runs; the
        case queue narrows its own definition with ``review.queue.team_queue``)."""
        if self.queue == "mine" and self.link is not None:
            return replace(flt, assigned_to=self.link.user)
        if self.queue == "disputed":
            return replace(flt, disputes=True)
        return flt

    def _apply_queue(self) -> None:
        w = self.window
        if w.project is None:
            return
        if w.loop.active:  # the queue of cases, walked with J/K and decided as ever
            w.loop.choose_queue("")
        else:
            w.model.set_filter(self.scoped(w.filter_bar.current()))

    # --- a lead's decision ---
    def adjudicate(self) -> None:
        w = self.window
        entry_id = w.current_id()
        if entry_id is None or w.project is None or not self.active:
            return
        runs = w.loop.runs_of(entry_id)  # on a case: every run of it, one decision each
        dialog = AdjudicateDialog(w.project, runs, w)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        verdict, reason = dialog.choice()

        def job(project: Project, cancel: Any) -> Any:
            from chartreview.review import team as rt

            return rt.adjudicate(project, runs, verdict, reason, password=self.password)

        def done(report: Any) -> None:
            self._synced(report)
            w.loop.decided_elsewhere(runs, verdict)
            what = f"Entry {entry_id}" if len(runs) == 1 else f"{len(runs)} runs"
            w.statusBar().showMessage(f"{what}: {verdict}, decided.", 4000)

        self._run(job, done)

    def ask_password(self) -> None:
        if self.link is None:
            return
        text, ok = QInputDialog.getText(
            self.window, "Team server password",
            f"Password for {self.link.user} (kept in memory until you close the window):",
            QLineEdit.EchoMode.Password)
        if ok and text:
            self.password = text
            if self._listener is not None:
                self._listener.stop()
            self._start_listener()
            self.request_sync()

    # --- Qt overrides ---
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False


class AdjudicateDialog(QDialog):
    """The lead's final verdict on one entry or on every run of a case: who judged what,
    the verdict, the reason."""

    def __init__(self, project: Project, entry_ids: list[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Adjudicate")
        judged = local.judgements_of(project, entry_ids)
        layout = QVBoxLayout(self)
        lines = []
        for i, entry_id in enumerate(entry_ids):
            e = queries.entry(project, entry_id) or {}
            if i == 0:
                lines.append(f"<b>{html_text(e.get('title'))} — {html_text(e.get('artist'))}"
                             "</b>" + (f" ({len(entry_ids)} runs, one decision on each)"
                                       if len(entry_ids) > 1 else ""))
            lines.append(f"<i>{html_text(e.get('chart'))}</i>")
            lines += [f"&nbsp;&nbsp;{html_text(j.analyst)}: <b>{html_text(j.verdict)}</b>"
                      + (f" (confidence {j.confidence})" if j.confidence else "")
                      + (f" — {html_text(j.note)}" if j.note else "")
                      for j in judged.get(entry_id, [])]
        if not any(judged.values()):
            lines.append("No analyst has judged this yet.")
        said = QLabel("<br>".join(lines))
        said.setObjectName("judgements")
        said.setTextFormat(Qt.TextFormat.RichText)
        said.setWordWrap(True)
        layout.addWidget(said)
        form = QFormLayout()
        self.verdict = QComboBox()
        for v in ("suspicious", "ai", "human"):
            self.verdict.addItem(v, v)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("Why: kept with the decision and shown in reports")
        form.addRow("Final verdict", self.verdict)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 320)

    def choice(self) -> tuple[str, str]:
        return str(self.verdict.currentData()), self.reason.toPlainText().strip()

    def _accept(self) -> None:
        if not self.reason.toPlainText().strip():
            QMessageBox.information(self, "Adjudicate", "Give the reason for the decision.")
            return
        self.accept()
