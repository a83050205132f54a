"""The export dialog runs the same export in a worker, with progress and Cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def test_dialog_exports_json_with_filters(reviewed, tmp_path: Path, qtbot):
    from chartreview.qt.views.export_dialog import ExportDialog

    p, ids = reviewed
    p.close()
    dialog = ExportDialog(p.path)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    out = tmp_path / "from-dialog.json"
    dialog.out.setText(str(out))
    dialog.analyst_box.setCurrentIndex(dialog.analyst_box.findData("bob"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    doc = json.loads(out.read_text())
    assert [e["entry_id"] for e in doc["entries"]] == [ids["bob"]]
    assert "Exported 1 entries" in dialog.status.text()


def test_dialog_pdf_and_bad_date(reviewed, tmp_path: Path, qtbot):
    from chartreview.qt.views.export_dialog import ExportDialog

    p, _ = reviewed
    p.close()
    dialog = ExportDialog(p.path)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    assert dialog.paper.isEnabled()
    dialog.out.setText(str(tmp_path / "r.pdf"))
    dialog.date_from.setText("2025-02-30")
    dialog.start()
    assert "not a date" in dialog.status.text() and dialog.worker is None
    dialog.date_from.setText("")
    dialog.paper.setCurrentIndex(dialog.paper.findData("letter"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30_000)
    assert dialog.result.pages >= 5
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
