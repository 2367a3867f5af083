"""Time, in one place: "now" in UTC, aware datetimes, and UK local time with the clock changes.

Every stored moment is UTC. People read and type UK wall-clock time, converted here and only here.

Officers type dates and times as they read them on a UK clock. Twice a year that clock skips or
repeats an hour: on the last Sunday in March there is no 1:30am, and on the last Sunday in October
1:30am happens twice. Guessing which moment was meant could open or close a round an hour early,
so both cases are refused with a message that says why and what to type instead.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_TIME = re.compile(r"^(?P<hour>\d{1,2})[:.](?P<minute>\d{2})$", re.ASCII)


class LocalTimeError(ValueError):
    """A UK date and time that cannot be turned into one moment. The message is for the officer."""

    @property
    def message(self) -> str:
        return str(self.args[0])


def parse_time(text: str) -> time:
    """'9:30', '09:30' or '17.45' -> a time. The 24-hour clock avoids 'is 12pm noon?' mistakes."""
    match = _TIME.match((text or "").strip())
    if not match:
        raise LocalTimeError("Enter a time using the 24-hour clock, like 09:00 or 17:30")
    hour, minute = int(match["hour"]), int(match["minute"])
    if hour > 23 or minute > 59:
        raise LocalTimeError("Enter a real time, from 00:00 to 23:59")
    return time(hour, minute)


def _spoken(day: date, at: time) -> str:
    clock = f"{at.hour % 12 or 12}:{at.minute:02d}{'am' if at.hour < 12 else 'pm'}"
    return f"{clock} on {day.day} {day:%B %Y}"


def uk_to_utc(day: date, at: time) -> datetime:
    """The UTC moment a UK wall clock shows ``at`` on ``day``.

    Raises LocalTimeError when that wall-clock time does not exist (clocks go forward) or happens
    twice (clocks go back).
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=LONDON, fold=0)
    second = wall.replace(tzinfo=LONDON, fold=1)
    round_trip = first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)
    if round_trip != wall:
        raise LocalTimeError(
            f"There is no {_spoken(day, at)} in the UK because the clocks go forward an hour "
            "at 1am. Enter a time before 1am or from 2am"
        )
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError(
            f"{_spoken(day, at)} happens twice in the UK because the clocks go back an hour "
            "at 2am. Enter a time before 1am or from 2am"
        )
    return first.astimezone(UTC)


def utc_to_uk(moment: datetime) -> datetime:
    """A stored moment as a UK wall-clock time (aware, Europe/London)."""
    return as_aware(moment).astimezone(LONDON)


def uk_today(now: datetime | None = None) -> date:
    """Today's date on a UK calendar (a payment due "today" means the UK's today, not UTC's)."""
    return utc_to_uk(now or utcnow()).date()
