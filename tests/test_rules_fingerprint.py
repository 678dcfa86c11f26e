"""The saved pipeline's version hashes every rule file of the NLP's data folder: a changed
rule (the differential's words, a registry export's codes, a date convention) must re-parse
the notes, never leave yesterday's findings standing."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.nlp import pipeline

DATA = Path(pipeline.__file__).parent / "data"
RULE_FILES = sorted(p.name for p in DATA.iterdir()
                    if p.suffix in (".json", ".jsonl") and p.name != "concepts.jsonl")


def test_the_rule_files_are_found() -> None:
    assert {"context_rules.json", "differential.json", "coded_fields.json"} <= set(RULE_FILES)


@pytest.mark.parametrize("name", RULE_FILES)
def test_a_changed_rule_file_changes_the_fingerprint(name: str, monkeypatch) -> None:
    before = pipeline._rules_fingerprint()
    original = pipeline.data_text

    def edited(file: str, *args, **kwargs) -> str:
        text = original(file, *args, **kwargs)
        return text + "\n" if file == name else text

    monkeypatch.setattr(pipeline, "data_text", edited)
    assert pipeline._rules_fingerprint() != before
