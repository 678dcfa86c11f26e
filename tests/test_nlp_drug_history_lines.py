"""When a drug history line says a course ended, the exposure ends there.

Acute-care notes summarise treatment in a line ("DHx: prednisolone since 2021,
cyclophosphamide completed 2024, MMF since 01/2025. Last rituximab 01-12-2025.") and later
in a summary of what failed ("nephrotic proteinuria despite CYC, MMF and steroids over >2
years"). Read as courses running up to the note, each put an old cyclophosphamide or
rituximab course inside a 3- or 6-month washout (hold-out 19: two wrong exclusions).
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text

NOTE_DATE = dt.date(2026, 10, 30)


def _drug(text: str, concept: str, note_date: dt.date = NOTE_DATE) -> dict:
    found = [f for f in parse_text(text, note_date) if f.concept == concept]
    assert len(found) == 1, [f.concept for f in parse_text(text, note_date)]
    return dict(found[0].attrs)


@pytest.mark.parametrize(
    ("text", "concept", "last_dose"),
    [
        ("DHx: prednisone since 2022. Last rituximab 21-12-2025.", "drug.rituximab",
         dt.date(2025, 12, 21)),
        ("Last CYC: 14/03/2026. On MMF.", "drug.cyclophosphamide", dt.date(2026, 3, 14)),
        ("last RTX on 12 Jan 2026", "drug.rituximab", dt.date(2026, 1, 12)),
        ("Final obinutuzumab 02/02/2026, B cells depleted.", "drug.obinutuzumab",
         dt.date(2026, 2, 2)),
    ],
)
def test_last_drug_with_a_date_is_its_last_dose(text: str, concept: str,
                                                 last_dose: dt.date) -> None:
    attrs = _drug(text, concept)
    assert attrs["stop_date"] == last_dose


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # A level of a drug is no dose, and a running drug is "since", not "last".
        ("Last MMF level 2.1 mg/L on 01/09/2026.", "drug.mycophenolate"),
        ("Last prednisone 10 mg daily since 2023.", "drug.glucocorticoid"),
    ],
)
def test_last_with_no_date_right_after_the_drug_ends_no_course(text: str, concept: str) -> None:
    assert _drug(text, concept).get("stop_date") is None


@pytest.mark.parametrize(
    ("text", "concept", "year"),
    [
        ("DHx: prednisolone (since 2021), cyclophosphamide completed 2024, MMF since 01/2025.",
         "drug.cyclophosphamide", 2024),
        ("IV CYC finished 2023; MMF since 2024.", "drug.cyclophosphamide", 2023),
        ("MMF stopped 2024. GI upset settled.", "drug.mycophenolate", 2024),
    ],
)
def test_a_course_over_in_a_year_was_given_that_year(text: str, concept: str,
                                                      year: int) -> None:
    assert _drug(text, concept)["given_in_year"] == year


@pytest.mark.parametrize(
    "text",
    [
        "Refractory LN: nephrotic proteinuria despite CYC, MMF and steroids over >2 years.",
        "Refractory to MMF and tacrolimus for 3 years.",
        "Failed MMF 6 months, switched plan to discuss.",
    ],
)
def test_a_length_in_a_summary_of_failed_treatment_is_no_course_up_to_the_note(
    text: str,
) -> None:
    for finding in parse_text(text, NOTE_DATE):
        if finding.category == "drug":
            assert finding.attrs.get("start_date") is None
            assert finding.attrs.get("duration_days")  # still the length treated


def test_a_drug_given_now_after_a_despite_clause_keeps_its_course() -> None:
    attrs = _drug("Despite the rash, on MMF for 6 months.", "drug.mycophenolate")
    assert attrs["start_date"] == NOTE_DATE - dt.timedelta(days=183)


@pytest.mark.parametrize(("text", "start", "stop"), [
    ("Rituximab 03/2025 (2 doses).", dt.date(2025, 3, 15), dt.date(2025, 4, 15)),
    ("Rituximab x2 in 03/2025.", dt.date(2025, 3, 15), dt.date(2025, 4, 15)),
    ("rituximab 1 g x 2 (March 2025)", dt.date(2025, 3, 15), dt.date(2025, 4, 15)),
])
def test_a_short_counted_course_at_a_date_is_over_within_the_month(text, start, stop) -> None:
    # "Rituximab 03/2025 (2 doses)" in a note of 2026 is no drug taken ever since (hold-out 20)
    attrs = _drug(text, "drug.rituximab")
    assert (attrs["start_date"], attrs["stop_date"]) == (start, stop)


@pytest.mark.parametrize(("text", "concept"), [
    ("CYC monthly x6 from 01/2025", "drug.cyclophosphamide"),
    ("IV CYC 500 mg x6 doses from 01/2025", "drug.cyclophosphamide"),
    ("MMF 1 g bd x2 since 03/2025", "drug.mycophenolate"),
    ("Rituximab 375 mg/m2 weekly x4 from 02/2026", "drug.rituximab"),
    # dated to the day: the reading of that day stands (the README example's P-002)
    ("Rituximab 750 mg/m2 two doses given 20/08/2026.", "drug.rituximab"),
])
def test_a_long_or_repeating_course_or_one_dated_to_the_day_keeps_no_end(text, concept) -> None:
    assert _drug(text, concept)["stop_date"] is None
