"""Numbers and letters spoken in dictated notes, written as a reader of the page expects.

Speech recognition writes what was said: "weight thirty four kilograms", "U P C R one
point nine grams per gram", "on prednisolone since June twenty twenty five", "biopsy of
thirtieth June twenty twenty six". The value, score and date readers of the NLP layer
read digits. So the note is rewritten, character for character, into a reading text of
the same length (as matcher.nlp.delimited does for CSV rows):

- a spoken number becomes its digits, right-aligned in the words' place ("thirty four
  kilograms" -> "         34 kilograms"), so the value stays next to its unit and the
  name before it reads across spaces, as it does in a fixed-width printout;
- a spoken date becomes a written one in the place of the whole date ("thirtieth June
  twenty twenty six" -> "30 June 2026", "since June twenty twenty five" -> "since June
  2025"), a year alone its four digits;
- letters spoken one by one become the abbreviation they spell when the vocabulary has it
  ("U P C R" -> "UPCR", "A N A" -> "ANA"); other letters (initials "F A") stay; a letter
  written as the word that sounds like it before the rest ("see D19" -> "   CD19", "you
  PCR" -> " UPCR") and a marker's number said apart ("CD 19" -> " CD19") likewise, only
  where the joined word is the vocabulary's abbreviation ("you see", "see ENT" stay).

Offsets are unchanged, and a finding's text is quoted from the note as written
(NoteParser). Guards, so that only a value, a year or a day is read: a lone "one" beside
an article or before "of" is a pronoun ("one of the drugs", "no one"); a number before a
name letter is part of the name ("SLEDAI two K"); a number after "CD" is the marker's
("CD nineteen" is CD19); a day of a month is read only beside a month name ("the second
biopsy" stays); digit words such as "oh" only after "point"; a homophone ("class for
lupus nephritis") only after its name and before a word of the class it names. The words
are data: matcher/nlp/data/spoken_numbers.json, validated when first read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from matcher.errors import VocabularyError
from matcher.nlp.dates import _MON
from matcher.nlp.vocab import data_text

__all__ = ["rewritten", "spelled_abbreviations", "spoken_as_written", "spoken_edits", "widened"]

_SOURCE = "matcher/nlp/data/spoken_numbers.json"
_MAPPINGS = ("units", "tens", "scales", "decimal_digits", "ordinals", "homophones")
_LISTS = ("decimal_points", "years_from", "not_before", "not_after", "name_suffixes",
          "name_prefixes", "homophone_names", "homophone_followers")  # fmt: skip
_KEYS = frozenset({"version", "description", "spoken_marks", "letter_homophones", *_MAPPINGS,
                   *_LISTS})
_GAP = r"(?:[ \t]+|[ \t]*-[ \t]*)"  # between the words of one number: "thirty four", "thirty-four"


@dataclass(frozen=True)
class _Words:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    points: frozenset[str]
    decimal_digits: dict[str, int]
    ordinals: dict[str, int]
    years_from: frozenset[str]
    not_before: frozenset[str]
    not_after: frozenset[str]
    run: re.Pattern[str]
    name_suffix: re.Pattern[str]
    name_prefix: re.Pattern[str]
    marks: dict[str, str]
    mark: re.Pattern[str]
    homophones: dict[str, int]
    homophone: re.Pattern[str]
    homophone_followers: frozenset[str]
    letters: dict[str, str]
    letter: re.Pattern[str]
    split_marker: re.Pattern[str]


def _refuse(message: str, field: str, received: object, expected: str) -> VocabularyError:
    return VocabularyError(message, file=_SOURCE, field=field, received=repr(received)[:60],
                           expected=expected)  # fmt: skip


def _validated(data: object) -> dict:
    if not isinstance(data, dict):
        raise _refuse("not a JSON object", "(top level)", type(data).__name__, "an object")
    if set(data) != _KEYS:
        raise _refuse("wrong keys", "(top level)", sorted(set(data) ^ _KEYS),
                      ", ".join(sorted(_KEYS)))  # fmt: skip
    if data["version"] != 1:
        raise _refuse("unknown version", "version", data["version"], "1")
    for key in _MAPPINGS:
        table = data[key]
        if not isinstance(table, dict) or not table:
            raise _refuse("not an object of word -> number", key, table, "a non-empty object")
        for word, number in table.items():
            if not re.fullmatch(r"[a-z]+", word) or type(number) is not int or number < 0:
                raise _refuse("not a lower-case word and a whole number", key, (word, number),
                              "\"word\": whole number >= 0")  # fmt: skip
    for key in _LISTS:
        words = data[key]
        if not isinstance(words, list) or not all(
            isinstance(w, str) and re.fullmatch(r"[A-Za-z]+", w) for w in words
        ):
            raise _refuse("not a list of words", key, words, "a list of single words")
    marks = data["spoken_marks"]
    if not isinstance(marks, dict) or not all(
        isinstance(k, str) and re.fullmatch(r"[a-z]+(?: [a-z]+)*", k)
        # one or two marks: "full stop" is ".", "new paragraph" a paragraph break "\n\n"
        and isinstance(v, str) and 1 <= len(v) <= 2 and not any(c.isalnum() for c in v)
        for k, v in marks.items()
    ):
        raise _refuse("not an object of spoken words -> one or two punctuation marks",
                      "spoken_marks", marks, '"full stop": "."')  # fmt: skip
    letters = data["letter_homophones"]
    if not isinstance(letters, dict) or not letters or not all(
        isinstance(k, str) and re.fullmatch(r"[a-z]{2,}", k)
        and isinstance(v, str) and re.fullmatch(r"[A-Z]", v)
        for k, v in letters.items()
    ):
        raise _refuse("not an object of lower-case word -> one capital letter",
                      "letter_homophones", letters, '"see": "C"')  # fmt: skip
    spoken = [w for key in _MAPPINGS for w in data[key]] + data["decimal_points"]
    if len(spoken) != len(set(spoken)):
        duplicate = sorted({w for w in spoken if spoken.count(w) > 1})
        raise _refuse("a word with two readings", "units/tens/scales/ordinals", duplicate,
                      "each number word in one table only")  # fmt: skip
    for key in ("years_from",):
        unknown = [w for w in data[key] if w not in data["units"] and w not in data["tens"]]
        if unknown:
            raise _refuse("a year's first word that is no number", key, unknown,
                          "words of units or tens")  # fmt: skip
    return data


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _words() -> _Words:
    try:
        data = _validated(json.loads(data_text("spoken_numbers.json")))
    except json.JSONDecodeError as exc:
        raise _refuse("not valid JSON", f"line {exc.lineno}", exc.msg, "JSON") from exc
    starts = _alternation([*data["units"], *data["tens"], *data["ordinals"]])
    goes_on = _alternation([*data["units"], *data["tens"], *data["ordinals"], *data["scales"],
                            *data["decimal_points"], *data["decimal_digits"], "and"])  # fmt: skip
    # The first letters up front: the regex engine then skips to them instead of trying
    # every word at every position (a tenth of the cost on clinic notes).
    first = "".join(sorted({w[0] for key in ("units", "tens", "ordinals") for w in data[key]}))
    run = re.compile(rf"(?=[{first}{first.upper()}])(?<![\w-])(?:{starts})"
                     rf"(?:{_GAP}(?:{goes_on}))*(?![\w-])", re.I)  # fmt: skip
    return _Words(
        units=data["units"],
        tens=data["tens"],
        scales=data["scales"],
        points=frozenset(data["decimal_points"]),
        decimal_digits=data["decimal_digits"],
        ordinals=data["ordinals"],
        years_from=frozenset(data["years_from"]),
        not_before=frozenset(data["not_before"]),
        not_after=frozenset(data["not_after"]),
        run=run,
        # case-sensitive: "SLEDAI two K" is a name, "two k" is not written so
        name_suffix=re.compile(rf"[ \t]+(?:{_alternation(data['name_suffixes'])})(?![\w-])"),
        name_prefix=re.compile(rf"(?<![\w-])(?P<p>{_alternation(data['name_prefixes'])})[ \t]+$"),
        homophones=data["homophones"],
        homophone=re.compile(
            rf"(?<![\w-])(?:{_alternation(data['homophone_names'])})[ \t]+"
            rf"(?P<h>{_alternation(data['homophones'])})"
            r"(?:[ \t]+(?P<next>\w+)|[ \t]*(?=[.,;\n]|$))",
            re.I,
        ),
        homophone_followers=frozenset(data["homophone_followers"]),
        letters=data["letter_homophones"],
        # "see D19", "See D19+", "you PCR": the letter's word (any case: it may start a
        # sentence), then the rest of the abbreviation as written, in capitals
        letter=re.compile(
            rf"(?<![\w-])(?P<h>(?i:{_alternation(data['letter_homophones'])}))[ \t]+"
            r"(?P<rest>[A-Z][A-Z0-9]*\+?)(?![\w+])"
        ),
        # "CD 19", "IL 6": a marker's letters and its number said apart; a one-letter
        # prefix is left ("hepatitis C 3 years ago" is no C3)
        split_marker=re.compile(
            rf"(?<![\w-])(?P<p>{_alternation(p for p in data['name_prefixes'] if len(p) > 1)})"
            r"[ \t]+(?P<n>\d{1,3}\+?)(?![\w+]|[.,]\d)"
        ),
        marks=data["spoken_marks"],
        mark=re.compile(
            "(?=[" + "".join(sorted({k[0] + k[0].upper() for k in data["spoken_marks"]}))
            + r"])(?<![\w-])(?P<m>"
            + "|".join(r"[ \t]+".join(map(re.escape, k.split())) for k in data["spoken_marks"])
            + r")(?![\w-])", re.I,
        ),
    )


# ------------------------------------------------------------------ reading one run
@dataclass(frozen=True)
class _Item:
    first: int  # index of its first word in the run
    last: int  # index of its last word
    written: str  # digits: "34", "1.9", "2026"
    kind: str  # "number", "year", "day"


def _below_hundred(w: _Words, words: list[str], k: int) -> tuple[int, int] | None:
    if k >= len(words):
        return None
    if words[k] in w.tens:
        value = w.tens[words[k]]
        if k + 1 < len(words) and 1 <= w.units.get(words[k + 1], 0) <= 9:
            return value + w.units[words[k + 1]], k + 2
        return value, k + 1
    if words[k] in w.units:
        return w.units[words[k]], k + 1
    return None


_Reader = Callable[["_Words", list[str], int], "tuple[int, int] | None"]


def _scaled(w: _Words, words: list[str], k: int, head: _Reader, scale: int, most: int
            ) -> tuple[int, int] | None:  # fmt: skip
    """A number read by `head`, times the scale word that follows it (up to `most` of
    them) and plus the smaller number after it: "six hundred and forty", "two thousand
    and twenty four"; (value, index of the next word)."""
    found = head(w, words, k)
    if found is None:
        return None
    value, k = found
    if k < len(words) and w.scales.get(words[k]) == scale and 1 <= value <= most:
        value, k = value * scale, k + 1
        rest = head(w, words, k + 1 if k < len(words) and words[k] == "and" else k)
        if rest is not None and rest[0] > 0:
            value, k = value + rest[0], rest[1]
    return value, k


