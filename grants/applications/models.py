"""An application and everything attached to it: places, budget, outcomes, answers, documents and
revisions. (Officers' eligibility checks and staff notes belong to grants.screening.)"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.applications.states import (
    APPLICATIONS,
    EDITABLE,
    EXPLAINED,
    Actor,
    ApplicationStatus,
)
from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db


class Channel(enum.StrEnum):
    """How the application reached us. Anything but ONLINE was entered by an officer."""

    ONLINE = "online"
    PHONE = "phone"
    PAPER = "paper"
    IN_PERSON = "in_person"
    VIDEO_CALL = "video_call"
    INTERPRETER = "interpreter"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.ONLINE: "Online",
    Channel.PHONE: "Phone",
    Channel.PAPER: "Paper form",
    Channel.IN_PERSON: "In person",
    Channel.VIDEO_CALL: "Video call",
    Channel.INTERPRETER: "BSL or other interpreter",
}

BENEFICIARY_GROUPS = {
    "young_people": "Young people",
    "older_people": "Older people",
    "faith_communities": "Faith communities",
    "disabled_people": "Disabled people",
    "ethnic_minority_communities": "Ethnic minority communities",
    "carers": "Carers",
    "families": "Families with children",
    "lgbtq": "LGBTQ+ people",
    "everyone": "Everyone in the area",
}

BUDGET_CATEGORIES = {
    "staff": "Staff or sessional workers",
    "volunteers": "Volunteer expenses",
    "venue": "Venue hire",
    "equipment": "Equipment",
    "materials": "Materials and food",
    "transport": "Transport",
    "publicity": "Publicity",
    "other": "Other",
}


class DocumentKind(enum.StrEnum):
    GOVERNING_DOCUMENT = "governing_document"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    ACCOUNTS = "accounts"
    RECORDING = "recording"  # an audio or video answer in place of written text
    ANSWER_FILE = "answer_file"  # the answer to a custom file question
    PAPER_SCAN = "paper_scan"  # a scan of a paper application form

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self]


DOCUMENT_LABELS = {
    DocumentKind.GOVERNING_DOCUMENT: "Governing document",
    DocumentKind.SAFEGUARDING_POLICY: "Safeguarding policy",
    DocumentKind.ACCOUNTS: "Latest accounts or bank statement",
    DocumentKind.RECORDING: "Recorded answer",
    DocumentKind.ANSWER_FILE: "File",
    DocumentKind.PAPER_SCAN: "Scan of paper form",
}
SUPPORTING_DOCUMENTS = (
    DocumentKind.GOVERNING_DOCUMENT,
    DocumentKind.SAFEGUARDING_POLICY,
    DocumentKind.ACCOUNTS,
)


application_neighbourhood = Table(
    "application_neighbourhood",
    db.metadata,
    Column("application_id", ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
    Column("neighbourhood_id", ForeignKey("neighbourhood.id"), primary_key=True),
)

application_principle = Table(
    "application_principle",
    db.metadata,
    Column("application_id", ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
    Column("principle_id", ForeignKey("principle.id"), primary_key=True),
)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint("amount_requested_pence >= 0", name="amount_not_negative"),
        CheckConstraint("people_reached IS NULL OR people_reached >= 0", name="reach_not_negative"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name="ends_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)  # CIF-2026-0001
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"),
        default=ApplicationStatus.DRAFT,
        index=True,
    )
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"), default=Channel.ONLINE)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The officer who entered an assisted application; None when the group applied themselves.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    title: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(140))
    description: Mapped[str | None] = mapped_column(Text)
    main_principle_id: Mapped[int | None] = mapped_column(ForeignKey("principle.id"), index=True)
    people_reached: Mapped[int | None] = mapped_column(Integer)
    beneficiary_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount_requested_pence: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    group_details_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    declaration_name: Mapped[str | None] = mapped_column(String(200))
    declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    decision_message: Mapped[str | None] = mapped_column(
        Text
    )  # why ineligible / what info is needed
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    extension_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    round = relationship("Round")
    organisation = relationship("Organisation")
    created_by = relationship("User", foreign_keys=[created_by_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    main_principle = relationship("Principle", foreign_keys=[main_principle_id])
    other_principles = relationship(
        "Principle", secondary=application_principle, order_by="Principle.position"
    )
    neighbourhoods = relationship(
        "Neighbourhood", secondary=application_neighbourhood, order_by="Neighbourhood.name"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", order_by="BudgetLine.id", cascade="all, delete-orphan"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="application", order_by="Outcome.id", cascade="all, delete-orphan"
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="application", order_by="Document.id", cascade="all, delete-orphan"
    )
    document_waivers: Mapped[list[DocumentWaiver]] = relationship(
        back_populates="application", order_by="DocumentWaiver.id", cascade="all, delete-orphan"
    )
    # One revision is written each time the application is sent: the record of every send.
    revisions: Mapped[list[Revision]] = relationship(order_by="Revision.number", viewonly=True)

    def waiver_for(self, kind: DocumentKind) -> DocumentWaiver | None:
        return next((w for w in self.document_waivers if w.kind == kind), None)

    @property
    def resent_at(self) -> list[datetime]:
        """When the group sent it again after being asked for more information. The first send
        stays in ``submitted_at``, so its place in the queue and its deadline check never move."""
        return [revision.created_at for revision in self.revisions[1:]]

    @property
    def is_assisted(self) -> bool:
        return self.entered_by_id is not None

    # What pages may offer, asked of the life cycle table (templates never compare status names).

    @property
    def is_draft(self) -> bool:
        """Never sent: only a draft can be deleted, or given more time after the round closes."""
        return self.status == ApplicationStatus.DRAFT

    @property
    def can_edit(self) -> bool:
        return self.status in EDITABLE

    @property
    def can_send(self) -> bool:
        return APPLICATIONS.allowed(self.status, ApplicationStatus.SUBMITTED, Actor.APPLICANT)

    @property
    def can_withdraw(self) -> bool:
        return APPLICATIONS.allowed(self.status, ApplicationStatus.WITHDRAWN, Actor.APPLICANT)

    @property
    def awaiting_screening(self) -> bool:
        """Sent and waiting for an officer's eligibility check (a screened application can be
        moved to eligible too, but only by correcting its outcome)."""
        return self.status == ApplicationStatus.SUBMITTED

    @property
    def needs_more_information(self) -> bool:
        return self.status == ApplicationStatus.MORE_INFORMATION_REQUESTED

    @property
    def is_ineligible(self) -> bool:
        return self.status == ApplicationStatus.INELIGIBLE

    @property
    def explains_decision(self) -> bool:
        """The officer's message (why not eligible, what we need) is for the group to read."""
        return bool(self.decision_message) and self.status in EXPLAINED

    def answer_for(self, question_id: int) -> Any:
        for answer in self.answers:
            if answer.question_id == question_id:
                return answer.value
        return None


