"""`seed-demo` gives the closed round's funded applications awards in every state finance meets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.awards import bank, ledger
from grants.awards.models import (
    Award,
    HoldKind,
    Payment,
    PaymentRun,
    RecoveryKind,
    ReleaseCondition,
)
from grants.awards.states import AwardStatus, PaymentRunStatus, PaymentStatus
from grants.extensions import db
from grants.funds.models import Contribution
from grants.organisations.models import Membership
from tests.checks import soup_of
from tests.factories import sign_in


@pytest.fixture
def seeded(runner, reference_data):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _awards() -> list[Award]:
    return list(db.session.scalars(select(Award).order_by(Award.id)))


def _award_of(email: str) -> Award:
    groups = set(
        db.session.scalars(
            select(Membership.organisation_id).where(Membership.user_id == _user(email).id)
        )
    )
    return next(a for a in _awards() if a.organisation_id in groups)


def test_every_funded_decision_has_an_award_in_a_state_finance_meets(seeded):
    assert "Awards for Community projects 2026" in seeded
    statuses = {a.status for a in _awards()}
    assert statuses >= {
        AwardStatus.PREPARING,
        AwardStatus.OFFERED,
        AwardStatus.ACCEPTED,
        AwardStatus.ACTIVE,
        AwardStatus.COMPLETED,
    }
    assert len(_awards()) == 9


def test_applicant_sees_an_offer_waiting_and_applicant2_an_active_award(client, seeded):
    offered = _award_of("applicant@example.org")
    assert offered.status == AwardStatus.OFFERED
    active = _award_of("applicant2@example.org")
    assert active.status == AwardStatus.ACTIVE
    first, second, *_ = active.payments
    assert first.status == PaymentStatus.PAID
    assert second.status == PaymentStatus.SCHEDULED
    assert second.release_condition == ReleaseCondition.INTERIM_REPORT

    sign_in(client, _user("applicant@example.org"))
    page = soup_of(client.get(f"/awards/{offered.id}")).get_text(" ", strip=True)
    assert "Accept" in page


def test_each_finance_officer_has_payments_waiting_for_the_other(seeded):
    finance, finance2 = _user("finance@example.org"), _user("finance2@example.org")
    raised = list(db.session.scalars(select(Payment).where(Payment.status == PaymentStatus.RAISED)))
    assert {p.raised_by_id for p in raised} == {finance.id, finance2.id}
    runs = {r.status: r for r in db.session.scalars(select(PaymentRun))}
    assert set(runs) == set(PaymentRunStatus)
    unsent = runs[PaymentRunStatus.UNSENT]
    assert unsent.payments and all(p.status == PaymentStatus.SENT for p in unsent.payments)
    assert [p.status for p in runs[PaymentRunStatus.SENT].payments] == [PaymentStatus.PAID]
    assert runs[PaymentRunStatus.VOID].payments == []


def test_a_bank_details_change_holds_payments_and_an_award_is_paid_from_the_nhs(seeded):
    held = list(db.session.scalars(select(Payment).where(Payment.status == PaymentStatus.HELD)))
    assert held and all(p.hold_kind == HoldKind.BANK_DETAILS_CHANGED for p in held)
    varied = held[0].award
    assert any(v.is_approved for v in varied.variations)
    assert not bank.current_for(varied.organisation_id).is_verified

    [completed] = [a for a in _awards() if a.status == AwardStatus.COMPLETED]
    nhs = db.session.scalar(
        select(Contribution).where(Contribution.contributor_org_id == "GB-NHS-QOP")
    )
    assert completed.contribution_id == nhs.id
    assert [r.kind for r in completed.recoveries] == [RecoveryKind.UNDERSPEND]
    money = ledger.money_of(completed)
    assert money.committed_pence == money.paid_pence - money.recovered_pence
    assert money.outstanding_pence == 0


def test_seeding_again_adds_nothing(runner, seeded):
    before = [(a.id, a.status) for a in _awards()]
    result = runner.invoke(args=["seed-demo"])
    assert "Awards: already there" in result.output
    assert [(a.id, a.status) for a in _awards()] == before
