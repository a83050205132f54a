"""The findings report as one self-contained HTML file (plots inline as SVG, no network).

The same markup feeds the PDF: ``chartreview.qt.report_pdf`` asks for
``target="qt"``, which puts ``<img src="plot:N">`` where the browser version has inline
``<svg>``, and renders those images from the SVG text itself. Every string that comes
from a dataset or an analyst goes through :func:`esc`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any, Literal

from chartreview import __version__
from chartreview.domain import CancelToken, Progress, ProgressFn, plural
from chartreview.report.collect import ReportData, judged_text
from chartreview.report.safe import atomic_path, html_text
from chartreview.report.summary import summarise, verdict_of
from chartreview.report.svg import Series, histogram_svg, trajectory_svg

Target = Literal["browser", "qt"]
PLOT_W, PLOT_H = 640, 230
TABLE = '<table width="100%" cellspacing="0" cellpadding="3">'


@dataclass
class Rendered:
    """The report markup, and for ``target="qt"`` the SVG behind each ``plot:N`` image."""

    html: str
    images: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    sections: int = 0


def esc(value: Any) -> str:
    """Text for HTML (``report.safe.html_text``): None as empty, markup escaped, control
    and text-direction characters shown visibly."""
    return html_text(value)


def when(iso: str | None) -> str:
    """An ISO timestamp shown to a reader: ``2025-03-01 14:02 UTC``."""
    if not iso:
        return ""
    text = iso.replace("T", " ")
    if text.endswith("+00:00"):
        text = text[:-6] + " UTC"
    return text[:16] + text[19:] if len(text) >= 19 and text[16] == ":" else text


def _num(value: Any, digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _resource(name: str) -> str:
    return files("chartreview.report").joinpath("templates", name).read_text(encoding="utf-8")


class _Builder:
    def __init__(self, data: ReportData, target: Target) -> None:
        self.data = data
        self.target = target
        self.images: dict[str, tuple[str, int, int]] = {}

    def plot(self, svg: str, width: int, height: int) -> str:
        if self.target == "browser":
            return f'<div class="plot">{svg}</div>'
        name = f"plot:{len(self.images)}"
        self.images[name] = (svg, width, height)
        return f'<p class="plot"><img src="{name}" width="{width}" height="{height}"></p>'

    # --- the cover -----------------------------------------------------------------------
    def cover(self) -> str:
        d = self.data
        filters = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in
                            d.options.describe().items())
        facts = [("Project", d.project), ("Generated", when(d.generated_at)),
                 ("Prepared by", d.options.prepared_by or "—"),
                 ("Analysts with verdicts", ", ".join(d.analysts) or "none yet"),
                 ("Entries in this report", f"{len(d.entries):,}"),
                 ("Flagged entries", f"{len(d.flagged()):,}"),
                 ("Selection", filters or "all entries")]
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
        out = ['<h1 id="cover">Chart findings report</h1>',
               f'<p class="subtitle">{esc(d.project)}</p>',
               f'<table class="facts" cellspacing="0" cellpadding="2">{rows}</table>',
               "<h2>Scoring settings</h2>"]
        run = d.scoring
        if run is None:
            out.append("<p>The project has not been scored; scores are empty.</p>")
            return "".join(out)
        out.append(f'<p class="muted">Score run {esc(run["id"])} of '
                   f'{esc(when(run["created_at"]))}, scoring version {esc(run["version"])}, '
                   f'{esc(run["entries"])} entries scored.</p>')
        items = sorted(run["settings"].items())
        half = (len(items) + 1) // 2
        body = []
        for i in range(half):
            cells = []
            for k, v in (items[i], items[i + half] if i + half < len(items) else ("", "")):
                cells.append(f'<td>{esc(k)}</td><td class="num">{esc(_setting(v))}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        out.append(f'{TABLE}<thead><tr><th>setting</th><th class="num">value</th>'
                   f'<th>setting</th><th class="num">value</th></tr></thead>'
                   f'<tbody>{"".join(body)}</tbody></table>')
        return "".join(out)

    # --- the summary ---------------------------------------------------------------------
    def summary(self) -> str:
        s = summarise(self.data.entries)
        head = "".join(f'<th class="num">{esc(v)}</th>' for v in s.order)
        total = "".join(f'<td class="num">{s.by_verdict.get(v, 0):,}</td>'
                        for v in s.order)
        charts = "".join(
            f'<tr><td>{esc(chart)}</td>'
            + "".join(f'<td class="num">{row.get(v, 0):,}</td>' for v in s.order)
            + f'<td class="num">{sum(row.values()):,}</td></tr>'
            for chart, row in s.by_chart.items())
        out = ['<h2 id="summary" class="newpage">Summary</h2>',
               f"<p>{s.entries:,} entries in this report; "
               + ", ".join(f"{s.by_verdict.get(v, 0):,} {v}" for v in s.order)
               + ".</p>",
               "<h4>By verdict and chart</h4>",
               f"{TABLE}<thead><tr><th>chart</th>{head}<th class=\"num\">total</th></tr>"
               f"</thead><tbody>{charts}<tr><th>all charts</th>{total}"
               f'<th class="num">{s.entries:,}</th></tr></tbody></table>']
        if s.analysts:
            out.append("<p>Current verdicts by analyst: " + ", ".join(
                f"{esc(a)} {n:,}" for a, n in s.analysts.items()) + ".</p>")
        if self.data.team:
            out.append(self.agreement())
        out.append("<h4>Score distribution</h4>")
        out.append(self.plot(histogram_svg(s.score_bins, width=PLOT_W, height=170),
                             PLOT_W, 170))
        if s.unscored:
            out.append(f'<p class="muted">{s.unscored:,} entries have no score.</p>')
        return "".join(out)

    def agreement(self) -> str:
        """Cohen's kappa per pair of analysts, over the entries of this report."""
        pairs = self.data.agreement
        out = ["<h4>Agreement between analysts</h4>"]
        if not pairs:
            out.append('<p class="muted">No entry in this report has verdicts from two '
                       "analysts yet.</p>")
            return "".join(out)
        rows = "".join(
            f'<tr><td>{esc(p.a)}</td><td>{esc(p.b)}</td><td class="num">{p.entries:,}</td>'
            f'<td class="num">{p.agreed:,}</td><td class="num">'
            f'{"n/a" if p.kappa is None else f"{p.kappa:.2f}"}</td></tr>' for p in pairs)
        out.append(f"{TABLE}<thead><tr><th>analyst</th><th>analyst</th>"
                   '<th class="num">entries both judged</th><th class="num">agreed</th>'
                   "<th class=\"num\">Cohen's kappa</th></tr></thead>"
                   f"<tbody>{rows}</tbody></table>"
                   '<p class="muted">Kappa is the agreement beyond what each analyst\'s own '
                   "mix of verdicts would give by chance: 1 is full agreement, 0 is chance; "
                   "n/a when both gave one and the same verdict throughout.</p>")
        return "".join(out)

    # --- one section per flagged entry ---------------------------------------------------
    def entry(self, n: int, e: dict[str, Any]) -> str:
        v = verdict_of(e)
        facts = [
            ("Chart", esc(e["chart"])),
            ("Run", f"debut {esc(e['first_date'])} at No. {esc(e['debut_rank'])}, peak No. "
                    f"{esc(e['peak'])}, {esc(plural(e['weeks'], 'position'))}, last "
                    f"{esc(e['last_date'])}"),
            ("Score", "not scored" if e["score"] is None else
             f"{_num(e['score'])} (manipulation {_num(e['manipulation'])}, "
             f"AI act {_num(e['ai'])})"),
            ("Verdict", f'<span class="verdict-{esc(v)}">{esc(v)}</span>'
             + (f" by {esc(e['analyst'])}, {esc(when(e['reviewed_at']))}"
                if e["analyst"] else "")),
            *self.team_facts(e),
            ("Confidence", esc(e["confidence"]) + " of 4" if e["confidence"] else "—"),
            ("Campaign", campaign_text(e) or "—"),
            ("Tags", esc(", ".join(e["tags"])) or "—"),
            ("Events", esc(", ".join(f"#{i}" for i in e["event_ids"])) or "—"),
        ]
        rows = "".join(f"<tr><th>{k}</th><td>{val}</td></tr>" for k, val in facts)
        out = [f'<div class="entry" id="entry-{int(e["entry_id"])}">',
               f'<h3>{n}. {esc(e["title"])} — {esc(e["artist"])}</h3>',
               f'<table class="facts" cellspacing="0" cellpadding="1">{rows}</table>']
        runs = self.data.trajectories.get(e["entry_id"], [])
        series = [Series(chart, pts, main=eid == e["entry_id"]) for chart, eid, pts in runs]
        series.sort(key=lambda s: not s.main)
        campaign = (e.get("range_from"), e.get("range_to"))
        out.append(self.plot(trajectory_svg(series[:7], width=PLOT_W, height=PLOT_H,
                                            campaign=campaign if any(campaign) else None),
                             PLOT_W, PLOT_H))
        if e["signals"]:
            sig = "".join(
                f'<tr><td>{esc(s["signal"])}</td><td class="num">{_num(s["value"], 2)}</td>'
                f'<td class="num">{_num(s["contribution"], 1)}</td><td>{esc(s["reason"])}</td>'
                f'<td class="small">{esc(s["reference"])}</td></tr>' for s in e["signals"])
            out.append(
                f'<h4>Signals</h4>{TABLE}<thead><tr><th width="14%">signal</th>'
                '<th class="num" width="9%">value</th><th class="num" width="9%">points</th>'
                '<th width="40%">reason</th><th width="28%">compared with</th></tr></thead>'
                f"<tbody>{sig}</tbody></table>")
        else:
            out.append('<p class="muted">No signals recorded for this entry.</p>')
        if e["note"]:
            out.append(f'<h4>Note</h4><div class="note">{esc(e["note"])}</div>')
        out.append("</div>")
        return "".join(out)

    def team_facts(self, e: dict[str, Any]) -> list[tuple[str, str]]:
        """Who judged what and who decided (a team's report)."""
        if not self.data.team:
            return []
        d = e.get("decision")
        decided = "—" if not d else (
            f'<span class="verdict-{esc(d["verdict"])}">{esc(d["verdict"])}</span> by '
            f'{esc(d["decided_by"])}, {esc(when(d["at"]))}: {esc(d["reason"])}')
        return [("Judged", esc(judged_text(e)) or "—"), ("Decided", decided)]

    # --- the appendix --------------------------------------------------------------------
    def appendix(self) -> str:
        titles = {e["entry_id"]: e for e in self.data.entries}
        rows = []
        for ev in self.data.events:
            e = titles.get(ev["entry_id"], ev)
            change = esc(ev["verdict"]) if ev["kind"] == "verdict" else esc(ev["kind"])
            if ev["undoes"]:
                change = f"undo of #{int(ev['undoes'])}"
            elif ev["kind"] == "watch":
                change = "watch on" if ev.get("watch") else "watch off"
            if ev["kind"] in ("verdict", "range") and (ev.get("range_from")
                                                       or ev.get("range_to")):
                change += "<br>campaign " + esc(campaign_text(ev))
            elif ev["kind"] == "range":
                change += "<br>campaign cleared"
            extra = [esc(", ".join(ev["tags"]))] if ev["tags"] else []
            if ev["confidence"]:
                extra.append(f"confidence {esc(ev['confidence'])}")
            if extra:
                change += '<br><span class="muted">' + "<br>".join(extra) + "</span>"
            rows.append(
                f'<tr><td class="num">{int(ev["event_id"])}</td>'
                f'<td class="small">{esc(when(ev["at"]))}<br>{esc(ev["analyst"])}</td>'
                f'<td>{esc(e["title"])} — {esc(e["artist"])}'
                f'<br><span class="muted">{esc(e["chart"])}</span></td>'
                f'<td>{change}</td><td>{esc(ev["note"])}</td></tr>')
        body = "".join(rows) or '<tr><td colspan="5">No verdict events.</td></tr>'
        return ('<h2 id="appendix" class="newpage">Appendix: verdict history</h2>'
                f'<p class="muted">Every review event on the entries of this report, oldest '
                f"first ({len(self.data.events):,} events). Nothing is ever deleted; an undo "
                "is an event naming the one it reverses.</p>"
                f'{TABLE}<thead><tr><th class="num" width="6%">#</th>'
                '<th width="15%">time, analyst</th><th width="24%">entry</th>'
                '<th width="14%">change</th><th width="41%">note</th></tr></thead>'
                f"<tbody>{body}</tbody></table>")


