"""EntryTableModel: the ordered entry ids from SQL plus a lazy cache of 200-row pages.

The model never holds the whole table: ``queries.entry_ids`` gives the order (sorting and
filtering run in SQL), and display rows are fetched a page at a time with
``queries.rows_for`` when the view first asks for one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from chartreview.domain import ChangeSet, visible
from chartreview.store import queries
from chartreview.store.db import Project

PAGE = 200
IdRole = Qt.ItemDataRole.UserRole
ScoreRole = Qt.ItemDataRole.UserRole + 1  # the score as a float (for the bar delegate)
RowRole = Qt.ItemDataRole.UserRole + 2  # the whole row dict

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str  # field of the row dict
    title: str
    sort: str  # key of queries.SORTS
    align_right: bool = False
    # The order of a first click on the header: A to Z for words, the most first for the
    # score and the weeks (the best peak, No. 1, is the least)
    first_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder


DESC = Qt.SortOrder.DescendingOrder
# Score and Verdict come right after what names the entry, so a narrow window (where
# Chart, Title and Artist give way first) always shows them
COLUMNS: tuple[Column, ...] = (
    Column("chart", "Chart", "chart"),
    Column("title", "Title", "title"),
    Column("artist", "Artist", "artist"),
    Column("score", "Score", "score", True, DESC),
    Column("verdict", "Verdict", "verdict"),
    Column("top_signal", "Top signal", "top_signal"),
    Column("first_date", "Debut", "debut"),
    Column("peak", "Peak", "peak", True),
    Column("weeks", "Weeks", "weeks", True, DESC),
    Column("analyst", "Analyst", "analyst"),
)
COLUMN_BY_KEY = {c.key: i for i, c in enumerate(COLUMNS)}
VERDICT_TEXT = {"suspicious": "Suspicious", "ai": "AI", "human": "Human",
                "disputed": "Disputed"}  # team review: analysts disagree, no decision yet
# A verdict reads at a glance: its colour (a tint behind the cell, a dot before the word)
VERDICT_COLOR = {"suspicious": "#e15759", "ai": "#b07aa1", "human": "#59a14f",
                 "disputed": "#f28e2b"}


def signal_label(name: str | None) -> str:
    return (name or "").replace("_", " ")


_ICONS: dict[str, QIcon] = {}


def verdict_icon(verdict: str) -> QIcon:
    """A dot in the verdict's colour (drawn once per verdict)."""
    if verdict not in _ICONS:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(VERDICT_COLOR[verdict]))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _ICONS[verdict] = QIcon(pixmap)
    return _ICONS[verdict]


