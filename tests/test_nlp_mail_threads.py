"""Email and chat threads: a quoted earlier message keeps its own date, and a value asked
about in a question is not a result.

A referral thread carries the earlier message under "On 2026-08-31, Dr. Okafor wrote:"
with "> " before each line; dated by the reply, its old SLEDAI and Lansky read as this
week's. A coordinator's "is the SLEDAI of 14 still current?" asks; the answer ("no - 6
now, the 14 was August") tells. Both misled hold-out 20 into a false eligible.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text

REPLY = dt.date(2026, 11, 3)


def _values(text: str, concept: str) -> list[tuple[float | None, dt.date, bool]]:
    return [(f.value, f.date, bool(f.attrs.get("told_as_past")))
            for f in parse_text(text, REPLY) if f.concept == concept]


@pytest.mark.parametrize(("text", "concept", "value", "date"), [
    ("Update: SLEDAI-2K now 6.\n\nOn 2026-08-31, Dr. Paul Okafor wrote:\n"
     "> SLEDAI-2K 14, Lansky 70, CD19 12 %.", "score.sledai", 14.0, dt.date(2026, 8, 31)),
    ("Thanks, see below.\n\nOn 12 Oct 2026, at 09:14, Dr Mehta wrote:\n> Hb 98 g/L\n"
     "> Platelets 140 x10^9/L", "lab.platelets", 140.0, dt.date(2026, 10, 12)),
    ("Kurzes Update.\n\nAm 12.10.2026 schrieb Dr. Weber:\n> CD19 0 %", "lab.cd19", 0.0,
     dt.date(2026, 10, 12)),
    # a dated label inside the quoted message is more specific than the quote's header
    ("Partial response only.\n\nOn 2026-06-12, Dr. Nadia Rahman wrote:\n"
     "> Bloods 2026-06-10: Hb 104 g/L; Platelets 221 x10^9/L", "lab.hemoglobin", 104.0,
     dt.date(2026, 6, 10)),
])
def test_a_quoted_earlier_message_keeps_its_own_date(text, concept, value, date) -> None:
    assert (value, date, False) in _values(text, concept)


def test_the_reply_above_the_quote_keeps_the_replys_date() -> None:
    text = ("Update: Hb 112 g/L today.\n\nOn 2026-08-31, Dr. Okafor wrote:\n> Hb 98 g/L")
    assert _values(text, "lab.hemoglobin") == [(112.0, REPLY, False),
                                                (98.0, dt.date(2026, 8, 31), False)]


@pytest.mark.parametrize(("text", "concept"), [
    ("2026-11-04 09:00 coord: is the SLEDAI of 14 still current?", "score.sledai"),
    ("Has her UPCR of 2.1 g/g come down since?", "lab.upcr"),
    ("Dr K: any chance the Hb of 58 was a haemolysed sample?", "lab.hemoglobin"),
])
def test_a_value_asked_about_in_a_question_is_of_no_known_day(text, concept) -> None:
    found = _values(text, concept)
    assert found and all(told for _, _, told in found)


@pytest.mark.parametrize(("text", "concept"), [
    ("UPCR 2.1 g/g today. Any fever?", "lab.upcr"),
    ("Is she well? Hb 104 g/L.", "lab.hemoglobin"),
    ("SLEDAI-2K 10 (?flare).", "score.sledai"),
])
def test_a_value_beside_a_question_is_told(text, concept) -> None:
    found = _values(text, concept)
    assert found and not any(told for _, _, told in found)


@pytest.mark.parametrize(("text", "concept", "date"), [
    ("Forwarding the July summary.\n\nOn 14/07/2026, Dr Eze wrote:\n> SLEDAI-2K 14 today.",
     "score.sledai", dt.date(2026, 7, 14)),
    ("Forwarding the July summary.\n\nOn 14/07/2026, Dr Eze wrote:\n> Hb 98 g/L 2 weeks ago.",
     "lab.hemoglobin", dt.date(2026, 6, 30)),
])
def test_a_relative_date_in_a_quoted_message_counts_from_that_messages_day(text, concept,
                                                                             date) -> None:
    assert [d for _, d, _ in _values(text, concept)] == [date]


def test_a_relative_date_in_the_reply_counts_from_the_note() -> None:
    text = "SLEDAI-2K 10 today.\n\nOn 14/07/2026, Dr Eze wrote:\n> SLEDAI-2K 14 today."
    assert sorted(d for _, d, _ in _values(text, "score.sledai")) == [dt.date(2026, 7, 14),
                                                                     REPLY]
