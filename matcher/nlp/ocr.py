"""Characters an OCR'd fax mistakes for others, read as the letters or digits they stand for.

A scanned laboratory report confuses the digit one with the letter l and the digit zero
with the letter O: "Neutrophi1s (abs)   3.9", "Bi1irubin (total)   8", "Haemoglobin   lO8
L   g/L", "White cell count   5.l". The reading text gets, character for character:
- in a word, a "1" between lower-case letters as "l", only where the word so read is a
  word of the vocabulary's terms ("Neutrophi1s" is "neutrophils"; "hba1c" stays, "hbalc"
  is no word of a term);
- in a result cell (after a column gap of two spaces or more, before a space or the line's
  end), a number written with l, I or O among its digits as those digits ("lO8" is 108,
  "5.l" is 5.1, "l2.1" is 12.1). A cell must hold a digit, so "IO" or "Ol" stay as they are.
The text keeps its length, so every offset still indexes the note as written, and a
finding quotes the note's own characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A word with a "1" between two lower-case letters: "Neutrophi1s", "Bi1irubin", "ce1ls".
_WORD_WITH_ONE = re.compile(r"(?<![\w-])[A-Za-z]*[a-z]1[a-z][A-Za-z1]*(?![\w-])")
# A result cell of digits mixed with the letters read for them: "lO8", "5.l", "l2.1".
_CELL = re.compile(r"(?<=[ \t]{2})(?=[\d.lIO]*\d)(?=[\d.]*[lIO])[\d.lIO]+(?=[ \t]|$)", re.M)
_AS_DIGIT = str.maketrans({"l": "1", "I": "1", "O": "0"})
_WORD_SPLIT = re.compile(r"[^\w]+")


def term_words(terms: Iterable[str]) -> frozenset[str]:
    """The lower-case words of the vocabulary's terms, which a repaired word must be."""
    return frozenset(
        word for term in terms for word in _WORD_SPLIT.split(term.lower()) if len(word) > 2
    )


def ocr_repaired(text: str, words: frozenset[str]) -> str:
    """The text with OCR's ones-for-ells in vocabulary words and letters-for-digits in
    result cells read as meant (same length; see the module's doc)."""
    if not any(c in text for c in "1lIO"):
        return text
    chars: list[str] | None = None
    for match in _WORD_WITH_ONE.finditer(text):
        repaired = match.group(0).replace("1", "l")
        if repaired.lower() not in words:
            continue
        chars = chars if chars is not None else list(text)
        chars[match.start() : match.end()] = repaired
    for match in _CELL.finditer(text):
        chars = chars if chars is not None else list(text)
        chars[match.start() : match.end()] = match.group(0).translate(_AS_DIGIT)
    return text if chars is None else "".join(chars)
