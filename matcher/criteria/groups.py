"""Groups of criteria: the branches of an either/or, and cohort blocks.

The criteria reader reads each item alone; this module says which items belong together,
from the shape of the list, so that the ranking (matcher.judge.ranking.verdict) can combine
them instead of the reader leaving them manual:

- **any-of groups**: the items directly under a heading that asks for "at least one of
  the following:" ("Meets either of the following criteria:", "at least 2 of:"), or a
  run of inclusion items joined by a trailing or leading "or" ("ANA ≥ 1:80; or" +
  "anti-dsDNA positive; or" + "low C3"). Each member is read alone; the group holds when
  enough of them hold.
- **cohort blocks**: items under "Populations 1 & 2", "Part B:", or marked "(group 3)".
  A patient is judged on the shared items plus one cohort's.

Either is built only when the structure is certain; otherwise every member keeps the
guard that made it manual before (`guard: one branch of an either/or`, `guard: applies
to one cohort only`). Certain means: an any-of heading that says how many (one "at
least N of" phrase) and has no requirement of its own, members each read into one
criterion with no deeper heading between them and it; cohorts that are all named by a
cohort word and an id ("Population 3", "Groups C & D"), at least two of them, numbered
without a gap from the first, each with an inclusion item of its own (who belongs to
it), and no item naming another cohort in its own words (a hard-wrapped heading glued to
the item before it: "... difficult II. Controls (Group D)"; "does not meet the criteria
for Group A"), nor a sub-cohort ("Group S1 : ..."), a cohort named by words beside them
("(healthy control group)") or a heading naming a cohort the parse did not take. A
cohort named only by words ("the LN cohort", "healthy controls") cannot be checked for a
gap, so such a trial keeps its guards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from matcher.criteria import guard
from matcher.criteria.grammar import load_grammar, phrase_pattern
from matcher.criteria.guard import everyone_prefix
from matcher.criteria.lists import load_list_rules
from matcher.model import AnyOf, CohortScope

__all__ = ["DraftShape", "HeadingGroup", "Populations", "any_of_groups", "cohort_scopes",
           "heading_groups", "led_by_others", "non_patient", "population_headings",
           "populations", "section_population"]  # fmt: skip

_I = re.IGNORECASE
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "either": 1}
_COUNT = r"(?P<n>[1-5]|one|two|three|four|five)"
# "at least one of the following", "any 2 of these", "one or more of the following",
# "either of the following", "one of the following" (the phrase the group consumes).
_ANY_OF_PHRASE = re.compile(
    rf"\b(?:(?:at\s+least|a\s+minimum\s+of|any)\s+{_COUNT}(?:\s*\(\d\))?|(?P<more>one\s+or\s+more)|"
    rf"(?P<either>either)|(?P<one>(?:any\s+)?one)|(?P<any>any))"
    r"\s+of\s+(?:the\s+following|these|below)(?:\s+(?:criteria|conditions|features))?\b",
    _I,
)
# Any other count or choice in the heading makes its reach unknown ("at least 4 of the
# 11 ACR criteria, at least one of which must be:").
_OTHER_CHOICE = re.compile(
    r"\b(?:at\s+least|a\s+minimum\s+of|one\s+or\s+more|either|any|one\s+of|all|and|or|"
    r"\d+\s+of)\b",
    _I,
)
ENDS_WITH_OR = re.compile(r"\bor\s*[.;,:]?\s*$", _I)
STARTS_WITH_OR = re.compile(r"^\s*or\b", _I)


@dataclass(frozen=True)
class DraftShape:
    """What grouping needs of one item of the list (matcher.criteria's draft)."""

    section: str  # "inclusion" | "exclusion"
    text: str  # the item's words, normalised
    heads: tuple[int, ...] = ()  # the headings over it (their ordinals), outermost first
    context: tuple[str, ...] = ()  # those headings' words, normalised
    cohort: str | None = None  # the cohort its heading or its own words name
    parts: int = 1  # how many criteria the item was read into


@dataclass(frozen=True)
class HeadingGroup:
    """An any-of heading over its members: `heading` without the any-of phrase (what
    the members' readings must still account for) and how many must hold."""

    head: int  # the heading's ordinal
    at_least: int
    heading: str


def _any_of_heading(text: str) -> tuple[int, str] | None:
    """(how many, the heading without the phrase) of "At least one of the following:",
    or None when the heading is no any-of heading or says more than one choice."""
    found = list(_ANY_OF_PHRASE.finditer(text))
    if len(found) != 1:
        return None
    m = found[0]
    rest = f"{text[: m.start()]} {text[m.end() :]}"
    if _OTHER_CHOICE.search(rest):
        return None
    n = m["n"]
    count = int(n) if n and n.isdigit() else _NUMBERS.get((n or "one").lower(), 1)
    return count, " ".join(rest.replace(":", " ").replace("：", " ").split())


def heading_groups(shapes: Sequence[DraftShape]) -> dict[int, HeadingGroup]:
    """Item index → the any-of heading it sits directly under, for inclusion items
    whose innermost heading asks for "at least N of the following" and no outer one
    asks for a choice too. A heading with any member under a deeper heading ("Renal:"
    inside "one of the following:") or with fewer members than it asks for is none."""
    by_head: dict[int, list[int]] = {}
    headings: dict[int, tuple[int, str]] = {}
    for index, shape in enumerate(shapes):
        for depth, head in enumerate(shape.heads):
            parsed = _any_of_heading(shape.context[depth])
            if parsed is not None:
                by_head.setdefault(head, []).append(index)
                headings[head] = parsed
    out: dict[int, HeadingGroup] = {}
    for head, members in by_head.items():
        count, rest = headings[head]
        direct = all(shapes[i].heads[-1] == head and shapes[i].section == "inclusion"
                     and sum(1 for h in shapes[i].heads if h in headings) == 1
                     for i in members)  # fmt: skip
        if direct and len(members) >= max(2, count):
            for i in members:
                out[i] = HeadingGroup(head, count, rest)
    return out


def _linked(first: DraftShape, second: DraftShape) -> bool:
    """Are two consecutive items two branches of one either/or ("A; or" + "B")?"""
    joined = bool(ENDS_WITH_OR.search(first.text) or STARTS_WITH_OR.match(second.text))
    return (joined and first.section == second.section == "inclusion"
            and first.heads == second.heads and first.cohort == second.cohort)  # fmt: skip


def any_of_groups(
    shapes: Sequence[DraftShape], headed: dict[int, HeadingGroup] | None = None
) -> dict[int, AnyOf]:
    """Item index → its any-of group. Groups are numbered 1, 2, ... in list order."""
    headed = heading_groups(shapes) if headed is None else headed
    spans: list[tuple[list[int], int]] = []  # (member indexes, at least)
    seen: dict[int, list[int]] = {}
    for index, group in headed.items():
        seen.setdefault(group.head, []).append(index)
    for members in seen.values():
        if all(shapes[i].parts == 1 for i in members):
            spans.append((sorted(members), headed[members[0]].at_least))
    run: list[int] = []
    for index in range(len(shapes) + 1):
        if run and index < len(shapes) and _linked(shapes[run[-1]], shapes[index]):
            run.append(index)
            continue
        # "A; or" at the end of the list, or a branch read into two criteria: the
        # run's reach is unknown and its members keep the guard.
        if (len(run) >= 2 and not ENDS_WITH_OR.search(shapes[run[-1]].text)
                and all(shapes[i].parts == 1 and i not in headed for i in run)):  # fmt: skip
            spans.append((run, 1))
        run = [index] if index < len(shapes) else []
    out: dict[int, AnyOf] = {}
    for number, (members, at_least) in enumerate(sorted(spans), start=1):
        for i in members:
            out[i] = AnyOf(number, at_least)
    return out


# ------------------------------------------------------------------------------- cohorts


def _alternation(words: Sequence[str]) -> str:
    """The words as one regex alternation, longest first ("healthy controls" before
    "controls")."""
    return "|".join(phrase_pattern(w) for w in sorted(words, key=len, reverse=True))


@cache
def _population_heading() -> re.Pattern[str]:
    words = _alternation(load_list_rules().population_words)
    return re.compile(
        rf"^\W*(?:for\s+(?:the\s+)?)?(?P<label>(?:[\w'/-]+\s+){{0,2}}(?:{words}))"
        r"\s*(?:\([^()]{0,40}\))?\s*[:：]\W*$",
        _I,
    )


def population_headings(lines: Sequence[str]) -> dict[str, str]:
    """The heading lines of a text that name a population ("For patients:", "For control
    subjects:") → the population each names, when the text has two or more different ones:
    then each opens a block whose items apply to that population only. One such heading
    alone names everyone the trial takes ("For patients:" over the whole list) and scopes
    nothing."""
    found: dict[str, str] = {}
    for line in lines:
        text = line.strip().strip("*#_ ").strip()
        m = _population_heading().match(text) if len(text) <= 80 else None
        if m is not None:
            found[text] = " ".join(m["label"].lower().split())
    return found if len(set(found.values())) >= 2 else {}



@cache
def _cohort_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    words = "|".join(re.escape(w) for w in sorted(load_grammar().cohort_words, key=len,
                                                   reverse=True))  # fmt: skip
    one = r"(?:\d{1,2}[a-z]?|[A-Z](?![\w])|[IVX]{1,4}(?![\w]))"
    ids = rf"(?P<ids>{one}(?:\s*(?:&|and|,|/|or|\+)\s*{one})*)"
    label = re.compile(rf"^(?P<word>{words})\s*{ids}(?:\s*\([^()]*\))?(?:\s+only)?$", _I)
    # The same inside an item's words, and any cohort word at all (a heading's).
    mention = re.compile(rf"\b(?P<word>{words})\s*{ids}\b", _I)
    word = re.compile(rf"\b(?:{words})\b", _I)
    return label, mention, word


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10}  # fmt: skip


