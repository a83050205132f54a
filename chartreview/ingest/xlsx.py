"""Reading an XLSX workbook's first sheet as a stream of rows, in bounded memory.

A workbook is a zip of XML files. A hostile one can hold a sheet that expands from a
megabyte to gigabytes (a zip bomb), millions of identical rows, or one cell of a
gigabyte of text. So, before anything is parsed, :func:`check` refuses a workbook whose
members are larger than the limits below once uncompressed, or compress far better than
real data does; the sheet is then parsed with expat in blocks of
:data:`BLOCK_BYTES`, each cell's text cut at :data:`MAX_CELL_CHARS` (longer text is
rejected by validation anyway) and a value beyond column ``MAX_COLUMNS`` refused, so
memory stays flat whatever the file holds. Progress is the share of the sheet's
uncompressed bytes parsed; the reader stops at :data:`MAX_ROWS` (Excel's own limit).

A DOCTYPE is refused outright: no workbook has one, and it is where entity expansion
attacks live. External entities are never fetched (expat does not).
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from chartreview.domain import IngestError
from chartreview.ingest.source import MAX_COLUMNS

MiB = 1 << 20
MAX_SHEET_BYTES = 512 * MiB  # uncompressed sheet XML: ~1M real chart rows take ~300 MiB
MAX_PART_BYTES = 64 * MiB  # shared strings, styles, workbook: a few MiB in real files
MAX_RATIO = 100  # real sheets compress 5-30x; a bomb 250-1,000x
RATIO_FROM_BYTES = 16 * MiB  # small members may compress as well as they like
MAX_MEMBERS = 10_000
MAX_ROWS = 1_048_576  # Excel's own limit: a sheet with more is not a spreadsheet's
MAX_CELL_CHARS = 1001  # one over validation's limit, so an over-long title is rejected
BLOCK_BYTES = MiB

_BUILTIN_DATE_FORMATS = frozenset({14, 15, 16, 17, 22, 45, 46, 47})  # 18-21: times only


class _Refused(Exception):
    """Raised inside expat callbacks; turned into an IngestError by the caller."""


def _limits_text() -> str:
    return (f"at most {MAX_SHEET_BYTES // MiB} MiB uncompressed per sheet, and no member "
            f"over {RATIO_FROM_BYTES // MiB} MiB compressing more than {MAX_RATIO}:1")


def check(path: Path) -> zipfile.ZipFile:
    """Open the workbook's zip and refuse it, before any XML is read, if it could not be
    a real chart table (see the module doc). Returns the open zip file.

    Raises
    ------
    IngestError
        With a sentence naming the limit the workbook is beyond.
    """
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise IngestError(f"{path.name} is not a readable Excel workbook ({e}).") from e
    try:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise IngestError(f"{path.name} holds {len(infos):,} files inside; an Excel "
                              "workbook holds a few dozen. It was not read.")
        for info in infos:
            limit = MAX_SHEET_BYTES if info.filename.startswith("xl/worksheets/") else (
                MAX_PART_BYTES if info.filename.endswith(".xml") else MAX_SHEET_BYTES)
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > limit:
                raise IngestError(
                    f"{path.name} was refused before reading: its part {info.filename} "
                    f"expands to {info.file_size / MiB:,.0f} MiB (the limit is "
                    f"{limit // MiB} MiB; {_limits_text()}). Save the sheet as CSV and "
                    "import that instead.")
            if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
                raise IngestError(
                    f"{path.name} was refused before reading: its part {info.filename} "
                    f"expands {ratio:,.0f} times ({info.compress_size / MiB:,.1f} MiB to "
                    f"{info.file_size / MiB:,.0f} MiB), which real chart data never does "
                    f"({_limits_text()}). Save the sheet as CSV and import that instead.")
    except BaseException:
        z.close()
        raise
    return z


_LOCAL: dict[str, str] = {}  # qualified tag -> local name (a workbook uses a few dozen)


def _local_of(name: str) -> str:
    local = name.rsplit(":", 1)[-1]
    if len(_LOCAL) < 1000:
        _LOCAL[name] = local
    return local


def _parser() -> expat.XMLParserType:
    # Qualified names as written ("row", or "x:row" with a prefix): the local name is
    # what matters, and expat's namespace processing doubles the cost of every tag
    p = expat.ParserCreate()
    p.buffer_text = True

    def no_doctype(*_: Any) -> None:
        raise _Refused("it declares a DTD, which no Excel workbook does")

    p.StartDoctypeDeclHandler = no_doctype
    return p


def _parse_part(z: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    with z.open(name) as f:
        while block := f.read(BLOCK_BYTES):
            parser.Parse(block, False)
    parser.Parse(b"", True)


def _member(z: zipfile.ZipFile, name: str) -> str | None:
    name = name.lstrip("/")
    return name if name in z.NameToInfo else None


@dataclass
class Workbook:
    """The first sheet of an XLSX file and what is needed to read its cells."""

    path: Path
    zip: zipfile.ZipFile
    sheet: str
    shared: list[str] = field(default_factory=list)
    date_styles: frozenset[int] = frozenset()
    date1904: bool = False

    @property
    def sheet_bytes(self) -> int:
        return self.zip.getinfo(self.sheet).file_size

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, on_bytes: Callable[[int], None] | None = None
             ) -> Iterator[tuple[int, list[Any]]]:
        """(row number, cell values) for each non-empty row, in sheet order.

        Values are str, int, float, bool or None; cells formatted as dates are ISO dates
        (``2025-01-04``). ``on_bytes`` is told how many uncompressed bytes were parsed.
        """
        return _SheetReader(self).rows(on_bytes)

    def header(self) -> list[str]:
        """The first non-empty row as column names."""
        for _, values in self.rows():
            return ["" if v is None else str(v) for v in values]
        return []


def open_workbook(path: Path) -> Workbook:
    """Check the workbook (:func:`check`) and read its small parts.

    Raises
    ------
    IngestError
        A workbook beyond the limits, damaged, or without a sheet.
    """
    z = check(path)
    try:
        book = _read_parts(path, z)
    except (_Refused, expat.ExpatError, zipfile.BadZipFile, KeyError, ValueError,
            OSError, EOFError) as e:
        z.close()
        raise IngestError(f"{path.name} is not a readable Excel workbook ({e}).") from e
    except BaseException:
        z.close()
        raise
    return book


def _read_parts(path: Path, z: zipfile.ZipFile) -> Workbook:
    workbook = _member(z, "xl/workbook.xml")
    if workbook is None:
        raise ValueError("it has no xl/workbook.xml")
    first_rid: list[str] = []
    flags: dict[str, bool] = {"date1904": False}

    def wb_start(name: str, attrs: dict[str, str]) -> None:
        local = _local_of(name)
        if local == "sheet" and not first_rid:
            rid = next((v for k, v in attrs.items() if k.rsplit(":", 1)[-1] == "id"), "")
            first_rid.append(rid)
        elif local == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    p = _parser()
    p.StartElementHandler = wb_start
    _parse_part(z, workbook, p)
    targets: dict[str, str] = {}
    rels = _member(z, "xl/_rels/workbook.xml.rels")
    if rels is not None:
        def rel_start(name: str, attrs: dict[str, str]) -> None:
            if _local_of(name) == "Relationship":
                targets[attrs.get("Id", "")] = attrs.get("Target", "")

        p = _parser()
        p.StartElementHandler = rel_start
        _parse_part(z, rels, p)
    sheet = None
    if first_rid and first_rid[0] in targets:
        target = targets[first_rid[0]]
        sheet = _member(z, target if target.startswith("/") else
                        posixpath.normpath(posixpath.join("xl", target)))
    if sheet is None:  # no relationships: the first worksheet by name
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n))
        if not names:
            raise ValueError("it has no worksheet")
        sheet = names[0]
    book = Workbook(path, z, sheet, date1904=flags["date1904"])
    shared = _member(z, "xl/sharedStrings.xml")
    if shared is not None:
        book.shared = _shared_strings(z, shared)
    styles = _member(z, "xl/styles.xml")
    if styles is not None:
        book.date_styles = _date_styles(z, styles)
    return book


def _shared_strings(z: zipfile.ZipFile, name: str) -> list[str]:
    out: list[str] = []
    parts: list[str] = []
    size = [0]
    state = {"in_t": False, "in_rph": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local_of(tag)
        if local == "si":
            parts.clear()
            size[0] = 0
        elif local == "t":
            state["in_t"] = True
        elif local == "rPh":  # phonetic guide: not part of the text
            state["in_rph"] += 1

    def end(tag: str) -> None:
        local = _local_of(tag)
        if local == "si":
            out.append("".join(parts))
        elif local == "t":
            state["in_t"] = False
        elif local == "rPh":
            state["in_rph"] -= 1

    def text(data: str) -> None:
        if state["in_t"] and not state["in_rph"] and size[0] < MAX_CELL_CHARS:
            parts.append(data[: MAX_CELL_CHARS - size[0]])
            size[0] += len(parts[-1])

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    _parse_part(z, name, p)
    return out


def _date_styles(z: zipfile.ZipFile, name: str) -> frozenset[int]:
    """Indexes of the cell formats (``s`` attribute) that show numbers as dates."""
    from openpyxl.styles.numbers import is_date_format

    custom: dict[int, str] = {}
    xfs: list[int] = []
    depth = {"cellXfs": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local_of(tag)
        if local == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            depth["cellXfs"] += 1
        elif local == "xf" and depth["cellXfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(tag: str) -> None:
        if _local_of(tag) == "cellXfs":
            depth["cellXfs"] -= 1

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, end
    _parse_part(z, name, p)
    return frozenset(i for i, fmt in enumerate(xfs)
                     if fmt in _BUILTIN_DATE_FORMATS
                     or (fmt in custom and is_date_format(custom[fmt])
                         and not _time_only(custom[fmt])))


def _time_only(code: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]', "", code).lower()
    return not any(c in plain for c in "yd") and "m" not in plain.replace("mm:", "")


_COLUMNS: dict[str, int] = {}  # column letters -> index


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    n = _COLUMNS.get(letters)
    if n is not None:
        return n
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha()):
        return -1
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    _COLUMNS[letters] = n - 1
    return n - 1


class _SheetReader:
    """expat callbacks that turn ``<row><c t= s= r=><v>…</v></c></row>`` into lists."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.done: list[tuple[int, list[Any]]] = []
        self.row: list[Any] = []
        self.row_number = 0
        self.rows_seen = 0
        self.col = -1
        self.kind = ""
        self.style = -1
        self.text: list[str] = []
        self.text_len = 0
        self.in_value = False
        self.in_row = False
        self.in_rph = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _LOCAL.get(tag) or _local_of(tag)
        if local == "c":
            if not self.in_row:
                return
            ref = attrs.get("r")
            self.col = _column(ref) if ref else self.col + 1
            if self.col < 0:
                self.col = len(self.row)
            self.kind = attrs.get("t", "n")
            s = attrs.get("s")
            if s is None:
                self.style = -1
            else:
                try:
                    self.style = int(s)
                except ValueError:
                    self.style = -1
            self.text = []
            self.text_len = 0
        elif local == "v" or local == "t":
            self.in_value = self.in_row
        elif local == "row":
            self.in_row = True
            self.rows_seen += 1
            if self.rows_seen > MAX_ROWS:
                raise _Refused(f"it has more than {MAX_ROWS:,} rows, Excel's own limit")
            r = attrs.get("r")
            try:
                self.row_number = int(r) if r is not None else self.row_number + 1
            except ValueError:
                self.row_number += 1
            self.row = []
            self.col = -1
        elif local == "rPh":
            self.in_rph += 1
        elif local == "dimension":  # Excel writes the sheet's extent first: trust a "no"
            last = attrs.get("ref", "").rpartition(":")[2].lstrip(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
            if last.isdigit() and int(last) > MAX_ROWS:
                raise _Refused(f"its sheet says it has {int(last):,} rows, more than "
                               f"Excel's own limit of {MAX_ROWS:,}")

    def end(self, tag: str) -> None:
        local = _LOCAL.get(tag) or _local_of(tag)
        if local == "c":
            if not self.in_row:
                return
            value = self.value("".join(self.text))
            if value is not None and value != "":
                if self.col >= MAX_COLUMNS:
                    raise _Refused(f"row {self.row_number:,} has a value in column "
                                   f"{self.col + 1:,}; a chart table has a few columns "
                                   f"(at most {MAX_COLUMNS:,} are read)")
                row = self.row
                if self.col >= len(row):
                    row.extend([None] * (self.col + 1 - len(row)))
                row[self.col] = value
        elif local == "v" or local == "t":
            self.in_value = False
        elif local == "row":
            self.in_row = False
            if self.row:  # empty rows are skipped, as blank lines in a CSV file are
                self.done.append((self.row_number, self.row))
        elif local == "rPh":
            self.in_rph -= 1

    def chars(self, data: str) -> None:
        if self.in_value and not self.in_rph and self.text_len < MAX_CELL_CHARS:
            piece = data[: MAX_CELL_CHARS - self.text_len]
            self.text.append(piece)
            self.text_len += len(piece)

    def value(self, raw: str) -> Any:
        kind = self.kind
        if kind in ("inlineStr", "str"):
            return raw
        if not raw:
            return None
        if kind == "s":
            try:
                return self.book.shared[int(raw)]
            except (ValueError, IndexError):
                return None
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return raw  # an error value such as #N/A: shown, then rejected as text
        if kind == "d":
            return raw.strip()[:10]
        try:
            number = float(raw)
        except ValueError:
            return raw
        if self.style in self.book.date_styles and number >= 1:
            return _excel_date(number, self.book.date1904)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def rows(self, on_bytes: Callable[[int], None] | None
             ) -> Iterator[tuple[int, list[Any]]]:
        p = _parser()
        p.StartElementHandler, p.EndElementHandler = self.start, self.end
        p.CharacterDataHandler = self.chars
        parsed = 0
        book = self.book
        try:
            with book.zip.open(book.sheet) as f:
                while True:
                    block = f.read(BLOCK_BYTES)
                    p.Parse(block, not block)
                    parsed += len(block)
                    if on_bytes is not None:
                        on_bytes(parsed)
                    if self.done:
                        done, self.done = self.done, []
                        yield from done
                    if not block:
                        break
        except _Refused as e:
            raise IngestError(f"{book.path.name} was refused: {e}.") from e
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as e:
            raise IngestError(f"{book.path.name} is damaged: its sheet cannot be read "
                              f"past row {self.row_number:,} ({e}).") from e


def _excel_date(serial: float, date1904: bool) -> str | float:
    from datetime import date, timedelta

    base = date(1904, 1, 1) if date1904 else date(1899, 12, 30)  # 1900's leap-year bug
    try:
        return (base + timedelta(days=int(serial))).isoformat()
    except OverflowError:
        return serial


def preview(path: Path, n: int) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``n`` rows as text, for the import dialog."""
    with open_workbook(path) as book:
        cells: list[list[str]] = []
        for _, values in book.rows():
            cells.append(["" if v is None else str(v) for v in values])
            if len(cells) > n:
                break
    return (cells[0], cells[1:]) if cells else ([], [])
