"""A policy reason holds only the words it is about (issue 12, REGISTRY.md mechanism 6).

Some readings name something a person checks at screening: contraception and pregnancy
tests, an allergy, informed consent, the investigator's judgement, a threshold the reader
cannot read, BILAG grades. When such words share an item with a finding the notes can
decide ("Pregnant or nursing women, or women of childbearing potential not using birth
control"), the policy reason keeps its own clause and the rest of the item is read on its
own; it never reaches back over a clause that qualifies the words before it, an object
those words may share, or a sentence that admits someone back. The sentences are written
here the way sponsors word them; none is copied from a registry record.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.criteria.allergy import STUDY_DRUG_REASON
from matcher.model import Criterion

HEAD = "Inclusion Criteria:\n- Age 18 years or older\n"


def _read(section: str, item: str) -> list[Criterion]:
    """The criteria of one item of `section` ("inclusion" / "exclusion")."""
    if section == "inclusion":
        text = f"Inclusion Criteria:\n- {item}\n"
    else:
        text = f"{HEAD}Exclusion Criteria:\n- {item}\n"
    criteria = parse_eligibility_text(text)
    return criteria if section == "inclusion" else criteria[1:]


def _computed(criteria: list[Criterion]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(type, kind, what it is about) of each computed criterion."""
    out = []
    for c in criteria:
        if c.manual_reason is not None:
            continue
        about = c.params.get("concepts") or c.params.get("states") or ()
        if c.kind == "age":
            about = (str(c.params.get("min_years")), str(c.params.get("max_years")))
        out.append((c.type, c.kind, tuple(about)))
    return sorted(out)


# (section, item, computed criteria, the policy reason that stays manual)
SPLIT: list[tuple[str, str, list[tuple[str, str, tuple[str, ...]]], str]] = [
    # the contraception clause after the current state, its exceptions its own: being
    # post-menopausal, sterile or on birth control says who must use contraception, and
    # cannot excuse a current pregnancy or lactation
    ("exclusion", "Pregnant or lactating women, or women of childbearing potential unless "
                  "post-menopausal or surgically sterile",
     [("exclusion", "pregnancy", ("dx.lactation",)),
      ("exclusion", "pregnancy", ("dx.pregnancy",))],
     "pregnancy testing and contraception are checked at screening"),
    ("exclusion",
     "Pregnant or breastfeeding women, or women of child-bearing potential unless surgically "
     "sterile, post-menopausal or using a reliable method of birth control",
     [("exclusion", "pregnancy", ("dx.lactation",)),
      ("exclusion", "pregnancy", ("dx.pregnancy",))],
     "pregnancy testing and contraception are checked at screening"),
    ("exclusion", "Pregnancy, lactation or childbearing potential without adequate contraception",
     [("exclusion", "pregnancy", ("dx.lactation",)),
      ("exclusion", "pregnancy", ("dx.pregnancy",))],
     "pregnancy testing and contraception are checked at screening"),
    ("exclusion",
     "Women who are pregnant or of childbearing potential not using effective contraception",
     [("exclusion", "pregnancy", ("dx.pregnancy",))],
     "pregnancy testing and contraception are checked at screening"),
    # a sentence of its own
    ("exclusion", "Pregnancy or lactation. Women must agree to use birth control during the trial.",
     [("exclusion", "pregnancy", ("dx.lactation",)),
      ("exclusion", "pregnancy", ("dx.pregnancy",))],
     "pregnancy testing and contraception are checked at screening"),
    ("exclusion",
     "Patients with end-stage renal disease. Pregnant women. Patients who decline to sign the "
     "consent form.",
     [("exclusion", "diagnosis", ("dx.esrd",)), ("exclusion", "pregnancy", ("dx.pregnancy",))],
     "informed consent/assent and willingness to take part are confirmed at screening"),
    # an allergy clause after a comma stands alone
    ("exclusion", "History of malignancy, or known hypersensitivity to the study drug",
     [("exclusion", "diagnosis", ("dx.malignancy",))], STUDY_DRUG_REASON),
    # the investigator's judgement about "any other condition", after a finding
    ("exclusion",
     "Active tuberculosis, or any other condition that in the opinion of the investigator "
     "makes the patient unsuitable",
     [("exclusion", "diagnosis", ("dx.tuberculosis",))],
     "requires the investigator's judgement"),
    # a plan's window looks forward: the current pregnancy is read before it
    ("exclusion",
     "Patients who are pregnant or intend to become pregnant within 12 months of entry",
     [("exclusion", "pregnancy", ("dx.pregnancy",))],
     "a planned pregnancy or a pregnancy test is asked at screening, not read from notes"),
    # inclusions: each requirement read; the one a person checks stays manual
    ("inclusion", "Diagnosis of SLE and able to provide written informed consent",
     [("inclusion", "diagnosis", ("dx.sle",))],
     "informed consent/assent and willingness to take part are confirmed at screening"),
    ("inclusion", "Aged 18 to 70 years, willing to use contraception for the duration of the study",
     [("inclusion", "age", ("18", "70"))],
     "pregnancy testing and contraception are checked at screening"),
    ("inclusion", "SLE per ACR criteria and SLEDAI-2K > 6 or BILAG A or B in one organ",
     [("inclusion", "diagnosis", ("dx.sle",))],
     "BILAG organ-domain grades (A to E) are not read from notes; checked by a person"),
    # a threshold the reader cannot read hides the diagnosis beside it no longer
    ("inclusion", "Lupus nephritis with 24-hour proteinuria ≄ 0.5 g",
     [("inclusion", "diagnosis", ("dx.lupus_nephritis",))],
     "24-hour urine protein threshold not recognised"),
    ("exclusion", "Dialysis or serum creatinine reater than 3 mg/dL",
     [("exclusion", "diagnosis", ("proc.dialysis",))],
     "serum creatinine threshold not recognised"),
]


