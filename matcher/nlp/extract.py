"""Turns concept spans into Findings: values, units, reference ranges, dates.

Works on character offsets of the note text so that every Finding's span is
exact (note_text[start:end] is what a referrer sees highlighted).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from matcher.model import PATIENT_ASSERTIONS, Assertion, Finding
from matcher.nlp.allergy import DrugSpan, allergy_findings
from matcher.nlp.components import (
    CONCEPTS_KEY,
    SECTIONS_KEY,
    Sentences,
    doc_text,
    note_context,
)
from matcher.nlp.dates import (
    DateMention,
    DurationMention,
    find_dates,
    find_durations,
    infer_day_first,
    resolve_partial,
    window_to_days,
)
from matcher.nlp.units import (
    canonical_unit,
    convert_factor,
    fits_unit,
    guess_unit,
    parse_reference_range,
)
from matcher.nlp.vocab import Concept, Vocabulary, in_context, load_vocabulary, read_concepts

# ------------------------------------------------------------------ value grammar
# "4,500" (thousands grouping), "11,4" (a decimal comma: see _comma_readings), "3.1".
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d|\.\d)|\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?|\.\d+"
# Between a lab name and its value: "Hb: 98", "ALT = 85", "ALC was 0.8", "Hb of 9.8",
# "neutrophils (abs) 3.1", "ANC now 0.9", "WBC count 4.6", "B cells are still 0 %"
_LEAD = (
    # "Neutrophils, Absolute   3.1", "Protein/Creatinine Ratio, Urine  0.32" (EHR tables)
    r"(?:\s*,\s*(?:absolute|abs|total|urine|urinary|serum|plasma|blood|random|spot|direct|"
    r"automated|auto|manual|calculated|count)\b)?"
    r"(?:\s*(?:\((?:abs\.?|absolute|total|#|serum|blood|bedside\s+schwartz|schwartz|"
    r"calc(?:ulated)?|direct|s|{eq})\)|count|level|levels|value|result|total|abs(?:olute)?|"
    # The equation an eGFR was estimated with: "eGFR (CKD-EPI) 45", "eGFR by CKD EPI 62",
    # "eGFR MDRD 58", "eGFR using the bedside Schwartz formula: 71"
    r"\b(?:(?:by|per|using)\s+(?:the\s+)?)?(?:{eq})(?:\s+(?:equation|formula))?(?![\w-])|"
    r"#|\bis\b|\bwas\b|\bare\b|\bwere\b|\bstill\b|\bof\b|\bnow\b|\btoday\b|\bat\b|\bremains\b|\bremained\b|\bdown\s+to\b|"
    r"\bup\s+to\b|\bdropped\s+to\b|\bfell\s+to\b|\brose\s+to\b|\bincreased\s+to\b|"
    r"\bdecreased\s+to\b|\bmeasured\b|\bscore\b|[:=~)]|(?<=\s)[-–](?=\s)|\bratio\b|"
    # "Proteinuria on 24-h collection: 620 mg/day"
    r"\bon\s+(?:a\s+)?24[-\s]?h(?:rs?|ours?)?\s+(?:urine\s+)?collection\b|"
    # "lymphocyte count has recovered to 1.3", "B cells remain suppressed at 0.01 x10^9/L"
    r"\b(?:has\s+|have\s+)?(?:recovered|risen|fallen|improved|normali[sz]ed|returned|"
    r"climbed|come\s+down|gone\s+up|gone\s+down|crept\s+up)\s+to\b|"
    r"\b(?:remains?|remained|stays?|stayed)\s+[a-z]+\s+at\b|"
    # an EHR table's cell border: "| Lymphocytes | 0.74 | 10*9/L |"
    r"\|)\s*)*"
).replace("{eq}", r"ckd[-\s]?epi(?:[-\s]?20(?:09|21))?|mdrd|cockcroft[-\s]+(?:and\s+|&\s*)?gault|"
          r"(?:bedside\s+)?schwartz")
_VALUE_RE = re.compile(
    rf"^{_LEAD}(?P<cmp>[<>≤≥]=?|=<|=>)?\s*(?P<num>{_NUMBER})(?!\d|\.\d|,\d)(?!\s*[:/]\s*\d)", re.I
)
_FLAG_RE = re.compile(r"^\s*(?:\(?\b(?P<flag>H|L|HH|LL|high|low|abnormal)\b\)?|\*+)", re.I)
_REF_RE = re.compile(
    r"^\s*(?:[\(\[](?P<inner>[^()\[\]\n]{1,40})[\)\]]|(?P<bare>(?:ref(?:erence)?"
    r"|normal|N|RR|range)\s*[:=]?\s*[<≤>≥]?\s*\d[\d.,\s\-–]*))",
    re.I,
)
# Up to four words: "mg per 24 h", "grams per day".
_UNIT_CHUNK = re.compile(r"^[\s|]*(?P<u>[^\s;,()\[\]|]+(?:\s+[^\s;,()\[\]|]+){0,3})")
_SHARED_UNIT_RE = re.compile(r"\((?:all|both|each)\s+(?:in\s+)?(?P<u>[^)]+)\)", re.I)

# "1:640", "1/640", "1 in 320"
_TITRE_RE = re.compile(r"\b1\s*(?::|/|\bin\b)\s*(?P<t>\d{1,2},\d{3}|\d{2,5})\b")
# "SLEDAI-2K 18/105", "ECOG=2": a score may be written over its maximum.
_SCORE_RE = re.compile(
    rf"^{_LEAD}(?P<cmp>[<>≤≥]=?)?\s*(?P<num>\d{{1,3}}(?:\.\d)?)(?!\d|\.\d)"
    r"(?:\s*/\s*(?P<of>\d{1,3})(?!\d|\.\d))?(?!\s*[:]\s*\d)",
    re.I,
)
# Fixed-width printouts: "HGB  98  L  g/L  115-155" — a bare range after the unit.
_BARE_RANGE = re.compile(r"^\s*(?P<lo>\d+(?:\.\d+)?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?)(?!\d|\.\d)")
# "AST/ALT 45/60 U/L", "ANC/ALC 800/450 per µL"
_PAIR_VALUES = re.compile(
    r"^\s*[:=]?\s*(?:(?:is|was|of)\s+)?(?P<a>\d+(?:\.\d+)?)\s*/\s*(?P<b>\d+(?:\.\d+)?)(?!\d|\.\d)"
)
_COMPARED = re.compile(
    r"\b(?:below|above|under|over|less\s+than|more\s+than|greater\s+than|"
    r"exceed\w*|than|threshold|cut-?off|criterion)\b[^,;]*$",
    re.I,
)
_CD19_COUNT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:cells\s*)?/\s*(?:uL|µL|μL|mcL|mm3|mm³|cmm)\b", re.I
)
_CD19_GIGA_COUNT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:[x×*]\s*10\s*(?:\^|\*)?\s*9|G)\s*/\s*L\b", re.I
)
_POSITIVE_RE = re.compile(r"\b(positive|pos|detected|present|reactive)\b|\+(?!\w)", re.I)
_NEGATIVE_RE = re.compile(
    r"\b(negative|neg|not detected|undetectable|non-?detectable|absent|depleted|nil|none)\b",
    re.I,
)

# ---------------------------------------------------------------- biopsy grammar
_ROMAN = {
    "I": "I",
    "II": "II",
    "III": "III",
    "IV": "IV",
    "V": "V",
    "VI": "VI",
    "1": "I",
    "2": "II",
    "3": "III",
    "4": "IV",
    "5": "V",
    "6": "VI",
}
_CLASS_TOKEN = r"(?:VI|IV|V|III|II|I|[1-6])(?![\w])"
_CLASS_RE = re.compile(
    # "cl IV-G", "clas IV", "cl. III": typed short forms, with a roman numeral only ("Cl 104"
    # is chloride)
    r"(?:\bclass(?:es)?\s*|\bcl(?:as)?\.?\s*(?=(?:VI|IV|V|III|II|I)(?![\w]))|"
    rf"(?:\b(?:ISN\s*/\s*RPS|ISN-RPS|WHO|lupus\s+nephritis|LN)\s*"
    rf"(?:,\s*)?(?:type\s*)?))(?P<c1>{_CLASS_TOKEN})"
    r"(?:\s*-?\s*(?:[SG]\b|\((?:[AC]|A/C)\)|[AC]\b|\s*\((?:[SG])\)))*"
    rf"(?P<more>(?:\s*(?:\+|/|&|,|and|with|plus|\bor\b)\s*(?:class\s*)?{_CLASS_TOKEN}"
    r"(?:\s*-?\s*(?:[SG]\b|\((?:[AC]|A/C)\)|[AC]\b))*)*)",
    re.I,
)
_CLASS_IN_MORE = re.compile(
    rf"(?:\+|/|&|,|and|with|plus|\bor\b)\s*(?:class\s*)?({_CLASS_TOKEN})", re.I
)
_DESCRIPTIVE_CLASSES = (
    (re.compile(r"\bminimal\s+mesangial\b", re.I), ("I",)),
    (re.compile(r"\bmesangial\s+(?:proliferative|lupus\s+nephritis|LN)\b", re.I), ("II",)),
    (
        re.compile(r"\bfocal\s+(?:segmental\s+)?(?:proliferative|lupus\s+nephritis|LN\b)", re.I),
        ("III",),
    ),
    (
        re.compile(
            r"\bdiffuse\s+(?:segmental\s+|global\s+)?(?:proliferative|lupus\s+nephritis|LN\b)", re.I
        ),
        ("IV",),
    ),
    (re.compile(r"\bmembranous\s+(?:lupus\s+nephritis|LN\b|lupus)", re.I), ("V",)),
    (re.compile(r"\badvanced\s+sclerosing\b", re.I), ("VI",)),
)

# ------------------------------------------------------------------- age grammar
_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_AGE_WORDS = {word: number for number, word in enumerate(_NUMBER_WORDS)}
# Each pattern opens with a look-ahead on its first character (the number words start
# with z o t f s e n): the engine then rejects most positions of the note at once
# instead of trying every alternative there. The matches are the same.
_AGE_RES = (
    re.compile(
        rf"(?=[zotfsen])\b(?P<w>{'|'.join(_AGE_WORDS)})[\s-]+(?:years?|yrs?)[\s-]+old\b", re.I
    ),
    re.compile(r"(?=\d)\b(?P<n>\d{1,2})\s*(?:-|\s)?\s*(?:years?|yrs?|y)\s*(?:-|\s)?\s*old\b", re.I),
    re.compile(
        r"(?=\d)\b(?P<n>\d{1,2})\s*(?:yo|y/o|y\.o\.?|yr|yrs|y)(?=[\s,.;:)]|$)"
        r"(?!\s*(?:ago|of|on|since|duration|history))",
        re.I,
    ),
    re.compile(r"(?=a)\b(?:aged?|age:)\s*:?\s*(?P<n>\d{1,2})\b(?!\s*(?:months?|mo|weeks?))", re.I),
)
_DOB_RE = re.compile(
    r"(?=[db])\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?|birth\s*date)\s*[:\-]?\s*", re.I
)

_DRUG_STOP = re.compile(
    r"\b(stopped|discontinued|ceased|held|until|till|to|completed|off|"
    r"withdrawn|tapered\s+off|finished)\b",
    re.I,
)
_REGIMEN = re.compile(
    r"\b(?:x\s?(?P<n>\d{1,2})(?:\s*doses)?|(?P<n2>\d{1,2})\s*doses|"
    r"q\s?\d+\s?(?:w|wk|weeks|d|days|h)|monthly|weekly|fortnightly|daily|"
    r"bid|tds|tid|od|induction|maintenance|pulses?)\b",
    re.I,
)
_SINGLE_DOSE = re.compile(r"\b(given|received|administered|infusion|injection|dose)\b", re.I)
_ONGOING = re.compile(
    r"\b(since|for\s+(?:the\s+)?(?:past|last)?|currently|continue[sd]?|"
    r"ongoing|maintenance|daily|weekly|monthly)\b",
    re.I,
)
_AT_DIAGNOSIS = re.compile(
    r"^\W{0,3}(?:at|on)\s+(?:diagnosis|presentation|onset|baseline|"
    r"initial\s+presentation|first\s+presentation)\b|^\W{0,3}initially\b",
    re.I,
)
_LAB_LIKE = frozenset({"lab", "score"})
_ITEM_BREAK = re.compile(r"[;\n]|,\s+(?=[A-Za-z])")


@dataclass
class _Context:
    doc: Doc
    text: str
    note_id: str
    note_date: dt.date
    dates: list[DateMention]
    date_starts: list[int]
    # (label-line intervals, heading-block intervals), each sorted and non-overlapping
    heading_dates: tuple[list[tuple[int, int, dt.date]], list[tuple[int, int, dt.date]]]
    vocabulary: Vocabulary
    lab_starts: list[int]
    drug_spans: list[Span]
    drug_starts: list[int]
    sentences: Sentences
    is_report: bool | None = None
    decimal_comma: bool = False  # the note prints decimals with a comma ("Hb 11,4 g/dL")
    si_units: bool = False  # the note prints umol/L, mmol/L or mg/mmol
    # start offset → concept ids of the lab and score names starting there
    lab_names: dict[int, set[str]] = dataclasses.field(default_factory=dict)


@Language.factory("finding_extractor")
def make_finding_extractor(nlp: Language, name: str) -> FindingExtractor:
    return FindingExtractor()


class FindingExtractor:
    """Reads values, units, ranges and dates around each concept span."""

    def __init__(self) -> None:
        self.vocabulary = load_vocabulary()

    # The vocabulary travels with the saved pipeline: models/<name>/finding_extractor/
    # holds the concepts.jsonl the model was built with.
    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        lines = [
            json.dumps(_concept_record(c), ensure_ascii=False)
            for c in self.vocabulary.concepts.values()
        ]
        (path / "concepts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> FindingExtractor:
        source = Path(path) / "concepts.jsonl"
        self.vocabulary = Vocabulary(read_concepts(source.read_text(encoding="utf-8"), str(source)))
        return self

    def __call__(self, doc: Doc) -> Doc:
        note_date: dt.date = doc._.note_date or dt.date.today()
        text = doc_text(doc)
        carried = note_context(doc)
        if carried is None:
            day_first = infer_day_first(text)
            dates = [d for d in find_dates(text, note_date, day_first=day_first)]
        else:  # a piece of a long note: the whole note's convention, never the piece's own
            dates = find_dates(text, note_date, day_first=carried.day_first, infer=False)
        concepts = list(doc.spans.get(CONCEPTS_KEY, []))
        # A mention its context filters rule out ("% of lymphocytes", "CSF WBC") names no
        # lab here, so it does not end the item of the lab before it either.
        concepts = [s for s in concepts if _in_context(text, s, self.vocabulary[s.label_])]
        ctx = _Context(
            doc=doc,
            text=text,
            note_id=doc._.note_id or "",
            note_date=note_date,
            dates=dates,
            date_starts=[d.start for d in dates],
            heading_dates=_heading_dates(doc, text, dates),
            vocabulary=self.vocabulary,
            lab_starts=sorted(
                s.start_char for s in concepts if self.vocabulary[s.label_].category in _LAB_LIKE
            ),
            drug_spans=(
                drug_spans := sorted(
                    (
                        s
                        for s in concepts
                        if self.vocabulary[s.label_].category in ("drug", "drug_class")
                    ),
                    key=lambda s: s.start_char,
                )
            ),
            drug_starts=[s.start_char for s in drug_spans],
            sentences=Sentences(doc),
            decimal_comma=_uses_decimal_commas(text),
            si_units=_SI_UNIT.search(text) is not None,
        )
        for span in concepts:
            if self.vocabulary[span.label_].category in _LAB_LIKE:
                ctx.lab_names.setdefault(span.start_char, set()).add(span.label_)
        findings, handled = _paired_labs(ctx, concepts)
        for span in concepts:
            if span.start_char in handled:
                continue
            concept = self.vocabulary[span.label_]
            findings.extend(_extract(ctx, span, concept))
        biopsies = _denials_beside_a_class(list(_biopsies(ctx, concepts)))
        findings.extend(_report_diagnosis_decides(ctx, biopsies))
        findings.extend(_ages(ctx))
        findings.extend(_allergies(ctx))
        doc._.findings = _date_from_onset(findings)
        return doc


# The disease whose onset "all along" points to: lupus and its kidney involvement.
_ONSET_CONCEPTS = frozenset({"dx.sle", "dx.lupus_nephritis"})


def _date_from_onset(findings: list[Finding]) -> list[Finding]:
    """A drug given "all along" or "throughout" started when the disease began: the
    earliest dated diagnosis of lupus written in the note ("SLE diagnosed 04/2021 ...
    low-dose prednisolone all along" starts prednisolone in April 2021). With no such date
    the drug keeps its note's date."""
    onsets = [
        f.date
        for f in findings
        if f.concept in _ONSET_CONCEPTS
        and f.date_source == "text"
        and f.date is not None
        and f.assertion in PATIENT_ASSERTIONS
    ]
    if not onsets:
        return findings
    onset = min(onsets)
    result = []
    for finding in findings:
        attrs = finding.attrs
        if attrs.get("since_onset") and attrs.get("start_date") is None:
            attrs = {**attrs, "start_date": onset}
            finding = dataclasses.replace(finding, date=onset, date_source="text", attrs=attrs)
        result.append(finding)
    return result


def _in_context(text: str, span: Span, concept: Concept) -> bool:
    """Vocabulary context filters: "Cervical LN 1.5 cm" is a lymph node, "Dr Gilbert" a
    person, "MP joint" a knuckle, "lupus anticoagulant" a lab test, "muscle biopsy" not
    the kidney's (matcher.nlp.vocab.in_context, which the criteria reader applies too)."""
    return in_context(text, span.start_char, span.end_char, concept)


def _concept_record(concept: Concept) -> dict:
    record = {
        "id": concept.id,
        "category": concept.category,
        "label": concept.label,
        "code": concept.code,
        "terms": list(concept.terms),
        "abbreviations": list(concept.abbreviations),
        "key": concept.key,
    }
    if concept.attrs:
        record["attrs"] = concept.attrs
    return record


# ------------------------------------------------------------------------ helpers
def _heading_dates(
    doc: Doc, text: str, dates: list[DateMention]
) -> tuple[list[tuple[int, int, dt.date]], list[tuple[int, int, dt.date]]]:
    """Dates that govern other text, as (start, end, date) intervals, first match wins.

    A heading that is only a label and a date ("LAB RESULTS 24/10/2026", "Bloods
    24/10/2026:", "Collected: 15-Nov-2026") dates the lines below it, until the next
    such heading, a section heading or a blank line. A label that opens a line with
    content after it ("14.03.2026: creatinine 52", "Labs (copied forward from
    07/15/2026 visit): WBC 6.1 ...") dates the rest of that line only: "Renal biopsy
    (Feb 10, 2024): class IV" says nothing of the lines after it.
    """
    section_starts = {s.start_char for s in doc.spans.get(SECTIONS_KEY, [])}
    blocks: list[tuple[int, int, dt.date]] = []
    lines: list[tuple[int, int, dt.date]] = []
    open_date: tuple[int, dt.date] | None = None
    # An open copied block (a header with a copy cue) and its lines' indent or quote mark
    # ("> ", "    "), read from its first line: None until then, "" when they have none.
    copying = False
    prefix: str | None = None
    index = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        line_end = offset + len(line)
        body_start = offset + len(line) - len(line.lstrip())
        while index < len(dates) and dates[index].start < offset:
            index += 1
        first = dates[index] if index < len(dates) and dates[index].start < line_end else None
        # Copied text keeps its own headings ("Diagnosis:" in a pasted discharge summary):
        # they do not end the copied block, a blank line or its end marker does.
        heading = body_start in section_starts and not (open_date is not None and copying)
        closes = bool(not line.strip() or heading or _BLOCK_END.match(line))
        if open_date is not None and copying and not closes:
            closes = _leaves_copied_block(line, prefix)
        role = _date_role(text, body_start, line_end, first) if first and first.date else None
        if first is not None and first.date and _copy_header(text, first.end, line_end):
            role = "copied"
        if (closes or role in ("heading", "copied")) and open_date is not None:
            blocks.append((open_date[0], offset, open_date[1]))
            open_date = None
        if open_date is not None and copying and prefix is None:
            prefix = _LINE_PREFIX.match(line).group(0)
        if role in ("heading", "copied"):
            open_date = (first.start, first.date)
            copying, prefix = role == "copied", None
        elif role == "label":
            end = _continued_end(text, line_end)
            if not _SAMPLE_DATE_BEFORE.search(text, max(body_start, first.start - 30), first.start):
                end = min(end, _label_sentence_end(text, first.end))
            lines.append((first.start, end, first.date))
        offset = line_end
    if open_date is not None:
        blocks.append((open_date[0], len(text), open_date[1]))
    # A line's own label is more specific than the block heading above it.
    return lines, blocks


# "=== Copied from clinic letter 19/05/2026 ===", "[Previous note 2026-02-03 -
# auto-populated]", "Results carried forward from 12 Aug 2026:", "I reproduce the results
# from her last admission (June 2026):": a header over text from an earlier date.
_COPY_CUE = re.compile(
    r"\b(?:cop(?:ied|y)(?:[-\s]forward(?:ed)?)?|carried\s+(?:forward|over)|carry[-\s]forward|"
    r"reproduc\w*|auto-?populated|pasted|appended|imported|pulled\s+(?:in|forward)|"
    r"for\s+reference|previous\s+(?:note|letter|discharge|summary|admission|results?|"
    r"opd|clinic|visit|labs?)|last\s+(?:admission|visit|clinic|letter))\b",
    re.I,
)
# What may follow the header's date: words and decoration, no value ("=== ", ") appended
# ***", ") reproduced below:"); "copied labs 08/2026: Hb 98" is a label line instead.
_COPY_HEADER_TAIL = re.compile(r"[^\d\n]{0,60}$")
# The end of a block: "=== End of copied text ===", "[/Previous note]", "---- end ----",
# "*** end of appended summary ***", or a bare rule ("----", "~~~~~~").
_BLOCK_END = re.compile(
    r"[ \t]*(?:[=\-*#<>\[\]_~ ]*(?:/|end\b)[^\n]{0,60}|[=\-*#_~]{3,}[ \t]*)\r?\n?$", re.I
)
_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]*)?")
# A line that speaks of now again: "Today: Hb 11.8", "Since discharge ...", "Current review".
_NOW_AGAIN = re.compile(
    r"[ \t]*(?:today|now|currently|current|this\s+(?:visit|review|admission|clinic)|"
    r"since|interval|at\s+this\s+visit)\b",
    re.I,
)


