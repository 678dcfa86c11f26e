"""Turns concept spans into Findings: values, units, reference ranges, dates.

Works on character offsets of the note text so that every Finding's span is
exact (note_text[start:end] is what a referrer sees highlighted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import (
    Iterable,
)
from pathlib import (
    Path,
)

from spacy.language import (
    Language,
)
from spacy.tokens import (
    Doc,
    Span,
)

from matcher.errors import ModelError
from matcher.model import (
    Assertion,
    Finding,
)
from matcher.nlp.ages import (
    _ages,
)
from matcher.nlp.allergy import AGENT as ALLERGY_AGENT
from matcher.nlp.allergy import DrugSpan, allergy_findings
from matcher.nlp.biopsies import (
    _biopsies,
    _denials_beside_a_class,
    _report_diagnosis_decides,
)
from matcher.nlp.checklists import checklist_answers
from matcher.nlp.coded_fields import coded_drug_fields
from matcher.nlp.components import (
    CONCEPTS_KEY,
    SECTIONS_KEY,
    Sentences,
    doc_text,
    note_context,
)
from matcher.nlp.dates import (
    birth_label_start,
    find_dates,
    infer_day_first,
)
from matcher.nlp.differential import differential_counts
from matcher.nlp.dispensing import undispensed_prescriptions
from matcher.nlp.drugs import (
    _LAB_LIKE,
    _drug,
)
from matcher.nlp.immunology import (
    _ana,
    _autoantibody,
    _cd19,
)
from matcher.nlp.mentions import (
    _concept_record,
    _Context,
    _date_from_onset,
    _heading_dates,
    _in_context,
    _mention,
    _untested_screen,
)
from matcher.nlp.past_values import past_told_values
from matcher.nlp.problem_lists import problem_list_statuses
from matcher.nlp.role_tables import medication_table_rows
from matcher.nlp.scores import (
    _score,
)
from matcher.nlp.states import (
    _marker_after_infection,
    _pressure,
    _serology,
    _state,
)
from matcher.nlp.values import (
    _lab,
    _paired_labs,
    _uses_decimal_commas,
)
from matcher.nlp.vocab import (
    Concept,
    Vocabulary,
    read_concepts,
)


def vocabulary_text(vocabulary: Vocabulary) -> str:
    """The concepts.jsonl a saved pipeline carries: one record a line, as packaged."""
    lines = [json.dumps(_concept_record(c), ensure_ascii=False)
             for c in vocabulary.concepts.values()]  # fmt: skip
    return "\n".join(lines) + "\n"


@Language.factory("finding_extractor")
def make_finding_extractor(nlp: Language, name: str) -> FindingExtractor:
    return FindingExtractor()


class FindingExtractor:
    """Reads values, units, ranges and dates around each concept span."""

    def __init__(self) -> None:
        # The pipeline's vocabulary: handed over by matcher.nlp.pipeline when it builds the
        # pipeline (use_vocabulary), or read back with a saved one (from_disk).
        self.vocabulary: Vocabulary | None = None

    def use_vocabulary(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    # The vocabulary travels with the saved pipeline: models/<name>/finding_extractor/
    # holds the concepts.jsonl the model was built with.
    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "concepts.jsonl").write_text(vocabulary_text(self._vocabulary()),
                                             encoding="utf-8")  # fmt: skip

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> FindingExtractor:
        source = Path(path) / "concepts.jsonl"
        self.vocabulary = Vocabulary(read_concepts(source.read_text(encoding="utf-8"), str(source)))
        return self

    def _vocabulary(self) -> Vocabulary:
        if self.vocabulary is None:
            raise ModelError("the finding extractor was given no vocabulary",
                             expected="a pipeline from matcher.nlp.pipeline (build_pipeline or "
                             "load_pipeline), which hands it the pipeline's vocabulary")
        return self.vocabulary

    def __call__(self, doc: Doc) -> Doc:
        self._vocabulary()  # a pipeline put together by hand says what it lacks
        note_date: dt.date = doc._.note_date or dt.date.today()
        text = doc_text(doc)
        carried = note_context(doc)
        if carried is None:
            day_first = infer_day_first(text, note_date)
            dates = [d for d in find_dates(text, note_date, day_first=day_first)]
        else:  # a piece of a long note: the whole note's convention, never the piece's own
            dates = find_dates(text, note_date, day_first=carried.day_first, infer=False)
        # A birth date dates no finding: "DOB 03/06/2007" on the line above "SLEDAI-2K 14"
        # is no heading of the score (matcher.nlp.ages reads it as the birth date).
        births = [d for d in dates if (d.date is not None or d.ambiguous)
                  and birth_label_start(text, d) is not None]  # fmt: skip
        if births:
            dates = [dataclasses.replace(d, date=None, end_date=None, ambiguous=False)
                     if d in births else d for d in dates]  # fmt: skip
        concepts = list(doc.spans.get(CONCEPTS_KEY, []))
        # A mention its context filters rule out ("% of lymphocytes", "CSF WBC") names no
        # lab here, so it does not end the item of the lab before it either.
        concepts = [s for s in concepts if _in_context(text, s, self.vocabulary[s.label_])]
        ctx = _Context(
            doc=doc,
            text=text,
            note_id=doc._.note_id or "",
            note_date=note_date,
            dates=dates,
            date_starts=[d.start for d in dates],
            heading_dates=_heading_dates(doc, text, dates),
            vocabulary=self.vocabulary,
            lab_starts=sorted(
                s.start_char for s in concepts if self.vocabulary[s.label_].category in _LAB_LIKE
            ),
            drug_spans=(
                drug_spans := sorted(
                    (
                        s
                        for s in concepts
                        if self.vocabulary[s.label_].category in ("drug", "drug_class")
                    ),
                    key=lambda s: s.start_char,
                )
            ),
            drug_starts=[s.start_char for s in drug_spans],
            sentences=Sentences(doc),
            decimal_comma=_uses_decimal_commas(text),
            birth_dates=births,
        )
        for span in concepts:
            if self.vocabulary[span.label_].category in _LAB_LIKE:
                ctx.lab_names.setdefault(span.start_char, set()).add(span.label_)
        findings, handled = _paired_labs(ctx, concepts)
        for span in concepts:
            if span.start_char in handled:
                continue
            concept = self.vocabulary[span.label_]
            findings.extend(_extract(ctx, span, concept))
        # "TC 6,200 /cumm | DC: N 60% L 31%": the absolute counts of the differential.
        findings.extend(differential_counts(text, findings, ctx.date_starts, self.vocabulary))
        # "SLE confirmed: to confirm": a pre-screening log's answer decides the mention.
        findings = checklist_answers(text, findings)
        # "rtx_given=1 | rtx_last_dose=2026-03-10": a registry export's coded drug cells.
        findings.extend(coded_drug_fields(ctx))
        biopsies = _denials_beside_a_class(list(_biopsies(ctx, concepts)))
        findings.extend(_report_diagnosis_decides(ctx, biopsies))
        # "Lupus nephritis class IV | Entered in error": a problem list's status decides.
        findings = problem_list_statuses(text, findings)
        findings.extend(_ages(ctx))
        allergies = _allergies(ctx)
        findings = _allergens_are_no_exposures(findings, allergies) + allergies
        # "MMF prescribed today. Pharmacy: MMF out of stock": no exposure (nlp.dispensing)
        # "Mycophenolate | ... | Never started", "Rituximab | 2024-06-03 | 2024-06-24 |
        # Completed course": a medication list's Status and Stop columns (nlp.role_tables)
        findings = medication_table_rows(text, findings, ctx.dates, ctx.date_starts, note_date)
        findings = undispensed_prescriptions(text, findings, ctx.sentences.bounds(), note_date)
        # "Lymphocyte subsets then showed CD19 0%": a value of an earlier, unnamed day is
        # not the note's day's (nlp.past_values)
        findings = past_told_values(text, findings, ctx.sentences.bounds())
        doc._.findings = _date_from_onset(findings)
        return doc


def _allergies(ctx: _Context) -> list[Finding]:
    """Allergy lists, allergy and intolerance statements, "NKDA" (matcher.nlp.allergy)."""
    sections = [(s.start_char, s.end_char, s.label_) for s in ctx.doc.spans.get(SECTIONS_KEY, [])]
    drugs = [DrugSpan(s.start_char, s.end_char, s.label_) for s in ctx.drug_spans]
    carried = note_context(ctx.doc)
    return allergy_findings(ctx.text, sections, drugs, ctx.note_id, ctx.note_date,
                            ctx.vocabulary,
                            carried.section if carried is not None else None)  # fmt: skip


def _allergens_are_no_exposures(findings: list[Finding], allergies: list[Finding]
                                ) -> list[Finding]:  # fmt: skip
    """A drug named as the allergen ("allergic to rituximab", "rituximab allergy") is no
    exposure the note dates: read as one, "allergic to rituximab" written today would be
    rituximab given today, and an exclusion "rituximab within 6 months" would hide the
    patient. It reads as a drug in an allergy list already does (negated: not a use)."""
    # The allergy's span holds its agent's: "rituximab" in "Rituximab allergy". Only an
    # allergy proper: an intolerance or a withdrawal ("MMF stopped in June because of
    # diarrhoea") tells of a course the patient took, and a drug with dates of its own
    # ("a reaction to rituximab in 2023") is that dated course.
    allergens = [(a.start, a.end, a.attrs.get("agent")) for a in allergies
                 if a.concept == ALLERGY_AGENT and a.is_patient_fact
                 and a.attrs.get("reaction") == "allergy"]  # fmt: skip

    def allergen(f: Finding) -> bool:
        undated = not (f.attrs.get("start_date") or f.attrs.get("stop_date")
                       or f.attrs.get("stopped"))  # fmt: skip
        return undated and any(s <= f.start and f.end <= e and agent == f.concept
                               for s, e, agent in allergens)  # fmt: skip

    return [dataclasses.replace(f, assertion=Assertion.NEGATED)
            if f.category == "drug" and f.is_patient_fact and allergen(f) else f
            for f in findings]  # fmt: skip


# ------------------------------------------------------------------- dispatch
def _extract(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    category = concept.category
    if category == "lab":
        if concept.id == "lab.ana":
            return _ana(ctx, span, concept)
        if concept.id == "lab.cd19":
            return _cd19(ctx, span, concept)
        if concept.attrs.get("autoantibody"):
            return _autoantibody(ctx, span, concept)
        if concept.attrs.get("serology"):
            return _serology(ctx, span, concept)
        if concept.attrs.get("pair"):
            return _pressure(ctx, span, concept)
        return _lab(ctx, span, concept)
    if category == "score":
        return _score(ctx, span, concept)
    if category in ("drug", "drug_class"):
        return _drug(ctx, span, concept)
    if concept.attrs.get("state"):
        return _state(ctx, span, concept)
    if category == "diagnosis" and _untested_screen(ctx, span):
        return ()
    if category in ("diagnosis", "procedure", "status"):
        found = list(_mention(ctx, span, concept))
        if concept.attrs.get("marker_words"):
            found += _marker_after_infection(ctx, span, concept)
        return found
    return ()
