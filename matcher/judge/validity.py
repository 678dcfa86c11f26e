"""Until when a result holds: the first later as-of date on which the same inputs could give
a different result (issue 17, incremental nightly evaluation).

The evaluator stays a pure function of (criterion, timeline, as-of). Instead of asking every
criterion kind to work out its own boundary (forty places compare the as-of with a date, and
a forgotten one would carry a wrong verdict forward), the as-of it is given can be a
`TrackedDate`: a date that notes, at each comparison made with it, the first later as-of at
which that comparison would come out the other way. Examples:

- "HbA1c within 90 days": `(as_of - lab_day).days <= 90` holds until lab_day + 91, the day
  the lab leaves the window (and the criterion goes from met to unknown).
- "no chemotherapy in the last 4 weeks": `first_day = as_of - 28 days; first_day <= start`
  holds until start + 29, the day the course ages out of the lookback.
- age from a birth date: reading `as_of.year`, `.month`, `.day` holds until the next
  1 January, first of the month, or tomorrow; `completed_years` compares (month, day) pairs,
  so an age holds until the next birthday (the month read, then the day).
- a note dated after the as-of (`written > as_of`) is left out until its date.

Anything the tracker cannot follow (the as-of printed into a reason, divided, hashed,
converted to an ordinal) makes the result hold for this as-of only: conservative, never a
verdict carried past a boundary it did not see. Every value derived from the as-of is a
plain date, int or timedelta again once it leaves the tracker's hands, so the evaluator's
output is identical whether it was given a TrackedDate or a plain date.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable
from typing import Any

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
    "eq": operator.eq, "ne": operator.ne,
}
_DELTA_DAYS = dt.timedelta.days  # the base class's field, past a subclass's override


class Validity:
    """What the evaluation of one result read of the as-of: `until`, the first as-of (an
    ordinal) on which a read would differ, None while nothing read the as-of in a way that
    changes later."""

    __slots__ = ("start", "until")

    def __init__(self, as_of: dt.date) -> None:
        self.start = dt.date.toordinal(as_of)
        self.until: int | None = None

    def after(self, days: int) -> None:
        """A read changes `days` days after the as-of (1: tomorrow)."""
        if days >= 1 and (self.until is None or self.start + days < self.until):
            self.until = self.start + days

    def this_day_only(self) -> None:
        self.after(1)

    def join(self, other: Validity) -> None:
        if other.until is not None:
            self.after(other.until - self.start)

    def date(self) -> TrackedDate:
        """The as-of to give the evaluator."""
        return TrackedDate._tracking(self.start, self)

    @property
    def holds_until(self) -> dt.date | None:
        """The first as-of on which the result may differ; None: it does not depend on
        the as-of at all."""
        return dt.date.fromordinal(self.until) if self.until is not None else None


def plain(day: dt.date) -> dt.date:
    """`day` as a plain date (a TrackedDate's value without tracking): for what is
    recomputed every night anyway (the score's recency, the model's ages of evidence)."""
    if type(day) is dt.date:
        return day
    return dt.date.fromordinal(dt.date.toordinal(day))


def _flip(value: float, step: int, other: float, op: str, validity: Validity) -> bool:
    """`value OP other` now, noting the first day on which it differs when `value` moves
    by `step` (+1 or -1) a day and `other` stays put."""
    if type(other) is int and type(value) is int:
        return _flip_whole(value * step, other * step, op if step == 1 else _MIRROR[op],
                           validity)
    compare = _OPS[op]
    now = compare(value, other)
    distance = (other - value) * step  # days until value reaches other
    if isinstance(distance, float) and not math.isfinite(distance):
        return now
    base = math.floor(distance)
    for days in (base - 1, base, base + 1, base + 2):
        if days >= 1 and compare(value + step * days, other) != now:
            validity.after(days)
            break
    return now


_MIRROR = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def _flip_whole(x: int, c: int, op: str, validity: Validity) -> bool:
    """_flip for whole numbers with `x` growing by 1 a day (the hot path: the evaluator
    compares the as-of with a date a hundred times per patient and trial)."""
    if op == "lt":
        if x < c:
            validity.after(c - x)
            return True
        return False
    if op == "le":
        if x <= c:
            validity.after(c - x + 1)
            return True
        return False
    if op == "gt":
        if x > c:
            return True
        validity.after(c - x + 1)
        return False
    if op == "ge":
        if x >= c:
            return True
        validity.after(c - x)
        return False
    if op == "eq":
        if x == c:
            validity.after(1)
            return True
        if x < c:
            validity.after(c - x)
        return False
    if x != c:  # ne
        if x < c:
            validity.after(c - x)
        return True
    validity.after(1)
    return False


class _ComparedThroughCompare:
    """The six comparisons of a tracked value, each through its class's `_compare(other,
    op)`, which notes in the Validity what the answer implies. First among the bases, so
    that it wins over date's, timedelta's and int's own comparisons."""

    __slots__ = ()

    def _compare(self, other: Any, op: str) -> Any:
        raise NotImplementedError

    def __lt__(self, other: Any) -> Any:
        return self._compare(other, "lt")

    def __le__(self, other: Any) -> Any:
        return self._compare(other, "le")

    def __gt__(self, other: Any) -> Any:
        return self._compare(other, "gt")

    def __ge__(self, other: Any) -> Any:
        return self._compare(other, "ge")

    def __eq__(self, other: Any) -> Any:
        return self._compare(other, "eq")

    def __ne__(self, other: Any) -> Any:
        return self._compare(other, "ne")

    # Defining __eq__ unsets __hash__: each tracked class sets its own.
    __hash__ = None  # type: ignore[assignment]


class TrackedDate(_ComparedThroughCompare, dt.date):
    """The as-of date, or the as-of shifted by a fixed number of days (`as_of - 28 days`),
    noting in its Validity what every comparison made with it implies."""

    __slots__ = ("_validity",)
    _validity: Validity

    @classmethod
    def _tracking(cls, ordinal: int, validity: Validity) -> TrackedDate:
        day = dt.date.fromordinal(ordinal)
        made = dt.date.__new__(cls, day.year, day.month, day.day)
        made._validity = validity
        return made

    def _ordinal(self) -> int:
        return dt.date.toordinal(self)

    # -- comparisons: the value moves by +1 a day
    def _compare(self, other: Any, op: str) -> Any:
        if isinstance(other, TrackedDate):  # both move together: the answer never changes
            return _OPS[op](self._ordinal(), other._ordinal())
        if isinstance(other, dt.datetime) or not isinstance(other, dt.date):
            return NotImplemented
        return _flip(self._ordinal(), 1, dt.date.toordinal(other), op, self._validity)

    # -- arithmetic
    def __add__(self, other: Any) -> Any:
        if isinstance(other, dt.timedelta) and not isinstance(other, TrackedDelta):
            # date + timedelta ignores the seconds, as a plain date does.
            return TrackedDate._tracking(self._ordinal() + other.days, self._validity)
        if isinstance(other, TrackedDelta):
            self._validity.this_day_only()
            return plain(self) + plain_delta(other)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if isinstance(other, TrackedDate):
            return dt.timedelta(days=self._ordinal() - other._ordinal())
        if isinstance(other, dt.timedelta):
            if isinstance(other, TrackedDelta):
                self._validity.this_day_only()
                return plain(self) - plain_delta(other)
            return TrackedDate._tracking(self._ordinal() - other.days, self._validity)
        if isinstance(other, dt.datetime) or not isinstance(other, dt.date):
            return NotImplemented
        return TrackedDelta._tracking(self._ordinal() - dt.date.toordinal(other), 1,
                                      self._validity)

    def __rsub__(self, other: Any) -> Any:
        if isinstance(other, dt.datetime) or not isinstance(other, dt.date):
            return NotImplemented
        return TrackedDelta._tracking(dt.date.toordinal(other) - self._ordinal(), -1,
                                      self._validity)

    # -- calendar fields: constant until the next year, month or day
    @property
    def year(self) -> int:
        day = plain(self)
        self._validity.after(dt.date(day.year + 1, 1, 1).toordinal() - self._ordinal())
        return day.year

    @property
    def month(self) -> int:
        day = plain(self)
        following = (dt.date(day.year + 1, 1, 1) if day.month == 12
                     else dt.date(day.year, day.month + 1, 1))
        self._validity.after(following.toordinal() - self._ordinal())
        return day.month

    @property
    def day(self) -> int:
        self._validity.this_day_only()
        return plain(self).day

    # -- anything else reads the exact date: this as-of only
    def _exact(self) -> dt.date:
        self._validity.this_day_only()
        return plain(self)

    def __hash__(self) -> int:
        return hash(self._exact())

    def __str__(self) -> str:
        return str(self._exact())

    def __repr__(self) -> str:
        return repr(self._exact())

    def __format__(self, spec: str) -> str:
        return format(self._exact(), spec)

    def __reduce__(self) -> Any:
        return (dt.date, (self._exact().year, plain(self).month, plain(self).day))

    def isoformat(self) -> str:
        return self._exact().isoformat()

    def strftime(self, fmt: str) -> str:
        return self._exact().strftime(fmt)

    def toordinal(self) -> int:
        return self._exact().toordinal()

    def timetuple(self) -> Any:
        return self._exact().timetuple()

    def weekday(self) -> int:
        return self._exact().weekday()

    def isoweekday(self) -> int:
        return self._exact().isoweekday()

    def isocalendar(self) -> Any:
        return self._exact().isocalendar()

    def ctime(self) -> str:
        return self._exact().ctime()

    def replace(self, *args: Any, **kwargs: Any) -> dt.date:
        return self._exact().replace(*args, **kwargs)


def plain_delta(delta: dt.timedelta) -> dt.timedelta:
    return dt.timedelta(days=_DELTA_DAYS.__get__(delta))


class TrackedDelta(_ComparedThroughCompare, dt.timedelta):
    """as_of - a date (moves +1 day a day) or a date - as_of (moves -1): its `.days` is a
    TrackedDays; comparing it with a whole number of days is followed."""

    __slots__ = ("_step", "_validity")
    _step: int
    _validity: Validity

    @classmethod
    def _tracking(cls, days: int, step: int, validity: Validity) -> TrackedDelta:
        made = dt.timedelta.__new__(cls, days=days)
        made._step = step
        made._validity = validity
        return made

    def _days(self) -> int:
        return _DELTA_DAYS.__get__(self)

    @property
    def days(self) -> TrackedDays:  # type: ignore[override]
        return TrackedDays._tracking(self._days(), self._step, self._validity)

    def _compare(self, other: Any, op: str) -> Any:
        if not isinstance(other, dt.timedelta):
            return NotImplemented
        if isinstance(other, TrackedDelta):
            self._validity.this_day_only()
            return _OPS[op](plain_delta(self), plain_delta(other))
        whole = other.days + other.seconds / 86400 + other.microseconds / 86_400_000_000
        return _flip(self._days(), self._step, whole, op, self._validity)

    def _exact(self) -> dt.timedelta:
        self._validity.this_day_only()
        return plain_delta(self)

    def __hash__(self) -> int:
        return hash(self._exact())

    def __str__(self) -> str:
        return str(self._exact())

    def __repr__(self) -> str:
        return repr(self._exact())

    def __format__(self, spec: str) -> str:
        return format(self._exact(), spec)

    def __reduce__(self) -> Any:
        return (dt.timedelta, (self._exact().days,))

    def total_seconds(self) -> float:
        return self._exact().total_seconds()

    def __bool__(self) -> bool:
        return bool(self._exact())

    def __abs__(self) -> dt.timedelta:
        return abs(self._exact())

    def __neg__(self) -> dt.timedelta:
        return -self._exact()

    def __pos__(self) -> dt.timedelta:
        return self._exact()


def _arith(name: str) -> Callable[..., Any]:
    """An operation on the tracked value the tracker does not follow (its result changes
    every day, or in a way not worked out here): the result holds for this as-of only."""

    def exact(self: Any, *args: Any) -> Any:
        value = self._exact()
        return getattr(value, name)(*args)

    exact.__name__ = name
    return exact


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__",
              "__rmod__", "__divmod__", "__rdivmod__"):
    setattr(TrackedDelta, _name, _arith(_name))


class TrackedDays(_ComparedThroughCompare, int):
    """A number of days that moves by `step` (+1 or -1) a day: `(as_of - lab_day).days`.
    Comparisons with a number, and adding or subtracting a fixed number, are followed;
    anything else (a division, a product, printing it) holds for this as-of only."""

    # (an int subtype cannot have __slots__: these live in the instance dict)
    _step: int
    _validity: Validity

    @classmethod
    def _tracking(cls, value: int, step: int, validity: Validity) -> TrackedDays:
        made = int.__new__(cls, value)
        made._step = step
        made._validity = validity
        return made

    def _value(self) -> int:
        return int.__int__(self)

    def _compare(self, other: Any, op: str) -> Any:
        if isinstance(other, TrackedDays):
            if other._step == self._step:  # both move together
                return _OPS[op](self._value(), other._value())
            self._validity.this_day_only()
            return _OPS[op](self._value(), other._value())
        if isinstance(other, bool) or not isinstance(other, int | float):
            return NotImplemented
        if isinstance(other, float) and not math.isfinite(other):
            return _OPS[op](self._value(), other)
        return _flip(self._value(), self._step, other, op, self._validity)

    def __add__(self, other: Any) -> Any:
        if isinstance(other, int) and not isinstance(other, bool | TrackedDays):
            return TrackedDays._tracking(self._value() + other, self._step, self._validity)
        return self._exact() + other

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        if isinstance(other, TrackedDays) and other._step == self._step:
            return self._value() - other._value()
        if isinstance(other, int) and not isinstance(other, bool | TrackedDays):
            return TrackedDays._tracking(self._value() - other, self._step, self._validity)
        return self._exact() - other

    def __rsub__(self, other: Any) -> Any:
        if isinstance(other, int) and not isinstance(other, bool | TrackedDays):
            return TrackedDays._tracking(other - self._value(), -self._step, self._validity)
        return other - self._exact()

    def __neg__(self) -> Any:
        return TrackedDays._tracking(-self._value(), -self._step, self._validity)

    def _exact(self) -> int:
        self._validity.this_day_only()
        return self._value()

    def __hash__(self) -> int:
        return hash(self._exact())

    def __str__(self) -> str:
        return str(self._exact())

    def __repr__(self) -> str:
        return repr(self._exact())

    def __format__(self, spec: str) -> str:
        return format(self._exact(), spec)

    def __reduce__(self) -> Any:
        return (int, (self._exact(),))

    def __bool__(self) -> bool:
        return self != 0

    def __int__(self) -> int:
        return self._exact()

    def __index__(self) -> int:
        return self._exact()

    def __float__(self) -> float:
        return float(self._exact())

    def __abs__(self) -> int:
        return abs(self._exact())

    def __pos__(self) -> int:
        return self._exact()


for _name in ("__mul__", "__rmul__", "__truediv__", "__rtruediv__", "__floordiv__",
              "__rfloordiv__", "__mod__", "__rmod__", "__divmod__", "__rdivmod__", "__pow__",
              "__rpow__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__",
              "__lshift__", "__rlshift__", "__rshift__", "__rrshift__", "__invert__",
              "__round__", "__trunc__", "__floor__", "__ceil__", "to_bytes", "bit_length",
              "conjugate", "as_integer_ratio", "bit_count", "is_integer"):
    setattr(TrackedDays, _name, _arith(_name))