def _below_thousand(w: _Words, words: list[str], k: int) -> tuple[int, int] | None:
    return _scaled(w, words, k, _below_hundred, 100, 9)


def _cardinal(w: _Words, words: list[str], k: int) -> tuple[str, int] | None:
    """A whole number and its decimals from word k: "one hundred and sixty", "two
    thousand and five", "one point nine", "nought point six"."""
    whole = _scaled(w, words, k, _below_thousand, 1000, 999)
    if whole is None:
        return None
    value, k = whole
    written = str(value)
    if k + 1 < len(words) and words[k] in w.points:
        digits = []
        j = k + 1
        while j < len(words):
            digit = w.units.get(words[j], w.decimal_digits.get(words[j]))
            if digit is None or digit > 9:
                break
            digits.append(str(digit))
            j += 1
        if digits:
            written, k = f"{written}.{''.join(digits)}", j
    return written, k


def _year(w: _Words, words: list[str], k: int) -> tuple[str, int] | None:
    """ "twenty twenty six" (2026), "nineteen ninety nine", "twenty oh nine" (2009)."""
    if words[k] not in w.years_from or k + 1 >= len(words):
        return None
    century = w.units.get(words[k], w.tens.get(words[k], 0))
    if words[k + 1] in w.decimal_digits or words[k + 1] in ("nought", "zero"):
        if k + 2 < len(words) and 1 <= w.units.get(words[k + 2], 0) <= 9:
            return f"{century}0{w.units[words[k + 2]]}", k + 3
        return None
    rest = _below_hundred(w, words, k + 1)
    if rest is None or rest[0] < 10:
        return None  # "twenty two" is 22
    return f"{century}{rest[0]:02d}", rest[1]


