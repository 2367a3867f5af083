"""Groups that apply by phone, on paper or in person: a programme officer adds them, with someone
to contact instead of an account, and looks after their details until someone from the group joins
(:func:`grants.organisations.services.looks_after`)."""

from __future__ import annotations

from dataclasses import dataclass

from grants import audit
from grants.accounts.models import User
from grants.accounts.services import normalise_email
from grants.email import queue_email
from grants.errors import InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations import letters
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
    after = organisation.audit_view()
    audit.record(actor, "organisation.updated", organisation, before=before, after=after)
    db.session.flush()
    _tell_old_contact(actor, organisation, before, after)
    return organisation


CONTACT_FIELDS = {"contact_email": "Email address", "contact_phone": "Phone number"}


def _tell_old_contact(actor: User, organisation: Organisation, before: dict, after: dict) -> None:
    """A change of the contact's email or phone is told to the contact as they were: at the old
    email address, or, with none, by a letter to the group's address. Whoever changed them (to
    take the group over, say) cannot keep it from the person who was the contact."""
    changes = [
        (label, before[field], after[field])
        for field, label in CONTACT_FIELDS.items()
        if before[field] != after[field]
    ]
    if not changes:
        return
    subject = "Your group's contact details were changed"
    context = {"changed_by": actor, "changes": changes, "to_name": before["contact_name"]}
    if before["contact_email"]:
        queue_email(
            before["contact_email"],
            subject,
            "contact_details_changed",
            organisation=organisation,
            **context,
        )
    else:
        letters.write(
            actor,
            organisation,
            subject=subject,
            template="contact_details_changed",
            address=before,  # where the contact was, if the change moved the group too
            **context,
        )


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
