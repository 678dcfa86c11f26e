"""Tuberculosis exclusions as immunology trials word them: what the notes decide, and
what is left to a person.

- "Active or latent TB" names two conditions: the first shares the second's noun
  ("active [TB] or latent TB"), so a documented active TB excludes too.
- Whether a documented TB was adequately treated ("latent TB not adequately treated",
  "if not on prophylaxis") and what a chest X-ray shows are judged: the criterion decides
  only when no TB is documented; a documented one is checked by a person.
- The note side: a clinic note's TB sentences are found by the NLP.

The sentences are written here in the wordings many sponsors use, not copied from a trial.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

AS_OF = dt.date(2026, 11, 20)
RECENT = dt.date(2026, 11, 1)


def _status(criterion: Criterion, concept: str | None) -> Status:
    findings = [] if concept is None else [
        Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                text="text", assertion=Assertion.AFFIRMED, value=None, unit=None,
                date=RECENT, date_source="text", attrs={})  # fmt: skip
    ]
    dates = {f.note_id: f.date for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


# ------------------------------------------------------------ "active or latent TB"
BOTH_NAMED = [
    "Active or latent tuberculosis",
    "Active or latent TB",
    "Active and/or latent tuberculosis infection",
    "Known active or latent TB",
]


@pytest.mark.parametrize("text", BOTH_NAMED)
def test_active_or_latent_tb_names_both_conditions(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert {"dx.tuberculosis", "dx.latent_tb"} <= set(criterion.params["concepts"])
    assert _status(criterion, "dx.tuberculosis") is Status.MET
    assert _status(criterion, "dx.latent_tb") is Status.MET
    assert _status(criterion, None) is Status.NOT_MET


# ------------------------------------------- treatment adequacy and imaging: judged
JUDGED = [
    "Latent TB that has not been adequately treated",
    "Untreated latent tuberculosis",
    "Latent tuberculosis infection without adequate treatment",
    "Active tuberculosis, or latent TB if not receiving prophylaxis",
    "Evidence of tuberculosis on chest X-ray",
    "Active or latent TB on chest radiograph",
]


@pytest.mark.parametrize("text", JUDGED)
def test_treatment_adequacy_and_imaging_decide_only_the_absence_of_tb(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params.get("judged"), criterion.params
    assert set(criterion.params["concepts"]) & {"dx.tuberculosis", "dx.latent_tb"}
    assert _status(criterion, None) is Status.NOT_MET
    for concept in criterion.params["concepts"]:
        assert _status(criterion, concept) is Status.MANUAL


# ------------------------------------------------------------------------- note side
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


NOTE_SENTENCES = [
    ("Latent TB diagnosed in 2025, completed 9 months of isoniazid.", "dx.latent_tb"),
    ("Assessment: active pulmonary tuberculosis, on RIPE therapy.", "dx.tuberculosis"),
]


@pytest.mark.parametrize(("sentence", "concept"), NOTE_SENTENCES)
def test_a_note_sentence_about_tb_is_found_by_the_nlp(
    parser: NoteParser, sentence: str, concept: str
) -> None:
    findings = parser.parse(sentence, "n1", AS_OF)
    assert concept in {f.concept for f in findings}
