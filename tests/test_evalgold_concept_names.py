"""A gold key may name the criterion's concept rather than its key (issue 15, hold-out 9):
the reader split "History of solid organ or haematopoietic stem cell transplantation" into
x_tx and x_hsct and named the malignancy item x_cancer; gold's "x_malig" then took x_hsct
by registry order, so a patient with a past lymphoma scored "not_met" and one with a
transplant "met" on malignancy, though the trial's reading was right for both."""

from __future__ import annotations

import pytest

from matcher.model import Criterion
from matcher.tools.evalgold import align_keys


def _dx(cid: str, key: str, concept: str | None) -> Criterion:
    params = {"concepts": [concept]} if concept else {}
    return Criterion(id=cid, key=key, type="exclusion", text=key,
                     kind="diagnosis" if concept else "manual", params=params)


SPLIT = [_dx("exc-1", "x_rtx", None), _dx("exc-2", "x_tx", "dx.transplant"),
         _dx("exc-3", "x_hsct", "dx.hsct"), _dx("exc-4", "x_cancer", "dx.malignancy"),
         _dx("exc-5", "x_hep", "dx.hepatitis_b"), _dx("exc-6", "x_hep_2", "dx.hepatitis_c")]


@pytest.mark.parametrize(("gold_keys", "expected"), [
    (["x_rtx", "x_tx", "x_malig"], {"x_rtx": "exc-1", "x_tx": "exc-2", "x_malig": "exc-4"}),
    (["x_tx", "x_malignancy"], {"x_tx": "exc-2", "x_malignancy": "exc-4"}),
    (["x_transplant", "x_cancer"], {"x_transplant": "exc-2", "x_cancer": "exc-4"}),
    # two concepts start with "hepat": neither is chosen by name, order decides
    (["x_tx", "x_hsct", "x_malig", "x_hepat"],
     {"x_tx": "exc-2", "x_hsct": "exc-3", "x_malig": "exc-4", "x_hepat": "exc-5"}),
])
def test_a_gold_key_may_name_the_criterions_concept(
    gold_keys: list[str], expected: dict[str, str]
) -> None:
    mapping = align_keys(SPLIT, gold_keys)
    assert {key: criterion.id for key, criterion in mapping.items()} == expected


# Hold-out 20's trial: "known active tuberculosis, HIV, hepatitis B or C" split off the
# infection item, "Pregnant or breastfeeding, or planning to become pregnant" read as three
# criteria, and the investigator's-judgement item read as x_manual. By registry order alone,
# gold's x_preg took x_tb and x_investigator took x_hiv.
def _item(cid: str, key: str, text: str) -> Criterion:
    return Criterion(id=cid, key=key, type="exclusion", text=text, kind="manual", params={})


SPLIT_ITEMS = [
    _item("exc-4", "x_infection", "Active infection requiring IV antimicrobials"),
    _item("exc-5", "x_tb", "known active tuberculosis"), _item("exc-6", "x_hiv", "HIV"),
    _item("exc-9", "x_pregnancy", "Pregnant"), _item("exc-10", "x_pregnancy_2", "breastfeeding"),
    _item("exc-11", "x_pregnancy_3", "planning to become pregnant during the study"),
    _item("exc-12", "x_manual", "Any other condition that, in the opinion of the investigator, "
          "would place the participant at risk"),
]


@pytest.mark.parametrize(("gold_keys", "expected"), [
    (["x_infection", "x_preg", "x_investigator"],
     {"x_infection": "exc-4", "x_preg": "exc-9", "x_investigator": "exc-12"}),
    # a key no text or name answers keeps registry order
    (["x_infection", "x_other"], {"x_infection": "exc-4", "x_other": "exc-5"}),
])
def test_a_gold_key_takes_the_first_of_its_items_split_criteria_or_the_item_naming_it(
    gold_keys: list[str], expected: dict[str, str]
) -> None:
    mapping = align_keys(SPLIT_ITEMS, gold_keys)
    assert {key: criterion.id for key, criterion in mapping.items()} == expected


def _part(cid: str, key: str, trace: tuple[str, ...]) -> Criterion:
    return Criterion(id=cid, key=key, type="exclusion", text=key, kind="pregnancy",
                     params={}, trace=trace)


def test_an_items_split_alternatives_are_found_for_the_first_part_only() -> None:
    from matcher.tools.evalgold import _split_alternatives

    any_of = ("section:exclusion", "compound:any-of")
    criteria = [_part("exc-1", "x_tb", ("section:exclusion",)),
                _part("exc-2", "x_pregnancy", any_of), _part("exc-3", "x_pregnancy_2", any_of),
                _part("exc-4", "x_pregnancy_3", any_of),
                # a later item of the same name, read on its own, is not a part
                _part("exc-5", "x_pregnancy_4", ("section:exclusion",))]
    found = _split_alternatives(criteria)
    assert {k: [c.id for c in v] for k, v in found.items()} == {"exc-2": ["exc-3", "exc-4"]}
