"""Every command is documented in the README and has help text."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from chartreview.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_documented_and_has_help(name: str) -> None:
    assert f"chartreview {name}" in README, f"README does not show 'chartreview {name}'"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert len(cli.commands[name].help or "") > 20


def test_readme_opens_with_the_two_commands() -> None:
    head = README[: README.index("## Five-minute tour")]
    assert "sh packaging/run.sh" in head and "sh packaging/test.sh" in head
    assert "sh packaging/test.sh" in (ROOT / ".ci" / "run").read_text()
