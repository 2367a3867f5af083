"""What a group tells us about itself (name, type, registration numbers, address, income,
phone number), checked all at once by the same rules wherever it is typed: by a member, or by an
officer for a group without an account."""

from __future__ import annotations

from dataclasses import dataclass

from grants import single_line
from grants.errors import InvalidInput
from grants.organisations.models import IncomeBand, Organisation, OrganisationType
from grants.organisations.validation import (
    normalise_phone,
    normalise_postcode,
    phone_error,
    registration_errors,
)


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
    contact_phone: str | None = None  # the call-back number finance rings about bank details


def apply_details(details: GroupDetails, organisation: Organisation, *, phone: str | None) -> None:
    """Check every detail, then set them all: when anything is wrong, nothing changes. Every
    group has a phone number (``phone``), so finance can call back about bank details."""
    errors: dict[str, str] = {}
    phone_problem = phone_error(phone)
    if phone_problem:
        errors["contact_phone"] = phone_problem
    try:
        org_type = OrganisationType(details.org_type)
    except ValueError:
        raise InvalidInput({**errors, "org_type": "Select the type of group"}) from None
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
    errors.update(_line_breaks(details))
    if errors:
        raise InvalidInput(errors)
    organisation.set_phone(normalise_phone(phone))
    organisation.name = details.name.strip()
    organisation.org_type = org_type
    organisation.income_band = income_band
    organisation.postcode = postcode
    organisation.address_line_1 = details.address_line_1.strip()
    organisation.address_line_2 = (details.address_line_2 or "").strip() or None
    organisation.town = details.town.strip()
    for field, value in numbers.items():
        setattr(organisation, field, value)


def _line_breaks(details: GroupDetails) -> dict[str, str]:
    """Names and addresses are single lines, however they arrive (demo data, imports)."""
    fields = {
        "name": "Group name",
        "address_line_1": "Address line 1",
        "address_line_2": "Address line 2",
        "town": "Town or city",
    }
    found = {
        name: single_line.problem(what, getattr(details, name)) for name, what in fields.items()
    }
    return {name: message for name, message in found.items() if message}
