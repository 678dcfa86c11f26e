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

_LISTS = ("labels", "confirming", "yes", "no", "unknown", "blanks", "ticked", "unticked")
_KEYS = frozenset({"version", "description", *_LISTS})


@dataclasses.dataclass(frozen=True)
class _Grammar:
    answer: re.Pattern[str]  # from the mention's end to the end of its line
    blank: re.Pattern[str]  # from the mention's end: a label, a colon and a placeholder
    confirming: frozenset[str]
    no: frozenset[str]
    unknown: frozenset[str]
    yes: frozenset[str]
    boxes: re.Pattern[str]  # any tick box, ticked or not
    ticked: frozenset[str]
    box_answer: re.Pattern[str]  # "Label: Yes [ ] No [x]": the colon and the boxed answers
    option: re.Pattern[str]  # one answer of box_answer
    answer_before: re.Pattern[str]  # "No [ ]": a box that belongs to the answer word before it


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
    word = rf"(?:{_alternation(data['yes'] + data['no'])})(?![\w])"
    box = _alternation(data["ticked"] + data["unticked"])
    # One answer of a boxed field: "[x] Yes", "No [ ]", "No \u2612", "(N)" (circled), "Y" (not).
    option = (rf"(?:(?P<lead>{box})[ \t]*(?P<w1>{word})|(?P<w2>{word})[ \t]*(?P<trail>{box})"
              rf"|\((?P<w3>{word})\)|(?P<w4>{word}))")
    plain = rf"(?:(?:{box})[ \t]*{word}|{word}[ \t]*(?:{box})|\({word}\)|{word})"
    box_answer = re.compile(
        rf"[:=\-\u2013][ \t]*(?P<options>{plain}(?:[ \t]*/?[ \t]*{plain}){{1,2}})(?![\w])",
        re.I,
    )
    return _Grammar(answer, blank, fold("confirming"), fold("no"), fold("unknown"), fold("yes"),
                    re.compile(box, re.I), fold("ticked"), box_answer, re.compile(option, re.I),
                    re.compile(rf"(?<![\w])(?:{_alternation(data['yes'] + data['no'])})[ \t]*$",
                               re.I))


# Only a bullet, a number or a "#1" may stand before the item on its line.
_LINE_LEAD = re.compile(r"[^\w\n]*(?:#?\d+[.)]?[ \t]+)?[^\w\n]*$")


_DROP = "drop"


def _boxes_decide(text: str, finding: Finding, grammar: _Grammar) -> Assertion | str | None:
    """What a form's tick boxes say of a mention on their line: `_DROP` (not a finding),
    an assertion, or None (no boxes, or a ticked yes: the mention stays as read)."""
    line_start = text.rfind("\n", 0, finding.start) + 1
    line_end = text.find("\n", finding.end)
    line_end = len(text) if line_end < 0 else line_end
    # "Reason for referral (tick all that apply): [ ] Lupus nephritis": an unticked item
    # is one the writer did not pick, not one they deny. The box that leads the item is
    # the last before the mention; "N [ ]   Lupus nephritis: ..." is the answer of the
    # item before, not this one's box.
    leading = max(grammar.boxes.finditer(text, line_start, finding.start),
                  key=lambda m: m.start(), default=None)
    if (leading is not None and leading.group().casefold() not in grammar.ticked
            and not grammar.answer_before.search(text, line_start, leading.start())):
        return _DROP
    # "Active infection requiring IV antibiotics: Yes [ ] No [x]", "IgA nephropathy:
    # Y / (N)": the item's label holds the mention, the boxes after its colon answer it.
    found = grammar.box_answer.search(text, finding.end, line_end)
    if found is None or any(c in text[finding.end : found.start()] for c in ":;"):
        return None
    kinds, chosen = set(), set()
    for option in grammar.option.finditer(found["options"]):
        word = next(option[g] for g in ("w1", "w2", "w3", "w4") if option[g] is not None)
        kind = "yes" if word.casefold() in grammar.yes else "no"
        kinds.add(kind)
        box = option["lead"] or option["trail"]
        if option["w3"] is not None or (box is not None and box.casefold() in grammar.ticked):
            chosen.add(kind)
    if kinds != {"yes", "no"}:
        return None  # "Y / Y": no yes-or-no field
    if not chosen:
        return _DROP  # "Yes [ ] No [ ]": never answered
    if chosen == {"no"}:
        return Assertion.NEGATED
    return Assertion.UNCERTAIN if chosen == {"yes", "no"} else None


def checklist_answers(text: str, findings: list[Finding]) -> list[Finding]:
    """`findings` with each diagnosis answered in a log line re-asserted by its answer, and
    each mention of a form's tick-box item re-asserted (or dropped) by its boxes."""
    grammar = _grammar()
    out = []
    for finding in findings:
        # "Breastfeeding: ***" in a templated note: the field was left unfilled, so the
        # label says nothing of her (nor of any other mention written as a field label).
        if grammar.blank.match(text, finding.end):
            continue
        # A measured value is no answer a box gives ("[ ] repeat Hb 9.1" still measured it).
        boxed = _boxes_decide(text, finding, grammar) if finding.value is None else None
        if boxed == _DROP:
            continue
        if isinstance(boxed, Assertion):
            out.append(dataclasses.replace(finding, assertion=boxed))
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
