"""A run's file is fixed when the run is made: a later change of bank details never changes where
its payments go. A change before the file is downloaded voids the run; after, the payment is
flagged to be stopped at the bank."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import bank, payments, run_changes, runs
from grants.awards.models import HoldKind, PaymentRun, VerificationMethod
from grants.awards.states import PaymentRunStatus, PaymentStatus
from grants.clock import uk_today
from grants.errors import DomainError
from grants.extensions import db
from grants.permissions import Role
from tests.awards.test_payments_setup import FULL_NUMBER, enter_details, ready_award
from tests.checks import soup_of
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.usefixtures("reference_data")
P = PaymentStatus
R = PaymentRunStatus
FAR = date(2030, 1, 1)
NEW_NUMBER = "99998888"


def _approved(ready, index: int = 0):
    payment = ready.award.payments[index]
    payments.raise_payment(ready.raiser, payment)
    payments.approve(ready.approver, payment)
    return payment


def _viewer():
    return make_user(Role.FINANCE_OFFICER, Role.BANK_DETAILS_VIEWER)


def _verify_new(ready):
    details = bank.current_for(ready.award.organisation_id)
    bank.verify(ready.approver, details, VerificationMethod.CALL_BACK, "Called the chair back")


def test_every_download_is_the_file_made_with_the_run_even_after_a_bank_change():
    ready = ready_award(100_000)
    payment = _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    assert run.status == R.UNSENT and run.file_sha256
    first = runs.run_file(_viewer(), run)
    assert run.status == R.SENT and run.first_downloaded_at is not None
    assert hashlib.sha256(first).hexdigest() == run.file_sha256
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    _verify_new(ready)  # even verified, the new account is not in a file already sent
    again = runs.run_file(_viewer(), run)
    assert again == first and FULL_NUMBER.encode() in again and NEW_NUMBER.encode() not in again
    assert payment.status == P.HELD and payment.hold_kind == HoldKind.STOP_AT_BANK
    exports = select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment_run.exported")
    assert db.session.scalar(exports) == 2


def test_a_file_that_does_not_match_its_hash_is_refused():
    ready = ready_award(100_000)
    _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    run.file_encrypted = runs.crypto.encrypt_bytes(b"payee,sort_code\r\nFraud,000000\r\n")
    with pytest.raises(DomainError, match="does not match its SHA-256"):
        runs.run_file(_viewer(), run)


def test_a_change_before_the_first_download_voids_the_run():
    ready, other = ready_award(100_000), ready_award(200_000)
    changed, kept = _approved(ready), _approved(other)
    run = runs.create_run(ready.raiser, FAR).run
    old_hash = run.file_sha256
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    assert run.status == R.VOID and run.voided_at is not None and run.payments == []
    assert kept.status == P.APPROVED and kept.run_id is None
    assert changed.status == P.HELD and changed.hold_kind == HoldKind.BANK_DETAILS_CHANGED
    with pytest.raises(DomainError, match="voided"):
        runs.run_file(_viewer(), run)
    # The changed group's payment waits for its new details; the other goes in a new run.
    second = runs.create_run(ready.raiser, FAR).run
    assert second.payments == [kept] and second.file_sha256 != old_hash
    _verify_new(ready)
    assert changed.status == P.APPROVED
    third = runs.create_run(ready.raiser, FAR).run
    assert third.payments == [changed]
    assert NEW_NUMBER.encode() in runs.run_file(_viewer(), third)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"payment_run.voided", "payment.run_voided"} <= actions


def test_a_change_after_the_download_flags_the_payment_to_stop_at_the_bank():
    ready, other = ready_award(100_000), ready_award(200_000)
    changed, kept = _approved(ready), _approved(other)
    run = runs.create_run(ready.raiser, FAR).run
    runs.run_file(_viewer(), run)
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    assert run.status == R.SENT and set(run.payments) == {changed, kept}
    assert kept.status == P.SENT
    assert changed.status == P.HELD and changed.held_from == P.SENT
    assert "ask the bank to stop it" in changed.hold_reason
    assert "stop" in payments.actions_for(ready.approver, changed)
    # Verifying the new details does not quietly send it on; nor may it be released or cancelled.
    _verify_new(ready)
    assert changed.status == P.HELD
    for refused in (
        lambda: payments.release_hold(ready.approver, changed),
        lambda: payments.cancel(ready.approver, changed, "No"),
        lambda: payments.mark_paid(ready.approver, changed, uk_today(), "R"),
    ):
        with pytest.raises(DomainError):
            refused()


def test_stopped_at_the_bank_the_payment_goes_in_a_new_run_to_the_new_account():
    ready = ready_award(100_000)
    payment = _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    runs.run_file(_viewer(), run)
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    _verify_new(ready)
    with pytest.raises(DomainError, match="Choose what the bank said"):
        run_changes.record_bank_answer(ready.approver, payment, None)
    run_changes.record_bank_answer(ready.approver, payment, True)
    assert payment.status == P.APPROVED and payment.run_id is None
    with pytest.raises(DomainError, match="not waiting to be stopped"):
        run_changes.record_bank_answer(ready.approver, payment, True)  # a second click
    new_run = runs.create_run(ready.raiser, FAR).run
    assert new_run.payments == [payment]
    assert NEW_NUMBER.encode() in runs.run_file(_viewer(), new_run)
    assert runs.kept_file(run) != runs.kept_file(new_run)


def test_not_stopped_at_the_bank_the_payment_stays_in_its_run_to_be_recorded_paid():
    ready = ready_award(100_000)
    payment = _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    runs.run_file(_viewer(), run)
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    run_changes.record_bank_answer(ready.approver, payment, False)
    assert payment.status == P.SENT and payment.run_id == run.id
    payments.mark_paid(ready.approver, payment, uk_today(), "BACS-1")
    assert payment.status == P.PAID


def test_a_bank_change_and_a_download_at_once_are_put_in_order():
    """The download sends the run first (committed), then the change arrives: it finds the run
    sent and flags the payment instead of voiding a file already with the bank."""
    ready = ready_award(100_000)
    payment = _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    transaction.commit()
    # The change read the run as unsent, then the download committed before its claim.
    db.session.execute(
        PaymentRun.__table__.update()
        .where(PaymentRun.id == run.id)
        .values(status="sent", first_downloaded_at=run.created_at)
    )
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    assert run.status == R.SENT
    assert payment.status == P.HELD and payment.hold_kind == HoldKind.STOP_AT_BANK


def test_finance_without_the_viewer_role_never_gets_the_file(client):
    """finance2@ may see masked details only: the run page shows the accounts masked and says
    who can download; the download URL itself is refused and nothing is sent or audited."""
    ready = ready_award(100_000)
    _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    transaction.commit()
    sign_in(client, ready.approver)
    page = client.get(f"/payments/runs/{run.id}")
    text = page.get_data(as_text=True)
    assert "needs a bank-details viewer to download" in text
    assert "****3445" in text and FULL_NUMBER not in text
    assert run.file_sha256 in text
    assert not soup_of(page).find("a", href=f"/payments/runs/{run.id}.csv")
    assert client.get(f"/payments/runs/{run.id}.csv").status_code == 403
    db.session.expire_all()
    assert run.status == R.UNSENT
    exports = select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment_run.exported")
    assert db.session.scalar(exports) == 0


def test_replayed_downloads_are_the_same_bytes_and_each_is_audited(client):
    ready = ready_award(100_005)
    _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    transaction.commit()
    sign_in(client, _viewer())
    first = client.get(f"/payments/runs/{run.id}.csv")
    second = client.get(f"/payments/runs/{run.id}.csv")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert hashlib.sha256(first.get_data()).hexdigest() == run.file_sha256
    exports = select(func.count(AuditEvent.id)).where(AuditEvent.action == "payment_run.exported")
    assert db.session.scalar(exports) == 2
    page = client.get(f"/payments/runs/{run.id}").get_data(as_text=True)
    assert "Downloaded" in page and run.file_sha256 in page


def test_the_stop_page_records_what_the_bank_said(client):
    ready = ready_award(100_000)
    payment = _approved(ready)
    run = runs.create_run(ready.raiser, FAR).run
    runs.run_file(_viewer(), run)
    enter_details(ready.member, ready.award, account_number=NEW_NUMBER)
    transaction.commit()
    sign_in(client, ready.approver)
    shown = client.get(f"/payments/{payment.id}").get_data(as_text=True)
    assert "Record what the bank said" in shown
    assert client.post(f"/payments/{payment.id}/stop", data={"stopped": "maybe"}).status_code == 200
    response = client.post(
        f"/payments/{payment.id}/stop", data={"stopped": "yes"}, follow_redirects=True
    )
    assert "What the bank said is recorded" in response.get_data(as_text=True)
    db.session.expire_all()
    assert payment.status == P.APPROVED and payment.run_id is None
