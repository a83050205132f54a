"""Small plots drawn as SVG text in pure Python (no matplotlib, no Qt).

Only SVG Tiny features are used (lines, polylines, circles, rects, text with plain
attributes), so the same markup shows in a browser and renders through QtSvg for PDF.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from chartreview.report.safe import html_text

MAIN = "#1f4e9c"
OTHERS = ("#d9822b", "#3a9d5d", "#9b59b6", "#c0392b", "#7f8c8d", "#16a085")
FONT = 'font-family="Helvetica, Arial, sans-serif"'


@dataclass(frozen=True)
class Series:
    """One chart run of a track: (ISO date, rank) points, oldest first."""

    label: str
    points: list[tuple[str, int]]
    main: bool = False


def _nice_rank_max(worst: int) -> int:
    for step in (5, 10, 20, 25, 50, 100, 150, 200, 300, 500, 1000):
        if worst <= step:
            return step
    return int(math.ceil(worst / 1000) * 1000)


def _segments(points: list[tuple[int, int]], gap: int) -> list[list[tuple[int, int]]]:
    """Split a run where it left the chart (no point for more than ``gap`` days)."""
    out: list[list[tuple[int, int]]] = []
    for p in points:
        if out and p[0] - out[-1][-1][0] <= gap:
            out[-1].append(p)
        else:
            out.append([p])
    return out


CAMPAIGN = "#f7ebb0"  # the campaign range's shade (opaque: SVG Tiny in Qt's PDF)


def trajectory_svg(series: list[Series], *, width: int = 640, height: int = 230,
                   campaign: tuple[str | None, str | None] | None = None) -> str:
    """Rank over time, rank 1 at the top; the main series bold, other charts beside it.

    Parameters
    ----------
    series
        The entry's own run (``main=True``) and optionally the same track elsewhere.
    width, height
        Size in CSS pixels (the plot scales with the page when printed).
    campaign
        The weeks the analyst marked as a campaign (first, last; an open end reaches
        the edge of the plot), shaded behind the curves.

    Returns
    -------
    str
        A complete ``<svg>`` element.
    """
    pts = [(date.fromisoformat(d).toordinal(), int(r)) for s in series for d, r in s.points]
    left, right, top, legend_h = 44, 12, 10, 16 * ((len(series) + 1) // 2)
    bottom = 28 + legend_h
    pw, ph = width - left - right, height - top - bottom
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" version="1.1" baseProfile="tiny">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    if not pts:
        out.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {FONT} '
                   'font-size="12" fill="#666666">no positions</text></svg>')
        return "".join(out)
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    if x1 - x0 < 14:
        x0, x1 = x0 - 7, x1 + 7
    ymax = _nice_rank_max(max(p[1] for p in pts))

    def fx(day: int) -> float:
        return left + (day - x0) / (x1 - x0) * pw

    def fy(rank: float) -> float:
        return top + (rank - 1) / max(1, ymax - 1) * ph

    if campaign is not None:
        out.append(_campaign_rect(campaign, series, x0, x1, fx, top, ph))

    # Grid and axes: rank 1 at the top, a few round ranks below it
    step = max(1, ymax // 5)
    for r in [1, *range(step, ymax + 1, step)]:
        y = fy(r)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                   'stroke="#e3e3e3" stroke-width="1"/>')
        out.append(f'<text x="{left - 5}" y="{y + 3.5:.1f}" text-anchor="end" {FONT} '
                   f'font-size="10" fill="#444444">{r}</text>')
    out.append(f'<text x="10" y="{top + ph / 2:.1f}" {FONT} font-size="10" fill="#444444" '
               f'text-anchor="middle" transform="rotate(-90 10 {top + ph / 2:.1f})">rank</text>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
               'stroke="#888888" stroke-width="1"/>')
    for i in range(5):
        day = round(x0 + (x1 - x0) * i / 4)
        x = fx(day)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        out.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" '
                   'stroke="#888888" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 15}" text-anchor="{anchor}" {FONT} '
                   f'font-size="10" fill="#444444">{date.fromordinal(day).isoformat()}</text>')
    ordered = sorted(series, key=lambda s: s.main)  # the main run drawn last, on top
    others = iter(OTHERS * (len(series) // len(OTHERS) + 1))
    colours = {id(s): MAIN if s.main else next(others) for s in series}
    for s in ordered:
        colour = colours[id(s)]
        days = [(date.fromisoformat(d).toordinal(), int(r)) for d, r in s.points]
        diffs = sorted(b[0] - a[0] for a, b in itertools.pairwise(days))
        gap = int(1.5 * diffs[len(diffs) // 2]) if diffs else 7
        width_px = 2.4 if s.main else 1.3
        for seg in _segments(days, max(gap, 1)):
            if len(seg) > 1:
                coords = " ".join(f"{fx(d):.1f},{fy(r):.1f}" for d, r in seg)
                out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                           f'stroke-width="{width_px}"/>')
        if (s.main and len(days) <= 60) or len(days) <= 3:
            for d, r in days:
                out.append(f'<circle cx="{fx(d):.1f}" cy="{fy(r):.1f}" '
                           f'r="{2.6 if s.main else 1.8}" fill="{colour}"/>')
    for i, s in enumerate(series):
        lx = left + (i % 2) * (pw / 2)
        ly = height - legend_h + 12 + (i // 2) * 16 - 4
        out.append(f'<line x1="{lx:.1f}" y1="{ly - 4}" x2="{lx + 18:.1f}" y2="{ly - 4}" '
                   f'stroke="{colours[id(s)]}" stroke-width="{2.4 if s.main else 1.5}"/>')
        label = s.label if len(s.label) <= 48 else s.label[:47] + "…"
        out.append(f'<text x="{lx + 23:.1f}" y="{ly}" {FONT} font-size="10" fill="#222222">'
                   f'{html_text(label)}{" (this entry)" if s.main else ""}</text>')
    out.append("</svg>")
    return "".join(out)


def _campaign_rect(campaign: tuple[str | None, str | None], series: list[Series],
                   x0: int, x1: int, fx: Any, top: float, ph: float) -> str:
    """The campaign's shade: half a chart period either side of its first and last week."""
    main = next((s for s in series if s.main), series[0] if series else None)
    days = sorted(date.fromisoformat(d).toordinal() for d, _ in (main.points if main else []))
    gaps = sorted(b - a for a, b in itertools.pairwise(days))
    half = (gaps[len(gaps) // 2] if gaps else 7) / 2
    start = date.fromisoformat(campaign[0]).toordinal() - half if campaign[0] else x0
    end = date.fromisoformat(campaign[1]).toordinal() + half if campaign[1] else x1
    a, b = fx(max(x0, start)), fx(min(x1, end))
    return (f'<rect x="{a:.1f}" y="{top}" width="{max(1.0, b - a):.1f}" height="{ph:.1f}" '
            f'fill="{CAMPAIGN}"/><text x="{a + 3:.1f}" y="{top + 11}" {FONT} font-size="9" '
            'fill="#7a6210">campaign</text>')


def histogram_svg(bins: list[tuple[str, int]], *, width: int = 640, height: int = 180,
                  colour: str = MAIN) -> str:
    """A bar chart of counts per labelled bin (the score distribution).

    Returns
    -------
    str
        A complete ``<svg>`` element.
    """
    left, right, top, bottom = 44, 10, 14, 30
    pw, ph = width - left - right, height - top - bottom
    peak = max([c for _, c in bins] + [1])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" version="1.1" baseProfile="tiny">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
           f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" '
           'stroke="#888888" stroke-width="1"/>']
    slot = pw / max(1, len(bins))
    for i, (label, n) in enumerate(bins):
        h = ph * n / peak
        x = left + i * slot
        out.append(f'<rect x="{x + 3:.1f}" y="{top + ph - h:.1f}" width="{slot - 6:.1f}" '
                   f'height="{h:.1f}" fill="{colour}"/>')
        out.append(f'<text x="{x + slot / 2:.1f}" y="{top + ph - h - 3:.1f}" '
                   f'text-anchor="middle" {FONT} font-size="10" fill="#222222">{n}</text>')
        out.append(f'<text x="{x + slot / 2:.1f}" y="{top + ph + 14}" text-anchor="middle" '
                   f'{FONT} font-size="10" fill="#444444">{html_text(label)}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 2}" text-anchor="middle" {FONT} '
               'font-size="10" fill="#444444">score</text></svg>')
    return "".join(out)
