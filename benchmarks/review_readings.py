"""Precision of the registry reader on texts nobody wrote gold for: a blind review.

The gold corpus measures recall and wrong readings on 46 texts; the 1,500 breadth texts have
no gold. This tool draws a seeded sample of the criteria the reader *computes* on them (the
readings that decide something) and pairs each registry text with its plain-words reading, so
that a reviewer who has not read the engine can mark each pair right or wrong. A wrong
computed reading is the dangerous outcome (it excludes or includes a patient wrongly), so
this is the figure that says whether "what the engine does not understand becomes manual"
holds on unseen texts.

    python benchmarks/review_readings.py sample [FOLDER] --n 150 --seed 1 --out sample.jsonl
    python benchmarks/review_readings.py score sample.jsonl verdicts.jsonl

A sample row: {"file", "id", "kind", "section", "text", "reading"}.
A verdict row: {"file", "id", "verdict": "right" | "wrong" | "unsure", "why"}.
`score` prints precision = right / (right + wrong) overall and per kind, and every wrong
reading with the reviewer's reason.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script from anywhere

from matcher.criteria.registry import load_trial  # noqa: E402
from matcher.criteria.render import reading  # noqa: E402

DEFAULT_FOLDER = REPO.parent / "shared" / "registry_breadth"
# Structured age and sex come from the record's own fields, not from reading its text.
NOT_READ_FROM_TEXT = frozenset({"age", "sex"})
VERDICTS = ("right", "wrong", "unsure")


def computed_readings(folder: Path) -> list[dict[str, Any]]:
    """Every computed criterion of every text in `folder`, in file order."""
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.txt")):
        trial = load_trial(path)
        for criterion in trial.criteria:
            if criterion.manual_reason is not None or criterion.kind in NOT_READ_FROM_TEXT:
                continue
            rows.append({
                "file": path.name,
                "id": criterion.id,
                "kind": criterion.kind,
                "section": "exclusion" if criterion.type == "exclusion" else "inclusion",
                "text": criterion.text,
                "reading": reading(criterion),
            })  # fmt: skip
    return rows


def sample(folder: Path, n: int, seed: int) -> list[dict[str, Any]]:
    rows = computed_readings(folder)
    return sorted(random.Random(seed).sample(rows, min(n, len(rows))),
                  key=lambda r: (r["file"], r["id"]))  # fmt: skip


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})") from None
    return rows


def score(sample_rows: list[dict[str, Any]], verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision of the sampled readings, overall and per kind, and the wrong ones."""
    by_key = {(v["file"], v["id"]): v for v in verdicts}
    counts: Counter[str] = Counter()
    per_kind: dict[str, Counter[str]] = {}
    wrong: list[dict[str, Any]] = []
    for row in sample_rows:
        verdict = by_key.get((row["file"], row["id"]), {}).get("verdict", "unreviewed")
        if verdict not in (*VERDICTS, "unreviewed"):
            raise SystemExit(f"{row['file']} {row['id']}: verdict {verdict!r}, expected one "
                             f"of {', '.join(VERDICTS)}")  # fmt: skip
        counts[verdict] += 1
        per_kind.setdefault(row["kind"], Counter())[verdict] += 1
        if verdict == "wrong":
            wrong.append({**row, "why": by_key[(row["file"], row["id"])].get("why", "")})
    judged = counts["right"] + counts["wrong"]
    return {
        "sampled": len(sample_rows),
        "counts": dict(counts),
        "precision": counts["right"] / judged if judged else None,
        "per_kind": {k: dict(v) for k, v in sorted(per_kind.items())},
        "wrong": wrong,
    }


def _print_score(result: dict[str, Any]) -> None:
    counts = result["counts"]
    precision = result["precision"]
    shown = "n/a" if precision is None else f"{precision:.3f}"
    print(f"computed readings reviewed {result['sampled']} · right {counts.get('right', 0)} · "
          f"wrong {counts.get('wrong', 0)} · unsure {counts.get('unsure', 0)} · "
          f"unreviewed {counts.get('unreviewed', 0)} · precision {shown}")  # fmt: skip
    for kind, kinds in result["per_kind"].items():
        print(f"  {kind:<18} " + " ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for row in result["wrong"]:
        print(f"WRONG {row['file']} {row['id']}: {row['text'][:120]!r}\n"
              f"      read: {row['reading'][:160]}\n      why: {row['why'][:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    draw = sub.add_parser("sample", help="draw computed readings for review")
    draw.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    draw.add_argument("--n", type=int, default=150)
    draw.add_argument("--seed", type=int, default=1)
    draw.add_argument("--out", type=Path, required=True)
    judge = sub.add_parser("score", help="precision of a reviewed sample")
    judge.add_argument("sample", type=Path)
    judge.add_argument("verdicts", type=Path)
    judge.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "sample":
        rows = sample(args.folder, args.n, args.seed)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                            encoding="utf-8")  # fmt: skip
        print(f"{len(rows)} computed readings written to {args.out}")
        return 0
    result = score(_read_jsonl(args.sample), _read_jsonl(args.verdicts))
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_score(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