def _ids(text: str) -> list[str]:
    return [i for i in re.split(r"\s*(?:&|\band\b|,|/|\bor\b|\+)\s*", text.strip()) if i]


def _family(word: str) -> str:
    """ "Populations" → "Population": the cohort word in the singular, capitalised."""
    word = word.lower()
    word = word[:-1] if word.endswith("s") else word
    return word[:1].upper() + word[1:]


def _rank(cohort_id: str) -> tuple[str, int] | None:
    """("n", 3) for "3" or "3a"; ("a", 2) for "B"; ("n", 4) for "IV": the place of an id
    in its series, to find a gap. None for anything else."""
    m = re.fullmatch(r"(\d{1,2})[a-z]?", cohort_id)
    if m:
        return "n", int(m[1])
    if cohort_id.upper() in _ROMAN and len(cohort_id) > 1 or cohort_id in ("I", "V", "X"):
        return "n", _ROMAN[cohort_id.upper()]
    if re.fullmatch(r"[A-Za-z]", cohort_id):
        return "a", ord(cohort_id.upper()) - ord("A") + 1
    return None


def _scope(label: str) -> tuple[str, tuple[str, ...]] | None:
    m = _cohort_patterns()[0].match(label.strip())
    if m is None:
        return None
    family = _family(m["word"])
    ids = [i.upper() if not i[:1].isdigit() else i for i in _ids(m["ids"])]
    return family, tuple(f"{family} {i}" for i in ids)


