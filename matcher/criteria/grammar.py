"""The grammar of registry criteria as data: matcher/criteria/data/criteria_grammar.json.

The criteria reader classifies an item by what it recognises; the coverage guard
(matcher.criteria.guard) then asks whether every word of the item is accounted for. The
words it may pass over are data, not code, so that a reviewer can read them in one place:

- `filler`: words that carry no meaning in a criterion ("patients with", "documented").
- `meaning_changing`: words that change what a criterion means ("active", "except",
  "due", "rise"); they can never be filler, and a kind lists one among its cue words only
  when its evaluator honours it ("history" for a diagnosis, which is judged "ever").
- `kinds`: each computable kind's own cue words ("received", "within" for drug exposure).
- `exception_words` / `heading_words`: accounted only inside an exception clause the kind
  honours, or inside a heading that groups the item ("Liver function:").
- the guards' lists: concepts an inclusion never requires, concepts that name a current
  state, plausible ranges per analyte, the longest plausible window.
- `unrecorded_routes` (optional): routes or forms of giving a drug that notes do not
  record ("topical", "intralesional", "IV bolus", "pulse": a note's "methylprednisolone"
  does not say it was a pulse); a drug item naming one keeps it as a qualifier a person
  checks when a note documents the drug.
- `dose_ceilings` / `ceiling_heading_words` (optional): a heading that gives each drug
  listed under it its own dose ceiling ("Patients receiving doses of immunosuppressive
  agents exceeding the following:" over "azathioprine (> 100 mg/day)"): the words saying
  "above" (`dose_ceilings`, one must be there) and the words of current use around them
  (matcher.criteria.drug_headings).
- `example_idioms` (optional): fixed phrases that only say a list is illustrative
  ("including, but not limited to", "including without limitation"). A word of theirs is
  meaning-changing elsewhere ("not", "without"), here it negates nothing, so an idiom is
  accounted for whole, commas and brackets between its words allowed; an entry with no
  meaning-changing word belongs to `filler` and is refused.
- `subtype_qualifiers` (optional): words naming a subtype of a disease by its cause or
  origin ("secondary hypertension", "primary hypothyroidism"): an exclusion of such a
  subtype excludes part of the disease, which may be the trial's own; with the trial's own
  condition unknown it is manual (matcher.criteria.guard).
- `undefined_severity_words` (optional): the words that grade a disease without a measure
  ("severe", "clinically significant"): an exclusion of a non-infectious disease qualified
  only by them, with no examples or definition, is a person's judgement
  (matcher.criteria.reader). `comorbidity_words` ("coexisting", "concomitant") say only
  that the disease is another one the patient has: beside a severity word they define
  nothing.

The file is validated once on load: an unknown key, a wrong type, a duplicate entry or a
filler word that is also meaning-changing raises VocabularyError naming the file and the
key. The concept ids it names are checked against the vocabulary the reader is given, once
per vocabulary (matcher.criteria.data_check): an unknown one raises the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from matcher.errors import VocabularyError
from matcher.nlp.vocab import Vocabulary, data_text

__all__ = [
    "COMPUTABLE_KINDS",
    "GRAMMAR_FILE",
    "Grammar",
    "Phrases",
    "check_grammar_concepts",
    "criteria_data_text",
    "load_grammar",
    "read_grammar",
    "words_of",
]

GRAMMAR_FILE = "matcher/criteria/data/criteria_grammar.json"

# Kinds whose evaluator can give a verdict (met / not met) from notes: their items must be
# wholly understood. "consent" and "manual" only ever give `manual`.
COMPUTABLE_KINDS = frozenset(
    {"age", "sex", "diagnosis", "biopsy", "score", "refractory", "drug_exposure", "lab",
     "cd19", "ana", "venous", "hemodynamic",
     # matcher.criteria.kinds
     "vital", "serology", "pregnancy", "dose_exposure", "diagnosis_timing",
     # matcher.criteria.allergy
     "allergy"}
)  # fmt: skip

_WORD = re.compile(r"[^\W_]+")
_PHRASE_LISTS = ("filler", "meaning_changing", "negators", "lead_subjects", "lead_auxiliaries",
                 "window_anchors", "exception_words", "heading_words", "cohort_words",
                 "term_qualifiers", "paediatric_qualifiers")  # fmt: skip
_KEYS = frozenset(
    {"version", "description", *_PHRASE_LISTS, "kinds", "inclusion_never_requires",
     "broad_concepts", "manual_concepts", "plausible", "plausible_uln_multiple",
     "max_window_days", "measure_defined_conditions", "current_state_clauses",
     "inclusion_manual_concepts"}
)  # fmt: skip
# a grammar file may leave these out
_OPTIONAL_LISTS = ("unrecorded_routes", "dose_ceilings", "ceiling_heading_words",
                   "subtype_qualifiers", "example_idioms", "undefined_severity_words",
                   "comorbidity_words", "not_abbreviations")


def words_of(text: str) -> list[str]:
    """The lower-case words of a phrase: "e.g." → ["e", "g"], "co-exist" → ["co", "exist"]."""
    return [w.lower() for w in _WORD.findall(text)]


# Between words: space, hyphen, slash or a dot ("e.g.", "co-exist", "and/or"); never a
# bracket, which would let "screening visit" swallow "Screening (Visit".
_BETWEEN_WORDS = r"[\s\-/.]*"
# A fixed idiom is written with commas and brackets inside it: "including, but not limited
# to,", "including (but not limited to)".
_BETWEEN_IDIOM_WORDS = r"[\s\-/.,()]*"


def phrase_pattern(entry: str, between: str = _BETWEEN_WORDS) -> str:
    """A phrase as a regex: its words in order ("and/or", "e.g.", "co-exist", "ISN/RPS")."""
    return r"(?<![^\W_])" + between.join(re.escape(w) for w in words_of(entry)) + r"(?![^\W_])"


def phrase_alternation(entries: Iterable[str]) -> str:
    """Several phrases as one regex alternation, longest first (so "new-onset disease"
    wins over "new-onset")."""
    return "|".join(phrase_pattern(e) for e in sorted(entries, key=len, reverse=True))


class Phrases:
    """A list of words and phrases: one-word entries are looked up per token, longer ones
    are found by one regex."""

    def __init__(self, entries: Iterable[str], between: str = _BETWEEN_WORDS) -> None:
        self.entries = tuple(entries)
        split = [words_of(x) for x in self.entries]
        self.words = frozenset(words[0] for words in split if len(words) == 1)
        longer = sorted((x for x in self.entries if len(words_of(x)) > 1), key=len, reverse=True)
        self._regex = (
            re.compile("|".join(phrase_pattern(x, between) for x in longer), re.IGNORECASE)
            if longer
            else None
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the multi-word entries occur in `text`."""
        if self._regex is None:
            return []
        return [(m.start(), m.end()) for m in self._regex.finditer(text)]

    def __contains__(self, word: object) -> bool:
        return word in self.words


