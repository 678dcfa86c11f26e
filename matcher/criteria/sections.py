"""Eligibility text into sections and items: headings, bullets, numbered and lettered items,
sub-items merged into the item they qualify.
"""

from __future__ import annotations

import re
from dataclasses import (
    dataclass,
)

from matcher.criteria import (
    groups as criteria_groups,
)
from matcher.criteria import (
    guard,
)
from matcher.criteria.lexicon import (
    _I,
    EXCLUSION,
    INCLUSION,
    _comparisons,
    _normalise,
)
from matcher.nlp.vocab import (
    Vocabulary,
)

# =====================================================================================
# Step 1: sections and items
# =====================================================================================

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)(?:"
    r"(?P<glyph>[•∙‣⁃·●○◦▪■□➢►⦁➤▸✓]|[*\-–—](?=\s))"
    r"|(?P<num>\(?\d{1,2}(?:\.\d{1,2})*[.)、](?!\d)|\(\d{1,2}\))"
    r"|(?P<roman>\(?(?i:i{1,3}|iv|vi{0,3}|ix|x)[.)](?=\s))"
    r"|(?P<alpha>\(?[a-zA-Z][.)](?=\s))"
    r")\s*(?P<rest>.*)$"
)


@dataclass
class _Line:
    indent: int
    marker: str  # "" (plain line), the glyph, or "num" / "roman" / "alpha"
    text: str


# A sentence end inside a paragraph: "...(57); Age at enrolment ≤ 18 years. Female of
# child-bearing potential ..." holds three criteria a coordinator screens separately. The
# end is a full stop or semicolon after a lower-case word, a number, ")" or "%", followed
# by a capital; "e.g. Crohn's", "vs. MMF", "U.S. Food" and "1.5" are not ends.
_SENTENCE_END = re.compile(
    r"(?<![A-Za-z][.])(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)(?<!\bapprox)"
    r"(?<!\bincl)(?<!\bca)(?<!\bcf)(?<!\bNo)(?<!\bDr)(?<!\bSt)"
    r"(?<=[a-z0-9)\]%])[.;]\s+(?=[A-Z(\"“])"
)


