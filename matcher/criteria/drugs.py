"""Reader of drug items: exposure within windows, current use, dose limits, routes, indications
and exceptions.
"""

from __future__ import annotations

import re
from functools import (
    cache,
)
from typing import (
    Any,
)

from matcher.criteria.basic_kinds import (
    _expand,
)
from matcher.criteria.grammar import (
    load_grammar,
    phrase_pattern,
)
from matcher.criteria.guard import (
    lead_negation,
)
from matcher.criteria.item_context import (
    _blanked,
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.lexicon import (
    _CURRENT_DRUG,
    _HELD_ANCHOR,
    _I,
    _IF_ON,
    _NUM,
    _WORD_NUM,
    _anchor_tail,
    _comparisons,
    _days,
    _duration,
    _number,
    _tidy,
    _window_match,
)
from matcher.model import (
    LOOKBACK_DAYS,
    SYSTEMIC_ROUTE,
)
from matcher.nlp.doses import (
    steroid_factor,
)
from matcher.nlp.vocab import (
    TermMatch,
)

# ---------------------------------------------------------------- drugs

_DOSE = re.compile(r"\d\s*(?:mg|g|mcg|µg|μg|iu|units?)\b", _I)


def _drug_exposure(ctx: _Ctx) -> _Parsed | None:
    """ "Rituximab or another anti-CD20 antibody within 3 months before enrollment" →
    rituximab and every anti-CD20 antibody, 91 days. A treatment procedure listed with
    the drugs shares their window ("ciclosporin, IVIG or plasmapheresis within 90 days");
    "currently on", "stable for ≥ 3 months" and "if on X, ..." are read as params."""
    named = ctx.concepts("drug", "drug_class")
    optional = _optional_drugs(ctx)
    named = [c for c in named if c not in optional]
    if not named or _treatment_of_a_condition(ctx):
        return None
    named += [c for c in _elliptical_classes(ctx) if c not in named]
    first = ctx.vocab[named[0]]
    key = ctx.key(first.key)
    judged = _drug_judgement(ctx, first.label, key)
    if judged is not None:
        return judged
    outside = _example_outside_class(ctx)
    if outside is not None:
        return _manual(f"{outside[1]} is given as an example of {outside[0]}, which the "
                       "vocabulary's class does not hold: what the trial means by the class "
                       "must be checked by a person", key)
    limits = _dose_limits(ctx)
    if limits is None:
        # "Prednisone > 0.5 mg/kg/day within 4 weeks": the dose cannot be checked from a
        # mention of the drug, and reading it as any exposure would exclude most patients.
        return _manual(f"{first.label} dose limit must be checked by a person", key)
    indication = _indication(ctx)
    ctx.take_terms(named)
    route = _unrecorded_route(ctx)
    procedures = _treatment_procedures(ctx)
    drugs = [d for d in _expand(named, ctx.vocab) if d not in _excepted_drugs(ctx)]
    _take_other_members(ctx, named)
    for m in _ANY_SETTING.finditer(ctx.main):
        ctx.take(m.start(), m.end(), "drug:any-setting")
    window = ctx.window()
    if window is None:
        window = _absence_length(ctx)
    half_lives = _half_lives(ctx)
    if half_lives is not None:
        window, longer = half_lives
        if not longer:
            # "within 3 months or 5 half-lives, whichever is shorter": the half-life may
            # make the window shorter than the months, and notes do not give it.
            return _manual("a window shortened by the drug's half-life must be checked by a "
                           "person", key)
    if window is not None and _ever_beside_window(ctx):
        # "Ever treated with cyclophosphamide or received rituximab in the last 6
        # months": the window is one drug's; read for all, a drug excluded ever would be
        # excluded only recently (and the "ever" drug of an inclusion required recently).
        return _manual("the item gives one drug 'ever' and another a window: which applies "
                       "to which must be checked by a person", key)
    params: dict[str, Any] = {"drugs": drugs + procedures, "window_days": window}
    if window is not None and _during_study(ctx):
        params["also_during_study"] = True
    params.update(_drug_temporality(ctx, window))
    if _untimed_treatment(ctx, window, params):
        return _manual("whether the treatment is taken now or was given at any time is not "
                       "stated, so a person checks it", key)
    if limits and window is None and not params.get("current") and not (
        _PAST_DRUG.search(ctx.main) or _EVER_BEFORE.search(ctx.main)
        or _EXPOSURE_HISTORY.search(ctx.main)
    ):
        # "Prednisone ≤ 10 mg/day with or without hydroxychloroquine": a dose limit with no
        # word of time is the dose taken now, as a lone drug's (matcher.criteria.doses).
        params["current"] = True
    if params.get("current") and window is None:
        params["window_days"] = LOOKBACK_DAYS
    if limits and params.get("current") and not ctx.exclusion and len(drugs) > 1:
        # "A stable regimen of prednisone (≤ 20 mg/day), antimalarials or azathioprine":
        # any one of them, or a ceiling for whoever takes prednisone (on HCQ and 30 mg of
        # prednisone)? Read either way it would decide that patient; a person does.
        limited = ctx.vocab[next(iter(limits))].label
        return _manual(f"a dose limit on current {limited} use within a list of drugs "
                       "must be checked by a person", key)  # fmt: skip
    # "Receiving MMF at screening, started at least 8 weeks before screening": a start at
    # least that long ago is the current drug held that long, as "on MMF for at least 8
    # weeks" (the duration was read as min_duration_days); the start words are read.
    started_long_ago = (window is None and bool(params.get("current"))
                        and bool(params.get("min_duration_days")) and not limits
                        and half_lives is None and _STARTED_LONG_AGO.search(ctx.main) is not None)
    if _started(ctx) and not started_long_ago:
        if window is None or params.get("current") or limits or params.get("half_lives"):
            # "Patients who have started HCQ", "currently on AZA started within 8 weeks at
            # > 2 mg/kg": a start with no window of its own, or beside another reading.
            return _manual("when the drug was started must be checked by a person", key)
        params["started_within"] = True
    judged_dose = _judged_dose(ctx)
    if judged_dose is not None:
        if not params.get("current") or params.get("conditional"):
            # "Previously treated with the maximum tolerated dose of an ARB": a past dose
            # notes do not judge, with nothing else to decide on.
            return _manual(f"the {judged_dose} dose must be checked by a person", key)
        params["dose_judged"] = judged_dose
    if half_lives is not None:
        if params.get("current"):
            return _manual("a window shortened by the drug's half-life must be checked by a "
                           "person", key)
        params["half_lives"] = True
    if limits:
        params["dose_limits"] = limits
    if indication:
        params["indication"] = indication
    if route:
        params["route"] = route
    unless = _manual_exception(ctx)
    if unless:
        params["exception_manual"] = unless
    return _Parsed("drug_exposure", key, params)


# "(including as part of a clinical trial or early access programme)", ", including in a
# clinical study", "(including compassionate use)": the exposure counts in any setting,
# which is how the notes record it (the drug, not the programme it came from).
_SETTING = (r"(?:(?:a|an|any)\s+)?(?:clinical\s+(?:trials?|stud(?:y|ies))|(?:early|expanded)\s+"
            r"access(?:\s+program(?:me)?s?)?|compassionate\s+use(?:\s+program(?:me)?s?)?)")
_ANY_SETTING = re.compile(
    rf"[,(]?\s*\b(?:including|incl\.)\s+(?:(?:as\s+)?part\s+of\s+|in\s+|within\s+|through\s+|"
    rf"via\s+|during\s+)?{_SETTING}(?:\s*(?:,|or|and|and/or)\s*(?:in\s+|as\s+part\s+of\s+)?"
    rf"{_SETTING})*\s*\)?",
    _I,
)


# "HCQ started within 3 months", "initiation of methotrexate within 12 weeks", "newly
# introduced": a course that began in the window, not any use in it.
_STARTED_WORDS = re.compile(
    r"\b(?:(?:newly|new)\s+)?(?:started|initiated|introduced|commenced|begun)\b|"
    r"\b(?:initiation|introduction|commencement|start)\s+of\b(?:\s+(?:an?\s+)?new\b)?",
    _I,
)
_NEW = re.compile(r"\bnew(?:ly)?\b", _I)
# "started at least 8 weeks before screening", "initiated ≥ 3 months prior to day 1",
# "commenced more than 6 months before randomisation": a start at least so long ago.
_STARTED_LONG_AGO = re.compile(
    r"\b(?:started|initiated|introduced|commenced|begun)\s+(?:at\s+least|more\s+than|"
    r"over|≥|>=|>|no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of)\s*\d+\s*"
    r"(?:days?|weeks?|months?|years?)\s+(?:before|prior\s+to|preceding)\b",
    _I,
)


# "prior to the commencement of our study", "cannot be initiated during the trial": a
# start word about the study, not the drug.
_STUDY_START_AFTER = re.compile(
    r"\s*(?:of\s+)?(?:the\s+|our\s+|this\s+)?(?:study|trial|protocol|investigational|"
    r"screening|enrol|randomi|dosing|during|after|following)", _I)
_STUDY_START_BEFORE = re.compile(r"\b(?:prior\s+to|before|after|since|until)\s+(?:the\s+)?$", _I)


def _started(ctx: _Ctx) -> bool:
    """Does the item ask for a drug started (in its window)? Its start words are read."""
    found = [m for m in _STARTED_WORDS.finditer(ctx.main)
             if not _STUDY_START_AFTER.match(ctx.main, m.end())
             and not _STUDY_START_BEFORE.search(ctx.main[max(0, m.start() - 20) : m.start()])]
    if not found:
        return False
    for m in [*found, *_NEW.finditer(ctx.main)]:
        ctx.take(m.start(), m.end(), "drug:started")
    return True


# "a maximally tolerated dose of an ACE inhibitor", "ARB at the maximum recommended
# dose", "optimised RAS blockade": a dose only the prescriber can judge. Read on a drug
# taken now, the evaluator leaves a course long enough to a person (as a stable dose).
_JUDGED_DOSE = re.compile(
    r"\b(?:(?:at|to)\s+)?(?:an?\s+|the\s+)?(?P<what>maxim(?:al(?:ly)?|um)\s+(?:tolerated|"
    r"recommended|labell?ed|approved|allowed)(?:\s+or\s+(?:maxim(?:al(?:ly)?|um)\s+)?"
    r"(?:tolerated|recommended|labell?ed|approved|allowed))?|optimi[sz]ed|optimal)"
    r"(?:\s+(?:doses?|dosages?|dosing))?(?:\s+of\b)?",
    _I,
)


def _judged_dose(ctx: _Ctx) -> str | None:
    """The words of a dose the item leaves to the prescriber ("maximally tolerated"),
    read, or None."""
    found = list(_JUDGED_DOSE.finditer(ctx.main))
    if not found:
        return None
    for m in found:
        ctx.take(m.start(), m.end(), "drug:judged-dose")
    return " ".join(found[0]["what"].lower().split())


# "within 3 months or 5 half-lives, whichever is longer (prior to baseline)", "within 5
# half-lives or 12 weeks (whichever is greater)": the stated window is the shortest the
# item means; how long 5 half-lives are is not in the notes.
_HALF_LIFE = (r"(?:\d{1,2}|three|four|five|six)\s+(?:elimination\s+|pk\s+|plasma\s+|terminal\s+)?"
              r"half[\s-]*li(?:fe|ves)(?:\s+of\s+the\s+(?:drug|agent|medication|product|"
              r"therapy|treatment))?(?:\s*\(if\s+known\))?")
_WHICHEVER = (r"\s*[,(]?\s*(?:(?:before|prior\s+to)\s+[^,;()]{1,40}?\s*,?\s*)?whichever\s+is\s+"
              r"(?:the\s+)?(?P<which>longer|greater|later|shorter|sooner|earlier|lesser)\s*\)?")
_HALF_LIVES_AFTER = re.compile(rf"\s*\(?\s*,?\s*or\s+(?:within\s+)?{_HALF_LIFE}{_WHICHEVER}", _I)
_HALF_LIVES_FIRST = re.compile(
    rf"\b(?:within|in)\s+(?:the\s+)?{_HALF_LIFE}\s*,?\s*or\s+(?P<n>{_NUM}|{_WORD_NUM})\s*"
    rf"(?P<unit>days?|weeks?|months?|years?){_WHICHEVER}",
    _I,
)


_ANCHOR_LEAD = re.compile(r"\s*,?\s*(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?", _I)


def _take_half_lives(ctx: _Ctx, start: int, end: int) -> None:
    """The clause, and the anchor right after it ("..., whichever is longer) prior to
    baseline")."""
    lead = _ANCHOR_LEAD.match(ctx.text, end)
    tail = _anchor_tail().match(ctx.text, lead.end()) if lead is not None else None
    ctx.take(start, tail.end() if tail is not None else end, "drug:half-lives")


def _half_lives(ctx: _Ctx) -> tuple[int | None, bool] | None:
    """(the stated window in days, whether the longer of the two is meant) of an item
    that gives a drug's window "or 5 half-lives, whichever is longer", or None. The
    evaluator leaves an exposure before the stated window to a person."""
    first = _HALF_LIVES_FIRST.search(ctx.main)
    if first is not None:
        amount = _number(first["n"])
        if amount is None:
            return None
        _take_half_lives(ctx, first.start(), first.end())
        days = _days(amount, first["unit"])
        longer = first["which"].lower() in ("longer", "greater", "later")
        return days, longer
    windows = [(start, end) for start, end, rule in ctx.taken if rule == "window"]
    if not windows:
        return None
    after = _HALF_LIVES_AFTER.match(ctx.main, windows[-1][1])
    if after is None:
        return None
    _take_half_lives(ctx, after.start(), after.end())
    days = _window_match(ctx.text)
    return (days[0] if days else None), after["which"].lower() in ("longer", "greater", "later")


# "ever", "at any time": words of a lifetime exposure, which no window can share.
_EVER_BESIDE_WINDOW = re.compile(r"\bever\b|\b(?:at\s+)?any\s*time\b", _I)
_COORDINATOR = re.compile(r"[,;]|\b(?:or|and)\b", _I)


def _ever_beside_window(ctx: _Ctx) -> bool:
    """ "Ever treated with cyclophosphamide, or rituximab in the last 6 months": a word
    of lifetime exposure and the item's window with another drug and a coordinator
    between them, so each belongs to its own drug. "Belimumab at any time in the previous
    year" and "ever received rituximab within 6 months" are one window."""
    windows = [(s, e) for s, e, rule in ctx.taken if rule == "window"]
    if not windows:
        return False
    begin, end = windows[-1]
    drugs = ctx.mentions("drug", "drug_class")
    for m in _EVER_BESIDE_WINDOW.finditer(ctx.main):
        low, high = (m.end(), begin) if m.end() <= begin else (end, m.start())
        between = [t for t in drugs if low <= t.start and t.end <= high]
        if between and _COORDINATOR.search(ctx.main, low, high):
            return True
    return False


# "Infection requiring systemic antibiotics", "pneumonia that required IV antibiotics":
# a drug the vocabulary marks `requiring_reads_condition` says how a condition was
# treated; the condition is the criterion, read by the diagnosis reader (which leaves the
# treatment to a person), not an antibiotic exposure. ("Lupus nephritis requiring
# cyclophosphamide" stays the drug, for that indication.)
_REQUIRING = re.compile(
    r"\b(?:requiring|required|requires|require|needing|needed|need\s+for)\s+"
    r"(?:(?:treatment|therapy)\s+with\s+)?(?:(?:systemic|oral|intravenous|iv|parenteral)"
    r"(?:\s*(?:,|/|or|and)\s*(?:systemic|oral|intravenous|iv|parenteral))*\s+)?$",
    _I,
)


def _treatment_of_a_condition(ctx: _Ctx) -> bool:
    drugs = ctx.mentions("drug", "drug_class")
    conditions = ctx.mentions("diagnosis")
    return bool(drugs and conditions) and all(
        ctx.vocab[t.concept_id].attrs.get("requiring_reads_condition")
        and _REQUIRING.search(ctx.main[max(0, t.start - 60) : t.start])
        and any(c.end <= t.start for c in conditions)
        for t in drugs
    )


def _optional_drugs(ctx: _Ctx) -> set[str]:
    """ "MMF with or without other immunosuppressants": the drugs after "with or
    without" are neither required nor excluded; the clause is read and they leave the
    item's list (matcher.criteria.doses.optional_drugs)."""
    from matcher.criteria.doses import optional_drugs

    found = optional_drugs(ctx.main, ctx.terms, ctx.vocab)
    if found is None:
        return set()
    (start, end), named = found
    ctx.take(start, end, "drug:optional")
    return {t.concept_id for t in named}


# "within 1 week prior to screening and during the study", "8 weeks before screening or
# during the run-in period": use after screening is checked at the study's visits, not
# from the notes; the window before it stands.
_DURING_STUDY = re.compile(
    r"^\s*,?\s*(?:and|or)\s+(?:during|throughout)\s+(?:the\s+)?(?:study|trial|run-?in|"
    r"screening)(?:\s+(?:period|phase))?\b",
    _I,
)


def _during_study(ctx: _Ctx) -> bool:
    ends = [end for _, end, rule in ctx.taken if rule == "window"]
    found = _DURING_STUDY.match(ctx.text[ends[-1] :]) if ends else None
    if found is None:
        return False
    ctx.take(ends[-1], ends[-1] + found.end(), "drug:during-study")
    return True


# "topical steroid on the target lesion": where a local route was applied is part of it.
_LESION_SITE = re.compile(
    r"^\s*(?:applied\s+)?(?:on|to|into)\s+(?:the\s+|an?\s+|any\s+)?(?:active\s+|target\s+|"
    r"study\s+|treated\s+)?(?:skin\s+)?lesions?\b",
    _I,
)
# "intra-articular, intramuscular or intravenous steroids": systemic routes between an
# unrecorded one and the drug join it (any documented steroid is then left to a person).
_ROUTE_GAP = re.compile(
    r"(?:[\s,/]|\bor\b|\band\b|\bof\b|\b(?:intravenous(?:ly)?|iv|intramuscular(?:ly)?|"
    r"oral(?:ly)?|subcutaneous(?:ly)?|sc|parenteral(?:ly)?|systemic(?:ally)?)\b)*",
    _I,
)
# "methylprednisolone pulses", "steroid pulse therapy": the form written right after the
# drug, one word apart at most.
_ROUTE_AFTER_GAP = re.compile(r"[\s-]*", _I)
_PULSE_FORM = re.compile(r"\bpulse|\bbolus", _I)


@cache
def _route_pattern() -> re.Pattern[str] | None:
    routes = sorted(load_grammar().unrecorded_routes, key=len, reverse=True)
    return re.compile("|".join(phrase_pattern(r) for r in routes), _I) if routes else None


def _unrecorded_route(ctx: _Ctx) -> str | None:
    """ "Intralesional corticosteroids within 1 week", "topical steroids on the target
    lesion": a route the notes do not record (the grammar's `unrecorded_routes`), written
    right before a drug of the item. It is kept as words; the evaluator leaves a documented
    exposure to a person (a prednisone course in the notes is no intralesional injection)
    and decides on none documented."""
    pattern = _route_pattern()
    drugs = ctx.mentions("drug", "drug_class")
    if pattern is None or not drugs:
        return None
    routes: list[str] = []
    for match in pattern.finditer(ctx.main):
        following = next((t for t in drugs if t.start >= match.end()), None)
        gap = pattern.sub(" ", ctx.main[match.end() : following.start]) if following else "-"
        before = next((t for t in reversed(drugs) if t.end <= match.start()), None)
        right_after = before is not None and _ROUTE_AFTER_GAP.fullmatch(
            ctx.main[before.end : match.start()])  # fmt: skip
        if not _ROUTE_GAP.fullmatch(gap) and not right_after:
            continue
        ctx.take(match.start(), match.end(), "drug:route")
        route = " ".join(match.group(0).lower().split())
        if _PULSE_FORM.search(route):
            route = "as a pulse or bolus"  # "IV bolus", "pulses": one form, said once
        if route not in routes:
            routes.append(route)
    parenteral = _parenteral_steroid(ctx, drugs)
    if parenteral and parenteral not in routes:
        routes.append(parenteral)
    for written in _written_route(ctx, drugs):
        if written not in routes:
            routes.append(written)
    if not routes and _SYSTEMIC.search(ctx.main):
        # "Systemic corticosteroids within 8 weeks": a note's "hydrocortisone" may be a
        # cream; the evaluator decides on the steroids named only for systemic use.
        routes.append(SYSTEMIC_ROUTE)
    if not routes:
        return None
    for term in drugs:
        site = _LESION_SITE.match(ctx.main[term.end :])
        if site is not None:
            ctx.take(term.end, term.end + site.end(), "drug:route")
    return " or ".join(routes)


# "IV methylprednisolone within 3 months", "intramuscular corticosteroids": a steroid is
# mostly taken by mouth, and a note's "methylprednisolone" does not keep its route, so an
# injected steroid is a route notes do not record. With "oral" or "systemic" beside it,
# any steroid counts.
_INJECTED_BEFORE = re.compile(
    r"\b(?:intravenous|iv|i\.v\.|intramuscular|im|i\.m\.)(?:[\s,/]|\bor\b|\band\b)*$", _I
)
_INJECTED_AFTER = re.compile(r"^\s*(?:intravenously|intramuscularly|iv|i\.v\.|im|i\.m\.)\b", _I)
_SYSTEMIC = re.compile(r"\bsystemic(?:ally)?\b", _I)
_INJECTED_IN_TERM = re.compile(r"\b(?:iv|ivmp|intravenous)\b", _I)
_ANY_STEROID_ROUTE = re.compile(r"\b(?:oral(?:ly)?|systemic(?:ally)?|by\s+mouth|per\s+os)\b", _I)


def _parenteral_steroid(ctx: _Ctx, drugs: list[TermMatch]) -> str | None:
    if _ANY_STEROID_ROUTE.search(ctx.main):
        return None
    for term in drugs:
        if term.concept_id != "drug.glucocorticoid":
            continue
        if _PULSE_FORM.search(term.text):
            return "as a pulse or bolus"  # the vocabulary's own "pulsed methylprednisolone"
        if _INJECTED_IN_TERM.search(term.text):
            return "intravenously or intramuscularly"  # "IV methylprednisolone", "IVMP"
        before = _INJECTED_BEFORE.search(ctx.main[max(0, term.start - 40) : term.start])
        if before is not None or _INJECTED_AFTER.match(ctx.main[term.end : term.end + 20]):
            return "intravenously or intramuscularly"
    return None


# "intravenous antibiotics", "oral or IV antibiotics", "antibiotics given intravenously":
# a route written beside a drug the vocabulary marks `routes_unrecorded` (an antibiotic is
# given by mouth or by vein, and a note's "ceftriaxone" does not keep which). Read as the
# drug alone, "oral antibiotics within 14 days" would exclude a patient given IV ones.
_ROUTE_WORD = (r"(?:intravenous(?:ly)?|i\.v\.|iv|intramuscular(?:ly)?|i\.m\.|im|oral(?:ly)?|"
               r"subcutaneous(?:ly)?|s\.c\.|sc|parenteral(?:ly)?|by\s+mouth|per\s+os)")
_WRITTEN_ROUTE_BEFORE = re.compile(
    rf"\b{_ROUTE_WORD}(?:(?:\s*[,/]\s*|\s+(?:and/or|or|and)\s+|\s+){_ROUTE_WORD})*"
    r"(?:\s*\(\s*\w+\s*\))?(?:\s+(?:administration|use|treatment)\s+(?:of|with))?\s*$", _I)
_WRITTEN_ROUTE_AFTER = re.compile(
    rf"^\s*(?:\(\s*)?(?:given\s+|administered\s+)?{_ROUTE_WORD}"
    rf"(?:(?:\s*[,/]\s*|\s+(?:and/or|or|and)\s+){_ROUTE_WORD})*(?!\w)", _I)
_ROUTE_NAMES = {"intravenous": "intravenously", "iv": "intravenously", "i.v.": "intravenously",
                "intramuscular": "intramuscularly", "im": "intramuscularly",
                "i.m.": "intramuscularly", "subcutaneous": "subcutaneously",
                "sc": "subcutaneously", "s.c.": "subcutaneously", "oral": "orally",
                "by mouth": "orally",
                "per os": "orally", "parenteral": "parenterally"}


def _written_route(ctx: _Ctx, drugs: list[TermMatch]) -> list[str]:
    routes: list[str] = []
    for term in drugs:
        if not ctx.vocab[term.concept_id].attrs.get("routes_unrecorded"):
            continue
        before = _WRITTEN_ROUTE_BEFORE.search(ctx.main[max(0, term.start - 60) : term.start])
        after = _WRITTEN_ROUTE_AFTER.match(ctx.main[term.end : term.end + 60])
        for found in (before, after):
            if found is None:
                continue
            for word in re.finditer(_ROUTE_WORD, found.group(0), _I):
                said = " ".join(word.group(0).lower().split())
                name = _ROUTE_NAMES.get(said.removesuffix("ly"), said)
                if name not in routes:
                    routes.append(name)
    return routes


def _manual_exception(ctx: _Ctx) -> str | None:
    """ "Rituximab, unless B cells have returned to normal": an exception naming no drug
    is one the notes cannot check. It is kept as words, and the evaluator leaves to a
    person the case it could change (a documented exposure for an exclusion, none for an
    inclusion); the other case is decided whatever the exception says."""
    clauses = []
    for clause, (begin, end) in zip(ctx.exceptions, ctx.exception_spans, strict=True):
        if (begin, end) in ctx.honoured:
            continue
        ctx.honoured.append((begin, end))
        ctx.take(begin, end, "exception:manual")
        clauses.append(" ".join(clause.strip(" ,;()").split()))
    return "; ".join(clauses) or None


# "high-dose prednisone (> 100 mg/day)", "prednisone at a dose of ≥ 1 mg/kg/day": a dose
# limit bound to the glucocorticoid named right before it, inside a list of drugs.
_DOSE_GAP = re.compile(r"^[\s(]*(?:(?:at\s+)?(?:a\s+)?(?:daily\s+)?dose\s+(?:of\s+)?)?$", _I)
_HIGH_DOSE = re.compile(r"\bhigh[\s-]+dose\s*$", _I)


def _dose_limits(ctx: _Ctx) -> dict[str, dict[str, Any]] | None:
    """Per-drug daily dose limits of a drug list ("hemodialysis, cyclophosphamide, or
    high-dose prednisone (> 100 mg/day)"): {drug id: dose params of
    matcher.criteria.kinds' dose_exposure}, {} when the item names no dose, None when a
    dose is not one this reading can bind (not a glucocorticoid's daily dose, or not
    right after its drug): the caller leaves the item manual."""
    if not _DOSE.search(ctx.main):
        return {}
    from matcher.criteria.doses import dose_unit_at

    limits: dict[str, dict[str, Any]] = {}
    drugs = [t for t in ctx.terms if ctx.vocab[t.concept_id].category == "drug"]
    for cmp in _comparisons(ctx.main):
        unit = dose_unit_at(ctx.main, cmp.num_end)
        if unit is None:
            continue
        before = [t for t in drugs if t.end <= cmp.start]
        if not before or before[-1].concept_id != "drug.glucocorticoid":
            return None
        term = before[-1]
        if not _DOSE_GAP.match(ctx.main[term.end : cmp.start]):
            return None
        amount, dose_unit, end = unit
        if dose_unit not in ("mg/day", "mg/kg/day") or term.concept_id in limits:
            return None
        # "methylprednisolone ≥ 500 mg/day" is 625 mg of prednisone: the limit is compared
        # as prednisone, like the notes' doses.
        amount *= steroid_factor(term.text) or 1.0
        limits[term.concept_id] = {"dose_op": cmp.op, "dose_value": _tidy(cmp.value * amount),
                                   "dose_unit": dose_unit, "prednisone_equivalent": True}
        close = re.match(r"\s*\)", ctx.main[end:])
        ctx.take(term.end, end + (close.end() if close else 0), "drug:dose-limit")
        high = _HIGH_DOSE.search(ctx.main[: term.start])
        if high is not None:
            ctx.take(high.start(), high.end(), "drug:dose-limit")
    return limits if limits and not _DOSE.search(_blanked(ctx.main, [
        (s, e) for s, e, r in ctx.taken if r == "drug:dose-limit"])) else None


# "Active lupus nephritis requiring hemodialysis or cyclophosphamide": the treatments
# count only when given for that disease, which the notes do not reliably say.
_INDICATION_LEAD = re.compile(
    r"^\W*(?P<state>(?:active|current|ongoing)\s+)?(?P<dx>.+?)\s+(?:requiring|that\s+"
    r"required?|needing|treated\s+with)\b",
    _I,
)


def _indication(ctx: _Ctx) -> str | None:
    """The disease a drug list is given for, as words ("active lupus nephritis"), when
    the item leads with it; the evaluator leaves a documented exposure to a person."""
    m = _INDICATION_LEAD.match(ctx.main)
    if m is None:
        return None
    lead = [t for t in ctx.terms if t.end <= m.end("dx")]
    if not lead or any(ctx.vocab[t.concept_id].category != "diagnosis" for t in lead):
        return None
    if ctx.main[lead[0].start - (len(m["state"] or "")) :].find(
        ctx.main[m.start("dx") : m.end("dx")]) < 0:  # fmt: skip
        return None
    covered = _blanked(ctx.main[: m.end("dx")], [(t.start, t.end) for t in lead])
    if re.search(r"\w", covered[m.start("dx") :]):
        return None  # words in the disease phrase that are not the disease
    ctx.take(m.start(), m.end(), "drug:indication")
    return " ".join(ctx.main[m.start("state") if m["state"] else m.start("dx") : m.end("dx")]
                    .lower().split())  # fmt: skip


# What notes cannot tell about a drug: a reaction to it, a failed response, a change of
# its dose. "Known intolerance to MMF" read as any MMF exposure would exclude everyone
# who tolerates it; each stays manual with a reason that names what a person checks.
_DRUG_JUDGEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bintoleran\w*|\bnot\s+tolerat\w*|\bunable\s+to\s+tolerate\b", _I),
     "intolerance to {drug} must be checked by a person (notes name the drug, not reliably "
     "the reaction)"),
    # (an allergy is a manual cue read before any drug; "steroid-resistant nephrotic
    # syndrome" and "refractory" are diseases the other readers name)
    (re.compile(r"\bfail\w*\s+to\s+respond|\bfailure\s+(?:of|on|with)\b|\bnon-?respon\w*|"
                r"\b(?:inadequate|insufficient|lack\s+of|no|poor)\s+(?:clinical\s+)?"
                r"respon\w*", _I),
     "a failed response to {drug} must be checked by a person (how the response was "
     "judged is not in the notes)"),
    (re.compile(r"\bdose\s+(?:change|adjust\w*|escalat\w*|increase|reduc\w*|taper\w*)|"
                r"\bchang\w*\s+(?:in|of)\s+(?:the\s+)?(?:dose|dosage|dosing)\b", _I),
     "a change of the {drug} dose must be checked by a person (notes do not record every "
     "dose change)"),
)


