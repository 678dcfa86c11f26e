"""Readers of serology items: infections judged by their test results ("HBsAg positive",
"hepatitis B or C virus infection", "negative HIV test") and autoantibody results
("positive anti-dsDNA or anti-Sm", "anti-PLA2R negative"), both under the serology
contract: any listed test or infection positive, or every one negative. A condition
joined to another ("HBcAb positive with HBV DNA above the lower limit") is manual.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from matcher.criteria.kind_item import (
    _I,
    _LEAD_NEGATION,
    _WINDOW_SPAN,
    KindReading,
    _concept_ids,
    _exception_text,
    _Item,
    _take_common,
)
from matcher.criteria.lexicon import _window

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
# "Known HIV infection or positive HBsAg", "documented hepatitis B": the item's lead word
# says it is about what the records know, not a test to be done.
_KNOWN_LEAD = re.compile(r"^\W*(?:an?\s+)?(?:known|documented|previously\s+diagnosed)\b", _I)
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
    tested = bool(_TEST_WORDS.search(item.main))  # "test", "at screening", "serology"
    needs_result = bool(marker_ids) or tested
    # "Known HIV infection or positive HBsAg": what is known of the child, a history
    # exclusion (GUIDELINE.md: not documented is not met, confirmed at screening); the
    # latest result of any date decides. "Positive HBsAg at screening" asks for a test.
    history = bool(_KNOWN_LEAD.match(item.main)) and not negative and not ever and not tested
    if history:
        needs_result = False
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
    if history:
        params["known"] = True
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
    if not positive and not negative and not lead and not (
        item.exclusion and not _ANTIBODY_WORDS.sub(" ", bare).strip(" .,;:")
    ):
        # An exclusion that only names the antibody ("Anti-Ro antibodies") excludes its
        # presence: a positive result. An inclusion naming it bare may ask for a level.
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
