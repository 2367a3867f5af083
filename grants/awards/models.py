"""Awards and the money that follows them: the round's award terms, each award with its offer
documents, report due dates and payment schedule, the group's bank details (encrypted), payment
runs, variations and money recovered.

Every figure finance reads (committed, paid, outstanding, remaining) is computed from these rows
(``grants.awards.ledger``), never stored as a running total. Variations and recoveries are their
own records: an award's amount is never edited once the offer has gone.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.awards.states import (
    COMMITTED,
    FINISHED,
    IN_FORCE,
    AwardStatus,
    PaymentRunStatus,
    PaymentStatus,
)
from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db


class ReleaseCondition(enum.StrEnum):
    """What must happen before an instalment may be raised."""

    ON_ACCEPTANCE = "on_acceptance"
    INTERIM_REPORT = "interim_report"
    FINAL_REPORT = "final_report"

    @property
    def label(self) -> str:
        return RELEASE_LABELS[self]


RELEASE_LABELS = {
    ReleaseCondition.ON_ACCEPTANCE: "When the agreement is accepted",
    ReleaseCondition.INTERIM_REPORT: "When the interim report is accepted",
    ReleaseCondition.FINAL_REPORT: "When the final report is accepted",
}


class ReportKind(enum.StrEnum):
    INTERIM = "interim"
    FINAL = "final"

    @property
    def label(self) -> str:
        return "Interim report" if self == ReportKind.INTERIM else "Final report"


# The report whose acceptance releases an instalment.
REPORT_FOR_CONDITION = {
    ReleaseCondition.INTERIM_REPORT: ReportKind.INTERIM,
    ReleaseCondition.FINAL_REPORT: ReportKind.FINAL,
}


class AwardTerms(db.Model):
    """A round's terms for its awards: the payment schedule template, how long an offer stays
    open and the standard terms printed in every agreement. A round without a row uses the
    defaults (``grants.awards.schedule.DEFAULT_TERMS``)."""

    __tablename__ = "award_terms"
    __table_args__ = (
        CheckConstraint("single_payment_limit_pence >= 0", name="limit_not_negative"),
        CheckConstraint("offer_valid_days >= 1", name="offer_valid_days_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    # Awards up to this amount are paid in one instalment on acceptance.
    single_payment_limit_pence: Mapped[int] = mapped_column(BigInteger)
    # Larger awards: [{"percent": 50, "condition": "on_acceptance"}, ...], adding up to 100.
    instalments: Mapped[list[dict]] = mapped_column(JSON)
    offer_valid_days: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(Text, default="")  # Markdown, printed in the agreement

    round = relationship("Round")

    def audit_view(self) -> dict:
        return {
            "single_payment_limit_pence": self.single_payment_limit_pence,
            "instalments": list(self.instalments or []),
            "offer_valid_days": self.offer_valid_days,
            "terms": self.terms,
        }


class Award(db.Model):
    """A grant offered to a group after the panel decided to fund its application.

    ``amount_pence`` is the amount offered; approved variations change what is committed from
    then on (``current_amount_pence``), each as its own record.
    """

    __tablename__ = "award"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        CheckConstraint(
            "accepted_at IS NULL OR signatory_name IS NOT NULL", name="acceptance_has_signatory"
        ),
        CheckConstraint(
            "increase_approved_by_id IS NULL OR increase_approved_by_id <> increase_proposed_by_id",
            name="increase_approver_is_not_proposer",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("panel_decision.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("fund_contribution.id"), index=True
    )
    status: Mapped[AwardStatus] = mapped_column(
        str_enum(AwardStatus, "award_status"), default=AwardStatus.PREPARING, index=True
    )
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # An amount other than the panel's decision, before the offer: why; and, for more than the
    # panel decided, who set it and the other finance officer who approved it.
    amount_reason: Mapped[str | None] = mapped_column(Text)
    increase_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    increase_proposed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    increase_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    increase_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    offered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    offer_expires_on: Mapped[date | None] = mapped_column(Date)
    # The round's terms as printed in the offer: the agreement the group accepts, kept even if the
    # round's terms change later.
    offered_terms: Mapped[str | None] = mapped_column(Text)

    # Acceptance: online by the group's signatory, or on paper recorded by a finance officer.
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    signatory_role: Mapped[str | None] = mapped_column(String(200))
    accepted_on_paper: Mapped[bool | None] = mapped_column()
    # Declined by the group, withdrawn by the council, or closed: why.
    ended_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    application = relationship("Application")
    decision = relationship("Decision")
    round = relationship("Round")
    organisation = relationship("Organisation")
    contribution = relationship("Contribution")
    created_by = relationship("User", foreign_keys=[created_by_id])
    offered_by = relationship("User", foreign_keys=[offered_by_id])
    accepted_by = relationship("User", foreign_keys=[accepted_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])
    increase_proposed_by = relationship("User", foreign_keys=[increase_proposed_by_id])
    increase_approved_by = relationship("User", foreign_keys=[increase_approved_by_id])
    payments: Mapped[list[Payment]] = relationship(
        back_populates="award", order_by="Payment.number", cascade="all, delete-orphan"
    )
    reports: Mapped[list[ReportDue]] = relationship(
        back_populates="award", order_by="ReportDue.due_on", cascade="all, delete-orphan"
    )
    documents: Mapped[list[AwardDocument]] = relationship(
        back_populates="award", order_by="AwardDocument.id", cascade="all, delete-orphan"
    )
    variations: Mapped[list[Variation]] = relationship(
        back_populates="award", order_by="Variation.id", cascade="all, delete-orphan"
    )
    recoveries: Mapped[list[Recovery]] = relationship(
        back_populates="award", order_by="Recovery.id", cascade="all, delete-orphan"
    )

    @property
    def is_committed(self) -> bool:
        return self.status in COMMITTED

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def can_adjust(self) -> bool:
        """Finance may change the amount, dates and conditions only before the offer goes."""
        return self.status == AwardStatus.PREPARING

    @property
    def decided_amount_pence(self) -> int:
        """What the panel decided: the award's amount unless finance had reason to change it."""
        return self.decision.amount_pence

    @property
    def increase_awaits_approval(self) -> bool:
        """More than the panel decided, not yet approved by a second finance officer: the offer
        cannot be sent."""
        return (
            self.amount_pence > self.decided_amount_pence and self.increase_approved_by_id is None
        )

    @property
    def current_amount_pence(self) -> int:
        """The amount offered plus every approved variation of the amount."""
        return self.amount_pence + sum(
            v.amount_change_pence for v in self.variations if v.is_approved
        )

    def audit_view(self) -> dict:
        return {
            "status": self.status.value,
            "amount_pence": self.amount_pence,
            "conditions": list(self.conditions or []),
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "contribution_id": self.contribution_id,
            "offer_expires_on": self.offer_expires_on.isoformat()
            if self.offer_expires_on
            else None,
            "signatory_name": self.signatory_name,
            "signatory_role": self.signatory_role,
            "ended_reason": self.ended_reason,
            "amount_reason": self.amount_reason,
            "increase_proposed_by_id": self.increase_proposed_by_id,
            "increase_approved_by_id": self.increase_approved_by_id,
        }


