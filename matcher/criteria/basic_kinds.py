"""Readers of the simple kinds: consent, venous access, haemodynamic stability, manual cues,
age, sex, CD19, ANA and refractory disease.
"""

from __future__ import annotations

import math
import re
from collections.abc import (
    Iterable,
)
from typing import (
    Any,
)

from matcher.criteria.diagnoses import (
    _diagnosis_params,
)
from matcher.criteria.item_context import (
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.labs import (
    _PROTEIN_ANALYTES,
    _lab_mentions,
    _lab_reading,
)
from matcher.criteria.lexicon import (
    _I,
    _OP,
    _SUFFIX_GE,
    _WORD_NUM,
    _comparisons,
    _duration,
    _number,
    _op_of,
)
from matcher.nlp.vocab import (
    Vocabulary,
)

# ---------------------------------------------------------------- consent, venous, hemo

_CONSENT = re.compile(
    r"informed\s+consent|\bconsent\b|\bassent\b|\bwilling|\bunwilling|\bcomply\b|"
    r"\bcompliance\b|\bable\s+to\s+(?:understand|follow|adhere|attend|complete)|"
    r"voluntar|\bsign(?:ed|s)?\b.{0,30}\b(?:icf|consent|form)\b",
    _I,
)


# "within 3 months before leukapheresis", "prior to signing informed consent": the event
# only anchors a window; the criterion is about the drug or condition before it.
_TIME_ANCHOR = re.compile(
    r"\b(?:before|prior\s+to|preceding|until|after|at\s+the\s+time\s+of|of)\s+(?:the\s+)?"
    r"(?:(?:signing|obtaining|giving|providing)\s+(?:of\s+)?(?:the\s+)?(?:written\s+)?"
    r"(?:informed\s+)?consent(?:\s+form)?|(?:informed\s+)?"
    r"consent(?:\s+form)?|leuka?pheresis|leukaphoresis|apheresis|cell\s+collection)\b",
    _I,
)


def _unanchored(text: str) -> str:
    return _TIME_ANCHOR.sub(" ", text)


def _consent(ctx: _Ctx) -> _Parsed | None:
    if not _CONSENT.search(_unanchored(ctx.text)):
        return None
    return _Parsed(
        "consent",
        ctx.key("consent"),
        {},
        "informed consent/assent and willingness to take part are confirmed at screening",
    )


_VENOUS = re.compile(
    r"venous\s+access|vascular\s+access|peripheral\s+access|cell\s+collection|"
    r"\b(?:apheresis|leuka?pheresis|leukaphoresis)\b|"
    r"collection\s+of\s+(?:cells|lymphocytes|pbmc)",
    _I,
)


def _venous(ctx: _Ctx) -> _Parsed | None:
    """CAR-T trials need apheresis: "good venous access, no contraindication to cell
    collection". As an exclusion ("contraindication to leukapheresis") the patient
    must *have* the problem, so it is a documented-condition check instead."""
    if not _VENOUS.search(_unanchored(ctx.text)):
        return None
    for m in _VENOUS.finditer(ctx.text):
        ctx.take(m.start(), m.end(), "venous")
    if ctx.exclusion:
        params = _diagnosis_params(["status.poor_venous_access"], ctx)
        return _Parsed("diagnosis", "x_venous", params)
    return _Parsed("venous", "venous", {})


_HEMO_STABLE = re.compile(
    r"ha?emodynamic(?:ally)?\s+stab|heart\s+function|cardiac\s+function|"
    r"cardiovascular(?:ly)?\s+stab",
    _I,
)
_HEMO_UNSTABLE = re.compile(
    r"ha?emodynamic(?:ally)?\s+(?:instab|unstab|compromise)|\bshock\b|vasopressor|inotrop",
    _I,
)


def _hemodynamic(ctx: _Ctx) -> _Parsed | None:
    for pattern in (_HEMO_STABLE, _HEMO_UNSTABLE):
        for m in pattern.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "hemodynamic")
    ctx.take_terms(["status.hemodynamic_instability", "status.hemodynamic_stability"])
    if ctx.exclusion and _HEMO_UNSTABLE.search(ctx.text):
        params = _diagnosis_params(["status.hemodynamic_instability"], ctx)
        return _Parsed("diagnosis", "x_hemo", params)
    if ctx.exclusion or not _HEMO_STABLE.search(ctx.text):
        return None
    if _comparisons(ctx.text):
        return None  # "Cardiac function: LVEF ≥ 50%" is a measurement, not stability
    return _Parsed("hemodynamic", "hemo", {})


