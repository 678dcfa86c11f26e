"""An infection exclusion defined by its treatment: "Active infection requiring intravenous
anti-infective treatment within 4 weeks before screening".

Notes rarely say "infection requiring IV anti-infectives"; they write the course ("Inj.
ceftriaxone 75 mg/kg/day IV 08/11 to 14/11") and the infection ("right lower lobe
pneumonia"). So the item is read as the diagnosis of the treated infection with the
drug classes whose course proves it and the route (params `course_classes`,
`course_route`), and the evaluator (matcher.judge.eval_diagnosis) decides it from those
courses. The words are data (matcher/criteria/data/treated_infection.json), validated
when first read; the concept ids they name are checked against the reader's vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from matcher.criteria.grammar import (
    criteria_data_text,
    phrase_alternation,
    read_data_object,
)
from matcher.criteria.item_context import _Ctx, _Parsed
from matcher.errors import VocabularyError

__all__ = ["read_treated_infection", "treated_infection_grammar", "treated_infection_spans"]

_SOURCE = "matcher/criteria/data/treated_infection.json"
_LISTS = ("qualifiers", "conditions", "requiring", "heads", "now", "current_qualifiers",
          "carve_out_qualifiers", "unnamed_infections")
_KEYS = frozenset({"version", "description", "concept", "routes", "route_glosses",
                   "route_concepts", "admission", "agents", "either", *_LISTS})
_EITHER_KEYS = frozenset({"concept", "qualifiers", "joiners"})
_ADMISSION_KEYS = frozenset({"concept", "before", "after"})
RULE = "treated-infection"


@dataclass(frozen=True)
class TreatedInfection:
    concept: str
    pattern: re.Pattern[str]
    route_of: dict[str, str]  # a route word (folded) → the route
    classes_of: dict[str, tuple[str, ...]]  # an agent word (folded) → its classes
    now: re.Pattern[str]  # "at screening" right after the item
    current: re.Pattern[str]  # "current", "currently", "ongoing" within the item
    # The routes a bracket after the route word may name: "systemic (oral or intravenous)"
    glosses: dict[str, frozenset[str]]
    concept_of_route: dict[str, str]  # "systemic" → the concept such an item is read as
    # "requiring hospitalisation or IV anti-infectives": the item's other branch, and the
    # concept an item with it is read as
    admission_concept: str
    # "Active infection, or any infection requiring IV antibiotics ...": the current
    # infection named as the first branch, at the item's start, and its concept
    either: re.Pattern[str]
    either_concept: str
    # "latent tuberculosis on preventive therapy is permitted": the words an honoured
    # exception clause may say of the condition it lets through
    carve_out: re.Pattern[str]
    # concepts naming no particular infection ("pneumonia" is any infection to the
    # vocabulary): an "including ..." list naming one is not read
    unnamed: frozenset[str]


def _fold(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _words(data: dict, key: str) -> list[str]:
    values = data[key]
    if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and _fold(v) for v in values):  # fmt: skip
        raise VocabularyError("bad word list", file=_SOURCE, field=key, received=values,
                              expected="a non-empty list of words or phrases")
    return values


def _branch(data: dict, field: str, keys: frozenset[str], names: str) -> dict:
    """One branch object of the data file: exactly `keys`, with a non-empty concept id."""
    branch = data[field]
    if not isinstance(branch, dict) or set(branch) != keys or not (
            isinstance(branch["concept"], str) and branch["concept"]):  # fmt: skip
        raise VocabularyError(f"bad {field} branch", file=_SOURCE, field=field,
                              received=branch, expected=f"an object with {names}")
    return branch


@cache
def treated_infection_grammar() -> TreatedInfection:
    data = read_data_object(criteria_data_text("treated_infection.json"), _SOURCE, _KEYS)
    if not isinstance(data["concept"], str) or not data["concept"]:
        raise VocabularyError("no concept", file=_SOURCE, field="concept",
                              received=data["concept"], expected="a concept id")
    lists = {key: _words(data, key) for key in _LISTS}
    routes = data["routes"]
    if not isinstance(routes, dict) or not routes:
        raise VocabularyError("not an object", file=_SOURCE, field="routes",
                              received=routes, expected="route → words")
    route_of = {_fold(w): route for route in routes
                for w in _words(routes, route)}  # fmt: skip
    classes_of: dict[str, tuple[str, ...]] = {}
    agents = data["agents"]
    if not isinstance(agents, list) or not agents:
        raise VocabularyError("not a list", file=_SOURCE, field="agents", received=agents,
                              expected="a list of {words, classes}")
    for index, entry in enumerate(agents):
        field = f"agents[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"words", "classes"}:
            raise VocabularyError("bad agent entry", file=_SOURCE, field=field,
                                  received=entry, expected="an object with words and classes")
        classes = tuple(_words(entry, "classes"))
        for word in _words(entry, "words"):
            if _fold(word) in classes_of:
                raise VocabularyError("duplicate agent word", file=_SOURCE, field=field,
                                      received=word, expected="each word once")
            classes_of[_fold(word)] = classes
    glosses = _route_table(data, "route_glosses", set(routes), list)
    concept_of_route = _route_table(data, "route_concepts", set(routes), str)
    admission = _branch(data, "admission", _ADMISSION_KEYS, "concept, before and after")
    either = _branch(data, "either", _EITHER_KEYS, "concept, qualifiers and joiners")
    # The whole text before the treated phrase: "Active infection, or " (then "any ...").
    either_lead = re.compile(
        rf"^\W*(?:(?:{phrase_alternation(_words(either, 'qualifiers'))})\s+)+"
        rf"(?:{phrase_alternation(lists['conditions'])})\s*,?\s*"
        rf"(?:{phrase_alternation(_words(either, 'joiners'))})\s+$",
        re.IGNORECASE,
    )
    agent = phrase_alternation(w for e in agents for w in e["words"])
    joiner = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and/or|or|and)\s+|\s*/\s*)"
    route = phrase_alternation(route_of_words(routes))
    pattern = re.compile(
        rf"(?:(?:{phrase_alternation(lists['qualifiers'])})\s+)*"
        rf"(?:{phrase_alternation(lists['conditions'])})\s*,?\s+"
        rf"(?:{phrase_alternation(lists['requiring'])})\s+"
        rf"(?P<admit>(?:{phrase_alternation(_words(admission, 'before'))})\s+)?"
        rf"(?P<route>{route})\.?"
        rf"(?:\s*\(\s*(?P<gloss>{route})\.?\s*\))?\s+"
        rf"(?P<agents>(?:{agent})(?:{joiner}(?:{agent}))*)"
        rf"(?:\s+(?:{phrase_alternation(lists['heads'])}))?"
        rf"(?P<admit_after>\s+(?:{phrase_alternation(_words(admission, 'after'))}))?",
        re.IGNORECASE,
    )
    now = re.compile(rf"\s*,?\s*(?:{phrase_alternation(lists['now'])})\b", re.IGNORECASE)
    current = re.compile(rf"\b(?:{phrase_alternation(lists['current_qualifiers'])})\b",
                         re.IGNORECASE)
    return TreatedInfection(
        data["concept"], pattern, route_of, classes_of, now, current,
        {r: frozenset(v) for r, v in glosses.items()}, concept_of_route, admission["concept"],
        either_lead, either["concept"],
        re.compile(phrase_alternation(lists["carve_out_qualifiers"]), re.IGNORECASE),
        frozenset(lists["unnamed_infections"]))


def _route_table(data: dict, key: str, routes: set[str], kind: type) -> dict:
    """`route_glosses` (route → the routes its bracket may name) or `route_concepts`
    (route → concept id), keyed by routes of `routes`, checked."""
    table = data[key]
    good = isinstance(table, dict) and set(table) <= routes and all(
        (isinstance(v, str) and v) if kind is str
        else (isinstance(v, list) and v and set(v) <= routes)
        for v in table.values())  # fmt: skip
    if not good:
        raise VocabularyError("bad route table", file=_SOURCE, field=key, received=table,
                              expected=f"an object keyed by the routes {sorted(routes)}")
    return dict(table)


def route_of_words(routes: dict[str, list[str]]) -> list[str]:
    return [w for words in routes.values() for w in words]


def treated_infection_spans(text: str) -> list[tuple[int, int]]:
    """Where the item's treated-infection phrases sit ("infection requiring hospitalisation
    or IV antibiotics"): one finding each, whose "or" joins no members of a list."""
    return [m.span() for m in treated_infection_grammar().pattern.finditer(text)]


