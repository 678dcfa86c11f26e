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

`params` contract per kind (the evaluator in matcher.evaluate relies on it):

- age: {"min_years": int|None, "max_years": int|None}, inclusive completed years.
- sex: {"sex": "female"|"male"}.
- diagnosis: {"concepts": [ids], "system": str|None, "ruled_out_not_met": bool}
  (+ "window_days" when the text sets one: "malignancy within 5 years").
- biopsy: {"classes": ["III", "IV"], "allowed_with": ["V"], "window_days": int|None}.
- score: {"concept": id, "op": ">=", "value": float} or {"concept": id, "low": a, "high": b}.
- refractory: {"agents": [drug ids], "min_agents": int, "min_duration_days": int,
  "duration_strict": bool, "requires_active_proteinuria": bool}
  (+ "proteinuria_threshold" in g/g when the text gives one).
- drug_exposure: {"drugs": [drug ids, classes expanded], "window_days": int|None}.
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

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from matcher.dates import window_to_days
from matcher.model import Criterion, Trial
from matcher.units import canonical_unit, normalize
from matcher.vocab import TermMatch, Vocabulary, load_vocabulary

if TYPE_CHECKING:
    from matcher.registry import RegistryRecord

__all__ = [
    "format_criteria_table",
    "parse_criteria",
    "parse_criterion",
    "parse_eligibility_text",
    "trial_to_json",
]

INCLUSION = "inclusion"
EXCLUSION = "exclusion"
_I = re.IGNORECASE

# =====================================================================================
# Text helpers
# =====================================================================================

# One-to-one replacements so that positions survive: dashes and minus signs become "-",
# the less common comparison glyphs become the common ones.
_GLYPHS = str.maketrans(
    {"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-", "⩾": "≥", "≧": "≥", "⩽": "≤", "≦": "≤"}
)


def _normalise(text: str) -> str:
    """Matching form of registry text: NFKC (full-width "＞" → ">", "⁹" → "9", NBSP →
    space), unified dashes and comparison glyphs. The criterion keeps its original text."""
    return unicodedata.normalize("NFKC", text).translate(_GLYPHS)


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12,
}  # fmt: skip
_WORD_NUM = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


def _number(text: str) -> float | None:
    text = text.strip().lower().replace(",", "")
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    try:
        return float(text)
    except ValueError:
        return None


def _tidy(value: float) -> float:
    return float(f"{value:.10g}")


# =====================================================================================
# Comparisons: "≥ 6", "at least 6", "6 or more", "≤ 3 × ULN", "< upper limit of normal"
# =====================================================================================

_OP_PHRASES: dict[str, str] = {
    # ≥: "6 or more" is handled as a suffix below.
    "≥": ">=", ">=": ">=", "=>": ">=", "> or =": ">=", ">/=": ">=", "at least": ">=",
    "no less than": ">=", "not less than": ">=", "no fewer than": ">=",
    "not fewer than": ">=", "greater than or equal to": ">=", "more than or equal to": ">=",
    "higher than or equal to": ">=", "equal to or greater than": ">=",
    "equal to or more than": ">=", "equal to or higher than": ">=",
    "equal or greater than": ">=", "a minimum of": ">=", "minimum of": ">=",
    "minimum": ">=", "no younger than": ">=", "not younger than": ">=",
    # ≤
    "≤": "<=", "<=": "<=", "=<": "<=", "< or =": "<=", "</=": "<=", "no more than": "<=",
    "not more than": "<=", "no greater than": "<=", "not greater than": "<=",
    "no higher than": "<=", "not higher than": "<=", "not exceeding": "<=",
    "not to exceed": "<=", "not exceed": "<=", "does not exceed": "<=", "up to": "<=",
    "at most": "<=", "a maximum of": "<=", "maximum of": "<=", "maximum": "<=",
    "less than or equal to": "<=", "lower than or equal to": "<=",
    "equal to or less than": "<=", "equal to or lower than": "<=",
    "equal or less than": "<=", "no older than": "<=", "not older than": "<=",
    # >
    ">": ">", "greater than": ">", "more than": ">", "higher than": ">", "above": ">",
    "over": ">", "exceeding": ">", "exceeds": ">", "in excess of": ">",
    "older than": ">", "larger than": ">",
    # <
    "<": "<", "less than": "<", "lower than": "<", "fewer than": "<", "below": "<",
    "under": "<", "younger than": "<", "smaller than": "<",
}  # fmt: skip


def _phrase_pattern(phrase: str) -> str:
    if phrase[0].isalpha():
        return r"\b" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"\b"
    return re.escape(phrase).replace(r"\ ", r"\s*")


_OP = "(?:" + "|".join(_phrase_pattern(p) for p in sorted(_OP_PHRASES, key=len, reverse=True)) + ")"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A number that is not part of a unit or a name: "10^9", "mm3", "1.73m2", "CD19", "2K".
_FREE_NUM = rf"(?<![A-Za-zμµ^×*/.,\d])(?<!x )(?<!X )(?<!× )(?<!\* ){_NUM}(?![\d])"
_PREFIX_CMP = re.compile(rf"(?P<op>{_OP})\s*(?:of\s+|a\s+|:\s*|=\s*)?(?P<num>{_NUM})(?![\d])", _I)
_ULN_WORDS = (
    r"(?:the\s+)?(?:institutional\s+)?(?:upper\s+limits?\s+of\s+(?:the\s+)?normal"
    r"(?:\s+range)?|upper\s+normal\s+limit|\(?ULN\)?|\bUNL\b)"
)
_ULN_TAIL = re.compile(rf"\s*(?:[x×*✕]|times)?\s*{_ULN_WORDS}", _I)
_OP_ULN = re.compile(rf"(?P<op>{_OP})\s*{_ULN_WORDS}", _I)
_SUFFIX_GE = re.compile(
    r"^[^,;()]{0,30}?\b(?:or|and)\s+(?:more|greater|higher|above|over|older|bigger|larger|"
    r"longer)\b|^\s*\+",
    _I,
)
_SUFFIX_LE = re.compile(
    r"^[^,;()]{0,30}?\b(?:or|and)\s+(?:less|lower|below|fewer|younger|under|smaller|"
    r"shorter)\b",
    _I,
)


@dataclass(frozen=True)
class _Cmp:
    """One comparison in a criterion: op and number, where they sit, and whether the
    number is a multiple of the upper limit of normal ("≤ 3×ULN")."""

    op: str
    value: float
    start: int
    num_end: int
    uln: bool = False


def _op_of(phrase: str) -> str:
    key = " ".join(phrase.lower().split())
    return _OP_PHRASES.get(key) or _OP_PHRASES[re.sub(r"\s+", "", key)]


def _comparisons(text: str, start: int = 0) -> list[_Cmp]:
    """Every comparison from `start` on, in text order. A bare number counts only with a
    suffix operator ("5 years or older", "6 or more")."""
    found: list[_Cmp] = []
    taken: list[tuple[int, int]] = []
    for m in _PREFIX_CMP.finditer(text, start):
        value = _number(m["num"])
        if value is None:
            continue
        uln = bool(_ULN_TAIL.match(text, m.end("num")))
        found.append(_Cmp(_op_of(m["op"]), value, m.start(), m.end("num"), uln))
        taken.append((m.start("num"), m.end("num")))
    for m in _OP_ULN.finditer(text, start):
        found.append(_Cmp(_op_of(m["op"]), 1.0, m.start(), m.end(), True))
    for m in re.finditer(_FREE_NUM, text[start:]):
        begin, end = m.start() + start, m.end() + start
        if any(a <= begin < b for a, b in taken):
            continue
        tail = text[end : end + 60]
        op = ">=" if _SUFFIX_GE.match(tail) else "<=" if _SUFFIX_LE.match(tail) else None
        value = _number(m[0])
        if op and value is not None:
            found.append(_Cmp(op, value, begin, end, bool(_ULN_TAIL.match(tail))))
    found.sort(key=lambda c: c.start)
    return found


# =====================================================================================
# Windows and durations: "within 6 months prior to screening" → 183 days
# =====================================================================================

_UNIT = r"(?P<unit>days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?)\b"
_AMOUNT = rf"(?P<n>{_NUM}|{_WORD_NUM}|a|an)"
_WINDOWS = (
    # "within 3 months", "in the past 6 months", "during the last year"
    re.compile(
        rf"\b(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding|prior)?"
        rf"\s*(?:{_AMOUNT}\s*)?{_UNIT}",
        _I,
    ),
    # "6 months before screening", "≤ 12 weeks prior to randomisation"
    re.compile(
        rf"{_AMOUNT}\s*{_UNIT}\s*(?:\w+\s+)?(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?"
        r"(?:screening|enrol|enroll|randomi|baseline|first|day|study|signing|consent|"
        r"infusion|lymphodepletion|cell|apheresis|leuka?pheresis|inclusion|visit|entry|"
        r"treatment|dosing)",
        _I,
    ),
)


# "Diagnosed at least 6 months before screening" sets a minimum time since the event,
# not a lookback window.
_MINIMUM_BEFORE = re.compile(
    r"(?:at\s+least|more\s+than|longer\s+than|over|no\s+less\s+than|not\s+less\s+than|"
    r"minimum\s+of|≥|>=|>)\s*$",
    _I,
)


