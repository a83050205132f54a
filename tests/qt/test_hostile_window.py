"""The window shows a title's control characters as visible marks (issue 16).

A title holding an ANSI escape and a right-to-left override, as a scraper's file can
carry, is stored exactly; the table, the panel's header, the status bar and the history
show ␛ and [U+202E] instead of letting them act.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from chartreview.qt.models.entry_table import COLUMN_BY_KEY

pytestmark = pytest.mark.gui

HOSTILE = "Red\x1b[31m Song \u202egnos"


def test_controls_in_a_title_are_shown_not_obeyed(qtbot, window) -> None:
    from chartreview.store import queries

    entry = window.model.entry_id(2)
    track = queries.entry(window.project, entry)["track_id"]
    # as an import of a scraped file leaves it: stored exactly
    window.project.conn.execute("UPDATE tracks SET title = ? WHERE id = ?", (HOSTILE, track))
    window.model.requery()
    row = window.model.row_of(entry)
    shown = window.model.data(window.model.index(row, COLUMN_BY_KEY["title"]))
    assert shown == "Red␛[31m Song [U+202E]gnos"
    index = window.model.index(row, COLUMN_BY_KEY["title"])
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.table.visualRect(index).center())
    header = window.detail.header.text()
    assert "Red␛[31m Song [U+202E]gnos" in header
    assert "\x1b" not in header and "\u202e" not in header
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    message = window.statusBar().currentMessage()
    assert "Red␛[31m Song [U+202E]gnos" in message and "\x1b" not in message
    assert queries.entry(window.project, entry)["title"] == HOSTILE
