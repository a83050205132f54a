"""The review window: filters and entries on the left, the selected entry on the right.

The window owns the open project, the review session (the queue the keys walk is the
filtered table) and every write. Writes return a ``ChangeSet``; :meth:`apply_changes`
refreshes only the rows, panel and counters that it names, and re-emits it on
``changes_applied`` for anything else that listens.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, QRect, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from chartreview import __version__, config
from chartreview.domain import ChangeSet, ChartreviewError, visible
from chartreview.qt.actions import build_actions
from chartreview.qt.models.entry_table import (
    COLUMN_BY_KEY,
    VERDICT_TEXT,
    EntryTableModel,
    ScoreRole,
)
from chartreview.qt.review_loop import ReviewLoop
from chartreview.qt.views.detail_view import DetailView
from chartreview.qt.views.filter_bar import FilterBar
from chartreview.review import audit
from chartreview.review.session import ReviewSession
from chartreview.scoring.cohort import typical_path
from chartreview.store import queries
from chartreview.store.db import Project, open_project

DEFAULT_WIDTHS = {"chart": 160, "title": 150, "artist": 120, "first_date": 84, "peak": 44,
                  "weeks": 52, "score": 58, "top_signal": 110, "verdict": 96, "analyst": 70}
# In a narrow window these give way (elided, the whole text in their tooltip) so that
# Score and Verdict stay in view
ELASTIC = ("chart", "title", "artist")
MIN_ELASTIC = 56
FIRST_SIZE = (1500, 920)  # the first start's size, where the screen has room for it


def entry_name(e: dict[str, Any]) -> str:
    """How messages name an entry: “Title” — Artist (controls shown as visible marks)."""
    return visible(f"“{e['title']}” — {e['artist']}")


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def _unb64(text: str | None) -> QByteArray | None:
    return QByteArray.fromBase64(text.encode("ascii")) if text else None


class ScoreDelegate(QStyledItemDelegate):
    """The score as a bar behind its number, in the palette's highlight colour."""

    # --- Qt overrides ---
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex) -> None:
        score = index.data(ScoreRole)
        if score is not None:
            color = option.palette.color(QPalette.ColorRole.Highlight)
            color.setAlpha(60 + int(1.3 * max(0.0, min(100.0, score))))
            r = option.rect.adjusted(2, 3, -2, -3)
            painter.save()
            painter.fillRect(QRect(r.left(), r.top(), int(r.width() * score / 100), r.height()),
                             color)
            painter.restore()
        super().paint(painter, option, index)


# How far after the debut the cohort band reaches: (weekly, daily) charts
COHORT_HORIZON_DAYS = (7 * 78, 365)
CONTEXT_ROWS = 2  # rows kept in view past the current one (see MainWindow._keep_in_view)