def _window(text: str) -> int | None:
    """Days of the first time window in the text ("within 1 year" → 365), else None."""
    for pattern in _WINDOWS:
        for m in pattern.finditer(text):
            lead = text[max(0, m.start() - 24) : m.start()]
            minimum = _MINIMUM_BEFORE.search(lead)
            # "no more than 6 months prior to day 1" is a window, not a minimum.
            if minimum and not re.search(r"\b(?:no|not)\s+$", lead[: minimum.start()]):
                continue
            amount = _number(m["n"]) if m["n"] else 1.0
            if amount is not None:
                return window_to_days(amount, m["unit"])
    return None


_DURATION = re.compile(
    rf"(?P<lead>more\s+than|longer\s+than|over|exceeding|in\s+excess\s+of|>|at\s+least|"
    rf"no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of|minimum\s+of|≥|>=|for|after|"
    rf"lasting)\s*(?:the\s+)?(?:(?:at\s+least|more\s+than|≥|>=|>)\s*)?{_AMOUNT}\s*{_UNIT}"
    r"(?P<tail>\s+(?:or|and)\s+(?:more|longer))?",
    _I,
)
_STRICT_LEADS = ("more", "longer", "over", "exceeding", "in excess", ">")


def _duration(text: str) -> tuple[int, bool] | None:
    """Minimum treatment length: "for more than 6 months" → (183, strict)."""
    m = _DURATION.search(text)
    if m is None:
        return None
    amount = _number(m["n"])
    if amount is None:
        return None
    lead = " ".join(m[0].lower().split())
    strict = any(lead.startswith(s) or f"for {s}" in lead for s in _STRICT_LEADS)
    strict = strict and not lead.startswith((">=", "≥"))
    return window_to_days(amount, m["unit"]), strict


# =====================================================================================
# Step 1: sections and items
# =====================================================================================

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)(?:"
    r"(?P<glyph>[•∙‣⁃·●○◦▪■□➢►⦁➤▸✓]|[*\-–—](?=\s))"
    r"|(?P<num>\(?\d{1,2}(?:\.\d{1,2})*[.)、](?!\d)|\(\d{1,2}\))"
    r"|(?P<roman>\(?(?i:i{1,3}|iv|vi{0,3}|ix|x)[.)](?=\s))"
    r"|(?P<alpha>\(?[a-zA-Z][.)](?=\s))"
    r")\s*(?P<rest>.*)$"
)


@dataclass
class _Line:
    indent: int
    marker: str  # "" (plain line), the glyph, or "num" / "roman" / "alpha"
    text: str


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw in text.expandtabs(4).splitlines():
        if not raw.strip():
            continue
        m = _MARKER.match(raw)
        if m is None or not m["rest"].strip():
            lines.append(_Line(len(raw) - len(raw.lstrip()), "", raw.strip()))
            continue
        family = m["glyph"] or ("num" if m["num"] else "roman" if m["roman"] else "alpha")
        lines.append(_Line(len(m["indent"]), family, m["rest"].strip()))
    return lines


_SECTION_PREFIX = (
    # A bilingual record may put the heading in another script first: "入选标准 Inclusion".
    r"(?:[^\x00-\x7F]+[\s:：]*)?"
    r"(?:(?:key|main|major|principal|general|other|additional|specific|study|subject|"
    r"patient|participant)\s+)?"
)
_SECTION_SHORT = re.compile(
    rf"^{_SECTION_PREFIX}(?P<kind>non-inclusion|inclusion|exclusion)(?:\s+criteri(?:a|on))?"
    r"(?:\s+(?:include|includes|are|is)|\s+for\s+[^:]{1,40})?\s*(?::\s*(?P<rest>.*))?$",
    _I,
)
_EXCLUSION_CUE = re.compile(
    r"\bexclu|\bineligible\b|\bnot\s+(?:be\s+)?eligible\b|\bnot\s+be\s+(?:enrolled|included|"
    r"randomi[sz]ed)\b|\bnot\s+qualify\b",
    _I,
)
_INCLUSION_CUE = re.compile(
    r"\binclu|\beligible\b|\bmust\s+(?:meet|fulfil|fulfill|satisfy|have)\s+all\b|"
    r"\bqualify\b|\bto\s+be\s+enrolled\b",
    _I,
)


def _section_heading(text: str) -> tuple[str, str] | None:
    """("inclusion"|"exclusion", rest of the line) when this line opens a section."""
    clean = _normalise(text).strip().strip("*#_ ").strip()
    m = _SECTION_SHORT.match(clean)
    if m:
        kind = EXCLUSION if m["kind"].lower() != "inclusion" else INCLUSION
        return kind, (m["rest"] or "").strip()
    # Sentence form: "Subjects meeting any of the following will be excluded".
    if len(clean) > 200 or not ("following" in clean.lower() or clean.endswith(":")):
        return None
    if _EXCLUSION_CUE.search(clean):
        return EXCLUSION, ""
    if _INCLUSION_CUE.search(clean) and "following" in clean.lower():
        return INCLUSION, ""
    return None


_NOISE = re.compile(
    r"^(?:eligibility(?:\s+criteria)?|criteria|participation\s+requirements|view)\s*:?\s*$"
    r"|^(?:sex|gender|sexes\s+eligible(?:\s+for\s+study)?|genders?\s+eligible(?:\s+for\s+study)?"
    r"|minimum\s+age|maximum\s+age|ages?\s+eligible(?:\s+for\s+study)?|accepts\s+healthy\s+"
    r"volunteers|healthy\s+volunteers|sampling\s+method|study\s+population)\s*:",
    _I,
)

# Sub-items that only make sense as part of their parent: "∙ defined as treatment with
# two or more immunosuppressants ...", "‣ accompanied by proteinuria without remission".
_STRONG_QUALIFIER = re.compile(
    r"^(?:defined\s+(?:as|by)|as\s+defined|accompanied\s+by|i\.\s?e\.|e\.\s?g\.|including|"
    r"includes|such\s+as|with\s+or\s+without|which|whose|in\s+whom|as\s+(?:evidenced|"
    r"documented|confirmed|shown)|characteri[sz]ed\s+by|namely|that\s+is)\b",
    _I,
)
# Continue a parent that has not ended its sentence: "Proteinuria ≥ 1 g/day," + "with
# active urinary sediment".
_WEAK_QUALIFIER = re.compile(
    r"^(?:with|without|and|or|who|that|despite|after|due\s+to|caused\s+by|except|excluding|"
    r"unless|plus|but|where|when|if)\b",
    _I,
)
# A parent whose own text ends by announcing its definition: "Active LN, defined as:".
_DEFINING_END = re.compile(
    r"(?:defined\s+(?:as|by)|as\s+defined\s+by|characteri[sz]ed\s+by|evidenced\s+by|"
    r"confirmed\s+by|documented\s+by|meeting|fulfilling|with|including|i\.\s?e\.|such\s+as|"
    r"accompanied\s+by|as\s+shown\s+by|based\s+on)\s*[:：]\s*$",
    _I,
)
# "Refractory disease, defined as:" names a state (status concept) that its sub-items
# define; "Adequate organ function as follows:" names nothing and only groups them.
_COMPUTABLE = frozenset({"diagnosis", "procedure", "lab", "score", "drug", "drug_class", "status"})


@dataclass
class _Draft:
    section: str
    text: str
    indent: int
    marker: str
    context: tuple[str, ...] = ()
    heading: bool = False  # "Liver function:": dropped when items follow it
    collects: bool = False  # "Active LN defined as:": absorbs its sub-items
    followed: bool = False
    head: str | None = None  # a collecting parent's own text: it decides the kind


def _ends_with_colon(text: str) -> bool:
    return text.rstrip().endswith((":", "："))


def _has_content(text: str) -> bool:
    """Does the text name something computable itself ("eGFR", "SLE", "≥ 30")?"""
    vocab = load_vocabulary()
    norm = _normalise(text)
    if any(vocab[t.concept_id].category in _COMPUTABLE for t in vocab.find_terms(norm)):
        return True
    return bool(_comparisons(norm))


def _is_sub_item(line: _Line, parent: _Draft) -> bool:
    """Does `line` sit under `parent`? Deeper indentation, or the same indentation with
    another marker ("1." then "a."; "•" then "∙"). Glyphs alone are unreliable (registry
    exports switch glyphs mid-list), so this only scopes headings, never splits items."""
    if line.indent != parent.indent:
        return line.indent > parent.indent
    return line.marker != parent.marker


def _starts_prose_continuation(text: str) -> bool:
    """A lower-case start that is not itself a named analyte or drug: "prothrombin time
    (PT) ≤1.5×ULN" is a new item, "and no evidence of ..." continues the last one."""
    if not text[:1].islower():
        return False
    terms = load_vocabulary().find_terms(_normalise(text))
    return not (terms and terms[0].start == 0)


def _continues(line: _Line, last: _Draft) -> bool:
    if _STRONG_QUALIFIER.match(line.text):
        return True
    if line.marker == "" and line.indent > last.indent:
        return True  # a hard-wrapped line of the item above
    if re.search(r"[.;:：。]\s*$", last.text):
        return False
    return bool(_WEAK_QUALIFIER.match(line.text)) or _starts_prose_continuation(line.text)


