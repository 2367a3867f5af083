"""What a change of bank details does to payment runs the group's payments are in.

A run whose file nobody has downloaded yet is voided: every payment in it goes back to approved
(the changed group's then goes on hold with its other pending payments, until the new details
are verified), and the next run is a new file with its own SHA-256. A run already downloaded
keeps its file as it was; the changed group's payment in it goes on hold as "stop it at the
bank", and finance records what the bank said: stopped (the payment goes back to approved, out
of the run, for a new run) or already gone (it goes on as sent).
"""

from __future__ import annotations

from sqlalchemy import select

from grants import audit
from grants.accounts.models import User
from grants.awards import bank, payments
from grants.awards.access import check_finance
from grants.awards.models import Award, HoldKind, Payment, PaymentRun
from grants.awards.states import PAYMENTS, RUNS, Actor, PaymentRunStatus, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.formatting import long_date
from grants.transaction import claim

P = PaymentStatus
STOP_REASON = (
    "Bank details changed on {day} after this payment's run file was downloaded: ask the bank "
    "to stop it, then record what the bank said"
)


def _move(actor: User, payment: Payment, target: PaymentStatus, who: Actor, action: str, **changes):
    PAYMENTS.check(payment.status, target, who)
    payments.record_move(actor, payment, target, action, **changes)


def _void(actor: User, run: PaymentRun, organisation_name: str) -> None:
    RUNS.check(run.status, PaymentRunStatus.VOID, Actor.SYSTEM)
    before = run.audit_view()
    run.status = PaymentRunStatus.VOID
    run.voided_at = utcnow()
    run.void_reason = (
        f"{organisation_name}'s bank details changed on {long_date(uk_today())}, before the "
        "file was downloaded"
    )
    for payment in list(run.payments):
        _move(actor, payment, P.APPROVED, Actor.SYSTEM, "payment.run_voided", run_id=None)
    db.session.flush()
    db.session.expire(run, ["payments"])
    audit.record(actor, "payment_run.voided", run, before=before, after=run.audit_view())


def _stop_at_bank(actor: User, payment: Payment) -> None:
    _move(
        actor,
        payment,
        P.HELD,
        Actor.SYSTEM,
        "payment.held",
        held_from=P.SENT,
        hold_kind=HoldKind.STOP_AT_BANK,
        hold_reason=STOP_REASON.format(day=long_date(uk_today())),
        held_by_id=actor.id,
    )


@bank.on_details_changed
def details_changed(actor: User, organisation_id: int) -> None:
    """Void the group's unsent runs; flag its payments in sent ones to be stopped at the bank.
    The run's row is claimed at the status read, so a download at the same moment either sends
    the run first (and this flags the payment) or finds it voided."""
    sent = db.session.scalars(
        select(Payment)
        .join(Award, Payment.award_id == Award.id)
        .where(Award.organisation_id == organisation_id, Payment.status == P.SENT)
        .order_by(Payment.id)
    ).all()
    for payment in sent:
        run = payment.run
        if run is None:
            continue
        if run.status == PaymentRunStatus.UNSENT and claim(run, status=PaymentRunStatus.UNSENT):
            _void(actor, run, payment.award.organisation.name)
            continue
        db.session.refresh(run)
        db.session.refresh(payment)
        if payment.status == P.SENT and run.status == PaymentRunStatus.SENT:
            _stop_at_bank(actor, payment)


def record_bank_answer(actor: User, payment: Payment, stopped: bool | None) -> Payment:
    """Finance asked the bank to stop a payment whose details changed after its run was sent:
    stopped, it goes back to approved and out of the run (the next run pays the new, verified
    account); not stopped, it goes on as sent, to be recorded as paid."""
    check_finance(actor, payment.award)
    if payment.status != P.HELD or payment.hold_kind != HoldKind.STOP_AT_BANK:
        raise DomainError("This payment is not waiting to be stopped at the bank")
    if stopped is None:
        raise DomainError("Choose what the bank said", field="stopped")
    if not claim(payment, status=P.HELD, hold_kind=HoldKind.STOP_AT_BANK):
        raise DomainError("This payment is not waiting to be stopped at the bank")
    clear = {"held_from": None, "hold_kind": None, "hold_reason": None, "held_by_id": None}
    if stopped:
        _move(
            actor,
            payment,
            P.APPROVED,
            Actor.FINANCE,
            "payment.stopped_at_bank",
            run_id=None,
            **clear,
        )
    else:
        _move(actor, payment, P.SENT, Actor.FINANCE, "payment.not_stopped_at_bank", **clear)
    return payment
