"""spaCy components of the clinical pipeline, registered with @Language.factory.

Rules are data: section headers and assertion cues are JSON files under
matcher/nlp/data, copied into the saved pipeline by to_disk so that a model
directory under models/ carries every rule it was built with.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
from rapidfuzz import fuzz as rf_fuzz
from rapidfuzz import process as rf_process
from spacy.attrs import IDX, IS_ALPHA, IS_SPACE, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans

from matcher.errors import ModelError, VocabularyError
from matcher.nlp.chunks import BOUNDED_SECTIONS, NoteContext
from matcher.nlp.dates import find_dates
from matcher.nlp.vocab import Vocabulary, data_text

CONCEPTS_KEY = "concepts"
SECTIONS_KEY = "sections"

if not Span.has_extension("assertion"):
    Span.set_extension("assertion", default="affirmed")
for _name, _default in (
    ("note_date", None),
    ("note_id", ""),
    ("note_type", None),
    ("findings", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


# ------------------------------------------------------------------ shared views
# doc.text re-joins every token through a Python Token object: five components reading
# it cost a tenth of the pipeline. The text is kept in user_data (a plain str, so a
# serialised Doc stays valid) and checked against the doc's length before use.
_TEXT_KEY = "matcher.text"


def remember_text(doc: Doc, text: str) -> None:
    """Record the text a doc was made from (NoteParser knows it before tokenizing)."""
    doc.user_data[_TEXT_KEY] = text


def doc_text(doc: Doc) -> str:
    """doc.text, built at most once per doc."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is not None and isinstance(cached, str):
        if not len(doc):
            if cached == "":
                return cached
        else:
            last = doc[-1]
            if len(cached) == last.idx + len(last.text_with_ws):
                return cached
    text = doc.text
    doc.user_data[_TEXT_KEY] = text
    return text


# A piece of a long note (matcher.nlp.chunks) carries what it cannot see of the note; a
# plain tuple in user_data, like the text above. A whole note has none.
_CONTEXT_KEY = "matcher.note_context"


def carry_context(doc: Doc, context: NoteContext) -> None:
    doc.user_data[_CONTEXT_KEY] = (context.section, context.report, context.day_first)


def note_context(doc: Doc) -> NoteContext | None:
    """The context a piece of a long note carries, or None for a whole note."""
    carried = doc.user_data.get(_CONTEXT_KEY)
    return NoteContext(*carried) if carried is not None else None



# "SLE - ruled out", "lupus nephritis – possible": a dash right before a status said after its
# term joins the two (a label, a dash, its status), though a dash elsewhere ends a cue's reach
# ("No rash - SLE well controlled": the SLE is not negated).
_DASHES = frozenset({"-", "–", "—"})

class Sentences:
    """Sentence bounds of a doc, read once as arrays: Span.sent walks token by token
    and builds a Span each time, and the components ask for it once per concept.

    `of(token)` gives what span.sent would give for a span starting at that token:
    (start token, end token, start char, end char).
    """

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        if n:
            table = doc.to_array([SENT_START, IDX, LENGTH])
            starts = numpy.flatnonzero(table[:, 0].astype("int64") == 1).tolist()
            if not starts or starts[0] != 0:
                starts.insert(0, 0)  # span.sent falls back to the doc's first token
            idx = table[:, 1].tolist()
            ends_char = (table[:, 1] + table[:, 2]).tolist()
        else:
            starts, idx, ends_char = [], [], []
        self.starts: list[int] = starts
        self.ends: list[int] = starts[1:] + [n] if starts else []
        self.start_chars: list[int] = [idx[s] for s in starts]
        self.end_chars: list[int] = [ends_char[e - 1] for e in self.ends]

    def of(self, token: int) -> tuple[int, int, int, int]:
        at = bisect.bisect_right(self.starts, token) - 1
        return self.starts[at], self.ends[at], self.start_chars[at], self.end_chars[at]

    def bounds(self) -> list[tuple[int, int]]:
        """(start char, end char) of every sentence, in order, like doc.sents."""
        return list(zip(self.start_chars, self.end_chars, strict=True))


# --------------------------------------------------------------------- sentences
_ABBREVIATIONS_WITH_DOT = frozenset(
    {
        "dr",
        "vs",
        "e.g",
        "i.e",
        "approx",
        "pt",
        "no",
        "mr",
        "mrs",
        "ms",
        "st",
        "fig",
        "ref",
        "dept",
        "wk",
        "wks",
        "mo",
        "yr",
        "yrs",
        "t",
        "inc",
        # routes: "filgrastim 300 mcg s.c. on 2 Nov" is one sentence
        # German and Dutch letters: "V.a. SLE" (Verdacht auf), "Z.n. LTx" (Zustand
        # nach), "nierbiopt d.d. 09-09-2026" (de dato) go on after their dot
        "v.a",
        "z.n",
        "d.d",
        "s.c",
        "i.v",
        "i.m",
        "p.o",
        "b.i.d",
        "t.i.d",
        "q.d",
        # Indian prescription prefixes: "Inj. Rituximab 500 mg", "Tab. MMF 500 mg BD" and
        # the honorific "Kum." open a drug or a name, never end a sentence.
        "inj",
        "tab",
        "cap",
        "syp",
        "kum",
        # lab-table shorthand: "Lymphozyten abs. 1,30", "Bilirubin ges. 0,4", "ca. 5 mg"
        "abs",
        "ges",
        "ca",
        "enzym",
    }
)


@Language.factory("clinical_sentences")
def make_clinical_sentences(nlp: Language, name: str) -> ClinicalSentences:
    return ClinicalSentences()


