"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a method that
returns nothing, until the interpreter dies in none_dealloc. We pin <6.12; this catches a
release that repeats it."""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui


def test_none_returning_calls_keep_none_alive(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    label.setText("warm up")
    before = sys.getrefcount(None)
    for i in range(1000):
        label.setText(str(i))
    after = sys.getrefcount(None)
    assert after >= before, f"None lost {before - after} references in 1000 calls"
    assert label.text() == "999"
