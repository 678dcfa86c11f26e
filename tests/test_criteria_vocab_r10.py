"""Diagnoses and procedures the vocabulary lacked (issue 12, reader-b, round 10): items
naming them were "no computable concept recognised". Each is read as its own concept, with
its ICD-10 code where one exists. Sentences are written from clinical knowledge, several
phrasings each."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.render import reading
from matcher.nlp.vocab import load_vocabulary

LUPUS = ["systemic lupus erythematosus"]

READ = [
    ("History of vitamin B12 deficiency", "dx.b12_deficiency"),
    ("Known cobalamin deficiency", "dx.b12_deficiency"),
    ("Vitamin B12 deficiency anemia", "dx.b12_deficiency"),
    ("Folate deficiency", "dx.folate_deficiency"),
    ("Known folic acid deficiency", "dx.folate_deficiency"),
    ("Cystinosis", "dx.cystinosis"),
    ("Diagnosis of nephropathic cystinosis", "dx.cystinosis"),
    ("Bartter syndrome", "dx.bartter"),
    ("History of Gitelman syndrome", "dx.gitelman"),
    ("Paroxysmal nocturnal hemoglobinuria", "dx.pnh"),
    ("Known PNH", "dx.pnh"),
    ("Paroxysmal nocturnal haemoglobinuria (PNH) clone", None),
    ("Aortic dissection", "dx.aortic_dissection"),
    ("Known or suspected dissecting aneurysm", None),
    ("History of dissection of the aorta", "dx.aortic_dissection"),
    ("Implanted pacemaker", "proc.pacemaker"),
    ("Patients with a permanent cardiac pacemaker", "proc.pacemaker"),
    ("History of thymectomy", "proc.thymectomy"),
    ("Prior thymectomy", "proc.thymectomy"),
]


@pytest.mark.parametrize(("text", "concept"), READ)
def test_a_named_condition_is_read_as_its_concept(text: str, concept: str | None) -> None:
    criterion = parse_criterion(text, "exclusion", about=LUPUS)
    if concept is None:
        # A qualifier the reader does not know ("clone", "suspected") keeps it manual or
        # judged: only that it reads without error and never as another concept.
        assert criterion.kind in ("manual", "diagnosis"), reading(criterion)
        return
    assert criterion.kind == "diagnosis", reading(criterion)
    assert criterion.params["concepts"] == [concept]


@pytest.mark.parametrize("concept", sorted({c for _, c in READ if c}))
def test_each_new_concept_carries_a_code_or_says_it_has_none(concept: str) -> None:
    record = load_vocabulary()[concept]
    assert record.code is None or record.code.split(":")[0] in ("ICD10", "SNOMED")


@pytest.mark.parametrize(("text", "temporality"), [
    ("Implanted pacemaker", "current"),
    ("Patients with a permanent pacemaker", "current"),
    ("Aortic dissection", "current"),
    ("History of aortic dissection", "ever"),
])  # fmt: skip
def test_a_device_in_place_or_a_dissection_is_a_state_now_unless_its_history_is_asked(
    text: str, temporality: str
) -> None:
    """A pacemaker is in the patient now (a mention in the lookback shows it; an older one
    is for a person), as is a dissection named bare; "history of" asks for ever."""
    criterion = parse_criterion(text, "exclusion", about=LUPUS)
    assert criterion.params.get("temporality", "ever") == temporality, reading(criterion)