# ---------------------------------------------------------------- manual cues

# "Expected to require dialysis during the study", "transplant planned within the trial":
# notes record what was done, not what is planned or expected (a plan is not the
# procedure). Beside a finding ("currently on dialysis, or expected to need it") an
# exclusion is cut in two (`_compound`): the finding computed, the plan for a person.
# "Subjects who will undergo thyroid surgery", "patients who are going to receive
# rituximab": the future tense of having a procedure or a treatment is a plan too (read as
# done, any surgery the patient ever had would count). "Will be excluded" is no plan, nor
# "will have had" (a past the item requires by entry).
_PLAN = re.compile(
    r"\b(?:expected|anticipated|likely|planned|planning|scheduled|intend(?:s|ed|ing)?)\s+to\s+"
    r"(?:require|need|undergo|receive|start|begin)\b|"
    r"\b(?:will|(?:is|are)\s+going\s+to)\s+(?:(?:be\s+)?(?:undergo(?:ing)?|receiv(?:e|ing)|"
    r"treated\s+(?:with|by)|given)|have(?!\s+(?:had|been)\b)|require|need|start|begin|get)\b|"
    r"\b(?:planned|scheduled|anticipated|expected)\s+(?:[\w-]+\s+){0,3}?(?:during|within|in)\s+"
    r"(?:the\s+)?(?:course\s+of\s+(?:the\s+)?)?(?:study|trial)\b",
    _I,
)
_PLAN_REASON = (
    "a plan or an expectation (to need or undergo something during the study) is not in "
    "the notes: a plan is not the procedure; checked by a person"
)

_VACCINE = re.compile(r"vaccin", _I)
_CONTRACEPTION_REASON = "pregnancy testing and contraception are checked at screening"
_MANUAL_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"contracept|birth\s+control|pregnancy\s+test|child-?bearing\s+potential|"
            r"\bb?-?hcg\b|β-?hcg",
            _I,
        ),
        _CONTRACEPTION_REASON,
    ),
    (
        re.compile(
            r"\b(?:opinion|judg(?:e)?ment|discretion|assessment)\s+of\s+the\s+(?:treating\s+)?"
            r"investigator|investigator'?s?\s+(?:opinion|judg|discretion|assessment)|"
            r"(?:judged|considered|deemed)\s+(?:by\s+the\s+investigator|unsuitable|"
            r"inappropriate)",
            _I,
        ),
        "requires the investigator's judgement",
    ),
    # An allergy to an agent (before other studies: "hypersensitivity to the investigational
    # product" is an allergy), not an allergic disease ("other than allergic rhinitis",
    # "allergic bronchopulmonary aspergillosis", "hypersensitivity pneumonitis"), an
    # allergen challenge or an allergist.
    (re.compile(
        r"allerg(?!en|ist|olog|ic\s+(?:rhinitis|rhino|asthma|diseases?|disorders?|"
        r"conjunctivitis|bronchopulmonary|dermatitis))|"
        r"hypersensitiv(?!ity\s+(?:pneumonitis|vasculitis))",
        _I,
    ), "allergies are checked at screening"),
    (
        re.compile(
            # "... and other study procedures", "other study visits": this study's own.
            r"(?:another|other)\s+(?:interventional\s+)?(?:clinical\s+)?(?:trial|study)"
            r"(?!\s+(?:procedures?|visits?|requirements?|assessments?|activities|schedule))|"
            r"investigational\s+(?:drug|product|agent|medicinal|therapy)",
            _I,
        ),
        "participation in other studies is checked at screening",
    ),
    (
        re.compile(
            r"\b(?:eligible|candidate|suitable|indicated|planned|scheduled)\s+(?:for|to)\s+"
            r"(?:receive\s+|start\s+|undergo\s+)?(?:treatment|therapy|induction|the\s+study)",
            _I,
        ),
        "suitability for the study treatment is the investigator's decision",
    ),
    (_PLAN, _PLAN_REASON),
    (re.compile(r"life\s+expectancy", _I), "life expectancy is an investigator's estimate"),
    (_VACCINE, "vaccination history is checked at screening"),
    (re.compile(r"contraindicat", _I), "contraindications are judged by the investigator"),
)


