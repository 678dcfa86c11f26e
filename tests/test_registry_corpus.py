"""The registry corpus (tests/data/registry_corpus) is well formed: every gold file parses,
has the corpus brief's fields and enums, numbers its rows from 1, gives essentials exactly
for computable rows, quotes its sources verbatim from the trial's text, and no trial of
issue 12's held-out test set is in it (those are measured, never read while developing)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

CORPUS = REPO / "tests" / "data" / "registry_corpus"
# Sets written blind later, each a fresh held-out set until it is measured once (c to l
# have been; each then joins development). Their form is checked here, never the engine's
# reading of them.
LATER_SETS = tuple(REPO / "tests" / "data" / f"registry_corpus_{s}" for s in "cdefghijklm")
# Sets h and i took most of their texts from the breadth set on purpose (gold written for
# texts the reader had only ever been run over without gold); no other set may share a trial
# with them.
FROM_BREADTH = tuple(REPO / "tests" / "data" / f"registry_corpus_{s}" for s in "hijklm")
GOLD_FILES = sorted(CORPUS.glob("*.gold.jsonl"))
GOLD_FILES_LATER = sorted(p for folder in LATER_SETS for p in folder.glob("*.gold.jsonl"))

FIELDS = ("nct", "row", "section", "source", "computable", "category", "meaning",
          "essentials", "notes")  # fmt: skip
ESSENTIALS = ("concept", "effect", "temporality", "window_days", "anchor", "operator", "value",
              "value_high", "unit", "uln_multiple", "classes", "qualifiers", "alternatives",
              "cohort")  # fmt: skip
SECTIONS = {"inclusion", "exclusion", "structured"}
NOT_COMPUTABLE = {"consent", "contraception", "judgement", "other-trial", "life-expectancy",
                  "pregnancy-test", "compliance", "other-noncomputable"}  # fmt: skip
CATEGORIES = NOT_COMPUTABLE | {
    "age", "sex", "diagnosis", "biopsy", "drug", "lab", "vital", "score", "serology",
    "pregnancy", "procedure", "disease-duration", "other-computable",
}  # fmt: skip
EFFECTS = {"require", "exclude"}
TEMPORALITIES = {"ever", "current", "within", "before-anchor", None}
ANCHORS = {"screening", "randomisation", "enrolment", "first dose", "consent", None}
OPERATORS = {">=", ">", "<=", "<", "=", "between", None}

# Issue 12's held-out test trials and the seed trial: never in a development corpus.
FORBIDDEN = frozenset(re.findall(r"NCT\d{8}", """
NCT00282347 NCT00429377 NCT00430677 NCT01015456 NCT01206569 NCT01316133
NCT01328834 NCT01639339 NCT01858792 NCT02074020 NCT02330250 NCT02550652 NCT02954939
NCT03458156 NCT03791827 NCT03920059 NCT04702256 NCT04870359 NCT04892212 NCT05138133
NCT05495893 NCT05747651 NCT05781750 NCT05845151 NCT06155604 NCT06232304 NCT06265220
NCT06456567 NCT07233642 NCT06904729"""))


def _problems(path: Path, texts: Path = CORPUS) -> list[str]:
    """Every way the gold file at `path` breaks the brief (its text is in `texts`)."""
    nct = path.name[: -len(".gold.jsonl")]
    text = (texts / f"{nct}.txt").read_text(encoding="utf-8")
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc.msg})")
            continue
        problems += [f"{where}: missing {k}" for k in FIELDS if k not in row]
        if row.get("nct") != nct or row.get("row") != number:
            problems.append(f"{where}: nct/row {row.get('nct')}/{row.get('row')}")
        if row.get("section") not in SECTIONS or row.get("category") not in CATEGORIES:
            problems.append(f"{where}: section/category {row.get('section')}/{row.get('category')}")
        source = row.get("source")
        if not isinstance(source, str) or not source or source not in text:
            problems.append(f"{where}: source is not an exact substring of {nct}.txt")
        problems += _essential_problems(where, row)
    return problems


def _essential_problems(where: str, row: dict[str, Any]) -> list[str]:
    computable, essentials = row.get("computable"), row.get("essentials")
    if not isinstance(computable, bool):
        return [f"{where}: computable is not a boolean"]
    if not computable:
        return [] if essentials is None else [f"{where}: non-computable row with essentials"]
    if not isinstance(essentials, dict):
        return [f"{where}: computable row without essentials"]
    problems = [f"{where}: essentials missing {k}" for k in ESSENTIALS if k not in essentials]
    if row.get("category") in NOT_COMPUTABLE:
        problems.append(f"{where}: computable row of category {row['category']}")
    anchor = essentials.get("anchor")
    checks = (
        ("effect", essentials.get("effect") in EFFECTS),
        ("temporality", essentials.get("temporality") in TEMPORALITIES),
        # Later sets name the text's own event ("cardiac catheterisation", "surgery"):
        # any named event is an anchor; an empty one is not.
        ("anchor", anchor in ANCHORS or (isinstance(anchor, str) and bool(anchor.strip()))),
        ("operator", essentials.get("operator") in OPERATORS),
        ("value_high", essentials.get("operator") != "between"
         or essentials.get("value_high") is not None),
        ("window_days", essentials.get("temporality") != "within"
         or bool(essentials.get("window_days"))),
        ("qualifiers", isinstance(essentials.get("qualifiers", []), list)),
        ("classes", essentials.get("classes") is None
         or isinstance(essentials.get("classes"), list)),
    )  # fmt: skip
    return problems + [f"{where}: bad {name}" for name, ok in checks if not ok]


def test_the_corpus_holds_gold_for_every_text():
    texts = sorted(p.name[: -len(".txt")] for p in CORPUS.glob("NCT*.txt"))
    golds = [p.name[: -len(".gold.jsonl")] for p in GOLD_FILES]
    assert golds == texts and len(golds) >= 40


@pytest.mark.parametrize("path", GOLD_FILES + GOLD_FILES_LATER,
                         ids=lambda p: f"{p.parent.name[-8:]}-{p.name[:11]}")
def test_every_gold_file_follows_the_corpus_brief(path: Path):
    assert _problems(path, path.parent) == []


@pytest.mark.parametrize("folder", LATER_SETS, ids=lambda p: p.name)
def test_each_later_set_holds_gold_for_every_text_and_shares_no_trial(folder: Path):
    texts = sorted(p.name[: -len(".txt")] for p in folder.glob("*.txt"))
    golds = sorted(p.name[: -len(".gold.jsonl")] for p in folder.glob("*.gold.jsonl"))
    assert golds == texts and len(golds) >= 5
    others = {p.name[:11] for p in GOLD_FILES + GOLD_FILES_LATER if p.parent != folder}
    assert not set(golds) & others


def test_the_checks_catch_a_paraphrased_source_and_a_missing_field(tmp_path: Path):
    # The checks above must be able to fail: a reworded source, a missing essentials key,
    # an unknown operator and a blank line are each reported, with file and line.
    good = GOLD_FILES[0]
    nct = good.name[:11]
    rows = [json.loads(line) for line in good.read_text(encoding="utf-8").splitlines()]
    computable = next(r for r in rows if r["computable"] and r["section"] != "structured")
    computable["source"] = computable["source"].upper() + " (reworded)"
    del computable["essentials"]["cohort"]
    computable["essentials"]["operator"] = "≈"
    bad = tmp_path / good.name
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n{", encoding="utf-8")
    (tmp_path / f"{nct}.txt").write_text((CORPUS / f"{nct}.txt").read_text(encoding="utf-8"))
    problems = _problems(bad, tmp_path)
    line = rows.index(computable) + 1
    assert f"{bad.name}:{line}: source is not an exact substring of {nct}.txt" in problems
    assert f"{bad.name}:{line}: essentials missing cohort" in problems
    assert f"{bad.name}:{line}: bad operator" in problems
    assert f"{bad.name}:{len(rows) + 1}: not JSON (Expecting value)" in problems


def test_no_trial_of_the_held_out_test_set_is_in_the_corpus():
    assert len(FORBIDDEN) == 30
    folders = (CORPUS, *LATER_SETS)
    for path in sorted(p for folder in folders for p in folder.iterdir()):
        found = set(re.findall(r"NCT\d{8}", path.read_text(encoding="utf-8")))
        assert not found & FORBIDDEN, f"{path.name} names {sorted(found & FORBIDDEN)}"
    assert not {p.name[:11] for folder in folders for p in folder.glob("NCT*")} & FORBIDDEN


def test_no_corpus_trial_is_in_the_breadth_set(shared: Path):
    breadth = shared / "registry_breadth"
    if not breadth.exists():
        pytest.skip("../shared/registry_breadth is not beside the repository")
    theirs = {p.name[:11] for p in breadth.glob("NCT*")}
    ours = {p.name[:11] for p in GOLD_FILES + GOLD_FILES_LATER if p.parent not in FROM_BREADTH}
    assert not theirs & ours
    for folder in FROM_BREADTH:  # the exemption names only sets that need it
        taken = {p.name[:11] for p in folder.glob("*.gold.jsonl")}
        assert taken & theirs, folder.name
