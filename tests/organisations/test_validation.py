"""Postcodes and registration numbers, checked so open data can name each group correctly."""

import pytest

from grants.organisations.models import OrganisationType
from grants.organisations.validation import normalise_postcode, registration_errors


def check(org_type, *, charity=None, company=None, society=None):
    return registration_errors(
        OrganisationType(org_type),
        charity_number=charity,
        company_number=company,
        society_number=society,
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("wn1 1aa", "WN1 1AA"),
        ("WN11AA", "WN1 1AA"),
        ("  wn5   8ab ", "WN5 8AB"),
        ("m1 1ae", "M1 1AE"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
    ],
)
def test_postcodes_are_tidied_to_capitals_with_one_space(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "   ", "WN1", "WN1 1", "1WN 1AA", "WN1 1AAA", "WN1-1AA", "hello", None]
)
def test_anything_but_a_full_uk_postcode_is_rejected(typed):
    assert normalise_postcode(typed) is None


@pytest.mark.parametrize("org_type", ["registered_charity", "cio", "charitable_company"])
def test_charities_must_give_a_charity_number(org_type):
    errors, _ = check(org_type, company="01234567")
    assert errors["charity_number"] == "Enter your charity number"


@pytest.mark.parametrize("number", ["12345", "12345678", "11648A3", "one"])
def test_charity_numbers_must_be_6_or_7_digits(number):
    errors, cleaned = check("registered_charity", charity=number)
    assert errors["charity_number"] == "Charity number must be 6 or 7 digits, like 1164883"
    assert cleaned["charity_number"] is None


@pytest.mark.parametrize(
    ("typed", "kept"), [("1164883", "1164883"), ("216401", "216401"), ("1164 883", "1164883")]
)
def test_valid_charity_numbers_are_kept_without_spaces(typed, kept):
    errors, cleaned = check("cio", charity=typed)
    assert errors == {}
    assert cleaned["charity_number"] == kept


@pytest.mark.parametrize("org_type", ["charitable_company", "cic", "company_limited_by_guarantee"])
def test_companies_must_give_a_company_number(org_type):
    errors, _ = check(org_type, charity="1164883")
    assert errors["company_number"] == "Enter your company number"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("01234567", "01234567"),
        ("SC123456", "SC123456"),
        ("sc123456", "SC123456"),
        ("NI 012345", "NI012345"),
    ],
)
def test_company_numbers_keep_their_leading_zeros_and_prefixes(typed, kept):
    errors, cleaned = check("cic", company=typed)
    assert errors == {}
    assert cleaned["company_number"] == kept


def test_a_company_number_that_lost_its_leading_zero_is_explained():
    errors, cleaned = check("cic", company="1234567")
    assert errors["company_number"] == (
        "Company number must be 8 characters. Keep any zeros at the start, like 01234567"
    )
    assert cleaned["company_number"] is None


@pytest.mark.parametrize("typed", ["123456789", "SC12345", "S1234567", "ABCDEFGH"])
def test_other_malformed_company_numbers_are_rejected(typed):
    errors, _ = check("company_limited_by_guarantee", company=typed)
    assert (
        errors["company_number"] == "Company number must be 8 characters, like 01234567 or SC123456"
    )


def test_a_charitable_company_needs_both_numbers():
    errors, _ = check("charitable_company")
    assert set(errors) == {"charity_number", "company_number"}
    errors, cleaned = check("charitable_company", charity="1164883", company="07654321")
    assert errors == {}
    assert cleaned == {
        "charity_number": "1164883",
        "company_number": "07654321",
        "society_number": None,
    }


def test_community_benefit_societies_must_give_a_society_number():
    errors, _ = check("community_benefit_society")
    assert errors["society_number"] == "Enter your society registration number"
    errors, _ = check("community_benefit_society", society="1234567")
    assert errors["society_number"] == "Society number must be up to 6 digits, like 31234R"
    errors, cleaned = check("community_benefit_society", society="31234r")
    assert errors == {}
    assert cleaned["society_number"] == "31234R"


@pytest.mark.parametrize("org_type", ["constituted_group", "informal_group"])
def test_numbers_a_type_does_not_use_are_dropped(org_type):
    errors, cleaned = check(org_type, charity="1164883", company="01234567", society="31234R")
    assert errors == {}
    assert cleaned == {"charity_number": None, "company_number": None, "society_number": None}


def test_a_cic_keeps_only_its_company_number():
    errors, cleaned = check("cic", charity="1164883", company="01234567", society="31234R")
    assert errors == {}
    assert cleaned == {"charity_number": None, "company_number": "01234567", "society_number": None}


def test_a_faith_group_may_leave_out_its_charity_number():
    errors, cleaned = check("faith_group")
    assert errors == {}
    assert cleaned["charity_number"] is None


def test_a_faith_group_that_gives_a_charity_number_must_give_a_valid_one():
    errors, cleaned = check("faith_group", charity="1164883")
    assert errors == {}
    assert cleaned["charity_number"] == "1164883"
    errors, _ = check("faith_group", charity="12")
    assert errors["charity_number"] == "Charity number must be 6 or 7 digits, like 1164883"