class ClinicalSentences:
    """Sentence boundaries for notes: every line break that ends a line, and . ! ?

    A lab block ("Hb 98 g/L\\nWBC 4.1") must never become one sentence, or a
    negation on one line would reach the next. A hard-wrapped prose line whose
    next line starts in lower case continues the sentence.
    """

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        text = doc_text(doc)
        table = doc.to_array([IDX, LENGTH, IS_SPACE])
        idx: list[int] = table[:, 0].tolist()
        length: list[int] = table[:, 1].tolist()
        space: list[int] = table[:, 2].tolist()
        # Only two kinds of token can start a sentence: one with a line break between it
        # and the token before, and the first non-space token after ". ! ?". The rule is
        # decided for those alone; every other token is a continuation.
        candidates: set[int] = set()
        for newline in _NEWLINE.finditer(text):
            # A break inside the previous token or in the gap after it.
            i = bisect.bisect_right(idx, newline.start())
            if 0 < i < n:
                candidates.add(i)
        for stop in _FULL_STOP.finditer(text):
            k = bisect.bisect_right(idx, stop.start()) - 1
            if k >= 1 and idx[k] == stop.start() and length[k] == 1:
                i = k + 1
                while i < n and space[i]:
                    i += 1
                if i < n:
                    candidates.add(i)
            elif k >= 1 and _unit_dot_ends(text, idx, length, k, stop.start()):
                i = k + 1
                while i < n and space[i]:
                    i += 1
                if i < n and text[idx[i] : idx[i] + 1].isupper():
                    candidates.add(i)
        starts = numpy.full((n, 1), -1, dtype="int32")
        starts[0, 0] = 1
        for i in candidates:
            if self._starts_sentence(text, idx, length, space, i):
                starts[i, 0] = 1
        # One array write: setting token.is_sent_start one by one rescans the doc each time.
        doc.from_array([SENT_START], starts.astype("uint64"))
        return doc

    @staticmethod
    def _starts_sentence(
        text: str, idx: list[int], length: list[int], space: list[int], index: int
    ) -> bool:
        if space[index]:
            return False
        start = idx[index]
        # A line break lies in the previous token or between the two tokens.
        if "\n" in text[idx[index - 1] : start]:
            return not _wrapped_prose(text, start)
        k = index - 1
        while k > 0 and space[k]:  # "sister.  He": look past the double space
            k -= 1
        if length[k] == 1 and text[idx[k]] == "?" and idx[k] + 1 == start:
            return False  # "?Gilbert", "?early LN": a query prefix, not a question's end
        if length[k] == 1 and text[idx[k]] == "?" and _after_a_label(text, idx[k]):
            return False  # "Comments: ? SLE": a form's field opened with a query, no question
        if length[k] == 1 and text[idx[k]] in ".!?" and k >= 1:
            before = text[idx[k - 1] : idx[k - 1] + length[k - 1]].lower().rstrip(".")
            if before in _ABBREVIATIONS_WITH_DOT:
                return False
            # Clinical notes often go on in lower case after a full stop ("... 9.1 g/dL.
            # rituximab given"): any word starts a sentence unless "." ended an
            # abbreviation or a single letter ("Dr.", "e.g.", "A.").
            first = text[start : start + 1]
            if first in ")]":
                return False  # "Kreatinin (enzym.) 0,62": the dot of a bracketed abbreviation
            return len(before) > 1 or first.isupper() or first.isdigit()
        if k >= 1 and _unit_dot_ends(text, idx, length, k, idx[k] + 1):
            return text[start : start + 1].isupper()
        return False


def _unit_dot_ends(text: str, idx: list[int], length: list[int], k: int, dot: int) -> bool:
    """Token k is a one-letter unit with its dot ("g.", "s.", "l.") right after a number:
    "24h-UTP was 3.8 g. After three pulses ..." ends a sentence there (the tokenizer keeps
    "g." whole, as it keeps an initial "J.")."""
    token = text[idx[k] : idx[k] + length[k]]
    if length[k] != 2 or not token[0].islower() or idx[k] + 1 != dot:
        return False
    return text[idx[k - 1] : idx[k - 1] + length[k - 1]].replace(".", "", 1).isdigit()


def _after_a_label(text: str, position: int) -> bool:
    """Does `position` open a field's answer: only a label and its colon before it on the
    line ("Comments: ? lupus", "Dx: ?")? A "?" there queries what follows; a "?" after
    words ("Is she pregnant? SLE known") ends a question."""
    line_start = text.rfind("\n", 0, position) + 1
    before = text[line_start:position].rstrip()
    return before.endswith(":") and ":" not in before[:-1] and len(before) <= 40


_NEWLINE = re.compile("\n")
_FULL_STOP = re.compile("[.!?]")


_OPEN_ENDINGS = frozenset(
    {
        "since",
        "from",
        "on",
        "in",
        "of",
        "to",
        "and",
        "or",
        "with",
        "at",
        "by",
        "for",
        "the",
        "a",
        "an",
        "until",
        "till",
        "between",
        "after",
        "before",
        "dated",
        "was",
        "were",
        "is",
        "are",
        "of:",
    }
)


def _wrapped_prose(text: str, next_start: int) -> bool:
    """A hard-wrapped prose line continues on the next line: the previous line is long
    (a letter's wrap width), ends without punctuation, and the next starts in lower case.
    Short lines ("Hb 98 g/L", "lymph 1.2 K/uL") never continue: each lab line stands alone.
    """
    first = text[next_start : next_start + 1]
    if not (first.islower() or first.isdigit()):
        return False
    line_end = text.rfind("\n", 0, next_start)
    previous_start = text.rfind("\n", 0, line_end) + 1
    previous = text[previous_start:line_end].rstrip()
    if "\n\n" in text[line_end:next_start] or len(previous) < 50:
        return False
    if first.isdigit():
        # "...on prednisolone since\n02/2026 and tacrolimus": a line that stops on a
        # word no sentence ends with goes on, even into a date.
        last_word = previous.rsplit(None, 1)[-1].lower() if previous else ""
        return last_word in _OPEN_ENDINGS
    return previous[-1:].isalpha() or previous[-1:] == ","


# ---------------------------------------------------------------------- sections
_HEADER_TAIL = re.compile(r"^\s*(?:[:\-–—]|\s*$)")
_CAPS_LINE = re.compile(r"^[A-Z][A-Z0-9 /&()\-,.#+]{2,80}$")
# "HGB 98 L G/L 115-155", "WBC 4.6", "ALT (SGPT)   21 U/L": a value line, not a heading
# (a date is no value: "LAB RESULTS 2026-10-06" stays a heading).
_VALUE_LINE = re.compile(r"^[A-Z#+/(), .-]{2,40}?\s+[<>]?\d+(?:\.\d+)?(?![\d/.\-:])")
_CAPS_WORD = re.compile(r"[A-Z]{3,}")
_BULLET = re.compile(r"^\s*(?:[-•*∙‣⁃·]|\d{1,2}[.)])\s*")


@Language.factory("clinical_sections", default_config={"rules": None})
def make_clinical_sections(nlp: Language, name: str, rules: dict | None) -> ClinicalSections:
    return ClinicalSections(rules)


class ClinicalSections:
    """Finds section headings and labels each section with its category.

    "Family history: mother with SLE." opens a family-history section; the
    assertion component then reads SLE there as the mother's, not the patient's.
    """

    def __init__(self, rules: dict | None = None) -> None:
        self.rules = rules or json.loads(data_text("sections.json"))
        self._compile()

    def _compile(self) -> None:
        sections = self.rules.get("sections")
        if not isinstance(sections, dict) or not sections:
            raise VocabularyError(
                "sections missing",
                file="sections.json",
                field="sections",
                expected="an object of category -> [headers]",
            )
        by_header = {h.lower(): cat for cat, headers in sections.items() for h in headers}
        alternation = "|".join(re.escape(h) for h in sorted(by_header, key=len, reverse=True))
        self._by_header = by_header
        self._header_re = re.compile(rf"^(?P<h>{alternation})(?=\s*[:\-–—]|\s*$)", re.I)

    def classify_line(self, line: str) -> str | None:
        """Category of a heading line, or None when the line is not a heading."""
        stripped = _BULLET.sub("", line.strip()) if not line.strip().startswith("-") else line
        stripped = stripped.strip()
        if not stripped:
            return None
        match = self._header_re.match(stripped)
        if match:
            rest = stripped[match.end() :]
            if rest.strip() == "" or rest.lstrip().startswith((":", "-", "–", "—")):
                return self._by_header[match.group("h").lower()]
        # The capitals test first: most lines are not in capitals, and the word count
        # is then never needed.
        if (
            _CAPS_LINE.match(stripped)
            and len(_CAPS_WORD.findall(stripped)) >= 2
            and not _VALUE_LINE.search(stripped)
        ):
            lowered = stripped.lower()
            for header, category in self._by_header.items():
                if len(header) > 3 and header in lowered:
                    return category
            return "heading"
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        spans: list[tuple[int, int, str]] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            category = self.classify_line(line)
            if category is not None:
                spans.append((offset, offset + len(line.rstrip("\r\n")), category))
            offset += len(line)
        group = []
        for i, (start, _end, category) in enumerate(spans):
            end = spans[i + 1][0] if i + 1 < len(spans) else len(text)
            span = doc.char_span(start, end, label=category, alignment_mode="expand")
            if span is not None and len(span):
                group.append(span)
        doc.spans[SECTIONS_KEY] = SpanGroup(doc, name=SECTIONS_KEY, spans=group)
        return doc

    def to_disk(self, path: str | Path, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "sections.json").write_text(json.dumps(self.rules, indent=1, ensure_ascii=False))

    def from_disk(self, path: str | Path, exclude: Any = ()) -> ClinicalSections:
        self.rules = json.loads((Path(path) / "sections.json").read_text())
        self._compile()
        return self