def _drug_judgement(ctx: _Ctx, label: str, key: str) -> _Parsed | None:
    for pattern, reason in _DRUG_JUDGEMENTS:
        if pattern.search(ctx.main):
            return _Parsed("manual", key, {}, reason.format(drug=label), ("drug:judgement",))
    return None


def _treatment_procedures(ctx: _Ctx) -> list[str]:
    """Procedures the vocabulary marks as treatments ("plasmapheresis", "dialysis"),
    listed with drugs: exposures like them."""
    found = [c for c in ctx.concepts("procedure") if ctx.vocab[c].attrs.get("treatment")]
    ctx.take_terms(found)
    return found
# "Subjects receiving tacrolimus", "On MMF", "Patients who are taking methotrexate": a
# present participle at the lead is use now ("Patients who received" is ever).
# "Patient takes an opioid": the present simple is use now too. ("Patients who have been
# taking HCQ" is not: a retrospective cohort's "have been using" is any past course.)
_CURRENT_LEAD = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|those|individuals?)\s+(?:who\s+are\s+)?)?"
    r"(?:currently\s+)?(?:on|using|taking|receiving|takes|uses|receives)\b",
    _I,
)
# "has been using", "have received", "had taken": a perfect tense, which tells of a course
# that may have ended.
_PERFECT = re.compile(r"\b(?:has|have|had)\s+(?:been\s+)?\w+", _I)
# "Daily use of opioids", "regular NSAID use", "chronic use of PPIs": a habit of use, which
# is use now (a course that ended is no habit).
_HABITUAL_USE = re.compile(
    r"\b(?:daily|regular(?:ly)?|habitual(?:ly)?)\b|\bchronic(?:ally)?(?=\s+(?:use|usage|intake|"
    r"treatment|therapy)\b)",
    _I,
)
# "for at least one month", "for > 2 years", "for 6 months or longer": how long the drug
# has been taken. Only a "for" phrase is read as that: "after 6 months", "over the past
# year" tell of something else.
_FOR_DURATION = re.compile(r"\bfor\s*$", _I)
# Words of a past exposure ("history of", "previous", "prior" that is not "prior to").
_PAST_DRUG = re.compile(
    r"\b(?:history|previous(?:ly)?|ever|formerly|past)\b|\bprior\b(?!\s+to\b)", _I
)
# "Stable treatment", "a stable dose of", "on stable doses", "a fixed regimen".
_STABLE_DRUG = re.compile(
    r"\b(?:stable|fixed|unchanged)(?:\s+(?:doses?|dosages?|dosing|regimens?|treatments?|"
    r"therapy))?\b|\b(?:doses?|dosages?|regimens?)\s+(?:must\s+|should\s+|has\s+|have\s+|is\s+|"
    r"are\s+|was\s+|were\s+)?(?:have\s+)?(?:be\s+|been\s+)?(?:remained\s+|kept\s+)?"
    r"(?:stable|unchanged|constant)\b",
    _I,
)


