"""Criterion kinds that notes can decide, beyond matcher.criteria's core ones.

Each reader takes one item (its matching text, the same text with exception clauses
blanked, its section, its grouping headings) and returns a `KindReading` or None when
the item is not its kind. A reading names the character spans of the item text it
consumed and the rule that read them, so the coverage guard can tell a whole reading from
a partial one: "Positive HBsAg or syphilis antibody" is read as HBsAg, and "syphilis
antibody" is left over for the guard to see. A reader that recognises its kind but not
the whole requirement ("HBcAb positive with HBV DNA above the lower limit", "dose change
within 2 weeks", "plan for pregnancy") returns a `manual` reading with the reason. Every
computed reading is checked against the contract below by `validate_params`.

This module holds the kinds' contract and dispatch (`read`, `leftover`, `validate_params`,
`describe`); the readers live one per concern: `pregnancy`, `serology` (infections and
autoantibodies), `disease_timing`, `doses`, `vitals`, `lab_forms` and `conditions`, over
the item and common words of `kind_item`.

`params` contract per kind (matcher.judge.evaluate relies on it):

- vital: the lab contract of matcher.criteria on vital signs: {"analytes": [ids of
  lab.bmi, lab.sbp, lab.dbp, lab.spo2, lab.lvef, lab.weight], "op": ">="|">"|"<="|"<",
  "value": float, "unit": str} (+ "alternatives": [{"analytes", "op", "value", "unit"}]
  and "combine": "and"|"or"). "≥ 160/100 mmHg" is systolic ≥ 160 with the alternative
  diastolic ≥ 100; an exclusion's pair combines with "or", an inclusion's with "and".
  Evaluated like a lab: the latest value within the 90-day lookback.
- serology: {"markers": [lab ids of tests: lab.hbsag, lab.anti_hbc, lab.hbv_dna,
  lab.anti_hcv, lab.hcv_rna, lab.hiv], "infections": [dx.hbv, dx.hcv, dx.hiv],
  "result": "positive"|"negative", "ever": bool, "needs_result": bool}. The condition is
  "any listed test or infection positive" (result positive) or "every one negative"
  (result negative). An infection is judged by its own markers (concepts.jsonl
  `current_markers`, or `past_markers` when `ever`) and by diagnosis mentions. `ever`:
  "history of", "at any time". `needs_result`: the item names a test ("positive test
  for", "HBsAg"), so with no result documented it is unknown rather than "not
  documented". Autoantibodies (concepts.jsonl `autoantibody`: ANA, anti-dsDNA, anti-Sm,
  anti-Ro/SSA, anti-PLA2R) are markers too: "positive anti-dsDNA or anti-Sm", "current
  or historical positive ANA", "anti-PLA2R negative"; a latest result within the lookback,
  or any result ever with `ever` (no autoantibody "stays positive" for this purpose);
  + "window_days": int, the latest result within that many days instead of the lookback
  ("within 3 months prior to screening"); + "known": bool, "Known HIV infection or positive
  HBsAg": what the records know, a history exclusion: the latest result of any date
  decides, and with none documented the exclusion is not met ("not documented").
- pregnancy: {"states": [dx.pregnancy and/or dx.lactation], "present": bool,
  "window_days": 90}. A current state: documented within the window before as-of;
  `present` False for "not pregnant" as a requirement.
- dose_exposure: {"drugs": [ids], "dose_op": op, "dose_value": float, "dose_unit":
  "mg/day"|"mg/kg/day"|"g", "prednisone_equivalent": bool, "cumulative": bool,
  "window_days": int|None, "min_duration_days": int|None, "duration_strict": bool}.
  "g" is a cumulative total (cumulative is then True); glucocorticoid doses are
  compared as prednisone equivalents (matcher.nlp.doses). No window: the current dose (the
  latest within the lookback). `min_duration_days`: the dose held that long in the window.
  + "conditional": true for "if on glucocorticoids, ≤ 10 mg/day": a patient not taking
  the drug meets the item.
- diagnosis_timing: {"concepts": [diagnosis ids], "min_duration_days": int|None,
  "max_duration_days": int|None, "duration_strict": bool, "onset_op": op|None,
  "onset_age_years": float|None}: the disease diagnosed at least / at most so long
  before as-of ("SLE diagnosed ≥ 6 months before screening", "within three years"), or
  its onset age ("onset before age 16"). At least one of the three is set.
- lab (forms matcher.criteria does not read): a range "eGFR 15–60" (a lower bound with
  the upper as an "and" alternative), "liver function > 2×ULN" (ALT and AST), and a
  weight-based amount "proteinuria ≥ 25 mg/kg/day" (+ "per_weight": true: the value is
  divided by the latest weight).
- diagnosis (the conditions of issue 12's vocabulary: malignancy, diabetes, RPGN,
  psychiatric illness, substance abuse, immunodeficiency, splenectomy, other autoimmune
  disease, thromboembolism, liver disease, tuberculosis): matcher.criteria's diagnosis
  contract; "window_days" is the lookback (90) for a current state ("active
  tuberculosis"), + "except_concepts": [ids] the item excepts ("malignancy except
  non-melanoma skin cancer"): mentions of those do not count although they imply the
  concept; a standing state ("hepatic failure patients", concepts.jsonl
  `current_unless_history`) is "temporality": "current" with the lookback as window_days;
  + "included": [ids] infections an infection-by-treatment item names as part of it
  ("..., including active tuberculosis"): one affirmed in the lookback (or the item's
  window) is met before any course is looked at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from matcher.criteria import params as declared_params
from matcher.criteria.conditions import _condition
from matcher.criteria.disease_timing import _timing
from matcher.criteria.doses import _dose
from matcher.criteria.item_context import with_shared_modifiers
from matcher.criteria.kind_item import KindReading, _Item
from matcher.criteria.lab_forms import _lab_forms
from matcher.criteria.pregnancy import _pregnancy
from matcher.criteria.serology import _autoantibody, _serology
from matcher.criteria.vitals import _vital
from matcher.nlp.vocab import Vocabulary

__all__ = ["KindReading", "describe", "leftover", "read", "validate_params"]

OPS = (">=", ">", "<=", "<")


# =====================================================================================
# entry point
# =====================================================================================

_Reader = Callable[[_Item], "KindReading | None"]
# Most specific first: a dose limit names a drug, a disease duration names a diagnosis,
# a vital or serology item names what the generic readers would misread.
_READERS: tuple[_Reader, ...] = (
    _pregnancy,
    _serology,
    _autoantibody,
    _timing,
    _dose,
    _vital,
    _lab_forms,
    _condition,
)


def read(
    text: str, main: str, ctype: str, context: Sequence[str] = (), *, guard: bool = True,
    vocab: Vocabulary,
) -> KindReading | None:
    """The first reading of the item among these kinds, or None. `text` is the item's
    matching text (matcher.criteria._normalise), `main` the same with exception clauses
    blanked; spans index `text`.

    With `guard`, a computed reading that leaves a content word unexplained is returned as
    `manual` (the words in its reason, the computed reading in `partial`), the rule of
    matcher.criteria's coverage guard; a lab form ("eGFR 15–60") that does so is declined
    instead, for the general lab reader to try. Without it, the reading is returned whole
    and the caller's guard judges its spans. `vocab`: the run's vocabulary."""
    # The mentions once per item, not once per reader: this runs for every item of every
    # trial, and the term scan is the costliest step of reading (1,500 breadth texts).
    terms = with_shared_modifiers(main, vocab.find_terms(main), vocab)
    for reader in _READERS:
        item = _Item(text, main, ctype, tuple(context), vocab, list(terms))
        found = reader(item)
        if found is None:
            continue
        if found.kind != "manual":
            validate_params(found.kind, found.params, vocab)
            # The reader calls with guard=False and accounts for the words itself.
            if guard and (words := leftover(found)):
                if reader is _lab_forms:
                    continue
                reason = f"not understood: {' '.join(dict.fromkeys(words))}"
                return KindReading("manual", found.key, {}, found.text, found.spans,
                                   found.rule, reason, found)  # fmt: skip
        return found
    return None


# Words a reading may leave unconsumed: articles, prepositions, connectors and auxiliary
# verbs carry no requirement. Anything else left over ("syphilis", "severe", "untreated",
# "not") changes what the item asks for.
_FILLER = frozenset(
    {
        "a", "an", "the", "of", "to", "in", "on", "for", "with", "by", "and", "or", "any", "at",
        "as", "is", "are", "be", "been", "being", "was", "were", "who", "which", "that", "whom",
        "have", "has", "had", "having", "must", "should", "shall", "will", "may", "can", "do",
        "does", "did", "from", "per", "their", "its", "his", "her", "also", "e", "g", "eg", "i",
        "ie", "etc", "such", "including", "include", "includes",
    }
)  # fmt: skip
_WORDS = re.compile(r"[^\W_]+")


def leftover(reading: KindReading) -> list[str]:
    """The words of the item outside the reading's spans that are not filler, in order."""
    return [
        m.group().lower()
        for m in _WORDS.finditer(reading.text)
        if m.group().lower() not in _FILLER
        and not any(start <= m.start() and m.end() <= end for start, end in reading.spans)
    ]