class EntryTableModel(QAbstractTableModel):
    """Rows are entries of the current filter, in the current SQL order."""

    requeried = Signal()  # the id list changed (filter or sort)
    sort_requested = Signal(str, bool)  # cases: a header clicked (sort key, descending)

    def __init__(self, project: Project | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.project = project
        self.filter = queries.EntryFilter()
        self.sort_key = "score"
        self.descending: bool | None = None
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._pages: dict[int, list[dict[str, Any] | None]] = {}
        # Cases (issue 13): the review queue's own order, one row per case (its strongest
        # run), instead of the SQL order of every run; extra says how many runs each has
        self._fixed: list[int] | None = None
        self._extra: dict[int, dict[str, Any]] = {}
        if project is not None:
            self.requery()

    # --- public API ---
    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    def set_project(self, project: Project | None) -> None:
        self.project = project
        self.requery()

    def set_filter(self, flt: queries.EntryFilter) -> None:
        self.filter = flt
        self.requery()

    def set_sort(self, key: str, descending: bool | None = None) -> None:
        if key not in queries.SORTS:
            raise ValueError(f"unknown sort {key!r}")
        self.sort_key, self.descending = key, descending
        self.requery()

    def set_fixed(self, ids: list[int] | None,
                  extra: dict[int, dict[str, Any]] | None = None) -> None:
        """Show these entries in this order (cases), or with None the filter's runs."""
        self._fixed = None if ids is None else list(ids)
        self._extra = extra or {}
        self.requery()

    @property
    def fixed(self) -> bool:
        return self._fixed is not None

    def requery(self) -> None:
        """Fetch the ordered ids again (after a filter, sort or data change)."""
        self.beginResetModel()
        if self.project is None:
            self._ids = []
        elif self._fixed is not None:
            self._ids = list(self._fixed)
        else:
            self._ids = queries.entry_ids(self.project, self.filter, sort=self.sort_key,
                                          descending=self.descending)
        self._row_of = {entry_id: row for row, entry_id in enumerate(self._ids)}
        self._pages.clear()
        self.endResetModel()
        self.requeried.emit()

    def row_of(self, entry_id: int) -> int | None:
        return self._row_of.get(entry_id)

    def entry_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_data(self, row: int) -> dict[str, Any] | None:
        if not 0 <= row < len(self._ids) or self.project is None:
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            ids = self._ids[page_no * PAGE:(page_no + 1) * PAGE]
            rows = queries.rows_for(self.project, ids)
            page = [rows.get(i) for i in ids]
            self._pages[page_no] = page
        return page[row - page_no * PAGE]

    def apply_changes(self, changes: ChangeSet) -> None:
        """Re-read only the rows a change touched (their pages' other rows stay cached)."""
        if changes.data or changes.scores:
            self.requery()
            return
        if self.project is None:
            return
        fresh = queries.rows_for(self.project, sorted(changes.entry_ids))
        for entry_id in changes.entry_ids:
            row = self._row_of.get(entry_id)
            if row is None:
                continue
            page = self._pages.get(row // PAGE)
            if page is not None:
                page[row % PAGE] = fresh.get(entry_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- Qt overrides ---
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section].align_right:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.InitialSortOrderRole:
                return COLUMNS[section].first_order
        elif (orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole
              and 0 <= section < len(self._ids)):
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        row = self.row_data(index.row())
        if row is None:
            return None
        col = COLUMNS[index.column()]
        value = row.get(col.key)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "" if col.key != "verdict" else "—"
            if col.key == "score":
                return f"{value:.0f}"
            if col.key == "verdict":
                return VERDICT_TEXT.get(value, str(value))
            if col.key == "top_signal":
                return signal_label(value)
            runs = self._extra.get(row["entry_id"], {}).get("runs", 1)
            if col.key == "chart" and runs > 1:
                return f"{visible(str(value))} +{runs - 1}"
            return visible(str(value))  # a title's ESC shows as ␛, never acts
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.key in ("score", "top_signal") and row.get("reason"):
                return visible(str(row["reason"]))
            if col.key == "verdict" and row.get("note"):
                return visible(str(row["note"]), keep_newlines=True)
            if col.key == "chart":  # the whole text, as the cell shows it (cases: +N)
                return self.data(index, Qt.ItemDataRole.DisplayRole)
            return None if value is None else visible(str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if col.key == "verdict" and value in VERDICT_COLOR:
            if role == Qt.ItemDataRole.DecorationRole:
                return verdict_icon(value)
            if role == Qt.ItemDataRole.BackgroundRole:
                tint = QColor(VERDICT_COLOR[value])
                tint.setAlpha(45)
                return tint
        if role == IdRole:
            return row["entry_id"]
        if role == ScoreRole:
            return row.get("score")
        if role == RowRole:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS) and self._fixed is not None:
            # cases: the queue takes the order (and walks it), then fills the rows again
            self.sort_key = COLUMNS[column].sort
            self.descending = order == Qt.SortOrder.DescendingOrder
            self.sort_requested.emit(self.sort_key, self.descending)
            return
        if 0 <= column < len(COLUMNS):
            self.set_sort(COLUMNS[column].sort, order == Qt.SortOrder.DescendingOrder)
