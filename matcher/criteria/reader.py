"""Registry eligibility text → computable criteria (matcher.model.Criterion).

The parser knows clinical language, never a particular trial: it is run on lupus and
lupus-nephritis trials nobody here has read. Three steps:

1. **Sections and items** (`_drafts`). "Inclusion Criteria:", "Key exclusion criteria",
   "Subjects meeting any of the following will be excluded" switch sections; with no
   heading everything is inclusion. Items are bullets in any glyph, numbered or lettered
   items, or plain lines. A sub-item that qualifies its parent ("defined as ...",
   "accompanied by ...") is merged into it; a parent that is only a heading ("Liver
   function:") groups its children and each child is its own criterion.
2. **Classification** (`_classify`): each item becomes one kind with typed params.
3. **Structured limits** (`parse_criteria`): the record's age limits and sex become
   criteria when the text does not state them.

`params` contract per kind (the evaluator in matcher.judge.evaluate relies on it; the fields, their
types and the defaults of optional ones are declared once in matcher.criteria.params and every
criterion is checked against them before it leaves the reader):

- age: {"min_years": int|None, "max_years": int|None}, inclusive completed years; or
  {"min_months", "max_months"}, completed months, where a limit in months is no birthday.
- sex: {"sex": "female"|"male"}.
- diagnosis: {"concepts": [ids], "system": str|None, "ruled_out_not_met": bool,
  "temporality": "ever"|"within"|"current"} (+ "window_days" when the text sets one:
  "malignancy within 5 years"; for "current", "active tuberculosis", the 90-day lookback)
  (+ "judged": [qualifiers as written] the notes cannot decide, "severe", "active" lupus
  nephritis: the criterion decides only their absence; matcher.criteria.temporality).
- biopsy: {"classes": ["III", "IV"], "allowed_with": ["V"], "window_days": int|None}
  (+ "judged": ["active"] when no class is named: "biopsy-confirmed active lupus
  nephritis" is decided only when no biopsy shows lupus nephritis).
- score: {"concept": id, "op": ">=", "value": float} or {"concept": id, "low": a, "high": b}.
- refractory: {"agents": [drug ids], "min_agents": int, "min_duration_days": int,
  "duration_strict": bool, "requires_active_proteinuria": bool}
  (+ "proteinuria_threshold" in g/g when the text gives one).
- drug_exposure: {"drugs": [drug ids, classes expanded; treatment procedures listed with
  them], "window_days": int|None} (+ "current": true, the drug taken now, its latest mention
  within window_days and not stopped, with "min_duration_days": int, "stable": true (the
  dose's stability is left to a person), "conditional": true ("if on X, ...": not taking
  it meets the item); "dose_limits": {drug id: {"dose_op", "dose_value", "dose_unit",
  "prednisone_equivalent"}} (that drug counts only at that daily dose); "indication": words
  (a documented exposure is left to a person); "exception_manual": words (an exception the
  notes cannot check: the case it could change is left to a person)).
- lab: {"analytes": [ids], "op": str, "value": float | "uln_multiple": float, "unit": str,
  "exceptions": [{"if": id, "then": "manual"} | {"if": id, "uln_multiple": k} |
  {"if": id, "value": v}], "csf_free_days": int|None, "below_manual": str|None}
  (+ "alternatives": [{"analytes", "op", "value"|"uln_multiple", "unit"} | {"concepts"}] and
  "combine": "or"|"and" when one item states thresholds for several analytes, or an
  exclusion adds conditions: "eGFR < 30 or on dialysis").
- cd19, venous, hemodynamic: {}; ana: {"min_titre": int}; consent: {} + manual_reason.
- manual: {} + manual_reason saying why it cannot be computed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import (
    Callable,
    Iterable,
    Iterator,
    Sequence,
)
from dataclasses import (
    dataclass,
    replace,
)
from typing import (
    Any,
)

from matcher.criteria import (
    groups as criteria_groups,
)
from matcher.criteria import (
    guard,
)
from matcher.criteria import (
    lists as criteria_lists,
)
from matcher.criteria import (
    other as criteria_other,
)
from matcher.criteria import (
    params as declared_params,
)
from matcher.criteria.basic_kinds import (
    _AGE_CUE,
    _BARE_YEARS,
    _CONTRACEPTION_REASON,
    _PLAN_REASON,
    _age,
    _ana,
    _cd19,
    _consent,
    _hemodynamic,
    _manual_cues,
    _refractory,
    _sex,
    _venous,
    age_limits,
)
from matcher.criteria.biopsy import (
    _biopsy,
    _lupus_class_lists,
)
from matcher.criteria.data_check import check_criteria_data
from matcher.criteria.diagnoses import (
    _diagnosis,
)
from matcher.criteria.drug_headings import (
    ceiling_heading_spans,
)
from matcher.criteria.drugs import (
    _drug_exposure,
)
from matcher.criteria.grades import ungraded_degree_reason
from matcher.criteria.grammar import (
    COMPUTABLE_KINDS,
    load_grammar,
    words_of,
)
from matcher.criteria.heading_frame import (
    framed,
)
from matcher.criteria.item_context import (
    _CLOSED_PAREN,
    _context,
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.labs import (
    _kidney_stage,
    _lab,
)
from matcher.criteria.lexicon import (
    _I,
    _OP,
    EXCLUSION,
    INCLUSION,
    _duration,
    _normalise,
    _window,
)
from matcher.criteria.pregnancy import pregnancy_sibling
from matcher.criteria.record import (
    RegistryRecord,
)
from matcher.criteria.render import (
    format_number,
    reading,
)
from matcher.criteria.scores import (
    _BILAG_REASON,
    _PARTIAL_SCORE_RULE,
    _UNREAD_THRESHOLD_RULE,
    _score,
)
from matcher.criteria.sections import (
    _SENTENCE_END,
    _Draft,
    _drafts,
    _groups_only,
)
from matcher.criteria.temporality import (
    EITHER_COURSE,
    load_temporality,
)
from matcher.criteria.temporality import (
    RULE as TEMPORAL_RULE,
)
from matcher.criteria.temporality import (
    manual_reason as temporal_manual_reason,
)
from matcher.errors import (
    CriterionParamsError,
)
from matcher.model import (
    AnyOf,
    CohortScope,
    Criterion,
    Trial,
)
from matcher.nlp.vocab import (
    Vocabulary,
    in_context,
    load_vocabulary,
)

__all__ = [
    "format_criteria_table",
    "parse_criteria",
    "parse_criterion",
    "parse_eligibility_text",
    "trial_to_json",
]


# ---------------------------------------------------------------- dispatch

def _kinds(ctx: _Ctx) -> _Parsed | None:
    """Vitals, serology, current pregnancy, dose limits, disease duration and onset age,
    lab ranges and diagnosis exceptions: read by matcher.criteria.kinds, which also names
    the spans each reading consumed. Imported here, not at the top: it reads this module's
    comparison and window grammar."""
    from matcher.criteria import kinds as criteria_kinds

    # Unguarded: the reading comes back whole with the spans it consumed, and the coverage
    # guard here (`_checked`) judges it like any other: "Positive HBsAg or syphilis
    # antibody" read as HBsAg leaves "syphilis" over and is manual.
    found = criteria_kinds.read(ctx.text, ctx.main, ctx.type, ctx.context, guard=False,
                                vocab=ctx.vocab)
    if found is None:
        return None
    rule = f"kinds:{found.rule}" if found.rule else "kinds"
    for start, end in found.spans:
        ctx.take(start, end, rule)
    if not found.spans:
        ctx.taken.append((0, 0, rule))  # a manual reading still names its rule (trace)
    params = found.params
    if found.kind == "diagnosis" and "temporality" not in params:
        # Its conditions are ever or in the window it read; a current state ("active
        # tuberculosis") it leaves to `_diagnosis`.
        params = {**params, "temporality": "within" if params.get("window_days") else "ever"}
    return _Parsed(found.kind, ctx.key(found.key), params, found.manual_reason)


def _allergy(ctx: _Ctx) -> _Parsed | None:
    """An allergy, hypersensitivity or intolerance exclusion naming drugs the vocabulary
    knows (matcher.criteria.allergy); one to the study drug says why it stays manual."""
    from matcher.criteria import allergy

    found = allergy.read(ctx.text, ctx.main, ctx.exclusion, ctx.terms, ctx.vocab)
    if found is None:
        return None
    if found.kind == "manual":
        return _manual(found.manual_reason or "", ctx.key("manual"))
    for start, end, rule in found.spans:
        ctx.take(start, end, rule)
    return _Parsed("allergy", ctx.key("allergy"), found.params)


_Classifier = Callable[[_Ctx], "_Parsed | None"]

def _treated_infection(ctx: _Ctx) -> _Parsed | None:
    """ "Active infection requiring intravenous anti-infective treatment within 4 weeks":
    the infection with the courses that prove it (matcher.criteria.treated_infection)."""
    from matcher.criteria.treated_infection import read_treated_infection

    return read_treated_infection(ctx)


# Most specific first: the refractory item names drugs and proteinuria, the biopsy item
# names lupus nephritis, the neutrophil item names G-CSF; each must win over the
# generic drug / diagnosis / lab readings.
_CLASSIFIERS: tuple[_Classifier, ...] = (
    _venous,
    _hemodynamic,
    _allergy,
    _manual_cues,
    _consent,
    _treated_infection,
    _kidney_stage,
    _kinds,
    _age,
    _cd19,
    _ana,
    _refractory,
    _biopsy,
    _score,
    _lab,
    _drug_exposure,
    _diagnosis,
    _sex,
)


def _age_first(ctx: _Ctx) -> _Parsed | None:
    """ "Age ≥ 18 at the time of signing informed consent" is an age limit; "able to
    give consent (assent if aged < 18)" is consent."""
    from matcher.criteria.disease_timing import is_onset_age

    cue = _AGE_CUE.search(ctx.text) or _BARE_YEARS.search(ctx.text)
    if is_onset_age(ctx.text):
        return None  # "onset before age 16" dates the disease, not the patient's age now
    return _age(ctx) if cue is not None and cue.start() <= 40 else None


def _classify(
    raw: str,
    ctype: str,
    context: Sequence[str],
    only: str | None,
    lupus_trial: bool,
    vocabulary: Vocabulary,
) -> tuple[str, _Parsed]:
    """(effective type, parsed). An inclusion whose lead states an absence ("No prior
    belimumab within 6 months", "Patients must not have received rituximab") is an
    exclusion of the thing named. `only` keeps the first reading of that kind."""
    lead = guard.lead_negation(_normalise(raw)) if ctype == INCLUSION else None
    if lead is not None and not _negation_in_term(_normalise(raw), lead, vocabulary):
        flipped = _classify_as(
            raw, EXCLUSION, context, only, negated=True, lupus_trial=lupus_trial,
            vocabulary=vocabulary,
        )
        if flipped.kind in ("diagnosis", "drug_exposure", "allergy"):
            return EXCLUSION, flipped
    parsed = _classify_as(raw, ctype, context, only, lupus_trial=lupus_trial,
                          vocabulary=vocabulary)
    low, high = parsed.params.get("min_years"), parsed.params.get("max_years")
    if ctype == EXCLUSION and parsed.kind == "age" and None not in (low, high) and low > high + 1:
        # "Age < 18 or > 60 years" as an exclusion: the two limits are alternatives,
        # which is an inclusion of 18 to 60.
        params = {"min_years": high + 1, "max_years": low - 1}
        trace = (*parsed.trace, "polarity:outside-age-range")
        return INCLUSION, replace(parsed, key="age", params=params, trace=trace)
    low, high = parsed.params.get("min_months"), parsed.params.get("max_months")
    if ctype == EXCLUSION and parsed.kind == "age" and None not in (low, high) and low > high + 1:
        # "Age < 6 months or > 36 months" as an exclusion: 6 to 36 months required.
        params = {"min_years": None, "max_years": None, "min_months": high + 1,
                  "max_months": low - 1}  # fmt: skip
        trace = (*parsed.trace, "polarity:outside-age-range")
        return INCLUSION, replace(parsed, key="age", params=params, trace=trace)
    return ctype, parsed


def _negation_in_term(text: str, lead: tuple[int, int], vocabulary: Vocabulary) -> bool:
    """Is the lead's negation part of a vocabulary term ("not yet treated", "no prior
    immunosuppression": treatment-naive)? Then it names the concept, not its absence:
    flipping it would exclude what the item requires."""
    return any(t.start < lead[1] and t.end > lead[0] for t in vocabulary.find_terms(text))


def _readings(ctx: _Ctx, only: str | None) -> Iterator[tuple[str, _Parsed]]:
    """Each classifier's reading, most specific first, with the classifier's name."""
    if only in (None, "age"):
        yield "age", _age_first(ctx)  # type: ignore[misc]
    for classifier in _CLASSIFIERS:
        yield classifier.__name__.lstrip("_"), classifier(ctx)  # type: ignore[misc]


def _classify_as(
    raw: str,
    ctype: str,
    context: Sequence[str],
    only: str | None,
    negated: bool = False,
    lupus_trial: bool = False,
    *,
    vocabulary: Vocabulary,
) -> _Parsed:
    """The first reading that accounts for every word of the item. A reading that leaves
    words over ("active CNS lupus" read as CNS lupus, ever) is not used: a later
    classifier may understand the whole item; if none does, the item is manual and says
    which words the first reading did not understand."""
    ctx = _context(raw, ctype, context, lupus_trial, vocabulary)
    if not ctx.text.strip():
        return _manual("empty criterion text")
    lead = guard.lead_negation(ctx.text) if negated else None
    first_partial: _Parsed | None = None
    for name, parsed in _readings(ctx, only):
        if parsed is not None and (only is None or parsed.kind == only):
            checked = _checked(parsed, ctx, name, lead)
            partial = checked.trace[-1:] == ("coverage:manual",)
            if checked.kind == "manual" and not partial and first_partial is not None:
                # "Positive HBsAg or anti-HBc, or syphilis": the serology reading that left
                # "syphilis" over says more than a later reader's "HBsAg threshold not
                # recognised"; both are manual.
                return first_partial
            if checked.kind != "manual" or not partial:
                return checked
            first_partial = first_partial or checked
        ctx.taken.clear()
        ctx.honoured.clear()
        ctx.heading_taken.clear()
    if first_partial is not None:
        return first_partial
    return _manual("no computable concept recognised", ctx.key("manual"))