# =====================================================================================
# readable rules (for `matcher trial show`)
# =====================================================================================


def _key(concept_id: str, vocab: Vocabulary) -> str:
    return vocab[concept_id].key if concept_id in vocab else concept_id


def _group_text(group: dict[str, Any], vocab: Vocabulary) -> str:
    names = "+".join(_key(a, vocab) for a in group.get("analytes", []))
    if "uln_multiple" in group:
        return f"{names} {group.get('op')} {group['uln_multiple']:g}×ULN"
    if "lln_multiple" in group:
        return f"{names} {group.get('op')} {group['lln_multiple']:g}×LLN"
    return f"{names} {group.get('op')} {group.get('value', 0):g} {group.get('unit', '')}".rstrip()


def describe(kind: str, params: dict[str, Any], vocab: Vocabulary) -> str:
    """A one-line rule of a criterion of these kinds: "sbp >= 160 mmHg or dbp >= 100 mmHg",
    "hbsag, hcvab positive (current)", "gc > 15 mg/day pred-eq, >10 d in 30 d"."""
    if kind == "vital":
        groups = [params, *params.get("alternatives", [])]
        return f" {params.get('combine', 'and')} ".join(_group_text(g, vocab) for g in groups)
    if kind == "serology":
        named = ", ".join(_key(c, vocab) for c in [*params.get("markers", []),
                                             *params.get("infections", [])])  # fmt: skip
        return f"{named} {params.get('result')} ({'ever' if params.get('ever') else 'current'})"
    if kind == "pregnancy":
        states = " or ".join(_key(s, vocab) for s in params.get("states", []))
        return f"{'' if params.get('present') else 'not '}{states}, {params.get('window_days')} d"
    if kind == "dose_exposure":
        drugs = "+".join(_key(d, vocab) for d in params.get("drugs", []))
        rule = (f"{drugs} {params.get('dose_op')} "
                f"{params.get('dose_value', 0):g} {params.get('dose_unit')}")  # fmt: skip
        rule += " pred-eq" if params.get("prednisone_equivalent") else ""
        if params.get("min_duration_days"):
            strict = ">" if params.get("duration_strict") else "≥"
            rule += f", {strict}{params['min_duration_days']} d"
        window = params.get("window_days")
        return rule + (f" in {window} d" if window else "" if params.get("cumulative")
                       else ", current")  # fmt: skip
    if kind == "diagnosis_timing":
        parts = []
        if params.get("min_duration_days") is not None:
            parts.append(f"≥ {params['min_duration_days']} d ago")
        if params.get("max_duration_days") is not None:
            parts.append(f"≤ {params['max_duration_days']} d ago")
        if params.get("onset_op") is not None:
            parts.append(f"onset age {params['onset_op']} {params.get('onset_age_years', 0):g}")
        concepts = ", ".join(_key(c, vocab) for c in params.get("concepts", []))
        return f"{concepts}: {'; '.join(parts)}"
    return ""


