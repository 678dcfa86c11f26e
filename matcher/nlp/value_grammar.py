"""The value grammar of notes: numbers, values, flags, reference ranges, titres, polarity
words, shared by every extractor.
"""

from __future__ import annotations

import re

# ------------------------------------------------------------------ value grammar
# "4,500" (thousands grouping), "11,4" (a decimal comma: see _comma_readings), "3.1".
# A decimal comma may close an item of a list that commas separate: "INR 1,0, PT 12,4 s".
_NUMBER = r"\d{1,3}(?:,\d{3})+(?!\d|\.\d)|\d+,\d{1,2}(?!\d|,\d)|\d+(?:\.\d+)?|\.\d+"
# Between a lab name and its value: "Hb: 98", "ALT = 85", "ALC was 0.8", "Hb of 9.8",
# "neutrophils (abs) 3.1", "ANC now 0.9", "WBC count 4.6", "B cells are still 0 %"
_LEAD = (
    # "Neutrophils, Absolute   3.1", "Protein/Creatinine Ratio, Urine  0.32" (EHR tables)
    r"(?:\s*,\s*(?:absolute|abs|total|urine|urinary|serum|plasma|blood|random|spot|direct|"
    r"automated|auto|manual|calculated|count)\b)?"
    r"(?:\s*(?:\((?:abs\.?|absolute|total|#|serum|blood|bedside\s+schwartz|schwartz|"
    # "eGFR (Schwartz, bedside) 107", "Kreatinin (enzym.) 0,62", "(Jaffé)": German lab
    # systems' method brackets
    r"schwartz,?\s+bedside|enzym\.?|enzymatisch|enz\.?|jaff[eé]|"
    # "Bilirubin (gesamt)", "bilirubine (totaal)", "Kreatinin (i.S.)", "(im Serum)", "(P)"
    r"gesamt|ges\.|totaal|totalt|i\.\s?s\.?|im\s+serum|plasma|p|"
    r"calc(?:ulated)?|direct|s|{eq}|"
    # A specimen or method that names the same measurement: "Hb (venous) 98 g/L",
    # "creatinine (enzymatic) 61", "glucose (fasting) 5.2". A qualifier that names another
    # measurement ("(urine)", "(CSF)", "(B cells)") is not here, so its value is not read.
    r"venous|capillary|whole\s+blood|fasting|random|auto(?:mated)?|manual|enzymatic|jaffe|"
    r"idms|poct?|point[-\s]of[-\s]care|lab(?:oratory)?|analy[sz]er|creatinine[-\s]based|"
    # how a count was made: "CD19 B cells (flow cytometry) 12 %", "(FACS)"
    r"flow(?:[-\s]cytometr(?:y|ic))?|facs|immunophenotyping|"
    # the forms a manual differential added up: "Neutrophils (segmented + band) 3.4 G/L",
    # "(seg.)", "(segs+bands)" are the absolute neutrophil count ("(band)" alone is not)
    r"seg(?:mented|s|\.)?(?:\s*(?:\+|and|&)\s*bands?)?)\)|"
    r"count|level|levels|value|result|total|abs(?:olute?)?\b\.?|"
    # The equation an eGFR was estimated with: "eGFR (CKD-EPI) 45", "eGFR by CKD EPI 62",
    # "eGFR MDRD 58", "eGFR using the bedside Schwartz formula: 71"
    # "eGFR nach Schwartz 96", "eGFR volgens Schwartz", "enligt Schwartz", "ifølge Schwartz"
    r"\b(?:(?:by|per|using|nach|volgens|enligt|ifølge|iflg\.|etter)\s+(?:the\s+)?)?(?:{eq})"
    r"(?:\s+(?:equation|formula|formel))?(?![\w-])|"
    # a printout's footnote mark after the name: "ALT *   84   H   U/L" (see the footnote)
    r"#|(?<=\s)\*(?=\s)|\bis\b|\bwas\b|\bare\b|\bwere\b|\bstill\b|\bof\b|\bnow\b|\btoday\b|\bat\b|\bà\b|\bremains\b|\bremained\b|\bdown\s+to\b|"
    r"\bup\s+to\b|\bdropped\s+to\b|\bfell\s+to\b|\brose\s+to\b|\bincreased\s+to\b|"
    r"\bdecreased\s+to\b|\bmeasured\b|\bscore\b|[:=~)]|(?<=\s)[-–](?=\s)|\bratio\b|"
    # "Proteinuria on 24-h collection: 620 mg/day"
    r"\bon\s+(?:a\s+)?24[-\s]?h(?:rs?|ours?)?\s+(?:urine\s+)?collection\b|"
    # "lymphocyte count has recovered to 1.3", "B cells remain suppressed at 0.01 x10^9/L"
    r"\b(?:has\s+|have\s+)?(?:recovered|risen|fallen|improved|normali[sz]ed|returned|"
    r"climbed|come\s+down|gone\s+up|gone\s+down|crept\s+up)\s+to\b|"
    r"\b(?:remains?|remained|stays?|stayed)\s+[a-z]+\s+at\b|"
    # an EHR table's cell border: "| Lymphocytes | 0.74 | 10*9/L |"
    r"\||"
    # a leader of dots that a typed or transcribed lab slip runs from the name to its
    # value: "Platelets ...... 245 x10^9/L", "Creatinine …… 61". Not dashes: a laboratory
    # system prints "----" for no result ("INR  ----  0.8-1.2": the range is no value).
    r"\.{2,}|…+|"
    # an HL7 result's coding-system component after the name: "718-7^Hemoglobin^LN||112"
    r"\^[A-Z0-9]{1,8}(?=\|)|"
    # "CREA^Creatinine serum||0.62": the specimen after the name, without a comma
    r"\bserum\b)\s*)*"
).replace("{eq}", r"ckd[-\s]?epi(?:[-\s]?20(?:09|21))?|mdrd|cockcroft[-\s]+(?:and\s+|&\s*)?gault|"
          r"(?:bedside\s+)?schwartz")
