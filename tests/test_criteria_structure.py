"""How the criteria reader assembles items (issue 12, REGISTRY.md #6, #7, #10, #11, #13).

A compound item yields one criterion per requirement it states ("Aged 18 or older with SLE"
is an age and a diagnosis); a heading that collects sub-items only groups them; the
connectives decide the split, and a split that could change who matches is refused (the
item then stays one criterion, manual). The sentences are in our own words, as other
sponsors would write them; none is a corpus text.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion


def _read(inclusion: list[str] = (), exclusion: list[str] = ()) -> list[Criterion]:  # type: ignore[assignment]
    lines = ["Inclusion Criteria:", *[f"* {t}" for t in inclusion]]
    if exclusion:
        lines += ["", "Exclusion Criteria:", *[f"* {t}" for t in exclusion]]
    return parse_eligibility_text("\n".join(lines), ["Systemic lupus erythematosus"])


def _nephritis_trial(inclusion_lines: list[str]) -> list[Criterion]:
    text = "\n".join(["Inclusion Criteria:", *inclusion_lines])
    return parse_eligibility_text(text, ["Lupus nephritis"])


def _computed(criteria: list[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.kind != "manual" and c.manual_reason is None]


def _summary(c: Criterion) -> tuple[str, str, dict[str, Any]]:
    keep = {k: v for k, v in c.params.items()
            if k in ("min_years", "max_years", "concepts", "states", "present", "analytes",
                     "op", "value", "score")}  # fmt: skip
    return c.type, c.kind, keep


# ------------------------------------------------------------------ compound inclusions
COMPOUND_INCLUSIONS: list[tuple[str, list[tuple[str, str, dict[str, Any]]]]] = [
    ("Aged 18 years or older with systemic lupus erythematosus per the 2019 EULAR/ACR criteria",
     [("inclusion", "age", {"min_years": 18, "max_years": None}),
      ("inclusion", "diagnosis", {"concepts": ["dx.sle"]})]),
    ("Aged 12 years or older with SLE per 2019 EULAR/ACR",
     [("inclusion", "age", {"min_years": 12, "max_years": None}),
      ("inclusion", "diagnosis", {"concepts": ["dx.sle"]})]),
    ("Age 18 to 70 years, ECOG performance status 0-2",
     [("inclusion", "age", {"min_years": 18, "max_years": 70}),
      ("inclusion", "score", {})]),
    ("Men or non-pregnant women aged 18 to 60 years",
     [("inclusion", "pregnancy", {"states": ["dx.pregnancy"], "present": False}),
      ("inclusion", "age", {"min_years": 18, "max_years": 60})]),
    ("Male or non-pregnant female patients age 20 to 55 years inclusive",
     [("inclusion", "pregnancy", {"states": ["dx.pregnancy"], "present": False}),
      ("inclusion", "age", {"min_years": 20, "max_years": 55})]),
    ("Patients with lupus fulfilling the SLICC classification criteria and SLEDAI-2K score ≥ 6",
     [("inclusion", "diagnosis", {"concepts": ["dx.sle"]}),
      ("inclusion", "score", {"op": ">="})]),
]


@pytest.mark.parametrize(("text", "expected"), COMPOUND_INCLUSIONS)
def test_a_compound_inclusion_yields_one_criterion_per_requirement(
    text: str, expected: list[tuple[str, str, dict[str, Any]]]
) -> None:
    criteria = _read([text])
    assert len(criteria) == len(expected), [(c.kind, c.manual_reason, c.text) for c in criteria]
    for criterion, (ctype, kind, params) in zip(criteria, expected, strict=True):
        got = _summary(criterion)
        assert (got[0], got[1]) == (ctype, kind), (criterion.manual_reason, criterion.text)
        assert {k: got[2].get(k, "<missing>") for k in params} == params
        assert any(r.startswith("compound:") for r in criterion.trace)
    # Every word of the item lies in one of its criteria: nothing is dropped.
    words = set(text.lower().replace(",", " ").split())
    covered = set(" ".join(c.text.lower() for c in criteria).replace(",", " ").split())
    assert words - covered <= {"with", "and", "or"}


# Items whose split would change who matches: they stay one criterion, and nothing in
# them is computed on its own.
NOT_SPLIT: list[tuple[str, str]] = [
    # a list of alternatives: making the first one mandatory would refuse the others
    ("inclusion", "ANA ≥ 1:80, anti-dsDNA positive or anti-Sm positive"),
    ("inclusion", "Either SLEDAI-2K ≥ 6 and age 18 to 65 years or a BILAG A score"),
    # a window at the end reaches every drug of the list
    ("exclusion", "Cyclosporine, tacrolimus or plasma exchange within the last 3 months"),
    # a leading qualifier reaches every member: "active" hepatitis and "active" TB
    ("exclusion", "Active hepatitis or tuberculosis or plasma exchange"),
    # an exception may reach every member (a contraception clause's own exceptions, which
    # cannot reach a current pregnancy, are read in tests/test_criteria_policy_reach.py)
    ("exclusion", "Malignancy or active infection, unless treated and cured"),
    # a negated lead reaches the whole list
    ("inclusion", "No prior cyclophosphamide and no rituximab, or plasma exchange"),
    # findings of one sort listed in an inclusion are alternatives
    ("inclusion", "Diagnosis of major depression, bipolar disorder, and schizophrenia per DSM-5"),
    ("inclusion", "Adults consenting to serological tests for HIV, HCV, HBV"),
    # an "or" between sorts beside an "and": which binds first is not in the words
    ("inclusion", "HbA1c ≥ 8.0% or diagnosed with type 2 diabetes and taking metformin"),
    # a label may scope the item to a cohort; "one or more" is a choice
    ("inclusion", "Diabetes group: age between 30-70 years, type 2 diabetes"),
    ("inclusion", "With one or more risk factors: smoking, obesity, diabetes"),
    # "with" after a verb takes its object
    ("inclusion", "Living with HIV and CD4 count ≥ 200"),
    # a relative clause qualifies the piece before it
    ("inclusion", "Adults with gonococcal urethritis undergoing a swab test, who are not yet "
                  "treated"),
]


@pytest.mark.parametrize(("ctype", "text"), NOT_SPLIT)
def test_a_split_that_could_change_who_matches_is_refused(ctype: str, text: str) -> None:
    criteria = _read([text]) if ctype == "inclusion" else _read(["SLE"], [text])[1:]
    assert len(criteria) == 1, [(c.kind, c.text) for c in criteria]
    assert not any(r.startswith("compound:") for r in criteria[0].trace)


# ---------------------------------------------------------- pregnancy: a current state
PREGNANCY_LISTS: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("Women who are pregnant or planning a pregnancy within 6 months after the last dose",
     [("pregnancy", {"states": ["dx.pregnancy"], "present": True}), ("manual", {})]),
    ("Breastfeeding mothers, pregnant women or women planning to conceive during the trial",
     [("pregnancy", {"states": ["dx.lactation"], "present": True}),
      ("pregnancy", {"states": ["dx.pregnancy"], "present": True}),
      ("manual", {})]),
    ("Lactating women or women intending to become pregnant during the study",
     [("pregnancy", {"states": ["dx.lactation"], "present": True}), ("manual", {})]),
]


@pytest.mark.parametrize(("text", "expected"), PREGNANCY_LISTS)
def test_a_current_pregnancy_is_read_apart_from_a_planned_one(
    text: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    criteria = _read(["SLE"], [text])[1:]
    assert [c.kind for c in criteria] == [k for k, _ in expected], [
        (c.kind, c.manual_reason, c.text) for c in criteria]
    for criterion, (_, params) in zip(criteria, expected, strict=True):
        assert criterion.type == "exclusion"
        assert {k: criterion.params.get(k) for k in params} == params
    assert "plan" in criteria[-1].manual_reason or "pregnan" in criteria[-1].manual_reason


# ------------------------------------------------------------------------------- age
AGE_EXCLUSIONS: list[tuple[str, int, int]] = [
    ("Male and female subjects <18 or >69 years", 18, 69),
    ("Men and women < 16 or > 75 years old", 16, 75),
]


@pytest.mark.parametrize(("text", "low", "high"), AGE_EXCLUSIONS)
def test_an_age_outside_two_bounds_excludes_on_both_sides(text: str, low: int, high: int) -> None:
    criteria = _read(["SLE"], [text])[1:]
    assert len(criteria) == 1
    c = criteria[0]
    assert (c.kind, c.params.get("min_years"), c.params.get("max_years")) == ("age", low, high)


# -------------------------------------------------- headings that collect sub-items
INLINE_HEADINGS: list[tuple[str, list[str]]] = [
    ("Adequate organ function: eGFR ≥ 30 mL/min/1.73 m2; ALT ≤ 3 × ULN; "
     "platelets ≥ 75 × 10^9/L",
     ["lab.egfr", "lab.alt", "lab.platelets"]),
    ("The function of vital organs is basically normal: Renal function: serum creatinine "
     "≤ 1.5 × ULN; Liver function: AST ≤ 2.5 × ULN; SpO2 ≥ 92%",
     ["lab.creatinine", "lab.ast", "lab.spo2"]),
]


@pytest.mark.parametrize(("text", "analytes"), INLINE_HEADINGS)
def test_a_heading_on_the_same_line_groups_its_sub_items(text: str, analytes: list[str]) -> None:
    criteria = _read([text])
    got = [c.params.get("analytes", [None])[0] for c in _computed(criteria)]
    assert got == analytes, [(c.kind, c.manual_reason, c.text) for c in criteria]
    assert len(criteria) == len(analytes)


def test_an_item_ending_in_and_colon_is_kept_and_its_siblings_are_read() -> None:
    criteria = _nephritis_trial([
        "* Persistent active nephritis after two induction regimens, AND:",
        "* Proteinuria > 1 g/24 hours",
        "* Age 18 to 65 years",
    ])  # fmt: skip
    texts = [c.text for c in criteria]
    assert any("induction regimens" in t for t in texts), texts
    assert [c.kind for c in criteria][-1] == "age"


def _lines_under(heading: str) -> str:
    return "\n".join([
        "Inclusion Criteria:",
        "* Age 18 to 65 years",
        heading,
        "* Proteinuria > 1 g/24 hours",
        "* Adequate organ function:",
        "* ALT ≤ 3 × upper limit of normal",
        "* Absolute lymphocyte count ≥ 0.3 × 10⁹/L",
    ])  # fmt: skip


def test_a_heading_does_not_reach_past_the_next_grouping_heading() -> None:
    criteria = parse_eligibility_text(_lines_under("Refractory lupus nephritis:"),
                                      ["Lupus nephritis"])  # fmt: skip
    by_text = {c.text: c for c in criteria}
    # The heading's own item keeps the heading's words, which it cannot account for.
    assert by_text["Proteinuria > 1 g/24 hours"].kind == "manual"
    assert by_text["ALT ≤ 3 × upper limit of normal"].kind == "lab"
    assert by_text["Absolute lymphocyte count ≥ 0.3 × 10⁹/L"].kind == "lab"


def test_a_cohort_block_still_scopes_the_groups_inside_it() -> None:
    criteria = parse_eligibility_text(_lines_under("Cohort B (refractory nephritis):"),
                                      ["Lupus nephritis"])  # fmt: skip
    by_text = {c.text: c for c in criteria}
    for text in ("Proteinuria > 1 g/24 hours", "ALT ≤ 3 × upper limit of normal"):
        assert by_text[text].kind == "manual"
        assert "cohort" in (by_text[text].manual_reason or "")


# ------------------------------------------------- named classification criteria
CLASSIFICATION: list[str] = [
    "Documented diagnosis of SLE according to the current ACR criteria",
    "SLE fulfilling the American Rheumatism Association criteria (12)",
    "Diagnosis of SLE per the revised ACR classification criteria (reference 23)",
]


@pytest.mark.parametrize("text", CLASSIFICATION)
def test_a_named_classification_is_the_diagnosis(text: str) -> None:
    criteria = _read([text])
    assert [(c.kind, c.params.get("concepts")) for c in criteria] == [("diagnosis", ["dx.sle"])], [
        c.manual_reason for c in criteria]


# ------------------------------------------------------------- the benchmark's reading
def test_the_benchmark_reads_a_non_pregnant_requirement_as_excluding_pregnancy() -> None:
    from benchmarks import bench_criteria as bench

    required_absent = Criterion(
        id="inc-1", key="pregnancy", type="inclusion", text="Non-pregnant women",
        kind="pregnancy", params={"states": ["dx.pregnancy"], "present": False,
                                  "window_days": 90})  # fmt: skip
    excluded = Criterion(
        id="exc-1", key="x_pregnancy", type="exclusion", text="Pregnant women",
        kind="pregnancy", params={"states": ["dx.pregnancy"], "present": True,
                                  "window_days": 90})  # fmt: skip
    assert bench._effect(required_absent) == bench._effect(excluded) == "exclude"


# ------------------------------------------- a juvenile diagnosis and the age limits
@pytest.mark.parametrize("diagnosis", ["Diagnosis of JSLE per the ACR criteria",
                                       "Childhood-onset SLE per the SLICC criteria"])
@pytest.mark.parametrize(("age", "computed"), [
    ("Age at enrolment ≤ 17 years", True),
    ("Age 5 to 16 years", True),
    # An 18-year-old is an adult whose lupus may have begun at 18: not implied.
    ("Age at enrolment ≤ 18 years", False),
])  # fmt: skip
def test_a_juvenile_diagnosis_is_implied_only_when_every_patient_is_a_child(
    diagnosis: str, age: str, computed: bool
) -> None:
    criteria = _read([diagnosis, age])
    assert (criteria[0].kind == "diagnosis") is computed, criteria[0].manual_reason


# ------------------------------------------------- a negation inside a vocabulary term
@pytest.mark.parametrize("text", [
    "Patients who are not yet treated",
    "No prior immunosuppressive therapy",
])  # fmt: skip
def test_a_negation_that_is_part_of_a_term_names_the_concept_and_is_not_flipped(text: str) -> None:
    (criterion,) = _read([text])
    # Required treatment-naive, never "EXCLUDE if treatment-naive".
    assert criterion.type == "inclusion", (criterion.kind, criterion.params)


# ------------------------------------- a colon-ending item followed by its siblings
def test_an_item_ending_in_a_colon_before_its_siblings_is_not_dropped() -> None:
    criteria = _nephritis_trial([
        "1. Age 18 to 65 years",
        "2. Meets the 2019 EULAR/ACR classification criteria for SLE, at least one of which "
        "must be:",
        "3. ANA ≥ 1:80 or",
        "4. Anti-dsDNA positive",
        "5. Biopsy within 6 months showing class III or IV nephritis based on a biopsy:",
        "6. eGFR ≥ 30 mL/min/1.73 m2",
    ])  # fmt: skip
    texts = [c.text for c in criteria]
    assert any(t.startswith("Meets the 2019") for t in texts), texts
    assert any(t.startswith("Biopsy within 6 months") for t in texts), texts
    sle = next(c for c in criteria if c.text.startswith("Meets the 2019"))
    assert (sle.kind, sle.params.get("concepts")) == ("diagnosis", ["dx.sle"]), sle.manual_reason
    # The announced alternatives stay branches, none made mandatory: one any-of group
    # (matcher.criteria.groups), or manual.
    ana = next(c for c in criteria if c.text.startswith("ANA"))
    dsdna = next(c for c in criteria if c.text.startswith("Anti-dsDNA"))
    assert ana.any_of is not None and ana.any_of == dsdna.any_of


def test_a_plain_heading_line_still_only_groups_its_items() -> None:
    text = "Inclusion Criteria:\nLiver function:\n* ALT ≤ 3 × ULN\n* AST ≤ 3 × ULN"
    assert [c.text for c in parse_eligibility_text(text)] == ["ALT ≤ 3 × ULN", "AST ≤ 3 × ULN"]


# ------------------------------------------------------- an age with a local exception
@pytest.mark.parametrize("text", [
    "Age ≥15y (except if local ethics committee imposes ≥18y)",
    "Aged 16 years or older (unless local regulations require 18 years)",
])  # fmt: skip
def test_an_age_limit_with_a_local_exception_is_left_to_a_person_with_the_reason(
    text: str,
) -> None:
    (criterion,) = _read([text])
    assert criterion.kind == "manual"
    assert "local exception" in (criterion.manual_reason or "")


def test_an_or_inside_a_class_list_is_one_sort_and_does_not_stop_the_cut() -> None:
    text = ("Renal biopsy-proven lupus nephritis class III, IV or V per the ISN/RPS (2003) "
            "classification (ISNRPS2003) within 16 weeks of randomization and had ANA or "
            "anti-dsDNA positive")
    criteria = _read([text])
    assert [c.kind for c in criteria][-1] == "serology", [(c.kind, c.text) for c in criteria]
    assert all(any(r.startswith("compound:") for r in c.trace) for c in criteria)
