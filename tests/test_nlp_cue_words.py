"""Cue words (matcher.nlp.cues): a note is scanned by a regex only when it holds one of the
words every match of that regex holds, so skipping a note never loses a finding. The
allergy reader, the date scanners and the biopsy class reader skip notes this way.

The regexes read case-insensitively ("ALLERGIC TO", "Nkda", "SEPT") and Unicode's case
rules make a few other letters equal to ASCII ones ("hypersenſitivity" is
"hypersensitivity" to a regex): the cue check must see what the regexes see, in notes
with non-ASCII text ("≥", "µmol/L") too.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.nlp import ages, allergy, biopsies, dates
from matcher.nlp.allergy import DrugSpan, allergy_findings
from matcher.nlp.cues import CASE_FOLD_STRAYS, lowered_for_cues, may_contain
from matcher.nlp.vocab import load_vocabulary

# Each regex skipped on a note without its cue words.
SCANS = {
    "no allergy": (allergy._NO_ALLERGY, allergy._NO_ALLERGY_CUES),
    "allergic to": (allergy._FORWARD, allergy._FORWARD_CUES),
    "did not tolerate": (allergy._NOT_TOLERATED, allergy._NOT_TOLERATED_CUES),
    "reaction to": (allergy._REACTION_FORWARD, allergy._REACTION_FORWARD_CUES),
    "stopped": (allergy._STOPPED, allergy._STOPPED_CUES),
    "ago": (dates._AGO, ("ago",)),
    "yesterday": (dates._FIXED_RELATIVE, dates._FIXED_WORDS),
    **{
        f"month {i}": (regex, dates._MONTH_STEMS)
        for i, regex in enumerate([
            dates._DAY_MON_YEAR, dates._MON_DAY_YEAR, dates._MON_YEAR, dates._YEAR_MON,
            dates._MON_MON_YEAR, dates._IN_MONTH, dates._DAY_MON, dates._MON_DAY,
        ])
    },
    "years old": (ages._AGE_RES[0], ages._AGE_CUES[0]),
    "45 years old": (ages._AGE_RES[1], ages._AGE_CUES[1]),
    "aged": (ages._AGE_RES[3], ages._AGE_CUES[3]),
    "OCR'd age": (ages._AGE_RES[8], ages._AGE_CUES[8]),
    "class": (biopsies._CLASS_RE, biopsies._CLASS_WORDS),
    **{
        f"class words {i}": (regex, biopsies._CLASS_WORDS)
        for i, (regex, _) in enumerate(biopsies._DESCRIPTIVE_CLASSES)
    },
}  # fmt: skip


def scanned(note: str, scan: str) -> bool:
    return may_contain(lowered_for_cues(note), SCANS[scan][1])

# One wording of every alternative of each regex, in the cases notes write them in.
WORDINGS = [
    ("no allergy", "NKDA"), ("no allergy", "Nka"), ("no allergy", "nkma"),
    ("no allergy", "No known drug allergies"), ("no allergy", "denies any hypersensitivities"),
    ("no allergy", "NIL ALLERGIES TO MEDICATIONS"),
    ("allergic to", "Allergic reaction to HCQ"), ("allergic to", "ALLERGIES TO sulfa"),
    ("allergic to", "hypersensitive to MMF"), ("allergic to", "Hypersensitivity reactions of"),
    ("allergic to", "anaphylaxis to rituximab"), ("allergic to", "Anaphylactoid reaction with"),
    ("allergic to", "infusion-related reactions to RTX"), ("allergic to", "INTOLERANT OF AZA"),
    ("did not tolerate", "couldn't tolerate MMF"), ("did not tolerate", "Failed to TOLERATE x"),
    ("did not tolerate", "not tolerating HCQ"), ("did not tolerate", "poorly Tolerated aza"),
    ("reaction to", "Reaction to rituximab"), ("reaction to", "RASH after HCQ"),
    ("reaction to", "urticaria following MMF"), ("reaction to", "hives on AZA"),
    ("reaction to", "angio-oedema from ACEi"), ("reaction to", "Angioedema with x"),
    ("stopped", "MMF STOPPED"), ("stopped", "Discontinuation of AZA"),
    ("stopped", "ceased HCQ"), ("stopped", "cessation of MMF"), ("stopped", "withdrawn"),
    ("stopped", "came off HCQ"), ("stopped", "taken off MMF"),
    # Letters a regex reads as ASCII ones that lower() does not turn into them.
    ("allergic to", "hypersenſitivity to MMF"), ("allergic to", "İntolerant of AZA"),
    ("no allergy", "no known allergıes"), ("stopped", "diſcontinued"),
    ("ago", "3 weeks ago"), ("ago", "TWO YEARS AGO"), ("yesterday", "Yesterday"),
    ("yesterday", "on admission"), ("yesterday", "earlier this year"),
    ("month 0", "14 Sept 2024"), ("month 0", "3rd of JANUARY, 2025"), ("month 2", "Mar 2024"),
    ("month 3", "2024 Nov 3"), ("month 4", "Nov-Feb 2024"), ("month 5", "since August"),
    ("month 6", "14 March"), ("month 7", "March 14"), ("month 0", "14 ſept 2024"),
    ("class", "ISN/RPS class IV-G"), ("class", "LN III+V"), ("class", "cl. IV"),
    ("class", "WHO type V"), ("class", "ıSN/RPS class IV"),
    ("class words 0", "minimal mesangial"), ("class words 4", "membranous lupus"),
    ("years old", "Twenty YEARS OLD"), ("45 years old", "45-year-old"), ("aged", "AGED 45"),
    ("aged", "age: 30"), ("OCR'd age", "l7 yo F"), ("OCR'd age", "I4-year-old"),
    ("OCR'd age", "l5 y/o"), ("OCR'd age", "l6 y.o. M"), ("OCR'd age", "l3 yrs"),
]  # fmt: skip


@pytest.mark.parametrize(("scan", "wording"), WORDINGS)
def test_a_note_with_a_wording_its_regex_reads_is_scanned_for_it(scan, wording):
    regex, _ = SCANS[scan]
    # "≥" and "µ": a non-ASCII note is checked like any other.
    note = f"Seen. {wording} in the past. Creatinine ≥ 80 µmol/L. Plan: review."
    assert regex.search(note), "the table's wording must be one the regex reads"
    assert scanned(note, scan)


@pytest.mark.parametrize("scan", sorted(SCANS))
def test_a_note_without_the_words_of_a_scan_is_not_scanned(scan):
    note = "Seen by the renal team. Creatinine ≥ 80 µmol/L, eGFR 85. On HCQ 200 mg. Plan: review."
    assert not SCANS[scan][0].search(note)
    assert not scanned(note, scan)


def test_every_letter_a_regex_reads_as_ascii_lowers_to_it_or_is_a_stray():
    # Every code point past ASCII (surrogates left out) against the letters of any cue.
    others = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    strays = []
    for m in re.finditer(r"[a-z]", others, re.IGNORECASE):
        letter = m[0]
        if not (letter.lower().isascii() and len(letter.lower()) == 1):
            strays.append(letter)
    assert sorted(strays) == sorted(CASE_FOLD_STRAYS)


FRAGMENTS = sorted({w for _, wording in WORDINGS for w in re.split(r"(\s+|-)", wording)}
                   | {"to", "of", "with", " ", "\n", "-", ".", "K", *CASE_FOLD_STRAYS})  # fmt: skip
CASINGS = [str.lower, str.upper, str.title, str.swapcase, lambda s: s]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(CASINGS))
        | st.tuples(st.text(max_size=3), st.just(lambda s: s)),
        max_size=14,
    )
)
def test_whatever_a_regex_finds_in_a_note_its_cue_words_let_it_look_for(words):
    note = "".join(casing(word) for word, casing in words)
    lowered = lowered_for_cues(note)
    for regex, cues in SCANS.values():
        if regex.search(note):
            assert may_contain(lowered, cues)


def test_an_unscanned_note_still_has_its_list_and_its_drugs_read():
    # No cue word outside the list: its entries are read all the same.
    text = "ALLERGIES\nrituximab\n\nPlan: continue HCQ."
    at = text.index("rituximab")
    found = allergy_findings(
        text,
        [(0, text.index("\n\nPlan"), "allergies")],
        [DrugSpan(at, at + len("rituximab"), "drug.rituximab")],
        "n1",
        dt.date(2026, 11, 10),
        load_vocabulary(),
    )
    assert [(f.concept, f.attrs["agent"], f.attrs["listed"]) for f in found] == [
        (allergy.AGENT, "drug.rituximab", True)
    ]
