"""Helpers shared by the tables of note sentences: the findings of one concept a sentence
yields, the one valued finding it must yield, and the status a criterion gets from one note."""

from __future__ import annotations

import datetime as dt

from matcher.api import parse_text
from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser

NOTE_DATE = dt.date(2026, 11, 10)


def found(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]


def only(parser: NoteParser, text: str, concept: str) -> Finding:
    hits = found(parser, text, concept)
    assert len(hits) == 1, hits
    assert hits[0].value is not None
    return hits[0]


def decided(ctype: str, criterion_text: str, note: str) -> Status:
    """The status the evaluator gives a registry criterion for a patient whose one note
    (dated 2026-11-01, judged on 2026-11-20) is `note`."""
    criterion = parse_criterion(criterion_text, ctype)
    findings = parse_text(note, dt.date(2026, 11, 1), note_id="n1")
    assert findings
    timeline = build_timeline(Patient("P1", None), findings, {"n1": dt.date(2026, 11, 1)},
                              dt.date(2026, 11, 20))
    return evaluate(criterion, timeline).status
