"""Detection quality: two independent world generators, per kind, an ablation, real data.

Run by hand: ``.venv/bin/python benchmarks/detection.py`` (``--quick`` for one world of
each generator and no ablation). Each world is generated, imported through
``import_file`` and scored with ``score_project``, as the CLI does.

* generator A (``chartreview.demo.generator``, the demo): bulk sales, bot streams, an AI
  act's flood; album weeks, viral hits, holiday songs, slow climbers.
* generator B (``chartreview.demo.market``, written apart from A, with its own model of
  demand, regions and charts): stream farms with a copied weekly rhythm, slow bulk
  buying, an AI catalogue over many small acts, paid playlist spikes, bundled debuts,
  bulk-sold albums; album drops, TikTok climbs, catalogue revivals, festival weeks,
  holiday songs, radio climbers.

Positives: the planted entries on the charts where the manipulation was done. Negatives:
every entry of an organic track. A planted track's other entries are neither.

Tuning used seed 7 of A and seed 17 of B only. Held-back seeds, once looked at, are
held back no more: 101-404 and 505-1212 were looked at while fixing what they showed,
1313-1616 once (which led to one change, scoring 2.1); the default, 1717-2020, was run
once after the last change (benchmarks/README.md). ``--ablation`` scores every world
again with one signal or organic pattern switched off (its weight or damping 0) and
reports the mean AP.

The real samples in shared/data are scored as one project (the whole 1958-2019 Hot 100
among them) and as the Hot 100 alone: how many entries score 50, 80 or more.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from chartreview.demo import build_demo
from chartreview.demo.market import build_market
from chartreview.ingest import ImportOptions, import_file
from chartreview.scoring.params import ScoringParams
from chartreview.scoring.run import score_project
from chartreview.store import Project, open_project, queries

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
ABLATE: dict[str, str | tuple[str, ...]] = {  # a signal's weight(s) or a pattern's damping
    "cross_chart": "w_cross_chart", "regional": "w_regional", "smooth_streams": "w_smooth",
    "debut_crash": "w_debut_crash", "cliff_exit": "w_cliff_exit",
    "low_volume": "w_low_volume", "spike": "w_spike", "viral_only": "w_viral_only",
    "album_alone": "w_album_alone", "new_artist": "w_new_artist",
    "flood": ("w_flood", "w_flood_alone"),
    "new_wave": "w_new_wave",
    "album_week (organic)": "d_album_week", "catalogue (organic)": "d_catalogue",
    "event (organic)": "d_event", "seasonal (organic)": "d_seasonal",
    "slow_climb (organic)": "d_slow_climb", "broad (organic)": "d_broad",
    "buyers (organic)": "d_buyers", "heard (organic)": "d_heard",
    "steady (organic)": "d_steady",
}


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    y = labels[order]
    hits = np.cumsum(y)
    precision = hits / np.arange(1, len(y) + 1)
    return float((precision * y).sum() / max(1, y.sum()))


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


@dataclass
class World:
    generator: str
    seed: int
    weeks: int
    project: Project
    truth: dict[tuple[str, str], tuple[str, bool, tuple[str, ...]]]
    build_seconds: float


BUILDERS: dict[str, Callable[..., tuple[object, list[object]]]] = {
    "A": lambda p, seed, weeks: build_demo(p, seed=seed, weeks=weeks),
    "B": lambda p, seed, weeks: build_market(p, seed=seed, weeks=weeks),
}


def make_world(generator: str, seed: int, weeks: int, folder: Path) -> World:
    started = time.perf_counter()
    project = open_project(folder / f"{generator}-{seed}-{weeks}.sqlite", create=True)
    world, _ = BUILDERS[generator](project, seed, weeks)
    truth = {(c.title, c.artist): (c.pattern, c.planted, c.charts)
             for c in world.cases}  # type: ignore[attr-defined]
    return World(generator, seed, weeks, project, truth, time.perf_counter() - started)


def labelled(w: World, params: ScoringParams) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                         float, int]:
    started = time.perf_counter()
    report = score_project(w.project, params, force=True)
    seconds = time.perf_counter() - started
    y, s, kind = [], [], []
    for r in queries.list_entries(w.project, sort="entry"):
        name, _, rest = r["chart"].partition(" (")
        region = rest.split(",")[0]
        case = w.truth.get((r["title"], r["artist"]))
        if case is None:
            y.append(0)
            kind.append("organic")
        else:
            pattern, planted, charts = case
            if planted:
                if name not in charts and f"{name}|{region}" not in charts:
                    continue  # a planted track's other entries: neither
                y.append(1)
            else:
                y.append(0)
            kind.append(pattern)
        s.append(r["score"] or 0.0)
    return np.array(y), np.array(s), np.array(kind), seconds, report.positions


def metrics(y: np.ndarray, s: np.ndarray, kind: np.ndarray) -> dict[str, object]:
    k = int(y.sum())
    top = np.argsort(-s, kind="stable")[:k]
    per_kind = {}
    for pattern in sorted(set(kind[y == 1])):
        keep = (y == 0) | (kind == pattern)
        per_kind[pattern] = average_precision(y[keep], s[keep])
    median_planted = float(np.median(s[y == 1]))
    lookalikes = {p: int(((kind == p) & (y == 0) & (s > median_planted)).sum())
                  for p in sorted(set(kind[y == 0]))}
    return {"ap": average_precision(y, s), "p_at_k": float(y[top].mean()),
            "auc": roc_auc(y, s), "planted": k, "entries": len(y),
            "per_kind": per_kind, "lookalikes": lookalikes,
            "worst_negative": float(s[y == 0].max()), "min_planted": float(s[y == 1].min())}


def evaluate_real() -> list[tuple[str, int, int, int, int]]:
    """(sample, entries, >=50, >=80, max) for every real file and for all of them."""
    files = sorted(p for p in SHARED.rglob("*") if p.suffix in (".csv", ".json"))
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        everything = open_project(Path(tmp) / "all.sqlite", create=True)
        for path in files:
            opts = ImportOptions(date="2019-12-29") if "latest" in path.name else None
            import_file(everything, path, opts)
            one = open_project(Path(tmp) / f"{path.stem}.sqlite", create=True)
            import_file(one, path, opts)
            score_project(one, ScoringParams())
            out.append((path.name, *_bands(one)))
            one.close()
        score_project(everything, ScoringParams())
        out.append(("all samples in one project", *_bands(everything)))
        everything.close()
    return out


def _bands(project: Project) -> tuple[int, int, int, float]:
    scores = [r[0] for r in project.conn.execute("SELECT score FROM scores")]
    a = np.array(scores or [0.0])
    return len(scores), int((a >= 50).sum()), int((a >= 80).sum()), float(a.max())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1717, 1818, 1919, 2020])
    ap.add_argument("--weeks-a", type=int, nargs="+", default=[64, 80])
    ap.add_argument("--weeks-b", type=int, nargs="+", default=[64, 80])
    ap.add_argument("--generators", nargs="+", default=["A", "B"])
    ap.add_argument("--ablation", action="store_true", help="also score without each signal")
    ap.add_argument("--no-real", action="store_true", help="skip the real samples")
    ap.add_argument("--quick", action="store_true", help="one world of each generator")
    args = ap.parse_args(argv)
    if args.quick:
        args.seeds, args.weeks_a, args.weeks_b = args.seeds[:1], [64], [80]
    base = ScoringParams()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        worlds = [make_world(g, seed, weeks, Path(tmp)) for g in args.generators
                  for seed in args.seeds
                  for weeks in (args.weeks_a if g == "A" else args.weeks_b)]
        print("gen seed weeks  entries planted    AP   P@k   AUC  worst-organic  min-planted"
              "  positions/s")
        kinds: dict[str, dict[str, list[float]]] = {}
        aps: dict[str, list[float]] = {}
        for w in worlds:
            y, s, kind, seconds, positions = labelled(w, base)
            r = metrics(y, s, kind)
            ok &= r["ap"] >= 0.97  # type: ignore[operator]
            aps.setdefault(w.generator, []).append(r["ap"])  # type: ignore[arg-type]
            for pattern, v in r["per_kind"].items():  # type: ignore[attr-defined]
                kinds.setdefault(w.generator, {}).setdefault(pattern, []).append(v)
            above = {p: n for p, n in r["lookalikes"].items() if n}  # type: ignore[attr-defined]
            print(f"  {w.generator} {w.seed:>4} {w.weeks:>5} {r['entries']:>8} {r['planted']:>7} "
                  f"{r['ap']:.3f} {r['p_at_k']:.3f} {r['auc']:.3f} {r['worst_negative']:>14.1f} "
                  f"{r['min_planted']:>12.1f} {positions / seconds:>12,.0f}"
                  + (f"  look-alikes above the median planted: {above}" if above else ""))
        print("\nAP per planted kind (min / mean over the held-back worlds):")
        for g, per in kinds.items():
            for pattern, values in per.items():
                print(f"  {g} {pattern:<16} {min(values):.3f} / {np.mean(values):.3f}")
        for g, values in aps.items():
            print(f"generator {g}: mean AP {np.mean(values):.3f}, min {min(values):.3f} "
                  "(goal: every world >= 0.97)")
        if args.ablation:
            print("\nAblation: mean AP with one signal or organic pattern switched off")
            print(f"  {'switched off':<24}" + "".join(f"  gen {g} (all on "
                                                   f"{np.mean(aps[g]):.3f})"
                                                   for g in args.generators))
            for label, field in ABLATE.items():
                fields = field if isinstance(field, tuple) else (field,)
                params = replace(base, **dict.fromkeys(fields, 0.0))
                cells = []
                for g in args.generators:
                    vals = [metrics(*labelled(w, params)[:3])["ap"] for w in worlds
                            if w.generator == g]
                    cells.append(f"{np.mean(vals):>22.3f}")  # type: ignore[arg-type]
                print(f"  {label:<24}" + "".join(cells))
        for w in worlds:
            w.project.close()
    if SHARED.is_dir() and not args.no_real:
        print("\nReal samples (each file alone, then all together): entries, >= 50, >= 80, max")
        for name, n, fifty, eighty, top in evaluate_real():
            print(f"  {name[:70]:<70} {n:>7,} {fifty:>5} {eighty:>5} {top:>6.1f}")
    print("\nevery held-back world >= 0.97 AP:", "yes" if ok else "NO")
    return 0


if __name__ == "__main__":
    sys.exit(main())
