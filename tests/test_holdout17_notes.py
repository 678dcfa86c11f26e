"""Issue 15 / issue 12: the mechanisms behind the seventeenth hold-out's misses.

The seventeenth hold-out is long follow-up told in relative time: a value told as of an
earlier visit ("then", "at that visit"), a drug weaned off with "no infusion since <month>", a
course's final pulse "given N weeks ago", a repeat biopsy labelling its class without the word
"class", and a registry item asking for "the most recent measurement before randomisation".
Each block names a mechanism and tests it with sentences written for these tests, in several
phrasings, with ones that must not fire. No hold-out sentence is used.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.timeline import build_timeline
from matcher.model import Patient, Status
from matcher.nlp.past_values import TOLD_AS_PAST
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.parse_support import decided, found, judged_exclusion


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# ------------------------------------------------ a value told as of an earlier time
# "After the rituximab her subsets then showed CD19 0%": measured months ago; dated by the
# note it says the B cells are absent today and an inclusion "CD19+ B cells present" fails.
@pytest.mark.parametrize(("text", "concept"), [
    ("Post-rituximab flow then showed CD19 0%. Plan: repeat in clinic.", "lab.cd19"),
    ("ANC 0.8 at that time, so the pulse was deferred.", "lab.neutrophils"),
    ("Seen in May. SLEDAI-2K 14 at that visit, improving since.", "score.sledai"),
    ("Bloods from the GP in August; ALT 95 U/L the same day.", "lab.alt"),
    ("Previously haemoglobin 8.1 g/dL during the flare.", "lab.hemoglobin"),
])
def test_a_value_told_as_of_an_earlier_time_is_marked_past(
    parser: NoteParser, text: str, concept: str
) -> None:
    hits = found(parser, text, concept)
    assert hits, text
    assert all(f.attrs.get(TOLD_AS_PAST) for f in hits)


@pytest.mark.parametrize(("text", "concept"), [
    # the present cue is the nearer one
    ("Previously B cells were absent. Today: CD19 9%.", "lab.cd19"),
    ("SLEDAI-2K 16 at that visit; now SLEDAI-2K 6.", "score.sledai"),
    # no cue at all
    ("ALT 31 U/L, AST 28 U/L.", "lab.alt"),
    # a value with its own date keeps it: the cue only takes away the note's date
    ("CD19 0% on 2026-03-02 at that time.", "lab.cd19"),
    # a sequence word, not a time: "then" alone is no cue
    ("Started MMF, then UPCR 0.4 mg/mg.", "lab.upcr"),
])
def test_a_value_of_the_notes_day_is_not_marked_past(
    parser: NoteParser, text: str, concept: str
) -> None:
    hits = [f for f in found(parser, text, concept) if f.value is not None or f.attrs]
    assert hits, text
    assert not any(f.attrs.get(TOLD_AS_PAST) for f in hits[-1:])


def test_a_past_told_value_is_left_out_but_its_note_still_counts() -> None:
    text = "Review of last month. Flow cytometry then showed CD19 0%. Well, no infections."
    parser = NoteParser(build_pipeline())
    findings = parser.parse(text, "n1", dt.date(2026, 11, 1))
    assert any(f.attrs.get(TOLD_AS_PAST) for f in findings)
    timeline = build_timeline(Patient("P1", None), findings, {"n1": dt.date(2026, 11, 1)},
                              dt.date(2026, 11, 20))
    assert not any(f.attrs.get(TOLD_AS_PAST) for f in timeline.findings)
    assert "n1" in timeline.note_dates
    criterion = parse_criterion(
        "Positive expression of CD19 in peripheral blood B cells determined by flow cytometry",
        "inclusion")
    assert evaluate_status(criterion, timeline) is not Status.NOT_MET


def evaluate_status(criterion, timeline) -> Status:  # type: ignore[no-untyped-def]
    from matcher.judge.evaluate import evaluate

    return evaluate(criterion, timeline).status


@pytest.mark.parametrize("note", [
    "Six months ago the B cells were gone. Today: CD19+ B cells have recovered, 8% (120/uL).",
    "CD19 B cells have returned, 5%.",
    "CD19+ B cells has recovered, 4 %.",
])
def test_b_cells_said_to_have_recovered_with_a_share_are_present(note: str) -> None:
    assert decided("inclusion", "Positive expression of CD19 in peripheral blood B cells "
                   "determined by flow cytometry", note) is Status.MET


# ------------------------------------ "no infusion since July": the last dose, not a start
@pytest.mark.parametrize("sentence", [
    "Belimumab tapered off over the summer, no infusion since July.",
    "Belimumab discontinued; no further doses since 2026-07-10.",
    "Belimumab: no dose given since July 2026.",
])
def test_no_dose_since_a_date_ends_the_course_then(parser: NoteParser, sentence: str) -> None:
    assert judged_exclusion(parser, "Belimumab within 8 weeks prior to screening", [sentence],
                            dt.date(2026, 11, 3), dt.date(2026, 11, 20)) is Status.NOT_MET
    hits = [f for f in parser.parse(sentence, "n", dt.date(2026, 11, 3))
            if f.concept == "drug.belimumab"]  # fmt: skip
    assert hits and all(f.attrs.get("stop_date") for f in hits)


@pytest.mark.parametrize("sentence", [
    # "since" without "no <dose>" is a start: the course runs on
    "Belimumab infusions since July, next one due next week.",
    "On belimumab since July 2026.",
])
def test_a_start_since_a_date_is_still_a_running_course(parser: NoteParser,
                                                        sentence: str) -> None:
    hits = [f for f in parser.parse(sentence, "n", dt.date(2026, 11, 3))
            if f.concept == "drug.belimumab"]  # fmt: skip
    assert hits and all(f.attrs.get("start_date") and not f.attrs.get("stop_date")
                        for f in hits)  # fmt: skip


# ------------------------------- "the final Euro-Lupus cyclophosphamide pulse N weeks ago"
@pytest.mark.parametrize("sentence", [
    "The final Euro-Lupus cyclophosphamide pulse was given 14 weeks ago.",
    "Last NIH cyclophosphamide infusion was administered 15 weeks ago. On MMF now.",
    "Sixth and final Euro-Lupus CYC pulse given 100 days ago.",
])
def test_the_final_pulse_ends_the_course_at_its_date(parser: NoteParser,
                                                     sentence: str) -> None:
    # written 2026-11-10, judged 2026-11-20: the pulse is over three months before
    assert judged_exclusion(
        parser, "Intravenous or oral cyclophosphamide within 3 months prior to screening",
        [sentence], dt.date(2026, 11, 10), dt.date(2026, 11, 20)) is Status.NOT_MET


@pytest.mark.parametrize("sentence", [
    # a pulse of a course that goes on: the exposure runs on to the note
    "Euro-Lupus cyclophosphamide pulse 3 was given 14 weeks ago; pulses continue fortnightly.",
    "The final Euro-Lupus cyclophosphamide pulse was given 2 weeks ago.",
])
def test_a_pulse_of_a_running_or_recent_course_still_excludes(parser: NoteParser,
                                                              sentence: str) -> None:
    assert judged_exclusion(
        parser, "Intravenous or oral cyclophosphamide within 3 months prior to screening",
        [sentence], dt.date(2026, 11, 10), dt.date(2026, 11, 20)) is Status.MET


# ------------------------------------------ a biopsy that labels its class: "Bx date: IV"
@pytest.mark.parametrize(("text", "classes"), [
    ("Repeat kidney biopsy 2026-09-30: III-S (A) + V.", ["III", "V"]),
    ("Renal biopsy (14/10/2026): IV-G (A/C).", ["IV"]),
    ("Second bx 2026-10-01: V.", ["V"]),
])
def test_a_biopsy_label_gives_the_class_after_its_colon(
    parser: NoteParser, text: str, classes: list[str]
) -> None:
    hits = [f for f in found(parser, text, "biopsy.kidney") if f.attrs.get("classes")]
    assert len(hits) == 1, hits
    assert hits[0].attrs["classes"] == classes
    assert hits[0].date_source == "text"


@pytest.mark.parametrize("text", [
    "Repeat biopsy 2026-09-30: 4 of 22 glomeruli with crescents.",
    "Kidney biopsy 2026-09-30: I discussed the risks with the family.",
    "Biopsy 2026-09-30: 12 glomeruli, no crescents.",
])
def test_a_biopsy_label_before_other_words_gives_no_class(parser: NoteParser,
                                                          text: str) -> None:
    assert not [f for f in found(parser, text, "biopsy.kidney") if f.attrs.get("classes")]


# --------------------------- "on the most recent measurement before randomisation"
@pytest.mark.parametrize("item", [
    "Urine protein:creatinine ratio ≥100 mg/mmol on the most recent measurement before "
    "randomisation",
    "UPCR ≥ 1.0 g/g on the latest value before screening",
    "Urine protein/creatinine ratio ≥ 0.5 mg/mg at the last result before enrollment",
])
def test_the_latest_measurement_before_randomisation_is_a_lab_limit(item: str) -> None:
    criterion = parse_criterion(item, "inclusion")
    assert criterion.kind == "lab"
    assert criterion.params["analytes"] == ["lab.upcr"]


@pytest.mark.parametrize("item", [
    # an average or a count of measurements is not the latest value
    "UPCR ≥ 1.0 g/g on the mean of two measurements before randomisation",
    "UPCR ≥ 1.0 g/g on two occasions before screening",
    "UPCR ≥ 1.0 g/g at any time before screening",
])
def test_other_measurements_before_randomisation_stay_manual(item: str) -> None:
    assert parse_criterion(item, "inclusion").kind == "manual"
