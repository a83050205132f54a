"""Repeat the destructive faults many times and print what was lost (the goal: nothing).

Run by hand: ``.venv/bin/python benchmarks/faults.py [--trials 20]``. Each trial is a real
process killed with SIGKILL at a random moment, or a real file damaged; the tests in
tests/trust/ run one of each in CI.
"""

from __future__ import annotations

import argparse
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

from chartreview.domain import ProjectError
from chartreview.ingest import ImportOptions, import_file
from chartreview.review import audit
from chartreview.store import open_project, queries

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
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
                         ("project file truncated / garbage / header", damage)):
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
