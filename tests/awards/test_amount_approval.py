"""No single finance officer changes what the panel decided: an amount other than the decision
needs a reason, and more than it needs a second finance officer's approval before the offer."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import offers, services
from grants.awards.states import AwardStatus
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from tests.awards.factories import finance_officer, released_award
from tests.checks import error_messages, soup_of
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")
DECIDED = 500_000
REASON = "The group's venue costs rose after the panel met; quotes attached"


def _link(award):
    return f"https://grants.example/awards/{award.id}"


def _changes(award, amount_pence, reason=None):
    return services.AwardChanges(
        amount_pence=amount_pence,
        start_date=award.start_date,
        end_date=award.end_date,
        conditions=list(award.conditions),
        amount_reason=reason,
    )


def test_an_amount_other_than_the_decision_needs_a_reason():
    award = released_award(DECIDED).award
    finance = finance_officer()
    for amount in (DECIDED - 1, DECIDED + 1):
        with pytest.raises(InvalidInput) as refused:
            services.adjust(finance, award, _changes(award, amount, "   "))
        assert "differs from the panel's decision of £5,000" in refused.value.errors[
            "amount_reason"]  # fmt: skip
    assert award.amount_pence == DECIDED
    services.adjust(finance, award, _changes(award, DECIDED - 50_000, "Match funding found"))
    assert award.amount_reason == "Match funding found" and not award.increase_awaits_approval
    services.adjust(finance, award, _changes(award, DECIDED))  # back to the decision: no reason
    assert award.amount_reason is None


def test_an_increase_waits_for_a_second_finance_officer_before_the_offer():
    award = released_award(DECIDED).award
    raiser, other = finance_officer(), finance_officer()
    services.adjust(raiser, award, _changes(award, DECIDED + 100_000, REASON))
    assert award.increase_awaits_approval and award.increase_proposed_by_id == raiser.id
    with pytest.raises(DomainError, match="another finance officer must approve it"):
        offers.send_offer(raiser, award, _link)
    assert award.status == AwardStatus.PREPARING
    with pytest.raises(NotAllowed, match="You set this amount"):
        services.approve_increase(raiser, award, award.amount_pence)
    services.approve_increase(other, award, award.amount_pence)
    assert award.increase_approved_by_id == other.id and not award.increase_awaits_approval
    offers.send_offer(raiser, award, _link)
    assert award.status == AwardStatus.OFFERED
    approved = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "award.increase_approved"
    )
    assert db.session.scalar(approved) == 1


def test_a_new_amount_after_approval_needs_approving_again():
    award = released_award(DECIDED).award
    raiser, other = finance_officer(), finance_officer()
    services.adjust(raiser, award, _changes(award, DECIDED + 100_000, REASON))
    services.approve_increase(other, award, award.amount_pence)
    services.adjust(raiser, award, _changes(award, DECIDED + 900_000, REASON))
    assert award.increase_awaits_approval
    # Changing only the dates keeps the approval of the same amount and reason.
    services.approve_increase(other, award, award.amount_pence)
    changes = _changes(award, award.amount_pence, REASON)
    changes.end_date = date(award.end_date.year + 1, 1, 1)
    services.adjust(raiser, award, changes)
    assert not award.increase_awaits_approval


def test_the_approver_approves_only_the_amount_they_saw():
    award = released_award(DECIDED).award
    raiser, other = finance_officer(), finance_officer()
    services.adjust(raiser, award, _changes(award, DECIDED + 100_000, REASON))
    seen = award.amount_pence
    services.adjust(raiser, award, _changes(award, DECIDED + 400_000, REASON))
    with pytest.raises(DomainError, match="changed or been approved since you looked"):
        services.approve_increase(other, award, seen)
    for odd in (None, -1, 0):
        with pytest.raises(DomainError):
            services.approve_increase(other, award, odd)
    assert award.increase_awaits_approval


def test_nothing_to_approve_is_refused():
    award = released_award(DECIDED).award
    with pytest.raises(DomainError, match="No increase is waiting"):
        services.approve_increase(finance_officer(), award, DECIDED)


@pytest.fixture
def increased(client):
    award = released_award(DECIDED).award
    raiser, other = finance_officer(), finance_officer()
    services.adjust(raiser, award, _changes(award, DECIDED + 100_000, REASON))
    transaction.commit()
    return award, raiser, other


def test_the_raiser_sees_no_send_button_and_cannot_approve_their_own_increase(client, increased):
    award, raiser, _other = increased
    sign_in(client, raiser)
    page = client.get(f"/awards/{award.id}")
    text = soup_of(page).get_text(" ", strip=True)
    assert "another finance officer must approve it before the offer can be sent" in text
    assert "The panel decided" in text and REASON in text
    assert not soup_of(page).find("button", string=lambda s: s and "Send the offer" in s)
    assert not soup_of(page).find("button", string=lambda s: s and "Approve the increase" in s)
    forged = client.post(
        f"/awards/{award.id}/approve-increase",
        data={"amount_pence": str(award.amount_pence)},
        follow_redirects=True,
    )
    assert "You set this amount, so another finance officer must approve it" in (
        forged.get_data(as_text=True)
    )
    sent = client.post(f"/awards/{award.id}/send-offer", follow_redirects=True)
    assert "another finance officer must approve it" in sent.get_data(as_text=True)
    db.session.expire_all()
    assert award.status == AwardStatus.PREPARING and award.increase_approved_by_id is None


def test_a_second_officer_approves_once_even_when_the_button_is_pressed_twice(client, increased):
    award, _raiser, other = increased
    sign_in(client, other)
    page = client.get(f"/awards/{award.id}")
    assert soup_of(page).find("button", string=lambda s: s and "Approve the increase" in s)
    data = {"amount_pence": str(award.amount_pence)}
    first = client.post(f"/awards/{award.id}/approve-increase", data=data, follow_redirects=True)
    assert "The increase has been approved" in first.get_data(as_text=True)
    second = client.post(f"/awards/{award.id}/approve-increase", data=data, follow_redirects=True)
    assert "No increase is waiting for approval" in second.get_data(as_text=True)
    approved = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "award.increase_approved"
    )
    assert db.session.scalar(approved) == 1


@pytest.mark.parametrize("seen", ["", "£6,000", "600000.0", "²", "9" * 40, "-600000"])
def test_an_odd_amount_in_the_approval_is_refused_without_a_500(client, increased, seen):
    award, _raiser, other = increased
    sign_in(client, other)
    response = client.post(
        f"/awards/{award.id}/approve-increase", data={"amount_pence": seen}, follow_redirects=True
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert award.increase_approved_by_id is None


@pytest.mark.parametrize("amount", ["£6,000", "6000.00", "6,000"])
def test_the_adjust_page_asks_why_an_amount_above_the_decision(client, amount):
    award = released_award(DECIDED).award
    transaction.commit()
    sign_in(client, finance_officer())
    data = {
        "amount": amount,
        "start_date": [str(award.start_date.day), str(award.start_date.month),
                       str(award.start_date.year)],
        "end_date": [str(award.end_date.day), str(award.end_date.month), str(award.end_date.year)],
        "contribution": "none",
    }  # fmt: skip
    response = client.post(f"/awards/{award.id}/adjust", data=data)
    assert error_messages(response) == [
        "Say why the amount differs from the panel's decision of £5,000"
    ]
    response = client.post(
        f"/awards/{award.id}/adjust", data={**data, "amount_reason": REASON}, follow_redirects=True
    )
    assert "The award has been changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert award.amount_pence == 600_000 and award.increase_awaits_approval