# "anytime before randomisation", "at any time prior to screening": ever, up to the anchor.
# Words that tell of an exposure in the patient's history rather than the drug now.
# "Used of X" is the noun "use of X" misspelt, no past exposure ("has used X").
_EXPOSURE_HISTORY = re.compile(
    r"\b(?:treated|exposed|given|administered|received|had|taken|used(?!\s+of\b)|undergone)\b"
    r"|\b(?:treatment|therapy|exposure|courses?)\s+(?:with|to|of)\b",
    _I,
)
_EVER_BEFORE = re.compile(
    r"\b(?:at\s+)?any\s*time(?:\s+(?:before|prior\s+to|preceding)\s+(?:the\s+)?"
    r"(?:screening|baseline|enrol\w*|randomi[sz]ation|day\s+[01]|study\s+entry|inclusion|"
    r"(?:signing\s+(?:of\s+)?(?:the\s+)?)?(?:informed\s+)?consent(?:\s+form)?|"
    r"(?:the\s+)?first\s+dose)(?:\s+visit)?)?\b",
    _I,
)


# "currently or within the past 3 months", "current or prior (within 3 months)", "either
# currently or in the previous 6 months": the drug taken now, or given in the window.
# "Current or previous use of X" (no window): given ever, which taken now is part of.
_NOW_OR_PAST = re.compile(
    r"\b(?:(?:either\s+)?(?:current(?:ly)?|now|ongoing|at\s+present)\s+or\s+"
    r"(?:(?P<window>(?:(?:recent(?:ly)?|prior|previous(?:ly)?|past)\s*\(\s*)?"
    r"(?=(?:within|in|during)\s))|(?:prior|previous(?:ly)?|past)\b(?!\s*\())"
    r")",
    _I,
)


