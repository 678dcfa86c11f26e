"""Administration records and pharmacy notes: a dose held, refused or omitted is not a dose
given, and an order is not a dose (matcher.nlp.drugs `_charted_not_given`).

- A status after a dash or colon on the drug's line, closing its clause ("- HELD.",
  ": refused") marks that dose as not given (negated).
- A drug named as an order ("order received", "order discontinued") is what was ordered,
  a plan (hypothetical), whatever happened to it later.
A course paused in prose ("MMF held since the infection"), a dose given, and another drug's
status on the line are not these forms. The sentences are written here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 10, 5)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _assertions(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [str(f.assertion) for f in parser.parse(text, "n1", NOTE_DATE)
            if f.concept == concept]


@pytest.mark.parametrize(("text", "concept", "expected"), [
    # A dose's status after a dash or colon: not given.
    ("Inj. methylprednisolone 500 mg IV 08:00 - REFUSED by parents.",
     "drug.glucocorticoid", "negated"),
    ("IV cyclophosphamide 500 mg/m2, pulse 2, due 09:00 \u2014 held; ANC 0.9.",
     "drug.cyclophosphamide", "negated"),
    ("Rituximab 375 mg/m2 IV infusion: omitted (febrile).", "drug.rituximab", "negated"),
    ("Tacrolimus 2 mg PO 20:00 - dose withheld, level awaited.", "drug.tacrolimus", "negated"),
    # Named only as an order: a plan.
    ("Rituximab 750 mg IV order received, awaiting hepatitis B serology.", "drug.rituximab",
     "hypothetical"),
    ("Cyclophosphamide order cancelled by the consultant on 02/10/2026.",
     "drug.cyclophosphamide", "hypothetical"),
    ("Belimumab 10 mg/kg order placed for Monday.", "drug.belimumab", "hypothetical"),
    # Given doses, and courses paused in prose, stay affirmed.
    ("IV cyclophosphamide 500 mg/m2, pulse 2, 09:00 - given, no reaction.",
     "drug.cyclophosphamide", "affirmed"),
    ("Rituximab 375 mg/m2 IV infusion completed 14:30 - tolerated well.", "drug.rituximab",
     "affirmed"),
    ("MMF held since the chest infection last week.", "drug.mycophenolate", "affirmed"),
    ("Received IV cyclophosphamide 02/09/2026; next dose held - see plan.",
     "drug.cyclophosphamide", "affirmed"),
    # Another drug's status on the line is its own.
    ("Tacrolimus 2 mg PO 08:00 given; hydroxychloroquine 200 mg - refused.",
     "drug.tacrolimus", "affirmed"),
    ("Tacrolimus 2 mg PO 08:00 given; hydroxychloroquine 200 mg - refused.",
     "drug.hydroxychloroquine", "negated"),
])
def test_a_dose_not_given_or_only_ordered_is_no_dose_given(parser: NoteParser, text: str,
                                                           concept: str,
                                                           expected: str) -> None:  # fmt: skip
    assert _assertions(parser, text, concept)[:1] == [expected]
