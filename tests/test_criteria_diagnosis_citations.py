"""The inclusion that states a trial's own diagnosis, as sponsors of rheumatic and kidney
trials write it (issue 12, round 5).

A diagnosis cited by its published criteria reads as the documented diagnosis, the
criteria kept as a qualifier the notes cannot re-check (matcher/criteria/data/
classification_systems.json): the count forms sponsors use ("by meeting 4 criteria of the
ACR", "> 4/11", "≥4/11"), who issued the criteria ("issued by EULAR/ACR in 2019"), two
editions' years around one body ("the modified 1997 ARA 1982 criteria"), author-year
references, criteria named for a place or their authors (Sapporo, Sydney, Bohan and
Peter, LeRoy and Medsger), ILAR for juvenile idiopathic arthritis, the 2017 EULAR/ACR
myositis criteria, and "another autoimmune disease by ACR criteria" in an exclusion. A
bracketed short form restating the diagnosis ("(PAPS)") adds nothing. The sentences are
written here in the ways sponsors word them; none is copied from a registry record.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.test_criteria_classification_shapes import (
    test_a_classification_phrase_in_any_shape_reads_as_the_diagnosis as _reads_as_the_diagnosis,
)
from tests.test_criteria_vocabulary import _found

LUPUS = ["systemic lupus erythematosus"]

# (text, type, concepts, system label)
CITED: list[tuple[str, str, list[str], str]] = [
    # count forms
    ("SLE diagnosed by fulfilling 4 criteria of the American College of Rheumatology",
     "inclusion", ["dx.sle"], "ACR"),
    ("Lupus, ACR classification criteria ≥4/11", "inclusion", ["dx.sle"], "ACR"),
    ("Systemic lupus erythematosus with > 4/11 ACR criteria", "inclusion", ["dx.sle"], "ACR"),
    ("SLE meeting 4 or more ACR criteria", "inclusion", ["dx.sle"], "ACR"),
    # who issued them, and the year after "in"
    ("SLE per the classification criteria issued by EULAR/ACR in 2019", "inclusion",
     ["dx.sle"], "2019 EULAR/ACR"),
    ("Lupus according to the criteria published by the Systemic Lupus International "
     "Collaborating Clinics in 2012", "inclusion", ["dx.sle"], "SLICC 2012"),
    # two years around one body
    ("SLE per the revised 1997 ACR 1982 criteria", "inclusion", ["dx.sle"], "ACR 1997"),
    # author-year references
    ("Idiopathic inflammatory myopathy meeting the EULAR/ACR criteria (Lundberg et al., "
     "2017)", "inclusion", ["dx.myositis"], "EULAR/ACR"),
    ("Dermatomyositis by the 2017 ACR/EULAR classification criteria", "inclusion",
     ["dx.myositis"], "2017 EULAR/ACR"),
    # criteria named for a place or their authors
    ("Antiphospholipid syndrome per the revised Sapporo criteria", "inclusion", ["dx.aps"],
     "Sapporo"),
    ("APS fulfilling the Sydney classification criteria (2006)", "inclusion", ["dx.aps"],
     "Sydney 2006"),
    ("Polymyositis by Bohan & Peter criteria", "inclusion",
     ["dx.myositis"], "Bohan and Peter"),
    ("Dermatomyositis as defined by Bohan and Peter (1975)", "inclusion", ["dx.myositis"],
     "Bohan and Peter 1975"),
    ("Systemic sclerosis classified by LeRoy and Medsger criteria", "inclusion",
     ["dx.systemic_sclerosis"], "LeRoy"),
    # ILAR for juvenile idiopathic arthritis
    ("Juvenile idiopathic arthritis according to the ILAR classification", "inclusion",
     ["dx.jia"], "ILAR"),
    ("JIA per International League of Associations for Rheumatology criteria", "inclusion",
     ["dx.jia"], "ILAR"),
    # "primary SS" is Sjögren's ("SSc" is systemic sclerosis)
    ("Primary SS fulfilling the 2016 ACR/EULAR classification criteria", "inclusion",
     ["dx.sjogren"], "2016 ACR/EULAR"),
    # other fields' criteria for diseases the vocabulary has; a disease word inside the
    # body's name ("American Diabetes Association") is no second condition
    ("Type 2 diabetes mellitus according to the American Diabetes Association criteria",
     "inclusion", ["dx.diabetes_t2"], "ADA"),
    ("Type 1 diabetes as defined by the WHO diagnostic criteria in 1999", "inclusion",
     ["dx.diabetes_t1"], "WHO 1999"),
    ("Multiple sclerosis per the 2017 McDonald criteria", "inclusion",
     ["dx.multiple_sclerosis"], "McDonald"),
    ("Parkinson's disease according to UK Brain Bank criteria", "inclusion",
     ["dx.parkinson"], "UK Brain Bank"),
    # another autoimmune disease by ACR criteria, in an exclusion
    ("Any other systemic autoimmune disease fulfilling ACR classification criteria",
     "exclusion", ["dx.autoimmune_other"], "ACR"),
]


@pytest.mark.parametrize(("text", "ctype", "concepts", "system"), CITED)
def test_a_diagnosis_cited_by_its_criteria_reads_as_the_documented_diagnosis(
    text: str, ctype: str, concepts: list[str], system: str
) -> None:
    _reads_as_the_diagnosis(text, ctype, concepts, system)


# (text, the word left not understood)
NOT_READ: list[tuple[str, str]] = [
    # a count other than the set's own: "more than 3" is 4, but "> 3/11" is not read
    ("SLE with > 3/11 ACR criteria", "3/11"),
    # a date is not a count
    ("SLE meeting ACR criteria on 4/11/2019", "4/11/2019"),
    # the Sydney criteria classify APS, not lupus
    ("SLE according to the Sydney criteria", "Sydney"),
    # Bohan and Peter classify myositis, not systemic sclerosis
    ("Systemic sclerosis per Bohan and Peter", "Bohan"),
    # ILAR classifies juvenile arthritis, not SLE
    ("SLE according to the ILAR criteria", "ILAR"),
    # a bracket that shortens nothing before it
    ("Systemic sclerosis (QRX)", "QRX"),
]


@pytest.mark.parametrize(("text", "word"), NOT_READ)
def test_a_citation_or_bracket_that_does_not_fit_the_diagnosis_stays_manual(
    text: str, word: str
) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert criterion.kind == "manual"
    assert word.split("/")[0] in (criterion.manual_reason or "")


def test_meeting_sles_criteria_beside_another_disease_is_no_lupus_exclusion() -> None:
    """ "Other autoimmune diseases diagnosed by ACR classification criteria": the words
    "ACR classification criteria" (a term of meeting SLE's criteria) cite the other
    diseases' criteria; an exclusion of SLE there would exclude the lupus trial's own
    patients."""
    criterion = parse_criterion(
        "Other autoimmune diseases diagnosed based on ACR classification criteria",
        "exclusion", about=LUPUS,
    )
    assert criterion.params["concepts"] == ["dx.autoimmune_other"]


# (text, concepts, judged)
SHORT_FORMS: list[tuple[str, list[str], list[str]]] = [
    ("Primary antiphospholipid syndrome (PAPS)", ["dx.aps"], ["primary"]),
    ("Polymyositis [PM]", ["dx.myositis"], []),
    ("Juvenile idiopathic arthritis (JIA) per ILAR", ["dx.jia"], []),
]


@pytest.mark.parametrize(("text", "concepts", "judged"), SHORT_FORMS)
def test_a_bracketed_short_form_of_the_diagnosis_restates_it(
    text: str, concepts: list[str], judged: list[str]
) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("diagnosis", None)
    assert criterion.params["concepts"] == concepts
    assert criterion.params.get("judged", []) == judged


# ------------------------------------------------------------------ clinic notes
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# The concepts these readings decide on must be found in notes too.
NOTES: list[tuple[str, str, list[str]]] = [
    ("Known juvenile idiopathic arthritis since age 7, on etanercept.", "dx.jia", ["affirmed"]),
    ("Oligoarticular JIA in remission.", "dx.jia", ["affirmed"]),
    ("Idiopathic inflammatory myopathy, anti-Jo-1 positive.", "dx.myositis", ["affirmed"]),
    ("No juvenile arthritis.", "dx.jia", ["negated"]),
    ("Primary SS diagnosed 2019, on pilocarpine.", "dx.sjogren", ["affirmed"]),
    ("Lupus secondary to medication (hydralazine), resolved.", "dx.drug_induced_lupus",
     ["affirmed"]),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), NOTES)
def test_a_note_sentence_yields_the_diagnosis(parser: NoteParser, text: str, concept: str,
                                              assertions: list[str]) -> None:  # fmt: skip
    assert _found(parser, text, concept) == assertions


# ------------------------------------------------------------------ the subject an item opens with
def _read(inclusion: str) -> list[tuple[str, dict[str, Any]]]:
    text = f"Inclusion Criteria:\n  -  {inclusion}\nExclusion Criteria:\n  -  Pregnancy\n"
    return [(c.kind, {k: v for k, v in c.params.items() if k in ("min_years", "max_years",
                                                                   "concepts")})
            for c in parse_eligibility_text(text, LUPUS) if c.type == "inclusion"]


# (inclusion item, its criteria: kind and the params that say what it needs)
SUBJECTS: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("Adults with systemic sclerosis",
     [("age", {"min_years": 18, "max_years": None}),
      ("diagnosis", {"concepts": ["dx.systemic_sclerosis"]})]),
    ("Adult men and women diagnosed with Sjögren's syndrome",
     [("age", {"min_years": 18, "max_years": None}), ("diagnosis", {"concepts": ["dx.sjogren"]})]),
    ("Adult subjects", [("age", {"min_years": 18, "max_years": None})]),
    # both sexes restrict nothing
    ("Male or female subjects with lupus nephritis",
     [("diagnosis", {"concepts": ["dx.lupus_nephritis"]})]),
    ("Women and men who have been diagnosed with antiphospholipid syndrome",
     [("diagnosis", {"concepts": ["dx.aps"]})]),
    # an age given to the subject, then "diagnosed with"
    ("Patients aged 18 to 70 years diagnosed with systemic sclerosis",
     [("age", {"min_years": 18, "max_years": 70}),
      ("diagnosis", {"concepts": ["dx.systemic_sclerosis"]})]),
    ("Subjects at least 16 years old (both sexes) diagnosed with rheumatoid arthritis "
     "according to the 2010 ACR/EULAR criteria",
     [("age", {"min_years": 16, "max_years": None}),
      ("diagnosis", {"concepts": ["dx.rheumatoid_arthritis"]})]),
    # an age group stays with its limits
    ("Children aged 6-17 with juvenile idiopathic arthritis",
     [("age", {"min_years": 6, "max_years": 17}), ("diagnosis", {"concepts": ["dx.jia"]})]),
]


@pytest.mark.parametrize(("item", "expected"), SUBJECTS)
def test_the_subject_an_inclusion_opens_with_gives_its_age_and_leaves_the_diagnosis(
    item: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    assert _read(item) == expected


def test_a_subject_before_words_not_understood_leaves_the_rest_manual() -> None:
    """ "Adults with a condition of interest" is age ≥ 18 and a condition the notes cannot
    name: an inclusion's parts are all required, so the age decides its part and the rest
    is left to a person (never dropped)."""
    assert [kind for kind, _ in _read("Adults with a condition of interest")] == ["age", "manual"]


# ------------------------------------------------------------------ how the diagnosis was made
# (text, type, concepts, judged): "clinical or pathological" asks for no biopsy;
# "histological", "clinical and pathological" do.
CONFIRMED: list[tuple[str, str, list[str], list[str]]] = [
    ("Clinical or pathological diagnosis of dermatomyositis", "inclusion", ["dx.myositis"], []),
    ("Clinical and/or histologic diagnosis of systemic sclerosis", "inclusion",
     ["dx.systemic_sclerosis"], []),
    ("Pathologically or clinically established Sjögren's syndrome", "inclusion",
     ["dx.sjogren"], []),
    # (Lupus nephritis proven on tissue is a kidney-biopsy reading instead:
    # tests/test_criteria_numeric_forms.py.)
    ("Histological diagnosis of IgA nephropathy", "inclusion", ["dx.iga_nephropathy"],
     ["confirmed by biopsy or histology"]),
    ("Clinical and pathological diagnosis of polymyositis", "inclusion", ["dx.myositis"],
     ["confirmed by biopsy or histology"]),
    ("Histologically or cytologically confirmed malignancy", "exclusion", ["dx.malignancy"],
     ["confirmed by biopsy or histology"]),
    # drug-induced lupus as sponsors word it
    ("Lupus secondary to medications", "exclusion", ["dx.drug_induced_lupus"], []),
    ("SLE secondary to drugs", "exclusion", ["dx.drug_induced_lupus"], []),
]


@pytest.mark.parametrize(("text", "ctype", "concepts", "judged"), CONFIRMED)
def test_how_the_diagnosis_was_made_is_read(text: str, ctype: str, concepts: list[str],
                                            judged: list[str]) -> None:  # fmt: skip
    criterion = parse_criterion(text, ctype, about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("diagnosis", None)
    assert criterion.params["concepts"] == concepts
    assert criterion.params.get("judged", []) == judged


# (text, onset operator, onset age): the verbs that date a disease's onset
ONSET: list[tuple[str, str, float]] = [
    ("SLE arising before the age of 16 years", "<", 16.0),
    ("Juvenile dermatomyositis manifesting before the age of 16", "<", 16.0),
    ("Lupus nephritis that developed before age 18", "<", 18.0),
]


@pytest.mark.parametrize(("text", "op", "years"), ONSET)
def test_a_verb_of_onset_dates_the_disease_not_the_patient(text: str, op: str,
                                                            years: float) -> None:  # fmt: skip
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("diagnosis_timing", None)
    assert (criterion.params["onset_op"], criterion.params["onset_age_years"]) == (op, years)


# ------------------------------------------------------------------ a heading naming the disease
def _children(heading: str) -> list[tuple[str, str | None]]:
    text = (f"Inclusion Criteria:\n* {heading}\n  * Meets the 1997 ACR criteria for SLE\n"
            "  * 24-hour urine protein ≥ 1 g/day\nExclusion Criteria:\n* Pregnancy\n")
    return [(c.kind, c.manual_reason) for c in parse_eligibility_text(text, LUPUS)
            if c.type == "inclusion"]


@pytest.mark.parametrize("heading", [
    "Active lupus nephritis:",
    "Confirmed diagnosis of lupus nephritis:",
    "Patients with active SLE:",
])
def test_a_heading_that_names_the_lupus_trials_disease_lets_its_items_be_read(
    heading: str,
) -> None:
    """The items under "Active lupus nephritis:" say what it means; each is required."""
    assert _children(heading) == [("diagnosis", None), ("lab", None)]


def test_a_heading_that_names_another_disease_stays_unaccounted() -> None:
    kinds = [kind for kind, _ in _children("Active tuberculosis:")]
    assert kinds == ["manual", "manual"]


# ------------------------------------------------------------------ mixed biopsy classes
@pytest.mark.parametrize(("text", "missing"), [
    ("Lupus nephritis class III, IV, V, III+IV or IV+V on biopsy", "III+V"),
    ("Renal biopsy showing class IV, V or III+V lupus nephritis", "IV+V"),
])
def test_a_class_list_that_spells_out_its_mixes_but_not_all_stays_manual(
    text: str, missing: str
) -> None:
    """A reading of "III, IV or V" would accept the mix the list leaves out."""
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert criterion.kind == "manual"
    assert missing in (criterion.manual_reason or "")


def test_a_class_list_with_every_mix_of_v_is_read() -> None:
    criterion = parse_criterion("Lupus nephritis class III, IV, V, III+V or IV+V on biopsy",
                                "inclusion", about=LUPUS)
    assert criterion.kind == "biopsy"
    assert criterion.params["classes"] == ["III", "IV", "V"]


@pytest.mark.parametrize("text", ["Boys and girls aged 5 to 17 years",
                                  "Man or woman aged from 15 to 60 years old"])
def test_both_sexes_named_beside_an_age_restrict_nothing(text: str) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("age", None)
