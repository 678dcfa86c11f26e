"""Groups of criteria: either/or branches and cohort blocks (matcher.criteria.groups).

The reader records the group on each member; each criterion is still evaluated alone;
the verdict (matcher.judge.ranking.verdict) combines them. Sentences are invented, in the ways
sponsors write these lists.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from matcher import api
from matcher.criteria import parse_criterion, parse_eligibility_text, trial_to_json
from matcher.criteria.render import reading
from matcher.model import AnyOf, CohortScope, Criterion, PatientStatus
from matcher.store import Store
from matcher.web.service import trial_from_row

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)
BRANCH = "guard: one branch of"
COHORT_ONLY = "guard: applies to one cohort only"


def _groups(text: str) -> list[tuple[str, int | None, int | None, tuple[str, ...] | None]]:
    """(kind, any-of group, at least, cohorts) of each criterion of an eligibility text."""
    return [
        (c.kind, c.any_of and c.any_of.group, c.any_of and c.any_of.at_least,
         c.cohort and c.cohort.cohorts)
        for c in parse_eligibility_text(text)
    ]  # fmt: skip


# ============================================================================ the reader

ANY_OF_TEXTS = [
    pytest.param(
        "Inclusion Criteria:\n* Diagnosis of systemic lupus erythematosus\n"
        "* At least one of the following:\n  - Platelet count ≥ 100 x10^9/L\n"
        "  - Hemoglobin ≥ 10 g/dL\n",
        [("diagnosis", None, None, None), ("lab", 1, 1, None), ("lab", 1, 1, None)],
        id="at-least-one-of-the-following heading",
    ),
    pytest.param(
        "Inclusion Criteria:\n1. Patients must meet either of the following criteria:\n"
        "   a. SLEDAI-2K ≥ 6\n   b. UPCR ≥ 1 g/g\n2. Platelets ≥ 75 x10^9/L\n",
        [("score", 1, 1, None), ("lab", 1, 1, None), ("lab", None, None, None)],
        id="either-of-the-following heading, then a sibling that is required",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Any 2 of the following:\n  * ANA titre ≥ 1:80\n"
        "  * Anti-dsDNA ≥ 30 IU/mL\n  * Platelets ≥ 150 x10^9/L\n",
        [("ana", 1, 2, None), ("lab", 1, 2, None), ("lab", 1, 2, None)],
        id="any-2-of heading",
    ),
    pytest.param(
        "Inclusion Criteria:\n* ANA titre ≥ 1:160; or\n* Anti-dsDNA ≥ 30 IU/mL; or\n"
        "* Hemoglobin ≥ 11 g/dL\n* Platelets ≥ 50 x10^9/L\n",
        [("ana", 1, 1, None), ("lab", 1, 1, None), ("lab", 1, 1, None),
         ("lab", None, None, None)],
        id="items joined by a trailing or",
    ),
    pytest.param(
        "Inclusion Criteria:\n- UPCR ≥ 0.5 g/g.\n- Or 24-hour urine protein ≥ 0.5 g/day.\n"
        "Exclusion Criteria:\n- Hemoglobin < 8 g/dL\n",
        [("lab", 1, 1, None), ("lab", 1, 1, None), ("lab", None, None, None)],
        id="an item starting with or",
    ),
    pytest.param(
        "Inclusion Criteria:\n* SLE diagnosis\n* One of the following:\n  - ANA ≥ 1:80\n"
        "  - Anti-dsDNA positive\n* Age ≥ 18 years\n"
        "* At least one of the following:\n  - Platelets ≥ 100 x10^9/L\n"
        "  - Hemoglobin ≥ 9 g/dL\n",
        [("diagnosis", None, None, None), ("ana", 1, 1, None), ("serology", 1, 1, None),
         ("age", None, None, None), ("lab", 2, 1, None), ("lab", 2, 1, None)],
        id="two groups numbered in list order",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ANY_OF_TEXTS)
def test_either_or_branches_are_read_into_an_any_of_group(text, expected) -> None:
    assert _groups(text) == expected


COHORT_TEXTS = [
    pytest.param(
        "Inclusion Criteria:\n* Platelets ≥ 75 x10^9/L\nPart A:\n"
        "* Diagnosis of systemic lupus erythematosus\nPart B:\n* Rheumatoid arthritis\n",
        [("lab", None, None, None), ("diagnosis", None, None, ("Part A",)),
         ("diagnosis", None, None, ("Part B",))],
        id="Part A / Part B headings",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Group 1: diagnosis of systemic sclerosis\n"
        "* Group 2: diagnosis of Sjogren's syndrome\n* Group 3: diagnosis of lupus nephritis\n"
        "Exclusion Criteria:\n* All groups: hemoglobin < 8 g/dL\n",
        [("diagnosis", None, None, ("Group 1",)), ("diagnosis", None, None, ("Group 2",)),
         ("diagnosis", None, None, ("Group 3",)), ("lab", None, None, None)],
        id="a cohort named at the start of each item",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Systemic sclerosis (cohort 1)\n"
        "* Rheumatoid arthritis (cohort 2)\n"
        "Exclusion Criteria:\nCohorts 1 and 2\n* History of malignancy\nFor all\n"
        "* Platelets < 50 x10^9/L\n",
        [("diagnosis", None, None, ("Cohort 1",)), ("diagnosis", None, None, ("Cohort 2",)),
         ("diagnosis", None, None, ("Cohort 1", "Cohort 2")), ("lab", None, None, None)],
        id="a cohort in brackets, a heading naming two, then everyone again",
    ),
]


@pytest.mark.parametrize(("text", "expected"), COHORT_TEXTS)
def test_numbered_cohort_blocks_are_read_into_cohort_scopes(text, expected) -> None:
    assert _groups(text) == expected


# Structures whose reach the words do not settle keep every member manual, with the
# guard's reason naming why, as before.
KEPT_MANUAL = [
    pytest.param(
        "Inclusion Criteria:\n* Age 18 to 65 years\nInclusion criteria for the LN cohort:\n"
        "* UPCR ≥ 1 g/g\nInclusion criteria for the SLE cohort:\n* SLEDAI-2K ≥ 6\n",
        [None, COHORT_ONLY, COHORT_ONLY],
        id="cohorts named by words beside shared items: no gap can be seen",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Platelets ≥ 75 x10^9/L\nExclusion Criteria:\nPopulations 1 & 2\n"
        "* History of malignancy\nPopulation 3 & 4\n* Rheumatoid arthritis\n",
        [None, COHORT_ONLY, COHORT_ONLY],
        id="cohorts with no inclusion item of their own: who belongs is said elsewhere",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Platelets ≥ 75 x10^9/L\nPart B:\n* Hemoglobin ≥ 9 g/dL\n",
        [None, COHORT_ONLY], id="one cohort: the others are not in the text",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Group 1: diagnosis of systemic sclerosis\n"
        "* Group 3: diagnosis of lupus nephritis\n",
        [COHORT_ONLY] * 2, id="a gap in the numbering",
    ),
    pytest.param(
        "Exclusion Criteria:\nGroup A\n* History of malignancy II. Controls (Group B)\n"
        "* Platelets < 50 x10^9/L\nGroup B\n* Rheumatoid arthritis\n",
        [COHORT_ONLY] * 3, id="a heading glued to the item before it",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Rheumatoid arthritis (groups 1 and 2)\n"
        "* Systemic sclerosis (groups 3 and 4)\n* Platelets ≥ 100 x10^9/L (healthy volunteer "
        "group)\n",
        [COHORT_ONLY, COHORT_ONLY, "not understood"],
        id="a cohort named by words beside numbered ones",
    ),
    pytest.param(
        "Inclusion Criteria:\nGroup A:\n* Rheumatoid arthritis\nGroup B:\n"
        "* Does not meet the criteria for Group A\n* Platelets ≥ 100 x10^9/L\n",
        [COHORT_ONLY] * 3, id="a cohort that refers to another",
    ),
    pytest.param(
        "Inclusion Criteria:\nPart A:\n* Group S1: Hemoglobin ≥ 12 g/dL\n"
        "* Group S2: Hemoglobin < 12 g/dL\nPart B:\n* Platelets ≥ 75 x10^9/L\n",
        [COHORT_ONLY] * 3, id="sub-cohorts inside a cohort",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Fulfils at least 4 of the 11 ACR criteria, at least one of "
        "which must be:\n  - ANA ≥ 1:80\n  - Anti-dsDNA positive\n",
        [BRANCH] * 2, id="a heading asking for two counts",
    ),
    pytest.param(
        "Inclusion Criteria:\n* At least one of the following:\n"
        "  - SLEDAI-2K ≥ 6 and UPCR ≥ 1 g/g\n  - Hemoglobin ≥ 10 g/dL\n",
        [BRANCH, BRANCH, BRANCH], id="a branch read into two criteria",
    ),
    pytest.param(
        "Inclusion Criteria:\n* At least one of the following:\n  - Renal:\n"
        "    - UPCR ≥ 1 g/g\n    - eGFR ≥ 30 mL/min/1.73m2\n  - Hemoglobin ≥ 10 g/dL\n",
        [BRANCH] * 3, id="a heading inside the choice",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Platelets ≥ 75 x10^9/L\n* Hemoglobin ≥ 9 g/dL or\n",
        [None, BRANCH], id="an or with nothing after it",
    ),
]


@pytest.mark.parametrize(("text", "reasons"), KEPT_MANUAL)
def test_a_group_whose_reach_is_unsure_stays_manual(text, reasons) -> None:
    criteria = parse_eligibility_text(text)
    assert len(criteria) == len(reasons)
    for criterion, reason in zip(criteria, reasons, strict=True):
        if reason is None:
            assert criterion.manual_reason is None
        else:
            assert (criterion.manual_reason or "").startswith(reason)
    assert all(c.any_of is None and c.cohort is None for c in criteria)


def test_the_cohort_words_of_an_item_are_read_by_its_scope() -> None:
    """ "Rheumatoid arthritis (cohort 2)": the bracket is the scope, not a word left
    over that would make the item manual."""
    text = ("Inclusion Criteria:\n* Systemic sclerosis (cohort 1)\n"
            "* Rheumatoid arthritis (cohort 2)\n")
    second = parse_eligibility_text(text)[1]
    assert (second.kind, second.params["concepts"]) == ("diagnosis", ["dx.rheumatoid_arthritis"])
    assert second.text == "Rheumatoid arthritis (cohort 2)"


# ========================================================================= the rendering


def _criterion(kind: str = "lab", **groups) -> Criterion:
    read = parse_criterion("Platelets ≥ 100 x10^9/L")
    if kind == "lab":
        return replace(read, **groups)
    return replace(read, kind="manual", params={}, manual_reason='not understood: "x"', **groups)


@pytest.mark.parametrize(("groups", "start"), [
    ({"any_of": AnyOf(2)}, "ANY OF (group 2): INCLUDE if: "),
    ({"any_of": AnyOf(1, 2)}, "AT LEAST 2 OF (group 1): INCLUDE if: "),
    ({"cohort": CohortScope("Population 3", ("Population 3",))},
     "COHORT Population 3: INCLUDE if: "),
    ({"cohort": CohortScope("Parts A & B", ("Part A", "Part B")), "any_of": AnyOf(1)},
     "COHORT Parts A & B: ANY OF (group 1): INCLUDE if: "),
    ({}, "INCLUDE if: "),
])  # fmt: skip
def test_the_reading_names_the_groups_first(groups, start) -> None:
    text = reading(_criterion(**groups))
    assert text.startswith(start) and "platelet" in text


def test_a_manual_member_reads_its_group_and_its_reason() -> None:
    text = reading(_criterion("manual", cohort=CohortScope("Part B", ("Part B",))))
    assert text == 'COHORT Part B: MANUAL: not understood: "x"'


def test_trial_show_json_carries_the_groups_and_meets_its_schema(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Title: t\n\nInclusion Criteria:\n* One of the following:\n"
                    "  - Platelets ≥ 100 x10^9/L\n  - Hemoglobin ≥ 10 g/dL\n"
                    "Part 1:\n* History of malignancy\nPart 2:\n"
                    "* Rheumatoid arthritis\n", encoding="utf-8")
    payload = trial_to_json(api.load_trial(path))
    schema = json.loads((REPO / "matcher/schema/trial_show.schema.json").read_text())
    jsonschema.validate(payload, schema)
    got = [(c["any_of"], c["cohort"], c["reading"].split(":")[0]) for c in payload["criteria"]]
    assert got == [
        ({"group": 1, "at_least": 1}, None, "ANY OF (group 1)"),
        ({"group": 1, "at_least": 1}, None, "ANY OF (group 1)"),
        (None, {"label": "Part 1", "cohorts": ["Part 1"]}, "COHORT Part 1"),
        (None, {"label": "Part 2", "cohorts": ["Part 2"]}, "COHORT Part 2"),
    ]


# =========================================================================== the verdict

GROUPED_TRIAL = """Title: grouped

