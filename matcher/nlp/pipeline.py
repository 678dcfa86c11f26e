"""Build, save, load and run the clinical pipeline.

The pipeline is spaCy's blank English with our tokenizer rules and components.
`build_pipeline()` assembles it from the packaged data files; `matcher model build`
writes it with nlp.to_disk (patterns and rule files included) under models/,
and `load_pipeline` reads it back from there: what runs in production is the
versioned artifact, not whatever the package data happens to say.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

import matcher.nlp.components  # noqa: F401  (registers factories)
from matcher.errors import InputRowError, ModelError
from matcher.model import Finding, note_too_long
from matcher.nlp.biopsies import is_report_heading
from matcher.nlp.chunks import CHUNK_CHARS, NoteContext, split_note
from matcher.nlp.components import CONCEPTS_KEY, carry_context, remember_text
from matcher.nlp.delimited import as_field_rows, as_table_rows
from matcher.nlp.extract import vocabulary_text
from matcher.nlp.locations import models_dir
from matcher.nlp.ocr import ocr_repaired, term_words
from matcher.nlp.spoken import rewritten, spelled_abbreviations, spoken_edits, widened
from matcher.nlp.tokenizer import clinical_tokenizer, remember_affixes
from matcher.nlp.vocab import Vocabulary, data_text, load_vocabulary

PIPELINE_NAME = "clinical-nlp"


def _rules_fingerprint(concepts: str | None = None) -> str:
    """Content hash of every rule file and of the NLP code: a change means re-parse.
    `concepts`: the vocabulary's concepts.jsonl text (the packaged one by default)."""
    digest = hashlib.sha256()
    digest.update((data_text("concepts.jsonl") if concepts is None else concepts).encode())
    # Every other rule file of the NLP's data folder, found rather than listed: a new file
    # (the differential's words, a registry export's codes) that a list forgot would let a
    # changed rule keep yesterday's findings.
    data_folder = Path(__file__).parent / "data"
    for name in sorted(p.name for p in data_folder.iterdir()
                       if p.suffix in (".json", ".jsonl") and p.name != "concepts.jsonl"):
        digest.update(data_text(name).encode())
    # Every module of the NLP folder: tokenizer, components, extraction, dates, units,
    # doses and the vocabulary code (a changed date rule changes what a note yields).
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def build_pipeline(vocabulary: Vocabulary | None = None) -> Language:
    """The pipeline of `vocabulary` (the packaged one by default): its terms become the
    span rulers' patterns, and every component that reads concepts is handed it."""
    if vocabulary is None:
        vocabulary = load_vocabulary()
    nlp = spacy.blank("en")
    # No max_length here: spacy.load would not keep it, and NoteParser never hands the
    # pipeline more than a piece of CHUNK_CHARS (matcher.nlp.chunks) whatever the note.
    nlp.tokenizer = clinical_tokenizer(nlp)
    nlp.add_pipe("clinical_sentences")
    nlp.add_pipe("clinical_sections")
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
    use_vocabulary(nlp, vocabulary)
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = f"1.0.0+{_rules_fingerprint(vocabulary_text(vocabulary))}"
    nlp.meta["description"] = "Clinical findings for lupus nephritis trial matching"
    return nlp


def use_vocabulary(nlp: Language, vocabulary: Vocabulary) -> None:
    """Hand `vocabulary` to every component of `nlp` that reads concepts (the fuzzy
    finder, the finding extractor): the pipeline's one vocabulary, whoever asks."""
    for _, component in nlp.pipeline:
        handover = getattr(component, "use_vocabulary", None)
        if handover is not None:
            handover(vocabulary)


def pipeline_vocabulary(nlp: Language) -> Vocabulary:
    """The vocabulary `nlp` reads notes with (the finding extractor's, saved with it)."""
    extractor = "finding_extractor"
    found = nlp.get_pipe(extractor).vocabulary if extractor in nlp.pipe_names else None
    if found is None:
        raise ModelError("the pipeline has no vocabulary",
                         expected="a pipeline from build_pipeline or load_pipeline")
    return found


def pipeline_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"


def default_model_path() -> Path:
    return models_dir() / PIPELINE_NAME


