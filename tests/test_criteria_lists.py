"""One item, many criteria (matcher.criteria.lists): the clauses of an item and the
members of its lists are read one by one, so a part the reader understands is computed
while a sibling it does not understand stays manual with its own reason, and a lead or
tail that may qualify a member is read with it, never dropped."""

from __future__ import annotations

import pytest

from matcher.criteria.grammar import COMPUTABLE_KINDS
from matcher.criteria.lists import clauses, members, read_list_rules, top_level
from matcher.criteria.reader import parse_eligibility_text
from matcher.errors import VocabularyError
from matcher.model import Criterion
from matcher.nlp.vocab import load_vocabulary


def _read(section: str, item: str) -> list[Criterion]:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    return [c for c in parse_eligibility_text(f"{heading}\n* {item}\n") if c.kind != "age"]


def _computed(criteria: list[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.kind in COMPUTABLE_KINDS]


def _concepts(criterion: Criterion) -> set[str]:
    p = criterion.params
    return (
        set(p.get("concepts", []))
        | set(p.get("drugs", []))
        | set(p.get("states", []))
        | set(p.get("infections", []))
    )


# -------------------------------------------------------------------------------- clauses

CLAUSES = [
    # (section, item, a concept a computed part names, its kind, words of a manual part)
    (
        "exclusion",
        "Frequent migraines of unclear origin; treatment with rituximab within 6 months",
        "drug.rituximab",
        "drug_exposure",
        "migraines",
    ),
    (
        "exclusion",
        "Chronic viral infections. Pregnant or breastfeeding women. Participants "
        "unwilling to sign the consent form.",
        "dx.pregnancy",
        "pregnancy",
        "consent",
    ),
    (
        "exclusion",
        "Any prior exposure to belimumab; odd dietary habits",
        "drug.belimumab",
        "drug_exposure",
        "dietary",
    ),
    (
        "inclusion",
        "Weight ≥ 40 kg. Willing to follow a low-salt or vegetarian diet",
        "lab.weight",
        "vital",
        "diet",
    ),
]


@pytest.mark.parametrize(("section", "item", "concept", "kind", "manual_words"), CLAUSES)
def test_a_clause_the_reader_understands_is_computed_beside_one_it_does_not(
    section: str, item: str, concept: str, kind: str, manual_words: str
) -> None:
    criteria = _read(section, item)
    computed = [c for c in _computed(criteria) if c.kind == kind]
    assert any(concept in _concepts(c) or concept in c.params.get("analytes", [])
               for c in computed), [(c.kind, c.params) for c in criteria]  # fmt: skip
    manual = [c for c in criteria if c.kind not in COMPUTABLE_KINDS]
    assert any(manual_words in c.text for c in manual)
    # cut into its clauses, by the clause reader or by the compound cutter that now takes a
    # policy clause ("Willing to follow a diet") apart from a computed one
    assert all("list:clause" in c.trace or "compound:all-of" in c.trace
               or "compound:any-of" in c.trace for c in criteria)


CLAUSES_KEPT_TOGETHER = [
    # A later clause is an exception, a permission, a reference or a label.
    ("exclusion", "Use of systemic corticosteroids; inhaled corticosteroids are allowed"),
    (
        "exclusion",
        "Prior rituximab. Patients who received it more than a year ago may be included.",
    ),
    ("exclusion", "Treatment with cyclophosphamide; unless given over 5 years ago"),
    ("exclusion", "Active tuberculosis. Patients with treated latent TB may participate."),
    ("inclusion", "Quiescent disease: SLEDAI < 4. Active disease: SLEDAI ≥ 6"),
    ("inclusion", "Proteinuria above 1 g/day; or a urine protein to creatinine ratio above 1"),
]


@pytest.mark.parametrize(("section", "item"), CLAUSES_KEPT_TOGETHER)
def test_clauses_that_lean_on_each_other_are_not_read_apart(section: str, item: str) -> None:
    criteria = _read(section, item)
    assert not any("list:clause" in c.trace for c in criteria)


# -------------------------------------------------------------------------------- members

SHARED_HEADS = [
    (
        "Severe chronic liver, kidney or heart disease",
        [
            "Severe chronic liver disease",
            "Severe chronic kidney disease",
            "Severe chronic heart disease",
        ],
    ),
    (
        "Clinically significant cardiac, renal or hepatic disease",
        [
            "Clinically significant cardiac disease",
            "Clinically significant renal disease",
            "Clinically significant hepatic disease",
        ],
    ),
    pytest.param(
        "Severe heart/lung disease or cancer",
        ["Severe heart disease", "Severe lung disease", "cancer"],
        # Since the vocabulary knows "lung disease" (a term of its own), the slash pair is
        # no longer cut into organs and the item stays whole and manual: safe, a recall
        # loss to win back.
        marks=pytest.mark.xfail(strict=True, reason="'heart/lung' beside the 'lung disease' "
                                "term is not cut; the item stays manual"),
    ),
]


@pytest.mark.parametrize(("item", "parts"), SHARED_HEADS)
def test_a_shared_head_and_its_lead_are_read_with_each_organ(item: str, parts: list[str]) -> None:
    criteria = _read("exclusion", item)
    assert [c.text for c in criteria] == parts
    for criterion in _computed(criteria):
        # The lead's qualifier is never lost: a computed part judges it or reads it.
        lead = criterion.text.split()[0].lower()
        if lead in ("severe", "clinically"):
            assert criterion.params.get("judged"), criterion.params


INTRODUCED = [
    # The lead only introduces the list: each member is read alone.
    (
        "Subjects with other illnesses: malignancy, active infection",
        {"dx.malignancy", "dx.active_infection"},
    ),
    (
        "Comorbid conditions of congestive heart failure, HIV or chronic liver disease",
        {"dx.heart_failure", "dx.hiv", "dx.liver_disease"},
    ),
    ("Other medical conditions: tuberculosis or hepatitis C", {"dx.tuberculosis", "dx.hcv"}),
]


@pytest.mark.parametrize(("item", "concepts"), INTRODUCED)
def test_a_lead_that_only_introduces_a_list_lets_each_member_be_read_alone(
    item: str, concepts: set[str]
) -> None:
    criteria = _read("exclusion", item)
    found = set().union(*(_concepts(c) for c in _computed(criteria)))
    assert concepts <= found, [(c.kind, c.text, c.manual_reason) for c in criteria]
    assert all(c.type == "exclusion" for c in criteria)


def test_a_lead_that_may_qualify_a_later_member_never_decides_that_member_on_a_guess() -> None:
    # "uncontrolled" may or may not reach HIV: a patient with HIV is not excluded on the
    # reader's guess. Either the member is left manual naming the lead, or the whole list is
    # read with "uncontrolled" judged, which leaves a documented HIV to a person.
    criteria = _read("exclusion", "uncontrolled congestive heart failure, HIV, or chronic liver "
                     "disease")  # fmt: skip
    for criterion in criteria:
        if "dx.hiv" in _concepts(criterion) or "HIV" in criterion.text.split():
            judged = criterion.params.get("judged") or []
            assert criterion.kind == "manual" or "uncontrolled" in judged, criterion


NOTHING_COMPUTED_WITHOUT_ITS_QUALIFIER = [
    # a narrowing lead the reader cannot read
    ("Co-morbidity preventing exercise (severe heart disease, malignancy)", "dx.malignancy"),
    # examples of the lead, not alternatives
    ("Serious infection such as bacteraemia, sepsis", "dx.active_infection"),
    ("Chronic infections, including hepatitis B, tuberculosis, HIV", "dx.hiv"),
    # a window that may reach every member
    ("Cancer, stroke or myocardial infarction within 6 months", "dx.malignancy"),
    # a bracket after the head may define the last organ's finding only
    ("Significant liver or renal failure (ie, dialysis)", "dx.liver_disease"),
    # "and" may join findings that come together
    ("Heart failure, diabetes and hypertension", "dx.heart_failure"),
]


@pytest.mark.parametrize(("item", "concept"), NOTHING_COMPUTED_WITHOUT_ITS_QUALIFIER)
def test_a_member_is_never_computed_without_what_may_qualify_it(item: str, concept: str) -> None:
    criteria = _read("exclusion", item)
    for criterion in _computed(criteria):
        assert concept not in _concepts(criterion) or criterion.text == item, criterion.text


def test_an_inclusion_list_is_an_either_or_and_is_not_cut_into_members() -> None:
    criteria = _read("inclusion", "Lupus nephritis, IgA nephropathy or membranous nephropathy")
    assert not any("list:member" in c.trace for c in criteria)


# ------------------------------------------------------------------------------------ data


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"version": 1, "list_leads": ["other"], "clause_links": ["this"]}', "organ_words"),
        (
            '{"version": 1, "list_leads": ["other", "other"], "clause_links": ["this"], '
            '"organ_words": ["liver"], "population_words": ["patients"]}',
            "list_leads",
        ),
        (
            '{"version": 1, "list_leads": "other", "clause_links": ["this"], '
            '"organ_words": ["liver"], "population_words": ["patients"]}',
            "list_leads",
        ),
        (
            '{"version": 1, "list_leads": [], "clause_links": [], "organ_words": [], '
            '"population_words": [], "x": []}',
            "x",
        ),
    ],
)
def test_a_bad_lists_file_is_refused_naming_the_key(text: str, field: str) -> None:
    with pytest.raises(VocabularyError) as info:
        read_list_rules(text, "lists.json")
    assert field in str(info.value) and "lists.json" in str(info.value)


