"""The moderation meeting and its decisions: who attended, scores moderated in discussion (beside
the originals, which never change), the editable list of decline reasons, and one decision per
application with its rationale, feedback and release to the group."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.applications.states import ApplicationStatus
from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db
from grants.panels.models import RankingMethod


class Meeting(db.Model):
    """A round's moderation meeting. Decisions need quorum (``min_members`` attending, community
    members at least half of them) unless the officer records why the meeting went ahead without
    it."""

    __tablename__ = "panel_meeting"
    __table_args__ = (
        CheckConstraint("min_members >= 1", name="min_members_positive"),
        CheckConstraint(
            "quorum_overridden_at IS NULL OR quorum_override_reason IS NOT NULL",
            name="override_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), unique=True)
    min_members: Mapped[int] = mapped_column(Integer, default=3)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    quorum_override_reason: Mapped[str | None] = mapped_column(Text)
    quorum_overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    quorum_overridden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    panel = relationship("Panel")
    opened_by = relationship("User", foreign_keys=[opened_by_id])
    quorum_overridden_by = relationship("User", foreign_keys=[quorum_overridden_by_id])
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendance.id"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def audit_view(self) -> dict:
        return {
            "min_members": self.min_members,
            "attending": sorted(a.user_id for a in self.attendance),
            "closed": self.closed_at is not None,
            "quorum_override_reason": self.quorum_override_reason,
        }


class MeetingAttendance(db.Model):
    __tablename__ = "panel_meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="attends_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user = relationship("User")


class ModeratedScore(db.Model):
    """A score out of 100 agreed in discussion, with the reason. Kept beside the original scores,
    never in place of them; the latest one for an application is the one shown."""

    __tablename__ = "panel_moderated_score"
    __table_args__ = (CheckConstraint("score >= 0 AND score <= 100", name="score_out_of_100"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    moderated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    moderated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    moderated_by = relationship("User")


class DeclineReason(db.Model):
    """One of the reasons officers choose from when declining; retired ones stay on old
    decisions."""

    __tablename__ = "panel_decline_reason"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def audit_view(self) -> dict:
        return {"label": self.label, "active": self.is_active}


class DecisionOutcome(enum.StrEnum):
    FUND = "fund"
    FUND_REDUCED = "fund_reduced"
    FUND_WITH_CONDITIONS = "fund_with_conditions"
    RESERVE = "reserve"
    DECLINE = "decline"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def is_funding(self) -> bool:
        return self in FUNDING

    @property
    def moves_to(self) -> ApplicationStatus:
        return OUTCOME_STATUSES[self]


OUTCOME_LABELS = {
    DecisionOutcome.FUND: "Fund in full",
    DecisionOutcome.FUND_REDUCED: "Fund a reduced amount",
    DecisionOutcome.FUND_WITH_CONDITIONS: "Fund with conditions",
    DecisionOutcome.RESERVE: "Reserve list",
    DecisionOutcome.DECLINE: "Decline",
}
FUNDING = frozenset(
    {DecisionOutcome.FUND, DecisionOutcome.FUND_REDUCED, DecisionOutcome.FUND_WITH_CONDITIONS}
)
OUTCOME_STATUSES = {
    DecisionOutcome.FUND: ApplicationStatus.FUNDED,
    DecisionOutcome.FUND_REDUCED: ApplicationStatus.FUNDED,
    DecisionOutcome.FUND_WITH_CONDITIONS: ApplicationStatus.FUNDED_WITH_CONDITIONS,
    DecisionOutcome.RESERVE: ApplicationStatus.RESERVE,
    DecisionOutcome.DECLINE: ApplicationStatus.DECLINED,
}


class Decision(db.Model):
    """The panel's decision on one application, with everything an auditor asks: the rationale,
    the rank it had, whether it departs from the ranking (and why), and when the group was told.

    The database holds the money rules it can: an amount never negative, only a funding decision
    carries one, a reduced award has a reason and a departure has its own rationale.
    """

    __tablename__ = "panel_decision"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        CheckConstraint(
            "outcome IN ('fund', 'fund_reduced', 'fund_with_conditions') OR amount_pence = 0",
            name="only_funding_has_amount",
        ),
        CheckConstraint(
            "outcome <> 'fund_reduced' OR reduced_reason IS NOT NULL", name="reduced_has_reason"
        ),
        CheckConstraint(
            "NOT departs_from_ranking OR departure_rationale IS NOT NULL",
            name="departure_has_rationale",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("panel_meeting.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(str_enum(DecisionOutcome, "decision_outcome"))
    amount_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    reduced_reason: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    rationale: Mapped[str] = mapped_column(Text)
    decline_reason_id: Mapped[int | None] = mapped_column(ForeignKey("panel_decline_reason.id"))
    decline_detail: Mapped[str | None] = mapped_column(Text)
    departs_from_ranking: Mapped[bool] = mapped_column(Boolean, default=False)
    departure_rationale: Mapped[str | None] = mapped_column(Text)
    rank_at_decision: Mapped[int | None] = mapped_column(Integer)
    ranking_method: Mapped[RankingMethod] = mapped_column(str_enum(RankingMethod, "ranking_method"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    feedback: Mapped[str | None] = mapped_column(Text)
    # The newest version (``DecisionVersion``): what this row holds. The feedback was written or
    # confirmed for ``feedback_version``; after a change it waits for review before release.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    feedback_version: Mapped[int | None] = mapped_column(Integer)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    meeting: Mapped[Meeting] = relationship()
    application = relationship("Application")
    decline_reason: Mapped[DeclineReason | None] = relationship()
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    versions: Mapped[list[DecisionVersion]] = relationship(
        back_populates="decision", order_by="DecisionVersion.version"
    )

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def feedback_needs_review(self) -> bool:
        """The decision changed after its feedback was written: the feedback may describe
        another outcome, so an officer confirms it before the group is told."""
        return self.feedback is not None and self.feedback_version != self.version

    @property
    def is_decline(self) -> bool:
        return self.outcome == DecisionOutcome.DECLINE

    @property
    def can_be_decided_again(self) -> bool:
        """Until it is released, the meeting may change its mind (or correct a slip); after, only a
        reserve-list place the group has been told of may later be funded or declined."""
        return not self.is_released or self.outcome == DecisionOutcome.RESERVE

    def audit_view(self) -> dict:
        return {
            "outcome": self.outcome.value,
            "amount_pence": self.amount_pence,
            "reduced_reason": self.reduced_reason,
            "conditions": list(self.conditions or []),
            "rationale": self.rationale,
            "decline_reason": self.decline_reason.label if self.decline_reason else None,
            "decline_detail": self.decline_detail,
            "departs_from_ranking": self.departs_from_ranking,
            "departure_rationale": self.departure_rationale,
            "rank_at_decision": self.rank_at_decision,
            "ranking_method": self.ranking_method.value,
        }


class DecisionVersion(db.Model):
    """One version of a decision, never changed once written (its release time aside). The
    first is what the meeting decided; each later one is a change, with who made it and why, so
    the record can show every outcome the application had, including ones the group was told."""

    __tablename__ = "panel_decision_version"
    __table_args__ = (
        UniqueConstraint("decision_id", "version", name="one_decision_version_number"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        CheckConstraint("version = 1 OR change_reason IS NOT NULL", name="change_has_reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("panel_decision.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[DecisionOutcome] = mapped_column(str_enum(DecisionOutcome, "decision_outcome"))
    amount_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    reduced_reason: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    rationale: Mapped[str] = mapped_column(Text)
    decline_reason_id: Mapped[int | None] = mapped_column(ForeignKey("panel_decline_reason.id"))
    decline_detail: Mapped[str | None] = mapped_column(Text)
    departs_from_ranking: Mapped[bool] = mapped_column(Boolean, default=False)
    departure_rationale: Mapped[str | None] = mapped_column(Text)
    rank_at_decision: Mapped[int | None] = mapped_column(Integer)
    change_reason: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    decision: Mapped[Decision] = relationship(back_populates="versions")
    decline_reason: Mapped[DeclineReason | None] = relationship()
    changed_by = relationship("User")

    @property
    def is_released(self) -> bool:
        return self.released_at is not None