def _join(first: str, second: str) -> str:
    return f"{first.rstrip()} {second.strip()}"


class _Builder:
    """Turns the lines of one eligibility text into criterion drafts, in order."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.section = INCLUSION
        self.open: list[_Draft] = []  # headings / collecting parents still in scope
        self.last: _Draft | None = None  # what a continuation line joins
        self.pending: list[_Draft] = []  # headings of this section with nothing after yet

    def feed(self, line: _Line) -> None:
        opened = _section_heading(line.text)
        if opened is not None:
            self.section, rest = opened
            self.open, self.last, self.pending = [], None, []
            if not rest:
                return
            line = _Line(line.indent, line.marker, rest)
        if _NOISE.match(_normalise(line.text).strip()):
            return
        self._close_scopes(line)
        collector = next((p for p in reversed(self.open) if p.collects), None)
        if collector is not None:
            collector.text = _join(collector.text, line.text)
            return
        if self.last is not None and _continues(line, self.last):
            self.last.text = _join(self.last.text, line.text)
            return
        self._add(line)

    def _close_scopes(self, line: _Line) -> None:
        kept: list[_Draft] = []
        for parent in self.open:
            if not _is_sub_item(line, parent):
                break
            kept.append(parent)
        self.open = kept

    def _add(self, line: _Line) -> None:
        for heading in self.pending:
            heading.followed = True
        self.pending = []
        context = tuple(p.text for p in self.open if p.heading)
        draft = _Draft(self.section, line.text, line.indent, line.marker, context)
        self.drafts.append(draft)
        self.last = draft
        if not _ends_with_colon(line.text):
            return
        if _DEFINING_END.search(line.text) and _has_content(line.text):
            draft.collects = True
            draft.head = line.text
        else:
            draft.heading = True
            self.last = None
            self.pending.append(draft)
        self.open.append(draft)

    def result(self) -> list[_Draft]:
        # A heading that groups items is not a criterion; one with nothing after it
        # stays (as whatever it classifies to), so nothing is dropped silently.
        return [d for d in self.drafts if not (d.heading and d.followed)]


def _drafts(text: str) -> list[_Draft]:
    builder = _Builder()
    for line in _lines(text):
        builder.feed(line)
    return builder.result()


# =====================================================================================
# Step 2: classification
# =====================================================================================


@dataclass(frozen=True)
class _Parsed:
    kind: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    manual_reason: str | None = None


@dataclass(frozen=True)
class _Ctx:
    """One criterion being classified."""

    text: str  # normalised
    main: str  # normalised, with exception clauses blanked out (same length)
    exceptions: tuple[str, ...]
    type: str
    context: tuple[str, ...]
    vocab: Vocabulary
    terms: tuple[TermMatch, ...]  # vocabulary mentions in `main`

    def concepts(self, *categories: str) -> list[str]:
        seen: list[str] = []
        for term in self.terms:
            category = self.vocab[term.concept_id].category
            if category in categories and term.concept_id not in seen:
                seen.append(term.concept_id)
        return seen

    def mentions(self, *categories: str) -> list[TermMatch]:
        return [t for t in self.terms if self.vocab[t.concept_id].category in categories]

    @property
    def exclusion(self) -> bool:
        return self.type == EXCLUSION

    def window(self) -> int | None:
        """The item's own window, else one set by its heading ("Any of the following
        within 6 months before screening:" + "• belimumab")."""
        own = _window(self.text)
        if own is not None:
            return own
        return next((w for w in map(_window, map(_normalise, self.context)) if w), None)

    def key(self, base: str) -> str:
        return f"x_{base}" if self.exclusion else base


# "(except elevated ALT caused by inflammatory myopathy)", ", unless due to Gilbert's".
_EXCEPTION_CUE = r"(?:except|excluding|exception|unless|other\s+than|apart\s+from|if\s+due\s+to)"
_EXCEPTION_PAREN = re.compile(rf"\([^()]*\b{_EXCEPTION_CUE}\b[^()]*\)", _I)
_EXCEPTION_TAIL = re.compile(rf"(?<=\S)[,;]?\s*\b{_EXCEPTION_CUE}\b[^;()]*", _I)
# "Other than SLE, any autoimmune disease": a leading exception runs to the comma.
_EXCEPTION_LEAD = re.compile(rf"^\s*{_EXCEPTION_CUE}\b[^,;()]*,", _I)


