"""Removals that need the main contact's agreement, or an officer's.

Any member may remove another, but not the main contact, and not the last-but-one member: one
member could otherwise remove everyone else, founder included, and then change the group's bank
details alone (:func:`grants.organisations.services.needs_agreement`). Such a removal is asked
for instead. The main contact agrees or refuses from the group's page; a programme officer
outside the group may decide too, for a group that rings or writes to the council (the main
contact may be the one who can no longer be reached). Nobody is removed until then.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit, transaction
from grants.accounts.models import User
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations.models import (
    Membership,
    Organisation,
    RemovalOutcome,
    RemovalRequest,
)
from grants.organisations.services import (
    end_membership,
    get_membership,
    is_member,
    needs_agreement,
)
from grants.permissions import Permission

DECIDED = "This request has already been agreed, refused or withdrawn"


def pending_for(organisation: Organisation) -> list[RemovalRequest]:
    return list(
        db.session.scalars(
            select(RemovalRequest)
            .where(
                RemovalRequest.organisation_id == organisation.id,
                RemovalRequest.outcome.is_(None),
            )
            .options(
                selectinload(RemovalRequest.membership).selectinload(Membership.user),
                selectinload(RemovalRequest.requested_by),
            )
            .order_by(RemovalRequest.id)
        )
    )


def may_decide(actor: User, organisation: Organisation) -> bool:
    """The main contact, or a programme officer who is not in the group."""
    if organisation.main_contact_id == actor.id and is_member(actor, organisation.id):
        return True
    return actor.can(Permission.SCREEN_APPLICATIONS) and not is_member(actor, organisation.id)


def request_removal(
    actor: User, organisation: Organisation, membership_id: int, group_link: str
) -> RemovalRequest:
    """Ask the main contact to agree to a removal the actor may not make alone."""
    membership = get_membership(actor, organisation, membership_id)
    if not needs_agreement(actor, organisation, membership):
        raise DomainError("You can remove this member yourself")
    if any(request.membership_id == membership.id for request in pending_for(organisation)):
        raise DomainError(f"Removing {membership.user.full_name} has already been asked for")
    request = RemovalRequest(
        organisation_id=organisation.id, membership_id=membership.id, requested_by_id=actor.id
    )
    db.session.add(request)
    db.session.flush()
    audit.record(actor, "organisation.removal_requested", organisation, after=request.audit_view())
    contact = organisation.main_contact
    if contact is not None:
        queue_email(
            contact.email,
            "A member of your group asks to remove someone",  # names stay out of headers
            "removal_requested",
            contact=contact,
            actor=actor,
            removed=membership.user,
            organisation=organisation,
            link=group_link,
        )
    return request


def get_request(organisation: Organisation, request_id: int) -> RemovalRequest:
    request = db.session.get(RemovalRequest, request_id)
    if request is None or request.organisation_id != organisation.id:
        raise NotFound("Request not found")
    return request


def agree(actor: User, organisation: Organisation, request_id: int) -> Membership:
    """The main contact (or an officer) agrees: the member is removed as the requester asked,
    with every rule of a removal checked again now (the group may have changed since)."""
    request = _decide(actor, organisation, request_id, RemovalOutcome.AGREED)
    membership = request.membership
    if not membership.is_current:
        raise DomainError(f"{membership.user.full_name} is no longer a member of the group")
    if not is_member(request.requested_by, organisation.id):
        raise DomainError("The member who asked for this is no longer in the group")
    return end_membership(actor, organisation, membership, removed_by=request.requested_by)


def refuse(actor: User, organisation: Organisation, request_id: int) -> RemovalRequest:
    """The main contact or an officer refuses; the member who asked may also withdraw it."""
    request = get_request(organisation, request_id)
    if request.requested_by_id == actor.id and is_member(actor, organisation.id):
        return _settle(actor, organisation, request, RemovalOutcome.REFUSED)
    return _decide(actor, organisation, request_id, RemovalOutcome.REFUSED)


def _decide(
    actor: User, organisation: Organisation, request_id: int, outcome: RemovalOutcome
) -> RemovalRequest:
    request = get_request(organisation, request_id)
    if not may_decide(actor, organisation):
        raise NotAllowed(
            "Only the group's main contact, or a council officer outside the group, can decide"
        )
    return _settle(actor, organisation, request, outcome)


def _settle(
    actor: User, organisation: Organisation, request: RemovalRequest, outcome: RemovalOutcome
) -> RemovalRequest:
    if not request.is_pending or not transaction.claim(request, outcome=None):
        raise DomainError(DECIDED)
    before = request.audit_view()
    request.outcome = outcome
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        f"organisation.removal_{outcome.value}",
        organisation,
        before=before,
        after=request.audit_view(),
    )
    return request
