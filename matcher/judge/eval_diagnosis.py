"""Decides diagnosis and biopsy criteria: a condition documented (or implied by a narrower one:
class IV lupus nephritis implies lupus nephritis), current or long-standing, suspected,
screened within a window, and a biopsy's class and date. Example: "biopsy-proven class III
or IV lupus nephritis" is met by a biopsy reading ISN/RPS class IV, and "active lupus
nephritis" is not decided by a mention from years ago.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache

from matcher.criteria.params import param
from matcher.criteria.temporality import load_temporality
from matcher.judge.eval_common import (
    _label,
    _latest,
    _prepared,
    _result,
    _unknown,
    _when,
)
from matcher.judge.eval_drugs import _exposure_span
from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    Assertion,
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.vocab import Vocabulary


@cache
def _implied_by(vocabulary: Vocabulary, concept_id: str) -> frozenset[str]:
    """Concepts whose presence implies this one: lupus nephritis implies SLE."""
    implied = {concept_id}
    for concept in vocabulary.concepts.values():
        if concept_id in concept.attrs.get("implies", ()):
            implied.add(concept.id)
    return frozenset(implied)


def _group_members(vocabulary: Vocabulary, concept_id: str) -> tuple[str, ...]:
    """A diagnosis group with its members ("viral hepatitis": itself, hepatitis B, hepatitis
    C); any other concept alone. A drug class's members are drugs, never a diagnosis: an
    item naming one is no group of conditions."""
    if concept_id not in vocabulary or vocabulary[concept_id].category != "diagnosis":
        return (concept_id,)
    return (concept_id, *(m for m in vocabulary[concept_id].members if m != concept_id))


def _diagnosis_concepts(criterion: Criterion, vocabulary: Vocabulary
                        ) -> tuple[tuple[str, ...], str]:  # fmt: skip
    """Every concept that affirms the diagnosis, in a fixed order, and its names."""
    concepts: set[str] = set()
    for concept_id in criterion.params.get("concepts", []):
        # "HIV, viral hepatitis or tuberculosis": a group listed with other diagnoses counts
        # each of its members (concepts.jsonl attrs "members"): a note's "chronic hepatitis
        # B" is viral hepatitis, though no note names the group itself.
        for member in _group_members(vocabulary, concept_id):
            concepts |= _implied_by(vocabulary, member)
    # "Malignancy, except non-melanoma skin cancer": a skin cancer implies malignancy but
    # the item lets it through.
    concepts -= set(criterion.params.get("except_concepts", ()))
    names = ", ".join(_label(vocabulary, c) for c in criterion.params.get("concepts", []))
    return tuple(sorted(concepts)), names


def _absence_unknown(criterion: Criterion, vocabulary: Vocabulary) -> str | None:
    """Why no mention of a listed condition does not show it absent, or None. Notes name
    "pneumonia treated with IV ceftriaxone", seldom "infection requiring hospitalisation":
    such a concept says so in its data (concepts.jsonl attrs "absence_unknown")."""
    for concept_id in criterion.params.get("concepts", []):
        if concept_id in vocabulary:
            reason = vocabulary[concept_id].attrs.get("absence_unknown")
            if reason:
                return str(reason)
    return None


def _screened(criterion: Criterion, timeline: Timeline, window: int | None
              ) -> CriterionResult | None:  # fmt: skip
    """An exclusion whose condition the notes seldom name in its words ("infection
    requiring hospitalisation") decided from the broader finding that screens it (params
    `screen_concepts`: any infection, with what implies it: pneumonia, herpes zoster): one
    affirmed in the window (`window` days, None: ever) is left to a person, with it as the
    evidence; none decides the absence, unless the condition says the notes seldom name it
    at all (attrs `absence_unknown`). None when the criterion names no screen, or none is
    found and absence is not known."""
    screens = criterion.params.get("screen_concepts")
    if not screens:
        return None
    names = ", ".join(_label(timeline.vocabulary, c) for c in criterion.params.get("concepts", []))
    # "(latent tuberculosis on preventive therapy is permitted)": a condition the item lets
    # through implies the screen (any infection) but is no sign of the excluded one.
    excepted = set(criterion.params.get("except_concepts", ()))
    concepts = sorted(set().union(*(_implied_by(timeline.vocabulary, c) for c in screens))
                      - excepted)
    found = [f for f in timeline.of(*concepts)
             if window is None or (timeline.as_of - _when(f, timeline)).days <= window]  # fmt: skip
    label = " or ".join(_label(timeline.vocabulary, c) for c in screens)
    span = "ever" if window is None else f"in the {window} days before screening"
    if found:
        latest = _latest(found, timeline)
        return _result(criterion, Status.MANUAL,
                       f"{label} documented on {_when(latest, timeline)}; whether it was "
                       f"{names} must be checked by a person", [latest], timeline)  # fmt: skip
    if _absence_unknown(criterion, timeline.vocabulary) is not None:
        # "Major surgery within 4 weeks": notes name the operation ("hemicolectomy") more
        # often than the word surgery, so no surgery named decides nothing either.
        return None
    return _result(criterion, Status.NOT_MET,
                   f"no {label} documented {span}; confirm at screening")  # fmt: skip


# The routes a course must show for the item's route: "intravenous anti-infective
# treatment" needs a course given by vein; "parenteral" admits one given into a muscle.
# "systemic (oral or intravenous) antimicrobial treatment": any course not put on the skin.
_PROVING_ROUTES = {"intravenous": frozenset({"intravenous"}),
                   "parenteral": frozenset({"intravenous", "intramuscular", "subcutaneous",
                                            "injection"}),
                   "systemic": frozenset({"intravenous", "intramuscular", "subcutaneous",
                                          "injection", "oral"})}
# Routes that show a course was not given so: an oral cefuroxime course is no IV course.
# Any other ("injection": by vein or by muscle, or none written) is left to a person.
_OTHER_ROUTES = frozenset({"oral", "topical", "intramuscular", "subcutaneous"})
# For a systemic course only a cream or drops show it was not one (fusidic acid cream).
_NOT_SYSTEMIC = frozenset({"topical"})


def _other_routes(route: str) -> frozenset[str]:
    """The routes that show a course was not given by `route` (the item's)."""
    return _NOT_SYSTEMIC if route == "systemic" else _OTHER_ROUTES


def _course_drugs(criterion: Criterion, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The item's drug classes and their member drugs: "antibiotics IV" in a note is a
    class finding, "ceftriaxone" a member's."""
    classes = [c for c in criterion.params.get("course_classes", ()) if c in vocabulary]
    drugs = list(classes)
    for c in classes:
        drugs += [m for m in vocabulary[c].members if m not in drugs]
    return tuple(drugs)


_CURRENT_COURSE_DAYS = 28


def _written_stop(mention: Finding) -> dt.date | None:
    """The end date a mention writes for its course ("meropenem finished 05/11"), if any."""
    stop = mention.attrs.get("stop_date")
    if not stop:
        return None
    return dt.date.fromisoformat(stop) if isinstance(stop, str) else stop


def _over_before(mention: Finding, day: dt.date) -> bool:
    """A mention that says its course is over before `day`: "antibiotics completed" (no
    date: over by its note), "meropenem finished 05/11" (its end written; the note's own
    date, later, is no day it ran)."""
    stop = _written_stop(mention)
    if stop is not None:
        return stop < day
    return bool(mention.attrs.get("stopped"))


def _closed_later(course: Finding, mentions: list[Finding], timeline: Timeline,
                  before: dt.date) -> bool:  # fmt: skip
    """Whether a later mention of the course's drug, or of a class it belongs to, says a
    course is over that ended on or after this one began and before `before` (the latest
    note): "IV meropenem" on 25/10, then "meropenem finished 05/11" or "antibiotics
    completed" on 05/11. An end before the course began is an older course's."""
    begun, last_seen, ended = _exposure_span(course, timeline)
    # An end before the course's own latest mention ("continues" on 03/11) is not its end.
    if ended or course.attrs.get("stopped"):
        return False
    vocabulary = timeline.vocabulary
    for later in mentions:
        if later is course or not (later.concept == course.concept or (
                later.concept in vocabulary
                and course.concept in vocabulary[later.concept].members)):
            continue
        end = _written_stop(later)
        if end is None and later.attrs.get("stopped"):
            end = _exposure_span(later, timeline)[1]  # stopped by the note that says so
        if end is None:
            continue
        if begun <= end < before and end >= last_seen:
            return True
    return False


def _included_now(criterion: Criterion, timeline: Timeline, window: int | None
                  ) -> CriterionResult | None:  # fmt: skip
    """ "Active infection requiring systemic antimicrobials at screening, including active
    tuberculosis" (params `included`): the named infection affirmed within the item's
    window (the lookback for one "at screening") is met, its course's drugs unread (an
    anti-tuberculous regimen is no listed antibiotic). None otherwise: the course decides."""
    included = criterion.params.get("included")
    if not included:
        return None
    vocabulary = timeline.vocabulary
    excepted = set(criterion.params.get("except_concepts", ()))
    concepts = sorted(set().union(*(_implied_by(vocabulary, c) for c in included)) - excepted)
    days = LOOKBACK_DAYS if window is None else window
    found = [f for f in timeline.of(*concepts)
             if 0 <= (timeline.as_of - _when(f, timeline)).days <= days]  # fmt: skip
    if not found:
        return None
    latest = _latest(found, timeline)
    return _result(criterion, Status.MET,
                   f"{_label(vocabulary, latest.concept)} documented on "
                   f"{_when(latest, timeline)}, within {days} days", [latest],
                   timeline)  # fmt: skip


def _treated_course(criterion: Criterion, timeline: Timeline, window: int | None
                    ) -> CriterionResult | None:  # fmt: skip
    """ "Active infection requiring intravenous anti-infective treatment within 4 weeks"
    (params `course_classes`, `course_route`), decided from the courses in the window: a
    course of a listed class given by the route (IV ceftriaxone 08/11 to 14/11) is met; a
    course of unknown route, or an infection, in the window is left to a person with it
    as the evidence; with none and a note in the lookback the exclusion does not apply
    (confirm at screening); with no note in the lookback nothing is known. None when the
    criterion names no course."""
    classes = criterion.params.get("course_classes")
    if not classes:
        return None
    route = criterion.params.get("course_route") or "intravenous"
    other_routes = _other_routes(route)
    how = "systemically" if route == "systemic" else f"{route}ly"
    as_of = timeline.as_of
    recent = [d for d in timeline.note_dates.values()
              if d <= as_of and (as_of - d).days <= LOOKBACK_DAYS]  # fmt: skip
    # "Infection requiring IV antibiotics at screening": a course running at the latest
    # note. A course begun weeks before it with no end written ("pneumonia 03/2024 treated
    # with IV ceftriaxone", repeated in this month's letter) may be long over: a person
    # checks it, as one of unknown time in a window.
    current = criterion.params.get("temporality") == "current"
    if current:
        if not recent:
            return _unknown(criterion, UnknownCause.ABSENT,
                            f"no note in the {LOOKBACK_DAYS}-day lookback: whether an "
                            f"infection needs {route} anti-infectives now is not known")
        window = (as_of - max(recent)).days
    first = as_of - dt.timedelta(days=window) if window is not None else dt.date.min
    span = "ever" if window is None else f"in the {window} days before screening"
    if current:
        span = f"at the latest note ({first})"
    # How long before the window's first day a course may have begun, no end written, and
    # still be taken as given in it: none for a window; for "now", an anti-infective
    # course's usual length (4 weeks).
    open_slack = dt.timedelta(days=_CURRENT_COURSE_DAYS if current else 0)
    # "Co-trimoxazole (PJP prophylaxis)": given to prevent an infection, it treats none.
    every = [f for f in timeline.of(*_prepared(criterion, _course_drugs, timeline.vocabulary))
             if not f.attrs.get("prophylaxis")]
    # "Now" only: "antibiotics completed", "ceftriaxone stopped", no date, says no course
    # runs; a later mention closes the drug's (or its class's) earlier open course before
    # the latest note ("meropenem IV" on the ward, "meropenem finished 05/11" in clinic).
    # In a window such a course may still have been given inside it.
    closed = [f for f in every if current and _closed_later(f, every, timeline, first)]
    if current:
        every = [f for f in every if not _over_before(f, first)]
    courses = [f for f in every if _exposure_span(f, timeline)[1] >= first]
    # "Now": a course begun in the weeks before the latest note, no end written, that the
    # latest note does not mention (a clinic letter after a ward stay) may still be running.
    unmentioned = [f for f in every if current and f not in courses and f not in closed
                   and f.attrs.get("route") not in other_routes
                   and not _exposure_span(f, timeline)[2]
                   and _exposure_span(f, timeline)[0] >= first - open_slack]  # fmt: skip
    # "Pneumonia in 03/2024 treated with IV ceftriaxone", read in this month's note: a
    # course that began before the window with no end written may or may not have run
    # into it (an anti-infective course is short); a person checks, it proves nothing.
    open_ended = [f for f in courses if f.attrs.get("route") not in other_routes
                  and f not in closed
                  and _exposure_span(f, timeline)[0] < first - open_slack
                  and not _exposure_span(f, timeline)[2]]  # fmt: skip
    # "Received IV ceftriaxone for 14 days", no date: a course that is over, of a known
    # length, whose time is not written. It may be last week's or one of 2023; a person
    # checks, the note's date does not place it in the window.
    undated = [f for f in courses if f.attrs.get("start_unknown")
               and f.attrs.get("route") not in other_routes]  # fmt: skip
    courses = [f for f in courses if f not in open_ended and not f.attrs.get("start_unknown")]
    given = [f for f in courses if f.attrs.get("route") in _PROVING_ROUTES[route]]
    if given:
        latest = _latest(given, timeline)
        return _result(criterion, Status.MET,
                       f"{_label(timeline.vocabulary, latest.concept)} "
                       f"({latest.attrs['route']}) given from "
                       f"{_exposure_span(latest, timeline)[0]}, {span}", [latest],
                       timeline)  # fmt: skip
    # Courses of unknown time in the window, each with what is known of it.
    for group, known in (
        (undated, lambda f: f"course of {f.attrs.get('duration_days')} days documented on "
                            f"{_when(f, timeline)} with no date of its own"),
        (open_ended, lambda f: f"started {_exposure_span(f, timeline)[0]} with no end written"),
        (unmentioned, lambda f: f"started {_exposure_span(f, timeline)[0]} with no end written "
                                "and not mentioned in the latest note"),
    ):  # fmt: skip
        if group:
            latest = _latest(group, timeline)
            return _result(criterion, Status.MANUAL,
                           f"{_label(timeline.vocabulary, latest.concept)} {known(latest)}; "
                           f"whether it was given {how} {span} must be checked by a "
                           "person", [latest], timeline)  # fmt: skip
    unclear = [f for f in courses if f.attrs.get("route") not in other_routes]
    if unclear:
        latest = _latest(unclear, timeline)
        return _result(criterion, Status.MANUAL,
                       f"{_label(timeline.vocabulary, latest.concept)} documented on "
                       f"{_when(latest, timeline)} with no "
                       f"{route} route written; whether it was given {how} for an "
                       "infection must be checked by a person", [latest],
                       timeline)  # fmt: skip
    screened = _screened(criterion, timeline, window)
    if screened is not None and screened.status is Status.MANUAL:
        return replace(screened, reason=screened.reason.replace(
            "must be checked by a person",
            f"(treated with {route} anti-infectives) must be checked by a person"))
    if not recent:
        return _unknown(criterion, UnknownCause.ABSENT,
                        f"no note in the {LOOKBACK_DAYS}-day lookback: whether an infection "
                        f"was treated with {route} anti-infectives {span} is not known")
    return _result(criterion, Status.NOT_MET,
                   f"no infection and no {route} anti-infective course documented {span} "
                   f"(last note {max(recent)}); confirm at screening")  # fmt: skip


def _diagnosis(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    affirmed = timeline.of(*concepts)
    if "dx.lupus_nephritis" in concepts or "dx.sle" in concepts:
        # A biopsy read as lupus nephritis class III/IV affirms the disease.
        affirmed += [f for f in timeline.of("biopsy.kidney") if f.attrs.get("classes")]
    ruled_out = [
        f
        for f in timeline.of(*criterion.params.get("concepts", []), facts_only=False)
        if f.assertion == "negated"
    ]
    if "dx.sle" in concepts:
        ruled_out += [
            f
            for f in timeline.of("status.sle_criteria", facts_only=False)
            if f.assertion == "negated"
        ]
    window = criterion.params.get("window_days")
    if window is not None:
        # "Malignancy within 5 years": only mentions dated inside the window count.
        affirmed = [f for f in affirmed if (timeline.as_of - _when(f, timeline)).days <= window]
    if criterion.type == "exclusion":
        if affirmed:
            latest = _latest(affirmed, timeline)
            return _result(criterion, Status.MET, f"{names} documented", [latest], timeline)
        included = _included_now(criterion, timeline, window)
        if included is not None:
            return included
        treated = _treated_course(criterion, timeline, window)
        if treated is not None:
            return treated
        screened = _screened(criterion, timeline, window)
        if screened is not None:
            return screened
        unsure = _absence_unknown(criterion, timeline.vocabulary)
        if unsure is not None:
            return _unknown(criterion, UnknownCause.ABSENT, f"{names} not documented: {unsure}")
        return _result(criterion, Status.NOT_MET, f"{names} not documented; confirm at screening")
    latest_ruled_out = _latest(ruled_out, timeline)
    if latest_ruled_out is not None:
        # "SLE was considered but ruled out" stands unless the diagnosis itself is affirmed
        # again later; a later biopsy read as lupus nephritis does not overturn it by itself.
        listed = criterion.params.get("concepts", [])
        latest_direct = _latest([f for f in affirmed if f.concept in listed], timeline)
        ruled_out_on = _when(latest_ruled_out, timeline)
        if latest_direct is None or ruled_out_on >= _when(latest_direct, timeline):
            return _result(
                criterion,
                Status.NOT_MET,
                f"{names} ruled out or criteria not fulfilled",
                [latest_ruled_out],
                timeline,
            )
    latest_affirmed = _latest(affirmed, timeline)
    if latest_affirmed is not None:
        return _result(criterion, Status.MET, f"{names} documented", [latest_affirmed], timeline)
    return _unknown(criterion, UnknownCause.ABSENT, f"{names} not documented")


def _current_diagnosis(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A current state ("active tuberculosis", "currently requiring dialysis"): an
    affirmed mention in the lookback. A past history ("history of TB", "previously on
    dialysis") does not count; an affirmed mention older than the lookback may or may not
    still hold, so a person checks it."""
    if criterion.type == "exclusion" and criterion.params.get("course_classes"):
        included = _included_now(criterion, timeline, None)
        if included is not None:
            return included
        # "Active infection requiring IV antibiotics at screening": the course running at
        # the latest note decides, not any infection of the lookback.
        treated = _treated_course(criterion, timeline, None)
        if treated is not None:
            return treated
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    window = int(criterion.params.get("window_days") or LOOKBACK_DAYS)
    as_of = timeline.as_of
    mentions = timeline.of(*concepts, facts_only=False)
    if "dx.lupus_nephritis" in concepts or "dx.sle" in concepts:
        # A biopsy read as lupus nephritis class III/IV affirms the disease, as for `_diagnosis`.
        mentions += [f for f in timeline.of("biopsy.kidney") if f.attrs.get("classes")]
    affirmed = [f for f in mentions if f.assertion == Assertion.AFFIRMED]
    now = [f for f in affirmed if (as_of - _when(f, timeline)).days <= window]
    if now:
        latest = _latest(now, timeline)
        return _result(criterion, Status.MET,
                       f"{names} documented on {_when(latest, timeline)}, within the "
                       f"{window}-day lookback", [latest], timeline)  # fmt: skip
    lasting = _lifelong_before(criterion, affirmed, mentions, set(concepts), timeline)
    if lasting is not None:
        return lasting
    if affirmed:
        latest = _latest(affirmed, timeline)
        return _unknown(criterion, UnknownCause.STALE,
                        f"{names} last documented on {_when(latest, timeline)}, before the "
                        f"{window}-day lookback: whether it is current must be checked",
                        [latest], timeline)  # fmt: skip
    if criterion.type == "exclusion":
        screened = _screened(criterion, timeline, window)
        if screened is not None and screened.status is Status.MANUAL:
            return screened
        older = _long_standing_before(criterion, timeline, window)
        if older is not None:
            return older
        unsure = _absence_unknown(criterion, timeline.vocabulary)
        if unsure is not None:
            # "Active neurological disease": silence is no more telling now than ever.
            return _unknown(criterion, UnknownCause.ABSENT,
                            f"no current {names} documented: {unsure}")  # fmt: skip
        return _result(criterion, Status.NOT_MET,
                       f"no current {names} documented in the {window}-day lookback; "
                       "confirm at screening")  # fmt: skip
    ruled_out = [f for f in mentions if f.assertion == Assertion.NEGATED
                 and (as_of - _when(f, timeline)).days <= window]  # fmt: skip
    if ruled_out:
        latest = _latest(ruled_out, timeline)
        return _result(criterion, Status.NOT_MET, f"{names} documented as absent",
                       [latest], timeline)  # fmt: skip
    return _unknown(criterion, UnknownCause.ABSENT,
                    f"no current {names} documented in the {window}-day lookback")


def _lifelong_before(criterion: Criterion, affirmed: list[Finding], mentions: list[Finding],
                     covered: set[str], timeline: Timeline) -> CriterionResult | None:  # fmt: skip
    """ "Diabetes mellitus" read as current (params `lifelong`): a disease that does not
    resolve (criteria_temporality.json `lifelong_concepts`: type 2 diabetes documented
    two years ago is diabetes now) holds from its latest affirmed mention before the
    lookback, unless a later note says it is absent ("no diabetes" after a mistaken
    entry). A mention counts when its own disease does not resolve, or when it shows one
    the criterion covers (`covered`): a myocardial infarction is coronary artery disease,
    which "heart disease" covers; lupus nephritis shows SLE, which "lupus nephritis" does
    not cover, and may remit. None when no such mention decides."""
    if not criterion.params.get("lifelong"):
        return None
    vocab = timeline.vocabulary
    lifelong = load_temporality().lifelong_concepts & covered

    def lasting(finding: Finding) -> bool:
        concept = finding.concept
        return concept in lifelong or (concept in vocab and bool(
            lifelong & set(vocab[concept].attrs.get("implies", ()))))

    latest = _latest([f for f in affirmed if lasting(f)], timeline)
    if latest is None:
        return None
    on = _when(latest, timeline)
    if any(f.assertion == Assertion.NEGATED and lasting(f) and _when(f, timeline) > on
           for f in mentions):  # fmt: skip
        return None
    names = _label(vocab, latest.concept)
    return _result(criterion, Status.MET,
                   f"{names} documented on {on}; it does not resolve, so it holds now",
                   [latest], timeline)  # fmt: skip


def _long_standing_before(criterion: Criterion, timeline: Timeline, window: int
                          ) -> CriterionResult | None:  # fmt: skip
    """ "Chronic infections" read as the long-standing form now (params `long_standing`):
    a hepatitis B documented two years ago, before the lookback, is no evidence of its
    absence, so a person checks whether it is the chronic infection now. None when the
    criterion is not long-standing or nothing screens it before the lookback."""
    # "Solid tumour" read as the disease now (params `bare_current`): a malignancy
    # documented in 2023, of no named kind, may be a solid tumour still present.
    long_standing = criterion.params.get("long_standing")
    if not (long_standing or criterion.params.get("bare_current")):
        return None
    ever = _screened(criterion, timeline, None)
    if ever is None or ever.status is not Status.MANUAL:
        return None
    names = ", ".join(_label(timeline.vocabulary, c) for c in criterion.params.get("concepts", []))
    form = "the long-standing " if long_standing else ""
    return CriterionResult(criterion, Status.UNKNOWN,
                           f"{ever.reason.split(';')[0]}, before the {window}-day lookback: "
                           f"whether it is {form}{names} now must be checked",
                           ever.evidence, UnknownCause.STALE)  # fmt: skip


def _qualified_diagnosis(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A diagnosis criterion with its temporality and the qualifiers a person judges
    (matcher.criteria.temporality): "severe active lupus nephritis" is decided only when
    lupus nephritis is absent; when it is documented the result is manual, with the
    mention as evidence and the qualifiers named."""
    current = criterion.params.get("temporality") == "current"
    result = (_current_diagnosis if current else _diagnosis)(criterion, timeline)
    return _judged(_suspicion(result, timeline))


def _suspicion(result: CriterionResult, timeline: Timeline) -> CriterionResult:
    """ "Known or suspected infection in the past 3 months" (params `suspected`): a
    suspicion the notes record in the window ("suspected UTI, culture sent": an uncertain
    mention) is not the absence the verdict would read; a person checks it, with the
    mention as evidence. A documented condition already decides; so does a suspicion
    outside the window."""
    criterion = result.criterion
    if not criterion.params.get("suspected") or result.status not in (Status.NOT_MET,
                                                                       Status.UNKNOWN):
        return result
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    window = criterion.params.get("window_days")
    suspicions = [f for f in timeline.of(*concepts, facts_only=False)
                  if f.assertion == Assertion.UNCERTAIN
                  and (window is None or (timeline.as_of - _when(f, timeline)).days <= window)]
    latest = _latest(suspicions, timeline)
    if latest is None:
        return result
    return _result(criterion, Status.MANUAL,
                   f"{names} suspected on {_when(latest, timeline)}; whether the suspicion "
                   "counts must be checked by a person", [latest], timeline)  # fmt: skip


def _qualified_biopsy(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "Biopsy-confirmed active lupus nephritis": a biopsy showing lupus nephritis leaves
    its activity to a person; none, or another disease, decides."""
    return _judged(_biopsy(criterion, timeline))


def _judged(result: CriterionResult) -> CriterionResult:
    """A met result of a criterion with qualifiers the notes cannot decide ("severe",
    "active") is manual, naming them, with the same evidence."""
    judged = result.criterion.params.get("judged")
    if judged and result.status is Status.MET:
        reason = (f"{result.reason}; whether it is {' and '.join(judged)} must be checked "
                  "by a person")  # fmt: skip
        return CriterionResult(result.criterion, Status.MANUAL, reason, result.evidence)
    return result


def _biopsy(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    wanted = set(param(criterion, "classes"))
    allowed = wanted | set(param(criterion, "allowed_with"))
    window = criterion.params.get("window_days")
    biopsies = [f for f in timeline.of("biopsy.kidney")]
    if not biopsies:
        # "Excluded: patients without renal biopsy or class I, II or VI": the notes may
        # just not hold the biopsy, so no biopsy stays unknown; the reason says why.
        if criterion.params.get("or_no_biopsy"):
            return _unknown(criterion, UnknownCause.ABSENT, "no kidney biopsy result documented "
                            "(the trial also excludes patients without one: confirm it exists)")
        return _unknown(criterion, UnknownCause.ABSENT, "no kidney biopsy result documented")
    dated = [f for f in biopsies if not f.attrs.get("undated")]
    latest = _latest(dated, timeline) if dated else _latest(biopsies, timeline)
    classes = set(latest.attrs.get("classes", []))
    label = (
        "class " + "+".join(latest.attrs.get("classes", []))
        if classes
        else (latest.attrs.get("other_disease") or "another kidney disease")
    )
    # "Proliferative LN (class III or IV)" is silent on a membranous component: whether a
    # III+V biopsy qualifies is the sponsor's to say, so a person decides (refusing it would
    # hide the child on a reading the text does not make). "With or without V" takes it.
    mixed_v = (
        criterion.type == "inclusion" and bool(classes & wanted) and wanted <= {"III", "IV"}
        and classes - allowed == {"V"}
    )  # fmt: skip
    if not classes or not (classes & wanted) or not (classes <= allowed or mixed_v):
        return _result(
            criterion,
            Status.NOT_MET,
            f"most recent biopsy shows {label}, not class {' or '.join(sorted(wanted))}",
            [latest],
            timeline,
        )
    if latest.attrs.get("undated"):
        return _unknown(
            criterion,
            UnknownCause.UNDATED,
            f"{label} lupus nephritis stated but the biopsy date is not documented",
        )
    when = _when(latest, timeline)
    age = (timeline.as_of - when).days
    if window is not None and age > window:
        return _unknown(
            criterion,
            UnknownCause.STALE,
            # The date, not a day count: a count would change the stored reason every
            # night, and the nightly would re-evaluate a result whose verdict cannot move
            # until a new biopsy is documented (matcher.judge.validity).
            f"biopsy ({label}) dated {when}, more than {window} days before screening "
            "(outside the window): a repeat biopsy would be needed",
        )
    if mixed_v:
        return _result(
            criterion,
            Status.MANUAL,
            f"biopsy {when}: {label}; the trial names class {' or '.join(sorted(wanted))} and "
            "does not say whether class V alongside is allowed: a person checks",
            [latest],
            timeline,
        )
    return _result(criterion, Status.MET, f"biopsy {when}: {label}", [latest], timeline)
