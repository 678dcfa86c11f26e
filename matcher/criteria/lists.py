"""One item, many criteria: the clauses of an item and the members of its lists.

A registry item often states several criteria at once, and one word the reader does not
understand must not cost the others. This module finds the structure; the reader
(matcher.criteria.reader) reads each part on its own, so a part may be computed while a
sibling stays manual with its own reason:

- **clauses**: sentences and top-level semicolons ("History of peptic ulcer or GI
  bleeding; treatment with warfarin or other anticoagulants within last 14 days"). A
  clause is a criterion of its own unless another clause leans on it: it opens with a
  connective ("or ...", "unless ...", "including ...") or names an exception, a permission
  or a reference ("Inhaled steroids are allowed", "This does not apply to ...").
- **members** of an exclusion's list, each read with what reaches it:
  - a **shared head**: "Severe chronic liver, kidney or heart disease", "knee/hip
    arthritis" name one disease per organ, and the lead ("severe chronic") and the head
    ("disease") are read with each ("severe chronic kidney disease");
  - a **lead that introduces the list**: "Patients with other diseases: cancer, current
    infection", "comorbidities of HIV or liver disease" (data: `list_leads`) adds nothing
    to any member, which is read alone; a lead with any other word ("Co-morbidity
    preventing resistance training (severe heart disease, ...)") is read with every
    member, so each stays manual naming it, never dropped;
  - a **lead or tail whose reach is unknown**: in "uncontrolled heart failure, HIV or
    liver disease" "uncontrolled" may or may not qualify HIV, and in "stroke or MI within
    6 months" the window may or may not reach "stroke". Each member carries the readings
    with and without them (`variants`); the reader computes it only when they all agree,
    else the member is manual and says which words may reach it.

The words are data (matcher/criteria/data/criteria_lists.json, validated on load).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from matcher.criteria.grammar import (
    Phrases,
    criteria_data_text,
    load_grammar,
    phrase_pattern,
    read_data_object,
    words_of,
)
from matcher.criteria.temporality import load_temporality
from matcher.errors import VocabularyError

__all__ = ["LISTS_FILE", "ListRules", "Member", "category_qualifiers", "clauses",
           "history_end", "load_list_rules", "members", "names_a_finding", "names_a_threshold",
           "names_category", "opens_on_time", "read_list_rules", "stands_alone",
           "threshold_at", "top_level", "with_qualifiers"]  # fmt: skip

LISTS_FILE = "matcher/criteria/data/criteria_lists.json"
_LISTS = ("list_leads", "clause_links", "organ_words", "population_words")
_OPTIONAL_LISTS = ("member_qualifiers", "non_patient_population_words")
_I = re.IGNORECASE
_MAX_MEMBERS = 8
_MAX_CLAUSES = 8
_MAX_CHARS = 1200  # a paragraph longer than this is read whole (and in linear time)


@dataclass(frozen=True)
class ListRules:
    list_leads: Phrases
    clause_links: re.Pattern[str]
    organ_words: frozenset[str]
    population_words: tuple[str, ...] = ()
    member_qualifiers: frozenset[str] = frozenset()
    # "Healthy controls", "caregivers": populations that are not patients (groups.py).
    non_patient_words: tuple[str, ...] = ()


def read_list_rules(text: str, source: str = LISTS_FILE) -> ListRules:
    """The rules from the text of a lists data file, validated: the keys, each a list of
    distinct words or phrases; else VocabularyError naming the file and the key."""
    data = read_data_object(text, source, frozenset({"version", "description", *_LISTS}),
                            _OPTIONAL_LISTS)  # fmt: skip
    lists: dict[str, list[str]] = {}
    for key in (*_LISTS, *_OPTIONAL_LISTS):
        values = data.get(key, [])
        if not isinstance(values, list) or not all(
            isinstance(v, str) and words_of(v) for v in values
        ):
            raise VocabularyError("not a list of words", file=source, field=key,
                                  expected="a list of words or phrases")  # fmt: skip
        seen = [tuple(words_of(v)) for v in values]
        if len(set(seen)) != len(seen):
            raise VocabularyError("duplicate entry", file=source, field=key,
                                  expected="each word or phrase once")  # fmt: skip
        lists[key] = values
    links = "|".join(phrase_pattern(e) for e in sorted(lists["clause_links"], key=len,
                                                         reverse=True))  # fmt: skip
    return ListRules(
        list_leads=Phrases(lists["list_leads"]),
        clause_links=re.compile(links, _I),
        organ_words=frozenset(w for e in lists["organ_words"] for w in words_of(e)),
        population_words=tuple(lists["population_words"]),
        member_qualifiers=frozenset(w.lower() for e in lists["member_qualifiers"]
                                    for w in words_of(e)),  # fmt: skip
        non_patient_words=tuple(lists["non_patient_population_words"]),
    )


@cache
def load_list_rules() -> ListRules:
    """The packaged rules, read and validated once."""
    return read_list_rules(criteria_data_text("criteria_lists.json"), LISTS_FILE)


# =====================================================================================
# Clauses
# =====================================================================================

# A clause that continues the one before it: "...; or ...", "...; unless ...",
# "...; including ...", "...; with ...".
_LEANS_BACK = re.compile(
    r"^\W*(?:or|and|and/or|nor|but|with|without|who|whom|whose|which|that|where|when|"
    r"despite|after|due\s+to|caused\s+by|requiring|unless|except|excluding|including|"
    r"such\s+as|e\.\s?g\.|i\.\s?e\.|defined|as|if|in\s+whom|especially|particularly|"
    r"in\s+particular|only)\b",
    _I,
)
# Words that make the reach of one clause over the others unknown: a choice between them.
_CHOICE = re.compile(
    r"\b(?:either|one\s+or\s+more|one\s+of|any\s+of|at\s+least\s+(?:one|1|two|2)\s+of|"
    r"whichever|following)\b",
    _I,
)


def clauses(text: str, top: Sequence[bool], sentence_end: re.Pattern[str]) -> list[str] | None:
    """The clauses of an item cut at its top-level sentence ends and semicolons (`top`:
    per character, outside any bracket), or None when it has one clause or its clauses
    lean on each other."""
    if len(text) > _MAX_CHARS or _CHOICE.search(text):
        return None
    cuts = [(m.start(), m.end()) for m in re.finditer(r"\s*;\s*", text) if top[m.start()]]
    cuts += [(m.start() + 1, m.end()) for m in sentence_end.finditer(text) if top[m.start()]]
    spans, start = [], 0
    for begin, end in sorted(cuts):
        if begin < start:
            continue
        spans.append((start, begin))
        start = end
    spans.append((start, len(text)))
    found = [_unbracketed(text[b:e].strip(" ;,.")) for b, e in spans]
    found = [c for c in found if words_of(c)]
    if not 2 <= len(found) <= _MAX_CLAUSES:
        return None
    # "Quiescent lupus: SLEDAI < 7": a clause under a label may define a subgroup.
    if any(":" in c or "：" in c for c in found):
        return None
    rules = load_list_rules()
    if any(_LEANS_BACK.match(c) or rules.clause_links.search(c) for c in found[1:]):
        return None
    return found


def top_level(text: str) -> list[bool]:
    """Per character: outside any bracket? "(hemodialysis or peritoneal dialysis)" is one
    term; its "or" is no cut."""
    depth, out = 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        out.append(depth == 0)
        if ch in ")]" and depth:
            depth -= 1
    return out


def _unbracketed(clause: str) -> str:
    """ "(heart failure (NYHA III), hepatic insufficiency)" → its content: a clause that is
    one bracket says what it says without it."""
    if clause.startswith("(") and clause.endswith(")") and _closing(clause, 0) == len(clause) - 1:
        return clause[1:-1].strip()
    return clause


def _closing(text: str, start: int) -> int | None:
    """Where the bracket opened at `start` closes, or None."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
            if depth == 0:
                return i
    return None


