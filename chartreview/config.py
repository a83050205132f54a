"""User settings: a small JSON file in :func:`chartreview.paths.settings_file`.

Written atomically (temporary file + rename) so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chartreview import paths

SETTINGS_VERSION = 1
MAX_RECENT = 10


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    analyst: str = ""
    last_project: str = ""
    recent_projects: list[str] = field(default_factory=list)
    # name -> {field: source column}; saved by ``import --map ... --save-map NAME``
    column_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    # action name -> key sequence; overrides of the review keymap
    keymap: dict[str, str] = field(default_factory=dict)
    auto_advance: bool = True
    # a watched case comes back to the queue when its score moves by this many points
    requeue_score_change: float = 10.0
    # scoring weights and thresholds overriding the defaults
    scoring: dict[str, float] = field(default_factory=dict)
    # opaque Qt state (geometry, splitters, column widths) as base64 strings
    window: dict[str, str] = field(default_factory=dict)

    def remember_project(self, path: str | Path) -> None:
        p = str(Path(path).resolve())
        self.last_project = p
        self.recent_projects = [p] + [r for r in self.recent_projects if r != p]
        del self.recent_projects[MAX_RECENT:]


def load() -> Settings:
    path = paths.settings_file()
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f for f in Settings.__dataclass_fields__}
    values = {k: v for k, v in raw.items() if k in known}
    try:
        return Settings(**values)
    except TypeError:
        return Settings()


def save(settings: Settings) -> None:
    path = paths.settings_file()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(settings), f, indent=2, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
