"""Dates in clinical text: absolute, partial, relative, ranges; window arithmetic.

Pure functions: no clock, no I/O. "Today" is always the note's own date, passed in,
so that "biopsy 3 months ago" in a note of 2026-03-14 means 2025-12-13 however
late the screening run happens.

Every pattern below is compiled once at import and uses only bounded repeats
(``{0,3}``, never ``*`` or ``+``), so each match attempt costs a constant amount
of work and a whole note is scanned in linear time; a 2 MB pasted lab table or
10,000 numbers in a row cannot make the scanner backtrack.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from matcher.errors import DateParseError, VocabularyError
from matcher.nlp.cues import lowered_for_cues, may_contain

__all__ = [
    "DateMention",
    "DurationMention",
    "find_dates",
    "find_durations",
    "infer_day_first",
    "birth_label_start",
    "parse_date",
    "resolve_partial",
    "window_to_days",
]


def window_to_days(amount: float, unit: str) -> int:
    """GUIDELINE window arithmetic: N weeks = 7N, N months = round(30.44 N), N years = 365N.

    A "6 months before screening" biopsy window is 183 days; "2 weeks" is 14.
    """
    # Any spelling a text uses: "days", "wks", "mos", "mths", "yrs", "Months" ...
    factor = {"d": 1.0, "w": 7.0, "m": 30.44, "y": 365.0}.get(unit.strip().lower()[:1])
    if factor is None:
        raise ValueError(f"unknown time unit {unit!r}")
    return round(factor * amount)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DateMention:
    """One date expression found in a note.

    ``text == note[start:end]`` always holds, so the evidence span can be highlighted.
    ``date`` is the start of a range; it is None only when the mention is ambiguous
    ("04/05/2026" in a note that gives no day/month convention).
    """

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: str  # "day" | "month" | "year"
    end_date: dt.date | None = None
    kind: str = "absolute"  # "absolute" | "relative" | "range"
    ambiguous: bool = False


@dataclass(frozen=True)
class DurationMention:
    """A stated length of time ("on MMF for 10 months") in GUIDELINE days."""

    start: int
    end: int
    text: str
    days: int


# --------------------------------------------------------------------------- partial dates


def completed_years(birth: dt.date, on: dt.date) -> int:
    """Age in completed years: born 2012-09-02, on 2026-09-01 is 13, on 2026-09-02 is 14
    (a child turns a year older on the birthday, not in the birth month)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def resolve_partial(year: int, month: int | None = None, day: int | None = None) -> dt.date:
    """GUIDELINE: a month-only date means the 15th; a year-only date means 1 July.

    "Biopsy March 2026" → 2026-03-15; "diagnosed 2021" → 2021-07-01. An impossible
    date (31 February, a day without a month) raises DateParseError: it is never
    silently moved to a nearby valid day.
    """
    expected = "year 1-9999, month 1-12, and a day that exists in that month"
    if not 1 <= year <= 9999:
        raise DateParseError("year out of range", field="year", received=year, expected=expected)
    if month is None:
        if day is not None:
            raise DateParseError(
                "a day needs a month", field="day", received=day, expected="a month with the day"
            )
        return dt.date(year, 7, 1)
    if not 1 <= month <= 12:
        raise DateParseError("month out of range", field="month", received=month, expected=expected)
    if day is None:
        return dt.date(year, month, 15)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise DateParseError(
            "day does not exist in that month", field="day", received=day, expected=expected
        )
    return dt.date(year, month, day)


# --------------------------------------------------------------------------- vocabulary

_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip

# Month names of Spanish, Portuguese and Italian notes written in English ("febrero 2025",
# "maio 2026", "15 de setembro de 2026"): whole words only, never their short forms, which
# are English words ("ago", "set", "out").
_LOCAL_MONTHS = {
    "enero": 1, "janeiro": 1, "gennaio": 1,
    "febrero": 2, "fevereiro": 2, "febbraio": 2,
    "marzo": 3, "março": 3,
    "abril": 4, "aprile": 4,
    "mayo": 5, "maio": 5, "maggio": 5,
    "junio": 6, "junho": 6, "giugno": 6,
    "julio": 7, "julho": 7, "luglio": 7,
    "agosto": 8,
    "septiembre": 9, "setiembre": 9, "setembro": 9, "settembre": 9,
    "octubre": 10, "outubro": 10, "ottobre": 10,
    "noviembre": 11, "novembro": 11, "novembre": 11,
    "diciembre": 12, "dezembro": 12, "dicembre": 12,
    # German, Dutch and Nordic letters ("februar–juli 2025", "maart 2024", "20. Okt. 2026");
    # their short forms here are no English words
    "januar": 1, "januari": 1, "jänner": 1,
    "februar": 2, "februari": 2,
    "märz": 3, "maart": 3, "mars": 3, "marts": 3,
    "mai": 5, "mei": 5, "maj": 5,
    "juni": 6, "juli": 7,
    "augustus": 8, "augusti": 8,
    "oktober": 10, "okt": 10,
    "dezember": 12, "dez": 12, "desember": 12,
}  # fmt: skip
# "Sept." and "September" both; \b stops "Mar" inside "Marked" and "dec" inside "decreased".
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    + "|".join(sorted(_LOCAL_MONTHS, key=len, reverse=True))
    + r")\b\.?"
)
# Longest spellings first so that "twelve" is not read as "two"-something.
_NUM_WORD = (
    r"(?:seventeen|thirteen|fourteen|eighteen|nineteen|fifteen|sixteen|eleven|twelve|twenty"
    r"|three|seven|eight|four|five|nine|one|two|six|ten|an|a)"
)
_NUM = rf"(?:[0-9]{{1,4}}(?:\.[0-9]{{1,2}})?|{_NUM_WORD})"
# A number not glued to a longer one: "1.2-3.4" and "12/03/2026" must not yield parts.
_NOT_AFTER_NUMBER = r"(?=[0-9])(?<![0-9])(?<![0-9][./:])"
_NOT_BEFORE_NUMBER = r"(?![0-9]|[./][0-9])"
# A year followed by a unit is a lab value: "2026 mg", "1990 /uL", "2000 cells".
_NOT_UNIT = (
    r"(?!\s{0,2}(?:[/%×*^]|x\s?10|(?:mg|mcg|ug|µg|μg|g|gm|kg|ng|pg|ml|dl|l|u|iu|units?|mmol"
    r"|umol|µmol|μmol|mcmol|meq|mosm|cells?|copies|cm|mm|mm3|k|ratio)\b))"
)
_ORD = r"(?:st|nd|rd|th)?"
_RANGE_SEP = r"(?:\s{0,2}[-–—]\s{0,2}|\s{1,2}(?:to|until|till|through|thru)\s{1,2})"

_I = re.IGNORECASE
# Every pattern opens with a one-character look-ahead ((?=[0-9]), (?=[jfmasond]) ...):
# the regex engine then skips through the text on that character set instead of trying
# the whole pattern at every position, which halves the cost of scanning a long note.
_MONTH_START = r"(?=[jfmasondeglJFMASONDEGL])\b"

