"""Helpers shared by the tables of note sentences: the findings of one concept a sentence
yields, and the one valued finding it must yield."""

from __future__ import annotations

import datetime as dt

from matcher.model import Finding
from matcher.nlp.pipeline import NoteParser

NOTE_DATE = dt.date(2026, 11, 10)


def found(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]


def only(parser: NoteParser, text: str, concept: str) -> Finding:
    hits = found(parser, text, concept)
    assert len(hits) == 1, hits
    assert hits[0].value is not None
    return hits[0]
