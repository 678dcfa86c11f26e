"""Absolute neutrophil and lymphocyte counts from a differential printed as percentages.

South Asian and many other reports print the white-cell count and its differential as
percentages of it ("TC 6,200 /cumm | DC: N 60% L 31% M 7% E 2%"; "WBC 5.4, neutrophils
55 %, lymphocytes 30 %"). A criterion asks for the absolute count (ANC >= 1.0 x10^9/L), which
is the total times the percent: 6.2 x 60 % = 3.72. That product is only the patient's count
when both numbers are of one sample, so it is made only on one row that prints one total
count and no date between the total and the percent ("WBC 6.2 on 01/11 ... neutrophils 60 %
on 05/11" is two samples and gives nothing). A percent that a row already prints beside an
absolute count of its own ("Neutrophils 60 % (3.7)") is left to that count. The single
letters of a differential ("N", "L") count only after a differential heading ("DC:",
"Diff:"): elsewhere "L 31%" may be anything. Words are data: matcher/nlp/data/differential.json.
"""

from __future__ import annotations

import dataclasses
import json
import re
from functools import cache

from matcher.errors import VocabularyError
from matcher.model import Finding
from matcher.nlp.vocab import Vocabulary, data_text

__all__ = ["differential_counts"]

_SOURCE = "matcher/nlp/data/differential.json"
_TOTAL = "lab.wbc"
_COUNT_UNIT = "x10^9/L"


@dataclasses.dataclass(frozen=True)
class _Words:
    headings: re.Pattern[str]
    letters: dict[str, tuple[str, ...]]


def _refuse(field: str, received: object, expected: str) -> VocabularyError:
    return VocabularyError("differential words are malformed", file=_SOURCE, field=field,
                           received=repr(received)[:60], expected=expected)  # fmt: skip


def _strings(value: object, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise _refuse(field, value, "a non-empty list of non-empty strings")
    return tuple(value)


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _words() -> _Words:
    try:
        data = json.loads(data_text("differential.json"))
    except json.JSONDecodeError as exc:
        raise _refuse(f"line {exc.lineno}", exc.msg, "JSON") from exc
    if not isinstance(data, dict):
        raise _refuse("(top)", data, "an object with headings and letters")
    headings = _strings(data.get("headings"), "headings")
    letters = data.get("letters")
    if not isinstance(letters, dict) or not letters:
        raise _refuse("letters", letters, "an object: concept id -> list of letters")
    return _Words(
        headings=re.compile(rf"(?<![\w/])(?:{_alternation(headings)})(?![\w/])\s*[:\-=]?",
                            re.I),  # fmt: skip
        letters={k: _strings(v, f"letters.{k}") for k, v in letters.items()},
    )


@cache
def _name_patterns(vocabulary: Vocabulary) -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    """Per differential concept: (its vocabulary names, its heading letters) as patterns
    of a name followed by a percent."""
    words = _words()
    out = {}
    for cid, letters in words.letters.items():
        if cid not in vocabulary.concepts:
            raise _refuse(f"letters.{cid}", cid, "a concept id of the vocabulary")
        concept = vocabulary[cid]
        tail = r")(?![\w#])\s*[:=]?\s*(?P<num>\d{1,3}(?:\.\d+)?)\s*%(?!\s*(?:of|de|di)\b)"
        terms = rf"(?<![\w#+\-/])(?P<name>(?i:{_alternation(tuple(concept.terms))})"
        abbrevs = tuple(concept.abbreviations)
        named = terms + (f"|{_alternation(abbrevs)}" if abbrevs else "") + tail
        lettered = rf"(?<![\w#+\-/])(?P<name>{_alternation(letters)}" + tail
        out[cid] = (re.compile(named), re.compile(lettered))
    return out


def differential_counts(text: str, findings: list[Finding], date_starts: list[int],
                        vocabulary: Vocabulary) -> list[Finding]:  # fmt: skip
    """The absolute counts a row's total and its differential percentages give."""
    totals = [f for f in findings if f.concept == _TOTAL and f.is_patient_fact
              and isinstance(f.value, float) and f.unit == _COUNT_UNIT]  # fmt: skip
    out: list[Finding] = []
    patterns = _name_patterns(vocabulary)
    for total in totals:
        lo = text.rfind("\n", 0, total.start) + 1
        hi = text.find("\n", total.end)
        hi = len(text) if hi == -1 else hi
        # One total count on the row: two ("TC 6,200, was 4,100") leave the sample unsaid.
        if sum(1 for f in findings if f.concept == _TOTAL and lo <= f.start < hi) != 1:
            continue
        heading = _words().headings.search(text, lo, hi)
        for cid, (named, lettered) in patterns.items():
            if any(f.concept == cid and f.value is not None and lo <= f.start < hi
                   for f in findings):  # fmt: skip
                continue  # the row prints the absolute count itself
            hits = [m for m in named.finditer(text, lo, hi)]
            if heading is not None:
                hits += [m for m in lettered.finditer(text, heading.end(), hi)]
            hits = [m for m in hits if not _not_this_cell(text, lo, m, vocabulary[cid].attrs)]
            spans = {(m.start("name"), m.end()) for m in hits}
            if len(spans) != 1:
                continue
            match = hits[0]
            percent = float(match["num"])
            if not 0 <= percent <= 100:
                continue
            a, b = sorted((total.end, match.start())) if match.start() > total.start else (
                match.end(), total.start)
            if any(a <= d < b for d in date_starts):
                continue  # a date between them: perhaps another sample
            if _unread_number(text, a, b, findings):
                continue  # "TC 5,000 (was 9,000), DC: N 50%": which total is not said
            concept = vocabulary[cid]
            out.append(dataclasses.replace(
                total, concept=cid, code=concept.code, start=match.start("name"),
                end=match.end(), text=text[match.start("name"):match.end()],
                value=round(total.value * percent / 100, 3), unit=_COUNT_UNIT,
                raw_value=match["num"], raw_unit="%", ref_low=None, ref_high=None,
                attrs={"percent_of_total": percent, "total": total.value},
            ))  # fmt: skip
    return out


def _not_this_cell(text: str, lo: int, match: re.Match[str], attrs: dict) -> bool:
    """A subset named before the cell ("CD4+ lymphocytes 40%", "atypical lymphocytes 2%")
    is no percent of the whole count."""
    before = text[lo:match.start("name")].lower().rstrip()
    return any(before.endswith(" " + w) or before == w
               for w in attrs.get("not_preceded_by", ()))  # fmt: skip


_PERCENT_CELL = re.compile(r"\d+(?:\.\d+)?\s*%")


def _unread_number(text: str, a: int, b: int, findings: list[Finding]) -> bool:
    """Is there a number between the total and the percent that no finding read and that is
    no other percent of the differential? An earlier total the row prints beside this one
    ("was 9,000") leaves it unsaid which sample the percent is of."""
    gap = list(text[a:b])
    for f in findings:
        for i in range(max(f.start, a), min(f.end, b)):
            gap[i - a] = " "
    rest = _PERCENT_CELL.sub(" ", "".join(gap))
    return any(ch.isdigit() for ch in rest)
