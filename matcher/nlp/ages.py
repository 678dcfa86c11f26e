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
)
# Words one of which every match of the pattern beside it holds (matcher.nlp.cues): a
# note without them is not scanned for it ("years old", "aged", "DOB" are rare in notes).
_AGE_CUES = (("old",), ("old",), None, ("age",), ("male", "boy", "girl", "man", "patient"),
             None, ("jähr", "jaehr", "jarig", "årig", "aarig", "j.", "jahre", "jaar", "år"))
_DOB_RE = re.compile(
    r"(?=[db])\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?|birth\s*date)\s*[:\-]?\s*", re.I
)
_DOB_CUES = ("dob", "d.o.b", "birth", "born")


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
    for match in _DOB_RE.finditer(text) if may_contain(lowered, _DOB_CUES) else ():
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
