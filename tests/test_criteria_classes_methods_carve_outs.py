"""Four readings of exclusion and lab wordings that registries share, and what is left to a
person around them.

- A drug class written once under two modifiers ("B-cell depleting or CD19/CD20-directed
  therapy"): the first modifier with the class noun is a class of its own, so the members of
  both are listed. CD19-directed agents (anti-CD19 antibodies, CD19 CAR-T cells) are a class.
- "Known HIV infection or positive HBsAg": what the records know of the child, a history
  exclusion: the latest result of any date decides, and none documented is not met ("not
  documented", GUIDELINE.md), where a test asked for at screening stays a test.
- A lab item restricting its method ("UPCR ... (spot urine; dipstick not acceptable)"): when
  it refuses only measurements the notes record as something else, the ratio is read as is.
- An infection exclusion defined by its treatment with an "including <infection>" list and a
  "(<condition> ... is permitted)" carve-out: the named infection affirmed in the lookback is
  met; the permitted condition documented is neither met nor sent to a person.

Sentences are written here in the shapes sponsors use, not copied from a trial.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
RECENT = dt.date(2026, 11, 2)

ANTI_CD20 = {"drug.rituximab", "drug.obinutuzumab", "drug.ocrelizumab", "drug.ofatumumab"}
ANTI_CD19 = {"drug.blinatumomab", "drug.inebilizumab", "drug.tafasitamab",
             "drug.loncastuximab", "drug.cd19_car_t"}


def _finding(concept: str, *, category: str = "diagnosis", date: dt.date = RECENT,
             note: str = "n1", assertion: Assertion = Assertion.AFFIRMED,
             **attrs: object) -> Finding:  # fmt: skip
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text="text", assertion=assertion, value=None, unit=None, date=date,
                   date_source="text", attrs=dict(attrs))


def _judged(criterion: Criterion, *findings: Finding,
            notes: dict[str, dt.date] | None = None) -> tuple[Status, str]:  # fmt: skip
    dates = dict(notes or {})
    for f in findings:
        dates.setdefault(f.note_id, f.date or AS_OF)
    result = evaluate(criterion, build_timeline(Patient("P1", None), list(findings), dates,
                                                AS_OF))  # fmt: skip
    return result.status, result.reason


# ------------------------------------------------------------------ shared class noun
@pytest.mark.parametrize(("text", "wanted"), [
    ("Prior rituximab or any other B-cell depleting or CD19/CD20-directed therapy within "
     "6 months", ANTI_CD20 | ANTI_CD19),
    ("Any B-cell depleting, or anti-CD19 therapy in the past year", ANTI_CD20 | ANTI_CD19),
    ("Received obinutuzumab, or another B-cell depleting or CD19- or CD20-targeted agent "
     "within 12 months", ANTI_CD20 | ANTI_CD19),
    ("Anti-CD19 or anti-CD20 antibodies within 26 weeks", ANTI_CD20 | ANTI_CD19),
    ("Prior anti-CD19 therapy within 6 months", ANTI_CD19),
    ("CD19-directed CAR-T cells at any time", {"drug.cd19_car_t"}),
])
def test_a_class_noun_shared_by_two_modifiers_lists_both_classes(text, wanted):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert wanted <= set(criterion.params["drugs"])


@pytest.mark.parametrize("text", [
    "Experimental or anti-CD20 therapy within 6 months",  # no class "experimental therapy"
    "B-cell depleting or investigational CD20-directed therapy within 6 months",
])
def test_a_modifier_that_names_no_class_leaves_the_item_to_a_person(text):
    assert parse_criterion(text, "exclusion").kind == "manual"


@pytest.mark.parametrize(("text", "wanted"), [
    ("Rituximab or any other anti-CD20 or anti-CD19 B-cell depleting therapy in the last "
     "6 months", ANTI_CD20 | ANTI_CD19),
    ("Prior anti-CD20, or anti-CD19 B-cell depleting agents within 24 weeks",
     ANTI_CD20 | ANTI_CD19),
])
def test_a_second_coordinated_modifier_before_a_class_term_names_its_own_class(text, wanted):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert wanted <= set(criterion.params["drugs"])


@pytest.mark.parametrize("text", [
    "Anti-CD19 B-cell depleting therapy within 6 months",  # no coordination: may restrict
    "Experimental or anti-CD19 B-cell depleting therapy within 6 months",  # first not a class
    "Anti-CD20 or investigational B-cell depleting therapy within 6 months",
])
def test_an_uncoordinated_or_classless_modifier_before_a_class_stays_manual(text):
    assert parse_criterion(text, "exclusion").kind == "manual"


def test_route_words_before_one_class_are_not_read_as_a_shared_noun():
    criterion = parse_criterion("Oral or intravenous antibiotics within 14 days", "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("route")  # the routes stay a qualifier a person checks


# ------------------------------------------------------------------ known serology
@pytest.mark.parametrize("text", [
    "Known HIV infection or positive hepatitis B surface antigen",
    "Known HIV or HBsAg positive status",
    "Documented HIV infection or HBsAg positivity",
])
def test_a_known_infection_or_marker_is_a_history_exclusion(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "serology", criterion.manual_reason
    assert criterion.params["needs_result"] is False
    assert criterion.params["known"] is True


@pytest.mark.parametrize("text", [
    "Positive HBsAg at screening",
    "Known HIV infection or positive HBsAg test result",
    "Known history of hepatitis B or HIV infection",  # "history": ever, not the latest
    "HBsAg positive",
])
def test_a_test_asked_for_or_an_ever_wording_is_not_read_as_known(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "serology", criterion.manual_reason
    assert not criterion.params.get("known")


KNOWN = parse_criterion("Known HIV infection or positive hepatitis B surface antigen",
                        "exclusion")


def _hbsag(result: str, date: dt.date, note: str) -> Finding:
    return _finding("lab.hbsag", category="lab", date=date, note=note, result=result)


@pytest.mark.parametrize(("findings", "expected"), [
    ([], Status.NOT_MET),  # none documented: not documented, confirm at screening
    ([_hbsag("positive", dt.date(2025, 5, 5), "a")], Status.MET),  # older than the lookback
    ([_hbsag("negative", dt.date(2025, 3, 1), "a")], Status.NOT_MET),
    ([_hbsag("positive", dt.date(2024, 2, 1), "a"),
      _hbsag("negative", dt.date(2025, 9, 1), "b")], Status.NOT_MET),  # cleared since
    ([_finding("dx.hiv", date=dt.date(2023, 1, 10))], Status.MET),
])
def test_a_known_marker_is_decided_by_its_latest_result_of_any_date(findings, expected):
    status, reason = _judged(KNOWN, *findings)
    assert status is expected, reason
    if not findings:
        assert "not documented" in reason


# ------------------------------------------------------------------ lab method clauses
@pytest.mark.parametrize("text", [
    "UPCR ≥ 1.0 g/g at screening (quantitative laboratory measurement; urine dipstick or "
    "24-hour collection not acceptable)",
    "Urine protein/creatinine ratio ≥ 0.5 mg/mg (spot urine; dipstick not accepted)",
    "UPCR ≥ 100 mg/mmol on a first morning urine sample; dipstick results are not acceptable",
    "UPCR ≥ 1.0 g/g (dipsticks, test strips or timed collections are not acceptable)",
])
def test_a_method_clause_refusing_only_other_measures_keeps_the_ratio(text):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == ["lab.upcr"]
    assert criterion.params.get("below_manual") is None


@pytest.mark.parametrize("text", [
    "UPCR ≥ 1.0 g/g (spot urine not acceptable; 24-hour collection required)",
    "UPCR ≥ 1.0 g/g (24-hour collection acceptable)",
    "UPCR ≥ 1.0 g/g (dipstick acceptable)",
    "UPCR ≥ 1.0 g/g or 24-hour urine protein ≥ 1 g (dipstick not acceptable)",
    "ALT > 3 x ULN (dipstick not acceptable)",  # no method of this analyte in the data
])
def test_any_other_method_clause_leaves_the_item_to_a_person(text):
    assert parse_criterion(text, "inclusion").kind == "manual"


# ------------------------------------------------------------------ infection carve-outs
INFECTION_TB = ("Current infection needing systemic antibiotics at screening, including "
                "active tuberculosis (latent tuberculosis on isoniazid preventive therapy is "
                "permitted)")


@pytest.mark.parametrize(("text", "concepts", "excepted"), [
    (INFECTION_TB, ["dx.systemic_treated_infection", "dx.tuberculosis"], ["dx.latent_tb"]),
    ("Active infection requiring systemic antimicrobial treatment at the time of screening "
     "(latent TB on preventive therapy is allowed)",
     ["dx.systemic_treated_infection"], ["dx.latent_tb"]),
    ("Active infection requiring systemic anti-infectives at screening, including active "
     "tuberculosis", ["dx.systemic_treated_infection", "dx.tuberculosis"], []),
    ("Active infection requiring IV antibiotics at screening (latent TB or LTBI on "
     "prophylaxis are permitted)", ["dx.iv_treated_infection"], ["dx.latent_tb"]),
])
def test_an_including_list_and_a_permitted_carve_out_are_read(text, concepts, excepted):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert list(criterion.params.get("except_concepts", ())) == excepted


@pytest.mark.parametrize("text", [
    # a permitted condition with words of another kind: which latent TB is let through?
    "Active infection requiring systemic antibiotics at screening (latent tuberculosis on "
    "long-term steroids is permitted)",
    # "not acceptable" refuses: it is no carve-out
    "Active infection requiring systemic antibiotics at screening (latent tuberculosis is "
    "not acceptable)",
])
def test_a_carve_out_with_unread_words_leaves_the_item_to_a_person(text):
    assert parse_criterion(text, "exclusion").kind == "manual"


@pytest.mark.parametrize("text", [
    # "pneumonia" is any infection to the vocabulary; only some need IV treatment
    "Current infection requiring intravenous antibiotics at screening, such as pneumonia",
    "Active infection requiring systemic antibiotics at screening, including active "
    "tuberculosis or any malignancy",
])
def test_an_including_list_naming_no_particular_infection_is_not_added(text):
    criterion = parse_criterion(text, "exclusion")
    assert not criterion.params.get("included")


CARVED = parse_criterion(INFECTION_TB, "exclusion")


@pytest.mark.parametrize(("findings", "expected"), [
    ([_finding("dx.tuberculosis", date=dt.date(2026, 10, 22))], Status.MET),
    ([_finding("dx.latent_tb", date=dt.date(2026, 10, 22))], Status.NOT_MET),
    ([_finding("dx.tuberculosis", date=dt.date(2025, 1, 10), note="old"),
      _finding("dx.latent_tb", note="now")], Status.NOT_MET),
    ([_finding("drug.ceftriaxone", category="drug", route="intravenous")], Status.MET),
    ([_finding("dx.infection")], Status.MANUAL),  # an infection with no course: a person
])
def test_a_carved_out_condition_neither_excludes_nor_needs_a_person(findings, expected):
    status, reason = _judged(CARVED, *findings)
    assert status is expected, reason


@pytest.mark.parametrize(("text", "field"), [
    ('{"version": 1, "refusals": ["not acceptable"], "analytes": {"lab.upcr": {"is": []}}}',
     "analytes.lab.upcr"),
    ('{"version": 1, "refusals": ["not acceptable"], "analytes": {"lab.upcr": '
     '{"is": ["spot urine"], "other_measures": ["dipstick", "Dipstick"]}}}',
     "analytes.lab.upcr.other_measures"),
    ('{"version": 1, "refusals": [], "analytes": {}}', "refusals"),
    ('{"version": 1, "analytes": {}}', "refusals"),
])
def test_a_bad_lab_methods_file_is_refused_naming_the_file_and_field(monkeypatch, text, field):
    from matcher.criteria import lab_methods
    from matcher.errors import VocabularyError

    monkeypatch.setattr(lab_methods, "criteria_data_text", lambda name: text)
    lab_methods.lab_method_grammar.cache_clear()
    try:
        with pytest.raises(VocabularyError) as raised:
            lab_methods.lab_method_grammar()
    finally:
        lab_methods.lab_method_grammar.cache_clear()
    assert "lab_methods.json" in str(raised.value)
    assert raised.value.field == field
