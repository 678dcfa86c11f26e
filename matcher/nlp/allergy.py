"""Allergies, hypersensitivities and intolerances to drugs, as clinic notes record them.

Three forms, each read into findings the criteria evaluator judges an allergy exclusion on
("Known hypersensitivity to rituximab", "allergy to hydroxychloroquine"):

- an allergy list: "Allergies: penicillin (rash), HCQ (hives)", or a heading alone on its
  line ("ALLERGIES") with one agent a line under it;
- a statement in running text: "allergic to rituximab", "known hypersensitivity to
  belimumab", "HCQ allergy", "intolerant of MMF (GI upset)", "could not tolerate
  azathioprine", with its negation ("not allergic to HCQ"), a hedge ("?allergy to
  sulfa") or a relative ("mother allergic to penicillin", not the patient's);
- the record of no allergy: "NKDA", "no known drug allergies", "Allergies: none";
- a drug withdrawn for an adverse effect ("MMF stopped due to GI upset"): an intolerance;
  a reaction of no stated kind ("had a reaction to rituximab", "rituximab infusion
  reaction", "rash after HCQ"): "unspecified", never an allergy's proof nor its absence.

Findings (none of them a vocabulary concept, like the demographic ones):

- `allergy.agent`: one agent; `attrs["agent"]` is the drug or drug-class concept id, or
  None when the list names something the vocabulary does not know ("penicillin", "sulfa",
  "latex"): such an entry may be any drug, so it never lets a criterion read the absence.
  `attrs["reaction"]`: "allergy", "intolerance" or "unspecified" ("adverse drug
  reactions:" lists both); `attrs["severe"]`: anaphylaxis named; `attrs["listed"]`: read
  from an allergy list (the record a clinician keeps of every allergy).
- `allergy.none`: "NKDA", "no known allergies", "Allergies: nil".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matcher.model import Assertion, Finding
from matcher.nlp.cues import lowered_for_cues, may_contain
from matcher.nlp.vocab import Vocabulary

__all__ = ["AGENT", "NONE", "allergy_findings"]

AGENT = "allergy.agent"
NONE = "allergy.none"
_CATEGORY = "allergy"

_I = re.IGNORECASE

# ---------------------------------------------------------------- the record of none
# "NKDA", "NKA", "no known drug allergies", "no known allergies", "no drug allergies",
# "denies any drug allergies", "no allergies to medications".
_NO_ALLERGY = re.compile(
    r"\bNK(?:D|M)?A\b|"
    r"\b(?:no|denies(?:\s+any)?|nil)\s+(?:known\s+)?(?:drug\s+|medication\s+|medicine\s+)?"
    r"(?:allerg(?:y|ies)|hypersensitivit(?:y|ies))"
    r"(?:\s+to\s+(?:any\s+)?(?:drugs?|medications?|medicines?))?\b(?!\s+(?:to|of)\s)",
    _I,
)
# Each _..._CUES: words one of which every match of its regex holds. The scans of a whole
# note cost a twentieth of the parse and most notes name no allergy: a note without any of
# them is not scanned by that regex (matcher.nlp.cues).
_NO_ALLERGY_CUES = ("nka", "nkda", "nkma", "allerg", "hypersensitivit")
# An allergy list's entry that says there is none.
_NONE_ENTRY = re.compile(
    r"^\W*(?:none(?:\s+known)?|nil(?:\s+known)?|no(?:ne)?\s+known|not\s+known|no|"
    r"NK(?:D|M)?A|no\s+known\s+(?:drug\s+)?allerg(?:y|ies))\W*$",
    _I,
)

# ---------------------------------------------------------------- statements
# "allergic to", "allergy to", "hypersensitivity to", "anaphylaxis to", "allergic reaction
# to", "infusion reaction to", "intolerant of", "intolerance to", "sensitivity to".
_FORWARD = re.compile(
    r"\b(?P<cue>allergic(?:\s+reactions?)?|allerg(?:y|ies)|hypersensitiv(?:e|ity|ities)"
    r"(?:\s+reactions?)?|anaphyla(?:xis|ctic(?:\s+reactions?)?|ctoid(?:\s+reactions?)?)|"
    r"infusion(?:[\s-]related)?\s+reactions?|intoleran(?:t|ce|ces))\s+(?:to|of|with)\s+",
    _I,
)
_FORWARD_CUES = ("allerg", "hypersensitiv", "anaphyla", "infusion", "intoleran")
# "did not tolerate MMF", "unable to tolerate azathioprine", "not tolerating HCQ".
_NOT_TOLERATED = re.compile(
    r"\b(?:did\s+not|didn't|could\s+not|couldn't|unable\s+to|not\s+able\s+to|cannot|can't|"
    r"failed\s+to)\s+tolerate\s+|\bnot\s+tolerating\s+|\bpoorly\s+tolerated\s+",
    _I,
)
_NOT_TOLERATED_CUES = ("tolerat",)
# A reaction whose kind the note does not say: "had a reaction to rituximab", "rash after
# HCQ", "rituximab infusion reaction". Read only for a drug the vocabulary names, as an
# "unspecified" reaction: never an allergy's proof, but never its absence either.
_REACTION_FORWARD = re.compile(
    r"\b(?:reactions?|rash|urticaria|hives|angio-?o?edema)\s+(?:to|after|with|from|"
    r"following|on)\s+",
    _I,
)
_REACTION_FORWARD_CUES = ("reaction", "rash", "urticaria", "hives", "angio")
_REACTION_BACKWARD = re.compile(
    r"[\s-]*(?:(?:induced|related|associated)[\s-]+)?(?:infusion(?:[\s-]related)?\s+"
    r"reactions?|rash|urticaria|hives|reactions?)\b",
    _I,
)
# After the agent: "HCQ allergy", "rituximab hypersensitivity", "MMF intolerance",
# "rituximab-induced anaphylaxis", "sulfa allergic".
_BACKWARD = re.compile(
    r"[\s-]*(?:induced\s+|related\s+|associated\s+)?(?P<cue>allerg(?:y|ies|ic)|"
    r"hypersensitivit(?:y|ies)|intoleran(?:ce|t)|anaphyla(?:xis|ctic\s+reactions?))\b",
    _I,
)
_NEGATED_BEFORE = re.compile(
    r"\b(?:no|not|denies|denied|deny|never|without|negative\s+for|nil)\b(?:\s+\w+){0,3}\s*$", _I
)
_HEDGED_BEFORE = re.compile(
    r"(?:\?|\b(?:possible|possibly|probable|probably|suspected|questionable|query|queried|"
    r"r/o|rule\s+out|may\s+be|might\s+be|unclear\s+if|uncertain))(?:\s+\w+){0,3}\s*$",
    _I,
)
_RELATIVE_BEFORE = re.compile(
    r"\b(?:mother|father|mum|mom|dad|parents?|sister|brother|sibling|aunt|uncle|"
    r"grand(?:mother|father|parents?)|cousin|family)\b",
    _I,
)
# Where a statement's object list ends: a clause break, or a word that starts another
# clause ("allergic to rituximab which was stopped").
_OBJECT_END = re.compile(
    r"[.;:\n()\[\]]|\s[-–—]\s|\b(?:but|which|that|so|when|after|since|while|with|because|"
    r"causing|caused|resulting|leading|due|in\s+\d{4}|on\s+\d)\b",
    _I,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# An object that names no agent: "allergic to multiple drugs", "intolerant of it".
_GENERIC_OBJECT = re.compile(
    r"^\s*(?:any|all|multiple|many|several|some|various|other|most)?\s*"
    r"(?:drugs?|medications?|medicines?|agents?|antibiotics?|things?|it|them|this|these)\b",
    _I,
)
# "MMF stopped due to GI upset", "discontinued azathioprine because of nausea": a drug
# withdrawn for an adverse effect is an intolerance (clinicians seldom list it among the
# allergies). The reason must name an adverse effect ("stopped MMF due to pregnancy
# planning" is no intolerance).
_STOPPED = re.compile(
    r"\b(?:stopped|discontinued|ceased|withdrawn|came\s+off|taken\s+off|stopping|"
    r"discontinuation\s+of|cessation\s+of|withdrawal\s+of)\b",
    _I,
)
_STOPPED_CUES = ("stopp", "discontinu", "ceas", "cessation", "withdr", "came", "taken")
_ADVERSE_REASON = re.compile(
    r"\b(?:due\s+to|because\s+of|owing\s+to|secondary\s+to|after|following)\s+"
    r"(?:(?:an?|the|her|his|their|significant|severe|persistent|intolerable|recurrent)\s+)*"
    r"(?:side[\s-]effects?|intolerance|GI\s+(?:upset|intolerance|side[\s-]effects?|symptoms|"
    r"toxicity)|gastrointestinal\s+(?:upset|intolerance|side[\s-]effects?|symptoms|toxicity)|"
    r"nausea|vomiting|diarrh(?:o)?ea|adverse\s+(?:effects?|events?|reactions?)|"
    r"toxicity|hepatotoxicity|transaminitis|cytopenias?|leuc?kopenia|neutropenia|"
    r"alopecia|an?\s+allergic\s+reaction|allergic\s+reaction|rash)\b",
    _I,
)
_SEVERE = re.compile(r"anaphyla|angio-?o?edema|stevens|\bSJS\b|\bTEN\b|\bDRESS\b", _I)
_INTOLERANCE = re.compile(
    r"intoleran|not\s+tolerat|side[\s-]effects?|\bGI\s+upset|nausea|vomiting|diarrh", _I
)

# ---------------------------------------------------------------- allergy lists
_SENTENCE_AFTER = re.compile(r"(?<=[\w)])\.[ \t]+(?=[A-Z])[^\n]*")
_BULLET = re.compile(r"^\s*(?:[-•*∙‣⁃·]|\d{1,2}[.)])\s*")
_HEADING = re.compile(
    r"\s*(?:[-•*]\s*)?(?:allerg(?:y|ies)\s*(?:/|and|&)\s*(?:intolerances?|ADRs?|adverse\s+"
    r"(?:drug\s+)?reactions)|(?:known\s+)?(?:drug\s+)?allerg(?:y|ies)|adverse\s+(?:drug\s+)?"
    r"reactions|ADRs|intolerances)\b\s*(?P<sep>[:\-–—])?",
    _I,
)
_LABEL = re.compile(r"^[A-Za-z][A-Za-z /&'()]{0,40}?:")
_DOSE = re.compile(r"\d\s*(?:mg|g|mcg|µg|μg|units?|iu|ml)\b", _I)
_ENTRY_SPLIT = re.compile(r"[,;\n]|\s+and\s+|\s*/\s*(?=[A-Za-z])", _I)
# What follows an agent in its entry: its reaction ("- rash", ": hives", "→ anaphylaxis").
_REACTION_TAIL = re.compile(r"\s*(?:[-–—:→>]|=>|\bcauses\b|\bcausing\b)\s*.*$", _I)


@dataclass(frozen=True)
class DrugSpan:
    """A drug or drug-class mention in the note: [start, end) and its concept id."""

    start: int
    end: int
    concept: str


def allergy_findings(
    text: str,
    sections: Sequence[tuple[int, int, str]],
    drugs: Sequence[DrugSpan],
    note_id: str,
    note_date: dt.date,
    vocabulary: Vocabulary,
    open_section: str | None = None,
) -> list[Finding]:
    """Every allergy, intolerance and no-allergy statement of one note (or piece).

    `sections`: (start, end, category) of the note's sections, in order; `vocabulary`: the
    pipeline's (a list's label names a drug of it); `open_section`: the category open where
    a piece of a long note starts (matcher.nlp.chunks)."""
    reader = _Reader(text, drugs, note_id, note_date)
    listed = list(_list_regions(text, sections, open_section, vocabulary))
    for start, end, reaction in listed:
        reader.read_list(start, end, reaction)
    lowered = lowered_for_cues(text)
    if may_contain(lowered, _NO_ALLERGY_CUES):
        for m in _NO_ALLERGY.finditer(text):
            if not any(s <= m.start() < e for s, e, _ in listed):
                reader.none(m.start(), m.end())
    # A family-history paragraph ("FH: allergic to penicillin") is no statement of the
    # patient's: it is skipped like a list already read, up to its first blank line.
    skipped = [(s, e) for s, e, _ in listed] + _family_paragraphs(text, sections)
    reader.read_statements(skipped, lowered)
    reader.read_withdrawals(skipped, lowered)
    return reader.found


def _family_paragraphs(
    text: str, sections: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    found = []
    for start, end, category in sections:
        if category == "family_history":
            blank = re.search(r"\n[ \t]*\n", text[start:end])
            found.append((start, start + blank.start() if blank else end))
    return found


class _Reader:
    def __init__(
        self, text: str, drugs: Sequence[DrugSpan], note_id: str, note_date: dt.date
    ) -> None:
        self.text = text
        self.drugs = sorted(drugs, key=lambda d: d.start)
        self.note_id = note_id
        self.note_date = note_date
        self.found: list[Finding] = []
        self._seen: set[tuple[int, str | None]] = set()

    # ------------------------------------------------------------ findings
    def _add(
        self,
        concept: str,
        start: int,
        end: int,
        attrs: dict,
        assertion: Assertion = Assertion.AFFIRMED,
    ) -> None:
        key = (start, attrs.get("agent"))
        if key in self._seen:
            return
        self._seen.add(key)
        self.found.append(
            Finding(
                concept=concept,
                category=_CATEGORY,
                note_id=self.note_id,
                start=start,
                end=end,
                text=self.text[start:end],
                assertion=assertion,
                date=self.note_date,
                date_source="note",
                attrs=attrs,
            )
        )

    def none(self, start: int, end: int) -> None:
        if _RELATIVE_BEFORE.search(self._clause_before(start)):
            return
        self._add(NONE, start, end, {})

    def agent(
        self,
        start: int,
        end: int,
        concept: str | None,
        reaction: str,
        severe: bool,
        listed: bool,
        assertion: Assertion = Assertion.AFFIRMED,
    ) -> None:
        attrs = {"agent": concept, "reaction": reaction, "severe": severe, "listed": listed}
        self._add(AGENT, start, end, attrs, assertion)

    def _drugs_in(self, start: int, end: int) -> list[DrugSpan]:
        return [d for d in self.drugs if start <= d.start and d.end <= end]

    def _clause_before(self, position: int) -> str:
        lo = max(0, position - 60)
        before = self.text[lo:position]
        cut = max(before.rfind(c) for c in ".;\n")
        return before[cut + 1 :] if cut >= 0 else before

    # ------------------------------------------------------------ lists
    def read_list(self, start: int, end: int, reaction: str) -> None:
        """Each entry of an allergy list: its agents, or one unnamed agent, or none."""
        region = self.text[start:end]
        # Brackets hold the reaction ("penicillin (rash, hives)"): blanked, positions kept,
        # so their commas do not split the entry.
        flat = re.sub(r"\([^()\n]*\)", lambda m: " " * len(m[0]), region)
        # A sentence after the list on its line is prose, not an entry: "Allergies: NKDA.
        # Tolerating rituximab well."
        flat = _SENTENCE_AFTER.sub(lambda m: " " * len(m[0]), flat)
        position = 0
        for piece in [*_ENTRY_SPLIT.split(flat)]:
            at = flat.find(piece, position)
            position = at + len(piece)
            entry_start = start + at
            entry = _BULLET.sub("", piece).lstrip()
            entry_start += len(piece) - len(entry)
            entry = entry.rstrip(" \t.,;:")  # the highlighted span is the entry's words
            if not _WORD.search(entry):
                continue
            whole = self.text[entry_start : entry_start + len(entry)]
            if _NONE_ENTRY.match(entry) or _NO_ALLERGY.fullmatch(entry.strip()):
                self._add(NONE, entry_start, entry_start + len(entry.rstrip()), {})
                continue
            drugs = self._drugs_in(entry_start, entry_start + len(entry))
            if drugs and _STOP_WORD.search(entry):
                drugs = []  # "rituximab, now on belimumab": prose, which drug is not read
            inner = self.text[entry_start : min(end, entry_start + len(entry) + 80)]
            severe = bool(_SEVERE.search(inner.split("\n")[0]))
            kind = "intolerance" if _INTOLERANCE.search(whole) else reaction
            if drugs:
                for drug in drugs:
                    self.agent(drug.start, drug.end, drug.concept, kind, severe, True)
                continue
            named = _REACTION_TAIL.sub("", entry).strip()
            if named and _WORD.search(named):
                lead = entry.find(named)
                self.agent(entry_start + lead, entry_start + lead + len(named), None, kind,
                           severe, True)  # fmt: skip

    # ------------------------------------------------------------ statements
    def read_statements(self, lists: list[tuple[int, int]], lowered: str | None) -> None:
        def outside(position: int) -> bool:
            return not any(s <= position < e for s, e in lists)

        def scan(regex: re.Pattern[str], needed: Sequence[str]) -> Iterable[re.Match[str]]:
            return regex.finditer(text) if may_contain(lowered, needed) else ()

        text = self.text
        for m in scan(_FORWARD, _FORWARD_CUES):
            if outside(m.start()):
                kind = "intolerance" if m["cue"].lower().startswith("intoleran") else "allergy"
                self._statement(m.start(), m.end(), kind, _SEVERE.search(m["cue"]) is not None)
        for m in scan(_NOT_TOLERATED, _NOT_TOLERATED_CUES):
            if outside(m.start()):
                self._statement(m.start(), m.end(), "intolerance", False)
        for m in scan(_REACTION_FORWARD, _REACTION_FORWARD_CUES):
            if outside(m.start()):
                self._statement(m.start(), m.end(), "unspecified", False, named_only=True)
        for drug in self.drugs:
            if not outside(drug.start):
                continue
            after = _BACKWARD.match(text, drug.end, min(len(text), drug.end + 40))
            if after is None:
                reaction = _REACTION_BACKWARD.match(text, drug.end, min(len(text), drug.end + 40))
                assertion = self._assertion(drug.start) if reaction else None
                if reaction is not None and assertion is not None:
                    self.agent(drug.start, reaction.end(), drug.concept, "unspecified", False,
                               False, assertion)  # fmt: skip
                continue
            cue = after["cue"].lower()
            kind = "intolerance" if cue.startswith("intoleran") else "allergy"
            assertion = self._assertion(drug.start)
            if assertion is not None:
                self.agent(drug.start, after.end(), drug.concept, kind,
                           _SEVERE.search(cue) is not None, False, assertion)  # fmt: skip

    def read_withdrawals(self, lists: list[tuple[int, int]], lowered: str | None) -> None:
        """ "MMF stopped due to GI upset": the one drug of the clause, an intolerance; with
        several drugs in the clause ("started AZA after MMF was stopped for nausea") which
        one is not read: each is a possible intolerance, a person checks."""
        # Each reason needs a drug and a stop word in its clause: without them in the note
        # no reason is looked for.
        if not self.drugs or not may_contain(lowered, _STOPPED_CUES):
            return
        text = self.text
        for reason in _ADVERSE_REASON.finditer(text):
            if any(s <= reason.start() < e for s, e in lists):
                continue
            lo = max(0, reason.start() - 120)
            before = text[lo : reason.start()]
            cut = max(before.rfind(c) for c in ".;\n")
            clause_start = lo + cut + 1 if cut >= 0 else lo
            stop = _STOPPED.search(text, clause_start, reason.start())
            if stop is None:
                continue
            drugs = self._drugs_in(clause_start, reason.start())
            assertion = self._assertion(stop.start())
            if not drugs or assertion is None:
                continue
            if len({d.concept for d in drugs}) > 1 and assertion is Assertion.AFFIRMED:
                assertion = Assertion.UNCERTAIN
            severe = "allergic" in reason[0].lower()
            for drug in drugs:
                self.agent(drug.start, drug.end, drug.concept,
                           "allergy" if severe else "intolerance", False, False,
                           assertion)  # fmt: skip

    def _assertion(self, cue_start: int) -> Assertion | None:
        """How a statement starting at `cue_start` stands: None when it is a relative's."""
        before = self._clause_before(cue_start)
        if _RELATIVE_BEFORE.search(before):
            return None
        if _NEGATED_BEFORE.search(before):
            return Assertion.NEGATED
        if _HEDGED_BEFORE.search(before):
            return Assertion.UNCERTAIN
        return Assertion.AFFIRMED

    def _statement(
        self, cue_start: int, object_start: int, kind: str, severe: bool, named_only: bool = False
    ) -> None:
        assertion = self._assertion(cue_start)
        if assertion is None:
            return
        text = self.text
        stop = _OBJECT_END.search(text, object_start, min(len(text), object_start + 160))
        object_end = stop.start() if stop else min(len(text), object_start + 160)
        tail = text[object_end : object_end + 80].split("\n")[0]
        severe = severe or bool(_SEVERE.search(tail))
        named = text[object_start:object_end]
        if _GENERIC_OBJECT.match(named) and assertion is Assertion.NEGATED:
            self._add(NONE, cue_start, object_end, {})  # "no allergy to any medication"
            return
        for start, end, concept in self._objects(object_start, object_end):
            if concept is not None or not named_only:
                self.agent(start, end, concept, kind, severe, False, assertion)

    def _objects(self, start: int, end: int) -> list[tuple[int, int, str | None]]:
        """The agents of a statement's object, a list joined by commas, "and", "or", "/":
        "allergic to penicillin, HCQ and sulfa" names three. The list ends at a word that
        is no agent's ("allergic to penicillin and on rituximab": rituximab is taken, not
        an allergy); an agent the vocabulary does not name is at most three words."""
        text = self.text
        drugs = {d.start: d for d in self._drugs_in(start, end)}
        found: list[tuple[int, int, str | None]] = []
        position = start
        while position < end:
            position += len(text[position:end]) - len(text[position:end].lstrip())
            if position >= end:
                break
            drug = drugs.get(position)
            if drug is not None:
                found.append((drug.start, drug.end, drug.concept))
                position = drug.end
            else:
                words = _OBJECT_WORDS.match(text, position, end)
                if words is None or _STOP_WORD.match(words[0]):
                    break
                found.append((position, words.end(), None))
                position = words.end()
                if position in drugs or _WORD.match(text, position + 1, end) and (
                        position + 1 in drugs):  # fmt: skip
                    break  # "allergy to contrast rituximab": not one list
            joint = _OBJECT_JOINT.match(text, position, end)
            if joint is None:
                break
            position = joint.end()
        return found