def _manual_cues(ctx: _Ctx) -> _Parsed | None:
    for pattern, reason in _MANUAL_CUES:
        if pattern.search(ctx.text) and not (pattern is _VACCINE and _named_vaccines_only(ctx)):
            return _manual(reason, ctx.key("manual"))
    return None


def _named_vaccines_only(ctx: _Ctx) -> bool:
    """ "Live or attenuated vaccine within 4 weeks", "MMR or varicella vaccine in the last
    30 days": every vaccine word sits in a vocabulary term (the live vaccines and their
    class, which notes document like any drug: "MMR vaccine given 02/10"), so the item is
    a drug exposure with a window (GUIDELINE: an exclusion about an exposure is not met
    when the notes affirm none). "Any vaccination within 4 weeks" names no such vaccine
    and stays with a person."""
    spans = [(t.start, t.end) for t in ctx.mentions("drug", "drug_class")]
    words = list(_VACCINE.finditer(ctx.text))
    for lead in _VACCINATED_WITH.finditer(ctx.text):
        # "Vaccination with a live vaccine": the lead word names the vaccine that follows
        if any(s == lead.end() for s, _ in spans):
            spans.append((lead.start(), lead.end()))
    return bool(words) and all(any(s <= m.start() and m.end() <= e for s, e in spans)
                               for m in words)  # fmt: skip


_VACCINATED_WITH = re.compile(
    r"\b(?:vaccinations?|vaccinated|immuni[sz](?:ations?|ed))\s+(?:with|against\s+\w+\s+with)"
    r"\s+(?:an?\s+|any\s+|the\s+)?",
    _I,
)


# ---------------------------------------------------------------- age

_AGE_CUE = re.compile(r"\b(?:age[ds]?|years?[\s-]+old|years?\s+of\s+age|yrs?\s+old|yo)\b", _I)
_AGE_UNIT = r"(?:years?|yrs?|y|months?|mos?)"
_AGE_RANGE = re.compile(
    # "between the ages of 18 and 70", "between the age group of 6 and 12", "Between18 and 80"
    rf"(?P<between>\bbetween\s*(?:the\s+)?(?:ages?\s+(?:group\s+)?(?:of\s+)?)?|\bfrom\s+)?(?<![\d.])(?P<a>\d{{1,3}}(?:\.\d+)?)\s*"
    rf"(?P<ua>{_AGE_UNIT})?\b\s*(?:of\s+age\s*|old\s*)?(?P<sep>-|~|\bto\b|\bthrough\b|\band\b)"
    rf"\s*(?P<op><=|≤|<)?\s*(?P<b>\d{{1,3}}(?:\.\d+)?)(?!\d|\.\d)\s*(?P<ub>{_AGE_UNIT})?",
    _I,
)


_OP_THE_AGE_OF = re.compile(rf"(?P<op>{_OP})\s+(?:the\s+)?age\s+(?:of\s+)?(?=\d)", _I)


def _years(value: float, unit: str | None) -> float:
    return value / 12 if unit and unit.lower().startswith("m") else value


def _age_unit_after(text: str, end: int) -> str | None:
    m = re.match(rf"\s*({_AGE_UNIT})\b", text[end:], _I)
    return m[1] if m else None


# A lower bound said again after its number: "at least 18 years (of age) or older",
# "minimum 16 years old or above". Only with a lower bound: "at least 18 or younger"
# contradicts itself and stays unread.
_SAID_AGAIN_GE = re.compile(
    rf"\s*(?:{_AGE_UNIT})?\s*(?:of\s+age|old)?\s*(?:or|and)\s+(?:older|above|over|more)\b", _I)


