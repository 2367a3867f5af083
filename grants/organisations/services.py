"""Community group rules. Only members and staff may see a group; members manage it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from grants import audit, invitations
from grants.accounts.models import User
from grants.accounts.services import LinkBuilder, normalise_email
from grants.email import queue_email
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.organisations.models import (
    GroupInvitation,
    IncomeBand,
    Membership,
    Organisation,
    OrganisationType,
)
from grants.organisations.validation import normalise_postcode, registration_errors
from grants.permissions import Permission


@dataclass
class GroupDetails:
    """What a person types about their group, before the rules have checked it."""

    name: str
    org_type: str
    charity_number: str | None
    company_number: str | None
    society_number: str | None
    address_line_1: str
    address_line_2: str | None
    town: str
    postcode: str
    income_band: str


def is_member(user: User, organisation_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Membership.organisation_id == organisation_id, Membership.user_id == user.id
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
        query = query.join(Membership).where(Membership.user_id == actor.id)
    return query.order_by(func.lower(Organisation.name), Organisation.id)


def members_of(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.full_name)
        )
    )


def groups_of(user: User) -> list[Organisation]:
    """The groups this person belongs to (for staff too: membership, not what they may see)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id)
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def _apply(details: GroupDetails, organisation: Organisation) -> None:
    errors: dict[str, str] = {}
    try:
        org_type = OrganisationType(details.org_type)
    except ValueError:
        raise InvalidInput({"org_type": "Select the type of group"}) from None
    try:
        income_band = IncomeBand(details.income_band)
    except ValueError:
        errors["income_band"] = "Select your group's annual income"
    postcode = normalise_postcode(details.postcode)
    if postcode is None:
        errors["postcode"] = "Enter a full UK postcode, like WN1 1YN"
    number_errors, numbers = registration_errors(
        org_type,
        charity_number=details.charity_number,
        company_number=details.company_number,
        society_number=details.society_number,
    )
    errors.update(number_errors)
    if errors:
        raise InvalidInput(errors)
    organisation.name = details.name.strip()
    organisation.org_type = org_type
    organisation.income_band = income_band
    organisation.postcode = postcode
    organisation.address_line_1 = details.address_line_1.strip()
    organisation.address_line_2 = (details.address_line_2 or "").strip() or None
    organisation.town = details.town.strip()
    for field, value in numbers.items():
        setattr(organisation, field, value)


def create_group(actor: User, details: GroupDetails) -> Organisation:
    """The creator becomes the group's first member and main contact."""
    if not actor.can(Permission.APPLY):
        raise NotAllowed("Sign in to create a group")
    organisation = Organisation(main_contact_id=actor.id)
    _apply(details, organisation)
    organisation.memberships.append(Membership(user_id=actor.id))
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor, "organisation.created", organisation, after=organisation.audit_view())
    db.session.flush()
    return organisation


@dataclass
class OfflineContact:
    """Who to contact in a group that applies by phone, on paper or in person, without an account."""

    name: str
    phone: str | None
    email: str | None


def create_offline_group(
    actor: User, details: GroupDetails, contact: OfflineContact
) -> Organisation:
    """A programme officer records a group that has no account, so it can apply by other means."""
    if not actor.can(Permission.SCREEN_APPLICATIONS):
        raise NotAllowed("Only programme officers can add a group for someone else")
    errors = {}
    if not contact.name.strip():
        errors["contact_name"] = "Enter the name of the person to contact"
    if not (contact.phone or "").strip() and not (contact.email or "").strip():
        errors["contact_phone"] = "Enter a phone number or an email address for the contact"
    organisation = Organisation()
    try:
        _apply(details, organisation)
    except InvalidInput as invalid:
        errors = {**invalid.errors, **errors}
    if errors:
        raise InvalidInput(errors)
    organisation.contact_name = contact.name.strip()
    organisation.contact_phone = (contact.phone or "").strip() or None
    organisation.contact_email = (
        normalise_email(contact.email) if (contact.email or "").strip() else None
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        actor, "organisation.created_offline", organisation, after=organisation.audit_view()
    )
    db.session.flush()
    return organisation


def update_group(actor: User, organisation: Organisation, details: GroupDetails) -> Organisation:
    if not is_member(actor, organisation.id):
        raise NotAllowed("Only members of this group can change it")
    before = organisation.audit_view()
    _apply(details, organisation)  # checks everything before it changes anything
    audit.record(
        actor, "organisation.updated", organisation, before=before, after=organisation.audit_view()
    )
    db.session.flush()
    return organisation


def can_invite(actor: User, organisation: Organisation) -> bool:
    return is_member(actor, organisation.id) or actor.can(Permission.SCREEN_APPLICATIONS)


def invite_member(
    actor: User, organisation: Organisation, email: str, link_for: LinkBuilder
) -> GroupInvitation:
    if not can_invite(actor, organisation):
        raise NotAllowed("Only members of this group can invite others")
    email = normalise_email(email)
    already = db.session.scalar(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, User.email == email)
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
    """
    invitation = open_group_invitation(token)
    if invitation is None:
        raise DomainError(invitations.USED_OR_EXPIRED)
    if normalise_email(actor.email) != invitation.email:
        raise NotAllowed(
            f"This invitation was sent to {invitation.email}. Sign in with that email address"
        )
    invitations.use(invitation)
    if not is_member(actor, invitation.organisation_id):
        db.session.add(Membership(organisation_id=invitation.organisation_id, user_id=actor.id))
    if invitation.organisation.main_contact_id is None:
        invitation.organisation.main_contact_id = actor.id  # an offline group's first member
    audit.record(actor, "group_invitation.accepted", invitation, after={"user_id": actor.id})
    db.session.flush()
    return invitation.organisation
