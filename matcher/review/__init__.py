"""Criteria review (issue 14): a coordinator checks what the engine read from the registry
text before it decides anything. `protocol` is the pure part (review states, validated
edits, version comparison, the exported file); matcher.api holds the actions that read and
write the store; `whatif` tells what an edit would change for the stored patients. The
store never imports this package."""

from matcher.review.protocol import (
    CriterionChange,
    Protocol,
    ReviewedCriterion,
    ReviewState,
    compare,
    edited_criterion,
    parse_assignments,
    protocol_from_json,
    protocol_to_json,
)

__all__ = [
    "CriterionChange",
    "Protocol",
    "ReviewState",
    "ReviewedCriterion",
    "compare",
    "edited_criterion",
    "parse_assignments",
    "protocol_from_json",
    "protocol_to_json",
]
