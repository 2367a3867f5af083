"""The append-only audit trail.

Services call :func:`record` inside their own transaction, so the audit row commits or rolls back
with the change it describes. Nothing in the application updates or deletes an audit row: the ORM
refuses to flush such a change, and on PostgreSQL a trigger refuses it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, event, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from grants.accounts.models import User
from grants.clock import utcnow
from grants.extensions import db
from grants.textsearch import contains_text


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # "Everything that happened to this application" is the question the log is asked most.
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor = relationship("User", lazy="joined")

    def changes(self) -> list[tuple[str, Any, Any]]:
        """``(field, before, after)`` for each field whose value differs, in the order recorded.
        A field only in ``after`` was set; one only in ``before`` was cleared. Missing, null and
        empty all mean "nothing", so they never count as a change from one another."""
        before, after = self.before or {}, self.after or {}
        fields = dict.fromkeys([*before, *after])
        return [
            (field, before.get(field), after.get(field))
            for field in fields
            if _or_nothing(before.get(field)) != _or_nothing(after.get(field))
        ]


def _or_nothing(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


class AuditTamperingError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditTamperingError("audit events are append-only")


def record(
    actor,
    action: str,
    obj,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction. ``obj`` must already have an id (flush)."""
    if getattr(obj, "id", None) is None:
        db.session.flush()
    audit_event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or type(obj).__name__,
        object_id=str(obj.id),
        before=before,
        after=after,
    )
    db.session.add(audit_event)
    return audit_event


def search(*, action: str | None = None, object_type: str | None = None, actor: str | None = None):
    """A query for the admin audit log page, newest first.

    Each filter matches part of the text, ignoring case: "roles" finds ``user.roles_changed``,
    "invitation" finds both kinds of invitation, and ``actor`` matches the name or the email
    address of whoever made the change.
    """
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(contains_text(AuditEvent.action, action))
    if object_type:
        query = query.where(contains_text(AuditEvent.object_type, object_type))
    if actor:
        query = query.where(
            AuditEvent.actor.has(
                or_(contains_text(User.email, actor), contains_text(User.full_name, actor))
            )
        )
    return query
