"""Breadth grammar of round 12: phrasings common across disease areas (the newest blind
corpora and the 1,500 breadth texts) that left an item `manual` although every word of it
has a reading.

Sentences are invented, in the shapes registry sponsors use.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion


def _inclusions(*items: str) -> list[Criterion]:
    text = "Inclusion Criteria:\n" + "".join(f"- {item}\n" for item in items)
    return [c for c in parse_eligibility_text(text, ()) if c.type == "inclusion"]


def _readings(criteria: list[Criterion]) -> list[tuple[str, dict]]:
    return [(c.kind, c.params) for c in criteria]


# ------------------------------------------------ one sex and an age, one item

# A trial for one sex gives its age in the same line ("Women aged 40 to 75 years"): two
# requirements, the sex and the age, each checked on its own (the registry record's sex
# field may say "All" when only the text restricts it).
@pytest.mark.parametrize(("text", "sex", "low", "high"), [
    ("Women aged 40 to 75 years", "female", 40, 75),
    ("Female patients 18 years of age or older", "female", 18, None),
    ("Woman over 21 years old", "female", 22, None),
    ("18-50-year-old women", "female", 18, 50),
    ("Girls aged 8 to 17 years", "female", 8, 17),
    ("Age 45-80 years, female", "female", 45, 80),
    ("Male, aged 30 years or older", "male", 30, None),
    ("Men between 50 and 80 years of age", "male", 50, 80),
    ("Male participants aged 18 to 55 years (inclusive)", "male", 18, 55),
    ("Aged 65 years or more, male", "male", 65, None),
])
def test_one_sex_with_an_age_is_the_sex_and_the_age(text, sex, low, high):
    criteria = _inclusions(text)
    assert sorted(_readings(criteria), key=lambda r: r[0], reverse=True) == [
        ("sex", {"sex": sex}),
        ("age", {"min_years": low, "max_years": high}),
    ], [c.manual_reason for c in criteria]


@pytest.mark.parametrize("text", [
    # a state of the women, not their sex alone: "pregnant" must be read, never dropped
    "Pregnant women aged 18 to 40 years",
    # a group of people who are not the patients
    "Healthy women aged 18 to 45 years",
    # the age of someone else
    "Women whose child is aged 2 to 5 years",
])
def test_a_sex_and_age_item_with_another_word_is_not_cut_to_sex_and_age(text):
    readings = _readings(_inclusions(text))
    assert [kind for kind, _ in readings] != ["sex", "age"]


def test_both_sexes_with_an_age_restrict_no_sex():
    assert _readings(_inclusions("Male or female, aged 18 to 65 years")) == [
        ("age", {"min_years": 18, "max_years": 65}),
    ]


def test_an_exclusion_of_one_sex_under_an_age_is_not_a_sex_requirement():
    text = "Inclusion Criteria:\n- Type 2 diabetes\nExclusion Criteria:\n- Women under 18 years\n"
    exclusions = [c for c in parse_eligibility_text(text, ()) if c.type == "exclusion"]
    assert "sex" not in [c.kind for c in exclusions]


# ------------------------------------------------ "equal or above", "at least ... or older"

# "Equal or above 18", "equal to or older than 18": "equal" and the comparative joined by
# "or" are one operator, ≥ (as "greater than or equal to" is); "at least 18 years or older"
# says the same bound twice.
@pytest.mark.parametrize(("text", "low", "high"), [
    ("Age equal or above 18 years", 18, None),
    ("Aged equal to or above 40 years", 40, None),
    ("The participant is equal to or older than 18 years old", 18, None),
    ("Age equal or over 12 years", 12, None),
    ("Age equal or below 65 years", None, 65),
    ("Equal to or younger than 17 years of age", None, 17),
    ("At least 18 years or older", 18, None),
    ("At least 50 years of age or older", 50, None),
    ("Minimum 16 years old or above", 16, None),
])
def test_an_operator_said_with_equal_or_twice_is_one_age_bound(text, low, high):
    assert _readings(_inclusions(text)) == [("age", {"min_years": low, "max_years": high})]


def test_a_bound_said_twice_in_opposite_directions_is_not_read():
    # "at least 18 years or younger" contradicts itself: a person reads it
    (criterion,) = _inclusions("At least 18 years or younger")
    assert criterion.kind == "manual"


# ------------------------------------------------ "including" is no inclusion heading

# A bullet that lists conditions "including" something is an item, not a sentence that
# opens the inclusion criteria: read as one, the item vanished and every exclusion after
# it became an inclusion ("Use of NSAIDs within 30 days" required NSAIDs).
@pytest.mark.parametrize("item", [
    "No history of any of the following conditions: Crohn disease, kidney disease, including"
    "\n     kidney stones, or bleeding disorders",
    "Any of the following, including but not limited to: cirrhosis, hepatitis",
    "Known history of the following diseases including tuberculosis:",
])
def test_an_item_saying_including_does_not_open_the_inclusion_criteria(item):
    text = ("Inclusion Criteria:\n\n* Ulcerative colitis\n\nExclusion Criteria:\n\n"
            f"* {item}\n* Use of NSAIDs within 30 days\n")
    criteria = parse_eligibility_text(text, ())
    nsaids = [c for c in criteria if "NSAIDs" in c.text]
    assert [c.type for c in nsaids] == ["exclusion"]
    assert [c.type for c in criteria].count("inclusion") == 1


# A sentence that opens a section and goes on after its colon: the words after the colon
# are the section's first item, never dropped. A note before the sentence is no item.
@pytest.mark.parametrize(("sentence", "first"), [
    ("Patients with any of the following will be excluded: pregnancy", ["pregnancy"]),
    ("Note: patients with any of the following will be excluded", []),
])
def test_a_sentence_heading_keeps_the_item_after_its_colon(sentence, first):
    text = ("Inclusion Criteria:\n\n* Age 18 years or older\n\n"
            f"{sentence}\n* Use of NSAIDs within 30 days\n")
    criteria = parse_eligibility_text(text, ())
    assert [c.text for c in criteria if c.type == "exclusion"] == [
        *first, "Use of NSAIDs within 30 days",
    ]


# ------------------------------------------------ procedures "performed" / "use of"; mAbs

# A procedure named with the verb of its doing: "Thymectomy performed < 12 months before
# screening", "Use of plasma exchange within 4 weeks" are the procedure within the window.
@pytest.mark.parametrize(("text", "concept", "window"), [
    ("Thymectomy performed within 12 months prior to screening", "proc.thymectomy", 365),
    ("Plasmapheresis performed in the last 3 months", "proc.plasma_exchange", 91),
    ("Use of plasma exchange within 4 weeks of randomization", "proc.plasma_exchange", 28),
    ("Use of dialysis within the past 6 months", "proc.dialysis", 183),
])
def test_a_procedure_performed_or_used_is_the_procedure(text, concept, window):
    criterion = _exclusion(text)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["window_days"] == window


# "Any monoclonal antibody for immunomodulation" is a biologic: the purpose restates the
# class. The first dosing is the first dose (the window's anchor).
@pytest.mark.parametrize(("text", "window"), [
    ("Use of any monoclonal antibody for immunomodulation within 6 months", 183),
    ("Immunomodulatory monoclonal antibodies within 9 months prior to baseline", 274),
    ("Treatment with an immunomodulating monoclonal antibody within 3 months before the "
     "first dosing", 91),
])
def test_an_immunomodulatory_monoclonal_antibody_is_a_biologic(text, window):
    criterion = _exclusion(text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert {"drug.rituximab", "drug.tocilizumab", "drug.belimumab"} <= set(
        criterion.params["drugs"])
    assert criterion.params["window_days"] == window


def _exclusion(text: str) -> Criterion:
    trial = "Inclusion Criteria:\n- Myasthenia gravis\nExclusion Criteria:\n"
    criteria = parse_eligibility_text(f"{trial}- {text}\n", ())
    return [c for c in criteria if c.type == "exclusion"][-1]


# ------------------------------------------------ "the normal upper limit"

# "Normal upper limit" is the upper limit of normal in the other word order (common in
# texts translated from Chinese, Korean and Japanese).
@pytest.mark.parametrize(("text", "analytes", "op", "multiple"), [
    ("ALT > 2 times the normal upper limit", ["lab.alt"], ">", 2.0),
    ("AST or ALT more than 3 x normal upper limit", ["lab.ast", "lab.alt"], ">", 3.0),
    ("Total bilirubin > 1.5 times the normal upper limits", ["lab.bilirubin_total"], ">", 1.5),
    ("ALT above the normal upper limit", ["lab.alt"], ">", 1.0),
    ("Serum creatinine more than twice the normal upper limit", ["lab.creatinine"], ">", 2.0),
])
def test_the_normal_upper_limit_is_the_upper_limit_of_normal(text, analytes, op, multiple):
    criterion = _exclusion(text)
    assert criterion.kind == "lab", criterion.manual_reason
    assert (criterion.params["analytes"], criterion.params["op"]) == (analytes, op)
    assert criterion.params["uln_multiple"] == multiple


# ------------------------------------------------ "other" before a drug class

# "Other immunosuppressants": other than the study drug, or than a background drug the
# trial requires; read as the whole class it would refuse a patient on the required one.
# It stays manual, and the reason says why rather than only that "other" was not read.
@pytest.mark.parametrize("text", [
    "Other immunosuppressants within 3 months",
    "Treatment with other immunosuppressive agents within 3 months",
    "Use of any other biologic agent in the past 6 months",
    "Receiving another monoclonal antibody",
])
def test_other_before_a_drug_class_is_manual_with_its_reason(text):
    criterion = _exclusion(text)
    assert criterion.kind == "manual"
    assert criterion.manual_reason.startswith('not understood: ')
    assert '; "other" drugs: other than which is not stated' in criterion.manual_reason


def test_other_before_a_condition_treated_by_a_drug_is_no_other_drug():
    criterion = _exclusion("Acute illness or other infection requiring antibiotics in the "
                           "past 4 weeks")
    assert '"other" drugs' not in (criterion.manual_reason or "")


def test_a_drug_and_other_drugs_of_its_class_stay_read():
    criterion = _exclusion("Corticosteroids or other immunosuppressive drugs within 4 weeks")
    assert criterion.kind == "drug_exposure"