# Spans any reading may pass over. "with or without microscopic haematuria" makes its
# object optional, so it asks for nothing; a literature reference asks for nothing either.
_OPTIONAL_OBJECT = re.compile(
    r"\bwith\s*(?:or|/)\s*without\s+(?:(?!and\b|or\b)[\w-]+\s*){1,4}"
    # "with or without microscopic haematuria (> 5 RBC/HPF)": the optional object's own
    # definition asks for nothing either.
    r"(?:\s*\([^()]{0,80}\))?",
    _I,
)
_CITATION = re.compile(
    rf"{_CLOSED_PAREN}[^()]*(?:\bdoi\b|\bet\s+al\b|\bPMID\b|\b(?:19|20)\d{{2}}\s*;)[^()]*\)", _I
)


# "3.1 Persistently active ...", "1. diagnosed as ...": an outline number left in the text.
# Never a bare leading number ("2 or more prior therapies" is a count).
# "1. Age ...", "2.1 Patients ...", and "(1)a history of ..." (a bracketed number glued to
# the item's first word).
_OUTLINE_NUMBER = re.compile(
    r"^\W*(?:\d{1,2}[.)](?=\s)|\d{1,2}\.\d{1,2}(?=\s+[A-Z]))|^\s*\(\d{1,2}\)(?=[^\W\d_])"
)


# "the ACR revised classification criteria (57)", "(reference 23)": a reference number
# after the named criteria.
_CRITERIA_REFERENCE = re.compile(
    r"(?<=criteria)\s*\((?:ref(?:erence)?s?\.?\s*)?\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\)", _I
)


# "..., at least one of which must be:" at the end of an item whose sub-requirements
# follow as items of their own (each guarded as one branch): it asks nothing itself.
_ANNOUNCES_ITEMS = re.compile(
    r",?\s*(?:at\s+least\s+(?:one|1)|one\s+or\s+more|all|any|each)\s+of\s+which\s+"
    r"(?:must|should|shall|will)\s+(?:be|include|have)\s*[:：]\s*$",
    _I,
)


# "Solid organ transplantation (including kidney)", "organ transplant, e.g. renal or
# lung": an example list after a vocabulary term. Only example cues: "excluding kidney"
# or a bare "(kidney only)" may narrow the group and stays not understood.
_EXAMPLE_CUE = re.compile(
    r"\s*[(,]?\s*(?:including|incl\.|e\.\s?g\.|eg|such\s+as|for\s+(?:example|instance))"
    r"[\s,:]*",
    _I,
)
_ANY_EXAMPLE_CUE = re.compile(
    r"\b(?:including|incl\.|e\.\s?g\.|eg|such\s+as|for\s+(?:example|instance))", _I
)
_EXAMPLE_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?|/\s*|(?:and|or)\s+)", _I)
_EXAMPLE_WORD = re.compile(r"[^\W\d_]+")


def _elided_members(text: str, vocab: Vocabulary) -> list[tuple[int, int, str]]:
    """Examples that name members of the group just named by their modifier alone, the
    head noun left out: "organ transplantation (including kidney)" names "kidney
    transplantation". Each example must, with the term's last word, be a vocabulary term
    of the same concept or of one of its members (data, not a list of organs here): then
    it adds nothing to the group's reading and is accounted for. "(including cornea)" is no
    term: not read."""
    if not _ANY_EXAMPLE_CUE.search(text):
        return []  # most items give no examples: no second scan for terms
    found: list[tuple[int, int, str]] = []
    for term in vocab.find_terms(text):
        cue = _EXAMPLE_CUE.match(text, term.end)
        if cue is None:
            continue
        head = term.text.split()[-1]
        position = cue.end()
        while member := _member_at(text, position, head, term.concept_id, vocab):
            found.append((position, member, "elided-member"))
            gap = _EXAMPLE_GAP.match(text, member)
            if gap is None:
                break
            position = gap.end()
    return found


def _member_at(text: str, position: int, head: str, concept_id: str, vocab: Vocabulary
               ) -> int | None:  # fmt: skip
    """The end of the one- or two-word modifier at `position` that, followed by `head`,
    is a whole term of `concept_id` ("bone marrow" + "transplantation"); else None."""
    words = []
    for word in _EXAMPLE_WORD.finditer(text, position):
        if text[position if not words else words[-1].end() : word.start()].strip():
            break  # only words separated by spaces make one modifier
        words.append(word)
        if len(words) == 2:
            break
    for count in (2, 1):
        if len(words) < count:
            continue
        candidate = f"{text[position : words[count - 1].end()]} {head}"
        matches = vocab.find_terms(candidate)
        if len(matches) == 1 and _of_group(matches[0].concept_id, concept_id, vocab) and (
            matches[0].start, matches[0].end) == (0, len(candidate)):  # fmt: skip
            return words[count - 1].end()
    return None


def _of_group(member_id: str, group_id: str, vocab: Vocabulary) -> bool:
    """Is `member_id` the group itself or one of its members (attrs `implies`): "liver"
    in "organ transplantation (e.g. liver or heart)" names "liver transplantation", a
    member of its own under the transplant group."""
    return member_id == group_id or group_id in vocab[member_id].attrs.get("implies", ())


# "Impaired renal function (eGFR < 45) will be excluded.", "... are excluded": in an
# exclusion item the closing words only say again what the section says. Only at the end
# of the item and only in an exclusion: in an inclusion the same words turn it round
# ("Patients with X will be excluded" among inclusions stays not understood).
_RESTATED_EXCLUSION = re.compile(
    r"[\s,;]*(?:(?:will|shall|should|must|would|are|is)\s+(?:also\s+)?(?:be\s+)?)?"
    r"excluded(?:\s+from\s+(?:the|this)\s+(?:study|trial))?\s*[.;]?\s*$",
    _I,
)


def _generic_spans(text: str, vocab: Vocabulary, exclusion: bool = False
                   ) -> list[tuple[int, int, str]]:  # fmt: skip
    found = [(m.start(), m.end(), "optional-object") for m in _OPTIONAL_OBJECT.finditer(text)]
    if exclusion:
        found += [(m.start(), m.end(), "restated-exclusion")
                  for m in _RESTATED_EXCLUSION.finditer(text)]
    found += _elided_members(text, vocab)
    found += [(m.start(), m.end(), "announces-items") for m in _ANNOUNCES_ITEMS.finditer(text)]
    found += [(m.start(), m.end(), "citation") for m in _CRITERIA_REFERENCE.finditer(text)]
    found += [(m.start(), m.end(), "outline-number") for m in _OUTLINE_NUMBER.finditer(text)]
    found += [(m.start(), m.end(), "citation") for m in _CITATION.finditer(text)]
    return found


# "Active lupus nephritis:" over "ACR criteria for SLE", "proteinuria ≥ 1 g/24 h", "class
# III or IV on biopsy": a heading that names the lupus trial's own disease, and the items
# under it say what it means; each is required as it reads.
_OWN_DISEASE_HEADING = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|with|a|an|the|of|(?:confirmed|established|"
    r"documented|active|current|biopsy[-\s](?:proven|confirmed))|diagnos(?:is|ed))\s+)*"
    r"(?P<term>[^:]+?)\s*(?:,\s*(?:defined\s+as|as\s+follows|including))?\s*:?\s*$",
    _I,
)
_LUPUS_CONCEPTS = frozenset({"dx.sle", "dx.lupus_nephritis"})


def _own_disease_heading(heading: str, ctx: _Ctx) -> list[tuple[int, int]]:
    """The whole heading's span when it only names the lupus trial's own disease, in an
    inclusion; else nothing (its words stay for the coverage guard)."""
    if ctx.exclusion or not ctx.lupus_trial or len(heading) > 80:
        return []
    m = _OWN_DISEASE_HEADING.match(heading)
    if m is None:
        return []
    term = m["term"]
    whole = [t for t in ctx.vocab.find_terms(term) if t.start == 0 and t.end == len(term)]
    return [(0, len(heading))] if any(t.concept_id in _LUPUS_CONCEPTS for t in whole) else []


def _measure_defined_lead(text: str, parsed: _Parsed, vocab: Vocabulary) -> tuple[int, int] | None:
    """The span of "Active renal disease with" at the start of a lab item whose measure
    defines that disease ("... with UPCR ≥ 1.0 g/g"): the threshold is the requirement,
    the disease words and "active" are what it measures (grammar
    `measure_defined_conditions`). Only when every analyte read is of a listed family."""
    if parsed.kind != "lab":
        return None
    grammar = load_grammar()
    if grammar.measure_defined_lead is None:
        return None
    analytes = list(parsed.params.get("analytes") or [])
    for alternative in parsed.params.get("alternatives") or []:
        analytes += alternative.get("analytes") or []
    families = {vocab[a].attrs.get("family") for a in analytes if a in vocab}
    if not analytes or not families <= grammar.measure_defined_families:
        return None
    lead = grammar.measure_defined_lead.match(text)
    return None if lead is None else (lead.start(), lead.end())


def _checked(
    parsed: _Parsed, ctx: _Ctx, rule: str, lead: tuple[int, int] | None
) -> _Parsed:
    """`parsed` with its rule trace; `manual` when a computable kind left words over (in
    the item or in a heading that groups it) or names a current state (pregnancy)."""
    rules = ["polarity:negated"] if lead else []
    rules += [f"kind:{parsed.kind}", f"rule:{rule}"]
    rules += list(dict.fromkeys(r for _, _, r in ctx.taken))
    if parsed.kind not in COMPUTABLE_KINDS:
        return replace(parsed, trace=(*rules,))
    taken = [(s, e) for s, e, _ in ctx.taken] + ([lead] if lead else [])
    generic = _generic_spans(ctx.text, ctx.vocab, ctx.exclusion)
    taken += [(s, e) for s, e, _ in generic]
    rules += list(dict.fromkeys(r for _, _, r in generic))
    defined = _measure_defined_lead(ctx.text, parsed, ctx.vocab)
    if defined is not None:
        taken.append(defined)
        rules.append("lab:measure-defines-condition")
    # A reading built by a special rule ("contraindication to leukapheresis" → the
    # venous rule's documented-condition check) is judged on that rule's words too.
    kinds = (parsed.kind, rule) if rule in COMPUTABLE_KINDS else (parsed.kind,)
    words = guard.unaccounted(ctx.text, kinds, taken, ctx.honoured)
    for index, heading in enumerate(ctx.context):
        spans = [(s, e) for i, s, e in ctx.heading_taken if i == index]
        spans += _own_disease_heading(_normalise(heading), ctx)
        ceiling = ceiling_heading_spans(_normalise(heading), parsed.kind, parsed.params,
                                        ctx.text, ctx.exclusion, ctx.vocab)
        if ceiling:
            rules.append("drug:ceiling-heading")
        words += guard.heading_unaccounted(_normalise(heading), kinds, spans + ceiling)
    paediatric: list[str] = []
    if parsed.kind == "diagnosis":
        # "Active tuberculosis" is a vocabulary term of tuberculosis, but a diagnosis is
        # judged "ever": the qualifier inside the term is not understood. "Childhood-onset
        # SLE" is implied when the trial admits only children: decided with its age limits.
        grammar = load_grammar()
        # "active" in "active TB" read as a current state (matcher.criteria.temporality)
        # is understood.
        temporal = [(s, e) for s, e, r in ctx.taken if r == TEMPORAL_RULE]
        # "Acute or chronic infection" names both courses: neither word narrows it.
        temporal += [(m.start(), m.end()) for m in EITHER_COURSE.finditer(ctx.text)]
        qualifiers = [w[0] for s, e, r in ctx.taken if r == "term"
                      for w in re.finditer(r"[^\W_]+", ctx.text[s:e])
                      if w[0].lower() in grammar.term_qualifiers
                      and w[0].lower() not in grammar.cues("diagnosis")
                      and not any(a <= s + w.start() < b for a, b in temporal)]  # fmt: skip
        words += qualifiers
        paediatric = [w for w in words
                      if set(re.findall(r"[^\W_]+", w.lower())) <= grammar.paediatric_qualifiers]
        words = [w for w in words if w not in paediatric]
    if words:
        reason = guard.not_understood(list(dict.fromkeys(words)))
        # "Newly diagnosed", "persistent": a time word with no computable meaning says so.
        why = temporal_manual_reason(ctx.text, words)
        reason = f"{why}; {reason}" if why else reason
        if parsed.kind in ("drug_exposure", "dose_exposure"):
            # after the words: a reason that opens "not understood" is one of unread words
            # (_unread), which "A or other B" relies on
            drugs = {"drug", "drug_class"}
            drug_starts = [t.start for t in ctx.terms if ctx.vocab[t.concept_id].category in drugs]
            others = [(t.start, t.end) for t in ctx.terms
                      if ctx.vocab[t.concept_id].category not in drugs]
            other = criteria_other.unstated_other_drugs(ctx.text, drug_starts, words, others)
            reason = f"{reason}; {other}" if other else reason
        return _Parsed("manual", parsed.key, {}, reason, (*rules, "coverage:manual"))
    current = [c for c in parsed.params.get("concepts", []) if c in load_grammar().manual_concepts]
    if parsed.kind == "diagnosis" and current:
        reason = load_grammar().manual_concepts[current[0]]
        return _Parsed("manual", parsed.key, {}, reason, (*rules, "coverage:ok", "manual:current"))
    ambiguous = [c for c in parsed.params.get("concepts", [])
                 if c in load_grammar().inclusion_manual_concepts]
    if parsed.kind == "diagnosis" and not ctx.exclusion and ambiguous:
        reason = load_grammar().inclusion_manual_concepts[ambiguous[0]]
        return _Parsed("manual", parsed.key, {}, reason,
                       (*rules, "coverage:ok", "manual:inclusion-sense"))
    ungraded = (ungraded_degree_reason(parsed.params, ctx.vocab)
                if parsed.kind == "diagnosis" else None)
    if ungraded is not None:
        return _Parsed("manual", parsed.key, {}, ungraded,
                       (*rules, "coverage:ok", "manual:ungraded"))
    if paediatric:
        rules.append(_PAEDIATRIC_ONSET)
    if (parsed.kind == "diagnosis" and not ctx.exclusion and parsed.params.get("window_days")
            and parsed.params.get("temporality") != "current"):
        # "SLE diagnosed within 3 years of screening" asks when the disease began; the
        # evaluator would count any mention dated in the window.
        reason = "when the diagnosis was made must be checked by a person"
        return _Parsed("manual", parsed.key, {}, reason, (*rules, "coverage:ok", "manual:onset"))
    if parsed.kind == "diagnosis":
        parsed = _with_screen(parsed, ctx.vocab)
    return replace(parsed, trace=(*rules, "coverage:ok"))