def _sentences(text: str) -> list[str]:
    """The sentences of one plain paragraph line, in order (one line if it has one)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.start() + 1].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


# A plain line that separates its items with ";" and stops without closing the last one.
_SEMICOLON_SPLIT = re.compile(r"[a-z0-9)\]%];\s+[A-Z(]")
_CLOSED = re.compile(r"[.;:：。,]\s*$")


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    wrapped = False  # the last plain line broke an item of a ";"-separated paragraph
    for raw in text.expandtabs(4).splitlines():
        if not raw.strip():
            wrapped = False
            continue
        m = _MARKER.match(raw)
        if m is None or not m["rest"].strip():
            indent = len(raw) - len(raw.lstrip())
            sentences = _sentences(raw.strip())
            if wrapped and lines and _section_heading(sentences[0]) is None:
                # "... Patients could not tolerate" + "chemotherapy; Patients have ...":
                # its writer ends items with ";", so the break is a wrap; read alone, the
                # second line excluded anyone ever given chemotherapy.
                lines[-1] = _Line(lines[-1].indent, lines[-1].marker,
                                  f"{lines[-1].text} {sentences.pop(0)}")  # fmt: skip
            lines.extend(_Line(indent, "", sentence) for sentence in sentences)
            wrapped = _SEMICOLON_SPLIT.search(raw) is not None and not _CLOSED.search(raw)
            continue
        wrapped = False
        family = m["glyph"] or ("num" if m["num"] else "roman" if m["roman"] else "alpha")
        lines.append(_Line(len(m["indent"]), family, m["rest"].strip()))
    return lines


_SECTION_PREFIX = (
    # A bilingual record may put the heading in another script first: "入选标准 Inclusion".
    r"(?:[^\x00-\x7F]+[\s:：]*)?"
    r"(?:(?:key|main|major|primary|principal|general|other|additional|specific|study|subject|"
    r"patient|participant)\s+)?"
)
_SECTION_SHORT = re.compile(
    rf"^{_SECTION_PREFIX}(?P<kind>non-inclusion|inclusion|exclusion)(?:\s+criteri(?:a|on))?"
    # "Inclusion Criteria (ESRD group):": a bracketed group names whom the section is for.
    r"(?:\s*\([^()]{1,40}\))?"
    r"(?:\s+(?:include|includes|are|is)|\s+for\s+[^:]{1,40})?\s*(?::\s*(?P<rest>.*))?$",
    _I,
)
# "Key Criteria for Healthy Volunteers: Subject must be ...": a population's criteria,
# the first requirement on the heading's line (matcher.criteria.groups names the
# population from it).
_CRITERIA_FOR = re.compile(
    rf"^{_SECTION_PREFIX}(?:eligibility\s+)?criteria\s+for\s+(?P<who>[^:：]{{1,80}})[:：]"
    r"\s*(?P<rest>.*)$",
    _I,
)
_EXCLUSION_CUE = re.compile(
    r"\bexclu|\bineligible\b|\bnot\s+(?:be\s+)?eligible\b|\bnot\s+be\s+(?:enrolled|included|"
    r"randomi[sz]ed)\b|\bnot\s+qualify\b",
    _I,
)
# "None of the following criteria must be fulfilled for a subject to be eligible:",
# "Subjects must not meet any of the following": what follows must not hold, although the
# sentence names eligibility. Only a line of its own opens the exclusions: a bullet "None
# of the following within 3 months:" among the inclusions heads a list inside them.
_NONE_OF_CUE = re.compile(
    r"^\W*none\s+of\s+the\s+following\b|"
    r"\b(?:must|may|should|shall)\s+(?:not|never)\s+(?:meet|fulfil|fulfill|satisfy|have|present)"
    r"\s+any\b|\b(?:must|may|should)\s+(?:have|meet|present)\s+none\s+of\b",
    _I,
)
# "Including" lists examples ("kidney disease, including stones"): it opens no section.
_INCLUSION_CUE = re.compile(
    r"\binclu(?!ding\b)|\beligible\b|\bmust\s+(?:meet|fulfil|fulfill|satisfy|have)\s+all\b|"
    r"\bqualify\b|\bto\s+be\s+enrolled\b",
    _I,
)


def _section_heading(text: str, bulleted: bool = False) -> tuple[str, str] | None:
    """("inclusion"|"exclusion", rest of the line) when this line opens a section
    (`bulleted`: the line is an item of a list)."""
    clean = _normalise(text).strip().strip("*#_ ").strip()
    m = _SECTION_SHORT.match(clean)
    if m:
        kind = EXCLUSION if m["kind"].lower() != "inclusion" else INCLUSION
        return kind, (m["rest"] or "").strip()
    m = _CRITERIA_FOR.match(clean)
    if m:
        kind = EXCLUSION if _EXCLUSION_CUE.search(m["who"]) else INCLUSION
        return kind, (m["rest"] or "").strip()
    # Sentence form: "Subjects meeting any of the following will be excluded".
    if len(clean) > 200 or not ("following" in clean.lower() or clean.endswith(":")):
        return None
    # "... will be excluded: pregnancy": the words after the colon are the first item
    # (when the cue is before it; "Note: ... will be excluded" keeps the old reading).
    head, colon, after = clean.partition(":")
    if _EXCLUSION_CUE.search(clean) or (not bulleted and _NONE_OF_CUE.search(clean)):
        cued = _EXCLUSION_CUE.search(head) or (not bulleted and _NONE_OF_CUE.search(head))
        return EXCLUSION, after.strip() if colon and cued else ""
    if _INCLUSION_CUE.search(clean) and "following" in clean.lower():
        cued = _INCLUSION_CUE.search(head) and "following" in head.lower()
        return INCLUSION, after.strip() if colon and cued else ""
    return None


_NOISE = re.compile(
    r"^(?:eligibility(?:\s+criteria)?|criteria|participation\s+requirements|view)\s*:?\s*$"
    r"|^(?:sex|gender|sexes\s+eligible(?:\s+for\s+study)?|genders?\s+eligible(?:\s+for\s+study)?"
    r"|minimum\s+age|maximum\s+age|ages?\s+eligible(?:\s+for\s+study)?|accepts\s+healthy\s+"
    # "Healthy Volunteers: No" is the record's field; "Healthy volunteers:" alone heads a block.
    r"volunteers|healthy\s+volunteers(?=\s*:\s*\S)|sampling\s+method|study\s+population)\s*:",
    _I,
)

# Sub-items that only make sense as part of their parent: "∙ defined as treatment with
# two or more immunosuppressants ...", "‣ accompanied by proteinuria without remission".
_STRONG_QUALIFIER = re.compile(
    r"^(?:defined\s+(?:as|by)|as\s+defined|accompanied\s+by|i\.\s?e\.|e\.\s?g\.|including|"
    r"includes|such\s+as|with\s+or\s+without|which|whose|in\s+whom|as\s+(?:evidenced|"
    r"documented|confirmed|shown)|characteri[sz]ed\s+by|namely|that\s+is)\b",
    _I,
)
# Continue a parent that has not ended its sentence: "Proteinuria ≥ 1 g/day," + "with
# active urinary sediment".
_WEAK_QUALIFIER = re.compile(
    r"^(?:with|without|and|or|who|that|despite|after|due\s+to|caused\s+by|except|excluding|"
    r"unless|plus|but|where|when|if)\b",
    _I,
)
# A parent whose own text ends by announcing its definition: "Active LN, defined as:".
_DEFINING_END = re.compile(
    r"(?:defined\s+(?:as|by)|as\s+defined\s+by|characteri[sz]ed\s+by|evidenced\s+by|"
    r"confirmed\s+by|documented\s+by|meeting|fulfilling|with|including|i\.\s?e\.|such\s+as|"
    r"accompanied\s+by|as\s+shown\s+by|based\s+on)\s*[:：]\s*$",
    _I,
)
# A requirement that ends by joining the next items to it: "..., AND:", "plus:".
_CONJUNCTION_END = re.compile(r"(?:^|[\s,;])(?:and|plus)\s*[:：]\s*$", _I)
# "Refractory disease, defined as:" names a state (status concept) that its sub-items
# define; "Adequate organ function as follows:" names nothing and only groups them.
_COMPUTABLE = frozenset({"diagnosis", "procedure", "lab", "score", "drug", "drug_class", "status"})


@dataclass
class _Draft:
    section: str
    text: str
    indent: int
    marker: str
    context: tuple[str, ...] = ()
    heading: bool = False  # "Liver function:": dropped when items follow it
    collects: bool = False  # "Active LN defined as:": absorbs its sub-items
    followed: bool = False
    head: str | None = None  # a collecting parent's own text: it decides the kind
    cohort: str | None = None  # "Part B": the item applies to one cohort only
    ordinal: int = -1  # its place among the drafts (headings included), for `heads`
    heads: tuple[int, ...] = ()  # the ordinals of the headings in `context`
    # "Any patient with prior diagnosis of any of the following conditions is excluded:":
    # a section heading over the item whose lead frames it (matcher.criteria.heading_frame).
    frame: str | None = None


def _ends_with_colon(text: str) -> bool:
    return text.rstrip().endswith((":", "："))


def _has_content(text: str, vocab: Vocabulary) -> bool:
    """Does the text name something computable itself ("eGFR", "SLE", "≥ 30")?"""
    norm = _normalise(text)
    if any(vocab[t.concept_id].category in _COMPUTABLE for t in vocab.find_terms(norm)):
        return True
    return bool(_comparisons(norm))


def _is_sub_item(line: _Line, parent: _Draft) -> bool:
    """Does `line` sit under `parent`? Deeper indentation, or the same indentation with
    another marker ("1." then "a."; "•" then "∙"). Glyphs alone are unreliable (registry
    exports switch glyphs mid-list), so this only scopes headings, never splits items."""
    if line.indent != parent.indent:
        return line.indent > parent.indent
    return line.marker != parent.marker


def _starts_prose_continuation(text: str, vocab: Vocabulary) -> bool:
    """A lower-case start that is not itself a named analyte or drug: "prothrombin time
    (PT) ≤1.5×ULN" is a new item, "and no evidence of ..." continues the last one."""
    if not text[:1].islower():
        return False
    terms = vocab.find_terms(_normalise(text))
    return not (terms and terms[0].start == 0)