Inclusion Criteria:
* Diagnosis of systemic lupus erythematosus
* At least one of the following:
  - Platelet count ≥ 150 x10^9/L
  - Hemoglobin ≥ 12 g/dL
  - Transfusion-independent for 8 weeks
Part A:
* Platelet count ≥ 50 x10^9/L
Part B:
* Platelet count ≥ 80 x10^9/L

Exclusion Criteria:
Part A:
* Rheumatoid arthritis
Part B:
* History of malignancy
"""


def _match(tmp_path: Path, trial_text: str, notes: dict[str, str]):
    trial_path = tmp_path / "trial.txt"
    trial_path.write_text(trial_text, encoding="utf-8")
    rows = [{"patient_id": pid, "note_id": f"n-{pid}", "note_date": "2026-11-01", "text": text}
            for pid, text in notes.items()]  # fmt: skip
    source = tmp_path / "notes.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    trial = api.load_trial(trial_path)
    with Store(tmp_path / "m.db") as store:
        api.ingest([source], store)
        results = api.match(trial, store, AS_OF)
        payload = api.match_to_json(trial, results, AS_OF)
    return {r.patient_id: r for r in results}, payload


@pytest.mark.parametrize(("note", "status", "cohorts"), [
    # one branch read and met: the group holds, the unread branch does not matter
    ("Known SLE. Platelets 210 x10^9/L. Hb 10.1 g/dL.", "eligible", ("Part A", "Part B")),
    # every read branch fails, the unread one may hold: never ineligible on it
    ("Known SLE. Platelets 90 x10^9/L. Hb 9.8 g/dL.", "possible", ("Part A", "Part B")),
    # a branch unknown: possible
    ("Known SLE. Platelets 90 x10^9/L.", "possible", ("Part A", "Part B")),
    # excluded from Part B only: eligible through Part A, and named so
    ("Known SLE. History of breast cancer 2015. Platelets 210 x10^9/L.", "eligible",
     ("Part A",)),
    # excluded from both cohorts
    ("Known SLE with rheumatoid arthritis. History of breast cancer 2015. "
     "Platelets 210 x10^9/L.", "ineligible", ()),
    # a shared criterion fails: no cohort helps
    ("No lupus. Platelets 210 x10^9/L.", "ineligible", ()),
])  # fmt: skip
def test_the_verdict_combines_groups_and_cohorts(tmp_path, note, status, cohorts) -> None:
    by_patient, payload = _match(tmp_path, GROUPED_TRIAL, {"P1": note})
    result = by_patient["P1"]
    assert (str(result.status), result.cohorts) == (status, cohorts)
    (patient,) = payload["patients"]
    assert patient.get("cohorts", []) == list(cohorts)
    schema = json.loads((REPO / "matcher/schema/match_output.schema.json").read_text())
    jsonschema.validate(payload, schema)


def test_all_branches_failing_makes_the_patient_ineligible(tmp_path) -> None:
    trial = GROUPED_TRIAL.replace("  - Transfusion-independent for 8 weeks\n", "")
    by_patient, _ = _match(tmp_path, trial, {"P1": "Known SLE. Platelets 90 x10^9/L. "
                                                   "Hb 9.8 g/dL."})  # fmt: skip
    assert by_patient["P1"].status is PatientStatus.INELIGIBLE


def test_a_cohort_left_manual_keeps_its_patients_possible(tmp_path) -> None:
    """Part A's own inclusion is not read: a patient who fails Part B may still fit
    Part A, so the verdict is possible (never ineligible on an unread cohort)."""
    trial = ("Title: t\n\nInclusion Criteria:\nPart A:\n* Transfusion-independent anaemia\n"
             "Part B:\n* Platelets ≥ 150 x10^9/L\n")
    by_patient, _ = _match(tmp_path, trial, {"P1": "Known SLE. Platelets 90 x10^9/L."})
    assert (by_patient["P1"].status, by_patient["P1"].cohorts) == (
        PatientStatus.POSSIBLE, ("Part A",))


def test_the_web_app_reads_the_groups_back_from_the_database(tmp_path) -> None:
    """The web app evaluates the trial saved in SQLite: a group lost on the way would
    make a branch mandatory and a cohort's criterion everyone's."""
    path = tmp_path / "trial.txt"
    path.write_text(GROUPED_TRIAL, encoding="utf-8")
    trial = api.load_trial(path)
    with Store(tmp_path / "m.db") as store:
        store.save_trial(trial)
        (row,) = store.trials()
    again = trial_from_row(row)
    assert [(c.any_of, c.cohort) for c in again.criteria] == [
        (c.any_of, c.cohort) for c in trial.criteria]
    assert any(c.any_of for c in again.criteria) and any(c.cohort for c in again.criteria)


# ============================================================================= the bench


def _row(**essentials) -> dict:
    base = {"alternatives": None, "cohort": None}
    return {"category": "lab", "computable": True, "essentials": {**base, **essentials}}


@pytest.mark.parametrize(("row", "groups", "expected"), [
    # a cohort-only row read with its cohort: nothing lost
    (_row(cohort="populations 1 & 2 only"),
     {"cohort": CohortScope("Populations 1 & 2", ("Population 1", "Population 2"))}, []),
    # ... read for everyone, or for another cohort: wrong
    (_row(cohort="populations 1 & 2 only"), {}, ["cohort"]),
    (_row(cohort="population 3"),
     {"cohort": CohortScope("Population 3 & 4", ("Population 3", "Population 4"))}, ["cohort"]),
    # a branch the gold calls a cohort ("refractory LN branch") read as one branch
    (_row(cohort="refractory lupus nephritis branch", alternatives="one of the following"),
     {"any_of": AnyOf(1)}, []),
    # a row for everyone read as one cohort's, or as an optional branch: wrong
    (_row(), {"cohort": CohortScope("Part B", ("Part B",))}, ["cohort"]),
    (_row(), {"any_of": AnyOf(3)}, ["alternative"]),
    # an either/or the gold describes, read as one
    (_row(alternatives="at least 1 of: ANA; anti-dsDNA"), {"any_of": AnyOf(1)}, []),
    (_row(), {}, []),
])  # fmt: skip
def test_the_bench_judges_the_groups_of_a_criterion(row, groups, expected) -> None:
    from benchmarks import bench_criteria as bench

    criterion = replace(parse_criterion("Platelets ≥ 100 x10^9/L"), **groups)
    assert [kind for kind, _ in bench.group_differences(row, criterion)] == expected
    assert [k for k, _ in bench.qualifier_differences(row, criterion)] == expected


def test_explain_names_the_cohort_the_patient_fits(tmp_path) -> None:
    from click.testing import CliRunner

    from matcher.cli import cli

    _match(tmp_path, GROUPED_TRIAL, {"P1": "Known SLE. History of breast cancer 2015. "
                                           "Platelets 210 x10^9/L."})  # fmt: skip
    out = CliRunner().invoke(cli, ["explain", str(tmp_path / "trial.txt"), "P1", "--db",
                                   str(tmp_path / "m.db"), "--as-of", AS_OF.isoformat()])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[0].endswith(": eligible (cohort: Part A)")
