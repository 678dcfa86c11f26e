"""An exclusion that only names an autoantibody ("Anti-Ro antibodies") excludes a positive
result (issue 12): the serology contract, a result needed. Any other word ("in pregnancy",
a level) or an inclusion naming it bare (it may ask for a level) stays with the other
readers."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion


@pytest.mark.parametrize(("text", "marker"), [
    ("Anti-Ro antibodies", "lab.anti_ro"),
    ("Anti-Ro antibodies.", "lab.anti_ro"),
    ("anti-PLA2R antibody", "lab.anti_pla2r"),
])
def test_an_exclusion_naming_only_an_autoantibody_excludes_a_positive_result(text, marker):
    c = parse_criterion(text, "exclusion")
    assert c.kind == "serology", c.manual_reason
    assert (c.params["markers"], c.params["result"], c.params["needs_result"]) == (
        [marker], "positive", True)


@pytest.mark.parametrize(("text", "section"), [
    ("Anti-dsDNA antibodies", "inclusion"),
    ("Anti-Ro antibodies in pregnancy", "exclusion"),
])
def test_a_bare_autoantibody_with_more_words_or_in_an_inclusion_is_not_a_result(text, section):
    assert parse_criterion(text, section).kind != "serology"


def test_a_level_stays_a_level():
    c = parse_criterion("Anti-dsDNA antibodies > 30 IU/mL", "exclusion")
    assert (c.kind, c.params.get("value")) == ("lab", 30.0)
