"""The README's commands and the CLI stay in step (after sqlite-utils' tests/test_docs.py)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from matcher.cli import cli
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _code_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def test_readme_starts_with_the_two_newcomer_commands():
    blocks = _code_blocks()
    setup, tests = blocks[0].strip(), blocks[1].strip()
    assert "pip install" in setup and "matcher ingest examples/" in setup
    assert "matcher match registry_dumps/NCT06904729" in setup
    assert tests == ".venv/bin/pytest"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    test_command = _code_blocks()[1].strip()
    assert test_command in ci.splitlines()


def _commands(group=cli, prefix=()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            found.extend(_commands(command, path))
        else:
            found.append(path)
    return found


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_is_documented_with_a_heading(path):
    heading = "### `matcher " + " ".join(path)
    assert heading in README, f"README has no section for matcher {' '.join(path)}"


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_documented_option_exists(path):
    command = cli
    for part in path:
        command = command.commands[part]
    section = README.split("### `matcher " + " ".join(path))[1].split("\n")[0]
    documented = set(re.findall(r"--[a-z][a-z-]+", section))
    real = {opt for p in command.params for opt in getattr(p, "opts", [])}
    assert documented <= real, documented - real


def test_help_runs_for_every_command():
    runner = CliRunner()
    for path in _commands():
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
