"""Community group rules. Only members and staff may see a group; members manage it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from grants import audit, invitations, transaction
from grants.accounts.models import User
from grants.accounts.services import LinkBuilder, normalise_email
from grants.clock import utcnow
from grants.email import queue_email
from grants.errors import DomainError, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations import joins
from grants.organisations.details import GroupDetails as GroupDetails
from grants.organisations.details import apply_details as apply_details
from grants.organisations.models import (
    GroupHandover,
    GroupInvitation,
    HandoverStatus,
    Membership,
    Organisation,
)
from grants.permissions import Permission


def is_member(user: User, organisation_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Membership.organisation_id == organisation_id,
                    Membership.user_id == user.id,
                    Membership.current(),
                )
            )
        )
    )


def get_for(actor: User, organisation_id: int) -> Organisation:
    """The group, if the actor may see it. Others get NotFound: they cannot learn it exists."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("Group not found")
    if actor.can(Permission.VIEW_ALL_GROUPS) or is_member(actor, organisation_id):
        return organisation
    raise NotFound("Group not found")


def get_for_member(actor: User, organisation_id: int) -> Organisation:
    """The group, if the actor belongs to it (staff may look, but only members manage)."""
    organisation = get_for(actor, organisation_id)
    if not is_member(actor, organisation_id):
        raise NotAllowed("Only members of this group can change it")
    return organisation


def visible_groups_query(actor: User):
    """Groups the actor may see: all of them for staff, their own for everyone else."""
    query = select(Organisation).options(selectinload(Organisation.main_contact))
    if not actor.can(Permission.VIEW_ALL_GROUPS):
        query = query.join(Membership).where(Membership.user_id == actor.id, Membership.current())
    return query.order_by(func.lower(Organisation.name), Organisation.id)


def members_of(organisation: Organisation) -> list[User]:
    return [membership.user for membership in memberships_of(organisation)]


def memberships_of(organisation: Organisation) -> list[Membership]:
    """The group's memberships with their people, by name (one query)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .where(Membership.organisation_id == organisation.id, Membership.current())
            .order_by(User.full_name, Membership.id)
        )
    )


def has_members(organisation: Organisation) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(Membership.organisation_id == organisation.id, Membership.current())
            )
        )
    )


def looks_after(actor: User, organisation: Organisation) -> bool:
    """A programme officer looks after an offline group until someone from it joins: they keep
    its details up to date and may invite its first member, to hand it over. After that the group
    decides who joins, so nobody is added to it behind its back."""
    return (
        actor.can(Permission.SCREEN_APPLICATIONS)
        and organisation.is_offline
        and not has_members(organisation)
    )


def groups_of(user: User) -> list[Organisation]:
    """The groups this person belongs to (for staff too: membership, not what they may see)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id, Membership.current())
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def create_group(actor: User, details: GroupDetails) -> Organisation:
    """The creator becomes the group's first member and main contact."""
    if not actor.can(Permission.APPLY):
        raise NotAllowed("Sign in to create a group")
    organisation = Organisation(main_contact_id=actor.id)
    apply_details(details, organisation, phone=details.contact_phone)
    organisation.memberships.append(Membership(user_id=actor.id))
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.created", organisation, after=organisation.audit_view())
    db.session.flush()
    return organisation


def update_group(actor: User, organisation: Organisation, details: GroupDetails) -> Organisation:
    if not is_member(actor, organisation.id):
        raise NotAllowed("Only members of this group can change it")
    before = organisation.audit_view()
    # checks everything before it changes anything
    apply_details(details, organisation, phone=details.contact_phone)
    audit.record(
        actor, "organisation.updated", organisation, before=before, after=organisation.audit_view()
    )
    db.session.flush()
    return organisation


def can_invite(actor: User, organisation: Organisation) -> bool:
    return is_member(actor, organisation.id) or looks_after(actor, organisation)


def check_can_invite(actor: User, organisation: Organisation) -> None:
    if can_invite(actor, organisation):
        return
    if actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed(
            "Only members of this group can invite others. Officers can invite only the first"
            " member of a group they added for someone without an account"
        )
    raise NotAllowed("Only members of this group can invite others")


