"""Kidney-biopsy findings in notes: ISN/RPS classes, report headings, dates and denials.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import (
    Iterable,
)

from spacy.tokens import (
    Span,
)

from matcher.model import (
    PATIENT_ASSERTIONS,
    Assertion,
    Finding,
)
from matcher.nlp.components import (
    SECTIONS_KEY,
    note_context,
)
from matcher.nlp.cues import lowered_for_cues, may_contain
from matcher.nlp.dates import (
    resolve_partial,
)
from matcher.nlp.drugs import (
    _other_kidney_disease,
)
from matcher.nlp.mentions import (
    _Context,
    _context_date,
    _date_near,
    _line_end,
    _report_event_date,
    _sentence_bounds,
    _trim,
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
    # "clase IV-G" (Spanish), "classe III" (Italian, Portuguese): the same word.
    # "Klasse IV-G (A)" (German, Dutch, Danish, Norwegian), "klass III" (Swedish).
    # "ISN/RPS class: IV-G (A)": a synoptic report's field line, its colon before the class.
    r"(?:\b(?:class(?:es)?|clases?|classe|klassen?|klass)\s*(?::\s*)?|"
    r"\bcl(?:as)?\.?\s*(?=(?:VI|IV|V|III|II|I)(?![\w]))|"
    rf"(?:\b(?:ISN\s*/\s*RPS|ISN-RPS|WHO|lupus\s+nephritis|LN)\s*"
    rf"(?:,\s*)?(?:type\s*)?))(?P<c1>{_CLASS_TOKEN})"
    r"(?:\s*-?\s*(?:[SG]\b|\((?:[AC]|A/C)\)|[AC]\b|\s*\((?:[SG])\)))*"
    rf"(?P<more>(?:\s*(?:\+|/|&|,|and|with|plus|\bor\b)\s*(?:(?:class|clase|classe|klasse|klass)\s*)?"
    # After a comma only a roman numeral is a class: in "class IV-G (A/C), 2 cellular
    # crescents" the 2 counts crescents.
    rf"(?:{_CLASS_TOKEN}(?<!,\s[1-6])(?<!,[1-6]))"
    r"(?:\s*-?\s*(?:[SG]\b|\((?:[AC]|A/C)\)|[AC]\b))*)*)",
    re.I,
)
_CLASS_IN_MORE = re.compile(
    rf"(?:\+|/|&|,|and|with|plus|\bor\b)\s*(?:(?:class|clase|classe|klasse|klass)\s*)?({_CLASS_TOKEN})",
    re.I,
)
# The disease's name after a descriptive word, in English and as German, Dutch and Nordic
# letters write it: "Lupusnephritis", "lupus nefritis", "lupusnefrit(t)".
_LN_WORDS = r"(?:lupus\s*-?\s*ne(?:ph|f)rit\w*|LN\b)"
# "proliferative", "proliferativ" (Nordic), "proliferatieve" (Dutch).
_PROLIFERATIVE = r"proliferati(?:ve|eve|v)\b"
_DESCRIPTIVE_CLASSES = (
    (re.compile(r"\bminimal\s+mesangial\b", re.I), ("I",)),
    (re.compile(r"\bmesangial\s+(?:proliferative|lupus\s+nephritis|LN)\b", re.I), ("II",)),
    (
        re.compile(
            rf"\bfo(?:cal|caal|kal)\s+(?:segmental\s+)?(?:{_PROLIFERATIVE}|{_LN_WORDS})", re.I
        ),
        ("III",),
    ),
    (
        # "diffuse", "diffus" (German, Nordic), "diffuus" (Dutch)
        re.compile(
            rf"\bdiffu(?:se|us|s)\s+(?:segmental\s+|global\s+)?(?:{_PROLIFERATIVE}|{_LN_WORDS})",
            re.I,
        ),
        ("IV",),
    ),
    # "membranous", "membranöse" (German), "membraneuze" (Dutch), "membranøs" / "membranös"
    (re.compile(rf"\bmembran(?:ous|öse?|euze|øse?)\s+(?:{_LN_WORDS}|lupus)", re.I), ("V",)),
    (re.compile(r"\badvanced\s+sclerosing\b", re.I), ("VI",)),
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
        spans_by_sentence.setdefault(_sentence_bounds(ctx, span), []).append(span)
    previous: tuple[int, int] | None = None
    # _CLASS_SYSTEM is case-sensitive: a note without its three words has it in no sentence.
    names_system = any(name in text for name in _CLASS_SYSTEM_NAMES)
    for lo, hi in ctx.sentences.bounds():
        sentence = text[lo:hi]
        mentions = spans_by_sentence.get((lo, hi), [])
        before, previous = previous, (lo, hi)
        labels = {s.label_ for s in mentions}
        has_ln = "dx.lupus_nephritis" in labels or (
            names_system and bool(_CLASS_SYSTEM.search(sentence))
        )
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
        if not classes and has_biopsy and _in_biopsy_report(ctx, lo) and not _list_number(
                text, lo, hi):  # fmt: skip
            classes, cls_start, cls_end = _labelled_classes(sentence)
        if not classes and "proc.kidney_biopsy" in labels:
            # "Repeat biopsy 2026-08-18: IV-S (A/C) + V": the biopsy labels its class
            classes, cls_start, cls_end = _labelled_classes(sentence, _BIOPSY_LABEL)
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
    r"(?:diagnos[ie]s|dx|impression|conclusions?|interpretation|opinion|"
    # the same line in German, Dutch and Nordic reports: "Beurteilung:", "Diagnose:",
    # "Conclusie:", "Utlåtande:", "Konklusion:"
    r"diagnose|beurteilung|conclusie|utlåtande|konklusj?on|"
    # a synoptic report's class field: "ISN/RPS class: IV-G (A)", "WHO classification: III"
    r"(?:ISN\s*/\s*RPS|ISN-RPS|WHO)\s+class(?:ification)?)\b[^:\n]{0,30}?"
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


# A list number after a diagnosis label: "Diagnoses: 1. Systemic lupus erythematosus 2. Lupus
# nephritis class III", "Dx: 1) SLE": the number starts the list's first item, it is no class
# (the sentence splitter may end the sentence at "1.", so the item's word is read after it).
_LIST_NUMBER = re.compile(r"\s*\d{1,2}\s?[.)]\s+[^\W\d_]{2}")


def _list_number(text: str, lo: int, hi: int) -> bool:
    label = _DIAGNOSIS_LABEL.match(text, lo, hi)
    return label is not None and _LIST_NUMBER.match(text, label.end()) is not None


# A biopsy named as the label of its result, its date between: "Repeat biopsy 2026-08-18:
# IV-S (A/C) + V", "Renal bx (03/2026): III (A)". Only a roman numeral is read as the class
# after it ("Biopsy 2026-08-18: 2 of 20 glomeruli sclerosed" counts glomeruli).
_BIOPSY_LABEL = re.compile(
    r"\s*(?:(?:repeat|renal|kidney|native|second|third|follow-up|new|latest|re-?)\s*)*"
    r"(?:biops(?:y|ies)|bx)\b[^:\n]{0,30}?:\s*(?=(?:VI|IV|V|III|II|I)(?![\w]))",
    re.I,
)


def _labelled_classes(sentence: str, label_re: re.Pattern[str] = _DIAGNOSIS_LABEL
                      ) -> tuple[tuple[str, ...], int, int]:  # fmt: skip
    """A report's diagnosis line that names the class without the word "class":
    "CONCLUSION: III (A/C) with V", "Final diagnosis - IV-G (A) + V". Read as if the
    word were there, on the diagnosis line only (or after `label_re`: a biopsy's own
    label, `_BIOPSY_LABEL`)."""
    label = label_re.match(sentence)
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
    "class", "klass", "isn", "who", "lupus", "ln", "cl",
    "mesangial", "focal", "focaal", "fokal", "diffus", "membran", "sclerosing",
)  # fmt: skip
_CLASS_SYSTEM_NAMES = ("ISN", "RPS", "WHO")
_CLASS_SYSTEM = re.compile(rf"\b(?:{'|'.join(_CLASS_SYSTEM_NAMES)})\b")
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
# "Pathologiebefund", "Patologisvar" (Swedish), "Nierbiopt" (Dutch) name a report too.
_REPORT_HEADING = re.compile(r"biops|biopt|patholog|patolog|histolog|microscop", re.I)


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
            any(w in note_type for w in ("path", "patolog", "biops", "biopt", "histo"))
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
    # ... and in German, Dutch and Nordic letters: "kein Anhalt für Klasse III oder IV",
    # "geen klasse IV", "ingen klass III"
    r"\b(?:no|not|without|nor|absence\s+of|negative\s+for|kein\w*|ohne|geen|ingen|inga|ikke)\s+"
    r"(?:\w+\s+){0,3}$",
    re.I,
)
# A class named only to be denied or doubted after it: "features of class III or IV are
# absent", "class VI is excluded", "class IV cannot be ruled out", "class III is not
# supported", and on a repeat biopsy "class IV no longer seen" (it now shows class V).
# The words run to the end of the clause (";" or ".").
_DENIED_AFTER = re.compile(
    r"[^.;:,]{0,40}?\b(?:(?:is|are|was|were|has\s+been|have\s+been|be)\s+)?(?:absent|"
    r"excluded|ruled\s+out|not\s+(?:seen|identified|present|found|met|fulfilled|supported|"
    r"excluded|evident|demonstrated)|no\s+longer\s+(?:seen|identified|present|found|evident|"
    r"visible|detected|demonstrated)|unlikely|cannot\s+be\s+(?:excluded|ruled\s+out)|"
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
# "Transformation from class IV to pure class V", "evolved from WHO IV into class V": the
# class after "from" is the one the kidney had, not the one this biopsy shows.
_FORMER_CLASS_BEFORE = re.compile(r"\bfrom\s+(?:(?:a|the|previous|prior|former)\s+)*$", re.I)


def _classes(sentence: str) -> tuple[tuple[str, ...], int, int]:
    """The ISN/RPS classes a sentence asserts. "No class III or IV component identified"
    names classes only to deny them, so it asserts none."""
    # Every class pattern needs one of these words: most sentences are let go after a few
    # substring tests instead of seven regex scans (matcher.nlp.cues).
    if not may_contain(lowered_for_cues(sentence), _CLASS_WORDS):
        return (), 0, 0
    match = next(
        (
            m
            for m in _CLASS_RE.finditer(sentence)
            if not _NEGATED_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()])
            and not _NOT_ASSERTED_BEFORE.search(sentence[max(0, m.start() - 40) : m.start()])
            and not _FORMER_CLASS_BEFORE.search(sentence[max(0, m.start() - 30) : m.start()])
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
