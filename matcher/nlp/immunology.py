"""Autoantibodies and CD19 flow in notes: titres, polarity, counts.
"""

from __future__ import annotations

import re
from collections.abc import (
    Iterable,
)

from spacy.tokens import (
    Span,
)

from matcher.model import (
    Finding,
)
from matcher.nlp.mentions import (
    _Context,
    _finding,
    _trim,
    _value_date,
    _window_after,
)
from matcher.nlp.units import (
    canonical_unit,
)
from matcher.nlp.value_grammar import (
    _CD19_COUNT,
    _CD19_GIGA_COUNT,
    _CD19_STATE,
    _COMPARED,
    _LEAD,
    _NEGATIVE_RE,
    _NUMBER,
    _POSITIVE_RE,
    _TITRE_RE,
)
from matcher.nlp.values import (
    _comma_readings,
    _lab,
    _unit_after,
)
from matcher.nlp.vocab import (
    Concept,
)


def _result_owner(span: Span) -> str:
    """A test result is affirmed whatever its polarity (the test was done), unless it is a
    relative's: "Family history: mother ANA 1:160" is no titre of the patient's."""
    return "family" if span._.assertion == "family" else "affirmed"


def _ana(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "ANA 1:640 (homogeneous)", "ANA positive", "ANA negative", "ANA 1:40 (negative)".

    A result is a fact about a test that was done, so it is affirmed whatever its
    polarity; the titre (if any) is the value and "result" says positive or negative.
    """
    window = _window_after(ctx, span)
    titre = _TITRE_RE.search(window)
    lead = ctx.text[max(0, span.start_char - 24) : span.start_char] + " "
    if titre is not None and (
        titre.start() > 50 or _COMPARED.search(lead + window[: titre.start()])
    ):
        # "ANA below the 1:80 entry criterion" names a threshold, not this patient's titre.
        titre = None
    negative = _NEGATIVE_RE.search(window[:60])
    positive = _POSITIVE_RE.search(window[: titre.start() if titre else 40])
    if titre is None and negative is None and positive is None and span._.assertion != "negated":
        return
    ends = [m.end() for m in (titre, negative, positive) if m is not None]
    end = span.end_char + max(ends, default=0)
    # "1:1,280": in a dilution the comma can only group thousands.
    value = float(titre.group("t").replace(",", "")) if titre else None
    is_negative = negative is not None or (titre is None and span._.assertion == "negated")
    attrs: dict[str, object] = {"result": "negative" if is_negative else "positive"}
    if titre is not None and window[: titre.start()].rstrip().endswith(("<", "≤")):
        # "ANA negative (<1:80)", "ANA negativ (<1:80)": below the screening dilution, no
        # titre of 1:80 (which would meet a "≥ 1:80" item).
        attrs["below_titre"] = value
        value = None
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        _result_owner(span),
        value=value,
        unit="titre",
        date=date,
        date_source=source,
        attrs=attrs,
    )


# "anti-dsDNA equivocal", "indeterminate", "borderline" (not "borderline positive"): a result
# that is neither; criteria that accept it say so ("positive or equivocal").
_EQUIVOCAL_RE = re.compile(
    r"\b(?:equivocal|indeterminate|borderline)\b(?!\s+(?:positive|negative|pos|neg)\b)", re.I
)


def _autoantibody(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "anti-dsDNA 85 IU/mL" is a measured level (a lab value); "anti-dsDNA positive",
    "anti-Smith antibody negative" are results: affirmed whatever their polarity (a test
    was done), with no value and "result" saying which."""
    measured = list(_lab(ctx, span, concept)) if concept.attrs.get("family") else []
    if measured:
        yield from measured
        return
    window = _window_after(ctx, span)[:40]
    negative = _NEGATIVE_RE.search(window)
    positive = _POSITIVE_RE.search(window)
    equivocal = _EQUIVOCAL_RE.search(window)
    if negative is None and positive is None and equivocal is None and (
        span._.assertion != "negated"
    ):
        return
    # The polarity word nearest the name: "anti-Ro positive; anti-La negative" is
    # positive (the window stops at the next lab name, ";" or the line's end anyway).
    first = min((m for m in (negative, positive, equivocal) if m is not None),
                key=lambda m: m.start(), default=None)  # fmt: skip
    is_negative = (first is negative and first is not None) or (
        first is None and span._.assertion == "negated"
    )
    result = "negative" if is_negative else "positive"
    if first is not None and first is equivocal:
        result = "equivocal"
    end = span.end_char + (first.end() if first is not None else 0)
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        _result_owner(span),
        date=date,
        date_source=source,
        attrs={"result": result},
    )