# "Treatment with immunosuppressive medications", "therapy with beta blockers": the noun
# of a treatment, no verb and no time.
_TREATMENT_NOUN = re.compile(r"\b(?:treatments?|therapy|therapies)\s+(?:with|by)\b", _I)
_EXPOSURE_VERB = re.compile(
    r"\b(?:treated|exposed|given|administered|received|receiving|had|taken|used|undergone|"
    r"undergoing|on|using|taking)\b", _I)


def _untimed_treatment(ctx: _Ctx, window: int | None, params: dict[str, Any]) -> bool:
    """Is the exclusion "treatment with X" with no verb and no word of time? Registry
    authors mean the treatment now ("Treatment with psychoactive drugs", "treatment with
    immunosuppressive medications") as often as any course ever ("Treatment with any B
    cell targeted therapy"): read either way, one of them decides a patient wrongly."""
    return (ctx.exclusion and window is None
            and not {"current", "or_current", "conditional"} & set(params)
            and _TREATMENT_NOUN.search(ctx.main) is not None
            and not _EXPOSURE_VERB.search(ctx.main) and not _PAST_DRUG.search(ctx.main)
            and not _EVER_BEFORE.search(ctx.main))  # fmt: skip


def _drug_temporality(ctx: _Ctx, window: int | None) -> dict[str, Any]:
    """Current, stable and conditional drug use: "currently on AZA" → current;
    "stable antimalarials for ≥ 3 months" → current, held ≥ 91 days, stability left to a
    person; "if using HCQ, stable for ≥ 2 months" → the same, and only if on it."""
    params: dict[str, Any] = {}
    ever = False
    if window is None:
        for m in _EVER_BEFORE.finditer(ctx.main):
            ctx.take(m.start(), m.end(), "drug:ever")
            ever = True
    now_or_past = _NOW_OR_PAST.search(ctx.main)
    if now_or_past is not None and (window is not None) == (now_or_past["window"] is not None):
        # "currently or within the past 3 months", "current or prior (within 3 months)":
        # either counts (`or_current`); "current or previous use of CYC" is any use ever.
        ctx.take(now_or_past.start(), now_or_past.end(), "drug:now-or-past")
        if window is not None:
            params["or_current"] = True
        return params
    if window is not None or _PAST_DRUG.search(ctx.main):
        # Use now is read only without a window and without words of a past exposure:
        # "currently or within 3 months", "previous belimumab, as documented at
        # screening", "if receiving rituximab within 6 months", "stable over the past
        # year" are not one reading, and their cue words stay for the coverage guard.
        return params
    conditional = _IF_ON.search(ctx.main)
    stable = list(_STABLE_DRUG.finditer(ctx.main))
    current = list(_CURRENT_DRUG.finditer(ctx.main)) + list(_HABITUAL_USE.finditer(ctx.main))
    if conditional is None:
        current += list(_CURRENT_LEAD.finditer(ctx.main))
    # "Use of a loop diuretic for at least one month", "statin therapy for > 2 years": how
    # long the drug has been taken is said of a course still running (a past course,
    # "treated with belimumab for 24 weeks", tells its verb and stays as it was: the notes
    # date a course's mentions, not each of its days).
    held_now = not ever and _held_for(ctx.main)
    if not (stable or current or conditional or held_now):
        if ctx.exclusion and not ever and not _EXPOSURE_HISTORY.search(ctx.main):
            # "Immunosuppressive drugs", "Anticoagulant drugs", "Use of methotrexate" as an
            # exclusion: a drug named with no word of time is the drug taken now. Read as
            # any exposure ever, a finished prednisone course years ago excluded a patient
            # (two blind reviews of unseen texts found it; the dev gold reads it so too).
            # "Treated with", "treatment with", "exposure to" tell of a history: left ever.
            params["current"] = True
            ctx.taken.append((0, 0, "drug:bare-current"))
        return params
    for m in [*stable, *current, *([conditional] if conditional else [])]:
        ctx.take(m.start(), m.end(), "drug:current")
    if held_now and not (stable or current or conditional):
        ctx.taken.append((0, 0, "drug:held-now"))
    params["current"] = True
    if conditional is not None:
        params["conditional"] = True
    if stable:
        params["stable"] = True
    spans: list[tuple[int, int]] = []
    held = _duration(ctx.main, spans)
    if held is not None:
        # "for more than 2 years": held 731 days or more (days are whole).
        params["min_duration_days"] = held[0] + 1 if held[1] else held[0]
        start, end = spans[0]
        tail = _HELD_ANCHOR.match(ctx.main, end)
        ctx.take(start, tail.end() if tail else end, "drug:held")
    return params


