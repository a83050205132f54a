"""Opening an input file: its encoding, its kind, its header, and a progress-counting stream.

Chart downloads come in many encodings. UTF-8 (with or without BOM) is read as is; any
other file is decoded with the candidate encoding that yields the most plausible text,
with the common "UTF-8 read as Windows-1252" garbling (``SeÃ±orita``) repaired, and the
import report says so. Nothing is garbled silently: a UTF-8 file that turns out invalid
further down is an error naming the byte offset.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from chartreview.domain import IngestError

SAMPLE_BYTES = 1 << 20
MAX_COLUMNS = 500
MAX_HEADER_CHARS = 100_000
FALLBACK_ENCODINGS = ("cp1252", "mac_roman", "latin-1")
NOTE_MARKERS = ("note that", "note:")
Kind = Literal["csv", "json", "xlsx"]

# A run of characters that, encoded as Windows-1252, would be a UTF-8 multi-byte sequence
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)
_GOOD_NON_ASCII = set("’‘“”–—…€•")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Windows-1252 (``Ã©`` -> ``é``), where it is."""

    def fix(m: re.Match[str]) -> str:
        try:
            return m.group(0).encode("cp1252").decode("utf-8")
        except UnicodeError:
            return m.group(0)

    return _MOJIBAKE.sub(fix, text)


def implausibility(text: str) -> int:
    """Count non-ASCII characters unlikely in song titles and artist names."""
    bad = 0
    for c in text:
        if ord(c) < 128 or c in _GOOD_NON_ASCII:
            continue
        cat = unicodedata.category(c)
        if not cat.startswith("L") or c in "ÃÂ":
            bad += 1
    return bad


@dataclass
class Source:
    path: Path
    size: int
    kind: Kind
    encoding: str = "utf-8"
    repair: bool = False
    encoding_note: str = ""
    head: str = ""
    skip_lines: int = 0
    delimiter: str = ","
    header: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        """Header fields, lower-cased and stripped, for format sniffing."""
        return [h.strip().lower() for h in self.header]

    def open_text(self, counter: ByteCounter | None = None) -> IO[str]:
        """A text stream of the whole file (note lines skipped), decoded as detected."""
        raw: IO[bytes] = open(self.path, "rb")  # noqa: SIM115 - closed by the wrapper
        if counter is not None:
            raw = counter.wrap(raw)
        text: IO[str] = io.TextIOWrapper(
            raw, encoding=self.encoding, errors="strict", newline=""  # type: ignore[arg-type]
        )
        if self.repair:
            text = _RepairingReader(text)
        for _ in range(self.skip_lines):
            text.readline()
        return text


class ByteCounter:
    """Counts (and, given a hash object, hashes) the bytes read from a file.

    The count drives progress; the hash identifies the file's content for the re-import
    check without a second pass over a file of gigabytes.
    """

    def __init__(self, hasher: Any = None) -> None:
        self.read = 0  # may be set by a reader that reports its own progress
        self.hasher = hasher
        self.hashed = 0  # bytes really read through the stream (and hashed)

    def wrap(self, raw: IO[bytes]) -> IO[bytes]:
        counter = self

        class Counting(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, b: bytearray) -> int:  # type: ignore[override]
                n = raw.readinto(b)  # type: ignore[attr-defined]
                counter.read += n or 0
                if counter.hasher is not None and n:
                    counter.hasher.update(memoryview(b)[:n])
                    counter.hashed += n
                return n  # type: ignore[no-any-return]

            def close(self) -> None:
                raw.close()
                super().close()

        return io.BufferedReader(Counting())  # type: ignore[return-value]


