"""Conditions and exposures registry texts name that the shared vocabulary did not know,
each one that clinic notes record: radiotherapy (often with the body site it was given
to), chemotherapy, blood-product transfusion in a window, intraocular surgery,
graft-versus-host disease and cutaneous lupus (discoid, subacute cutaneous).

Counted in the 1,500 breadth texts: radiotherapy / irradiation in 88 items (about 60 left
"no computable concept recognised", 15 naming a site: head and neck, pelvis, thorax,
prostate, central nervous system), chemotherapy in 97 (46 with no concept recognised),
transfusion in 10, intraocular or ocular surgery in 10, GVHD in 6. Each family is tested
on both sides of the shared vocabulary: registry items in several sponsors' wordings are
read as the concept, a clinic-note sentence yields the finding with its assertion (a
negation is no finding of the condition), and the evaluator decides from those findings.
A site narrows the procedure and the notes seldom record it, so a documented radiotherapy
is left to a person; none documented decides. Cyclophosphamide given for lupus may or may
not be the "chemotherapy" an item means: documented, it is left to a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.errors import VocabularyError
from matcher.model import Assertion, Finding, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

# The note reader and evaluation helpers of the vocabulary tests of round 3.
from tests.test_criteria_vocabulary import _found, _mention, _status

# ------------------------------------------------------------------ registry items
# (section, item in a sponsor's words, concepts, params that must hold)
ITEMS: list[tuple[str, str, list[str], dict[str, Any]]] = [
    # radiotherapy, ever or in a window
    ("exclusion", "Prior radiotherapy", ["proc.radiotherapy"], {"temporality": "ever"}),
    ("exclusion", "Radiation therapy", ["proc.radiotherapy"], {}),
    ("exclusion", "Radiotherapy within 4 weeks before the first dose", ["proc.radiotherapy"],
     {"window_days": 28}),
    ("exclusion", "External beam radiotherapy in the last 6 months", ["proc.radiotherapy"],
     {"window_days": 183}),
    # a site before or after the term is a qualifier a person judges
    ("exclusion", "Previous radiation treatment of the head and neck", ["proc.radiotherapy"],
     {"judged": ["given to the head and neck region"]}),
    ("exclusion", "History of pelvic irradiation", ["proc.radiotherapy"],
     {"judged": ["given to the pelvic region"]}),
    ("exclusion", "Prior radiotherapy to the chest wall region", ["proc.radiotherapy"],
     {"judged": ["given to the chest wall region"]}),
    ("exclusion", "Thoracic radiotherapy within 6 months", ["proc.radiotherapy"],
     {"judged": ["given to the thoracic region"], "window_days": 183}),
    ("exclusion", "Prior radiotherapy to the central nervous system", ["proc.radiotherapy"],
     {"judged": ["given to the central nervous system region"]}),
    # chemotherapy: cyclophosphamide and chlorambucil given for lupus screen it
    ("exclusion", "Previous chemotherapy", ["proc.chemotherapy"],
     {"temporality": "ever", "screen_concepts": ["drug.cyclophosphamide", "drug.chlorambucil"]}),
    ("exclusion", "Prior chemotherapy within the last 5 years", ["proc.chemotherapy"],
     {"window_days": 1825}),
    ("exclusion", "History of chemotherapy or radiotherapy",
     ["proc.chemotherapy", "proc.radiotherapy"], {"temporality": "ever"}),
    # transfusion in a window
    ("exclusion", "Blood transfusion within 3 months prior to screening", ["proc.transfusion"],
     {"window_days": 91}),
    ("exclusion", "Red blood cell transfusion in the previous 8 weeks", ["proc.transfusion"],
     {"window_days": 56}),
    ("exclusion", "Transfusion of blood products during the past 6 months",
     ["proc.transfusion"], {"window_days": 183}),
    # intraocular surgery; "underwent" says it was done, as "undergone" does
    ("exclusion", "Patient who underwent previous intraocular surgery",
     ["proc.intraocular_surgery"], {"temporality": "ever"}),
    ("exclusion", "Intra-ocular surgery within the last 3 months", ["proc.intraocular_surgery"],
     {"window_days": 91}),
    ("exclusion", "Subjects who underwent splenectomy", ["proc.splenectomy"], {}),
    # graft-versus-host disease
    # named bare in an exclusion: the disease now (an older mention is for a person)
    ("exclusion", "Graft-versus-host disease", ["dx.gvhd"], {"temporality": "current"}),
    ("exclusion", "Known GVHD", ["dx.gvhd"], {}),
    ("exclusion", "History of graft vs host disease", ["dx.gvhd"], {"temporality": "ever"}),
    # cutaneous lupus is not SLE
    ("inclusion", "Diagnosis of discoid lupus erythematosus", ["dx.cutaneous_lupus"], {}),
    ("inclusion", "Subacute cutaneous lupus (SCLE)", ["dx.cutaneous_lupus"], {}),
    ("exclusion", "Chronic cutaneous lupus erythematosus", ["dx.cutaneous_lupus"], {}),
]


@pytest.mark.parametrize(("ctype", "text", "concepts", "extra"), ITEMS,
                         ids=[r[1] for r in ITEMS])
def test_a_registry_item_naming_the_condition_or_exposure_is_read_as_it(ctype, text, concepts,
                                                                       extra):
    criterion = parse_criterion(text, ctype)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.type == ctype
    assert criterion.params["concepts"] == concepts
    assert {k: criterion.params.get(k) for k in extra} == extra


# Words that look like the concept and are not it, or a site the data does not know.
NOT_READ = [
    # one kind of intraocular surgery is not all of them: a person reads it
    ("exclusion", "History of vitrectomy"),
    ("exclusion", "History of neoadjuvant chemotherapy"),
    ("exclusion", "Previous radiotherapy to the sampling site"),  # where is that?
    ("exclusion", "UV irradiation of the skin within 2 weeks"),  # phototherapy, not RT
    ("exclusion", "Transfusion-dependent anaemia"),
]


@pytest.mark.parametrize(("ctype", "text"), NOT_READ, ids=[r[1] for r in NOT_READ])
def test_an_item_the_new_concepts_do_not_mean_is_not_decided_as_them(ctype, text):
    criterion = parse_criterion(text, ctype)
    assert not {"proc.radiotherapy", "proc.transfusion", "proc.intraocular_surgery",
                "proc.chemotherapy"} & set(
        criterion.params.get("concepts", [])
    ) or criterion.kind == "manual"


NEW_CONCEPTS = ["proc.radiotherapy", "proc.transfusion", "dx.gvhd", "dx.cutaneous_lupus",
                "proc.intraocular_surgery", "proc.chemotherapy"]


def test_every_new_concept_has_a_standard_code_and_is_read_as_a_condition():
    vocab = load_vocabulary()
    # no code names intraocular surgery as a whole (SNOMED's is any eye-region procedure)
    assert [c for c in NEW_CONCEPTS if not vocab[c].code] == ["proc.intraocular_surgery"]
    assert [c for c in NEW_CONCEPTS if vocab[c].attrs.get("reader") != "condition"] == []
    # Discoid lupus alone is no SLE: it must not affirm the trial's own condition.
    assert "dx.sle" not in vocab["dx.cutaneous_lupus"].attrs.get("implies", ())


# ------------------------------------------------------------------ clinic notes
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# (note sentence in a clinician's words, concept, assertions expected for it)
NOTES: list[tuple[str, str, list[str]]] = [
    ("Left breast cancer 2015: lumpectomy and radiotherapy.", "proc.radiotherapy",
     ["affirmed"]),
    ("Completed radiation therapy to the neck in 2019.", "proc.radiotherapy", ["affirmed"]),
    ("Never had radiotherapy.", "proc.radiotherapy", ["negated"]),
    ("No prior irradiation.", "proc.radiotherapy", ["negated"]),
    ("Chest pain with radiation to the left arm.", "proc.radiotherapy", []),
    ("Radiation oncologist letter reviewed.", "proc.radiotherapy", []),
    ("Breast cancer 2012: lumpectomy, chemotherapy and radiotherapy.", "proc.chemotherapy",
     ["affirmed"]),
    ("Never received chemotherapy.", "proc.chemotherapy", ["negated"]),
    ("Chemo-naive.", "proc.chemotherapy", []),
    ("Chemotherapy-induced nausea in 2015.", "proc.chemotherapy", []),
    ("Received 2 units PRBC transfusion in August for Hb 62.", "proc.transfusion",
     ["affirmed"]),
    ("She was transfused during the admission.", "proc.transfusion", ["affirmed"]),
    ("No blood transfusions.", "proc.transfusion", ["negated"]),
    ("Discussed a transfusion threshold of Hb 70.", "proc.transfusion", []),
    ("Bilateral cataract surgery in 2021.", "proc.intraocular_surgery", ["affirmed"]),
    ("Left pars plana vitrectomy for retinal detachment, 2018.", "proc.intraocular_surgery",
     ["affirmed"]),
    ("No previous intraocular surgery.", "proc.intraocular_surgery", ["negated"]),
    ("Referred for cataract surgery.", "proc.intraocular_surgery", []),
    ("Chronic GVHD of the skin after allogeneic stem cell transplant.", "dx.gvhd",
     ["affirmed"]),
    ("No history of GVHD.", "dx.gvhd", ["negated"]),
    ("Discoid lupus erythematosus of the scalp since 2018.", "dx.cutaneous_lupus",
     ["affirmed"]),
    ("Discoid lupus erythematosus of the scalp since 2018.", "dx.sle", []),
    ("Subacute cutaneous lupus, photosensitive annular plaques.", "dx.cutaneous_lupus",
     ["affirmed"]),
    ("No discoid lesions; no DLE.", "dx.cutaneous_lupus", ["negated"]),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), NOTES,
                         ids=[f"{r[0]}-{r[1]}" for r in NOTES])
def test_a_note_sentence_yields_the_finding_with_its_assertion(parser, text, concept,
                                                              assertions):
    assert _found(parser, text, concept) == assertions


# ------------------------------------------------------------------ evaluation
RECENT, OLD = dt.date(2026, 10, 1), dt.date(2023, 3, 1)
RT = "Previous radiotherapy"
RT_SITE = "Previous radiotherapy to the head and neck"
TRANSFUSED = "Blood transfusion within 6 months"
CHEMO = "Previous chemotherapy"


def _drug(concept: str, date: dt.date) -> Finding:
    return replace(_mention(concept, date), category="drug")

EVALUATED = [
    (RT, [_mention("proc.radiotherapy", OLD)], Status.MET),
    (RT, [_mention("proc.radiotherapy", OLD, Assertion.NEGATED)], Status.NOT_MET),
    (RT, [], Status.NOT_MET),
    # a site the notes may not record: documented radiotherapy is for a person to place
    (RT_SITE, [_mention("proc.radiotherapy", OLD)], Status.MANUAL),
    (RT_SITE, [], Status.NOT_MET),
    # lupus nephritis treated with cyclophosphamide: whether that counts as chemotherapy
    # is for a person; neither documented decides
    (CHEMO, [_mention("proc.chemotherapy", OLD)], Status.MET),
    (CHEMO, [_drug("drug.cyclophosphamide", OLD)], Status.MANUAL),
    (CHEMO, [_drug("drug.mycophenolate", OLD)], Status.NOT_MET),
    (CHEMO, [], Status.NOT_MET),
    (TRANSFUSED, [_mention("proc.transfusion", RECENT)], Status.MET),
    (TRANSFUSED, [_mention("proc.transfusion", OLD)], Status.NOT_MET),
    (TRANSFUSED, [], Status.NOT_MET),
    ("Previous intraocular surgery", [_mention("proc.intraocular_surgery", OLD)], Status.MET),
    ("Previous intraocular surgery", [], Status.NOT_MET),
    # named bare, the disease now: one documented long ago may have resolved
    ("Graft-versus-host disease", [_mention("dx.gvhd", OLD)], Status.UNKNOWN),
    ("Graft-versus-host disease", [_mention("dx.gvhd", RECENT)], Status.MET),
    ("Graft-versus-host disease", [_mention("dx.gvhd", OLD, Assertion.NEGATED)],
     Status.NOT_MET),
    # discoid lupus alone is no SLE, and SLE alone no discoid lupus
    ("Discoid lupus erythematosus", [_mention("dx.sle", OLD)], Status.NOT_MET),
    ("Discoid lupus erythematosus", [_mention("dx.cutaneous_lupus", OLD)], Status.UNKNOWN),
    ("Discoid lupus erythematosus", [_mention("dx.cutaneous_lupus", RECENT)], Status.MET),
]


@pytest.mark.parametrize(("text", "findings", "expected"), EVALUATED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(EVALUATED)])
def test_an_exclusion_is_decided_from_the_findings(text, findings, expected):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, *findings) is expected


# ------------------------------------------------------------------ the site data
BAD_SITE_DATA = [
    ('{"version": 1, "sites": [], "before": ["to"], "region_nouns": ["area"]}', "sites"),
    ('{"version": 1, "sites": ["neck", "neck"], "before": ["to"], "region_nouns": ["area"]}',
     "sites"),
    ('{"version": 1, "sites": ["neck"], "before": ["to"]}', "region_nouns"),
    ('{"version": 2, "sites": ["neck"], "before": ["to"], "region_nouns": ["area"]}',
     "version"),
]


@pytest.mark.parametrize(("text", "field"), BAD_SITE_DATA, ids=[r[1] for r in BAD_SITE_DATA])
def test_bad_body_site_data_is_refused_naming_the_field(text, field):
    from matcher.criteria.sites import read_sites  # new here: the other tests run without it

    with pytest.raises(VocabularyError) as raised:
        read_sites(text, "sites.json")
    assert raised.value.field == field


# ------------------------------------------------------------------ hard-wrapped paragraphs
# A paragraph whose writer ends each item with ";" and wraps lines at a width: a line
# break inside an item is no end of it. Read alone, "chemotherapy;" became an exclusion
# of anyone ever given chemotherapy; a section heading after the break still opens its
# section.
WRAPPED = """Inclusion Criteria:
Adults with lupus nephritis; eGFR above 30 mL/min; Age should be
18-65 years
Exclusion Criteria:
Pregnancy; Patients who could not tolerate
chemotherapy; Active tuberculosis; Lactation
Other Criteria:
Prior radiotherapy
"""


def test_a_line_break_inside_a_semicolon_separated_item_does_not_end_it():
    from matcher.criteria import parse_eligibility_text

    read = {(c.type, c.text): c for c in parse_eligibility_text(WRAPPED)}
    assert ("exclusion", "chemotherapy") not in read
    joined = read[("exclusion", "Patients who could not tolerate chemotherapy")]
    assert joined.kind == "manual"
    age = read[("inclusion", "Age should be 18-65 years")]
    assert (age.params["min_years"], age.params["max_years"]) == (18, 65)
    assert read[("exclusion", "Active tuberculosis")].kind == "diagnosis"
