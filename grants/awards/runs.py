"""Payment runs: approved payments due by a date, gathered into one file for the council's
finance system.

Each payment is claimed at "approved and in no run" before it joins a run, so a double submit
(or two officers at once) cannot put a payment in two runs; the second finds nothing left and
makes no run. The file is made with the run, from the payees' bank details at that moment, and
kept encrypted with its SHA-256: every download is the same file, checked against the hash, so a
later change of bank details never changes where a run's payments go. The file holds bank
details in full, so only someone who may see them in full downloads it, and each download is
audited. The first download sends the run; what a change of bank details does to a run is in
``run_changes``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.accounts.models import User
from grants.audit import AuditEvent
from grants.awards import bank, crypto
from grants.awards.access import check_finance, is_group_member
from grants.awards.models import Award, Payment, PaymentRun
from grants.awards.payments import current_details_by_group
from grants.awards.states import PAYMENTS, RUNS, Actor, PaymentRunStatus, PaymentStatus
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.formatting import long_date
from grants.permissions import Permission
from grants.screening.export import csv_pounds, neutralise
from grants.transaction import claim

CSV_HEADER = ("payee", "sort_code", "account_number", "amount", "reference")
BACS_REFERENCE_MAX = 18
NEEDS_VIEWER = (
    "The file holds bank details in full, so it needs a bank-details viewer to download: ask a "
    "finance officer who also has the bank-details viewer role"
)


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
    _keep_file(run, _file_bytes(sent))
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


def _file_bytes(payments: list[Payment]) -> bytes:
    """The file from each payee's current bank details, which must be verified."""
    details = current_details_by_group({p.award.organisation_id for p in payments})
    lines = [_line(CSV_HEADER)]
    for payment in payments:
        current = details.get(payment.award.organisation_id)
        if current is None or not current.is_verified:
            raise DomainError(
                f"{payment.award.organisation.name}'s bank details changed after this run was "
                "made and are not verified yet: verify them before downloading the file"
            )
        account = bank.account_of(current)
        lines.append(
            _line(
                (
                    account.account_name,
                    account.sort_code,
                    account.account_number,
                    csv_pounds(payment.amount_pence),
                    bacs_reference(payment),
                )
            )
        )
    return "".join(lines).encode()


def _keep_file(run: PaymentRun, content: bytes) -> None:
    run.file_encrypted = crypto.encrypt_bytes(content)
    run.file_sha256 = hashlib.sha256(content).hexdigest()


def may_download(viewer: User) -> bool:
    return viewer.can(Permission.MANAGE_PAYMENTS) and viewer.can(Permission.REVEAL_BANK_DETAILS)


def kept_file(run: PaymentRun) -> bytes | None:
    """The run's file as kept, checked against its SHA-256 (None for a run made before files
    were kept, until its next download)."""
    if run.file_encrypted is None:
        return None
    content = crypto.decrypt_bytes(run.file_encrypted)
    if hashlib.sha256(content).hexdigest() != run.file_sha256:
        raise DomainError("This run's file does not match its SHA-256: do not pay from it")
    return content


def run_file(actor: User, run: PaymentRun) -> bytes:
    """The run's file, the same bytes at every download. Only a finance officer who may see
    bank details in full gets it; the first download sends the run (a change of bank details
    then no longer voids it: ``run_changes``). Audited every time."""
    check_finance(actor)
    if not may_download(actor):
        raise NotAllowed(NEEDS_VIEWER)
    if not claim(run, status=run.status):  # the run's row lock, against a bank change at once
        db.session.refresh(run)
    if run.status not in (PaymentRunStatus.UNSENT, PaymentRunStatus.SENT):
        raise DomainError(
            "This run was voided because a payee's bank details changed before its file was "
            "downloaded: make a new run"
        )
    content = kept_file(run)
    if content is None:
        content = _file_bytes(list(run.payments))
        _keep_file(run, content)
    before = run.audit_view()
    if run.status == PaymentRunStatus.UNSENT:
        RUNS.check(run.status, PaymentRunStatus.SENT, Actor.FINANCE)
        run.status = PaymentRunStatus.SENT
        run.first_downloaded_at = utcnow()
        run.first_downloaded_by_id = actor.id
    db.session.flush()
    audit.record(actor, "payment_run.exported", run, before=before, after=run.audit_view())
    return content


@dataclass(frozen=True)
class RunLine:
    """One line of the run's file as any finance officer may see it: the account masked."""

    payee: str
    masked_account: str
    amount: str
    reference: str


def masked_lines(run: PaymentRun) -> list[RunLine]:
    content = kept_file(run)
    if content is None:
        return []
    rows = list(csv.reader(io.StringIO(content.decode())))[1:]
    return [
        RunLine(payee, f"****{number[-4:]}", amount, reference)
        for payee, _sort_code, number, amount, reference in rows
    ]


def next_friday(today: date) -> date:
    """The default "due by" date of a new run: this week's Friday (today, on a Friday)."""
    return today + timedelta(days=(4 - today.weekday()) % 7)
