"""Reader of dose-qualified drug exposure: a drug held to a dose, over a window or now.

"Prednisone > 15 mg/day for more than 10 days within 30 days before screening" is a
daily dose (compared as prednisone equivalents) held that long in that window; "more
than 2 g of methylprednisolone in the last 4 weeks" is a cumulative total; "if on
glucocorticoids, ≤ 10 mg/day" binds only a patient taking them. Also the dose grammar
the drug reader shares: the daily unit after a number (`dose_unit_at`) and the "with or
without" clause of drugs a patient may take besides (`optional_drugs`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from matcher.criteria.kind_item import (
    _I,
    _REFRACTORY_CUES,
    KindReading,
    _concept_ids,
    _Item,
    _take_window,
)
from matcher.criteria.lexicon import (
    _CURRENT_DRUG,
    _DURATION,
    _HELD_ANCHOR,
    _IF_ON,
    _comparisons,
    _number,
    _tidy,
    _window,
)
from matcher.nlp.dates import window_to_days
from matcher.nlp.doses import steroid_factor
from matcher.nlp.vocab import TermMatch, Vocabulary

__all__ = ["dose_unit_at", "optional_drugs"]

# =====================================================================================
# dose-qualified drug exposure
# =====================================================================================

_DOSE_UNIT = re.compile(
    r"\s*(?P<unit>mg|milligrams?|g|gm|grams?)\b(?P<kg>\s*/\s*kg)?(?P<m2>\s*/\s*m\s*(?:2|²|\^2))?"
    r"(?P<day>\s*(?:/\s*(?:d|day|24\s*h(?:rs?|ours?)?)\b|per\s+day\b|daily\b|a\s+day\b))?",
    _I,
)
_DAILY_BEFORE = re.compile(r"\bdaily\s+dose\s+(?:of\s+)?$|\bdose\s+per\s+day\s+(?:of\s+)?$", _I)
_CUMULATIVE = re.compile(r"\bcumulative(?:\s+(?:dose|exposure|amount))?\b|\btotal\s+dose\b", _I)
_CHANGE = re.compile(
    r"\bchang\w*|\bincreas\w*|\bescalat\w*|\btaper\w*|\breduc\w*|\bstable\b|\bfixed\b|"
    r"\badjust\w*|\bif\s+(?:on|receiving|taking|treated)\b|\bwean\w*",
    _I,
)
_USE = re.compile(
    r"\b(?:taken|taking|took|treated|treatment|therapy|use|used|using|received|receiving|"
    r"receipt|exposure|exposed|administered|given|dose|doses|dosage|daily|high-dose|"
    r"high\s+dose|intravenous|intravenously|iv|oral|orally|parenteral|parenterally|pulse|"
    r"pulses|current|currently|on|maintenance)\b",
    _I,
)
_EQUIVALENT = re.compile(
    r"\(?\s*(?:or\s+)?(?:(?:its|an?|the)\s+)?(?:prednis(?:ol)?one[\s-]+)?equivalents?\b"
    # "10 mg equivalent prednisolone/d": the drug named after, the period as "/d"
    r"(?:\s+prednis(?:ol)?one(?:\s*/\s*(?:d|day)\b)?)?"
    r"(?:\s+(?:dose|amount))?(?:\s+of\s+(?:another|other)\s+(?:glucocorticoids?|"
    r"corticosteroids?|steroids?))?\s*\)?",
    _I,
)
_PERIOD = re.compile(r"\bfor\s+(?:a\s+(?:period|duration)\s+of\s+)?", _I)
_STABLE_DOSE = re.compile(
    r"\b(?:stable|fixed|unchanged)(?:\s+(?:doses?|dosages?|dosing|regimens?))?\b|"
    r"\b(?:doses?|dosages?)\s+(?:must\s+)?(?:have\s+)?(?:been\s+)?(?:stable|unchanged)\b",
    _I,
)


# "Prednisolone < 15 mg/day with or without other immunosuppressive medications": drugs a
# patient may take besides; the item neither requires nor excludes them.
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+or\s+without\s+", _I)
_CLAUSE_OPEN = re.compile(r"[,(]\s{0,3}$")  # ", with or without": the comma is the clause's
_OPTIONAL_GAP = re.compile(
    r"(?:\s|,|/|\bor\b|\band\b|\bany\b|\bother\b|\badditional\b|\bconcomitant\b|"
    r"\bconcurrent\b|\bbackground\b|\b(?:low|high)[\s-]+dose\b)*",
    _I,
)
_OPTIONAL_TAIL = re.compile(
    r"(?:\s*(?:treatments?|therapy|therapies|medications?|drugs?|agents?))?\s*\)?", _I
)


def optional_drugs(
    main: str, terms: Sequence[TermMatch], vocab: Vocabulary
) -> tuple[tuple[int, int], list[TermMatch]] | None:
    """The "with or without X (or Y)" clause of an item and the drug mentions it names,
    or None. Only drugs and drug classes: "with or without class V" is a biopsy's."""
    m = _WITH_OR_WITHOUT.search(main)
    if m is None:
        return None
    position, named = m.end(), []
    for term in sorted(terms, key=lambda t: t.start):
        if term.start < position:
            continue
        if vocab[term.concept_id].category not in ("drug", "drug_class") or not (
            _OPTIONAL_GAP.fullmatch(main, position, term.start)
        ):
            break
        named.append(term)
        position = term.end
    if not named:
        return None
    tail = _OPTIONAL_TAIL.match(main, position)
    opening = _CLAUSE_OPEN.search(main, max(0, m.start() - 4), m.start())
    start = opening.start() if opening is not None else m.start()
    return (start, tail.end() if tail else position), named


