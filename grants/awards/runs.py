"""Payment runs: approved payments due by a date, gathered into one file for the council's
finance system.

Each payment is claimed at "approved and in no run" before it joins a run, so a double submit
(or two officers at once) cannot put a payment in two runs; the second finds nothing left and
makes no run. The file can be downloaded again as often as needed: it only reads, and each
download is audited because it holds bank details in full.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.accounts.models import User
from grants.audit import AuditEvent
from grants.awards import bank
from grants.awards.access import check_finance, is_group_member
from grants.awards.models import Award, Payment, PaymentRun
from grants.awards.payments import current_details_by_group
from grants.awards.states import PAYMENTS, Actor, PaymentStatus
from grants.clock import utcnow
from grants.errors import DomainError
from grants.extensions import db
from grants.formatting import long_date
from grants.screening.export import csv_pounds, neutralise
from grants.transaction import claim

CSV_HEADER = ("payee", "sort_code", "account_number", "amount", "reference")
BACS_REFERENCE_MAX = 18


@dataclass(frozen=True)
class LeftOut:
    payment: Payment
    reason: str


@dataclass(frozen=True)
class RunResult:
    run: PaymentRun
    left_out: list[LeftOut]


def _approved_not_in_run(due_by: date | None = None) -> list[Payment]:
    query = (
        select(Payment)
        .where(Payment.status == PaymentStatus.APPROVED, Payment.run_id.is_(None))
        .options(selectinload(Payment.award).selectinload(Award.organisation))
        .order_by(Payment.due_on, Payment.id)
    )
    if due_by is not None:
        query = query.where(Payment.due_on <= due_by)
    return list(db.session.scalars(query))


def candidates(actor: User, due_by: date | None = None) -> tuple[list[Payment], list[LeftOut]]:
    """Approved payments not yet in a run (due by ``due_by``): those a run would include, and
    those it would leave out, with why."""
    payments = _approved_not_in_run(due_by)
    details = current_details_by_group({p.award.organisation_id for p in payments})
    included, left_out = [], []
    for payment in payments:
        current = details.get(payment.award.organisation_id)
        if current is None or not current.is_verified:
            left_out.append(LeftOut(payment, "The group's bank details are not verified"))
        elif is_group_member(actor, payment.award):
            left_out.append(
                LeftOut(payment, "You belong to this group, so another finance officer must")
            )
        else:
            included.append(payment)
    return included, left_out


def create_run(actor: User, due_by: date | None) -> RunResult:
    check_finance(actor)
    if due_by is None:
        raise DomainError("Enter the date payments must be due by", field="due_by")
    included, left_out = candidates(actor, due_by)
    if not included:
        raise DomainError(f"No approved payments are due by {long_date(due_by)}", field="due_by")
    run = PaymentRun(due_by=due_by, total_pence=0, payment_count=0, created_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    sent = []
    for payment in included:
        if not claim(payment, status=PaymentStatus.APPROVED, run_id=None):
            continue  # already taken by another run a moment ago
        PAYMENTS.check(payment.status, PaymentStatus.SENT, Actor.FINANCE)
        before = payment.audit_view()
        payment.status = PaymentStatus.SENT
        payment.run_id = run.id
        payment.status_changed_at = utcnow()
        db.session.flush()
        audit.record(actor, "payment.sent", payment, before=before, after=payment.audit_view())
        sent.append(payment)
    if not sent:  # another run took them all a moment ago; the request rolls back
        raise DomainError(f"No approved payments are due by {long_date(due_by)}", field="due_by")
    run.total_pence = sum(p.amount_pence for p in sent)
    run.payment_count = len(sent)
    db.session.flush()
    audit.record(
        actor,
        "payment_run.created",
        run,
        after={
            **run.audit_view(),
            "left_out": [{"payment_id": x.payment.id, "reason": x.reason} for x in left_out],
        },
    )
    return RunResult(run, left_out)


def left_out_when_made(run: PaymentRun) -> list[LeftOut]:
    """The payments left out when the run was made, and why (kept in its audit record)."""
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "payment_run.created",
            AuditEvent.object_type == "PaymentRun",
            AuditEvent.object_id == str(run.id),
        )
    )
    entries = (event.after or {}).get("left_out", []) if event else []
    if not entries:
        return []
    payments = {
        p.id: p
        for p in db.session.scalars(
            select(Payment)
            .where(Payment.id.in_([e["payment_id"] for e in entries]))
            .options(selectinload(Payment.award).selectinload(Award.organisation))
        )
    }
    return [
        LeftOut(payments[e["payment_id"]], e["reason"])
        for e in entries
        if e["payment_id"] in payments
    ]


def get_run(run_id: int) -> PaymentRun | None:
    return db.session.get(
        PaymentRun,
        run_id,
        options=[
            selectinload(PaymentRun.payments)
            .selectinload(Payment.award)
            .selectinload(Award.organisation)
        ],
    )


def runs_query():
    return (
        select(PaymentRun)
        .options(selectinload(PaymentRun.created_by))
        .order_by(PaymentRun.created_at.desc(), PaymentRun.id.desc())
    )


def bacs_reference(payment: Payment) -> str:
    """The award's reference and the instalment number, within BACS's 18 characters."""
    reference = f"{payment.award.reference}-{payment.number}"
    if len(reference) > BACS_REFERENCE_MAX:
        reference = f"{payment.award.reference.replace('-', '')}-{payment.number}"
    return reference[-BACS_REFERENCE_MAX:]


def _line(cells) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(str(c)) for c in cells])
    return buffer.getvalue()


def run_csv(actor: User, run: PaymentRun) -> Iterator[str]:
    """The run's file, one line at a time. Everything is checked (and the download audited)
    before the first line, so a refusal is a page, never half a file."""
    check_finance(actor)
    payments = list(run.payments)
    details = current_details_by_group({p.award.organisation_id for p in payments})
    rows = []
    for payment in payments:
        current = details.get(payment.award.organisation_id)
        if current is None or not current.is_verified:
            raise DomainError(
                f"{payment.award.organisation.name}'s bank details changed after this run was "
                "made and are not verified yet: verify them before downloading the file"
            )
        account = bank.account_of(current)
        rows.append(
            (
                account.account_name,
                account.sort_code,
                account.account_number,
                csv_pounds(payment.amount_pence),
                bacs_reference(payment),
            )
        )
    audit.record(actor, "payment_run.exported", run, after=run.audit_view())

    def lines() -> Iterator[str]:
        yield _line(CSV_HEADER)
        for row in rows:
            yield _line(row)

    return lines()


def next_friday(today: date) -> date:
    """The default "due by" date of a new run: this week's Friday (today, on a Friday)."""
    return today + timedelta(days=(4 - today.weekday()) % 7)