def load_pipeline(path: Path | None = None, vocabulary: Vocabulary | None = None) -> Language:
    """Load the saved pipeline. A missing or stale default artifact is rebuilt in memory
    from the package data (and said so by the version), never silently mixed.
    `vocabulary`: the run's (the packaged one by default), which the criteria reader and the
    evaluator are given too; the saved pipeline's must be equal to it, and the loaded
    pipeline then reads notes with that one object."""
    explicit = path is not None
    path = Path(path) if path else default_model_path()
    if not (path / "meta.json").exists():
        if explicit:
            raise ModelError(
                "no saved pipeline here",
                file=str(path),
                expected="a directory written by `matcher model build`",
            )
        return build_pipeline(vocabulary)
    meta = json.loads((path / "meta.json").read_text())
    if not explicit and meta.get("version") != f"1.0.0+{_rules_fingerprint()}":
        # The package's rules changed since models/ was written: run what the
        # code says and let `matcher model build` refresh the artifact.
        return build_pipeline(vocabulary)
    if (explicit or vocabulary is not None) and not _same_vocabulary(path, vocabulary):
        if not explicit:  # the default artifact is the packaged vocabulary's
            return build_pipeline(vocabulary)
        raise ModelError(
            "the saved pipeline was built from another vocabulary than this run's",
            file=str(path / "finding_extractor" / "concepts.jsonl"),
            expected="matcher/nlp/data/concepts.jsonl as packaged: rebuild the pipeline "
            "with `matcher model build`",
        )
    nlp = spacy.load(path)
    remember_affixes(nlp.tokenizer)
    use_vocabulary(nlp, vocabulary if vocabulary is not None else pipeline_vocabulary(nlp))
    return nlp


def _same_vocabulary(path: Path, vocabulary: Vocabulary | None) -> bool:
    """The pipeline saved at `path` was built from `vocabulary` (the packaged one when
    None): the criteria reader and the evaluator read the run's vocabulary, so a pipeline
    saved from another would find concepts the rest of the run does not know (one run, two
    vocabularies)."""
    saved = path / "finding_extractor" / "concepts.jsonl"
    text = saved.read_text(encoding="utf-8") if saved.exists() else None
    expected = data_text("concepts.jsonl") if vocabulary is None else vocabulary_text(vocabulary)
    return text == expected


@cache
def default_pipeline(vocabulary: Vocabulary | None = None) -> Language:
    return load_pipeline(vocabulary=vocabulary)