def _is_months(unit: str | None) -> bool:
    return bool(unit) and unit.lower().startswith("m")  # type: ignore[union-attr]


# An age limit is kept in completed months ("6-36 months", "8 months to 7 years", "Age
# < 6 months") unless both limits fall on birthdays: "< 6 months" read as "under 1 year"
# would exclude a 9-month-old the trial admits, and "≥ 6 months" read as "≥ 1 year" would
# refuse one. A limit in years stays a completed-year limit ("6-18 years": through 18);
# a range from months to years ("8 months to 7 years") is left to a person.
def _month_limit(value: float, unit: str | None, op: str) -> int:
    """The inclusive completed-month limit of `op value unit` (op one of >=, >, <=, <)."""
    if not _is_months(unit):  # "< 2 years" in a month reading: up to 23 months
        years = {">=": math.ceil(value - 1e-9), ">": math.floor(value) + 1,
                 "<=": math.floor(value + 1e-9), "<": math.ceil(value) - 1}[op]  # fmt: skip
        return years * 12 if op in (">=", ">") else years * 12 + 11
    return {">=": math.ceil(value - 1e-9), ">": math.floor(value) + 1,
            "<=": math.floor(value + 1e-9), "<": math.ceil(value) - 1}[op]  # fmt: skip


def age_limits(
    text: str, spans: list[tuple[int, int]] | None = None
) -> dict[str, int | None]:
    """The age criterion's limits: completed years ({"min_years", "max_years"}) when no
    limit is in months or every month limit falls on a birthday ("< 36 months": max 2
    years), else completed months ({"min_months", "max_months"}, years None)."""
    low, high, in_months = _age_bounds(text, spans)
    if not in_months:
        return {"min_years": low, "max_years": high}
    if (low is None or low % 12 == 0) and (high is None or high % 12 == 11):
        return {"min_years": None if low is None else low // 12,
                "max_years": None if high is None else high // 12}  # fmt: skip
    return {"min_years": None, "max_years": None, "min_months": low, "max_months": high}


def _age_bounds(
    text: str, spans: list[tuple[int, int]] | None = None
) -> tuple[int | None, int | None, bool]:
    """Inclusive completed-year limits: "6-18 years" → (6, 18); "< 18" → (None, 17);
    "> 5" → (6, None); "≥ 2 and < 18" → (2, 17). When a limit is in months, all limits are
    completed months and the flag is set: "6-36 months" → (6, 36, True). `spans` collects
    where they were read."""
    units = [m for m in _AGE_RANGE.finditer(text)
             if not (m["sep"].lower() == "and" and not m["between"])]  # fmt: skip
    rest = _OP_THE_AGE_OF.sub(lambda m: m["op"] + " " * (m.end() - m.end("op")), text)
    in_months = any(_is_months(m["ua"]) or _is_months(m["ub"]) for m in units[:1]) or any(
        _is_months(_age_unit_after(rest, cmp.num_end)) for cmp in _comparisons(rest))
    low: int | None = None
    high: int | None = None
    rest = text
    read: list[tuple[int, int]] = []
    for m in units:
        a, b = _years(float(m["a"]), m["ua"] or m["ub"]), _years(float(m["b"]), m["ub"])
        if a > b or b > 120:
            continue
        if (in_months and _is_months(m["ua"]) and m["ub"] and not _is_months(m["ub"])
                and float(m["a"]) % 12):
            # "8 months to 7 years": whether it ends at the 7th birthday (84 months) or
            # admits 7-year-olds (through 95 months) is for a person. ("12 months to 17
            # years" is 1 to 17 years.)
            continue
        if in_months:
            low = _month_limit(float(m["a"]), m["ua"] or m["ub"], ">=")
            high = _month_limit(float(m["b"]), m["ub"], "<" if m["op"] == "<" else "<=")
        else:
            if abs(a - round(a)) > 1e-6:
                continue
            low = math.ceil(a - 1e-9)
            high = math.ceil(b) - 1 if m["op"] == "<" else math.floor(b + 1e-9)
        rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
        read.append((m.start(), m.end()))
        break
    # "under the age of 18", "over the age of 65": the words between the operator and its
    # number are blanked (same length), and read with the comparison.
    rest = _OP_THE_AGE_OF.sub(lambda m: m["op"] + " " * (m.end() - m.end("op")), rest)
    for cmp in _comparisons(rest):
        unit = re.match(rf"\s*({_AGE_UNIT})\b", rest[cmp.num_end :], _I)
        years = _years(cmp.value, unit[1] if unit else None)
        if years > 120:
            continue
        # "≥21years": the unit glued to the number is part of the comparison's word.
        stop = max(cmp.stop, cmp.num_end + unit.end()) if unit else cmp.stop
        again = _SAID_AGAIN_GE.match(rest, cmp.num_end) if cmp.op == ">=" else None
        if again is not None:
            stop = max(stop, again.end())  # "at least 18 years or older": one bound
        read.append((cmp.start, stop))
        if in_months:
            limit = _month_limit(cmp.value, unit[1] if unit else None, cmp.op)
            if cmp.op in (">=", ">"):
                low = limit
            else:
                high = limit
        elif cmp.op == ">=":
            low = math.ceil(years - 1e-9)
        elif cmp.op == ">":
            low = math.floor(years) + 1
        elif cmp.op == "<=":
            high = math.floor(years + 1e-9)
        else:
            high = math.ceil(years) - 1
    if spans is not None:
        spans.extend(read)
    return low, high, in_months


# "Adults aged 18-65", "children 6 to 17": the group agrees with the limits read. In
# "children 14-17 and adults" it does not, and the word stays unaccounted.
_ADULTS = re.compile(r"\badults?\b", _I)
_CHILDREN = re.compile(
    r"\b(?:children|child|adolescents?|paediatric|pediatric|kids|infants?|toddlers?)\b", _I)


# "< 18 years" alone, with no time-window wording, is an age limit too.
# So is "Male and female subjects <18 or >69 years": a subject lead, two bounds, one unit.
# "18-40 years", "Subjects of 40-70 years", "They are 18 years or older", "Adults
# (≥21years)", "Adult patients (>18 yrs)": people, then the years in or out of brackets.
_BARE_YEARS = re.compile(
    r"^\W*(?:(?:males?|females?|men|women|subjects?|patients?|participants?|adults?|"
    r"individuals?|persons?|people|they\s+are|of|and|or)\s+)*\(?\s*"
    rf"(?P<years>(?:{_OP}\s*)?\d{{1,3}}\s*(?:(?:or\s*{_OP}|-|–|to)\s*\d{{1,3}}\s*)?(?:years?|yrs?)\b)",
    _I,
)


_AGE_IN_EXCEPTION = re.compile(rf"\d{{1,3}}\s*{_AGE_UNIT}\b|\bage", _I)


def _age(ctx: _Ctx) -> _Parsed | None:
    cue = _AGE_CUE.search(ctx.text) or _BARE_YEARS.search(ctx.text)
    if cue is None:
        return _age_group(ctx)
    if re.search(r"child-?bearing", ctx.text, _I):
        return None
    if any(t.start <= cue.start() < t.end for t in ctx.terms):
        return None  # "Age-related macular degeneration": the word is a disease's name
    others = ctx.concepts("diagnosis", "drug", "drug_class", "lab", "score", "procedure")
    if others and cue.start() > 25:
        return None  # "SLE diagnosed before age 16" is about the disease
    if ctx.concepts("score"):
        # "Karnofsky (age ≥16) or Lansky (age <16) score ≥ 60": the age picks the scale.
        return None
    if any(_AGE_IN_EXCEPTION.search(e) for e in ctx.exceptions):
        # "Age ≥ 15 (except if the local ethics committee imposes ≥ 18)": computing 15
        # would admit 15-17-year-olds where 18 applies, computing 18 would refuse them
        # where it does not; which rule a site follows is not in the notes.
        return _manual(
            "the age limit has a local exception (another age applies at some sites): "
            "checked by a person",
            ctx.key("age"),
        )
    spans: list[tuple[int, int]] = []
    limits = age_limits(ctx.text, spans)
    low, high = limits["min_years"], limits["max_years"]
    if all(v is None for v in limits.values()):
        return _manual("age limits not recognised", ctx.key("age"))
    for start, end in spans:
        ctx.take(start, end, "age:limits")
    # The bare form's lead words are not the cue: "Female patients 18-40 years" names a
    # sex the age does not check, so "Female" must stay to be read (or left manual).
    cue_start = cue.start("years") if "years" in cue.re.groupindex else cue.start()
    ctx.take(cue_start, cue.end(), "age:cue")
    if low is not None and low >= 18:
        for m in _ADULTS.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "age:group")
    young = high is not None and high <= 18 and (low is None or low < 18)
    if young or "max_months" in limits and (limits["max_months"] or 0) < 18 * 12:
        for m in _CHILDREN.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "age:group")
    return _Parsed("age", ctx.key("age"), limits)