# 2026-03-14, 2026/03/14, 2026.03.14 (same separator twice)
_ISO = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{4}})([-/.])([0-9]{{1,2}})\2([0-9]{{1,2}}){_NOT_BEFORE_NUMBER}"
)
# 14/03/2026, 03/14/2026, 14.03.2026, 14-03-2026, 14/03/26
_DMY = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{1,2}})([/.\-])([0-9]{{1,2}})\2([0-9]{{4}}|[0-9]{{2}})"
    rf"{_NOT_BEFORE_NUMBER}"
)
# Polish, Czech, Russian, Ukrainian and Romanian letters write the month in capital Roman
# numerals: "25-VI-2026", "20.X.2026", "07/III/2026", "14 XII 2025" (the same separator
# twice), and
# "IX.2025", "XII-2024" for a month alone. Capitals only and a four-digit year only, and
# the month alone not after a word that Roman numerals count ("class IV-2026" is no month).
_ROMAN_MONTH_NUMBERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7,
                        "VIII": 8, "IX": 9, "X": 10, "XI": 11, "XII": 12}  # fmt: skip
_ROMAN_MONTH = r"(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_DAY_ROMAN_MONTH_YEAR = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{1,2}})([/.\- ]){_ROMAN_MONTH}\2([0-9]{{4}}){_NOT_BEFORE_NUMBER}"
)
_ROMAN_MONTH_YEAR = re.compile(
    rf"(?=[IVX])(?<![\w./\-]){_ROMAN_MONTH}[.\-]((?:19|20)[0-9]{{2}}){_NOT_BEFORE_NUMBER}"
)
_COUNTED_BY_ROMAN_NUMERALS = re.compile(
    r"\b(?:class|classe|klasa|klasse|stage|stadium|grade|type|phase|cycle|course|pulse|"
    r"line|part|no|nr|level|degree|factor|cranial\s+nerve)\W{0,3}$",
    re.I,
)
# 16/09, 09/16: a day and month with no year (infer_day_first reads the padded ones).
_DM_PADDED = re.compile(rf"{_NOT_AFTER_NUMBER}([0-9]{{2}})/([0-9]{{2}}){_NOT_BEFORE_NUMBER}")
# 03/2026, 3/2026, 03.2026 (a dot only with two month digits: "1.2024" is a decimal)
_MY = re.compile(
    rf"{_NOT_AFTER_NUMBER}(?:([0-9]{{1,2}})/|([0-9]{{2}})\.)([0-9]{{4}}){_NOT_BEFORE_NUMBER}"
)
# 2026-03, 2026/03 (never followed by a day: "2026-03-14" is the ISO pattern's)
_YM = re.compile(rf"{_NOT_AFTER_NUMBER}([0-9]{{4}})[-/]([0-9]{{2}})(?![0-9]|[-/.][0-9])")
# 14 Mar 2026, 14 March 2026, 14th March 2026, 14th of March, 2026, 15-Nov-2026, 15-Nov-26
# "20. Okt. 2026", "3. Nov. 2026": the German ordinal's dot after the day.
_DAY_MON_YEAR = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{1,2}}){_ORD}(?:\.(?=\s))?(?:\s{{1,2}}(?:of|de))?(?:\s{{1,2}}|[-./])({_MON})"
    rf"(?:,?\s{{1,2}}(?:de\s{{1,2}})?([0-9]{{4}})|[-./]([0-9]{{4}}|[0-9]{{2}})|\s{{0,2}}'([0-9]{{2}}))"
    rf"{_NOT_BEFORE_NUMBER}",
    _I,
)
# Mar 14, 2026; March 14 2026; March 14th, 2026
_MON_DAY_YEAR = re.compile(
    rf"{_MONTH_START}({_MON})\s{{0,2}}([0-9]{{1,2}}){_ORD}(?![0-9]),?\s{{1,2}}([0-9]{{4}})"
    rf"{_NOT_BEFORE_NUMBER}",
    _I,
)
# March 2026, Mar 2026, Mar-2026, March, 2026, March of 2026, Mar '26
_MON_YEAR = re.compile(
    rf"{_MONTH_START}(?:({_MON})(?:,?\s{{1,2}}(?:(?:of|de)\s{{1,2}})?|[-/])([0-9]{{4}}){_NOT_BEFORE_NUMBER}"
    rf"|({_MON})\s{{0,2}}'([0-9]{{2}})(?![0-9]))",
    _I,
)
# 2023 March, 2026-Mar-14, 2026 Mar 14 (year first, as some analysers print it)
_YEAR_MON = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{4}})[-/ ]({_MON})(?:[-/ ]([0-9]{{1,2}})(?![0-9]))?", _I
)
# 14 March, March 14, 14th of March (no year: the most recent one on or before the note)
_DAY_MON = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{1,2}}){_ORD}(?:\s{{1,2}}of)?[\s-]{{1,2}}({_MON})"
    rf"(?![\s,.'/-]{{0,2}}[0-9])",
    _I,
)
_MON_DAY = re.compile(
    rf"{_MONTH_START}({_MON})\s{{1,2}}([0-9]{{1,2}}){_ORD}\b(?![\s,.'/:-]{{0,2}}[0-9])"
    rf"{_NOT_UNIT}",
    _I,
)
# A bare year only where the words say it is one: "in 2023", "since 2021", "(2022)",
# "mid-2023", "summer of 2022". "WBC of 2000" and "1200" stay numbers. The year is
# found first (fast, digits only); the words before it are then checked in a short window.
_BARE_YEAR_IN_TEXT = re.compile(
    rf"{_NOT_AFTER_NUMBER}((?:19|20)[0-9]{{2}}){_NOT_BEFORE_NUMBER}(?![,.][0-9]){_NOT_UNIT}"
    r"(?!\s{0,2}(?:to|[-–—])\s{0,2}[0-9])",  # "from 2000 to 1500" is a count falling, not a year
    _I,
)
_YEAR_LEAD = re.compile(
    r"(?:\b(?:in|since|from|until|till|by|during|circa|around|before|after|diagnosed|dx)"
    r"\s{1,3}(?:(?:early|mid|late)[\s-]{1,2})?"
    # a procedure then its year: "bx 2025 outside", "renal transplant 2019", "rebiopsy 2024"
    r"|\b(?:re-?)?(?:biops(?:y|ies)|bx)\s{1,3}|\btransplant(?:ation|ed)?\s{1,3}"
    r"|\b(?:early|mid|late)[\s-]{1,2}"
    r"|\b(?:summer|spring|fall|autumn|winter|end|beginning|start|middle)\s{1,2}of\s{1,2})$",
    _I,
)
_PAREN_BEFORE = re.compile(r"\(\s{0,2}$")
_PAREN_AFTER = re.compile(r"\s{0,2}[),;]")
# 2023-2025, 2023–2025, 2023 to 2025 (both must be plausible years, checked in code)
_YEAR_RANGE = re.compile(
    rf"{_NOT_AFTER_NUMBER}((?:19|20)[0-9]{{2}}){_RANGE_SEP}((?:19|20)[0-9]{{2}})"
    rf"{_NOT_BEFORE_NUMBER}(?![,.][0-9]){_NOT_UNIT}",
    _I,
)
_REFERENCE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:ref(?:erence)?(?:\s{1,2}range)?|normal|range|rr|n)\.?\s{0,2}[:=]?\s{0,2}"
    r"[(\[]?\s{0,2}$",
    _I,
)
# Apr-Sep 2023, April to September 2023
_MON_MON_YEAR = re.compile(
    rf"{_MONTH_START}({_MON}){_RANGE_SEP}({_MON}),?\s{{1,2}}([0-9]{{4}}){_NOT_BEFORE_NUMBER}",
    _I,
)