def read_treated_infection(ctx: _Ctx) -> _Parsed | None:
    """The item read as the treated infection, or None when it is not worded so or names
    no window (an infection needing IV antibiotics "ever" is left to the other readers)."""
    grammar = treated_infection_grammar()
    found = grammar.pattern.search(ctx.main)
    if found is None:
        return None
    route = grammar.route_of[_fold(found["route"])]
    if found["gloss"] is not None and (
            grammar.route_of[_fold(found["gloss"])] not in grammar.glosses.get(route, ())):
        # "intravenous (oral)": a bracket naming a route the item's own does not contain
        # is a word this reading cannot account for.
        return None
    concept = grammar.concept_of_route.get(route, grammar.concept)
    if found["admit"] or found["admit_after"]:
        # "requiring hospitalisation or IV anti-infectives": notes name the infection, seldom
        # the admission's reason, so the concept of both branches is read; an infection
        # documented in the window is then left to a person (its screen), a course decides.
        concept = grammar.admission_concept
    concepts = [concept]
    either = grammar.either.match(ctx.main[: found.start()])
    if either is not None:
        # "Active infection, or any infection requiring IV antibiotics within 4 weeks": a
        # current infection documented in the window is met as well as an IV course;
        # any other infection there is left to a person (the screen).
        concepts = [grammar.either_concept, concept]
    if any(c not in ctx.vocab for c in concepts):
        return None
    classes: list[str] = []
    for word in re.finditer(phrase_alternation(grammar.classes_of), found["agents"], re.I):
        classes += [c for c in grammar.classes_of[_fold(word[0])] if c not in classes]
    if not classes or any(c not in ctx.vocab for c in classes):
        # A run's own vocabulary without these classes cannot decide the course: the
        # item is left to the other readers (and, unread, to a person).
        return None
    window = ctx.window()
    temporality = "within"
    if window is None:
        # "Active infection requiring IV antibiotics at screening", "Current infection
        # requiring IV antimicrobials": the infection needing that treatment now.
        now = grammar.now.match(ctx.main, found.end())
        if now is None and grammar.current.search(found[0]) is None:
            ctx.taken.clear()
            return None
        if now is not None:
            ctx.take(now.start(), now.end(), f"{RULE}:now")
        temporality = "current"
    ctx.take(found.start(), found.end(), RULE)
    if either is not None:
        ctx.take(either.start(), either.end(), f"{RULE}:either")
    included = _included_infections(ctx, now.end() if window is None and now is not None
                                    else found.end())
    concepts += [c for c in included if c not in concepts]
    params = {"concepts": concepts, "system": None, "ruled_out_not_met": False,
              "temporality": temporality, "window_days": window, "course_classes": classes,
              "course_route": route}
    if included:
        # "..., including active tuberculosis": the named infection affirmed in the
        # lookback (or the item's window) is met, whatever its course's drugs.
        params["included"] = included
    excepted = _honour_exceptions(ctx, concepts)
    excepted += [c for c in _permitted_carve_outs(ctx, concepts, found.end())
                 if c not in excepted]
    if excepted:
        params["except_concepts"] = excepted
    return _Parsed("diagnosis", ctx.key("infection"), params)


