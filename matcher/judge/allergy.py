"""Judging an allergy exclusion ("Known hypersensitivity to rituximab") on the allergy
findings of matcher.nlp.allergy.

The rule, safest first:
- an allergy to a named agent (or to a class wholly among them: "anti-CD20 antibodies"
  for "rituximab or obinutuzumab") documented as the patient's: **met**; with an
  intolerance or adverse event counting only where the criterion says so ("Known
  intolerance to MMF"), and a graded criterion ("severe allergic reaction") left to a
  person unless the note names anaphylaxis;
- anything that might be it: an allergy the vocabulary cannot name ("Allergies:
  Bactrim", "allergic to penicillin": any drug may be meant), a class that overlaps the
  agents ("allergic to biologics" for rituximab), an intolerance where an allergy is
  asked, a hedged mention ("?allergy to HCQ"): **unknown**, a person checks;
- an allergy record that does not name it: "NKDA", "no known allergies", an allergy list
  of other agents only, or "not allergic to HCQ" for each agent asked: **not met**, the
  reason says so and screening confirms it; but not for an intolerance or adverse event
  ("Known intolerance to MMF"), which allergy lists seldom hold: **manual**;
- no allergy record at all: **manual**, as before this kind existed: most notes never
  write the allergy list, so its absence is not the absence of an allergy.
"""

from __future__ import annotations

from collections.abc import Iterable

from matcher.model import Assertion, Criterion, Finding, Status
from matcher.nlp.allergy import AGENT, NONE
from matcher.nlp.vocab import Vocabulary

__all__ = ["NO_RECORD_REASON", "decide"]

NO_RECORD_REASON = (
    "no allergy record in the notes (no allergy list, no 'NKDA'): allergies are checked at "
    "screening"
)


def _expanded(concepts: Iterable[str], vocabulary: Vocabulary) -> set[str]:
    out: set[str] = set()
    for concept in concepts:
        out.add(concept)
        if concept in vocabulary:
            out.update(vocabulary.expand(concept))
    return out


def _names(concepts: Iterable[str], vocabulary: Vocabulary) -> str:
    return ", ".join(vocabulary[c].label if c in vocabulary else c for c in concepts)


def _match(finding: Finding, wanted: set[str], vocabulary: Vocabulary) -> bool | None:
    """True: the finding's agent is one asked for; False: another one; None: it may be
    (an agent the vocabulary does not name, or a class that overlaps the ones asked)."""
    agent = finding.attrs.get("agent")
    if agent is None:
        return None
    if agent in wanted:
        return True
    members = _expanded([agent], vocabulary) - {agent}
    if members and members <= wanted:
        return True
    if members & wanted:
        return None
    return False


def decide(
    criterion: Criterion, findings: list[Finding], vocabulary: Vocabulary
) -> tuple[Status, str, list[Finding]]:
    """(status, reason, evidence) of an allergy criterion over the patient's allergy
    findings (every assertion, oldest first); `vocabulary` names the agents and expands
    their classes."""
    params = criterion.params
    named = list(params.get("agents", []))
    wanted = _expanded(named, vocabulary)
    what = _names(named, vocabulary)
    counts_intolerance = bool(params.get("intolerance"))
    agents = [f for f in findings if f.concept == AGENT]
    facts = [f for f in agents if f.is_patient_fact]
    hits = [f for f in facts if _match(f, wanted, vocabulary) is True]
    counted = [f for f in hits
               if f.attrs.get("reaction") == "allergy" or counts_intolerance]  # fmt: skip
    if counted:
        graded = [f for f in counted if f.attrs.get("severe")]
        latest = (graded or counted)[-1]
        label = f"{latest.attrs.get('reaction')} to {_names([latest.attrs['agent']], vocabulary)}"
        if params.get("severe") and not graded:
            return (Status.UNKNOWN, f"{label} documented; whether the reaction was severe "
                    "is checked by a person", [latest])  # fmt: skip
        return Status.MET, f"{label} documented", [latest]
    if hits:
        return (Status.UNKNOWN, f"{hits[-1].attrs.get('reaction')} to "
                f"{_names([hits[-1].attrs['agent']], vocabulary)} documented, not stated to be "
                "an allergy: a person checks", [hits[-1]])  # fmt: skip
    maybe = [f for f in facts if _match(f, wanted, vocabulary) is None]
    if maybe:
        return (Status.UNKNOWN, "an allergy is documented to an agent that may be "
                f"{what} (the vocabulary does not name it or names a wider group): a person "
                "checks", [maybe[-1]])  # fmt: skip
    hedged = [f for f in agents if f.assertion is Assertion.UNCERTAIN
              and _match(f, wanted, vocabulary) is not False]  # fmt: skip
    if hedged:
        return Status.UNKNOWN, f"a possible allergy to {what} is documented", [hedged[-1]]
    record = [f for f in findings if f.concept == NONE and f.is_patient_fact]
    record += [f for f in facts if f.attrs.get("listed")]
    denied = [f for f in agents if f.assertion is Assertion.NEGATED
              and _match(f, wanted, vocabulary) is True]  # fmt: skip
    if named and all(
        any(_expanded([f.attrs["agent"]], vocabulary) & _expanded([n], vocabulary)
            for f in denied)
        for n in named
    ):
        record += denied
    if record and counts_intolerance:
        # "Known intolerance to MMF": an allergy list seldom holds an intolerance (a drug
        # stopped for nausea is written in the history), so NKDA is not its absence.
        return (Status.MANUAL, f"no allergy or intolerance to {what} documented, but an "
                "allergy list does not record every intolerance (a drug stopped for side "
                "effects): checked by a person", [])  # fmt: skip
    if record:
        latest = max(record, key=lambda f: (f.date is not None, f.date, f.start))
        return (Status.NOT_MET, f"no allergy to {what} in the allergy record; confirm at "
                "screening", [latest])  # fmt: skip
    return Status.MANUAL, NO_RECORD_REASON, []