# =====================================================================================
# params contract
# =====================================================================================


_fail = declared_params.fail


def _ids(vocab: Vocabulary, kind: str, params: dict[str, Any], name: str,
         test: Callable[[str], bool], expected: str, *, empty: bool = False
         ) -> list[str]:  # fmt: skip
    value = params.get(name)
    if not isinstance(value, list) or (not value and not empty):
        raise _fail(kind, name, value, f"a {'' if empty else 'non-empty '}list of {expected}")
    for item in value:
        if not isinstance(item, str) or item not in vocab or not test(item):
            raise _fail(kind, name, item, expected)
    return value


def _number_field(kind: str, params: dict[str, Any], name: str, *, positive: bool = False,
                  optional: bool = False) -> None:  # fmt: skip
    value = params.get(name)
    if value is None and optional:
        return
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and (value > 0 if positive else True)
    if not ok:
        raise _fail(kind, name, value, "a positive number" if positive else "a number")


def _int_field(kind: str, params: dict[str, Any], name: str) -> None:
    value = params.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                              or value <= 0):  # fmt: skip
        raise _fail(kind, name, value, "a positive whole number of days, or null")


def _choice(kind: str, params: dict[str, Any], name: str, choices: Sequence[Any]) -> None:
    if params.get(name) not in choices:
        raise _fail(kind, name, params.get(name), " or ".join(map(str, choices)))