def _continues(line: _Line, last: _Draft, vocab: Vocabulary) -> bool:
    if _STRONG_QUALIFIER.match(line.text):
        return True
    if line.marker == "" and line.indent > last.indent:
        return True  # a hard-wrapped line of the item above
    if last.text.rstrip().endswith((".", ";", ":", "：", "。")):  # not a rescan of the item
        return False
    if _WEAK_QUALIFIER.match(line.text):
        return True  # "• Hemoglobin ≥ 80 g/L," + "• and no transfusion in the past month"
    if line.marker == "" and last.marker and line.text[:1].islower():
        # A marked bullet wrapped onto a line of its own: "* Or within two weeks prior to
        # screening: use of oral" + "corticosteroids > 30 mg daily". A list with markers
        # starts each item with one; read alone, the dose lost the window above it.
        return True
    if line.marker == "" and _DANGLING_END.search(last.text):
        # A hard-wrapped paragraph: "... any clinically significant or unstable medical or"
        # + "psychiatric disorder." is one item; read alone, the second line excluded any
        # psychiatric illness and lost "clinically significant or unstable".
        return True
    # A sibling bullet is its own item even when it starts in lower case: "* have active
    # DLE ..." then "* have a confirmed diagnosis of SLE ..." are two criteria.
    sibling = bool(line.marker) and line.marker == last.marker and line.indent == last.indent
    return not sibling and _starts_prose_continuation(line.text, vocab)