def _complete(cohorts: Sequence[str]) -> bool:
    """Cohorts numbered from the first without a gap ("Group 1".."Group 4"; "Part A",
    "Part B"): none of the trial's is left out of the parse, as far as the ids tell."""
    ranks = [_rank(c.rsplit(" ", 1)[1]) for c in cohorts]
    if any(r is None for r in ranks) or len({r[0] for r in ranks if r}) != 1:
        return False
    places = sorted({r[1] for r in ranks if r})
    return places[0] in (0, 1) and places == list(range(places[0], places[-1] + 1))


def _consistent(shape: DraftShape, ids: tuple[str, ...]) -> bool:
    """Does the item name no cohort but its own? "(Group D)" inside an item scoped to
    Group B is a heading glued to it; "Group S1 : ..." a sub-cohort; a heading over it
    naming a cohort ("According to groups:") a block the parse did not scope."""
    _, mention, word = _cohort_patterns()
    everyone = everyone_prefix(shape.text)
    if everyone is not None:
        # "All groups: age 18-89" is a shared item; the rest of it is checked as usual.
        shape = replace(shape, text=shape.text[everyone.end() :])
    for m in mention.finditer(shape.text):
        found = _scope(m[0])
        if found is None or not set(found[1]) <= set(ids):
            return False
    if re.match(rf"^\W*(?:\S+\s+){{0,2}}{word.pattern}\s*\S*\s*[:：]", shape.text, _I):
        return bool(mention.match(shape.text.lstrip(" *-•([")))
    # "(Healthy control group)", "for the LN cohort only": a cohort named by words that
    # the parse did not take as a scope, so the trial's cohorts are not all known.
    for bracket in re.findall(r"\(([^()]*)\)", shape.text):
        if word.search(bracket) and _scope(bracket) is None:
            return False
    if re.search(rf"{word.pattern}(?:\s+\S+)?\s+only\b", shape.text, _I) and not mention.search(
        shape.text
    ):
        return False
    return not any(word.search(h) for h in shape.context)


