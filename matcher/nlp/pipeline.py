"""Build, save, load and run the clinical pipeline.

The pipeline is spaCy's blank English with our tokenizer rules and components.
`build_pipeline()` assembles it from the packaged data files; `matcher model build`
writes it with nlp.to_disk (patterns and rule files included) under models/,
and `load_pipeline` reads it back from there: what runs in production is the
versioned artifact, not whatever the package data happens to say.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

import matcher.nlp.components  # noqa: F401  (registers factories)
import matcher.nlp.extract  # noqa: F401
from matcher.errors import ModelError
from matcher.model import Finding
from matcher.nlp.components import CONCEPTS_KEY, remember_text
from matcher.nlp.tokenizer import clinical_tokenizer, remember_affixes
from matcher.vocab import data_text, load_vocabulary

PIPELINE_NAME = "clinical-nlp"


def _rules_fingerprint() -> str:
    """Content hash of every rule file and of the NLP code: a change means re-parse."""
    digest = hashlib.sha256()
    for name in ("concepts.jsonl", "context_rules.json", "sections.json"):
        digest.update(data_text(name).encode())
    here = Path(__file__).parent
    for source in sorted(here.glob("*.py")) + [here.parent / "dates.py", here.parent / "units.py"]:
        if source.exists():
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000  # long discharge summaries are linear work, not an error
    nlp.tokenizer = clinical_tokenizer(nlp)
    nlp.add_pipe("clinical_sentences")
    nlp.add_pipe("clinical_sections")
    vocabulary = load_vocabulary()
    terms = nlp.add_pipe(
        "span_ruler",
        name="concept_terms",
        config={"spans_key": CONCEPTS_KEY, "phrase_matcher_attr": "LOWER", "overwrite": False},
    )
    abbreviations = nlp.add_pipe(
        "span_ruler",
        name="concept_abbreviations",
        config={"spans_key": CONCEPTS_KEY, "phrase_matcher_attr": "ORTH", "overwrite": False},
    )
    term_patterns, abbreviation_patterns = [], []
    for concept in vocabulary.concepts.values():
        for term in concept.terms:
            term_patterns.append({"label": concept.id, "pattern": term})
        for term in concept.abbreviations:
            abbreviation_patterns.append({"label": concept.id, "pattern": term})
    terms.add_patterns(term_patterns)
    abbreviations.add_patterns(abbreviation_patterns)
    nlp.add_pipe("fuzzy_concepts")
    nlp.add_pipe("clinical_context")
    nlp.add_pipe("finding_extractor")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = f"1.0.0+{_rules_fingerprint()}"
    nlp.meta["description"] = "Clinical findings for lupus nephritis trial matching"
    return nlp


def pipeline_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"


def models_dir() -> Path:
    """models/ at the repository root, or MATCHER_MODELS."""
    configured = os.environ.get("MATCHER_MODELS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "models"


def default_model_path() -> Path:
    return models_dir() / PIPELINE_NAME


def load_pipeline(path: Path | None = None) -> Language:
    """Load the saved pipeline. A missing or stale default artifact is rebuilt in memory
    from the package data (and said so by the version), never silently mixed."""
    explicit = path is not None
    path = Path(path) if path else default_model_path()
    if not (path / "meta.json").exists():
        if explicit:
            raise ModelError(
                "no saved pipeline here",
                file=str(path),
                expected="a directory written by `matcher model build`",
            )
        return build_pipeline()
    meta = json.loads((path / "meta.json").read_text())
    if not explicit and meta.get("version") != f"1.0.0+{_rules_fingerprint()}":
        # The package's rules changed since models/ was written: run what the
        # code says and let `matcher model build` refresh the artifact.
        return build_pipeline()
    nlp = spacy.load(path)
    remember_affixes(nlp.tokenizer)
    return nlp


@cache
def default_pipeline() -> Language:
    return load_pipeline()


class NoteParser:
    """Parses note text into Findings; the one entry point to the NLP layer."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp or default_pipeline()
        self.version = pipeline_version(self.nlp)

    def parse(
        self, text: str, note_id: str, note_date: dt.date, note_type: str | None = None
    ) -> list[Finding]:
        return next(iter(self.parse_many([(text, note_id, note_date, note_type)])))

    def parse_many(self, notes: Iterable[tuple], batch_size: int = 64) -> Iterator[list[Finding]]:
        """Parse (text, note_id, note_date[, note_type]) tuples, in order."""

        def docs() -> Iterator:
            for text, note_id, note_date, *rest in notes:
                cleaned = _clean(text)
                doc = self.nlp.make_doc(cleaned)
                remember_text(doc, cleaned)
                doc._.note_id = note_id
                doc._.note_date = note_date
                doc._.note_type = rest[0] if rest else None
                yield doc

        for doc in self.nlp.pipe(docs(), batch_size=batch_size):
            yield list(doc._.findings or [])


# Every C0 control character but tab and line feed ("\r" included).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _clean(text: str) -> str:
    """Control characters become spaces so offsets stay equal to the original's."""
    # One regex pass in C: a per-character Python join cost as much as a component.
    return _CONTROL.sub(" ", text)