# "06-11/2025": June to November 2025, the months of a course written as one range over
# one year (the first month before the second; "27-29/01" without a year is a day run).
_MM_MM_YEAR = re.compile(
    rf"{_NOT_AFTER_NUMBER}(0?[1-9]|1[0-2])\s?[-–]\s?(0?[1-9]|1[0-2])/([0-9]{{4}}){_NOT_BEFORE_NUMBER}"
)

# Relative expressions, resolved against the note date.
_TIME_UNIT = r"days?|d|weeks?|wks?|wk|months?|mos?|mths?|mnths?|years?|yrs?|yr"
_NUM_START = r"(?=[0-9otfsena])(?<![0-9.,])(?<![^\W\d_])"
_AGO = re.compile(
    rf"{_NUM_START}({_NUM})[\s-]{{0,2}}({_TIME_UNIT}|hours?|hrs?|h)\s{{1,2}}ago\b", _I
)
_FIXED_RELATIVE = re.compile(
    r"(?=[ytceol])\b(?:(yesterday|last\s{1,2}night)"
    r"|(today|tonight|this\s{1,2}(?:morning|afternoon|evening)|earlier\s{1,2}today"
    r"|(?:this|current|today's)\s{1,2}(?:admission|visit|encounter)|(?:on|at)\s{1,2}admission)"
    r"|(last\s{1,2}week)|(last\s{1,2}month)|(last\s{1,2}year)|(earlier\s{1,2}this\s{1,2}year)"
    r"|(this\s{1,2}month))\b",
    _I,
)
# "in September", "in early Sept", "last May", "this past October"
_IN_MONTH = re.compile(
    r"(?=[idsbultp])\b(in|during|since|by|until|last|this\s{1,2}past|past)\s{1,2}"
    rf"(?:(?:early|mid|late)[\s-]{{1,2}})?({_MON})(?![\s,.'/-]{{0,2}}[0-9])",
    _I,
)
# "18/09: CD19 0.0 %": a day and month with no year, as a label opening a line.
_DAY_MONTH_LABEL = re.compile(
    r"(?m)^[ \t]{0,4}(?:[-•*][ \t]{0,2})?([0-9]{1,2})/([0-9]{1,2})(?=[ \t]{0,2}:(?![0-9]))"
)
# "given 19/9", "started 31/01", "given 27-29/01": a day (or a run of days) and a month with
# no year, after a word that dates an event. Not "2/7 ago" (UK shorthand for two days ago),
# nor "3/4 of the dose" (a fraction).
_DAY_MONTH_AFTER_EVENT = re.compile(
    r"(?=[0-9])(?<![0-9./\-–])([0-9]{1,2})(?:\s{0,2}[-–]\s{0,2}([0-9]{1,2}))?/([0-9]{1,2})"
    r"(?![0-9]|[./][0-9])(?!\s{0,2}(?:ago|of)\b)",
    _I,
)
_EVENT_WORD_BEFORE = re.compile(
    r"\b(?:on|given|started|commenced|begun|began|restarted|from|since|dated|stopped|until|"
    r"till|administered|done|performed|taken|collected|received)\s{1,3}$",
    _I,
)
# "03/11-10/11", "3/11 to 10/11": two yearless days joined as one run.
_YEARLESS_DAY_RANGE = re.compile(
    r"(?=[0-9])(?<![0-9./\-–])([0-9]{1,2})/([0-9]{1,2})\s{0,2}(?:[-–]|to|till|until)\s{0,2}"
    r"([0-9]{1,2})/([0-9]{1,2})(?![0-9]|[./][0-9])",
    _I,
)
_NOT_A_DAY_BEFORE = re.compile(
    r"\b(?:VA|acuity|vision|visual|BP|ratio|score)\b[\s:=]{0,3}(?:[A-Z]{1,3}\s{0,2})?$", _I
)
# "on CsA 2021-22", "2018/19": a year range whose second year keeps its last two digits. Only
# where those cannot be a month ("2009-12" is December 2009).
_YEAR_RANGE_SHORT = re.compile(
    rf"{_NOT_AFTER_NUMBER}((?:19|20)[0-9]{{2}})\s{{0,2}}[-–/]\s{{0,2}}([0-9]{{2}})"
    rf"{_NOT_BEFORE_NUMBER}(?![,.][0-9]){_NOT_UNIT}",
    _I,
)
_RANGE_GAP = re.compile(r"\s{0,3}(?:[-–—]|to|until|till|through|thru|and)\s{0,3}", _I)
_RANGE_LEAD = re.compile(r"\b(?:from|between)\s{1,3}$", _I)

# The number and unit are found first; the lead-in ("for the past", "x") is then read
# backwards from the number so the scan itself only wakes up on digits and number words.
_DURATION = re.compile(
    r"(?=[0-9otfsena])(?<![0-9.,])"
    # after a non-letter, or digits straight after a lone "x" ("IV pulses x3 days")
    r"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[xX])(?=[0-9]))"
    rf"(?<![0-9][-–])(?<![0-9] [-–] )({_NUM})[\s-]{{0,2}}({_TIME_UNIT})\b"
    r"(?!\s{1,2}ago\b)(?![\s-]{0,2}old\b)(?!\s{1,2}of\s{1,2}age\b)",
    _I,
)
_DURATION_LEAD = re.compile(
    r"(?:(?<![^\W\d_])(?:for|over|x|during|within)|×)\s{0,2}"
    r"(?:(?:the\s{1,2})?(?:past|last|previous|preceding|next)\s{1,2})?$",
    _I,
)
_BARE_YEAR = re.compile(r"[0-9]{4}")
_AGE_BEFORE = re.compile(r"\b(?:aged?|age\s{1,2}of)\s{1,2}$", _I)

_FORMS = (
    "YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY, DD.MM.YYYY, DD-Mon-YYYY, DD Month YYYY, "
    "Month DD, YYYY, Month YYYY, MM/YYYY, YYYY-MM, YYYY, or a relative date such as "
    "'3 months ago' or 'last week' (relative dates need the note date)"
)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    date: dt.date | None
    precision: str
    end_date: dt.date | None = None
    kind: str = "absolute"
    ambiguous: bool = False


# --------------------------------------------------------------------------- helpers


def _month_number(word: str) -> int | None:
    # casefold, not lower: IGNORECASE also matches "ſept" (long s); it must map, not crash.
    folded = word.casefold().rstrip(".")
    return _LOCAL_MONTHS.get(folded) or _MONTH_NUMBERS.get(folded[:3])


def _capitalised(word: str) -> bool:
    # Without a year or day beside it, "may"/"march" are usually verbs: "in may need".
    return word[:1].isupper()