# =====================================================================================
# Members of a list
# =====================================================================================


@dataclass(frozen=True)
class Member:
    """One member of a list. `own`: its words with what certainly reaches it (read
    first); `variants`: the same with a lead or tail that may reach it too; `reach`: those
    words, for the reason when the readings disagree; `rule`: how it was found."""

    own: str
    variants: tuple[str, ...] = ()
    reach: str = ""
    rule: str = "list:member"
    tail: str = ""  # the last member's words that may reach this one too ("within 6 months")

    @property
    def shown(self) -> str:
        return self.variants[-1] if self.variants else self.own


_SEPARATOR = re.compile(r",\s+(?:(?:and/)?or\s+)?|\s+(?:and/)?or\s+", _I)
_INLINE_LEAD = re.compile(r"^(?P<lead>[^:;()]{3,120}?)\s*[:：]\s*(?=\S)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# "heart/lung-disease", "knee/hip arthritis": two organs sharing the head after them.
_SLASH_PAIR = re.compile(r"(?<![\w/-])(?P<a>[^\W\d_]{2,})/(?P<b>[^\W\d_]{2,})(?P<gap>-|\s+)"
                         r"(?=[^\W\d_])")  # fmt: skip


def _introduces(lead: str) -> bool:
    """Is the lead made only of filler and list-introducing words ("Patients with other
    diseases", "comorbidities of")?"""
    grammar, rules = load_grammar(), load_list_rules()
    skip = grammar.filler.words | set(grammar.lead_subjects) | set(grammar.lead_auxiliaries)
    masked = lead
    for begin, end in rules.list_leads.spans(lead) + grammar.filler.spans(lead):
        masked = masked[:begin] + " " * (end - begin) + masked[end:]
    return all(w.lower() in skip or w.lower() in rules.list_leads
               for w in re.findall(r"[^\W_]+", masked))  # fmt: skip


def _introducer_end(text: str) -> int:
    """Where the leading run of filler and list-introducing words of `text` ends."""
    end = 0
    for word in _WORD.finditer(text):
        if not _introduces(text[: word.end()]):
            break
        end = word.end()
    return end


_ENDS_ON_PREPOSITION = re.compile(r"\b(?:of|to|with|for|on|in|from|by|against)\s*$", _I)


def _split(
    body: str, top: Sequence[bool], terms: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The members' spans in `body`: cut at top-level commas and "or" outside any term."""
    # "history of or the presence of a peptic ulcer": a piece ending on a preposition
    # shares its object with the next; the "or" is no cut.
    cuts = [m for m in _SEPARATOR.finditer(body) if top[m.start()]
            and not any(s < m.start() and m.end() < e for s, e in terms)
            and not _ENDS_ON_PREPOSITION.search(body, 0, m.start())]  # fmt: skip
    spans, start = [], 0
    for m in cuts:
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(body)))
    return [(b, e) for b, e in spans if body[b:e].strip()]


def _organ(word: str, rules: ListRules) -> bool:
    return word.lower() in rules.organ_words