# ", including active tuberculosis", "such as sepsis or pneumonia": infections the item
# names as part of the treated infection; its list holds nothing else.
_INCLUDING = re.compile(
    r"\s*,?\s*(?:including|includes|incl\.|such\s+as|e\.\s?g\.,?|for\s+example)\s+", re.I
)
_INCLUDED_END = re.compile(r"[;(]|$")
_LIST_GAP = re.compile(r"(?:\s|,|/|\bor\b|\band\b|\band/or\b|\bany\b)*\s*\.?\s*", re.I)


def _included_infections(ctx: _Ctx, end: int) -> list[str]:
    """The infections of an "including ..." list right after the treated phrase (read:
    their spans are taken), or none when there is no such list or it names anything but
    infections (its words then stay for the coverage guard)."""
    lead = _INCLUDING.match(ctx.main, end)
    if lead is None:
        return []
    stop = _INCLUDED_END.search(ctx.main, lead.end()).start()
    terms = [t for t in ctx.terms if lead.end() <= t.start and t.end <= stop]
    if not terms:
        return []
    infection = "dx.infection"
    unnamed = treated_infection_grammar().unnamed
    position = lead.end()
    for term in terms:
        concept = ctx.vocab[term.concept_id]
        if (concept.category != "diagnosis" or term.concept_id in unnamed
                or infection not in concept.attrs.get("implies", ())):
            # "such as pneumonia": any infection to the vocabulary, of which only some
            # need the treatment; "or any malignancy": no infection at all.
            return []
        if not _LIST_GAP.fullmatch(ctx.main, position, term.start):
            return []
        position = term.end
    if not _LIST_GAP.fullmatch(ctx.main, position, stop):
        return []
    ctx.take(lead.start(), stop, f"{RULE}:including")
    return list(dict.fromkeys(t.concept_id for t in terms))


