"""The PyInstaller bundle builds from packaging/chartreview.spec and passes its --self-test.

About 1-2 minutes on 2 cores (PyInstaller analysis dominates). Installs the "package"
extra's requirements (pyinstaller) into the running environment when they are missing.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "chartreview.spec"


def ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = extras["project"]["optional-dependencies"]["package"]
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *requirements],
                   check=True, timeout=600)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the CI bundle is Linux")
def test_bundle_builds_and_passes_self_test(tmp_path: Path) -> None:
    ensure_pyinstaller()
    dist, work = tmp_path / "dist", tmp_path / "work"
    started = time.perf_counter()
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    built_in = time.perf_counter() - started

    exe = dist / "chartreview" / "chartreview"
    assert exe.is_file()
    # the installer and its files travel inside the folder (and so inside the tarball)
    assert (dist / "chartreview" / "install-desktop.sh").is_file()
    assert (dist / "chartreview" / "share" / "icons" / "chartreview-256.png").is_file()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CHARTREVIEW_HOME", None)  # the self-test sets its own temporary home
    result = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True,
                            env=env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test ok" in result.stdout
    print(f"bundle built in {built_in:.0f} s; {result.stdout.strip()}")