# "Adults", "Adult patients", "Minors", "Underage", "The patient is a minor": an age group
# named with no number, the whole item. Adult and minor are 18 and over / under 18 (the
# age of majority in most registries' countries); any other word ("adults unable to
# consent", "minor surgery", "adult healthy volunteers") leaves the item to other readers.
_SUBJECT_NOUNS = r"(?:patients?|subjects?|participants?|persons?|individuals?|people)"
_ADULT_GROUP = re.compile(
    rf"\W*(?:adults?|adult\s+(?:{_SUBJECT_NOUNS}|(?:men|males?)\s+(?:and|or)\s+"
    r"(?:women|females?)|(?:women|females?)\s+(?:and|or)\s+(?:men|males?)))[\s.,;:]*",
    _I,
)
_MINOR_GROUP = re.compile(
    rf"\W*(?:(?:the\s+)?{_SUBJECT_NOUNS}\s+(?:is|are)\s+(?:an?\s+)?)?"
    rf"(?:minors?|under-?age|minor\s+{_SUBJECT_NOUNS})[\s.,;:]*",
    _I,
)


def _age_group(ctx: _Ctx) -> _Parsed | None:
    if len(ctx.text) > 60:
        return None
    if _ADULT_GROUP.fullmatch(ctx.text):
        low, high = 18, None
    elif _MINOR_GROUP.fullmatch(ctx.text):
        low, high = None, 17
    else:
        return None
    ctx.take(0, len(ctx.text), "age:group-word")
    return _Parsed("age", ctx.key("age"), {"min_years": low, "max_years": high})