_VALUE_RE = re.compile(
    rf"^{_LEAD}(?P<cmp>[<>≤≥]=?|=<|=>)?\s*(?P<num>{_NUMBER})(?!\d|\.\d|,\d)(?!\s*[:/]\s*\d)", re.I
)
_FLAG_RE = re.compile(r"^\s*(?:\(?\b(?P<flag>H|L|HH|LL|high|low|abnormal)\b\)?|\*+)", re.I)
_REF_RE = re.compile(
    r"^\s*(?:[\(\[](?P<inner>[^()\[\]\n]{1,40})[\)\]]|(?P<bare>(?:ref(?:erence)?"
    r"|normal|N|RR|range)\s*[:=]?\s*[<≤>≥]?\s*\d[\d.,\s\-–]*))",
    re.I,
)
# Up to four words: "mg per 24 h", "grams per day". A comma between digits stays in the
# word: "ml/min/1,73m²" (the body surface with a decimal comma).
_UNIT_WORD = r"(?:[^\s;,()\[\]|]|(?<=\d),(?=\d))+"
_UNIT_CHUNK = re.compile(rf"^[\s|]*(?P<u>{_UNIT_WORD}(?:\s+{_UNIT_WORD}){{0,3}})")
_SHARED_UNIT_RE = re.compile(r"\((?:all|both|each)\s+(?:in\s+)?(?P<u>[^)]+)\)", re.I)

# "1:640", "1/640", "1 in 320", and "1 to 320" as a dictation reads "one to three hundred
# twenty" (matcher.nlp.spoken): after "to" only a dilution of the laboratory series, so that
# "1 to 2 times a year" or "from 1 to 40 mg" is no titre.
_DILUTION = (r"(?:10|20|40|80|160|320|640|1280|2560|5120|10240"
             r"|25|50|100|200|400|800|1000|1600|3200|6400|10000)")
