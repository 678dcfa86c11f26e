"""Turns concept spans into Findings: values, units, reference ranges, dates.

Works on character offsets of the note text so that every Finding's span is
exact (note_text[start:end] is what a referrer sees highlighted).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from matcher.dates import DateMention, find_dates, find_durations, infer_day_first
from matcher.model import Assertion, Finding
from matcher.nlp.components import CONCEPTS_KEY, SECTIONS_KEY
from matcher.units import canonical_unit, convert_factor, guess_unit, parse_reference_range
from matcher.vocab import Concept, Vocabulary, load_vocabulary, read_concepts

# ------------------------------------------------------------------ value grammar
_NUMBER = r"\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?|\.\d+"
# Between a lab name and its value: "Hb: 98", "ALT = 85", "ALC was 0.8", "Hb of 9.8",
# "neutrophils (abs) 3.1", "ANC now 0.9", "WBC count 4.6"
_LEAD = (
    r"(?:\s*(?:\((?:abs\.?|absolute|total|#|serum|blood|bedside\s+schwartz|schwartz|"
    r"calc(?:ulated)?|direct|s)\)|count|level|levels|value|result|total|abs(?:olute)?|"
    r"#|\bis\b|\bwas\b|\bof\b|\bnow\b|\bat\b|\bremains\b|\bremained\b|\bdown\s+to\b|"
    r"\bup\s+to\b|\bdropped\s+to\b|\bfell\s+to\b|\brose\s+to\b|\bincreased\s+to\b|"
    r"\bdecreased\s+to\b|\bmeasured\b|\bscore\b|[:=~])\s*)*"
)
_VALUE_RE = re.compile(
    rf"^{_LEAD}(?P<cmp>[<>≤≥]=?|=<|=>)?\s*(?P<num>{_NUMBER})(?!\s*[:/]\s*\d)", re.I
)
_FLAG_RE = re.compile(r"^\s*(?:\(?\b(?P<flag>H|L|HH|LL|high|low|abnormal)\b\)?|\*+)", re.I)
_REF_RE = re.compile(
    r"^\s*(?:[\(\[](?P<inner>[^()\[\]\n]{1,40})[\)\]]|(?P<bare>(?:ref(?:erence)?"
    r"|normal|N|RR|range)\s*[:=]?\s*[<≤>≥]?\s*\d[\d.,\s\-–]*))",
    re.I,
)
_UNIT_CHUNK = re.compile(r"^\s*(?P<u>[^\s;,()\[\]]+(?:\s+[^\s;,()\[\]]+){0,2})")
_SHARED_UNIT_RE = re.compile(r"\((?:all|both|each)\s+(?:in\s+)?(?P<u>[^)]+)\)", re.I)

_TITRE_RE = re.compile(r"1\s*:\s*(?P<t>\d{2,5})")
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
    rf"\bclass(?:es)?\s*(?P<c1>{_CLASS_TOKEN})"
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
_AGE_RES = (
    re.compile(r"\b(?P<n>\d{1,2})\s*(?:-|\s)?\s*(?:years?|yrs?|y)\s*(?:-|\s)?\s*old\b", re.I),
    re.compile(
        r"\b(?P<n>\d{1,2})\s*(?:yo|y/o|y\.o\.?|yr|yrs|y)(?=[\s,.;:)]|$)"
        r"(?!\s*(?:ago|of|on|since|duration|history))",
        re.I,
    ),
    re.compile(r"\b(?:aged?|age:)\s*:?\s*(?P<n>\d{1,2})\b(?!\s*(?:months?|mo|weeks?))", re.I),
)
_DOB_RE = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?|birth\s*date)\s*[:\-]?\s*", re.I
)

_DRUG_START = re.compile(
    r"\b(since|started|start(?:ed)?\s+on|commenced|initiated|began|"
    r"begun|from|introduced|added|switched\s+to|begin)\b",
    re.I,
)
_DRUG_STOP = re.compile(
    r"\b(stopped|discontinued|ceased|held|until|till|to|completed|off|"
    r"withdrawn|tapered\s+off|finished)\b",
    re.I,
)
_DRUG_GIVEN = re.compile(
    r"\b(given|received|administered|dose|doses|infusion|injection|"
    r"pulse|pulses|s/p|status\s+post)\b",
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
    heading_dates: list[tuple[int, int, dt.date]]
    vocabulary: Vocabulary
    lab_starts: list[int]


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
        lines = [json.dumps(_concept_record(c), ensure_ascii=False)
                 for c in self.vocabulary.concepts.values()]
        (path / "concepts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> FindingExtractor:
        source = Path(path) / "concepts.jsonl"
        self.vocabulary = Vocabulary(read_concepts(source.read_text(encoding="utf-8"),
                                                   str(source)))
        return self

    def __call__(self, doc: Doc) -> Doc:
        note_date: dt.date = doc._.note_date or dt.date.today()
        text = doc.text
        day_first = infer_day_first(text)
        dates = [d for d in find_dates(text, note_date, day_first=day_first)]
        concepts = list(doc.spans.get(CONCEPTS_KEY, []))
        ctx = _Context(
            doc=doc,
            text=text,
            note_id=doc._.note_id or "",
            note_date=note_date,
            dates=dates,
            date_starts=[d.start for d in dates],
            heading_dates=_heading_dates(doc, dates),
            vocabulary=self.vocabulary,
            lab_starts=sorted(
                s.start_char for s in concepts if self.vocabulary[s.label_].category in _LAB_LIKE
            ),
        )
        findings: list[Finding] = []
        for span in concepts:
            concept = self.vocabulary[span.label_]
            findings.extend(_extract(ctx, span, concept))
        findings.extend(_biopsies(ctx, concepts))
        findings.extend(_ages(ctx))
        doc._.findings = findings
        return doc


def _concept_record(concept: Concept) -> dict:
    record = {"id": concept.id, "category": concept.category, "label": concept.label,
              "code": concept.code, "terms": list(concept.terms),
              "abbreviations": list(concept.abbreviations), "key": concept.key}
    if concept.attrs:
        record["attrs"] = concept.attrs
    return record


# ------------------------------------------------------------------------ helpers
def _heading_dates(doc: Doc, dates: list[DateMention]) -> list[tuple[int, int, dt.date]]:
    """A heading that carries a date ("LAB RESULTS 24/10/2026", "Bloods 24/10/2026:",
    "Collected: 15-Nov-2026") dates the lines under it until the next heading."""
    text = doc.text
    result: list[tuple[int, int, dt.date]] = []
    sections = list(doc.spans.get(SECTIONS_KEY, []))
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.strip()
        line_end = offset + len(line)
        in_line = [
            d for d in dates if offset <= d.start < line_end and d.date and d.precision == "day"
        ]
        is_heading = any(
            s.start_char == offset + (len(line) - len(line.lstrip())) for s in sections
        )
        short_label = bool(
            re.match(r"^[\w /&().,-]{0,40}[:\-]?\s*$", _strip_dates(body, in_line, offset, line))
        )
        if in_line and (is_heading or short_label or body.endswith(":")):
            result.append((offset, len(text), in_line[0].date))
            if result[:-1]:
                prev = result[-2]
                result[-2] = (prev[0], offset, prev[2])
        elif is_heading and result and result[-1][1] == len(text):
            prev = result[-1]
            result[-1] = (prev[0], offset, prev[2])
        offset = line_end
    return result


def _strip_dates(body: str, dates: list[DateMention], offset: int, line: str) -> str:
    lead = len(line) - len(line.lstrip())
    out = body
    for d in sorted(dates, key=lambda d: -d.start):
        s, e = d.start - offset - lead, d.end - offset - lead
        if 0 <= s <= e <= len(out):
            out = out[:s] + out[e:]
    return out


def _sentence_bounds(span: Span) -> tuple[int, int]:
    sent = span.sent
    return sent.start_char, sent.end_char


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
    after = [m for m in candidates if m.start >= end]
    before = [m for m in candidates if m.end <= start]
    if after:
        return min(after, key=lambda m: m.start - end)
    if before:
        return min(before, key=lambda m: start - m.end)
    return None


def _context_date(ctx: _Context, position: int) -> tuple[dt.date, str]:
    for lo, hi, date in ctx.heading_dates:
        if lo <= position < hi:
            return date, "heading"
    return ctx.note_date, "note"


def _item_end(ctx: _Context, span_end: int, sentence_end: int) -> int:
    """Where this mention's value can end: the next lab name, ';', or the line end.

    "PT 11.4 s (11-13.5); Hgb 11.7" — PT's value must not run into Hb's.
    """
    i = bisect.bisect_right(ctx.lab_starts, span_end)
    next_lab = ctx.lab_starts[i] if i < len(ctx.lab_starts) else len(ctx.text)
    match = re.compile(r"[;\n]").search(ctx.text, span_end, sentence_end)
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
        return _lab(ctx, span, concept)
    if category == "score":
        return _score(ctx, span, concept)
    if category in ("drug", "drug_class"):
        return _drug(ctx, span, concept)
    if category in ("diagnosis", "procedure", "status"):
        return _mention(ctx, span, concept)
    return ()


def _mention(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(span)
    mention = _date_near(ctx, span.start_char, span.end_char, lo, hi)
    if mention is not None and mention.date is not None:
        date, source = mention.date, "text"
    else:
        date, source = _context_date(ctx, span.start_char)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        span.end_char,
        span._.assertion,
        date=date,
        date_source=source,
    )


def _read_value(ctx: _Context, span: Span) -> tuple[re.Match[str], int] | None:
    lo, hi = _sentence_bounds(span)
    limit = _item_end(ctx, span.end_char, hi)
    window = ctx.text[span.end_char : limit]
    match = _VALUE_RE.match(window)
    if match is None:
        return None
    return match, limit


def _value_date(ctx: _Context, span: Span, value_end: int) -> tuple[dt.date, str]:
    """A lab value's date: a date in its own item ("Hb 98 on 12/03/2026"), else the
    block heading's date, else the note's date."""
    lo, hi = _sentence_bounds(span)
    item_end = _item_end(ctx, span.end_char, hi)
    mention = _date_near(ctx, span.start_char, value_end, span.start_char, item_end)
    if mention is not None and mention.date is not None:
        return mention.date, "text"
    return _context_date(ctx, span.start_char)


def _lab(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    read = _read_value(ctx, span)
    if read is None:
        return
    match, limit = read
    raw_number = match.group("num")
    value = float(raw_number.replace(",", ""))
    cursor = span.end_char + match.end()
    rest = ctx.text[cursor:limit]
    unit_text, consumed = _unit_after(rest)
    cursor += consumed
    ref_low = ref_high = None
    flag = _FLAG_RE.match(ctx.text[cursor:limit])
    if flag:
        cursor += flag.end()
    ref = _REF_RE.match(ctx.text[cursor:limit])
    if ref:
        parsed = parse_reference_range(ref.group(0))
        if parsed:
            ref_low, ref_high = parsed
            cursor += ref.end()
    if unit_text is None:
        unit_text = _shared_unit(ctx, span)
    family = concept.attrs.get("family", "")
    canonical = concept.canonical_unit
    unit = canonical_unit(unit_text) if unit_text else None
    if unit is None:
        unit = guess_unit(family, value, concept.id)
        if unit is None:
            # GUIDELINE: a unit that cannot be read and a magnitude that fits two
            # units is left out, never guessed ("UPCR 2.3" could be g/g or mg/mmol).
            return
    factor = convert_factor(family, unit)
    if factor is None:
        return
    normalised = round(value * factor, 6)
    if ref_low is not None:
        ref_low = round(ref_low * factor, 6)
    if ref_high is not None:
        ref_high = round(ref_high * factor, 6)
    date, source = _value_date(ctx, span, cursor)
    start = span.start_char
    end = span.end_char + match.end()
    if unit_text and ctx.text[end:cursor].strip():
        end = cursor if not ref else span.end_char + match.end() + consumed
    end = _trim(ctx.text, start, max(end, span.end_char + match.end()))
    attrs: dict = {}
    if match.group("cmp"):
        attrs["comparator"] = match.group("cmp")
    if flag and flag.group("flag"):
        attrs["flag"] = flag.group("flag").upper()[:1]
    yield _finding(
        ctx,
        concept,
        start,
        end,
        span._.assertion,
        value=normalised,
        unit=canonical,
        raw_value=raw_number,
        raw_unit=unit_text,
        ref_low=ref_low,
        ref_high=ref_high,
        date=date,
        date_source=source,
        attrs=attrs,
    )


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
    lead = len(chunk.group(0)) - len(chunk.group(0).lstrip())
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n])
        trimmed = candidate.rstrip(".,:")
        if canonical_unit(trimmed):
            pos = rest.find(words[n - 1], lead) + len(words[n - 1])
            pos -= len(candidate) - len(trimmed)
            return trimmed, pos
    return None, 0


def _shared_unit(ctx: _Context, span: Span) -> str | None:
    """'WBC 4.6, neutrophils 3.1, lymphocytes 1.05 (all x10^9/L)'."""
    lo, hi = _sentence_bounds(span)
    match = _SHARED_UNIT_RE.search(ctx.text, span.end_char, hi)
    return match.group("u").strip() if match else None


def _score(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    read = _read_value(ctx, span)
    if read is None:
        return
    match, _limit = read
    value = float(match.group("num").replace(",", ""))
    low, high = concept.attrs.get("low", 0), concept.attrs.get("high", 1000)
    if not low <= value <= high:
        return
    end = span.end_char + match.end()
    tail = ctx.text[end : end + 40]
    attrs = {}
    if _AT_DIAGNOSIS.search(tail):
        # "SLEDAI-2K 23 at diagnosis" copied forward is a past score, not today's.
        attrs["at_diagnosis"] = True
    date, source = _value_date(ctx, span, end)
    points = re.match(r"^\s*(?:points?|pts)\b", tail, re.I)
    if points:
        end += points.end()
    yield _finding(
        ctx,
        concept,
        span.start_char,
        end,
        span._.assertion,
        value=value,
        raw_value=match.group("num"),
        date=date,
        date_source=source,
        attrs=attrs,
    )


def _ana(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(span)
    limit = _item_end(ctx, span.end_char, hi)
    window = ctx.text[span.end_char : limit]
    titre = _TITRE_RE.search(window)
    end = span.end_char
    attrs: dict = {}
    value = None
    if titre and titre.start() <= 30:
        value = float(titre.group("t"))
        end = span.end_char + titre.end()
    head = window[: (titre.start() if titre else 30)]
    if _NEGATIVE_RE.search(window[:40]) and value is None:
        attrs["result"] = "negative"
        neg = _NEGATIVE_RE.search(window[:40])
        end = span.end_char + neg.end()
    elif _POSITIVE_RE.search(head) or value is not None:
        attrs["result"] = "positive"
        if value is None:
            end = span.end_char + _POSITIVE_RE.search(head).end()
    assertion = span._.assertion
    if attrs.get("result") == "negative" or (value is not None and "negative" in window[:60]):
        attrs["result"] = "negative" if value is None else "positive"
        assertion = "affirmed"
    if not attrs:
        return
    date, source = _value_date(ctx, span, end)
    yield _finding(
        ctx,
        concept,
        span.start_char,
        _trim(ctx.text, span.start_char, end),
        assertion,
        value=value,
        unit="titre",
        date=date,
        date_source=source,
        attrs=attrs,
    )


def _cd19(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(span)
    limit = _item_end(ctx, span.end_char, hi)
    window = ctx.text[span.end_char : limit]
    value_match = re.match(
        rf"^{_LEAD}(?:B\s*cells?|B\s*lymphocytes)?\s*[:=]?\s*(?P<cmp>[<>≤≥]=?)?\s*"
        rf"(?P<num>{_NUMBER})\s*(?P<unit>%|cells\s*/\s*(?:uL|µL|μL|mcL|mm3|cmm)|/\s*(?:uL|µL|μL|mm3))?",
        window,
        re.I,
    )
    attrs: dict = {}
    value = None
    unit = None
    end = span.end_char
    if value_match:
        value = float(value_match.group("num").replace(",", ""))
        unit = "%" if (value_match.group("unit") or "%").startswith("%") else "/uL"
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


def _drug(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(span)
    sentence = ctx.text[lo:hi]
    rel_start, rel_end = span.start_char - lo, span.end_char - lo
    attrs: dict = {}
    start_date = stop_date = None
    in_sentence = [d for d in ctx.dates if lo <= d.start and d.end <= hi and d.date]
    ranges = [d for d in in_sentence if d.end_date is not None]
    before_text = sentence[:rel_start]
    after_text = sentence[rel_end:]
    if ranges:
        chosen = min(ranges, key=lambda d: abs(d.start - span.end_char))
        start_date, stop_date = chosen.date, chosen.end_date
    else:
        for mention in sorted(in_sentence, key=lambda d: abs(d.start - span.end_char)):
            lead = ctx.text[max(lo, mention.start - 25) : mention.start]
            if _DRUG_STOP.search(lead) and not _DRUG_START.search(lead[-12:]):
                stop_date = stop_date or mention.date
            elif start_date is None:
                start_date = mention.date
        if start_date and not (
            _DRUG_START.search(before_text + after_text)
            or _DRUG_GIVEN.search(before_text + after_text)
        ):
            attrs["date_role"] = "mentioned"
    durations = find_durations(sentence)
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
    regimen = _REGIMEN.search(sentence)
    if regimen:
        attrs["regimen"] = regimen.group(0)
    if re.search(
        r"\b(stopped|discontinued|ceased|withdrawn|held|off)\b",
        after_text[:40] + before_text[-30:],
        re.I,
    ):
        attrs["stopped"] = True
    if (
        start_date
        and stop_date is None
        and _SINGLE_DOSE.search(sentence)
        and not _ONGOING.search(sentence)
    ):
        # "Rituximab given 20/08/2026": the exposure is that day, not every later note's.
        attrs["single_dose"] = True
    attrs["start_date"] = start_date
    attrs["stop_date"] = stop_date
    attrs["documented_by"] = ctx.note_date
    date, source = (start_date, "text") if start_date else _context_date(ctx, span.start_char)
    # A class in a note ("anti-CD20 therapy", "immunosuppressants") stays a class:
    # expanding it would invent exposures to every member drug.
    yield Finding(
        concept=concept.id,
        category="drug",
        note_id=ctx.note_id,
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        assertion=Assertion(span._.assertion),
        code=concept.code,
        date=date,
        date_source=source,
        attrs=attrs,
    )


def _biopsies(ctx: _Context, concepts: list[Span]) -> Iterable[Finding]:
    """Kidney biopsy results: an ISN/RPS (or WHO) class, or another kidney disease.

    "Renal biopsy (Feb 10, 2024): lupus nephritis class IV+V" and a pathology
    report's "DIAGNOSIS: Lupus nephritis, class IV-G (A)" both give a biopsy
    finding dated by the text, else by the report itself.
    """
    text = ctx.text
    spans_by_sentence: dict[tuple[int, int], list[Span]] = {}
    for span in concepts:
        spans_by_sentence.setdefault(_sentence_bounds(span), []).append(span)
    for sent in ctx.doc.sents:
        lo, hi = sent.start_char, sent.end_char
        sentence = text[lo:hi]
        mentions = spans_by_sentence.get((lo, hi), [])
        labels = {s.label_ for s in mentions}
        classes, cls_start, cls_end = _classes(sentence)
        has_ln = "dx.lupus_nephritis" in labels or bool(re.search(r"\b(?:ISN|RPS|WHO)\b", sentence))
        has_biopsy = "proc.kidney_biopsy" in labels or _in_biopsy_report(ctx, lo)
        if classes and (has_ln or has_biopsy):
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
            mention = _date_near(ctx, start, end, lo, hi)
            if mention is not None and mention.date is not None:
                date, source = mention.date, "text"
            else:
                date, source = _context_date(ctx, lo)
            yield Finding(
                concept="biopsy.kidney",
                category="biopsy",
                note_id=ctx.note_id,
                start=start,
                end=end,
                text=text[start:end],
                assertion=Assertion(assertion),
                code="SNOMED:9911007",
                value="+".join(classes),
                date=date,
                date_source=source,
                attrs={"classes": list(classes)},
            )
            continue
        other = [
            s
            for s in mentions
            if s.label_ == "dx.other_kidney_disease" and s._.assertion == "affirmed"
        ]
        if (
            other
            and has_biopsy
            and not any(
                s.label_ == "dx.lupus_nephritis" and s._.assertion == "affirmed" for s in mentions
            )
        ):
            disease = other[0]
            mention = _date_near(ctx, disease.start_char, disease.end_char, lo, hi)
            if mention is not None and mention.date is not None:
                date, source = mention.date, "text"
            else:
                date, source = _context_date(ctx, lo)
            yield Finding(
                concept="biopsy.kidney",
                category="biopsy",
                note_id=ctx.note_id,
                start=disease.start_char,
                end=disease.end_char,
                text=disease.text,
                assertion=Assertion.AFFIRMED,
                code="SNOMED:9911007",
                value="other",
                date=date,
                date_source=source,
                attrs={"classes": [], "other_disease": disease.text},
            )


def _in_biopsy_report(ctx: _Context, position: int) -> bool:
    for section in ctx.doc.spans.get(SECTIONS_KEY, []):
        if section.start_char <= position < section.end_char and section.label_ == "diagnosis":
            return True
    return False


def _biopsy_assertion(mentions: list[Span]) -> str:
    for span in mentions:
        if span.label_ in ("dx.lupus_nephritis", "proc.kidney_biopsy"):
            return span._.assertion
    return "affirmed"


def _classes(sentence: str) -> tuple[tuple[str, ...], int, int]:
    match = _CLASS_RE.search(sentence)
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


def _ages(ctx: _Context) -> Iterable[Finding]:
    text = ctx.text
    seen: set[int] = set()
    for pattern in _AGE_RES:
        for match in pattern.finditer(text):
            if match.start() in seen:
                continue
            years = int(match.group("n"))
            seen.add(match.start())
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
