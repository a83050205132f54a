"""Repeat the destructive faults many times and print what was lost (the goal: nothing).

Run by hand: ``.venv/bin/python benchmarks/faults.py [--trials 20]``. Each trial is a real
process killed with SIGKILL at a random moment, a real file damaged, or a second writer
or a backup started while an import runs; the tests in tests/trust/ run one of each in
CI. Then hostile workbooks (tests/trust/bombs.py) are imported by the CLI in a process of
their own, with its peak memory and time printed (``--no-bombs`` to skip them).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from chartreview.domain import ChartreviewError, ProjectError
from chartreview.ingest import ImportOptions, import_file
from chartreview.review import audit
from chartreview.scoring.run import score_project
from chartreview.store import open_project, queries
from chartreview.store.backup import backup

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def digest(p) -> str:  # type: ignore[no-untyped-def]
    h = hashlib.sha256()
    for line in p.conn.iterdump():
        h.update(line.encode())
    return h.hexdigest()


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def big_file(path: Path) -> Path:
    rows = ["chart_date,this_week,song,artist,last_week,peak_position,weeks_on_chart"]
    for w in range(400):
        day = f"{2000 + w // 52}-{1 + (w % 52) // 5:02d}-{1 + w % 5 * 5:02d}"
        rows += [f"{day},{r},Song {w}-{r},Artist {r % 300},,{r},1" for r in range(1, 101)]
    path.write_text("\n".join(rows) + "\n")
    return path


IMPORT_SECONDS = 3.0  # measured at start: one uninterrupted import of big.csv


def kill_during_import(tmp: Path, rng: random.Random) -> tuple[bool, str]:
    db = tmp / f"imp{rng.random()}.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, SHARED / "billboard/hot100_recent.json")
        audit.set_verdict(p, 1, "human", analyst="a", note="keep")
        before = digest(p)
    proc = spawn("""
        import sys
        from chartreview.store import open_project
        from chartreview.ingest import import_file, ImportOptions
        p = open_project(sys.argv[1]); print("go", flush=True)
        import_file(p, sys.argv[2], ImportOptions(chart="Hot 100", chunk_rows=500))
    """, str(db), str(tmp / "big.csv"))
    assert proc.stdout is not None
    proc.stdout.readline()
    time.sleep(rng.uniform(0.0, 1.3 * IMPORT_SECONDS))
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    with open_project(db) as p:
        ok = p.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_imports = p.conn.execute("SELECT COUNT(*) FROM imports").fetchone()[0]
        ok &= n_imports == 2 or digest(p) == before
        ok &= queries.entry(p, 1)["note"] == "keep"
        report = import_file(p, tmp / "big.csv", ImportOptions(chart="Hot 100", chunk_rows=500))
        ok &= report.already_imported or report.rows_imported == 40_000
    return ok, "committed" if n_imports == 2 else "rolled back"


def kill_after_saved(tmp: Path, rng: random.Random) -> tuple[bool, str]:
    db = tmp / f"sav{rng.random()}.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, SHARED / "billboard/hot100_recent.json")
    n = rng.randint(1, 30)
    proc = spawn("""
        import sys, time
        from chartreview.store import open_project
        from chartreview.review import audit
        p = open_project(sys.argv[1])
        for i in range(1, 101):
            audit.set_verdict(p, i, "ai", analyst="a", note=f"n{i}")
            print(i, flush=True)
        time.sleep(60)
    """, str(db))
    assert proc.stdout is not None
    last = 0
    for _ in range(n):
        last = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)  # right after "saved" was shown for entry `last`
    proc.communicate()
    with open_project(db) as p:
        saved = [queries.entry(p, i)["note"] == f"n{i}" for i in range(1, last + 1)]
    return all(saved), f"{last} shown saved, {sum(saved)} found"


def damage(tmp: Path, rng: random.Random) -> tuple[bool, str]:
    db = tmp / f"dmg{rng.random()}.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, SHARED / "billboard/hot100_2017_2018.csv")
        p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    kind = rng.choice(["truncate", "garbage", "zero-header"])
    if kind == "truncate":
        data = data[: rng.randint(100, len(data) - 1)]
    elif kind == "garbage":
        at = rng.randint(0, len(data) - 4096)
        data[at:at + 4096] = os.urandom(4096)
    else:
        data[:100] = bytes(100)
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    try:
        with open_project(db) as p:
            # a page of garbage inside may only show when read: reading must fail cleanly
            p.conn.execute("PRAGMA integrity_check").fetchall()
            queries.list_entries(p, limit=10)
        outcome = "opened (garbage fell in free space)"
    except ProjectError as e:
        outcome = f"refused: {str(e)[:50]}"
    except Exception as e:
        return False, f"{kind}: unexpected {type(e).__name__}"
    return db.read_bytes() == before, f"{kind}: {outcome}"


def _import_running(db: Path, tmp: Path) -> subprocess.Popen[str]:
    proc = spawn("""
        import sys
        from chartreview.store import open_project
        from chartreview.ingest import import_file, ImportOptions
        p = open_project(sys.argv[1]); print("go", flush=True)
        import_file(p, sys.argv[2], ImportOptions(chart="Hot 100", chunk_rows=500))
        print("done", flush=True)
    """, str(db), str(tmp / "big.csv"))
    assert proc.stdout is not None
    proc.stdout.readline()
    return proc


def _fresh(tmp: Path, rng: random.Random, tag: str) -> Path:
    db = tmp / f"{tag}{rng.random()}.sqlite"
    with open_project(db, create=True) as p:
        import_file(p, SHARED / "billboard/hot100_recent.json")
        audit.set_verdict(p, 1, "human", analyst="a", note="keep")
        score_project(p)
    return db


def score_during_import(tmp: Path, rng: random.Random) -> tuple[bool, str]:
    """``score`` from a second connection while an import writes: it scores what was
    committed or says the project is busy; afterwards nothing is lost or half-written."""
    db = _fresh(tmp, rng, "scr")
    proc = _import_running(db, tmp)
    time.sleep(rng.uniform(0.0, IMPORT_SECONDS))
    try:
        with open_project(db) as p:
            score_project(p, force=True)
        outcome = "scored"
    except ChartreviewError as e:
        outcome = "busy" if "busy" in str(e) else f"refused: {str(e)[:40]}"
    proc.communicate()
    with open_project(db) as p:
        ok = p.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        imports = p.conn.execute("SELECT COUNT(*) FROM imports").fetchone()[0]
        positions = p.conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0]
        ok &= imports == 2 and positions == 40_100  # the import committed, whole
        ok &= queries.entry(p, 1)["note"] == "keep"
        orphans = p.conn.execute("SELECT COUNT(*) FROM scores WHERE entry_id NOT IN "
                                 "(SELECT id FROM entries)").fetchone()[0]
        ok &= orphans == 0
        report = score_project(p)  # and the next run completes the scores
        ok &= report.entries == p.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    return ok, outcome


def backup_during_import(tmp: Path, rng: random.Random) -> tuple[bool, str]:
    """A backup taken while an import writes holds the import whole or not at all."""
    db = _fresh(tmp, rng, "bak")
    proc = _import_running(db, tmp)
    time.sleep(rng.uniform(0.0, IMPORT_SECONDS))
    with open_project(db) as p:
        made = backup(p)
    proc.communicate()
    with open_project(made, readonly=True) as b:
        ok = b.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        positions = b.conn.execute("SELECT COUNT(*) FROM positions").fetchone()[0]
        ok &= positions in (100, 40_100)
        ok &= queries.entry(b, 1)["note"] == "keep"
    return ok, "before the import" if positions == 100 else "with the import"


def bombs(tmp: Path) -> None:
    """Each hostile workbook imported by the CLI in its own process: outcome, peak RSS."""
    sys.path.insert(0, str(ROOT))
    from tests.trust import bombs as make

    files = [("zip bomb: 1.3 MB, sheet expands to 1.34 GB", make.zip_bomb),
             ("row bomb: 1.3 MB, 2M identical rows (334 MB)", make.row_bomb),
             ("1,048,577 distinct rows (21 MB, 11:1), sheet states its size",
              functools.partial(make.tall_workbook, rows=1_048_577, dimension=True)),
             ("the same without the size: read until the row limit",
              functools.partial(make.tall_workbook, rows=1_048_577))]
    print(f"\n{'workbook':<62} {'seconds':>8} {'peak MiB':>9}  outcome")
    for n, (label, build) in enumerate(files):
        path = tmp / f"workbook{n}.xlsx"
        build(path)
        db = tmp / f"workbook{n}.sqlite"
        # The child reports its own high-water mark: a fork's rusage would count the
        # parent's memory it started from
        code = ("import sys, atexit\n"
                "def hwm():\n"
                "    for line in open('/proc/self/status'):\n"
                "        if line.startswith('VmHWM'):\n"
                "            print('PEAK', int(line.split()[1]) // 1024, file=sys.stderr)\n"
                "atexit.register(hwm)\n"
                "from chartreview.cli import main\n"
                "sys.argv = ['chartreview'] + sys.argv[1:]\n"
                "main()\n")
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", code, "import", str(path), "--db", str(db),
             "--chart", "Bomb", "--map", "rank=Pos", "--map", "title=Song",
             "--map", "artist=Performer", "--map", "date=Week"],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - started
        lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
        peak = next((int(x.split()[1]) for x in lines if x.startswith("PEAK ")), -1)
        said = ([x for x in lines if not x.startswith("PEAK ")] or [""])[-1]
        print(f"{label:<62} {seconds:>8.1f} {peak:>9}  exit {proc.returncode}: "
              f"{said[:110]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-bombs", action="store_true", help="Skip the XLSX bombs.")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        big_file(tmp / "big.csv")
        global IMPORT_SECONDS
        with open_project(tmp / "timing.sqlite", create=True) as p:
            started = time.perf_counter()
            import_file(p, tmp / "big.csv", ImportOptions(chart="Hot 100", chunk_rows=500))
            IMPORT_SECONDS = time.perf_counter() - started + 0.5  # + process start
        print(f"{'fault':<44} {'tries':>5} {'lost nothing':>13}  outcomes")
        for name, fn in (("SIGKILL during a 40,000-row import", kill_during_import),
                         ("SIGKILL right after a verdict shown saved", kill_after_saved),
                         ("project file truncated / garbage / header", damage),
                         ("score while a 40,000-row import runs", score_during_import),
                         ("backup while a 40,000-row import runs", backup_during_import)):
            results = [fn(tmp, rng) for _ in range(args.trials)]
            good = sum(ok for ok, _ in results)
            kinds: dict[str, int] = {}
            for _, what in results:
                key = what.split(":")[0] if name.startswith("project") else what.split(",")[0]
                kinds[key] = kinds.get(key, 0) + 1
            print(f"{name:<44} {len(results):>5} {good:>13}  "
                  + ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items()))[:90])
            bad = [w for ok, w in results if not ok]
            for w in bad[:3]:
                print(f"    LOST: {w}")
        if not args.no_bombs:
            bombs(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
