"""A drug the patient or family is reluctant to take, or unwilling to start, was not given.

"Family still reluctant about steroids" in a note's history was read as a glucocorticoid
course on the note's date, and for a patient on hydroxychloroquine and belimumab alone it
made a refractory-disease criterion "not met" (a listed agent started 36 days before
screening) instead of "unknown". "Declined" and "refused" already negated the drug; the
same holds for reluctance, hesitancy and unwillingness written right before it.

The sentences are written here in several styles, not copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 10, 15)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _assertions(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [f.assertion.value for f in parser.parse(text, "n", NOTE_DATE)
            if f.concept == concept]


@pytest.mark.parametrize(
    ("sentence", "concept"),
    [
        ("Family still reluctant about steroids.", "drug.glucocorticoid"),
        ("Parents reluctant to start cyclophosphamide because of fertility concerns.",
         "drug.cyclophosphamide"),
        ("Mother is hesitant about rituximab.", "drug.rituximab"),
        ("Patient unwilling to take mycophenolate.", "drug.mycophenolate"),
        ("She is not keen on prednisolone.", "drug.glucocorticoid"),
        ("Family opted against tacrolimus.", "drug.tacrolimus"),
        ("Father remains reluctant regarding IV cyclophosphamide.", "drug.cyclophosphamide"),
        ("Teen hesitant to try azathioprine.", "drug.azathioprine"),
        ("Parents unwilling to consent to rituximab at present.", "drug.rituximab"),
        ("Patient does not want steroids.", "drug.glucocorticoid"),
        ("They did not want to start mycophenolate mofetil.", "drug.mycophenolate"),
    ],
)
def test_a_drug_the_family_is_reluctant_to_take_is_not_given(parser, sentence, concept):
    assert _assertions(parser, sentence, concept) == ["negated"]


@pytest.mark.parametrize(
    ("sentence", "concept"),
    [
        # The reluctance is over, or is about something else: the drug was given.
        ("Initially reluctant, she started prednisolone 40 mg daily on 01/10/2026.",
         "drug.glucocorticoid"),
        ("Reluctant about MMF, so tacrolimus 2 mg BD was started.", "drug.tacrolimus"),
        ("Hesitant about the biopsy; continues hydroxychloroquine 200 mg daily.",
         "drug.hydroxychloroquine"),
    ],
)
def test_a_drug_given_beside_a_reluctance_stays_given(parser, sentence, concept):
    assert _assertions(parser, sentence, concept) == ["affirmed"]
