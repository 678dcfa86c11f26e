"""The other note types: flow cytometry, pathology and lab reports, referrals, discharge
summaries, clinic letters of other conditions.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

import datetime as dt

from matcher.tools.synth.drugs import (
    _drug_name,
)
from matcher.tools.synth.labs import (
    _cbc,
    _Lab,
    _lfts,
    _renal,
    _render_labs,
    _upcr,
)
from matcher.tools.synth.notes import (
    _age_phrase,
    _common_sections,
    _Ctx,
    _current_drugs,
    _flow_line,
    _has_nephritis,
    _latest_biopsy,
    _ln_opening,
    _lupus_labs,
    _Note,
    _pad,
    _proteinuria_line,
    _sle_opening,
    _sledai,
    _tail,
    _treatment_history,
    _upcr_value,
    _vitals,
)
from matcher.tools.synth.patients import (
    _LN_CLASS_TEXT,
    _PROLIFERATIVE,
    _SLE_NAMES,
)
from matcher.tools.synth.phrases import (
    _CLINIC_PADDING,
    _DISCHARGE_ADVICE,
    _DOCTORS,
    _EXAM,
    _FOLLOW_UP,
    _WARD_COURSE,
    _WARD_PADDING,
    _alts,
    _bullets,
    _date,
    _family_history,
    _heading,
    _lines,
    _pick,
    _randint,
    _sample,
)

_FLOW_COMMENTS = _lines(
    """
    Comment: interpret alongside the clinical picture.
    Reported by the immunology laboratory; results verified.
    Comment: B-cell reconstitution should be reassessed in 3 months.
    Subsets within the age-related reference intervals except as noted.
    """
)


def _flow(c: _Ctx) -> str:
    rng = c.rng
    cd3 = _randint(rng, 55, 80)
    cd4 = _randint(rng, 25, min(55, cd3 - 10))
    lines = [
        _heading(
            (
                "LYMPHOCYTE SUBSETS (FLOW CYTOMETRY)",
                "Flow cytometry",
                "Lymphocyte subset analysis",
                "Immunophenotyping",
            ),
            rng,
        ),
        f"Sample collected {_date(c.on, rng)}; EDTA whole blood.",
        f"CD3+ T cells {cd3}%, CD4+ {cd4}%, CD8+ {cd3 - cd4 - _randint(rng, 0, 6)}%",
        _flow_line(c),
        f"CD16+56+ NK cells {_randint(rng, 4, 20)}%",
    ]
    if rng.random() < 0.6:
        lines.append(f"Absolute lymphocyte count {rng.uniform(0.5, 3.2):.2f} x10^9/L.")
    if rng.random() < 0.5:
        lines.append(_pick(rng, _FLOW_COMMENTS))
    return "\n".join(lines)


def _ln_pathology(c: _Ctx) -> str:
    rng = c.rng
    when, cls = _latest_biopsy(c.p, c.on) or (c.on, "IV")
    cores = _randint(rng, 1, 3)
    glomeruli = _randint(rng, 12, 45)
    sclerosed = _randint(rng, 0, 6) if cls != "VI" else glomeruli - _randint(rng, 1, 3)
    lines = [
        _heading(
            (
                "RENAL BIOPSY REPORT",
                "Renal histopathology",
                "Kidney biopsy",
                "Histopathology: native renal biopsy",
            ),
            rng,
        ),
        _pick(rng, ("Date of biopsy: ", "Collected: ", "Biopsy date: ")) + _date(when, rng),
        f"Clinical details: {_pick(rng, _SLE_NAMES)}, proteinuria "
        + _pick(rng, ("and haematuria.", "with an active sediment.", "not responding.")),
        f"Specimen: percutaneous native kidney biopsy, {_pick(rng, ('left', 'right'))}; "
        f"{cores} core{'s' if cores > 1 else ''} of cortex, {_randint(rng, 8, 20)} mm in "
        "total, with portions for immunofluorescence and electron microscopy.",
    ]
    micro = [f"Light microscopy: {glomeruli} glomeruli, {sclerosed} globally sclerosed."]
    if cls in _PROLIFERATIVE:
        share = _randint(rng, 20, 49) if cls.startswith("III") else _randint(rng, 50, 95)
        lesion = _pick(rng, ("wire-loop lesions", "hyaline thrombi", "karyorrhexis"))
        micro.append(
            f"Endocapillary hypercellularity in {share}% of glomeruli with {lesion}; "
            f"{_randint(rng, 0, 6)} cellular crescents and {_randint(rng, 0, 3)} fibrous crescents."
        )
    if "V" in cls.split("+"):
        micro.append("Diffuse thickening of capillary walls with spikes on silver stain.")
    if cls == "II":
        micro.append("Mesangial hypercellularity only; capillary loops patent.")
    micro.append(
        _pick(
            rng,
            (
                "Interstitial fibrosis and tubular atrophy under 10%.",
                "Mild interstitial inflammation; tubular atrophy about 15%.",
                "Arteries and arterioles unremarkable.",
            ),
        )
    )
    lines.append(" ".join(micro))
    lines.append(
        "Immunofluorescence: "
        + _pick(
            rng,
            (
                "full-house pattern (IgG, IgA, IgM, C3, C1q), mesangial and capillary wall.",
                "granular IgG 3+, C3 2+, C1q 2+ along capillary walls.",
                "mesangial IgG and C3, C1q positive.",
            ),
        )
    )
    if rng.random() < 0.6:
        lines.append(
            "Electron microscopy: "
            + _pick(
                rng,
                (
                    "subendothelial and mesangial dense deposits; tubuloreticular inclusions.",
                    "subepithelial deposits with effacement of foot processes.",
                    "mesangial deposits only.",
                ),
            )
        )
    head = _pick(rng, ("Diagnosis: ", "Conclusion: ", "DIAGNOSIS: "))
    lines.append(f"{head}Lupus nephritis, {_pick(rng, _LN_CLASS_TEXT[cls])}.")
    if cls in _PROLIFERATIVE:
        activity, chronicity = _randint(rng, 3, 16), _randint(rng, 0, 6)
        lines.append(f"NIH activity index {activity}/24, chronicity index {chronicity}/12.")
    if rng.random() < 0.5:
        lines.append(
            _pick(
                rng,
                (
                    "Comment: findings discussed with the referring nephrologist.",
                    "Comment: compared with any previous biopsy, chronic damage is limited.",
                    "Reported by the renal pathology service; a second opinion concurs.",
                ),
            )
        )
    return "\n".join(lines)


def _skin_pathology(c: _Ctx) -> str:
    rng = c.rng
    site = _pick(rng, ("left cheek", "scalp", "forearm"))
    return "\n".join(
        (
            "HISTOPATHOLOGY",
            f"Received {_date(c.on, rng)}: skin punch biopsy, {site}.",
            "Microscopy: interface dermatitis with basal vacuolar change, perivascular and "
            "periadnexal lymphocytic infiltrate and dermal mucin.",
            "Conclusion: features consistent with cutaneous lupus erythematosus.",
        )
    )


def _lupus_lab(c: _Ctx, out: list[_Lab] | None = None) -> str:
    """A lab report; `out` receives its values (`matcher synth --format fhir` codes them)."""
    rng = c.rng
    labs = _lupus_labs(c, full=rng.random() < 0.4)
    if out is not None:
        out.extend(labs)
    head = _pick(rng, ("LAB RESULTS", "Laboratory report", "Blood results", "Pathology results"))
    return f"{head}\n" + _render_labs(labs, rng, _date(c.on, rng))


def _referral(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p = c.rng, c.p
    note = _Note()
    note.add(p.hospital)
    note.add(_pick(rng, ("Dear colleague,", f"Dear {_pick(rng, _DOCTORS)},", "Dear Dr,")))
    if not p.structured or rng.random() < 0.3:
        note.add(f"Re: {p.pid}, DOB {_date(p.birth, rng)}")
    if p.condition is not None:
        cond = p.condition
        opening = _pick(
            rng,
            (
                "Thank you for seeing this {age}-year-old {child} with {cond}; I would be "
                "grateful for your assessment.",
                "I would appreciate your opinion on this {age} yo {sx} with {cond}.",
            ),
        )
        note.add(c.fill(opening))
        note.add(" ".join(c.fill(s) for s in _sample(rng, cond.hpi, min(3, len(cond.hpi)))))
        meds = [c.fill(m) for m in _sample(rng, cond.meds, min(2, len(cond.meds)))]
        note.add("Medications: " + "; ".join(meds) + ".")
    elif _has_nephritis(p, c.on) and _latest_biopsy(p, c.on) is not None:
        note.add("Thank you for seeing this patient. " + _ln_opening(c, _latest_biopsy(p, c.on)))
        history = _treatment_history(c)
        if history:
            note.add(history)
        note.add(_proteinuria_line(c))
        question = _pick(
            rng,
            (
                "I am writing to ask whether {pos} disease might make {obj} eligible for a "
                "clinical trial of CD19-directed therapy.",
                "We would value your advice on further management of {pos} nephritis.",
            ),
        )
        note.add(c.fill(question))
    else:
        opening = _pick(
            rng,
            (
                "Thank you for seeing this {age}-year-old {child} with suspected lupus: a "
                "positive ANA and arthralgia.",
                "I would be grateful for your review of this {age} yo {sx} with {cond}.",
            ),
        )
        note.add(c.fill(opening))
        note.add(f"ANA {p.ana}. Features so far: {', '.join(p.features)}.")
    if rng.random() < 0.6:
        note.add("Family history: " + _family_history(rng))
    if rng.random() < 0.5:
        allergies = _pick(
            rng, ("NKDA.", "none known.", "penicillin (rash).", "no known allergies.")
        )
        note.add("Allergies: " + allergies)
    role = _pick(rng, ("GP", "General Paediatrician", "Consultant Paediatrician"))
    tail, words = _tail([_pick(rng, ("Yours sincerely,", "Kind regards,")), f"{p.doctor}, {role}"])
    _pad(note, c, target - words, _CLINIC_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


_LN_ADMISSIONS = _alts(
    """lupus flare with fever and polyarthritis | nephrotic-range proteinuria with oedema |
    IV methylprednisolone pulses for active nephritis | renal biopsy and induction therapy |
    febrile neutropenia on immunosuppression | hypertensive urgency |
    cellulitis on immunosuppression"""
)
_SLE_ADMISSIONS = _alts(
    """lupus flare with fever and polyarthritis | autoimmune haemolytic anaemia |
    pericarditis | chest infection on immunosuppression"""
)


def _discharge(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p, v = c.rng, c.p, c.values
    admitted = c.on - dt.timedelta(days=_randint(rng, 1, 12))
    note = _Note()
    note.add(
        _heading(("DISCHARGE SUMMARY", "Discharge letter", "Inpatient discharge summary"), rng)
    )
    ward = _pick(rng, ("Ward 4", "Rainbow Ward", "Children's Ward", "Paediatric Assessment Unit"))
    note.add(f"{p.hospital}, {ward}")
    if not p.structured or rng.random() < 0.4:
        note.add(f"Patient: {p.pid}  DOB: {_date(p.birth, rng)}  Sex: {p.sex}")
    note.add(f"Admitted: {_date(admitted, rng)}    Discharged: {_date(c.on, rng)}")
    if p.condition is not None:
        cond = p.condition
        note.add(f"Primary diagnosis: {_pick(rng, cond.admit)}.")
        note.add(f"Background: {v['cond']}.")
        story = " ".join(c.fill(s) for s in _sample(rng, cond.hpi, min(3, len(cond.hpi))))
        note.add("Presenting complaint:\n" + story)
    else:
        reasons = _LN_ADMISSIONS if _has_nephritis(p, c.on) else _SLE_ADMISSIONS
        note.add(f"Primary diagnosis: {_pick(rng, reasons)}.")
        biopsy = _latest_biopsy(p, c.on)
        if _has_nephritis(p, c.on) and biopsy is not None:
            note.add("History: " + _ln_opening(c, biopsy))
        else:
            note.add("History: " + _sle_opening(c))
        treatment = _treatment_history(c)
        if treatment:
            note.add(treatment)
    course = [c.fill(s) for s in _sample(rng, _WARD_COURSE, 5)]
    note.used.update(course)
    if p.condition is None:
        course[1:1] = [_proteinuria_line(c), _sledai(c)]
    note.add(_pick(rng, ("Hospital course:\n", "Clinical course: ")) + " ".join(course))
    labs = _lupus_labs(c, full=True) if p.condition is None else _other_labs(c)
    note.add("Investigations:\n" + _render_labs(labs, rng, _date(admitted, rng)))
    if p.kind == "ln" and rng.random() < 0.4:
        note.add(_flow_line(c))
    exam = _sample(rng, _EXAM, 3)
    note.used.update(exam)
    note.add("Examination on discharge: " + _vitals(c) + " " + " ".join(exam))
    meds = [f"{_drug_name(rng, d.key)} {d.dose}" for d in _current_drugs(p, c.on)]
    if p.condition is not None:
        meds += [c.fill(m) for m in _sample(rng, p.condition.meds, min(3, len(p.condition.meds)))]
    meds.append(_pick(rng, ("paracetamol 15 mg/kg qds prn", "omeprazole 20 mg od", "lactulose bd")))
    advice = " ".join(c.fill(s) for s in _sample(rng, _DISCHARGE_ADVICE, 3))
    tail, words = _tail(
        [
            "Discharge medications:\n" + _bullets(meds, rng),
            "Information given: " + advice,
            "Follow-up: " + c.fill(_pick(rng, _FOLLOW_UP)),
            f"Discharging clinician: {p.doctor}",
        ],
    )
    _pad(note, c, target - words, _WARD_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


# Other conditions ------------------------------------------------------------------------


def _other_labs(c: _Ctx) -> list[_Lab]:
    rng, p = c.rng, c.p
    labs: list[_Lab] = []
    for panel in p.condition.labs if p.condition else ("cbc",):
        if panel == "cbc":
            labs.extend(_cbc(rng, low_lymph=False))
        elif panel == "renal":
            labs.extend(_renal(rng, p, c.on))
        elif panel == "lft":
            labs.extend(_lfts(rng, high=rng.random() < 0.05))
        elif panel == "upcr":
            labs.append(_upcr(rng, _upcr_value(rng, p, c.on)))
        elif panel == "albumin":
            labs.append(_Lab("Albumin", str(_randint(rng, 12, 44)), "g/L", "(35-50)"))
        elif panel == "inflammatory":
            labs.append(_Lab("CRP", str(_randint(rng, 1, 160)), "mg/L", "(<5)"))
            labs.append(_Lab("ESR", str(_randint(rng, 2, 80)), "mm/hr"))
        elif panel == "diabetes":
            labs.append(_Lab("HbA1c", str(c.values["a1c"]), "mmol/mol"))
            labs.append(_Lab("Glucose", f"{rng.uniform(4, 18):.1f}", "mmol/L"))
        elif panel == "ige":
            labs.append(_Lab("Total IgE", str(_randint(rng, 20, 1400)), "kU/L"))
        elif panel == "iron":
            labs.append(_Lab("Ferritin", str(_randint(rng, 4, 90)), "ug/L", "(15-150)"))
    return labs


_PAST_HISTORY = _alts(
    """born at term, no neonatal concerns | eczema in infancy | grommets aged 4 |
    tonsillectomy | no previous admissions | iron deficiency treated last year |
    mild speech delay, resolved | immunisations complete | bronchiolitis as an infant"""
)
_LUPUS_ASIDES = _lines(
    """
    No features to suggest SLE; ANA negative.
    Mother has SLE; {pron} has no symptoms to suggest it.
    Lupus was considered and ruled out.
    Denies joint pain, rash or mouth ulcers; no concern for lupus.
    """
)


def _other_clinic(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p, v = c.rng, c.p, c.values
    cond = p.condition
    assert cond is not None  # only "other" patients reach here
    note = _Note()
    note.add(
        _heading(
            (
                "General Paediatric Clinic",
                "Outpatient review",
                "Clinic letter",
                "Specialist clinic follow-up",
                "Paediatric review",
            ),
            rng,
        )
    )
    if not p.structured and rng.random() < 0.5:
        note.add(f"DOB {_date(p.birth, rng)}")
    hpi = [f"{_age_phrase(c)} with {v['cond']}."]
    hpi += [c.fill(s) for s in _sample(rng, cond.hpi, _randint(rng, 2, len(cond.hpi)))]
    note.add(_pick(rng, ("HPI: ", "History: ", "Interval history: ")) + " ".join(hpi))
    if rng.random() < 0.5:
        past = _sample(rng, _PAST_HISTORY, _randint(rng, 1, 3))
        note.add("Past medical history:\n" + _bullets(past, rng))
    meds = [c.fill(m) for m in _sample(rng, cond.meds, _randint(rng, 1, len(cond.meds)))]
    meds += [f"{_drug_name(rng, d.key)} {d.dose}" for d in _current_drugs(p, c.on)]
    head = _pick(rng, ("Medications:", "Current medications:", "Meds:"))
    note.add(head + "\n" + _bullets(meds, rng))
    allergies = _pick(rng, ("NKDA", "none known", "penicillin (rash)", "no known drug allergies"))
    note.add("Allergies: " + allergies)
    _common_sections(note, c)
    exam = [_vitals(c)] + [
        c.fill(s) for s in _sample(rng, cond.exam, _randint(rng, 1, len(cond.exam)))
    ]
    exam += _sample(rng, _EXAM, _randint(rng, 1, 3))
    note.used.update(exam)
    note.add(_pick(rng, ("Examination: ", "O/E: ", "On examination: ")) + " ".join(exam))
    if rng.random() < 0.4:
        note.add("Investigations:\n" + _render_labs(_other_labs(c), rng, _date(c.on, rng)))
    if rng.random() < 0.25:
        # Lupus words in a non-lupus note: negation and family rules must keep them out.
        note.add(c.fill(_pick(rng, _LUPUS_ASIDES)))
    plan = [c.fill(s) for s in _sample(rng, cond.plan, _randint(rng, 1, len(cond.plan)))]
    tail, words = _tail(
        [
            _pick(rng, ("Assessment: ", "Impression: ")) + c.fill(_pick(rng, cond.assess)),
            _pick(rng, ("Plan:", "Management plan:")) + "\n" + _bullets(plan, rng),
            c.fill(_pick(rng, _FOLLOW_UP)),
        ],
    )
    _pad(note, c, target - words, _CLINIC_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


def _other_lab(c: _Ctx, out: list[_Lab] | None = None) -> str:
    head = _pick(c.rng, ("LAB RESULTS", "Laboratory report", "Blood results"))
    labs = _other_labs(c)
    if out is not None:
        out.extend(labs)
    return f"{head}\n" + _render_labs(labs, c.rng, _date(c.on, c.rng))


def _other_pathology(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    assert p.condition is not None and p.condition.pathology
    renal = p.condition.key in ("nephrotic", "iga")
    titles = ("RENAL BIOPSY REPORT", "Kidney biopsy") if renal else ("HISTOPATHOLOGY", "Pathology")
    lines = [
        _heading(titles, rng),
        f"Specimen received {_date(c.on, rng)}.",
        f"Clinical details: {_pick(rng, p.condition.names)}.",
        f"Diagnosis: {_pick(rng, p.condition.pathology)}.",
    ]
    if renal:
        stain = _pick(rng, ("negative for IgG and C1q.", "dominant mesangial IgA 3+."))
        lines.insert(3, f"Light microscopy: {_randint(rng, 10, 40)} glomeruli. IF: {stain}")
        lines.append("No features of lupus nephritis.")
    return "\n".join(lines)