def _number(token: str) -> float | None:
    word = token.casefold()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def _expand_year(digits: str, ref: dt.date | None) -> int:
    """'26' → 2026; '98' → 1998 (a DOB): a two-digit year more than 10 years past the note
    year belongs to the previous century."""
    year = int(digits)
    if len(digits) != 2:
        return year
    pivot = ref.year + 10 if ref is not None else 2069
    year += 2000
    return year - 100 if year > pivot else year


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 2100 or not 1 <= month <= 12:
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return dt.date(year, month, day)


def _plausible_bare_year(year: int, ref: dt.date | None) -> bool:
    # A bare year (or year-month) is believed only between 1950 and next year: "1200" or
    # "2100" next to a lab name are values, and a patient's history starts after 1950.
    return 1950 <= year <= (ref.year + 1 if ref is not None else 2100)


def _recent_month(month: int, ref: dt.date, *, strictly_before: bool) -> dt.date:
    """'in September' → the most recent September on or before the note's month."""
    this_year = month < ref.month or (month == ref.month and not strictly_before)
    return resolve_partial(ref.year if this_year else ref.year - 1, month)


def _recent_day(month: int, day: int, ref: dt.date) -> dt.date | None:
    """'seen on 3 March' in a note of 2026-03-14 → 2026-03-03; in a note of 2026-02-01 →
    2025-03-03 (findings are in the past)."""
    for year in (ref.year, ref.year - 1, ref.year - 2, ref.year - 3, ref.year - 4):
        found = _safe_date(year, month, day)
        if found is not None and found <= ref:
            return found
    return None  # 29 February with no leap year close enough


def recent_numeric_day(
    first: int, second: int, ref: dt.date, day_first: bool | None
) -> dt.date | None:
    """ "18/09:" with no year, in a note of 2026-10-05 → 2026-09-18: the most recent such
    day on or before the note, read in the note's convention; None when it stays ambiguous
    (04/05 with no convention and both days past) or names no day."""
    for year in (ref.year, ref.year - 1):
        decided = _numeric_day_month(first, second, year, day_first, ref)
        if decided is None or decided[1]:
            return None
        if decided[0] is not None and decided[0] <= ref:
            return decided[0]
    return None


def _days_after_event_words(
    text: str, ref: dt.date, day_first: bool | None
) -> Iterator[_Candidate]:
    """ "filgrastim given 19/9", "IV CYC given 14-16/10": the most recent such day (the
    first of a run of days) on or before the note; a run is a range to its last day."""
    for m in _DAY_MONTH_AFTER_EVENT.finditer(text):
        if _EVENT_WORD_BEFORE.search(text, max(0, m.start() - 16), m.start()) is None:
            continue
        first = recent_numeric_day(int(m[1]), int(m[3]), ref, day_first)
        if first is None:
            continue
        last = recent_numeric_day(int(m[2]), int(m[3]), ref, day_first) if m[2] else None
        if last is not None and last > first:
            yield _Candidate(m.start(), m.end(), first, "day", last, "range")
        elif m[2] is None:
            yield _Candidate(m.start(), m.end(), first, "day", kind="relative")


def _yearless_day_ranges(
    text: str, ref: dt.date, day_first: bool | None
) -> Iterator[_Candidate]:
    """ "meropenem 03/11-10/11", "IV ceftriaxone 3/11 to 10/11": a course written as two
    days with no year, joined as a range. Each end is read in the note's day order (else
    left, never guessed) as the most recent such day on or before the note; the first must
    not come after the last and the run is at most a year. Not a visual acuity ("VA
    6/6-6/9") nor a pressure ("BP 120/80-130/90": no such day)."""
    for m in _YEARLESS_DAY_RANGE.finditer(text):
        if _NOT_A_DAY_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue
        first = recent_numeric_day(int(m[1]), int(m[2]), ref, day_first)
        last = recent_numeric_day(int(m[3]), int(m[4]), ref, day_first)
        if first is None or last is None:
            continue
        if first < last and (last - first).days <= 366:
            yield _Candidate(m.start(), m.end(), first, "day", last, "range")


def _short_year_ranges(text: str, ref: dt.date | None) -> Iterator[_Candidate]:
    """ "2021-22" → 2021 to 2022; "2009-12" is left to the year-month pattern."""
    for m in _YEAR_RANGE_SHORT.finditer(text):
        first = int(m[1])
        last = first - first % 100 + int(m[2])
        if int(m[2]) <= 12 or last <= first:
            continue
        if _REFERENCE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        if _plausible_bare_year(first, ref) and _plausible_bare_year(last, ref):
            yield _Candidate(
                m.start(), m.end(), resolve_partial(first), "year", resolve_partial(last), "range"
            )


def _numeric_day_month(
    first: int, second: int, year: int, day_first: bool | None, ref: dt.date | None = None
) -> tuple[dt.date | None, bool] | None:
    """Decide dd/mm vs mm/dd. Returns (date, ambiguous) or None when neither reading exists.

    13/03/2026 can only be 13 March; 03/13/2026 only 13 March; 04/04/2026 is the same
    either way; 04/05/2026 needs the note's convention, otherwise it is left ambiguous.
    """
    as_day_first = _safe_date(year, second, first)
    as_month_first = _safe_date(year, first, second)
    if as_day_first is None and as_month_first is None:
        return None
    if as_month_first is None:
        return as_day_first, False
    if as_day_first is None or as_day_first == as_month_first:
        return as_month_first, False
    if day_first is None and ref is not None:
        # A note records the past: "biopsy 12/10/2026" in a note of 15 Nov 2026 is
        # 12 October, since 10 December had not happened yet.
        past = [d for d in (as_day_first, as_month_first) if d <= ref]
        if len(past) == 1:
            return past[0], False
    if day_first is None:
        return None, True
    return (as_day_first if day_first else as_month_first), False


def _unit_name(unit: str) -> str:
    unit = unit.casefold()
    if unit.startswith("h"):
        return "hour"
    if unit.startswith("d"):
        return "day"
    if unit.startswith("w"):
        return "week"
    if unit.startswith("m"):
        return "month"
    return "year"


def _days_for(amount: float, unit: str) -> int:
    name = _unit_name(unit)
    if name == "hour":
        return round(amount / 24)  # "36 hours ago" is a day and a half: the day before
    return window_to_days(amount, name)


# --------------------------------------------------------------------------- scanners

# Words without which a family of patterns cannot match. A note with none of them (in
# any case) skips those scans: most notes have no "ago", and many no month name
# (matcher.nlp.cues: a note with a letter IGNORECASE folds apart, "ſept", is scanned).
# The local month names gate by their whole word: their first three letters are English
# words or inside them ("ago", "set", "gen" in "gentamicin", "dic" in "medication"), which
# sent almost every note through the month scans. ("março" is gated by "mar".)
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
                *sorted(name for name in _LOCAL_MONTHS if name.isascii()))  # fmt: skip
_FIXED_WORDS = ("yesterday", "last", "today", "tonight", "this", "earlier", "current", "admission")


