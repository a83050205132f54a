"""`pip install .` gives both commands, and ships the files the app loads at run time."""

from __future__ import annotations

import fnmatch
import tomllib
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def entry_points() -> dict[tuple[str, str], str]:
    return {(ep.group, ep.name): ep.value for ep in distribution("chartreview").entry_points}


def test_console_and_gui_entry_points() -> None:
    eps = entry_points()
    assert eps[("console_scripts", "chartreview")] == "chartreview.cli:main"
    assert eps[("gui_scripts", "chartreview-gui")] == "chartreview.qt.app:gui_main"


def test_entry_points_load_without_starting_qt() -> None:
    for ep in distribution("chartreview").entry_points:
        if ep.name in ("chartreview", "chartreview-gui"):
            assert callable(ep.load())


def test_runtime_assets_are_package_data() -> None:
    """Every non-Python file the package reads is matched by [tool.setuptools.package-data]."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["chartreview"]
    pkg = ROOT / "chartreview"
    assets = [p for d in ("qt/assets", "report/templates") for p in (pkg / d).rglob("*")
              if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "chartreview.png" for p in assets)
    for path in assets:
        rel = path.relative_to(pkg).as_posix()
        assert any(fnmatch.fnmatch(rel, pat) for pat in patterns), f"{rel} is not package data"
