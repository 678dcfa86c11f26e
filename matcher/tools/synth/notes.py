"""Clinic notes: the note under construction, its context, padding and the lupus clinic letter.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from random import Random

from matcher.nlp.dates import completed_years
from matcher.tools.synth.drugs import (
    _DRUG_LABEL,
    _ONE_OFF,
    _Drug,
    _drug_name,
    _history_mention,
)
from matcher.tools.synth.labs import (
    _cbc,
    _immunology,
    _Lab,
    _lfts,
    _renal,
    _render_labs,
    _upcr,
)
from matcher.tools.synth.patients import (
    _LN_CLASS_TEXT,
    _SLE_NAMES,
    _growth_height,
    _Patient,
)
from matcher.tools.synth.phrases import (
    _CARERS,
    _CLINIC_PADDING,
    _FILLER,
    _FILLER_HEADS,
    _FOLLOW_UP,
    _PRONOUNS,
    _alts,
    _bullets,
    _date,
    _family_history,
    _heading,
    _lines,
    _month,
    _pick,
    _randint,
    _sample,
)


def _distinct(note: _Note, rng: Random, kind: str, k: int) -> str:
    """k different sentences of one filler kind, as one paragraph."""
    picked = _sample(rng, _FILLER[kind]["F"][0], k)
    note.used.update(picked)
    return " ".join(picked)


# --- note builders --------------------------------------------------------------------------


class _Note:
    """A note's lines and its exact word count (as str.split() counts)."""

    __slots__ = ("lines", "used", "words")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words = 0
        self.used: set[str] = set()  # stock sentences already in the note: not twice

    def add(self, text: str, words: int | None = None) -> None:
        self.lines.append(text)
        self.words += len(text.split()) if words is None else words

    def text(self) -> str:
        return "\n".join(self.lines)


class _Values(dict):
    """Template values; the random ones are drawn only when a template names them."""

    __slots__ = ("rng", "p")

    def __init__(self, rng: Random, p: _Patient, eager: dict[str, object]) -> None:
        super().__init__(eager)
        self.rng = rng
        self.p = p

    def __missing__(self, key: str) -> object:
        value = _LAZY[key](self.rng, self.p)
        self[key] = value
        return value


_LAZY: dict[str, Callable[[Random, _Patient], object]] = {
    "dx": lambda r, p: _date(p.dx, r),
    "dxm": lambda r, p: _month(p.dx, r),
    "n": lambda r, p: _randint(r, 2, 6),
    "weeks": lambda r, p: _pick(r, (2, 4, 6, 8, 12, 16)),
    "carer": lambda r, p: _pick(r, _CARERS),
    "joint": lambda r, p: _pick(r, ("left knee", "right ankle", "right knee", "wrists", "elbow")),
    "sys": lambda r, p: _randint(r, 92, 128),
    "dia": lambda r, p: _randint(r, 52, 84),
    "pf": lambda r, p: _randint(r, 150, 420),
    "a1c": lambda r, p: _randint(r, 48, 92),
    "tir": lambda r, p: _randint(r, 35, 80),
    "u": lambda r, p: _randint(r, 8, 30),
    "ttg": lambda r, p: _randint(r, 30, 250),
    "fc": lambda r, p: _randint(r, 40, 1800),
    "plt": lambda r, p: _randint(r, 4, 40),
    "fev": lambda r, p: _randint(r, 55, 105),
    "d": lambda r, p: _randint(r, 2, 5),
}


@dataclass(slots=True)
class _Ctx:
    """One note of one patient: its generator, patient, date and template values."""

    rng: Random
    p: _Patient
    on: dt.date
    values: _Values

    def fill(self, template: str) -> str:
        return template.format_map(self.values)


