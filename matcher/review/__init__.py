"""Criteria review (issue 14): a person checks what the engine read from a trial's registry
text before it decides anything. `whatif` tells what an edit would change for the stored
patients."""
