"""A value a sentence tells as of an earlier time is not dated by the note.

"Rituximab was given 11 months ago. Lymphocyte subsets then showed CD19 0%. Today: CD19+
B cells have recovered, 6%." The 0 % was measured after the rituximab, months before this
note; dated by the note it says the B cells are absent today, and a "CD19+ B cells present"
item reads not met - a wrong verdict that hides the child. "SLEDAI-2K 10 and ECOG 0 at that
visit" in a note that reviews a visit two weeks before is no score of the note's day either.
In a sentence, the cue nearest a lab or score value decides (words in
matcher/nlp/data/past_values.json): after a past cue ("then showed", "at that visit",
"previously") a value that took the note's date is marked `told_as_past` and the judge's
timeline leaves it out (matcher.judge.timeline) - unknown when is safer than wrongly today;
the note still counts as a note written that day ("No new labs today": the patient was
seen, no infection told). After a present cue ("Today:", "now") the value stays. A value
with a date of its own in the text ("CD19 0% in March") keeps it: the cue only takes away
the note's date. A serology result ("ANA positive at that time") is a lifetime fact whose
day decides nothing, so it stays.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from functools import cache

from matcher.model import Assertion, Finding
from matcher.nlp.vocab import phrase_pattern, versioned_rule_file

__all__ = ["TOLD_AS_PAST", "past_told_values"]

# The attribute that marks a value of an earlier, unnamed day (read by matcher.judge.timeline)
TOLD_AS_PAST = "told_as_past"

_LISTS = ("past", "present", "question_openers")
_VALUE_CATEGORIES = ("lab", "score")


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = versioned_rule_file("past_values.json", {"version", "description", *_LISTS}, _LISTS)
    patterns = {key: phrase_pattern(data[key]) for key in ("past", "present")}
    openers = "|".join(re.escape(w) for w in sorted(data["question_openers"], key=len,
                                                     reverse=True))
    # A chat line's time stamp and speaker may come first: "2026-11-04 09:00 coord: is ..."
    patterns["question"] = re.compile(
        rf"[\s\d:./\-]*(?:[A-Za-z][\w .'-]{{0,30}}:\s*)?(?:{openers})\b[^?]*\?\s*$", re.I
    )
    return patterns


def _told_as_past(text: str, finding: Finding, lo: int, hi: int) -> bool:
    """Whether the cue nearest `finding` in its sentence text[lo:hi] is a past one."""
    patterns = _patterns()
    best: tuple[int, str] | None = None
    for key in ("past", "present"):
        for m in patterns[key].finditer(text, lo, hi):
            if m.start() < finding.end and m.end() > finding.start:
                continue  # a cue inside the evidence span is part of the value's words
            distance = (finding.start - m.end() if m.end() <= finding.start
                        else m.start() - finding.end)  # fmt: skip
            if best is None or distance < best[0]:
                best = (distance, key)
    return best is not None and best[1] == "past"


def past_told_values(text: str, findings: list[Finding],
                     sentences: list[tuple[int, int]]) -> list[Finding]:
    """`findings` with the lab and score values that took the note's date in a sentence
    that tells them as of an earlier time marked `told_as_past` (see the module's doc);
    `sentences` are the (start, end) characters of the note's sentences, in order."""
    if not sentences or not findings:
        return findings
    if "?" in text:
        findings = _asked_values(text, findings, sentences)
    lowered = text.lower()
    if not any(w in lowered for w in ("then", "time", "visit", "day", "previous", "point",
                                      "appointment")):  # fmt: skip
        return findings
    starts = [s for s, _ in sentences]
    marked = []
    for f in findings:
        if (f.category in _VALUE_CATEGORIES and f.date_source == "note"
                and "result" not in f.attrs):  # fmt: skip
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0:
                lo, hi = sentences[i]
                if _told_as_past(text, f, lo, max(hi, f.end)):
                    f = dataclasses.replace(f, attrs={**f.attrs, TOLD_AS_PAST: True})
        marked.append(f)
    return marked


def _asked_values(text: str, findings: list[Finding],
                  sentences: list[tuple[int, int]]) -> list[Finding]:
    """A value inside a question is asked about, not told: "coord: is the SLEDAI of 14 still
    current?" (answered "no - 6 now, the 14 was August"). Dated by the chat line it would be
    this week's SLEDAI; it is marked as of an unknown day, whatever date it took. A drug
    asked about ("any RTX since 03/2025?", "has she had rituximab?") is no exposure: it is
    uncertain."""
    question = _patterns()["question"]
    starts = [s for s, _ in sentences]
    marked = []
    for f in findings:
        value = f.category in _VALUE_CATEGORIES and f.value is not None and "result" not in f.attrs
        drug = f.category in ("drug", "drug_class") and f.assertion == Assertion.AFFIRMED
        i = bisect.bisect_right(starts, f.start) - 1
        if (value or drug) and i >= 0:
            lo, hi = sentences[i]
            lo = max(lo, text.rfind("\n", 0, f.start) + 1)  # a chat line is its own turn
            if question.fullmatch(text, lo, max(hi, f.end)):
                # "trials: any RTX since 03/2025?" asks; "nope" answers: no exposure.
                f = (dataclasses.replace(f, attrs={**f.attrs, TOLD_AS_PAST: True}) if value
                     else dataclasses.replace(f, assertion=Assertion.UNCERTAIN))
        marked.append(f)
    return marked