def _copy_header(text: str, date_end: int, line_end: int) -> bool:
    """A line that announces copied-forward text with its date and holds no value after
    that date ("Past results (copied 2026-01-05): UPCR 4.2" is a label line instead)."""
    line_start = text.rfind("\n", 0, date_end) + 1
    if _COPY_CUE.search(text, line_start, line_end) is None:
        return False
    return bool(_COPY_HEADER_TAIL.match(text[date_end:line_end]))


def _leaves_copied_block(line: str, prefix: str | None) -> bool:
    """A copied block ends where a line speaks of now again, or where its lines stop
    carrying the indent or quote mark its first line had."""
    if _NOW_AGAIN.match(line):
        return True
    return bool(prefix) and not line.startswith(prefix)


# A full stop that ends a sentence: ". " before a capital or a digit; not a decimal point
# ("Hb 9.8"), nor the last dot of a dotted abbreviation ("filgrastim s.c. Day 3").
_SENTENCE_STOP = re.compile(r"(?<![A-Za-z]\.[A-Za-z])[.!?]\s+(?=[A-Z0-9])")


def _label_sentence_end(text: str, position: int) -> int:
    """Where the sentence a label opens ends: "Renal biopsy 14/02/2026: class IV-G. Hb 98
    g/L." dates the biopsy only; Hb, the next sentence, is the note's own."""
    line_end = text.find("\n", position)
    line_end = len(text) if line_end == -1 else line_end
    stop = _SENTENCE_STOP.search(text, position, line_end)
    return stop.end() if stop else len(text)


def _last_char(text: str, end: int) -> str:
    """The last non-blank character before `end`, looking back a short way only."""
    position = end - 1
    while position >= 0 and text[position] in " \t\r\n" and end - position < 200:
        position -= 1
    return text[position] if position >= 0 else ""


def _continued_end(text: str, line_end: int) -> int:
    """A labelled list that wraps ("...Hgb 11.8, Plt 250,\nALT 19, AST 22") goes on while
    each line ends with a comma or semicolon."""
    end = line_end
    while end < len(text) and _last_char(text, end) in (",", ";"):
        following = text.find("\n", end)
        following = len(text) if following == -1 else following + 1
        if not text[end:following].strip():
            break
        end = following
    return end


_LABEL_BEFORE_DATE = re.compile(r"^[A-Za-z /&().,#:\-]{0,40}$")
# A report header that names the sample may run longer: "Lymphocyte subsets (flow
# cytometry, EDTA, collected 14/09/2026):". Its date is the sample's, so it dates every
# result on the line, not only the sentence the header opens.
_LONG_LABEL_BEFORE_DATE = re.compile(r"^[A-Za-z /&().,#:\-]{0,80}$")
_SAMPLE_DATE_BEFORE = re.compile(
    r"\b(?:collected|drawn|taken|sampled|collection\s+date|date\s+of\s+collection|"
    r"sample\s+date|specimen\s+date)\b[^\d\n]{0,6}$",
    re.I,
)
# "Lab Results (collected 07/30/2026 10:05)": a clock time may follow the date.
_NOTHING_AFTER = re.compile(
    r"^\s*(?:(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*h(?:rs)?)?)?"
    r"\s*\)?\s*[:\-–—]?\s*$",
    re.I,
)
_COLON_AFTER = re.compile(r"^[^\d:;.]{0,30}?\)?\s*:")


def _date_role(text: str, body_start: int, line_end: int, mention: DateMention) -> str | None:
    """'heading' when the line is only a label and this date, 'label' when the label and
    date end in a colon and content follows on the line, else None."""
    before = text[body_start : mention.start]
    if not _LABEL_BEFORE_DATE.match(before) and not (
        _LONG_LABEL_BEFORE_DATE.match(before) and _SAMPLE_DATE_BEFORE.search(before)
    ):
        return None
    after = text[mention.end : line_end]
    if _NOTHING_AFTER.match(after):
        return "heading"
    if _COLON_AFTER.match(after) or before.rstrip().endswith(":"):
        return "label"
    return None


def _sentence_bounds(ctx: _Context, span: Span) -> tuple[int, int]:
    """(start char, end char) of span.sent, from the doc's sentence table."""
    _start, _end, lo, hi = ctx.sentences.of(span.start)
    return lo, hi


def _finding(
    ctx: _Context, concept: Concept, start: int, end: int, assertion: str, **fields
) -> Finding:
    return Finding(
        concept=concept.id,
        category=concept.category,
        note_id=ctx.note_id,
        start=start,
        end=end,
        text=ctx.text[start:end],
        assertion=Assertion(assertion),
        code=concept.code,
        **fields,
    )


def _date_near(ctx: _Context, start: int, end: int, lo: int, hi: int) -> DateMention | None:
    """The date written with a mention: inside the same sentence, the closest one
    after it, else the closest before it ("Renal biopsy (Feb 10, 2024): class IV")."""
    i = bisect.bisect_left(ctx.date_starts, lo)
    candidates = []
    while i < len(ctx.dates) and ctx.dates[i].start < hi:
        mention = ctx.dates[i]
        if mention.end <= hi and (mention.date is not None or mention.ambiguous):
            candidates.append(mention)
        i += 1
    if not candidates:
        return None
    if len(candidates) > 1:
        # "collected 05/04/2026, reported 09/04/2026: CD19 12 %": the result is the
        # sample's; the dates of reporting, receipt or sign-out only date the paper.
        events = [m for m in candidates if not _reporting_step(ctx.text, m.start)]
        candidates = events or candidates
    after = [m for m in candidates if m.start >= end]
    before = [m for m in candidates if m.end <= start]
    if after:
        return min(after, key=lambda m: m.start - end)
    if before:
        return min(before, key=lambda m: start - m.end)
    return None


# What a lab or pathology service does after the sample is taken: a date these words
# label dates the paper, not the sample or the procedure.
_REPORT_STEP_BEFORE = re.compile(
    r"\b(?:reported|report\s+date|date\s+reported|received|receipt|signed(?:\s+out)?|"
    r"sign-?out|verified|authori[sz]ed|validated|printed|issued|typed|dictated|transcribed|"
    r"resulted|reviewed(?:\s+here)?|re-?reviewed|seen\s+here)\b[^\d\n]{0,12}$",
    re.I,
)
# Words that label the event itself: "Date of procedure:", "Collected:", "Date of biopsy".
_EVENT_DATE_BEFORE = re.compile(
    r"\b(?:date\s+of\s+(?:procedure|biopsy|collection|sampling|specimen|sample)|"
    r"(?:procedure|biopsy|collection|specimen|sample|sampling)\s+date|"
    r"(?:specimen\s+|sample\s+|date\s+)?(?:collected|obtained|taken|sampled)|"
    r"date\s+performed|performed)\b[^\d\n]{0,6}$",
    re.I,
)


def _reporting_step(text: str, position: int) -> bool:
    """Is the date at `position` labelled as a reporting step ("reported 09/04/2026")?"""
    return bool(_REPORT_STEP_BEFORE.search(text, max(0, position - 30), position))


def _report_event_date(ctx: _Context, position: int) -> dt.date | None:
    """The date a report's header gives the procedure or the sample ("Date of procedure:
    2026-04-02", "Collected: 03/09/2026"): the last one before `position` in the same
    block of lines (no blank line between), or None."""
    block_start = ctx.text.rfind("\n\n", 0, position)
    first = bisect.bisect_left(ctx.date_starts, max(block_start, 0))
    last = bisect.bisect_left(ctx.date_starts, position)
    for mention in reversed(ctx.dates[first:last]):
        if mention.date is not None and _EVENT_DATE_BEFORE.search(
            ctx.text, max(0, mention.start - 30), mention.start
        ):
            return mention.date
    return None


def _context_date(ctx: _Context, position: int) -> tuple[dt.date, str]:
    """The date governing a position: its line's label, else its heading block, else the
    note's own date. Intervals are sorted, so each lookup is a bisection."""
    for intervals in ctx.heading_dates:
        at = bisect.bisect_right(intervals, (position, float("inf"))) - 1
        if at >= 0 and intervals[at][0] <= position < intervals[at][1]:
            return intervals[at][2], "heading"
    return ctx.note_date, "note"


_VALUE_STOP = re.compile(r"[;\n]")


def _item_end(ctx: _Context, span_end: int, sentence_end: int) -> int:
    """Where this mention's value can end: the next lab name, ';', or the line end.

    "PT 11.4 s (11-13.5); Hgb 11.7" — PT's value must not run into Hb's.
    """
    i = bisect.bisect_right(ctx.lab_starts, span_end)
    next_lab = ctx.lab_starts[i] if i < len(ctx.lab_starts) else len(ctx.text)
    match = _VALUE_STOP.search(ctx.text, span_end, sentence_end)
    stop = match.start() if match else sentence_end
    return min(next_lab, stop, sentence_end)


