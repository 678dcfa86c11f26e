"""Decides drug criteria and the drug facts the dose criteria build on: refractory disease (no
response after an adequate course), prior exposure ever or within a window, a drug started
within a window, a drug taken now (route, stop date, dose), the span and daily dose of an
exposure. Example: the exclusion "rituximab within 6 months" is met by a rituximab infusion
on 2026-07-02 when the as-of date is 2026-11-20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from matcher.criteria.params import param
from matcher.judge.eval_common import (
    _OPS,
    _fmt,
    _in_lookback,
    _label,
    _latest,
    _prepared,
    _recent_weight,
    _result,
    _unknown,
    _when,
)
from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    SYSTEMIC_ROUTE,
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.doses import (
    milligrams,
    steroid_factor,
    systemic_steroid,
)
from matcher.nlp.vocab import Vocabulary

_PROTEINURIA = ("lab.upcr", "lab.urine_protein_24h")
_ACTIVE_STATEMENTS = ("status.persistent_proteinuria", "status.nonresponse", "status.renal_relapse")


def _drug_start(finding: Finding, timeline: Timeline) -> dt.date:
    start = finding.attrs.get("start_date")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    seen = timeline.note_dates.get(finding.note_id) or timeline.as_of
    if start is None and finding.attrs.get("start_unknown") and finding.attrs.get("duration_days"):
        # "Treated with MMF for 2 years", no date: the course is over and when it ran is
        # not written, but it began at least its length before the note. That latest start
        # is what "treated for at least 6 months" may count on; a window ("IV antibiotics
        # within 4 weeks") must not, and its evaluator leaves such a course to a person.
        return seen - dt.timedelta(days=int(finding.attrs["duration_days"]))
    return start or seen


def _refractory(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    params = criterion.params
    agents = params.get("agents", [])
    min_agents = int(param(criterion, "min_agents"))
    min_days = int(param(criterion, "min_duration_days"))
    strict = param(criterion, "duration_strict")
    exposures = timeline.of(*agents)
    naive = timeline.of("status.treatment_naive")
    if naive and not exposures:
        return _result(
            criterion,
            Status.NOT_MET,
            "documented as treatment-naive",
            [_latest(naive, timeline)],
            timeline,
        )
    # The first-started exposure of each agent (the first of equal starts), and its start.
    by_agent: dict[str, Finding] = {}
    started: dict[str, dt.date] = {}
    for finding in exposures:
        start = _drug_start(finding, timeline)
        concept = finding.concept
        if concept not in started or start < started[concept]:
            by_agent[concept] = finding
            started[concept] = start
    earliest = min(by_agent.values(), key=lambda f: started[f.concept], default=None)
    # c. proteinuria not in remission
    measures = [f for f in timeline.of(*_PROTEINURIA) if isinstance(f.value, (int, float))]
    threshold = float(param(criterion, "proteinuria_threshold"))
    latest_measure = _latest([f for f in measures if _in_lookback(f, timeline)], timeline)
    remission = timeline.of("status.complete_remission")
    active_statements = timeline.of(*_ACTIVE_STATEMENTS)
    negated_remission = [
        f
        for f in timeline.of("status.complete_remission", facts_only=False)
        if f.assertion == "negated"
    ]
    active_statements += negated_remission
    if latest_measure is not None and float(latest_measure.value) < threshold:
        return _result(
            criterion,
            Status.NOT_MET,
            f"latest proteinuria {_fmt(float(latest_measure.value))} "
            f"{latest_measure.unit} on {_when(latest_measure, timeline)} is below "
            f"{_fmt(threshold)} (remission)",
            [latest_measure],
            timeline,
        )
    latest_remission = _latest(remission, timeline)
    latest_active = _latest(active_statements, timeline)
    if (
        latest_measure is None
        and latest_remission is not None
        and (
            latest_active is None
            or _when(latest_remission, timeline) >= _when(latest_active, timeline)
        )
    ):
        return _result(
            criterion,
            Status.NOT_MET,
            "documented as in complete renal remission",
            [latest_remission],
            timeline,
        )
    if earliest is not None:
        days = (timeline.as_of - started[earliest.concept]).days
        long_enough = days > min_days if strict else days >= min_days
        if not long_enough:
            return _result(
                criterion,
                Status.NOT_MET,
                # A bound, not the day count, which would change the reason every night.
                f"earliest documented start of a listed agent "
                f"({_label(timeline.vocabulary, earliest.concept)}, {started[earliest.concept]}) "
                f"is {'not more than' if strict else 'fewer than'} {min_days} days before "
                "screening",
                [earliest],
                timeline,
            )
    if len(by_agent) < min_agents:
        named = ", ".join(sorted(_label(timeline.vocabulary, a) for a in by_agent)) or "none"
        # None documented is absence; some documented is treatment the notes speak of,
        # only not enough of it to decide (one agent where two are needed).
        return _unknown(
            criterion,
            UnknownCause.PARTIAL if by_agent else UnknownCause.ABSENT,
            f"{len(by_agent)} listed agent(s) documented ({named}); {min_agents} needed",
        )
    evidence = sorted(by_agent.values(), key=lambda f: started[f.concept])
    if latest_measure is not None:
        proteinuria = (
            f"latest proteinuria {_fmt(float(latest_measure.value))} "
            f"{latest_measure.unit} on {_when(latest_measure, timeline)}"
        )
        evidence.append(latest_measure)
    elif latest_active is not None:
        proteinuria = f"'{latest_active.text}' on {_when(latest_active, timeline)}"
        evidence.append(latest_active)
    elif not param(criterion, "requires_active_proteinuria"):
        # "Inadequate response to two standard therapies for ≥ 3 months": no proteinuria
        # clause to satisfy; a documented remission was already ruled out above.
        proteinuria = "no proteinuria requirement"
    else:
        # The agents are documented: a proteinuria never measured leaves it partial.
        return _unknown(
            criterion,
            UnknownCause.STALE if measures else UnknownCause.PARTIAL,
            f"{len(by_agent)} agents documented, but no proteinuria measure in the lookback "
            "or statement of non-remission",
        )
    agents_text = ", ".join(
        f"{_label(timeline.vocabulary, f.concept)} from {started[f.concept]}"
        for f in sorted(by_agent.values(), key=lambda f: started[f.concept])
    )
    return _result(criterion, Status.MET, f"{agents_text}; {proteinuria}", evidence, timeline)


def _last_exposure(finding: Finding, timeline: Timeline) -> dt.date:
    stop = finding.attrs.get("stop_date")
    if stop:
        return stop if isinstance(stop, dt.date) else dt.date.fromisoformat(stop)
    start = finding.attrs.get("start_date")
    if start and (finding.attrs.get("single_dose") or finding.attrs.get("given_in_year")):
        # "CYC 2024": given some time that year, placed on 1 July (GUIDELINE: a year-only
        # date); a window the year reaches is left to a person (`_year_reaches`).
        return start if isinstance(start, dt.date) else dt.date.fromisoformat(start)
    return timeline.note_date(finding) or timeline.as_of


def _year_reaches(finding: Finding, first: dt.date) -> bool:
    """A course dated only by its year ("cyclophosphamide 2026") whose year runs into a
    window that begins on `first`: it may have been given in the window or before it."""
    year = finding.attrs.get("given_in_year")
    return bool(year) and dt.date(int(year), 12, 31) >= first


def _recap_last_exposure(
    finding: Finding, exposures: list[Finding], timeline: Timeline
) -> dt.date:
    """The last exposure of a drug named only in a summary of past treatment ("refractory
    despite steroids, CTX and MMF": the note NLP's `recap`): the end of the course of that
    drug the notes document with its end (a stop date, dated doses or the year it was
    given) up to that note.
    With no such course it stays the note's date, as any undated mention: nothing then
    says the drug was not given just before."""
    last = _last_exposure(finding, timeline)
    if not finding.attrs.get("recap"):
        return last
    ends = [
        _last_exposure(f, timeline)
        for f in exposures
        if f.concept == finding.concept
        and not f.attrs.get("recap")
        # "cyclophosphamide completed 2024" ends its course in that year (`given_in_year`);
        # a window the year reaches is left to a person by `_year_reaches`.
        and (f.attrs.get("stop_date") or f.attrs.get("single_dose")
             or f.attrs.get("given_in_year"))
    ]
    documented = [end for end in ends if end <= last]
    return max(documented) if documented else last


def _exposure_concepts(criterion: Criterion, vocabulary: Vocabulary
                       ) -> tuple[str, tuple[str, ...]]:  # fmt: skip
    """The drugs' names, and the concepts that count as exposure: the drugs and the
    classes that stand for them."""
    drugs = criterion.params.get("drugs", [])
    names = ", ".join(sorted({_label(vocabulary, d) for d in drugs}))
    wanted = set(drugs)
    # "anti-CD20 therapy" in a note is a class finding: it counts for an exclusion that
    # names any of its members.
    # Only a class wholly inside the criterion's list: "anti-CD20 therapy" counts for
    # "rituximab or another anti-CD20"; "immunosuppression" says nothing of cyclophosphamide.
    # "Avoid live vaccines" is the advice most notes give, not a vaccine given: such a
    # class counts only through the vaccines a note names ("MMR given 02/10").
    classes = [c.id for c in vocabulary.by_category("drug_class")
               if set(c.members) <= wanted and not c.attrs.get("class_mention_is_advice")]
    return names, (*drugs, *classes)


def _drug_exposure(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    result = _drug_exposure_as_read(criterion, timeline)
    unless = criterion.params.get("exception_manual")
    # "Rituximab, unless B cells have returned to normal": the exception can only turn an
    # excluded patient into an eligible one (or an unmet inclusion into a met one); that
    # case is left to a person, the other stands.
    changeable = Status.MET if criterion.type == "exclusion" else Status.NOT_MET
    if unless and result.status is changeable:
        return _unknown(criterion, UnknownCause.AMBIGUOUS,
                        f"{result.reason}; {unless}: a person checks")  # fmt: skip
    return result


def _drug_exposure_as_read(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    if criterion.params.get("or_current"):
        return _now_or_within(criterion, timeline)
    if criterion.params.get("current"):
        return _current_drug(criterion, timeline)
    if criterion.params.get("started_within"):
        return _started_within(criterion, timeline)
    window = criterion.params.get("window_days")
    names, concepts = _prepared(criterion, _exposure_concepts, timeline.vocabulary)
    exposures = timeline.of(*concepts)
    ever = exposures
    if window is not None:
        exposures = [
            f
            for f in exposures
            if (timeline.as_of - _recap_last_exposure(f, exposures, timeline)).days <= window
        ]
    if criterion.params.get("half_lives") and ever and not exposures:
        # "Belimumab within 3 months or 5 half-lives, whichever is longer": given before
        # the 3 months, it may still be within 5 half-lives, which the notes do not give.
        latest = _latest(ever, timeline)
        assert latest is not None
        return _result(criterion, Status.UNKNOWN,
                       f"{_label(timeline.vocabulary, latest.concept)} on "
                       f"{_when(latest, timeline)}, before the "
                       f"{window} days: is it within 5 half-lives? A person checks")  # fmt: skip
    if any(criterion.params.get(k) for k in ("dose_limits", "indication", "route")):
        return _qualified_exposure(criterion, timeline, exposures, names)
    reaching = [f for f in ever if window is not None and f not in exposures
                and _year_reaches(f, timeline.as_of - dt.timedelta(days=window))]  # fmt: skip
    if reaching and not exposures:
        latest = _latest(reaching, timeline)
        return _unknown(criterion, UnknownCause.AMBIGUOUS,
                        f"{_label(timeline.vocabulary, latest.concept)} given in "
                        f"{latest.attrs['given_in_year']}, no month written: whether within "
                        f"{window} days must be checked by a person", [latest],
                        timeline)  # fmt: skip
    if exposures:
        latest = _latest(exposures, timeline)
        span = f"within {window} days" if window is not None else "documented"
        status = Status.MET if criterion.type == "exclusion" else Status.MET
        return _result(
            criterion, status, f"{_label(timeline.vocabulary, latest.concept)} exposure {span}",
            [latest], timeline
        )
    if criterion.type == "exclusion":
        return _result(
            criterion, Status.NOT_MET, f"no {names} exposure documented; confirm at screening"
        )
    return _unknown(criterion, UnknownCause.ABSENT, f"no {names} exposure documented")


def _now_or_within(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "Prednisone currently or within the past month": given in the window, or taken
    now (its latest mention in the lookback, not stopped: a course last written 2 months
    ago is taken now, though outside the month). Either met is met; both not met is not
    met; otherwise a person checks."""
    within = replace(criterion, params={**criterion.params, "or_current": False})
    now = replace(criterion, params={**criterion.params, "or_current": False, "current": True,
                                     "window_days": LOOKBACK_DAYS})
    results = [_drug_exposure_as_read(within, timeline), _current_drug(now, timeline)]
    for result in results:
        if result.status is Status.MET:
            return result
    if all(r.status is Status.NOT_MET for r in results):
        return results[0]
    return next(r for r in results if r.status is not Status.NOT_MET)


def _started_within(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "HCQ started within 3 months before screening": a course of a listed drug whose
    first day is in the window. A start date written in the window counts. A drug taken
    in the window whose course already ran before it (a mention before the window, not
    ended then) was not started in it. A drug first taken in the window, or again after a
    course that ended before it, with no start date written, is unknown."""
    window = int(criterion.params["window_days"])
    first_day = timeline.as_of - dt.timedelta(days=window)
    names, concepts = _prepared(criterion, _exposure_concepts, timeline.vocabulary)
    by_concept: dict[str, list[Finding]] = {}
    for finding in timeline.of(*concepts):
        by_concept.setdefault(finding.concept, []).append(finding)
    started: list[Finding] = []
    before: list[str] = []
    unknown: list[str] = []
    for concept, findings in by_concept.items():
        written = [f for f in findings if f.attrs.get("start_date")
                   and first_day <= _drug_start(f, timeline) <= timeline.as_of]  # fmt: skip
        if written:
            started.extend(written)
            continue
        in_window = [f for f in findings if _exposure_span(f, timeline)[1] >= first_day]
        if not in_window:
            continue  # not taken in the window at all
        prior = [f for f in findings if _drug_start(f, timeline) < first_day]
        last_prior = max(prior, key=lambda f: _exposure_span(f, timeline)[1], default=None)
        label = _label(timeline.vocabulary, concept)
        if last_prior is not None:
            _, end, closed = _exposure_span(last_prior, timeline)
            if not (closed and end < first_day) and not last_prior.attrs.get("stopped"):
                before.append(f"{label} taken since {_drug_start(last_prior, timeline)} or "
                              "earlier, before the window")  # fmt: skip
                continue
        first = min(in_window, key=lambda f: _drug_start(f, timeline))
        unknown.append(f"{label} documented from {_drug_start(first, timeline)}; when that "
                       "course was started is not written")  # fmt: skip
    if started:
        latest = _latest(started, timeline)
        assert latest is not None
        return _result(criterion, Status.MET,
                       f"{_label(timeline.vocabulary, latest.concept)} started "
                       f"{_drug_start(latest, timeline)}, "
                       f"within {window} days", [latest], timeline)  # fmt: skip
    if unknown:
        return _result(criterion, Status.UNKNOWN, "; ".join(unknown))
    reason = "; ".join(before) or f"no {names} started in the window documented"
    if criterion.type == "exclusion":
        return _result(criterion, Status.NOT_MET, f"{reason}; confirm at screening")
    return _result(criterion, Status.NOT_MET if before else Status.UNKNOWN, reason)


def _qualified_exposure(
    criterion: Criterion, timeline: Timeline, exposures: list[Finding], names: str
) -> CriterionResult:
    """A drug list whose members carry their own qualifiers: "hemodialysis,
    cyclophosphamide, or high-dose prednisone (> 100 mg/day) for active lupus nephritis
    within 90 days". A drug with a dose limit counts only at that dose (a dose not written
    is unknown); with an indication, an exposure that counts is left to a person, since
    notes do not reliably say what a drug was given for. None counting decides."""
    params = criterion.params
    limits = params.get("dose_limits") or {}
    counting: list[Finding] = []
    unread: list[str] = []
    for finding in exposures:
        limit = limits.get(finding.concept)
        if limit is None:
            counting.append(finding)
            continue
        dose, how, _ = _daily_dose(finding, limit, timeline)
        if dose is None:
            unread.append(how)
        elif _OPS[limit["dose_op"]](dose, float(limit["dose_value"])):
            counting.append(finding)
    if counting:
        decided = [f for f in counting if _route_decided(params, f, timeline.vocabulary)]
        latest = _latest(decided or counting, timeline)
        assert latest is not None
        found = f"{_label(timeline.vocabulary, latest.concept)} on {_when(latest, timeline)}"
        unread_qualifier = _person_checks(params)
        if unread_qualifier and not decided:
            return _unknown(criterion, UnknownCause.AMBIGUOUS, f"{found}: {unread_qualifier}")
        return _result(criterion, Status.MET, f"{found} counts", [latest], timeline)
    if unread:
        return _unknown(criterion, UnknownCause.AMBIGUOUS, "; ".join(unread))
    if criterion.type == "exclusion":
        return _result(criterion, Status.NOT_MET,
                       f"no {names} documented that counts; confirm at screening")  # fmt: skip
    return _unknown(criterion, UnknownCause.ABSENT, f"no {names} documented that counts")


def _person_checks(params: dict[str, Any]) -> str | None:
    """What notes do not say about a documented exposure that the item asks for: what
    it was given for ("for active lupus nephritis"), or how ("topical", "intralesional":
    a prednisone course in the notes is no intralesional injection)."""
    if params.get("indication"):
        return f"whether it was for {params['indication']} must be checked by a person"
    if params.get("route"):
        return (f"whether it was given {params['route']} must be checked by a person (no "
                "such route written beside it)")
    return None


def _route_decided(params: dict[str, Any], finding: Finding, vocabulary: Vocabulary) -> bool:
    """The route the item names written beside the drug in the note (matcher.nlp.routes),
    or a "systemic" route the finding itself shows: a drug other than a glucocorticoid
    (azathioprine is taken systemically), or a steroid named only for systemic use
    ("prednisone"; "hydrocortisone" may be a cream). A drug the vocabulary marks
    `topical_forms` ("metronidazole", a gel too) never shows it."""
    if params.get("indication"):
        return False
    written = finding.attrs.get("route")
    if written and params.get("route") and f"{written}ly" in params["route"].split(" or "):
        # "Intravenous antibiotics within 30 days": the note wrote the route beside the
        # drug ("Inj. ceftriaxone 1 g IV"), so the exposure is the one the item names.
        return True
    if params.get("route") != SYSTEMIC_ROUTE:
        return False
    if finding.concept in vocabulary and vocabulary[finding.concept].attrs.get("topical_forms"):
        return False  # "metronidazole" may be the gel, "antibiotics" the drops
    return finding.concept != "drug.glucocorticoid" or systemic_steroid(finding.text)


def _stopped(finding: Finding, timeline: Timeline) -> bool:
    """The mention says the drug was stopped, or gives a stop date already passed."""
    _, end, closed = _exposure_span(finding, timeline)
    ended = closed and not finding.attrs.get("single_dose") and end < timeline.as_of
    return bool(finding.attrs.get("stopped")) or ended


def _taking_now(
    findings: list[Finding], timeline: Timeline, window: int
) -> tuple[bool | None, Finding, dt.date, bool]:
    """Is the drug taken at as-of, judged by its latest mention: (True / False / None,
    that mention, the first day of the course, whether that day is written in a note).
    A stop date passed or "stopped" says no; a mention older than the window, or a
    single dose ("belimumab given 1 Nov", maybe one of a series), does not tell."""
    latest = _latest(findings, timeline)
    assert latest is not None
    if _stopped(latest, timeline):
        return False, latest, _drug_start(latest, timeline), True
    stale = (timeline.as_of - _last_exposure(latest, timeline)).days > window
    if stale or latest.attrs.get("single_dose"):
        return None, latest, _drug_start(latest, timeline), False
    # The course began at the earliest mention after the last stop: a later note that
    # repeats "on HCQ" does not restart it, an earlier course that ended is not it. A
    # note's date is only an upper bound of the start; a written start date is the start.
    stops = [_drug_start(f, timeline) for f in findings if _stopped(f, timeline)]
    after = max(stops, default=dt.date.min)
    course = [f for f in findings if not _stopped(f, timeline)
              and _drug_start(f, timeline) > after] or [latest]  # fmt: skip
    first = min(course, key=lambda f: _drug_start(f, timeline))
    return True, latest, _drug_start(first, timeline), first.attrs.get("start_date") is not None


def _current_drug(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "Currently on AZA or MMF", "stable antimalarial for ≥ 3 months", "if using HCQ,
    stable for ≥ 2 months": the drug taken now (its latest mention in the window and not
    stopped), held at least `min_duration_days`. Whether a dose was `stable` is not in
    the notes: a course long enough is unknown, for a person to check. `conditional`:
    a patient not taking the drug meets the item."""
    params = criterion.params
    window = params.get("window_days") or LOOKBACK_DAYS
    minimum = params.get("min_duration_days")
    names, concepts = _prepared(criterion, _exposure_concepts, timeline.vocabulary)
    by_concept: dict[str, list[Finding]] = {}
    for finding in timeline.of(*concepts):
        by_concept.setdefault(finding.concept, []).append(finding)
    limits = params.get("dose_limits") or {}
    # (met|short|over|off|unknown, why, evidence)
    states: list[tuple[str, str, list[Finding]]] = []
    for findings in by_concept.values():
        taking, latest, start, written = _taking_now(findings, timeline, window)
        label, when = _label(timeline.vocabulary, latest.concept), _when(latest, timeline)
        held = (timeline.as_of - start).days
        dose_state = _current_dose_state(latest, limits.get(latest.concept), timeline)
        if taking and dose_state is not None:
            # "On azathioprine or prednisone ≤ 10 mg/day": prednisone counts only at that
            # dose, read on its latest mention; a dose not written is unknown.
            states.append(dose_state)
        elif taking is False:
            states.append(("off", f"{label} stopped (mention of {when})", [latest]))
        elif taking is None:
            states.append(("unknown", f"{label}: latest mention {when} does not tell whether "
                                      "it is taken now", []))  # fmt: skip
        elif minimum and held < minimum and written:
            states.append(("short", f"{label} started {start}: {held} days, needs {minimum}",
                           [latest]))  # fmt: skip
        elif minimum and held < minimum:
            states.append(("undated", f"{label} documented since {start}; when it was "
                                      "started is not written", []))  # fmt: skip
        elif params.get("stable") or params.get("dose_judged"):
            # "a stable dose", "a maximally tolerated dose": not in the notes.
            dose = "stable" if params.get("stable") else params["dose_judged"]
            why = f"{label} taken since {start} or earlier; is its dose {dose}? A person checks"
            states.append(("unknown", why, []))
        else:
            states.append(("met", f"{label} taken now (mention of {when})", [latest]))
    unread_qualifier = _person_checks(params)
    if unread_qualifier:
        # "Lupus nephritis requiring ongoing belimumab", "currently using topical
        # tacrolimus": what it is given for, or how, is not in the notes; taking it now is
        # left to a person.
        states = [("unknown", f"{why}: {unread_qualifier}", [])
                  if state == "met"
                  and not all(_route_decided(params, f, timeline.vocabulary) for f in found)
                  else (state, why, found) for state, why, found in states]  # fmt: skip
    reasons = "; ".join(why for _, why, _ in states)
    evidence = [f for _, _, found in states for f in found]
    kinds = {state for state, _, _ in states}
    if params.get("conditional"):
        if kinds & {"short", "over"}:
            return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)
        if kinds & {"unknown", "undated"}:
            return _unknown(criterion, _drug_state_cause(kinds), reasons)
        if "met" in kinds:
            return _result(criterion, Status.MET, reasons, evidence, timeline)
        why = reasons or f"no {names} documented"
        return _result(criterion, Status.MET, f"{why}: the condition does not apply; confirm "
                                              "at screening", evidence, timeline)  # fmt: skip
    if "met" in kinds:
        return _result(criterion, Status.MET, reasons, evidence, timeline)
    if kinds & {"unknown", "undated"}:
        return _unknown(criterion, _drug_state_cause(kinds), reasons)
    if kinds:
        return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)
    if criterion.type == "exclusion":
        return _result(criterion, Status.NOT_MET,
                       f"no current {names} documented; confirm at screening")  # fmt: skip
    return _unknown(criterion, UnknownCause.ABSENT, f"no current {names} documented")


