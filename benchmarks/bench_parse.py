"""Parse throughput of the clinical pipeline against two spaCy baselines, in one process.

    python benchmarks/bench_parse.py --notes synth.jsonl [--count 2000] [--json out.json]

On the same ~300-word notes (the notes of the file with 250-350 words; if there are too
few, a patient's notes joined until they reach 300 words), best of `--repeat` runs each:

- `bare_tokenizer`: `spacy.blank("en").tokenizer.pipe`, the floor of any spaCy pipeline;
- `sentencizer_entityruler`: `spacy.blank("en")` + sentencizer + EntityRuler with our
  vocabulary (every term, case-insensitive; every abbreviation, case-sensitive), i.e. a
  dictionary tagger with no dates, values, assertion or sections;
- `matcher_pipeline`: `NoteParser.parse_many` with the saved pipeline (models/clinical-nlp),
  findings materialised as the nightly job does.

Single process, one core: the nightly job multiplies this by its workers.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy

TARGET_WORDS = 300


def load_notes(path: Path, count: int) -> list[dict[str, Any]]:
    """`count` notes of about 300 words from a JSONL export."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    picked = [r for r in rows if 250 <= len(r["text"].split()) <= 350][:count]
    if len(picked) < count:  # short notes only: consecutive notes joined to ~300 words
        text: list[str] = []
        for r in rows:
            text.append(r["text"])
            if len(" ".join(text).split()) >= TARGET_WORDS:
                picked.append(dict(r, text="\n\n".join(text)))
                text = []
                if len(picked) >= count:
                    break
    return picked


def entity_ruler_baseline() -> Any:
    from matcher.nlp.vocab import load_vocabulary

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns: list[dict[str, Any]] = []
    for concept in load_vocabulary().concepts.values():
        patterns += [
            {"label": concept.category, "pattern": t, "id": concept.id} for t in concept.terms
        ]
        patterns += [
            {"label": concept.category, "pattern": [{"ORTH": a}], "id": concept.id}
            for a in concept.abbreviations
        ]
    ruler.add_patterns(patterns)
    return nlp


def time_best(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    best, produced = float("inf"), 0
    for _ in range(repeat):
        began = time.perf_counter()
        produced = run()
        best = min(best, time.perf_counter() - began)
    return best, produced


def measure(notes: list[dict[str, Any]], repeat: int = 3) -> dict[str, Any]:
    import datetime as dt

    from matcher.nlp.pipeline import NoteParser

    texts = [n["text"] for n in notes]
    words = sum(len(t.split()) for t in texts)
    bare = spacy.blank("en")
    ruler = entity_ruler_baseline()
    parser = NoteParser()
    args = [
        (n["text"], n["note_id"], dt.date.fromisoformat(n["note_date"]), n.get("note_type"))
        for n in notes
    ]
    ruler.pipe(texts[:10])  # warm-up: lazy initialisation is not throughput
    list(parser.parse_many(args[:10]))
    runs: dict[str, Callable[[], int]] = {
        "bare_tokenizer": lambda: sum(len(d) for d in bare.tokenizer.pipe(texts)),
        "sentencizer_entityruler": lambda: sum(len(d.ents) for d in ruler.pipe(texts)),
        "matcher_pipeline": lambda: sum(len(f) for f in parser.parse_many(args)),
    }
    out: dict[str, Any] = {
        "notes": len(texts),
        "words": words,
        "words_per_note": round(words / max(1, len(texts)), 1),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "pipeline_version": parser.version,
        "methods": {},
    }
    for name, run in runs.items():
        seconds, produced = time_best(run, repeat)
        out["methods"][name] = {
            "seconds": round(seconds, 4),
            "notes_per_s": round(len(texts) / seconds, 1),
            "words_per_s": round(words / seconds),
            "produced": produced,  # tokens, entities or findings: proof the work was done
        }
    floor = out["methods"]["bare_tokenizer"]["notes_per_s"]
    for name in runs:
        m = out["methods"][name]
        m["slowdown_vs_bare_tokenizer"] = round(floor / m["notes_per_s"], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=Path, required=True, help="JSONL note export")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = ap.parse_args(argv)
    notes = load_notes(args.notes, args.count)
    if not notes:
        print(f"no notes of about {TARGET_WORDS} words in {args.notes}", file=sys.stderr)
        return 1
    result = measure(notes, args.repeat)
    print(f"parse: {result['notes']} notes, {result['words_per_note']} words/note, one process")
    for name, m in result["methods"].items():
        print(
            f"  {name:25s} {m['notes_per_s']:9.1f} notes/s {m['words_per_s']:10d} words/s  "
            f"x{m['slowdown_vs_bare_tokenizer']} of bare tokenizer time"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
