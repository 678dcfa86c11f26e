"""Issue 15: the note-reading mechanisms behind the fourteenth hold-out's misses.

The fourteenth hold-out is referral-centre paperwork: lab slips typed or transcribed with dot
leaders between a test and its result, inline results that write height as "ht", letters
from speech recognition that write "CD19" as the letter's sound and the rest ("see D19") or
its number apart ("CD 19"), pharmacy notes on drugs prescribed but out of stock, and dosing
charts with a tick box per dose. Each block names a mechanism and tests it with sentences
written for these tests, in several phrasings, with ones that must not fire. No hold-out
sentence is used.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from matcher.errors import VocabularyError
from matcher.model import Assertion, Status
from matcher.nlp import spoken
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.parse_support import decided
from tests.parse_support import found as _found
from tests.parse_support import only as _only


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# ------------------------------------------------- a leader of dots between name and value
# A typed or transcribed lab slip runs dots (or dashes) from the test to its result.
# (text, concept, value in the canonical unit)
LEADERS = [
    ("Haemoglobin ...... 9.7 g/dL", "lab.hemoglobin", 97.0),
    ("Platelets.........312 x10^9/L", "lab.platelets", 312.0),
    ("Serum creatinine .. 57 umol/L", "lab.creatinine", 57.0),
    ("Height ..... 151 cm", "lab.height", 151.0),
    ("ALT …… 33 U/L", "lab.alt", 33.0),
    ("Lymphocytes (abs) .... 0.9 x10^9/L", "lab.lymphocytes", 0.9),
    ("INR .... 1.1", "lab.inr", 1.1),
]


@pytest.mark.parametrize(("text", "concept", "value"), LEADERS)
def test_a_dot_leader_between_a_test_and_its_result_is_read_across(
    parser: NoteParser, text: str, concept: str, value: float
) -> None:
    assert _only(parser, text, concept).value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "concept"),
    [("Haemoglobin ...... not done (sample clotted)", "lab.hemoglobin"),
     ("ALT .... awaited", "lab.alt"),
     # a laboratory system's "no result" cell, then the reference range
     ("INR        ----        0.8-1.2", "lab.inr"),
     ("HB         ----   g/L  115-155       113", "lab.hemoglobin"),
     ("Creatinine .... see attached sheet", "lab.creatinine")],
)  # fmt: skip
def test_a_dot_leader_to_no_number_gives_no_value(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert not [f for f in _found(parser, text, concept) if f.value is not None]


# ------------------------------------------------------- "ht" is the height in a result run
@pytest.mark.parametrize(
    ("text", "value"),
    [("Obs: wt 38 kg, ht 141 cm, BP 110/70", 141.0),
     ("creat 52 umol/L, ht 1.49 m", 149.0),
     ("bloods ok; ht 155 cm today", 155.0)],
)  # fmt: skip
def test_lower_case_ht_is_the_height(parser: NoteParser, text: str, value: float) -> None:
    assert _only(parser, text, "lab.height").value == pytest.approx(value)


def test_ht_with_a_percent_is_no_height(parser: NoteParser) -> None:
    assert not [f for f in _found(parser, "ht 34 % (haematocrit)", "lab.height")
                if f.value is not None]  # fmt: skip


@pytest.mark.parametrize(
    ("note", "status"),
    [  # 36.5 x 141 / 52 = 99
        ("Review. creat 52 umol/L, ht 141 cm.", Status.MET),
        ("Review. Creatinine ..... 52 umol/L\nHeight ..... 141 cm", Status.MET),
        # 36.5 x 120 / 150 = 29
        ("Review. creat 150 umol/L, ht 120 cm.", Status.NOT_MET),
        # a messaging referral without units: 52 is umol/L, 141 is cm
        ("Pls review: creat 52, ht 141. Thx", Status.MET),
        # dictated: the numbers and the units said as words
        ("creatinine forty six micromoles per litre and height one point four two metres "
         "full stop", Status.MET),
        ("creatinine one point nine milligrams per decilitre comma height one hundred and "
         "twenty centimetres full stop", Status.NOT_MET),
        ("creat 52 umol per litre, ht 141 cm", Status.MET),
        # no height: nothing to estimate with
        ("Review. creat 52 umol/L.", Status.UNKNOWN),
    ],
)
def test_creatinine_and_ht_give_the_bedside_schwartz_egfr(note: str, status: Status) -> None:
    assert decided("inclusion", "eGFR >= 60 mL/min/1.73 m2 (bedside Schwartz)", note) is status


# --------------------------------------------- a letter said as a word; a number said apart
# (text, CD19 value in %)
CD19_SAID = [
    ("Flow showed see D19 positive B cells six percent.", 6.0),
    ("See D19 positive four percent on the last panel.", 4.0),
    ("CD 19 positive twelve percent.", 12.0),
    ("Flow: CD 19 B cells 3 %", 3.0),
    ("CD19 positive 7 % of lymphocytes", 7.0),
]


@pytest.mark.parametrize(("text", "value"), CD19_SAID)
def test_a_marker_said_in_pieces_is_the_marker(parser: NoteParser, text: str,
                                               value: float) -> None:  # fmt: skip
    finding = _only(parser, text, "lab.cd19")
    assert finding.value == pytest.approx(value) and finding.attrs["present"] is True


@pytest.mark.parametrize(
    ("text", "concept"),
    [("We will see you in clinic in six weeks.", "lab.cd19"),
     ("Please see ENT about the hearing.", "lab.cd19"),
     ("Hepatitis C 3 years ago, treated.", "lab.c3")],
)  # fmt: skip
def test_words_that_spell_no_marker_stay(parser: NoteParser, text: str, concept: str) -> None:
    assert not _found(parser, text, concept)


def test_the_reading_text_joins_the_letter_in_place() -> None:
    text = "see D19 positive; CD 19 low; I will see you"
    reading = spoken.spoken_as_written(text, frozenset({"CD19", "UPCR"}))
    assert len(reading) == len(text)
    assert reading.split() == ["CD19", "positive;", "CD19", "low;", "I", "will", "see", "you"]


def test_the_evidence_quotes_the_words_as_written(parser: NoteParser) -> None:
    (finding,) = _found(parser, "Flow: see D19 positive 9 %", "lab.cd19")
    assert finding.text.startswith("see D19")


@pytest.mark.parametrize(
    "change",
    [lambda d: d["letter_homophones"].update(see="CD"),
     lambda d: d["letter_homophones"].update(See="C"),
     lambda d: d.update(letter_homophones=[])],
)  # fmt: skip
def test_malformed_letter_homophones_are_refused_naming_the_field(change) -> None:
    data = json.loads(spoken.data_text("spoken_numbers.json"))
    change(data)
    with pytest.raises(VocabularyError) as refused:
        spoken._validated(data)
    assert "letter_homophones" in str(refused.value)


# ------------------------------------------------ a prescription never dispensed is no dose
# (text, drug): no affirmed mention of the drug may be left
NOT_SUPPLIED = [
    ("Tacrolimus 0.05 mg/kg bd prescribed today.\nPharmacy: tacrolimus out of stock, not "
     "dispensed.", "drug.tacrolimus"),
    ("Cyclophosphamide 500 mg IV ordered for today. Cyclophosphamide stock-out at the "
     "hospital.", "drug.cyclophosphamide"),
    ("Mycophenolate prescribed but never dispensed.", "drug.mycophenolate"),
    ("Azathioprine: never received - the family could not buy it.", "drug.azathioprine"),
]


@pytest.mark.parametrize(("text", "drug"), NOT_SUPPLIED)
def test_a_drug_the_note_says_was_not_supplied_is_no_exposure(
    parser: NoteParser, text: str, drug: str
) -> None:
    mentions = _found(parser, text, drug)
    assert mentions and all(f.assertion is Assertion.NEGATED for f in mentions), mentions


# (text, drug): one affirmed mention must stay
STILL_GIVEN = [
    # prescribed and given: the prescription sentence says so
    ("Tacrolimus prescribed and started today. Pharmacy: tacrolimus out of stock next month.",
     "drug.tacrolimus"),
    # an older course the stock-out does not undo
    ("Mycophenolate prescribed in 03/2025. Mycophenolate out of stock since last week.",
     "drug.mycophenolate"),
    # another drug is out of stock
    ("Tacrolimus prescribed today. Pharmacy: cyclophosphamide out of stock.",
     "drug.tacrolimus"),
    # out of stock, then obtained and given
    ("Cyclophosphamide 500 mg IV given 02/11/2026 after last month's stock-out.",
     "drug.cyclophosphamide"),
]


@pytest.mark.parametrize(("text", "drug"), STILL_GIVEN)
def test_a_drug_given_despite_a_stock_out_stays_an_exposure(
    parser: NoteParser, text: str, drug: str
) -> None:
    assert any(f.assertion is Assertion.AFFIRMED for f in _found(parser, text, drug))


def test_an_undispensed_prescription_is_no_recent_exposure() -> None:
    note = ("IV cyclophosphamide 500 mg prescribed today.\n"
            "Pharmacy: cyclophosphamide out of stock - not dispensed.")
    item = "IV cyclophosphamide within 3 months before screening"
    assert decided("exclusion", item, note) is Status.NOT_MET
    given = "IV cyclophosphamide 500 mg given today (01/11/2026)."
    assert decided("exclusion", item, given) is Status.MET


# ---------------------------------------- a dosing chart under a drug line, with tick boxes
_CHART = (
    "Cyclophosphamide IV 500 mg fortnightly\n"
    "Dose 1   23/07/2026  given  Y [x] N [ ]\n"
    "Dose 2   06/08/2026  given  Y [x] N [ ]\n"
    "Dose 3   {third}/08/2026  given  Y [{yes}] N [{no}]\n"
)


@pytest.mark.parametrize(
    ("yes", "no", "status"),
    # the window starts on 2026-08-21: dose 3 on the 27th is in it, if it was given
    [("x", " ", Status.MET), (" ", "x", Status.NOT_MET), (" ", "X", Status.NOT_MET)],
)
def test_a_dose_row_ticked_no_was_not_given(yes: str, no: str, status: Status) -> None:
    note = _CHART.format(third="27", yes=yes, no=no)
    item = "IV cyclophosphamide within 3 months before screening"
    assert decided("exclusion", item, note) is status


def test_a_drug_line_over_dated_given_rows_is_dated_by_them(parser: NoteParser) -> None:
    note = _CHART.format(third="20", yes="x", no=" ")
    mentions = _found(parser, note, "drug.cyclophosphamide")
    assert mentions
    for mention in mentions:
        assert mention.attrs["start_date"] == dt.date(2026, 7, 23)
        assert mention.attrs["stop_date"] == dt.date(2026, 8, 20)


@pytest.mark.parametrize(
    ("note", "drug"),
    [  # the row below names another drug: its dose is that drug's
        ("Mycophenolate 600 mg/m2 bd\nRituximab 375 mg/m2 23/07/2026 given\n",
         "drug.mycophenolate"),
        # a plan's line is no heading
        ("Plan: cyclophosphamide 500 mg IV\nDose 1   23/07/2026  given\n",
         "drug.cyclophosphamide"),
        # the drug's line has a date of its own
        ("Cyclophosphamide 500 mg 09/07/2026\nDose 2   23/07/2026  given\n",
         "drug.cyclophosphamide"),
    ],
)
def test_a_drug_line_that_heads_no_chart_keeps_its_own_reading(
    parser: NoteParser, note: str, drug: str
) -> None:
    (mention,) = _found(parser, note, drug)
    assert mention.attrs.get("stop_date") is None


# ----------------------------------------------- two names of one drug share its dates
# "Euro-Lupus cyclophosphamide": the regimen and the drug are one mention; the date written
# after the list was read for the drug's name only, and the regimen took the note's date
# (an exposure on the note's day, inside every exclusion window).
@pytest.mark.parametrize(
    ("text", "start"),
    [("Courses so far: steroids, Euro-Lupus cyclophosphamide and mycophenolate since 2025.",
      dt.date(2025, 7, 1)),
     ("Has had tacrolimus and NIH cyclophosphamide since 04/2025.", dt.date(2025, 4, 15)),
     ("Endoxan (cyclophosphamide) 500 mg given 25/06/2025.", dt.date(2025, 6, 25))],
)  # fmt: skip
def test_two_names_of_one_drug_share_the_dates_written_for_it(
    parser: NoteParser, text: str, start: dt.date
) -> None:
    mentions = _found(parser, text, "drug.cyclophosphamide")
    assert mentions
    assert all(f.attrs.get("start_date") == start for f in mentions), mentions


# ------------------------------------------------ an HIV test named by its method
# "HIV rapid test non-reactive", "HIV ELISA negative": a test result, not a statement that
# the patient has no HIV (a serology criterion asks for the test).
@pytest.mark.parametrize(
    ("text", "result"),
    [("Screening bloods: HIV rapid test non-reactive, malaria RDT negative.", "negative"),
     ("HIV ELISA negative on 02/10/2026.", "negative"),
     ("HIV RDT reactive - confirmatory assay sent.", "positive"),
     ("HIV rapid diagnostic test: non-reactive", "negative")],
)  # fmt: skip
def test_an_hiv_test_named_by_its_method_is_a_test_result(
    parser: NoteParser, text: str, result: str
) -> None:
    (test,) = _found(parser, text, "lab.hiv")
    assert test.assertion is Assertion.AFFIRMED and test.attrs["result"] == result


@pytest.mark.parametrize(
    "text",
    ["HIV rapid test to be done at the next visit.", "Mother's HIV rapid test was negative."],
)
def test_an_hiv_test_planned_or_a_relatives_is_no_result_of_the_patient(
    parser: NoteParser, text: str
) -> None:
    assert not [f for f in _found(parser, text, "lab.hiv") if f.is_patient_fact]