def _shared_head(body: str, spans: list[tuple[int, int]], terms: Sequence[tuple[int, int]],
                 lead: str) -> list[Member] | None:  # fmt: skip
    """ "Severe chronic liver, kidney or heart disease": organ words before one head, each
    member the lead, the organ and the head. None when the list is no such list."""
    rules = load_list_rules()
    first_words = list(_WORD.finditer(body, spans[0][0], spans[0][1]))
    last_words = list(_WORD.finditer(body, spans[-1][0], spans[-1][1]))
    if not first_words or len(last_words) < 2:
        return None
    organs = [first_words[-1]]
    for begin, end in spans[1:-1]:
        words = list(_WORD.finditer(body, begin, end))
        if len(words) != 1 or body[begin:end].strip().removesuffix("-") != words[0][0]:
            return None
        organs.append(words[0])
    organs.append(last_words[0])
    if body[first_words[-1].end() : spans[0][1]].strip() not in ("", "-"):
        return None  # "liver (ALT > 3 × ULN), kidney or heart disease": no bare organ
    # "Liver- or renal disease": a hyphen that hangs the organ on the head to come.
    if not all(_organ(o[0], rules) for o in organs):
        return None
    if any(s < organs[0].start() < e for s, e in terms):
        return None  # the first organ word ends a longer term ("chronic kidney ...")
    head = body[last_words[0].end() : spans[-1][1]].strip()
    if "(" in head or "[" in head:
        return None  # "liver or renal failure (ie, dialysis)": the bracket may be renal's
    shared_lead = " ".join(f"{lead} {body[spans[0][0] : first_words[-1].start()]}".split())
    return [Member(" ".join(f"{shared_lead} {o[0]} {head}".split()), rule="list:shared-head")
            for o in organs]  # fmt: skip


# "Severe liver and kidney disease", "heart/lung disease", "neurological & psychiatric
# disorders": two organ words joined before one head, nothing else in the item but a lead.
_ORGAN_PAIR = re.compile(
    r"^(?P<lead>(?:[^\W\d_]+[\s-]+)*?)(?P<a>[^\W\d_]+)\s*(?:\s(?:and|&)\s|&|/)\s*"
    r"(?P<b>[^\W\d_]+)(?:\s+|-)(?P<head>[^\W\d_]+(?:\s+[^\W\d_]+)?)$",
    _I,
)


def _organ_pair(body: str, lead: str) -> list[Member] | None:
    """The two members of an exclusion naming two organs that share one head with "and", "&"
    or a slash, each read with the lead and the head: in "severe liver and kidney disease"
    each organ's disease excludes on its own, as "liver or kidney disease" does (an "and"
    between findings of another kind may join what must come together: not read here).
    The head may not be an organ word itself ("liver and kidney transplant recipients" is no
    pair here: its last words are no disease's head)."""
    rules = load_list_rules()
    m = _ORGAN_PAIR.match(" ".join(body.split()))
    if m is None or not (_organ(m["a"], rules) and _organ(m["b"], rules)):
        return None
    head = m["head"]
    if any(_organ(w, rules) for w in _WORD.findall(head)):
        return None
    shared = " ".join(f"{lead} {m['lead']}".split())
    return [Member(" ".join(f"{shared} {organ} {head}".split()), rule="list:organ-pair")
            for organ in (m["a"], m["b"])]  # fmt: skip


def _expand_slash(member: Member, terms_of: Callable[[str], list[tuple[int, int]]]
                  ) -> list[Member]:  # fmt: skip
    """ "severe heart/lung-disease" → "severe heart disease", "severe lung disease"."""
    rules = load_list_rules()
    m = _SLASH_PAIR.search(member.own)
    if m is None or not (_organ(m["a"], rules) and _organ(m["b"], rules)):
        return [member]
    if any(s < m.end("b") and m.start("a") < e for s, e in terms_of(member.own)):
        return [member]
    out = []
    for organ in (m["a"], m["b"]):
        replaced = f"{organ} "
        out.append(Member(
            member.own[: m.start()] + replaced + member.own[m.end() :],
            tuple(v.replace(m[0], replaced, 1) for v in member.variants),
            member.reach, "list:shared-head",
        ))  # fmt: skip
    return out


def members(
    text: str,
    terms: Sequence[tuple[int, int]],
    terms_of: Callable[[str], list[tuple[int, int]]],
    timed: Callable[[str], bool] | None = None,
) -> list[Member] | None:
    """The members of an exclusion item that lists findings, each with what reaches it,
    or None when the item is no list the module can read (see the module docstring).
    `terms`: where vocabulary terms sit in `text`; `terms_of`: the same for any text;
    `timed`: does a text state a time? Given, a member naming no term may be read as a
    finding of its own (`names_a_finding`) when it states none."""
    text = text.rstrip(" .;,")
    if len(text) > _MAX_CHARS:
        return None
    begin, end, lead, certain = 0, len(text), "", False
    inline = _INLINE_LEAD.match(text)
    bracket = text.find("(")
    if inline is not None:
        # "Patients with other diseases: cancer, current infection": the lead reaches
        # every member.
        begin, lead, certain = inline.end(), inline["lead"], True
    elif (bracket > 0 and _closing(text, bracket) == end - 1
          and not _SEPARATOR.search(text[:bracket])):  # fmt: skip
        # "Co-morbidity preventing resistance training (severe heart disease, ...)"; not
        # "Cardiac disease, renal disease (except ...)", whose bracket is the last member's.
        begin, end, lead, certain = bracket + 1, end - 1, text[:bracket], True
    if certain and _introduces(lead):
        lead = ""  # it only introduces the list
    body = text[begin:end]
    pair = _organ_pair(body, " ".join(lead.split()))
    if pair is not None:
        return pair
    top = top_level(body)
    # "History or presence of A, B or C": the "or" of the history lead joins no members.
    lead_end = _history_end(body)
    top = [keep and at >= lead_end for at, keep in enumerate(top)]
    if re.search(
        r"\sand\s", "".join(ch if keep else " " for ch, keep in zip(body, top, strict=True))
    ):
        return None  # "A, B and C": an "and" may join findings that must come together
    terms = [(s - begin, e - begin) for s, e in terms if s >= begin and e <= end]
    spans = _split(body, top, terms)
    if not 2 <= len(spans) <= _MAX_MEMBERS:
        return None
    if _threshold_tail(_bare(body[spans[-1][0]:spans[-1][1]])):
        return None  # "SBP ≥ 160 or DBP ≥ 100 mmHg measured in the office": both so measured
    shared = _shared_head(body, spans, terms, " ".join(lead.split()))
    if shared is not None:
        return shared
    found = _members_with_reach(body, spans, terms, " ".join(lead.split()), timed, terms_of)
    if found is None:
        return None
    out = [m for member in found for m in _expand_slash(member, terms_of)]
    return out if len(out) <= _MAX_MEMBERS else None


