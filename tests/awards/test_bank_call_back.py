"""Verifying bank details relies on a call-back number the group gave before: the page shows it
and when it last changed, and a number changed in the last 30 days (or no number) cannot be used.
A change of details is told to everyone removed from the group in the last 30 days too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants import transaction
from grants.awards import bank
from grants.awards.models import VerificationMethod
from grants.clock import utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.organisations import services as organisations
from grants.organisations.models import Membership
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_payments_setup import accept, enter_details, ready_award
from tests.checks import error_messages, soup_of
from tests.factories import group_details, make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def _changed_details():
    """Verified details, then a change waiting for another finance officer to verify it."""
    ready = ready_award()
    changed = enter_details(ready.member, ready.award, account_number="99998888")
    return ready, changed


def _change_phone(ready, number="0161 496 0123"):
    organisations.update_group(ready.member, ready.award.organisation, group_details(
        contact_phone=number))  # fmt: skip


def test_the_verify_page_shows_the_number_on_file_and_when_it_was_last_changed(client):
    ready, changed = _changed_details()
    sign_in(client, ready.approver)
    page = soup_of(client.get(f"/payments/bank-details/{changed.id}/verify"))
    rows = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows["Call-back number on file"] == "01942 123456"
    assert rows["Number last changed"].startswith("Not changed since it was given on")
    group = ready.award.organisation
    group.contact_phone_changed_at = utcnow() - timedelta(days=40)
    group.contact_phone = "0161 496 0123"
    sign_in(client, ready.approver)
    page = soup_of(client.get(f"/payments/bank-details/{changed.id}/verify"))
    rows = {
        row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True)
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows["Call-back number on file"] == "0161 496 0123"
    assert rows["Number last changed"] not in ("", "Not changed")
    assert "cannot be used to verify" not in page.get_text()


@pytest.mark.parametrize("method", list(VerificationMethod))
def test_a_number_changed_in_the_last_30_days_cannot_be_used_to_verify(method):
    ready, changed = _changed_details()
    _change_phone(ready)
    with pytest.raises(DomainError, match="changed in the last 30 days cannot be used"):
        bank.verify(ready.approver, changed, method, "Called the new number")
    assert not changed.is_verified
    ready.award.organisation.contact_phone_changed_at = utcnow() - timedelta(days=31)
    bank.verify(ready.approver, changed, method, "Called the number on file")
    assert changed.is_verified


def test_the_page_refuses_and_says_why_when_the_number_just_changed(client):
    ready, changed = _changed_details()
    _change_phone(ready)
    sign_in(client, ready.approver)
    page = client.get(f"/payments/bank-details/{changed.id}/verify")
    assert "A number changed in the last 30 days cannot be used" in page.get_data(as_text=True)
    response = client.post(
        f"/payments/bank-details/{changed.id}/verify",
        data={"method": "call_back", "note": "Called"},
    )
    assert response.status_code == 200
    assert any("cannot be used to verify" in message for message in error_messages(response))
    db.session.expire_all()
    assert not bank.current_for(ready.award.organisation_id).is_verified


def test_a_group_without_a_number_cannot_be_verified_until_it_gives_one(client):
    funded = released_award()
    accept(funded.award)
    details = enter_details(funded.member, funded.award)
    funded.award.organisation.contact_phone = None  # a group from before numbers were asked
    funded.award.organisation.contact_phone_given_at = None
    verifier = finance_officer()
    sign_in(client, verifier)
    page = client.get(f"/payments/bank-details/{details.id}/verify")
    assert "no call-back number on file" in page.get_data(as_text=True)
    with pytest.raises(DomainError, match="no call-back number"):
        bank.verify(verifier, details, VerificationMethod.CALL_BACK, "")
    organisations.update_group(
        funded.member, funded.award.organisation, group_details(contact_phone="0161 496 0123")
    )  # its first number, not a change
    bank.verify(verifier, details, VerificationMethod.CALL_BACK, "Called the new number")
    assert details.is_verified


# Item: a change is told to those removed in the last 30 days


def _member(award, name):
    person = make_user(name=name)
    db.session.add(Membership(organisation_id=award.organisation_id, user_id=person.id))
    db.session.flush()
    return person


def test_a_change_is_told_to_members_removed_in_the_last_30_days(outbox):
    ready = ready_award()
    group = ready.award.organisation
    recent, long_ago, stays = (
        _member(ready.award, "Recently Removed"),
        _member(ready.award, "Removed Long Ago"),
        _member(ready.award, "Still Here"),
    )
    for person in (recent, long_ago):
        [membership] = [m for m in group.memberships if m.user_id == person.id]
        organisations.remove_member(ready.member, group, membership.id)
    [old] = [m for m in organisations.recently_ended_memberships(group, 1) if m.user == long_ago]
    old.ended_at = old.joined_at = utcnow() - timedelta(days=31)
    transaction.commit()
    outbox.clear()
    enter_details(stays, ready.award, account_number="99998888")
    transaction.commit()
    told = sorted(m.to[0] for m in outbox if "bank details were changed" in m.subject)
    assert told == sorted([ready.member.email, stays.email, recent.email])
