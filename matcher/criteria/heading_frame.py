"""The frame a list heading puts around the bare items under it.

Registry authors write the time and the exposure once, in a heading, and list bare
concepts under it:

    * Current diagnosis of any of the following:
      * Sarcoidosis
    * Any patient with prior diagnosis of any of the following conditions is excluded:
      * Hepatitis C infection
    * History of any of the following:
      * rituximab

Read alone, "Sarcoidosis" is a diagnosis at any time and "rituximab" the drug taken now;
under those headings they are a current sarcoidosis and any past rituximab. The heading's
lead (its words before "any of the following ...") is read with each item as one sentence
("Current diagnosis of Sarcoidosis"), so a sub-item gets the reading, and the plain words,
the single sentence would get; a lead word the reader does not understand makes the item
manual and names it (the coverage guard), as the heading's words did before.

Only a lead that carries a time word ("history", "prior", "current", ...) and waits for
its object ("... diagnosis of", "... treated with") is read this way: a heading that only
groups ("Any of the following:", "Liver function:") or states a window ("... within 3
months prior to screening:", read from the heading already by `_Ctx.window`) adds nothing
an item's own reading lacks, and "Active lupus nephritis:" over the items that define it
names the disease itself.
"""

from __future__ import annotations

import re

from matcher.criteria import guard
from matcher.criteria.lexicon import _I, _normalise, _window_match
from matcher.criteria.sections import _SENTENCE_END

__all__ = ["framed"]

# "any of the following conditions", "one or more of the following", "the following
# medications": the words that announce the list, with what the list is of.
_ANNOUNCES = re.compile(
    r"\b(?:(?:any|all|one|each|either|none|at\s+least\s+(?:one|1))\s+(?:or\s+more\s+)?of\s+)?"
    r"the\s+following\b(?:\s+(?:conditions?|diseases?|disorders?|diagnos[ie]s|illness(?:es)?|"
    r"medications?|medicines?|drugs?|therap(?:y|ies)|treatments?|agents?|events?|"
    r"infections?|procedures?))?",
    _I,
)
# The lead's time words (matcher/criteria/data/criteria_temporality.json reads them in
# the framed item; these only decide whether the heading has a frame at all).
_TIME_WORD = re.compile(
    r"\b(?:history|prior|previous(?:ly)?|past|ever|former(?:ly)?|lifetime|"
    r"current(?:ly)?|ongoing|on-going|active|concomitant|concurrent)\b",
    _I,
)
# A lead that frames its items waits for them: it ends on a preposition or a verb that
# takes an object ("History of", "currently diagnosed with", "Patients who have
# received"). One ending on a noun names something itself ("Active lupus nephritis:" over
# the items that define it), and "defined as" / "including" introduce a definition.
_OPEN_END = re.compile(
    r"(?<!defined as)(?<!such as)\b(?:of|with|to|on|from|for|had|has|have|having|"
    r"received|receiving|taking|using|used|undergone|underwent)\s*$",
    _I,
)
# What a heading may end with after its list is announced: nothing for the item to read,
# the section says it already.
_EXCLUDED = r"(?:is|are|will\s+be|shall\s+be)\s+(?:excluded|ineligible)"
_TAIL = re.compile(rf"^\W*(?:{_EXCLUDED})?\W*$", _I)
_EXCLUDED_TAIL = re.compile(rf"\s*\b{_EXCLUDED}\s*([:：]?)\s*$", _I)


def _lead(heading: str) -> tuple[int, int] | None:
    """Where the words of the heading's last sentence before its list is announced are,
    when that is all it says (nothing after the announcement but "is excluded")."""
    end = len(heading.rstrip().rstrip(":：").rstrip())
    begin = 0  # the last sentence: "We excluded X. Any patient with ...:"
    for m in _SENTENCE_END.finditer(heading, 0, end):
        begin = m.end()
    announced = _ANNOUNCES.search(heading, begin, end)
    if announced is None:
        return begin, end
    if not _TAIL.match(heading[announced.end() : end]):
        return None
    return begin, len(heading[: announced.start()].rstrip())


def framed(item: str, headings: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The item as it reads under its innermost heading, and the headings left to account
    for: the heading's lead and the item as one sentence when the lead carries a time word
    ("History of" + "rituximab"), the lead then no longer part of the heading; else both
    as written."""
    if not headings:
        return item, headings
    heading = headings[-1]
    span = _lead(heading)
    lead = heading[span[0] : span[1]].strip() if span else ""
    if (not lead or not _TIME_WORD.search(lead) or not _OPEN_END.search(lead)
            or _window_match(_normalise(lead)) is not None):
        return item, headings
    if guard.lead_negation(_normalise(lead)) is not None:
        # "No history of any of the following:": among exclusions it says the opposite of
        # its section, among inclusions it is none of them, not one (the any-of groups
        # read "any of the following" as a choice). Its words stay in the heading, not
        # understood: each item is manual and names them.
        return item, headings
    rest = f"{heading[: span[0]]}{heading[span[1] :]}".strip()  # type: ignore[index]
    # "... any of the following conditions is excluded:": the section says it already.
    rest = _EXCLUDED_TAIL.sub(r"\1", rest)
    return f"{lead} {item}", (*headings[:-1], rest)
