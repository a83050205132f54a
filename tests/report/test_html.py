"""The HTML findings report parsed back: sections, escaping, self-contained."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from chartreview.report.collect import ExportOptions
from chartreview.report.export import export
from chartreview.store import queries
from tests.report.conftest import SCRIPT_TITLE


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.h3: list[str] = []
        self._in_h3 = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        self.ids += [v for k, v in attrs if k == "id" and v]
        self._in_h3 = tag == "h3"

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_h3 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h3:
            self.h3.append(data)


def _parse(path: Path) -> Outline:
    o = Outline()
    o.feed(path.read_text(encoding="utf-8"))
    return o


def test_report_has_cover_summary_flagged_sections_and_appendix(reviewed, tmp_path: Path):
    p, ids = reviewed
    out = tmp_path / "findings.html"
    result = export(p, ExportOptions("html", out, prepared_by="ana"))
    o = _parse(out)
    assert [i for i in o.ids if not i.startswith("entry-")] == [
        "cover", "summary", "findings", "appendix"]
    # flagged: verdict suspicious or ai (human is not), one section each with a plot
    flagged = {ids["sus"], ids["ai"], ids["script"], ids["bob"]}
    assert {int(i[6:]) for i in o.ids if i.startswith("entry-")} == flagged
    assert o.tags.count("svg") == len(flagged) + 1  # trajectories + score distribution
    text = " ".join(o.text)
    assert queries.entry(p, ids["sus"])["title"] in text
    assert "Four titles a week, same cover art." in text
    assert "Album week of a known act." in text  # the human verdict: only in the appendix
    assert f"{result.entries:,} entries in this report" in text
    assert "w_cross_chart" in text  # scoring settings on the cover


def test_dataset_and_analyst_markup_is_shown_as_text(reviewed, tmp_path: Path):
    p, _ = reviewed
    out = tmp_path / "findings.html"
    export(p, ExportOptions("html", out))
    o = _parse(out)
    assert "script" not in o.tags and "b" not in o.tags
    assert any(SCRIPT_TITLE in h for h in o.h3)
    assert "<b>not bold</b> & more" in " ".join(o.text)


def test_report_is_self_contained(reviewed, tmp_path: Path):
    p, _ = reviewed
    out = tmp_path / "findings.html"
    export(p, ExportOptions("html", out))
    o = _parse(out)
    assert "link" not in o.tags and "img" not in o.tags
    refs = [v for k, v in o.attrs if k in ("src", "href") and v]
    assert refs == []


def test_flag_score_adds_high_scoring_unreviewed_entries(reviewed, tmp_path: Path):
    p, ids = reviewed
    out = tmp_path / "findings.html"
    export(p, ExportOptions("html", out, flag_score=50))
    sections = {int(i[6:]) for i in _parse(out).ids if i.startswith("entry-")}
    high = {e["entry_id"] for e in queries.list_entries(p, queries.EntryFilter(min_score=50))}
    assert high - {ids["human"]} <= sections and len(sections) > 4