def _members_with_reach(body: str, spans: list[tuple[int, int]],
                        terms: Sequence[tuple[int, int]], lead: str,
                        timed: Callable[[str], bool] | None = None,
                        terms_of: Callable[[str], list[tuple[int, int]]] | None = None,
                        ) -> list[Member] | None:  # fmt: skip
    """Members of a plain list. Each names a vocabulary term. The words of the first
    member before its first term may be a lead of the whole list, and the words of the
    last after its last term (a bracket right after the term is the term's own) a tail:
    both are variants of the middle members."""
    rules = load_list_rules()
    # An organ pair ("heart/lung disease") names findings as a term does.
    pairs = [(m.start(), m.end("b")) for m in _SLASH_PAIR.finditer(body)
             if _organ(m["a"], rules) and _organ(m["b"], rules)]  # fmt: skip
    inside = [sorted(t for t in [*terms, *pairs] if b <= t[0] and t[1] <= e) for b, e in spans]
    heads = _elided_heads(body, spans, inside, rules) if timed is not None else {}
    term_made: dict[int, str] = {}
    if terms_of is not None:
        term_made = _term_heads(body, spans, inside, terms_of)
        heads = {**heads, **term_made}
    if not all(inside) and (timed is None or not _unknown_members_stand_alone(
            body, spans, inside, timed, heads, frozenset(term_made))):  # fmt: skip
        return None  # a member naming nothing: a qualifier of its neighbour, perhaps
    if any(found and _term_is_an_object(body, b, found[0][0], rules)
           for (b, _), found in zip(spans, inside, strict=True)):
        return None  # "... or other lipid disorders requiring statins": no finding named
    first_b, first_e = spans[0]
    intro = first_b + _introducer_end(body[first_b:first_e])
    if inside[0]:
        own_lead_end = inside[0][0][0]
        intro = first_b + _introducer_end(body[first_b:own_lead_end])
    else:
        # "Uncontrolled alkaptonuria, diabetes or HIV": the qualifiers before a finding the
        # vocabulary does not know may reach the members after it.
        own_lead_end = _qualifiers_end(body, intro, first_e, rules)
    first_own = body[intro:first_e].strip()
    may_lead = body[intro:own_lead_end].strip()
    # "History of A, B or C" is a history of each; a member with a time word of its own
    # ("History of stroke, or current pregnancy") may not take it.
    history = _history_end(may_lead)
    certain, may_lead = may_lead[:history].strip(), may_lead[history:].strip()
    last_b, last_e = spans[-1]
    tail_start = max((e for _, e in inside[-1]), default=last_e)
    after = body[tail_start:last_e]
    bracket = re.match(r"\s*\(", after)
    if bracket is not None:
        close = _closing(after, bracket.end() - 1)
        tail_start += (close + 1) if close is not None else len(after)
    tail = body[tail_start:last_e].strip()
    if tail and not words_of(tail) or tail and _introduces(tail):
        tail = ""
    # The later members' own words: the last one's tail may reach every member ("nasal
    # fracture or surgery in the past year": "surgery" is a bare head).
    owns = [(b, e) for b, e in spans[1:-1]] + [(last_b, tail_start if tail else last_e)]
    if may_lead and all(w.lower() in rules.organ_words for w in _WORD.findall(may_lead)) and any(
            len(_WORD.findall(body[b:e])) > 1 for b, e in owns):  # fmt: skip
        # "Renal thrombotic microangiopathy, chronic kidney failure, pregnancy": an organ
        # word names where its own finding sits. It reaches the members after it only
        # when they are bare heads left to share it ("Cardiac arrhythmia, ischaemia or
        # failure", "nasal fracture or surgery": the surgery may be the nose's).
        may_lead = ""
    prefix = f"{lead} " if lead else ""
    out: list[Member] = []
    governors: list[str] = []
    for index, (begin, end) in enumerate(spans):
        own = first_own if index == 0 else body[begin:end].strip()
        variants: list[str] = []
        reach: list[str] = []
        rule = "list:member"
        if index in heads:
            # "severe gastrointestinal, neurological or blood disorders"
            own, rule = f"{own} {heads[index]}", "list:shared-head"
        if index > 0 and certain:
            if _history_end(own):
                pass  # "History of stroke, or a history of seizures": its own lead
            elif opens_on_time(own, rules):
                may_lead = " ".join(f"{certain} {may_lead}".split())
            else:
                own, rule = f"{certain} {own}", "list:history-lead"
        elif index == 0 and certain:
            rule = "list:history-lead"
        if index > 0 and may_lead and not own.lower().startswith(may_lead.lower()):
            variants.append(f"{may_lead} {own}")
            reach.append(may_lead)
        for governor in governors:
            # "Allergy or intolerance to bupivacaine, celecoxib or dexamethasone": the
            # members after "intolerance to" may be its objects, not findings.
            own_history = _history_end(own) and _history_end(governor) >= len(governor)
            # "Women with immunosuppressive disorders or with HIV": its own preposition.
            own_object = own.split()[0].lower() == governor.split()[-1].lower()
            if not own.lower().startswith(governor.lower()) and not (own_history or own_object):
                variants.append(f"{governor} {own}")
                reach.append(governor)
        governor = _governor(own)
        if governor and index < len(spans) - 1:
            governors.append(governor)
        if index < len(spans) - 1 and tail:
            variants += [f"{v} {tail}" for v in [own, *variants]]
            reach.append(tail)
        out.append(Member(f"{prefix}{own}", tuple(f"{prefix}{v}" for v in variants),
                          " … ".join(reach), rule,
                          tail if index < len(spans) - 1 else ""))  # fmt: skip
    return out


