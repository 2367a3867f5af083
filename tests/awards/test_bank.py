"""Bank details: entered by the group (or by finance from a bank letter), encrypted, verified by
a finance officer who did not enter them, and guarded against mandate fraud: a change holds every
pending payment and tells every member of the group."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from grants import transaction
from grants.audit import AuditEvent
from grants.awards import bank, payments
from grants.awards.models import HoldKind, VerificationMethod
from grants.awards.states import AwardStatus, PaymentStatus
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.organisations.models import Membership
from grants.permissions import Role
from tests.awards.factories import finance_officer, released_award
from tests.awards.test_payments_setup import (
    ACCOUNT,
    FULL_NUMBER,
    FULL_SORT_CODE,
    accept,
    enter_details,
    ready_award,
)
from tests.factories import make_user

pytestmark = pytest.mark.usefixtures("reference_data")
P = PaymentStatus
CALL_BACK = VerificationMethod.CALL_BACK


def _actions(prefix: str) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.action.like(f"{prefix}%"))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _add_member(award, user):
    db.session.add(Membership(organisation_id=award.organisation_id, user_id=user.id))
    db.session.flush()
    return user


def test_a_member_gives_details_which_are_stored_encrypted_and_every_member_is_told(outbox):
    funded = released_award()
    accept(funded.award)
    other = _add_member(funded.award, make_user(name="Other Member"))
    transaction.commit()
    outbox.clear()
    details = enter_details(funded.member, funded.award)
    assert details.account_last4 == "3445"
    assert FULL_NUMBER not in details.encrypted and FULL_SORT_CODE not in details.encrypted
    assert bank.account_of(details).as_dict() == {
        "account_name": "Pemberton Allotment Society",
        "sort_code": FULL_SORT_CODE,
        "account_number": FULL_NUMBER,
    }
    assert bank.current_for(funded.award.organisation_id) == details
    assert not details.is_verified
    assert _actions("bank_details.") == ["bank_details.entered"]
    transaction.commit()
    recipients = sorted(m.to[0] for m in outbox)
    assert recipients == sorted([funded.member.email, other.email])
    body = outbox[0].body
    assert "ending 3445" in body and FULL_NUMBER not in body
    assert "We will check these details before paying" in body


def test_every_problem_with_the_details_is_reported_at_once():
    funded = released_award()
    accept(funded.award)
    with pytest.raises(InvalidInput) as raised:
        bank.enter(funded.member, funded.award, " ", "12-34", "1234567X")
    assert raised.value.errors == {
        "account_name": "Enter the name on the account",
        "sort_code": "Enter a valid sort code like 309430",
        "account_number": "Enter a valid account number like 00733445",
    }
    with pytest.raises(InvalidInput) as raised:
        bank.enter(funded.member, funded.award, "x" * 141, "", "")
    assert set(raised.value.errors) == {"account_name", "sort_code", "account_number"}


@pytest.mark.parametrize("sort_code", ["12-34-56", "12 34 56", "123456", " 12-34-56 "])
def test_sort_codes_are_accepted_as_people_write_them(sort_code):
    account = bank.check_account("Group", sort_code, "1234 5678")
    assert (account.sort_code, account.account_number) == ("123456", "12345678")
    assert account.sort_code_display == "12-34-56"


def test_details_wait_until_the_agreement_is_accepted():
    funded = released_award()
    with pytest.raises(DomainError, match="once the grant agreement has been accepted"):
        enter_details(funded.member, funded.award)


def test_only_the_group_or_finance_may_enter_details():
    funded = released_award()
    accept(funded.award)
    for outsider in (make_user(), make_user(Role.PROGRAMME_OFFICER), make_user(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            enter_details(outsider, funded.award)


def test_finance_enters_details_from_a_bank_letter_and_another_officer_verifies():
    funded = released_award()
    accept(funded.award)
    enterer, verifier = finance_officer(), finance_officer()
    details = enter_details(enterer, funded.award)
    with pytest.raises(NotAllowed, match="another finance officer must verify"):
        bank.verify(enterer, details, CALL_BACK, "")
    bank.verify(verifier, details, VerificationMethod.BANK_LETTER, "Letter dated 1 March")
    assert details.verified_by_id == verifier.id
    assert details.verification_method == VerificationMethod.BANK_LETTER


def test_the_database_refuses_a_verifier_who_entered_the_details():
    funded = released_award()
    accept(funded.award)
    enterer = finance_officer()
    details = enter_details(enterer, funded.award)
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "UPDATE bank_details SET verified_by_id = entered_by_id, verified_at = :now, "
                "verification_method = 'call_back' WHERE id = :id"
            ),
            {"id": details.id, "now": "2027-01-01 00:00:00"},
        )
        db.session.flush()
    db.session.rollback()


def test_verification_refusals():
    ready = ready_award()
    details = ready.details
    with pytest.raises(DomainError, match="already been verified"):
        bank.verify(ready.approver, details, CALL_BACK, "")
    new = enter_details(ready.member, ready.award, account_number="11112222")
    with pytest.raises(DomainError, match="replaced"):
        bank.verify(ready.approver, details, CALL_BACK, "")
    with pytest.raises(InvalidInput) as raised:
        bank.verify(ready.approver, new, None, "x" * 1001)
    assert set(raised.value.errors) == {"method", "note"}
    with pytest.raises(NotAllowed):
        bank.verify(ready.member, new, CALL_BACK, "")  # not a finance officer
    in_group = _add_member(ready.award, finance_officer())
    with pytest.raises(NotAllowed, match="You belong to "):
        bank.verify(in_group, new, CALL_BACK, "")


def test_a_change_holds_pending_payments_emails_every_member_and_verifying_releases_them(outbox):
    """The mandate-fraud flow: someone changes the account; nothing is paid to it until another
    finance officer has checked it, and everyone in the group hears of the change."""
    ready = ready_award()
    other = _add_member(ready.award, make_user(name="Treasurer"))
    first, second, third = ready.award.payments
    payments.raise_payment(ready.raiser, first)
    transaction.commit()
    outbox.clear()

    changed = enter_details(ready.member, ready.award, account_number="99998888")
    old = ready.details
    assert old.replaced_at is not None and changed.replaced_at is None
    assert bank.current_for(ready.award.organisation_id) == changed
    for payment, was in ((first, P.RAISED), (second, P.SCHEDULED), (third, P.SCHEDULED)):
        assert payment.status == P.HELD
        assert payment.hold_kind == HoldKind.BANK_DETAILS_CHANGED
        assert payment.held_from == was
        assert payment.hold_reason.startswith("Bank details changed on ")
        assert payment.hold_reason.endswith("waiting for them to be verified")
        assert payment.held_by_id == ready.member.id
    assert _actions("payment.held") == ["payment.held"] * 3
    assert _actions("bank_details.changed") == ["bank_details.changed"]

    transaction.commit()
    assert sorted(m.to[0] for m in outbox) == sorted([ready.member.email, other.email])
    body = outbox[0].body
    assert (
        "were changed by" in body and "ending 8888" in body and "did not make this change" in body
    )
    assert "99998888" not in body

    with pytest.raises(DomainError, match="verifying them releases it"):
        payments.release_hold(ready.raiser, first)
    with pytest.raises(DomainError):
        payments.approve(ready.approver, first)

    bank.verify(ready.approver, changed, CALL_BACK, "Called the number on file")
    assert [first.status, second.status, third.status] == [P.RAISED, P.SCHEDULED, P.SCHEDULED]
    assert first.hold_kind is None and first.hold_reason is None and first.held_from is None
    assert _actions("payment.hold_released") == ["payment.hold_released"] * 3
    payments.approve(ready.approver, first)
    assert first.status == P.APPROVED


def test_a_change_leaves_manual_holds_and_finished_payments_alone():
    ready = ready_award(100_000)  # one instalment
    [payment] = ready.award.payments
    payments.hold(ready.raiser, payment, "Query about the project")
    enter_details(ready.member, ready.award, account_number="99998888")
    assert payment.hold_kind == HoldKind.MANUAL
    assert payment.hold_reason == "Query about the project"


def test_first_details_hold_nothing():
    funded = released_award()
    accept(funded.award)
    enter_details(funded.member, funded.award)
    assert {p.status for p in funded.award.payments} == {P.SCHEDULED}


def test_revealing_needs_its_own_permission_and_is_audited():
    ready = ready_award()
    with pytest.raises(NotAllowed):
        bank.reveal(ready.raiser, ready.details)  # finance alone may not
    assert _actions("bank_details.revealed") == []
    viewer = make_user(Role.BANK_DETAILS_VIEWER)
    account = bank.reveal(viewer, ready.details)
    assert (account.account_number, account.sort_code) == (FULL_NUMBER, FULL_SORT_CODE)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "bank_details.revealed")
    )
    assert event.actor_id == viewer.id and event.object_id == str(ready.details.id)
    assert event.after == {"account": "****3445"}
    assert FULL_NUMBER not in str(event.after)


def test_audit_records_never_hold_the_details():
    ready = ready_award()
    enter_details(ready.member, ready.award, account_number="99998888")
    for event in db.session.scalars(select(AuditEvent)):
        assert "99998888" not in str(event.before) + str(event.after)
        assert FULL_NUMBER not in str(event.before) + str(event.after)


def test_account_value_and_award_state_are_checked_before_anything_changes():
    funded = released_award()
    funded.award.status = AwardStatus.DECLINED
    with pytest.raises(DomainError):
        bank.enter(funded.member, funded.award, **ACCOUNT)
    assert bank.current_for(funded.award.organisation_id) is None