# ------------------------------------------------------------------------- the structure


def _members(text: str) -> list[tuple[str, tuple[str, ...]]]:
    from matcher.criteria.reader import _term_spans

    vocab = load_vocabulary()
    found = members(text, _term_spans(text, vocab), lambda piece: _term_spans(piece, vocab))
    return [(m.own, m.variants) for m in found or ()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a shared head: the lead is certain for every organ
        ("Severe liver, kidney or lung disease",
         [("Severe liver disease", ()), ("Severe kidney disease", ()),
          ("Severe lung disease", ())]),
        # an introducing lead is dropped; a qualifier before the first term may reach the rest
        ("Comorbidities of uncontrolled diabetes or HIV",
         [("uncontrolled diabetes", ()), ("HIV", ("uncontrolled HIV",))]),
        # a tail after the last term may reach the members before it
        ("Cirrhosis or heart failure requiring hospitalisation",
         [("Cirrhosis", ("Cirrhosis requiring hospitalisation",)),
          ("heart failure requiring hospitalisation", ())]),
        # a lead before a bracket holding the list reaches every member
        ("Illness preventing exercise (tuberculosis, heart failure)",
         [("Illness preventing exercise tuberculosis", ()),
          ("Illness preventing exercise heart failure", ())]),
    ],
)
def test_the_members_of_a_list_carry_what_reaches_them(
    text: str, expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    assert _members(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Diabetes, hypertension and asthma",  # "and": the findings may come together
        "Heart failure",  # one member
        "Diabetes, well controlled",  # a member naming nothing qualifies its neighbour
    ],
)
def test_an_item_that_is_no_list_of_findings_has_no_members(text: str) -> None:
    assert _members(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HIV; hepatitis C infection. Tuberculosis",
         ["HIV", "hepatitis C infection", "Tuberculosis"]),
        ("(heart failure, liver failure); HIV", ["heart failure, liver failure", "HIV"]),
        ("Steroids; inhaled ones are allowed", None),
        ("Rituximab; or belimumab", None),
        ("Either of the following: HIV; hepatitis B", None),
        ("One clause only", None),
    ],
)
def test_an_item_is_cut_into_clauses_unless_one_leans_on_another(
    text: str, expected: list[str] | None
) -> None:
    from matcher.criteria.sections import _SENTENCE_END

    assert clauses(text, top_level(text), _SENTENCE_END) == expected


