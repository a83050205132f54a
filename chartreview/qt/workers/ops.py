"""Background work: a QRunnable that runs a Qt-free long function with progress and cancel.

The function is one of the core's long operations (import, scoring, the demo build) with
the shared signature ``fn(on_progress=..., cancel=...)``. It must open its own project
connection: sqlite3 connections belong to the thread that made them, and the window keeps
reading through its own connection while the worker writes (the project is in WAL mode).
Never touch a widget from ``fn``; results come back through the signals, which Qt queues
to the main thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from chartreview.domain import CancelToken, Progress

# Workers still running, so Python does not collect their signal objects mid-flight
_RUNNING: set[Worker] = set()
PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the UI


class WorkerSignals(QObject):
    """Lives in the main thread; the outcome is re-emitted there, from the event loop.

    The worker thread emits only ``_ended``, which Qt queues to :meth:`_deliver`, so
    ``returned``/``errored``/``finished`` fire on the main thread after the code that
    started the worker has returned and had its chance to connect (no lost signal, even
    for a job that ends at once).
    """

    progressed = Signal(object)  # Progress
    returned = Signal(object)  # whatever fn returned
    errored = Signal(object)  # the exception
    finished = Signal()  # always last, after returned or errored
    _ended = Signal(object, bool)  # (result or exception, failed)

    def __init__(self) -> None:
        super().__init__()
        self._ended.connect(self._deliver)

    def _deliver(self, outcome: object, failed: bool) -> None:
        if failed:
            self.errored.emit(outcome)
        else:
            self.returned.emit(outcome)
        self.finished.emit()


class Worker(QRunnable):
    """Run ``fn(on_progress=..., cancel=...)`` on the global thread pool."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.cancel_token = CancelToken()
        self.signals = WorkerSignals()
        self._last_progress = 0.0

    def _progress(self, p: Progress) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL_S or (p.total and p.done >= p.total):
            self._last_progress = now
            self.signals.progressed.emit(p)

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def start(self) -> Worker:
        _RUNNING.add(self)
        self.signals.finished.connect(lambda: _RUNNING.discard(self))
        QThreadPool.globalInstance().start(self)
        return self

    # --- Qt overrides ---
    def run(self) -> None:
        try:
            result = self.fn(on_progress=self._progress, cancel=self.cancel_token)
        except BaseException as e:  # every failure goes back to the UI, as a signal
            self.signals._ended.emit(e, True)
        else:
            self.signals._ended.emit(result, False)


def run_with_progress(
    parent: QWidget | None, fn: Callable[..., Any], label: str, *,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    delay_ms: int = 400,
) -> Worker:
    """Start ``fn`` in a worker behind a progress dialog with Cancel.

    The dialog appears only after ``delay_ms`` (quick work does not flash a dialog) and
    the window stays responsive meanwhile.
    """
    worker = Worker(fn)
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle("chartreview")
    dialog.setMinimumDuration(10**6)  # shown by our timer, not by Qt's guess
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    dialog.canceled.connect(worker.cancel)
    timer = QTimer(dialog)
    timer.setSingleShot(True)
    timer.timeout.connect(dialog.show)
    timer.start(delay_ms)

    def progressed(p: Progress) -> None:
        if p.total:
            dialog.setMaximum(1000)
            dialog.setValue(int(p.fraction * 1000))
        if p.message:
            dialog.setLabelText(f"{label}\n{p.message}")

    def finished() -> None:
        timer.stop()
        dialog.close()
        dialog.deleteLater()

    worker.signals.progressed.connect(progressed)
    if on_success is not None:
        worker.signals.returned.connect(on_success)
    if on_failure is not None:
        worker.signals.errored.connect(on_failure)
    worker.signals.finished.connect(finished)
    worker.dialog = dialog  # type: ignore[attr-defined]
    return worker.start()