def _split_exceptions(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with exception clauses blanked (positions kept), and the clauses."""
    main = text
    found: list[str] = []
    for pattern in (_EXCEPTION_PAREN, _EXCEPTION_LEAD, _EXCEPTION_TAIL, _CONDITIONAL_LIMIT):
        for m in pattern.finditer(main):
            clause = m[0]
            if pattern is _EXCEPTION_TAIL:
                # "unless due to Gilbert's syndrome (≤ 3 x ULN)": the limit in brackets
                # right after the clause belongs to it.
                limit = _LIMIT_PAREN.match(main, m.end())
                if limit is not None:
                    clause += limit[0]
                    m_end = limit.end()
                else:
                    m_end = m.end()
            else:
                m_end = m.end()
            if pattern is _CONDITIONAL_LIMIT and not _names_condition(clause):
                continue
            found.append(clause)
            main = main[: m.start()] + " " * (m_end - m.start()) + main[m_end:]
    return main, tuple(found)


# "(Gilbert syndrome ≤3.0×ULN)", "(≤3.0×ULN for patients with Gilbert's)": a bracketed
# limit for a named condition is an exception even without "except".
_CONDITIONAL_LIMIT = re.compile(r"\([^()]*(?:≤|<=|<|≥|>=|>|\bup\s+to\b)[^()]*\)")
_LIMIT_PAREN = re.compile(r"\s*\([^()]*(?:≤|<=|<|≥|>=|>|\bup\s+to\b)[^()]*\)")


def _names_condition(clause: str) -> bool:
    vocab = load_vocabulary()
    return any(vocab[t.concept_id].category == "diagnosis" and t.concept_id not in
               ("dx.sle", "dx.lupus_nephritis") for t in vocab.find_terms(clause))


def _context(raw: str, ctype: str, context: Sequence[str] = ()) -> _Ctx:
    vocab = load_vocabulary()
    text = _normalise(raw)
    main, exceptions = _split_exceptions(text)
    terms = tuple(vocab.find_terms(main))
    return _Ctx(text, main, exceptions, ctype, tuple(context), vocab, terms)


def _manual(reason: str, key: str = "manual") -> _Parsed:
    return _Parsed("manual", key, {}, reason)


# ---------------------------------------------------------------- consent, venous, hemo

_CONSENT = re.compile(
    r"informed\s+consent|\bconsent\b|\bassent\b|\bwilling|\bunwilling|\bcomply\b|"
    r"\bcompliance\b|\bable\s+to\s+(?:understand|follow|adhere|attend|complete)|"
    r"voluntar|\bsign(?:ed|s)?\b.{0,30}\b(?:icf|consent|form)\b",
    _I,
)


# "within 3 months before leukapheresis", "prior to signing informed consent": the event
# only anchors a window; the criterion is about the drug or condition before it.
_TIME_ANCHOR = re.compile(
    r"\b(?:before|prior\s+to|preceding|until|after|at\s+the\s+time\s+of|of)\s+(?:the\s+)?"
    r"(?:signing\s+(?:of\s+)?(?:the\s+)?(?:informed\s+)?consent(?:\s+form)?|(?:informed\s+)?"
    r"consent(?:\s+form)?|leuka?pheresis|leukaphoresis|apheresis|cell\s+collection)\b",
    _I,
)


def _unanchored(text: str) -> str:
    return _TIME_ANCHOR.sub(" ", text)


def _consent(ctx: _Ctx) -> _Parsed | None:
    if not _CONSENT.search(_unanchored(ctx.text)):
        return None
    return _Parsed(
        "consent",
        ctx.key("consent"),
        {},
        "informed consent/assent and willingness to take part are confirmed at screening",
    )


_VENOUS = re.compile(
    r"venous\s+access|vascular\s+access|peripheral\s+access|cell\s+collection|"
    r"apheresis|leuka?pheresis|leukaphoresis|collection\s+of\s+(?:cells|lymphocytes|pbmc)",
    _I,
)


def _venous(ctx: _Ctx) -> _Parsed | None:
    """CAR-T trials need apheresis: "good venous access, no contraindication to cell
    collection". As an exclusion ("contraindication to leukapheresis") the patient
    must *have* the problem, so it is a documented-condition check instead."""
    if not _VENOUS.search(_unanchored(ctx.text)):
        return None
    if ctx.exclusion:
        params = _diagnosis_params(["status.poor_venous_access"], ctx)
        return _Parsed("diagnosis", "x_venous", params)
    return _Parsed("venous", "venous", {})


_HEMO_STABLE = re.compile(
    r"ha?emodynamic(?:ally)?\s+stab|heart\s+function|cardiac\s+function|"
    r"cardiovascular(?:ly)?\s+stab",
    _I,
)
_HEMO_UNSTABLE = re.compile(
    r"ha?emodynamic(?:ally)?\s+(?:instab|unstab|compromise)|\bshock\b|vasopressor|inotrop",
    _I,
)


def _hemodynamic(ctx: _Ctx) -> _Parsed | None:
    if ctx.exclusion and _HEMO_UNSTABLE.search(ctx.text):
        params = _diagnosis_params(["status.hemodynamic_instability"], ctx)
        return _Parsed("diagnosis", "x_hemo", params)
    if ctx.exclusion or not _HEMO_STABLE.search(ctx.text):
        return None
    if _comparisons(ctx.text):
        return None  # "Cardiac function: LVEF ≥ 50%" is a measurement, not stability
    return _Parsed("hemodynamic", "hemo", {})


# ---------------------------------------------------------------- manual cues

_MANUAL_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"contracept|birth\s+control|pregnancy\s+test|child-?bearing\s+potential|"
            r"\bb?-?hcg\b|β-?hcg",
            _I,
        ),
        "pregnancy testing and contraception are checked at screening",
    ),
    (
        re.compile(
            r"\b(?:opinion|judg(?:e)?ment|discretion|assessment)\s+of\s+the\s+(?:treating\s+)?"
            r"investigator|investigator'?s?\s+(?:opinion|judg|discretion|assessment)|"
            r"(?:judged|considered|deemed)\s+(?:by\s+the\s+investigator|unsuitable|"
            r"inappropriate)",
            _I,
        ),
        "requires the investigator's judgement",
    ),
    (
        re.compile(
            r"(?:another|other)\s+(?:interventional\s+)?(?:clinical\s+)?(?:trial|study)|"
            r"investigational\s+(?:drug|product|agent|medicinal|therapy)",
            _I,
        ),
        "participation in other studies is checked at screening",
    ),
    (
        re.compile(
            r"\b(?:eligible|candidate|suitable|indicated|planned|scheduled)\s+(?:for|to)\s+"
            r"(?:receive\s+|start\s+|undergo\s+)?(?:treatment|therapy|induction|the\s+study)",
            _I,
        ),
        "suitability for the study treatment is the investigator's decision",
    ),
    (re.compile(r"allerg|hypersensitiv", _I), "allergies are checked at screening"),
    (re.compile(r"life\s+expectancy", _I), "life expectancy is an investigator's estimate"),
    (re.compile(r"vaccin", _I), "vaccination history is checked at screening"),
    (re.compile(r"contraindicat", _I), "contraindications are judged by the investigator"),
)


def _manual_cues(ctx: _Ctx) -> _Parsed | None:
    for pattern, reason in _MANUAL_CUES:
        if pattern.search(ctx.text):
            return _manual(reason, ctx.key("manual"))
    return None


# ---------------------------------------------------------------- age

_AGE_CUE = re.compile(r"\b(?:age[ds]?|years?[\s-]+old|years?\s+of\s+age|yrs?\s+old|yo)\b", _I)
_AGE_UNIT = r"(?:years?|yrs?|y|months?|mos?)"
_AGE_RANGE = re.compile(
    rf"(?P<between>\bbetween\s+|\bfrom\s+)?(?<![\d.])(?P<a>\d{{1,3}}(?:\.\d+)?)\s*"
    rf"(?P<ua>{_AGE_UNIT})?\b\s*(?:of\s+age\s*|old\s*)?(?P<sep>-|~|\bto\b|\bthrough\b|\band\b)"
    rf"\s*(?P<op><=|≤|<)?\s*(?P<b>\d{{1,3}}(?:\.\d+)?)(?!\d|\.\d)\s*(?P<ub>{_AGE_UNIT})?",
    _I,
)


def _years(value: float, unit: str | None) -> float:
    return value / 12 if unit and unit.lower().startswith("m") else value


def _age_unit_after(text: str, end: int) -> str | None:
    m = re.match(rf"\s*({_AGE_UNIT})\b", text[end:], _I)
    return m[1] if m else None


def _age_bounds(text: str) -> tuple[int | None, int | None]:
    """Inclusive completed-year limits: "6-18 years" → (6, 18); "< 18" → (None, 17);
    "> 5" → (6, None); "≥ 2 and < 18" → (2, 17)."""
    low: int | None = None
    high: int | None = None
    rest = text
    for m in _AGE_RANGE.finditer(text):
        if m["sep"].lower() == "and" and not m["between"]:
            continue
        a, b = _years(float(m["a"]), m["ua"] or m["ub"]), _years(float(m["b"]), m["ub"])
        if a > b or b > 120:
            continue
        low = math.ceil(a - 1e-9)
        high = math.ceil(b) - 1 if m["op"] == "<" else math.floor(b + 1e-9)
        rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
        break
    for cmp in _comparisons(rest):
        years = _years(cmp.value, _age_unit_after(rest, cmp.num_end))
        if years > 120:
            continue
        if cmp.op == ">=":
            low = math.ceil(years - 1e-9)
        elif cmp.op == ">":
            low = math.floor(years) + 1
        elif cmp.op == "<=":
            high = math.floor(years + 1e-9)
        else:
            high = math.ceil(years) - 1
    return low, high


# "< 18 years" alone, with no time-window wording, is an age limit too.
_BARE_YEARS = re.compile(rf"^\W*(?:{_OP}\s*)?\d{{1,3}}\s*(?:years?|yrs?)\b", _I)


def _age(ctx: _Ctx) -> _Parsed | None:
    cue = _AGE_CUE.search(ctx.text) or _BARE_YEARS.search(ctx.text)
    if cue is None or re.search(r"child-?bearing", ctx.text, _I):
        return None
    others = ctx.concepts("diagnosis", "drug", "drug_class", "lab", "score", "procedure")
    if others and cue.start() > 25:
        return None  # "SLE diagnosed before age 16" is about the disease
    if ctx.concepts("score"):
        # "Karnofsky (age ≥16) or Lansky (age <16) score ≥ 60": the age picks the scale.
        return None
    low, high = _age_bounds(ctx.text)
    if low is None and high is None:
        return _manual("age limits not recognised", ctx.key("age"))
    return _Parsed("age", ctx.key("age"), {"min_years": low, "max_years": high})


# ---------------------------------------------------------------- sex

_FEMALE = re.compile(r"^(?:only\s+)?(?:females?|women|woman|girls?)\b", _I)
_MALE = re.compile(r"^(?:only\s+)?(?:males?|men|man|boys?)\b", _I)
_BOTH = re.compile(
    r"\b(?:males?|men|boys?)\b.*\b(?:females?|women|girls?)\b|\bfemales?\b.*"
    r"\b(?:males?|men|boys?)\b|both\s+sex|either\s+sex|all\s+sex",
    _I,
)


def _sex(ctx: _Ctx) -> _Parsed | None:
    if _BOTH.search(ctx.text):
        return _manual("no sex restriction stated", ctx.key("sex")) if len(ctx.text) < 40 else None
    for pattern, sex in ((_FEMALE, "female"), (_MALE, "male")):
        if pattern.search(ctx.text.strip()):
            return _Parsed("sex", ctx.key("sex"), {"sex": sex})
    return None


# ---------------------------------------------------------------- CD19, ANA

_CD19 = re.compile(r"\bCD\s?19\b", _I)
_CD19_TARGET = re.compile(r"CAR|target|directed|therap|antibod|engager", _I)
_CD19_ABSENT = re.compile(r"negative|absent|absence|undetectable|depleted|depletion|aplasia", _I)


def _cd19(ctx: _Ctx) -> _Parsed | None:
    """ "Positive expression of CD19 in peripheral blood B cells determined by flow
    cytometry": the CAR target must be there to kill."""
    mentioned = _CD19.search(ctx.text) or "lab.cd19" in ctx.concepts("lab")
    if not mentioned or _CD19_TARGET.search(ctx.text):
        return None
    threshold = _cd19_threshold(ctx.text)
    if threshold is not None:
        # "CD19+ B-cell count < 5 cells/µL" (exclusion), "CD19+ B cells ≥ 1%" (inclusion)
        return _Parsed("cd19", ctx.key("cd19"), threshold)
    if ctx.exclusion:
        if _CD19_ABSENT.search(ctx.text):
            params = _diagnosis_params(["status.b_cell_depleted"], ctx)
            return _Parsed("diagnosis", "x_cd19", params)
        return None
    if _comparisons(ctx.text) and not re.search(r"positiv|express|detect|present", ctx.text, _I):
        return None
    return _Parsed("cd19", "cd19", {})


_CD19_UNIT = re.compile(r"^\s*(?P<u>%|percent|cells?\s*/\s*(?:µl|μl|ul|mcl|mm3|mm³|cmm)|"
                        r"/\s*(?:µl|μl|ul|mm3|mm³))", _I)


def _cd19_threshold(text: str) -> dict[str, Any] | None:
    for comparison in _comparisons(text):
        unit = _CD19_UNIT.match(text[comparison.num_end :])
        if unit is not None:
            per_volume = not unit["u"].lower().startswith(("%", "percent"))
            return {"op": comparison.op, "value": float(comparison.value),
                    "unit": "/uL" if per_volume else "%"}
    return None


_TITRE = re.compile(rf"(?P<op>{_OP})?\s*1\s*[:/]\s*(?P<n>\d{{2,5}})", _I)


def _ana(ctx: _Ctx) -> _Parsed | None:
    """ "ANA ≥ 1:80": titres double, so "> 1:80" means at least 1:160."""
    if "lab.ana" not in ctx.concepts("lab") or ctx.exclusion:
        return None
    m = _TITRE.search(ctx.text)
    if m is None:
        if re.search(r"positiv", ctx.text, _I):
            return _Parsed("ana", "ana", {"min_titre": 80})  # EULAR/ACR entry criterion
        return None
    titre = int(m["n"])
    if m["op"] and _op_of(m["op"]) == ">":
        titre *= 2
    return _Parsed("ana", "ana", {"min_titre": titre})


# ---------------------------------------------------------------- refractory

_REFRACTORY = re.compile(
    r"refractory|resistant|despite|persist\w*|inadequate\s+response|insufficient\s+response|failed|failure|"
    r"non-?respon|did\s+not\s+respond|not\s+responded|unresponsive|intoleran",
    _I,
)
_TREATMENT = re.compile(r"immunosuppress|treatment|therap|regimen|agent|drug|induction", _I)
_MIN_AGENTS = re.compile(
    rf"(?:(?:at\s+least|minimum\s+of|≥|>=)\s*(?P<a>\d+|{_WORD_NUM})|(?P<b>\d+|{_WORD_NUM}|both)"
    r"\s*(?:or\s+more|\+)?)\s*(?:different\s+|distinct\s+|standard\s+|prior\s+|conventional\s+|"
    r"kinds?\s+of\s+)*(?:immunosuppress|agents?|drugs?|therap|regimens?|treatments?|lines?|"
    r"medications?|classes)",
    _I,
)
_PROTEINURIA = re.compile(
    r"proteinuria|urine\s+protein|urinary\s+protein|protein\s+excretion|remission|"
    r"active\s+nephritis",
    _I,
)


def _agents(ctx: _Ctx) -> list[str]:
    """The listed agents; classes expand. "two or more immunosuppressants (including
    glucocorticoids, cyclophosphamide, ...)": the list, not every immunosuppressant."""
    named = ctx.concepts("drug", "drug_class")
    specific = [c for c in named if c != "class.immunosuppressant"]
    chosen = specific or ["class.immunosuppressant"]
    return _expand(chosen, ctx.vocab)


def _expand(concepts: Iterable[str], vocab: Vocabulary) -> list[str]:
    out: list[str] = []
    for concept in concepts:
        for member in vocab.expand(concept):
            if member not in out:
                out.append(member)
    return out


def _refractory(ctx: _Ctx) -> _Parsed | None:
    if ctx.exclusion or not _REFRACTORY.search(ctx.text):
        return None
    drugs = ctx.concepts("drug", "drug_class")
    if not drugs and not _TREATMENT.search(ctx.text):
        return None
    m = _MIN_AGENTS.search(ctx.text)
    count = _number((m["a"] or m["b"]) if m else "1") or 1.0
    duration = _duration(ctx.text) or (0, False)
    params: dict[str, Any] = {
        "agents": _agents(ctx),
        "min_agents": int(count),
        "min_duration_days": duration[0],
        "duration_strict": duration[1],
        # "accompanied by proteinuria without remission": refractory means still active.
        "requires_active_proteinuria": bool(
            _PROTEINURIA.search(ctx.text)
            or {"lab.upcr", "lab.urine_protein_24h"} & set(ctx.concepts("lab"))
        ),
    }
    threshold = _proteinuria_threshold(ctx)
    if threshold is not None:
        params["proteinuria_threshold"] = threshold
    return _Parsed("refractory", "refractory", params)


def _proteinuria_threshold(ctx: _Ctx) -> float | None:
    for mention in _lab_mentions(ctx):
        if mention.concept in ("lab.upcr", "lab.urine_protein_24h"):
            reading = _lab_reading(ctx, mention)
            if reading is not None and "value" in reading:
                return reading["value"]
    return None


# ---------------------------------------------------------------- biopsy

_ROMAN_CLASSES = ("I", "II", "III", "IV", "V", "VI")
_CLASS_TOKEN = r"(?:VI|IV|V|III|II|I|[1-6])(?![\w])"
_CLASS_SEP = r"\s*(?:,\s*(?:and/or|or|and)?|\band/or\b|\bor\b|\band\b|/|\+/-|\+|±|&|-)\s*"
_CLASS_LIST = re.compile(
    rf"\bclass(?:es)?\s*(?P<list>{_CLASS_TOKEN}(?:{_CLASS_SEP}(?:class\s*)?{_CLASS_TOKEN})*)",
    _I,
)
_OPTIONAL_BEFORE = re.compile(
    r"(?:with\s+or\s+without|±|\+/-|allow\w*|combined\s+with|in\s+combination\s+with|"
    r"concomitant|co-?exist\w*|co-?exhibit\w*|plus|mixed\s+with|may\s+(?:also\s+)?have)"
    r"\W*(?:a\s+|an\s+)?$",
    _I,
)
_OPTIONAL_AFTER = re.compile(
    r"^[^;(),]{0,40}?\b(?:allowed|permitted|optional|acceptable|may\s+be\s+present|"
    r"component|in\s+addition\s+to|in\s+combination\s+with|(?:may|can)\s+(?:also\s+)?"
    r"co-?exist|co-?exist(?:s|ing)?)\b",
    _I,
)
_OPTIONAL_V = re.compile(
    r"(?:with\s+or\s+without|±|\+/-|and/or)\s*(?:a\s+|an\s+|concomitant\s+|coexisting\s+|"
    r"class\s+)*(?:V\b|membranous)",
    _I,
)
_BIOPSY_CONTEXT = re.compile(r"ISN|RPS|WHO|nephritis|\bLN\b|biops|histolog|patholog", _I)


def _class_name(token: str) -> str:
    token = token.upper()
    return _ROMAN_CLASSES[int(token) - 1] if token.isdigit() else token


def _classes(text: str) -> tuple[list[str], list[str]]:
    """ISN/RPS classes asked for, and those allowed alongside: "class III or IV (a class
    V component is allowed)" → (["III", "IV"], ["V"]); "III, IV, or V" → all three."""
    wanted: list[str] = []
    optional: list[str] = []
    for m in _CLASS_LIST.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 60]
        whole_optional = bool(_OPTIONAL_BEFORE.search(before) or _OPTIONAL_AFTER.search(after))
        for token in re.finditer(rf"(?P<sep>{_CLASS_SEP})?(?P<t>{_CLASS_TOKEN})", m["list"], _I):
            name = _class_name(token["t"])
            sep = (token["sep"] or "").strip()
            target = optional if whole_optional or sep in ("+", "±", "+/-") else wanted
            if name not in target:
                target.append(name)
    if _OPTIONAL_V.search(text) and "V" not in optional:
        optional.append("V")
    if not wanted:
        if re.search(r"proliferative", text, _I):
            wanted = ["III", "IV"]
        elif re.search(r"membranous", text, _I) and "V" not in optional:
            wanted = ["V"]
    optional = [c for c in optional if c not in wanted]
    return wanted, optional