# "(latent tuberculosis on preventive therapy is permitted)": a bracket after the treated
# phrase that lets a condition through, with no cue word ("except") before it.
_PERMITTED_BRACKET = re.compile(
    r"\((?P<inner>[^()]*?)\s*\b(?:(?:is|are)\s+)?(?<!\bnot\s)(?<!\bnever\s)"
    r"(?:permitted|allowed|acceptable|eligible)\s*\.?\s*\)", re.I
)
_CARVE_OUT_GLUE = re.compile(r"(?:\s|,|\bor\b|\band\b|\band/or\b)*", re.I)


def _permitted_carve_outs(ctx: _Ctx, concepts: list[str], after: int) -> list[str]:
    """ "Active infection requiring systemic antimicrobials at screening (latent
    tuberculosis on preventive therapy is permitted)": the bracket's conditions, when each
    is one the item may leave out (matcher.criteria.other `left_out`: a latent infection is
    no active one) and every other word of it says the condition is under preventive
    treatment (data `carve_out_qualifiers`). The bracket is then read whole and its
    conditions are excepted; otherwise its words stay for the coverage guard."""
    from matcher.criteria.other import left_out

    carve_out = treated_infection_grammar().carve_out
    found: list[str] = []
    for bracket in _PERMITTED_BRACKET.finditer(ctx.main, after):
        begin, end = bracket.span("inner")
        terms = [t for t in ctx.terms if begin <= t.start and t.end <= end]
        if not terms or any(
                ctx.vocab[t.concept_id].category != "diagnosis" or t.concept_id in concepts
                or not left_out(concepts, t.concept_id, ctx.vocab) for t in terms):  # fmt: skip
            continue
        rest = list(ctx.main[begin:end])
        for t in terms:
            rest[t.start - begin : t.end - begin] = " " * (t.end - t.start)
        rest_text = carve_out.sub(" ", "".join(rest))
        if not _CARVE_OUT_GLUE.fullmatch(rest_text):
            continue
        ctx.take(bracket.start(), bracket.end(), f"{RULE}:permitted")
        found += [t.concept_id for t in terms]
    return list(dict.fromkeys(found))


def _honour_exceptions(ctx: _Ctx, concepts: list[str]) -> list[str]:
    """ "(latent tuberculosis on preventive therapy is permitted)": an exception clause
    that leaves out a condition the treated infection does not hold (matcher.criteria.other
    `exception_clauses`) is honoured, its condition listed as excepted, so that a documented
    latent infection, or the preventive course given for it, is not read as the excluding
    infection. The clause's other words must be exception grammar or, from the data,
    words saying the condition is under preventive treatment."""
    from matcher.criteria.other import exception_clauses

    grammar = treated_infection_grammar()
    excepted: list[str] = []
    for (begin, end), terms in exception_clauses(ctx.exceptions, ctx.exception_spans,
                                                 concepts, ctx.vocab):  # fmt: skip
        if any(c in concepts for _, _, c in terms):
            continue  # "except tuberculosis" of an item naming tuberculosis: not this one
        ctx.honoured.append((begin, end))
        for start, stop, concept in terms:
            ctx.take(start, stop, f"{RULE}:except")
            if concept not in excepted:
                excepted.append(concept)
        for m in grammar.carve_out.finditer(ctx.text, begin, end):
            ctx.take(m.start(), m.end(), f"{RULE}:except")
    return excepted