@dataclass(frozen=True)
class Grammar:
    filler: Phrases
    meaning_changing: frozenset[str]
    negators: tuple[str, ...]
    lead_subjects: tuple[str, ...]
    lead_auxiliaries: tuple[str, ...]
    window_anchors: tuple[str, ...]
    kinds: dict[str, Phrases]
    exception_words: Phrases
    heading_words: Phrases
    cohort_words: tuple[str, ...]
    term_qualifiers: frozenset[str]
    paediatric_qualifiers: frozenset[str]
    inclusion_never_requires: frozenset[str]
    broad_concepts: frozenset[str]
    manual_concepts: dict[str, str]
    plausible: dict[str, tuple[float, float]]
    plausible_uln_multiple: tuple[float, float]
    max_window_days: int
    unrecorded_routes: tuple[str, ...] = ()
    dose_ceilings: Phrases = Phrases(())
    ceiling_heading_words: Phrases = Phrases(())
    subtype_qualifiers: frozenset[str] = frozenset()
    undefined_severity_words: frozenset[str] = frozenset()
    comorbidity_words: frozenset[str] = frozenset()
    example_idioms: Phrases = Phrases(())
    # A concept an inclusion names in more than one sense, each with the reason a person
    # checks it: "Infertility" heading a healthy volunteer's contraception options means
    # unable to conceive (surgically sterile), in a fertility trial the diagnosis.
    inclusion_manual_concepts: dict[str, str] = field(default_factory=dict)
    # "prednisone (PO)": a route or schedule in brackets is no abbreviation of the drug
    not_abbreviations: frozenset[str] = frozenset()
    # "Active renal disease with UPCR ≥ 1 g/g": the lead a measure defines (see the data)
    measure_defined_lead: re.Pattern[str] | None = None
    measure_defined_families: frozenset[str] = frozenset()
    # "Active TB, i.e. currently receiving anti-TB treatment (... are permitted)"
    current_state_clauses: dict[str, Phrases] = field(default_factory=dict)

    def cues(self, kind: str) -> Phrases:
        return self.kinds.get(kind) or _NO_PHRASES


