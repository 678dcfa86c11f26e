"""Criteria benchmark: the engine's registry-criteria reader scored against hand-written gold.

    python benchmarks/bench_criteria.py [--split dev|heldout|all] [--corpus DIR]
                                        [--rows FILE.jsonl] [--json]

The corpus (tests/data/registry_corpus) holds real registry texts `<NCT>.txt` and their gold
`<NCT>.gold.jsonl`, one row per criterion a research coordinator screens separately
(issue 12's REGISTRY.md says how a row is judged). The held-out third is listed on the
"held-out third" line of the corpus's REVIEW.md and is measured once, by someone else; the
default split is the other trials (`dev`).

Each trial is read with `matcher.criteria.registry.load_trial`, as `matcher trial show` does, and
every gold row is judged:

- **alignment**: a row's `source` is an exact substring of the .txt; an engine criterion's
  `text` is its item text with markers and line breaks gone. Both are placed on the word
  tokens of the .txt (NFKC, unified dashes, case folded) and a row is aligned to each
  criterion covering at least half of the row's tokens, or lying at least half inside it
  (a hard-wrapped item split in fragments). Structured rows (Sex / Minimum Age / Maximum
  Age) are judged against the engine's sex and age criteria wherever they come from.
- **outcome**: *correct* (computable, computed with the right essentials), *correct
  manual* (not computable, left manual), *missed* (computable, left manual), *wrong*
  (computed with a wrong essential, or a non-computable item computed), *dropped* (no
  criterion for it), *unjudged* (the gold concept is not in the vocabulary and the engine's
  concept does not clearly differ, nothing else differs: listed, should stay rare).
- **essentials**: effect (an exclusion "< X" is the requirement ">= X"), concept
  (vocabulary ids; a gold "A | B" row needs both), drug lists widened past the gold,
  temporality and window (±1 day), operator and strictness, value after unit
  normalisation (±1 %), ULN multiple, biopsy class sets, age bounds, and the qualifiers
  that change who matches (dose, indication, change from baseline, duration, onset,
  exceptions, conditions) when the engine's criterion has no parameter for them, and the
  groups (`group_differences`): a cohort-only row must be read with that cohort
  (Criterion.cohort), a row for everyone with none and not as one branch of an
  either/or (Criterion.any_of).
  A vital sign's threshold is judged like a lab's; a dose limit's window like a drug
  exposure's (no window: the current dose, the lookback), and "or equivalent", "dose",
  "cumulative" in the gold concept are what a dose criterion reads.

Engine criteria aligned to no gold row are *extras*; computed extras are listed. Guard
hits (manual reasons starting "guard:") are counted by reason, and exclusions of the
trial's own condition (SLE or lupus nephritis in a lupus trial) are printed loudly.

Figures: computable recall = correct / computable rows; wrong rate = wrong / all rows;
manual rate = rows the engine left manual (missed + correct manual) / all rows.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from matcher.criteria.registry import load_trial
from matcher.errors import MatcherError
from matcher.model import LOOKBACK_DAYS, Criterion
from matcher.nlp.units import canonical_unit, normalize
from matcher.nlp.vocab import Vocabulary, load_vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "registry_corpus"

CORRECT = "correct"
CORRECT_MANUAL = "correct manual"
MISSED = "missed"
WRONG = "wrong"
DROPPED = "dropped"
UNJUDGED = "unjudged"
OUTCOMES = (CORRECT, CORRECT_MANUAL, MISSED, WRONG, DROPPED, UNJUDGED)

UNVERIFIABLE = "value unverifiable"  # a gold unit the scorer cannot convert: unjudged, not wrong

# Pseudo concept ids for kinds that name no vocabulary concept.
AGE, SEX, BIOPSY = "age", "sex", "biopsy"
FUZZY_CUTOFF = 92  # rapidfuzz ratio: spelling variants only ("breast feeding" ~ "breastfeeding")
VALUE_TOLERANCE = 0.01
WINDOW_TOLERANCE_DAYS = 1
ROMAN_CLASSES = ("I", "II", "III", "IV", "V", "VI")


# =====================================================================================
# Text and tokens
# =====================================================================================

_GLYPHS = str.maketrans(
    {"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-", "⩾": "≥", "≧": "≥", "⩽": "≤", "≦": "≤"}
)
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Matching form: NFKC (full-width glyphs, NBSP), one dash, case folded."""
    return unicodedata.normalize("NFKC", text).translate(_GLYPHS).casefold()


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _cut(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# =====================================================================================
# Corpus
# =====================================================================================


def held_out_ids(corpus: Path) -> list[str]:
    """The ids on REVIEW.md's "held-out third" line: measured once, never developed on."""
    review = corpus / "REVIEW.md"
    for line in review.read_text(encoding="utf-8").splitlines():
        if "held-out third" in line.lower():
            ids = re.findall(r"NCT\d{8}", line)
            if ids:
                return sorted(ids)
    raise ValueError(f"{review}: no 'held-out third' line listing NCT ids")


def trial_ids(corpus: Path, split: str) -> list[str]:
    everything = sorted(p.name[: -len(".gold.jsonl")] for p in corpus.glob("*.gold.jsonl"))
    if split == "all":
        return everything
    held = set(held_out_ids(corpus))
    if split == "heldout":
        return [i for i in everything if i in held]
    return [i for i in everything if i not in held]


def read_gold(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: line {number}: not JSON ({exc.msg})") from exc
    return rows


# =====================================================================================
# Gold concepts → vocabulary ids
# =====================================================================================

# Words that say nothing about which concept is meant: "HIV antibody" is HIV, "anti-HCV
# positive test" is hepatitis C, "active SLE" is SLE (activity is judged as temporality),
# "SLEDAI score" is the SLEDAI.
_FILLER = _wordset(
    "a an the of to in on for with by and or any all its their from at as be is are "
    "antibody antibodies positive positivity negative test tests testing serology "
    "seropositive infection history known documented confirmed prior previous current "
    "currently active ongoing presence evidence diagnosis diagnosed patients patient "
    "subjects subject agent agents therapy therapies treatment treatments drug drugs "
    "medication medications use level levels count value values serum plasma blood total "
    "result results status score scores index e g eg i ie etc including include such"
)
_EXCEPTION_TAIL = re.compile(
    r"\b(?:other\s+than|except|excluding|apart\s+from|unrelated\s+to|not\s+due\s+to|"
    r"not\s+related\s+to|not\s+caused\s+by|not)\b.*$",
    re.I,
)
_PAREN = re.compile(r"\(([^()]*)\)")
_OTHER = frozenset({"other", "another"})
_SUBPART = re.compile(r"\s+(?:or|and/or)\s+|\s+/\s+|\s+\+\s+", re.I)
_CARRIER_STATE = re.compile(
    r"^(?:(?:chronic|asymptomatic|inactive|healthy)\s+)?carriers?(?:\s+(?:state|status))?$", re.I
)
_EXAMPLES = re.compile(r"^\s*(?:e\.?\s?g\.?|such\s+as|for\s+example|not\b|except)", re.I)


# Clinical equivalences the vocabulary spells differently. The engine reads "creatinine
# clearance ≥ 60 mL/min" as an eGFR threshold (matcher.criteria._analyte_at); the gold
# names the analyte as printed.
_EQUIVALENTS = {"creatinine clearance": "lab.egfr", "CrCl": "lab.egfr"}


@dataclass(frozen=True)
class Part:
    """One concept of a gold row ("HIV | hepatitis B" has two).

    `how`: "exact" (the whole phrase is a vocabulary term, or its words are all terms or
    filler), "narrower" (a term plus words the vocabulary does not cover: "severe
    extra-renal lupus" is narrower than SLE), "examples" (only the bracketed examples map:
    "antimalarial (hydroxychloroquine, chloroquine)"), "none"."""

    text: str
    ids: frozenset[str]
    how: str
    unread: tuple[str, ...] = ()


class ConceptMapper:
    """Gold concept strings → vocabulary ids: exact term, then fuzzy (spelling), then the
    vocabulary's own term finder over the phrase."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.by_term: dict[str, str] = {}
        self.by_abbreviation: dict[str, str] = {}
        for concept in vocab.concepts.values():
            for term in (concept.label, *concept.terms):
                self.by_term.setdefault(fold(term), concept.id)
            for abbreviation in concept.abbreviations:
                self.by_abbreviation.setdefault(abbreviation, concept.id)
        for term, concept_id in _EQUIVALENTS.items():
            if concept_id in vocab:
                self.by_term.setdefault(fold(term), concept_id)
        self.choices = sorted(self.by_term)
        self._cache: dict[tuple[str, str, bool], tuple[Part, ...]] = {}

    def map_row(self, row: dict[str, Any]) -> tuple[Part, ...]:
        essentials = row.get("essentials") or {}
        concept = str(essentials.get("concept") or "")
        category = str(row.get("category") or "")
        biopsy = category == "biopsy" and (
            essentials.get("classes") is not None or "lupus nephritis" in concept.lower()
        )
        key = (concept, category, biopsy)
        if key not in self._cache:
            self._cache[key] = self._map(concept, category, biopsy)
        return self._cache[key]

    def _map(self, concept: str, category: str, biopsy: bool) -> tuple[Part, ...]:
        if category in (AGE, SEX):
            return (Part(category, frozenset({category}), "exact"),)
        if biopsy:
            return (Part(concept, frozenset({BIOPSY, "dx.lupus_nephritis"}), "exact"),)
        whole = " ".join(_PAREN.sub(" ", concept).split())
        head = self._lookup(whole) if " | " not in whole else None
        if head is not None:
            # "substance abuse (drug | alcohol)": one concept whose kinds the brackets
            # list, not the alternatives "substance abuse (drug" and "alcohol)".
            return (Part(concept, frozenset({head}), "exact"),)
        return tuple(
            part for phrase in concept.split(" | ") if phrase.strip()
            for part in self.map_phrase(phrase.strip())
        )

    def map_phrase(self, phrase: str) -> list[Part]:
        """One gold phrase → its parts: "24-hour urine protein / UPCR" is two, each of
        which the engine must compute; "HIV antibody" is one, HIV."""
        asides = _PAREN.findall(phrase)
        main = " ".join(_PAREN.sub(" ", phrase).split())
        main = _EXCEPTION_TAIL.sub("", main).strip(" ,;:-")
        found = self._lookup(main) or self._lookup(phrase)
        if found:
            return [Part(phrase, frozenset({found}), "exact")]
        pieces = [p.strip() for p in _SUBPART.split(main) if _content(p)] if main else []
        if len(pieces) > 1 and any(_CARRIER_STATE.match(p) for p in pieces):
            # "hepatitis B virus infection / carrier state": the carrier state is that
            # infection (HBsAg positive now), no concept of its own.
            pieces = [p for p in pieces if not _CARRIER_STATE.match(p)]
            if len(pieces) == 1:
                return [self._part(phrase, pieces[0])]
        if len(pieces) > 1:
            parts = [self._part(piece, piece) for piece in pieces]
            if any(part.ids for part in parts):
                return parts
        elif main:
            part = self._part(phrase, main)
            if part.ids:
                return [part]
        for aside in asides:
            if _EXAMPLES.match(aside):
                continue
            ids, _ = self._read(aside)
            if ids:
                return [Part(phrase, ids, "examples")]
        return [Part(phrase, frozenset(), "none")]

    def _part(self, name: str, text: str) -> Part:
        ids, unread = self._read(text)
        if not ids:
            return Part(name, ids, "none")
        classes = all(i in self.vocab and self.vocab[i].category == "drug_class" for i in ids)
        if classes and set(unread) <= _OTHER:
            # "rituximab or other B-cell depleting drug": "other" before a drug class is
            # the class itself (the drug named before it is a member), not a narrower one.
            return Part(name, ids, "exact")
        return Part(name, ids, "narrower" if unread else "exact", unread)

    def _lookup(self, text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        if text in self.by_abbreviation:
            return self.by_abbreviation[text]
        folded = fold(text)
        if folded in self.by_term:
            return self.by_term[folded]
        if len(folded) >= 5:
            best = process.extractOne(
                folded, self.choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if best is not None:
                return self.by_term[best[0]]
        return None

    def _read(self, text: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """Concepts the vocabulary's term finder reads in `text`, and the content words it
        leaves unread. "anti-HCV antibody" is read as "HCV antibody"."""
        found = self._lookup(text)
        if found:
            return frozenset({found}), ()
        best: tuple[frozenset[str], tuple[str, ...]] = (frozenset(), ())
        for variant in (text, re.sub(r"\banti-(?=[A-Za-z])", "", text)):
            terms = self.vocab.find_terms(variant)
            if not terms:
                continue
            covered = [(t.start, t.end) for t in terms]
            unread = tuple(
                word
                for start, end, word in _tokens(variant)
                if not any(a <= start and end <= b for a, b in covered)
                and word not in _FILLER
                and not word.isdigit()
                and len(word) > 1
            )
            ids = frozenset(t.concept_id for t in terms)
            if not best[0] or len(unread) < len(best[1]):
                best = (ids, unread)
        return best

    def expand(self, ids: Iterable[str]) -> frozenset[str]:
        """Drug classes stand for their members too."""
        out: set[str] = set()
        for concept_id in ids:
            out.add(concept_id)
            if concept_id in self.vocab:
                out.update(self.vocab.expand(concept_id))
        return frozenset(out)

    def words(self, ids: Iterable[str]) -> set[str]:
        """Stems of every word of these concepts' labels and terms."""
        out: set[str] = set()
        for concept_id in ids:
            if concept_id in self.vocab:
                concept = self.vocab[concept_id]
                texts: Sequence[str] = (concept.label, *concept.terms, *concept.abbreviations)
            else:
                texts = {BIOPSY: ("kidney renal biopsy lupus nephritis class",)}.get(
                    concept_id, (concept_id,)
                )
            for text in texts:
                out.update(_words(text))
        return out


def _content(text: str) -> bool:
    """Does a piece name anything beyond filler ("drug" in "drug or alcohol abuse")?"""
    return any(w not in _FILLER for _, _, w in _tokens(text))


# Grammar only: the word test keeps "infection", "therapy", "antibody" (an "infection
# requiring antimicrobial therapy" and "active infection" share a concept word).
_STOPWORDS = _wordset(
    "a an the of to in on for with by and or any all its their from at as be is are not "
    "other than e g eg i ie etc such including include"
)


def _words(text: str) -> set[str]:
    """Stems of the content words of a text, for the "clearly differs" test."""
    return {_stem(w) for _, _, w in _tokens(text) if w not in _STOPWORDS and len(w) > 2}


def _stem(word: str) -> str:
    word = word.rstrip("s") if len(word) > 3 else word
    return word[:6]


# =====================================================================================
# Engine criteria
# =====================================================================================


def computed(criterion: Criterion) -> bool:
    return criterion.manual_reason is None


# Kinds whose params name no concept: the kind itself is the concept.
_KIND_CONCEPTS = {
    "ana": ("lab.ana",),
    "cd19": ("lab.cd19",),
    "venous": ("status.good_venous_access", "proc.apheresis"),
    "hemodynamic": ("status.hemodynamic_stability",),
    "refractory": ("status.nonresponse",),
}


def engine_ids(criterion: Criterion, vocab: Vocabulary) -> frozenset[str]:
    """Vocabulary ids a criterion computes on: every id in its params (concepts, drugs,
    analytes, agents, alternatives...), plus a pseudo id for age, sex and biopsy."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value in vocab:
                found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item)

    walk(criterion.params)
    found.update(_KIND_CONCEPTS.get(criterion.kind, ()))
    if criterion.kind in (AGE, SEX):
        found.add(criterion.kind)
    if criterion.kind == BIOPSY:
        found.update({BIOPSY, "dx.lupus_nephritis"})
    return frozenset(found)


def _effect(criterion: Criterion) -> str:
    # "Non-pregnant females" as an inclusion (pregnancy, present False) excludes a
    # pregnancy, as the exclusion "Pregnant women" does.
    # "Negative for hepatitis B and C virus" as an inclusion (serology, result negative)
    # excludes those infections the same way.
    absent = (criterion.kind == "pregnancy" and criterion.params.get("present") is False) or (
        criterion.kind == "serology" and criterion.params.get("result") == "negative"
    )
    return "exclude" if (criterion.type == "exclusion") != absent else "require"


# An exclusion of "< X" is the requirement ">= X": both sides are compared as requirements.
_FLIP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _as_requirement(effect: str, op: str | None) -> tuple[str, str | None]:
    if effect == "exclude" and op in _FLIP:
        return "require", _FLIP[op]
    return effect, op


def _close(a: float, b: float, tolerance: float = VALUE_TOLERANCE) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-9)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


# =====================================================================================
# Qualifiers that change who matches
# =====================================================================================

_QUALIFIER_KINDS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    (
        "change",
        re.compile(
            r"\bchange\b|\brise\b|\bincrease|\bescalat|\binitiat|\bstart\s+date\b|\bstarted\b|"
            r"\bintroduced\b",
            re.I,
        ),
        ("change", "delta", "rise"),
    ),
    (
        "dose",
        re.compile(
            r"\d\s*(?:mg|g|mcg|µg|iu)(?:/|\b)|mg/kg|high[- ]dose|cumulative|-equivalent", re.I
        ),
        ("dose",),
    ),
    (
        "duration",
        re.compile(
            r"\bduration\b|\bfor\s+at\s+least\b|\bsustained\b|\blasting\b|"
            r"(?:[<>≤≥]=?|at\s+least)\s*\d+\s*(?:days?|weeks?|months?|years?)\b",
            re.I,
        ),
        ("duration",),
    ),
    ("indication", re.compile(r"^\s*indication\b", re.I), ("indication",)),
    ("onset", re.compile(r"\bonset\b|\bage\s+at\s+diagnosis\b", re.I), ("onset",)),
    ("exception", re.compile(r"^\s*except", re.I), ("except", "below_manual")),
    ("conditional", re.compile(r"\bconditional\b|\bonly\s+if\b", re.I), ("conditional", "if_")),
)


def _represented(criterion: Criterion, hints: tuple[str, ...]) -> bool:
    """Does the criterion carry a parameter for this qualifier? A refractory criterion
    has a minimum duration; a lab criterion has exceptions. Only presence is checked."""
    if criterion.kind == "refractory" and "duration" in hints:
        return True
    keys = [k.lower() for k in criterion.params if criterion.params.get(k)]
    return any(h in k for h in hints for k in keys)


def qualifier_differences(row: dict[str, Any], criterion: Criterion) -> list[tuple[str, str]]:
    """Qualifiers of the gold row that change who matches and that the criterion has no
    parameter for: "prednisone > 0.5 mg/kg/day" read as any prednisone, "corticosteroids
    for a non-lupus reason" read as any corticosteroid, a cohort-only item for everyone."""
    essentials = row.get("essentials") or {}
    lost: dict[str, str] = {}
    for qualifier in essentials.get("qualifiers") or []:
        for kind, pattern, hints in _QUALIFIER_KINDS:
            if kind == "dose" and row.get("category") not in ("drug", "other-computable"):
                continue
            if pattern.search(str(qualifier)) and not _represented(criterion, hints):
                if kind == "duration" and _restates_window(str(qualifier), essentials,
                                                           criterion):  # fmt: skip
                    break
                lost.setdefault(kind, f"'{qualifier}' not in the criterion")
                break
    dosed = row.get("category") == "drug" and _number(essentials.get("value")) is not None
    if dosed and not _represented(criterion, ("dose",)):
        dose = " ".join(str(essentials.get(k)) for k in ("operator", "value", "unit"))
        lost.setdefault("dose", f"dose {dose} not in the criterion")
    held = essentials.get("temporality") == "current" and essentials.get("window_days")
    readings = criterion.kind in ("drug_exposure", "diagnosis")
    if held and readings and not _represented(criterion, ("duration",)):
        lost.setdefault("duration", f"held >= {essentials['window_days']} d not in the criterion")
    out = [(f"qualifier lost: {kind}", detail) for kind, detail in lost.items()]
    return out + group_differences(row, criterion)


_SPAN = re.compile(r"(\d+(?:\.\d+)?)\s*(days?|weeks?|months?|years?)\b", re.I)


def _restates_window(qualifier: str, essentials: dict[str, Any], criterion: Criterion) -> bool:
    """Is a "duration" qualifier the gold's own window said again ("active or < 3 years"
    beside window_days 1095), which the criterion's window holds? REGISTRY.md's day
    counts: weeks × 7, months round(30.44 × N), years × 365."""
    window = essentials.get("window_days")
    if not window or criterion.params.get("window_days") != window:
        return False
    per = {"d": 1.0, "w": 7.0, "m": 30.44, "y": 365.0}
    days = {round(float(n) * per[unit[0].lower()]) for n, unit in _SPAN.findall(qualifier)}
    return window in days


_GOLD_COHORT = re.compile(
    r"\b(?:population|cohort|group|part|arm)s?\s+(?P<ids>[0-9A-Z]{1,3}"
    r"(?:\s*(?:&|and|,|/|\+)\s*[0-9A-Z]{1,3})*)\b",
    re.I,
)


def _gold_cohort_ids(cohort: str) -> frozenset[str] | None:
    """ "populations 1 & 2 only" → {"1", "2"}; None when the gold names no numbered
    cohort ("the LN group"). A note in brackets is not the cohort ("population 3
    (printed under 'Population 3 & 4')")."""
    m = _GOLD_COHORT.search(cohort.split("(")[0])
    if m is None:
        return None
    return frozenset(i.upper() for i in re.split(r"\s*(?:&|\band\b|,|/|\+)\s*", m["ids"]) if i)


def group_differences(row: dict[str, Any], criterion: Criterion) -> list[tuple[str, str]]:
    """The groups a criterion belongs to (Criterion.cohort, Criterion.any_of) against the
    gold's `cohort` and `alternatives`: a cohort-only row read for everyone, or for
    other cohorts; a row everyone must meet read as one cohort's, or as one branch of an
    either/or. The gold's `cohort` also names branches of "one or more of" ("refractory
    LN branch"), which an any-of group represents; its `alternatives` also describes
    choices inside one row ("UPCR or 24-h protein"), so an any-of group is wrong only
    where the gold names no alternative at all."""
    essentials = row.get("essentials") or {}
    gold = essentials.get("cohort")
    engine = criterion.cohort
    if gold:
        if engine is None:
            if criterion.any_of is None and not _represented(criterion, ("cohort",)):
                return [("cohort", f"applies only to {gold!r}, engine: everyone")]
            return []
        wanted = _gold_cohort_ids(str(gold))
        got = frozenset(c.rsplit(" ", 1)[-1].upper() for c in engine.cohorts)
        if wanted is not None and wanted != got:
            return [("cohort", f"applies only to {gold!r}, engine: {engine.label!r}")]
        return []
    if engine is not None:
        return [("cohort", f"applies to everyone, engine: only {engine.label!r}")]
    if criterion.any_of is not None and not essentials.get("alternatives"):
        return [("alternative", "required of everyone, engine: one branch of any-of group "
                 f"{criterion.any_of.group}")]
    return []


# =====================================================================================
# Essentials
# =====================================================================================


@dataclass
class Context:
    """What judging a row needs beyond the row and one criterion."""

    mapper: ConceptMapper
    age_bounds: dict[str, set[int]] = field(default_factory=dict)  # gold "min"/"max" bounds
    # The same from rows for everyone: one cohort's "5 to < 12" is no limit on the record.
    everyone_age_bounds: dict[str, set[int]] = field(default_factory=dict)
    # Per criterion id: the expanded gold ids of every computable row aligned to it, and
    # the words of those rows' parts that do not map exactly (a drug the engine "adds" may
    # be what such a part names: "other potent immunosuppressants").
    gold_by_criterion: dict[str, tuple[frozenset[str], frozenset[str]]] = field(
        default_factory=dict
    )


def _window_differences(row: dict[str, Any], criterion: Criterion) -> list[tuple[str, str]]:
    """Temporality of diagnosis, drug and biopsy readings: the engine's window is a
    lookback (None: any mention ever). Labs and scores are always the latest value."""
    if criterion.kind not in ("diagnosis", "drug_exposure", "dose_exposure", BIOPSY):
        return []
    essentials = row.get("essentials") or {}
    temporality = essentials.get("temporality")
    gold_days = essentials.get("window_days")
    days = criterion.params.get("window_days")
    if criterion.kind == "dose_exposure" and days is None and not criterion.params.get(
        "cumulative"
    ):
        days = LOOKBACK_DAYS  # a dose limit with no window is the current dose
    if temporality == "within" and gold_days:
        if days is None:
            return [("window", f"gold within {gold_days} d, engine ever")]
        if abs(days - gold_days) > WINDOW_TOLERANCE_DAYS:
            return [("window", f"gold within {gold_days} d, engine within {days} d")]
    elif temporality == "ever" and days is not None and not gold_days:
        if criterion.kind == "diagnosis" and criterion.params.get("temporality") == "current":
            # A current reading decides only where "ever" agrees: a mention in the
            # lookback holds, none fails, and an older one is left to a person
            # (matcher.judge.eval_diagnosis `_current_diagnosis`), never read as the absence.
            return []
        return [("window", f"gold ever, engine only within {days} d")]
    elif temporality == "current" and criterion.kind != BIOPSY:
        if days is None:
            return [("temporality", "gold current/active, engine matches any past mention")]
        if days > LOOKBACK_DAYS + WINDOW_TOLERANCE_DAYS and not gold_days:
            # "Pregnant or planning pregnancy within 12 months": a pregnancy 11 months ago
            # is not current. The engine's own "current" for labs is LOOKBACK_DAYS.
            return [("temporality", f"gold current, engine any mention within {days} d")]
    elif temporality == "before-anchor":
        if days is not None:
            return [("temporality", f"gold a minimum time before, engine within {days} d")]
        return [("temporality", "gold a minimum time before the anchor, engine any mention")]
    return []


def _gold_value(essentials: dict[str, Any], analyte: str, vocab: Vocabulary) -> float | None:
    """The gold threshold in the analyte's canonical unit ("1,500 cells/mm3" → 1.5)."""
    value = _number(essentials.get("value"))
    if value is None or analyte not in vocab:
        return None
    concept = vocab[analyte]
    family = concept.attrs.get("family", "")
    units = [u.strip() for u in re.split(r"\s+or\s+|,", str(essentials.get("unit") or ""))]
    for unit in [u for u in units if u] or [None]:
        converted = normalize(family, value, unit, analyte=concept.key)
        if converted is not None:
            return converted[0]
    return None


def _threshold_groups(criterion: Criterion) -> list[dict[str, Any]]:
    """Each (analytes, op, value | uln_multiple) a lab/score criterion states."""
    params = criterion.params
    if criterion.kind == "score":
        return [dict(params, analytes=[params.get("concept")])]
    groups = [params] if params.get("analytes") else []
    groups += [g for g in params.get("alternatives", []) if g.get("analytes")]
    groups = _ranges_folded(groups, params.get("combine", "and"))
    if criterion.kind in ("cd19", "ana"):
        groups.append(dict(params, analytes=[f"lab.{criterion.kind}"]))
    return groups


def _ranges_folded(groups: list[dict[str, Any]], combine: str) -> list[dict[str, Any]]:
    """A lab range is read as a lower bound with the upper bound as an "and" alternative
    ("platelets within 30-80" → ≥ 30 and ≤ 80): judged as the one range it states. A line
    of several ranges ("SBP 90-150 mmHg, DBP 60-95 mmHg") folds each analyte's pair."""
    if combine != "and":
        return groups
    folded: list[dict[str, Any]] = []
    rest = list(groups)
    while rest:
        first = rest.pop(0)
        upper = next((g for g in rest if g.get("analytes") == first.get("analytes")
                      and g.get("op") in ("<=", "<")), None)  # fmt: skip
        if upper is None or "value" not in first or first.get("op") not in (">=", ">"):
            folded.append(first)
            continue
        rest.remove(upper)
        folded.append(dict(first, low=first["value"], high=upper.get("value")))
    return folded


def _threshold_differences(
    row: dict[str, Any], criterion: Criterion, ids: frozenset[str], vocab: Vocabulary
) -> list[tuple[str, str]]:
    essentials = row.get("essentials") or {}
    gold_op = essentials.get("operator")
    value = essentials.get("value")
    qualitative = (
        _number(value) is None
        and _number(essentials.get("uln_multiple")) is None
        and not re.search(r"1\s*:\s*\d", str(value))
    )
    if gold_op is None or qualitative:
        return []  # "= positive": the reading's own cut-off is not the gold's to judge
    groups = [g for g in _threshold_groups(criterion) if ids & set(g.get("analytes") or [])]
    if not groups:
        return [("operator", f"gold {gold_op} {essentials.get('value')}, engine no threshold")]
    best: list[tuple[str, str]] | None = None
    for group in groups:
        diffs = _group_differences(essentials, _effect(criterion), group, ids, vocab)
        if best is None or len(diffs) < len(best):
            best = diffs
    return best or []


def _group_differences(
    essentials: dict[str, Any],
    engine_effect: str,
    group: dict[str, Any],
    ids: frozenset[str],
    vocab: Vocabulary,
) -> list[tuple[str, str]]:
    gold_op = essentials["operator"]
    if gold_op == "between" or "low" in group:
        return _range_differences(essentials, group, ids, vocab)
    gold_effect, gold_req = _as_requirement(essentials.get("effect", "require"), gold_op)
    engine_op = group.get("op") or (">=" if "min_titre" in group else None)
    _, engine_req = _as_requirement(engine_effect, engine_op)
    diffs: list[tuple[str, str]] = []
    if engine_req != gold_req:
        diffs.append(("operator", f"gold {gold_effect} {gold_req}, engine {engine_req}"))
    gold_uln = _number(essentials.get("uln_multiple"))
    if gold_uln is not None:
        engine_uln = _number(group.get("uln_multiple"))
        if engine_uln is None or not _close(gold_uln, engine_uln):
            diffs.append(("ULN multiple", f"gold {gold_uln}×ULN, engine {engine_uln}"))
        return diffs
    if "min_titre" in group:
        titre = re.search(r"1\s*:\s*(\d+)", str(essentials.get("value")))
        if titre and int(titre[1]) * (2 if gold_op == ">" else 1) != group["min_titre"]:
            engine = f"1:{group['min_titre']}"
            diffs.append(("value", f"gold titre {essentials['value']}, engine {engine}"))
        return diffs
    if _number(essentials.get("value")) is None:
        return diffs
    if "uln_multiple" in group:
        return [*diffs, ("value", f"gold {essentials['value']}, engine ×ULN")]
    engine_value = _number(group.get("value"))
    analyte = next((a for a in group.get("analytes") or [] if a in ids), "")
    gold_value = _gold_value(essentials, analyte, vocab)
    if _unit_free(analyte, vocab):
        gold_value = _number(essentials.get("value"))
    if gold_value is None:
        units = re.split(r"\s+or\s+|,", str(essentials.get("unit") or ""))
        if any(canonical_unit(u.strip()) for u in units):
            return diffs  # another part's value: "1,500 mg/24 h" of a "24-h protein / UPCR" row
        return [*diffs, (UNVERIFIABLE, f"gold unit {essentials.get('unit')!r}")]
    if engine_value is None or not _close(gold_value, engine_value):
        diffs.append(("value", f"gold {gold_value:g}, engine {engine_value}"))
    return diffs


def _unit_free(analyte: str, vocab: Vocabulary) -> bool:
    """Scores (SLEDAI 6) have no unit family: the printed number is the value."""
    return analyte.startswith("score.") or (
        analyte in vocab and not vocab[analyte].attrs.get("family")
    )


def _range_differences(
    essentials: dict[str, Any], group: dict[str, Any], ids: frozenset[str], vocab: Vocabulary
) -> list[tuple[str, str]]:
    low, high = _number(essentials.get("value")), _number(essentials.get("value_high"))
    if essentials.get("operator") in ("=", "==") and high is None and low is not None and (
            "low" in group and _number(group.get("low")) == _number(group.get("high"))):
        # "NYHA class IV" read as the one-grade range "4 to 4": the same as "= 4".
        high, essentials = low, dict(essentials, operator="between", value_high=low)
    if essentials.get("operator") != "between":
        return [("operator", f"gold {essentials.get('operator')}, engine a range")]
    if "low" not in group:
        return [("operator", f"gold range {low}-{high}, engine {group.get('op')} only")]
    # Both bounds in the analyte's canonical unit, like a single value ("calcium 8.5-10.5
    # mg/dL" is 2.12-2.62 mmol/L); a unit the scorer cannot convert keeps the printed number.
    analyte = next((a for a in group.get("analytes") or [] if a in ids), "")
    gold = [
        _gold_value(dict(essentials, value=bound), analyte, vocab) if bound is not None else None
        for bound in (low, high)
    ]
    gold = [g if g is not None else b for g, b in zip(gold, (low, high), strict=True)]
    engine = [_number(group.get("low")), _number(group.get("high"))]
    differ = [(g is None) != (e is None) or (g is not None and e is not None and not _close(g, e))
              for g, e in zip(gold, engine, strict=True)]  # fmt: skip
    if any(differ):
        return [("value", f"gold {low}-{high}, engine {group.get('low')}-{group.get('high')}")]
    return []


def gold_age_bounds(essentials: dict[str, Any]) -> tuple[int | None, int | None]:
    """Completed-year limits of a gold age row: ">= 18" → (18, None); "< 18" → (None, 17);
    "between 12 and 18" with "upper bound strict" → (12, 17)."""
    op = essentials.get("operator")
    value, high = _number(essentials.get("value")), _number(essentials.get("value_high"))
    if value is None:
        return None, None
    months = str(essentials.get("unit") or "").lower().startswith("month")
    value = value / 12 if months else value
    high = high / 12 if months and high is not None else high
    qualifiers = " ".join(essentials.get("qualifiers") or []).lower()
    if op == ">=":
        return math.ceil(value - 1e-9), None
    if op == ">":
        return math.floor(value) + 1, None
    if op == "<=":
        return None, math.floor(value + 1e-9)
    if op == "<":
        return None, math.ceil(value) - 1
    if op == "between" and high is not None:
        # Gold writers say "strict" or "exclusive" ("upper bound exclusive (< 80)").
        lower_strict = any(f"lower bound {w}" in qualifiers for w in ("strict", "exclusive"))
        low = math.floor(value) + 1 if lower_strict else math.ceil(value)
        upper_strict = any(f"upper bound {w}" in qualifiers for w in ("strict", "exclusive"))
        return low, math.ceil(high) - 1 if upper_strict else math.floor(high + 1e-9)
    return None, None


def required_age(
    effect: str, low: int | None, high: int | None
) -> tuple[str, int | None, int | None]:
    """An age exclusion with one bound is the requirement of the other side: "exclude age
    < 18" (max 17) is "require age >= 18"."""
    if effect == "exclude" and low is None and high is not None:
        return "require", high + 1, None
    if effect == "exclude" and high is None and low is not None:
        return "require", None, low - 1
    return effect, low, high


def _in_months(low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """Completed-year limits as completed months: (6, 17) → (72, 215)."""
    return (None if low is None else low * 12, None if high is None else high * 12 + 11)


def gold_age_month_bounds(essentials: dict[str, Any]) -> tuple[int | None, int | None]:
    """Completed-month limits of a gold age row: "< 6 months" → (None, 5); "6-36 months"
    → (6, 36); a row in years as `gold_age_bounds`, in months (">= 18" → (216, None))."""
    if not str(essentials.get("unit") or "").lower().startswith("month"):
        return _in_months(*gold_age_bounds(essentials))
    op = essentials.get("operator")
    value, high = _number(essentials.get("value")), _number(essentials.get("value_high"))
    if value is None:
        return None, None
    if op == "between" and high is not None:
        qualifiers = " ".join(essentials.get("qualifiers") or []).lower()
        lower_strict = any(f"lower bound {w}" in qualifiers for w in ("strict", "exclusive"))
        upper_strict = any(f"upper bound {w}" in qualifiers for w in ("strict", "exclusive"))
        return (math.floor(value) + 1 if lower_strict else math.ceil(value),
                math.ceil(high) - 1 if upper_strict else math.floor(high + 1e-9))  # fmt: skip
    limit = {">=": (math.ceil(value - 1e-9), None), ">": (math.floor(value) + 1, None),
             "<=": (None, math.floor(value + 1e-9)), "<": (None, math.ceil(value) - 1)}  # fmt: skip
    return limit.get(str(op), (None, None))


def _engine_age(criterion: Criterion) -> tuple[str, int | None, int | None]:
    """The engine's age limits in completed months (a limit in years as its months)."""
    p = criterion.params
    low, high = _in_months(p.get("min_years"), p.get("max_years"))
    low = p["min_months"] if p.get("min_months") is not None else low
    high = p["max_months"] if p.get("max_months") is not None else high
    return required_age(_effect(criterion), low, high)


def _gold_age(essentials: dict[str, Any]) -> tuple[str, int | None, int | None]:
    return required_age(essentials.get("effect") or "require",
                        *gold_age_month_bounds(essentials))  # fmt: skip


def _age_differences(
    row: dict[str, Any], criterion: Criterion, context: Context
) -> list[tuple[str, str]]:
    effect, low, high = _gold_age(row.get("essentials") or {})
    engine_effect, engine_low, engine_high = _engine_age(criterion)
    diffs: list[tuple[str, str]] = []
    if effect != engine_effect:
        diffs.append(("effect", f"gold {effect} age, engine {engine_effect}"))
    for name, gold, engine in (("min", low, engine_low), ("max", high, engine_high)):
        if gold is not None and engine != gold:
            diffs.append(("age bound", f"gold {name} {gold} mo, engine {engine} mo"))
        elif gold is None and engine is not None and engine not in context.age_bounds[name]:
            diffs.append(("age bound", f"engine adds {name} {engine} mo, stated nowhere"))
    return diffs


def _classes_accepted(criterion: Criterion) -> set[frozenset[str]]:
    """Class combinations the engine accepts: at least one wanted class, every class of
    the biopsy wanted or allowed ("III or IV, V allowed" accepts III, IV+V, ...)."""
    wanted = set(criterion.params.get("classes") or [])
    allowed = wanted | set(criterion.params.get("allowed_with") or [])
    return {c for c in _class_universe() if c & wanted and c <= allowed}


def _class_universe() -> list[frozenset[str]]:
    singles = [frozenset({c}) for c in ROMAN_CLASSES]
    return [*singles, frozenset({"III", "V"}), frozenset({"IV", "V"}), frozenset({"III", "IV"})]


def _gold_classes(classes: Sequence[str]) -> set[frozenset[str]]:
    return {frozenset(re.split(r"\s*\+\s*", str(c).strip().upper())) for c in classes}


# "III(C)", "IV (A/C)": a class with its activity subclass (ISN/RPS 2003).
_ACTIVITY = re.compile(r"\s*[(-]?\s*(?:A\s*/\s*C|A|C)\s*\)?$", re.I)


def _class_differences(row: dict[str, Any], criterion: Criterion) -> list[tuple[str, str]]:
    classes = (row.get("essentials") or {}).get("classes")
    if not classes:
        return []
    bare = [_ACTIVITY.sub("", str(c)) for c in classes]
    if bare != [str(c) for c in classes] and all(b in ROMAN_CLASSES for b in bare):
        # "Purely chronic class III(C) or IV(C)": notes name the class, not its activity;
        # the criterion must name the classes and leave the activity to a person.
        if criterion.kind == BIOPSY and not criterion.params.get("judged"):
            return [("classes", f"gold {', '.join(map(str, classes))}: the activity "
                     "subclass is in no parameter")]  # fmt: skip
        classes = bare
    gold = _gold_classes(classes)
    universe = set(_class_universe()) | gold
    if criterion.kind != BIOPSY:
        if gold >= {frozenset({c}) for c in ROMAN_CLASSES}:
            return []
        return [("classes", f"gold {_fmt_classes(gold)}, engine any lupus nephritis")]
    engine = _classes_accepted(criterion) & universe
    # Combinations the gold never considered (III+IV) count only when the gold lists them.
    engine = {c for c in engine if len(c) == 1 or c in gold or "V" in c}
    if engine != gold:
        extra, lost = engine - gold, gold - engine
        detail = []
        if extra:
            detail.append(f"engine also accepts {_fmt_classes(extra)}")
        if lost:
            detail.append(f"engine refuses {_fmt_classes(lost)}")
        return [("classes", f"gold {_fmt_classes(gold)}: " + "; ".join(detail))]
    return []


def _fmt_classes(classes: Iterable[frozenset[str]]) -> str:
    order = {c: i for i, c in enumerate(ROMAN_CLASSES)}
    names = ["+".join(sorted(c, key=order.get)) for c in classes]
    return ",".join(sorted(names, key=lambda n: [order.get(p, 9) for p in n.split("+")]))


def _sex_differences(row: dict[str, Any], criterion: Criterion) -> list[tuple[str, str]]:
    wanted = str((row.get("essentials") or {}).get("value") or "").lower()
    engine = str(criterion.params.get("sex") or "").lower()
    if wanted in ("female", "male") and engine != wanted:
        return [("sex", f"gold {wanted}, engine {engine}")]
    if wanted not in ("female", "male") and engine:
        return [("sex", f"gold any sex, engine only {engine}")]
    return []


def essential_differences(
    row: dict[str, Any], part: Part, criterion: Criterion, context: Context
) -> list[tuple[str, str]]:
    """(mechanism, detail) for each essential the criterion gets wrong for this part."""
    essentials = row.get("essentials") or {}
    diffs: list[tuple[str, str]] = []
    gold_effect = essentials.get("effect") or "require"
    # "Severe psychiatric disease" read with "judged": ["severe"] keeps the degree: the
    # criterion decides only its absence and leaves a documented one to a person.
    # Compared by stem: "requiring management" is kept as written, "required management".
    judged = {_stem(w.lower()) for q in criterion.params.get("judged") or () for w in q.split()}
    # "Topical corticosteroids" read with "route": "topical" keeps the route the same way:
    # a documented glucocorticoid is left to a person, none decides.
    judged |= {_stem(w.lower()) for w in _WORD.findall(str(criterion.params.get("route") or ""))}
    unread = [
        w
        for w in part.unread
        if not (criterion.kind == "refractory" and w in _REFRACTORY)
        and not (criterion.kind == "dose_exposure" and w in _DOSE_WORDS)
        and not _reads_timing(criterion, w.lower())
        and not (criterion.kind == "serology" and not criterion.params.get("ever")
                 and w.lower() in _CURRENT_INFECTION_WORDS)  # fmt: skip
        and _stem(w.lower()) not in judged
        and not (criterion.kind == "allergy" and w.lower() in _allergy_words(criterion))
    ]
    if part.how == "narrower" and unread:
        labels = ", ".join(sorted(_label(i, context.mapper.vocab) for i in part.ids))
        diffs.append(
            ("concept narrower", f"gold '{part.text}' read as {labels} ({' '.join(part.unread)})")
        )
    if criterion.kind == AGE:
        return diffs + _age_differences(row, criterion, context)
    if criterion.kind == SEX:
        return diffs + _sex_differences(row, criterion)
    has_ops = essentials.get("operator") is not None and criterion.kind in (
        "lab", "score", "cd19", "ana", "vital",
    )  # fmt: skip
    if not has_ops and gold_effect != _effect(criterion):
        diffs.append(("effect", f"gold {gold_effect}, engine {_effect(criterion)}"))
    if has_ops:
        ids = context.mapper.expand(part.ids)
        diffs += _threshold_differences(row, criterion, ids, context.mapper.vocab)
    diffs += _window_differences(row, criterion)
    diffs += _class_differences(row, criterion)
    diffs += qualifier_differences(row, criterion)
    return diffs


# Words a refractory criterion reads itself: "failed immunosuppressive therapy" is the
# refractory reading of the immunosuppressants, not a narrower concept.
_REFRACTORY = _wordset(
    "failed failure fail refractory resistant resistance inadequate insufficient response "
    "responded respond non unresponsive despite intolerance intolerant"
)


# Words an allergy criterion reads itself: "tacrolimus allergy" is its reading of tacrolimus,
# not a narrower concept; "intolerance" only where it counts intolerances, "severe" and
# "anaphylaxis" only where it keeps the grade (matcher.criteria.allergy).
_ALLERGY_WORDS = _wordset("allergy allergies allergic hypersensitivity hypersensitive")
_INTOLERANCE_WORDS = _wordset("intolerance intolerant adverse event events reaction reactions")
_SEVERITY_WORDS = _wordset("severe serious anaphylaxis anaphylactic")


def _allergy_words(criterion: Criterion) -> frozenset[str]:
    words = _ALLERGY_WORDS
    if criterion.params.get("intolerance"):
        words |= _INTOLERANCE_WORDS
    if criterion.params.get("severe"):
        words |= _SEVERITY_WORDS
    return words


def _allergy_reaction_part(part: Part, doing: Sequence[Placed]) -> bool:
    """A gold part naming only a reaction ("hydroxychloroquine allergy / adverse reaction")
    is read by an allergy criterion that counts that reaction."""
    words = {w.lower() for w in _WORD.findall(part.text)}
    return not part.ids and bool(words) and any(
        p.criterion.kind == "allergy" and words <= _allergy_words(p.criterion) for p in doing
    )


# Words a dose criterion reads itself: "prednisone or equivalent" is its prednisone-equivalent
# limit, "high-dose", "cumulative dose" its threshold.
_DOSE_WORDS = _wordset("equivalent equivalents dose doses dosage daily cumulative high")
# A disease-timing criterion reads the timing its gold concept names: "type 1 diabetes
# duration" is the disease with its max_duration_days, "Graves' orbitopathy onset" with its
# onset bound; a plain diagnosis criterion leaves these words unread (narrower).
_TIMING_PARAMS = {"duration": ("min_duration_days", "max_duration_days"), "onset": ("onset_op",)}


def _reads_timing(criterion: Criterion, word: str) -> bool:
    keys = _TIMING_PARAMS.get(word, ())
    return criterion.kind == "diagnosis_timing" and any(
        criterion.params.get(k) is not None for k in keys
    )


# A serology criterion read as the current infection (not "ever") is the chronic one: its
# current markers (HBsAg, HBV DNA, HCV RNA) are what "chronic hepatitis B/C" means.
_CURRENT_INFECTION_WORDS = _wordset("chronic current active")


def _label(concept_id: str, vocab: Vocabulary) -> str:
    return vocab[concept_id].label if concept_id in vocab else concept_id


# =====================================================================================
# Placing rows and criteria on the text
# =====================================================================================


@dataclass
class Placed:
    criterion: Criterion
    tokens: frozenset[int]  # token indices of the .txt it covers; empty: not in the text
    ids: frozenset[str]


def _locate_rows(text: str, rows: Sequence[dict[str, Any]], tokens: list) -> list[frozenset[int]]:
    """Token indices of each row's source: the first occurrence at or after the previous
    row's (rows follow the text; several rows may share one source)."""
    spans: list[frozenset[int]] = []
    last = 0
    for row in rows:
        source = str(row.get("source") or "")
        start = text.find(source, last) if source else -1
        if start < 0:
            start = text.find(source) if source else -1
        if start < 0:
            spans.append(frozenset())
            continue
        last = start
        end = start + len(source)
        spans.append(frozenset(i for i, (a, b, _) in enumerate(tokens) if a < end and b > start))
    return spans


def _locate_criteria(
    criteria: Sequence[Criterion], tokens: list, vocab: Vocabulary
) -> list[Placed]:
    words = [t[2] for t in tokens]
    placed: list[Placed] = []
    hint = 0
    for criterion in criteria:
        mine = [t[2] for t in _tokens(criterion.text)]
        covered = _find(words, mine, hint) if mine else frozenset()
        if covered:
            hint = min(covered)
        placed.append(Placed(criterion, covered, engine_ids(criterion, vocab)))
    return placed


def _find(words: list[str], mine: list[str], hint: int) -> frozenset[int]:
    """Where a criterion's words sit in the text: the longest common run anchors it, other
    runs count when they keep its offset (markers like "a." or "2)" dropped between)."""
    for offset in (hint, 0):
        matcher = SequenceMatcher(None, words[offset:], mine, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        anchor = max(blocks, key=lambda b: b.size)
        shift = anchor.a - anchor.b
        slack = max(4, len(mine) // 5)
        kept = [b for b in blocks if abs((b.a - b.b) - shift) <= slack]
        matched = sum(b.size for b in kept)
        if matched >= 0.6 * len(mine):
            return frozenset(offset + b.a + i for b in kept for i in range(b.size))
    return frozenset()


def _aligned(row_tokens: frozenset[int], criterion_tokens: frozenset[int]) -> bool:
    overlap = len(row_tokens & criterion_tokens)
    if not overlap:
        return False
    return overlap >= 0.5 * len(row_tokens) or overlap >= 0.5 * len(criterion_tokens)


# =====================================================================================
# Judging a trial
# =====================================================================================


@dataclass
class RowScore:
    nct: str
    row: int
    section: str
    category: str
    computable: bool
    concept: str | None
    outcome: str
    reason: str
    mechanisms: list[str]
    engine: list[str]
    gold_ids: list[str]

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class TrialScore:
    nct: str
    rows: list[RowScore]
    extras: list[dict[str, Any]]
    own_condition: list[dict[str, Any]]
    guard_hits: Counter[str]
    load_error: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def computed_extras(self) -> list[dict[str, Any]]:
        return [e for e in self.extras if e["computed"]]


def _relation(part: Part, placed: Placed, mapper: ConceptMapper) -> str:
    """How a criterion's concepts relate to a gold part: same / unknown / different."""
    engine = mapper.expand(placed.ids)
    if part.how in ("exact", "narrower") and part.ids:
        return "same" if mapper.expand(part.ids) & engine else "different"
    gold_words = _words(part.text)
    if engine & mapper.expand(part.ids) or gold_words & mapper.words(placed.ids):
        return "unknown"
    return "different"


def _describe(placed: Placed, vocab: Vocabulary) -> str:
    c = placed.criterion
    labels = ", ".join(sorted(_label(i, vocab) for i in placed.ids)) or "-"
    return f"{c.id} {c.type[:3]} {c.kind} [{labels}]"


def own_conditions(
    title: str, conditions: str, gold: Sequence[dict[str, Any]], mapper: ConceptMapper
) -> frozenset[str]:
    """The trial's own population: diagnoses named in the title or Conditions line or
    required by its inclusion rows, with what they imply (lupus nephritis → SLE)."""
    vocab = mapper.vocab
    own = {t.concept_id for t in vocab.find_terms(f"{title}\n{conditions}")}
    for row in gold:
        essentials = row.get("essentials") or {}
        if (
            row.get("section") == "inclusion"
            and row.get("computable")
            and essentials.get("effect") == "require"
            and row.get("category") in ("diagnosis", "biopsy")
            and not essentials.get("cohort")
        ):
            for part in mapper.map_row(row):
                if part.how == "exact":
                    own.update(part.ids)
    own = {i for i in own if i in vocab and vocab[i].category == "diagnosis"}
    for concept_id in list(own):
        own.update(vocab[concept_id].attrs.get("implies", ()))
    return frozenset(own)


def _own_condition_exclusions(
    placed: Sequence[Placed], own: frozenset[str], vocab: Vocabulary
) -> list[dict[str, Any]]:
    hits = []
    for p in placed:
        c = p.criterion
        if c.type != "exclusion" or not computed(c):
            continue
        # "Other autoimmune disease rather than SLE": what the criterion lets through
        # (`except_concepts`) is no exclusion of it.
        let_through = set(c.params.get("except_concepts") or ())
        # "Active skin disease other than CLE" in a cutaneous lupus trial: skin disease is
        # the trial's own only as what CLE implies, and CLE is let through.
        let_through |= {i for kept in let_through if kept in vocab
                        for i in vocab[kept].attrs.get("implies", ())}  # fmt: skip
        hit = own & (p.ids - {BIOPSY} - let_through)
        if c.kind == BIOPSY and set(c.params.get("classes") or []) < set(ROMAN_CLASSES):
            hit = own & (p.ids - {BIOPSY, "dx.lupus_nephritis"})
        if hit:
            hits.append(
                {
                    "criterion": c.id,
                    "kind": c.kind,
                    "concepts": sorted(hit),
                    "text": _cut(c.text, 100),
                }
            )
    return hits


def score_trial(
    nct: str,
    text: str,
    gold: Sequence[dict[str, Any]],
    criteria: Sequence[Criterion] | None,
    *,
    title: str = "",
    load_error: str | None = None,
    mapper: ConceptMapper | None = None,
) -> TrialScore:
    """Judge every gold row of one trial against the engine's criteria (None: the engine
    could not read the trial, every row is dropped)."""
    mapper = mapper or ConceptMapper(load_vocabulary())
    vocab = mapper.vocab
    tokens = _tokens(text)
    placed = _locate_criteria(criteria or (), tokens, vocab)
    row_spans = _locate_rows(text, gold, tokens)
    context = Context(mapper, _stated_age_bounds(gold), _stated_age_bounds(
        [row for row in gold if not (row.get("essentials") or {}).get("cohort")]))

    aligned: list[list[Placed]] = []
    for row, span in zip(gold, row_spans, strict=True):
        if row.get("section") == "structured":
            kind = str(row.get("category"))
            aligned.append([p for p in placed if p.criterion.kind == kind])
        else:
            aligned.append([p for p in placed if _aligned(span, p.tokens)])

    parts = [mapper.map_row(row) for row in gold]
    claimed: set[str] = set()
    for row, row_parts, found in zip(gold, parts, aligned, strict=True):
        if row.get("computable"):
            for p in found:
                if computed(p.criterion) and any(
                    _relation(part, p, mapper) != "different" for part in row_parts
                ):
                    claimed.add(p.criterion.id)

    for row, row_parts, found in zip(gold, parts, aligned, strict=True):
        if not row.get("computable") or row.get("section") == "structured":
            continue
        ids = mapper.expand(i for part in row_parts for i in part.ids)
        loose = frozenset(w for part in row_parts if part.how != "exact" for w in _words(part.text))
        for p in found:
            known, words = context.gold_by_criterion.get(p.criterion.id, (frozenset(), frozenset()))
            context.gold_by_criterion[p.criterion.id] = (known | ids, words | loose)

    rows = [
        _judge(nct, row, row_parts, found, claimed, context)
        for row, row_parts, found in zip(gold, parts, aligned, strict=True)
    ]
    _one_criterion_per_concept(rows, gold)
    if criteria is None:
        for result in rows:
            result.outcome = DROPPED
            result.reason = f"engine could not read the trial: {load_error or 'no criteria'}"
            result.mechanisms = ["trial not read"]

    used = {p.criterion.id for found in aligned for p in found}
    extras = [
        {
            "criterion": p.criterion.id,
            "kind": p.criterion.kind,
            "computed": computed(p.criterion),
            "describe": _describe(p, vocab),
            "text": _cut(p.criterion.text, 100),
        }
        for p in placed
        if p.criterion.id not in used
    ]
    conditions = re.search(r"^Conditions:\s*(.*)$", text, re.M)
    own = own_conditions(title, conditions[1] if conditions else "", gold, mapper)
    guards: Counter[str] = Counter()
    for c in criteria or ():
        reason = c.manual_reason or ""
        if reason.startswith("guard:"):
            m = re.match(r"guard:\s*([^:;(]*)", reason)
            guards[f"guard: {(m[1] if m else '').strip()}".rstrip()] += 1
    return TrialScore(
        nct=nct,
        rows=rows,
        extras=extras,
        own_condition=_own_condition_exclusions(placed, own, vocab),
        guard_hits=guards,
        load_error=load_error,
    )


def _one_criterion_per_concept(rows: list[RowScore], gold: Sequence[dict[str, Any]]) -> None:
    """One criterion serves several rows only for different concepts (an organ-function
    line: platelets, ALT, creatinine). Two rows of the same concept and threshold credited
    to one criterion (two bullets glued into one) keep one credit; the other is dropped."""
    served: dict[tuple[str, str], int] = {}
    for result, row in zip(rows, gold, strict=True):
        if result.outcome != CORRECT or row.get("section") == "structured":
            continue
        essentials = row.get("essentials") or {}
        concept = json.dumps(
            [essentials.get(k) for k in ("concept", "operator", "value", "value_high")]
        )
        for criterion_id in result.engine:
            first = served.setdefault((criterion_id, concept), result.row)
            if first != result.row:
                result.outcome = DROPPED
                result.reason = f"{criterion_id} already serves row {first} (same concept)"
                result.mechanisms = ["merged"]
                break


def _stated_age_bounds(gold: Sequence[dict[str, Any]]) -> dict[str, set[int]]:
    bounds: dict[str, set[int]] = {"min": set(), "max": set()}
    for row in gold:
        if row.get("category") == AGE and row.get("essentials"):
            _, low, high = _gold_age(row["essentials"])
            if low is not None:
                bounds["min"].add(low)
            if high is not None:
                bounds["max"].add(high)
    return bounds


def _result(
    nct: str,
    row: dict[str, Any],
    parts: Sequence[Part],
    outcome: str,
    reason: str,
    mechanisms: Sequence[str],
    found: Sequence[Placed],
) -> RowScore:
    essentials = row.get("essentials") or {}
    return RowScore(
        nct=nct,
        row=int(row.get("row") or 0),
        section=str(row.get("section")),
        category=str(row.get("category")),
        computable=bool(row.get("computable")),
        concept=essentials.get("concept"),
        outcome=outcome,
        reason=reason,
        mechanisms=list(dict.fromkeys(mechanisms)),
        engine=[p.criterion.id for p in found],
        gold_ids=sorted({i for part in parts for i in part.ids}),
    )


def _judge(
    nct: str,
    row: dict[str, Any],
    parts: Sequence[Part],
    found: Sequence[Placed],
    claimed: set[str],
    context: Context,
) -> RowScore:
    def done(outcome: str, reason: str, mechanisms: Sequence[str] = ()) -> RowScore:
        return _result(nct, row, parts, outcome, reason, mechanisms, found)

    vocab = context.mapper.vocab
    doing = [p for p in found if computed(p.criterion)]
    manual = [p for p in found if not computed(p.criterion)]
    if row.get("section") == "structured":
        return _judge_structured(row, doing, context, done)
    if not row.get("computable"):
        foreign = [p for p in doing if p.criterion.id not in claimed]
        if foreign:
            what = "; ".join(_describe(p, vocab) for p in foreign)
            reason = f"not computable, engine computes {what}"
            return done(WRONG, reason, ["non-computable computed"])
        if manual:
            return done(CORRECT_MANUAL, "left manual")
        if found:
            return done(DROPPED, "merged into a criterion computing another row", ["merged"])
        return done(DROPPED, "no engine criterion for it", ["no criterion"])
    if not found:
        return done(DROPPED, "no engine criterion for it", ["no criterion"])
    if row.get("category") == SEX and str((row.get("essentials") or {}).get("value")).lower() in (
        "all", "any", "both",
    ):  # fmt: skip
        restricting = [p for p in doing if p.criterion.kind == SEX]
        if restricting:
            return done(WRONG, f"gold any sex, engine {restricting[0].criterion.params}", ["sex"])
        return done(CORRECT, "no sex restriction, none imposed")

    relations = {(i, p.criterion.id): _relation(part, p, context.mapper)
                 for i, part in enumerate(parts) for p in doing}
    same_parts = [
        [p for p in doing if relations[(i, p.criterion.id)] == "same"] for i in range(len(parts))
    ]
    if any(same_parts):
        diffs: list[tuple[str, str]] = []
        for part, candidates in zip(parts, same_parts, strict=True):
            if not candidates and _allergy_reaction_part(part, doing):
                continue  # "... / adverse reaction": the allergy criterion's own reaction
            if not candidates:
                lost = "concept part lost" + (" (not in vocabulary)" if not part.ids else "")
                diffs.append((lost, f"'{part.text}' computed by no criterion"))
                continue
            diffs += min(
                (essential_differences(row, part, p.criterion, context) for p in candidates),
                key=len,
            )
            diffs += _narrowed(part, candidates, context.mapper)
        diffs += _widened(row, parts, [p for c in same_parts for p in c], context)
        best = ", ".join(dict.fromkeys(_describe(p, vocab) for c in same_parts for p in c))
        real = [d for d in diffs if d[0] != UNVERIFIABLE]
        if real:
            return done(WRONG, _reasons(diffs) + f" [{best}]", [m for m, _ in real])
        if diffs:
            return done(UNJUDGED, _reasons(diffs) + f" [{best}]", [UNVERIFIABLE])
        return done(CORRECT, f"computed [{best}]")
    unknown = [p for p in doing if any(relations[(i, p.criterion.id)] == "unknown"
                                       for i in range(len(parts)))]
    if unknown:
        neutral = Part(parts[0].text if parts else "", frozenset(), "examples")
        options = [
            (essential_differences(row, neutral, p.criterion, context), p) for p in unknown
        ]
        diffs, best_p = min(options, key=lambda o: len(o[0]))
        diffs = [d for d in diffs if d[0] != UNVERIFIABLE]
        what = _describe(best_p, vocab)
        if diffs:
            reason = _reasons(diffs) + f" (concept unverified) [{what}]"
            return done(WRONG, reason, [m for m, _ in diffs])
        return done(UNJUDGED, f"gold concept not in the vocabulary; engine computes [{what}]")
    foreign = [p for p in doing if p.criterion.id not in claimed]
    if foreign:
        what = "; ".join(_describe(p, vocab) for p in foreign)
        return done(WRONG, f"concept: gold '{_concept(row)}', engine computes {what}", ["concept"])
    if manual:
        reason = manual[0].criterion.manual_reason or "manual"
        return done(MISSED, f"left manual: {reason}", ["manual"])
    return done(DROPPED, "its item's criteria compute other rows' concepts", ["merged"])


def _concept(row: dict[str, Any]) -> str:
    return str((row.get("essentials") or {}).get("concept"))


def _reasons(diffs: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{m}: {d}" for m, d in dict.fromkeys(diffs))


def _narrowed(
    part: Part, candidates: Sequence[Placed], mapper: ConceptMapper
) -> list[tuple[str, str]]:
    """Members of a gold drug class the engine leaves out: "steroids, immunosuppressive or
    cytotoxic agents" read as glucocorticoids alone."""
    if part.how != "exact":
        return []
    covered = mapper.expand(i for p in candidates for i in p.ids)
    # "analgesics other than acetaminophen": the gold itself lets those drugs out.
    tail = _EXCEPTION_TAIL.search(" ".join(_PAREN.sub(" ", part.text).split()))
    let_out = mapper.expand(
        t.concept_id for t in mapper.vocab.find_terms(tail[0])) if tail else set()
    missing = {
        i
        for i in mapper.expand(part.ids) - covered - set(let_out)
        if i in mapper.vocab and mapper.vocab[i].category == "drug"
    }
    if not missing:
        return []
    return [("concept narrowed", f"'{part.text}' without " + ", ".join(sorted(missing)))]


def _widened(
    row: dict[str, Any], parts: Sequence[Part], same: Sequence[Placed], context: Context
) -> list[tuple[str, str]]:
    """Drugs or analytes the engine adds beyond the gold ("other immunosuppressants" read
    with glucocorticoids; a creatinine threshold read into a proteinuria item). Several gold
    rows may split one list ("ciclosporin, IVIG or plasmapheresis"): a concept belongs to
    the reading if any row aligned to the criterion names it."""
    mapper = context.mapper
    gold = mapper.expand(i for part in parts for i in part.ids)
    out = []
    for p in same:
        categories = _WIDENING.get(p.criterion.kind)
        if not categories:
            continue
        siblings, loose = context.gold_by_criterion.get(p.criterion.id, (gold, frozenset()))
        extra = {
            i
            for i in p.ids
            if i in mapper.vocab
            and mapper.vocab[i].category in categories
            and i not in gold | siblings
            and not mapper.words({i}) & loose
        }
        if extra:
            out.append(("concept widened", "engine adds " + ", ".join(sorted(extra))))
    return out


# Kinds whose concept lists are closed sets a reader can widen (a diagnosis list is not:
# "chronic infectious disease (e.g. tuberculosis)" names TB without a row of its own).
_WIDENING = {"drug_exposure": ("drug", "drug_class"), "lab": ("lab",)}


def _judge_structured(
    row: dict[str, Any], doing: Sequence[Placed], context: Context, done: Callable[..., RowScore]
) -> RowScore:
    """The record's Sex / Minimum Age / Maximum Age: every engine criterion of that kind
    counts, and the tightest limit they set together is compared."""
    essentials = row.get("essentials") or {}
    if row.get("category") == SEX:
        sexes = {str(p.criterion.params.get("sex")).lower() for p in doing}
        wanted = str(essentials.get("value") or "").lower()
        if wanted in ("female", "male"):
            if sexes == {wanted}:
                return done(CORRECT, f"sex {wanted} applied")
            if not sexes:
                return done(DROPPED, f"the record's sex ({wanted}) is applied by no criterion",
                            ["structured limit not applied"])
            return done(WRONG, f"sex: gold {wanted}, engine {sorted(sexes)}", ["sex"])
        if sexes:
            return done(WRONG, f"sex: gold any, engine {sorted(sexes)}", ["sex"])
        return done(CORRECT, "no sex restriction, none imposed")
    _, low, high = _gold_age(essentials)
    name, gold = ("min", low) if low is not None else ("max", high)
    if gold is None:
        return done(UNJUDGED, "structured age row without a bound")
    limits = [_engine_age(p.criterion) for p in doing]
    values = [b[1] if name == "min" else b[2] for b in limits if b[0] == "require"]
    values = [v for v in values if v is not None]
    tightest = context.everyone_age_bounds.get(name, set()) | {gold}
    expected = max(tightest) if name == "min" else min(tightest)
    if not values:
        return done(DROPPED, f"the record's {name} age {gold} is applied by no criterion",
                    ["structured limit not applied"])
    engine = max(values) if name == "min" else min(values)
    if engine != expected:
        return done(WRONG, f"age bound: gold {name} {expected} mo, engine {engine} mo",
                    ["age bound"])
    return done(CORRECT, f"{name} age {engine} mo applied")


# =====================================================================================
# A corpus run
# =====================================================================================


def score_corpus(corpus: Path, ids: Sequence[str]) -> list[TrialScore]:
    mapper = ConceptMapper(load_vocabulary())
    results = []
    for nct in ids:
        path = corpus / f"{nct}.txt"
        text = path.read_text(encoding="utf-8")
        gold = read_gold(corpus / f"{nct}.gold.jsonl")
        try:
            trial = load_trial(path)
        except MatcherError as exc:
            title = next((line.strip() for line in text.splitlines() if line.strip()), "")
            results.append(
                score_trial(nct, text, gold, None, title=title, load_error=str(exc).split(
                    ": ", 1)[-1], mapper=mapper)
            )
            continue
        results.append(score_trial(nct, text, gold, trial.criteria, title=trial.title,
                                   mapper=mapper))
    return results


def summarise(results: Sequence[TrialScore]) -> dict[str, Any]:
    rows = [r for t in results for r in t.rows]
    counts = {o: sum(1 for r in rows if r.outcome == o) for o in OUTCOMES}
    total = len(rows)
    computable = sum(1 for r in rows if r.computable)
    mechanisms: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for r in rows:
        if r.outcome == WRONG:
            for m in r.mechanisms:
                mechanisms[m] += 1
                examples.setdefault(m, f"{r.nct} row {r.row}: {r.reason}")
    guards: Counter[str] = Counter()
    for t in results:
        guards.update(t.guard_hits)
    return {
        "trials": len(results),
        "gold_rows": total,
        "computable_rows": computable,
        **{o.replace(" ", "_"): n for o, n in counts.items()},
        "computable_recall": round(counts[CORRECT] / computable, 4) if computable else 0.0,
        "wrong_rate": round(counts[WRONG] / total, 4) if total else 0.0,
        "manual_rate": round((counts[MISSED] + counts[CORRECT_MANUAL]) / total, 4)
        if total
        else 0.0,
        "extras": sum(len(t.extras) for t in results),
        "computed_extras": sum(len(t.computed_extras) for t in results),
        "guard_hits": dict(sorted(guards.items())),
        "own_condition_exclusions": sum(len(t.own_condition) for t in results),
        "trials_with_own_condition_exclusion": sum(1 for t in results if t.own_condition),
        "trials_not_read": sorted(t.nct for t in results if t.load_error),
        "wrong_mechanisms": [
            {"mechanism": m, "rows": n, "example": examples[m]}
            for m, n in sorted(mechanisms.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


_COLUMNS = ("trial", "gold", "comp", "correct", "c-man", "missed", "wrong", "dropped",
            "extras", "unjudged", "x-comp", "own")


def _table_row(t: TrialScore) -> tuple[str, ...]:
    return (
        t.nct + (" (not read)" if t.load_error else ""),
        str(len(t.rows)),
        str(sum(1 for r in t.rows if r.computable)),
        *(str(t.count(o)) for o in (CORRECT, CORRECT_MANUAL, MISSED, WRONG, DROPPED)),
        str(len(t.extras)),
        str(t.count(UNJUDGED)),
        str(len(t.computed_extras)),
        str(len(t.own_condition)),
    )


def format_report(results: Sequence[TrialScore], summary: dict[str, Any]) -> str:
    s = summary
    table = [_COLUMNS, *(_table_row(t) for t in results)]
    table.append((
        "TOTAL", str(s["gold_rows"]), str(s["computable_rows"]), str(s["correct"]),
        str(s["correct_manual"]), str(s["missed"]), str(s["wrong"]), str(s["dropped"]),
        str(s["extras"]), str(s["unjudged"]), str(s["computed_extras"]),
        str(s["own_condition_exclusions"]),
    ))  # fmt: skip
    widths = [max(len(r[i]) for r in table) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                  enumerate(zip(r, widths, strict=True)))
        for r in table
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    lines += [
        "",
        f"computable recall {s['computable_recall']:.3f} ({s['correct']}/{s['computable_rows']})"
        f" · wrong rate {s['wrong_rate']:.3f} ({s['wrong']}/{s['gold_rows']})"
        f" · manual rate {s['manual_rate']:.3f} ({s['missed'] + s['correct_manual']}/"
        f"{s['gold_rows']}) · dropped {s['dropped']} · extras {s['extras']} (computed "
        f"{s['computed_extras']}) · unjudged {s['unjudged']} · guard hits "
        f"{sum(s['guard_hits'].values())} · own-condition exclusions "
        f"{s['own_condition_exclusions']} in {s['trials_with_own_condition_exclusion']} trials",
    ]
    own = [(t.nct, o) for t in results for o in t.own_condition]
    if own:
        lines += ["", f"!!! OWN-CONDITION EXCLUSIONS ({len(own)}): these exclude the trial's "
                  "own population (target 0)"]
        lines += [f"!!!   {n} {o['criterion']} {o['kind']} {o['concepts']}: {o['text']}"
                  for n, o in own]
    if s["trials_not_read"]:
        lines += ["", "trials the engine could not read (every row dropped): "
                  + " ".join(s["trials_not_read"])]
    if s["wrong_mechanisms"]:
        lines += ["", "wrong rows by mechanism (a row counts once per differing essential):"]
        lines += [f"  {w['rows']:4d}  {w['mechanism']}  e.g. {_cut(w['example'], 130)}"
                  for w in s["wrong_mechanisms"]]
    extras = [(t.nct, e) for t in results for e in t.computed_extras]
    if extras:
        lines += ["", "computed extras (engine criteria no gold row asks for):"]
        lines += [f"  {n} {e['describe']}: {e['text']}" for n, e in extras]
    unjudged = [r for t in results for r in t.rows if r.outcome == UNJUDGED]
    if unjudged:
        lines += ["", "unjudged rows:"]
        lines += [f"  {r.nct} row {r.row} '{r.concept}': {_cut(r.reason, 110)}" for r in unjudged]
    if s["guard_hits"]:
        lines += ["", "guard hits:"] + [f"  {n:4d}  {k}" for k, n in s["guard_hits"].items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--rows", type=Path, help="write every gold row's outcome (JSONL)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    try:
        ids = trial_ids(args.corpus, args.split)
    except (OSError, ValueError) as exc:
        print(f"bench_criteria: {exc}", file=sys.stderr)
        return 1
    if not ids:
        print(f"bench_criteria: no gold files for split {args.split} in {args.corpus}",
              file=sys.stderr)
        return 1
    try:
        results = score_corpus(args.corpus, ids)
    except (OSError, ValueError) as exc:
        print(f"bench_criteria: {exc}", file=sys.stderr)
        return 1
    summary = summarise(results)
    if args.rows:
        with args.rows.open("w", encoding="utf-8") as out:
            for t in results:
                for r in t.rows:
                    out.write(json.dumps(r.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
    if args.json:
        payload = {
            "split": args.split,
            "summary": summary,
            "trials": [
                {
                    "nct": t.nct,
                    "table": dict(zip(_COLUMNS[1:], map(int, _table_row(t)[1:]), strict=True)),
                    "load_error": t.load_error,
                    "own_condition": t.own_condition,
                    "computed_extras": t.computed_extras,
                    "guard_hits": dict(sorted(t.guard_hits.items())),
                }
                for t in results
            ],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        print(f"criteria benchmark, split {args.split}: {len(ids)} trials from {args.corpus}")
        print(format_report(results, summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
