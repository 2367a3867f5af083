"""The audit trail is append-only and records who changed what, before and after."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from grants import transaction
from grants.audit import AuditEvent, AuditTamperingError
from grants.extensions import db
from tests.factories import make_group, make_user


def _events():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_services_record_actor_action_and_object():
    user = make_user()
    group = make_group(user)
    event = _events()[-1]
    assert (event.actor_id, event.action, event.object_type, event.object_id) == (
        user.id,
        "organisation.created",
        "Organisation",
        str(group.id),
    )
    assert event.after["name"] == group.name
    assert event.occurred_at is not None


def test_the_application_cannot_change_an_audit_event():
    make_user()
    event = _events()[0]
    event.action = "something.else"
    with pytest.raises(AuditTamperingError):
        db.session.commit()
    db.session.rollback()


def test_the_application_cannot_delete_an_audit_event():
    make_user()
    db.session.delete(_events()[0])
    with pytest.raises(AuditTamperingError):
        db.session.commit()
    db.session.rollback()


def test_postgresql_refuses_changes_to_audit_rows_even_in_raw_sql():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    make_user()
    transaction.commit()  # the audit row is stored, as a finished request would leave it
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
            db.session.execute(text(statement))
        db.session.rollback()
