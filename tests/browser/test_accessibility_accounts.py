"""axe-core and phone-width checks of the pages around proving an email address and joining from
an invitation."""

from __future__ import annotations

from grants import transaction
from grants.accounts import services as accounts
from grants.accounts import staff_invitations
from grants.organisations import services as organisations
from grants.permissions import Role
from tests.browser.test_accessibility import assert_accessible, submit_empty
from tests.browser.test_journeys import register
from tests.factories import make_group, make_user


def _group_invitation_token() -> str:
    member = make_user()
    group = make_group(member)
    tokens: list[str] = []
    organisations.invite_member(
        member, group, "friend@example.org", link_for=lambda token: tokens.append(token) or token
    )
    transaction.commit()
    return tokens[0]


# A long address, as some people have: it must wrap on a phone, not push the page sideways.
LONG_EMAIL = "asha.patel.from.the.ince.community.choir.1795982505@example.org"


def test_check_your_email_page(page):
    page.goto("/register")
    page.get_by_label("Full name", exact=True).fill("Asha Patel")
    page.get_by_label("Email address", exact=True).fill(LONG_EMAIL)
    page.get_by_label("Create a password", exact=True).fill("correct horse battery staple")
    page.get_by_label("Confirm password", exact=True).fill("correct horse battery staple")
    page.get_by_role("button", name="Create account", exact=True).click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_accessible(page)


def test_confirm_your_email_page(page):
    register(page, name="Asha Patel", email=LONG_EMAIL)  # confirmed, then undone
    person = accounts.find_by_email(LONG_EMAIL)
    person.email_confirmed_at = None
    transaction.commit()
    page.goto("/groups/")
    page.get_by_role("button", name="Send the link again").wait_for()
    assert_accessible(page)


def test_group_invitation_for_someone_without_an_account(page):
    token = _group_invitation_token()
    page.goto(f"/groups/invitations/{token}")
    page.get_by_role("button", name="Create an account and join").click()
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page)
    submit_empty(page, page.url, "Create account and join")
    assert_accessible(page)


def test_accept_a_role_page(page, sign_in):
    admin = make_user(Role.ADMIN)
    owner = make_user()
    tokens: list[str] = []
    staff_invitations.invite(
        admin, email=owner.email, role=Role.PANEL_MEMBER, link_for=lambda t: tokens.append(t) or t
    )
    transaction.commit()
    sign_in(page, owner)
    page.goto(f"/invitations/{tokens[0]}")
    page.get_by_role("button", name="Accept the role").wait_for()
    assert_accessible(page)
