"""A diagnosis established by a published classification standard, and a biopsy class
statement, as registry texts word them (REGISTRY.md mechanisms 1 and 8).

A named standard ("2013 ACR/EULAR", "≥ 4 of the 11 ACR criteria", "2002 AECG") is a
citation the notes cannot re-check; a documented diagnosis stands for it
(matcher/criteria/data/classification_systems.json). A threshold other than the standard's own,
or a standard cited for a disease it does not classify, stays manual. Biopsy class sets
are read exactly or left manual. The sentences are written here the way sponsors word
them; none is copied from a registry record.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.citation import SYSTEMS_FILE, load_systems, read_citation, read_systems
from matcher.criteria.grammar import criteria_data_text
from matcher.criteria.render import reading
from matcher.errors import VocabularyError
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status
from matcher.nlp.vocab import load_vocabulary

LUPUS = ["lupus nephritis"]

# (text, concepts, system label): each was manual (or dropped the disease) before.
CITED_DIAGNOSES: list[tuple[str, list[str], str]] = [
    # the count threshold is the 1997 ACR set's own; "serially or simultaneously" is the
    # set's own wording for "at any time"
    ("Meets at least 4 of the 11 American College of Rheumatology criteria for SLE, "
     "serially or simultaneously", ["dx.sle"], "ACR"),
    ("Lupus as defined by 4 or more of the 11 ACR classification criteria, present "
     "sequentially or coincidentally during any interval of observation", ["dx.sle"], "ACR"),
    ("SLE by the revised ACR criteria (≥ 4 of 11); the four criteria need not be present "
     "at the time of screening", ["dx.sle"], "ACR"),
    # "criteria for SLE" names the disease too
    ("Meets the SLICC 2012 criteria for SLE", ["dx.sle"], "SLICC 2012"),
    ("Fulfilment of the 2019 EULAR/ACR classification criteria for SLE or of the 1997 ACR "
     "revised criteria for SLE", ["dx.sle"], "2019 EULAR/ACR"),
    ("Systemic lupus erythematosus classified by the EULAR/ACR 2019 criteria with a total "
     "score of at least 10 points", ["dx.sle"], "2019 EULAR/ACR"),
    # other rheumatic diseases and their own standards
    ("Systemic sclerosis fulfilling the 2013 ACR/EULAR classification criteria",
     ["dx.systemic_sclerosis"], "2013 ACR/EULAR"),
    ("Diagnosis of scleroderma per the American College of Rheumatology/European League "
     "Against Rheumatism criteria (2013)", ["dx.systemic_sclerosis"], "2013 ACR/EULAR"),
    ("Primary Sjögren's syndrome according to the 2016 ACR-EULAR classification criteria",
     ["dx.sjogren"], "2016 ACR/EULAR"),
    ("Sjogren's syndrome meeting the revised American-European Consensus Group (AECG) "
     "criteria of 2002", ["dx.sjogren"], "2002 AECG"),
    ("Rheumatoid arthritis as defined by the 2010 ACR/EULAR criteria (score ≥ 6)",
     ["dx.rheumatoid_arthritis"], "2010 ACR/EULAR"),
    ("Scleroderma: ACR/European League Against Rheumatism (EULAR) 2013 criteria satisfied",
     ["dx.systemic_sclerosis"], "2013 ACR/EULAR"),
    # the criteria counted over the disease's course, not at enrolment
    ("SLE meeting at least four of the eleven ACR criteria. These criteria don't need to be "
     "present at the time of study entry", ["dx.sle"], "ACR"),
    # fewer criteria than the standard's own with a clinician's diagnosis: still the
    # documented diagnosis
    ("Lupus per the 2012 SLICC criteria, or patients with only 3 criteria but SLE diagnosed "
     "by the treating physician", ["dx.sle"], "SLICC 2012"),
    # a later edition of the same set, and the set's own definition restated
    ("SLE according to the 1982 revised ACR criteria, updated in 1997", ["dx.sle"], "ACR 1982"),
    ("SLE per SLICC 2012 (at least 4 criteria, including at least one clinical and one "
     "immunological criterion)", ["dx.sle"], "SLICC 2012"),
    ("SLE per the 2019 EULAR/ACR criteria (total score ≥ 10 with at least one clinical "
     "criterion)", ["dx.sle"], "2019 EULAR/ACR"),
    ("Patients with a diagnosis of SLE based on the 1997 ACR criteria", ["dx.sle"], "ACR 1997"),
]


@pytest.mark.parametrize(("text", "concepts", "system"), CITED_DIAGNOSES)
def test_a_diagnosis_cited_by_its_classification_standard_is_the_documented_diagnosis(
    text: str, concepts: list[str], system: str
) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("diagnosis", None)
    assert criterion.params["concepts"] == concepts
    assert criterion.params["system"] == system
    assert criterion.params["temporality"] == "ever"


# (text, a word the reason must name): a threshold that is not the standard's own, or a
# standard that does not classify the disease named, is not a citation.
NOT_THE_STANDARD: list[tuple[str, str]] = [
    ("Meets at least 3 of the 11 ACR criteria for SLE", '"3"'),
    ("SLE with a 2019 EULAR/ACR total score ≥ 20", '"20"'),
    ("Systemic sclerosis according to the SLICC criteria", '"SLICC"'),
    ("Sjögren's syndrome fulfilling the 1997 ACR criteria", '"1997"'),
    ("SLE according to the 1982 revised ACR criteria, updated in 2005", '"2005"'),
    ("SLE per SLICC 2012 (at least 5 criteria)", '"5"'),
    # an alternative with fewer criteria is read only with a clinician's diagnosis
    ("Lupus per the 2012 SLICC criteria, or patients with only 3 criteria but positive "
     "anti-dsDNA", "anti-dsDNA"),
    ("Lupus per the 2012 SLICC criteria, or patients with 5 criteria but SLE diagnosed by "
     "the treating physician", '"5"'),
]


@pytest.mark.parametrize(("text", "word"), NOT_THE_STANDARD)
def test_a_threshold_or_standard_not_of_the_cited_set_stays_manual(text: str, word: str) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert criterion.kind == "manual"
    assert word in (criterion.manual_reason or "")


def test_a_citation_reads_its_spans_only_for_a_condition_the_set_classifies() -> None:
    text = "SLE per 2012 SLICC criteria"
    assert read_citation(text, ["dx.systemic_sclerosis"]) is None
    found = read_citation(text, ["dx.sle"])
    assert found is not None and found.label == "SLICC 2012"
    assert sorted(text[a:b] for a, b in found.spans) == ["2012 SLICC"]


def test_response_criteria_named_like_the_body_are_not_a_citation() -> None:
    assert read_citation("ACR20 response at week 12", ["dx.rheumatoid_arthritis"]) is None
    assert read_citation("acr criteria", ["dx.sle"]) is None  # abbreviations as written


def _valid() -> dict[str, Any]:
    return json.loads(criteria_data_text("classification_systems.json"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["sets"][0].update(bodies=["NOPE"]), "sets[0].bodies"),
        (lambda d: d["sets"][0].update(conditions=["dx.unknown"]), "sets[0].conditions"),
        (lambda d: d["sets"][0].update(counts=[[11, 4]]), "sets[0].counts"),
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d["bodies"]["ACR"].update(names=[]), "bodies.ACR.names"),
    ],
)
def test_a_bad_classification_file_names_the_field(change: Any, field: str) -> None:
    data = _valid()
    change(data)
    with pytest.raises(VocabularyError) as caught:
        read_systems(json.dumps(data), load_vocabulary())
    assert SYSTEMS_FILE in str(caught.value) and field in str(caught.value)


def test_the_packaged_classification_file_loads() -> None:
    assert {s.label for s in load_systems().sets} >= {"2019 EULAR/ACR", "2002 AECG"}


# ------------------------------------------------------------------ biopsy class sets

ALL_COMBINATIONS = [frozenset({c}) for c in ("I", "II", "III", "IV", "V", "VI")] + [
    frozenset({"III", "V"}), frozenset({"IV", "V"})
]


def _accepted(params: dict[str, Any]) -> set[str]:
    """The biopsy results a class reading lets through: "III or IV, V allowed" → III, IV,
    III+V, IV+V (a biopsy names at least one wanted class and nothing else)."""
    wanted = set(params["classes"])
    allowed = wanted | set(params["allowed_with"])
    order = ["I", "II", "III", "IV", "V", "VI"]
    return {"+".join(sorted(c, key=order.index))
            for c in ALL_COMBINATIONS if c & wanted and c <= allowed}  # fmt: skip


# (text, the biopsy results accepted): each was manual, or read a wrong class set, before.
CLASS_SETS: list[tuple[str, set[str]]] = [
    ("Lupus nephritis class III or IV (ISN/RPS2018) on a kidney biopsy", {"III", "IV"}),
    ("Class III or IV lupus nephritis according to the World Health Organisation "
     "classification, on renal biopsy", {"III", "IV"}),
    ("Histopathologic confirmation of class III or IV lupus nephritis", {"III", "IV"}),
    # "isolated class V is excluded" restates that V comes only alongside
    ("Histological confirmation of class IV lupus nephritis, with or without class V; "
     "isolated class V is excluded", {"IV", "IV+V"}),
    # the pure V named after an optional V is wanted on its own (it was dropped)
    ("Kidney biopsy showing class III or IV LN with or without class V, or pure class V",
     {"III", "IV", "V", "III+V", "IV+V"}),
    ("Renal biopsy: class IV lupus nephritis ± class V, or isolated class V (ISN/RPS 2003)",
     {"IV", "V", "IV+V"}),
    # how the item is checked is not another requirement
    ("Biopsy-proven lupus nephritis class III or IV with/without class V (ISN/RPS 2003). The "
     "pathology report will be used to confirm eligibility.", {"III", "IV", "III+V", "IV+V"}),
    ("Kidney biopsy showing class III lupus nephritis; the renal biopsy report must be "
     "provided to verify the patient's eligibility", {"III"}),
]


@pytest.mark.parametrize(("text", "accepted"), CLASS_SETS)
def test_a_biopsy_class_statement_is_read_as_its_exact_class_set(
    text: str, accepted: set[str]
) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("biopsy", None)
    assert _accepted(criterion.params) == accepted


# "Class III (Class V) or Class IV (Class V)" is read as V allowed alongside, pure V refused
# (tests/test_criteria_biopsy_forms.py); a bare "(V)" stays manual.
@pytest.mark.parametrize("text", [
    "Renal biopsy showing class IV (V) lupus nephritis within 6 months",
])
def test_a_class_in_brackets_after_another_is_not_a_class_set_and_stays_manual(text: str) -> None:
    # "(Class V)" may be "with V" or "with or without V" (a lost ±): read as "or V" it
    # admitted pure class V.
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert criterion.kind == "manual"
    assert "in brackets" in (criterion.manual_reason or "")


# (exclusion text, classes read): "without a biopsy, or class ..." was manual ("without").
NO_BIOPSY_OR_CLASS = [
    ("Patients without a renal biopsy or those with lupus nephritis ISN/RPS class I, II or VI",
     ["I", "II", "VI"]),
    ("Subjects with no kidney biopsy, or with class I or II lupus nephritis", ["I", "II"]),
]


@pytest.mark.parametrize(("text", "classes"), NO_BIOPSY_OR_CLASS)
def test_an_exclusion_of_no_biopsy_or_a_class_reads_the_classes_and_says_the_branch(
    text: str, classes: list[str]
) -> None:
    criterion = parse_criterion(text, "exclusion", about=LUPUS)
    assert (criterion.kind, criterion.type, criterion.manual_reason) == (
        "biopsy", "exclusion", None)
    assert criterion.params["classes"] == classes and criterion.params["or_no_biopsy"]
    assert "no kidney biopsy" in reading(criterion)


def test_an_exclusion_of_no_biopsy_is_unknown_without_one_and_decided_by_the_class() -> None:
    criterion = parse_criterion(NO_BIOPSY_OR_CLASS[0][0], "exclusion", about=LUPUS)

    def judged(*classes: str) -> Any:
        findings = [Finding(concept="biopsy.kidney", category="biopsy", note_id="n1", start=0,
                            end=4, text="text", assertion=Assertion.AFFIRMED, value=None,
                            unit=None, date=dt.date(2026, 10, 1), date_source="text",
                            attrs={"classes": list(classes)})] if classes else []
        timeline = build_timeline(Patient("P1", None), findings, {"n1": dt.date(2026, 10, 1)},
                                  dt.date(2026, 11, 20))
        return evaluate(criterion, timeline)

    nothing = judged()
    assert nothing.status is Status.UNKNOWN and "excludes patients without one" in nothing.reason
    assert judged("II").status is Status.MET
    assert judged("IV").status is Status.NOT_MET


def test_a_biopsy_inclusion_is_not_read_as_no_biopsy() -> None:
    criterion = parse_criterion(NO_BIOPSY_OR_CLASS[0][0], "inclusion", about=LUPUS)
    assert criterion.kind == "manual"
