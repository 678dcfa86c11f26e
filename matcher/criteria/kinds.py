"""Criterion kinds that notes can decide, beyond matcher.criteria's core ones.

Each reader takes one item (its matching text, the same text with exception clauses
blanked, its section, its grouping headings) and returns a `KindReading` or None when
the item is not its kind. A reading names the character spans of the item text it
consumed and the rule that read them, so the coverage guard can tell a whole reading from
a partial one: "Positive HBsAg or syphilis antibody" is read as HBsAg, and "syphilis
antibody" is left over for the guard to see. A reader that recognises its kind but not
the whole requirement ("HBcAb positive with HBV DNA above the lower limit", "dose change
within 2 weeks", "plan for pregnancy") returns a `manual` reading with the reason. Every
computed reading is checked against the contract below by `validate_params`.

`params` contract per kind (matcher.judge.evaluate relies on it):

- vital: the lab contract of matcher.criteria on vital signs: {"analytes": [ids of
  lab.bmi, lab.sbp, lab.dbp, lab.spo2, lab.lvef, lab.weight], "op": ">="|">"|"<="|"<",
  "value": float, "unit": str} (+ "alternatives": [{"analytes", "op", "value", "unit"}]
  and "combine": "and"|"or"). "≥ 160/100 mmHg" is systolic ≥ 160 with the alternative
  diastolic ≥ 100; an exclusion's pair combines with "or", an inclusion's with "and".
  Evaluated like a lab: the latest value within the 90-day lookback.
- serology: {"markers": [lab ids of tests: lab.hbsag, lab.anti_hbc, lab.hbv_dna,
  lab.anti_hcv, lab.hcv_rna, lab.hiv], "infections": [dx.hbv, dx.hcv, dx.hiv],
  "result": "positive"|"negative", "ever": bool, "needs_result": bool}. The condition is
  "any listed test or infection positive" (result positive) or "every one negative"
  (result negative). An infection is judged by its own markers (concepts.jsonl
  `current_markers`, or `past_markers` when `ever`) and by diagnosis mentions. `ever`:
  "history of", "at any time". `needs_result`: the item names a test ("positive test
  for", "HBsAg"), so with no result documented it is unknown rather than "not
  documented". Autoantibodies (concepts.jsonl `autoantibody`: ANA, anti-dsDNA, anti-Sm,
  anti-Ro/SSA, anti-PLA2R) are markers too: "positive anti-dsDNA or anti-Sm", "current
  or historical positive ANA", "anti-PLA2R negative"; a latest result within the lookback,
  or any result ever with `ever` (no autoantibody "stays positive" for this purpose);
  + "window_days": int, the latest result within that many days instead of the lookback
  ("within 3 months prior to screening").
- pregnancy: {"states": [dx.pregnancy and/or dx.lactation], "present": bool,
  "window_days": 90}. A current state: documented within the window before as-of;
  `present` False for "not pregnant" as a requirement.
- dose_exposure: {"drugs": [ids], "dose_op": op, "dose_value": float, "dose_unit":
  "mg/day"|"mg/kg/day"|"g", "prednisone_equivalent": bool, "cumulative": bool,
  "window_days": int|None, "min_duration_days": int|None, "duration_strict": bool}.
  "g" is a cumulative total (cumulative is then True); glucocorticoid doses are
  compared as prednisone equivalents (matcher.nlp.doses). No window: the current dose (the
  latest within the lookback). `min_duration_days`: the dose held that long in the window.
  + "conditional": true for "if on glucocorticoids, ≤ 10 mg/day": a patient not taking
  the drug meets the item.
- diagnosis_timing: {"concepts": [diagnosis ids], "min_duration_days": int|None,
  "max_duration_days": int|None, "duration_strict": bool, "onset_op": op|None,
  "onset_age_years": float|None}: the disease diagnosed at least / at most so long
  before as-of ("SLE diagnosed ≥ 6 months before screening", "within three years"), or
  its onset age ("onset before age 16"). At least one of the three is set.
- lab (forms matcher.criteria does not read): a range "eGFR 15–60" (a lower bound with
  the upper as an "and" alternative), "liver function > 2×ULN" (ALT and AST), and a
  weight-based amount "proteinuria ≥ 25 mg/kg/day" (+ "per_weight": true: the value is
  divided by the latest weight).
- diagnosis (the conditions of issue 12's vocabulary: malignancy, diabetes, RPGN,
  psychiatric illness, substance abuse, immunodeficiency, splenectomy, other autoimmune
  disease, thromboembolism, liver disease, tuberculosis): matcher.criteria's diagnosis
  contract; "window_days" is the lookback (90) for a current state ("active
  tuberculosis"), + "except_concepts": [ids] the item excepts ("malignancy except
  non-melanoma skin cancer"): mentions of those do not count although they imply the
  concept; a standing state ("hepatic failure patients", concepts.jsonl
  `current_unless_history`) is "temporality": "current" with the lookback as window_days.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.criteria import params as declared_params
from matcher.criteria.citation import outside_citations, read_citation
from matcher.criteria.labs import _unit_at, named_condition

# matcher.criteria imports this module only inside its classifier, so these names exist
# by the time either module is used: the comparison and window grammar is shared.
from matcher.criteria.lexicon import (
    _CURRENT_DRUG,
    _DURATION,
    _HELD_ANCHOR,
    _IF_ON,
    _NUM,
    _OP,
    _WORD_NUM,
    _comparisons,
    _number,
    _op_of,
    _tidy,
    _window,
)
from matcher.criteria.other import left_out, other_spans
from matcher.criteria.temporality import load_temporality, narrowing_qualifiers, standing_states
from matcher.model import LOOKBACK_DAYS
from matcher.nlp.dates import window_to_days
from matcher.nlp.doses import steroid_factor
from matcher.nlp.units import normalize
from matcher.nlp.vocab import TermMatch, Vocabulary, in_context

__all__ = [
    "KindReading", "describe", "dose_unit_at", "is_onset_age", "leftover", "read",
    "validate_params",
]

_I = re.IGNORECASE
INCLUSION, EXCLUSION = "inclusion", "exclusion"
OPS = (">=", ">", "<=", "<")


@dataclass(frozen=True)
class KindReading:
    """One item read as one kind. `spans` index `text` (the item's matching text);
    `key` is the base key (matcher.criteria prefixes "x_" for an exclusion)."""

    kind: str
    key: str
    params: dict[str, Any]
    text: str
    spans: tuple[tuple[int, int], ...] = ()
    rule: str = ""
    manual_reason: str | None = None
    # A manual reading made because a computed one left words unexplained: that reading.
    partial: KindReading | None = None


@dataclass
class _Item:
    text: str  # normalised item text
    main: str  # the same, exception clauses blanked (positions kept)
    type: str
    context: tuple[str, ...]
    vocab: Vocabulary
    terms: list[TermMatch]
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def exclusion(self) -> bool:
        return self.type == EXCLUSION

    def take(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))

    def take_all(self, pattern: re.Pattern[str], text: str | None = None) -> list[re.Match]:
        found = list(pattern.finditer(self.main if text is None else text))
        for m in found:
            self.take(m.start(), m.end())
        return found

    def take_terms(self, concepts: Iterable[str]) -> None:
        wanted = set(concepts)
        for term in self.terms:
            if term.concept_id in wanted:
                self.take(term.start, term.end)

    def of(self, *categories: str) -> list[TermMatch]:
        return [t for t in self.terms if self.vocab[t.concept_id].category in categories]

    def reading(self, kind: str, key: str, params: dict[str, Any], rule: str) -> KindReading:
        return KindReading(kind, key, params, self.text, _merged(self.spans), rule)

    def manual(self, reason: str, key: str, rule: str) -> KindReading:
        return KindReading("manual", key, {}, self.text, (), rule, reason)


def _merged(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def _concept_ids(terms: Iterable[TermMatch]) -> list[str]:
    return list(dict.fromkeys(t.concept_id for t in terms))


# Words every reader may consume around its own: who the item is about and how it says
# so ("Patients who are", "Known", "at screening"). Articles and prepositions are the
# coverage guard's filler and are not listed.
_SUBJECT = re.compile(
    r"\b(?:patients?|subjects?|participants?|individuals?|persons?|women|woman|females?|"
    r"girls?|mothers?|children|adolescents?|those)\b",
    _I,
)
_STATED = re.compile(
    r"\b(?:currently|current|known|documented|confirmed|evidence|presence|diagnosed|"
    r"diagnosis|at\s+screening|screening|at\s+baseline|baseline|at\s+the\s+time\s+of\s+"
    r"screening|during\s+screening)\b",
    _I,
)
_LEAD_NEGATION = re.compile(
    r"^\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:must|should|may|shall)\s+"
    r"not\s+(?:be|have)|must\s+not\s+(?:be|have)|no|not|never|without|free\s+of|"
    r"absence\s+of|non)\b[\s-]*",
    _I,
)


def _take_common(item: _Item) -> None:
    item.take_all(_SUBJECT)
    item.take_all(_STATED)


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
    r"\bconceiv|\bfather|\bpartner|\bpotential|\bcontracep|\btest\b|\bhcg\b",
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


# =====================================================================================
# infection serology
# =====================================================================================

_POSITIVE = re.compile(
    r"\b(?:positiv\w*|seropositiv\w*|reactive|detect(?:ed|able)|carriers?|infected)\b|"
    r"\+(?!\w)",
    _I,
)
_NEGATIVE = re.compile(
    r"\b(?:negativ\w*|seronegativ\w*|non-?reactive|not\s+detected|undetectable|"
    r"not\s+infected)\b",
    _I,
)
_EVER = re.compile(
    r"\bhistory\s+of\b|\bhistorical\b|\bprior\b|\bprevious(?:ly)?\b|\bpast\b|"
    r"\bat\s+any\s+time(?:\s+prior\s+to\s+screening)?\b|\bever\b|\bresolved\b",
    _I,
)
_CURRENT = re.compile(r"\b(?:active|current|chronic|ongoing|acute)\b", _I)
_TEST_WORDS = re.compile(
    r"\b(?:tests?|tested|testing|serology|serological|serologic|screen(?:ing)?|"
    r"seropositiv\w*|seronegativ\w*|results?)\b",
    _I,
)
_INFECTION_WORDS = re.compile(
    r"\b(?:infections?|infected|virus(?:es)?|viral|disease|carriers?|status)\b", _I
)
# "hepatitis B or C", "hepatitis B/C", "hepatitis B and C virus infection"
_SECOND_HEPATITIS = re.compile(r"\s*(?:,|/|or|and|and/or)\s*(?P<letter>[BC])\b", _I)
# A viral load threshold or a marker conditioned on another is not a flat list.
_CONDITIONAL = re.compile(
    r"\bwith\b|\bplus\b|\balong\s+with\b|\bcombined\s+with\b|\blower\s+limit|"
    r"\bupper\s+limit|\bcopies|\bIU\s*/\s*m?L\b|\blog\b|\bdetectable\s+viral\b",
    _I,
)


_HEAD_INFECTION = re.compile(r"infections?$", _I)
_AFTER_NAMED = re.compile(r"(?:\b[BC]|\bvirus|\bviral)\s*$", _I)


# "Human immunodeficiency virus (HIV) infection": the bracket restates the name.
_TRAILING_BRACKET = re.compile(r"\s*\([^()]*\)\s*$|\s+$")


def _after_infection_term(item: _Item, start: int, named: Sequence[Any]) -> bool:
    """Does a named infection end right before `start`, a bracketed restatement aside?
    "Human immunodeficiency virus (HIV) infection" is one infection, not HIV and any
    infection."""
    before = item.main[:start]
    while True:
        shorter = _TRAILING_BRACKET.sub("", before, count=1)
        if shorter == before:
            break
        before = shorter
    return any(t.end == len(before) for t in named)


# "Chronic viral infections (HCV, HBV, HIV)": the bracket lists what the group word means;
# "(e.g. HIV)" gives examples of a wider group, which the list does not replace.
_GROUP_BRACKET = re.compile(r"\s*\((?P<inner>[^()]*)\)")
_EXAMPLE_CUE = re.compile(
    r"\b(?:e\.?\s?g|eg|such\s+as|including|includes?|for\s+example|for\s+instance|"
    r"like|etc|other)\b", _I,
)
# "infection with hepatitis B, hepatitis C or HIV": the group word is the list's head noun.
_INFECTION_WITH = re.compile(r"\s+with\b", _I)
_LIST_GLUE = re.compile(r"[\s,;/]+|\b(?:and|or|and/or)\b", _I)


def _blanked_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _group_heads(
    item: _Item, named: Sequence[Any]
) -> tuple[set[str], list[tuple[int, int]]]:
    """Infection group words ("infection", "chronic viral infections") that name no
    infection of their own: the head noun before "with" and a list, or the word a bracket
    of named infections defines. Examples ("e.g.", "such as") leave the group whole.
    Also the spans of the "with" read here (not a condition joined to the list)."""
    heads = set()
    withs = []
    named_spans = [(t.start, t.end) for t in named]
    for term in item.terms:
        if item.vocab[term.concept_id].category != "diagnosis" or any(
            a <= term.start < b for a, b in named_spans
        ) or item.vocab[term.concept_id].attrs.get("current_markers"):
            continue
        if not _HEAD_INFECTION.search(term.text) or _EXAMPLE_CUE.search(item.main):
            continue
        rest = item.main[term.end :]
        bracket = _GROUP_BRACKET.match(rest)
        if bracket:
            inner_start = term.end + bracket.start("inner")
            inner = list(bracket["inner"])
            for a, b in named_spans:
                if inner_start <= a and b <= inner_start + len(inner):
                    inner[a - inner_start : b - inner_start] = " " * (b - a)
            if named and not _LIST_GLUE.sub("", "".join(inner)).strip(" ."):
                heads.add(term.concept_id)
        elif _INFECTION_WITH.match(rest) and any(a >= term.end for a, _ in named_spans):
            heads.add(term.concept_id)
            span = (term.end, term.end + _INFECTION_WITH.match(rest).end())
            item.take(*span)
            withs.append(span)
    return heads, withs


def _sole_marker_infections(marker_ids: list[str], vocab: Any) -> list[str]:
    """Infections whose only marker is one of these tests: "Negative HIV test" names the HIV
    infection too (concepts.jsonl: dx.hiv's current and past markers are the HIV test
    alone), so a documented HIV infection is a positive test. An HBsAg is not hepatitis B:
    HBV DNA or anti-HBc can be positive while it is negative."""
    out = []
    for marker in marker_ids:
        infection = vocab[marker].attrs.get("serology", {}).get("infection")
        if infection in vocab:
            attrs = vocab[infection].attrs
            if attrs.get("current_markers") == [marker] == attrs.get("past_markers"):
                out.append(infection)
    return out


def _is_infection_group(concept: Any, vocab: Any) -> bool:
    """ "Viral hepatitis": a diagnosis whose members are serology infections (B and C)."""
    members = concept.attrs.get("members") or ()
    return bool(members) and all(vocab[m].attrs.get("current_markers") for m in members)


# "Hepatitis, syphilis, HIV infection": a bare "hepatitis" listed among named infections
# is the viral one; "autoimmune hepatitis", "hepatitis" alone or before a letter are not.
_BARE_HEPATITIS = re.compile(
    r"(?:^|(?<=[,;/(])|(?<=\bor)|(?<=\band))\s*(?P<word>hepatitis)(?!\s*[A-E]\b|[\w-])", _I
)


def _serology(item: _Item) -> KindReading | None:
    vocab = item.vocab
    markers = [t for t in item.terms if vocab[t.concept_id].attrs.get("serology")]
    infections = [t for t in item.terms if vocab[t.concept_id].attrs.get("current_markers")]
    groups = [t for t in item.terms if _is_infection_group(vocab[t.concept_id], vocab)]
    if not markers and not infections and not groups:
        return None
    group_ids = [m for t in groups for m in vocab[t.concept_id].attrs["members"]]
    bare = [m for m in _BARE_HEPATITIS.finditer(item.main)
            if not any(t.start <= m.start("word") < t.end for t in item.terms)]  # fmt: skip
    if bare and (markers or infections or groups):
        for m in bare:
            item.take(m.start("word"), m.end("word"))
        group_ids += ["dx.hbv", "dx.hcv"]
    known = {t.concept_id for t in markers + infections + groups}
    # "hepatitis B or C virus infection": the bare word after the list is its head noun,
    # not a second, general infection.
    heads = {t.concept_id for t in item.terms
             if _HEAD_INFECTION.match(t.text) and (
                 _AFTER_NAMED.search(item.main[: t.start])
                 or _after_infection_term(item, t.start, markers + infections))}  # fmt: skip
    group_heads, head_withs = _group_heads(item, markers + infections)
    heads |= group_heads
    others = [c for c in _concept_ids(item.terms) if c not in known | heads]
    if others:
        return None  # "HIV, HBV, HCV or TB": the diagnosis reader lists them all
    infection_ids = _concept_ids(infections)
    infection_ids += [i for i in dict.fromkeys(group_ids) if i not in infection_ids]
    for term in infections:
        # "hepatitis B or C virus infection": the letter after names the second one.
        if term.concept_id in ("dx.hbv", "dx.hcv"):
            m = _SECOND_HEPATITIS.match(item.main, term.end)
            if m:
                other = "dx.hcv" if m["letter"].upper() == "C" else "dx.hbv"
                if other not in infection_ids:
                    infection_ids.append(other)
                item.take(m.start(), m.end())
    # "hepatitis C antibody": an infection named with the test word after it is that test.
    found_markers = [(t.start, t.concept_id) for t in markers]
    for term in infections:
        for word, marker in vocab[term.concept_id].attrs.get("marker_words", {}).items():
            m = re.match(rf"\s+(?:virus\s+)?{re.escape(word)}\b", item.main[term.end :], _I)
            if m:
                item.take(term.end, term.end + m.end())
                found_markers.append((term.start, marker))
                if term.concept_id in infection_ids:
                    infection_ids.remove(term.concept_id)
                break
    marker_ids = list(dict.fromkeys(marker for _, marker in sorted(found_markers)))
    infection_ids += [i for i in _sole_marker_infections(marker_ids, vocab)
                      if i not in infection_ids]  # fmt: skip
    if (item.main != item.text and _names_serology(item)) or (
        _CONDITIONAL.search(_blanked_spans(item.main, head_withs))
        and len(marker_ids) + len(infection_ids) > 1
    ) or re.search(r"\d", _without_terms(item)):
        return item.manual(
            "a serology condition joined to another (a viral load, a second marker) must be "
            "checked by a person",
            vocab[(marker_ids or infection_ids)[0]].key,
            "serology:conditional",
        )
    lead = _LEAD_NEGATION.match(item.main)
    negative = bool(_NEGATIVE.search(item.main) or lead)
    ever = bool(_EVER.search(item.main))
    needs_result = bool(marker_ids) or bool(_TEST_WORDS.search(item.main))
    item.take_terms(known)
    for term in markers:
        # "anti-HIV antibody": the test named twice over.
        m = re.match(r"\s+antibod(?:y|ies)\b", item.main[term.end :], _I)
        if m:
            item.take(term.end, term.end + m.end())
    for pattern in (_POSITIVE, _NEGATIVE, _EVER, _CURRENT, _TEST_WORDS, _INFECTION_WORDS):
        item.take_all(pattern)
    if lead:
        item.take(lead.start(), lead.end())
    item.take_all(re.compile(r"\bprior\s+to\s+screening\b|\bhave\b|\bhas\b|"
                             r"\b(?:is\s+)?suffer(?:s|ing)?\s+from\b", _I))
    _take_common(item)
    params = {
        "markers": marker_ids,
        "infections": infection_ids,
        "result": "negative" if negative else "positive",
        "ever": ever,
        "needs_result": needs_result,
    }
    key = vocab[(infection_ids or marker_ids)[0]].key
    return item.reading("serology", key, params, "serology:list")


# =====================================================================================
# autoantibodies: positive or negative, not a level
# =====================================================================================

_ANTIBODY_WORDS = re.compile(
    r"\b(?:antibod(?:y|ies)|auto-?antibod(?:y|ies)|Abs?|serum|tests?|results?|serology|"
    r"serological|serologic|at\s+screening|screening|in\s+(?:the\s+)?medical\s+history|"
    r"medical\s+history)\b",
    _I,
)
# "had ANA or anti-dsDNA positive": a result in the past, at any time.
_HAD = re.compile(r"\bhad\b", _I)
# "ANA and anti-dsDNA positive" asks for both: the serology contract is any-of (or all
# negative), so a list joined by a bare "and" is left to a person.
_BOTH = re.compile(r"(?<!/)\band\b(?!\s*/)", _I)


# "(reported as equivocal or positive results), as per the central laboratory", "elevated to
# above normal (ie, positive or equivocal results)": equivocal accepted beside positive, and
# the words that restate it.
_EQUIVOCAL = re.compile(r"\bequivocal\b", _I)
_RESTATED_POSITIVE = re.compile(
    r"\belevated(?:\s+to\s+above\s+normal)?\b|\babove\s+normal\b|\breported\s+as\b|"
    r"\bi\.?e\.?(?=[\s,])|\b(?:as\s+)?(?:per|by|from|at)\s+(?:the\s+)?(?:study'?s\s+)?"
    r"central\s+lab(?:orator(?:y|ies))?\b",
    _I,
)


def _autoantibody(item: _Item) -> KindReading | None:
    """ "Positive anti-dsDNA or anti-Smith antibodies", "current or historical positive ANA
    or anti-dsDNA", "anti-PLA2R negative": the serology contract over autoantibody results
    (the notes record "anti-dsDNA positive" as a result). A level ("anti-dsDNA > 75 U/mL",
    "ANA ≥ 1:80") is not this reader's: matcher.criteria reads it as a lab or ANA titre."""
    vocab = item.vocab
    markers = [t for t in item.terms if vocab[t.concept_id].attrs.get("autoantibody")]
    if not markers or len(markers) != len(item.terms):
        return None
    window = _WINDOW_SPAN.search(item.main)
    bare = _without_terms(item)
    if window is not None:
        bare = bare[: window.start()] + " " * (window.end() - window.start()) + bare[window.end() :]
    if re.search(r"\d", bare):
        return None  # a level or a titre
    positive, negative = _POSITIVE.search(item.main), _NEGATIVE.search(item.main)
    lead = _LEAD_NEGATION.match(item.main)
    if not positive and not negative and not lead:
        return None
    equivocal = _EQUIVOCAL.search(item.main)
    if equivocal and (not positive or negative):
        return None  # an equivocal result alone, or beside a negative one: a person reads it
    ids = _concept_ids(markers)
    if len(ids) > 1 and positive and not negative and _BOTH.search(item.main):
        return item.manual("every listed autoantibody must be positive: checked by a person",
                           vocab[ids[0]].key, "autoantibody:all")  # fmt: skip
    item.take_terms(ids)
    for pattern in (_POSITIVE, _NEGATIVE, _EVER, _CURRENT, _ANTIBODY_WORDS, _HAD):
        item.take_all(pattern)
    if equivocal:
        item.take_all(_EQUIVOCAL)
        item.take_all(_RESTATED_POSITIVE)
    if lead:
        item.take(lead.start(), lead.end())
    _take_common(item)
    # "prior to screening" inside a window is the window's anchor, not "prior" (ever).
    timeless = item.main if window is None else item.main[: window.start()]
    params = {
        "markers": ids,
        "infections": [],
        "result": "negative" if negative or lead else "positive",
        "ever": bool(_EVER.search(timeless) or _HAD.search(timeless)),
        "needs_result": True,
    }
    if equivocal:
        params["equivocal"] = True
    if window is not None and not params["ever"]:
        # "Seropositive for anti-Ro/SSA at or within 3 months prior to screening": the
        # latest result in that window, not in the default lookback.
        days = _window(window.group())
        if days is None:
            return None
        item.take(window.start(), window.end())
        params["window_days"] = days
    return item.reading("serology", vocab[ids[0]].key, params, "serology:autoantibody")


def _exception_text(item: _Item) -> str:
    """The exception clauses of the item, in place (the rest blanked): what `main` blanked."""
    return "".join(
        t if m == " " and t != " " else " " for t, m in zip(item.text, item.main, strict=True)
    )


def _names_serology(item: _Item) -> bool:
    """Does an exception clause (blanked in `main`) name a serology test or infection?"""
    blanked = _exception_text(item)
    return any(
        item.vocab[t.concept_id].attrs.get("serology")
        or item.vocab[t.concept_id].attrs.get("current_markers")
        for t in item.vocab.find_terms(blanked)
    )


def _without_terms(item: _Item) -> str:
    """`main` with vocabulary mentions blanked: "HIV 1/2" and "HBV DNA" carry digits."""
    chars = list(item.main)
    for term in item.terms:
        chars[term.start : term.end] = " " * (term.end - term.start)
    return "".join(chars)


# =====================================================================================
# vitals
# =====================================================================================

_BP_PAIR = re.compile(
    rf"(?P<op>{_OP})\s*(?P<s>\d{{2,3}})\s*/\s*(?P<d>\d{{2,3}})\s*(?P<unit>mm\s*Hg)?", _I
)
_RANGE = re.compile(
    # "Body mass index (BMI) 18-32": the abbreviation in brackets before the range.
    rf"^\s*(?:\([^()\d]{{1,12}}\)\s*)?(?:(?:with\s+)?(?:counts?|levels?|values?)\s+)?"
    rf"(?:of\s+|:\s*|=\s*)?"
    # "proteinuria range from 0.75 to 3.5 g/d", "ranging from 1 to 3 g/day"
    rf"(?:(?:in\s+the\s+)?range\s+(?:from\s+|of\s+|between\s+)?|ranging\s+(?:from\s+|between\s+))?"
    rf"(?P<between>between\s+|from\s+|"
    # "in the normal range (35-50 g/L)", "within normal range( 8.5-10.5 mg/dl)"
    rf"(?:within|in)\s+(?:the\s+)?(?:normal\s+)?(?:range\s*)?(?:of\s+)?)?(?:\(\s*)?(?P<a>{_NUM})\s*"
    rf"(?P<ua>[^\s\d~-]{{1,14}}\s*)?(?:-|~|to|and)\s*(?P<b>{_NUM})(?![\d.])",
    _I,
)
_VITAL_WORDS = re.compile(
    r"\b(?:cardiac\s+function|heart\s+function|function|uncontrolled\s+hypertension|"
    r"hypertension|resting|measured|on\s+room\s+air|room\s+air|at\s+rest|by\s+"
    r"echocardiograph\w*|echocardiograph\w*|echo|MUGA|inclusive)\b",
    _I,
)


_DEFINED_BY_VITALS = frozenset({"dx.hypertension"})


def _vital(item: _Item) -> KindReading | None:
    vocab = item.vocab
    vitals = [t for t in item.of("lab") if vocab[t.concept_id].attrs.get("vital")]
    if not vitals:
        return None
    # "Uncontrolled hypertension (SBP ≥ 160 mmHg or DBP ≥ 100 mmHg)": the thresholds define
    # the diagnosis the item names, so the diagnosis does not hand the item to another reader.
    if [t for t in item.terms if t not in vitals and t.concept_id not in _DEFINED_BY_VITALS]:
        return None  # "LVEF ≥ 50% and eGFR ≥ 30": the lab reader's
    groups: list[dict[str, Any]] = []
    read_concepts: set[str] = set()
    for index, term in enumerate(vitals):
        concept = vocab[term.concept_id]
        if term.concept_id in read_concepts:
            continue  # "Body mass index (BMI) ...": the abbreviation of a vital already read
        # The threshold lies before the next *other* vital: "body mass index (BMI) 18-32"
        # names one vital twice before its range.
        later = [v.start for v in vitals[index + 1 :] if v.concept_id != term.concept_id]
        stop = later[0] if later else len(item.main)
        if concept.attrs.get("pair"):
            pair = _BP_PAIR.search(item.main, term.end, stop)
            if pair is None:
                continue
            sbp, dbp = concept.attrs["pair"]
            op = _op_of(pair["op"])
            groups += [
                {"analytes": [sbp], "op": op, "value": float(pair["s"]), "unit": "mmHg"},
                {"analytes": [dbp], "op": op, "value": float(pair["d"]), "unit": "mmHg"},
            ]
            read_concepts.add(term.concept_id)
            item.take(pair.start(), pair.end())
            continue
        found = _threshold(item, term.concept_id, term.end, stop)
        if found:
            groups += found
            read_concepts.add(term.concept_id)
    if not groups:
        return item.manual("the vital sign's threshold is not recognised",
                           vocab[vitals[0].concept_id].key, "vital:unread")  # fmt: skip
    item.take_terms(read_concepts)  # "Left ventricular ejection fraction (LVEF) ≥55%"
    item.take_all(_VITAL_WORDS)
    _take_common(item)
    params: dict[str, Any] = dict(groups[0])
    if len(groups) > 1:
        params["alternatives"] = groups[1:]
        ranged = len({tuple(g["analytes"]) for g in groups}) == 1
        either = bool(re.search(r"\bor\b", item.main, _I)) or item.exclusion
        params["combine"] = "and" if ranged or not either else "or"
        item.take_all(re.compile(r"\bor\b|\band\b", _I))
    keys = sorted({vocab[a].key for g in groups for a in g["analytes"]})
    key = "bp" if set(keys) == {"sbp", "dbp"} else "".join(keys)
    return item.reading("vital", key, params, "vital:threshold")


def _threshold(item: _Item, concept_id: str, start: int, stop: int) -> list[dict[str, Any]]:
    """ "≥ 92%" → [≥ 92 %]; "between 18 and 35 kg/m2", "15–60" → [≥ 18, ≤ 35]."""
    concept = item.vocab[concept_id]
    family, canonical = concept.attrs.get("family", ""), concept.canonical_unit
    tail = item.main[start:stop]
    ranged = _RANGE.match(tail)
    if ranged and not re.match(rf"\s*{_OP}", tail, _I):
        written, unit_end = _unit_at(item.main, start + ranged.end())
        low = normalize(family, float(ranged["a"]), written, analyte=concept.key)
        high = normalize(family, float(ranged["b"]), written, analyte=concept.key)
        if low is None or high is None or low[0] > high[0]:
            return []
        item.take(start + ranged.start(), max(unit_end, start + ranged.end()))
        return [
            {"analytes": [concept_id], "op": ">=", "value": _tidy(low[0]), "unit": low[1]},
            {"analytes": [concept_id], "op": "<=", "value": _tidy(high[0]), "unit": high[1]},
        ]
    cmps = [c for c in _comparisons(item.main, start) if c.start < min(stop, start + 60)]
    if not cmps or cmps[0].uln:
        return []
    bounded = _two_sided(item, concept_id, cmps, stop)
    if bounded:
        return bounded
    cmp = cmps[0]
    written, unit_end = _unit_at(item.main, cmp.num_end)
    converted = normalize(family, cmp.value, written, analyte=concept.key)
    if converted is None or converted[1] != canonical:
        return []
    item.take(cmp.start, max(unit_end, cmp.stop))  # "25 kg (55 lbs) or more": the suffix too
    return [{"analytes": [concept_id], "op": cmp.op, "value": _tidy(converted[0]),
             "unit": converted[1]}]  # fmt: skip


# "eGFR ≥ 15 and < 30 mL/min/1.73 m2", "eGFR < 30 but > 15 mL/min", "BMI > 18, < 35": two
# limits on opposite sides, the unit written once (after the second) or after each. "Or"
# between them is an either-or, not a range, and is not read here.
_BOUND_JOIN = re.compile(r"\s*,?\s*(?:and|but)?\s*(?:also\s+)?$", _I)
_LOWER_OPS, _UPPER_OPS = frozenset({">", ">="}), frozenset({"<", "<="})


def _two_sided(item: _Item, concept_id: str, cmps: list[Any], stop: int) -> list[dict[str, Any]]:
    if len(cmps) < 2 or cmps[1].uln or cmps[1].start >= stop:
        return []
    first, second = cmps[0], cmps[1]
    if {first.op in _LOWER_OPS, second.op in _LOWER_OPS} != {True, False}:
        return []
    concept = item.vocab[concept_id]
    family = concept.attrs.get("family", "")
    written_b, end_b = _unit_at(item.main, second.num_end)
    written_a, end_a = _unit_at(item.main, first.num_end)
    if written_b is None or not _BOUND_JOIN.match(item.main[max(end_a, first.stop):second.start]):
        return []
    a = normalize(family, first.value, written_a or written_b, analyte=concept.key)
    b = normalize(family, second.value, written_b, analyte=concept.key)
    if a is None or b is None or a[1] != concept.canonical_unit or b[1] != a[1]:
        return []
    low, high = (a, b) if first.op in _LOWER_OPS else (b, a)
    if low[0] >= high[0]:
        return []
    item.take(first.start, max(end_b, second.stop))
    return [
        {"analytes": [concept_id], "op": c.op, "value": _tidy(v[0]), "unit": v[1]}
        for c, v in ((first, a), (second, b))
    ]


# =====================================================================================
# lab forms: ranges, "liver function", weight-based amounts
# =====================================================================================

_LIVER_FUNCTION = re.compile(
    r"\b(?:liver|hepatic)\s+function(?:\s+tests?)?(?:\s+\(LFTs?\))?|\bLFTs?\b|"
    # "transaminases > 3N", "serum aminotransferases > 2 × ULN": the group's name for the two
    # aminotransferases, ALT and AST.
    r"\b(?:(?:serum|liver|hepatic)\s+)?(?:trans-?aminases?|aminotransferases)\b", _I
)
_PROTEIN_WORDS = re.compile(r"\bproteinuria\b|\burin(?:e|ary)\s+protein(?:\s+excretion)?\b", _I)
_PER_KG_DAY = re.compile(r"\s*mg\s*/\s*kg\s*(?:/\s*(?:d|day|24\s*h)\b|per\s+day|daily)", _I)


def _lab_forms(item: _Item) -> KindReading | None:
    # "eGFR 20-60 by CKD-EPI(Cr)": the equation's creatinine is no analyte of the item.
    labs = [t for t in item.of("lab") if _in_context(t, item)]
    # A term its context rules out is no other concept: "eGFR by CKD-EPI" names no CKD.
    others = [t for t in item.terms if t not in labs and _in_context(t, item)]
    if not labs:
        liver = _LIVER_FUNCTION.search(item.main)
        named = _liver_condition(item, liver) if liver else None
        if liver and all(named and named[0] <= t.start < named[1] for t in others):
            if named:
                item.take(*named)  # "hepatic insufficiency (transaminases > 3N)"
            return _liver_function(item, liver)
    if others:
        return None
    if not labs:
        protein = _PROTEIN_WORDS.search(item.main)
        return _per_weight(item, "lab.urine_protein_24h", protein) if protein else None
    ids = _concept_ids(labs)
    if len(ids) != 1:
        return None
    concept_id = ids[0]
    if concept_id in ("lab.urine_protein_24h", "lab.upcr"):
        per_kg = _per_weight(item, "lab.urine_protein_24h", labs[0])
        if per_kg is not None:
            return per_kg
    found = _threshold(item, concept_id, labs[-1].end, len(item.main))
    if len(found) != 2:
        return None  # one plain threshold: matcher.criteria's lab reader
    item.take_terms(ids)
    item.take_all(re.compile(r"\b(?:between|and|to|from)\b", _I))
    _take_common(item)
    params = _lab_params(found[0]) | {"alternatives": found[1:], "combine": "and"}
    return item.reading("lab", item.vocab[concept_id].key, params, "lab:range")


def _liver_condition(item: _Item, liver: re.Match) -> tuple[int, int] | None:
    """ "Hepatic insufficiency (transaminases > 3N)": the condition the aminotransferase
    limit defines, named right before it (the lab reader's definition grammar)."""
    named = named_condition(item.main, ("lab.alt", "lab.ast"), item.vocab)
    if named is None or named[2] != liver.start():
        return None
    return named[0], named[2]


def _lab_params(group: dict[str, Any]) -> dict[str, Any]:
    return dict(group) | {"exceptions": [], "csf_free_days": None, "below_manual": None}


def _liver_function(item: _Item, liver: re.Match) -> KindReading | None:
    cmps = [c for c in _comparisons(item.main, liver.end()) if c.uln]
    if not cmps:
        return None
    cmp = cmps[0]
    item.take(liver.start(), liver.end())
    tail = re.match(r"\s*(?:[x×*✕]|times|-?\s*fold(?:\s+of)?)?\s*(?:the\s+)?(?:upper\s+limits?\s+"
                    r"of\s+(?:the\s+)?normal|ULN|upper\s+normal\s+(?:limits?|levels?))",
                    item.main[cmp.num_end :], _I)  # fmt: skip
    item.take(cmp.start, max(cmp.stop, cmp.num_end + (tail.end() if tail else 0)))
    item.take_all(re.compile(r"\b(?:abnormal|elevated|tests?|values?|levels?|concentrations?)\b",
                             _I))
    _take_common(item)
    params = {"analytes": ["lab.alt", "lab.ast"], "op": cmp.op, "uln_multiple": cmp.value,
              "unit": "U/L"} | {"exceptions": [], "csf_free_days": None, "below_manual": None}
    return item.reading("lab", "altast", params, "lab:liver-function")


def _per_weight(item: _Item, concept_id: str, mention: Any) -> KindReading | None:
    end = mention.end if isinstance(mention, TermMatch) else mention.end()
    start = mention.start if isinstance(mention, TermMatch) else mention.start()
    for cmp in _comparisons(item.main, end):
        unit = _PER_KG_DAY.match(item.main, cmp.num_end)
        if unit is None:
            continue
        item.take(start, end)
        item.take(cmp.start, unit.end())
        _take_common(item)
        params = {"analytes": [concept_id], "op": cmp.op, "value": float(cmp.value),
                  "unit": "mg/kg/day", "per_weight": True}  # fmt: skip
        return item.reading("lab", "uprot24", _lab_params(params), "lab:per-weight")
    return None


# =====================================================================================
# dose-qualified drug exposure
# =====================================================================================

_DOSE_UNIT = re.compile(
    r"\s*(?P<unit>mg|milligrams?|g|gm|grams?)\b(?P<kg>\s*/\s*kg)?(?P<m2>\s*/\s*m\s*(?:2|²|\^2))?"
    r"(?P<day>\s*(?:/\s*(?:d|day|24\s*h(?:rs?|ours?)?)\b|per\s+day\b|daily\b|a\s+day\b))?",
    _I,
)
_DAILY_BEFORE = re.compile(r"\bdaily\s+dose\s+(?:of\s+)?$|\bdose\s+per\s+day\s+(?:of\s+)?$", _I)
_CUMULATIVE = re.compile(r"\bcumulative(?:\s+(?:dose|exposure|amount))?\b|\btotal\s+dose\b", _I)
_REFRACTORY_CUES = re.compile(
    r"\bdespite\b|\bfail\w*|\brefractory\b|\bresistan\w*|\binadequate\b|\bnon-?respon\w*|"
    r"\binsufficient\b|\bintoleran\w*",
    _I,
)
_CHANGE = re.compile(
    r"\bchang\w*|\bincreas\w*|\bescalat\w*|\btaper\w*|\breduc\w*|\bstable\b|\bfixed\b|"
    r"\badjust\w*|\bif\s+(?:on|receiving|taking|treated)\b|\bwean\w*",
    _I,
)
_USE = re.compile(
    r"\b(?:taken|taking|took|treated|treatment|therapy|use|used|using|received|receiving|"
    r"receipt|exposure|exposed|administered|given|dose|doses|dosage|daily|high-dose|"
    r"high\s+dose|intravenous|intravenously|iv|oral|orally|parenteral|parenterally|pulse|"
    r"pulses|current|currently|on|maintenance)\b",
    _I,
)
_EQUIVALENT = re.compile(
    r"\(?\s*(?:or\s+)?(?:(?:its|an?|the)\s+)?(?:prednis(?:ol)?one[\s-]+)?equivalents?\b"
    # "10 mg equivalent prednisolone/d": the drug named after, the period as "/d"
    r"(?:\s+prednis(?:ol)?one(?:\s*/\s*(?:d|day)\b)?)?"
    r"(?:\s+(?:dose|amount))?(?:\s+of\s+(?:another|other)\s+(?:glucocorticoids?|"
    r"corticosteroids?|steroids?))?\s*\)?",
    _I,
)
_PERIOD = re.compile(r"\bfor\s+(?:a\s+(?:period|duration)\s+of\s+)?", _I)
_STABLE_DOSE = re.compile(
    r"\b(?:stable|fixed|unchanged)(?:\s+(?:doses?|dosages?|dosing|regimens?))?\b|"
    r"\b(?:doses?|dosages?)\s+(?:must\s+)?(?:have\s+)?(?:been\s+)?(?:stable|unchanged)\b",
    _I,
)


# "Prednisolone < 15 mg/day with or without other immunosuppressive medications": drugs a
# patient may take besides; the item neither requires nor excludes them.
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+or\s+without\s+", _I)
_CLAUSE_OPEN = re.compile(r"[,(]\s{0,3}$")  # ", with or without": the comma is the clause's
_OPTIONAL_GAP = re.compile(
    r"(?:\s|,|/|\bor\b|\band\b|\bany\b|\bother\b|\badditional\b|\bconcomitant\b|"
    r"\bconcurrent\b|\bbackground\b|\b(?:low|high)[\s-]+dose\b)*",
    _I,
)
_OPTIONAL_TAIL = re.compile(
    r"(?:\s*(?:treatments?|therapy|therapies|medications?|drugs?|agents?))?\s*\)?", _I
)


def optional_drugs(
    main: str, terms: Sequence[TermMatch], vocab: Vocabulary
) -> tuple[tuple[int, int], list[TermMatch]] | None:
    """The "with or without X (or Y)" clause of an item and the drug mentions it names,
    or None. Only drugs and drug classes: "with or without class V" is a biopsy's."""
    m = _WITH_OR_WITHOUT.search(main)
    if m is None:
        return None
    position, named = m.end(), []
    for term in sorted(terms, key=lambda t: t.start):
        if term.start < position:
            continue
        if vocab[term.concept_id].category not in ("drug", "drug_class") or not (
            _OPTIONAL_GAP.fullmatch(main, position, term.start)
        ):
            break
        named.append(term)
        position = term.end
    if not named:
        return None
    tail = _OPTIONAL_TAIL.match(main, position)
    opening = _CLAUSE_OPEN.search(main, max(0, m.start() - 4), m.start())
    start = opening.start() if opening is not None else m.start()
    return (start, tail.end() if tail else position), named


def _drop_optional(item: _Item) -> None:
    found = optional_drugs(item.main, item.terms, item.vocab)
    if found is not None:
        (start, end), named = found
        item.terms = [t for t in item.terms if t not in named]
        item.take(start, end)


def _dose(item: _Item) -> KindReading | None:
    _drop_optional(item)
    drugs = item.of("drug", "drug_class")
    if not drugs:
        return None
    ids = _concept_ids(drugs)
    if len(ids) != 1 or [t for t in item.terms if t not in drugs]:
        return None  # several drugs, or a condition beside the drug: not one dose limit
    if _REFRACTORY_CUES.search(item.main):
        return None
    found = _dose_threshold(item)
    if found is None:
        return None
    cmp, unit_match, daily_before = found
    drug = item.vocab[ids[0]]
    key = f"{drug.key}_dose"
    # "If on glucocorticoids, ≤ 10 mg/day": a limit only for patients taking the drug.
    conditional = _IF_ON.search(item.main)
    if conditional is not None:
        item.take(conditional.start(), conditional.end())
    rest = item.main[conditional.end():] if conditional is not None else item.main
    # "A stable dose of prednisone ≤ 10 mg/day for ≥ 4 weeks": the dose and how long it
    # was taken are read; whether it stayed the same is left to a person (an inclusion
    # only: a dose over the limit still decides).
    stable = [] if item.exclusion else list(_STABLE_DOSE.finditer(rest))
    for m in stable:
        rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
    if _CHANGE.search(rest):
        return item.manual(
            f"a change or condition on the {drug.label} dose must be checked by a person",
            key, "dose:change")  # fmt: skip
    cumulative = bool(_CUMULATIVE.search(item.main))
    unit = unit_match["unit"].lower()
    if unit.startswith("g") and not (unit_match["kg"] or unit_match["m2"] or unit_match["day"]
                                     or daily_before) and _window(item.main) is not None:
        # "More than 2 g of methylprednisolone in the last 4 weeks": grams with no period,
        # over a window, are what was given in it (a pulse course), not a daily dose.
        cumulative = True
    amount = cmp.value * (1000.0 if unit.startswith("g") else 1.0)  # in mg
    if unit_match["m2"]:
        return item.manual(f"a {drug.label} dose per body surface must be checked by a person",
                           key, "dose:per-m2")  # fmt: skip
    glucocorticoid = ids[0] == "drug.glucocorticoid"
    if cumulative:
        dose_unit, value = "g", amount / 1000.0
    elif unit_match["kg"]:
        dose_unit, value = "mg/kg/day", amount
    elif unit_match["day"] or daily_before or glucocorticoid:
        # A glucocorticoid dose is a daily dose unless the item says otherwise.
        dose_unit, value = "mg/day", amount
    else:
        return item.manual(f"a {drug.label} dose without a period must be checked by a person",
                           key, "dose:no-period")  # fmt: skip
    if glucocorticoid and not cumulative:
        # "Methylprednisolone > 1 g/day" is 1250 mg of prednisone: the limit is compared as
        # prednisone, like the notes' doses (the reader's per-drug limits do the same).
        value *= steroid_factor(drugs[0].text) or 1.0
    duration_match = None
    for m in _DURATION.finditer(item.main):
        if m.start() >= cmp.start and m.start() < unit_match.end():
            continue  # "> 15 mg/day": the dose, not a duration
        duration_match = m
        break
    window_text = item.main
    min_days, strict = None, False
    if duration_match is not None and re.search(r"days?|weeks?|months?", duration_match["unit"]):
        amount_days = _number(duration_match["n"])
        if amount_days is not None:
            min_days = window_to_days(amount_days, duration_match["unit"])
            lead = " ".join(duration_match["lead"].lower().split())
            strict = lead.startswith((">", "more", "longer", "over", "exceed", "in excess"))
            strict = strict or "more than" in duration_match.group().lower()
            # "for at least 4 weeks before randomisation": the anchor the time is held to.
            held_end = _HELD_ANCHOR.match(item.main, duration_match.end()).end()
            item.take(duration_match.start(), held_end)
            blank = " " * (held_end - duration_match.start())
            window_text = item.main[: duration_match.start()] + blank + item.main[held_end:]
            period = list(_PERIOD.finditer(item.main, max(0, duration_match.start() - 30),
                                           duration_match.start() + 1))  # fmt: skip
            for p in period:
                item.take(p.start(), p.end())
    window = _window(window_text)
    if window is not None:
        _take_window(item, window_text)
    else:
        item.take_all(_CURRENT_DRUG)  # "at screening": the current dose
    item.take_terms(ids)
    item.take(cmp.start, max(unit_match.end(), cmp.stop))  # "20 mg/day or less"
    if daily_before is not None:
        item.take(daily_before.start(), daily_before.end())
    item.take_all(_USE)
    item.take_all(_CUMULATIVE)
    item.take_all(_EQUIVALENT)
    item.take_all(re.compile(r"\bof\b|\bor\b|\bhad\b|\bhave\b|\bbeen\b", _I))
    params = {
        "drugs": list(item.vocab.expand(ids[0])),
        "dose_op": cmp.op,
        "dose_value": _tidy(value),
        "dose_unit": dose_unit,
        "prednisone_equivalent": glucocorticoid,
        "cumulative": cumulative,
        "window_days": window,
        "min_duration_days": min_days,
        "duration_strict": strict,
    }
    if conditional is not None or _bare_ceiling(item, cmp.op, window, cumulative):
        params["conditional"] = True
    if stable:
        offset = conditional.end() if conditional is not None else 0
        for m in stable:
            item.take(offset + m.start(), offset + m.end())
        params["stable"] = True
    return item.reading("dose_exposure", key, params, "dose:threshold")


# Words that make an inclusion's dose limit a requirement to take the drug: "On prednisone
# ≤ 10 mg/day", "receiving maintenance prednisolone < 15 mg/day", "a stable dose of".
_TAKES = re.compile(
    r"\b(?:on|receiving|taking|using|use|treated|treatment|therapy|maintenance|currently|"
    r"current|stable|fixed|unchanged|requir\w*|need\w*|must\s+(?:be\s+)?(?:on|receiv\w*|tak\w*))\b",
    _I,
)


def _bare_ceiling(item: _Item, op: str, window: int | None, cumulative: bool) -> bool:
    """ "≤ 5 mg/day prednisolone", "Prednisone dose ≤ 10 mg/day" as an inclusion: a
    ceiling on the daily dose, which a patient taking none also meets (0 mg is under it);
    read as "if on prednisone". With a word of taking it ("on prednisone ≤ 10 mg/day"),
    the drug itself is required."""
    if item.exclusion or op not in ("<", "<=") or window is not None or cumulative:
        return False
    return _TAKES.search(item.main) is None


def dose_unit_at(text: str, end: int) -> tuple[float, str, int] | None:
    """The daily dose unit right after a number ending at `end`: (factor to mg, "mg/day"
    or "mg/kg/day", where the unit ends), or None. A glucocorticoid dose with no period is
    a daily dose ("prednisone > 100 mg")."""
    unit = _DOSE_UNIT.match(text, end)
    if unit is None or not unit["unit"] or unit["m2"]:
        return None
    factor = 1000.0 if unit["unit"].lower().startswith("g") else 1.0
    return factor, "mg/kg/day" if unit["kg"] else "mg/day", unit.end()


def _dose_threshold(item: _Item) -> tuple[Any, re.Match, re.Match | None] | None:
    for cmp in _comparisons(item.main):
        unit = _DOSE_UNIT.match(item.main, cmp.num_end)
        if unit is None or not unit["unit"]:
            continue
        before = _DAILY_BEFORE.search(item.main[: cmp.start])
        daily = None
        if before is not None:
            daily = re.search(r"\bdaily\s+dose\s+(?:of\s+)?|\bdose\s+per\s+day\s+(?:of\s+)?",
                              item.main[before.start() : cmp.start], _I)  # fmt: skip
        return cmp, unit, before if daily else None
    return None


_WINDOW_SPAN = re.compile(
    rf"\b(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding|prior)?\s*"
    rf"(?:(?:{_NUM}|{_WORD_NUM}|a|an)\s*)?(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
    rf"(?:\s+(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?(?:screening|enrol\w*|"
    rf"randomi\w*|baseline|day\s+[01]|study\s+entry|first\s+dose|consent)(?:\s+visit)?)?"
    rf"|\b(?:{_NUM}|{_WORD_NUM})\s*(?:days?|weeks?|months?|years?)\s+(?:before|prior\s+to|"
    rf"preceding)\s+(?:the\s+)?(?:screening|enrol\w*|randomi\w*|baseline|day\s+[01]|"
    rf"study\s+entry|first\s+dose|consent)(?:\s+visit)?",
    _I,
)


def _take_window(item: _Item, text: str) -> None:
    m = _WINDOW_SPAN.search(text)
    if m is not None:
        item.take(m.start(), m.end())


# =====================================================================================
# disease duration and onset age
# =====================================================================================

_ONSET_CUE = re.compile(
    r"\b(?:age\s+(?:at|of)\s+(?:onset|diagnosis|disease\s+onset)|(?:disease\s+)?onset|"
    r"diagnos(?:ed|is)\s+(?:at|before|prior\s+to|under|by)\s+(?:the\s+)?age|"
    # "SLE arising before the age of 16", "symptoms that began before age 18"
    r"(?:aris(?:ing|en)|arose|began|beginning|started|starting|manifest(?:ed|ing)|"
    r"develop(?:ed|ing)|presenting|occurr(?:ed|ing))\s+(?:before|prior\s+to|under|after|by)"
    r"\s+(?:the\s+)?age|"
    r"at\s+the\s+time\s+of\s+(?:the\s+)?diagnosis)\b",
    _I,
)
_ONSET_AGE = re.compile(
    r"\b(?P<word>before|prior\s+to|under|after|by|at\s+or\s+before|at)\s+(?:the\s+)?age\s+"
    r"(?:of\s+)?(?P<n>\d{1,2})(?:\s+(?:years?|yrs?)(?:\s+(?:of\s+age|old))?)?",
    _I,
)
_ONSET_WORDS = {"before": "<", "prior to": "<", "under": "<", "after": ">", "by": "<=",
                "at or before": "<="}  # fmt: skip
_TIME_UNIT = r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
_ELAPSED = re.compile(
    rf"(?:(?P<op>{_OP})\s*(?:of\s+)?)?(?P<n>{_NUM}|{_WORD_NUM})\s*{_TIME_UNIT}"
    r"(?P<tail>\s+(?:or|and)\s+(?:more|longer|less|shorter))?",
    _I,
)
_WITHIN = re.compile(
    rf"\bwithin\s+(?:the\s+(?:last|past|previous)\s+)?(?P<n>{_NUM}|{_WORD_NUM})\s*{_TIME_UNIT}",
    _I,
)
_DURATION_CUE = re.compile(r"\b(?:diagnos\w*|disease\s+duration|duration|onset)\b", _I)
_ANCHOR = re.compile(
    r"\b(?:before|prior\s+to|preceding|from|of|until)\s+(?:the\s+)?(?:signing\s+(?:of\s+)?"
    r"(?:the\s+)?(?:informed\s+)?consent(?:\s+form)?|screening(?:\s+visit)?|enrol\w*|"
    r"randomi[sz]ation|baseline|study\s+entry|day\s+[01]|first\s+dose|visit\s+1|"
    r"(?:study\s+)?inclusion(?:\s+in(?:to)?\s+the\s+(?:study|trial))?)\b",
    _I,
)
# "Type 1 diabetes for at least 6 months", "SLE for more than 1 year", "history of SLE of
# at least 6 months": the time right after the condition's name is how long it has been
# known. (A qualifier before the name, "stable SLE for 3 months", is another duration and
# stays for the coverage guard.)
_FOR_ELAPSED = re.compile(
    rf"\s*(?:\([^()]{{1,15}}\)\s*)?(?:for|of)\s+(?:a\s+(?:minimum|period)\s+of\s+)?"
    rf"(?:at\s+least|more\s+than|longer\s+than|over|≥|>=|>)\s*(?:{_NUM}|{_WORD_NUM})\s*"
    r"(?:days?|weeks?|months?|years?)\b",
    _I,
)
_TIMING_WORDS = re.compile(
    r"\b(?:diagnos\w*|disease\s+duration|duration|disease|history|established|onset|ago|"
    r"childhood|juvenile|age|aged|years?\s+of\s+age|at\s+the\s+time\s+of|according\s+to|"
    r"aris(?:ing|en)|arose|began|beginning|started|starting|manifest(?:ed|ing)|"
    r"develop(?:ed|ing)|presenting|occurr(?:ed|ing)|"
    r"newly|recently|new|"
    r"criteria|classification|fulfill?(?:ing|s)?|meeting|for)\b",
    _I,
)


def is_onset_age(text: str) -> bool:
    """Does an age in this item date the disease's onset ("onset before age 16", "Age ≥ 16
    years at the time of diagnosis") rather than give the patient's age now?"""
    return bool(_ONSET_CUE.search(text) or _ONSET_AGE.search(text)) and bool(
        re.search(r"\bage\b|\bage[ds]\b|\byears?\s+old\b", text, _I)
    )


def _timing(item: _Item) -> KindReading | None:
    diagnoses = item.of("diagnosis")
    onset = is_onset_age(item.main)
    cue = _DURATION_CUE.search(item.main) or any(
        _FOR_ELAPSED.match(item.main, t.end) for t in diagnoses
    )
    if (not onset and not cue) or item.exclusion:
        return None
    # "according to the EULAR/ACR criteria" names how the diagnosis was made.
    systems = [t for t in item.terms if t.concept_id == "status.sle_criteria"]
    if [t for t in item.terms if t not in diagnoses and t not in systems] or re.search(
        r"biops|class\s+(?:I|V|[1-6])", item.main, _I
    ) or _REFRACTORY_CUES.search(item.main):
        return None
    concepts = [c for c in _concept_ids(diagnoses)]
    if onset:
        if not concepts:
            return item.manual(
                "the age at diagnosis of a condition the item does not name must be checked "
                "by a person",
                "onset",
                "timing:unnamed",
            )
        found = _onset(item)
        if found is None:
            return item.manual("the onset age is not recognised",
                               f"{item.vocab[concepts[0]].key}_onset", "timing:onset")  # fmt: skip
        op, years = found
        params = _timing_params(concepts, onset_op=op, onset_age_years=years)
        rule, suffix = "timing:onset", "onset"
    else:
        if not concepts:
            return None
        found_duration = _elapsed(item)
        if found_duration is None:
            return None
        params = _timing_params(concepts, **found_duration)
        rule, suffix = "timing:duration", "duration"
    item.take_terms([*concepts, "status.sle_criteria"])
    item.take_all(_TIMING_WORDS)
    item.take_all(_ANCHOR)
    citation = read_citation(item.main, concepts)
    for start, end in citation.spans if citation else ():
        item.take(start, end)
    _take_common(item)
    key = f"{item.vocab[concepts[0]].key}_{suffix}"
    return item.reading("diagnosis_timing", key, params, rule)


def _timing_params(concepts: list[str], **given: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "concepts": concepts,
        "min_duration_days": None,
        "max_duration_days": None,
        "duration_strict": False,
        "onset_op": None,
        "onset_age_years": None,
    }
    params.update(given)
    return params


def _onset(item: _Item) -> tuple[str, float] | None:
    m = _ONSET_AGE.search(item.main)
    if m is not None and m["word"].lower() != "at":
        item.take(m.start(), m.end())
        word = " ".join(m["word"].lower().split())
        return _ONSET_WORDS[word], float(m["n"])
    for cmp in _comparisons(item.main):
        if cmp.uln or not 0 < cmp.value < 120:
            continue
        unit = re.match(r"\s*(?:years?|yrs?)(?:\s+(?:of\s+age|old))?", item.main[cmp.num_end :],
                        _I)  # fmt: skip
        item.take(cmp.start, cmp.num_end + (unit.end() if unit else 0))
        return cmp.op, float(cmp.value)
    return None


def _elapsed(item: _Item) -> dict[str, Any] | None:
    within = _WITHIN.search(item.main)
    if within is not None:
        amount = _number(within["n"])
        if amount is None:
            return None
        item.take(within.start(), within.end())
        return {"max_duration_days": window_to_days(amount, within["unit"])}
    for m in _ELAPSED.finditer(item.main):
        amount = _number(m["n"])
        if amount is None:
            continue
        tail = (m["tail"] or "").lower()
        op = _op_of(m["op"]) if m["op"] else (
            ">=" if "more" in tail or "longer" in tail else "<=" if tail else None
        )
        if op is None:
            continue
        item.take(m.start(), m.end())
        days = window_to_days(amount, m["unit"])
        if op in (">=", ">"):
            return {"min_duration_days": days, "duration_strict": op == ">"}
        return {"max_duration_days": days, "duration_strict": op == "<"}
    return None


# =====================================================================================
# conditions of issue 12's vocabulary: current or ever, exceptions honoured
# =====================================================================================

# The conditions this module reads itself (the rest stay matcher.criteria's): "Active
# tuberculosis" is a current state, "History of malignancy" is ever, "malignancy except
# non-melanoma skin cancer" keeps the skin cancer out.
_CONDITIONS = frozenset({
    "dx.malignancy", "dx.nmsc", "dx.cervical_cis", "dx.diabetes", "dx.diabetes_t1",
    "dx.diabetes_t2", "dx.rpgn", "dx.psychiatric", "dx.substance_abuse", "dx.immunodeficiency",
    "proc.splenectomy", "dx.autoimmune_other", "dx.thromboembolism", "dx.dvt", "dx.pe",
    "dx.liver_disease", "dx.cirrhosis", "dx.tuberculosis", "dx.latent_tb",
})  # fmt: skip
_NOW = re.compile(
    r"\b(?:active|current|currently|ongoing|concomitant|concurrent|present|existing|"
    r"coexisting|co-existing)\b",
    _I,
)
_HISTORY = re.compile(
    r"\bhistory\s+of\b|\bmedical\s+history\b|\bprior\b|\bprevious(?:ly)?\b|\bpast\b|"
    r"\bever\b|\bat\s+any\s+time\b|\bknown\b|\bdocumented\b|\bdiagnos(?:ed|is)\s+(?:with|of)\b|"
    r"\bdiagnosed\b|\bpre-?\s?existing\b",
    _I,
)
# "recent cancer < 3 years", "≤ 5 years ago": a bound on how long ago, read as a window.
_RECENT = re.compile(
    rf"(?:<|≤|<=|less\s+than|under)\s*(?P<n>{_NUM}|{_WORD_NUM})\s*"
    rf"(?P<unit>days?|weeks?|months?|years?|yrs?)\b(?:\s+ago)?",
    _I,
)
# Words inside an honoured exception clause ("except adequately treated cervical carcinoma
# in situ"): they qualify what is let through.
_EXCEPTION_WORDS = re.compile(
    r"\b(?:except(?:ion)?|excluding|other\s+than|rather\s+than|besides|apart\s+from|unless|"
    r"with\s+the\s+exception\s+"
    r"of|adequately|curatively|successfully|completely|treated|resected|excised|cured|"
    r"localized|localised|no\s+evidence\s+of\s+(?:recurrence|disease)|without\s+recurrence|"
    r"that\s+has\s+been|which\s+has\s+been|has\s+been|been|in\s+situ)\b",
    _I,
)


def _is_condition(concept_id: str, item: _Item) -> bool:
    """One of the conditions above, or a concept whose data says so ("reader":
    "condition" in concepts.jsonl: herpes zoster, heart failure, pancreatitis ...)."""
    return concept_id in _CONDITIONS or item.vocab[concept_id].attrs.get("reader") == "condition"


# "Myocarditis with congestive heart failure": the second condition narrows the first.
# Read as a list, the exclusion would refuse a patient with heart failure alone.
_WITH = re.compile(r"\b(?:with|complicated\s+by|accompanied\s+by|causing|leading\s+to)\b", _I)


# "... prior to the stroke", "after the onset of the myocardial infarction": a condition
# that anchors the time of another, right before the condition's term.
_ANCHORED = re.compile(
    r"\b(?:prior\s+to|before|after|following|since|until)\s+(?:the\s+|his\s+|her\s+|"
    r"their\s+|a\s+|an\s+)?(?:onset\s+of\s+(?:the\s+|a\s+)?)?$",
    _I,
)


def _qualified_by_another(item: _Item, conditions: list[TermMatch]) -> str | None:
    for first, second in zip(conditions, conditions[1:], strict=False):
        between = item.main[first.end : second.start]
        if _WITH.search(between):
            return (
                f"{item.vocab[first.concept_id].label} qualified by "
                f"{item.vocab[second.concept_id].label} ('with') must be checked by a person"
            )
    return None


def _qualified_in_words(item: _Item, conditions: list[TermMatch]) -> bool:
    """Does the item qualify its condition in a way matcher.criteria.temporality reads
    and this reader does not: a judged word inside the term ("chronic liver disease":
    the long-standing disease now, not any liver disease ever), a suspicion that counts
    ("known or suspected TB"), or the state at the trial's start ("infection at study
    entry")? Then the general diagnosis reader reads it, as it reads "active TB"."""
    rules = load_temporality()
    terms = [(t.start, t.end, t.concept_id) for t in conditions]
    # A judged word outside the terms ("major psychiatric disorder") this reader would
    # leave over: the general reader reads it, and when neither reads the whole item its
    # reason names only the words left over there.
    outside = any(not any(t.start < m.end() and m.start() < t.end for t in item.terms)
                  for m in rules.judged.finditer(item.main))  # fmt: skip
    return bool(outside or narrowing_qualifiers(item.main, terms, item.vocab, rules)
                or rules.suspected.search(item.main) or rules.at_time.search(item.main))


def _in_context(term: TermMatch, item: _Item) -> bool:
    concept = item.vocab[term.concept_id]
    return concept.category == "procedure" or in_context(item.main, term.start, term.end, concept)


def _condition(item: _Item) -> KindReading | None:
    conditions = item.of("diagnosis", "procedure")
    if not conditions or [t for t in item.terms if t not in conditions]:
        return None
    conditions = outside_citations(item.main, conditions)
    if not all(_in_context(t, item) for t in conditions):
        # "History of smoking" is not the current smoker the concept means, "stroke
        # volume" not a stroke: the general reader, which applies the vocabulary's context
        # filters as the note reader does, reads what is left.
        return None
    concepts = _concept_ids(conditions)
    if not all(_is_condition(c, item) for c in concepts):
        return None
    qualified = _qualified_by_another(item, conditions)
    if qualified is not None:
        return item.manual(qualified, item.vocab[concepts[0]].key, "condition:with")
    if _qualified_in_words(item, conditions):
        # After the "with" rule: "severe myocarditis with heart failure" stays one
        # condition narrowed by another, never a list the general reader would make.
        return None


    anchor = next((t for t in conditions if _ANCHORED.search(item.main, 0, t.start)), None)
    if anchor is not None:
        # "Dementia prior to the stroke": the stroke is when, not what, the item excludes.
        return item.manual(
            f"{item.vocab[anchor.concept_id].label} is the time the item is anchored to "
            "('prior to', 'after'): checked by a person",
            item.vocab[concepts[0]].key, "condition:anchor",
        )
    blanked = _exception_text(item)
    excepted = [t for t in item.vocab.find_terms(blanked) if left_out(concepts, t.concept_id,
                                                                         item.vocab)]
    # "Sjögren's syndrome per the 2002 AECG criteria": the standard cited for it.
    citation = read_citation(item.main, concepts)
    params: dict[str, Any] = {
        "concepts": concepts,
        "system": citation.label if citation else None,
        "ruled_out_not_met": not item.exclusion,
    }
    for start, end in citation.spans if citation else ():
        item.take(start, end)
    if excepted:
        params["except_concepts"] = _concept_ids(excepted)
        for term in excepted:
            item.take(term.start, term.end)
        item.take_all(_EXCEPTION_WORDS, blanked)
    window = _window(item.main)
    recent = _RECENT.search(item.main)
    if window is not None:
        _take_window(item, item.main)
        item.take_all(re.compile(r"\b(?:within|in|during)\s+the\s+(?:last|past|previous)\b|"
                                 r"\bwithin\b", _I))  # fmt: skip
    elif recent is not None and _number(recent["n"]) is not None:
        # "Active or recent cancer < 3 years": within the last 3 years, active included.
        window = window_to_days(_number(recent["n"]) or 0.0, recent["unit"])
        item.take(recent.start(), recent.end())
        item.take_all(re.compile(r"\brecent(?:ly)?\b", _I))
    if window is None and _NOW.search(item.main):
        # "Active tuberculosis", "current drug abuse", "concomitant other autoimmune
        # disease" name a current state: not this reader's; the general diagnosis reader
        # reads it with matcher.criteria.temporality (the lookback, never a past history).
        return None
    if window is None and standing_states(concepts, item.vocab, item.main, item.context):
        # "Hepatic failure patients", "end-stage renal failure": the state now, as "active
        # tuberculosis" is (a mention in the lookback; an older one is for a person).
        # "History of heart failure" stays ever.
        window = LOOKBACK_DAYS
        params["temporality"] = "current"
    if window is not None:
        params["window_days"] = window
        # "Active or recent cancer < 3 years": the active one falls in the window too.
        item.take_all(_NOW)
    item.take_terms(concepts)
    if item.exclusion:
        # "History of other malignancy": the guard weighs it against the trial's own
        # condition (matcher.criteria.other).
        others = other_spans(item.main, [t.start for t in conditions])
        for start, end in others:
            item.take(start, end)
        if others:
            params["other_than_own"] = True
    item.take_all(_HISTORY)
    item.take_all(re.compile(r"\b(?:or|and|and/or|/|either)\b", _I))
    _take_common(item)
    key = item.vocab[concepts[0]].key
    rule = "condition:except" if excepted else "condition"
    return item.reading("diagnosis", key, params, rule)


# =====================================================================================
# entry point
# =====================================================================================

_Reader = Callable[[_Item], "KindReading | None"]
# Most specific first: a dose limit names a drug, a disease duration names a diagnosis,
# a vital or serology item names what the generic readers would misread.
_READERS: tuple[_Reader, ...] = (
    _pregnancy,
    _serology,
    _autoantibody,
    _timing,
    _dose,
    _vital,
    _lab_forms,
    _condition,
)


def read(
    text: str, main: str, ctype: str, context: Sequence[str] = (), *, guard: bool = True,
    vocab: Vocabulary,
) -> KindReading | None:
    """The first reading of the item among these kinds, or None. `text` is the item's
    matching text (matcher.criteria._normalise), `main` the same with exception clauses
    blanked; spans index `text`.

    With `guard`, a computed reading that leaves a content word unexplained is returned as
    `manual` (the words in its reason, the computed reading in `partial`), the rule of
    matcher.criteria's coverage guard; a lab form ("eGFR 15–60") that does so is declined
    instead, for the general lab reader to try. Without it, the reading is returned whole
    and the caller's guard judges its spans. `vocab`: the run's vocabulary."""
    # The mentions once per item, not once per reader: this runs for every item of every
    # trial, and the term scan is the costliest step of reading (1,500 breadth texts).
    terms = vocab.find_terms(main)
    for reader in _READERS:
        item = _Item(text, main, ctype, tuple(context), vocab, list(terms))
        found = reader(item)
        if found is None:
            continue
        if found.kind != "manual":
            validate_params(found.kind, found.params, vocab)
            # The reader calls with guard=False and accounts for the words itself.
            if guard and (words := leftover(found)):
                if reader is _lab_forms:
                    continue
                reason = f"not understood: {' '.join(dict.fromkeys(words))}"
                return KindReading("manual", found.key, {}, found.text, found.spans,
                                   found.rule, reason, found)  # fmt: skip
        return found
    return None


# Words a reading may leave unconsumed: articles, prepositions, connectors and auxiliary
# verbs carry no requirement. Anything else left over ("syphilis", "severe", "untreated",
# "not") changes what the item asks for.
_FILLER = frozenset(
    {
        "a", "an", "the", "of", "to", "in", "on", "for", "with", "by", "and", "or", "any", "at",
        "as", "is", "are", "be", "been", "being", "was", "were", "who", "which", "that", "whom",
        "have", "has", "had", "having", "must", "should", "shall", "will", "may", "can", "do",
        "does", "did", "from", "per", "their", "its", "his", "her", "also", "e", "g", "eg", "i",
        "ie", "etc", "such", "including", "include", "includes",
    }
)  # fmt: skip
_WORDS = re.compile(r"[^\W_]+")


def leftover(reading: KindReading) -> list[str]:
    """The words of the item outside the reading's spans that are not filler, in order."""
    return [
        m.group().lower()
        for m in _WORDS.finditer(reading.text)
        if m.group().lower() not in _FILLER
        and not any(start <= m.start() and m.end() <= end for start, end in reading.spans)
    ]


# =====================================================================================
# readable rules (for `matcher trial show`)
# =====================================================================================


def _key(concept_id: str, vocab: Vocabulary) -> str:
    return vocab[concept_id].key if concept_id in vocab else concept_id


def _group_text(group: dict[str, Any], vocab: Vocabulary) -> str:
    names = "+".join(_key(a, vocab) for a in group.get("analytes", []))
    if "uln_multiple" in group:
        return f"{names} {group.get('op')} {group['uln_multiple']:g}×ULN"
    if "lln_multiple" in group:
        return f"{names} {group.get('op')} {group['lln_multiple']:g}×LLN"
    return f"{names} {group.get('op')} {group.get('value', 0):g} {group.get('unit', '')}".rstrip()


def describe(kind: str, params: dict[str, Any], vocab: Vocabulary) -> str:
    """A one-line rule of a criterion of these kinds: "sbp >= 160 mmHg or dbp >= 100 mmHg",
    "hbsag, hcvab positive (current)", "gc > 15 mg/day pred-eq, >10 d in 30 d"."""
    if kind == "vital":
        groups = [params, *params.get("alternatives", [])]
        return f" {params.get('combine', 'and')} ".join(_group_text(g, vocab) for g in groups)
    if kind == "serology":
        named = ", ".join(_key(c, vocab) for c in [*params.get("markers", []),
                                             *params.get("infections", [])])  # fmt: skip
        return f"{named} {params.get('result')} ({'ever' if params.get('ever') else 'current'})"
    if kind == "pregnancy":
        states = " or ".join(_key(s, vocab) for s in params.get("states", []))
        return f"{'' if params.get('present') else 'not '}{states}, {params.get('window_days')} d"
    if kind == "dose_exposure":
        drugs = "+".join(_key(d, vocab) for d in params.get("drugs", []))
        rule = (f"{drugs} {params.get('dose_op')} "
                f"{params.get('dose_value', 0):g} {params.get('dose_unit')}")  # fmt: skip
        rule += " pred-eq" if params.get("prednisone_equivalent") else ""
        if params.get("min_duration_days"):
            strict = ">" if params.get("duration_strict") else "≥"
            rule += f", {strict}{params['min_duration_days']} d"
        window = params.get("window_days")
        return rule + (f" in {window} d" if window else "" if params.get("cumulative")
                       else ", current")  # fmt: skip
    if kind == "diagnosis_timing":
        parts = []
        if params.get("min_duration_days") is not None:
            parts.append(f"≥ {params['min_duration_days']} d ago")
        if params.get("max_duration_days") is not None:
            parts.append(f"≤ {params['max_duration_days']} d ago")
        if params.get("onset_op") is not None:
            parts.append(f"onset age {params['onset_op']} {params.get('onset_age_years', 0):g}")
        concepts = ", ".join(_key(c, vocab) for c in params.get("concepts", []))
        return f"{concepts}: {'; '.join(parts)}"
    return ""


# =====================================================================================
# params contract
# =====================================================================================


_fail = declared_params.fail


def _ids(vocab: Vocabulary, kind: str, params: dict[str, Any], name: str,
         test: Callable[[str], bool], expected: str, *, empty: bool = False
         ) -> list[str]:  # fmt: skip
    value = params.get(name)
    if not isinstance(value, list) or (not value and not empty):
        raise _fail(kind, name, value, f"a {'' if empty else 'non-empty '}list of {expected}")
    for item in value:
        if not isinstance(item, str) or item not in vocab or not test(item):
            raise _fail(kind, name, item, expected)
    return value


def _number_field(kind: str, params: dict[str, Any], name: str, *, positive: bool = False,
                  optional: bool = False) -> None:  # fmt: skip
    value = params.get(name)
    if value is None and optional:
        return
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and (value > 0 if positive else True)
    if not ok:
        raise _fail(kind, name, value, "a positive number" if positive else "a number")


def _int_field(kind: str, params: dict[str, Any], name: str) -> None:
    value = params.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                              or value <= 0):  # fmt: skip
        raise _fail(kind, name, value, "a positive whole number of days, or null")