# ------------------------------------------------------------------- population blocks

TWO_POPULATIONS = """Inclusion Criteria:
{first}
* Age 18 years or older
{second}
* Age 18 to 40 years
Exclusion Criteria:
{first}
* Current pregnancy
{second}
* Chronic viral hepatitis
"""


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("For patients:", "For control subjects:"),
        ("Patients:", "Healthy volunteers:"),
        ("For SLE patients:", "For healthy controls:"),
    ],
)
def test_items_under_two_population_headings_apply_to_their_population_only(
    first: str, second: str
) -> None:
    # The engine matches patients: the patients' block is theirs (read, the population in
    # params), the other population's block never applies to a patient (round 6).
    criteria = parse_eligibility_text(TWO_POPULATIONS.format(first=first, second=second))
    scoped = [c for c in criteria if "registry" not in c.text]
    patients = [c for c in scoped if c.text in ("Age 18 years or older", "Current pregnancy")]
    others = [c for c in scoped if c not in patients]
    assert [c.kind for c in patients] == ["age", "pregnancy"], [(c.kind, c.text) for c in scoped]
    assert all(c.params["cohort"] == first.lower().removeprefix("for ").rstrip(":")
               for c in patients)  # fmt: skip
    assert others and all(c.kind == "manual" and not c.unread for c in others)
    assert all(c.params.get("cohort_is_patients") is False for c in others)


def test_one_population_heading_over_the_whole_list_scopes_nothing() -> None:
    text = "Inclusion Criteria:\nFor patients:\n* Age 18 years or older\nExclusion Criteria:\n" \
        "* Current pregnancy\n"
    criteria = parse_eligibility_text(text)
    assert {c.kind for c in criteria} >= {"age", "pregnancy"}
