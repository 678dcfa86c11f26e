"""A note's numeric date convention, read from a day and month written without a year.

"DOB 01/12/2007" is 1 December in Córdoba and 12 January in Chicago. A note decides it from
a date that can only be read one way ("13/03/2026"); one that writes its only impossible
date without a year ("new biopsy 16/09 still active") said nothing, and the birth date
stayed ambiguous, so an 18-year-old's age criterion was unknown. A day and month with a
zero-padded field ("16/09", "22/04", "09/16") is a date: a ratio (glomeruli 3/15, an
activity index 13/24, a blood pressure 120/80) is never written so.

The sentences are written here in several styles, not copied from a note.
"""

from __future__ import annotations

import pytest

from matcher.nlp.dates import infer_day_first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DOB 01/12/2007. New biopsy 16/09 still active.", True),
        ("Seen 04/05/2026; last pulse given 22/04.", True),
        ("Labs of 03/11/2026 repeated; prior visit 30/06.", True),
        ("Fecha 05/06/2026. Control del 18/05 sin cambios.", True),
        ("Reviewed 07/08/2026, echo done 25/07 normal.", True),
        ("Visit 04/05/2026; infusion 09/16 tolerated.", False),
        ("Next review 08/07/2026, CBC 09/28 unremarkable.", False),
        # A field with no leading zero may be a count: "10/28 glomeruli" decides nothing.
        ("Next review 08/07/2026, 10/28 glomeruli sclerosed.", None),
        # Ratios and scores are no dates: the note stays undecided.
        ("Biopsy 04/05/2026: crescents 3/15 glomeruli, activity index 13/24.", None),
        ("BP 120/80 on 04/05/2026.", None),
        ("Chronicity 2/12, sclerosed 1/20 on 04/05/2026.", None),
        # A year-less date beside both conventions still leaves it undecided.
        ("Seen 13/03/2026 and 03/14/2026; dose 16/09.", None),
    ],
)
def test_a_day_and_month_without_a_year_set_the_notes_convention(text, expected):
    assert infer_day_first(text) is expected
