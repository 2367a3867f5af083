"""Funds, rounds, scoring criteria and a round's custom questions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    cast,
    false,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from grants.clock import as_aware, utcnow
from grants.dbtypes import str_enum
from grants.extensions import db


class Fund(db.Model):
    """A pot of money with its own publisher details for 360Giving open data. Its budget is the
    sum of its contributions (the council's and its partners'), never a figure typed in."""

    __tablename__ = "fund"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    funder_org_id: Mapped[str] = mapped_column(String(60), default="GB-LAE-WGN")
    funder_name: Mapped[str] = mapped_column(String(200), default="Wigan Council")
    publisher_prefix: Mapped[str | None] = mapped_column(String(60))  # e.g. 360G-wigancouncil
    publisher_website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    rounds: Mapped[list[Round]] = relationship(
        back_populates="fund", order_by="Round.opens_at", cascade="all, delete-orphan"
    )
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="fund", order_by="Contribution.id", cascade="all, delete-orphan"
    )
    # ``budget_pence`` is set below, once Contribution exists: the sum of its contributions.

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "funder_org_id": self.funder_org_id,
            "funder_name": self.funder_name,
            "publisher_prefix": self.publisher_prefix,
            "publisher_website": self.publisher_website,
        }


class Contribution(db.Model):
    """Money put into a fund by the council or a partner (NHS, police, a business, the voluntary
    sector), with the contributor's org-id so the ledger can show whose money paid for what."""

    __tablename__ = "fund_contribution"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    contributor_name: Mapped[str] = mapped_column(String(200))
    contributor_org_id: Mapped[str] = mapped_column(String(60))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    fund: Mapped[Fund] = relationship(back_populates="contributions")

    @property
    def label(self) -> str:
        return f"{self.contributor_name} ({self.contributor_org_id})"

    def audit_view(self) -> dict:
        return {
            "contributor_name": self.contributor_name,
            "contributor_org_id": self.contributor_org_id,
            "amount_pence": self.amount_pence,
            "received_on": self.received_on.isoformat(),
        }


Fund.budget_pence = column_property(
    # PostgreSQL sums a BIGINT as NUMERIC: cast back, so the budget is a whole number of pence.
    select(cast(func.coalesce(func.sum(Contribution.amount_pence), 0), BigInteger))
    .where(Contribution.fund_id == Fund.id)
    .correlate_except(Contribution)
    .scalar_subquery()
)


round_neighbourhood = Table(
    "round_neighbourhood",
    db.metadata,
    Column("round_id", ForeignKey("round.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id"), primary_key=True),
)


