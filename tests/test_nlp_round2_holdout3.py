"""Issue 15, round 2: the mechanisms behind the third hold-out's misses.

Each block names a mechanism found by reading the engine's misses on the third hold-out
(a paediatric centre's notes with fixed-width lab-system printouts), and tests it with
sentences and layouts written for these tests: other labs' column orders, other units,
other wordings. No hold-out sentence is used. Expectations follow GUIDELINE.md and
DOMAIN.md; where a shape stays ambiguous the value is left out (a misread value is worse
than a missing one).

Note date for all notes: 2026-11-10.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Finding, Patient
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)
D = dt.date


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _found(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    for f in found:
        assert text[f.start : f.end] == f.text, "span does not index the note text"
    return found


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-3 * max(1.0, abs(b))


# --------------------------------------------- the unit column after the range column
# Lab-system exports that print item, result, flag, reference range, then the unit: the
# unit is the last column, after the range. Bilirubin 7.6 or a ratio of 2.1 fit two units
# each, so without that column the value was left out.
# (text, concept, value in the canonical unit, ULN in the canonical unit or None)
UNIT_AFTER_RANGE = [
    ("Bilirubin, total    12.3    H    3.0-11.0    µmol/L\n", "lab.bilirubin_total",
     12.3, 11.0),
    ("T-BIL       4.2      H      0.2-1.2       mg/dL\n", "lab.bilirubin_total",
     4.2 * 17.1, 1.2 * 17.1),
    ("TBil        8.8             <21           umol/L\n", "lab.bilirubin_total", 8.8, 21.0),
    ("Total bilirubin 4.4 (0-20) umol/L\n", "lab.bilirubin_total", 4.4, 20.0),
    ("Total bilirubin 2.4 (ref 0.1-1.0) mg/dL\n", "lab.bilirubin_total",
     2.4 * 17.1, 1.0 * 17.1),
    # a unit column in a note that also prints SI units: 1.85 fits g/g and mg/mmol
    ("Creatinine  41  35-62  umol/L\nUPCR  1.85  H  <0.15  g/g\n", "lab.upcr", 1.85, 0.15),
    ("Cr     35     27-62     umol/L\nUPC    2.6  HH  0.0-0.2   mg/mg\n", "lab.upcr", 2.6, 0.2),
    ("Urine protein/creatinine ratio    95    H    <15    mg/mmol\n", "lab.upcr",
     95 / 113, 15 / 113),
    ("UPCR   850   H   0-150   mg/g\n", "lab.upcr", 0.85, 0.15),
    # the flag printed after the range, as some exports do
    ("TBIL        3.5     0.3-1.2    H    mg/dL\n", "lab.bilirubin_total", 3.5 * 17.1, 1.2 * 17.1),
]


@pytest.mark.parametrize(("text", "concept", "value", "uln"), UNIT_AFTER_RANGE)
def test_a_unit_printed_after_the_reference_range_is_the_values_unit(
    parser: NoteParser, text: str, concept: str, value: float, uln: float | None
) -> None:
    found = _found(parser, text, concept)
    assert len(found) == 1, found
    assert _close(found[0].value, value), found[0]
    assert _close(found[0].ref_high, uln), found[0]


# The same layouts where nothing may be read: a unit that is not the analyte's, and a
# bound with no unit after it (a lone "<0.20" is not known to be a range there).
UNIT_AFTER_RANGE_LEFT_OUT = [
    ("TBIL        7.6            0-21.0         \n", "lab.bilirubin_total"),
    ("Creatinine  41  35-62  umol/L\nUPCR  1.85  H  <0.15\n", "lab.upcr"),
    ("TBIL        7.6            0-21.0         U/L\n", "lab.bilirubin_total"),
]


@pytest.mark.parametrize(("text", "concept"), UNIT_AFTER_RANGE_LEFT_OUT)
def test_a_value_whose_unit_column_is_missing_or_wrong_stays_out(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _found(parser, text, concept) == []


def test_a_unit_before_the_range_still_reads_as_before(parser: NoteParser) -> None:
    (hb,) = _found(parser, "HGB   98   L   g/L   115-155\n", "lab.hemoglobin")
    assert (hb.value, hb.ref_low, hb.ref_high) == (98.0, 115.0, 155.0)


# ------------------------------------------------ a drug "not started" was never given
# "X not started" after the drug name: the drug was planned or declined, never given.
# Read as given, a planned second agent made a patient on steroids alone refractory.
NOT_STARTED = [
    ("Azathioprine not started because of low TPMT.", "drug.azathioprine"),
    ("Tacrolimus not yet started - awaiting trough assay.", "drug.tacrolimus"),
    ("Cyclophosphamide never started (family refused).", "drug.cyclophosphamide"),
    ("Leflunomide not commenced as LFTs were raised.", "drug.leflunomide"),
    ("Mycophenolate not yet commenced; review next week.", "drug.mycophenolate"),
]


@pytest.mark.parametrize(("text", "concept"), NOT_STARTED)
def test_a_drug_said_not_to_have_been_started_is_negated(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _found(parser, text, concept)
    assert found and all(f.assertion == "negated" for f in found), found


def test_a_drug_started_in_the_next_sentence_stays_affirmed(parser: NoteParser) -> None:
    text = "Azathioprine not started. Tacrolimus started 2026-10-01."
    (tac,) = _found(parser, text, "drug.tacrolimus")
    assert tac.assertion == "affirmed"


# ------------------------------- examples that name a group's members by modifier only
# "Solid organ transplantation (including kidney)": the example names a member of the
# group just named by its modifier alone ("kidney" for "kidney transplantation"). It
# neither narrows nor widens the group, so the item is read as the group; left over as a
# word not understood, it made a history exclusion manual for every patient.
ELIDED_EXAMPLES = [
    ("Prior solid organ transplant (including kidney)", "dx.transplant"),
    ("Previous organ transplantation, including kidney, liver or heart", "dx.transplant"),
    ("Recipient of an organ transplant (e.g. renal or lung)", "dx.transplant"),
    ("History of organ transplantation such as liver or heart", "dx.transplant"),
    ("Any prior stem cell transplantation (including bone marrow)", "dx.hsct"),
    ("Solid organ transplant (for example kidney) or bone marrow transplant", "dx.transplant"),
]


@pytest.mark.parametrize(("text", "concept"), ELIDED_EXAMPLES)
def test_examples_naming_members_of_the_group_by_modifier_are_read_as_the_group(
    text: str, concept: str
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert concept in criterion.params["concepts"]


# What the group's own terms do not back stays not understood: a word that is no member
# ("cornea transplantation" is no term), and an exception ("excluding kidney") or a bare
# list, which may narrow the group.
ELIDED_NOT_EXAMPLES = [
    ("Prior solid organ transplant (including cornea)", "cornea"),
    ("Prior solid organ transplant (excluding kidney)", "kidney"),
    ("Prior solid organ transplant (kidney only)", "kidney"),
]


@pytest.mark.parametrize(("text", "word"), ELIDED_NOT_EXAMPLES)
def test_words_the_groups_terms_do_not_back_stay_not_understood(text: str, word: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert word in (criterion.manual_reason or "")


# ------------------------------------------------- a course said to be over, by one date
# "completed 6 doses of IV cyclophosphamide in 2025": the verb before the drug says the
# course is over and the one date places it. Read as started then with no end, the course
# ran on to every later note and excluded the patient under a 3-month washout.
COURSE_DONE = [
    ("She completed 6 doses of IV cyclophosphamide in 2025.", "drug.cyclophosphamide",
     D(2025, 7, 1)),
    ("Has finished a course of rituximab in March 2026.", "drug.rituximab", D(2026, 3, 15)),
    ("Completed six pulses of IV methylprednisolone 02/2026, now on oral prednisolone.",
     "drug.glucocorticoid", D(2026, 2, 15)),
    ("He finished treatment with cyclophosphamide in June 2026.", "drug.cyclophosphamide",
     D(2026, 6, 15)),
]


@pytest.mark.parametrize(("text", "concept", "day"), COURSE_DONE)
def test_a_course_said_to_be_completed_ends_at_its_one_date(
    parser: NoteParser, text: str, concept: str, day: dt.date
) -> None:
    found = _found(parser, text, concept)
    assert found, found
    course = found[0]
    assert course.attrs.get("stop_date") == day, course.attrs


def test_a_course_completed_does_not_end_the_drug_named_after_it(parser: NoteParser) -> None:
    text = "Completed 6 doses of cyclophosphamide; mycophenolate since 01/2026."
    (mmf,) = _found(parser, text, "drug.mycophenolate")
    assert mmf.attrs.get("stop_date") is None
    assert mmf.attrs.get("start_date") == D(2026, 1, 15)


AFTER_A_DATED_DRUG = [
    ("B cells recovering after rituximab (Nov 2025).", "drug.rituximab", D(2025, 11, 15)),
    ("Flare 4 months following IV cyclophosphamide in 03/2026.", "drug.cyclophosphamide",
     D(2026, 3, 15)),
    ("Hypogammaglobulinaemia after the last infusion of obinutuzumab on 2026-05-02.",
     "drug.obinutuzumab", D(2026, 5, 2)),
]


@pytest.mark.parametrize(("text", "concept", "day"), AFTER_A_DATED_DRUG)
def test_a_dated_drug_that_something_came_after_ends_at_its_date(
    parser: NoteParser, text: str, concept: str, day: dt.date
) -> None:
    (drug,) = _found(parser, text, concept)
    assert drug.attrs.get("stop_date") == day, drug.attrs


# ------------------------------------------- a drug named in a summary of past treatment
# "Refractory despite steroids, CTX and MMF" in this month's note names the drugs given
# some time up to the note, not on its date. Where the notes document that drug's course
# with its end, the summary is that course: it is no exposure inside a short washout.
AS_OF = D(2026, 11, 20)
CYC_WITHIN_3_MONTHS = "Intravenous cyclophosphamide within 3 months before screening"
RTX_WITHIN_6_MONTHS = "Rituximab within 6 months prior to screening"


def _exposure_status(parser: NoteParser, notes: list[tuple[dt.date, str]], item: str) -> str:
    findings: list[Finding] = []
    note_dates: dict[str, dt.date] = {}
    for i, (day, text) in enumerate(notes):
        note_dates[f"n{i}"] = day
        findings += parser.parse(text, f"n{i}", day)
    timeline = build_timeline(Patient("p"), findings, note_dates, AS_OF)
    return evaluate(parse_criterion(item, "exclusion"), timeline).status.value


SUMMARIES = [
    # (earlier note, this month's summary, item, expected status)
    ((D(2025, 9, 1), "IV cyclophosphamide 500 mg x6, last dose 2025-08-20."),
     (D(2026, 11, 12), "Proteinuria persists despite prednisolone, cyclophosphamide and MMF."),
     CYC_WITHIN_3_MONTHS, "not_met"),
    ((D(2025, 4, 2), "Euro-Lupus CYC from 2025-01-10 to 2025-03-20, then azathioprine."),
     (D(2026, 11, 12), "Previously treated: steroids / CYC / AZA / MMF."),
     CYC_WITHIN_3_MONTHS, "not_met"),
    ((D(2025, 12, 1), "Rituximab 1 g given 2025-11-20."),
     (D(2026, 11, 12), "Refractory lupus nephritis (pred, MMF, rituximab)."),
     RTX_WITHIN_6_MONTHS, "not_met"),
    # the drug given now, in words or with a date: an exposure as before
    ((D(2025, 9, 1), "IV cyclophosphamide 500 mg x6, last dose 2025-08-20."),
     (D(2026, 11, 12), "Cyclophosphamide restarted this week for the flare."),
     CYC_WITHIN_3_MONTHS, "met"),
    ((D(2025, 9, 1), "IV cyclophosphamide 500 mg x6, last dose 2025-08-20."),
     (D(2026, 11, 12), "Cyclophosphamide 750 mg IV given 2026-11-10."),
     CYC_WITHIN_3_MONTHS, "met"),
    # no course documented with its end: the summary stays dated by its note
    ((D(2025, 9, 1), "Seen in clinic, well."),
     (D(2026, 11, 12), "Proteinuria persists despite prednisolone, cyclophosphamide and MMF."),
     CYC_WITHIN_3_MONTHS, "met"),
]


@pytest.mark.parametrize(("earlier", "summary", "item", "status"), SUMMARIES)
def test_a_drug_in_a_summary_of_past_treatment_is_its_documented_course(
    parser: NoteParser,
    earlier: tuple[dt.date, str],
    summary: tuple[dt.date, str],
    item: str,
    status: str,
) -> None:
    assert _exposure_status(parser, [earlier, summary], item) == status
