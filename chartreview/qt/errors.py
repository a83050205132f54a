"""Unexpected errors in the running window: logged to a file and said in the status bar.

A slot that raises does not stop Qt: PySide6 hands the exception to ``sys.excepthook``
and goes on, which printed a traceback to a terminal the analyst never sees. The hook
installed here writes it, with its traceback, to ``paths.log_file()`` and tells the
analyst in the status bar where to find it. (Under pytest, pytest-qt replaces the hook
and fails the test instead.)
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from chartreview import paths
from chartreview.logfile import log, log_to_file, one_line

__all__ = ["ErrorReporter", "log", "log_to_file"]
SHOW_MS = 20_000


class ErrorReporter(QObject):
    """Installed as ``sys.excepthook`` (and ``threading.excepthook``) by the window's main."""

    reported = Signal(str)  # the status bar line; queued to the main thread

    def __init__(self, window: QMainWindow, log_path: Path | None = None) -> None:
        super().__init__(window)
        self.log_path = log_path or paths.log_file()
        self.reported.connect(lambda text: window.statusBar().showMessage(text, SHOW_MS))
        self._previous: tuple[Any, Any] | None = None

    def install(self) -> ErrorReporter:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = lambda a: self.handle(a.exc_type, a.exc_value, a.exc_traceback)
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def handle(self, kind: type[BaseException], value: BaseException | None,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value or kind(), tb)
            return
        log.error("Unexpected error", exc_info=(kind, value, tb))
        sys.__excepthook__(kind, value or kind(), tb)  # and where a terminal shows it
        self.reported.emit(
            f"Something went wrong ({one_line(value or kind())}). What you were doing may "
            f"not have finished; the details are in {self.log_path}.")
