"""The audit log as people read it: who did what to which thing, and what changed.

Audit rows keep whatever each service recorded (JSON before and after). This turns a page of them
into table rows: only the fields that changed, values written as words (never "None"), and the
object linked to its page when it still exists and the reader may open it. Existence is checked
with one query per kind of object on the page, so a page costs the same whatever its length.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from flask_login import current_user
from sqlalchemy import select

from grants.accounts.models import User
from grants.applications.models import Application
from grants.audit import AuditEvent
from grants.extensions import db
from grants.formatting import local_datetime
from grants.funds.models import Fund, Round
from grants.money import format_pence
from grants.numbers import whole_number
from grants.organisations.models import Organisation
from grants.permissions import access_of
from grants.reference.models import Neighbourhood, Principle

BLANK = "(blank)"
_ENUM_VALUE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")  # how a StrEnum member is recorded
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")  # as services record a datetime

# object_type as recorded -> (model, endpoint of its page, the endpoint's id argument)
OBJECT_PAGES: dict[str, tuple[type, str, str]] = {
    "User": (User, "admin.person", "user_id"),
    "Organisation": (Organisation, "organisations.show", "organisation_id"),
    "Application": (Application, "applications.show", "application_id"),
    "Fund": (Fund, "funds.show", "fund_id"),
    "Round": (Round, "funds.show_round", "round_id"),
    "Neighbourhood": (Neighbourhood, "reference.edit_neighbourhood", "neighbourhood_id"),
    "Principle": (Principle, "reference.edit_principle", "principle_id"),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str

    @property
    def is_first_value(self) -> bool:
        """Set where there was nothing before (as when something is created): the page shows
        only the new value rather than "(blank) → value" for every field."""
        return self.before == BLANK


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    object_label: str
    object_url: str | None
    changes: list[Change]

    @property
    def who(self) -> str:
        return self.event.actor.full_name if self.event.actor else "The system"

    @property
    def who_email(self) -> str:
        return self.event.actor.email if self.event.actor else ""


def entries(events: Iterable[AuditEvent]) -> list[Entry]:
    events = list(events)
    existing = _existing_objects(events)
    return [
        Entry(
            event=event,
            object_label=f"{_words(event.object_type)} {event.object_id}",
            object_url=_object_url(event, existing),
            changes=[
                Change(_field_label(field), readable(before, field), readable(after, field))
                for field, before, after in event.changes()
            ],
        )
        for event in events
    ]


def readable(value: Any, field: str = "") -> str:
    """A recorded value as a person would write it: lists and mappings spelt out, money in
    pounds, times in UK time, enum values in words, and never "None"."""
    if value is None or value == "" or value == [] or value == {}:
        return BLANK
    if field.endswith("_pence") and isinstance(value, int) and not isinstance(value, bool):
        return format_pence(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{_words(str(key))}: {readable(item)}" for key, item in value.items())
    if isinstance(value, str) and _ENUM_VALUE.fullmatch(value):
        return _words(value).capitalize()  # finance_officer -> "Finance officer"
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return local_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _field_label(field: str) -> str:
    """``total_budget_pence`` -> "Total budget"."""
    return _words(field.removesuffix("_pence")).capitalize()


def _words(name: str) -> str:
    """``GroupInvitation`` -> "Group invitation", ``full_name`` -> "full name"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced[:1] + spaced[1:].lower()


def _linkable(object_type: str) -> bool:
    if object_type not in OBJECT_PAGES:
        return False
    access = access_of(current_app.view_functions[OBJECT_PAGES[object_type][1]])
    return access is not None and (
        access.kind != "permission" or current_user.can(access.permission)
    )


def _existing_objects(events: list[AuditEvent]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        number = whole_number(event.object_id, max_digits=18)
        if number is not None and _linkable(event.object_type):
            wanted[event.object_type].add(number)
    existing = {}
    for object_type, ids in wanted.items():
        model = OBJECT_PAGES[object_type][0]
        existing[object_type] = set(db.session.scalars(select(model.id).where(model.id.in_(ids))))
    return existing


def _object_url(event: AuditEvent, existing: dict[str, set[int]]) -> str | None:
    number = whole_number(event.object_id, max_digits=18)
    if number is None or number not in existing.get(event.object_type, ()):
        return None
    _, endpoint, argument = OBJECT_PAGES[event.object_type]
    return url_for(endpoint, **{argument: number})
