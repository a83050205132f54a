"""The second world generator: deterministic, its cases where its description puts them."""

from __future__ import annotations

from chartreview.demo.market import ORGANIC, PLANTED, build_market, generate_market
from tests.conftest import count


def test_same_seed_same_market_other_seed_other_market() -> None:
    a, b, c = (generate_market(s, weeks=20) for s in (3, 3, 4))
    for name in a.charts:
        assert a.charts[name].equals(b.charts[name])
    assert not a.charts["Hot 100"].equals(c.charts["Hot 100"])


def test_planted_cases_chart_where_planted_and_lookalikes_broadly() -> None:
    world = generate_market(11, weeks=64)
    charted: dict[tuple[str, str], set[str]] = {}
    for name, frame in world.charts.items():
        for t, a in set(zip(frame["title"], frame["artist"], strict=True)):
            charted.setdefault((t, a), set()).add(name)
    assert {c.pattern for c in world.cases} == set(PLANTED) | set(ORGANIC)
    for case in world.cases:
        where = charted.get((case.title, case.artist), set())
        if case.planted and case.pattern != "ai_catalogue":
            assert set(case.charts) <= where, case  # the campaign reached its chart
        if case.pattern in ("stream_farm", "playlist_spike"):
            spotify = {w for w in where if w.startswith("Spotify Daily")}
            assert spotify == set(case.charts), case  # one region only
        if case.pattern in ("slow_bulk", "bundle_debut"):
            assert "Streaming Songs" not in where, case  # bought, not streamed
        if case.pattern == "tiktok_viral":
            assert {"Viral 50", "Streaming Songs", "Hot 100"} <= where, case
    ai = [c for c in world.cases if c.pattern == "ai_catalogue"]
    assert len({c.artist for c in ai}) == 12  # many small acts of one or two titles
    on_chart = [c for c in ai if "Country Digital Song Sales" in charted.get(
        (c.title, c.artist), set())]
    assert len(on_chart) >= 12
    top = world.charts["Country Digital Song Sales"]
    number_ones = set(zip(top.loc[top["rank"] == 1, "title"], top.loc[top["rank"] == 1,
                                                                       "artist"], strict=True))
    assert any((c.title, c.artist) in number_ones for c in ai)  # one of them a No. 1


def test_market_imports_through_the_import_path(project) -> None:
    world, reports = build_market(project, seed=5, weeks=16)
    assert all(r.rows_rejected == 0 for r in reports)
    assert count(project, "positions") == sum(len(f) for f in world.charts.values())
    kinds = dict(project.conn.execute("SELECT name || '|' || region, metric FROM charts"))
    assert kinds["Top Albums|us"] == "composite" and kinds["Viral 50|us"] == "viral"
    assert kinds["Country Digital Song Sales|us"] == "sales"
    assert kinds["Spotify Daily|br"] == "streams"
