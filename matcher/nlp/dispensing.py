"""A prescription the same note says the patient never got is no exposure.

"MMF 600 mg/m2 bd prescribed today. Pharmacy note: MMF out of stock - not dispensed." The
second mention is negated by its cue (context_rules.json); the first writes a prescription,
which tells what the doctor wanted, and the note itself says the patient did not get it.
Read as an exposure from the note's date, it would count as an agent given (refractory
disease: "two agents for more than six months") or a recent dose (an exclusion "IV
cyclophosphamide within 3 months"). So an affirmed mention of a drug is negated where
  - a sentence of the same note says that drug was not supplied (a word of `not_supplied`
    in a sentence with a negated mention of the drug), or its medication list's row says
    it was never taken ("Mycophenolate | | | Never started": matcher.nlp.role_tables), and
  - the mention stands in such a sentence itself (the cue did not reach it: "tacrolimus
    prescribed, but not dispensed"), or in a sentence that writes a prescription (a word of
    `prescribed`) and no administration (no word of `given`: "prescribed and started
    today" keeps it), with no date of its own before the note's day ("MMF prescribed in
    2024" is an older course the note's stock-out does not undo).
A negated mention in a sentence with a word of `administered` ("No CYC given this cycle")
says the drug was not supplied too. And a sentence that says a dose was not supplied
without naming a drug ("Filgrastim 150 mcg dispensed to ward. Dose NOT given. Returned to
pharmacy unused.") undoes the one drug of the sentence before it in the same paragraph,
unless that sentence itself says it was administered.
The words are data: matcher/nlp/data/dispensing.json.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from functools import cache

from matcher.model import Assertion, Finding
from matcher.nlp.vocab import phrase_pattern, versioned_rule_file

__all__ = ["undispensed_prescriptions"]

_LISTS = ("not_supplied", "prescribed", "given", "administered")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = versioned_rule_file("dispensing.json", {"version", "description", *_LISTS}, _LISTS)
    return {key: phrase_pattern(data[key], r"[ \t]+") for key in _LISTS}


def undispensed_prescriptions(
    text: str, findings: list[Finding], sentences: list[tuple[int, int]], note_date: dt.date
) -> list[Finding]:
    """`findings` with the prescriptions of a drug the note says was not supplied negated
    (see the module's doc); `sentences` are the (start, end) characters of the note's
    sentences, in order."""
    drugs = [f for f in findings if f.category == "drug"]
    if not drugs or not sentences:
        return findings
    patterns = _patterns()
    if patterns["not_supplied"].search(text) is None and not any(
            f.assertion == Assertion.NEGATED for f in drugs):  # fmt: skip
        return findings  # most notes: nothing says a drug was not supplied
    starts = [s for s, _ in sentences]

    def index(f: Finding) -> int:
        return max(bisect.bisect_right(starts, f.start) - 1, 0)

    def sentence(f: Finding) -> str:
        at = index(f)
        return text[sentences[at][0] : sentences[at][1]]

    unsupplied = {
        f.concept
        for f in drugs
        if f.assertion == Assertion.NEGATED
        and (patterns["not_supplied"].search(sentence(f))
             # "No CYC given this cycle": the dose was not given
             or patterns["administered"].search(sentence(f))
             # a medication list's "Never started" row (matcher.nlp.role_tables)
             or f.attrs.get("list_status") == "not-taken")
    }
    referred = _referred_back(text, drugs, sentences, index, patterns["not_supplied"])
    if not unsupplied and not referred:
        return findings

    def undone(f: Finding) -> bool:
        if f.category != "drug" or not f.is_patient_fact:
            return False
        own = sentence(f)
        if referred.get(index(f)) == f.concept and not patterns["administered"].search(own):
            return True  # that very dose, whatever its date
        if f.concept not in unsupplied:
            return False
        if patterns["not_supplied"].search(own):
            return True
        if patterns["prescribed"].search(own) is None or patterns["given"].search(own):
            return False
        return _no_earlier_start(f, note_date)

    return [dataclasses.replace(f, assertion=Assertion.NEGATED) if undone(f) else f
            for f in findings]  # fmt: skip


# What may open a sentence before its not-supplied words: "Dose NOT given", "The infusion
# was not given", "- Returned to pharmacy unused", a chart row's time " 06/11/2026 09:00 -
# NOT GIVEN: refused by parent".
_DOSE_SUBJECT = re.compile(
    r"[\W_\d]*(?:h\b[\W_]*)?(?:(?:the|this|that|her|his|today's|second|next)\s+)?"
    r"(?:(?:dose|doses|infusion|bag|vial|drug|medication|it)\s+)?"
    r"(?:(?:was|were|is|has\s+been|had\s+been)\s+)?",
    re.I,
)


def _no_earlier_start(f: Finding, note_date: dt.date) -> bool:
    """No date of its own before the note's day: "MMF prescribed in 2024" is an older
    course that the note's stock-out does not undo."""
    start = f.attrs.get("start_date")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    return start is None or start >= note_date


def _referred_back(
    text: str,
    drugs: list[Finding],
    sentences: list[tuple[int, int]],
    index: Callable[[Finding], int],
    not_supplied: re.Pattern[str],
) -> dict[int, str]:
    """Sentences whose one drug a later sentence of the same paragraph says was not supplied
    without naming it: "Filgrastim 150 mcg dispensed to ward Nov 5. Dose NOT given (ANC
    1.2). Returned to pharmacy unused Nov 6." → {index of the first sentence: drug.gcsf}.
    A sentence with two drugs names no one dose."""
    with_drugs: dict[int, set[str]] = {}
    for f in drugs:  # a drug booked or refused is a drug the later sentence may mean too
        with_drugs.setdefault(index(f), set()).add(f.concept)
    referred: dict[int, str] = {}
    for at, (start, end) in enumerate(sentences):
        if at in with_drugs:
            continue
        # The sentence must open with it ("Dose NOT given", "Returned to pharmacy unused"):
        # a code legend's "2=planned/not given" says nothing of a dose.
        lead = _DOSE_SUBJECT.match(text, start, end)
        if lead is None or not_supplied.match(text, lead.end(), end) is None:
            continue
        back = at - 1
        while back >= 0 and back not in with_drugs:
            back -= 1
        if back < 0 or "\n\n" in text[sentences[back][0] : start]:
            continue
        if len(with_drugs[back]) == 1:
            referred[back] = next(iter(with_drugs[back]))
    return referred
