"""The case queue as a state machine: progress with an end, pace, defer, undo, the
watchlist bringing cases back after an import, temporary queues, saved filters."""

from __future__ import annotations

import pytest

from chartreview.domain import ChartreviewError
from chartreview.review import queue as q
from chartreview.review.session import QueueSession
from chartreview.store import cases as store_cases
from chartreview.store import queries
from tests.review.charts import SONGS, fake_scores, load, two_charts, write_weeks


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def loaded(project, tmp_path):
    two_charts(project, tmp_path)
    fake_scores(project)
    return project


def _session(project, **kw):
    clock = Clock()
    s = QueueSession(project, kw.pop("definition", q.QueueDef(min_score=50)), analyst="ana",
                     clock=clock, **kw)
    s.load()
    return s, clock


def _title(project, case) -> str:
    return queries.entry(project, case.top_entry)["title"]


def test_progress_counts_cases_in_scope_and_the_pace_gives_the_time_left(loaded) -> None:
    s, clock = _session(loaded)
    scope = store_cases.cases(loaded, q.QueueDef(min_score=50).filter(loaded, scope=True))
    assert s.state == "showing" and s.progress().total == len(scope) > 5
    assert s.progress().text() == f"Queue: 0 of {len(scope)} done"  # no pace yet
    first = s.current
    clock.now += 30
    s.decide("human")
    assert s.current != first and s.state == "showing"
    clock.now += 90
    s.decide("suspicious")
    p = s.progress()
    assert (p.done, p.pace_s) == (2, 60.0)  # median of 30 s and 90 s
    assert p.text() == f"Queue: 2 of {p.total} done · ~{round(p.left)} min left"
    seconds = loaded.conn.execute(
        "SELECT DISTINCT seconds FROM review_events ORDER BY 1").fetchall()
    assert seconds == [(30.0,), (90.0,)]  # measured from the case shown to the key


def test_walk_by_score_defer_to_the_end_and_finish_with_a_summary(loaded) -> None:
    s, clock = _session(loaded)
    order = [c.group_id for c in s.queue.cases]
    scores = [c.score for c in s.queue.cases]
    assert scores == sorted(scores, reverse=True)
    deferred = s.current.group_id
    s.defer()  # Space
    assert s.current.group_id == order[1]
    assert [c.group_id for c in s.queue.cases][-1] == deferred
    for _ in range(len(order) - 1):
        clock.now += 5
        s.decide("human")
    assert s.current.group_id == deferred and s.state == "showing"  # the deferred one last
    clock.now += 5
    s.decide("ai")
    assert s.state == "finished" and s.current is not None
    summary = s.summary()
    assert summary.decided == len(order)
    assert summary.by_verdict == {"suspicious": 0, "ai": 1, "human": len(order) - 1}
    assert summary.deferred == 1 and summary.seconds == 5 * len(order)
    assert summary.progress.text().endswith("finished")
    assert "Disputed (runs or analysts disagree): 0." in summary.lines()
    # a verdict key on a finished queue does nothing
    assert s.decide("human") is None


def test_undo_goes_back_to_the_case_and_reopens_a_finished_queue(loaded) -> None:
    s, _ = _session(loaded, definition=q.QueueDef(min_score=90))
    n = len(s.queue.cases)
    for _ in range(n):
        last = s.current
        s.decide("suspicious")
    assert s.state == "finished" and s.progress().done == n
    s.undo()
    assert s.state == "showing" and s.current.group_id == last.group_id
    assert s.progress().done == n - 1
    assert all(queries.entry(loaded, e)["verdict"] is None for e in last.entry_ids)


def test_a_disputed_case_is_counted_in_the_summary(loaded) -> None:
    from chartreview.review import audit

    s, _ = _session(loaded)
    case = s.current
    audit.set_verdict(loaded, case.entry_ids[0], "human", analyst="bo")
    s.decide("suspicious")
    assert [c.group_id for c in s.summary().disputed] == [case.group_id]