def cohort_scopes(shapes: Sequence[DraftShape]) -> dict[int, CohortScope] | None:
    """Item index → its cohort scope, for a trial whose cohorts can be computed (see the
    module's docstring); {} for a trial with no cohort; None when its cohorts cannot be
    computed, so that each cohort-only item keeps its guard."""
    labelled = {i: s.cohort for i, s in enumerate(shapes) if s.cohort}
    if not labelled:
        return {}
    if any(_scope(label) is None for label in labelled.values()):
        return _named_scopes(shapes, labelled)
    scopes: dict[int, CohortScope] = {}
    families: set[str] = set()
    for index, label in labelled.items():
        found = _scope(label)
        if found is None:
            return None
        families.add(found[0])
        scopes[index] = CohortScope(" ".join(label.split()), found[1])
    cohorts = list(dict.fromkeys(c for s in scopes.values() for c in s.cohorts))
    distinct = {s.cohorts for s in scopes.values()}
    if len(families) != 1 or len(cohorts) < 2 or len(distinct) < 2 or not _complete(cohorts):
        return None
    if not all(_consistent(s, scopes[i].cohorts if i in scopes else ())
               for i, s in enumerate(shapes)):  # fmt: skip
        return None
    # Who belongs to a cohort is what its own inclusion items say. A cohort with none
    # ("Exclusion criteria for Part B:" only) is defined elsewhere (the arms, the title):
    # judged on the shared items alone, its patient would escape the other cohorts'
    # exclusions although not in it.
    included = {c for i, s in scopes.items() if shapes[i].section == "inclusion"
                for c in s.cohorts}  # fmt: skip
    if not set(cohorts) <= included:
        return None
    return scopes


def _named_scopes(shapes: Sequence[DraftShape], labelled: dict[int, str]
                  ) -> dict[int, CohortScope] | None:  # fmt: skip
    """Cohorts named by words ("Inclusion Criteria (ESRD group):", "Inclusion criteria for
    the LN cohort:", "For outpatients:"), which no numbering can check for a gap: read only
    when the list is cut whole into such blocks, so no block heading the parse missed can
    hide among shared items. Each cohort needs inclusion items of its own (who belongs to
    it), no item may name a cohort in its own words ("does not meet the criteria for the LN
    cohort"), and a block the parse only numbered ("criteria block 2": a heading opened
    again with no name, which may just continue the list) or one for people who are not
    patients (matcher.criteria.groups `populations` reads those) is none."""
    labels = {i: " ".join(label.split()) for i, label in labelled.items()}
    names = set(labels.values())
    if len(labels) != len(shapes) or len(names) < 2:
        return None
    if any(guard.unnamed_block(n) or non_patient(n) for n in names):
        return None
    included = {labels[i] for i, s in enumerate(shapes) if s.section == "inclusion"}
    if included != names:
        return None
    word = _cohort_patterns()[2]
    if any(word.search(s.text) or any(word.search(h) for h in s.context) for s in shapes):
        return None
    return {i: CohortScope(label, (label,)) for i, label in labels.items()}


# ----------------------------------------------------------------------------- populations


@dataclass(frozen=True)
class Populations:
    """Who the blocks of a trial's list address, when the trial takes people who are not
    patients beside them ("Patients:" / "Healthy controls:"; "Healthcare professionals
    who ..." / "Patients with ..."). The engine matches patients: `patients` is the one
    patient population the trial names (None when it names none or several: "LN cohort"
    and "SLE cohort" stay one cohort's items each); `subjects` the populations items name
    by their subject (item index → "patients", "healthcare professionals")."""

    patients: str | None = None
    subjects: dict[int, str] | None = None

    def addressed(self, label: str) -> str | None:
        """ "patients" when a block labelled `label` holds the patients' criteria, "others"
        when it addresses people who are not patients, None when undecided (its items
        keep the cohort guard)."""
        if self.patients is None:
            return None
        if _same_population(label, self.patients):
            return "patients"
        return "others" if non_patient(label) else None


def _same_population(first: str, second: str) -> bool:
    return " ".join(first.lower().split()) == " ".join(second.lower().split())


@cache
def _non_patient_end() -> re.Pattern[str]:
    words = _alternation(load_list_rules().non_patient_words)
    # The population is the label's last words: "healthy control group", "patients'
    # caregivers" (a note in brackets aside: "controls (n = 40)").
    return re.compile(rf"(?:^|\W)(?:{words})(?:\s+(?:group|cohort|arm|population))?$", _I)


