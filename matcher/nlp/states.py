"""Vitals, serology, current states (pregnancy), diagnosis timing in notes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import (
    Iterable,
)

from spacy.tokens import (
    Span,
)

from matcher.model import (
    Assertion,
    Finding,
)
from matcher.nlp.mentions import (
    _Context,
    _finding,
    _item_end,
    _mention,
    _sentence_bounds,
    _trim,
    _value_date,
    _window_after,
)
from matcher.nlp.units import (
    convert_factor,
)
from matcher.nlp.value_grammar import (
    _SERO_NEGATIVE,
    _SERO_POSITIVE,
)
from matcher.nlp.vocab import (
    Concept,
)

# ------------------------------------------------------------- vitals, serology, states
# What the criterion kinds of matcher.criteria.kinds are decided on: blood pressure pairs,
# serology results with their polarity, pregnancy and lactation as a current state, drug
# doses, and when and at what age a disease was diagnosed.

_PAIR_VALUE = re.compile(
    r"^\s*(?:[:=]|is|was|of)?\s*(?P<s>\d{2,3})\s*/\s*(?P<d>\d{2,3})(?![\d/])"
    r"(?:\s*(?P<unit>mm\s*Hg|mmHg|kPa)\b)?",
    re.I,
)


def _pressure(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "BP 128/76", "Blood pressure 142/95 mmHg": one reading, two findings."""
    m = _PAIR_VALUE.match(_window_after(ctx, span))
    if m is None:
        return
    factor = convert_factor(concept.attrs.get("family", ""), m["unit"] or "mmHg")
    if factor is None:
        return
    systolic, diastolic = float(m["s"]) * factor, float(m["d"]) * factor
    if not (50 <= systolic <= 300 and 20 <= diastolic <= 200 and systolic > diastolic):
        return  # "BP 12/08" is a date, "80/120" a typo: neither is read
    end = span.end_char + m.end()
    date, source = _value_date(ctx, span, end)
    for concept_id, value, raw in zip(
        concept.attrs["pair"], (systolic, diastolic), (m["s"], m["d"]), strict=True
    ):
        part = ctx.vocabulary[concept_id]
        yield _finding(
            ctx,
            part,
            span.start_char,
            end,
            span._.assertion,
            value=round(value, 6),
            unit=part.canonical_unit,
            raw_value=raw,
            raw_unit=m["unit"],
            date=date,
            date_source=source,
        )
_VIRAL_LOAD = re.compile(
    r"^\s*(?:[:=]|is|was|of)?\s*(?P<cmp><=?|≤|less\s+than|below)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)",
    re.I,
)
_NOT_RESULTS = frozenset({"hypothetical", "family", "uncertain"})


def _polarity(window: str, concept: Concept) -> re.Match[str] | None:
    """The result word after a test: negative words first ("non-reactive" holds
    "reactive"), then positive; a viral load gives a number ("< 20 IU/mL" is below
    detection)."""
    for pattern in (_SERO_NEGATIVE, _SERO_POSITIVE):
        found = pattern.search(window[:40])
        if found is not None and not re.search(r"[;.]", window[: found.start()]):
            return found
    if concept.attrs.get("serology", {}).get("viral_load"):
        return _VIRAL_LOAD.match(window)
    return None


def _serology_finding(
    ctx: _Context, span: Span, concept: Concept, window_start: int, window: str
) -> Iterable[Finding]:
    if span._.assertion in _NOT_RESULTS:
        return
    found = _polarity(window, concept)
    if found is None:
        if span._.assertion != "negated":
            return  # "check HBsAg", "HBsAg pending": a test with no result
        result, end = "negative", span.end_char  # "negative for HBsAg and anti-HCV"
    elif found.re is _VIRAL_LOAD:
        number = float(found["num"].replace(",", ""))
        result = "negative" if found["cmp"] or number == 0 else "positive"
        end = window_start + found.end()
    else:
        result = "negative" if found.re is _SERO_NEGATIVE else "positive"
        end = window_start + found.end()
    if span._.assertion == "negated" and result == "positive":
        result = "negative"  # "no HBsAg positivity"
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        "affirmed",  # a result is a fact about a test that was done, whatever its polarity
        date=date,
        date_source=source,
        attrs={"result": result},
    )


