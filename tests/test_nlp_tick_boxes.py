"""Tick boxes on forms (matcher.nlp.checklists, words in checklist_answers.json).

An item led by an unticked box ("[ ] Lupus nephritis" under "tick all that apply") is one
the writer did not pick: no finding, neither affirmed nor denied (read as a denial it told
the engine the child has no lupus nephritis). An item answered by boxes after its label
("Pregnant: Yes [ ] No [x]", "Nephrotic syndrome: Y / (N)" with the chosen answer circled)
is denied by a ticked no, kept by a ticked yes, uncertain with both ticked, and no finding
when nothing is ticked. Read as prose, the label's words were affirmed whatever was
ticked: a coordinator's printed "Active infection requiring IV antibiotics" ticked No
became an active infection. The forms are written here in several layouts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 9, 14)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _assertions(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [str(f.assertion) for f in parser.parse(text, "n1", NOTE_DATE)
            if f.concept == concept]  # fmt: skip


HEAD = "INTAKE FORM\nPlease tick all that apply:\n"

# (form line, concept, assertions of its mentions; [] = no finding)
LINES = [
    # a box that leads the item: unticked is no finding, ticked is the finding
    ("  [ ] Systemic lupus erythematosus", "dx.sle", []),
    ("  \u2610 Lupus nephritis (biopsy-proven)", "dx.lupus_nephritis", []),
    ("  [] Tuberculosis", "dx.tuberculosis", []),
    ("  [x] Lupus nephritis", "dx.lupus_nephritis", ["affirmed"]),
    ("  \u2611 Systemic lupus erythematosus", "dx.sle", ["affirmed"]),
    ("PMH: [x] Hypertension  [ ] Tuberculosis  [x] Asthma", "dx.tuberculosis", []),
    # boxed answers after the label
    ("Active tuberculosis: Yes [ ] No [x]", "dx.tuberculosis", ["negated"]),
    ("Active tuberculosis: [ ] Yes  [x] No", "dx.tuberculosis", ["negated"]),
    ("Lupus nephritis - Y / (N)", "dx.lupus_nephritis", ["negated"]),
    ("Lupus nephritis: (Y) / N", "dx.lupus_nephritis", ["affirmed"]),
    ("Currently pregnant:  Yes \u2610  No \u2612", "dx.pregnancy", ["negated"]),
    ("Currently pregnant: Yes \u2611 No \u2610", "dx.pregnancy", ["affirmed"]),
    ("Received rituximab in the past year: Yes [ ] No [x]  (per mother)", "drug.rituximab",
     ["negated"]),
    # nothing ticked: the field was never answered; both ticked: uncertain
    ("Active tuberculosis: Yes [ ] No [ ]", "dx.tuberculosis", []),
    ("Active tuberculosis: Y / N", "dx.tuberculosis", []),
    ("Active tuberculosis: Yes [x] No [x]", "dx.tuberculosis", ["uncertain"]),
]


@pytest.mark.parametrize(("line", "concept", "expected"), LINES)
def test_a_forms_boxes_decide_its_items_mentions(parser: NoteParser, line: str, concept: str,
                                                 expected: list[str]) -> None:  # fmt: skip
    assert _assertions(parser, HEAD + line + "\nSigned: RN\n", concept) == expected


def test_two_boxed_items_on_one_line_are_answered_each_by_their_own_boxes(
    parser: NoteParser,
) -> None:
    text = HEAD + "Tuberculosis: Y [ ] N [x]     Lupus nephritis: Y [x] N [ ]\n"
    assert _assertions(parser, text, "dx.tuberculosis") == ["negated"]
    assert _assertions(parser, text, "dx.lupus_nephritis") != []


# Must not fire: prose, a single answer (the log grammar's), an item before another label.
UNCHANGED = [
    ("Lupus nephritis: yes, on mycophenolate since 2024", "dx.lupus_nephritis", ["affirmed"]),
    ("Comment: tuberculosis treated 2019; screening: Y / (N)", "dx.tuberculosis", ["affirmed"]),
    ("Mother reports no tuberculosis contact.", "dx.tuberculosis", ["negated"]),
]


@pytest.mark.parametrize(("line", "concept", "expected"), UNCHANGED)
def test_lines_without_boxed_answers_keep_their_reading(parser: NoteParser, line: str,
                                                        concept: str,
                                                        expected: list[str]) -> None:  # fmt: skip
    assert _assertions(parser, HEAD + line + "\n", concept) == expected


# "Comments: ? SLE" on a form: the "?" opens the field and queries the diagnosis; it does
# not end a question (which would leave "SLE" affirmed in a sentence of its own).
@pytest.mark.parametrize(("text", "expected"), [
    ("Comments: ? SLE - for review.", ["uncertain"]),
    ("Referral reason: ? SLE", ["uncertain"]),
    ("Was the ANA repeated? SLE known since 2023.", ["affirmed"]),
])
def test_a_query_mark_opening_a_field_queries_what_follows(
    parser: NoteParser, text: str, expected: list[str]
) -> None:
    assert _assertions(parser, text, "dx.sle") == expected


# "SLEDAI-2K: not applicable (SLE not confirmed)": "not applicable" denies nothing that
# follows, and a diagnosis "not confirmed" is not yet established, not ruled out.
@pytest.mark.parametrize(("text", "expected"), [
    ("SLEDAI-2K total: not applicable (SLE not confirmed)", ["uncertain"]),
    ("Transplant history: not applicable. SLE since 2021.", ["affirmed"]),
    ("SLE not confirmed; ANA pending.", ["uncertain"]),
])
def test_not_applicable_and_not_confirmed_rule_out_nothing(
    parser: NoteParser, text: str, expected: list[str]
) -> None:
    assert _assertions(parser, text, "dx.sle") == expected
