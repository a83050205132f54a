"""The log file: where an unexpected error's details go, so the user sees one sentence.

One ``chartreview`` logger with one rotating file handler (a few MB at most) serves the
CLI (``cli.friendly``) and the window (``qt.errors``). No Qt here.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from chartreview import __version__, paths
from chartreview.domain import visible

log = logging.getLogger("chartreview")
MAX_BYTES = 1_000_000
BACKUPS = 3


_handler: RotatingFileHandler | None = None


def log_to_file(path: Path | None = None) -> RotatingFileHandler:
    """Send the ``chartreview`` logger's records to the log file: one file at a time
    (a different path, as when ``CHARTREVIEW_HOME`` changes, replaces the previous)."""
    global _handler
    path = Path(path or paths.log_file()).resolve()
    if _handler is not None:
        if Path(_handler.baseFilename) == path:
            return _handler
        log.removeHandler(_handler)
        _handler.close()
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8", errors="backslashreplace")
    _handler = handler
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)
    return handler


def log_exception(exc: BaseException, context: str = "") -> Path | None:
    """Write ``exc`` with its traceback to the log file; None if it cannot be written."""
    try:
        handler = log_to_file()
        log.error("chartreview %s: unexpected error %s", __version__, context,
                  exc_info=(type(exc), exc, exc.__traceback__))
        handler.flush()
        return Path(handler.baseFilename)
    except OSError:
        return None


def one_line(exc: BaseException) -> str:
    """What went wrong in a line: the exception's type and first line, control
    characters shown as visible marks (a message may quote a file's bytes)."""
    shown = visible((str(exc).splitlines() or [""])[0][:300])
    return f"{type(exc).__name__}: {shown}" if shown else type(exc).__name__
