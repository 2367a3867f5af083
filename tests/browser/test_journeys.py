"""Whole journeys in a real browser: what a person does, found the way they find it, by label.

The register-and-add-a-group journey runs twice, with and without JavaScript, because the service
promises every page works without it (progressive enhancement).
"""

from __future__ import annotations

import re

import pytest
from flask import current_app
from playwright.sync_api import expect

from grants.organisations.models import INCOME_LABELS, TYPE_LABELS, IncomeBand, OrganisationType
from tests.factories import PASSWORD, make_group, make_user

NAME = "Asha Patel"
EMAIL = "asha.patel@example.org"
GROUP = "Ince Community Choir"
SCRIPTS_RAN = re.compile(r"\bgovuk-frontend-supported\b")


def register(page, *, name: str, email: str) -> None:
    page.goto("/register")
    page.get_by_label("Full name", exact=True).fill(name)
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Create a password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account", exact=True).click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    confirm_email(page, email)


def confirm_email(page, email: str) -> None:
    """Follow the confirmation link emailed to ``email``, in this browser."""
    (message,) = [m for m in current_app.extensions["mailman"].outbox if m.to == [email]]
    page.goto(re.search(r"https?://[^/\s]+(/confirm-email/\S+)", message.body)[1])


def add_registered_charity(page, *, name: str, postcode: str) -> None:
    page.get_by_role("button", name="Add a group", exact=True).click()
    page.get_by_label("Group name", exact=True).fill(name)
    page.get_by_label(TYPE_LABELS[OrganisationType.REGISTERED_CHARITY], exact=True).check()
    page.get_by_label("Charity number", exact=True).fill("1123456")
    page.get_by_label("Address line 1", exact=True).fill("12 Market Street")
    page.get_by_label("Town or city", exact=True).fill("Wigan")
    page.get_by_label("Postcode", exact=True).fill(postcode)
    page.get_by_label("Group's phone number", exact=True).fill("01942 496 011")
    page.get_by_label(INCOME_LABELS[IncomeBand.FROM_10K_TO_50K], exact=True).check()
    page.get_by_role("button", name="Save group", exact=True).click()


def expect_scripts_ran(page, javascript: bool) -> None:
    """Prove the page really ran (or did not run) scripts, so the no-JavaScript run means it."""
    body = expect(page.locator("body"))
    if javascript:
        body.to_have_class(SCRIPTS_RAN)
    else:
        body.not_to_have_class(SCRIPTS_RAN)


def service_navigation(page):
    """The header's navigation, where the service says who is signed in."""
    return page.get_by_role("navigation", name="Menu")


def expect_signed_in_as(page, name: str) -> None:
    expect(service_navigation(page).get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_applicant_registers_adds_a_group_and_signs_out(request, javascript):
    page = request.getfixturevalue("page" if javascript else "js_disabled_page")
    register(page, name=NAME, email=EMAIL)
    expect_scripts_ran(page, javascript)

    expect(page).to_have_url(re.compile(r"/groups/$"))
    expect(page.get_by_text("Your account has been created")).to_be_visible()
    expect_signed_in_as(page, NAME)

    add_registered_charity(page, name=GROUP, postcode="wn1 1aa")
    expect(page).to_have_url(re.compile(r"/groups/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    main = page.get_by_role("main")
    expect(main).to_contain_text("WN1 1AA")
    expect(main).not_to_contain_text("wn1 1aa")
    member = main.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=NAME)
    )
    expect(member).to_contain_text("Main contact")

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    expect(service_navigation(page).get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)


def test_wrong_password_shows_the_problem_and_keeps_the_email(page):
    """The person sees what went wrong without retyping their email; the password is not echoed."""
    user = make_user()
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill("not my password at all")
    page.get_by_role("button", name="Sign in", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Email address", exact=True)).to_have_value(user.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)


def test_invited_person_registers_from_the_invitation_and_is_a_member_at_once(page):
    """A member invites a neighbour by email; the neighbour has no account yet, creates one from
    the invitation and lands in the group, with no second link to follow and no email to confirm.
    """
    member = make_user(name="Joan Hart")
    group = make_group(member, name="Ince Allotment Society")
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(member.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"/groups/{group.id}")
    page.get_by_role("link", name="Invite someone to join this group").click()
    page.get_by_label("Email address", exact=True).fill(EMAIL)
    page.get_by_role("button", name=re.compile("invitation", re.I)).click()
    expect(page.get_by_text(f"We have sent an invitation to {EMAIL}")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).click()

    (message,) = [m for m in current_app.extensions["mailman"].outbox if m.to == [EMAIL]]
    page.goto(re.search(r"https?://[^/\s]+(/groups/invitations/\S+)", message.body)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Ince Allotment Society")
    page.get_by_role("button", name="Create an account and join").click()
    page.get_by_label("Full name", exact=True).fill(NAME)
    page.get_by_label("Create a password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account and join", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/groups/{group.id}$"))
    expect(page.get_by_text("You are a member of Ince Allotment Society")).to_be_visible()
    expect_signed_in_as(page, NAME)
    expect(page.get_by_role("main")).to_contain_text(NAME)