def _cd19(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    window = _window_after(ctx, span)
    value_match = re.match(
        # "CD19 cells/100 cells^LN||12.0|%": LOINC's name of the percent, "per 100 cells"
        # "CD19 positive 7 %", "CD19 positive B cells 7 %": the cells the marker
        # is found on, then their share
        rf"^{_LEAD}(?:\s*(?:positive|pos)(?![\w]))?"
        rf"(?:\s*B?[\s-]*cells?|\s*B?[\s-]*lymphocytes)?(?P<per100>\s*/\s*100\s*"
        rf"(?:cells|lymphocytes|lymphs|leukocytes)\b{_LEAD})?{_CD19_STATE}\s*[:=,]?\s*"
        rf"(?P<cmp>[<>≤≥]=?)?\s*"
        rf"(?P<num>{_NUMBER})\s*(?P<unit>%|cells\s*/\s*(?:uL|µL|μL|mcL|mm3|cmm)|/\s*(?:uL|µL|μL|mm3))?",
        window,
        re.I,
    )
    attrs: dict = {}
    value = None
    unit = None
    end = span.end_char
    readings = []
    if value_match:
        printed_unit = bool(value_match.group("unit"))
        readings = _comma_readings(value_match.group("num"), printed_unit, ctx.decimal_comma)
    if value_match and len(readings) != 1:
        return  # "CD19+ 1,200 cells/uL" (1.2 or 1200?), "CD19 3,4" with no unit: left out
    if value_match:
        value = readings[0]
        rest_unit, _used = _unit_after(window[value_match.end() :])
        if not value_match.group("unit") and canonical_unit(rest_unit) == "x10^9/L":
            # "B cells 0.01 x10^9/L" is a count (10 cells/uL), not a percent.
            value = round(value * 1000, 6)
            value_match_unit = "/uL"
        else:
            value_match_unit = None
        unit = value_match_unit or (
            "%" if (value_match.group("unit") or "%").startswith("%") else "/uL"
        )
        if value_match.group("per100"):
            unit = "%"
        comparator = value_match.group("cmp") or ""
        present = value > 0 and not (comparator.startswith("<") and value <= 1)
        attrs["present"] = present
        end = span.end_char + value_match.end()
    else:
        negative = _NEGATIVE_RE.search(window[:40])
        positive = _POSITIVE_RE.search(window[:40])
        if negative:
            attrs["present"] = False
            end = span.end_char + negative.end()
        elif positive:
            attrs["present"] = True
            end = span.end_char + positive.end()
        elif span._.assertion == "negated":
            attrs["present"] = False
        else:
            return
    assertion = span._.assertion
    if assertion == "negated":
        attrs["present"] = False
        assertion = "affirmed"
    # "CD19+ B cells 12% (250 cells/uL)": keep the absolute count beside the percent.
    count = _CD19_COUNT.search(window[:80])
    if unit == "/uL" and value is not None:
        attrs["count_per_ul"] = value
    elif count is not None:
        attrs["count_per_ul"] = float(count.group(1))
    elif (giga := _CD19_GIGA_COUNT.search(window[:80])) is not None:
        # "CD19+ B cells 11 % (0.23 x10^9/L)": 230 cells/uL
        attrs["count_per_ul"] = round(float(giga.group(1)) * 1000, 6)
    elif attrs.get("present") is False:
        attrs["count_per_ul"] = 0.0
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        assertion,
        value=value,
        unit=unit,
        date=date,
        date_source=source,
        attrs=attrs,
    )