def _context(rng: Random, p: _Patient, on: dt.date) -> _Ctx:
    age = completed_years(p.birth, on)
    female = p.sex == "F"
    adult = age >= 18
    child = ("young woman" if female else "young man") if adult else ("girl" if female else "boy")
    cond = _pick(rng, p.condition.names if p.condition else _SLE_NAMES)
    eager = {"age": age, "child": child, "sx": p.sex, "cond": cond, **_PRONOUNS[p.sex]}
    return _Ctx(rng, p, on, _Values(rng, p, eager))


def _age_phrase(c: _Ctx) -> str:
    v = c.values
    age, child, sx = v["age"], v["child"], v["sx"]
    r = c.rng.random()
    if r < 0.4:
        return f"{age}-year-old {child}"
    if r < 0.6:
        return f"{age} yo {sx}"
    if r < 0.75:
        return f"{age}y {sx}"
    if r < 0.9:
        return f"{child} aged {age}"
    return f"{age} y/o {child}"


def _pad(note: _Note, c: _Ctx, target: int, kinds: Sequence[str]) -> None:
    """Add filler paragraphs (each one kind, sometimes headed) until `target` words.

    No sentence comes twice in a note; a kind whose pool runs dry is simply skipped.
    """
    need = target - note.words
    draw = c.rng.random
    seen = note.used
    misses = 0
    while need > 0 and misses < 200:
        kind = kinds[int(draw() * len(kinds))]
        sentences, counts = _FILLER[kind][c.p.sex]
        size = len(sentences)
        picked: list[str] = []
        words = 0
        for _ in range(2 + int(draw() * 4)):
            i = int(draw() * size)
            sentence = sentences[i]
            if sentence in seen:
                misses += 1
                continue
            seen.add(sentence)
            picked.append(sentence)
            words += counts[i]
        if picked:
            heads = _FILLER_HEADS[kind]
            head, head_words = heads[int(draw() * len(heads))]
            note.add(head + " ".join(picked), words + head_words)
            need -= words + head_words


def _vitals(c: _Ctx) -> str:
    rng = c.rng
    height = _growth_height(c.p, c.on)
    weight = max(10.0, (height / 100) ** 2 * rng.uniform(15.5, 24.0))
    parts = [
        f"Height {height:.0f} cm" if rng.random() < 0.5 else f"Ht {height:.1f} cm",
        f"weight {weight:.1f} kg",
        f"BP {c.values['sys']}/{c.values['dia']} mmHg",
        f"HR {_randint(rng, 64, 118)}",
        f"T {rng.uniform(36.2, 37.6):.1f} °C",
        f"SpO2 {_randint(rng, 96, 100)}% in air",
    ]
    return ", ".join(parts[: _randint(rng, 3, len(parts))]) + "."


def _tail(lines: list[str]) -> tuple[list[str], int]:
    """The closing lines of a note, built before padding so the total lands on target."""
    return lines, sum(len(line.split()) for line in lines)


# Lupus nephritis and SLE -----------------------------------------------------------------


def _latest_biopsy(p: _Patient, on: dt.date) -> tuple[dt.date, str] | None:
    found = None
    for when, cls in p.biopsies:
        if when <= on:
            found = (when, cls)
    return found


def _current_drugs(p: _Patient, on: dt.date) -> list[_Drug]:
    return [
        d
        for d in p.drugs
        if d.start <= on and (d.stop is None or d.stop > on) and d.key not in _ONE_OFF
    ]


def _has_nephritis(p: _Patient, on: dt.date) -> bool:
    return p.ln_onset is not None and on >= p.ln_onset


def _active_nephritis(p: _Patient, on: dt.date) -> bool:
    """Refractory disease, or still in the first months of induction."""
    if p.ln_onset is None or on < p.ln_onset:
        return False
    return p.refractory or (on - p.ln_onset).days < 122


