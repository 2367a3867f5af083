"""Handing an offline group to someone from it, with two officers and the group told.

An officer who looks after a group without an account (``services.looks_after``) may invite its
first member. That person becomes the group's only member and main contact: they then hold the
group's applications, its bank details and the phone number finance calls back. So one officer
must not be able to do it alone, and least of all to themselves:

- the officer *proposes* the handover, to an email address that is not their own;
- a second programme officer approves it (never the proposer, never the person it goes to).
  Only then is the invitation made and emailed: until approval no link exists that anyone could
  follow, which is safer than sending one that merely waits for approval;
- at approval the group's recorded contact is told, at the recorded email address, or, with
  none, by a letter (``letters``) that the group's page asks an officer to post;
- whoever accepts must be neither officer (``services.accept_group_invitation``);
- every step is audited, and the approvers are emailed when there is one to approve.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit, invitations, transaction
from grants.accounts.models import User, UserRole
from grants.accounts.services import LinkBuilder, normalise_email
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations import letters
from grants.organisations.models import (
    GroupHandover,
    GroupInvitation,
    HandoverStatus,
    Organisation,
)
from grants.organisations.services import looks_after
from grants.permissions import Permission, Role

TO_YOURSELF = "You cannot hand a group over to yourself"


def pending_query():
    return (
        select(GroupHandover)
        .where(GroupHandover.status == HandoverStatus.PROPOSED)
        .options(selectinload(GroupHandover.organisation), selectinload(GroupHandover.proposed_by))
        .order_by(GroupHandover.proposed_at, GroupHandover.id)
    )


def pending_for(organisation: Organisation) -> GroupHandover | None:
    return db.session.scalar(
        pending_query().where(GroupHandover.organisation_id == organisation.id).limit(1)
    )


def to_approve(actor: User) -> list[GroupHandover]:
    """Handovers waiting for a second officer: every one the actor did not propose."""
    return list(db.session.scalars(pending_query().where(GroupHandover.proposed_by_id != actor.id)))


def proposed_by(actor: User) -> list[GroupHandover]:
    """The actor's own proposals still waiting for someone else."""
    return list(db.session.scalars(pending_query().where(GroupHandover.proposed_by_id == actor.id)))


def get(actor: User, handover_id: int) -> GroupHandover:
    if not actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers approve handovers")
    handover = db.session.get(GroupHandover, handover_id)
    if handover is None:
        raise NotFound("Handover not found")
    return handover


def propose(
    actor: User, organisation: Organisation, email: str, approve_link: str
) -> GroupHandover:
    """An officer who looks after the group proposes to invite its first member."""
    if not looks_after(actor, organisation):
        raise NotAllowed("Only a programme officer can hand over a group without members")
    email = normalise_email(email)
    if email == normalise_email(actor.email):
        raise DomainError(TO_YOURSELF, field="email")
    waiting = pending_for(organisation)
    if waiting is not None:
        raise DomainError(
            f"A handover of this group to {waiting.email} is already waiting for approval",
            field="email",
        )
    handover = GroupHandover(organisation=organisation, email=email, proposed_by_id=actor.id)
    db.session.add(handover)
    db.session.flush()
    audit.record(actor, "group_handover.proposed", handover, after=handover.audit_view())
    for officer in _other_officers(actor):
        queue_email(
            officer.email,
            "A group handover needs your approval",
            "handover_to_approve",
            officer=officer,
            proposer=actor,
            handover=handover,
            link=approve_link,
        )
    return handover


def _other_officers(actor: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == Role.PROGRAMME_OFFICER,
                User.is_active_account,
                User.id != actor.id,
            )
            .order_by(User.id)
        )
    )


def check_may_decide(actor: User, handover: GroupHandover) -> None:
    if not actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers approve handovers")
    if handover.proposed_by_id == actor.id:
        raise NotAllowed("You proposed this handover, so another programme officer must approve it")
    if normalise_email(actor.email) == handover.email:
        raise NotAllowed(TO_YOURSELF)


def approve(actor: User, handover: GroupHandover, invitation_link: LinkBuilder) -> GroupInvitation:
    """A second officer approves: the invitation is made and emailed, and the group's recorded
    contact is told (by email, or by a letter to post)."""
    check_may_decide(actor, handover)
    _claim(handover)
    organisation = handover.organisation
    if not looks_after(actor, organisation):
        raise DomainError("Someone from this group has joined already, so it needs no handover")
    before = handover.audit_view()
    invitation = GroupInvitation(
        organisation=organisation, email=handover.email, invited_by_id=handover.proposed_by_id
    )
    token = invitations.issue(invitation)
    db.session.add(invitation)
    handover.status = HandoverStatus.APPROVED
    handover.decided_by_id = actor.id
    handover.decided_at = utcnow()
    handover.invitation = invitation
    db.session.flush()
    audit.record(
        actor, "group_handover.approved", handover, before=before, after=handover.audit_view()
    )
    queue_email(
        handover.email,
        "Join your group",
        "group_invitation",
        invitation=invitation,
        link=invitation_link(token),
        days=invitations.max_age_days(),
    )
    _tell_recorded_contact(actor, handover)
    return invitation


def _tell_recorded_contact(actor: User, handover: GroupHandover) -> None:
    organisation = handover.organisation
    context = {"handover": handover, "approver": actor, "days": invitations.max_age_days()}
    subject = "Your group is being handed over to a member of the group"
    if organisation.contact_email:
        queue_email(
            organisation.contact_email,
            subject,
            "group_handover",
            organisation=organisation,
            to_name=organisation.contact_name,
            **context,
        )
    else:
        letters.write(
            actor,
            organisation,
            to_name=organisation.contact_name,
            subject=subject,
            template="group_handover",
            **context,
        )


def refuse(actor: User, handover: GroupHandover) -> GroupHandover:
    """Another officer refuses the handover, or the proposer withdraws it. Nothing is sent."""
    if handover.proposed_by_id != actor.id:
        check_may_decide(actor, handover)
    _claim(handover)
    before = handover.audit_view()
    handover.status = HandoverStatus.REFUSED
    handover.decided_by_id = actor.id
    handover.decided_at = utcnow()
    db.session.flush()
    audit.record(
        actor, "group_handover.refused", handover, before=before, after=handover.audit_view()
    )
    return handover


def _claim(handover: GroupHandover) -> None:
    """Two officers pressing at once: the handover's row lets one through."""
    if not handover.is_pending or not transaction.claim(handover, status=HandoverStatus.PROPOSED):
        raise DomainError("This handover has already been approved, refused or withdrawn")


def section_for(viewer: User, organisation: Organisation) -> dict | None:
    """The group page's part for officers: a handover waiting for approval, and letters to post."""
    if not viewer.can(Permission.SCREEN_APPLICATIONS):
        return None
    waiting = pending_for(organisation)
    to_post = letters.to_post(organisation)
    if waiting is None and not to_post:
        return None
    return {"handover": waiting, "letters": to_post}