def _absence_length(ctx: _Ctx) -> int | None:
    """ "No rituximab for at least 6 months", "Not taking antibiotics for at least three
    months": under a lead that denies the drug, the length is how long the patient has
    been without it, a window (183 days, read as the exclusion of rituximab within them);
    read as how long a course has run, it excluded only a patient on rituximab for 6
    months and let one given it last week in. None without such a lead and length."""
    lead = lead_negation(ctx.main)
    if lead is None:
        return None
    spans: list[tuple[int, int]] = []
    length = _duration(ctx.main, spans)
    if length is None or not ctx.main[spans[0][0]:].lower().startswith("for"):
        return None
    start, end = spans[0]
    tail = _HELD_ANCHOR.match(ctx.main, end)
    ctx.take(start, tail.end() if tail else end, "drug:absence-length")
    return length[0] + 1 if length[1] else length[0]


def _held_for(text: str) -> bool:
    """Does the item say how long a drug has been taken ("for at least 3 months") with no
    verb of a past course ("treated with", "received", "has been using")?"""
    spans: list[tuple[int, int]] = []
    if _duration(text, spans) is None or _EXPOSURE_HISTORY.search(text) or _PERFECT.search(text):
        return False
    start = spans[0][0]
    return text[start:].lower().startswith("for") or _FOR_DURATION.search(text[:start]) is not None


