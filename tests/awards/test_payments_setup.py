"""Set-up shared by the bank details, payments and payment run tests (no tests of its own)."""

from __future__ import annotations

from dataclasses import dataclass

from grants.accounts.models import User
from grants.awards import bank
from grants.awards.models import Award, BankDetails, VerificationMethod
from grants.awards.states import AwardStatus
from grants.clock import utcnow
from grants.extensions import db
from tests.awards.factories import Funded, finance_officer, released_award

ACCOUNT = {"account_name": "Pemberton Allotment Society", "sort_code": "30-94-30",
           "account_number": "0073 3445"}  # fmt: skip
FULL_NUMBER = "00733445"
FULL_SORT_CODE = "309430"


def accept(award: Award) -> Award:
    """The group accepts the offer (set directly: acceptance has tests of its own)."""
    award.status = AwardStatus.ACCEPTED
    award.accepted_at = utcnow()
    award.signatory_name = "Sam Signer"
    award.signatory_role = "Chair"
    db.session.flush()
    return award


@dataclass
class Ready:
    funded: Funded
    raiser: User  # a finance officer
    approver: User  # another finance officer
    details: BankDetails

    @property
    def award(self) -> Award:
        return self.funded.award

    @property
    def member(self) -> User:
        return self.funded.member


def enter_details(member: User, award: Award, **overrides) -> BankDetails:
    return bank.enter(member, award, **{**ACCOUNT, **overrides})


def ready_award(amount_pence: int = 500_000, **kwargs) -> Ready:
    """An accepted award whose group's bank details are entered and verified."""
    funded = released_award(amount_pence, **kwargs)
    accept(funded.award)
    raiser, approver = finance_officer(), finance_officer()
    details = enter_details(funded.member, funded.award)
    bank.verify(raiser, details, VerificationMethod.CALL_BACK, "Called the chair")
    return Ready(funded, raiser, approver, details)
