"""Staff notes: private notes officers leave for colleagues on an application. Never shown to the
group, never in its PDF."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants import audit
from grants.accounts.models import User
from grants.applications.conflicts import check_no_conflict
from grants.applications.models import Application
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.screening.models import StaffNote

NOTE_MAX_LENGTH = 5000


def add_note(actor: User, application: Application, body: str) -> StaffNote:
    """A private note for colleagues. Audited like every other change; never shown to applicants."""
    if not actor.is_staff:
        raise NotAllowed("Only staff can add notes to an application")
    check_no_conflict(actor, application, "add notes to")
    body = (body or "").strip()
    if not body:
        raise DomainError("Enter the note", field="body")
    if len(body) > NOTE_MAX_LENGTH:
        raise DomainError(f"Note must be {NOTE_MAX_LENGTH:,} characters or fewer", field="body")
    note = StaffNote(application_id=application.id, author_id=actor.id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "application.note_added", application, after={"note_id": note.id})
    db.session.flush()
    return note


def notes_for(application: Application) -> list[StaffNote]:
    """The application's staff notes, newest first."""
    query = (
        select(StaffNote)
        .where(StaffNote.application_id == application.id)
        .options(joinedload(StaffNote.author))
        .order_by(StaffNote.created_at.desc(), StaffNote.id.desc())
    )
    return list(db.session.scalars(query))
