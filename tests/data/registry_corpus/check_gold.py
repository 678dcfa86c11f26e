#!/usr/bin/env python3
"""Validate registry_corpus gold files: JSONL parses, brief's fields present,
enums respected, rows consecutive, and every `source` is an exact substring of
the trial's .txt. Usage: python3 check_gold.py [NCT ...]  (default: all)."""
import glob, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = ["nct", "row", "section", "source", "computable", "category", "meaning", "essentials", "notes"]
ESS = ["concept", "effect", "temporality", "window_days", "anchor", "operator", "value",
       "value_high", "unit", "uln_multiple", "classes", "qualifiers", "alternatives", "cohort"]
SECTIONS = {"inclusion", "exclusion", "structured"}
CATS = set("age sex diagnosis biopsy drug lab vital score serology pregnancy procedure disease-duration "
           "other-computable consent contraception judgement other-trial life-expectancy pregnancy-test "
           "compliance other-noncomputable".split())
NONCOMP_CATS = {"consent", "contraception", "judgement", "other-trial", "life-expectancy",
                "pregnancy-test", "compliance", "other-noncomputable"}
EFFECTS = {"require", "exclude"}
TEMPS = {"ever", "current", "within", "before-anchor", None}
ANCHORS = {"screening", "randomisation", "enrolment", "first dose", "consent", None}
OPS = {">=", ">", "<=", "<", "=", "between", None}


def check(nct):
    errs, warns = [], []
    txt = open(os.path.join(HERE, nct + ".txt"), encoding="utf-8").read()
    rows = []
    for i, line in enumerate(open(os.path.join(HERE, nct + ".gold.jsonl"), encoding="utf-8"), 1):
        if not line.strip():
            errs.append(f"line {i}: blank line"); continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            errs.append(f"line {i}: bad JSON {e}"); continue
        rows.append(r)
        miss = [k for k in TOP if k not in r]
        if miss: errs.append(f"line {i}: missing {miss}")
        extra = [k for k in r if k not in TOP]
        if extra: warns.append(f"line {i}: extra keys {extra}")
        if r.get("nct") != nct: errs.append(f"line {i}: nct {r.get('nct')}")
        if r.get("row") != i: errs.append(f"line {i}: row {r.get('row')} not consecutive")
        if r.get("section") not in SECTIONS: errs.append(f"line {i}: section {r.get('section')}")
        if r.get("category") not in CATS: errs.append(f"line {i}: category {r.get('category')}")
        src = r.get("source") or ""
        if not src or src not in txt: errs.append(f"line {i}: source not an exact substring: {src[:60]!r}")
        comp, e = r.get("computable"), r.get("essentials")
        if not isinstance(comp, bool): errs.append(f"line {i}: computable not bool")
        if comp is False and e is not None: errs.append(f"line {i}: non-computable row with essentials")
        if comp is False and r.get("category") not in NONCOMP_CATS:
            warns.append(f"line {i}: non-computable row with category {r.get('category')}")
        if comp is True:
            if not isinstance(e, dict): errs.append(f"line {i}: computable row without essentials"); continue
            if r.get("category") in NONCOMP_CATS: errs.append(f"line {i}: computable row with category {r.get('category')}")
            m = [k for k in ESS if k not in e]
            if m: errs.append(f"line {i}: essentials missing {m}")
            x = [k for k in e if k not in ESS]
            if x: warns.append(f"line {i}: essentials extra {x}")
            if e.get("effect") not in EFFECTS: errs.append(f"line {i}: effect {e.get('effect')}")
            if e.get("temporality") not in TEMPS: errs.append(f"line {i}: temporality {e.get('temporality')}")
            a = e.get("anchor")
            if a not in ANCHORS and not (isinstance(a, str) and a.startswith("other:")):
                errs.append(f"line {i}: anchor {a}")
            if e.get("operator") not in OPS: errs.append(f"line {i}: operator {e.get('operator')}")
            if e.get("operator") == "between" and e.get("value_high") is None:
                errs.append(f"line {i}: between without value_high")
            if e.get("temporality") == "within" and not e.get("window_days"):
                errs.append(f"line {i}: within without window_days")
            if not isinstance(e.get("qualifiers", []), list): errs.append(f"line {i}: qualifiers not a list")
            if e.get("classes") is not None and not isinstance(e.get("classes"), list):
                errs.append(f"line {i}: classes not a list")
    return rows, errs, warns


def main(ids):
    if not ids:
        ids = sorted(os.path.basename(p)[:-len(".gold.jsonl")] for p in glob.glob(os.path.join(HERE, "*.gold.jsonl")))
    bad = 0
    for nct in ids:
        rows, errs, warns = check(nct)
        status = "OK " if not errs else "ERR"
        print(f"{status} {nct}: {len(rows)} rows ({sum(1 for r in rows if r.get('computable'))} computable)")
        for m in errs: print("    ERROR", m)
        for m in warns: print("    warn ", m)
        bad += bool(errs)
    print(f"{len(ids) - bad}/{len(ids)} files valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