def _serology(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "HBsAg negative", "HCV Ab non-reactive", "HIV 1/2 Ag/Ab negative", "HBcAb +",
    "HBV DNA < 20 IU/mL", "Negative for HBsAg"."""
    yield from _serology_finding(ctx, span, concept, span.end_char, _window_after(ctx, span))


def _marker_after_infection(ctx: _Context, span: Span, concept: Concept) -> list[Finding]:
    """ "Hepatitis C antibody not detected": the infection's name and a test word after it
    (concepts.jsonl `marker_words`) are that test's result, beside the infection mention."""
    after = ctx.text[span.end_char : span.end_char + 40]
    for word, marker_id in concept.attrs["marker_words"].items():
        m = re.match(rf"\s+(?:virus\s+)?{re.escape(word)}\b", after, re.I)
        if m is not None:
            marker = ctx.vocabulary[marker_id]
            start = span.end_char + m.end()
            lo, hi = _sentence_bounds(ctx, span)
            window = ctx.text[start : _item_end(ctx, start, hi)]
            return list(_serology_finding(ctx, span, marker, start, window))
    return []


_PAST_BEFORE = re.compile(
    r"\b(?:previous|prior|past|last|former|earlier|first|second|third|history\s+of|hx\s+of|"
    r"h/o|s/p|since)\s+(?:\w+\s+){0,2}$",
    re.I,
)
_STATE_TEST = re.compile(
    r"^\s*(?:test|screen|hcg|β-?hcg|beta-?hcg)\b[^.;\n]{0,20}?\b(?P<r>negative|positive|neg|pos|"
    # German, Dutch and Nordic results: "Schwangerschaftstest negativ", "positief"
    r"negativ|negatief|negativt|positiv|positief|positivt|"
    # French, Portuguese, Spanish and Italian: "bêta-HCG positifs", "teste negativo"
    r"n[ée]gatifs?|négatives?|positifs?|negativ[oa]s?|positiv[oa]s?)\b",
    re.I,
)


# The result right after a pregnancy test's name: "bHCG POSITIVE", "β-hCG (urine): neg".
_TEST_RESULT = re.compile(
    r"^\s*(?:\((?:urine|urinary|serum|qualitative|point[- ]of[- ]care)\)\s*)?"
    r"(?:(?:test|result|qualitative)\s+)?(?:is\s+|was\s+|[:=-]\s*)?"
    r"(?P<r>negative|positive|neg|pos|negativ|negatief|negativt|positiv|positief|positivt|"
    r"n[ée]gatifs?|négatives?|positifs?|negativ[oa]s?|positiv[oa]s?)\b",
    re.I,
)


# Pregnancy as a topic, not a state: counselling, plans, prevention, a test not resulted.
_TOPIC_BEFORE = re.compile(
    r"\b(?:avoid\w*|against|prevent\w*|risk\s+of|plan\w*|desir\w*|wish\w*|want\w*|"
    r"intend\w*|hop\w*|counsel\w*|discuss\w*|advis\w*|contracept\w*|teratogen\w*|"
    r"future|consider\w*|potential|childbearing|become|becoming|get|getting|trying|"
    r"attempt\w*|until|before|prior\s+to|in\s+case\s+of|if)\b[^.;\n]*$",
    re.I,
)
_TOPIC_AFTER = re.compile(
    r"^\W*(?:prevention|planning|plans?|counsel\w*|must|should|is\s+(?:contraindicated|"
    r"not\s+advised)|in\s+(?:the\s+)?future|next|risk|programme|program|category|"
    r"test(?:ing)?\b(?!\s*(?:was\s+|is\s+|:\s*)?(?:positive|negative|pos|neg)\b))",
    re.I,
)
# What makes a noun "pregnancy" a stated state: its age, a confirmation, a positive test.
_STATE_CLUE = re.compile(
    # "grossesse de 7 SA" (semaines d'aménorrhée), "gravidez de 12 semanas"
    r"\b\d+\s*(?:\+\s*\d\s*)?(?:weeks?|wks?|/40|SA|semaines?|semanas?|settimane)\b|"
    r"\btrimester\b|\bgestation\b|"
    r"\bconfirm\w*|\bongoing\b|\bcurrent(?:ly)?\b|\bintrauterine\b|\bviable\b|"
    r"\bEDD\b|\bdue\s+date\b|\bpositive\b",
    re.I,
)


# The noun alone, in English and as German, Dutch and Nordic letters write it: a state
# only with a clue ("Beratung zur Schwangerschaft unter MMF" is counselling).
_BARE_STATE_NOUNS = frozenset({"pregnancy", "schwangerschaft", "zwangerschap", "graviditet",
                               "graviditeten", "svangerskap", "svangerskapet", "grossesse",
                               "gravidez", "embarazo", "gravidanza"})  # fmt: skip


def _state(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """Pregnancy and lactation as the patient's current state. "Previous pregnancy",
    "last pregnancy in 2019", "pregnancies" (G2P2) are past; "pregnancy test negative"
    documents that she is not pregnant; counselling, plans and a test not yet resulted
    ("avoid pregnancy on MMF", "pregnancy test ordered") are a topic, not her state, and
    a bare noun "pregnancy" is a state only with a clue (weeks, "confirmed", "ongoing")."""
    for finding in _mention(ctx, span, concept):
        lo, hi = _sentence_bounds(ctx, span)
        before = ctx.text[max(lo, span.start_char - 40) : span.start_char]
        after = ctx.text[span.end_char : min(hi, span.end_char + 40)]
        attrs = dict(finding.attrs)
        assertion = finding.assertion
        test = _STATE_TEST.match(after)
        if span.text.lower() in concept.attrs.get("test_names", ()):
            # "urine bHCG POSITIVE today", "β-hCG: negative": the test named alone is her
            # state only through its result; "bHCG pending", "hCG 5400 IU/L" are left out.
            test = _TEST_RESULT.match(after)
            if test is None:
                continue
        if test is not None:
            result = "positive" if test["r"].lower().startswith("pos") else "negative"
            attrs["test"] = result
            assertion = Assertion.NEGATED if result == "negative" else Assertion.AFFIRMED
        elif _PAST_BEFORE.search(before) or span.text.lower().endswith("ies"):
            attrs["past"] = True
        elif assertion is Assertion.AFFIRMED and (
            _TOPIC_BEFORE.search(ctx.text[lo : span.start_char])
            or _TOPIC_AFTER.match(after)
            or (span.text.lower() in _BARE_STATE_NOUNS
                and not _STATE_CLUE.search(ctx.text[lo:hi]))
        ):
            attrs["topic"] = True
        yield dataclasses.replace(finding, assertion=assertion, attrs=attrs)