def _excepted_drugs(ctx: _Ctx) -> set[str]:
    """ "Biologics except belimumab": the drugs an exception clause names are not part of
    the criterion. A clause that names no drug is not honoured (the coverage guard sees
    its words)."""
    excepted: set[str] = set()
    for clause, (begin, end) in zip(ctx.exceptions, ctx.exception_spans, strict=True):
        terms = [t for t in ctx.vocab.find_terms(clause)
                 if ctx.vocab[t.concept_id].category in ("drug", "drug_class")]  # fmt: skip
        if not terms:
            continue
        ctx.honoured.append((begin, end))
        for term in terms:
            excepted.update(ctx.vocab.expand(term.concept_id))
            ctx.take(begin + term.start, begin + term.end, "exception:drug")
    return excepted


# "immunomodulators (tacrolimus or pimecrolimus)", "immunosuppressants such as MMF": the
# words that open a class's examples, in brackets or after it.
_EXAMPLES_OPEN = re.compile(
    r"^\s*(?:\(|,?\s*(?:such\s+as|e\.\s?g\.?|for\s+example|for\s+instance|including|"
    r"like)\b)", _I)
_EXAMPLES_CLOSE = re.compile(r"[);.]")


def _example_outside_class(ctx: _Ctx) -> tuple[str, str] | None:
    """ "Topical immunomodulators (tacrolimus or pimecrolimus)": a class whose examples name
    a drug the vocabulary's class does not hold is the trial's own class, narrower or
    other than ours (read as ours plus the examples, it would exclude patients on drugs
    the trial does not mean). (class label, drug label), else None."""
    terms = [t for t in ctx.terms if ctx.vocab[t.concept_id].category in ("drug", "drug_class")]
    for index, term in enumerate(terms):
        concept = ctx.vocab[term.concept_id]
        if concept.category != "drug_class":
            continue
        after = ctx.text[term.end:]
        opened = _EXAMPLES_OPEN.match(after)
        if opened is None:
            continue
        closed = _EXAMPLES_CLOSE.search(after, opened.end())
        limit = term.end + (closed.start() if closed else len(after))
        members = set(ctx.vocab.expand(concept.id))
        for other in terms[index + 1:]:
            if other.start >= limit or ctx.vocab[other.concept_id].category == "drug_class":
                break
            if not set(ctx.vocab.expand(other.concept_id)) <= members:
                return concept.label, ctx.vocab[other.concept_id].label
    return None


