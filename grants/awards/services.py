"""Awards: made from released funding decisions, prepared by finance, moved through their life
cycle. Offers and acceptance are in ``offers``; payments in ``payments``; the money figures in
``ledger``.

Budgets hold in the transaction: offering an award, or increasing one, takes the round's row lock
(``lock_round``) before adding up what the round has committed, so two finance officers at once
cannot together promise more than the round has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from grants import audit
from grants.accounts import role_grants
from grants.accounts.models import User
from grants.awards import ledger, schedule
from grants.awards.access import check_finance
from grants.awards.models import REPORT_FOR_CONDITION, Award, Payment, ReportDue
from grants.awards.states import AWARDS, Actor, AwardStatus, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.funds.models import Contribution
from grants.money import format_pence
from grants.panels import feedback
from grants.panels.decisions import lock_round
from grants.panels.meeting_models import Decision
from grants.transaction import claim

DEFAULT_LENGTH = timedelta(days=365)
CONDITION_MAX_LENGTH = 1_000
AMOUNT_REASON_MAX_LENGTH = 1_000


def award_for_decision(decision: Decision) -> Award | None:
    return db.session.scalar(select(Award).where(Award.decision_id == decision.id))


def create_from_decision(actor: User, decision: Decision) -> Award | None:
    """The award for a released funding decision: its amount and conditions, the project's dates
    and the round's payment schedule. Called once per released decision (``on_release``); a
    decision that already has an award, or that does not fund, gets nothing new."""
    if not decision.outcome.is_funding or award_for_decision(decision) is not None:
        return None
    application = decision.application
    start = application.start_date or uk_today()
    end = application.end_date or start + DEFAULT_LENGTH
    award = Award(
        reference=f"{application.reference}-AW",
        application_id=application.id,
        decision_id=decision.id,
        round_id=application.round_id,
        organisation_id=application.organisation_id,
        amount_pence=decision.amount_pence,
        conditions=list(decision.conditions or []),
        start_date=start,
        end_date=max(end, start),
        created_by_id=actor.id,
        status=AwardStatus.PREPARING,
    )
    db.session.add(award)
    reschedule(award)
    db.session.flush()
    audit.record(actor, "award.created", award, after=award.audit_view())
    return award


def reschedule(award: Award) -> None:
    """Replace the award's planned payments and report dates from the round's terms. Only while
    the offer is being prepared: after that, the schedule changes only by a variation."""
    plan = schedule.plan(
        award.amount_pence, award.start_date, award.end_date, schedule.terms_for(award.round_id)
    )
    award.payments.clear()
    award.reports.clear()
    db.session.flush()
    for number, planned in enumerate(plan.payments, start=1):
        award.payments.append(
            Payment(
                number=number,
                amount_pence=planned.amount_pence,
                due_on=planned.due_on,
                release_condition=planned.condition,
                status=PaymentStatus.SCHEDULED,
            )
        )
    for kind, due_on in plan.reports.items():
        award.reports.append(ReportDue(kind=kind, due_on=due_on))


@dataclass
class AwardChanges:
    """What finance may change before the offer goes. None means "not answered"."""

    amount_pence: int | None
    start_date: date | None
    end_date: date | None
    conditions: list[str] = field(default_factory=list)
    contribution_id: int | None = None
    # Why the amount differs from the panel's decision (needed only when it does).
    amount_reason: str | None = None


def contributions_for(award: Award) -> list[Contribution]:
    """The contributions an award may name: its fund's."""
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.fund_id == award.round.fund_id)
            .order_by(Contribution.id)
        )
    )


def change_errors(award: Award, changes: AwardChanges) -> dict[str, str]:
    errors: dict[str, str] = {}
    if changes.amount_pence is None:
        errors["amount_pence"] = "Enter the amount of the award"
    elif changes.amount_pence <= 0:
        errors["amount_pence"] = "The amount must be more than £0"
    elif changes.amount_pence > award.round.budget_pence:
        errors["amount_pence"] = (
            f"The amount must be {format_pence(award.round.budget_pence)} or less, "
            "the round's budget"
        )
    reason = (changes.amount_reason or "").strip()
    if len(reason) > AMOUNT_REASON_MAX_LENGTH:
        errors["amount_reason"] = (
            f"The reason must be {AMOUNT_REASON_MAX_LENGTH:,} characters or fewer"
        )
    elif (
        "amount_pence" not in errors
        and changes.amount_pence != award.decided_amount_pence
        and not reason
    ):
        errors["amount_reason"] = (
            "Say why the amount differs from the panel's decision of "
            f"{format_pence(award.decided_amount_pence)}"
        )
    if changes.start_date is None:
        errors["start_date"] = "Enter the date the project starts"
    if changes.end_date is None:
        errors["end_date"] = "Enter the date the project ends"
    elif changes.start_date is not None and changes.end_date < changes.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    if any(len(c) > CONDITION_MAX_LENGTH for c in changes.conditions):
        errors["conditions"] = (
            f"Each condition must be {CONDITION_MAX_LENGTH:,} characters or fewer"
        )
    if changes.contribution_id is not None and changes.contribution_id not in {
        c.id for c in contributions_for(award)
    }:
        errors["contribution_id"] = "Choose a contribution to this award's fund"
    return errors