def _biopsy(ctx: _Ctx) -> _Parsed | None:
    has_biopsy = "proc.kidney_biopsy" in ctx.concepts("procedure")
    has_class = bool(_CLASS_LIST.search(ctx.text)) and bool(_BIOPSY_CONTEXT.search(ctx.text))
    histology = re.search(r"proliferative|membranous", ctx.text, _I) and (
        "dx.lupus_nephritis" in ctx.concepts("diagnosis") or has_biopsy
    )
    if not (has_class or histology or has_biopsy):
        return None
    if ctx.exclusion and not (has_class or histology):
        # "Sclerosis in > 50% of glomeruli on renal biopsy": a histology finding, not the
        # biopsy itself (every candidate has had one).
        return _manual("the biopsy finding must be read by a person", "x_biopsy")
    wanted, optional = _classes(ctx.text)
    if not wanted:
        # "Biopsy-proven lupus nephritis": any ISN/RPS class will do.
        wanted = [c for c in _ROMAN_CLASSES if c not in optional]
    params = {"classes": wanted, "allowed_with": optional, "window_days": ctx.window()}
    return _Parsed("biopsy", ctx.key("biopsy"), params)


# ---------------------------------------------------------------- scores

_SCORE_RANGE = re.compile(
    r"^\D{0,40}?(?<![\d.])(?P<a>\d{1,3})\s*(?:-|~|to|through)\s*(?P<b>\d{1,3})(?!\d|\.\d)", _I
)
_SCORE_LIST = re.compile(
    r"^\D{0,40}?(?<![\d.])(?P<list>\d{1,3}(?:\s*(?:,\s*(?:or\s+|and\s+)?|or|and)\s*\d{1,3})+)"
    r"(?!\d|\.\d)",
    _I,
)


_AGE_ASIDE = re.compile(r"\([^()]*\bage[sd]?\b[^()]*\)", _I)


