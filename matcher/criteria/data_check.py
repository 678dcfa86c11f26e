"""The criteria data checked against the vocabulary the reader reads with.

The packaged data files (criteria_grammar.json, criteria_temporality.json,
classification_systems.json, ckd_stages.json, body_sites.json) are read and validated once, with no
vocabulary of their own; the concept ids they name ("dx.gilbert" among the grammar's manual
concepts, "proc.dialysis" among the temporality's states, "dx.aps" in a classification set,
"lab.egfr" for the CKD stages) must be concepts of the run's vocabulary. The reader checks
that for each vocabulary it is given, once: a run reading with another vocabulary than the
packaged one has the data checked against its own, and one that lacks a named concept stops
with a VocabularyError naming the data file and the key, instead of reading "dx.gilbert" as
nothing.
"""

from __future__ import annotations

from weakref import WeakSet

from matcher.criteria.citation import check_systems_concepts, load_systems
from matcher.criteria.ckd_stage import check_ckd_stage_concepts
from matcher.criteria.grammar import check_grammar_concepts, load_grammar
from matcher.criteria.sites import check_sites_concepts
from matcher.criteria.temporality import check_temporality_concepts, load_temporality
from matcher.nlp.vocab import Vocabulary

__all__ = ["check_criteria_data"]

# The vocabularies the data were found consistent with, by identity: a run's one vocabulary
# is checked at its first item, and each later item costs a set lookup. Weak, so that a
# vocabulary a test builds and drops is not kept alive here.
_CHECKED: WeakSet[Vocabulary] = WeakSet()


def check_criteria_data(vocabulary: Vocabulary) -> None:
    """Every concept id the criteria data files name is `vocabulary`'s, else
    VocabularyError naming the file, the key and the id; checked once per vocabulary."""
    if vocabulary in _CHECKED:
        return
    check_grammar_concepts(load_grammar(), vocabulary)
    check_temporality_concepts(load_temporality(), vocabulary)
    check_systems_concepts(load_systems(), vocabulary)
    check_ckd_stage_concepts(vocabulary)
    check_sites_concepts(vocabulary)
    _CHECKED.add(vocabulary)