def _bool(kind: str, params: dict[str, Any], name: str) -> None:
    if not isinstance(params.get(name), bool):
        raise _fail(kind, name, params.get(name), "true or false")


def _attr(vocab: Vocabulary, name: str) -> Callable[[str], bool]:
    return lambda concept_id: bool(vocab[concept_id].attrs.get(name))


def _category(vocab: Vocabulary, *categories: str) -> Callable[[str], bool]:
    return lambda concept_id: vocab[concept_id].category in categories


def _threshold_group(vocab: Vocabulary, kind: str, group: dict[str, Any],
                     test: Callable[[str], bool], expected: str) -> None:  # fmt: skip
    _ids(vocab, kind, group, "analytes", test, expected)
    _choice(kind, group, "op", OPS)
    if "uln_multiple" in group:
        _number_field(kind, group, "uln_multiple", positive=True)
    elif "lln_multiple" in group:
        _number_field(kind, group, "lln_multiple", positive=True)
    else:
        _number_field(kind, group, "value")
    if not isinstance(group.get("unit"), str):
        raise _fail(kind, "unit", group.get("unit"), "a unit")


def _validate_groups(vocab: Vocabulary, kind: str, params: dict[str, Any],
                     test: Callable[[str], bool], expected: str) -> None:  # fmt: skip
    _threshold_group(vocab, kind, params, test, expected)
    alternatives = params.get("alternatives", [])
    if not isinstance(alternatives, list):
        raise _fail(kind, "alternatives", alternatives, "a list of threshold groups")
    for group in alternatives:
        if isinstance(group, dict) and "concepts" in group:
            # "creatinine > 2.5 mg/dL or dialysis": the other branch is a condition.
            _ids(vocab, kind, group, "concepts", _category(vocab, "diagnosis", "procedure"),
                 "diagnosis or procedure concept ids")
        else:
            _threshold_group(vocab, kind, group, test, expected)
    if alternatives:
        _choice(kind, params, "combine", ("and", "or"))


