"""Money returned by a group: underspend and clawback, never more than was paid and kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards import recoveries
from grants.awards.ledger import money_of
from grants.awards.models import Recovery, RecoveryKind
from grants.awards.states import AwardStatus
from grants.clock import uk_today
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_variations import in_force
from tests.checks import error_messages
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def details(amount: int | None, **overrides) -> recoveries.RecoveryDetails:
    values = {
        "kind": RecoveryKind.UNDERSPEND,
        "amount_pence": amount,
        "received_on": uk_today(),
        "reason": "Project cost less",
    }
    values.update(overrides)
    return recoveries.RecoveryDetails(**values)


def test_underspend_and_clawback_reduce_net_paid_and_are_audited():
    finance = finance_officer()
    award = in_force(released_award(1_000_000).award, paid=1)  # £5,000 paid
    recoveries.record(finance, award, details(100_000))
    recoveries.record(finance, award, details(50_000, kind=RecoveryKind.CLAWBACK))
    money = money_of(award)
    assert (money.paid_pence, money.recovered_pence, money.net_spend_pence) == (
        500_000,
        150_000,
        350_000,
    )
    assert money.committed_pence == 1_000_000  # still active: the award's amount
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "recovery.recorded").limit(1)
    )


def test_no_more_than_net_paid_can_come_back():
    finance = finance_officer()
    award = in_force(released_award(1_000_000).award, paid=1)
    recoveries.record(finance, award, details(400_000))
    with pytest.raises(InvalidInput) as raised:
        recoveries.record(finance, award, details(100_001))
    assert "£1,000 or less" in raised.value.errors["amount_pence"]


def test_every_problem_is_reported_at_once():
    award = in_force(released_award().award, paid=1)
    with pytest.raises(InvalidInput) as raised:
        recoveries.record(
            finance_officer(),
            award,
            details(0, kind=None, received_on=uk_today() + timedelta(days=1), reason=" "),
        )
    assert set(raised.value.errors) == {"kind", "amount_pence", "received_on", "reason"}


def test_an_award_not_yet_accepted_or_a_group_member_is_refused():
    funded = released_award()
    finance = finance_officer()
    with pytest.raises(DomainError, match="accepted"):
        recoveries.record(finance, funded.award, details(100))
    in_force(funded.award, paid=1)
    db.session.add(Membership(user_id=finance.id, organisation_id=funded.award.organisation_id))
    db.session.flush()
    with pytest.raises(NotAllowed):
        recoveries.record(finance, funded.award, details(100))


def test_a_finished_award_can_still_record_money_returned():
    award = in_force(released_award().award, paid=1, status=AwardStatus.COMPLETED)
    recoveries.record(finance_officer(), award, details(10_000))
    assert money_of(award).committed_pence == award.payments[0].amount_pence - 10_000


def test_the_page_records_money_returned_once_however_often_it_is_sent(client):
    finance = finance_officer()
    award = in_force(released_award(1_000_000).award, paid=1)
    sign_in(client, finance)
    url = f"/finance/awards/{award.id}/money-returned"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"amount_pence": "abc"})
    assert error_messages(response) == [
        "Choose whether this is underspend returned or clawback",
        "Enter an amount like 1,250.50",
        "Enter the date the money was received",
        "Enter why the money was returned",
    ]
    today = uk_today()
    form = {
        "kind": "clawback",
        "amount_pence": "3,000",
        "received_on": [str(today.day), str(today.month), str(today.year)],
        "reason": "Not spent as agreed",
    }
    assert client.post(url, data=form).status_code == 302
    response = client.post(url, data=form)  # a second click: £3,000 more is over net paid
    assert response.status_code == 200
    assert "£2,000 or less" in error_messages(response)[0]
    assert db.session.query(Recovery).count() == 1