def _with_screen(parsed: _Parsed, vocab: Vocabulary) -> _Parsed:
    """A condition the notes seldom name in the item's words ("infection requiring
    hospitalisation", "chronic infection") carries the broader finding that screens it
    (concepts.jsonl `screened_by`: any infection): none of it documented decides the
    absence; a documented one is left to a person."""
    screens = [s for c in parsed.params.get("concepts", []) if c in vocab
               for s in vocab[c].attrs.get("screened_by", ())]  # fmt: skip
    if not screens:
        return parsed
    params = {**parsed.params, "screen_concepts": list(dict.fromkeys(screens))}
    return replace(parsed, params=params)


def _classify_draft(draft: _Draft, text: str, lupus_trial: bool, vocabulary: Vocabulary
                    ) -> tuple[str, _Parsed]:  # fmt: skip
    """A parent that collected its sub-items ("Diagnosis of SLE, with: a. ANA ≥ 1:80
    b. active nephritis") is the criterion its own words name; the sub-items refine the
    params where the same reading still applies."""
    section, context = draft.section, draft.context
    if draft.head:
        ctype, head = _classify(_clean_text(draft.head), section, context, None, lupus_trial,
                                vocabulary)
        whole_type, whole = _classify(text, section, context, None, lupus_trial, vocabulary)
        if whole.kind == "refractory":
            # "Refractory LN, defined as: a. failure of two agents ... b. proteinuria":
            # the definition, not the disease named in the heading, is the criterion.
            return whole_type, whole
        if head.kind != "manual":
            whole = _classify(text, section, context, head.kind, lupus_trial, vocabulary)[1]
            if whole.kind == head.kind or "coverage:manual" in whole.trace:
                # A sub-item the reading cannot account for ("with: a. ANA ≥ 1:80 b.
                # active nephritis") makes the whole item manual: its requirements are
                # never dropped in favour of the heading alone.
                return ctype, whole
            return ctype, head
    return _classify(text, section, context, None, lupus_trial, vocabulary)


# =====================================================================================
# Step 3: criteria with ids, structured limits, unique keys
# =====================================================================================


@dataclass(frozen=True)
class _Item:
    section: str
    type: str
    text: str
    parsed: _Parsed
    any_of: AnyOf | None = None  # matcher.criteria.groups
    cohort: CohortScope | None = None


def _clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(";,").strip()


_LUPUS_TRIAL_CONCEPTS = frozenset({"dx.sle", "dx.lupus_nephritis", "dx.cns_lupus"})


def _names_lupus(text: str, vocab: Vocabulary) -> bool:
    """Does the text name lupus? The vocabulary's terms with their context filters
    ("lupus anticoagulant" is not lupus), and not the bare "LN" (also a lymph node)."""
    norm = _normalise(text)
    return any(
        t.concept_id in _LUPUS_TRIAL_CONCEPTS
        and t.text != "LN"
        and in_context(norm, t.start, t.end, vocab[t.concept_id])
        for t in vocab.find_terms(norm)
    )


def _items(text: str, about: Sequence[str], max_age: float | None, vocabulary: Vocabulary
           ) -> list[_Item]:  # fmt: skip
    """The items of an eligibility text, classified and guarded. `about` names what the
    trial is about (its title, conditions): an exclusion of that is never computed;
    `max_age` is the record's maximum age; `vocabulary` the run's."""
    items = _items_of(_drafts(text or "", vocabulary), about, max_age, vocabulary=vocabulary)
    return _apart_ages(items)


def _month_range(params: dict[str, Any]) -> tuple[int, int] | None:
    """An age reading's limits as completed months, inclusive (open ends wide)."""
    if params.get("min_months") is not None or params.get("max_months") is not None:
        low, high = params.get("min_months"), params.get("max_months")
    elif params.get("min_years") is not None or params.get("max_years") is not None:
        low = None if params.get("min_years") is None else params["min_years"] * 12
        high = None if params.get("max_years") is None else params["max_years"] * 12 + 11
    else:
        return None
    return (0 if low is None else low, 10**6 if high is None else high)


# "age 5 to <12 years", "aged 18 years or over": a number with its unit of age.
_AGE_IN_YEARS = re.compile(r"\d\s*(?:years?|yrs?|months?)\b", re.IGNORECASE)
# An age that may not be the participant's: "having school-aged children (7-17 years)",
# "BMI-for-age percentile >= 85", "gestational age 26-34 weeks", "parents >= 18 years".
_ANOTHER_AGE = re.compile(
    r"\b(?:child(?:ren)?|kids?|infants?|bab(?:y|ies)|sons?|daughters?|parents?|mothers?|"
    r"fathers?|partners?|spouses?|caregivers?|siblings?|gestation(?:al)?|percentiles?|"
    r"bmi)\b", re.IGNORECASE)
_APART_AGES_REASON = ("age ranges that do not overlap ({ranges}) are alternatives, one per "
                      "cohort or population, not each required: checked by a person")


def _apart_ages(items: list[_Item]) -> list[_Item]:
    """ "Participants aged 12 to <18 years" and "Participants aged 5 to <12 years (younger
    cohort)", or "Age >= 18" and "Age 3-5 years": two inclusion ages no one can meet at
    once name the cohorts of a trial, not one requirement each; read as each required,
    the first hid every child of the second. Each is left to a person (an age item left
    manual for other words still shows its range). Items in a cohort block or an either/or
    group are already read per cohort or branch."""
    ranges: list[tuple[int, tuple[int, int]]] = []
    for index, item in enumerate(items):
        if item.section != INCLUSION or item.type != INCLUSION or item.cohort or item.any_of:
            continue
        if criteria_groups.led_by_others(item.text):
            continue  # "Parents/caregivers aged 18 or over": their age, not the patient's
        if item.parsed.kind == "age":
            found = _month_range(item.parsed.params)
        elif ("kind:age" in item.parsed.trace and _AGE_IN_YEARS.search(item.text)
              and not _ANOTHER_AGE.search(item.text)):
            # Left manual for other words, an item still shows the participant's age
            # range; not one whose number may be a percentile, a gestation or a child's.
            found = _month_range(dict(age_limits(item.text)))
        else:
            continue
        if found is not None:
            ranges.append((index, found))
    apart = {i for i, (a, b) in ranges for j, (c, d) in ranges if i != j and (b < c or d < a)}
    if not apart:
        return items
    shown = ", ".join(_age_range_text(ranges, i) for i, _ in ranges if i in apart)
    reason = _APART_AGES_REASON.format(ranges=shown)
    out = []
    for index, item in enumerate(items):
        if index in apart and item.parsed.kind == "age":
            parsed = replace(item.parsed, kind="manual", params={}, manual_reason=reason,
                             trace=(*item.parsed.trace, "age:apart"))
            item = replace(item, parsed=parsed)
        out.append(item)
    return out


def _age_range_text(ranges: list[tuple[int, tuple[int, int]]], index: int) -> str:
    low, high = dict(ranges)[index]
    if high >= 10**6:
        return f"{low // 12} years or more" if low % 12 == 0 else f"{low} months or more"
    if low % 12 == 0 and high % 12 == 11:
        return f"{low // 12}-{high // 12} years"
    return f"{low}-{high} months"


def _items_of(
    drafts: Iterable[_Draft],
    about: Sequence[str],
    max_age: float | None = None,
    compound: bool = True,
    *,
    vocabulary: Vocabulary,
) -> list[_Item]:
    """`compound`: an item not understood whole may yield one criterion per requirement
    it states (off for `parse_criterion`, which reads one criterion)."""
    check_criteria_data(vocabulary)  # once per vocabulary: the data name its concepts
    items: list[_Item] = []
    drafts_list = list(drafts)
    # A lupus trial names lupus in what it is about (its title) or in an inclusion item;
    # one that only excludes it ("SLE or another autoimmune disease") is about something
    # else.
    lupus_trial = any(_names_lupus(a, vocabulary) for a in about) or any(
        d.section == INCLUSION and _names_lupus(d.text, vocabulary) for d in drafts_list
    )
    shapes = [_shape(d) for d in drafts_list]
    headed = criteria_groups.heading_groups(shapes) if compound else {}
    cohorts = criteria_groups.cohort_scopes(shapes) if compound else None
    populations = criteria_groups.populations(shapes) if compound else None
    read: list[list[tuple[str, str, _Parsed]]] = []
    for index, draft in enumerate(drafts_list):
        clean = own = _clean_text(draft.text)
        if index in headed:
            # Under "At least one of the following:" the group reads the choice; the
            # rest of the heading is still the item's to account for.
            draft = replace(draft, context=(*draft.context[:-1], headed[index].heading))
        if draft.head is None:
            # "Current diagnosis of any of the following:" + "Sarcoidosis": the item
            # reads as "Current diagnosis of Sarcoidosis" (matcher.criteria.heading_frame).
            if draft.context:
                own, context = framed(own, draft.context)
                draft = replace(draft, context=context)
            elif draft.frame:
                own = framed(own, (draft.frame,))[0]
        if cohorts and draft.cohort is None and (index in cohorts
                                                 or guard.everyone_prefix(clean)):
            # "Confirmed myositis (population 2)", "All groups: age ≥ 18": the cohort
            # scope reads its own words.
            own = guard.without_cohort_mention(clean)
        try:
            ctype, parsed = _classify_draft(draft, own, lupus_trial, vocabulary)
            parts = [(ctype, clean, parsed)]
            # "Adult patients with SLE", "Male or female subjects with lupus nephritis"
            lead_parts = (_subject_lead_parts(draft, own, lupus_trial, vocabulary)
                          if compound and draft.head is None
                          and parsed.kind not in COMPUTABLE_KINDS else None)  # fmt: skip
            if lead_parts:
                parts = lead_parts
            elif compound and draft.head is None and _compound_worth_trying(parsed):
                parts = _compound(draft, own, lupus_trial, vocabulary, _policy(parsed)) or (
                    _list_parts(draft, own, lupus_trial, vocabulary)) or parts
            elif compound and draft.head is None and parsed.kind not in COMPUTABLE_KINDS:
                # "Patients with other autoimmune diseases. ... Individuals who refuse to
                # provide informed consent.": one clause read as consent is not the item.
                parts = _clause_parts(draft, own, lupus_trial, vocabulary) or parts
        except Exception as exc:  # noqa: BLE001 - one odd item must not sink the trial
            # Nothing is dropped and nothing crashes: a person reads this one.
            reason = f"could not be computed ({type(exc).__name__}); check by hand"
            parts = [(draft.section, clean, _manual(reason))]
        lead = own[: len(own) - len(clean)] if own != clean and own.endswith(clean) else ""
        if lead:
            # A part read with its heading's lead shows the item's own words.
            parts = [(t, p[len(lead):] if p.startswith(lead) else p, r) for t, p, r in parts]
        read.append(parts)
        shapes[index] = replace(shapes[index], parts=len(parts))
    any_of = criteria_groups.any_of_groups(shapes, headed) if compound else {}
    for index, parts in enumerate(read):
        for ctype, part, parsed in parts:
            item = _guarded_part(drafts_list, index, ctype, part, parsed, any_of.get(index),
                                 (cohorts or {}).get(index) if cohorts is not None else None,
                                 cohorts is not None, populations)  # fmt: skip
            items.append(item)
    return _guarded(_class_sets_read_together(items), about, max_age, vocabulary)


def _class_sets_read_together(items: list[_Item]) -> list[_Item]:
    """ "Class III or IV LN on a biopsy within 12 months" then "Class V may be present in
    addition to class III or IV": the second widens the first, which read alone would
    refuse III+V. An inclusion biopsy item that allows class V alongside classes it names
    lets V alongside in every other inclusion biopsy item of the same cohort asking for one
    of those classes and saying nothing of class V itself."""
    widening = [i for i in items if i.type == INCLUSION and i.parsed.kind == "biopsy"
                and "V" in i.parsed.params.get("allowed_with", ())]  # fmt: skip
    out: list[_Item] = []
    for item in items:
        params = item.parsed.params
        if (item.type == INCLUSION and item.parsed.kind == "biopsy"
                and "V" not in params.get("classes", ())
                and "V" not in params.get("allowed_with", ())
                and not _NAMES_CLASS_V.search(item.text)
                and any(w is not item and w.cohort == item.cohort
                        and set(w.parsed.params["classes"]) & set(params["classes"])
                        for w in widening)):  # fmt: skip
            widened = {**params, "allowed_with": [*params.get("allowed_with", ()), "V"]}
            parsed = replace(item.parsed, params=widened,
                             trace=(*item.parsed.trace, "biopsy:class-v-of-trial"))
            item = replace(item, parsed=parsed)
        out.append(item)
    return out


# An item that names class V (or membranous) decides on V for itself.
_NAMES_CLASS_V = re.compile(r"\bV\b|\b5\b|membranous", re.I)


