"""Closing an award: completed, or closed early.

Nothing may be on its way to the group when it closes (a payment raised, approved or in a
run); the instalments not yet raised are cancelled. From then on the award commits only what it
finally spent (paid less money returned), so the rest goes back to the round's budget.
"""

from __future__ import annotations

from grants import transaction
from grants.accounts.models import User
from grants.awards import payments, services
from grants.awards.access import check_finance
from grants.awards.models import Award
from grants.awards.states import AWARDS, Actor, AwardStatus, PaymentStatus
from grants.clock import utcnow
from grants.errors import DomainError, InvalidInput
from grants.extensions import db

REASON_MAX_LENGTH = 5_000
IN_FLIGHT = frozenset({PaymentStatus.RAISED, PaymentStatus.APPROVED, PaymentStatus.SENT})
CANCELLABLE = frozenset({PaymentStatus.SCHEDULED, PaymentStatus.HELD})
CLOSED_REASON = "Award closed"


def outcomes_for(award: Award) -> list[AwardStatus]:
    """How this award may close: completed once active, closed early from accepted or active."""
    return [
        target
        for target in (AwardStatus.COMPLETED, AwardStatus.CLOSED_EARLY)
        if AWARDS.allowed(award.status, target, Actor.FINANCE)
    ]


def can_close(award: Award) -> bool:
    return bool(outcomes_for(award))


def close(actor: User, award: Award, outcome: AwardStatus | None, reason: str | None) -> Award:
    check_finance(actor, award)
    if not transaction.claim(award, status=award.status):
        db.session.refresh(award)
        raise DomainError("The award changed just now: check it and try again")
    if not can_close(award):
        raise DomainError(
            "This award has already closed"
            if award.is_finished
            else "Only an accepted or active award can be closed"
        )
    problems = {}
    if outcome not in outcomes_for(award):
        problems["outcome"] = "Choose how the award ends"
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = "Enter why the award is closing"
    elif len(reason) > REASON_MAX_LENGTH:
        problems["reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    if problems:
        raise InvalidInput(problems)
    if any(p.status in IN_FLIGHT for p in award.payments):
        raise DomainError(
            "A payment is raised, approved or in a payment run: record it as paid, or cancel "
            "it, before closing the award"
        )
    for payment in award.payments:
        if payment.status in CANCELLABLE:
            payments.cancel(actor, payment, CLOSED_REASON)
    services.move(
        actor,
        award,
        outcome,
        Actor.FINANCE,
        action="award.closed",
        ended_reason=reason,
        ended_at=utcnow(),
        ended_by_id=actor.id,
    )
    return award
