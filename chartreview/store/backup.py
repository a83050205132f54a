"""Backups with SQLite's online backup API: consistent even while the project is in use.

Manual (``chartreview backup``), and rolling automatic ones before large imports, kept
in ``<project>.backups/`` beside the project (the newest few of each kind).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from chartreview.domain import ProjectError
from chartreview.store.db import Project, copy_database, open_project, translate_errors

KEEP_AUTOMATIC = 3


def backup_dir(project_path: Path) -> Path:
    return project_path.with_name(f"{project_path.name}.backups")


def backup(project: Project, dest: Path | None = None, *, reason: str = "manual") -> Path:
    """Copy the project, consistently, to ``dest`` (default: its backups folder)."""
    if dest is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        dest = backup_dir(project.path) / f"{project.path.stem}-{reason}-{stamp}.sqlite"
    dest = Path(dest)
    if dest.resolve() == project.path.resolve():
        raise ProjectError("A backup cannot overwrite the project itself.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return copy_database(project.conn, dest)


def rolling_backup(project: Project, reason: str) -> Path:
    """An automatic backup; only the newest ``KEEP_AUTOMATIC`` of this kind are kept."""
    made = backup(project, reason=reason)
    older = sorted(backup_dir(project.path).glob(f"{project.path.stem}-{reason}-*.sqlite"))
    for old in older[:-KEEP_AUTOMATIC]:
        old.unlink(missing_ok=True)
    return made


def restore(backup_path: Path, project_path: Path) -> None:
    """Replace the project with a backup (which must itself be a sound chartreview project)."""
    with open_project(backup_path, readonly=True) as source, translate_errors(project_path):
        target = sqlite3.connect(project_path)
        try:
            source.conn.backup(target)
        finally:
            target.close()
