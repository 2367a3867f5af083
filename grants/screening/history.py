"""An application's story for officers: every audited change in plain words, and past checks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.applications.display import SECTION_TITLES, STAFF_SECTION_TITLES
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.audit import AuditEvent
from grants.extensions import db
from grants.screening.models import EligibilityCheck

S = ApplicationStatus


def history_of(application: Application) -> list[AuditEvent]:
    """Every audited change to the application, oldest first: who did what, and when."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == "Application", AuditEvent.object_id == str(application.id))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    return list(db.session.scalars(query))


def checks_for(application: Application) -> list[EligibilityCheck]:
    query = (
        select(EligibilityCheck)
        .where(EligibilityCheck.application_id == application.id)
        .options(joinedload(EligibilityCheck.officer))
        .order_by(EligibilityCheck.created_at.desc(), EligibilityCheck.id.desc())
    )
    return list(db.session.scalars(query))


# Reading the history

_EVENT_TEXT = {
    "started": "Started",
    "deleted": "Deleted",
    "document_saved": "Files changed",
    "extension_granted": "Deadline extended",
    "note_added": "Staff note added",
}
# Staff read the history: sections are named in the third person ("About the group").
_SECTION_TITLES = {**SECTION_TITLES, **STAFF_SECTION_TITLES}


def describe_event(event: AuditEvent) -> str:
    """An audit action in words an officer reads at a glance."""
    action = event.action.removeprefix("application.")
    if action == S.SUBMITTED:
        return "Sent again" if (event.after or {}).get("resubmission") else "Sent"
    if action in {status.value for status in ApplicationStatus}:
        if reason := (event.after or {}).get("correction_reason"):
            return f"Outcome corrected to {S(action).label.lower()}. Reason: {reason}"
        return f"Status changed to {S(action).label.lower()}"
    if action in _EVENT_TEXT:
        return _EVENT_TEXT[action]
    section = action.removesuffix("_saved")
    return f"{_SECTION_TITLES[section]} saved" if section in _SECTION_TITLES else event.action
