"""A demonstration database: the bundled example notes (synthetic), optionally many more
synthetic patients, and the bundled trial record(s), for trying the web app, the browser
tests and the README screenshots.

    python -m matcher.tools.web.demo --db demo.db --synthetic 300
    matcher user add demo --role admin --db demo.db && matcher serve --db demo.db
"""

from __future__ import annotations

import argparse
from pathlib import Path

from matcher import api
from matcher.store import Store

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_NOTES = REPO / "examples" / "notes.jsonl"
EXAMPLE_TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"


def import_trial_file(store: Store, path: Path) -> list[str]:
    """The ids of the trials in a registry file, saved in the store."""
    return [trial.trial_id for trial in api.import_registry_file(store, path)]


# One synthetic patient followed for nine months, so that the timeline has a story.
_SERIES = [  # date, UPCR mg/mmol, creatinine umol/L, albumin g/L, C3 g/L, Hb g/L, SLEDAI
    ("2026-03-10", 420, 88, 24, 0.42, 98, 16),
    ("2026-04-14", 365, 84, 25, 0.48, 101, None),
    ("2026-05-12", 310, 80, 27, 0.55, 104, 12),
    ("2026-06-16", 300, 86, 26, 0.52, 103, None),
    ("2026-07-14", 290, 84, 26, 0.60, 105, 12),
    ("2026-08-18", 240, 79, 28, 0.66, 108, None),
    ("2026-09-22", 230, 77, 29, 0.70, 110, 10),
    ("2026-10-27", 215, 75, 29, 0.72, 112, 10),
]


def _series_rows() -> list[dict[str, str]]:
    rows = [{
        "patient_id": "P-DEMO", "note_id": "P-DEMO-0", "note_date": "2026-03-10",
        "note_type": "clinic", "birth_date": "2012-09-02", "sex": "F",
        "text": "Paediatric nephrology clinic. 13-year-old girl with SLE; renal biopsy "
                "02/03/2026: lupus nephritis ISN/RPS class IV-G (A). ANA 1:640.\n"
                "Started mycophenolate mofetil 600 mg/m2 bd and prednisolone 40 mg daily on "
                "10/03/2026. Hydroxychloroquine continues.",
    }]
    for i, (day, upcr, creat, alb, c3, hb, sledai) in enumerate(_SERIES, start=1):
        when = day[8:10] + "/" + day[5:7] + "/" + day[:4]
        text = (f"Bloods {when}: UPCR {upcr} mg/mmol, creatinine {creat} umol/L, albumin "
                f"{alb} g/L, C3 {c3} g/L, haemoglobin {hb} g/L.")
        if sledai is not None:
            text += f"\nSLEDAI-2K score = {sledai}."
        if day == "2026-07-14":
            text = ("Clinic: persistent nephrotic-range proteinuria despite MMF. Tacrolimus "
                    "added 14/07/2026.\n") + text
        rows.append({"patient_id": "P-DEMO", "note_id": f"P-DEMO-{i}", "note_date": day,
                     "note_type": "lab", "text": text})
    return rows


def build(
    db: str | Path,
    synthetic: int = 0,
    trials: tuple[Path, ...] = (EXAMPLE_TRIAL,),
    followed: bool = False,
) -> None:
    """The example notes, `synthetic` more patients, the trials; `followed` adds P-DEMO,
    a patient with nine months of labs (for the timeline)."""
    import json
    import tempfile

    with Store(db) as store:
        api.ingest([EXAMPLE_NOTES], store)
        if followed:
            with tempfile.TemporaryDirectory() as folder:
                series = Path(folder) / "followed.jsonl"
                series.write_text(
                    "".join(json.dumps(row) + "\n" for row in _series_rows()), encoding="utf-8"
                )
                api.ingest([series], store)
    if synthetic:
        from matcher.tools.web import synth

        synth.build(db, synthetic, EXAMPLE_NOTES).close()
    with Store(db) as store:
        for path in trials:
            import_trial_file(store, path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--synthetic", type=int, default=0)
    args = ap.parse_args(argv)
    build(args.db, args.synthetic, followed=True)
    with Store(args.db) as store:
        print(store.counts())


if __name__ == "__main__":
    main()