def invite_member(
    actor: User, organisation: Organisation, email: str, link_for: LinkBuilder
) -> GroupInvitation:
    check_can_invite(actor, organisation)
    if not is_member(actor, organisation.id):
        raise NotAllowed(
            "An officer hands a group over by proposing it: another programme officer approves"
            " it before the invitation is sent"
        )  # grants.organisations.handover
    email = normalise_email(email)
    already = db.session.scalar(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation.id,
            Membership.current(),
            User.email == email,
        )
    )
    if already:
        raise DomainError("This person is already a member of the group", field="email")
    invitation = GroupInvitation(organisation=organisation, email=email, invited_by_id=actor.id)
    token = invitations.issue(invitation)
    db.session.add(invitation)
    audit.record(actor, "group_invitation.created", invitation, after={"email": email})
    db.session.flush()
    queue_email(
        email,
        "Join your group",
        "group_invitation",
        invitation=invitation,
        link=link_for(token),
        days=invitations.max_age_days(),
    )
    return invitation


def open_group_invitation(token: str) -> GroupInvitation | None:
    return invitations.find_live(GroupInvitation, token)


def accept_group_invitation(actor: User, token: str) -> Organisation:
    """Join the group. The invitation is for one email address: only its owner may use it.

    Anyone signed in may join, whatever roles they hold: a panel member or an officer can run a
    community group too (the services keep them from screening or scoring their own group's bids).
    Every member is told who has joined, so nobody is added to a group behind its back.
    """
    invitation = open_group_invitation(token)
    if invitation is None:
        raise DomainError(invitations.USED_OR_EXPIRED)
    if normalise_email(actor.email) != invitation.email:
        raise NotAllowed(
            f"This invitation was sent to {invitation.email}. Sign in with that email address"
        )
    handover = _handover_of(invitation)
    if handover is not None and actor.id in (handover.proposed_by_id, handover.decided_by_id):
        raise NotAllowed("You cannot take over a group whose handover you proposed or approved")
    organisation = invitation.organisation
    joining = not is_member(actor, organisation.id)
    if joining and not _still_speaks_for_group(invitation):
        raise DomainError(
            "This invitation no longer stands: the person who sent it is not a member of"
            " the group now. Ask a member of the group to invite you"
        )
    invitations.use(invitation)
    if joining:
        _join(actor, invitation)
    audit.record(actor, "group_invitation.accepted", invitation, after={"user_id": actor.id})
    db.session.flush()
    return organisation


def _join(person: User, invitation: GroupInvitation) -> None:
    """Add the person to the group and tell every member who has joined."""
    organisation = invitation.organisation
    members = members_of(organisation)
    db.session.add(Membership(organisation_id=organisation.id, user_id=person.id))
    if organisation.main_contact_id is None:
        organisation.main_contact_id = person.id  # an offline group's first member
    db.session.flush()
    joins.joined(person, organisation.id)
    for member in members:
        queue_email(
            member.email,
            "Someone has joined your group",
            "member_joined",
            member=member,
            joined=person,
            invitation=invitation,
        )


def _handover_of(invitation: GroupInvitation) -> GroupHandover | None:
    return db.session.scalar(
        select(GroupHandover).where(GroupHandover.invitation_id == invitation.id)
    )


def _still_speaks_for_group(invitation: GroupInvitation) -> bool:
    """An invitation stands while the member who sent it still belongs to the group. An officer's
    invitation to hand over an offline group stands only once a second officer approved it, and
    until someone from the group has joined: of two accepted at once, the group's row lets one
    through."""
    organisation = invitation.organisation
    if is_member(invitation.invited_by, organisation.id):
        return True
    handover = _handover_of(invitation)
    return (
        handover is not None
        and handover.status == HandoverStatus.APPROVED
        and organisation.is_offline
        and transaction.claim(organisation, main_contact_id=None)
        and not has_members(organisation)
    )


