"""An instalment's way from scheduled to paid, with four eyes on every payment.

One finance officer raises a payment once its release condition is met and the group's bank
details are verified; a different finance officer approves it (the database refuses an approver
who raised it, too); it is sent in a payment run (``runs``) or paid another way, and recorded as
paid with the date and remittance reference. Nobody acts on a payment to a group they belong to.

Every move checks the life cycle table (``states.PAYMENTS``), claims the row at the status it was
read with (so a double click or two officers at once change it once, and the second hears why),
stamps ``status_changed_at`` and is audited.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.accounts import role_grants
from grants.accounts.models import User
from grants.applications.services import email_group
from grants.awards import bank, services
from grants.awards.access import check_finance, is_group_member
from grants.awards.models import (
    REPORT_FOR_CONDITION,
    Award,
    BankDetails,
    HoldKind,
    Payment,
    ReleaseCondition,
)
from grants.awards.states import IN_FORCE, PAYMENTS, PENDING, Actor, AwardStatus, PaymentStatus
from grants.clock import uk_today, utc_to_uk, utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.formatting import long_date, pluralise
from grants.money import format_pence
from grants.permissions import Permission
from grants.transaction import claim

P = PaymentStatus
REASON_MAX = 1_000
REMITTANCE_MAX = 100
NOT_VERIFIED = "Payments cannot be raised until the group's bank details are verified"
OWN_RAISE = "You raised this payment, so another finance officer must approve it"
STOP_FIRST = "Its run's file has gone to the bank: record what the bank said about stopping it"
# Someone the raiser invited or made a finance officer in the last 7 days is not yet independent.
RECENTLY_GRANTED = (
    "The person who raised this payment gave you your finance role less than "
    f"{role_grants.RECENT_GRANT_DAYS} days ago, so another finance officer must approve it"
)
# What a lost claim or a repeated click is told, by the status the payment has now.
ALREADY = {
    P.RAISED: "This payment has already been raised",
    P.APPROVED: "This payment has already been approved",
    P.SENT: "This payment is already in a payment run",
    P.PAID: "This payment has already been recorded as paid",
    P.HELD: "This payment is on hold",
    P.CANCELLED: "This payment has been cancelled",
}
_UNSET = object()


def get_payment(payment_id: int) -> Payment:
    payment = db.session.get(
        Payment, payment_id, options=[selectinload(Payment.award).selectinload(Award.reports)]
    )
    if payment is None:
        raise NotFound("Payment not found")
    return payment


def _already(payment: Payment) -> DomainError:
    return DomainError(ALREADY.get(payment.status, "This payment has changed: check it again"))


def _move(actor: User, payment: Payment, target: PaymentStatus, action: str, **changes) -> None:
    """Move the payment, if it is still at the status it was read with, and audit it."""
    current = payment.status
    PAYMENTS.check(current, target, Actor.FINANCE)
    if not claim(payment, status=current):
        db.session.refresh(payment)  # to say what the other request did
        raise _already(payment)
    record_move(actor, payment, target, action, **changes)


def record_move(
    actor: User | None, payment: Payment, target: PaymentStatus, action: str, **changes
) -> None:
    """Set the payment's new status and the fields that go with it, and audit the change. The
    caller has checked the move against the life cycle and holds the payment (or its run)."""
    before = payment.audit_view()
    for name, value in changes.items():
        setattr(payment, name, value)
    payment.status = target
    payment.status_changed_at = utcnow()
    db.session.flush()
    audit.record(actor, action, payment, before=before, after=payment.audit_view())


def condition_met(payment: Payment) -> bool:
    """The instalment's release condition: the agreement accepted, or its report accepted."""
    award = payment.award
    if award.status not in IN_FORCE:
        return False
    if payment.release_condition == ReleaseCondition.ON_ACCEPTANCE:
        return True
    kind = REPORT_FOR_CONDITION[payment.release_condition]
    return any(r.kind == kind and r.accepted_at is not None for r in award.reports)


