"""The findings report as PDF: the report's HTML laid out by QTextDocument, painted on
a QPdfWriter page by page (A4 or US Letter), with plots rendered from their SVG.

This is the one Qt step of reporting; ``chartreview.report`` builds everything else.
It works without a window (``QT_QPA_PLATFORM=offscreen``) and from a worker thread
(QTextDocument, QPainter on a QPdfWriter and QSvgRenderer on a QImage are thread-safe
for objects owned by the thread).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPyTextObject,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextOption,
)
from PySide6.QtSvg import QSvgRenderer

from chartreview.domain import CancelToken, ChartreviewError, Progress, ProgressFn
from chartreview.report.collect import ExportOptions, collect
from chartreview.report.export import ExportResult
from chartreview.report.html import Rendered, render, when
from chartreview.report.safe import atomic_path
from chartreview.store.db import Project

PAPER = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 15.0
RESOLUTION = 300  # dpi of the PDF's coordinate system: plots are rasterised at this
PLOT_SCALE = 3  # svg_image: SVG rendered at 3x its CSS size
SVG_OBJECT = QTextFormat.ObjectTypes.UserObject + 1
SVG_PROPERTY = QTextFormat.Property.UserProperty + 1
CSS_DPI = 96.0


class SvgObject(QPyTextObject):
    """Draws a plot's SVG straight into the page: vector in the PDF, no big images."""

    def __init__(self, images: dict[str, tuple[str, int, int]], dpi: float) -> None:
        super().__init__()
        self.images = images
        self.scale = dpi / CSS_DPI
        self._renderers: dict[str, QSvgRenderer] = {}

    def intrinsicSize(self, doc, pos, fmt):  # type: ignore[no-untyped-def]
        _, w, h = self.images[fmt.property(SVG_PROPERTY)]
        return QSizeF(w * self.scale, h * self.scale)

    def drawObject(self, painter, rect, doc, pos, fmt):  # type: ignore[no-untyped-def]
        name = fmt.property(SVG_PROPERTY)
        renderer = self._renderers.get(name)
        if renderer is None:
            renderer = QSvgRenderer(QByteArray(self.images[name][0].encode("utf-8")))
            self._renderers = {name: renderer}  # one at a time: pages are drawn in order
        renderer.render(painter, rect)


def _swap_images(doc: QTextDocument) -> None:
    """Replace each ``<img src="plot:N">`` character with an SVG object character."""
    found: list[tuple[int, str]] = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            fmt = frag.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name().startswith("plot:"):
                found.append((frag.position(), fmt.toImageFormat().name()))
            it += 1
        block = block.next()
    cursor = QTextCursor(doc)
    for pos, name in reversed(found):
        cursor.setPosition(pos)
        cursor.setPosition(pos + 1, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setObjectType(SVG_OBJECT)
        fmt.setProperty(SVG_PROPERTY, name)
        cursor.insertText("\ufffc", fmt)


def ensure_gui_app() -> None:
    """Qt needs a QGuiApplication for fonts; make a headless one when there is none."""
    if QGuiApplication.instance() is None:
        QGuiApplication(["chartreview-report"])


def svg_image(svg: str, width: int, height: int, scale: int = PLOT_SCALE) -> QImage:
    """Rasterise SVG text to a white-backed image ``scale`` times its CSS size."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    image = QImage(width * scale, height * scale, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter, QRectF(0, 0, width * scale, height * scale))
    painter.end()
    return image


def write_pdf(
    rendered: Rendered, out: Path, *, paper: str = "a4", title: str = "",
    footer: str = "", on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Lay out the report's HTML on pages of ``paper`` and write the PDF atomically.

    Returns
    -------
    int
        The number of pages written.
    """
    ensure_gui_app()
    if paper not in PAPER:
        raise ChartreviewError(f"Unknown paper {paper!r}; use a4 or letter.")
    doc = QTextDocument()
    doc.setDefaultFont(QFont("Helvetica", 10))
    option = QTextOption()
    # long URLs or words in notes must wrap rather than run off the page
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    with atomic_path(out) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION)
        writer.setPageSize(QPageSize(PAPER[paper]))
        writer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                              QPageLayout.Unit.Millimeter)
        writer.setTitle(title)
        writer.setCreator("chartreview")
        pages = _paint(doc, rendered, writer, footer, on_progress, cancel)
    return pages


def _paint(doc: QTextDocument, rendered: Rendered, writer: QPdfWriter, footer: str,
           on_progress: ProgressFn | None, cancel: CancelToken | None) -> int:
    painter = QPainter()
    if not painter.begin(writer):
        raise ChartreviewError("Could not start writing the PDF (is the folder writable?).")
    try:
        layout = doc.documentLayout()
        # Lay out for the PDF's resolution: point sizes and image sizes scale to it
        layout.setPaintDevice(writer)
        handler = SvgObject(rendered.images, writer.logicalDpiX())
        layout.registerHandler(SVG_OBJECT, handler)
        doc.setHtml(rendered.html)
        _swap_images(doc)
        root = doc.rootFrame().frameFormat()
        root.setMargin(0)
        doc.rootFrame().setFrameFormat(root)
        foot_font = QFont("Helvetica", 8)
        foot_h = int(RESOLUTION * 0.25)  # a quarter inch for the footer line
        body = QRectF(0, 0, writer.width(), writer.height() - foot_h)
        doc.setPageSize(body.size())
        pages = doc.pageCount()
        for i in range(pages):
            if cancel is not None:
                cancel.check()
            if i:
                writer.newPage()
            painter.save()
            painter.translate(0, -i * body.height())
            view = QRectF(0, i * body.height(), body.width(), body.height())
            painter.setClipRect(view)
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.clip = view
            ctx.palette.setColor(QPalette.ColorRole.Text, QColor("black"))
            layout.draw(painter, ctx)
            painter.restore()
            painter.setFont(foot_font)
            painter.setPen(QColor("#666666"))
            line = QRectF(QPointF(0, body.height() + foot_h * 0.2),
                          QSizeF(body.width(), foot_h * 0.8))
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft), footer)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignRight), f"page {i + 1} of {pages}")
            if on_progress:
                on_progress(Progress(i + 1, pages, "Writing pages"))
    finally:
        painter.end()
    return pages


def export_pdf(
    project: Project, opts: ExportOptions, *, on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Export the findings report as a PDF (the same content as the HTML report).

    Raises
    ------
    ChartreviewError
        When the file cannot be written or a filter matches no chart.
    chartreview.domain.Cancelled
        When ``cancel`` fires; an existing file at ``opts.out`` is left untouched.
    """
    started = time.perf_counter()
    data = collect(project, opts, on_progress=on_progress, cancel=cancel)
    rendered = render(data, target="qt", on_progress=on_progress, cancel=cancel)
    footer = f"chartreview findings — {data.project} — {when(data.generated_at)}"
    try:
        pages = write_pdf(rendered, opts.out, paper=opts.paper, title=f"Findings: {data.project}",
                          footer=footer, on_progress=on_progress, cancel=cancel)
    except OSError as e:
        raise ChartreviewError(f"Could not write {opts.out}: {e.strerror or e}.") from e
    return ExportResult((opts.out,), len(data.entries), len(data.events),
                        time.perf_counter() - started, pages=pages)
