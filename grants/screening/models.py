"""What officers record while screening: eligibility checks with their outcome, and staff notes.

Tables keep the names they had when screening lived inside applications, so no data moves.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.applications.states import ApplicationStatus
from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db


class ScreeningOutcome(enum.StrEnum):
    """An officer's answer to "is this application eligible?", and where it moves the application.

    Stored by value in ``eligibility_check.outcome`` (the same strings as before it was an enum).
    """

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    MORE_INFORMATION = "more_information"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def moves_to(self) -> ApplicationStatus:
        return OUTCOME_MOVES_TO[self]

    @property
    def needs_message(self) -> bool:
        """Ineligible needs the reason, more information needs what we need: both go to the group."""
        return self != ScreeningOutcome.ELIGIBLE


OUTCOME_LABELS = {
    ScreeningOutcome.ELIGIBLE: "Eligible",
    ScreeningOutcome.INELIGIBLE: "Not eligible",
    ScreeningOutcome.MORE_INFORMATION: "More information needed",
}
OUTCOME_MOVES_TO = {
    ScreeningOutcome.ELIGIBLE: ApplicationStatus.ELIGIBLE,
    ScreeningOutcome.INELIGIBLE: ApplicationStatus.INELIGIBLE,
    ScreeningOutcome.MORE_INFORMATION: ApplicationStatus.MORE_INFORMATION_REQUESTED,
}


class StaffNote(db.Model):
    """A private note by staff. Never shown to applicants."""

    __tablename__ = "staff_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author = relationship("User")


class EligibilityCheck(db.Model):
    """An officer's screening checklist and its outcome (eligible, ineligible, more information).

    ``checklist`` maps each item to whether the officer confirmed it; ``waivers`` maps an item the
    officer waived instead to their written reason. A check that corrects an earlier outcome
    names that check and says why, so the record shows both and nothing is edited in place.
    """

    __tablename__ = "eligibility_check"
    __table_args__ = (
        CheckConstraint(
            "(corrects_id IS NULL) = (correction_reason IS NULL)", name="correction_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    checklist: Mapped[dict[str, bool]] = mapped_column(JSON)
    outcome: Mapped[ScreeningOutcome] = mapped_column(
        str_enum(ScreeningOutcome, "screening_outcome")
    )
    message: Mapped[str | None] = mapped_column(Text)
    waivers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("eligibility_check.id", ondelete="CASCADE")
    )
    correction_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    officer = relationship("User")
    corrects = relationship("EligibilityCheck", remote_side=[id])
