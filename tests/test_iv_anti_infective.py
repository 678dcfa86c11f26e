"""An infection treated with intravenous anti-infectives, as exclusions word it and as notes
record it.

"Active infection requiring intravenous anti-infective treatment within 4 weeks before
screening" asks for an infection episode with an IV antibiotic, antiviral or antifungal
course in the window. Notes seldom say it in those words; they write the course: "Inj.
ceftriaxone 75 mg/kg/day IV 08/11 to 14/11", "IV acyclovir for zoster". So:

- the criteria reader reads the item as its own computable form (a diagnosis of the
  IV-treated infection with the drug classes and route that prove it), whatever the
  sponsor's wording, and keeps "or active tuberculosis" as its own branch;
- the NLP records the route written with a drug (IV, i.v., intravenous, oral, PO, IM,
  SC; a dose form such as "Tab." says oral) and knows antivirals and antifungals;
- the evaluator decides from the timeline: an IV course of a listed class in the window is
  met; an infection or an anti-infective of unknown route in the window is left to a
  person with the reason; nothing of the kind with a note in the lookback is not met;
  no note in the lookback at all is unknown.

The sentences are written here in several styles, not copied from a trial or a note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

AS_OF = dt.date(2026, 11, 20)
NOTE_DATE = dt.date(2026, 11, 14)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# ------------------------------------------------------------------- the criteria reader
ALL = {"class.antibiotic", "class.antiviral", "class.antifungal"}
ANTIBIOTIC = {"class.antibiotic"}
IV, PARENTERAL = "intravenous", "parenteral"

# (item, window days, drug classes whose course proves it, route)
IV_TREATED_ITEMS = [
    ("Active infection requiring intravenous anti-infective treatment within 4 weeks before "
     "screening", 28, ALL, IV),
    ("Infection requiring intravenous antibiotics within 14 days prior to randomisation", 14,
     ANTIBIOTIC, IV),
    ("Any infection requiring IV anti-infective therapy within 30 days before enrolment", 30,
     ALL, IV),
    ("Infection requiring treatment with intravenous antibiotics, antivirals or antifungals "
     "within 2 weeks prior to screening", 14, ALL, IV),
    ("Active infection requiring IV antibiotic, antiviral or antifungal treatment within the "
     "last 4 weeks", 28, ALL, IV),
    ("Serious infection requiring parenteral anti-infectives within 8 weeks of day 1", 56,
     ALL, PARENTERAL),
    ("Infections requiring intravenous anti-infective agents within 28 days prior to "
     "screening", 28, ALL, IV),
    ("Active infection that required IV antimicrobial therapy within 6 weeks before the "
     "first dose", 42, ALL, IV),
    ("Infection treated with intravenous antibiotics within 4 weeks of screening", 28,
     ANTIBIOTIC, IV),
    ("Ongoing infection requiring intravenous antifungal or antiviral treatment within 3 "
     "weeks before screening", 21, {"class.antifungal", "class.antiviral"}, IV),
    ("Within 4 weeks before screening, any infection requiring i.v. antimicrobials", 28, ALL,
     IV),
]


@pytest.mark.parametrize(("text", "window", "classes", "route"), IV_TREATED_ITEMS)
def test_an_infection_requiring_iv_anti_infectives_is_read_as_a_treated_infection(
    text: str, window: int, classes: set[str], route: str
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["dx.iv_treated_infection"]
    assert criterion.params["window_days"] == window
    assert set(criterion.params["course_classes"]) == classes
    assert criterion.params["course_route"] == route


@pytest.mark.parametrize("text", [
    # No window: "active infection requiring IV antibiotics" is read by the other rules.
    "Any infection requiring intravenous antibiotics",
    # (Hospitalisation as the other branch is read too, as the serious infection with its
    # courses: tests/test_systemic_or_admitted_infection.py.)
    # Words the form does not account for stay unread (manual), never dropped.
    "Infection requiring intravenous antibiotics for more than 7 days within 4 weeks",
])
def test_other_infection_items_are_not_read_as_the_treated_form(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert "course_classes" not in criterion.params


def test_the_tuberculosis_branch_stays_its_own_criterion() -> None:
    from matcher.criteria.registry import read_registry_text, record_to_trial

    text = ("A study in lupus nephritis\n\nExclusion Criteria:\n\n• Active infection "
            "requiring intravenous anti-infective treatment within 4 weeks before screening, "
            "or active tuberculosis;\n\n• Pregnancy or breastfeeding.\n")
    criteria = record_to_trial(read_registry_text(text, "T-1.txt")).criteria
    kinds = {(c.kind, tuple(c.params.get("concepts", ()))) for c in criteria}
    assert ("diagnosis", ("dx.iv_treated_infection",)) in kinds
    assert ("diagnosis", ("dx.tuberculosis",)) in kinds


# ------------------------------------------------------------------- the NLP: routes
ROUTE_SENTENCES = [
    ("Inj. ceftriaxone 75 mg/kg/day IV 08/11/26 to 14/11/26.", "drug.ceftriaxone",
     "intravenous"),
    ("Started IV piperacillin-tazobactam on 10/11/2026 for febrile neutropenia.",
     "drug.piperacillin_tazobactam", "intravenous"),
    ("Meropenem 20 mg/kg i.v. q8h from 09/11/2026.", "drug.meropenem", "intravenous"),
    ("HSV encephalitis: acyclovir IV 10 mg/kg tds started 05/11/2026.", "drug.aciclovir",
     "intravenous"),
    ("Received intravenous liposomal amphotericin B 3 mg/kg/day from 02/11/2026.",
     "drug.amphotericin_b", "intravenous"),
    ("Oral cefuroxime 250 mg BD x 5 days from 14/11/2026.", "drug.cefuroxime", "oral"),
    ("Tab. fluconazole 100 mg OD started 03/11/2026.", "drug.fluconazole", "oral"),
    ("Amoxicillin 500 mg PO tds given 01/11/2026.", "drug.amoxicillin", "oral"),
    ("Ganciclovir 5 mg/kg intravenously twice daily from 06/11/2026 for CMV.",
     "drug.ganciclovir", "intravenous"),
    ("Vancomycin (IV) and cefotaxime (IV) from 07/11/2026.", "drug.cefotaxime",
     "intravenous"),
    ("Inj. amikacin 15 mg/kg IM once daily from 04/11/2026.", "drug.amikacin",
     "intramuscular"),
    # A class named with its route: "IV antibiotics" is a course given by vein.
    ("Pneumonia treated with IV antibiotics from 05/11/2026.", "class.antibiotic",
     "intravenous"),
    ("Completed 7 days of intravenous antivirals on 12/11/2026.", "class.antiviral",
     "intravenous"),
    ("UTI 10/11/2026 treated with oral antibiotics.", "class.antibiotic", "oral"),
    ("Started on IV pip-tazo 12/11/2026.", "drug.piperacillin_tazobactam", "intravenous"),
    # "Inj." alone is by vein or by muscle: it stays an injection, which a person checks.
    ("Febrile neutropenia: inj. meropenem 20 mg/kg 8 hourly from 03/11/2026.",
     "drug.meropenem", "injection"),
    # A route written without its stops ("sc" for "s.c.") is the same route; it once
    # raised KeyError and lost the whole note.
    ("Ceftriaxone 1 g sc once daily from 03/11/2026.", "drug.ceftriaxone", "subcutaneous"),
    ("Methotrexate 15 mg/m2 weekly; sc ceftriaxone 50 mg/kg from 03/11/2026.",
     "drug.ceftriaxone", "subcutaneous"),
]


@pytest.mark.parametrize(("sentence", "concept", "route"), ROUTE_SENTENCES)
def test_a_drug_keeps_the_route_written_with_it(parser, sentence, concept, route) -> None:
    found = [f for f in parser.parse(sentence, "n", NOTE_DATE) if f.concept == concept]
    assert found, f"{concept} not read"
    assert found[0].attrs.get("route") == route


NO_ROUTE_SENTENCES = [
    ("Ceftriaxone 1 g daily from 08/11/2026.", "drug.ceftriaxone"),
    ("Treated for pneumonia with meropenem, dates not recorded.", "drug.meropenem"),
    ("On aciclovir for zoster since 10/11/2026.", "drug.aciclovir"),
]


@pytest.mark.parametrize(("sentence", "concept"), NO_ROUTE_SENTENCES)
def test_a_drug_with_no_route_written_has_none(parser, sentence, concept) -> None:
    found = [f for f in parser.parse(sentence, "n", NOTE_DATE) if f.concept == concept]
    assert found and "route" not in found[0].attrs


def test_a_route_at_the_end_of_a_line_is_not_the_next_lines_drugs(parser) -> None:
    text = "- methotrexate 15 mg/m2 weekly sc\n- co-trimoxazole 480 mg three times a week"
    routes = {f.concept: f.attrs.get("route") for f in parser.parse(text, "n", NOTE_DATE)}
    assert routes.get("drug.trimethoprim_sulfamethoxazole", "not read") is None


def test_a_route_belongs_to_its_own_drug_in_a_list(parser) -> None:
    text = "Oral cefuroxime from 14/11/2026; ceftriaxone 2 g IV daily 08/11/2026 to 13/11/2026."
    routes = {f.concept: f.attrs.get("route") for f in parser.parse(text, "n", NOTE_DATE)
              if f.category == "drug"}
    assert routes == {"drug.cefuroxime": "oral", "drug.ceftriaxone": "intravenous"}


@pytest.mark.parametrize(
    ("term", "concept", "drug_class"),
    [
        ("acyclovir", "drug.aciclovir", "antiviral"),
        ("aciclovir", "drug.aciclovir", "antiviral"),
        ("ganciclovir", "drug.ganciclovir", "antiviral"),
        ("amphotericin B", "drug.amphotericin_b", "antifungal"),
        ("AmBisome", "drug.amphotericin_b", "antifungal"),
        ("fluconazole", "drug.fluconazole", "antifungal"),
        ("voriconazole", "drug.voriconazole", "antifungal"),
        ("caspofungin", "drug.caspofungin", "antifungal"),
        ("cefotaxime", "drug.cefotaxime", "antibiotic"),
        ("ceftazidime", "drug.ceftazidime", "antibiotic"),
        ("amikacin", "drug.amikacin", "antibiotic"),
        ("Tazocin", "drug.piperacillin_tazobactam", "antibiotic"),
    ],
)
def test_anti_infectives_are_drugs_of_their_class_with_a_code(parser, term, concept,
                                                              drug_class) -> None:
    from matcher.nlp.vocab import load_vocabulary

    found = [f for f in parser.parse(f"{term} started 10/11/2026.", "n", NOTE_DATE)
             if f.category == "drug"]
    assert [f.concept for f in found] == [concept]
    entry = load_vocabulary()[concept]
    assert drug_class in entry.attrs["drug_class"]
    assert entry.code and entry.code.startswith(("ATC:", "RxNorm:"))


# ------------------------------------------------------------------- the evaluator
CRITERION = parse_criterion(IV_TREATED_ITEMS[0][0], "exclusion")


def _drug(concept: str, start: dt.date, stop: dt.date | None = None, *,
          route: str | None = "intravenous", note: str = "n1",
          assertion: Assertion = Assertion.AFFIRMED,
          documented_by: dt.date | None = None) -> Finding:  # fmt: skip
    attrs: dict[str, Any] = {"start_date": start, "stop_date": stop,
                             "documented_by": documented_by or start}
    if route:
        attrs["route"] = route
    return Finding(concept=concept, category="drug", note_id=note, start=0, end=4,
                   text="text", assertion=assertion, date=start, date_source="text",
                   attrs=attrs)  # fmt: skip


def _dx(concept: str, date: dt.date, *, note: str = "n1",
        assertion: Assertion = Assertion.AFFIRMED) -> Finding:  # fmt: skip
    return Finding(concept=concept, category="diagnosis", note_id=note, start=0, end=4,
                   text="text", assertion=assertion, date=date, date_source="note")


def _status(*findings: Finding, notes: dict[str, dt.date] | None = None
            ) -> tuple[Status, str]:  # fmt: skip
    dates = notes if notes is not None else {f.note_id: f.date for f in findings}
    timeline = build_timeline(Patient("P1", None), list(findings), dates, AS_OF)
    result = evaluate(CRITERION, timeline)
    return result.status, result.reason


IN_WINDOW = dt.date(2026, 11, 8)
BEFORE_WINDOW = dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("findings", "notes", "expected"),
    [
        # An IV course of an antibiotic, antiviral or antifungal in the 28 days: met.
        ([_drug("drug.ceftriaxone", IN_WINDOW, dt.date(2026, 11, 14))], None, Status.MET),
        ([_drug("drug.aciclovir", IN_WINDOW)], None, Status.MET),
        ([_drug("drug.amphotericin_b", IN_WINDOW)], None, Status.MET),
        ([_drug("class.antibiotic", IN_WINDOW)], None, Status.MET),
        # A course that began before the window and ran into it counts.
        ([_drug("drug.meropenem", dt.date(2026, 10, 15), dt.date(2026, 10, 28))], None,
         Status.MET),
        # A course started long before the window with no end written ("pneumonia in
        # 03/2024 treated with IV ceftriaxone", in a note of this month): an antibiotic
        # course is short, but nothing says when it ended. A person checks.
        ([_drug("drug.ceftriaxone", dt.date(2024, 3, 15), documented_by=IN_WINDOW)],
         {"n1": IN_WINDOW}, Status.MANUAL),
        # Oral prophylaxis taken for years ("co-trimoxazole since 2024") is no IV course.
        ([_drug("drug.trimethoprim_sulfamethoxazole", dt.date(2024, 3, 15), route="oral",
                documented_by=IN_WINDOW)], {"n1": IN_WINDOW}, Status.NOT_MET),
        # A course that ended before the window does not; the note is in the lookback.
        ([_drug("drug.meropenem", BEFORE_WINDOW, dt.date(2026, 10, 10))], None,
         Status.NOT_MET),
        # Oral treatment only, and no infection: not met.
        ([_drug("drug.cefuroxime", IN_WINDOW, route="oral")], None, Status.NOT_MET),
        # A planned or negated course is no course.
        ([_drug("drug.ceftriaxone", IN_WINDOW, assertion=Assertion.HYPOTHETICAL)], None,
         Status.NOT_MET),
        # An anti-infective in the window with no route written: a person checks.
        ([_drug("drug.ceftriaxone", IN_WINDOW, route=None)], None, Status.MANUAL),
        # An infection in the window, its treatment's route unknown: a person checks.
        ([_dx("dx.infection", IN_WINDOW)], None, Status.MANUAL),
        ([_dx("dx.infection", IN_WINDOW), _drug("drug.cefuroxime", IN_WINDOW, route="oral")],
         None, Status.MANUAL),
        # An infection before the window, none in it.
        ([_dx("dx.infection", BEFORE_WINDOW)], None, Status.NOT_MET),
        ([_dx("dx.infection", IN_WINDOW, assertion=Assertion.NEGATED)], None, Status.NOT_MET),
        # Nothing documented, with a note in the lookback: not met (confirm at screening).
        ([], {"n1": dt.date(2026, 9, 30)}, Status.NOT_MET),
        # No note in the lookback at all: unknown.
        ([], {"n1": dt.date(2026, 6, 1)}, Status.UNKNOWN),
        ([], {}, Status.UNKNOWN),
    ],
)
def test_an_iv_treated_infection_is_decided_from_the_timeline(findings, notes, expected):
    got, reason = _status(*findings, notes=notes)
    assert got is expected, reason


def test_the_reasons_name_what_was_found_and_what_a_person_checks() -> None:
    got, reason = _status(_drug("drug.ceftriaxone", IN_WINDOW, dt.date(2026, 11, 14)))
    assert got is Status.MET and "ceftriaxone" in reason and "intravenous" in reason
    got, reason = _status(_drug("drug.ceftriaxone", IN_WINDOW, route=None))
    assert got is Status.MANUAL and "route" in reason and str(IN_WINDOW) in reason
    got, reason = _status(_dx("dx.infection", IN_WINDOW))
    assert got is Status.MANUAL and "intravenous" in reason and str(IN_WINDOW) in reason
    got, reason = _status(notes={"n1": dt.date(2026, 6, 1)})
    assert got is Status.UNKNOWN and "lookback" in reason


def test_a_vocabulary_without_the_classes_leaves_the_item_unread_not_a_crash() -> None:
    from matcher.nlp.vocab import Vocabulary, load_vocabulary

    lacking = Vocabulary(c for c in load_vocabulary().concepts.values()
                         if c.id != "class.antiviral")
    criterion = parse_criterion(IV_TREATED_ITEMS[0][0], "exclusion", vocabulary=lacking)
    assert "course_classes" not in criterion.params
    criterion = parse_criterion(IV_TREATED_ITEMS[1][0], "exclusion", vocabulary=lacking)
    assert criterion.params["course_classes"] == ["class.antibiotic"]


# ---------------------------------------------- a drug item with a route ("IV antibiotics")
IV_ANTIBIOTICS = parse_criterion("Treatment with intravenous antibiotics within 30 days of "
                                 "screening", "exclusion")


def _exposure_status(*findings: Finding) -> Status:
    dates = {f.note_id: f.attrs["documented_by"] for f in findings}
    timeline = build_timeline(Patient("P1", None), list(findings), dates, AS_OF)
    return evaluate(IV_ANTIBIOTICS, timeline).status


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        # The note wrote the route the item asks for: decided.
        ("intravenous", Status.MET),
        # No route written: whether it was IV is still for a person (not decided).
        (None, Status.UNKNOWN),
    ],
)
def test_a_drug_items_route_is_decided_by_the_route_the_note_wrote(route, expected):
    assert IV_ANTIBIOTICS.params.get("route") == "intravenously"
    assert _exposure_status(_drug("drug.ceftriaxone", IN_WINDOW, route=route)) is expected


# ------------------------------------------------------------- the data files, validated
@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"version": 1, "description": "", "routes": {}, "forms": {"oral": ["Tab"]}}',
         "routes"),
        ('{"version": 1, "description": "", "routes": {"intravenous": ["IV", "iv"]}, '
         '"forms": {"oral": ["Tab"]}}', "routes.intravenous"),
        ('{"version": 2, "description": "", "routes": {"oral": ["PO"]}, "forms": {}}',
         "version"),
        ('{"version": 1, "routes": {"oral": ["PO"]}}', "(top level)"),
        ("{not json", None),
    ],
)
def test_a_bad_route_file_is_refused_naming_the_file_and_field(monkeypatch, text, field):
    from matcher.errors import VocabularyError
    from matcher.nlp import routes, vocab

    monkeypatch.setattr(vocab, "data_text", lambda name: text)
    routes.route_words.cache_clear()
    try:
        with pytest.raises(VocabularyError) as raised:
            routes.route_words()
    finally:
        routes.route_words.cache_clear()
    assert "drug_routes.json" in str(raised.value)
    if field:
        assert field in str(raised.value)


def test_a_bad_treated_infection_file_is_refused_naming_the_file(monkeypatch):
    from matcher.criteria import treated_infection
    from matcher.errors import VocabularyError

    monkeypatch.setattr(treated_infection, "criteria_data_text",
                        lambda name: '{"version": 1, "concept": "dx.x", "routes": {}}')
    treated_infection.treated_infection_grammar.cache_clear()
    try:
        with pytest.raises(VocabularyError) as raised:
            treated_infection.treated_infection_grammar()
    finally:
        treated_infection.treated_infection_grammar.cache_clear()
    assert "treated_infection.json" in str(raised.value)
