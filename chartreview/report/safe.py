"""Writing files safely: never onto a project, atomically, and every string made safe
for the format it goes into. This module is the one place that decides how a stored
string (a title, an artist, a note, a tag, an analyst name, a chart name) is written:

* CSV: :func:`escape_cell` (formula neutralised); the value otherwise exact, so that
  ``merge-verdicts`` reads back what was stored.
* XLSX: :func:`xlsx_cell`: as CSV, and characters XML cannot hold (C0 controls, lone
  surrogates) shown as visible stand-ins (``␛``).
* JSON: :func:`json_text`: exact values; control and text-direction characters written
  as ``\\uXXXX`` escapes, so a reader of the file sees them and a parser gets them back.
* HTML, SVG and so the PDF: :func:`html_text`: escaped markup, and control and
  text-direction characters shown visibly (``␛``, ``[U+202E]``), so a title cannot
  reorder or hide what a reader sees.

The project's stored value is never changed.

:func:`check_targets` refuses, before anything is read or written, an export aimed at
the open project, its WAL/SHM/journal, its backups folder or any other chartreview
project or SQLite database (by path, through symlinks, and by inode for hard links), and
an existing file unless the user said ``force``. Every file is then written to a
temporary file in the target folder and renamed into place (:func:`atomic_paths`).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by Excel, LibreOffice and Google Sheets (CSV/formula injection), so
such text is written with a leading ``'``. Text that already starts with ``'`` gets one
more, so :func:`unescape_cell` restores every value exactly. Numbers stay numbers.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from chartreview.domain import ChartreviewError, visible

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# A formula may also hide behind leading spaces or line breaks (a spreadsheet trims them),
# and full-width signs are turned into the ASCII ones by some spreadsheets' input methods
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\u2212")
_LEADING_SPACE = (" \t\r\n\u00a0\u3000\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                  "\u2008\u2009\u200a\u202f\u205f\ufeff")


def _risky(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip(_LEADING_SPACE)[:1] in _FORMULA_SIGNS


def escape_cell(value: Any) -> Any:
    """Return ``value`` safe for a spreadsheet cell: risky text gets a ``'`` prefix.

    Risky: text starting with ``= + - @``, a tab, a carriage return or ``'``, or whose
    first character after leading spaces and line breaks is one of ``= + - @`` or their
    full-width forms (``＝``).

    Parameters
    ----------
    value
        Any cell value. Only ``str`` is changed; numbers, booleans and None pass through.
    """
    if isinstance(value, str) and _risky(value):
        return "'" + value
    return value


# What XML 1.0 cannot hold at all (openpyxl refuses it): C0 controls but tab, newline and
# carriage return, and lone surrogates (not encodable)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Characters a JSON file shows as escapes beyond the C0 controls json.dumps escapes
# itself (and the structure's own newlines must stay): DEL and C1 controls, line and
# paragraph separators, text-direction controls, lone surrogates
_JSON_HIDDEN = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                          "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def xlsx_cell(value: Any) -> Any:
    """A value for a workbook cell: :func:`escape_cell`, with what XML cannot hold shown."""
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        value = _XML_ILLEGAL.sub(lambda m: visible(m.group(0)), value)
    return escape_cell(value)


def html_text(value: Any) -> str:
    """Text for HTML or SVG: None as empty, markup escaped (quotes too), control and
    text-direction characters shown visibly (newlines kept)."""
    if value is None:
        return ""
    return html.escape(visible(str(value), keep_newlines=True), quote=True)


def json_text(doc: Any, **kwargs: Any) -> str:
    """``json.dumps`` with control and text-direction characters as ``\\uXXXX`` escapes.

    The values parse back exactly; a person reading the file sees the escapes instead of
    a terminal colour change or a line reordered right to left.
    """
    text = json.dumps(doc, ensure_ascii=False, **kwargs)
    return _JSON_HIDDEN.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def unescape_cell(value: Any) -> Any:
    """Undo :func:`escape_cell` on a value read back from a CSV or workbook."""
    if isinstance(value, str) and value.startswith("'") and _risky(value[1:]):
        return value[1:]
    return value


class TargetExists(ChartreviewError):
    """The export's file exists (and is no project): replace it only when asked to."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


SQLITE_MAGIC = b"SQLite format 3\x00"
PROJECT_SIDE_FILES = ("-wal", "-shm", "-journal")


def _same(a: Path, b: Path) -> bool:
    """The same file: one path, through symlinks, or one inode (a hard link)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    return folder.resolve() in path.resolve().parents


def sqlite_application_id(path: Path) -> int | None:
    """A SQLite file's ``application_id`` read from its header; None if not SQLite."""
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError:
        return None
    if not header.startswith(SQLITE_MAGIC) or len(header) < 72:
        return None
    return int.from_bytes(header[68:72], "big")


def check_targets(targets: Sequence[Path], project_path: Path | None, *,
                  force: bool = False, application_id: int | None = None) -> None:
    """Refuse to write an export where it would destroy something; see the module doc.

    Parameters
    ----------
    targets
        Every file the export will write.
    project_path
        The project being exported (its file, side files and backups are protected).
    force
        Replace existing files that are not projects or databases.
    application_id
        A chartreview project's id, to name such a file in the message.

    Raises
    ------
    ChartreviewError
        With a sentence naming the file and what to do; nothing was written.
    """
    protected: list[Path] = []
    backups: Path | None = None
    if project_path is not None:
        project_path = Path(project_path)
        protected = [project_path, *(Path(f"{project_path}{s}") for s in PROJECT_SIDE_FILES)]
        backups = project_path.with_name(f"{project_path.name}.backups")
    for target in (Path(t) for t in targets):
        if target.is_dir():
            raise ChartreviewError(f"{target} is a folder; choose a file name to export to.")
        hit = next((p for p in protected if _same(target, p)), None)
        if hit is not None:
            what = "the project itself" if hit == project_path else f"the project's {hit.name}"
            raise ChartreviewError(
                f"{target} is {what}; an export never replaces it. Choose another file name "
                "(e.g. findings.json).")
        if backups is not None and _inside(target, backups):
            raise ChartreviewError(
                f"{target} is in the project's backups folder; exports never go there. "
                "Choose another folder.")
        if not target.exists() and not target.is_symlink():
            continue
        app_id = sqlite_application_id(target)
        if app_id is not None:
            kind = ("a chartreview project" if application_id is not None
                    and app_id == application_id else "a SQLite database")
            raise ChartreviewError(
                f"{target} is {kind}; an export never replaces a database, even with "
                "--force. Choose another file name.")
        if not force:
            raise TargetExists(
                f"{target} exists; pass --force to replace it, or choose another file name.",
                target)


@contextlib.contextmanager
def atomic_paths(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Yield a temporary path beside each target; move them all into place on success.

    On any exception (including cancellation) the temporary files are removed and the
    files at the targets are left exactly as they were. The renames come last, after
    every file is complete, so a pair (entries and events CSV) is replaced together.
    """
    paths = [Path(t) for t in targets]
    temps: list[Path] = []
    try:
        for target in paths:
            if target.is_dir():
                raise IsADirectoryError(f"{target} is a folder; choose a file name.")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                       suffix=".part")
            os.close(fd)
            temps.append(Path(tmp))
        yield temps
        for tmp, target in zip(temps, paths, strict=True):
            os.replace(tmp, target)
    except BaseException:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """:func:`atomic_paths` for one file."""
    with atomic_paths([target]) as (tmp,):
        yield tmp
