"""Response to treatment as German, Dutch and Nordic letters state it.

The refractory item needs a statement of non-remission or a proteinuria measure. Letters
write "keine Remission unter Prednisolon + CellCept", "geen remissie", "ingen remission",
"refraktär", "persistierende Proteinurie", "vedvarende proteinuri", "kvarstående
proteinuri", "blijvende proteïnurie": read as non-response or persistent proteinuria (in
English they were). "Ingen remission" was even read as *remission* (the English word
inside it), so 9 refractory patients became `not_met`. "Complete renale remissie" is a
complete remission.

Sentences written here; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)
NONRESPONSE = "status.nonresponse"
PERSISTENT = "status.persistent_proteinuria"
REMISSION = "status.complete_remission"


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


STATEMENTS = [
    ("Keine Remission unter Prednisolon und CellCept seit 2025.", NONRESPONSE),
    ("Bisher kein Ansprechen auf MMF.", NONRESPONSE),
    ("Verlauf: refraktär unter Prednison + Prograf.", NONRESPONSE),
    ("Geen remissie onder prednisolon en tacrolimus.", NONRESPONSE),
    ("Nog steeds zonder remissie na 8 maanden.", NONRESPONSE),
    ("Ingen remission trots prednisolon och CellCept.", NONRESPONSE),
    ("Sygdommen er refraktær over for behandlingen.", NONRESPONSE),
    ("Persistierende Proteinurie trotz Therapie.", PERSISTENT),
    ("Proteinurie persistiert unter Myfortic.", PERSISTENT),
    ("Weiterhin nephrotische Proteinurie.", PERSISTENT),
    ("Blijvende proteïnurie ondanks behandeling.", PERSISTENT),
    ("Persisterende proteïnurie, geen verbetering.", PERSISTENT),
    ("Kvarstående proteinuri trots behandling.", PERSISTENT),
    ("Vedvarende proteinuri tross prednisolon.", PERSISTENT),
    ("Proteinuri persisterer på CellCept.", PERSISTENT),
    ("Still proteinuria despite Myfortic and prednisolone.", PERSISTENT),
    ("Weiter Proteinurie unter Prednisolon + MMF.", PERSISTENT),
    ("Nog steeds proteïnurie op MMF.", PERSISTENT),
    ("Complete renale remissie sinds september 2026.", REMISSION),
    ("Komplette renale Remission seit 09/2026.", REMISSION),
    ("Fullständig remission sedan augusti 2026.", REMISSION),
]


@pytest.mark.parametrize(("text", "concept"), STATEMENTS)
def test_a_locally_worded_response_is_read(parser: NoteParser, text: str, concept: str) -> None:
    statuses = {(f.concept, f.assertion.value) for f in parser.parse(text, "n1", NOTE_DATE)
                if f.concept.startswith("status.")}  # fmt: skip
    assert (concept, "affirmed") in statuses
    if concept != REMISSION:
        assert (REMISSION, "affirmed") not in statuses
