"""Faults done for real: processes killed with SIGKILL, locks held, files damaged, disk full.

Each test says what was tried and checks that nothing was lost.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chartreview.domain import ProjectError
from chartreview.ingest import ImportOptions, import_file
from chartreview.review import audit
from chartreview.store import db as store_db
from chartreview.store import open_project, queries
from chartreview.store.backup import backup, restore, rolling_backup
from chartreview.store.migrations import SCHEMA_VERSION
from tests.conftest import ROOT, count, project_before, snapshot

pytestmark = pytest.mark.slow


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _read_until(proc: subprocess.Popen[str], line: str) -> list[str]:
    """The lines ``proc`` printed up to ``line`` (or up to its end, if it never did)."""
    assert proc.stdout is not None
    seen = [proc.stdout.readline().strip()]
    while seen[-1] and seen[-1] != line:
        seen.append(proc.stdout.readline().strip())
    return seen


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)  # no close, no rollback, no checkpoint
    proc.communicate()  # reap it and close its pipes


def _big_chart(path: Path, weeks: int = 300) -> Path:
    lines = ["chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart"]
    for w in range(weeks):
        day = f"{2000 + w // 52}-{1 + (w % 52) // 5:02d}-{1 + w % 5 * 5:02d}"
        lines += [f"{day},{r},Song {w}-{r},Artist {r % 300},,{r},1" for r in range(1, 101)]
    path.write_text("\n".join(lines) + "\n")
    return path


CHART = "Hot 100"
IMPORT_CODE = f"""
    import sys
    from chartreview.store import open_project
    from chartreview.ingest import import_file, ImportOptions
    p = open_project(sys.argv[1])
    pause_at = sys.argv[3] if len(sys.argv) > 3 else None

    def progress(pr):
        print(pr.message, flush=True)
        if pr.message == pause_at:  # hold the import (and its write lock) until told
            sys.stdin.readline()

    print("started", flush=True)
    import_file(p, sys.argv[2], ImportOptions(chart={CHART!r}, chunk_rows=500, merge=True),
                on_progress=progress)
    print("done", flush=True)
"""


# Killed at points named by the import's own progress, so a faster machine or a faster
# import still lands each kill in the same phase: first chunk, halfway, writing the
# entries (just before the commit, or just after), finished
@pytest.mark.parametrize("after", ["500 rows read", "15,000 rows read", "Updating entries",
                                   "done"])
def test_sigkill_during_import_loses_nothing_and_the_import_then_succeeds(
        tmp_path: Path, shared: Path, after: str) -> None:
    db = tmp_path / "p.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, shared / "billboard/hot100_recent.json")
        audit.set_verdict(p, 1, "human", analyst="ana", note="keep me")
        before = snapshot(p)
    big = _big_chart(tmp_path / "hot100_big.csv")
    proc = _python(IMPORT_CODE, str(db), str(big))
    seen = _read_until(proc, after)
    _kill(proc)
    assert seen[-1] == after, seen
    with open_project(db) as p:
        assert p.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        committed = count(p, "imports") == 2
        if not committed:  # killed before the commit: exactly as before
            assert snapshot(p) == before
        assert committed or after != "done"
        assert queries.entry(p, 1)["note"] == "keep me"
        # The same import again (same options: they are part of what was imported)
        report = import_file(p, big, ImportOptions(chart=CHART, chunk_rows=500, merge=True))
        if committed:  # killed after the commit: it is whole, and known
            assert report.already_imported
        else:
            assert not report.already_imported and report.rows_imported == 30_000
        assert count(p, "positions") == 30_100


SAVE_CODE = """
    import sys, time
    from chartreview.store import open_project
    from chartreview.review import audit
    p = open_project(sys.argv[1])
    for i in range(1, 6):
        audit.set_verdict(p, i, "suspicious", analyst="ana", note=f"note {i}")
        print(f"saved {i}", flush=True)   # what the window shows after the commit returns
    time.sleep(60)