def _shape(draft: _Draft) -> criteria_groups.DraftShape:
    """What grouping needs of a draft: its place under headings and its cohort."""
    text = _normalise(_clean_text(draft.text))
    return criteria_groups.DraftShape(
        draft.section, text, draft.heads, tuple(_normalise(h) for h in draft.context),
        draft.cohort or guard.cohort_mention(text),
    )


def _guarded_part(
    drafts: list[_Draft],
    index: int,
    ctype: str,
    clean: str,
    parsed: _Parsed,
    any_of: AnyOf | None = None,
    cohort_scope: CohortScope | None = None,
    cohorts_read: bool = False,
    populations: criteria_groups.Populations | None = None,
) -> _Item:
    """One criterion of draft `index` (an item, or one requirement of a compound item)
    with the guards of its place in the list: an either/or branch, a cohort block. A
    branch of an any-of group (`any_of`) and an item of a cohort the trial's cohorts
    were read into (`cohorts_read`, `cohort_scope`) need no guard: the ranking combines
    them (matcher.criteria.groups)."""
    draft = drafts[index]
    parsed = replace(parsed, trace=(f"section:{draft.section}", *parsed.trace))
    branch = _alternative_branch(drafts, index) if draft.section == INCLUSION else None
    if any_of is not None:
        parsed = replace(parsed, trace=(*parsed.trace, "group:any-of"))
    elif branch is not None and (parsed.kind in COMPUTABLE_KINDS
                                 or "coverage:manual" in parsed.trace):  # fmt: skip
        # "ANA ≥ 1:80; or" + "anti-dsDNA positive; or" + ...: each bullet is one
        # branch of an either/or; read alone, each would be made mandatory.
        parsed = _as_manual(parsed, f"{guard.GUARD_PREFIX}{branch}", "guard:alternative")
    # The whole item's words scope each of its criteria: "(Part B) Age 18-65, ECOG 0-1".
    cohort = draft.cohort or guard.cohort_mention(_normalise(_clean_text(draft.text)))
    if cohort is None and populations is not None and populations.subjects:
        cohort = populations.subjects.get(index)  # "Healthcare professionals who ..."
    addressed = populations.addressed(cohort) if populations and cohort else None
    if cohort_scope is not None:
        parsed = replace(parsed, trace=(*parsed.trace, "group:cohort"))
    elif addressed is not None:
        # "Patients:" beside "Healthy controls:": the engine matches patients.
        parsed = _population_part(parsed, cohort or "", addressed == "patients")
    elif cohort is not None and not cohorts_read:
        # "Inclusion criteria for the LN cohort:" applied to every patient would
        # include or exclude patients of the other cohorts on it.
        parsed = _as_manual(parsed, guard.cohort_reason(cohort), "guard:cohort")
    return _Item(draft.section, ctype, clean, parsed, any_of, cohort_scope)


def _population_part(parsed: _Parsed, population: str, patients: bool) -> _Parsed:
    """A criterion of a trial that takes patients and others (matcher.criteria.groups
    `populations`): the patients' block is read as the patients' criteria, the population
    kept in params ("cohort": "patients"); an item addressed to others ("Healthy controls:
    no autoimmune disease") never applies to a patient: it is left out of the match (a
    manual criterion no ranking waits on) with the population named."""
    population = " ".join(population.split())
    if patients:
        return replace(parsed, params={**parsed.params, "cohort": population},
                       trace=(*parsed.trace, "group:patient-population"))  # fmt: skip
    reason = f"never applied to a patient: the item is for {population}, not for the patients"
    # Whether its words were understood no longer matters: nothing of it is the patient's
    # to check (Criterion.unread is false, so the ranking does not wait on it).
    trace = [r for r in parsed.trace if r != "coverage:manual" and not r.startswith("guard:")]
    return _Parsed("manual", parsed.key, {"cohort": population, "cohort_is_patients": False},
                   reason, (*trace, "group:not-patients"))


# =====================================================================================
# Compound items: one item, several requirements
# =====================================================================================

# Where an item that is not understood whole may be cut into the requirements it states.
# An inclusion's "and", "with" and commas join requirements that must all hold ("Aged 12
# or older with SLE", "Age 18 to 65, ECOG 0-1"); an exclusion's "or" and commas join
# findings any one of which excludes ("Nursing mothers, pregnant women or ..."). A
# semicolon cuts both, and so does an age phrase after a subject ("Male or non-pregnant
# females | age 16 to 65"). "with or without" is never a cut.
# ... but never between an age group and its limits: "Children aged 5-17 with SLE".
# ... nor after a comparative, whose age it is: "or older than | age 70 years" left
# "older than" alone and the whole item manual.
_CUT_AGE = (r"(?<!\bchildren)(?<!\badults)(?<!\badolescents)(?<!\bthan)(?<!\bover)"
            r"(?<!\bunder)(?<!\babove)(?<!\bbelow)(?<!\bthe)"
            r"\s+(?=aged?\s+(?:(?:of|between|from)\s+)?[\d≥≤<>])"
            # ... and a bare age limit after the subject: "Adult SLE patients | >18 years".
            r"|(?:(?<=\bpatients)|(?<=\bpatient)|(?<=\bsubjects)|(?<=\bparticipants))"
            r"\s*(?=(?:[≥≤<>]=?|=>|=<)\s*\d{1,3}\s*(?:years?|yrs?)\b)")
_CUTS = {
    INCLUSION: re.compile(
        rf"\s*;\s*|{_CUT_AGE}|(?P<comma>,\s+(?:and\s+)?)|\s+and\s+"
        r"|(?P<with>\s+with\s+(?!or\b|/))",
        _I,
    ),
    EXCLUSION: re.compile(
        rf"\s*;\s*|{_CUT_AGE}|(?P<comma>,\s+(?:or\s+)?)|\s+(?:and/)?or\s+", _I
    ),
}
# A comma may be a list comma of the other connective: "ANA ≥ 1:80, anti-dsDNA or anti-Sm"
# is one either/or, so an inclusion's commas are no cuts when an "or" follows them, and
# an exclusion's none when an "and" follows.
_LIST_END = {INCLUSION: re.compile(r"\s(?:or|and/or)\s", _I),
             EXCLUSION: re.compile(r"\sand\s", _I)}  # fmt: skip
# Words whose reach the parse cannot bound: a condition ("if on steroids"), an exception,
# a choice ("either", "one of"), a widening ("or equivalent", "can be replaced by").
_UNSPLITTABLE = re.compile(
    r"\b(?:if|unless|except|excepting|excluding|other\s+than|apart\s+from|instead|replaced|"
    r"alternatively|either|one\s+or\s+more|one\s+of|any\s+of|at\s+least\s+(?:one|1)\s+of|"
    r"whichever|equivalent|otherwise|respectively|neither|nor)\b",
    _I,
)
# A piece may not start or end on a connective, nor end on a bare number whose unit
# follows in the next piece ("< 18 | or > 69 years").
# ... nor end on a colon: a label whose reach the parse cannot bound ("Key criteria for
# volunteers: aged 18 to 55; not pregnant").
# ... nor start a relative clause, which qualifies the piece before it ("..., who are
# not yet treated").
_DANGLING = re.compile(
    r"^(?:or|and|nor|but|and/or|who|whom|whose|which|that|where)\b|\b(?:or|and|and/or)$|[:：]$", _I
)
_SHARED_UNIT = re.compile(rf"^(?:{_OP}|\d)")
# A window that looks forward ("planning a pregnancy within 6 months after the last dose")
# dates a plan, not a finding: it cannot reach back over the items before it.
_FORWARD = re.compile(r"\b(?:after|during|following)\b", _I)
# An inline heading: "Adequate organ function: eGFR ≥ 30; ALT ≤ 3 × ULN" or a sub-heading
# "Renal function: ..." before a requirement.
_INLINE_HEADING = re.compile(r"^(?P<head>[^:;()]{3,80}?)\s*[:：]\s*(?=\S)")
_COMPOUND_MAX_PARTS = 8
_COMPOUND_MAX_CHARS = 600
# The sort of finding a piece names, for telling a list ("depression, bipolar disorder,
# and schizophrenia") from requirements of different sorts ("SLE and SLEDAI ≥ 6"): by the
# kind it was read as, else by its vocabulary terms' categories.
_SORT_OF_KIND = {"diagnosis": "diagnosis", "diagnosis_timing": "diagnosis", "biopsy": "biopsy",
                 "serology": "serology", "drug_exposure": "drug", "dose_exposure": "drug",
                 "pregnancy": "pregnancy"}  # fmt: skip
_SORT_OF_CATEGORY = {"diagnosis": "diagnosis", "procedure": "diagnosis", "drug": "drug",
                     "drug_class": "drug"}  # fmt: skip
_INCLUSION_OR = re.compile(r"\b(?:or|and/or)\b", _I)
# "with" joins two requirements after a complete phrase ("Aged 12 or older with SLE",
# "SLE with SLEDAI > 6"); after a verb it takes its object ("diagnosed with",
# "living with", "treated with").
# ("Adults with SSc", "Adult patients with SLE": the age group is a requirement of its own.)
_WITH_AFTER = re.compile(
    r"(?:\d|%|\)|\byears?|\bold|\bolder|\byounger|\bcriteria|\badults?"
    r"|\badult\s+(?:patients?|subjects?|participants?))\s*$",
    _I,
)
# Readings that decide a documented condition from a judgement wording ("no
# contraindication for cell collection" → poor venous access): beside "met the standards
# of leukapheresis" the item is the investigator's, so such an item is never cut.
_WHOLE_ITEM_RULES = ("venous", "hemodynamic")


def _top_level(text: str) -> list[bool]:
    """Per character: outside any bracket? "(hemodialysis or peritoneal dialysis)" is one
    term; its "or" is no cut."""
    return criteria_lists.top_level(text)


def _pieces(text: str, section: str, vocab: Vocabulary) -> list[str]:
    """The item cut at every top-level connective of its section, content-free pieces
    ("Patients", "who") joined to the piece after them."""
    if len(text) > _COMPOUND_MAX_CHARS:
        return []  # a paragraph, not an item: read whole (and in linear time)
    top = _top_level(text)
    list_end = _LIST_END[section]
    # A biopsy class list is one term too: "class III, | IV +/- V" cut at its comma left
    # "class III" alone, read as requiring class III only.
    terms = _term_spans(text, vocab) + [(m.start(), m.end()) for m in _lupus_class_lists(text)]
    cuts = [
        m for m in _CUTS[section].finditer(text)
        if top[m.start()] and m.end() > m.start()
        and not _inside_term(m.start(), m.end(), terms)
        and not (m["comma"] and list_end.search(text, m.end()))
        and not (m.groupdict().get("with") and not _ends_a_phrase(text[: m.start()], vocab))
    ]  # fmt: skip
    cuts += [m for m in _SENTENCE_END.finditer(text) if top[m.start()]]
    spans, start = [], 0
    for m in sorted(cuts, key=lambda c: c.start()):
        if m.start() < start:
            continue
        spans.append([start, m.start()])
        start = m.end()
    spans.append([start, len(text)])
    # A piece of filler words only joins the piece after it (the last joins the one
    # before), with the words between them: "Patients with | SLE" → "Patients with SLE".
    merged: list[list[int]] = []
    pending: int | None = None
    for begin, end in spans:
        if pending is not None:
            begin, pending = pending, None
        if _filler_only(text[begin:end]):
            pending = begin
            continue
        merged.append([begin, end])
    if pending is not None:
        if not merged:
            return []
        merged[-1][1] = len(text)
    return [p for p in (_clean_text(text[b:e]) for b, e in merged) if p]