def _upcr_value(rng: Random, p: _Patient, on: dt.date) -> float:
    """Proteinuria (g/g) on a date: refractory stays high, responders fall after induction."""
    if p.kind != "ln":
        return p.upcr * rng.uniform(0.6, 1.4)
    if p.ln_onset is None or on < p.ln_onset - dt.timedelta(days=30):
        return rng.uniform(0.04, 0.2)  # before nephritis: normal
    months = (on - p.ln_onset).days / 30.44
    if p.refractory or months < 4:
        return p.upcr * rng.uniform(0.5, 1.3)
    return max(0.05, p.upcr * rng.uniform(0.02, 0.25))


def _lupus_labs(c: _Ctx, full: bool) -> list[_Lab]:
    rng, p = c.rng, c.p
    active = p.kind == "ln" and (p.refractory or rng.random() < 0.4)
    labs: list[_Lab] = []
    if full or rng.random() < 0.7:
        labs.extend(_cbc(rng, low_lymph=rng.random() < 0.4))
    if full or rng.random() < 0.6:
        labs.extend(_renal(rng, p, c.on)[: _randint(rng, 1, 5)])
    if p.kind == "ln" or rng.random() < 0.5:
        labs.append(_upcr(rng, _upcr_value(rng, p, c.on)))
    if full or rng.random() < 0.5:
        labs.extend(_lfts(rng, high=rng.random() < 0.08))
    if rng.random() < 0.6:
        labs.extend(_immunology(rng, p, active))
    if rng.random() < 0.15:
        labs.append(_Lab("INR", f"{rng.uniform(0.9, 1.3):.1f}", ""))
        labs.append(_Lab("PT", f"{rng.uniform(10.5, 14.0):.1f}", "sec", "(10.5-13.5)"))
    if rng.random() < 0.3:
        labs.append(_Lab("Albumin", str(_randint(rng, 18, 42)), "g/L", "(35-50)"))
    return labs


def _ln_opening(c: _Ctx, biopsy: tuple[dt.date, str] | None) -> str:
    rng, v = c.rng, c.values
    who = _age_phrase(c)
    sle = v["cond"]
    if biopsy is None:
        return _pick(
            rng,
            (
                f"{who} with {sle} diagnosed {v['dxm']}, now with new proteinuria; a renal "
                "biopsy is being arranged.",
                f"{who} known to have {sle} since {v['dxm']}. Rising proteinuria over the last "
                "month raises concern for renal involvement.",
            ),
        )
    when, cls = biopsy
    cls_text = _pick(rng, _LN_CLASS_TEXT[cls])
    bx = _date(when, rng)
    r = rng.random()
    if r < 0.25:
        return f"{who} with {sle} (diagnosed {v['dxm']}) and {cls_text} on renal biopsy {bx}."
    if r < 0.45:
        return f"{who} with biopsy-proven {cls_text} (renal biopsy {bx}), background of {sle}."
    if r < 0.65:
        return (
            f"Known to the service since {v['dxm']}: {sle} with renal involvement, "
            f"{cls_text} on kidney biopsy dated {bx}."
        )
    if r < 0.85:
        return f"Follow-up of {who} with LN. Most recent renal biopsy {bx}: {cls_text}."
    return f"{who}. Diagnoses: {sle}; lupus nephritis, {cls_text} (biopsy {bx})."


def _sle_opening(c: _Ctx) -> str:
    v, p = c.values, c.p
    features = ", ".join(p.features)
    if c.rng.random() < 0.5:
        return (
            f"{_age_phrase(c)} with {v['cond']} diagnosed {v['dxm']} (2019 EULAR/ACR criteria "
            f"met), presenting with {features}."
        )
    return (
        f"{_age_phrase(c)} known to have {v['cond']} since {v['dxm']}; manifestations to date: "
        f"{features}. ANA {p.ana}."
    )


def _treatment_history(c: _Ctx) -> str | None:
    rng = c.rng
    given = [d for d in c.p.drugs if d.start <= c.on]
    if not given:
        return None
    mentions = [_history_mention(rng, d, c.on) for d in given]
    if rng.random() < 0.5:
        head = _pick(rng, ("Treatment history:", "Previous treatment:", "Immunosuppression:"))
        return head + "\n" + _bullets(mentions, rng)
    head = _pick(rng, ("Treatment to date: ", "Treated with ", "Therapy so far: "))
    return head + "; ".join(mentions) + "."