def _score_threshold(text: str, start: int, stop: int) -> dict[str, Any] | None:
    # "Karnofsky (age ≥16) or Lansky (age <16) ≥ 60": an age aside is no threshold.
    tail = _AGE_ASIDE.sub(lambda m: " " * len(m.group()), text[start:stop])
    cmps = [c for c in _comparisons(tail) if c.start <= 60]
    first_number = re.search(r"\d", tail)
    if cmps and (first_number is None or cmps[0].start <= first_number.start()):
        return {"op": cmps[0].op, "value": float(cmps[0].value)}
    m = _SCORE_RANGE.match(tail)
    if m and int(m["a"]) <= int(m["b"]):
        return {"low": float(m["a"]), "high": float(m["b"])}
    m = _SCORE_LIST.match(tail)
    if m:
        values = [float(v) for v in re.findall(r"\d+", m["list"])]
        return {"low": min(values), "high": max(values)}
    if cmps:
        return {"op": cmps[0].op, "value": float(cmps[0].value)}
    return None


def _score(ctx: _Ctx) -> _Parsed | None:
    """ "SLEDAI-2K ≥ 6", "ECOG 0 to 2", "ECOG performance status 0-1". The threshold is
    read after the score's name, so "2K"/"2000" in the name is never a value, and before
    another score's name: in "ECOG ≤ 2 or Lansky ≥ 50" the 50 is Lansky's."""
    mentions = ctx.mentions("score")
    if not mentions:
        return None
    for index, mention in enumerate(mentions):
        later = [m.start for m in mentions[index + 1 :] if m.concept_id != mention.concept_id]
        stop = later[0] if later else len(ctx.main)
        threshold = _score_threshold(ctx.main, mention.end, stop)
        if threshold is not None:
            concept = ctx.vocab[mention.concept_id]
            params = {"concept": concept.id, **threshold}
            return _Parsed("score", ctx.key(concept.key), params)
    concept = ctx.vocab[mentions[0].concept_id]
    return _manual(f"{concept.label} threshold not recognised", ctx.key(concept.key))


# ---------------------------------------------------------------- labs

_GENERIC_PROTEIN = re.compile(
    r"\b(?:proteinuria|urine\s+protein|urinary\s+protein|protein\s+excretion)\b", _I
)
_SLE_CAUSE = re.compile(r"\bSLE\b|lupus|disease\s+activity|nephritis", _I)
_NOT_THRESHOLD_LABS = frozenset({"lab.cd19", "lab.ana", "lab.height"})


@dataclass(frozen=True)
class _Mention:
    concept: str
    start: int
    end: int


