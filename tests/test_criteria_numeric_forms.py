"""Numeric and test criteria as registry authors write them (issue 12, REGISTRY.md #12, #13).

Labs, counts, ages and body weight are decidable from notes when the reader reads the
value, its unit and its comparison; what it cannot read stays `manual` with a reason that
holds only its own clause, so the rest of the item is still read. The sentences are
written here the way sponsors word them; none is copied from a registry record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.api import parse_text
from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion

HEAD = "Inclusion Criteria:\n- Age 18 years or older\n"


def _read(section: str, item: str) -> list[Criterion]:
    """The criteria of one item of `section` ("inclusion" / "exclusion")."""
    if section == "inclusion":
        return parse_eligibility_text(f"Inclusion Criteria:\n- {item}\n")
    return parse_eligibility_text(f"{HEAD}Exclusion Criteria:\n- {item}\n")[1:]


def _about(criterion: Criterion) -> tuple[str, ...]:
    params = criterion.params
    about = params.get("analytes") or params.get("infections") or params.get("states") or ()
    return tuple(about)


# ------------------------------------------------------------------ an unreadable threshold
# A threshold the reader cannot read (a unit it does not know, a value printed without its
# comparison sign) is a person's to check, but only that clause: the finding joined to it
# by "or" is still read, as a policy clause's neighbour is.
UNREAD_PART: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("exclusion", "Hemoglobin < 9 mmol/dL or active hepatitis B infection",
     "serology", ("dx.hbv",), 'unit "mmol/dL"'),
    ("exclusion", "Haemoglobin below 5 mmol/dl, or known HIV infection",
     "serology", ("dx.hiv",), 'unit "mmol/dl"'),
    ("exclusion", "Active hepatitis C infection or hemoglobin < 9 mmol/dL",
     "serology", ("dx.hcv",), 'unit "mmol/dL"'),
    ("exclusion", "Current pregnancy or hemoglobin < 9 mmol/dL",
     "pregnancy", ("dx.pregnancy",), 'unit "mmol/dL"'),
]


@pytest.mark.parametrize(("section", "item", "kind", "about", "reason"), UNREAD_PART)
def test_an_unreadable_threshold_is_manual_alone_and_the_finding_beside_it_is_read(
    section: str, item: str, kind: str, about: tuple[str, ...], reason: str
) -> None:
    criteria = _read(section, item)
    computed = [(c.kind, _about(c)) for c in criteria if c.manual_reason is None]
    manual = [c for c in criteria if c.manual_reason is not None]
    assert computed == [(kind, about)]
    assert len(manual) == 1 and reason in (manual[0].manual_reason or "")
    assert "lab:unread-threshold" in manual[0].trace


def _lab(criterion: Criterion) -> dict[str, Any]:
    keys = ("analytes", "op", "value", "unit")
    return {k: criterion.params.get(k) for k in keys}


# ------------------------------------------------------------------ a cytopenia named as its limit
# "Thrombocytopenia (< 50,000/µL)", "Anaemia < 8 g/dL": the condition's name stands for its
# analyte, and the limit that follows defines it. Only a name one analyte owns, and only a
# limit on the side the name says ("-penia", "hypo-": below; "hyper-": above).
NAMED_LIMIT: list[tuple[str, str, dict[str, Any]]] = [
    ("exclusion", "Thrombocytopenia (<50,000/µL)",
     {"analytes": ["lab.platelets"], "op": "<", "value": 50.0, "unit": "x10^9/L"}),
    ("exclusion", "Thrombocytopenia <150 G/L",
     {"analytes": ["lab.platelets"], "op": "<", "value": 150.0, "unit": "x10^9/L"}),
    ("exclusion", "Severe thrombocytopenia (< 50,000 platelets/mm3)",
     {"analytes": ["lab.platelets"], "op": "<", "value": 50.0, "unit": "x10^9/L"}),
    ("exclusion", "Thrombocytopenia (<100,000 platelets/microL)",
     {"analytes": ["lab.platelets"], "op": "<", "value": 100.0, "unit": "x10^9/L"}),
    ("exclusion", "Leukopenia (< 3000/mm3)",
     {"analytes": ["lab.wbc"], "op": "<", "value": 3.0, "unit": "x10^9/L"}),
    ("exclusion", "Lymphopenia < 500/mm3",
     {"analytes": ["lab.lymphocytes"], "op": "<", "value": 0.5, "unit": "x10^9/L"}),
    ("exclusion", "Neutropenia: < 1.0 x 10^9/L",
     {"analytes": ["lab.neutrophils"], "op": "<", "value": 1.0, "unit": "x10^9/L"}),
    ("exclusion", "Anaemia < 8 g/dL",
     {"analytes": ["lab.hemoglobin"], "op": "<", "value": 80.0, "unit": "g/L"}),
    ("exclusion", "Hypoalbuminemia (< 30 g/L)",
     {"analytes": ["lab.albumin"], "op": "<", "value": 30.0, "unit": "g/L"}),
    ("exclusion", "Hypercalcaemia (> 10.4 mg/dL)",
     {"analytes": ["lab.calcium"], "op": ">", "value": pytest.approx(2.595, rel=1e-3),
      "unit": "mmol/L"}),
]


@pytest.mark.parametrize(("section", "item", "expected"), NAMED_LIMIT)
def test_a_cytopenia_named_with_its_limit_is_the_analytes_threshold(
    section: str, item: str, expected: dict[str, Any]
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == "lab"
    assert _lab(criterion) == expected


# A low count named alone is its analyte below the lower limit of normal (which the
# evaluator takes from the value's printed range, else leaves unknown).
BARE_NAME: list[tuple[str, str, str]] = [
    ("exclusion", "Low platelet count", "lab.platelets"),
    ("exclusion", "Low neutrophil count", "lab.neutrophils"),
]


@pytest.mark.parametrize(("section", "item", "analyte"), BARE_NAME)
def test_a_low_count_named_alone_is_its_analyte_below_the_lower_limit_of_normal(
    section: str, item: str, analyte: str
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == "lab"
    assert criterion.params["analytes"] == [analyte]
    assert (criterion.params["op"], criterion.params["lln_multiple"]) == ("<", 1.0)


# A cytopenia's name alone names a condition, not a threshold: coordinators read "Anaemia"
# as a documented diagnosis as often as a haemoglobin below the normal range, and the two
# exclude different patients, so a person checks it.
BARE_CONDITION_NAME: list[tuple[str, str]] = [
    ("exclusion", "Anemia"),
    ("exclusion", "Anaemia;"),
    ("exclusion", "Leucopenia"),
    ("exclusion", "Neutropenia"),
]


@pytest.mark.parametrize(("section", "item"), BARE_CONDITION_NAME)
def test_a_cytopenia_named_alone_is_left_to_a_person_with_the_reason(
    section: str, item: str
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.kind == "manual"
    assert "names a condition with no threshold" in (criterion.manual_reason or "")


# Not a limit the name defines: a limit on the other side, a name three analytes share, a
# severity the name alone does not define, a named disease of the same word.
NOT_NAMED_LIMIT: list[tuple[str, str]] = [
    ("exclusion", "Thrombocytopenia (> 50,000/µL)"),
    ("exclusion", "Hypercalcaemia (< 2.0 mmol/L)"),
    ("exclusion", "Hepatic impairment (> 3 x ULN)"),
    ("exclusion", "Severe anemia"),
    ("exclusion", "Aplastic anemia"),
    ("exclusion", "Heparin-induced thrombocytopenia"),
    ("exclusion", "History of anemia"),
]


@pytest.mark.parametrize(("section", "item"), NOT_NAMED_LIMIT)
def test_a_name_that_does_not_define_the_limit_is_not_read_as_one(section: str, item: str) -> None:
    assert [c for c in _read(section, item) if c.kind == "lab" and c.manual_reason is None] == []


# ------------------------------------------------------------------ age groups in words
# "Adults", "Adult patients": aged 18 or over; "Minors", "Underage": under 18. Only the
# bare group (with its subject noun) is an age limit: "adults unable to consent" is about
# consent, "minor surgery" is no age at all.
AGE_GROUP: list[tuple[str, str, int | None, int | None]] = [
    ("inclusion", "Adults", 18, None),
    ("inclusion", "Adult patients", 18, None),
    ("inclusion", "Adult patient.", 18, None),
    ("inclusion", "Adult men and women", 18, None),
    ("exclusion", "Minors", None, 17),
    ("exclusion", "Minor patients", None, 17),
    ("exclusion", "Underage", None, 17),
    ("exclusion", "The patient is a minor", None, 17),
]


@pytest.mark.parametrize(("section", "item", "low", "high"), AGE_GROUP)
def test_an_age_group_in_words_is_an_age_limit(
    section: str, item: str, low: int | None, high: int | None
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == "age"
    assert (criterion.params["min_years"], criterion.params["max_years"]) == (low, high)


def test_adults_with_a_disease_are_an_age_limit_and_the_disease() -> None:
    criteria = _read("inclusion", "Adults with active systemic sclerosis")
    assert sorted(c.kind for c in criteria if c.manual_reason is None) == ["age", "diagnosis"]
    (age,) = [c for c in criteria if c.kind == "age"]
    assert age.params["min_years"] == 18


NOT_AGE_GROUP: list[tuple[str, str]] = [
    ("exclusion", "Adults unable to consent"),
    ("inclusion", "Adults as well as children (no age limit)"),
    ("exclusion", "Minor surgery within 2 weeks"),
    ("inclusion", "Adult healthy volunteers"),
]


@pytest.mark.parametrize(("section", "item"), NOT_AGE_GROUP)
def test_a_group_word_that_is_not_the_whole_requirement_sets_no_age(
    section: str, item: str
) -> None:
    assert [c for c in _read(section, item) if c.kind == "age" and c.manual_reason is None] == []


# ------------------------------------------------------------------ words around a limit
# "Age range:", the creatinine clearance's equation named after the value, "bodyweight"
# in one word: words that name what is already read.
AROUND: list[tuple[str, str, str, dict[str, Any]]] = [
    ("inclusion", "Age range: 18 - 65 years old;", "age", {"min_years": 18, "max_years": 65}),
    ("inclusion", "Age range 12 to 17 years", "age", {"min_years": 12, "max_years": 17}),
    ("exclusion", "Creatinine clearance < 40 ml/min calculated (Cockcroft & Gault)", "lab",
     {"analytes": ["lab.egfr"], "op": "<", "value": 40.0}),
    ("exclusion", "Creatinine clearance below 30 mL/min according to Cockcroft and Gault", "lab",
     {"analytes": ["lab.egfr"], "op": "<", "value": 30.0}),
    ("exclusion", "Bodyweight < 45 kg", "vital", {"analytes": ["lab.weight"], "op": "<",
                                                   "value": 45.0}),
    ("inclusion", "Body-weight of at least 40 kg", "vital", {"analytes": ["lab.weight"],
                                                             "op": ">=", "value": 40.0}),
]


@pytest.mark.parametrize(("section", "item", "kind", "expected"), AROUND)
def test_words_that_name_what_is_read_leave_the_limit_computed(
    section: str, item: str, kind: str, expected: dict[str, Any]
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == kind
    assert {k: criterion.params.get(k) for k in expected} == expected


def test_a_note_gives_a_bodyweight_written_in_one_word() -> None:
    findings = parse_text("Bodyweight 62 kg today, BP 118/76.", dt.date(2025, 5, 6))
    assert [f.value for f in findings if f.concept == "lab.weight"] == [62.0]


# Primary hyperparathyroidism is cured by surgery: whether "known primary
# hyperparathyroidism" means now or ever is not in the words (registries mean either), so
# a person checks it, also when it is one piece of a list whose other pieces are read.
def test_primary_hyperparathyroidism_is_left_to_a_person_and_the_list_around_it_is_read() -> None:
    criteria = _read("exclusion", "Hypercalcaemia (> 2.6 mmol/L), or known primary "
                                  "hyperparathyroidism")
    assert [(c.kind, _about(c)) for c in criteria if c.manual_reason is None] == [
        ("lab", ("lab.calcium",))]
    (manual,) = [c for c in criteria if c.manual_reason is not None]
    assert "hyperparathyroidism is still present" in (manual.manual_reason or "")


# ------------------------------------------------------------------ how long the disease is known
# "Type 1 diabetes for at least 6 months": the time right after the condition's name is its
# duration; a qualifier before the name ("stable", "quiescent", "active") is the duration of
# that state, which the notes do not date, and stays manual.
DURATION: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "SLE for at least 6 months",
     {"concepts": ["dx.sle"], "min_duration_days": 183, "duration_strict": False}),
    ("inclusion", "Established SLE for at least 6 months",
     {"concepts": ["dx.sle"], "min_duration_days": 183}),
    ("inclusion", "History of SLE of at least 6 months",
     {"concepts": ["dx.sle"], "min_duration_days": 183}),
    ("inclusion", "Patients with type 2 diabetes for more than 5 years",
     {"concepts": ["dx.diabetes_t2"], "min_duration_days": 1825, "duration_strict": True}),
    ("inclusion", "Myositis diagnosis at least 6 months prior to inclusion in the study",
     {"concepts": ["dx.myositis"], "min_duration_days": 183}),
    ("inclusion", "Diagnosed with SLE more than 6 months ago",
     {"concepts": ["dx.sle"], "min_duration_days": 183, "duration_strict": True}),
]


@pytest.mark.parametrize(("section", "item", "expected"), DURATION)
def test_the_time_after_a_conditions_name_is_how_long_it_is_known(
    section: str, item: str, expected: dict[str, Any]
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == "diagnosis_timing"
    assert {k: criterion.params.get(k) for k in expected} == expected


@pytest.mark.parametrize("item", [
    "Active SLE for at least 6 months",
    "Stable SLE for at least 3 months",
    "Clinically quiescent SLE for at least 3 months",
])
def test_the_duration_of_a_state_of_the_disease_stays_manual(item: str) -> None:
    (criterion,) = _read("inclusion", item)
    assert criterion.manual_reason is not None


def test_idiopathic_inflammatory_myopathy_is_myositis_in_notes_and_in_criteria() -> None:
    findings = parse_text("Idiopathic inflammatory myopathy diagnosed 2019, on MMF.",
                          dt.date(2025, 5, 6))
    assert "dx.myositis" in {f.concept for f in findings}
    (criterion,) = _read("inclusion", "Idiopathic inflammatory myopathy for at least 6 months")
    assert criterion.kind == "diagnosis_timing"
    assert criterion.params["concepts"] == ["dx.myositis"]


def test_known_primary_hyperparathyroidism_alone_is_left_to_a_person() -> None:
    (criterion,) = _read("exclusion", "Primary hyperparathyroidism (known)")
    assert criterion.kind == "manual"
    assert "hyperparathyroidism is still present" in (criterion.manual_reason or "")


# ------------------------------------------------------------------ a part of the SLEDAI
# Notes give the SLEDAI total; its clinical part (without serology), or the points from some
# items, are not in them. Such a limit is a person's, with a reason that says so, and a total
# beside it is still read.
PARTIAL_SLEDAI: list[tuple[str, list[dict[str, Any]]]] = [
    ("Clinical SLEDAI-2K score of at least 4", []),
    ("SLEDAI-2K ≥ 6, excluding points from serology", []),
    ("SELENA-SLEDAI (excluding alopecia and fever) ≥ 6", []),
    ("SLEDAI-2K ≥ 8 with at least 4 points derived from clinical items", []),
    ("SLEDAI-2K score ≥ 6 and a clinical SLEDAI-2K score ≥ 4",
     [{"concept": "score.sledai", "op": ">=", "value": 6.0}]),
]


@pytest.mark.parametrize(("item", "computed"), PARTIAL_SLEDAI)
def test_a_part_of_the_sledai_is_a_persons_and_the_total_beside_it_is_read(
    item: str, computed: list[dict[str, Any]]
) -> None:
    criteria = _read("inclusion", item)
    assert [{k: c.params.get(k) for k in ("concept", "op", "value")}
            for c in criteria if c.manual_reason is None] == computed
    (manual,) = [c for c in criteria if c.manual_reason is not None]
    assert "give the total" in (manual.manual_reason or "")


# ------------------------------------------------------------------ pregnancy and lactation
# The present state in the words sponsors use for it ("already", "still", "during ...
# period", "If female, ..."); and a state the item denies ("who are not breastfeeding") is
# required absent, never present.
PREGNANCY: list[tuple[str, str, list[str], bool]] = [
    ("exclusion", "Women who are already pregnant", ["dx.pregnancy"], True),
    ("exclusion", "Mothers who are still breastfeeding", ["dx.lactation"], True),
    ("exclusion", "If female, pregnant or breast-feeding", ["dx.pregnancy", "dx.lactation"],
     True),
    ("exclusion", "Women during pregnancy or lactation period", ["dx.pregnancy", "dx.lactation"],
     True),
    ("exclusion", "Pregnant women or women in lactation period",
     ["dx.pregnancy", "dx.lactation"], True),
    ("inclusion", "Women who are not breastfeeding", ["dx.lactation"], False),
    ("inclusion", "Female participants who are not currently lactating", ["dx.lactation"], False),
]


@pytest.mark.parametrize(("section", "item", "states", "present"), PREGNANCY)
def test_pregnancy_and_lactation_are_read_as_a_present_state_affirmed_or_denied(
    section: str, item: str, states: list[str], present: bool
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == "pregnancy"
    assert (criterion.params["states"], criterion.params["present"]) == (states, present)


def test_a_pregnancy_exclusion_in_a_trial_about_pregnancy_is_left_to_a_person() -> None:
    text = "Exclusion Criteria:\n- Women who are already pregnant\n"
    (about_pregnancy,) = parse_eligibility_text(
        text, ["Aspirin to improve pregnancy outcome in women with lupus"])
    (other,) = parse_eligibility_text(text, ["Belimumab in adults with lupus nephritis"])
    assert about_pregnancy.kind == "manual"
    assert "own condition" in (about_pregnancy.manual_reason or "")
    assert other.kind == "pregnancy"


# ------------------------------------------------------------------ a nephritis proven on tissue
BIOPSY: list[tuple[str, str, list[str]]] = [
    ("inclusion", "Histological diagnosis of lupus nephritis.",
     ["I", "II", "III", "IV", "V", "VI"]),
    ("inclusion", "Histopathological diagnosis of lupus nephritis",
     ["I", "II", "III", "IV", "V", "VI"]),
    ("inclusion", "Histologically documented lupus nephritis",
     ["I", "II", "III", "IV", "V", "VI"]),
    ("inclusion", "Renal biopsy documenting lupus nephritis class III or IV according to the "
                  "updated ISN/RPS classification", ["III", "IV"]),
    ("inclusion", "Kidney biopsy revealing class V lupus nephritis", ["V"]),
]


@pytest.mark.parametrize(("section", "item", "classes"), BIOPSY)
def test_a_lupus_nephritis_proven_on_tissue_is_a_biopsy_of_its_classes(
    section: str, item: str, classes: list[str]
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind == "biopsy"
    assert criterion.params["classes"] == classes


# ------------------------------------------------------------------ a range in words and signs
RANGE: list[tuple[str, str, list[tuple[str, float]]]] = [
    ("inclusion", "Proteinuria range from 0.75 to 3.5g/d", [(">=", 0.75), ("<=", 3.5)]),
    ("inclusion", "Proteinuria ranging from 1 to 3.5 g/day", [(">=", 1.0), ("<=", 3.5)]),
    ("inclusion", "HbA1c with values between 5.7 and 6.4%", [(">=", 5.7), ("<=", 6.4)]),
    ("inclusion", "eGFR <30 but > 15 mL/min/1.73 m2", [("<", 30.0), (">", 15.0)]),
    ("inclusion", "eGFR ≥ 15 and < 30 mL/min/1.73 m2", [(">=", 15.0), ("<", 30.0)]),
    ("inclusion", "Estimated GFR by CKD-EPI < 60 ml / min / 1.73 sqm but > 20 ml / min / 1.73 sqm",
     [("<", 60.0), (">", 20.0)]),
    ("inclusion", "BMI ≥ 18 and ≤ 35 kg/m2", [(">=", 18.0), ("<=", 35.0)]),
]


@pytest.mark.parametrize(("section", "item", "bounds"), RANGE)
def test_a_range_in_words_or_two_signs_is_both_limits(
    section: str, item: str, bounds: list[tuple[str, float]]
) -> None:
    (criterion,) = _read(section, item)
    assert criterion.manual_reason is None and criterion.kind in ("lab", "vital")
    params = criterion.params
    limits = [params, *params.get("alternatives", [])]
    assert [(p["op"], p["value"]) for p in limits] == bounds
    assert params["combine"] == "and"


@pytest.mark.parametrize("item", [
    "eGFR < 30 or > 90 mL/min/1.73 m2",  # either side: not a range
    "eGFR > 60 and > 15 mL/min/1.73 m2",  # two limits on one side
    "eGFR ≥ 60 and < 30 mL/min/1.73 m2",  # an empty range
])
def test_two_limits_that_are_not_a_range_are_not_read_as_one(item: str) -> None:
    criteria = _read("inclusion", item)
    assert all(c.manual_reason is not None or "alternatives" not in c.params for c in criteria)
    assert not [c for c in criteria if c.manual_reason is None and c.params.get("combine") == "and"]
