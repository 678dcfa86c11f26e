"""A heading that gives each drug listed under it its own dose ceiling.

    Patients receiving doses of immunosuppressive agents exceeding the following:
      * Prednisolone (> 15 mg) or equivalent
      * Azathioprine (> 100 mg/day)
      * Cyclophosphamide (any dose)

Each item is an exclusion of the drug taken now above its own dose ("any dose": the drug
itself). The heading's words say only that: current use ("receiving", "currently
taking"), a ceiling ("exceeding", "above"), the drugs' class or a generic noun
("immunosuppressive agents", "medications") and the grouping words. The heading is read
only over an item whose own reading agrees with it: a dose limit "above" (`>` or `≥`) on
the current dose, or the drug itself taken now with "any dose" written beside it. Any
other word in the heading ("other than the following", "below", "changed") is left for
the coverage guard, and the item stays manual.
"""

from __future__ import annotations

import re
from typing import Any

from matcher.criteria.grammar import load_grammar
from matcher.nlp.vocab import Vocabulary

__all__ = ["ceiling_heading_spans"]

_ANY_DOSE = re.compile(r"\b(?:at\s+)?any\s+dose\b", re.IGNORECASE)
_ABOVE = (">", ">=")


def _agrees(kind: str, params: dict[str, Any], item: str) -> bool:
    """Does the item's own reading say what the heading says: the current dose above a
    ceiling, or the drug taken now at any dose?"""
    if kind == "dose_exposure":
        return (params.get("dose_op") in _ABOVE and params.get("window_days") is None
                and not params.get("cumulative") and not params.get("conditional")
                and not params.get("min_duration_days"))  # fmt: skip
    if kind == "drug_exposure":
        return (bool(params.get("current")) and not params.get("dose_limits")
                and not params.get("min_duration_days") and not params.get("conditional")
                and _ANY_DOSE.search(item) is not None)  # fmt: skip
    return False


def ceiling_heading_spans(
    heading: str, kind: str, params: dict[str, Any], item: str, exclusion: bool,
    vocab: Vocabulary,
) -> list[tuple[int, int]]:
    """The spans of `heading` (normalised) read as a heading of per-drug dose ceilings
    over this item, or [] when it is not one or the item does not agree with it. Only
    for an exclusion: "receiving doses above" as a requirement is no reading we know."""
    if not exclusion or not _agrees(kind, params, item):
        return []
    grammar = load_grammar()
    ceilings = grammar.dose_ceilings.spans(heading) + [
        (m.start(), m.end()) for m in re.finditer(r"[^\W_]+", heading)
        if m[0].lower() in grammar.dose_ceilings
    ]
    if len(ceilings) != 1:
        return []  # none, or two ("above ... or below ...")
    spans = list(ceilings)
    spans += grammar.ceiling_heading_words.spans(heading)
    spans += [(m.start(), m.end()) for m in re.finditer(r"[^\W_]+", heading)
              if m[0].lower() in grammar.ceiling_heading_words]  # fmt: skip
    spans += [(t.start, t.end) for t in vocab.find_terms(heading)
              if vocab[t.concept_id].category == "drug_class"]  # fmt: skip
    return spans