def _check_bank_verified(payment: Payment) -> None:
    if not bank.is_ready_for_payment(payment.award.organisation_id):
        raise DomainError(NOT_VERIFIED)


def raise_payment(actor: User, payment: Payment) -> Payment:
    check_finance(actor, payment.award)
    if payment.status != P.SCHEDULED:
        raise _already(payment)
    if payment.award.status not in IN_FORCE:
        raise DomainError("Payments can be raised once the grant agreement has been accepted")
    if not condition_met(payment):
        kind = REPORT_FOR_CONDITION[payment.release_condition]
        raise DomainError(f"This instalment waits for the {kind.label.lower()} to be accepted")
    _check_bank_verified(payment)
    _move(actor, payment, P.RAISED, "payment.raised", raised_by_id=actor.id, raised_at=utcnow())
    return payment


def approve(actor: User, payment: Payment) -> Payment:
    check_finance(actor, payment.award)
    if payment.status != P.RAISED:
        raise (
            _already(payment)
            if payment.status != P.SCHEDULED
            else DomainError("This payment has not been raised yet")
        )
    if payment.raised_by_id == actor.id:
        raise NotAllowed(OWN_RAISE)
    if role_grants.granted_by_within(actor, payment.raised_by_id):
        raise NotAllowed(RECENTLY_GRANTED)
    _check_bank_verified(payment)
    _move(
        actor,
        payment,
        P.APPROVED,
        "payment.approved",
        approved_by_id=actor.id,
        approved_at=utcnow(),
    )
    return payment


def mark_paid(
    actor: User,
    payment: Payment,
    paid_on: date | None,
    remittance_reference: str | None,
    *,
    link: str | None = None,
) -> Payment:
    """Record the money as gone. The first payment makes an accepted award active; the group is
    told (``link`` leads to the award's page)."""
    check_finance(actor, payment.award)
    if payment.status not in (P.APPROVED, P.SENT):
        raise (
            _already(payment)
            if payment.status in ALREADY
            else DomainError("Only an approved payment can be recorded as paid")
        )
    remittance = (remittance_reference or "").strip()
    errors = {}
    if paid_on is None:
        errors["paid_on"] = "Enter the date the payment was made"
    elif paid_on > uk_today():
        errors["paid_on"] = "The date paid must be today or in the past"
    if not remittance:
        errors["remittance_reference"] = "Enter the remittance reference"
    elif len(remittance) > REMITTANCE_MAX:
        errors["remittance_reference"] = (
            f"Remittance reference must be {REMITTANCE_MAX} characters or fewer"
        )
    if errors:
        raise InvalidInput(errors)
    _move(
        actor,
        payment,
        P.PAID,
        "payment.paid",
        paid_on=paid_on,
        remittance_reference=remittance,
        paid_recorded_by_id=actor.id,
    )
    award = payment.award
    if award.status == AwardStatus.ACCEPTED:
        services.move(actor, award, AwardStatus.ACTIVE, Actor.SYSTEM, action="award.activated")
    email_group(
        award.application,
        f"Payment of {format_pence(payment.amount_pence)} sent",
        "payment_paid",
        award=award,
        payment=payment,
        link=link,
    )
    return payment