def test_act_cases_and_a_re_review_queue(loaded) -> None:
    s, _ = _session(loaded, definition=q.QueueDef(grouping="act"))
    act = s.current
    assert len(act.entry_ids) >= 2
    s.decide("ai")
    titles = {queries.entry(loaded, e)["title"] for e in act.entry_ids}
    assert len(titles) == 2  # both of the act's songs, on every chart
    assert all(queries.entry(loaded, e)["verdict"] == "ai" for e in act.entry_ids)
    again, _ = _session(loaded, definition=q.QueueDef(verdict="ai", grouping="act"))
    assert [c.group_id for c in again.queue.cases] == [act.group_id]
    assert again.progress().text().startswith("Queue: 0 of 1 done")  # counts its own
    again.decide("human")
    assert again.state == "finished"


def test_temporary_queue_walks_its_cases_and_escape_returns(loaded) -> None:
    s, _ = _session(loaded)
    home = s.current
    others = store_cases.cases(loaded)[-3:]
    s.push("More like this", others, {c.group_id: "because" for c in others})
    assert s.current == others[0] and s.reason == "because"
    s.decide("human")
    assert s.current == others[1]  # decided in the temporary queue, which goes on
    assert s.pop() and s.current == home and not s.pop()


def test_a_watched_case_comes_back_on_new_weeks_with_what_changed(loaded, tmp_path) -> None:
    s, _ = _session(loaded)
    case = s.current
    title = _title(loaded, case)
    s.decide("suspicious", watch=True, campaign=("2025-01-04", "2025-01-11"))
    assert q.watch_changes(loaded) == []
    s.load()  # decided in this session: still listed, no longer to decide
    listed = next(c for c in s.queue.cases if c.group_id == case.group_id)
    assert not s.pending(listed) and s.current.group_id != case.group_id
    # three more weeks of the Hot 100 arrive for that song (and only it)
    song = next(x for x in SONGS if x[0] == title)
    load(loaded, write_weeks(tmp_path / "later.csv", range(4, 7), [song], lambda i, w: 50),
         "Hot 100")
    changes = q.watch_changes(loaded)
    assert [c.group_id for c in changes] == [case.group_id]
    assert changes[0].reason() == "3 new weeks"
    s.load()
    assert s.current.group_id == case.group_id and s.reason == "3 new weeks"
    done_before = s.progress().done
    s.decide("suspicious")  # judged again: a new baseline, off the watchlist's changes
    assert q.watch_changes(loaded) == []
    assert s.progress().done == done_before + 1


def test_a_score_change_beyond_the_threshold_says_which_signal_fired(loaded) -> None:
    s, _ = _session(loaded)
    case = s.current
    s.decide("human", watch=True)
    top = case.top_entry
    before = case.score

    def rescore(by: float) -> None:
        for e in case.entry_ids:
            loaded.conn.execute("UPDATE scores SET score = ? WHERE entry_id = ?",
                                (queries.entry(loaded, e)["score"] + by, e))

    # a re-score moves it by 5: not enough; by 30 with a new signal: back in the queue
    rescore(-5)
    assert q.watch_changes(loaded) == []
    rescore(-25)
    loaded.conn.execute("INSERT INTO signals (entry_id, signal, value, contribution, reason, "
                        "reference) VALUES (?, 'smooth_streams', 0.9, 40, 'flat', 'x')", (top,))
    (change,) = q.watch_changes(loaded)
    assert change.reason() == (f"score {before:.0f} → {before - 30:.0f}: smooth streams "
                               "fired")
    assert q.watch_changes(loaded, score_change=31) == []


def test_saved_queue_round_trip_and_description(loaded) -> None:
    d = q.QueueDef(min_score=60, charts="Sales", verdict="unreviewed")
    q.save(loaded, "sales 60", d)
    assert q.load(loaded, "sales 60") == d
    assert d.describe() == "score ≥ 60, unreviewed, Sales charts"
    with pytest.raises(ChartreviewError, match="No chart matches"):
        q.save(loaded, "none", q.QueueDef(charts="Country"))
    with pytest.raises(ChartreviewError, match="no saved queue"):
        q.load(loaded, "nope")
    assert list(q.saved(loaded)) == ["sales 60"]


def test_duration_text() -> None:
    assert [q.duration_text(s) for s in (20, 240, 3600, 7800)] == [
        "<1 min", "~4 min", "~1 h", "~2 h 10 min"]