_NO_PHRASES = Phrases(())


def _fail(message: str, source: str, key: str, received: Any = None, expected: str = "") -> None:
    raise VocabularyError(message, file=source, field=key, received=received,
                          expected=expected or None)


def _phrase_list(data: dict[str, Any], key: str, source: str, name: str = "") -> tuple[str, ...]:
    """The entries of one list; `name` is how errors call it ("kinds.lab")."""
    values = data[key]
    key = name or key
    if not isinstance(values, list):
        _fail("not a list", source, key, type(values).__name__, "a list of words or phrases")
    seen: set[tuple[str, ...]] = set()
    for value in values:
        if not isinstance(value, str) or not words_of(value):
            _fail("bad entry", source, key, value, "a word or phrase with a letter or digit")
        words = tuple(words_of(value))
        if words in seen:
            _fail("duplicate entry", source, key, value, "each word or phrase once")
        seen.add(words)
    return tuple(values)


def _concept_ids(values: Iterable[str], key: str, source: str, vocab: Vocabulary) -> None:
    for value in values:
        if value not in vocab:
            _fail("unknown concept id", source, key, value, "a concept id of concepts.jsonl")


def _id_list(data: dict[str, Any], key: str, source: str) -> list[str]:
    values = data[key]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        _fail("not a list", source, key, values, "a list of concept ids")
    for index, value in enumerate(values):
        if value in values[:index]:
            _fail("duplicate entry", source, key, value, "each id once")
    return list(values)


def _range(value: Any, key: str, source: str) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        or value[0] >= value[1]
    ):
        _fail("bad range", source, key, value, "[low, high] numbers with low < high")
    return float(value[0]), float(value[1])


def read_data_object(
    text: str, source: str, keys: frozenset[str], optional: Iterable[str] = ()
) -> dict[str, Any]:
    """The top-level object of a versioned data file: valid JSON, an object, exactly
    these keys ("description" and `optional` may be left out), version 1; else
    VocabularyError naming the key."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VocabularyError(f"invalid JSON ({exc.msg})", file=source, line=exc.lineno) from exc
    if not isinstance(data, dict):
        _fail("not a JSON object", source, "(top level)", type(data).__name__, "an object")
    for key in data:
        if key not in keys and key not in optional:
            _fail("unknown key", source, key, key, ", ".join(sorted(keys)))
    for key in sorted(keys - {"description"}):
        if key not in data:
            _fail("missing key", source, key, expected="the key to be present")
    if data["version"] != 1:
        _fail("unsupported version", source, "version", data["version"], "1")
    return data


def read_grammar(text: str, vocab: Vocabulary, source: str = GRAMMAR_FILE) -> Grammar:
    """A Grammar from the text of a grammar file, validated (see the module docstring);
    the concept ids it names must be `vocab`'s."""
    grammar = _grammar_of(text, source)
    check_grammar_concepts(grammar, vocab, source)
    return grammar


def check_grammar_concepts(grammar: Grammar, vocab: Vocabulary,
                           source: str = GRAMMAR_FILE) -> None:  # fmt: skip
    """Every concept id `grammar` names is `vocab`'s, else VocabularyError naming the file
    and the key ("plausible": "lab.hgb" in a vocabulary without haemoglobin)."""
    for key, ids in (("inclusion_never_requires", grammar.inclusion_never_requires),
                     ("broad_concepts", grammar.broad_concepts),
                     ("manual_concepts", grammar.manual_concepts),
                     ("inclusion_manual_concepts", grammar.inclusion_manual_concepts),
                     ("plausible", grammar.plausible)):  # fmt: skip
        _concept_ids(sorted(ids), key, source, vocab)