_NEGATED_HISTORY = _lines(
    """
    No history of thrombosis or pregnancy loss in the family.
    Antiphospholipid antibodies negative.
    No seizures or psychosis; no features of CNS lupus.
    Denies fevers, chest pain or shortness of breath.
    No history of kidney transplant or dialysis.
    Hepatitis B, hepatitis C and HIV serology negative.
    No evidence of active infection; TB screen (IGRA) negative.
    No history of malignancy.
    Never had a blood clot.
    No Gilbert syndrome; bilirubin has always been normal.
    """
)


def _negations(c: _Ctx) -> list[str]:
    """Negated mentions of drugs this patient has not had, and of absent conditions."""
    rng, p = c.rng, c.p
    had = {d.key for d in p.drugs if d.start <= c.on}
    out = []
    for key in ("rtx", "cyc", "bel", "tac"):
        if key not in had and rng.random() < 0.35:
            name = _drug_name(rng, key)
            out.append(
                _pick(
                    rng,
                    (
                        f"No prior {name}.",
                        f"Never received {name}.",
                        f"Not on {name}.",
                        f"Has not had {name} to date.",
                    ),
                )
            )
    out.append(_pick(rng, _NEGATED_HISTORY))
    return out


def _proteinuria_line(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    lab = _upcr(rng, _upcr_value(rng, p, c.on))
    value = f"{lab.name} {lab.value} {lab.unit}"
    if not _has_nephritis(p, c.on):
        return _pick(
            rng,
            (
                f"Urinalysis bland; {value}.",
                f"No renal involvement: {value}.",
                f"Urine dipstick negative for protein; {value}.",
            ),
        )
    months = (c.on - p.ln_onset).days / 30.44 if p.ln_onset else 0.0
    if p.refractory and months > 5:
        return _pick(
            rng,
            (
                f"Persistent proteinuria despite treatment: {value}. No remission.",
                f"{value}; proteinuria remains in the nephrotic range with no renal response.",
                f"Non-responder to induction: {value} today.",
                f"Renal relapse after a partial response, {value}.",
            ),
        )
    if months < 4:
        return _pick(rng, (f"Active nephritis, {value}.", f"Heavy proteinuria: {value}."))
    return _pick(
        rng,
        (
            f"Good renal response with {value}.",
            f"Now in complete renal remission, {value}.",
            f"Partial remission: {value}, down from presentation.",
            f"{value}, improving.",
        ),
    )


def _sledai(c: _Ctx) -> str:
    rng = c.rng
    score = max(0, c.p.sledai + _randint(rng, -3, 3))
    return _pick(
        rng,
        (
            f"SLEDAI-2K {score}.",
            f"SLEDAI-2K score = {score}.",
            f"SELENA-SLEDAI {score}.",
            f"SLEDAI 2K: {score} points.",
            f"Disease activity: SLEDAI-2000 {score}.",
        ),
    )


_LUPUS_PLAN = _lines(
    """
    Repeat UPCR, renal function and complement in 4 weeks
    Wean prednisolone by 2.5 mg every fortnight as tolerated
    Bone health: calcium and vitamin D supplements
    Annual eye screening while on hydroxychloroquine
    Sun protection advice reinforced
    Check lymphocyte subsets (CD19) before any biologic
    Blood pressure target below the 90th centile for height
    Discussed contraception and the teratogenicity of MMF
    Influenza and pneumococcal vaccines recommended
    """
)
_LN_PLAN_ACTIVE = _lines(
    """
    Consider rituximab if no response by the next visit
    Discuss at the renal-rheumatology MDT
    Refer for assessment for the CD19 CAR-T trial
    Plan repeat renal biopsy if proteinuria persists
    Start ACE inhibitor (enalapril 2.5 mg od) for its antiproteinuric effect
    If UPCR does not fall, will add tacrolimus
    """
)
_LN_PLAN_STABLE = _lines(
    """
    Continue maintenance immunosuppression unchanged
    Taper steroids towards 5 mg daily over the next three months
    Urine dipstick at each visit; UPCR every 3 months
    Discuss duration of maintenance therapy at the MDT next year
    Keep ACE inhibitor for residual low-grade proteinuria
    """
)


def _lupus_plan(c: _Ctx) -> list[str]:
    rng, p = c.rng, c.p
    current = _current_drugs(p, c.on)
    kept = _sample(rng, current, min(2, len(current)))
    items = [f"Continue {_drug_name(rng, d.key)} {d.dose}" for d in kept]
    pool = _LUPUS_PLAN
    if _has_nephritis(p, c.on):
        pool += _LN_PLAN_ACTIVE if _active_nephritis(p, c.on) else _LN_PLAN_STABLE
    return items + _sample(rng, pool, _randint(rng, 2, 4))


def _lupus_assessment(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    given = ", ".join(sorted({_DRUG_LABEL[d.key] for d in p.drugs if d.start <= c.on}))
    if _has_nephritis(p, c.on) and p.ln_onset is not None:
        months = (c.on - p.ln_onset).days // 30
        if p.refractory and months > 5:
            if rng.random() < 0.5:
                return (
                    f"Refractory lupus nephritis: persistent proteinuria after {months} months "
                    f"of {given}."
                )
            return f"Active LN without remission despite {given} over {months} months."
        return _pick(
            rng,
            (
                "Lupus nephritis responding to induction; continue current therapy.",
                f"LN on maintenance ({given}), clinically stable.",
                "Quiescent lupus; renal function preserved.",
            ),
        )
    return _pick(
        rng,
        (
            "SLE with mainly mucocutaneous and musculoskeletal activity; no nephritis.",
            "Stable lupus on hydroxychloroquine; no renal involvement.",
            "Mild flare of SLE, probably triggered by sun exposure.",
        ),
    )


_LUPUS_SYMPTOMS = _alts(
    """tiredness that limits PE | ankle swelling by the evening | frothy urine |
    stiffness of the fingers in the morning | a rash across the cheeks after sun |
    hair thinning | two mouth ulcers | feeling much better | no new symptoms |
    weight gain on steroids | headaches most afternoons | painful wrists"""
)
_LUPUS_EXAM = _lines(
    """
    Cushingoid facies.
    Mild pitting oedema to both ankles.
    No oedema.
    Faint malar erythema.
    No active synovitis.
    No lymphadenopathy.
    Good venous access in both antecubital fossae.
    No alopecia.
    Striae over the thighs.
    Two small painless ulcers on the hard palate.
    """
)
_EXTRA_MEDS = _alts(
    """omeprazole 20 mg od | calcium carbonate/vitamin D3 bd | amlodipine 5 mg od |
    enalapril 5 mg bd | co-trimoxazole prophylaxis three times weekly | ferrous sulfate 200 mg od"""
)


def _lupus_clinic(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p, v = c.rng, c.p, c.values
    note = _Note()
    note.add(
        _heading(
            (
                "Paediatric Nephrology Clinic",
                "Paediatric rheumatology review",
                "Lupus clinic",
                "Renal outpatient follow-up",
                "Joint renal-rheumatology clinic",
                "Clinic letter",
            ),
            rng,
        )
    )
    if not p.structured and rng.random() < 0.5:
        note.add(f"DOB: {_date(p.birth, rng)}")
    if rng.random() < 0.5:
        note.add(f"Date of clinic: {_date(c.on, rng)}")
    hist = [_pick(rng, ("HPI:", "History:", "Interval history:", "Presenting complaint:"))]
    if p.kind == "ln" and p.ln_onset is not None and c.on >= p.ln_onset - dt.timedelta(days=10):
        hist.append(_ln_opening(c, _latest_biopsy(p, c.on)))
    else:
        hist.append(_sle_opening(c))
    symptom = _pick(rng, _LUPUS_SYMPTOMS)
    hist.append(
        _pick(
            rng,
            (
                f"{v['Pron']} reports {symptom}.",
                f"Main concern today is {symptom}.",
                f"Since the last visit, {symptom}.",
            ),
        )
    )
    note.add(" ".join(hist))
    history = _treatment_history(c)
    if history:
        note.add(history)
    note.add(" ".join([_proteinuria_line(c), _sledai(c), *_negations(c)]))
    current = _current_drugs(p, c.on)
    if current:
        meds = [f"{_drug_name(rng, d.key)} {d.dose}" for d in current]
        meds += _sample(rng, _EXTRA_MEDS, _randint(rng, 0, 2))
        head = _pick(rng, ("Medications:", "Current medications:", "Meds:"))
        note.add(head + "\n" + _bullets(meds, rng))
    _common_sections(note, c)
    exam = [_vitals(c), *_sample(rng, _LUPUS_EXAM, _randint(rng, 1, 3))]
    note.add(_pick(rng, ("Examination: ", "O/E: ", "On examination: ")) + " ".join(exam))
    if rng.random() < 0.65:
        labs = _render_labs(_lupus_labs(c, full=False), rng, _date(c.on, rng))
        note.add(_pick(rng, ("Investigations:", "Results:", "Recent labs:")) + "\n" + labs)
    if rng.random() < 0.35:
        note.add(_flow_line(c))
    tail, words = _tail(
        [
            _pick(rng, ("Assessment: ", "Impression: ", "Summary: ")) + _lupus_assessment(c),
            _pick(rng, ("Plan:", "Plan:", "Management plan:"))
            + "\n"
            + _bullets(_lupus_plan(c), rng),
            c.fill(_pick(rng, _FOLLOW_UP)),
        ],
    )
    if rng.random() < 0.4:
        tail.append(f"{p.doctor}, {_pick(rng, ('Consultant', 'Registrar', 'Fellow'))}")
        words += 3
    _pad(note, c, target - words, _CLINIC_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


def _common_sections(note: _Note, c: _Ctx) -> None:
    """Family and social history and a systems review, each present in most notes."""
    rng = c.rng
    if rng.random() < 0.7:
        note.add(_pick(rng, ("Family history: ", "FH: ")) + _family_history(rng))
    if rng.random() < 0.6:
        social = _distinct(note, rng, "social", _randint(rng, 1, 3))
        note.add(_pick(rng, ("Social history: ", "SH: ")) + social)
    if rng.random() < 0.7:
        ros = _distinct(note, rng, "ros", _randint(rng, 1, 3))
        note.add(_pick(rng, ("Review of systems: ", "ROS: ")) + ros)


def _flow_line(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    depleted = any(
        d.key == "rtx" and dt.timedelta(0) <= c.on - d.start <= dt.timedelta(days=270)
        for d in p.drugs
    )
    if depleted:
        return _pick(
            rng,
            (
                "CD19+ B cells 0% (B cells depleted).",
                "B lymphocytes (CD19+) undetectable after rituximab.",
                "CD19 count <1 cells/uL.",
                "Flow cytometry: CD19 0.1%, consistent with B-cell depletion.",
            ),
        )
    pct = rng.uniform(3.0, 28.0)
    count = pct * rng.uniform(8, 25)
    return _pick(
        rng,
        (
            f"CD19+ B cells {pct:.1f}% ({count:.0f} cells/uL).",
            f"B cells (CD19+) {pct:.0f}% of lymphocytes.",
            f"CD19: {pct:.1f} %",
            f"CD19+ {count:.0f} cells/µL ({pct:.1f}%).",
        ),
    )