def _reason(reason: str | None, field: str, missing: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput({field: missing})
    if len(text) > REASON_MAX:
        raise InvalidInput({field: f"Reason must be {REASON_MAX:,} characters or fewer"})
    return text


def hold(actor: User, payment: Payment, reason: str | None) -> Payment:
    check_finance(actor, payment.award)
    if payment.status not in PENDING:
        raise DomainError(
            ALREADY[P.HELD]
            if payment.status == P.HELD
            else "Only a payment that has not been sent can be put on hold"
        )
    text = _reason(reason, "reason", "Enter why the payment is on hold")
    _move(
        actor,
        payment,
        P.HELD,
        "payment.held",
        held_from=payment.status,
        hold_kind=HoldKind.MANUAL,
        hold_reason=text,
        held_by_id=actor.id,
    )
    return payment


def release_hold(actor: User, payment: Payment) -> Payment:
    check_finance(actor, payment.award)
    if payment.status != P.HELD:
        raise DomainError("This payment is not on hold")
    if payment.hold_kind == HoldKind.BANK_DETAILS_CHANGED:
        raise DomainError(
            "This payment is held until the group's new bank details are verified: verifying "
            "them releases it"
        )
    if payment.hold_kind == HoldKind.STOP_AT_BANK:
        raise DomainError(STOP_FIRST)
    _move(
        actor,
        payment,
        payment.held_from,
        "payment.hold_released",
        held_from=None,
        hold_kind=None,
        hold_reason=None,
        held_by_id=None,
    )
    return payment


def cancel(actor: User, payment: Payment, reason: str | None) -> Payment:
    check_finance(actor, payment.award)
    if not PAYMENTS.allowed(payment.status, P.CANCELLED, Actor.FINANCE):
        raise (
            _already(payment)
            if payment.status == P.CANCELLED
            else DomainError("A payment that has been sent or paid cannot be cancelled")
        )
    if payment.hold_kind == HoldKind.STOP_AT_BANK:
        raise DomainError(STOP_FIRST)
    text = _reason(reason, "reason", "Enter why the payment is cancelled")
    _move(actor, payment, P.CANCELLED, "payment.cancelled", cancelled_reason=text)
    return payment


def actions_for(viewer: User, payment: Payment) -> frozenset[str]:
    """The buttons this person may press on this payment (the services still check them)."""
    if not viewer.can(Permission.MANAGE_PAYMENTS) or is_group_member(viewer, payment.award):
        return frozenset()
    status = payment.status
    actions = set()
    if status == P.SCHEDULED and condition_met(payment):
        actions.add("raise")
    if status == P.RAISED and payment.raised_by_id != viewer.id:
        actions.add("approve")
    if status in (P.APPROVED, P.SENT):
        actions.add("pay")
    if status in PENDING:
        actions.add("hold")
    if status == P.HELD and payment.hold_kind == HoldKind.MANUAL:
        actions.add("release")
    if status == P.HELD and payment.hold_kind == HoldKind.STOP_AT_BANK:
        actions.add("stop")
    elif PAYMENTS.allowed(status, P.CANCELLED, Actor.FINANCE):
        actions.add("cancel")
    return frozenset(actions)


def _since(moment, today: date) -> str:
    days = (today - utc_to_uk(moment).date()).days if moment else 0
    return "since today" if days <= 0 else f"for {pluralise(days, 'day')}"


# Why nothing can be paid yet, before the agreement is accepted.
NOT_IN_FORCE = {
    AwardStatus.PREPARING: "The offer has not been sent yet",
    AwardStatus.OFFERED: "Waiting for the group to accept the offer",
}


def describe_wait(payment: Payment, viewer: User | None, today: date, *, details=_UNSET) -> str:
    """What the payment is waiting for, and on whom, in words ("Awaiting approval by another
    finance officer for 3 days"). ``details`` is the group's current bank details when the
    caller has loaded them for many payments at once; otherwise they are looked up."""
    award = payment.award
    status = payment.status
    if status == P.SCHEDULED:
        if award.status not in IN_FORCE:
            stage = NOT_IN_FORCE.get(award.status, f"The award is {award.status.label.lower()}")
            return f"{stage}; paid {payment.release_condition.label.lower()}"
        if not condition_met(payment):
            kind = REPORT_FOR_CONDITION[payment.release_condition]
            return f"Waiting for the {kind.label.lower()} to be accepted"
        if details is _UNSET:
            details = bank.current_for(award.organisation_id)
        if details is None:
            return "Waiting for the group to give its bank details"
        if not details.is_verified:
            return "Waiting for bank details to be verified"
        return "Ready to be raised by a finance officer"
    if status == P.RAISED:
        since = _since(payment.raised_at, today)
        if viewer is not None and viewer.id == payment.raised_by_id:
            return f"Awaiting approval by another finance officer {since}"
        if viewer is not None and viewer.can(Permission.MANAGE_PAYMENTS):
            raiser = payment.raised_by.full_name if payment.raised_by else "another officer"
            return f"Awaiting your approval {since} (raised by {raiser})"
        return f"Awaiting approval by a finance officer who did not raise it {since}"
    if status == P.APPROVED:
        return "Approved: waiting to go in a payment run " + _since(payment.approved_at, today)
    if status == P.SENT:
        return "In a payment run: waiting to be recorded as paid " + _since(
            payment.status_changed_at, today
        )
    if status == P.HELD:
        since = _since(payment.status_changed_at, today)
        if payment.hold_kind in (HoldKind.BANK_DETAILS_CHANGED, HoldKind.STOP_AT_BANK):
            return f"On hold {since}: {payment.hold_reason}"
        who = payment.held_by.full_name if payment.held_by else "a finance officer"
        return f"On hold {since}, held by {who}: {payment.hold_reason}"
    return ""


def current_details_by_group(organisation_ids: set[int]) -> dict[int, BankDetails]:
    """Each group's current bank details, in one query (for lists of payments)."""
    if not organisation_ids:
        return {}
    rows = db.session.scalars(
        select(BankDetails).where(
            BankDetails.organisation_id.in_(organisation_ids), BankDetails.replaced_at.is_(None)
        )
    )
    return {row.organisation_id: row for row in rows}


def payments_query(status: PaymentStatus | None = None):
    """Every payment for finance's list, soonest due first, with what each row shows."""
    query = (
        select(Payment)
        .join(Award, Payment.award_id == Award.id)
        .options(
            selectinload(Payment.award).selectinload(Award.organisation),
            selectinload(Payment.award).selectinload(Award.reports),
        )
        .order_by(Payment.due_on, Payment.id)
    )
    if status is not None:
        query = query.where(Payment.status == status)
    return query


def group_view(payment: Payment) -> str:
    """What the group reads about an instalment: plain words, no internal steps or names."""
    if payment.status == P.PAID:
        return f"Paid on {long_date(payment.paid_on)}" if payment.paid_on else "Paid"
    if payment.status == P.SENT:
        return "Being paid"
    if payment.status == P.CANCELLED:
        return "Cancelled"
    if payment.status == P.HELD and payment.hold_kind in (
        HoldKind.BANK_DETAILS_CHANGED,
        HoldKind.STOP_AT_BANK,
    ):
        return "Waiting for us to check your new bank details"
    if payment.status == P.SCHEDULED and not condition_met(payment):
        kind = REPORT_FOR_CONDITION.get(payment.release_condition)
        planned = f"planned for {long_date(payment.due_on)}"
        if kind is not None:
            return f"Paid after your {kind.label.lower()} is accepted, {planned}"
        return f"Paid after you accept the grant agreement, {planned}"
    return f"Due on {long_date(payment.due_on)}"


def section_for(viewer: User, award: Award) -> dict | None:
    """The payments part of the award's page: the instalments with their status; for finance,
    what each waits for and the buttons this viewer may use; for the group, plain words."""
    if not viewer.is_authenticated or not award.payments:
        return None
    if is_group_member(viewer, award):
        return {
            "for_group": True,
            "rows": [(p, group_view(p), frozenset()) for p in award.payments],
        }
    if not viewer.can(Permission.VIEW_ALL_GROUPS):
        return None
    today = uk_today()
    details = bank.current_for(award.organisation_id)
    return {
        "for_group": False,
        "rows": [
            (p, describe_wait(p, viewer, today, details=details), actions_for(viewer, p))
            for p in award.payments
        ],
    }
