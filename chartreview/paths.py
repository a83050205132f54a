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


def data_dir() -> Path:
    """Folder for projects (the demo project among them) and backups."""
    home = _home_override()
    if home is not None:
        path = home / "data"
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Folder for settings (analyst name, recent projects, saved column mappings)."""
    home = _home_override()
    if home is not None:
        path = home / "config"
    else:
        import platformdirs

        path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """Folder for the log file: unexpected errors of the window and the CLI, in detail."""
    home = _home_override()
    if home is not None:
        path = home / "log"
    else:
        import platformdirs

        path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    return log_dir() / "chartreview.log"


def settings_file() -> Path:
    return config_dir() / "settings.json"


def demo_project_path() -> Path:
    """The project built by ``chartreview demo`` and opened on first start."""
    return data_dir() / "demo.sqlite"