def get_membership(actor: User, organisation: Organisation, membership_id: int) -> Membership:
    """One of the group's memberships, for one of its members to manage. A membership of another
    group is not found, whatever its id."""
    if not is_member(actor, organisation.id):
        raise NotAllowed("Only members of this group can remove members")
    membership = db.session.scalar(
        select(Membership).where(
            Membership.id == membership_id,
            Membership.organisation_id == organisation.id,
            Membership.current(),
        )
    )
    if membership is None:
        raise NotFound("Member not found")
    return membership


def remove_member(actor: User, organisation: Organisation, membership_id: int) -> Membership:
    """A member removes someone from the group, or leaves it. The removed person loses access to
    the group's applications at once. The membership is ended, not deleted: the conflict rule
    still counts the time the person belonged to the group.

    A group always keeps one member, or nobody could look after its applications. Removing the
    main contact, or the last-but-one member, needs the main contact's agreement (or an
    officer's): :mod:`grants.organisations.removals`. So nobody can remove everyone else, founder
    included, and then change the bank details alone.
    """
    membership = get_membership(actor, organisation, membership_id)
    if needs_agreement(actor, organisation, membership):
        raise DomainError(agreement_needed_message(organisation, membership))
    return end_membership(actor, organisation, membership, removed_by=actor)


def needs_agreement(actor: User, organisation: Organisation, membership: Membership) -> bool:
    """Removing someone else who is the main contact, or who would leave one member, is for the
    main contact to agree to. Leaving is always the person's own choice."""
    if membership.user_id == actor.id or organisation.main_contact_id == actor.id:
        return False
    return (
        membership.user_id == organisation.main_contact_id or len(memberships_of(organisation)) <= 2
    )


def agreement_needed_message(organisation: Organisation, membership: Membership) -> str:
    what = "the main contact" if membership.user_id == organisation.main_contact_id else "them"
    return (
        f"Removing {what} needs the agreement of {organisation.contact_display_name}, the"
        " group's main contact, or of a council officer. Ask for it on the member's remove page"
    )


def end_membership(
    actor: User, organisation: Organisation, membership: Membership, *, removed_by: User
) -> Membership:
    """End the membership (``actor`` did it; ``removed_by`` asked for it, the same person unless
    it was agreed to by someone else). Two removals at once are put in order on the group's row,
    so the second counts the members the first left."""
    if not transaction.claim(organisation, main_contact_id=organisation.main_contact_id):
        raise DomainError("The group's members changed a moment ago. Try again")
    before = membership_view(organisation)
    remaining = [other for other in memberships_of(organisation) if other.id != membership.id]
    if not remaining:
        raise DomainError("You cannot remove the last member of a group. Invite someone else first")
    removed = membership.user
    membership.ended_at = utcnow()
    membership.ended_by_id = removed_by.id
    if organisation.main_contact_id == removed.id:
        longest_standing = min(remaining, key=lambda other: (other.joined_at, other.id))
        organisation.main_contact_id = longest_standing.user_id
    db.session.flush()
    db.session.expire(organisation, ["memberships"])  # the ended row is history, not a member
    audit.record(
        actor,
        "organisation.member_removed",
        organisation,
        before=before,
        after=membership_view(organisation),
    )
    if removed.id != removed_by.id:
        queue_email(
            removed.email,
            "You have been removed from a group",
            "member_removed",
            removed=removed,
            actor=removed_by,
            organisation=organisation,
        )
    db.session.flush()
    return membership


def recently_ended_memberships(organisation: Organisation, days: int) -> list[Membership]:
    """Memberships of the group ended in the last ``days`` days, with their people: someone just
    removed is still told of changes that could take the group's money."""
    since = utcnow() - timedelta(days=days)
    return list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(contains_eager(Membership.user))
            .where(
                Membership.organisation_id == organisation.id,
                Membership.ended_at.is_not(None),
                Membership.ended_at >= since,
            )
            .order_by(User.full_name, Membership.id)
        )
    )


def membership_view(organisation: Organisation) -> dict:
    """Who belongs to the group, for the audit log's before and after."""
    return {
        "members": [
            f"{membership.user.full_name} ({membership.user.email})"
            for membership in memberships_of(organisation)
        ],
        "main_contact_id": organisation.main_contact_id,
    }
