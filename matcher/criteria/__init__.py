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

from matcher.criteria.reader import (
    format_criteria_table,
    parse_criteria,
    parse_criterion,
    parse_eligibility_text,
    trial_to_json,
)

__all__ = [
    "format_criteria_table",
    "parse_criteria",
    "parse_criterion",
    "parse_eligibility_text",
    "trial_to_json",
]