def _term_spans(text: str, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Where vocabulary terms sit in `text`, in its own offsets (the terms are found in
    the normalised form, which NFKC may make longer or shorter per character)."""
    if text.isascii():
        # NFKC and the glyph and mark tables leave ASCII as it is: offsets are the text's.
        return [(t.start, t.end) for t in vocab.find_terms(text)]
    starts, parts = [], []
    for i, ch in enumerate(text):
        piece = _normalise(ch)
        starts.extend([i] * len(piece))
        parts.append(piece)
    norm = "".join(parts)
    starts.append(len(text))
    return [(starts[t.start], starts[t.end]) for t in vocab.find_terms(norm)]


def _inside_term(start: int, end: int, terms: list[tuple[int, int]]) -> bool:
    """Is the cut [start, end) inside a vocabulary term? "infection requiring
    hospitalisation or IV antibiotics" is one concept: its "or" joins no requirements."""
    return any(t_start < start and end < t_end for t_start, t_end in terms)


def _sorts(piece: str, parsed: _Parsed, vocab: Vocabulary) -> set[str]:
    if parsed.kind in COMPUTABLE_KINDS:
        return {_SORT_OF_KIND[parsed.kind]} if parsed.kind in _SORT_OF_KIND else set()
    return {_SORT_OF_CATEGORY[c] for t in vocab.find_terms(_normalise(piece))
            if (c := vocab[t.concept_id].category) in _SORT_OF_CATEGORY}  # fmt: skip


def _categories(piece: str, vocab: Vocabulary) -> set[str]:
    """The sorts of finding a piece names, outside brackets ("biopsy-proven lupus
    nephritis" is one: a condition); an age is one too."""
    norm = _masked_brackets(_normalise(piece))
    found = {(c := vocab[t.concept_id].category) and _SORT_OF_CATEGORY.get(c, c)
             for t in vocab.find_terms(norm)}  # fmt: skip
    return found | ({"age"} if _AGE_CUE.search(norm) else set())


def _masked_brackets(text: str) -> str:
    """The text with bracketed parts blanked: "(hemodialysis or peritoneal dialysis)"."""
    return "".join(ch if keep else " " for ch, keep in zip(text, _top_level(text), strict=True))


def _ends_a_phrase(left: str, vocab: Vocabulary) -> bool:
    """Does `left` end on a value, an age, named criteria or a vocabulary term?"""
    left = _normalise(left[-80:]).rstrip()
    if _WITH_AFTER.search(left):
        return True
    return any(t.end == len(left) for t in vocab.find_terms(left))


def _filler_only(piece: str) -> bool:
    """A piece that cannot be a requirement of its own: "Patients", "Subjects who"."""
    return not guard.unaccounted(_normalise(piece), (), [])


def _reaching_lead(text: str) -> bool:
    """Does the item open with a word that may reach every piece ("Active hepatitis or
    tuberculosis", "Stable MMF and prednisone")?"""
    grammar = load_grammar()
    skip = grammar.filler.words | set(grammar.lead_subjects) | set(grammar.lead_auxiliaries)
    for word in re.findall(r"[^\W_]+(?:-[^\W_]+)*", text):
        low = word.lower()
        if low in skip:
            continue
        return low in grammar.meaning_changing or low.split("-")[0] in grammar.meaning_changing
    return False


def _lead_word_at(text: str) -> int | None:
    """Where the item's first word that is no filler, subject or auxiliary starts."""
    grammar = load_grammar()
    skip = grammar.filler.words | set(grammar.lead_subjects) | set(grammar.lead_auxiliaries)
    for word in re.finditer(r"[^\W_]+(?:-[^\W_]+)*", text):
        if word[0].lower() not in skip:
            return word.start()
    return None


def _lead_distributed(
    text: str, out: list[tuple[str, str, _Parsed]], section: str,
    context: tuple[str, ...], lupus_trial: bool, vocabulary: Vocabulary,
) -> list[tuple[str, str, _Parsed]] | None:
    """The pieces of an item whose lead word is a history word that reads the same in
    every piece, or None. "History of chronic infection within 6 months, herpes zoster
    within 90 days or infection requiring IV antibiotics within 60 days": each piece states
    its own window, and "history of herpes zoster within 90 days" reads as "herpes zoster
    within 90 days" does. Every piece must be computed and carry its own window (a piece
    without one may be reached by a window elsewhere), and the lead put before each later
    piece must leave its reading unchanged ("history of active tuberculosis" is not
    "active tuberculosis")."""
    at = _lead_word_at(text)
    lead = load_temporality().history.match(text, at) if at is not None else None
    if lead is None or not re.match(r"\W|$", text[lead.end() : lead.end() + 1]):
        return None
    prefix = text[: lead.end()]
    for _, piece, parsed in out:
        if parsed.kind not in COMPUTABLE_KINDS or _window(piece) is None:
            return None
    for ctype, piece, parsed in out[1:]:
        with_lead = _classify(f"{prefix} {piece}", section, context, None, lupus_trial, vocabulary)
        if with_lead[0] != ctype or (with_lead[1].kind, with_lead[1].params) != (
            parsed.kind, parsed.params
        ):
            return None
    return [(t, p, replace(r, trace=(*r.trace, "compound:lead-distributed"))) for t, p, r in out]


def _history_lead_to_bare_drugs(
    text: str, out: list[tuple[str, str, _Parsed]], section: str,
    context: tuple[str, ...], lupus_trial: bool, vocabulary: Vocabulary,
) -> list[tuple[str, str, _Parsed]] | None:
    """The pieces with a history lead given to each later bare drug, or None (the item
    whole to a person). In "Any previous exposure to belimumab, telitacicept, atacicept or
    ..." the piece "telitacicept" alone reads as taken now; it is the lead's object,
    exposure at any time: read as "Any previous telitacicept". A piece the lead does not
    turn into a drug exposure leaves the item unread."""
    bare = [i for i, (_, _, p) in enumerate(out) if i and "drug:bare-current" in p.trace]
    at = _lead_word_at(text)
    lead = load_temporality().history.match(text, at) if bare and at is not None else None
    if lead is None:
        return out
    prefix = text[: lead.end()]
    given = list(out)
    for i in bare:
        ctype, piece, parsed = out[i]
        with_lead = _classify(f"{prefix} {piece}", section, context, None, lupus_trial, vocabulary)
        if with_lead[0] != ctype or with_lead[1].kind != "drug_exposure" or (
                with_lead[1].params.get("current")):  # fmt: skip
            return None
        # the compound rule that cut the item is the piece's last
        rules = (*with_lead[1].trace, parsed.trace[-1], "compound:history-lead")
        given[i] = (ctype, piece, replace(with_lead[1], trace=rules))
    return given


_WHO = re.compile(r"\bwho\b", _I)
_BARE_SUBJECT = re.compile(
    r"^\W*(?:(?:adult|female|male)\s+)?(?:wom[ae]n|m[ae]n|females?|males?|patients?|subjects?|"
    r"participants?|individuals?|persons?|people|those|girls?|boys?|volunteers?)\s*$",
    _I,
)


def _unless_parallel_relatives(pieces: list[str]) -> list[str]:
    """The pieces whose dangling start is checked: a later piece opening on "who" is a
    clause of its own when the first piece's subject is bare ("Women who are pregnant |
    who plan to become pregnant"): both are said of a woman, nothing else. Not when the
    subject names a finding ("Patients with anaemia who are pregnant | who had a
    transfusion": the transfusion is said of patients with anaemia)."""
    who = _WHO.search(pieces[0])
    if who is None or not _BARE_SUBJECT.match(pieces[0][: who.start()]):
        return pieces
    return [pieces[0], *(p for p in pieces[1:] if not _WHO.match(p))]


_CURRENT_LEAD = re.compile(r"(?:current(?:ly)?|presently)\b", _I)


def _current_lead_distributed(
    text: str, out: list[tuple[str, str, _Parsed]], section: str,
    context: tuple[str, ...], lupus_trial: bool, vocabulary: Vocabulary,
) -> list[tuple[str, str, _Parsed]] | None:
    """The pieces of an item led by "current"/"currently", or None. "Current pregnancy,
    breastfeeding, or planning a pregnancy": "current" reaches "breastfeeding", which reads
    as "current breastfeeding" does. Each later computed piece must read the same with the
    lead put before it ("currently active hepatitis, tuberculosis": "currently
    tuberculosis" may be read apart from "tuberculosis"); a piece left manual must be one
    the reader recognised (a plan, a consent), never one it did not understand, whose
    words might be the lead's object."""
    at = _lead_word_at(text)
    lead = _CURRENT_LEAD.match(text, at) if at is not None else None
    if lead is None:
        return None
    prefix = text[: lead.end()]
    for ctype, piece, parsed in out[1:]:
        if parsed.kind not in COMPUTABLE_KINDS:
            if _loose(parsed):
                return None
            continue
        with_lead = _classify(f"{prefix} {piece}", section, context, None, lupus_trial, vocabulary)
        if with_lead[0] != ctype or (with_lead[1].kind, with_lead[1].params) != (
            parsed.kind, parsed.params
        ):
            return None
    return [(t, p, replace(r, trace=(*r.trace, "compound:lead-distributed"))) for t, p, r in out]


def _reaching_time(text: str) -> bool:
    return (_window(text) is not None or _duration(text) is not None) and not _FORWARD.search(
        text
    )


_LOOSE_REASON = "no computable concept recognised"


def _loose(parsed: _Parsed) -> bool:
    """A manual reading that did not understand its words (as opposed to one that
    recognised a non-computable requirement: consent, a planned pregnancy)."""
    return "coverage:manual" in parsed.trace or parsed.manual_reason == _LOOSE_REASON


def _compound_worth_trying(parsed: _Parsed) -> bool:
    # "Pregnant or planning a pregnancy", "on dialysis or expected to need it": the plan
    # made the whole item manual. "Pregnant or nursing women, or women of childbearing
    # potential not using contraception": the policy reason made it manual.
    return parsed.kind not in COMPUTABLE_KINDS and (
        _loose(parsed) or _planned(parsed) or _policy(parsed)
    )


def _planned(parsed: _Parsed) -> bool:
    """A reading of a plan or expectation: "planning a pregnancy within a year"."""
    return "kinds:pregnancy:future" in parsed.trace or parsed.manual_reason == _PLAN_REASON


# The readers whose manual reason names something a person checks at screening:
# consent, contraception, an allergy, the investigator's judgement, another study.
_POLICY_RULES = ("rule:manual_cues", "rule:consent", "rule:allergy")  # allergy: the study drug


def _policy(parsed: _Parsed) -> bool:
    """A manual reading that recognised a requirement a person checks (a policy of the
    screening visit, a threshold the reader cannot read, BILAG grades), as opposed to one
    that did not understand its words. Its reason is about its own clause only."""
    if parsed.kind in COMPUTABLE_KINDS or _loose(parsed) or _planned(parsed):
        return False
    reason = parsed.manual_reason or ""
    return (
        any(rule in parsed.trace for rule in _POLICY_RULES)
        or _UNREAD_THRESHOLD_RULE in parsed.trace
        or _PARTIAL_SCORE_RULE in parsed.trace
        or reason == _BILAG_REASON
    )


@dataclass(frozen=True)
class _Reach:
    """An item cut around its policy clauses: the pieces to read (each policy clause one
    piece), and the text outside the policy clauses that may carry an exception ("if",
    "except") reaching the other pieces."""

    pieces: list[str]
    outside: str
    policy: bool = True  # False: no piece is read as what a person checks


# A clause that qualifies the words before it rather than stating a requirement of its
# own: "Significant liver disease, as judged by the investigator", "Heart failure, in the
# investigator's opinion severe", "..., which in the opinion of the investigator ...".
_QUALIFYING_START = re.compile(
    r"^(?:as|in|per|according|based|due|because|which|who|whom|whose|that|where|when|"
    r"if|unless|except|than|by|so|such|deemed|judged|considered|determined|assessed)\b",
    _I,
)
# "Anaphylaxis or hypersensitivity to rituximab", "malignancy or another illness with a
# life expectancy under 5 years": in an exclusion, what follows the policy words may be
# shared with the piece joined to them by a bare "or"/"and" (an anaphylaxis to rituximab,
# a malignancy with that life expectancy). Only after a comma, a semicolon or a sentence
# end does the clause stand alone; a contraception clause says whom it is about
# ("pregnant, lactating or of childbearing potential without contraception").
def _shares_object(parsed: _Parsed) -> bool:
    """May the words after this reading's cue belong to the piece before it too? A
    threshold belongs to its analyte ("dialysis or serum creatinine above 2.5": an
    unreadable value reaches no further back)."""
    return (any(rule in parsed.trace for rule in _POLICY_RULES)
            and parsed.manual_reason != _OWN_EXCEPTIONS_REASON)  # fmt: skip


_SEPARATE_CLAUSE = re.compile(r"[,;]\s*(?:(?:and/)?or|and)?\s*$", _I)
# A contraception clause's exceptions are about who must use it ("women of childbearing
# potential except if post-menopausal or surgically sterile"): they stay in the clause.
_OWN_EXCEPTIONS_REASON = _CONTRACEPTION_REASON
# A sentence that admits someone back ("... may be included", "are eligible") qualifies
# the sentences before it.
_READMITS = re.compile(
    r"\b(?:eligible|allowed|permitted|acceptable|included|enrolled|exempt(?:ed)?)\b", _I
)


def _policy_reach(
    text: str, section: str, context: tuple[str, ...], lupus_trial: bool, vocabulary: Vocabulary
) -> _Reach | None:
    """The pieces of an item read whole as something a person checks, with the policy
    reason holding only the words it is about: its clause, from the cut before the words
    it was read from to the end of their sentence ("Pregnant or nursing women | or women
    of childbearing potential not using contraception"), and every other sentence read
    alone ("Patients with another autoimmune disease. | Pregnant or lactating women. |
    Patients who refuse to give consent."). None when the clause qualifies the words
    before it (`_QUALIFYING_START`), may share their object (`_SEPARATE_CLAUSE`), or
    a sentence admits someone back (`_READMITS`)."""
    top = _top_level(text)
    ends = [m for m in _SENTENCE_END.finditer(text) if top[m.start()]]
    bounds = [(0, ends[0].start() if ends else len(text))]
    bounds += [(a.end(), b.start()) for a, b in itertools.pairwise(ends)]
    bounds += [(ends[-1].end(), len(text))] if ends else []
    pieces: list[str] = []
    outside: list[str] = []
    found_policy = False
    for begin, end in bounds:
        sentence = text[begin:end].strip()
        if not sentence:
            continue
        if _READMITS.search(sentence):
            return None
        parts = (_pieces(sentence, section, vocabulary) if len(sentence) <= _COMPOUND_MAX_CHARS
                 else [])  # fmt: skip
        if not parts:
            return None
        cursor, cut = 0, None
        for index, part in enumerate(parts):
            at = sentence.find(part, cursor)
            if at < 0:
                return None
            cursor = at + len(part)
            parsed = _classify(part, section, context, None, lupus_trial, vocabulary)[1]
            if _policy(parsed):
                cut = (index, at, parsed)
                break
        if cut is None:
            pieces += parts
            outside.append(sentence)
            continue
        index, at, parsed = cut
        found_policy = True
        clause, head = sentence[at:], sentence[:at]
        if index and (_QUALIFYING_START.match(clause) or (
                section == EXCLUSION and _shares_object(parsed)
                and not _SEPARATE_CLAUSE.search(head))):  # fmt: skip
            return None
        pieces += [*parts[:index], _clean_text(clause)]
        outside.append(head)
        if index and parsed.manual_reason != _OWN_EXCEPTIONS_REASON:
            outside.append(clause)
    return _Reach(pieces, " ".join(outside), found_policy)


def _compound(
    draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary, policy: bool = False
) -> list[tuple[str, str, _Parsed]] | None:
    """The requirements of an item the reader could not take whole, each read alone:
    [(type, text, reading)], or None when the item is not cut (one piece, a piece an
    exclusion cannot account for, a connective whose reach the parse cannot bound).
    `policy`: the item was read whole as something a person checks (`_policy`); that
    reading keeps its own clause only (`_policy_reach`)."""
    section, context = draft.section, draft.context
    text = clean
    heading = _INLINE_HEADING.match(text)
    rule = "compound:all-of" if section == INCLUSION else "compound:any-of"
    reach = (_policy_reach(text, section, context, lupus_trial, vocabulary)
             if policy and not heading else None)  # fmt: skip
    if reach is not None and not reach.policy:
        # "A history of HCQ allergy, G6PD deficiency, ...": the whole item read as a check
        # at screening ("allergies are ...") from words no piece of it is read as; each
        # piece is read on its own as in any item.
        reach, policy = None, False
    if policy and reach is None:
        return None
    unreached = reach.outside if reach is not None else text
    if heading and _groups_only(heading["head"]):
        # "Important organs basically normal: Cardiac: LVEF ≥ 55%; Renal: eGFR ≥ 30":
        # the heading only groups the requirements after it.
        context = (*context, heading["head"])
        text, rule = text[heading.end() :], "compound:heading"
    elif heading or _UNSPLITTABLE.search(unreached) or guard.lead_negation(_normalise(text)):
        # "Diabetes group: age 30-70, type 2 diabetes": a label that may scope the item
        # to a cohort; "one or more of: ...", "if on steroids, ...": reach unknown.
        return None
    # "Active hepatitis or tuberculosis": the lead may reach every piece. Only pieces read
    # as something a person checks may lose it ("Currently on dialysis or expected to need
    # it", "currently pregnant or planning a pregnancy").
    reaching = _reaching_lead(text)
    pieces = reach.pieces if reach is not None else _pieces(text, section, vocabulary)
    if not 2 <= len(pieces) <= _COMPOUND_MAX_PARTS or any(
            _DANGLING.search(p) for p in _unless_parallel_relatives(pieces)):  # fmt: skip
        return None
    if any(a[-1:].isdigit() and _SHARED_UNIT.match(b) for a, b in itertools.pairwise(pieces)):
        return None
    out: list[tuple[str, str, _Parsed]] = []
    timed = True  # every computed piece so far carries its own time
    for piece in pieces:
        own_context = context
        sub = _INLINE_HEADING.match(piece)
        if rule == "compound:heading" and sub and _groups_only(sub["head"]):
            own_context, piece = (*context, sub["head"]), piece[sub.end() :]
        ctype, parsed = _classify(piece, section, own_context, None, lupus_trial, vocabulary)
        sibling = (pregnancy_sibling(piece) if section == EXCLUSION and out
                   and out[-1][2].kind == "pregnancy" and out[-1][2].params.get("present")
                   else None)  # fmt: skip
        if sibling is not None:
            # "pregnant or nursing or who intend to be": the piece is said of the pregnancy.
            ctype, parsed = _classify(sibling, section, own_context, None, lupus_trial,
                                      vocabulary)  # fmt: skip
            parsed = replace(parsed, trace=(*parsed.trace, "compound:pregnancy-sibling"))
        computed = parsed.kind in COMPUTABLE_KINDS
        if any(f"rule:{k}" in parsed.trace for k in _WHOLE_ITEM_RULES):
            return None
        if not computed and section == EXCLUSION and _loose(parsed) and not (
                criteria_lists.stands_alone(pieces, len(out),
                                            lambda text: _term_spans(text, vocabulary),
                                            _reaching_time)):  # fmt: skip
            return None  # "A or B requiring hospitalisation": the rest may narrow A
        if parsed.kind == "sex":
            # "Pregnant women, male or female who plan a pregnancy": a sex word in a list is
            # the subject of the next piece, not a requirement; read alone, "male" excluded
            # every man.
            return None
        # An age ("| ≥ 18 years of age") is no time reaching the pieces before it.
        if _reaching_time(piece) and not timed and not _planned(parsed) and parsed.kind != "age":
            # "A, B or C within 90 days": the window reaches A and B. A plan's window
            # looks forward ("or planning a pregnancy within a year of entry"): its own.
            return None
        timed = timed and (not computed or _reaching_time(piece))
        parsed = replace(parsed, trace=(*parsed.trace, rule))
        out.append((ctype, piece, parsed))
    computed = [p for _, _, p in out if p.kind in COMPUTABLE_KINDS]
    if not computed or _an_unread_class(pieces, out):
        return None
    out = _history_lead_to_bare_drugs(text, out, section, context, lupus_trial, vocabulary)
    if out is None:
        return None
    if reaching and any(p.kind in COMPUTABLE_KINDS or _loose(p) for _, _, p in out[1:]):
        distributed = _lead_distributed(text, out, section, context, lupus_trial, vocabulary) or (
            _current_lead_distributed(text, out, section, context, lupus_trial, vocabulary))
        if distributed is None:
            return None
        out = distributed
    if section == INCLUSION and rule != "compound:heading":
        # "Diagnosis of depression, bipolar disorder, and schizophrenia", "tests for HIV,
        # HCV, HBV": findings of one sort listed together are alternatives, not each
        # required.
        sorts = [f for _, t, p in out for f in _sorts(t, p, vocabulary)]
        if len(sorts) != len(set(sorts)):
            return None
        # "HbA1c ≥ 8% or T2D and on medication": whether "or" or "and" binds first is
        # not in the words. An "or" between findings of one sort ("SLEDAI > 8 or BILAG
        # A", "positive ANA or anti-dsDNA") stays inside its piece; between sorts it may
        # be the outer connective.
        if any(_INCLUSION_OR.search(_masked_brackets(t)) and p.kind not in COMPUTABLE_KINDS
               and len(_categories(t, vocabulary)) > 1 for _, t, p in out):  # fmt: skip
            return None
    return out


# =====================================================================================
# One item, many criteria: clauses and list members (matcher.criteria.lists)
# =====================================================================================

_Part = tuple[str, str, _Parsed]


# The subject an inclusion item opens with: "Adult patients with", "Male or female
# subjects diagnosed with", "Adults", "Adult male and female patients". Both sexes named
# restrict nothing; "adult" is an age of 18 or more. A subject the rest of the item does
# not follow with "with" / "diagnosed with" / "having" is read only when it is the
# whole item ("Adult patients").
_BOTH_SEXES = (r"(?:(?:males?|men|boys)\s*(?:,|and|or|and/or|&|/)\s*(?:females?|women|girls)|"
               r"(?:females?|women|girls)\s*(?:,|and|or|and/or|&|/)\s*(?:males?|men|boys))")
_SUBJECT_LEAD = re.compile(
    rf"^\W*(?:(?P<adult>adults?)(?:\s+{_BOTH_SEXES})?|{_BOTH_SEXES}|(?P<adult2>adult)\s+"
    rf"{_BOTH_SEXES})?"
    r"(?:\s*(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?))?"
    r"(?P<tail>\s+(?:(?:who\s+(?:are|were|have\s+been)\s+|newly\s+|being\s+)?diagnosed\s+with|"
    r"with(?:\s+a\s+diagnosis\s+of)?|having|suffering\s+from)\s+(?=\S)|\s*[.;]?\s*$)",
    _I,
)


_AGED_SUBJECT_LEAD = re.compile(
    r"^(?P<lead>[^;:]{3,80}?\b(?:years?|yrs?)(?:\s+(?:old|of\s+age))?(?:\s*\([^()]{1,30}\))?)"
    r"\s+(?:(?:who\s+(?:are|were|have\s+been)|and|newly)\s+)?(?:diagnosed\s+with|"
    r"with\s+a\s+(?:confirmed\s+)?diagnosis\s+of|suffering\s+from)\s+(?P<rest>\S.*)$",
    _I,
)


def _read_all(draft: _Draft, pieces: list[str], lupus_trial: bool, vocabulary: Vocabulary,
              kinds: tuple[str | None, ...]) -> list[_Part] | None:  # fmt: skip
    """Each piece read alone, all computable (and of the kind asked, None: any), else
    None."""
    parts: list[_Part] = []
    for piece, kind in zip(pieces, kinds, strict=True):
        piece = piece.strip()
        ctype, parsed = _classify_draft(replace(draft, text=piece), piece, lupus_trial, vocabulary)
        if parsed.kind not in COMPUTABLE_KINDS or kind not in (None, parsed.kind):
            return None
        parts.append((ctype, piece, parsed))
    return parts


def _subject_lead_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                        ) -> list[_Part] | None:  # fmt: skip
    """An inclusion item opening with its subject: "Adults with active systemic sclerosis"
    is age ≥ 18 and the diagnosis; "Male or female patients with SLE" the diagnosis
    alone; "Adult patients" age ≥ 18. None when the item has no such subject, or it
    names no age and no sex (a plain "Patients with"), or the rest is not understood."""
    if draft.section != INCLUSION:
        return None
    sexed = _sex_age_parts(draft, clean, lupus_trial, vocabulary)
    if sexed is not None:
        return sexed
    aged = _AGED_SUBJECT_LEAD.match(clean)
    if aged is not None:
        # "Patients older than 18 years (of both sexes) diagnosed with RA per ...": the
        # age the subject is given, then the diagnosis
        return _read_all(draft, [aged["lead"], aged["rest"]], lupus_trial, vocabulary,
                         ("age", None))
    m = _SUBJECT_LEAD.match(clean)
    if m is None or m.end("tail") == m.start("tail") and m.end() < len(clean):
        return _adult_noun_parts(draft, clean, lupus_trial, vocabulary)
    lead = clean[: m.start("tail")]
    adult = bool(m["adult"] or m["adult2"])
    if not adult and not re.search(_BOTH_SEXES, lead, _I):
        return None
    parts: list[_Part] = []
    if adult:
        age = _Parsed("age", "age", {"min_years": 18, "max_years": None})
        age = replace(age, trace=("kind:age", "rule:subject-lead"))
        parts.append((INCLUSION, lead.strip(), age))
    rest = clean[m.end() :].strip()
    if rest:
        read = _read_all(draft, [rest], lupus_trial, vocabulary, (None,))
        if read is None:
            return None
        parts += read
    return parts or None