# A line that stops on a word that needs what follows: a connective, a preposition, an
# article, a comma or an open bracket.
_DANGLING_END = re.compile(
    r"(?:\b(?:or|and|and/or|nor|of|with|without|to|than|the|a|an|any|in|for|by|from|on|at|"
    r"as|such|other|including|except|unless|who|which|that)|[,(/\-])\s*$",
    _I,
)


def _join(first: str, second: str) -> str:
    return f"{first.rstrip()} {second.strip()}"


class _Builder:
    """Turns the lines of one eligibility text into criterion drafts, in order."""

    def __init__(self, vocab: Vocabulary, populations: dict[str, str] | None = None) -> None:
        self.vocab = vocab  # the run's: which lines name something (matcher.nlp.vocab)
        # "For patients:" / "For control subjects:": block headings naming a population
        # (matcher.criteria.groups.population_headings), each a cohort of its own.
        self.populations = populations or {}
        self.drafts: list[_Draft] = []
        self.section = INCLUSION
        self.open: list[_Draft] = []  # headings / collecting parents still in scope
        self.last: _Draft | None = None  # what a continuation line joins
        self.pending: list[_Draft] = []  # headings of this section with nothing after yet
        self.cohort: tuple[str, int] | None = None  # ("Part B", indent of its heading)
        self.frame: tuple[str, int] | None = None  # a section heading's words, its indent
        # The cohort of the block the lines are in, in a text that opens its inclusion
        # criteria again after its exclusions (`_repeated_blocks`); None elsewhere.
        self.block: str | None = None

    def feed(self, line: _Line) -> None:
        lead = _requirement_before_heading(line.text, self.vocab)
        if lead is not None:
            # "We excluded participants with RA, SLE or scleroderma. Any patient with any
            # of the following is excluded:": the first sentence is an item of its own,
            # the last one the heading over the list (or over the section).
            self.feed(_Line(line.indent, line.marker, lead))
            line = _Line(line.indent, line.marker, line.text[len(lead):].strip())
        opened = _section_heading(line.text, bool(line.marker))
        if opened is not None:
            self.section, rest = opened
            self.open, self.last, self.pending = [], None, []
            cohort = guard.cohort_heading(_normalise(line.text), in_section_heading=True) or (
                criteria_groups.section_population(_normalise(line.text))  # "... for controls:"
            ) or self.block  # a block of a text that opens its sections again
            self.cohort = (cohort, line.indent) if cohort else None
            # Its items sit deeper than it; the next one as shallow ends its reach.
            self.frame = (line.text, line.indent) if not rest and line.marker else None
            if not rest:
                return
            line = _Line(line.indent, line.marker, rest)
        if _NOISE.match(_normalise(line.text).strip()):
            return
        if self.frame is not None and line.indent <= self.frame[1]:
            self.frame = None
        if self._cohort_line(line):
            return
        self._close_scopes(line)
        collector = next((p for p in reversed(self.open) if p.collects), None)
        if collector is not None:
            collector.text = _join(collector.text, line.text)
            return
        if self.last is not None and _continues(line, self.last, self.vocab):
            self.last.text = _join(self.last.text, line.text)
            return
        self._add(line)

    def _cohort_line(self, line: _Line) -> bool:
        """ "Part B:", "Populations 1 & 2", "For all": a heading that scopes the items
        after it to one cohort (or to everyone again). The heading itself is no
        criterion. A cohort ends at the next such heading, a section heading, or a line
        less indented than its heading."""
        if self.cohort is not None and line.indent < self.cohort[1]:
            self.cohort = None
        text = _normalise(line.text)
        if guard.cohort_reset(text):
            self.cohort, self.last = None, None
            return True
        cohort = guard.cohort_heading(text) or self.populations.get(
            line.text.strip().strip("*#_ ").strip()
        )
        if cohort is None:
            return False
        self.cohort, self.last = (cohort, line.indent), None
        return True

    def _close_scopes(self, line: _Line) -> None:
        kept: list[_Draft] = []
        # "* Adequate organ function:" after "Refractory LN:" at the same indentation
        # opens a new group of its own: a heading that only groups is no sub-heading.
        grouping = _ends_with_colon(line.text) and _groups_only(line.text.rstrip().rstrip(":："))
        for parent in self.open:
            if not _is_sub_item(line, parent) or (grouping and parent.heading
                                                  and parent.indent >= line.indent):  # fmt: skip
                break
            kept.append(parent)
        self.open = kept

    def _add(self, line: _Line) -> None:
        for heading in self.pending:
            # A heading groups the items under it; one whose next item is its sibling
            # ("2. SLE per ACR, at least one of which must be:" then "3. ANA ≥ 1:40")
            # groups nothing and stays an item, so its requirement is not dropped.
            heading.followed = heading.marker == "" or _is_sub_item(line, heading)
        self.pending = []
        context = tuple(p.text for p in self.open if p.heading)
        draft = _Draft(self.section, line.text, line.indent, line.marker, context,
                       cohort=self.cohort[0] if self.cohort else None,
                       ordinal=len(self.drafts),
                       heads=tuple(p.ordinal for p in self.open if p.heading),
                       frame=self.frame[0] if self.frame else None)  # fmt: skip
        self.drafts.append(draft)
        self.last = draft
        if not _ends_with_colon(line.text):
            return
        if _CONJUNCTION_END.search(line.text):
            # "Persistent active nephritis after two induction regimens, AND:": a
            # requirement joined to the items after it, not a heading over them.
            return
        if _DEFINING_END.search(line.text) and _has_content(line.text, self.vocab):
            draft.collects = True
            draft.head = line.text
        else:
            draft.heading = True
            self.last = None
            self.pending.append(draft)
        self.open.append(draft)

    def result(self) -> list[_Draft]:
        # A heading that groups items is not a criterion; one with nothing after it
        # stays (as whatever it classifies to), so nothing is dropped silently.
        return [d for d in self.drafts if not (d.heading and d.followed)]