# --------------------------------------------------------------------- assertion
@Language.factory("clinical_context", default_config={"rules": None})
def make_clinical_context(nlp: Language, name: str, rules: dict | None) -> ClinicalContext:
    return ClinicalContext(nlp, rules)


_DASHES = frozenset({"-", "–", "—"})
# In a plan, these verbs act on a drug the patient already takes: "continue MMF",
# "increase prednisolone", "wean steroids", "stop cyclophosphamide after dose 6".
_CURRENT_VERBS = re.compile(
    r"\b(continue[sd]?|continuing|cont|increase[sd]?|increasing|reduce[sd]?|reducing|"
    r"decrease[sd]?|wean(?:ed|ing)?|taper(?:ed|ing)?|stop(?:ped)?|hold|held|"
    r"discontinue[sd]?|cease[sd]?|maintain(?:ed)?|remains?\s+on|keep\s+on|"
    r"restart(?:ed)?|titrate[sd]?|adjust(?:ed)?|switch(?:ed)?\s+from|already\s+on|"
    r"currently\s+on|on)\b\s*(?:the\s+|her\s+|his\s+|oral\s+|iv\s+)?[\w\-]*\s*$",
    re.I,
)
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|then|but)\b|^\s*(?:\d+[.)]|[-•*])", re.I)
_DONE_VERBS = re.compile(
    r"\b(started|commenced|initiated|given|received|receiving|continue[sd]?|continuing|"
    r"increased|reduced|tapered|weaned|switched|completed|on|taking|takes|was on|had|"
    r"administered|stopped|discontinued|held|ceased)\b",
    re.I,
)


# A heading line with content after its label: "Family hx: aunt with lupus", "FH - nil".
_HEADING_CONTENT = re.compile(r"[:\-–—]\s*\S")
# A line that opens with a label of its own: "ROS:", "Personal history -", "Hx:".
_OTHER_LABEL = re.compile(r"^[A-Za-z][A-Za-z /&'()]{0,40}?\s*(?::|\s[-–—]\s)")
_FIRST_WORDS = re.compile(r"[A-Za-z][A-Za-z\-]*(?:\s+[A-Za-z][A-Za-z\-]*)?")


_INLINE_PLAN: re.Pattern[str] | None = None


def _inline_plan_end(span: Span, text: str) -> int | None:
    """Where the span's item of a plan label inside its line starts, if such a label stands
    before the span after a sentence: "Class IV LN. Plan: pulses x3; IV CTX monthly" plans
    both items, as a "Plan:" heading opening a line plans its section. Each item after a
    semicolon is its own order: "continue MMF; start belimumab" plans belimumab. The labels
    are sections.json's."""
    global _INLINE_PLAN
    if _INLINE_PLAN is None:
        headers = json.loads(data_text("sections.json"))["sections"]["plan"]
        alternation = "|".join(re.escape(h) for h in sorted(headers, key=len, reverse=True))
        _INLINE_PLAN = re.compile(rf"[.!?]\s+(?:{alternation})\s*:", re.I)
    line_start = text.rfind("\n", 0, span.start_char) + 1
    labels = list(_INLINE_PLAN.finditer(text, line_start, span.start_char))
    if not labels:
        return None
    label = labels[-1]
    return max(label.end(), text.rfind(";", label.end(), span.start_char) + 1)


