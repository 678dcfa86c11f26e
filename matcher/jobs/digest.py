"""The changes digest a hospital's mail or messaging system picks up (`matcher nightly
--digest DIR`): one small text file per run listing, per trial, the patients who became
candidates (eligible or possible), those who stopped being so and those who moved between
eligible and possible, each with the criteria whose outcome changed.

Why not the report (`--report`): the report's status changes quote the engine's reasons,
which carry values read from the notes ("creatinine 2.4 mg/dL on 3 Nov"), and its tables
list every candidate. A message that leaves the clinical systems (mail, a chat channel)
should carry as little PHI as will do: here, patient ids and criterion keys and outcomes
only, never a reason, a value or a word of a note; the reader opens the web page ("What
changed") for the evidence.

The engine makes no network call: it writes the file atomically (a hidden temporary file
in the same folder, fsync, rename), so a picker that watches the folder never reads half a
file and never sees the temporary one (its name starts with a dot).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def write_atomic(target: Path, text: str) -> None:
    """`text` to `target`, all or nothing: written to `.NAME.PID.tmp` beside it, flushed to
    disk, then renamed over it (a rename within a folder is atomic on POSIX)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def digest_name(as_of: str, run_id: int) -> str:
    """`changes-2026-11-20.run-12.txt`: one file per run, sorted by date then run."""
    return f"changes-{as_of}.run-{run_id}.txt"


_WORDS = {"became": "became candidates", "stopped": "stopped being candidates",
          "moved": "moved between eligible and possible"}


def render_digest(changes: Any) -> str:
    """The digest text of a matcher.api.RunChanges: ids, statuses, criterion keys and
    outcomes only (see the module docstring)."""
    out = [f"matcher nightly run {changes.run_id}, as of {changes.as_of}: what changed"]
    if changes.previous_run is None:
        out.append("No earlier completed nightly run: nothing to compare with.")
    else:
        out.append(f"Compared with run {changes.previous_run} (as of {changes.previous_as_of}).")
    for trial in changes.trials:
        out += ["", f"Trial {trial.trial_id}"]
        if trial.compared_with_run is None:
            out.append("  First run with this trial: nothing to compare with.")
            continue
        if not trial.patients:
            out.append("  No change.")
            continue
        for direction, words in _WORDS.items():
            moved = trial.of(direction)
            if not moved:
                continue
            out.append(f"  {len(moved)} {words}:")
            for p in moved:
                out.append(f"  - {p.patient_id}: {p.previous_status or 'no result'} -> "
                           f"{p.status or 'no result'}")
                for c in p.criteria:
                    out.append(f"      {c.type} {c.key}: {c.previous_outcome or 'not evaluated'}"
                               f" -> {c.outcome}")
    return "\n".join(out) + "\n"


def write_digest(changes: Any, folder: Path) -> Path:
    """The run's digest in `folder` (created if need be), atomically; its path. A killed
    run's temporary files are removed first (the caller holds the nightly lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".changes-*.tmp"):
        stale.unlink(missing_ok=True)
    target = folder / digest_name(changes.as_of, changes.run_id)
    write_atomic(target, render_digest(changes))
    return target