def _day(w: _Words, words: list[str], k: int) -> tuple[str, int] | None:
    """ "ninth", "twenty second", "thirtieth": a day of a month."""
    if words[k] in w.ordinals:
        return str(w.ordinals[words[k]]), k + 1
    if words[k] in w.tens and k + 1 < len(words) and words[k + 1] in w.ordinals:
        day = w.tens[words[k]] + w.ordinals[words[k + 1]]
        return (str(day), k + 2) if day <= 31 and w.ordinals[words[k + 1]] <= 9 else None
    return None


def _items(w: _Words, words: list[str]) -> list[_Item]:
    items: list[_Item] = []
    k = 0
    while k < len(words):
        for kind, read in (("year", _year), ("day", _day), ("number", _cardinal)):
            found = read(w, words, k)
            if found is not None:
                items.append(_Item(k, found[1] - 1, found[0], kind))
                k = found[1]
                break
        else:
            k += 1
    return items


# ------------------------------------------------------------------ the reading text
_MONTH_AFTER = re.compile(rf"(?:[ \t]+of)?[ \t]+(?P<m>{_MON})", re.I)
_MONTH_BEFORE = re.compile(rf"(?<![\w-])(?P<m>{_MON})[ \t]+(?:of[ \t]+)?$", re.I)
_YEAR_AFTER_MONTH = re.compile(r",?[ \t]+")
_WORD_BEFORE = re.compile(r"(\w+)[ \t,]*$")
_WORD_AFTER = re.compile(r"[ \t]*(\w+)")
_SPOKEN_LETTERS = re.compile(r"(?=[A-Z] [A-Z])(?<![\w.])[A-Z](?: [A-Z])+(?![\w])")


