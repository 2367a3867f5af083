"""A group's bank details, with the controls councils use against mandate fraud.

A fraudster's favourite trick is to ask, by email or phone, for a grant to be paid to a "new"
account. So:
- details are entered by a member of the group (or, for a group without a computer, by a finance
  officer from a bank letter) and are encrypted at rest (``crypto``); only the last four digits
  of the account number stay readable, for masked display;
- a finance officer who did not enter them verifies them, recording how (a call back to a number
  already on file, never one given with the change); nothing is paid until they have;
- any change puts every pending payment of the group on hold until the new details are verified,
  and emails every member of the group, so a change nobody in the group made is noticed;
- seeing them in full is its own permission, and every reveal is audited;
- an account another group has given too (found by a keyed fingerprint, never by decrypting
  every row) is shown to finance with the other group named, and verifying it needs a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants import audit
from grants.accounts.models import User
from grants.awards import crypto
from grants.awards.access import OWN_GROUP, check_finance, check_group_member, is_group_member
from grants.awards.models import Award, BankDetails, HoldKind, Payment, VerificationMethod
from grants.awards.states import IN_FORCE, PAYMENTS, PENDING, Actor, PaymentStatus
from grants.clock import uk_today, utcnow
from grants.email import queue_email
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.formatting import long_date
from grants.organisations.call_back import call_back_number
from grants.organisations.models import Organisation
from grants.organisations.services import (
    is_member,
    memberships_of,
    recently_ended_memberships,
)
from grants.permissions import Permission
from grants.transaction import claim

ACCOUNT_NAME_MAX = 140
NOTE_MAX = 1_000
_SORT_CODE = re.compile(r"[0-9]{6}")
_ACCOUNT_NUMBER = re.compile(r"[0-9]{8}")
# Removing the others and then changing the account is how a group's money is taken over: those
# removed this long ago or less hear of a change too.
REMOVED_MEMBERS_TOLD_DAYS = 30
DUPLICATE_REASON_NEEDED = (
    "Another group has given this account: say why paying it here is right, for example who "
    "you spoke to at both groups"
)
# Called when a group's bank details change, before its pending payments are held: payment runs
# register here (``run_changes.details_changed``), so a run not yet downloaded is voided.
_change_hooks: list[Callable[[User, int], None]] = []


def on_details_changed(hook: Callable[[User, int], None]) -> Callable[[User, int], None]:
    _change_hooks.append(hook)
    return hook


@dataclass(frozen=True)
class Account:
    """Bank details as typed, once checked and tidied (digits only)."""

    account_name: str
    sort_code: str
    account_number: str

    @property
    def sort_code_display(self) -> str:
        return "-".join(self.sort_code[i : i + 2] for i in (0, 2, 4))

    def as_dict(self) -> dict:
        return {
            "account_name": self.account_name,
            "sort_code": self.sort_code,
            "account_number": self.account_number,
        }


def check_account(account_name: str, sort_code: str, account_number: str) -> Account:
    """Tidy and check what was typed, reporting every problem at once.

    The UK modulus check (Vocalink's rules) would catch most mistyped numbers, but schwifty, the
    maintained library we use for bank codes, has no checksum algorithm for GB accounts (its GB
    BBAN also needs the bank's four-letter code, which people do not know). Rather than keep a
    copy of Vocalink's weight tables by hand, only the format is checked here; the finance
    officer's verification (a call back or a bank letter) is what proves the account.
    """
    errors = {}
    name = " ".join((account_name or "").split())
    sort = re.sub(r"[\s-]", "", sort_code or "")
    number = re.sub(r"\s", "", account_number or "")
    if not name:
        errors["account_name"] = "Enter the name on the account"
    elif len(name) > ACCOUNT_NAME_MAX:
        errors["account_name"] = (
            f"Name on the account must be {ACCOUNT_NAME_MAX} characters or fewer"
        )
    if not sort:
        errors["sort_code"] = "Enter a sort code"
    elif not _SORT_CODE.fullmatch(sort):
        errors["sort_code"] = "Enter a valid sort code like 309430"
    if not number:
        errors["account_number"] = "Enter an account number"
    elif not _ACCOUNT_NUMBER.fullmatch(number):
        errors["account_number"] = "Enter a valid account number like 00733445"
    if errors:
        raise InvalidInput(errors)
    return Account(name, sort, number)


def current_for(organisation_id: int) -> BankDetails | None:
    """The details payments go to now: the group's row that has not been replaced."""
    return db.session.scalar(
        select(BankDetails)
        .where(BankDetails.organisation_id == organisation_id, BankDetails.replaced_at.is_(None))
        .order_by(BankDetails.id.desc())
        .limit(1)
    )


def history_for(organisation_id: int) -> list[BankDetails]:
    """Every set of details the group has given, newest first (masked on every page)."""
    return list(
        db.session.scalars(
            select(BankDetails)
            .where(BankDetails.organisation_id == organisation_id)
            .options(selectinload(BankDetails.entered_by), selectinload(BankDetails.verified_by))
            .order_by(BankDetails.id.desc())
        )
    )


def _group_payments(organisation_id: int, *where) -> list[Payment]:
    return list(
        db.session.scalars(
            select(Payment)
            .join(Award, Payment.award_id == Award.id)
            .where(Award.organisation_id == organisation_id, *where)
            .order_by(Payment.id)
        )
    )


def enter(
    actor: User, award: Award, account_name: str, sort_code: str, account_number: str
) -> BankDetails:
    """Record the group's bank details: by a member of the group, or by a finance officer from a
    bank letter for a group without a computer (another finance officer then verifies them)."""
    if not is_group_member(actor, award):
        if not actor.can(Permission.MANAGE_PAYMENTS):
            check_group_member(actor, award)
        check_finance(actor, award)
    if award.status not in IN_FORCE:
        raise DomainError("Bank details can be given once the grant agreement has been accepted")
    account = check_account(account_name, sort_code, account_number)
    organisation = db.session.get(Organisation, award.organisation_id)
    # The group's row lock puts two changes at once in order: the second sees the first's row.
    if not claim(organisation, id=organisation.id):
        raise DomainError("The group could not be found")
    previous = current_for(organisation.id)
    now = utcnow()
    if previous is not None:
        previous.replaced_at = now
        db.session.flush()
    details = BankDetails(
        organisation_id=organisation.id,
        encrypted=crypto.encrypt(account.as_dict()),
        account_last4=account.account_number[-4:],
        account_fingerprint=crypto.fingerprint(account.sort_code, account.account_number),
        entered_by_id=actor.id,
        entered_at=now,
    )
    db.session.add(details)
    db.session.flush()
    audit.record(
        actor,
        "bank_details.changed" if previous else "bank_details.entered",
        details,
        before=previous.audit_view() if previous else None,
        after={
            **details.audit_view(),
            "same_account_as_groups": [o.id for o in groups_with_same_account(details)],
        },
    )
    if previous is not None:
        for hook in _change_hooks:
            hook(actor, organisation.id)
        _hold_pending(actor, organisation.id)
    _tell_members(actor, organisation, details, changed=previous is not None)
    return details


def _hold_pending(actor: User, organisation_id: int) -> None:
    reason = f"Bank details changed on {long_date(uk_today())}: waiting for them to be verified"
    for payment in _group_payments(organisation_id, Payment.status.in_(PENDING)):
        PAYMENTS.check(payment.status, PaymentStatus.HELD, Actor.SYSTEM)
        before = payment.audit_view()
        payment.held_from = payment.status
        payment.status = PaymentStatus.HELD
        payment.hold_kind = HoldKind.BANK_DETAILS_CHANGED
        payment.hold_reason = reason
        payment.held_by_id = actor.id
        payment.status_changed_at = utcnow()
        db.session.flush()
        audit.record(actor, "payment.held", payment, before=before, after=payment.audit_view())


def _tell_members(actor: User, organisation: Organisation, details: BankDetails, *, changed: bool):
    """Every member hears of new or changed details, and of a change, so does everyone removed
    from the group in the last 30 days: if one of them did not make the change, they can tell the
    council before anything is paid."""
    people = [(m.user.full_name, m.user.email) for m in memberships_of(organisation)]
    if changed:  # someone removed just before the change may be the one the group needs
        told = {address for _, address in people}
        removed = recently_ended_memberships(organisation, REMOVED_MEMBERS_TOLD_DAYS)
        people += [(m.user.full_name, m.user.email) for m in removed if m.user.email not in told]
        people = list(dict.fromkeys(people))  # someone removed twice is told once
    if not people and organisation.contact_email:
        people = [(organisation.contact_name or organisation.name, organisation.contact_email)]
    subject = "Your group's bank details were changed" if changed else "Bank details received"
    for name, address in people:
        queue_email(
            address,
            subject,
            "bank_details_changed" if changed else "bank_details_given",
            name=name,
            organisation=organisation,
            entered_by=actor,
            entered_at=details.entered_at,
            masked_account=details.masked_account,
        )


def verify(
    actor: User, details: BankDetails, method: VerificationMethod | None, note: str | None
) -> BankDetails:
    """A finance officer who did not enter the details, and is not in the group, confirms them.
    Payments held because the details changed go back to where they were."""
    check_finance(actor)
    if is_member(actor, details.organisation_id):
        raise NotAllowed(OWN_GROUP)
    if details.entered_by_id == actor.id:
        raise NotAllowed(
            "You entered these bank details, so another finance officer must verify them"
        )
    if details.replaced_at is not None:
        raise DomainError("These bank details have been replaced by newer ones")
    if details.is_verified:
        raise DomainError("These bank details have already been verified")
    call_back = call_back_number(details.organisation)
    if call_back.problem:
        raise DomainError(call_back.problem)
    errors = {}
    if method is None:
        errors["method"] = "Choose how you checked the bank details"
    note = (note or "").strip()
    duplicates = groups_with_same_account(details)
    if len(note) > NOTE_MAX:
        errors["note"] = f"Note must be {NOTE_MAX:,} characters or fewer"
    elif duplicates and not note:
        errors["note"] = DUPLICATE_REASON_NEEDED
    if errors:
        raise InvalidInput(errors)
    if not claim(details, verified_at=None):
        raise DomainError("These bank details have already been verified")
    before = details.audit_view()
    details.verified_at = utcnow()
    details.verified_by_id = actor.id
    details.verification_method = method
    details.verification_note = note or None
    details.duplicate_reason = note if duplicates else None
    db.session.flush()
    audit.record(actor, "bank_details.verified", details, before=before, after=details.audit_view())
    release_bank_holds(actor, details.organisation_id)
    return details


def release_bank_holds(actor: User, organisation_id: int) -> list[Payment]:
    """Return every payment held for a change of bank details to the state it was held from."""
    released = _group_payments(
        organisation_id,
        Payment.status == PaymentStatus.HELD,
        Payment.hold_kind == HoldKind.BANK_DETAILS_CHANGED,
    )
    for payment in released:
        target = payment.held_from
        PAYMENTS.check(payment.status, target, Actor.SYSTEM)
        before = payment.audit_view()
        payment.status = target
        payment.hold_kind = payment.hold_reason = payment.held_from = None
        payment.held_by_id = None
        payment.status_changed_at = utcnow()
        db.session.flush()
        audit.record(
            actor, "payment.hold_released", payment, before=before, after=payment.audit_view()
        )
    return released


def reveal(actor: User, details: BankDetails) -> Account:
    """The details in full, for someone with the permission to see them; audited every time."""
    if not actor.can(Permission.REVEAL_BANK_DETAILS):
        raise NotAllowed("You do not have permission to see bank details in full")
    audit.record(actor, "bank_details.revealed", details, after={"account": details.masked_account})
    return account_of(details)


def account_of(details: BankDetails) -> Account:
    """Decrypt, for the reveal page, the payment run file and the name on the account shown to
    the officer approving a payment (``payee_for``) only."""
    data = crypto.decrypt(details.encrypted)
    return Account(data["account_name"], data["sort_code"], data["account_number"])


def groups_with_same_account(details: BankDetails) -> list[Organisation]:
    """Other groups that have given this account (now or before), by its fingerprint: a
    fraudster's account given for two groups, or a mistake, for finance to look into."""
    if not details.account_fingerprint:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.id.in_(
                    select(BankDetails.organisation_id).where(
                        BankDetails.account_fingerprint == details.account_fingerprint,
                        BankDetails.organisation_id != details.organisation_id,
                    )
                )
            )
            .order_by(Organisation.name, Organisation.id)
        )
    )


