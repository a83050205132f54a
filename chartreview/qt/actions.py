"""QActions built from the review keymap, so the keys show in the menus and can be changed.

Verdict, undo and focus keys do not auto-repeat: holding S labels one entry, not a run of
them. The review session's ``saving`` state is the second guard (a key arriving while a
write is under way is ignored).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from chartreview.review.keymap import KeyAction, keymap

REPEATING = {"next", "previous", "week_earlier", "week_later"}  # walking may repeat
MENU_TEXT = {
    "next": "&Next case", "previous": "&Previous case", "suspicious": "Mark &suspicious",
    "ai": "Mark &AI act", "human": "Mark &human", "undo": "&Undo last change",
    "note": "Write a &note", "search": "&Search", "artist": "&Act as one case",
    "defer": "&Defer to the end", "more_like_this": "&More like this",
    "back": "&Back to the queue", "week_earlier": "Week cursor &back",
    "week_later": "Week cursor &on", "campaign_start": "Campaign &began this week",
    "campaign_end": "Campaign &ended this week", "campaign_clear": "&Clear the campaign",
    "watch": "&Watch this case", "chart_week": "&Open the chart week",
    "toggle_runs": "&Runs instead of cases", "save_queue": "&Save the queue…",
    "choose_queue": "&Open a queue…", "summary": "Queue &summary",
}


def build_actions(parent: QWidget, handlers: dict[str, Callable[[], object]],
                  overrides: dict[str, str] | None = None) -> dict[str, QAction]:
    """One QAction per keymap entry that has a handler, added to ``parent``."""
    actions: dict[str, QAction] = {}
    for name, spec in keymap(overrides).items():
        handler = handlers.get(name)
        if handler is None:
            continue
        actions[name] = make_action(parent, spec, handler)
    return actions


def make_action(parent: QWidget, spec: KeyAction, handler: Callable[[], object]) -> QAction:
    action = QAction(MENU_TEXT.get(spec.name, spec.description), parent)
    action.setObjectName(f"action_{spec.name}")
    action.setShortcuts([QKeySequence(k) for k in spec.keys])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setAutoRepeat(spec.name in REPEATING)
    action.setToolTip(f"{spec.description} ({', '.join(spec.keys)})")
    action.setStatusTip(spec.description)
    action.triggered.connect(lambda _checked=False: handler())
    parent.addAction(action)  # active even when the menu bar is hidden
    return action
