"""The bundled OMOP concept map (matcher/interchange/data/omop_concepts.jsonl), read and checked.

An OMOP CDM row names what it records by a standard concept id (`measurement_concept_id`
3006923 is ALT in serum or plasma) and, beside it, the code the source system used
(`measurement_source_value` "1742-6"). The map turns the first into a concept of our
vocabulary; a source code is looked up in the vocabulary's own codes by the reader. An id
the map does not list stays unmapped (the fact is kept and counted), never guessed: the map
holds only ids copied from a public source, named on each line.

Each line is one JSON object; `kind` says what it maps:
- `concept`: omop_concept_id -> our `concept` ("lab.alt"),
- `unit`: unit_concept_id -> its UCUM code (8840 -> "mg/dL"),
- `value`: value_as_concept_id -> a coded answer (9191 -> "positive"),
- `operator`: operator_concept_id -> "=" or "<",
- `gender`: gender_concept_id -> our sex ("M", "F"),
- `source_code`: a source code our vocabulary does not carry ("ICD10" "M32.14") -> concept,
- `source`: where the ids of the lines naming it come from; `about`: the file's description.
A line that breaks this is a VocabularyError naming the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from matcher.errors import VocabularyError

MAP_FILE = "matcher/interchange/data/omop_concepts.jsonl"
SOURCE_VOCABULARIES = ("ICD10", "SNOMED", "LOINC", "RxNorm", "ATC")
OPERATORS = ("=", "<", "<=", ">", ">=")
SEXES = ("M", "F")


@dataclass(frozen=True)
class MappedConcept:
    concept: str  # our vocabulary id
    name: str  # the OMOP concept's name, shown as the fact's display ("prednisone")


@dataclass(frozen=True)
class ConceptMap:
    concepts: dict[int, MappedConcept] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)  # unit_concept_id -> UCUM
    values: dict[int, str] = field(default_factory=dict)  # value_as_concept_id -> answer
    operators: dict[int, str] = field(default_factory=dict)
    genders: dict[int, str] = field(default_factory=dict)
    source_codes: dict[str, str] = field(default_factory=dict)  # "ICD10:M32.14" -> concept


def _text(row: dict[str, Any], key: str, file: str, line: int) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise VocabularyError(
            "missing or empty text", file=file, line=line, field=key, expected="a non-empty string"
        )
    return value


def _id(row: dict[str, Any], key: str, file: str, line: int) -> int:
    value = row.get(key)
    # bool is an int to Python; an OMOP concept id never is one.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise VocabularyError(
            "not a concept id", file=file, line=line, field=key, received=value,
            expected="a positive integer (an OMOP concept_id)",
        )  # fmt: skip
    return value


def _choice(row: dict[str, Any], key: str, choices: tuple[str, ...], file: str, line: int) -> str:
    value = _text(row, key, file, line)
    if value not in choices:
        raise VocabularyError(
            "unknown value", file=file, line=line, field=key, received=value,
            expected=f"one of {', '.join(choices)}",
        )  # fmt: skip
    return value


def parse_concept_map(
    text: str, file: str = MAP_FILE, known_concepts: Container[str] | None = None
) -> ConceptMap:
    """The map in `text` (the JSONL file's content). With `known_concepts` (the vocabulary's
    ids), a line mapping to a concept the vocabulary lacks is an error too: a renamed
    concept would otherwise turn every fact coded with it into an unknown one, silently."""
    sources: set[str] = set()
    cited: list[tuple[int, str]] = []
    targets: dict[str, dict[int | str, tuple[int, Any]]] = {}

    def put(kind: str, key: int | str, value: Any, line: int, name: str) -> None:
        table = targets.setdefault(kind, {})
        if key in table:
            raise VocabularyError(
                f"{kind} listed twice (first on line {table[key][0]})", file=file, line=line,
                field=name, received=key, expected="each id once",
            )  # fmt: skip
        table[key] = (line, value)

    def concept_of(row: dict[str, Any], line: int) -> str:
        concept = _text(row, "concept", file, line)
        if known_concepts is not None and concept not in known_concepts:
            raise VocabularyError(
                "maps to a concept the vocabulary does not have", file=file, line=line,
                field="concept", received=concept, expected="a concept id of concepts.jsonl",
            )  # fmt: skip
        return concept

    readers: dict[str, Callable[[dict[str, Any], int], None]] = {
        "about": lambda row, line: None,
        "source": lambda row, line: sources.add(_text(row, "id", file, line)),
        "concept": lambda row, line: put(
            "concept", _id(row, "omop_concept_id", file, line),
            MappedConcept(concept_of(row, line), _text(row, "omop_name", file, line)),
            line, "omop_concept_id",
        ),
        "unit": lambda row, line: put(
            "unit", _id(row, "unit_concept_id", file, line), _text(row, "ucum", file, line),
            line, "unit_concept_id",
        ),
        "value": lambda row, line: put(
            "value", _id(row, "value_concept_id", file, line), _text(row, "value", file, line),
            line, "value_concept_id",
        ),
        "operator": lambda row, line: put(
            "operator", _id(row, "operator_concept_id", file, line),
            _choice(row, "operator", OPERATORS, file, line), line, "operator_concept_id",
        ),
        "gender": lambda row, line: put(
            "gender", _id(row, "gender_concept_id", file, line),
            _choice(row, "sex", SEXES, file, line), line, "gender_concept_id",
        ),
        "source_code": lambda row, line: put(
            "source_code",
            f"{_choice(row, 'vocabulary', SOURCE_VOCABULARIES, file, line)}:"
            f"{_text(row, 'code', file, line).strip().upper()}",
            concept_of(row, line), line, "code",
        ),
    }  # fmt: skip
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError as exc:
            raise VocabularyError(f"not JSON ({exc})", file=file, line=number) from None
        if not isinstance(row, dict):
            raise VocabularyError("not a JSON object", file=file, line=number)
        kind = row.get("kind")
        reader = readers.get(kind) if isinstance(kind, str) else None
        if reader is None:
            raise VocabularyError(
                "unknown kind", file=file, line=number, field="kind", received=kind,
                expected=f"one of {', '.join(readers)}",
            )  # fmt: skip
        reader(row, number)
        if kind not in ("about", "source"):
            cited.append((number, _text(row, "source", file, number)))
    for number, source in cited:
        if source not in sources:
            # Every id must say where it was copied from: an uncited id cannot be checked.
            raise VocabularyError(
                "names a source no source line defines", file=file, line=number,
                field="source", received=source, expected=f"one of {', '.join(sorted(sources))}",
            )  # fmt: skip
    return ConceptMap(**{
        name: {key: value for key, (_, value) in targets.get(kind, {}).items()}
        for kind, name in _FIELD_OF_KIND.items()
    })  # fmt: skip


_FIELD_OF_KIND = {
    "concept": "concepts",
    "unit": "units",
    "value": "values",
    "operator": "operators",
    "gender": "genders",
    "source_code": "source_codes",
}


@cache
def bundled_map_text() -> str:
    return (
        resources.files("matcher.interchange")
        .joinpath("data", "omop_concepts.jsonl")
        .read_text(encoding="utf-8")
    )


def load_concept_map(known_concepts: Container[str] | None = None) -> ConceptMap:
    """The bundled map, checked (against `known_concepts` too when given)."""
    return parse_concept_map(bundled_map_text(), MAP_FILE, known_concepts)
