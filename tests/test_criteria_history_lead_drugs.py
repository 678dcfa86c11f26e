"""A history lead reaches every drug of an exclusion list cut into pieces.

"Any previous exposure to belimumab, telitacicept, atacicept or another BLyS/APRIL-targeted
therapy": the item is not read whole (an agent the vocabulary lacks, a class it does not
name), so it is cut into one criterion per drug. A bare drug name in an exclusion reads
as current use ("Telitacicept" alone: taken now), but in this list it is the object of
"previous exposure to": exposure at any time. A piece the lead cannot be read with leaves
the whole item to a person. The items are written here in several sponsors' styles.
"""

from __future__ import annotations

import pytest

from matcher.criteria.reader import parse_eligibility_text
from matcher.model import Criterion


def _read(item: str) -> list[Criterion]:
    return list(parse_eligibility_text(f"Exclusion Criteria:\n* {item}\n"))


LISTS = [
    ("Any previous exposure to belimumab, telitacicept, atacicept or another "
     "BLyS/APRIL-targeted therapy", {"drug.belimumab", "drug.telitacicept"}),
    ("Previous use of belimumab, telitacicept, blisibimod or any investigational B-cell "
     "agent", {"drug.belimumab", "drug.telitacicept"}),
]


@pytest.mark.parametrize(("item", "drugs"), LISTS)
def test_every_drug_of_a_list_after_a_history_lead_is_exposure_ever(
    item: str, drugs: set[str]
) -> None:
    criteria = _read(item)
    read = {d: c for c in criteria if c.kind == "drug_exposure" for d in c.params["drugs"]}
    assert drugs <= set(read), [(c.kind, c.text, c.manual_reason) for c in criteria]
    for drug in drugs:
        params = read[drug].params
        assert params.get("window_days") is None and not params.get("current"), (drug, params)


def test_a_bare_drug_alone_is_still_current_use() -> None:
    """Without a lead the bare name keeps its reading: taken now."""
    criteria = _read("Telitacicept")
    assert [c.params.get("window_days") for c in criteria if c.kind == "drug_exposure"] == [90]


NEVER_CURRENT = [
    "Prior treatment with anifrolumab, belimumab, atacicept or other type I interferon or "
    "BLyS blockers",
    "Any previous exposure to belimumab, telitacicept, atacicept or another BLyS/APRIL-targeted "
    "therapy",
]


@pytest.mark.parametrize("item", NEVER_CURRENT)
def test_no_drug_after_a_history_lead_is_read_as_taken_now(item: str) -> None:
    assert not [c for c in _read(item) if c.kind == "drug_exposure" and c.params.get("current")]
