"""Ages and birth dates in notes.
"""

from __future__ import annotations

import re
from collections.abc import (
    Iterable,
)

from matcher.model import (
    Finding,
)
from matcher.nlp.cues import lowered_for_cues, may_contain
from matcher.nlp.dates import birth_label_start
from matcher.nlp.mentions import (
    _AT_AN_EVENT,
    _Context,
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
    # "(> 4 yrs)", "for < 2 yrs": a compared number of years is a duration, not an age.
    # "12 yr/F", "15 yrs / M": the age, then the sex after a slash.
    re.compile(
        r"(?=\d)(?<![<>≤≥])(?<![<>≤≥]\s)\b(?P<n>\d{1,2})\s*(?:yo|y/o|y\.o\.?|yr|yrs|y)"
        r"(?=[\s,.;:)]|\s*/\s*[MF]\b|$)"
        r"(?!\s*(?:ago|of|on|since|duration|history))",
        re.I,
    ),
    re.compile(r"(?=a)\b(?:aged?|age:)\s*:?\s*(?P<n>\d{1,2})\b(?!\s*(?:months?|mo|weeks?))", re.I),
    # "Male, 15 years.", "Girl: 9 years": the person, then the age as an apposition (a
    # duration follows a verb or "for", never a comma after the person). Russian, Ukrainian
    # and Polish epicrises leave the comma out ("Girl 14 years.", word for word "Девочка
    # 14 лет"); the words after it that make the years a duration ("patient 5 years after
    # transplant", "3 years on MMF", "4 years of disease", but "years of age") are not ages.
    re.compile(
        r"(?=[mfbgwp])\b(?:male|female|boy|girl|man|woman|patient)(?:\s*[,:]\s*|\s+)"
        r"(?P<n>\d{1,2})\s*(?:years?|yrs?)\b"
        r"(?!\s*(?:ago|of(?!\s+age\b)|since|duration|history|with|after|before|later|on|in|"
        r"into|post|from|follow\w*|treated|remission)\b)",
        re.I,
    ),
    # "16/M", "9/F": age and sex as Indian and Gulf notes head them. The sex is a capital
    # M or F standing alone, and no digit, slash, point or colon touches the number, so
    # dates ("12/03"), times and fractions are not read.
    re.compile(r"(?=\d)(?<![\d/.:-])\b(?P<n>\d{1,2})\s?/\s?(?-i:[MF])(?![\w/])"),
    # German, Dutch and Nordic letters: "12-jähriger Bub", "16-jarig meisje", "11-årig
    # pojke" (an adjective: always an age); "9 J. alten", "(8 J.)", "16 Jahre alt",
    # "11 jaar oud", "13 år gammel/gammal" (an age only with "old" or as a bare "J." not
    # after a word of duration: "seit 2 J." is how long).
    re.compile(
        r"(?=\d)(?<![\d.,])\b(?P<n>\d{1,2})\s?-\s?(?:jährig|jaehrig|jarig|årig|aarig)\w*"
        r"|(?<!seit\s)(?<!für\s)(?<!vor\s)(?<!nach\s)(?<!über\s)(?<![\d.,])\b(?P<m>\d{1,2})\s?"
        r"(?:J\.(?=[\s,;)])(?:\s+alte?\w*)?|Jahre\s+alte?\w*|jaar\s+oud|år\s+gam(?:mel|mal)\w*)",
        re.I,
    ),
    # French, Portuguese and Spanish letters: "Fillette de 9 ans", "Garçon de 13 ans",
    # "Paciente de 19 anos", "niña de 12 años", "âgée de 15 ans". The person or "âgé(e)"
    # comes first: "depuis 2 ans" (for two years), "il y a 3 ans" (ago), "depuis l'âge de
    # 14 ans", "desde os 14 anos" (the onset) name none and are no age.
    re.compile(
        r"(?:\b(?:fillette|fille|garçon|garcon|enfant|adolescente?|patiente?|homme|femme"
        r"|paciente|menina|menino|criança|crianca|moça|rapaz|niña|niño|nina|nino|chica|chico"
        r"|mujer|hombre)\s+(?:de\s+|com\s+|con\s+)?|\b(?:âgée?|agée?|idade\s+de|edad\s+de)\s+"
        r"(?:de\s+)?)(?P<n>\d{1,2})\s*(?:ans|anos|años)\b",
        re.I,
    ),
    # An OCR'd fax prints the digit one as a letter l or I ("l7 yo F", "I4-year-old"): the
    # letter, then a digit, then a word of age and nothing else, is a teen's age.
    re.compile(
        r"(?<![\w./-])(?P<o>[lI][0-9])\s?-?\s?(?:yo|y/o|y\.o\.?|yrs?|years?)"
        r"(?:[\s-]{1,2}o[l1]d)?(?=[\s,.;:)]|\s*/\s*[MF]\b|$)(?!\s*(?:ago|of|on|since|duration|history))",
    ),
)
# Words one of which every match of the pattern beside it holds (matcher.nlp.cues): a
# note without them is not scanned for it ("years old", "aged", "DOB" are rare in notes).
_AGE_CUES = (("old",), ("old",), None, ("age",), ("male", "boy", "girl", "man", "patient"),
             None, ("jähr", "jaehr", "jarig", "årig", "aarig", "j.", "jahre", "jaar", "år"),
             ("ans", "anos", "años"), ("yo", "y/o", "y.o", "yr", "year"))


def _ages(ctx: _Context) -> Iterable[Finding]:
    text = ctx.text
    lowered = lowered_for_cues(text)
    seen: set[int] = set()
    for pattern, cues in zip(_AGE_RES, _AGE_CUES, strict=True):
        if cues is not None and not may_contain(lowered, cues):
            continue
        for match in pattern.finditer(text):
            if match.start() in seen:
                continue
            word = match.groupdict().get("w")
            number = match.groupdict().get("n") or match.groupdict().get("m")
            if ocr := match.groupdict().get("o"):
                number = "1" + ocr[1]  # "l7" is 17
            years = _AGE_WORDS[word.lower()] if word else int(number)
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
    # "DOB 03/06/2007", "née le 11/11/2009", "born the 03/09/2011" (the labels are data:
    # matcher/nlp/data/date_conventions.json); the extractor set these dates apart.
    for mention in ctx.birth_dates:
        start = birth_label_start(text, mention)
        if mention.date is None or mention.precision != "day" or start is None:
            continue
        yield Finding(
            concept="demographic.birth_date",
            category="demographic",
            note_id=ctx.note_id,
            start=start,
            end=mention.end,
            text=text[start : mention.end],
            value=mention.date.isoformat(),
            date=mention.date,
            date_source="text",
        )
