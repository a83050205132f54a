"""Syncing through a real PostgreSQL server: entries meet by natural key, every event is
stored once, colleagues' verdicts on entries not imported here wait and apply later."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chartreview.ingest import import_file
from chartreview.review import audit
from chartreview.review import team as rt
from chartreview.store import open_project, queries
from chartreview.store.db import Project
from chartreview.store.keys import entries_by_key, natural_keys
from chartreview.store.team import local
from chartreview.store.team.server import Server, parse_address
from tests.conftest import ONE_ENTRY_SQL, project_before
from tests.team.conftest import WEEKS, Desk, chartreview

pytestmark = pytest.mark.slow


def laptop(tmp_path: Path, name: str, files: list[Path]) -> Project:
    p = open_project(tmp_path / f"{name}.sqlite", create=True)
    for f in files:
        import_file(p, f)
    return p


def key_verdicts(p: Project) -> dict[str, tuple[str, str]]:
    """natural key -> (verdict, analyst) of every entry with a verdict."""
    keys = natural_keys(p)
    return {keys[r[0]]: (r[1], r[2]) for r in
            p.conn.execute("SELECT entry_id, verdict, analyst FROM verdicts")}


def server_uuids(desk: Desk) -> list[str]:
    return sorted(str(r[0]) for r in desk.sql("SELECT uuid FROM chartreview.events"))


def test_natural_key_round_trip(tmp_path: Path) -> None:
    p = laptop(tmp_path, "a", WEEKS[:1])
    keys = natural_keys(p)
    assert len(keys) == 200 and len(set(keys.values())) == 200
    back = entries_by_key(p)
    assert all(back[k] == e for e, k in keys.items())
    e = queries.entry(p, 1)
    assert e is not None
    norm = p.conn.execute("SELECT norm_key FROM tracks WHERE id = ?", (e["track_id"],)).fetchone()
    assert keys[1] == f"spotify top 200|global|weekly|{norm[0]}"


def test_overlapping_imports_meet_and_the_rest_waits(desk: Desk, tmp_path: Path) -> None:
    a = laptop(tmp_path, "a", WEEKS[:2])  # Feb + Mar 2017
    b = laptop(tmp_path, "b", WEEKS[1:])  # Mar 2017 + Apr 2018
    rt.connect(a, desk.url("analyst1"))
    rt.connect(b, desk.url("analyst2"))
    keys_a, by_key_b = natural_keys(a), entries_by_key(b)
    shared = [e for e, k in keys_a.items() if k in by_key_b][:3]
    only_a = [e for e, k in keys_a.items() if k not in by_key_b][:3]
    assert len(shared) == 3 and len(only_a) == 3
    for e in shared + only_a:
        audit.set_verdict(a, e, "suspicious", analyst="analyst1", note=f"seen {e}")
    sent = rt.sync(a)
    assert sent.sent == 6 and desk.count() == 6
    got = rt.sync(b)
    assert got.received == 6 and got.waiting_entries == 3
    for e in shared:  # the same song on the same chart, whatever its local id
        row = queries.entry(b, by_key_b[keys_a[e]])
        assert row is not None
        assert (row["verdict"], row["analyst"]) == ("suspicious", "analyst1")
        assert row["note"] is None  # analyst1's note is in the history, not in b's editor
        assert [ev["note"] for ev in queries.events(b, row["entry_id"])] == [f"seen {e}"]
    st = rt.status(b, online=False)
    assert st.pending == {"verdict": 3} and st.pending_entries == 3
    assert any("3 verdicts on entries you have not imported" in line for line in st.lines())
    # b imports the week it lacked: the waiting verdicts apply at the next sync
    import_file(b, WEEKS[0])
    later = rt.sync(b)
    assert later.applied_waiting == 3 and later.waiting_entries == 0
    assert key_verdicts(b) == key_verdicts(a)
    assert local.pending(b) == {}
    assert rt.sync(b).received == 0  # nothing twice


def test_pushing_again_stores_each_event_once(desk: Desk, tmp_path: Path) -> None:
    a = laptop(tmp_path, "a", WEEKS[:1])
    rt.connect(a, desk.url("analyst1"))
    for e in range(1, 21):
        audit.set_verdict(a, e, "ai", analyst="analyst1")
    # The server took a batch but the laptop never heard back (a cut connection):
    with Server.connect(parse_address(desk.url("analyst1"))) as server:
        assert server.push(local.outbox(a, "analyst1", 8)) == 8
    assert local.waiting(a, "analyst1") == 20
    report = rt.sync(a)
    assert (report.sent, report.new_on_server) == (20, 12)
    assert desk.count() == 20
    # Every confirmation lost: all sent again, none stored twice
    a.conn.execute("UPDATE review_events SET shared_at = NULL")
    assert rt.sync(a).new_on_server == 0
    assert desk.count() == 20 and len(set(server_uuids(desk))) == 20


def test_disagreement_becomes_disputed_until_a_lead_decides(
        desk: Desk, tmp_path: Path, laptop_template: Path) -> None:
    projects = {}
    for name in ("analyst1", "analyst2", "lead1"):
        shutil.copy(laptop_template, tmp_path / f"{name}.sqlite")
        projects[name] = open_project(tmp_path / f"{name}.sqlite")
        rt.connect(projects[name], desk.url(name))
    a1, a2, lead = projects["analyst1"], projects["analyst2"], projects["lead1"]
    audit.set_verdict(a1, 5, "suspicious", analyst="analyst1", confidence=3)
    audit.set_verdict(a2, 5, "human", analyst="analyst2", note="a real hit")
    audit.set_verdict(a1, 6, "ai", analyst="analyst1")
    audit.set_verdict(a2, 6, "ai", analyst="analyst2")
    for p in (a1, a2, lead, a1):
        rt.sync(p)
    for p in (a1, a2, lead):
        assert queries.entry(p, 5)["verdict"] == "disputed"  # type: ignore[index]
        assert queries.entry(p, 6)["verdict"] == "ai"  # type: ignore[index]
        assert local.disputed(p) == [5]
    # a2's own note stays in a2's editor; a1 sees it only in the history
    assert queries.entry(a2, 5)["note"] == "a real hit"  # type: ignore[index]
    assert queries.entry(a1, 5)["note"] is None  # type: ignore[index]
    with pytest.raises(rt.TeamError, match="Only a lead"):
        rt.adjudicate(a1, 5, "suspicious", "my call")
    rt.adjudicate(lead, 5, "suspicious", "streams flat at 3 a.m.")
    rt.sync(a1)
    for p in (a1, lead):
        row = queries.entry(p, 5)
        assert row is not None
        assert (row["verdict"], row["analyst"]) == ("suspicious", "lead1")
        assert local.disputed(p) == []
    # Each analyst's own verdict stays on record for the report and the agreement figures
    judged = local.judgements_of(a1, [5])[5]
    assert [(j.analyst, j.verdict) for j in judged] == [("analyst1", "suspicious"),
                                                         ("analyst2", "human")]
    [pair] = rt.status(a1, online=False).agreement
    assert (pair.a, pair.b, pair.entries, pair.agreed) == ("analyst1", "analyst2", 2, 1)
    assert pair.kappa == pytest.approx(1 / 3)  # p_o 1/2, p_e 1/4
    for p in projects.values():
        p.close()


def test_undo_travels_and_takes_the_verdict_back(desk: Desk, tmp_path: Path) -> None:
    a = laptop(tmp_path, "a", WEEKS[:1])
    b = laptop(tmp_path, "b", WEEKS[:1])
    rt.connect(a, desk.url("analyst1"))
    rt.connect(b, desk.url("analyst2"))
    audit.set_verdict(a, 3, "ai", analyst="analyst1")
    rt.sync(a)
    rt.sync(b)
    assert queries.entry(b, 3)["verdict"] == "ai"  # type: ignore[index]
    audit.undo_last(a, analyst="analyst1")
    rt.sync(a)
    rt.sync(b)
    assert queries.entry(b, 3) is not None and queries.entry(b, 3)["verdict"] is None  # type: ignore[index]
    assert desk.count() == 2


def test_old_projects_get_a_uuid_on_every_event(tmp_path: Path) -> None:
    """A project from before team review: m0006 gives its events UUIDs, data intact."""
    old = tmp_path / "old.sqlite"
    project_before(old, "m0006_team_sync", ONE_ENTRY_SQL + "".join(
        "INSERT INTO review_events (entry_id, kind, verdict, analyst, at) "
        f"VALUES (1, 'verdict', 'ai', 'old', '2024-01-0{n + 1}T00:00:00');" for n in range(3)))
    with open_project(old) as p:
        uuids = [r[0] for r in p.conn.execute("SELECT uuid FROM review_events")]
        assert len(uuids) == 3 and len(set(uuids)) == 3 and all(uuids)
        assert p.conn.execute("SELECT COUNT(*) FROM review_events WHERE verdict = 'ai'"
                              ).fetchone()[0] == 3
        audit.set_verdict(p, 1, "human", analyst="new")
        assert p.conn.execute("SELECT COUNT(DISTINCT uuid) FROM review_events").fetchone()[0] == 4


def test_disconnect_keeps_everything_and_reconnect_resumes(desk: Desk, tmp_path: Path) -> None:
    a = laptop(tmp_path, "a", WEEKS[:1])
    b = laptop(tmp_path, "b", WEEKS[:1])
    rt.connect(a, desk.url("analyst1"))
    rt.connect(b, desk.url("analyst2"))
    audit.set_verdict(a, 4, "ai", analyst="analyst1")
    rt.sync(a)
    assert rt.sync(b).received == 1
    assert rt.disconnect(b) is True
    with pytest.raises(rt.TeamError, match="is not connected to a team server"):
        rt.sync(b)
    assert "disconnected" in rt.status(b).lines()[0]
    assert queries.entry(b, 4)["verdict"] == "ai"  # type: ignore[index]
    audit.set_verdict(a, 5, "human", analyst="analyst1")
    rt.sync(a)
    rt.connect(b, desk.url("analyst2"))
    again = rt.sync(b)
    assert again.received == 1  # only what is new: the cursor was kept
    assert rt.disconnect(b) is True and rt.disconnect(b) is False


def test_a_sync_killed_before_refolding_is_finished_by_the_next(desk: Desk,
                                                                 tmp_path: Path) -> None:
    a = laptop(tmp_path, "a", WEEKS[:1])
    b = laptop(tmp_path, "b", WEEKS[:1])
    rt.connect(a, desk.url("analyst1"))
    rt.connect(b, desk.url("analyst2"))
    for e in (7, 8, 9):
        audit.set_verdict(a, e, "suspicious", analyst="analyst1")
    rt.sync(a)
    # b stores the batch and its cursor, then dies before refolding the entries
    with Server.connect(parse_address(desk.url("analyst2"))) as server:
        rows, cursor = server.pull_events((0, 0), 100)
    local.apply_pulled(b, rows, cursor, entries_by_key(b))
    assert [queries.entry(b, e)["verdict"] for e in (7, 8, 9)] == [None] * 3  # type: ignore[index]
    report = rt.sync(b)
    assert report.received == 0 and report.entry_ids == {7, 8, 9}
    assert [queries.entry(b, e)["verdict"] for e in (7, 8, 9)] == ["suspicious"] * 3  # type: ignore[index]


HIPSTER = WEEKS[0].parent
TWO_CHARTS = [HIPSTER / f"hipstervizninja_top200__weekly__{c}__top200_weekly_charts_from_"
              f"2019-12-30_to_{end}.csv"
              for c, end in (("global", "2020-01-08"), ("germany", "2020-01-05"))]


def test_a_case_decision_travels_as_one_and_one_undo_takes_it_back(desk: Desk,
                                                                   tmp_path: Path) -> None:
    from chartreview.store import cases as store_cases

    a = laptop(tmp_path, "a", TWO_CHARTS)
    b = laptop(tmp_path, "b", TWO_CHARTS[::-1])  # other order: other local ids
    case = next(c for c in store_cases.cases(a, None, "song") if len(c.entry_ids) >= 2)
    keys = natural_keys(a, case.entry_ids)
    rt.connect(a, desk.url("analyst1"))
    rt.connect(b, desk.url("analyst2"))
    audit.decide(a, list(case.entry_ids), "suspicious", analyst="analyst1", seconds=12.5,
                 campaign=("2019-12-26", "2020-01-02"), watch=True)
    rt.sync(a)
    assert desk.sql("SELECT COUNT(DISTINCT batch), COUNT(*), MIN(range_from)::text, "
                    "MIN(seconds) FROM chartreview.events") == [
        (1, len(case.entry_ids), "2019-12-26", 12.5)]
    rt.sync(b)
    back = entries_by_key(b)
    runs_b = [back[keys[e]] for e in case.entry_ids]
    rows = b.conn.execute(
        "SELECT verdict, analyst, range_from, range_to, watch FROM verdicts WHERE entry_id IN "
        f"({', '.join('?' for _ in runs_b)})", runs_b).fetchall()
    # the colleague's verdict and campaign show; the watch is analyst1's own, not b's
    assert rows == [("suspicious", "analyst1", "2019-12-26", "2020-01-02", None)] * len(runs_b)
    batches = {r[0] for r in b.conn.execute(
        "SELECT batch FROM review_events WHERE analyst = 'analyst1'")}
    assert len(batches) == 1 and None not in batches  # one decision on b's laptop too
    assert b.conn.execute("SELECT COUNT(*) FROM review_events").fetchone()[0] == len(runs_b)

    audit.undo_last(a, analyst="analyst1")  # one undo: every run of the case
    rt.sync(a)
    rt.sync(b)
    assert {r[0] for r in b.conn.execute(
        "SELECT verdict FROM verdicts WHERE entry_id IN "
        f"({', '.join('?' for _ in runs_b)})", runs_b)} <= {None}

    # the lead decides the whole case from the command line: one decision on every run
    lead = laptop(tmp_path, "lead", TWO_CHARTS)
    rt.connect(lead, desk.url("lead1"))
    lead_run = entries_by_key(lead)[keys[case.entry_ids[0]]]
    lead.close()
    out = chartreview("team", "adjudicate", str(lead_run), "--case", "--verdict", "ai",
                      "--reason", "one voice on every chart", "--db", str(tmp_path / "lead.sqlite"),
                      home=tmp_path / "lead_home").stdout
    others = len(case.entry_ids) - 1
    assert out.startswith(f"Entry {lead_run} and the song's {others} other run")
    assert sorted(r[0] for r in desk.sql("SELECT natural_key FROM chartreview.decisions")) == \
        sorted(keys.values())
    rt.sync(b)
    assert {r[0] for r in b.conn.execute(
        "SELECT verdict FROM verdicts WHERE entry_id IN "
        f"({', '.join('?' for _ in runs_b)})", runs_b)} == {"ai"}
    a.close()
    b.close()


def test_an_event_that_breaks_the_labelling_rules_is_refused_not_stored(
        desk: Desk, tmp_path: Path) -> None:
    import psycopg

    b = laptop(tmp_path, "b", WEEKS[:1])
    rt.connect(b, desk.url("analyst2"))
    key = natural_keys(b, [4])[4]
    before = b.conn.execute("SELECT COUNT(*) FROM review_events").fetchone()[0]
    # a client that skips chartreview's checks: 30 tags, and a verdict dated next year
    with psycopg.connect(host="127.0.0.1", port=desk.pg.port, dbname=desk.db,
                         user="analyst1", autocommit=True) as conn:
        conn.execute("INSERT INTO chartreview.events (uuid, natural_key, kind, verdict, tags, "
                     "at) VALUES (gen_random_uuid(), %s, 'verdict', 'ai', %s::jsonb, now())",
                     (key, "[" + ", ".join(f'"t{i}"' for i in range(30)) + "]"))
        conn.execute("INSERT INTO chartreview.events (uuid, natural_key, kind, verdict, at) "
                     "VALUES (gen_random_uuid(), %s, 'verdict', 'human', "
                     "now() + interval '400 days')", (key,))
        conn.execute("INSERT INTO chartreview.events (uuid, natural_key, kind, verdict, at) "
                     "VALUES (gen_random_uuid(), %s, 'verdict', 'suspicious', now())", (key,))
    report = rt.sync(b)
    assert len(report.refused) == 2
    assert all(s.startswith("Refused analyst1's verdict event ") and s.endswith(
        "; it was not stored.") for s in report.refused)
    assert "tags" in report.refused[0] and "future" in report.refused[1]
    assert "refused 2 that break the rules of 'chartreview label'" in report.summary()
    # the one good event is stored and in effect; the refused two are nowhere
    assert b.conn.execute("SELECT COUNT(*) FROM review_events").fetchone()[0] == before + 1
    assert queries.entry(b, 4)["verdict"] == "suspicious"  # type: ignore[index]
    assert rt.sync(b).refused == []  # the cursor moved past them: refused once, not again
    b.close()
