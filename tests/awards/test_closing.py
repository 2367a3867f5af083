"""Closing an award: completed or closed early, with nothing left on its way to the group."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards import closing, recoveries
from grants.awards.ledger import money_of
from grants.awards.models import RecoveryKind
from grants.awards.states import AwardStatus, PaymentStatus
from grants.clock import uk_today
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_variations import in_force, pay
from tests.checks import error_messages
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def test_completing_an_active_award_cancels_what_is_left_and_commits_only_what_was_spent():
    finance = finance_officer()
    award = in_force(released_award(1_000_000).award, paid=1)
    recoveries.record(
        finance,
        award,
        recoveries.RecoveryDetails(RecoveryKind.UNDERSPEND, 20_000, uk_today(), "Left over"),
    )
    closing.close(finance, award, AwardStatus.COMPLETED, "Project finished")
    assert award.status == AwardStatus.COMPLETED
    assert (award.ended_reason, award.ended_by_id) == ("Project finished", finance.id)
    assert [p.status for p in award.payments] == [
        PaymentStatus.PAID,
        PaymentStatus.CANCELLED,
        PaymentStatus.CANCELLED,
    ]
    assert award.payments[1].cancelled_reason == closing.CLOSED_REASON
    money = money_of(award)
    assert (money.committed_pence, money.outstanding_pence) == (480_000, 0)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "award.closed"))
    assert (event.before["status"], event.after["status"]) == ("active", "completed")


def test_an_accepted_award_can_only_close_early():
    finance = finance_officer()
    award = in_force(released_award().award)
    assert closing.outcomes_for(award) == [AwardStatus.CLOSED_EARLY]
    with pytest.raises(InvalidInput) as raised:
        closing.close(finance, award, AwardStatus.COMPLETED, "")
    assert set(raised.value.errors) == {"outcome", "reason"}
    closing.close(finance, award, AwardStatus.CLOSED_EARLY, "Group folded")
    assert money_of(award).committed_pence == 0
    with pytest.raises(DomainError, match="already closed"):
        closing.close(finance, award, AwardStatus.CLOSED_EARLY, "Again")


def test_closing_is_refused_while_a_payment_is_on_its_way():
    award = in_force(released_award(1_000_000).award, paid=1)
    pay(award.payments[1], finance_officer(), finance_officer(), status=PaymentStatus.APPROVED)
    with pytest.raises(DomainError, match="payment is raised, approved"):
        closing.close(finance_officer(), award, AwardStatus.CLOSED_EARLY, "Stop")


def test_a_member_of_the_group_cannot_close_its_award():
    finance = finance_officer()
    award = in_force(released_award().award)
    db.session.add(Membership(user_id=finance.id, organisation_id=award.organisation_id))
    db.session.flush()
    with pytest.raises(NotAllowed):
        closing.close(finance, award, AwardStatus.CLOSED_EARLY, "Stop")


def test_the_close_page_closes_once(client):
    finance = finance_officer()
    award = in_force(released_award(1_000_000).award, paid=1)
    sign_in(client, finance)
    url = f"/finance/awards/{award.id}/close"
    page = client.get(url).get_data(as_text=True)
    assert "Completed" in page and "Closed early" in page
    assert error_messages(client.post(url, data={})) == [
        "Choose how the award ends",
        "Enter why the award is closing",
    ]
    form = {"outcome": "completed", "reason": "All done"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code in (200, 302)  # a second click changes nothing
    db.session.expire_all()
    assert award.status == AwardStatus.COMPLETED
    assert db.session.query(AuditEvent).filter_by(action="award.closed").count() == 1
