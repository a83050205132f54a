"""An export never destroys a project (issue 17, case 1), and never half-replaces a file.

Each case runs the command a user typed and checks the project file byte for byte.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chartreview.store import open_project, queries
from chartreview.store.backup import backup
from tests.conftest import file_digest
from tests.trust.conftest import run

FORMATS = ("json", "csv", "xlsx", "html", "pdf")





def _still_whole(path: Path, digest: str) -> None:
    assert file_digest(path) == digest, "the project file changed"
    with open_project(path) as p:
        assert len(queries.list_entries(p)) == 100
        assert queries.list_entries(p, queries.EntryFilter(verdict="suspicious"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_onto_the_project_is_refused(project_file: Path, fmt: str) -> None:
    digest = file_digest(project_file)
    code, _, err = run("export", "--format", fmt, "--out", str(project_file),
                         "--db", str(project_file))
    assert code == 1
    assert "is the project itself" in err and "Traceback" not in err
    _still_whole(project_file, digest)
    # --force does not change that
    code, _, err = run("export", "--format", fmt, "--out", str(project_file),
                       "--db", str(project_file), "--force")
    assert code == 1 and "is the project itself" in err
    _still_whole(project_file, digest)


def test_export_through_a_symlink_or_hard_link_is_refused(project_file: Path,
                                                          tmp_path: Path) -> None:
    digest = file_digest(project_file)
    sym = tmp_path / "findings.json"
    sym.symlink_to(project_file)
    hard = tmp_path / "hard.json"
    os.link(project_file, hard)
    for target in (sym, hard):
        code, _, err = run("export", "--format", "json", "--out", str(target),
                           "--db", str(project_file), "--force")
        assert code == 1 and "is the project itself" in err, err
    _still_whole(project_file, digest)
    assert sym.is_symlink()


@pytest.mark.parametrize("side", ["-wal", "-shm", "-journal"])
def test_export_onto_the_project_side_files_is_refused(project_file: Path, side: str) -> None:
    digest = file_digest(project_file)
    code, _, err = run("export", "--format", "csv", "--out", f"{project_file}{side}",
                       "--db", str(project_file), "--force")
    assert code == 1 and f"the project's p.sqlite{side}" in err, err
    assert not Path(f"{project_file}{side}").exists()
    _still_whole(project_file, digest)


def test_export_into_the_backups_folder_or_onto_another_project_is_refused(
        project_file: Path, tmp_path: Path) -> None:
    with open_project(project_file) as p:
        made = backup(p)
    digest, backup_digest = file_digest(project_file), file_digest(made)
    code, _, err = run("export", "--format", "json", "--out", str(made),
                       "--db", str(project_file), "--force")
    assert code == 1 and "backups folder" in err
    code, _, err = run("export", "--format", "json", "--out", str(made.parent / "new.json"),
                       "--db", str(project_file))
    assert code == 1 and "backups folder" in err
    assert file_digest(made) == backup_digest
    other = tmp_path / "other.sqlite"
    with open_project(other, create=True):
        pass
    other_digest = file_digest(other)
    code, _, err = run("export", "--format", "html", "--out", str(other),
                       "--db", str(project_file), "--force")
    assert code == 1 and "is a chartreview project" in err
    assert file_digest(other) == other_digest
    _still_whole(project_file, digest)


def test_an_existing_file_is_replaced_only_with_force(project_file: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    out.write_text("my own notes\n")
    code, _, err = run("export", "--format", "json", "--out", str(out),
                       "--db", str(project_file))
    assert code == 1 and "exists; pass --force" in err
    assert out.read_text() == "my own notes\n"
    code, stdout, err = run("export", "--format", "json", "--out", str(out),
                            "--db", str(project_file), "--force")
    assert code == 0, err
    assert out.read_text().startswith("{") and "Exported 1 entries" in stdout


def test_csv_checks_its_events_file_too(project_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.csv"
    (tmp_path / "v.events.csv").write_text("keep me\n")
    code, _, err = run("export", "--format", "csv", "--out", str(out),
                       "--db", str(project_file))
    assert code == 1 and "v.events.csv exists" in err
    assert not out.exists() and (tmp_path / "v.events.csv").read_text() == "keep me\n"


def test_a_failed_export_leaves_the_old_file(project_file: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from chartreview.report import export as export_module

    for fmt in ("csv", "json"):
        out = tmp_path / f"old.{fmt}"
        out.write_text("the old report\n")
        events = tmp_path / "old.events.csv"
        events.write_text("the old events\n")

        def broken(*args: object, **kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        # the second CSV table fails after the first was written (to its temp file)
        monkeypatch.setattr(export_module, "event_record", broken)
        monkeypatch.setattr(export_module, "json_text", broken)
        code, _, err = run("export", "--format", fmt, "--out", str(out), "--verdict", "all",
                           "--db", str(project_file), "--force")
        assert code == 1 and "Could not write" in err, err
        assert out.read_text() == "the old report\n"
        assert events.read_text() == "the old events\n"
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        monkeypatch.undo()


@pytest.mark.gui
def test_export_dialog_uses_the_same_guard(project_file: Path, tmp_path: Path, qtbot,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from chartreview.qt.views.export_dialog import ExportDialog

    digest = file_digest(project_file)
    dialog = ExportDialog(project_file)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    dialog.out.setText(str(project_file))
    qtbot.mouseClick(dialog.export_button, _left())
    assert "is the project itself" in dialog.status.text()
    assert dialog.worker is None
    _still_whole(project_file, digest)
    # an ordinary existing file: asked, and kept when the user says No
    out = tmp_path / "mine.json"
    out.write_text("mine\n")
    dialog.out.setText(str(out))
    asked: list[str] = []

    def answer(reply: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def question(parent, title, text, *args):  # type: ignore[no-untyped-def]
            asked.append(text)
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    qtbot.mouseClick(dialog.export_button, _left())
    assert asked and "mine.json exists" in asked[0]
    assert out.read_text() == "mine\n" and "Not exported" in dialog.status.text()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(dialog.export_button, _left())
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20_000)
    assert out.read_text().startswith("{")


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