# "Requiring", "treated with": the term after it is what the finding before it needs.
_NEEDS = re.compile(r"\b(?:requir(?:ing|es?|ed)|needing|needs?|treated|receiving|managed)\b", _I)


def _term_is_an_object(body: str, begin: int, term_start: int, rules: ListRules) -> bool:
    """Is a member's first term the object of a need its own unknown finding states ("other
    serious inherited lipid disorders requiring statin therapy")? Then the member names a
    finding the vocabulary does not know, qualified by the term, and its siblings' reading
    would stand for what the member excludes: the list is no list of known findings."""
    before = body[begin:term_start]
    needs = list(_NEEDS.finditer(before))
    if not needs:
        return False
    need = needs[-1]
    words = [w for p in _WORD.findall(_bare(before[: need.start()])) for w in p.split("-")]
    return any(len(w) > 2 and not _qualifier_word(w, rules) for w in words)


# A piece that leans on the member before it: "..., requiring insulin", "..., not
# controlled by medication", "..., in remission", "..., refractory to treatment".
_QUALIFIER_START = re.compile(
    r"^\W*(?:in|on|at|to|for|by|with|without|from|into|upon|via|under|over|as|per|who|"
    r"which|that|whose|whom|when|where|if|than|unless|except|excluding|not|no|never|"
    r"requiring|needing|despite|due|caused|secondary|defined|especially|particularly|"
    r"including|such|e\.\s?g\.|i\.\s?e\.|or|and|but|nor|only)\b",
    _I,
)
_PREPOSITION = frozenset({"in", "on", "at", "to", "for", "by", "with", "without", "from",
                          "into", "upon", "via", "under", "over", "as", "per", "than"})  # fmt: skip
# A word inside a piece that opens a qualifying clause: after the last member it may
# reach every member ("A, B or galactose intolerance requiring treatment").
_QUALIFYING_WORD = re.compile(
    r"\b(?:requiring|requires?|required|needing|needs?|with|without|despite|due\s+to|"
    r"caused\s+by|secondary\s+to|related\s+to|associated\s+with|treated|controlled|not|"
    r"unless|except|excluding|other\s+than|who|which|that|if|when|unless|during|after|"
    r"before|since|prior|within|in\s+the\s+(?:past|last)|over\s+the)\b",
    _I,
)
_NUMBER = re.compile(r"\d|[<>≤≥=%]|\b(?:[IVX]{1,4})\b")


def _qualifier_word(word: str, rules: ListRules) -> bool:
    """A word that qualifies a finding rather than naming one ("poorly", "controlled",
    "NYHA", "renal")."""
    grammar = load_grammar()
    low = word.lower()
    return (low in rules.member_qualifiers or low in rules.organ_words
            or low in grammar.filler.words or low in grammar.negators
            or low.endswith(("ed", "ly")))  # fmt: skip


def names_a_finding(piece: str) -> bool:
    """Does a list member the vocabulary does not know name a finding of its own
    ("galactose intolerance", "ocular herpes simplex", "Kartagener syndrome"), rather than
    qualify the member before it ("poorly controlled", "refractory to treatment", "NYHA
    class III", "requiring insulin", "active or latent")? It must open on no connective or
    preposition, hold no number or class, and have a word that is no qualifier, organ or
    filler word (a bracket is its own: "alkaptonuria (except mild forms)")."""
    rules = load_list_rules()
    bare = _bare(piece)
    words = _WORD.findall(bare)
    if not words or _QUALIFIER_START.match(bare) or _NUMBER.search(bare):
        return False
    if len(words) > 1 and _qualifier_word(words[0], rules) and words[1].lower() in _PREPOSITION:
        return False  # "refractory to treatment", "dependent on oxygen"
    # "hepatitis A, B or C": a lone letter is a head left out, no finding of its own.
    return any(len(w) > 2 and not _qualifier_word(w, rules)
               for p in words for w in p.split("-"))  # fmt: skip


# A comparison with its value: "> 2-fold the upper normal limit", "below 30 mL/min".
_COMPARISON = re.compile(
    r"(?:[<>≤≥]=?|=<|=>|\b(?:above|below|greater\s+than|less\s+than|more\s+than|fewer\s+than|"
    r"higher\s+than|lower\s+than|exceeding|over|under)\b)\s*\d",
    _I,
)


def threshold_at(text: str) -> re.Match[str] | None:
    """The first comparison with its value in `text` ("ALT > 3 × ULN", "platelets below
    50"), or None."""
    return _COMPARISON.search(text)


# A threshold's value and its unit: "≥100 mmHg", "> 1.5 mg/dL", "< 30 mL/min/1.73 m2".
_VALUE_AND_UNIT = re.compile(r"[\d.,]+\s*(?:[^\W\d_][^\s,;]*(?:\s+m\^?2\b)?|%)?", _I)
# How a value was measured, said after it: "measured through office blood pressure",
# "as assessed by the central laboratory", "confirmed on repeat testing".
_METHOD_TAIL = re.compile(
    r"\W*(?:(?:as|when|if|and)\s+)?(?:measured|assessed|determined|confirmed|obtained|"
    r"taken|recorded|calculated|estimated|documented|tested|evaluated)\b", _I)


def _threshold_tail(bare: str) -> bool:
    """Does a list's last member end, after its threshold, on how the value was measured,
    which may reach the members before it? "Systolic BP ≥ 160 mmHg or diastolic BP ≥ 100
    mmHg measured in the office": how both were measured, not the diastolic's alone."""
    m = _COMPARISON.search(bare)
    if m is None or not names_a_threshold(bare):
        return False
    value = _VALUE_AND_UNIT.match(bare, m.end() - 1)
    return value is not None and _METHOD_TAIL.match(bare, value.end()) is not None