def _choice(kind: str, params: dict[str, Any], name: str, choices: Sequence[Any]) -> None:
    if params.get(name) not in choices:
        raise _fail(kind, name, params.get(name), " or ".join(map(str, choices)))


def _bool(kind: str, params: dict[str, Any], name: str) -> None:
    if not isinstance(params.get(name), bool):
        raise _fail(kind, name, params.get(name), "true or false")


def _attr(vocab: Vocabulary, name: str) -> Callable[[str], bool]:
    return lambda concept_id: bool(vocab[concept_id].attrs.get(name))


def _category(vocab: Vocabulary, *categories: str) -> Callable[[str], bool]:
    return lambda concept_id: vocab[concept_id].category in categories


def _threshold_group(vocab: Vocabulary, kind: str, group: dict[str, Any],
                     test: Callable[[str], bool], expected: str) -> None:  # fmt: skip
    _ids(vocab, kind, group, "analytes", test, expected)
    _choice(kind, group, "op", OPS)
    if "uln_multiple" in group:
        _number_field(kind, group, "uln_multiple", positive=True)
    elif "lln_multiple" in group:
        _number_field(kind, group, "lln_multiple", positive=True)
    else:
        _number_field(kind, group, "value")
    if not isinstance(group.get("unit"), str):
        raise _fail(kind, "unit", group.get("unit"), "a unit")