def _grammar_of(text: str, source: str) -> Grammar:
    """The grammar file's text read and validated, all but its concept ids' existence,
    which depends on the vocabulary it is read with (check_grammar_concepts)."""
    data = read_data_object(text, source, _KEYS, _OPTIONAL_LISTS)
    lists = {key: _phrase_list(data, key, source) for key in _PHRASE_LISTS}
    meaning = frozenset(w for entry in lists["meaning_changing"] for w in words_of(entry))
    for entry in lists["filler"]:
        clash = [w for w in words_of(entry) if w in meaning]
        if clash:
            _fail("filler entry changes meaning", source, "filler", entry,
                  f"no word of meaning_changing ({clash[0]!r}) in filler")
    idioms = _phrase_list(data, "example_idioms", source) if "example_idioms" in data else ()
    for entry in idioms:
        if len(words_of(entry)) < 2 or not meaning & set(words_of(entry)):
            _fail("idiom without a meaning-changing word", source, "example_idioms", entry,
                  "a phrase of two or more words with a meaning-changing one (else: filler)")
    kinds_data = data["kinds"]
    if not isinstance(kinds_data, dict):
        _fail("not an object", source, "kinds", type(kinds_data).__name__, "kind → cue words")
    kinds: dict[str, Phrases] = {}
    for kind in kinds_data:
        if kind not in COMPUTABLE_KINDS:
            known = ", ".join(sorted(COMPUTABLE_KINDS))
            _fail("unknown kind", source, f"kinds.{kind}", kind, known)
        kinds[kind] = Phrases(_phrase_list(kinds_data, kind, source, f"kinds.{kind}"))
    never = _id_list(data, "inclusion_never_requires", source)
    broad = _id_list(data, "broad_concepts", source)
    manual = data["manual_concepts"]
    if not isinstance(manual, dict) or not all(isinstance(v, str) and v for v in manual.values()):
        _fail("not an object", source, "manual_concepts", manual, "concept id → reason")
    inclusion_manual = data.get("inclusion_manual_concepts", {})
    if not isinstance(inclusion_manual, dict) or not all(
        isinstance(v, str) and v for v in inclusion_manual.values()
    ):
        _fail("not an object", source, "inclusion_manual_concepts", inclusion_manual,
              "concept id → reason")
    plausible_data = data["plausible"]
    if not isinstance(plausible_data, dict):
        _fail("not an object", source, "plausible", plausible_data, "concept id → [low, high]")
    plausible = {k: _range(v, f"plausible.{k}", source) for k, v in plausible_data.items()}
    window = data["max_window_days"]
    if not isinstance(window, int) or isinstance(window, bool) or window <= 0:
        _fail("bad number", source, "max_window_days", window, "a positive whole number of days")
    return Grammar(
        filler=Phrases(lists["filler"]),
        meaning_changing=meaning,
        negators=lists["negators"],
        lead_subjects=lists["lead_subjects"],
        lead_auxiliaries=lists["lead_auxiliaries"],
        window_anchors=lists["window_anchors"],
        kinds=kinds,
        exception_words=Phrases(lists["exception_words"]),
        heading_words=Phrases(lists["heading_words"]),
        cohort_words=lists["cohort_words"],
        term_qualifiers=frozenset(w for e in lists["term_qualifiers"] for w in words_of(e)),
        paediatric_qualifiers=frozenset(
            w for e in lists["paediatric_qualifiers"] for w in words_of(e)
        ),
        inclusion_never_requires=frozenset(never),
        broad_concepts=frozenset(broad),
        manual_concepts=dict(manual),
        inclusion_manual_concepts=dict(inclusion_manual),
        plausible=plausible,
        plausible_uln_multiple=_range(data["plausible_uln_multiple"], "plausible_uln_multiple",
                                      source),
        max_window_days=window,
        unrecorded_routes=_phrase_list(data, "unrecorded_routes", source)
        if "unrecorded_routes" in data else (),
        subtype_qualifiers=frozenset(
            w for e in _phrase_list(data, "subtype_qualifiers", source) for w in words_of(e)
        ) if "subtype_qualifiers" in data else frozenset(),
        undefined_severity_words=frozenset(
            w for e in _phrase_list(data, "undefined_severity_words", source) for w in words_of(e)
        ) if "undefined_severity_words" in data else frozenset(),
        comorbidity_words=frozenset(
            w for e in _phrase_list(data, "comorbidity_words", source) for w in words_of(e)
        ) if "comorbidity_words" in data else frozenset(),
        dose_ceilings=Phrases(_phrase_list(data, "dose_ceilings", source)
                              if "dose_ceilings" in data else ()),
        ceiling_heading_words=Phrases(_phrase_list(data, "ceiling_heading_words", source)
                                      if "ceiling_heading_words" in data else ()),
        example_idioms=Phrases(idioms, _BETWEEN_IDIOM_WORDS),
        not_abbreviations=frozenset(
            e.casefold() for e in _phrase_list(data, "not_abbreviations", source)
        ) if "not_abbreviations" in data else frozenset(),
        **_measure_defined(data, source),
        current_state_clauses=_current_state_clauses(data, source),
    )


