"""Drug classes under the names registries give them ("immunosuppressors" is the
immunosuppressant class, as in many translated protocols)."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion


@pytest.mark.parametrize(
    ("item", "same_as"),
    [
        ("Use of immunosuppressors", "Use of immunosuppressants"),
        ("Current treatment with immunosuppressors", "Current treatment with immunosuppressants"),
        ("Patients receiving an immunosuppressor", "Patients receiving an immunosuppressant"),
    ],
)
def test_a_class_named_by_its_synonym_is_read_as_that_class(item, same_as):
    criterion = parse_criterion(item, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    # the class stands for its members (mycophenolate, azathioprine, ...), as its usual name
    assert "drug.mycophenolate" in criterion.params["drugs"]
    assert criterion.params == parse_criterion(same_as, "exclusion").params