def adjust(actor: User, award: Award, changes: AwardChanges) -> Award:
    """Finance changes the award before the offer is sent (audited before and after). An amount
    other than the panel's decision needs a reason; more than it decided also needs a second
    finance officer's approval (``approve_increase``) before the offer can be sent, and any new
    amount or reason needs approving again."""
    check_finance(actor, award)
    if not award.can_adjust:
        raise DomainError("The offer has been sent, so the award can change only by a variation")
    errors = change_errors(award, changes)
    if errors:
        raise InvalidInput(errors)
    if not claim(award, status=AwardStatus.PREPARING):  # in order with a send or an approval
        raise DomainError("The offer has been sent, so the award can change only by a variation")
    before = award.audit_view()
    reason = (changes.amount_reason or "").strip()
    decided = award.decided_amount_pence
    changed = changes.amount_pence != award.amount_pence or reason != (award.amount_reason or "")
    award.amount_reason = reason if changes.amount_pence != decided else None
    if changes.amount_pence <= decided:
        award.increase_proposed_by_id = award.increase_proposed_at = None
        award.increase_approved_by_id = award.increase_approved_at = None
    elif changed or award.increase_proposed_by_id is None:
        award.increase_proposed_by_id, award.increase_proposed_at = actor.id, utcnow()
        award.increase_approved_by_id = award.increase_approved_at = None
    award.amount_pence = changes.amount_pence
    award.start_date = changes.start_date
    award.end_date = changes.end_date
    award.conditions = [c.strip() for c in changes.conditions if c.strip()]
    award.contribution_id = changes.contribution_id
    reschedule(award)
    db.session.flush()
    audit.record(actor, "award.adjusted", award, before=before, after=award.audit_view())
    return award


def approve_increase(actor: User, award: Award, amount_pence: int | None) -> Award:
    """A second finance officer approves an amount above the panel's decision, as seen on the
    page (``amount_pence``): if it changed since, or someone approved it a moment ago, nothing
    happens and they are told."""
    check_finance(actor, award)
    if not award.can_adjust:
        raise DomainError("The offer has been sent, so the award can change only by a variation")
    if not award.increase_awaits_approval:
        raise DomainError("No increase is waiting for approval: it may have just been approved")
    if award.increase_proposed_by_id == actor.id:
        raise NotAllowed("You set this amount, so another finance officer must approve it")
    if role_grants.granted_by_within(actor, award.increase_proposed_by_id):
        raise NotAllowed(
            "The person who set this amount gave you your finance role less than "
            f"{role_grants.RECENT_GRANT_DAYS} days ago, so another finance officer must approve it"
        )
    if amount_pence != award.amount_pence or not claim(
        award,
        status=AwardStatus.PREPARING,
        amount_pence=award.amount_pence,
        increase_approved_by_id=None,
    ):
        raise DomainError("The amount has changed or been approved since you looked: check it")
    before = award.audit_view()
    award.increase_approved_by_id = actor.id
    award.increase_approved_at = utcnow()
    db.session.flush()
    audit.record(actor, "award.increase_approved", award, before=before, after=award.audit_view())
    return award


def check_budget(award: Award, amount_pence: int) -> None:
    """Refuse to commit ``amount_pence`` to ``award`` if its round (or the contribution it names)
    would go over budget. Takes the round's row lock first, held until the transaction ends."""
    round_ = lock_round(award.round_id)
    others = ledger.committed_in_round(round_.id, leaving_out=award.id)
    if others + amount_pence > round_.budget_pence:
        left = max(round_.budget_pence - others, 0)
        raise DomainError(
            f"This would take {round_.title} over its budget: {format_pence(left)} is left "
            f"of {format_pence(round_.budget_pence)}"
        )
    if award.contribution_id is not None:
        contribution = db.session.get(Contribution, award.contribution_id)
        others = sum(
            m.committed_pence
            for m in ledger.award_money(
                Award.contribution_id == contribution.id, Award.id != award.id
            )
        )
        if others + amount_pence > contribution.amount_pence:
            raise DomainError(
                f"This would spend more than {contribution.contributor_name}'s contribution: "
                f"{format_pence(max(contribution.amount_pence - others, 0))} of it is left"
            )


def move_report_due(report: ReportDue, due_on: date) -> None:
    """Give a report a new due date, and move the instalments that wait on it with it, keeping
    the usual review time between the two. Paid or raised instalments keep their dates. The
    caller audits the change (an end-date variation, or an officer's new date for a late
    report)."""
    report.due_on = due_on
    for payment in report.award.payments:
        waits_on = REPORT_FOR_CONDITION.get(payment.release_condition)
        if waits_on == report.kind and payment.status == PaymentStatus.SCHEDULED:
            payment.due_on = schedule.working_day(due_on + schedule.REVIEW_TIME)
    db.session.flush()


def record_report_accepted(actor: User | None, report: ReportDue) -> None:
    """A monitoring report has been accepted, which releases the instalments waiting on it
    (``payments.condition_met``). Monitoring's review of reports calls this; until then only the
    demo does. Accepting it again keeps the first time."""
    if report.accepted_at is None:
        report.accepted_at = utcnow()
        db.session.flush()
        audit.record(
            actor,
            "award.report_accepted",
            report,
            before={"accepted": False},
            after={"award": report.award.reference, "report": report.kind.value, "accepted": True},
        )


def move(
    actor: User | None, award: Award, target: AwardStatus, who: Actor, *, action: str, **changes
) -> None:
    """Move the award through its life cycle, making ``changes`` (who accepted, why it closed)
    with the move, audited as one event whose before and after tell the whole story."""
    AWARDS.check(award.status, target, who)
    before = award.audit_view()
    award.status = target
    for name, value in changes.items():
        setattr(award, name, value)
    db.session.flush()
    audit.record(actor, action, award, before=before, after=award.audit_view())


feedback.on_release(create_from_decision)
