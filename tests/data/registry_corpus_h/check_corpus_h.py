import json,glob,sys,os
D=sys.argv[1]
TOP={"nct","row","section","source","computable","category","meaning","essentials","notes"}
KEYS={"concept","effect","temporality","window_days","anchor","operator","value","value_high","unit","uln_multiple","classes","qualifiers","alternatives","cohort"}
CATS="age|sex|diagnosis|biopsy|drug|lab|vital|score|serology|pregnancy|procedure|disease-duration|other-computable|consent|contraception|judgement|other-trial|life-expectancy|pregnancy-test|compliance|other-noncomputable".split("|")
NONC=set(CATS[CATS.index("consent"):])
bad=0; tot=0; comp=0
for g in sorted(glob.glob(f"{D}/*.gold.jsonl")):
    nct=os.path.basename(g).split(".")[0]; txt=open(f"{D}/{nct}.txt").read()
    for i,l in enumerate(open(g),1):
        tot+=1
        try: r=json.loads(l)
        except Exception as e: print(g,i,"bad json",e); bad+=1; continue
        errs=[]
        if set(r)!=TOP: errs.append(f"keys {set(r)^TOP}")
        if r.get("nct")!=nct: errs.append("nct")
        if r.get("row")!=i: errs.append("row number")
        if r.get("section") not in ("inclusion","exclusion","structured"): errs.append("section")
        if r.get("source") not in txt: errs.append("source not substring")
        if r.get("category") not in CATS: errs.append("category")
        if r.get("computable") != (r.get("category") not in NONC): errs.append("computable/category mismatch")
        e=r.get("essentials")
        if r.get("computable"):
            comp+=1
            if not isinstance(e,dict) or set(e)!=KEYS: errs.append("essentials keys")
            elif e["effect"] not in ("require","exclude"): errs.append("effect")
            elif e["temporality"] not in ("ever","current","within","before-anchor",None): errs.append("temporality")
            elif e["anchor"] not in ("screening","randomisation","enrolment","first dose","consent",None): errs.append("anchor")
            elif e["operator"] not in (">=",">","<=","<","=","between",None): errs.append("operator")
            elif e["temporality"]=="within" and not e["window_days"]: errs.append("within without window")
        elif e is not None: errs.append("noncomputable with essentials")
        if errs: bad+=1; print(g,i,errs)
print("rows",tot,"computable",comp,"errors",bad)