class DocumentKind(enum.StrEnum):
    OFFER = "offer"  # the offer letter and grant agreement, one PDF per issue
    COUNTERSIGNED = "countersigned"  # the agreement with the group's acceptance recorded
    SIGNED_SCAN = "signed_scan"  # a paper acceptance: the scan of the signed page

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS = {
    DocumentKind.OFFER: "Offer letter and grant agreement",
    DocumentKind.COUNTERSIGNED: "Countersigned grant agreement",
    DocumentKind.SIGNED_SCAN: "Signed acceptance (scan)",
}


class AwardDocument(db.Model):
    """An issued document, stored once with its SHA-256. Reissuing adds a version; nothing is
    overwritten, so what the group signed can always be shown again byte for byte."""

    __tablename__ = "award_document"
    __table_args__ = (
        UniqueConstraint("award_id", "kind", "version", name="one_version_number"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "award_document_kind"))
    version: Mapped[int] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    award: Mapped[Award] = relationship(back_populates="documents")
    created_by = relationship("User")


class ReportDue(db.Model):
    """A monitoring report the group owes, with its due date. Accepting it (the monitoring
    service) releases the instalments that wait on it."""

    __tablename__ = "award_report"
    __table_args__ = (UniqueConstraint("award_id", "kind", name="one_report_of_each_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "report_kind"))
    due_on: Mapped[date] = mapped_column(Date)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    award: Mapped[Award] = relationship(back_populates="reports")


class HoldKind(enum.StrEnum):
    MANUAL = "manual"
    BANK_DETAILS_CHANGED = "bank_details_changed"
    # The payee's details changed after the run's file went: finance asks the bank to stop it.
    STOP_AT_BANK = "stop_at_bank"


class Payment(db.Model):
    """One instalment of an award: scheduled, raised by one finance officer, approved by another,
    sent in a payment run and recorded as paid. The database refuses an approver who raised it."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> raised_by_id",
            name="approver_is_not_raiser",
        ),
        CheckConstraint(
            "status <> 'held' OR (hold_reason IS NOT NULL AND held_from IS NOT NULL)",
            name="hold_has_reason",
        ),
        UniqueConstraint("award_id", "number", name="one_instalment_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    release_condition: Mapped[ReleaseCondition] = mapped_column(
        str_enum(ReleaseCondition, "release_condition")
    )
    status: Mapped[PaymentStatus] = mapped_column(
        str_enum(PaymentStatus, "payment_status"), default=PaymentStatus.SCHEDULED, index=True
    )
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("payment_run.id"), index=True)
    paid_on: Mapped[date | None] = mapped_column(Date)
    remittance_reference: Mapped[str | None] = mapped_column(String(100))
    paid_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # On hold: why, who, and the state it returns to when released.
    hold_kind: Mapped[HoldKind | None] = mapped_column(str_enum(HoldKind, "hold_kind"))
    hold_reason: Mapped[str | None] = mapped_column(Text)
    held_from: Mapped[PaymentStatus | None] = mapped_column(
        str_enum(PaymentStatus, "payment_held_from")
    )
    held_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancelled_reason: Mapped[str | None] = mapped_column(Text)

    award: Mapped[Award] = relationship(back_populates="payments")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    paid_recorded_by = relationship("User", foreign_keys=[paid_recorded_by_id])
    held_by = relationship("User", foreign_keys=[held_by_id])
    run: Mapped[PaymentRun | None] = relationship(back_populates="payments")

    def audit_view(self) -> dict:
        return {
            "status": self.status.value,
            "amount_pence": self.amount_pence,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "release_condition": self.release_condition.value,
            "raised_by_id": self.raised_by_id,
            "approved_by_id": self.approved_by_id,
            "run_id": self.run_id,
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "remittance_reference": self.remittance_reference,
            "hold_reason": self.hold_reason,
            "cancelled_reason": self.cancelled_reason,
        }


class PaymentRun(db.Model):
    """Approved payments due by a date, exported as a file for the council's finance system.
    Each payment joins at most one run, so exporting the file again never pays anyone twice.

    The file is made once, when the run is made, from the payees' bank details at that moment,
    and kept encrypted with the bank-details keys beside its SHA-256; every download is that
    same file, checked against the hash. A run made before files were kept (``file_encrypted``
    empty) has its file made and kept at its next download."""

    __tablename__ = "payment_run"
    __table_args__ = (
        CheckConstraint("total_pence >= 0", name="total_not_negative"),
        CheckConstraint(
            "status <> 'sent' OR first_downloaded_at IS NOT NULL", name="sent_when_downloaded"
        ),
        CheckConstraint("status <> 'void' OR voided_at IS NOT NULL", name="void_says_when"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_by: Mapped[date] = mapped_column(Date)
    total_pence: Mapped[int] = mapped_column(BigInteger)
    payment_count: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[PaymentRunStatus] = mapped_column(
        str_enum(PaymentRunStatus, "payment_run_status"),
        default=PaymentRunStatus.UNSENT,
        server_default=PaymentRunStatus.UNSENT.value,
    )
    file_encrypted: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    first_downloaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_downloaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(Text)

    created_by = relationship("User", foreign_keys=[created_by_id])
    first_downloaded_by = relationship("User", foreign_keys=[first_downloaded_by_id])
    payments: Mapped[list[Payment]] = relationship(back_populates="run", order_by="Payment.id")

    @property
    def is_unsent(self) -> bool:
        return self.status == PaymentRunStatus.UNSENT

    @property
    def is_void(self) -> bool:
        return self.status == PaymentRunStatus.VOID

    def audit_view(self) -> dict:
        return {
            "due_by": self.due_by.isoformat(),
            "total_pence": self.total_pence,
            "payment_count": self.payment_count,
            "status": self.status.value if self.status else None,
            "file_sha256": self.file_sha256,
        }


class VerificationMethod(enum.StrEnum):
    CALL_BACK = "call_back"
    BANK_LETTER = "bank_letter"
    BANK_STATEMENT = "bank_statement"

    @property
    def label(self) -> str:
        return VERIFICATION_LABELS[self]


VERIFICATION_LABELS = {
    VerificationMethod.CALL_BACK: "Called back on a number already on file",
    VerificationMethod.BANK_LETTER: "Letter from the bank",
    VerificationMethod.BANK_STATEMENT: "Bank statement seen",
}


class BankDetails(db.Model):
    """A group's bank account for payments. The account name, sort code and number are one
    Fernet token (``grants.awards.crypto``); only the last four digits are kept readable, for
    masked display. A change is a new row: the old one is kept, marked replaced."""

    __tablename__ = "bank_details"
    __table_args__ = (
        CheckConstraint(
            "verified_at IS NULL OR verification_method IS NOT NULL", name="verified_says_how"
        ),
        CheckConstraint(
            "verified_by_id IS NULL OR verified_by_id <> entered_by_id",
            name="verifier_is_not_enterer",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    encrypted: Mapped[str] = mapped_column(Text)
    account_last4: Mapped[str] = mapped_column(String(4))
    # A keyed hash (HMAC-SHA256) of the sort code and account number: the same account given by
    # two groups has the same fingerprint, found by an index, never by decrypting every row.
    account_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    # Verified although another group gave the same account: why that is all right.
    duplicate_reason: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    verification_method: Mapped[VerificationMethod | None] = mapped_column(
        str_enum(VerificationMethod, "verification_method")
    )
    verification_note: Mapped[str | None] = mapped_column(Text)
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation = relationship("Organisation")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def masked_account(self) -> str:
        return f"****{self.account_last4}"

    def audit_view(self) -> dict:
        """Never the details themselves: only which account (masked) and its verification."""
        return {
            "account": self.masked_account,
            "verified": self.is_verified,
            "verification_method": self.verification_method.value
            if self.verification_method
            else None,
            "replaced": self.replaced_at is not None,
        }


class VariationKind(enum.StrEnum):
    AMOUNT = "amount"
    END_DATE = "end_date"
    SCHEDULE = "schedule"

    @property
    def label(self) -> str:
        return VARIATION_LABELS[self]


VARIATION_LABELS = {
    VariationKind.AMOUNT: "Change the amount",
    VariationKind.END_DATE: "Change the end date",
    VariationKind.SCHEDULE: "Change a payment's due date",
}


class VariationStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Variation(db.Model):
    """A change to an award in force, proposed by one finance officer with a reason and approved
    by another. Only an approved variation changes anything."""

    __tablename__ = "award_variation"
    __table_args__ = (
        CheckConstraint(
            "decided_by_id IS NULL OR decided_by_id <> proposed_by_id",
            name="decider_is_not_proposer",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    kind: Mapped[VariationKind] = mapped_column(str_enum(VariationKind, "variation_kind"))
    status: Mapped[VariationStatus] = mapped_column(
        str_enum(VariationStatus, "variation_status"), default=VariationStatus.PROPOSED
    )
    # Positive to increase, negative to decrease; 0 for other kinds.
    amount_change_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    new_end_date: Mapped[date | None] = mapped_column(Date)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    new_due_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    award: Mapped[Award] = relationship(back_populates="variations")
    payment = relationship("Payment")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_approved(self) -> bool:
        return self.status == VariationStatus.APPROVED

    def audit_view(self) -> dict:
        return {
            "kind": self.kind.value,
            "status": self.status.value,
            "amount_change_pence": self.amount_change_pence,
            "new_end_date": self.new_end_date.isoformat() if self.new_end_date else None,
            "payment_id": self.payment_id,
            "new_due_on": self.new_due_on.isoformat() if self.new_due_on else None,
            "reason": self.reason,
        }


class RecoveryKind(enum.StrEnum):
    UNDERSPEND = "underspend"  # the group returns what it did not spend
    CLAWBACK = "clawback"  # the council recovers money not used as agreed

    @property
    def label(self) -> str:
        return "Underspend returned" if self == RecoveryKind.UNDERSPEND else "Clawback"


class Recovery(db.Model):
    """Money coming back from a group: a ledger transaction, never an edit of what was paid."""

    __tablename__ = "award_recovery"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    kind: Mapped[RecoveryKind] = mapped_column(str_enum(RecoveryKind, "recovery_kind"))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    award: Mapped[Award] = relationship(back_populates="recoveries")
    recorded_by = relationship("User")

    def audit_view(self) -> dict:
        return {
            "kind": self.kind.value,
            "amount_pence": self.amount_pence,
            "received_on": self.received_on.isoformat(),
            "reason": self.reason,
        }
