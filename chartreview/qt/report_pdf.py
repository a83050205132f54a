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

from PySide6.QtCore import QByteArray, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
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
    QTextDocument,
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
PLOT_SCALE = 3  # SVG rendered at 3x its CSS size: crisp at 288 dpi when printed


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
    for n, (name, (svg, w, h)) in enumerate(rendered.images.items()):
        if cancel is not None and n % 10 == 0:
            cancel.check()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name),
                        svg_image(svg, w, h))
        if on_progress and n % 10 == 0:
            on_progress(Progress(n, len(rendered.images), "Drawing plots"))
    with atomic_path(out) as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION)
        writer.setPageSize(QPageSize(PAPER[paper]))
        writer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                              QPageLayout.Unit.Millimeter)
        writer.setTitle(title)
        writer.setCreator("chartreview")
        pages = _paint(doc, rendered.html, writer, footer, on_progress, cancel)
    return pages


def _paint(doc: QTextDocument, html: str, writer: QPdfWriter, footer: str,
           on_progress: ProgressFn | None, cancel: CancelToken | None) -> int:
    painter = QPainter()
    if not painter.begin(writer):
        raise ChartreviewError("Could not start writing the PDF (is the folder writable?).")
    try:
        layout = doc.documentLayout()
        # Lay out for the PDF's resolution: point sizes and image sizes scale to it
        layout.setPaintDevice(writer)
        doc.setHtml(html)
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
