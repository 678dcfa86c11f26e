"""Reader of kidney-biopsy items: ISN/RPS classes, sub-classes, windows and what a person
judges.
"""

from __future__ import annotations

import re

from matcher.criteria.item_context import (
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.lexicon import (
    _I,
)
from matcher.criteria.temporality import (
    RULE as TEMPORAL_RULE,
)
from matcher.criteria.temporality import (
    read_temporality,
)

# ---------------------------------------------------------------- biopsy

_ROMAN_CLASSES = ("I", "II", "III", "IV", "V", "VI")
_CLASS_TOKEN = r"(?:VI|IV|V|III|II|I|[1-6])(?![\w])"
# ISN/RPS subclasses after a class name: "IV-S", "IV-G (A)", "III (A or A/C)". They do
# not change the class, so the list goes on after them: "III (A or A/C), IV (A) or V".
_SUBCLASS = (
    r"(?:\s*-\s*[SG](?![\w]))?(?:\s*\(\s*[ACSG](?:\s*/\s*C)?(?:\s*(?:or|and|/|,|;)\s*"
    r"[ACSG](?:\s*/\s*C)?)*\s*\))?"
)
_CLASS_SEP = r"\s*(?:,\s*(?:and/or|or|and)?|\band/or\b|\bor\b|\band\b|/|\+/-|\+|±|&|-)\s*"
_CLASS_LIST = re.compile(
    rf"\bclass(?:es)?\s*(?P<list>{_CLASS_TOKEN}{_SUBCLASS}(?:{_CLASS_SEP}(?:(?:pure\s+)?class\s*)?"
    rf"{_CLASS_TOKEN}{_SUBCLASS})*)",
    _I,
)
# "class VI excluded", "isolated class V is excluded", "excluding class VI".
_CLASS_EXCLUDED_AFTER = re.compile(
    # "isolated class V disease are not eligible", "pure class V LN is excluded"
    r"^\s*(?:(?:disease|lupus\s+nephritis|nephritis|glomerulonephritis|LN)\s+)?"
    r"(?:(?:is|are)\s+)?(?:excluded|not\s+(?:eligible|allowed|permitted|included|accepted))\b",
    _I,
)
# "..., but participants with isolated class V disease are not eligible": the words that
# lead to the ruled-out class belong to it.
_CLASS_EXCLUDED_LEAD = re.compile(
    r"(?:\bbut\s+)?(?:(?:patients|subjects|participants|those|individuals)\s+(?:with|who\s+"
    r"have)\s+)?(?:(?:pure|isolated)\s+)?$",
    _I,
)
_CLASS_EXCLUDED_BEFORE = re.compile(
    r"(?:\bexcluding|\bexcept(?:\s+for)?|\bother\s+than|\bnot|\bno)\s+(?:(?:pure|isolated)\s+)?$",
    _I,
)
_CLASS_ALONE_BEFORE = re.compile(r"\b(?:pure|isolated)\s+$", _I)
# "ISN/RPS 2003", "2018 ISN/RPS", "WHO 1995 classification": the edition, not a value.
_CLASSIFICATION_YEAR = re.compile(
    r"(?<![^\W_])ISN\s*/\s*RPS(?:19|20)\d{2}\b|(?<=ISN/RPS)\W{0,3}(?:19|20)\d{2}\b|(?<=WHO)\W{0,3}(?:19|20)\d{2}\b|"
    r"(?<=Society)\W{0,3}(?:19|20)\d{2}\b|\b(?:19|20)\d{2}(?=\W{0,3}(?:revised\s+)?(?:ISN|WHO|"
    r"International\s+Society|classification))",
    _I,
)
_OPTIONAL_BEFORE = re.compile(
    r"(?:with\s+or\s+without|with\s*/\s*without|±|\+/-|allow\w*|combined\s+with|in\s+combination\s+with|"
    r"concomitant|co-?exist\w*|co-?exhibit\w*|plus|mixed\s+with|may\s+(?:also\s+)?have)"
    r"\W*(?:(?:a|an|the|presence\s+of)\s+)*$",
    _I,
)
_OPTIONAL_AFTER = re.compile(
    r"^[^;(),]{0,40}?\b(?:allowed|permitted|optional|acceptable|may\s+be\s+present|"
    r"component|in\s+addition\s+to|in\s+combination\s+with|(?:may|can)\s+(?:also\s+)?"
    r"co-?exist|co-?exist(?:s|ing)?)\b",
    _I,
)
_OPTIONAL_V = re.compile(
    r"(?:with\s+or\s+without|with\s*/\s*without|±|\+/-|and/or)\s*(?:a\s+|an\s+|the\s+|"
    r"presence\s+of\s+|concomitant\s+|coexisting\s+|class\s+)*(?:V\b|membranous)",
    _I,
)
# A class list is an ISN/RPS (or older WHO) lupus-nephritis class when the item names the
# disease or its classification, or a biopsy, histology or pathology of the kidney. The
# acronyms are matched as written: "patients who have ..." is not WHO.
_LN_SYSTEM = re.compile(r"\b(?:ISN|RPS|LN)\b|(?i:nephritis|lupus)")
_BIOPSY_CONTEXT = re.compile(r"\bWHO\b|(?i:biops|histolog|patholog)")
_KIDNEY_WORD = re.compile(r"kidney|renal|nephr|glomerul", _I)
# Other classifications write their classes the same way: "NYHA class III", "ASA physical
# status class II", "WHO functional class III", "Child-Pugh class 2". A class list right
# after one of these names is that scale's.
_OTHER_SCALE = re.compile(
    r"(?:\b(?:NYHA|ASA|CCS|Killip|Child[-\s]?Pugh|Mallampati|Kennedy|Angle|Forrest|CEAP|"
    r"Rutherford)\b|heart\s+association|physical\s+status|functional)\W*(?:functional\W*)?$",
    _I,
)
_HISTOLOGY = re.compile(r"\b(?:proliferative|membranous)\b", _I)
_TISSUE_PROOF = re.compile(r"\b(?:histolog|histopatholog|patholog)\w*", _I)
# "Class III (Class V) or Class IV (Class V)": a class in brackets after another, with no
# sign, may mean "with V" or "with or without V" (a lost "±"); no exact class set is
# readable from it, so the item is left to a person.
_BRACKETED_CLASS = re.compile(
    rf"\bclass\s*{_CLASS_TOKEN}\s*\(\s*(?!class\s*V\s*\))(?:class\s*)?{_CLASS_TOKEN}\s*\)", _I
)
# Except "(class V)" after class III or IV: a membranous component, allowed alongside
# (`_classes`); pure class V is still refused.
_BRACKETED_V_BEFORE = re.compile(r"\bclass\s*(?:III|IV|[34])\s*(\()\s*$", _I)
# "Proliferative lupus nephritis without a membranous component": no V alongside.
_NO_MEMBRANOUS = re.compile(
    r"(?<!\bor\s)\b(?:without|no|excluding|except)\s+(?:an?\s+|any\s+)?(?:class\s*V\b|"
    r"membranous)",
    _I,
)
# "Patients without renal biopsy or with class I, II or VI" (an exclusion): with no
# biopsy documented the reading is `unknown` either way (a biopsy may exist unrecorded),
# so the branch is read as that, and said (params `or_no_biopsy`).
_OR_NO_BIOPSY = re.compile(
    r"\b(?:(?:patients|subjects|participants|those)\s+)?(?:without|with\s+no|who\s+have\s+"
    r"not\s+had|lacking)\s+(?:a\s+|an\s+)?(?:renal|kidney)\s+biops(?:y|ies)\s*,?\s+or\b",
    _I,
)
# "The biopsy report will be used to confirm eligibility": how the item is checked, not
# another requirement.
_REPORT_CONFIRMS = re.compile(
    r"\b(?:the\s+|a\s+)?(?:(?:renal|kidney)\s+)?(?:biopsy|pathology|histology|histopathology)"
    r"\s+report\s+(?:will|must|should|shall|may)\s+be\s+(?:used|reviewed|provided|available)"
    r"(?:\s+to\s+(?:confirm|verify|document)(?:\s+(?:the\s+)?(?:subject|patient|participant)"
    r"(?:'s|’s)?)?\s+eligibility)?",
    _I,
)


def _class_name(token: str) -> str:
    token = token.upper()
    return _ROMAN_CLASSES[int(token) - 1] if token.isdigit() else token


def _classes(
    text: str, spans: list[tuple[int, int]] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """ISN/RPS classes asked for, and those allowed alongside: "class III or IV (a class
    V component is allowed)" → (["III", "IV"], ["V"]); "III, IV, or V" → all three;
    "class VI excluded" → excluded (third). `spans` collects where they were read."""
    wanted: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    read: list[tuple[int, int]] = []
    for m in _lupus_class_lists(text):
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 60]
        start, end = m.start(), m.end()
        cue_before = _OPTIONAL_BEFORE.search(before)
        cue_after = _OPTIONAL_AFTER.search(after)
        out_after = _CLASS_EXCLUDED_AFTER.search(after)
        out_before = _CLASS_EXCLUDED_BEFORE.search(before)
        names = [_class_name(t) for t in re.findall(_CLASS_TOKEN, _strip_subclasses(m["list"]),
                                                     _I)]  # fmt: skip
        if out_after or out_before:
            # "isolated class V is excluded": never wanted (it may still be allowed
            # alongside, as "with or without V" says elsewhere). "Mixed III+V or IV+V are
            # excluded" refuses the mixes, not classes III, IV and V: nothing is allowed
            # alongside (allowed_with stays empty), the pure classes are still wanted.
            if not _MIX.search(m["list"]):
                excluded += names
            alone_before = _CLASS_ALONE_BEFORE.search(before)
            lead = _CLASS_EXCLUDED_LEAD.search(before) if out_after else None
            if out_before:
                start = m.start() - (len(before) - out_before.start())
            elif lead and lead.end() > lead.start():
                start = m.start() - (len(before) - lead.start())
            elif alone_before:
                start = m.start() - (len(before) - alone_before.start())
            end = m.end() + out_after.end() if out_after else end
            read.append((start, end))
            continue
        bracketed_v = _BRACKETED_V_BEFORE.search(before)
        closing = re.match(r"\s*\)", after)
        if bracketed_v and closing and names == ["V"]:
            # "Class III (Class V) or Class IV (Class V)": a membranous component that may
            # be there (a "±" lost on the page); required, it would be written "III+V".
            if "V" not in optional:
                optional.append("V")
            read.append((m.start() - (len(before) - bracketed_v.start(1)),
                         m.end() + closing.end()))
            continue
        whole_optional = bool(cue_before or cue_after)
        if cue_before:
            start = m.start() - (len(before) - cue_before.start())
        if cue_after:
            end = m.end() + cue_after.end()
        alone = _CLASS_ALONE_BEFORE.search(before)
        if alone and not whole_optional:
            start = m.start() - (len(before) - alone.start())  # "or pure class V": wanted
        read.append((start, end))
        listed, after_previous = _strip_subclasses(m["list"]), 0
        for token in re.finditer(rf"(?P<sep>{_CLASS_SEP})?(?P<t>{_CLASS_TOKEN})", listed, _I):
            name = _class_name(token["t"])
            sep = (token["sep"] or "").strip()
            # "with or without class V, or pure class V": the pure one is wanted alone.
            pure = re.search(r"\b(?:pure|isolated)\b", listed[after_previous : token.start("t")],
                             _I)  # fmt: skip
            after_previous = token.end()
            optional_here = whole_optional or sep in ("+", "±", "+/-")
            target = optional if optional_here and not pure else wanted
            if name not in target:
                target.append(name)
    for m in _OPTIONAL_V.finditer(text):
        read.append((m.start(), m.end()))
        if "V" not in optional:
            optional.append("V")
    if not wanted and _PROLIFERATIVE_OR_MEMBRANOUS.search(text) and "V" not in excluded:
        # "proliferative or membranous lupus nephritis": class III, IV or V, alone or mixed
        # (III+V, IV+V are both at once: nothing outside the classes named).
        wanted = ["III", "IV", "V"]
    if not wanted:
        if re.search(r"proliferative", text, _I):
            # "Biopsy-proven proliferative lupus nephritis": class III or IV, and the
            # mixed III+V and IV+V are proliferative too (KDIGO, ISN/RPS).
            wanted = ["III", "IV"]
            if "V" not in excluded and not _NO_MEMBRANOUS.search(text):
                optional.append("V")
        elif re.search(r"membranous", text, _I) and "V" not in optional:
            wanted = ["V"]
    wanted = [c for c in wanted if c not in excluded]
    optional = [c for c in optional if c not in wanted]
    if spans is not None:
        spans.extend(read)
    return wanted, optional, excluded


_PROLIFERATIVE_OR_MEMBRANOUS = re.compile(
    r"\bproliferative\s*(?:,|/|\bor\b|\band/or\b)\s*membranous\b|"
    r"\bmembranous\s*(?:,|/|\bor\b|\band/or\b)\s*proliferative\b",
    _I,
)


def _strip_subclasses(classes: str) -> str:
    """ "III (A or A/C), IV-G (A)" → "III , IV": subclass letters are not classes."""
    return re.sub(_SUBCLASS, "", classes, flags=_I)


def _lupus_class_lists(text: str) -> list[re.Match[str]]:
    return [
        m for m in _CLASS_LIST.finditer(text)
        if not _OTHER_SCALE.search(text[max(0, m.start() - 40) : m.start()])
    ]


def _biopsy(ctx: _Ctx) -> _Parsed | None:
    """The ISN/RPS class of a lupus-nephritis kidney biopsy. Nothing else is one: in a
    registry item of any trial "biopsy" alone is not the kidney's ("biopsy-proven breast
    cancer"), and a kidney biopsy outside a lupus trial has no class to check."""
    kidney = _KIDNEY_WORD.search(ctx.text)
    has_biopsy = "proc.kidney_biopsy" in ctx.concepts("procedure") and bool(kidney)
    diagnoses = ctx.concepts("diagnosis")
    has_class = bool(_lupus_class_lists(ctx.text)) and bool(
        "dx.lupus_nephritis" in diagnoses
        or _LN_SYSTEM.search(ctx.text)
        or ((kidney or ctx.lupus_trial) and _BIOPSY_CONTEXT.search(ctx.text))
    )
    # "Renal biopsy: proliferative nephritis", not "membranous nephropathy" or IgA nephritis.
    nephritis = bool(re.search(r"\bnephritis\b", ctx.text, _I)) and not any(
        c == "dx.other_kidney_disease"
        or "dx.other_kidney_disease" in ctx.vocab[c].attrs.get("implies", ())
        for c in diagnoses
    )
    histology = re.search(r"proliferative|membranous", ctx.text, _I) and (
        "dx.lupus_nephritis" in diagnoses or (has_biopsy and nephritis)
    )
    # "Histological diagnosis of lupus nephritis", "LN confirmed by renal pathology": the
    # nephritis proven on tissue is a biopsy of it (any class unless one is named).
    histology = histology or (
        "dx.lupus_nephritis" in diagnoses and _TISSUE_PROOF.search(ctx.text) is not None
    )
    if not (has_class or histology or has_biopsy):
        return None
    bracketed = _BRACKETED_CLASS.search(ctx.text)
    if bracketed is not None and has_class:
        return _manual(
            f'a class in brackets after another ("{bracketed[0]}") does not say whether it '
            "is required or only allowed: the biopsy classes must be checked by a person",
            ctx.key("biopsy"),
        )
    finding = _BIOPSY_FINDING.search(ctx.text)
    if finding is not None and not has_class:
        # "Renal biopsy with a chronicity index above 4": notes give the class, not this.
        return _manual(f'the biopsy finding ("{finding[0]}") is not read from notes: a person '
                       "checks the biopsy report", ctx.key("biopsy"))
    if ctx.exclusion and not (has_class or histology):
        # "Sclerosis in > 50% of glomeruli on renal biopsy": a histology finding, not the
        # biopsy itself (every candidate has had one).
        return _manual("the biopsy finding must be read by a person", "x_biopsy")
    if not (has_class or histology or "dx.lupus_nephritis" in diagnoses or ctx.lupus_trial):
        return None  # "Renal biopsy performed" in a trial of another kidney disease
    unlisted = _unlisted_mix(ctx.text)
    if unlisted is not None:
        return _manual(
            f"the class list names mixed classes but not {unlisted}: whether a {unlisted} "
            "biopsy qualifies must be checked by a person", ctx.key("biopsy"))
    spans: list[tuple[int, int]] = []
    wanted, optional, excluded = _classes(ctx.text, spans)
    if not wanted:
        # "Biopsy-proven lupus nephritis": any ISN/RPS class will do ("class VI
        # excluded": any other).
        wanted = [c for c in _ROMAN_CLASSES if c not in optional and c not in excluded]
    for start, end in spans:
        ctx.take(start, end, "biopsy:classes")
    if spans or re.search(r"\bproliferative\b", ctx.text, _I):
        # "Active class III or IV": activity qualifies the proliferative classes named
        # (GUIDELINE: judged on the class). With no class ("active lupus nephritis on
        # biopsy") it would accept any class, so it is left unaccounted.
        for m in re.finditer(r"\bactive\b", ctx.text, _I):
            ctx.take(m.start(), m.end(), "biopsy:active-class")
    for pattern in (_HISTOLOGY, _CLASSIFICATION_YEAR, _REPORT_CONFIRMS):
        for m in pattern.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "biopsy:histology")
    ctx.take_terms(["dx.lupus_nephritis", "proc.kidney_biopsy"])
    params = {"classes": wanted, "allowed_with": optional, "window_days": ctx.window()}
    no_biopsy = _OR_NO_BIOPSY.search(ctx.text) if ctx.exclusion and spans else None
    if no_biopsy is not None:
        ctx.take(no_biopsy.start(), no_biopsy.end(), "biopsy:or-none")
        params["or_no_biopsy"] = True
    judged = _biopsy_judged(ctx) if not spans else []
    judged += _biopsy_qualifiers(ctx)
    if judged:
        params["judged"] = judged
    return _Parsed("biopsy", ctx.key("biopsy"), params)


