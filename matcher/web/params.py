"""Query parameters, parsed and checked in one place.

A value a route cannot use is a ParameterError (the app answers 400 naming the parameter and
what was expected), never a 500 from deeper down. The checks are strict on purpose:

- numbers are ASCII digits only, matched before `int()`: `str.isdigit` accepts "²" (which
  `int()` then rejects) and `int()` itself reads "٣" as 3 and " 1_0 " as 10;
- dates are YYYY-MM-DD between 1900-01-01 and 2100-12-31: `date.fromisoformat` also takes
  "20261120" or "2026-W47", and 9999-12-31 overflows the timeline's date arithmetic;
- every number has bounds, so that a page of 10**23 never reaches SQLite's 64-bit OFFSET.

Messages name the parameter, never the value received (a typed search can be note text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from matcher.errors import MatcherError

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
# Pages: MAX_PAGE * the largest page (1000 rows) = 10**9, far below SQLite's 2**63 offsets.
MAX_PAGE = 1_000_000
MAX_TEXT = 200

_DIGITS = re.compile(r"[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ParameterError(MatcherError):
    """A query parameter the route cannot use (the web app answers 400)."""

    def __init__(self, name: str, expected: str) -> None:
        self.name = name
        super().__init__(f"query parameter {name!r}", expected=expected)


def _raw(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value).strip()


def integer(params: Mapping[str, Any], name: str, low: int, high: int,
            default: int | None = None) -> int | None:
    """A whole number low..high written in ASCII digits; `default` when absent or blank."""
    raw = _raw(params, name)
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise ParameterError(name, f"a whole number from {low} to {high}")
    return int(raw)


def date(params: Mapping[str, Any], name: str, default: dt.date) -> dt.date:
    """A date YYYY-MM-DD from MIN_DATE to MAX_DATE; `default` when absent or blank."""
    raw = _raw(params, name)
    if not raw:
        return default
    expected = f"a date YYYY-MM-DD from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"
    if not _DATE.fullmatch(raw):
        raise ParameterError(name, expected)
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:  # 2026-02-30
        raise ParameterError(name, expected) from None
    if not MIN_DATE <= value <= MAX_DATE:
        raise ParameterError(name, expected)
    return value


def choice(params: Mapping[str, Any], name: str, choices: Sequence[Any],
           default: Any = "") -> Any:
    """One of `choices` (compared as text; the matching choice is returned, so a number
    choice comes back as a number); `default` when absent or blank."""
    raw = _raw(params, name)
    if not raw:
        return default
    for option in choices:
        if raw == str(option):
            return option
    raise ParameterError(name, "one of " + ", ".join(str(c) for c in choices))


def text(params: Mapping[str, Any], name: str, max_chars: int = MAX_TEXT) -> str:
    """Free text of at most `max_chars` characters (stripped; "" when absent)."""
    raw = _raw(params, name)
    if len(raw) > max_chars:
        raise ParameterError(name, f"at most {max_chars} characters")
    return raw


def collect(errors: list[str], parse: Any, *args: Any, **kwargs: Any) -> Any:
    """parse(*args) or, when the value is unusable, None with the message added to
    `errors` (a form shows every mistake at once)."""
    try:
        return parse(*args, **kwargs)
    except ParameterError as exc:
        errors.append(str(exc))
        return None
