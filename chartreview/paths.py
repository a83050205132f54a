"""Where chartreview keeps user data and settings.

Everything goes through here so that one environment variable, ``CHARTREVIEW_HOME``,
redirects it all (the tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "chartreview"


def _home_override() -> Path | None:
    value = os.environ.get("CHARTREVIEW_HOME")
    return Path(value).expanduser() if value else None


def _folder(name: str, kind: str) -> Path:
    """``CHARTREVIEW_HOME/<name>`` when set, else platformdirs' ``user_<kind>_dir``; made."""
    home = _home_override()
    if home is not None:
        path = home / name
    else:
        import platformdirs

        locate = getattr(platformdirs, f"user_{kind}_dir")
        path = Path(locate(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Folder for projects (the demo project among them) and backups."""
    return _folder("data", "data")


def config_dir() -> Path:
    """Folder for settings (analyst name, recent projects, saved column mappings)."""
    return _folder("config", "config")


def log_dir() -> Path:
    """Folder for the log file: unexpected errors of the window and the CLI, in detail."""
    return _folder("log", "log")


def log_file() -> Path:
    return log_dir() / "chartreview.log"


def settings_file() -> Path:
    return config_dir() / "settings.json"


def demo_project_path() -> Path:
    """The project built by ``chartreview demo`` and opened on first start."""
    return data_dir() / "demo.sqlite"