_CURRENT_STATE_LISTS = ("definers", "current_words", "permitting", "past_or_preventive",
                        "carve_out_words")


def _current_state_clauses(data: dict[str, Any], source: str) -> dict[str, Phrases]:
    key = "current_state_clauses"
    if key not in data:
        return {}
    entry = data[key]
    if not isinstance(entry, dict) or not all(name in entry for name in _CURRENT_STATE_LISTS):
        _fail("not an object with its lists", source, key, entry, ", ".join(_CURRENT_STATE_LISTS))
    return {name: Phrases(_phrase_list(entry, name, source, f"{key}.{name}"))
            for name in _CURRENT_STATE_LISTS}


def _measure_defined(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The lead pattern and lab families of `measure_defined_conditions`, if given: the
    item starts with [qualifier] condition [,] definer ("Active renal disease with")."""
    key = "measure_defined_conditions"
    if key not in data:
        return {}
    entry = data[key]
    if not isinstance(entry, dict) or not all(
        name in entry for name in ("families", "qualifiers", "conditions", "definers")
    ):
        _fail("not an object with its lists", source, key, entry,
              "families, qualifiers, conditions, definers")
    lists = {name: _phrase_list(entry, name, source, f"{key}.{name}")
             for name in ("families", "qualifiers", "conditions", "definers")}
    # A colon defines as a definer word does, after a screening time that may stand
    # between: "Active proteinuria at screening: UPCR >= 1.0 g/g".
    times = _phrase_list(entry, "times", source, f"{key}.times") if "times" in entry else ()
    # A bracket right after the condition holds its definition as a definer word does:
    # "Chronic kidney disease (serum creatinine > 1.5 mg/dL)" excludes on the creatinine.
    # Only a closed bracket: the measure and nothing else must stand in it, which the lab
    # reader and the coverage guard decide.
    # The same time may stand before a definer: "Proteinuria at screening, defined as UPCR
    # >= 1.0 mg/mg" (the definition is the requirement, the time is the lab's own).
    at_time = rf"(?:\s+(?:{phrase_alternation(times)}))?" if times else ""
    lead = (rf"^\W*(?:(?:{phrase_alternation(lists['qualifiers'])})\s+)*"
            rf"(?:{phrase_alternation(lists['conditions'])}){at_time}"
            rf"(?:\s*,?\s*(?:{phrase_alternation(lists['definers'])})|\s*:|\s*\((?=[^()]*\)))")
    return {"measure_defined_lead": re.compile(lead, re.IGNORECASE),
            "measure_defined_families": frozenset(lists["families"])}


def criteria_data_text(name: str) -> str:
    """Text of a data file of the criteria reader (matcher/criteria/data/NAME)."""
    return data_text(name, "matcher.criteria")


@cache
def load_grammar() -> Grammar:
    """The packaged grammar, read and validated once. Its concept ids are checked against
    each vocabulary the reader is given (matcher.criteria.data_check), not against a
    vocabulary of its own: a run reading with another vocabulary than the packaged one
    has the grammar checked against that one."""
    return _grammar_of(criteria_data_text("criteria_grammar.json"), GRAMMAR_FILE)