_OTHER_BEFORE = re.compile(r"\b(?:any\s+)?(?:an)?others?\s+$", _I)
# "Prednisone or other corticosteroids", "azathioprine, or other biologics": "other" right
# after a conjunction that follows a named drug is bound to that drug.
_OR_OTHER = re.compile(r"^\s*,?\s*(?:and/or|or|and)\s+(?:any\s+)?(?:an)?others?\s+$", _I)


# "B-cell depleting or CD19/CD20-directed therapy", "anti-CD19 or anti-CD20 antibodies": two
# modifiers over one class noun written once; the first one, up to three words, with the
# noun of the class term after it.
_SHARED_CLASS_NOUN = re.compile(
    r"(?P<words>(?:[^\W_][\w/-]*\s+){0,2}[^\W_][\w/-]*)\s*"
    r"(?:,\s*(?:or\s+|and/or\s+)?|\s(?:or|and/or)\s+)$", _I
)
_CLASS_CATEGORIES = ("drug", "drug_class")
# "anti-CD20 or anti-CD19 B-cell depleting therapy": the second of two coordinated modifiers
# written straight before the class term, the first a class term of its own.
_COORDINATED_MODIFIER = re.compile(
    r"(?:,\s*(?:or\s+|and/or\s+)?|\s(?:or|and/or)\s+)(?P<word>[^\W_][\w/-]*)\s+$", _I
)