@dataclass(frozen=True)
class Payee:
    """Where a payment goes, as the officer approving it sees it: the name on the account and the
    account masked, with how the details were checked. Never the details in full."""

    details: BankDetails
    account_name: str
    same_account: list[Organisation]


def payee_for(organisation_id: int) -> Payee | None:
    details = current_for(organisation_id)
    if details is None:
        return None
    return Payee(details, account_of(details).account_name, groups_with_same_account(details))


def is_ready_for_payment(organisation_id: int) -> bool:
    details = current_for(organisation_id)
    return details is not None and details.is_verified


def section_for(viewer: User, award: Award) -> dict | None:
    """The bank details part of the award's page. The group sees its account masked and may
    change it; finance sees whether it is verified (by whom, how), the history of changes and
    the buttons it may use. Nobody sees the details in full here."""
    if not viewer.is_authenticated:
        return None
    member = is_group_member(viewer, award)
    current = current_for(award.organisation_id)
    if member:
        if current is None and not award.is_in_force:
            return None
        return {"for_group": True, "current": current, "can_enter": award.is_in_force}
    staff = viewer.can(Permission.MANAGE_PAYMENTS) or viewer.can(Permission.REVEAL_BANK_DETAILS)
    if not staff:
        return None
    finance = viewer.can(Permission.MANAGE_PAYMENTS)
    return {
        "for_group": False,
        "current": current,
        "history": history_for(award.organisation_id),
        "can_enter": finance and award.is_in_force,
        "can_verify": finance
        and current is not None
        and not current.is_verified
        and current.entered_by_id != viewer.id,
        "can_reveal": viewer.can(Permission.REVEAL_BANK_DETAILS),
        "same_account": groups_with_same_account(current) if current else [],
    }