def names_a_threshold(piece: str) -> bool:
    """Is a list member the vocabulary does not know a threshold on something it names
    ("liver enzyme elevation > 2-fold the upper normal limit", "serum ferritin above 1000
    ng/mL")? It must open on no connective or preposition and name, before its
    comparison, a word that is no qualifier, organ or filler word: "NYHA class > II" or
    "> 3 episodes" qualify the member before them."""
    rules = load_list_rules()
    bare = _bare(piece)
    m = _COMPARISON.search(bare)
    if m is None or _QUALIFIER_START.match(bare) or _TIME_AMOUNT.search(bare):
        return False  # "ceasing < 6 months ago": a time, no measure
    words = [w for p in _WORD.findall(bare[: m.start()]) for w in p.split("-")]
    return any(len(w) > 2 and not _qualifier_word(w, rules) for w in words)


def _unknown_members_stand_alone(
    body: str, spans: list[tuple[int, int]], inside: list[list[tuple[int, int]]],
    timed: Callable[[str], bool], heads: dict[int, str], term_made: frozenset[int] = frozenset(),
) -> bool:
    """May the members naming no vocabulary term be read as findings of their own? Each
    must name one (`names_a_finding`) and carry no time ("A, B or alkaptonuria within 6
    months": the window may reach every member), and the last none of the words that open
    a qualifying clause, which may reach the members before it. A member that makes a
    whole vocabulary term with the head of the member after it (`term_made`, see
    `_term_heads`) names that term's finding even with a number or a letter in it: in
    "Vitamin B12 or folic acid deficiency", "Vitamin B12" is no qualifier of the folate
    deficiency but "Vitamin B12 deficiency"."""
    for index, (begin, end) in enumerate(spans):
        piece = body[begin:end].strip()
        if index == 0:
            piece = piece[_introducer_end(piece):].strip()
            piece = piece[_history_end(piece):].strip()
        if inside[index]:
            continue
        if index in heads:
            piece = f"{piece} {heads[index]}"
        known = index in term_made
        if not (known or names_a_finding(piece) or names_a_threshold(piece)) or timed(piece):
            return False
        if index == len(spans) - 1 and _QUALIFYING_WORD.search(_bare(piece)):
            return False
    return True


# A preposition whose object a list may continue: "intolerance to A, B or C". The "to" of
# a window's anchor ("within 4 weeks prior to screening, or active tuberculosis") has its
# object already: the member after it is no object of it.
_OBJECT_OF = re.compile(
    r"\b(?:(?<!\bprior )to|of|with|for|on|against|towards?|from|by|using)\b", _I)


def _governor(member: str) -> str:
    """The words of a member that may govern the members after it: its history lead
    ("history of" in "..., history of peptic ulcer, heart failure") or its words up to a
    preposition whose object the list may continue ("intolerance to" of "intolerance to
    bupivacaine"); "" when there is none."""
    start = _history_end(member)
    m = _OBJECT_OF.search(_bare(member), start)
    if m is not None:
        return member[: m.end()].strip()
    if start and _ENDS_ON_PREPOSITION.search(member, 0, start):
        return member[:start].strip()  # "..., history of peptic ulcer, heart failure"
    return ""


def _bare(piece: str) -> str:
    """The piece with its brackets blanked."""
    return "".join(ch if keep else " " for ch, keep in zip(piece, top_level(piece), strict=True))


def _elided_heads(body: str, spans: list[tuple[int, int]], inside: list[list[tuple[int, int]]],
                  rules: ListRules) -> dict[int, str]:  # fmt: skip
    """Members that are organ words left to share the head of a later member: in "HIV,
    severe gastrointestinal, neurological or blood disorders" the second and third take
    "disorders". A run of members naming no term, each only qualifier and organ words
    ending on an organ, then a member naming an organ before its head."""
    heads: dict[int, str] = {}
    run: list[int] = []
    for index, (begin, end) in enumerate(spans):
        words = _WORD.findall(body[begin:end])
        bare_organs = (not inside[index] and words and _organ(words[-1], rules)
                       and all(_qualifier_word(w, rules) for w in words)
                       and "(" not in body[begin:end])  # fmt: skip
        if bare_organs:
            run.append(index)
            continue
        if run and words:
            organs = [i for i, w in enumerate(words) if _organ(w, rules)]
            head = words[organs[-1] + 1 :] if organs else []
            if organs and head and not any(_organ(w, rules) for w in head):
                for i in run:
                    heads[i] = " ".join(head)
        run = []
    return heads


def _term_heads(body: str, spans: list[tuple[int, int]], inside: list[list[tuple[int, int]]],
                terms_of: Callable[[str], list[tuple[int, int]]]) -> dict[int, str]:  # fmt: skip
    """Members naming no term that share the head noun of the member after them, where
    the two make a vocabulary term: in "History of solid organ or hematopoietic stem cell
    transplantation", "solid organ" takes "transplantation" ("solid organ transplantation"
    is a term; "solid organ stem cell transplantation" would not be). The head is the
    fewest last words of the later member that do; none, and the member keeps no head."""
    heads: dict[int, str] = {}
    run: list[int] = []
    for index, (begin, end) in enumerate(spans):
        if not inside[index]:
            run.append(index)
            continue
        words = body[begin:end].split()
        for i in run:
            own = body[spans[i][0] : spans[i][1]].strip()
            for size in range(1, min(3, len(words) - 1) + 1):
                head = " ".join(words[-size:])
                candidate = f"{own} {head}"
                if any(e == len(candidate) and s < len(own) for s, e in terms_of(candidate)):
                    heads[i] = head
                    break
        run = []
    return heads


