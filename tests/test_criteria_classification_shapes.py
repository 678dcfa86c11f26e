"""Classification-criteria phrases in the shapes sponsors write them (issue 12).

A diagnosis cited by its published classification criteria reads as the diagnosis, for
every disease the data knows (matcher/criteria/data/classification_systems.json), in any
of these shapes: a year before or after the body, in brackets or hyphenated ("SLICC-2012");
"revised", "modified", "guidelines"; an abbreviation with its name in brackets; a joint set
named by one of its bodies with its year ("2013 ACR criteria" for systemic sclerosis) or
with a body added ("2012 SLICC/ACR"); reference numbers; a count stated before the body
("at least 4 ACR criteria"); "fulfilled at the time of screening"; and an edition year the
data does not list, read as written. An inclusion that names no disease but a citation
that fits only one reads as that disease; one that fits several reads as SLE only in a
lupus trial. The sentences are written here the way sponsors word them; none is copied
from a registry record.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.citation import implied_conditions, read_systems
from matcher.criteria.grammar import criteria_data_text
from matcher.errors import VocabularyError
from matcher.nlp.vocab import load_vocabulary

LUPUS = ["lupus nephritis"]

# (text, type, concepts, system label)
CITED: list[tuple[str, str, list[str], str]] = [
    # an edition year the data does not list: the notes cannot check it either
    ("Meets the ACR classification criteria (2005) for systemic lupus erythematosus",
     "inclusion", ["dx.sle"], "ACR 2005"),
    # "modified" and "revised" beside the body
    ("Fulfils 4 of the 11 modified ACR revised criteria for the classification of SLE",
     "inclusion", ["dx.sle"], "ACR"),
    ("Diagnosis of SLE per the ACR revised diagnostic guidelines", "inclusion", ["dx.sle"],
     "ACR"),
    # a body added to a set's own, with its year; a hyphenated year
    ("Lupus meeting ≥ 4 of the 1997 ACR or the 2012 SLICC/ACR criteria", "inclusion",
     ["dx.sle"], "ACR 1997"),
    ("SLE diagnosed according to SLICC-2012 classification criteria", "inclusion", ["dx.sle"],
     "SLICC 2012"),
    # a joint set named by one of its bodies and its year
    ("Systemic sclerosis meeting the 2013 ACR classification criteria", "inclusion",
     ["dx.systemic_sclerosis"], "2013 ACR/EULAR"),
    ("Sjögren's syndrome per the 2016 EULAR classification criteria", "inclusion",
     ["dx.sjogren"], "2016 ACR/EULAR"),
    # an abbreviation with its name in brackets; the older name's abbreviation
    ("SLE according to the 2019 EULAR (European League Against Rheumatism)/ACR (American "
     "College of Rheumatology) classification criteria", "inclusion", ["dx.sle"],
     "2019 EULAR/ACR"),
    ("Systemic lupus erythematosus by ARA criteria", "inclusion", ["dx.sle"], "ACR"),
    # reference numbers after the body and after the disease
    ("Lupus per the 1997 ACR criteria (12) or the SLICC criteria for SLE (13)", "inclusion",
     ["dx.sle"], "ACR 1997"),
    # fulfilled by the time of screening: a diagnosis documented before then stands for it
    ("SLE that fulfilled the 2019 EULAR/ACR criteria at the time of screening", "inclusion",
     ["dx.sle"], "2019 EULAR/ACR"),
    # psychiatric diagnoses by the DSM, any edition
    ("Psychiatric illness according to DSM-5 criteria", "exclusion", ["dx.psychiatric"], "DSM"),
    ("Substance abuse (DSM-IV-TR criteria)", "exclusion", ["dx.substance_abuse"], "DSM"),
    ("Psychotic disorder per DSM-5 criteria", "exclusion", ["dx.psychosis"], "DSM"),
]


@pytest.mark.parametrize(("text", "ctype", "concepts", "system"), CITED)
def test_a_classification_phrase_in_any_shape_reads_as_the_diagnosis(
    text: str, ctype: str, concepts: list[str], system: str
) -> None:
    criterion = parse_criterion(text, ctype, about=LUPUS)
    assert (criterion.kind, criterion.manual_reason) == ("diagnosis", None)
    assert criterion.params["concepts"] == concepts
    assert criterion.params["system"] == system


# (text, about, concepts): the disease named by its classification criteria alone.
IMPLIED: list[tuple[str, list[str], list[str]]] = [
    # 4 of 11: only SLE's sets count so
    ("Fulfils 4 of the 11 American College of Rheumatology criteria", [], ["dx.sle"]),
    ("Meets the SLICC classification criteria", [], ["dx.sle"]),
    ("Fulfilled the 2019 EULAR/ACR classification criteria", [], ["dx.sle"]),
    # "at least 4 ACR criteria" fits SLE's 4 of 11 and rheumatoid arthritis' 4 of 7: a
    # lupus trial's is SLE
    ("Fulfils at least 4 ACR classification criteria", LUPUS, ["dx.sle"]),
    ("Meets ACR criteria", LUPUS, ["dx.sle"]),
]


@pytest.mark.parametrize(("text", "about", "concepts"), IMPLIED)
def test_a_citation_that_names_no_disease_reads_as_the_one_it_classifies(
    text: str, about: list[str], concepts: list[str]
) -> None:
    criterion = parse_criterion(text, "inclusion", about=about)
    assert (criterion.kind, criterion.manual_reason) == ("diagnosis", None)
    assert criterion.params["concepts"] == concepts


# (text, type, about): still manual (or no diagnosis).
NOT_READ: list[tuple[str, str, list[str]]] = [
    # fits SLE and rheumatoid arthritis, and the trial is about neither
    ("Fulfils at least 4 ACR classification criteria", "inclusion", []),
    # 2013 is an ACR edition for systemic sclerosis, not SLE
    ("SLE per the 2013 ACR criteria", "inclusion", LUPUS),
    # the manual's full name holds "mental disorders": spelt out, it is not read (an
    # exclusion of a psychotic disorder would widen to any psychiatric illness)
    ("Psychotic disorder per the Diagnostic and Statistical Manual of Mental Disorders",
     "exclusion", []),
    # a disease the manual's name does not widen: major depression is not any illness
    ("Major depressive disorder according to the Diagnostic and Statistical Manual of Mental "
     "Disorders (DSM-5)", "inclusion", []),
    # an exclusion that names no disease is not given one
    ("Fulfils 4 of the 11 ACR criteria", "exclusion", LUPUS),
]


@pytest.mark.parametrize(("text", "ctype", "about"), NOT_READ)
def test_a_citation_that_does_not_say_which_disease_stays_manual(
    text: str, ctype: str, about: list[str]
) -> None:
    criterion = parse_criterion(text, ctype, about=about)
    assert criterion.kind == "manual"


def test_a_drug_abbreviation_like_a_body_is_no_citation() -> None:
    # "ARA-C" is cytarabine, "ACR-50" a response criterion
    assert implied_conditions("Treatment with ARA-C", load_vocabulary()) == []
    assert implied_conditions("ACR-50 response at week 24", load_vocabulary()) == []
    assert implied_conditions("Meets ARA criteria", load_vocabulary()) != []


def test_a_classification_file_without_by_entry_phrases_names_the_field() -> None:
    data: dict[str, Any] = json.loads(criteria_data_text("classification_systems.json"))
    data["by_entry"] = []
    with pytest.raises(VocabularyError) as caught:
        read_systems(json.dumps(data), load_vocabulary())
    assert "by_entry" in str(caught.value)
