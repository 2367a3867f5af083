"""The stored decision record and its addenda.

The record is drawn once, when the meeting closes, and kept with its SHA-256; what happens after
(a reserve funded, a conflict found later) is an addendum: its own stored document with its own
SHA-256, numbered after the record and never folded back into it. So the record an auditor was
given can always be shown again byte for byte, and so can each addendum.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
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


class RecordKind(enum.StrEnum):
    RECORD = "record"  # the decision record drawn at close
    DECISION_CHANGED = "decision_changed"  # a decision changed after the freeze
    CONFLICT_FOUND = "conflict_found"  # a conflict of interest found after the freeze

    @property
    def label(self) -> str:
        return RECORD_LABELS[self]


RECORD_LABELS = {
    RecordKind.RECORD: "Decision record",
    RecordKind.DECISION_CHANGED: "Decision changed",
    RecordKind.CONFLICT_FOUND: "Conflict of interest found",
}


class RecordDocument(db.Model):
    """The record (number 0) or one of its addenda (1, 2, ...), stored once with its SHA-256."""

    __tablename__ = "panel_record_document"
    __table_args__ = (
        UniqueConstraint("panel_id", "number", name="one_record_document_number"),
        CheckConstraint("number >= 0", name="number_not_negative"),
        CheckConstraint("(kind = 'record') = (number = 0)", name="record_is_number_0"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panel.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[RecordKind] = mapped_column(str_enum(RecordKind, "record_document_kind"))
    summary: Mapped[str | None] = mapped_column(Text)
    stored_name: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    panel = relationship("Panel")
    created_by = relationship("User")

    @property
    def is_addendum(self) -> bool:
        return self.kind != RecordKind.RECORD