def _qualifiers_end(body: str, begin: int, end: int, rules: ListRules) -> int:
    """Where the run of history and qualifier words opening body[begin:end] ends
    ("Uncontrolled | alkaptonuria", "History of severe | alkaptonuria")."""
    at = begin + _history_end(body[begin:end])
    words = list(_WORD.finditer(body, at, end))
    for word in words[:-1]:  # the last word names the finding ("Active | inflammatory")
        low = word[0].lower()
        # "Receiving | acute or chronic dialysis", "Taking | ...": a verb leads the list.
        if (not (_qualifier_word(low, rules) or low.endswith("ing"))
                or low in _PREPOSITION):  # fmt: skip
            break
        at = word.end()
    return at if at < end else begin


# "Current or | history of", "past or | present", "history or | current": two times joined
# by "or" (now or in the past: ever) are one lead; the "or" joins no members.
_OR_TIME = re.compile(r"\s*(?:and/or|or|/)\s*", _I)
# "present" is a time only so joined ("past or present"); alone it may be a finding's state.
_PRESENT = re.compile(r"present\b", _I)


def _now_then_past(text: str, at: int) -> int | None:
    """The end of "current or history of" (a current word, "or", a history lead) opening
    text[at:], or of "history or current" (a history lead, "or", a current word); None."""
    rules = load_temporality()
    now = re.compile(rf"{_PRESENT.pattern}|{rules.current.pattern}", _I)
    for first, second in ((now, rules.history), (rules.history, now)):
        m = first.match(text, at)
        if m is None or not re.match(r"\W|$", text[m.end() : m.end() + 1]):
            continue
        joined = _OR_TIME.match(text, m.end())
        if joined is None:
            continue
        then = second.match(text, joined.end())
        if then is not None and re.match(r"\W|$", text[then.end() : then.end() + 1]):
            return then.end()
    return None


def _history_end(text: str) -> int:
    """Where a history lead opening `text` ends: "History of", "Any past history of",
    "Previous", "Current or past history of", "Pre-existing" (there at the trial's start,
    said of each member); 0 when there is none."""
    rules = load_temporality()
    history = re.compile(f"{rules.history.pattern}|{rules.existing.pattern}", _I)
    grammar = load_grammar()
    at, end = 0, 0
    while True:
        gap = re.match(r"\s*", text[at:])
        at += gap.end() if gap else 0
        both = _now_then_past(text, at)
        if both is not None:
            at = end = both
            continue
        m = history.match(text, at)
        if m is not None and re.match(r"\W|$", text[m.end() : m.end() + 1]):
            at = end = m.end()
            continue
        word = _WORD.match(text, at)
        if word is None or word[0].lower() not in grammar.filler.words:
            return end
        at = word.end()
        if word[0].lower() == "of" and end:
            end = at


def opens_on_time(member: str, rules: ListRules | None = None) -> bool:
    """Does a member open on a time or state word of its own ("current pregnancy",
    "active tuberculosis", "recent stroke")?"""
    rules = rules or load_list_rules()
    first = _WORD.match(member.strip())
    temporality = load_temporality()
    return first is not None and (
        bool(temporality.history.match(member.strip()))
        or first[0].lower() in rules.member_qualifiers and first[0].lower() not in (
            "other", "another", "any", "all", "known", "documented", "diagnosed")
    )  # fmt: skip



# Category words a head of examples names ("comorbidities", "conditions"): the list leads
# that are nouns of a category, not "other" or "medical".
_NOT_QUALIFYING = frozenset({"other", "another", "any", "all", "known", "documented",
                             "diagnosed", "both", "either", "etc"})  # fmt: skip


def _categories() -> frozenset[str]:
    rules = load_list_rules()
    categories = {w for e in rules.list_leads.entries for w in words_of(e)} - _NOT_QUALIFYING
    return frozenset(categories - {"medical", "comorbid", "co"})


def names_category(text: str) -> bool:
    """Does the text name a category of conditions ("neurological disorders")?"""
    return any(w in _categories() for w in words_of(text))


def category_qualifiers(head: str) -> str | None:
    """The qualifiers a head naming a category of conditions gives its examples:
    "Other severe active co-morbidities" → "severe active"; "History of neurological
    problems" → "History of"; "Other medical conditions" → "". None when the head names
    no category ("comorbidities", "diseases", "conditions") or has any other word
    ("Co-morbidity preventing exercise": the examples are instances only of what limits
    exercise; "other spinal diseases (compression fracture, tumour)": an organ narrows
    them, a tumour there is no malignancy anywhere)."""
    rules, grammar = load_list_rules(), load_grammar()
    skip = grammar.filler.words | set(grammar.lead_subjects) | set(grammar.lead_auxiliaries)
    categories = _categories()
    intro = _introducer_end(head)
    history = _history_end(head[intro:])
    lead = head[:intro + history].strip() if history else ""  # "Presence or history of"
    head = head[intro + history:] if history else head
    words = words_of(head)
    if not any(w in categories for w in words):
        return None
    kept = [lead] if lead else []
    for word in words:
        if word in skip or word in categories or word in {"medical", "comorbid", "co"}:
            continue
        if word not in rules.member_qualifiers or word in _NOT_QUALIFYING:
            if word in _NOT_QUALIFYING:
                continue
            return None
        kept.append(word)
    return " ".join(kept)


def with_qualifiers(member: Member, qualifiers: str) -> Member:
    """The member read with the qualifiers of the head it is an example of ("severe active"
    + "HIV", "History of" + "epilepsy"), a qualifier it already says not repeated."""
    history = _history_end(qualifiers)
    lead, rest = qualifiers[:history].strip(), qualifiers[history:]

    def qualified(text: str) -> str:
        own = {w.lower() for w in _WORD.findall(text)}
        extra = [q for q in rest.split() if q not in own]
        return " ".join([*([lead] if lead and not _history_end(text) else []), *extra, text])

    return Member(qualified(member.own), tuple(qualified(v) for v in member.variants),
                  member.reach, member.rule)  # fmt: skip


