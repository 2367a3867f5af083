"""Groups that apply by phone, on paper or in person: a programme officer adds them, with someone
to contact instead of an account, and looks after their details until someone from the group joins
(:func:`grants.organisations.services.looks_after`)."""

from __future__ import annotations

from dataclasses import dataclass

from grants import audit
from grants.accounts.models import User
from grants.accounts.services import normalise_email
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Organisation
from grants.organisations.services import GroupDetails, apply_details, looks_after
from grants.permissions import Permission


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
    organisation = Organisation()
    _apply_offline(details, contact, organisation)
    db.session.add(organisation)
    db.session.flush()
    audit.record(
        actor, "organisation.created_offline", organisation, after=organisation.audit_view()
    )
    db.session.flush()
    return organisation


def update_offline_group(
    actor: User, organisation: Organisation, details: GroupDetails, contact: OfflineContact
) -> Organisation:
    """An officer corrects the details of a group they look after, with the same rules as adding
    it. Once someone from the group has joined, the group keeps its own details."""
    if not looks_after(actor, organisation):
        raise NotAllowed("Only members of this group can change it")
    before = organisation.audit_view()
    _apply_offline(details, contact, organisation)  # checks everything before it changes anything
    audit.record(
        actor, "organisation.updated", organisation, before=before, after=organisation.audit_view()
    )
    db.session.flush()
    return organisation


def _apply_offline(details: GroupDetails, contact: OfflineContact, organisation: Organisation):
    """The group's details and who to contact, all checked (every problem reported at once)."""
    errors = {}
    if not contact.name.strip():
        errors["contact_name"] = "Enter the name of the person to contact"
    if errors:
        try:  # only to collect its errors alongside these
            apply_details(details, Organisation(), phone=contact.phone)
        except InvalidInput as invalid:
            errors = {**invalid.errors, **errors}
        raise InvalidInput(errors)
    apply_details(details, organisation, phone=contact.phone)
    organisation.contact_name = contact.name.strip()
    organisation.contact_email = (
        normalise_email(contact.email) if (contact.email or "").strip() else None
    )
