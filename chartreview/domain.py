"""Plain types shared by every layer (no Qt, no pandas, no SQLite)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Metric = Literal["sales", "streams", "airplay", "composite", "viral"]
METRICS: tuple[Metric, ...] = ("sales", "streams", "airplay", "composite", "viral")
Frequency = Literal["daily", "weekly"]


class Verdict(StrEnum):
    SUSPICIOUS = "suspicious"
    AI = "ai"
    HUMAN = "human"


class ChartreviewError(Exception):
    """An expected failure with a sentence a user can act on (no traceback shown)."""


class ProjectError(ChartreviewError):
    """The project file cannot be opened or used (foreign, damaged, too new...)."""


class IngestError(ChartreviewError):
    """A file could not be imported; the project is unchanged."""

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class Cancelled(ChartreviewError):
    """The user cancelled a long operation; nothing was changed."""


@dataclass(frozen=True)
class Progress:
    """How far a long operation got: ``done`` of ``total`` units (total may be 0 = unknown)."""

    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


ProgressFn = Callable[[Progress], None]


class CancelToken:
    """A cancel flag shared between the UI (or Ctrl+C) and a worker."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("Cancelled; nothing was changed.")


@dataclass(frozen=True)
class ChartKey:
    """One chart: a name (``Hot 100``), a region (``us``, ``global``) and a frequency."""

    name: str
    region: str
    frequency: Frequency

    @property
    def label(self) -> str:
        return f"{self.name} ({self.region}, {self.frequency})"


@dataclass(frozen=True)
class ChangeSet:
    """What a mutation changed, so views refresh only what they must."""

    data: bool = False
    scores: bool = False
    verdicts: bool = False
    notes: bool = False
    entry_ids: frozenset[int] = field(default_factory=frozenset)


def infer_metric(chart_name: str) -> Metric:
    """Guess a chart's metric from its well-known name (``--metric`` overrides it)."""
    n = chart_name.lower()
    if "viral" in n:
        return "viral"
    if "sales" in n or "download" in n:
        return "sales"
    if "airplay" in n or "radio" in n:
        return "airplay"
    if "stream" in n or "top 200" in n or "top200" in n or "spotify" in n:
        return "streams"
    return "composite"  # Hot 100, Billboard 200, "Hot ... Songs" and unknown charts


def plural(n: object, word: str) -> str:
    """``1 position``, ``2 positions`` (``n`` as shown, e.g. already formatted)."""
    return f"{n} {word}" + ("" if str(n) == "1" else "s")


# Characters that can rewrite what a reader sees: C0/C1 controls (an ANSI escape can
# recolour a terminal), and the text-direction controls that reorder a line on screen.
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
# One C-speed scan for them: a Python test per character cost a millisecond or more of
# each case the window showed (every signal, legend and history cell goes through here)
_BIDI_RE = re.compile("[" + "".join(chr(c) for c in sorted(_BIDI)) + "]")


def _visible_char(ch: str) -> str:
    o = ord(ch)
    if o < 0x20:
        return chr(0x2400 + o)  # control pictures: ␀ ␉ ␊ ␛ ...
    if o == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= o <= 0x9F or 0xD800 <= o <= 0xDFFF:
        return f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}"
    if o in _BIDI or o in (0x2028, 0x2029):
        return f"[U+{o:04X}]"
    return ch


def needs_visible(text: str) -> bool:
    """Whether ``text`` holds a character :func:`visible` would show differently."""
    return any(_visible_char(c) != c for c in text)


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control and text-direction character shown as a visible
    stand-in (``\\x1b`` as ␛, U+202E as [U+202E], a lone surrogate as \\ud800).

    The stored value is never changed; this is for what a screen or a terminal shows.
    """
    if text.isprintable() and not _BIDI_RE.search(text):
        return text  # the common case, fast (isprintable is False for all the others)
    out = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        else:
            out.append(_visible_char(ch))
    return "".join(out)
