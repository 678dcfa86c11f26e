""" "Other X": X less the trial's own condition.

"History of other malignancy" in a diabetes trial is any malignancy; in a breast-cancer
trial it is every cancer but breast cancer, which a concept of the vocabulary cannot
subtract. The reader takes the word "other" before a condition's term only in an
exclusion, and marks the reading (`other_than_own`); the own-condition guard then decides
whether it may stand (matcher.criteria.guard): never when the condition is the trial's
own or one its own condition belongs to, never when the trial's own condition is unknown.
A concept the vocabulary defines as "other" (attrs `other_than`: "other autoimmune
disease") is the exception: its own-disease members are left out (`except_own`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from matcher.nlp.vocab import Vocabulary

# "other", "any other", "another", up to two words before the term ("other active
# malignancy", "any other chronic liver disease"); those words are left to the rest of the
# reader, which must account for them. "Other than" is an exception clause, not this.
_OTHER = re.compile(
    r"\b(?P<other>(?:any\s+)?(?:other|another))\s+(?!than\b)(?:[\w-]+\s+){0,2}$", re.IGNORECASE
)


def other_spans(text: str, term_starts: Iterable[int]) -> list[tuple[int, int]]:
    """Where "other" qualifies a term starting at one of `term_starts` in `text`."""
    spans = []
    for start in term_starts:
        m = _OTHER.search(text[max(0, start - 60) : start])
        if m is not None:
            offset = max(0, start - 60)
            spans.append((offset + m.start("other"), offset + m.end("other")))
    return spans


# Why an item with "other" before a drug or drug class stays manual ("Other
# immunosuppressants within 3 months"): other than the study drug, or than a background
# drug the trial requires (read as the whole class, a patient on the required one would
# be refused). The reader cannot tell which, so a person checks it.
UNSTATED_OTHER_DRUGS = ('"other" drugs: other than which is not stated (the study drug, a '
                        "background drug the trial requires?), so a person checks it")


def unstated_other_drugs(text: str, drug_starts: Iterable[int], words: Sequence[str],
                         other_terms: Sequence[tuple[int, int]] = ()) -> str | None:
    """The reason an item stays manual when "other" before a drug term is among its
    words not understood (`words`), else None. `other_terms`: where the item names
    something else (a condition): "other infection requiring antibiotics" is no "other"
    drug."""
    if not any(w.lower() in ("other", "another") for w in words):
        return None
    for start in drug_starts:
        for _, other_end in other_spans(text, [start]):
            if not any(other_end <= s < start for s, _ in other_terms):
                return UNSTATED_OTHER_DRUGS
    return None


# The trial's own diseases an "other" exclusion may leave out, with what implies them: a
# few ("systemic sclerosis"; "lupus nephritis" with SLE). More means the trial is about a
# group ("connective tissue diseases"), which "other" cannot subtract safely.
_MAX_OWN_EXCEPTED = 8


def except_own(params: dict[str, Any], own: frozenset[str], titled: frozenset[str],
               vocab: Vocabulary) -> dict[str, Any] | None:  # fmt: skip
    """An exclusion of a condition the trial's own disease implies, with the own disease
    left out: read whole it would refuse every patient of the trial (the guard keeps it
    manual), but its words leave the own disease out. Either they name it ("respiratory
    disease besides asthma" in an asthma trial, "autoimmune disease other than systemic
    sclerosis"), or they say "other" ("other neurological disease" in a stroke trial,
    `other_than_own`), or the condition is the vocabulary's "other" concept (attrs
    `other_than`: "other autoimmune diseases" in a systemic sclerosis trial). The own
    diseases that imply the condition, and what implies them, are left out
    (`except_concepts`). None when the
    reading names an own condition no own disease implies (the trial's own itself), no
    such own disease is named, one is not among those the title names (`titled`, with
    what they imply), or they are too many to leave out (a basket trial)."""
    concepts = list(params.get("concepts", []))
    mine = {c for c in concepts if c in own}
    if not mine:
        return None
    base = {c for c in own if c not in concepts and c in vocab
            and mine & set(vocab[c].attrs.get("implies", ()))}  # fmt: skip
    if not base or not base <= titled:
        # The own diseases the title does not name come from the inclusions, which may
        # name more than the reader read ("psoriasis or atopic dermatitis" with a typo):
        # the population is not known well enough to leave only part of it out.
        return None
    already = list(params.get("except_concepts", ()))
    # "Other malignancy", "history of other neurological disease" (`other_than_own`, the
    # word "other" before the term) say it as the vocabulary's "other" concepts do.
    others = params.get("other_than_own") or all(
        c in vocab and "other_than" in vocab[c].attrs for c in mine)
    named = _diseases_of(base, vocab) <= set(already)
    if not (others or named):
        return None
    # What implies the own diseases (lupus nephritis implies SLE) is theirs too; what implies
    # a group of them is not: "autoimmune disease other than SLE" still counts Sjögren's.
    implying = {c.id for c in vocab.concepts.values()
                if _diseases_of(base, vocab) & set(c.attrs.get("implies", ()))}  # fmt: skip
    excepted = sorted(base | implying)
    if len(excepted) > _MAX_OWN_EXCEPTED:
        return None
    return {**params, "except_concepts": [*already, *(c for c in excepted if c not in already)]}


def whole_group(params: dict[str, Any], own: frozenset[str], vocab: Vocabulary
                 ) -> dict[str, Any]:  # fmt: skip
    """A vocabulary "other" concept read in a trial that is not about what it leaves out:
    "other autoimmune disease" leaves lupus out (attrs `other_than`) because lupus trials
    say it, but in a Sjögren's trial lupus is another autoimmune disease. There the reading
    is the whole group (attrs `other_of`: autoimmune disease) less the trial's own, as
    "other" says. Unchanged when the trial's own condition is unknown, is what the concept
    leaves out, or is no member of the group (in an antiphospholipid-antibody trial "other"
    says nothing of what it leaves out)."""
    concepts = list(params.get("concepts", []))
    if not own:
        return params
    widened = []
    for c in concepts:
        attrs = vocab[c].attrs if c in vocab else {}
        whole = list(attrs.get("other_of", ()))
        members = {o for o in own if set(whole) & set(vocab[o].attrs.get("implies", ()))}
        if whole and members and not own & set(attrs.get("other_than", ())):
            widened += [w for w in whole if w not in widened]
        elif c not in widened:
            widened.append(c)
    if widened == concepts:
        return params
    return {**params, "concepts": widened, "other_than_own": True}


def _diseases_of(base: set[str], vocab: Vocabulary) -> set[str]:
    """The own diseases among `base` less the groups another of them implies: in a systemic
    sclerosis trial "autoimmune disease other than systemic sclerosis" names the trial's
    disease, and the groups it belongs to (connective tissue disease, "other autoimmune
    disease") are left out with it without being named."""
    return {c for c in base
            if not any(c in vocab[other].attrs.get("implies", ()) for other in base)}


def disjoint(concept_id: str, other_id: str, vocab: Vocabulary) -> bool:
    """Do two conditions share nothing: neither implies the other and no concept implies
    both? Then "substance abuse other than nicotine dependence" leaves nothing of the
    substance abuse out, and the exception is honoured by the reading as it is (the
    vocabulary's implications are listed whole: lupus nephritis implies SLE, a GPA implies
    ANCA vasculitis and vasculitis)."""
    if concept_id == other_id:
        return False
    first, second = vocab[concept_id], vocab[other_id]
    if other_id in first.attrs.get("implies", ()) or concept_id in second.attrs.get("implies", ()):
        return False
    return not any({concept_id, other_id} <= set(c.attrs.get("implies", ()))
                   or c.id in (concept_id, other_id)
                   and {concept_id, other_id} & set(c.attrs.get("implies", ()))
                   for c in vocab.concepts.values())  # fmt: skip


def left_out(concepts: Sequence[str], excepted: str, vocab: Vocabulary) -> bool:
    """May an exception clause leave `excepted` out of an exclusion of `concepts`? When it
    implies one of them ("malignancy except basal cell carcinoma"), the vocabulary's
    "other" concept says it does not count ("other autoimmune disease rather than SLE"),
    or they share nothing ("besides Sjögren's syndrome": it was never in)."""
    attrs = vocab[excepted].attrs
    return (bool(set(attrs.get("implies", ())) & set(concepts))
            or any(excepted in vocab[c].attrs.get("other_than", ()) for c in concepts)
            or vocab[excepted].category == "diagnosis"
            and all(disjoint(c, excepted, vocab) for c in concepts))  # fmt: skip


def exception_clauses(exceptions: Sequence[str], spans: Sequence[tuple[int, int]],
                      concepts: Sequence[str], vocab: Vocabulary
                      ) -> list[tuple[tuple[int, int], list[tuple[int, int, str]]]]:  # fmt: skip
    """The exception clauses of an exclusion of `concepts` whose conditions it may leave
    out ("Active malignancy except non-melanoma skin cancer"): each clause's span with the
    conditions it names ((start, end) in the item, concept id). A clause that names no
    condition, or one it may not leave out, is not among them (its words stay for the
    coverage guard)."""
    found = []
    for clause, (begin, _end) in zip(exceptions, spans, strict=True):
        terms = [t for t in vocab.find_terms(clause)
                 if vocab[t.concept_id].category in ("diagnosis", "procedure")]  # fmt: skip
        if terms and all(left_out(concepts, t.concept_id, vocab) for t in terms):
            found.append(((begin, _end), [(begin + t.start, begin + t.end, t.concept_id)
                                          for t in terms]))  # fmt: skip
    return found
