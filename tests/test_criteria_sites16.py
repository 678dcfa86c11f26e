"""Surgery at a named body site (issue 12, round 16).

Counted in the 1,500 breadth texts: about 30 items name surgery at a site ("Previous
major abdominal surgery", "Knee surgery", "History of lower extremity or spine surgery",
"Previous thoracic or abdominal surgery") and were left manual because the site was not
understood. Notes record an operation and often not where it was done, so the site is a
qualifier a person judges, as radiotherapy's site is (matcher.criteria.sites): a
documented surgery is left to a person with the site named (none documented stays
unknown, as for any surgery: notes name the operation more often than the word). Sites
joined by "or", "and" or commas are one qualifier ("done on the hip or knee region"). A
planned surgery stays manual (tests/test_criteria_plans16.py).

The sentences are written here in the ways sponsors word them; none is copied from a
registry record.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.sites import check_sites_concepts, read_sites
from matcher.errors import VocabularyError
from matcher.model import Status
from matcher.nlp.vocab import Vocabulary, load_vocabulary
from tests.test_criteria_vocabulary import _mention, _status

ABOUT = ["An analgesic for adults with chronic low back pain"]

# (item in a sponsor's words, the site qualifier the reading keeps, window in days)
SITED = [
    ("Previous major abdominal surgery", "done on the abdominal region", None),
    ("Knee surgery", "done on the knee region", None),
    ("History of hip or knee surgery", "done on the hip or knee region", None),
    ("Surgery of the hip, knee or ankle", "done on the hip, knee or ankle region", None),
    ("Shoulder surgery within the past year", "done on the shoulder region", 365),
    ("Prior gastric surgery", "done on the gastric region", None),
    ("Previous surgery on the prostate", "done on the prostate region", None),
    ("Thoracic surgery in the last 6 months", "done on the thoracic region", 183),
]


@pytest.mark.parametrize(("text", "site", "window"), SITED, ids=[s[0] for s in SITED])
def test_surgery_at_a_named_site_keeps_the_site_for_a_person(text, site, window):
    criterion = parse_criterion(text, "exclusion", about=ABOUT)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["proc.surgery"]
    assert site in criterion.params["judged"]
    assert criterion.params.get("window_days") == window


def test_radiotherapy_keeps_its_own_wording_of_the_site():
    criterion = parse_criterion("Pelvic or abdominal radiotherapy", "exclusion", about=ABOUT)
    assert criterion.params["judged"] == ["given to the pelvic or abdominal region"]


# Items the site reading must not decide.
STAY_MANUAL = [
    ("exclusion", "Previous brain tumour surgery"),  # the tumour, not the brain, is named
    ("exclusion", "Surgery of the sampling site"),  # where is that?
    ("inclusion", "Planned knee surgery"),  # a plan
    ("inclusion", "Patients scheduled for hip surgery"),
]


@pytest.mark.parametrize(("ctype", "text"), STAY_MANUAL, ids=[s[1] for s in STAY_MANUAL])
def test_an_item_the_site_reading_does_not_cover_stays_manual(ctype, text):
    assert parse_criterion(text, ctype, about=ABOUT).kind == "manual"


KNEE = "Knee surgery within the past year"


@pytest.mark.parametrize(("findings", "status"), [
    ([_mention("proc.surgery", dt.date(2026, 5, 1))], Status.MANUAL),  # where? a person
    # Before the window, none in it: notes name the operation more often than the word
    # surgery (the concept's absence_unknown), so that none is named decides nothing.
    ([_mention("proc.surgery", dt.date(2024, 5, 1))], Status.UNKNOWN),
])
def test_a_documented_surgery_is_left_to_a_person_and_none_in_the_window_is_unknown(
        findings, status):  # fmt: skip
    criterion = parse_criterion(KNEE, "exclusion", about=ABOUT)
    assert _status(criterion, *findings) == status


_SITE_DATA = '{"version": 1, "sites": ["knee"], "before": ["of"], "region_nouns": ["area"]'


@pytest.mark.parametrize("procedures", [
    '["proc.surgery"]',  # no reading
    '{"proc.surgery": "done on the knee"}',  # the reading names no site
    '{"proc.surgery": 1}',
])
def test_bad_procedure_site_readings_are_refused_naming_the_field(procedures):
    with pytest.raises(VocabularyError) as raised:
        read_sites(f'{_SITE_DATA}, "procedures": {procedures}}}', "sites.json")
    assert raised.value.field == "procedures"


def test_site_data_naming_a_procedure_the_vocabulary_lacks_is_refused():
    vocabulary = load_vocabulary()
    lacking = Vocabulary(c for c in vocabulary.concepts.values() if c.id != "proc.major_surgery")
    with pytest.raises(VocabularyError) as raised:
        check_sites_concepts(lacking)
    assert raised.value.field == "procedures"
    check_sites_concepts(vocabulary)  # the packaged vocabulary has them all
