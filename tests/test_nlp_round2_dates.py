"""Issue 15, round 2: dates, sections and pathology reports (mechanisms 4, 5, 9, 11, 14, 17).

Sentences written for these tests in wordings other than the round-2 tables' (other
report layouts, other clinicians' styles); each expectation is what GUIDELINE.md says.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import PATIENT_ASSERTIONS, Finding
from matcher.nlp.pipeline import NoteParser, build_pipeline

D = dt.date


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _read(parser: NoteParser, text: str, note_date: dt.date, note_type: str | None = None
          ) -> list[Finding]:  # fmt: skip
    found = parser.parse(text, "n", note_date, note_type)
    for f in found:
        assert text[f.start : f.end] == f.text, "span does not index the note text"
    return found


def _biopsy_classes(findings: list[Finding]) -> list[set[str]]:
    return [
        set(f.attrs.get("classes", []))
        for f in findings
        if f.concept == "biopsy.kidney" and f.assertion in PATIENT_ASSERTIONS
    ]


# ------------------------------------------------------ 14: negated classes in comments
@pytest.mark.parametrize(
    ("text", "classes"),
    [
        (
            "FINAL DIAGNOSIS: Lupus nephritis, class II.\n"
            "Comment: class IV lesions are not identified.",
            {"II"},
        ),
        (
            "Diagnosis: membranous lupus nephritis, ISN/RPS class V.\n"
            "Microscopy comment: segmental endocapillary lesions are not seen, class III is "
            "therefore not supported.",
            {"V"},
        ),
        (
            "Impression: Class IV-S (A) LN.\nComment: a class V component was considered "
            "and ruled out on EM.",
            {"IV"},
        ),
        (
            "Conclusion: ISN/RPS class III (A/C).\n"
            "Note: features of class VI are absent (2 of 30 glomeruli sclerosed).",
            {"III"},
        ),
        (
            "DIAGNOSIS: Class V lupus nephritis.\n"
            "Remark: superimposed class IV cannot be ruled out on this core.",
            {"V"},
        ),
        (
            "Histological diagnosis: lupus nephritis class II.\n"
            "Comment: the clinical team asked about class IV; the mesangial pattern argues "
            "against it and this remains class II.",
            {"II"},
        ),
    ],
)
def test_the_report_diagnosis_line_decides_the_class_not_its_comments(
    parser: NoteParser, text: str, classes: set[str]
) -> None:
    found = _read(parser, text, D(2026, 6, 1), "pathology")
    assert _biopsy_classes(found) == [classes]


@pytest.mark.parametrize(
    "text",
    [
        "Renal biopsy 03/2026: features of class IV are absent; class II changes only.",
        "Kidney biopsy 04/2026: class IV is not evident; mesangial changes of class II.",
    ],
)
def test_a_class_denied_after_it_is_named_is_not_the_biopsy_class(
    parser: NoteParser, text: str
) -> None:
    found = _read(parser, text, D(2026, 6, 1), "clinic")
    assert _biopsy_classes(found) == [{"II"}]


# ------------------------------------------- 4: a class named bare on a diagnosis line
@pytest.mark.parametrize(
    ("text", "note_type", "classes"),
    [
        ("RENAL BIOPSY REPORT\nSpecimen: left kidney, 2 cores.\nConclusion: III (A/C) with V.",
         None, {"III", "V"}),
        ("Histopathology - kidney\nFinal diagnosis: IV-G (A) + V, lupus nephritis.",
         "pathology", {"IV", "V"}),
        ("KIDNEY BIOPSY\nImpression: IV-S.", None, {"IV"}),
    ],
)  # fmt: skip
def test_a_report_diagnosis_line_naming_only_the_class_is_a_dated_biopsy(
    parser: NoteParser, text: str, note_type: str | None, classes: set[str]
) -> None:
    found = _read(parser, text, D(2026, 6, 1), note_type)
    biopsies = [f for f in found if f.concept == "biopsy.kidney"]
    assert [set(f.attrs["classes"]) for f in biopsies] == [classes]
    assert biopsies[0].date == D(2026, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        "RENAL BIOPSY\nConclusion: I agree with the outside reading.",
        "Clinic letter\nImpression: IV fluids given, improving.",
    ],
)
def test_a_bare_numeral_that_is_no_class_is_not_read_as_one(parser: NoteParser, text: str) -> None:
    assert _biopsy_classes(_read(parser, text, D(2026, 6, 1))) == []


# ------------------------------------ 9: a family-history heading covers its own part only
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Family history: maternal aunt with SLE.\nHb 102 g/L, WBC 4.4.", "lab.hemoglobin"),
        ("FHx - grandmother had lupus nephritis\nECOG 1 today.", "score.ecog"),
        ("Family hx: father with gout.\nOn hydroxychloroquine 200 mg daily.",
         "drug.hydroxychloroquine"),
        ("FAMILY HISTORY\nMother - hypothyroidism.\n\nHb 95 g/L on 01/05/2026.",
         "lab.hemoglobin"),
        ("Family history:\n- brother with ITP\nROS: no fever, no rash.\n"
         "Tacrolimus 2 mg bd since 03/2026.", "drug.tacrolimus"),
    ],
)  # fmt: skip
def test_a_family_history_heading_does_not_reach_past_its_own_part(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = [f for f in _read(parser, text, D(2026, 6, 1)) if f.concept == concept]
    assert found and all(f.assertion in PATIENT_ASSERTIONS for f in found)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Family history: mother with SLE,\n  sister with lupus nephritis.", "dx.lupus_nephritis"),
        ("Family history:\nMother: SLE diagnosed 2010\nSister: ITP, treated with rituximab",
         "drug.rituximab"),
        ("FH: aunt with SLE.\n- cousin on mycophenolate", "drug.mycophenolate"),
    ],
)  # fmt: skip
def test_a_family_list_under_its_heading_stays_the_familys(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = [f for f in _read(parser, text, D(2026, 6, 1)) if f.concept == concept]
    assert not [f for f in found if f.assertion in PATIENT_ASSERTIONS]


# ----------------------------------------- 17: a dose's or procedure's own date wins
def _one(found: list[Finding], concept: str) -> Finding:
    hits = [f for f in found if f.concept == concept and f.assertion in PATIENT_ASSERTIONS]
    assert len(hits) == 1, hits
    return hits[0]


@pytest.mark.parametrize(
    ("text", "concept", "date"),
    [
        ("Filgrastim 300 mcg s.c. on 2 Nov.", "drug.gcsf", D(2026, 11, 2)),
        ("Methylprednisolone 500 mg i.v. on 28 Oct.", "drug.glucocorticoid", D(2026, 10, 28)),
        ("Flow cytometry sampled 28/10/2026, verified 03/11/2026: CD19 8 %.",
         "lab.cd19", D(2026, 10, 28)),
        ("Renal biopsy (taken 12 Oct 2026, reported 20 Oct 2026): class IV-G (A).",
         "biopsy.kidney", D(2026, 10, 12)),
        ("RENAL PATHOLOGY REPORT\nDate of biopsy: 2026-10-30\nReported: 2026-11-06\n"
         "Diagnosis: lupus nephritis ISN/RPS class III (A).", "biopsy.kidney", D(2026, 10, 30)),
        ("SURGICAL PATHOLOGY  Specimen collected: 10/27/2026  Signed: 11/05/2026\n"
         "Final diagnosis: kidney, core biopsy - lupus nephritis, class IV-S (A/C).",
         "biopsy.kidney", D(2026, 10, 27)),
        ("Ultrasound-guided renal biopsy performed on 21/10/2026. Histopathology: class V.",
         "biopsy.kidney", D(2026, 10, 21)),
    ],
)  # fmt: skip
def test_an_event_takes_its_own_date_not_the_reports_or_the_notes(
    parser: NoteParser, text: str, concept: str, date: dt.date
) -> None:
    assert _one(_read(parser, text, D(2026, 11, 10)), concept).date == date


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Leukapheresis scheduled for 2026-11-24.", "proc.apheresis"),
        ("Repeat renal biopsy on 2026-12-02.", "proc.kidney_biopsy"),
    ],
)
def test_a_procedure_dated_after_its_note_is_a_plan(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = [f for f in _read(parser, text, D(2026, 11, 10)) if f.concept == concept]
    assert found and not [f for f in found if f.assertion in PATIENT_ASSERTIONS]


# -------------------------------------------- 11: copied-forward blocks keep their date
def _dated(found: list[Finding], concept: str) -> list[tuple[float | str | None, dt.date]]:
    return sorted(
        ((f.value, f.date) for f in found if f.concept == concept and f.date is not None),
        key=lambda pair: pair[1],
    )


@pytest.mark.parametrize(
    "text",
    [
        "##### Copied from discharge letter 22/09/2026 #####\nHb 81 g/L\nCRP 40 mg/L\n"
        "##### end of copy #####\nHb 104 g/L today.",
        "[Imported result set 2026-09-22]\nHb 81 g/L\n[/Imported]\nHb 104 g/L.",
        "Results carried forward (dated 22/09/2026):\n> Hb 81 g/L\n> WBC 3.0\n----\n"
        "Hb 104 g/L.",
        "I have copied her previous results (22 Sept 2026) below:\n    Hb 81 g/L\n"
        "    platelets 140\nHb now 104 g/L.",
        "~~ previous clinic note 22/09/2026 pasted ~~\nHb 81 g/L\n~~~~~~\nHb 104 g/L",
        "*** Previous discharge summary (22/09/2026) appended ***\nInvestigations:\n"
        "Hb 81 g/L\n*** end of appended summary ***\nInvestigations:\nHb 104 g/L",
    ],
)
def test_a_copied_block_dates_its_values_until_the_block_ends(
    parser: NoteParser, text: str
) -> None:
    found = _read(parser, text, D(2026, 10, 20))
    assert _dated(found, "lab.hemoglobin") == [(81.0, D(2026, 9, 22)), (104.0, D(2026, 10, 20))]


# -------------------------------------------- 5: a label date governs its sentence only
@pytest.mark.parametrize(
    ("text", "concept", "dated"),
    [
        ("Renal biopsy 14/02/2026: lupus nephritis class IV-G. Hb 98 g/L. WBC 5.1 x10^9/L.",
         "lab.hemoglobin", [(98.0, D(2026, 10, 20))]),
        ("CT 23/09/2026: small pleural effusions. Creatinine 88 umol/L.",
         "lab.creatinine", [(88.0, D(2026, 10, 20))]),
        ("26.09.2026: ALT 120 U/L on azathioprine. Stopped. ALT now 41 U/L.",
         "lab.alt", [(120.0, D(2026, 9, 26)), (41.0, D(2026, 10, 20))]),
        ("29/09: lymphocytes 0.4 x10^9/L\nLymphocytes 0.9 x10^9/L.",
         "lab.lymphocytes", [(0.4, D(2026, 9, 29)), (0.9, D(2026, 10, 20))]),
    ],
)  # fmt: skip
def test_a_label_date_opening_a_sentence_dates_that_sentence_only(
    parser: NoteParser, text: str, concept: str, dated: list
) -> None:
    assert _dated(_read(parser, text, D(2026, 10, 20)), concept) == dated
