"""A diagnosis answered in a coordinator's pre-screening log: "SLE confirmed: to confirm",
"Active TB: N", "Lupus nephritis (biopsy-proven): ?".

The log writes the item, then its answer at the end of the line; prose cue rules read
"SLE confirmed" as affirmed whatever the answer says. Here the answer decides: yes leaves
the mention; an open answer ("to confirm", "NA", "?") makes it uncertain; "N" negates it,
except after a confirming label ("confirmed: N": not yet confirmed, not ruled out), where
it is uncertain. The words are data (matcher/nlp/data/checklist_answers.json), validated
when first read.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from matcher.model import Assertion, Finding
from matcher.nlp.vocab import versioned_rule_file

__all__ = ["checklist_answers"]

_LISTS = ("labels", "confirming", "yes", "no", "unknown", "blanks")
_KEYS = frozenset({"version", "description", *_LISTS})


@dataclasses.dataclass(frozen=True)
class _Grammar:
    answer: re.Pattern[str]  # from the mention's end to the end of its line
    blank: re.Pattern[str]  # from the mention's end: a label, a colon and a placeholder
    confirming: frozenset[str]
    no: frozenset[str]
    unknown: frozenset[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _grammar() -> _Grammar:
    data = versioned_rule_file("checklist_answers.json", _KEYS, _LISTS)
    answers = data["yes"] + data["no"] + data["unknown"]
    answer = re.compile(
        rf"[ \t]*(?:\([^()\n]{{0,30}}\)[ \t]*)?"
        rf"(?P<labels>(?:(?:{_alternation(data['labels'])})[ \t]*){{0,2}})"
        rf"[:=\-\u2013][ \t]*(?P<answer>{_alternation(answers)})[ \t]*\.?[ \t]*(?:\n|$)",
        re.I,
    )
    blanks = "|".join(rf"{re.escape(w)}{re.escape(w[-1])}*"
                      for w in sorted(data["blanks"], key=len, reverse=True))
    blank = re.compile(
        rf"[ \t]*(?:\([^()\n]{{0,30}}\)[ \t]*)?"
        rf"(?:(?:{_alternation(data['labels'])})[ \t]*){{0,2}}"
        rf"[:=][ \t]*(?:{blanks})(?![\w*_])",
        re.I,
    )
    fold = lambda key: frozenset(w.casefold() for w in data[key])  # noqa: E731
    return _Grammar(answer, blank, fold("confirming"), fold("no"), fold("unknown"))


# Only a bullet, a number or a "#1" may stand before the item on its line.
_LINE_LEAD = re.compile(r"[^\w\n]*(?:#?\d+[.)]?[ \t]+)?[^\w\n]*$")


def checklist_answers(text: str, findings: list[Finding]) -> list[Finding]:
    """`findings` with each diagnosis answered in a log line re-asserted by its answer."""
    grammar = _grammar()
    out = []
    for finding in findings:
        # "Breastfeeding: ***" in a templated note: the field was left unfilled, so the
        # label says nothing of her (nor of any other mention written as a field label).
        if grammar.blank.match(text, finding.end):
            continue
        out.append(finding)
        # Diagnoses only: a status is often derived from another mention ("Immunosuppression:
        # nil" is treatment-naive, affirmed) and its answer is that mention's.
        if finding.category != "diagnosis" or finding.assertion != Assertion.AFFIRMED:
            continue
        line_start = text.rfind("\n", 0, finding.start) + 1
        if not _LINE_LEAD.fullmatch(text, line_start, finding.start):
            continue
        found = grammar.answer.match(text, finding.end)
        if found is None:
            continue
        answer = found["answer"].casefold()
        labels = {w.casefold() for w in found["labels"].split()}
        if answer in grammar.unknown or (answer in grammar.no and labels & grammar.confirming):
            out[-1] = dataclasses.replace(finding, assertion=Assertion.UNCERTAIN)
        elif answer in grammar.no:
            out[-1] = dataclasses.replace(finding, assertion=Assertion.NEGATED)
    return out
