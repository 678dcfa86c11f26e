"""Helpers shared by the tables of note sentences: the findings of one concept a sentence
yields, the one valued finding it must yield, and the status a criterion gets from one note."""

from __future__ import annotations

import datetime as dt

from matcher.api import parse_text
from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser

NOTE_DATE = dt.date(2026, 11, 10)


def found(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]


def only(parser: NoteParser, text: str, concept: str) -> Finding:
    hits = found(parser, text, concept)
    assert len(hits) == 1, hits
    assert hits[0].value is not None
    return hits[0]


def exclusions_of(item: str, inclusion: str, about: list[str]) -> list[Criterion]:
    """The exclusion criteria one exclusion `item` is read as, in a trial `about` its
    condition whose one inclusion is `inclusion`."""
    text = f"Inclusion Criteria:\n\n* {inclusion}\n\nExclusion Criteria:\n\n* {item}\n"
    return [c for c in parse_eligibility_text(text, about=about) if c.type == "exclusion"]


def judged_exclusion(parser: NoteParser, item: str, sentences: list[str], written: dt.date,
                     as_of: dt.date) -> Status:
    """The exclusion `item` judged as of `as_of` on clinic-note sentences written on
    `written`, one note each."""
    criterion = parse_criterion(item, "exclusion")
    found = [f for i, s in enumerate(sentences) for f in parser.parse(s, f"n{i}", written)]
    dates = {f"n{i}": written for i in range(len(sentences))}
    timeline = build_timeline(Patient("P1", None), found, dates, as_of)
    return evaluate(criterion, timeline).status


def decided(ctype: str, criterion_text: str, note: str) -> Status:
    """The status the evaluator gives a registry criterion for a patient whose one note
    (dated 2026-11-01, judged on 2026-11-20) is `note`."""
    criterion = parse_criterion(criterion_text, ctype)
    findings = parse_text(note, dt.date(2026, 11, 1), note_id="n1")
    assert findings
    timeline = build_timeline(Patient("P1", None), findings, {"n1": dt.date(2026, 11, 1)},
                              dt.date(2026, 11, 20))
    return evaluate(criterion, timeline).status