def _drug_state_cause(kinds: set[str]) -> UnknownCause:
    """A drug taken now whose start is not written is undated; any other open state (a
    dose not written, a stable dose to confirm) is documented but does not decide."""
    return UnknownCause.AMBIGUOUS if "unknown" in kinds else UnknownCause.UNDATED


def _current_dose_state(
    latest: Finding, limit: dict[str, Any] | None, timeline: Timeline
) -> tuple[str, str, list[Finding]] | None:
    """The state of a drug taken now under its dose limit: None when it has no limit or
    the dose meets it (judged as any drug taken now), "over" when the dose does not (the
    drug does not count), "unknown" when no daily dose is written."""
    if limit is None:
        return None
    dose, how, _ = _daily_dose(latest, limit, timeline)
    if dose is None:
        return "unknown", how, []
    if _OPS[limit["dose_op"]](dose, float(limit["dose_value"])):
        return None
    op, value = limit["dose_op"], _fmt(float(limit["dose_value"]))
    return "over", f"{latest.text} {how}: not {op} {value} {limit['dose_unit']}", [latest]


def _exposure_span(finding: Finding, timeline: Timeline) -> tuple[dt.date, dt.date, bool]:
    """(first day, last known day, whether the course is known to have ended there)."""
    start = _drug_start(finding, timeline)
    stop = finding.attrs.get("stop_date")
    if isinstance(stop, str):
        stop = dt.date.fromisoformat(stop)
    if stop:
        return start, max(start, stop), True
    if finding.attrs.get("single_dose"):
        return start, start, True
    documented = finding.attrs.get("documented_by")
    if isinstance(documented, str):
        documented = dt.date.fromisoformat(documented)
    seen = documented or timeline.note_dates.get(finding.note_id) or start
    return start, max(start, seen), False


