"""The log file: where an unexpected error's details go, so the user sees one sentence.

No Qt and no logging configuration of the application's libraries: one function appends
a dated traceback to :func:`chartreview.paths.log_file` (kept under :data:`MAX_BYTES`
by moving the old file aside) and returns where it went.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from chartreview import __version__, paths
from chartreview.domain import visible

MAX_BYTES = 2 << 20


def log_exception(exc: BaseException, context: str = "") -> Path | None:
    """Append ``exc`` with its traceback to the log file; None if it cannot be written."""
    try:
        path = paths.log_file()
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_suffix(".log.1"))
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8", errors="backslashreplace") as f:
            f.write(f"--- {stamp} chartreview {__version__} {context}\n{text}\n")
        return path
    except OSError:
        return None


def one_line(exc: BaseException) -> str:
    """What went wrong in a line: the exception's type and first line, control
    characters shown as escapes (a message may quote a file's bytes)."""
    shown = visible((str(exc).splitlines() or [""])[0][:300])
    return f"{type(exc).__name__}: {shown}" if shown else type(exc).__name__