def validate_params(kind: str, params: dict[str, Any], vocab: Vocabulary) -> None:
    """Raise CriterionParamsError naming the first field of `params` that breaks `kind`'s
    contract (this module's docstring): first the declared fields and types
    (matcher.criteria.params), then which concept ids of `vocab` each field may hold."""
    declared_params.validate(kind, params)
    if not isinstance(params, dict):
        raise _fail(kind, "params", params, "an object")
    if kind == "vital":
        _validate_groups(vocab, kind, params, _attr(vocab, "vital"), "vital-sign concept ids")
    elif kind == "lab":
        _validate_groups(vocab, kind, params, _category(vocab, "lab"), "lab concept ids")
        if "per_weight" in params:
            _bool(kind, params, "per_weight")
        if params.get("repeat") is not None:
            _int_field(kind, params, "repeat")
    elif kind == "serology":
        markers = _ids(vocab, kind, params, "markers",
                       lambda c: _attr(vocab, "serology")(c) or _attr(vocab, "autoantibody")(c),
                       "serology or autoantibody test ids", empty=True)  # fmt: skip
        infections = _ids(vocab, kind, params, "infections", _attr(vocab, "current_markers"),
                          "infection ids (dx.hbv, dx.hcv, dx.hiv)", empty=True)  # fmt: skip
        if not markers and not infections:
            raise _fail(kind, "markers", markers, "at least one test or infection")
        _choice(kind, params, "result", ("positive", "negative"))
        _bool(kind, params, "ever")
        _bool(kind, params, "needs_result")
        if params.get("window_days") is not None:
            _int_field(kind, params, "window_days")
    elif kind == "pregnancy":
        _ids(vocab, kind, params, "states", lambda c: c in ("dx.pregnancy", "dx.lactation"),
             "dx.pregnancy or dx.lactation")  # fmt: skip
        _bool(kind, params, "present")
        _int_field(kind, params, "window_days")
        if params.get("window_days") is None:
            raise _fail(kind, "window_days", None, "a positive whole number of days")
    elif kind == "dose_exposure":
        drugs = _ids(vocab, kind, params, "drugs", _category(vocab, "drug"), "drug concept ids")
        _choice(kind, params, "dose_op", OPS)
        _number_field(kind, params, "dose_value", positive=True)
        _choice(kind, params, "dose_unit", ("mg/day", "mg/kg/day", "g"))
        _bool(kind, params, "prednisone_equivalent")
        if params["prednisone_equivalent"] and drugs != ["drug.glucocorticoid"]:
            raise _fail(kind, "prednisone_equivalent", drugs, "only for glucocorticoids")
        _bool(kind, params, "cumulative")
        if params["cumulative"] != (params["dose_unit"] == "g"):
            raise _fail(kind, "cumulative", params["cumulative"],
                        "true exactly when dose_unit is g (a cumulative total)")  # fmt: skip
        for name in ("window_days", "min_duration_days"):
            _int_field(kind, params, name)
        _bool(kind, params, "duration_strict")
        if "conditional" in params:
            _bool(kind, params, "conditional")
    elif kind == "diagnosis_timing":
        _ids(vocab, kind, params, "concepts", _category(vocab, "diagnosis"),
             "diagnosis concept ids")
        for name in ("min_duration_days", "max_duration_days"):
            _int_field(kind, params, name)
        _bool(kind, params, "duration_strict")
        if params.get("onset_op") is not None or params.get("onset_age_years") is not None:
            _choice(kind, params, "onset_op", OPS)
            _number_field(kind, params, "onset_age_years", positive=True)
        elif params.get("min_duration_days") is None and params.get("max_duration_days") is None:
            raise _fail(kind, "min_duration_days", None,
                        "a minimum or maximum duration, or an onset age")  # fmt: skip
    elif kind == "diagnosis":
        _ids(vocab, kind, params, "concepts", _category(vocab, "diagnosis", "procedure", "status"),
             "condition concept ids")  # fmt: skip
        if "except_concepts" in params:
            _ids(vocab, kind, params, "except_concepts", _category(vocab, "diagnosis", "procedure"),
                 "condition concept ids")  # fmt: skip
        if "included" in params:
            _ids(vocab, kind, params, "included", _category(vocab, "diagnosis"),
                 "diagnosis concept ids")  # fmt: skip
        if "screen_concepts" in params:
            # A diagnosis screens a narrower one ("infection requiring hospitalisation"); a
            # drug screens a procedure given with it (cyclophosphamide for chemotherapy).
            _ids(vocab, kind, params, "screen_concepts", _category(vocab, "diagnosis", "drug"),
                 "diagnosis or drug concept ids")  # fmt: skip
    else:
        raise _fail(kind, "kind", kind, "a kind of matcher.criteria.kinds")
