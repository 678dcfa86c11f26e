""" "Other X": X less the trial's own condition.

"History of other malignancy" in a diabetes trial is any malignancy; in a breast-cancer
trial it is every cancer but breast cancer, which a concept of the vocabulary cannot
subtract. The reader takes the word "other" before a condition's term only in an
exclusion, and marks the reading (`other_than_own`); the own-condition guard then decides
whether it may stand (matcher.criteria.guard): never when the condition is the trial's
own or one its own condition belongs to, never when the trial's own condition is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# "other", "any other", "another", up to two words before the term ("other active
# malignancy", "any other chronic liver disease"); those words are left to the rest of the
# reader, which must account for them. "Other than" is an exception clause, not this.
_OTHER = re.compile(
    r"\b(?P<other>(?:any\s+)?(?:other|another))\s+(?!than\b)(?:[\w-]+\s+){0,2}$", re.IGNORECASE
)


def other_spans(text: str, term_starts: Iterable[int]) -> list[tuple[int, int]]:
    """Where "other" qualifies a term starting at one of `term_starts` in `text`."""
    spans = []
    for start in term_starts:
        m = _OTHER.search(text[max(0, start - 60) : start])
        if m is not None:
            offset = max(0, start - 60)
            spans.append((offset + m.start("other"), offset + m.end("other")))
    return spans
