"""Reading a trial's registry text into computable criteria.

One concern per module: `registry` reads a record (ClinicalTrials.gov API v2 JSON or the plain
layout) into a `Trial`; `reader` cuts its eligibility text into items and reads each into a
`Criterion`; `kinds` reads the newer kinds (vitals, serology, pregnancy, doses, disease
timing); `temporality` reads ever / within / current; `grammar` and `guard` account for every
word of an item (what is not understood makes it `manual`, never a verdict); `render` says a
reading back in plain words. The grammar, cue and filler words are data under `data/`,
validated on load, and the concept ids they name are checked against the vocabulary the
reader is given (`data_check`); the vocabulary is the NLP's (matcher/nlp/data/concepts.jsonl),
passed in by the caller.
"""

from typing import Any

__all__ = [
    "format_criteria_table",
    "parse_criteria",
    "parse_criterion",
    "parse_eligibility_text",
    "trial_to_json",
]


def __getattr__(name: str) -> Any:
    """The reader's functions, imported on first use (PEP 562): the evaluator imports
    `matcher.criteria.params` alone, and a web server that reads stored rankings starts
    without compiling the reader's grammar (over a second of its start)."""
    if name in __all__:
        from matcher.criteria import reader

        return getattr(reader, name)
    raise AttributeError(f"module 'matcher.criteria' has no attribute {name!r}")