class ClinicalContext:
    """ConText-style assertion over the concept spans of each sentence.

    Cues (category, direction, scope) come from context_rules.json. A cue
    reaches a target in its direction within max_scope tokens unless a
    terminator ("but", ";", "however") stands between them: in "No rash but
    class IV nephritis on biopsy" the negation stops at "but". Pseudo-cues
    ("no change", "no longer") cancel the cue words they contain.
    """

    def __init__(self, nlp: Language, rules: dict | None = None) -> None:
        self.nlp = nlp
        self.rules = rules or json.loads(data_text("context_rules.json"))
        self._compile()

    def _compile(self) -> None:
        rules = self.rules
        self._family_words: set[str] | None = None  # read from the rules when first needed
        for index, rule in enumerate(rules.get("rules", [])):
            if rule.get("category") not in rules.get("categories", []):
                raise VocabularyError(
                    "unknown assertion category",
                    file="context_rules.json",
                    line=index,
                    field="category",
                    received=rule.get("category"),
                    expected=", ".join(rules.get("categories", [])),
                )
            if rule.get("direction") not in ("forward", "backward", "bidirectional"):
                raise VocabularyError(
                    "bad direction",
                    file="context_rules.json",
                    line=index,
                    field="direction",
                    received=rule.get("direction"),
                    expected="forward, backward or bidirectional",
                )
        self._declined = _declined_cues(rules)
        self._requests = _request_cues(rules)
        self._organisations = _organisation_cues(rules)
        self.priority = {cat: i for i, cat in enumerate(rules["priority"])}
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._rules_by_key: dict[str, list[dict]] = {}
        for rule in rules["rules"]:
            key = f"{rule['category']}|{rule['direction']}|{rule.get('max_scope', 8)}"
            self._rules_by_key.setdefault(key, []).append(rule)
        for key, group in self._rules_by_key.items():
            self.matcher.add(key, [self.nlp.make_doc(r["literal"]) for r in group])
        self.pseudo = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.pseudo.add("PSEUDO", [self.nlp.make_doc(p) for p in rules.get("pseudo", [])])
        self.terminators = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.terminators.add("TERM", [self.nlp.make_doc(t) for t in rules.get("terminate", [])])
        self.max_scope = max((int(r.get("max_scope", 8)) for r in rules["rules"]), default=8)
        self.no_terminate = {
            cat: {w.lower() for w in words} for cat, words in rules.get("no_terminate", {}).items()
        }

    def __call__(self, doc: Doc) -> Doc:
        concepts = doc.spans.get(CONCEPTS_KEY)
        if concepts is None or not len(concepts):
            return doc
        kept = filter_spans(list(concepts))
        text = doc_text(doc)
        sentences = Sentences(doc)
        # Everything is indexed by token position so each span looks only at its
        # neighbourhood: linear in the note, whatever its length.
        cues = [c for c in self._cues(doc) if not _is_informant(doc, text, c)]
        cue_starts = [c[3] for c in cues]
        relatives = _relative_regions(doc, text, cues)
        # Terminator texts come from offsets: a Span per match ("," is one) cost more
        # than the matching itself.
        table = doc.to_array([IDX, LENGTH, SPACY])
        idx: list[int] = table[:, 0].tolist()
        length: list[int] = table[:, 1].tolist()
        spacy_: list[int] = table[:, 2].tolist()
        terminators = []
        for _, s, e in self.terminators(doc):
            word = text[idx[s] : idx[e - 1] + length[e - 1]]
            if word in _DASHES and s > 0 and not spacy_[s - 1]:
                continue  # a hyphen inside a word ("IV-G"), not a pause
            terminators.append((s, e, word.lower()))
        terminator_starts = [t[0] for t in terminators]
        sections = list(doc.spans.get(SECTIONS_KEY, []))
        section_starts = [s.start for s in sections]
        carried = note_context(doc)
        open_section = carried.section if carried is not None else None
        reach = self.max_scope + 1
        for span in kept:
            sent_start, sent_end, sent_char, _ = sentences.of(span.start)
            found: set[str] = set()
            lo = bisect.bisect_left(cue_starts, max(sent_start, span.start - reach - 8))
            hi = bisect.bisect_right(cue_starts, min(sent_end, span.end + reach))
            for category, direction, scope, cs, ce in cues[lo:hi]:
                if cs < sent_start or ce > sent_end:
                    continue
                if cs < span.end and ce > span.start:
                    continue  # the cue is inside the concept ("non-response")
                if self._reaches(
                    direction, scope, cs, ce, span, category, terminators, terminator_starts
                ):
                    found.add(category)
            at = bisect.bisect_right(section_starts, span.start) - 1
            if at >= 0:
                section = sections[at].label_ if span.start < sections[at].end else None
                if section in BOUNDED_SECTIONS and span.start_char >= self._section_reach(
                    text, sections[at].start_char, sections[at].end_char
                ):
                    section = None
            else:  # before this doc's first heading: a piece goes on with the note's section
                section = open_section
                if section in BOUNDED_SECTIONS and span.start_char >= self._lines_reach(
                    text, 0, len(text), inline=False
                ):
                    section = None
            found |= self._section_effect(section, span, sent_char, text)
            if section != "plan" and (label_end := _inline_plan_end(span, text)) is not None:
                found |= self._section_effect("plan", span, label_end, text)
            if any(lo <= span.start_char < hi for lo, hi in relatives):
                found.add("family")
            if self.declined_before(text, sent_char, span.start_char, span.label_):
                # "Mother is hesitant about rituximab": a parent deciding about the
                # child's drug; it was not given to the patient, and it is no relative's.
                found -= self._declined.overrides
                found.add(self._declined.category)
            elif self._requests and self.requested_before(
                text, sent_char, span.start_char, span.label_
            ):
                # "Mum asks: can we start the tacrolimus now?": a drug asked for is not
                # given yet, and the parent asking gives it no relative's history.
                found -= self._requests.overrides
                found.add(self._requests.category)
            if ("family" in found and span.label_ in _GRAFTS and section != "family_history"
                    and _DONOR_AFTER.match(text, span.end_char)
                    and not _FAMILY_WORD_RE.search(text, sent_char, span.start_char)):
                # "living-donor kidney transplant (mother) 05/2022": the mother gave the
                # kidney; the transplant is the patient's.
                found.discard("family")
            if self._organisations is not None and _in_an_organisations_name(
                    self._organisations, text, span.end_char, span.label_):
                # "Lupus & Autoimmune Research Unit" under a registrar's name: the unit's
                # name, not the patient's lupus.
                found -= self._organisations.overrides
                found.add(self._organisations.category)
            if "hypothetical" in found and (
                self._acts_on_current_drug(span, sent_char, text)
                or _started_in_the_past(span, text, doc._.note_date)
                or _given_with_its_time(span, text, doc._.note_date)
            ):
                found.discard("hypothetical")
            span._.assertion = min(found, key=self.priority.__getitem__) if found else "affirmed"
        doc.spans[CONCEPTS_KEY] = SpanGroup(doc, name=CONCEPTS_KEY, spans=kept)
        # Span extension values live in doc.user_data keyed by span offsets, so
        # they survive the SpanGroup being rebuilt above.
        return doc

    def declined_before(self, text: str, sentence_start: int, start: int, concept: str) -> bool:
        """A refusal or reluctance cue of the rules' `declined` block ends right before the
        concept starting at `start` ("Parents declined cyclophosphamide")."""
        cues = self._declined
        return cues is not None and _cue_block_before(cues, text, sentence_start, start, concept)

    def requested_before(self, text: str, sentence_start: int, start: int, concept: str) -> bool:
        """A question of the rules' `requests` block ends right before the concept starting
        at `start` ("can we start the tacrolimus")."""
        cues = self._requests
        return cues is not None and _cue_block_before(cues, text, sentence_start, start, concept)

    def _cues(self, doc: Doc) -> list[tuple[str, str, int, int, int]]:
        # The furthest end of a pseudo-cue covering each token: a cue inside one is void.
        pseudo_cover: dict[int, int] = {}
        for _, ps, pe in self.pseudo(doc):
            for token in range(ps, pe):
                pseudo_cover[token] = max(pseudo_cover.get(token, 0), pe)
        cues = []
        for match_id, start, end in self.matcher(doc):
            if pseudo_cover.get(start, -1) >= end:
                continue
            category, direction, scope = self.nlp.vocab.strings[match_id].split("|")
            if direction == "backward" and _answer_goes_on(doc, start, end):
                continue
            cues.append((category, direction, int(scope), start, end))
        # A longer cue swallows the shorter one inside it ("no history of" over "no"):
        # sorted by start, longest first, a cue ending inside an earlier one is inside it.
        cues.sort(key=lambda c: (c[3], -(c[4] - c[3])))
        result: list[tuple[str, str, int, int, int]] = []
        cover_end = -1
        last_span = (-1, -1)
        for cue in cues:
            if cue[4] <= cover_end and (cue[3], cue[4]) != last_span:
                continue
            result.append(cue)
            if cue[4] > cover_end:
                cover_end, last_span = cue[4], (cue[3], cue[4])
        return result

    def _reaches(
        self,
        direction: str,
        scope: int,
        cs: int,
        ce: int,
        span: Span,
        category: str,
        terminators: list[tuple[int, int, str]],
        terminator_starts: list[int],
    ) -> bool:
        if direction in ("forward", "bidirectional") and ce <= span.start:
            gap = (ce, span.start)
        elif direction in ("backward", "bidirectional") and cs >= span.end:
            gap = (span.end, cs)
        else:
            return False
        if gap[1] - gap[0] > scope:
            return False
        allowed = self.no_terminate.get(category, set())
        first = bisect.bisect_left(terminator_starts, gap[0])
        last = bisect.bisect_right(terminator_starts, gap[1])
        return not any(
            te <= gap[1] and word not in allowed
            and not (gap[1] == cs and te == cs and word in _DASHES)
            for _ts, te, word in terminators[first:last]
        )

    def _section_reach(self, text: str, start: int, end: int) -> int:
        """Where a family-history (or allergy) section stops acting, at most at `end`.

        A heading with content on its own line ("Family hx: aunt with lupus.") covers
        that line, and the lines after it that go on with the list: a bullet, a relative
        ("Sister: ITP"), or a wrapped line starting in lower case. A heading alone on its
        line ("FAMILY HISTORY") covers its paragraph: up to a blank line or a line
        opening with another label ("ROS: no fever"). What follows is the patient's own.
        """
        line_end = text.find("\n", start, end)
        if line_end == -1:
            return end
        inline = bool(_HEADING_CONTENT.search(text[start:line_end]))
        return self._lines_reach(text, line_end + 1, end, inline)

    def _lines_reach(self, text: str, position: int, end: int, inline: bool) -> int:
        """The first line from `position` on that no longer belongs to the section."""
        while position < end:
            following = text.find("\n", position, end)
            following = end if following == -1 else following
            line = text[position:following]
            body = _BULLET.sub("", line).strip() if line.strip() else ""
            if not body:
                return position  # a blank line ends the paragraph
            relative = self._relative_opens(body)
            if inline:
                continues = relative or bool(_BULLET.match(line)) or body[:1].islower()
            else:
                continues = relative or not _OTHER_LABEL.match(body)
            if not continues:
                return position
            position = following + 1
        return end

    def _relative_opens(self, line: str) -> bool:
        """Does a line open with a relative ("Mother: SLE", "maternal aunt - lupus")?"""
        if self._family_words is None:
            self._family_words = {
                rule["literal"].lower()
                for rule in self.rules.get("rules", [])
                if rule.get("category") == "family"
            }
        first = _FIRST_WORDS.match(line)
        if first is None:
            return False
        words = first.group(0).lower().split()
        return any(" ".join(words[:n]) in self._family_words for n in (1, 2))

    @staticmethod
    def _acts_on_current_drug(span: Span, sentence_start: int, text: str) -> bool:
        """ "Plan: continue tacrolimus, start leflunomide": tacrolimus is taken now."""
        if not span.label_.startswith(("drug.", "class.")):
            return False
        before = text[sentence_start : span.start_char]
        clause = _CLAUSE_BREAK.split(before)[-1] if before else ""
        return bool(_CURRENT_VERBS.search(clause))

    @staticmethod
    def _section_effect(
        section: str | None, span: Span, sentence_start: int, text: str
    ) -> set[str]:
        if section == "family_history":
            return {"family"}
        if section == "allergies" and span.label_.startswith(("drug.", "class.")):
            return {"negated"}
        if section == "plan" and span.label_.startswith(("drug.", "class.", "proc.")):
            before = text[sentence_start : span.start_char]
            if not _DONE_VERBS.search(before):
                return {"hypothetical"}
        return set()

    def to_disk(self, path: str | Path, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "context_rules.json").write_text(
            json.dumps(self.rules, indent=1, ensure_ascii=False)
        )

    def from_disk(self, path: str | Path, exclude: Any = ()) -> ClinicalContext:
        self.rules = json.loads((Path(path) / "context_rules.json").read_text())
        self._compile()
        return self