def spelled_abbreviations(abbreviations: Iterable[str]) -> frozenset[str]:
    """The vocabulary's abbreviations that letters spoken one by one can spell: three or
    more capital letters ("UPCR", "ANA", "HIV"). Two letters are a person's initials as
    often ("Re: T B, 14 M", "Dr M I Okafor"), so they are left as written. Markers
    with their number ("CD19", "CD19+", "CD4") are kept too: a letter said as a word
    before the rest ("see D19") or a number said apart ("CD 19") writes them; letters
    spoken one by one never make one (they join letters only)."""
    return frozenset(a for a in abbreviations
                     if re.fullmatch(r"[A-Z]{3,}|[A-Z]{2,}\d{1,3}\+?", a))  # fmt: skip


def _lone_one_is_no_number(w: _Words, text: str, start: int, end: int) -> bool:
    """ "one of the biopsies", "no one", "the one before": a pronoun or an article."""
    after = _WORD_AFTER.match(text, end)
    if after is not None and after.group(1).lower() in w.not_before:
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 24), start)
    if before is None:
        return False
    word = before.group(1)
    # a spelled letter is no article: "A N A one in six hundred" is a titre
    return word.lower() in w.not_after and not (len(word) == 1 and word.isupper())


def spoken_as_written(text: str, abbreviations: frozenset[str] = frozenset()) -> str:
    """The reading text of a note: spoken numbers, dates, marks and spelled letters
    written as digits, punctuation and abbreviations, the length unchanged (see the
    module's doc). The text itself when nothing is spoken, so a caller can tell."""
    return rewritten(text, spoken_edits(text, abbreviations))


