"""The vocabulary is passed explicitly (issue 13): one place loads it for a run, and the note
pipeline, the criteria reader, the evaluator and the web plot use the one they are given,
never a process-wide copy of their own. A run that reads notes with one vocabulary and
criteria with another would find concepts the other side does not know."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from matcher import api
from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.citation import SYSTEMS_FILE, load_systems
from matcher.criteria.grammar import GRAMMAR_FILE, load_grammar
from matcher.criteria.render import reading
from matcher.criteria.temporality import TEMPORALITY_FILE, load_temporality
from matcher.errors import ModelError, VocabularyError
from matcher.jobs.engine import (
    EmbeddedEngine,
    _init_worker,
    _worker_parse,
    run_parser,
    vocabulary_fingerprint,
)
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient
from matcher.nlp.pipeline import NoteParser, build_pipeline, load_pipeline
from matcher.nlp.vocab import Vocabulary, load_vocabulary
from matcher.web.plot import timeline_svg
from tests.conftest import REPO

PACKAGE = REPO / "matcher"

# The functions that may load the packaged vocabulary: the API's door, which every run of
# the CLI, the jobs and the web app goes through, and the public library functions whose
# `vocabulary` keyword defaults to the packaged one and that read with it themselves
# (loaded at the door, then passed down; trial_to_json and format_criteria_table pass
# theirs on to `reading`). The loader's memo makes every door hand out the one object
# matcher.api.vocabulary() returns. Any other call reads a hidden copy of its own; the
# criteria data files name concepts but are checked against the reader's vocabulary
# (matcher.criteria.data_check), not against one they load.
DOORS = {
    ("matcher/api.py", "vocabulary"),
    ("matcher/nlp/pipeline.py", "build_pipeline"),
    ("matcher/judge/timeline.py", "build_timeline"),
    ("matcher/criteria/reader.py", "parse_eligibility_text"),
    ("matcher/criteria/reader.py", "parse_criteria"),
    ("matcher/criteria/reader.py", "parse_criterion"),
    ("matcher/criteria/render.py", "reading"),
}

# A word no packaged concept names, and a one-letter misspelling of it for the fuzzy finder.
SYNONYM = "zorbatacrolim"
MISSPELT = "zorbatacrolin"
AS_OF = dt.date(2026, 11, 20)


def _loader_calls() -> set[tuple[str, str]]:
    """(module path, enclosing function) of every call of the vocabulary loader."""
    calls = set()
    for source in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        relative = source.relative_to(REPO).as_posix()

        def visit(node: ast.AST, function: str, relative: str = relative) -> None:
            for child in ast.iter_child_nodes(node):
                name = function
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = child.name
                if isinstance(child, ast.Call):
                    called = child.func
                    called_name = getattr(called, "id", None) or getattr(called, "attr", None)
                    if called_name == "load_vocabulary":
                        calls.add((relative, function or "<module>"))
                visit(child, name)

        visit(tree, "")
    return calls


def test_only_the_doors_call_the_vocabulary_loader():
    calls = _loader_calls()
    hidden = calls - DOORS
    assert not hidden, f"these read the vocabulary instead of being given it: {sorted(hidden)}"
    # A door that no longer loads it is struck off, so the list stays as short as it is.
    assert not DOORS - calls, f"no longer doors: {sorted(DOORS - calls)}"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    """The packaged vocabulary with one difference: tacrolimus has one more name (and a
    label of its own), so only a component given this vocabulary finds or says it."""
    changed = [
        dataclasses.replace(c, terms=(*c.terms, SYNONYM), label="tacrolimus (zorbatacrolim)")
        if c.id == "drug.tacrolimus" else c
        for c in load_vocabulary().concepts.values()
    ]
    return Vocabulary(changed)


@pytest.fixture(scope="module")
def custom_parser(vocabulary: Vocabulary) -> NoteParser:
    return NoteParser(vocabulary=vocabulary)


@pytest.mark.parametrize("written", [SYNONYM, MISSPELT.capitalize()])
def test_the_note_parser_finds_a_synonym_only_its_vocabulary_has(custom_parser, written):
    text = f"Medications: {written} 2 mg twice daily since 03/2025."
    date = dt.date(2026, 11, 10)
    found = {f.concept for f in custom_parser.parse(text, "n1", date)}
    assert "drug.tacrolimus" in found
    assert "drug.tacrolimus" not in {f.concept for f in NoteParser().parse(text, "n1", date)}


def test_the_note_parser_says_which_vocabulary_it_reads_with(custom_parser, vocabulary):
    assert custom_parser.vocabulary is vocabulary


def test_a_saved_pipeline_is_refused_with_another_vocabulary_than_the_runs(tmp_path, vocabulary):
    """The run's vocabulary and the one saved with the pipeline must be equal: one run, one
    vocabulary."""
    build_pipeline().to_disk(tmp_path / "model")
    with pytest.raises(ModelError) as caught:
        load_pipeline(tmp_path / "model", vocabulary=vocabulary)
    assert "concepts.jsonl" in str(caught.value)
    assert load_pipeline(tmp_path / "model", vocabulary=load_vocabulary()) is not None


def test_the_reader_reads_a_synonym_only_its_vocabulary_has(vocabulary):
    text = f"Treatment with {SYNONYM} within 6 months before screening"
    read = parse_criterion(text, "exclusion", vocabulary=vocabulary)
    assert "drug.tacrolimus" in read.params.get("drugs", [])
    assert "drug.tacrolimus" not in parse_criterion(text, "exclusion").params.get("drugs", [])


def _tacrolimus_finding() -> Finding:
    return Finding(concept="drug.tacrolimus", category="drug", note_id="n1", start=0, end=10,
                   text="tacrolimus", assertion=Assertion.AFFIRMED, date=dt.date(2026, 10, 1))


def test_the_evaluator_names_a_concept_by_the_vocabulary_it_is_given(vocabulary):
    criterion = parse_criterion("Treatment with tacrolimus within 6 months before screening",
                                "exclusion")
    findings = [_tacrolimus_finding()]
    dates = {"n1": dt.date(2026, 10, 1)}
    given = build_timeline(Patient("P1", None), findings, dates, AS_OF, vocabulary=vocabulary)
    assert "tacrolimus (zorbatacrolim)" in evaluate(criterion, given).reason
    packaged = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    assert "zorbatacrolim" not in evaluate(criterion, packaged).reason


def test_the_plot_names_a_drug_by_the_vocabulary_it_is_given(vocabulary):
    findings = [_tacrolimus_finding()]
    dates = {"n1": dt.date(2026, 10, 1)}
    assert "tacrolimus (zorbatacrolim)" in timeline_svg(findings, dates, AS_OF, vocabulary)
    assert "zorbatacrolim" not in timeline_svg(findings, dates, AS_OF, load_vocabulary())


def test_the_plain_words_reading_names_a_drug_by_the_vocabulary_it_is_given(vocabulary):
    criterion = parse_criterion("Treatment with tacrolimus within 6 months before screening",
                                "exclusion")
    assert "tacrolimus (zorbatacrolim)" in reading(criterion, vocabulary)
    assert "zorbatacrolim" not in reading(criterion, load_vocabulary())


def _named_only_by(data_file: str) -> list[str]:
    """The concept ids the packaged criteria data file names and the other two do not."""
    grammar, rules, systems = load_grammar(), load_temporality(), load_systems()
    named = {
        GRAMMAR_FILE: {*grammar.inclusion_never_requires, *grammar.broad_concepts,
                       *grammar.manual_concepts, *grammar.inclusion_manual_concepts,
                       *grammar.plausible},
        TEMPORALITY_FILE: {*rules.state_concepts, *rules.event_concepts,
                           *rules.lifelong_concepts},
        SYSTEMS_FILE: {c for s in systems.sets for c in s.conditions},
    }
    others = set().union(*(ids for name, ids in named.items() if name != data_file))
    return sorted(named[data_file] - others)


@pytest.mark.parametrize("data_file", [GRAMMAR_FILE, TEMPORALITY_FILE, SYSTEMS_FILE])
def test_the_criteria_data_are_checked_against_the_vocabulary_the_reader_is_given(data_file):
    """A vocabulary without a concept the criteria data name (the grammar's "dx.gilbert",
    the temporality's "proc.dialysis"): the reader given it says which data file names
    what it lacks, instead of reading with data that were checked against the packaged
    vocabulary only."""
    missing = _named_only_by(data_file)[0]
    lacking = Vocabulary(c for c in load_vocabulary().concepts.values() if c.id != missing)
    for read in (lambda: parse_criterion("Age 18 years or older", vocabulary=lacking),
                 lambda: parse_eligibility_text("Inclusion Criteria:\n- Age >= 18",
                                                vocabulary=lacking)):
        with pytest.raises(VocabularyError) as caught:
            read()
        assert data_file in str(caught.value)
        assert missing in str(caught.value)


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pipeline saved from the packaged vocabulary, as `matcher model build` writes one."""
    path = tmp_path_factory.mktemp("saved") / "model"
    build_pipeline().to_disk(path)
    return path


def test_the_nightly_engine_parses_with_the_runs_vocabulary(saved_model):
    """The embedded engine (in process, and the parent of its workers) reads notes with the
    vocabulary the reader and the evaluator are given, not the saved pipeline's own equal
    copy."""
    engine = EmbeddedEngine(workers=1, model_path=saved_model)
    assert engine.parser.vocabulary is api.vocabulary()


def test_the_nightly_engine_refuses_a_parser_that_reads_another_vocabulary(custom_parser):
    with pytest.raises(ModelError, match="vocabulary"):
        EmbeddedEngine(workers=1, parser=custom_parser)


def test_a_worker_process_reads_with_the_vocabulary_its_parent_names(saved_model):
    run = vocabulary_fingerprint(api.vocabulary())
    assert run_parser(saved_model, run).vocabulary is api.vocabulary()


def test_a_worker_process_whose_vocabulary_is_not_its_parents_refuses_its_tasks(
    saved_model, vocabulary
):
    """A worker spawned after the package's concepts changed on disk (the parent read
    `vocabulary`, the worker reads the packaged one): each task fails naming the
    vocabulary, and none parses a note with concepts the parent's reader does not know."""
    pool = ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=_init_worker,
        initargs=(str(saved_model), os.getpid(), vocabulary_fingerprint(vocabulary)),
    )  # fmt: skip
    with pool, pytest.raises(ModelError, match="concepts.jsonl.*vocabulary"):
        pool.submit(_worker_parse, []).result(timeout=120)


def _worker_has_a_parser() -> bool:
    from matcher.jobs.engine import _WORKER

    return "parser" in _WORKER


def test_a_worker_loads_the_note_pipeline_on_its_first_parse_task_not_at_start(saved_model):
    """A night with nothing to parse starts its pool only to evaluate the results that
    expired: its workers read with the run's vocabulary but never load the pipeline."""
    pool = ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=_init_worker,
        initargs=(str(saved_model), os.getpid(), vocabulary_fingerprint(api.vocabulary())),
    )  # fmt: skip
    with pool:
        assert pool.submit(_worker_has_a_parser).result(timeout=120) is False
        assert pool.submit(_worker_parse, []).result(timeout=120) == []
        assert pool.submit(_worker_has_a_parser).result(timeout=120) is True