def _drop_optional(item: _Item) -> None:
    found = optional_drugs(item.main, item.terms, item.vocab)
    if found is not None:
        (start, end), named = found
        item.terms = [t for t in item.terms if t not in named]
        item.take(start, end)


def _dose(item: _Item) -> KindReading | None:
    _drop_optional(item)
    drugs = item.of("drug", "drug_class")
    if not drugs:
        return None
    ids = _concept_ids(drugs)
    if len(ids) != 1 or [t for t in item.terms if t not in drugs]:
        return None  # several drugs, or a condition beside the drug: not one dose limit
    if _REFRACTORY_CUES.search(item.main):
        return None
    found = _dose_threshold(item)
    if found is None:
        return None
    cmp, unit_match, daily_before = found
    drug = item.vocab[ids[0]]
    key = f"{drug.key}_dose"
    # "If on glucocorticoids, ≤ 10 mg/day": a limit only for patients taking the drug.
    conditional = _IF_ON.search(item.main)
    if conditional is not None:
        item.take(conditional.start(), conditional.end())
    rest = item.main[conditional.end():] if conditional is not None else item.main
    # "A stable dose of prednisone ≤ 10 mg/day for ≥ 4 weeks": the dose and how long it
    # was taken are read; whether it stayed the same is left to a person (an inclusion
    # only: a dose over the limit still decides).
    stable = [] if item.exclusion else list(_STABLE_DOSE.finditer(rest))
    for m in stable:
        rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
    if _CHANGE.search(rest):
        return item.manual(
            f"a change or condition on the {drug.label} dose must be checked by a person",
            key, "dose:change")  # fmt: skip
    cumulative = bool(_CUMULATIVE.search(item.main))
    unit = unit_match["unit"].lower()
    if unit.startswith("g") and not (unit_match["kg"] or unit_match["m2"] or unit_match["day"]
                                     or daily_before) and _window(item.main) is not None:
        # "More than 2 g of methylprednisolone in the last 4 weeks": grams with no period,
        # over a window, are what was given in it (a pulse course), not a daily dose.
        cumulative = True
    amount = cmp.value * (1000.0 if unit.startswith("g") else 1.0)  # in mg
    if unit_match["m2"]:
        return item.manual(f"a {drug.label} dose per body surface must be checked by a person",
                           key, "dose:per-m2")  # fmt: skip
    glucocorticoid = ids[0] == "drug.glucocorticoid"
    if cumulative:
        dose_unit, value = "g", amount / 1000.0
    elif unit_match["kg"]:
        dose_unit, value = "mg/kg/day", amount
    elif unit_match["day"] or daily_before or glucocorticoid:
        # A glucocorticoid dose is a daily dose unless the item says otherwise.
        dose_unit, value = "mg/day", amount
    else:
        return item.manual(f"a {drug.label} dose without a period must be checked by a person",
                           key, "dose:no-period")  # fmt: skip
    if glucocorticoid and not cumulative:
        # "Methylprednisolone > 1 g/day" is 1250 mg of prednisone: the limit is compared as
        # prednisone, like the notes' doses (the reader's per-drug limits do the same).
        value *= steroid_factor(drugs[0].text) or 1.0
    duration_match = None
    for m in _DURATION.finditer(item.main):
        if m.start() >= cmp.start and m.start() < unit_match.end():
            continue  # "> 15 mg/day": the dose, not a duration
        duration_match = m
        break
    window_text = item.main
    min_days, strict = None, False
    if duration_match is not None and re.search(r"days?|weeks?|months?", duration_match["unit"]):
        amount_days = _number(duration_match["n"])
        if amount_days is not None:
            min_days = window_to_days(amount_days, duration_match["unit"])
            lead = " ".join(duration_match["lead"].lower().split())
            strict = lead.startswith((">", "more", "longer", "over", "exceed", "in excess"))
            strict = strict or "more than" in duration_match.group().lower()
            # "for at least 4 weeks before randomisation": the anchor the time is held to.
            held_end = _HELD_ANCHOR.match(item.main, duration_match.end()).end()
            item.take(duration_match.start(), held_end)
            blank = " " * (held_end - duration_match.start())
            window_text = item.main[: duration_match.start()] + blank + item.main[held_end:]
            period = list(_PERIOD.finditer(item.main, max(0, duration_match.start() - 30),
                                           duration_match.start() + 1))  # fmt: skip
            for p in period:
                item.take(p.start(), p.end())
    window = _window(window_text)
    if window is not None:
        _take_window(item, window_text)
    else:
        item.take_all(_CURRENT_DRUG)  # "at screening": the current dose
    item.take_terms(ids)
    item.take(cmp.start, max(unit_match.end(), cmp.stop))  # "20 mg/day or less"
    if daily_before is not None:
        item.take(daily_before.start(), daily_before.end())
    item.take_all(_USE)
    item.take_all(_CUMULATIVE)
    item.take_all(_EQUIVALENT)
    item.take_all(re.compile(r"\bof\b|\bor\b|\bhad\b|\bhave\b|\bbeen\b", _I))
    params = {
        "drugs": list(item.vocab.expand(ids[0])),
        "dose_op": cmp.op,
        "dose_value": _tidy(value),
        "dose_unit": dose_unit,
        "prednisone_equivalent": glucocorticoid,
        "cumulative": cumulative,
        "window_days": window,
        "min_duration_days": min_days,
        "duration_strict": strict,
    }
    if conditional is not None or _bare_ceiling(item, cmp.op, window, cumulative):
        params["conditional"] = True
    if stable:
        offset = conditional.end() if conditional is not None else 0
        for m in stable:
            item.take(offset + m.start(), offset + m.end())
        params["stable"] = True
    return item.reading("dose_exposure", key, params, "dose:threshold")


