"""The group's bank details form, finance's verify and reveal pages, and the rule that bank
details appear in full on no page but the reveal page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards import bank
from grants.awards.states import PaymentStatus
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_payments_setup import (
    ACCOUNT,
    FULL_NUMBER,
    FULL_SORT_CODE,
    accept,
    enter_details,
    ready_award,
)
from tests.checks import error_messages, soup_of
from tests.factories import make_group, make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def _url(award) -> str:
    return f"/payments/awards/{award.id}/bank-details"


def test_the_group_gives_its_details_and_then_sees_them_only_masked(client):
    funded = released_award()
    accept(funded.award)
    sign_in(client, funded.member)
    form = client.get(_url(funded.award))
    assert form.status_code == 200
    assert soup_of(form).find("input", {"name": "sort_code"})["inputmode"] == "numeric"
    response = client.post(_url(funded.award), data=ACCOUNT)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/awards/{funded.award.id}")
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert "We will check these details before paying" in text
    assert "Account ending 3445" in text
    assert FULL_NUMBER not in text and FULL_SORT_CODE not in text and "30-94-30" not in text
    change = client.get(_url(funded.award)).get_data(as_text=True)
    assert "Change your bank details" in change and FULL_NUMBER not in change
    assert "put every payment not yet made on hold" in change.replace("puts", "put")


def test_errors_are_shown_together_and_what_was_typed_is_kept(client):
    funded = released_award()
    accept(funded.award)
    sign_in(client, funded.member)
    response = client.post(
        _url(funded.award),
        data={"account_name": "", "sort_code": "12-34", "account_number": "1234567X"},
    )
    assert error_messages(response) == [
        "Enter the name on the account",
        "Enter a valid sort code like 309430",
        "Enter a valid account number like 00733445",
    ]
    soup = soup_of(response)
    assert soup.find("input", {"name": "sort_code"})["value"] == "12-34"
    assert soup.title.get_text().startswith("Error: ")
    assert bank.current_for(funded.award.organisation_id) is None


def test_details_wait_for_acceptance(client):
    funded = released_award()
    sign_in(client, funded.member)
    response = client.get(_url(funded.award))
    assert response.status_code == 302
    assert client.post(_url(funded.award), data=ACCOUNT).status_code == 302
    assert bank.current_for(funded.award.organisation_id) is None


def test_who_may_open_the_bank_details_form(app, client):
    funded = released_award()
    accept(funded.award)
    outsider = make_user()
    make_group(outsider, name="Another Group")
    cases = [
        (funded.member, 200),
        (finance_officer(), 200),  # entering from a bank letter
        (make_user(Role.PROGRAMME_OFFICER), 403),
        (make_user(Role.ADMIN), 403),
        (make_user(Role.BANK_DETAILS_VIEWER), 403),
        (outsider, 404),
    ]
    for person, status in cases:
        sign_in(client, person)
        assert client.get(_url(funded.award)).status_code == status, person.full_name
    anonymous = app.test_client().get(_url(funded.award))
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]


def test_finance_verifies_through_the_page_and_held_payments_return(client):
    ready = ready_award()
    changed = enter_details(ready.member, ready.award, account_number="99998888")
    assert {p.status for p in ready.award.payments} == {PaymentStatus.HELD}
    sign_in(client, ready.approver)
    page = client.get(f"/payments/bank-details/{changed.id}/verify")
    text = page.get_data(as_text=True)
    assert "never one given in the change request" in text
    assert "99998888" not in text and "****8888" in text
    response = client.post(f"/payments/bank-details/{changed.id}/verify", data={"note": "x"})
    assert error_messages(response) == ["Choose how you checked the bank details"]
    response = client.post(
        f"/payments/bank-details/{changed.id}/verify",
        data={"method": "call_back", "note": "Called the chair on the number on file"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert bank.current_for(ready.award.organisation_id).verified_by_id == ready.approver.id
    assert {p.status for p in ready.award.payments} == {PaymentStatus.SCHEDULED}
    again = client.post(f"/payments/bank-details/{changed.id}/verify", data={"method": "call_back"})
    assert error_messages(again) == ["These bank details have already been verified"]


def test_the_enterer_cannot_verify_through_the_page(client):
    funded = released_award()
    accept(funded.award)
    enterer = finance_officer()
    details = enter_details(enterer, funded.award)
    sign_in(client, enterer)
    response = client.post(
        f"/payments/bank-details/{details.id}/verify", data={"method": "bank_letter"}
    )
    assert error_messages(response) == [
        "You entered these bank details, so another finance officer must verify them"
    ]


def test_full_details_appear_on_no_page_but_the_reveal_page(client):
    ready = ready_award()
    insider = finance_officer()
    db.session.add(Membership(organisation_id=ready.award.organisation_id, user_id=insider.id))
    viewer = make_user(Role.BANK_DETAILS_VIEWER, Role.FINANCE_OFFICER)
    payment = ready.award.payments[0]
    pages = [
        f"/awards/{ready.award.id}",
        f"/groups/{ready.award.organisation_id}",
        f"/payments/awards/{ready.award.id}/bank-details",
    ]
    finance_pages = [
        "/payments/",
        f"/payments/{payment.id}",
        f"/payments/bank-details/{ready.details.id}/verify",
        f"/payments/bank-details/{ready.details.id}/reveal",
        "/payments/runs/new",
    ]
    for person, urls in ((ready.member, pages), (viewer, pages + finance_pages),
                         (ready.raiser, pages + finance_pages[:-2])):  # fmt: skip
        sign_in(client, person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (person.full_name, url)
            text = response.get_data(as_text=True)
            assert FULL_NUMBER not in text and FULL_SORT_CODE not in text, url
            assert "30-94-30" not in text, url
    sign_in(client, viewer)
    shown = client.post(f"/payments/bank-details/{ready.details.id}/reveal")
    assert FULL_NUMBER in shown.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "bank_details.revealed")
        ).actor_id
        == viewer.id
    )


def test_a_finance_officer_without_the_role_cannot_reveal(client):
    ready = ready_award()
    sign_in(client, ready.raiser)
    url = f"/payments/bank-details/{ready.details.id}/reveal"
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "bank_details.revealed"))
        is None
    )