# ---------------------------------------------------------------- sex

_FEMALE = re.compile(r"^(?:only\s+)?(?:females?|women|woman|girls?)\b", _I)
_MALE = re.compile(r"^(?:only\s+)?(?:males?|men|man|boys?)\b", _I)
# Both sexes named, in either order. The first male (female) word is held (an atomic
# group): a female word after any later one is after it too, and "men men men ..." is not
# rescanned from every "men" (quadratic).
_BOTH = re.compile(
    r"^(?>.*?\b(?:males?|men|boys?)\b).*\b(?:females?|women|girls?)\b|^(?>.*?\bfemales?\b).*"
    r"\b(?:males?|men|boys?)\b|both\s+sex|either\s+sex|all\s+sex",
    _I,
)


def _sex(ctx: _Ctx) -> _Parsed | None:
    if _BOTH.search(ctx.text):
        return _manual("no sex restriction stated", ctx.key("sex")) if len(ctx.text) < 40 else None
    for pattern, sex in ((_FEMALE, "female"), (_MALE, "male")):
        m = pattern.search(ctx.text.lstrip())
        if m:
            offset = len(ctx.text) - len(ctx.text.lstrip())
            ctx.take(m.start() + offset, m.end() + offset, "sex")
            return _Parsed("sex", ctx.key("sex"), {"sex": sex})
    return None


# ---------------------------------------------------------------- CD19, ANA

_CD19 = re.compile(r"\bCD\s?19\b", _I)
_CD19_TARGET = re.compile(r"CAR|target|directed|therap|antibod|engager", _I)
_CD19_ABSENT = re.compile(r"negative|absent|absence|undetectable|depleted|depletion|aplasia", _I)