# Words that make an inclusion's dose limit a requirement to take the drug: "On prednisone
# ≤ 10 mg/day", "receiving maintenance prednisolone < 15 mg/day", "a stable dose of".
_TAKES = re.compile(
    r"\b(?:on|receiving|taking|using|use|treated|treatment|therapy|maintenance|currently|"
    r"current|stable|fixed|unchanged|requir\w*|need\w*|must\s+(?:be\s+)?(?:on|receiv\w*|tak\w*))\b",
    _I,
)


def _bare_ceiling(item: _Item, op: str, window: int | None, cumulative: bool) -> bool:
    """ "≤ 5 mg/day prednisolone", "Prednisone dose ≤ 10 mg/day" as an inclusion: a
    ceiling on the daily dose, which a patient taking none also meets (0 mg is under it);
    read as "if on prednisone". With a word of taking it ("on prednisone ≤ 10 mg/day"),
    the drug itself is required."""
    if item.exclusion or op not in ("<", "<=") or window is not None or cumulative:
        return False
    return _TAKES.search(item.main) is None


def dose_unit_at(text: str, end: int) -> tuple[float, str, int] | None:
    """The daily dose unit right after a number ending at `end`: (factor to mg, "mg/day"
    or "mg/kg/day", where the unit ends), or None. A glucocorticoid dose with no period is
    a daily dose ("prednisone > 100 mg")."""
    unit = _DOSE_UNIT.match(text, end)
    if unit is None or not unit["unit"] or unit["m2"]:
        return None
    factor = 1000.0 if unit["unit"].lower().startswith("g") else 1.0
    return factor, "mg/kg/day" if unit["kg"] else "mg/day", unit.end()


def _dose_threshold(item: _Item) -> tuple[Any, re.Match, re.Match | None] | None:
    for cmp in _comparisons(item.main):
        unit = _DOSE_UNIT.match(item.main, cmp.num_end)
        if unit is None or not unit["unit"]:
            continue
        before = _DAILY_BEFORE.search(item.main[: cmp.start])
        daily = None
        if before is not None:
            daily = re.search(r"\bdaily\s+dose\s+(?:of\s+)?|\bdose\s+per\s+day\s+(?:of\s+)?",
                              item.main[before.start() : cmp.start], _I)  # fmt: skip
        return cmp, unit, before if daily else None
    return None
