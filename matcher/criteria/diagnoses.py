"""Reader of diagnosis items: concepts, classification systems, temporality and tissue
confirmation.
"""

from __future__ import annotations

import re
from collections.abc import (
    Sequence,
)
from typing import (
    Any,
)

from matcher.criteria.citation import (
    implied_conditions,
    outside_citations,
    read_citation,
)
from matcher.criteria.current_state import (
    carve_out_spans,
    definition_spans,
)
from matcher.criteria.item_context import (
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.lexicon import (
    _I,
    _normalise,
)
from matcher.criteria.other import (
    exception_clauses,
    other_spans,
)
from matcher.criteria.sites import (
    sites_of,
)
from matcher.criteria.temporality import (
    CURRENT,
    need_joined,
    read_temporality,
)
from matcher.criteria.temporality import (
    RULE as TEMPORAL_RULE,
)
from matcher.nlp.vocab import (
    TermMatch,
)

# ---------------------------------------------------------------- diagnoses

_NEED_JOINED = ("a disease and the procedure it needs are asked for together (both at once): "
                "checked by a person")

def _system(text: str, concepts: Sequence[str],
            spans: list[tuple[int, int]] | None = None) -> str | None:  # fmt: skip
    """The classification standard an item cites for its diagnosis: "2019 EULAR/ACR",
    "ACR 1997", "SLICC 2012", "2002 AECG" (matcher.criteria.citation, from data). `spans`
    collects where the citations, their own thresholds ("at least 4 of the 11") and their
    "over the disease's course" words ("serially or simultaneously") were read."""
    citation = read_citation(text, concepts)
    if citation is None:
        return None
    if spans is not None:
        spans.extend(citation.spans)
    return citation.label


# "Meets the SLICC criteria for SLE": the criteria's term ("criteria for SLE") holds the
# disease's name, so the disease is named even though the longer term won.
_CRITERIA_NAME_DISEASE = re.compile(r"\b(?:SLE|lupus)\b", _I)


def _criteria_named_disease(ctx: _Ctx) -> list[str]:
    return ["dx.sle"] if any(
        t.concept_id == "status.sle_criteria"
        and _CRITERIA_NAME_DISEASE.search(ctx.text[t.start : t.end])
        for t in ctx.terms
    ) else []


def _without_cited_criteria(concepts: list[str], ctx: _Ctx) -> list[str]:
    """ "Other systemic autoimmune diseases diagnosed by ACR classification criteria":
    beside another diagnosis, "ACR classification criteria" (a term of meeting SLE's
    criteria) cites that diagnosis' criteria, so it is no condition of its own. A term
    naming lupus ("SLE criteria") stays."""
    concepts = _outside_citations(concepts, ctx)
    if "status.sle_criteria" not in concepts or len(concepts) < 2 or _criteria_named_disease(ctx):
        return concepts
    return [c for c in concepts if c != "status.sle_criteria"]


def _outside_citations(concepts: list[str], ctx: _Ctx) -> list[str]:
    """ "Type 1 diabetes according to the American Diabetes Association criteria": a
    disease named only inside the cited body's name is not a condition of the item."""
    named = {t.concept_id for t in outside_citations(
        ctx.main, [t for t in ctx.terms if t.concept_id in concepts])}
    return [c for c in concepts if c in named]


def _implied_by_citation(ctx: _Ctx) -> list[str]:
    """The disease an inclusion names only by its classification criteria: "fulfils 4 of
    the 11 ACR criteria" is SLE (matcher.criteria.citation.implied_conditions). When the
    citation fits several diseases ("at least 4 ACR classification criteria": SLE's or
    rheumatoid arthritis'), a lupus trial's is SLE; any other stays unread."""
    conditions = implied_conditions(ctx.text, ctx.vocab)
    if len(conditions) > 1 and ctx.lupus_trial and "dx.sle" in conditions:
        return ["dx.sle"]
    return conditions if len(conditions) == 1 else []


def _diagnosis_params(concepts: list[str], ctx: _Ctx) -> dict[str, Any]:
    spans: list[tuple[int, int]] = []
    params: dict[str, Any] = {
        "concepts": concepts,
        "system": _system(ctx.text, concepts, spans),
        "ruled_out_not_met": not ctx.exclusion,
    }
    for start, end in spans:
        ctx.take(start, end, "diagnosis:system")
    window = ctx.window()
    if window is not None:
        params["window_days"] = window
    params.update(_temporality(concepts, window, ctx))
    return params


def _temporality(concepts: list[str], window: int | None, ctx: _Ctx) -> dict[str, Any]:
    """ "Active tuberculosis" is current, "history of" ever, "severe" a qualifier a person
    judges (matcher.criteria.temporality); the words it read count as understood."""
    named = ctx.mentions("diagnosis", "procedure", "status")  # "hemodynamically unstable"
    # "(completed treatment for past tuberculosis is permitted)" lets a past state through:
    # its "past" is not the item's time (matcher.criteria.current_state).
    carve_outs = carve_out_spans(ctx.main, concepts, ctx.vocab)
    main = ctx.main
    for start, end in carve_outs:
        main = main[:start] + " " * (end - start) + main[end:]
    terms = [(t.start, t.end, t.concept_id) for t in named
             if not any(a <= t.start < b for a, b in carve_outs)]  # fmt: skip
    found = read_temporality(main, terms, window, concepts, vocab=ctx.vocab,
                             headings=[_normalise(h) for h in ctx.context],
                             exclusion=ctx.exclusion)  # fmt: skip
    for start, end in found.spans:
        ctx.take(start, end, TEMPORAL_RULE)
    if found.params.get("temporality") == CURRENT:
        for start, end in [*carve_outs, *definition_spans(ctx.main, concepts, ctx.vocab)]:
            ctx.take(start, end, "diagnosis:current-state-clause")
    return found.params


# Words between two mentions that offer either one: "SLE or lupus nephritis", "SLE and/or
# LN", "SLE, with or without lupus nephritis" (the narrower disease is then one way of having
# the broader one, never a requirement).
_EITHER_BETWEEN = re.compile(r"\bor\b|/|\beither\b")


def _most_specific(concepts: list[str], ctx: _Ctx) -> list[str]:
    """An inclusion needs the patient to have all of it: "SLE with lupus nephritis" is
    lupus nephritis, which implies SLE; listing both would accept SLE alone. But "SLE or
    lupus nephritis" offers either: lupus nephritis is a way of having SLE, so the reading
    is SLE, and requiring lupus nephritis would hide every SLE patient without it."""
    vocab = ctx.vocab
    spans: dict[str, list[tuple[int, int]]] = {}
    for term in ctx.terms:
        spans.setdefault(term.concept_id, []).append((term.start, term.end))

    def offered_as_either(narrow: str, broad: str) -> bool:
        for a_start, a_end in spans.get(narrow, ()):
            for b_start, b_end in spans.get(broad, ()):
                between = ctx.text[min(a_end, b_end):max(a_start, b_start)]
                if _EITHER_BETWEEN.search(between):
                    return True
        return False

    dropped: set[str] = set()
    for narrow in concepts:
        for broad in vocab[narrow].attrs.get("implies", ()):
            if broad not in concepts:
                continue
            dropped.add(narrow if offered_as_either(narrow, broad) else broad)
    return [c for c in concepts if c not in dropped]


def _diagnosis(ctx: _Ctx) -> _Parsed | None:
    categories = (
        ("diagnosis", "procedure", "status") if ctx.exclusion else ("diagnosis", "procedure")
    )
    # Having had a kidney biopsy is never itself a condition to include or exclude on.
    concepts = _without_cited_criteria(
        [c for c in ctx.concepts(*categories) if c != "proc.kidney_biopsy"], ctx)
    named = _criteria_named_disease(ctx)
    if not concepts and not named and not ctx.exclusion:
        named = _implied_by_citation(ctx)
    if not concepts and not named:
        return None
    concepts += [c for c in named if c not in concepts]
    if named:
        ctx.take_terms(["status.sle_criteria"])
    ctx.take_terms(concepts)
    _take_restated_abbreviations(ctx, concepts)
    if not ctx.exclusion:
        concepts = _most_specific(concepts, ctx)
    else:
        concepts = _distributed_types(ctx, concepts)
        concepts += [c for c in _elliptical_concepts(ctx) if c not in concepts]
    key = ctx.key(ctx.vocab[concepts[0]].key)
    if not ctx.exclusion and len(concepts) > 1 and need_joined(
            ctx.main, [(t.start, t.end, t.concept_id) for t in ctx.terms], ctx.vocab):
        # "ESRD patients receiving haemodialysis" asks for both: ESRD with no dialysis
        # does not meet it, and the reading would accept either.
        return _manual(_NEED_JOINED, key)
    params = _diagnosis_params(concepts, ctx)
    if ctx.exclusion:
        _take_exceptions(ctx, concepts, params)
    if ctx.exclusion and _take_other(ctx, concepts):
        params["other_than_own"] = True
    if _confirmed_by_tissue(ctx):
        params["judged"] = [*params.get("judged", []), _TISSUE_CONFIRMED]
    sites = _body_sites(ctx, concepts)
    if sites:
        params["judged"] = [*params.get("judged", []), *sites]
    return _Parsed("diagnosis", key, params)


def _body_sites(ctx: _Ctx, concepts: list[str]) -> list[str]:
    """ "Head and neck radiotherapy": the site narrows the procedure, which notes record
    without it, so it is a qualifier a person judges (matcher.criteria.sites); its words
    are taken."""
    found = sites_of(ctx.main, ctx.terms, concepts, ctx.vocab)
    for site in found:
        ctx.take(site.start, site.end, "diagnosis:body-site")
    # "Thoracic irradiation" → "given to the thoracic region", "knee surgery" → "done on
    # the knee"; "CNS" stays as written.
    return [s.reading.format(site=s.site if s.site.isupper() else s.site.lower())
            for s in found]


# "(PAPS)", "[JDM]", "(IgAN)": a short form in brackets right after the words it shortens.
_BRACKETED_SHORT_FORM = re.compile(r"\s*[(\[]\s*(?P<short>[A-Za-z][A-Za-z0-9-]{1,7})\s*[)\]]")
_LONG_FORM_WORDS = 4  # the short form's letters come from at most this many words before it


def _shortens(short: str, long: str) -> bool:
    """Does `short` abbreviate `long`? Its letters appear in `long` in order, the first at
    a word's start, and at least two of them (Schwartz & Hearst's test): "PAPS" shortens
    "primary antiphospholipid syndrome", "IgAN" "IgA nephropathy", "JDM" "juvenile
    dermatomyositis"; "SLE" does not shorten "polymyositis"."""
    letters = [c.lower() for c in short if c.isalnum()]
    text = long.lower()
    position = len(text)
    for index in range(len(letters) - 1, -1, -1):
        position = text.rfind(letters[index], 0, position)
        while index == 0 and position > 0 and text[position - 1].isalnum():
            position = text.rfind(letters[index], 0, position)
        if position < 0:
            return False
    return len(letters) >= 2 and position >= 0


def _take_restated_abbreviations(ctx: _Ctx, concepts: list[str]) -> None:
    """ "Primary antiphospholipid syndrome (PAPS)": a bracketed short form right after a
    term of the reading restates it (with the words before the term it also shortens)
    and adds nothing; a bracket that does not shorten the words before it stays for the
    coverage guard."""
    for term in ctx.terms:
        if term.concept_id not in concepts:
            continue
        m = _BRACKETED_SHORT_FORM.match(ctx.main, term.end)
        if m is None:
            continue
        words = list(re.finditer(r"\S+", ctx.main[max(0, term.start - 40) : term.end]))
        long = " ".join(w[0] for w in words[-_LONG_FORM_WORDS:])
        if _shortens(m["short"], long):
            ctx.take(m.start(), m.end(), "diagnosis:short-form")


# "IgA nephropathy confirmed by renal biopsy", "biopsy-proven myositis", "histologically
# confirmed malignancy": notes name the disease, and seldom how it was confirmed (a biopsy
# report naming it is one way among others). The diagnosis decides when it is absent; when
# documented, whether a biopsy confirmed it is left to a person.
_TISSUE_CONFIRMED = "confirmed by biopsy or histology"
_TISSUE = (
    r"(?:(?:renal|kidney|skin|liver|muscle|lung|lymph\s+node|bone\s+marrow|(?:minor\s+)?"
    r"salivary\s+gland|lip|tissue|pathological|histological|histopathological|core|needle|"
    r"surgical|endoscopic|previous|prior|a|an|the)\s+)*"
)
_TISSUE_WORD = re.compile(r"biops|histolog|histopatholog|patholog|cytolog", _I)
_CONFIRMED_BY_TISSUE = re.compile(
    rf"\b{_TISSUE}biops(?:y|ies)[-\s](?:proven|proved|confirmed|documented)\b|"
    rf"\b(?:confirmed|proven|proved|documented|diagnosed|demonstrated)\s+(?:by|on|with|through|"
    rf"via)\s+{_TISSUE}(?:biops(?:y|ies)|histology|histopathology|pathology)\b|"
    r"\b(?:histologically|histopathologically|pathologically)[-\s](?:confirmed|proven|proved|"
    r"documented|diagnosed)\b|"
    rf"\bbased\s+on\s+{_TISSUE}biops(?:y|ies)\b"
    # "... based on renal biopsy before or during screening": a biopsy at any time.
    r"(?:\s+(?:performed\s+|done\s+|obtained\s+)?(?:before|prior\s+to)\s+or\s+(?:during|at)\s+"
    r"(?:the\s+)?screening(?:\s+period)?)?",
    _I,
)


# "Clinical or pathologic diagnosis of polymyositis": either way of diagnosing it will do,
# so the diagnosis documented stands for it. "Histologically or cytologically confirmed",
# "pathological diagnosis of", "clinical and histological diagnosis": the tissue must
# have confirmed it.
_TISSUE_ADJ = r"(?:histo(?:patho)?logic|patho?logic|cytologic)(?:al)?(?:ly)?"
_CLINICAL_ADJ = r"clinical(?:ly)?"
_EVIDENCE = (r"(?:diagnos(?:is|ed)|confirm(?:ed|ation)|proven|proved|evidence|documented|"
             r"established)")  # fmt: skip
_CLINICAL_OR_TISSUE = re.compile(
    rf"\b(?:{_CLINICAL_ADJ}\s*,?\s*(?:or|and/or|/)\s*{_TISSUE_ADJ}|"
    rf"{_TISSUE_ADJ}\s*,?\s*(?:or|and/or|/)\s*{_CLINICAL_ADJ})\s+{_EVIDENCE}\b",
    _I,
)
_TISSUE_EVIDENCE = re.compile(
    rf"\b(?:{_CLINICAL_ADJ}\s+and\s+)?{_TISSUE_ADJ}(?:\s*(?:,|or|and/or|and|/)\s*{_TISSUE_ADJ})*"
    rf"\s+{_EVIDENCE}\b",
    _I,
)


def _confirmed_by_tissue(ctx: _Ctx) -> bool:
    """Does the item ask for a diagnosis confirmed by biopsy or histology? Its words are
    taken (and those of "clinical or pathological diagnosis", which asks for none)."""
    if not _TISSUE_WORD.search(ctx.text):
        return False  # most items: the full pattern tries every word as an organ
    either = [(m.start(), m.end()) for m in _CLINICAL_OR_TISSUE.finditer(ctx.text)]
    for start, end in either:
        ctx.take(start, end, "diagnosis:clinical-or-tissue")
    found = [*_CONFIRMED_BY_TISSUE.finditer(ctx.text), *(
        m for m in _TISSUE_EVIDENCE.finditer(ctx.text)
        if not any(a < m.end() and m.start() < b for a, b in either))]
    for m in found:
        ctx.take(m.start(), m.end(), "diagnosis:tissue-confirmed")
    return bool(found)


# Words inside an honoured exception clause that qualify what is let through ("except
# adequately treated basal cell carcinoma", "excluding cervical carcinoma in situ").
_LET_THROUGH_WORDS = re.compile(
    r"\b(?:adequately|curatively|successfully|completely|treated|resected|excised|cured|"
    r"localized|localised|in\s+situ|for|the|of|and|or)\b", _I
)


def _take_exceptions(ctx: _Ctx, concepts: list[str], params: dict[str, Any]) -> None:
    """ "Active malignancy except non-melanoma skin cancer", "Concomitant other autoimmune
    disease besides Sjögren's syndrome": the conditions an exception clause leaves out
    (matcher.criteria.other `exception_clauses`) are `except_concepts`, and the clause is
    honoured; its other words must still be exception grammar or the words above."""
    found = exception_clauses(ctx.exceptions, ctx.exception_spans, concepts, ctx.vocab)
    excepted = [c for _, terms in found for _, _, c in terms]
    for (begin, end), terms in found:
        ctx.honoured.append((begin, end))
        for start, stop, _ in terms:
            ctx.take(start, stop, "diagnosis:except")
        for m in _LET_THROUGH_WORDS.finditer(ctx.text, begin, end):
            ctx.take(m.start(), m.end(), "diagnosis:except")
    if excepted:
        already = list(params.get("except_concepts", ()))
        params["except_concepts"] = [*already, *(c for c in dict.fromkeys(excepted)
                                                 if c not in already)]  # fmt: skip


def _take_other(ctx: _Ctx, concepts: list[str]) -> bool:
    """ "Other malignancy": the word "other" before a term of the reading is taken; the
    guard decides whether the trial's own condition lets it stand (matcher.criteria.other)."""
    starts = [t.start for t in ctx.terms if t.concept_id in concepts]
    spans = other_spans(ctx.main, starts)
    for start, end in spans:
        ctx.take(start, end, "diagnosis:other")
    return bool(spans)


# "Active or latent TB", "active, latent or untreated tuberculosis": the words before the
# term share its noun. Each such word, one at a time, back from the term.
_SHARED_NOUN_WORD = re.compile(
    r"(?P<word>[^\W\d_]+)\s*(?:,\s*(?:or\s+|and/or\s+)?|\s(?:or|and/or)\s+)$", _I
)


# "Type 1 or type 2 diabetes", "type I and/or type II diabetes mellitus": a numbered type
# (stage, grade, class) shares the noun of the term after it (a bare numeral, "type 1 or
# 2 diabetes", is `_distributed_types`).
_NUMBERED = r"(?:type|stage|grade|class)\s+(?:[1-4]|IV|I{1,3})"
_SHARED_NUMBERED = re.compile(
    rf"(?P<word>{_NUMBERED})\s*(?:,\s*(?:or\s+|and/or\s+)?|\s(?:or|and/or|and)\s+|/\s*)$", _I
)
_NUMBERED_HEAD = re.compile(rf"^{_NUMBERED}\s+(?P<noun>\S.*)$", _I)


def _shared_numbered(ctx: _Ctx, term: TermMatch) -> list[str]:
    """Concepts of the numbered types written before `term` with its noun left out; the
    numbered words and their conjunction are taken."""
    head = _NUMBERED_HEAD.match(term.text)
    if head is None:
        return []
    found: list[str] = []
    end = term.start
    while (shared := _SHARED_NUMBERED.search(ctx.main, max(0, end - 40), end)) is not None:
        candidate = f"{shared['word']} {head['noun']}"
        whole = [t.concept_id for t in ctx.vocab.find_terms(candidate)
                 if t.start == 0 and t.end == len(candidate)]  # fmt: skip
        if not whole:
            break
        found += [c for c in whole if c != term.concept_id and c not in found]
        ctx.take(shared.start(), shared.end(), "diagnosis:shared-noun")
        end = shared.start()
    return found


# "Type 1 or 2 diabetes", "diabetes mellitus (type 1 or 2)": one type word over two
# numerals, before the disease or in brackets after it.
_NUMERALS = r"(?:[1-4]|IV|I{1,3})"
_TYPES_BEFORE = re.compile(
    rf"(?P<word>type|stage|grade|class)\s+(?P<a>{_NUMERALS})\s*(?:,|/|or|and|and/or)\s*"
    rf"(?P<b>{_NUMERALS})\s+$", _I
)
_TYPES_AFTER = re.compile(
    rf"^\s*\(\s*(?P<word>type|stage|grade|class)\s+(?P<a>{_NUMERALS})\s*(?:,|/|or|and|and/or)"
    rf"\s*(?:(?P=word)\s+)?(?P<b>{_NUMERALS})\s*\)", _I
)


def _distributed_types(ctx: _Ctx, concepts: list[str]) -> list[str]:
    """A disease written once with two numbered types: the two types' concepts replace
    the disease's, when both are whole vocabulary terms ("type 1 diabetes", "type 2
    diabetes") and the disease is named nowhere else in the item."""
    for term in ctx.mentions("diagnosis"):
        before = _TYPES_BEFORE.search(ctx.main, max(0, term.start - 40), term.start)
        after = _TYPES_AFTER.match(ctx.main[term.end :])
        found = before or after
        if found is None or sum(t.concept_id == term.concept_id for t in ctx.terms) != 1:
            continue
        types = []
        for numeral in (found["a"], found["b"]):
            candidate = f"{found['word']} {numeral} {term.text}"
            types.append([t.concept_id for t in ctx.vocab.find_terms(candidate)
                          if t.start == 0 and t.end == len(candidate)])  # fmt: skip
        if not all(types):
            continue
        if before is not None:
            ctx.take(before.start(), before.end(), "diagnosis:shared-noun")
        else:
            ctx.take(term.end + after.start(), term.end + after.end(), "diagnosis:shared-noun")
        named = [c for group in types for c in group]
        concepts = [c for c in concepts if c != term.concept_id]
        concepts += [c for c in named if c not in concepts]
    return concepts


def _elliptical_concepts(ctx: _Ctx) -> list[str]:
    """Concepts an exclusion names by sharing a term's noun: in "active or latent TB",
    "active [TB]" is a term of active tuberculosis, so a documented active TB excludes as
    latent TB does. Only a word that with the term's noun makes a whole vocabulary term of
    another concept counts ("acute or chronic X" adds nothing unless "acute X" is one)."""
    found: list[str] = []
    for term in ctx.mentions("diagnosis"):
        found += _shared_numbered(ctx, term)
        head = term.text.split(maxsplit=1)
        if len(head) < 2:
            continue
        before = ctx.main[max(0, term.start - 60) : term.start]
        nouns = head[1].split()
        while (shared := _SHARED_NOUN_WORD.search(before)) is not None:
            # "active and/or latent tuberculosis infection": "active tuberculosis" is the
            # term, so the noun may be the head's first words only.
            for size in range(len(nouns), 0, -1):
                candidate = " ".join([shared["word"], *nouns[:size]])
                whole = [t.concept_id for t in ctx.vocab.find_terms(candidate)
                         if t.start == 0 and t.end == len(candidate)]  # fmt: skip
                if whole:
                    found += [c for c in whole if c != term.concept_id]
                    break
            before = before[: shared.start()]
    return found
