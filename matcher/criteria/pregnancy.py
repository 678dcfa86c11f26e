"""Reader of pregnancy and lactation items: a current state, denied or present.

"Pregnant or breastfeeding women" (an exclusion) is dx.pregnancy or dx.lactation
documented within the lookback; "not pregnant" as an inclusion is the state absent;
"women planning to conceive during the trial" is a plan asked at screening (manual).
"""

from __future__ import annotations

import re

from matcher.criteria.kind_item import (
    _I,
    _LEAD_NEGATION,
    KindReading,
    _concept_ids,
    _Item,
    _take_common,
)
from matcher.criteria.temporality import load_temporality
from matcher.model import LOOKBACK_DAYS

# =====================================================================================
# pregnancy and lactation: a current state
# =====================================================================================

_PREGNANT = re.compile(r"\b(?:non-?)?pregnan(?:t|cy|cies)\b", _I)
_LACTATING = re.compile(
    r"\b(?:lactat(?:ing|ion)|breast[\s-]?feed(?:ing|s)?|breast[\s-]?fed)\b|"
    r"\bnursing(?:\s+(?:mothers?|women|woman))?\b",
    _I,
)
# "Pregnant or suspected pregnancy", "or suspect they may be pregnant": a suspicion the
# notes record counts (matcher.judge.evaluate leaves it to a person). The suspicion words are
# the temporality data's; this is the clause a woman's own suspicion takes.
_OWN_SUSPICION = re.compile(
    r"\bsuspect(?:s|ed)?\s+(?:that\s+)?(?:they|she)\s+(?:may|might|could)\s+be\b", _I
)
_FUTURE = re.compile(
    r"\bplan(?:s|ned|ning)?\b|\bintend|\bwish|\bdesire|\bwant|\bbecom(?:e|ing)\s+pregnant|"
    r"\bduring\s+the\s+(?:study|trial)|\bafter\s+(?:randomi|the\s+(?:last|final)|study)|"
    r"\bconceiv|\bfather|\bpartner|\bpotential|\bcontracep|\btest\b|\bhcg\b|"
    # "actively trying to get pregnant", "wishing/trying to become pregnant": a plan
    r"\btry(?:ing)?\s+to\s+(?:get|become)\s+pregnant",
    _I,
)


_CONCEIVE = re.compile(r"\bconceiv|\bfather(?:ing)?\s+(?:a\s+)?child", _I)


def _planned_pregnancy(item: _Item) -> KindReading:
    return item.manual(
        "a planned pregnancy or a pregnancy test is asked at screening, not read from notes",
        "pregnancy",
        "pregnancy:future",
    )


_MALE_OR = re.compile(r"\b(?:males?|men|boys?)\s+(?:or|and|and/or)\b", _I)
# Words that say the state is the present one, as sponsors write it: "already pregnant",
# "still breastfeeding", "women during pregnancy or lactation period", "If female,
# pregnant or breast-feeding" (whom it is about).
_NOW_STATE = re.compile(
    r"\b(?:already|still|presently|now)\b|"
    r"\b(?:during|in)\s+(?:the\s+)?(?:period\s+of\s+)?(?=pregnan|lactat|breast|nursing)|"
    r"(?<=pregnancy\s)periods?\b|(?<=lactation\s)periods?\b|(?<=feeding\s)periods?\b|"
    r"^\W*if\s+(?:female|a\s+woman|women)\s*,",
    _I,
)


def _pregnancy(item: _Item) -> KindReading | None:
    pregnant = list(_PREGNANT.finditer(item.main))
    lactating = [
        m
        for m in _LACTATING.finditer(item.main)
        if not m.group().lower().startswith("nursing") or pregnant or " " in m.group()
    ]
    if not pregnant and not lactating:
        # "women planning to conceive during the trial": a plan, asked at screening.
        return _planned_pregnancy(item) if _CONCEIVE.search(item.main) else None
    others = [c for c in _concept_ids(item.terms) if c not in ("dx.pregnancy", "dx.lactation")]
    if others:
        return None
    if _FUTURE.search(item.text):
        return _planned_pregnancy(item)
    if re.search(r"\d", item.main):
        return None  # "Male or non-pregnant females age 16 to 65": another reader's item
    states = (["dx.pregnancy"] if pregnant else []) + (["dx.lactation"] if lactating else [])
    lead = _LEAD_NEGATION.match(item.main)
    non = any(m.group().lower().startswith("non") for m in pregnant)
    # "not pregnant", "who are not breastfeeding", "not already pregnant": the state denied.
    present = not (lead or non or re.search(
        r"\bnot\s+(?:be\s+)?(?:(?:currently|already|still|presently)\s+)?"
        r"(?:pregnan|lactat|breast|nursing)", item.main, _I))  # fmt: skip
    for m in pregnant + lactating:
        item.take(m.start(), m.end())
    if lead:
        item.take(lead.start(), lead.end())
    item.take_all(re.compile(r"\bnot\b|\bwho\s+are\b|\bor\b|\bcurrently\b", _I))
    if present:
        item.take_all(_NOW_STATE)
    if not present:
        # "Male or non-pregnant females": for men the requirement holds trivially.
        item.take_all(_MALE_OR)
    _take_common(item)
    params = {"states": states, "present": present, "window_days": LOOKBACK_DAYS}
    suspicions = [*_OWN_SUSPICION.finditer(item.main),
                  *load_temporality().suspected.finditer(item.main)]  # fmt: skip
    if suspicions and present and states == ["dx.pregnancy"]:
        params["suspected"] = True
        for m in suspicions:
            item.take(m.start(), m.end())
    return item.reading("pregnancy", "pregnancy", params, "pregnancy:state")


# "Women who are pregnant or nursing or who intend to be during the study period": cut at
# its connectives, "nursing" and "who intend to be during the study period" name nothing
# alone. After a piece read as a pregnancy they are its siblings: breastfeeding, and a plan
# to be pregnant (asked at screening). Every word of the piece is one of these.
_BARE_NURSING = re.compile(r"\W*nursing\W*", _I)
_ELLIPTIC_PLAN = re.compile(
    r"\W*(?:who\s+)?(?:(?:intends?|plans?|wish(?:es)?|wants?|expects?)|(?:are|is)\s+"
    r"(?:planning|intending|expecting))\s+to\s+(?:be(?:come)?|get)(?:\s+so)?"
    r"(?:\s+(?:during|in|within|over)\s+(?:the\s+)?(?:course\s+of\s+(?:the\s+)?)?"
    r"(?:study|trial)(?:\s+period)?)?\W*",
    _I,
)


def pregnancy_sibling(piece: str) -> str | None:
    """What a piece after a pregnancy piece stands for, in words the pregnancy reader
    reads ("nursing" → "breastfeeding"; "who intend to be during the study period" → a
    plan to become pregnant), or None when it is no elliptic sibling."""
    if _BARE_NURSING.fullmatch(piece):
        return "breastfeeding"
    if _ELLIPTIC_PLAN.fullmatch(piece):
        return "planning to become pregnant during the study"
    return None
