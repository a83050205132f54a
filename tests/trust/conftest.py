"""What the trust tests share: a small project, and the CLI run as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from chartreview.cli import cli
from chartreview.ingest import import_file
from chartreview.review import audit
from chartreview.store import open_project, queries


def run(*args: str) -> tuple[int, str, str]:
    """``chartreview ARGS``: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project_file(shared: Path, tmp_path: Path) -> Path:
    """A project with 100 positions (the real recent Hot 100) and one verdict, closed
    (no WAL beside it, so its bytes can be compared)."""
    path = tmp_path / "p.sqlite"
    with open_project(path, create=True) as p:
        import_file(p, shared / "billboard/hot100_recent.json")
        top = queries.list_entries(p, sort="peak", descending=False, limit=1)[0]
        audit.set_verdict(p, top["entry_id"], "suspicious", analyst="ana", note="bundles")
    assert not Path(f"{path}-wal").exists()
    return path
