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
from matcher.errors import VocabularyError

__all__ = ["LISTS_FILE", "ListRules", "Member", "clauses", "load_list_rules", "members",
           "read_list_rules", "top_level"]  # fmt: skip

LISTS_FILE = "matcher/criteria/data/criteria_lists.json"
_LISTS = ("list_leads", "clause_links", "organ_words", "population_words")
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


def read_list_rules(text: str, source: str = LISTS_FILE) -> ListRules:
    """The rules from the text of a lists data file, validated: the keys, each a list of
    distinct words or phrases; else VocabularyError naming the file and the key."""
    data = read_data_object(text, source, frozenset({"version", "description", *_LISTS}))
    lists: dict[str, list[str]] = {}
    for key in _LISTS:
        values = data[key]
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


def _split(
    body: str, top: Sequence[bool], terms: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The members' spans in `body`: cut at top-level commas and "or" outside any term."""
    cuts = [m for m in _SEPARATOR.finditer(body) if top[m.start()]
            and not any(s < m.start() and m.end() < e for s, e in terms)]  # fmt: skip
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
        if len(words) != 1 or body[begin:end].strip() != words[0][0]:
            return None
        organs.append(words[0])
    organs.append(last_words[0])
    if body[first_words[-1].end() : spans[0][1]].strip():
        return None  # "liver (ALT > 3 × ULN), kidney or heart disease": no bare organ
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
) -> list[Member] | None:
    """The members of an exclusion item that lists findings, each with what reaches it,
    or None when the item is no list the module can read (see the module docstring).
    `terms`: where vocabulary terms sit in `text`; `terms_of`: the same for any text."""
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
    elif bracket > 0 and _closing(text, bracket) == end - 1:
        # "Co-morbidity preventing resistance training (severe heart disease, ...)".
        begin, end, lead, certain = bracket + 1, end - 1, text[:bracket], True
    if certain and _introduces(lead):
        lead = ""  # it only introduces the list
    body = text[begin:end]
    top = top_level(body)
    if re.search(
        r"\sand\s", "".join(ch if keep else " " for ch, keep in zip(body, top, strict=True))
    ):
        return None  # "A, B and C": an "and" may join findings that must come together
    terms = [(s - begin, e - begin) for s, e in terms if s >= begin and e <= end]
    spans = _split(body, top, terms)
    if not 2 <= len(spans) <= _MAX_MEMBERS:
        return None
    shared = _shared_head(body, spans, terms, " ".join(lead.split()))
    if shared is not None:
        return shared
    found = _members_with_reach(body, spans, terms, " ".join(lead.split()))
    if found is None:
        return None
    out = [m for member in found for m in _expand_slash(member, terms_of)]
    return out if len(out) <= _MAX_MEMBERS else None


def _members_with_reach(body: str, spans: list[tuple[int, int]],
                        terms: Sequence[tuple[int, int]], lead: str
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
    if not all(inside):
        return None  # a member naming nothing: a qualifier of its neighbour, perhaps
    first_b, first_e = spans[0]
    own_lead_end = inside[0][0][0]
    intro = first_b + _introducer_end(body[first_b:own_lead_end])
    first_own = body[intro:first_e].strip()
    may_lead = body[intro:own_lead_end].strip()
    last_b, last_e = spans[-1]
    tail_start = max(e for _, e in inside[-1])
    after = body[tail_start:last_e]
    bracket = re.match(r"\s*\(", after)
    if bracket is not None:
        close = _closing(after, bracket.end() - 1)
        tail_start += (close + 1) if close is not None else len(after)
    tail = body[tail_start:last_e].strip()
    if tail and not words_of(tail) or tail and _introduces(tail):
        tail = ""
    prefix = f"{lead} " if lead else ""
    out: list[Member] = []
    for index, (begin, end) in enumerate(spans):
        own = first_own if index == 0 else body[begin:end].strip()
        variants: list[str] = []
        reach: list[str] = []
        if index > 0 and may_lead:
            variants.append(f"{may_lead} {own}")
            reach.append(may_lead)
        if index < len(spans) - 1 and tail:
            variants += [f"{v} {tail}" for v in [own, *variants]]
            reach.append(tail)
        out.append(Member(f"{prefix}{own}", tuple(f"{prefix}{v}" for v in variants),
                          " … ".join(reach)))  # fmt: skip
    return out
