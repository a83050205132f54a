"""The Linux menu entry and AppStream file pass the freedesktop validators."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RES = ROOT / "resources"
APP_ID = "io.github.chartreview.ChartReview"
DESKTOP = RES / f"{APP_ID}.desktop"
METAINFO = RES / f"{APP_ID}.metainfo.xml"


def run_validator(*cmd: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(cmd[0]) is None:
        # packaging/setup-env.sh installs desktop-file-utils and appstream as root (CI)
        pytest.skip(f"{cmd[0]} is not installed (apt-get install desktop-file-utils appstream)")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_desktop_file_validates() -> None:
    result = run_validator("desktop-file-validate", str(DESKTOP))
    # hints are advice; errors and warnings are what desktops reject or misread
    problems = [line for line in result.stdout.splitlines()
                if ": error:" in line or ": warning:" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_metainfo_validates() -> None:
    result = run_validator("appstreamcli", "validate", "--no-net", str(METAINFO))
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_starts_the_installed_command_with_our_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"].split()[0] == "chartreview"  # install-desktop.sh rewrites the path
    assert section["Icon"] == APP_ID
    assert section["Terminal"] == "false"


def test_metainfo_launches_this_desktop_file() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == "chartreview"
