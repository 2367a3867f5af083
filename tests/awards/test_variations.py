"""Variations: proposed by one finance officer, decided by another, and only then applied.

``in_force`` (used by the other finance tests too) puts an award into an accepted or active state
by setting its columns, as the offer and payment services would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import schedule, variations
from grants.awards.ledger import money_of
from grants.awards.models import Award, Payment, Variation, VariationKind, VariationStatus
from grants.awards.states import AwardStatus, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.email import OutboundEmail
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from tests.awards.factories import finance_officer, released_award
from tests.checks import error_messages, soup_of
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("reference_data")


def in_force(award: Award, *, paid: int = 0, status: AwardStatus | None = None) -> Award:
    """Offered and accepted; the first ``paid`` instalments paid (the award then active)."""
    award.offered_at = utcnow() - timedelta(days=20)
    award.offer_expires_on = uk_today() + timedelta(days=10)
    award.accepted_at = utcnow() - timedelta(days=10)
    award.signatory_name = "Pat Signer"
    award.signatory_role = "Treasurer"
    award.status = status or (AwardStatus.ACTIVE if paid else AwardStatus.ACCEPTED)
    raiser, approver = finance_officer(), finance_officer()
    for payment in award.payments[:paid]:
        pay(payment, raiser, approver)
    db.session.flush()
    return award


def pay(payment: Payment, raiser, approver, status: PaymentStatus = PaymentStatus.PAID) -> None:
    payment.status = status
    payment.raised_by_id, payment.raised_at = raiser.id, utcnow()
    if status != PaymentStatus.RAISED:
        payment.approved_by_id, payment.approved_at = approver.id, utcnow()
    if status == PaymentStatus.PAID:
        payment.paid_on = uk_today()
        payment.remittance_reference = f"REM-{payment.id}"
    db.session.flush()


def amount(change: int, reason: str = "More volunteers") -> variations.Proposal:
    return variations.Proposal(VariationKind.AMOUNT, reason, amount_change_pence=change)


@pytest.fixture
def officers():
    return finance_officer(), finance_officer()


def test_an_increase_is_a_new_instalment_once_another_officer_approves_it(officers, outbox):
    proposer, approver = officers
    award = in_force(released_award(1_000_000).award, paid=1)
    variation = variations.propose(proposer, award, amount(250_000))
    assert award.current_amount_pence == 1_000_000  # nothing changes until approved
    variations.approve(approver, variation, link="https://example.org/awards/1")
    assert variation.status == VariationStatus.APPROVED
    assert award.amount_pence == 1_000_000  # the offer is never edited
    assert award.current_amount_pence == 1_250_000
    added = award.payments[-1]
    assert (added.amount_pence, added.status, added.number) == (250_000, PaymentStatus.SCHEDULED, 4)
    assert added.due_on == schedule.working_day(uk_today())
    assert money_of(award).committed_pence == 1_250_000
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"variation.proposed", "variation.approved", "award.varied"} <= actions
    transaction.commit()
    assert "Your grant has changed" in outbox[-1].subject
    assert "£12,500" in outbox[-1].body


def test_a_decrease_comes_off_the_last_instalments_and_cancels_one_brought_to_nothing(officers):
    proposer, approver = officers
    award = in_force(released_award(1_000_000).award, paid=1)  # 500k paid; 400k, 100k to come
    variation = variations.propose(proposer, award, amount(-150_000))
    variations.approve(approver, variation, link="/")
    second, third = award.payments[1], award.payments[2]
    assert third.status == PaymentStatus.CANCELLED
    assert third.cancelled_reason.startswith("Reduced by variation")
    assert (second.amount_pence, second.status) == (350_000, PaymentStatus.SCHEDULED)
    assert award.current_amount_pence == 850_000
    live = sum(p.amount_pence for p in award.payments if p.status != PaymentStatus.CANCELLED)
    assert live == award.current_amount_pence


def test_a_decrease_may_not_go_below_what_is_paid_or_being_paid(officers):
    proposer, _ = officers
    award = in_force(released_award(1_000_000).award, paid=1)
    pay(award.payments[1], *officers, status=PaymentStatus.APPROVED)  # 900k paid or in flight
    with pytest.raises(InvalidInput) as raised:
        variations.propose(proposer, award, amount(-150_000))
    assert "£9,000" in raised.value.errors["amount_change_pence"]
    with pytest.raises(InvalidInput) as raised:
        variations.propose(proposer, award, amount(-1_000_000))
    assert "more than £0" in raised.value.errors["amount_change_pence"]


def test_an_increase_over_the_rounds_budget_is_refused_on_approval(officers):
    proposer, approver = officers
    award = in_force(released_award(1_000_000, budget_pence=1_200_000).award)
    variation = variations.propose(proposer, award, amount(300_000))
    with pytest.raises(DomainError, match="over its budget"):
        variations.approve(approver, variation, link="/")


def test_the_proposer_cannot_decide_and_the_database_refuses_it_too(officers):
    proposer, _ = officers
    award = in_force(released_award().award)
    variation = variations.propose(proposer, award, amount(10_000))
    with pytest.raises(NotAllowed):
        variations.approve(proposer, variation, link="/")
    with pytest.raises(NotAllowed):
        variations.reject(proposer, variation)
    transaction.commit()
    variation.decided_by_id = proposer.id
    with pytest.raises(Exception, match="decider_is_not_proposer|CHECK|check"):
        db.session.flush()
    db.session.rollback()


def test_a_group_member_cannot_propose_or_decide(officers):
    proposer, approver = officers
    funded = released_award()
    award = in_force(funded.award)
    db.session.add(Membership(user_id=approver.id, organisation_id=award.organisation_id))
    db.session.flush()
    with pytest.raises(NotAllowed):
        variations.propose(approver, award, amount(10_000))
    variation = variations.propose(proposer, award, amount(10_000))
    with pytest.raises(NotAllowed):
        variations.approve(approver, variation, link="/")


def test_every_problem_with_a_proposal_is_reported_at_once(officers):
    award = in_force(released_award().award)
    with pytest.raises(InvalidInput) as raised:
        variations.propose(
            officers[0],
            award,
            variations.Proposal(VariationKind.END_DATE, "  ", new_end_date=award.end_date),
        )
    assert set(raised.value.errors) == {"reason", "new_end_date"}
    with pytest.raises(InvalidInput) as raised:
        variations.propose(
            officers[0],
            award,
            variations.Proposal(
                VariationKind.SCHEDULE, "Late start", payment_id=999, new_due_on=None
            ),
        )
    assert set(raised.value.errors) == {"payment_id", "new_due_on"}


def test_an_award_not_in_force_cannot_be_varied(officers):
    award = released_award().award  # still being prepared
    with pytest.raises(DomainError, match="accepted or active"):
        variations.propose(officers[0], award, amount(10_000))


def test_a_later_end_date_moves_the_final_report_and_its_instalment(officers):
    proposer, approver = officers
    award = in_force(released_award(1_000_000).award)
    new_end = date(2028, 3, 31)
    variation = variations.propose(
        proposer, award, variations.Proposal(VariationKind.END_DATE, "Delays", new_end_date=new_end)
    )
    variations.approve(approver, variation, link="/")
    assert award.end_date == new_end
    final = next(r for r in award.reports if r.kind.value == "final")
    assert final.due_on == schedule.working_day(new_end + schedule.FINAL_REPORT_AFTER_END)
    assert award.payments[-1].due_on == schedule.working_day(final.due_on + schedule.REVIEW_TIME)


def test_a_scheduled_instalment_moves_to_a_working_day(officers):
    proposer, approver = officers
    award = in_force(released_award(1_000_000).award)
    payment = award.payments[1]
    saturday = date(2030, 6, 1)
    variation = variations.propose(
        proposer,
        award,
        variations.Proposal(
            VariationKind.SCHEDULE, "Report late", payment_id=payment.id, new_due_on=saturday
        ),
    )
    assert variation.new_due_on == date(2030, 6, 3)
    variations.reject(approver, variation)
    assert payment.due_on != date(2030, 6, 3)
    again = variations.propose(
        proposer,
        award,
        variations.Proposal(
            VariationKind.SCHEDULE, "Report late", payment_id=payment.id, new_due_on=saturday
        ),
    )
    variations.approve(approver, again, link="/")
    assert payment.due_on == date(2030, 6, 3)


# Pages -------------------------------------------------------------------------------------


def test_proposing_and_approving_through_the_pages_with_a_double_click(client, officers, outbox):
    proposer, approver = officers
    award = in_force(released_award(1_000_000).award, paid=1)
    sign_in(client, proposer)
    page = client.get(f"/finance/awards/{award.id}/variations/new")
    assert page.status_code == 200 and "Change the amount" in page.get_data(as_text=True)
    response = client.post(
        f"/finance/awards/{award.id}/variations/new/amount",
        data={"direction": "increase", "change_pence": "", "reason": ""},
    )
    assert error_messages(response) == [
        "Enter the amount to increase or decrease by",
        "Enter why the award should change",
    ]
    response = client.post(
        f"/finance/awards/{award.id}/variations/new/amount",
        data={"direction": "increase", "change_pence": "1,000", "reason": "More sessions"},
    )
    assert response.status_code == 302
    variation = db.session.scalar(select(Variation))
    page = client.get(f"/finance/variations/{variation.id}")
    assert "Approve the variation" not in page.get_data(as_text=True)  # not for the proposer
    sign_in(client, approver)
    page = client.get(f"/finance/variations/{variation.id}")
    assert soup_of(page).find(id="approve")
    for _ in range(2):
        response = client.post(f"/finance/variations/{variation.id}/approve")
        assert response.status_code == 302
    db.session.expire_all()
    assert award.current_amount_pence == 1_100_000
    assert db.session.query(Payment).filter_by(award_id=award.id).count() == 4
    assert len([m for m in outbox if "changed" in m.subject]) == 1
    assert db.session.query(OutboundEmail).count() >= 1
    client.post(f"/finance/variations/{variation.id}/approve")
    page = client.get(f"/finance/variations/{variation.id}")  # shows the refusal's banner
    assert "already been approved" in page.get_data(as_text=True)


def test_the_proposer_gets_403_when_posting_a_decision(client, officers):
    proposer, _ = officers
    award = in_force(released_award().award)
    variation = variations.propose(proposer, award, amount(10_000))
    sign_in(client, proposer)
    assert client.post(f"/finance/variations/{variation.id}/approve").status_code == 403


def test_schedule_and_end_date_forms_render_and_refuse_nonsense(client, officers):
    award = in_force(released_award(1_000_000).award)
    sign_in(client, officers[0])
    for kind in ("end_date", "schedule"):
        page = client.get(f"/finance/awards/{award.id}/variations/new/{kind}")
        assert page.status_code == 200
    assert client.get(f"/finance/awards/{award.id}/variations/new/colour").status_code == 404
    response = client.post(
        f"/finance/awards/{award.id}/variations/new/schedule",
        data={"payment_id": "99999999999999999999999", "reason": "x", "new_due_on": ["1", "2"]},
    )
    assert response.status_code == 200
    assert "Choose an instalment that has not been raised yet" in error_messages(response)
