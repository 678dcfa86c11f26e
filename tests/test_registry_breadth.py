"""Breadth of the registry reader: eligibility texts of every disease area read without an
error, in linear time, and a trial that is not about lupus never gains a lupus criterion.

The 1,500 real texts are read from `../shared/registry_breadth` (ClinicalTrials.gov
eligibility sections of 2019, all disease areas, no gold); those tests skip when the folder
is not beside the repository. The other tests use invented texts of the same shapes.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks.bench_breadth import (
    Read,
    lupus_gains,
    lupus_reading,
    mentions_lupus,
    read_like_trial_show,
)
from matcher.criteria import parse_criterion
from matcher.criteria.registry import load_trial, read_registry
from matcher.errors import RegistryError
from tests.conftest import REPO, SHARED

BREADTH = SHARED / "registry_breadth"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ what "lupus" means here
#
# A criterion is a lupus criterion (`lupus_reading`, shared with the benchmark) when
# - its kind is "biopsy" (the ISN/RPS class of a lupus-nephritis kidney biopsy) or
#   "refractory" (the lupus-nephritis rule: the agents failed and proteinuria is not in
#   remission): neither means anything in another disease; or
# - a lupus concept appears anywhere in its params (concepts, alternatives, exception
#   conditions): a concept whose label names lupus, SLE, SLEDAI or BILAG, or one that
#   implies such a concept (dx.sle, dx.lupus_nephritis, dx.cns_lupus, score.sledai,
#   score.bilag, status.sle_criteria). ANA and CD19 are not lupus concepts (other
#   autoimmune diseases and lymphomas use them), nor are generic statuses ("relapse").
# A text never names lupus (`mentions_lupus`) when it has no "lupus" (other than "lupus
# anticoagulant" and the vocabulary's other non-disease phrases), "SLE", "SLEDAI" or
# "BILAG". "LN" alone is no mention: such a text does not abbreviate a disease it never
# names, so its "LN" is a lymph node.


# ------------------------------------------------------------------ headings and bare sections


@pytest.mark.parametrize(
    ("text", "first_item"),
    [
        # A heading qualified by who or which part of the study it is for.
        ("Patient Inclusion Criteria:\n  -  Ages 40-69 years\nPatient Exclusion Criteria:\n"
         "  -  Prior stroke\n", "Ages 40-69 years"),
        ("Cystic Fibrosis Main Study Inclusion Criteria:\n  -  Sweat chloride >= 60 mmol/L\n"
         "Sub-study Exclusion Criteria:\n  -  Osteoporosis\n", "Sweat chloride >= 60 mmol/L"),
        ("Participant-Related Inclusion Criteria:\n  -  Type 2 diabetes for 5 years\n",
         "Type 2 diabetes for 5 years"),
        ("1. Parkinson's disease (PD) group inclusion criteria:\n       -  Aged 18 or more\n"
         "       -  Signed informed consent Exclusion criteria:\n       -  Claustrophobia\n"
         "  2. Healthy participants:\nInclusion criteria:\n  -  Aged 18 or more\n",
         "Aged 18 or more"),
        # Plural headings.
        ("Inclusions:\n  -  Must be ambulatory\nExclusions:\n  -  Dementia\n",
         "Must be ambulatory"),
        # A sentence instead of a heading, on one line or hard-wrapped.
        ("Subjects will be included if:\n  -  They are 18 years or older\n"
         "Subjects will be excluded if:\n  -  They are pregnant\n", "They are 18 years or older"),
        ("Children are enrolled if they meet the following inclusion\ncriteria:\n"
         "  1. Age 6 to 18 years\n", "Age 6 to 18 years"),
        # A bullet that names the criteria is an item, not where the section starts.
        ("Subjects will be enrolled if:\n  -  Aged 18 years or older\nSubjects will be excluded "
         "if:\n  -  Does not meet inclusion criteria\n", "Aged 18 years or older"),
        # No heading at all: the registry's eligibility field as it is exported.
        ("-  Unilateral retinoblastoma\n  -  Diagnosis before the age of 18 years\n",
         "Unilateral retinoblastoma"),
        ("All inclusion criteria were the same in both projects.\nChildren aged between 8 "
         "and 16 years living with overweight, and one parent.\n", "All inclusion criteria"),
        ("Key Criteria for Healthy Volunteers: aged 18 to 55 years; not pregnant; nothing "
         "that would make them ineligible.\n", "aged 18 to 55 years"),
        ("Study population: adults having ureteroscopy\nSubject Inclusion\nAge >= 18 years\n"
         "Subject Exclusion\n  -  eGFR < 30 mL/min/1.73 m2\n", "Age >= 18 years"),
    ],
    ids=["patient", "study part", "hyphenated", "numbered group", "plural", "sentence",
         "wrapped sentence", "a bullet naming the criteria", "bullets only", "prose",
         "label with content", "unknown headings"],
)
def test_an_eligibility_section_with_any_heading_or_none_gives_criteria(
    tmp_path: Path, text: str, first_item: str
) -> None:
    trial = load_trial(write(tmp_path, "NCT05550002.txt", text))
    assert trial.trial_id == "NCT05550002"
    assert trial.criteria, "an eligibility section must give criteria"
    assert first_item in trial.criteria[0].text


@pytest.mark.parametrize("heading", ["Resident Inclusion Criteria:", "Primary Inclusion Criteria"])
def test_a_qualified_heading_is_found_in_a_whole_registry_page(
    tmp_path: Path, heading: str
) -> None:
    page = textwrap.dedent(f"""\
        Yoga for Older Adults With Knee Osteoarthritis

        Conditions: (not found)
        Summary
        A walking programme for residents of nursing homes.

        Sex: All
        Minimum Age: 65
        {heading}
          -  Knee pain on most days
        Resident Exclusion Criteria:
          -  Wheelchair use
        Locations
        Seattle
        """)
    record = read_registry(write(tmp_path, "page.txt", page))
    assert record.eligibility_text.splitlines()[0] == heading
    assert "walking programme" not in record.eligibility_text
    assert "Seattle" not in record.eligibility_text


def test_a_page_eligibility_heading_wins_over_a_description_sentence(tmp_path: Path) -> None:
    page = textwrap.dedent("""\
        Yoga for Older Adults With Knee Osteoarthritis

        Detailed Description
        Residents are screened against the following inclusion criteria:
        pain, stiffness and age.

        Eligibility
        Inclusion Criteria:
          -  Knee pain on most days
        Locations
        Seattle
        """)
    record = read_registry(write(tmp_path, "page.txt", page))
    assert record.eligibility_text.splitlines()[0] == "Inclusion Criteria:"
    assert "stiffness" not in record.eligibility_text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("page.txt", "A trial\n\nSummary\nJust a summary.\nLocations\nSeattle\n"),
        ("fields.txt", "A trial\n\nLocations: somewhere\n"),
        ("furniture.txt", "Sex: All\nMinimum Age: 18 Years\nHealthy Volunteers: No\n"),
        ("stray.txt", "no criteria <b>here</b>"),
    ],
)
def test_a_file_without_eligibility_text_is_still_an_error_naming_it(
    tmp_path: Path, name: str, text: str
) -> None:
    with pytest.raises(RegistryError, match="no eligibility criteria found") as caught:
        load_trial(write(tmp_path, name, text))
    assert name in str(caught.value)


# ------------------------------------------------------------------ lupus criteria leaking


@pytest.mark.parametrize(
    ("ctype", "text"),
    [
        # "who" is not the WHO classification; a class belongs to the scale named before it.
        ("exclusion", "Patients who have heart failure with NYHA class III or IV"),
        ("inclusion", "ASA physical status class I or II; no fetal or maternal pathology"),
        ("inclusion", "WHO functional class II or III pulmonary hypertension on biopsy"),
        ("exclusion", "Known liver cirrhosis (Child-Pugh class 2 or 3) on liver histology"),
        # A biopsy of anything is not a kidney biopsy; a kidney biopsy is not lupus nephritis.
        ("inclusion", "Biopsy-proven breast cancer"),
        ("inclusion", "Diagnosis of ulcerative colitis confirmed by biopsy"),
        ("inclusion", "Renal biopsy performed with a complete pathological diagnosis"),
        ("inclusion", "Biopsy-proven membranous nephropathy"),
        # Failure of a treatment in another disease is not refractory lupus nephritis.
        ("inclusion", "Relapsed or refractory lymphoma after two lines of chemotherapy"),
        ("inclusion", "LDL cholesterol above target despite maximal statin therapy"),
        ("inclusion", "Asthma not controlled despite inhaled corticosteroids"),
        ("inclusion", "Failed 3 months of conservative treatment"),
        ("inclusion", "Persistent urinary tract infection or pyelonephritis despite treatment"),
        # LN is a lymph node here; lupus anticoagulant is a coagulation test.
        ("exclusion", "Presence of pelvic LN metastasis"),
        ("exclusion", "Positive lupus anticoagulant"),
    ],
)
def test_an_item_of_another_disease_gains_no_lupus_criterion(ctype: str, text: str) -> None:
    criterion = parse_criterion(text, ctype)
    assert lupus_reading(criterion) == [], (criterion.kind, criterion.params)


@pytest.mark.parametrize(
    ("title", "text", "lupus"),
    [
        # A trial that only excludes SLE is about something else.
        ("Methotrexate Dose in Rheumatoid Arthritis",
         "Inclusion Criteria:\n  -  Rheumatoid arthritis\n  -  Inadequate response to "
         "methotrexate for at least 3 months\nExclusion Criteria:\n  -  SLE or another "
         "autoimmune disease\n", False),
        ("Budesonide in IgA Nephropathy",
         "Inclusion Criteria:\n  -  Kidney biopsy within 6 months\n  -  Failure of ACE "
         "inhibitor treatment for 3 months\n", False),
        # A lupus trial need not repeat the disease in every item.
        ("Obinutuzumab in Lupus Nephritis",
         "Inclusion Criteria:\n  -  Kidney biopsy within 6 months\n  -  Failure of "
         "mycophenolate for at least 6 months\n", True),
    ],
    ids=["excludes SLE", "IgA nephropathy", "lupus nephritis"],
)
def test_items_that_do_not_name_the_disease_read_as_lupus_only_in_a_lupus_trial(
    tmp_path: Path, title: str, text: str, lupus: bool
) -> None:
    trial = load_trial(write(tmp_path, "NCT05550003.txt", f"{title}\n\n{text}"))
    readings = [lupus_reading(c) for c in trial.criteria if c.type == "inclusion"]
    assert [bool(r) for r in readings[-2:]] == [lupus, lupus], readings


@pytest.mark.parametrize(
    ("ctype", "text", "kind"),
    [
        ("inclusion", "Biopsy-proven lupus nephritis class III or IV within 6 months", "biopsy"),
        ("inclusion", "Active LN, ISN/RPS class III or IV", "biopsy"),
        ("inclusion", "Subjects with kidney biopsy confirmed lupus nephritis", "biopsy"),
        ("inclusion", "Kidney biopsy showing WHO class IV lupus nephritis", "biopsy"),
        ("exclusion", "Class VI lupus nephritis on renal biopsy", "biopsy"),
        ("inclusion", "Refractory lupus nephritis: failure of two or more immunosuppressants "
                      "for more than 6 months", "refractory"),
        ("inclusion", "Persistent proteinuria (UPCR >= 0.5 g/g) despite at least 6 months of "
                      "mycophenolate", "refractory"),
    ],
)
def test_the_lupus_readings_stay_for_lupus_items(ctype: str, text: str, kind: str) -> None:
    assert parse_criterion(text, ctype).kind == kind


# ------------------------------------------------------------------ pathological texts

# One bullet of about 50,000 characters each, or 50,000 characters of lines: shapes that
# make a backtracking regex or a rescan per mention quadratic.
PATHOLOGICAL = {
    "words": "Inclusion Criteria:\n  -  " + "patients with disease " * 2300,
    "digits": "Inclusion Criteria:\n  -  " + "7" * 50_000,
    "digits and commas": "Inclusion Criteria:\n  -  " + "12," * 16_700,
    "score list": "Inclusion Criteria:\n  -  ECOG " + "1,   " * 10_000 + "2.5",
    "open brackets": "Inclusion Criteria:\n  -  " + "(" * 50_000,
    "unclosed bracket with comparisons": "Inclusion Criteria:\n  -  (" + "< 3 " * 12_500,
    "unclosed bracket with exceptions": "Inclusion Criteria:\n  -  (" + "except a " * 5_500,
    "unclosed bracket with citations": "Inclusion Criteria:\n  -  eGFR >= 30 mL/min ("
    + "et al " * 8_400,
    "lab thresholds": "Inclusion Criteria:\n  -  "
    + "eGFR ≥ 30, 1,000 mg/dL; ALT ≤ 3 x ULN (class III-IV) " * 1_000,
    "repeated analytes": "Exclusion Criteria:\n  -  " + "AST, ALT, " * 5_000 + "≤ 3 x ULN",
    "repeated scores": "Inclusion Criteria:\n  -  " + "ECOG " * 10_000,
    "repeated proteinuria": "Inclusion Criteria:\n  -  eGFR " + "proteinuria " * 4_200,
    "distinct thresholds": "Inclusion Criteria:\n  -  "
    + "".join(f"Hb ≥ {n} g/L, " for n in range(4_000)),
    "closed exceptions": "Inclusion Criteria:\n  -  ALT ≤ 3 x ULN " + "(except a) " * 4_600,
    "digits after a diagnosis": "Exclusion Criteria:\n  -  Malignancy " + "7" * 50_000,
    "digits after a treatment failure": "Inclusion Criteria:\n  -  Refractory to treatment "
    + "7" * 50_000,
    "sex words": "Exclusion Criteria:\n  -  " + "men " * 12_500,
    "hard-wrapped lines": "Inclusion Criteria:\n  -  Proteinuria\n"
    + "     and more text\n" * 2_800,
    "unwrapped lines": "Inclusion Criteria:\n  -  Proteinuria\n" + "and more text here\n" * 2_600,
    "spaces in a field": "Sex:" + " " * 50_000 + "x\nInclusion Criteria:\n  -  Age 18 years\n",
    "spaces after a heading": "Locations" + " " * 50_000 + "x\nInclusion Criteria:\n  -  Age 18\n",
    # An exception clause is blanked to spaces before the window is read: "within the last 6
    # months (except ...)" leaves a window followed by a run of blanks.
    "spaces after a window": "Exclusion Criteria:\n  -  Malignancy within the last 6 months"
    + " (except " + "skin cancer " * 4_200 + ")\n",
}

_READ_ONE = textwrap.dedent("""\
    import sys
    from matcher.criteria.registry import read_registry_text, record_to_trial
    from matcher.criteria import format_criteria_table, trial_to_json
    trial = record_to_trial(read_registry_text(sys.stdin.read(), "pathological.txt"))
    trial_to_json(trial), format_criteria_table(trial)
    print(len(trial.criteria))
