"""Variations: changes to an award in force, each its own record, never an edit in place.

One finance officer proposes a change with a reason; another approves or rejects it (the
database refuses a decider who proposed it too). Only an approved variation changes anything:

- the amount: an increase is checked against the round's budget under the round's lock and
  becomes a new instalment due now; a decrease comes off the instalments not yet raised, the last
  first (an instalment reduced to nothing is cancelled). ``award.amount_pence`` stays what was
  offered: ``current_amount_pence`` adds the approved variations;
- the end date: the award's end and its final report's due date move later;
- a scheduled instalment's due date (moved to a working day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from grants import audit, transaction
from grants.accounts import role_grants
from grants.accounts.models import User
from grants.applications.services import email_group
from grants.awards import schedule, services
from grants.awards.access import check_finance, is_group_member
from grants.awards.models import (
    Award,
    Payment,
    ReleaseCondition,
    ReportKind,
    Variation,
    VariationKind,
    VariationStatus,
)
from grants.awards.states import PAYMENTS, Actor, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed, NotFound
from grants.extensions import db
from grants.formatting import long_date
from grants.money import format_pence
from grants.permissions import Permission

REASON_MAX_LENGTH = 5_000
# Money paid, or on its way: a decrease may never go below it.
COMMITTED_PAYMENTS = frozenset(
    {PaymentStatus.RAISED, PaymentStatus.APPROVED, PaymentStatus.SENT, PaymentStatus.PAID}
)
# Instalments a decrease may reduce or cancel.
REDUCIBLE = frozenset({PaymentStatus.SCHEDULED, PaymentStatus.HELD})


@dataclass
class Proposal:
    """A proposed change as finance gives it. None means "not answered"."""

    kind: VariationKind
    reason: str | None
    amount_change_pence: int | None = None  # signed: negative decreases
    new_end_date: date | None = None
    payment_id: int | None = None
    new_due_on: date | None = None


def get_variation(variation_id: int) -> Variation:
    variation = db.session.get(Variation, variation_id)
    if variation is None:
        raise NotFound("Variation not found")
    return variation


def paid_or_in_flight(award: Award) -> int:
    return sum(p.amount_pence for p in award.payments if p.status in COMMITTED_PAYMENTS)


def schedulable_payments(award: Award) -> list[Payment]:
    """The instalments whose due date a variation may move: those not yet raised."""
    return [p for p in award.payments if p.status == PaymentStatus.SCHEDULED]


def _amount_error(award: Award, change: int | None) -> str | None:
    if not change:
        return "Enter the amount to increase or decrease the award by"
    new_amount = award.current_amount_pence + change
    floor = paid_or_in_flight(award)
    if new_amount <= 0:
        return "The award's amount must stay more than £0"
    if new_amount < floor:
        return (
            f"{format_pence(floor)} has been paid or is being paid, so the award's amount "
            f"cannot go below that"
        )
    return None


def proposal_errors(award: Award, proposal: Proposal) -> dict[str, str]:
    problems: dict[str, str] = {}
    reason = (proposal.reason or "").strip()
    if not reason:
        problems["reason"] = "Enter why the award should change"
    elif len(reason) > REASON_MAX_LENGTH:
        problems["reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    if proposal.kind == VariationKind.AMOUNT:
        problem = _amount_error(award, proposal.amount_change_pence)
        if problem:
            problems["amount_change_pence"] = problem
    elif proposal.kind == VariationKind.END_DATE:
        if proposal.new_end_date is None:
            problems["new_end_date"] = "Enter the new end date"
        elif proposal.new_end_date <= award.end_date:
            problems["new_end_date"] = f"The new end date must be after {long_date(award.end_date)}"
    elif proposal.kind == VariationKind.SCHEDULE:
        if proposal.payment_id not in {p.id for p in schedulable_payments(award)}:
            problems["payment_id"] = "Choose an instalment that has not been raised yet"
        if proposal.new_due_on is None:
            problems["new_due_on"] = "Enter the new due date"
        elif proposal.new_due_on < uk_today():
            problems["new_due_on"] = "The new due date must be today or in the future"
    return problems


def _check_in_force(award: Award) -> None:
    if not award.is_in_force:
        raise DomainError("Only an accepted or active award can be varied")


def propose(actor: User, award: Award, proposal: Proposal) -> Variation:
    check_finance(actor, award)
    _check_in_force(award)
    problems = proposal_errors(award, proposal)
    if problems:
        raise InvalidInput(problems)
    variation = Variation(
        award=award,
        kind=proposal.kind,
        reason=proposal.reason.strip(),
        proposed_by_id=actor.id,
        amount_change_pence=proposal.amount_change_pence
        if proposal.kind == VariationKind.AMOUNT
        else 0,
    )
    if proposal.kind == VariationKind.END_DATE:
        variation.new_end_date = proposal.new_end_date
    elif proposal.kind == VariationKind.SCHEDULE:
        variation.payment_id = proposal.payment_id
        variation.new_due_on = schedule.working_day(proposal.new_due_on)
    db.session.add(variation)
    db.session.flush()
    audit.record(actor, "variation.proposed", variation, after=variation.audit_view())
    return variation


def _check_decider(actor: User, variation: Variation) -> None:
    check_finance(actor, variation.award)
    if actor.id == variation.proposed_by_id:
        raise NotAllowed("You proposed this variation, so another finance officer must decide it")
    if role_grants.granted_by_within(actor, variation.proposed_by_id):
        raise NotAllowed(
            "The person who proposed this variation gave you your finance role less than "
            f"{role_grants.RECENT_GRANT_DAYS} days ago, so another finance officer must decide it"
        )


def _claim(variation: Variation) -> None:
    if not transaction.claim(variation, status=VariationStatus.PROPOSED):
        db.session.refresh(variation)
        raise DomainError(f"This variation has already been {variation.status.label.lower()}")


def _decided(actor: User, variation: Variation, status: VariationStatus) -> dict:
    before = variation.audit_view()
    variation.status = status
    variation.decided_by_id = actor.id
    variation.decided_at = utcnow()
    return before


def reject(actor: User, variation: Variation) -> Variation:
    _check_decider(actor, variation)
    _claim(variation)
    before = _decided(actor, variation, VariationStatus.REJECTED)
    db.session.flush()
    audit.record(
        actor, "variation.rejected", variation, before=before, after=variation.audit_view()
    )
    return variation


def approve(actor: User, variation: Variation, *, link: str) -> Variation:
    """Approve and apply the change; ``link`` is the award's page, for the group's email."""
    _check_decider(actor, variation)
    _claim(variation)
    award = variation.award
    _check_in_force(award)
    before_award = award.audit_view()
    if variation.kind == VariationKind.AMOUNT:
        _apply_amount(actor, award, variation)
    elif variation.kind == VariationKind.END_DATE:
        _apply_end_date(award, variation)
    else:
        _apply_schedule(actor, award, variation)
    before = _decided(actor, variation, VariationStatus.APPROVED)
    db.session.flush()
    audit.record(
        actor, "variation.approved", variation, before=before, after=variation.audit_view()
    )
    after_award = award.audit_view() | {"current_amount_pence": award.current_amount_pence}
    audit.record(actor, "award.varied", award, before=before_award, after=after_award)
    email_group(
        award.application,
        "Your grant has changed",
        "award_varied",
        award=award,
        variation=variation,
        link=link,
    )
    return variation


def _apply_amount(actor: User, award: Award, variation: Variation) -> None:
    change = variation.amount_change_pence
    problem = _amount_error(award, change)
    if problem:
        raise DomainError(problem)
    new_amount = award.current_amount_pence + change
    if change > 0:
        services.check_budget(award, new_amount)
        number = db.session.scalar(
            select(func.coalesce(func.max(Payment.number), 0)).where(Payment.award_id == award.id)
        )
        payment = Payment(
            award=award,
            number=number + 1,
            amount_pence=change,
            due_on=schedule.working_day(uk_today()),
            release_condition=ReleaseCondition.ON_ACCEPTANCE,
            status=PaymentStatus.SCHEDULED,
        )
        db.session.add(payment)
        db.session.flush()
        audit.record(actor, "payment.added_by_variation", payment, after=payment.audit_view())
        return
    _reduce_payments(actor, award, variation, -change)


def _reduce_payments(actor: User, award: Award, variation: Variation, amount: int) -> None:
    """Take ``amount`` off the instalments not yet raised, the last first."""
    reducible = [p for p in award.payments if p.status in REDUCIBLE]
    if sum(p.amount_pence for p in reducible) < amount:
        raise DomainError("Too little of the award is still to be raised to take this much off")
    for payment in sorted(reducible, key=lambda p: p.number, reverse=True):
        if amount <= 0:
            break
        before = payment.audit_view()
        if payment.amount_pence <= amount:
            PAYMENTS.check(payment.status, PaymentStatus.CANCELLED, Actor.FINANCE)
            amount -= payment.amount_pence
            payment.status = PaymentStatus.CANCELLED
            payment.status_changed_at = utcnow()
            payment.cancelled_reason = f"Reduced by variation {variation.id}: {variation.reason}"
            action = "payment.cancelled"
        else:
            payment.amount_pence -= amount
            amount = 0
            action = "payment.reduced"
        db.session.flush()
        audit.record(actor, action, payment, before=before, after=payment.audit_view())


def _apply_end_date(award: Award, variation: Variation) -> None:
    if variation.new_end_date <= award.end_date:
        raise DomainError("The award already ends on or after this date")
    award.end_date = variation.new_end_date
    final_due = schedule.report_dates(award.start_date, award.end_date, {ReportKind.FINAL})[
        ReportKind.FINAL
    ]
    for report in award.reports:
        if report.kind == ReportKind.FINAL and report.accepted_at is None:
            services.move_report_due(report, final_due)
    db.session.flush()


def _apply_schedule(actor: User, award: Award, variation: Variation) -> None:
    payment = variation.payment
    if payment is None or payment.award_id != award.id:
        raise DomainError("The instalment is no longer part of this award")
    if payment.status != PaymentStatus.SCHEDULED:
        raise DomainError("The instalment has been raised since, so its date cannot change")
    before = payment.audit_view()
    payment.due_on = variation.new_due_on
    db.session.flush()
    audit.record(actor, "payment.rescheduled", payment, before=before, after=payment.audit_view())


def describe(variation: Variation) -> str:
    """What the variation changes, in a few words, for lists and emails."""
    if variation.kind == VariationKind.AMOUNT:
        change = variation.amount_change_pence
        verb = "Increase" if change > 0 else "Decrease"
        return f"{verb} the amount by {format_pence(abs(change))}"
    if variation.kind == VariationKind.END_DATE:
        return f"End on {long_date(variation.new_end_date)}"
    number = variation.payment.number if variation.payment else "?"
    return f"Instalment {number} due on {long_date(variation.new_due_on)}"


def awaiting_decision():
    """A query for variations waiting on a finance officer, oldest first."""
    return (
        select(Variation)
        .where(Variation.status == VariationStatus.PROPOSED)
        .options(
            joinedload(Variation.award).joinedload(Award.organisation),
            joinedload(Variation.proposed_by),
            joinedload(Variation.payment),
        )
        .order_by(Variation.proposed_at, Variation.id)
    )


@dataclass
class Section:
    """What the award page's variations section shows this viewer."""

    award: Award
    variations: list[Variation]
    can_propose: bool


def section(viewer: User, award: Award) -> Section | None:
    """Staff see every variation; the group sees those approved. Finance may propose one."""
    is_staff = viewer.can(Permission.VIEW_ALL_GROUPS)
    if not (is_staff or is_group_member(viewer, award)):
        return None
    shown = [v for v in award.variations if is_staff or v.is_approved]
    can_propose = (
        award.is_in_force
        and viewer.can(Permission.MANAGE_PAYMENTS)
        and not is_group_member(viewer, award)
    )
    if not shown and not can_propose:
        return None
    return Section(award, shown, can_propose)