def _scan_absolute(text: str, lowered: str | None, ref: dt.date | None,
                   day_first: bool | None) -> Iterator[_Candidate]:  # fmt: skip
    months = may_contain(lowered, _MONTH_STEMS)
    for m in _ISO.finditer(text):
        found = _safe_date(int(m[1]), int(m[3]), int(m[4]))
        if found is not None:
            yield _Candidate(m.start(), m.end(), found, "day")
    for m in _DMY.finditer(text):
        year = _expand_year(m[4], ref)
        # A dotted date is the European form: 05.11.2026 is 5 November, whatever the
        # note's slash convention ("Neupogen given 05.11.2026").
        convention = True if m[2] == "." else day_first
        decided = _numeric_day_month(int(m[1]), int(m[3]), year, convention, ref)
        if decided is not None:
            found, ambiguous = decided
            yield _Candidate(m.start(), m.end(), found, "day", ambiguous=ambiguous)
    for m in _DAY_ROMAN_MONTH_YEAR.finditer(text):
        found = _safe_date(int(m[4]), _ROMAN_MONTH_NUMBERS[m[3]], int(m[1]))
        if found is not None and _plausible_bare_year(int(m[4]), ref):
            yield _Candidate(m.start(), m.end(), found, "day")
    for m in _ROMAN_MONTH_YEAR.finditer(text):
        if _COUNTED_BY_ROMAN_NUMERALS.search(text, max(0, m.start() - 20), m.start()):
            continue
        year = int(m[2])
        if _plausible_bare_year(year, ref):
            found = resolve_partial(year, _ROMAN_MONTH_NUMBERS[m[1]])
            yield _Candidate(m.start(), m.end(), found, "month")
    for m in _DAY_MONTH_LABEL.finditer(text) if ref is not None and ":" in text else ():
        found_day = recent_numeric_day(int(m[1]), int(m[2]), ref, day_first)
        if found_day is not None:
            yield _Candidate(m.start(1), m.end(2), found_day, "day", kind="relative")
    if ref is not None and "/" in text:
        yield from _days_after_event_words(text, ref, day_first)
        yield from _yearless_day_ranges(text, ref, day_first)
    yield from _short_year_ranges(text, ref)
    for m in _MY.finditer(text):
        month = int(m[1] or m[2])
        year = int(m[3])
        if 1 <= month <= 12 and _plausible_bare_year(year, ref):
            yield _Candidate(m.start(), m.end(), resolve_partial(year, month), "month")
    for m in _YM.finditer(text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12 and _plausible_bare_year(year, ref):
            yield _Candidate(m.start(), m.end(), resolve_partial(year, month), "month")
    for m in _DAY_MON_YEAR.finditer(text) if months else ():
        month = _month_number(m[2])
        digits = m[3] or m[4] or m[5]
        if month is None or digits is None:
            continue
        found = _safe_date(_expand_year(digits, ref), month, int(m[1]))
        if found is not None:
            yield _Candidate(m.start(), m.end(), found, "day")
    for m in _MON_DAY_YEAR.finditer(text) if months else ():
        month = _month_number(m[1])
        found = _safe_date(int(m[3]), month, int(m[2])) if month else None
        if found is not None:
            yield _Candidate(m.start(), m.end(), found, "day")
    for m in _MON_YEAR.finditer(text) if months else ():
        month = _month_number(m[1] or m[3])
        year = int(m[2]) if m[2] else _expand_year(m[4], ref)
        if month is not None and 1900 <= year <= 2100:
            yield _Candidate(m.start(), m.end(), resolve_partial(year, month), "month")
    for m in _YEAR_MON.finditer(text) if months else ():
        year, month = int(m[1]), _month_number(m[2])
        if month is None or not _plausible_bare_year(year, ref):
            continue
        if m[3] is None and not _capitalised(m[2]):
            continue  # "WBC 2000 may reflect steroids" is a count and a verb
        if m[3] is not None:
            found = _safe_date(year, month, int(m[3]))
            if found is not None:
                yield _Candidate(m.start(), m.end(), found, "day")
                continue
        yield _Candidate(m.start(), m.end(2), resolve_partial(year, month), "month")
    for m in _BARE_YEAR_IN_TEXT.finditer(text):
        year = int(m[1])
        if not _plausible_bare_year(year, ref):
            continue
        window = max(0, m.start() - 40)
        worded = _YEAR_LEAD.search(text, window, m.start()) is not None
        bracketed = (
            _PAREN_BEFORE.search(text, window, m.start()) is not None
            and _PAREN_AFTER.match(text, m.end()) is not None
        )
        if worded or bracketed:
            yield _Candidate(m.start(), m.end(), resolve_partial(year), "year")
    for m in _YEAR_RANGE.finditer(text):
        first, last = int(m[1]), int(m[2])
        if _REFERENCE_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue  # "ref 1950-2000" is a normal range of some analyte, not years
        if _plausible_bare_year(first, ref) and _plausible_bare_year(last, ref) and first < last:
            yield _Candidate(
                m.start(), m.end(), resolve_partial(first), "year", resolve_partial(last), "range"
            )
    for m in _MM_MM_YEAR.finditer(text):
        first, last, year = int(m[1]), int(m[2]), int(m[3])
        if first < last and 1900 <= year <= 2100:
            yield _Candidate(m.start(), m.end(), resolve_partial(year, first), "month",
                             resolve_partial(year, last), "range")
    for m in _MON_MON_YEAR.finditer(text) if months else ():
        first, last, year = _month_number(m[1]), _month_number(m[2]), int(m[3])
        if first is None or last is None or not 1900 <= year <= 2100:
            continue
        # "Nov-Feb 2024" runs over New Year: it starts in November 2023.
        start_year = year if first <= last else year - 1
        yield _Candidate(
            m.start(),
            m.end(),
            resolve_partial(start_year, first),
            "month",
            resolve_partial(year, last),
            "range",
        )


# Drug-history forms (issue 15, mechanism 7). "2024.03" (year.month, as Chinese records
# print it; "2024.03-2024.09" then merges into a range), "2025 - present" (a bare year that
# starts an ongoing course), "10-12 Nov 2025" (a run of days: pulses on three days).
_YEAR_DOT_MONTH = re.compile(
    rf"{_NOT_AFTER_NUMBER}((?:19|20)[0-9]{{2}})\.(0[1-9]|1[0-2]){_NOT_BEFORE_NUMBER}{_NOT_UNIT}"
)
_YEAR_TO_PRESENT = re.compile(
    rf"{_NOT_AFTER_NUMBER}((?:19|20)[0-9]{{2}})(?=\s{{0,2}}(?:[-–—]|to|till|until)\s{{0,2}}"
    r"(?:present|now|date|today|current|ongoing)\b)",
    _I,
)
_DAY_DAY_MON_YEAR = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{1,2}}){_ORD}\s{{0,2}}[-–]\s{{0,2}}([0-9]{{1,2}}){_ORD}"
    rf"\s{{1,2}}({_MON}),?\s{{1,2}}([0-9]{{4}}){_NOT_BEFORE_NUMBER}",
    _I,
)


