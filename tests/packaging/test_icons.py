"""Every icon the installers use exists, at the size its name promises."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", SIZES)
def test_png_icon_has_its_size(size: int) -> None:
    path = ICONS / f"chartreview-{size}.png"
    assert path.is_file(), f"missing {path} (run packaging/make_icons.py)"
    assert png_size(path.read_bytes()) == (size, size)


def test_window_icon_is_the_256_px_png() -> None:
    window_icon = ROOT / "chartreview" / "qt" / "assets" / "chartreview.png"
    assert window_icon.read_bytes() == (ICONS / "chartreview-256.png").read_bytes()


def test_svg_icon_is_square() -> None:
    text = (ICONS / "chartreview.svg").read_text(encoding="utf-8")
    assert '<svg width="512" height="512"' in text
    assert 'viewBox="0 0 512 512"' in text


def test_ico_holds_every_size_up_to_256() -> None:
    data = (ROOT / "resources" / "chartreview.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        w, _h, _c, _r, _planes, _bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        blob = data[offset: offset + length]
        assert png_size(blob)[0] == (w or 256)
        sizes.append(w or 256)
    assert sizes == [s for s in SIZES if s <= 256]


def test_icns_elements_are_pngs_of_their_type_size() -> None:
    data = (ROOT / "resources" / "chartreview.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    expected = {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256,
                b"ic09": 512, b"ic11": 32, b"ic12": 64, b"ic13": 256, b"ic14": 512}
    seen = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos:pos + 4], struct.unpack(">I", data[pos + 4:pos + 8])[0]
        seen[kind] = png_size(data[pos + 8:pos + length])[0]
        pos += length
    assert seen == expected
