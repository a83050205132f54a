"""Team review at scale, against a real throw-away PostgreSQL cluster.

Run by hand: ``.venv/bin/python benchmarks/team.py [--analysts 20] [--events 5000]
[--live 30]`` (as root it runs the cluster as the ``postgres`` user, like the tests).

1. ``--analysts`` laptops (separate project files and processes) each record
   ``--events`` verdicts and notes, then all run ``team sync`` at once: the server's
   intake (events/s) and, after a second round for what each missed, the time until
   every laptop holds every event (fully synced).
2. A new analyst's laptop pulls all of them in one sync (events/s).
3. Live updates: one window records verdicts at a person's pace; another window, in its
   own process, shows them. The latency from the keypress-equivalent to the other
   window having the row: median and p90.

Goals (issue 12): 100k events synced in under 30 s; live updates under 2 s at p90.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chartreview.review import audit  # noqa: E402
from chartreview.review import team as rt  # noqa: E402
from chartreview.store import open_project, reviews  # noqa: E402
from tests.team.pgcluster import ADMIN, PgCluster  # noqa: E402

SYNC = textwrap.dedent("""
    import json, sys, time
    from chartreview.review import team as rt
    from chartreview.store import open_project
    t = time.perf_counter()
    with open_project(sys.argv[1]) as p:
        r = rt.sync(p)
        held = p.conn.execute("SELECT COUNT(*) FROM review_events").fetchone()[0]
    print(json.dumps({"sent": r.sent, "received": r.received, "held": held,
                      "seconds": time.perf_counter() - t}))
""")

WATCHER = textwrap.dedent("""
    import os, sys, time
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from chartreview import config
    from chartreview.qt.app import application
    from chartreview.qt.main_window import MainWindow
    from chartreview.store.cases import case_of
    from chartreview.store.keys import natural_keys
    app = application()
    settings = config.Settings(analyst="watcher")
    w = MainWindow(settings)
    w.show()
    w.open_path(sys.argv[1])
    def seen(report):
        keys = natural_keys(w.project, report.entry_ids)
        now = time.time()
        for entry_id in report.entry_ids:
            row = w.model.row_of(entry_id)
            if row is None:  # a run the table shows in its case's row
                case = case_of(w.project, entry_id)
                row = w.model.row_of(case.top_entry) if case is not None else None
            if row is None:
                continue
            data = w.model.row_data(row)  # what the table shows now
            print("seen", now, data["verdict"], keys[entry_id], flush=True)
    w.team.synced.connect(seen)
    ready = False
    def tick():
        global ready
        if not ready and w.team.live and w.team.last_ok is not None:
            ready = True
            print("ready", flush=True)
    from PySide6.QtCore import QTimer
    timer = QTimer(); timer.timeout.connect(tick); timer.start(50)
    sys.exit(app.exec())
