"""Issue 15, round 2: drug histories and assertions read from a sentence's structure.

Five mechanisms, each with wordings other than the round-2 tables' (several styles):
3. treatment-naive stated as a negated class ("never had any immunosuppressant"); an
   exception ("other than prednisolone") or a negated sub-class is not treatment-naive;
7. coordinated drug histories: each drug keeps its own dates and regimen;
8. an informant ("Mum says", "per his father") is the source, not the subject: what
   follows is the patient's, uncertain when hedged;
10. a relative clause after a relative ("her uncle, who had a transplant") is the
   relative's, and so is the main predicate after it, until the patient is named again;
16. "N months after a drug" dates a past course N months before the sentence's own date;
   it is not continuous use up to the note.

The fragments are invented for these tests; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import PATIENT_ASSERTIONS, Finding
from matcher.nlp.dates import find_dates
from matcher.nlp.pipeline import NoteParser, build_pipeline

D = dt.date
MONTH = 31  # days: "N months" is read as 30.44-day months or calendar months


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _read(parser: NoteParser, text: str, note_date: dt.date, concept: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n1", note_date) if f.concept == concept]


def _describe(found: list[Finding]) -> str:
    # Test output only: the fragments are invented.
    return "; ".join(f"{f.text!r} {f.assertion} {f.date} {f.attrs}" for f in found) or "none"


def _near(got: dt.date | None, want: dt.date, days: int = MONTH) -> bool:
    return got is not None and abs((got - want).days) <= days


# ------------------------------------------------------------ 3. treatment-naive
@pytest.mark.parametrize(
    "text",
    [
        "He has never received any immunosuppressive drugs.",
        "No immunosuppressants to date.",
        "Immunosuppression: nil.",
        "Immunosuppressive therapy - none so far.",
        "Has not had steroids or other immunosuppressants.",
        "Not on any immunosuppressant yet; takes hydroxychloroquine only.",
        "She was never started on immunosuppression because the family refused.",
    ],
)
def test_a_negated_immunosuppressant_class_documents_treatment_naive(
    parser: NoteParser, text: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), "status.treatment_naive")
    assert any(f.assertion in PATIENT_ASSERTIONS for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("She has had no immunosuppression apart from a short course of prednisolone.",
         "drug.glucocorticoid"),
        ("No immunosuppressive treatment other than tacrolimus since 03/2026.",
         "drug.tacrolimus"),
        ("Never received immunosuppressants except for mycophenolate in 2024.",
         "drug.mycophenolate"),
    ],
)  # fmt: skip
def test_an_exception_to_the_negated_class_is_taken_and_not_naive(
    parser: NoteParser, text: str, drug: str
) -> None:
    # "other than" failed before; "apart from" and "except for" are guards for the
    # treatment-naive reading, which must look for the exception.
    note_date = D(2026, 6, 1)
    naive = _read(parser, text, note_date, "status.treatment_naive")
    taken = _read(parser, text, note_date, drug)
    assert not [f for f in naive if f.assertion in PATIENT_ASSERTIONS], _describe(naive)
    assert [f for f in taken if f.assertion in PATIENT_ASSERTIONS], _describe(taken)


@pytest.mark.parametrize(
    "text",
    [
        "On prednisolone 10 mg; she has never had a steroid-sparing agent.",
        "Remains on prednisolone, no steroid sparing agents so far.",
    ],
)
def test_a_negated_steroid_sparing_agent_leaves_the_steroid_affirmed(
    parser: NoteParser, text: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), "drug.glucocorticoid")
    assert found and all(f.assertion in PATIENT_ASSERTIONS for f in found), _describe(found)
    naive = _read(parser, text, D(2026, 6, 1), "status.treatment_naive")
    assert not [f for f in naive if f.assertion in PATIENT_ASSERTIONS], _describe(naive)


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Parents declined cyclophosphamide.", "drug.cyclophosphamide"),
        ("He refused steroids at the last visit.", "drug.glucocorticoid"),
        ("The family declined IV methylprednisolone in May.", "drug.glucocorticoid"),
    ],
)
def test_a_declined_or_refused_drug_is_not_an_exposure(
    parser: NoteParser, text: str, drug: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), drug)
    assert not [f for f in found if f.assertion in PATIENT_ASSERTIONS], _describe(found)


# ------------------------------------------------------------ 7. coordinated drugs
@pytest.mark.parametrize(
    ("text", "drug", "start"),
    [
        # A range written after the first drug is its own; the second drug's duration dates
        # its start from the note.
        ("She was on azathioprine (2019-2020) and has been taking tacrolimus for the past "
         "5 months.", "drug.tacrolimus", D(2026, 1, 1)),
        ("Ciclosporin 2018 to 2019, and leflunomide 10 mg od for the last 3 months.",
         "drug.leflunomide", D(2026, 3, 1)),
    ],
)  # fmt: skip
def test_a_date_owned_by_an_earlier_drug_is_not_the_next_drugs(
    parser: NoteParser, text: str, drug: str, start: dt.date
) -> None:
    found = _read(parser, text, D(2026, 6, 1), drug)
    assert any(_near(f.attrs.get("start_date"), start) for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "drug", "start"),
    [
        ("Induction with IV methylprednisolone x3 followed by MMF was started on 03/03/2026.",
         "drug.glucocorticoid", D(2026, 3, 3)),
        ("Cyclophosphamide followed by azathioprine were commenced in 01/2025.",
         "drug.cyclophosphamide", D(2025, 1, 15)),
    ],
)  # fmt: skip
def test_a_sequence_started_on_one_date_starts_with_its_first_drug(
    parser: NoteParser, text: str, drug: str, start: dt.date
) -> None:
    found = _read(parser, text, D(2026, 6, 1), drug)
    assert found and all(f.attrs.get("start_date") == start for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "drug", "regimen"),
    [
        ("Rituximab x2 in 2023, then MMF 500 mg bd since 2024.", "drug.mycophenolate", "x2"),
        ("Cyclophosphamide 6 pulses (2021); tacrolimus since 2022.", "drug.tacrolimus",
         "pulses"),
    ],
)  # fmt: skip
def test_a_regimen_belongs_to_the_drug_it_is_written_with(
    parser: NoteParser, text: str, drug: str, regimen: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), drug)
    assert found, "drug not read"
    assert all(regimen not in str(f.attrs.get("regimen", "")) for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("GC + MMF (2024.10-2025.08)", D(2024, 10, 15), D(2025, 8, 15)),
        ("tacrolimus since 2025.09", D(2025, 9, 15), None),
        ("belimumab (2023 - present)", D(2023, 7, 1), None),
        ("hydroxychloroquine 2022 to date", D(2022, 7, 1), None),
        ("IV methylprednisolone on 3-5 Feb 2026", D(2026, 2, 3), D(2026, 2, 5)),
    ],
)
def test_drug_history_date_forms_are_read(text: str, start: dt.date, end: dt.date | None) -> None:
    mentions = find_dates(text, D(2026, 6, 1))
    assert [(m.date, m.end_date) for m in mentions] == [(start, end)]


def test_a_year_dot_month_shape_followed_by_a_unit_is_a_value_not_a_date() -> None:
    # Guard for the year.month form above: a value with its unit stays a value.
    assert find_dates("Hb 2024.03 g/L", D(2026, 6, 1)) == []


@pytest.mark.parametrize(
    ("text", "onset"),
    [
        ("SLE diagnosed in 04/2021. Low-dose prednisolone all along.", D(2021, 4, 15)),
        ("Lupus nephritis diagnosed 09/2023. MMF was added in 2025 and prednisolone has been "
         "given throughout.", D(2023, 9, 15)),
    ],
)  # fmt: skip
def test_all_along_dates_a_drug_from_the_disease_onset(
    parser: NoteParser, text: str, onset: dt.date
) -> None:
    found = _read(parser, text, D(2026, 6, 1), "drug.glucocorticoid")
    assert found and all(f.attrs.get("start_date") == onset for f in found), _describe(found)


# ------------------------------------------------------------ 8. informant
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Mother says he may have had rituximab abroad.", "drug.rituximab"),
        ("Grandma believes she was given steroids last winter.", "drug.glucocorticoid"),
        ("Her sister wonders if she has Gilbert syndrome.", "dx.gilbert"),
        ("According to his mum he might have had cyclophosphamide in 2024.",
         "drug.cyclophosphamide"),
        ("Dad is not sure whether the infusion in May was rituximab.", "drug.rituximab"),
        ("Per her father, she possibly had a kidney biopsy in Lagos.", "proc.kidney_biopsy"),
        ("Dad asked whether the drip last spring was cyclophosphamide.",
         "drug.cyclophosphamide"),
    ],
)  # fmt: skip
def test_an_informant_with_a_hedge_makes_the_patients_fact_uncertain(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), concept)
    assert found and all(str(f.assertion) == "uncertain" for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "concept", "assertion"),
    [
        ("Mother says she has been taking MMF every day.", "drug.mycophenolate", "affirmed"),
        ("Mother has Gilbert syndrome.", "dx.gilbert", "family"),
    ],
)
def test_an_informant_without_a_hedge_and_a_relatives_own_fact_keep_their_reading(
    parser: NoteParser, text: str, concept: str, assertion: str
) -> None:
    # Guards: these read right before the change and must stay so.
    found = _read(parser, text, D(2026, 6, 1), concept)
    assert found and all(str(f.assertion) == assertion for f in found), _describe(found)


# ------------------------------------------------------------ 10. relative clauses
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Her aunt, who had a kidney transplant in 2015, also has lupus.", "dx.transplant"),
        ("Her aunt, who had a kidney transplant in 2015, also has lupus.", "dx.sle"),
        ("The patient's brother - who is on mycophenolate for lupus nephritis - was "
         "diagnosed aged 12.", "drug.mycophenolate"),
        ("His grandfather, whose kidneys failed in his fifties, received a renal transplant.",
         "dx.transplant"),
        ("Her cousin, who takes hydroxychloroquine, lives nearby.", "drug.hydroxychloroquine"),
        ("Unlike his sister, who had cyclophosphamide, he has only had MMF.",
         "drug.cyclophosphamide"),
        ("An older brother who was treated with rituximab in 2019 is well.", "drug.rituximab"),
    ],
)  # fmt: skip
def test_a_relative_clause_after_a_relative_is_the_relatives(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), concept)
    assert found and all(str(f.assertion) == "family" for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Unlike his sister, who had cyclophosphamide, he has only had MMF.",
         "drug.mycophenolate"),
        ("Her uncle, who is a GP, started her on hydroxychloroquine in 2025.",
         "drug.hydroxychloroquine"),
        ("Her mother, who had SLE, is worried about her daughter's creatinine of 88 umol/L.",
         "lab.creatinine"),
    ],
)  # fmt: skip
def test_the_patient_named_after_a_relatives_clause_is_the_patient(
    parser: NoteParser, text: str, concept: str
) -> None:
    # Guards for the relative-clause reading: these read right before it and must stay so.
    found = _read(parser, text, D(2026, 6, 1), concept)
    assert found and all(f.assertion in PATIENT_ASSERTIONS for f in found), _describe(found)


# ------------------------------------------------------------ 16. N months after a drug
@pytest.mark.parametrize(
    ("text", "note_date", "drug", "last"),
    [
        ("Seven months after the last infusion of rituximab she relapsed.",
         D(2026, 9, 20), "drug.rituximab", D(2026, 2, 20)),
        ("On 4 June 2026, 10 weeks after completing cyclophosphamide, counts were normal.",
         D(2026, 8, 1), "drug.cyclophosphamide", D(2026, 3, 26)),
        ("In 03/2026, five months post rituximab, CD19 was 0%.", D(2026, 7, 1),
         "drug.rituximab", D(2025, 10, 15)),
        ("Proteinuria recurred one year after stopping tacrolimus.", D(2026, 6, 1),
         "drug.tacrolimus", D(2025, 6, 1)),
        ("She flared a year after stopping mycophenolate.", D(2026, 6, 1),
         "drug.mycophenolate", D(2025, 6, 1)),
        ("Now ten weeks after her second dose of obinutuzumab, CD19 <1 cells/uL.",
         D(2026, 6, 1), "drug.obinutuzumab", D(2026, 3, 23)),
    ],
)  # fmt: skip
def test_n_months_after_a_drug_ends_its_course_then(
    parser: NoteParser, text: str, note_date: dt.date, drug: str, last: dt.date
) -> None:
    found = _read(parser, text, note_date, drug)
    assert found, "drug not read"
    for finding in found:
        assert _near(finding.attrs.get("stop_date"), last), _describe(found)
        assert finding.date != note_date, _describe(found)


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("Eight weeks post-rituximab, she remains on hydroxychloroquine.",
         "drug.hydroxychloroquine"),
        ("Six months after obinutuzumab she is well on mycophenolate 600 mg bd.",
         "drug.mycophenolate"),
    ],
)  # fmt: skip
def test_the_interval_after_a_drug_does_not_date_another_drug(
    parser: NoteParser, text: str, drug: str
) -> None:
    note_date = D(2026, 6, 1)
    found = _read(parser, text, note_date, drug)
    assert found and all(f.attrs.get("start_date") is None for f in found), _describe(found)


def test_a_drugs_own_duration_before_after_is_not_an_interval_to_the_next_drug(
    parser: NoteParser,
) -> None:
    # Guard: "for 6 months" is MMF's length; cyclophosphamide's course is not dated by it.
    # The course is over ("took") and no date is written, so its start is unknown: a length
    # is not a date (tests/test_nlp_course_dates.py).
    text = "She took MMF for 6 months after cyclophosphamide."
    mmf = _read(parser, text, D(2026, 6, 1), "drug.mycophenolate")
    cyc = _read(parser, text, D(2026, 6, 1), "drug.cyclophosphamide")
    assert mmf and all(
        f.attrs.get("duration_days") == 183 and f.attrs.get("start_unknown") for f in mmf
    ), _describe(mmf)
    assert cyc and all(f.attrs.get("stop_date") is None for f in cyc), _describe(cyc)


def test_n_months_after_starting_a_drug_is_an_ongoing_course(parser: NoteParser) -> None:
    # Guard: "after starting" dates a start, and the drug goes on.
    found = _read(parser, "Three months after starting MMF, UPCR is 1.1 g/g.", D(2026, 6, 1),
                  "drug.mycophenolate")  # fmt: skip
    assert found, "drug not read"
    assert all(_near(f.attrs.get("start_date"), D(2026, 3, 1)) for f in found), _describe(found)
    assert all(f.attrs.get("stop_date") is None for f in found), _describe(found)
