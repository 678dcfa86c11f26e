"""Degrees of organ function an item names without a grade.

"Severe renal impairment" and "moderate hepatic impairment" are the graded categories of
the regulators' pharmacokinetic guidance (mild / moderate / severe, by creatinine
clearance or Child-Pugh class): a person checks the grade only when the impairment is
documented, and its absence decides (the judged-qualifier rule of
matcher.criteria.temporality). "Significant renal insufficiency" names no grade: it is a
threshold of function the sponsor left unstated, so the item goes to a person
(concepts.jsonl `ungraded_degree_manual` marks the concepts that are degrees of function).
"""

from __future__ import annotations

import re

from matcher.nlp.vocab import Vocabulary

# "significant", "clinically significant": a degree with no grade.
_UNGRADED = re.compile(r"\bsignificant(?:ly)?\b", re.IGNORECASE)


def ungraded_degree_reason(params: dict[str, object], vocab: Vocabulary) -> str | None:
    """Why a diagnosis reading of an organ-function degree must go to a person, or None."""
    concepts = [c for c in params.get("concepts", []) or [] if c in vocab]  # type: ignore[union-attr]
    degrees = [c for c in concepts if vocab[c].attrs.get("ungraded_degree_manual")]
    judged = [str(w) for w in params.get("judged", []) or []]  # type: ignore[union-attr]
    ungraded = [w for w in judged if _UNGRADED.search(w)]
    if not degrees or not ungraded:
        return None
    return (f"\"{ungraded[0]}\" {vocab[degrees[0]].label} names no grade of function "
            "(mild, moderate, severe): the threshold is for a person")
