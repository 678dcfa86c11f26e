"""models/clinical-nlp is the pipeline the engine runs: it must match the packaged rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from matcher.errors import ModelError
from matcher.nlp.pipeline import (
    NoteParser,
    build_pipeline,
    default_model_path,
    load_pipeline,
    pipeline_version,
)

SAMPLE = (
    "RENAL BIOPSY 02/10/2026: lupus nephritis ISN/RPS class IV-G (A) + V.\n"
    "On MMF since 03/2025; tacrolimus added Jan 2026. No prior rituximab.\n"
    "Bloods 05/11/2026:\nWBC 4.6, neutrophils 3.1 (all x10^9/L)\nALT 85 U/L (7-40)\n"
    "Mother has SLE. SLEDAI-2K 12. Lansky 80."
)


def test_saved_pipeline_is_current_with_the_packaged_rules():
    saved = json.loads((default_model_path() / "meta.json").read_text())
    fresh = build_pipeline()
    assert f"{saved['name']}-{saved['version']}" == pipeline_version(fresh), (
        "models/clinical-nlp is stale: run `matcher model build` and commit it"
    )


def test_saved_pipeline_carries_its_rule_files():
    path = default_model_path()
    for rule_file in ("clinical_context/context_rules.json", "clinical_sections/sections.json",
                      "finding_extractor/concepts.jsonl", "concept_terms/patterns"):
        assert (path / rule_file).exists(), rule_file


def test_loaded_pipeline_reads_notes_like_a_fresh_build(tmp_path):
    fresh = build_pipeline()
    fresh.to_disk(tmp_path / "model")
    loaded = load_pipeline(tmp_path / "model")
    date = dt.date(2026, 11, 10)
    expected = NoteParser(fresh).parse(SAMPLE, "n", date)
    got = NoteParser(loaded).parse(SAMPLE, "n", date)
    assert got == expected
    assert {f.concept for f in got} >= {"biopsy.kidney", "drug.mycophenolate", "lab.alt"}


def test_pipeline_components_are_registered_spacy_factories():
    names = build_pipeline().pipe_names
    assert names == ["clinical_sentences", "clinical_sections", "concept_terms",
                     "concept_abbreviations", "fuzzy_concepts", "clinical_context",
                     "finding_extractor"]


def test_a_saved_pipeline_from_another_vocabulary_is_refused_not_mixed(tmp_path):
    """The criteria reader and the evaluator read the packaged vocabulary; a pipeline saved
    from another one would find concepts the rest of the run does not know (one run, two
    vocabularies). Loading it names the file and what to do."""
    fresh = build_pipeline()
    fresh.to_disk(tmp_path / "model")
    saved = tmp_path / "model" / "finding_extractor" / "concepts.jsonl"
    rows = saved.read_text(encoding="utf-8").splitlines()
    saved.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")  # one concept fewer
    with pytest.raises(ModelError) as caught:
        load_pipeline(tmp_path / "model")
    message = str(caught.value)
    assert "concepts.jsonl" in message and "matcher model build" in message