class NoteParser:
    """Parses note text into Findings; the one entry point to the NLP layer.

    A note longer than `chunk_chars` (or than the pipeline's max_length, if smaller) is
    read in pieces (matcher.nlp.chunks), its findings' offsets shifted into the whole
    note; a note over MAX_NOTE_CHARS raises InputRowError naming it (ingest rejects such
    a row before it is stored)."""

    def __init__(
        self,
        nlp: Language | None = None,
        chunk_chars: int = CHUNK_CHARS,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        """`nlp`: the pipeline (the default one of `vocabulary` when None); `vocabulary`:
        the run's, which a given pipeline must already read with."""
        self.nlp = nlp or default_pipeline(vocabulary)
        self.vocabulary = pipeline_vocabulary(self.nlp)
        if vocabulary is not None and self.vocabulary is not vocabulary:
            raise ModelError("the pipeline reads notes with another vocabulary than the run's",
                             expected="load_pipeline(path, vocabulary) with the run's vocabulary")
        self.version = pipeline_version(self.nlp)
        self.chunk_chars = chunk_chars
        # "U P C R" in a dictation spells UPCR: the abbreviations letters can spell.
        self._spelled = spelled_abbreviations(
            a for c in self.vocabulary.concepts.values() for a in c.abbreviations
        )
        # "Neutrophi1s" on an OCR'd fax is "neutrophils": the words a repair may make.
        self._term_words = term_words(
            t for c in self.vocabulary.concepts.values() for t in c.terms
        )

    def parse(
        self, text: str, note_id: str, note_date: dt.date, note_type: str | None = None
    ) -> list[Finding]:
        return next(iter(self.parse_many([(text, note_id, note_date, note_type)])))

    def parse_many(self, notes: Iterable[tuple], batch_size: int = 64) -> Iterator[list[Finding]]:
        """Parse (text, note_id, note_date[, note_type]) tuples, in order."""

        def docs() -> Iterator:
            for text, note_id, note_date, *rest in notes:
                too_long = note_too_long(note_id, len(text))
                if too_long is not None:
                    raise InputRowError(too_long)
                plain = _clean(text)
                # CSV result rows read as table rows and export fields as lab names
                # (matcher.nlp.delimited), an OCR'd fax's "Bi1irubin  lO8" as written
                # before the scan (matcher.nlp.ocr), numbers and
                # letters spoken in a dictation as written (matcher.nlp.spoken): the
                # offsets are equal, and a finding's text is quoted as the note wrote it.
                table = ocr_repaired(as_field_rows(as_table_rows(plain)), self._term_words)
                spoken = spoken_edits(table, self._spelled)
                cleaned = rewritten(table, spoken)
                written = text if cleaned is not plain else None
                for piece, offset, context, last in self._pieces(cleaned, note_date):
                    doc = self.nlp.make_doc(piece)
                    remember_text(doc, piece)
                    doc._.note_id = note_id
                    doc._.note_date = note_date
                    doc._.note_type = rest[0] if rest else None
                    if context is not None:
                        carry_context(doc, context)
                    doc.user_data[_PIECE_KEY] = (offset, last)
                    if written is not None:
                        doc.user_data[_WRITTEN_KEY] = written[offset : offset + len(piece)]
                    if spoken:
                        end = offset + len(piece)
                        doc.user_data[_SPOKEN_KEY] = [(s - offset, e - offset, r)
                                                      for s, e, r in spoken
                                                      if s >= offset and e <= end]  # fmt: skip
                    yield doc

        # nlp.pipe gives the docs back in order, so a note's pieces come one after the
        # other and its last one closes it.
        found: list[Finding] = []
        for doc in self.nlp.pipe(docs(), batch_size=batch_size):
            offset, last = doc.user_data[_PIECE_KEY]
            findings = doc._.findings or []
            written = doc.user_data.get(_WRITTEN_KEY)
            spoken = doc.user_data.get(_SPOKEN_KEY)
            if spoken:
                findings = [dataclasses.replace(f, start=w[0], end=w[1])
                            if (w := widened(f.start, f.end, spoken)) != (f.start, f.end) else f
                            for f in findings]  # fmt: skip
            if written is not None:
                findings = [dataclasses.replace(f, text=written[f.start : f.end]) for f in findings]
            if offset:
                findings = [
                    dataclasses.replace(f, start=f.start + offset, end=f.end + offset)
                    for f in findings
                ]
            found.extend(findings)
            if last:
                yield found
                found = []

    def _pieces(self, text: str, note_date: dt.date | None = None
                ) -> Iterator[tuple[str, int, NoteContext | None, bool]]:  # fmt: skip
        """(text, offset in the note, carried context, last?) of each piece of a note; a
        note that fits is its own single piece, with no context to carry."""
        limit = min(self.chunk_chars, self.nlp.max_length)
        if len(text) <= limit:
            yield text, 0, None, True
            return
        sections = (
            self.nlp.get_pipe("clinical_sections").classify_line
            if "clinical_sections" in self.nlp.pipe_names
            else None
        )
        pieces = split_note(text, limit, sections, is_report_heading, note_date)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            yield text[piece.start : piece.end], piece.start, piece.context, last


_PIECE_KEY = "matcher.piece"  # (offset of the doc in its note, last piece of the note?)
_WRITTEN_KEY = "matcher.written"  # the piece as written, where table rows or speech were rewritten
_SPOKEN_KEY = "matcher.spoken"  # the piece's spoken phrases rewritten (matcher.nlp.spoken)


# Every C0 control character but tab and line feed ("\r" included).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _clean(text: str) -> str:
    """Control characters become spaces so offsets stay equal to the original's."""
    # One regex pass in C: a per-character Python join cost as much as a component.
    return _CONTROL.sub(" ", text)