# ------------------------------------------------------- informants, relative clauses
# A relative who tells the history is its source, not its subject: "Mum says she might have
# Gilbert's?", "per her father, ...", "according to his brother ...". What follows is the
# patient's (uncertain where hedged), not family history.
_FAMILY_WORD = (
    r"(?:(?:maternal|paternal|older|younger|elder|big|little|twin)\s+)?"
    r"(?:mother|father|mum|mom|dad|parents?|sister|brother|sibling|aunt|uncle|"
    r"grand(?:mother|father|ma|pa|parents?)|granny|cousin|twin|attendant|carer|guardian)"
)
_INFORMANT_BEFORE = re.compile(
    r"\b(?:per|as\s+per|according\s+to|history\s+(?:from|given\s+by|obtained\s+from)|"
    r"as\s+told\s+by|(?:reported|told|informed|relayed)\s+by)\s+(?:the\s+|her\s+|his\s+|"
    r"their\s+|(?:the\s+)?(?:pt|patient)'?s\s+)?(?:(?:maternal|paternal|older|younger|elder|"
    r"twin)\s+)?$",
    re.I,
)
_INFORMANT_AFTER = re.compile(
    rf"(?:\s+{_FAMILY_WORD})?\s*(?:,\s*)?(?:(?:is|was|also)\s+)?(?:says|said|reports?|reported|"
    r"states?|stated|thinks|thought|believes|believed|wonders|wondered|recalls|"
    r"recalled|remembers|mentions|mentioned|tells|told\s+(?:us|me)|notes|noted|describes|"
    r"described|informs|informed|explains|explained|confirms|confirmed|asks|asked|queries|"
    r"queried|unsure|not\s+sure|isn'?t\s+sure|uncertain)\b(?!\s+to\b)",
    re.I,
)
# A relative clause opened after a relative: "her uncle, who had a transplant in 2018,",
# "his father - who has Gilbert syndrome -", "a cousin who had rituximab", "the twin
# brother, in whom class III LN was found".
_RELATIVE_OPEN = re.compile(
    r"\s*(?P<p>,|\s[-–—]|\(|)\s*(?:who|whose|whom|(?:in|for|of|to)\s+whom|that)\b", re.I
)
_RELATIVE_CLOSE = {",": re.compile(r"[,;]|$"), "(": re.compile(r"[);]|$")}
_DASH_CLOSE = re.compile(r"\s[-–—]\s|[;]|$")
# After the clause the relative's own predicate goes on ("..., has lupus nephritis as
# well") until the patient is named again or the sentence turns.
_PATIENT_AGAIN = re.compile(
    r"[;]|\b(?:she|he|her|him|his|hers|herself|himself|the\s+patient|our\s+patient|pt|"
    r"patient|the\s+child|son|daughter|but|however|whereas|while|although|though|unlike)\b",
    re.I,
)
_RELATIVE_REACH = 160  # characters: a relative clause longer than this is not read as one


# A drug's own start, right after its name: "prednisolone from 10/2026", "MMF started
# 02/2026", "HCQ 200 mg since 2019" (a dose may stand between).
_OWN_START_AFTER = re.compile(
    r"[^,;:\n]{0,25}?\b(?P<cue>from|since|started(?:\s+on)?|commenced(?:\s+on)?|begun)\s+"
    r"(?=[0-9A-Za-z])",
    re.I,
)
_ITEM_END = re.compile(r"[,;\n]|\band\b", re.I)


def _started_in_the_past(span: Span, text: str, note_date: dt.date | None) -> bool:
    """ "prednisolone from 10/2026, cyclophosphamide planned": the drug's own item says it
    started on a date before the note, so a plan word closing a later item is not about
    it. A start after the note ("rituximab from 12/2026 is planned") is still a plan."""
    if note_date is None or not span.label_.startswith(("drug.", "class.")):
        return False
    lead = _OWN_START_AFTER.match(text, span.end_char)
    if lead is None:
        return False
    end = _ITEM_END.search(text, lead.end())
    # From the cue on: "from 2019" is a year only with its "from" before it.
    item = text[lead.start("cue") : end.start() if end else min(len(text), lead.end() + 40)]
    offset = lead.end() - lead.start("cue")
    mentions = [m for m in find_dates(item, note_date) if m.date is not None]
    return bool(mentions) and mentions[0].start == offset and mentions[0].date <= note_date