class RoundStatus(enum.StrEnum):
    """Derived from the clock (never stored); pages ask ``status.is_open``, not its name."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def is_upcoming(self) -> bool:
        return self == RoundStatus.UPCOMING

    @property
    def is_open(self) -> bool:
        return self == RoundStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self == RoundStatus.CLOSED


class Round(db.Model):
    """One call for applications. Times are stored in UTC and shown in UK time."""

    __tablename__ = "round"
    __table_args__ = (
        CheckConstraint("budget_pence >= 0", name="budget_not_negative"),
        CheckConstraint("min_award_pence >= 0", name="min_not_negative"),
        CheckConstraint("max_award_pence >= min_award_pence", name="max_at_least_min"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when shown
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    budget_pence: Mapped[int] = mapped_column(BigInteger)
    min_award_pence: Mapped[int] = mapped_column(BigInteger)
    max_award_pence: Mapped[int] = mapped_column(BigInteger)
    eligible_org_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_income_pence: Mapped[int | None] = mapped_column(BigInteger)
    all_neighbourhoods: Mapped[bool] = mapped_column(Boolean, default=True)
    allows_recordings: Mapped[bool] = mapped_column(Boolean, default=False)
    # Usually a group sends one application per round; some rounds welcome several.
    allows_several_applications: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    blind_panel: Mapped[bool] = mapped_column(Boolean, default=False)
    project_start_from: Mapped[date | None] = mapped_column(Date)
    project_end_by: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    fund: Mapped[Fund] = relationship(back_populates="rounds")
    neighbourhoods = relationship(
        "Neighbourhood", secondary=round_neighbourhood, order_by="Neighbourhood.name"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="round", order_by="Question.position", cascade="all, delete-orphan"
    )

    def status(self, now: datetime | None = None) -> RoundStatus:
        now = now or utcnow()
        if now < as_aware(self.opens_at):
            return RoundStatus.UPCOMING
        if now < as_aware(self.closes_at):
            return RoundStatus.OPEN
        return RoundStatus.CLOSED

    def covers(self, neighbourhood_id: int) -> bool:
        return self.all_neighbourhoods or any(n.id == neighbourhood_id for n in self.neighbourhoods)

    def audit_view(self) -> dict:
        return {
            "slug": self.slug,
            "title": self.title,
            "opens_at": as_aware(self.opens_at).isoformat() if self.opens_at else None,
            "closes_at": as_aware(self.closes_at).isoformat() if self.closes_at else None,
            "budget_pence": self.budget_pence,
            "min_award_pence": self.min_award_pence,
            "max_award_pence": self.max_award_pence,
            "eligible_org_types": list(self.eligible_org_types or []),
            "max_income_pence": self.max_income_pence,
            "all_neighbourhoods": self.all_neighbourhoods,
            "neighbourhoods": [n.code for n in self.neighbourhoods],
            "allows_recordings": self.allows_recordings,
            "allows_several_applications": self.allows_several_applications,
            "blind_panel": self.blind_panel,
            "project_start_from": self.project_start_from.isoformat()
            if self.project_start_from
            else None,
            "project_end_by": self.project_end_by.isoformat() if self.project_end_by else None,
        }


class Criterion(db.Model):
    """A weighted scoring criterion. ``level_guidance`` maps each score ("0".."max") to its meaning."""

    __tablename__ = "criterion"
    __table_args__ = (
        CheckConstraint("weight >= 1", name="weight_positive"),
        CheckConstraint("max_score >= 1", name="max_score_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    level_guidance: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    max_score: Mapped[int] = mapped_column(Integer, default=5)
    # An optional criterion may be marked "not applicable" by a scorer: left out, never a 0.
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    principle_id: Mapped[int | None] = mapped_column(ForeignKey("principle.id"))

    round: Mapped[Round] = relationship(back_populates="criteria")
    principle = relationship("Principle")

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "position": self.position,
            "weight": self.weight,
            "max_score": self.max_score,
            "optional": self.optional,
            "principle_id": self.principle_id,
            "level_guidance": dict(self.level_guidance or {}),
        }


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    DATE = "date"
    FILE = "file"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Question(db.Model):
    """A round's own question, shown as a section of the applicant's task list."""

    __tablename__ = "question"
    __table_args__ = (
        CheckConstraint("word_limit IS NULL OR word_limit > 0", name="word_limit_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    label: Mapped[str] = mapped_column(String(300))
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    word_limit: Mapped[int | None] = mapped_column(Integer)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)

    round: Mapped[Round] = relationship(back_populates="questions")

    def audit_view(self) -> dict:
        return {
            "label": self.label,
            "kind": self.kind.value,
            "position": self.position,
            "required": self.required,
            "word_limit": self.word_limit,
            "options": list(self.options or []),
            "hint": self.hint,
        }


class IndicatorUnit(enum.StrEnum):
    """What an indicator counts. Fixed once the indicator is used, so its figures always add up."""

    PEOPLE = "people"
    SESSIONS = "sessions"
    HOURS = "hours"
    VOLUNTEERS = "volunteers"
    ITEMS = "items"
    PERCENTAGE = "percentage"
    YES_NO = "yes_no"

    @property
    def label(self) -> str:
        return INDICATOR_UNIT_LABELS[self]


INDICATOR_UNIT_LABELS = {
    IndicatorUnit.PEOPLE: "People",
    IndicatorUnit.SESSIONS: "Sessions",
    IndicatorUnit.HOURS: "Hours",
    IndicatorUnit.VOLUNTEERS: "Volunteers",
    IndicatorUnit.ITEMS: "Items",
    IndicatorUnit.PERCENTAGE: "Percentage",
    IndicatorUnit.YES_NO: "Yes or no",
}


class Indicator(db.Model):
    """One measure in a fund's indicator library ("people taking part"), counted the same way by
    every project that picks it, so its figures can be added up across projects and compared
    year on year. Its id never changes; once used it is retired rather than deleted, and its unit
    is fixed."""

    __tablename__ = "fund_indicator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text, default="")  # how to count it, in plain English
    unit: Mapped[IndicatorUnit] = mapped_column(str_enum(IndicatorUnit, "indicator_unit"))
    principle_id: Mapped[int] = mapped_column(ForeignKey("principle.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    fund: Mapped[Fund] = relationship()
    principle = relationship("Principle")

    def audit_view(self) -> dict:
        return {
            "name": self.name,
            "definition": self.definition,
            "unit": self.unit.value,
            "principle_id": self.principle_id,
            "is_active": self.is_active,
        }