# A calendar week, as German and Nordic services date things: "KW 10/2026"
# (Kalenderwoche), "Kalenderwoche 44", "v. 44/2026" (vecka), "uge 36 2026", "week 44/2026".
# It is the ISO week, Monday to Sunday: read as that run of days. "10/2026" alone would
# be October. A week number with no year is read as a calendar week only after a word that
# means nothing else ("KW", "Kalenderwoche", "calendar week"): "graviditet v. 9", "uge 36"
# and "week 12" alone are as often a week of pregnancy or of treatment.
_CALENDAR_WEEK = re.compile(
    r"\b(?:(?P<only>KW|Kalenderwoche|calendar\s+week|CW)|"
    r"(?:week|wk|Woche|vecka|v\.|uge|uke))\s{0,2}(?P<week>[0-9]{1,2})(?![0-9]|[.,][0-9])"
    r"(?:\s{0,2}(?:/|,|\s)\s{0,2}(?P<year>(?:19|20)[0-9]{2})(?![0-9]))?",
    _I,
)


def _calendar_weeks(text: str, ref: dt.date | None) -> Iterator[_Candidate]:
    for m in _CALENDAR_WEEK.finditer(text):
        week = int(m["week"])
        if m["year"] is not None:
            year = int(m["year"])
        elif m["only"] is not None and ref is not None:
            # "KW 44" in a note of 3 November: this year's week 44, or last year's when
            # this year's has not begun by the note's date.
            year = ref.year
            if _week_monday(year, week) is not None and _week_monday(year, week) > ref:
                year -= 1
        else:
            continue
        monday = _week_monday(year, week)
        if monday is not None and _plausible_bare_year(year, ref):
            yield _Candidate(m.start(), m.end(), monday, "day",
                             monday + dt.timedelta(days=6), "range")  # fmt: skip


def _week_monday(year: int, week: int) -> dt.date | None:
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:  # week 0, week 54, week 53 of a 52-week year
        return None


# "26.-29.10.2026", "14.–16.10.2026": a run of days as German letters write a course
# (the first day's month and year are the second's).
_DOTTED_DAY_RANGE = re.compile(
    rf"{_NOT_AFTER_NUMBER}([0-9]{{1,2}})\.\s?[-–]\s?([0-9]{{1,2}})\.([0-9]{{1,2}})\."
    rf"((?:19|20)?[0-9]{{2}}){_NOT_BEFORE_NUMBER}"
)


def _dotted_day_ranges(text: str, ref: dt.date | None) -> Iterator[_Candidate]:
    for m in _DOTTED_DAY_RANGE.finditer(text) if "." in text else ():
        year = _expand_year(m[4], ref)
        first = _safe_date(year, int(m[3]), int(m[1]))
        last = _safe_date(year, int(m[3]), int(m[2]))
        if first is not None and last is not None and first < last:
            yield _Candidate(m.start(), m.end(), first, "day", last, "range")


def _scan_history_forms(text: str, ref: dt.date | None) -> Iterator[_Candidate]:
    yield from _calendar_weeks(text, ref)
    yield from _dotted_day_ranges(text, ref)
    for m in _YEAR_DOT_MONTH.finditer(text):
        year = int(m[1])
        if _plausible_bare_year(year, ref):
            yield _Candidate(m.start(), m.end(), resolve_partial(year, int(m[2])), "month")
    for m in _YEAR_TO_PRESENT.finditer(text):
        year = int(m[1])
        if _plausible_bare_year(year, ref):
            yield _Candidate(m.start(), m.end(), resolve_partial(year), "year")
    for m in _DAY_DAY_MON_YEAR.finditer(text):
        month = _month_number(m[3])
        if month is None or int(m[1]) >= int(m[2]):
            continue
        first = _safe_date(int(m[4]), month, int(m[1]))
        last = _safe_date(int(m[4]), month, int(m[2]))
        if first is not None and last is not None:
            yield _Candidate(m.start(), m.end(), first, "day", last, "range")


def _scan_relative(text: str, lowered: str | None, ref: dt.date) -> Iterator[_Candidate]:
    months = may_contain(lowered, _MONTH_STEMS)
    for m in _AGO.finditer(text) if may_contain(lowered, ("ago",)) else ():
        amount = _number(m[1])
        if amount is None:
            continue
        name = _unit_name(m[2])
        precision = {"month": "month", "year": "year"}.get(name, "day")
        try:
            found = ref - dt.timedelta(days=_days_for(amount, m[2]))
        except (OverflowError, ValueError):
            continue  # "9999 years ago" is before year 1
        yield _Candidate(m.start(), m.end(), found, precision, kind="relative")
    for m in _FIXED_RELATIVE.finditer(text) if may_contain(lowered, _FIXED_WORDS) else ():
        found: dt.date
        end_date: dt.date | None = None
        if m[1]:
            found, precision = ref - dt.timedelta(days=1), "day"
        elif m[2]:
            found, precision = ref, "day"
        elif m[3]:
            found, precision = ref - dt.timedelta(days=7), "day"
        elif m[4]:
            year, month = (ref.year, ref.month - 1) if ref.month > 1 else (ref.year - 1, 12)
            found, precision = resolve_partial(year, month), "month"
        elif m[5]:
            found, precision = resolve_partial(ref.year - 1), "year"
        elif m[6]:
            # "earlier this year": somewhere between 1 January and the note date.
            found, end_date, precision = dt.date(ref.year, 1, 1), ref, "year"
        else:
            found, precision = resolve_partial(ref.year, ref.month), "month"
        yield _Candidate(m.start(), m.end(), found, precision, end_date, "relative")
    for m in _IN_MONTH.finditer(text) if months else ():
        month = _month_number(m[2])
        if month is None or not _capitalised(m[2]):
            continue
        strictly = m[1].casefold() not in ("in", "during", "since", "by", "until")
        found = _recent_month(month, ref, strictly_before=strictly)
        yield _Candidate(m.start(), m.end(), found, "month", kind="relative")
    for pattern, month_group, day_group in ((_DAY_MON, 2, 1), (_MON_DAY, 1, 2)):
        for m in pattern.finditer(text) if months else ():
            month = _month_number(m[month_group])
            if month is None or not _capitalised(m[month_group]):
                continue
            found_day = _recent_day(month, int(m[day_group]), ref)
            if found_day is not None:
                yield _Candidate(m.start(), m.end(), found_day, "day", kind="relative")


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep non-overlapping mentions; where two overlap the longer one wins.

    "14 Mar 2026" beats "Mar 2026" inside it; "Apr-Sep 2023" beats "Sep 2023". One
    sweep in start order, so 200,000 dates in a pasted table stay O(n log n).
    """
    candidates.sort(key=lambda c: (c.start, c.start - c.end))
    kept: list[_Candidate] = []
    for cand in candidates:
        if not kept or cand.start >= kept[-1].end:
            kept.append(cand)
            continue
        last = kept[-1]
        longer = cand.end - cand.start > last.end - last.start
        clear_of_previous = len(kept) < 2 or cand.start >= kept[-2].end
        if longer and clear_of_previous:
            kept[-1] = cand
    return kept


def _merge_ranges(text: str, kept: list[_Candidate]) -> list[_Candidate]:
    """'Feb 2025 - Jun 2026', 'from March 2024 to June 2025', '01/2024-06/2024' → one range."""
    merged: list[_Candidate] = []
    i = 0
    while i < len(kept):
        first = kept[i]
        if i + 1 < len(kept):
            second = kept[i + 1]
            gap = text[first.end : second.start]
            if (
                first.kind == "absolute"
                and second.kind == "absolute"
                and first.date is not None
                and second.date is not None
                and len(gap) <= 12
                and _RANGE_GAP.fullmatch(gap)
            ):
                lead = _RANGE_LEAD.search(text, max(0, first.start - 12), first.start)
                gap_word = gap.strip().casefold()
                between = lead is not None and lead[0].casefold().startswith("between")
                # "and" joins a range only after "between": "in 2023 and 2025" is two dates.
                if (gap_word != "and" or between) and second.date >= first.date:
                    start = lead.start() if lead is not None else first.start
                    merged.append(
                        _Candidate(
                            start,
                            second.end,
                            first.date,
                            first.precision,
                            second.end_date or second.date,
                            "range",
                        )
                    )
                    i += 2
                    continue
        merged.append(first)
        i += 1
    return merged


def _scan(text: str, ref: dt.date | None, day_first: bool | None) -> list[_Candidate]:
    lowered = lowered_for_cues(text)  # once per text, for both scans' cue words
    candidates = list(_scan_absolute(text, lowered, ref, day_first))
    candidates.extend(_scan_history_forms(text, ref))
    # A note dated in year 1 or 9999 is a data error; relative arithmetic would leave the
    # calendar ("last year" of year 1), so such notes get absolute dates only.
    if ref is not None and 2 <= ref.year <= 9998:
        candidates.extend(_scan_relative(text, lowered, ref))
    return _on_the_admission_day(text, _merge_ranges(text, _select(candidates)))


# "Admitted 28/04/2026", "Date of admission: 28 Apr 2026", "hospitalised on 28/04/2026".
_ADMITTED_BEFORE = re.compile(
    r"\b(?:admitted|admission\s{1,2}date|date\s{1,2}of\s{1,2}admission|hospitali[sz]ed)"
    r"\s{0,3}(?:on\s{1,2})?:?\s{0,3}$",
    _I,
)
_ON_ADMISSION = re.compile(r"(?:on|at)\s{1,2}admission", _I)


def _on_the_admission_day(text: str, kept: list[_Candidate]) -> list[_Candidate]:
    """"on admission" in a discharge summary that states one admission date is that day:
    "Admitted 28/04/2026 ... SLEDAI-2K on admission 20" scored 20 on 28 April, not on the
    day the summary was written or faxed. With no such date, or two, it stays the note's."""
    if "dmi" not in text and "DMI" not in text:
        return kept
    admitted = {
        c.date
        for c in kept
        if c.kind == "absolute" and c.precision == "day" and c.date is not None
        and _ADMITTED_BEFORE.search(text, max(0, c.start - 40), c.start)
    }
    if len(admitted) != 1:
        return kept
    day = admitted.pop()
    return [
        dataclasses.replace(c, date=day) if c.kind == "relative" and day <= (c.date or day)
        and _ON_ADMISSION.fullmatch(text, c.start, c.end) else c
        for c in kept
    ]  # fmt: skip


