"""The pieces behind issue 16's last items, without a browser: which referral steps may
follow which, the search snippet split into escaped parts, and times in the site's zone.
(The pages themselves, in Chromium: tests/test_web_access_browser.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from matcher.cli import cli
from matcher.errors import ConfigurationError
from matcher.web.local_time import LocalTimes, site_zone
from matcher.web.service import (
    HIT_CLOSE,
    HIT_OPEN,
    REFERRAL_LABELS,
    REFERRAL_NEXT,
    REFERRAL_STATUSES,
    referral_refusal,
    snippet_parts,
)


@pytest.mark.parametrize(
    ("current", "wanted", "taken"),
    [
        (None, "to_review", True),
        (None, "contacted", True),
        (None, "screening", True),
        (None, "not_suitable", True),
        (None, "enrolled", False),  # never enrolled without screening
        ("to_review", "enrolled", False),
        ("contacted", "enrolled", False),
        ("screening", "enrolled", True),
        ("screening", "contacted", True),
        ("enrolled", "not_suitable", True),  # withdrawn
        ("enrolled", "to_review", False),
        ("enrolled", "screening", False),
        ("not_suitable", "to_review", True),  # looked at again
        ("not_suitable", "enrolled", False),
        ("contacted", "contacted", True),  # the same again: a reason corrected
    ],
)
def test_only_sensible_referral_steps_are_taken(current, wanted, taken):
    refusal = referral_refusal(current, wanted)
    assert (refusal is None) is taken
    if refusal:
        assert refusal.startswith(f"{REFERRAL_LABELS[wanted]} cannot follow ")
        assert all(REFERRAL_LABELS[s] in refusal for s in REFERRAL_NEXT[current])


def test_a_refusal_names_the_steps_allowed():
    assert referral_refusal(None, "enrolled") == (
        "Enrolled cannot follow not marked yet: next can be To review, Contacted, Screening "
        "or Not suitable.")
    assert referral_refusal("enrolled", "screening") == (
        "Screening cannot follow Enrolled: next can be Not suitable.")


def test_every_status_has_a_way_forward_and_enrolled_is_reached_only_from_screening():
    assert set(REFERRAL_NEXT) == {None, *REFERRAL_STATUSES}
    assert all(REFERRAL_NEXT[s] for s in REFERRAL_NEXT)
    assert [s for s, nxt in REFERRAL_NEXT.items() if "enrolled" in nxt] == ["screening"]


@pytest.mark.parametrize(
    ("snippet", "parts"),
    [
        (f"on {HIT_OPEN}tacrolimus{HIT_CLOSE} since 2024",
         (("on ", False), ("tacrolimus", True), (" since 2024", False))),
        (f"<script>{HIT_OPEN}alert{HIT_CLOSE}(1)</script>",
         (("<script>", False), ("alert", True), ("(1)</script>", False))),
        (f"{HIT_OPEN}MMF{HIT_CLOSE}\n2 g/day,\n\n{HIT_OPEN}MMF{HIT_CLOSE} stopped",
         (("MMF", True), (" 2 g/day, ", False), ("MMF", True), (" stopped", False))),
        ("", ()),
    ],
)
def test_a_snippet_splits_into_plain_parts_and_hits(snippet, parts):
    # Parts are plain text (the template escapes each); only the flag makes a <mark>.
    assert snippet_parts(snippet) == parts


def test_times_show_in_the_sites_zone_with_its_abbreviation():
    times = LocalTimes(site_zone("Asia/Kolkata"))
    assert times.name == "Asia/Kolkata"
    assert times.time("2026-12-07T01:10:00+00:00") == "2026-12-07 06:40 IST"
    assert times.time("2026-12-07 01:10:00") == "2026-12-07 06:40 IST"  # no offset: UTC
    assert times.time(0) == "1970-01-01 05:30 IST"  # seconds since the epoch
    assert times.day("2026-12-06T20:00:00+00:00") == "2026-12-07"  # past local midnight
    assert times.time(None) == "—" and times.time("") == "—"
    summer = LocalTimes(site_zone("Europe/Lisbon"))
    assert summer.time("2026-07-01T12:00:00+00:00") == "2026-07-01 13:00 WEST"
    assert summer.time("2026-12-01T12:00:00+00:00") == "2026-12-01 12:00 WET"


def test_the_zone_comes_from_matcher_tz_when_not_given(monkeypatch):
    monkeypatch.setenv("MATCHER_TZ", "America/Sao_Paulo")
    assert getattr(site_zone(), "key", None) == "America/Sao_Paulo"
    assert getattr(site_zone("Europe/Oslo"), "key", None) == "Europe/Oslo"
    monkeypatch.delenv("MATCHER_TZ")
    assert dt.datetime.now(site_zone()).utcoffset() is not None  # the server's own zone


@pytest.mark.parametrize("name", ["Mars/Olympus", "../etc/passwd", "UTC+5"])
def test_an_unknown_zone_is_an_error_naming_what_is_expected(name):
    with pytest.raises(ConfigurationError, match="expected an IANA zone name"):
        site_zone(name)
    result = CliRunner().invoke(cli, ["serve", "--time-zone", name, "--db", "/nonexistent.db"])
    assert result.exit_code == 2 and "--time-zone" in result.output