_MIX = re.compile(rf"(?P<a>{_CLASS_TOKEN})\s*\+\s*(?P<b>{_CLASS_TOKEN})", _I)


def _unlisted_mix(text: str) -> str | None:
    """ "Class III, IV, V, III+IV or IV+V": a list that spells out the mixed classes it
    accepts leaves the others out, here III+V, which a reading of "III, IV or V" would
    accept. The first such mix of V with a proliferative class listed alone, else None."""
    for m in _lupus_class_lists(text):
        listed = _strip_subclasses(m["list"])
        mixes = {frozenset((_class_name(x["a"]), _class_name(x["b"])))
                 for x in _MIX.finditer(listed)}  # fmt: skip
        if not mixes:
            continue
        alone = {_class_name(t) for t in re.findall(_CLASS_TOKEN, _MIX.sub(" ", listed), _I)}
        if "V" not in alone:
            continue
        for proliferative in ("III", "IV"):
            if proliferative in alone and frozenset((proliferative, "V")) not in mixes:
                return f"{proliferative}+V"
    return None


# What a biopsy report says beyond the class, which the notes' biopsy findings do not hold
# (matcher.nlp.extract reads the ISN/RPS class): indices, sclerosis, crescents, fibrosis.
_BIOPSY_FINDING = re.compile(
    r"\b(?:chronicity|activity)\s+index\b|\b(?:glomerulo)?sclerosis\b|\bsclerosed\b|"
    r"\bcrescent(?:s|ic)?\b|\binterstitial\s+fibrosis\b|\btubular\s+atrophy\b|"
    r"\bfibrinoid\s+necrosis\b|\bnecrosis\b|\bmicrothromb\w*",
    _I,
)
# Qualifiers of a biopsy-proven nephritis that the class does not decide: how new it is,
# whether it was treated, whether its lesions are only chronic. With the class matching
# the criterion is left to a person; a biopsy of another class still decides.
# (label, pattern): "Newly diagnosed class III or IV LN", "untreated", "treatment-naive",
# "purely chronic class III (C) or IV (C), defined as the absence of active lesions".
_BIOPSY_QUALIFIERS = (
    ("newly diagnosed", re.compile(r"\b(?:newly|recently)\s+diagnosed\b|\bnew[-\s]onset\b|"
                                   r"\bde\s+novo\b", _I)),
    ("untreated", re.compile(r"\buntreated\b|\bnever\s+(?:been\s+)?treated\b", _I)),
    ("treatment-naive", re.compile(r"\b(?:treatment|therapy)[-\s]na[iï]ve\b", _I)),
    ("purely chronic (no active lesions)", re.compile(
        r"\b(?:purely|exclusively|only)\s+chronic\b|\b(?:III|IV|3|4)(?:\s*-\s*[SG])?\s*\(\s*C\s*\)|"
        r"(?:,\s*)?(?:defined\s+as\s+)?(?:the\s+)?(?:absence\s+of|no|without)\s+(?:any\s+)?"
        r"active\s+lesions?\b|\binactive\s+lesions?(?:\s+only)?\b|\bchronic\s+lesions?\s+only\b",
        _I)),
)


def _biopsy_qualifiers(ctx: _Ctx) -> list[str]:
    """The qualifiers of `_BIOPSY_QUALIFIERS` in the item, taken: ["newly diagnosed"]."""
    found: list[str] = []
    for label, pattern in _BIOPSY_QUALIFIERS:
        for m in pattern.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "biopsy:judged")
            if label not in found:
                found.append(label)
    return found


def _biopsy_judged(ctx: _Ctx) -> list[str]:
    """ "Biopsy-confirmed active lupus nephritis" with no class: the activity (or a
    severity) of the nephritis is for a person to judge when a biopsy is documented
    (matcher.criteria.temporality); the biopsy decides only when there is none or it shows
    another disease."""
    terms = [(t.start, t.end, t.concept_id) for t in ctx.mentions("diagnosis", "procedure")
             if t.concept_id == "dx.lupus_nephritis"]  # fmt: skip
    if not terms:
        return []
    found = read_temporality(ctx.main, terms, None, ["dx.lupus_nephritis"], vocab=ctx.vocab)
    if found.params.get("temporality") == "ever" and not found.params.get("judged"):
        return []
    for start, end in found.spans:
        ctx.take(start, end, TEMPORAL_RULE)
    return list(found.params.get("judged", []))
