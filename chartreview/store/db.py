"""Opening a project file: refuse what is not ours, migrate what is old, never damage.

A project is one SQLite file. Before anything writes to it, :func:`open_project`
checks on a read-only connection that it is a SQLite file, that it is whole, that it
is a chartreview project (``PRAGMA application_id``) and not from a newer version.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chartreview.domain import ProjectError
from chartreview.store.migrations import APPLICATION_ID, SCHEMA_VERSION, migrations
from chartreview.store.sqlite_utils_lazy import Database

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0


class Project:
    """An open project: the sqlite-utils database plus where it lives."""

    def __init__(self, path: Path, db: Database) -> None:
        self.path = path
        self.db = db

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @property
    def name(self) -> str:
        return self.path.stem

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def translate_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's storage failures into sentences a user can act on.

    Whatever was under way has been rolled back by then: the message says nothing changed.
    """
    try:
        yield
    except sqlite3.OperationalError as e:
        msg = str(e).lower()
        if "locked" in msg or "busy" in msg:
            raise ProjectError(
                f"{path.name} is busy: another chartreview window or command is writing to "
                "it (an import?). Nothing was changed; try again when it has finished."
            ) from e
        if "full" in msg:
            raise ProjectError(
                f"The disk holding {path.name} is full. Nothing was changed; free some space "
                "and try again."
            ) from e
        if "readonly" in msg or "read-only" in msg or "unable to open" in msg:
            raise ProjectError(
                f"{path} cannot be written (a read-only file or folder?). Nothing was changed."
            ) from e
        if "disk i/o" in msg:
            raise ProjectError(f"Reading or writing {path.name} failed ({e}).") from e
        raise
    except sqlite3.DatabaseError as e:
        raise ProjectError(f"{path.name} is damaged ({e}). Restore it from a backup.") from e


IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit of bound variables


def select_in(conn: sqlite3.Connection, sql: str, ids: Sequence[Any],
              after: Sequence[Any] = ()) -> Iterator[Any]:
    """The rows of ``sql`` for many ids, asked in chunks of ``IN_CHUNK``: ``{marks}`` in
    ``sql`` is where the chunk's ``?, ?, ...`` go, and ``after`` are the parameters that
    follow them. An ``ORDER BY`` orders each chunk's rows."""
    for start in range(0, len(ids), IN_CHUNK):
        part = list(ids[start:start + IN_CHUNK])
        yield from conn.execute(sql.replace("{marks}", ", ".join("?" * len(part))),
                                [*part, *after])


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_header(path: Path) -> None:
    """Refuse files that are not SQLite or are shorter than their header says."""
    size = path.stat().st_size
    with path.open("rb") as f:
        header = f.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectError(
            f"{path} is not a chartreview project (it is not a SQLite database). "
            "The file was left untouched."
        )
    if len(header) < 100:
        raise ProjectError(f"{path} is damaged (truncated header). The file was left untouched.")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count, change_counter, valid_for = (
        struct.unpack(">I", header[28:32])[0],
        struct.unpack(">I", header[24:28])[0],
        struct.unpack(">I", header[92:96])[0],
    )
    # The in-header size is only meaningful when "version-valid-for" matches
    if page_count and change_counter == valid_for and size < page_count * page_size:
        raise ProjectError(
            f"{path} is damaged: it is {size:,} bytes but should be "
            f"{page_count * page_size:,} (truncated?). The file was left untouched; "
            "restore it from a backup."
        )


QUICK_CHECK_MAX_BYTES = 64 << 20