"""


def test_sigkill_right_after_saved_keeps_every_verdict(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "p.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, shared / "billboard/hot100_recent.json")
    proc = _python(SAVE_CODE, str(db))
    assert proc.stdout is not None
    seen = [proc.stdout.readline().strip() for _ in range(5)]
    _kill(proc)
    assert seen[-1] == "saved 5"
    with open_project(db) as p:
        for i in range(1, 6):
            e = queries.entry(p, i)
            assert (e["verdict"], e["note"]) == ("suspicious", f"note {i}")
        assert count(p, "review_events") == 5


def test_reads_go_on_during_another_process_import_and_writers_wait(
        tmp_path: Path, shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "p.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, shared / "billboard/hot100_recent.json")
    big = _big_chart(tmp_path / "hot100_big.csv", weeks=600)
    halfway = "30,000 rows read"
    proc = _python(IMPORT_CODE, str(db), str(big), halfway)
    assert _read_until(proc, halfway)[-1] == halfway  # paused there, holding the write lock
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.2)
    with open_project(db) as p:
        rows = queries.list_entries(p, limit=5)  # WAL: readers are never blocked
        assert len(rows) == 5
        assert count(p, "positions") == 100  # and see none of the unfinished import
        with pytest.raises(ProjectError, match="busy: another chartreview"):
            audit.set_verdict(p, 1, "ai", analyst="bo")
    out, err = proc.communicate("go on\n", timeout=120)
    assert proc.returncode == 0, err
    assert out.strip().splitlines()[-1] == "done"
    with open_project(db) as p:  # after the import, the write goes through
        audit.set_verdict(p, 1, "ai", analyst="bo")
        assert queries.entry(p, 1)["verdict"] == "ai"
        assert count(p, "positions") == 60_100


def test_older_project_is_backed_up_then_migrated(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "old.sqlite"
    project_before(db, "m0002_score_run_data_version",
                   "INSERT INTO charts (name, region, frequency, metric) VALUES "
                   "('Hot 100', 'us', 'weekly', 'composite');")
    with open_project(db) as p:
        assert p.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert "data_version" in p.db["score_runs"].columns_dict
        assert count(p, "charts") == 1
    backups = list(tmp_path.glob("old.before-migration-v1-*.bak.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT name FROM charts").fetchone()[0] == "Hot 100"


def test_disk_full_during_import_changes_nothing(project, shared: Path, tmp_path) -> None:
    import_file(project, shared / "billboard/hot100_recent.json")
    before = snapshot(project)
    pages = project.conn.execute("PRAGMA page_count").fetchone()[0]
    project.conn.execute(f"PRAGMA max_page_count = {pages + 20}")  # the disk fills up
    with pytest.raises(ProjectError, match=r"disk holding project\.sqlite is full"):
        import_file(project, _big_chart(tmp_path / "hot100_big.csv"), ImportOptions(merge=True))
    project.conn.execute("PRAGMA max_page_count = 1073741823")
    assert snapshot(project) == before
    # another era of the chart: no song in common with 2026, so it is added knowingly
    report = import_file(project, shared / "billboard/hot100_1976_1977.csv",
                         ImportOptions(merge=True))
    assert report.rows_imported == 10_487


def test_unwritable_location_is_a_clear_error() -> None:
    with pytest.raises(ProjectError, match="cannot be opened"):
        open_project("/proc/chartreview-test/p.sqlite", create=True)


def test_backup_and_restore_round_trip(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_recent.json")
    audit.set_verdict(project, 3, "suspicious", analyst="ana")
    made = backup(project)
    digest = snapshot(project)
    audit.set_verdict(project, 3, "human", analyst="ana")
    project.close()
    restore(made, project.path)
    with open_project(project.path) as p:
        assert snapshot(p) == digest
        assert queries.entry(p, 3)["verdict"] == "suspicious"


def test_rolling_backups_keep_the_newest_three(project, shared: Path) -> None:
    import_file(project, shared / "billboard/hot100_recent.json")
    made = [rolling_backup(project, "before-import") for _ in range(5)]
    kept = sorted(made[0].parent.glob("*before-import*.sqlite"))
    assert kept == made[-3:]


def test_restore_refuses_a_damaged_backup(tmp_path: Path, project) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(ProjectError):
        restore(bad, project.path)
