"""Letters to a group's contact who has no email address, for an officer to print and post.

The service tells people what happens to their group (a handover, a change of contact details)
by email where it can. Where the recorded contact has only a phone number, the same news goes
by post, to the group's address: the letter is written when the event happens, kept, and listed
on the group's page until an officer marks it posted. Its text is stored, so every print is the
same letter and the record shows what was sent.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from grants import audit, transaction
from grants.accounts.models import User
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations.models import GroupLetter, Organisation
from grants.permissions import Permission


def write(
    actor: User,
    organisation: Organisation,
    *,
    to_name: str | None,
    subject: str,
    template: str,
    address: dict | None = None,
    **context,
) -> GroupLetter:
    """Write ``templates/letters/<template>.txt`` to the group's postal address (or to
    ``address``, the group's ``audit_view`` before a change that moved it)."""
    place = address or organisation.audit_view()
    recipient = [
        to_name or f"The secretary, {organisation.name}",
        organisation.name if to_name else None,
        *(place[line] for line in ("address_line_1", "address_line_2", "town", "postcode")),
    ]
    letter = GroupLetter(
        organisation_id=organisation.id,
        recipient="\n".join(line for line in recipient if line),
        subject=subject,
        body=render_template(
            f"letters/{template}.txt", organisation=organisation, to_name=to_name, **context
        ),
    )
    db.session.add(letter)
    db.session.flush()
    audit.record(actor, "group_letter.written", letter, after={"subject": subject})
    return letter


def to_post(organisation: Organisation) -> list[GroupLetter]:
    return list(
        db.session.scalars(
            select(GroupLetter)
            .where(GroupLetter.organisation_id == organisation.id, GroupLetter.posted_at.is_(None))
            .order_by(GroupLetter.id)
        )
    )


def get(actor: User, organisation: Organisation, letter_id: int) -> GroupLetter:
    """One of the group's letters, for a programme officer (a letter of another group is not
    found, whatever its id)."""
    if not actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers post letters to groups")
    letter = db.session.get(GroupLetter, letter_id)
    if letter is None or letter.organisation_id != organisation.id:
        raise NotFound("Letter not found")
    return letter


def mark_posted(actor: User, letter: GroupLetter) -> GroupLetter:
    if letter.posted_at is not None or not transaction.claim(letter, posted_at=None):
        raise DomainError("This letter has already been marked as posted")
    letter.posted_at = utcnow()
    letter.posted_by_id = actor.id
    db.session.flush()
    audit.record(actor, "group_letter.posted", letter, after={"subject": letter.subject})
    return letter
