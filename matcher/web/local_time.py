"""Times a person reads, in the site's own zone, named.

Stored times stay UTC (referral history, audit, sessions, stored runs). A referrer in
Kolkata who marked a patient at 09:10 should read 09:10 IST on the history, not 03:40 UTC;
the zone is a setting (`matcher serve --time-zone`, env MATCHER_TZ, an IANA name such as
"Europe/Lisbon"), by default the server's own zone.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from matcher.errors import ConfigurationError

ENV = "MATCHER_TZ"
_TIME = "%Y-%m-%d %H:%M"


def site_zone(name: str | None = None) -> dt.tzinfo:
    """The zone named (else $MATCHER_TZ, else the server's zone). An unknown name is an
    error that says what was expected, never a silent fallback to UTC."""
    wanted = (name or os.environ.get(ENV) or "").strip()
    if wanted:
        try:
            return ZoneInfo(wanted)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigurationError(
                f"time zone {wanted!r} (--time-zone / ${ENV}): expected an IANA zone name "
                "such as Europe/London or America/Sao_Paulo") from exc
    return _server_zone()


def _server_zone() -> dt.tzinfo:
    """The server's zone by its IANA name when the system says it ($TZ, /etc/timezone,
    the /etc/localtime link), else the fixed offset the C library reports."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    timezone_file = Path("/etc/timezone")
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for candidate in candidates:
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return dt.datetime.now().astimezone().tzinfo or dt.UTC


class LocalTimes:
    """Formats stored UTC times for pages: "2026-12-07 09:10 IST"."""

    def __init__(self, zone: dt.tzinfo) -> None:
        self.zone = zone
        # The heading's name of the zone: its IANA key when it has one ("Asia/Kolkata").
        self.name = getattr(zone, "key", None) or dt.datetime.now(zone).tzname() or "UTC"

    def moment(self, value: float | str | dt.datetime | None) -> dt.datetime | None:
        """A stored time as an aware datetime in the site's zone: seconds since the epoch
        (sessions), an ISO string (referrals, audit; one without an offset is UTC)."""
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)):
            moment = dt.datetime.fromtimestamp(value, dt.UTC)
        elif isinstance(value, dt.datetime):
            moment = value
        else:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.zone)

    def time(self, value: float | str | dt.datetime | None) -> str:
        """Date, hour and minute with the zone's abbreviation; "—" for no time."""
        moment = self.moment(value)
        if moment is None:
            return "—"
        return f"{moment.strftime(_TIME)} {moment.tzname()}"

    def day(self, value: float | str | dt.datetime | None) -> str:
        """The local date alone (a list's narrow column)."""
        moment = self.moment(value)
        return moment.date().isoformat() if moment is not None else "—"

    def now(self) -> str:
        return self.time(dt.datetime.now(dt.UTC))