class MainWindow(QMainWindow):
    changes_applied = Signal(object, object)  # ChangeSet, initiator
    project_opened = Signal(object)  # Project

    def __init__(self, settings: config.Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or config.load()
        self.project: Project | None = None
        self.session: ReviewSession | None = None
        self._syncing = False
        self.import_dialog: Any = None
        # (chart, debut band) -> typical path, for the plot's cohort band
        self._cohorts: dict[tuple[int, int, int], Any] = {}
        self.setWindowTitle("chartreview")

        self.model = EntryTableModel(None, self)
        self.model.requeried.connect(self._queue_changed)
        self.table = QTableView()
        self.table.setObjectName("entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        self.table.setItemDelegateForColumn(COLUMN_BY_KEY["score"], ScoreDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        icon_room = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        widths = dict(DEFAULT_WIDTHS, verdict=max(  # "Suspicious" whole, after its dot
            DEFAULT_WIDTHS["verdict"],
            self.table.fontMetrics().horizontalAdvance("Suspicious") + icon_room + 24))
        for key, width in widths.items():
            self.table.setColumnWidth(COLUMN_BY_KEY[key], width)
        # Chart, Title, Artist: the widths the analyst wants, which a narrow window shrinks
        self._wanted = {COLUMN_BY_KEY[k]: widths[k] for k in ELASTIC}
        self._fitting = False
        header.sectionResized.connect(self._column_resized)
        header.setSortIndicator(COLUMN_BY_KEY["score"], Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.viewport().installEventFilter(self)
        self.empty_state = self._build_empty_state()

        self.filter_bar = FilterBar()
        self.filter_bar.filter_changed.connect(self._filter_changed)
        self.detail = DetailView()
        self.detail.verdict_clicked.connect(self.label)
        self.detail.save_clicked.connect(self.save_edits)
        self.detail.artist_clicked.connect(self.artist_view)
        # Escape, Enter and Ctrl+Enter in the text fields hand the keys back to the queue
        for field in (self.filter_bar.search, self.detail.note_edit, self.detail.tags_edit):
            field.installEventFilter(self)
        # The review loop over cases (issue 13): queue bar, temporary queue, plot marks
        self.loop = ReviewLoop(self)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 4, 0, 4)
        lv.addWidget(self.filter_bar)
        lv.addWidget(self.loop.bar)
        lv.addWidget(self.loop.temp, 1)
        lv.addWidget(self.table, 2)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.setSpacing(0)
        rv.addWidget(self.loop.case_line)
        rv.addWidget(self.detail, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.setCentralWidget(self.splitter)

        self.project_label = QLabel("No project")
        self.count_label = QLabel("")
        self.reviewed_label = QLabel("")
        for w in (self.project_label, self.count_label, self.reviewed_label):
            self.statusBar().addPermanentWidget(w)
        self._build_menus()
        # --- team review hook (chartreview/qt/team.py): status, queues, live sync ---
        from chartreview.qt.team import TeamController
        self.team = TeamController(self)
        # --- end of team review hook ---
        self._restore_state()
        self.detail.show_entry(None, [], [], [], [])

    # --- building ---
    def _build_menus(self) -> None:
        loop = self.loop
        self.review_actions = build_actions(self, {
            "next": self.next_entry, "previous": self.previous_entry,
            "suspicious": lambda: self.label("suspicious"), "ai": lambda: self.label("ai"),
            "human": lambda: self.label("human"), "undo": self.undo,
            "note": self.focus_note, "search": self.focus_search, "artist": self.artist_view,
            "defer": loop.defer, "more_like_this": loop.more_like_this, "back": self.back,
            "week_earlier": lambda: loop.week(-1), "week_later": lambda: loop.week(1),
            "campaign_start": loop.campaign_start, "campaign_end": loop.campaign_end,
            "campaign_clear": loop.campaign_clear, "watch": loop.toggle_watch,
            "chart_week": loop.open_week, "toggle_runs": loop.toggle_runs,
            "save_queue": loop.save_queue, "choose_queue": loop.ask_queue,
            "summary": loop.show_summary,
        }, self.settings.keymap)
        a = self.review_actions
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = file_menu.addAction("&Open project…", self.choose_project)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("&Recent projects")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        self.import_action = file_menu.addAction("&Import files…", self.show_import)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.export_action = file_menu.addAction("&Export report…", self.show_export)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        view = self.menuBar().addMenu("&View")
        view.addAction(a["search"])
        view.addAction(a["artist"])
        view.addAction("&Clear filters", self.filter_bar.clear)
        refresh = view.addAction("&Refresh", self.refresh)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)

        review = self.menuBar().addMenu("&Review")
        for name in ("next", "previous"):
            review.addAction(a[name])
        review.addSeparator()
        for name in ("suspicious", "ai", "human"):
            review.addAction(a[name])
        review.addAction(a["undo"])
        review.addAction(a["defer"])
        review.addAction(a["note"])
        review.addSeparator()
        for name in ("watch", "week_earlier", "week_later", "campaign_start", "campaign_end",
                     "campaign_clear", "chart_week"):
            review.addAction(a[name])
        review.addSeparator()
        for name in ("more_like_this", "back"):
            view.addAction(a[name])
        view.addAction(a["toggle_runs"])
        queue_menu = self.menuBar().addMenu("&Queue")
        for name in ("choose_queue", "save_queue", "summary"):
            queue_menu.addAction(a[name])
        review.addAction("&Save note and tags", self.save_edits).setShortcut(
            QKeySequence("Ctrl+S"))
        review.addSeparator()
        self.auto_advance_action = QAction("&Auto-advance after a verdict", self)
        self.auto_advance_action.setCheckable(True)
        self.auto_advance_action.setChecked(self.settings.auto_advance)
        self.auto_advance_action.toggled.connect(self._set_auto_advance)
        review.addAction(self.auto_advance_action)
        review.addAction("Analyst &name…", lambda: self.ask_analyst(force=True))

        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&Keyboard shortcuts", self.show_shortcuts)
        help_menu.addAction("&About chartreview", self.show_about)

        bar = self.addToolBar("Main")
        bar.setObjectName("main_toolbar")
        bar.addAction(self.open_action)
        bar.addAction(self.import_action)
        bar.addAction(self.export_action)
        bar.addSeparator()
        for name in ("previous", "next", "suspicious", "ai", "human", "undo"):
            bar.addAction(a[name])

    def _restore_state(self) -> None:
        w = self.settings.window
        if (geometry := _unb64(w.get("geometry"))) is None or not self.restoreGeometry(geometry):
            self._first_geometry()
        self._keep_on_screen()
        if (state := _unb64(w.get("state"))) is not None:
            self.restoreState(state)
        if (split := _unb64(w.get("main_splitter"))) is not None:
            self.splitter.restoreState(split)
        else:
            self.splitter.setSizes([860, 640])
        if (split := _unb64(w.get("detail_splitter"))) is not None:
            self.detail.splitter.restoreState(split)
        else:
            self.detail.splitter.setSizes([430, 240, 170])
        if (columns := _unb64(w.get("columns"))) is not None:
            header = self.table.horizontalHeader()
            self._fitting = True  # the analyst's widths, not a fit to this window
            header.restoreState(columns)
            self._fitting = False
            self._wanted = {c: header.sectionSize(c) for c in self._wanted}

    def _first_geometry(self) -> None:
        """The first start: a roomy window where the screen has room, centred on it."""
        screen = self.screen() or QApplication.primaryScreen()
        room = screen.availableGeometry()
        # the frame (title bar, borders) is not known before the window is shown
        width = min(FIRST_SIZE[0], room.width() - 16)
        height = min(FIRST_SIZE[1], room.height() - 48)
        self.resize(max(width, self.minimumSizeHint().width()),
                    max(height, self.minimumSizeHint().height()))
        self.move(room.x() + (room.width() - self.width()) // 2,
                  room.y() + max(0, (room.height() - self.height() - 32) // 2))

    def _keep_on_screen(self) -> None:
        """Pull a window restored onto a screen that is gone (or smaller) back onto one."""
        screen = QApplication.screenAt(self.geometry().center()) or self.screen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if room.contains(self.geometry()):
            return
        self.resize(min(self.width(), room.width() - 16), min(self.height(), room.height() - 48))
        x = min(max(self.x(), room.x()), room.right() - self.width())
        y = min(max(self.y(), room.y()), room.bottom() - self.height() - 32)
        self.move(max(x, room.x()), max(y, room.y()))

    def save_state(self) -> None:
        self.settings.window = {
            "geometry": _b64(self.saveGeometry()), "state": _b64(self.saveState()),
            "main_splitter": _b64(self.splitter.saveState()),
            "detail_splitter": _b64(self.detail.splitter.saveState()),
            "columns": _b64(self.table.horizontalHeader().saveState()),
        }
        self.settings.auto_advance = self.auto_advance_action.isChecked()
        config.save(self.settings)

    # --- projects ---
    def open_path(self, path: str | Path) -> bool:
        """Open a project file; a file that is not one is refused with a message."""
        try:
            project = open_project(Path(path))
        except ChartreviewError as e:
            QMessageBox.critical(self, "Cannot open project", str(e))
            self.back_to_queue()
            return False
        self.set_project(project)
        self.back_to_queue()
        return True

    def set_project(self, project: Project) -> None:
        self._cohorts.clear()
        self.save_edits()
        if self.project is not None:
            self.project.close()
        self.project = project
        self.settings.remember_project(project.path)
        config.save(self.settings)
        self.session = ReviewSession(project, [], analyst=self.settings.analyst,
                                     auto_advance=self.auto_advance_action.isChecked())
        self.setWindowTitle(f"{project.name} – chartreview")
        self.project_label.setText(f"Project: {project.name}")
        self.project_label.setToolTip(str(project.path))
        self.filter_bar.set_charts(queries.charts(project))
        self.model.filter = self.filter_bar.current()
        if self.loop.active:  # the loop fills the table with its cases
            self.model.project = project
            self.loop.start(project)
        else:
            self.model.set_project(project)
        self._update_counts()
        self.project_opened.emit(project)
        # What is loaded by now (modules, widgets, the project's caches) lives as long as
        # the window: kept out of the cycle collector's full passes, which went through
        # all of it, 50 ms (a J's time) once every 60 cases or so. Collected first, so that
        # no garbage is kept (a previous project's)
        gc.collect()
        gc.freeze()

    def choose_project(self) -> None:
        start = str(Path(self.settings.last_project).parent) if self.settings.last_project else ""
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", start, "chartreview projects (*.sqlite *.db);;All files (*)")
        if path:
            self.open_path(path)
        self.back_to_queue()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for p in self.settings.recent_projects:
            action = self.recent_menu.addAction(p, lambda p=p: self.open_path(p))
            action.setEnabled(Path(p).exists())
        if not self.settings.recent_projects:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def refresh(self) -> None:
        self._cohorts.clear()  # new data: the typical paths change
        if self.project is not None:
            self.filter_bar.set_charts(queries.charts(self.project))
            self.model.requery()
            self.loop.reload()
            self._update_counts()

    # --- the queue and the selected entry ---
    def current_id(self) -> int | None:
        return self.detail.entry["entry_id"] if self.detail.entry else None

    def _filter_changed(self, flt: queries.EntryFilter) -> None:
        flt = self.team.scoped(flt)  # a team's queue narrows the runs too
        if self.loop.active:
            self.model.filter = flt
            self.loop.queue_name = ""  # the filter bar's queue from now on
            self.loop.bar.set_queues(self.loop.bar_names(), "")
            self.loop.reload()
        else:
            self.model.set_filter(flt)

    def _queue_changed(self) -> None:
        if self.project is None:
            return
        if self.session is None or self.loop.active:
            self._update_counts()
            self._update_empty_state()
            return
        keep = self.current_id()
        self.session.set_queue(self.model.ids, keep=keep)
        self._update_counts()
        self._update_empty_state()
        if self.session.current is None:
            self.save_edits()
            self._show(None)
        else:
            self.select(self.session.current)

    def select(self, entry_id: int | None) -> None:
        """Make ``entry_id`` the table's current row (which shows it in the panel)."""
        row = self.model.row_of(entry_id) if entry_id is not None else None
        if row is None:
            return
        index = self.model.index(row, 0)
        if self.table.currentIndex().row() != row or self.current_id() != entry_id:
            self.table.setCurrentIndex(index)
        # after a sort or a filter the row moved: keep it in view, even when it already
        # was the current row (the view stayed where the old order had it)
        self._keep_in_view(row)

    def _keep_in_view(self, row: int) -> None:
        """Keep ``row`` in view with ``CONTEXT_ROWS`` rows beyond it on either side.

        Walking down the queue, a row that comes within that many rows of the bottom
        edge moves near the top, so the cases that come next are in view (and walking up,
        near the bottom). The table moves once a screenful instead of a row each case:
        a move of one row repainted the scroll bar and a row, 4-5 ms of every J.
        """
        t = self.table
        n = self.model.rowCount()
        height = t.viewport().height()
        top = max(t.rowAt(0), 0)
        bottom = t.rowAt(height - 1)
        bottom = n - 1 if bottom < 0 else bottom
        if bottom > top and t.rowViewportPosition(bottom) + t.rowHeight(bottom) > height:
            bottom -= 1  # partly shown: not in view
        span = bottom - top
        if span < 2 * CONTEXT_ROWS + 2:  # too few rows for a margin: just in view
            t.scrollTo(self.model.index(row, 0))
            return
        lo = top + CONTEXT_ROWS if top > 0 else 0
        hi = bottom - CONTEXT_ROWS if bottom < n - 1 else n - 1
        if lo <= row <= hi:
            return
        first = row - CONTEXT_ROWS if row > hi else row + CONTEXT_ROWS - span
        t.scrollTo(self.model.index(max(0, min(first, n - 1)), 0),
                   QAbstractItemView.ScrollHint.PositionAtTop)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry_id = self.model.entry_id(current.row()) if current.isValid() else None
        if entry_id is None or entry_id == self.current_id():
            return
        self.save_edits()  # leaving an entry saves its note and tags
        if self.loop.active:
            if not self.loop.selecting:
                self.loop.go_entry(entry_id)
            return
        if self.session is not None:
            self.session.go(entry_id)
        self._show(entry_id)

    def _show(self, entry_id: int | None) -> None:
        if entry_id is None or self.project is None:
            self.detail.show_entry(None, [], [], [], [])
            return
        p = self.project
        e = queries.entry(p, entry_id)
        if e is None:
            self.detail.show_entry(None, [], [], [], [])
            return
        self.detail.show_entry(e, queries.positions(p, entry_id),
                               queries.track_positions(p, e["track_id"]),
                               queries.signals(p, entry_id), queries.events(p, entry_id),
                               self._cohort(e))

    def _cohort(self, e: dict[str, Any]) -> tuple[Any, int, str] | None:
        """The typical path of entries that debuted near this one on its chart.

        The same for every entry of a chart's tenth, so it is kept until the data changes.
        """
        assert self.project is not None
        key = queries.cohort_of(self.project, e["entry_id"])
        if key is None:
            return None
        if key not in self._cohorts:
            period = 1 if e.get("frequency") == "daily" else 7
            horizon = COHORT_HORIZON_DAYS[e.get("frequency") == "daily"]
            rows = queries.cohort_positions(self.project, *key, max_days=horizon)
            path = typical_path(rows, period)
            n = len({r[0] for r in rows})
            self._cohorts[key] = (None if len(path) < 2 else
                                  (path, period, f"Typical path: {n} debuts at No. "
                                                 f"{key[1]}-{key[2]}"))
        return self._cohorts[key]
    def show_nothing(self) -> None:
        self.detail.show_entry(None, [], [], [], [])
        self.loop.case_line.setText("")

    def next_entry(self) -> None:
        if self.loop.active:
            self.loop.next()
        elif self.session is not None:
            self.select(self.session.next())

    def previous_entry(self) -> None:
        if self.loop.active:
            self.loop.previous()
        elif self.session is not None:
            self.select(self.session.previous())

    # --- writes ---
    def ask_analyst(self, *, force: bool = False) -> str:
        """The analyst's name, asked once and kept in the settings."""
        if self.settings.analyst and not force:
            return self.settings.analyst
        name, ok = QInputDialog.getText(
            self, "Who is reviewing?", "Your name, recorded with every verdict and note:",
            text=self.settings.analyst)
        self.back_to_queue()
        if ok and name.strip():
            self.settings.analyst = name.strip()
            config.save(self.settings)
            if self.session is not None:
                self.session.analyst = self.settings.analyst
        return self.settings.analyst

    def label(self, verdict: str) -> None:
        if self.loop.active:
            self.loop.decide(verdict)
            return
        session = self.session
        if session is None or session.current is None or not self.ask_analyst():
            return
        if session.state != "ready":
            return  # a write is under way (key repeat, double click)
        if self.current_id() != session.current:
            session.go(self.current_id() or session.current)
        self.save_edits()
        labelled = session.current
        started = time.perf_counter()
        try:
            changes = session.label(verdict)
        except ChartreviewError as e:
            QMessageBox.warning(self, "Verdict not recorded", str(e))
            self.back_to_queue()
            return
        if changes is None:
            return
        ms = (time.perf_counter() - started) * 1000
        self.statusBar().showMessage(
            f"{VERDICT_TEXT.get(verdict, verdict)}: {self._name(labelled)} — saved "
            f"({ms:.0f} ms)", 4000)
        self.apply_changes(changes, initiator=self)
        if session.current != labelled:
            self.select(session.current)

    def undo(self) -> None:
        if self.project is None or not self.ask_analyst():
            return
        if self.loop.active and self.loop.undo():
            return
        try:
            changes = self.session.undo() if self.session is not None else None
            if changes is None:
                done = audit.undo_last(self.project, analyst=self.settings.analyst)
                changes = done[1] if done else None
        except ChartreviewError as e:
            QMessageBox.warning(self, "Nothing undone", str(e))
            self.back_to_queue()
            return
        if changes is None:
            self.statusBar().showMessage("Nothing left to undo.", 4000)
            return
        self.apply_changes(changes, initiator=self)
        target = next(iter(changes.entry_ids), None)
        if target is not None:
            self.statusBar().showMessage(
                f"Undone on {self._name(target)}: {self._undone_what(target)}.", 4000)
            self.select(target)
            if target == self.current_id():
                self._show(target)

    def save_edits(self) -> bool:
        """Store the shown entry's note, tags and confidence if they changed."""
        d = self.detail
        if self.project is None or d.entry is None or not (d.note_changed() or d.tags_changed()):
            return False
        if not self.ask_analyst():
            return False
        entry_id = d.entry["entry_id"]
        runs = self.loop.runs_of(entry_id)  # a note on a case is on every run of it
        ids: list[int] = []
        try:
            if d.note_changed():
                ids.append(audit.set_note(self.project, runs, d.note_text(),
                                          analyst=self.settings.analyst)[0])
            if d.tags_changed():
                ids.append(audit.set_tags(self.project, runs, d.tags(),
                                          analyst=self.settings.analyst,
                                          confidence=d.confidence_value())[0])
        except ChartreviewError as e:
            QMessageBox.warning(self, "Not saved", str(e))
            self.back_to_queue()
            return False
        if self.loop.active and self.loop.session is not None:
            self.loop.session.undo_stack.extend((i, self.loop.session.current.group_id)
                                                for i in ids if self.loop.session.current)
        elif self.session is not None:
            self.session.undo_stack.extend(ids)
        what = " and ".join(w for w, changed in (("Note", d.note_changed()),
                                                 ("tags", d.tags_changed())) if changed)
        # Only now, with the commit returned, say so
        changes = ChangeSet(notes=True, verdicts=True, entry_ids=frozenset(runs))
        self.apply_changes(changes, initiator=self)
        self.detail.set_saved(f"Saved {time.strftime('%H:%M:%S')}")
        self.statusBar().showMessage(
            f"{what[0].upper()}{what[1:]} saved on {self._name(entry_id)}.", 6000)
        return True

    def apply_changes(self, changes: ChangeSet, initiator: object = None) -> None:
        self.model.apply_changes(changes)
        current = self.current_id()
        if self.loop.active:
            if current is not None and (set(self.loop.runs_of(current)) & changes.entry_ids
                                        or changes.data or changes.scores):
                self.loop.refresh_shown()
        elif current is not None and (current in changes.entry_ids or changes.data
                                      or changes.scores):
            self._show(current)
        if changes.data:
            self.filter_bar.set_charts(queries.charts(self.project)) if self.project else None
        self._update_counts()
        self.changes_applied.emit(changes, initiator)

    def _set_auto_advance(self, on: bool) -> None:
        self.settings.auto_advance = on
        if self.session is not None:
            self.session.auto_advance = on
        if self.loop.session is not None:
            self.loop.session.auto_advance = on

    # --- messages ---
    def _name(self, entry_id: int) -> str:
        """“Title” — Artist of an entry, for the status bar (never its internal id)."""
        e = queries.entry(self.project, entry_id) if self.project is not None else None
        return entry_name(e) if e else "an entry no longer in the project"

    def _undone_what(self, entry_id: int) -> str:
        """What the latest undo on an entry took back, in words."""
        assert self.project is not None
        events = {ev["event_id"]: ev for ev in queries.events(self.project, entry_id)}
        last = events[max(events)] if events else None
        ev = events.get(last["undoes"]) if last and last["kind"] == "undo" else None
        if ev is None:
            return "the last change"
        if ev["kind"] == "verdict":
            return f"verdict {VERDICT_TEXT.get(ev['verdict'], ev['verdict'])}"
        if ev["kind"] == "undo":
            return "an undo (the change is back)"
        return "the note" if ev["kind"] == "note" else "the tags and confidence"

    # --- focus and views ---
    def back_to_queue(self) -> None:
        """Give the keys back to the queue (after a dialog, or leaving a text field)."""
        self.activateWindow()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def back(self) -> None:
        """Escape: out of a text field first, then out of a temporary queue."""
        focus = QApplication.focusWidget()
        if focus in (self.filter_bar.search, self.detail.note_edit, self.detail.tags_edit):
            self.back_to_queue()
            return
        self.loop.back()

    def focus_note(self) -> None:
        self.detail.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.detail.note_edit.moveCursor(QTextCursor.MoveOperation.End)

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def artist_view(self) -> None:
        if self.loop.active:
            self.loop.act()
            return
        e = self.detail.entry
        if e is None:
            return
        self.filter_bar.set_artist(e["artist_id"], e["lead_artist"])

    def _update_counts(self) -> None:
        if self.project is None:
            self.count_label.setText("")
            self.reviewed_label.setText("")
            return
        s = queries.summary(self.project)
        shown = self.model.rowCount()
        if self.loop.active:  # one row per case: a song on every chart
            self.count_label.setText(f"{shown:,} cases ({s['entries']:,} entries)")
        else:
            self.count_label.setText(f"{shown:,} of {s['entries']:,} entries"
                                     if shown != s["entries"] else f"{s['entries']:,} entries")
        self.reviewed_label.setText(f"{s['reviewed']:,} reviewed")

    # --- the table's columns and its empty state ---
    def _column_resized(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column in self._wanted:
            self._wanted[column] = new  # the analyst dragged it: that is the width wanted

    def fit_columns(self) -> None:
        """Keep Score and Verdict in view: Chart, Title and Artist give way first.

        They shrink (elided; their tooltips hold the whole text) to what is left once the
        other columns up to Verdict have their width, never below ``MIN_ELASTIC``, and grow
        back to the widths wanted when there is room again.
        """
        header = self.table.horizontalHeader()
        keep = [COLUMN_BY_KEY["score"], COLUMN_BY_KEY["verdict"]]
        last = max(header.visualIndex(c) for c in keep)
        shown = [c for c in map(header.logicalIndex, range(last + 1))
                 if not header.isSectionHidden(c)]
        elastic = [c for c in shown if c in self._wanted]
        room = self.table.viewport().width() - sum(
            header.sectionSize(c) for c in shown if c not in self._wanted)
        wanted = [self._wanted[c] for c in elastic]
        if sum(wanted) > room:
            scale = max(room, 0) / max(sum(wanted), 1)
            wanted = [max(MIN_ELASTIC, int(w * scale)) for w in wanted]
        self._fitting = True
        try:
            for c, w in zip(elastic, wanted, strict=True):
                if header.sectionSize(c) != w:
                    header.resizeSection(c, w)
        finally:
            self._fitting = False

    def _build_empty_state(self) -> QWidget:
        """What the table shows when it has no rows: why, and the way out."""
        box = QWidget(self.table.viewport())
        box.setObjectName("empty_state")
        layout = QVBoxLayout(box)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_button = QPushButton()
        self.empty_button.clicked.connect(self._empty_action)
        layout.addWidget(self.empty_label, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignCenter)
        box.setVisible(False)
        return box

    def _filtered(self) -> bool:
        return self.filter_bar.current() != queries.EntryFilter()

    def _update_empty_state(self) -> None:
        empty = self.project is not None and self.model.rowCount() == 0
        if empty:
            if self._filtered():
                self.empty_label.setText("No entries match —")
                self.empty_button.setText("Clear filters")
            else:
                self.empty_label.setText("No entries yet —")
                self.empty_button.setText("Import files…")
            self._place_empty_state()
        self.empty_state.setVisible(empty)

    def _place_empty_state(self) -> None:
        box, area = self.empty_state, self.table.viewport().rect()
        box.adjustSize()
        box.move(area.center().x() - box.width() // 2, max(0, area.height() // 3))

    def _empty_action(self) -> None:
        if self._filtered():
            self.filter_bar.clear()
            self.back_to_queue()
        else:
            self.show_import()

    # --- dialogs ---
    def show_import(self) -> None:
        if self.project is None:
            QMessageBox.information(self, "No project", "Open or create a project first.")
            return
        from chartreview.qt.views.import_dialog import ImportDialog

        self.import_dialog = ImportDialog(self.project.path, self)
        self.import_dialog.import_started.connect(self._import_started)
        self.import_dialog.imported.connect(self._imported)
        self.import_dialog.finished.connect(self.back_to_queue)
        self.import_dialog.show()
        # the keys typed next are the dialog's (a mapping's "W" is not the window's Watch):
        # active now, not after the platform's next turn of the event loop
        self.import_dialog.activateWindow()
        QApplication.processEvents()

    def _import_started(self, _worker: object) -> None:
        self._entries_before = queries.last_entry_id(self.project) if self.project else 0

    def _imported(self, changes: ChangeSet) -> None:
        """Refresh after an import; stay on the entry shown, else show the first new one,
        and say which in the status bar."""
        was = self.current_id()
        before = getattr(self, "_entries_before", 0)
        if self.loop.active:  # cases: the queue is read again, watched cases come back
            self.loop.after_import(before)
            return
        self.apply_changes(changes, initiator=self.import_dialog)
        new = [i for i in self.model.ids if i > before]
        done = f"Imported: {len(new):,} new entries"
        if was is not None and self.current_id() == was and self.model.row_of(was) is not None:
            self.select(was)
            self.statusBar().showMessage(f"{done}; still on {self._name(was)}.", 8000)
        elif new:
            self.select(new[0])
            self.statusBar().showMessage(
                f"{done}; showing the first new one, {self._name(new[0])}.", 8000)
        else:
            self.statusBar().showMessage(f"{done}.", 8000)

    def show_export(self) -> None:
        if self.project is None:
            return
        from chartreview.qt.views.export_dialog import ExportDialog

        ExportDialog(self.project.path, self).exec()
        self.back_to_queue()

    def show_shortcuts(self) -> None:
        """Show and change the review keys (saved in the settings, applied at once)."""
        from chartreview.qt.views.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.settings, self.review_actions, self).exec()
        self.back_to_queue()

    def show_about(self) -> None:
        QMessageBox.about(self, "About chartreview",
                          f"chartreview {__version__}<br>Review music charts for bought, "
                          "botted and machine-made entries. All data stays on this computer.")
        self.back_to_queue()

    # --- Qt overrides ---
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and watched in (
                    self.filter_bar.search, self.detail.note_edit, self.detail.tags_edit)):
            event.accept()  # Escape is the field's (leave it), not the window's (back)
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._field_key(watched, event)
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self.fit_columns()
            if self.empty_state.isVisible():
                self._place_empty_state()
        return super().eventFilter(watched, event)

    def _field_key(self, field: QObject, event: QKeyEvent) -> bool:
        """Escape, Enter and Ctrl+Enter in the search, note and tags fields.

        Search: Escape clears it, Enter applies it; both give the keys back to the queue.
        Note: Escape leaves it with what was typed (marked unsaved), Ctrl+Enter saves it
        and leaves; a plain Enter is a new line. Tags: Enter saves, Escape leaves.
        """
        key, mods = event.key(), event.modifiers()
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if field is self.filter_bar.search:
            if key == Qt.Key.Key_Escape:
                self.filter_bar.search.clear()
                self.filter_bar.emit_filter()
            elif enter:
                self.filter_bar.emit_filter()
            else:
                return False
        elif field is self.detail.note_edit:
            if enter and ctrl:
                self.save_edits()
            elif key != Qt.Key.Key_Escape:
                return False
        elif field is self.detail.tags_edit:
            if enter:
                self.save_edits()
            elif key != Qt.Key.Key_Escape:
                return False
        else:
            return False
        self.back_to_queue()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_edits()
        self.save_state()
        if self.project is not None:
            self.project.close()
            self.project = None
        super().closeEvent(event)

