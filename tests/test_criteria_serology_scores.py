"""Serology and scores as registries word them (issue 12, round 4).

- An inclusion "negative for X" / "X negative" / "must test negative" is the exclusion of X:
  the reading keeps `result: negative`, the evaluator decides it (any positive → not met,
  every test negative → met, untested → a person), and the bench judges it as an exclusion.
- A test that is its infection's only marker (the HIV antigen/antibody test) names the
  infection too: a documented HIV infection is a positive HIV test.

The sentences are written here in the wordings many sponsors use, not copied from a trial.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from benchmarks import bench_criteria as bench
from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
RECENT = dt.date(2026, 11, 1)

TRIAL_TEXT = """Synthetic trial in lupus

Conditions: Systemic Lupus Erythematosus

Inclusion Criteria:

* Negative for hepatitis B and C virus.

Exclusion Criteria:

* HIV infection
"""


def _finding(concept: str, *, date: dt.date = RECENT, category: str = "diagnosis",
             assertion: Assertion = Assertion.AFFIRMED, note: str = "n1",
             value: float | None = None, unit: str | None = None,
             **attrs: Any) -> Finding:  # fmt: skip
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text="text", assertion=assertion, value=value, unit=unit, date=date,
                   date_source="text", attrs=attrs)  # fmt: skip


def _status(criterion: Criterion, *findings: Finding) -> Status:
    dates = {f.note_id: f.date or AS_OF for f in findings}
    timeline = build_timeline(Patient("P1", None), list(findings), dates, AS_OF)
    return evaluate(criterion, timeline).status


def _gold_row(source: str, concept: str, effect: str) -> dict[str, Any]:
    return {
        "nct": "NCT00000000", "row": 1, "source": source, "category": "serology",
        "section": "inclusion", "computable": True, "meaning": "", "notes": "",
        "essentials": {
            "concept": concept, "effect": effect, "temporality": "current",
            "window_days": None, "anchor": None, "operator": None, "value": None,
            "value_high": None, "unit": None, "uln_multiple": None, "classes": None,
            "qualifiers": [], "alternatives": None, "cohort": None,
        },
    }  # fmt: skip


# ------------------------------------------------ an inclusion "negative for X" excludes X
@pytest.mark.parametrize(
    ("result", "gold_effect", "outcome"),
    [
        ("negative", "exclude", bench.CORRECT),
        ("positive", "exclude", bench.WRONG),
        ("positive", "require", bench.CORRECT),
    ],
)
def test_the_bench_judges_an_inclusion_of_a_negative_result_as_an_exclusion(
    result, gold_effect, outcome
):
    source = "Negative for hepatitis B and C virus."
    criterion = Criterion("inc-1", "hbv", "inclusion", source, "serology",
                          {"markers": [], "infections": ["dx.hbv"], "result": result,
                           "ever": False, "needs_result": False})  # fmt: skip
    row = _gold_row(source, "hepatitis B virus", gold_effect)
    scored = bench.score_trial("NCT00000000", TRIAL_TEXT, [row], [criterion]).rows[0]
    assert scored.outcome == outcome, scored.reason


# ------------------------------------ the HIV test is the HIV infection's only marker
HIV_TEST_WORDINGS = [
    ("Negative HIV test.", "inclusion"),
    ("Must have a negative HIV antibody test at screening", "inclusion"),
    ("HIV serology negative", "inclusion"),
    ("Positive HIV test", "exclusion"),
    ("Positive anti-HIV antibody", "exclusion"),
]


@pytest.mark.parametrize(("text", "ctype"), HIV_TEST_WORDINGS)
def test_an_hiv_test_reads_the_hiv_infection_too(text, ctype):
    criterion = parse_criterion(text, ctype)
    assert criterion.kind == "serology", criterion.manual_reason
    assert "lab.hiv" in criterion.params["markers"]
    assert criterion.params["infections"] == ["dx.hiv"]
    assert criterion.params["needs_result"] is True


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([_finding("dx.hiv")], Status.NOT_MET),  # "known HIV infection on ART", no test
        ([_finding("lab.hiv", category="lab", result="negative")], Status.MET),
        ([_finding("lab.hiv", category="lab", result="positive")], Status.NOT_MET),
        ([], Status.UNKNOWN),
        # "HIV negative" without a test result: a test is still asked for
        ([_finding("dx.hiv", assertion=Assertion.NEGATED)], Status.UNKNOWN),
    ],
)
def test_a_negative_hiv_test_inclusion_refuses_a_documented_hiv_infection(findings, expected):
    criterion = parse_criterion("Negative HIV test.", "inclusion")
    assert _status(criterion, *findings) is expected


# ------------------------- "infection" after a named infection is its head noun, not a second
@pytest.mark.parametrize(
    ("text", "infections"),
    [
        ("Human immunodeficiency virus (HIV) infection", ["dx.hiv"]),
        ("Hepatitis B virus (HBV) infection", ["dx.hbv"]),
        ("HIV (human immunodeficiency virus) infection or hepatitis C (HCV) infection",
         ["dx.hiv", "dx.hcv"]),
        ("Known human immunodeficiency virus infection", ["dx.hiv"]),
    ],
)
def test_infection_after_a_bracketed_abbreviation_is_the_head_noun(text, infections):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "serology", (criterion.kind, criterion.params)
    assert criterion.params["infections"] == infections


def test_a_vaccine_trial_title_does_not_make_the_infection_its_own_condition():
    """ "A zoster vaccine in SLE" is about SLE: zoster there is what the vaccine prevents,
    so an exclusion of HIV infection (or of zoster itself) is not of the trial's own
    condition."""
    about = ("Immunogenicity of a Zoster Vaccine in SLE", "Systemic Lupus Erythematosus")
    hiv = parse_criterion("Human immunodeficiency virus (HIV) infection", "exclusion",
                          about=about)  # fmt: skip
    assert hiv.kind == "serology", hiv.manual_reason
    zoster = parse_criterion("Active herpes zoster infection", "exclusion", about=about)
    assert not (zoster.manual_reason or "").startswith("guard:"), zoster.manual_reason
    # the guard still holds where zoster is the trial's condition
    own = parse_criterion("Active herpes zoster infection", "exclusion",
                          about=("Antiviral treatment of herpes zoster",))  # fmt: skip
    assert (own.manual_reason or "").startswith("guard:"), own


# ------------------------------------------------------- infection lists, more wordings
@pytest.mark.parametrize(
    ("text", "infections"),
    [
        # a bracket that lists the infections defines the group word before it
        ("Chronic viral infections (HCV, HBV, HIV).", {"dx.hcv", "dx.hbv", "dx.hiv"}),
        ("Chronic infection (HIV, hepatitis B or hepatitis C)", {"dx.hiv", "dx.hbv", "dx.hcv"}),
        # "infection with" before the list
        ("Has infection with hepatitis B, hepatitis C or human immunodeficiency virus (HIV)",
         {"dx.hbv", "dx.hcv", "dx.hiv"}),
        ("Known infection with HIV or hepatitis C", {"dx.hiv", "dx.hcv"}),
        ("Infection with hepatitis B or hepatitis C viruses", {"dx.hbv", "dx.hcv"}),
    ],
)
def test_a_group_word_defined_by_its_infection_list_reads_the_list(text, infections):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "serology", (criterion.kind, criterion.manual_reason)
    assert set(criterion.params["infections"]) == infections


@pytest.mark.parametrize(
    "text",
    [
        # examples of a wider group: the group is not narrowed to them
        "Chronic infections (e.g. HIV, hepatitis B or C)",
        "Chronic viral infection such as HIV or hepatitis B",
        "Chronic infection (including HIV) or recurrent bacterial infection",
    ],
)
def test_examples_of_an_infection_group_are_not_the_group(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind != "serology", criterion.params


def test_a_plural_virus_name_in_a_negative_list_is_read():
    criterion = parse_criterion(
        "Negative for hepatitis B, C and human immunodeficiency viruses (HIV).", "inclusion"
    )
    assert criterion.kind == "serology", criterion.manual_reason
    assert set(criterion.params["infections"]) == {"dx.hbv", "dx.hcv", "dx.hiv"}
    assert criterion.params["result"] == "negative"


@pytest.mark.parametrize(("ever", "outcome"), [(False, bench.CORRECT), (True, bench.WRONG)])
def test_the_bench_reads_a_chronic_infection_as_a_current_serology_reading(ever, outcome):
    source = "HIV infection"
    criterion = Criterion("exc-1", "hbv", "exclusion", source, "serology",
                          {"markers": [], "infections": ["dx.hbv"], "result": "positive",
                           "ever": ever, "needs_result": False})  # fmt: skip
    row = {**_gold_row(source, "chronic HBV infection", "exclude"), "section": "exclusion"}
    scored = bench.score_trial("NCT00000000", TRIAL_TEXT, [row], [criterion]).rows[0]
    assert scored.outcome == outcome, scored.reason


# ---------------------------------------------------------------- disease-activity scores
@pytest.mark.parametrize(
    ("text", "threshold"),
    [
        # the activity words restate the score's threshold
        ("Active disease defined as SLEDAI-2K ≥ 6", {"op": ">=", "value": 6.0}),
        ("Clinically inactive disease with SELENA-SLEDAI score <6", {"op": "<", "value": 6.0}),
        ("Moderately to severely active disease (SLEDAI-2K ≥ 6)", {"op": ">=", "value": 6.0}),
        ("Clinically active SLE with a SLEDAI-2K score ≥ 6", {"op": ">=", "value": 6.0}),
        ("Active disease at screening (SLEDAI-2K ≥ 6)", {"op": ">=", "value": 6.0}),
        ("Moderate or high disease activity, defined as ESSDAI ≥ 5", {"op": ">=", "value": 5.0}),
        # the threshold before the score's name
        ("score≤ 6 at screening on SELENA-SLEDAI", {"op": "<=", "value": 6.0}),
        ("A score of ≥ 6 on the SLEDAI-2K", {"op": ">=", "value": 6.0}),
        ("Total score of at least 5 on the ESSDAI", {"op": ">=", "value": 5.0}),
    ],
)
def test_a_disease_activity_score_in_other_word_orders(text, threshold):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "score", criterion.manual_reason
    assert {k: criterion.params.get(k) for k in threshold} == threshold


@pytest.mark.parametrize(
    "text",
    [
        # activity words that are not the score's own: left to a person
        "Active lupus nephritis with SLEDAI-2K ≥ 6",
        "Active disease in at least one organ and SLEDAI-2K ≥ 6",
        "Active CNS lupus or SLEDAI-2K ≥ 6",
    ],
)
def test_activity_words_that_say_more_than_the_score_stay_manual(text):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind != "score", criterion.params


# ------------------------------------------------------------------ NYHA functional class
@pytest.mark.parametrize(
    ("text", "threshold"),
    [
        ("Heart failure NYHA class III or IV", {"low": 3.0, "high": 4.0}),
        ("Congestive heart failure (NYHA III-IV)", {"low": 3.0, "high": 4.0}),
        ("heart failure (≥ grade III NYHA)", {"op": ">=", "value": 3.0}),
        ("Severe heart failure (NYHA ≥ IV)", {"op": ">=", "value": 4.0}),
        ("Chronic heart failure, New York Heart Association classes III, IV",
         {"low": 3.0, "high": 4.0}),
        ("Congestive heart failure (New York Heart Association (NYHA) class > 2)",
         {"op": ">", "value": 2.0}),
        ("Heart failure (NYHA class IV)", {"low": 4.0, "high": 4.0}),
        ("Heart failure NYHA (New York Heart Association) class IV", {"low": 4.0, "high": 4.0}),
        ("NYHA (New York Heart Association) functional class 3", {"low": 3.0, "high": 3.0}),
        ("NYHA functional class ≥ 3", {"op": ">=", "value": 3.0}),
        # the class before the condition it grades
        ("NYHA class III or IV heart failure", {"low": 3.0, "high": 4.0}),
        ("New York Heart Association class III and IV congestive heart failure",
         {"low": 3.0, "high": 4.0}),
    ],
)
def test_an_nyha_class_is_read_from_roman_or_arabic_numerals(text, threshold):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "score", criterion.manual_reason
    assert criterion.params["concept"] == "score.nyha"
    assert {k: criterion.params.get(k) for k in threshold} == threshold


# "Severe heart failure, defined as NYHA class IV": the class defines which heart failure
# excludes. Read as a bare heart failure (the words before the comma alone), the item would
# exclude every patient with NYHA class I or II heart failure.
@pytest.mark.parametrize(
    ("text", "threshold"),
    [
        ("Severe heart failure, defined as NYHA class IV", {"low": 4.0, "high": 4.0}),
        ("Subjects with severe heart failure, defined as NYHA (New York Heart Association) "
         "class IV", {"low": 4.0, "high": 4.0}),
        ("Congestive heart failure defined as NYHA class III or IV", {"low": 3.0, "high": 4.0}),
        ("Symptomatic heart failure, i.e. NYHA class III-IV", {"low": 3.0, "high": 4.0}),
        ("Heart failure as defined by NYHA functional class ≥ 3", {"op": ">=", "value": 3.0}),
    ],
)
def test_heart_failure_defined_by_its_nyha_class_is_the_class(text, threshold):
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n- {text}\n")
    assert [c.kind for c in criteria] == ["score"], [c.manual_reason for c in criteria]
    assert criteria[0].params["concept"] == "score.nyha"
    assert {k: criteria[0].params.get(k) for k in threshold} == threshold


@pytest.mark.parametrize(
    "text",
    [
        # a second condition joined to the class is not its subject
        "NYHA class I or decompensated heart failure",
        "Heart failure NYHA IIIb-IV",  # a sub-class
    ],
)
def test_an_nyha_item_that_says_more_stays_manual(text):
    assert parse_criterion(text, "exclusion").kind == "manual"


@pytest.mark.parametrize(
    ("note", "value"),
    [
        ("NYHA class III heart failure.", 3.0),
        ("Heart failure, NYHA functional class II, on furosemide.", 2.0),
        ("New York Heart Association class IV.", 4.0),
        ("NYHA II-III dyspnoea.", None),  # a range is not one grade
        ("NYHA class IIIb.", None),
    ],
)
def test_the_notes_give_the_nyha_class(note, value):
    from matcher.api import parse_text

    found = [f.value for f in parse_text(note, RECENT) if f.concept == "score.nyha"]
    assert found == ([] if value is None else [value])


def test_an_nyha_exclusion_decides_from_a_note():
    from matcher.api import parse_text

    criterion = parse_criterion("Heart failure NYHA class III or IV", "exclusion")
    assert _status(criterion, *parse_text("Chronic heart failure, NYHA class III.", RECENT)) \
        is Status.MET
    assert _status(criterion, *parse_text("Heart failure NYHA class I, stable.", RECENT)) \
        is Status.NOT_MET
    # heart failure without a class: a person decides
    assert _status(criterion, *parse_text("Known heart failure.", RECENT)) is Status.UNKNOWN


# ------------------------------------------------------------------------ viral hepatitis
@pytest.mark.parametrize(
    ("text", "infections"),
    [
        ("Viral hepatitis.", {"dx.hbv", "dx.hcv"}),
        ("Chronic viral hepatitis", {"dx.hbv", "dx.hcv"}),
        ("Patient is HIV-positive or suffering from chronic viral hepatitis.",
         {"dx.hiv", "dx.hbv", "dx.hcv"}),
        # a bare "hepatitis" listed among infections is the viral one
        ("Hepatitis, syphilis, human immunodeficiency virus (HIV) infection",
         {"dx.hbv", "dx.hcv", "dx.syphilis", "dx.hiv"}),
        ("HIV, hepatitis or syphilis", {"dx.hiv", "dx.hbv", "dx.hcv", "dx.syphilis"}),
    ],
)
def test_viral_hepatitis_reads_hepatitis_b_and_c(text, infections):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "serology", criterion.manual_reason
    assert set(criterion.params["infections"]) == infections


@pytest.mark.parametrize(
    "text",
    [
        "Autoimmune hepatitis",
        "Hepatitis",  # alone: any hepatitis, not only the viral ones
        "Drug-induced hepatitis or HIV",
        "Alcoholic hepatitis, HIV",
    ],
)
def test_a_hepatitis_that_is_not_the_viral_one_is_not_read_as_b_or_c(text):
    criterion = parse_criterion(text, "exclusion")
    assert not (criterion.kind == "serology"
                and {"dx.hbv", "dx.hcv"} <= set(criterion.params["infections"])), criterion


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Chronic viral hepatitis, followed by hepatology.", Status.MET),
        ("HBsAg negative, anti-HCV negative.", Status.NOT_MET),
    ],
)
def test_a_note_naming_viral_hepatitis_decides_a_viral_hepatitis_exclusion(note, expected):
    from matcher.api import parse_text

    criterion = parse_criterion("Viral hepatitis.", "exclusion")
    assert _status(criterion, *parse_text(note, RECENT)) is expected


# ------------------------------------------------ autoantibodies "positive or equivocal"
@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("Elevated anti-dsDNA antibodies at screening (reported as equivocal or positive "
         "results), as per the central laboratory", ["lab.anti_dsdna"]),
        ("Anti-Smith antibody at screening elevated to above normal (ie, positive or "
         "equivocal results) as per the central laboratory", ["lab.anti_sm"]),
        ("Anti-dsDNA positive or equivocal at screening", ["lab.anti_dsdna"]),
    ],
)
def test_a_positive_or_equivocal_autoantibody_accepts_both(text, markers):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "serology", criterion.manual_reason
    assert criterion.params["markers"] == markers
    assert criterion.params["result"] == "positive"
    assert criterion.params["equivocal"] is True


def test_an_equivocal_result_alone_stays_manual():
    assert parse_criterion("Anti-dsDNA equivocal", "inclusion").kind == "manual"


@pytest.mark.parametrize(
    ("notes", "expected_either", "expected_positive"),
    [
        (["Anti-dsDNA equivocal."], Status.MET, Status.UNKNOWN),
        (["Anti-dsDNA positive."], Status.MET, Status.MET),
        (["Anti-dsDNA negative."], Status.NOT_MET, Status.NOT_MET),
        # the latest result decides: an equivocal one after a negative is not "negative"
        (["Anti-dsDNA negative.", "Anti-dsDNA equivocal."], Status.MET, Status.UNKNOWN),
    ],
)
def test_an_equivocal_note_result_counts_only_where_the_item_accepts_it(
    notes, expected_either, expected_positive
):
    from matcher.api import parse_text

    findings = [f for i, note in enumerate(notes)
                for f in parse_text(note, RECENT + dt.timedelta(days=i), f"n{i}")]
    either = parse_criterion("Anti-dsDNA positive or equivocal at screening", "inclusion")
    positive = parse_criterion("Anti-dsDNA positive at screening", "inclusion")
    assert _status(either, *findings) is expected_either
    assert _status(positive, *findings) is expected_positive


def test_the_reading_says_an_equivocal_result_counts():
    from matcher.criteria.render import reading

    criterion = parse_criterion("Anti-dsDNA positive or equivocal at screening", "inclusion")
    assert "positive or equivocal" in reading(criterion)
