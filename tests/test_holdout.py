"""An independent hold-out set (tests/data/holdout, written by a helper who never saw the
engine or the dev cohort's notes) guards against fitting the dev cohort's wording."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HOLDOUT = REPO / "tests" / "data" / "holdout"
MATCHER = shutil.which("matcher") or str(Path(sys.executable).parent / "matcher")


HOLDOUT2 = REPO / "tests" / "data" / "holdout2"


@pytest.mark.parametrize(
    ("folder", "trial", "trial_id", "patients"),
    [(HOLDOUT, REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 30),
     (HOLDOUT, HOLDOUT / "trial_HO-LN-3.txt", "HO-LN-3", 30),
     (HOLDOUT2, REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 25),
     (HOLDOUT2, HOLDOUT2 / "HO-LN-4.json", "HO-LN-4", 25)],
)
def test_holdout_cohort_stays_accurate(folder: Path, trial: Path, trial_id: str,
                                       patients: int):
    result = subprocess.run(
        [MATCHER, "eval", "--gold", str(folder / "gold.jsonl"), "--notes",
         str(folder / "notes.jsonl"), "--trial", str(trial), "--trial-id", trial_id,
         "--as-of", "2026-11-20", "--format", "json"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["patients"] == patients
    assert report["criterion_accuracy"] >= 0.97
    assert report["status_accuracy"] >= 0.95
    assert report["gold_ineligible_called_eligible"] == []
    assert report["evidence_exact"] == report["evidence_spans"]


HOLDOUT4 = REPO / "tests" / "data" / "holdout4"


# The fourth hold-out (Southern European / Latin American notes: local analyte names,
# decimal commas, dot-thousand counts per mm³, brand names; tests/data/holdout4/README.md).
# Its first, blind measurement before any fix was 0.7898 / 0.6552 (NCT06904729) and
# 0.6552 / 0.5862 (HO-LN-6). The floors are the figures reached after the issue-15 round-2
# fixes and (round 10) the note's date convention read from a day and month written
# without a year ("new biopsy 16/09"), which decides the birth date "01/12/2007" that had
# stayed ambiguous (the one patient left at 28 of 29).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 609, 29),
     (HOLDOUT4 / "trial_HO-LN-6.txt", "HO-LN-6", 319, 29)],
)
def test_the_fourth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                       criteria_right: int,
                                                       statuses_right: int):
    _assert_figures_held(HOLDOUT4, 29, trial, trial_id, criteria_right, statuses_right)


def _assert_figures_held(folder: Path, patients: int, trial: Path, trial_id: str,
                         criteria_right: int, statuses_right: int) -> None:
    """The hold-out in `folder` still reaches the criterion and status counts it was held
    at, calls no gold-ineligible patient eligible and keeps every evidence span exact."""
    result = subprocess.run(
        [MATCHER, "eval", "--gold", str(folder / "gold.jsonl"), "--notes",
         str(folder / "notes.jsonl"), "--trial", str(trial), "--trial-id", trial_id,
         "--as-of", "2026-11-20", "--format", "json", "--no-model"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["patients"] == patients
    assert round(report["criterion_accuracy"] * report["criterion_total"]) >= criteria_right
    assert round(report["status_accuracy"] * patients) >= statuses_right
    assert report["gold_ineligible_called_eligible"] == []
    assert report["evidence_exact"] == report["evidence_spans"]


HOLDOUT5 = REPO / "tests" / "data" / "holdout5"


# The fifth hold-out (an Indian and Gulf paediatric service with templated EHR text: HL7 OBX
# segments, lakh/cumm and Hb%, "12 yr/F" ages, checkbox histories; tests/data/holdout5/
# README.md). Its first, blind measurement before any fix was 0.7747 / 0.5385 (NCT06904729)
# and 0.7363 / 0.5385 (HO-LN-7). The floors are the figures reached after the issue-15
# round-2 fixes, then (round 10) HO-LN-7's infection item ("Active infection requiring
# intravenous anti-infective treatment ...") read and decided from the notes' IV courses:
# it had been left unread, which kept 8 patients at "possible" (18 of 26).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 546, 26),
     (HOLDOUT5 / "trial_HO-LN-7.txt", "HO-LN-7", 364, 26)],
)
def test_the_fifth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                      criteria_right: int,
                                                      statuses_right: int):
    _assert_figures_held(HOLDOUT5, 26, trial, trial_id, criteria_right, statuses_right)


HOLDOUT6 = REPO / "tests" / "data" / "holdout6"


# The sixth hold-out (paediatric services in South Africa, Nigeria, Kenya, Ghana and UK trusts:
# speech-recognition dictations, a fixed-width LIS export with dated cumulative columns, CSV
# lab rows, MDT minutes; tests/data/holdout6/README.md). Its first, blind measurement before
# any fix was 0.8476 / 0.8000 (NCT06904729) and 0.7821 / 0.6000 (HO-LN-8), 0 false eligible.
# The floors are the figures reached after the round-10 fixes (analyte with a glued bracketed
# qualifier, delimited lab rows, cumulative columns, split drug names, age at an event) and
# round 11's (numbers, dates and letters said in dictations, drug dates, collection dates).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 734, 35),
     (HOLDOUT6 / "trial_HO-LN-8.txt", "HO-LN-8", 559, 34)],
)
def test_the_sixth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                      criteria_right: int,
                                                      statuses_right: int):
    _assert_figures_held(HOLDOUT6, 35, trial, trial_id, criteria_right, statuses_right)


HOLDOUT7 = REPO / "tests" / "data" / "holdout7"


# The seventh hold-out (paediatric services in Australia, New Zealand and Canada: HL7 v2 OBX
# exports, ISBAR handovers, infusion charts, Québec French; tests/data/holdout7/README.md).
# Its first, blind measurement before any fix was 0.9687 / 0.8857 (NCT06904729) and
# 0.8500 / 0.4571 (HO-LN-9), 0 false eligible. The floors are the figures reached after the
# round-11 fixes (a current drug started at least N weeks ago, invasive meningococcal
# disease, French analyte names, OBX-14 observation dates, unreadable OBX unit fields,
# failed courses as recaps, a drug as the point a state is counted from, hCG results,
# chart-heading drugs).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 734, 34),
     (HOLDOUT7 / "trial_HO-LN-9.txt", "HO-LN-9", 560, 35)],
)
def test_the_seventh_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                        criteria_right: int,
                                                        statuses_right: int):
    _assert_figures_held(HOLDOUT7, 35, trial, trial_id, criteria_right, statuses_right)


HOLDOUT8 = REPO / "tests" / "data" / "holdout8"


# The eighth hold-out (paediatric services in Germany, Austria, Switzerland, the Netherlands and
# Scandinavia writing clinical English with local words: Arztbrief layout, Nordic lab codes,
# German lab tables with decimal commas, calendar-week dates; tests/data/holdout8/README.md).
# Its first, blind measurement before any fix was 0.6735 / 0.4857 (NCT06904729) and
# 0.6755 / 0.4000 (HO-LN-10), 0 false eligible. The floors are the figures reached after the
# round-12 fixes (local lab print-outs and analyte names, space-grouped thousands, biopsy and
# class words, calendar weeks, local negation/uncertainty/family cues, ages, remission words,
# brand names, an IV-treated infection "at screening", a lab item's "most recent sample").
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 735, 35),
     (HOLDOUT8 / "trial_HO-LN-10.txt", "HO-LN-10", 490, 35)],
)
def test_the_eighth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                       criteria_right: int,
                                                       statuses_right: int):
    _assert_figures_held(HOLDOUT8, 35, trial, trial_id, criteria_right, statuses_right)


HOLDOUT9 = REPO / "tests" / "data" / "holdout9"


# The ninth hold-out (paediatric services in Japan, Korea, Taiwan and South-East Asia: SOAP
# notes, cumulative lab tables with a date over each column, platelets in x10^4/uL, Reiwa and
# ROC-year dates, Japanese drug abbreviations; tests/data/holdout9/README.md). Its first, blind
# measurement (after every hold-out 8 fix) was 0.9365 / 0.6333 (NCT06904729) and
# 0.8214 / 0.5333 (HO-LN-11), 0 false eligible. The floors are the figures reached after the
# round-12 fixes (x10^4/uL and x10^2/uL counts, unreadable count units left out, Japanese lab
# names, dated cumulative columns, kidney replacement therapy, absence stated after the thing,
# CD19 B-cell names, a recovery word between CD19 and its value).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 629, 29),
     (HOLDOUT9 / "trial_HO-LN-11.txt", "HO-LN-11", 419, 30)],
)
def test_the_ninth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                      criteria_right: int,
                                                      statuses_right: int):
    _assert_figures_held(HOLDOUT9, 30, trial, trial_id, criteria_right, statuses_right)


HOLDOUT10 = REPO / "tests" / "data" / "holdout10"


# The tenth hold-out (paediatric services in Eastern Europe, Turkey, Israel, Iran, Egypt and the
# Maghreb writing clinical English; voice-recognition dictations with spelled-out numbers and
# homophones; parents' e-mails quoted in notes; Roman-numeral months; G/L and /mm3 counts;
# tests/data/holdout10/README.md). Its first, blind measurement (after every hold-out 9 fix) was
# 0.9747 / 0.8438 (NCT06904729) and 0.9129 / 0.5000 (HO-LN-12), 0 false eligible. The floors are
# the figures reached after the round-13 fixes (NEU and segmented + band neutrophils, dictated
# "G per liter" and "new paragraph", ages without a comma, Roman-numeral months, local steroid
# and antimalarial brands, dictated ANA titres, parents' questions, IV courses closed by a later
# note, a proteinuria condition defined after a colon). The one HO-LN-12 criterion left is the
# eval's: the gold's x_tx covers both transplant kinds, the reading splits them (x_tx, x_hsct).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 672, 32),
     (HOLDOUT10 / "trial_HO-LN-12.txt", "HO-LN-12", 447, 32)],
)
def test_the_tenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                      criteria_right: int,
                                                      statuses_right: int):
    _assert_figures_held(HOLDOUT10, 32, trial, trial_id, criteria_right, statuses_right)


HOLDOUT11 = REPO / "tests" / "data" / "holdout11"


# The eleventh hold-out (records that reached the clinic through machines and third parties:
# OCR'd faxes, laboratory-system printouts, HL7 v2 fragments, pharmacy refill logs, coded problem
# lists; Ireland, UK general practice, US community practices, the Caribbean; month-first and
# day-first dates; tests/data/holdout11/README.md). Its first, blind measurement was
# 0.9536 / 0.7750 (NCT06904729) and 0.8458 / 0.5500 (HO-LN-13), 0 false eligible. The floors are
# the figures reached after the round-14 fixes (a note's date convention, birth dates that date
# nothing else, UPCR and CD19 names of laboratory printouts, OCR'd ones-for-ells, infection
# exclusions defined by a systemic course, a year after a drug dating its course).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 839, 39),
     (HOLDOUT11 / "trial_HO-LN-13.txt", "HO-LN-13", 480, 40)],
)
def test_the_eleventh_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                        criteria_right: int,
                                                        statuses_right: int):
    _assert_figures_held(HOLDOUT11, 40, trial, trial_id, criteria_right, statuses_right)


HOLDOUT12 = REPO / "tests" / "data" / "holdout12"


# The twelfth hold-out (French-speaking Europe and Africa and Brazil: notes written in English by
# the clinicians or machine-translated from French/Portuguese; NFS/PNN/DFG, TP as a percent,
# ALAT "x N", g/mmol, thousands dots, protocol day numbers, REDCap exports;
# tests/data/holdout12/README.md). Its first, blind measurement was 0.8283 / 0.5263
# (NCT06904729) and 0.8246 / 0.3947 (HO-LN-14), 0 false eligible. The floors are the figures
# reached after the round-14 fixes (French/Portuguese lab names, values as multiples of normal,
# export fields through their dictionary, French ages and date conventions, pregnancy, lupus
# and its ruling out in French, planned courses not given).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 794, 36),
     (HOLDOUT12 / "trial_HO-LN-14.txt", "HO-LN-14", 453, 37)],
)
def test_the_twelfth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                       criteria_right: int,
                                                       statuses_right: int):
    _assert_figures_held(HOLDOUT12, 38, trial, trial_id, criteria_right, statuses_right)


HOLDOUT13 = REPO / "tests" / "data" / "holdout13"


# The thirteenth hold-out (inpatient and multidisciplinary documentation from Pakistan,
# Bangladesh, Sri Lanka, Nepal, Hong Kong and Singapore: nursing handovers, medication
# administration records with doses held or refused, pharmacist notes, coordinators' pre-screening
# logs, TC/DC counts and lakh platelets; tests/data/holdout13/README.md). Its first, blind
# measurement was 0.8684 / 0.6316 (NCT06904729) and 0.8202 / 0.4474 (HO-LN-15), 0 false
# eligible. The floors are the figures reached after the round-14 fixes (absolute counts from a
# differential in percent, TC as the white-cell count, a checklist's answer carrying its score
# or deciding its diagnosis, doses held or refused as not given, a screening time before a
# definer, "active infection, or any infection requiring IV").
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 795, 37),
     (HOLDOUT13 / "trial_HO-LN-15.txt", "HO-LN-15", 453, 36)],
)
def test_the_thirteenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                          criteria_right: int,
                                                          statuses_right: int):
    _assert_figures_held(HOLDOUT13, 38, trial, trial_id, criteria_right, statuses_right)


HOLDOUT14 = REPO / "tests" / "data" / "holdout14"


# The fourteenth hold-out (anglophone Sub-Saharan Africa: voice-recognition letters with
# homophones, messaging-style referrals, district charts with illegible gaps, MDT minutes, drugs
# out of stock, TB/HIV/HBV screening; tests/data/holdout14/README.md). Its first, blind
# measurement (main f3a14be) was 0.9714 / 0.8857 (NCT06904729) and 0.6476 / 0.4286 (HO-LN-16), 0
# false eligible. The floors are the figures reached after the round-15 fixes (lower-case "ht",
# dot leaders, letter homophones, undispensed prescriptions, dosing charts under a drug line; B-cell
# depleting and anti-CD19 classes, "known" serology as history, a lab's method restriction, an
# infection exclusion's "including" list and "(... is permitted)" carve-out).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 735, 35),
     (HOLDOUT14 / "trial_HO-LN-16.txt", "HO-LN-16", 419, 34)],
)
def test_the_fourteenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                          criteria_right: int,
                                                          statuses_right: int):
    _assert_figures_held(HOLDOUT14, 35, trial, trial_id, criteria_right, statuses_right)


HOLDOUT15 = REPO / "tests" / "data" / "holdout15"


# The fifteenth hold-out (paediatric-to-adult transition and administrative documents from the
# USA, Canada, the UK and Ireland: transition summaries, medication reconciliation tables, prior-
# authorization and appeal letters, portal messages, telephone notes, after-visit summaries,
# templated consult notes; tests/data/holdout15/README.md). Its first, blind measurement (main
# 05cebf0) was 0.9971 / 0.9697 (NCT06904729) and 0.8232 / 0.4545 (HO-LN-17), 0 false eligible.
# The floors are the figures after the round-15 fixes (a second class modifier before its noun,
# insurer requests as no exposure, an unfilled template field, an infusion noun of another drug,
# a route word before a course's year, a list number after a diagnosis label). HO-LN-17's eGFR
# names its equations by age after "at screening" (round 17: the bracket is read there too, the
# notes' eGFR being judged as written, whichever equation it names).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 692, 33),
     (HOLDOUT15 / "trial_HO-LN-17.txt", "HO-LN-17", 395, 33)],
)
def test_the_fifteenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                         criteria_right: int,
                                                         statuses_right: int):
    _assert_figures_held(HOLDOUT15, 33, trial, trial_id, criteria_right, statuses_right)


HOLDOUT16 = REPO / "tests" / "data" / "holdout16"


# The sixteenth hold-out (forms and structured print-outs from the USA, Canada, Australia and
# Singapore: referral and pre-screening forms with tick boxes, EHR problem lists with a status
# column, medication lists with Start / Stop / Status columns and dispensing histories,
# cumulative lab tables with a column per date, synoptic pathology reports with preliminary and
# amended versions; tests/data/holdout16/README.md). Its first, blind measurement (main
# 2bc8e8e) was 0.4713 / 0.3846 (NCT06904729) and 0.6581 / 0.1795 (HO-LN-18), 0 false eligible.
# The floors are the figures after the round-16 fixes (tables read by their columns' roles,
# tick boxes deciding their items, a problem list's status column, synoptic class fields).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 819, 39),
     (HOLDOUT16 / "trial_HO-LN-18.txt", "HO-LN-18", 468, 39)],
)
def test_the_sixteenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                         criteria_right: int,
                                                         statuses_right: int):
    _assert_figures_held(HOLDOUT16, 39, trial, trial_id, criteria_right, statuses_right)


HOLDOUT17 = REPO / "tests" / "data" / "holdout17"


# The seventeenth hold-out (long follow-up and relative time from the UK, USA, New Zealand,
# South Africa and Malaysia: "3 weeks ago", "6/52 ago", "D+14 after the pulse", drugs stopped,
# restarted and weaned, repeat biopsies, copied-forward values; tests/data/holdout17/README.md).
# Its first, blind measurement (main 1de1183) was 0.9934 / 0.9722 (NCT06904729) and 0.9097 /
# 0.4722 (HO-LN-19), 0 false eligible. The floors are the figures after the round-16 fixes (a
# value told as past is not dated by the note, a bare class after a dated biopsy label, "no
# infusion since", a final pulse "N weeks ago", "the most recent measurement before
# randomisation").
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 756, 36),
     (HOLDOUT17 / "trial_HO-LN-19.txt", "HO-LN-19", 432, 36)],
)
def test_the_seventeenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                           criteria_right: int,
                                                           statuses_right: int):
    _assert_figures_held(HOLDOUT17, 36, trial, trial_id, criteria_right, statuses_right)


HOLDOUT18 = REPO / "tests" / "data" / "holdout18"


# The eighteenth hold-out (nursing, pharmacy and allied-health documentation from Canada,
# Ireland, India and Kenya: pharmacist reviews and infusion worksheets, nursing assessments,
# dietitian, physiotherapy, social-work and psychology notes; tests/data/holdout18/README.md).
# Its first, blind measurement (main 931fe2d) was 0.9988 / 0.9750 (NCT06904729) and 0.9917 /
# 0.9500 (HO-LN-20), 0 false eligible. The floors are the figures after the round-16 fix it
# prompted (a dose not administered, returned unused or not yet given is no exposure), and
# round 17's (a later sentence that names no drug says the dose before it was not given).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 840, 40),
     (HOLDOUT18 / "trial_HO-LN-20.txt", "HO-LN-20", 479, 40)],
)
def test_the_eighteenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                          criteria_right: int,
                                                          statuses_right: int):
    _assert_figures_held(HOLDOUT18, 40, trial, trial_id, criteria_right, statuses_right)


HOLDOUT19 = REPO / "tests" / "data" / "holdout19"


# The nineteenth hold-out (acute and critical care: emergency, PICU, on-call, retrieval,
# dialysis and transfusion records from the UK, the USA, South Africa, the Philippines and
# Chile; tests/data/holdout19/README.md). Its first, blind measurement (main 4035153) was
# 0.9987 / 0.9730 (NCT06904729, 1 false eligible: a G-CSF dose given under "plan:") and
# 0.9148 / 0.4865 (HO-LN-21: its neuropsychiatric-event exclusion not read). The floors are
# the figures after the round-17 fixes it prompted (a plan item given at a stated time,
# PRES and diagnoses named as events, "last <drug> <date>", a course completed in a year,
# a summary of failed treatment, a date between a lab's name and its value).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 777, 37),
     (HOLDOUT19 / "trial_HO-LN-21.txt", "HO-LN-21", 480, 37)],
)
def test_the_nineteenth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                          criteria_right: int,
                                                          statuses_right: int):
    _assert_figures_held(HOLDOUT19, 37, trial, trial_id, criteria_right, statuses_right)


HOLDOUT20 = REPO / "tests" / "data" / "holdout20"


# The twentieth hold-out (clinician email and messaging threads from Australia, India, Canada,
# Nigeria and Germany: replies above quoted messages, forwards, secure chats, voice-note
# transcripts, signatures; tests/data/holdout20/README.md). Its first, blind measurement (main
# 176b06c) was 0.9897 / 0.9189 (NCT06904729, 1 false eligible: a quoted August SLEDAI read as
# this week's) and 0.8221 / 0.4324 (HO-LN-22: "approximately 0.9 g/g" not read, split items
# misaligned by the eval). The floors are the figures after the round-17 fixes it prompted
# (quoted messages keep their date, values and drugs asked about, clinics' names, another
# patient, a short counted course, the eval's alignment of split items).
@pytest.mark.parametrize(
    ("trial", "trial_id", "criteria_right", "statuses_right"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729", 775, 36),
     (HOLDOUT20 / "trial_HO-LN-22.txt", "HO-LN-22", 444, 37)],
)
def test_the_twentieth_holdout_keeps_the_figures_reached(trial: Path, trial_id: str,
                                                         criteria_right: int,
                                                         statuses_right: int):
    _assert_figures_held(HOLDOUT20, 37, trial, trial_id, criteria_right, statuses_right)
