"""The number finance calls back to check a group's bank details.

A council checks new bank details by ringing the group on a number it already holds, never one
given with the change. That only works if the number was not changed by the same person: someone
who takes over a group could change its phone number first, then its bank account, and answer
the call themselves. So a number changed after it was first given is not used to verify for
``SETTLE_DAYS`` days, and a group with no number at all cannot be verified until it gives one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from grants.clock import LONDON, as_aware, utcnow
from grants.formatting import long_date
from grants.organisations.models import Organisation

SETTLE_DAYS = 30


@dataclass(frozen=True)
class CallBackNumber:
    number: str | None
    given_at: datetime | None
    changed_at: datetime | None
    # Why the number cannot be used to verify bank details now (None: it can).
    problem: str | None

    @property
    def last_changed_at(self) -> datetime | None:
        """When the number on file was last set: changed, or else first given."""
        return self.changed_at or self.given_at


def _local_day(moment: datetime):
    return as_aware(moment).astimezone(LONDON).date()


def call_back_number(organisation: Organisation, now: datetime | None = None) -> CallBackNumber:
    now = now or utcnow()
    changed_at = organisation.contact_phone_changed_at
    problem = None
    if not organisation.contact_phone:
        problem = (
            "The group has no call-back number on file, so its bank details cannot be verified"
            " yet. Ask the group to add a phone number to its details first"
        )
    elif changed_at is not None and as_aware(changed_at) > now - timedelta(days=SETTLE_DAYS):
        usable_from = as_aware(changed_at) + timedelta(days=SETTLE_DAYS)
        problem = (
            f"The group's phone number was changed on {long_date(_local_day(changed_at))}."
            f" A number changed in the last {SETTLE_DAYS} days cannot be used to verify bank"
            " details: whoever changed it may be the person who gave the new details. It can be"
            f" used from {long_date(_local_day(usable_from))}"
        )
    return CallBackNumber(
        number=organisation.contact_phone,
        given_at=organisation.contact_phone_given_at,
        changed_at=changed_at,
        problem=problem,
    )