def campaign_text(row: dict[str, Any]) -> str:
    """``2025-07-19 to 2025-08-02`` (an open end as ``…``); empty without a range."""
    start, end = row.get("range_from"), row.get("range_to")
    if not start and not end:
        return ""
    return f"{start or '…'} to {end or '…'}"


def _setting(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return json.dumps(v) if isinstance(v, (dict, list)) else str(v)


def render(
    data: ReportData, *, target: Target = "browser", on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Rendered:
    """Build the findings report: cover, summary, one section per flagged entry, appendix.

    Parameters
    ----------
    data
        What :func:`chartreview.report.collect.collect` read (with trajectories).
    target
        ``"browser"``: plots inline as ``<svg>``. ``"qt"``: plots as ``plot:N`` images
        whose SVG is returned in ``Rendered.images`` (Qt's rich text has no inline SVG).
    """
    b = _Builder(data, target)
    flagged = data.flagged()
    parts = [b.cover(), b.summary()]
    threshold = data.options.flag_score
    why = "verdict suspicious or ai" + (
        f", or score {threshold:g} and above" if threshold is not None else "")
    parts.append(f'<h2 id="findings" class="newpage">Flagged entries ({len(flagged):,})</h2>'
                 f'<p class="muted">Entries with {esc(why)}, highest score first.</p>')
    if not flagged:
        parts.append("<p>No entry in this selection is flagged.</p>")
    for n, e in enumerate(flagged, 1):
        if cancel is not None:
            cancel.check()
        parts.append(b.entry(n, e))
        if on_progress and (n % 10 == 0 or n == len(flagged)):
            on_progress(Progress(n, len(flagged), "Writing entry sections"))
    parts.append(b.appendix())
    page = Template(_resource("report.html")).substitute(
        title=esc(f"Chart findings — {data.project}"), css=_resource("report.css"),
        body="\n".join(parts), version=esc(__version__))
    return Rendered(page, b.images, len(flagged))


def write_html(
    data: ReportData, out: Path, *, on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Write the self-contained HTML report to ``out`` (atomically).

    Returns
    -------
    list of Path
        The file written.
    """
    page = render(data, on_progress=on_progress, cancel=cancel).html
    with atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return [out]
