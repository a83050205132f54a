"""Start the review window: ``chartreview [--db P] [--self-test]``.

Opens ``--db``, else the last project, else the demo project. On the very first start
the demo is built and scored in a worker behind a progress dialog while the (empty)
window is already up.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from chartreview import config, paths
from chartreview.domain import ChartreviewError

_CONFIGURED = False


def configure() -> None:
    """Process-wide pyqtgraph options, once."""
    global _CONFIGURED
    if not _CONFIGURED:
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True)
        _CONFIGURED = True


def application(argv: list[str] | None = None):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(["chartreview", *(argv or [])])
        app.setWindowIcon(QIcon(str(resources.files("chartreview.qt") / "assets/chartreview.png")))
        app.setApplicationName("chartreview")
        # Wayland matches the window to its menu entry (and icon) by this id
        app.setDesktopFileName("io.github.chartreview.ChartReview")
        app.setOrganizationName("chartreview")
    configure()
    return app


def score_quietly(project, on_progress=None, cancel=None) -> str:  # type: ignore[no-untyped-def]
    """Score a project with the user's settings; return the run's one-line summary."""
    from chartreview.scoring.params import ScoringParams
    from chartreview.scoring.run import score_project

    params = ScoringParams.from_dict(config.load().scoring)
    return str(score_project(project, params, on_progress=on_progress, cancel=cancel).summary())


def build_demo_project(path: Path, on_progress=None, cancel=None) -> Path:  # type: ignore[no-untyped-def]
    """Build and score the demo project at ``path`` (runs in a worker thread)."""
    from chartreview.demo import build_demo
    from chartreview.store.db import open_project

    tmp = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    with open_project(tmp, create=True) as project:
        build_demo(project, on_progress=on_progress, cancel=cancel)
        score_quietly(project, on_progress, cancel)
        project.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(tmp, path)  # a half-built demo never sits at the demo path
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return path


def self_test() -> int:
    """Temp project, migrations, a bundled sample imported and scored, the window offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="chartreview-selftest-") as tmp:
        os.environ["CHARTREVIEW_HOME"] = tmp
        from chartreview.ingest import ImportOptions, import_file
        from chartreview.store.db import open_project

        app = application()
        sample = resources.files("chartreview.qt") / "assets" / "sample_hot100.csv"
        db_path = Path(tmp) / "selftest.sqlite"
        with resources.as_file(sample) as sample_path, \
                open_project(db_path, create=True) as project:
            report = import_file(project, sample_path, ImportOptions(chart="Hot 100",
                                                                     region="us"))
            scored = score_quietly(project)
        from chartreview.qt.main_window import MainWindow

        settings = config.Settings(analyst="self-test")
        window = MainWindow(settings)
        ok = window.open_path(db_path)
        window.show()
        app.processEvents()
        rows = window.model.rowCount()
        window.grab()
        window.close()
        app.processEvents()
    if not ok or rows == 0:
        print("self-test FAILED: the window shows no entries", file=sys.stderr)
        return 1
    print(f"self-test ok: {report.rows_imported} positions, {rows} entries"
          f", {scored} ({time.perf_counter() - started:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chartreview")
    parser.add_argument("--db", type=Path, help="project file to open")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        return self_test()

    from PySide6.QtWidgets import QMessageBox

    from chartreview.qt.errors import ErrorReporter, log_to_file
    from chartreview.qt.main_window import MainWindow
    from chartreview.qt.workers.ops import run_with_progress

    app = application()
    settings = config.load()
    window = MainWindow(settings)
    log_to_file()
    window.error_reporter = ErrorReporter(window).install()  # type: ignore[attr-defined]
    window.show()
    if args.db is not None:
        window.open_path(args.db)
    elif settings.last_project and Path(settings.last_project).exists():
        window.open_path(settings.last_project)
    else:
        demo = paths.demo_project_path()
        if demo.exists():
            window.open_path(demo)
        else:
            def failed(e: BaseException) -> None:
                text = str(e) if isinstance(e, ChartreviewError) else repr(e)
                QMessageBox.critical(window, "Demo not built", text)

            window.demo_worker = run_with_progress(  # type: ignore[attr-defined]
                window, lambda on_progress, cancel: build_demo_project(demo, on_progress, cancel),
                "Building the demo project (first start)…",
                on_success=window.open_path, on_failure=failed, delay_ms=0)
    return int(app.exec())


def gui_main() -> None:
    """The ``chartreview-gui`` entry point (a gui-script: no console window on Windows)."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
