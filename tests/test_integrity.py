"""Rules the database keeps whatever writes to it: enum values, dates in order, a reachable
contact for every group, and ids that are never handed out twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from grants import transaction
from grants.applications import services
from grants.applications.models import Application
from grants.extensions import db
from tests.applications.factories import start_application


def _refused(statement: str, **params) -> None:
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text(statement), params)


def test_a_status_outside_the_life_cycle_is_refused(app):
    application = start_application()
    _refused("UPDATE application SET status = 'approved' WHERE id = :id", id=application.id)
    _refused("UPDATE application SET channel = 'fax' WHERE id = :id", id=application.id)


def test_a_role_outside_the_closed_set_is_refused(app):
    application = start_application()
    user_id = application.organisation.main_contact_id
    _refused("INSERT INTO user_role (user_id, role) VALUES (:id, 'superuser')", id=user_id)


def test_a_project_cannot_end_before_it_starts(app):
    application = start_application()
    _refused(
        "UPDATE application SET start_date = :start, end_date = :end WHERE id = :id",
        start=date(2027, 5, 1),
        end=date(2027, 4, 30),
        id=application.id,
    )


def test_a_group_without_an_account_needs_a_contact_who_can_be_reached(app):
    application = start_application()
    organisation_id = application.organisation_id
    _refused(
        "UPDATE organisation SET main_contact_id = NULL, contact_name = 'Pat', "
        "contact_phone = NULL, contact_email = NULL WHERE id = :id",
        id=organisation_id,
    )


def test_the_audit_log_is_indexed_by_object(app):
    indexes = {
        index["name"]: index["column_names"]
        for index in inspect(db.engine).get_indexes("audit_event")
    }
    assert indexes["ix_audit_event_object"] == ["object_type", "object_id"]


def test_a_deleted_applications_id_is_never_reused(app):
    """Otherwise the deleted draft's audit trail would describe the next application."""
    first = start_application()
    applicant, round_, group = first.organisation.main_contact, first.round, first.organisation
    first_id = first.id
    services.delete_draft(applicant, first)
    transaction.commit()
    second = services.start(applicant, round_, group)
    transaction.commit()
    assert second.id > first_id
    assert db.session.get(Application, first_id) is None
