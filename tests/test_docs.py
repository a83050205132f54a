"""Every command is documented in the README and has help text."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from chartreview.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[list[str]]:
    """Every command line path: ``[name]``, and ``[group, name]`` for a group's commands."""
    ctx = click.Context(cli)
    out: list[list[str]] = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        out.append([name])
        if isinstance(command, click.Group):
            out += [[name, sub] for sub in command.list_commands(ctx)]
    return out


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_command_documented_and_has_help(path: list[str]) -> None:
    assert f"chartreview {' '.join(path)}" in README, (
        f"README does not show 'chartreview {' '.join(path)}'")
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    command = cli.get_command(click.Context(cli), path[0])
    for name in path[1:]:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None and len(command.help or "") > 20


def test_readme_opens_with_the_two_commands() -> None:
    head = README[: README.index("## Five-minute tour")]
    assert "sh packaging/run.sh" in head and "sh packaging/test.sh" in head
    assert "sh packaging/test.sh" in (ROOT / ".ci" / "run").read_text()