_TITRE_RE = re.compile(
    r"\b1\s*(?::|/|\bin\b|(?<=\s)to(?=\s+" + _DILUTION + r"\b))\s*"
    r"(?P<t>\d{1,2},\d{3}|\d{2,5})\b"
)
# "SLEDAI-2K 18/105", "ECOG=2": a score may be written over its maximum.
_SCORE_RE = re.compile(
    rf"^{_LEAD}(?P<cmp>[<>≤≥]=?)?\s*(?P<num>\d{{1,3}}(?:\.\d)?)(?!\d|\.\d)"
    r"(?:\s*/\s*(?P<of>\d{1,3})(?!\d|\.\d))?(?!\s*[:]\s*\d)",
    re.I,
)
# Fixed-width printouts: "HGB  98  L  g/L  115-155" — a bare range after the unit.
_BARE_RANGE = re.compile(r"^\s*(?P<lo>\d+(?:\.\d+)?)\s*[-–]\s*(?P<hi>\d+(?:\.\d+)?)(?!\d|\.\d)")
# "AST/ALT 45/60 U/L", "ANC/ALC 800/450 per µL"
_PAIR_VALUES = re.compile(
    r"^\s*[:=]?\s*(?:(?:is|was|of)\s+)?(?P<a>\d+(?:\.\d+)?)\s*/\s*(?P<b>\d+(?:\.\d+)?)(?!\d|\.\d)"
)
_COMPARED = re.compile(
    r"\b(?:below|above|under|over|less\s+than|more\s+than|greater\s+than|"
    r"exceed\w*|than|threshold|cut-?off|criterion)\b[^,;]*$",
    re.I,
)
_CD19_COUNT = re.compile(
    # "cells/µL"; "celler/µL", "cellen/µl", "Zellen/µl" in Nordic, Dutch, German reports
    r"(\d+(?:\.\d+)?)\s*(?:(?:cells|celler|cellen|zellen)\s*)?/\s*(?:uL|µL|μL|mcL|mm3|mm³|cmm)\b",
    re.I,
)
_CD19_GIGA_COUNT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:[x×*]\s*10\s*(?:\^|\*)?\s*9|G)\s*/\s*L\b", re.I
)
# ... and as German, Dutch and Nordic reports write them: "positiv", "positief",
# "negativ", "negatief", "negativt", "nicht nachweisbar", "niet aantoonbaar"
# Words of B-cell recovery between the marker and its value after depletion therapy
# ("CD19 B cells repopulating: 2.4%", "CD19+ cells recovering, 1.8 %"): the value still
# decides presence ("CD19 repopulated 0 cells/uL" is absent). "depleted" is not among them:
# "B cells depleted (CD19 0.1%)" keeps its own reading as absent.
_CD19_STATE = (
    # "CD19+ B cells have recovered, 6%": the plural verb's auxiliary before the state word
    r"(?:\s*[,)]?\s*(?:(?:have|has|had)\s+)?"
    r"(?:repopulat|reconstitut|recover|return|reappear|re-?emerg)[a-z]*)?"
)
# French and Portuguese results agree with their noun: "AAN positifs", "FAN positivo",
# "FAN reagente" (Brazilian labs: reactive); "não reagente" is the negative below.
_POSITIVE_RE = re.compile(
    r"\b(positive|pos|detected|present|reactive|positiv|positief|positivt|"
    r"positifs?|positivos?|positivas?|(?<!não )(?<!nao )(?<!non )reagentes?)\b"
    r"|\+(?!\w)",
    re.I,
)
_NEGATIVE_RE = re.compile(
    r"\b(negative|neg|not detected|undetectable|non-?detectable|absent|depleted|nil|none|"
    r"negativ|negatief|negativt|nicht nachweisbar|niet aantoonbaar|ikke påvist|ej påvisad|"
    r"négatifs?|négatives?|negatifs?|negativos?|negativas?|n[ãa]o reagentes?|non réactifs?|"
    r"n[ãa]o reativos?)\b",
    re.I,
)
_AT_DIAGNOSIS = re.compile(
    r"^\W{0,3}(?:at|on)\s+(?:diagnosis|presentation|onset|baseline|"
    r"initial\s+presentation|first\s+presentation)\b|^\W{0,3}initially\b",
    re.I,
)


_SERO_NEGATIVE = re.compile(
    r"\b(?:negative|neg|non-?reactive|not\s+reactive|not\s+detected|undetectable|"
    r"non-?detect\w*|absent|nil)\b|(?<!\w)-ve\b",
    re.I,
)
_SERO_POSITIVE = re.compile(
    r"\b(?:positive|pos|reactive|detected|detectable|present)\b|\+(?!\w)|\+ve\b", re.I
)