# --------------------------------------------------------------------------- public API


def infer_day_first(text: str, note_date: dt.date | None = None) -> bool | None:
    """The note's numeric date convention, from dates with an impossible field.

    "13/03/2026" can only be day first; "03/13/2026" only month first. A note that
    has only one kind decides the convention for its "04/05/2026"; a note with both
    kinds is undecided (None); one with neither is day first if it spells a medical word
    the British way ("oedema", "haematuria") or writes a word of a day-first language
    ("PBR du 01/07/2026", data/date_conventions.json), else undecided.

    With the note's date given, a date the note prints that is that very day in one
    reading only ("Clinic 05/06/2026:" in a note of 5 June 2026) is the note heading
    itself and tells the convention as an impossible field does. A fax or transmission
    banner ("11/16/2026 14:02 FROM: ... P. 001/002") was printed by the sending or
    receiving machine, whose convention need not be the writer's: its dates tell only
    where nothing else in the note does.
    """
    banners = _transmission_lines(text)
    told = _convention_told(text, note_date, banners, inside=False)
    if told is not _UNTOLD:
        return told
    if _BRITISH_SPELLING.search(text) or _conventions().day_first_words.search(text):
        return True
    # Only where nothing the writer wrote tells: the machine most likely stood in the
    # writer's country ("FAX RECEIVED 09/14/2026 16:55" over a note with no other sign).
    told = _convention_told(text, note_date, banners, inside=True)
    return None if told is _UNTOLD else told


_UNTOLD = object()


def _convention_told(text: str, note_date: dt.date | None, banners: list[tuple[int, int]],
                     *, inside: bool) -> bool | None | object:  # fmt: skip
    """True (day first), False (month first), None (both seen) or _UNTOLD (neither), from
    the dates inside the banner lines (inside=True) or outside them."""
    day_first_seen = month_first_seen = False
    for m in _DMY.finditer(text):
        if _inside(banners, m.start()) is not inside:
            continue
        first, second = int(m[1]), int(m[3])
        if 12 < first <= 31 and 1 <= second <= 12:
            day_first_seen = True
        elif 12 < second <= 31 and 1 <= first <= 12:
            month_first_seen = True
        elif note_date is not None and first != second and first <= 12 and second <= 12:
            year = _expand_year(m[4], note_date)
            if _safe_date(year, second, first) == note_date:
                day_first_seen = True
            elif _safe_date(year, first, second) == note_date:
                month_first_seen = True
        if day_first_seen and month_first_seen:
            return None
    # "new biopsy 16/09 still active": a day and month without a year, its month written
    # with a leading zero (a ratio, "crescents 3/15", "activity index 13/24", never is).
    for m in _DM_PADDED.finditer(text):
        if _inside(banners, m.start()) is not inside:
            continue
        first, second = m[1], m[2]
        if 12 < int(first) <= 31 and second.startswith("0") and second != "00":
            day_first_seen = True
        elif 12 < int(second) <= 31 and first.startswith("0") and first != "00":
            month_first_seen = True
        if day_first_seen and month_first_seen:
            return None
    if day_first_seen:
        return True
    if month_first_seen:
        return False
    return _UNTOLD


def birth_label_start(text: str, mention: DateMention) -> int | None:
    """Where the birth-date label before the date starts ("DOB 03/06/2007", "née le
    11/11/2009", "born the 03/09/2011"), or None when the date follows no such label. The
    date is then the patient's birth, never the date of what the note tells after it (a
    SLEDAI or a height written on the next line is not from 2007)."""
    found = _conventions().birth_label.search(text, max(0, mention.start - 40), mention.start)
    return found.start() if found else None


# A clock time ("14:02", "09:12"); a page of pages ("P. 001/002", "P1/1", "Page 2 of 3").
_CLOCK = re.compile(r"(?<![0-9:])(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?![0-9])")
_PAGE_OF = re.compile(
    r"\bP(?:\.\s?|g\.?\s?)?[0-9]{1,3}\s?/\s?[0-9]{1,3}\b|\bpage\s+[0-9]{1,3}\s+of\s+[0-9]", re.I
)


