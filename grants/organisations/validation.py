"""Checks on the identifiers a community group gives us, so open data can name them correctly."""

from __future__ import annotations

import re

import phonenumbers

from grants.organisations.models import OrganisationType

# The UK and the Crown Dependencies share +44: a number the council can ring at local rates.
_UK_REGIONS = {"GB", "GG", "JE", "IM"}
PHONE_FORMAT = "Enter a UK phone number, like 01942 123456 or 07912 345678"

# Full UK postcode: outward code (area, district) and inward code (sector, unit).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_CHARITY = re.compile(r"^[0-9]{6,7}$")
# Companies House numbers are 8 characters: digits, or a 2-letter prefix (SC, NI, OC...) and 6 digits.
_COMPANY = re.compile(r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$")
_SOCIETY = re.compile(r"^[0-9]{1,6}R?$")

NEEDS_CHARITY_NUMBER = {
    OrganisationType.REGISTERED_CHARITY,
    OrganisationType.CIO,
    OrganisationType.CHARITABLE_COMPANY,
}
NEEDS_COMPANY_NUMBER = {
    OrganisationType.CHARITABLE_COMPANY,
    OrganisationType.CIC,
    OrganisationType.COMPANY_LIMITED_BY_GUARANTEE,
}
NEEDS_SOCIETY_NUMBER = {OrganisationType.COMMUNITY_BENEFIT_SOCIETY}


def normalise_postcode(text: str) -> str | None:
    """'wn1 1aa' -> 'WN1 1AA'; None when it is not a full UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match[1]} {match[2]}" if match else None


def normalise_phone(text: str | None) -> str | None:
    """'01942123456' or '+44 1942 123456' -> '01942 123456'; None when it is not a UK number
    that can be rung. Google's numbering plans (phonenumbers) know which ranges are in use."""
    try:
        number = phonenumbers.parse((text or "").strip(), "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.region_code_for_number(number) not in _UK_REGIONS:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_error(text: str | None) -> str | None:
    """The message for a missing or unusable phone number, or None when it is fine."""
    if not (text or "").strip():
        return "Enter a phone number for the group, so we can call you back"
    if normalise_phone(text) is None:
        return PHONE_FORMAT
    return None


def _compact(text: str | None) -> str:
    return re.sub(r"[\s-]+", "", text or "").upper()


def registration_errors(
    org_type: OrganisationType,
    *,
    charity_number: str | None,
    company_number: str | None,
    society_number: str | None,
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Return (errors by field, cleaned numbers). Numbers a type does not use are dropped."""
    errors: dict[str, str] = {}
    cleaned: dict[str, str | None] = {
        "charity_number": None,
        "company_number": None,
        "society_number": None,
    }

    charity = _compact(charity_number)
    if org_type in NEEDS_CHARITY_NUMBER:
        if not charity:
            errors["charity_number"] = "Enter your charity number"
        elif not _CHARITY.match(charity):
            errors["charity_number"] = "Charity number must be 6 or 7 digits, like 1164883"
        else:
            cleaned["charity_number"] = charity
    elif charity and org_type == OrganisationType.FAITH_GROUP:
        # Many places of worship are registered charities; the number is optional for them.
        if _CHARITY.match(charity):
            cleaned["charity_number"] = charity
        else:
            errors["charity_number"] = "Charity number must be 6 or 7 digits, like 1164883"

    company = _compact(company_number)
    if org_type in NEEDS_COMPANY_NUMBER:
        if not company:
            errors["company_number"] = "Enter your company number"
        elif company.isdigit() and len(company) < 8:
            errors["company_number"] = (
                "Company number must be 8 characters. Keep any zeros at the start, like 01234567"
            )
        elif not _COMPANY.match(company):
            errors["company_number"] = (
                "Company number must be 8 characters, like 01234567 or SC123456"
            )
        else:
            cleaned["company_number"] = company

    society = _compact(society_number)
    if org_type in NEEDS_SOCIETY_NUMBER:
        if not society:
            errors["society_number"] = "Enter your society registration number"
        elif not _SOCIETY.match(society):
            errors["society_number"] = "Society number must be up to 6 digits, like 31234R"
        else:
            cleaned["society_number"] = society

    return errors, cleaned