_OBJECT_JOINT = re.compile(r"[ \t]*(?:,[ \t]*(?:and|or)?|/|&|\band/or\b|\band\b|\bor\b)[ \t]*",
                           _I)
# Words that end an object list: a clause goes on ("allergic to sulfa and is on HCQ").
_STOP_WORD = re.compile(
    r"\b(?:on|in|is|was|has|had|have|now|currently|since|started|starting|taking|takes|"
    r"then|who|which|also|been|being|given|receives|receiving|received|tolerat\w*|"
    r"the\s+(?:patient|pt)|she|he|they)\b",
    _I,
)
# One agent the vocabulary does not name: one to three words ("iodinated contrast dye").
_OBJECT_WORDS = re.compile(
    rf"[A-Za-z][\w'-]*(?:[ \t]+(?!(?:and|or)\b|{_STOP_WORD.pattern})[A-Za-z][\w'-]*){{0,2}}", _I
)


def _list_regions(
    text: str, sections: Sequence[tuple[int, int, str]], open_section: str | None,
    vocabulary: Vocabulary,
) -> Iterable[tuple[int, int, str]]:
    """(start, end, reaction) of each allergy list's entries. An inline heading
    ("Allergies: penicillin, sulfa") covers its line and the bulleted or lower-case lines
    that go on with it; a heading alone on its line covers the lines under it up to a
    blank line, another label that names no drug, or a line with a dose (a medication list
    with no heading of its own)."""
    regions = [(s, e) for s, e, category in sections if category == "allergies"]
    if open_section == "allergies":
        first = min((s for s, _, _ in sections), default=len(text))
        regions.insert(0, (0, first))
        heading_at_start = False
    else:
        heading_at_start = True
    for index, (start, end) in enumerate(regions):
        if index == 0 and not heading_at_start:
            content, reaction = start, "allergy"
        else:
            line_end = text.find("\n", start, end)
            line_end = end if line_end == -1 else line_end
            heading = _HEADING.match(text, start, line_end)
            if heading is None:
                continue
            line = text[start:line_end]
            # "Allergies: rituximab (infusion reaction)": the heading's words, not the
            # entries', say what the list holds; a capitals line is all heading.
            reaction = _heading_reaction(heading[0] if heading["sep"] else line)
            rest = text[heading.end() : line_end]
            if heading["sep"] and rest.strip():
                yield heading.end(), _inline_end(text, line_end, end), reaction
                continue
            if rest.strip() and (heading["sep"] or any(c.islower() for c in line)):
                continue  # "Allergy clinic review booked": no list
            content = line_end + 1
        yield content, _block_end(text, content, end, vocabulary), reaction