# One sex named as the subject of an age, before it or after it: "Women aged 40 to 75
# years", "Male participants 18-55 years", "18-50-year-old women", "Age 45-80, female".
# Only the sex word and a subject noun: "Pregnant women aged 18-40" or "Healthy women ..."
# open with another word and are not cut (the state or the population must be read).
_ONE_SEX_SUBJECT = (r"(?:only\s+)?(?:females?|women|woman|girls?|males?|men|man|boys?)"
                    r"(?:\s+(?:patients?|subjects?|participants?|individuals?|persons?|"
                    r"people|volunteers?))?(?:\s+only)?")
# The age opens with an age word or a number: "Women whose child is aged 2-5" is not one.
_AGE_OPENING = (r"(?:aged?\b|ages\b|between\b|over\b|above\b|under\b|below\b|"
                r"at\s+least\b|older\b|younger\b|from\b|up\s+to\b|[\d\u2265\u2264<>=])")
_SEX_BEFORE_AGE = re.compile(
    rf"^\W*(?P<sex>{_ONE_SEX_SUBJECT})\s*[,:;]?\s+(?P<age>{_AGE_OPENING}.*?)[\s.;]*$", _I)
_SEX_AFTER_AGE = re.compile(
    rf"^\W*(?P<age>{_AGE_OPENING}.*?)\s*[,;]?\s+(?P<sex>{_ONE_SEX_SUBJECT})[\s.;]*$", _I)


def _sex_age_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                   ) -> list[_Part] | None:  # fmt: skip
    """ "Women aged 40 to 75 years" is two requirements of an inclusion, the sex and the
    age, when the sex words read as a sex and the rest, read alone, as an age (every word
    of it accounted for by the age reader); else None."""
    for pattern in (_SEX_BEFORE_AGE, _SEX_AFTER_AGE):
        m = pattern.match(clean)
        if m is not None:
            # in the item's own order, as every item's criteria are listed
            first, second = sorted(("sex", "age"), key=m.start)
            read = _read_all(draft, [m[first], m[second]], lupus_trial, vocabulary,
                             (first, second))
            if read is not None:
                return [(t, p, replace(r, trace=(*r.trace, "rule:sex-and-age")))
                        for t, p, r in read]
    return None


# "Adult kidney transplant recipients", "Adult type 2 diabetes patients": "adult" before the
# condition itself, no "with" between.
_ADULT_BEFORE = re.compile(r"^\W*(?P<adult>adults?)\s+(?=[^\W\d_])", _I)


def _adult_noun_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                      ) -> list[_Part] | None:  # fmt: skip
    """ "Adult kidney transplant recipients" is age ≥ 18 and the rest read on its own, when
    the rest is wholly understood. Not when "adult" is a word of a vocabulary term ("adult
    onset Still's disease" is a disease, at any age it is diagnosed)."""
    m = _ADULT_BEFORE.match(clean)
    if m is None or any(t.start <= m.start("adult") < t.end for t in vocabulary.find_terms(clean)):
        return None
    read = _read_all(draft, [clean[m.end():]], lupus_trial, vocabulary, (None,))
    if read is None:
        return None
    age = _Parsed("age", "age", {"min_years": 18, "max_years": None},
                  trace=("kind:age", "rule:subject-lead:adult"))
    return [(INCLUSION, m["adult"], age), *read]


def _list_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                ) -> list[_Part] | None:  # fmt: skip
    """The criteria of an item `_compound` could not cut: its clauses, each read on its
    own, else the members of its list. None when neither yields a computed criterion."""
    return (_clause_parts(draft, clean, lupus_trial, vocabulary)
            or _member_parts(draft, clean, lupus_trial, vocabulary)
            or _example_parts(draft, clean, lupus_trial, vocabulary))  # fmt: skip


def _clause_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                  ) -> list[_Part] | None:  # fmt: skip
    """ "History of peptic ulcer or GI bleeding; treatment with warfarin within 14 days":
    each clause is a criterion of its own, read whole, else cut as any item is; a clause
    not understood stays manual with its own reason and costs the others nothing."""
    found = criteria_lists.clauses(clean, _top_level(clean), _SENTENCE_END)
    if found is None:
        return None
    out: list[_Part] = []
    for clause in found:
        ctype, parsed = _classify(clause, draft.section, draft.context, None, lupus_trial,
                                  vocabulary)
        parts = [(ctype, clause, parsed)]
        if _compound_worth_trying(parsed):
            sub = replace(draft, text=clause)
            parts = _compound(sub, clause, lupus_trial, vocabulary) or _member_parts(
                sub, clause, lupus_trial, vocabulary) or parts
        out += [(t, p, replace(r, trace=(*r.trace, "list:clause"))) for t, p, r in parts]
    return out if any(p.kind in COMPUTABLE_KINDS for _, _, p in out) else None


