"""Life-cycle rules: sending, deadlines, limits, references, revisions, withdrawing and deleting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants import transaction
from grants.applications import answers, services
from grants.applications.models import Application, Channel
from grants.applications.states import ApplicationStatus as S
from grants.applications.states import IllegalTransition
from grants.audit import AuditEvent
from grants.clock import utcnow
from grants.errors import DomainError, NotAllowed
from grants.extensions import db
from grants.permissions import Role
from tests.applications.factories import (
    complete,
    open_round,
    start_application,
    submitted_application,
)
from tests.factories import make_group, make_user

pytestmark = pytest.mark.usefixtures("reference_data")


def _link(application):
    return f"http://localhost/applications/{application.id}"


def test_sending_gives_a_yearly_reference_and_emails_a_receipt(outbox):
    first = submitted_application()
    second = submitted_application()
    year = utcnow().year
    assert first.reference == f"CIF-{year}-0001"
    assert second.reference == f"CIF-{year}-0002"
    assert first.status == S.SUBMITTED and first.submitted_at is not None
    assert outbox == []  # the receipt waits for the commit
    transaction.commit()
    assert outbox[-1].to == [second.organisation.main_contact.email]
    assert second.reference in outbox[-1].body


def test_an_incomplete_application_cannot_be_sent():
    application = start_application()
    with pytest.raises(DomainError, match="Complete these sections first"):
        services.submit(application.organisation.main_contact, application, _link)
    assert application.status == S.DRAFT


def test_no_submission_after_the_round_closes():
    application = complete(start_application())
    application.round.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(DomainError, match="closed"):
        services.submit(application.organisation.main_contact, application, _link)


def test_no_amount_outside_the_round_limits():
    application = start_application()
    actor = application.organisation.main_contact
    with pytest.raises(DomainError, match="up to £2,000"):
        answers.add_budget_line(
            actor, application, item="Bus", category="transport", amount="2000.01"
        )
    complete(application, amount="100")  # below the £250 minimum
    with pytest.raises(DomainError, match="Budget"):
        services.submit(actor, application, _link)


def test_the_amount_requested_is_always_the_budget_total():
    application = start_application()
    actor = application.organisation.main_contact
    answers.add_budget_line(
        actor, application, item="Food", category="materials", amount="£1,000.50"
    )
    answers.add_budget_line(actor, application, item="Hall", category="venue", amount="250")
    assert application.amount_requested_pence == 125050
    answers.remove_budget_line(actor, application, application.budget_lines[0].id)
    assert application.amount_requested_pence == 25000


def test_no_end_date_before_the_start_date():
    application = start_application()
    with pytest.raises(DomainError, match="same as or after the start date"):
        answers.save_timeline(
            application.organisation.main_contact,
            application,
            start=date(2027, 5, 2),
            end=date(2027, 5, 1),
        )


def test_dates_must_sit_inside_the_rounds_window():
    round_ = open_round(project_start_from=date(2027, 4, 1), project_end_by=date(2028, 3, 31))
    application = start_application(round_)
    with pytest.raises(DomainError, match="on or after 1 April 2027"):
        answers.save_timeline(
            application.organisation.main_contact,
            application,
            start=date(2027, 3, 1),
            end=date(2027, 6, 1),
        )


def test_groups_apply_only_for_themselves_and_only_to_open_rounds():
    round_ = open_round()
    applicant, other = make_user(), make_user()
    group = make_group(applicant)
    with pytest.raises(NotAllowed):
        services.start(other, round_, group)
    closed = open_round(
        opens_at=utcnow() - timedelta(days=20), closes_at=utcnow() - timedelta(days=1)
    )
    with pytest.raises(DomainError, match="not open"):
        services.start(applicant, closed, group)


def test_withdraw_needs_a_reason_and_only_before_a_decision():
    application = submitted_application()
    contact = application.organisation.main_contact
    with pytest.raises(DomainError, match="why"):
        services.withdraw(contact, application, "  ")
    services.withdraw(contact, application, "Found other funding")
    assert application.status == S.WITHDRAWN
    with pytest.raises(IllegalTransition):
        services.withdraw(contact, application, "again")


def test_only_drafts_can_be_deleted_and_their_files_go_too(app):
    application = complete(start_application())
    stored = [d.stored_name for d in application.documents]
    transaction.commit()
    services.delete_draft(application.organisation.main_contact, application)
    assert db.session.get(Application, application.id) is None
    from grants.uploads import path_of

    assert all(path_of(name).exists() for name in stored)  # until the deletion commits
    transaction.commit()
    assert not any(path_of(name).exists() for name in stored)
    sent = submitted_application()
    with pytest.raises(DomainError, match="withdraw"):
        services.delete_draft(sent.organisation.main_contact, sent)


def test_assisted_applications_record_the_officer_and_channel():
    officer = make_user(Role.PROGRAMME_OFFICER)
    group = make_group(make_user())
    application = services.start(officer, open_round(), group, channel=Channel.PAPER)
    assert application.is_assisted and application.entered_by_id == officer.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.started"))
    assert event.actor_id == officer.id and event.after["channel"] == "paper"
    with pytest.raises(NotAllowed):
        services.start(group.main_contact, open_round(), group, channel=Channel.PHONE)


def test_every_change_is_audited():
    application = submitted_application()
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.object_id == str(application.id), AuditEvent.object_type == "Application"
            )
        )
    )
    assert {
        "application.started",
        "application.project_saved",
        "application.budget_saved",
        "application.declaration_saved",
        "application.submitted",
    } <= actions
