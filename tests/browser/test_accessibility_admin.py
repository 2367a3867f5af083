"""axe-core scans of the admin pages for invitations, closing accounts, search and the audit log.

Each page is scanned with real content, in a real browser, and at phone width (see
test_accessibility.assert_accessible). The journeys also run with CSRF checks on, as production
does, so a button that forgets its form token fails here.
"""

from __future__ import annotations

from playwright.sync_api import expect

from grants.accounts import services as accounts
from grants.accounts import staff_invitations
from grants.permissions import Role
from tests.browser.test_accessibility import assert_accessible, submit_empty
from tests.factories import make_group, make_user


def test_pending_invitations_sent_again_and_revoked_by_their_buttons(page, sign_in):
    admin = make_user(Role.ADMIN)
    for email in ("first@example.org", "second@example.org"):
        staff_invitations.invite(
            admin, email=email, role=Role.PANEL_MEMBER, link_for=lambda token: token
        )
    sign_in(page, admin)
    page.goto("/admin/invitations")
    assert_accessible(page)
    page.get_by_role("button", name="Send again to first@example.org").click()
    expect(page.get_by_text("We have sent a new invitation to first@example.org")).to_be_visible()
    page.get_by_role("button", name="Revoke the invitation to second@example.org").click()
    expect(page.get_by_text("Invitation to second@example.org revoked")).to_be_visible()
    expect(page.get_by_role("caption")).to_have_text("1 pending invitation")
    assert_accessible(page)


def test_deactivating_and_reactivating_a_person(page, sign_in):
    admin = make_user(Role.ADMIN)
    person = make_user(Role.PANEL_MEMBER, name="Pat Person")
    make_group(person)
    sign_in(page, admin)
    page.goto(f"/admin/users/{person.id}")
    page.get_by_role("button", name="Deactivate account").click()
    submit_empty(page, page.url, "Deactivate account")
    assert_accessible(page)
    page.get_by_label("Why are you deactivating this account?").fill("Moved away")
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_text("Pat Person's account is deactivated")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reactivate account").click()
    expect(page.get_by_text("Pat Person's account is active again")).to_be_visible()


def test_people_search_and_audit_log_with_changes(page, sign_in):
    admin = make_user(Role.ADMIN)
    person = make_user(name="Pat Person")
    accounts.set_roles(admin, person, {Role.FINANCE_OFFICER}, representing="Young person")
    accounts.deactivate_user(admin, person, reason="A reason long enough to need wrapping " * 4)
    sign_in(page, admin)
    page.goto("/admin/users")
    page.get_by_label("Search by name or email address").fill("pat pers")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("caption")).to_have_text("1 person matching “pat pers”")
    assert_accessible(page)
    page.goto("/admin/audit?actor=" + admin.email)
    expect(page.get_by_role("link", name=f"User {person.id}").first).to_be_visible()
    assert_accessible(page)


def test_a_second_admin_confirms_a_role_from_the_waiting_list(page, sign_in):
    proposer, confirmer = make_user(Role.ADMIN, name="Ann Admin"), make_user(Role.ADMIN)
    person = make_user(name="Pat Person")
    accounts.set_roles(proposer, person, {Role.FINANCE_OFFICER, Role.ADMIN})
    staff_invitations.invite(
        proposer, email="alias@example.org", role=Role.BANK_DETAILS_VIEWER, link_for=str
    )
    sign_in(page, confirmer)
    page.goto("/home")
    page.get_by_role("link", name="3 roles are waiting for an admin to confirm them").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm finance officer for Pat Person").click()
    expect(page.get_by_text("Confirmed: Pat Person")).to_be_visible()
    page.get_by_role("button", name="Refuse admin for Pat Person").click()
    expect(page.get_by_role("caption")).to_have_text("1 role waiting")
    assert_accessible(page)
    accounts.grant_role(confirmer, person, Role.BANK_DETAILS_VIEWER)
    page.goto(f"/admin/users/{person.id}")
    expect(page.get_by_text("Bank details viewer, proposed by")).to_be_visible()
    assert_accessible(page)


def test_undelivered_email_listed_and_sent_again(page, sign_in):
    from grants.email import OutboundEmail
    from grants.extensions import db

    db.session.add(
        OutboundEmail(
            recipient="lost@example.org",
            subject="Your group's bank details were changed",
            body="Body",
            attempts=5,
            last_error="550 mailbox unavailable " * 6,
        )
    )
    sign_in(page, make_user(Role.ADMIN))
    page.goto("/home")
    page.get_by_role("link", name="1 email could not be sent").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send again to lost@example.org").click()
    expect(page.get_by_text("We are sending the email to lost@example.org again")).to_be_visible()
    expect(page.get_by_text("Every email has been sent")).to_be_visible()
