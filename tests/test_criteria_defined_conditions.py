"""Items whose condition words are defined or bounded by the rest of the item.

- "Active renal disease with UPCR ≥ 1.0 g/g": the measure defines the disease, so the
  threshold is the requirement (grammar `measure_defined_conditions`).
- "Active tuberculosis, i.e. currently receiving anti-tuberculosis treatment (completed
  treatment for past tuberculosis is permitted)": the definition restates the current
  state and the bracket lets through a past one, which the current reading leaves out
  anyway (matcher.criteria.current_state).
Anything these rules do not account for stays `manual`. The sentences are written here,
in several sponsors' styles.
"""

from __future__ import annotations

import json

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.grammar import criteria_data_text, read_grammar
from matcher.errors import VocabularyError
from matcher.nlp.vocab import load_vocabulary

# (item, analytes of the reading, op, value in the canonical unit)
MEASURE_DEFINED = [
    ("Active lupus nephritis with UPCR >= 1.0 g/g", ["lab.upcr"], ">=", 1.0),
    ("Active renal disease, defined as spot urine protein/creatinine ratio ≥ 0.5 mg/mg",
     ["lab.upcr"], ">=", 0.5),
    ("Active nephritis as evidenced by 24-hour urine protein > 500 mg", ["lab.urine_protein_24h"],
     ">", 0.5),
    ("Kidney involvement, as shown by proteinuria ≥ 1 g/24 h", ["lab.urine_protein_24h"],
     ">=", 1.0),
    ("Persistent renal activity with UPCR of at least 0.75 g/g", ["lab.upcr"], ">=", 0.75),
    ("Active lupus nephropathy with UPCR >= 2 g/g", ["lab.upcr"], ">=", 2.0),
    ("Current kidney disease with estimated GFR below 45 ml/min/1.73m2", ["lab.egfr"], "<", 45.0),
    ("Active renal lupus, i.e. urine protein:creatinine ratio ≥ 1 g/g", ["lab.upcr"], ">=", 1.0),
    ("Ongoing glomerulonephritis with proteinuria >= 3 g/day", ["lab.urine_protein_24h"],
     ">=", 3.0),
    ("Active renal involvement indicated by UPCR > 1.5 g/g at screening", ["lab.upcr"], ">", 1.5),
]


@pytest.mark.parametrize(("text", "analytes", "op", "value"), MEASURE_DEFINED)
def test_a_renal_disease_defined_by_its_measure_is_read_as_the_measure(
    text: str, analytes: list[str], op: str, value: float
) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == analytes
    assert criterion.params["op"] == op
    assert abs(criterion.params["value"] - value) < 1e-9


# A colon defines too, after the condition and a screening time ("Active proteinuria at
# screening: ..."); a unit given twice in brackets and an "or 24-hour" alternative are the
# measure's own. (item, analytes, op, value, analytes of the alternative or None)
COLON_DEFINED = [
    ("Active proteinuria at screening: urine protein/creatinine ratio ≥ 0.5 g/g (≥ 57 mg/mmol) "
     "or 24-hour urine protein ≥ 0.5 g/day", ["lab.upcr"], ">=", 0.5, ["lab.urine_protein_24h"]),
    ("Active proteinuria: UPCR ≥ 1 g/g", ["lab.upcr"], ">=", 1.0, None),
    ("Active renal disease: spot urine protein-to-creatinine ratio > 1.5 mg/mg", ["lab.upcr"],
     ">", 1.5, None),
    ("Active lupus nephritis at baseline: 24-hour urine protein ≥ 1 g/24 h",
     ["lab.urine_protein_24h"], ">=", 1.0, None),
    ("Persistent proteinuria, defined as UPCR ≥ 2 g/g", ["lab.upcr"], ">=", 2.0, None),
    ("Current proteinuria with 24-hour urine protein > 500 mg", ["lab.urine_protein_24h"], ">",
     0.5, None),
    ("Active nephritis at the screening visit: UPCR ≥ 1.0 g/g or proteinuria ≥ 1.0 g/24h",
     ["lab.upcr"], ">=", 1.0, ["lab.urine_protein_24h"]),
]