def _lab_mentions(ctx: _Ctx) -> list[_Mention]:
    """Analyte mentions in text order. "Proteinuria ≥ 1 g/24h" names no analyte term, so
    its unit decides: per creatinine → UPCR, per day → 24-hour protein."""
    found = [
        _Mention(_analyte_at(ctx.main, t.concept_id, t.end), t.start, t.end)
        for t in ctx.mentions("lab")
        if t.concept_id not in _NOT_THRESHOLD_LABS
    ]
    for m in _GENERIC_PROTEIN.finditer(ctx.main):
        if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in found):
            continue
        found.append(_Mention(_analyte_at(ctx.main, "lab.upcr", m.end()), m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return _until_next(found, ctx.main)


def _until_next(found: list[_Mention], text: str) -> list[_Mention]:
    # A protein mention's unit is read only up to the next analyte: in "proteinuria ≥
    # 0.5 g/day or UPCR ≥ 0.5 g/g" the g/g belongs to the UPCR.
    out: list[_Mention] = []
    for index, mention in enumerate(found):
        if mention.concept in _PROTEIN_ANALYTES:
            stop = found[index + 1].start if index + 1 < len(found) else len(text)
            concept = _analyte_at(text[:stop], mention.concept, mention.end)
            mention = _Mention(concept, mention.start, mention.end)
        out.append(mention)
    return out


_PROTEIN_ANALYTES = ("lab.upcr", "lab.urine_protein_24h")
_PER_DAY = re.compile(r"/\s*(?:24|d\b|day)|per\s+day|daily|24\s*-?\s*h|\d\s*m?g\b(?!\s*/)", _I)
_PER_CREATININE = re.compile(r"mg/mmol|\bg/g\b|mg/mg|mg/g\b|g/mmol|creatinine|ratio", _I)


def _analyte_at(text: str, concept: str, end: int) -> str:
    """The analyte a mention stands for, corrected by what follows it: "urine protein ≥
    50 mg/mmol" is a UPCR; "creatinine clearance ≥ 60 mL/min" is a GFR, not a creatinine."""
    tail = text[end : end + 60]
    if concept == "lab.creatinine" and re.match(r"\s*clearance", tail, _I):
        return "lab.egfr"
    if concept not in _PROTEIN_ANALYTES:
        return concept
    per_day = _PER_DAY.search(tail)
    per_creatinine = _PER_CREATININE.search(tail)
    if per_creatinine and not (per_day and per_day.start() < per_creatinine.start()):
        return "lab.upcr"
    if per_day:
        return "lab.urine_protein_24h"
    return concept


def _unit_at(text: str, end: int) -> tuple[str | None, int]:
    """The unit written right after a number ("×109/L", "g/dL", "mL/min/1.73 m2"), read
    by matcher.units; returns (unit, end of unit)."""
    m = re.match(r"\s{0,2}", text[end:])
    begin = end + (m.end() if m else 0)
    window = text[begin : begin + 25]
    for size in range(len(window), 0, -1):
        candidate = window[:size]
        following = window[size : size + 1]
        if following and (following.isalnum() or candidate[-1].isspace()):
            continue
        unit = canonical_unit(candidate)
        if unit is not None:
            return candidate.strip(), begin + size
    return None, end


def _lab_reading(ctx: _Ctx, mention: _Mention, stop: int | None = None) -> dict[str, Any] | None:
    """Operator and threshold for one analyte, in its canonical unit, read before `stop`."""
    limit = min(mention.end + 80, stop if stop is not None else len(ctx.main))
    cmps = [c for c in _comparisons(ctx.main, mention.end) if c.start < limit]
    if not cmps:
        return _normal_range(ctx, mention)
    cmp = cmps[0]
    concept = ctx.vocab[mention.concept]
    unit = concept.canonical_unit
    if cmp.uln:
        return {"op": cmp.op, "uln_multiple": float(cmp.value), "unit": unit}
    written, _ = _unit_at(ctx.main, cmp.num_end)
    family = concept.attrs.get("family", "")
    converted = normalize(family, cmp.value, written, analyte=concept.key)
    if converted is None:
        return None
    return {"op": cmp.op, "value": _tidy(converted[0]), "unit": converted[1]}


def _normal_range(ctx: _Ctx, mention: _Mention) -> dict[str, Any] | None:
    """ "Bilirubin within normal limits" is ≤ 1×ULN for analytes that have a ULN."""
    concept = ctx.vocab[mention.concept]
    tail = ctx.main[mention.end : mention.end + 60]
    if concept.attrs.get("default_uln") is None:
        return None
    if re.search(r"\bnormal\b|\bWNL\b", tail, _I):
        return {"op": "<=", "uln_multiple": 1.0, "unit": concept.canonical_unit}
    return None


def _group_readings(ctx: _Ctx) -> list[tuple[list[str], dict[str, Any]]]:
    """Analytes that share a threshold: "AST and ALT <= 3.0 x ULN" and "ALT ≤ 3 × ULN and
    AST ≤ 3 × ULN" are one group each. A mention with no threshold of its own
    ("platelets ≥ 100, no platelet transfusion in 7 days") adds nothing."""
    groups: list[tuple[list[str], dict[str, Any]]] = []
    mentions = _lab_mentions(ctx)
    for index, mention in enumerate(mentions):
        reading = _lab_reading(ctx, mention, _reading_stop(ctx.main, mentions, index))
        if reading is None:
            continue
        for analytes, existing in groups:
            if _same_threshold(existing, reading):
                if mention.concept not in analytes:
                    analytes.append(mention.concept)
                break
        else:
            groups.append(([mention.concept], reading))
    return groups


def _same_threshold(first: dict[str, Any], second: dict[str, Any]) -> bool:
    # A multiple of the ULN is unit-free: "ALT, AST and bilirubin ≤ 2 × ULN" is one limit
    # for three analytes, each against its own ULN.
    if "uln_multiple" in first:
        return (first["op"], first.get("uln_multiple")) == (
            second["op"],
            second.get("uln_multiple"),
        )
    return first == second


_ANALYTE_LIST_GAP = re.compile(r"^[\s,/&+]*(?:and/or|and|or)?[\s,/&+]*$", _I)


def _reading_stop(text: str, mentions: list[_Mention], index: int) -> int | None:
    """Where this analyte's threshold must have appeared: before the next analyte, unless
    the two are listed together ("AST and ALT ≤ 3 × ULN", "AST/ALT ≤ 3 × ULN")."""
    mention = mentions[index]
    for later in mentions[index + 1 :]:
        if later.concept == mention.concept:
            continue  # "International normalised ratio (INR) ≤ 1.5"
        if _ANALYTE_LIST_GAP.match(text[mention.end : later.start]):
            return _reading_stop(text, mentions, mentions.index(later))
        return later.start
    return None


def _lab(ctx: _Ctx) -> _Parsed | None:
    mentions = _lab_mentions(ctx)
    if not mentions:
        return None
    concept = ctx.vocab[mentions[0].concept]
    groups = _group_readings(ctx)
    if not groups:
        return _manual(f"{concept.label} threshold not recognised", ctx.key(concept.key))
    analytes, reading = groups[0]
    params: dict[str, Any] = {"analytes": analytes, "op": reading["op"]}
    for name in ("value", "uln_multiple"):
        if name in reading:
            params[name] = reading[name]
    params["unit"] = reading["unit"]
    params["exceptions"], params["below_manual"] = _lab_exceptions(ctx, analytes)
    params["csf_free_days"] = _csf_free_days(ctx)
    if len(groups) > 1:
        params["alternatives"] = [_alternative(a, r) for a, r in groups[1:]]
        # Listed exclusions exclude on any one ("ANC < 1.0, lymphocytes < 0.5"); listed
        # inclusions need all, unless the text says "or".
        either = ctx.exclusion and not re.search(r"\band\b", ctx.main, _I)
        params["combine"] = "or" if either or re.search(r"\bor\b", ctx.main, _I) else "and"
    conditions = ctx.concepts("diagnosis", "procedure")
    if ctx.exclusion and conditions and re.search(r"\bor\b", ctx.main, _I):
        # "eGFR < 30 mL/min or on dialysis or renal transplant": either excludes.
        params.setdefault("alternatives", []).append({"concepts": conditions})
        params["combine"] = "or"
    keys = sorted(ctx.vocab[a].key for a in analytes)
    return _Parsed("lab", ctx.key("".join(keys)), params)


def _alternative(analytes: list[str], reading: dict[str, Any]) -> dict[str, Any]:
    return {"analytes": analytes, **reading}


def _lab_exceptions(ctx: _Ctx, analytes: list[str]) -> tuple[list[dict[str, Any]], str | None]:
    """ "(except elevated ALT caused by inflammatory myopathy)" → manual for myositis;
    "(except Gilbert syndrome, total bilirubin ≤3.0×ULN)" → a looser limit for Gilbert;
    "(except abnormal renal function by SLE)" → below the limit the investigator decides,
    since every patient in a lupus trial has SLE."""
    exceptions: list[dict[str, Any]] = []
    below_manual: str | None = None
    for clause in ctx.exceptions:
        conditions = [
            t.concept_id
            for t in ctx.vocab.find_terms(clause)
            if ctx.vocab[t.concept_id].category in ("diagnosis", "procedure")
        ]
        lupus = [c for c in conditions if c in ("dx.sle", "dx.lupus_nephritis")]
        others = [c for c in dict.fromkeys(conditions) if c not in lupus]
        if lupus or (not others and _SLE_CAUSE.search(clause)):
            below_manual = _below_manual_reason(analytes, ctx.vocab)
        for condition in others:
            exceptions.append(_exception_rule(condition, clause, analytes, ctx.vocab))
        if not conditions and not _SLE_CAUSE.search(clause):
            below_manual = f"the registry allows an exception ({clause.strip(' ,;()')}); "
            below_manual += "investigator decides"
    return exceptions, below_manual


def _below_manual_reason(analytes: list[str], vocab: Vocabulary) -> str:
    if any(a in ("lab.egfr", "lab.creatinine") for a in analytes):
        return "renal impairment caused by SLE is allowed; investigator decides"
    names = " and ".join(vocab[a].label for a in analytes)
    return f"abnormal {names} caused by SLE is allowed; investigator decides"


def _exception_rule(
    condition: str, clause: str, analytes: list[str], vocab: Vocabulary
) -> dict[str, Any]:
    cmps = _comparisons(clause)
    if cmps and cmps[0].uln:
        return {"if": condition, "uln_multiple": float(cmps[0].value)}
    if cmps:
        concept = vocab[analytes[0]]
        written, _ = _unit_at(clause, cmps[0].num_end)
        family = concept.attrs.get("family", "")
        converted = normalize(family, cmps[0].value, written, analyte=concept.key)
        if converted is not None:
            return {"if": condition, "value": _tidy(converted[0])}
    return {"if": condition, "then": "manual"}


def _csf_free_days(ctx: _Ctx) -> int | None:
    """ "Neutrophils ≥ 1×10⁹/L (no colony-stimulating factor within 2 weeks)": a count
    propped up by G-CSF does not show the marrow's own reserve."""
    mention = next((t for t in ctx.terms if t.concept_id == "drug.gcsf"), None)
    if mention is None:
        return None
    return _window(ctx.text[mention.start :]) or _window(ctx.text)


# ---------------------------------------------------------------- drugs

_DOSE = re.compile(r"\d\s*(?:mg|g|mcg|µg|μg|iu|units?)\b", _I)


def _drug_exposure(ctx: _Ctx) -> _Parsed | None:
    """ "Rituximab or another anti-CD20 antibody within 3 months before enrollment" →
    rituximab and every anti-CD20 antibody, 91 days."""
    named = ctx.concepts("drug", "drug_class")
    if not named:
        return None
    first = ctx.vocab[named[0]]
    key = ctx.key(first.key)
    if _DOSE.search(ctx.main):
        # "Prednisone > 0.5 mg/kg/day within 4 weeks": the dose cannot be checked from a
        # mention of the drug, and reading it as any exposure would exclude most patients.
        return _manual(f"{first.label} dose limit must be checked by a person", key)
    drugs = _expand(named, ctx.vocab)
    return _Parsed("drug_exposure", key, {"drugs": drugs, "window_days": ctx.window()})


# ---------------------------------------------------------------- diagnoses

_SYSTEM = re.compile(
    r"(?:(?P<y1>(?:19|20)\d{2})\s+(?:updated\s+|revised\s+)?)?(?P<name>EULAR\s*/\s*ACR|"
    r"ACR\s*/\s*EULAR|SLICC|ACR)\b(?:[^.;\d]{0,30}?(?P<y2>(?:19|20)\d{2}))?",
    _I,
)


def _system(text: str) -> str | None:
    """Classification system: "2019 EULAR/ACR", "ACR 1997", "SLICC 2012"."""
    m = _SYSTEM.search(text)
    if m is None:
        return None
    name = re.sub(r"\s+", "", m["name"]).upper()
    year = m["y1"] or m["y2"]
    if not year:
        return name
    return f"{year} {name}" if "EULAR" in name else f"{name} {year}"


def _diagnosis_params(concepts: list[str], ctx: _Ctx) -> dict[str, Any]:
    params: dict[str, Any] = {
        "concepts": concepts,
        "system": _system(ctx.text),
        "ruled_out_not_met": not ctx.exclusion,
    }
    window = ctx.window()
    if window is not None:
        params["window_days"] = window
    return params


def _most_specific(concepts: list[str], vocab: Vocabulary) -> list[str]:
    """An inclusion needs the patient to have all of it: "SLE with lupus nephritis" is
    lupus nephritis, which implies SLE; listing both would accept SLE alone."""
    implied = {i for c in concepts for i in vocab[c].attrs.get("implies", ())}
    return [c for c in concepts if c not in implied]


def _diagnosis(ctx: _Ctx) -> _Parsed | None:
    categories = (
        ("diagnosis", "procedure", "status") if ctx.exclusion else ("diagnosis", "procedure")
    )
    # Having had a kidney biopsy is never itself a condition to include or exclude on.
    concepts = [c for c in ctx.concepts(*categories) if c != "proc.kidney_biopsy"]
    if not concepts:
        return None
    if not ctx.exclusion:
        concepts = _most_specific(concepts, ctx.vocab)
    key = ctx.key(ctx.vocab[concepts[0]].key)
    return _Parsed("diagnosis", key, _diagnosis_params(concepts, ctx))


# ---------------------------------------------------------------- dispatch

def _kinds(ctx: _Ctx) -> _Parsed | None:
    """Vitals, serology, current pregnancy, dose limits, disease duration and onset age,
    lab ranges and diagnosis exceptions: read by matcher.criteria_kinds, which also names
    the spans each reading consumed. Imported here, not at the top: it reads this module's
    comparison and window grammar."""
    from matcher import criteria_kinds

    found = criteria_kinds.read(ctx.text, ctx.main, ctx.type, ctx.context)
    if found is None:
        return None
    return _Parsed(found.kind, ctx.key(found.key), found.params, found.manual_reason)


_Classifier = Callable[[_Ctx], "_Parsed | None"]

# Most specific first: the refractory item names drugs and proteinuria, the biopsy item
# names lupus nephritis, the neutrophil item names G-CSF; each must win over the
# generic drug / diagnosis / lab readings.
_CLASSIFIERS: tuple[_Classifier, ...] = (
    _venous,
    _hemodynamic,
    _manual_cues,
    _consent,
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
    from matcher.criteria_kinds import is_onset_age

    cue = _AGE_CUE.search(ctx.text) or _BARE_YEARS.search(ctx.text)
    if is_onset_age(ctx.text):
        return None  # "onset before age 16" dates the disease, not the patient's age now
    return _age(ctx) if cue is not None and cue.start() <= 40 else None


_NEGATED_START = re.compile(
    r"^(?:no|not|never|without|absence\s+of|free\s+of|has\s+not|have\s+not|had\s+not|"
    r"must\s+not|did\s+not|does\s+not\s+have|do\s+not\s+have|lack\s+of|none\s+of)\b",
    _I,
)


def _classify(
    raw: str, ctype: str, context: Sequence[str] = (), only: str | None = None
) -> tuple[str, _Parsed]:
    """(effective type, parsed). An inclusion that states an absence ("No prior
    belimumab within 6 months") is an exclusion of the thing named. `only` keeps the
    first reading of that kind."""
    if ctype == INCLUSION and _NEGATED_START.match(_normalise(raw).strip()):
        flipped = _classify_as(raw, EXCLUSION, context, only)
        if flipped.kind in ("diagnosis", "drug_exposure"):
            return EXCLUSION, flipped
    return ctype, _classify_as(raw, ctype, context, only)


def _classify_as(raw: str, ctype: str, context: Sequence[str], only: str | None) -> _Parsed:
    ctx = _context(raw, ctype, context)
    if not ctx.text.strip():
        return _manual("empty criterion text")
    candidates = [_age_first(ctx)] if only in (None, "age") else []
    for parsed in candidates + [classifier(ctx) for classifier in _CLASSIFIERS]:
        if parsed is not None and (only is None or parsed.kind == only):
            return parsed
    return _manual("no computable concept recognised", ctx.key("manual"))


def _classify_draft(draft: _Draft, text: str) -> tuple[str, _Parsed]:
    """A parent that collected its sub-items ("Diagnosis of SLE, with: a. ANA ≥ 1:80
    b. active nephritis") is the criterion its own words name; the sub-items refine the
    params where the same reading still applies."""
    if draft.head:
        ctype, head = _classify(_clean_text(draft.head), draft.section, draft.context)
        whole_type, whole = _classify(text, draft.section, draft.context)
        if whole.kind == "refractory":
            # "Refractory LN, defined as: a. failure of two agents ... b. proteinuria":
            # the definition, not the disease named in the heading, is the criterion.
            return whole_type, whole
        if head.kind != "manual":
            whole = _classify(text, draft.section, draft.context, only=head.kind)[1]
            return ctype, whole if whole.kind == head.kind else head
    return _classify(text, draft.section, draft.context)


# =====================================================================================
# Step 3: criteria with ids, structured limits, unique keys
# =====================================================================================


@dataclass(frozen=True)
class _Item:
    section: str
    type: str
    text: str
    parsed: _Parsed


def _clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(";,").strip()


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    for draft in _drafts(text or ""):
        clean = _clean_text(draft.text)
        try:
            ctype, parsed = _classify_draft(draft, clean)
        except Exception as exc:  # noqa: BLE001 - one odd item must not sink the trial
            # Nothing is dropped and nothing crashes: a person reads this one.
            ctype = draft.section
            parsed = _manual(f"could not be computed ({type(exc).__name__}); check by hand")
        items.append(_Item(draft.section, ctype, clean, parsed))
    return items


def _structured(
    items: list[_Item], min_age: float | None, max_age: float | None, sex: str | None
) -> list[_Item]:
    """The record's age limits and sex, where the text does not state them. Structured
    ages are whole years in practice; a "18 Months" limit is rounded inwards."""
    added: list[_Item] = []
    if (min_age is not None or max_age is not None) and not any(
        i.parsed.kind == "age" for i in items
    ):
        low = math.ceil(min_age - 1e-9) if min_age is not None else None
        high = math.floor(max_age + 1e-9) if max_age is not None else None
        text = f"Age {_age_text(low, high)} (registry age limits)"
        params = {"min_years": low, "max_years": high}
        added.append(_Item(INCLUSION, INCLUSION, text, _Parsed("age", "age", params)))
    wanted = (sex or "").strip().lower()
    if wanted in ("female", "male") and not any(i.parsed.kind == "sex" for i in items):
        text = f"Sex: {wanted} (registry sex restriction)"
        added.append(_Item(INCLUSION, INCLUSION, text, _Parsed("sex", "sex", {"sex": wanted})))
    return added + items


def _age_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high} years"
    return f"≥ {low} years" if low is not None else f"≤ {high} years"


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
        criteria.append(
            Criterion(
                id=f"{prefix}-{counters[item.section]}",
                key=key,
                type=item.type,
                text=item.text,
                kind=item.parsed.kind,
                params=dict(item.parsed.params),
                manual_reason=item.parsed.manual_reason,
            )
        )
    return criteria


# =====================================================================================
# Public API
# =====================================================================================


def parse_eligibility_text(text: str) -> list[Criterion]:
    """Criteria of an eligibility text, in registry order: "inc-1", ..., "exc-1", ..."""
    return _criteria(_items(text))


def parse_criteria(record: RegistryRecord) -> tuple[Criterion, ...]:
    """Criteria of a registry record: its text plus its structured age limits and sex."""
    items = _items(record.eligibility_text)
    items = _structured(items, record.min_age_years, record.max_age_years, record.sex)
    return tuple(_criteria(items))


def parse_criterion(
    text: str, criterion_type: str = INCLUSION, criterion_id: str | None = None
) -> Criterion:
    """One criterion sentence, classified on its own ("Hemoglobin < 70 g/L", exclusion)."""
    ctype, parsed = _classify(_clean_text(text), criterion_type)
    key = parsed.key
    if ctype == EXCLUSION and not key.startswith("x_"):
        key = f"x_{key}"
    prefix = "inc" if criterion_type == INCLUSION else "exc"
    return Criterion(
        id=criterion_id or f"{prefix}-1",
        key=key,
        type=ctype,
        text=_clean_text(text),
        kind=parsed.kind,
        params=dict(parsed.params),
        manual_reason=parsed.manual_reason,
    )


def trial_to_json(trial: Trial) -> dict[str, Any]:
    """`matcher trial show --format json`."""
    return {
        "trial_id": trial.trial_id,
        "title": trial.title,
        "min_age_years": trial.min_age_years,
        "max_age_years": trial.max_age_years,
        "sex": trial.sex,
        "source": trial.source,
        "criteria": [c.to_json() for c in trial.criteria],
    }


# ---------------------------------------------------------------- readable table


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _short(concept_id: str) -> str:
    vocab = load_vocabulary()
    return vocab[concept_id].key if concept_id in vocab else concept_id


def _threshold(params: dict[str, Any]) -> str:
    if "low" in params or "high" in params:
        return f"{_fmt(params.get('low'))} to {_fmt(params.get('high'))}"
    if "uln_multiple" in params:
        return f"{params['op']} {_fmt(params['uln_multiple'])}×ULN"
    if "value" in params:
        return f"{params['op']} {_fmt(params['value'])} {params.get('unit') or ''}".rstrip()
    return "?"


def _describe_lab(p: dict[str, Any]) -> str:
    rule = f"{'+'.join(_short(a) for a in p.get('analytes', []))} {_threshold(p)}"
    for exception in p.get("exceptions", []):
        then = exception.get("then") or _threshold({"op": p.get("op"), **exception})
        rule += f"; {_short(exception['if'])}: {then}"
    if p.get("csf_free_days"):
        rule += f"; no G-CSF {p['csf_free_days']} d"
    if p.get("below_manual"):
        rule += "; below: manual"
    return rule


def _window_text(days: int | None) -> str:
    return "ever" if days is None else f"{days} d"


_DESCRIBERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "age": lambda p: f"age {_fmt(p.get('min_years'))}..{_fmt(p.get('max_years'))} y",
    "sex": lambda p: str(p.get("sex")),
    "diagnosis": lambda p: (
        ", ".join(_short(c) for c in p.get("concepts", []))
        + (f" ({p['system']})" if p.get("system") else "")
    ),
    "biopsy": lambda p: (
        "class "
        + "/".join(p.get("classes", []))
        + (f" ±{'/'.join(p['allowed_with'])}" if p.get("allowed_with") else "")
        + f", {_window_text(p.get('window_days'))}"
    ),
    "score": lambda p: f"{_short(p.get('concept', ''))} {_threshold(p)}",
    "refractory": lambda p: (
        f"≥{p.get('min_agents')} of {len(p.get('agents', []))} agents, "
        f"{'>' if p.get('duration_strict') else '≥'}{p.get('min_duration_days')} d"
    ),
    "drug_exposure": lambda p: (
        ", ".join(_short(d) for d in p.get("drugs", [])) + f", {_window_text(p.get('window_days'))}"
    ),
    "lab": _describe_lab,
    "ana": lambda p: f"ANA ≥ 1:{p.get('min_titre')}",
}


def _describe(criterion: Criterion) -> str:
    describer = _DESCRIBERS.get(criterion.kind)
    if describer is not None:
        return describer(criterion.params)
    return criterion.manual_reason or ""


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_criteria_table(trial: Trial) -> str:
    """A readable listing for `matcher trial show`."""
    limits = f"age {_fmt(trial.min_age_years)}..{_fmt(trial.max_age_years)}"
    lines = [
        f"{trial.trial_id}  {trial.title}",
        f"{limits}, sex {trial.sex or 'not stated'}, {len(trial.criteria)} criteria"
        + (f", from {trial.source}" if trial.source else ""),
        "",
    ]
    rows = [("id", "type", "key", "kind", "rule", "text")]
    for c in trial.criteria:
        rows.append((c.id, c.type[:3], c.key, c.kind, _cut(_describe(c), 48), _cut(c.text, 60)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:5])]
        lines.append("  ".join([*cells, row[5]]).rstrip())
    return "\n".join(lines)
