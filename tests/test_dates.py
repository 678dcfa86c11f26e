"""Dates in clinic notes: every written form, relative dates, ranges, ambiguity, speed."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import DateParseError, MatcherError
from matcher.nlp.dates import (
    DateMention,
    DurationMention,
    find_dates,
    find_durations,
    infer_day_first,
    parse_date,
    resolve_partial,
    window_to_days,
)

NOTE = dt.date(2026, 3, 20)  # a Friday; every relative date below is read against it
D = dt.date


def only(text: str, note_date: dt.date = NOTE, **kwargs: object) -> DateMention:
    found = find_dates(text, note_date, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- window_to_days


@pytest.mark.parametrize(
    ("amount", "unit", "days"),
    [
        (2, "weeks", 14),
        (3, "months", 91),
        (6, "months", 183),
        (9, "months", 274),
        (12, "months", 365),
        (1, "year", 365),
        (10, "days", 10),
        (18, "mo", 548),
    ],
)
def test_window_to_days_keeps_guideline_arithmetic(amount: float, unit: str, days: int) -> None:
    assert window_to_days(amount, unit) == days


def test_window_to_days_rejects_unknown_unit() -> None:
    with pytest.raises(ValueError):
        window_to_days(3, "fortnights")


# --------------------------------------------------------------------------- absolute forms


@pytest.mark.parametrize(
    ("text", "span", "date", "precision"),
    [
        ("Biopsy 2026-03-14 showed class IV", "2026-03-14", D(2026, 3, 14), "day"),
        ("drawn 2026/03/14", "2026/03/14", D(2026, 3, 14), "day"),
        ("2026-03-14T10:00 labs", "2026-03-14", D(2026, 3, 14), "day"),
        ("on 14/03/2026", "14/03/2026", D(2026, 3, 14), "day"),
        ("on 03/14/2026", "03/14/2026", D(2026, 3, 14), "day"),
        ("on 04/04/2026", "04/04/2026", D(2026, 4, 4), "day"),  # same either way
        ("on 14.03.2026", "14.03.2026", D(2026, 3, 14), "day"),
        ("on 14-03-2026", "14-03-2026", D(2026, 3, 14), "day"),
        ("on 14/03/26", "14/03/26", D(2026, 3, 14), "day"),
        ("DOB 13/05/98", "13/05/98", D(1998, 5, 13), "day"),  # two-digit year of a birth
        ("15-Nov-2025 biopsy", "15-Nov-2025", D(2025, 11, 15), "day"),
        ("15-Nov-25 biopsy", "15-Nov-25", D(2025, 11, 15), "day"),
        ("seen 14 Mar 2026", "14 Mar 2026", D(2026, 3, 14), "day"),
        ("seen 14 March 2026", "14 March 2026", D(2026, 3, 14), "day"),
        ("seen 14 Mar. 2026", "14 Mar. 2026", D(2026, 3, 14), "day"),
        ("seen 14th March 2026", "14th March 2026", D(2026, 3, 14), "day"),
        ("seen 14th of March, 2026", "14th of March, 2026", D(2026, 3, 14), "day"),
        ("seen Mar 14, 2026", "Mar 14, 2026", D(2026, 3, 14), "day"),
        ("seen March 14 2026", "March 14 2026", D(2026, 3, 14), "day"),
        ("seen March 14th, 2026", "March 14th, 2026", D(2026, 3, 14), "day"),
        ("seen MAR 14 2026", "MAR 14 2026", D(2026, 3, 14), "day"),
        ("seen Sept 14, 2025", "Sept 14, 2025", D(2025, 9, 14), "day"),
        ("seen Sep 14, 2025", "Sep 14, 2025", D(2025, 9, 14), "day"),
        ("seen 2026-Mar-14", "2026-Mar-14", D(2026, 3, 14), "day"),
        ("biopsy March 2026", "March 2026", D(2026, 3, 15), "month"),
        ("biopsy Mar 2026", "Mar 2026", D(2026, 3, 15), "month"),
        ("biopsy Sept. 2025", "Sept. 2025", D(2025, 9, 15), "month"),
        ("biopsy Sep 2025", "Sep 2025", D(2025, 9, 15), "month"),
        ("biopsy Mar-2026", "Mar-2026", D(2026, 3, 15), "month"),
        ("biopsy Mar '26", "Mar '26", D(2026, 3, 15), "month"),
        ("biopsy 03/2026", "03/2026", D(2026, 3, 15), "month"),
        ("biopsy 3/2026", "3/2026", D(2026, 3, 15), "month"),
        ("biopsy 2026-03", "2026-03", D(2026, 3, 15), "month"),
        ("biopsy 2026/03", "2026/03", D(2026, 3, 15), "month"),
        ("biopsy 2023 March", "2023 March", D(2023, 3, 15), "month"),
        ("diagnosed in 2023", "2023", D(2023, 7, 1), "year"),
        ("on MMF since 2021", "2021", D(2021, 7, 1), "year"),
        ("lupus nephritis (2022)", "2022", D(2022, 7, 1), "year"),
        ("steroids from 2019 on", "2019", D(2019, 7, 1), "year"),
        ("relapse in mid-2023", "2023", D(2023, 7, 1), "year"),
        ("flare in the summer of 2022", "2022", D(2022, 7, 1), "year"),
        ("until 2027 per plan", "2027", D(2027, 7, 1), "year"),  # note year + 1 still a year
    ],
)
def test_absolute_forms(text: str, span: str, date: dt.date, precision: str) -> None:
    mention = only(text)
    assert mention.text == span
    assert text[mention.start : mention.end] == span
    assert mention.date == date
    assert mention.precision == precision
    assert mention.kind == "absolute"
    assert not mention.ambiguous


@pytest.mark.parametrize(
    "text",
    [
        "ALT 1.2-3.4",  # a reference range
        "ALT 85 (7-40)",
        "ANA 1:640 speckled",
        "Cr 1200",
        "2026 mg daily",
        "in 2026 mg doses",
        "WBC of 2000",
        "platelets 2000/uL",
        "ANC fell from 2000 to 1500",
        "range 1200-1500",
        "BP 120/80",
        "BP 120/80/60",
        "version 1.2.3",
        "at 10:30",
        "WBC 5.2 x10^9/L",
        "she may need a biopsy",  # "may" the verb
        "in may be needed",
        "WBC 2000 may reflect steroids",
        "pi is 3.14159",
        "12026-03-14",  # a date must not match inside a longer number
        "2026-03-141",
        "31/02/2026",  # no 31 February in either order
        "13/13/2026",
        "00/00/0000",
        "1999",  # a bare year with no date words is a number
        "in 1850",  # before any patient's history
        "in 2040",  # after next year
        "12/2049",
        "2025-2023",  # backwards years are not a range
        "2024-2030",  # the end is not yet a plausible year
        "1900-1910",
        "ref 1950-2000",  # a printed normal range
        "(N: 1990-2010)",
        "x 6 months",
        "",
    ],
)
def test_not_a_date(text: str) -> None:
    assert find_dates(text, NOTE) == []


# --------------------------------------------------------------------------- ambiguity


def test_ambiguous_numeric_date_without_convention_is_not_guessed() -> None:
    mention = only("Seen 04/05/2026 in clinic")
    assert mention.ambiguous
    assert mention.date is None
    assert mention.text == "04/05/2026"


@pytest.mark.parametrize(("day_first", "date"), [(True, D(2026, 5, 4)), (False, D(2026, 4, 5))])
def test_ambiguous_numeric_date_follows_given_convention(day_first: bool, date: dt.date) -> None:
    mention = only("Seen 04/05/2026", day_first=day_first)
    assert mention.date == date
    assert not mention.ambiguous


def test_impossible_field_wins_over_given_convention() -> None:
    # 13/03 cannot be month-first whatever the caller believed.
    assert only("on 13/03/2026", day_first=False).date == D(2026, 3, 13)
    assert only("on 03/13/2026", day_first=True).date == D(2026, 3, 13)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Biopsy 13/03/2026. Previous UPCR 04/05/2025.", D(2025, 5, 4)),
        ("Biopsy 03/13/2026. Previous UPCR 04/05/2025.", D(2025, 4, 5)),
    ],
)
def test_note_convention_resolves_ambiguous_dates(text: str, date: dt.date) -> None:
    mentions = find_dates(text, NOTE)
    assert [m.date for m in mentions][-1] == date
    assert not any(m.ambiguous for m in mentions)


def test_conflicting_note_convention_stays_ambiguous() -> None:
    mentions = find_dates("13/03/2026 and 03/13/2026 then 04/05/2025", NOTE)
    assert mentions[-1].ambiguous and mentions[-1].date is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13/03/2026", True),
        ("13.03.2026 and 04.05.2026", True),
        ("03/13/2026", False),
        ("04/05/2026", None),
        ("2026-03-14", None),  # ISO says nothing about dd/mm
        ("13/03/2026 and 03/13/2026", None),
        ("no dates at all", None),
        ("31/12/25", True),
    ],
)
def test_infer_day_first(text: str, expected: bool | None) -> None:
    assert infer_day_first(text) is expected


# --------------------------------------------------------------------------- relative forms


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("3 days ago", D(2026, 3, 17), "day"),
        ("2 weeks ago", D(2026, 3, 6), "day"),
        ("six weeks ago", D(2026, 2, 6), "day"),
        ("3 months ago", NOTE - dt.timedelta(days=91), "month"),
        ("a month ago", NOTE - dt.timedelta(days=30), "month"),
        ("1 year ago", NOTE - dt.timedelta(days=365), "year"),
        ("10d ago", D(2026, 3, 10), "day"),
        ("last week", D(2026, 3, 13), "day"),
        ("yesterday", D(2026, 3, 19), "day"),
        ("last night", D(2026, 3, 19), "day"),
        ("today", NOTE, "day"),
        ("this morning", NOTE, "day"),
        ("this admission", NOTE, "day"),
        ("this visit", NOTE, "day"),
        ("on admission", NOTE, "day"),
        ("last month", D(2026, 2, 15), "month"),
        ("this month", D(2026, 3, 15), "month"),
        ("last year", D(2025, 7, 1), "year"),
        ("in September", D(2025, 9, 15), "month"),
        ("in Sept", D(2025, 9, 15), "month"),
        ("in early Sept", D(2025, 9, 15), "month"),
        ("in May", D(2025, 5, 15), "month"),
        ("in March", D(2026, 3, 15), "month"),  # the note's own month counts
        ("in January", D(2026, 1, 15), "month"),
        ("last March", D(2025, 3, 15), "month"),  # "last" skips the note's own month
        ("seen on 3 March", D(2026, 3, 3), "day"),
        ("seen on March 3", D(2026, 3, 3), "day"),
        ("seen on 25 December", D(2025, 12, 25), "day"),
    ],
)
def test_relative_forms(text: str, date: dt.date, precision: str) -> None:
    mention = only(text)
    assert mention.date == date
    assert mention.precision == precision
    assert mention.kind == "relative"
    assert text[mention.start : mention.end] == mention.text


def test_earlier_this_year_spans_january_to_note_date() -> None:
    mention = only("flare earlier this year")
    assert (mention.date, mention.end_date) == (D(2026, 1, 1), NOTE)


def test_last_month_in_january_is_previous_december() -> None:
    assert only("last month", dt.date(2026, 1, 10)).date == D(2025, 12, 15)


def test_relative_dates_need_the_note_date_in_parse_date() -> None:
    with pytest.raises(DateParseError):
        parse_date("3 months ago")
    assert parse_date("3 months ago", NOTE) == (D(2025, 12, 19), "month")


# --------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("text", "span", "start", "end", "precision"),
    [
        ("MMF Apr-Sep 2023", "Apr-Sep 2023", D(2023, 4, 15), D(2023, 9, 15), "month"),
        ("MMF April to September 2023", "April to September 2023", D(2023, 4, 15),
         D(2023, 9, 15), "month"),
        ("MMF Nov-Feb 2024", "Nov-Feb 2024", D(2023, 11, 15), D(2024, 2, 15), "month"),
        ("CYC 2023-2025", "2023-2025", D(2023, 7, 1), D(2025, 7, 1), "year"),
        ("CYC 2023–2025", "2023–2025", D(2023, 7, 1), D(2025, 7, 1), "year"),
        ("CYC 2024-2025", "2024-2025", D(2024, 7, 1), D(2025, 7, 1), "year"),
        ("TAC Feb 2025 - Jun 2026", "Feb 2025 - Jun 2026", D(2025, 2, 15), D(2026, 6, 15),
         "month"),
        ("TAC from March 2024 to June 2025", "from March 2024 to June 2025", D(2024, 3, 15),
         D(2025, 6, 15), "month"),
        ("TAC between March 2024 and June 2025", "between March 2024 and June 2025",
         D(2024, 3, 15), D(2025, 6, 15), "month"),
        ("MMF 01/2024-06/2024", "01/2024-06/2024", D(2024, 1, 15), D(2024, 6, 15), "month"),
        ("admitted 14/03/2026 - 18/03/2026", "14/03/2026 - 18/03/2026", D(2026, 3, 14),
         D(2026, 3, 18), "day"),
    ],
)  # fmt: skip
def test_ranges(text: str, span: str, start: dt.date, end: dt.date, precision: str) -> None:
    mention = only(text)
    assert mention.kind == "range"
    assert mention.text == span
    assert (mention.date, mention.end_date) == (start, end)
    assert mention.precision == precision


def test_two_years_joined_by_and_are_not_a_range() -> None:
    mentions = find_dates("in 2023 and in 2025", NOTE)
    assert [m.kind for m in mentions] == ["absolute", "absolute"]


# --------------------------------------------------------------------------- notes


def test_full_note_finds_each_date_in_order() -> None:
    note = (
        "12 yo F with SLE dx in 2021. Renal biopsy 14/02/2026: class IV-G (A). "
        "On MMF since Mar 2025, pred taper. UPCR 2.1 g/g 3 weeks ago. ALT 85 (7-40). "
        "Plan repeat labs today."
    )
    found = find_dates(note, NOTE)
    assert [(m.text, m.date) for m in found] == [
        ("2021", D(2021, 7, 1)),
        ("14/02/2026", D(2026, 2, 14)),
        ("Mar 2025", D(2025, 3, 15)),
        ("3 weeks ago", D(2026, 2, 27)),
        ("today", NOTE),
    ]
    for mention in found:
        assert note[mention.start : mention.end] == mention.text


# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("2026-03-14", D(2026, 3, 14), "day"),
        (" 14 Mar 2026 ", D(2026, 3, 14), "day"),
        ("Mar 14, 2026", D(2026, 3, 14), "day"),
        ("13/03/2026", D(2026, 3, 13), "day"),
        ("March 2026", D(2026, 3, 15), "month"),
        ("03/2026", D(2026, 3, 15), "month"),
        ("2026-03", D(2026, 3, 15), "month"),
        ("2021", D(2021, 7, 1), "year"),
        ("2031", D(2031, 7, 1), "year"),  # a bare field is a year whatever its value
    ],
)
def test_parse_date(text: str, date: dt.date, precision: str) -> None:
    assert parse_date(text) == (date, precision)


def test_parse_date_uses_day_first() -> None:
    assert parse_date("04/05/2026", day_first=True) == (D(2026, 5, 4), "day")
    assert parse_date("04/05/2026", day_first=False) == (D(2026, 4, 5), "day")


@pytest.mark.parametrize(
    "text", ["", "   ", "garbage", "31/02/2026", "04/05/2026", "2023-2025", "seen 2026-03-14"]
)
def test_parse_date_errors_name_value_and_forms(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert isinstance(caught.value, MatcherError)
    assert caught.value.received == text
    assert caught.value.expected


# --------------------------------------------------------------------------- resolve_partial


@pytest.mark.parametrize(
    ("args", "date"),
    [
        ((2026, 3), D(2026, 3, 15)),
        ((2021,), D(2021, 7, 1)),
        ((2024, 2, 29), D(2024, 2, 29)),
    ],
)
def test_resolve_partial(args: tuple[int, ...], date: dt.date) -> None:
    assert resolve_partial(*args) == date


@pytest.mark.parametrize(
    "args", [(2025, 2, 29), (2026, 13), (2026, 0), (0,), (2026, None, 5), (2026, 4, 31)]
)
def test_resolve_partial_rejects_impossible_dates(args: tuple[int | None, ...]) -> None:
    with pytest.raises(DateParseError):
        resolve_partial(*args)  # type: ignore[arg-type]


@given(
    year=st.integers(1, 9999),
    month=st.none() | st.integers(1, 12),
    day=st.integers(1, 31),
    with_day=st.booleans(),
)
def test_resolve_partial_always_valid(
    year: int, month: int | None, day: int, with_day: bool
) -> None:
    if month is None:
        assert resolve_partial(year) == D(year, 7, 1)
        return
    day = min(day, calendar.monthrange(year, month)[1])
    got = resolve_partial(year, month, day if with_day else None)
    assert (got.year, got.month) == (year, month)
    assert got.day == (day if with_day else 15)


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "span", "days"),
    [
        ("on MMF for 10 months", "for 10 months", 304),
        ("for the past 2 years", "for the past 2 years", 730),
        ("MMF x 6 months", "x 6 months", 183),
        ("CYC × 6 months", "× 6 months", 183),
        ("pred 3 weeks", "3 weeks", 21),
        ("TAC 18 mo", "18 mo", 548),
        ("TAC 1.5 years", "1.5 years", 548),
        ("six months of MMF", "six months", 183),
        ("for a year", "for a year", 365),
        ("for twelve months", "for twelve months", 365),
        ("over the last 9 months", "over the last 9 months", 274),
        ("a 6-month course", "6-month", 183),
        ("IV pulses x3 days", "x3 days", 3),
        ("pred x 2 wks", "x 2 wks", 14),
        ("HCQ for 3 yrs", "for 3 yrs", 1095),
    ],
)
def test_durations(text: str, span: str, days: int) -> None:
    found = find_durations(text)
    assert found == [DurationMention(text.index(span), text.index(span) + len(span), span, days)]


@pytest.mark.parametrize(
    "text",
    [
        "3 months ago",  # a point in time, not a length
        "12 years old",
        "18-month-old",
        "aged 12 years",
        "3-6 months",  # a range: no single length
        "a year",  # bare "a": prose, not a stated duration
        "someone day",
        "nothing here",
    ],
)
def test_not_a_duration(text: str) -> None:
    assert find_durations(text) == []


# --------------------------------------------------------------------------- properties

_TOKENS = [
    "2026", "03", "14", "/", "-", ".", " ", "Mar", "March", "Sept", "in ", "since ", "(", ")",
    "ago", "days", "months", "last", "week", "–", "to", "from ", "and", "1:640", "x10^9/L",
    "ſept", "K", "٣", "\u00a0", "0", "99", "31", "12", "2023", "1950",
]  # fmt: skip
_DATE_LIKE = st.lists(st.sampled_from(_TOKENS) | st.text(max_size=3), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.text() | _DATE_LIKE, day_first=st.none() | st.booleans())
def test_find_dates_never_raises_and_spans_index_text(text: str, day_first: bool | None) -> None:
    found = find_dates(text, NOTE, day_first=day_first)
    previous_end = 0
    for mention in found:
        assert text[mention.start : mention.end] == mention.text
        assert mention.start >= previous_end  # sorted, no overlaps
        previous_end = mention.end
        assert mention.precision in ("day", "month", "year")
        assert mention.kind in ("absolute", "relative", "range")
        assert (mention.date is None) == mention.ambiguous
        if mention.end_date is not None and mention.date is not None:
            assert mention.end_date >= mention.date
    for duration in find_durations(text):
        assert text[duration.start : duration.end] == duration.text
        assert duration.days >= 0


@settings(max_examples=100, deadline=None)
@given(
    text=_DATE_LIKE,
    note_date=st.sampled_from([dt.date.min, dt.date.max, D(1900, 1, 1), D(2100, 12, 31)])
    | st.dates(),
)
def test_find_dates_never_raises_for_any_note_date(text: str, note_date: dt.date) -> None:
    for mention in find_dates(text + " yesterday last year in May 3 days ago", note_date):
        assert mention.start < mention.end


@given(
    days=st.integers(0, 9999),
    note_date=st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)),
)
def test_n_days_ago_is_note_date_minus_n(days: int, note_date: dt.date) -> None:
    mention = only(f"Rash started {days} days ago.", note_date)
    assert mention.date == note_date - dt.timedelta(days=days)


@given(date=st.dates(min_value=D(1950, 1, 1), max_value=D(2027, 12, 31)))
def test_iso_and_textual_dates_round_trip(date: dt.date) -> None:
    month = date.strftime("%B")
    for text in (
        date.isoformat(),
        f"{date.day} {month} {date.year}",
        f"{month} {date.day}, {date.year}",
    ):
        assert parse_date(text) == (date, "day")


# --------------------------------------------------------------------------- complexity


def _elapsed(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        find_dates(text, NOTE)
        find_durations(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "make",
    [
        lambda n, rng: "".join(rng.choice("0123456789/") for _ in range(n)),
        lambda n, rng: "".join(rng.choice("0123456789/.- ") for _ in range(n)),
        lambda n, rng: " ".join(str(rng.randint(0, 3000)) for _ in range(n // 5))[:n],
        lambda n, rng: ("14" + " " * n + "Mar")[:n],
        lambda n, rng: ("March in " * n)[:n],
    ],
    ids=["digits-slashes", "digits-separators", "numbers", "whitespace", "month-words"],
)
def test_scan_time_grows_linearly(make: object) -> None:
    rng = random.Random(7)
    small = make(100_000, rng)  # type: ignore[operator]
    large = make(1_000_000, rng)  # type: ignore[operator]
    ratio = _elapsed(large) / max(_elapsed(small), 1e-4)
    assert ratio < 40, ratio  # linear is ~10; quadratic would be ~100


def test_two_megabytes_of_digits_and_slashes_is_fast() -> None:
    rng = random.Random(11)
    text = "".join(rng.choice("0123456789/") for _ in range(2_000_000))
    started = time.perf_counter()
    find_dates(text, NOTE)
    assert time.perf_counter() - started < 20  # a couple of seconds normally; catches blow-ups


def test_ambiguous_slash_date_takes_the_reading_not_after_the_note():
    note = dt.date(2026, 11, 15)
    (mention,) = find_dates("Renal biopsy (12/10/2026)", note)
    assert mention.date == dt.date(2026, 10, 12) and not mention.ambiguous
    (both_past,) = find_dates("seen 04/05/2026", note)
    assert both_past.ambiguous and both_past.date is None
