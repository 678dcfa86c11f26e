"""Cue words: a few substring tests that tell a note cannot hold what a regex looks for.

A case-insensitive regex scanned over a whole note is tried at every position of it, and
most notes hold none of what it reads ("allergic to", a month name, "ago"). When every
match of a regex holds one of a few words ("allerg", "jan"...), a note whose lower case
holds none of them is not scanned: the answer is the same, no match.

str.lower() and re.IGNORECASE agree on every letter but three, which a regex reads as an
ASCII letter and lower() leaves as another: "ſ" is an "s" to a regex ("ſept" is a month),
"ı" an "i", and "İ" lowers to "i" and a combining dot. A note holding one of them is
scanned whatever its words (tests/test_nlp_cue_words.py checks every code point).
"""

from __future__ import annotations

from collections.abc import Sequence

CASE_FOLD_STRAYS = "İıſ"


def lowered_for_cues(text: str) -> str | None:
    """`text` in lower case for may_contain, or None when it holds a letter lower() and the
    regexes read differently (CASE_FOLD_STRAYS): then only the regexes can tell."""
    if any(stray in text for stray in CASE_FOLD_STRAYS):
        return None
    return text.lower()


def may_contain(lowered: str | None, cues: Sequence[str]) -> bool:
    """False only when the note (lowered_for_cues) certainly holds none of `cues`, words in
    lower case ASCII."""
    return lowered is None or any(cue in lowered for cue in cues)