def inspect(path: Path, *, check: bool = False) -> tuple[int, int, list[str]]:
    """Return (application_id, user_version, table names) read without writing anything.

    With ``check``, a file up to 64 MiB also passes ``PRAGMA quick_check`` first (a few
    milliseconds there); a larger one is checked as it is read, and any damage found
    then is reported the same way by :func:`translate_errors`.
    """
    # Without a WAL beside it, read the file as immutable: a read-only open of a WAL-mode
    # database would otherwise create -wal/-shm files next to a file we may refuse
    has_wal = Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if has_wal else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as e:
        raise ProjectError(f"{path} cannot be opened: {e}.") from e
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        if check and app_id == APPLICATION_ID and path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise ProjectError(
                    f"{path} is damaged ({problems[0]}). The file was left untouched; "
                    "restore it from a backup ('chartreview restore')."
                )
        return app_id, version, tables
    except sqlite3.DatabaseError as e:
        raise ProjectError(
            f"{path} is damaged or not a database ({e}). The file was left untouched."
        ) from e
    finally:
        conn.close()


def copy_database(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy with SQLite's online backup API, written whole or not at all."""
    tmp = dest.with_name(f".{dest.name}.partial")
    with translate_errors(dest):
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
        finally:
            target.close()
    tmp.replace(dest)
    return dest


def backup_copy(project_path: Path, conn: sqlite3.Connection, reason: str) -> Path:
    """The copy written next to a project before a migration changes it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return copy_database(
        conn, project_path.with_name(f"{project_path.stem}.{reason}-{stamp}.bak.sqlite"))


def open_project(path: str | Path, *, create: bool = False, readonly: bool = False) -> Project:
    """Open (or with ``create`` make) a project and bring its schema up to date.

    Raises
    ------
    ProjectError
        With a sentence for the user when the file is missing, foreign, damaged or from a
        newer chartreview. The file is never modified in that case.
    """
    path = Path(path).expanduser()
    exists = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file.")
    if not exists and not create:
        raise ProjectError(
            f"There is no project at {path}. Create one with 'chartreview import FILE --db {path}' "
            "or 'chartreview demo'."
        )
    version = 0
    if exists:
        _check_header(path)
        app_id, version, tables = inspect(path, check=True)
        if app_id != APPLICATION_ID:
            if app_id != 0 or [t for t in tables if not t.startswith("sqlite_")]:
                shown = ", ".join(sorted(tables)[:6]) or "none"
                raise ProjectError(
                    f"{path} is a SQLite database of another application (tables: {shown}); "
                    "chartreview will not change it. Choose or create a chartreview project."
                )
            if not create:
                raise ProjectError(f"{path} is an empty database, not a chartreview project.")
        elif version > SCHEMA_VERSION:
            raise ProjectError(
                f"{path} was made by a newer chartreview (schema {version}; this version "
                f"knows up to {SCHEMA_VERSION}). Update chartreview to open it; the file "
                "was left untouched."
            )
    elif readonly:
        raise ProjectError(f"There is no project at {path}.")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ProjectError(f"{path} cannot be opened: its folder cannot be made "
                               f"({e.strerror}).") from e

    try:
        conn = _connect(path, readonly)
    except sqlite3.Error as e:
        raise ProjectError(
            f"{path} cannot be opened ({e}); is the folder writable?") from e
    try:
        with translate_errors(path):
            _prepare(conn, path, version, readonly)
    except BaseException:
        conn.close()
        raise
    return Project(path, Database(conn, execute_plugins=False))


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S,
            check_same_thread=False, isolation_level=None,
        )
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
    )


def _prepare(conn: sqlite3.Connection, path: Path, version: int, readonly: bool) -> None:
    """Pragmas, then migrations (after a backup copy when the project holds data)."""
    conn.execute("PRAGMA foreign_keys = ON")
    if readonly:
        if version < SCHEMA_VERSION:
            raise ProjectError(f"{path} needs an upgrade; open it once without read-only mode.")
        return
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a verdict the UI calls saved survives a power cut, not only a crash
    conn.execute("PRAGMA synchronous = FULL")
    # 64 MiB of page cache (default 2 MiB): index inserts of a bulk import and the
    # table's sorted queries stop re-reading the same pages
    conn.execute("PRAGMA cache_size = -65536")
    if version < SCHEMA_VERSION:
        if version > 0:
            backup_copy(path, conn, f"before-migration-v{version}")
        migrations.apply(Database(conn, execute_plugins=False))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
