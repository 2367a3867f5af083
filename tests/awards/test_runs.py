"""Payment runs: approved payments due by a date join one run, once; the file for the finance
system is exact, safe to open in a spreadsheet, and can be downloaded again without paying twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import payments, runs
from grants.awards.models import PaymentRun
from grants.awards.states import PaymentStatus
from grants.clock import uk_today
from grants.errors import DomainError
from grants.extensions import db
from grants.permissions import Role
from tests.awards.test_payments_setup import enter_details, ready_award
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("reference_data")
P = PaymentStatus
FAR = date(2030, 1, 1)


def _approved(ready, index: int = 0):
    payment = ready.award.payments[index]
    payments.raise_payment(ready.raiser, payment)
    payments.approve(ready.approver, payment)
    return payment


def test_a_run_sends_approved_payments_due_by_the_date():
    ready = ready_award()
    payment = _approved(ready)
    result = runs.create_run(ready.raiser, FAR)
    assert result.run.payments == [payment] and result.left_out == []
    assert payment.status == P.SENT and payment.run_id == result.run.id
    assert (result.run.total_pence, result.run.payment_count) == (250_000, 1)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["payment.sent", "payment_run.created"]
    payments.mark_paid(ready.approver, payment, uk_today(), "BACS-1")
    assert payment.status == P.PAID


def test_payments_due_later_stay_out_and_nothing_due_makes_no_run():
    ready = ready_award()
    payment = _approved(ready)
    with pytest.raises(DomainError, match="No approved payments are due by 1 January 2026"):
        runs.create_run(ready.raiser, date(2026, 1, 1))
    assert payment.status == P.APPROVED
    assert db.session.scalar(select(func.count(PaymentRun.id))) == 0


def test_a_second_run_never_takes_the_same_payments():
    ready = ready_award()
    _approved(ready)
    runs.create_run(ready.raiser, FAR)
    transaction.commit()
    with pytest.raises(DomainError, match="No approved payments are due"):
        runs.create_run(ready.raiser, FAR)
    db.session.rollback()
    assert db.session.scalar(select(func.count(PaymentRun.id))) == 1


def test_unverified_bank_details_leave_a_payment_out_and_say_why():
    ready, other = ready_award(), ready_award()
    kept, left = _approved(ready), _approved(other)
    # Approved, then the group changed its details: a held payment is not approved, so set
    # up the case where the change came after approval of another group's payment.
    enter_details(other.member, other.award, account_number="99998888")
    payments.bank.release_bank_holds(other.raiser, other.award.organisation_id)
    assert left.status == P.APPROVED
    result = runs.create_run(ready.raiser, FAR)
    assert result.run.payments == [kept]
    assert [(x.payment, x.reason) for x in result.left_out] == [
        (left, "The group's bank details are not verified")
    ]
    assert [(x.payment, x.reason) for x in runs.left_out_when_made(result.run)] == [
        (left, "The group's bank details are not verified")
    ]


def _csv(ready, run) -> str:
    return runs.run_file(viewer(), run).decode()


def viewer():
    """A finance officer who may also see bank details in full: who downloads run files."""
    return make_user(Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER)


def test_the_file_is_exact():
    ready = ready_award(123_457)  # one instalment of £1,234.57
    payment = _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    reference = f"{ready.award.reference}-1"
    assert len(reference) <= 18
    assert _csv(ready, run) == (
        "payee,sort_code,account_number,amount,reference\r\n"
        f"Pemberton Allotment Society,309430,00733445,1234.57,{reference}\r\n"
    )
    assert payment.status == P.SENT


def test_downloading_again_changes_nothing_but_the_audit_log():
    ready = ready_award(100_005)
    _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    first = _csv(ready, run)
    assert _csv(ready, run) == first
    assert "1000.05" in first
    exported = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment_run.exported")
    )
    assert exported == 2
    assert run.payment_count == 1 and db.session.scalar(select(func.count(PaymentRun.id))) == 1


def test_cells_a_spreadsheet_would_run_are_defused():
    ready = ready_award(100_000)
    ready.details.encrypted = runs.bank.crypto.encrypt(
        {"account_name": '=HYPERLINK("x")', "sort_code": "309430", "account_number": "00733445"}
    )
    _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    line = _csv(ready, run).splitlines()[1]
    assert line.startswith('"\'=HYPERLINK(""x"")"')
    assert runs.csv_pounds(5) == "0.05" and runs.csv_pounds(100) == "1.00"
    assert runs.csv_pounds(0) == "0.00"


def test_a_legacy_run_without_a_kept_file_is_refused_when_details_are_unverified():
    ready = ready_award(100_000)
    _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    run.file_encrypted = run.file_sha256 = None  # made before run files were kept
    run.status = runs.PaymentRunStatus.SENT  # downloaded before, so not voided by the change
    run.first_downloaded_at = run.created_at
    db.session.flush()
    enter_details(ready.member, ready.award, account_number="99998888")
    with pytest.raises(DomainError, match="changed after this run was made"):
        runs.run_file(viewer(), run)


def test_long_references_are_cut_to_bacs_length():
    ready = ready_award(100_000)
    payment = ready.award.payments[0]
    ready.award.reference = "CIF-2027-123456-AW"
    assert runs.bacs_reference(payment) == "CIF2027123456AW-1"


def test_a_run_defaults_to_this_weeks_friday():
    monday = date(2027, 3, 1)
    assert runs.next_friday(monday) == date(2027, 3, 5)
    assert runs.next_friday(date(2027, 3, 5)) == date(2027, 3, 5)
    assert runs.next_friday(date(2027, 3, 6)) == date(2027, 3, 12)
    assert runs.next_friday(monday) - monday == timedelta(days=4)
