"""benchmarks/bench_criteria.py: the criteria reader scored against the registry corpus gold.

The judging is tested on hand-made gold rows and hand-made criteria, one outcome each, so
that a scorer which stops telling a wrong value, strictness, effect or window from a correct
one fails here. The corpus run uses dev trials only: the held-out third is measured once,
later, by someone else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_criteria as bench
from matcher.model import Criterion
from tests.conftest import REPO

SCRIPT = REPO / "benchmarks" / "bench_criteria.py"

TEXT = """Synthetic trial of a new drug in lupus nephritis

Conditions: Lupus Nephritis
Sex: Female
Minimum Age: 18 Years

Inclusion Criteria:

* Platelets ≥ 100 x10^9/L
* Neutrophils ≥ 1,500 cells/mm3
* Biopsy-proven lupus nephritis class III or IV, with or without class V
* Signed informed consent
* Negative for HIV or hepatitis B
* SpO2 ≥ 92% on room air

Exclusion Criteria:

* Rituximab within 6 months before screening
* Participation in another clinical trial within 30 days
* Active neuropsychiatric lupus
* eGFR < 30 mL/min/1.73 m2
* ALT > 3 x ULN
* Lupus nephritis requiring dialysis
* Prednisone > 20 mg/day
* Cytomegalovirus infection within 90 days
* Malignancy within 5 years, except treated basal cell carcinoma of the skin
"""


def gold(source: str, category: str, concept: str | None = None, *, section: str = "",
         computable: bool = True, **essentials: Any) -> dict[str, Any]:
    """One gold row in the corpus format; essentials default to "nothing stated"."""
    row = {
        "nct": "NCT00000000", "row": 1, "source": source, "category": category,
        "section": section or ("exclusion" if essentials.get("effect") == "exclude"
                               else "inclusion"),
        "computable": computable, "meaning": "", "notes": "", "essentials": None,
    }  # fmt: skip
    if computable:
        row["essentials"] = {
            "concept": concept, "effect": "require", "temporality": None, "window_days": None,
            "anchor": None, "operator": None, "value": None, "value_high": None, "unit": None,
            "uln_multiple": None, "classes": None, "qualifiers": [], "alternatives": None,
            "cohort": None, **essentials,
        }  # fmt: skip
    return row


def crit(cid: str, text: str, kind: str, params: dict[str, Any] | None = None,
         manual_reason: str | None = None) -> Criterion:
    ctype = "exclusion" if cid.startswith("exc") else "inclusion"
    return Criterion(cid, kind, ctype, text, kind, params or {}, manual_reason)


def judge(row: dict[str, Any], *criteria: Criterion) -> bench.RowScore:
    return bench.score_trial("NCT00000000", TEXT, [row], criteria).rows[0]


PLATELETS = gold("Platelets ≥ 100 x10^9/L", "lab", "platelets", operator=">=", value=100,
                 unit="x10^9/L", temporality="current")  # fmt: skip
RITUXIMAB = gold("Rituximab within 6 months before screening", "drug", "rituximab",
                 effect="exclude", temporality="within", window_days=183)  # fmt: skip
NPSLE = gold("Active neuropsychiatric lupus", "diagnosis", "neuropsychiatric lupus",
             effect="exclude", temporality="current")  # fmt: skip
EGFR = gold("eGFR < 30 mL/min/1.73 m2", "lab", "eGFR", effect="exclude", operator="<",
            value=30, unit="mL/min/1.73m2")  # fmt: skip
BIOPSY = gold("Biopsy-proven lupus nephritis class III or IV, with or without class V",
              "biopsy", "lupus nephritis biopsy class", temporality="ever",
              classes=["III", "IV", "III+V", "IV+V"])  # fmt: skip
TRIAL = gold("Participation in another clinical trial within 30 days", "other-trial",
             computable=False, section="exclusion")  # fmt: skip


def lab(cid: str, text: str, analyte: str, op: str, value: float, unit: str) -> Criterion:
    return crit(cid, text, "lab", {"analytes": [analyte], "op": op, "value": value,
                                   "unit": unit})  # fmt: skip


def exposure(cid: str, text: str, drugs: list[str], window: int | None) -> Criterion:
    return crit(cid, text, "drug_exposure", {"drugs": drugs, "window_days": window})


def dose(cid: str, text: str, window: int | None) -> Criterion:
    return crit(cid, text, "dose_exposure", {
        "drugs": ["drug.glucocorticoid"], "dose_op": ">", "dose_value": 20.0,
        "dose_unit": "mg/day", "prednisone_equivalent": True, "cumulative": False,
        "window_days": window, "min_duration_days": None, "duration_strict": False})


PREDNISONE_EQUIVALENT = gold("Prednisone > 20 mg/day", "drug",
                             "prednisone or equivalent glucocorticoid", effect="exclude",
                             temporality="current", operator=">", value=20, unit="mg/day")
SPO2 = gold("SpO2 ≥ 92% on room air", "vital", "SpO2", operator=">=", value=92, unit="%")


def diagnosis(cid: str, text: str, concepts: list[str], window: int | None = None,
              **more: Any) -> Criterion:
    params: dict[str, Any] = {"concepts": concepts, "system": None, **more}
    if window is not None:
        params["window_days"] = window
        params.setdefault("temporality", "within")
    return crit(cid, text, "diagnosis", params)


MALIGNANCY_EXCEPT = gold(
    "Malignancy within 5 years, except treated basal cell carcinoma of the skin", "diagnosis",
    "malignancy", effect="exclude", temporality="within", window_days=1825,
    qualifiers=["except treated non-melanoma skin cancer"],
)

CASES = [
    # (case, gold row, criteria, outcome, mechanism the reason must name)
    ("correct lab", PLATELETS,
     [lab("inc-1", "Platelets ≥ 100 x10^9/L", "lab.platelets", ">=", 100, "x10^9/L")],
     bench.CORRECT, None),
    ("value normalised: 1,500 cells/mm3 is 1.5 x10^9/L",
     gold("Neutrophils ≥ 1,500 cells/mm3", "lab", "absolute neutrophil count", operator=">=",
          value=1500, unit="cells/mm3"),
     [lab("inc-2", "Neutrophils ≥ 1,500 cells/mm3", "lab.neutrophils", ">=", 1.5, "x10^9/L")],
     bench.CORRECT, None),
    ("an exclusion < 30 is the requirement >= 30", EGFR,
     [lab("inc-9", "eGFR < 30 mL/min/1.73 m2", "lab.egfr", ">=", 30, "mL/min/1.73m2")],
     bench.CORRECT, None),
    ("wrong value", PLATELETS,
     [lab("inc-1", "Platelets ≥ 100 x10^9/L", "lab.platelets", ">=", 150, "x10^9/L")],
     bench.WRONG, "value"),
    ("wrong strictness", PLATELETS,
     [lab("inc-1", "Platelets ≥ 100 x10^9/L", "lab.platelets", ">", 100, "x10^9/L")],
     bench.WRONG, "operator"),
    ("wrong ULN multiple",
     gold("ALT > 3 x ULN", "lab", "ALT", effect="exclude", operator=">", uln_multiple=3),
     [crit("exc-5", "ALT > 3 x ULN", "lab", {"analytes": ["lab.alt"], "op": ">",
                                             "uln_multiple": 2.0, "unit": "U/L"})],
     bench.WRONG, "ULN multiple"),
    ("correct drug window", RITUXIMAB,
     [exposure("exc-1", "Rituximab within 6 months before screening", ["drug.rituximab"], 183)],
     bench.CORRECT, None),
    ("wrong effect", RITUXIMAB,
     [exposure("inc-9", "Rituximab within 6 months before screening", ["drug.rituximab"], 183)],
     bench.WRONG, "effect"),
    ("window lost: any exposure ever", RITUXIMAB,
     [exposure("exc-1", "Rituximab within 6 months before screening", ["drug.rituximab"], None)],
     bench.WRONG, "window"),
    ("drug list widened", RITUXIMAB,
     [exposure("exc-1", "Rituximab within 6 months before screening",
               ["drug.rituximab", "drug.obinutuzumab"], 183)],
     bench.WRONG, "concept widened"),
    ("active read as ever", NPSLE,
     [diagnosis("exc-3", "Active neuropsychiatric lupus", ["dx.cns_lupus"])],
     bench.WRONG, "temporality"),
    ("a longer lupus phrase read as the bare diagnosis", NPSLE,
     [diagnosis("exc-3", "Active neuropsychiatric lupus", ["dx.sle"], 30)],
     bench.WRONG, "concept"),
    ("correct biopsy class set", BIOPSY,
     [crit("inc-3", BIOPSY["source"], "biopsy",
           {"classes": ["III", "IV"], "allowed_with": ["V"], "window_days": None})],
     bench.CORRECT, None),
    ("biopsy: 'with or without class V' lost", BIOPSY,
     [crit("inc-3", BIOPSY["source"], "biopsy",
           {"classes": ["III", "IV"], "allowed_with": [], "window_days": None})],
     bench.WRONG, "classes"),
    ("'A or B' computed as A only",
     gold("Negative for HIV or hepatitis B", "serology", "HIV | hepatitis B", effect="exclude",
          temporality="ever"),
     [diagnosis("inc-5", "Negative for HIV or hepatitis B", ["dx.hiv"])],
     bench.WRONG, "concept part lost"),
    ("dose qualifier lost",
     gold("Prednisone > 20 mg/day", "drug", "prednisone", effect="exclude",
          temporality="current", operator=">", value=20, unit="mg/day"),
     [exposure("exc-7", "Prednisone > 20 mg/day", ["drug.glucocorticoid"], 30)],
     bench.WRONG, "qualifier lost: dose"),
    ("a dose criterion reads 'or equivalent': a prednisone-equivalent limit",
     PREDNISONE_EQUIVALENT, [dose("exc-7", "Prednisone > 20 mg/day", None)],
     bench.CORRECT, None),
    ("a dose criterion without a window is the current dose, not one within 28 days",
     {**PREDNISONE_EQUIVALENT, "essentials": {**PREDNISONE_EQUIVALENT["essentials"],
                                              "temporality": "within", "window_days": 28}},
     [dose("exc-7", "Prednisone > 20 mg/day", None)], bench.WRONG, "window"),
    ("a dose criterion with the window",
     {**PREDNISONE_EQUIVALENT, "essentials": {**PREDNISONE_EQUIVALENT["essentials"],
                                              "temporality": "within", "window_days": 28}},
     [dose("exc-7", "Prednisone > 20 mg/day", 28)], bench.CORRECT, None),
    ("a vital sign's threshold is judged like a lab's", SPO2,
     [crit("inc-6", "SpO2 ≥ 92% on room air", "vital",
           {"analytes": ["lab.spo2"], "op": ">=", "value": 90.0, "unit": "%"})],
     bench.WRONG, "value"),
    ("a vital sign read right", SPO2,
     [crit("inc-6", "SpO2 ≥ 92% on room air", "vital",
           {"analytes": ["lab.spo2"], "op": ">=", "value": 92.0, "unit": "%"})],
     bench.CORRECT, None),
    ("missed: computable, left manual", PLATELETS,
     [crit("inc-1", "Platelets ≥ 100 x10^9/L", "manual", {}, "threshold not recognised")],
     bench.MISSED, "manual"),
    ("dropped: no criterion", PLATELETS, [], bench.DROPPED, "no criterion"),
    ("correct manual", gold("Signed informed consent", "consent", computable=False),
     [crit("inc-4", "Signed informed consent", "consent", {}, "consent is confirmed")],
     bench.CORRECT_MANUAL, None),
    ("a non-computable item computed", TRIAL,
     [exposure("exc-2", "Participation in another clinical trial within 30 days",
               ["drug.belimumab"], 30)],
     bench.WRONG, "non-computable computed"),
    ("a judged qualifier is the gold's whatever its word form ('required' for 'requiring')",
     gold("Cytomegalovirus infection within 90 days", "diagnosis",
          "infection requiring management", effect="exclude", temporality="within",
          window_days=90),
     [diagnosis("exc-8", "Cytomegalovirus infection within 90 days", ["dx.infection"],
                90, judged=["required management"])],
     bench.CORRECT, None),
    ("an exception the criterion carries as except_concepts is not lost", MALIGNANCY_EXCEPT,
     [diagnosis("exc-4", MALIGNANCY_EXCEPT["source"], ["dx.malignancy"], 1825,
                except_concepts=["dx.nmsc"])],
     bench.CORRECT, None),
    ("an exception the criterion does not carry is lost", MALIGNANCY_EXCEPT,
     [diagnosis("exc-4", MALIGNANCY_EXCEPT["source"], ["dx.malignancy"], 1825)],
     bench.WRONG, "qualifier lost: exception"),
    ("unjudged: gold concept outside the vocabulary, nothing else differs",
     gold("Cytomegalovirus infection within 90 days", "diagnosis",
          "systemic cytomegalovirus disease",
          effect="exclude", temporality="within", window_days=90),
     [diagnosis("exc-8", "Cytomegalovirus infection within 90 days", ["dx.active_infection"],
                90)],
     bench.UNJUDGED, None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "row", "criteria", "outcome", "mechanism"), CASES,
                         ids=[c[0] for c in CASES])
def test_each_outcome_is_judged_from_the_essentials(case, row, criteria, outcome, mechanism):
    result = judge(row, *criteria)
    assert result.outcome == outcome, result.reason
    if mechanism is not None:
        assert mechanism in result.mechanisms, result.reason


def test_a_structured_age_limit_counts_from_any_age_criterion():
    row = gold("Minimum Age: 18 Years", "age", "age", section="structured", operator=">=",
               value=18, unit="years")
    from_text = crit("inc-7", "Age 18-65 years", "age", {"min_years": 18, "max_years": 65})
    as_exclusion = crit("exc-9", "Age < 18", "age", {"min_years": None, "max_years": 17})
    looser = crit("inc-7", "Age 16-65 years", "age", {"min_years": 16, "max_years": 65})
    assert judge(row, from_text).outcome == bench.CORRECT
    assert judge(row, as_exclusion).outcome == bench.CORRECT  # "exclude < 18" is ">= 18"
    assert judge(row, looser).outcome == bench.WRONG
    assert judge(row).outcome == bench.DROPPED  # the record's limit applied by nothing


def test_a_structured_sex_row_needs_the_restriction_and_all_needs_none():
    female = gold("Sex: Female", "sex", "sex", section="structured", operator="=", value="Female")
    restricted = crit("inc-8", "Sex: female (registry sex restriction)", "sex", {"sex": "female"})
    assert judge(female, restricted).outcome == bench.CORRECT
    assert judge(female).outcome == bench.DROPPED
    anyone = dict(female, essentials=dict(female["essentials"], value="All"))
    assert judge(anyone).outcome == bench.CORRECT
    assert judge(anyone, restricted).outcome == bench.WRONG


def test_extras_own_condition_exclusions_and_guard_hits_are_reported():
    criteria = [
        lab("inc-1", "Platelets ≥ 100 x10^9/L", "lab.platelets", ">=", 100, "x10^9/L"),
        # Nothing in the gold asks for these two: extras, the computed one listed.
        exposure("exc-7", "Prednisone > 20 mg/day", ["drug.glucocorticoid"], None),
        crit("exc-8", "Herpes zoster infection within 90 days", "manual", {},
             "guard: unexplained words (zoster)"),
        # The trial's own population (its title and Conditions name lupus nephritis).
        diagnosis("exc-6", "Lupus nephritis requiring dialysis", ["dx.lupus_nephritis"]),
        # A narrower lupus concept is not the trial's own condition.
        diagnosis("exc-3", "Active neuropsychiatric lupus", ["dx.cns_lupus"]),
    ]
    rows = [PLATELETS, gold("Lupus nephritis requiring dialysis", "procedure", "dialysis",
                            effect="exclude", temporality="current"), NPSLE]
    score = bench.score_trial("NCT00000000", TEXT, rows, criteria,
                              title=TEXT.splitlines()[0])
    assert [e["criterion"] for e in score.extras] == ["exc-7", "exc-8"]
    assert [e["criterion"] for e in score.computed_extras] == ["exc-7"]
    assert [o["criterion"] for o in score.own_condition] == ["exc-6"]
    assert score.own_condition[0]["concepts"] == ["dx.lupus_nephritis"]
    assert dict(score.guard_hits) == {"guard: unexplained words": 1}
    report = bench.format_report([score], bench.summarise([score]))
    assert "!!! OWN-CONDITION EXCLUSIONS (1)" in report
    assert "exc-6" in report and "guard: unexplained words" in report


def test_an_sle_exclusion_is_not_own_condition_in_a_trial_of_another_disease():
    text = TEXT.replace("lupus nephritis\n\nConditions: Lupus Nephritis",
                        "systemic sclerosis\n\nConditions: Systemic Sclerosis")
    rows = [gold("Active neuropsychiatric lupus", "diagnosis", "systemic lupus erythematosus",
                 effect="exclude")]
    criteria = [diagnosis("exc-3", "Active neuropsychiatric lupus", ["dx.sle"])]
    score = bench.score_trial("NCT00000000", text, rows, criteria, title=text.splitlines()[0])
    assert score.own_condition == []
    score = bench.score_trial("NCT00000000", TEXT, rows, criteria, title=TEXT.splitlines()[0])
    assert [o["criterion"] for o in score.own_condition] == ["exc-3"]


def test_a_condition_an_exclusion_lets_through_is_no_own_condition_exclusion():
    # "Other autoimmune disease rather than SLE, lupus nephritis" excludes RA, not lupus.
    rows = [gold("Other autoimmune disease rather than SLE, lupus nephritis", "diagnosis",
                 "other autoimmune disease", effect="exclude")]
    other = diagnosis("exc-4", "Other autoimmune disease rather than SLE, lupus nephritis",
                      ["dx.autoimmune_other"], except_concepts=["dx.sle", "dx.lupus_nephritis"])
    score = bench.score_trial("NCT00000000", TEXT, rows, [other], title=TEXT.splitlines()[0])
    assert score.own_condition == []


def test_a_hard_wrapped_item_split_in_fragments_aligns_to_its_row():
    text = TEXT.replace("* Rituximab within 6 months before screening",
                        "* Rituximab within 6 months\nbefore screening")
    fragments = [
        exposure("exc-1", "Rituximab within 6 months", ["drug.rituximab"], 183),
        crit("exc-2", "before screening", "manual", {}, "no computable concept recognised"),
    ]
    row = dict(RITUXIMAB, source="Rituximab within 6 months\nbefore screening")
    result = bench.score_trial("NCT00000000", text, [row], fragments).rows[0]
    assert result.engine == ["exc-1", "exc-2"] and result.outcome == bench.CORRECT


def test_figures_are_the_outcome_counts_over_their_denominators():
    rows = [PLATELETS, RITUXIMAB, NPSLE, TRIAL,
            gold("Signed informed consent", "consent", computable=False)]
    criteria = [
        lab("inc-1", "Platelets ≥ 100 x10^9/L", "lab.platelets", ">=", 100, "x10^9/L"),
        crit("inc-4", "Signed informed consent", "consent", {}, "consent is confirmed"),
        exposure("exc-1", "Rituximab within 6 months before screening", ["drug.rituximab"], None),
        crit("exc-2", "Participation in another clinical trial within 30 days", "manual", {},
             "participation in other studies is checked at screening"),
        crit("exc-3", "Active neuropsychiatric lupus", "manual", {}, "no concept"),
    ]
    score = bench.score_trial("NCT00000000", TEXT, rows, criteria)
    outcomes = [r.outcome for r in score.rows]
    assert outcomes == [bench.CORRECT, bench.WRONG, bench.MISSED, bench.CORRECT_MANUAL,
                        bench.CORRECT_MANUAL]
    summary = bench.summarise([score])
    assert summary["computable_recall"] == round(1 / 3, 4)  # 1 correct of 3 computable
    assert summary["wrong_rate"] == round(1 / 5, 4)
    assert summary["manual_rate"] == round(3 / 5, 4)  # missed + correct manual
    assert summary["wrong_mechanisms"][0]["mechanism"] == "window"


def test_the_split_comes_from_the_review_line_and_never_mixes(tmp_path: Path):
    (tmp_path / "REVIEW.md").write_text(
        "# Review\n\n**held-out third (measured once):** NCT00000002 NCT00000003\n"
    )
    for nct in ("NCT00000001", "NCT00000002", "NCT00000003", "NCT00000004"):
        (tmp_path / f"{nct}.gold.jsonl").write_text("")
    assert bench.trial_ids(tmp_path, "dev") == ["NCT00000001", "NCT00000004"]
    assert bench.trial_ids(tmp_path, "heldout") == ["NCT00000002", "NCT00000003"]
    assert len(bench.trial_ids(tmp_path, "all")) == 4
    real_dev = set(bench.trial_ids(bench.CORPUS, "dev"))
    real_held = set(bench.held_out_ids(bench.CORPUS))
    assert len(real_held) == 15 and not real_dev & real_held


def _dev_corpus(tmp_path: Path, count: int) -> tuple[Path, list[str]]:
    """A copy of `count` dev trials of the corpus (never a held-out one), and their ids."""
    ids = bench.trial_ids(bench.CORPUS, "dev")[:count]
    assert not set(ids) & set(bench.held_out_ids(bench.CORPUS))
    shutil.copy(bench.CORPUS / "REVIEW.md", tmp_path / "REVIEW.md")
    for nct in ids:
        for suffix in (".txt", ".gold.jsonl"):
            shutil.copy(bench.CORPUS / f"{nct}{suffix}", tmp_path / f"{nct}{suffix}")
    return tmp_path, ids


def test_the_script_scores_dev_trials_prints_the_table_and_dumps_every_row(tmp_path: Path):
    corpus, ids = _dev_corpus(tmp_path, 3)
    rows_file = tmp_path / "rows.jsonl"
    command = [sys.executable, str(SCRIPT), "--corpus", str(corpus), "--rows", str(rows_file)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("trial"))
    assert header.split() == ["trial", "gold", "comp", "correct", "c-man", "missed", "wrong",
                              "dropped", "extras", "unjudged", "x-comp", "own"]
    assert [line.split()[0] for line in lines if line.startswith("NCT")] == ids
    assert any(line.startswith("computable recall") for line in lines)
    gold_rows = sum(len((corpus / f"{n}.gold.jsonl").read_text().splitlines()) for n in ids)
    dumped = [json.loads(line) for line in rows_file.read_text().splitlines()]
    assert len(dumped) == gold_rows
    assert all(r["outcome"] in bench.OUTCOMES and r["reason"] for r in dumped)

    again = subprocess.run([*command[:-2], "--json"], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stdout)["summary"]
    for figure in ("computable_recall", "wrong_rate", "manual_rate"):
        assert 0.0 <= summary[figure] <= 1.0
    assert summary["gold_rows"] == gold_rows
    assert sum(summary[o.replace(" ", "_")] for o in bench.OUTCOMES) == gold_rows
    # Deterministic: the same run dumps the same rows.
    first = rows_file.read_text()
    subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert rows_file.read_text() == first


def test_a_corpus_without_the_review_line_is_an_input_error(tmp_path: Path):
    (tmp_path / "REVIEW.md").write_text("no split here\n")
    done = subprocess.run([sys.executable, str(SCRIPT), "--corpus", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "held-out third" in done.stderr


def test_a_trial_the_engine_cannot_read_drops_every_row():
    rows = [gold("Sex: All", "sex", "sex", section="structured", operator="=", value="All"),
            PLATELETS]
    score = bench.score_trial("NCT00000000", TEXT, rows, None, load_error="no eligibility")
    assert [r.outcome for r in score.rows] == [bench.DROPPED, bench.DROPPED]
    assert all("could not read" in r.reason for r in score.rows)


@pytest.mark.parametrize(("qualifiers", "bounds"), [
    (["upper bound strict"], (18, 79)),
    (["lower bound inclusive (>= 18)", "upper bound exclusive (< 80)"], (18, 79)),
    (["lower bound exclusive (> 18)"], (19, 80)),
    ([], (18, 80)),
])
def test_a_gold_age_range_reads_strict_or_exclusive_bounds_alike(qualifiers, bounds):
    essentials = {"operator": "between", "value": 18, "value_high": 80, "unit": "years",
                  "qualifiers": qualifiers}
    assert bench.gold_age_bounds(essentials) == bounds


def test_a_broader_condition_an_exclusion_leaves_the_own_one_out_of_is_no_own_condition_exclusion():
    # "Active skin disease other than CLE" in a cutaneous lupus trial: skin disease is the
    # trial's own condition only as what cutaneous lupus implies, and cutaneous lupus is let
    # through; without the exception it excludes the trial's own population.
    text = TEXT.replace("lupus nephritis\n\nConditions: Lupus Nephritis",
                        "cutaneous lupus\n\nConditions: Cutaneous Lupus")
    rows = [gold("Active skin disease other than CLE", "diagnosis", "skin disease",
                 effect="exclude")]
    kept = diagnosis("exc-1", "Active skin disease other than CLE", ["dx.skin_disease"],
                     except_concepts=["dx.cutaneous_lupus"])
    score = bench.score_trial("NCT00000000", text, rows, [kept], title=text.splitlines()[0])
    assert score.own_condition == []
    bare = diagnosis("exc-1", "Active skin disease other than CLE", ["dx.skin_disease"])
    score = bench.score_trial("NCT00000000", text, rows, [bare], title=text.splitlines()[0])
    assert [o["concepts"] for o in score.own_condition] == [["dx.skin_disease"]]


@pytest.mark.parametrize("concept", ["SLEDAI score", "SLEDAI-2K score", "SLEDAI index"])
def test_a_score_named_with_the_word_score_or_index_is_that_score_not_a_narrower_one(concept):
    # "SLEDAI score ≥ 6" names the SLEDAI: "score" says what kind of thing it is, like
    # "count" in "platelet count", and leaves no word of the concept unread.
    text = "Synthetic trial\n\nInclusion Criteria:\n\n* SLEDAI score of 6 or more\n"
    row = gold("SLEDAI score of 6 or more", "score", concept, operator=">=", value=6,
               temporality="current")
    criterion = crit("inc-1", "SLEDAI score of 6 or more", "score",
                     {"concept": "score.sledai", "op": ">=", "value": 6.0})
    result = bench.score_trial("NCT00000000", text, [row], [criterion]).rows[0]
    assert result.outcome == bench.CORRECT, result.reason


def _two_ranges(first: str, second: str) -> Criterion:
    """ "SBP 90-150 mmHg, DBP 60-95 mmHg": each range read as a lower bound and an upper
    bound, all four joined by "and" (the reader's shape for a range)."""
    bounds = [(first, ">=", 90.0), (first, "<=", 150.0), (second, ">=", 60.0),
              (second, "<=", 95.0)]
    groups = [{"analytes": [a], "op": op, "value": v, "unit": "mmHg"} for a, op, v in bounds]
    return crit("inc-1", "SBP 90-150 mmHg, DBP 60-95 mmHg", "vital",
                dict(groups[0], alternatives=groups[1:], combine="and"))


@pytest.mark.parametrize(("analyte", "low", "high"),
                         [("lab.sbp", 90, 150), ("lab.dbp", 60, 95)])
def test_each_of_two_ranges_on_one_line_is_judged_as_its_range(analyte, low, high):
    concept = "systolic" if analyte == "lab.sbp" else "diastolic"
    row = gold("SBP 90-150 mmHg, DBP 60-95 mmHg", "lab", f"{concept} blood pressure",
               operator="between", value=low, value_high=high, unit="mmHg",
               temporality="current")
    text = "A drug for hypertension\n\nInclusion Criteria:\n\n* SBP 90-150 mmHg, DBP 60-95 mmHg\n"
    criteria = [_two_ranges("lab.sbp", "lab.dbp")]
    result = bench.score_trial("NCT00000000", text, [row], criteria).rows[0]
    assert result.outcome == bench.CORRECT, result.reason
    # A range that differs from the gold's is still told apart.
    other = dict(row, essentials=dict(row["essentials"], value_high=high + 20))
    wrong = bench.score_trial("NCT00000000", text, [other], criteria).rows[0]
    assert wrong.outcome == bench.WRONG, wrong.reason


@pytest.mark.parametrize("concept", ["type 1 diabetes duration",
                                     "type 1 diabetes (date of diagnosis)"])
def test_a_disease_timing_reading_reads_the_duration_its_gold_concept_names(concept):
    # "Type 1 diabetes for a period less than four months": the gold names the disease and
    # its duration; the timing criterion's max_duration_days is that duration, no narrower
    # concept. A plain diagnosis criterion leaves "duration" unread.
    source = "Diagnosis of type 1 diabetes for less than four months"
    text = f"Synthetic trial\n\nInclusion Criteria:\n\n* {source}\n"
    row = gold(source, "disease-duration", concept, operator="<", value=122, unit="days",
               temporality="before-anchor", anchor="screening")
    timing = crit("inc-1", source, "diagnosis_timing",
                  {"concepts": ["dx.diabetes_t1"], "min_duration_days": None,
                   "max_duration_days": 122, "duration_strict": True, "onset_op": None,
                   "onset_age_years": None})
    result = bench.score_trial("NCT00000000", text, [row], [timing]).rows[0]
    assert "concept narrower" not in result.reason, result.reason
    plain = diagnosis("inc-1", source, ["dx.diabetes_t1"])
    result = bench.score_trial("NCT00000000", text, [row], [plain]).rows[0]
    assert result.outcome == bench.WRONG


def test_a_duration_reading_does_not_read_an_onset_its_gold_names():
    source = "Type 1 diabetes with onset before age 16"
    text = f"Synthetic trial\n\nInclusion Criteria:\n\n* {source}\n"
    row = gold(source, "disease-duration", "type 1 diabetes onset", operator="<", value=16,
               unit="years")
    duration = crit("inc-1", source, "diagnosis_timing",
                    {"concepts": ["dx.diabetes_t1"], "max_duration_days": 122,
                     "onset_op": None})
    result = bench.score_trial("NCT00000000", text, [row], [duration]).rows[0]
    assert "concept narrower" in result.reason, result.reason
