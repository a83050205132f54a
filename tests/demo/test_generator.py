from __future__ import annotations

from chartreview.demo import build_demo, generate
from chartreview.demo.generator import ORGANIC, PLANTED
from tests.conftest import count


def test_same_seed_same_world_other_seed_other_world() -> None:
    a, b, c = generate(3, weeks=20), generate(3, weeks=20), generate(4, weeks=20)
    for name in a.charts:
        assert a.charts[name].equals(b.charts[name])
    assert not a.charts["Hot 100"].equals(c.charts["Hot 100"])


def test_planted_cases_show_where_planted_and_lookalikes_everywhere() -> None:
    world = generate(11)
    charted = {}
    for name, frame in world.charts.items():
        for t, a in set(zip(frame["title"], frame["artist"], strict=True)):
            charted.setdefault((t, a), set()).add(name)
    patterns = {c.pattern for c in world.cases}
    assert patterns == set(PLANTED) | set(ORGANIC)
    for case in world.cases:
        where = charted.get((case.title, case.artist), set())
        if case.pattern in ("bulk_sales", "ai_flood"):
            assert "Digital Song Sales" in where and "Streaming Songs" not in where, case
        elif case.pattern == "bot_streams":
            assert where == {"Spotify Daily 100|de"}, case
        elif case.pattern in ("viral_hit", "slow_climber", "holiday"):
            assert {"Digital Song Sales", "Streaming Songs", "Hot 100"} <= where, case
    ai = [c for c in world.cases if c.pattern == "ai_flood"]
    assert len({c.artist for c in ai}) == 1 and len(ai) == 8


def test_demo_imports_through_the_import_path(project) -> None:
    world, reports = build_demo(project, seed=5, weeks=16)
    assert all(r.rows_rejected == 0 for r in reports)
    assert count(project, "positions") == sum(len(f) for f in world.charts.values())
    charts = {r[0] for r in project.conn.execute("SELECT name || '/' || metric FROM charts")}
    assert charts == {"Digital Song Sales/sales", "Streaming Songs/streams",
                      "Hot 100/composite", "Spotify Daily 100/streams"}