def _requirement_before_heading(text: str, vocab: Vocabulary) -> str | None:
    """The sentences before a list heading's last one, when they name something computable
    themselves ("Patients with psoriasis are not eligible. In addition, the following are
    excluded:"); None for a heading of one sentence or one whose earlier sentences only
    introduce it."""
    if not _ends_with_colon(text) or _CONJUNCTION_END.search(text):
        return None
    sentences = _sentences(text)
    if len(sentences) < 2:
        return None
    last = sentences[-1]
    lead = text[: text.rindex(last)].strip()
    if not lead or _ends_with_colon(lead) or not _has_content(lead, vocab):
        return None
    return lead


def _drafts(text: str, vocab: Vocabulary) -> list[_Draft]:
    lines = list(_lines(text))
    builder = _Builder(vocab, criteria_groups.population_headings([line.text for line in lines]))
    starts, labels = _repeated_blocks(lines, vocab)
    for index, line in enumerate(lines):
        if index in labels:
            continue  # "Healthy subjects" over a block: its name, no criterion
        if index in starts:
            builder.block = starts[index]
        builder.feed(line)
    return builder.result()


# The words a block label may open with or end on: "For hospitalised patients :".
_LABEL_EDGES = re.compile(r"^\W*(?:for|in)\s+(?:the\s+)?|[\s:：*#_-]+$", _I)
_LABEL_MAX_WORDS = 8
# "For all phases:", "Both arms:": a block for everyone.
_EVERYONE = re.compile(r"^\W*(?:for\s+)?(?:all|both|every|each)\b", _I)


