"""Reasons in plain clinical words (issue 16): a performance scale is named once, and a
stale value says what it was and when, and keeps it for the screening to-do list."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.judge.evaluate import evaluate
from matcher.model import LastSeen, Status, UnknownCause
from tests.test_evaluate import crit, finding, timeline

D = dt.date


@pytest.mark.parametrize(("wanted", "found", "value", "reason"), [
    ({"concept": "score.ecog", "low": 0, "high": 2}, "score.lansky", 80.0,
     "Lansky play-performance scale 80 (≈ ECOG 1) on 2026-11-01 (needs 0 to 2)"),
    ({"concept": "score.ecog", "low": 0, "high": 2}, "score.ecog", 1.0,
     "ECOG performance status 1 on 2026-11-01 (needs 0 to 2)"),
    ({"concept": "score.lansky", "op": ">=", "value": 50}, "score.ecog", 1.0,
     "ECOG 1 (≈ Lansky play-performance scale 70-80) on 2026-11-01 (needs >= 50)"),
])  # fmt: skip
def test_a_performance_score_read_on_another_scale_names_each_scale_once(
    wanted, found, value, reason
):
    result = evaluate(crit("score", **wanted), timeline(finding(found, value, category="score")))
    assert result.status is Status.MET
    assert result.reason == reason


def test_a_stale_lab_says_its_value_and_date_and_keeps_them():
    c = crit("lab", analytes=["lab.lymphocytes"], op=">=", value=1.0)
    old = finding("lab.lymphocytes", 2.1, date=D(2026, 7, 14), unit="x10^9/L", note="N7")
    result = evaluate(c, timeline(old))
    assert result.status is Status.UNKNOWN and result.unknown_cause is UnknownCause.STALE
    assert result.reason == ("last absolute lymphocyte count 2.1 x10^9/L on 2026-07-14, "
                             "older than the 90-day lookback (stale)")
    assert result.last_seen == LastSeen("lab.lymphocytes", "2.1 x10^9/L", D(2026, 7, 14), "N7")
    assert result.evidence == ()  # a stale value is no evidence: it counts for nothing


def test_a_current_or_absent_value_has_no_last_seen():
    c = crit("lab", analytes=["lab.lymphocytes"], op=">=", value=1.0)
    assert evaluate(c, timeline(finding("lab.lymphocytes", 2.1))).last_seen is None
    assert evaluate(c, timeline()).last_seen is None


def test_a_threshold_with_two_sides_of_one_analyte_says_it_is_missing_once():
    # "BMI < 18 or BMI > 35": both sides read the one missing value.
    c = crit("vital", analytes=["lab.bmi"], op="<", value=18,
             alternatives=[{"analytes": ["lab.bmi"], "op": ">", "value": 35}])
    result = evaluate(c, timeline())
    assert result.status is Status.UNKNOWN
    assert result.reason == "no body mass index documented"