def _cd19(ctx: _Ctx) -> _Parsed | None:
    """ "Positive expression of CD19 in peripheral blood B cells determined by flow
    cytometry": the CAR target must be there to kill."""
    mentioned = _CD19.search(ctx.text) or "lab.cd19" in ctx.concepts("lab")
    if not mentioned or _CD19_TARGET.search(ctx.text):
        return None
    for m in _CD19.finditer(ctx.text):
        ctx.take(m.start(), m.end(), "cd19")
    ctx.take_terms(["lab.cd19"])
    spans: list[tuple[int, int]] = []
    threshold = _cd19_threshold(ctx.text, spans)
    for start, end in spans:
        ctx.take(start, end, "cd19:threshold")
    if threshold is not None:
        # "CD19+ B-cell count < 5 cells/µL" (exclusion), "CD19+ B cells ≥ 1%" (inclusion)
        return _Parsed("cd19", ctx.key("cd19"), threshold)
    if ctx.exclusion:
        if _CD19_ABSENT.search(ctx.text):
            for m in _CD19_ABSENT.finditer(ctx.text):
                ctx.take(m.start(), m.end(), "cd19:absent")
            params = _diagnosis_params(["status.b_cell_depleted"], ctx)
            return _Parsed("diagnosis", "x_cd19", params)
        return None
    if _comparisons(ctx.text) and not re.search(r"positiv|express|detect|present", ctx.text, _I):
        return None
    return _Parsed("cd19", "cd19", {})


_CD19_UNIT = re.compile(r"^\s*(?P<u>%|percent|cells?\s*/\s*(?:µl|μl|ul|mcl|mm3|mm³|cmm)|"
                        r"/\s*(?:µl|μl|ul|mm3|mm³))", _I)


def _cd19_threshold(
    text: str, spans: list[tuple[int, int]] | None = None
) -> dict[str, Any] | None:
    for comparison in _comparisons(text):
        unit = _CD19_UNIT.match(text[comparison.num_end :])
        if unit is not None:
            if spans is not None:
                spans.append((comparison.start, comparison.num_end + unit.end()))
            per_volume = not unit["u"].lower().startswith(("%", "percent"))
            return {"op": comparison.op, "value": float(comparison.value),
                    "unit": "/uL" if per_volume else "%"}
    return None


_TITRE = re.compile(rf"(?P<op>{_OP})?\s*1\s*[:/]\s*(?P<n>\d{{2,5}})", _I)


def _ana(ctx: _Ctx) -> _Parsed | None:
    """ "ANA ≥ 1:80": titres double, so "> 1:80" means at least 1:160."""
    if "lab.ana" not in ctx.concepts("lab") or ctx.exclusion:
        return None
    ctx.take_terms(["lab.ana"])
    m = _TITRE.search(ctx.text)
    if m is None:
        if re.search(r"positiv", ctx.text, _I):
            return _Parsed("ana", "ana", {"min_titre": 80})  # EULAR/ACR entry criterion
        return None
    ctx.take(m.start(), m.end(), "titre")
    suffix = _SUFFIX_GE.match(ctx.text[m.end() :])
    if suffix is not None and not m["op"]:
        ctx.take(m.end(), m.end() + suffix.end(), "titre")  # "1:40 or higher"
    titre = int(m["n"])
    if m["op"] and _op_of(m["op"]) == ">":
        titre *= 2
    return _Parsed("ana", "ana", {"min_titre": titre})


# ---------------------------------------------------------------- refractory

