"""Money coming back from a group: underspend returned, or clawback of money not used as agreed.

Each is a ledger transaction of its own (never an edit of what was paid), recorded by a finance
officer, for no more than the group has been paid and not yet returned. The award's row lock
puts two recordings at once in order, so together they cannot return more than was paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grants import audit, transaction
from grants.accounts.models import User
from grants.awards.access import check_finance, is_group_member
from grants.awards.ledger import AwardMoney, money_of
from grants.awards.models import Award, Recovery, RecoveryKind
from grants.clock import uk_today
from grants.errors import DomainError, InvalidInput
from grants.extensions import db
from grants.money import format_pence
from grants.permissions import Permission

REASON_MAX_LENGTH = 5_000


@dataclass
class RecoveryDetails:
    """Money returned as finance records it. None means "not answered"."""

    kind: RecoveryKind | None
    amount_pence: int | None
    received_on: date | None
    reason: str | None


def can_recover(award: Award) -> bool:
    return award.is_in_force or award.is_finished


def recovery_errors(money: AwardMoney, details: RecoveryDetails) -> dict[str, str]:
    problems: dict[str, str] = {}
    if details.kind is None:
        problems["kind"] = "Choose whether this is underspend returned or clawback"
    if details.amount_pence is None:
        problems["amount_pence"] = "Enter the amount received"
    elif details.amount_pence <= 0:
        problems["amount_pence"] = "The amount must be more than £0"
    elif details.amount_pence > money.net_spend_pence:
        problems["amount_pence"] = (
            f"The amount must be {format_pence(max(money.net_spend_pence, 0))} or less, what "
            "the group has been paid and not yet returned"
        )
    if details.received_on is None:
        problems["received_on"] = "Enter the date the money was received"
    elif details.received_on > uk_today():
        problems["received_on"] = "The date the money was received must be today or in the past"
    reason = (details.reason or "").strip()
    if not reason:
        problems["reason"] = "Enter why the money was returned"
    elif len(reason) > REASON_MAX_LENGTH:
        problems["reason"] = f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"
    return problems


def check_can_record(actor: User, award: Award) -> None:
    check_finance(actor, award)
    if not can_recover(award):
        raise DomainError("Money can be recorded as returned only once the award is accepted")


def record(actor: User, award: Award, details: RecoveryDetails) -> Recovery:
    check_can_record(actor, award)
    if not transaction.claim(award, status=award.status):
        db.session.refresh(award)
        raise DomainError("The award changed just now: check it and try again")
    check_can_record(actor, award)
    problems = recovery_errors(money_of(award), details)
    if problems:
        raise InvalidInput(problems)
    recovery = Recovery(
        award=award,
        kind=details.kind,
        amount_pence=details.amount_pence,
        received_on=details.received_on,
        reason=details.reason.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(recovery)
    db.session.flush()
    audit.record(actor, "recovery.recorded", recovery, after=recovery.audit_view())
    return recovery


@dataclass
class Section:
    """The award page's "money" section: what was paid and returned, and finance's actions."""

    award: Award
    money: AwardMoney
    recoveries: list[Recovery]
    can_record: bool
    can_close: bool


def section(viewer: User, award: Award) -> Section | None:
    from grants.awards.closing import can_close

    is_staff = viewer.can(Permission.VIEW_ALL_GROUPS)
    if not (is_staff or is_group_member(viewer, award)) or not can_recover(award):
        return None
    acts = viewer.can(Permission.MANAGE_PAYMENTS) and not is_group_member(viewer, award)
    return Section(
        award=award,
        money=money_of(award),
        recoveries=list(award.recoveries),
        can_record=acts,
        can_close=acts and can_close(award),
    )