# A plan item that says it was given, with when: "plan: filgrastim 5 mcg/kg SC given 11:55 PM",
# "MP 500 mg IV administered at 0600h", "IV CYC infused today", "G-CSF given 03/11". An
# order still to be carried out says no time of giving ("to be given at 10:00 tomorrow" is
# a plan cue of its own; "rituximab given if CD19 recovers" names no time).
_GIVEN_WHEN = re.compile(
    r"(?<![\w-])(?<!to be )(?<!will be )(?<!not )(?<!never )(?<!be )"
    r"(?:given|administered|infused)\s+(?:at\s+|on\s+)?"
    r"(?:(?P<time>\d{1,2}:\d{2}(?:\s*(?:[ap]\.?m\b\.?|hrs?\b|h\b))?|\d{1,2}h\d{2}\b|"
    r"\d{1,2}\.\d{2}\s*(?:[ap]\.?m\b\.?|hrs?\b|h\b)|\d{3,4}\s*(?:hrs?|h)\b|"
    r"\d{1,2}\s*[ap]\.?m\b\.?|today\b|tonight\b|this\s+(?:morning|afternoon|evening)\b|"
    r"in\s+(?:the\s+)?(?:ED|ER|A&E|emergency(?:\s+department)?)\b)|(?P<date>\d))",
    re.I,
)
_PLAN_ITEM_END = re.compile(r";|\n|\.(?:\s|$)|\bif\b|\bunless\b|\bwhen\b", re.I)


def _given_with_its_time(span: Span, text: str, note_date: dt.date | None) -> bool:
    """A drug's own plan item says it was given and when ("plan: filgrastim SC given 11:55
    PM; recheck CBC in 1 week"): the dose is an exposure, not an order. A date after the
    verb must be on or before the note's ("given 03/11" in a note of 8 November)."""
    if not span.label_.startswith(("drug.", "class.")):
        return False
    end = _PLAN_ITEM_END.search(text, span.end_char)
    item_end = end.start() if end else len(text)
    given = _GIVEN_WHEN.search(text, span.end_char, item_end)
    if given is None:
        return False
    if given["time"] is not None or given["date"] is None:
        return True
    if note_date is None:
        return False
    at = given.start("date")
    mentions = [m for m in find_dates(text[at:item_end], note_date) if m.date is not None]
    return bool(mentions) and mentions[0].start == 0 and mentions[0].date <= note_date


@dataclass(frozen=True)
class _DeclinedCues:
    """A cue block of context_rules.json (`declined`, `requests`, `organisations`),
    compiled."""

    category: str
    overrides: frozenset[str]
    applies_to: tuple[str, ...]
    max_chars: int
    pattern: re.Pattern[str]


_DECLINED_KEYS = frozenset({"category", "direction", "max_chars", "applies_to", "overrides",
                            "cues", "particles", "verbs", "fillers"})  # fmt: skip


def _bad_cue_block(block: str, field: str, received: object, expected: str) -> VocabularyError:
    kind = "refusal" if block == "declined" else "request"
    return VocabularyError(f"bad {kind} cues", file="context_rules.json",
                           field=f"{block}.{field}", received=repr(received)[:60],
                           expected=expected)  # fmt: skip


def _cue_block_frame(
    block: object, rules: dict, name: str, keys: frozenset[str]
) -> tuple[str, frozenset[str], tuple[str, ...], int]:
    """The category, overridden categories, concept prefixes and reach of a cue block,
    checked, with its keys."""
    if not isinstance(block, dict) or set(block) != keys:
        odd = sorted(set(block) ^ keys) if isinstance(block, dict) else block
        raise _bad_cue_block(name, "(keys)", odd, ", ".join(sorted(keys)))
    categories = rules.get("categories", [])
    if block["category"] not in categories:
        raise _bad_cue_block(name, "category", block["category"], ", ".join(categories))
    max_chars = block["max_chars"]
    if type(max_chars) is not int or not 0 < max_chars <= 200:
        raise _bad_cue_block(name, "max_chars", max_chars,
                             "a whole number of characters, 1 to 200")  # fmt: skip
    applies_to = block["applies_to"]
    if not isinstance(applies_to, list) or not applies_to or not all(
        isinstance(p, str) and re.fullmatch(r"[a-z_]+\.", p) for p in applies_to
    ):
        raise _bad_cue_block(name, "applies_to", applies_to, 'concept id prefixes such as "drug."')
    overrides = block["overrides"]
    if not isinstance(overrides, list) or not all(o in categories for o in overrides):
        raise _bad_cue_block(name, "overrides", overrides, "categories of the rules")
    return block["category"], frozenset(overrides), tuple(applies_to), max_chars


def _cue_block_words(block: dict, fields: tuple[str, ...], name: str) -> dict[str, str]:
    """The word lists of a cue block, each as a regex alternation, longest first."""
    words: dict[str, str] = {}
    for field in fields:
        phrases = block[field]
        if not isinstance(phrases, list) or not phrases or not all(
            isinstance(p, str) and re.fullmatch(r"[a-z]+(?: [a-z]+)*", p) for p in phrases
        ):
            raise _bad_cue_block(name, field, phrases, "a list of lower-case words or phrases")
        words[field] = "|".join(r"\s+".join(map(re.escape, p.split()))
                                for p in sorted(phrases, key=len, reverse=True))  # fmt: skip
    return words


def _declined_cues(rules: dict) -> _DeclinedCues | None:
    """Refusal and reluctance cues ("declined", "reluctant about", "opted against"), then
    "to" and a verb ("unwilling to start"), then filler words ("the", "further", "IV"),
    ending right before the drug: the words are data, checked here. None when the rules
    have no such block (a hand-made rule set)."""
    block = rules.get("declined")
    if block is None:
        return None
    frame = _cue_block_frame(block, rules, "declined", _DECLINED_KEYS)
    if block["direction"] != "forward":
        raise _bad_cue_block("declined", "direction", block["direction"],
                             "forward (a refusal is written before what it refuses)")
    words = _cue_block_words(block, ("cues", "particles", "verbs", "fillers"), "declined")
    pattern = re.compile(
        rf"\b(?:{words['cues']})(?:\s+(?:{words['particles']}))?\s+"
        rf"(?:to\s+(?:{words['verbs']})\s+)?(?:(?:{words['fillers']})\s+)*$",
        re.I,
    )
    return _DeclinedCues(*frame, pattern)


def _cue_block_before(
    cues: _DeclinedCues, text: str, sentence_start: int, start: int, concept: str
) -> bool:
    """A cue of the block ends right before the concept starting at `start`, in its
    sentence and within the block's reach."""
    if not concept.startswith(cues.applies_to):
        return False
    before = text[max(sentence_start, start - cues.max_chars) : start]
    return cues.pattern.search(before) is not None


