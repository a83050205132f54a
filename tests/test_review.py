"""Verdicts, notes and undo: the current state always follows the append-only log."""

from __future__ import annotations

import pytest

from chartreview.domain import ChartreviewError
from chartreview.ingest import import_file
from chartreview.review import audit
from chartreview.review.session import ReviewSession
from chartreview.store import queries
from tests.conftest import count


@pytest.fixture
def loaded(project, shared):
    import_file(project, shared / "billboard/hot100_recent.json")
    return project


def test_verdict_then_note_then_undo(loaded) -> None:
    eid = queries.entry_ids(loaded, sort="entry")[0]
    ev1, changes = audit.set_verdict(loaded, eid, "suspicious", analyst="ana", tags=["bulk"],
                                     confidence=3, note="sales spike")
    assert changes.entry_ids == {eid} and changes.verdicts
    e = queries.entry(loaded, eid)
    assert (e["verdict"], e["note"], e["confidence"], e["analyst"]) == (
        "suspicious", "sales spike", 3, "ana")
    audit.set_note(loaded, eid, "checked the label's history", analyst="bo")
    assert queries.entry(loaded, eid)["note"] == "checked the label's history"
    assert audit.undo_last(loaded, analyst="bo") is not None
    assert queries.entry(loaded, eid)["note"] == "sales spike"
    audit.undo(loaded, ev1, analyst="ana")
    assert queries.entry(loaded, eid)["verdict"] is None
    kinds = [e["kind"] for e in queries.events(loaded, eid)]
    assert kinds == ["verdict", "note", "undo", "undo"]  # nothing deleted
    assert count(loaded, "review_events") == 4


def test_undo_of_undo_redoes(loaded) -> None:
    eid = queries.entry_ids(loaded, sort="entry")[1]
    ev, _ = audit.set_verdict(loaded, eid, "ai", analyst="ana")
    u, _ = audit.undo(loaded, ev, analyst="ana")
    assert queries.entry(loaded, eid)["verdict"] is None
    audit.undo(loaded, u, analyst="ana")
    assert queries.entry(loaded, eid)["verdict"] == "ai"


def test_bad_input_is_refused_and_nothing_written(loaded) -> None:
    eid = queries.entry_ids(loaded, sort="entry")[0]
    for kwargs, message in (({"verdict": "fake"}, "Unknown verdict"),
                            ({"verdict": "ai", "confidence": 7}, "Confidence"),
                            ({"verdict": "ai", "analyst": " "}, "analyst name")):
        args = {"analyst": "ana", **kwargs}
        verdict = args.pop("verdict")
        with pytest.raises(ChartreviewError, match=message):
            audit.set_verdict(loaded, eid, verdict, **args)
    with pytest.raises(ChartreviewError, match="no entry"):
        audit.set_verdict(loaded, 10**9, "ai", analyst="ana")
    assert count(loaded, "review_events") == 0


def test_session_labels_advances_and_undoes(loaded) -> None:
    queue = queries.entry_ids(loaded, sort="entry")[:5]
    s = ReviewSession(loaded, queue, analyst="ana")
    s.label("suspicious")
    s.label("human")
    assert s.current == queue[2]
    s.undo()
    assert s.current == queue[1]
    assert queries.entry(loaded, queue[1])["verdict"] is None
    assert queries.entry(loaded, queue[0])["verdict"] == "suspicious"
    s.auto_advance = False
    s.label("ai")
    assert s.current == queue[1] and queries.entry(loaded, queue[1])["verdict"] == "ai"


def test_verdict_filter_queries(loaded) -> None:
    ids = queries.entry_ids(loaded, sort="entry")
    audit.set_verdict(loaded, ids[0], "ai", analyst="ana")
    assert queries.entry_ids(loaded, queries.EntryFilter(verdict="ai")) == [ids[0]]
    assert len(queries.entry_ids(loaded, queries.EntryFilter(verdict="unreviewed"))) == 99
