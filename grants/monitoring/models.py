"""Monitoring: the reports a funded group writes, their templates, and what they say.

An award owes reports (``awards.models.ReportDue``, table ``award_report``: kind and due date).
A :class:`MonitoringReport` is the group's answer to one of them, created when someone starts
it. It keeps the template version it began on, so a later change to the template never alters
it. Spending, outcome values, files, change requests and reviews hang off it; the PDF of each
send is stored once with its SHA-256 and never redrawn.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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

from grants.applications.models import Channel
from grants.awards.models import ReportKind
from grants.clock import utcnow
from grants.dbtypes import str_enum
from grants.extensions import db
from grants.monitoring.states import (
    EDITABLE,
    REPORTS,
    Actor,
    ChangeAnswer,
    ChangeKind,
    FileKind,
    ReminderStage,
    ReportStatus,
    StoryConsent,
)


class ReportTemplate(db.Model):
    """A round's template for one kind of report. Its content lives in versions."""

    __tablename__ = "report_template"
    __table_args__ = (UniqueConstraint("round_id", "kind", name="one_template_per_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "report_kind"))

    round = relationship("Round")
    versions: Mapped[list[ReportTemplateVersion]] = relationship(
        back_populates="template", order_by="ReportTemplateVersion.number"
    )

    @property
    def current(self) -> ReportTemplateVersion:
        return self.versions[-1]


class ReportTemplateVersion(db.Model):
    """One version of a template, never changed once written: an officer's edit writes the next
    version. ``questions`` are the officer's own questions, in the shape of a round's questions
    (``kind``, ``label``, ``hint``, ``required``, ``word_limit``, ``options``) with a ``key``
    that stays the same across versions."""

    __tablename__ = "report_template_version"
    __table_args__ = (
        UniqueConstraint("template_id", "number", name="one_template_version_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("report_template.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    template: Mapped[ReportTemplate] = relationship(back_populates="versions")


class MonitoringReport(db.Model):
    """The group's report for one report due. Its status moves only through ``states.REPORTS``."""

    __tablename__ = "monitoring_report"
    __table_args__ = (CheckConstraint("sent_count >= 0", name="sent_count_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_due_id: Mapped[int] = mapped_column(ForeignKey("award_report.id"), unique=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id"), index=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("report_template_version.id"))
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, "report_status"), default=ReportStatus.DRAFT, index=True
    )
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"), default=Channel.ONLINE)
    # The officer who entered it for the group (phone, paper, in person); None when the group did.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    # 1. What happened, in the group's words (or a recording: ReportFile of kind RECORDING).
    what_happened: Mapped[str | None] = mapped_column(Text)
    # 3. People reached, by the beneficiary groups the application named: {"Older people": 12}.
    reach: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # 4. The story of change, and what the group lets the council do with it.
    story: Mapped[str | None] = mapped_column(Text)
    story_consent: Mapped[StoryConsent | None] = mapped_column(
        str_enum(StoryConsent, "story_consent")
    )
    # 5. What got in the way (a change asked for is a ReportChangeRequest).
    challenges: Mapped[str | None] = mapped_column(Text)
    # The template's own questions, answered: {question key: value}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Each section the group has saved at least once ("spending", "outcomes"...), for the task list.
    sections_saved: Mapped[list[str]] = mapped_column(JSON, default=list)

    # 6. The declaration, as last sent.
    declaration_name: Mapped[str | None] = mapped_column(String(200))
    declaration_role: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_count: Mapped[int] = mapped_column(Integer, default=0)

    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    report_due = relationship("ReportDue")
    award = relationship("Award")
    template_version: Mapped[ReportTemplateVersion] = relationship()
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    started_by = relationship("User", foreign_keys=[started_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    accepted_by = relationship("User", foreign_keys=[accepted_by_id])
    spending: Mapped[list[ReportSpend]] = relationship(
        back_populates="report", order_by="ReportSpend.budget_line_id", cascade="all, delete-orphan"
    )
    outcome_values: Mapped[list[ReportOutcomeValue]] = relationship(
        back_populates="report",
        order_by="ReportOutcomeValue.outcome_id",
        cascade="all, delete-orphan",
    )
    files: Mapped[list[ReportFile]] = relationship(
        back_populates="report", order_by="ReportFile.id", cascade="all, delete-orphan"
    )
    change_requests: Mapped[list[ReportChangeRequest]] = relationship(
        back_populates="report", order_by="ReportChangeRequest.id", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[ReportReview]] = relationship(
        back_populates="report", order_by="ReportReview.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list[ReportDocument]] = relationship(
        back_populates="report", order_by="ReportDocument.version", cascade="all, delete-orphan"
    )

    @property
    def kind(self) -> ReportKind:
        return self.report_due.kind

    @property
    def can_edit(self) -> bool:
        return self.status in EDITABLE

    @property
    def can_send(self) -> bool:
        return REPORTS.allowed(self.status, ReportStatus.SUBMITTED, Actor.GROUP)

    @property
    def awaiting_review(self) -> bool:
        return REPORTS.allowed(self.status, ReportStatus.ACCEPTED, Actor.OFFICER)

    @property
    def is_assisted(self) -> bool:
        return self.entered_by_id is not None

    def photos(self) -> list[ReportFile]:
        return [f for f in self.files if f.kind == FileKind.PHOTO]

    def recording(self) -> ReportFile | None:
        return next((f for f in self.files if f.kind == FileKind.RECORDING), None)

    def audit_view(self) -> dict:
        return {
            "award_id": self.award_id,
            "report_due_id": self.report_due_id,
            "status": self.status.value,
            "channel": self.channel.value,
            "template_version_id": self.template_version_id,
            "sent_count": self.sent_count,
        }


class ReportSpend(db.Model):
    """Spend to date on one of the application's budget lines."""

    __tablename__ = "report_spend"
    __table_args__ = (
        UniqueConstraint("report_id", "budget_line_id", name="one_spend_per_line"),
        CheckConstraint("spent_pence >= 0", name="spent_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_report.id", ondelete="CASCADE"), index=True
    )
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_line.id"))
    spent_pence: Mapped[int] = mapped_column(BigInteger)
    # Why it differs from plan (needed when more than 10% or £100 away).
    explanation: Mapped[str | None] = mapped_column(Text)

    report: Mapped[MonitoringReport] = relationship(back_populates="spending")
    budget_line = relationship("BudgetLine")


class ReportOutcomeValue(db.Model):
    """Progress on one of the application's planned outcomes: the actual value so far for an
    indicator outcome (a whole number, so it can be added up), or progress in words for the
    group's own outcome."""

    __tablename__ = "report_outcome_value"
    __table_args__ = (
        UniqueConstraint("report_id", "outcome_id", name="one_value_per_outcome"),
        CheckConstraint("actual_value IS NULL OR actual_value >= 0", name="actual_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_report.id", ondelete="CASCADE"), index=True
    )
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id"), index=True)
    actual_value: Mapped[int | None] = mapped_column(BigInteger)
    comment: Mapped[str | None] = mapped_column(Text)  # for an indicator outcome
    progress: Mapped[str | None] = mapped_column(Text)  # for an own outcome

    report: Mapped[MonitoringReport] = relationship(back_populates="outcome_values")
    outcome = relationship("Outcome")


class ReportFile(db.Model):
    """A recording of what happened, or a photo for the story (re-encoded, so no EXIF or GPS
    data survives). Each photo has alt text and its own confirmation that the people shown
    agreed."""

    __tablename__ = "report_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_report.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FileKind] = mapped_column(str_enum(FileKind, "report_file_kind"))
    stored_name: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    alt_text: Mapped[str | None] = mapped_column(String(500))
    people_agreed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[MonitoringReport] = relationship(back_populates="files")


class ReportChangeRequest(db.Model):
    """A change the group asks for in its report, and finance's written answer. It is never a
    variation by itself: for time or amount, a finance officer proposes one
    (``awards.variations``) and names it here; a move between budget lines is agreed or refused
    in writing, and no money moves."""

    __tablename__ = "report_change_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_report.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ChangeKind] = mapped_column(str_enum(ChangeKind, "report_change_kind"))
    details: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # when sent
    answer: Mapped[ChangeAnswer | None] = mapped_column(
        str_enum(ChangeAnswer, "report_change_answer")
    )
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    variation_id: Mapped[int | None] = mapped_column(ForeignKey("award_variation.id"))

    report: Mapped[MonitoringReport] = relationship(back_populates="change_requests")
    answered_by = relationship("User")
    variation = relationship("Variation")


class ReportReview(db.Model):
    """An officer's review of a sent report: accepted, or changes requested with a message."""

    __tablename__ = "report_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_report.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus, "report_review_outcome"))
    message: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[MonitoringReport] = relationship(back_populates="reviews")
    reviewed_by = relationship("User")


class ReportDocument(db.Model):
    """The PDF of one send of a report, stored once with its SHA-256 and never redrawn."""

    __tablename__ = "report_document"
    __table_args__ = (UniqueConstraint("report_id", "version", name="one_pdf_per_send"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_report.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(200), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[MonitoringReport] = relationship(back_populates="documents")


class ReportReminder(db.Model):
    """A reminder sent (or a letter listed) for a report due. The unique constraint is what makes
    ``send-reminders`` idempotent: a second run, or a second machine, cannot record the same
    reminder again. A moved due date is a new ``due_on``, so it gets reminders of its own."""

    __tablename__ = "report_reminder"
    __table_args__ = (
        UniqueConstraint("report_due_id", "due_on", "stage", name="one_reminder_per_stage"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_due_id: Mapped[int] = mapped_column(ForeignKey("award_report.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[ReminderStage] = mapped_column(str_enum(ReminderStage, "reminder_stage"))
    by_letter: Mapped[bool] = mapped_column(Boolean, default=False)  # no email: phone or write
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report_due = relationship("ReportDue")