_REQUEST_KEYS = frozenset({"category", "max_chars", "applies_to", "overrides", "modals",
                           "subjects", "verbs", "fillers"})  # fmt: skip
# A transplant whose donor the note names right after it: "kidney transplant (mother)",
# "renal transplant (living-related donor: father)", "HSCT from her brother".
_GRAFTS = frozenset({"dx.transplant", "dx.hsct"})
_FAMILY_WORD_RE = re.compile(rf"\b{_FAMILY_WORD}\b", re.I)
_DONOR_AFTER = re.compile(
    rf"[ \t]*(?:\(\s*(?:(?:living[- ](?:related[ -])?)?donor\s*[:=-]?\s*)?(?:her|his|the)?\s*"
    rf"{_FAMILY_WORD}\s*(?:donor)?\s*\)|(?:from|donated\s+by)\s+(?:her|his|the)\s+"
    rf"{_FAMILY_WORD}\b)",
    re.I,
)
_ORGANISATION_KEYS = frozenset({"category", "max_chars", "applies_to", "overrides", "nouns"})


def _organisation_cues(rules: dict) -> _DeclinedCues | None:
    """The organisation block of the rules; None when the rules have none."""
    block = rules.get("organisations")
    if block is None:
        return None
    frame = _cue_block_frame(block, rules, "organisations", _ORGANISATION_KEYS)
    words = _cue_block_words(block, ("nouns",), "organisations")
    # An optional second field of the name joined by "&" or "and", in capitals: "Myositis &
    # Vasculitis Clinic" (a lower-case "and" joins clauses: "lupus and clinic visits" is not).
    pattern = re.compile(
        rf"[ \t]*(?:(?:&|and)[ \t]+(?-i:[A-Z])[\w-]*[ \t]+)?(?:{words['nouns']})\b", re.I
    )
    return _DeclinedCues(*frame, pattern)


def _in_an_organisations_name(cues: _DeclinedCues, text: str, end: int, concept: str) -> bool:
    """The concept ending at `end` is followed by an organisation noun: "Lupus Clinic",
    "Myositis & Vasculitis Clinic", "Lupus & Autoimmune Research Unit"."""
    return concept.startswith(cues.applies_to) and cues.pattern.match(
        text[end : end + cues.max_chars]) is not None


def _request_cues(rules: dict) -> _DeclinedCues | None:
    """Questions whether a drug may be started ("can we start the tacrolimus", "could she
    begin mycophenolate"): a modal, a subject, a verb, then filler words, ending right
    before the drug; the words are data, checked here. None when the rules have no such
    block."""
    block = rules.get("requests")
    if block is None:
        return None
    frame = _cue_block_frame(block, rules, "requests", _REQUEST_KEYS)
    words = _cue_block_words(block, ("modals", "subjects", "verbs", "fillers"), "requests")
    pattern = re.compile(
        rf"\b(?:{words['modals']})\s+(?:{words['subjects']})\s+(?:{words['verbs']})\s+"
        rf"(?:(?:{words['fillers']})\s+)*$",
        re.I,
    )
    return _DeclinedCues(*frame, pattern)


def _answer_goes_on(doc: Doc, start: int, end: int) -> bool:
    """ "Kidney biopsy: no crescents": a ": no" answer cue with a word right after it is
    the "no" of what follows, not an answer about the label ("Kidney biopsy: no.")."""
    if doc[start].text != ":" or end >= len(doc):
        return False
    following = doc[end]
    return following.is_alpha and not following.is_sent_start


def _is_informant(doc: Doc, text: str, cue: tuple[str, str, int, int, int]) -> bool:
    category, _direction, _scope, start, end = cue
    if category != "family":
        return False
    start_char = doc[start].idx
    end_char = doc[end - 1].idx + len(doc[end - 1])
    if _INFORMANT_BEFORE.search(text, max(0, start_char - 40), start_char):
        return True
    return _INFORMANT_AFTER.match(text, end_char) is not None


def _relative_regions(
    doc: Doc, text: str, cues: list[tuple[str, str, int, int, int]]
) -> list[tuple[int, int]]:
    """Character ranges that speak of a relative: a relative clause after a family word
    and the relative's own predicate after the clause. "Her uncle, who received a kidney
    transplant in 2018, has lupus nephritis as well": both are the uncle's. "Unlike her
    brother, who needed a transplant, she has preserved renal function": only the clause."""
    regions: list[tuple[int, int]] = []
    for category, _direction, _scope, _start, end in cues:
        if category != "family":
            continue
        after = doc[end - 1].idx + len(doc[end - 1])
        opened = _RELATIVE_OPEN.match(text, after)
        if opened is None:
            continue
        limit = min(len(text), after + _RELATIVE_REACH)
        newline = text.find("\n", after, limit)
        limit = newline if newline != -1 else limit
        punct = opened["p"].strip()
        closer = _DASH_CLOSE if punct in ("-", "–", "—") else _RELATIVE_CLOSE.get(punct)
        if closer is None:  # "a cousin who had rituximab ... is well": to the next pause
            closer = _RELATIVE_CLOSE[","]
        close = closer.search(text, opened.end(), limit)
        clause_end = close.start() if close is not None else limit
        sentence_end = _sentence_end(text, opened.end(), limit)
        clause_end = min(clause_end, sentence_end)
        # "her mother, who reports she has been taking tacrolimus": the patient again.
        again = _PATIENT_AGAIN.search(text, opened.end(), clause_end)
        regions.append((opened.end(), again.start() if again is not None else clause_end))
        if close is None or text[close.start() : close.start() + 1] == ";":
            continue
        predicate_start = close.end()
        stop = _PATIENT_AGAIN.search(text, predicate_start, sentence_end)
        regions.append((predicate_start, stop.start() if stop is not None else sentence_end))
    return regions


_SENTENCE_STOP = re.compile(r"[.!?](?:\s|$)")


def _sentence_end(text: str, start: int, limit: int) -> int:
    """The end of the sentence that runs on from `start` (". " or "? " or the limit)."""
    stop = _SENTENCE_STOP.search(text, start, limit)
    return stop.start() if stop is not None else limit


# ---------------------------------------------------------------- misspellings
@Language.factory(
    "fuzzy_concepts",
    default_config={"min_length": 5, "threshold": 88.0, "categories": ["drug", "lab", "diagnosis"]},
)
def make_fuzzy_concepts(
    nlp: Language, name: str, min_length: int, threshold: float, categories: list[str]
) -> FuzzyConcepts:
    return FuzzyConcepts(nlp, min_length, threshold, categories)