@pytest.mark.parametrize(("text", "analytes", "op", "value", "alternative"), COLON_DEFINED)
def test_a_condition_defined_after_a_colon_is_read_as_its_measure(
    text: str, analytes: list[str], op: str, value: float, alternative: list[str] | None
) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == analytes
    assert (criterion.params["op"], criterion.params["value"]) == (op, value)
    alternatives = [a["analytes"] for a in criterion.params.get("alternatives") or []]
    assert alternatives == ([alternative] if alternative else [])


# Not defined by the measure: another organ, or words after the measure it does not read.
STILL_MANUAL = [
    "Active liver disease with ALT > 3 x ULN",
    "Active renal disease with UPCR >= 1.0 g/g despite induction treatment",
    "Active renal disease requiring dialysis with eGFR < 15 mL/min/1.73 m2",
    "Severe renal disease with UPCR >= 3 g/g",
    "Active proteinuria: UPCR ≥ 1 g/g despite full-dose induction",
    "Severe proteinuria: UPCR ≥ 3 g/g",
    "Active hepatitis: ALT > 3 x ULN",
    "Active proteinuria at week 12: UPCR ≥ 1 g/g",
    "Active proteinuria and haematuria: UPCR ≥ 1 g/g",
]


@pytest.mark.parametrize("text", STILL_MANUAL)
def test_a_disease_the_measure_does_not_define_stays_manual(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


# (exclusion item): read as the condition now
CURRENT_STATE = [
    "Active tuberculosis, i.e. currently receiving anti-tuberculosis treatment",
    "Active TB, that is currently on anti-TB therapy",
    "Active tuberculosis (previously treated tuberculosis is allowed)",
    "Active tuberculosis (completed treatment for past tuberculosis is permitted)",
    "Current tuberculosis (isoniazid preventive therapy is acceptable)",
    "Active TB (TB prophylaxis is permitted)",
    "Active tuberculosis, namely currently treated for tuberculosis",
    "Active tuberculosis, i.e. currently under treatment for tuberculosis (past treated "
    "tuberculosis and preventive therapy are allowed)",
    "Active hepatitis B, i.e. currently receiving treatment for hepatitis B",
    "Active TB (completed TB treatment and TB chemoprophylaxis are permitted)",
]


@pytest.mark.parametrize("text", CURRENT_STATE)
def test_a_current_condition_with_a_restating_or_past_carve_out_is_read_current(
    text: str,
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["temporality"] == "current"
    assert not {"dx.latent_tb"} & set(criterion.params["concepts"])


# A carve-out the reading cannot honour, or a definition that changes the condition.
CURRENT_STATE_MANUAL = [
    "Active tuberculosis (latent tuberculosis is permitted)",  # another condition
    "Active tuberculosis (latent TB without treatment is permitted)",
    "Active hepatitis C, i.e. currently on antiviral treatment",  # names no condition
    "Active tuberculosis, i.e. currently receiving anti-tuberculosis treatment or untreated "
    "latent TB",
    "History of tuberculosis (completed treatment for past tuberculosis is permitted)",
]


@pytest.mark.parametrize("text", CURRENT_STATE_MANUAL)
def test_a_carve_out_or_definition_the_reading_cannot_honour_stays_manual(text: str) -> None:
    assert parse_criterion(text, "exclusion").kind == "manual"


@pytest.mark.parametrize(
    ("key", "change", "field", "message"),
    [
        ("measure_defined_conditions", lambda e: e.pop("definers"),
         "measure_defined_conditions", "not an object with its lists"),
        ("measure_defined_conditions", lambda e: e["conditions"].append("renal disease"),
         "measure_defined_conditions.conditions", "duplicate entry"),
        ("current_state_clauses", lambda e: e.update(permitting="allowed"),
         "current_state_clauses.permitting", "not a list"),
        ("current_state_clauses", lambda e: e.pop("past_or_preventive"),
         "current_state_clauses", "not an object with its lists"),
    ],
)
def test_a_bad_clause_list_in_the_grammar_names_its_key(key, change, field, message) -> None:
    data = json.loads(criteria_data_text("criteria_grammar.json"))
    change(data[key])
    with pytest.raises(VocabularyError) as caught:
        read_grammar(json.dumps(data), load_vocabulary())
    assert caught.value.field == field
    assert message in str(caught.value)