""")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CHARTREVIEW_HOME": str(home)}


def template(tmp: Path) -> Path:
    """A scored demo project (the same charts on every laptop)."""
    from chartreview.demo import build_demo
    from chartreview.scoring.params import ScoringParams
    from chartreview.scoring.run import score_project

    path = tmp / "template.sqlite"
    with open_project(path, create=True) as p:
        build_demo(p, weeks=40)
        score_project(p, ScoringParams())
        p.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def record(path: Path, analyst: str, n: int, seed: int) -> None:
    """``n`` verdicts and notes by one analyst, in one local transaction (not timed)."""
    rng = random.Random(seed)
    with open_project(path) as p:
        ids = [r[0] for r in p.conn.execute("SELECT id FROM entries")]
        with reviews.transaction(p):
            for k in range(n):
                entry = rng.choice(ids)
                if k % 5 == 4:
                    audit.set_note(p, entry, f"note {k} by {analyst}", analyst=analyst)
                else:
                    audit.set_verdict(p, entry, rng.choice(("suspicious", "ai", "human")),
                                      analyst=analyst, confidence=rng.randint(1, 4))


def sync_all(paths: list[Path], home: Path) -> tuple[float, list[dict[str, float]]]:
    import json

    t = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", SYNC, str(p)], env=env(home),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in paths]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a sync failed: {stderr}")
        out.append(json.loads(stdout))
    return time.perf_counter() - t, out


def live_latency(cluster: PgCluster, tmp: Path, tpl: Path, samples: int) -> list[float]:
    """Verdicts typed in one window, seen in another window's process."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from chartreview import config
    from chartreview.qt.app import application
    from chartreview.qt.main_window import MainWindow
    from chartreview.store.keys import natural_keys

    paths = {}
    for who in ("live_a", "live_b"):
        paths[who] = tmp / f"{who}.sqlite"
        shutil.copy(tpl, paths[who])
        with open_project(paths[who]) as p:
            rt.connect(p, cluster.url(who, "desk"))
            rt.sync(p)
    watcher = subprocess.Popen([sys.executable, "-c", WATCHER, str(paths["live_b"])],
                               env=env(tmp / "home_b"), stdout=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    lines: queue.Queue[str] = queue.Queue()  # the watcher's output, read as it comes
    threading.Thread(target=lambda: [lines.put(x) for x in watcher.stdout],  # type: ignore[union-attr]
                     daemon=True).start()
    while lines.get().strip() != "ready":
        pass
    app = application()
    w = MainWindow(config.Settings(analyst="live_a"))
    w.show()
    w.open_path(paths["live_a"])
    while not (w.team.live and w.team.last_ok):
        app.processEvents()
        time.sleep(0.01)
    rng = random.Random(5)
    sent: dict[str, float] = {}
    ids = w.model.ids
    for k in range(samples):
        entry = ids[k * 7 % len(ids)]
        w.select(entry)
        app.processEvents()
        key = natural_keys(w.project, [entry])[entry]
        sent[key] = time.time()
        w.label(("suspicious", "ai", "human")[k % 3])  # what the S / A / H keys call
        pause = time.monotonic() + rng.uniform(0.6, 1.2)  # a person's pace
        while time.monotonic() < pause:
            app.processEvents()
            time.sleep(0.005)
    deadline = time.monotonic() + 10
    seen: dict[str, float] = {}
    while len(seen) < len(sent) and time.monotonic() < deadline:
        try:
            text = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        parts = text.rstrip("\n").split(" ", 3)
        if parts[0] == "seen" and parts[3] in sent and parts[3] not in seen:
            seen[parts[3]] = float(parts[1])
    watcher.kill()
    watcher.communicate()
    w.close()
    missing = len(sent) - len(seen)
    if missing:
        print(f"  {missing} verdicts never reached the other window within 10 s")
    return [seen[k] - sent[k] for k in seen]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--analysts", type=int, default=20)
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--live", type=int, default=30, help="live-update samples (0: skip)")
    args = ap.parse_args(argv)
    total = args.analysts * args.events
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    cluster = PgCluster()
    cluster.start()
    with tempfile.TemporaryDirectory(prefix="chartreview-team-bench-") as tmp_name:
        tmp = Path(tmp_name)
        home = tmp / "home"
        home.mkdir()
        os.environ["CHARTREVIEW_HOME"] = str(home)
        try:
            cluster.create_database("desk")
            rt.init_server(cluster.url(ADMIN, "desk"), password=cluster.password)
            names = [f"analyst{n:02d}" for n in range(1, args.analysts + 1)]
            lines = []
            for name in [*names, "newcomer", "live_a", "live_b"]:
                cluster.create_login(name, "pw")
                cluster.admin_sql(f"GRANT chartreview_analyst TO {name}")
                lines.append(f"127.0.0.1:{cluster.port}:*:{name}:pw")
            pgpass = tmp / "pgpass"
            pgpass.write_text("\n".join(lines) + "\n")
            pgpass.chmod(0o600)
            os.environ["PGPASSFILE"] = str(pgpass)
            tpl = template(tmp)
            with open_project(tpl) as p:
                entries = p.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            paths = []
            for n, name in enumerate(names):
                path = tmp / f"{name}.sqlite"
                shutil.copy(tpl, path)
                with open_project(path) as p:
                    rt.connect(p, cluster.url(name, "desk"))
                record(path, name, args.events, n)
                paths.append(path)
            print(f"{args.analysts} laptops x {args.events:,} events = {total:,} events on "
                  f"{entries:,} entries")

            intake: dict[str, float] = {}
            started = time.perf_counter()

            def watch() -> None:  # when does the server hold every event?
                while "all" not in intake and time.perf_counter() - started < 3600:
                    n = int(cluster.admin_sql("SELECT COUNT(*) FROM chartreview.events",
                                              "desk")[0][0])  # type: ignore[arg-type]
                    if n and "first" not in intake:
                        intake["first"] = time.perf_counter() - started
                    if n >= total:
                        intake["all"] = time.perf_counter() - started
                    time.sleep(0.1)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            took1, round1 = sync_all(paths, home)
            watcher.join()
            sent = sum(int(r["sent"]) for r in round1)
            took2, round2 = sync_all(paths, home)
            held = [int(r["held"]) for r in round2]
            into = intake["all"] - intake["first"]
            print(f"round 1 (all {args.analysts} sync at once): {took1:.1f} s. The server "
                  f"held the first event after {intake['first']:.1f} s (processes starting) "
                  f"and all {sent:,} after {intake['all']:.1f} s: {into:.1f} s of intake, "
                  f"{sent / into:,.0f} events/s")
            print(f"round 2 (each takes what it missed): {took2:.1f} s; per laptop, "
                  f"median {statistics.median(r['seconds'] for r in round2):.1f} s")
            ok = all(h == total for h in held)
            print(f"fully synced: every laptop holds {total:,} events: {ok}; "
                  f"{took1 + took2:.1f} s from the first push "
                  f"({total * args.analysts / (took1 + took2):,.0f} event copies/s)")

            fresh = tmp / "newcomer.sqlite"
            shutil.copy(tpl, fresh)
            with open_project(fresh) as p:
                rt.connect(p, cluster.url("newcomer", "desk"))
                t = time.perf_counter()
                r = rt.sync(p)
                took = time.perf_counter() - t
            print(f"a new analyst pulls {r.received:,} events in {took:.1f} s "
                  f"({r.received / took:,.0f} events/s)   goal: 100k in < 30 s")
            print(f"every laptop on its own machine (estimate): fully synced about "
                  f"{into + took:.1f} s after the pushes begin (intake + one laptop's pull)")
            if args.live:
                lat = live_latency(cluster, tmp, tpl, args.live)
                if lat:
                    print(f"live update, window to window ({len(lat)} verdicts): median "
                          f"{statistics.median(lat):.2f} s, p90 {pct(lat, 0.9):.2f} s, "
                          f"max {max(lat):.2f} s   goal: p90 < 2 s")
        finally:
            cluster.destroy()
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