def _repeated_blocks(lines: list[_Line], vocab: Vocabulary
                     ) -> tuple[dict[int, str | None], set[int]]:  # fmt: skip
    """A text that opens its inclusion criteria again after exclusion criteria holds one
    block of criteria per cohort ("Sjogren's syndrome" / "Inclusion Criteria: ... Exclusion
    Criteria: ..." / "Healthy subjects" / "Inclusion Criteria: ..."): the items of a block
    apply to its cohort only, so "(2) pregnancy or breastfeeding" under the healthy
    subjects' exclusions is no exclusion of the patients. Returns the line of each block's
    first heading → the block's cohort (the label line just above it, else "criteria block
    N"; None for a block "For all participants:"), and the label lines, which are no
    criteria. Empty when no section opens again."""
    # Only headings as such ("Inclusion Criteria:"), not a sentence that opens a list
    # ("None of the following criteria must be fulfilled for a subject to be eligible:").
    opens = [(i, found[0]) for i, line in enumerate(lines)
             if not line.marker and (found := _section_heading(line.text)) is not None
             and _SECTION_SHORT.match(_normalise(line.text).strip().strip("*#_ ").strip())]
    starts: dict[int, str | None] = {}
    seen_exclusion = False
    for index, kind in opens:
        if kind == EXCLUSION:
            seen_exclusion = True
        elif not starts or seen_exclusion:
            starts[index], seen_exclusion = "", False
    if len(starts) < 2:
        return {}, set()
    labels: set[int] = set()
    for number, index in enumerate(list(starts), start=1):
        label = _block_label(lines, index, vocab, first=number == 1 and not any(
            line.marker or _section_heading(line.text) for line in lines[: index - 1]))
        if label is not None:
            labels.add(index - 1)
        if label is not None and (guard.cohort_reset(label) or _EVERYONE.match(label)):
            starts[index] = None  # "For all phases:": the block applies to everyone
            continue
        words = _LABEL_EDGES.sub("", label or "").strip()
        starts[index] = words or f"{guard.UNNAMED_BLOCK} {number}"
    return starts, labels


def _block_label(lines: list[_Line], index: int, vocab: Vocabulary, first: bool = False
                 ) -> str | None:  # fmt: skip
    """The plain line just above a block's first heading when it names the block ("For
    hospitalised patients :", "Healthy subjects"): short, no bullet, no heading itself,
    and either closed by a colon or naming nothing a criterion could compute (so the
    last exclusion of the block above, written without a bullet, is never taken). Over
    the `first` block no criterion comes before it, so a label naming the disease
    ("Sjögren's syndrome" over the patients' block, "Healthy subjects" over the next) is
    the block's name."""
    if index == 0:
        return None
    line = lines[index - 1]
    text = line.text.strip()
    if (line.marker or _section_heading(text) is not None
            or len(text.split()) > _LABEL_MAX_WORDS or text.endswith((".", ";"))):  # fmt: skip
        return None
    if _ends_with_colon(text) or first or not _has_content(text, vocab):
        return text
    return None


def _groups_only(heading: str) -> bool:
    """Is this a heading that only groups ("Adequate organ function", "Renal function")?
    Its words are all grouping words or filler."""
    return not guard.heading_unaccounted(_normalise(heading), ())
