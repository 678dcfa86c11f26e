"""A patient's timeline as server-rendered SVG: key labs, UPCR and drug exposures.

Every label and tooltip is escaped (markupsafe); the SVG holds no script and no link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from matcher.model import ULN_MULTIPLE_UNIT, Finding
from matcher.nlp.vocab import Vocabulary

KEY_LABS = (
    "lab.upcr",
    "lab.urine_protein_24h",
    "lab.creatinine",
    "lab.egfr",
    "lab.albumin",
    "lab.c3",
    "lab.c4",
    "lab.anti_dsdna",
    "lab.hemoglobin",
    "lab.lymphocytes",
    "lab.neutrophils",
    "lab.platelets",
    "lab.alt",
    "lab.ast",
    "score.sledai",
)
MAX_LAB_ROWS = 9
WIDTH = 1100
LEFT = 240
RIGHT = 20
LAB_ROW = 44
DRUG_ROW = 20
TOP = 10
AXIS = 26
MAX_YEARS = 5


@dataclass(frozen=True)
class Point:
    date: dt.date
    value: float
    unit: str
    note_id: str
    high: bool
    low: bool


def _label(concept: str, vocabulary: Vocabulary) -> str:
    return vocabulary[concept].label if concept in vocabulary else concept


def _num(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def timeline_svg(
    findings: Iterable[Finding],
    note_dates: dict[str, dt.date],
    as_of: dt.date,
    vocabulary: Vocabulary,
) -> Markup:
    """The SVG (a Markup string), or an empty Markup when there is nothing to plot;
    `vocabulary` (the run's, matcher.api.vocabulary) names the labs and drugs."""
    labs: dict[str, list[Point]] = {}
    drugs: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    open_ended: set[str] = set()  # drugs whose latest mention documents no stop
    for f in findings:
        written = note_dates.get(f.note_id)
        if written is None or written > as_of or not f.is_patient_fact:
            continue
        when = f.date or written
        if when > as_of:
            continue
        if f.concept in KEY_LABS:
            value = _num(f.value)
            if value is None or f.unit == ULN_MULTIPLE_UNIT:
                # "ALAT 2 x N" has no place on an axis in U/L
                continue
            labs.setdefault(f.concept, []).append(
                Point(
                    when,
                    value,
                    f.unit or "",
                    f.note_id,
                    f.ref_high is not None and value > f.ref_high,
                    f.ref_low is not None and value < f.ref_low,
                )
            )
        elif f.category == "drug":
            start = _day(f.attrs.get("start_date")) or when
            stop = _day(f.attrs.get("stop_date"))
            ended = stop is not None or bool(f.attrs.get("single_dose"))
            if stop is None:
                stop = start if f.attrs.get("single_dose") else max(written, start)
            spans = drugs.setdefault(f.concept, [])
            if not spans or stop >= max(e for _, e, _ in spans):
                open_ended.discard(f.concept)
                if not ended:
                    open_ended.add(f.concept)
            spans.append((min(start, stop), min(stop, as_of), f.note_id))
    written_by = [d for d in note_dates.values() if d <= as_of]
    last_note = max(written_by) if written_by else as_of
    lab_rows = [c for c in KEY_LABS if c in labs][:MAX_LAB_ROWS]
    if not lab_rows and not drugs:
        return Markup("")
    dates = [p.date for c in lab_rows for p in labs[c]]
    dates += [d for spans in drugs.values() for s, e, _ in spans for d in (s, e)]
    floor = as_of - dt.timedelta(days=365 * MAX_YEARS)
    t0 = max(min(dates), floor) - dt.timedelta(days=14)
    t1 = as_of + dt.timedelta(days=7)
    span = max(1, (t1 - t0).days)
    plot_w = WIDTH - LEFT - RIGHT

    def x(day: dt.date) -> float:
        day = min(max(day, t0), t1)
        return round(LEFT + (day - t0).days / span * plot_w, 1)

    out: list[str] = []
    y = TOP
    for concept in lab_rows:
        points = sorted(labs[concept], key=lambda p: p.date)
        values = [p.value for p in points]
        low, high = min(values), max(values)
        if high == low:
            low, high = low - 1, high + 1
        latest = points[-1]
        label = f"{_label(concept, vocabulary)}"
        out.append(
            f'<text class="lab-label" x="8" y="{y + 18}">{escape(label)}</text>'
            f'<text class="lab-latest" x="8" y="{y + 34}">latest {escape(_fmt(latest.value))} '
            f"{escape(latest.unit)} ({latest.date.isoformat()})</text>"
            f'<line class="row-rule" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y + LAB_ROW - 2}" '
            f'y2="{y + LAB_ROW - 2}"/>'
        )

        def ly(value: float, base: int = y, lo: float = low, hi: float = high) -> float:
            return round(base + LAB_ROW - 8 - (value - lo) / (hi - lo) * (LAB_ROW - 16), 1)

        path = " ".join(f"{x(p.date)},{ly(p.value)}" for p in points if p.date >= t0)
        if path:
            out.append(f'<polyline class="lab-line" points="{path}"/>')
        for p in points:
            if p.date < t0:
                continue
            flag = " flag" if p.high or p.low else ""
            tip = (
                f"{_label(concept, vocabulary)} {_fmt(p.value)} {p.unit} on {p.date.isoformat()} "
                f"({p.note_id})"
            )
            out.append(
                f'<circle class="lab-point{flag}" cx="{x(p.date)}" cy="{ly(p.value)}" r="3.5">'
                f"<title>{escape(tip)}</title></circle>"
            )
        y += LAB_ROW
    if drugs:
        y += 6
        out.append(f'<text class="section" x="8" y="{y + 12}">Drug exposures</text>')
        y += 18
        for concept in sorted(drugs, key=lambda c: min(s for s, _, _ in drugs[c])):
            out.append(
                f'<text class="drug-label" x="8" y="{y + 13}">'
                f"{escape(_label(concept, vocabulary))}</text>"
            )
            spans = sorted(drugs[concept])
            last = max(e for _, e, _ in spans)
            if concept in open_ended and last < last_note:
                # No stop documented: drawn faint up to the latest note, as "probably on".
                tip = (f"{_label(concept, vocabulary)}: no stop documented after "
                       f"{last.isoformat()} (latest note {last_note.isoformat()})")
                out.append(
                    f'<rect class="drug-bar open" x="{x(last)}" y="{y + 4}" '
                    f'width="{max(3.0, x(last_note) - x(last)):.1f}" height="{DRUG_ROW - 8}" '
                    f'rx="3"><title>{escape(tip)}</title></rect>'
                )
            # From the first start to the last documented exposure; a tick per mention.
            first = min(s for s, _, _ in spans)
            notes = sorted({n for _, _, n in spans})
            tip = (f"{_label(concept, vocabulary)}: {first.isoformat()} to {last.isoformat()}; "
                   f"{len(spans)} mention(s) in {', '.join(notes[:6])}"
                   + ("…" if len(notes) > 6 else ""))
            out.append(
                f'<rect class="drug-bar" x="{x(first)}" y="{y + 4}" '
                f'width="{max(3.0, x(last) - x(first)):.1f}" height="{DRUG_ROW - 8}" rx="3">'
                f"<title>{escape(tip)}</title></rect>"
            )
            for start, _, _ in spans:
                out.append(f'<line class="drug-tick" x1="{x(start)}" x2="{x(start)}" '
                           f'y1="{y + 2}" y2="{y + DRUG_ROW - 2}"/>')
            y += DRUG_ROW
    # time axis: a tick at each month start (or year start over long spans)
    y += 4
    out.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
    step = 1 if span <= 400 else 3 if span <= 1100 else 12
    tick = dt.date(t0.year, t0.month, 1)
    while tick <= t1:
        if tick >= t0:
            tx = x(tick)
            text = tick.strftime("%Y") if step == 12 else tick.strftime("%b %Y")
            out.append(
                f'<line class="tick" x1="{tx}" x2="{tx}" y1="{TOP}" y2="{y + 4}"/>'
                f'<text class="tick-label" x="{tx}" y="{y + 17}">{escape(text)}</text>'
            )
        month = tick.month - 1 + step
        tick = dt.date(tick.year + month // 12, month % 12 + 1, 1)
    ax = x(as_of)
    out.append(
        f'<line class="as-of" x1="{ax}" x2="{ax}" y1="{TOP}" y2="{y}"/>'
        f'<text class="as-of-label" x="{ax - 4}" y="{TOP + 9}">as of</text>'
    )
    height = y + AXIS
    return Markup(
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="Timeline of key labs and drug exposures" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        + "".join(out)
        + "</svg>"
    )
