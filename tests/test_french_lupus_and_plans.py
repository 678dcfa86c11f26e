"""French notes (and notes translated from French) name lupus, rule it out, propose a drug
and say a planned course did not happen.

- "LES" (capitals) is SLE, "néphropathie lupique" lupus nephritis; "Les critères" (the
  article) is nothing;
- "suspicion de lupus" is uncertain; "diagnostic de LES écarté", "critères EULAR/ACR ...
  ne sont pas remplis" rule it out;
- "Proposition: rituximab ... to discuss with the family" is a plan, and "the course of
  rituximab was not carried out" or "non réalisée" negates it: neither is an exposure.

Sentences are written here, not copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _assertions(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [str(f.assertion) for f in parser.parse(text, "n1", NOTE) if f.concept == concept]


@pytest.mark.parametrize(("text", "concept", "expected"), [
    ("Fillette de 12 ans suivie pour un LES depuis 2024.", "dx.sle", ["affirmed"]),
    ("Lupus érythémateux systémique diagnostiqué en 2023.", "dx.sle", ["affirmed"]),
    ("Biopsie: néphropathie lupique classe IV.", "dx.lupus_nephritis", ["affirmed"]),
    ("Adressée pour suspicion de lupus.", "dx.sle", ["uncertain"]),
    ("Bilan complet: diagnostic de LES écarté.", "dx.sle", ["negated"]),
    ("Les critères EULAR/ACR ne sont pas remplis.", "status.sle_criteria", ["negated"]),
    # The French article in a sentence's first word is no abbreviation.
    ("Les résultats sont normaux.", "dx.sle", []),
])
def test_french_names_of_lupus_and_their_ruling_out(parser, text, concept, expected):
    assert _assertions(parser, text, concept) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Proposition: rituximab 375 mg/m2 x 2 to discuss with the parents.", "hypothetical"),
    ("Rituximab proposé en réunion, à discuter.", "hypothetical"),
    ("The planned course of rituximab was not carried out.", "negated"),
    ("Cure de rituximab non réalisée (refus parental).", "negated"),
    ("Rituximab 375 mg/m2 given on 02/10/2026.", "affirmed"),
    # The plan after a given course is the plan's, not the course's.
    ("Rituximab 375 mg/m2 given on 02/10/2026, to discuss the second dose.", "affirmed"),
])
def test_a_proposed_or_not_performed_course_is_no_exposure(parser, text, expected):
    assert _assertions(parser, text, "drug.rituximab") == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    # No medicine of any kind so far: treatment-naive.
    ("Referred with proteinuria. No meds yet.", True),
    ("Enfant naïf de tout traitement immunosuppresseur.", True),
    ("Paciente sin tratamiento previo.", True),
    # Only now, or only for one complaint: no history of never.
    ("No meds today because of vomiting.", False),
    ("On MMF since 2024; no other medications.", False),
])
def test_a_statement_of_no_treatment_so_far_is_treatment_naive(parser, text, expected):
    found = [f for f in parser.parse(text, "n1", NOTE)
             if f.concept == "status.treatment_naive" and str(f.assertion) == "affirmed"]
    assert bool(found) is expected
