"""Drugs as German, Dutch and Nordic letters name them, and their "never given".

Brands and spellings used there: Decortin H, Prednisolon, "MP-Stoß", "Metylprednisolon-
pulser" (glucocorticoid); Quensyl (hydroxychloroquine); Imurek, Azathioprin
(azathioprine); Mycophenolat-Mofetil, mykofenolatmofetil, mycofenolaat (mycophenolate);
Cyclophosphamid, cyclofosfamide, cyklofosfamid (cyclophosphamide); Takrolimus. An agent
missed leaves the refractory item one agent short (`unknown`); an agent read where the
letter says it was never given ("MMF nooit gegeven", "Rituximab nie gegeben", "aldrig
fått CellCept") counts a course that did not happen.

Sentences written here; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _drugs(parser: NoteParser, text: str) -> set[tuple[str, str]]:
    return {(f.concept, f.assertion.value) for f in parser.parse(text, "n1", NOTE_DATE)
            if f.concept.startswith("drug.")}  # fmt: skip


GC, HCQ, AZA = "drug.glucocorticoid", "drug.hydroxychloroquine", "drug.azathioprine"
MMF, CYC = "drug.mycophenolate", "drug.cyclophosphamide"
NAMED = [
    ("Therapie: Decortin H 20 mg/d seit 03/2025.", GC),
    ("MP-Stoß 3x 500 mg i.v. im Juli 2025.", GC),
    ("Metylprednisolon-pulser 3 dagar i oktober 2026.", GC),
    ("Quensyl 200 mg täglich.", HCQ),
    ("Imurek 50 mg seit 2024, abgesetzt.", AZA),
    ("Azathioprin 2 mg/kg von 2023 bis 2024.", AZA),
    ("Prednisolon und Mycophenolat-Mofetil seit 2025.", MMF),
    ("Behandling: prednisolon och mykofenolatmofetil sedan februari 2025.", MMF),
    ("Sinds 2025 mycofenolaat mofetil 600 mg/m2 tweemaal daags.", MMF),
    ("Cyclophosphamid i.v. nach Euro-Lupus 2024.", CYC),
    ("Zes pulsen cyclofosfamide in 2024.", CYC),
    ("Cyklofosfamid iv 6 doser 2025.", CYC),
]


@pytest.mark.parametrize(("text", "concept"), NAMED)
def test_a_local_drug_name_is_read(parser: NoteParser, text: str, concept: str) -> None:
    assert (concept, "affirmed") in _drugs(parser, text)


NEVER_GIVEN = [
    ("MMF nooit gegeven (wens ouders).", MMF),
    ("Mycophenolat nie gegeben.", MMF),
    ("Cyclophosphamid wurde nicht gegeben.", CYC),
    ("Hon har aldrig fått CellCept.", MMF),
    ("Aldri gitt cyklofosfamid.", CYC),
    ("Nooit azathioprine gehad.", AZA),
]


@pytest.mark.parametrize(("text", "concept"), NEVER_GIVEN)
def test_a_drug_never_given_in_local_words_is_negated(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _drugs(parser, text)
    assert (concept, "negated") in found and (concept, "affirmed") not in found, found
