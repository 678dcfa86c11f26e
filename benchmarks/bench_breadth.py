"""Breadth of the registry reader: every eligibility text of a folder, read as
`matcher trial show` reads it, in one interpreter, with the time of each file.

    python benchmarks/bench_breadth.py [FOLDER] [--json out.json] [--words N]

FOLDER defaults to `../shared/registry_breadth` beside the repository (1,500 real
ClinicalTrials.gov eligibility sections of every disease area). Prints files/s, the five
slowest files with their size, every file that stopped with an error (what escaped), and the
trials that never name lupus but gained a lupus criterion (see `lupus_reading`).
`--words N` adds the N words most often left "not understood" (see `unread_words`): the
grammar and vocabulary to add next.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script from anywhere

from matcher.criteria import (  # noqa: E402
    format_criteria_table,
    parse_eligibility_text,
    trial_to_json,
)
from matcher.criteria.registry import load_trial  # noqa: E402
from matcher.model import Criterion, Trial  # noqa: E402
from matcher.nlp.vocab import load_vocabulary  # noqa: E402

DEFAULT_FOLDER = REPO.parent / "shared" / "registry_breadth"

# ------------------------------------------------------------------ what "lupus" means here


@cache
def lupus_concepts() -> frozenset[str]:
    """The vocabulary's lupus concepts: those whose label names lupus, SLE or one of the
    lupus activity indices (SLEDAI is the SLE Disease Activity Index, BILAG the British
    Isles Lupus Assessment Group's), and those that imply one of them. Today: dx.sle,
    dx.lupus_nephritis, dx.cns_lupus, score.sledai, score.bilag, status.sle_criteria.
    Statuses the vocabulary also uses for lupus nephritis but whose labels are generic
    ("renal relapse", "non-response to therapy") are not counted."""
    vocab = load_vocabulary()
    named = {
        c.id for c in vocab.concepts.values()
        if re.search(r"lupus|\bSLE\b|SLEDAI|BILAG", c.label, re.I)
    }
    implied = {c.id for c in vocab.concepts.values() if named & set(c.attrs.get("implies", ()))}
    return frozenset(named | implied)


# The evaluator's "biopsy" is the ISN/RPS class of a lupus-nephritis kidney biopsy and its
# "refractory" the lupus-nephritis rule (failed agents and proteinuria not in remission):
# neither means anything in another disease.
LUPUS_KINDS = frozenset({"biopsy", "refractory"})


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def lupus_reading(criterion: Criterion) -> list[str]:
    """Why this criterion is a lupus criterion (empty when it is not): a lupus kind, or a
    lupus concept anywhere in its params (concepts, alternatives, exception conditions)."""
    reasons = [criterion.kind] if criterion.kind in LUPUS_KINDS else []
    return reasons + sorted(set(_strings(criterion.params)) & lupus_concepts())


@cache
def _mentions_lupus() -> re.Pattern[str]:
    others = load_vocabulary()["dx.sle"].attrs.get("not_followed_by", [])
    alternation = "|".join(re.escape(p) for p in sorted(others, key=len, reverse=True))
    return re.compile(rf"lupus(?!\s+(?:{alternation})\b)|\bSLE\b|SLEDAI|BILAG", re.I)


def mentions_lupus(text: str) -> bool:
    """Lupus named in a text: lupus, SLE, SLEDAI, BILAG, but not "lupus anticoagulant",
    "lupus pernio" and the other phrases the vocabulary says are not the disease. "LN"
    alone does not count: a text that never names lupus does not abbreviate it."""
    return bool(_mentions_lupus().search(text))


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Read:
    name: str
    chars: int
    seconds: float
    trial: Trial | None
    error: str | None  # "ExceptionType: message" of what escaped


def read_like_trial_show(path: Path) -> Read:
    """One file through the library path of `matcher trial show` (load, JSON, table)."""
    chars = len(path.read_text(encoding="utf-8", errors="replace"))
    began = time.perf_counter()
    try:
        trial = load_trial(path)
        json.dumps(trial_to_json(trial), ensure_ascii=False)
        format_criteria_table(trial)
        error = None
    except Exception as exc:  # noqa: BLE001 - reported, not raised: that is the measurement
        trial, error = None, f"{type(exc).__name__}: {exc}"
    return Read(path.name, chars, time.perf_counter() - began, trial, error)


def lupus_gains(read: Read, folder: Path) -> list[tuple[str, list[str]]]:
    """(criterion id, reasons) of each lupus criterion of a trial that never names lupus."""
    if read.trial is None or mentions_lupus((folder / read.name).read_text("utf-8")):
        return []
    return [(c.id, r) for c in read.trial.criteria if (r := lupus_reading(c))]


# `not understood: "active", "severe" (+2 more)`: the words the reason shows.
_UNREAD = re.compile(r'not understood: ((?:"[^"]*"(?:, )?)+)(?: \(\+(\d+) more\))?')


def unread_words(criteria: Iterable[Criterion]) -> tuple[Counter[str], int, int]:
    """(word → number of items that left it over, items left manual for words, words
    not shown). A reason shows the first three words of an item in text order; each is
    counted once per item, case-folded ("Severe" and "severe" are one word), so that the
    count says how many items one piece of grammar or vocabulary would reach."""
    counts: Counter[str] = Counter()
    items = hidden = 0
    for criterion in criteria:
        m = _UNREAD.search(criterion.manual_reason or "")
        if m is None:
            continue
        items += 1
        hidden += int(m[2] or 0)
        counts.update(list(dict.fromkeys(w.casefold() for w in re.findall(r'"([^"]*)"', m[1]))))
    return counts, items, hidden


def bench(folder: Path) -> dict[str, Any]:
    files = sorted(folder.glob("*.txt"))
    # Vocabulary, grammar and compiled patterns are loaded once, as by any long-running
    # reader: a warm-up text, so that the first file is not charged with them.
    parse_eligibility_text("Inclusion Criteria:\n- Age >= 18 years\n- eGFR >= 30 mL/min")
    began = time.perf_counter()
    reads = [read_like_trial_show(path) for path in files]
    total = time.perf_counter() - began
    slowest = sorted(reads, key=lambda r: r.seconds, reverse=True)[:5]
    gains = {r.name: g for r in reads if (g := lupus_gains(r, folder))}
    return {
        "folder": str(folder),
        "files": len(reads),
        "seconds": round(total, 3),
        "files_per_s": round(len(reads) / total, 1) if total else None,
        "criteria": sum(len(r.trial.criteria) for r in reads if r.trial is not None),
        "slowest": [
            {"file": r.name, "ms": round(r.seconds * 1000, 1), "chars": r.chars} for r in slowest
        ],
        "failures": {r.name: r.error for r in reads if r.error is not None},
        "lupus_gains": gains,
        "unread": unread_words(c for r in reads if r.trial is not None for c in r.trial.criteria),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, nargs="?", default=DEFAULT_FOLDER)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--words", type=int, default=0, metavar="N",
                    help='print the N words most often left "not understood"')
    args = ap.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder}: not a folder of registry texts", file=sys.stderr)
        return 2
    out = bench(args.folder)
    print(f"{out['files']} files, {out['criteria']} criteria in {out['seconds']} s: "
          f"{out['files_per_s']} files/s")
    print("slowest:")
    for row in out["slowest"]:
        print(f"  {row['ms']:8.1f} ms  {row['chars']:6d} chars  {row['file']}")
    print(f"failures: {len(out['failures'])}")
    for name, error in out["failures"].items():
        print(f"  {name}: {error}")
    print(f"trials that never name lupus but gained a lupus criterion: {len(out['lupus_gains'])}")
    for name, gained in out["lupus_gains"].items():
        print(f"  {name}: " + "; ".join(f"{cid} {'+'.join(r)}" for cid, r in gained))
    counts, items, hidden = out.pop("unread")
    if args.words:
        print(f'items left manual for words "not understood": {items} '
              f"({hidden} more words not shown in their reasons)")
        for word, count in counts.most_common(args.words):
            print(f"  {count:6d}  {word}")
    if args.json:
        out["unread_words"] = dict(counts.most_common())
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