def _member_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                  ) -> list[_Part] | None:  # fmt: skip
    """The members of an exclusion's list, each read with what reaches it (see
    matcher.criteria.lists): computed when every reading the list's words allow agrees,
    else manual naming the words that may reach it."""
    # "Serious infection such as bacteraemia, sepsis": examples of the lead, which is the
    # criterion; read alone, "sepsis" would lose "serious" and the other infections.
    # An exception in a bracket is its member's own: "previous malignancy (except skin
    # cancer), diabetes or HIV".
    if (draft.section != EXCLUSION or _UNSPLITTABLE.search(_masked_brackets(clean))
            or _ANY_EXAMPLE_CUE.search(clean) or _DEFINES.search(clean)
            or guard.lead_negation(_normalise(clean))):  # fmt: skip
        return None
    found = criteria_lists.members(clean, _finding_spans(clean, vocabulary),
                                   lambda text: _finding_spans(text, vocabulary),
                                   _reaching_time)
    if found is None or not _members_apart(found, vocabulary):
        return None
    return _read_members(found, draft, lupus_trial, vocabulary)


def _finding_spans(text: str, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Vocabulary terms, and the treated-infection phrases, which name one finding as a
    term does: the "or" of "infection requiring hospitalisation or IV anti-infective
    treatment within 4 weeks, or active tuberculosis" cuts no member before "IV"."""
    from matcher.criteria.treated_infection import treated_infection_spans

    return _term_spans(text, vocab) + treated_infection_spans(text)


def _read_members(found: list[criteria_lists.Member], draft: _Draft, lupus_trial: bool,
                  vocabulary: Vocabulary
                  ) -> list[_Part] | None:  # fmt: skip
    """Each member read with every reading its reach allows: computed when they agree,
    else manual naming the words that may reach it. None when a member may not be read
    apart (a sex word, a judgement rule, a window that may reach the others) or none is
    computed."""
    out: list[_Part] = []
    measured = _measured_tail(found, draft, lupus_trial, vocabulary)
    for member in found:
        member = _without_measured_tail(member, measured, draft, lupus_trial, vocabulary)
        read = [_classify(t, draft.section, draft.context, None, lupus_trial, vocabulary)
                for t in (member.own, *member.variants)]  # fmt: skip
        ctype, parsed = read[0]
        if parsed.kind == "sex" or any(f"rule:{k}" in p.trace for _, p in read
                                       for k in _WHOLE_ITEM_RULES):  # fmt: skip
            return None
        agree = all((t, p.kind, p.params) == (ctype, parsed.kind, parsed.params)
                    for t, p in read[1:])  # fmt: skip
        if not agree and _reaching_time(member.reach):
            return None  # "A, B or C within 90 days": the window reaches A and B
        text = member.shown if agree and parsed.kind in COMPUTABLE_KINDS else member.own
        if not agree and any(p.kind in COMPUTABLE_KINDS for _, p in read):
            reason = f'whether "{member.reach}" also applies to it is not stated'
            parsed = _manual(reason, parsed.key)
        out.append((ctype, text, replace(parsed, trace=(*parsed.trace, member.rule))))
    if _an_unread_class([m.own for m in found], out):
        return None
    return out if any(p.kind in COMPUTABLE_KINDS for _, _, p in out) else None


# "Crohn's disease or other forms of IBD", "coronary heart disease or other major
# atherosclerotic cardiovascular disease": the last member names the class the members
# before it belong to.
_OTHER_CLASS = re.compile(r"^\W*(?:or\s+|and/or\s+)?(?:any\s+)?other\b", _I)


def _an_unread_class(texts: Sequence[str], out: Sequence[_Part]) -> bool:
    """Is a piece after the first an unread class of the pieces before it ("A or other
    forms of B")? The item then names B with A as its example, one criterion: computing A
    alone left the rest of B to a separate line that reads as a criterion of its own, so
    the item is read whole (and stays manual naming the words of B nobody read)."""
    return any(_OTHER_CLASS.match(text) and _unread(parsed)
               for text, (_, _, parsed) in zip(texts[1:], out[1:], strict=True))


def _unread(parsed: _Parsed) -> bool:
    """Left manual for words nobody read, not for a reason of its own ("any other
    condition that in the opinion of the investigator ..." is a judgement, its own item)."""
    reason = parsed.manual_reason or ""
    return parsed.kind == "manual" and reason.startswith(
        ("not understood", "no computable concept recognised"))


# The kinds that measure something: a threshold that ends a list is theirs.
_MEASURING_KINDS = frozenset({"lab", "vital", "score"})
# The kinds of a finding no threshold on a measure can qualify ("Tuberculosis" is not
# "tuberculosis < 50,000/mm3"). A drug may take a dose ("prednisone or methylprednisolone
# > 10 mg/day"): not among them.
_UNMEASURED_KINDS = frozenset({"diagnosis", "allergy", "pregnancy"})


def _measured_tail(found: list[criteria_lists.Member], draft: _Draft, lupus_trial: bool,
                   vocabulary: Vocabulary) -> str:  # fmt: skip
    """The tail of a list that is the threshold of its last member's measure, or "":
    "Tuberculosis, HIV infection or platelets < 50,000/mm3" ends on the platelet count's
    limit, which reaches no diagnosis before it."""
    tail = found[0].tail if found else ""
    if not tail or criteria_lists.threshold_at(tail) is None:
        return ""
    # "History of A, B or creatinine clearance < 30": whether the history lead reaches the
    # measure is its own member's question; the limit is the measure's either way.
    own = found[-1].own
    own = own[criteria_lists.history_end(own) :]
    last = _classify(own, draft.section, draft.context, None, lupus_trial, vocabulary)[1]
    return tail if last.kind in _MEASURING_KINDS else ""


def _without_measured_tail(member: criteria_lists.Member, measured: str, draft: _Draft,
                           lupus_trial: bool, vocabulary: Vocabulary
                           ) -> criteria_lists.Member:  # fmt: skip
    """The member without the variants that put a measure's threshold (`measured`) after
    a finding it cannot qualify; its reach names the words that still may reach it."""
    if not measured or member.tail != measured:
        return member
    own = _classify(member.own, draft.section, draft.context, None, lupus_trial, vocabulary)[1]
    if own.kind not in _UNMEASURED_KINDS:
        return member
    variants = tuple(dict.fromkeys(v for v in member.variants if not v.endswith(f" {measured}")))
    reach = [r for r in dict.fromkeys(member.reach.split(" … ")) if r != measured]
    return replace(member, variants=variants, reach=" … ".join(reach), tail="")


# "Other severe comorbidities (HIV, hepatitis B, ...)", "other medical conditions such as
# diabetes or HIV": examples after a head that names a category of conditions.
_EXAMPLES = re.compile(
    r"^(?P<head>[^()]{3,160}?)\s*(?:\(\s*(?:(?:e\.\s?g\.|eg|such\s+as|including|incl\.|"
    r"for\s+example|for\s+instance)[\s,:]*)?(?P<bracket>[^()]+)\)|,?\s*(?:such\s+as|e\.\s?g\.|"
    r"eg|including|for\s+example|for\s+instance)[\s,:]+(?P<tail>[^()]+))$",
    _I,
)


def _example_parts(draft: _Draft, clean: str, lupus_trial: bool, vocabulary: Vocabulary
                   ) -> list[_Part] | None:  # fmt: skip
    """ "Other severe active co-morbidities (HIV, hepatitis B, severe gastrointestinal,
    neurological or blood disorders)": under a head naming a category of conditions that
    the reader cannot read, each example named is an instance of it and is excluded, read
    with the head's qualifiers ("severe active HIV": only its absence decided); the head
    stays a criterion of its own, left to a person (it covers more than its examples). A
    head the reader reads ("Serious infection such as sepsis") keeps the item whole, and
    so does a head with any word beyond filler, qualifiers and category words
    ("Co-morbidity preventing exercise (...)")."""
    if draft.section != EXCLUSION or guard.lead_negation(_normalise(clean)):
        return None
    m = _EXAMPLES.match(clean.rstrip(" .;,"))
    if m is None:
        return None
    head, examples = m["head"].strip(" ,:"), (m["bracket"] or m["tail"]).strip(" ,;:")
    examples = re.sub(r"[,\s]*\betc\.?$", "", examples, flags=_I).strip(" ,")
    qualifiers = criteria_lists.category_qualifiers(head)
    if qualifiers is None or _UNSPLITTABLE.search(examples) or _DEFINES.search(examples):
        return None
    ctype, whole = _classify(head, draft.section, draft.context, None, lupus_trial, vocabulary)
    if whole.kind in COMPUTABLE_KINDS or _reaching_time(examples):
        return None
    found = criteria_lists.members(examples, _term_spans(examples, vocabulary),
                                   lambda text: _term_spans(text, vocabulary), _reaching_time)
    if found is None or not _members_apart(found, vocabulary):
        return None
    found = [criteria_lists.with_qualifiers(member, qualifiers) for member in found]
    read = _read_members(found, draft, lupus_trial, vocabulary)
    if read is None:
        return None
    judged = qualifiers[criteria_lists.history_end(qualifiers):].strip()
    if judged:
        # "severe active ... neurological disorders": an example that is itself a category
        # is no instance; how severe a category of conditions is, a person judges.
        reason = (f'"{judged}" of a category of conditions: how severe or active it is, '
                  "a person judges")
        read = [(t, p, _as_manual(r, reason, "list:category-example")
                 if r.kind in COMPUTABLE_KINDS and criteria_lists.names_category(p) else r)
                for t, p, r in read]  # fmt: skip
        if not any(r.kind in COMPUTABLE_KINDS for _, _, r in read):
            return None
    head_part = (ctype, head, replace(whole, trace=(*whole.trace, "list:example-head")))
    return [head_part, *((t, p, replace(r, trace=(*r.trace, "list:example")))
                         for t, p, r in read)]  # fmt: skip


# "Substance abuse disorder (i.e., drugs, alcohol)": what follows defines the lead.
_DEFINES = re.compile(r"\bi\.\s?e\.|\bie\b|\bnamely\b|\bthat\s+is\b", _I)


def _members_apart(found: list[criteria_lists.Member], vocab: Vocabulary) -> bool:
    """Can the members be read apart? Not when two name one concept and one of them says
    no time of its own ("Cancer or history of cancer cured less than 5 years ago": the
    contrast makes the first a current cancer), nor when the last ends on a bracket
    stating a time ("hydroxychloroquine or another antimalarial (-3 months)": the time may
    reach every member)."""
    named = [{t.concept_id for t in vocab.find_terms(_normalise(m.own))} for m in found]
    for (a, first), (b, second) in itertools.combinations(zip(named, found, strict=True), 2):
        # "current smoker or former smoker (> 10 pack-years)": each says its own time.
        if a & b and not (criteria_lists.opens_on_time(first.own)
                          and criteria_lists.opens_on_time(second.own)):  # fmt: skip
            return False
    last = found[-1].own
    brackets = re.findall(r"\(([^()]*)\)", last)
    return not any(_reaching_time(b) or re.search(r"\d\s*(?:months?|weeks?|days?|years?)\b", b, _I)
                   for b in brackets)  # fmt: skip


_ONE_OF = re.compile(
    r"\b(?:at\s+least\s+(?:one|1|two|2|three|3)|(?:any\s+)?one\s+(?:or\s+more\s+)?of|either|"
    r"any\s+of)\b",
    _I,
)


def _alternative_branch(drafts: list[_Draft], index: int) -> str | None:
    """Why an inclusion item is one branch of an either/or, or None: it ends with "or",
    the one before it does, it starts with "or", or a heading over it says "at least one
    of the following"."""
    draft = drafts[index]
    text = _clean_text(draft.text)
    before = _clean_text(drafts[index - 1].text) if index > 0 else ""
    if (criteria_groups.ENDS_WITH_OR.search(text) or criteria_groups.STARTS_WITH_OR.match(text)
            or (before and drafts[index - 1].section == draft.section
                and criteria_groups.ENDS_WITH_OR.search(before))):  # fmt: skip
        return "one branch of an either/or"
    if any(_ONE_OF.search(_normalise(h)) for h in draft.context):
        return "one branch of \"one of the following\""
    return None


def _as_manual(parsed: _Parsed, reason: str, rule: str) -> _Parsed:
    return _Parsed("manual", parsed.key, {}, reason, (*parsed.trace, rule))


# The trace mark of a diagnosis whose term says "childhood-onset" / "juvenile".
_PAEDIATRIC_ONSET = "qualifier:paediatric-onset"


def _children_only(items: list[_Item], max_age: float | None) -> bool:
    """Does the trial admit only children (record or text maximum age ≤ 18)?"""
    highs = [i.parsed.params.get("max_years") for i in items
             if i.parsed.kind == "age" and i.type == INCLUSION]  # fmt: skip
    highs += [i.parsed.params["max_months"] / 12 for i in items
              if i.parsed.kind == "age" and i.type == INCLUSION
              and i.parsed.params.get("max_months") is not None]  # fmt: skip
    highs = [h for h in [*highs, max_age] if h is not None]
    return bool(highs) and min(highs) < 18


def _guarded(
    items: list[_Item], about: Sequence[str], max_age: float | None, vocab: Vocabulary
) -> list[_Item]:
    """Items whose reading a guard refuses become manual with the guard's reason: an
    exclusion of the trial's own condition, an inclusion requiring tuberculosis, a value
    outside plausible bounds. A childhood-onset diagnosis stays computed only in a trial
    that admits children alone (`max_age`: the record's maximum age)."""
    children_only = _children_only(items, max_age)
    never = load_grammar().inclusion_never_requires
    required = [
        c
        for item in items
        if item.type == INCLUSION and item.parsed.kind in ("diagnosis", "biopsy")
        for c in item.parsed.params.get("concepts", ["dx.lupus_nephritis"])
        if c not in never
    ]
    inclusions = [item.text for item in items if item.type == INCLUSION]
    own = guard.own_conditions(about, required, vocab, inclusions)
    titled = guard.own_conditions(about, (), vocab)
    guarded: list[_Item] = []
    for item in items:
        parsed = item.parsed
        if parsed.kind in COMPUTABLE_KINDS and _PAEDIATRIC_ONSET in parsed.trace and not (
            children_only and item.type == INCLUSION
        ):
            reason = (guard.not_understood(["childhood-onset"])
                      + " (implied only in a trial that admits children alone)")
            parsed = _as_manual(parsed, reason, "coverage:manual")
        guard_own = own
        if parsed.kind == "diagnosis" and item.type == EXCLUSION:
            parsed, guard_own = _other_than_own(parsed, own, titled, vocab)
        if parsed.kind in COMPUTABLE_KINDS:
            found = guard.guard_reason(parsed.kind, item.type, parsed.params, guard_own, vocab)
            if found is None:
                found = _narrower_named(item.text, parsed.params, vocab)
            if found is None and item.type == EXCLUSION:
                found = _undefined_severity(item.text, parsed, vocab)
            if found is not None:
                parsed = _as_manual(parsed, found[1], found[0])
        guarded.append(replace(item, parsed=parsed))
    return guarded


def _other_than_own(parsed: _Parsed, own: frozenset[str], titled: frozenset[str],
                    vocab: Vocabulary) -> tuple[_Parsed, frozenset[str]]:  # fmt: skip
    """An exclusion of the vocabulary's "other" concept the trial's own disease implies
    ("other autoimmune diseases" in a systemic sclerosis trial) with the own disease left
    out (matcher.criteria.other), and the own conditions the guard then weighs: the
    "other" concept is no longer the trial's own."""
    whole = criteria_other.whole_group(parsed.params, own, vocab)
    if whole is not parsed.params:
        parsed = replace(parsed, params=whole, trace=(*parsed.trace, "other:whole-group"))
    params = criteria_other.except_own(parsed.params, own, titled, vocab)
    if params is None:
        return parsed, own
    parsed = replace(parsed, params=params, trace=(*parsed.trace, "other:except-own"))
    return parsed, own - set(params["concepts"])


# "Severe psychiatric illness including schizophrenia ...": examples define the severity.
_DEFINED_BY_EXAMPLES = re.compile(
    r"\b(?:including|includes|such\s+as|e\.?\s?g\.?|for\s+example|i\.?\s?e\.?|defined\s+as|"
    r"defined\s+by|as\s+defined|as\s+per)(?![^\W_])", re.IGNORECASE)


def _undefined_severity(text: str, parsed: _Parsed, vocab: Vocabulary
                        ) -> tuple[str, str] | None:  # fmt: skip
    """An exclusion of a disease graded only by a word no note can decide ("Severe hepatic
    impairment", "Clinically significant cardiac disease", "Severe coexisting liver
    disease") with no measure, grade or example: read as the disease with its severity
    judged, it would compute an exclusion whose meaning is the investigator's call. An
    infection is left computed: its severity is judged on what treated it (hospital, IV
    antibiotics), and "active", "uncontrolled" or a window say what the notes can decide."""
    if parsed.kind != "diagnosis":
        return None
    grammar = load_grammar()
    words = grammar.undefined_severity_words
    judged = [str(w) for w in parsed.params.get("judged") or ()]
    severity = [w for w in judged if words_of(w) and set(words_of(w)) <= words]
    if not severity or any(
        not set(words_of(w)) <= words | grammar.comorbidity_words for w in judged
    ):
        return None
    concepts = list(parsed.params.get("concepts") or [])
    if not concepts or any(
        c == "dx.infection" or "dx.infection" in vocab[c].attrs.get("implies", ())
        for c in concepts if c in vocab
    ):
        return None
    if _DEFINED_BY_EXAMPLES.search(text):
        return None
    shown = severity[0]
    return "guard:undefined-severity", (
        f"{guard.GUARD_PREFIX}how '{shown}' {_labels_of(concepts, vocab)} must be is not "
        "defined: a person judges it"
    )


def _labels_of(concepts: Sequence[str], vocab: Vocabulary) -> str:
    return ", ".join(vocab[c].label if c in vocab else c for c in concepts)


def _narrower_named(text: str, params: dict[str, Any], vocab: Vocabulary
                    ) -> tuple[str, str] | None:  # fmt: skip
    """A reading of a group concept that the item names only by one of its members
    (concepts.jsonl `narrower_terms`): "Diagnosis of bipolar disorder" read as any
    psychiatric illness would exclude a patient with depression; "liver transplant" read
    as any solid organ transplant would exclude a kidney recipient. (A kidney transplant
    is still read as the transplant group: lupus nephritis trials name it and notes name
    nothing else; a kidney-transplant concept under the group is the right fix.)"""
    groups = {
        concept_id: {t.casefold() for t in vocab[concept_id].attrs["narrower_terms"]}
        for concept_id in params.get("concepts") or []
        if vocab[concept_id].attrs.get("narrower_terms")
    }
    if not groups:
        return None  # most readings name no group concept: no second scan of the text
    norm = _normalise(text)
    # "Major depressive disorder per the Diagnostic and Statistical Manual of Mental
    # Disorders": a term its context rules out (the manual's name) names nothing.
    matches = [m for m in vocab.find_terms(norm)
               if in_context(norm, m.start, m.end, vocab[m.concept_id])]  # fmt: skip
    # "Severe psychiatric disease including ... suicidal depression": a member named as an
    # example of a broader group the item names whole is read within that group.
    whole = {m.concept_id for m in matches if m.text.casefold() not in groups.get(m.concept_id, ())}
    for concept_id, narrower in groups.items():
        if whole & set(vocab[concept_id].attrs.get("implies", ())):
            continue
        named = [m for m in matches if m.concept_id == concept_id]
        if named and all(m.text.casefold() in narrower for m in named):
            return "guard:narrower-term", (
                f"{guard.GUARD_PREFIX}names {named[0].text!r}, narrower than the vocabulary's "
                f"{vocab[concept_id].label!r}"
            )
    return None


def _structured(
    items: list[_Item], min_age: float | None, max_age: float | None, sex: str | None
) -> list[_Item]:
    """The record's age limits and sex, where the text does not state them. Structured
    ages are whole years in practice; a "18 Months" limit is kept in completed months."""
    added: list[_Item] = []
    ages = [i.parsed.params for i in items if i.parsed.kind == "age" and i.type == INCLUSION]
    # A text that states only a minimum age ("Age ≥ 18") leaves the record's maximum in
    # force: the record's limit is added for the side no text age item states.
    if ages and min_age is not None and any(
        a.get("min_years") is not None or a.get("min_months") is not None for a in ages
    ):
        min_age = None
    if ages and max_age is not None and any(
        a.get("max_years") is not None or a.get("max_months") is not None for a in ages
    ):
        max_age = None
    if min_age is not None or max_age is not None:
        low = math.ceil(min_age - 1e-9) if min_age is not None else None
        high = math.floor(max_age + 1e-9) if max_age is not None else None
        text = f"Age {_age_text(low, high)} (registry age limits)"
        params: dict[str, Any] = {"min_years": low, "max_years": high}
        if (min_age is not None and abs(min_age - low) > 1e-6) or (
            max_age is not None and abs(max_age - high) > 1e-6  # type: ignore[operator]
        ):
            # "Minimum Age: 6 Months": rounded up to 1 year it would refuse a 9-month-old
            # the trial admits; the limit is kept in completed months.
            params = {"min_years": None, "max_years": None,
                      "min_months": None if min_age is None else math.ceil(min_age * 12 - 1e-6),
                      "max_months": None if max_age is None
                      else math.floor(max_age * 12 + 1e-6) + (0 if max_age * 12 % 12 else 11)}
            text = "Age " + _age_months_text(params["min_months"], params["max_months"]) + (
                " (registry age limits)")
        trace = ("section:structured", "kind:age", "rule:registry-age-limits")
        added.append(_Item(INCLUSION, INCLUSION, text, _Parsed("age", "age", params, None, trace)))
    wanted = (sex or "").strip().lower()
    if wanted in ("female", "male") and not any(i.parsed.kind == "sex" for i in items):
        text = f"Sex: {wanted} (registry sex restriction)"
        trace = ("section:structured", "kind:sex", "rule:registry-sex")
        added.append(_Item(INCLUSION, INCLUSION, text,
                           _Parsed("sex", "sex", {"sex": wanted}, None, trace)))  # fmt: skip
    return added + items


def _age_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high} years"
    return f"≥ {low} years" if low is not None else f"≤ {high} years"