def non_patient(label: str) -> bool:
    """Does a block label name people who are not patients ("Healthy controls", "For
    caregivers", "control subjects")?"""
    text = re.sub(r"\([^()]*\)", " ", label).strip(" :：*#_-")
    return bool(_non_patient_end().search(" ".join(text.split())))


@cache
def _section_population() -> re.Pattern[str]:
    words = _alternation(load_list_rules().population_words)
    return re.compile(
        r"^\W*(?:key\s+)?(?:(?:inclusion|exclusion|eligibility)\s+)?criteria\s+(?:for|in)\s+"
        # "Immune Thrombocytopenic Purpura (ITP) Patients"
        rf"(?:the\s+)?(?P<label>(?:(?!all\b|both\b)[\w'/-]+\s+(?:\([^()]{{1,20}}\)\s+)?){{0,4}}"
        rf"(?:{words}))"
        # "Key Criteria for Healthy Volunteers: Subject must be ...": the heading's own
        # line may go on with the first requirement.
        r"\s*(?:\([^()]{0,40}\))?\s*(?:[:：].*|\W*)$",
        _I,
    )


def section_population(heading: str) -> str | None:
    """The population a section heading names: "Inclusion criteria for healthy controls:"
    → "healthy controls"; None for "Inclusion Criteria:" or "... for all participants"."""
    text = heading.strip().strip("*#_ ").strip()
    m = _section_population().match(text) if len(text) <= 100 else None
    return " ".join(m["label"].lower().split()) if m else None


@cache
def _subject_lead() -> re.Pattern[str]:
    others = _alternation(load_list_rules().non_patient_words)
    return re.compile(rf"^\W*(?:the\s+)?(?:(?P<patients>patients?)|(?P<others>{others}))\b", _I)


def led_by_others(text: str) -> bool:
    """Does an item open on people who are not the patients ("Parents/caregivers aged
    18 or over", "Healthy controls aged 20-40")? What it says (an age) is theirs."""
    m = _subject_lead().match(text)
    return m is not None and bool(m["others"])


# Subjects that name a separate population of the study: "Donors", "Parents", "Family
# members" gate the patient's own enrolment ("Donor age > 65"), so an item they lead is
# still the patient's and keeps whatever reading (or guard) it has.
_RELATIVES = re.compile(r"^(?:donors?|parents?(?:/caregivers?)?|family members?)$", _I)


def _subjects(shapes: Sequence[DraftShape]) -> dict[int, str]:
    """Item index → the population its subject names, in a list where some items are led
    by "Patients ..." and others by people who are not patients ("Healthcare professionals
    who see people with SSc"); {} otherwise (a plain list of "Patients with ...")."""
    found: dict[int, str] = {}
    for index, shape in enumerate(shapes):
        m = _subject_lead().match(shape.text)
        if m is None or (m["others"] and _RELATIVES.match(m["others"])):
            continue
        found[index] = "patients" if m["patients"] else " ".join(m["others"].lower().split())
    labels = set(found.values())
    if "patients" not in labels or len(labels) < 2:
        return {}
    return found


# A label that names patients as such: "patients", "SLE patients", "cases".
_PATIENTS_LABEL = re.compile(r"(?:^|\W)(?:patients?|cases)$", _I)


def _the_patients(label: str, others: bool) -> bool:
    """Can `label`, the one patient label of a trial, be taken as all its patients? A label
    that says "patients" can; a cohort named by words ("Sicca cohort") only beside a
    population that is not patients; a numbered one ("Part B", "Cohort 2") never: its
    siblings may be unlabelled."""
    text = " ".join(re.sub(r"\([^()]*\)", " ", label).split())
    if _PATIENTS_LABEL.search(text):
        return True
    return others and _cohort_patterns()[1].search(text) is None


def populations(shapes: Sequence[DraftShape]) -> Populations:
    """The trial's populations (see `Populations`): the labels of its blocks and of the
    subjects its items name, when exactly one of them names patients (any label that is
    not a known non-patient population counts as one: "Children:" and "Adults:" are two).
    "Inclusion criteria for patients:" alone names the patients, and nobody else."""
    subjects = _subjects(shapes)
    labels = {" ".join(s.cohort.lower().split()) for s in shapes if s.cohort}
    labels |= set(subjects.values())
    patient_labels = {label for label in labels if not non_patient(label)}
    if len(patient_labels) != 1:
        return Populations(None, subjects)
    label = next(iter(patient_labels))
    if not _the_patients(label, bool(labels - patient_labels)):
        return Populations(None, subjects)
    return Populations(label, subjects)