_REFRACTORY = re.compile(
    r"refractory|resistant|despite|persist\w*|inadequate\s+response|insufficient\s+response|failed|failure|"
    r"non-?respon|did\s+not\s+respond|not\s+responded|unresponsive|intoleran",
    _I,
)
_TREATMENT = re.compile(r"immunosuppress|treatment|therap|regimen|agent|drug|induction", _I)
_MIN_AGENTS = re.compile(
    rf"(?:(?:at\s+least|minimum\s+of|≥|>=)\s*(?P<a>\d+|{_WORD_NUM})|"
    rf"(?<!\d)(?P<b>\d+|{_WORD_NUM}|both)"
    r"\s*(?:or\s+more|\+)?)\s*(?:different\s+|distinct\s+|standard\s+|prior\s+|conventional\s+|"
    r"induction\s+|kinds?\s+of\s+)*(?:immunosuppress|agents?|drugs?|therap|regimens?|treatments?|lines?|"
    r"medications?|classes)",
    _I,
)
_PROTEINURIA = re.compile(
    r"proteinuria|urine\s+protein|urinary\s+protein|protein\s+excretion|remission|"
    r"active\s+nephritis",
    _I,
)


def _agents(ctx: _Ctx) -> list[str]:
    """The listed agents; classes expand. "two or more immunosuppressants (including
    glucocorticoids, cyclophosphamide, ...)": the list, not every immunosuppressant."""
    named = ctx.concepts("drug", "drug_class")
    specific = [c for c in named if c != "class.immunosuppressant"]
    chosen = specific or ["class.immunosuppressant"]
    return _expand(chosen, ctx.vocab)


def _expand(concepts: Iterable[str], vocab: Vocabulary) -> list[str]:
    out: list[str] = []
    for concept in concepts:
        for member in vocab.expand(concept):
            if member not in out:
                out.append(member)
    return out


# The refractory reading is the lupus-nephritis rule (the agents failed and proteinuria is
# not in remission). A treatment failure in another disease ("relapsed or refractory
# lymphoma", "LDL above target despite statin therapy") is not one: the item or its trial
# must be about lupus, or the item about proteinuria.
_LUPUS_OR_PROTEINURIA = re.compile(
    r"\b(?:SLE|LN)\b|(?i:lupus|\bnephritis\b|proteinuria|urin(?:e|ary)\s+protein|"
    r"protein\s+excretion)"
)


def _refractory(ctx: _Ctx) -> _Parsed | None:
    if ctx.exclusion or not _REFRACTORY.search(ctx.text):
        return None
    if not (ctx.lupus_trial or _LUPUS_OR_PROTEINURIA.search(ctx.text)):
        return None
    drugs = ctx.concepts("drug", "drug_class")
    if not drugs and not _TREATMENT.search(ctx.text):
        return None
    m = _MIN_AGENTS.search(ctx.text)
    count = _number((m["a"] or m["b"]) if m else "1") or 1.0
    spans: list[tuple[int, int]] = [(m.start(), m.end())] if m else []
    duration = _duration(ctx.text, spans) or (0, False)
    for pattern in (_REFRACTORY, _TREATMENT, _PROTEINURIA):
        spans += [(found.start(), found.end()) for found in pattern.finditer(ctx.text)]
    for start, end in spans:
        ctx.take(start, end, "refractory")
    ctx.take_terms([t.concept_id for t in ctx.mentions("drug", "drug_class", "status")])
    ctx.take_terms(["dx.sle", "dx.lupus_nephritis", *_PROTEIN_ANALYTES])
    params: dict[str, Any] = {
        "agents": _agents(ctx),
        "min_agents": int(count),
        "min_duration_days": duration[0],
        "duration_strict": duration[1],
        # "accompanied by proteinuria without remission": refractory means still active.
        "requires_active_proteinuria": bool(
            _PROTEINURIA.search(ctx.text)
            or {"lab.upcr", "lab.urine_protein_24h"} & set(ctx.concepts("lab"))
        ),
    }
    threshold = _proteinuria_threshold(ctx)
    if threshold is not None:
        params["proteinuria_threshold"] = threshold
    return _Parsed("refractory", "refractory", params)


def _proteinuria_threshold(ctx: _Ctx) -> float | None:
    for mention in _lab_mentions(ctx):
        if mention.concept in ("lab.upcr", "lab.urine_protein_24h"):
            spans: list[tuple[int, int]] = []
            reading = _lab_reading(ctx, mention, spans=spans)
            if reading is not None and "value" in reading:
                ctx.take(mention.start, mention.end, "term")
                for start, end in spans:
                    ctx.take(start, end, "lab:threshold")
                return reading["value"]
    return None