def _age_months_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high} months"
    return f"≥ {low} months" if low is not None else f"≤ {high} months"


def _criteria(items: list[_Item]) -> list[Criterion]:
    counters = {INCLUSION: 0, EXCLUSION: 0}
    used: dict[str, int] = {}
    criteria: list[Criterion] = []
    for item in items:
        counters[item.section] += 1
        prefix = "inc" if item.section == INCLUSION else "exc"
        key = item.parsed.key
        if item.type == EXCLUSION and not key.startswith("x_"):
            key = f"x_{key}"
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key = f"{key}_{used[key]}"
        criteria.append(_criterion(item, f"{prefix}-{counters[item.section]}", key, item.text))
    return criteria


def _criterion(item: _Item, criterion_id: str, key: str, text: str) -> Criterion:
    """The Criterion of a read item, its params checked against the kind's declared
    contract (matcher.criteria.params). A reading that breaks it is a reader fault the
    evaluator must never see: the item is left to a person with the field named, so one
    odd registry text cannot stop a trial from loading or decide on a malformed reading."""
    parsed = item.parsed
    try:
        declared_params.validate(parsed.kind, parsed.params)
    except CriterionParamsError as exc:
        parsed = _as_manual(
            parsed, f"{guard.GUARD_PREFIX}the reading broke its kind's contract ({exc})",
            "guard:params",
        )  # fmt: skip
    return Criterion(
        id=criterion_id,
        key=key,
        type=item.type,
        text=text,
        kind=parsed.kind,
        params=dict(parsed.params),
        manual_reason=parsed.manual_reason,
        trace=parsed.trace,
        any_of=item.any_of,
        cohort=item.cohort,
    )


# =====================================================================================
# Public API
# =====================================================================================


def parse_eligibility_text(
    text: str, about: Sequence[str] = (), vocabulary: Vocabulary | None = None
) -> list[Criterion]:
    """Criteria of an eligibility text, in registry order: "inc-1", ..., "exc-1", ...
    `about`: what the trial is about (title, conditions), for the own-condition guard;
    `vocabulary`: the run's (matcher.api.vocabulary; the packaged one by default)."""
    if vocabulary is None:
        vocabulary = load_vocabulary()
    return _criteria(_items(text, about, None, vocabulary))


def parse_criteria(
    record: RegistryRecord, vocabulary: Vocabulary | None = None
) -> tuple[Criterion, ...]:
    """Criteria of a registry record: its text plus its structured age limits and sex,
    read with `vocabulary` (the run's; the packaged one by default)."""
    if vocabulary is None:
        vocabulary = load_vocabulary()
    items = _items(record.eligibility_text, [record.title], record.max_age_years, vocabulary)
    items = _structured(items, record.min_age_years, record.max_age_years, record.sex)
    return tuple(_criteria(items))


def parse_criterion(
    text: str,
    criterion_type: str = INCLUSION,
    criterion_id: str | None = None,
    about: Sequence[str] = (),
    vocabulary: Vocabulary | None = None,
) -> Criterion:
    """One criterion sentence, classified on its own ("Hemoglobin < 70 g/L", exclusion).
    `about`: what the trial is about ("lupus nephritis"), for the guards; `vocabulary`:
    the run's (the packaged one by default)."""
    if vocabulary is None:
        vocabulary = load_vocabulary()
    draft = _Draft(criterion_type, text, 0, "")
    (item,) = _items_of([draft], about, compound=False, vocabulary=vocabulary)
    ctype, parsed = item.type, item.parsed
    key = parsed.key
    if ctype == EXCLUSION and not key.startswith("x_"):
        key = f"x_{key}"
    prefix = "inc" if criterion_type == INCLUSION else "exc"
    return _criterion(item, criterion_id or f"{prefix}-1", key, _clean_text(text))


def trial_to_json(trial: Trial, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """`matcher trial show --format json`; readings name concepts as `vocabulary` (the
    run's; the packaged one by default, which `reading` loads) does."""
    return {
        "trial_id": trial.trial_id,
        "title": trial.title,
        "min_age_years": trial.min_age_years,
        "max_age_years": trial.max_age_years,
        "sex": trial.sex,
        "source": trial.source,
        "criteria": [{**c.to_json(), "reading": reading(c, vocabulary)} for c in trial.criteria],
    }


# ---------------------------------------------------------------- readable table


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_criteria_table(trial: Trial, vocabulary: Vocabulary | None = None) -> str:
    """A readable listing for `matcher trial show`: each criterion's reading in plain
    words beside the registry's own words (concepts named as `vocabulary`, the run's; the
    packaged one by default, which `reading` loads)."""
    limits = f"age {format_number(trial.min_age_years)}..{format_number(trial.max_age_years)}"
    lines = [
        f"{trial.trial_id}  {trial.title}",
        f"{limits}, sex {trial.sex or 'not stated'}, {len(trial.criteria)} criteria"
        + (f", from {trial.source}" if trial.source else ""),
        "",
    ]
    rows = [("id", "type", "key", "kind", "reading", "text")]
    for c in trial.criteria:
        rows.append((c.id, c.type[:3], c.key, c.kind, _cut(reading(c, vocabulary), 110),
                     _cut(c.text, 50)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:5])]
        lines.append("  ".join([*cells, row[5]]).rstrip())
    return "\n".join(lines)