class FuzzyConcepts:
    """Finds misspelt drug, lab and diagnosis names ("mycophenolat", "tacrolimous").

    Only single words of five letters or more that no exact rule matched are tried,
    against vocabulary terms that share the first letter and differ in length by at
    most two. The threshold of 88 (rapidfuzz ratio, 0-100) admits one wrong or
    missing letter in an eight-letter word ("rituximib" vs "rituximab": 88.9) and
    two in a twelve-letter one ("cyclophosphamid": 96.8), while real words near a
    term stay out ("hemoglobinopathy" vs "hemoglobin": 77; "platelet" vs
    "patient": 67). English stop words and common words never match.
    """

    def __init__(
        self,
        nlp: Language,
        min_length: int = 5,
        threshold: float = 88.0,
        categories: list[str] | None = None,
    ) -> None:
        self.min_length = min_length
        self.threshold = threshold
        self._wanted = set(categories or ["drug", "lab", "diagnosis"])
        # The terms come from the vocabulary of the pipeline this is part of, handed over
        # by matcher.nlp.pipeline (use_vocabulary) once it is built or loaded, as spaCy's
        # span_ruler is handed its patterns after add_pipe.
        self._terms: dict[str, dict[str, str]] | None = None
        self._stop = {w.lower() for w in nlp.Defaults.stop_words} | _COMMON_WORDS
        self._cache: dict[str, str | None] = {}

    def use_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Look misspellings up among `vocabulary`'s terms (the pipeline's vocabulary)."""
        terms: dict[str, dict[str, str]] = {}
        for concept in vocabulary.concepts.values():
            if concept.category not in self._wanted:
                continue
            for term in concept.terms:
                lowered = term.lower()
                if len(lowered) >= self.min_length and lowered.isalpha():
                    terms.setdefault(lowered[0], {})[lowered] = concept.id
        self._terms = terms
        # "my co phenolate", "pred nisolone": speech recognition splits a long drug name
        # into words; the words joined are exactly a drug's name.
        self._split_drugs = {
            term.lower(): concept.id
            for concept in vocabulary.concepts.values() if concept.category == "drug"
            for term in concept.terms
            if len(term) >= _SPLIT_NAME_MIN and term.isalpha()
        }  # fmt: skip
        # The first piece of a split name is a proper prefix of the name: a word that is no
        # such prefix starts no split name, which spares looking at almost every word.
        self._split_prefixes = frozenset(
            name[:k] for name in self._split_drugs for k in range(1, len(name))
        )
        self._cache = {}

    def lookup(self, word: str) -> str | None:
        """Concept id for a misspelt word, or None."""
        lowered = word.lower()
        if lowered in self._cache:
            return self._cache[lowered]
        if self._terms is None:
            raise ModelError("the fuzzy concept finder was given no vocabulary",
                             expected="a pipeline from matcher.nlp.pipeline (build_pipeline or "
                             "load_pipeline), which hands it the pipeline's vocabulary")
        result = None
        if len(lowered) >= self.min_length and lowered.isalpha() and lowered not in self._stop:
            candidates = {
                term: concept
                for term, concept in self._terms.get(lowered[0], {}).items()
                if abs(len(term) - len(lowered)) <= 2
            }
            if lowered not in candidates and candidates:
                best = rf_process.extractOne(
                    lowered, list(candidates), scorer=rf_fuzz.ratio, score_cutoff=self.threshold
                )
                if best is not None:
                    result = candidates[best[0]]
        if len(self._cache) < 200_000:
            self._cache[lowered] = result
        return result

    def __call__(self, doc: Doc) -> Doc:
        existing = list(doc.spans.get(CONCEPTS_KEY, []))
        if not len(doc):
            return doc
        covered = set()
        for span in existing:
            covered.update(range(span.start, span.end))
        added = []
        # The candidate words (alphabetic, long enough) are picked from arrays: a Token
        # object for every token of the note cost more than the fuzzy lookups.
        table = doc.to_array([IS_ALPHA, LENGTH, IDX])
        wanted = numpy.flatnonzero((table[:, 0] != 0) & (table[:, 1] >= self.min_length))
        if len(wanted):
            text = doc_text(doc)
            rows = zip(
                wanted.tolist(), table[wanted, 1].tolist(), table[wanted, 2].tolist(), strict=True
            )
            for i, length, start in rows:
                if i in covered:
                    continue
                concept_id = self.lookup(text[start : start + length])
                if concept_id is not None:
                    added.append(Span(doc, i, i + 1, label=concept_id))
        split = self._split_names(doc)
        if split:
            # The joined name wins over a match on one of its pieces ("pred" of "pred
            # nisolone", "chloroquine" of "hydroxy chloroquine").
            inside = [(s.start, s.end) for s in split]
            existing = [e for e in existing + added
                        if not any(a <= e.start and e.end <= b for a, b in inside)]
            added = split
        if added:
            doc.spans[CONCEPTS_KEY] = SpanGroup(doc, name=CONCEPTS_KEY, spans=existing + added)
        return doc

    def _split_names(self, doc: Doc) -> list[Span]:
        """Two or three alphabetic words, one space apart, that joined are exactly a drug's
        name of nine letters or more ("my co phenolate", "cyclo phosphamide"). Exact
        only: a misspelt split name is not guessed. Read from arrays and the note's text
        (a Token object per word made this the slowest step of the parse)."""
        found: list[Span] = []
        if not self._split_drugs or len(doc) < 2:
            return found
        table = doc.to_array([IS_ALPHA, LENGTH, IDX]).tolist()
        lowered = doc_text(doc).lower()
        prefixes = self._split_prefixes
        n, i = len(table), 0
        while i < n - 1:
            alpha, length, start = table[i]
            if alpha and lowered[start : start + length] in prefixes:
                for size in (3, 2):
                    if i + size > n:
                        continue
                    window = table[i : i + size]
                    if not all(a for a, _, _ in window) or any(
                        lowered[s + ln : s + ln + 1] != " " or nxt[2] != s + ln + 1
                        for (_, ln, s), nxt in zip(window[:-1], window[1:], strict=True)
                    ):
                        continue
                    joined = "".join(lowered[s : s + ln] for _, ln, s in window)
                    concept_id = self._split_drugs.get(joined)
                    if concept_id is not None:
                        found.append(Span(doc, i, i + size, label=concept_id))
                        i += size - 1
                        break
            i += 1
        return found


_SPLIT_NAME_MIN = 9  # letters of a drug name that speech recognition split into words

# Frequent clinical-English words that sit near a vocabulary term but are not it.
_COMMON_WORDS = frozenset(
    {
        "patient",
        "patients",
        "platelet",
        "present",
        "presents",
        "previous",
        "pressure",
        "protein",
        "proteins",
        "preserved",
        "prescribed",
        "predicted",
        "prednisolone",
        "steroid",
        "history",
        "lymphoma",
        "lymphedema",
        "leukemia",
        "creatine",
        "clinic",
        "clinical",
        "cycling",
        "cyclist",
        "cycle",
        "cycles",
        "attack",
        "taking",
        "takes",
        "hemoglobinopathy",
        "haemoglobinopathy",
        "symptoms",
        "systemic",
        "general",
        "anemia",
        "anaemia",
        "albuminuria",
        "arthritis",
        "arthralgia",
        "renal",
        "normal",
        "neutral",
        "neuropathy",
        "neurology",
        "tacrolimus",
        "treatment",
        "therapy",
        "mother",
        "father",
        "brother",
        "sister",
        "months",
        "weeks",
        "years",
        "tablet",
        "tablets",
        "daily",
        "weekly",
        "monthly",
        "started",
        "stopped",
        "stable",
        "status",
        # "1 injection sous-cutanée" (G-CSF), "Conclusion:" of a pathology report: an
        # everyday word one letter from "infection", near "contusion", is no diagnosis.
        "injection",
        "injections",
        "conclusion",
        "conclusions",
    }
)