def spoken_edits(text: str, abbreviations: frozenset[str] = frozenset()
                 ) -> list[tuple[int, int, str]]:  # fmt: skip
    """(start, end, replacement of the same length) of each spoken number, date, mark and
    spelled abbreviation of `text`, in order, none overlapping."""
    w = _words()
    edits: list[tuple[int, int, str]] = []
    if abbreviations and (" " in text or "\t" in text):
        for match in _SPOKEN_LETTERS.finditer(text):
            joined = match.group(0).replace(" ", "")
            if joined in abbreviations:
                edits.append((match.start(), match.end(), joined))
        # "see D19 positive" is CD19, "you PCR" the UPCR: only where the letter and the
        # rest joined are an abbreviation ("you see", "see ENT" stay as written)
        for match in w.letter.finditer(text):
            joined = w.letters[match.group("h").lower()] + match.group("rest")
            if joined in abbreviations:
                edits.append((match.start(), match.end(), joined))
        for match in w.split_marker.finditer(text):
            joined = match.group("p") + match.group("n")
            if joined in abbreviations:
                edits.append((match.start(), match.end(), joined))
    for match in w.homophone.finditer(text):
        # "class for lupus nephritis": class four; "a class for teenagers" stays
        follower = match.group("next")
        if follower is None or follower.lower() in w.homophone_followers:
            number = str(w.homophones[match.group("h").lower()])
            edits.append((match.start("h"), match.end("h"), number))
    for match in w.mark.finditer(text):
        # from the end of the word before: "remission full stop" -> "remission."
        start = match.start()
        while start > 0 and text[start - 1] in " \t":
            start -= 1
        if start < match.start() and start > 0 and (text[start - 1].isalnum()
                                                     or text[start - 1] == "_"):
            mark = w.marks[" ".join(match.group("m").lower().split())]
            edits.append((start, match.end(), mark))
    runs = list(w.run.finditer(text))
    taken_until = -1  # a date reads the year of the run after its month
    for index, run in enumerate(runs):
        spans = [(m.start() + run.start(), m.end() + run.start())
                 for m in re.finditer(r"[A-Za-z]+", run.group(0))]  # fmt: skip
        words = [text[s:e].lower() for s, e in spans]
        for item in _items(w, words):
            start, end = spans[item.first][0], spans[item.last][1]
            if start < taken_until:
                continue
            edit = _edit(w, text, item, start, end, runs[index + 1 :])
            if edit is not None:
                edits.append(edit)
                taken_until = edit[1]
    kept: list[tuple[int, int, str]] = []
    for start, end, written in sorted(edits):
        if (kept and start < kept[-1][1]) or len(written) > end - start:
            continue  # overlapping or longer than the words: left as said
        # A number or an abbreviation ends where the words did, next to its unit or the
        # word after it ("         38 kilograms"); a mark follows the word before it
        # ("remission.        "), and so does a date or a year ("since June 2025      ",
        # "started in 2024                ,"), as the date readers expect.
        dated = bool(re.fullmatch(r"\d{4}|(?:\d{1,2} )?[A-Za-z]+\.? \d{4}|\d{1,2} [A-Za-z]+\.?",
                                  written))  # fmt: skip
        aligned = (written.ljust(end - start) if dated or not written[0].isalnum()
                   else written.rjust(end - start))  # fmt: skip
        kept.append((start, end, aligned))
    return kept


def rewritten(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with the edits of spoken_edits made (the text itself when there are none)."""
    if not edits:
        return text
    parts: list[str] = []
    at = 0
    for start, end, written in edits:
        parts.append(text[at:start])
        parts.append(written)
        at = end
    parts.append(text[at:])
    return "".join(parts)


def widened(start: int, end: int, edits: list[tuple[int, int, str]]) -> tuple[int, int]:
    """A finding's span widened to the whole of every spoken phrase it cuts: "UPCR" read
    from "U P C R", "38 kilograms" from "thirty eight kilograms", is quoted whole."""
    for edit_start, edit_end, _ in edits:
        if edit_start >= end:
            break
        if edit_start < start < edit_end:
            start = edit_start
        if edit_start < end < edit_end:
            end = edit_end
    return start, end


def _edit(w: _Words, text: str, item: _Item, start: int, end: int,
          later: list[re.Match[str]]) -> tuple[int, int, str] | None:  # fmt: skip
    if item.kind == "day":
        month = _MONTH_AFTER.match(text, end)
        if month is None:
            return None  # "the second biopsy", "first line": no day without its month
        written, stop = f"{item.written} {month.group('m')}", month.end()
        gap = _YEAR_AFTER_MONTH.match(text, stop)
        year = re.match(r"\d{4}(?!\d)", text[gap.end():]) if gap is not None else None
        if year is not None:
            written, stop = f"{written} {year.group(0)}", gap.end() + year.end()
        elif gap is not None and later and later[0].start() == gap.end():
            spoken = _year(w, [m.lower() for m in re.findall(r"[A-Za-z]+", later[0].group(0))], 0)
            if spoken is not None:
                year_end = later[0].start() + _words_end(later[0].group(0), spoken[1])
                written, stop = f"{written} {spoken[0]}", year_end
        return start, stop, written
    if item.kind == "year":
        month = _MONTH_BEFORE.search(text, max(0, start - 16), start)
        if month is not None:  # "June twenty twenty five": the month and its year together
            return month.start(), end, f"{month.group('m')} {item.written}"
        return start, end, item.written
    if w.name_suffix.match(text, end):
        return None  # "SLEDAI two K": the name's own number
    lone_one = item.first == item.last and text[start:end].lower() == "one"
    if lone_one and _lone_one_is_no_number(w, text, start, end):
        return None
    prefix = w.name_prefix.search(text, max(0, start - 8), start)
    if prefix is not None and "." not in item.written:
        return prefix.start(), end, f"{prefix.group('p')}{item.written}"
    return start, end, item.written


def _words_end(run: str, count: int) -> int:
    """The offset in `run` just past its first `count` words."""
    return [m.end() for m in re.finditer(r"[A-Za-z]+", run)][count - 1]