def _validate_groups(vocab: Vocabulary, kind: str, params: dict[str, Any],
                     test: Callable[[str], bool], expected: str) -> None:  # fmt: skip
    _threshold_group(vocab, kind, params, test, expected)
    alternatives = params.get("alternatives", [])
    if not isinstance(alternatives, list):
        raise _fail(kind, "alternatives", alternatives, "a list of threshold groups")
    for group in alternatives:
        _threshold_group(vocab, kind, group, test, expected)
    if alternatives:
        _choice(kind, params, "combine", ("and", "or"))


def validate_params(kind: str, params: dict[str, Any], vocab: Vocabulary) -> None:
    """Raise CriterionParamsError naming the first field of `params` that breaks `kind`'s
    contract (this module's docstring): first the declared fields and types
    (matcher.criteria.params), then which concept ids of `vocab` each field may hold."""
    declared_params.validate(kind, params)
    if not isinstance(params, dict):
        raise _fail(kind, "params", params, "an object")
    if kind == "vital":
        _validate_groups(vocab, kind, params, _attr(vocab, "vital"), "vital-sign concept ids")
    elif kind == "lab":
        _validate_groups(vocab, kind, params, _category(vocab, "lab"), "lab concept ids")
        if "per_weight" in params:
            _bool(kind, params, "per_weight")
        if params.get("repeat") is not None:
            _int_field(kind, params, "repeat")
    elif kind == "serology":
        markers = _ids(vocab, kind, params, "markers",
                       lambda c: _attr(vocab, "serology")(c) or _attr(vocab, "autoantibody")(c),
                       "serology or autoantibody test ids", empty=True)  # fmt: skip
        infections = _ids(vocab, kind, params, "infections", _attr(vocab, "current_markers"),
                          "infection ids (dx.hbv, dx.hcv, dx.hiv)", empty=True)  # fmt: skip
        if not markers and not infections:
            raise _fail(kind, "markers", markers, "at least one test or infection")
        _choice(kind, params, "result", ("positive", "negative"))
        _bool(kind, params, "ever")
        _bool(kind, params, "needs_result")
        if params.get("window_days") is not None:
            _int_field(kind, params, "window_days")
    elif kind == "pregnancy":
        _ids(vocab, kind, params, "states", lambda c: c in ("dx.pregnancy", "dx.lactation"),
             "dx.pregnancy or dx.lactation")  # fmt: skip
        _bool(kind, params, "present")
        _int_field(kind, params, "window_days")
        if params.get("window_days") is None:
            raise _fail(kind, "window_days", None, "a positive whole number of days")
    elif kind == "dose_exposure":
        drugs = _ids(vocab, kind, params, "drugs", _category(vocab, "drug"), "drug concept ids")
        _choice(kind, params, "dose_op", OPS)
        _number_field(kind, params, "dose_value", positive=True)
        _choice(kind, params, "dose_unit", ("mg/day", "mg/kg/day", "g"))
        _bool(kind, params, "prednisone_equivalent")
        if params["prednisone_equivalent"] and drugs != ["drug.glucocorticoid"]:
            raise _fail(kind, "prednisone_equivalent", drugs, "only for glucocorticoids")
        _bool(kind, params, "cumulative")
        if params["cumulative"] != (params["dose_unit"] == "g"):
            raise _fail(kind, "cumulative", params["cumulative"],
                        "true exactly when dose_unit is g (a cumulative total)")  # fmt: skip
        for name in ("window_days", "min_duration_days"):
            _int_field(kind, params, name)
        _bool(kind, params, "duration_strict")
        if "conditional" in params:
            _bool(kind, params, "conditional")
    elif kind == "diagnosis_timing":
        _ids(vocab, kind, params, "concepts", _category(vocab, "diagnosis"),
             "diagnosis concept ids")
        for name in ("min_duration_days", "max_duration_days"):
            _int_field(kind, params, name)
        _bool(kind, params, "duration_strict")
        if params.get("onset_op") is not None or params.get("onset_age_years") is not None:
            _choice(kind, params, "onset_op", OPS)
            _number_field(kind, params, "onset_age_years", positive=True)
        elif params.get("min_duration_days") is None and params.get("max_duration_days") is None:
            raise _fail(kind, "min_duration_days", None,
                        "a minimum or maximum duration, or an onset age")  # fmt: skip
    elif kind == "diagnosis":
        _ids(vocab, kind, params, "concepts", _category(vocab, "diagnosis", "procedure", "status"),
             "condition concept ids")  # fmt: skip
        if "except_concepts" in params:
            _ids(vocab, kind, params, "except_concepts", _category(vocab, "diagnosis", "procedure"),
                 "condition concept ids")  # fmt: skip
        if "screen_concepts" in params:
            # A diagnosis screens a narrower one ("infection requiring hospitalisation"); a
            # drug screens a procedure given with it (cyclophosphamide for chemotherapy).
            _ids(vocab, kind, params, "screen_concepts", _category(vocab, "diagnosis", "drug"),
                 "diagnosis or drug concept ids")  # fmt: skip
    else:
        raise _fail(kind, "kind", kind, "a kind of matcher.criteria.kinds")
