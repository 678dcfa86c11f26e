"""Trials that take several populations (round 6, issue 12): patients beside healthy
controls, clinicians or caregivers.

The engine matches patients. An item of a block addressed to people who are not patients
("Healthy controls:", "Inclusion criteria for caregivers:", "Healthcare professionals who
...") never applies to a patient; the items of the patients' block, when the trial names
exactly one patient population, are the patients' criteria and are read as usual, with the
population kept in params and in the plain-words reading. Two patient populations ("LN
cohort" and "SLE cohort") stay manual with the cohort named.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.criteria.render import reading
from matcher.model import Criterion


def _by_text(criteria: list[Criterion], words: str, section: str) -> Criterion:
    found = [c for c in criteria if words in c.text and c.type == section]
    assert len(found) == 1, [(c.id, c.text) for c in criteria]
    return found[0]


# (eligibility text, the patients' label, the others' label). Every text holds a patients'
# block requiring lupus and a block of another population with an item that, applied to a
# patient, would refuse every lupus patient.
BLOCK_TEXTS = [
    pytest.param(
        "Inclusion Criteria:\n\nPatients:\n* Diagnosis of systemic lupus erythematosus\n"
        "* Aged 18 years or older\n\nHealthy controls:\n* Aged 18 years or older\n"
        "* Diabetes mellitus\n\nExclusion Criteria:\n\nPatients:\n* Current pregnancy\n\n"
        "Healthy controls:\n* Any autoimmune disease\n",
        "patients", "healthy controls", id="patients-and-healthy-controls-headings",
    ),
    pytest.param(
        "Inclusion Criteria:\n\nFor lupus patients:\n* Diagnosis of systemic lupus "
        "erythematosus\n\nFor healthy volunteers:\n* Diabetes mellitus\n\n"
        "Exclusion Criteria:\n\nFor lupus patients:\n* Current pregnancy\n\n"
        "For healthy volunteers:\n* Any autoimmune disease\n",
        "lupus patients", "healthy volunteers", id="for-x-headings",
    ),
    pytest.param(
        "Inclusion Criteria for patients:\n* Diagnosis of systemic lupus erythematosus\n\n"
        "Inclusion criteria for control subjects:\n* Diabetes mellitus\n\n"
        "Exclusion Criteria for patients:\n* Current pregnancy\n\n"
        "Exclusion criteria for control subjects:\n* Any autoimmune disease\n",
        "patients", "control subjects", id="section-headings-naming-the-population",
    ),
    pytest.param(
        "Inclusion Criteria:\n\nCases:\n* Diagnosis of systemic lupus erythematosus\n\n"
        "Controls:\n* Diabetes mellitus\n\nExclusion Criteria:\n\nCases:\n"
        "* Current pregnancy\n\nControls:\n* Any autoimmune disease\n",
        "cases", "controls", id="cases-and-controls",
    ),
    pytest.param(
        "Inclusion Criteria:\n\nPatients:\n* Diagnosis of systemic lupus erythematosus\n\n"
        "Caregivers:\n* Diabetes mellitus\n\nExclusion Criteria:\n\nPatients:\n"
        "* Current pregnancy\n\nCaregivers:\n* Any autoimmune disease\n",
        "patients", "caregivers", id="patients-and-caregivers",
    ),
    pytest.param(  # "Healthy volunteers:" alone is a heading, not the record's field
        "Inclusion Criteria:\n\nPatients:\n* Diagnosis of systemic lupus erythematosus\n\n"
        "Healthy volunteers:\n* Diabetes mellitus\n\nExclusion Criteria:\n\nPatients:\n"
        "* Current pregnancy\n\nHealthy volunteers:\n* Any autoimmune disease\n",
        "patients", "healthy volunteers", id="bare-healthy-volunteers-heading",
    ),
]


@pytest.mark.parametrize(("text", "patients", "others"), BLOCK_TEXTS)
def test_the_patients_block_is_read_and_the_others_block_never_applies_to_a_patient(
    text: str, patients: str, others: str
) -> None:
    criteria = parse_eligibility_text(text, ["lupus"])
    sle = _by_text(criteria, "systemic lupus", "inclusion")
    assert sle.kind == "diagnosis" and sle.params["concepts"] == ["dx.sle"]
    assert sle.params["cohort"] == patients and sle.cohort is None
    assert patients in reading(sle)
    assert _by_text(criteria, "pregnancy", "exclusion").kind == "pregnancy"
    for words, section in (("Diabetes", "inclusion"), ("autoimmune", "exclusion")):
        other = _by_text(criteria, words, section)
        assert other.kind == "manual" and not other.unread
        assert other.params == {"cohort": others, "cohort_is_patients": False}
        assert others in (other.manual_reason or "") and "NOT PATIENTS" in reading(other)
        assert "group:not-patients" in other.trace


# Items that name whom they address by their subject, in a trial of patients and others.
SUBJECT_TEXTS = [
    pytest.param(
        "Inclusion Criteria:\n\n* Healthcare professionals who treat people with lupus\n"
        "* Patients with systemic lupus erythematosus\n* Participants able to give consent\n\n"
        "Exclusion Criteria:\n\n* Healthcare professionals who do not treat lupus\n",
        "healthcare professionals", id="healthcare-professionals",
    ),
    pytest.param(
        "Inclusion Criteria:\n\n* Clinicians working in a lupus clinic\n"
        "* Patients diagnosed with systemic lupus erythematosus\n\n"
        "Exclusion Criteria:\n\n* Clinicians with diabetes mellitus\n",
        "clinicians", id="clinicians",
    ),
    pytest.param(
        "Inclusion Criteria:\n\n* Patients with systemic lupus erythematosus\n"
        "* Caregivers of a patient enrolled in the study\n\n"
        "Exclusion Criteria:\n\n* Caregivers with diabetes mellitus\n",
        "caregivers", id="caregivers",
    ),
]


@pytest.mark.parametrize(("text", "others"), SUBJECT_TEXTS)
def test_an_item_led_by_another_population_never_applies_to_a_patient(
    text: str, others: str
) -> None:
    criteria = parse_eligibility_text(text, ["lupus"])
    sle = _by_text(criteria, "Patients", "inclusion")
    assert sle.kind == "diagnosis" and sle.params["cohort"] == "patients"
    excluded = [c for c in criteria if c.type == "exclusion"]
    assert excluded and all(c.kind == "manual" and not c.unread for c in excluded)
    assert all(c.params.get("cohort") == others for c in excluded)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Inclusion Criteria:\n\nLN cohort:\n* Biopsy-proven lupus nephritis\n\n"
            "SLE cohort:\n* Diagnosis of systemic lupus erythematosus\n",
            id="two-patient-cohorts-by-words",
        ),
        pytest.param(
            "Inclusion Criteria:\n\nFor hospitalised patients:\n* Diagnosis of systemic lupus "
            "erythematosus\n\nFor community patients:\n* Diabetes mellitus\n",
            id="two-patient-populations",
        ),
    ],
)
def test_several_patient_populations_are_each_a_cohort_of_their_own(text: str) -> None:
    # Every item sits in one named block and each block has its own inclusion items: a
    # patient is judged on one cohort's items (matcher.criteria.groups), never on both.
    criteria = parse_eligibility_text(text, ["lupus"])
    assert all(c.kind != "manual" for c in criteria), [c.manual_reason for c in criteria]
    assert len({c.cohort.label for c in criteria if c.cohort}) == len(criteria) == 2


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(  # a trial of caregivers alone: nothing said of patients
            "Inclusion Criteria:\n\n* Caregivers of a person with dementia\n"
            "* Caregivers aged 18 or older\n\nExclusion Criteria:\n\n* Caregivers with diabetes\n",
            id="caregivers-only",
        ),
        pytest.param(  # patients alone: their items are the trial's, with no scope
            "Inclusion Criteria:\n\n* Patients with systemic lupus erythematosus\n"
            "* Patients aged 18 or older\n\nExclusion Criteria:\n\n* Patients with diabetes\n",
            id="patients-only",
        ),
    ],
)
def test_one_population_alone_scopes_nothing(text: str) -> None:
    criteria = parse_eligibility_text(text, ["lupus"])
    assert not any("cohort" in c.params for c in criteria)
    assert not any("group:not-patients" in c.trace for c in criteria)


# ------------------------------------------------------------------ capped dose exclusions

@pytest.mark.parametrize(
    "item",
    [
        "Glucocorticoid dose in the past 3 months not greater than 20 mg/day",
        "Prednisone no more than 10 mg/day in the last month",
        "Prednisone dose not exceeding 15 mg/day",
        "Corticosteroids at a dose of 7.5 mg/day or less of prednisone equivalent",
    ],
)
def test_an_exclusion_of_a_dose_at_or_below_a_limit_is_left_to_a_person(item: str) -> None:
    [criterion] = parse_eligibility_text(f"Exclusion Criteria:\n* {item}\n", ["lupus"])
    assert criterion.kind == "manual" and criterion.unread
    assert "reads as the dose allowed" in (criterion.manual_reason or "")


@pytest.mark.parametrize(
    ("section", "item"),
    [
        ("Exclusion", "Prednisone > 20 mg/day within 4 weeks"),
        ("Inclusion", "Prednisone dose not exceeding 15 mg/day"),
    ],
)
def test_a_dose_limit_on_its_own_side_still_decides(section: str, item: str) -> None:
    [criterion] = parse_eligibility_text(f"{section} Criteria:\n* {item}\n", ["lupus"])
    assert criterion.kind == "dose_exposure"


# ------------------------------------------------------- a serious infection, stated bare

@pytest.mark.parametrize(
    ("item", "temporality"),
    [
        ("Infection requiring hospitalization;", "current"),
        ("Any infection requiring intravenous antibiotics", "current"),
        ("Sepsis", "current"),
        ("History of infection requiring hospitalisation", "ever"),
        ("Recurrent infections requiring hospitalisation", "ever"),  # a course over time
        ("Infection requiring hospitalization within the past 3 months", "within"),
    ],
)
def test_a_serious_infection_stated_bare_is_one_now(item: str, temporality: str) -> None:
    [criterion] = parse_eligibility_text(f"Exclusion Criteria:\n* {item}\n", ["lupus"])
    assert criterion.kind == "diagnosis"
    assert criterion.params["temporality"] == temporality


# ------------------------------------------------ an age limit after the subject, bare

@pytest.mark.parametrize(
    ("item", "concepts", "min_years"),
    [
        ("SLE patients >= 18 years of age", ["dx.sle"], 18),
        ("Lupus nephritis patients ≥18 years old", ["dx.lupus_nephritis"], 18),
        ("Adult SLE patients >18 years", None, 19),  # "Adult" before a disease stays manual
    ],
)
def test_an_age_limit_after_the_subject_is_read_beside_the_disease(
    item: str, concepts: list[str] | None, min_years: int
) -> None:
    criteria = parse_eligibility_text(f"Inclusion Criteria:\n* {item}\n", ["lupus"])
    ages = [c for c in criteria if c.kind == "age"]
    assert [c.params["min_years"] for c in ages] == [min_years]
    diagnoses = [c.params["concepts"] for c in criteria if c.kind == "diagnosis"]
    assert diagnoses == ([concepts] if concepts else [])


# ----------------------------------------------- the benchmark's judging of three rows

def _bench_judge(row: dict, *criteria: Criterion) -> str:
    from benchmarks import bench_criteria as bench

    text = (f"Synthetic trial in lupus nephritis\n\nConditions: Lupus Nephritis\n\n"
            f"Exclusion Criteria:\n\n* {row['source']}\n")
    return bench.score_trial("NCT00000000", text, [row], criteria).rows[0].outcome


def test_the_benchmark_reads_a_duration_that_restates_the_window_as_the_window() -> None:
    # "Active or recent cancer < 3 years": the gold's "< 3 years" is its 1095-day window.
    from tests.test_bench_criteria import diagnosis, gold

    row = gold("Active or recent cancer <3 years", "diagnosis", "malignancy",
               effect="exclude", temporality="within", window_days=1095,
               qualifiers=["active or < 3 years"])  # fmt: skip
    same = diagnosis("exc-1", "Active or recent cancer <3 years", ["dx.malignancy"], 1095)
    assert _bench_judge(row, same) == "correct"
    shorter = diagnosis("exc-1", "Active or recent cancer <3 years", ["dx.malignancy"], 365)
    assert _bench_judge(row, shorter) == "wrong"


def test_the_benchmark_reads_a_carrier_state_as_the_infection_it_is_of() -> None:
    from tests.test_bench_criteria import crit, gold

    row = gold("Carriers of hepatitis B", "serology",
               "hepatitis B virus infection / carrier state", effect="exclude",
               temporality="current")  # fmt: skip
    now = crit("exc-1", "Carriers of hepatitis B", "serology", {
        "markers": [], "infections": ["dx.hbv"], "result": "positive", "ever": False,
        "needs_result": False})  # fmt: skip
    assert _bench_judge(row, now) == "correct"


def test_the_benchmark_reads_an_activity_subclass_left_to_a_person() -> None:
    # "Purely chronic class III(C) or IV(C)": classes III/IV, the activity judged.
    from tests.test_bench_criteria import crit, gold

    row = gold("Purely chronic class III(C) or IV(C) on biopsy", "biopsy",
               "lupus nephritis biopsy class", effect="exclude", temporality="ever",
               classes=["III(C)", "IV(C)"])  # fmt: skip
    params = {"classes": ["III", "IV"], "allowed_with": [], "window_days": None}
    judged = crit("exc-1", row["source"], "biopsy",
                  {**params, "judged": ["purely chronic (no active lesions)"]})
    assert _bench_judge(row, judged) == "correct"
    assert _bench_judge(row, crit("exc-1", row["source"], "biopsy", params)) == "wrong"


def test_the_benchmark_takes_a_current_reading_of_an_ever_row_as_a_partial_decision() -> None:
    # "Chronic liver disease" read as the disease now: a mention in the lookback excludes,
    # none includes, an older one goes to a person; it never decides against "ever".
    from tests.test_bench_criteria import diagnosis, gold

    row = gold("Chronic liver disease", "diagnosis", "liver disease", effect="exclude",
               temporality="ever")  # fmt: skip
    current = diagnosis("exc-1", "Chronic liver disease", ["dx.liver_disease"], 90,
                        temporality="current")  # fmt: skip
    assert _bench_judge(row, current) == "correct"
    within = diagnosis("exc-1", "Chronic liver disease", ["dx.liver_disease"], 365)
    assert _bench_judge(row, within) == "wrong"


# --------------------------------------- a bare chronic condition: decided where now = ever

@pytest.mark.parametrize(
    ("item", "concept", "temporality"),
    [
        ("Presence of diabetes", "dx.diabetes", "current"),
        ("Diabetes mellitus patients", "dx.diabetes", "current"),
        ("Malignancy", "dx.malignancy", "current"),
        ("History of malignancy", "dx.malignancy", "ever"),
        ("Previous diagnosis of diabetes mellitus", "dx.diabetes", "ever"),
        ("Malignancy within the past 5 years", "dx.malignancy", "within"),
    ],
)
def test_a_bare_chronic_condition_is_read_as_the_condition_now(
    item: str, concept: str, temporality: str
) -> None:
    [criterion] = parse_eligibility_text(f"Exclusion Criteria:\n* {item}\n", ["lupus"])
    assert criterion.kind == "diagnosis" and concept in criterion.params["concepts"]
    assert criterion.params["temporality"] == temporality


@pytest.mark.parametrize(
    ("mentioned", "expected"),
    [
        ("2026-10-01", "met"),  # in the lookback: excluded, as "ever" would
        ("2019-05-01", "unknown"),  # older: a person checks, never read as its absence
        (None, "not_met"),  # never documented: not excluded, as "ever" would
    ],
)
@pytest.mark.parametrize(("item", "concept"), [("Presence of heart failure", "dx.heart_failure"),
                                               ("Presence of malignancy", "dx.malignancy")])
def test_the_condition_now_decides_only_where_ever_would_agree(
    mentioned: str | None, expected: str, item: str, concept: str
) -> None:
    import datetime as dt

    from matcher.judge.evaluate import evaluate
    from matcher.judge.timeline import build_timeline
    from matcher.model import Assertion, Finding, Patient

    [criterion] = parse_eligibility_text(f"Exclusion Criteria:\n* {item}\n",
                                         ["lupus"])  # fmt: skip
    findings = [] if mentioned is None else [Finding(
        concept=concept, category="diagnosis", note_id="n1", start=0, end=8,
        text="disease", assertion=Assertion.AFFIRMED, date=dt.date.fromisoformat(mentioned))]
    dates = {f.note_id: f.date for f in findings}
    result = evaluate(criterion, build_timeline(Patient("P1", None), findings, dates,
                                                dt.date(2026, 11, 20)))  # fmt: skip
    assert result.status.value == expected


def test_no_status_waits_on_an_item_addressed_to_others() -> None:
    # A patient who meets the patients' criteria is eligible whatever the controls' say.
    import datetime as dt

    from matcher.judge.evaluate import evaluate
    from matcher.judge.ranking import patient_status
    from matcher.judge.timeline import build_timeline
    from matcher.model import Assertion, Finding, Patient, PatientStatus

    text = ("Inclusion Criteria:\n\nPatients:\n* Diagnosis of systemic lupus erythematosus\n\n"
            "Healthy controls:\n* No history of any autoimmune disease\n")
    criteria = parse_eligibility_text(text, ["lupus"])
    sle = Finding(concept="dx.sle", category="diagnosis", note_id="n1", start=0, end=3,
                  text="SLE", assertion=Assertion.AFFIRMED, date=dt.date(2026, 10, 1))
    timeline = build_timeline(Patient("P1", None), [sle], {"n1": sle.date},
                              dt.date(2026, 11, 20))  # fmt: skip
    results = [evaluate(c, timeline) for c in criteria]
    assert patient_status(results) is PatientStatus.ELIGIBLE


def test_a_bare_disease_that_does_not_resolve_holds_from_an_older_mention() -> None:
    # "Presence of diabetes": diabetes documented in 2019 is diabetes now, as "ever" reads it.
    import datetime as dt

    from matcher.judge.evaluate import evaluate
    from matcher.judge.timeline import build_timeline
    from matcher.model import Assertion, Finding, Patient

    [criterion] = parse_eligibility_text("Exclusion Criteria:\n* Presence of diabetes\n",
                                         ["lupus"])  # fmt: skip
    findings = [Finding(concept="dx.diabetes", category="diagnosis", note_id="n1", start=0,
                        end=8, text="diabetes", assertion=Assertion.AFFIRMED,
                        date=dt.date(2019, 5, 1))]
    result = evaluate(criterion, build_timeline(Patient("P1", None), findings,
                                                {"n1": dt.date(2019, 5, 1)},
                                                dt.date(2026, 11, 20)))  # fmt: skip
    assert result.status.value == "met"
    assert "does not resolve" in result.reason
