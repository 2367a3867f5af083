"""Co-production panels: who sits on a round's panel and whom they represent, which applications
each member scores, the interests they declare before seeing one, and their scores.

Original scores are never overwritten by moderation or aggregation: every figure a page shows is
computed from these rows (``grants.panels.aggregation``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
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

from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db


class Representation(enum.StrEnum):
    """How a member represents the community. Council and partner members bring knowledge, but the
    community members (the first four) are meant to be the majority of a panel."""

    RESIDENT = "resident"
    VCFSE = "vcfse"
    YOUNG_PERSON = "young_person"
    FAITH = "faith"
    PARTNER = "partner"
    COUNCIL_OFFICER = "council_officer"

    @property
    def label(self) -> str:
        return REPRESENTATION_LABELS[self]

    @property
    def is_community(self) -> bool:
        return self not in (Representation.PARTNER, Representation.COUNCIL_OFFICER)


REPRESENTATION_LABELS = {
    Representation.RESIDENT: "Resident",
    Representation.VCFSE: "Voluntary, community, faith or social enterprise group",
    Representation.YOUNG_PERSON: "Young person (under 25)",
    Representation.FAITH: "Faith community",
    Representation.PARTNER: "Partner organisation (NHS, police, business or other)",
    Representation.COUNCIL_OFFICER: "Council officer",
}


class PanelProfile(db.Model):
    """One panel member's representation and home neighbourhood, kept across rounds. An officer
    may record it for someone without a computer (``recorded_by``)."""

    __tablename__ = "panel_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    representation: Mapped[Representation] = mapped_column(
        str_enum(Representation, "representation")
    )
    # What a partner member represents, e.g. "NHS Wigan Borough", shown to officers.
    organisation: Mapped[str | None] = mapped_column(String(200))
    home_neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    user = relationship("User", foreign_keys=[user_id])
    home_neighbourhood = relationship("Neighbourhood")

    def audit_view(self) -> dict:
        return {
            "representation": self.representation.value,
            "organisation": self.organisation,
            "home_neighbourhood_id": self.home_neighbourhood_id,
        }


class RankingMethod(enum.StrEnum):
    MEAN = "mean"
    TRIMMED = "trimmed"
    NORMALISED = "normalised"

    @property
    def label(self) -> str:
        return {
            RankingMethod.MEAN: "Mean",
            RankingMethod.TRIMMED: "Trimmed mean",
            RankingMethod.NORMALISED: "Normalised score",
        }[self]

    @property
    def is_normalised(self) -> bool:
        return self is RankingMethod.NORMALISED


class Panel(db.Model):
    """A round's one panel, with the rules the officer set for it."""

    __tablename__ = "panel"
    __table_args__ = (
        CheckConstraint("min_scorers >= 1", name="min_scorers_positive"),
        CheckConstraint(
            "min_young_people >= 0 AND min_faith_members >= 0", name="targets_not_negative"
        ),
        CheckConstraint("rotation_after >= 1", name="rotation_after_positive"),
        CheckConstraint(
            "disagreement_sd >= 0 AND disagreement_range >= 0", name="thresholds_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), unique=True)
    # Each application gets at least this many independent scorers when assignment is balanced.
    min_scorers: Mapped[int] = mapped_column(Integer, default=5)
    # Composition targets: community members a majority, and at least these many of each.
    community_majority: Mapped[bool] = mapped_column(Boolean, default=True)
    min_young_people: Mapped[int] = mapped_column(Integer, default=1)
    min_faith_members: Mapped[int] = mapped_column(Integer, default=1)
    # A member who sat on this many consecutive earlier panels is flagged for rotation.
    rotation_after: Mapped[int] = mapped_column(Integer, default=3)
    # Scores out of 100: an application is flagged for discussion above either threshold.
    disagreement_sd: Mapped[int] = mapped_column(Integer, default=15)
    disagreement_range: Mapped[int] = mapped_column(Integer, default=30)
    scoring_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The meeting weighs proposed awards against each neighbourhood's indicative allocation
    # (population weighted by deprivation: grants.panels.equity.FORMULA).
    indicative_allocations: Mapped[bool] = mapped_column(Boolean, default=False)
    ranking_method: Mapped[RankingMethod] = mapped_column(
        str_enum(RankingMethod, "ranking_method"), default=RankingMethod.MEAN
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    round = relationship("Round")
    seats: Mapped[list[PanelSeat]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="PanelSeat.id"
    )

    def audit_view(self) -> dict:
        return {
            "min_scorers": self.min_scorers,
            "community_majority": self.community_majority,
            "min_young_people": self.min_young_people,
            "min_faith_members": self.min_faith_members,
            "rotation_after": self.rotation_after,
            "disagreement_sd": self.disagreement_sd,
            "disagreement_range": self.disagreement_range,
            "scoring_closes_at": self.scoring_closes_at.isoformat()
            if self.scoring_closes_at
            else None,
            "ranking_method": self.ranking_method.value,
            "indicative_allocations": self.indicative_allocations,
        }


class PanelSeat(db.Model):
    """A person sitting on a panel. They hold the panel member role; they may also belong to
    community groups (whose applications they are never assigned)."""

    __tablename__ = "panel_seat"
    __table_args__ = (UniqueConstraint("panel_id", "user_id", name="one_seat_per_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    panel: Mapped[Panel] = relationship(back_populates="seats")
    user = relationship("User", foreign_keys=[user_id])


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    DECLINED = "declined"  # the member asked not to score it, with a reason

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Assignment(db.Model):
    """One member asked to score one application."""

    __tablename__ = "panel_assignment"
    __table_args__ = (
        UniqueConstraint("application_id", "user_id", name="one_assignment_per_member"),
        CheckConstraint(
            "status <> 'declined' OR declined_reason IS NOT NULL", name="declined_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus, "assignment_status"), default=AssignmentStatus.ASSIGNED
    )
    declined_reason: Mapped[str | None] = mapped_column(Text)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    panel: Mapped[Panel] = relationship()
    application = relationship("Application")
    user = relationship("User", foreign_keys=[user_id])


class InterestKind(enum.StrEnum):
    NONE = "none"
    GROUP_MEMBER = "group_member"
    FAMILY_OR_FRIEND = "family_or_friend"
    FINANCIAL = "financial"
    OTHER = "other"

    @property
    def label(self) -> str:
        return INTEREST_LABELS[self]


INTEREST_LABELS = {
    InterestKind.NONE: "No conflict of interest",
    InterestKind.GROUP_MEMBER: "I am a member of the group",
    InterestKind.FAMILY_OR_FRIEND: "A family member or close friend is involved",
    InterestKind.FINANCIAL: "I or someone close to me could gain or lose money",
    InterestKind.OTHER: "Another interest",
}


class Declaration(db.Model):
    """A member's declaration about one application, made before any of its detail is shown.

    A declared interest is a conflict unless an officer waives it with a reason (say, "once
    attended one of their events"). ``recorded_by`` is the officer who recorded it on the member's
    behalf, or found it (membership of the group is recorded automatically).
    """

    __tablename__ = "panel_declaration"
    __table_args__ = (
        UniqueConstraint("application_id", "user_id", name="one_declaration_per_member"),
        CheckConstraint(
            "kind = 'none' OR description IS NOT NULL", name="interest_has_description"
        ),
        CheckConstraint("waived_at IS NULL OR waiver_reason IS NOT NULL", name="waiver_has_reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[InterestKind] = mapped_column(str_enum(InterestKind, "interest_kind"))
    description: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    waived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    waiver_reason: Mapped[str | None] = mapped_column(Text)

    application = relationship("Application")
    user = relationship("User", foreign_keys=[user_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    waived_by = relationship("User", foreign_keys=[waived_by_id])

    @property
    def is_conflict(self) -> bool:
        return self.kind != InterestKind.NONE and self.waived_at is None

    def audit_view(self) -> dict:
        return {
            "kind": self.kind.value,
            "description": self.description,
            "waived": self.waived_at is not None,
            "waiver_reason": self.waiver_reason,
        }


class ScoreSheet(db.Model):
    """One member's scores for one application: a draft until submitted, then locked until an
    officer reopens it with a reason. ``entered_by`` differs from the member for paper scores."""

    __tablename__ = "panel_score_sheet"
    __table_args__ = (UniqueConstraint("application_id", "user_id", name="one_sheet_per_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    application = relationship("Application")
    user = relationship("User", foreign_keys=[user_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    scores: Mapped[list[Score]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="Score.criterion_id"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(db.Model):
    """One criterion's score on a sheet: 0 to the criterion's maximum, or n/a on an optional
    criterion (left out of every figure, never counted as 0)."""

    __tablename__ = "panel_score"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id", name="one_score_per_criterion"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
        CheckConstraint("NOT (not_applicable AND score IS NOT NULL)", name="na_has_no_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("panel_score_sheet.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion = relationship("Criterion")