@pytest.mark.parametrize(("section", "item", "computed", "reason"), SPLIT)
def test_a_policy_reason_keeps_its_own_clause_and_the_rest_is_read(
    section: str, item: str, computed: list[tuple[str, str, tuple[str, ...]]], reason: str
) -> None:
    criteria = _read(section, item)
    assert _computed(criteria) == sorted(computed)
    policy = [c for c in criteria if c.manual_reason == reason]
    assert len(policy) == 1
    # the policy criterion holds the clause its reason is about, not the computed words
    assert all(c.text not in policy[0].text for c in criteria if c.manual_reason is None)


# Items whose policy words reach the words before them: nothing is computed.
WHOLE: list[tuple[str, str]] = [
    # (an allergy to named drugs is one allergy criterion: tests/test_criteria_allergy.py)
    # the judgement qualifies the finding before it
    ("exclusion", "Heart disease or other condition that, in the investigator's opinion, would "
     "interfere with the study"),
    ("exclusion", "Significant heart failure, as judged by the investigator"),
    ("exclusion", "Liver cirrhosis, in the investigator's opinion, of clinical significance"),
    ("exclusion", "Malignancy or another illness with a life expectancy below 2 years"),
    # a later sentence admits some patients back
    ("exclusion",
     "Malignancy within 5 years. Treated skin cancer may be included if the investigator "
     "judges it cured."),
    # an exception outside a contraception clause reaches the finding before it
    ("exclusion", "Malignancy, or known allergy to belimumab, except cured basal cell carcinoma"),
]


@pytest.mark.parametrize(("section", "item"), WHOLE)
def test_policy_words_that_reach_the_words_before_them_keep_the_item_whole(
    section: str, item: str
) -> None:
    criteria = _read(section, item)
    assert _computed(criteria) == []


# ---------------------------------------------------------- a trigger word too broad

# (section, item, the reason it must not get): a word that names something else.
NOT_THE_POLICY: list[tuple[str, str, str]] = [
    # an allergic disease, an allergen challenge or an allergist is no allergy to an agent
    ("exclusion", "Seasonal allergic rhinitis needing daily treatment",
     "allergies are checked at screening"),
    ("exclusion", "Hypersensitivity pneumonitis or other interstitial lung disease",
     "allergies are checked at screening"),
    ("inclusion", "Positive skin prick test to a grass allergen",
     "allergies are checked at screening"),
    ("inclusion", "Referred by an allergist or a dermatologist",
     "allergies are checked at screening"),
    # this study's own procedures are no other study
    ("inclusion", "Able to attend the clinic visits and other study procedures",
     "participation in other studies is checked at screening"),
    # a hypersensitivity to the study's product is an allergy
    ("exclusion", "Known hypersensitivity to the investigational product or its excipients",
     "participation in other studies is checked at screening"),
]


@pytest.mark.parametrize(("section", "item", "reason"), NOT_THE_POLICY)
def test_a_policy_trigger_word_does_not_fire_on_what_it_does_not_describe(
    section: str, item: str, reason: str
) -> None:
    assert [c.manual_reason for c in _read(section, item)] != [reason]


def test_a_purified_protein_derivative_is_no_urine_protein() -> None:
    # the tuberculin skin test ("PPD") names a protein, not the urine's
    criteria = _read("exclusion", "Purified protein derivative skin test induration > 10 mm")
    assert all("urine protein" not in (c.manual_reason or "") for c in criteria)
    assert all(c.kind != "lab" for c in criteria)