""")


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_a_pathological_text_is_read_in_linear_time(name: str) -> None:
    """A generous bound (a subprocess killed after 60 s), not a timed assertion: a
    quadratic reading of 50,000 characters takes minutes, a linear one well under a second."""
    text = PATHOLOGICAL[name]
    assert len(text) >= 45_000
    done = subprocess.run(
        [sys.executable, "-c", _READ_ONE], input=text, capture_output=True, text=True,
        timeout=60, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) >= 1


# ------------------------------------------------------------------ the 1,500 real texts


@pytest.fixture(scope="module")
def breadth() -> list[Read]:
    """Every breadth file read as `matcher trial show` reads it (about 10 s for 1,500)."""
    if not BREADTH.is_dir():
        pytest.skip("../shared/registry_breadth is not beside the repository")
    return [read_like_trial_show(path) for path in sorted(BREADTH.glob("*.txt"))]


def test_every_breadth_text_reads_into_criteria_without_an_error(breadth) -> None:
    assert len(breadth) == 1500
    assert {r.name: r.error for r in breadth if r.error is not None} == {}
    assert all(r.trial is not None and r.trial.criteria for r in breadth)


def test_no_breadth_item_needs_the_readers_safety_net(breadth) -> None:
    # The reader turns an item whose reading raises into a manual "could not be computed
    # (TypeError)" so that one odd item never sinks a trial; that net must catch odd text,
    # never a programming slip (a helper called without its vocabulary argument once left
    # 10 dev rows manual this way, silently).
    netted = {r.name: c.id for r in breadth if r.trial is not None for c in r.trial.criteria
              if (c.manual_reason or "").startswith("could not be computed")}  # fmt: skip
    assert netted == {}


def test_no_breadth_trial_that_never_names_lupus_gains_a_lupus_criterion(breadth) -> None:
    never_name_it = [r for r in breadth if not mentions_lupus((BREADTH / r.name).read_text())]
    assert len(never_name_it) > 1400  # the check is not vacuous
    gains = {r.name: g for r in breadth if (g := lupus_gains(r, BREADTH))}
    assert gains == {}
