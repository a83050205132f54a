"""Settings > Keyboard shortcuts: every review key, editable, saved in the settings."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QKeySequenceEdit,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from chartreview import config
from chartreview.review.keymap import DEFAULT_KEYMAP, keymap


class ShortcutsDialog(QDialog):
    """One row per review action: what it does, its main key (editable) and the others.

    The main key is the first of an action's keys; fixed alternatives (the arrow keys
    beside J/K, Ctrl+Z beside Backspace) stay as they are.
    """

    def __init__(self, settings: config.Settings, actions: dict[str, QAction],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.settings = settings
        self.actions = actions
        self.table = QTableWidget(len(DEFAULT_KEYMAP), 4, self)
        self.table.setHorizontalHeaderLabels(["Action", "What it does", "Key", "Also"])
        self.table.verticalHeader().setVisible(False)
        self.edits: dict[str, QKeySequenceEdit] = {}
        current = keymap(settings.keymap)
        for row, default in enumerate(DEFAULT_KEYMAP):
            self.table.setItem(row, 0, QTableWidgetItem(default.name))
            self.table.setItem(row, 1, QTableWidgetItem(default.description))
            edit = QKeySequenceEdit(QKeySequence(current[default.name].keys[0]))
            edit.setMaximumSequenceLength(1)  # one key, not a chord
            self.table.setCellWidget(row, 2, edit)
            self.table.setItem(row, 3, QTableWidgetItem(", ".join(default.keys[1:])))
            self.edits[default.name] = edit
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults)
        self.problem = QLabel("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def restore_defaults(self) -> None:
        for spec in DEFAULT_KEYMAP:
            self.edits[spec.name].setKeySequence(QKeySequence(spec.keys[0]))

    def chosen(self) -> dict[str, list[str]]:
        """Every action's keys as edited: the main key, then the fixed alternatives."""
        out = {}
        for spec in DEFAULT_KEYMAP:
            main = self.edits[spec.name].keySequence().toString()
            out[spec.name] = [k for k in [main, *spec.keys[1:]] if k]
        return out

    def overrides(self) -> dict[str, str]:
        """The keys that differ from the defaults, as the settings store them."""
        return {spec.name: ", ".join(keys) for spec in DEFAULT_KEYMAP
                if (keys := self.chosen()[spec.name]) != list(spec.keys)}

    # --- Qt overrides ---
    def accept(self) -> None:
        taken: dict[str, str] = {}
        for name, keys in self.chosen().items():
            if not keys:
                self.problem.setText(f"{name} needs a key.")
                return
            for key in keys:
                if key in taken:
                    self.problem.setText(f"{key} is used by both {taken[key]} and {name}.")
                    return
                taken[key] = name
        self.settings.keymap = self.overrides()
        config.save(self.settings)
        for name, spec in keymap(self.settings.keymap).items():
            if name in self.actions:
                self.actions[name].setShortcuts([QKeySequence(k) for k in spec.keys])
        super().accept()