class BudgetLine(db.Model):
    __tablename__ = "budget_line"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    amount_pence: Mapped[int] = mapped_column(BigInteger)

    application: Mapped[Application] = relationship(back_populates="budget_lines")


class Outcome(db.Model):
    """A planned outcome, in one of two shapes:

    - an **indicator outcome** picks a measure from the fund's library and gives a whole-number
      target, so the fund can add it up across projects;
    - an **own outcome** describes, in the group's words, what will change (and any target in
      words). It is kept and shown, but never summed.
    """

    __tablename__ = "outcome"
    __table_args__ = (
        CheckConstraint(
            "(indicator_id IS NOT NULL AND target_value IS NOT NULL AND target_value >= 0)"
            " OR (indicator_id IS NULL AND description IS NOT NULL)",
            name="indicator_or_own",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("fund_indicator.id"), index=True)
    target_value: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(String(300))
    target: Mapped[str | None] = mapped_column(String(200))
    principle_id: Mapped[int] = mapped_column(ForeignKey("principle.id"))

    application: Mapped[Application] = relationship(back_populates="outcomes")
    indicator = relationship("Indicator")
    principle = relationship("Principle")

    @property
    def is_measured(self) -> bool:
        """Picked from the fund's library, with a number that can be added up."""
        return self.indicator_id is not None

    @property
    def title(self) -> str:
        """What the outcome is, in one line, whichever shape it has."""
        return self.indicator.name if self.indicator_id is not None else (self.description or "")

    @property
    def target_text(self) -> str:
        """The target as people read it: "40 people", "75%", "Yes", or the group's own words."""
        if self.indicator_id is None:
            return self.target or ""
        unit = self.indicator.unit.value
        if unit == "yes_no":
            return "Yes" if self.target_value else "No"
        suffixes = INDICATOR_SUFFIX_OF_ONE if self.target_value == 1 else INDICATOR_SUFFIX
        return f"{self.target_value:,}" + suffixes.get(unit, "")


# How a whole-number target reads in each unit ("40 people", "75%").
INDICATOR_SUFFIX = {
    "people": " people",
    "sessions": " sessions",
    "hours": " hours",
    "volunteers": " volunteers",
    "items": " items",
    "percentage": "%",
    "yes_no": "",
}
INDICATOR_SUFFIX_OF_ONE = {
    **INDICATOR_SUFFIX,
    "people": " person",
    "sessions": " session",
    "hours": " hour",
    "volunteers": " volunteer",
    "items": " item",
}


class Answer(db.Model):
    """The answer to one of the round's custom questions, as JSON (text, number, list, ISO date)."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("application_id", "question_id", name="uq_answer_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    value: Mapped[Any] = mapped_column(JSON)

    application: Mapped[Application] = relationship(back_populates="answers")
    question = relationship("Question")


class Document(db.Model):
    """An uploaded file. Stored under a random name outside the web root; served only by a checked route."""

    __tablename__ = "document"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    # For a recording or file answer: "description" or "question-<id>".
    answer_key: Mapped[str | None] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")
    uploaded_by = relationship("User")


class DocumentWaiver(db.Model):
    """A required supporting document that an assisted application may go without, and why (a
    phone-only informal group may have no written safeguarding policy). Its own record, not a
    flag, so who agreed it, when and for what reason are always on the application."""

    __tablename__ = "document_waiver"
    __table_args__ = (
        UniqueConstraint("application_id", "kind", name="uq_document_waiver_kind"),
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    waived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="document_waivers")
    waived_by = relationship("User")


class Revision(db.Model):
    """What an application said each time it was sent, so officers can see what changed."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("application_id", "number", name="uq_revision_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    created_by = relationship("User")


class ReferenceCounter(db.Model):
    """The last reference number issued in each year (CIF-<year>-<sequence>)."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