class _RepairingReader(io.TextIOBase):
    """Line-wise mojibake repair over a text stream, bounded in memory."""

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner
        self._buf = ""

    def readable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        if self._buf:
            line, self._buf = self._buf, ""
            return line
        return repair_mojibake(self._inner.readline())

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            out = self._buf + repair_mojibake(self._inner.read())
            self._buf = ""
            return out
        while len(self._buf) < size:
            line = self._inner.readline()
            if not line:
                break
            self._buf += repair_mojibake(line)
        out, self._buf = self._buf[:size], self._buf[size:]
        return out

    def __iter__(self) -> Iterator[str]:
        while line := self.readline():
            yield line

    def close(self) -> None:
        self._inner.close()
        super().close()


def _decode_sample(sample: bytes, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def detect_encoding(sample: bytes) -> tuple[str, bool, str]:
    """Return (encoding, repair mojibake?, note for the import report)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", False, ""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", False, "file is UTF-16; read as UTF-16"
    if _decode_sample(sample, "utf-8") is not None:
        return "utf-8", False, ""
    candidates: list[str] = list(FALLBACK_ENCODINGS)
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(sample[:200_000]).best()
        if best is not None and best.encoding not in candidates:
            candidates.append(best.encoding)
    except Exception:
        pass
    scored = []
    for i, enc in enumerate(candidates):
        text = _decode_sample(sample, enc)
        if text is None:
            continue
        repaired = repair_mojibake(text)
        repair = repaired != text
        scored.append((implausibility(repaired), i, enc, repair))
    if not scored:
        raise IngestError("The file's text encoding could not be recognised; pass --encoding.")
    _, _, enc, repair = min(scored)
    note = f"file is not valid UTF-8; read as {enc}"
    if repair:
        note += " and repaired UTF-8 text that had been garbled as Windows-1252 (Ã© -> é)"
    return enc, repair, note


def open_source(path: Path, *, encoding: str | None = None) -> Source:
    """Inspect a file: kind, encoding, leading note lines and header fields."""
    if not path.exists():
        raise IngestError(f"{path}: no such file.")
    if path.is_dir():
        raise IngestError(f"{path} is a folder; give chart files.")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(f"{path.name} is empty.")
    with path.open("rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(b"PK\x03\x04") and path.suffix.lower() in (".xlsx", ".xlsm"):
        from chartreview.ingest.xlsx import open_workbook  # refuses bombs before reading

        with open_workbook(path) as book:
            header = book.header()
        return Source(path, size, "xlsx", encoding="binary", header=header)
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in sample[:4096] and not utf16:
        raise IngestError(
            f"{path.name} is a binary file, not a chart table (CSV, TSV, JSON or XLSX)."
        )
    if encoding:
        repair = False
        note = f"read as {encoding} (chosen by the user)"
        try:
            codecs.lookup(encoding)
        except LookupError as e:
            raise IngestError(f"Unknown encoding {encoding!r}.") from e
    else:
        encoding, repair, note = detect_encoding(sample)
    head = _decode_sample(sample, encoding)
    if head is None:
        raise IngestError(f"{path.name} cannot be read as {encoding}.")
    if repair:
        head = repair_mojibake(head)
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return Source(path, size, "json", encoding, repair, note, head)
    lines = head.splitlines()
    skip = 0
    while skip < len(lines) and (
        not lines[skip].strip(" ,;\t\r") or any(m in lines[skip].lower() for m in NOTE_MARKERS)
    ):
        skip += 1
    if skip >= len(lines):
        raise IngestError(f"{path.name} has no header line.")
    first = lines[skip]
    delimiter = max(("\t", ",", ";", "|"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    if len(first) > MAX_HEADER_CHARS:
        raise IngestError(f"{path.name}: the header line is {len(first):,} characters long; "
                          "that is not a chart table.")
    header = next(csv.reader([first], delimiter=delimiter))
    if len(header) > MAX_COLUMNS:
        raise IngestError(f"{path.name} has {len(header):,} columns; a chart table has a few "
                          f"(at most {MAX_COLUMNS:,} are read).")
    return Source(path, size, "csv", encoding, repair, note, head, skip, delimiter, header)