def history_end(text: str) -> int:
    """Where a history lead opening `text` ends ("History of | epilepsy"); 0: none."""
    return _history_end(text)


# =====================================================================================
# A member the reader does not understand, read as a criterion of its own
# =====================================================================================


# An amount of time: "12 weeks", "6-months", "3 yrs", "30 seconds".
_TIME_AMOUNT = re.compile(r"\d\s*-?\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|"
                          r"weeks?|wks?|months?|mos?|years?|yrs?)\b", _I)  # fmt: skip
# Examples of a head named before them: "conditions such as A, B or C", "factors, e.g. A".
_EXAMPLE_CUE = re.compile(
    r"\b(?:including|incl\.|e\.\s?g\.|eg|such\s+as|for\s+(?:example|instance)|etc)\b", _I
)
_OPENS_ON_VALUE = re.compile(r"^\W*(?:[<>≤≥=]|\d)")
# A piece that is only an age limit ("older than age 70 years", "under the age of 16"):
# its years are the person's age, no time reaching its siblings. "onset before age 16"
# is no such piece (an age at a time), nor "aged 18 within 3 months".
_AGE_LIMIT = re.compile(
    r"^\W*(?:(?:older|younger)\s+than|over|under|above|below|aged?)\s+(?:the\s+)?"
    r"(?:age\s+(?:of\s+)?)?(?:[<>≤≥]=?\s*)?\d{1,3}\s*(?:years?|yrs?)?"
    r"(?:\s+(?:old|of\s+age))?\W*$",
    _I,
)
# A member read alone as a finding of its own names it in a few words ("alkaptonuria",
# "Kartagener syndrome"); a longer run the vocabulary does not know may hold a clause
# that reaches its siblings ("... lasting longer than 30 seconds").
_MAX_UNKNOWN_WORDS = 4


def _may_be_a_tail(after: str) -> bool:
    """May the words after the last term of a list's last member reach the members
    before it? A clause may ("... treatment for less than 12 weeks", "... lasting longer
    than 30 seconds"); a noun or two that make one name with the term do not ("lupus
    crisis patients")."""
    filler = load_grammar().filler.words
    words = [w for w in _WORD.findall(_bare(after)) if w.lower() not in filler]
    return (len(words) > 2 or bool(_NUMBER.search(after))
            or any(w.lower() in _PREPOSITION or w.lower().endswith("ing") for w in words))


def stands_alone(pieces: Sequence[str], index: int,
                 terms_of: Callable[[str], list[tuple[int, int]]],
                 timed: Callable[[str], bool]) -> bool:  # fmt: skip
    """May piece `index` of an exclusion's list ("A, B or C"), which the reader does not
    understand, stay a manual criterion of its own while its siblings are read alone?
    "History of HCQ allergy, G6PD deficiency, alkaptonuria or creatinine clearance < 30
    mL/min" excludes on each member; one unknown member costs the others nothing. Not
    when its words may reach a sibling or a sibling's words may reach it:
    - a piece names examples of a head ("conditions such as A, B or C", "Seizure caused
      by factors such as HIE, infection");
    - a later piece opens on a word that leans on the piece before it ("..., requiring
      insulin", "... < 40 mmHg or > 100 mmHg");
    - it names no finding of its own ("kidney", "poorly controlled": a head or a
      qualifier of a neighbour);
    - it or a later piece states a time that may reach it ("A, B or C within 6 months",
      "A or B treatment for less than 12 weeks");
    - it opens a clause whose objects may be the pieces after it ("asthma that requires
      inhaled steroids, cromolyn or nedocromil"), or the last piece holds a word that
      opens a qualifying clause ("A, B or C requiring hospitalisation");
    - it is the last and may end on a tail that reaches every member: a clause after a
      term it names, more than a few words, or a number that is no threshold of its own;
    - it is the first and its words before the finding it names may lead the list
      ("Significant liver, kidney or heart failure")."""
    piece = pieces[index].strip()
    bare = _bare(piece)
    if any(_EXAMPLE_CUE.search(p) for p in pieces):
        return False
    if any((_QUALIFIER_START.match(_bare(p)) or _OPENS_ON_VALUE.match(p))
           and not _AGE_LIMIT.match(p) for p in pieces[1:]):  # fmt: skip
        return False
    if any((timed(p) or _TIME_AMOUNT.search(p)) and not _AGE_LIMIT.match(p)
           for p in pieces[index:]):  # fmt: skip
        return False
    rules = load_list_rules()
    words = [w for w in _WORD.findall(bare) for w in w.split("-")]
    if not any(len(w) > 2 and not _qualifier_word(w, rules) for w in words):
        return False
    if _QUALIFYING_WORD.search(_bare(pieces[-1])):
        return False
    last = index == len(pieces) - 1
    if not last and (_QUALIFYING_WORD.search(bare)
                     or _OBJECT_OF.search(bare, _history_end(piece))):  # fmt: skip
        return False
    terms = terms_of(piece)
    if last and (terms and _may_be_a_tail(piece[max(e for _, e in terms) :])
                 or _NUMBER.search(bare) and not names_a_threshold(piece)
                 or _threshold_tail(bare)
                 or not terms and len(_WORD.findall(bare)) > _MAX_UNKNOWN_WORDS):  # fmt: skip
        return False
    if index == 0:
        start = _introducer_end(piece)
        start += _history_end(piece[start:])
        first = _WORD.search(piece, start)
        return first is not None and any(s == first.start() for s, _ in terms)
    return True