def _transmission_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that is a fax or transmission banner: a clock time and a
    transmission word or a page-of-pages mark ("FAX RX 09/10/2026 11:42 FROM ... P.1/3")."""
    if ":" not in text:
        return []
    words = _conventions().transmission
    found = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if _CLOCK.search(line) and (words.search(line) or _PAGE_OF.search(line)):
            found.append((offset, offset + len(line)))
        offset += len(line)
    return found


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    return any(start <= at < end for start, end in spans)


@dataclass(frozen=True)
class _Conventions:
    day_first_words: re.Pattern[str]
    transmission: re.Pattern[str]
    birth_label: re.Pattern[str]


_CONVENTIONS_FILE = "matcher/nlp/data/date_conventions.json"


def _word_list(data: dict, key: str) -> list[str]:
    value = data.get(key)
    if isinstance(value, dict):
        value = [w for words in value.values()
                 for w in (words if isinstance(words, list) else [None])]  # fmt: skip
    words_ok = isinstance(value, list) and all(isinstance(w, str) and w.strip() for w in value)
    if not value or not words_ok:
        raise VocabularyError("invalid cue list", file=_CONVENTIONS_FILE, field=key,
                              expected="a non-empty list of non-empty strings (or a mapping "
                              "of language to such lists)")  # fmt: skip
    return value


@cache
def _conventions() -> _Conventions:
    # Imported here: matcher.nlp.vocab is a higher layer than this pure date module.
    from matcher.nlp.vocab import data_text

    try:
        data = json.loads(data_text("date_conventions.json"))
    except json.JSONDecodeError as exc:
        raise VocabularyError("not valid JSON", file=_CONVENTIONS_FILE, field=f"line {exc.lineno}",
                              expected="JSON") from exc  # fmt: skip
    return _compiled(data)


def _compiled(data: object) -> _Conventions:
    """The cue lists of date_conventions.json, checked and compiled."""
    if not isinstance(data, dict):
        raise VocabularyError("not a JSON object", file=_CONVENTIONS_FILE, field="top level",
                              expected="an object")  # fmt: skip
    if data.get("version") != 1:
        raise VocabularyError("unknown version", file=_CONVENTIONS_FILE, field="version",
                              expected="1")  # fmt: skip

    def alternation(words: list[str]) -> str:
        escaped = (r"\s+".join(re.escape(part) for part in w.split()) for w in words)
        return "|".join(sorted(escaped, key=len, reverse=True))

    # Case kept for the language words (lowercase "du", "con": a capital "Du", "CON" is a
    # name or an abbreviation); no letter, dot or slash may touch them ("www.x.com").
    languages = alternation(_word_list(data, "day_first_language_words"))
    day_first = re.compile(rf"(?<![\w./@-])(?:{languages})(?![\w-])")
    machines = alternation(_word_list(data, "transmission_words"))
    transmission = re.compile(rf"\b(?:{machines})\b", re.I)
    labels = alternation(_word_list(data, "birth_date_labels"))
    birth = re.compile(rf"(?<!\w)(?:{labels})\s{{0,3}}[:\-]?\s{{0,3}}$", re.I)
    return _Conventions(day_first, transmission, birth)


# A medical word spelt the British way ("haematuria", "oedema", "anaemia", "paediatric",
# "diarrhoea"): its writer dates day first, as the UK, Ireland, the Commonwealth and Europe
# do; a US note spells "hematuria". "Haemophilus" is a genus, spelt so everywhere.
_BRITISH_SPELLING = re.compile(
    r"\b(?!haemophil)[a-z]*(?:haem|aemi|oedem|paed|rrhoea|pnoea|oesophag)[a-z]*\b", re.I
)


def find_dates(
    text: str, note_date: dt.date, *, day_first: bool | None = None, infer: bool = True
) -> list[DateMention]:
    """Every date expression in a note, in text order, resolved against the note date.

    ``day_first`` is the numeric convention (dd/mm when True); when None it is inferred
    from the note itself (infer_day_first), and a date still undecidable comes back
    with ``ambiguous=True`` and ``date=None``: it is never guessed. ``infer=False`` keeps
    a None undecided: a piece of a long note takes the whole note's convention, and a
    note with both "13/03/2026" and "03/13/2026" stays undecided in every piece of it.
    """
    if day_first is None and infer:
        day_first = infer_day_first(text, note_date)
    return [
        DateMention(
            c.start,
            c.end,
            text[c.start : c.end],
            c.date,
            c.precision,
            c.end_date,
            c.kind,
            c.ambiguous,
        )
        for c in _scan(text, note_date, day_first)
    ]


def parse_date(
    text: str, note_date: dt.date | None = None, *, day_first: bool | None = None
) -> tuple[dt.date, str]:
    """One date expression (a structured field, a CLI option) → (date, precision).

    "2026-03-14" → (2026-03-14, "day"); "March 2026" → (2026-03-15, "month");
    "2021" → (2021-07-01, "year"); "3 months ago" needs note_date. Raises
    DateParseError naming the value and the accepted forms.
    """
    stripped = text.strip().rstrip(".,;") if isinstance(text, str) else ""
    if _BARE_YEAR.fullmatch(stripped) and 1900 <= int(stripped) <= 2100:
        return resolve_partial(int(stripped)), "year"
    if stripped:
        if day_first is None:
            day_first = infer_day_first(stripped)
        found = [
            c for c in _scan(stripped, note_date, day_first)
            if c.start == 0 and c.end == len(stripped)
        ]  # fmt: skip
        if found:
            cand = found[0]
            if cand.ambiguous or cand.date is None:
                raise DateParseError(
                    "day and month order is ambiguous",
                    received=text,
                    expected="an unambiguous date or a day_first convention",
                )
            if cand.kind == "range":
                raise DateParseError(
                    "a date range, not a single date", received=text, expected=_FORMS
                )
            return cand.date, cand.precision
    raise DateParseError("unreadable date", received=text, expected=_FORMS)


def find_durations(text: str) -> list[DurationMention]:
    """Stated lengths of time: "for 10 months", "for the past 2 years", "x 6 months",
    "3 weeks", "18 mo", "1.5 years", "six months" → days by GUIDELINE arithmetic.

    "3 months ago" is a point in time (find_dates), "12 years old"/"aged 12 years" an age,
    and "3-6 months" a range that cannot be reduced to one length: none is a duration.
    """
    found: list[DurationMention] = []
    for m in _DURATION.finditer(text):
        amount = _number(m[1])
        if amount is None:
            continue
        window = max(0, m.start() - 40)
        lead = _DURATION_LEAD.search(text, window, m.start())
        if m[1].casefold() in ("a", "an") and lead is None:
            continue  # "a month" alone is prose; "for a month" is a duration
        if _AGE_BEFORE.search(text, window, m.start()):
            continue
        start = lead.start() if lead is not None else m.start()
        found.append(
            DurationMention(
                start, m.end(), text[start : m.end()], window_to_days(amount, _unit_name(m[2]))
            )
        )
    return found
