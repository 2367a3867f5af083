"""Payments: raised by one finance officer, approved by another, recorded as paid; held and
cancelled with a reason; nobody acts on a payment to their own group."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import payments
from grants.awards.models import HoldKind, ReportKind
from grants.awards.states import AwardStatus, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_payments_setup import accept, enter_details, ready_award
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("reference_data")
P = PaymentStatus


def _count(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _approved(ready, index: int = 0):
    payment = ready.award.payments[index]
    payments.raise_payment(ready.raiser, payment)
    payments.approve(ready.approver, payment)
    return payment


def test_raise_approve_and_pay(outbox):
    ready = ready_award()
    first = ready.award.payments[0]
    before = first.status_changed_at
    payments.raise_payment(ready.raiser, first)
    assert first.status == P.RAISED and first.raised_by_id == ready.raiser.id
    assert first.raised_at is not None and first.status_changed_at >= before
    payments.approve(ready.approver, first)
    assert first.status == P.APPROVED and first.approved_by_id == ready.approver.id
    transaction.commit()
    outbox.clear()
    payments.mark_paid(ready.raiser, first, uk_today(), " REM-1 ", link="http://localhost/a/1")
    assert first.status == P.PAID and first.paid_on == uk_today()
    assert first.remittance_reference == "REM-1"
    assert first.paid_recorded_by_id == ready.raiser.id
    assert ready.award.status == AwardStatus.ACTIVE
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert [a for a in actions if a.startswith(("payment.", "award.activated"))] == [
        "payment.raised",
        "payment.approved",
        "payment.paid",
        "award.activated",
    ]
    transaction.commit()
    [email] = outbox
    assert email.to == [ready.member.email]
    assert "Payment of £2,500 sent" in email.subject
    assert "REM-1" in email.body and "http://localhost/a/1" in email.body


def test_a_second_payment_leaves_an_active_award_active():
    ready = ready_award()
    for index in (0,):
        payments.mark_paid(ready.raiser, _approved(ready, index), uk_today(), "R1")
    assert ready.award.status == AwardStatus.ACTIVE
    assert _count("award.activated") == 1


def test_the_same_person_can_never_raise_and_approve():
    ready = ready_award()
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    with pytest.raises(NotAllowed, match="You raised this payment, so another finance officer"):
        payments.approve(ready.raiser, payment)
    assert payment.status == P.RAISED


def test_the_database_refuses_an_approver_who_raised_the_payment():
    ready = ready_award()
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    db.session.flush()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE payment SET approved_by_id = raised_by_id WHERE id = :id"),
            {"id": payment.id},
        )
    db.session.rollback()


@pytest.mark.parametrize("act", ["raise", "approve", "pay", "hold", "cancel"])
def test_nobody_acts_on_a_payment_to_their_own_group(act):
    ready = ready_award()
    insider = finance_officer()
    db.session.add(Membership(organisation_id=ready.award.organisation_id, user_id=insider.id))
    db.session.flush()
    payment = ready.award.payments[0]
    if act in ("approve", "pay"):
        payments.raise_payment(ready.raiser, payment)
    if act == "pay":
        payments.approve(ready.approver, payment)
    calls = {
        "raise": lambda: payments.raise_payment(insider, payment),
        "approve": lambda: payments.approve(insider, payment),
        "pay": lambda: payments.mark_paid(insider, payment, uk_today(), "R"),
        "hold": lambda: payments.hold(insider, payment, "Why"),
        "cancel": lambda: payments.cancel(insider, payment, "Why"),
    }
    with pytest.raises(NotAllowed, match="You belong to "):
        calls[act]()


@pytest.mark.parametrize("role", [None, Role.PROGRAMME_OFFICER, Role.ADMIN])
def test_only_finance_officers_raise_payments(role):
    ready = ready_award()
    with pytest.raises(NotAllowed, match="Only finance officers"):
        payments.raise_payment(make_user(role), ready.award.payments[0])


def test_payments_wait_for_acceptance_and_verified_bank_details():
    funded = released_award()
    first = funded.award.payments[0]
    with pytest.raises(DomainError, match="once the grant agreement has been accepted"):
        payments.raise_payment(finance_officer(), first)
    accept(funded.award)
    with pytest.raises(DomainError, match="until the group's bank details are verified"):
        payments.raise_payment(finance_officer(), first)
    enter_details(funded.member, funded.award)
    with pytest.raises(DomainError, match="until the group's bank details are verified"):
        payments.raise_payment(finance_officer(), first)
    assert first.status == P.SCHEDULED


def test_an_instalment_waits_for_its_report_to_be_accepted():
    ready = ready_award()
    interim = ready.award.payments[1]
    with pytest.raises(DomainError, match="waits for the interim report to be accepted"):
        payments.raise_payment(ready.raiser, interim)
    assert payments.describe_wait(interim, ready.raiser, uk_today()) == (
        "Waiting for the interim report to be accepted"
    )
    report = next(r for r in ready.award.reports if r.kind == ReportKind.INTERIM)
    report.accepted_at = utcnow()
    payments.raise_payment(ready.raiser, interim)
    assert interim.status == P.RAISED


def test_approval_needs_the_bank_details_still_verified():
    ready = ready_award()
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    ready.details.verified_at = None
    ready.details.verified_by_id = None
    ready.details.verification_method = None
    with pytest.raises(DomainError, match="bank details are verified"):
        payments.approve(ready.approver, payment)


def test_double_submits_have_no_double_effect():
    ready = ready_award()
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    with pytest.raises(DomainError, match="already been raised"):
        payments.raise_payment(ready.raiser, payment)
    payments.approve(ready.approver, payment)
    with pytest.raises(DomainError, match="already been approved"):
        payments.approve(ready.approver, payment)
    payments.mark_paid(ready.raiser, payment, uk_today(), "R1")
    with pytest.raises(DomainError, match="already been recorded as paid"):
        payments.mark_paid(ready.raiser, payment, uk_today(), "R2")
    assert payment.remittance_reference == "R1"
    assert [_count(a) for a in ("payment.raised", "payment.approved", "payment.paid")] == [1] * 3


def test_a_claim_lost_to_another_request_is_a_friendly_refusal():
    """Another request approved the payment after this one read it."""
    ready = ready_award()
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    db.session.execute(
        text("UPDATE payment SET status = 'approved', approved_by_id = :who WHERE id = :id"),
        {"who": ready.approver.id, "id": payment.id},
    )
    # This request still holds the payment as raised.
    assert payment.status == P.RAISED
    with pytest.raises(DomainError, match="already been approved"):
        payments.approve(finance_officer(), payment)


def test_recording_a_payment_reports_every_problem_at_once():
    ready = ready_award()
    payment = _approved(ready)
    with pytest.raises(InvalidInput) as raised:
        payments.mark_paid(ready.raiser, payment, uk_today() + timedelta(days=1), " ")
    assert raised.value.errors == {
        "paid_on": "The date paid must be today or in the past",
        "remittance_reference": "Enter the remittance reference",
    }
    with pytest.raises(InvalidInput) as raised:
        payments.mark_paid(ready.raiser, payment, None, "x" * 101)
    assert set(raised.value.errors) == {"paid_on", "remittance_reference"}
    assert payment.status == P.APPROVED


def test_only_an_approved_or_sent_payment_is_paid():
    ready = ready_award()
    payment = ready.award.payments[0]
    with pytest.raises(DomainError, match="Only an approved payment"):
        payments.mark_paid(ready.raiser, payment, uk_today(), "R")
    payments.raise_payment(ready.raiser, payment)
    with pytest.raises(DomainError, match="already been raised"):
        payments.mark_paid(ready.raiser, payment, uk_today(), "R")


def test_hold_and_release_return_the_payment_to_where_it_was():
    ready = ready_award()
    payment = ready.award.payments[0]
    payments.raise_payment(ready.raiser, payment)
    with pytest.raises(InvalidInput, match="Enter why the payment is on hold"):
        payments.hold(ready.approver, payment, "  ")
    payments.hold(ready.approver, payment, "Checking the project budget")
    assert payment.status == P.HELD and payment.held_from == P.RAISED
    assert payment.hold_kind == HoldKind.MANUAL and payment.held_by_id == ready.approver.id
    assert payments.describe_wait(payment, ready.raiser, uk_today()) == (
        f"On hold since today, held by {ready.approver.full_name}: Checking the project budget"
    )
    with pytest.raises(DomainError, match="on hold"):
        payments.hold(ready.approver, payment, "Again")
    payments.release_hold(ready.raiser, payment)
    assert payment.status == P.RAISED and payment.hold_reason is None
    with pytest.raises(DomainError, match="not on hold"):
        payments.release_hold(ready.raiser, payment)
    assert [_count("payment.held"), _count("payment.hold_released")] == [1, 1]


def test_cancel_needs_a_reason_and_cannot_undo_a_payment():
    ready = ready_award()
    first, second = ready.award.payments[:2]
    with pytest.raises(InvalidInput, match="Enter why the payment is cancelled"):
        payments.cancel(ready.raiser, second, "")
    payments.hold(ready.raiser, second, "Project paused")
    payments.cancel(ready.raiser, second, "Project stopped")
    assert second.status == P.CANCELLED and second.cancelled_reason == "Project stopped"
    with pytest.raises(DomainError, match="has been cancelled"):
        payments.cancel(ready.raiser, second, "Again")
    payments.mark_paid(ready.raiser, _approved(ready), uk_today(), "R")
    with pytest.raises(DomainError, match="cannot be cancelled"):
        payments.cancel(ready.raiser, first, "Too late")
    with pytest.raises(DomainError, match="not been sent"):
        payments.hold(ready.raiser, first, "Too late")


def test_what_each_payment_waits_for():
    funded = released_award()
    finance = finance_officer()
    today = uk_today()
    first = funded.award.payments[0]
    wait = payments.describe_wait
    assert wait(first, finance, today) == (
        "The offer has not been sent yet; paid when the agreement is accepted"
    )
    assert wait(funded.award.payments[1], finance, today).endswith(
        "; paid when the interim report is accepted"
    )
    accept(funded.award)
    assert wait(first, finance, today) == "Waiting for the group to give its bank details"
    details = enter_details(funded.member, funded.award)
    assert wait(first, finance, today) == "Waiting for bank details to be verified"
    from grants.awards import bank
    from grants.awards.models import VerificationMethod

    bank.verify(finance, details, VerificationMethod.CALL_BACK, "")
    assert wait(first, finance, today) == "Ready to be raised by a finance officer"
    payments.raise_payment(finance, first)
    assert wait(first, finance, today) == "Awaiting approval by another finance officer since today"
    other = finance_officer()
    assert wait(first, other, today + timedelta(days=3)) == (
        f"Awaiting your approval for 3 days (raised by {finance.full_name})"
    )
    assert wait(first, None, today) == (
        "Awaiting approval by a finance officer who did not raise it since today"
    )
    assert "for 1 day " in wait(first, other, today + timedelta(days=1))


def test_the_group_reads_plain_words_about_its_payments():
    ready = ready_award()
    first, second, third = ready.award.payments
    payments.mark_paid(ready.raiser, _approved(ready), uk_today(), "R")
    assert payments.group_view(first) == f"Paid on {uk_today():%-d %B %Y}"
    assert payments.group_view(second).startswith(
        "Paid after your interim report is accepted, planned for "
    )
    assert payments.group_view(third).startswith(
        "Paid after your final report is accepted, planned for "
    )


def test_actions_offered_match_the_rules():
    ready = ready_award()
    payment = ready.award.payments[0]
    assert payments.actions_for(ready.raiser, payment) == {"raise", "hold", "cancel"}
    payments.raise_payment(ready.raiser, payment)
    assert "approve" not in payments.actions_for(ready.raiser, payment)
    assert "approve" in payments.actions_for(ready.approver, payment)
    assert payments.actions_for(ready.member, payment) == frozenset()
    assert payments.actions_for(make_user(Role.PROGRAMME_OFFICER), payment) == frozenset()


@pytest.mark.parametrize("act", ["raise", "approve"])
def test_a_finance_officer_who_left_the_group_after_it_applied_still_may_not_act(act):
    """Leaving the group (the membership ended, after the application was made) does not let a
    finance officer pay it: the conflict counts every membership since the application began."""
    ready = ready_award()
    former = finance_officer()
    db.session.add(
        Membership(
            organisation_id=ready.award.organisation_id,
            user_id=former.id,
            joined_at=ready.award.application.created_at - timedelta(days=30),
            ended_at=utcnow(),
        )
    )
    db.session.flush()
    payment = ready.award.payments[0]
    if act == "approve":
        payments.raise_payment(ready.raiser, payment)
    with pytest.raises(NotAllowed, match="or have done since.* another finance officer"):
        (payments.raise_payment if act == "raise" else payments.approve)(former, payment)
