"""The PDF findings report, read back with poppler's pdfinfo and pdftotext."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from chartreview.cli import cli
from chartreview.domain import Cancelled, CancelToken
from chartreview.report.collect import ExportOptions
from chartreview.store import queries

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(shutil.which("pdftotext") is None,
                       reason="poppler-utils (pdfinfo, pdftotext) is not installed"),
]


@pytest.fixture(autouse=True)
def offscreen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "offscreen"))


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return dict(re.findall(r"^([^:]+):\s+(.*)$", out.stdout, flags=re.M))


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True)
    # the PDF's fonts use ligatures ("ﬁ"): compare what a reader sees
    return unicodedata.normalize("NFKC", out.stdout)


@pytest.mark.parametrize(("paper", "size"), [("a4", "595 x 842"), ("letter", "612 x 792")])
def test_pdf_report_pages_titles_and_notes(reviewed, tmp_path: Path, paper: str, size: str):
    p, ids = reviewed
    p.close()
    out = tmp_path / f"findings-{paper}.pdf"
    r = CliRunner().invoke(cli, ["export", "--format", "pdf", "--out", str(out), "--db",
                                 str(p.path), "--paper", paper])
    assert r.exit_code == 0, r.output
    info = _info(out)
    pages = int(info["Pages"])
    assert info["Page size"].startswith(size)
    assert f"{pages} pages" in r.output
    assert pages >= 5  # cover, summary, four flagged entries, appendix
    text = _text(out)
    flat = " ".join(text.split())
    from chartreview.store import open_project

    with open_project(p.path) as again:
        for key in ("sus", "ai", "bob"):
            e = queries.entry(again, ids[key])
            assert f"{e['title']} — {e['artist']}" in flat
    assert "<script>alert(1)</script>" in flat
    assert "Four titles a week, same cover art." in flat
    # the long note wraps inside the page instead of being cut: its last words are there
    assert flat.count("and the distributor statement.") >= 8
    assert f"page {pages} of {pages}" in flat
    for heading in ("Chart findings report", "Scoring settings", "Summary",
                    "Flagged entries (4)", "Appendix: verdict history"):
        assert heading in flat
    assert "w_cross_chart" in flat and "voice" not in flat


def test_cancelled_pdf_leaves_the_previous_file(reviewed, tmp_path: Path):
    from chartreview.qt.report_pdf import export_pdf

    p, _ = reviewed
    out = tmp_path / "findings.pdf"
    out.write_bytes(b"previous")
    calls = {"n": 0}
    token = CancelToken()

    def progress(pr) -> None:
        calls["n"] += 1
        if pr.message == "Writing pages" and pr.done >= 2:
            token.cancel()

    with pytest.raises(Cancelled):
        export_pdf(p, ExportOptions("pdf", out, force=True), on_progress=progress,
                   cancel=token)
    assert out.read_bytes() == b"previous"
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []


def test_pdf_has_a_section_per_flagged_entry(reviewed, tmp_path: Path):
    """Every entry above the flag score gets its section (timing: benchmarks/exports.py)."""
    from chartreview.qt.report_pdf import export_pdf

    p, _ = reviewed
    flagged = queries.list_entries(p, queries.EntryFilter(min_score=60))
    assert len(flagged) >= 5
    result = export_pdf(p, ExportOptions("pdf", tmp_path / "flagged.pdf", flag_score=60,
                                         verdict="all", min_score=60),
                        cancel=CancelToken())
    assert result.pages > len(flagged) // 3
    text = subprocess.run(["pdftotext", str(tmp_path / "flagged.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for e in flagged:
        assert e["title"] in text


def test_pdf_shades_the_campaign_range(reviewed, tmp_path: Path):
    from PySide6.QtGui import QColor, QImage

    from chartreview.qt.report_pdf import export_pdf
    from chartreview.review.audit import set_range

    p, ids = reviewed
    e = queries.entry(p, ids["sus"])
    set_range(p, [ids["sus"]], e["first_date"], e["first_date"], analyst="ana")
    out = tmp_path / "findings.pdf"
    export_pdf(p, ExportOptions("pdf", out))
    flat = " ".join(_text(out).split())
    assert f"Campaign {e['first_date']} to {e['first_date']}" in flat
    page = next(n for n, text in enumerate(_text(out).split("\f"), 1)
                if f"Campaign {e['first_date']}" in " ".join(text.split()))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page),
                    str(out), str(tmp_path / "page")], check=True)
    image = QImage(str(next(tmp_path.glob("page*.png"))))
    from chartreview.report.svg import CAMPAIGN

    shade = QColor(CAMPAIGN)
    hits = sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if abs(image.pixelColor(x, y).red() - shade.red()) < 6
               and abs(image.pixelColor(x, y).green() - shade.green()) < 6
               and abs(image.pixelColor(x, y).blue() - shade.blue()) < 6)
    assert hits > 20  # the shaded weeks behind the curve
