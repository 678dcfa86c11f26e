"""Drug names as Spanish-, Portuguese-, Italian- and French-speaking clinicians write them.

A referral from São Paulo, Madrid, Milan or Lyon names the same lupus-nephritis drugs by
their local INN spelling ("micofenolato", "ciclofosfamida", "rituximabe"). Left unread, a
patient's second immunosuppressant goes missing and refractory disease becomes unknown
(hold-out 12). Each spelling is a term of the drug's own record in concepts.jsonl.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text

NOTE_DATE = dt.date(2026, 10, 16)

ROMANCE_SPELLINGS = [
    ("Micofenolato 1 g 2x/dia desde 08/2024.", "drug.mycophenolate"),
    ("En tratamiento con micofenolato de mofetilo 600 mg/m2.", "drug.mycophenolate"),
    ("Terapia con micofenolato mofetile dal 2023.", "drug.mycophenolate"),
    ("Sous mycophénolate mofétil depuis mars 2024.", "drug.mycophenolate"),
    ("Ciclofosfamida IV (Euro-Lupus) concluida en 2023.", "drug.cyclophosphamide"),
    ("Rituximabe 375 mg/m2 em 10/2025.", "drug.rituximab"),
    ("Azatioprina 50 mg/dia suspensa em 2022.", "drug.azathioprine"),
    ("Tacrolimo 0,05 mg/kg/dia.", "drug.tacrolimus"),
    ("Hidroxicloroquina 200 mg/día.", "drug.hydroxychloroquine"),
    ("Ciclosporina retirada por hipertensión.", "drug.cyclosporine"),
    ("Metotrexato 10 mg semanal.", "drug.methotrexate"),
    ("Metilprednisolona 3 pulsos de 500 mg.", "drug.glucocorticoid"),
    ("Prednisolona 40 mg/día en descenso.", "drug.glucocorticoid"),
]


@pytest.mark.parametrize(("sentence", "concept"), ROMANCE_SPELLINGS)
def test_a_drug_written_in_its_romance_language_spelling_is_that_drug(
    sentence: str, concept: str
) -> None:
    found = {f.concept for f in parse_text(sentence, NOTE_DATE) if f.category == "drug"}
    assert found == {concept}


@pytest.mark.parametrize(
    "sentence",
    [
        # Neighbouring words that share letters with the drug names are no drug.
        "Ciclo menstrual regular; cicatriz en antebrazo.",
        "Micosis cutánea tratada con clotrimazol tópico.",
        "Azotemia leve, sin hematuria.",
    ],
)
def test_words_that_resemble_the_drug_names_are_no_immunosuppressant(sentence: str) -> None:
    found = {f.concept for f in parse_text(sentence, NOTE_DATE)}
    assert not found & {"drug.mycophenolate", "drug.cyclophosphamide", "drug.azathioprine",
                        "drug.cyclosporine", "drug.methotrexate"}
