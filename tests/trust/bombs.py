"""Hostile workbooks, built for real: a zip bomb and a row bomb (issue 17, case 2).

Used by tests/trust/test_xlsx_bombs.py and benchmarks/faults.py. Each is a valid XLSX
that Excel would open; the members are written in streamed blocks, so making them needs
little memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="chart" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
HEADER = ("Pos", "Song", "Performer", "Week")


def _cell(value: str | int) -> str:
    if isinstance(value, int):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _row(values: tuple[str | int, ...]) -> str:
    # Cell and row references are optional (cells then follow in order): without them
    # identical rows are identical bytes, which is what makes a row bomb small
    return "<row>" + "".join(_cell(v) for v in values) + "</row>"


def _workbook(path: Path, sheet: Iterator[str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            block: list[str] = []
            size = 0
            for part in sheet:
                block.append(part)
                size += len(part)
                if size >= 1 << 20:
                    f.write("".join(block).encode())
                    block, size = [], 0
            f.write("".join(block).encode())
    return path


def zip_bomb(path: Path, expanded_bytes: int = 1_340_000_000) -> Path:
    """A workbook of about 1.3 MB whose sheet expands to ``expanded_bytes``: the header
    row's first cell is one text of that length (it is read before any mapping is asked).
    """
    head = SHEET_HEAD + '<row><c t="inlineStr"><is><t>'

    def sheet() -> Iterator[str]:
        yield head
        left = expanded_bytes - len(head) - 200
        block = "A" * (1 << 20)
        while left > 0:
            yield block[: min(left, len(block))]
            left -= len(block)
        yield "</t></is></c></row>" + SHEET_TAIL

    return _workbook(path, sheet())


def row_bomb(path: Path, rows: int = 2_000_000) -> Path:
    """A workbook of about 1.3 MB holding ``rows`` identical chart rows under a real header."""

    def sheet() -> Iterator[str]:
        yield SHEET_HEAD + _row(HEADER)
        row = _row((1, "Same Song", "Same Artist", "2025-01-04"))
        block = row * 10_000
        for _ in range(rows // 10_000):
            yield block
        yield row * (rows % 10_000)
        yield SHEET_TAIL

    return _workbook(path, sheet())


def small_workbook(path: Path, rows: int = 30) -> Path:
    """An ordinary chart workbook: ``rows`` distinct rows (the control case)."""

    def sheet() -> Iterator[str]:
        yield SHEET_HEAD + _row(HEADER)
        for n in range(1, rows + 1):
            yield _row((n, f"Song {n}", f"Artist {n % 7}", "2025-01-04"))
        yield SHEET_TAIL

    return _workbook(path, sheet())


def tall_workbook(path: Path, rows: int = 1_048_576, *, dimension: bool = False) -> Path:
    """``rows`` distinct chart rows, each cell with its reference: compresses like real
    data (about 11:1), so only the row limit can stop one that is too tall. With
    ``dimension`` the sheet states its extent first, as Excel writes it."""

    def sheet() -> Iterator[str]:
        head = SHEET_HEAD
        if dimension:
            head = head.replace("<sheetData>", f'<dimension ref="A1:D{rows + 1}"/><sheetData>')
        yield head + _row(HEADER)
        day0 = date(1960, 1, 2)
        for start in range(0, rows, 10_000):
            yield "".join(
                f'<row r="{n + 2}"><c r="A{n + 2}"><v>{n % 100 + 1}</v></c>'
                f'<c r="B{n + 2}" t="inlineStr"><is><t>Song {n}</t></is></c>'
                f'<c r="C{n + 2}" t="inlineStr"><is><t>Artist {n % 997}</t></is></c>'
                f'<c r="D{n + 2}" t="inlineStr"><is><t>{day0 + timedelta(days=n // 100)}'
                "</t></is></c></row>" for n in range(start, min(rows, start + 10_000)))
        yield SHEET_TAIL

    return _workbook(path, sheet())