# ------------------------------------------------------------------- dispatch
def _extract(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    category = concept.category
    if category == "lab":
        if concept.id == "lab.ana":
            return _ana(ctx, span, concept)
        if concept.id == "lab.cd19":
            return _cd19(ctx, span, concept)
        if concept.attrs.get("autoantibody"):
            return _autoantibody(ctx, span, concept)
        if concept.attrs.get("serology"):
            return _serology(ctx, span, concept)
        if concept.attrs.get("pair"):
            return _pressure(ctx, span, concept)
        return _lab(ctx, span, concept)
    if category == "score":
        return _score(ctx, span, concept)
    if category in ("drug", "drug_class"):
        return _drug(ctx, span, concept)
    if concept.attrs.get("state"):
        return _state(ctx, span, concept)
    if category == "diagnosis" and _untested_screen(ctx, span):
        return ()
    if category in ("diagnosis", "procedure", "status"):
        found = list(_mention(ctx, span, concept))
        if concept.attrs.get("marker_words"):
            found += _marker_after_infection(ctx, span, concept)
        return found
    return ()


_SCREEN_AFTER = re.compile(r"\s*(?:screen(?:ing|ed)?|test(?:ing|ed|s)?|serology)\b", re.I)


def _untested_screen(ctx: _Context, span: Span) -> bool:
    """ "TB screening done", "cervical cancer screening up to date": a condition named for
    its screen is a fact only with the screen's result ("TB screen (IGRA) negative")."""
    screen = _SCREEN_AFTER.match(ctx.text, span.end_char)
    if screen is None:
        return False
    _lo, hi = _sentence_bounds(ctx, span)
    result = ctx.text[screen.end() : _item_end(ctx, screen.end(), hi)][:40]
    return not (_SERO_NEGATIVE.search(result) or _SERO_POSITIVE.search(result))


def _mention(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(ctx, span)
    mention = _date_near(ctx, span.start_char, span.end_char, lo, hi)
    if mention is not None and mention.date is not None:
        date, source = mention.date, "text"
    else:
        date, source = _context_date(ctx, span.start_char)
    attrs: dict = {}
    if concept.category == "diagnosis":
        attrs = _diagnosis_timing(ctx.text[lo:hi], source)
    assertion = span._.assertion
    if concept.category == "procedure" and source == "text" and date > ctx.note_date:
        # "Leukapheresis scheduled for 2026-12-01" in a note of 20 Nov: not done yet.
        assertion = "hypothetical" if assertion in ("affirmed", "historical") else assertion
    yield _finding(
        ctx,
        concept,
        span.start_char,
        span.end_char,
        assertion,
        date=date,
        date_source=source,
        attrs=attrs,
    )


def _read_value(ctx: _Context, span: Span) -> tuple[re.Match[str], int] | None:
    lo, hi = _sentence_bounds(ctx, span)
    limit = _item_end(ctx, span.end_char, hi)
    window = ctx.text[span.end_char : limit]
    match = _VALUE_RE.match(window)
    if match is None:
        return None
    return match, limit


def _value_date(ctx: _Context, span: Span, value_end: int) -> tuple[dt.date, str]:
    """A lab value's date: a date in its own item ("Hb 98 on 12/03/2026"), else the
    block heading's date, else the note's date."""
    lo, hi = _sentence_bounds(ctx, span)
    item_end = _item_end(ctx, span.end_char, hi)
    # The item runs from the previous ';' or line break: "2 weeks ago ALT was 60 U/L".
    breaks = [ctx.text.rfind(ch, lo, span.start_char) for ch in ";\n"]
    item_start = max([lo] + [b + 1 for b in breaks if b != -1])
    earlier = _EARLIER_CUE.search(ctx.text, value_end, item_end)
    if earlier is not None:
        # "UPCR 0.6 mg/mg, down from 2.1 in March": March dates the 2.1, not the 0.6.
        item_end = earlier.start()
    lead = [m for m in _dates_between(ctx, span.end_char, value_end) if m.end < value_end]
    if lead and _VALUE_AFTER_DATE.match(ctx.text, lead[-1].end, value_end):
        # "ANC today 2.4", "SLEDAI-2K on 4 March: 10": a date between the name and the
        # value is the value's own.
        return lead[-1].date, "text"
    mention = _date_near(ctx, span.start_char, value_end, item_start, item_end)
    if mention is not None and mention.date is not None:
        return mention.date, "text"
    return _context_date(ctx, span.start_char)


_VALUE_AFTER_DATE = re.compile(r"[\s:=\-–]*(?:(?:is|was|of|at)\s+)?[<>≤≥]?=?\s*\d", re.I)


# An earlier value printed after the current one: "(previously 3.1 g/g in April)",
# "down from 2.1 in March", "vs 92 g/L in August".
_EARLIER_CUE = re.compile(
    r"\b(?:previously|previous|prior|earlier|down\s+from|up\s+from|fell\s+from|rose\s+from|"
    r"from|was|vs\.?|versus|compared\s+(?:to|with))\s*[:=]?\s*"
    rf"(?P<num>{_NUMBER})(?!\d|\.\d|,\d)",
    re.I,
)


# "WBC 25-30 /hpf": a count per microscope field is urine (or CSF) microscopy.
_PER_FIELD = re.compile(
    r"\s*(?:[-–]\s*\d+(?:\.\d+)?\s*)?(?:/|per\s+)\s*(?:hpf|lpf|high[-\s]power\s+field)",
    re.I,
)


def _part_of_a_count(ctx: _Context, span: Span, concept: Concept) -> bool:
    """ "ANC 2.7 K/uL (segs 2.1, bands 0.6)": a mention of the same analyte inside the
    parenthesis that follows its value is a part of that count, not the count."""
    open_at = ctx.text.rfind("(", max(0, span.start_char - 60), span.start_char)
    if open_at == -1 or ")" in ctx.text[open_at : span.start_char]:
        return False
    lead = ctx.text[max(0, open_at - 60) : open_at]
    names = [m for m in re.finditer(r"[^\W\d_][\w#]*", lead)]
    for name in reversed(names):
        position = max(0, open_at - 60) + name.start()
        if position in ctx.lab_names:
            return concept.id in ctx.lab_names[position] and bool(
                re.search(r"\d", ctx.text[position:open_at])
            )
    return False


def _lab(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    read = _read_value(ctx, span)
    if read is None:
        return
    match, limit = read
    per_field = _PER_FIELD.match(ctx.text, span.end_char + match.end(), limit)
    if per_field and concept.attrs.get("family") != "urine_cells":
        return  # a blood count's name on a urine microscopy line; urine RBC is its own

    if _part_of_a_count(ctx, span, concept):
        return
    current = list(
        _lab_value(
            ctx,
            span,
            concept,
            match.group("num"),
            match.group("cmp"),
            span.end_char + match.end(),
            limit,
            span.start_char,
        )
    )
    yield from current
    if current:
        yield from _earlier_lab_value(ctx, span, concept, current[0], limit)


def _earlier_lab_value(
    ctx: _Context, span: Span, concept: Concept, current: Finding, limit: int
) -> Iterable[Finding]:
    """The earlier value beside the current one, in the current one's unit unless it
    prints its own, and only with a date of its own after it: an undated "down from 2.6"
    says nothing usable of when."""
    cue = _EARLIER_CUE.search(ctx.text, current.end, limit)
    if cue is None or _in_date(ctx, cue.start("num")):
        return  # "ALT 40 U/L, prior 3 days ago": the 3 is part of a date
    _lo, hi = _sentence_bounds(ctx, span)
    own_end = max(limit, min(hi, _line_end(ctx.text, cue.end())))
    if not _dates_between(ctx, cue.end(), own_end):
        return
    yield from _lab_value(
        ctx,
        span,
        concept,
        cue.group("num"),
        None,
        cue.end(),
        own_end,
        span.start_char,
        fallback_unit=current.raw_unit,
    )


def _lab_value(
    ctx: _Context,
    span: Span,
    concept: Concept,
    raw_number: str,
    comparator: str | None,
    cursor: int,
    limit: int,
    start: int,
    fallback_unit: str | None = None,
) -> Iterable[Finding]:
    """Read [flag] [unit] [flag] [reference range] after a value, normalise, emit.

    Covers inline ("ALT 85 U/L (7-40)"), flagged ("Hb 98 L"), and fixed-width
    printouts ("HGB   98   L   g/L   115-155") alike.
    """
    value_end = cursor
    flags: list[str] = []
    flag = _FLAG_RE.match(ctx.text[cursor:limit])
    unit_text, consumed = _lab_unit_after(concept, ctx.text[cursor:limit])
    if unit_text is None:
        unit_text, consumed = _daily_amount_unit(ctx, concept, span, cursor, limit)
    if unit_text is None and _PER_DAY_UNIT.match(ctx.text, cursor, limit):
        return  # "creatinine 6.2 mmol/24 h": a urine excretion, not the serum level
    if unit_text is None and flag:
        # The flag stands between value and unit in printouts: "98  L  g/L".
        flags.append(flag.group("flag") or "*")
        cursor += flag.end()
        unit_text, consumed = _lab_unit_after(concept, ctx.text[cursor:limit])
    cursor += consumed
    flag = _FLAG_RE.match(ctx.text[cursor:limit])
    if flag:
        flags.append(flag.group("flag") or "*")
        cursor += flag.end()
    ref_low = ref_high = None
    ref = _REF_RE.match(ctx.text[cursor:limit]) or _BARE_RANGE.match(ctx.text[cursor:limit])
    if ref:
        comma = ctx.decimal_comma or bool(_DECIMAL_COMMA.match(raw_number))
        parsed = (
            parse_reference_range(_comma_to_point(ref.group(0)) if comma else ref.group(0))
            if "lo" not in ref.groupdict()
            else (float(ref.group("lo")), float(ref.group("hi")))
        )
        if parsed:
            ref_low, ref_high = parsed
            cursor += ref.end()
    if unit_text is None:
        column = _unit_column(concept, ctx.text[cursor:limit], ref_high is not None)
        if column is not None:
            unit_text, consumed, bound = column
            cursor += consumed
            if bound is not None:
                ref_low, ref_high = bound
    printed_unit = unit_text is not None
    if unit_text is None:
        unit_text = _shared_unit(ctx, span) or fallback_unit
    readings = _comma_readings(raw_number, printed_unit, ctx.decimal_comma)
    placed = [
        read
        for number in readings
        if (read := _place_value(ctx, concept, number, unit_text, len(readings) > 1))
    ]
    if not placed:
        return
    if any(abs(p[2] - placed[0][2]) > 0.01 * max(abs(placed[0][2]), 1e-9) for p in placed):
        # "ALT 1,200 U/L": 1.2 or 1200, both plausible and not the same value: left out.
        return
    concept, value, normalised, factor = placed[0]
    if ref_low is not None:
        ref_low = round(ref_low * factor, 6)
    if ref_high is not None:
        ref_high = round(ref_high * factor, 6)
    date, source = _value_date(ctx, span, cursor)
    end = _trim(ctx.text, start, max(cursor, value_end))
    attrs: dict = {}
    if comparator:
        attrs["comparator"] = comparator
    if flags and flags[0] != "*":
        attrs["flag"] = flags[0].upper()[:1]
    yield _finding(
        ctx,
        concept,
        start,
        end,
        span._.assertion,
        value=normalised,
        unit=concept.canonical_unit,
        raw_value=raw_number,
        raw_unit=unit_text,
        ref_low=ref_low,
        ref_high=ref_high,
        date=date,
        date_source=source,
        attrs=attrs,
    )


# A range column holding one bound: "UPCR  2.10  H  <0.20  g/g", "eGFR  82  L  >90  mL/min".
_BOUND_CELL = re.compile(r"^\s*(?P<cmp>[<≤>≥])=?\s*(?P<num>\d+(?:\.\d+)?)(?!\d|\.\d|,\d)")


def _unit_column(
    concept: Concept, rest: str, range_read: bool
) -> tuple[str, int, tuple[float | None, float | None] | None] | None:
    """The unit of a printout that puts the reference range before the unit ("TBIL  7.6
    0-21.0  umol/L", "Total bilirubin 2.4 (ref 0.1-1.0) mg/dL"): (unit, characters
    consumed, the bound read from a one-bound range column or None).

    `rest` starts after the value, its flags and any range already read. With no range
    read, a one-bound cell ("<0.20") counts as the range only when a unit follows it:
    then the row is a printout's columns; a lone "<0.20" is left alone. A flag may stand
    after the range ("3.5  0.3-1.2  H  mg/dL")."""
    cursor, bound = 0, None
    if not range_read:
        cell = _BOUND_CELL.match(rest)
        if cell is None:
            return None
        number = float(cell.group("num"))
        bound = (None, number) if cell.group("cmp") in "<≤" else (number, None)
        cursor = cell.end()
    flag = _FLAG_RE.match(rest[cursor:])
    if flag:
        cursor += flag.end()
    unit_text, consumed = _lab_unit_after(concept, rest[cursor:])
    if unit_text is None:
        return None
    return unit_text, cursor + consumed, bound


# "24h-UTP 4.2 g", "24-hour urine protein 640 mg": a bare mass after a name that says the
# collection ran 24 hours is that day's amount. Without it in the name ("proteinuria
# 2.4 g") a mass says nothing of the period and is left to the unit rules.
_BARE_MASS = re.compile(r"\s*(?P<u>g|gms?|grams?|mgs?|milligrams?)\b(?!\s*/)", re.I)
_NAMES_A_DAY = re.compile(r"\b24\s*-?\s*h(?:rs?|ours?)?\b|\bdaily\b", re.I)


# A unit per day the analyte's family cannot read: "mmol/24 h", "mmol/d", "umol per day".
_PER_DAY_UNIT = re.compile(
    r"\s*[a-zµμ]{1,6}\s*(?:/|per)\s*(?:24\s*-?\s*h(?:rs?|ours?)?|days?|d)\b", re.I
)


def _daily_amount_unit(
    ctx: _Context, concept: Concept, span: Span, cursor: int, limit: int
) -> tuple[str | None, int]:
    """(unit per day, characters consumed) for a bare mass after a 24-hour protein whose
    name (or the word just before it: "24h-UTP") says 24 hours; else (None, 0)."""
    if concept.attrs.get("family") != "protein24h":
        return None, 0
    mass = _BARE_MASS.match(ctx.text, cursor, limit)
    if mass is None:
        return None, 0
    item_start = max(ctx.text.rfind(ch, 0, span.start_char) for ch in ";,\n") + 1
    name = ctx.text[max(item_start, span.start_char - 8) : cursor]
    if not _NAMES_A_DAY.search(name):
        return None, 0
    unit = "mg/day" if mass.group("u").lower().startswith("m") else "g/day"
    return unit, mass.end() - cursor


def _place_value(
    ctx: _Context, concept: Concept, value: float, unit_text: str | None, check_fit: bool
) -> tuple[Concept, float, float, float] | None:
    """(concept, value, normalised value, factor) of one reading of a printed number, or
    None when its unit cannot be read or guessed. With `check_fit`, a reading is kept only
    where its magnitude is plausible in that unit ("4,500/mm3" is not 4.5 cells/mm3)."""
    family = concept.attrs.get("family", "")
    unit = canonical_unit(unit_text) if unit_text else None
    if unit is None and family == "upcr":
        unit = _unitless_ratio_unit(value, ctx.si_units)
        if unit is None:
            return None
    if unit is None:
        if concept.attrs.get("unit_alternative"):
            # "proteinuria 2.1" could be g/day or a ratio: without a unit it is left out.
            return None
        unit = guess_unit(family, value, concept.id)
        if unit is None:
            # GUIDELINE: a unit that cannot be read and a magnitude that fits two
            # units is left out, never guessed ("UPCR 2.3" could be g/g or mg/mmol).
            return None
    factor = convert_factor(family, unit)
    if factor is None and concept.attrs.get("unit_alternative"):
        # The unit names the analyte: "proteinuria 150 mg/mmol" is a ratio.
        concept = ctx.vocabulary[concept.attrs["unit_alternative"]]
        family = concept.attrs.get("family", "")
        factor = convert_factor(family, unit)
    if factor is None:
        return None
    if check_fit and not fits_unit(family, value, unit, concept.id):
        return None
    return concept, value, round(value * factor, 6), factor


# The units a UK or European note prints: in such a note a unitless protein/creatinine
# ratio may be mg/mmol.
_SI_UNIT = re.compile(r"(?:[uµμ]|mc|micro)?mol\s*/\s*l\b|\bmg\s*/\s*mmol\b", re.I)


def _unitless_ratio_unit(value: float, si_note: bool) -> str | None:
    """A protein/creatinine ratio printed without a unit ("uPCR 2.4") is the
    dimensionless mg/mg ratio, i.e. g/g, where that magnitude fits (0.01-25 g/g).

    Below 1 only g/g fits (a normal UPCR is 5-20 mg/mmol). In a note that prints SI
    units (umol/L, mmol/L, mg/mmol) a value from 1 to 25 fits mg/mmol as well ("uPCR 12":
    12 g/g or 0.11 g/g), and one over 25 only mg/mmol; outside such a note a value over
    25 could be mg/mmol or mg/g. What fits two units is left out (None)."""
    if value < 1:
        return "g/g" if fits_unit("upcr", value, "g/g") else None
    if si_note:
        return "mg/mmol" if value > 25 and fits_unit("upcr", value, "mg/mmol") else None
    return "g/g" if fits_unit("upcr", value, "g/g") else None


# ------------------------------------------------------------------ decimal commas
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")
_ONE_THOUSANDS_GROUP = re.compile(r"^\d,\d{3}$")
_COMMA_NUMBER = re.compile(r"(?<![\d,.])(\d+),(\d{1,2})(?![\d,])")


def _uses_decimal_commas(text: str) -> bool:
    """Does the note print decimals with a comma? A comma followed by one or two digits
    and a unit ("Hb 11,4 g/dL", "PT 12,8 s"), or after a leading zero ("0,82"), says so."""
    for match in _COMMA_NUMBER.finditer(text):
        if match.group(1) == "0" or _unit_after(text[match.end() : match.end() + 30])[0]:
            return True
    return False


def _comma_to_point(text: str) -> str:
    """ "(ref 10,0-13,5)" → "(ref 10.0-13.5)", in a note that writes decimal commas."""
    return _COMMA_NUMBER.sub(r"\1.\2", text)


def _comma_readings(raw: str, unit_printed: bool, note_uses_commas: bool) -> list[float]:
    """The values a printed number can stand for.

    "11,4 g/dL", "0,82", or "1,1" in a note that writes "12,8 s": a decimal comma.
    "11,4" with no unit in a note that never shows its convention: nothing (it may be
    a decimal or two values; cutting it to 11 would be a misread). "1,130": a decimal
    (1.13) or thousands grouping (1130), both returned for the caller to weigh by
    plausibility; "12,500" and "1,250,000": thousands only.
    """
    if "," not in raw:
        return [float(raw)]
    if _DECIMAL_COMMA.match(raw):
        if unit_printed or raw.startswith("0,") or note_uses_commas:
            return [float(raw.replace(",", "."))]
        return []
    thousands = float(raw.replace(",", ""))
    if _ONE_THOUSANDS_GROUP.match(raw):
        return [thousands, float(raw.replace(",", "."))]
    return [thousands]


def _paired_labs(ctx: _Context, concepts: list[Span]) -> tuple[list[Finding], set[int]]:
    """'AST/ALT 45/60 U/L': two analytes, two values, one shared unit."""
    findings: list[Finding] = []
    handled: set[int] = set()
    labs = [s for s in concepts if ctx.vocabulary[s.label_].category == "lab"]
    for first, second in zip(labs, labs[1:], strict=False):
        if ctx.text[first.end_char : second.start_char].strip() != "/":
            continue
        lo, hi = _sentence_bounds(ctx, second)
        limit = min(hi, _line_end(ctx.text, second.end_char))
        pair = _PAIR_VALUES.match(ctx.text[second.end_char : limit])
        if pair is None:
            continue
        cursor = second.end_char + pair.end()
        for span, group in ((first, "a"), (second, "b")):
            concept = ctx.vocabulary[span.label_]
            findings.extend(
                _lab_value(
                    ctx, span, concept, pair.group(group), None, cursor, limit, first.start_char
                )
            )
            handled.add(span.start_char)
    return findings, handled


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t,;:.":
        end -= 1
    return end


def _unit_after(rest: str) -> tuple[str | None, int]:
    """The longest 1-3 word chunk right after a value that reads as a unit."""
    chunk = _UNIT_CHUNK.match(rest)
    if not chunk:
        return None, 0
    words = chunk.group("u").split()
    lead = chunk.start("u")
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n])
        trimmed = candidate.rstrip(".,:")
        if canonical_unit(trimmed):
            pos = rest.find(words[n - 1], lead) + len(words[n - 1])
            pos -= len(candidate) - len(trimmed)
            return trimmed, pos
    return None, 0


def _lab_unit_after(concept: Concept, rest: str) -> tuple[str | None, int]:
    """_unit_after, where "in" is a preposition unless the analyte is a length:
    "down from 2.1 in March" is not 2.1 inches."""
    unit_text, consumed = _unit_after(rest)
    inches = unit_text is not None and canonical_unit(unit_text) == "in"
    if inches and concept.attrs.get("family") != "height":
        return None, 0
    return unit_text, consumed


def _shared_unit(ctx: _Context, span: Span) -> str | None:
    """'WBC 4.6, neutrophils 3.1, lymphocytes 1.05 (all x10^9/L)'."""
    lo, hi = _sentence_bounds(ctx, span)
    match = _SHARED_UNIT_RE.search(ctx.text, span.end_char, hi)
    return match.group("u").strip() if match else None


# "NYHA class III", "NYHA functional class II", "NYHA: 2": a scale graded in Roman numerals
# (concepts.jsonl attr "roman") is read only right after its name; a range ("II-III") or a
# sub-class ("IIIb") is not one grade.
_ROMAN_GRADE = re.compile(
    r"^\s*(?:\(\s*NYHA\s*\)\s*)?(?:functional\s+)?(?:class(?:ification)?|grade|stage)?\s*"
    r"[:=]?\s*(?P<n>IV|III|II|I|Ⅳ|Ⅲ|Ⅱ|Ⅰ|[1-4])(?![A-Za-z0-9])(?!\s*(?:[-–/~]|to\b)\s*\w)",
    re.I,
)
_ROMAN_VALUES = {"i": 1.0, "ii": 2.0, "iii": 3.0, "iv": 4.0, "ⅰ": 1.0, "ⅱ": 2.0, "ⅲ": 3.0,
                 "ⅳ": 4.0, "1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0}  # fmt: skip


def _roman_grade(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(ctx, span)
    m = _ROMAN_GRADE.match(ctx.text[span.end_char : hi])
    if m is None or (m["n"].upper() == "I" and m["n"] != m["n"].upper()):
        return
    end = span.end_char + m.end()
    date, source = _value_date(ctx, span, end)
    yield _finding(ctx, concept, span.start_char, end, span._.assertion,
                   value=_ROMAN_VALUES[m["n"].lower()], raw_value=m["n"], date=date,
                   date_source=source, attrs={})  # fmt: skip


def _score(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    if concept.attrs.get("roman"):
        yield from _roman_grade(ctx, span, concept)
        return
    lo, hi = _sentence_bounds(ctx, span)
    limit = _item_end(ctx, span.end_char, hi)
    match = _SCORE_RE.match(ctx.text[span.end_char : limit])
    if match is not None and (
        _in_date(ctx, span.end_char + match.start("num"))
        or _NOT_A_SCORE_AFTER.match(ctx.text, span.end_char + match.end(), limit + 8)
    ):
        # "ECOG on 4/10: 1", "ECOG at 3 months 1": a date or a duration, not the score.
        match = None
    # The gap reader stops at another name itself, so that a name inside a parenthesis
    # ("SLEDAI-2K (excluding low complement and anti-dsDNA) 8") does not end the item.
    stop = _VALUE_STOP.search(ctx.text, span.end_char, hi)
    gap_limit = stop.start() if stop else hi
    readings: list[_ScoreReading] = []
    if match is not None:
        first = _ScoreReading(
            match.group("num"), span.end_char + match.start("num"), span.end_char + match.end()
        )
        readings = [first, *_later_scores(ctx, span, first)]
    else:
        readings = _scores_after_gap(ctx, span, gap_limit) or _score_before_name(ctx, span)
    low, high = concept.attrs.get("low", 0), concept.attrs.get("high", 1000)
    for reading in readings:
        value = float(reading.number)
        if not low <= value <= high:
            continue
        end = reading.end
        tail = ctx.text[end : end + 40]
        attrs = {}
        if _AT_DIAGNOSIS.search(tail):
            # "SLEDAI-2K 23 at diagnosis" copied forward is a past score, not today's.
            attrs["at_diagnosis"] = True
        if reading.date is not None:
            date, source = reading.date, "text"
        elif len(readings) > 1:
            date, source = _context_date(ctx, span.start_char)
        else:
            date, source = _value_date(ctx, span, end)
        points = re.match(r"^\s*(?:points?|pts)\b", tail, re.I)
        if points:
            end += points.end()
        start = min(span.start_char, reading.start)
        yield _finding(
            ctx,
            concept,
            start,
            max(end, span.end_char),
            span._.assertion,
            value=value,
            raw_value=reading.number,
            date=date,
            date_source=source,
            attrs=attrs,
        )


# ------------------------------------------------------------ scores inside sentences
@dataclass
class _ScoreReading:
    number: str
    start: int
    end: int
    date: dt.date | None = None


# What may stand between a score's name and its value: words, commas, dashes, a colon or
# "=", a parenthesis, a date ("SLEDAI-2K on review 12", "SLEDAI-2K (excluding serology)
# 9", "ECOG PS (physio 2 days ago) 2", "SLEDAI 2K recorded on 4 March: 10").
_GAP_TOKEN = re.compile(
    r"\s+|\((?P<paren>[^()\n]{0,80})\)|(?P<num>\d+(?:\.\d+)?)|(?P<word>[^\W\d_]+(?:['’-][^\W\d_]+)*)"
    r"|(?P<punct>[,:=\-–—])|(?P<other>.)",
    re.S,
)
# A gap with one of these words names a threshold, a change or a plan, not the value:
# "SLEDAI-2K needs to be at least 8", "dropped by 6 points", "not repeated for 3 months".
_GAP_STOP_WORDS = frozenset(
    {
        "than", "least", "most", "above", "below", "over", "under", "less", "more",
        "greater", "exceed", "exceeds", "exceeded", "exceeding", "target", "targets", "goal",
        "aim", "threshold", "cutoff", "cut-off", "criterion", "criteria", "inclusion",
        "eligibility", "eligible", "need", "needs", "needed", "require", "required",
        "requires", "if", "unless", "should", "would", "could", "will", "not", "no",
        "never", "without", "for", "out", "max", "maximum", "minimum", "min",
        "item", "items", "each", "descriptor", "descriptors", "weight", "weighted", "x",
        # a new clause with its own subject: "Karnofsky was discussed, she is 16"
        "she", "he", "they", "we", "patient", "pt", "child", "girl", "boy",
    }
)  # fmt: skip
# The number right after one of these is what it counts, not the score: "on day 3",
# "cycle 2", "aged 12", "grade 3".
_COUNTED_BY = frozenset(
    {
        "day", "days", "week", "weeks", "month", "months", "year", "years", "cycle", "cycles",
        "dose", "doses", "pulse", "pulses", "age", "aged", "number", "no", "grade", "stage",
        "class", "type", "version", "bed", "room", "visit",
    }
)  # fmt: skip
# Where one reading ends and the next begins: "from 18 in June to 6 now", "was 12 in
# August and is 4 today", "on 2 September: 14; today: 5".
_CHAIN_WORDS = frozenset({"to", "and", "then", "but", "now", "while", "whereas"})
_FROM_WORDS = frozenset({"from"})
_CHANGE_WORDS = frozenset({"by"})
# A number followed by one of these is a duration, a dose or a count, not a score.
_NOT_A_SCORE_AFTER = re.compile(
    r"\s*(?:[/:]\s*\d|(?:days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y|hours?|hrs?|h|"
    r"mg|g|mcg|ug|ml|mL|kg|cm|mm|times|x|doses?|pulses?|cycles?|siblings?|children|"
    r"patients?|am|pm|o'clock|yo)\b|\.\d)",
    re.I,
)
_SCORE_GAP_WORDS = 12


def _in_date(ctx: _Context, position: int) -> bool:
    i = bisect.bisect_right(ctx.date_starts, position) - 1
    return i >= 0 and ctx.dates[i].start <= position < ctx.dates[i].end


def _name_starts_at(ctx: _Context, position: int) -> bool:
    i = bisect.bisect_left(ctx.lab_starts, position)
    return i < len(ctx.lab_starts) and ctx.lab_starts[i] == position


def _dates_between(ctx: _Context, start: int, end: int) -> list[DateMention]:
    i = bisect.bisect_left(ctx.date_starts, start)
    found = []
    while i < len(ctx.dates) and ctx.dates[i].start < end:
        if ctx.dates[i].end <= end and ctx.dates[i].date is not None:
            found.append(ctx.dates[i])
        i += 1
    return found


def _next_score_number(
    ctx: _Context, start: int, limit: int, max_words: int
) -> tuple[re.Match[str] | None, list[str], int]:
    """The first number after `start` that can be a score, skipping dates and
    parentheses; with the gap's words and the offset where the last connector ended.
    (None, ...) when the gap holds a stop word, another number, or too many words."""
    words: list[str] = []
    split = start
    position = start
    adjacent: str | None = None  # the word right before, with only spaces between
    while position < limit:
        i = bisect.bisect_right(ctx.date_starts, position) - 1
        if i >= 0 and ctx.dates[i].start <= position < ctx.dates[i].end:
            position = ctx.dates[i].end  # a date in the gap is not the value
            adjacent = None
            continue
        token = _GAP_TOKEN.match(ctx.text, position, limit)
        if token is None:
            return None, words, split
        kind = token.lastgroup
        if kind == "word" and _name_starts_at(ctx, token.start()):
            return None, words, split  # another lab or score: "SLEDAI-2K, C3 0.6 ..."
        if kind == "num":
            if adjacent in _CHANGE_WORDS or adjacent in _COUNTED_BY:
                return None, words, split  # "dropped by 6 points", "on day 3": not the score
            return token, words, split
        if kind is not None:
            adjacent = token.group("word").lower() if kind == "word" else None
        if kind == "word":
            word = token.group("word").lower()
            if word in _GAP_STOP_WORDS:
                return None, words, split
            words.append(word)
            if len(words) > max_words:
                return None, words, split
            if word in _CHAIN_WORDS or word in _FROM_WORDS:
                split = token.end()
        elif kind == "punct" and token.group("punct") == ",":
            split = token.end()
        elif kind == "other":
            if token.group(0) not in ";.":
                return None, words, split
            if token.group(0) == "." and ctx.text[token.end() : token.end() + 1].isspace():
                return None, words, split  # a sentence ends
            split = token.end()
        # A parenthesis is skipped whole: "(excluding serology)", "(rash 2, alopecia 2)".
        position = token.end()
    return None, words, split


def _scores_after_gap(ctx: _Context, span: Span, limit: int) -> list[_ScoreReading]:
    """ "SLEDAI-2K on review 12", "Karnofsky performance status at this visit was 60 %":
    the first clean number after a short gap of words, dates and parentheses."""
    number, words, _split = _next_score_number(ctx, span.end_char, limit, _SCORE_GAP_WORDS)
    if number is None or _NOT_A_SCORE_AFTER.match(ctx.text, number.end(), limit + 8):
        return []
    gap_dates = _dates_between(ctx, span.end_char, number.start())
    first = _ScoreReading(number.group("num"), number.start(), number.end())
    if gap_dates:  # "SLEDAI 2K recorded on 4 March: 10" is the 4 March score
        first.date = gap_dates[-1].date
    readings = [first, *_later_scores(ctx, span, first)]
    if words and words[-1] in _FROM_WORDS:
        # "fell from 18 to 6": the first value is the old one, kept only with its own date.
        first.date = first.date or _part_date(ctx, first, readings)
        if first.date is None:
            readings = readings[1:]
    return readings


def _later_scores(ctx: _Context, span: Span, first: _ScoreReading) -> list[_ScoreReading]:
    """Readings after the first in the same sentence and line, each with its own date:
    "was 6 three months ago and is 10 today", "from 16 in February to 4 now". A later
    number is a reading only when the readings end up on different dates."""
    lo, hi = _sentence_bounds(ctx, span)
    limit = min(hi, _line_end(ctx.text, first.end))
    readings = [first]
    cuts: list[int] = []  # where each reading's own text ends and the next one's begins
    position = first.end
    while True:
        number, words, split = _next_score_number(ctx, position, limit, 8)
        if number is None or not (set(words) & _CHAIN_WORDS or split > position):
            break
        if _NOT_A_SCORE_AFTER.match(ctx.text, number.end(), limit + 8):
            break
        cuts.append(split)
        readings.append(_ScoreReading(number.group("num"), number.start(), number.end()))
        position = number.end()
    if len(readings) == 1:
        return []
    cuts.append(limit)
    starts = [span.end_char, *cuts[:-1]]
    dates: list[dt.date | None] = []
    for reading, begin, cut in zip(readings, starts, cuts, strict=True):
        after = _dates_between(ctx, reading.end, cut)
        before = _dates_between(ctx, begin, reading.start)
        mention = after[0] if after else (before[-1] if before else None)
        dates.append(mention.date if mention else None)
    undated = _context_date(ctx, span.start_char)[0]
    effective = {date or undated for date in dates}
    if all(date is None for date in dates) or len(effective) < len(readings):
        return []  # "11 rather than 7", "12, 14": which is current is not said
    for reading, date in zip(readings, dates, strict=True):
        reading.date = date
    return readings[1:]


def _part_date(
    ctx: _Context, reading: _ScoreReading, readings: list[_ScoreReading]
) -> dt.date | None:
    """The date written right after a reading, before the next one: "from 18 in June"."""
    end = readings[1].start if len(readings) > 1 else reading.end + 40
    mentions = _dates_between(ctx, reading.end, end)
    return mentions[0].date if mentions else None


_SCORED_BEFORE = re.compile(
    r"\bscor(?:e|es|ed|ing)\s+(?:of\s+)?(?P<num>\d{1,3})\s+(?:points?\s+)?"
    r"(?:on|in)\s+(?:the\s+|her\s+|his\s+)?$",
    re.I,
)


def _score_before_name(ctx: _Context, span: Span) -> list[_ScoreReading]:
    """ "She scores 8 on the SLEDAI-2K": the value stated before the scale's name."""
    lo, _hi = _sentence_bounds(ctx, span)
    match = _SCORED_BEFORE.search(ctx.text, max(lo, span.start_char - 40), span.start_char)
    if match is None:
        return []
    return [_ScoreReading(match.group("num"), match.start("num"), match.end("num"))]


def _window_after(ctx: _Context, span: Span) -> str:
    """The text a result can be read from: up to the next lab name, ';' or line end."""
    _lo, hi = _sentence_bounds(ctx, span)
    return ctx.text[span.end_char : _item_end(ctx, span.end_char, hi)]


def _ana(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "ANA 1:640 (homogeneous)", "ANA positive", "ANA negative", "ANA 1:40 (negative)".

    A result is a fact about a test that was done, so it is affirmed whatever its
    polarity; the titre (if any) is the value and "result" says positive or negative.
    """
    window = _window_after(ctx, span)
    titre = _TITRE_RE.search(window)
    lead = ctx.text[max(0, span.start_char - 24) : span.start_char] + " "
    if titre is not None and (
        titre.start() > 50 or _COMPARED.search(lead + window[: titre.start()])
    ):
        # "ANA below the 1:80 entry criterion" names a threshold, not this patient's titre.
        titre = None
    negative = _NEGATIVE_RE.search(window[:60])
    positive = _POSITIVE_RE.search(window[: titre.start() if titre else 40])
    if titre is None and negative is None and positive is None and span._.assertion != "negated":
        return
    ends = [m.end() for m in (titre, negative, positive) if m is not None]
    end = span.end_char + max(ends, default=0)
    # "1:1,280": in a dilution the comma can only group thousands.
    value = float(titre.group("t").replace(",", "")) if titre else None
    is_negative = negative is not None or (titre is None and span._.assertion == "negated")
    attrs = {"result": "negative" if is_negative else "positive"}
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        "affirmed",
        value=value,
        unit="titre",
        date=date,
        date_source=source,
        attrs=attrs,
    )


# "anti-dsDNA equivocal", "indeterminate", "borderline" (not "borderline positive"): a result
# that is neither; criteria that accept it say so ("positive or equivocal").
_EQUIVOCAL_RE = re.compile(
    r"\b(?:equivocal|indeterminate|borderline)\b(?!\s+(?:positive|negative|pos|neg)\b)", re.I
)


def _autoantibody(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "anti-dsDNA 85 IU/mL" is a measured level (a lab value); "anti-dsDNA positive",
    "anti-Smith antibody negative" are results: affirmed whatever their polarity (a test
    was done), with no value and "result" saying which."""
    measured = list(_lab(ctx, span, concept)) if concept.attrs.get("family") else []
    if measured:
        yield from measured
        return
    window = _window_after(ctx, span)[:40]
    negative = _NEGATIVE_RE.search(window)
    positive = _POSITIVE_RE.search(window)
    equivocal = _EQUIVOCAL_RE.search(window)
    if negative is None and positive is None and equivocal is None and (
        span._.assertion != "negated"
    ):
        return
    # The polarity word nearest the name: "anti-Ro positive; anti-La negative" is
    # positive (the window stops at the next lab name, ";" or the line's end anyway).
    first = min((m for m in (negative, positive, equivocal) if m is not None),
                key=lambda m: m.start(), default=None)  # fmt: skip
    is_negative = (first is negative and first is not None) or (
        first is None and span._.assertion == "negated"
    )
    result = "negative" if is_negative else "positive"
    if first is not None and first is equivocal:
        result = "equivocal"
    end = span.end_char + (first.end() if first is not None else 0)
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        "affirmed",
        date=date,
        date_source=source,
        attrs={"result": result},
    )


def _cd19(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    window = _window_after(ctx, span)
    value_match = re.match(
        rf"^{_LEAD}(?:B?[\s-]*cells?|B?[\s-]*lymphocytes)?\s*[:=]?\s*(?P<cmp>[<>≤≥]=?)?\s*"
        rf"(?P<num>{_NUMBER})\s*(?P<unit>%|cells\s*/\s*(?:uL|µL|μL|mcL|mm3|cmm)|/\s*(?:uL|µL|μL|mm3))?",
        window,
        re.I,
    )
    attrs: dict = {}
    value = None
    unit = None
    end = span.end_char
    readings = []
    if value_match:
        printed_unit = bool(value_match.group("unit"))
        readings = _comma_readings(value_match.group("num"), printed_unit, ctx.decimal_comma)
    if value_match and len(readings) != 1:
        return  # "CD19+ 1,200 cells/uL" (1.2 or 1200?), "CD19 3,4" with no unit: left out
    if value_match:
        value = readings[0]
        rest_unit, _used = _unit_after(window[value_match.end() :])
        if not value_match.group("unit") and canonical_unit(rest_unit) == "x10^9/L":
            # "B cells 0.01 x10^9/L" is a count (10 cells/uL), not a percent.
            value = round(value * 1000, 6)
            value_match_unit = "/uL"
        else:
            value_match_unit = None
        unit = value_match_unit or (
            "%" if (value_match.group("unit") or "%").startswith("%") else "/uL"
        )
        comparator = value_match.group("cmp") or ""
        present = value > 0 and not (comparator.startswith("<") and value <= 1)
        attrs["present"] = present
        end = span.end_char + value_match.end()
    else:
        negative = _NEGATIVE_RE.search(window[:40])
        positive = _POSITIVE_RE.search(window[:40])
        if negative:
            attrs["present"] = False
            end = span.end_char + negative.end()
        elif positive:
            attrs["present"] = True
            end = span.end_char + positive.end()
        elif span._.assertion == "negated":
            attrs["present"] = False
        else:
            return
    assertion = span._.assertion
    if assertion == "negated":
        attrs["present"] = False
        assertion = "affirmed"
    # "CD19+ B cells 12% (250 cells/uL)": keep the absolute count beside the percent.
    count = _CD19_COUNT.search(window[:80])
    if unit == "/uL" and value is not None:
        attrs["count_per_ul"] = value
    elif count is not None:
        attrs["count_per_ul"] = float(count.group(1))
    elif (giga := _CD19_GIGA_COUNT.search(window[:80])) is not None:
        # "CD19+ B cells 11 % (0.23 x10^9/L)": 230 cells/uL
        attrs["count_per_ul"] = round(float(giga.group(1)) * 1000, 6)
    elif attrs.get("present") is False:
        attrs["count_per_ul"] = 0.0
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        assertion,
        value=value,
        unit=unit,
        date=date,
        date_source=source,
        attrs=attrs,
    )


_STOP_LEAD = re.compile(
    r"\b(stopped|discontinued|ceased|held|until|till|completed|withdrawn|"
    r"finished|off\s+since|tapered\s+off|d/c)\b[\s:]*(?:on|in|at)?\s*$",
    re.I,
)
# "Stopped tacrolimus 2026-06-01": the verb before the drug makes its date a stop.
_STOP_BEFORE = re.compile(
    r"\b(stopped|discontinued|ceased|held|withdrew|withdrawn|"
    r"weaned\s+off|tapered\s+off|came\s+off|d/c)\s+(?:the\s+|her\s+|"
    r"his\s+)?$",
    re.I,
)
# "completed 6 doses of IV CTX in 2025", "finished a course of rituximab in March": the
# verb before the drug says its course is over; a single date then places the whole course.
_COURSE_DONE_BEFORE = re.compile(
    r"\b(?:completed|finished)\s+(?:(?:a|the|her|his|all)\s+)?(?:\w+\s+)?"
    r"(?:(?:doses?|pulses?|cycles?|infusions?|courses?|treatment|therapy)\s+(?:of|with)\s+)?"
    r"(?:(?:IV|i\.v\.|intravenous|oral|po)\s+)?$",
    re.I,
)
# "B cells recovering after rituximab (Nov 2025)", "relapse following IV CTX in 2024": a
# drug that is the event something came after was given at its one date, not since then.
_EVENT_OBJECT_BEFORE = re.compile(
    r"\b(?:after|following|post)\s+(?:(?:the|her|his|a|last|first|final)\s+)*"
    r"(?:(?:courses?|doses?|infusions?|pulses?|cycles?)\s+of\s+)?(?:(?:IV|intravenous)\s+)?$",
    re.I,
)
_SWITCH_FROM = re.compile(
    r"\b(switch(?:ed)?|chang(?:ed|e)|convert(?:ed)?|transition(?:ed)?|"
    r"mov(?:ed|e))\s+(?:\w+\s+)?from\s*$",
    re.I,
)


_COORDINATOR = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|\+\s*|/\s*|plus\s+|or\s+)$", re.I)


def _coordinated(ctx: _Context, span: Span, lo: int, hi: int) -> set[int]:
    """Start offsets of the drugs listed together with this one, joined only by 'and',
    ',', '&', '+', '/', 'plus' or 'or': "prednisolone and mycophenolate since 02/2026"."""
    first = bisect.bisect_left(ctx.drug_starts, lo)
    drugs = ctx.drug_spans[first : bisect.bisect_left(ctx.drug_starts, hi)]
    position = next((i for i, s in enumerate(drugs) if s.start_char == span.start_char), None)
    if position is None:
        return set()
    chain = {span.start_char}
    for step in (1, -1):
        i = position
        while 0 <= i + step < len(drugs):
            left, right = sorted((drugs[i], drugs[i + step]), key=lambda d: d.start_char)
            if not _COORDINATOR.match(ctx.text[left.end_char : right.start_char]):
                break
            i += step
            chain.add(drugs[i].start_char)
    return chain


_FOLLOWED_BY = re.compile(r"^\s*(?:x\s?\d+\s+|pulses?\s+)*followed\s+by\s+$", re.I)
_SHARED_START = re.compile(
    r"^\s*(?:was|were|has\s+been|have\s+been)\s+(?:started|commenced|initiated|begun|given)\b",
    re.I,
)


def _started_together(ctx: _Context, span: Span, lo: int, hi: int) -> set[int]:
    """A sequence that is the subject of one start: in "induction with IV MP pulses x3
    followed by MMF was started on 12/02/2026" the date is the regimen's, so the pulses
    (which open it) take it too. "Pulses, followed by MMF from 06/2025" stays two dates."""
    first = bisect.bisect_left(ctx.drug_starts, span.end_char)
    if first >= len(ctx.drug_spans) or ctx.drug_spans[first].start_char >= hi:
        return set()
    following = ctx.drug_spans[first]
    if not _FOLLOWED_BY.match(ctx.text[span.end_char : following.start_char]):
        return set()
    if not _SHARED_START.match(ctx.text[following.end_char : hi]):
        return set()
    return {following.start_char}


def _drug_dates(
    ctx: _Context, span: Span, lo: int, hi: int
) -> tuple[dt.date | None, dt.date | None]:
    """Start and stop of one drug from the dates of its own clause.

    The nearest date after the drug (else before it) belongs to it unless another
    drug stands between: in "IVCY Jan-Jun 2024, then MMF since July 2024" the range
    is cyclophosphamide's and July 2024 is MMF's. "Switched from tacrolimus to
    ciclosporin in May 2026" stops tacrolimus and starts ciclosporin then.
    """
    first = bisect.bisect_left(ctx.date_starts, lo)
    last = bisect.bisect_left(ctx.date_starts, hi)
    mentions = [
        d
        for d in ctx.dates[first:last]
        if d.end <= hi and d.date and not _closed_aside_before(ctx, d, span.start_char, lo)
    ]
    first = bisect.bisect_left(ctx.drug_starts, lo)
    last = bisect.bisect_left(ctx.drug_starts, hi)
    others = [s for s in ctx.drug_spans[first:last] if s.label_ != span.label_]

    chain = _coordinated(ctx, span, lo, hi) | _started_together(ctx, span, lo, hi)

    def blocked(a: int, b: int) -> bool:
        # A drug listed with this one ("prednisolone and MMF since 02/2026") shares its
        # date; any other drug between this one and a date owns that date instead.
        return any(a <= o.start_char < b for o in others if o.start_char not in chain)

    after = sorted((d for d in mentions if d.start >= span.end_char), key=lambda d: d.start)
    before = sorted((d for d in mentions if d.end <= span.start_char), key=lambda d: -d.end)
    if (
        _SWITCH_FROM.search(ctx.text[lo : span.start_char])
        and re.match(r"\s+to\b", ctx.text[span.end_char : hi])
        and after
    ):
        return None, after[0].date
    stopped = bool(_STOP_BEFORE.search(ctx.text[max(lo, span.start_char - 30) : span.start_char]))
    ordered = [d for d in after if not blocked(span.end_char, d.start)]
    # "...cyclophosphamide (last dose 20 Jan 2026); maintenance azathioprine since.": a bare
    # "since" points back to the last date written, whoever's it is.
    since_then = _BARE_SINCE.match(ctx.text, span.end_char, hi) is not None
    ordered += [
        d
        for d in before
        if not blocked(d.end, span.start_char)
        and (
            since_then
            or not _dates_earlier_drug(
                d, mentions, [o for o in others if o.start_char not in chain]
            )
        )
    ]
    start = stop = None
    for mention in ordered:
        if mention.end_date is not None:
            if start is None:
                return mention.date, mention.end_date
            continue
        if stopped or _STOP_LEAD.search(ctx.text[max(lo, mention.start - 24) : mention.start]):
            stop = stop or mention.date
        elif start is None:
            start = mention.date
    return start, stop


def _closed_aside_before(ctx: _Context, mention: DateMention, position: int, lo: int) -> bool:
    """Is the date inside a bracketed aside, about no drug, that closes before `position`?
    In "Lupus nephritis (biopsy 03/2026 - class IV+V), on MMF 1 g bd" the date is the
    biopsy's; the MMF after the bracket does not start then. An aside right after a drug
    ("cyclophosphamide (last dose 20 Jan 2026); azathioprine since") is that drug's, and
    whose its date is, is for the drug-history rules to say."""
    text = ctx.text
    opened = text.rfind("(", lo, mention.start)
    if opened == -1 or text.find(")", opened, mention.start) != -1:
        return False
    if text.find(")", mention.end, position) == -1:
        return False
    at = bisect.bisect_left(ctx.drug_starts, lo)
    return not any(
        lo <= drug.end_char <= opened and not text[drug.end_char : opened].strip()
        for drug in ctx.drug_spans[at : bisect.bisect_left(ctx.drug_starts, opened)]
    )


# "8 months after rituximab", "3 months post-CYC", "a year after stopping MMF": an
# interval that ends in the sentence's own time and starts at a drug event.
_AFTER_EVENT = re.compile(r"[\s,]*(?:(?:after|following)\b|post\b[\s-]*)", re.I)
# Where the event clause ends: a pause, or the main clause's subject ("... after rituximab
# she remains well on azathioprine": azathioprine is now, not 8 months back).
_EVENT_CLAUSE_END = re.compile(
    r"[,;:()\[\]]|\s[-–—]\s|\b(?:she|he|they|her|his|the\s+patient|pt|now|currently|"
    r"remains?|is|are|has|have|was|were)\b(?!\s+(?:switched|changed|converted|stopped|"
    r"discontinued|started|commenced|withdrawn|completed|given))",
    re.I,
)
# Between "after" and the first drug: a pause or another event means the interval is not
# the drug's ("3 months after diagnosis, MMF was started"; "after the biopsy she had MMF").
_EVENT_OTHER = re.compile(
    r"[,;:()\[\]]|\s[-–—]\s|\b(?:diagnos\w*|presentation|admission|discharge|onset|biops\w*|"
    r"surgery|transplant\w*|delivery|birth|relapse|flare)\b",
    re.I,
)
# Words between "after" and the drug that make the event its start: "after starting MMF".
_EVENT_START = re.compile(
    r"\b(?:start(?:ing|ed)?|initiat\w*|commenc\w*|introduc\w*|beginning|begun|adding|"
    r"addition\s+of|switch(?:ing|ed)?\s+to)\b",
    re.I,
)
_OWN_DURATION = re.compile(r"(?:for|over|during|x|×)\b", re.I)
# A drug named after another in the event clause that the event starts:
# "9 months after tacrolimus was switched to MMF".
_EVENT_STARTS_NEXT = re.compile(r"\b(?:to|started|starting|adding|added|then)\s+$", re.I)


# "a year after stopping tacrolimus": an article for "one", which find_durations leaves to
# prose ("a month" alone says nothing); before "after" it is the interval to a drug event.
_ARTICLE_INTERVAL = re.compile(
    r"\b(?:a|an)\s+(?P<unit>day|week|month|year)(?=\s+(?:after|following|post)\b)", re.I
)


def _article_intervals(sentence: str) -> list[DurationMention]:
    return [
        DurationMention(m.start(), m.end(), m.group(0), window_to_days(1, m["unit"]))
        for m in _ARTICLE_INTERVAL.finditer(sentence)
    ]


@dataclass(frozen=True)
class _AfterEvent:
    """A drug event dated by an interval counted back from its sentence's time."""

    point: dt.date
    starts: bool  # the event started the drug ("after starting MMF"); else it ended a course


def _after_event(
    ctx: _Context, span: Span, lo: int, hi: int, durations: list[DurationMention]
) -> tuple[_AfterEvent | None, set[int]]:
    """The event this drug is dated by, and the starts (in the sentence) of the intervals
    that date some drug's event, which no other drug may take as its own duration.

    "On 10 March 2026, two months after the last rituximab infusion, IgG was 4.1": the
    course ended about 10 January 2026, two months before the sentence's own date (its
    date outside the event clause, else the heading's or the note's). It is not rituximab
    taken from two months before the note up to it.
    """
    sentence = ctx.text[lo:hi]
    owned: set[int] = set()
    found: _AfterEvent | None = None
    for duration in durations:
        lead = _AFTER_EVENT.match(sentence, duration.end)
        if lead is None or _OWN_DURATION.match(duration.text):
            continue  # "MMF for 6 months after cyclophosphamide": MMF's own length
        clause_start = lo + lead.end()
        first = bisect.bisect_left(ctx.drug_starts, clause_start)
        if first >= len(ctx.drug_spans) or ctx.drug_spans[first].start_char >= hi:
            continue
        head = ctx.drug_spans[first]
        between = ctx.text[clause_start : head.start_char]
        if _EVENT_OTHER.search(between):
            continue  # "3 months after diagnosis, she started MMF": no drug event
        stop = _EVENT_CLAUSE_END.search(ctx.text, head.end_char, hi)
        clause_end = stop.start() if stop else hi
        if any(clause_start <= d.start < clause_end for d in ctx.dates if d.date):
            continue  # the drug's own date is written: it wins
        owned.add(duration.start)
        if not clause_start <= span.start_char < clause_end:
            continue
        starts = bool(_EVENT_START.search(between))
        if span.start_char != head.start_char:
            gap = ctx.text[head.end_char : span.start_char]
            if not _EVENT_STARTS_NEXT.search(gap):
                continue
            starts = True
        reference = _sentence_time(ctx, lo, hi, lo + duration.start, clause_end)
        found = _AfterEvent(reference - dt.timedelta(days=duration.days), starts)
    return found, owned


def _sentence_time(ctx: _Context, lo: int, hi: int, clause_start: int, clause_end: int) -> dt.date:
    """The time a sentence speaks of: a date written in it outside the given clause (the
    nearest), else the date governing it (heading or note)."""
    outside = [
        d
        for d in ctx.dates
        if lo <= d.start and d.end <= hi and d.date and not clause_start <= d.start < clause_end
    ]
    if outside:
        nearest = min(
            outside, key=lambda d: min(abs(d.end - clause_start), abs(d.start - clause_end))
        )
        return nearest.date
    return _context_date(ctx, clause_start)[0]


def _drug_item(ctx: _Context, span: Span, lo: int, hi: int) -> tuple[int, int]:
    """The part of a drug history that speaks of this drug (and the drugs listed with it):
    from the previous drug or clause break to the next drug. In "NIH cyclophosphamide x6
    (2023), rituximab x2 (Oct 2024), belimumab since 2025" each "xN" is its own drug's,
    and "since" makes belimumab ongoing without making rituximab so."""
    chain = _coordinated(ctx, span, lo, hi)
    first = bisect.bisect_left(ctx.drug_starts, lo)
    last = bisect.bisect_left(ctx.drug_starts, hi)
    drugs = [
        d
        for d in ctx.drug_spans[first:last]
        if d.start_char not in chain
        and not (d.start_char < span.end_char and d.end_char > span.start_char)
    ]
    members = [d for d in ctx.drug_spans[first:last] if d.start_char in chain] or [span]
    head = min(d.start_char for d in members)
    tail = max(d.end_char for d in members)
    start = max([lo] + [d.end_char for d in drugs if d.end_char <= head])
    clause = _CLAUSE_BREAK_BEFORE.search(ctx.text, start, head)
    while clause is not None:
        start = clause.end()
        clause = _CLAUSE_BREAK_BEFORE.search(ctx.text, start, head)
    end = min([hi] + [d.start_char for d in drugs if d.start_char >= tail])
    return start, end


# A pause that ends one drug's part of a history: "... (2021); tacrolimus", ", then MMF".
_CLAUSE_BREAK_BEFORE = re.compile(r"[;:]|,\s*(?:then|and|followed\s+by)?|\bthen\b", re.I)


_SINCE_ONSET = re.compile(
    r"\ball\s+along\b|\bthroughout\b(?!\s+(?:the\s+)?(?:day|night|week|admission|stay))|"
    r"\bsince\s+(?:the\s+)?(?:onset|disease\s+onset|start|beginning)\b|"
    r"\bfrom\s+the\s+(?:start|beginning|onset)\b",
    re.I,
)
_BARE_SINCE = re.compile(r"\s*(?:ever\s+)?since(?:\s+then)?\s*(?:[.;,)]|$)", re.I)


def _dates_earlier_drug(
    mention: DateMention, mentions: list[DateMention], others: list[Span]
) -> bool:
    """Is a date written before this drug the first date after an earlier drug? Then it is
    that drug's: in "azathioprine (2019-2020) and tacrolimus for the past 5 months" the
    range is azathioprine's, and tacrolimus's start comes from its own duration."""
    earlier = [o for o in others if o.end_char <= mention.start]
    if not earlier:
        return False
    owner = max(earlier, key=lambda o: o.end_char)
    return not any(owner.end_char <= m.start and m.end <= mention.start for m in mentions)


def _drug(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(ctx, span)
    sentence = ctx.text[lo:hi]
    rel_start, rel_end = span.start_char - lo, span.end_char - lo
    attrs: dict = {}
    before_text = sentence[:rel_start]
    after_text = sentence[rel_end:]
    start_date, stop_date = _drug_dates(ctx, span, lo, hi)
    written = start_date is not None and stop_date is None  # one date written for it
    durations = find_durations(sentence)
    event, owned = _after_event(ctx, span, lo, hi, durations + _article_intervals(sentence))
    if event is not None:
        start_date = event.point
        stop_date = None if event.starts else event.point
        durations = []
    else:
        durations = [d for d in durations if d.start not in owned]
    if durations:
        duration = min(durations, key=lambda d: abs(d.start - rel_end))
        attrs["duration_days"] = duration.days
        reference = stop_date or ctx.note_date
        if start_date is None:
            start_date = reference - dt.timedelta(days=duration.days)
        elif stop_date is None and re.search(
            r"\bfor\b", sentence[duration.start - 6 : duration.start]
        ):
            stop_date = start_date + dt.timedelta(days=duration.days)
    item_lo, item_hi = _drug_item(ctx, span, lo, hi)
    item = ctx.text[item_lo:item_hi]
    lead_lo = max(item_lo, span.start_char - 60)
    if written and start_date and stop_date is None and (
        _COURSE_DONE_BEFORE.search(ctx.text, lead_lo, span.start_char)
        or _EVENT_OBJECT_BEFORE.search(ctx.text, lead_lo, span.start_char)
    ):
        stop_date = start_date  # a course that is over, by one date: it ran then
    regimen = _REGIMEN.search(ctx.text, span.end_char, item_hi) or _REGIMEN.search(
        ctx.text, item_lo, span.start_char
    )
    if regimen:
        attrs["regimen"] = regimen.group(0)
    if start_date is None and _SINCE_ONSET.search(item):
        attrs["since_onset"] = True  # dated by _date_from_onset once the note is read
    if re.search(
        r"\b(stopped|discontinued|ceased|withdrawn|held|off)\b",
        after_text[:40] + before_text[-30:],
        re.I,
    ):
        attrs["stopped"] = True
    if start_date and stop_date is None and _SINGLE_DOSE.search(item) and not _ONGOING.search(item):
        # "Rituximab given 20/08/2026": the exposure is that day, not every later note's.
        attrs["single_dose"] = True
    attrs["start_date"] = start_date
    attrs["stop_date"] = stop_date
    attrs["documented_by"] = ctx.note_date
    attrs.update(_dose(ctx, span, lo, hi))
    if _recap(ctx, span, attrs, item_lo, item_hi):
        attrs["recap"] = True
    date, source = (start_date, "text") if start_date else _context_date(ctx, span.start_char)
    # A class in a note ("anti-CD20 therapy", "immunosuppressants") stays a class:
    # expanding it would invent exposures to every member drug.
    finding = Finding(
        concept=concept.id,
        category="drug",
        note_id=ctx.note_id,
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        assertion=Assertion(_charted_not_given(ctx, span) or span._.assertion),
        code=concept.code,
        date=date,
        date_source=source,
        attrs=attrs,
    )
    yield finding
    yield from _listed_doses(ctx, finding, hi)
    if concept.category == "drug_class" and _naive_by_negated_class(ctx, span, lo, hi):
        naive = ctx.vocabulary["status.treatment_naive"]
        yield _finding(
            ctx,
            naive,
            span.start_char,
            span.end_char,
            "affirmed",
            date=date,
            date_source=source,
            attrs={"from_negated_class": concept.id},
        )


# Words that say a drug is given or taken at the time of the sentence: "on", "restarted",
# "given", "continue", "today", a dose or a cycle.
_GIVEN_NOW = re.compile(
    r"\b(?:on|started|starting|restarted|re-started|commenced|resumed|given|giving|received|"
    r"receiving|administered|continue[sd]?|continuing|ongoing|current(?:ly)?|now|today|added|"
    r"adding|increased?|reduced?|switched|new|doses?|infusions?|cycles?|pulses?)\b",
    re.I,
)


def _recap(ctx: _Context, span: Span, attrs: dict, item_lo: int, item_hi: int) -> bool:
    """A drug named in a summary of past treatment, with no date, dose, regimen or word of
    giving of its own: "refractory despite steroids, CTX and MMF", "(Pred, CTX, RTX)". It
    says the drug was given some time up to the note, not on the note's date; the
    evaluator places it on a course of that drug documented with its end, if any."""
    if attrs.get("start_date") or attrs.get("stop_date") or attrs.get("regimen"):
        return False
    if attrs.get("dose") or attrs.get("since_onset"):
        return False
    return not _GIVEN_NOW.search(ctx.text, item_lo, item_hi)


# A medication chart's status cell: "| Lenograstim 263 mcg SC | held |".
_NOT_GIVEN_CELL = re.compile(
    r"\|\s*(?:held|omitted|not\s+given|not\s+administered|refused|declined|missed|"
    r"withheld|cancel+ed|skipped)\b",
    re.I,
)
# Dates listed one after another: "given on 12/6/26 and 13/6/26", "28/10, 29/10 and 30/10".
_DATE_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|\+\s*)(?:on\s+)?$", re.I)


def _charted_not_given(ctx: _Context, span: Span) -> str | None:
    """ "negated" for a dose a chart row marks as held, omitted or not given."""
    line_end = _line_end(ctx.text, span.end_char)
    return "negated" if _NOT_GIVEN_CELL.search(ctx.text, span.end_char, line_end) else None


def _listed_doses(ctx: _Context, finding: Finding, hi: int) -> Iterable[Finding]:
    """A single dose given on several listed dates is one dose per date: "filgrastim 300
    mcg given on 12/6/26 and 13/6/26" is two doses, each with its own day."""
    if not finding.attrs.get("single_dose") or finding.date_source != "text":
        return
    first = bisect.bisect_left(ctx.date_starts, finding.end)
    last = bisect.bisect_left(ctx.date_starts, hi)
    mentions = [m for m in ctx.dates[first:last] if m.end <= hi]
    previous = next((m for m in mentions if m.date == finding.date), None)
    if previous is None:
        return
    for mention in mentions[mentions.index(previous) + 1 :]:
        if mention.date is None or not _DATE_LIST_GAP.match(
            ctx.text[previous.end : mention.start]
        ):
            return
        attrs = dict(finding.attrs, start_date=mention.date)
        yield dataclasses.replace(finding, date=mention.date, attrs=attrs)
        previous = mention


# "Not on any immunosuppressant" says nothing of the past unless the words reach back:
# "not on any immunosuppressants till date" is treatment-naive, "not on any now" is not.
_CURRENT_ONLY = re.compile(r"\bnot\s+(?:currently\s+)?(?:on|taking|receiving)\b", re.I)
_EVER = re.compile(
    r"\b(?:to|till|until)\s+date\b|\bso\s+far\b|\byet\b|\bever\b|\buntil\s+now\b|"
    r"\bprior\b|\bprevious(?:ly)?\b|\bbefore\b",
    re.I,
)
# "no immunosuppression other than prednisolone": the exception was taken.
_EXCEPTION = re.compile(
    r"\b(?:other\s+than|except(?:\s+for)?|apart\s+from|aside\s+from|besides|save\s+for|but)\b", re.I
)


def _naive_by_negated_class(ctx: _Context, span: Span, lo: int, hi: int) -> bool:
    """Treatment-naive stated as a negated class: "she has never been given an
    immunosuppressant", "no prior steroid or DMARD", "Immunosuppression: nil". The drugs
    and classes negated in the sentence must together cover every immunosuppressant (a
    negated sub-class, "no calcineurin inhibitor", is not naivety), and no exception may
    name one ("no immunosuppression other than oral prednisolone")."""
    if span._.assertion != "negated":
        return False
    global_classes = [
        c
        for c in ctx.vocabulary.by_category("drug_class")
        if c.attrs.get("treatment_naive_when_negated")
    ]
    if not global_classes:
        return False
    first = bisect.bisect_left(ctx.drug_starts, lo)
    sentence_drugs = ctx.drug_spans[first : bisect.bisect_left(ctx.drug_starts, hi)]
    negated: set[str] = set()
    for drug in sentence_drugs:
        if drug._.assertion == "negated":
            negated |= set(ctx.vocabulary[drug.label_].members)
    if not any(set(c.members) <= negated for c in global_classes):
        return False
    sentence = ctx.text[lo:hi]
    if _CURRENT_ONLY.search(sentence) and not _EVER.search(sentence):
        return False
    exception = _EXCEPTION.search(ctx.text, span.end_char, hi)
    if exception is not None:
        members = set().union(*(c.members for c in global_classes))
        if any(d.start_char >= exception.end() and d.label_ in members for d in sentence_drugs):
            return False
    return True


def _biopsies(ctx: _Context, concepts: list[Span]) -> Iterable[Finding]:
    """Kidney biopsy results: an ISN/RPS (or WHO) class, or another kidney disease.

    "Renal biopsy (Feb 10, 2024): lupus nephritis class IV+V" and a pathology
    report's "DIAGNOSIS: Lupus nephritis, class IV-G (A)" both give a biopsy
    finding dated by the text, else by the report itself.
    """
    text = ctx.text
    spans_by_sentence: dict[tuple[int, int], list[Span]] = {}
    for span in concepts:
        spans_by_sentence.setdefault(_sentence_bounds(ctx, span), []).append(span)
    previous: tuple[int, int] | None = None
    for lo, hi in ctx.sentences.bounds():
        sentence = text[lo:hi]
        mentions = spans_by_sentence.get((lo, hi), [])
        before, previous = previous, (lo, hi)
        labels = {s.label_ for s in mentions}
        has_ln = "dx.lupus_nephritis" in labels or bool(_CLASS_SYSTEM.search(sentence))
        has_biopsy = (
            "proc.kidney_biopsy" in labels
            or _in_biopsy_report(ctx, lo)
            or _result_of_biopsy_before(ctx, sentence, lo, before, spans_by_sentence)
        )
        if not (has_ln or has_biopsy):
            # Both findings below need one or the other: the class grammar (eight
            # regexes) is only run on sentences about a biopsy or lupus nephritis.
            continue
        clauses = _class_clauses(sentence)
        if len(clauses) > 1:
            yield from _clause_biopsies(ctx, lo, clauses, mentions, before, spans_by_sentence)
            continue
        classes, cls_start, cls_end = _classes(sentence)
        if not classes and has_biopsy and _in_biopsy_report(ctx, lo):
            classes, cls_start, cls_end = _labelled_classes(sentence)
        if classes:
            anchor = next(
                (s for s in mentions if s.label_ in ("dx.lupus_nephritis", "proc.kidney_biopsy")),
                None,
            )
            assertion = _biopsy_assertion(mentions)
            start = lo + cls_start
            end = lo + cls_end
            if (
                anchor is not None
                and anchor.label_ == "dx.lupus_nephritis"
                and anchor.start_char < start
                and start - anchor.end_char < 25
            ):
                start = anchor.start_char
            # "Lupus nephritis (biopsy 03/2026 - class IV+V)": the class's own date, even
            # where the evidence span starts at the disease's name before it.
            dated = _biopsy_date(ctx, lo + cls_start, end, lo, hi, before, spans_by_sentence)
            yield _class_biopsy(ctx, start, end, classes, assertion, dated)
            continue
        denied_ln = [
            s for s in mentions if s.label_ == "dx.lupus_nephritis" and s._.assertion == "negated"
        ]
        other = [
            s
            for s in mentions
            if _other_kidney_disease(ctx.vocabulary, s.label_) and s._.assertion == "affirmed"
        ]
        affirmed_ln = any(
            s.label_ == "dx.lupus_nephritis" and s._.assertion == "affirmed" for s in mentions
        )
        # A report that names classes only to deny them ("no class III or IV features")
        # and is about this biopsy: a biopsy without those classes (dropped in
        # _denials_beside_a_class where the report asserts a class elsewhere).
        denied_classes = (
            _in_biopsy_report(ctx, lo)
            and _biopsy_assertion(mentions) in PATIENT_ASSERTIONS
            and _names_classes_only_to_deny(sentence)
        )
        # A biopsy showing another disease, or a report saying "No evidence of lupus
        # nephritis", is a biopsy without any ISN/RPS class.
        if has_biopsy and not affirmed_ln and (
            other or (denied_ln and _in_biopsy_report(ctx, lo)) or denied_classes
        ):
            anchor = other[0] if other else None
            start = anchor.start_char if anchor else lo
            end = anchor.end_char if anchor else _trim(text, lo, hi)
            date, source = _biopsy_date(ctx, start, end, lo, hi, before, spans_by_sentence)
            yield Finding(
                concept="biopsy.kidney",
                category="biopsy",
                note_id=ctx.note_id,
                start=start,
                end=end,
                text=text[start:end],
                assertion=Assertion.AFFIRMED,
                code="SNOMED:9911007",
                value="other",
                date=date,
                date_source=source,
                attrs={
                    "classes": [],
                    "other_disease": _classless_label(anchor, bool(denied_ln)),
                    **({"classes_denied": True} if denied_classes and not anchor else {}),
                },
            )


def _classless_label(anchor: Span | None, denied_ln: bool) -> str:
    """What a biopsy without a class showed, for the explanation ("most recent biopsy
    shows ...")."""
    if anchor is not None:
        return anchor.text
    if denied_ln:
        return "no lupus nephritis on biopsy"
    return "no class asserted (the classes named are denied)"


def _names_classes_only_to_deny(sentence: str) -> bool:
    """ "no class III or IV features on light microscopy": a class is named, none is
    asserted."""
    return _CLASS_RE.search(sentence) is not None and not _classes(sentence)[0]


def _denials_beside_a_class(biopsies: list[Finding]) -> list[Finding]:
    """A report that asserts a class somewhere ("DIAGNOSIS: class IV-G ... features of
    class V are absent") is decided by that class: its denials are no biopsy of their own."""
    if not any(f.attrs.get("classes") for f in biopsies):
        return biopsies
    return [f for f in biopsies if not f.attrs.get("classes_denied")]


# The line of a pathology report that states its diagnosis: "DIAGNOSIS:", "Final
# diagnosis -", "Impression:", "CONCLUSION:", "Revised conclusion:", "Pathological dx:".
_DIAGNOSIS_LABEL = re.compile(
    r"[\W\d]{0,4}(?:(?:final|revised|amended|pathologic(?:al)?|histologic(?:al)?|"
    r"histopathologic(?:al)?|renal|kidney|biopsy|microscopic|overall)\s+)*"
    r"(?:diagnos[ie]s|dx|impression|conclusions?|interpretation|opinion)\b[^:\n]{0,30}?"
    r"\s*[:\-–—]",
    re.I,
)


def _on_diagnosis_line(text: str, position: int) -> bool:
    """Is `position` on a report's diagnosis line, or under a diagnosis label that stands
    alone on the line before ("DIAGNOSIS:\nLupus nephritis, class IV-G")?"""
    line_start = text.rfind("\n", 0, position) + 1
    if _DIAGNOSIS_LABEL.match(text, line_start):
        return True
    if line_start == 0:
        return False
    previous = text.rfind("\n", 0, line_start - 1) + 1
    label = _DIAGNOSIS_LABEL.match(text, previous)
    return label is not None and not text[label.end() : line_start].strip()


# What may follow a class named bare after a diagnosis label: the sentence's end, a
# comma, a bracket or the disease's name ("Conclusion: III (A/C) with V.", "Impression:
# IV-S, lupus nephritis"); "Conclusion: I agree with ..." names no class.
_BARE_CLASS_END = re.compile(r"\s*(?:$|[.;,(]|lupus\b|LN\b|ISN\b)", re.I)


def _labelled_classes(sentence: str) -> tuple[tuple[str, ...], int, int]:
    """A report's diagnosis line that names the class without the word "class":
    "CONCLUSION: III (A/C) with V", "Final diagnosis - IV-G (A) + V". Read as if the
    word were there, on the diagnosis line only."""
    label = _DIAGNOSIS_LABEL.match(sentence)
    if label is None:
        return (), 0, 0
    rest = sentence[label.end() :]
    lead = len(rest) - len(rest.lstrip())
    prefix = "class "
    classes, start, end = _classes(prefix + rest[lead:])
    if not classes or start != 0 or not _BARE_CLASS_END.match(rest, lead + end - len(prefix)):
        return (), 0, 0
    offset = label.end() + lead - len(prefix)
    return classes, offset + len(prefix), offset + end


def _report_diagnosis_decides(ctx: _Context, biopsies: list[Finding]) -> list[Finding]:
    """In a pathology report, the diagnosis line decides the class: a comment that names a
    class to weigh it ("the clinician queried class III", "class VI is excluded", "below
    the threshold for class IV") is no second biopsy. A class with a date of its own
    elsewhere in the report ("previous biopsy 2023: class III") is another biopsy: kept."""
    classed = [f for f in biopsies if f.attrs.get("classes")]
    if len(classed) < 2 or not _in_biopsy_report(ctx, 0):
        return biopsies
    decided = [f for f in classed if _on_diagnosis_line(ctx.text, f.start)]
    if not decided:
        return biopsies
    dates = {f.date for f in decided}
    return [
        f
        for f in biopsies
        if f in decided
        or not f.attrs.get("classes")
        or (f.date_source == "text" and f.date not in dates)
    ]


def _undated(date: dt.date, source: str) -> tuple[dt.date | None, str]:
    """A class stated with no date of the biopsy ("Renal biopsy showed class III LN" in a
    referral) gets no date at all: the note's date would pass for the biopsy's (GUIDELINE
    B3: "no way to date it"). A copied block's header still dates it."""
    return (date, source) if source == "heading" else (None, "none")


def _class_clauses(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence that each name a class of their own: "Known class V LN
    (biopsy 2022); this admission's biopsy on 5 March 2026 showed class IV+V" holds two
    biopsies. One clause (the whole sentence) when fewer than two do."""
    if ";" not in sentence:
        return [(0, len(sentence))]
    clauses, start = [], 0
    for part in sentence.split(";"):
        clauses.append((start, start + len(part)))
        start += len(part) + 1
    with_class = [c for c in clauses if _classes(sentence[c[0] : c[1]])[0]]
    return with_class if len(with_class) > 1 else [(0, len(sentence))]


def _clause_biopsies(
    ctx: _Context,
    lo: int,
    clauses: list[tuple[int, int]],
    mentions: list[Span],
    before: tuple[int, int] | None,
    spans_by_sentence: dict[tuple[int, int], list[Span]],
) -> Iterable[Finding]:
    """One biopsy per clause that names a class, each dated within its own clause."""
    for index, (c_lo, c_hi) in enumerate(clauses):
        start_at, end_at = lo + c_lo, lo + c_hi
        classes, cls_start, cls_end = _classes(ctx.text[start_at:end_at])
        start, end = start_at + cls_start, start_at + cls_end
        own = [s for s in mentions if start_at <= s.start_char < end_at]
        dated = _biopsy_date(
            ctx, start, end, start_at, end_at, before if index == 0 else None, spans_by_sentence
        )
        yield _class_biopsy(ctx, start, end, classes, _biopsy_assertion(own), dated)


def _class_biopsy(
    ctx: _Context,
    start: int,
    end: int,
    classes: tuple[str, ...],
    assertion: str,
    dated: tuple[dt.date, str],
) -> Finding:
    """A biopsy finding with these classes, dated by `dated` (date, source)."""
    date, source = dated
    attrs: dict = {"classes": list(classes)}
    if source in ("note", "heading") and not _in_biopsy_report(ctx, start):
        # "Known class IV LN" in a clinic letter says nothing of when the biopsy was
        # done; only a pathology report is dated by its own date.
        attrs["undated"] = True
        date, source = _undated(date, source)
    return Finding(
        concept="biopsy.kidney",
        category="biopsy",
        note_id=ctx.note_id,
        start=start,
        end=end,
        text=ctx.text[start:end],
        assertion=Assertion(assertion),
        code="SNOMED:9911007",
        value="+".join(classes),
        date=date,
        date_source=source,
        attrs=attrs,
    )


# What _CLASS_RE and _DESCRIPTIVE_CLASSES cannot match without (lower case).
_CLASS_WORDS = (
    "class", "isn", "who", "lupus", "ln", "cl",
    "mesangial", "focal", "diffuse", "membranous", "sclerosing",
)  # fmt: skip
_CLASS_SYSTEM = re.compile(r"\b(?:ISN|RPS|WHO)\b")
_BIOPSY_YEAR = re.compile(
    r"\bbiops\w*\s*(?:in\s+|\(\s*)?(?P<y>(?:19|20)\d{2})\b(?!\s*[-/.]\s*\d)", re.I
)


def _biopsy_date(
    ctx: _Context,
    start: int,
    end: int,
    lo: int,
    hi: int,
    before: tuple[int, int] | None,
    spans_by_sentence: dict[tuple[int, int], list[Span]],
) -> tuple[dt.date, str]:
    """The biopsy's own date: in its sentence; else in the sentence before when that one
    is about the biopsy ("Date of renal biopsy: 2 Sept 2026. Class IV-S (A/C)."); else a
    bare year after "biopsy" ("Renal biopsy 2024: class IV"); else the heading or note."""
    mention = _date_near(ctx, start, end, lo, hi)
    if mention is not None and mention.date is not None:
        return mention.date, "text"
    if before is not None and "\n\n" not in ctx.text[before[1] : lo]:
        about = [s for s in spans_by_sentence.get(before, []) if s.label_ == "proc.kidney_biopsy"]
        if about:
            mention = _date_near(ctx, about[0].start_char, about[0].end_char, *before)
            if mention is not None and mention.date is not None:
                return mention.date, "text"
    year = _BIOPSY_YEAR.search(ctx.text, lo, hi) or _YEAR_BEFORE_CLASS.search(ctx.text, lo, hi)
    if year is not None:
        return resolve_partial(int(year.group("y"))), "text"
    date, source = _context_date(ctx, lo)
    if _in_biopsy_report(ctx, lo):
        # A report's header dates the procedure; its "Reported:" line or the note's own
        # date is when the paper was written, days later.
        procedure = _report_event_date(ctx, lo)
        if procedure is not None and procedure <= date:
            return procedure, "text"
    return date, source


# "(2023: class III; Feb 2026: class IV-S)": a bare year labelling a class.
_YEAR_BEFORE_CLASS = re.compile(
    r"(?<![\d/.\-])(?P<y>(?:19|20)\d{2})\s*[:\-–]\s*(?:ISN\s*/\s*RPS\s*)?class\b", re.I
)
_REPORT_HEADING = re.compile(r"biops|patholog|histolog|microscop", re.I)


def is_report_heading(line: str) -> bool:
    """A heading line that makes a note a pathology report ("RENAL BIOPSY REPORT")."""
    return bool(_REPORT_HEADING.search(line))


def _in_biopsy_report(ctx: _Context, position: int) -> bool:
    """The note is a kidney pathology report: its type says so, or a heading does
    ("RENAL BIOPSY REPORT", "Histopathology:"), in this doc or, for a piece of a long
    note, anywhere in the note."""
    if ctx.is_report is None:
        note_type = (ctx.doc._.note_type or "").lower()
        carried = note_context(ctx.doc)
        ctx.is_report = (
            any(w in note_type for w in ("path", "biops", "histo"))
            or any(
                is_report_heading(ctx.text[s.start_char : _line_end(ctx.text, s.start_char)])
                for s in ctx.doc.spans.get(SECTIONS_KEY, [])
            )
            or (carried is not None and carried.report)
        )
    return ctx.is_report


# A sentence that gives the result of the biopsy the sentence before describes:
# "Renal biopsy performed 14/07/2026. Histology: class III + V."
_RESULT_LEAD = re.compile(
    r"\W{0,3}(?:histolog\w*|histopatholog\w*|patholog\w*|results?|findings?|diagnosis|"
    r"conclusions?|impression|report|it\s+showed|showed|shows|class\b)",
    re.I,
)


def _result_of_biopsy_before(
    ctx: _Context,
    sentence: str,
    lo: int,
    before: tuple[int, int] | None,
    spans_by_sentence: dict[tuple[int, int], list[Span]],
) -> bool:
    if before is None or "\n\n" in ctx.text[before[1] : lo] or not _RESULT_LEAD.match(sentence):
        return False
    return any(
        s.label_ == "proc.kidney_biopsy" and s._.assertion in ("affirmed", "historical")
        for s in spans_by_sentence.get(before, [])
    )


def _biopsy_assertion(mentions: list[Span]) -> str:
    for span in mentions:
        if span.label_ in ("dx.lupus_nephritis", "proc.kidney_biopsy"):
            return span._.assertion
    return "affirmed"


_NEGATED_BEFORE = re.compile(
    r"\b(?:no|not|without|nor|absence\s+of|negative\s+for)\s+"
    r"(?:\w+\s+){0,3}$",
    re.I,
)
# A class named only to be denied or doubted after it: "features of class III or IV are
# absent", "class VI is excluded", "class IV cannot be ruled out", "class III is not
# supported". The words run to the end of the clause (";" or ".").
_DENIED_AFTER = re.compile(
    r"[^.;:,]{0,40}?\b(?:(?:is|are|was|were|has\s+been|have\s+been|be)\s+)?(?:absent|"
    r"excluded|ruled\s+out|not\s+(?:seen|identified|present|found|met|fulfilled|supported|"
    r"excluded|evident|demonstrated)|unlikely|cannot\s+be\s+(?:excluded|ruled\s+out)|"
    r"can\s*not\s+be\s+(?:excluded|ruled\s+out))\b",
    re.I,
)
# A class named as a question, a threshold or an alternative: "the clinician queried
# class III", "below the 50 % threshold for class IV", "asked about class IV".
_NOT_ASSERTED_BEFORE = re.compile(
    r"\b(?:quer(?:y|ied)|asked\s+about|threshold\s+for|criteria\s+for|rather\s+than|"
    r"instead\s+of|versus|vs\.?|differential(?:\s+diagnosis)?(?:\s+of|\s+includes?)?)\s+"
    r"(?:\w+\s+){0,2}$",
    re.I,
)


def _classes(sentence: str) -> tuple[tuple[str, ...], int, int]:
    """The ISN/RPS classes a sentence asserts. "No class III or IV component identified"
    names classes only to deny them, so it asserts none."""
    if sentence.isascii():
        # Every class pattern needs one of these words: most sentences are let go
        # after a few substring tests instead of seven regex scans.
        lowered = sentence.lower()
        if not any(word in lowered for word in _CLASS_WORDS):
            return (), 0, 0
    match = next(
        (
            m
            for m in _CLASS_RE.finditer(sentence)
            if not _NEGATED_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()])
            and not _NOT_ASSERTED_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()])
            and not _DENIED_AFTER.match(sentence, m.end())
        ),
        None,
    )
    if match:
        found = [_ROMAN[match.group("c1").upper()]]
        for extra in _CLASS_IN_MORE.finditer(match.group("more") or ""):
            found.append(_ROMAN[extra.group(1).upper()])
        end = match.end()
        tail = re.match(r"\s*\((?:[AC]|A/C)\)", sentence[end:])
        if tail:
            end += tail.end()
        ordered = tuple(sorted(set(found), key=list(_ROMAN.values()).index))
        return ordered, match.start(), end
    for pattern, classes in _DESCRIPTIVE_CLASSES:
        hit = pattern.search(sentence)
        if hit:
            return classes, hit.start(), hit.end()
    return (), 0, 0


def _allergies(ctx: _Context) -> list[Finding]:
    """Allergy lists, allergy and intolerance statements, "NKDA" (matcher.nlp.allergy)."""
    sections = [(s.start_char, s.end_char, s.label_) for s in ctx.doc.spans.get(SECTIONS_KEY, [])]
    drugs = [DrugSpan(s.start_char, s.end_char, s.label_) for s in ctx.drug_spans]
    carried = note_context(ctx.doc)
    return allergy_findings(ctx.text, sections, drugs, ctx.note_id, ctx.note_date,
                            carried.section if carried is not None else None)  # fmt: skip


def _ages(ctx: _Context) -> Iterable[Finding]:
    text = ctx.text
    seen: set[int] = set()
    for pattern in _AGE_RES:
        for match in pattern.finditer(text):
            if match.start() in seen:
                continue
            word = match.groupdict().get("w")
            years = _AGE_WORDS[word.lower()] if word else int(match.group("n"))
            seen.add(match.start())
            if _AT_AN_EVENT.search(text, max(0, match.start() - 40), match.start()):
                continue  # "diagnosed at age 12": the onset age (_diagnosis_timing)
            yield Finding(
                concept="demographic.age",
                category="demographic",
                note_id=ctx.note_id,
                start=match.start(),
                end=match.end(),
                text=match.group(0),
                value=float(years),
                unit="years",
                date=ctx.note_date,
                date_source="note",
            )
    for match in _DOB_RE.finditer(text):
        after = [
            d
            for d in ctx.dates
            if match.end() <= d.start <= match.end() + 3 and d.date and d.precision == "day"
        ]
        if after:
            mention = after[0]
            yield Finding(
                concept="demographic.birth_date",
                category="demographic",
                note_id=ctx.note_id,
                start=match.start(),
                end=mention.end,
                text=text[match.start() : mention.end],
                value=mention.date.isoformat(),
                date=mention.date,
                date_source="text",
            )


# ------------------------------------------------------------- vitals, serology, states
# What the criterion kinds of matcher.criteria.kinds are decided on: blood pressure pairs,
# serology results with their polarity, pregnancy and lactation as a current state, drug
# doses, and when and at what age a disease was diagnosed.

_PAIR_VALUE = re.compile(
    r"^\s*(?:[:=]|is|was|of)?\s*(?P<s>\d{2,3})\s*/\s*(?P<d>\d{2,3})(?![\d/])"
    r"(?:\s*(?P<unit>mm\s*Hg|mmHg|kPa)\b)?",
    re.I,
)


def _pressure(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "BP 128/76", "Blood pressure 142/95 mmHg": one reading, two findings."""
    m = _PAIR_VALUE.match(_window_after(ctx, span))
    if m is None:
        return
    factor = convert_factor(concept.attrs.get("family", ""), m["unit"] or "mmHg")
    if factor is None:
        return
    systolic, diastolic = float(m["s"]) * factor, float(m["d"]) * factor
    if not (50 <= systolic <= 300 and 20 <= diastolic <= 200 and systolic > diastolic):
        return  # "BP 12/08" is a date, "80/120" a typo: neither is read
    end = span.end_char + m.end()
    date, source = _value_date(ctx, span, end)
    for concept_id, value, raw in zip(
        concept.attrs["pair"], (systolic, diastolic), (m["s"], m["d"]), strict=True
    ):
        part = ctx.vocabulary[concept_id]
        yield _finding(
            ctx,
            part,
            span.start_char,
            end,
            span._.assertion,
            value=round(value, 6),
            unit=part.canonical_unit,
            raw_value=raw,
            raw_unit=m["unit"],
            date=date,
            date_source=source,
        )


_SERO_NEGATIVE = re.compile(
    r"\b(?:negative|neg|non-?reactive|not\s+reactive|not\s+detected|undetectable|"
    r"non-?detect\w*|absent|nil)\b|(?<!\w)-ve\b",
    re.I,
)
_SERO_POSITIVE = re.compile(
    r"\b(?:positive|pos|reactive|detected|detectable|present)\b|\+(?!\w)|\+ve\b", re.I
)
_VIRAL_LOAD = re.compile(
    r"^\s*(?:[:=]|is|was|of)?\s*(?P<cmp><=?|≤|less\s+than|below)?\s*(?P<num>\d[\d,]*(?:\.\d+)?)",
    re.I,
)
_NOT_RESULTS = frozenset({"hypothetical", "family", "uncertain"})


def _polarity(window: str, concept: Concept) -> re.Match[str] | None:
    """The result word after a test: negative words first ("non-reactive" holds
    "reactive"), then positive; a viral load gives a number ("< 20 IU/mL" is below
    detection)."""
    for pattern in (_SERO_NEGATIVE, _SERO_POSITIVE):
        found = pattern.search(window[:40])
        if found is not None and not re.search(r"[;.]", window[: found.start()]):
            return found
    if concept.attrs.get("serology", {}).get("viral_load"):
        return _VIRAL_LOAD.match(window)
    return None


def _serology_finding(
    ctx: _Context, span: Span, concept: Concept, window_start: int, window: str
) -> Iterable[Finding]:
    if span._.assertion in _NOT_RESULTS:
        return
    found = _polarity(window, concept)
    if found is None:
        if span._.assertion != "negated":
            return  # "check HBsAg", "HBsAg pending": a test with no result
        result, end = "negative", span.end_char  # "negative for HBsAg and anti-HCV"
    elif found.re is _VIRAL_LOAD:
        number = float(found["num"].replace(",", ""))
        result = "negative" if found["cmp"] or number == 0 else "positive"
        end = window_start + found.end()
    else:
        result = "negative" if found.re is _SERO_NEGATIVE else "positive"
        end = window_start + found.end()
    if span._.assertion == "negated" and result == "positive":
        result = "negative"  # "no HBsAg positivity"
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        "affirmed",  # a result is a fact about a test that was done, whatever its polarity
        date=date,
        date_source=source,
        attrs={"result": result},
    )


def _serology(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """ "HBsAg negative", "HCV Ab non-reactive", "HIV 1/2 Ag/Ab negative", "HBcAb +",
    "HBV DNA < 20 IU/mL", "Negative for HBsAg"."""
    yield from _serology_finding(ctx, span, concept, span.end_char, _window_after(ctx, span))


def _marker_after_infection(ctx: _Context, span: Span, concept: Concept) -> list[Finding]:
    """ "Hepatitis C antibody not detected": the infection's name and a test word after it
    (concepts.jsonl `marker_words`) are that test's result, beside the infection mention."""
    after = ctx.text[span.end_char : span.end_char + 40]
    for word, marker_id in concept.attrs["marker_words"].items():
        m = re.match(rf"\s+(?:virus\s+)?{re.escape(word)}\b", after, re.I)
        if m is not None:
            marker = ctx.vocabulary[marker_id]
            start = span.end_char + m.end()
            lo, hi = _sentence_bounds(ctx, span)
            window = ctx.text[start : _item_end(ctx, start, hi)]
            return list(_serology_finding(ctx, span, marker, start, window))
    return []


_PAST_BEFORE = re.compile(
    r"\b(?:previous|prior|past|last|former|earlier|first|second|third|history\s+of|hx\s+of|"
    r"h/o|s/p|since)\s+(?:\w+\s+){0,2}$",
    re.I,
)
_STATE_TEST = re.compile(
    r"^\s*(?:test|screen|hcg|β-?hcg|beta-?hcg)\b[^.;\n]{0,20}?\b(?P<r>negative|positive|neg|pos)\b",
    re.I,
)


# Pregnancy as a topic, not a state: counselling, plans, prevention, a test not resulted.
_TOPIC_BEFORE = re.compile(
    r"\b(?:avoid\w*|against|prevent\w*|risk\s+of|plan\w*|desir\w*|wish\w*|want\w*|"
    r"intend\w*|hop\w*|counsel\w*|discuss\w*|advis\w*|contracept\w*|teratogen\w*|"
    r"future|consider\w*|potential|childbearing|become|becoming|get|getting|trying|"
    r"attempt\w*|until|before|prior\s+to|in\s+case\s+of|if)\b[^.;\n]*$",
    re.I,
)
_TOPIC_AFTER = re.compile(
    r"^\W*(?:prevention|planning|plans?|counsel\w*|must|should|is\s+(?:contraindicated|"
    r"not\s+advised)|in\s+(?:the\s+)?future|next|risk|programme|program|category|"
    r"test(?:ing)?\b(?!\s*(?:was\s+|is\s+|:\s*)?(?:positive|negative|pos|neg)\b))",
    re.I,
)
# What makes a noun "pregnancy" a stated state: its age, a confirmation, a positive test.
_STATE_CLUE = re.compile(
    r"\b\d+\s*(?:\+\s*\d\s*)?(?:weeks?|wks?|/40)\b|\btrimester\b|\bgestation\b|"
    r"\bconfirm\w*|\bongoing\b|\bcurrent(?:ly)?\b|\bintrauterine\b|\bviable\b|"
    r"\bEDD\b|\bdue\s+date\b|\bpositive\b",
    re.I,
)


def _state(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    """Pregnancy and lactation as the patient's current state. "Previous pregnancy",
    "last pregnancy in 2019", "pregnancies" (G2P2) are past; "pregnancy test negative"
    documents that she is not pregnant; counselling, plans and a test not yet resulted
    ("avoid pregnancy on MMF", "pregnancy test ordered") are a topic, not her state, and
    a bare noun "pregnancy" is a state only with a clue (weeks, "confirmed", "ongoing")."""
    for finding in _mention(ctx, span, concept):
        lo, hi = _sentence_bounds(ctx, span)
        before = ctx.text[max(lo, span.start_char - 40) : span.start_char]
        after = ctx.text[span.end_char : min(hi, span.end_char + 40)]
        attrs = dict(finding.attrs)
        assertion = finding.assertion
        test = _STATE_TEST.match(after)
        if test is not None:
            result = "negative" if test["r"].lower().startswith("neg") else "positive"
            attrs["test"] = result
            assertion = Assertion.NEGATED if result == "negative" else Assertion.AFFIRMED
        elif _PAST_BEFORE.search(before) or span.text.lower().endswith("ies"):
            attrs["past"] = True
        elif assertion is Assertion.AFFIRMED and (
            _TOPIC_BEFORE.search(ctx.text[lo : span.start_char])
            or _TOPIC_AFTER.match(after)
            or (span.text.lower() == "pregnancy" and not _STATE_CLUE.search(ctx.text[lo:hi]))
        ):
            attrs["topic"] = True
        yield dataclasses.replace(finding, assertion=assertion, attrs=attrs)


_DIAGNOSED = re.compile(r"\bdiagnos(?:ed|is)\b|\bdx(?:'?d)?\b", re.I)
_ONSET_AGE = re.compile(
    r"\b(?:diagnos\w*|onset|presented|dx'?d?)\b[^.;\n]{0,40}?\bat\s+(?:the\s+)?age\s+(?:of\s+)?"
    r"(?P<a>\d{1,2})\b|\b(?:onset|diagnosis)\s+(?:at\s+)?age\s+(?P<b>\d{1,2})\b|"
    r"\bage\s+at\s+(?:onset|diagnosis)\s*[:=]?\s*(?P<c>\d{1,2})\b",
    re.I,
)
# The age an event happened at, not the age now: "diagnosed at age 12", "onset age 9".
_AT_AN_EVENT = re.compile(
    r"\b(?:at|since|from|by|before|after|onset|diagnosis)\s+(?:the\s+)?$", re.I
)


def _diagnosis_timing(sentence: str, date_source: str) -> dict:
    """ "Diagnosed with SLE in March 2021" dates the diagnosis itself; "SLE diagnosed at
    age 12" gives the onset age."""
    attrs: dict = {}
    if date_source == "text" and _DIAGNOSED.search(sentence):
        attrs["diagnosed"] = True
    onset = _ONSET_AGE.search(sentence)
    if onset is not None:
        attrs["onset_age"] = float(onset["a"] or onset["b"] or onset["c"])
    return attrs


_DOSE_LEAD = (
    r"^[\s:,(]*(?:(?:iv|po|oral|orally|intravenous|sc|tablets?|tabs?|at|dose(?:\s+of)?|"
    r"of|was|is|now|reduced\s+to|increased\s+to|tapered\s+to|weaned\s+to|on|pulses?(?:\s+of)?|"
    r"cumulative(?:\s+dose)?(?:\s+of)?)\s+)*"
)
_AMOUNT = (
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>mg|g|gm|grams?|mcg|µg|μg|ug)\b"
    r"(?:\s*/\s*(?P<basis>kg|m2|m²|m\^2|sqm)\b)?"
)
_DOSE_AFTER = re.compile(_DOSE_LEAD + _AMOUNT, re.I)
_DOSE_BEFORE = re.compile(_AMOUNT + r"\s*(?:of\s+)?$", re.I)
_FREQUENCY = re.compile(
    r"^\s*(?:(?:iv|po|orally|oral|sc)\s+)?(?:/\s*(?P<day>d|day|24\s*h)\b|(?P<word>"
    r"once\s+(?:daily|a\s+day)|a\s+day|per\s+day|daily|od|o\.d\.?|qd|mane|nocte|"
    r"twice\s+(?:daily|a\s+day)|bd|b\.d\.?|bid|"
    r"three\s+times\s+(?:daily|a\s+day)|tds|t\.d\.s\.?|tid|"
    r"four\s+times\s+(?:daily|a\s+day)|qds|qid|"
    r"every\s+other\s+day|alternate\s+days?|on\s+alternate\s+days|qod|eod|"
    r"weekly|once\s+weekly|q\s?w(?:k|eek)?|monthly|q\s?[2-4]\s?w(?:ks?|eeks?)?)\b)",
    re.I,
)
_PER_DAY = {
    "once daily": 1.0, "once a day": 1.0, "a day": 1.0, "per day": 1.0, "daily": 1.0,
    "od": 1.0, "o.d": 1.0, "o.d.": 1.0, "qd": 1.0, "mane": 1.0, "nocte": 1.0,
    "twice daily": 2.0, "twice a day": 2.0, "bd": 2.0, "b.d": 2.0, "b.d.": 2.0, "bid": 2.0,
    "three times daily": 3.0, "three times a day": 3.0, "tds": 3.0, "t.d.s": 3.0,
    "t.d.s.": 3.0, "tid": 3.0, "four times daily": 4.0, "four times a day": 4.0, "qds": 4.0,
    "qid": 4.0, "every other day": 0.5, "alternate day": 0.5, "alternate days": 0.5,
    "on alternate days": 0.5, "qod": 0.5, "eod": 0.5,
}  # fmt: skip
_COUNT = re.compile(
    r"(?:\bx|×|\*)\s?(?P<a>\d{1,2})\b|\b(?P<b>\d{1,2})\s*(?:doses|pulses|infusions|cycles)\b",
    re.I,
)
_CUMULATIVE = re.compile(r"\bcumulative\b|\btotal\s+dose\b", re.I)
_UNITS = {"gm": "g", "gram": "g", "grams": "g", "µg": "mcg", "μg": "mcg", "ug": "mcg"}


def _dose(ctx: _Context, span: Span, lo: int, hi: int) -> dict:
    """The dose written with a drug, in the drug's own clause (up to the next drug):
    "prednisolone 5 mg bd" → {"dose": {"amount": 5, "unit": "mg", "basis": None,
    "per_day": 10}}; "CYC 500 mg q2w x6" adds "dose_count": 6; "cumulative
    cyclophosphamide dose 7.5 g" gives "cumulative_dose". No number, no dose: a dose that
    cannot be read is left out, never guessed."""
    next_drug = bisect.bisect_right(ctx.drug_starts, span.start_char)
    stop = hi
    if next_drug < len(ctx.drug_starts):
        stop = min(stop, ctx.drug_starts[next_drug])
    clause_end = re.search(r"[;\n]", ctx.text[span.end_char : stop])
    if clause_end is not None:
        stop = span.end_char + clause_end.start()
    after = ctx.text[span.end_char : stop]
    found = _DOSE_AFTER.match(after)
    tail_start = found.end() if found else 0
    if found is None:
        previous = bisect.bisect_left(ctx.drug_starts, span.start_char) - 1
        start = lo
        if previous >= 0:
            start = max(start, ctx.drug_spans[previous].end_char)
        found = _DOSE_BEFORE.search(ctx.text[start : span.start_char])
    if found is None:
        return {}
    unit = found["unit"].lower()
    unit = _UNITS.get(unit, unit)
    amount = float(found["amount"])
    clause = ctx.text[max(lo, span.start_char - 30) : stop]
    if _CUMULATIVE.search(clause):
        return {"cumulative_dose": {"amount": amount, "unit": unit}}
    basis = {"m²": "m2", "m^2": "m2", "sqm": "m2"}.get(
        (found["basis"] or "").lower(), (found["basis"] or "").lower() or None
    )
    tail = after[tail_start:]
    frequency = _FREQUENCY.match(tail)
    per_day = None
    if frequency is not None:
        if frequency["day"]:
            per_day = amount
        else:
            times = _PER_DAY.get(" ".join(frequency["word"].lower().split()))
            per_day = amount * times if times is not None else None
    attrs: dict = {"dose": {"amount": amount, "unit": unit, "basis": basis, "per_day": per_day}}
    count = _COUNT.search(tail)
    if count is not None:
        attrs["dose_count"] = int(count["a"] or count["b"])
    return attrs


def _other_kidney_disease(vocabulary: Vocabulary, concept_id: str) -> bool:
    """A kidney disease other than lupus nephritis, named as the group or as one of its own
    concepts ("IgA nephropathy" implies the group): a biopsy showing it has no ISN/RPS class."""
    group = "dx.other_kidney_disease"
    return concept_id == group or (
        concept_id in vocabulary and group in vocabulary[concept_id].attrs.get("implies", ())
    )