def _daily_dose(
    finding: Finding, params: dict[str, Any], timeline: Timeline
) -> tuple[float | None, str, Finding | None]:
    """The finding's daily dose in the criterion's unit (prednisone-equivalent when asked),
    or None and why it cannot be read, and the weight used, if any."""
    dose = finding.attrs.get("dose")
    when = _when(finding, timeline)
    if not dose:
        return None, f"{finding.text} on {when}: dose not documented", None
    if dose.get("basis") == "m2":
        return None, f"{finding.text} on {when}: dose per body surface", None
    per_day = dose.get("per_day")
    if per_day is None and finding.concept == "drug.glucocorticoid":
        per_day = dose.get("amount")  # a steroid pulse is that day's dose
    daily = milligrams(float(per_day), str(dose.get("unit"))) if per_day is not None else None
    if daily is None:
        return None, f"{finding.text} on {when}: no daily dose", None
    if params.get("prednisone_equivalent"):
        factor = steroid_factor(finding.text)
        if factor is None:
            return None, f"'{finding.text}' on {when}: which steroid is not said", None
        daily *= factor
    per_kg = dose.get("basis") == "kg"
    if params.get("dose_unit") == "mg/kg/day" and not per_kg:
        weight = _recent_weight(timeline)
        if weight is None:
            return None, f"{finding.text} on {when}: no weight to scale the dose by", None
        kg = float(weight.value)
        return daily / kg, f"{_fmt(daily)} mg/day / {_fmt(kg)} kg", weight
    if params.get("dose_unit") == "mg/day" and per_kg:
        weight = _recent_weight(timeline)
        if weight is None:
            return None, f"{finding.text} on {when}: dose per kg and no weight", None
        kg = float(weight.value)
        return daily * kg, f"{_fmt(daily)} mg/kg x {_fmt(kg)} kg", weight
    return daily, f"{_fmt(daily)} {params.get('dose_unit')}", None
