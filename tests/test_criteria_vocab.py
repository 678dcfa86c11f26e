"""The diagnosis vocabulary and the generic qualifier words ("chronic", "acute", "primary",
"secondary", "other than", "concomitant") across disease areas, and the breadth count of the
words the reader still leaves "not understood".

Sentences are invented, in the shapes other sponsors use.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_breadth import unread_words
from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import LOOKBACK_DAYS, Assertion, Criterion, Finding, Patient, Status
from tests.conftest import REPO

AS_OF = dt.date(2025, 6, 1)

# ------------------------------------------------------------------ the breadth word count


def _manual(reason: str | None) -> Criterion:
    return Criterion("exc-1", "manual", "exclusion", "text", "manual", {}, reason)


def test_the_unread_word_count_counts_each_word_once_per_item_case_folded() -> None:
    criteria = [
        _manual('not understood: "Severe", "chronic", "severe"'),
        _manual('not understood: "severe" (+4 more)'),
        _manual('newly diagnosed: how recently; not understood: "newly"'),
        _manual("informed consent is confirmed at screening"),
        _manual(None),
    ]
    counts, items, hidden = unread_words(criteria)
    assert counts == {"severe": 2, "chronic": 1, "newly": 1}
    assert (items, hidden) == (3, 4)


def test_bench_breadth_words_prints_the_most_frequent_unread_words(tmp_path: Path) -> None:
    (tmp_path / "NCT00000001.txt").write_text(
        "Exclusion Criteria:\n  -  Frobnicated diabetes\n  -  Hepatitis B frobnicated\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "benchmarks/bench_breadth.py", str(tmp_path), "--words", "5"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'items left manual for words "not understood": 2' in done.stdout
    assert any(line.split() == ["2", "frobnicated"] for line in done.stdout.splitlines())


# ------------------------------------------------------------------ subtype qualifiers
#
# "Chronic", "acute", "primary" and "secondary" before a condition name a subtype or a
# course the notes do not tell apart (a note's "hepatitis" is read as the same finding
# whether it was acute or chronic). Read as judged qualifiers, the criterion decides only
# the absence: no such condition at all → not met; the condition documented → a person.
# "Concomitant", "concurrent", "coexisting" name a condition the patient has now.

SUBTYPE = [
    ("exclusion", "Chronic psychiatric illness", "dx.psychiatric", ["chronic"]),
    ("exclusion", "Acute psychosis", "dx.psychosis", ["acute"]),
    ("exclusion", "Acute herpes zoster", "dx.herpes_zoster", ["acute"]),
    ("exclusion", "History of chronic heart failure or acute psychosis", None, None),
    ("exclusion", "Secondary malignancy", "dx.malignancy", ["secondary"]),
    ("exclusion", "Known primary immunodeficiency or secondary immunodeficiency",
     "dx.immunodeficiency", None),
    ("inclusion", "Diagnosis of chronic psychiatric illness", "dx.psychiatric", ["chronic"]),
    # both courses named: neither narrows, nothing to judge (test_criteria_qualifiers)
    ("exclusion", "Acute or chronic tuberculosis", "dx.tuberculosis", []),
]


@pytest.mark.parametrize(("section", "text", "concept", "judged"), SUBTYPE)
def test_a_subtype_qualifier_before_a_condition_is_judged(section, text, concept, judged):
    # In a trial about another disease: with the trial's own condition unknown, an
    # excluded subtype ("secondary malignancy") is manual (tests/test_criteria_subtypes.py).
    criterion = parse_criterion(text, section, about=["systemic lupus erythematosus"])
    if concept is None:
        return  # only that it reads without an error (which time goes where is mixed)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert concept in criterion.params["concepts"]
    if judged is not None:
        assert criterion.params.get("judged", []) == judged


CONCURRENT = [
    "Concomitant diabetes mellitus",
    "Concurrent diabetes",
    "Coexisting diabetes mellitus",
    "Patients with co-existing diabetes",
]


@pytest.mark.parametrize("text", CONCURRENT)
def test_a_concomitant_condition_is_the_condition_now(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["temporality"] == "current"
    assert criterion.params["window_days"] == LOOKBACK_DAYS


@pytest.mark.parametrize("text", ["Chronic haemodialysis", "On chronic dialysis"])
def test_chronic_dialysis_is_still_the_current_state_not_a_judgement(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["temporality"] == "current"
    assert not criterion.params.get("judged")


def _finding(concept: str, days_ago: int) -> Finding:
    return Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                   text="text", assertion=Assertion.AFFIRMED,
                   date=AS_OF - dt.timedelta(days=days_ago), date_source="text")


def _evaluated(criterion: Criterion, *findings: Finding):
    dates = {f.note_id: f.date or AS_OF for f in findings}
    return evaluate(criterion, build_timeline(Patient("P1", None), findings, dates, AS_OF))


@pytest.mark.parametrize("section", ["exclusion", "inclusion"])
def test_a_subtype_qualified_condition_decides_only_its_absence(section):
    criterion = parse_criterion("Acute herpes zoster infection", section)
    # nothing documented: an exclusion is not met; an inclusion is not met either, but
    # an inclusion's absence is unknown unless the notes rule the condition out
    absent = _evaluated(criterion).status
    assert absent is (Status.NOT_MET if section == "exclusion" else Status.UNKNOWN)
    present = _evaluated(criterion, _finding("dx.herpes_zoster", 20))
    assert present.status is Status.MANUAL
    assert "acute" in present.reason
    # "acute" is the state now (test_criteria_qualifiers): a zoster over a year ago may or
    # may not be one; a person checks, never a verdict
    assert _evaluated(criterion, _finding("dx.herpes_zoster", 400)).status is Status.UNKNOWN


# ------------------------------------------------------------------ a plan is not the procedure
#
# "Expected to require dialysis during the study", "a transplant planned within the trial":
# the notes record what was done, not what is planned or expected, so such a requirement is
# for a person. Beside a finding the notes can decide ("currently on dialysis, or expected
# to need it"), the exclusion is two: the finding, computed, and the plan, manual.

PLAN_REASON = "a plan or an expectation"


@pytest.mark.parametrize(
    "text",
    [
        "Expected to require dialysis during the study period",
        "Anticipated to need renal replacement therapy within the trial",
        "Kidney transplant planned during the study",
        "Likely to undergo splenectomy during the study",
    ],
)
def test_a_planned_or_expected_procedure_is_manual_and_says_why(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert PLAN_REASON in criterion.manual_reason


@pytest.mark.parametrize(
    ("text", "concept", "temporality"),
    [
        ("Currently on dialysis (haemodialysis or peritoneal dialysis), or expected to need "
         "dialysis during the trial", "proc.dialysis", "current"),
        ("Currently requiring dialysis or anticipated to require dialysis within the study "
         "period", "proc.dialysis", "current"),
        ("A prior kidney transplant or a transplant planned during the study",
         "dx.transplant", "ever"),
    ],
)
def test_a_finding_or_a_plan_is_two_exclusions(text, concept, temporality):
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n- {text}\n")
    computed = [c for c in criteria if c.kind != "manual"]
    planned = [c for c in criteria if c.kind == "manual"]
    assert [(c.type, c.params["concepts"], c.params["temporality"]) for c in computed] == [
        ("exclusion", [concept], temporality)]
    assert len(planned) == 1 and PLAN_REASON in planned[0].manual_reason


def test_a_lead_that_reaches_a_computed_piece_is_cut_only_when_it_reads_the_same():
    # "Currently" reaches "peritoneal dialysis" too: cut, that piece must read as
    # "currently peritoneal dialysis" does (a current dialysis), else the item stays whole.
    criteria = parse_eligibility_text(
        "Exclusion Criteria:\n- Currently on haemodialysis or peritoneal dialysis, or expected "
        "to need dialysis during the trial\n")
    computed = [c for c in criteria if c.kind != "manual"]
    assert [(c.params["concepts"], c.params["temporality"]) for c in computed] == [
        (["proc.dialysis"], "current")] * 2
    assert [c.kind for c in criteria] == ["diagnosis", "diagnosis", "manual"]


def test_an_inclusion_of_a_finding_or_a_plan_is_not_cut():
    # "On dialysis or expected to need it" as an inclusion admits either: computing the
    # dialysis alone would refuse the patient who is expected to need it.
    criteria = parse_eligibility_text(
        "Inclusion Criteria:\n- Currently on dialysis or expected to need dialysis during "
        "the study\n")
    assert [c.kind for c in criteria] == ["manual"]
