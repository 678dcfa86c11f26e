"""Safety checks on the criteria reader's output: what it did not understand becomes
`manual` with the reason, never a verdict.

The reader (matcher.criteria) classifies an item by what it recognises. These checks run
after it and turn a suspicious reading into `manual`:

- **coverage**: every word of an item read as a computable kind must be accounted for, by
  a span a rule consumed, by the kind's own cue words, or by filler (the lists are data:
  matcher/criteria/data/criteria_grammar.json). "Kidney disease unrelated to lupus" read as SLE
  leaves "unrelated" over: `not understood: "unrelated"`.
- **guards** (reasons start with `guard: `): an exclusion of the trial's own condition, an
  inclusion that requires something no lupus trial requires (tuberculosis, pregnancy), a
  value or window outside plausible bounds, an item that applies to one cohort only.

The clause grammar the reader needs beside its regexes lives here too: the polarity of an
item's lead ("Patients must not have received ...") and cohort headings ("Part B:").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from matcher.criteria.grammar import (
    Grammar,
    Phrases,
    load_grammar,
    phrase_alternation,
    words_of,
)
from matcher.nlp.vocab import Vocabulary, in_context

__all__ = [
    "GUARD_PREFIX",
    "cohort_heading",
    "cohort_mention",
    "cohort_reset",
    "guard_reason",
    "heading_unaccounted",
    "lead_negation",
    "not_understood",
    "own_conditions",
    "unaccounted",
]

GUARD_PREFIX = "guard: "
_TOKEN = re.compile(r"[^\W_]+")
_SHOWN_WORDS = 3


# =====================================================================================
# Coverage
# =====================================================================================


def _mask(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in spans:
        start, end = max(0, start), min(length, end)
        if end > start:
            mask[start:end] = b"\x01" * (end - start)
    return mask


_WHOLE_WORD = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")


def _left_over(text: str, mask: bytearray, allowed: Sequence[Any]) -> list[str]:
    """Words of `text` not wholly inside `mask` and in none of the `allowed` word sets,
    shown as written ("transfusion-independent", not "independent")."""
    left: list[str] = []
    # The whole words, found once and looked up by position: rescanning the text for each
    # word left over would be quadratic in a long item.
    wholes = list(_WHOLE_WORD.finditer(text))
    starts = [w.start() for w in wholes]
    for m in _TOKEN.finditer(text):
        if all(mask[m.start() : m.end()]):
            continue
        word = m[0].lower()
        if word == "s" and text[max(0, m.start() - 1) : m.start()] in ("'", "’"):
            continue  # the possessive of "Gilbert's"
        if any(word in words for words in allowed):
            continue
        whole = wholes[bisect.bisect_right(starts, m.start()) - 1][0]
        if whole not in left:
            left.append(whole)
    return left


def _cues(grammar: Grammar, kinds: str | Sequence[str]) -> list[Phrases]:
    return [grammar.cues(k) for k in ((kinds,) if isinstance(kinds, str) else kinds)]


# "(ASA)", "(6-MP)": letters and digits in brackets, a hyphen allowed inside, one capital at least.
_BRACKETED = re.compile(r"\(\s*([A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)\s*\)")


def _spells(abbreviation: str, term: str) -> bool:
    """Whether `abbreviation` spells `term`'s letters in order, from its first letter
    (Schwartz & Hearst's test of a defined abbreviation): "ASA" spells "acetylsalicylic
    acid", "TG" "thioguanin", "6-MP" "6-mercaptopurin"; "PO" would spell "prednisone",
    which is why the route words are listed apart (`not_abbreviations`)."""
    letters = [c for c in abbreviation.casefold() if c.isalnum()]
    word = "".join(c for c in term.casefold() if c.isalnum())
    if len(letters) < 2 or not word or letters[0] != word[0]:
        return False
    at = 1
    for c in letters[1:]:
        found = word.find(c, at)
        if found < 0:
            return False
        at = found + 1
    return True


def _defined_abbreviations(
    text: str, taken: Sequence[tuple[int, int]], grammar: Grammar
) -> list[tuple[int, int]]:
    """Spans of an abbreviation in brackets right after a term a rule read, that only names
    the term again ("acetylsalicylic acid (ASA)", "thioguanin (TG)"): it adds no meaning.
    Letters that would mean something of their own ("prednisone (PO)", a route) are not
    taken (`not_abbreviations`), and neither is a bracket after words no rule read."""
    spans: list[tuple[int, int]] = []
    ends = {end: start for start, end in taken}
    for m in _BRACKETED.finditer(text):
        abbreviation = m.group(1)
        if not any(c.isupper() for c in abbreviation):
            continue
        if abbreviation.casefold() in grammar.not_abbreviations:
            continue
        before = len(text[: m.start()].rstrip())
        start = ends.get(before)
        if start is not None and _spells(abbreviation, text[start:before]):
            spans.append((m.start(), m.end()))
    return spans


def unaccounted(
    text: str,
    kinds: str | Sequence[str],
    taken: Iterable[tuple[int, int]],
    honoured: Iterable[tuple[int, int]] = (),
    grammar: Grammar | None = None,
) -> list[str]:
    """The words of `text` (the item, normalised) that neither the rules that read it
    (`taken` spans), nor the kind's cue words, nor filler account for. Inside an exception
    clause the kind honours (`honoured`), exception grammar ("caused by") counts too."""
    grammar = grammar or load_grammar()
    cues = _cues(grammar, kinds)
    taken = list(taken)
    spans = taken + grammar.filler.spans(text) + grammar.example_idioms.spans(text)
    spans += _defined_abbreviations(text, taken, grammar)
    for cue in cues:
        spans += cue.spans(text)
    honoured = list(honoured)
    for begin, end in honoured:
        clause = text[begin:end]
        spans += [(begin + a, begin + b) for a, b in grammar.exception_words.spans(clause)]
        spans += [(begin + m.start(), begin + m.end()) for m in _TOKEN.finditer(clause)
                  if m[0].lower() in grammar.exception_words]  # fmt: skip
    return _left_over(text, _mask(len(text), spans), (grammar.filler, *cues))


def heading_unaccounted(
    heading: str,
    kinds: str | Sequence[str],
    taken: Iterable[tuple[int, int]] = (),
    grammar: Grammar | None = None,
) -> list[str]:
    """A heading that groups the item ("Liver function:", "Any of the following within 6
    months:") is part of its meaning: its words must be grouping words, filler, the kind's
    cue words, or read by a rule (its window)."""
    grammar = grammar or load_grammar()
    cues = _cues(grammar, kinds)
    spans = [*taken, *grammar.filler.spans(heading), *grammar.heading_words.spans(heading),
             *grammar.example_idioms.spans(heading)]
    for cue in cues:
        spans += cue.spans(heading)
    allowed = (grammar.filler, grammar.heading_words, *cues)
    return _left_over(heading, _mask(len(heading), spans), allowed)


def not_understood(words: Sequence[str]) -> str:
    """`not understood: "active", "severe"` (the first few)."""
    shown = ", ".join(f'"{w}"' for w in words[:_SHOWN_WORDS])
    more = f" (+{len(words) - _SHOWN_WORDS} more)" if len(words) > _SHOWN_WORDS else ""
    return f"not understood: {shown}{more}"


# =====================================================================================
# Clause grammar: the polarity of the lead, cohort headings
# =====================================================================================


@cache
def _lead_negation_re() -> re.Pattern[str]:
    grammar = load_grammar()
    subjects = phrase_alternation(grammar.lead_subjects)
    auxiliaries = phrase_alternation(grammar.lead_auxiliaries)
    negators = phrase_alternation(grammar.negators)
    return re.compile(
        rf"^\W*(?:(?:{subjects})\s+)?(?:(?:{auxiliaries})\s+){{0,4}}(?:{negators})"
        # "No more than 2 prior lines" is a comparison, not an absence.
        r"(?!\s+(?:more|less|greater|fewer|higher|lower|older|younger|later|earlier|"
        r"longer|shorter)\s+than)"
        r"(?:\s+(?:have|has|had|be|been|having|ever))*(?![^\W_])",
        re.IGNORECASE,
    )


def lead_negation(text: str) -> tuple[int, int] | None:
    """Where an item's lead states an absence: "No prior belimumab", "Patients must not
    have received rituximab", "Subjects who have never had ..."; None otherwise."""
    m = _lead_negation_re().match(text)
    return (m.start(), m.end()) if m else None


_ID = r"(?:\d{1,2}[a-z]?|[A-Z](?![\w])|[IVX]{1,4}(?![\w]))"
_IDS = rf"{_ID}(?:\s*(?:&|and|,|/|or|\+)\s*{_ID})*"


@cache
def _cohort_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = phrase_alternation(load_grammar().cohort_words)
    numbered = rf"(?:{words})\s*{_IDS}"
    named = rf"(?:[\w/-]+\s+){{1,3}}(?:{words})"
    label = re.compile(
        rf"^\W*(?:(?:inclusion|exclusion|eligibility)\s+criteria\s+)?(?:(?:for|in)\s+)?"
        rf"(?:the\s+)?(?P<label>{numbered}(?:\s*\([^()]{{0,40}}\))?|{named})"
        r"(?:\s+only)?\s*[:：]?\W*$",
        re.IGNORECASE,
    )
    inline = re.compile(
        rf"\((?:[^()]*?\b)?(?P<a>{numbered})(?:\s+only)?\s*\)"
        rf"|\b(?:for|in)\s+(?:the\s+)?(?P<b>(?:[\w/-]+\s+){{0,2}}(?:{words})(?:\s*{_IDS})?)"
        r"\s+only\b"
        rf"|^\W*(?P<c>{numbered})\s*(?:only\s*)?[:)]"
        rf"|\b(?P<d>{numbered})\s+only\b",
        re.IGNORECASE,
    )
    reset = re.compile(
        rf"^\W*(?:for\s+)?(?:all|both|every)\s*(?:(?:{words}|participants|patients|subjects)\b)?"
        r"(?:\s+only)?\s*[:：]?\W*$",
        re.IGNORECASE,
    )
    return label, inline, reset


def cohort_heading(line: str, *, in_section_heading: bool = False) -> str | None:
    """The cohort a heading line names: "Part B:", "Populations 1 & 2", "Inclusion criteria
    for the LN cohort:". In a section heading the cohort may sit anywhere in the line."""
    label, inline, _ = _cohort_res()
    text = line.strip().strip("*#_ ").strip()
    if len(text) > 100:
        return None
    m = label.match(text)
    if m:
        return " ".join(m["label"].split())
    if in_section_heading:
        words = phrase_alternation(load_grammar().cohort_words)
        # "Inclusion criteria for the LN cohort:", and a named group in brackets:
        # "Exclusion Criteria (ESRD group):", "Inclusion criteria (non ESRD group):".
        found = inline.search(text) or re.search(
            rf"\b(?:for|in)\s+(?:the\s+)?(?P<e>(?:[\w/-]+\s+){{0,3}}(?:"
            rf"{words})(?:\s*{_IDS})?)\b"
            rf"|\(\s*(?:the\s+)?(?P<f>(?:[\w/-]+\s+){{1,3}}(?:{words}))\s*\)",
            text,
            re.IGNORECASE,
        )
        if found:
            return " ".join(next(g for g in found.groups() if g).split())
    return None


# The name matcher.criteria.sections gives a block of criteria that opens the sections
# again with no label line above it: "criteria block 2".
UNNAMED_BLOCK = "criteria block"


def unnamed_block(label: str) -> bool:
    """Is `label` a block the text did not name ("criteria block 2")?"""
    return re.fullmatch(rf"{UNNAMED_BLOCK} \d+", label) is not None


def cohort_mention(text: str) -> str | None:
    """A cohort an item names as its own scope: "(population 2)", "for the LN cohort only",
    "Cohort 1: ..."."""
    m = _cohort_res()[1].search(text)
    return " ".join(next(g for g in m.groups() if g).split()) if m else None


@cache
def _everyone_prefix() -> re.Pattern[str]:
    words = phrase_alternation(load_grammar().cohort_words)
    return re.compile(
        rf"^\W*(?:for\s+|in\s+)?(?:all|both|every)\s+(?:{words})\s*[:：]\s*", re.IGNORECASE
    )


def everyone_prefix(text: str) -> re.Match[str] | None:
    """ "All groups: age 18-89": an item that says it applies to every cohort."""
    return _everyone_prefix().match(text)


def without_cohort_mention(text: str) -> str:
    """The item without the cohort it names as its scope: "Confirmed myositis
    (population 2)" → "Confirmed myositis", "Group 1: adults with psoriasis" → "adults
    with psoriasis", "All groups: age ≥ 18" → "age ≥ 18" (the words a cohort scope
    reads, matcher.criteria.groups)."""
    everyone = everyone_prefix(text)
    if everyone is not None:
        return text[everyone.end() :]
    m = _cohort_res()[1].search(text)
    if m is None:
        return text
    return " ".join(f"{text[: m.start()]} {text[m.end() :]}".split()).strip(" ,;")


def cohort_reset(line: str) -> bool:
    """ "For all", "All participants:": the items after it apply to everyone again."""
    return bool(_cohort_res()[2].match(line.strip().strip("*#_ ").strip()))


# =====================================================================================
# Guards
# =====================================================================================


def own_conditions(
    texts: Iterable[str], concepts: Iterable[str], vocab: Vocabulary,
    inclusions: Iterable[str] = (),
) -> frozenset[str]:
    """What the trial is about: diagnoses named in its title (and conditions), and the
    diagnoses its inclusions require, with what they imply (lupus nephritis → SLE). The
    short names only a trial about the condition uses (concepts.jsonl
    `own_condition_abbreviations`: "UC", "CD") count in the title and in any inclusion,
    read or not: "Diagnosis of UC confirmed by biopsy" left to a person still says the
    trial is about ulcerative colitis, and "Ulcerative colitis" among its exclusions
    would refuse its whole population."""
    found = set(concepts)
    texts = list(texts)
    for text in texts:
        found.update(_diagnoses_named(text, vocab))
    found.update(_abbreviated_own(texts + list(inclusions), vocab))
    closed = set(found)
    for concept in found:
        if concept in vocab:
            closed.update(vocab[concept].attrs.get("implies", ()))
    return frozenset(c for c in closed if c in vocab)


# One compiled pattern pair (terms ignoring case, abbreviations as written) per diagnosis,
# built once per vocabulary: compiling a pattern per term per title went past the `re`
# module's cache once the vocabulary grew, and reading 1,500 texts took 10x as long.
_NAMED_PATTERNS: dict[int, tuple[Vocabulary, list[tuple[str, list[re.Pattern[str]]]]]] = {}


def _diagnosis_patterns(vocab: Vocabulary) -> list[tuple[str, list[re.Pattern[str]]]]:
    cached = _NAMED_PATTERNS.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    patterns = []
    for concept in vocab.by_category("diagnosis"):
        compiled = []
        for words, flags in ((concept.terms, re.IGNORECASE), (concept.abbreviations, 0)):
            if words:
                alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                compiled.append(re.compile(rf"(?<![\w-])(?:{alternation})(?![\w])", flags))
        patterns.append((concept.id, compiled))
    _NAMED_PATTERNS[id(vocab)] = (vocab, patterns)
    return patterns


def _diagnoses_named(text: str, vocab: Vocabulary) -> set[str]:
    """Every diagnosis a title names, also inside a longer term: "refractory lupus
    nephritis" is a status term of the vocabulary, and still names lupus nephritis. A
    mention the concept's context filters refuse is not named: "a Zoster Vaccine in SLE"
    is about SLE (zoster is what the vaccine prevents)."""
    return {
        concept_id
        for concept_id, compiled in _diagnosis_patterns(vocab)
        if any(
            in_context(text, m.start(), m.end(), vocab[concept_id])
            for pattern in compiled
            for m in pattern.finditer(text)
        )
    }


def _abbreviated_own(texts: Sequence[str], vocab: Vocabulary) -> set[str]:
    found = set()
    for concept in vocab.by_category("diagnosis"):
        for abbreviation in concept.attrs.get("own_condition_abbreviations", ()):
            pattern = re.compile(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])")
            if any(pattern.search(text) for text in texts):
                found.add(concept.id)
    return found


def _labels(concepts: Iterable[str], vocab: Vocabulary) -> str:
    return ", ".join(vocab[c].label if c in vocab else c for c in concepts)


def _out_of(value: Any, bounds: tuple[float, float]) -> bool:
    return isinstance(value, (int, float)) and not bounds[0] <= float(value) <= bounds[1]


def _implausible_lab(params: dict[str, Any], grammar: Grammar, vocab: Vocabulary) -> str | None:
    groups = [params] + [g for g in params.get("alternatives", []) if "analytes" in g]
    for group in groups:
        limits = [group] + [e for e in params.get("exceptions", []) if group is params]
        for analyte in group.get("analytes", []):
            bounds = grammar.plausible.get(analyte)
            for limit in limits:
                if bounds and _out_of(limit.get("value"), bounds):
                    return (f"{vocab[analyte].label} {limit['value']:g} "
                            f"{group.get('unit') or ''}".rstrip())  # fmt: skip
                if _out_of(limit.get("uln_multiple"), grammar.plausible_uln_multiple):
                    return f"{vocab[analyte].label} {limit['uln_multiple']:g} × ULN"
                if _out_of(limit.get("lln_multiple"), grammar.plausible_uln_multiple):
                    return f"{vocab[analyte].label} {limit['lln_multiple']:g} × LLN"
    return None


def _implausible(kind: str, params: dict[str, Any], grammar: Grammar,
                 vocab: Vocabulary) -> str | None:  # fmt: skip
    """Why a value or window cannot be what the registry meant, or None."""
    days = [params.get("window_days"), params.get("csf_free_days")]
    if kind == "refractory" and params.get("min_duration_days"):
        days.append(params["min_duration_days"])
    for window in days:
        if window is not None and not 0 < window <= grammar.max_window_days:
            return f"a window of {window} days"
    if kind == "age":
        low, high = params.get("min_years"), params.get("max_years")
        if _out_of(low, (0, 120)) or _out_of(high, (0, 120)) or (
            low is not None and high is not None and low > high
        ):
            return f"age {low} to {high} years"
        low, high = params.get("min_months"), params.get("max_months")
        if _out_of(low, (0, 1440)) or _out_of(high, (0, 1440)) or (
            low is not None and high is not None and low > high
        ):
            return f"age {low} to {high} months"
    if kind == "lab":
        return _implausible_lab(params, grammar, vocab)
    if kind == "score":
        bounds = grammar.plausible.get(params.get("concept", ""))
        for name in ("value", "low", "high"):
            if bounds and _out_of(params.get(name), bounds):
                return f"{vocab[params['concept']].label} {params[name]:g}"
    if kind == "cd19" and "value" in params:
        top = 100.0 if params.get("unit") == "%" else grammar.plausible.get("lab.cd19", (0, 1e9))[1]
        if _out_of(params["value"], (0.0, top)):
            return f"CD19 {params['value']:g} {params.get('unit')}"
    if kind == "ana" and _out_of(params.get("min_titre"), (10, 100000)):
        return f"ANA titre 1:{params['min_titre']}"
    if kind == "refractory":
        bounds = grammar.plausible.get("lab.upcr")
        if bounds and _out_of(params.get("proteinuria_threshold"), bounds):
            return f"proteinuria {params['proteinuria_threshold']:g}"
        if _out_of(params.get("min_agents"), (1, 10)):
            return f"{params['min_agents']} agents"
    return None


def guard_reason(
    kind: str,
    criterion_type: str,
    params: dict[str, Any],
    own: frozenset[str],
    vocab: Vocabulary,
    grammar: Grammar | None = None,
) -> tuple[str, str] | None:
    """(rule id, reason) when a reading must not be used, else None."""
    grammar = grammar or load_grammar()
    concepts = list(params.get("concepts", []))
    concepts += [c for alt in params.get("alternatives", []) for c in alt.get("concepts", [])]
    # A pregnancy reading names its states: "already pregnant" in a trial about pregnancy.
    concepts += list(params.get("states", []))
    if criterion_type == "exclusion" and own & set(concepts):
        mine = [c for c in concepts if c in own]
        return "guard:own-condition", (
            f"{GUARD_PREFIX}excludes the trial's own condition ({_labels(mine, vocab)})"
        )
    if criterion_type == "exclusion" and params.get("other_than_own") and not own:
        # "Other malignancy" in a trial whose own condition the reader does not know: it
        # may be a cancer the vocabulary does not name (matcher.criteria.other).
        return "guard:other-own-unknown", (
            f"{GUARD_PREFIX}\"other\" {_labels(concepts, vocab)} leaves out the trial's own "
            "condition, which the text does not name"
        )
    subtype = _subtype_own_unknown(criterion_type, params, concepts, own, vocab, grammar)
    if subtype is not None:
        return "guard:subtype-own-unknown", subtype
    group = _organ_group_own_unknown(criterion_type, concepts, own, vocab)
    if group is not None:
        return "guard:group-own-unknown", group
    broad = [c for c in concepts if c in grammar.broad_concepts]
    if broad:
        return "guard:broad-concept", (
            f"{GUARD_PREFIX}names one disease of a group the vocabulary does not split "
            f"({_labels(broad, vocab)})"
        )
    never = [c for c in concepts if c in grammar.inclusion_never_requires]
    if criterion_type == "inclusion" and kind == "diagnosis" and never:
        return "guard:inclusion-requires", (
            f"{GUARD_PREFIX}an inclusion should not require {_labels(never, vocab)}"
        )
    capped = _capped_dose_exclusion(kind, criterion_type, params)
    if capped is not None:
        return "guard:capped-dose-exclusion", capped
    implausible = _implausible(kind, params, grammar, vocab)
    if implausible is not None:
        return "guard:implausible", f"{GUARD_PREFIX}implausible value ({implausible})"
    return None


def _capped_dose_exclusion(kind: str, criterion_type: str, params: dict[str, Any]) -> str | None:
    """An exclusion of a dose at or below a limit ("GC dose in the last 3 months not greater
    than 20 mg/day" among the exclusions) states the dose a trial allows, worded where the
    exclusions are: read literally it would refuse every patient on a low dose and keep
    those on a high one. Which side the sponsor excludes is for a person."""
    if kind != "dose_exposure" or criterion_type != "exclusion":
        return None
    if params.get("dose_op") not in ("<", "<="):
        return None
    limit = f"{params['dose_op']} {params.get('dose_value', 0):g} {params.get('dose_unit', '')}"
    return (f"{GUARD_PREFIX}an exclusion of a dose {limit.rstrip()} reads as the dose allowed: "
            "which side the trial excludes is for a person")


def _subtype_own_unknown(
    criterion_type: str, params: dict[str, Any], concepts: list[str], own: frozenset[str],
    vocab: Vocabulary, grammar: Grammar,
) -> str | None:
    """An exclusion of a subtype the vocabulary does not name ("secondary hypertension"
    read as hypertension, the subtype left for a person) in a trial whose own condition
    the reader does not know: the disease may be the trial's own (a hypertension trial
    whose inclusions were not read), and every patient of the trial would be sent to a
    person on it. With the own condition known, the own-condition guard weighs it."""
    if criterion_type != "exclusion" or own or not concepts:
        return None
    subtypes = [w for w in params.get("judged", ()) or ()
                if words_of(str(w)) and set(words_of(str(w))) <= grammar.subtype_qualifiers]
    if not subtypes:
        return None
    return (f"{GUARD_PREFIX}excludes a subtype ('{subtypes[0]}') of {_labels(concepts, vocab)}, "
            "which may be the trial's own condition: that is not known")


def _organ_group_own_unknown(
    criterion_type: str, concepts: list[str], own: frozenset[str], vocab: Vocabulary
) -> str | None:
    """An exclusion of a whole organ group ("renal disease", "gastrointestinal disease":
    concepts.jsonl `organ_group`) in a trial whose own condition the reader does not know:
    the trial's own disease may be one of the group ("any co-existing kidney disease" in
    an IgA nephropathy trial whose inclusions were left to a person), and the exclusion
    would refuse its whole population. With the own condition known, the own-condition
    rule above already weighs it (lupus nephritis implies kidney disease)."""
    if criterion_type != "exclusion" or own:
        return None
    groups = [c for c in concepts if c in vocab and vocab[c].attrs.get("organ_group")]
    if not groups:
        return None
    return (
        f"{GUARD_PREFIX}excludes a disease group ({_labels(groups, vocab)}) and the trial's "
        "own condition, which may belong to it, is not known"
    )


def cohort_reason(cohort: str) -> str:
    return f"{GUARD_PREFIX}applies to one cohort only ({cohort})"
