"""What the engine prints for the bundled example stays byte for byte what it was: `trial
show --format json` of the seed trial and `match --format json` of the example notes against
it. A refactor (issue 13 moved every module into a folder per concern) must not move a byte;
a change that is meant to alter a reading or a verdict regenerates the files on purpose:

    python -m tests.test_snapshots   # rewrites tests/data/snapshots/ and prints what changed
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from click.testing import CliRunner

from matcher.cli import cli
from tests.conftest import REPO

SNAPSHOTS = REPO / "tests" / "data" / "snapshots"
# Relative to the repository, as the README's commands give them: the record's `source`
# is the path as given.
TRIAL = "registry_dumps/NCT06904729.txt"
NOTES = "examples/notes.jsonl"
AS_OF = "2026-11-20"


def _run(*args: str) -> str:
    with contextlib.chdir(REPO):
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout  # the output contract; warnings (stderr) are not part of it


def trial_show() -> str:
    return _run("trial", "show", TRIAL, "--format", "json")


def match_json(db: Path) -> str:
    _run("ingest", NOTES, "--db", str(db))
    return _run("match", TRIAL, "--db", str(db), "--as-of", AS_OF, "--format", "json")


def test_trial_show_of_the_seed_trial_is_byte_identical():
    expected = (SNAPSHOTS / "NCT06904729.trial_show.json").read_text(encoding="utf-8")
    assert trial_show() == expected, "trial show changed: see this module's docstring"


def test_match_of_the_example_notes_is_byte_identical(tmp_path: Path):
    expected = (SNAPSHOTS / "NCT06904729.match.json").read_text(encoding="utf-8")
    assert match_json(tmp_path / "m.db") == expected, "match changed: see the docstring"


if __name__ == "__main__":
    import tempfile

    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        outputs = {
            "NCT06904729.trial_show.json": trial_show(),
            "NCT06904729.match.json": match_json(Path(folder) / "m.db"),
        }
    for name, text in outputs.items():
        path = SNAPSHOTS / name
        before = path.read_text(encoding="utf-8") if path.exists() else None
        path.write_text(text, encoding="utf-8")
        print(f"{name}: {'unchanged' if before == text else 'rewritten'}", file=sys.stderr)
