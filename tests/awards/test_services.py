"""Awards made from released decisions, adjusted by finance before the offer goes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from grants.audit import AuditEvent
from grants.awards import services
from grants.awards.models import Award
from grants.awards.states import AwardStatus
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from tests.awards.factories import finance_officer, released_award, released_awards

pytestmark = pytest.mark.usefixtures("reference_data")


def test_releasing_a_funding_decision_makes_one_award_being_prepared():
    funded = released_award(1_000_000, conditions="Send a safeguarding policy")
    award = funded.award
    assert award.status == AwardStatus.PREPARING
    assert award.amount_pence == 1_000_000
    assert award.conditions == ["Send a safeguarding policy"]
    assert (award.start_date, award.end_date) == (date(2027, 1, 4), date(2027, 12, 31))
    assert [p.amount_pence for p in award.payments] == [500_000, 400_000, 100_000]
    assert sum(p.amount_pence for p in award.payments) == award.amount_pence
    assert award.reference == f"{award.application.reference}-AW"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "award.created"))
    # Telling the award service about the same decision again makes nothing new.
    assert services.create_from_decision(funded.officer, award.decision) is None
    assert db.session.query(Award).count() == 1


def test_finance_adjusts_an_award_before_the_offer_and_the_schedule_follows():
    award = released_award(1_000_000).award
    finance = finance_officer()
    changes = services.AwardChanges(
        amount_pence=150_000,
        start_date=date(2027, 2, 1),
        end_date=date(2027, 7, 30),
        conditions=["  Share the project's photos  ", ""],
        amount_reason="The group found match funding for most of the project",
    )
    services.adjust(finance, award, changes)
    assert [p.amount_pence for p in award.payments] == [150_000]
    assert award.conditions == ["Share the project's photos"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "award.adjusted"))
    assert (event.before["amount_pence"], event.after["amount_pence"]) == (1_000_000, 150_000)


def test_every_problem_with_an_adjustment_is_reported_at_once():
    award = released_award().award
    with pytest.raises(InvalidInput) as raised:
        services.adjust(
            finance_officer(),
            award,
            services.AwardChanges(
                amount_pence=0, start_date=date(2027, 5, 1), end_date=date(2027, 4, 1)
            ),
        )
    assert set(raised.value.errors) == {"amount_pence", "end_date"}


def test_only_finance_outside_the_group_may_adjust():
    funded = released_award()
    changes = services.AwardChanges(100_000, date(2027, 1, 4), date(2027, 3, 1))
    with pytest.raises(NotAllowed):
        services.adjust(funded.officer, funded.award, changes)  # a programme officer
    insider = finance_officer()
    db.session.add(Membership(organisation_id=funded.award.organisation_id, user_id=insider.id))
    db.session.flush()
    with pytest.raises(NotAllowed):
        services.adjust(insider, funded.award, changes)


def test_the_round_budget_check_counts_only_committed_awards():
    first, second = released_awards([600_000, 500_000], budget_pence=1_100_000)
    services.check_budget(second.award, 1_100_000)  # nothing is committed yet
    first.award.status = AwardStatus.OFFERED
    db.session.flush()
    services.check_budget(second.award, 500_000)
    with pytest.raises(DomainError, match="over its budget: £5,000 is left"):
        services.check_budget(second.award, 500_001)
