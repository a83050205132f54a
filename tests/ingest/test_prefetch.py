"""The reader thread that parses the next chunk while the current one is written."""

from __future__ import annotations

import threading

import pytest

from chartreview.ingest.prefetch import prefetch


def test_items_arrive_in_order_and_all_of_them() -> None:
    assert list(prefetch(iter(range(1000)), depth=2)) == list(range(1000))


def test_an_error_is_raised_where_its_chunk_would_have_been_read() -> None:
    def chunks():
        yield 1
        yield 2
        raise ValueError("row 3 cannot be parsed")

    got = []
    with pytest.raises(ValueError, match="row 3"):
        for item in prefetch(chunks()):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_closes_the_file_in_the_reader_and_ends_the_thread() -> None:
    closed_in = []

    def chunks():
        try:
            yield from range(100)
        finally:
            closed_in.append(threading.current_thread().name)

    for item in prefetch(chunks()):
        if item == 3:
            break  # a cancel or an error in the writer
    assert closed_in == ["chartreview-reader"]
    assert not any(t.name == "chartreview-reader" for t in threading.enumerate())
