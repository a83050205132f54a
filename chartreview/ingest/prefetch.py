"""Read the next chunk of a file while the current one is being written.

Parsing a chunk (pandas' C tokenizer, numpy) and writing one (SQLite's ``step``) each
release the GIL for much of their time, so on two cores they overlap. The reader runs in
one background thread, at most ``depth`` chunks ahead (memory stays bounded); whatever it
raises is raised in the caller at the point that chunk would have been read, so an
import still fails whole at the same place. When the caller stops early (an error, a
cancel), the reader is told to stop and closes its file in its own thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """Yield ``items`` in order, producing each next one in a background thread."""
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    break
            else:
                put(_DONE)
        except BaseException as e:  # handed to the consumer, raised there
            put(_Failed(e))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator's finally (closing its file) runs in this thread

    thread = threading.Thread(target=produce, name="chartreview-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