def _elliptical_classes(ctx: _Ctx) -> list[str]:
    """Classes an item names by sharing a class term's noun: in "any other B-cell depleting
    or CD19/CD20-directed therapy", "B-cell depleting therapy" is a vocabulary term of its
    own, so its members are listed too. Only a modifier that with the noun makes a whole
    term of another drug or class counts ("oral or IV antibiotics" names one class, and
    its route words stay for the route reader). "Other" before the modifier is read when a
    drug named earlier belongs to that class, as `_take_other_members` reads it."""
    found: list[str] = []
    for term in ctx.mentions("drug_class"):
        words = term.text.split()
        if len(words) < 2:
            continue
        start = max(0, term.start - 80)
        shared = _SHARED_CLASS_NOUN.search(ctx.main[start : term.start])
        if shared is None:
            continue
        first = start + shared.start("words")
        starts = [first + m.start() for m in re.finditer(r"\S+", shared["words"])]
        for size in (2, 1):
            noun = " ".join(words[-size:])
            for begin in starts:  # the longest modifier first
                candidate = f"{ctx.main[begin : start + shared.end('words')]} {noun}"
                whole = _whole_class_terms(ctx, candidate, term.concept_id)
                if not whole:
                    continue
                ctx.take(begin, term.start, "drug:shared-noun")
                other = _OTHER_BEFORE.search(ctx.main[max(0, begin - 16) : begin])
                earlier = {m for t in ctx.terms if t.end <= begin
                           and ctx.vocab[t.concept_id].category in _CLASS_CATEGORIES
                           for m in ctx.vocab[t.concept_id].members}  # fmt: skip
                if other is not None and earlier & {
                        m for c in whole for m in ctx.vocab[c].members}:
                    ctx.take(begin - (min(16, begin) - other.start()), begin, "drug:other")
                found += [c for c in whole if c not in found]
                break
            else:
                continue
            break
    return found + [c for c in _coordinated_modifier_classes(ctx) if c not in found]


def _whole_class_terms(ctx: _Ctx, candidate: str, other_than: str) -> list[str]:
    """The drugs and classes other than `other_than` that `candidate` is a whole term of."""
    return [t.concept_id for t in ctx.vocab.find_terms(candidate)
            if t.start == 0 and t.end == len(candidate) and t.concept_id != other_than
            and ctx.vocab[t.concept_id].category in _CLASS_CATEGORIES]  # fmt: skip


def _coordinated_modifier_classes(ctx: _Ctx) -> list[str]:
    """ "Any other anti-CD20 or anti-CD19 B-cell depleting therapy": two modifiers joined by
    "or" over one class term, the first a class term already read ("anti-CD20"), the second
    ("anti-CD19") a class of its own with the term's noun ("anti-CD19 therapy"), so its
    members are listed too. A lone word before a class term ("experimental anti-CD20
    therapy", "anti-CD19 B-cell depleting therapy") is not read here: without the coordination
    it may restrict the class, and it stays for a person."""
    classes = ctx.mentions("drug_class")
    found: list[str] = []
    for term in classes:
        words = term.text.split()
        start = max(0, term.start - 40)
        coordinated = _COORDINATED_MODIFIER.search(ctx.main[start : term.start])
        if coordinated is None:
            continue
        before = start + coordinated.start()
        if not any(t.end == before and t is not term for t in classes):
            continue
        for size in (2, 1) if len(words) >= 2 else (1,):
            candidate = f"{coordinated['word']} {' '.join(words[-size:])}"
            whole = _whole_class_terms(ctx, candidate, term.concept_id)
            if whole:
                ctx.take(start + coordinated.start("word"), start + coordinated.end("word"),
                         "drug:coordinated-modifier")  # fmt: skip
                found += [c for c in whole if c not in found]
                break
    return found


def _take_other_members(ctx: _Ctx, named: list[str]) -> None:
    """ "Rituximab or another anti-CD20 antibody": "another" is read when a drug named
    before it belongs to the class, or when a conjunction binds it to the drug named just
    before ("prednisone or other corticosteroids" is prednisone or any corticosteroid: the
    union leaves nothing to subtract). "Other immunosuppressants" with no such drug says
    "other than something not named here" and stays for the coverage guard."""
    seen: set[str] = set()
    previous_end: int | None = None
    for term in ctx.terms:
        concept = ctx.vocab[term.concept_id]
        if concept.category not in ("drug", "drug_class"):
            continue
        lead = _OTHER_BEFORE.search(ctx.text[max(0, term.start - 16) : term.start])
        member = concept.category == "drug_class" and seen & set(concept.members)
        bound = previous_end is not None and _OR_OTHER.search(
            ctx.text[previous_end : term.start]) is not None
        if lead is not None and (member or bound):
            ctx.take(term.start - (min(16, term.start) - lead.start()), term.start, "drug:other")
        seen.update(concept.members)
        previous_end = term.end