def _heading_reaction(heading: str) -> str:
    lowered = heading.lower()
    if "allerg" in lowered and ("intoleran" in lowered or "adr" in lowered):
        return "unspecified"
    if "intoleran" in lowered:
        return "intolerance"
    if "reaction" in lowered or "adr" in lowered:
        return "unspecified"
    return "allergy"


def _inline_end(text: str, line_end: int, end: int) -> int:
    position = line_end
    while position < end:
        following = text.find("\n", position + 1, end)
        following = end if following == -1 else following
        line = text[position + 1 : following]
        if not line.strip() or not (_BULLET.match(line) or line.lstrip()[:1].islower()):
            return position
        if _DOSE.search(line):
            return position
        position = following
    return min(position, end)


def _block_end(text: str, position: int, end: int, vocabulary: Vocabulary) -> int:
    while position < end:
        following = text.find("\n", position, end)
        following = end if following == -1 else following
        line = text[position:following]
        body = _BULLET.sub("", line).strip()
        if not body or _DOSE.search(body):
            return position
        label = _LABEL.match(body)
        if label is not None and not _names_drug_label(label[0], vocabulary):
            return position
        position = following + 1
    return min(position, end)


def _names_drug_label(label: str, vocabulary: Vocabulary) -> bool:
    """ "Rituximab: anaphylaxis" is an entry; "Social history:" ends the list. A label is
    an entry when a drug of the vocabulary names it (checked with the vocabulary here, the
    note's spans being positions, not words)."""
    return any(
        vocabulary[t.concept_id].category in ("drug", "drug_class")
        for t in vocabulary.find_terms(label)
    )
