"""Draw the chartreview app icon and write every format the installers need.

Run from the repository root (the outputs are committed; rerun after changing the drawing):

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py

The icon: chart bars with a rank line that rises slowly, then jumps, and a red flag
planted on the jump -- the entry an analyst would look at. One drawing function paints
every size; below 32 px the flag's pole and the bars' gaps are simplified because a
1 px detail turns to mush at 16 px.

Writes
    resources/icons/chartreview-<N>.png   N = 16 24 32 48 64 128 256 512
    resources/icons/chartreview.svg       (QSvgGenerator, same drawing at 512 units)
    resources/chartreview.ico             (PNG-compressed entries 16..256, Vista+ format)
    resources/chartreview.icns            (PNG entries icp4..ic10, macOS 10.7+ format)
    chartreview/qt/assets/chartreview.png (256 px window icon, loaded at runtime)

ICO and ICNS are assembled here byte by byte from the PNGs rather than through Qt's
image plugins: Qt's ico writer stores one size per file and its icns writer picks the
entry types itself; here every size is explicit and the output is reproducible.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtSvg import QSvgGenerator

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
UNITS = 512.0  # the drawing is designed on a 512 x 512 grid

NAVY_TOP = QColor("#2b3f6b")
NAVY_BOTTOM = QColor("#17223d")
BAR = QColor(143, 179, 255, 150)
LINE = QColor("#ffb020")
FLAG = QColor("#ef4444")
POLE = QColor("#f1f5f9")

# bar left edges and heights on the 512 grid; the baseline is y = 420
BARS = ((104, 120), (184, 150), (264, 135), (344, 250))
BASELINE = 420.0
# the rank line: slow climb, a dip, then the jump the flag marks
LINE_POINTS = ((100, 352), (180, 318), (260, 330), (372, 150))


def draw(p: QPainter, size: float) -> None:
    """Paint the icon into a ``size`` x ``size`` square at the painter's origin."""
    small = size < 32
    p.save()
    p.scale(size / UNITS, size / UNITS)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    # rounded tile; a little margin, as platform icon grids expect
    tile = QRectF(24, 24, 464, 464)
    grad = QLinearGradient(tile.topLeft(), tile.bottomLeft())
    grad.setColorAt(0.0, NAVY_TOP)
    grad.setColorAt(1.0, NAVY_BOTTOM)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    p.drawRoundedRect(tile, 96, 96)

    # bars (wider at small sizes, so the gaps stay at least a pixel)
    width = 64 if small else 56
    p.setBrush(BAR)
    for x, h in BARS:
        p.drawRoundedRect(QRectF(x, BASELINE - h, width, h), 10, 10)

    # the rank line, with round joins so the jump reads as one stroke
    pen = QPen(LINE, 44 if small else 30)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in LINE_POINTS]))

    # the flag on the jump: pole from the peak upward, red pennant to the right
    peak_x, peak_y = LINE_POINTS[-1]
    pole_top = 56.0
    if not small:
        pole = QPen(POLE, 14)
        pole.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pole)
        p.drawLine(QPointF(peak_x, peak_y - 20), QPointF(peak_x, pole_top))
    pennant = QPainterPath()
    left = peak_x - (10 if small else 0)
    pennant.moveTo(left, pole_top - (8 if small else 0))
    pennant.lineTo(peak_x + 104, pole_top + 36)
    pennant.lineTo(left, pole_top + 80)
    pennant.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(FLAG)
    p.drawPath(pennant)

    # a dot where the jump lands
    p.setBrush(LINE)
    r = 30 if small else 24
    p.drawEllipse(QPointF(peak_x, peak_y), r, r)
    p.restore()


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    draw(painter, size)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def write_svg(path: Path) -> None:
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(UNITS), int(UNITS)))
    gen.setViewBox(QRectF(0, 0, UNITS, UNITS))
    gen.setTitle("chartreview")
    gen.setDescription("Chart bars, a rank line that jumps, and a red flag on the jump")
    painter = QPainter(gen)
    draw(painter, UNITS)
    painter.end()
    # QSvgGenerator writes the size in millimetres; icon themes expect pixels
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'<svg width="[^"]*" height="[^"]*"',
                  f'<svg width="{int(UNITS)}" height="{int(UNITS)}"', text, count=1)
    path.write_text(text, encoding="utf-8")


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose entries are PNG streams (allowed since Windows Vista)."""
    sizes = [s for s in sorted(pngs) if s <= 256]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for s in sizes:
        blob = pngs[s]
        dim = 0 if s == 256 else s  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


# icns element types that hold PNG data, by pixel size (the @2x types reuse a size)
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic09", 512), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512),
)


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns of PNG elements (readable by macOS 10.7+ and Qt's icns plugin)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    icons = ROOT / "resources" / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        pngs[size] = png_bytes(render(size))
        (icons / f"chartreview-{size}.png").write_bytes(pngs[size])
    write_svg(icons / "chartreview.svg")
    (ROOT / "resources" / "chartreview.ico").write_bytes(ico(pngs))
    (ROOT / "resources" / "chartreview.icns").write_bytes(icns(pngs))
    (ROOT / "chartreview" / "qt" / "assets" / "chartreview.png").write_bytes(pngs[256])
    print(f"icons written: {len(SIZES)} PNG sizes, svg, ico, icns, window icon")
    return 0


if __name__ == "__main__":
    sys.exit(main())
